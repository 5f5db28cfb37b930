"""Fonts subset by HarfBuzz (``core.subset``): the same glyphs as fontTools gave, faster."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools import subset as fonttools_subset
from fontTools.ttLib import TTFont

from profiles_gen.charts import draw
from profiles_gen.core import subset
from profiles_gen.core.paths import FONT_DIR
from profiles_gen.publish import fonts

TEXT = "Tbilisi 2023: 1 202 700 m³ — Тбилиси, «Общество и культура» ≥ 66 % fi ffl CO₂e"
POINTS = sorted({ord(c) for c in TEXT} | fonts.BASE)


def _face(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def test_harfbuzz_is_there() -> None:
    # A system dependency (tools/system-deps.sh): the build must not quietly fall back.
    assert subset.available()


def test_harfbuzz_keeps_the_glyphs_fonttools_kept() -> None:
    path = FONT_DIR / "NotoSans-Regular.ttf"
    points = [p for p in POINTS if p in subset.cmap(path)]
    options = fonttools_subset.Options()
    options.name_IDs = ["*"]
    theirs = fonttools_subset.load_font(str(path), options)
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(theirs)
    data = subset.subset_font(path, points, drop_tables=["FFTM"], features=options.layout_features)
    assert data is not None
    ours = _face(data)
    assert set(ours.getBestCmap()) == set(theirs.getBestCmap()) == set(points)
    # The ligatures the features reach ("fi", "ffl") are kept, and nothing much more.
    assert abs(len(ours.getGlyphOrder()) - len(theirs.getGlyphOrder())) <= 2
    assert "GSUB" in ours and "GPOS" in ours and "FFTM" not in ours
    licence = {r.nameID for r in ours["name"].names}
    assert 13 in licence and 0 in licence  # the licence and the copyright stay with the font


def test_the_site_fonts_are_the_same_without_harfbuzz(monkeypatch, tmp_path) -> None:
    fast = {f.file: f for f in fonts.web_fonts({ord(c) for c in TEXT}, tmp_path / "a")}
    monkeypatch.setattr(subset, "_libraries", lambda: None)
    fonts._SUBSETS.clear()
    slow = {f.file: f for f in fonts.web_fonts({ord(c) for c in TEXT}, tmp_path / "b")}
    assert fast.keys() == slow.keys() and "DejaVuSans.woff2" in fast  # ≥ is DejaVu's
    for name, font in fast.items():
        assert font.data != slow[name].data  # made by the two subsetters ...
        assert font.data[:4] == slow[name].data[:4] == b"wOF2"
        ours, theirs = _face(font.data), _face(slow[name].data)
        # ... the characters asked of each face (fontTools' may map a few more: "≤" beside "≥")
        assert set(font.codepoints) <= set(ours.getBestCmap()) & set(theirs.getBestCmap())
        assert font.codepoints == slow[name].codepoints
        assert abs(len(ours.getGlyphOrder()) - len(theirs.getGlyphOrder())) <= 2


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_charts_fonts_carry_its_glyphs_advances_kerning_and_ligatures(
    tmp_path, monkeypatch, weight
) -> None:
    """A chart's fonts carry the glyphs of its text with their advances, and the kerning
    and ligatures matplotlib set them with (it shapes through HarfBuzz, with its default
    features), so that a browser sets each label as wide as it was measured."""
    monkeypatch.setattr(draw, "CACHE_DIR", tmp_path)
    chars = set("Общество 66 % ≠ Economy office")
    style = draw.font_style({"normal": set(), "bold": set(), weight: chars})
    faces = re.findall(
        r'font-family: "([^"]+)"; font-weight: (\w+); src: url\(data:font/woff2;base64,([^)]+)\)',
        style,
    )
    assert {(family, w) for family, w, _ in faces} == {
        ("Noto Sans", weight),
        ("DejaVu Sans", weight),
    }
    covered = set()
    for family, _, data in faces:
        face = _face(base64.b64decode(data))
        assert not {"FFTM", "DSIG"} & set(face.keys())
        if family == "Noto Sans":
            features = {r.FeatureTag for r in face["GPOS"].table.FeatureList.FeatureRecord}
            assert "kern" in features
            ligatures = {r.FeatureTag for r in face["GSUB"].table.FeatureList.FeatureRecord}
            assert "liga" in ligatures
        original = TTFont(FONT_DIR / draw._FACES[weight][0 if family == "Noto Sans" else 1])
        for code, glyph in face.getBestCmap().items():
            # the advances matplotlib measured the labels with
            source = original["hmtx"][original.getBestCmap()[code]][0]
            assert face["hmtx"][glyph][0] == source, chr(code)
        covered |= {chr(c) for c in face.getBestCmap()}
    assert chars - {" "} <= covered
    assert "≠" in covered  # from DejaVu Sans, which Noto Sans lacks it for
