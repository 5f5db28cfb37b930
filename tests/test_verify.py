"""verify: the same figures in every edition, missing glyphs, the manifest (slow: real PDFs)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from profiles_gen.tools.verify import canonical, compare_editions, numbers, pdf_chapters
from tests.conftest import copy_project, run_cli

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "35,394 and 14.47% in 2021; SDG 17.8", ["35394", "14.47", "2021", "17.8"]),
        ("ru", "35\u00a0394 и 14,47\u00a0% в 2021; ЦУР 17.8", ["35394", "14.47", "2021", "17.8"]),
        ("ru", "Содержание . . . . . . 32", []),
    ],
)
def test_numbers_are_normalised_from_their_locale(lang, text, expected) -> None:
    found = numbers(text, lang)
    for value in expected:
        assert found[value] >= 1, (value, found)
    if not expected:
        assert not found


def test_canonical_forms() -> None:
    assert (
        canonical("1,202,731.50", "en") == canonical("1\u00a0202\u00a0731,5", "ru") == "1202731.5"
    )
    assert canonical("100", "en") == "100"


@pytest.fixture
def built(mini_built: Path, tmp_path: Path) -> Path:
    """A copy of the session's built ``mini`` project, free to change."""
    return copy_project(mini_built, tmp_path / "project")


def test_verify_passes_then_catches_a_mistyped_number_and_a_changed_input(built: Path) -> None:
    status, out, err = run_cli(["verify", "mini", "--manifest"], built)
    assert status == 0, err
    assert out.startswith("mini: verified")

    chapter = built / "cities" / "mini" / "narrative" / "ru" / "10-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("{{kpi EC-ICT-ICT-1C}}", "94\u00a0%"),
        encoding="utf-8",
    )
    assert run_cli(["build", "mini"], built)[0] == 0
    status, _, err = run_cli(["verify", "mini"], built)
    assert status == 1
    assert (
        "mini-ru.pdf: chapter 'Общие сведения о городе' (en: 'City overview'): "
        "93 appears 1× in en and 0× in ru" in err
    )
    assert "94 appears 0× in en and 1× in ru" in err
    assert "ru/index.html: chapter" in err  # the HTML edition is compared too

    (built / "cities" / "mini" / "kpis.yaml").write_text(
        (built / "cities" / "mini" / "kpis.yaml").read_text() + "\n# edited\n"
    )
    status, _, err = run_cli(["verify", "mini", "--manifest"], built)
    assert status == 1 and "input city/kpis.yaml: changed since the build" in err


def test_the_pdf_carries_its_data_as_attachments(mini_built: Path) -> None:
    out = mini_built / "build" / "mini"
    reader = PdfReader(out / "mini-en.pdf")
    assert reader.attachments["mini-kpis.csv"][0] == (out / "mini-kpis.csv").read_bytes()
    assert reader.attachments["mini-kpis.json"][0] == (out / "mini-kpis.json").read_bytes()


def test_a_character_without_a_glyph_fails_the_build_saying_where(project: Path) -> None:
    chapter = project / "cities" / "mini" / "narrative" / "ru" / "10-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nГород-побратим: 漢.\n", encoding="utf-8"
    )
    status, _, err = run_cli(["build", "mini", "--format", "pdf"], project)
    assert status == 1
    assert (
        "cities/mini/narrative/ru/10-overview.md:8:17: error: glyph: U+6F22 CJK UNIFIED "
        "IDEOGRAPH-6F22 ('漢') has no glyph in the publication's fonts"
    ) in err
    assert not (project / "build" / "mini" / "mini-ru.pdf").exists()


