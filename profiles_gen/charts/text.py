"""Text fitted to an area: measured with matplotlib's renderer, wrapped, shrunk to a floor."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from profiles_gen.charts.style import AREA, LABEL, mpl
from profiles_gen.core import shaping

MEASURE_DPI = 288  # text is measured at four times the points, where rounding is negligible


@lru_cache(maxsize=1)
def _scratch():
    """A figure, its renderer and one text artist, set to each text measured in turn."""
    fig = mpl().plt.figure(figsize=(1, 1), dpi=MEASURE_DPI)
    text = mpl().Text(0, 0, "")
    text.set_figure(fig)
    return text, fig.canvas.get_renderer()


@lru_cache(maxsize=64)
def _line(size: float, weight: str):
    """The font properties of text at ``size`` and ``weight``, and the height of a line of
    it: matplotlib sets one line as high as its font's ascent and descent with the line
    spacing, whatever its glyphs (``Text._get_layout``)."""
    artist, renderer = _scratch()
    artist.set_text("lp")
    artist.set_fontsize(size)
    artist.set_fontweight(weight)
    height = artist.get_window_extent(renderer).height
    return artist.get_fontproperties().copy(), height * 72 / MEASURE_DPI


@lru_cache(maxsize=20000)
def _measure_line(text: str, size: float, weight: str) -> tuple[float, float]:
    """Width and height in points of one line of ``text``: its width as matplotlib measures
    it for a text artist (``_shaped_width``, else the renderer's, straight: an artist laid
    out for each text measured would take three times as long), its height that of any
    line."""
    if not text:
        return 0.0, 0.0  # as matplotlib gives it: no box at all
    properties, height = _line(size, weight)
    width = _shaped_width(text, size, _face(weight))
    if width is None:
        _, renderer = _scratch()
        width, _, _ = renderer.get_text_width_height_descent(text, properties, ismath=False)
        width = width * 72 / MEASURE_DPI
    return width, height


# The matplotlib whose measure ``_shaped_width`` reproduces (its text layout through libraqm,
# with kerning, came in 3.11): with another, matplotlib measures every label itself.
SHAPED_LIKE = (3, 11)


@lru_cache(maxsize=8)
def _face(weight: str):
    """The shaper of the face matplotlib sets text of ``weight`` in (None without HarfBuzz,
    or with a matplotlib whose measure it does not reproduce)."""
    if tuple(int(n) for n in version("matplotlib").split(".")[:2]) != SHAPED_LIKE:
        return None
    properties, _ = _line(LABEL, weight)
    return shaping.shaper(Path(mpl().font_manager.findfont(properties)))


def _shaped_width(text: str, size: float, face) -> float | None:
    """``text``'s width in points as matplotlib measures it at ``MEASURE_DPI``
    (``_shaped_box``), or None where only matplotlib can tell."""
    box = _shaped_box(text, size, MEASURE_DPI, face, heights=False)
    return None if box is None else box[0] * 72 / MEASURE_DPI


def _shaped_box(
    text: str, size: float, dpi: int, face, heights: bool = True
) -> tuple[float, float, float] | None:
    """The width, height and descent in pixels at ``dpi`` of ``text`` set at ``size`` as
    matplotlib's FreeType font measures them (``FT2Font.set_text``, ``get_width_height``
    and ``get_descent``), to the bit, from HarfBuzz's shaping: some microseconds instead of
    a millisecond. None where only matplotlib can tell: no HarfBuzz, a character the face
    lacks (matplotlib takes it from its fallback font), right to left, or an opening
    bracket before the first letter (libraqm, which shapes for matplotlib, then sets the
    closing one in a run of its own, without kerning against the letter before it); with
    ``heights``, a glyph made of others (a composite: "é", "ё"), whose outline FreeType
    scales part by part (its height may then differ by a 64th of a pixel; its advance
    does not). Without ``heights``, the height and descent given are not to be read.

    The width is the distance the pen moves: each glyph's advance as FreeType scales it
    unhinted (``FT_Set_Char_Size`` of the size in 26.6 points, truncated, at the
    resolution; the advance through ``FT_Get_Advance`` in 16.16 and back to 26.6), plus the
    kerning shaping added, scaled as HarfBuzz scales it for FreeType's size. The height and
    descent are those of the glyphs' outlines, each edge scaled as FreeType scales a point
    (``FT_MulFix``). Tests hold them to matplotlib's own for every label of both samples,
    in every language."""
    if face is None or _bracket_first(text):
        return None
    glyphs = face.glyphs(text)
    if glyphs is None:
        return None
    upem = face.upem
    size26 = (int(size * 64) * dpi + 36) // 72  # the size in pixels, 26.6
    scale = ((size26 << 16) + upem // 2) // upem  # FT_DivFix, 16.16
    hb_scale = (scale * upem + (1 << 15)) >> 16  # HarfBuzz's scale of a FreeType face
    em_mult = (hb_scale << 16) // upem
    pen = 0
    top = bottom = None
    if heights and any(glyph[4] for glyph in glyphs):
        return None
    for nominal, shaped, high, low, _ in glyphs:
        pen += ((nominal * scale + 32) // 64 + 512) >> 10  # FT_MulDiv by 64, 16.16 -> 26.6
        if shaped != nominal:
            pen += ((shaped - nominal) * em_mult + 0x8000) >> 16
        high, low = _mul_fix(high, scale), _mul_fix(low, scale)
        top = high if top is None or high > top else top
        bottom = low if bottom is None or low < bottom else bottom
    if top is None:
        return 0.0, 0.0, 0.0
    return pen / 64, (top - bottom) / 64, -bottom / 64


def _mul_fix(a: int, b: int) -> int:
    """FreeType's ``FT_MulFix``: ``a`` times the 16.16 ``b``, rounded half away from 0."""
    product = (abs(a) * abs(b) + 0x8000) >> 16
    return -product if (a < 0) != (b < 0) else product


