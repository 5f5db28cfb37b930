"""End to end: build the sample city's editions and read them back (slow: real PDFs)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(sample_site) -> Path:
    """The sample city, built once per session (``sample_site`` in conftest)."""
    assert sample_site.stderr == "", sample_site.stderr  # not a single warning
    return sample_site.out / "tbilisi"


def text_of(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def unset(text: str) -> str:
    """``text`` as typed, whether typeset or not: plain spaces, the dash as an en dash."""
    return " ".join(plain(text).split()).replace(" — ", " – ")


def plain(text: str) -> str:
    """``text`` without its typography's invisible work (i18n/typography.py): no-break and
    narrow no-break spaces read as spaces, word joiners dropped."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2060", "")


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_every_output_of_the_contract_exists(built: Path) -> None:
    for name in (
        "tbilisi-en.pdf",
        "tbilisi-ru.pdf",
        "tbilisi-kpis.json",
        "tbilisi-kpis.csv",
        "en/index.html",
        "ru/index.html",
        "en/charts/wheel.svg",
        "ru/charts/sdg.svg",
    ):
        assert (built / name).is_file(), name
    leftovers = [p for p in built.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_structure(built: Path, lang: str) -> None:
    reader = PdfReader(built / f"tbilisi-{lang}.pdf")
    assert len(reader.pages) > 30
    assert reader.trailer["/Root"]["/Lang"] == lang
    box = reader.pages[10].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    meta = reader.metadata
    title = "Smart Sustainable Cities Profile" if lang == "en" else "Профиль умного"
    assert meta.title.startswith(title)
    assert meta["/CreationDate"].startswith("D:20230630")  # from city.yaml, not the clock
    assert meta.author and meta.subject
    labels = reader.page_labels
    cover, back = ("Cover", "Back cover") if lang == "en" else ("Обложка", "Задняя обложка")
    # Cover and inside cover, the title page a right-hand page (tests/test_print_layout.py)
    assert labels[0] == labels[1] == cover and labels[2] == "i" and labels[-1] == back
    assert "1" in labels and labels.index("1") > labels.index("i")


@pytest.mark.parametrize(
    ("lang", "chapters"),
    [
        (
            "en",
            [
                "Preface",
                "Contents",
                "Executive summary",
                "Introduction",
                "City overview",
                "Economy – an overview",
                "Recommendations",
                "Annex I. All KPIs: values, targets and results",
            ],
        ),
        (
            "ru",
            [
                "Предисловие",
                "Содержание",
                "Резюме",
                "Введение",
                "Общие сведения о городе",
                "Экономика – общий обзор",
                "Рекомендации",
            ],
        ),
    ],
)
def test_outline_and_contents_page_numbers_agree(
    built: Path, lang: str, chapters: list[str]
) -> None:
    reader = PdfReader(built / f"tbilisi-{lang}.pdf")
    entries = outline(reader)
    titles = [unset(t) for _, t, _ in entries]  # the Russian dash read as typed
    for chapter in chapters:
        assert chapter in titles
    labels = reader.page_labels
    pages = text_of(reader)
    contents_page = next(p for d, t, p in entries if t in ("Contents", "Содержание"))
    toc = plain(pages[contents_page])
    checked = 0
    for depth, title, page in entries:
        if depth != 0 or title in ("Contents", "Содержание", "Preface", "Предисловие"):
            continue
        match = re.search(re.escape(title) + r"[ .]*?(\w+)\s*$", toc, re.M)
        assert match, title
        assert match.group(1) == labels[page], (title, match.group(1), labels[page])
        checked += 1
    assert checked >= 12


def test_fonts_are_the_shipped_ones_embedded_as_subsets(built: Path) -> None:
    reader = PdfReader(built / "tbilisi-ru.pdf")
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile2", "/FontFile3", "/FontFile"))
            fonts.add(str(font["/BaseFont"]))
    assert fonts
    for name in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+(Noto-Sans|DejaVu-Sans)[-\w]*", name), name


def test_pdf_ua_markers(built: Path) -> None:
    reader = PdfReader(built / "tbilisi-en.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp


def test_narrative_footnotes_sit_at_the_foot_of_their_page(built: Path) -> None:
    reader = PdfReader(built / "tbilisi-en.pdf")
    number = next(p for _, t, p in outline(reader) if t == "Executive summary")
    text = plain(reader.pages[number].extract_text())  # "Where to act": a bound heading
    note = "An illustrative, rounded value, as are the other key facts of this sample profile."
    assert note in " ".join(text.split())
    assert text.index("Where to act") < text.index("An illustrative, rounded value")


def test_russian_edition_text(built: Path) -> None:
    raw = "\n".join(text_of(PdfReader(built / "tbilisi-ru.pdf")))
    assert "14,47\u00a0%" in raw  # a per cent sign never leaves its number
    text = plain(raw)
    for phrase in (
        "Тбилиси, Грузия",
        "Доступ домохозяйств к интернету",
        "Рекомендации",
        "Источник:",
        "целевое значение достигнуто",
    ):
        assert phrase in text, phrase
    for english in (
        "Contents",
        "Recommendations",
        "Source:",
        "Table ",
        "Figure ",
        "Household Internet Access",
        "not official statistics",
        "target reached",
    ):
        assert english not in text, english


class CityText(HTMLParser):
    """Text from the city's own files shown in the page's language (not marked otherwise)."""

    VOID = ("meta", "link", "br", "wbr", "img", "hr", "path", "rect", "use", "input", "col")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.page = ""
        self.texts: list[str] = []
        self.other: list[str] = []  # the city's text marked as another language

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        if tag == "html":
            self.page = a.get("lang", "")
        lang, city = self.stack[-1] if self.stack else (self.page, False)
        self.stack.append((a.get("lang") or lang, city or a.get("data-origin") == "city"))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            lang = self.stack[-1][0]
            (self.texts if lang in (self.page, "") else self.other).append(data)


def test_the_russian_edition_has_no_english_data_cell(built: Path) -> None:
    """Sources, target sources and reasons are given in Russian; what stays in Latin letters
    is a proper name, a code or a URL (anything else would be marked lang="en")."""
    from profiles_gen.data.catalogue import load_catalogue

    parser = CityText()
    html = (built / "ru" / "index.html").read_text(encoding="utf-8")
    # A URL is set in pieces (<wbr>, nowrap spans: render.breakable_urls): one text again.
    url = r'<span class="url">((?:[^<]|<wbr>|<span>[^<]*</span>)*)</span>'
    parser.feed(re.sub(url, lambda m: re.sub("<[^>]+>", "", m.group(1)), html))
    codes = {p for k in load_catalogue().kpis for p in re.split(r"[:\s]+", k.code) if p}
    # KPI: the term the Russian edition uses throughout (its catalogue), as U4SSC
    names = {"profiles", "gen", "U4SSC", "KPI", "Tbilisi", "Georgia"}
    names |= {"O3", "PM10", "PM2", "NO2", "SO2"}
    names |= {"GAR15"}  # UNISDR's Global Assessment Report 2015, by its name (default set)
    words = set()
    for text in parser.texts:
        text = re.sub(r"https?://\S+", " ", text)
        words |= set(re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text))
    # every source cell was seen (Annex I gives a target's source by its reference number,
    # the reference list in the methodology its text)
    assert len(parser.texts) > 250
    assert words - names - codes == set()
    assert [t for t in parser.other if t.strip()] == []  # nothing falls back to English


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_kpi_appears_in_the_annex(built: Path, lang: str) -> None:
    reader = PdfReader(built / f"tbilisi-{lang}.pdf")
    entries = outline(reader)
    annex = next(p for _, t, p in entries if t.startswith(("Annex I.", "Приложение I.")))
    annex_end = next(p for _, t, p in entries if t.startswith(("Annex II.", "Приложение II.")))
    text = "\n".join(text_of(reader)[annex:annex_end])
    catalogue = json.loads(run_cli(["catalogue", "--json"], ROOT)[1])
    for kpi in catalogue:
        assert kpi["code"] in text, kpi["code"]


def test_illustrative_data_is_marked_on_cover_and_every_body_page(built: Path) -> None:
    pages = [plain(t) for t in text_of(PdfReader(built / "tbilisi-en.pdf"))]
    assert "Illustrative data" in pages[0]
    for text in pages[1:-1]:
        assert "Illustrative data – not official statistics" in text
        assert "Draft translation" not in text


def test_an_unreviewed_translation_is_a_marked_draft_crediting_its_translator(built: Path):
    pages = [plain(t) for t in text_of(PdfReader(built / "tbilisi-ru.pdf"))]
    # A draft prints its coverage (the sample's Russian catalogue is complete).
    banner = "Черновик: перевод ещё не прошёл проверку (переведено 100 % строк)."
    assert banner in pages[0]
    po = (ROOT / "locales" / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    translator = re.search(r'"Last-Translator: ([^"\\<]*)', po).group(1).strip()
    assert f"Перевод: {translator}." in "\n".join(pages[:4])  # the catalogue's sign-off
    for text in pages[1:-1]:
        assert "Черновой перевод — не прошёл проверку (переведено 100 %)" in text
    html = plain((built / "ru" / "index.html").read_text(encoding="utf-8"))
    assert banner in html


def test_html_edition(built: Path) -> None:
    html = (built / "ru" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="ru">', html)
    scripts = re.findall(r"<script\b[^>]*>", html)
    # The site's one script and stylesheet, shared by every edition: no inline code.
    assert scripts == ['<script src="../../assets/profile.js" defer>']
    assert html.count('<figure id="fig-') == 9  # 6 results charts, 3 of progress
    # Charts by reference: each figure's print and phone layouts and its data beside it.
    sources = re.findall(r'(?:src|srcset)="(charts/[^"]+)"', html)
    assert "charts/wheel.svg" in sources and "charts/wheel-phone.svg" in sources
    assert all((built / "ru" / s).is_file() for s in sources)
    wheel = (built / "ru" / "charts" / "wheel.svg").read_text(encoding="utf-8")
    assert "<title id=" in wheel and "Колесо сравнительной оценки U4SSC" in wheel
    assert "<svg" not in html  # no chart repeated inline
    data = (built / "ru" / "charts" / "wheel.csv").read_text(encoding="utf-8-sig")
    assert data.startswith("Измерение › подизмерение › категория › KPI,")
    assert 'href="../../assets/profile.css"' in html
    shared = built.parent / "assets"
    assert (shared / "profile.css").is_file() and (shared / "profile.js").is_file()
    assert (shared / "fonts" / "NotoSans-Regular.woff2").is_file()
    assert not (built / "ru" / "assets").exists()  # nothing copied into the edition


def test_open_data_exports_agree(built: Path) -> None:
    data = json.loads((built / "tbilisi-kpis.json").read_text(encoding="utf-8"))
    with (built / "tbilisi-kpis.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(data["items"]) > 91
    for row, item in zip(rows, data["items"], strict=True):
        assert row["kpi"] == item["kpi"] and row["band"] == item["band"]
    internet = next(i for i in data["items"] if i["kpi"] == "EC-ICT-ICT-1C")
    assert internet["value"] == 93 and not internet["illustrative"]


def test_same_input_same_bytes_in_another_folder(built: Path, tmp_path: Path, monkeypatch) -> None:
    # Charts and templates made anew, not taken from the run's shared cache.
    monkeypatch.setenv("PROFILES_GEN_SHARED_CACHE", str(tmp_path / "cache"))
    city = tmp_path / "elsewhere" / "tbilisi"
    shutil.copytree(ROOT / "cities" / "tbilisi", city)
    out = tmp_path / "out"
    status, _, err = run_cli(["build", str(city), "--lang", "en", "--out", str(out)], tmp_path)
    assert status == 0, err
    assert (out / "tbilisi" / "tbilisi-en.pdf").read_bytes() == (
        built / "tbilisi-en.pdf"
    ).read_bytes()
    # The HTML edition too, its charts with their fonts (drawn anew, into another cache).
    here = {p.relative_to(out / "tbilisi" / "en"): p for p in (out / "tbilisi" / "en").rglob("*")}
    there = {p.relative_to(built / "en"): p for p in (built / "en").rglob("*")}
    assert sorted(here) == sorted(there) and len(here) > 20
    changed = [
        str(n) for n, p in here.items() if p.is_file() and p.read_bytes() != there[n].read_bytes()
    ]
    assert changed == []


def test_archival_variant_markers(project: Path) -> None:
    status, _, err = run_cli(
        ["build", "mini", "--format", "pdf", "--pdf-variant", "pdf/a-3b"], project
    )
    assert status == 0, err
    reader = PdfReader(project / "build" / "mini" / "mini-en.pdf")
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and "pdfaid:conformance" in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_definitions_annex_gives_every_kpi_its_catalogue_definition(
    built: Path, lang: str
) -> None:
    import tinyhtml5

    catalogue = json.loads(run_cli(["catalogue", "--json", "--lang", lang], ROOT)[1])
    html = (built / lang / "index.html").read_text(encoding="utf-8")
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    table = next(e for e in root.iter("table") if e.get("id") == "tab-annex-definitions")
    rows = list(table.find("tbody"))
    assert len(rows) == len(catalogue) == 91
    for row, kpi in zip(rows, catalogue, strict=True):
        code, name, cell = (unset("".join(c.itertext()).strip()) for c in row)
        assert (code, name) == (kpi["code"], unset(kpi["name"][lang]))
        if kpi["definition"] is None:  # the unit stands in, in italics
            assert cell == unset(kpi["unit"][lang]) and row[2].find("i") is not None
        else:
            marked = kpi["definition_confidence"] == "secondary list"
            assert cell == unset(kpi["definition"][lang]) + (" †" if marked else "")
    reader = PdfReader(built / f"tbilisi-{lang}.pdf")
    titles = [t for _, t, _ in outline(reader)]
    assert (
        "Annex III. Definitions of the KPIs" if lang == "en" else "Приложение III. Определения KPI"
    ) in titles
    if lang == "ru":  # no English definition leaks into the Russian edition
        text = " ".join(plain(" ".join(text_of(reader))).split())
        english = json.loads(run_cli(["catalogue", "--json", "--lang", "en"], ROOT)[1])
        for kpi in english:
            if kpi["definition"]:
                assert kpi["definition"]["en"][:40] not in text, kpi["id"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_gaps_lists_give_values_and_targets_with_their_units(built: Path, lang: str) -> None:
    """'Green Areas: 126 ha per 100 000 inhabitants (target 900 ha per …)', not '126 (target
    900)': each listed KPI with a short unit shows it after the value and after the target."""
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.i18n.formatter import Formatter
    from profiles_gen.i18n.messages import translations

    fmt = Formatter(lang, translations(lang))
    catalogue = load_catalogue()
    html = (built / lang / "index.html").read_text(encoding="utf-8").replace("\u2060", "")
    items = [
        re.sub("<[^>]+>", "", li)
        for ul in re.findall(r'<ul class="gaps">(.*?)</ul>', html, re.S)
        for li in re.findall(r"<li>(.*?)</li>", ul, re.S)
    ]
    with_units = 0
    for text in items:
        kpi = next(k for k in catalogue.kpis if text.startswith(k.code + " "))
        if kpi.data_points or not kpi.short_unit or kpi.short_unit == "%":
            continue
        unit = fmt.pgettext(f"kpi-short-unit|{kpi.id}", kpi.short_unit)
        # the unit after its number and its target, bound to it (spaces inside it may be bound too)
        bound = "\u00a0" + re.escape(unit).replace("\\ ", "[ \u00a0]")
        assert len(re.findall(bound, text)) == 2, text
        with_units += 1
    assert with_units >= 2  # the sample lists such KPIs (green areas, traffic fatalities)
