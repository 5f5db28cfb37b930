"""Charts: SVG with text kept as text, deterministic, cached by data, labels and style."""

from __future__ import annotations

from profiles_gen import chart

ROWS = [
    ("1C Household Internet Access", 0.93, "over_two_thirds", "93%"),
    ("2C Fixed Broadband", None, "no_data", "no data"),
]
TICKS = ("0%", "33%", "66%", "100%")


def draw(title: str = "Target achievement"):
    return chart.draw_bars("bars-T", ROWS, title, "Description", "Axis", "target", TICKS)


def test_svg_keeps_text_as_text_with_a_title_and_description(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(chart, "CACHE_DIR", tmp_path)
    svg = draw().svg
    assert "<text" in svg and "Household Internet Access" in svg
    assert '<title id="bars-T-title">Target achievement</title>' in svg
    assert 'role="img"' in svg and " style=" not in svg
    assert 'id="bars-T-' in svg  # ids prefixed: several charts can share a page


def test_charts_are_cached_by_their_data_labels_and_style(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(chart, "CACHE_DIR", tmp_path)
    first = draw()
    entries = list(tmp_path.rglob("*.json"))
    assert len(entries) == 1
    calls = []
    monkeypatch.setattr(chart._mpl().plt, "subplots", lambda *a, **k: calls.append(1))
    again = draw()  # served from the cache: matplotlib is not called
    assert again == first and calls == []
    monkeypatch.undo()
    monkeypatch.setattr(chart, "CACHE_DIR", tmp_path)
    other = draw("Another title")
    assert other.svg != first.svg and len(list(tmp_path.rglob("*.json"))) == 2