_WEIGHTS = {"normal": "normal", 400: "normal", "bold": "bold", 700: "bold"}


def shaped_layout() -> None:
    """matplotlib's own layout of a text artist as it draws the chart (the width, height
    and descent of each line, for its alignment: ``TextToPath.get_text_width_height_descent``,
    which the SVG renderer asks) from ``_shaped_box`` too: the same numbers to the bit, the
    same SVG files, in a fifth of the time. Any text ``_shaped_box`` cannot answer for, in
    another font, as mathematics, or with a letter made of others, is measured by
    matplotlib."""
    from matplotlib.textpath import TextToPath  # matplotlib: only when a chart is drawn

    measured = TextToPath.get_text_width_height_descent
    if getattr(measured, "shaped", False):
        return
    family = list(mpl().plt.rcParams["font.family"])

    def get_text_width_height_descent(self, s, prop, ismath):
        weight = _WEIGHTS.get(prop.get_weight())
        if (
            not ismath
            and s
            and weight
            and prop.get_family() == family
            and prop.get_file() is None
            and (prop.get_style(), prop.get_variant(), prop.get_stretch()) == ("normal",) * 3
        ):
            box = _shaped_box(s, self.FONT_SCALE, self.DPI, _face(weight))
            if box is not None:
                scale = prop.get_size_in_points() / self.FONT_SCALE
                return box[0] * scale, box[1] * scale, box[2] * scale
        return measured(self, s, prop, ismath)

    get_text_width_height_descent.shaped = True
    get_text_width_height_descent.wrapped = measured
    TextToPath.get_text_width_height_descent = get_text_width_height_descent


def _bracket_first(text: str) -> bool:
    """Whether an opening bracket or quotation mark comes before ``text``'s first letter."""
    for c in text:
        category = unicodedata.category(c)
        if category[0] == "L":
            return False
        if category in ("Ps", "Pi"):
            return True
    return False


