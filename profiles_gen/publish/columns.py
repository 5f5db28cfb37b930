"""Column widths of the print edition's tables of known columns, computed from their content.

WeasyPrint's automatic table layout measures every cell twice, at its narrowest and at its
widest, before it lays the table out: for the 3 300 cells of a profile that was a fifth of
the layout, most of it in the KPI tables (the same rows three times: results by
dimension, progress, Annex I). The tables whose columns are known (``TABLES``) are laid
out with ``table-layout: fixed`` instead, their widths computed here the way the automatic
layout computes them (CSS Tables 3, as WeasyPrint implements it): each column's
narrowest width (its longest word, or syllable where the cell hyphenates; a piece that
does not wrap, whole) and widest (each line of its cells unbroken), the percentages
print.css gives, and the table's width shared between them. Text is measured with the
publication's own fonts (their advance widths, at the cell's size), so the widths follow
the content as the automatic layout did: another language's longer labels get a wider
column, every table of a kind gets the same columns for the same content, and the pages
come out as before (tests/test_columns.py holds the widths to WeasyPrint's).

The facts of print.css and common.css that the measure needs (font sizes, what does not
wrap, what hyphenates, paddings, minimum widths) are in ``CELL`` and ``TABLES``; the test
fails when they drift apart.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from profiles_gen.core.page import ANNEX_MARGINS_MM, TEXT_WIDTH_MM
from profiles_gen.core.paths import FONT_DIR

PX = 4 / 3  # CSS pixels per point
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
NBSP = "\u00a0"
# The text column of the pages (core.page), in CSS pixels: portrait, and the annexes' landscape
# pages (A4 turned: 297 mm wide).
BODY_WIDTH = TEXT_WIDTH_MM / 25.4 * 96
ANNEX_WIDTH = (297 - ANNEX_MARGINS_MM[1] - ANNEX_MARGINS_MM[3]) / 25.4 * 96


@dataclass(frozen=True)
class Table:
    """A kind of table: its font size (pt), page width and the columns' percentages."""

    size: float
    width: float
    percents: dict[str, float] = field(default_factory=dict)  # cell class -> % of the table
    sizes: dict[str, float] = field(default_factory=dict)  # cell class -> font size (pt)


# By a class of the table, the first that matches (print.css). A column's percentage is the
# largest its cells are given, as WeasyPrint resolves print.css's rules (``table.kpis
# th.kpi`` wins over ``.annex-table th.kpi`` by specificity).
TABLES = {
    "definitions-table": Table(7.6, ANNEX_WIDTH, {"code": 10, "kpi": 24}),
    "annex-table": Table(
        6.8,
        ANNEX_WIDTH,
        {"code": 12, "kpi": 34, "source-cell": 17, "target-cell": 11},
        {"source-cell": 6.3},
    ),
    "progress": Table(8, BODY_WIDTH, {"code": 11, "kpi": 36, "remarks": 17}, {"remarks": 7.2}),
    "kpis": Table(8, BODY_WIDTH, {"code": 12, "kpi": 34}),
    "annex-plain": Table(8, ANNEX_WIDTH),
}

# Per class of an element in a cell (common.css, print.css): its font size (em), whether
# it wraps, whether it starts a line of its own, the padding and border it adds (em, pt).
SMALLER = {"code": 0.85, "unit": 0.82, "target-provenance": 0.82, "year": 0.9, "band": 0.9}
SMALLER |= {"coverage": 0.9, "source-cell": 0.8}
NOWRAP = {"code", "year", "share", "band", "coverage", "quality", "nowrap", "band-cell", "ref-cell"}
BLOCK = {"unit", "target-provenance"}
BOLD = {"band-symbol", "illustrative-mark"}
NO_HYPHENS = {"num", "band", "code", "sdgs", "source-cell", "footnote", "url"}
BAND_BOX = (0.7, 1.0)  # .band: padding 0 0.35em, border 0.5pt
MIN_WIDTH = {"sdgs": 5.6}  # td.sdgs: min-width 5.6em (two SDG targets a line)
CELL_PADDING = 0.7  # th, td: padding 0.25em 0.35em


