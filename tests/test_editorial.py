"""What an editor signs off (issue 28): facts right on the page and the publication's
furniture from data. Source lines that name the target sets, never the software; a year to
every value of official data; changes in the value's unit; notes printed with their value;
workbook decimals kept; the imprint, acknowledgements, references, print line and emblem
from ``city.yaml``; an official build that refuses what it would otherwise invent; no empty
chapter. The PDFs are real (WeasyPrint) and read back with pypdf."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.render.rows import format_change
from tests.conftest import ROOT, run_cli

DEFAULT_SET = {
    "en": "Default targets from public sources",
    "ru": "Целевые значения по умолчанию из открытых источников",
}
SOURCE = {"en": "Source:", "ru": "Источник:"}


def _pdf_lines(path: Path) -> list[list[str]]:
    """The lines of every page of a PDF, as pypdf extracts them, read as typed: the
    typography's no-break spaces (i18n/typography.py) as spaces."""
    return [
        (page.extract_text() or "").replace("\u00a0", " ").replace("\u202f", " ").splitlines()
        for page in PdfReader(path).pages
    ]


def _source_lines(pages: list[list[str]], lang: str) -> list[str]:
    """Each "Source: …" line with the lines it runs on to (up to the next blank break)."""
    found = []
    for lines in pages:
        for n, line in enumerate(lines):
            if line.startswith(SOURCE[lang]):
                found.append(" ".join(lines[n : n + 4]))
    return found


# --- source lines and Annex I's references ----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_source_lines_name_the_target_sets_in_the_editions_language_never_the_software(
    sample_site, lang
) -> None:
    pdf = sample_site.out / "tbilisi" / f"tbilisi-{lang}.pdf"
    pages = _pdf_lines(pdf)
    text = " ".join(" ".join(lines) for lines in pages)
    assert "scored by profiles-gen" not in text and "U4SSC targets" not in text
    lines = _source_lines(pages, lang)
    # the wheel, the bands, the summary and SDG tables, three bar charts and three KPI
    # tables, the SDG chart, the progress chapter's
    assert len(lines) >= 12, lines
    naming = [s for s in lines if DEFAULT_SET[lang] in re.sub(r"-\s+", "-", s.replace("\xad", ""))]
    assert len(naming) >= 12, lines
    assert not [s for s in lines if "profiles-gen" in s]
    html = (sample_site.out / "tbilisi" / lang / "index.html").read_text(encoding="utf-8")
    html = html.replace("\u00a0", " ")  # the typography's no-break spaces read as spaces
    sources = re.findall(r'<p class="source">([^<]*)', html)
    scored = [s for s in sources if s.startswith(SOURCE[lang]) and "*" not in s[:2]]
    assert all(DEFAULT_SET[lang] in s for s in scored if ";" in s), scored
    # the SDG table has its source line too
    sdg = html[html.index('id="tab-sdgs"') :]
    assert re.search(r"</table>\s*<p class=\"source\">" + SOURCE[lang], sdg)


@pytest.mark.slow
def test_annex_i_gives_each_target_source_by_its_reference_number(sample_site) -> None:
    folder = sample_site.out / "tbilisi"
    html = (folder / "en" / "index.html").read_text(encoding="utf-8")
    annex = html[html.index('id="tab-annex-kpis"') : html.index('id="annex-missing"')]
    refs = re.findall(r'<td class="ref-cell"[^>]*><a href="#ref-(\d+)">\[(\d+)\]</a>', annex)
    assert len(refs) >= 50 and all(a == b for a, b in refs)
    assert "https://" not in annex  # no target URL repeated row after row
    listed = dict(re.findall(r'<li id="ref-(\d+)" value="\d+"[^>]*>(.*?)</li>', html, re.S))
    assert {n for n, _ in refs} <= set(listed)
    # EC-ICT-ICT-2C takes the default set's ITU target: its number names that page
    row = annex[annex.index(">EC: ICT: ICT: 2C<") :]
    number = re.search(r'href="#ref-(\d+)"', row).group(1)
    assert "itu.int" in listed[number]
    # The PDF: Annex I's pages carry the numbers, not the URLs.
    pages = _pdf_lines(folder / "tbilisi-en.pdf")
    # Annex I's pages: those with its table's heading row (not the contents that list it)
    annex = [" ".join(p) for p in pages if "Target source" in " ".join(p)]
    assert len(annex) >= 6
    annex_pages = " ".join(annex)
    assert "[1]" in annex_pages
    assert "itu.int" not in annex_pages and "https://" not in annex_pages


