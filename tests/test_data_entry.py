"""Data as staff enter it (issue 17): texts per language, values with their decimals,
data points not reported alone, and optional parts that never break a publication."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from profiles_gen.build.publication import prepare_city
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.model import Text, text_in
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.render.rows import format_value
from tests.conftest import chdir, run_cli

KPIS = """\
EC-ICT-ICT-1C:
  value: 97.00
  year: 2021
  source: {en: Test survey, ru: Тестовое обследование}
  target: 100
  target_source: {en: Test plan, ru: Тестовый план}
EC-ICT-ICT-2C: {value: 57, year: 2021, source: Test regulator}
EC-ICT-PS-1A:
  data_points:
    number: {value: 268, year: 2021, source: {en: Test portal, ru: Тестовый портал}}
EN-EN-AQ-1C:
  data_points:
    PM10: {status: not_reported, reason: {en: No monitor, ru: Нет датчика}}
    PM2.5: {status: not_reported, reason: {en: No monitor, ru: Нет датчика}}
    NO2: {status: not_reported, reason: {en: No monitor, ru: Нет датчика}}
    SO2: {status: not_reported, reason: {en: No monitor, ru: Нет датчика}}
    O3: {status: not_reported, reason: {en: No monitor, ru: Нет датчика}}
EN-EN-WA-1C:
  data_points:
    landfill: {value: 60, year: 2021, source: {en: Test utility, ru: Тестовая служба}}
    burnt: {status: not_reported, reason: {en: Not counted, ru: Не учитывается}}
