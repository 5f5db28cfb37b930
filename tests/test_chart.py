"""Charts: SVG with text kept as text, deterministic, cached by data, labels and style."""

from __future__ import annotations

from profiles_gen.charts import draw as drawing
from profiles_gen.charts import figures
from profiles_gen.charts import text as fitting

ROWS = (
    (("1C Household Internet Access", ""), 0.93, "over_two_thirds", "93%"),
    (("2C Fixed Broadband", ""), None, "no_data", "no data"),
)
TICKS = ("0%", "33%", "66%", "100%")


def spec(title: str = "Target achievement") -> drawing.Spec:
    return drawing.Spec(
        "bars",
        "bars-T",
        title,
        "Description",
        (("KPI", "Result"), (("1C Household Internet Access", "93%"),)),
        {"rows": ROWS, "axis_label": "Axis", "target_label": "target", "ticks": TICKS},
    )


def test_svg_keeps_text_as_text_with_a_title_and_description(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(drawing, "CACHE_DIR", tmp_path)
    svg = drawing.draw(spec()).svg
    assert "<text" in svg and "Household Internet Access" in svg
    assert '<title id="bars-T-title">Target achievement</title>' in svg
    assert 'role="img"' in svg and " style=" not in svg
    assert 'id="bars-T-' in svg  # ids prefixed: several charts can share a page


def test_charts_are_cached_with_their_data_by_their_spec_and_style(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(drawing, "CACHE_DIR", tmp_path)
    first = drawing.draw(spec())
    assert first.data == spec().data  # the data table comes with the chart, from the cache too
    entries = list(tmp_path.rglob("*.json"))
    assert len(entries) == 1
    calls = []
    monkeypatch.setitem(figures.FIGURES, "bars", lambda **k: calls.append(1))
    again = drawing.draw(spec())  # served from the cache: matplotlib is not called
    assert again == first and calls == []
    monkeypatch.undo()
    monkeypatch.setattr(drawing, "CACHE_DIR", tmp_path)
    other = drawing.draw(spec("Another title"))
    assert other.svg != first.svg and len(list(tmp_path.rglob("*.json"))) == 2


def test_a_label_is_wrapped_then_shrunk_to_fit_and_hyphenated_only_as_a_last_resort() -> None:
    words = "Industry, innovation and infrastructure"
    text, size = fitting.fit_text(words, lambda w, h: w <= 60, 7, 5)
    assert size == 7 and text.count("\n") >= 1 and fitting.measure(text, size)[0] <= 60
    with fitting.hyphenation("ru"):
        text, size = fitting.fit_text("Индустриализация", lambda w, h: w <= 40, 7, 5, 2)
    # Cut where Russian hyphenates it (Pyphen's dictionary), never after a lone vowel.
    assert text.replace("-\n", "|") in ("Индустри|ализация", "Инду|стриализация") and size == 5
    assert fitting.fit_text("x" * 40, lambda w, h: w <= 5, 7, 5, 1) is None


def test_labels_hyphenate_with_the_language_s_own_dictionary() -> None:
    """The hand-made vowel rule broke "Произво-дите-льность"; the dictionary does not."""
    with fitting.hyphenation("ru"):
        assert fitting.break_points("Производительность") == [3, 5, 7, 9, 13]
        lines = fitting.wrap("Производительность", 30, 7).split("\n")
    assert all(line.rstrip("-") for line in lines) and len(lines) > 1
    assert "".join(line.removesuffix("-") for line in lines) == "Производительность"
    pieces = [line.removesuffix("-") for line in lines]
    cuts = [sum(map(len, pieces[: n + 1])) for n in range(len(pieces) - 1)]
    assert set(cuts) <= {3, 5, 7, 9, 13}, lines
    with fitting.hyphenation("en"):
        assert fitting.break_points("infrastructure") == [2, 5, 10]
        assert fitting.break_points("ICT-2C") == []  # a code is never broken
        assert 4 in fitting.break_points("Low-Carbon")  # after its own hyphen
    with fitting.hyphenation("en-XA"):  # the pseudo-locale hyphenates as English
        assert fitting.break_points("ïñƒŕåšţŕûçţûŕé") == [2, 5, 10]


def test_a_wrapped_label_is_never_cut_or_ellipsized() -> None:
    long = "UP-2A Urban Development and Spatial Planning – Inclusive city"
    for lang in ("en", "ru"):
        with fitting.hyphenation(lang):
            text = fitting.wrap(long, 90, 7, balance=True)
        assert "…" not in text and text.replace("\n", " ") == long
        assert all(fitting.measure(line, 7)[0] <= 90 for line in text.split("\n"))


def test_a_layout_is_drawn_when_an_edition_needs_it_and_kept(tmp_path, monkeypatch) -> None:
    """A PDF alone draws the print layout; the HTML edition then adds the phone's, without
    drawing the print layout again; both are served from the cache after that."""
    monkeypatch.setattr(drawing, "CACHE_DIR", tmp_path)
    real, calls = figures.FIGURES["bars"], []

    def counted(**kw):
        calls.append(kw["layout"].name)
        return real(**kw)

    monkeypatch.setitem(figures.FIGURES, "bars", counted)
    pdf = drawing.draw(spec(), ("print",))
    assert list(pdf.files) == ["print"] and calls == ["print"]
    both = drawing.draw(spec(), ("print", "phone"))
    assert list(both.files) == ["print", "phone"] and calls == ["print", "phone"]
    assert both.files["print"] == pdf.files["print"]
    assert drawing.draw(spec()) == both and calls == ["print", "phone"]
    assert 'viewBox="0 0 340 ' in open(both.files["phone"], encoding="utf-8").read()
