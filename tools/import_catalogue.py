"""Regenerate profiles_gen/data/u4ssc-kpis.yaml from the shared reference TSV.

Run once when the reference changes: ``python tools/import_catalogue.py``.
The YAML it writes is the project's source of truth for the framework; the
few facts this script adds to the TSV (per-data-point directions, default
targets are not among them: they live in target sets, ``targets/*.yaml``) are
listed below with their sources, so the provenance of every field stays readable.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TSV = ROOT.parent / "shared" / "reference" / "u4ssc-kpis.tsv"
DEFINITIONS = ROOT / "tools" / "kpi-definitions.yaml"
OUT = ROOT / "profiles_gen" / "data" / "u4ssc-kpis.yaml"

DIMENSIONS = [("EC", "Economy"), ("EN", "Environment"), ("SC", "Society and Culture")]
SUBDIMENSIONS = [
    ("EC-ICT", "ICT"),
    ("EC-P", "Productivity"),
    ("EC-I", "Infrastructure"),
    ("EN-EN", "Environment"),
    ("EN-E", "Energy"),
    ("SC-EH", "Education, Health and Culture"),
    ("SC-SH", "Safety, Housing and Social Inclusion"),
]

# Data-point directions, read from the TSV's prose ("per data point: ...").
# None means the direction is not settled: such a data point is reported but
# never scored (band "no_target").
DATA_POINT_DIRECTIONS = {
    "EC-I-T-4A": {
        "public": "higher",
        "private": "lower",
        "cycling": "higher",
        "walking": "higher",
        "para": None,
    },
    "EN-EN-WA-1C": {
        "landfill": "lower",
        "burnt": "lower",
        "incinerated": None,
        "open_dump": "lower",
        "recycled": "higher",
        "other": None,
    },
}
DATA_POINT_NAMES = {
    "public": "Public transport",
    "private": "Private vehicle",
    "cycling": "Cycling",
    "walking": "Walking",
    "para": "Para transit",
    "landfill": "Landfill",
    "burnt": "Open burning",
    "incinerated": "Incineration",
    "open_dump": "Open dump",
    "recycled": "Recycling",
    "other": "Other",
    "primary": "Primary treatment",
    "secondary": "Secondary treatment",
    "tertiary": "Tertiary treatment",
    "compact": "Compact city",
    "connected": "Connected city",
    "integrated": "Integrated city",
    "inclusive": "Inclusive city",
    "resilient": "Resilient city",
    "percent": "Share published",
    "number": "Datasets published",
}

# Typographic fixes of units as printed (the TSV is plain ASCII).
UNIT_FIXES = {"ug/m3": "µg/m³", "per m2 ": "per m² ", "(0-1)": "(0–1)", "(0-3)": "(0–3)"}

# Targets are data in target sets (targets/default.yaml and others), each with its
# source, kind and note; the catalogue holds the framework only.
# Data points measured in another unit than their KPI (validated and printed in it).
DATA_POINT_UNITS = {"EC-ICT-PS-1A": {"number": "number of published datasets"}}


# The short unit of each unit, printed after a number in running text ("24 µg/m³"); the
# long phrase stays in tables. "" for a count, a ratio or an index (no unit after it). Every
# unit that is not a percentage must be listed: a new one fails the import.
PER_100K = "per 100 000 inhabitants"
SHORT_UNITS = {
    "GJ per capita per year": "GJ per capita per year",
    "Gini coefficient of income (0–1)": "",
    "annual mean concentration, µg/m³, per pollutant": "µg/m³",
    "area of public recreational facilities per 100 000 inhabitants": "m² " + PER_100K,
    "average duration of an interruption, minutes (CAIDI)": "minutes",
    "average number of interruptions per customer per year (SAIFI)": (
        "interruptions per customer per year"
    ),
    "cultural institutions per 100 000 inhabitants": PER_100K,
    "deaths per 100 000 inhabitants": PER_100K,
    "e-kWh per m² per year": "e-kWh per m² per year",
    "firefighters (FTE) per 100 000 inhabitants": PER_100K,
    "hectares of green area per 100 000 inhabitants": "ha " + PER_100K,
    "higher education degrees per 100 000 inhabitants": PER_100K,
    "in-patient (public) hospital beds per 100 000 inhabitants": PER_100K,
    "kWh per capita per year": "kWh per capita per year",
    "km of bicycle paths and lanes per 100 000 inhabitants": "km " + PER_100K,
    "km of public transport network per 100 000 inhabitants": "km " + PER_100K,
    "litres per capita per day": "litres per capita per day",
    "maternal deaths per 100 000 live births": "per 100 000 live births",
    "minutes (average response time)": "minutes",
    "new patents granted per 100 000 inhabitants per year": PER_100K + " per year",
    "number of public Wi-Fi hotspots": "",
    "number of public services delivered through electronic means": "",
    "physicians per 100 000 inhabitants": PER_100K,
    "police officers (FTE) per 100 000 inhabitants": PER_100K,
    "ratio of average hourly earnings, female : male": "",
    "ratio of peak-period to free-flow travel time": "",
    "shared bicycles per 100 000 inhabitants": PER_100K,
    "shared vehicles per 100 000 inhabitants": PER_100K,
    "subscriptions per 100 000 inhabitants": PER_100K,
    "tonnes CO2-equivalent per capita": "t CO₂e per capita",
    "traffic fatalities per 100 000 inhabitants": PER_100K,
    "violent crimes per 100 000 inhabitants": PER_100K,
    "years (average life expectancy)": "years",
}


# Short units that are countable nouns take the form their number needs ("1 year",
# "72.5 years"; Russian «1 год», «2 года», «5 лет», «72,5 года»): their English singular,
# the msgid of a plural entry whose msgid_plural is the short unit. The others are
# abbreviations (µg/m³, km, kWh) or a rate ("per 100 000 inhabitants") that a number
# does not change.
SHORT_UNIT_SINGULARS = {
    "interruptions per customer per year": "interruption per customer per year",
    "litres per capita per day": "litre per capita per day",
    "minutes": "minute",
    "years": "year",
}
# A data point's own unit in running text, where it has one: (singular, plural). Tables
# keep the long unit ("number of published datasets").
DATA_POINT_SHORT_UNITS = {
    "EC-ICT-PS-1A": {"number": ("published dataset", "published datasets")},
}


def _short_unit(kpi: dict) -> str:
    unit = kpi["unit"]
    if unit.startswith("%"):
        return "%"
    if unit.startswith("yes/no"):
        return ""
    if unit not in SHORT_UNITS:
        raise SystemExit(f"{kpi['id']}: no short unit for {unit!r} (add it to SHORT_UNITS)")
    return SHORT_UNITS[unit]


def _fix_unit(unit: str) -> str:
    for old, new in UNIT_FIXES.items():
        unit = unit.replace(old, new)
    return unit


def _direction(row: dict[str, str]) -> tuple[str, str | None]:
    text = row["direction"].strip()
    if text in ("higher", "lower", "yes_no"):
        return text, None
    if text.startswith("higher (judged)"):
        return "higher", "direction judged from the definition"
    if text.startswith("closer to 1"):
        return "higher", (
            "ratio female:male; closer to 1 is better, scored as higher"
            " is better up to the target of 1 (judged)"
        )
    if text.startswith("per data point"):
        return "higher", "direction differs by data point"
    raise SystemExit(f"unknown direction {text!r} for {row['id']}")


def _definitions() -> tuple[dict, dict]:
    data = yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))
    return data["sources"], data["kpis"]


def _source(ref: str, sources: dict[str, str]) -> str:
    """``M23`` -> the URL of page 23 of the Collection Methodology; ``NTNU`` -> its note."""
    key = ref.rstrip("0123456789")
    page = ref[len(key) :]
    return sources[key].format(page) if page else sources[key]


def _add_definition(kpi: dict, entry: dict | None, sources: dict[str, str]) -> None:
    """Definition, its sources and confidence; the ITU page's unit and direction win."""
    if entry is None:
        return
    if entry.get("unit"):
        kpi["unit"] = entry["unit"]
    stated = entry.get("direction")
    if stated and stated != kpi["direction"]:
        raise SystemExit(
            f"{kpi['id']}: the ITU page says {stated!r} is better,"
            f" the reference {kpi['direction']!r}"
        )
    refs = entry["sources"]
    kpi["definition"] = entry["definition"]
    kpi["definition_sources"] = [_source(r, sources) for r in refs]
    kpi["definition_confidence"] = "ITU page" if refs[0][0] in "MV" else "secondary list"
    if stated:
        kpi["direction_source"] = _source(refs[0], sources)


