"""Stage 4, chart: matplotlib figures as SVG, with text kept as text.

Every chart is drawn with the publication's fonts (shipped in
``profiles_gen/fonts``), labelled in the page's language, readable without
colour (band symbols and labels beside colours) and deterministic: no
dates, fixed ids, fixed hash salt. Drawn charts are cached by the hash of
their arguments and style under ``charts/`` in the cache folder
(``paths.cache_dir``: ``<out>/.cache`` during a build).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

from profiles_gen.paths import cache_dir
from profiles_gen.score import BAND_COLOURS, BAND_IDS, BAND_SYMBOLS, BAND_TEXT, INSUFFICIENT

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "Noto Sans"
INK = "#1B1B1B"
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


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    # The chart's data as a table for readers who cannot see it: (headers, rows).
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] = ((), ())


@lru_cache(maxsize=1)
def _mpl() -> SimpleNamespace:
    """matplotlib, imported and set up on first use (a build served from the cache never is)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.patches import Rectangle, Wedge

    for font in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    matplotlib.rcParams.update(
        {
            "font.family": [FONT_FAMILY, "DejaVu Sans"],
            "font.size": 8,
            "svg.fonttype": "none",
            "svg.hashsalt": "profiles-gen",
            "svg.id": None,
            "axes.edgecolor": GRID,
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "path.simplify": False,
            "text.usetex": False,  # text from a city folder is text: no TeX, no
            "text.parse_math": False,  # mathtext, so "$" is a dollar sign
        }
    )
    return SimpleNamespace(plt=plt, Rectangle=Rectangle, Wedge=Wedge)


CACHE_DIR: Path | None = None  # None: ``charts/`` in the cache folder (``paths.cache_dir``)


