"""The WeasyPrint internals that profiles_gen.publish.weasy relies on, pinned.

Each test fails when a WeasyPrint release changes an internal that a patch needs; the
patch is then skipped at run time (the edition is laid out by plain WeasyPrint), so these
tests are what tells a developer trying a new release what to look at.
"""

from __future__ import annotations

import inspect
import io
import re

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint import html as ua
from weasyprint.pdf import tags

from profiles_gen.core.paths import FONT_DIR
from profiles_gen.publish.styles import fonts_css
from profiles_gen.publish.weasy import (
    UA_SCOPES,
    internals_missing,
    kept_page_references,
    publication_html,
    scoped_ua_text,
    svg_text_in_runs,
    tag_element_languages,
)


def test_no_internal_is_missing_in_the_installed_weasyprint() -> None:
    assert internals_missing() == []


def test_the_structure_tree_is_built_by_a_generator_of_dictionaries_per_box() -> None:
    """``tags._build_box_tree(box, parent, …)`` yields the structure dictionaries of a box."""
    original = getattr(tags._build_box_tree, "wrapped", tags._build_box_tree)
    assert inspect.isgeneratorfunction(original)
    assert list(inspect.signature(original).parameters)[0] == "box"


def test_an_element_in_another_language_gets_its_lang_in_the_pdf() -> None:
    tag_element_languages()
    html = "<html lang='en'><body><p>English text.</p><p lang='ru'>Русский текст.</p></body></html>"
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    assert "ru" in set(languages(root))


def languages(node):
    """The ``/Lang`` of every structure element under ``node``."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            yield from languages(kid)
    elif hasattr(node, "get"):
        if "/Lang" in node:
            yield str(node["/Lang"])
        if "/K" in node:
            yield from languages(node["/K"])


def test_the_user_agent_sheet_holds_each_scoped_rule_once_at_a_line_start() -> None:
    lines = ua.UA.splitlines()
    for bare in UA_SCOPES:
        assert sum(line.startswith(bare) for line in lines) == 1, bare
    assert scoped_ua_text(ua.UA) != ua.UA


def test_html_takes_its_user_agent_sheets_from_one_method() -> None:
    """``HTML._ua_stylesheets(forms=False)`` returns the sheets a document is laid out with;
    ``UA_FORM_STYLESHEET`` is added for forms."""
    method = HTML._ua_stylesheets
    assert list(inspect.signature(method).parameters) == ["self", "forms"]
    assert ua.UA_FORM_STYLESHEET is not None
    sheets = HTML(string="<p>x</p>")._ua_stylesheets()
    assert sheets and all(hasattr(s, "matcher") for s in sheets)


@pytest.mark.parametrize("scoped", [True, False])
def test_the_publication_html_is_laid_out_either_way(scoped: bool) -> None:
    # narrative CSS making footnotes of its own, beyond the publication's own rules
    css = "" if scoped else "<style>" + "aside { float: footnote }" * 10 + "</style>"
    doc = publication_html(string=f"<html lang='en'>{css}<body><p>x</p></body></html>")
    assert isinstance(doc, HTML) and len(doc.render().pages) == 1
    assert (type(doc) is not HTML) == scoped


def test_the_page_is_defined_once_and_the_print_stylesheet_reads_it() -> None:
    """The pages' size and margins live in core.page: the print stylesheet holds no other
    page size or margin, and a chart fits the text column."""
    from profiles_gen.core.page import CHART_WIDTH_PT, PT_PER_MM, TEXT_WIDTH_MM, page_css
    from profiles_gen.publish.styles import CSS_DIR, stylesheet

    print_css = (CSS_DIR / "print.css").read_text(encoding="utf-8")
    assert not re.search(r"(?<![-\w])size\s*:|@page[^{]*\{[^}]*(?<![-\w])margin\s*:", print_css)
    assert stylesheet("print", "").index(page_css()) < stylesheet("print", "").index(print_css)
    assert page_css() not in stylesheet("screen", "")
    assert CHART_WIDTH_PT < TEXT_WIDTH_MM * PT_PER_MM


# A chart's labels as matplotlib writes them: one position each, anchored at their start,
# middle or end, normal and bold, turned; a text whose letters have positions of their own;
# and a text going on after a shifted span, where the shift carries over.
LABELS_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="200pt"
 viewBox="0 0 400 200">
<text font-size="9px" font-family="'Noto Sans', 'DejaVu Sans'" text-anchor="start" x="10"
 y="20">Economy 63 % Тбилиси</text>
<text font-size="9px" font-family="'Noto Sans', 'DejaVu Sans'" text-anchor="middle" x="200"
 y="50" font-weight="700">Общество и культура — AVAST Tea</text>
<text font-size="7px" font-family="'Noto Sans', 'DejaVu Sans'" text-anchor="end" x="390"
 y="80">1 202 700 m³ – office</text>
<text font-size="8px" font-family="'Noto Sans', 'DejaVu Sans'" text-anchor="middle" x="100"
 y="150" transform="rotate(-90 100 150)">Side label</text>
<text font-size="8px" font-family="'Noto Sans'" x="250 262 274 286" y="150">ABCD</text>
<text font-size="8px" font-family="'Noto Sans'" x="250" y="180">Run<tspan dx="9">shifted</tspan>
<tspan>then on</tspan></text>
</svg>"""