def test_a_figure_changed_in_one_pdf_is_caught_in_either_language(built: Path) -> None:
    """Only the PDF is rebuilt after the edit: its reader alone can catch the figure."""
    for lang, other in (("en", "ru"), ("ru", "en")):
        chapter = built / "cities" / "mini" / "narrative" / lang / "10-overview.md"
        original = chapter.read_text(encoding="utf-8")
        chapter.write_text(original + "\n4711\n", encoding="utf-8")
        assert run_cli(["build", "mini", "--format", "pdf"], built)[0] == 0
        status, _, err = run_cli(["verify", "mini"], built)
        assert status == 1
        counts = "1× in en and 0× in ru" if lang == "en" else "0× in en and 1× in ru"
        where = "mini-ru.pdf: chapter 'Общие сведения о городе' (en: 'City overview')"
        assert f"{where}: 4711 appears {counts}" in err
        assert "index.html" not in err  # the HTML editions were not rebuilt: they agree
        chapter.write_text(original, encoding="utf-8")
        assert run_cli(["build", "mini", "--format", "pdf"], built)[0] == 0
        assert run_cli(["verify", "mini"], built)[0] == 0, other


PAGES = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 22mm 20mm; @top-center {{ content: "{head} 2019"; font-size: 7.5pt }}
        @bottom-right {{ content: counter(page); font-size: 8pt }} }}
@page annex {{ size: A4 landscape; margin: 18mm 16mm;
              @bottom-right {{ content: counter(page); font-size: 8pt }} }}
