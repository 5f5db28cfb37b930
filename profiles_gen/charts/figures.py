"""The bar figures (results, progress, cities), the band counts and the SDG tiles."""

from __future__ import annotations

import math

from profiles_gen.charts.canvas import draw_chip, draw_legend, legend_height, new_canvas
from profiles_gen.charts.style import FLOOR, GRID, INK, LABEL, SDG_COLOURS, WIDTH, mpl
from profiles_gen.charts.text import ellipsize, fit_text, measure, place_text
from profiles_gen.charts.wheel import cover_figure, wheel_figure
from profiles_gen.scoring.score import BAND_COLOURS, BAND_TEXT

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
        place_text(ax, _x_of(value), y - 3.5, text, ha="center", va="top", fontsize=LABEL)
    _axis_title(ax, label, (PLOT[0] + _x_of(1.2)) / 2, y - 16)


def _axis_title(ax, label: str, centre: float, top: float) -> None:
    found = fit_text(label, lambda w, h: w <= WIDTH - 4, LABEL, LABEL, 2) or (label, LABEL)
    text, size = found
    w = measure(text, size)[0]
    x = min(max(centre, w / 2 + 2), WIDTH - w / 2 - 2)
    place_text(ax, x, top, text, ha="center", va="top", fontsize=size)


def _rows_height(n: int) -> float:
    return 14 + PITCH * max(n, 1) + 34


def bars_figure(rows: tuple, axis_label: str, target_label: str, ticks: tuple[str, ...]):
    """Achievement bars: rows of ((label, data point suffix), capped share or None, band,
    value text); the band's symbol in a chip apart from the value, right of the target."""
    height = _rows_height(len(rows))
    fig, ax = new_canvas(height)
    top = height - 14
    for n, (label, share, band, text) in enumerate(rows):
        y = top - PITCH * (n + 0.5)
        _bar(ax, y, label, share, band, text)
    base = top - PITCH * len(rows) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    place_text(ax, PLOT[1], top + 2, target_label, ha="center", va="bottom", fontsize=LABEL)
    _share_axis(ax, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


def _bar(ax, y: float, label, share, band: str, text: str, bold: bool = False) -> None:
    if share is not None:
        ax.add_patch(
            mpl().Rectangle(
                (PLOT[0], y - 3.6),
                max(_x_of(share) - PLOT[0], 0.6),
                7.2,
                facecolor=BAND_COLOURS[band],
                edgecolor=GRID if band == "no_data" else "none",
                linewidth=0.5,
            )
        )
    place_text(
        ax,
        LABEL_RIGHT,
        y,
        _row_label(label),
        ha="right",
        va="center",
        fontsize=LABEL,
        fontweight="bold" if bold else "normal",
    )
    width = draw_chip(ax, band, VALUE_X, y)
    value, size = _value_text(text, VALUE_X + width + 3)
    place_text(ax, VALUE_X + width + 3, y, value, ha="left", va="center", fontsize=size)


def progress_figure(rows: tuple, axis_label: str, years: tuple[str, str], ticks: tuple[str, ...]):
    """Dumbbells: per row ((label, suffix), previous share, current share, band, move)."""
    m = mpl()
    height = _rows_height(len(rows)) + 6
    fig, ax = new_canvas(height)
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
        place_text(ax, LABEL_RIGHT, y, _row_label(label), ha="right", va="center", fontsize=LABEL)
        value, size = _value_text(text, VALUE_X)
        place_text(ax, VALUE_X, y, value, ha="left", va="center", fontsize=size)
    base = top - PITCH * max(len(rows), 1) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    x = PLOT[0]
    for year, face, s in ((years[0], "white", 14), (years[1], GRID, 20)):
        ax.scatter([x + 3], [height - 8], s=s, facecolor=face, edgecolor=INK, linewidth=0.7)
        place_text(ax, x + 9, height - 8, year, ha="left", va="center", fontsize=LABEL)
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
    fig, ax = new_canvas(height)
    top = height - 14
    for n, (heading, label, share, band, text) in enumerate(rows):
        y = top - PITCH * (n + 0.5)
        if heading:
            text_, size = fit_text(label, lambda w, h: w <= WIDTH - 4, LABEL, LABEL, 1) or (
                ellipsize(label, WIDTH - 4, LABEL),
                LABEL,
            )
            place_text(ax, 2, y, text_, ha="left", va="center", fontsize=size, fontweight="bold")
            continue
        _bar(ax, y, (label, ""), share, band, text)
    base = top - PITCH * len(rows) - 1
    ax.plot([PLOT[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    _share_axis(ax, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


def _nice_ticks(top: int) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 6:
            return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))
    return [0, top]


def band_counts_figure(groups: tuple, legend: tuple, axis_label: str):
    """Stacked bars: per group (label, ((band, count), …)), the number of items in each band."""
    m = mpl()
    label_w, x0, x1, pitch = 120.0, 128.0, WIDTH - 12, 24.0
    _, legend_h = legend_height(list(legend))
    height = legend_h + 40 + pitch * len(groups) + 6
    fig, ax = new_canvas(height)
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
        place_text(ax, x0 - 6, y, text, ha="right", va="center", fontsize=size)
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
                place_text(
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
        place_text(ax, x0 + t * scale, base - 3.5, str(t), ha="center", va="top", fontsize=LABEL)
    _axis_title(ax, axis_label, (x0 + x1) / 2, base - 16)
    draw_legend(ax, list(legend), legend_h + 2)
    return fig


def sdg_figure(tiles: tuple):
    """The 17 SDG tiles: (goal, name, band, band text) each, six to a row; the goal's name
    wrapped inside its tile, the band's symbol in a chip apart from its share."""
    m = mpl()
    cols, gap = 6, 5.0
    tile_w = (WIDTH - (cols - 1) * gap) / cols
    tile_h, name_top, chip_h = 92.0, 24.0, 15.0
    rows = math.ceil(len(tiles) / cols)
    height = rows * tile_h + (rows - 1) * gap
    fig, ax = new_canvas(height)
    for n, (goal, name, band, band_text) in enumerate(tiles):
        col, row = n % cols, n // cols
        x, y = col * (tile_w + gap), height - row * (tile_h + gap) - tile_h
        tile = m.Rectangle(
            (x, y), tile_w, tile_h, facecolor=SDG_COLOURS[goal - 1], edgecolor="none"
        )
        ax.add_patch(tile)
        place_text(
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
            place_text(
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
        w = draw_chip(ax, band, x + 4, y + 2 + chip_h / 2)
        room = tile_w - 4 - w - 6
        value = fit_text(
            band_text, lambda w_, h, room=room: w_ <= room and h <= chip_h, LABEL, FLOOR, 1
        )
        text, size = value or (ellipsize(band_text, room, FLOOR), FLOOR)
        place_text(
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