CONFIRMED = "confirmed on an ITU page"


def _confirm(kpi: dict) -> None:
    """A KPI whose definition was read on an ITU page has its name and code confirmed there."""
    if kpi.get("definition_confidence") != "ITU page" or kpi["confidence"] == "conflicting codes":
        return
    kpi["confidence"] = CONFIRMED
    itu = [u for u in kpi["definition_sources"] if u not in kpi["sources"]]
    kpi["sources"] = itu + kpi["sources"]


def convert(rows: list[dict[str, str]]) -> dict:
    def_sources, definitions = _definitions()
    unknown = set(definitions) - {r["id"] for r in rows}
    if unknown:
        raise SystemExit(f"{DEFINITIONS.name}: unknown KPI ids {sorted(unknown)}")
    categories: dict[str, str] = {}
    kpis = []
    for row in rows:
        dim, sub, cat, _num = row["id"].split("-")
        categories.setdefault(f"{dim}-{sub}-{cat}", row["category"])
        direction, direction_note = _direction(row)
        kpi: dict = {
            "id": row["id"],
            "code": row["code"],
            "category": f"{dim}-{sub}-{cat}",
            "type": row["type"],
            "name": row["name_en"],
            "unit": _fix_unit(row["unit_en"]),
            "direction": direction,
        }
        if direction_note:
            kpi["direction_note"] = direction_note
        _add_definition(kpi, definitions.get(row["id"]), def_sources)
        kpi["short_unit"] = _short_unit(kpi)
        if kpi["short_unit"] in SHORT_UNIT_SINGULARS:
            kpi["short_unit_singular"] = SHORT_UNIT_SINGULARS[kpi["short_unit"]]
        points = [p for p in row["data_points"].split(";") if p]
        if points:
            dirs = DATA_POINT_DIRECTIONS.get(row["id"], {})
            kpi["data_points"] = []
            for p in points:
                entry: dict = {"id": p, "name": DATA_POINT_NAMES.get(p, p)}
                if p in dirs:
                    entry["direction"] = dirs[p]
                if p in DATA_POINT_UNITS.get(row["id"], {}):
                    entry["unit"] = DATA_POINT_UNITS[row["id"]][p]
                if p in DATA_POINT_SHORT_UNITS.get(row["id"], {}):
                    singular, plural = DATA_POINT_SHORT_UNITS[row["id"]][p]
                    entry["short_unit"], entry["short_unit_singular"] = plural, singular
                kpi["data_points"].append(entry)
        kpi["sdg_targets"] = [t for t in row["sdg_targets"].split(";") if t]
        kpi["confidence"] = row["confidence"]
        if row["code_aliases"]:
            kpi["code_aliases"] = [a.split(" (")[0].strip() for a in row["code_aliases"].split(";")]
            kpi["alias_note"] = row["code_aliases"]
        kpi["sources"] = [s.strip() for s in row["sources"].split(" ; ") if s.strip()]
        _confirm(kpi)
        kpis.append(kpi)
    return un_english(
        {
            "framework": {
                "name": "U4SSC Key Performance Indicators for Smart Sustainable Cities",
                "counts": {
                    "total": 91,
                    "core": 54,
                    "advanced": 37,
                    "by_dimension": {"EC": 45, "EN": 17, "SC": 29},
                },
                "counts_source": "Nur-Sultan profile (ECE/HBP/197); ITU 2022 verification report",
            },
            "dimensions": [{"id": i, "name": n} for i, n in DIMENSIONS],
            "subdimensions": [{"id": i, "name": n} for i, n in SUBDIMENSIONS],
            "categories": [{"id": i, "name": n} for i, n in categories.items()],
            "kpis": kpis,
        }
    )


# UN English groups digits with a comma (100,000); the reference writes "100 000".
_GROUPED = re.compile(r"(?<=\d) (?=\d{3}\b)")
ENGLISH_TEXTS = {"name", "unit", "short_unit", "short_unit_singular", "definition"}


def un_english(data):
    """The catalogue's English texts (its msgids) with digit groups as UN English writes them."""
    if isinstance(data, dict):
        return {
            k: _GROUPED.sub(",", v) if k in ENGLISH_TEXTS and isinstance(v, str) else un_english(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [un_english(v) for v in data]
    return data


def main() -> int:
    with TSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    data = convert(rows)
    header = (
        "# The U4SSC KPI framework. Generated by tools/import_catalogue.py from\n"
        "# shared/reference/u4ssc-kpis.tsv and tools/kpi-definitions.yaml; names,\n"
        "# units and definitions are English msgids: translations live in\n"
        "# locales/<lang>/LC_MESSAGES/messages.po.\n"
    )
    OUT.write_text(
        header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['kpis'])} KPIs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
