"""Like with like: progress between a city's evaluations, and cities side by side.

Two values of one KPI are compared only when they measure the same thing
against the same yardstick. Each comparison carries flags saying what differs:

- ``target_changed`` / ``targets_differ``: the targets the values are scored
  against are not the same (a band moved because the target moved is no
  progress);
- ``definition_changed`` / ``definitions_differ``: a value departs from the
  U4SSC definition differently (the ``definition`` field of a value);
- ``years_apart``: across cities, the values' years are more than
  ``year_window`` years apart;
- ``same_year``: between editions, the value refers to the same year as
  before, so it is no new measurement;
- ``new`` / ``no_longer_reported``: a value exists in only one edition;
- ``unverified``: a value is marked ``verified: false`` (compared, but flagged).

Roll-ups are set side by side only when each is sufficient (enough of its KPIs
scored, see ``score.rollup``); a pair built on different KPIs is flagged with
the KPIs scored in one city and not the other (``rollup_comparison``).

A flagged comparison is shown with its flags and no band movement is claimed
for it; only unflagged rows count as like with like.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from profiles_gen.data.model import Catalogue, City, Rollup, Score, ScoredItem
from profiles_gen.scoring.score import INSUFFICIENT, rollup_json, score_city

YEAR_WINDOW = 2  # default: values more than two years apart are not compared across cities
NOT_COMPARABLE = ("target_changed", "definition_changed", "targets_differ", "definitions_differ")
FLAG_IDS = (
    "target_changed",
    "definition_changed",
    "same_year",
    "new",
    "no_longer_reported",
    "targets_differ",
    "definitions_differ",
    "years_apart",
    "unverified",
)


def _scored(item: ScoredItem) -> bool:
    return item.points is not None


def _numeric_target(item: ScoredItem):
    return item.target if isinstance(item.target, Decimal) else None


# --- progress between editions --------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One KPI or data point in the previous and in the current evaluation."""

    kpi: str
    data_point: str | None
    previous: ScoredItem
    current: ScoredItem
    change: Decimal | None  # current value minus previous value (numbers, comparable only)
    move: str | None  # up | down | same: the band, when both are scored and comparable
    flags: tuple[str, ...]

    @property
    def comparable(self) -> bool:
        return not any(f in NOT_COMPARABLE for f in self.flags)


@dataclass(frozen=True)
class Progress:
    previous_year: int
    current_year: int
    years: tuple[int, ...]  # every evaluation year, oldest first
    changes: tuple[Change, ...]
    previous_score: Score
    current_score: Score
    history: dict[int, Score]  # every earlier evaluation's score, by year

    def for_dimension(self, catalogue: Catalogue, dim: str) -> list[Change]:
        return [c for c in self.changes if catalogue.by_id[c.kpi].dimension == dim]

    def rollups(self, level: str, key: str) -> tuple[Rollup, Rollup]:
        """The roll-up in the previous and in the current evaluation."""
        return self.previous_score.rollups[level][key], self.current_score.rollups[level][key]


def change_flags(previous: ScoredItem, current: ScoredItem) -> tuple[str, ...]:
    flags = []
    had, has = previous.value is not None, current.value is not None
    if had and not has:
        flags.append("no_longer_reported")
    if has and not had:
        flags.append("new")
    if had and has:
        old_t, new_t = _numeric_target(previous), _numeric_target(current)
        if old_t is not None and new_t is not None and old_t != new_t:
            flags.append("target_changed")
        if (previous.definition or None) != (current.definition or None):
            flags.append("definition_changed")
        if previous.year is not None and previous.year == current.year:
            flags.append("same_year")
    if previous.verified is False or current.verified is False:
        flags.append("unverified")
    return tuple(flags)


def _move(previous: ScoredItem, current: ScoredItem) -> str:
    if current.points > previous.points:
        return "up"
    if current.points < previous.points:
        return "down"
    return "same"


