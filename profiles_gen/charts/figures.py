"""The bar figures (results, progress, cities), the band counts and the SDG tiles.

Each is drawn to a ``Layout``: in print (and on a wide screen) a row's label sits left of
its bar, wrapped onto as many lines as it needs; on a phone (``narrow``) the label runs
above its bar across the whole width, and the value and band chip stay beside the bar.
No label is ever cut: a row is as tall as its label.
"""

from __future__ import annotations

import math

from profiles_gen.charts.canvas import (
    add_patch,
    chip_width,
    draw_chip,
    draw_legend,
    legend_height,
    new_canvas,
)
from profiles_gen.charts.style import GRID, INK, PRINT, SDG_COLOURS, Layout, mpl
from profiles_gen.charts.text import fit_text, measure, place_text, wrap
from profiles_gen.charts.wheel import cover_figure, wheel_figure
from profiles_gen.scoring.score import BAND_COLOURS, BAND_TEXT

LABEL_RIGHT = 188.0  # right edge of the row labels (print)


PLOT = (196.0, 356.0)  # the x of 0 and of 100 per cent (the target) (print)


VALUE_X = 364.0  # where the band chip and the value start (print)


PITCH = 10.5  # the smallest row pitch (print)


class Frame:
    """Where a figure's rows go, in its layout: the label area, the plot (0 and 100 per
    cent), the values' start and the row pitch."""

    def __init__(self, layout: Layout, value_room: float = 0.0) -> None:
        self.layout = layout
        size = layout.label
        self.line = measure("Ág", size)[1]  # a line's height
        if layout.narrow:
            w = layout.width
            self.value_x = w - value_room if value_room else w - 4.2 * size - chip_width(size)
            self.plot = (2.0, self.value_x - 0.6 * size)
            self.label = (2.0, w - 2)
            self.lane = 1.3 * size  # the bar's lane under the label
        else:
            self.plot, self.value_x = PLOT, VALUE_X
            self.label = (2.0, LABEL_RIGHT)
            self.lane = PITCH

    def x_of(self, share: float) -> float:
        return self.plot[0] + (self.plot[1] - self.plot[0]) * share

    def wrap_label(self, label: str, bold: bool = False) -> str:
        width = self.label[1] - self.label[0]
        return wrap(label, width, self.layout.label, _weight(bold), balance=True)

    def value(self, text: str, x: float) -> tuple[str, float]:
        """A value beside its bar: on one line, shrunk to the floor, else wrapped."""
        room = self.layout.width - x - 2
        size = self.layout.label
        found = fit_text(text, lambda w, h: w <= room, size, self.layout.floor, 1)
        return found or (wrap(text, room, size), size)

    def row_height(self, label: str, value: tuple[str, float]) -> float:
        lines = measure(label, self.layout.label)[1]
        value_h = measure(*value)[1]
        if self.layout.narrow:
            return lines + max(self.lane, value_h) + 0.5 * self.layout.label
        return max(self.lane, lines + 1.5, value_h + 1.5)

    def centre(self, top: float, label: str, height: float) -> tuple[float, float]:
        """The y of the label's middle and of the bar's, for a row from ``top`` down."""
        if self.layout.narrow:
            label_h = measure(label, self.layout.label)[1]
            return top - label_h / 2, top - label_h - (height - label_h) / 2 + 0.15 * self.line
        return top - height / 2, top - height / 2

    def place_label(self, ax, y: float, label: str, bold: bool = False) -> None:
        if self.layout.narrow:
            x, ha = self.label[0], "left"
        else:
            x, ha = self.label[1], "right"
        size = self.layout.label
        place_text(ax, x, y, label, ha=ha, va="center", fontsize=size, fontweight=_weight(bold))


def _weight(bold: bool) -> str:
    return "bold" if bold else "normal"


