"""Destinations on a landscape page set in the portrait book move with its content (quick;
the built PDFs are checked in test_print_layout)."""

from __future__ import annotations

import pytest

from profiles_gen.publish.turned import _turned_destination

HEIGHT = 595.0  # an A4 landscape page's height: the turned page's width


def content_turn(x: float, y: float) -> tuple[float, float]:
    """Where the page's content matrix ``0 1 -1 0 HEIGHT 0 cm`` draws the point (x, y)."""
    a, b, c, d, e, f = 0, 1, -1, 0, HEIGHT, 0
    return a * x + c * y + e, b * x + d * y + f


@pytest.mark.parametrize("point", [(45.0, 544.0), (800.0, 20.0), (0.0, 0.0)])
def test_a_point_destination_goes_where_the_content_goes(point) -> None:
    view = _turned_destination(["/XYZ", *point, 0], HEIGHT)
    assert view[0] == "/XYZ" and view[3] == 0
    assert tuple(view[1:3]) == pytest.approx(content_turn(*point))


def test_rectangles_fits_and_unspecified_coordinates() -> None:
    x0, y0 = content_turn(100, 50)
    x1, y1 = content_turn(300, 200)
    rect = _turned_destination(["/FitR", 100, 50, 300, 200], HEIGHT)
    assert rect[0] == "/FitR"
    assert rect[1:] == pytest.approx([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)])
    assert _turned_destination(["/FitH", 500], HEIGHT) == ["/FitV", pytest.approx(95.0)]
    assert _turned_destination(["/FitV", 40], HEIGHT) == ["/FitH", 40]
    assert _turned_destination(["/XYZ", "null", 500, "null"], HEIGHT) == [
        "/XYZ", pytest.approx(95.0), "null", "null"
    ]  # fmt: skip
    assert _turned_destination(["/Fit"], HEIGHT) == ["/Fit"]