def progress(city: City, catalogue: Catalogue, score: Score) -> Progress | None:
    """The change since the latest earlier evaluation, or None when there is none."""
    if not city.earlier:
        return None
    history = {
        e.year: score_city(replace(city, records=e.records, data_year=None), catalogue)
        for e in city.earlier
    }
    previous = city.earlier[-1]
    before = history[previous.year]
    old = {(i.kpi, i.data_point): i for i in before.items}
    changes = []
    for item in score.items:
        prev = old[(item.kpi, item.data_point)]
        if prev.value is None and item.value is None:
            continue
        flags = change_flags(prev, item)
        comparable = not any(f in NOT_COMPARABLE for f in flags)
        delta = None
        if (
            comparable
            and isinstance(prev.value, Decimal)
            and isinstance(item.value, Decimal)
            and not isinstance(prev.value, bool)
        ):
            delta = item.value - prev.value
        move = _move(prev, item) if comparable and _scored(prev) and _scored(item) else None
        changes.append(Change(item.kpi, item.data_point, prev, item, delta, move, tuple(flags)))
    return Progress(
        previous_year=previous.year,
        current_year=city.evaluation_year,
        years=(*(e.year for e in city.earlier), city.evaluation_year),
        changes=tuple(changes),
        previous_score=before,
        current_score=score,
        history=history,
    )


def progress_json(p: Progress) -> dict:
    return {
        "previous_year": p.previous_year,
        "current_year": p.current_year,
        "years": list(p.years),
        "changes": [
            {
                "kpi": c.kpi,
                "data_point": c.data_point,
                "previous_value": c.previous.value,
                "previous_year": c.previous.year,
                "previous_band": c.previous.band,
                "value": c.current.value,
                "year": c.current.year,
                "band": c.current.band,
                "change": c.change,
                "move": c.move,
                "comparable": c.comparable,
                "flags": list(c.flags),
            }
            for c in p.changes
        ],
    }


# --- cities side by side ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One KPI or data point across cities, in the order of ``Comparison.cities``."""

    kpi: str
    data_point: str | None
    items: tuple[ScoredItem, ...]
    flags: tuple[str, ...]

    @property
    def comparable(self) -> bool:
        return not any(f in NOT_COMPARABLE or f == "years_apart" for f in self.flags)


@dataclass(frozen=True)
class Comparison:
    cities: tuple[City, ...]
    scores: tuple[Score, ...]
    rows: tuple[Row, ...]
    year_window: int

    def rollups(self, level: str, key: str) -> tuple[Rollup, ...]:
        return tuple(s.rollups[level][key] for s in self.scores)

    def rollup_comparison(self, catalogue: Catalogue, level: str, key: str) -> RollupComparison:
        return rollup_comparison(self, catalogue, level, key)


@dataclass(frozen=True)
class RollupComparison:
    """One roll-up across cities: set side by side only when every city's is sufficient."""

    sufficient: tuple[bool, ...]  # per city
    only: dict[str, tuple[str, ...]]  # city slug -> items scored there and not in every city

    @property
    def comparable(self) -> bool:
        return all(self.sufficient)

    @property
    def same_kpis(self) -> bool:
        return not any(self.only.values())


def _in_group(catalogue: Catalogue, level: str, key: str, kpi_id: str) -> bool:
    kpi = catalogue.by_id[kpi_id]
    if level == "city":
        return True
    if level == "sdg":
        return int(key) in kpi.sdgs
    return {"category": kpi.category, "subdimension": kpi.subdimension}.get(
        level, kpi.dimension
    ) == key


def item_label(kpi_code: str, data_point: str | None) -> str:
    return kpi_code + (f" {data_point}" if data_point else "")


def rollup_comparison(c: Comparison, catalogue: Catalogue, level: str, key: str):
    """Whether a roll-up compares across the cities, and the KPIs it rests on in each."""

    scored = []
    for s in c.scores:
        scored.append(
            {
                (i.kpi, i.data_point)
                for i in s.items
                if i.points is not None and _in_group(catalogue, level, key, i.kpi)
            }
        )
    common = set.intersection(*scored) if scored else set()
    only = {
        city.slug: tuple(
            item_label(catalogue.by_id[k].code, dp) for k, dp in sorted(own - common, key=str)
        )
        for city, own in zip(c.cities, scored, strict=True)
    }
    sufficient = tuple(s.rollups[level][key].band != INSUFFICIENT for s in c.scores)
    return RollupComparison(sufficient, only)


