"""ITU's data-collection workbook ("U4SSC Data Collection Template") into ``kpis.yaml``.

Cities report their U4SSC KPIs in ITU's workbook, and the verifier records the
verification in it; UNECE staff receive it. ITU does not publish it: this importer follows
what ITU's *U4SSC KPIs Verification Manual* (2022, ch. 10) says of it, and finds everything
the manual leaves open by its content (``docs/itu-workbook.md``):

- the data tab is the sheet whose header row names the manual's columns (KPI result,
  reported, benchmark, verified, quality, origin, source) above rows holding KPI numbers
  (``EC: ICT: ICT: 1C``); its name and its header row are not fixed;
- each column is found by its header text; where no header names one of the manual's
  columns O, Q, R, S, T, U, V, W, the manual's letter is read, and a warning says so;
- a KPI with data points is a heading row and one row per data point, or its number on
  every row; the data point is named in its own column or after the KPI's name
  ("Wireless Broadband Coverage: 3G"); banner and blank rows are skipped.

What it reads, per KPI or data point: the result (column O: a number, yes/no, or ``NR``,
not reported), the verifier's YES/NO (S), the quality (T, six choices), the origin (U),
the sources (V, W) and the U4SSC benchmark performance (R) as the value's official score
where no target is known. The same promise as ``import-xlsx`` (``sheets.py``), with the
same code: a cell is read as it shows, a text that reads two ways is refused, every cell
that cannot be read is reported as ``FILE:SHEET!CELL: error: …``, all at once, and nothing
is written on error. The locked "Scoring – reference" tab's benchmark values become a
private target set, written only where asked and never inside a repository unless asked.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from profiles_gen.core.bands import BANDS
from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import CHECKOUT
from profiles_gen.data.catalogue import load_catalogue, resolve_kpi_id
from profiles_gen.data.model import QUALITY_LEVELS
from profiles_gen.data.targets import check_target, load_set
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import available_languages
from profiles_gen.publish.export import unescape_formula
from profiles_gen.tools.sheets import (
    CellError,
    Imported,
    _Cell,
    _text,
    _yes_no,
    existing_records,
    load_raw,
    open_books,
    read_number,
    sheet_cells,
    write_checked,
)

# --- what the manual says ---------------------------------------------------------------

#: The manual's letters of the data tab's columns (Verification Manual, pp. 162-163).
MANUAL_LETTERS = {
    "result": "O",
    "reported": "Q",
    "benchmark": "R",
    "verified": "S",
    "quality": "T",
    "origin": "U",
    "source": "V",
    "source_detail": "W",
}
#: Column T's six choices (manual p. 163), as kpis.yaml's ``quality`` names them.
QUALITY_CHOICES = dict(
    zip(
        (
            "Based on accurate measurements",
            "Extrapolated based on survey of inhabitants",
            "Extrapolated based on higher-level data",
            "Estimation based on certain assumptions",
            "Personal estimation",
            "Unknown methodology, not traceable",
        ),
        QUALITY_LEVELS,
        strict=True,
    )
)
#: Column O's default, "NR or Not Reported" (p. 162).
NOT_REPORTED = {"nr", "notreported", "n/r"}
#: What R may hold for a KPI without a benchmark (the Karmøy report prints "N/A").
NO_BENCHMARK = {"n/a", "na", "n.a.", "-", "nobenchmark", "notapplicable", "none", "nr"}
#: The benchmark ranges, as reports and snapshots word them (normalised by ``_squash``):
#: "0 – 33 % of target" … "95+ % of target" (Kristiansund report, p. 12), "Less than 33% of
#: Target" … "95%+ Target" (Aukra snapshot, p. 4).
BAND_WORDS = {
    "0-33": "one_third_or_less",
    "lessthan33": "one_third_or_less",
    "<33": "one_third_or_less",
    "33-66": "one_to_two_thirds",
    "66-95": "over_two_thirds",
    "95+": "reached",
    ">95": "reached",
    "95-100": "reached",
}
#: How a number in R with no per-cent format is read (``--benchmark-numbers``).
NUMBER_READINGS = ("share", "percent", "points")

# Header words of each column (normalised: lower case, single spaces); the code column is
# the one holding KPI numbers, whatever its header.
HEADER_WORDS = {
    "data_point": (r"data ?points?\b", r"\bsub-?indicator", r"\bpollutant"),
    "name": (r"\bname\b",),
    "result": (r"\bresults?\b", r"\bkpi value\b", r"^value$"),
    "reported": (r"\breported\b",),
    "benchmark": (r"\bbenchmark", r"\bperformance\b", r"\bscore\b"),
    "verified": (r"\bverifi",),
    "quality": (r"\bquality\b",),
    "origin": (r"\borigin\b",),
    "source": (r"\bsources?\b",),
    "source_detail": (r"\bsources?\b", r"\bdetails?\b", r"\breferences?\b"),
}
ROLE_NAMES = {
    "result": "KPI result",
    "reported": "reported",
    "benchmark": "U4SSC benchmark performance",
    "verified": "verified",
    "quality": "data quality",
    "origin": "data origin",
    "source": "source",
    "source_detail": "source details",
}
# Headers of the columns the importer does not read (a column under one of them is never
# read by the manual's letter).
OTHER_HEADERS = r"numerator|denominator|\bunit|\btype\b|\bname\b|dimension|category|\bkpi no"
_CODE = re.compile(r"^\s*(EC|EN|SC)\s*[:\-]", re.I)
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—−"})


def _squash(text: str) -> str:
    """A text compared loosely: NFKC (subscripts as digits), lower case, no spaces."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_DASHES).lower()
    return re.sub(r"\s+", "", text)


