"""Stage 3, score: U4SSC target achievement, bands and roll-ups.

Pure arithmetic in ``Decimal`` so that band boundaries hold exactly (57.0 of a
target of 60 is exactly 95 %, which is *not* above 95 %). No I/O, no
formatting. The rules are those of ``shared/reference/scoring.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from profiles_gen.core.bands import BANDS, band_for
from profiles_gen.data.model import (
    Catalogue,
    City,
    DataPoint,
    Kpi,
    Measurement,
    Rollup,
    Score,
    ScoredItem,
    Scoring,
    achievement,
)
from profiles_gen.data.targets import CITY_SET, EMPTY, Targets, targets_for

ONE = Decimal(1)
ZERO = Decimal(0)

# The band table (``core.bands``): the one place that holds the cut-offs.
NO_TARGET = "no_target"
NO_DATA = "no_data"
BAND_IDS = tuple(b[0] for b in BANDS) + (NO_TARGET, NO_DATA)
# A value left unscored because it is not verified (scoring: {require_verified: true}).
UNVERIFIED = "unverified"
# A roll-up whose coverage (scored items / items) is below the publication's threshold.
INSUFFICIENT = "insufficient_data"
ROLLUP_BAND_IDS = BAND_IDS + (INSUFFICIENT,)
DEFAULT_SCORING = Scoring()
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
    "unverified": "#E0E0E0",
    "insufficient_data": "#F2F2F2",  # drawn with neutral hatching, never a band colour
}
# Text colour on each band colour with a contrast ratio of at least 4.5:1.
BAND_TEXT = {
    "reached": "#000000",
    "over_two_thirds": "#1B1B1B",
    "one_to_two_thirds": "#1B1B1B",
    "one_third_or_less": "#FFFFFF",
    "no_target": "#1B1B1B",
    "no_data": "#1B1B1B",
    "unverified": "#1B1B1B",
    "insufficient_data": "#1B1B1B",
}
# A symbol per band so that no reading depends on colour alone.
BAND_SYMBOLS = {
    "reached": "4",
    "over_two_thirds": "3",
    "one_to_two_thirds": "2",
    "one_third_or_less": "1",
    "no_target": "–",
    "no_data": "×",
    "unverified": "!",
    "insufficient_data": "?",
}


# The "sets" of targets that are not set files: a value's own benchmark performance from
# the city's workbook, and the yes/no rule.
WORKBOOK_SET = "workbook"
YES_NO_SET = "yes_no_rule"
U4SSC_KIND = "u4ssc"
# The source lines of both, English msgids: the editions show them through the catalogues
# (context "target-source", as every other source line without languages of its own).
WORKBOOK_SOURCE = "U4SSC benchmark performance, from the city's data-collection workbook"
YES_NO_SOURCE = "U4SSC KPI definition: the plan, service or system it asks about exists (yes)"


def score_item(
    kpi: Kpi,
    point: DataPoint | None,
    m: Measurement | None,
    reason: str | None = None,
    targets: Targets = EMPTY,
    scoring: Scoring = DEFAULT_SCORING,
) -> ScoredItem:
    """One KPI or data point scored against its target, with the target's provenance.

    The target is the city's own (``target`` in kpis.yaml) if it gives one, else the one of
    the publication's target sets (later sets win). Where no target is known, the value's
    U4SSC benchmark performance from the city's workbook (``benchmark_performance``) is its
    score; a yes/no KPI without either is scored against yes. A target of 0 (lower is
    better): a value of 0 reaches it, any value above 0 achieves 0 % (band one third or less).
    """
    direction = point.direction if point else kpi.direction
    found = targets.get(kpi.id, point.id if point else None)
    target = source = target_set = kind = url = text = None
    if found is not None:
        target, source, target_set = found.value, found.source_text("en"), found.set
        kind, url, text = found.kind, found.url, found.text
    elif point is not None and point.target is not None or point is None and kpi.target is not None:
        # A target carried by the KPI itself (a catalogue built in code, as in tests).
        target = point.target if point is not None else kpi.target
        source = point.target_source if point is not None else kpi.target_source
    if m is not None and m.target is not None:
        target, source, target_set = m.target, m.target_source, CITY_SET
        kind, url, text = m.target_kind or CITY_SET, None, None
    performance = m.performance if m is not None and m.value is not None else None
    if target is None and performance is not None:  # U4SSC scored it: so is it here
        source, target_set, kind = WORKBOOK_SOURCE, WORKBOOK_SET, U4SSC_KIND
    elif target is None and direction == "yes_no":
        # yes is what the KPI asks for: 100 % (scoring.md), without a set entry
        target, source, target_set, kind = True, YES_NO_SOURCE, YES_NO_SET, U4SSC_KIND
    else:
        performance = None
    base = dict(
        kpi=kpi.id,
        data_point=point.id if point else None,
        target=target,
        target_source=source,
        reason=reason,
        target_set=target_set,
        target_kind=kind,
        target_url=url,
        target_text=text,
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
    found_value = dict(
        value=m.value,
        year=m.year,
        source=m.source,
        illustrative=m.illustrative,
        note=m.note,
        definition=m.definition,
        quality=m.quality,
        verified=m.verified,
        origin=m.origin,
    )
    if performance is None and (direction is None or target is None):
        return ScoredItem(
            achievement_raw=None,
            achievement=None,
            band=NO_TARGET,
            points=None,
            **found_value,
            **base,
        )
    if scoring.require_verified and m.verified is not True:
        return ScoredItem(
            achievement_raw=None,
            achievement=None,
            band=UNVERIFIED,
            points=None,
            unscored="unverified",
            **found_value,
            **base,
        )
    if performance is not None:
        # The workbook's own score: its share of the benchmark, or only its band.
        raw = performance.achievement
        capped = min(raw, ONE) if raw is not None else None
        band = band_for(capped) if capped is not None else performance.band
    else:
        raw = achievement(m.value, target, direction)
        capped = min(raw, ONE)
        band = band_for(capped)
    return ScoredItem(
        achievement_raw=raw,
        achievement=capped,
        band=band,
        points=POINTS[band],
        **found_value,
        **base,
    )


def score_kpi(
    kpi: Kpi, city: City, targets: Targets = EMPTY, scoring: Scoring = DEFAULT_SCORING
) -> list[ScoredItem]:
    record = city.records.get(kpi.id)
    reason = record.reason if record else None
    if record is None or record.not_reported:
        points = kpi.data_points or (None,)
        return [score_item(kpi, p, None, reason, targets, scoring) for p in points]
    if kpi.data_points:
        points = [(p, record.data_points.get(p.id)) for p in kpi.data_points]
        return [score_item(kpi, p, m, m.reason if m else None, targets, scoring) for p, m in points]
    return [score_item(kpi, None, record.measurement, None, targets, scoring)]


def sufficient(scored: int, items: int, min_coverage: Decimal) -> bool:
    """Whether ``scored`` of ``items`` reaches the coverage threshold (exactly, in decimal)."""
    return Decimal(scored) >= min_coverage * Decimal(items)


def rollup(
    key: str, items: list[ScoredItem], min_coverage: Decimal = DEFAULT_SCORING.min_coverage
) -> Rollup:
    """Points over the scored items; the band is insufficient_data below ``min_coverage``,
    with what is missing: values ("data"), targets for the values reported ("targets"), or
    verified values where verification is required ("verification")."""
    scored = [i for i in items if i.points is not None]
    points = sum(i.points for i in scored)
    max_points = MAX_POINTS * len(scored)
    share = Decimal(points) / Decimal(max_points) if max_points else None
    share_band = band_for(share) if share is not None else NO_DATA
    coverage = Decimal(len(scored)) / Decimal(len(items)) if items else None
    reported = sum(1 for i in items if i.band != NO_DATA)
    band, missing = share_band, None
    if items and not sufficient(len(scored), len(items), min_coverage):
        band = INSUFFICIENT
        with_target = len(scored) + sum(1 for i in items if i.band == UNVERIFIED)
        if not sufficient(reported, len(items), min_coverage):
            missing = "data"
        elif not sufficient(with_target, len(items), min_coverage):
            missing = "targets"
        else:
            missing = "verification"
    return Rollup(
        key=key,
        points=points,
        max_points=max_points,
        share=share,
        band=band,
        scored=len(scored),
        no_target=sum(1 for i in items if i.band == NO_TARGET),
        no_data=sum(1 for i in items if i.band == NO_DATA),
        items=len(items),
        coverage=coverage,
        share_band=share_band,
        reported=reported,
        missing=missing,
    )


def rollup_json(r: Rollup) -> dict:
    """A roll-up as the JSON exports give it; an insufficient one says what is missing."""
    out = {
        "points": r.points,
        "max_points": r.max_points,
        "share": r.share,
        "band": r.band,
        "scored": r.scored,
        "no_target": r.no_target,
        "no_data": r.no_data,
        "items": r.items,
        "reported": r.reported,
        "coverage": r.coverage,
        "sufficient": r.band != INSUFFICIENT,
    }
    if r.missing is not None:
        out["missing"] = r.missing
    return out


def score_city(city: City, catalogue: Catalogue, targets: Targets | None = None) -> Score:
    """Every KPI and data point of ``city`` scored, and every roll-up.

    ``targets``: the merged target sets; by default those the city names (``city.targets``).
    """
    if targets is None:
        targets = targets_for(city, catalogue)
    scoring = getattr(city, "scoring", DEFAULT_SCORING)
    items = [item for kpi in catalogue.kpis for item in score_kpi(kpi, city, targets, scoring)]
    data_year = getattr(city, "data_year", None)
    if data_year is not None:  # the year of the values that give none (city.yaml)
        items = [
            replace(i, year=data_year) if i.value is not None and i.year is None else i
            for i in items
        ]
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
        level: {key: rollup(key, groups[level].get(key, []), scoring.min_coverage) for key in keys}
        for level, keys in order.items()
    }
    return Score(items=tuple(items), rollups=rollups)
