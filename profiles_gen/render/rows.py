"""A scored KPI or data point as the tables show it."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from profiles_gen.data.model import (
    Catalogue,
    ScoredItem,
    Shown,
    shown,
)
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import NBSP, Formatter, with_unit
from profiles_gen.scoring.score import (
    BAND_SYMBOLS,
    INSUFFICIENT,
)


@dataclass(frozen=True)
class Row:
    """One line of a KPI table."""

    item: ScoredItem
    code: str
    name: str
    data_point: str
    unit: str
    kpi_type: str
    value: str
    target: str
    target_source: Shown
    achievement: str
    achievement_raw: str
    band: str
    band_label: str
    symbol: str
    sdgs: str
    illustrative: bool
    value_in_text: str = ""  # the value with its unit, for running text (value_in_text)
    target_in_text: str = ""  # the target likewise
    target_kind: str = ""  # where the target comes from, in the page's language
    target_set: str = ""  # the set, as a reader sees it (vocabulary.target_set)
    target_set_code: bool = False  # the set's name is a code, not words of the edition
    quality: str = ""  # compact data-quality mark (A–F, legend under Annex I)
    verified: str = ""  # ✓ verified, ✗ not verified, "" not said
    source: Shown | None = None  # the value's source, or why it is not reported
    reason: Shown | None = None
    target_ref: int | None = None  # the number of the target's reference (methodology)
    note: Shown | None = None  # the city's note on the value ("data not verifiable")
    anchor: str = ""  # the row's id in every edition and language (kpi_anchor)


def kpi_anchor(kpi: str, data_point: str | None = None) -> str:
    """The id of a KPI's (or a data point's) row, the same in every edition and language:
    ``kpi-EC-ICT-ICT-1C``, ``kpi-EN-EN-AQ-1C-PM2-5`` (a volume's part prefixes its city)."""
    if not data_point:
        return f"kpi-{kpi}"
    return f"kpi-{kpi}-{re.sub(r'[^A-Za-z0-9]+', '-', data_point).strip('-')}"


def format_value(fmt: Formatter, kpi, value, point=None) -> str:
    """A value with the decimals it was written with (``97.00`` stays 97.00)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if kpi.unit_of(point).startswith("%"):
        return fmt.percent(value, digits=_places(value))
    return fmt.number(value, digits=_places(value))


def value_in_text(fmt: Formatter, kpi, value, point=None) -> str:
    """``format_value`` followed by the unit running text needs: the data point's own unit
    or the KPI's short unit, in the form the number as shown needs ("1 year", «72,5 года»);
    a unit never leaves its number. Percentages carry their sign, yes/no no unit."""
    text = format_value(fmt, kpi, value, point)
    if not text or isinstance(value, bool):
        return text
    unit = fmt.kpi_short_unit(kpi, value, point, digits=_places(value))
    return with_unit(text, unit) if unit else text


def _places(value) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def make_row(fmt: Formatter, catalogue: Catalogue, item: ScoredItem) -> Row:
    kpi = catalogue.by_id[item.kpi]
    point = kpi.data_point(item.data_point) if item.data_point else None
    target = item.target
    unit = point.unit if point is not None and point.unit else None
    set_label, set_code = vocab.target_set(fmt, item.target_set)
    return Row(
        item=item,
        code=kpi.code,
        name=fmt.kpi_name(kpi),
        data_point=fmt.data_point_name(kpi, item.data_point),
        unit=fmt.point_unit(kpi, unit) if unit else fmt.kpi_unit(kpi),
        kpi_type=vocab.kpi_type(fmt, kpi.type),
        value=format_value(fmt, kpi, item.value, point),
        target=(fmt.yes_no(True) if target is True else format_value(fmt, kpi, target, point)),
        value_in_text=value_in_text(fmt, kpi, item.value, point),
        target_in_text=(
            fmt.yes_no(True) if target is True else value_in_text(fmt, kpi, target, point)
        ),
        target_source=shown(fmt, item.target_text or item.target_source),
        source=shown(fmt, item.source or item.reason),
        reason=shown(fmt, item.reason),
        note=shown(fmt, item.note),
        achievement=(
            fmt.percent(item.achievement, 0, fraction=True) if item.achievement is not None else ""
        ),
        achievement_raw=(
            fmt.percent(item.achievement_raw, 1, fraction=True)
            if item.achievement_raw is not None
            else ""
        ),
        band=item.band,
        band_label=vocab.band_short(fmt, item.band),
        symbol=BAND_SYMBOLS[item.band],
        sdgs=", ".join(kpi.sdg_targets),
        illustrative=item.illustrative,
        target_kind=vocab.target_kind(fmt, item.target_kind),
        # a city's own target of the kind "city target" names no set ("city target · city")
        target_set="" if item.target_set == item.target_kind == "city" else set_label,
        target_set_code=set_code,
        quality=vocab.QUALITY_MARKS.get(item.quality or "", ""),
        verified={True: "✓", False: "✗"}.get(item.verified, ""),
        anchor=kpi_anchor(item.kpi, item.data_point),
    )


def not_reported_once(rows: list[Row]) -> list[Row]:
    """Rows without data; a KPI whose data points all lack data for one reason is listed once."""
    out: list[Row] = []
    for row in rows:
        if row.band != "no_data":
            continue
        if row.item.data_point:
            siblings = [r for r in rows if r.item.kpi == row.item.kpi]
            if all(r.band == "no_data" and r.reason == row.reason for r in siblings):
                if siblings[0] is row:
                    out.append(dataclasses.replace(row, data_point=""))
                continue
        out.append(row)
    return out


def format_change(fmt: Formatter, kpi, change, point=None) -> str:
    """A change in a value, in the value's own unit (printed beside the name): ``+5.2 pp``
    for a percentage (percentage points), ``+6 published datasets`` for a data point
    counting datasets, ``−120 per 100 000 inhabitants``; a bare number where the unit has no
    short form (an index, a ratio)."""
    if change is None:
        return ""
    if kpi.unit_of(point).startswith("%"):
        # Translators: abbreviation of "percentage points", after a change such as +5.2.
        pp = fmt.pgettext("unit", "pp")
        return f"{fmt.signed(change)}{NBSP}{pp}"
    text = fmt.signed(change)
    unit = fmt.kpi_short_unit(kpi, abs(change), point, digits=_places(abs(change)))
    return with_unit(text, unit) if unit else text


def rollup_change(fmt: Formatter, before, after) -> str:
    """The change of a roll-up's share in percentage points; none where either result is
    insufficient (no share is shown beside an insufficient result, nor a change of one)."""
    if before.share is None or after.share is None:
        return ""
    if INSUFFICIENT in (before.band, after.band):
        return ""
    points = (after.share - before.share) * 100
    return f"{fmt.signed(points, 0)}{NBSP}{fmt.pgettext('unit', 'pp')}"
