"""Every chart of the sample city and the sample volume fits its text, in every language.

Each chart is drawn as a matplotlib figure (no SVG, no PDF) and every text box is measured
with the renderer: no two texts may overlap, and each must lie inside its area (the wheel
segment, tile or chip it labels, else the figure, which is never wider than the text
column of the PDF, so no chart is scaled down in print).
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from profiles_gen.build.publication import prepare_city, prepare_volume
from profiles_gen.charts import canvas, figures, style
from profiles_gen.charts import draw as drawing
from profiles_gen.charts import specs as spec_builders
from profiles_gen.charts import text as fitting
from profiles_gen.core import shaping
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.scoring.compare import compare_cities, progress
from profiles_gen.scoring.score import score_city

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "ru", "en-XA")
TOLERANCE = 0.3  # pt: boxes may touch, not overlap


@cache
def _specs(lang: str) -> dict[str, drawing.Spec]:
    """Every chart spec of the sample city and of the sample volume (its parts and its own)."""
    fmt = Formatter(lang, translations(lang))
    specs = {}
    city, catalogue, _ = prepare_city(ROOT / "cities" / "tbilisi")
    score = score_city(city, catalogue)
    for name, spec in spec_builders.chart_specs(
        city, catalogue, score, fmt, progress(city, catalogue, score)
    ).items():
        specs[f"tbilisi/{name}"] = spec
    volume, catalogue, _ = prepare_volume(ROOT / "cities" / "norway")
    scores = [score_city(member, catalogue) for member in volume.members]
    for member, score in zip(volume.members, scores, strict=True):
        changes = progress(member, catalogue, score)
        for name, spec in spec_builders.chart_specs(member, catalogue, score, fmt, changes).items():
            specs[f"norway/{member.slug}/{name}"] = spec
    comparison = compare_cities(list(volume.members), scores, volume.year_window)
    specs["norway/cmp-dimensions"] = spec_builders.comparison_spec(comparison, catalogue, fmt)
    return specs


def _box(text, renderer) -> np.ndarray:
    """The four corners (display units) of ``text``'s layout box, rotated as drawn."""
    if not text.get_rotation():
        b = text.get_window_extent(renderer)
        return np.array([(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)])
    assert text.get_rotation_mode() == "anchor", text.get_text()
    angle = text.get_rotation()
    text.set_rotation(0)
    b = text.get_window_extent(renderer)
    text.set_rotation(angle)
    ax, ay = text.get_transform().transform(text.get_position())
    corners = np.array([(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)]) - (ax, ay)
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return corners @ rot.T + (ax, ay)


def _shrunk(corners: np.ndarray, by: float) -> np.ndarray:
    centre = corners.mean(axis=0)
    out = []
    for p in corners:
        d = p - centre
        n = np.linalg.norm(d)
        out.append(p - d / n * by if n > by else centre)
    return np.array(out)


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Separating axis test of two convex quadrilaterals."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array((-edge[1], edge[0]))
            if not np.any(axis):
                continue
            pa, pb = a @ axis, b @ axis
            if pa.max() <= pb.min() or pb.max() <= pa.min():
                return False
    return True


def _edge_points(corners: np.ndarray, n: int = 12) -> np.ndarray:
    return np.array(
        [
            corners[i] + (corners[(i + 1) % 4] - corners[i]) * t
            for i in range(4)
            for t in np.linspace(0, 1, n, endpoint=False)
        ]
    )


