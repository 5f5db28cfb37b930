"""Narrative Markdown: shortcodes, and sanitising of raw HTML."""

from __future__ import annotations

from pathlib import Path

from profiles_gen.core.errors import IssueLog
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.narrative import check_resources, check_shortcodes
from profiles_gen.render.markdown import render_markdown


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
    for bad in ("<script", "onclick", 'href="javascript:', 'href="data:', "onerror"):
        assert bad not in html
    assert '<img src="x">' in html  # kept, without its handler (validate checks the file)
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


def test_resources_outside_the_city_folder_are_errors(tmp_path: Path) -> None:
    city = tmp_path / "city"
    (city / "images").mkdir(parents=True)
    (city / "images" / "map.png").write_bytes(b"png")
    (tmp_path / "secret.png").write_bytes(b"png")
    body = (
        "![map](images/map.png)\n"
        "![a](/etc/passwd) ![b](file:///etc/passwd)\n"
        "![c](../secret.png) ![d](http://127.0.0.1:9/x.png)\n"
        '<img src="images/none.png"> <p style="background: url(https://x.org/a.png)">x</p>\n'
    )
    log = IssueLog()
    check_resources(body, Path("n.md"), 5, city, log)
    assert [i.format() for i in log.issues] == [
        "n.md:6:6: error: resource: absolute paths are refused; use a path relative to the "
        "city folder: /etc/passwd",
        "n.md:6:24: error: resource: the file: scheme is refused; use a file in the city "
        "folder: file:///etc/passwd",
        "n.md:7:6: error: resource: the path leads outside the city folder: ../secret.png",
        "n.md:7:26: error: resource: remote resources are refused (build with --allow-remote "
        "to fetch them): http://127.0.0.1:9/x.png",
        "n.md:8:11: error: resource: no such file in the city folder: images/none.png",
        "n.md:8:55: error: resource: remote resources are refused (build with --allow-remote "
        "to fetch them): https://x.org/a.png",
    ]
    allowed = IssueLog()
    check_resources(body, Path("n.md"), 5, city, allowed, allow_remote=True)
    assert len(allowed.issues) == 4


def test_footnotes_move_to_their_call() -> None:
    html = render_markdown("Text[^a] and more[^b].\n\n[^a]: First.\n[^b]: Second *one*.\n", resolve)
    assert html == (
        '<p>Text<span class="footnote">First.</span> and more'
        '<span class="footnote">Second <em>one</em>.</span>.</p>\n'
    )


def test_a_footnote_called_twice_is_inlined_at_both_calls() -> None:
    html = render_markdown("One[^a] and two[^a].\n\n[^a]: Note.\n", resolve)
    assert html.count('<span class="footnote">Note.</span>') == 2
    assert "#fn" not in html
