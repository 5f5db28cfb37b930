"""The typography and the volume as the printed pages show them: the sample publications'
PDFs (built once per session, conftest) read back with pdfplumber, their HTML editions
read as text. Each check is first shown to find the fault it looks for on a page that has it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from profiles_gen.core.paths import FONT_DIR
from profiles_gen.publish.styles import fonts_css
from profiles_gen.render.typeset import typeset_html
from tests.conftest import plumbed, run_cli

HEADING_BLUE = (0.04, 0.24, 0.4)  # #0b3d66: the colour of h1-h4 (common.css)


# -- reading a laid-out page -------------------------------------------------------------------


def line_breaks(page) -> list[tuple[str, str, dict]]:
    """Every place where a block of text of ``page`` (a paragraph, a table cell) goes on on
    a new line: (the text just before, the text just after, the first character of the new
    line). The characters are read in the order they are drawn and cut into runs, each set
    on one baseline from left to right; a run goes on a block's next line when it lies one
    line lower and starts or ends level with it (left-aligned, justified or right-aligned
    text), which a table's next cell or row does not."""
    runs: list[list[dict]] = []
    for c in page.chars:
        last = runs[-1][-1] if runs else None
        if last and abs(c["top"] - last["top"]) < 0.3 * last["size"] and c["x0"] >= last["x0"]:
            runs[-1].append(c)
        else:
            runs.append([c])
    found = []
    for a, b in zip(runs, runs[1:], strict=False):
        size = a[-1]["size"]
        drop = b[0]["top"] - a[-1]["top"]
        level = abs(b[0]["x0"] - a[0]["x0"]) < 2 or abs(b[-1]["x1"] - a[-1]["x1"]) < 2
        if 0.9 * size < drop < 2.2 * size and level:
            before = "".join(c["text"] for c in a)[-40:]
            after = "".join(c["text"] for c in b)[:40]
            found.append((before, after, b[0]))
    return found


def broken_numbers(page) -> list[str]:
    """Grouped numbers broken across two lines: "1 171" at a line's end, "100" at the next's."""
    return [
        f"{before}|{after}"
        for before, after, _ in line_breaks(page)
        if re.search(r"(?<![\d.,])\d{1,3}[ \u00a0\u202f]?$", before)
        and re.match(r"\d{3}(?![\d])", after)
    ]


def broken_units(page) -> list[str]:
    """Units broken after their slash: "мкг/" at a line's end, "м³" at the next's (a URL,
    which breaks after its slashes on purpose, is no unit)."""
    return [
        f"{before}|{after}"
        for before, after, _ in line_breaks(page)
        if re.search(r"(?<![\w/.:-])[^\W\d_]{1,4}/$", before)
        and re.match(r"[^\W\d_]{1,3}[²³]?(?![\w/])", after)
    ]


def lines_opening_with_a_dash(page) -> list[str]:
    """Lines of running text that start with a dash (a band chip's symbol is bold, no dash)."""
    return [
        f"{before}|{after}"
        for before, after, first in line_breaks(page)
        if re.match(r"[–—] ", after) and "Bold" not in first["fontname"]
    ]


def headings(page) -> list[list[str]]:
    """The headings of ``page`` (h1-h4: the heading blue, 10 pt and more), each as its lines."""
    chars = [
        c
        for c in page.chars
        if c["size"] >= 10
        and tuple(round(x, 2) for x in c["non_stroking_color"] or ()) == HEADING_BLUE
    ]
    rows: dict[int, list] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    found, last = [], None
    for top in sorted(rows):
        line = sorted(rows[top], key=lambda c: c["x0"])
        size = line[0]["size"]
        text = "".join(c["text"] for c in line).strip()
        if last is not None and top - last[0] < 1.6 * size and abs(last[1] - size) < 0.5:
            found[-1].append(text)
        else:
            found.append([text])
        last = (top, size)
    return found


def lone_short_ends(page) -> list[list[str]]:
    """Headings of several lines whose last line is one short word ("KPI", "cities")."""
    return [
        lines
        for lines in headings(page)
        if len(lines) > 1
        and len(lines[-1].split()) == 1
        and sum(ch.isalnum() for ch in lines[-1]) <= 12
    ]


