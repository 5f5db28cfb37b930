"""The command line: exit codes and the JSON contracts other tools rely on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli


def test_bad_usage_exits_2(project: Path) -> None:
    assert run_cli([], project)[0] == 2
    assert run_cli(["build"], project)[0] == 2
    assert run_cli(["build", "mini", "--format", "docx"], project)[0] == 2


@pytest.mark.parametrize("slug", ["../etc", "/etc", "two words", "Mini!", ""])
def test_city_that_is_not_a_plain_name_is_refused(project: Path, slug: str) -> None:
    status, _, err = run_cli(["validate", slug], project)
    assert status == 2  # bad usage, not invalid data
    assert "not a city name" in err or "a city is a plain name" in err
    assert "Traceback" not in err


def test_missing_city_folder(project: Path) -> None:
    status, _, err = run_cli(["validate", "atlantis"], project)
    assert status == 2
    assert "no such city folder" in err and "cities: mini" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "atlantis", "--format", "html"],
        ["compare", "atlantis", "mini"],
        ["verify", "atlantis"],
        ["score", "atlantis"],
        ["export-xlsx", "atlantis"],
        ["build", "mini", "--lang", "de", "--format", "html"],
        ["compare", "mini", "mini", "--lang", "de"],
        ["export-xlsx", "mini", "--lang", "de"],
        ["serve", "mini", "--lang", "en,de", "--port", "0"],
        ["catalogue", "--lang", "de"],
        ["locales", "check", "--lang", "de"],
        ["compare", "mini"],
        ["verify", "mini", "--out", "nowhere"],
    ],
)
def test_a_city_or_language_that_does_not_exist_is_bad_usage(project: Path, argv) -> None:
    status, out, err = run_cli(argv, project)
    assert status == 2, err
    assert "error: " in err and "Traceback" not in err
    assert not (project / "build" / "mini").exists()  # refused before anything was written


def test_city_given_as_a_path(project: Path) -> None:
    status, out, _ = run_cli(["validate", "./cities/mini"], project)
    assert status == 0 and out.startswith("mini: valid")


def test_list(project: Path) -> None:
    assert run_cli(["list"], project)[1] == "mini\n"


def test_catalogue_json_contract(project: Path) -> None:
    status, out, _ = run_cli(["catalogue", "--json", "--lang", "en,ru"], project)
    assert status == 0
    data = json.loads(out)
    assert len(data) == 91
    required = {
        "id",
        "code",
        "dimension",
        "subdimension",
        "category",
        "type",
        "direction",
        "name",
        "unit",
        "sdg_targets",
        "data_points",
        "target",
        "target_source",
    }
    for entry in data:
        assert required <= entry.keys()
        assert entry["type"] in ("core", "advanced")
        assert entry["direction"] in ("higher", "lower", "yes_no")
        assert set(entry["name"]) == {"en", "ru"} == set(entry["unit"])
    first = next(e for e in data if e["id"] == "EC-ICT-ICT-2C")
    assert first["name"]["ru"] == "Подписки на фиксированную широкополосную связь"
    assert first["target"] == 60 and "ITU" in first["target_source"]
    # One-line definitions: per language from the locales, with their sources; null if none.
    assert first["definition"]["en"].startswith("Fixed (wired) broadband subscriptions")
    assert first["definition"]["ru"].startswith("Подписки на фиксированный")
    assert first["definition_confidence"] == "ITU page"
    assert all("itu.int" in u for u in first["definition_sources"])
    for entry in data:
        if entry["definition"] is None:
            assert entry["definition_sources"] == [] and entry["definition_confidence"] is None
        else:
            assert set(entry["definition"]) == {"en", "ru"}
            assert entry["definition"]["ru"] != entry["definition"]["en"]
            assert entry["definition_sources"]


def test_score_json_contract(project: Path) -> None:
    status, out, _ = run_cli(["score", "mini", "--json"], project)
    assert status == 0
    data = json.loads(out)
    item_keys = {
        "kpi",
        "data_point",
        "value",
        "target",
        "target_source",
        "achievement",
        "achievement_raw",
        "band",
        "points",
    }
    assert all(item_keys <= i.keys() for i in data["items"])
    broadband = next(i for i in data["items"] if i["kpi"] == "EC-ICT-ICT-2C")
    assert (broadband["value"], broadband["target"], broadband["band"]) == (
        57,
        60,
        "over_two_thirds",
    )
    assert broadband["achievement"] == 0.95 and broadband["points"] == 3
    assert set(data["rollups"]) == {"category", "subdimension", "dimension", "sdg", "city"}
    city = data["rollups"]["city"]["mini"]
    assert {
        "points",
        "max_points",
        "share",
        "band",
        "scored",
        "no_target",
        "no_data",
    } <= city.keys()
    # 1C 93/100 → 3, 2C 57/60 → 3, 4C 3G 99/100 → 4 and 4G 30/100 → 1, WS-3C value 0
    # (lower is better) → 4, SA-3A yes → 4, AQ PM2.5 WHO 5 / 20 → 1: 20 of 7 × 4
    assert (city["points"], city["max_points"], city["scored"]) == (20, 28, 7)


def test_schema_is_json_schema_for_the_city_files_and_target_sets(project: Path) -> None:
    status, out, _ = run_cli(["schema"], project)
    schemas = json.loads(out)
    files = {"city.yaml", "kpis.yaml", "recommendations.yaml", "volume.yaml", "target-set.yaml"}
    assert status == 0 and set(schemas) == files
    assert schemas["target-set.yaml"]["required"] == ["title", "targets"]
    assert schemas["volume.yaml"]["required"] == ["name", "languages", "data_status", "members"]
    city = schemas["city.yaml"]
    assert city["type"] == "object" and "data_status" in city["required"]
    assert city["properties"]["data_status"]["enum"] == ["official", "illustrative"]


def test_invalid_data_exits_1_without_traceback(project: Path) -> None:
    (project / "cities" / "mini" / "kpis.yaml").write_text("EC-ICT-ICT-1C: {value: x}\n")
    status, _, err = run_cli(["build", "mini", "--format", "html"], project)
    assert status == 1
    assert "cities/mini/kpis.yaml:1:24: error: EC-ICT-ICT-1C.value: expected a number" in err
    assert "Traceback" not in err
    assert not (project / "build" / "mini").exists()


def test_without_a_title_each_edition_takes_its_language_s_title(project: Path) -> None:
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    # (the Russian dash: an em dash bound to the word before it, i18n/typography.py)
    assert "<title>Профиль умного устойчивого города\u00a0— Минивиль, Тестландия</title>" in html


def test_strict_turns_warnings_into_failures(project: Path) -> None:
    assert run_cli(["validate", "mini"], project)[0] == 0
    status, _, err = run_cli(["validate", "mini", "--strict"], project)
    assert status == 1 and "warning: " in err


def test_shipped_schemas_are_the_generated_ones(project: Path) -> None:
    status, _, _ = run_cli(["schema", "--out", "schemas"], project)
    assert status == 0
    for name in ("city", "kpis", "recommendations"):
        shipped = ROOT / "schemas" / f"{name}.schema.json"
        generated = project / "schemas" / f"{name}.schema.json"
        assert json.loads(shipped.read_text()) == json.loads(generated.read_text()), name


def test_locales_check_passes_for_russian(project: Path) -> None:
    status, out, err = run_cli(["locales", "check"], project)
    assert status == 0, err
    ru = next(line for line in out.splitlines() if line.startswith("ru: "))
    assert "(100.0 %)" in ru


def test_verify_says_which_editions_it_compared(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    build = ["build", "mini", "--format", "html", "-j", "1", "-q", "--out", str(out)]
    assert run_cli([*build, "--lang", "ru"], project)[0] == 0
    status, text, err = run_cli(["verify", "mini", "--out", str(out)], project)
    assert status == 0, err
    assert text == "mini: nothing compared: no en edition to compare against (built: ru HTML)\n"
    assert run_cli([*build, "--lang", "en"], project)[0] == 0
    status, text, err = run_cli(["verify", "mini", "--out", str(out)], project)
    assert status == 0, err
    assert text == "mini: verified the figures of ru (HTML) against en\n"
    assert not (project / "build" / "mini").exists()  # --out was read, not build/


@pytest.mark.parametrize(
    "broken",
    [
        ("languages: [en, ru]", "languages: [en, ru"),  # not YAML
        ("languages: [en, ru]", "languages: []"),  # no language
    ],
)
def test_verify_of_a_city_file_that_cannot_say_its_languages_reports_why(
    project: Path, broken
) -> None:
    """verify reads the languages from city.yaml alone; where that file cannot say them, the
    whole folder is validated and each problem reported at its place."""
    city = project / "cities" / "mini" / "city.yaml"
    text = city.read_text(encoding="utf-8")
    assert broken[0] in text
    city.write_text(text.replace(broken[0], broken[1]), encoding="utf-8")
    status, _, err = run_cli(["verify", "mini"], project)
    assert status == 1, err
    assert re.search(r"cities/mini/city\.yaml:\d+:\d+: error: ", err), err
    assert "Traceback" not in err
