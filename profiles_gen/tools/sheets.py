"""Data-collection workbooks: export a city's KPIs to .xlsx, import them back.

One row per KPI, or per data point of KPIs that have several. The columns are
fixed (``columns()``); ``export_xlsx`` pre-fills the catalogue's names, units,
definitions and default targets (read-only, in protected columns) so data
collectors only fill values, and ``import_xlsx`` reads the rows back into the
``kpis.yaml`` mapping. The promise: what staff type or paste arrives as they
meant it, or is refused at its cell (``FILE:SHEET!CELL: error: column: …``),
all at once, with nothing written.

- A cell is read as it shows: a percent-formatted 0.97 is 97 for a percentage
  KPI; a text "84.51 %" is 84.51 for a percentage KPI and refused for others.
- The number convention is declared (the ``Read me`` sheet's "decimal
  separator", or ``--decimal-comma``); a text that reads two ways ("35,394":
  35 394 or 35.394?) is refused, as is a number with a unit after it.
- Workbooks are opened with a cap on their uncompressed size and rows;
  malformed XML and formulas without a computed value are errors, never blanks.
- Text cells that begin with ``=``, ``+``, ``-`` or ``@`` are written as text,
  never as formulas (``escape_formula`` does the same for CSV exports).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from profiles_gen.build.publication import prepare_city, today
from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.core.files import atomic_write
from profiles_gen.data.catalogue import load_catalogue, resolve_kpi_id
from profiles_gen.data.load import YamlDoc, load_city, parse_yaml
from profiles_gen.data.model import Text
from profiles_gen.data.schema import MEASUREMENT_FIELDS
from profiles_gen.data.targets import load_targets
from profiles_gen.data.validate import validate_city
from profiles_gen.data.workbook import open_workbook, sheet_rows
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.publish.export import FORMULA_START, unescape_formula

SHEET = "KPIs"
GUIDE = "Read me"
MAX_ROWS = 5000  # the catalogue needs about 120
MAX_COLUMNS = 60


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # code data_point readonly number year text yesno choice status value
    editable: bool = True
    choices: tuple[str, ...] = ()


def _optional_columns() -> list[Column]:
    """Fields other issues add to a value (quality, verified, …) where the schema has them."""

    out = []
    for name in ("quality", "verified", "origin"):
        spec = MEASUREMENT_FIELDS.get(name)
        if spec is None:
            continue
        if spec.type == "bool":
            out.append(Column(name, "yesno"))
        elif spec.type == "enum":
            out.append(Column(name, "choice", choices=tuple(str(c) for c in spec.choices)))
        else:
            out.append(Column(name, "text"))
    return out


def columns() -> list[Column]:
    return [
        Column("code", "code", editable=False),
        Column("data_point", "data_point", editable=False),
        Column("name", "readonly", editable=False),
        Column("unit", "readonly", editable=False),
        Column("default_target", "readonly", editable=False),
        Column("default_target_source", "readonly", editable=False),
        Column("value", "value"),
        Column("year", "year"),
        Column("source", "text"),
        Column("target", "number"),
        Column("target_source", "text"),
        Column("status", "status", choices=("not_reported",)),
        Column("reason", "text"),
        Column("illustrative", "yesno"),
        *_optional_columns(),
        Column("note", "text"),
        Column("definition", "text"),
        Column("u4ssc_definition", "readonly", editable=False),
    ]


def measure_keys() -> list[str]:
    """The columns that are fields of a value in ``kpis.yaml``."""
    skip = {"status", "reason"}
    return [c.name for c in columns() if c.editable and c.name not in skip]


TEXT_KEYS = ("source", "target_source", "note", "definition", "reason")


def _guide(fmt) -> list[tuple[str, str]]:
    """The ``Read me`` sheet, in the workbook's language: what each column takes."""
    return [
        ("code", fmt.gettext("KPI code (EC: ICT: ICT: 1C); do not change")),
        ("data_point", fmt.gettext("Data point, for KPIs reported per data point; do not change")),
        ("name", fmt.gettext("KPI name (from the catalogue, for reference)")),
        ("unit", fmt.gettext("Unit the value is expected in (from the catalogue)")),
        ("default_target", fmt.gettext("The catalogue's default target, if any (for reference)")),
        (
            "default_target_source",
            fmt.gettext("Where the default target comes from (for reference)"),
        ),
        (
            "value",
            fmt.gettext(
                "The value in the unit shown: a number, or yes / no for yes/no KPIs; "
                "empty if not reported. A percentage may be typed as 97 or 97 %"
            ),
        ),
        ("year", fmt.gettext("Year the value refers to")),
        ("source", fmt.gettext("Where the value comes from")),
        ("target", fmt.gettext("City-specific target (empty: the catalogue's default, if any)")),
        ("target_source", fmt.gettext("Where the city-specific target comes from")),
        ("status", fmt.gettext("not_reported, or empty")),
        ("reason", fmt.gettext("Why the KPI or data point is not reported")),
        ("illustrative", fmt.gettext("yes if the value is not from an official source")),
        ("note", fmt.gettext("A note shown with the value")),
        ("definition", fmt.gettext("How the value departs from the U4SSC definition, if it does")),
        ("u4ssc_definition", fmt.gettext("The U4SSC definition of the KPI (from the catalogue)")),
    ]