def text_lines(page) -> list[dict]:
    return page.extract_text_lines(return_chars=False)


def running_head(page) -> str:
    """The text set in the page's top margin."""
    chars = [c for c in page.chars if c["bottom"] < 45]
    return " ".join("".join(c["text"] for c in chars).split())


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


def _pdf_of(html: str, tmp_path: Path, lang: str = "ru") -> Path:
    """``html`` laid out by WeasyPrint on a narrow page, in the publication's fonts."""
    from weasyprint import HTML

    fonts = fonts_css(lambda name: (FONT_DIR / name).as_uri())
    page = (
        f'<html lang="{lang}"><head><style>{fonts} @page {{ size: 60mm 80mm; margin: 5mm }}'
        " body { font-family: 'Noto Sans'; font-size: 10pt; hyphens: auto }"
        f"</style></head><body>{html}</body></html>"
    )
    out = tmp_path / "page.pdf"
    HTML(string=page).write_pdf(out)
    return out


def test_the_page_checks_find_what_they_look_for(tmp_path: Path) -> None:
    # Plain spaces: the number, the unit and the dash break where a line runs out...
    words = "Население города составляет 1 171 100 и загрязнение 24 мкг/м³ за год – много."
    text = " ".join(["слово"] * 3 + [words] * 6)
    with pdfplumber.open(_pdf_of(f"<p>{text}</p>", tmp_path)) as doc:
        page = doc.pages[0]
        found = broken_numbers(page) + broken_units(page) + lines_opening_with_a_dash(page)
    assert found, "the narrow page breaks none of them"
    # ...and typeset, none of them does.
    html = typeset_html(f"<p>{text}</p>", "ru")
    with pdfplumber.open(_pdf_of(html, tmp_path)) as doc:
        for page in doc.pages:
            assert broken_numbers(page) == broken_units(page) == []
            assert lines_opening_with_a_dash(page) == []
    # A heading ending on a short word alone on its line, found; typeset, gone.
    heading = '<h1 style="color: #0b3d66; font-size: 14pt">Оценка результатов по KPI</h1>'
    with pdfplumber.open(_pdf_of(heading, tmp_path)) as doc:
        assert lone_short_ends(doc.pages[0]) == [["Оценка", "результатов по", "KPI"]]
    with pdfplumber.open(_pdf_of(typeset_html(heading, "ru"), tmp_path)) as doc:
        assert lone_short_ends(doc.pages[0]) == []


# -- the sample publications ----------------------------------------------------------------


def _sample_pdfs(sample_site, pseudo_build) -> dict[str, Path]:
    out = sample_site.out
    return {
        "tbilisi-en": out / "tbilisi" / "tbilisi-en.pdf",
        "tbilisi-ru": out / "tbilisi" / "tbilisi-ru.pdf",
        "tbilisi-en-XA": pseudo_build[0] / "tbilisi-en-XA.pdf",
        "norway-en": out / "norway" / "norway-en.pdf",
        "norway-ru": out / "norway" / "norway-ru.pdf",
    }


