"""The scoped user-agent sheet: the same PDF as WeasyPrint's own, far fewer styles kept.

WeasyPrint's sheet styles ``::marker``, ``::footnote-*`` and ``::note-*`` on every element;
``publish.publication_html`` scopes those rules to the elements that carry them
(issue 21: the peak memory of a Russian edition fell from 327 MB to 254 MB).
"""

from __future__ import annotations

import gc
import io
import logging

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint import html as weasy_html
from weasyprint.css import ComputedStyle

from profiles_gen.publish.weasy import UA_SCOPES, publication_html, scoped_ua_text

FONTS = "body { font-family: 'DejaVu Sans'; font-size: 10pt; }"
FOOTNOTES = (
    ".footnote { float: footnote; font-size: 7pt; }"
    ".footnote::footnote-call { content: counter(footnote); vertical-align: super; }"
    ".footnote::footnote-marker { content: counter(footnote) '. '; }"
)


def document(paragraphs: int, extra_css: str = "", body_extra: str = "") -> str:
    rows = "".join(f"<tr><td>{i}</td><td><span>value {i}</span></td></tr>" for i in range(40))
    text = "".join(
        f"<p>Paragraph {i} with <em>emphasis</em> and <a href='#t'>a link</a>.</p>"
        for i in range(paragraphs)
    )
    return (
        f"<html lang='en'><head><style>{FONTS}{FOOTNOTES}{extra_css}</style></head><body>"
        "<h1 id='t'>Title</h1>"
        "<p>A sentence with a note<span class='footnote'>The note's text.</span> in it.</p>"
        "<ol><li>first</li><li>second</li></ol><ul><li>a</li><li>b</li></ul>"
        f"<details open><summary>More</summary><p>Inside.</p></details>"
        f"<table>{rows}</table>{text}{body_extra}</body></html>"
    )


def pseudo_styles_after(make) -> int:
    """Pseudo-element styles alive after laying out, while the document is held (page
    margin boxes, whose pseudo types start with "@", are per page, not per element)."""
    gc.collect()
    document = make().render()
    count = sum(
        1
        for o in gc.get_objects()
        if isinstance(o, ComputedStyle) and (o.pseudo_type or "@")[0] != "@"
    )
    del document
    return count


def test_every_universal_pseudo_element_rule_is_scoped() -> None:
    stock = weasy_html.UA.splitlines()
    scoped = scoped_ua_text(weasy_html.UA).splitlines()
    changed = [(a, b) for a, b in zip(stock, scoped, strict=True) if a != b]
    assert len(changed) == len(UA_SCOPES) == 6
    for before, after in changed:
        bare = next(k for k in UA_SCOPES if before.startswith(k))
        assert after == UA_SCOPES[bare] + before[len(bare) :]
    # nothing universal is left on a pseudo-element
    assert not [line for line in scoped if line.startswith("::")]


def test_the_scoped_sheet_prints_the_same_pdf() -> None:
    html = document(60)
    stock = HTML(string=html).write_pdf()
    ours = publication_html(string=html)
    assert type(ours) is not HTML  # the scoped sheet is in use
    assert ours.write_pdf() == stock
    first = PdfReader(io.BytesIO(stock)).pages[0].extract_text()
    assert "a note1 in it" in first and "1. The note's text." in first  # call and marker
    assert first.count("1. ") == 2 and "2. " in first and first.count("•") == 2  # markers


def test_the_scoped_sheet_keeps_styles_only_where_they_are_used() -> None:
    html = document(400)
    stock = pseudo_styles_after(lambda: HTML(string=html))
    ours = pseudo_styles_after(lambda: publication_html(string=html))
    elements = html.count("<") // 2
    assert stock > 5 * elements  # six per element in WeasyPrint's own sheet
    assert ours < 20  # the list items, the summary and the footnote


@pytest.mark.parametrize(
    "css, body",
    [
        (".aside { float: footnote; }", "<p>Text<span class='aside'>An aside.</span>.</p>"),
        ("", "<p>Text<span style='float:footnote'>Inline.</span>.</p>"),
    ],
)
def test_narrative_css_that_makes_a_footnote_gets_weasyprints_own_sheet(css, body) -> None:
    html = document(5, extra_css=css, body_extra=body)
    made = publication_html(string=html)
    assert type(made) is HTML  # WeasyPrint's own sheet: its footnote calls are styled
    pdf = made.write_pdf()
    assert pdf == HTML(string=html).write_pdf()


def test_the_scoped_sheet_is_made_and_used_without_a_warning(caplog, monkeypatch) -> None:
    """WeasyPrint refuses to redefine ``disc`` and ``decimal`` in a counter-style set that
    has them: parsed into WeasyPrint's own set, the sheet would warn twice (a --strict
    build would fail)."""
    from profiles_gen.publish import weasy

    monkeypatch.setattr(weasy, "_UA", {})
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        publication_html(string=document(5)).write_pdf()
    assert [r.getMessage() for r in caplog.records] == []