@lru_cache(maxsize=1)
def _style_key() -> str:
    """What a chart's look depends on besides its arguments: this module, matplotlib, fonts."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(version("matplotlib").encode())
    for font in sorted(FONT_DIR.glob("*.ttf")):
        h.update(font.name.encode())
    return h.hexdigest()


def cached(draw):
    """Cache a chart by the hash of its data, labels and style (``<out>/.cache/charts``)."""

    @functools.wraps(draw)
    def wrapper(*args):
        key = hashlib.sha256(f"{_style_key()}{draw.__name__}{args!r}".encode()).hexdigest()
        path = (CACHE_DIR or cache_dir() / "charts") / key[:2] / f"{key}.json"
        if path.is_file():
            try:
                return Chart(**json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                pass  # a damaged entry is drawn again and replaced
        chart = draw(*args)
        from profiles_gen.publish import atomic_write

        atomic_write(
            path,
            json.dumps(
                {
                    "id": chart.id,
                    "title": chart.title,
                    "description": chart.description,
                    "svg": chart.svg,
                }
            ),
        )
        return chart

    return wrapper


def _svg(fig, chart_id: str) -> str:
    m = _mpl()
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        bbox_inches="tight",
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


@cached
def draw_wheel(
    chart_id: str,
    rings: list[list[tuple[str, str, float]]],
    centre: str,
    title: str,
    desc: str,
    legend: list[tuple[str, str]],
) -> Chart:
    """A sunburst: ``rings`` inner to outer, each a list of (label, band, width)."""
    m = _mpl()
    fig, ax = m.plt.subplots(figsize=(6.3, 6.9))
    ax.set_aspect("equal")
    ax.axis("off")
    radii = [(0.30, 0.52), (0.52, 0.82), (0.82, 1.0)]
    for ring, (r0, r1) in zip(rings, radii, strict=True):
        total = sum(w for _, _, w in ring)
        start = 90.0
        for label, band, width in ring:
            sweep = 360.0 * width / total
            ax.add_patch(
                m.Wedge(
                    (0, 0),
                    r1,
                    start - sweep,
                    start,
                    width=r1 - r0,
                    facecolor=BAND_COLOURS[band],
                    edgecolor="white",
                    linewidth=0.6,
                )
            )
            if band == INSUFFICIENT:  # neutral hatching, never a band colour
                ax.add_patch(
                    m.Wedge(
                        (0, 0),
                        r1,
                        start - sweep,
                        start,
                        width=r1 - r0,
                        facecolor="none",
                        edgecolor=GRID,
                        hatch="//",
                        linewidth=0,
                    )
                )
            if band == "no_data":
                ax.add_patch(
                    m.Wedge(
                        (0, 0),
                        r1 - 0.004,
                        start - sweep + 0.3,
                        start - 0.3,
                        width=r1 - r0 - 0.008,
                        facecolor="none",
                        edgecolor=GRID,
                        linewidth=0.4,
                    )
                )
            mid = math.radians(start - sweep / 2)
            rm = (r0 + r1) / 2
            x, y = rm * math.cos(mid), rm * math.sin(mid)
            if label and r1 < 0.9:
                angle = math.degrees(mid)
                rot = angle - 90 if r1 <= 0.52 else angle
                if rot > 90 or rot < -90:
                    rot += 180
                rot = (rot + 180) % 360 - 180
                size = 7 if r1 <= 0.52 else 5.2
                ax.text(
                    x,
                    y,
                    label,
                    ha="center",
                    va="center",
                    rotation=rot,
                    rotation_mode="anchor",
                    fontsize=size,
                    color=BAND_TEXT[band],
                    wrap=False,
                )
            elif not label and sweep >= 2.5:
                ax.text(
                    x,
                    y,
                    BAND_SYMBOLS[band],
                    ha="center",
                    va="center",
                    fontsize=4.2,
                    color=BAND_TEXT[band],
                )
            start -= sweep
    ax.text(0, 0, centre, ha="center", va="center", fontsize=11, fontweight="bold")
    ax.set_xlim(-1.02, 1.02)
    ax.set_ylim(-1.32 - 0.075 * max(0, (len(legend) + 1) // 2 - 3), 1.02)
    for n, (band, label) in enumerate(legend):
        col, row = n % 2, n // 2
        x, y = -1.0 + col * 1.05, -1.12 - row * 0.075
        _band_chip(ax, band, (x, y - 0.025, 0.06, 0.05), BAND_SYMBOLS[band], 5.5)
        ax.text(x + 0.09, y, label, va="center", fontsize=6.5)
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


@cached
def draw_bars(
    chart_id: str,
    rows: list[tuple[str, float | None, str, str]],
    title: str,
    desc: str,
    axis_label: str,
    target_label: str,
    ticks: tuple[str, str, str, str],
) -> Chart:
    """Achievement bars: rows of (label, capped share or None, band, value text)."""
    m = _mpl()
    height = 0.9 + 0.2 * len(rows)
    fig, ax = m.plt.subplots(figsize=(6.3, height))
    ys = list(range(len(rows)))[::-1]
    for y, (label, share, band, text) in zip(ys, rows, strict=True):
        _band_bar(ax, y, label, share, band, text, 0.68)
    ax.axvline(1.0, color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    ax.text(1.0, len(rows) - 0.3, target_label, ha="center", va="bottom", fontsize=6.2)
    ax.set_xlim(0, 1.3)
    ax.set_ylim(-0.7, len(rows) - 0.1)
    _share_axis(ax, [0, 0.33, 0.66, 0.95, 1.0], [*ticks[:3], "", ticks[3]], axis_label)
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


@cached
def draw_band_counts(
    chart_id: str,
    groups: list[tuple[str, dict[str, int]]],
    band_labels: dict[str, str],
    title: str,
    desc: str,
    axis_label: str,
) -> Chart:
    """Stacked bars: per group, the number of items in each band."""
    m = _mpl()
    fig, ax = m.plt.subplots(figsize=(6.3, 0.7 + 0.42 * len(groups) + 0.6))
    ys = list(range(len(groups)))[::-1]
    for y, (label, counts) in zip(ys, groups, strict=True):
        left = 0
        for band in BAND_IDS:
            n = counts.get(band, 0)
            if not n:
                continue
            ax.barh(
                y, n, left=left, height=0.6, color=BAND_COLOURS[band], edgecolor=GRID, linewidth=0.4
            )
            ax.text(
                left + n / 2,
                y,
                str(n),
                ha="center",
                va="center",
                fontsize=6.5,
                color=BAND_TEXT[band],
            )
            left += n
        ax.text(-0.5, y, label, ha="right", va="center", fontsize=7)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(axis_label, fontsize=6.5)
    ax.tick_params(axis="x", labelsize=6)
    handles = [
        m.Rectangle((0, 0), 1, 1, facecolor=BAND_COLOURS[b], edgecolor=GRID, linewidth=0.4)
        for b in BAND_IDS
    ]
    ax.legend(
        handles,
        [f"{BAND_SYMBOLS[b]} {band_labels[b]}" for b in BAND_IDS],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.32 if len(groups) < 4 else -0.18),
        ncol=2,
        fontsize=6,
        frameon=False,
    )
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


@cached
def draw_sdg_tiles(
    chart_id: str, tiles: list[tuple[int, str, str, str]], title: str, desc: str
) -> Chart:
    """The 17 SDG tiles: (goal, short name, band, band text) each."""
    m = _mpl()
    fig, ax = m.plt.subplots(figsize=(6.3, 4.2))
    ax.axis("off")
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 3.1)
    for n, (goal, name, band, band_text) in enumerate(tiles):
        col, row = n % 6, n // 6
        x, y = col + 0.04, 3.0 - (row + 1) * 1.02
        ax.add_patch(
            m.Rectangle((x, y + 0.3), 0.92, 0.68, facecolor=SDG_COLOURS[goal - 1], edgecolor="none")
        )
        ax.text(
            x + 0.06, y + 0.9, str(goal), fontsize=11, fontweight="bold", color="white", va="top"
        )
        ax.text(x + 0.06, y + 0.55, name, fontsize=5.2, color="white", va="top", wrap=True)
        _band_chip(ax, band, (x, y + 0.04, 0.92, 0.24), f"{BAND_SYMBOLS[band]} {band_text}", 5.2)
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


@cached
def draw_progress(
    chart_id: str,
    rows: list[tuple[str, float, float, str, str]],
    title: str,
    desc: str,
    axis_label: str,
    years: tuple[str, str],
    ticks: tuple[str, str, str, str],
) -> Chart:
    """Dumbbells: per row (label, previous share, current share, current band, move text)."""
    m = _mpl()
    height = 1.1 + 0.2 * max(len(rows), 1)
    fig, ax = m.plt.subplots(figsize=(6.3, height))
    ys = list(range(len(rows)))[::-1]
    for y, (label, before, now, band, text) in zip(ys, rows, strict=True):
        ax.plot([before, now], [y, y], color=GRID, linewidth=1.0, zorder=1)
        ax.scatter([before], [y], s=16, facecolor="white", edgecolor=INK, linewidth=0.7, zorder=2)
        ax.scatter(
            [now], [y], s=22, facecolor=BAND_COLOURS[band], edgecolor=INK, linewidth=0.7, zorder=3
        )
        ax.text(-0.01, y, label, ha="right", va="center", fontsize=6.5)
        ax.text(1.04, y, text, ha="left", va="center", fontsize=6.2)
    ax.axvline(1.0, color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    ax.set_xlim(0, 1.3)
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    _share_axis(ax, [0, 0.33, 0.66, 1.0], list(ticks), axis_label)
    ax.scatter([], [], s=16, facecolor="white", edgecolor=INK, linewidth=0.7, label=years[0])
    ax.scatter([], [], s=22, facecolor=GRID, edgecolor=INK, linewidth=0.7, label=years[1])
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=2,
        fontsize=6.5,
        frameon=False,
        handletextpad=0.3,
    )
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


def _band_bar(ax, y: float, label: str, share, band: str, text: str, height: float) -> None:
    """A horizontal bar of an achievement or share in its band's colour, labelled both sides."""
    width = share or 0.0
    ax.barh(
        y,
        width,
        height=height,
        color=BAND_COLOURS[band],
        edgecolor=GRID if band == "no_data" else "none",
        linewidth=0.5,
    )
    ax.text(-0.01, y, label, ha="right", va="center", fontsize=6.5)
    ax.text(width + 0.012, y, f"{BAND_SYMBOLS[band]}  {text}", ha="left", va="center", fontsize=6.2)