def fix_columns(html: str, lang: str) -> str:
    """``html`` with each table of a known kind laid out fixed, its widths from its content."""
    out, end = [], 0
    for match in _TABLE_RE.finditer(html):
        classes = match.group(2).split()
        kind = next((TABLES[c] for c in TABLES if c in classes), None)
        if kind is None and "plain" in classes and "annex" in match.group(1):
            kind = TABLES["annex-plain"]
        if kind is None:
            continue
        widths = column_widths(match.group(4), kind, lang)
        if not widths:
            continue
        cols = "".join(f'<col style="width: {w:.3f}%">' for w in widths)
        out += [
            html[end : match.start()],
            match.group(1).replace(' class="', ' class="fixed ', 1),
            match.group(3),
            f"<colgroup>{cols}</colgroup>",
        ]
        end = match.start(4)
    return "".join(out) + html[end:]


# A table, its opening tag (class and id), its caption if any, then its rows.
_TABLE_RE = re.compile(
    r'(<table class="([^"]*)"[^>]*>)(\s*(?:<caption>.*?</caption>)?)(.*?)</table>', re.S
)


def column_widths(rows_html: str, kind: Table, lang: str) -> list[float]:
    """The columns' widths in % of the table, as the automatic layout would share them."""
    parser = _Cells(kind, lang)
    parser.feed(rows_html)
    rows = parser.rows
    if not rows:
        return []
    n = max(sum(cell.span for cell in row) for row in rows)
    mins, maxs, percents = [0.0] * n, [0.0] * n, {}
    for row in rows:
        column = 0
        for cell in row:
            if cell.span == 1 and column < n:
                low, high = cell.measure()
                mins[column], maxs[column] = max(mins[column], low), max(maxs[column], high)
                for c in cell.classes & kind.percents.keys():
                    percents[column] = max(percents.get(column, 0), kind.percents[c])
            column += cell.span
    return [100 * w / kind.width for w in _distribute(mins, maxs, percents, kind.width)]


def _distribute(mins, maxs, percents, width) -> list[float]:
    """CSS Tables 3's width distribution, as WeasyPrint's ``auto_table_layout`` runs it."""
    n = len(mins)
    percent = [
        max(percents[i] / 100 * width, mins[i]) if i in percents else mins[i] for i in range(n)
    ]
    maxs = [percent[i] if i in percents else maxs[i] for i in range(n)]
    guesses = (mins, percent, percent, maxs)
    if width * (1 + 1e-9) < sum(maxs):
        lower = next((g for g in reversed(guesses) if sum(g) <= width * (1 + 1e-9)), None)
        if lower is None:  # even the narrowest widths overflow: the table widens
            return mins
        upper = next(g for g in guesses if sum(g) >= width * (1 - 1e-9))
        added = [upper[i] - lower[i] for i in range(n)]
        ratio = (width - sum(lower)) / sum(added) if sum(added) else 0
        return [lower[i] + added[i] * ratio for i in range(n)]
    widths = list(maxs)
    free = [i for i in range(n) if i not in percents] or list(range(n))
    total = sum(maxs[i] for i in free)
    for i in free:
        widths[i] += (width - sum(maxs)) * (maxs[i] / total if total else 1 / len(free))
    return widths


@dataclass
class _Run:
    text: str
    size: float  # pt
    bold: bool
    nowrap: bool
    hyphens: bool
    box: float = 0.0  # padding and border around it (px), if it is a box of its own