def problems(fig) -> list[str]:
    """Every overlap of two texts and every text outside its area, in ``fig``."""
    fig.set_dpi(fitting.MEASURE_DPI)  # where the rounding of glyph widths is negligible
    renderer = fig.canvas.get_renderer()
    texts = [
        t
        for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent"))
        if t.get_visible() and t.get_text().strip()
    ]
    boxes = [(t, _box(t, renderer)) for t in texts]
    found = []
    width, height = fig.bbox.width, fig.bbox.height
    for t, corners in boxes:
        area = getattr(t, style.AREA, None)
        inner = _shrunk(corners, TOLERANCE)
        if area is None:
            if (inner < -0.01).any() or (inner[:, 0] > width).any() or (inner[:, 1] > height).any():
                found.append(f"{t.get_text()!r} outside the figure")
        else:
            path, transform = area.get_path(), area.get_transform()
            if not path.contains_points(_edge_points(inner), transform=transform).all():
                found.append(f"{t.get_text()!r} outside its area")
    # Each text's box shrunk once, with its bounds: two texts whose bounds lie apart (most
    # pairs) have the separating axis of x or y; the others are tested on their edges.
    shrunk = [
        (t, s, s.min(axis=0), s.max(axis=0)) for t, c in boxes for s in [_shrunk(c, TOLERANCE)]
    ]
    for n, (t1, s1, low1, high1) in enumerate(shrunk):
        for t2, s2, low2, high2 in shrunk[n + 1 :]:
            if (low2 >= high1).any() or (low1 >= high2).any():
                continue
            if _overlap(s1, s2):
                found.append(f"{t1.get_text()!r} overlaps {t2.get_text()!r}")
    return found


def test_an_overlap_and_a_label_outside_its_tile_are_found(tmp_path) -> None:
    """The check itself: two texts at one place, and a tile name far too long to fit."""
    fig, ax = canvas.new_canvas(100)
    fitting.place_text(ax, 10, 10, "one")
    fitting.place_text(ax, 12, 11, "two")
    tile = ax.add_patch(style.mpl().Rectangle((50, 50), 20, 20))
    fitting.place_text(ax, 52, 60, "a name much wider than its tile", area=tile)
    fitting.place_text(ax, 20, 50, "radial", rotation=90, rotation_mode="anchor")
    fitting.place_text(ax, 20, 50, "across", rotation=90, rotation_mode="anchor", ha="center")
    found = problems(fig)
    assert "'one' overlaps 'two'" in found
    assert "'a name much wider than its tile' outside its area" in found
    assert "'radial' overlaps 'across'" in found and len(found) == 3
    style.mpl().plt.close(fig)


def _figures(spec, layout: str = "print") -> list:
    """The figure of ``spec`` in ``layout``: its pieces, where it is drawn in several."""
    drawn = drawing.figure(spec, layout)
    return drawn if isinstance(drawn, list) else [drawn]