EDITIONS = ["tbilisi-en", "tbilisi-ru", "tbilisi-en-XA", "norway-en", "norway-ru"]


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_no_number_unit_or_dash_breaks_and_no_heading_ends_alone(
    sample_site, pseudo_build, edition
) -> None:
    pdf = _sample_pdfs(sample_site, pseudo_build)[edition]
    problems: dict[int, list] = {}
    with plumbed(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            found = (
                broken_numbers(page)
                + broken_units(page)
                + lines_opening_with_a_dash(page)
                + [" / ".join(h) for h in lone_short_ends(page)]
            )
            if found:
                problems[number] = found
    assert not problems, problems


def _part_ranges(reader: PdfReader, lang: str) -> dict[str, range]:
    """The pages (0-based) of each part of the volume, from its bookmark to the next one at
    the top level."""
    top = [(title, page) for depth, title, page in outline(reader) if depth == 0]
    ranges = {}
    for (title, page), (_, following) in zip(top, top[1:], strict=False):
        if title.startswith(("Part ", "Часть ")):
            ranges[title] = range(page, following)
    return ranges


PARTS = {
    "en": ["Part 1. Ålesund", "Part 2. Asker", "Part 3. Rana"],
    "ru": ["Часть 1. Олесунн", "Часть 2. Аскер", "Часть 3. Рана"],
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_volume_names_the_city_of_each_part(sample_site, lang) -> None:
    pdf = sample_site.out / "norway" / f"norway-{lang}.pdf"
    reader = PdfReader(pdf)
    parts = _part_ranges(reader, lang)
    assert list(parts) == PARTS[lang]  # the bookmarks name the part and its city
    city_pages = {n for pages in parts.values() for n in pages}
    nested = [(d, t) for d, t, p in outline(reader) if p in city_pages and d > 0]
    assert len(nested) > 20  # each part's chapters are set in below it
    with plumbed(pdf) as doc:
        for label, pages in parts.items():
            city = label.split(". ", 1)[1]
            for n in pages:
                page = doc.pages[n]
                head = running_head(page)
                if not head:  # a blank page before the next part
                    continue
                assert label in head, (n + 1, head)  # the running head names the part
                for line in text_lines(page):  # every caption of the part names the city
                    if re.match(r"(Table|Figure|Таблица|Рисунок) \d+ ", line["text"]):
                        assert f"{city}:" in line["text"], (n + 1, line["text"])
        for n, page in enumerate(doc.pages):
            if n not in city_pages:  # the volume's own pages carry its own running head
                assert not re.search(r"\b(Part|Часть) \d", running_head(page)), n + 1


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_contents_of_a_volume_sets_each_parts_chapters_in_under_it(sample_site, lang) -> None:
    pdf = sample_site.out / "norway" / f"norway-{lang}.pdf"
    reader = PdfReader(pdf)
    contents = next(p for d, t, p in outline(reader) if t in ("Contents", "Содержание"))
    with plumbed(pdf) as doc:
        lines = text_lines(doc.pages[contents])
    starts = {}
    for line in lines:
        for label in PARTS[lang]:
            if line["text"].startswith(label):
                starts[label] = lines.index(line)
    assert list(starts) == PARTS[lang]
    for label, at in starts.items():
        part, first, *_ = lines[at : at + 3]
        assert first["x0"] > part["x0"] + 8, (label, part["text"], first["text"])
    after = lines[max(starts.values()) + 1 :]
    compared = next(
        line for line in after if line["text"].startswith(("The cities compared", "Сравнение"))
    )
    assert abs(compared["x0"] - lines[starts[PARTS[lang][0]]]["x0"]) < 1  # back at its level


@pytest.mark.slow
def test_the_russian_sdg_table_of_the_volume_takes_its_widths_from_its_content(
    sample_site,
) -> None:
    pdf = sample_site.out / "norway" / "norway-ru.pdf"
    reader = PdfReader(pdf)
    compared = next(p for d, t, p in outline(reader) if t == "Сравнение городов")
    with plumbed(pdf) as doc:
        pages = [
            n
            for n in range(compared, len(doc.pages))
            if any(
                re.match(r"\d+\. (Ликвидация нищеты|Партнёрство)", line["text"])
                for line in text_lines(doc.pages[n])
            )
        ]
        first = [line["text"] for line in text_lines(doc.pages[pages[0]])]
    # goal 1 and goal 17 on one page; a goal's name whole on its line, never "Лик-вида-ция"
    assert len(pages) == 1, pages
    assert any(line.startswith("1. Ликвидация нищеты") for line in first), first


class _Text(HTMLParser):
    """The text of an HTML edition: its text nodes (with the elements around each), and the
    text of each paragraph and list item."""

    BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "caption", "figcaption", "dd", "dt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.nodes: list[tuple[tuple[str, ...], str, int]] = []
        self.count = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "img", "wbr", "meta", "link", "input", "col", "hr"):
            return
        self.count += 1
        self.stack.append((tag, self.count))

    def handle_endtag(self, tag) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data) -> None:
        tags = tuple(t for t, _ in self.stack)
        if any(t in ("script", "style", "svg", "code", "title") for t in tags):
            return
        block = next((n for t, n in reversed(self.stack) if t in self.BLOCKS), 0)
        self.nodes.append((tags, data, block))

    def paragraphs(self, tags=("p", "li")) -> list[str]:
        """The text of each element ``tags`` names, joined across its inline elements."""
        texts: dict[int, list[str]] = {}
        for stack, data, block in self.nodes:
            owner = next((t for t in reversed(stack) if t in self.BLOCKS), None)
            if owner in tags:
                texts.setdefault(block, []).append(data)
        return ["".join(parts) for parts in texts.values()]