def _header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).translate(_DASHES).lower()
    return re.sub(r"\s+", " ", text.replace("\n", " ")).strip(" .:*")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is read

    return get_column_letter(index + 1)


def _index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string  # openpyxl: only when read

    return column_index_from_string(letter) - 1


def _blank(cell: _Cell | None) -> bool:
    if cell is None or cell.value is None:
        return True
    return isinstance(cell.value, str) and not cell.value.strip()


# --- finding the data tab ------------------------------------------------------------------


@dataclass
class Layout:
    sheet: str
    header_row: int  # 1-based
    code: int  # column indexes, 0-based
    columns: dict[str, int]
    notes: list[Issue] = field(default_factory=list)  # columns read by the manual's letter


def _codes_in(rows: list[list[_Cell]], catalogue) -> dict[int, list[int]]:
    """Column -> the rows (0-based) whose cell there is a KPI number of the catalogue."""
    found: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell.value, str) and _CODE.match(cell.value):
                if resolve_kpi_id(catalogue, cell.value.strip())[0] is not None:
                    found.setdefault(c, []).append(r)
    return found


def _roles(header: list[str], taken: set[int]) -> dict[str, list[int]]:
    """Role -> the columns whose header names it (in order), leaving ``taken`` columns."""
    out: dict[str, list[int]] = {}
    for role, words in HEADER_WORDS.items():
        hits = []
        for c, text in enumerate(header):
            if c in taken or not text or not any(re.search(w, text) for w in words):
                continue
            if role == "result" and re.search(r"benchmark|performance|score", text):
                continue  # "benchmark result" is R, not O
            if role == "benchmark" and re.search(r"quality|origin|verifi|source", text):
                continue  # "data quality score" is T
            if role == "name" and re.search(r"data ?point", text):
                continue
            hits.append(c)
        if hits:
            out[role] = hits
    return out


def _header_row(rows: list[list[_Cell]], first: int) -> int | None:
    """The header row: the nearest row above the first KPI number with three texts."""
    for r in range(first - 1, -1, -1):
        texts = [c for c in rows[r] if isinstance(c.value, str) and c.value.strip()]
        if len(texts) >= 3:
            return r
    return None


def find_layout(path: Path, sheets: dict[str, list[list[_Cell]]], catalogue) -> Layout:
    """The data tab, its header row and its columns; raises naming what is missing."""
    best = None
    for name, rows in sheets.items():
        codes = _codes_in(rows, catalogue)
        if not codes:
            continue
        code_col = max(codes, key=lambda c: len(codes[c]))
        first = codes[code_col][0]
        header_at = _header_row(rows, first)
        if header_at is None:
            continue
        header = [_header(c.value) for c in rows[header_at]]
        roles = _roles(header, {code_col})
        known = sum(1 for r in roles if r in MANUAL_LETTERS)
        rank = (known, len(codes[code_col]))
        if best is None or rank > best[0]:
            best = (rank, name, header_at, code_col, header, roles)
    if best is None or best[0][0] < 2:
        raise ProfileError(
            f"{path}: no sheet looks like the data tab of ITU's data-collection workbook "
            "(a header row naming the KPI result, verified, quality or source columns above "
            f"rows holding KPI numbers such as 'EC: ICT: ICT: 1C'; sheets: "
            f"{', '.join(sheets)})"
        )
    _, name, header_at, code_col, header, roles = best
    columns: dict[str, int] = {}
    notes: list[Issue] = []
    taken = {code_col}
    for role in ("data_point", "name"):
        if role in roles:
            columns[role] = roles[role][0]
            taken.add(columns[role])
    for role, letter in MANUAL_LETTERS.items():
        hits = [c for c in roles.get(role, []) if c not in taken]
        manual = _index(letter)
        if len(hits) > 1 and manual in hits:
            hits = [manual]  # two headers name it: the manual's letter decides
        if hits:
            columns[role] = hits[0]
            taken.add(hits[0])
            continue
        shown = header[manual] if manual < len(header) else ""
        if manual in taken or (shown and re.search(OTHER_HEADERS, shown)):
            continue  # that column is something else
        if role == "result" or _column_has_data(sheets[name], manual, header_at):
            columns[role] = manual
            taken.add(manual)
            notes.append(
                Issue(
                    f"{path}:{name}!{letter}{header_at + 1}",
                    0,
                    0,
                    role,
                    f"no header names the {ROLE_NAMES[role]} column; column {letter} "
                    f"({shown or 'no header'}) is read, where ITU's manual puts it",
                    "warning",
                )
            )
    if "result" not in columns:
        raise ProfileError(
            f"{path}:{name}!{_letter(code_col)}{header_at + 1}: error: header: no column of "
            "KPI results (column O in ITU's manual)"
        )
    return Layout(name, header_at + 1, code_col, columns, notes)


