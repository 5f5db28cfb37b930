"""The printed page, defined once: A4, its margins, the width of the text column and of a chart.

Read by the print stylesheet (``publish.styles.page_css`` writes the ``@page`` rules from
it), by the charts (their width in points) and by ``verify`` (text nearer a page's top or
bottom edge than the smallest margin is a running head or a page number, not body text).
"""

from __future__ import annotations

PT_PER_MM = 72 / 25.4
PT_PER_PX = 72 / 96  # a CSS px (1/96 in) in PDF points (1/72 in): WeasyPrint's page scale

PAGE_SIZE = "A4"
PAGE_WIDTH_MM = 210
# top, right, bottom, left
MARGINS_MM = (22, 20, 22, 20)  # every page but the covers and the annexes
ANNEX_MARGINS_MM = (18, 16, 18, 16)  # the annex tables, on landscape pages
COVER_MARGINS_MM = (0, 0, 0, 0)  # the covers: their colour runs to the edges
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM[1] - MARGINS_MM[3]

# Every chart is 6.3 in (160 mm) wide, within the text column: never scaled down in print,
# so its type prints at the size it is set.
CHART_WIDTH_PT = 453.6


def edge_pt(landscape: bool) -> float:
    """Text closer than this to the top or bottom edge of a page is set in its margins: running
    heads, page numbers and draft marks, centred in the margin. Three quarters of the
    margin: the last line of a figure's text may reach a little below the text area."""
    top, _, bottom, _ = ANNEX_MARGINS_MM if landscape else MARGINS_MM
    return 0.75 * min(top, bottom) * PT_PER_MM


def _mm(margins: tuple[int, int, int, int]) -> str:
    return " ".join(f"{m}mm" for m in margins)


def page_css() -> str:
    """The size and margins of the pages, as the print stylesheet's first ``@page`` rules."""
    return (
        f"@page {{ size: {PAGE_SIZE}; margin: {_mm(MARGINS_MM)}; }}\n"
        f"@page annex {{ size: {PAGE_SIZE} landscape; margin: {_mm(ANNEX_MARGINS_MM)}; }}\n"
        f"@page cover {{ margin: {_mm(COVER_MARGINS_MM)}; }}"
    )