def _edition_text(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


HTML_EDITIONS = [("tbilisi", "en"), ("tbilisi", "ru"), ("norway", "en"), ("norway", "ru")]


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "lang"), HTML_EDITIONS)
def test_digit_groups_percent_and_dashes_in_the_text_of_each_edition(
    sample_site, slug, lang
) -> None:
    html = sample_site.out / slug / lang / "index.html"
    text = _edition_text(html)
    for _, data, _ in text.nodes:
        if lang == "en":  # UN English: 100,000, never 100 000
            assert not re.search(r"(?<![\d.,])\d{1,3}[ \u00a0\u202f]\d{3}(?!\d)", data), data
        else:  # grouped with a no-break space only
            assert not re.search(r"(?<![\d.,])\d{1,3}[ \u202f]\d{3}(?!\d)", data), data
        assert not re.search(r"\d[ \u202f]%", data), data  # no break before "%"
        assert not re.search(r"\S[ \n\t][–—]\s", data), data  # a dash never opens a line
        if lang == "ru":  # the em dash, bound to the word before; the en dash for ranges
            assert not re.search(r"\S[ \n\t]-\s", data), data
            assert not re.search(r"\D\s–\s", data), data


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "lang"), HTML_EDITIONS)
def test_no_generated_sentence_opens_with_a_numeral(sample_site, slug, lang) -> None:
    text = _edition_text(sample_site.out / slug / lang / "index.html")
    openings = []
    for paragraph in text.paragraphs():
        for sentence in sentences(" ".join(paragraph.split())):
            if re.match(r"\d", sentence):
                openings.append(sentence[:80])
    assert openings == []


ABBREVIATIONS = re.compile(r"\b(p|pp|No|vol|ed|cf|т|г|гг|с|п|см|рис|табл)\.$", re.I)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (not after an abbreviation such as "p." or «т.»)."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", text):
        if out and ABBREVIATIONS.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "lang"), [("tbilisi", "en"), ("norway", "en"), ("norway", "ru")])