html {{ font-family: "DejaVu Sans"; font-size: 9.5pt }}
h1 {{ bookmark-level: 1; font-size: 18pt }} h2 {{ bookmark-level: 2 }}
p {{ text-align: justify }} td {{ padding: 0.25em 0.35em }}
.band {{ padding: 0 0.35em; border: 0.5pt solid #767676 }}
.annex {{ page: annex; break-before: page }}
</style></head><body>
<p>{title} 1999</p>
<h1 style="break-before: page">{overview}</h1>
<h2>{population} 77</h2>
<p>{text}</p>
<table><tr><td>{indicator}</td><td>12</td><td>345</td>
<td><span class="band">4</span> {share}</td></tr></table>
<img src="{chart}" width="300" height="100" alt="">
<section class="annex"><h1>{annex}</h1>
<table><tr><td>EC-ICT-ICT-1C</td><td>{value}</td><td>{sdg} 17.8</td></tr></table>
<img src="{chart}" width="300" height="100" alt=""></section>
</body></html>"""


def chart(label: str) -> str:
    """An SVG picture whose label holds figures, as a chart's does: its text is not the
    page's (a chart's labels wrap, or are left out, as each language needs). Sized in
    points, as matplotlib sizes a chart: drawn at a scale of its own."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="225pt" height="75pt" viewBox="0 0 225 75">'
        f'<text x="8" y="45" font-family="DejaVu Sans" font-size="15px">{label}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


WORDS = {
    "en": dict(
        head="Profile",
        title="Title page",
        overview="Overview",
        population="Population",
        text="According to the census the city has 1,202,700 inhabitants; it has 35,394 "
        "people per 100 km², and the share of the young, 14.47%, is well above the "
        "country's average. This sentence makes the line justified to the full width.",
        indicator="Indicator",
        share="100%",
        annex="Annex",
        value="2,500",
        sdg="SDG",
        chart=chart("Ålesund 61 of 88"),
    ),
    "ru": dict(
        head="Профиль",
        title="Титульная страница",
        overview="Обзор",
        population="Население",
        text="По данным переписи, в городе проживает 1\u00a0202\u00a0700 жителей; плотность "
        "населения составляет 35\u00a0394 человека на 100\u00a0км², а доля молодёжи – "
        "14,47\u00a0%, что заметно выше среднего по стране. Это предложение нужно, чтобы "
        "строка была выровнена по ширине.",
        indicator="Показатель",
        share="100\u00a0%",
        annex="Приложение",
        value="2\u00a0500",
        sdg="ЦУР",
        chart=chart("Олесунн 61"),
    ),
}


@pytest.mark.parametrize("reader", ["poppler", "pypdf"])
def test_pdfs_read_back_agree_and_a_changed_figure_is_caught(tmp_path: Path, reader) -> None:
    """Real PDFs from WeasyPrint in English and Russian, the landscape page turned as in the
    book, read back: no running head, page number or picture's label is read, the groups of
    a Russian number (no-break spaces, widened by justification) are read as the English
    edition has them, neighbouring cells and a band beside its share stay apart; a figure
    changed in the Russian PDF is caught. Poppler reads it where the pictures' places are
    known (as the build records them), pypdf where they are not."""
    from weasyprint import HTML

    from profiles_gen.publish.turned import rotate_landscape_pages
    from profiles_gen.publish.weasy import picture_boxes

    def pdf(lang: str, **changed) -> list:
        path = tmp_path / f"{lang}-{len(changed)}.pdf"
        html = PAGES.format(lang=lang, **{**WORDS[lang], **changed})
        document = HTML(string=html).render()
        document.write_pdf(path, finisher=lambda doc, pdf: rotate_landscape_pages(pdf))
        assert PdfReader(path).pages[2].get("/Rotate") == 90  # the annex page is turned
        pictures = picture_boxes(document)
        assert [box[0] for box in pictures] == [1, 2]  # the overview's, the annex's
        return pdf_chapters(path, pictures if reader == "poppler" else None)

    en, ru = pdf("en"), pdf("ru")
    assert [c.title for c in en] == ["", "Overview", "Annex"]
    assert [c.title for c in ru] == ["", "Обзор", "Приложение"]
    figures = [sorted(numbers(c.text, "en", pdf=True).elements()) for c in en]
    assert figures == [  # no running head (2019), no page number
        ["1999"],
        sorted(["77", "1202700", "35394", "100", "14.47", "12", "345", "4", "100"]),
        sorted(["1", "2500", "17.8"]),  # EC-ICT-ICT-1C's 1
    ]
    for mine, theirs in zip(en, ru, strict=True):
        base = numbers(mine.text, "en", pdf=True)
        assert numbers(theirs.text, "ru", pdf=True, base=base) == base
    assert compare_editions(en, ru, "en", "ru", "ru.pdf") == []

    wrong = pdf("ru", value="2\u00a0501")
    assert compare_editions(en, wrong, "en", "ru", "ru.pdf") == [
        "ru.pdf: chapter 'Приложение' (en: 'Annex'): 2500 appears 1× in en and 0× in ru; "
        "en: “Annex EC-ICT-ICT-1C 2,500 SDG 17.8”; ru: “”",
        "ru.pdf: chapter 'Приложение' (en: 'Annex'): 2501 appears 0× in en and 1× in ru; "
        "en: “”; ru: “Приложение EC-ICT-ICT-1C 2 501 ЦУР 17.8”",
    ]


def test_the_printers_file_is_read_within_its_trim_box(built: Path) -> None:
    """The printer's file has bleed and slug around each page: its running heads, page
    numbers and pictures lie further from the sheet's edge, and are still left out. Poppler,
    told where the build laid out the pictures, reads each file as pypdf does."""
    status, _, err = run_cli(["build", "mini", "--format", "pdf", "--pdf-variant", "print"], built)
    assert status == 0, err
    out = built / "build" / "mini"
    outputs = json.loads((out / "manifest.json").read_text())["outputs"]
    en = out / "mini-en.pdf"
    base = [numbers(c.text, "en", pdf=True) for c in pdf_chapters(en, outputs[en.name]["pictures"])]
    for lang in ("en", "ru"):
        figures = []
        for name in (f"mini-{lang}.pdf", f"mini-{lang}-print.pdf"):
            pictures = outputs[name]["pictures"]
            assert len(pictures) >= 8  # the wheel, the charts
            # pypdf (slow) on the printer's file, the one this test is about
            readers = [pictures, None] if name.endswith("-print.pdf") else [pictures]
            for chapters in (pdf_chapters(out / name, boxes) for boxes in readers):
                figures.append(
                    [
                        numbers(c.text, lang, pdf=True, base=b)
                        for c, b in zip(chapters, base, strict=True)
                    ]
                )
        assert all(f == figures[0] for f in figures)  # either file, either reader
    status, _, err = run_cli(["verify", "mini"], built)
    assert status == 0, err
    verified = json.loads((out / "manifest.json").read_text())["verified"]
    assert {"pdf en ru", "print en ru"} <= set(verified)