"""


def _mini(project: Path, kpis: str = KPIS) -> Path:
    city = project / "cities" / "mini"
    (city / "kpis.yaml").write_text(kpis, encoding="utf-8")
    return city


def test_a_text_is_given_in_each_language_or_in_its_own() -> None:
    text = Text({"en": "Census", "ru": "Перепись"}, "en")
    assert str(text) == "Census"
    assert text_in(text, "ru") == ("Перепись", None)
    plain = Text({"en": "Census"}, "en", plain=True)
    assert text_in(plain, "ru") == ("Census", "en")  # shown, and marked as English
    assert text_in(Text({"ru": "Перепись"}, "ru", plain=True), "en") == ("Перепись", "ru")


def test_values_keep_the_decimals_they_were_written_with(project: Path) -> None:
    _mini(project)
    with chdir(project):
        city, catalogue, _ = prepare_city(project / "cities" / "mini")
    one, two = catalogue.by_id["EC-ICT-ICT-1C"], catalogue.by_id["EC-ICT-ICT-2C"]
    value = city.records["EC-ICT-ICT-1C"].measurement.value
    assert str(value) == "97.00"
    assert format_value(Formatter("en"), one, value) == "97.00%"
    assert format_value(Formatter("ru"), one, value) == "97,00\u00a0%"
    assert format_value(Formatter("en"), two, city.records["EC-ICT-ICT-2C"].measurement.value) == (
        "57%"
    )
    count = catalogue.by_id["EC-ICT-PS-1A"]
    point = count.data_point("number")
    number = city.records["EC-ICT-PS-1A"].data_points["number"].value
    assert format_value(Formatter("en"), count, number, point) == "268"  # a count, not 268 %


def test_the_russian_edition_takes_russian_texts_and_marks_the_rest(project: Path) -> None:
    city = _mini(project)
    text = (city / "city.yaml").read_text(encoding="utf-8")
    (city / "city.yaml").write_text(text.split("key_facts:")[0], encoding="utf-8")  # no facts
    shutil.rmtree(city / "narrative" / "ru")  # and no Russian narrative
    chapter = city / "narrative" / "en" / "10-overview.md"  # (which quoted a key fact)
    chapter.write_text(chapter.read_text().replace("{{fact population}}", "people"))
    status, _, err = run_cli(
        ["build", "mini", "--lang", "ru", "--format", "html", "--out", "out"], project
    )
    assert status == 0, err
    assert "narrative/ru/ has no chapters (the 'en' chapters are used)" in err
    assert "kpis.yaml: warning: 1 data text(s) have no 'ru' version" in err
    html = (project / "out" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    cell = '<td class="source-cell" data-origin="city"(?: data-label="[^"]*")?{}>{}</td>'
    assert re.search(cell.format("", "Тестовое обследование"), html)
    # a city's own target's source: in the numbered references, Annex I giving its number
    assert re.search(
        r'<li id="ref-(\d+)" value="\1" data-origin="city"><span>Тестовый план</span>', html
    )
    assert re.search(cell.format(' lang="en"', "Test regulator"), html)
    assert "Test survey" not in html and "Test plan" not in html
    assert "97,00\u00a0%" in html
    # A KPI whose data points are all not reported for one reason is listed once.
    missing = html[html.index('id="tab-annex-missing"') :]
    missing = missing[: missing.index("</table>")]
    assert missing.count("EN: EN: AQ: 1C") == 1 and missing.count("Нет датчика") == 1
    # Another KPI reports one data point: each of the other five is listed, with its reason.
    assert missing.count("EN: EN: WA: 1C") == 5 and missing.count("Не учитывается") == 1
    # No key facts: no table, no entry in the list of tables, tables numbered from 1.
    assert 'id="tab-facts"' not in html and "#tab-facts" not in html
    captions = re.findall(r"Таблица (\d+)", html)
    assert captions and captions[0] == "1"


def test_a_city_without_a_languages_narrative_validates_and_scores(project: Path) -> None:
    shutil.rmtree(project / "cities" / "mini" / "narrative" / "ru")
    status, out, err = run_cli(["score", "mini", "--json"], project)
    assert status == 0, err
    assert json.loads(out)["items"]
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0, err
    assert "warning: languages: language 'ru' is listed but narrative/ru/ has no chapters" in err
    status, _, err = run_cli(["validate", "mini", "--strict"], project)
    assert status == 1 and "narrative/ru/" in err


def test_an_empty_kpis_file_is_a_city_with_nothing_reported_yet(project: Path) -> None:
    _mini(project, "# to be collected\n")
    status, out, err = run_cli(["score", "mini", "--json"], project)
    assert status == 0, err
    assert {i["band"] for i in json.loads(out)["items"]} == {"no_data"}
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 0, err
    assert "kpis.yaml:1:1: warning: no KPI reported yet" in err


def test_texts_missing_in_a_language_are_reported(project: Path) -> None:
    status, _, err = run_cli(["validate", "mini", "--strict"], project)  # English-only texts
    assert status == 1
    assert "cities/mini/kpis.yaml: warning: 12 data text(s) have no 'ru' version" in err
    status, out, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert "cities/mini/kpis.yaml: ru: 12 data text(s)" in out
    # In the city's own language (lang: ru), plain texts are Russian and English is missing.
    city = project / "cities" / "mini" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "lang: ru\n", encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert "kpis.yaml: warning: 12 data text(s) have no 'en' version" in err


def test_default_target_sources_are_translated() -> None:
    catalogue = load_catalogue()
    from profiles_gen.core.errors import IssueLog
    from profiles_gen.data.model import shown
    from profiles_gen.data.targets import load_targets

    # Default targets live in the default target set, with their source line per language.
    target = load_targets(("default",), None, catalogue, IssueLog()).get("EN-EN-AQ-1C", "PM2.5")
    assert shown(Formatter("ru"), target.text).text.startswith("Рекомендации ВОЗ")
    assert shown(Formatter("ru"), target.text).lang == "ru"


def test_a_text_in_another_language_is_tagged_with_it_in_the_pdf() -> None:
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    from profiles_gen.publish.weasy import tag_element_languages

    tag_element_languages()
    html = (
        '<html lang="ru"><body><table><tr><td lang="en">Census</td><td>Перепись</td></tr>'
        "</table></body></html>"
    )
    reader = PdfReader(io.BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")))
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "keys"):
            return
        if node.get("/S") == "/TD":
            found.append(node.get("/Lang"))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert found == ["en", None]  # the English cell says so; the Russian one inherits /Lang
    assert reader.trailer["/Root"]["/Lang"] == "ru"