# --- escaping text that a spreadsheet would run as a formula ----------------------


# --- export ----------------------------------------------------------------------


def _cell_value(value, lang: str, own_lang: str):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):  # a text per language: the workbook's, else the city's
        return value.get(lang) or value.get(own_lang) or next(iter(value.values()), "")
    return value


def export_rows(records: dict, catalogue, lang: str = "en", own_lang: str = "en") -> list[list]:
    """The rows of the workbook for ``records`` (the raw ``kpis.yaml`` mapping)."""

    names = [c.name for c in columns()]
    keys = measure_keys()
    defaults = load_targets(("default",), None, catalogue, IssueLog())  # the default set
    rows = []
    for kpi in catalogue.kpis:
        record = records.get(kpi.id, {})
        points = kpi.data_points or (None,)
        for point in points:
            default = defaults.get(kpi.id, point.id if point else None)
            target = default.value if default is not None else None
            base = {
                "code": kpi.code,
                "data_point": point.id if point else "",
                "name": kpi.name,
                "unit": kpi.unit_of(point),
                "default_target": target if kpi.direction_of(point) != "yes_no" else None,
                "default_target_source": default.source_text(lang) if default else None,
                "u4ssc_definition": kpi.definition or "",
            }
            m = record.get("data_points", {}).get(point.id, {}) if point else record
            row = {**base}
            for k in keys:
                if k in m:
                    row[k] = _cell_value(m[k], lang, own_lang)
            status_of = m if point and m.get("status") == "not_reported" else record
            if status_of.get("status") == "not_reported":
                reason = _cell_value(status_of.get("reason", ""), lang, own_lang)
                row.update(status="not_reported", reason=reason)
            for k, v in list(row.items()):
                row[k] = _cell_value(v, lang, own_lang)
            rows.append([row.get(n) if row.get(n) is not None else "" for n in names])
    return rows