def _column_has_data(rows: list[list[_Cell]], col: int, header_at: int) -> bool:
    return any(col < len(row) and not _blank(row[col]) for row in rows[header_at + 1 :])


# --- reading cells ---------------------------------------------------------------------------


def read_performance(cell: _Cell, numbers: str | None, decimal_comma: bool) -> dict | None:
    """Column R as ``benchmark_performance`` ({percent} or {band}), or None for no benchmark.

    A number formatted as a percentage is a share of the benchmark (0.87 shows 87 %); other
    numbers read several ways (a share, a percentage, points 1-4) unless ``numbers`` says
    which; a text is a percentage ("87 %"), a range label ("66 – 95 % of target", "95%+
    Target"), points ("3 pts") or N/A. Raises ``CellError``.
    """
    value = cell.value
    if isinstance(value, bool):
        raise CellError(f"expected a benchmark performance, got {'TRUE' if value else 'FALSE'}")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in cell.number_format or numbers == "share":
            return {"percent": _hundredfold(number)}
        if numbers == "percent":
            return {"percent": number}
        if numbers == "points":
            return _points(number, value)
        raise CellError(
            f"{value} reads several ways: a share of the benchmark ({_hundredfold(number)} %), "
            f"a percentage ({value} %) or points: format the column as a percentage, or "
            "say which with --benchmark-numbers share|percent|points"
        )
    text = unescape_formula(str(value).strip())
    squashed = _squash(text)
    if squashed in NO_BENCHMARK:
        return None
    label = re.sub(r"(of)?(the)?(target|benchmark)$", "", squashed).replace("%", "")
    label = label.replace("more than", ">").replace("morethan", ">")
    if label in BAND_WORDS:
        return {"band": BAND_WORDS[label]}
    named = {b.replace("_", ""): b for b, _, _ in BANDS}  # profiles-gen's own band names
    if squashed.replace("_", "") in named:
        return {"band": named[squashed.replace("_", "")]}
    points = re.fullmatch(r"([0-9]+)(pts?|points?)", squashed)
    if points:
        return _points(Decimal(points.group(1)), text)
    if squashed.endswith("%"):
        try:
            return {"percent": read_number(text, "General", "%", decimal_comma, "benchmark")}
        except CellError:
            pass
    raise CellError(
        f"expected a benchmark performance (a per cent of the benchmark such as 87 %, a range "
        f"such as '66 – 95 % of target', points 1-4 or N/A), got {text!r}"
    )


def _hundredfold(number: Decimal) -> Decimal:
    """A share as a per cent, with no more decimals than it needs (0.3 is 30, 0.875 87.5)."""
    percent = (number * 100).normalize()
    return percent.quantize(Decimal(1)) if percent.as_tuple().exponent > 0 else percent


def _points(number: Decimal, shown) -> dict:
    for band, _, points in BANDS:
        if number == points:
            return {"band": band}
    raise CellError(f"points must be 1, 2, 3 or 4, got {shown!r}")


def _quality(value) -> str:
    text = _squash(value)
    for choice, level in QUALITY_CHOICES.items():
        if _squash(choice) == text:
            return level
    choices = "; ".join(QUALITY_CHOICES)
    raise CellError(f"expected one of the six choices of column T ({choices}), got {value!r}")


