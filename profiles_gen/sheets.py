"""Data-collection workbooks: export a city's KPIs to .xlsx, import them back.

One row per KPI, or per data point of KPIs that have several. The columns are
fixed (``COLUMNS``); ``export_xlsx`` pre-fills the catalogue's names, units, definitions and
default targets so data collectors only fill values, and ``import_xlsx``
reads the rows back into the ``kpis.yaml`` mapping, reporting every cell it
cannot read as ``FILE:SHEET!CELL: error: column: what is wrong``, all at once.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path

import yaml

from profiles_gen.catalogue import resolve_kpi_id
from profiles_gen.errors import Issue, ProfileError

SHEET = "KPIs"
COLUMNS = (
    ("code", "KPI code (EC: ICT: ICT: 1C); do not change"),
    ("data_point", "Data point, for KPIs reported per data point; do not change"),
    ("name", "KPI name (from the catalogue, for reference)"),
    ("unit", "Unit the value is expected in (from the catalogue)"),
    ("value", "The value: a number, or yes / no for yes/no KPIs; empty if not reported"),
    ("year", "Year the value refers to"),
    ("source", "Where the value comes from"),
    ("target", "City-specific target (empty: the publication's target sets)"),
    ("target_source", "Where the city-specific target comes from"),
    ("status", "not_reported, or empty"),
    ("reason", "Why the KPI is not reported"),
    ("illustrative", "yes if the value is not from an official source"),
    ("note", "A note shown with the value"),
    ("definition", "How the value departs from the U4SSC definition, if it does"),
    ("u4ssc_definition", "The U4SSC definition of the KPI (from the catalogue, for reference)"),
    ("quality", "Data quality: one of the six choices of ITU's workbook (Based on accurate …)"),
    ("verified", "The verifier's yes / no"),
    ("origin", "Origin of the data"),
)
NAMES = [name for name, _ in COLUMNS]
MEASURE_KEYS = (
    "value",
    "year",
    "source",
    "target",
    "target_source",
    "note",
    "illustrative",
    "definition",
    "quality",
    "verified",
    "origin",
)
# The six data-quality choices as ITU's workbook words them (column T), to the kpis.yaml ids.
QUALITY_WORDS = {
    "based on accurate measurements": "accurate_measurements",
    "extrapolated based on survey of inhabitants": "survey_extrapolation",
    "extrapolated based on higher-level data": "higher_level_extrapolation",
    "estimation based on certain assumptions": "assumption_estimate",
    "personal estimation": "personal_estimate",
    "unknown methodology, not traceable": "unknown_methodology",
}


def _cell_value(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_rows(records: dict, catalogue) -> list[list]:
    """The rows of the workbook for ``records`` (the raw ``kpis.yaml`` mapping)."""
    rows = []
    for kpi in catalogue.kpis:
        record = records.get(kpi.id, {})
        points = kpi.data_points or (None,)
        for point in points:
            base = {
                "code": kpi.code,
                "data_point": point.id if point else "",
                "name": kpi.name,
                "unit": kpi.unit,
                "u4ssc_definition": kpi.definition or "",
            }
            m = record.get("data_points", {}).get(point.id, {}) if point else record
            row = {**base, **{k: _cell_value(m.get(k)) for k in MEASURE_KEYS if k in m}}
            if record.get("status") == "not_reported":
                row.update(status="not_reported", reason=record.get("reason", ""))
            rows.append([row.get(name, "") if row.get(name) is not None else "" for name in NAMES])
    return rows


def export_xlsx(records: dict, catalogue, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(NAMES)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in export_rows(records, catalogue):
        sheet.append(row)
    sheet.freeze_panes = "E2"
    for letter, width in zip(
        "ABCDEFGHIJKLMNO", (16, 12, 36, 30, 10, 7, 30, 10, 30, 13, 30, 11, 30, 30, 60), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet("Read me")
    guide.append(["column", "what to enter"])
    for name, help_text in COLUMNS:
        guide.append([name, help_text])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    book.save(buf)
    from profiles_gen.publish import atomic_write

    atomic_write(path, buf.getvalue())


def _number(raw, where, column, issues, whole=False):
    if isinstance(raw, bool):
        issues.append(Issue(*where, column, f"expected a number, got {raw}"))
        return None
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw)):
            issues.append(Issue(*where, column, f"expected a finite number, got {raw}"))
            return None
        number = Decimal(str(raw))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(
                text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
            )
        except ArithmeticError:
            issues.append(Issue(*where, column, f"expected a number, got {raw!r}"))
            return None
    if whole and number != number.to_integral_value():
        issues.append(Issue(*where, column, f"expected a whole number, got {raw!r}"))
        return None
    if whole:
        return int(number)
    return int(number) if number == number.to_integral_value() else float(number)


def _yes_no(raw, where, column, issues):
    text = str(raw).strip().lower()
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    issues.append(Issue(*where, column, f"expected yes or no, got {raw!r}"))
    return None


def import_xlsx(path: Path, catalogue) -> dict:
    """The ``kpis.yaml`` mapping read from a workbook; every unreadable cell at once."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise ProfileError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    if SHEET not in book.sheetnames:
        raise ProfileError(
            f"{path}: no sheet named {SHEET!r} (found: {', '.join(book.sheetnames)})"
        )
    rows = list(book[SHEET].iter_rows(values_only=True))
    issues: list[Issue] = []
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else ())]
    missing = [n for n in ("code", "value") if n not in header]
    if missing:
        raise ProfileError(
            f"{path}:{SHEET}!1: error: header: missing column(s) "
            f"{', '.join(missing)} (expected: {', '.join(NAMES)})"
        )
    index = {name: header.index(name) for name in NAMES if name in header}
    records: dict = {}
    for r, row in enumerate(rows[1:], start=2):
        cells = {name: row[i] if i < len(row) else None for name, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue

        def where(name, r=r):
            return (f"{path}:{SHEET}!{get_column_letter(index[name] + 1)}{r}", 0, 0)

        kpi_id, _ = resolve_kpi_id(catalogue, str(cells["code"] or ""))
        if kpi_id is None:
            issues.append(Issue(*where("code"), "code", f"unknown KPI code {cells['code']!r}"))
            continue
        kpi = catalogue.by_id[kpi_id]
        point_id = str(cells.get("data_point") or "").strip()
        point = kpi.data_point(point_id) if point_id else None
        if kpi.data_points and point is None:
            issues.append(
                Issue(
                    *where("data_point" if "data_point" in index else "code"),
                    "data_point",
                    f"{kpi.code} needs one of {', '.join(d.id for d in kpi.data_points)}",
                )
            )
            continue
        if not kpi.data_points and point_id:
            issues.append(
                Issue(
                    *where("data_point"),
                    "data_point",
                    f"{kpi.code} has no data points, got {point_id!r}",
                )
            )
            continue
        record = records.setdefault(kpi_id, {})
        if str(cells.get("status") or "").strip() == "not_reported":
            record.clear()
            record.update(status="not_reported")
            if cells.get("reason"):
                record["reason"] = str(cells["reason"]).strip()
            continue
        m: dict = {}
        direction = point.direction if point else kpi.direction
        for name in MEASURE_KEYS:
            raw = cells.get(name)
            if raw in (None, ""):
                continue
            if name == "value":
                value = (
                    _yes_no(raw, where(name), name, issues)
                    if direction == "yes_no"
                    else _number(raw, where(name), name, issues)
                )
            elif name == "year":
                value = _number(raw, where(name), name, issues, whole=True)
            elif name == "target":
                value = _number(raw, where(name), name, issues)
            elif name in ("illustrative", "verified"):
                value = _yes_no(raw, where(name), name, issues)
            elif name == "quality":
                text = str(raw).strip()
                value = QUALITY_WORDS.get(text.lower(), text)
            else:
                value = str(raw).strip()
            if value is not None:
                m[name] = value
        if not m:
            continue
        if point:
            record.setdefault("data_points", {})[point.id] = m
        else:
            record.update(m)
    if issues:
        raise ProfileError(issues)
    order = {k.id: n for n, k in enumerate(catalogue.kpis)}
    return {k: records[k] for k in sorted(records, key=order.get) if records[k]}


def dump_kpis(records: dict, header: str = "") -> str:
    """``kpis.yaml`` text, in catalogue order, after an optional comment header."""
    body = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def comment_header(path: Path) -> str:
    """The leading comment lines of an existing ``kpis.yaml`` (kept on import)."""
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8-sig").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _measurement_dict(m) -> dict:
    out = {}
    for name in MEASURE_KEYS:
        value = getattr(m, name)
        if value is not None and not (name == "illustrative" and value is False):
            out[name] = _plain(value)
    return out


def records_of(city) -> dict:
    """A validated city's KPI records as the plain ``kpis.yaml`` mapping."""
    out = {}
    for kpi_id, record in city.records.items():
        if record.not_reported:
            out[kpi_id] = {
                "status": "not_reported",
                **({"reason": record.reason} if record.reason else {}),
            }
        elif record.data_points:
            out[kpi_id] = {
                "data_points": {k: _measurement_dict(m) for k, m in record.data_points.items()}
            }
        elif record.measurement is not None:
            out[kpi_id] = _measurement_dict(record.measurement)
    return out
