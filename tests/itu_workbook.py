"""A stand-in for ITU's "U4SSC Data Collection Template" workbook, for tests.

ITU's workbook is not public. This builder lays one out from what ITU's "U4SSC KPIs
Verification Manual - A guide for verifiers" (2022), chapter 10, says of it, and fills the
rest with guesses that are easy to change. ``docs/itu-workbook.md`` says, page by page,
which is which. In short:

- from the manual: the column letters O (KPI result, default ``NR``), Q (reported),
  R (U4SSC benchmark performance), S (verified, ``YES``/``NO`` only), T (data quality, six
  dropdown choices), U (data origin, dropdown), V-W (sources); orange input cells for the
  numerator and denominator; the tabs "Scoring", "Dimension and Sub Scoring",
  "Category scoring" and a locked "Scoring – reference" tab;
- guesses of this fixture: every header text, the columns A-N and P, the header row, the
  names of the instructions, city-information and data tabs, how data points sit under
  their KPI, what R holds (written as given), the orange colour, a hidden "Lists" tab
  holding the dropdown lists.

Every guess is a keyword argument, so a test can move a column, rename a header or a tab,
and check that an importer finds things by their header text, not by a fixed position.

Run ``python tests/itu_workbook.py OUT.xlsx`` to write an example workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

# --- From the manual (pages in docs/itu-workbook.md) -------------------------------------

#: Column T: the city's six choices for the quality of the data (manual p. 163).
QUALITY_CHOICES = (
    "Based on accurate measurements",
    "Extrapolated based on survey of inhabitants",
    "Extrapolated based on higher-level data",
    "Estimation based on certain assumptions",
    "Personal estimation",
    "Unknown methodology, not traceable",
)

#: Column U: "three choices for the origin of the data" as the manual prints them (p. 163).
#: They repeat the last three quality choices, most likely a copy error in the manual: the
#: real list is unknown, so an importer must not rely on it.
ORIGIN_CHOICES_AS_PRINTED = (
    "Estimation based on certain assumptions",
    "Personal estimation",
    "Unknown methodology, not traceable",
)

#: Columns Q and S hold YES or NO; column O defaults to NR, "Not Reported" (pp. 162-163).
YES, NO, NOT_REPORTED = "YES", "NO", "NR"

#: The four benchmark ranges as a verification report words them (Kristiansund, 2020, p. 12).
BAND_LABELS_REPORT = (
    "0 – 33 % of target",
    "33 – 66 % of target",
    "66 – 95 % of target",
    "95+ % of target",
)

#: The same ranges as a city snapshot's legend words them (Aukra, 2021, p. 4), lowest first.
BAND_LABELS_SNAPSHOT = (
    "Less than 33% of Target",
    "33-66% of Target",
    "66–95% of Target",
    "95%+ Target",
)

# --- Layout: the manual's letters for O-W, this fixture's guesses for the rest -------------

#: Role -> column letter. O, Q, R, S, T, U, V, W are the manual's; A-L are guesses (the
#: manual's stored pages do not describe columns A-N); P is left empty, as the manual says
#: nothing of it.
COLUMNS = {
    "dimension": "A",
    "subdimension": "B",
    "category": "C",
    "code": "D",
    "name": "E",
    "data_point": "F",
    "type": "G",
    "numerator": "H",
    "denominator": "J",
    "unit": "L",
    "result": "O",
    "reported": "Q",
    "benchmark": "R",
    "verified": "S",
    "quality": "T",
    "origin": "U",
    "source": "V",
    "source_detail": "W",
}

#: Role -> header text. All guesses: the manual gives no header text (its screenshots are
#: images). "KPI No." and "KPI Name" are the labels of the manual's KPI sheets (p. 33).
HEADERS = {
    "dimension": "Dimension",
    "subdimension": "Sub-Dimension",
    "category": "Category",
    "code": "KPI No.",
    "name": "KPI Name",
    "data_point": "Data Point",
    "type": "Type",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "unit": "Unit",
    "result": "KPI Result",
    "reported": "Reported",
    "benchmark": "U4SSC Benchmark",
    "verified": "Verified",
    "quality": "Data Quality",
    "origin": "Data Origin",
    "source": "Source",
    "source_detail": "Source Details",
}

#: Role -> tab name. "scoring", "dimension", "category" and "reference" are named in the
#: manual (pp. 166, 169; the reference tab's name has an en dash); the others are guesses.
SHEETS = {
    "instructions": "Instructions",
    "city": "City Information",
    "data": "KPI Data",
    "scoring": "Scoring",
    "dimension": "Dimension and Sub Scoring",
    "category": "Category scoring",
    "reference": "Scoring – reference",
    "lists": "Lists",
}

#: The fill of the input cells. The manual says "orange" (p. 162), not which orange.
ORANGE = "FFC000"


@dataclass
class Row:
    """One KPI, or one data point of a KPI, on the data tab.

    ``value`` goes to column O (``"NR"`` when not reported); ``benchmark`` to R, written as
    given (a share such as ``0.87``, a band label, points 1-4, ``"N/A"``, or ``None``), with
    ``benchmark_fill`` (an RGB hex colour) as its fill if set; ``reported`` to Q (``None``:
    YES when ``value`` is not NR, else NO); ``verified`` to S; ``quality``, ``origin``,
    ``source``, ``source_detail`` to T, U, V, W; ``numerator`` and ``denominator`` to the
    orange input cells.
    """

    code: str
    name: str = ""
    data_point: str = ""
    value: object = NOT_REPORTED
    benchmark: object = None
    benchmark_fill: str | None = None
    reported: str | None = None
    verified: str | None = None
    quality: str | None = None
    origin: str | None = None
    source: str | None = None
    source_detail: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    dimension: str = ""
    subdimension: str = ""
    category: str = ""
    kpi_type: str = ""
    unit: str = ""


def _as_row(item: Row | Mapping) -> Row:
    return item if isinstance(item, Row) else Row(**item)


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def _put_score(cell, score) -> None:
    """A score is a value, or a (value, RGB colour) pair."""
    if isinstance(score, tuple):
        cell.value, colour = score
        cell.fill = _fill(colour)
    else:
        cell.value = score


def _put_kpi(sheet, cols: Mapping[str, str], r: int, row: Row) -> None:
    """The KPI's own cells of row ``r``: dimension to type."""
    for role, text in (
        ("dimension", row.dimension),
        ("subdimension", row.subdimension),
        ("category", row.category),
        ("code", row.code),
        ("name", row.name),
        ("type", row.kpi_type),
    ):
        sheet[f"{cols[role]}{r}"] = text or None