def _share_axis(ax, ticks: list[float], labels: list[str], axis_label: str) -> None:
    """The x axis of a chart of shares (0 to 100 per cent); no y axis, no frame but the base."""
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, fontsize=6)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(axis_label, fontsize=6.5)


def _band_chip(
    ax, band: str, box: tuple[float, float, float, float], text: str, size: float
) -> None:
    """A box in the band's colour with ``text`` centred in the band's text colour."""
    x, y, width, height = box
    ax.add_patch(
        _mpl().Rectangle(
            (x, y),
            width,
            height,
            facecolor=BAND_COLOURS[band],
            edgecolor=GRID,
            linewidth=0.4,
            hatch="//" if band == INSUFFICIENT else None,
        )
    )
    ax.text(
        x + width / 2,
        y + height / 2,
        text,
        ha="center",
        va="center",
        fontsize=size,
        color=BAND_TEXT[band],
    )


def _kpi_label(fmt, kpi, data_point: str | None) -> str:
    label = kpi.id.split("-", 2)[2] + " " + fmt.kpi_name(kpi)
    if data_point:
        label += f" – {fmt.data_point_name(kpi, data_point)}"
    if len(label) > 58:
        label = label[:56].rstrip() + "…"
    return label


def draw_progress_charts(catalogue, progress, fmt) -> dict[str, Chart]:
    """Per dimension, each comparable scored KPI's achievement then and now."""
    from profiles_gen import vocabulary as vocab

    charts = {}
    then, now = str(progress.previous_year), str(progress.current_year)
    for dim in catalogue.dimensions:
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
        chart = draw_progress(
            f"progress-{dim.id}",
            rows,
            fmt.gettext("%(dimension)s: target achievement in %(then)s and %(now)s")
            % {"dimension": dim_name, "then": then, "now": now},
            fmt.gettext(
                "For each KPI scored in both evaluations against the same target and "
                "definition, the achievement then (open circle) and now (filled circle, in the "
                "colour of its band), capped at 100 per cent, with the band symbols then and now."
            ),
            fmt.gettext("Target achievement, capped at 100 per cent"),
            (then, now),
            tuple(fmt.percent(v) for v in (0, 33, 66, 100)),
        )
        charts[f"progress-{dim.id}"] = replace(
            chart,
            data=(
                (fmt.gettext("KPI"), then, now, fmt.pgettext("result band", "Result")),
                tuple(
                    (
                        label,
                        fmt.percent(before * 100),
                        fmt.percent(after * 100),
                        f"{vocab.band_short(fmt, band)} ({text})",
                    )
                    for label, before, after, band, text in rows
                ),
            ),
        )
    return charts


