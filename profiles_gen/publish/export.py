"""The open-data exports of a publication: its scored KPIs as JSON and CSV.

``<slug>-kpis.json`` follows the ``score --json`` contract (and, for a
volume, each member's document and the comparison); ``<slug>-kpis.csv`` is
the same items as a flat table. Pure: text in, text out; ``publish`` writes
the files and attaches them to each PDF.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from profiles_gen.scoring.compare import compare_cities, comparison_json, progress, progress_json
from profiles_gen.scoring.score import rollup_json

# A text cell that starts so is read as a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@")


def escape_formula(text):
    """A text cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``,
    or a tab or carriage return first), prefixed with ``'`` as OWASP recommends for CSV."""
    if isinstance(text, str) and text and (text[0] in FORMULA_START or text[0] in "\t\r"):
        return "'" + text
    return text


def unescape_formula(text):
    """The text ``escape_formula`` escaped, restored."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(type(value))


def score_json(score, catalogue, progress=None) -> dict:
    """The scored KPIs and roll-ups as the ``score --json`` contract defines them.

    With earlier evaluations, ``progress`` adds the change since the previous one.
    """
    items = []
    for i in score.items:
        items.append(
            {
                "kpi": i.kpi,
                "code": catalogue.by_id[i.kpi].code,
                "data_point": i.data_point,
                "value": i.value,
                "year": i.year,
                "source": i.source,
                "target": i.target,
                "target_source": i.target_source,
                "achievement": i.achievement,
                "achievement_raw": i.achievement_raw,
                "band": i.band,
                "points": i.points,
                "illustrative": i.illustrative,
                "reason": i.reason,
                "definition": i.definition,
                "target_set": i.target_set,
                "target_kind": i.target_kind,
                "target_url": i.target_url,
                "quality": i.quality,
                "verified": i.verified,
                "origin": i.origin,
                "unscored": i.unscored,
                "note": i.note,  # the city's note on the value, as printed with it
            }
        )
    rollups = {
        level: {key: rollup_json(r) for key, r in entries.items()}
        for level, entries in score.rollups.items()
    }
    out = {"items": items, "rollups": rollups}
    if progress is not None:
        out["progress"] = progress_json(progress)
    return out


def dumps_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


CSV_FIELDS = (
    "kpi",
    "code",
    "data_point",
    "value",
    "year",
    "source",
    "target",
    "target_source",
    "achievement",
    "achievement_raw",
    "band",
    "points",
    "illustrative",
    "reason",
    "definition",
    "target_set",
    "target_kind",
    "target_url",
    "quality",
    "verified",
    "origin",
    "unscored",
    "note",
)


def score_csv(score, catalogue) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in score_json(score, catalogue)["items"]:
        writer.writerow({k: ("" if v is None else _csv_value(v)) for k, v in item.items()})
    return buf.getvalue()


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(_json_default(value))
    return escape_formula(str(value)) if isinstance(value, str) else str(value)


def volume_json(volume, scores, catalogue, comparison) -> dict:
    """A volume's data: each member's ``score --json`` document and the comparison."""

    return {
        "volume": volume.slug,
        "members": {
            city.slug: score_json(score, catalogue, progress(city, catalogue, score))
            for city, score in zip(volume.members, scores, strict=True)
        },
        "comparison": comparison_json(comparison, catalogue),
    }


def volume_csv(volume, scores, catalogue) -> str:
    """The members' scored KPIs in one table, with the city first on each row."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=("city", *CSV_FIELDS), lineterminator="\n")
    writer.writeheader()
    for city, score in zip(volume.members, scores, strict=True):
        for item in score_json(score, catalogue)["items"]:
            row = {k: ("" if v is None else _csv_value(v)) for k, v in item.items()}
            writer.writerow({"city": city.slug, **row})
    return buf.getvalue()


def _files(slug: str, text_json: str, text_csv: str) -> dict[str, tuple[str, str]]:
    return {
        f"{slug}-kpis.csv": (text_csv, "Scored KPIs (CSV)"),
        f"{slug}-kpis.json": (text_json, "Scored KPIs and roll-ups (JSON)"),
    }


def city_exports(city, score, catalogue) -> dict[str, tuple[str, str]]:
    """A city's exports: name -> (text, description), the scores with the city's progress."""

    text_json = dumps_json(score_json(score, catalogue, progress(city, catalogue, score)))
    return _files(city.slug, text_json, score_csv(score, catalogue))


def volume_exports(volume, scores, catalogue) -> dict[str, tuple[str, str]]:
    """A volume's exports: every member's scores and the comparison of the members."""

    comparison = compare_cities(list(volume.members), list(scores), volume.year_window)
    text_json = dumps_json(volume_json(volume, scores, catalogue, comparison))
    return _files(volume.slug, text_json, volume_csv(volume, scores, catalogue))