def build_itu_workbook(
    path: str | Path,
    rows: Iterable[Row | Mapping],
    *,
    city: str = "Exampleville",
    country: str = "",
    year: int | None = None,
    reference: Mapping[str | tuple[str, str], object] | None = None,
    category_scores: Mapping[str, object] | None = None,
    dimension_scores: Mapping[tuple[str, str], object] | None = None,
    columns: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    sheet_names: Mapping[str, str] | None = None,
    header_row: int = 3,
    data_points: str = "subrows",
    section_rows: bool = False,
    formulas: bool = False,
) -> Path:
    """Write a workbook laid out as the manual describes ITU's template; return its path.

    ``rows``: ``Row`` objects or mappings of ``Row``'s fields, in sheet order.
    ``reference``: benchmark values for a locked "Scoring – reference" tab, keyed by KPI code
    or (code, data point); ``None`` leaves the tab out. ``category_scores`` (category ->
    score) and ``dimension_scores`` ((dimension, sub-dimension) -> score) fill the two
    scoring tabs; a score is a value or a (value, RGB colour) pair.
    ``columns``, ``headers``, ``sheet_names`` override entries of ``COLUMNS``, ``HEADERS``,
    ``SHEETS``. ``header_row``: the data tab's header row (a title sits above it when > 1).
    ``data_points``: ``"subrows"`` writes a heading row (code and name) for a KPI with data
    points, then one row per data point with the code left blank; ``"repeat"`` writes the
    code and name on every data point's row. ``section_rows``: a row holding only the
    category name before each new category. ``formulas``: Q is a formula on O (openpyxl
    stores no computed value, as Excel would, so a reader with ``data_only=True`` sees None).
    """
    if data_points not in ("subrows", "repeat"):
        raise ValueError(f"data_points must be 'subrows' or 'repeat', not {data_points!r}")
    cols = {**COLUMNS, **(columns or {})}
    heads = {**HEADERS, **(headers or {})}
    names = {**SHEETS, **(sheet_names or {})}
    if len(set(cols.values())) != len(cols):
        raise ValueError(f"two roles share a column: {cols}")
    rows = [_as_row(r) for r in rows]
    bold = Font(bold=True)

    book = Workbook()
    sheet = book.active
    sheet.title = names["instructions"]
    sheet["A1"] = "U4SSC Data Collection Template"
    sheet["A1"].font = bold
    sheet["A3"] = "Test fixture: stands in for the instructions tab (this is not ITU's text)."

    info = book.create_sheet(names["city"])
    for label, value in (("City", city), ("Country", country), ("Year", year)):
        info.append([label, value])
        info.cell(row=info.max_row, column=1).font = bold

    data = book.create_sheet(names["data"])
    if header_row > 1:
        data["A1"] = f"U4SSC Data Collection Template – {city}"
        data["A1"].font = bold
    for role, letter in cols.items():
        cell = data[f"{letter}{header_row}"]
        cell.value = heads[role]
        cell.font = bold

    r = header_row
    last_category = None
    previous_code = None
    written: list[Row] = []
    for row in rows:
        if section_rows and row.category and row.category != last_category:
            r += 1
            data[f"{cols['category']}{r}"] = row.category
            data[f"{cols['category']}{r}"].font = bold
        last_category = row.category or last_category
        new_kpi = row.code != previous_code
        previous_code = row.code
        under_heading = data_points == "subrows" and bool(row.data_point)
        if under_heading and new_kpi:
            r += 1  # the KPI's heading row: code and name, no value
            _put_kpi(data, cols, r, row)
        r += 1
        if not under_heading:
            _put_kpi(data, cols, r, row)
        data[f"{cols['data_point']}{r}"] = row.data_point or None
        data[f"{cols['unit']}{r}"] = row.unit or None
        for role, number in (("numerator", row.numerator), ("denominator", row.denominator)):
            data[f"{cols[role]}{r}"] = number
            data[f"{cols[role]}{r}"].fill = _fill(ORANGE)
        result = f"{cols['result']}{r}"
        data[result] = row.value
        if formulas:
            data[f"{cols['reported']}{r}"] = f'=IF({result}="{NOT_REPORTED}","{NO}","{YES}")'
        else:
            reported = row.reported or (NO if row.value == NOT_REPORTED else YES)
            data[f"{cols['reported']}{r}"] = reported
        data[f"{cols['benchmark']}{r}"] = row.benchmark
        if row.benchmark_fill:
            data[f"{cols['benchmark']}{r}"].fill = _fill(row.benchmark_fill)
        for role in ("verified", "quality", "origin", "source", "source_detail"):
            data[f"{cols[role]}{r}"] = getattr(row, role)
        written.append(row)
    last = max(r, header_row + 1)

    # A list item holds a comma ("Unknown methodology, not traceable"), so the dropdowns
    # point at cells rather than spelling the list inline.
    quoted = "'" + names["lists"].replace("'", "''") + "'"
    for role, formula in (
        ("reported", f'"{YES},{NO}"'),
        ("verified", f'"{YES},{NO}"'),
        ("quality", f"{quoted}!$A$1:$A${len(QUALITY_CHOICES)}"),
        ("origin", f"{quoted}!$B$1:$B${len(ORIGIN_CHOICES_AS_PRINTED)}"),
    ):
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        data.add_data_validation(dv)
        dv.add(f"{cols[role]}{header_row + 1}:{cols[role]}{last}")

    scoring = book.create_sheet(names["scoring"])
    scoring.append(["KPI No.", "KPI / Data Point", "U4SSC Benchmark"])
    for cell in scoring[1]:
        cell.font = bold
    for row in written:
        label = f"{row.name}: {row.data_point}" if row.data_point else row.name
        scoring.append([row.code, label, row.benchmark])
        if row.benchmark_fill:
            scoring.cell(row=scoring.max_row, column=3).fill = _fill(row.benchmark_fill)

    dims = book.create_sheet(names["dimension"])
    dims.append(["Dimension", "Sub-Dimension", "Score"])
    for cell in dims[1]:
        cell.font = bold
    pairs = dict.fromkeys((row.dimension, row.subdimension) for row in written)
    for pair in pairs:
        dims.append(list(pair))
        _put_score(dims.cell(row=dims.max_row, column=3), (dimension_scores or {}).get(pair))

    cats = book.create_sheet(names["category"])
    cats.append(["Category", "Score"])
    for cell in cats[1]:
        cell.font = bold
    for category in dict.fromkeys(row.category for row in written if row.category):
        cats.append([category])
        _put_score(cats.cell(row=cats.max_row, column=2), (category_scores or {}).get(category))

    if reference is not None:
        ref = book.create_sheet(names["reference"])
        ref.append(["KPI No.", "Data Point", "Benchmark"])
        for cell in ref[1]:
            cell.font = bold
        for key, benchmark in reference.items():
            code, point = key if isinstance(key, tuple) else (key, "")
            ref.append([code, point or None, benchmark])
        ref.protection.sheet = True  # "locked and cannot be edited" (p. 166); no password

    for letter in {cols["code"], cols["name"], cols["data_point"]}:
        data.column_dimensions[letter].width = 24
    data.freeze_panes = f"A{header_row + 1}"
    lists = book.create_sheet(names["lists"])  # last, and hidden
    lists.sheet_state = "hidden"
    for i, choice in enumerate(QUALITY_CHOICES, start=1):
        lists.cell(row=i, column=1, value=choice)
    for i, choice in enumerate(ORIGIN_CHOICES_AS_PRINTED, start=1):
        lists.cell(row=i, column=2, value=choice)
    path = Path(path)
    book.save(path)
    return path