def _yes_no_cell(value) -> bool:
    text = _squash(value)
    if text in ("yes", "y"):
        return True
    if text in ("no", "n"):
        return False
    raise CellError(f"expected YES or NO, got {value!r}")


def _plain_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_formula(str(value).strip())


def _data_point(kpi, text: str):
    """The catalogue's data point a workbook names ("3G", "PM 2.5", "NO₂", "Public transport")."""
    wanted = re.sub(r"[^0-9a-z]", "", _squash(text))
    if not wanted:
        return None
    for point in kpi.data_points:
        for name in (point.id, point.name):
            if re.sub(r"[^0-9a-z]", "", _squash(name)) == wanted:
                return point
    return None


def _point_in_name(kpi, name: str):
    """A data point written after the KPI's name: "Air Pollution - SO2", "…: 3G", "… (4G)"."""
    match = re.search(r"(?:[:\-–—]\s*|\()([^:\-–—()]+)\)?\s*$", name or "")
    return _data_point(kpi, match.group(1)) if match else None


# --- the import ---------------------------------------------------------------------------------


@dataclass
class Counts:
    values: int = 0
    not_reported: int = 0
    performance: int = 0


def import_itu(
    path: Path,
    catalogue,
    *,
    existing: dict | None = None,
    own_lang: str = "en",
    langs: tuple[str, ...] = ("en",),
    decimal_comma: bool = False,
    numbers: str | None = None,
    year: int | None = None,
) -> tuple[Imported, Counts, Layout, dict]:
    """The ``kpis.yaml`` mapping read from ITU's workbook; every unreadable cell at once.

    ``existing`` (the raw ``kpis.yaml`` mapping) keeps what the workbook does not carry:
    targets, notes, definitions, the year of an unchanged value, texts in other languages.
    Returns the import, its counts, the layout found and every sheet's cells.
    """
    with open_books(path) as books:
        sheets = _sheets(path, *books)
        layout = find_layout(path, {k: v for k, v in sheets.items() if v is not None}, catalogue)
    rows = sheets[layout.sheet]
    existing = existing or {}
    issues: list[Issue] = []
    warnings: list[Issue] = list(layout.notes)
    records: dict = {}
    cells_of: dict = {}
    first_row: dict = {}
    seen: dict = {}
    counts = Counts()
    col = layout.columns
    reason = _reason(langs, own_lang)
    current = None  # the KPI of the last row with a KPI number
    for r in range(layout.header_row, len(rows)):
        row = rows[r]

        def cell(role, row=row):
            c = layout.code if role == "code" else col.get(role)
            return row[c] if c is not None and c < len(row) else None

        def at(role, r=r):
            c = layout.code if role == "code" else col[role]
            return f"{path}:{layout.sheet}!{_letter(c)}{r + 1}"

        def fail(role, message, at=at):
            issues.append(Issue(at(role), 0, 0, role, message))

        def warn(role, message, at=at):
            warnings.append(Issue(at(role), 0, 0, role, message, "warning"))

        code_cell = cell("code")
        entered = [
            role
            for role in ("result", "benchmark", "verified", "quality", "origin", "source")
            if role in col and not _blank(cell(role))
        ]
        data = bool(entered) and not (entered == ["result"] and _is_nr(cell("result")))
        if not _blank(code_cell):
            kpi_id, _ = resolve_kpi_id(catalogue, str(code_cell.value).strip())
            if kpi_id is None:
                if data:
                    fail("code", f"unknown KPI number {code_cell.value!r}")
                current = None  # a banner row (a dimension or category name), or a title
                continue
            current = catalogue.by_id[kpi_id]
        else:
            under = current is not None and current.data_points
            if not under or (not entered and _blank(cell("data_point"))):
                if data:
                    fail("code", "a row with data but no KPI number")
                continue  # a blank or banner row
        kpi = current
        point = None
        if kpi.data_points:
            dp_cell = cell("data_point")
            text = "" if _blank(dp_cell) else _plain_text(dp_cell.value)
            if text:
                point = _data_point(kpi, text)
                if point is None:
                    known = ", ".join(f"{p.id} ({p.name})" for p in kpi.data_points)
                    fail("data_point", f"{kpi.code} has no data point {text!r} (it has: {known})")
                    continue
            else:
                name = cell("name")
                point = _point_in_name(kpi, "" if _blank(name) else str(name.value))
            if point is None:
                if not _blank(code_cell) and (not entered or entered == ["result"]):
                    result = cell("result")
                    if result is not None and not _blank(result) and not _is_nr(result):
                        warn(
                            "result",
                            f"{kpi.code} is scored per data point "
                            f"({', '.join(p.id for p in kpi.data_points)}): the result of the "
                            "KPI as a whole is not read",
                        )
                    continue  # the KPI's heading row
                known = ", ".join(p.id for p in kpi.data_points)
                fail(
                    "data_point" if "data_point" in col else "code",
                    f"{kpi.code} is reported per data point: name one ({known})",
                )
                continue
        elif "data_point" in col and not _blank(cell("data_point")):
            text = _plain_text(cell("data_point").value)
            fail("data_point", f"{kpi.code} has no data points, got {text!r}")
            continue
        key = (kpi.id, point.id if point else None)
        if key in seen:
            what = kpi.code + (f" {point.id}" if point else "")
            fail("code", f"{what} is given twice (row {seen[key]})")
            continue
        seen[key] = r + 1
        first_row.setdefault(kpi.id, at("code"))
        prefix = f"{kpi.id}.data_points.{point.id}" if point else kpi.id
        old_record = existing.get(kpi.id) or {}
        old = (old_record.get("data_points") or {}).get(point.id, {}) if point else old_record
        before = len(issues)
        entry = _read_item(
            kpi, point, cell, fail, warn, old, own_lang, decimal_comma, numbers, year, reason
        )
        if len(issues) > before or entry is None:
            continue
        # Where each field of the entry comes from, for what validation says of it.
        for name, role in FIELD_CELLS.items():
            cells_of[f"{prefix}.{name}"] = at(role if role in col else "result")
        if entry.get("status") == "not_reported":
            counts.not_reported += 1
        else:
            counts.values += 1
            counts.performance += "benchmark_performance" in entry
        record = records.setdefault(kpi.id, {})
        if point:
            record.setdefault("data_points", {})[point.id] = entry
        else:
            record.update(entry)
    if issues:
        raise ProfileError(issues + warnings)
    if not seen:
        raise ProfileError(
            f"{path}:{layout.sheet}: error: no KPI number found under the header row "
            f"{layout.header_row}"
        )
    for kpi_id, record in records.items():  # every data point not reported: the KPI is not
        points = record.get("data_points")
        if points and all(p.get("status") == "not_reported" for p in points.values()):
            kpi = catalogue.by_id[kpi_id]
            if len(points) == len(kpi.data_points):
                old = existing.get(kpi_id) or {}
                records[kpi_id] = {
                    "status": "not_reported",
                    "reason": old.get("reason")
                    if old.get("status") == "not_reported" and old.get("reason")
                    else reason,
                }
    order = {k.id: n for n, k in enumerate(catalogue.kpis)}
    ordered = {k: records[k] for k in sorted(records, key=order.get) if records[k]}
    return Imported(ordered, cells_of, first_row, warnings), counts, layout, sheets


