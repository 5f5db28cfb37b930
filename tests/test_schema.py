"""The published JSON Schema and ``validate`` give the same verdict (issue 15).

Every sample file and every file of every ``tests/invalid`` case is checked with
``jsonschema`` against the shipped ``schemas/`` and must be valid exactly when
``profiles-gen validate`` reports no error in it. What a schema of one file cannot
know (the date, the folder's name, the evaluation year in another file, narrative,
YAML syntax) is listed below with the reason, and the schema must then accept the file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from profiles_gen.data.jsonschema import all_schemas
from tests.conftest import MINI, ROOT, run_cli
from tests.test_invalid_inputs import CASES, apply_case, parse_case

SCHEMAS = ROOT / "schemas"
KINDS = ("city.yaml", "kpis.yaml", "recommendations.yaml", "volume.yaml")
SAMPLES = sorted(p for p in (ROOT / "cities").rglob("*.yaml") if p.name in KINDS)

# (case, file): why the schema of that one file cannot see the problem validate reports.
BEYOND_SCHEMA = {
    ("future-year", "kpis.yaml"): "depends on today's date",
    ("after-evaluation-year", "kpis.yaml"): "the evaluation year is in city.yaml",
    ("earlier-editions", "editions/2019/kpis.yaml"): None,  # unknown KPI: the schema sees it
    ("earlier-editions", "editions/2022/kpis.yaml"): "the folder's name is the year",
    ("earlier-editions", "editions/last/kpis.yaml"): "the folder's name is the year",
    ("duplicate-key", "kpis.yaml"): "YAML: a duplicate key is lost when parsed",
    ("duplicate-key", "city.yaml"): "YAML: a duplicate key is lost when parsed",
}


def plain(data):
    """A parsed YAML document as an editor's language server hands it to the schema."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def schema_verdict(path: Path) -> bool | None:
    """True if valid, False if not, None if the file is not YAML a schema can see."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    kind = path.name
    if path.parent.parent.name == "editions":
        kind = "kpis.yaml"
    schema = json.loads((SCHEMAS / kind.replace(".yaml", ".schema.json")).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    return not list(validator.iter_errors(plain(data)))


def test_the_shipped_schemas_are_the_generated_ones() -> None:
    for name, schema in all_schemas().items():
        shipped = json.loads((SCHEMAS / name.replace(".yaml", ".schema.json")).read_text())
        assert shipped == schema, f"run: profiles-gen schema --out schemas ({name})"
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SAMPLES, ids=[str(p.relative_to(ROOT)) for p in SAMPLES])
def test_every_sample_file_is_valid_under_its_schema(path: Path) -> None:
    assert schema_verdict(path) is True


def _case_files(case: Path) -> list[str]:
    files, _ = parse_case(case)
    return [name for name, text in files.items() if text and Path(name).name in KINDS]


PAIRS = [(case, name) for case in CASES for name in _case_files(case)]


@pytest.mark.parametrize(("case", "name"), PAIRS, ids=[f"{c.stem}:{n}" for c, n in PAIRS])
def test_schema_and_validate_agree_on_every_invalid_case(
    tmp_path: Path, case: Path, name: str
) -> None:
    files, expect = parse_case(case)
    shutil.copytree(MINI, tmp_path / "cities" / "mini")
    apply_case(tmp_path / "cities" / "mini", files)
    validate_says_valid = not any(line.startswith(f"cities/mini/{name}:") for line in expect)
    verdict = schema_verdict(tmp_path / "cities" / "mini" / name)
    if verdict is None:  # not YAML: validate must say so
        assert not validate_says_valid
        return
    reason = BEYOND_SCHEMA.get((case.stem, name))
    if reason:
        assert not validate_says_valid and verdict is True, reason
    else:
        assert verdict == validate_says_valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        (
            "value: 93\n  source: 2021",
            False,
        ),  # a number where text is expected (it was valid, issue 15)
        ("value: 93\n  source: '2021'", True),
        (
            "value: 93\n  year: 1850",
            False,
        ),  # validate refuses years before 1900 (the schema accepted it)
        ("value: 93\n  year: 1900", True),
        ("value: 93\n  source: '   '", False),  # only white space
        ("value: 93\n  source: {en: Census, ru: Перепись}", True),
        ("value: 93\n  source: {}", False),
        ("value: 97.00", True),
        ("year: 2021", False),  # neither a value nor not_reported
        ("value: 101", False),  # a percentage
        ("status: not_reported\n  reason: None yet", True),
        ("status: not_reported\n  value: 3", False),
        ("value: 93\n  target: 90", False),  # without its source
    ],
)
def test_both_verdicts_on_hand_made_records(tmp_path: Path, text: str, valid: bool) -> None:
    project = tmp_path
    shutil.copytree(MINI, project / "cities" / "mini")
    kpis = project / "cities" / "mini" / "kpis.yaml"
    kpis.write_text(f"EC-ICT-ICT-1C:\n  {text}\n", encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert "Traceback" not in err
    assert (status == 0) == valid, err
    assert schema_verdict(kpis) is valid


# --- target sets (targets/<set>.yaml) -------------------------------------------------

TARGET_SET_SCHEMA = SCHEMAS / "target-set.schema.json"
ENTRY = "{kpi: EC-ICT-ICT-1C, target: 60, kind: un_agency, note: n, text: {en: t}, source: {title: s, url: 'https://x.org'}}"  # noqa: E501


def _set_verdicts(tmp_path: Path, text: str) -> tuple[bool, bool]:
    """(validate's verdict, the schema's verdict) on a set file: True when valid."""
    from profiles_gen.core.errors import IssueLog
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.data.targets import load_set

    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    log = IssueLog()
    load_set(path, load_catalogue(), log)
    schema = json.loads(TARGET_SET_SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(plain(yaml.safe_load(text))))
    return not [i for i in log.issues if i.severity == "error"], not errors


def test_the_default_target_set_is_valid_under_its_schema(tmp_path: Path) -> None:
    text = (ROOT / "targets" / "default.yaml").read_text(encoding="utf-8")
    assert _set_verdicts(tmp_path, text) == (True, True)


def _entry(**changes) -> str:
    entry = yaml.safe_load(ENTRY)
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return json.dumps(entry)


@pytest.mark.parametrize(
    ("targets", "without", "valid"),
    [
        ([_entry()], [], True),
        ([_entry(kpi="EC: ICT: ICT: 1C")], [], True),  # the official code
        ([_entry(kpi="EC-XX-1")], [], False),
        ([_entry(target=0)], [], False),  # 0 on a higher-is-better KPI
        ([_entry(target=-1, kpi="EC-I-WS-3C")], [], False),
        ([_entry(target=0, kpi="EC-I-WS-3C")], [], True),  # lower is better: 0 is a target
        ([_entry(target=120)], [], False),  # a percentage
        ([_entry(target=True)], [], False),
        ([_entry(kpi="SC-SH-SA-3A", target=True)], [], True),  # yes/no
        ([_entry(kpi="SC-SH-SA-3A", target=1)], [], False),
        ([_entry(direction="lower")], [], False),  # not the catalogue's
        ([_entry(direction="higher")], [], True),
        ([_entry(kind="weird")], [], False),
        ([_entry(source=None)], [], False),  # no source, no target
        ([_entry(source={"title": "s", "url": "ftp://x"})], [], False),
        ([_entry(text={"ru": "т"})], [], False),  # no English source line
        ([_entry(text="t")], [], False),
        ([_entry(note={"en": "n", "ru": "п"})], [], True),
        ([_entry(note={})], [], False),
        ([_entry(note=None)], [], False),
        ([_entry(kpi="EN-EN-AQ-1C")], [], False),  # scored per data point: name one
        ([_entry(kpi="EN-EN-AQ-1C", data_point="PM2.5", target=5)], [], True),
        ([_entry(kpi="EN-EN-AQ-1C", data_point="PM1", target=5)], [], False),
        ([_entry(data_point="3G")], [], False),  # EC-ICT-ICT-1C has no data points
        ([_entry(kpi="EN-EN-WA-1C", data_point="incinerated", target=5)], [], False),
        ([_entry(extra=1)], [], False),
        ([], ["{kpi: EC-ICT-ICT-3C, reason: r}"], True),
        ([], ["{kpi: EC-ICT-ICT-3C, reason: {en: r, ru: п}}"], True),
        ([], ["{kpi: EN-EN-AQ-1C}"], False),  # no reason
        ([], ["{kpi: EN-EN-AQ-1C, reason: r}"], True),  # a whole KPI may be left without
        ([], ["{kpi: EN-EN-AQ-1C, data_point: SO2, reason: r}"], True),
        ([], ["{kpi: EN-EN-AQ-1C, data_point: XX, reason: r}"], False),
        ([], ["{kpi: EC-XX-1, reason: r}"], False),
    ],
)
def test_target_set_schema_and_validate_agree(tmp_path: Path, targets, without, valid) -> None:
    text = "title: {en: Sample}\ntargets:\n" + "".join(f"  - {t}\n" for t in targets)
    if not targets:
        text = text.replace("targets:\n", "targets: []\n")
    if without:
        text += "without:\n" + "".join(f"  - {w}\n" for w in without)
    assert _set_verdicts(tmp_path, text) == (valid, valid)


# What the schema of one set file cannot see: a KPI given twice, or with a target and also
# listed without one (the schema checks each entry on its own).
@pytest.mark.parametrize(
    "text",
    [
        f"title: {{en: S}}\ntargets:\n  - {ENTRY}\n  - {ENTRY}\n",
        f"title: {{en: S}}\ntargets:\n  - {ENTRY}\n"
        "without:\n  - {kpi: EC-ICT-ICT-1C, reason: r}\n",
    ],
)
def test_target_set_checks_beyond_the_schema(tmp_path: Path, text: str) -> None:
    assert _set_verdicts(tmp_path, text) == (False, True)
