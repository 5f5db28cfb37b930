"""Stage 4, chart: matplotlib figures as SVG, with text kept as text.

Every chart is drawn with the publication's fonts (shipped in
``profiles_gen/fonts``), labelled in the page's language, readable without
colour (band symbols and labels beside colours) and deterministic: no
dates, fixed ids, fixed hash salt. Drawn charts are cached under ``charts/`` in the
cache folder (``paths.cache_dir``: ``<out>/.cache`` during a build).

Charts are laid out in points on a figure as wide as the page's text column,
so that they print at the size they are drawn: every label is measured with
matplotlib's renderer and wrapped, shrunk to a floor or moved to where it
fits (``fit_text``), and records the area it must stay inside (``AREA``),
which the chart test checks in every language.

One builder per part of an edition (``wheel_spec``, ``band_counts_spec``,
``bars_spec``, ``sdg_spec``, ``progress_spec``) turns scored data into a
``Spec``: the chart's id, title, description, its data as a table, and the
arguments of its figure. ``draw`` renders a spec to a ``Chart`` through a
cache keyed by the spec and the style; ``figure`` gives the matplotlib
figure itself (for tests).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

from profiles_gen.paths import cache_dir
from profiles_gen.score import BAND_COLOURS, BAND_IDS, BAND_SYMBOLS, BAND_TEXT, INSUFFICIENT

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "Noto Sans"
INK = "#1B1B1B"
COVER_BLUE = "#0B3D66"  # the covers' blue (templates/css/print.css)
GRID = "#767676"
SDG_COLOURS = (
    "#E5243B",
    "#DDA63A",
    "#4C9F38",
    "#C5192D",
    "#FF3A21",
    "#26BDE2",
    "#FCC30B",
    "#A21942",
    "#FD6925",
    "#DD1367",
    "#FD9D24",
    "#BF8B2E",
    "#3F7E44",
    "#0A97D9",
    "#56C02B",
    "#00689D",
    "#19486A",
)
# The width of every chart, in points: 160 mm, within the PDF's text column (170 mm), so a
# chart is never scaled down in print and its type prints at the size it is set.
WIDTH = 453.6
LABEL = 7.0  # the size of row labels, values and legends (pt): never smaller
FLOOR = 5.5  # the smallest size a label inside the wheel or a tile may shrink to (pt)
PAD = 1.2  # the clearance between a label and the edge of its area (pt)
# Attribute set on every text artist: the patch it must stay inside (None: the figure).
AREA = "profiles_gen_area"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    # The chart's data as a table for readers who cannot see it: (headers, rows).
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] = ((), ())


@dataclass(frozen=True)
class Spec:
    """What a chart shows: its kind (a figure function), id, captions, data and arguments."""

    kind: str
    id: str
    title: str
    description: str
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
    args: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _mpl() -> SimpleNamespace:
    """matplotlib, imported and set up on first use (a build served from the cache never is)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.patches import Circle, Polygon, Rectangle, Wedge
    from matplotlib.text import Text

    for font in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    matplotlib.rcParams.update(
        {
            "font.family": [FONT_FAMILY, "DejaVu Sans"],
            "font.size": LABEL,
            "svg.fonttype": "none",
            "svg.hashsalt": "profiles-gen",
            "svg.id": None,
            "text.color": INK,
            "path.simplify": False,
            # Metrics as a PDF or a browser sets the SVG's text: unhinted.
            "text.hinting": "no_hinting",
            "text.usetex": False,  # text from a city folder is text: no TeX, no
            "text.parse_math": False,  # mathtext, so "$" is a dollar sign
        }
    )
    return SimpleNamespace(
        plt=plt, Rectangle=Rectangle, Wedge=Wedge, Circle=Circle, Polygon=Polygon, Text=Text
    )


CACHE_DIR: Path | None = None  # None: ``charts/`` in the cache folder (``paths.cache_dir``)


