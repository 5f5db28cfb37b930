"""The U4SSC framework as data: structure and counts as the reference states them."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from profiles_gen.data.catalogue import load_catalogue, normalise_code, resolve_kpi_id

CAT = load_catalogue()
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "u4ssc-kpis.tsv"


def test_counts_match_the_framework() -> None:
    counts = CAT.counts
    assert len(CAT.kpis) == counts["total"] == 91
    by_type = Counter(k.type for k in CAT.kpis)
    assert (by_type["core"], by_type["advanced"]) == (counts["core"], counts["advanced"])
    assert Counter(k.dimension for k in CAT.kpis) == counts["by_dimension"]
    assert len(CAT.dimensions) == 3
    assert len(CAT.subdimensions) == 7
    assert len({c.name for c in CAT.categories}) == 22


def test_ids_unique_and_codes_consistent() -> None:
    ids = [k.id for k in CAT.kpis]
    assert len(set(ids)) == len(ids)
    for k in CAT.kpis:
        assert normalise_code(k.code) == k.id
        assert k.type == ("core" if k.id.endswith("C") else "advanced")


def test_every_kpi_in_a_known_category_and_subdimension() -> None:
    categories = {c.id: c for c in CAT.categories}
    subdimensions = {s.id for s in CAT.subdimensions}
    for k in CAT.kpis:
        assert k.category in categories
        assert categories[k.category].parent == k.subdimension
        assert k.subdimension in subdimensions


def test_directions_targets_and_sdgs_are_well_formed() -> None:
    for k in CAT.kpis:
        assert k.direction in ("higher", "lower", "yes_no")
        assert all(d.direction in ("higher", "lower", "yes_no", None) for d in k.data_points)
        assert k.sdg_targets and all(1 <= g <= 17 for g in k.sdgs)
        if k.target is not None:
            assert k.target_source, k.id
        for d in k.data_points:
            if d.target is not None:
                assert d.target_source, (k.id, d.id)
        assert k.confidence


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference is beside the clone in CI")
def test_catalogue_agrees_with_the_shared_reference() -> None:
    with REFERENCE.open(encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert set(rows) == set(CAT.by_id)
    for kpi_id, row in rows.items():
        k = CAT.by_id[kpi_id]
        assert (k.code, k.type, k.name) == (row["code"], row["type"], row["name_en"])
        assert list(k.sdg_targets) == [t for t in row["sdg_targets"].split(";") if t]
        assert [d.id for d in k.data_points] == [p for p in row["data_points"].split(";") if p]


@pytest.mark.parametrize(
    ("typed", "expected", "alias"),
    [
        ("EC-ICT-ICT-1C", "EC-ICT-ICT-1C", False),
        ("EC: ICT: ICT: 1C", "EC-ICT-ICT-1C", False),
        ("ec-ict-ict-1c", "EC-ICT-ICT-1C", False),
        ("EC: ICT: ICT: 5C", "EC-ICT-ICT-5A", True),  # conflicting code in secondary lists
        ("SC: EH: ED: 5A", "SC-EH-H-6A", True),  # as printed on the 2017 ITU page
        ("EN: EN: WS: 3C", "EN-EN-WS-3C", False),  # official code wins over an alias
        ("EC-ICT-ICT-9C", None, False),
    ],
)
def test_resolve_ids_and_aliases(typed: str, expected: str | None, alias: bool) -> None:
    assert resolve_kpi_id(CAT, typed) == (expected, alias)


def _importer():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "import_catalogue.py"
    spec = importlib.util.spec_from_file_location("import_catalogue", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference is beside the clone in CI")
def test_the_catalogue_is_what_the_importer_makes_of_its_sources() -> None:
    """One source of truth: the committed YAML is regenerated from the reference TSV and
    tools/kpi-definitions.yaml, never edited by hand."""
    import yaml

    importer = _importer()
    with REFERENCE.open(encoding="utf-8") as fh:
        made = importer.convert(list(csv.DictReader(fh, delimiter="\t")))
    committed = yaml.safe_load(CAT.path.read_text(encoding="utf-8"))
    assert made == committed


def test_definitions_are_one_line_with_sources_and_a_confidence() -> None:
    import yaml

    raw = yaml.safe_load(CAT.path.read_text(encoding="utf-8"))
    where_read = {k["id"]: k["sources"] for k in raw["kpis"]}
    defined = [k for k in CAT.kpis if k.definition]
    assert defined
    for k in CAT.kpis:
        if not k.definition:
            assert not k.definition_sources and k.definition_confidence is None, k.id
            continue
        assert "\n" not in k.definition and k.definition.endswith("."), k.id
        assert k.definition_sources, k.id
        from_itu = k.definition_sources[0].startswith("https://www.itu.int/")
        assert k.definition_confidence == ("ITU page" if from_itu else "secondary list"), k.id
        if from_itu:  # a KPI read on an ITU page has its name and code confirmed there
            assert k.confidence == "confirmed on an ITU page", k.id
            assert k.definition_sources[0] in where_read[k.id], k.id
    for k in CAT.kpis:
        if k.direction_source:  # the page that states which way is better
            assert k.direction_source in k.definition_sources, k.id


def test_the_importer_refuses_a_direction_the_itu_page_contradicts() -> None:
    importer = _importer()
    sources = {"M": "https://www.itu.int/page{}.html"}
    kpi = {"id": "EC-P-EM-1C", "direction": "higher", "unit": "%"}
    entry = {"definition": "Unemployed persons.", "sources": ["M43"], "direction": "lower"}
    with pytest.raises(SystemExit, match="EC-P-EM-1C"):
        importer._add_definition(kpi, entry, sources)
    entry["direction"] = "higher"
    importer._add_definition(kpi, entry, sources)
    assert kpi["definition_sources"] == ["https://www.itu.int/page43.html"]
    assert kpi["direction_source"] == "https://www.itu.int/page43.html"
