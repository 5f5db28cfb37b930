"""Progress between a city's evaluations: like with like, flags, band moves, outputs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from profiles_gen.build.publication import prepare_city
from profiles_gen.data.model import ScoredItem
from profiles_gen.scoring.compare import change_flags, progress
from profiles_gen.scoring.score import score_city
from tests.conftest import run_cli, scored_item

EARLIER = """\
EC-ICT-ICT-1C: {value: 60, year: 2019, source: Test survey, target: 100, target_source: Test plan}
EC-ICT-ICT-2C: {value: 50, year: 2019, source: Test regulator, definition: Fixed lines only}
EC-ICT-ICT-4C:
  data_points:
    3G: {value: 99, year: 2019, source: Test regulator, target: 100, target_source: Test plan}
    4G: {value: 20, year: 2019, source: Test regulator, target: 50, target_source: Old plan}
EC-I-WS-3C: {value: 10, year: 2019, source: Test utility, target: 15, target_source: Test plan}
SC-SH-SI-3C: {value: 40, year: 2019, source: Test survey}
"""


def item(**kw) -> ScoredItem:
    return scored_item(**{"year": 2019, **kw})


@pytest.mark.parametrize(
    ("before", "after", "flags"),
    [
        ({}, {"year": 2022, "value": Decimal(80)}, ()),
        ({}, {"year": 2022, "target": Decimal(90)}, ("target_changed",)),
        ({}, {"year": 2022, "definition": "Another scope"}, ("definition_changed",)),
        ({"definition": "A"}, {"year": 2022, "definition": "A"}, ()),
        ({}, {}, ("same_year",)),
        ({"value": None}, {"year": 2022}, ("new",)),
        ({}, {"value": None}, ("no_longer_reported",)),
        ({"target": None}, {"year": 2022, "target": Decimal(90)}, ()),  # a first target
    ],
)
def test_change_flags(before: dict, after: dict, flags: tuple) -> None:
    assert change_flags(item(**before), item(**after)) == flags


@pytest.fixture
def mini_with_history(project: Path) -> Path:
    edition = project / "cities" / "mini" / "editions" / "2019"
    edition.mkdir(parents=True)
    (edition / "kpis.yaml").write_text(EARLIER, encoding="utf-8")
    return project


def test_progress_since_the_previous_evaluation(mini_with_history: Path) -> None:
    city, catalogue, _ = prepare_city(mini_with_history / "cities" / "mini")
    score = score_city(city, catalogue)
    p = progress(city, catalogue, score)
    assert (p.previous_year, p.current_year, p.years) == (2019, 2022, (2019, 2022))
    changes = {(c.kpi, c.data_point): c for c in p.changes}
    up = changes[("EC-ICT-ICT-1C", None)]  # 60 % → 93 % of a target of 100
    assert (up.previous.band, up.current.band, up.move) == (
        "one_to_two_thirds",
        "over_two_thirds",
        "up",
    )
    assert up.change == Decimal(33) and up.comparable
    redefined = changes[("EC-ICT-ICT-2C", None)]
    assert redefined.flags == ("definition_changed",)
    assert (redefined.move, redefined.change) == (None, None)
    retargeted = changes[("EC-ICT-ICT-4C", "4G")]  # 20 of 50 then, 30 of 100 now
    assert retargeted.flags == ("target_changed",) and retargeted.move is None
    same = changes[("EC-ICT-ICT-4C", "3G")]
    assert (same.move, same.change) == ("same", Decimal(0))
    lower = changes[("EC-I-WS-3C", None)]  # lower is better: 10 → 0 against 15
    assert lower.change == Decimal(-10) and lower.move == "same"  # reached both times
    dropped = changes[("SC-SH-SI-3C", None)]
    assert dropped.flags == ("no_longer_reported",) and dropped.move is None
    new = changes[("SC-SH-SA-3A", None)]
    assert new.flags == ("new",)
    # A KPI without a value in either evaluation is no change at all.
    assert ("EC-ICT-ICT-3C", None) not in changes
    before, after = p.rollups("dimension", "EC")
    # 2 + 3 + 4 + 2 + 4 points then, 3 + 3 + 4 + 1 + 4 now: the same share, other bands.
    assert (before.scored, after.scored) == (5, 5)
    assert before.share == after.share == Decimal("0.75")


def test_several_earlier_evaluations_compare_with_the_latest(mini_with_history: Path) -> None:
    older = mini_with_history / "cities" / "mini" / "editions" / "2016"
    older.mkdir()
    (older / "kpis.yaml").write_text(
        "EC-ICT-ICT-1C: {value: 20, year: 2016, source: Test survey, target: 100, "
        "target_source: Test plan}\n",
        encoding="utf-8",
    )
    city, catalogue, _ = prepare_city(mini_with_history / "cities" / "mini")
    p = progress(city, catalogue, score_city(city, catalogue))
    assert p.years == (2016, 2019, 2022) and p.previous_year == 2019
    assert p.history[2016].rollups["city"]["mini"].scored == 1
    change = next(c for c in p.changes if c.kpi == "EC-ICT-ICT-1C")
    assert change.previous.value == Decimal(60)  # 2019, not 2016


def test_no_earlier_evaluation_no_progress(project: Path) -> None:
    city, catalogue, _ = prepare_city(project / "cities" / "mini")
    assert progress(city, catalogue, score_city(city, catalogue)) is None
    status, out, _ = run_cli(["score", "mini", "--json"], project)
    assert status == 0 and "progress" not in json.loads(out)


def test_score_json_carries_the_progress(mini_with_history: Path) -> None:
    status, out, err = run_cli(["score", "mini", "--json"], mini_with_history)
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == {"items", "rollups", "progress"}
    prog = data["progress"]
    assert (prog["previous_year"], prog["current_year"]) == (2019, 2022)
    row = next(
        c for c in prog["changes"] if c["kpi"] == "EC-ICT-ICT-4C" and c["data_point"] == "4G"
    )
    assert row["comparable"] is False and row["flags"] == ["target_changed"]
    assert (row["previous_value"], row["value"], row["change"], row["move"]) == (20, 30, None, None)
    assert set(row) >= {"previous_band", "band", "previous_year", "year"}


def _by_id(root, element_id: str):
    return next(e for e in root.iter() if e.get("id") == element_id)


def _text(element) -> str:
    return "".join(element.itertext()).replace("\xa0", " ")


def test_progress_chapter_in_the_html_edition(mini_with_history: Path) -> None:
    import tinyhtml5  # WeasyPrint's HTML parser

    status, _, err = run_cli(
        ["build", "mini", "--format", "html", "--lang", "en,ru"], mini_with_history
    )
    assert status == 0, err
    out = mini_with_history / "build" / "mini"

    def page(lang: str):
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        return tinyhtml5.parse(html, namespace_html_elements=False)

    root = page("en")
    chapter = _by_id(root, "ch-progress")
    assert _text(chapter.find("h2")) == "Progress since 2019"  # the page's h1: its title
    assert any(a.get("href") == "#ch-progress" for a in root.iter("a"))  # in the contents
    rows = {
        _text(tr.find("td")): tr
        for tr in _by_id(chapter, "tab-progress-EC").iter("tr")
        if tr.find("td") is not None
    }
    assert "better band" in _text(rows["EC: ICT: ICT: 1C"])
    assert "+33 pp" in _text(rows["EC: ICT: ICT: 1C"])
    assert "definition changed" in _text(rows["EC: ICT: ICT: 2C"])
    assert "not-compared" in rows["EC: ICT: ICT: 2C"].get("class", "")
    figure = _by_id(chapter, "fig-progress-EC")
    images = [e for e in figure.iter() if e.tag.endswith("img")]
    assert images and "2019" in _text(figure) and "2019" in images[0].get("alt")
    ru = _by_id(page("ru"), "ch-progress")
    assert "2019" in _text(ru.find("h2")) and "Progress" not in _text(ru)