def _is_nr(cell: _Cell | None) -> bool:
    return _blank(cell) or (isinstance(cell.value, str) and _squash(cell.value) in NOT_REPORTED)


def _reason(langs: tuple[str, ...], own_lang: str):
    """The reason a value marked NR is not reported, in each language of the city."""
    texts = {}
    for lang in dict.fromkeys((own_lang, *langs)):
        fmt = Formatter(lang)
        texts[lang] = fmt.gettext("Not reported (NR) in the city's data-collection workbook")
    return texts if len(texts) > 1 else texts[own_lang]


# A field of kpis.yaml -> the column it is read from.
FIELD_CELLS = {
    "value": "result",
    "status": "result",
    "reason": "result",
    "year": "result",
    "source": "source",
    "verified": "verified",
    "quality": "quality",
    "origin": "origin",
    "benchmark_performance": "benchmark",
}
KEPT = ("target", "target_source", "target_kind", "note", "definition", "illustrative")


def _read_item(kpi, point, cell, fail, warn, old, own_lang, decimal_comma, numbers, year, reason):
    """One KPI or data point's entry of kpis.yaml, or None after reporting its cells."""
    direction = kpi.direction_of(point)
    unit = kpi.unit_of(point)
    result = cell("result")
    for role in ("result", "reported", "benchmark", "verified", "quality", "origin", "source"):
        c = cell(role)
        if c is not None and c.formula and c.value is None and role != "reported":
            fail(
                role,
                "a formula without a computed value: open the workbook in a spreadsheet, let "
                "it calculate and save it",
            )
            return None
    value = None
    if not _is_nr(result):
        raw = result.value
        try:
            if direction == "yes_no":
                value = _yes_no(raw)
            else:
                value = read_number(raw, result.number_format, unit, decimal_comma, "value")
        except CellError as exc:
            fail("result", str(exc))
            return None
        if (
            isinstance(raw, (int, float))
            and not isinstance(raw, bool)
            and unit.startswith("%")
            and "%" not in result.number_format
            and 0 < value < 1
        ):
            warn(
                "result",
                f"{value} per cent: if the cell meant {(value * 100).normalize()} %, type that "
                "or format the cell as a percentage",
            )
    reported = cell("reported")
    if reported is not None and not _blank(reported):
        try:
            said = _yes_no_cell(reported.value)
        except CellError as exc:
            fail("reported", str(exc))
            return None
        if said is False and value is not None:
            warn(
                "reported",
                f"the verifier marks it not reported (NO), though the result is {result.value}: "
                "imported as not reported",
            )
            value = None
        elif said is True and value is None:
            warn("reported", "marked YES (reported), but the result is NR: not reported")
    if value is None:
        benchmark = cell("benchmark")
        if (
            benchmark is not None
            and not _blank(benchmark)
            and _squash(benchmark.value) not in NO_BENCHMARK
        ):
            warn("benchmark", f"{benchmark.value!r} is not read: the value is not reported")
        kept = (
            old.get("reason") if old.get("status") == "not_reported" and old.get("reason") else None
        )
        return {"status": "not_reported", "reason": kept or reason}
    entry: dict = {"value": value}
    same = old.get("value") == value or (
        isinstance(old.get("value"), (int, float))
        and not isinstance(old.get("value"), bool)
        and Decimal(str(old["value"])) == value
    )
    if year is not None:
        entry["year"] = year
    elif same and old.get("year") is not None:
        entry["year"] = old["year"]
    texts = []
    for role in ("source", "source_detail"):
        c = cell(role)
        if c is not None and not _blank(c):
            texts.append(_plain_text(c.value))
    if texts:
        entry["source"] = _text(
            "; ".join(dict.fromkeys(texts)), old.get("source"), own_lang, own_lang
        )
    elif same and old.get("source"):
        entry["source"] = old["source"]
    try:
        for role, read in (("verified", _yes_no_cell), ("quality", _quality)):
            c = cell(role)
            if c is not None and not _blank(c):
                entry[role] = read(c.value)
    except CellError as exc:
        fail(role, str(exc))
        return None
    origin = cell("origin")
    if origin is not None and not _blank(origin):
        entry["origin"] = _plain_text(origin.value)
    benchmark = cell("benchmark")
    if benchmark is not None:
        if _blank(benchmark):
            if benchmark.fill and benchmark.fill not in ("FFFFFF", "000000"):
                warn(
                    "benchmark",
                    f"the cell shows only a colour (#{benchmark.fill}), no performance: not read",
                )
        else:
            try:
                performance = read_performance(benchmark, numbers, decimal_comma)
            except CellError as exc:
                fail("benchmark", str(exc))
                return None
            if performance is not None:
                entry["benchmark_performance"] = performance
    for name in KEPT:
        if name in old and name not in entry:
            entry[name] = old[name]
    return entry