EXAMPLE = [
    Row(
        "EC: ICT: ICT: 1C",
        "Household Internet Access",
        value=91.5,
        benchmark=BAND_LABELS_REPORT[3],
        benchmark_fill="00B050",
        verified=YES,
        quality=QUALITY_CHOICES[0],
        source="Statistics office, household survey",
        numerator=45_750,
        denominator=50_000,
        dimension="Economy",
        subdimension="ICT",
        category="ICT Infrastructure",
        kpi_type="Core",
        unit="%",
    ),
    Row(
        "EC: ICT: ICT: 4C",
        "Wireless Broadband Coverage",
        data_point="3G",
        value=99.0,
        benchmark=BAND_LABELS_REPORT[3],
        verified=YES,
        dimension="Economy",
        subdimension="ICT",
        category="ICT Infrastructure",
        unit="%",
    ),
    Row(
        "EC: ICT: ICT: 4C",
        "Wireless Broadband Coverage",
        data_point="4G",
        value=62.0,
        benchmark=BAND_LABELS_REPORT[1],
        verified=NO,
        dimension="Economy",
        subdimension="ICT",
        category="ICT Infrastructure",
        unit="%",
    ),
    Row(
        "EN: EN: AQ: 1C",
        "Air Pollution",
        data_point="PM2.5",
        dimension="Environment",
        subdimension="Environment",
        category="Air Quality",
        unit="µg/m³",
    ),
    Row(
        "EC: ICT: ICT: 5A",
        "Availability of Wi-Fi in Public Areas",
        value=12,
        benchmark="N/A",
        verified=YES,
        quality=QUALITY_CHOICES[3],
        dimension="Economy",
        subdimension="ICT",
        category="ICT Infrastructure",
        unit="hotspots",
    ),
]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/itu_workbook.py OUT.xlsx")
    out = build_itu_workbook(
        sys.argv[1],
        EXAMPLE,
        city="Exampleville (fictional)",
        reference={"EC: ICT: ICT: 1C": 100, ("EC: ICT: ICT: 4C", "3G"): 100},
        category_scores={"ICT Infrastructure": ("66 – 95 % of target", "92D050")},
    )
    print(out)