def measure(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in points of ``text`` set at ``size`` (its layout box, as drawn:
    every line as high as its highest, ``place_text``'s even leading)."""
    sizes = [_measure_line(line, size, weight) for line in text.split("\n")]
    return max(w for w, _ in sizes), len(sizes) * max(h for _, h in sizes)


def _words(text: str) -> list[str]:
    """The words of ``text``, split at its breaking spaces only: a no-break space ("100 000",
    "93 %") holds its words together."""
    return [w for w in re.split(r"[ \t\n]+", text) if w]


def wrappings(text: str, max_lines: int):
    """``text`` on 1 to ``max_lines`` lines, each split the most balanced by length."""
    words = _words(text)
    yield " ".join(words)
    for n in range(2, min(max_lines, len(words)) + 1):
        best = min(
            itertools.combinations(range(1, len(words)), n - 1),
            key=lambda cuts: max(
                len(" ".join(words[a:b]))
                for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)
            ),
        )
        yield "\n".join(
            " ".join(words[a:b]) for a, b in zip((0, *best), (*best, len(words)), strict=True)
        )


@lru_cache(maxsize=8)
def _dictionary(lang: str):
    """The hyphenation dictionary of ``lang`` (Pyphen's, as WeasyPrint uses for the pages):
    at least two letters before and after a break, as ``hyphenate-limit-chars`` gives."""
    import pyphen  # Pyphen (with WeasyPrint): only when a label must be hyphenated

    code = lang.replace("-", "_")
    found = pyphen.language_fallback(code) or pyphen.language_fallback(code.split("_")[0])
    return pyphen.Pyphen(lang=found, left=2, right=2) if found else None


_LANG = ["en"]  # the language of the chart being drawn (``hyphenation``)


@contextmanager
def hyphenation(lang: str):
    """Labels drawn inside hyphenate with ``lang``'s dictionary."""
    old, _LANG[0] = _LANG[0], lang
    try:
        yield
    finally:
        _LANG[0] = old


def _skeleton(word: str) -> str:
    """``word`` with its letters' accents dropped where that keeps its length (the
    pseudo-locale's "Ţåŕĝéţ" hyphenates as "Target")."""
    base = "".join(unicodedata.normalize("NFKD", c)[0] if c.isalpha() else c for c in word)
    return base if len(base) == len(word) else word


def break_points(word: str) -> list[int]:
    """Where ``word`` may be broken: after a hyphen it holds (the hyphen stays), or where
    the language's dictionary hyphenates it (a hyphen is added)."""
    # After a hyphen between words ("Low-Carbon"), never inside a code ("ICT-2C") or after
    # a lone letter ("e-Government").
    points = {
        i + 1
        for i, c in enumerate(word[:-1])
        if c in "-\u2010" and i >= 2 and word[i - 2 : i].isalpha() and word[i + 1 : i + 3].isalpha()
    }
    if len(word) >= 5:
        dictionary = _dictionary(_LANG[0])
        if dictionary is not None:
            skeleton = _skeleton(word)
            # Pyphen reads a word's letters: punctuation around it is set aside.
            core = skeleton.strip(".,;:!?()[]«»\"'“”„")
            lead = skeleton.index(core) if core else 0
            for part_start, part in _parts(core):
                points.update(lead + part_start + i for i in dictionary.positions(part))
    return sorted(p for p in points if 0 < p < len(word))


def _parts(word: str):
    """The runs of letters of ``word`` between its hyphens and no-break spaces, with their
    offsets."""
    start = 0
    for n, c in enumerate(word + "-"):
        if c in "-\u2010\u00a0\u202f":
            if n > start:
                yield start, word[start:n]
            start = n + 1


def _piece(word: str, a: int, b: int) -> str:
    """``word[a:b]`` as set on a line: a hyphen added where it was cut inside letters."""
    piece = word[a:b]
    return piece if b == len(word) or piece.endswith(("-", "\u2010")) else piece + "-"


def hyphenated_lines(text: str, max_lines: int):
    """Where whole words do not do: ``text`` with its longest word broken at the
    dictionary's points into 2 to ``max_lines`` pieces of about equal length."""
    words = _words(text)
    if not words:
        return
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    points = break_points(word)
    for parts in range(2, min(max_lines, len(points) + 1) + 1):
        # Pieces of three letters at least ("Edu-ca-tion" is no way to set a word).
        options = [
            c
            for c in itertools.combinations(points, parts - 1)
            if min(b - a for a, b in zip((0, *c), (*c, len(word)), strict=True)) >= 3
        ]
        if not options:
            continue
        cuts = min(
            options,
            key=lambda c: max(b - a for a, b in zip((0, *c), (*c, len(word)), strict=True)),
        )
        head = [_piece(word, a, b) for a, b in zip((0, *cuts), (*cuts, len(word)), strict=True)]
        before, after = words[:longest], words[longest + 1 :]
        for lines in _joined(before, head, after, max_lines):
            yield "\n".join(lines)


def _joined(before: list[str], head: list[str], after: list[str], max_lines: int):
    """The lines of ``before`` + the pieces + ``after``, the words around the pieces kept
    on the pieces' first and last lines where that keeps within ``max_lines``."""
    lines = [*before, *head, *after]
    if len(lines) <= max_lines:
        yield lines
    first = " ".join([*before, head[0]]).strip()
    last = " ".join([head[-1], *after]).strip()
    joined = [first, *head[1:-1], last] if len(head) > 1 else [" ".join([*before, *head, *after])]
    if len(joined) <= max_lines and joined != lines:
        yield joined


def wrap(
    text: str, width: float, size: float, weight: str = "normal", balance: bool = False
) -> str:
    """``text`` wrapped into ``width`` (``_fill``); with ``balance``, into the narrowest
    width that needs no more lines, so that its lines are of about equal length."""
    filled = _fill(text, width, size, weight)
    if not balance or "\n" not in filled:
        return filled
    lines = filled.count("\n")
    low, high = width / (lines + 1), width
    for _ in range(7):
        mid = (low + high) / 2
        if _fill(text, mid, size, weight).count("\n") > lines:
            low = mid
        else:
            high = mid
    return _fill(text, high, size, weight)


def _fill(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` on as many lines as it needs, each at most ``width`` wide at ``size``:
    filled word by word; only a word wider than a line is broken, at the dictionary's
    points (between letters where it has none that fits, the last resort)."""
    lines: list[str] = []
    line = ""
    for word in _words(text):
        trial = f"{line} {word}".strip()
        if measure(trial, size, weight)[0] <= width:
            line = trial
            continue
        if line and measure(word, size, weight)[0] <= width:
            lines.append(line)
            line = word
            continue
        rest = word
        while rest:
            prefix = f"{line} " if line else ""
            cut = _longest_piece(rest, width, size, weight, prefix)
            if cut is None and line:  # not even a piece after the words: a new line
                lines.append(line)
                line = ""
                continue
            if cut is None:  # a piece too wide for the line on its own
                cut = _letters(rest, width, size, weight)
            if cut >= len(rest):
                line = prefix + rest
                break
            lines.append(prefix + _piece(rest, 0, cut))
            line, rest = "", rest[cut:]
    if line:
        lines.append(line)
    return "\n".join(lines)


def _longest_piece(word: str, width, size, weight, prefix: str) -> int | None:
    """The longest start of ``word`` (all of it, or up to a break point) that fits after
    ``prefix``; None if none does."""
    if measure(prefix + word, size, weight)[0] <= width:
        return len(word)
    for point in reversed(break_points(word)):
        if measure(prefix + _piece(word, 0, point), size, weight)[0] <= width:
            return point
    return None


def _letters(word: str, width, size, weight) -> int:
    n = len(word)
    while n > 1 and measure(word[:n] + "-", size, weight)[0] > width:
        n -= 1
    return n


def fit_text(
    text: str,
    fits: Callable[[float, float], bool],
    size: float,
    floor: float,
    max_lines: int = 3,
    weight: str = "normal",
) -> tuple[str, float] | None:
    """The largest size from ``size`` down to ``floor`` (and the fewest lines) at which
    ``text`` passes ``fits(width, height)``; words are cut only as a last resort."""
    s = size
    while s >= floor - 1e-6:
        for candidate in wrappings(text, max_lines):
            if fits(*measure(candidate, s, weight)):
                return candidate, s
        s = round(s - 0.25, 2)
    for candidate in hyphenated_lines(text, max_lines):
        if fits(*measure(candidate, floor, weight)):
            return candidate, floor
    return None


def place_text(ax, x, y, s, area=None, **kw):
    """``ax.text`` in points, remembering the patch the text must stay inside. Lines are set
    one by one at an even leading (matplotlib spaces lines by the glyphs they hold)."""
    lines = s.split("\n")
    if len(lines) == 1:
        t = ax.text(x, y, s, **kw)
        setattr(t, AREA, area)
        return
    turn = math.radians(kw.get("rotation", 0))
    up = (-math.sin(turn), math.cos(turn))  # from one line to the one above it
    weight = kw.get("fontweight", "normal")
    pitch = max(_measure_line(line, kw["fontsize"], weight)[1] for line in lines)
    n = len(lines)
    va = kw.get("va", "baseline")
    for k, line in enumerate(lines):
        if va == "top":
            offset = -k * pitch
        elif va == "bottom":
            offset = (n - 1 - k) * pitch
        else:
            offset = ((n - 1) / 2 - k) * pitch
        t = ax.text(x + offset * up[0], y + offset * up[1], line, **kw)
        setattr(t, AREA, area)
