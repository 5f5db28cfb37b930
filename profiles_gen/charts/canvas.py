"""A figure's canvas, the band chips and the legend."""

from __future__ import annotations

from profiles_gen.charts.style import GRID, LABEL, WIDTH, mpl
from profiles_gen.charts.text import fit_text, measure, place_text
from profiles_gen.scoring.score import BAND_COLOURS, BAND_SYMBOLS, BAND_TEXT


def new_canvas(height: float):
    """A figure ``WIDTH`` by ``height`` points and an axes over all of it, in points."""
    m = mpl()
    fig = m.plt.figure(figsize=(WIDTH / 72, height / 72), dpi=72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def draw_chip(ax, band: str, x: float, y: float, size: float = LABEL) -> float:
    """The band's symbol in a small box of the band's colour, centred on ``y``; its width."""
    w, h = measure("4", size, "bold")
    box = mpl().Rectangle(
        (x, y - h / 2), w + 4, h, facecolor=BAND_COLOURS[band], edgecolor=GRID, linewidth=0.4
    )
    ax.add_patch(box)
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


def legend_height(entries: list[tuple[str, str]], columns: int = 2) -> tuple[list, float]:
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


def draw_legend(ax, entries: list[tuple[str, str]], top: float, columns: int = 2) -> None:
    """Band chips with their labels, in ``columns`` columns, from ``top`` down."""
    fitted, _ = legend_height(entries, columns)
    col = WIDTH / columns
    y = top
    for i in range(0, len(entries), columns):
        row = list(zip(entries[i : i + columns], fitted[i : i + columns], strict=True))
        h = max(measure(t, s)[1] for _, (t, s) in row) + 3
        for c, ((band, _), (label, size)) in enumerate(row):
            x = c * col + 2
            width = draw_chip(ax, band, x, y - h / 2)
            place_text(ax, x + width + 4, y - h / 2, label, ha="left", va="center", fontsize=size)
        y -= h
