"""Volumes of several cities and comparison across cities, like with like."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from profiles_gen.build.publication import prepare_volume
from profiles_gen.scoring.compare import compare_cities, row_flags
from profiles_gen.scoring.score import score_city
from tests.conftest import MINI, ROOT, run_cli, scored_item

VOLUME = """\
name: {en: Testland, ru: Тестландия}
country: {en: Testland, ru: Тестландия}
languages: [en, ru]
data_status: illustrative
members: [one, two]
publication: {year: 2023, date: 2023-02-01}
"""
CHAPTER = "---\ntitle: {title}\norder: 1\npart: body\n---\nThe cities of {{{{country}}}}.\n"


@pytest.mark.parametrize(
    ("others", "flags"),
    [
        ([{}], ()),
        ([{"target": Decimal(80)}], ("targets_differ",)),
        ([{"definition": "Fixed only"}], ("definitions_differ",)),
        ([{"year": 2020}], ()),  # two years apart: within the window
        ([{"year": 2019}], ("years_apart",)),
        ([{"year": 2019, "value": None}], ()),  # a city without a value is not compared
        ([{"target": None}], ()),  # a missing target is no different target
        ([{"target": Decimal(80), "year": 2018}], ("targets_differ", "years_apart")),
    ],
)
def test_row_flags(others: list[dict], flags: tuple) -> None:
    assert row_flags([scored_item(), *(scored_item(**o) for o in others)], year_window=2) == flags


@pytest.fixture
def volume(tmp_path: Path) -> Path:
    """cities/testland: a volume of two copies of the mini city, one with another target."""
    folder = tmp_path / "cities" / "testland"
    for slug in ("one", "two"):
        shutil.copytree(MINI, folder / slug)
    two = folder / "two" / "kpis.yaml"
    two.write_text(
        two.read_text(encoding="utf-8").replace("target: 15,", "target: 10,"), encoding="utf-8"
    )
    (folder / "volume.yaml").write_text(VOLUME, encoding="utf-8")
    for lang, title in (("en", "About"), ("ru", "О сборнике")):
        (folder / "narrative" / lang).mkdir(parents=True)
        (folder / "narrative" / lang / "10-about.md").write_text(
            CHAPTER.format(title=title), encoding="utf-8"
        )
    return tmp_path


def test_a_volume_validates_with_its_members(volume: Path) -> None:
    status, out, err = run_cli(["validate", "testland"], volume)
    assert status == 0, err
    assert out.startswith("testland: valid volume (one, two;")
    vol, catalogue, _ = prepare_volume(volume / "cities" / "testland")
    assert [m.slug for m in vol.members] == ["one", "two"]
    assert vol.illustrative and vol.year_window == 2


def test_volume_problems_of_every_file_at_once(volume: Path) -> None:
    folder = volume / "cities" / "testland"
    (folder / "volume.yaml").write_text(
        VOLUME.replace("[one, two]", "[one, two, three, one]"), encoding="utf-8"
    )
    (folder / "two" / "kpis.yaml").write_text("EC-ICT-ICT-1X: {value: 1}\n", encoding="utf-8")
    (folder / "narrative" / "en" / "10-about.md").write_text(
        CHAPTER.format(title="About") + "\nAccess: {{kpi EC-ICT-ICT-1C}}.\n", encoding="utf-8"
    )
    status, _, err = run_cli(["validate", "testland"], volume)
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert status == 1 and "Traceback" not in err
    assert errors == [
        "cities/testland/narrative/en/10-about.md:8:9: error: shortcode: a volume's narrative "
        "can only use {{city}} and {{country}}; quote a member's data in its own narrative: "
        "{{kpi EC-ICT-ICT-1C}}",
        "cities/testland/two/kpis.yaml:1:1: error: EC-ICT-ICT-1X: unknown KPI id; "
        "did you mean EC-ICT-ICT-1C?",
        "cities/testland/volume.yaml:5:21: error: members[2]: no city folder three/ "
        "holding city.yaml here",
        "cities/testland/volume.yaml:5:28: error: members[3]: one is listed twice",
    ]


def test_compare_cities_json_and_flags(volume: Path) -> None:
    status, out, err = run_cli(["compare", "testland", "--json"], volume)
    assert status == 0, err
    data = json.loads(out)
    assert data["cities"] == ["one", "two"] and data["year_window"] == 2
    rows = {(r["kpi"], r["data_point"]): r for r in data["items"]}
    losses = rows[("EC-I-WS-3C", None)]  # the same value 0 against 15 and 10
    assert losses["flags"] == ["targets_differ"] and losses["comparable"] is False
    assert losses["cities"]["two"]["target"] == 10
    access = rows[("EC-ICT-ICT-1C", None)]
    assert access["comparable"] is True and access["cities"]["one"]["band"] == "over_two_thirds"
    assert set(data["rollups"]) == {"category", "subdimension", "dimension", "sdg", "city"}
    assert data["rollups"]["dimension"]["EC"]["one"]["scored"] == 5
    assert data["rollups"]["city"]["two"]["points"] > 0


def test_compare_cities_given_one_by_one_and_the_table(volume: Path) -> None:
    status, out, err = run_cli(["compare", "testland/one", "testland/two"], volume)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["Miniville", "Miniville"]
    assert lines[1].startswith("Economy")
    assert "  EC: I: WS: 3C: targets differ" in lines
    assert "1 KPI or data point not compared like with like:" in lines
    # a roll-up on too few KPIs shows how many were scored, and is not compared
    assert re.search(r"\d+/\d+ \(\?\)$", lines[1])
    for slug in ("one", "two"):  # every roll-up sufficient: a share, then its band apart
        city = volume / "cities" / "testland" / slug / "city.yaml"
        city.write_text(city.read_text(encoding="utf-8") + "scoring:\n  min_coverage: 0\n")
    status, out, err = run_cli(["compare", "testland/one", "testland/two"], volume)
    assert status == 0, err
    assert re.search(r"\d+% \([1-4]\)$", out.splitlines()[1])

    status, out, err = run_cli(["compare", "testland/one", "testland/two", "--lang", "ru"], volume)
    assert status == 0, err
    lines = out.splitlines()
    assert "Сравнение с оговорками у 1 KPI или составляющей:" in lines
    assert "  EC: I: WS: 3C: целевые значения различаются" in lines
    # No English left: KPI is the Russian edition's own term (locales/ru/glossary.tsv, as
    # ITU's Russian text of the KPIs), every other word is Russian (the codes are capitals).
    english = {w for line in lines for w in re.findall(r"[A-Za-z]*[a-z][A-Za-z]*", line)}
    assert "(s)" not in out and english <= {"Miniville"}, english
    # "Образование, здравоохранение и культура" is wrapped, not cut
    label = [i for i, line in enumerate(lines) if line.startswith("  Образование")][0]
    assert lines[label + 1].strip() == "культура"
    assert lines[label].endswith(")")  # the cells on the label's first line

    status, _, err = run_cli(["compare", "testland/one"], volume)
    assert status == 2 and "at least two cities" in err
    status, _, err = run_cli(["compare", "testland/one", "testland/one"], volume)
    assert status == 2 and "given more than once" in err


def test_comparison_of_the_library() -> None:
    """compare_cities keeps the cities' order and scores every KPI of each."""
    from profiles_gen.build.publication import prepare_city
    from profiles_gen.data.catalogue import load_catalogue

    catalogue = load_catalogue()
    city, _, _ = prepare_city(ROOT / "cities" / "tbilisi")
    score = score_city(city, catalogue)
    c = compare_cities([city, city], [score, score])
    assert all(r.comparable for r in c.rows) and len(c.rows) == len(score.items)


