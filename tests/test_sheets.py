"""Data-collection workbooks: export, import, round trip, and errors naming the cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from openpyxl import load_workbook

from tests.conftest import ROOT, run_cli


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
    assert ("EC: ICT: ICT: 1C", None, "Household Internet Access", "% of households") == rows[
        1
    ][:4]
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