def draw_charts(city, catalogue, score, fmt, progress=None, prefix: str = "") -> dict[str, Chart]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language.

    Each chart's id (and the ids inside its SVG) is its name after ``prefix``:
    the parts of a volume give their city's.
    """
    from profiles_gen import vocabulary as vocab

    name = city.name.get(fmt.lang, city.name["en"])
    charts: dict[str, Chart] = {}
    legend = [(b, vocab.band_short(fmt, b)) for b in BAND_IDS]
    roll = score.rollups
    rings: list[list[tuple[str, str, float]]] = [[], [], []]
    for dim in catalogue.dimensions:
        kpis = [k for k in catalogue.kpis if k.dimension == dim.id]
        rings[0].append(
            (fmt.group_name("dimension", dim), roll["dimension"][dim.id].band, len(kpis))
        )
        for cat in (c for c in catalogue.categories if c.id.startswith(dim.id + "-")):
            cat_kpis = [k for k in kpis if k.category == cat.id]
            if not cat_kpis:
                continue
            rings[1].append(
                (fmt.group_name("category", cat), roll["category"][cat.id].band, len(cat_kpis))
            )
            for kpi in cat_kpis:
                items = score.for_kpi(kpi.id)
                rings[2].extend(("", i.band, 1 / len(items)) for i in items)
    if any(band == INSUFFICIENT for _, band, _ in rings[0] + rings[1]):
        legend.append((INSUFFICIENT, vocab.band_short(fmt, INSUFFICIENT)))
    charts["wheel"] = draw_wheel(
        "wheel",
        rings,
        name,
        fmt.gettext("The U4SSC benchmarking wheel"),
        fmt.gettext(
            "Dimensions (inner ring), categories (middle ring) and KPIs (outer ring), each "
            "coloured by its band; the tables of this chapter give the same data."
        ),
        legend,
    )
    level = fmt.gettext("Dimension / category")
    charts["wheel"] = replace(
        charts["wheel"],
        data=(
            (level, fmt.pgettext("result band", "Result")),
            tuple((label, vocab.band_short(fmt, band)) for label, band, _ in rings[0] + rings[1]),
        ),
    )
    groups = [
        (
            fmt.group_name("dimension", d),
            {
                b: sum(
                    1
                    for i in score.items
                    if catalogue.by_id[i.kpi].dimension == d.id and i.band == b
                )
                for b in BAND_IDS
            },
        )
        for d in catalogue.dimensions
    ]
    charts["bands"] = draw_band_counts(
        "bands",
        groups,
        {b: vocab.band_short(fmt, b) for b in BAND_IDS},
        fmt.gettext("KPI results by band and dimension"),
        fmt.gettext("Number of KPIs and data points in each band, per dimension."),
        fmt.gettext("Number of KPIs and data points"),
    )
    charts["bands"] = replace(
        charts["bands"],
        data=(
            (fmt.gettext("Dimension"), *(vocab.band_short(fmt, b) for b in BAND_IDS)),
            tuple((label, *(str(counts[b]) for b in BAND_IDS)) for label, counts in groups),
        ),
    )
    for dim in catalogue.dimensions:
        rows = []
        for item in score.items:
            kpi = catalogue.by_id[item.kpi]
            if kpi.dimension != dim.id:
                continue
            label = _kpi_label(fmt, kpi, item.data_point)
            text = (
                fmt.percent(item.achievement, 0, fraction=True)
                if item.achievement is not None
                else vocab.band_short(fmt, item.band)
            )
            rows.append(
                (
                    label,
                    float(item.achievement) if item.achievement is not None else None,
                    item.band,
                    text,
                )
            )
        dim_name = fmt.group_name("dimension", dim)
        charts[f"bars-{dim.id}"] = draw_bars(
            f"bars-{dim.id}",
            rows,
            fmt.gettext("Target achievement of the %(dimension)s KPIs") % {"dimension": dim_name},
            fmt.gettext(
                "Achievement of each KPI or data point against its target, capped at 100 per "
                "cent, with its band; KPIs without a target or value are listed with no bar."
            ),
            fmt.gettext("Target achievement, capped at 100 per cent"),
            fmt.pgettext("target value", "target"),
            tuple(fmt.percent(v) for v in (0, 33, 66, 100)),
        )
        charts[f"bars-{dim.id}"] = replace(
            charts[f"bars-{dim.id}"],
            data=(
                (
                    fmt.gettext("KPI"),
                    fmt.gettext("Achievement"),
                    fmt.pgettext("result band", "Result"),
                ),
                tuple(
                    (label, text if share is not None else "–", vocab.band_short(fmt, band))
                    for label, share, band, text in rows
                ),
            ),
        )
    tiles = [
        (
            n,
            vocab.sdg_name(fmt, n),
            roll["sdg"][str(n)].band,
            vocab.coverage_text(fmt, roll["sdg"][str(n)])
            if roll["sdg"][str(n)].band == INSUFFICIENT
            else fmt.percent(roll["sdg"][str(n)].share, 0, fraction=True)
            if roll["sdg"][str(n)].share is not None
            else vocab.band_short(fmt, "no_data"),
        )
        for n in range(1, 18)
    ]
    charts["sdg"] = draw_sdg_tiles(
        "sdg",
        tiles,
        fmt.gettext("Results by Sustainable Development Goal"),
        fmt.gettext(
            "The 17 SDGs in their official colours, each with the band of the KPIs linked to it "
            "and its share of points."
        ),
    )
    charts["sdg"] = replace(
        charts["sdg"],
        data=(
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
    )
    if progress is not None:
        charts.update(draw_progress_charts(catalogue, progress, fmt))
    return {name: with_id(chart, prefix + chart.id) for name, chart in charts.items()}


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


@cached
def draw_city_bars(
    chart_id: str,
    groups: list[tuple[str, list[tuple[str, float | None, str, str]]]],
    title: str,
    desc: str,
    axis_label: str,
    ticks: tuple[str, str, str, str],
) -> Chart:
    """Per group (a dimension), one bar per city: (city, share or None, band, text)."""
    m = _mpl()
    rows: list[tuple[bool, str, float | None, str, str]] = []
    for label, bars in groups:
        rows.append((True, label, None, "no_data", ""))
        rows.extend((False, city, share, band, text) for city, share, band, text in bars)
    height = 0.9 + 0.2 * len(rows)
    fig, ax = m.plt.subplots(figsize=(6.3, height))
    ys = list(range(len(rows)))[::-1]
    for y, (heading, label, share, band, text) in zip(ys, rows, strict=True):
        if heading:
            ax.text(-0.01, y, label, ha="right", va="center", fontsize=7, fontweight="bold")
            continue
        _band_bar(ax, y, label, share, band, text, 0.7)
    ax.set_xlim(0, 1.2)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    _share_axis(ax, [0, 0.33, 0.66, 1.0], list(ticks), axis_label)
    return Chart(chart_id, title, desc, _accessible(_svg(fig, chart_id), chart_id, title, desc))


def draw_comparison_charts(comparison, catalogue, fmt, member_charts: list[dict]) -> dict:
    """The comparison's charts: dimension results per city, and the cities' wheels side by side."""
    from profiles_gen import vocabulary as vocab

    names = [c.name.get(fmt.lang, c.name["en"]) for c in comparison.cities]
    groups = []
    for dim in catalogue.dimensions:
        bars = []
        for city, r in zip(names, comparison.rollups("dimension", dim.id), strict=True):
            if r.band == INSUFFICIENT:  # no bar: not compared (coverage below the threshold)
                text = f"{vocab.band_short(fmt, r.band)} ({vocab.coverage_text(fmt, r)})"
                bars.append((city, None, r.band, text))
                continue
            text = (
                fmt.percent(r.share, 0, fraction=True)
                if r.share is not None
                else vocab.band_short(fmt, r.band)
            )
            bars.append((city, float(r.share) if r.share is not None else None, r.band, text))
        groups.append((fmt.group_name("dimension", dim), bars))
    chart = draw_city_bars(
        "cmp-dimensions",
        groups,
        fmt.gettext("Results by dimension, city by city"),
        fmt.gettext(
            "For each dimension, each city's share of the possible points, with its band; "
            "the table before the figure gives the same data."
        ),
        fmt.gettext("Share of the possible points"),
        tuple(fmt.percent(v) for v in (0, 33, 66, 100)),
    )
    chart = replace(
        chart,
        data=(
            (fmt.gettext("Dimension"), *names),
            tuple(
                (label, *(f"{text} ({vocab.band_short(fmt, band)})" for _, _, band, text in bars))
                for label, bars in groups
            ),
        ),
    )
    wheels = [
        with_id(charts["wheel"], f"cmp-{city.slug}-wheel")
        for city, charts in zip(comparison.cities, member_charts, strict=True)
    ]
    return {"cmp-dimensions": chart, "wheels": wheels}
