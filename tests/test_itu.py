"""ITU's data-collection workbook into kpis.yaml (``import-itu``), built to the manual's
description by ``tests/itu_workbook.py``: values, NR, YES/NO, quality, origin, sources, the
U4SSC benchmark performance of column R as the value's score, the reference tab as a
private target set, every bad cell refused at its address and nothing written on error."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal as D
from html import unescape
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from profiles_gen.core.errors import IssueLog
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.targets import load_set
from tests.conftest import ROOT, run_cli
from tests.itu_workbook import (
    BAND_LABELS_REPORT,
    BAND_LABELS_SNAPSHOT,
    QUALITY_CHOICES,
    Row,
    build_itu_workbook,
)

CAT = load_catalogue()
KARMOY = ROOT / "tests" / "data" / "karmoy"
WORKBOOK_SOURCE = "U4SSC benchmark performance, from the city's data-collection workbook"


def _project(tmp_path: Path, slug: str = "itu") -> Path:
    """A scratch project with one official city (Karmøy's city.yaml and narrative, scored
    against the default set) and no kpis.yaml yet."""
    city = tmp_path / "project" / "cities" / slug
    shutil.copytree(KARMOY, city)
    (city / "kpis.yaml").unlink()
    return tmp_path / "project"


ECONOMY = dict(dimension="Economy", subdimension="ICT", category="ICT Infrastructure")

ROWS = [
    # A value with every column of the manual; its KPI has a default target (60 %), which
    # wins over R; V and W are both sources.
    Row(
        "EC: ICT: ICT: 1C",
        "Household Internet Access",
        value=91.5,
        benchmark=BAND_LABELS_REPORT[3],
        benchmark_fill="00B050",
        verified="YES",
        quality=QUALITY_CHOICES[0],
        origin="Municipal records",
        source="Statistics office",
        source_detail="Household survey 2019, table 4",
        numerator=45_750,
        denominator=50_000,
        **ECONOMY,
    ),
    # No public target: R is the score (a range label, as a report words it).
    Row(
        "EC: ICT: WS: 1C",
        "Smart Water Meters",
        value=40,
        benchmark=BAND_LABELS_REPORT[2],
        verified="NO",
        quality=QUALITY_CHOICES[3],
        source="Water utility",
        **ECONOMY,
    ),
    # No public target: R as a percentage written as text.
    Row(
        "EC: ICT: WS: 2A",
        "Water Supply ICT Monitoring",
        value=25,
        benchmark="52 %",
        verified="YES",
        source="Water utility",
        **ECONOMY,
    ),
    # A snapshot's label; the KPI number printed without its last space (manual p. 117).
    Row(
        "EC: ICT: D:1A",
        "Drainage / Storm Water System ICT Monitoring",
        value=10,
        benchmark=BAND_LABELS_SNAPSHOT[0],
        source="Water utility",
        **ECONOMY,
    ),
    # Data points under a heading row; PM10 not reported (NR) though R is filled.
    Row("EN: EN: AQ: 1C", "Air Pollution", data_point="PM2.5", value=8, source="Air agency"),
    Row("EN: EN: AQ: 1C", "Air Pollution", data_point="PM 10", benchmark="N/A"),
    # No benchmark (N/A) and no public target: no band.
    Row(
        "EC: ICT: ICT: 5A",
        "Availability of Wi-Fi in Public Areas",
        value=12,
        benchmark="N/A",
        verified="YES",
        source="Municipality",
    ),
    # A yes/no KPI.
    Row("SC: SH: SA: 3A", "Disaster and Emergency Management", value="YES", source="Plan"),
    # Not reported, by the manual's default.
    Row("SC: EH: ED: 3C", "Higher Education Degrees"),
]


def _kpis(project: Path, slug: str = "itu") -> dict:
    return yaml.safe_load((project / "cities" / slug / "kpis.yaml").read_text(encoding="utf-8"))


def _score(project: Path, slug: str = "itu") -> dict:
    status, out, err = run_cli(["score", slug], project)
    assert status == 0, err
    return json.loads(out)


def _item(data: dict, kpi: str, point: str | None = None) -> dict:
    return next(i for i in data["items"] if i["kpi"] == kpi and i["data_point"] == point)


LAYOUTS = {
    "as-the-fixture-guesses": {},
    # The same workbook with every guess changed: the tab's name, the header row and texts,
    # columns moved (R no longer in R), the code repeated on data-point rows, banner rows.
    "moved-and-renamed": dict(
        sheet_names={"data": "Données KPI"},
        header_row=6,
        headers={
            "code": "KPI Number",
            "result": "Result (calculated)",
            "benchmark": "Benchmark performance",
            "verified": "Verification status",
            "quality": "Quality of data",
        },
        columns={"benchmark": "Y", "source_detail": "X", "code": "B", "subdimension": "D"},
        data_points="repeat",
        section_rows=True,
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_itu_workbook_is_read_by_header_text_and_kpi_numbers(tmp_path: Path, layout) -> None:
    project = _project(tmp_path)
    book = build_itu_workbook(tmp_path / "city.xlsx", ROWS, **LAYOUTS[layout])
    status, out, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 0, err
    assert "8 KPI records" in out, out  # Air Pollution's two rows: one record
    assert "(7 values, 4 of them with a U4SSC benchmark performance; 2 not reported)" in out
    kpis = _kpis(project)
    assert kpis["EC-ICT-ICT-1C"] == {
        "value": 91.5,
        "source": "Statistics office; Household survey 2019, table 4",
        "verified": True,
        "quality": "accurate_measurements",
        "origin": "Municipal records",
        "benchmark_performance": {"band": "reached"},
    }
    assert kpis["EC-ICT-WS-1C"]["verified"] is False
    assert kpis["EC-ICT-WS-1C"]["quality"] == "assumption_estimate"
    assert kpis["EC-ICT-WS-1C"]["benchmark_performance"] == {"band": "over_two_thirds"}
    assert kpis["EC-ICT-WS-2A"]["benchmark_performance"] == {"percent": 52}
    assert kpis["EC-ICT-D-1A"]["benchmark_performance"] == {"band": "one_third_or_less"}
    air = kpis["EN-EN-AQ-1C"]["data_points"]
    assert air["PM2.5"] == {"value": 8, "source": "Air agency"}
    assert air["PM10"]["status"] == "not_reported" and "NR" in air["PM10"]["reason"]["en"]
    assert "benchmark_performance" not in kpis["EC-ICT-ICT-5A"]
    assert kpis["SC-SH-SA-3A"]["value"] is True
    assert kpis["SC-EH-ED-3C"]["status"] == "not_reported"
    # R is the score where no target is known, and names its set, kind and source.
    data = _score(project)
    internet = _item(data, "EC-ICT-ICT-1C")  # the public target wins over R
    assert (internet["target"], internet["target_set"], internet["band"]) == (
        60,
        "default",
        "reached",
    )
    meters = _item(data, "EC-ICT-WS-1C")
    assert (meters["band"], meters["points"], meters["achievement"]) == ("over_two_thirds", 3, None)
    assert (meters["target"], meters["target_set"], meters["target_kind"]) == (
        None,
        "workbook",
        "u4ssc",
    )
    assert meters["target_source"] == WORKBOOK_SOURCE
    supply = _item(data, "EC-ICT-WS-2A")
    assert (supply["achievement"], supply["band"], supply["points"]) == (
        0.52,
        "one_to_two_thirds",
        2,
    )
    assert _item(data, "EC-ICT-D-1A")["band"] == "one_third_or_less"
    assert _item(data, "EC-ICT-ICT-5A")["band"] == "no_target"
    assert _item(data, "EN-EN-AQ-1C", "PM10")["band"] == "no_data"


def test_a_real_workbooks_other_forms_of_r(tmp_path: Path) -> None:
    """R as a percentage-formatted share, points, and a plain number read as the option
    says (refused without it: 0.87 reads as 87 %, 0.87 % or points)."""
    project = _project(tmp_path)
    rows = [
        Row("EC: ICT: WS: 1C", value=40, benchmark=0.87, source="s"),
        Row("EC: ICT: WS: 2A", value=25, benchmark="2 pts", source="s"),
        Row("EC: ICT: D: 1A", value=10, benchmark=0.3, source="s"),
    ]
    book = build_itu_workbook(tmp_path / "city.xlsx", rows)
    wb = load_workbook(book)
    wb["KPI Data"]["R4"].number_format = "0%"  # shows 87 %
    wb.save(book)
    status, _, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 1
    assert "city.xlsx:KPI Data!R6: error: benchmark: 0.3 reads several ways" in err, err
    assert "--benchmark-numbers share|percent|points" in err
    assert not (project / "cities" / "itu" / "kpis.yaml").exists()
    status, _, err = run_cli(
        ["import-itu", str(book), "itu", "--benchmark-numbers", "share", "--year", "2020"],
        project,
    )
    assert status == 0, err
    kpis = _kpis(project)
    assert kpis["EC-ICT-WS-1C"]["benchmark_performance"] == {"percent": 87}
    assert kpis["EC-ICT-WS-2A"]["benchmark_performance"] == {"band": "one_to_two_thirds"}
    assert kpis["EC-ICT-D-1A"]["benchmark_performance"] == {"percent": 30}
    assert kpis["EC-ICT-D-1A"]["year"] == 2020
    data = _score(project)
    assert _item(data, "EC-ICT-WS-1C")["achievement"] == 0.87
    assert _item(data, "EC-ICT-D-1A")["band"] == "one_third_or_less"


def test_bad_cells_are_refused_at_their_address_and_nothing_is_written(tmp_path: Path) -> None:
    project = _project(tmp_path)
    kpis = project / "cities" / "itu" / "kpis.yaml"
    kpis.write_text("# kept as it is\nEC-ICT-ICT-1C: {value: 50, source: old}\n", encoding="utf-8")
    before = kpis.read_bytes()
    rows = [
        Row("EC: ICT: ICT: 1C", value="12 km", source="s"),  # O: a unit after the number
        Row("EC: ICT: ICT: 2C", value=40, verified="MAYBE"),  # S: YES or NO only
        Row("EC: ICT: ICT: 3C", value=40, quality="Guesswork"),  # T: six choices
        Row("EC: ICT: WS: 1C", value=40, benchmark="lots"),  # R: not a performance
        Row("EC: ICT: WS: 2A", value=40, benchmark="=1/0"),  # R: a formula, no value
        Row("EC: XX: ZZ: 9C", value=40),  # an unknown KPI number with data
        Row("EC: ICT: ICT: 4C", data_point="5G", value=40),  # a data point it has not
        Row("EC: ICT: ICT: 2C", value=41),  # the same KPI twice
        Row("EN: EN: WS: 1C", value=140),  # a percentage above 100: validation, at its cell
    ]
    book = build_itu_workbook(tmp_path / "bad.xlsx", rows)
    out_set = tmp_path / "private" / "u4ssc.yaml"
    status, _, err = run_cli(
        ["import-itu", str(book), "itu", "--reference-out", str(out_set)], project
    )
    assert status == 1
    prefix = "bad.xlsx:KPI Data!"
    expected = [
        "O4: error: result: expected a number in '% of households' without a unit after it",
        "S5: error: verified: expected YES or NO, got 'MAYBE'",
        "T6: error: quality: expected one of the six choices of column T",
        "R7: error: benchmark: expected a benchmark performance",
        "R8: error: benchmark: a formula without a computed value",
        "D9: error: code: unknown KPI number 'EC: XX: ZZ: 9C'",
        "F11: error: data_point: EC: ICT: ICT: 4C has no data point '5G'",
        "D12: error: code: EC: ICT: ICT: 2C is given twice (row 5)",
    ]
    for message in expected:
        assert prefix + message in err, (message, err)
    assert "Traceback" not in err
    assert kpis.read_bytes() == before
    assert not out_set.exists()
    # The cell errors fixed, what validation finds is reported at its cell too.
    rows = [Row("EN: EN: WS: 1C", value=140, source="s")]
    book = build_itu_workbook(tmp_path / "bad2.xlsx", rows)
    status, _, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 1
    assert "bad2.xlsx:KPI Data!O4: error: value: a percentage must be at most 100" in err, err
    assert kpis.read_bytes() == before


def test_q_as_a_formula_and_the_verifier_overriding_it(tmp_path: Path) -> None:
    """Q without a computed value is not needed (O says it); Q = NO over a number marks the
    value not reported, and says so."""
    project = _project(tmp_path)
    book = build_itu_workbook(
        tmp_path / "f.xlsx", [Row("EC: ICT: ICT: 1C", value=90, source="s")], formulas=True
    )
    assert run_cli(["import-itu", str(book), "itu"], project)[0] == 0
    assert _kpis(project)["EC-ICT-ICT-1C"]["value"] == 90
    book = build_itu_workbook(
        tmp_path / "q.xlsx", [Row("EC: ICT: ICT: 1C", value=90, reported="NO", source="s")]
    )
    status, _, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 0, err
    assert "q.xlsx:KPI Data!Q4: warning: reported: the verifier marks it not reported" in err
    assert _kpis(project)["EC-ICT-ICT-1C"]["status"] == "not_reported"


def test_import_keeps_what_the_workbook_does_not_carry(tmp_path: Path) -> None:
    """A city's own target, its note, texts in other languages and the year of an unchanged
    value stay; the year of a changed value goes (the workbook has no year)."""
    project = _project(tmp_path)
    kpis = project / "cities" / "itu" / "kpis.yaml"
    kpis.write_text(
        "EC-ICT-ICT-1C: {value: 90, year: 2019, source: {en: Census, ru: Перепись},"
        " target: 95, target_source: City plan, note: Kept}\n"
        "EC-ICT-ICT-2C: {value: 30, year: 2019, source: Regulator}\n",
        encoding="utf-8",
    )
    rows = [
        Row("EC: ICT: ICT: 1C", value=90, source="Census"),
        Row("EC: ICT: ICT: 2C", value=35, source="Regulator"),
    ]
    book = build_itu_workbook(tmp_path / "k.xlsx", rows)
    assert run_cli(["import-itu", str(book), "itu"], project)[0] == 0
    data = _kpis(project)
    assert data["EC-ICT-ICT-1C"] == {
        "value": 90,
        "year": 2019,
        "source": {"en": "Census", "ru": "Перепись"},
        "target": 95,
        "target_source": "City plan",
        "note": "Kept",
    }
    assert data["EC-ICT-ICT-2C"] == {"value": 35, "source": "Regulator"}


def test_the_reference_tab_becomes_a_private_target_set(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path)
    reference = {
        "EC: ICT: WS: 1C": 80,
        ("EN: EN: AQ: 1C", "PM2.5"): 10,
        "EC: ICT: ICT: 5A": "N/A",
        "SC: SH: SA: 3A": "YES",
    }
    rows = [
        Row("EC: ICT: WS: 1C", value=40, benchmark=BAND_LABELS_REPORT[1], source="s"),
        Row("EN: EN: AQ: 1C", data_point="PM2.5", value=8, source="s"),
    ]
    book = build_itu_workbook(tmp_path / "r.xlsx", rows, reference=reference)
    # Inside a repository: refused, nothing written.
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    status, _, err = run_cli(
        ["import-itu", str(book), "itu", "--reference-out", str(repo / "u4ssc.yaml")], project
    )
    assert status == 1 and "inside the repository" in err, err
    assert not (repo / "u4ssc.yaml").exists()
    assert not (project / "cities" / "itu" / "kpis.yaml").exists()
    # Without --reference-out the tab is counted, not written.
    status, out, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 0, err
    assert "'Scoring – reference' holds 4 KPI rows" in out and "not written" in out
    # Outside: written, loadable, and the city scores against it once it names the set.
    private = tmp_path / "private"
    status, out, err = run_cli(
        ["import-itu", str(book), "itu", "--reference-out", str(private / "u4ssc.yaml")],
        project,
    )
    assert status == 0, err
    assert "3 U4SSC benchmark values" in out
    log = IssueLog()
    s = load_set(private / "u4ssc.yaml", CAT, log, ("en", "ru", "fr"))
    assert log.issues == []
    assert s.targets[("EC-ICT-WS-1C", None)].value == 80
    assert s.targets[("EN-EN-AQ-1C", "PM2.5")].value == 10
    assert s.targets[("SC-SH-SA-3A", None)].value is True
    assert ("EC-ICT-ICT-5A", None) not in s.targets  # N/A: no benchmark
    assert {t.kind for t in s.targets.values()} == {"u4ssc"}
    assert "keep this file out of any public repository" in (private / "u4ssc.yaml").read_text(
        encoding="utf-8"
    )
    city = project / "cities" / "itu" / "city.yaml"
    city.write_text(
        city.read_text(encoding="utf-8").replace("targets: [default]", "targets: [default, u4ssc]")
    )
    monkeypatch.setenv("PROFILES_GEN_TARGETS", str(private))
    data = _score(project)
    meters = _item(data, "EC-ICT-WS-1C")  # the benchmark value now, not R
    assert (meters["target"], meters["target_set"], meters["achievement"]) == (80, "u4ssc", 0.5)
    assert meters["band"] == "one_to_two_thirds"


def test_import_xlsx_finds_an_itu_workbook_and_reads_it_the_same(tmp_path: Path) -> None:
    project = _project(tmp_path)
    book = build_itu_workbook(tmp_path / "city.xlsx", ROWS)
    status, out, err = run_cli(["import-xlsx", str(book), "itu"], project)
    assert status == 0, err
    assert "ITU's data-collection workbook, read as import-itu does" in out
    via_xlsx = _kpis(project)
    status, _, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 0, err
    assert _kpis(project) == via_xlsx
    # profiles-gen's own workbook is still read as before, and refuses ITU's options.
    own = tmp_path / "own.xlsx"
    assert run_cli(["export-xlsx", "itu", "--out", str(own)], project)[0] == 0
    status, _, err = run_cli(["import-xlsx", str(own), "itu", "--year", "2020"], project)
    assert status == 2 and "--year: only for ITU's data-collection workbook" in err


# --- a city imported from a full workbook: a band for every value, and a wheel ----------------


def _value_for(kpi, point) -> object:
    if kpi.direction_of(point) == "yes_no":
        return "YES"
    unit = kpi.unit_of(point)
    if "(0–1)" in unit:
        return 0.4
    return 20 if unit.startswith("%") else 150


R_FORMS = (*BAND_LABELS_REPORT, *BAND_LABELS_SNAPSHOT, "87 %", "3 pts")


def full_rows() -> list[Row]:
    rows = []
    for n, kpi in enumerate(CAT.kpis):
        for point in kpi.data_points or (None,):
            rows.append(
                Row(
                    kpi.code,
                    kpi.name,
                    data_point=point.name if point else "",
                    value=_value_for(kpi, point),
                    benchmark=R_FORMS[n % len(R_FORMS)],
                    verified="YES",
                    quality=QUALITY_CHOICES[n % 6],
                    source="City statistics office",
                )
            )
    return rows


@pytest.mark.slow
def test_a_full_itu_workbook_gives_every_value_a_band_and_the_city_a_wheel(tmp_path: Path) -> None:
    project = _project(tmp_path)
    book = build_itu_workbook(tmp_path / "full.xlsx", full_rows(), section_rows=True)
    status, out, err = run_cli(["import-itu", str(book), "itu", "--year", "2020"], project)
    assert status == 0, err
    assert "112 values, 112 of them with a U4SSC benchmark performance" in out, out
    data = _score(project)
    assert all(i["points"] is not None for i in data["items"]), [
        (i["kpi"], i["data_point"]) for i in data["items"] if i["points"] is None
    ]
    by_workbook = [i for i in data["items"] if i["target_set"] == "workbook"]
    assert by_workbook and all(i["target_kind"] == "u4ssc" for i in by_workbook)
    for level, rollups in data["rollups"].items():
        for key, r in rollups.items():
            if r["items"]:
                assert r["sufficient"] and r["band"] != "insufficient_data", (level, key)
    status, _, err = run_cli(
        [
            "build",
            "itu",
            "--format",
            "html",
            "--lang",
            "en",
            "-j",
            "1",
            "--out",
            str(tmp_path / "b"),
        ],
        project,
    )
    assert status == 0, err
    wheel = (tmp_path / "b" / "itu" / "en" / "charts" / "wheel.svg").read_text(encoding="utf-8")
    assert "<pattern" not in wheel  # no hatched roll-up
    for colour in ("#1a9641", "#a6d96a", "#fdae61", "#d7191c"):
        assert colour in wheel.lower()
    html = (tmp_path / "b" / "itu" / "en" / "index.html").read_text(encoding="utf-8")
    text = unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", "", html)))
    n = len(by_workbook)
    assert (
        "the U4SSC benchmark performance given by the city's data-collection workbook, "
        f"for {n} values" in text.replace("\u00a0", " ")
    )
    assert "Overall, the city earns" in text
    # The source lines under results name what they rest on, the workbook's R included.
    assert (
        "Source: KPI data of the city; targets: Default targets from public sources "
        "and the U4SSC benchmark performance from the city's data-collection "
        "workbook." in text
    )


def test_the_example_workbook_script_still_runs(tmp_path: Path) -> None:
    """``python tests/itu_workbook.py OUT`` writes the example the docs name, and it imports."""
    import subprocess
    import sys

    out = tmp_path / "example.xlsx"
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "itu_workbook.py"), str(out)],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    project = _project(tmp_path)
    status, _, err = run_cli(["import-itu", str(out), "itu"], project)
    assert status == 0, err
    assert D(str(_kpis(project)["EC-ICT-ICT-1C"]["value"])) == D("91.5")


@pytest.mark.parametrize(
    ("shown", "number_format", "numbers", "read"),
    [
        ("95+ % of target", "General", None, {"band": "reached"}),
        ("66 – 95 % of target", "General", None, {"band": "over_two_thirds"}),
        ("33-66% of Target", "General", None, {"band": "one_to_two_thirds"}),
        ("Less than 33% of Target", "General", None, {"band": "one_third_or_less"}),
        ("95%+ Target", "General", None, {"band": "reached"}),
        ("over two thirds", "General", None, {"band": "over_two_thirds"}),
        ("over_two_thirds", "General", None, {"band": "over_two_thirds"}),
        ("4 pts", "General", None, {"band": "reached"}),
        ("1 point", "General", None, {"band": "one_third_or_less"}),
        ("87,5 %", "General", None, {"percent": D("87.5")}),
        ("N/A", "General", None, None),
        (0.875, "0.0%", None, {"percent": D("87.5")}),
        (1.2, "0%", None, {"percent": D("120")}),
        (87, "General", "percent", {"percent": D("87")}),
        (0.3, "General", "share", {"percent": D("30")}),
        (3, "General", "points", {"band": "over_two_thirds"}),
    ],
)
def test_column_r_forms(shown, number_format, numbers, read) -> None:
    from profiles_gen.tools.itu import read_performance
    from profiles_gen.tools.sheets import _Cell

    assert read_performance(_Cell(shown, number_format, "R4"), numbers, False) == read


@pytest.mark.parametrize(
    ("shown", "numbers"),
    [(0.87, None), (3, None), ("lots", None), ("5 pts", None), (7, "points"), (True, None)],
)
def test_column_r_refuses_what_it_cannot_read(shown, numbers) -> None:
    from profiles_gen.tools.itu import read_performance
    from profiles_gen.tools.sheets import CellError, _Cell

    with pytest.raises(CellError):
        read_performance(_Cell(shown, "General", "R4"), numbers, False)


def test_what_the_workbook_lacks_is_kept_and_said(tmp_path: Path) -> None:
    """A KPI (or a data point) in kpis.yaml and not in the workbook stays as it is, with a
    warning: no value disappears unsaid."""
    project = _project(tmp_path)
    kpis = project / "cities" / "itu" / "kpis.yaml"
    kpis.write_text(
        "EC-I-WS-1C: {value: 97, source: Utility}\n"
        "EN-EN-AQ-1C:\n  data_points:\n    NO2: {value: 30, source: Agency}\n",
        encoding="utf-8",
    )
    rows = [Row("EN: EN: AQ: 1C", data_point="PM2.5", value=8, source="s")]
    book = build_itu_workbook(tmp_path / "k.xlsx", rows)
    status, _, err = run_cli(["import-itu", str(book), "itu"], project)
    assert status == 0, err
    data = _kpis(project)
    assert data["EC-I-WS-1C"] == {"value": 97, "source": "Utility"}
    assert data["EN-EN-AQ-1C"]["data_points"] == {
        "PM2.5": {"value": 8, "source": "s"},
        "NO2": {"value": 30, "source": "Agency"},
    }
    assert "warning: EC-I-WS-1C: not in k.xlsx: kept as it is in kpis.yaml" in err
    assert "warning: EN-EN-AQ-1C.data_points.NO2: not in k.xlsx: kept as it is" in err
    status, _, err = run_cli(
        ["import-itu", str(book), "itu", "--reference-out", str(tmp_path / "U4SSC values.xlsx")],
        project,
    )
    assert status == 2 and "a set file is NAME.yaml" in err