@dataclass
class _Cell:
    span: int
    padding: float  # px
    lang: str
    classes: set[str]
    minimum: float = 0.0  # px
    lines: list[list[_Run]] = field(default_factory=lambda: [[]])

    def measure(self) -> tuple[float, float]:
        """The cell's narrowest and widest width (px), its padding included."""
        narrowest = widest = 0.0
        for line in self.lines:
            widest = max(widest, sum(_width(r.text, r.size, r.bold) + r.box for r in line))
            narrowest = max(narrowest, _narrowest(line, self.lang))
        return max(narrowest, self.minimum) + self.padding, max(widest, self.minimum) + self.padding


def _narrowest(line: list[_Run], lang: str) -> float:
    """The widest piece of a line that cannot be broken (px)."""
    widest = piece = 0.0
    for run in line:
        text = run.text
        if run.nowrap:
            piece += _width(text, run.size, run.bold) + run.box
            widest = max(widest, piece)
            continue
        parts = _BREAK_RE.split(text)
        for n, part in enumerate(parts):
            if n:  # a break opportunity before it
                piece = 0.0
            word = part.rstrip(" \u200b")
            chunks = _chunks(word, run.size, run.bold, lang if run.hyphens and not piece else None)
            chunks[0] += piece
            widest = max(widest, *chunks)
            piece = chunks[-1]
            if part != word:  # it ends with a space: nothing joins it
                piece = 0.0
    return widest


def _chunks(word: str, size: float, bold: bool, lang: str | None) -> list[float]:
    """The widths (px) of the pieces of ``word`` that cannot be broken, in order: with
    ``lang``, each of its words hyphenated at every point (the hyphen included); words
    bound by a no-break space ("не\u00a0сравнивается", i18n/typography.py) stay joined,
    the end of one to the start of the next, as WeasyPrint hyphenates each of them."""
    chunks: list[str] = []
    current = ""
    for n, sub in enumerate(word.split(NBSP)):
        syllables = _syllables(sub, lang) if lang else [sub]
        current = current + NBSP + syllables[0] if n else syllables[0]
        if len(syllables) > 1:
            chunks += [current, *syllables[1:-1]]
            current = syllables[-1]
    chunks.append(current)
    return [_width(chunk, size, bold) for chunk in chunks]


# Break opportunities (UAX #14, as far as these tables need): after a space or a zero-width
# space, after a hyphen or dash or solidus followed by a letter or digit.
_BREAK_RE = re.compile(r"(?<=[ \u200b])(?=\S)|(?<=[-\u2010\u2013/])(?=\w)")


def _syllables(word: str, lang: str) -> list[str]:
    """``word`` hyphenated at every point (WeasyPrint breaks a cell's text there when
    measuring its narrowest width), each piece but the last with its hyphen."""
    letters = re.search(r"\w+", word)
    if not letters or len(letters.group(0)) < 5:  # hyphenate-limit-chars: 5 2 2
        return [word]
    dictionary = _dictionary(lang)
    if dictionary is None:
        return [word]
    start = letters.start()
    cuts = [start + p for p in dictionary.positions(letters.group(0))]
    bounds = [0, *cuts, len(word)]
    return [
        word[a:b] + (HYPHEN if b != len(word) else "")
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]


@lru_cache(maxsize=8)
def _dictionary(lang: str):
    import pyphen  # with WeasyPrint: only when a table is measured

    fallback = pyphen.language_fallback(lang)
    return pyphen.Pyphen(lang=fallback, left=2, right=2) if fallback else None


class _Font:
    """Advance widths of a font's characters (fontTools, which WeasyPrint brings)."""

    def __init__(self, name: str) -> None:
        from fontTools.ttLib import TTFont  # with WeasyPrint: only when a table is measured

        font = TTFont(FONT_DIR / name, lazy=True)
        self.em = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.advances = font["hmtx"].metrics
        self.widths: dict[str, float] = {}

    def width(self, char: str) -> float | None:
        """In em; None for a character the font does not have."""
        if char not in self.widths:
            glyph = self.cmap.get(ord(char))
            self.widths[char] = self.advances[glyph][0] / self.em if glyph else None
        return self.widths[char]