# --- a year to every value ------------------------------------------------------------


def _city(project: Path) -> Path:
    return project / "cities" / "mini"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_official_data_need_a_year_for_every_value_and_key_fact(project: Path) -> None:
    city = _city(project)
    _edit(city / "city.yaml", "data_status: illustrative", "data_status: official")
    _edit(
        city / "kpis.yaml",
        "EC-ICT-ICT-2C: {value: 57.0, year: 2021, source: Test regulator}",
        "EC-ICT-ICT-2C: {value: 57.0, source: Test regulator}",
    )
    _edit(
        city / "city.yaml",
        "population: {value: 12345, year: 2022, source: Test census, illustrative: true}",
        "population: {value: 12345, source: Test census}",
    )
    status, out, err = run_cli(["validate", "mini"], project)
    assert status == 1
    lines = [x for x in err.splitlines() if "needs the year" in x]
    assert len(lines) == 2, err
    assert lines[0].startswith("cities/mini/city.yaml:12:") and ": error: " in lines[0]
    assert "key_facts.population.year" in lines[0]
    assert re.match(r"cities/mini/kpis\.yaml:2:\d+: error: EC-ICT-ICT-2C\.year:", lines[1])
    # One data year for every value without its own, stated once in city.yaml.
    _edit(city / "city.yaml", "evaluation_year: 2022", "evaluation_year: 2022\ndata_year: 2021")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0, err
    assert "needs the year" not in err
    data = json.loads(run_cli(["score", "mini", "--json"], project)[1])
    item = next(i for i in data["items"] if i["kpi"] == "EC-ICT-ICT-2C")
    assert item["year"] == 2021  # the data year, printed and exported as the value's year
    _edit(city / "city.yaml", "data_year: 2021", "data_year: 2023")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1 and "data_year: year 2023 is after the evaluation year 2022" in err


def test_illustrative_data_without_a_year_warn_and_strict_fails(project: Path) -> None:
    city = _city(project)
    _edit(
        city / "kpis.yaml",
        "SC-SH-SA-3A: {value: yes, year: 2021, source: Test city hall}",
        "SC-SH-SA-3A: {value: yes, source: Test city hall}",
    )
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0
    assert re.search(r"kpis\.yaml:\d+:\d+: warning: SC-SH-SA-3A\.year: the value needs", err)
    status, _, err = run_cli(["validate", "mini", "--strict"], project)
    assert status == 1 and "SC-SH-SA-3A.year" in err


@pytest.mark.parametrize(
    "folder",
    [
        "cities/tbilisi",
        "cities/norway",
        "tests/data/mini",
        "tests/data/karmoy",
        *(f"tests/data/real/{c}" for c in ("alesund", "asker", "bizerte", "riyadh")),
        *(f"tests/data/real/{c}" for c in ("kristiansund", "stavanger")),
    ],
)
def test_the_samples_and_the_test_cities_give_every_value_its_year(folder: str) -> None:
    status, _, err = run_cli(["validate", str(ROOT / folder)], ROOT)
    assert status == 0, err
    assert "needs the year" not in err, err


