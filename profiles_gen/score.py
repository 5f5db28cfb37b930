"""Stage 3, score: U4SSC target achievement, bands and roll-ups.

Pure arithmetic in ``Decimal`` so that band boundaries hold exactly (57.0 of a
target of 60 is exactly 95 %, which is *not* above 95 %). No I/O, no
formatting. The rules are those of ``shared/reference/scoring.md``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from profiles_gen.model import (
    Catalogue,
    City,
    DataPoint,
    Kpi,
    Measurement,
    Rollup,
    Score,
    ScoredItem,
)

ONE = Decimal(1)
ZERO = Decimal(0)

# The band table: the one place that holds the cut-offs. A share strictly
# above ``floor`` earns the band; the upper bound of each range is inclusive.
BANDS: tuple[tuple[str, Decimal, int], ...] = (
    ("reached", Decimal("0.95"), 4),
    ("over_two_thirds", Decimal("0.66"), 3),
    ("one_to_two_thirds", Decimal("0.33"), 2),
    ("one_third_or_less", Decimal("-1"), 1),
)
NO_TARGET = "no_target"
NO_DATA = "no_data"
BAND_IDS = tuple(b[0] for b in BANDS) + (NO_TARGET, NO_DATA)
POINTS = {band: points for band, _, points in BANDS}
MAX_POINTS = max(POINTS.values())

# Band colours (scoring.md), in one place for charts and CSS alike.
BAND_COLOURS = {
    "reached": "#1A9641",
    "over_two_thirds": "#A6D96A",
    "one_to_two_thirds": "#FDAE61",
    "one_third_or_less": "#D7191C",
    "no_target": "#BDBDBD",
    "no_data": "#FFFFFF",
}
# Text colour on each band colour with a contrast ratio of at least 4.5:1.
BAND_TEXT = {
    "reached": "#000000",
    "over_two_thirds": "#1B1B1B",
    "one_to_two_thirds": "#1B1B1B",
    "one_third_or_less": "#FFFFFF",
    "no_target": "#1B1B1B",
    "no_data": "#1B1B1B",
}
# A symbol per band so that no reading depends on colour alone.
BAND_SYMBOLS = {
    "reached": "4",
    "over_two_thirds": "3",
    "one_to_two_thirds": "2",
    "one_third_or_less": "1",
    "no_target": "–",
    "no_data": "×",
}


def band_for(share: Decimal) -> str:
    """The band of an achievement (capped or not) or of a roll-up share."""
    for band, floor, _ in BANDS:
        if share > floor:
            return band
    raise AssertionError("unreachable: the last floor is below every share")


def achievement(value: Decimal | bool, target: Decimal | bool, direction: str) -> Decimal:
    """The uncapped achievement ratio of a value against its target."""
    if direction == "yes_no":
        return ONE if value is True else ZERO
    if direction == "higher":
        if target == ZERO:
            return ONE
        return Decimal(value) / Decimal(target)
    if direction == "lower":
        if value == ZERO:
            return ONE  # a value of 0 meets any lower-is-better target (design decision)
        return Decimal(target) / Decimal(value)
    raise ValueError(f"unknown direction {direction!r}")


def score_item(
    kpi: Kpi, point: DataPoint | None, m: Measurement | None, reason: str | None = None
) -> ScoredItem:
    direction = point.direction if point else kpi.direction
    default_target = point.target if point and point.target is not None else kpi.target
    default_source = (
        point.target_source if point and point.target is not None else kpi.target_source
    )
    target, source = default_target, default_source
    if m is not None and m.target is not None:
        target, source = m.target, m.target_source
    if direction == "yes_no":
        target, source = True, None
    base = dict(
        kpi=kpi.id,
        data_point=point.id if point else None,
        target=target,
        target_source=source,
        reason=reason,
    )
    if m is None or m.value is None:
        return ScoredItem(
            value=None,
            year=None,
            source=None,
            achievement_raw=None,
            achievement=None,
            band=NO_DATA,
            points=None,
            **base,
        )
    found = dict(
        value=m.value,
        year=m.year,
        source=m.source,
        illustrative=m.illustrative,
        note=m.note,
        definition=m.definition,
    )
    if direction is None or target is None:
        return ScoredItem(
            achievement_raw=None, achievement=None, band=NO_TARGET, points=None, **found, **base
        )
    raw = achievement(m.value, target, direction)
    capped = min(raw, ONE)
    band = band_for(capped)
    return ScoredItem(
        achievement_raw=raw, achievement=capped, band=band, points=POINTS[band], **found, **base
    )


def score_kpi(kpi: Kpi, city: City) -> list[ScoredItem]:
    record = city.records.get(kpi.id)
    reason = record.reason if record else None
    if record is None or record.not_reported:
        points = kpi.data_points or (None,)
        return [score_item(kpi, p, None, reason) for p in points]
    if kpi.data_points:
        points = [(p, record.data_points.get(p.id)) for p in kpi.data_points]
        return [score_item(kpi, p, m, m.reason if m else None) for p, m in points]
    return [score_item(kpi, None, record.measurement)]


def rollup(key: str, items: list[ScoredItem]) -> Rollup:
    scored = [i for i in items if i.points is not None]
    points = sum(i.points for i in scored)
    max_points = MAX_POINTS * len(scored)
    share = Decimal(points) / Decimal(max_points) if max_points else None
    return Rollup(
        key=key,
        points=points,
        max_points=max_points,
        share=share,
        band=band_for(share) if share is not None else NO_DATA,
        scored=len(scored),
        no_target=sum(1 for i in items if i.band == NO_TARGET),
        no_data=sum(1 for i in items if i.band == NO_DATA),
    )


def rollup_json(r: Rollup) -> dict:
    """A roll-up as the JSON exports give it."""
    return {
        "points": r.points,
        "max_points": r.max_points,
        "share": r.share,
        "band": r.band,
        "scored": r.scored,
        "no_target": r.no_target,
        "no_data": r.no_data,
    }


def score_city(city: City, catalogue: Catalogue) -> Score:
    items = [item for kpi in catalogue.kpis for item in score_kpi(kpi, city)]
    groups: dict[str, dict[str, list[ScoredItem]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        kpi = catalogue.by_id[item.kpi]
        groups["category"][kpi.category].append(item)
        groups["subdimension"][kpi.subdimension].append(item)
        groups["dimension"][kpi.dimension].append(item)
        for sdg in kpi.sdgs:
            groups["sdg"][str(sdg)].append(item)
        groups["city"][city.slug].append(item)
    order = {
        "category": [c.id for c in catalogue.categories],
        "subdimension": [s.id for s in catalogue.subdimensions],
        "dimension": [d.id for d in catalogue.dimensions],
        "sdg": [str(n) for n in range(1, 18)],
        "city": [city.slug],
    }
    rollups = {
        level: {key: rollup(key, groups[level].get(key, [])) for key in keys}
        for level, keys in order.items()
    }
    return Score(items=tuple(items), rollups=rollups)