def test_chemical_formulas_are_set_with_subscripts(sample_site, pseudo_build, slug, lang) -> None:
    path = sample_site.out / slug / lang / "index.html"
    html = path.read_text(encoding="utf-8")
    assert "NO<sub>2</sub>" in html and "PM<sub>2.5</sub>" in html and "O<sub>3</sub>" in html
    formula = re.compile(r"(?<![\w./-])(NO2|SO2|PM2\.5|PM10|O3|CO2)(?![\w])")
    for _, data, _ in _edition_text(path).nodes:  # no formula left without its subscript
        assert not formula.search(re.sub(r"https?://\S+", "", data)), data
    with plumbed(sample_site.out / slug / f"{slug}-{lang}.pdf") as doc:
        subscripts = 0
        for page in doc.pages:
            chars = page.chars
            for a, b in zip(chars, chars[1:], strict=False):
                if a["text"] == "O" and b["text"] in "23" and b["size"] < 0.85 * a["size"]:
                    assert b["bottom"] > a["bottom"], page.page_number  # set below the line
                    subscripts += 1
    assert subscripts >= 10


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_comparison_says_in_words_what_differs(sample_site, lang) -> None:
    text = _edition_text(sample_site.out / "norway" / lang / "index.html")
    notes = [" ".join(p.split()) for p in text.paragraphs() if "Ålesund" in p or "Олесунн" in p]
    differs = [p for p in notes if re.search(r"(only in|not scored in|только для|нет оценки)", p)]
    assert len(differs) >= 4, notes
    for note in differs:
        assert not re.search(r"\b[A-Z]{2}: [A-Z]+: ", note), note  # no raw code
    joined = " ".join(differs)
    if lang == "ru":  # the data points in Russian, not English
        assert not re.search(r"\b(Cycling|Walking|Public transport|Private vehicle)\b", joined)
        assert "Структура поездок по видам транспорта" in joined
    else:
        assert "Transportation Mode Share – Public transport" in joined


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["tbilisi-en", "tbilisi-ru", "norway-en", "norway-ru"])
def test_no_page_holds_a_dimension_overview_or_a_tables_last_rows_alone(
    sample_site, pseudo_build, edition
) -> None:
    pdf = _sample_pdfs(sample_site, pseudo_build)[edition]
    reader = PdfReader(pdf)
    entries = outline(reader)
    top = [(title, page) for depth, title, page in entries if depth == 0]
    overviews = 0
    for (title, page), (after, results) in zip(top, top[1:], strict=False):
        if re.search(r"(an overview|общий обзор)$", title):  # shares its page with the results
            assert results == page and "KPI" in after, (title, page + 1, after, results + 1)
            overviews += 1
    assert overviews == (3 if edition.startswith("tbilisi") else 0)
    code = re.compile(r"^(EC|EN|SC): [A-Z]+: [A-Z]+: \d[AC]\b")
    header = re.compile(r"(Code|Код)\b")
    with plumbed(pdf) as doc:
        for n, page in enumerate(doc.pages):
            lines = [
                line for line in page.extract_text_lines(return_chars=True) if line["top"] > 45
            ]
            if not lines or not header.match(lines[0]["text"]):
                continue  # not a table carried over from the page before
            following = doc.pages[n + 1].extract_text_lines() if n + 1 < len(doc.pages) else []
            if any(header.match(line["text"]) for line in following[:3]):
                continue  # carried over once more: this is no last page of the table
            rows = 0  # the table's rows: a KPI's (its code) or a group's (bold), at its left edge
            for line in lines[1:]:
                if abs(line["x0"] - lines[0]["x0"]) > 2:
                    continue  # a cell's further line, or the header's
                if code.match(line["text"]) or "Bold" in line["chars"][0]["fontname"]:
                    rows += 1
                else:
                    break  # the table ends: its source line
            assert rows >= 5, (n + 1, rows, [line["text"] for line in lines[:8]])


@pytest.mark.slow
def test_annex_i_lists_unreported_kpis_compactly(mini_built) -> None:
    html = (mini_built / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    annex = html[html.index('id="annex-kpis"') : html.index('id="annex-missing"')]
    table = annex[annex.index("<tbody>") : annex.index("</tbody>")]
    rows = re.findall(r'<tr class="band-row-(\w+)"[^>]*>', table)  # on screen with its id
    # mini reports 7 values: a row for each KPI with a value, none for the 80 it leaves out;
    # "no data" rows only for the data points a reported KPI lacks (its other pollutants)
    items = json.loads(run_cli(["score", "mini", "--json"], mini_built)[1])["items"]
    reported = {i["kpi"] for i in items if i["value"] is not None}
    lacking = [i for i in items if i["kpi"] in reported and i["value"] is None]
    assert 5 <= len(rows) - len(lacking) <= 12, rows
    assert rows.count("no_data") == len(lacking)
    listed = re.search(r'class="source annex-unreported">(.*?)</p>', annex, re.S)
    assert listed and "Not reported (" in listed.group(1)
    codes = re.findall(r'<span class="code">([^<]+)</span>', listed.group(1))
    assert len(codes) > 70 and len(set(codes)) == len(codes)
    missing = html[html.index('id="annex-missing"') :]
    for code in codes[:10]:  # each with its reason in the next annex
        assert code in missing