# --- the reference tab: a private target set ---------------------------------------------------

REFERENCE_SET = "u4ssc"


def _reference_sheet(sheets: dict, layout: Layout) -> str | None:
    for name in sheets:
        if name != layout.sheet and "reference" in _header(name):
            return name
    return None


def read_reference(path: Path, name: str, rows, catalogue, langs) -> tuple[list, list, list]:
    """The reference tab's benchmark values as target-set entries; (entries, errors,
    warnings), every problem at its cell."""
    issues: list[Issue] = []
    warnings: list[Issue] = []
    codes = _codes_in(rows, catalogue)
    if not codes:
        return [], [Issue(f"{path}:{name}", 0, 0, "", "no KPI number on this tab")], []
    code_col = max(codes, key=lambda c: len(codes[c]))
    header_at = _header_row(rows, codes[code_col][0])
    header = [_header(c.value) for c in rows[header_at]] if header_at is not None else []
    value_col = next(
        (
            c
            for c, text in enumerate(header)
            if c != code_col and re.search(r"benchmark|target|reference value|^value$", text)
        ),
        None,
    )
    if value_col is None:
        where = f"{path}:{name}!{_letter(code_col)}{(header_at or 0) + 1}"
        return [], [Issue(where, 0, 0, "header", "no column of benchmark values")], []
    dp_col = next((c for c, text in enumerate(header) if re.search(r"data ?point", text)), None)
    texts = {
        lang: Formatter(lang).gettext(
            "U4SSC benchmark value, from ITU's data-collection workbook (Scoring – reference tab)"
        )
        for lang in dict.fromkeys(("en", *langs))
    }
    entries, seen = [], {}
    for r in range(header_at + 1, len(rows)):
        row = rows[r]
        code = row[code_col] if code_col < len(row) else None
        if _blank(code):
            continue
        where = {
            "code": f"{path}:{name}!{_letter(code_col)}{r + 1}",
            "value": f"{path}:{name}!{_letter(value_col)}{r + 1}",
        }
        kpi_id, _ = resolve_kpi_id(catalogue, str(code.value).strip())
        if kpi_id is None:
            continue  # a banner row
        kpi = catalogue.by_id[kpi_id]
        point = None
        if kpi.data_points:
            text = ""
            if dp_col is not None and dp_col < len(row) and not _blank(row[dp_col]):
                text = _plain_text(row[dp_col].value)
            point = _data_point(kpi, text) if text else None
            if point is None:
                where["dp"] = (
                    f"{path}:{name}!{_letter(dp_col if dp_col is not None else code_col)}{r + 1}"
                )
                issues.append(
                    Issue(
                        where["dp"],
                        0,
                        0,
                        "data_point",
                        f"{kpi.code}: which data point? "
                        f"({', '.join(p.id for p in kpi.data_points)})",
                    )
                )
                continue
        cell = row[value_col] if value_col < len(row) else None
        if cell is not None and cell.formula and cell.value is None:
            issues.append(
                Issue(where["value"], 0, 0, "benchmark", "a formula without a computed value")
            )
            continue
        if _blank(cell) or _squash(cell.value) in NO_BENCHMARK:
            continue  # no benchmark for this KPI
        direction = kpi.direction_of(point)
        try:
            if direction == "yes_no":
                target = _yes_no(cell.value)
            else:
                target = read_number(
                    cell.value, cell.number_format, kpi.unit_of(point), False, "benchmark"
                )
        except CellError as exc:
            issues.append(Issue(where["value"], 0, 0, "benchmark", str(exc)))
            continue
        problem = check_target(kpi, point, target)
        if problem:
            if direction is None:
                warnings.append(
                    Issue(where["value"], 0, 0, "benchmark", f"not kept: {problem}", "warning")
                )
            else:
                issues.append(Issue(where["value"], 0, 0, "benchmark", problem))
            continue
        key = (kpi.id, point.id if point else None)
        if key in seen:
            issues.append(Issue(where["code"], 0, 0, "code", f"given twice (row {seen[key]})"))
            continue
        seen[key] = r + 1
        entry: dict = {"kpi": kpi.id}
        if point:
            entry["data_point"] = point.id
        number = target
        if target is not True:
            number = int(target) if target == target.to_integral_value() else float(target)
        entry.update(
            target=number,
            direction=direction,
            kind="u4ssc",
            source={"title": "U4SSC Data Collection Template, Scoring – reference tab"},
            note=f"Read from {path.name}, {name}!{_letter(value_col)}{r + 1}.",
            text=dict(texts),
        )
        entries.append(entry)
    return entries, issues, warnings


