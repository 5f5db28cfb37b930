"""Narrative Markdown: shortcodes, and sanitising of raw HTML."""

from __future__ import annotations

from pathlib import Path

from profiles_gen.catalogue import load_catalogue
from profiles_gen.errors import IssueLog
from profiles_gen.narrative import check_shortcodes, render_markdown


def resolve(name: str, args: list[str]) -> str:
    return f"<{name}:{'/'.join(args)}>"


def test_shortcodes_expand_and_are_escaped() -> None:
    html = render_markdown("Access is {{kpi EC-ICT-ICT-1C}}.", resolve)
    assert html == "<p>Access is &lt;kpi:EC-ICT-ICT-1C&gt;.</p>\n"


def test_raw_html_scripts_handlers_and_javascript_links_are_removed() -> None:
    text = (
        '<script>alert(1)</script>\n\n<p onclick="x()">Hi</p>\n\n'
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://unece.org)\n\n"
        "<img src=x onerror=alert(1)>"
    )
    html = render_markdown(text, resolve)
    for bad in ("<script", "onclick", 'href="javascript:', 'href="data:', "onerror", "<img"):
        assert bad not in html
    assert 'href="https://unece.org"' in html


def test_raw_html_links_with_bad_schemes_lose_their_href() -> None:
    html = render_markdown('<a href="javascript:alert(1)">x</a> <a href="data:x">y</a>', resolve)
    assert "javascript:" not in html and "data:" not in html


def test_headings_are_demoted_below_the_chapter_title() -> None:
    assert "<h2>Section</h2>" in render_markdown("# Section", resolve, demote=1)


def test_shortcode_problems_have_file_line_and_column() -> None:
    log = IssueLog()
    body = "Line one.\nSee {{band SC-SH-SI-3C}} and {{kpi EN-EN-AQ-1C}} and {{fact size}}.\n{{kpi"
    check_shortcodes(body, Path("x.md"), 6, load_catalogue(), log)
    lines = [i.format() for i in log.issues]
    assert lines == [
        "x.md:7:30: error: shortcode: EN-EN-AQ-1C is reported per data point: name one: "
        "{{kpi EN-EN-AQ-1C}}",
        "x.md:7:54: error: shortcode: fact takes one of population, area, population_density, "
        "gdp_per_capita, elevation, households, annual_mean_temperature: {{fact size}}",
        "x.md:8:1: error: shortcode: '{{' without a closing '}}'",
    ]