@lru_cache(maxsize=1)
def _style_key() -> str:
    """What a chart's look depends on besides its arguments: this module, matplotlib, fonts."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(version("matplotlib").encode())
    for font in sorted(FONT_DIR.glob("*.ttf")):
        h.update(font.name.encode())
    return h.hexdigest()


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def draw(spec: Spec) -> Chart:
    """The chart of ``spec`` as accessible SVG, cached by the hash of the spec and the style
    (``charts/`` in the cache folder): the entry holds the whole chart, data included."""
    key = hashlib.sha256(f"{_style_key()}{spec!r}".encode()).hexdigest()
    path = (CACHE_DIR or cache_dir() / "charts") / key[:2] / f"{key}.json"
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return Chart(**{**stored, "data": _tuples(stored["data"])})
        except (ValueError, TypeError, KeyError):
            pass  # a damaged entry is drawn again and replaced
    svg = _svg(figure(spec), spec.id)
    chart = Chart(
        spec.id,
        spec.title,
        spec.description,
        _accessible(svg, spec.id, spec.title, spec.description),
        spec.data,
    )
    from profiles_gen.publish import atomic_write

    atomic_write(path, json.dumps(chart.__dict__, ensure_ascii=False))
    return chart


def figure(spec: Spec):
    """The matplotlib figure of ``spec`` (each text artist carries its ``AREA``)."""
    return FIGURES[spec.kind](**spec.args)


def _hatch_insufficient(fig) -> None:
    """Roll-ups with too few KPIs scored: neutral hatching over their neutral fill (issue 16),
    wherever a chart draws them (wheel segments, chips, tiles, legend)."""
    from matplotlib.colors import to_hex

    neutral = BAND_COLOURS[INSUFFICIENT].lower()
    for ax in fig.axes:
        for patch in ax.patches:
            if to_hex(patch.get_facecolor()).lower() == neutral:
                patch.set_hatch("//")
                patch.set_edgecolor(GRID)


def _svg(fig, chart_id: str) -> str:
    m = _mpl()
    _hatch_insufficient(fig)
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        bbox_inches="tight",
        pad_inches=0.02,
    )
    m.plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE
    # Prefix ids so several charts can be inline in one page without clashes.
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    # Presentation attributes instead of style attributes: the same rendering in
    # browsers and WeasyPrint, and no CSS for an HTML style parser to trip over.
    return _STYLE_RE.sub(_style_to_attributes, svg)


_STYLE_RE = re.compile(r' style="([^"]*)"')


def _style_to_attributes(match: re.Match) -> str:
    attrs = []
    for declaration in match.group(1).split(";"):
        if ":" in declaration:
            name, value = (part.strip() for part in declaration.split(":", 1))
            attrs.append(f' {name}="{value}"')
    return "".join(attrs)


def _accessible(svg: str, chart_id: str, title: str, desc: str) -> str:
    from html import escape

    head = f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
    svg = svg.replace("<svg ", head, 1)
    pos = svg.index(">", svg.index("<svg")) + 1
    return (
        svg[:pos] + f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + svg[pos:]
    )


# --- measuring and fitting text ----------------------------------------------------


MEASURE_DPI = 288  # text is measured at four times the points, where rounding is negligible


@lru_cache(maxsize=1)
def _scratch():
    fig = _mpl().plt.figure(figsize=(1, 1), dpi=MEASURE_DPI)
    return fig, fig.canvas.get_renderer()


@lru_cache(maxsize=20000)
def _measure_line(text: str, size: float, weight: str) -> tuple[float, float]:
    fig, renderer = _scratch()
    t = _mpl().Text(0, 0, text, fontsize=size, fontweight=weight)
    t.set_figure(fig)
    box = t.get_window_extent(renderer)
    return box.width * 72 / MEASURE_DPI, box.height * 72 / MEASURE_DPI


def measure(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in points of ``text`` set at ``size`` (its layout box, as drawn:
    every line as high as its highest, ``_text``'s even leading)."""
    sizes = [_measure_line(line, size, weight) for line in text.split("\n")]
    return max(w for w, _ in sizes), len(sizes) * max(h for _, h in sizes)


def _wrappings(text: str, max_lines: int):
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


def _broken(text: str, max_lines: int):
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
        for candidate in _wrappings(text, max_lines):
            if fits(*measure(candidate, s, weight)):
                return candidate, s
        s = round(s - 0.25, 2)
    for candidate in _broken(text, max_lines):
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


def _text(ax, x, y, s, area=None, **kw):
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


