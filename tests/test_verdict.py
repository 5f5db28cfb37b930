"""A verdict for real cities (issue 32): roll-ups that say what is missing, yes/no KPIs
scored without a set entry, the U4SSC benchmark performance as a score, and the share of
real published values scored against a cited target."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from profiles_gen.core.errors import IssueLog
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.model import Measurement, Performance, Scoring
from profiles_gen.data.targets import EMPTY, load_set
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.scoring.score import rollup, score_item
from tests.conftest import ROOT, run_cli, scored_item

CAT = load_catalogue()
KARMOY = ROOT / "tests" / "data" / "karmoy"
REAL = sorted(p for p in (ROOT / "tests" / "data" / "real").iterdir() if p.is_dir())
# The sets of targets that are not cited public pages.
NOT_PUBLIC = ("workbook", "city", "yes_no_rule")


# --- what an insufficient roll-up lacks, at the coverage boundary -----------------------------


def _group(scored: int, no_target: int, no_data: int, unverified: int = 0):
    return (
        [scored_item(points=3, band="over_two_thirds") for _ in range(scored)]
        + [scored_item(points=None, band="no_target", target=None) for _ in range(no_target)]
        + [scored_item(points=None, band="no_data", value=None) for _ in range(no_data)]
        + [scored_item(points=None, band="unverified") for _ in range(unverified)]
    )


@pytest.mark.parametrize(
    ("scored", "no_target", "no_data", "unverified", "band", "reported", "missing"),
    [
        (4, 0, 4, 0, "over_two_thirds", 4, None),  # 4 of 8 scored: exactly enough
        (3, 1, 4, 0, "insufficient_data", 4, "targets"),  # 4 of 8 reported: exactly enough
        (3, 0, 5, 0, "insufficient_data", 3, "data"),  # 3 of 8 reported: just below
        (0, 4, 4, 0, "insufficient_data", 4, "targets"),
        (0, 0, 8, 0, "insufficient_data", 0, "data"),
        (2, 0, 4, 2, "insufficient_data", 4, "verification"),  # with targets, unverified
        (1, 2, 4, 1, "insufficient_data", 4, "targets"),
    ],
)
def test_an_insufficient_rollup_says_what_is_missing(
    scored, no_target, no_data, unverified, band, reported, missing
) -> None:
    r = rollup("g", _group(scored, no_target, no_data, unverified), D("0.5"))
    assert (r.band, r.reported, r.missing) == (band, reported, missing)
    fmt = Formatter("en")
    if missing == "data":
        assert vocab.insufficient_text(fmt, r) == f"insufficient data ({reported} of 8 reported)"
    elif missing == "targets":
        verb = "has" if scored == 1 else "have"
        assert vocab.insufficient_text(fmt, r) == (
            f"too few targets ({scored} of {reported} reported values {verb} one)"
        )


def test_rollups_in_score_json_give_reported_and_missing(project: Path) -> None:
    status, out, err = run_cli(["score", "mini"], project)
    assert status == 0, err
    rollups = json.loads(out)["rollups"]
    for level in rollups.values():
        for r in level.values():
            assert 0 <= r["scored"] <= r["reported"] <= r["items"]
            if r["sufficient"]:
                assert "missing" not in r and r["coverage"] >= 0.5
            else:
                low = r["reported"] < 0.5 * r["items"]
                assert r["missing"] == ("data" if low else "targets"), r


# --- yes/no KPIs scored against yes, without a set entry ------------------------------------


def test_a_yes_no_kpi_is_scored_against_yes_without_a_set_entry() -> None:
    kpi = CAT.by_id["SC-SH-SA-3A"]
    for value, band in ((True, "reached"), (False, "one_third_or_less")):
        item = score_item(kpi, None, Measurement(value, 2022, "Plan"), targets=EMPTY)
        assert (item.target, item.band, item.points) == (True, band, 4 if value else 1)
        assert (item.target_set, item.target_kind) == ("yes_no_rule", "u4ssc")
        assert item.target_source and "yes" in item.target_source
    point = CAT.by_id["EC-I-UP-2A"].data_point("compact")
    item = score_item(CAT.by_id["EC-I-UP-2A"], point, Measurement(True, 2022, "s"), None, EMPTY)
    assert item.band == "reached" and item.target_set == "yes_no_rule"


def test_a_city_whose_sets_hold_no_yes_no_target_still_scores_them(project: Path) -> None:
    city = project / "cities" / "mini"
    (city / "targets").mkdir()
    (city / "targets" / "mine.yaml").write_text(
        "title: {en: Mine, ru: Мой}\n"
        "targets:\n"
        "  - kpi: EC-ICT-ICT-1C\n    target: 80\n    kind: national\n"
        "    source: {title: National plan, url: 'https://example.org/plan'}\n"
        "    note: The plan's goal.\n    text: {en: National plan, ru: Национальный план}\n",
        encoding="utf-8",
    )
    text = (city / "city.yaml").read_text(encoding="utf-8")
    (city / "city.yaml").write_text(text + "targets: [mine]\n", encoding="utf-8")
    assert "SC-SH-SA-3A: {value: yes" in (city / "kpis.yaml").read_text(encoding="utf-8")
    status, out, err = run_cli(["score", "mini"], project)
    assert status == 0, err
    item = next(i for i in json.loads(out)["items"] if i["kpi"] == "SC-SH-SA-3A")
    assert (item["target"], item["band"], item["target_set"]) == (True, "reached", "yes_no_rule")


# --- the workbook's benchmark performance as a score -------------------------------------------


def test_a_benchmark_performance_scores_only_where_no_target_is_known() -> None:
    meters = CAT.by_id["EC-ICT-WS-1C"]  # no default target
    given = Measurement(D(40), 2022, "s", performance=Performance(D("0.875"), None))
    item = score_item(meters, None, given)
    assert (item.achievement, item.achievement_raw, item.band, item.points) == (
        D("0.875"),
        D("0.875"),
        "over_two_thirds",
        3,
    )
    assert (item.target_set, item.target_kind, item.target) == ("workbook", "u4ssc", None)
    over = Measurement(D(40), 2022, "s", performance=Performance(D("1.2"), None))
    assert score_item(meters, None, over).achievement == 1  # capped for the band
    band_only = Measurement(D(40), 2022, "s", performance=Performance(None, "one_to_two_thirds"))
    item = score_item(meters, None, band_only)
    assert (item.achievement, item.band, item.points) == (None, "one_to_two_thirds", 2)
    # A city's own target wins over the workbook's performance.
    own = Measurement(
        D(40),
        2022,
        "s",
        target=D(50),
        target_source="Plan",
        performance=Performance(D("0.2"), None),
    )
    item = score_item(meters, None, own)
    assert (item.target_set, item.achievement) == ("city", D("0.8"))
    # Unverified where verification is required: not scored, whatever the workbook says.
    item = score_item(meters, None, given, None, EMPTY, Scoring(require_verified=True))
    assert item.band == "unverified" and item.points is None


# --- real published values ---------------------------------------------------------------------


def _scored(city: Path) -> dict:
    status, out, err = run_cli(["score", str(city)], ROOT)
    assert status == 0, err
    return json.loads(out)


def test_karmoy_is_scored_with_each_item_naming_its_set_kind_and_source() -> None:
    data = _scored(KARMOY)
    targets = {}
    log = IssueLog()
    default = load_set(ROOT / "targets" / "default.yaml", CAT, log)
    targets.update(default.targets)
    scored = [i for i in data["items"] if i["points"] is not None]
    assert len(scored) >= 9
    for item in scored:
        assert item["target_set"] == "default"
        target = targets[(item["kpi"], item["data_point"])]
        assert item["target_kind"] == target.kind
        assert item["target_source"] == target.source_text("en")
        assert item["target_url"] == target.url
    for level, rollups in data["rollups"].items():
        for key, r in rollups.items():
            assert r["sufficient"] == (r["scored"] >= 0.5 * r["items"]), (level, key)
            if not r["sufficient"]:
                assert r["missing"] in ("data", "targets"), (level, key)


def test_real_published_values_are_mostly_scored_against_a_cited_target() -> None:
    """Over the test cities of published values (tests/data/real/ and Karmøy): at least 60 %
    of the values are scored against a cited public target; no roll-up under half coverage
    is banded; every insufficient roll-up says what is missing."""
    values = cited = 0
    shares = {}
    for city in [*REAL, KARMOY]:
        data = _scored(city)
        reported = [i for i in data["items"] if i["value"] is not None]
        against = [
            i
            for i in reported
            if i["points"] is not None
            and i["target_set"] not in NOT_PUBLIC
            and i["target_url"]
            and i["target_kind"] != "u4ssc"
        ]
        values += len(reported)
        cited += len(against)
        shares[city.name] = f"{len(against)}/{len(reported)}"
        for level, rollups in data["rollups"].items():
            for key, r in rollups.items():
                if r["coverage"] is not None and r["coverage"] < 0.5:
                    assert r["band"] == "insufficient_data", (city.name, level, key)
                    assert r["missing"] in ("data", "targets"), (city.name, level, key)
    assert len(REAL) >= 6 and values >= 90
    assert cited / values >= 0.6, shares


# --- targets list: how many KPIs each set covers ----------------------------------------------


def test_targets_list_opens_with_each_sets_coverage(tmp_path: Path, monkeypatch) -> None:
    outside = tmp_path / "sets"
    outside.mkdir()
    (outside / "extra.yaml").write_text(
        "title: {en: Extra}\n"
        "targets:\n"
        "  - kpi: EC-ICT-WS-1C\n    target: 50\n    kind: national\n"
        "    source: {title: Plan, url: 'https://example.org/plan'}\n"
        "    note: The plan.\n    text: {en: Plan}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROFILES_GEN_TARGETS", str(outside))
    status, out, err = run_cli(["targets", "list"], ROOT)
    assert status == 0, err
    head = out.split("\n\n")[0].splitlines()
    assert head[0] == "Target sets:"
    default = load_set(ROOT / "targets" / "default.yaml", CAT, IssueLog())
    kpis = len({k for k, _ in default.targets})
    assert any(line.split()[:5] == ["default", str(kpis), "of", "91", "KPIs"] for line in head), (
        head
    )
    assert any(line.split()[:5] == ["extra", "1", "of", "91", "KPIs"] for line in head), head
    assert "scored against yes" in out.split("\n\n")[0]


def test_a_home_card_says_what_its_city_lacks(tmp_path: Path) -> None:
    """The site's card of a city without an overall result says what is missing, as the
    edition does, in the page's language."""
    from profiles_gen.build.home import write_site_home

    results = {
        "few": {"band": "insufficient_data", "share": "0.5", "missing": "targets"},
        "thin": {"band": "insufficient_data", "share": None, "missing": "data"},
    }
    counts = {"few": (112, 60, 20, 40), "thin": (112, 9, 9, 0)}
    for slug, result in results.items():
        items, reported, scored, no_target = counts[slug]
        result.update(items=items, reported=reported, scored=scored, no_target=no_target)
        info = {
            "slug": slug,
            "name": {"en": slug.title(), "ru": slug.title()},
            "country": {"en": "Testland", "ru": "Тестландия"},
            "languages": ["en", "ru"],
            "title": {"en": "Smart Sustainable Cities Profile", "ru": "Профиль"},
            "illustrative": False,
            "year": 2024,
            "result": result,
        }
        (tmp_path / slug).mkdir()
        (tmp_path / slug / "edition.json").write_text(json.dumps(info), encoding="utf-8")
    write_site_home(tmp_path)
    en = (tmp_path / "index.html").read_text(encoding="utf-8")
    # Read as typed: the typesetting binds short words with no-break spaces.
    ru = (tmp_path / "index.ru.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "too few targets (20 of 60 reported values have one)" in en
    assert "insufficient data (9 of 112 reported)" in en
    assert "50%" not in en  # no share beside an insufficient result
    assert "слишком мало целевых значений (целевое значение есть у 20 из 60" in ru
    assert "недостаточно данных (9 из 112 представлено)" in ru


def test_no_change_in_points_is_printed_beside_an_insufficient_result() -> None:
    from profiles_gen.render.rows import rollup_change

    before = rollup("g", _group(4, 0, 4), D("0.5"))  # 75 %, sufficient
    after = rollup("g", _group(3, 0, 5), D("0.5"))  # 75 %, insufficient
    better = rollup("g", _group(5, 0, 3), D("0.5"))
    fmt = Formatter("en")
    assert rollup_change(fmt, before, after) == ""
    assert rollup_change(fmt, after, before) == ""
    assert rollup_change(fmt, before, better) == "0\u00a0pp"