def _share_axis(ax, frame: Frame, y: float, ticks, at, label: str) -> float:
    """The base line, ticks and their labels below ``y``, the axis title under them;
    returns the y of the title's foot."""
    size = frame.layout.label
    end = frame.x_of(1.2) if not frame.layout.narrow else frame.plot[1] + 0.3 * size
    ax.plot([frame.plot[0], end], [y, y], color=GRID, linewidth=0.6)
    for n, (value, text) in enumerate(zip(at, ticks, strict=True)):
        ax.plot([frame.x_of(value)] * 2, [y, y - 2.5], color=GRID, linewidth=0.6)
        ha = "left" if frame.layout.narrow and n == 0 else "center"
        place_text(ax, frame.x_of(value), y - 3.5, text, ha=ha, va="top", fontsize=size)
    return _axis_title(ax, frame.layout, label, (frame.plot[0] + end) / 2, y - 5 - frame.line)


def _axis_title(ax, layout: Layout, label: str, centre: float, top: float) -> float:
    text = wrap(label, layout.width - 4, layout.label)
    w, h = measure(text, layout.label)
    x = min(max(centre, w / 2 + 2), layout.width - w / 2 - 2)
    place_text(ax, x, top, text, ha="center", va="top", fontsize=layout.label)
    return top - h


def _axis_height(frame: Frame, label: str) -> float:
    layout = frame.layout
    return 6 + frame.line + measure(wrap(label, layout.width - 4, layout.label), layout.label)[1]


def _row_text(label) -> str:
    """A row label: (text, " – data point") joined, or a plain string."""
    return "".join(label) if isinstance(label, tuple) else label


def bars_figure(
    rows: tuple, axis_label: str, target_label: str, ticks: tuple[str, ...], layout=PRINT
):
    """Achievement bars: rows of ((label, data point suffix), capped share or None, band,
    value text); the band's symbol in a chip apart from the value, right of the target."""
    return _bar_rows(
        [(False, label, share, band, text) for label, share, band, text in rows],
        axis_label,
        target_label,
        ticks,
        layout,
    )


def city_bars_figure(groups: tuple, axis_label: str, ticks: tuple[str, ...], layout=PRINT):
    """Per group (a dimension, as a heading row), one bar per city: (city, share, band, text)."""
    rows = []
    for label, bars in groups:
        rows.append((True, label, None, "no_data", ""))
        rows.extend((False, city, share, band, text) for city, share, band, text in bars)
    return _bar_rows(rows, axis_label, None, ticks, layout)


def _bar_rows(rows, axis_label, target_label, ticks, layout: Layout):
    frame = Frame(layout)
    size = layout.label
    chip = chip_width(size)
    fitted = []
    for heading, label, share, _, text in rows:
        wrapped = (
            wrap(_row_text(label), layout.width - 4, size, "bold")
            if heading
            else frame.wrap_label(_row_text(label))
        )
        if layout.narrow and share is None:  # words where the bar would be, all the lane
            value = (wrap(text, layout.width - frame.plot[0] - chip - 5, size), size)
        else:
            value = frame.value(text, frame.value_x + chip + 3)
        if heading:
            height = measure(wrapped, size, "bold")[1] + 0.4 * size
        else:
            height = frame.row_height(wrapped, value)
        fitted.append((wrapped, value, height))
    head = (frame.line + 4) if target_label else 4
    foot = 1 + _axis_height(frame, axis_label) + 3
    figs = []
    for piece in _pieces([h for *_, h in fitted], head + foot, layout, rows):
        figs.append(
            _draw_bar_rows(
                [rows[i] for i in piece],
                [fitted[i] for i in piece],
                (head, foot),
                (axis_label, target_label, ticks),
                frame,
            )
        )
    return figs if len(figs) > 1 else figs[0]


# The tallest a figure may be in print, in points: drawn 160 mm wide, it is shown across
# the 170 mm column, so this is about 220 mm on the page, with its caption and source
# line within a page's 253 mm. A taller figure is drawn in pieces, one under the other.
PIECE_HEIGHT = 600.0


