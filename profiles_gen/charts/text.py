"""Text fitted to an area: measured with matplotlib's renderer, wrapped, shrunk to a floor."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import lru_cache

from profiles_gen.charts.style import AREA, mpl

MEASURE_DPI = 288  # text is measured at four times the points, where rounding is negligible


@lru_cache(maxsize=1)
def _scratch():
    fig = mpl().plt.figure(figsize=(1, 1), dpi=MEASURE_DPI)
    return fig, fig.canvas.get_renderer()


@lru_cache(maxsize=20000)
def _measure_line(text: str, size: float, weight: str) -> tuple[float, float]:
    fig, renderer = _scratch()
    t = mpl().Text(0, 0, text, fontsize=size, fontweight=weight)
    t.set_figure(fig)
    box = t.get_window_extent(renderer)
    return box.width * 72 / MEASURE_DPI, box.height * 72 / MEASURE_DPI


def measure(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in points of ``text`` set at ``size`` (its layout box, as drawn:
    every line as high as its highest, ``place_text``'s even leading)."""
    sizes = [_measure_line(line, size, weight) for line in text.split("\n")]
    return max(w for w, _ in sizes), len(sizes) * max(h for _, h in sizes)


def wrappings(text: str, max_lines: int):
    """``text`` on 1 to ``max_lines`` lines, each split the most balanced by length."""
    words = text.split()
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


VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûüýaеёиоуыэюяАЕЁИОУЫЭЮЯAEIOUY")


def _cut(word: str, parts: int) -> list[str]:
    """``word`` in ``parts`` pieces of about equal length, each cut after a vowel that a
    consonant follows where there is one near (a syllable's end, roughly)."""
    pieces, rest = [], word
    for left in range(parts, 1, -1):
        target = round(len(rest) / left)
        cuts = [
            i
            for i in range(2, len(rest) - 1)
            if rest[i - 1] in VOWELS and rest[i] not in VOWELS and rest[i].isalpha()
        ]
        near = [i for i in cuts if abs(i - target) <= 3]
        at = min(near, key=lambda i: abs(i - target)) if near else target
        pieces.append(rest[:at])
        rest = rest[at:]
    return [*pieces, rest]


def hyphenated_lines(text: str, max_lines: int):
    """Last resort: ``text`` cut inside its longest word, with a hyphen, on up to
    ``max_lines`` lines."""
    words = text.split()
    if not words:
        return
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    for parts in range(2, max_lines + 1):
        pieces = _cut(word, parts)
        head = [p + "-" for p in pieces[:-1]] + [pieces[-1]]
        lines = [*words[:longest], *head, *words[longest + 1 :]]
        if len(lines) <= max_lines:
            yield "\n".join(lines)
        else:
            return


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


def ellipsize(text: str, width: float, size: float, keep: str = "") -> str:
    """``text`` cut with an ellipsis to fit ``width`` at ``size``; ``keep`` (a suffix) stays."""
    if measure(text + keep, size)[0] <= width:
        return text + keep
    words = text.split()
    while words:
        words.pop()
        candidate = " ".join(words).rstrip(",;:–-") + "…" + keep
        if measure(candidate, size)[0] <= width:
            return candidate
    cut = text
    while cut:
        cut = cut[:-1]
        if measure(cut + "…" + keep, size)[0] <= width:
            return cut + "…" + keep
    return keep.strip(" –") if measure(keep.strip(" –"), size)[0] <= width else "…"


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
