"""``profiles-gen serve``: a real server in a subprocess, real saves, Ctrl-C.

Each step waits for the server's own build event (server-sent events) instead
of sleeping, so nothing here is timed; the socket timeout only keeps a broken
server from hanging the suite.
"""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from profiles_gen.tools.serve import MARK, State, inject, snippet
from tests.conftest import ROOT

GUARD = 1800  # seconds: a hang guard for a broken server (a loaded machine is slow), not a limit


class Events:
    """The server's event stream: ``next_build()`` blocks until the next build event."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=GUARD)
        self.conn.request("GET", "/__serve/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_build(self) -> int:
        event = None
        while True:
            raw = self.response.readline()
            assert raw, "the server closed its event stream"
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "build":
                return int(line.split(":", 1)[1])

    def close(self) -> None:
        self.conn.close()


def served_after_builds(events: Events, url: str, wanted) -> str:
    """The page after the next build for which ``wanted(page)`` holds (an editor's save may
    reach the watcher as more than one change)."""
    while True:
        events.next_build()
        status, page = get(url)
        assert status == 200
        if wanted(page):
            return page


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=GUARD) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture
def server(project: Path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "profiles_gen", "serve", "mini", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    try:
        url = None
        for line in proc.stdout:  # the first build, then the address
            found = re.search(r"serving mini at (http://127\.0\.0\.1:\d+/en/)", line)
            if found:
                url = found.group(1)
                break
        assert url, proc.stderr.read()
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_saved_edit_is_served_an_invalid_one_shows_its_errors_and_ctrl_c_stops(
    project: Path, server
) -> None:
    proc, url = server
    host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
    status, page = get(url)
    assert status == 200
    assert "household internet access of 93%" in page
    assert MARK in page and '<script src="/__serve/live.js"' in page
    assert "EventSource" in get(url.replace("/en/", "/__serve/live.js"))[1]
    # The site's shared stylesheet and fonts, which the edition names as ../../assets/.
    assert 'href="../../assets/profile.css"' in page
    status, css = get(urllib.parse.urljoin(url, "../../assets/profile.css"))
    assert status == 200 and "@font-face" in css
    font = re.search(r'url\("(fonts/NotoSans-Regular\.woff2)"\)', css).group(1)
    with urllib.request.urlopen(urllib.parse.urljoin(url, f"/assets/{font}"), timeout=GUARD) as r:
        assert r.read(4) == b"wOF2"
    # The page written to disk is the published one: nothing of the preview in it.
    written = (project / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    assert MARK not in written and "EventSource" not in written
    assert get(url.replace("/en/", "/"))[1] == page  # the root goes to the edition

    events = Events(host, int(port))
    events.next_build()  # the current build, sent at once
    chapter = project / "cities" / "mini" / "narrative" / "en" / "10-overview.md"
    good = chapter.read_text(encoding="utf-8")
    chapter.write_text(good + "\nA sentence saved in the editor.\n", encoding="utf-8")
    page = served_after_builds(events, url, lambda p: "A sentence saved" in p)
    assert "A sentence saved in the editor." in page and 'id="pg-serve-errors"' not in page

    chapter.write_text(good + "\nBroken: {{kpi XX-NOPE-1}}.\n", encoding="utf-8")
    page = served_after_builds(events, url, lambda p: "pg-serve-errors" in p)
    # The last good build, with the errors over it.
    assert re.search(r"cities/mini/narrative/en/10-overview\.md:\d+:\d+: error: ", page), page
    assert "A sentence saved in the editor." in page

    chapter.write_text(good + "\nFixed again.\n", encoding="utf-8")
    page = served_after_builds(events, url, lambda p: "Fixed again." in p)
    assert 'id="pg-serve-errors"' not in page
    events.close()

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=GUARD)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in out
    assert "cities/mini/narrative/en/10-overview.md:" in out  # the console said it too
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=GUARD)


def test_the_live_part_goes_before_the_end_of_the_body() -> None:
    state = State(generation=7, errors=["a.md:3:5: error: <bad>"], built=True)
    page = inject("<html><body><p>x</p></body></html>", snippet(state, "mini", "en"))
    assert page.endswith("</body></html>") and page.index("<p>x</p>") < page.index(MARK)
    assert "a.md:3:5: error: &lt;bad&gt;" in page and 'data-generation="7"' in page
    assert 'href="/mini-en.pdf"' in page


@pytest.mark.slow
def test_the_pdf_is_built_on_demand_from_the_link_on_the_page(project: Path, server) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    proc, url = server
    host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
    pdf_url = url.replace("/en/", "/mini-en.pdf")
    assert 'href="/mini-en.pdf"' in get(url)[1]
    assert not (project / "build" / "mini" / "mini-en.pdf").exists()  # not built on save
    events = Events(host, int(port))
    events.next_build()
    status, page = get(pdf_url)
    assert status == 200 and "Building the PDF [en]" in page
    events.next_build()  # the PDF's build is done
    with urllib.request.urlopen(pdf_url, timeout=GUARD) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        reader = PdfReader(BytesIO(response.read()))
    assert "household internet access of 93%" in " ".join(p.extract_text() for p in reader.pages)
    events.close()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=GUARD) == 0


def test_a_taken_port_is_a_usage_error_before_anything_is_built(project: Path) -> None:
    import socket

    from tests.conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, out, err = run_cli(["serve", "mini", "--port", str(port)], project)
    assert status == 2, (out, err)
    assert err.startswith("profiles-gen serve: error: ") and "Traceback" not in err
    assert not (project / "build").exists()


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("kpis.yaml", True),
        ("sedAbC123", False),  # sed -i
        ("sedan.md", True),
        ("4913", False),  # vim's write test
        (".kpis.yaml.swp", False),
        ("kpis.yaml~", False),
        ("#kpis.yaml#", False),  # Emacs auto-save
        (".#kpis.yaml", False),  # Emacs lock
        ("kpis.yaml.bak", False),
        ("messages.po", True),
    ],
)
def test_editor_temporaries_are_not_sources(tmp_path: Path, name: str, source: bool) -> None:
    from profiles_gen.tools.serve import Preview

    preview = Preview(tmp_path / "cities" / "mini", tmp_path / "build", ["en"])
    assert preview.relevant(str(tmp_path / "cities" / "mini" / name)) is source


def test_a_sed_in_place_edit_rebuilds_naming_only_the_file(tmp_path: Path) -> None:
    import os
    import threading

    from profiles_gen.tools.serve import Preview

    city = tmp_path / "mini"
    city.mkdir()
    (city / "kpis.yaml").write_text("{}\n")
    logged: list[str] = []
    built = threading.Event()
    preview = Preview(city, tmp_path / "build", ["en"], log=logged.append)
    preview.build = lambda: built.set() or True  # the watcher alone is under test
    preview.watched = lambda: [city]
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    try:
        assert preview.watching.wait(60)
        for junk in ("4913", ".kpis.yaml.swp", "kpis.yaml~"):
            (city / junk).write_text("x")
        (city / "4913").unlink()  # vim removes its write test at once
        (city / "sedAbC123").write_text("EC-ICT-ICT-1C: {value: 1}\n")
        os.replace(city / "sedAbC123", city / "kpis.yaml")  # how sed -i saves
        assert built.wait(60)
    finally:
        preview.stop.set()
        watcher.join(10)
    changed = [line for line in logged if line.startswith("changed: ")]
    assert changed and set(changed) == {f"changed: {os.path.relpath(city / 'kpis.yaml')}"}