def _pieces(heights: list[float], fixed: float, layout: Layout, rows=None) -> list[list[int]]:
    """The rows of each piece of a figure: all in one, or (in print, where a figure cannot
    scroll) each piece filled up to ``PIECE_HEIGHT``, so that the first fills the page
    under its caption and the rest follow on the next; a heading row stays with the row
    after it, and the last piece keeps three rows at least."""
    room = PIECE_HEIGHT - fixed
    if layout.narrow or sum(heights) <= room or len(heights) < 2:
        return [list(range(len(heights)))]
    pieces, current, height = [], [], 0.0
    for n, h in enumerate(heights):
        after_heading = n > 0 and rows is not None and rows[n - 1][0]
        if current and height + h > room and not after_heading:
            pieces.append(current)
            current, height = [], 0.0
        current.append(n)
        height += h
    pieces.append(current)
    while len(pieces) > 1 and len(pieces[-1]) < 3 and len(pieces[-2]) > 3:
        pieces[-1].insert(0, pieces[-2].pop())
    return pieces


def _draw_bar_rows(rows, fitted, margins, texts, frame: Frame):
    layout, size = frame.layout, frame.layout.label
    (head, foot), (axis_label, target_label, ticks) = margins, texts
    height = head + sum(h for *_, h in fitted) + foot
    fig, ax = new_canvas(height, layout.width)
    top = height - head
    y = top
    for (heading, _, share, band, _), (label, value, h) in zip(rows, fitted, strict=True):
        if heading:
            place_text(
                ax, 2, y - h / 2, label, ha="left", va="center", fontsize=size, fontweight="bold"
            )
            y -= h
            continue
        y_label, y_bar = frame.centre(y, label, h)
        frame.place_label(ax, y_label, label)
        _bar(ax, frame, y_bar, share, band, value)
        y -= h
    base = y - 1
    ax.plot([frame.plot[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    if target_label:
        ha = "right" if layout.narrow else "center"
        x = frame.plot[1] + (0.3 * size if layout.narrow else 0)
        place_text(ax, x, top + 2, target_label, ha=ha, va="bottom", fontsize=size)
    _share_axis(ax, frame, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


def _bar(ax, frame: Frame, y: float, share, band: str, value: tuple[str, float]) -> None:
    layout = frame.layout
    thick = 0.7 * frame.lane if not layout.narrow else 0.75 * frame.lane
    if share is not None:
        add_patch(
            ax,
            mpl().Rectangle(
                (frame.plot[0], y - thick / 2),
                max(frame.x_of(share) - frame.plot[0], 0.6),
                thick,
                facecolor=BAND_COLOURS[band],
                edgecolor=GRID if band == "no_data" else "none",
                linewidth=0.5,
            ),
        )
    # On a phone a row without a bar has its chip and words where the bar would be.
    x = frame.value_x if share is not None or not layout.narrow else frame.plot[0]
    width = draw_chip(ax, band, x, y, layout.label)
    text, size = value
    place_text(ax, x + width + 3, y, text, ha="left", va="center", fontsize=size)


def progress_figure(
    rows: tuple, axis_label: str, years: tuple[str, str], ticks: tuple[str, ...], layout=PRINT
):
    """Dumbbells: per row ((label, suffix), previous share, current share, band, move)."""
    frame = Frame(layout)
    fitted = []
    for label, _, _, _, text in rows:
        wrapped = frame.wrap_label(_row_text(label))
        value = frame.value(text, frame.value_x)
        fitted.append((wrapped, value, frame.row_height(wrapped, value)))
    head = frame.line + 10  # the key of the two years, above the rows
    foot = 1 + _axis_height(frame, axis_label) + 3
    figs = [
        _draw_progress(
            [rows[i] for i in piece],
            [fitted[i] for i in piece],
            (head, foot),
            (axis_label, years, ticks),
            frame,
        )
        for piece in _pieces([h for *_, h in fitted], head + foot, layout)
    ]
    return figs if len(figs) > 1 else figs[0]


def _draw_progress(rows, fitted, margins, texts, frame: Frame):
    layout, size = frame.layout, frame.layout.label
    (head, foot), (axis_label, years, ticks) = margins, texts
    body = sum(h for *_, h in fitted) if rows else frame.lane
    height = head + body + foot
    fig, ax = new_canvas(height, layout.width)
    top = height - head
    y = top
    dot = (size / 7) ** 2
    xs_before, xs_now, ys, colours = [], [], [], []  # every row's dots: one collection a year
    for (_, before, now, band, _), (label, value, h) in zip(rows, fitted, strict=True):
        y_label, y_bar = frame.centre(y, label, h)
        frame.place_label(ax, y_label, label)
        xb, xn = frame.x_of(before), frame.x_of(now)
        ax.plot([xb, xn], [y_bar, y_bar], color=GRID, linewidth=1.0, zorder=1)
        xs_before.append(xb)
        xs_now.append(xn)
        ys.append(y_bar)
        colours.append(BAND_COLOURS[band])
        text, vsize = value
        place_text(ax, frame.value_x, y_bar, text, ha="left", va="center", fontsize=vsize)
        y -= h
    if ys:  # the previous year's dot over its line, this year's over both
        ax.scatter(xs_before, ys, s=14 * dot, facecolor="white", edgecolor=INK, linewidth=0.7)
        ax.scatter(
            xs_now, ys, s=20 * dot, facecolor=colours, edgecolor=INK, linewidth=0.7, zorder=3
        )
    base = top - body - 1
    ax.plot([frame.plot[1]] * 2, [base, top + 1], color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    x = frame.plot[0]
    y_key = height - (head - 4) / 2
    for year, face, s in ((years[0], "white", 14), (years[1], GRID, 20)):
        ax.scatter([x + 3], [y_key], s=s * dot, facecolor=face, edgecolor=INK, linewidth=0.7)
        place_text(ax, x + 3 + size, y_key, year, ha="left", va="center", fontsize=size)
        x += 3 * size + measure(year, size)[0]
    _share_axis(ax, frame, base, ticks, (0, 0.33, 0.66, 1.0), axis_label)
    return fig


def _nice_ticks(top: int) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 6:
            return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))
    return [0, top]


def band_counts_figure(groups: tuple, legend: tuple, axis_label: str, layout=PRINT):
    """Stacked bars: per group (label, ((band, count), …)), the number of items in each band;
    in print a group's label left of its bar, on a phone above it."""
    m = mpl()
    size = layout.label
    narrow = layout.narrow
    if narrow:
        label_w, x0, x1, bar_h = layout.width - 4, size, layout.width - 1.5 * size, 1.6 * size
    else:
        label_w, x0, x1, bar_h = 120.0, 128.0, layout.width - 12, 16.0
    labels = [wrap(label, label_w, size) for label, _ in groups]
    heights = [
        measure(t, size)[1] + bar_h + 0.8 * size if narrow else max(24.0, measure(t, size)[1] + 4)
        for t in labels
    ]
    line = measure("Ág", size)[1]
    _, legend_h = legend_height(list(legend), layout)
    axis_h = 6 + line + measure(wrap(axis_label, layout.width - 4, size), size)[1]
    height = legend_h + 4 + axis_h + 2 + sum(heights) + 6
    fig, ax = new_canvas(height, layout.width)
    most = max((sum(n for _, n in counts) for _, counts in groups), default=1) or 1
    ticks = _nice_ticks(most)
    scale = (x1 - x0) / max(ticks[-1], most)
    top = height - 4
    y = top
    for (_, counts), text, h in zip(groups, labels, heights, strict=True):
        if narrow:
            label_h = measure(text, size)[1]
            place_text(ax, 2, y - label_h / 2, text, ha="left", va="center", fontsize=size)
            centre = y - label_h - bar_h / 2 - 0.2 * size
        else:
            centre = y - h / 2
            place_text(ax, x0 - 6, centre, text, ha="right", va="center", fontsize=size)
        left = x0
        for band, n in counts:
            if not n:
                continue
            box = m.Rectangle(
                (left, centre - bar_h / 2),
                n * scale,
                bar_h,
                facecolor=BAND_COLOURS[band],
                edgecolor=GRID,
                linewidth=0.4,
            )
            add_patch(ax, box)
            w, _ = measure(str(n), size)
            if w <= n * scale - 2:
                place_text(
                    ax,
                    left + n * scale / 2,
                    centre,
                    str(n),
                    area=box,
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=BAND_TEXT[band],
                )
            left += n * scale
        y -= h
    base = y - 2
    ax.plot([x0, x1], [base, base], color=GRID, linewidth=0.6)
    for t in ticks:
        ax.plot([x0 + t * scale] * 2, [base, base - 2.5], color=GRID, linewidth=0.6)
        place_text(ax, x0 + t * scale, base - 3.5, str(t), ha="center", va="top", fontsize=size)
    _axis_title(ax, layout, axis_label, (x0 + x1) / 2, base - 5 - line)
    draw_legend(ax, list(legend), legend_h + 2, layout)
    return fig


def _tile_name(name: str, width: float, layout: Layout) -> tuple[str, float]:
    """An SDG's name in its tile: the largest size down to the floor at which it takes at
    most four lines, else wrapped at the floor on as many as it needs."""
    size = layout.label
    while size >= layout.floor - 1e-6:
        text = wrap(name, width, size, "bold")
        if text.count("\n") < 4 and measure(text, size, "bold")[0] <= width:
            return text, size
        size = round(size - 0.25, 2)
    return wrap(name, width, layout.floor, "bold"), layout.floor


def sdg_figure(tiles: tuple, layout=PRINT):
    """The 17 SDG tiles: (goal, name, band, band text) each, six to a row in print and three
    on a phone; the goal's name wrapped inside its tile, the band's symbol in a chip apart
    from its share. Tiles are as tall as the longest name needs."""
    m = mpl()
    cols = 3 if layout.narrow else 6
    gap = 5.0
    tile_w = (layout.width - (cols - 1) * gap) / cols
    number = 13 * layout.label / 7
    name_top = measure("17", number, "bold")[1] + 5
    names = [_tile_name(name, tile_w - 8, layout) for _, name, _, _ in tiles]
    chip = chip_width(layout.label)
    room = tile_w - 4 - chip - 6
    values = []
    for *_, band_text in tiles:
        found = fit_text(band_text, lambda w, h: w <= room, layout.label, layout.floor, 1)
        values.append(found or (wrap(band_text, room, layout.floor), layout.floor))
    chip_h = max(measure(t, s)[1] for t, s in values) + 4
    names_h = max(measure(t, s, "bold")[1] for t, s in names)
    tile_h = max(92.0 if not layout.narrow else 0.0, name_top + names_h + chip_h + 8)
    rows = math.ceil(len(tiles) / cols)
    height = rows * tile_h + (rows - 1) * gap
    fig, ax = new_canvas(height, layout.width)
    for n, ((goal, _, band, _), (name, size), (value, vsize)) in enumerate(
        zip(tiles, names, values, strict=True)
    ):
        col, row = n % cols, n // cols
        x, y = col * (tile_w + gap), height - row * (tile_h + gap) - tile_h
        tile = m.Rectangle(
            (x, y), tile_w, tile_h, facecolor=SDG_COLOURS[goal - 1], edgecolor="none"
        )
        add_patch(ax, tile)
        place_text(
            ax,
            x + 4,
            y + tile_h - 3,
            str(goal),
            area=tile,
            ha="left",
            va="top",
            fontsize=number,
            fontweight="bold",
            color="white",
        )
        place_text(
            ax,
            x + 4,
            y + tile_h - name_top,
            name,
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
        add_patch(ax, strip)
        draw_chip(ax, band, x + 4, y + 2 + chip_h / 2, layout.label)
        place_text(
            ax,
            x + tile_w - 4,
            y + 2 + chip_h / 2,
            value,
            area=strip,
            ha="right",
            va="center",
            fontsize=vsize,
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