@lru_cache(maxsize=4)
def _font(name: str) -> _Font:
    return _Font(name)


INVISIBLE = {"\u200b", "\u2060", "\u00ad"}
_SPACES_RE = re.compile(r"[ \t\n\r\f]+")  # collapsible white space (CSS), not U+00A0


@lru_cache(maxsize=65536)
def _width(text: str, size: float, bold: bool) -> float:
    """The advance width of ``text`` at ``size`` pt in CSS pixels (Noto Sans, else DejaVu
    Sans, as the publication's font stack)."""
    main = _font("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    total = 0.0
    for char in text:
        if char in INVISIBLE:
            continue
        em = main.width(char)
        if em is None:
            em = _font("DejaVuSans.ttf").width(char) or 0.6
        total += em
    return total * size * PX


class _Cells(HTMLParser):
    """The cells of a table's rows, each as lines of runs of text with their style."""

    def __init__(self, kind: Table, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.kind, self.lang = kind, lang
        self.rows: list[list[_Cell]] = []
        self.cell: _Cell | None = None
        self.stack: list[tuple[str, set[str], float]] = []  # in the cell: tag, classes, box
        self.head = self.group = False

    def _style(self) -> tuple[float, bool, bool, bool]:
        size, bold, nowrap, hyphens = self.kind.size, False, False, True
        for tag, classes, _ in self.stack:
            size = next((self.kind.sizes[c] for c in classes if c in self.kind.sizes), size)
            for c in classes & SMALLER.keys():
                if c not in self.kind.sizes:
                    size *= SMALLER[c]
            if tag == "th" and (self.head or self.group) or tag in ("b", "strong"):
                bold = True
            bold = bold or bool(classes & BOLD)
            nowrap = nowrap or bool(classes & NOWRAP)
            # print.css: ``thead th`` and ``tbody th`` (a row's heading) hyphens: manual
            if classes & NO_HYPHENS or tag in ("th", "a"):
                hyphens = False
        return size, bold, nowrap, hyphens

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "thead":
            self.head = True
        elif tag == "tr":
            self.rows.append([])
            self.group = bool(classes & {"group", "dimension-row"})
        elif tag in ("td", "th") and self.rows:
            self.stack = [(tag, classes, 0.0)]
            size = self._style()[0]
            span = dict(attrs).get("colspan") or "1"
            padding = CELL_PADDING * size * PX
            self.cell = _Cell(int(span) if span.isdigit() else 1, padding, self.lang, classes)
            for c in classes & MIN_WIDTH.keys():
                self.cell.minimum = MIN_WIDTH[c] * size * PX
            self.rows[-1].append(self.cell)
        elif self.cell is not None:
            size = self._style()[0]
            box = 0.0
            if "band" in classes:
                box = BAND_BOX[0] * size * SMALLER["band"] * PX + BAND_BOX[1] * PX
            self.stack.append((tag, classes, box))
            if classes & BLOCK or tag in ("br", "p", "div"):
                self.cell.lines.append([])

    def handle_endtag(self, tag):
        if tag == "thead":
            self.head = False
        elif tag in ("td", "th"):
            self.cell, self.stack = None, []
        elif self.cell is not None and len(self.stack) > 1 and self.stack[-1][0] == tag:
            _, classes, box = self.stack.pop()
            if box and self.cell.lines[-1]:
                self.cell.lines[-1][-1].box += box  # the band's padding and border
            if classes & BLOCK:
                self.cell.lines.append([])

    def handle_data(self, data):
        if self.cell is not None:
            size, bold, nowrap, hyphens = self._style()
            text = _SPACES_RE.sub(" ", htmllib.unescape(data))  # no-break spaces stay
            self.cell.lines[-1].append(_Run(text, size, bold, nowrap, hyphens))