def export_xlsx(
    records: dict,
    catalogue,
    path: Path,
    lang: str = "en",
    own_lang: str = "en",
    decimal_comma: bool = False,
) -> None:
    """Write the data-collection workbook (``records``: a raw ``kpis.yaml`` mapping; ``{}``
    for a new city: every KPI, empty)."""
    from openpyxl import Workbook  # openpyxl: only when a workbook is read or written
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fmt = Formatter(lang)
    cols = columns()
    names = [c.name for c in cols]
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    rows = export_rows(records, catalogue, lang, own_lang)
    grey = PatternFill("solid", fgColor="EEEEEE")
    unlocked = Protection(locked=False)
    for r, row in enumerate(rows, start=2):
        for c, (col, value) in enumerate(zip(cols, row, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str) and value:
                # Text is text: a value beginning with = + - @ is never written as a formula.
                cell.value = value
                cell.data_type = "s"
                if value[0] in FORMULA_START:
                    cell.quotePrefix = True
            elif value != "":
                cell.value = value
            if col.editable:
                cell.protection = unlocked
            else:
                cell.fill = grey
    last = len(rows) + 1
    widths = {
        "code": 16,
        "data_point": 12,
        "name": 36,
        "unit": 30,
        "default_target": 10,
        "default_target_source": 30,
        "value": 10,
        "year": 7,
        "target": 10,
        "status": 13,
        "illustrative": 11,
        "u4ssc_definition": 60,
    }
    for c, col in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = widths.get(col.name, 30)
    sheet.freeze_panes = "C2"  # the header row and the code and data point stay in view

    def dropdown(choices, column: str, prompt: str) -> None:
        letter = get_column_letter(names.index(column) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.error = prompt
        dv.errorTitle = column
        dv.showErrorMessage = True
        sheet.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")

    yes_no = ("yes", "no")
    for col in cols:
        if col.kind in ("status", "choice"):
            dropdown(col.choices, col.name, fmt.gettext("Choose from the list"))
        elif col.kind == "yesno":
            dropdown(yes_no, col.name, fmt.gettext("Choose from the list"))
    value_letter = get_column_letter(names.index("value") + 1)
    yes_no_rows = []
    for r, row in enumerate(rows, start=2):
        kpi_id, _ = resolve_kpi_id(catalogue, row[0])
        kpi = catalogue.by_id[kpi_id]
        point = kpi.data_point(row[1]) if row[1] else None
        if kpi.direction_of(point) == "yes_no":
            yes_no_rows.append(f"{value_letter}{r}")
    if yes_no_rows:
        dv = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        sheet.add_data_validation(dv)
        for ref in yes_no_rows:
            dv.add(ref)
    # Protected so that code, name and unit are not changed by accident (no password:
    # Review > Unprotect sheet); the cells to fill are unlocked.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False

    guide = book.create_sheet(GUIDE)
    guide.append([fmt.gettext("column"), fmt.gettext("what to enter")])
    for name, help_text in _guide(fmt):
        guide.append([name, help_text])
    guide.append([])
    guide.append(
        [
            "decimal separator",
            "comma" if decimal_comma else "point",
            fmt.gettext(
                "How numbers typed as text are read: point (35.5) or comma (35,5). "
                "A text such as 35,394 that reads two ways is refused."
            ),
        ]
    )
    guide.append(
        ["language", lang, fmt.gettext("The language of the texts (sources, reasons, notes)")]
    )
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 90
    guide.column_dimensions["C"].width = 60
    buf = io.BytesIO()
    book.save(buf)

    atomic_write(path, buf.getvalue())


# --- reading cells ----------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_NUMERAL = re.compile(r"[-+−]?[0-9][0-9.,]*|[-+−]?[.,][0-9]+")


class CellError(Exception):
    pass


def _decimals_of_format(number_format: str) -> int:
    match = re.search(r"\.(0+)", number_format or "")
    return len(match.group(1)) if match else 0


def fixed_decimals(number_format: str) -> int | None:
    """The decimals a fixed-decimal number format always shows (``0.00``, ``#,##0.0``,
    ``0.00;[Red]-0.00``: 2, 1, 2; ``0``: 0), or None for a format that shows as many as the
    number has (General), a scientific one or text."""
    section = (number_format or "").split(";")[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", section)  # literals, colours, padding
    if not re.search(r"[0#?]", section) or re.search(r"[eE][+-]", section) or "@" in section:
        return None
    match = re.search(r"\.(0+)", section)
    return len(match.group(1)) if match else 0


def parse_number_text(text: str, decimal_comma: bool = False) -> Decimal:
    """A number typed as text, in the workbook's declared convention; refuses what reads
    two ways. Raises ``CellError``."""
    raw = text
    text = _SPACES.sub("", text.strip()).replace("−", "-")
    if not text:
        raise CellError("expected a number, got an empty text")
    match = _NUMERAL.fullmatch(text)
    if not match:
        raise CellError(f"expected a number, got {raw!r}")
    decimal, group = (",", ".") if decimal_comma else (".", ",")
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:  # both: the last one is the decimal separator
        dec = "." if text.rfind(".") > text.rfind(",") else ","
        grp = "," if dec == "." else "."
        whole, _, frac = text.rpartition(dec)
        if dec in whole or not re.fullmatch(r"[0-9]{1,3}(\\" + grp + r"[0-9]{3})*", whole):
            raise CellError(f"expected a number, got {raw!r} (separators out of place)")
        number = whole.replace(grp, "") + "." + frac
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        parts = text.split(sep)
        if len(parts) > 2:  # 1,234,567: grouping
            if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
                raise CellError(f"expected a number, got {raw!r} (separators out of place)")
            if sep == decimal:
                raise CellError(
                    f"{raw!r} uses the decimal separator of this workbook to group digits"
                )
            number = "".join(parts)
        elif len(parts[1]) == 3 and parts[0] not in ("", "0") and sep == group:
            whole, frac = parts
            raise CellError(
                f"{raw!r} reads two ways: {whole} {frac} or {whole}.{frac}? "
                f"Write {whole}{frac} or {whole}.{frac} (this workbook's decimal separator "
                f"is a {'comma' if decimal_comma else 'point'})"
            )
        else:
            number = text.replace(sep, ".")
    else:
        number = text
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise CellError(f"expected a number, got {raw!r}") from None


_UNIT_AFTER = re.compile(r"^\s*[-+−]?[0-9][0-9\s\u00a0.,']*\s*([^\d\s%].*)$")


def read_number(
    value, number_format: str, unit: str | None, decimal_comma: bool, column: str
) -> Decimal:
    """A numeric cell as it shows. ``unit`` is the KPI's unit (None: a target or year)."""
    percent_unit = bool(unit) and unit.startswith("%")
    if isinstance(value, bool):
        raise CellError(f"expected a number, got {'yes' if value else 'no'}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise CellError(f"expected a finite number, got {value}")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (number_format or ""):
            shown = _decimals_of_format(number_format)
            number = number * 100
            quantized = number.quantize(Decimal(1).scaleb(-shown))
            number = quantized if quantized == number else number.normalize()
            if number == number.to_integral_value() and number.as_tuple().exponent > 0:
                number = number.quantize(Decimal(1))
            if not percent_unit:
                raise CellError(
                    f"the cell is formatted as a percentage (it shows {number} %), but the "
                    f"{column} is in {unit!r}: remove the percent format"
                    if unit
                    else f"the cell is formatted as a percentage (it shows {number} %): "
                    "remove the percent format"
                )
        else:
            # A fixed-decimal format (0.00) shows its decimals: 0 shows "0.00", 100 "100.00",
            # and the value keeps them as a percent-formatted one does (never changed:
            # a number with more decimals than the format shows keeps them all).
            places = fixed_decimals(number_format)
            if places:
                quantized = number.quantize(Decimal(1).scaleb(-places))
                number = quantized if quantized == number else number
        return number
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            if not percent_unit:
                raise CellError(
                    f"{value!r} is a percentage, but the {column} is in {unit!r}"
                    if unit
                    else f"{value!r} is a percentage: write the number only"
                )
            text = text[:-1]
        elif _UNIT_AFTER.match(text) and not re.fullmatch(r"[\s\d.,'\u00a0+−-]+", text):
            expected = f"a number in {unit!r}" if unit else "a number"
            raise CellError(f"expected {expected} without a unit after it, got {value!r}")
        return parse_number_text(text, decimal_comma)
    raise CellError(f"expected a number, got {value!r}")


def _yes_no(value) -> bool:
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "да"):
        return True
    if text in ("no", "false", "0", "нет"):
        return False
    raise CellError(f"expected yes or no, got {value!r}")


def _year(value, fmt: str, decimal_comma: bool) -> int:
    number = read_number(value, fmt, None, decimal_comma, "year")
    if number != number.to_integral_value():
        shown = value if isinstance(value, (int, float)) else repr(value)
        raise CellError(f"expected a whole number, got {shown}")
    return int(number)


# --- opening a workbook safely -----------------------------------------------------


@dataclass
class _Cell:
    value: object
    number_format: str
    ref: str
    formula: bool = False
    fill: str | None = None  # the RGB of a solid fill, if any


@contextlib.contextmanager
def open_books(path: Path):
    """The workbook twice, read-only: with the values Excel last computed, and with the
    formulas as written (a formula without a computed value is an error, never a blank);
    closed after use, and anything but a ``ProfileError`` while reading them (malformed XML
    inside the archive, and the like) reported as an unreadable workbook."""
    values, formulas = open_workbook(path, data_only=True), open_workbook(path, data_only=False)
    try:
        yield values, formulas
    except ProfileError:
        raise
    except Exception as exc:
        raise ProfileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        values.close()
        formulas.close()


def _fill_of(cell) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    rgb = getattr(fill.fgColor, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) and len(rgb) >= 6 else None


def sheet_cells(
    path: Path, values, formulas, name: str, max_rows: int = MAX_ROWS
) -> list[list[_Cell]]:
    """Every cell of sheet ``name`` (values as last computed, formats, fills, which hold
    formulas), up to ``MAX_COLUMNS`` columns, every row it holds whatever range it declares;
    more than ``max_rows`` rows is an error."""
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is read

    where = f"{path}:{name}"
    shown = sheet_rows(values[name], max_rows, where, MAX_COLUMNS)
    written = sheet_rows(formulas[name], max_rows, where, MAX_COLUMNS, values_only=True)
    rows: list[list[_Cell]] = []
    for r, (row, raw) in enumerate(zip(shown, written, strict=False), start=1):
        cells = []
        for c, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            fmt = getattr(cell, "number_format", "General") or "General"
            source = raw[c - 1] if c - 1 < len(raw) else None
            formula = isinstance(source, str) and source.startswith("=") and value != source
            cells.append(_Cell(value, fmt, f"{get_column_letter(c)}{r}", formula, _fill_of(cell)))
        rows.append(cells)
    return rows


def _read_cells(path: Path) -> tuple[list[list[_Cell]], dict]:
    """The KPIs sheet's cells (values as last computed, formats, which hold formulas) and
    the Read me sheet's settings."""
    with open_books(path) as (values, formulas):
        if SHEET not in values.sheetnames:
            raise ProfileError(
                f"{path}: no sheet named {SHEET!r} (found: {', '.join(values.sheetnames)})"
            )
        rows = sheet_cells(path, values, formulas, SHEET)
        settings = {}
        if GUIDE in values.sheetnames:
            guide = values[GUIDE]
            guide.reset_dimensions()  # its rows, not the range it declares
            for n, row in enumerate(guide.iter_rows(max_col=3, values_only=True)):
                if n > 200:
                    break
                if row and isinstance(row[0], str) and len(row) > 1:
                    settings[row[0].strip().lower()] = str(row[1] or "").strip().lower()
        return rows, settings


# --- import ------------------------------------------------------------------------


@dataclass
class Imported:
    records: dict  # the kpis.yaml mapping
    cells: dict  # a field of kpis.yaml ("EC-ICT-ICT-1C.data_points.3G.value") -> cell
    rows: dict  # KPI id -> the cell of its first row's code
    warnings: list = field(default_factory=list)


def _text(value, existing, lang: str, own_lang: str):
    """A text cell, keeping the file's other languages when the workbook's text is unchanged."""
    text = unescape_formula(str(value).strip())
    if isinstance(existing, dict):
        current = existing.get(lang) or (existing.get(own_lang) if lang not in existing else None)
        if current is not None and str(current).strip() == text:
            return existing
    elif isinstance(existing, str) and existing.strip() == text:
        return existing
    return text if lang == own_lang else {lang: text}


def import_xlsx(
    path: Path,
    catalogue,
    decimal_comma: bool | None = None,
    existing: dict | None = None,
    own_lang: str = "en",
) -> Imported:
    """The ``kpis.yaml`` mapping read from a workbook; every unreadable cell at once.

    ``decimal_comma`` overrides the workbook's declared convention; ``existing`` (the raw
    ``kpis.yaml`` mapping) keeps texts in other languages the workbook does not change.
    """
    rows, settings = _read_cells(path)
    existing = existing or {}
    if decimal_comma is None:
        decimal_comma = settings.get("decimal separator", "point").startswith("comma")
    lang = settings.get("language") or own_lang
    issues: list[Issue] = []
    header = [
        str(c.value).strip() if c.value is not None else "" for c in (rows[0] if rows else ())
    ]
    names = [c.name for c in columns()]
    missing = [n for n in ("code", "value") if n not in header]
    if missing:
        raise ProfileError(
            f"{path}:{SHEET}!1: error: header: missing column(s) "
            f"{', '.join(missing)} (expected: {', '.join(names)})"
        )
    by_name = {c.name: c for c in columns()}
    index = {name: header.index(name) for name in names if name in header}
    records: dict = {}
    cells_of: dict = {}
    first_row: dict = {}
    warnings: list[Issue] = []
    for r, row in enumerate(rows[1:], start=2):
        cells = {
            name: row[i] if i < len(row) else _Cell(None, "General", "")
            for name, i in index.items()
        }
        if all(c.value in (None, "") for c in cells.values()):
            continue

        def at(name, r=r):
            # openpyxl: only when a workbook is read or written
            from openpyxl.utils import get_column_letter

            return f"{path}:{SHEET}!{get_column_letter(index[name] + 1)}{r}"

        def fail(name, message):
            issues.append(Issue(at(name), 0, 0, name, message))

        for name, cell in cells.items():
            if cell.formula and cell.value in (None, ""):
                fail(
                    name,
                    "a formula without a computed value: open the workbook in a "
                    "spreadsheet, let it calculate and save it, or type the value",
                )
        if any(c.formula and c.value in (None, "") for c in cells.values()):
            continue
        kpi_id, _ = resolve_kpi_id(catalogue, str(cells["code"].value or ""))
        if kpi_id is None:
            fail("code", f"unknown KPI code {cells['code'].value!r}")
            continue
        kpi = catalogue.by_id[kpi_id]
        first_row.setdefault(kpi_id, at("code"))
        dp_cell = cells.get("data_point")
        point_id = str(dp_cell.value or "").strip() if dp_cell else ""
        point = kpi.data_point(point_id) if point_id else None
        if kpi.data_points and point is None:
            fail(
                "data_point" if "data_point" in index else "code",
                f"{kpi.code} needs one of {', '.join(d.id for d in kpi.data_points)}",
            )
            continue
        if not kpi.data_points and point_id:
            fail("data_point", f"{kpi.code} has no data points, got {point_id!r}")
            continue
        record = records.setdefault(kpi_id, {})
        old = existing.get(kpi_id) or {}
        old_m = (old.get("data_points") or {}).get(point.id, {}) if point else old
        prefix = f"{kpi_id}.data_points.{point.id}" if point else kpi_id
        status = str(cells["status"].value or "").strip() if "status" in cells else ""
        if status not in ("", "not_reported", "reported"):
            fail("status", f"expected not_reported or nothing, got {status!r}")
            continue
        if status == "not_reported":
            entry: dict = {"status": "not_reported"}
            cells_of[f"{prefix}.status"] = at("status")
            reason = cells.get("reason")
            if reason is not None and reason.value not in (None, ""):
                entry["reason"] = _text(reason.value, old_m.get("reason"), lang, own_lang)
                cells_of[f"{prefix}.reason"] = at("reason")
            if point:
                record.setdefault("data_points", {})[point.id] = entry
            else:
                record.clear()
                record.update(entry)
            continue
        m: dict = {}
        unit = kpi.unit_of(point)
        direction = kpi.direction_of(point)
        for name in measure_keys():
            cell = cells.get(name)
            if cell is None or cell.value in (None, ""):
                continue
            raw = cell.value
            if isinstance(raw, str) and not raw.strip():
                continue
            column = by_name[name]
            try:
                if name == "value":
                    value = (
                        _yes_no(raw)
                        if direction == "yes_no"
                        else read_number(raw, cell.number_format, unit, decimal_comma, "value")
                    )
                elif name == "year":
                    value = _year(raw, cell.number_format, decimal_comma)
                elif name == "target":
                    value = read_number(raw, cell.number_format, unit, decimal_comma, "target")
                elif column.kind == "yesno":
                    value = _yes_no(raw)
                elif column.kind == "choice":
                    value = str(raw).strip()
                    if value not in column.choices:
                        raise CellError(f"expected one of {', '.join(column.choices)}, got {raw!r}")
                else:
                    value = _text(raw, old_m.get(name), lang, own_lang)
            except CellError as exc:
                fail(name, str(exc))
                continue
            if (
                name == "value"
                and isinstance(raw, (int, float))
                and unit.startswith("%")
                and "%" not in cell.number_format
                and 0 < value < 1
            ):
                warnings.append(
                    Issue(
                        at(name),
                        0,
                        0,
                        name,
                        f"{value} per cent: if the cell meant {(value * 100).normalize()} %, "
                        "type that or format the cell as a percentage",
                        "warning",
                    )
                )
            m[name] = value
            cells_of[f"{prefix}.{name}"] = at(name)
        if not m:
            continue
        if point:
            record.setdefault("data_points", {})[point.id] = m
        else:
            record.update(m)
    if issues:
        raise ProfileError(issues)
    order = {k.id: n for n, k in enumerate(catalogue.kpis)}
    ordered = {k: records[k] for k in sorted(records, key=order.get) if records[k]}
    return Imported(ordered, cells_of, first_row, warnings)


class _Dumper(yaml.SafeDumper):
    """Writes a number with the decimals it was read with (97.00 stays 97.00)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal):
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
        return dumper.represent_int(int(value))
    text = format(value, "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_kpis(records: dict, header: str = "") -> str:
    """``kpis.yaml`` text, in catalogue order, after an optional comment header."""
    body = yaml.dump(records, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
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

    if isinstance(value, Text):
        return value.as_data()
    return value


def _measurement_dict(m) -> dict:
    out = {}
    for name in measure_keys():
        value = getattr(m, name, None)
        if value is not None and not (name == "illustrative" and value is False):
            out[name] = _plain(value)
    if getattr(m, "not_reported", False):
        out = {"status": "not_reported", **({"reason": _plain(m.reason)} if m.reason else {})}
    return out


def records_of(city) -> dict:
    """A validated city's KPI records as the plain ``kpis.yaml`` mapping."""
    out = {}
    for kpi_id, record in city.records.items():
        if record.not_reported:
            out[kpi_id] = {
                "status": "not_reported",
                **({"reason": _plain(record.reason)} if record.reason else {}),
            }
        elif record.data_points:
            out[kpi_id] = {
                "data_points": {k: _measurement_dict(m) for k, m in record.data_points.items()}
            }
        elif record.measurement is not None:
            out[kpi_id] = _measurement_dict(record.measurement)
    return out


# --- the commands ------------------------------------------------------------------


def _city_lang(raw) -> str:
    data = raw.city.data
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang.strip() if isinstance(lang, str) and lang.strip() else "en"


def export_city(city_dir: Path, out: Path, lang: str = "en", decimal_comma: bool = False) -> int:
    """``export-xlsx``: a workbook of the city's values (every KPI, empty, for a new city)."""

    catalogue = load_catalogue()
    if (city_dir / "kpis.yaml").is_file():
        city, catalogue, _ = prepare_city(city_dir)
        records, own = records_of(city), city.lang
    else:  # a new city: nothing reported yet
        raw = load_city(city_dir, IssueLog())
        records, own = {}, _city_lang(raw)
    export_xlsx(records, catalogue, out, lang, own, decimal_comma)
    return sum(1 for _ in records)


def _plain_data(data):
    """A loaded YAML value as plain dicts, lists and scalars."""
    if isinstance(data, dict):
        return {k: _plain_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain_data(v) for v in data]
    return data


def import_city(
    book: Path, city_dir: Path, decimal_comma: bool | None = None
) -> tuple[int, list[Issue]]:
    """``import-xlsx``: read the workbook, validate the whole resulting city, then write
    ``kpis.yaml``; on any error nothing is written and every error names its cell."""
    catalogue = load_catalogue()
    raw, log = load_raw(city_dir)
    existing = existing_records(raw)
    imported = import_xlsx(book, catalogue, decimal_comma, existing, _city_lang(raw))
    warnings = write_checked(city_dir, raw, log, catalogue, imported)
    return len(imported.records), warnings


def load_raw(city_dir: Path):
    """The city's files as loaded, without the problems of the ``kpis.yaml`` being replaced."""
    log = IssueLog()
    raw = load_city(city_dir, log)
    target = city_dir / "kpis.yaml"
    log.issues = [i for i in log.issues if i.path != str(target)]  # replaced by the workbook
    return raw, log


def existing_records(raw) -> dict:
    """The current ``kpis.yaml`` as a plain mapping (``{}`` when there is none)."""
    return _plain_data(raw.kpis.data) if isinstance(raw.kpis.data, dict) else {}


def write_checked(
    city_dir: Path, raw, log: IssueLog, catalogue, imported: Imported, before_write=None
) -> list[Issue]:
    """Validate the city with ``imported.records`` as its ``kpis.yaml``, every problem
    pointed at its cell; on any error raise with all of them and write nothing. Otherwise
    call ``before_write`` (another file to write first), write ``kpis.yaml`` and return the
    warnings."""
    target = city_dir / "kpis.yaml"
    text = dump_kpis(imported.records, comment_header(target))
    data = parse_yaml(text, str(target), log)
    raw.kpis = YamlDoc(target, data, failed=data is None)
    raw.kpis.text = text  # numbers are read as written in this text, not in the old file
    try:
        validate_city(raw, catalogue, log, today=today())
    except ProfileError:
        pass
    issues = imported.warnings + [_at_cell(i, str(target), imported) for i in log.issues]
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ProfileError(issues)
    if before_write is not None:
        before_write()
    atomic_write(target, text)
    return [i for i in issues if i.severity == "warning"]


def _at_cell(issue: Issue, kpis_path: str, imported: Imported) -> Issue:
    """An issue of the resulting ``kpis.yaml``, pointed at the workbook cell it comes from."""
    if issue.path != kpis_path or not issue.field:
        return issue
    cell = imported.cells.get(issue.field)
    if cell is None:
        kpi = issue.field.split(".")[0]
        cell = next(
            (c for f, c in imported.cells.items() if f.startswith(issue.field + ".")),
            imported.rows.get(kpi),
        )
    if cell is None:
        return issue
    column = issue.field.rsplit(".", 1)[-1] if "." in issue.field else "code"
    return Issue(cell, 0, 0, column, issue.message, issue.severity)