def in_repository(path: Path) -> Path | None:
    """The repository (a folder holding ``.git``, or the project's checkout) that ``path``
    would be written in, or None."""
    path = path.resolve()
    if CHECKOUT is not None and path.is_relative_to(CHECKOUT.resolve()):
        return CHECKOUT
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return None


def set_text(entries: list, workbook: Path, set_name: str, langs) -> str:
    titles = {
        lang: Formatter(lang).gettext("U4SSC benchmark values (ITU's data-collection workbook)")
        for lang in dict.fromkeys(("en", *langs))
    }
    header = (
        f"# Target set {set_name}: the U4SSC benchmark values of the 'Scoring – reference' tab\n"
        f"# of {workbook.name}, read by profiles-gen import-itu. ITU does not publish them:\n"
        "# keep this file out of any public repository.\n"
    )
    data = {"title": titles, "targets": entries}
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- the command -------------------------------------------------------------------------------


@dataclass
class Result:
    counts: Counts
    records: int
    warnings: list
    sheet: str
    reference: str | None = None  # the reference tab's name, if the workbook has one
    reference_values: int = 0
    reference_written: Path | None = None


def import_itu_city(
    book: Path,
    city_dir: Path,
    *,
    decimal_comma: bool = False,
    numbers: str | None = None,
    year: int | None = None,
    reference_out: Path | None = None,
    allow_in_repository: bool = False,
) -> Result:
    """``import-itu``: read ITU's workbook, validate the whole resulting city, then write
    ``kpis.yaml`` (and, where asked, the reference tab's benchmark values as a target set);
    on any error nothing is written and every error names its cell."""
    catalogue = load_catalogue()
    raw, log = load_raw(city_dir)
    data = raw.city.data if isinstance(raw.city.data, dict) else {}
    own_lang = data.get("lang") if isinstance(data.get("lang"), str) else "en"
    langs = tuple(x for x in (data.get("languages") or ()) if isinstance(x, str))
    langs = tuple(x for x in langs if x in available_languages()) or (own_lang,)
    existing = existing_records(raw)
    imported, counts, layout, sheets = import_itu(
        book,
        catalogue,
        existing=existing,
        own_lang=own_lang,
        langs=langs,
        decimal_comma=decimal_comma,
        numbers=numbers,
        year=year,
    )
    keep_absent(imported, existing, catalogue, city_dir / "kpis.yaml", book)
    result = Result(counts, len(imported.records), [], layout.sheet)
    ref_name = _reference_sheet({k: v for k, v in sheets.items() if v is not None}, layout)
    result.reference = ref_name
    write_set = None
    if ref_name is not None and reference_out is not None:
        repo = in_repository(reference_out)
        if repo is not None and not allow_in_repository:
            raise ProfileError(
                f"{reference_out}: inside the repository {repo}: the U4SSC benchmark values are "
                "not public; write them outside it (or give --allow-in-repository)"
            )
        entries, errors, ref_warnings = read_reference(
            book, ref_name, sheets[ref_name], catalogue, available_languages()
        )
        imported.warnings += ref_warnings
        if errors:
            raise ProfileError(errors + imported.warnings)
        text = set_text(entries, book, reference_out.stem, available_languages())
        _check_set(text, reference_out, catalogue)
        result.reference_values = len(entries)

        def write_set():
            atomic_write(reference_out, text)
            result.reference_written = reference_out

    elif ref_name is not None:
        result.reference_values = sum(
            1 for _ in _codes_in(sheets[ref_name], catalogue).values() for _ in _
        )
    result.warnings = write_checked(city_dir, raw, log, catalogue, imported, write_set)
    return result