def row_flags(items: list[ScoredItem], year_window: int) -> tuple[str, ...]:
    """What differs among the cities' values of one KPI (only cities with a value count)."""
    reported = [i for i in items if i.value is not None]
    if len(reported) < 2:
        return ()
    flags = []
    targets = {_numeric_target(i) for i in reported if _numeric_target(i) is not None}
    if len(targets) > 1:
        flags.append("targets_differ")
    if len({i.definition or None for i in reported}) > 1:
        flags.append("definitions_differ")
    years = [i.year for i in reported if i.year is not None]
    if years and max(years) - min(years) > year_window:
        flags.append("years_apart")
    if any(i.verified is False for i in reported):
        flags.append("unverified")
    return tuple(flags)


def compare_cities(
    cities: list[City], scores: list[Score], year_window: int = YEAR_WINDOW
) -> Comparison:
    """Every KPI and data point of ``cities`` side by side, each row flagged where unlike."""
    by_city = [{(i.kpi, i.data_point): i for i in s.items} for s in scores]
    rows = []
    for item in scores[0].items:
        key = (item.kpi, item.data_point)
        items = [index[key] for index in by_city]
        rows.append(Row(item.kpi, item.data_point, tuple(items), row_flags(items, year_window)))
    return Comparison(tuple(cities), tuple(scores), tuple(rows), year_window)


def comparison_json(c: Comparison, catalogue: Catalogue) -> dict:
    slugs = [city.slug for city in c.cities]
    levels = ("category", "subdimension", "dimension", "sdg")

    def side_by_side(level: str, key: str) -> dict:
        rc = rollup_comparison(c, catalogue, level, key)
        return {
            "comparable": rc.comparable,
            "same_kpis": rc.same_kpis,
            "only_in": {slug: list(items) for slug, items in rc.only.items() if items},
        }

    return {
        "cities": slugs,
        "year_window": c.year_window,
        "items": [
            {
                "kpi": row.kpi,
                "code": catalogue.by_id[row.kpi].code,
                "data_point": row.data_point,
                "comparable": row.comparable,
                "flags": list(row.flags),
                "cities": {
                    slug: {
                        "value": i.value,
                        "year": i.year,
                        "target": i.target,
                        "achievement": i.achievement,
                        "band": i.band,
                        "points": i.points,
                        "definition": i.definition,
                        "illustrative": i.illustrative,
                        "verified": i.verified,
                        "target_set": i.target_set,
                    }
                    for slug, i in zip(slugs, row.items, strict=True)
                },
            }
            for row in c.rows
        ],
        "rollups": {
            **{
                level: {
                    key: {
                        slug: rollup_json(r)
                        for slug, r in zip(slugs, c.rollups(level, key), strict=True)
                    }
                    for key in c.scores[0].rollups[level]
                }
                for level in levels
            },
            "city": {
                city.slug: rollup_json(s.rollups["city"][city.slug])
                for city, s in zip(c.cities, c.scores, strict=True)
            },
        },
        "rollup_comparison": {
            **{
                level: {key: side_by_side(level, key) for key in c.scores[0].rollups[level]}
                for level in levels
            },
            "city": _whole_city(c, catalogue),
        },
    }


def _whole_city(c: Comparison, catalogue: Catalogue) -> dict:
    """The whole-city roll-ups side by side (each city's is keyed by its own slug)."""

    scored = [{(i.kpi, i.data_point) for i in s.items if i.points is not None} for s in c.scores]
    common = set.intersection(*scored) if scored else set()
    return {
        "comparable": all(
            s.rollups["city"][city.slug].band != INSUFFICIENT
            for city, s in zip(c.cities, c.scores, strict=True)
        ),
        "same_kpis": all(own == common for own in scored),
        "only_in": {
            city.slug: [
                item_label(catalogue.by_id[k].code, dp) for k, dp in sorted(own - common, key=str)
            ]
            for city, own in zip(c.cities, scored, strict=True)
            if own - common
        },
    }