def _words(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    import subprocess

    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(
        ["pdftotext", "-q", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [
        (word, *map(float, box))
        for *box, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            xml,
        )
    ]


def test_a_charts_labels_are_drawn_as_runs_as_wide_as_matplotlib_measured_them(tmp_path) -> None:
    """Each label set as one run is kerned as matplotlib measured it: every word of the
    labels anchored at their start, middle or end lands where the label's measure puts it,
    to a twentieth of a point (letter by letter, "AVAST Tea" came out wider). A label
    without a kerning pair, turned, lands where the letter-by-letter drawing put it; a text
    whose letters have positions of their own, and one going on after a shifted span, are
    drawn by WeasyPrint as before. The PDF is smaller."""
    from weasyprint import svg

    from profiles_gen.charts.text import _measure_line

    svg_text_in_runs()
    runs = svg.TAGS["text"]
    assert getattr(runs, "in_runs", False)
    (tmp_path / "labels.svg").write_text(LABELS_SVG, encoding="utf-8")
    fonts = fonts_css(lambda name: (FONT_DIR / name).as_uri())
    page = (
        f"<html><head><style>{fonts} @page {{ size: A5 landscape; margin: 1cm }} "
        "body { margin: 0 }</style></head>"
        f'<body><img src="labels.svg" alt="Labels"></body></html>'
    )
    drawn = {}
    for name, function in (("runs", runs), ("letters", runs.wrapped)):
        tags = [tag for tag, f in svg.TAGS.items() if f in (runs, runs.wrapped)]
        assert "text" in tags and svg.text is runs
        svg.TAGS.update(dict.fromkeys(tags, function))
        svg.text = function
        try:
            drawn[name] = HTML(string=page, base_url=str(tmp_path) + "/").write_pdf()
        finally:
            svg.TAGS.update(dict.fromkeys(tags, runs))
            svg.text = runs
    ours, theirs = _words(drawn["runs"], tmp_path), _words(drawn["letters"], tmp_path)
    assert [w[0] for w in ours] == [w[0] for w in theirs]
    words = [w[0] for w in ours]
    assert words[-7:-3] == ["A", "B", "C", "D"]  # a letter per position, by WeasyPrint's own
    assert words[-3] == "Run" and words[-1] == "on"  # the span after the shifted one, as before
    # The page's 1 cm margin and the picture's 400 units over 400 pt: a unit is a point.
    left = 72 / 2.54
    labels = [  # (text, size, weight, anchor x, anchor)
        ("Economy 63 % Тбилиси", 9.0, "normal", 10, "start"),
        ("Общество и культура — AVAST Tea", 9.0, "bold", 200, "middle"),
        ("1 202 700 m³ – office", 7.0, "normal", 390, "end"),
    ]
    boxes = {w[0]: w for w in ours}  # each word of these labels is on the page once
    for text, size, weight, x, anchor in labels:
        width = _measure_line(text, size, weight)[0]
        start = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
        parts = text.split(" ")
        for n, word in enumerate(parts):
            before = _measure_line(" ".join(parts[:n]) + (" " if n else ""), size, weight)[0]
            through = _measure_line(" ".join(parts[: n + 1]), size, weight)[0]
            found = boxes[word]
            assert abs(found[1] - (left + start + before)) < 0.05, (word, found, before)
            assert abs(found[3] - (left + start + through)) < 0.05, (word, found, through)
    kerned = [w for w in ours if w[0] == "AVAST"][0], [w for w in theirs if w[0] == "AVAST"][0]
    assert kerned[0][3] - kerned[0][1] < kerned[1][3] - kerned[1][1] - 0.3
    turned = [i for i, w in enumerate(ours) if w[0] in ("Side", "label")]
    assert len(turned) == 2
    for i in turned:
        assert all(abs(a - b) < 0.05 for a, b in zip(ours[i][1:], theirs[i][1:], strict=True))
    assert len(drawn["runs"]) < len(drawn["letters"])


def test_the_pages_references_kept_give_the_same_pdf_to_the_byte() -> None:
    """A tagged PDF of several pages with links between them, written with the pages'
    references kept and as pydyf works them out for each read: the same bytes. Pages
    added after a read give a tuple with them."""
    import pydyf

    kept_page_references()
    kept = pydyf.PDF.page_references
    assert getattr(kept.fget, "kept", False)
    pages = "".join(
        f'<section id="s{n}" style="break-after: page"><h1>Part {n}</h1>'
        f'<p><a href="#s{(n + 1) % 12}">next</a></p></section>'
        for n in range(12)
    )
    html = f"<html lang='en'><body>{pages}</body></html>"
    written = {}
    for name, prop in (("kept", kept), ("built", property(kept.fget.wrapped))):
        pydyf.PDF.page_references = prop
        try:
            written[name] = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        finally:
            pydyf.PDF.page_references = kept
    assert written["kept"] == written["built"]
    assert len(PdfReader(io.BytesIO(written["kept"])).pages) == 12

    pdf = pydyf.PDF()
    for _ in range(2):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    before = pdf.page_references
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(before) == 2 and len(pdf.page_references) == 3
    assert pdf.page_references == kept.fget.wrapped(pdf)