def keep_absent(imported: Imported, existing: dict, catalogue, kpis: Path, book: Path) -> None:
    """What ``kpis.yaml`` holds and the workbook does not (a KPI, or a data point of a KPI
    the workbook has) is kept as it is, with a warning: no value disappears unsaid."""
    records = imported.records
    for kpi in catalogue.kpis:
        old = existing.get(kpi.id)
        if not isinstance(old, dict):
            continue
        where = f"{kpis}"
        if kpi.id not in records:
            records[kpi.id] = old
            if old.get("status") != "not_reported":
                imported.warnings.append(
                    Issue(
                        where,
                        0,
                        0,
                        kpi.id,
                        f"not in {book.name}: kept as it is in kpis.yaml",
                        "warning",
                    )
                )
            continue
        points = records[kpi.id].get("data_points")
        for dp, entry in (old.get("data_points") or {}).items():
            if points is not None and dp not in points:
                points[dp] = entry
                imported.warnings.append(
                    Issue(
                        where,
                        0,
                        0,
                        f"{kpi.id}.data_points.{dp}",
                        f"not in {book.name}: kept as it is in kpis.yaml",
                        "warning",
                    )
                )
    order = {k.id: n for n, k in enumerate(catalogue.kpis)}
    imported.records = {k: records[k] for k in sorted(records, key=order.get)}


def _check_set(text: str, out: Path, catalogue) -> None:
    """The set as it will be written, read back like any set: any problem is an error."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / out.name
        probe.write_text(text, encoding="utf-8")
        log = IssueLog()
        load_set(probe, catalogue, log, available_languages())
    problems = [i for i in log.issues if i.severity == "error"]
    if problems:
        raise ProfileError([Issue(str(out), i.line, i.col, i.field, i.message) for i in problems])


def looks_like_itu(path: Path) -> bool:
    """Whether ``path`` is ITU's workbook rather than profiles-gen's (``import-xlsx``)."""
    try:
        with open_books(path) as (values, formulas):
            if "KPIs" in values.sheetnames:
                return False
            sheets = _sheets(path, values, formulas)
            find_layout(path, {k: v for k, v in sheets.items() if v is not None}, load_catalogue())
            return True
    except ProfileError:
        return False


def _sheets(path: Path, values, formulas) -> dict:
    """The cells of every worksheet by its name (chart sheets left out); None for a sheet
    too large to be a tab of this workbook."""
    sheets = {}
    for name in values.sheetnames:
        if getattr(values[name], "iter_rows", None) is None:
            continue  # a chart sheet
        try:
            sheets[name] = sheet_cells(path, values, formulas, name)
        except ProfileError:
            sheets[name] = None
    return sheets
