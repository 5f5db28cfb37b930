"""The U4SSC wheel: dimensions, sub-dimensions and categories in rings, KPIs outside."""

from __future__ import annotations

import math

from profiles_gen.charts.canvas import add_patch, draw_legend, legend_height, new_canvas
from profiles_gen.charts.style import GRID, INK, PAD, PRINT, WIDTH, mpl
from profiles_gen.charts.text import fit_text, hyphenated_lines, measure, place_text, wrappings
from profiles_gen.scoring.score import BAND_COLOURS, BAND_SYMBOLS, BAND_TEXT

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
            for candidate in wrappings(label, max_lines):
                placed = orient(*measure(candidate, s, weight))
                if placed:
                    return candidate, s, *placed
        s = round(s - 0.25, 2)
    for orient in (radial, tangential):  # last resort: a long word cut, with a hyphen
        for candidate in hyphenated_lines(label, max_lines):
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


def wheel_figure(
    rings: tuple, kpis: tuple, centre: str, legend: tuple[tuple[str, str], ...], layout=PRINT
):
    """The U4SSC wheel: ``rings`` (dimensions, sub-dimensions, categories) inner to outer,
    each a tuple of (label, band, number of KPIs); ``kpis``: per KPI, the bands of its data
    points (one segment each, its data points stacked across the ring); ``centre``: the city.

    Labels are fitted into their segments (along or across the ring, wrapped, hyphenated,
    shrunk to the layout's floor); in print a category label that does not fit is set
    outside the wheel on its radius. On a phone the wheel takes the screen's width and a
    label that does not fit at the floor is left to the data table shown with it.
    """
    m = mpl()
    if layout.narrow:
        radius, margin = layout.width / 2 - 2, 0.0
    else:
        radius, margin = WHEEL_RADIUS, WHEEL_MARGIN
    scale = layout.label / PRINT.label
    bounds = [(0.21, 0.37), (0.37, 0.57), (0.57, 0.90), (0.90, 1.0)]
    if layout.narrow:  # the inner rings wider: their labels are what a phone can show
        bounds = [(0.2, 0.47), (0.47, 0.69), (0.69, 0.9), (0.9, 1.0)]
    _, legend_h = legend_height(list(legend), layout)
    height = legend_h + 14 + 2 * (radius + margin)
    fig, ax = new_canvas(height, layout.width)
    cx, cy = layout.width / 2, legend_h + 14 + margin + radius
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
            add_patch(ax, wedge)
            if band == "no_data":
                _no_data_outline(ax, cx, cy, r0, r1, start - sweep, start)
            size = (8.5 if level == 0 else 7.0) * scale
            _wheel_label(
                ax,
                wedge,
                label,
                band,
                (size, layout),
                (r0, r1),
                (start - sweep, start),
                (cx, cy, radius),
                level,
            )
            start -= sweep
    _kpi_ring(ax, kpis, cx, cy, bounds[3][0] * radius, radius, layout.floor)
    hole = bounds[0][0] * radius
    disc = m.Circle((cx, cy), hole - 0.5, facecolor="none", edgecolor="none")
    add_patch(ax, disc)
    placed = fit_text(
        centre,
        lambda w, h: math.hypot(w / 2, h / 2) <= hole - PAD - 1,
        11 * scale,
        layout.floor,
        2,
        "bold",
    )
    text, size = placed or (centre, layout.floor)
    place_text(
        ax, cx, cy, text, area=disc, ha="center", va="center", fontsize=size, fontweight="bold"
    )
    draw_legend(ax, list(legend), legend_h + 2, layout)
    return fig


def _no_data_outline(ax, cx, cy, r0, r1, a0, a1) -> None:
    add_patch(
        ax,
        mpl().Wedge(
            (cx, cy),
            r1 - 1,
            a0 + 0.4,
            a1 - 0.4,
            width=r1 - r0 - 2,
            facecolor="none",
            edgecolor=GRID,
            linewidth=0.4,
        ),
    )