# --- a change in the value's own unit --------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "kpi", "point", "change", "expected"),
    [
        ("en", "EC-ICT-PS-1A", "number", Decimal(6), "+6\xa0published datasets"),
        ("en", "EC-ICT-PS-1A", "number", Decimal(1), "+1\xa0published dataset"),
        ("en", "EC-ICT-ICT-1C", None, Decimal("5.2"), "+5.2\xa0pp"),
        ("en", "EN-EN-AQ-1C", "PM2.5", Decimal(-3), "\u22123\xa0µg/m³"),
        ("ru", "EC-ICT-PS-1A", "number", Decimal(6), "+6\xa0опубликованных наборов данных"),
    ],
)
def test_a_change_is_given_in_the_unit_of_its_value(lang, kpi, point, change, expected) -> None:
    catalogue = load_catalogue()
    k = catalogue.by_id[kpi]
    fmt = Formatter(lang, translations(lang))
    shown = format_change(fmt, k, change, k.data_point(point) if point else None)
    assert shown.replace("\u2060", "") == expected  # a unit never breaks (word joiners)
    assert not (shown.endswith("pp") and not k.unit_of(k.data_point(point)).startswith("%"))


# --- workbook decimals ----------------------------------------------------------------


def test_a_fixed_decimal_cell_keeps_its_decimals_on_import(tmp_path: Path, project: Path) -> None:
    book = tmp_path / "collect.xlsx"
    assert run_cli(["export-xlsx", "mini", "--out", str(book)], project)[0] == 0
    wb = load_workbook(book)
    sheet = wb["KPIs"]
    header = [c.value for c in sheet[1]]

    def cell(code: str, column: str):
        for r in range(2, sheet.max_row + 1):
            if sheet.cell(r, 1).value == code and not sheet.cell(r, 2).value:
                return sheet.cell(r, header.index(column) + 1)
        raise AssertionError(code)

    for code, value, fmt in (
        ("EC: ICT: ICT: 2C", 0, "0.00"),  # shows 0.00
        ("EC: I: WS: 3C", 100, "#,##0.00"),  # shows 100.00
        ("EC: ICT: ICT: 1C", 84.5, "0.00"),  # shows 84.50
    ):
        c = cell(code, "value")
        c.value, c.number_format = value, fmt
    c = cell("EC: ICT: ICT: 3C", "value")  # more decimals than the format shows: all kept
    c.value, c.number_format = 84.5123, "0.00"
    for column, value in (("year", 2021), ("source", "Test")):
        cell("EC: ICT: ICT: 3C", column).value = value
    wb.save(book)
    status, _, err = run_cli(["import-xlsx", str(book), "mini"], project)
    assert status == 0, err
    text = (_city(project) / "kpis.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert re.search(r"EC-ICT-ICT-2C:\n(  .*\n)*?  value: 0\.00\n", text), text
    assert re.search(r"EC-I-WS-3C:\n(  .*\n)*?  value: 100\.00\n", text), text
    assert re.search(r"EC-ICT-ICT-1C:\n(  .*\n)*?  value: 84\.50\n", text), text
    assert data["EC-ICT-ICT-3C"]["value"] == 84.5123


# --- furniture, notes and the official build --------------------------------------------

FURNITURE = """publication:
  year: 2023
  date: 2023-06-15
  licence: cc-by-3.0-igo
  symbol: ECE/HBP/999
  place: {en: Geneva, ru: Женева}
  sales_number: E.23.II.E.99
  isbn: 978-92-1-000000-0
  eisbn: 978-92-1-000001-7
  acknowledgements:
    en: "The profile owes its data to Miniville's **statistics office**."
    ru: "Данными профиль обязан **статистическому управлению** Минивиля."
  photo_credits:
    - {en: "Cover: © Test Photographer", ru: "Обложка: © Тестовый фотограф"}
  references:
    - "Test Institute (2021). Miniville in figures. https://example.org/figures"
  printed_at: {en: "United Nations, Geneva", ru: "Организация Объединённых Наций, Женева"}
  job_number: 2312345 (E)
  print_run: 400
"""


def _furnished(project: Path) -> Path:
    city = _city(project)
    text = (city / "city.yaml").read_text(encoding="utf-8")
    start = text.index("publication:")
    end = text.index("key_facts:")
    (city / "city.yaml").write_text(text[:start] + FURNITURE + text[end:], encoding="utf-8")
    _edit(
        city / "kpis.yaml",
        "EC-ICT-ICT-2C: {value: 57.0, year: 2021, source: Test regulator}",
        "EC-ICT-ICT-2C: {value: 57.0, year: 2021, source: Test regulator, "
        "note: data not verifiable}",
    )
    shutil.copyfile(ROOT / "tests" / "data" / "karmoy" / "emblem.svg", city / "emblem.svg")
    return city


@pytest.mark.slow
def test_furniture_and_notes_from_data_reach_the_pdf_the_html_and_the_exports(
    project: Path,
) -> None:
    _furnished(project)
    status, _, err = run_cli(["build", "mini", "--lang", "en"], project)
    assert status == 0, err
    out = project / "build" / "mini"
    reader = PdfReader(out / "mini-en.pdf")
    pages = [(p.extract_text() or "") for p in reader.pages]
    # cover and title page: the place and year given; the emblem drawn on the cover
    assert "Geneva, 2023" in pages[0] and "Geneva, 2023" in pages[2]
    assert "/XObject" in reader.pages[0]["/Resources"]
    imprint = pages[3]
    for expected in ("ECE/HBP/999", "E.23.II.E.99", "978-92-1-000000-0", "978-92-1-000001-7"):
        assert expected in imprint, expected
    assert "Cover: © Test Photographer" in imprint
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Acknowledgements" in bookmarks and "References" in bookmarks
    ack = next(p for p in pages if p.lstrip().startswith("Acknowledgements"))
    assert "statistics office" in ack
    refs = next(p for p in pages if "Miniville in figures" in p)
    assert "Test Institute (2021)" in refs
    back = pages[-1]
    assert "Printed at United Nations, Geneva – 2312345 (E) – June 2023 – 400 – ECE/HBP/999" in (
        " ".join(back.split())
    )
    # the note under its value in Annex I (a landscape page, read as text)
    annex = [p for p in pages if "EC: ICT: ICT: 2C" in p and "Data source" in p]
    assert annex and "Note: data not verifiable" in " ".join(annex[0].split())
    # and with the value on the HTML card, in the CSV and the JSON
    html = (out / "en" / "index.html").read_text(encoding="utf-8")
    row = html[html.index('id="tab-annex-kpis"') :]
    row = row[row.index(">EC: ICT: ICT: 2C<") :]
    row = row[: row.index("</tr>")]
    value = row[row.index('<td class="num v">') :]  # the value's cell
    assert re.search(r"57\.0.*Note: data not verifiable", value, re.S)
    assert (out / "en" / "emblem.svg").is_file()
    items = json.loads((out / "mini-kpis.json").read_text())["items"]
    assert next(i for i in items if i["kpi"] == "EC-ICT-ICT-2C")["note"] == "data not verifiable"
    assert next(i for i in items if i["kpi"] == "EC-ICT-ICT-1C")["note"] is None
    rows = list(csv.DictReader(io.StringIO((out / "mini-kpis.csv").read_text())))
    assert next(r for r in rows if r["kpi"] == "EC-ICT-ICT-2C")["note"] == "data not verifiable"


def test_an_official_build_refuses_what_it_would_otherwise_invent(project: Path) -> None:
    city = _city(project)
    _edit(city / "city.yaml", "data_status: illustrative", "data_status: official")
    _edit(city / "city.yaml", "  year: 2023\n", "")
    _edit(city / "city.yaml", "  symbol: ECE/HBP/999\n", "")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0, err  # validate warns: a build will refuse
    assert err.count("an official build refuses") == 4, err
    status, out, err = run_cli(["build", "mini", "--format", "html"], project)
    assert status == 1
    errors = [x for x in err.splitlines() if ": error: " in x]
    assert any(
        re.match(r"cities/mini/city\.yaml:\d+:\d+: error: publication\.year:", e) for e in errors
    )
    assert any("publication.place: " in e and "in en, ru" in e for e in errors)
    assert any("publication.symbol: " in e for e in errors)
    assert any("emblem: " in e and "emblem.svg" in e for e in errors)
    assert "Traceback" not in err
    assert not (project / "build" / "mini" / "en").exists()  # nothing written
    # With them given, the same city builds.
    _furnished(project)
    status, _, err = run_cli(["build", "mini", "--format", "html", "--lang", "en"], project)
    assert status == 0, err


def test_an_official_build_refuses_a_city_with_no_value(project: Path) -> None:
    city = _furnished(project)
    _edit(city / "city.yaml", "data_status: illustrative", "data_status: official")
    (city / "kpis.yaml").write_text(
        "EC-ICT-ICT-1C: {status: not_reported, reason: No survey}\n", encoding="utf-8"
    )
    status, _, err = run_cli(["build", "mini", "--format", "html"], project)
    assert status == 1
    assert "cities/mini/kpis.yaml:1:1: error: an official profile needs at least one" in err
    assert not (project / "build" / "mini" / "en").exists()


def test_no_empty_chapter_and_no_invented_place(project: Path) -> None:
    """Without recommendations, no "Recommendations" heading nor contents entry; a city
    reporting every KPI with a target has no annex of unreported ones; without a place of
    publication none is printed."""
    city = _city(project)
    assert not (city / "recommendations.yaml").exists()
    status, _, err = run_cli(["build", "mini", "--format", "html", "--lang", "en"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Recommendations" not in html
    assert 'id="ch-recommendations"' not in html
    assert re.search(r'<h1 class="cover-title">Smart Sustainable Cities Profile<', html)
    cover = html[: html.index('id="imprint"')]
    assert "Geneva" not in cover  # mini gives no place: none invented
    assert re.search(r'class="title-place">2023</p>', html)
    assert 'id="annex-missing"' in html  # mini leaves KPIs unreported
    annexes = re.findall(r"<h2>(Annex [IVX]+)\. ", html)  # on screen the h1 is the title
    assert annexes == ["Annex I", "Annex II", "Annex III"]


def test_a_city_that_reports_everything_has_no_annex_of_unreported_kpis(project: Path) -> None:
    """Every KPI reported, each with a target of its own: no annex of KPIs not reported or
    without a target (and Annex III becomes Annex II)."""
    catalogue = load_catalogue()

    def entry(kpi, point=None) -> dict:
        unit, direction = kpi.unit_of(point), kpi.direction_of(point)
        if direction == "yes_no":
            value = True
        else:
            value = Decimal("0.5") if "(0–1)" in unit else 50
        found = {"value": value, "year": 2021, "source": "Test"}
        if direction in ("higher", "lower"):
            found.update(target=value, target_source="Test plan")
        return found

    records = {}
    for kpi in catalogue.kpis:
        if kpi.data_points:
            records[kpi.id] = {"data_points": {p.id: entry(kpi, p) for p in kpi.data_points}}
        else:
            records[kpi.id] = entry(kpi)
    text = yaml.safe_dump(
        json.loads(json.dumps(records, default=float)), allow_unicode=True, sort_keys=False
    )
    (_city(project) / "kpis.yaml").write_text(text, encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0, err
    no_target = [
        i
        for i in json.loads(run_cli(["score", "mini"], project)[1])["items"]
        if i["band"] in ("no_target", "no_data")
    ]
    status, _, err = run_cli(["build", "mini", "--format", "html", "--lang", "en"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    if not no_target:
        assert 'id="annex-missing"' not in html
        assert re.findall(r"<h1>(Annex [IVX]+)\. ", html) == ["Annex I", "Annex II"]
        assert "KPIs not reported" not in html
    else:  # a KPI that takes no target (not scored): only the unreported table goes
        assert 'id="tab-annex-missing"' not in html
        assert "KPIs not reported" not in html
