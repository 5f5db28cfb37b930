"""A build never loses work, and a profile cannot reach outside the project."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from profiles_gen.build.manifest import sha256_file
from profiles_gen.core.paths import FONT_DIR
from profiles_gen.publish.pdf import write_pdf
from profiles_gen.publish.styles import fonts_css
from tests.conftest import ROOT, run_cli


@pytest.fixture
def http_server():
    """A local HTTP server that records every request it receives."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_narrative_reaching_outside_is_refused_with_file_and_line(
    project: Path, http_server
) -> None:
    url, requests = http_server
    chapter = project / "cities" / "mini" / "narrative" / "en" / "10-overview.md"
    chapter.write_text(
        "---\ntitle: City overview\norder: 1\npart: body\n---\nText.\n\n"
        f"![passwd](/etc/passwd)\n![file](file:///etc/passwd)\n![remote]({url}/x.png)\n",
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--format", "pdf"], project)
    assert status == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        "cities/mini/narrative/en/10-overview.md:8:11: error: resource: absolute paths are "
        "refused; use a path relative to the city folder: /etc/passwd",
        "cities/mini/narrative/en/10-overview.md:9:9: error: resource: the file: scheme is "
        "refused; use a file in the city folder: file:///etc/passwd",
        f"cities/mini/narrative/en/10-overview.md:10:11: error: resource: remote resources are "
        f"refused (build with --allow-remote to fetch them): {url}/x.png",
    ]
    assert requests == []
    assert not (project / "build" / "mini" / "mini-en.pdf").exists()


@pytest.mark.slow
def test_the_pdf_fetcher_serves_only_project_files(tmp_path: Path, http_server) -> None:
    url, requests = http_server
    fonts = fonts_css(lambda name: (FONT_DIR / name).as_uri())
    html = (
        f'<html lang="en"><head><style>{fonts} body {{ font-family: "Noto Sans" }}</style>'
        f'</head><body><p>x</p><img src="{url}/a.png">'
        '<img src="file:///etc/passwd"><img src="../../outside.png">'
        '<link rel="stylesheet" href="file:///etc/hosts"></body></html>'
    )
    out = tmp_path / "out.pdf"
    city = tmp_path / "a" / "b"
    city.mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(b"\x89PNG")
    messages = write_pdf(html, out, city, [city, FONT_DIR], "pdf/ua-1").messages
    refused = [m for m in messages if m.startswith("refused: ")]
    assert len(refused) == 4
    assert requests == []
    assert out.is_file()
    # With --allow-remote the same page does reach the server: the test can fail.
    write_pdf(html, out, city, [city, FONT_DIR], "pdf/ua-1", allow_remote=True)
    assert requests == ["/a.png"]


@pytest.mark.slow
def test_an_interrupted_build_leaves_the_previous_outputs_and_no_partial_files(
    project: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "profiles_gen", "build", "mini", "-j", "1", "-q"]
    subprocess.run(cmd, cwd=project, env=env, check=True, capture_output=True)
    out = project / "build" / "mini"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    first = out / "mini-en.pdf"
    first_before = first.stat().st_mtime_ns

    kpis = project / "cities" / "mini" / "kpis.yaml"
    kpis.write_text(kpis.read_text().replace("value: 93", "value: 94"))
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if first.stat().st_mtime_ns != first_before:
            break  # the English PDF is written: the Russian one is being rendered now
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    # What was being made, and what was to come after it, is as it was ...
    assert (out / "mini-ru.pdf").read_bytes() == before[out / "mini-ru.pdf"]
    for lang in ("en", "ru"):  # (the HTML editions come after the PDFs)
        page = out / lang / "index.html"
        assert page.read_bytes() == before[page], page
    # ... and the PDF published before the interrupt is whole, and recorded as built.
    assert first.read_bytes() != before[first]
    assert first.read_bytes().rstrip().endswith(b"%%EOF")
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert recorded["outputs"]["mini-en.pdf"]["sha256"] == sha256_file(first)
    assert recorded["outputs"]["mini-ru.pdf"]["sha256"] == sha256_file(out / "mini-ru.pdf")
    leftovers = [p for p in out.rglob("*") if p.name.endswith((".tmp", ".old"))]
    assert leftovers == []


def test_building_one_city_leaves_another_city_alone(project: Path) -> None:
    other = project / "build" / "other"
    other.mkdir(parents=True)
    (other / "other-en.pdf").write_bytes(b"%PDF-1.7 other")
    status, _, err = run_cli(["build", "mini", "--format", "html"], project)
    assert status == 0, err
    assert (other / "other-en.pdf").read_bytes() == b"%PDF-1.7 other"
    assert sorted(p.name for p in other.iterdir()) == ["other-en.pdf"]
    # Besides mini/, only the shared home pages of the site, their assets and the caches.
    names = {p.name for p in (project / "build").iterdir()}
    assert names == {"mini", "other", "index.html", "index.ru.html", "assets", ".cache"}


def test_an_interrupt_during_a_folder_swap_waits_for_the_swap_to_finish(
    tmp_path: Path, monkeypatch
) -> None:
    from profiles_gen.core import files

    final = tmp_path / "en"
    final.mkdir()
    (final / "index.html").write_text("old")
    real_replace = os.replace

    def replace_after_a_signal(src, dst):
        files.interrupt(signal.SIGTERM, None)  # arrives in the middle of the swap
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_after_a_signal)
    with pytest.raises(KeyboardInterrupt), files.staged_dir(final) as stage:
        (stage / "index.html").write_text("new")
    assert (final / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en"]  # no .tmp, no .old
    with pytest.raises(KeyboardInterrupt):  # outside a swap it unwinds at once
        files.interrupt(signal.SIGTERM, None)