def _canvas(height: float):
    """A figure ``WIDTH`` by ``height`` points and an axes over all of it, in points."""
    m = _mpl()
    fig = m.plt.figure(figsize=(WIDTH / 72, height / 72), dpi=72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def _chip(ax, band: str, x: float, y: float, size: float = LABEL) -> float:
    """The band's symbol in a small box of the band's colour, centred on ``y``; its width."""
    w, h = measure("4", size, "bold")
    box = _mpl().Rectangle(
        (x, y - h / 2), w + 4, h, facecolor=BAND_COLOURS[band], edgecolor=GRID, linewidth=0.4
    )
    ax.add_patch(box)
    _text(
        ax,
        x + (w + 4) / 2,
        y,
        BAND_SYMBOLS[band],
        area=box,
        ha="center",
        va="center",
        fontsize=size,
        fontweight="bold",
        color=BAND_TEXT[band],
    )
    return w + 4


def _legend_height(entries: list[tuple[str, str]], columns: int = 2) -> tuple[list, float]:
    """Fit each band label into its column; the fitted labels and the legend's height."""
    col = WIDTH / columns
    chip = measure("4", LABEL, "bold")[0] + 4
    fitted = [
        fit_text(label, lambda w, h: w <= col - chip - 10, LABEL, LABEL, 2) or (label, LABEL)
        for _, label in entries
    ]
    rows = [fitted[i : i + columns] for i in range(0, len(fitted), columns)]
    heights = [max(measure(t, s)[1] for t, s in row) + 3 for row in rows]
    return fitted, sum(heights)


def _legend(ax, entries: list[tuple[str, str]], top: float, columns: int = 2) -> None:
    """Band chips with their labels, in ``columns`` columns, from ``top`` down."""
    fitted, _ = _legend_height(entries, columns)
    col = WIDTH / columns
    y = top
    for i in range(0, len(entries), columns):
        row = list(zip(entries[i : i + columns], fitted[i : i + columns], strict=True))
        h = max(measure(t, s)[1] for _, (t, s) in row) + 3
        for c, ((band, _), (label, size)) in enumerate(row):
            x = c * col + 2
            width = _chip(ax, band, x, y - h / 2)
            _text(ax, x + width + 4, y - h / 2, label, ha="left", va="center", fontsize=size)
        y -= h


# --- the benchmarking wheel ------------------------------------------------------

WHEEL_RADIUS = 168.0  # pt
WHEEL_MARGIN = 70.0  # room around the wheel for the category labels set outside it


def _sector_fit(r0, r1, a0, a1, outside_limit=None):
    """Placements of a label in the ring sector r0–r1, a0–a1 (degrees): a function of the
    text's width and height giving (radius of its centre, orientation) or None."""
    sweep = math.radians(min(a1 - a0, 170.0))
    half = sweep / 2

    def tangential(w, h):
        r_in = max(r0 + PAD, (PAD + (w / 2) * math.cos(half)) / math.sin(half))
        r_out = r_in + h
        if math.hypot(r_out, w / 2) <= r1 - PAD:
            return (r_in + (r1 - PAD - math.hypot(r_out, w / 2)) / 2 + h / 2, "tangential")
        return None

    def radial(w, h):
        r_in = max(r0 + PAD, (PAD + (h / 2) * math.cos(half)) / math.sin(half))
        limit = r1 - PAD if outside_limit is None else outside_limit
        r_out = math.hypot(r_in + w, h / 2)
        if r_out <= limit:
            if outside_limit is not None:  # outside the wheel: start next to it
                return r_in + w / 2, "radial"
            return (r_in + (limit - r_out) / 2 + w / 2, "radial")
        return None

    return tangential, radial


def _place_in_sector(label, size, floor, r0, r1, a0, a1, weight="normal", max_lines=3):
    """The best (text, size, radius, orientation) for ``label`` in the sector, or None."""
    tangential, radial = _sector_fit(r0, r1, a0, a1)
    s = size
    while s >= floor - 1e-6:
        for orient in (tangential, radial):
            for candidate in _wrappings(label, max_lines):
                placed = orient(*measure(candidate, s, weight))
                if placed:
                    return candidate, s, *placed
        s = round(s - 0.25, 2)
    for orient in (radial, tangential):  # last resort: a long word cut, with a hyphen
        for candidate in _broken(label, max_lines):
            placed = orient(*measure(candidate, floor, weight))
            if placed:
                return candidate, floor, *placed
    return None


def _rotation(angle: float, orientation: str) -> float:
    """The upright rotation of a label at ``angle`` (degrees) set along or across the radius."""
    rot = angle - 90 if orientation == "tangential" else angle
    rot = (rot + 180) % 360 - 180
    if rot > 90:
        rot -= 180
    elif rot <= -90:
        rot += 180
    return rot


def wheel_figure(rings: tuple, kpis: tuple, centre: str, legend: tuple[tuple[str, str], ...]):
    """The U4SSC wheel: ``rings`` (dimensions, sub-dimensions, categories) inner to outer,
    each a tuple of (label, band, number of KPIs); ``kpis``: per KPI, the bands of its data
    points (one segment each, its data points stacked across the ring); ``centre``: the city.

    Labels are fitted into their segments (along or across the ring, wrapped, shrunk to
    ``FLOOR``); a category label that does not fit is set outside the wheel on its radius.
    """
    m = _mpl()
    radius, margin = WHEEL_RADIUS, WHEEL_MARGIN
    bounds = [(0.21, 0.37), (0.37, 0.57), (0.57, 0.90), (0.90, 1.0)]
    _, legend_h = _legend_height(list(legend))
    height = legend_h + 14 + 2 * (radius + margin)
    fig, ax = _canvas(height)
    cx, cy = WIDTH / 2, legend_h + 14 + margin + radius
    total = sum(w for _, _, w in rings[0])
    for level, (ring, (f0, f1)) in enumerate(zip(rings, bounds, strict=False)):
        r0, r1 = f0 * radius, f1 * radius
        start = 90.0
        for label, band, width in ring:
            sweep = 360.0 * width / total
            wedge = m.Wedge(
                (cx, cy),
                r1,
                start - sweep,
                start,
                width=r1 - r0,
                facecolor=BAND_COLOURS[band],
                edgecolor="white",
                linewidth=1.0 if level < 2 else 0.8,
            )
            ax.add_patch(wedge)
            if band == "no_data":
                _no_data_outline(ax, cx, cy, r0, r1, start - sweep, start)
            size = 8.5 if level == 0 else 7.0
            _wheel_label(
                ax, wedge, label, band, size, (r0, r1), (start - sweep, start), (cx, cy), level
            )
            start -= sweep
    _kpi_ring(ax, kpis, cx, cy, bounds[3][0] * radius, radius)
    hole = bounds[0][0] * radius
    disc = m.Circle((cx, cy), hole - 0.5, facecolor="none", edgecolor="none")
    ax.add_patch(disc)
    placed = fit_text(
        centre,
        lambda w, h: math.hypot(w / 2, h / 2) <= hole - PAD - 1,
        11,
        6,
        2,
        "bold",
    )
    text, size = placed or (centre, 6)
    _text(ax, cx, cy, text, area=disc, ha="center", va="center", fontsize=size, fontweight="bold")
    _legend(ax, list(legend), legend_h + 2)
    return fig


def _no_data_outline(ax, cx, cy, r0, r1, a0, a1) -> None:
    ax.add_patch(
        _mpl().Wedge(
            (cx, cy),
            r1 - 1,
            a0 + 0.4,
            a1 - 0.4,
            width=r1 - r0 - 2,
            facecolor="none",
            edgecolor=GRID,
            linewidth=0.4,
        )
    )


def _wheel_label(ax, wedge, label, band, size, ring, bounds, centre, level) -> None:
    """A segment's label inside it; a category's that does not fit, outside the wheel."""
    (r0, r1), (a0, a1), (cx, cy) = ring, bounds, centre
    mid = (a0 + a1) / 2
    rad = math.radians(mid)
    weight = "bold" if level == 0 else "normal"
    found = _place_in_sector(label, size, FLOOR, r0, r1, a0, a1, weight)
    area, colour = wedge, BAND_TEXT[band]
    if found is None and level == 2:
        found = _place_outside(label, size, a0, a1, cx, cy)
        area, colour = None, INK
        if found is not None:  # a short leader from the wheel's rim
            rim = WHEEL_RADIUS
            ax.plot(
                [cx + (rim + 0.8) * math.cos(rad), cx + (rim + 4) * math.cos(rad)],
                [cy + (rim + 0.8) * math.sin(rad), cy + (rim + 4) * math.sin(rad)],
                color=INK,
                linewidth=0.6,
            )
    if found is None:
        return  # the data table and the ring's colour still give it
    text, s, r, orient = found
    _text(
        ax,
        cx + r * math.cos(rad),
        cy + r * math.sin(rad),
        text,
        area=area,
        ha="center",
        va="center",
        rotation=_rotation(mid, orient),
        rotation_mode="anchor",
        fontsize=s,
        color=colour,
        fontweight=weight,
    )


def _place_outside(label, size, a0, a1, cx, cy):
    """A label set outside the wheel along its segment's radius, within the figure."""
    rad = math.radians((a0 + a1) / 2)
    c = abs(math.cos(rad))
    to_edge = (cx - 3) / c if c > 1e-9 else math.inf  # the figure's side
    r_in = WHEEL_RADIUS + 6
    limit = min(to_edge, WHEEL_RADIUS + WHEEL_MARGIN - 2)
    half = math.radians(max(a1 - a0, 4.0)) / 2
    size_ = size
    while size_ >= FLOOR - 1e-6:
        for candidate in _wrappings(label, 2):
            w, h = measure(candidate, size_)
            if r_in + w <= limit and h / 2 <= (r_in + 2) * math.sin(half * 2.2):
                return candidate, size_, r_in + w / 2, "radial"
        size_ = round(size_ - 0.25, 2)
    return None


def _kpi_segment(ax, bands, cx, cy, r0, r1, a0, a1, edge: str, linewidth: float) -> None:
    """One KPI's segment of the outer ring: its data points' bands stacked across it."""
    m = _mpl()
    step = (r1 - r0) / len(bands)
    for n, band in enumerate(bands):
        ax.add_patch(
            m.Wedge(
                (cx, cy),
                r0 + step * (n + 1),
                a0,
                a1,
                width=step,
                facecolor=BAND_COLOURS[band],
                edgecolor=edge,
                linewidth=linewidth,
            )
        )


def _kpi_ring(ax, kpis, cx, cy, r0, r1) -> None:
    """One segment per KPI; a KPI's data points are stacked across the ring inside it."""
    m = _mpl()
    sweep = 360.0 / len(kpis)
    start = 90.0
    for bands in kpis:
        _kpi_segment(ax, bands, cx, cy, r0, r1, start - sweep, start, "white", 0.25)
        segment = m.Wedge(
            (cx, cy),
            r1,
            start - sweep,
            start,
            width=r1 - r0,
            facecolor="none",
            edgecolor="white",
            linewidth=0.8,
        )
        ax.add_patch(segment)
        if len(bands) == 1:
            mid = math.radians(start - sweep / 2)
            tangential, _ = _sector_fit(r0, r1, start - sweep, start)
            if tangential(*measure(BAND_SYMBOLS[bands[0]], FLOOR)):
                r = (r0 + r1) / 2
                _text(
                    ax,
                    cx + r * math.cos(mid),
                    cy + r * math.sin(mid),
                    BAND_SYMBOLS[bands[0]],
                    area=segment,
                    ha="center",
                    va="center",
                    rotation=_rotation(math.degrees(mid), "tangential"),
                    rotation_mode="anchor",
                    fontsize=FLOOR,
                    color=BAND_TEXT[bands[0]],
                )
        start -= sweep


def cover_figure(rings: tuple, kpis: tuple, edge: str):
    """The city's wheel as the cover's picture: its rings and KPIs in their bands' colours,
    without a word (the cover's title block says what it is)."""
    m = _mpl()
    radius = WIDTH / 2 - 2
    fig, ax = _canvas(WIDTH)
    fig.patch.set_visible(False)  # the cover's blue shows around and inside the wheel
    cx = cy = WIDTH / 2
    total = sum(w for _, _, w in rings[0])
    bounds = [(0.16, 0.36), (0.36, 0.56), (0.56, 0.84)]
    for ring, (f0, f1) in zip(rings, bounds, strict=False):
        start = 90.0
        for _, band, width in ring:
            sweep = 360.0 * width / total
            ax.add_patch(
                m.Wedge(
                    (cx, cy),
                    f1 * radius,
                    start - sweep,
                    start,
                    width=(f1 - f0) * radius,
                    facecolor=BAND_COLOURS[band],
                    edgecolor=edge,
                    linewidth=2.0,
                )
            )
            start -= sweep
    sweep, start = 360.0 / len(kpis), 90.0
    r0 = 0.84 * radius
    for bands in kpis:
        _kpi_segment(ax, bands, cx, cy, r0, radius, start - sweep, start, edge, 1.0)
        start -= sweep
    return fig


# --- rows of bars: achievement, progress, cities ---------------------------------

LABEL_RIGHT = 188.0  # right edge of the row labels
PLOT = (196.0, 356.0)  # the x of 0 and of 100 per cent (the target)
VALUE_X = 364.0  # where the band chip and the value start
PITCH = 10.5  # row pitch (pt)


def _row_label(label: tuple[str, str], width: float = LABEL_RIGHT - 2) -> str:
    """A row label cut to ``width``: (text, suffix) with the suffix (a data point) kept."""
    text, keep = label
    if keep and measure(keep, LABEL)[0] > width * 0.6:
        keep = " – " + ellipsize(keep.removeprefix(" – "), width * 0.6, LABEL)
    return ellipsize(text, width, LABEL, keep)


def _value_text(text: str, x: float) -> tuple[str, float]:
    room = WIDTH - x - 2
    found = fit_text(text, lambda w, h: w <= room, LABEL, 6.0, 1)
    return found or (ellipsize(text, room, 6.0), 6.0)


def _x_of(share: float) -> float:
    return PLOT[0] + (PLOT[1] - PLOT[0]) * share


def _share_axis(ax, y: float, ticks: tuple[str, ...], at: tuple[float, ...], label: str) -> None:
    """The base line, ticks and their labels below ``y``, and the axis title under them."""
    ax.plot([PLOT[0], _x_of(1.2)], [y, y], color=GRID, linewidth=0.6)
    for value, text in zip(at, ticks, strict=True):
        ax.plot([_x_of(value)] * 2, [y, y - 2.5], color=GRID, linewidth=0.6)
        _text(ax, _x_of(value), y - 3.5, text, ha="center", va="top", fontsize=LABEL)
    _axis_title(ax, label, (PLOT[0] + _x_of(1.2)) / 2, y - 16)


def _axis_title(ax, label: str, centre: float, top: float) -> None:
    found = fit_text(label, lambda w, h: w <= WIDTH - 4, LABEL, LABEL, 2) or (label, LABEL)
    text, size = found
    w = measure(text, size)[0]
    x = min(max(centre, w / 2 + 2), WIDTH - w / 2 - 2)
    _text(ax, x, top, text, ha="center", va="top", fontsize=size)


def _rows_height(n: int) -> float:
    return 14 + PITCH * max(n, 1) + 34


def bars_figure(rows: tuple, axis_label: str, target_label: str, ticks: tuple[str, ...]):
    """Achievement bars: rows of ((label, data point suffix), capped share or None, band,
    value text); the band's symbol in a chip apart from the value, right of the target."""
    height = _rows_height(len(rows))
    fig, ax = _canvas(height)
    top = height - 14
    for n, (label, share, band, text) in enumerate(rows):
        y = top - PITCH * (n + 0.5)
        _bar(ax, y, label, share, band, text)
    base = top - PITCH * len(rows) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    _text(ax, PLOT[1], top + 2, target_label, ha="center", va="bottom", fontsize=LABEL)
    _share_axis(ax, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


def _bar(ax, y: float, label, share, band: str, text: str, bold: bool = False) -> None:
    if share is not None:
        ax.add_patch(
            _mpl().Rectangle(
                (PLOT[0], y - 3.6),
                max(_x_of(share) - PLOT[0], 0.6),
                7.2,
                facecolor=BAND_COLOURS[band],
                edgecolor=GRID if band == "no_data" else "none",
                linewidth=0.5,
            )
        )
    _text(
        ax,
        LABEL_RIGHT,
        y,
        _row_label(label),
        ha="right",
        va="center",
        fontsize=LABEL,
        fontweight="bold" if bold else "normal",
    )
    width = _chip(ax, band, VALUE_X, y)
    value, size = _value_text(text, VALUE_X + width + 3)
    _text(ax, VALUE_X + width + 3, y, value, ha="left", va="center", fontsize=size)


def progress_figure(rows: tuple, axis_label: str, years: tuple[str, str], ticks: tuple[str, ...]):
    """Dumbbells: per row ((label, suffix), previous share, current share, band, move)."""
    m = _mpl()
    height = _rows_height(len(rows)) + 6
    fig, ax = _canvas(height)
    top = height - 20
    for n, (label, before, now, band, text) in enumerate(rows):
        y = top - PITCH * (n + 0.5)
        ax.plot([_x_of(before), _x_of(now)], [y, y], color=GRID, linewidth=1.0, zorder=1)
        ax.scatter([_x_of(before)], [y], s=14, facecolor="white", edgecolor=INK, linewidth=0.7)
        ax.scatter(
            [_x_of(now)],
            [y],
            s=20,
            facecolor=BAND_COLOURS[band],
            edgecolor=INK,
            linewidth=0.7,
            zorder=3,
        )
        _text(ax, LABEL_RIGHT, y, _row_label(label), ha="right", va="center", fontsize=LABEL)
        value, size = _value_text(text, VALUE_X)
        _text(ax, VALUE_X, y, value, ha="left", va="center", fontsize=size)
    base = top - PITCH * max(len(rows), 1) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    x = PLOT[0]
    for year, face, s in ((years[0], "white", 14), (years[1], GRID, 20)):
        ax.scatter([x + 3], [height - 8], s=s, facecolor=face, edgecolor=INK, linewidth=0.7)
        _text(ax, x + 9, height - 8, year, ha="left", va="center", fontsize=LABEL)
        x += 18 + measure(year, LABEL)[0]
    _share_axis(ax, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    del m
    return fig


def city_bars_figure(groups: tuple, axis_label: str, ticks: tuple[str, ...]):
    """Per group (a dimension, as a heading row), one bar per city: (city, share, band, text)."""
    rows = []
    for label, bars in groups:
        rows.append((True, label, None, "no_data", ""))
        rows.extend((False, city, share, band, text) for city, share, band, text in bars)
    height = _rows_height(len(rows))
    fig, ax = _canvas(height)
    top = height - 14
    for n, (heading, label, share, band, text) in enumerate(rows):
        y = top - PITCH * (n + 0.5)
        if heading:
            text_, size = fit_text(label, lambda w, h: w <= WIDTH - 4, LABEL, LABEL, 1) or (
                ellipsize(label, WIDTH - 4, LABEL),
                LABEL,
            )
            _text(ax, 2, y, text_, ha="left", va="center", fontsize=size, fontweight="bold")
            continue
        _bar(ax, y, (label, ""), share, band, text)
    base = top - PITCH * len(rows) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    _share_axis(ax, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


# --- band counts -------------------------------------------------------------------


def _nice_ticks(top: int) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 6:
            return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))
    return [0, top]


def band_counts_figure(groups: tuple, legend: tuple, axis_label: str):
    """Stacked bars: per group (label, ((band, count), …)), the number of items in each band."""
    m = _mpl()
    label_w, x0, x1, pitch = 120.0, 128.0, WIDTH - 12, 24.0
    _, legend_h = _legend_height(list(legend))
    height = legend_h + 40 + pitch * len(groups) + 6
    fig, ax = _canvas(height)
    most = max((sum(n for _, n in counts) for _, counts in groups), default=1) or 1
    ticks = _nice_ticks(most)
    scale = (x1 - x0) / max(ticks[-1], most)
    top = height - 4
    for row, (label, counts) in enumerate(groups):
        y = top - pitch * (row + 0.5)
        text, size = fit_text(label, lambda w, h: w <= label_w and h <= pitch, LABEL, LABEL, 2) or (
            ellipsize(label, label_w, LABEL),
            LABEL,
        )
        _text(ax, x0 - 6, y, text, ha="right", va="center", fontsize=size)
        left = x0
        for band, n in counts:
            if not n:
                continue
            box = m.Rectangle(
                (left, y - 8),
                n * scale,
                16,
                facecolor=BAND_COLOURS[band],
                edgecolor=GRID,
                linewidth=0.4,
            )
            ax.add_patch(box)
            w, h = measure(str(n), LABEL)
            if w <= n * scale - 2:
                _text(
                    ax,
                    left + n * scale / 2,
                    y,
                    str(n),
                    area=box,
                    ha="center",
                    va="center",
                    fontsize=LABEL,
                    color=BAND_TEXT[band],
                )
            left += n * scale
    base = top - pitch * len(groups) - 2
    ax.plot([x0, x1], [base, base], color=GRID, linewidth=0.6)
    for t in ticks:
        ax.plot([x0 + t * scale] * 2, [base, base - 2.5], color=GRID, linewidth=0.6)
        _text(ax, x0 + t * scale, base - 3.5, str(t), ha="center", va="top", fontsize=LABEL)
    _axis_title(ax, axis_label, (x0 + x1) / 2, base - 16)
    _legend(ax, list(legend), legend_h + 2)
    return fig


# --- SDG tiles -----------------------------------------------------------------------


def sdg_figure(tiles: tuple):
    """The 17 SDG tiles: (goal, name, band, band text) each, six to a row; the goal's name
    wrapped inside its tile, the band's symbol in a chip apart from its share."""
    m = _mpl()
    cols, gap = 6, 5.0
    tile_w = (WIDTH - (cols - 1) * gap) / cols
    tile_h, name_top, chip_h = 92.0, 24.0, 15.0
    rows = math.ceil(len(tiles) / cols)
    height = rows * tile_h + (rows - 1) * gap
    fig, ax = _canvas(height)
    for n, (goal, name, band, band_text) in enumerate(tiles):
        col, row = n % cols, n // cols
        x, y = col * (tile_w + gap), height - row * (tile_h + gap) - tile_h
        tile = m.Rectangle(
            (x, y), tile_w, tile_h, facecolor=SDG_COLOURS[goal - 1], edgecolor="none"
        )
        ax.add_patch(tile)
        _text(
            ax,
            x + 4,
            y + tile_h - 3,
            str(goal),
            area=tile,
            ha="left",
            va="top",
            fontsize=13,
            fontweight="bold",
            color="white",
        )
        room_h = tile_h - name_top - chip_h - 6
        found = fit_text(
            name,
            lambda w, h, room_h=room_h: w <= tile_w - 8 and h <= room_h,
            LABEL,
            FLOOR,
            4,
            "bold",
        )
        if found:
            text, size = found
            _text(
                ax,
                x + 4,
                y + tile_h - name_top,
                text,
                area=tile,
                ha="left",
                va="top",
                fontsize=size,
                fontweight="bold",
                color="white",
            )
        strip = m.Rectangle(
            (x + 2, y + 2),
            tile_w - 4,
            chip_h,
            facecolor=BAND_COLOURS[band],
            edgecolor=GRID,
            linewidth=0.4,
        )
        ax.add_patch(strip)
        w = _chip(ax, band, x + 4, y + 2 + chip_h / 2)
        room = tile_w - 4 - w - 6
        value = fit_text(
            band_text, lambda w_, h, room=room: w_ <= room and h <= chip_h, LABEL, FLOOR, 1
        )
        text, size = value or (ellipsize(band_text, room, FLOOR), FLOOR)
        _text(
            ax,
            x + tile_w - 4,
            y + 2 + chip_h / 2,
            text,
            area=strip,
            ha="right",
            va="center",
            fontsize=size,
            color=BAND_TEXT[band],
        )
    return fig


FIGURES = {
    "wheel": wheel_figure,
    "cover": cover_figure,
    "bars": bars_figure,
    "band-counts": band_counts_figure,
    "sdg": sdg_figure,
    "progress": progress_figure,
    "city-bars": city_bars_figure,
}


# --- the builders: one per part of an edition --------------------------------------


def _ticks(fmt) -> tuple[str, ...]:
    return tuple(fmt.percent(v) for v in (0, 33, 66, 100))


def _legend_entries(fmt) -> tuple[tuple[str, str], ...]:
    from profiles_gen import vocabulary as vocab

    return tuple((b, vocab.band_short(fmt, b)) for b in BAND_IDS)


def _kpi_label(fmt, kpi, data_point: str | None) -> tuple[str, str]:
    """A KPI's row label: (code and name, " – data point" or "")."""
    text = kpi.id.split("-", 2)[2] + " " + fmt.kpi_name(kpi)
    return text, (f" – {fmt.data_point_name(kpi, data_point)}" if data_point else "")


def wheel_spec(city, catalogue, score, fmt) -> Spec:
    """The benchmarking wheel: dimensions, sub-dimensions, categories, then the KPIs."""
    from profiles_gen import vocabulary as vocab

    roll = score.rollups
    dims, subs, cats, kpis = [], [], [], []
    for dim in catalogue.dimensions:
        n = sum(1 for k in catalogue.kpis if k.dimension == dim.id)
        dims.append((fmt.group_name("dimension", dim), roll["dimension"][dim.id].band, n))
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            n = sum(1 for k in catalogue.kpis if k.subdimension == sub.id)
            if not n:
                continue
            subs.append((fmt.group_name("subdimension", sub), roll["subdimension"][sub.id].band, n))
            for cat in (c for c in catalogue.categories if c.parent == sub.id):
                cat_kpis = [k for k in catalogue.kpis if k.category == cat.id]
                if not cat_kpis:
                    continue
                cats.append(
                    (fmt.group_name("category", cat), roll["category"][cat.id].band, len(cat_kpis))
                )
                kpis += [tuple(i.band for i in score.for_kpi(k.id)) for k in cat_kpis]
    level = fmt.gettext("Dimension / sub-dimension / category")
    return Spec(
        "wheel",
        "wheel",
        fmt.gettext("The U4SSC benchmarking wheel"),
        fmt.gettext(
            "Dimensions (inner ring), sub-dimensions, categories and KPIs (outer ring, a KPI's "
            "data points stacked in its segment), each coloured by its band; the tables of "
            "this chapter give the same data."
        ),
        (
            (level, fmt.pgettext("result band", "Result")),
            tuple((label, vocab.band_short(fmt, band)) for label, band, _ in dims + subs + cats),
        ),
        {
            "rings": (tuple(dims), tuple(subs), tuple(cats)),
            "kpis": tuple(kpis),
            "centre": city.name.get(fmt.lang, city.name["en"]),
            "legend": _legend_entries(fmt)
            + (
                ((INSUFFICIENT, vocab.band_short(fmt, INSUFFICIENT)),)
                if any(band == INSUFFICIENT for _, band, _ in dims + subs + cats)
                else ()
            ),
        },
    )


def cover_spec(wheel: Spec) -> Spec:
    """The cover's picture: the city's wheel without its words, on the cover's blue."""
    return Spec(
        "cover",
        "cover",
        wheel.title,
        wheel.description,
        wheel.data,
        {"rings": wheel.args["rings"], "kpis": wheel.args["kpis"], "edge": COVER_BLUE},
    )


def band_counts_spec(catalogue, score, fmt) -> Spec:
    """Per dimension, the number of KPIs and data points in each band."""
    from profiles_gen import vocabulary as vocab

    groups = tuple(
        (
            fmt.group_name("dimension", d),
            tuple(
                (
                    b,
                    sum(
                        1
                        for i in score.items
                        if catalogue.by_id[i.kpi].dimension == d.id and i.band == b
                    ),
                )
                for b in BAND_IDS
            ),
        )
        for d in catalogue.dimensions
    )
    return Spec(
        "band-counts",
        "bands",
        fmt.gettext("KPI results by band and dimension"),
        fmt.gettext("Number of KPIs and data points in each band, per dimension."),
        (
            (fmt.gettext("Dimension"), *(vocab.band_short(fmt, b) for b in BAND_IDS)),
            tuple((label, *(str(n) for _, n in counts)) for label, counts in groups),
        ),
        {
            "groups": groups,
            "legend": _legend_entries(fmt),
            "axis_label": fmt.gettext("Number of KPIs and data points"),
        },
    )


def bars_spec(catalogue, score, fmt, dim) -> Spec:
    """The target achievement of each KPI and data point of one dimension."""
    from profiles_gen import vocabulary as vocab

    rows = []
    for item in score.items:
        kpi = catalogue.by_id[item.kpi]
        if kpi.dimension != dim.id:
            continue
        text = (
            fmt.percent(item.achievement, 0, fraction=True)
            if item.achievement is not None
            else vocab.band_short(fmt, item.band)
        )
        share = float(item.achievement) if item.achievement is not None else None
        rows.append((_kpi_label(fmt, kpi, item.data_point), share, item.band, text))
    dim_name = fmt.group_name("dimension", dim)
    return Spec(
        "bars",
        f"bars-{dim.id}",
        fmt.gettext("Target achievement of the %(dimension)s KPIs") % {"dimension": dim_name},
        fmt.gettext(
            "Achievement of each KPI or data point against its target, capped at 100 per "
            "cent, with its band; KPIs without a target or value are listed with no bar."
        ),
        (
            (fmt.gettext("KPI"), fmt.gettext("Achievement"), fmt.pgettext("result band", "Result")),
            tuple(
                (
                    "".join(label),
                    text if share is not None else "–",
                    vocab.band_short(fmt, band),
                )
                for label, share, band, text in rows
            ),
        ),
        {
            "rows": tuple(rows),
            "axis_label": fmt.gettext("Target achievement, capped at 100 per cent"),
            "target_label": fmt.pgettext("target value", "target"),
            "ticks": _ticks(fmt),
        },
    )


def sdg_spec(score, fmt) -> Spec:
    """The 17 SDG tiles, each with the band of its KPIs and its share of points."""
    from profiles_gen import vocabulary as vocab

    roll = score.rollups["sdg"]
    tiles = tuple(
        (
            n,
            vocab.sdg_name(fmt, n),
            roll[str(n)].band,
            fmt.percent(roll[str(n)].share, 0, fraction=True)
            if roll[str(n)].share is not None
            else vocab.band_short(fmt, "no_data"),
        )
        for n in range(1, 18)
    )
    return Spec(
        "sdg",
        "sdg",
        fmt.gettext("Results by Sustainable Development Goal"),
        fmt.gettext(
            "The 17 SDGs in their official colours, each with the band of the KPIs linked to it "
            "and its share of points."
        ),
        (
            (
                fmt.pgettext("SDG", "Goal"),
                fmt.pgettext("result band", "Result"),
                fmt.gettext("Points"),
            ),
            tuple(
                (f"{n}. {label}", vocab.band_short(fmt, band), share)
                for n, label, band, share in tiles
            ),
        ),
        {"tiles": tiles},
    )


def progress_spec(catalogue, progress, fmt, dim) -> Spec:
    """One dimension's comparable KPIs: achievement then and now."""
    from profiles_gen import vocabulary as vocab

    then, now = str(progress.previous_year), str(progress.current_year)
    rows = []
    for c in progress.for_dimension(catalogue, dim.id):
        if c.move is None:
            continue
        kpi = catalogue.by_id[c.kpi]
        text = f"{BAND_SYMBOLS[c.previous.band]} → {BAND_SYMBOLS[c.current.band]}"
        rows.append(
            (
                _kpi_label(fmt, kpi, c.data_point),
                float(c.previous.achievement),
                float(c.current.achievement),
                c.current.band,
                text,
            )
        )
    dim_name = fmt.group_name("dimension", dim)
    return Spec(
        "progress",
        f"progress-{dim.id}",
        fmt.gettext("%(dimension)s: target achievement in %(then)s and %(now)s")
        % {"dimension": dim_name, "then": then, "now": now},
        fmt.gettext(
            "For each KPI scored in both evaluations against the same target and "
            "definition, the achievement then (open circle) and now (filled circle, in the "
            "colour of its band), capped at 100 per cent, with the band symbols then and now."
        ),
        (
            (fmt.gettext("KPI"), then, now, fmt.pgettext("result band", "Result")),
            tuple(
                (
                    "".join(label),
                    fmt.percent(before * 100),
                    fmt.percent(after * 100),
                    f"{vocab.band_short(fmt, band)} ({text})",
                )
                for label, before, after, band, text in rows
            ),
        ),
        {
            "rows": tuple(rows),
            "axis_label": fmt.gettext("Target achievement, capped at 100 per cent"),
            "years": (then, now),
            "ticks": _ticks(fmt),
        },
    )


def chart_specs(city, catalogue, score, fmt, progress=None) -> dict[str, Spec]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language."""
    wheel = wheel_spec(city, catalogue, score, fmt)
    specs = {
        "wheel": wheel,
        "cover": cover_spec(wheel),
        "bands": band_counts_spec(catalogue, score, fmt),
    }
    for dim in catalogue.dimensions:
        specs[f"bars-{dim.id}"] = bars_spec(catalogue, score, fmt, dim)
    specs["sdg"] = sdg_spec(score, fmt)
    if progress is not None:
        for dim in catalogue.dimensions:
            specs[f"progress-{dim.id}"] = progress_spec(catalogue, progress, fmt, dim)
    return specs


def draw_charts(city, catalogue, score, fmt, progress=None, prefix: str = "") -> dict[str, Chart]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language.

    Each chart's id (and the ids inside its SVG) is its name after ``prefix``:
    the parts of a volume give their city's.
    """
    specs = chart_specs(city, catalogue, score, fmt, progress)
    return {name: with_id(draw(spec), prefix + spec.id) for name, spec in specs.items()}


def with_id(chart: Chart, chart_id: str) -> Chart:
    """``chart`` under another id: the ids inside its SVG are renamed to match."""
    if chart_id == chart.id:
        return chart
    svg = chart.svg.replace(f'id="{chart.id}-', f'id="{chart_id}-')
    svg = svg.replace(f"#{chart.id}-", f"#{chart_id}-")
    svg = svg.replace(
        f'aria-labelledby="{chart.id}-title {chart.id}-desc"',
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"',
    )
    return replace(chart, id=chart_id, svg=svg)


def comparison_spec(comparison, catalogue, fmt) -> Spec:
    """A volume's dimension results, city by city."""
    from profiles_gen import vocabulary as vocab

    names = [c.name.get(fmt.lang, c.name["en"]) for c in comparison.cities]
    groups = []
    for dim in catalogue.dimensions:
        bars = []
        for city, r in zip(names, comparison.rollups("dimension", dim.id), strict=True):
            text = (
                fmt.percent(r.share, 0, fraction=True)
                if r.share is not None
                else vocab.band_short(fmt, r.band)
            )
            bars.append((city, float(r.share) if r.share is not None else None, r.band, text))
        groups.append((fmt.group_name("dimension", dim), tuple(bars)))
    return Spec(
        "city-bars",
        "cmp-dimensions",
        fmt.gettext("Results by dimension, city by city"),
        fmt.gettext(
            "For each dimension, each city's share of the possible points, with its band; "
            "the table before the figure gives the same data."
        ),
        (
            (fmt.gettext("Dimension"), *names),
            tuple(
                (label, *(f"{text} ({vocab.band_short(fmt, band)})" for _, _, band, text in bars))
                for label, bars in groups
            ),
        ),
        {
            "groups": tuple(groups),
            "axis_label": fmt.gettext("Share of the possible points"),
            "ticks": _ticks(fmt),
        },
    )


def draw_comparison_charts(comparison, catalogue, fmt, member_charts: list[dict]) -> dict:
    """The comparison's charts: dimension results per city, and the cities' wheels side by side."""
    wheels = [
        with_id(charts["wheel"], f"cmp-{city.slug}-wheel")
        for city, charts in zip(comparison.cities, member_charts, strict=True)
    ]
    return {"cmp-dimensions": draw(comparison_spec(comparison, catalogue, fmt)), "wheels": wheels}
