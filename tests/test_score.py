"""Scoring: bands at every boundary, directions, yes/no, data points, roll-ups."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.model import City, DataPoint, Kpi, KpiRecord, Measurement, ScoredItem
from profiles_gen.data.validate import _publication
from profiles_gen.scoring.score import achievement, band_for, rollup, score_city, score_item

CAT = load_catalogue()


def kpi(direction: str = "higher", target=None, points=()) -> Kpi:
    return Kpi(
        id="EC-ICT-ICT-1C",
        code="EC: ICT: ICT: 1C",
        dimension="EC",
        subdimension="EC-ICT",
        category="EC-ICT-ICT",
        type="core",
        name="Test",
        unit="% of households",
        direction=direction,
        sdg_targets=("17.8",),
        data_points=tuple(points),
        target=None if target is None else D(str(target)),
        target_source=None if target is None else "Test benchmark",
    )


def m(value, target=None) -> Measurement:
    return Measurement(
        value=value if isinstance(value, bool) else D(str(value)),
        year=2021,
        source="Test",
        target=None if target is None else D(str(target)),
        target_source=None if target is None else "Test plan",
    )


@pytest.mark.parametrize(
    ("share", "band"),
    [
        ("1.5", "reached"),
        ("1", "reached"),
        ("0.9500001", "reached"),
        ("0.95", "over_two_thirds"),
        ("0.6600001", "over_two_thirds"),
        ("0.66", "one_to_two_thirds"),
        ("0.3300001", "one_to_two_thirds"),
        ("0.33", "one_third_or_less"),
        ("0", "one_third_or_less"),
    ],
)
def test_band_boundaries_upper_bound_inclusive(share: str, band: str) -> None:
    assert band_for(D(share)) == band


@pytest.mark.parametrize(
    ("value", "target", "band"),
    [
        ("57.0", 60, "over_two_thirds"),  # the worked example: exactly 95 %
        ("57.01", 60, "reached"),  # "more than 57.0 %" is 95 %+
        ("39.6", 60, "one_to_two_thirds"),  # exactly 66 %
        ("19.8", 60, "one_third_or_less"),  # exactly 33 %
        ("19.81", 60, "one_to_two_thirds"),
        ("90", 60, "reached"),  # over-achievement is capped
    ],
)
def test_worked_example_fixed_broadband(value: str, target: int, band: str) -> None:
    item = score_item(kpi(target=target), None, m(value))
    assert item.band == band


def test_capped_and_raw_achievement_kept() -> None:
    item = score_item(kpi(target=60), None, m(90))
    assert item.achievement == D(1)
    assert item.achievement_raw == D("1.5")
    assert item.points == 4


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0, 15, D(1)),  # lower is better, value 0 achieves 100 %
        (30, 15, D("0.5")),
        (15, 15, D(1)),
        (10, 15, D("1.5")),
    ],
)
def test_lower_is_better(value, target, expected) -> None:
    assert achievement(D(value), D(target), "lower") == expected


def test_yes_no() -> None:
    k = kpi(direction="yes_no")
    assert score_item(k, None, m(True)).band == "reached"
    no = score_item(k, None, m(False))
    assert (no.band, no.points, no.achievement) == ("one_third_or_less", 1, D(0))


def test_missing_target_and_missing_value() -> None:
    assert score_item(kpi(), None, m(50)).band == "no_target"
    assert score_item(kpi(), None, m(50)).points is None
    assert score_item(kpi(target=60), None, None).band == "no_data"


def test_city_target_overrides_catalogue_default_with_its_source() -> None:
    item = score_item(kpi(target=60), None, m(50, target=50))
    assert item.band == "reached"
    assert item.target_source == "Test plan"
    default = score_item(kpi(target=60), None, m(50))
    assert default.target_source == "Test benchmark"


def test_data_points_scored_separately_with_own_direction_and_target() -> None:
    points = (
        DataPoint("public", "Public", "higher"),
        DataPoint("private", "Private", "lower"),
        DataPoint("para", "Para", None, D(5), "x"),
    )
    k = kpi(points=points)
    public = score_item(k, points[0], m(40, target=50))
    private = score_item(k, points[1], m(40, target=20))
    para = score_item(k, points[2], m(3))
    assert (public.band, private.band) == ("over_two_thirds", "one_to_two_thirds")
    assert para.band == "no_target"  # direction not settled: never scored


def _item(points: int | None, band: str = "reached") -> ScoredItem:
    return ScoredItem(
        kpi="X",
        data_point=None,
        value=None,
        year=None,
        source=None,
        target=None,
        target_source=None,
        achievement_raw=None,
        achievement=None,
        band=band if points else "no_data",
        points=points,
    )


def test_rollup_worked_examples() -> None:
    first = rollup("c", [_item(1), _item(3), _item(4), _item(1)])
    assert (first.points, first.max_points, first.share) == (9, 16, D("0.5625"))
    assert first.band == "one_to_two_thirds"
    second = rollup("c", [_item(3), _item(4), _item(2), _item(None)])
    assert (second.points, second.max_points, second.share) == (9, 12, D("0.75"))
    assert second.band == "over_two_thirds"
    assert (second.scored, second.no_data) == (3, 1)


def test_rollup_without_scored_items_is_no_data() -> None:
    r = rollup("c", [_item(None)], min_coverage=D(0))
    assert (r.share, r.band, r.max_points) == (None, "no_data", 0)


def test_rollup_without_scored_items_is_insufficient_under_a_threshold() -> None:
    r = rollup("c", [_item(None)])
    assert (r.share, r.band, r.items, r.coverage) == (None, "insufficient_data", 1, D(0))


def _city(records: dict) -> City:
    return City(
        slug="t",
        dir=Path("."),
        name={"en": "T"},
        country={"en": "C"},
        languages=("en",),
        evaluation_year=2022,
        data_status="official",
        publication=_publication({}, {"evaluation_year": 2022}),
        key_facts=(),
        records=records,
        chapters={},
        recommendations=(),
    )


def test_score_city_rolls_up_every_level_and_counts_coverage() -> None:
    records = {
        "EC-ICT-ICT-2C": KpiRecord("EC-ICT-ICT-2C", m(57)),  # default target 60: 3 points
        "EC-I-WS-1C": KpiRecord("EC-I-WS-1C", m(100)),  # SDG default 100: 4 points
        "SC-SH-SI-3C": KpiRecord("SC-SH-SI-3C", None, not_reported=True, reason="none"),
    }
    score = score_city(_city(records), CAT)
    total_items = sum(max(1, len(k.data_points)) for k in CAT.kpis)
    assert len(score.items) == total_items
    city = score.rollups["city"]["t"]
    assert (city.points, city.max_points, city.scored) == (7, 8, 2)
    assert city.no_data == total_items - 2
    assert score.rollups["dimension"]["EC"].share == D("0.875")
    assert score.rollups["sdg"]["6"].points == 4
    assert score.rollups["sdg"]["17"].points == 3
    assert score.rollups["sdg"]["1"].band == "insufficient_data"  # 0 of its items scored
    assert score.rollups["sdg"]["1"].share_band == "no_data"
    assert score.rollups["category"]["EC-I-WS"].scored == 1
    assert set(score.rollups) == {"category", "subdimension", "dimension", "sdg", "city"}
