"""A figure's canvas, the band chips and the legend."""

from __future__ import annotations

from profiles_gen.charts.style import GRID, PRINT, Layout, mpl
from profiles_gen.charts.text import measure, place_text, wrap
from profiles_gen.scoring.score import BAND_COLOURS, BAND_SYMBOLS, BAND_TEXT


def new_canvas(height: float, width: float = PRINT.width):
    """A figure ``width`` by ``height`` units and an axes over all of it, in those units."""
    # A figure of its own on an Agg canvas, as pyplot would make it, without pyplot's figure
    # manager to make and close.
    m = mpl()
    fig = m.Figure(figsize=(width / 72, height / 72), dpi=72)
    m.FigureCanvas(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def add_patch(ax, patch):
    """``ax.add_patch`` without updating the axes' data limits: every canvas sets its limits
    itself (``new_canvas``), and the update measures each patch's outline, a tenth of the
    time a chart takes to draw."""
    ax.add_artist(patch)
    return patch


def chip_width(size: float) -> float:
    return measure("4", size, "bold")[0] + 4


def draw_chip(ax, band: str, x: float, y: float, size: float) -> float:
    """The band's symbol in a small box of the band's colour, centred on ``y``; its width."""
    w, h = measure("4", size, "bold")
    box = mpl().Rectangle(
        (x, y - h / 2), w + 4, h, facecolor=BAND_COLOURS[band], edgecolor=GRID, linewidth=0.4
    )
    add_patch(ax, box)
    place_text(
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


def _legend_columns(layout: Layout, n: int) -> int:
    return 1 if layout.narrow and n and layout.width < 360 else 2


def legend_height(entries: list[tuple[str, str]], layout: Layout = PRINT) -> tuple[list, float]:
    """Each band label wrapped into its column; the wrapped labels and the legend's height."""
    columns = _legend_columns(layout, len(entries))
    room = layout.width / columns - chip_width(layout.label) - 10
    fitted = [wrap(label, room, layout.label) for _, label in entries]
    rows = [fitted[i : i + columns] for i in range(0, len(fitted), columns)]
    heights = [max(measure(t, layout.label)[1] for t in row) + 3 for row in rows]
    return fitted, sum(heights)


def draw_legend(ax, entries: list[tuple[str, str]], top: float, layout: Layout = PRINT) -> None:
    """Band chips with their labels, in one or two columns, from ``top`` down."""
    fitted, _ = legend_height(entries, layout)
    columns = _legend_columns(layout, len(entries))
    col = layout.width / columns
    y = top
    for i in range(0, len(entries), columns):
        row = list(zip(entries[i : i + columns], fitted[i : i + columns], strict=True))
        h = max(measure(t, layout.label)[1] for _, t in row) + 3
        for c, ((band, _), label) in enumerate(row):
            x = c * col + 2
            width = draw_chip(ax, band, x, y - h / 2, layout.label)
            place_text(
                ax, x + width + 4, y - h / 2, label, ha="left", va="center", fontsize=layout.label
            )
        y -= h
