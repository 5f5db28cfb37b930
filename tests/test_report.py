"""Progress while a build works: plain lines off a terminal, a live table on one, -q silent."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from profiles_gen.cli.report import Reporter
from tests.conftest import run_cli


def events(reporter: Reporter) -> None:
    reporter("tbilisi [en] queued: pdf, html")
    reporter("tbilisi [ru] queued: pdf, html")
    reporter("tbilisi [en] built in 31.2 s")
    reporter("tbilisi [ru] built in 30.0 s")


def plain(text: str) -> list[str]:
    return [re.sub(r" \[\d+\.\d s\]$", "", line) for line in text.splitlines()]


def test_plain_lines_say_what_renders_and_what_is_done_with_the_time() -> None:
    out = io.StringIO()
    events(Reporter(jobs=1, stream=out))
    assert plain(out.getvalue()) == [
        "tbilisi [en] queued: pdf, html",
        "tbilisi [en] rendering pdf, html",
        "tbilisi [ru] queued: pdf, html",
        "tbilisi [en] built in 31.2 s",
        "tbilisi [ru] rendering pdf, html",  # one worker: the next one starts
        "tbilisi [ru] built in 30.0 s",
    ]
    assert all(re.search(r" \[\d+\.\d s\]$", line) for line in out.getvalue().splitlines())


def test_two_workers_render_two_editions_at_once() -> None:
    out = io.StringIO()
    reporter = Reporter(jobs=2, stream=out)
    reporter("tbilisi [en] queued: pdf")
    reporter("tbilisi [ru] queued: pdf")
    assert [e.state for e in reporter.editions.values()] == ["rendering", "rendering"]


def test_quiet_prints_nothing() -> None:
    out = io.StringIO()
    events(Reporter(quiet=True, stream=out))
    assert out.getvalue() == ""


def test_the_live_table_names_each_edition_and_its_state() -> None:
    reporter = Reporter(jobs=1, stream=io.StringIO(), live=False)
    reporter("tbilisi [ru] up to date")
    reporter("tbilisi [en] queued: pdf, html")
    reporter("norway [en] queued: html")
    screen = io.StringIO()
    Console(file=screen, width=100, force_terminal=False).print(reporter._table())
    text = screen.getvalue()
    assert "tbilisi [ru]" in text and "up to date" in text
    assert re.search(r"tbilisi \[en\]\s+rendering pdf, html", text)
    assert re.search(r"norway \[en\]\s+waiting: html", text)
    assert re.search(r"1/3 done\s+1 rendering", text)


def test_the_build_command_reports_through_it(project: Path) -> None:
    status, out, _ = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0
    lines = plain(out)
    assert lines.index("mini [en] rendering html") < lines.index("mini [ru] rendering html")
    assert any(line.startswith("mini [en] built in ") for line in lines)
    peaks = [re.search(r" built in [\d.]+ s, peak memory (\d+) MB", line) for line in lines]
    assert [int(m.group(1)) > 20 for m in peaks if m] == [True, True], lines  # en, ru
    status, out, _ = run_cli(["build", "mini", "--format", "html", "-q", "--force"], project)
    assert status == 0 and out == ""