def _texts(fig) -> list:
    return [t for t in fig.axes[0].texts if t.get_text().strip()]


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["print", "phone"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_fits_its_text(lang: str, layout: str) -> None:
    """Every chart of the sample city and volume, in print and on a phone: no text over
    another, none outside its area, none cut with an ellipsis, none under the layout's
    floor; a figure in print no taller than a page holds."""
    failures = {}
    specs = _specs(lang)
    assert {"tbilisi/wheel", "tbilisi/sdg", "tbilisi/bars-EC", "norway/cmp-dimensions"} <= set(
        specs
    )
    floor = style.LAYOUTS[layout].floor
    for name, spec in specs.items():
        if layout not in spec.layouts:
            continue
        for n, fig in enumerate(_figures(spec, layout)):
            fig.set_dpi(fitting.MEASURE_DPI)
            found = problems(fig)
            texts = _texts(fig)
            found += [f"{t.get_text()!r} cut" for t in texts if "…" in t.get_text()]
            found += [
                f"{t.get_text()!r} at {t.get_fontsize()}"
                for t in texts
                if t.get_fontsize() < floor - 1e-6
            ]
            if layout == "print" and fig.get_figheight() * 72 > figures.PIECE_HEIGHT + 1e-6:
                found.append(f"{fig.get_figheight() * 72:.0f} pt tall")
            style.mpl().plt.close(fig)
            if found:
                failures[f"{name} ({n + 1})"] = found[:5]
    assert not failures, failures


@pytest.mark.parametrize("lang", LANGS)
def test_a_figure_too_tall_for_a_page_comes_in_pieces_that_keep_every_row(lang: str) -> None:
    """The Economy bars (57 rows, several on two lines) in print: more than one piece,
    each with its own axis, every row's label in one of them, whole."""
    spec = _specs(lang)["tbilisi/bars-EC"]
    pieces = _figures(spec)
    labels = []
    for fig in pieces:
        labels += [t.get_text() for t in fig.axes[0].texts if t.get_ha() == "right"]
        style.mpl().plt.close(fig)
    shown = " ".join(labels).replace("-\n", "").replace("\n", " ")
    assert len(pieces) >= 2
    assert [r for r, *_ in spec.args["rows"] if "".join(r) not in shown] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_wheel_labels_every_segment(lang: str) -> None:
    """No dimension, sub-dimension or category of the wheel is left without its label."""
    for name, spec in _specs(lang).items():
        if not name.endswith("/wheel"):
            continue
        fig = drawing.figure(spec, "print")
        # A label's lines are drawn one after the other; a word cut at a line's end joins.
        shown = "\n".join(t.get_text() for t in fig.axes[0].texts).replace("-\n", "")
        shown = shown.replace("\n", " ")
        style.mpl().plt.close(fig)
        labels = [label for ring in spec.args["rings"] for label, _, _ in ring]
        assert [x for x in labels if x not in shown] == [], name


@pytest.mark.parametrize("lang", LANGS)
def test_chart_labels_print_at_seven_points_and_data_points_are_told_apart(lang: str) -> None:
    """Bars label every row at 7 pt or more; the rows of a KPI's data points differ."""
    spec = _specs(lang)["tbilisi/bars-EC"]
    labels = []
    for fig in _figures(spec):
        labels += [t for t in fig.axes[0].texts if t.get_ha() == "right"]
    assert min(t.get_fontsize() for t in labels) >= 7
    # A row's label is drawn line by line; joined, every row's label is there, whole.
    shown = "\n".join(t.get_text() for t in labels).replace("-\n", "").replace("\n", " ")
    rows = ["".join(label) for label, *_ in spec.args["rows"]]
    assert [r for r in rows if r not in shown] == []
    assert len(set(rows)) == len(rows), sorted(x for x in rows if rows.count(x) > 1)
    style.mpl().plt.close("all")


@pytest.mark.parametrize("lang", LANGS)
def test_on_a_phone_a_bar_s_label_runs_above_it_with_its_value_beside_the_bar(lang: str) -> None:
    """The phone's bars: every label starts at the left edge above its bar, across the
    width; each row's value and band chip are drawn, right of the bar, at 11.5 px or more."""
    spec = _specs(lang)["tbilisi/bars-EC"]
    fig = drawing.figure(spec, "phone")
    assert fig.get_figwidth() * 72 == style.PHONE.width
    texts = _texts(fig)
    bars = [p for p in fig.axes[0].patches if p.get_x() < 3 and p.get_height() > 5]
    values = {t.get_text() for t in texts}
    style.mpl().plt.close(fig)
    assert min(t.get_fontsize() for t in texts) >= style.PHONE.floor
    for _, share, _, value in spec.args["rows"]:
        assert value in values or share is None
    # Each bar lies under a label: the label's baseline is above the bar's top.
    assert len(bars) >= len([r for r in spec.args["rows"] if r[1] is not None])


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_label_is_measured_as_matplotlib_lays_out_its_text(weight) -> None:
    """``text.measure`` reads a line's width from the renderer directly, and its height from
    the font (not from a text artist laid out for each label): the same box, to the last
    bit, as a text artist's, which is what the chart tests below and the drawing use."""
    m = style.mpl()
    fig = m.plt.figure(figsize=(1, 1), dpi=fitting.MEASURE_DPI)
    renderer = fig.canvas.get_renderer()
    labels = [
        "Economy",
        "Общество и культура",
        "1\u202f202\u00a0700 m³",
        "CO₂e per capita (t)",
        "Ţåŕĝéţ ŕéåçĥéð",
        "≥ 66 %",
        "US$ 1 200",
        "",
    ]
    for size in (6.5, 7.25, 8.0, 11.0):
        for label in labels:
            artist = m.Text(0, 0, label, fontsize=size, fontweight=weight)
            artist.set_figure(fig)
            box = artist.get_window_extent(renderer)
            expected = (box.width * 72 / fitting.MEASURE_DPI, box.height * 72 / fitting.MEASURE_DPI)
            assert fitting._measure_line(label, size, weight) == expected, (label, size)
    m.plt.close(fig)


def _matplotlib_width(label: str, size: float, weight: str) -> float:
    """``label``'s width in points as matplotlib's renderer measures it (no shortcut)."""
    properties, _ = fitting._line(size, weight)
    _, renderer = fitting._scratch()
    width, _, _ = renderer.get_text_width_height_descent(label, properties, ismath=False)
    return width * 72 / fitting.MEASURE_DPI


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_label_shaped_by_harfbuzz_is_as_wide_as_matplotlib_measures_it(
    lang: str, monkeypatch
) -> None:
    """Every line of text the charts of both samples measure while they are laid out, in
    print and on a phone: where HarfBuzz's shaping answers (``_shaped_width``), the width is
    matplotlib's to the last bit, so the charts are drawn as matplotlib alone would draw
    them; and it answers for nearly all of them (a text that starts with a bracket is left
    to matplotlib)."""
    assert shaping.available()
    measured = set()
    measure_line = fitting._measure_line

    def recording(text, size, weight):
        measured.add((text, size, weight))
        return measure_line(text, size, weight)

    monkeypatch.setattr(fitting, "_measure_line", recording)
    # And as the charts are drawn as SVG, matplotlib's own layout of each line of text.
    from matplotlib.textpath import TextToPath

    fitting.shaped_layout()
    laid_out = TextToPath.get_text_width_height_descent
    assert getattr(laid_out, "shaped", False)
    layouts: dict = {}

    def comparing(self, s, prop, ismath):
        ours = laid_out(self, s, prop, ismath)
        layouts[(s, prop.get_size_in_points(), str(prop.get_weight()))] = (
            ours,
            laid_out.wrapped(self, s, prop, ismath),
            fitting._shaped_box(
                s, 100, 72, fitting._face(fitting._WEIGHTS.get(prop.get_weight(), "normal"))
            ),
        )
        return ours

    comparing.shaped = True  # as installed: ``figure`` leaves it as it is
    monkeypatch.setattr(TextToPath, "get_text_width_height_descent", comparing)
    for spec in _specs(lang).values():
        for layout in spec.layouts:
            for fig in _figures(spec, layout):
                fig.savefig(io.StringIO(), format="svg")
                style.mpl().plt.close(fig)
    assert len(layouts) > 500
    assert [(key, a, b) for key, (a, b, _) in layouts.items() if a != b] == []
    answered = [key for key, (_, _, box) in layouts.items() if box is not None]
    print(f"{len(answered)} of {len(layouts)} lines laid out from HarfBuzz's shaping")
    if lang != "en-XA":  # the pseudo-locale's letters are nearly all made of others
        assert len(answered) >= 0.7 * len(layouts), (len(answered), len(layouts))
    shaped, wrong = 0, []
    for text, size, weight in sorted(measured):
        width = fitting._shaped_width(text, size, fitting._face(weight))
        if width is None:
            continue
        shaped += 1
        expected = _matplotlib_width(text, size, weight)
        if width != expected:
            wrong.append((text, size, weight, width, expected))
    assert len(measured) > 1000 and not wrong, wrong[:5]
    assert shaped >= 0.7 * len(measured), (shaped, len(measured))


@pytest.mark.parametrize(
    "label",
    [
        "AVATAR To Ty",  # kerning
        "Wáter",  # a combining accent
        "ffi fl office",  # ligatures
        "Общество Ту",  # Cyrillic, kerned
        "ED-3C Дипломы",  # two scripts
        "1\u202f202\u00a0700 m³",
        " leading and trailing ",
        "(a bracket first) and last",
        "– [Šéçöñďà î]",  # bracket first, kerned into
        "مدينة",  # right to left
        "snow ☃ man",  # not in Noto Sans: matplotlib's fallback font
        "1 ≠ 2",  # not in Noto Sans either, though HarfBuzz would compose it of "=" and "/"
    ],
)
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_label_s_width_is_matplotlib_s_whether_harfbuzz_or_matplotlib_measures_it(
    label: str, weight: str
) -> None:
    """Shaped or left to matplotlib (a character the face lacks, right to left, a bracket
    before the first letter), a label measures as matplotlib measures it."""
    for size in (6.25, 7.0, 11.5, 14.571428571428571):
        assert fitting._measure_line(label, size, weight)[0] == _matplotlib_width(
            label, size, weight
        ), (label, size)
    answered = fitting._shaped_width(label, 7.0, fitting._face(weight))
    declined = any(c in label for c in "\u2603\u2260[(\u0645")
    assert (answered is None) == declined, label