def _wheel_label(ax, wedge, label, band, size, ring, bounds, centre, level) -> None:
    """A segment's label inside it; in print a category's that does not fit, outside."""
    (r0, r1), (a0, a1), (cx, cy, rim) = ring, bounds, centre
    size, layout = size
    mid = (a0 + a1) / 2
    rad = math.radians(mid)
    weight = "bold" if level == 0 else "normal"
    found = _place_in_sector(label, size, layout.floor, r0, r1, a0, a1, weight)
    area, colour = wedge, BAND_TEXT[band]
    if found is None and level == 2 and not layout.narrow:
        found = _place_outside(label, size, a0, a1, cx, cy, layout.floor)
        area, colour = None, INK
        if found is not None:  # a short leader from the wheel's rim
            ax.plot(
                [cx + (rim + 0.8) * math.cos(rad), cx + (rim + 4) * math.cos(rad)],
                [cy + (rim + 0.8) * math.sin(rad), cy + (rim + 4) * math.sin(rad)],
                color=INK,
                linewidth=0.6,
            )
    if found is None:
        return  # the data table and the ring's colour still give it
    text, s, r, orient = found
    place_text(
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


def _place_outside(label, size, a0, a1, cx, cy, floor):
    """A label set outside the wheel along its segment's radius, within the figure."""
    rad = math.radians((a0 + a1) / 2)
    c = abs(math.cos(rad))
    to_edge = (cx - 3) / c if c > 1e-9 else math.inf  # the figure's side
    r_in = WHEEL_RADIUS + 6
    limit = min(to_edge, WHEEL_RADIUS + WHEEL_MARGIN - 2)
    half = math.radians(max(a1 - a0, 4.0)) / 2
    size_ = size
    while size_ >= floor - 1e-6:
        for candidate in wrappings(label, 2):
            w, h = measure(candidate, size_)
            if r_in + w <= limit and h / 2 <= (r_in + 2) * math.sin(half * 2.2):
                return candidate, size_, r_in + w / 2, "radial"
        size_ = round(size_ - 0.25, 2)
    return None


def _kpi_segment(ax, bands, cx, cy, r0, r1, a0, a1, edge: str, linewidth: float) -> None:
    """One KPI's segment of the outer ring: its data points' bands stacked across it."""
    m = mpl()
    step = (r1 - r0) / len(bands)
    for n, band in enumerate(bands):
        add_patch(
            ax,
            m.Wedge(
                (cx, cy),
                r0 + step * (n + 1),
                a0,
                a1,
                width=step,
                facecolor=BAND_COLOURS[band],
                edgecolor=edge,
                linewidth=linewidth,
            ),
        )


def _kpi_ring(ax, kpis, cx, cy, r0, r1, size) -> None:
    """One segment per KPI; a KPI's data points are stacked across the ring inside it."""
    m = mpl()
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
        add_patch(ax, segment)
        if len(bands) == 1:
            mid = math.radians(start - sweep / 2)
            tangential, _ = _sector_fit(r0, r1, start - sweep, start)
            if tangential(*measure(BAND_SYMBOLS[bands[0]], size)):
                r = (r0 + r1) / 2
                place_text(
                    ax,
                    cx + r * math.cos(mid),
                    cy + r * math.sin(mid),
                    BAND_SYMBOLS[bands[0]],
                    area=segment,
                    ha="center",
                    va="center",
                    rotation=_rotation(math.degrees(mid), "tangential"),
                    rotation_mode="anchor",
                    fontsize=size,
                    color=BAND_TEXT[bands[0]],
                )
        start -= sweep


def cover_figure(rings: tuple, kpis: tuple, edge: str, layout=PRINT):
    """The city's wheel as the cover's picture: its rings and KPIs in their bands' colours,
    without a word (the cover's title block says what it is)."""
    m = mpl()
    radius = WIDTH / 2 - 2
    fig, ax = new_canvas(WIDTH)
    fig.patch.set_visible(False)  # the cover's blue shows around and inside the wheel
    cx = cy = WIDTH / 2
    total = sum(w for _, _, w in rings[0])
    bounds = [(0.16, 0.36), (0.36, 0.56), (0.56, 0.84)]
    for ring, (f0, f1) in zip(rings, bounds, strict=False):
        start = 90.0
        for _, band, width in ring:
            sweep = 360.0 * width / total
            add_patch(
                ax,
                m.Wedge(
                    (cx, cy),
                    f1 * radius,
                    start - sweep,
                    start,
                    width=(f1 - f0) * radius,
                    facecolor=BAND_COLOURS[band],
                    edgecolor=edge,
                    linewidth=2.0,
                ),
            )
            start -= sweep
    sweep, start = 360.0 / len(kpis), 90.0
    r0 = 0.84 * radius
    for bands in kpis:
        _kpi_segment(ax, bands, cx, cy, r0, radius, start - sweep, start, edge, 1.0)
        start -= sweep
    return fig