def test_volume_html_edition(volume: Path) -> None:
    import tinyhtml5

    status, out, err = run_cli(["build", "testland", "--format", "html"], volume)
    assert status == 0, err
    built = volume / "build" / "testland"
    assert (built / "testland-kpis.json").is_file() and (built / "testland-kpis.csv").is_file()
    data = json.loads((built / "testland-kpis.json").read_text(encoding="utf-8"))
    assert set(data) == {"volume", "members", "comparison"}
    assert set(data["members"]) == {"one", "two"}
    header = (built / "testland-kpis.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("city,kpi,code,")
    html = (built / "en" / "index.html").read_text(encoding="utf-8")
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "every id once, though two parts"
    for anchor in (a.get("href") for a in root.iter("a")):
        if anchor and anchor.startswith("#"):
            assert anchor[1:] in ids, anchor
    for part in ("one-part-title", "two-part-title", "ch-comparison", "annex-comparison"):
        assert part in ids
    # the page's h1 is its title; chapters are h2
    titles = [" ".join("".join(e.itertext()).split()) for e in root.iter("h2")]
    assert "The cities compared" in titles
    numbers = [
        "".join(e.itertext())
        for e in root.iter("span")
        if e.get("class") == "label" and "".join(e.itertext()).startswith("Table")
    ]
    assert numbers == [f"Table {n}" for n in range(1, len(numbers) + 1)]  # numbered on
    assert (built / "en" / "charts" / "two-wheel.svg").is_file()
    ru = (built / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Сравнение городов" in ru and "The cities compared" not in ru


@pytest.mark.slow
def test_the_sample_volume_builds_in_both_languages(sample_site) -> None:
    from pypdf import PdfReader

    out = sample_site.out  # every sample publication, built once per session (conftest)
    assert sample_site.stderr == ""  # not a single warning
    expected = {
        "en": ["Part 1. Ålesund", "Part 2. Asker", "Part 3. Rana", "The cities compared"],
        "ru": ["Часть 1. Олесунн", "Часть 2. Аскер", "Часть 3. Рана", "Сравнение городов"],
    }
    for lang, titles in expected.items():
        reader = PdfReader(out / "norway" / f"norway-{lang}.pdf")
        top = [item.title for item in reader.outline if not isinstance(item, list)]
        for title in titles:
            assert title in top, (lang, title)
        nested = [item for item in reader.outline if isinstance(item, list)]
        assert len(nested) >= 3  # each part's chapters below its title
        attached = reader.attachments
        assert {"norway-kpis.json", "norway-kpis.csv"} <= set(attached)
        assert reader.trailer["/Root"]["/Lang"] == lang
    status, out_text, err = run_cli(["verify", "norway", "--out", str(out)], ROOT)
    assert status == 0, err


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Сравнение с оговорками у 1 KPI или составляющей:"),
        (3, "Сравнение с оговорками у 3 KPI или составляющих:"),
        (21, "Сравнение с оговорками у 21 KPI или составляющей:"),
        (15, "Сравнение с оговорками у 15 KPI или составляющих:"),
    ],
)
def test_the_comparison_footer_takes_russian_plural_forms(count: int, expected: str) -> None:
    from profiles_gen.i18n.formatter import Formatter

    text = Formatter("ru").ngettext(
        "%(count)s KPI or data point not compared like with like:",
        "%(count)s KPIs or data points not compared like with like:",
        count,
    )
    assert text % {"count": count} == expected
