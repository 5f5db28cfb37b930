"""Data-collection workbooks: export, import, round trip, and errors naming the cell."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from profiles_gen.build.publication import prepare_city
from profiles_gen.publish.export import escape_formula, unescape_formula
from profiles_gen.scoring.score import score_city
from tests.conftest import ROOT, chdir, run_cli


def test_export_import_export_round_trip_is_lossless(tmp_path: Path) -> None:
    project = tmp_path
    (project / "cities").mkdir()
    shutil.copytree(ROOT / "cities" / "tbilisi", project / "cities" / "tbilisi")
    source = project / "cities" / "tbilisi" / "kpis.yaml"
    text = source.read_text()  # every column in use: a definition too
    source.write_text(text.replace("  value: 71.4\n", "  value: 71.4\n  definition: Fixed only\n"))
    original = yaml.safe_load(source.read_text())
    assert original["EC-ICT-ICT-2C"]["definition"] == "Fixed only"
    book = tmp_path / "collect.xlsx"
    assert run_cli(["export-xlsx", "tbilisi", "--out", str(book)], project)[0] == 0
    sheet = load_workbook(book)["KPIs"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "code",
        "data_point",
        "name",
        "unit",
        "default_target",
        "default_target_source",
        "value",
    )
    assert len(rows) - 1 == 112  # one row per KPI or data point
    assert ("EC: ICT: ICT: 1C", None, "Household Internet Access", "% of households") == rows[1][:4]
    assert rows[1][6] == 93
    reference = rows[0].index("u4ssc_definition")  # the catalogue's definition, for reference
    assert rows[1][reference].startswith("Share of households with Internet access")
    assert rows[0].index("definition") < reference  # after the city's own departure from it

    status, out, err = run_cli(["import-xlsx", str(book), "tbilisi"], project)
    assert status == 0, err
    kpis = project / "cities" / "tbilisi" / "kpis.yaml"
    imported = yaml.safe_load(kpis.read_text())
    assert imported == original
    assert kpis.read_text().startswith("# yaml-language-server")  # the comments are kept

    again = tmp_path / "again.xlsx"
    assert run_cli(["export-xlsx", "tbilisi", "--out", str(again)], project)[0] == 0
    assert list(load_workbook(again)["KPIs"].iter_rows(values_only=True)) == rows


def test_a_malformed_workbook_names_sheet_row_and_column(tmp_path: Path, project: Path) -> None:
    book = tmp_path / "bad.xlsx"
    assert run_cli(["export-xlsx", "mini", "--out", str(book)], project)[0] == 0
    wb = load_workbook(book)
    sheet = wb["KPIs"]
    sheet["G2"] = "n/a"  # value of EC: ICT: ICT: 1C
    sheet["H3"] = 2021.5  # year of EC: ICT: ICT: 2C
    sheet["A4"] = "EC: ICT: ICT: 9Z"
    sheet["B5"] = "5G"  # a data point Wireless Broadband Coverage does not have
    sheet["N6"] = "maybe"  # illustrative
    wb.save(book)
    status, _, err = run_cli(["import-xlsx", str(book), "mini"], project)
    assert status == 1
    lines = [line for line in err.splitlines() if ": error: " in line]
    book = book.relative_to(project)  # paths are printed relative to where the command runs
    assert lines == [
        f"{book}:KPIs!A4: error: code: unknown KPI code 'EC: ICT: ICT: 9Z'",
        f"{book}:KPIs!B5: error: data_point: EC: ICT: ICT: 4C needs one of 3G, 4G",
        f"{book}:KPIs!G2: error: value: expected a number, got 'n/a'",
        f"{book}:KPIs!H3: error: year: expected a whole number, got 2021.5",
        f"{book}:KPIs!N6: error: illustrative: expected yes or no, got 'maybe'",
    ]
    assert "Traceback" not in err
    # Nothing was written over the city's data.
    assert "value: 93" in (project / "cities" / "mini" / "kpis.yaml").read_text()


def test_not_an_xlsx_file(tmp_path: Path, project: Path) -> None:
    fake = tmp_path / "data.xlsx"
    fake.write_text("not a workbook")
    status, _, err = run_cli(["import-xlsx", str(fake), "mini"], project)
    assert status == 1 and "not a readable .xlsx workbook" in err


# --- data entry as staff do it (issue 17) and hostile workbooks (issue 22) -----------


def _export(project: Path, tmp_path: Path, *extra: str) -> Path:
    book = tmp_path / "collect.xlsx"
    status, _, err = run_cli(["export-xlsx", "mini", "--out", str(book), *extra], project)
    assert status == 0, err
    return book


def _row(sheet, code: str, point: str | None = None) -> int:
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == code and (sheet.cell(r, 2).value or None) == point:
            return r
    raise AssertionError(code)


def _fill(book: Path, cells: list[tuple[str, str | None, str, object, str | None]]) -> dict:
    """Set (code, data point, column, value, number format) cells; their addresses by key."""
    wb = load_workbook(book)
    sheet = wb["KPIs"]
    header = [c.value for c in sheet[1]]
    where = {}
    for code, point, column, value, number_format in cells:
        r = _row(sheet, code, point)
        cell = sheet.cell(r, header.index(column) + 1)
        cell.value = value
        if number_format:
            cell.number_format = number_format
        where[(code, point, column)] = cell.coordinate
    wb.save(book)
    return where


def _import(project: Path, book: Path, *extra: str) -> tuple[int, list[str], str]:
    status, _, err = run_cli(["import-xlsx", str(book), "mini", *extra], project)
    assert "Traceback" not in err
    return status, [line for line in err.splitlines() if ": error: " in line], err


def _kpis(project: Path) -> str:
    return (project / "cities" / "mini" / "kpis.yaml").read_text()


def test_a_percent_formatted_cell_is_read_as_it_shows(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path)
    _fill(
        book,
        [
            ("EC: ICT: ICT: 1C", None, "value", 0.97, "0%"),  # shows 97 %
            ("EC: ICT: ICT: 2C", None, "value", 0.8451, "0.00%"),  # shows 84.51 %
        ],
    )
    status, errors, err = _import(project, book)
    assert status == 0, err
    data = yaml.safe_load(_kpis(project))
    assert data["EC-ICT-ICT-1C"]["value"] == 97
    assert data["EC-ICT-ICT-2C"]["value"] == 84.51
    assert "value: 84.51\n" in _kpis(project)


def test_a_percentage_for_a_kpi_in_another_unit_is_refused_at_its_cell(
    tmp_path: Path, project: Path
) -> None:
    book = _export(project, tmp_path)
    before = _kpis(project)
    where = _fill(
        book,
        [
            ("EC: ICT: ICT: 3C", None, "value", 0.97, "0%"),  # subscriptions per 100 000
            ("EC: ICT: ICT: 3C", None, "target", "15 %", None),
        ],
    )
    status, errors, _ = _import(project, book)
    assert status == 1
    rel = book.relative_to(project)
    value_cell = where[("EC: ICT: ICT: 3C", None, "value")]
    target_cell = where[("EC: ICT: ICT: 3C", None, "target")]
    assert errors[0].startswith(f"{rel}:KPIs!{value_cell}: error: value: the cell is formatted")
    assert errors[1].startswith(f"{rel}:KPIs!{target_cell}: error: target: '15 %' is a percentage")
    assert _kpis(project) == before  # nothing written


@pytest.mark.parametrize("typed", ["84.51%", "84,51 %", "84.51 %", "84.51\u00a0%"])
def test_a_percentage_typed_as_text_is_the_number(
    tmp_path: Path, project: Path, typed: str
) -> None:
    book = _export(project, tmp_path)
    _fill(book, [("EC: ICT: ICT: 1C", None, "value", typed, None)])
    status, _, err = _import(project, book)
    assert status == 0, err
    assert "  value: 84.51\n" in _kpis(project)


def test_numbers_stored_as_text_keep_their_decimals(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path)
    _fill(
        book,
        [
            ("EC: ICT: ICT: 1C", None, "value", "97.00", None),  # a number stored as text
            ("EC: ICT: ICT: 3C", None, "value", "35\u00a0394", None),
            ("EC: ICT: ICT: 3C", None, "year", "2021", None),
            ("EC: ICT: ICT: 3C", None, "source", "Test", None),
        ],
    )
    status, _, err = _import(project, book)
    assert status == 0, err
    text = _kpis(project)
    assert "  value: 97.00\n" in text
    assert yaml.safe_load(text)["EC-ICT-ICT-3C"]["value"] == 35394


def test_an_ambiguous_number_or_a_unit_after_it_is_refused(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path)
    before = _kpis(project)
    where = _fill(
        book,
        [
            ("EC: ICT: ICT: 3C", None, "value", "35,394", None),
            ("EC: I: WS: 3C", None, "value", "12 km", None),
        ],
    )
    status, errors, _ = _import(project, book)
    assert status == 1
    rel = book.relative_to(project)
    ambiguous = where[("EC: ICT: ICT: 3C", None, "value")]
    unit = where[("EC: I: WS: 3C", None, "value")]
    assert f"{rel}:KPIs!{ambiguous}: error: value: '35,394' reads two ways: 35 394 or 35.394?" in (
        errors[0] if errors[0].find(ambiguous) > 0 else errors[1]
    )
    unit_line = next(e for e in errors if f"!{unit}:" in e)
    assert "without a unit after it, got '12 km'" in unit_line
    assert "expected a number in '" in unit_line
    assert _kpis(project) == before


def test_the_declared_decimal_comma_decides(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path, "--decimal-comma")
    _fill(book, [("EC: ICT: ICT: 2C", None, "value", "57,25", None)])
    status, _, err = _import(project, book)
    assert status == 0, err
    assert yaml.safe_load(_kpis(project))["EC-ICT-ICT-2C"]["value"] == 57.25
    # Under a decimal comma, a point followed by three digits reads two ways.
    _fill(book, [("EC: ICT: ICT: 2C", None, "value", "35.394", None)])
    status, errors, _ = _import(project, book)
    assert status == 1 and "reads two ways" in errors[0]
    # --decimal-comma on import overrides a workbook that declares a point.
    plain = tmp_path / "plain"
    plain.mkdir()
    book = _export(project, plain)
    _fill(book, [("EC: ICT: ICT: 2C", None, "value", "12,5", None)])
    status, _, err = _import(project, book, "--decimal-comma")
    assert status == 0, err
    assert yaml.safe_load(_kpis(project))["EC-ICT-ICT-2C"]["value"] == 12.5


def test_import_validates_the_whole_city_before_writing(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path)
    before = _kpis(project)
    where = _fill(
        book,
        [
            ("EC: ICT: ICT: 1C", None, "value", "120", None),  # a percentage over 100
            ("EC: ICT: ICT: 2C", None, "year", 2999, None),  # in the future
            ("EC: I: WS: 3C", None, "target_source", None, None),  # a target without source
        ],
    )
    status, errors, _ = _import(project, book)
    assert status == 1
    rel = book.relative_to(project)
    assert errors == sorted(errors)
    assert f"{rel}:KPIs!{where[('EC: ICT: ICT: 1C', None, 'value')]}: error: value: " in "".join(
        errors
    )
    assert any(
        e.startswith(f"{rel}:KPIs!{where[('EC: ICT: ICT: 2C', None, 'year')]}: error: year: ")
        for e in errors
    )
    assert any(": error: target: a target needs a target_source" in e for e in errors)
    assert not any("kpis.yaml" in e for e in errors)  # every error at its cell
    assert _kpis(project) == before


def test_a_data_point_counted_in_its_own_unit_and_not_reported_alone(
    tmp_path: Path, project: Path
) -> None:
    book = _export(project, tmp_path)
    wb = load_workbook(book)
    header = [c.value for c in wb["KPIs"][1]]
    r = _row(wb["KPIs"], "EC: ICT: PS: 1A", "number")
    assert wb["KPIs"].cell(r, header.index("unit") + 1).value == "number of published datasets"
    _fill(
        book,
        [
            ("EC: ICT: PS: 1A", "number", "value", 268, None),  # a count, not a percentage
            ("EC: ICT: PS: 1A", "number", "year", 2021, None),
            ("EC: ICT: PS: 1A", "number", "source", "Open data portal", None),
            ("EN: EN: AQ: 1C", "SO2", "status", "not_reported", None),
            ("EN: EN: AQ: 1C", "SO2", "reason", "No SO2 monitor", None),
        ],
    )
    status, _, err = _import(project, book)
    assert status == 0, err
    data = yaml.safe_load(_kpis(project))
    assert data["EC-ICT-PS-1A"]["data_points"]["number"]["value"] == 268
    assert data["EN-EN-AQ-1C"]["data_points"]["SO2"] == {
        "status": "not_reported",
        "reason": "No SO2 monitor",
    }
    assert data["EN-EN-AQ-1C"]["data_points"]["PM2.5"]["value"] == 20  # the others kept
    status, out, err = run_cli(["score", "mini", "--json"], project)
    items = json.loads(out)["items"]
    so2 = next(i for i in items if i["kpi"] == "EN-EN-AQ-1C" and i["data_point"] == "SO2")
    assert so2["band"] == "no_data" and so2["reason"] == "No SO2 monitor"


def test_export_for_a_new_city_every_kpi_empty_guarded(tmp_path: Path, project: Path) -> None:
    (project / "cities" / "mini" / "kpis.yaml").unlink()
    book = _export(project, tmp_path, "--lang", "ru")
    wb = load_workbook(book)
    sheet = wb["KPIs"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 112
    assert all(row[header.index("value")] is None for row in rows)
    assert sheet.freeze_panes == "C2"
    assert sheet.protection.sheet
    code = sheet.cell(2, header.index("code") + 1)
    value = sheet.cell(2, header.index("value") + 1)
    assert code.protection.locked and not value.protection.locked
    lists = {
        header[sheet[str(dv.sqref).split(":")[0]].column - 1]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if ":" in str(dv.sqref)
    }
    assert lists["status"] == '"not_reported"'
    assert lists["illustrative"] == '"yes,no"'
    yes_no_value = next(
        dv for dv in sheet.data_validations.dataValidation if ":" not in str(dv.sqref)
    )
    assert yes_no_value.formula1 == '"yes,no"'  # the value of a yes/no KPI
    default = header.index("default_target")
    air = _row(sheet, "EN: EN: AQ: 1C", "PM2.5")
    assert sheet.cell(air, default + 1).value == 5
    assert "ВОЗ" in sheet.cell(air, default + 2).value  # the default set's Russian line
    guide = [row for row in wb["Read me"].iter_rows(values_only=True)]
    assert any(row[0] == "value" and "значение" in (row[1] or "").lower() for row in guide)
    assert ("decimal separator", "point") == guide[-2][:2]


def test_a_hostile_zip_is_refused_in_seconds(tmp_path: Path, project: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b" " * (1024 * 1024)
            for _ in range(80):  # 80 MB of white space, a few hundred kB compressed
                fh.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    status, errors, err = _import(project, bomb)
    assert status == 1
    assert "the workbook expands to 80 MB" in err


def test_malformed_xml_and_formulas_without_values(tmp_path: Path, project: Path) -> None:
    book = _export(project, tmp_path)
    where = _fill(book, [("EC: ICT: ICT: 1C", None, "value", "=90+3", None)])
    status, errors, _ = _import(project, book)  # openpyxl saves formulas without a value
    assert status == 1
    cell = where[("EC: ICT: ICT: 1C", None, "value")]
    assert errors == [
        f"{book.relative_to(project)}:KPIs!{cell}: error: value: a formula without a computed "
        "value: open the workbook in a spreadsheet, let it calculate and save it, or type the "
        "value"
    ]
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of an element
            dst.writestr(info, data)
    status, _, err = _import(project, broken)
    assert status == 1
    assert "not a readable .xlsx workbook" in err


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, project: Path) -> None:
    kpis = project / "cities" / "mini" / "kpis.yaml"
    hostile = '=HYPERLINK("http://example.org","x")'
    kpis.write_text(
        kpis.read_text().replace("source: Test survey", f"source: '{hostile}'"), encoding="utf-8"
    )
    book = _export(project, tmp_path)
    with zipfile.ZipFile(book) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    sheet = load_workbook(book)["KPIs"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("source") + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (hostile, "s", True)
    before = yaml.safe_load(kpis.read_text())
    status, _, err = _import(project, book)
    assert status == 0, err
    assert yaml.safe_load(kpis.read_text()) == before  # the round trip restores it


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+7 495", "'+7 495"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Survey", "Survey"),
        ("", ""),
    ],
)
def test_escape_formula_for_csv(text: str, escaped: str) -> None:
    assert escape_formula(text) == escaped
    assert unescape_formula(escaped) == text


def test_the_csv_export_escapes_formula_text(project: Path) -> None:
    from profiles_gen.publish.export import score_csv

    kpis = project / "cities" / "mini" / "kpis.yaml"
    kpis.write_text(kpis.read_text().replace("source: Test survey", "source: '@cmd'"))
    with chdir(project):
        city, catalogue, _ = prepare_city(project / "cities" / "mini")
        text = score_csv(score_city(city, catalogue), catalogue)
    rows = list(csv.DictReader(io.StringIO(text)))
    first = next(r for r in rows if r["kpi"] == "EC-ICT-ICT-1C")
    assert first["source"] == "'@cmd"
    assert first["value"] == "93"


def test_a_fraction_for_a_percentage_without_a_percent_format_is_kept_with_a_warning(
    tmp_path: Path, project: Path
) -> None:
    book = _export(project, tmp_path)
    where = _fill(book, [("EC: ICT: ICT: 1C", None, "value", 0.97, None)])
    status, _, err = _import(project, book)
    assert status == 0, err
    assert yaml.safe_load(_kpis(project))["EC-ICT-ICT-1C"]["value"] == 0.97  # as typed
    cell = where[("EC: ICT: ICT: 1C", None, "value")]
    assert f"KPIs!{cell}: warning: value: 0.97 per cent: if the cell meant 97 %" in err


def test_quality_verified_and_origin_travel_through_the_workbook(
    tmp_path: Path, project: Path
) -> None:
    book = _export(project, tmp_path)
    sheet = load_workbook(book)["KPIs"]
    header = [c.value for c in sheet[1]]
    lists = {  # the drop-downs of the data-collection workbook
        header[sheet[str(dv.sqref).split(":")[0]].column - 1]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if ":" in str(dv.sqref)
    }
    assert "accurate_measurements" in lists["quality"] and lists["verified"] == '"yes,no"'
    where = _fill(
        book,
        [
            ("EC: ICT: ICT: 1C", None, "quality", "survey_extrapolation", None),
            ("EC: ICT: ICT: 1C", None, "verified", "no", None),
            ("EC: ICT: ICT: 1C", None, "origin", "National statistics office", None),
            ("EC: ICT: ICT: 2C", None, "quality", "a good guess", None),
        ],
    )
    status, errors, err = _import(project, book)
    assert status == 1 and len(errors) == 1  # the unknown quality, at its cell
    assert f"KPIs!{where[('EC: ICT: ICT: 2C', None, 'quality')]}: error: quality" in errors[0]
    before = _kpis(project)
    assert "survey_extrapolation" not in before  # nothing written
    _fill(book, [("EC: ICT: ICT: 2C", None, "quality", None, None)])
    status, errors, err = _import(project, book)
    assert status == 0, err
    record = yaml.safe_load(_kpis(project))["EC-ICT-ICT-1C"]
    assert record["quality"] == "survey_extrapolation" and record["verified"] is False
    assert record["origin"] == "National statistics office"
