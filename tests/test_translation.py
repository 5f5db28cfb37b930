"""Nothing a reader sees is hard-coded: the pseudo-locale edition, and a new language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal as D
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.i18n.messages import ensure_pseudo
from profiles_gen.render.outline import ROMAN
from tests.conftest import ROOT, run_cli

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
# Proper names and codes that stay as they are in every language.
PROPER = {"Tbilisi", "Georgia", "Miniville", "Testland"}
CODES = {part for k in load_catalogue().kpis for part in re.split(r"[:\s]+", k.code) if part}


class VisibleText(HTMLParser):
    """Text a reader sees, outside elements whose content comes from the city's files."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []
        self.page_lang = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "link", "br", "wbr", "img", "hr", "path", "rect", "use"):
            return
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = lang or ""
        inherited = bool(self.stack and self.stack[-1])
        # Text marked as another language (a language's own name in the switcher, an
        # English fallback chapter) is not this edition's interface.
        other_language = lang is not None and lang != self.page_lang
        skip = inherited or tag == "style" or other_language or ("data-origin", "city") in attrs
        self.stack.append(skip)

    def handle_endtag(self, tag):
        if (
            tag not in ("meta", "link", "br", "wbr", "img", "hr", "path", "rect", "use")
            and self.stack
        ):
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.words += words_of(data)


URL = re.compile(r"\b[\w.-]+\.(?:org|int|com|eu|ch|gov|lk|fr|nl|de|net)\b\S*")


def words_of(text: str) -> list[str]:
    return ASCII_WORD.findall(URL.sub(" ", text))


def leaks(words, allowed: set[str]) -> set[str]:
    allowed = {w.lower() for w in allowed}  # CSS may upper-case a heading
    return {w for w in words if w.lower() not in allowed and w not in PROPER and w not in CODES}


def _words_of_data(source: str) -> set[str]:
    """The words of a data file, and those a URL broken at one of its hyphens becomes once
    the PDF's text is joined like a hyphenated word (``U4SSC-`` + ``Factsheet``)."""
    words = set(ASCII_WORD.findall(source))
    for compound in re.findall(r"\w+(?:-\w+)+", source):
        parts = compound.split("-")
        for a, b in zip(parts, parts[1:], strict=False):
            words |= set(ASCII_WORD.findall(a + b))
    return words


@pytest.mark.slow
def test_pseudo_locale_edition_has_no_hard_coded_english(pseudo_build) -> None:
    folder, err = pseudo_build  # built once per session (tests/conftest.py)
    tmp_path = folder.parent
    # The generated pseudo-locale and compiled catalogue live in the build's cache only.
    assert list((tmp_path / ".cache" / "pseudo-locale").rglob("en-XA/LC_MESSAGES/messages.po"))
    assert list((tmp_path / ".cache" / "mo").rglob("en-XA/LC_MESSAGES/messages.mo"))
    assert "narrative/en-XA: warning: no narrative" in err  # falls back, and says so
    html = (tmp_path / "tbilisi" / "en-XA" / "index.html").read_text(encoding="utf-8")
    parser = VisibleText()
    parser.feed(html)
    assert "[Çöñţéñţš " in html and "Tbilisi" in parser.words  # the parser saw the page
    assert leaks(parser.words, set(ROMAN)) == set()  # annex numbers are numbers
    assert 'lang="en" data-origin="city"' in html  # the English fallback is marked as such

    # In the PDF, words that come from the city's own files are data, not interface.
    data_words = set()
    for path in (ROOT / "cities" / "tbilisi").rglob("*"):
        if path.suffix in (".yaml", ".md"):
            data_words |= _words_of_data(path.read_text(encoding="utf-8"))
    for path in (ROOT / "targets").glob("*.yaml"):  # the target sets' source lines and titles
        data_words |= _words_of_data(path.read_text(encoding="utf-8"))
    text = "\n".join(
        p.extract_text() for p in PdfReader(tmp_path / "tbilisi" / "tbilisi-en-XA.pdf").pages
    )
    text = re.sub(r"[-\u00ad\u2010]\n", "", text)  # words hyphenated at a line end
    text = re.sub(r"\b[ivxl]+\b", " ", text)  # roman page numbers
    assert re.search(r"\[Çöñţéñţš\s", text)  # the space may be a bound one (typography)
    assert leaks(words_of(text), data_words | set(ROMAN)) == set()


def test_locales_check_lists_the_first_strings_to_do_and_counts_the_rest(
    tmp_path: Path, monkeypatch
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(locales))
    assert run_cli(["locales", "init", "de"], tmp_path)[0] == 0
    status, out, err = run_cli(["locales", "check", "--lang", "de"], tmp_path)
    assert status == 0, err  # no city is issued in German
    total = int(re.search(r"^de: 0/(\d+) translated", out, re.M)[1])
    listed = [line for line in out.splitlines() if line.startswith("  untranslated: ")]
    assert len(listed) == 20 and total > 100
    assert f"  … and {total - 20} more (--verbose lists them all)" in out.splitlines()
    status, out, err = run_cli(["locales", "check", "--lang", "de", "-v"], tmp_path)
    listed = [line for line in out.splitlines() if line.startswith("  untranslated: ")]
    assert status == 0 and len(listed) == total and "more (--verbose" not in out


def _msgfmt_check(po: Path) -> None:
    """gettext's own check, as Poedit runs it on save and Weblate on import."""
    assert shutil.which("msgfmt"), "gettext is missing: tools/test-deps.sh installs it"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_msgfmt_accepts_every_catalogue(tmp_path: Path, monkeypatch) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(locales))
    # A language started as `make locales-init L=de` starts it, and the pseudo-locale.
    status, out, err = run_cli(["locales", "init", "de"], tmp_path)
    assert status == 0, err
    fresh = locales / "de" / "LC_MESSAGES" / "messages.po"
    header = fresh.read_text(encoding="utf-8").split('msgid ""')[0]
    assert "# Reviewed-By:\n# Review-Date:\n" in header
    assert run_cli(["locales", "init", "de"], tmp_path)[0] == 1  # never overwritten
    catalogues = sorted(locales.glob("*/LC_MESSAGES/messages.po"))
    assert [p.parent.parent.name for p in catalogues] == ["de", "fr", "ru"]
    for po in [*catalogues, ensure_pseudo(locales)]:
        _msgfmt_check(po)
    # The units that begin "% of …" are not format strings, and say so.
    text = (ROOT / "locales" / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    entry = text[text.index('msgctxt "kpi-unit|EC-ICT-ES-1C"') - 60 :]
    assert "#, no-python-format\nmsgctxt" in entry


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_broken_translation_is_reported_with_its_line_and_shown_in_english(
    project: Path, monkeypatch
) -> None:
    locales = project / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    broken = {
        # a renamed placeholder (templates), a bare per cent sign (Python), a lost form
        'msgstr "Рисунок %(n)s"': 'msgstr "Рисунок %(num)s"',
        'msgstr "%(city)s: основные сведения"': 'msgstr "%(city)s: 100% сведений"',
        'msgstr[2] "Без данных: %(count)s показателей или составляющих."': "",
    }
    for old, new in broken.items():
        assert text.count(old) == 1, old
        text = text.replace(old + "\n", new + "\n" if new else "")
    po.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(locales))
    where = "locales/ru/LC_MESSAGES/messages.po"

    status, _, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 1
    line = _line_of(po, 'msgstr "Рисунок %(num)s"')
    assert f"{where}:{line}: error: Figure %(n)s: placeholder %(num)s is not in the msgid" in err
    line = _line_of(po, 'msgstr "%(city)s: 100% сведений"')
    assert f"{where}:{line}: error: %(city)s: key facts: stray '%' at column 14" in err
    plural = _line_of(po, 'msgstr[0] "Без данных: %(count)s показатель или составляющая."')
    assert f"{where}:{plural}: error: Not reported: %(count)s indicator or data point." in err
    assert "2 plural form(s), but the header's Plural-Forms says 3" in err

    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    assert f"{where}:{line}: warning: %(city)s: key facts: stray '%'" in err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    # The caption's label in English (and marked so), not crashed; the list of figures is
    # another string.
    english = '<span lang="en" class="untranslated">Figure 1</span>'
    assert f'<span class="label">{english}</span>' in html and "Рисунок 1. " in html
    assert "Miniville: key facts" not in html  # the name is Russian, the caption English
    assert re.search(r"Минивиль: key\sfacts", html) and re.search(r"Перечень\sрисунков", html)

    # The sample city has no warning of its own: --strict fails on the translation alone.
    out = project / "strict"
    argv = ["build", "tbilisi", "--lang", "ru", "--strict", "--out", str(out)]
    strict, _, err = run_cli(argv, ROOT)
    assert strict == 1 and f"{where}:{line}: warning: %(city)s: key facts" in err.replace(
        str(locales.parent) + "/", ""
    )
    assert not out.exists()

    # An untranslated string in a language a city needs: the city is named.
    po.write_text(text.replace('msgstr "Перечень рисунков"', 'msgstr ""'), encoding="utf-8")
    status, _, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 1 and "error: ru is incomplete and mini is issued in it" in err


# Russian: 1, 21 take the "one" form, 2, 22 "few", 5, 11, 25, 111 "many" (CLDR).
RUSSIAN_FORMS = {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1, 25: 2, 111: 2}
# Every counted phrase of the templates (by the end of its English singular) and what the
# Russian edition prints for each form; {n} is the number.
COUNTED_PHRASES = {
    "of the %(count)s KPI.": ("из {n} KPI",) * 3,
    "is scored on %(count)s indicator or data point.": (
        "по {n} показателю или составляющей.",
        "по {n} показателям или составляющим.",
        "по {n} показателям или составляющим.",
    ),
    "Not reported: %(count)s indicator or data point.": (
        "Без данных: {n} показатель или составляющая.",
        "Без данных: {n} показателя или составляющие.",
        "Без данных: {n} показателей или составляющих.",
    ),
    "definition changed: %(count)s indicator or data point.": (
        "определение: {n} показатель или составляющая.",
        "определения: {n} показателя или составляющие.",
        "определения: {n} показателей или составляющих.",
    ),
    "%(count)s is flagged.": ("отмечен {n}.", "отмечены {n}.", "отмечено {n}."),
    "set against each other.": (
        "более чем в {n} год,",
        "более чем в {n} года,",
        "более чем в {n} лет,",
    ),
    "more developed smart city services.": (
        "включает {n} показатель в",
        "включает {n} показателя в",
        "включает {n} показателей в",
    ),
    # The methodology: the sets' coverage and what the scores rest on.
    "with a target for %(count)s of the %(total)s KPIs": ("для {n} из X KPI",) * 3,
    "cited public targets, for %(count)s value;": (
        "открытые целевые значения со ссылкой на источник — для {n} значения;",
        "открытые целевые значения со ссылкой на источник — для {n} значений;",
        "открытые целевые значения со ссылкой на источник — для {n} значений;",
    ),
    "which are not public, for %(count)s value;": (
        "которые не публикуются, — для {n} значения;",
        "которые не публикуются, — для {n} значений;",
        "которые не публикуются, — для {n} значений;",
    ),
    "data-collection workbook, for %(count)s value;": (
        "сбора данных города, — для {n} значения;",
        "сбора данных города, — для {n} значений;",
        "сбора данных города, — для {n} значений;",
    ),
    "a yes/no KPI asks about, for %(count)s value;": (
        "о наличии — для {n} значения;",
        "о наличии — для {n} значений;",
        "о наличии — для {n} значений;",
    ),
    "the city's own targets, for %(count)s value.": (
        "собственные целевые значения города — для {n} значения.",
        "собственные целевые значения города — для {n} значений.",
        "собственные целевые значения города — для {n} значений.",
    ),
}
TRANS_BLOCK = re.compile(
    r"\{%-? trans (count=[^%]*)%\}(.*?)\{% pluralize %\}.*?\{% endtrans %\}", re.S
)


def test_every_counted_phrase_of_the_russian_edition_takes_the_right_form() -> None:
    from profiles_gen.i18n.formatter import Formatter
    from profiles_gen.i18n.messages import compile_catalogue, translations
    from profiles_gen.i18n.vocabulary import coverage_text, flag_label, key_fact_text
    from profiles_gen.render.environment import make_environment
    from profiles_gen.render.markdown import count_text

    compile_catalogue("ru")
    fmt = Formatter("ru", translations("ru"))
    env = make_environment(None, fmt)
    blocks = [
        b
        for path in sorted((ROOT / "templates").glob("*.html"))
        for b in TRANS_BLOCK.finditer(path.read_text(encoding="utf-8"))
    ]
    found = set()
    for block in blocks:
        names = re.findall(r"(\w+)=", block[1])
        source = block[0].replace(block[1], ", ".join(f"{n}={n}" for n in names) + " ")
        english = re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", " ".join(block[2].split()))
        key = next((k for k in COUNTED_PHRASES if english.endswith(k)), None)
        assert key, f"a counted phrase without a Russian plural test: {english}"
        found.add(key)
        for n, form in RUSSIAN_FORMS.items():
            values = {name: "X" for name in names} | {"count": n}
            html = env.from_string(source).render(**values)
            expected = COUNTED_PHRASES[key][form].format(n=n)
            assert expected in html, (n, html)
    assert found == set(COUNTED_PHRASES)

    # The {{count …}} shortcodes of the narrative.
    for n, form in RUSSIAN_FORMS.items():
        # KPI is invariable in Russian (the glossary): «84 из 91 KPI», «1 KPI».
        assert count_text(fmt, "reported", n) == f"{n} KPI"
        items = ("показатель или составляющая", "показателя или составляющие")
        items += ("показателей или составляющих",)
        assert count_text(fmt, "scored", n) == f"{n} {items[form]}"
        assert count_text(fmt, "reported", 3, total=n) == f"3 из {n} KPI"
        # A roll-up's coverage agrees with the number scored («0 из 1 оценено»).
        scored = ("оценён", "оценены", "оценено")[form]
        rollup = type("Rollup", (), {"scored": n, "items": 200})
        assert coverage_text(fmt, rollup) == f"{n} из 200 {scored}"
        years = ("год", "года", "лет")[form]
        assert flag_label(fmt, "years_apart", n) == f"годы различаются более чем на {n} {years}"
        # {{fact …}} and the key facts table: a unit that is a noun agrees with its number.
        people = ("житель", "жителя", "жителей")[form]
        assert key_fact_text(fmt, "population", n) == f"{n}\u00a0{people}"
        homes = ("домохозяйство", "домохозяйства", "домохозяйств")[form]
        assert key_fact_text(fmt, "households", n) == f"{n}\u00a0{homes}"
        assert key_fact_text(fmt, "population_density", n) == f"{n}\u00a0{people} на км²"
    assert key_fact_text(fmt, "population_density", D("2470.5")) == "2470,5\u00a0жителя на км²"
    assert key_fact_text(fmt, "population", 1202731) == "1\u00a0202\u00a0731\u00a0житель"
    assert key_fact_text(Formatter("en"), "population", 1) == "1\u00a0inhabitant"
    assert count_text(Formatter("en"), "reported", 1) == "1 KPI"
    assert count_text(Formatter("en"), "not_reported", 40, total=91) == "40 of the 91 KPIs"


# A unit after a number. Every short unit that is a countable noun, and its forms:
# (English singular, plural), Russian (one, few, many), Russian after a number with decimals.
COUNTED_UNITS = {
    ("SC-EH-H-1C", None): (("year", "years"), ("год", "года", "лет"), "года"),
    ("EC-I-ES-1C", None): (
        ("interruption per customer per year", "interruptions per customer per year"),
        ("раз на потребителя в год", "раза на потребителя в год", "раз на потребителя в год"),
        "раза на потребителя в год",
    ),
    ("EC-I-ES-2C", None): (("minute", "minutes"), ("мин",) * 3, "мин"),
    ("SC-SH-SA-5A", None): (("minute", "minutes"), ("мин",) * 3, "мин"),
    ("EN-EN-WS-2C", None): (
        ("litre per capita per day", "litres per capita per day"),
        ("л на душу населения в сутки",) * 3,
        "л на душу населения в сутки",
    ),
    ("EC-ICT-PS-1A", "number"): (
        ("published dataset", "published datasets"),
        (
            "опубликованный набор данных",
            "опубликованных набора данных",
            "опубликованных наборов данных",
        ),
        "опубликованного набора данных",
    ),
}
# Each number as English and Russian write it, and the form its unit takes: the index of
# the English and of the Russian form ("fraction": the Russian form after decimals).
# 0 takes the English plural and the Russian "many" form; 1.0 is not 1.
UNIT_NUMBERS = {
    "1": ("1", "1", 0, 0),
    "2": ("2", "2", 1, 1),
    "5": ("5", "5", 1, 2),
    "11": ("11", "11", 1, 2),
    "21": ("21", "21", 1, 0),
    "22": ("22", "22", 1, 1),
    "25": ("25", "25", 1, 2),
    "111": ("111", "111", 1, 2),
    "1.5": ("1.5", "1,5", 1, "fraction"),
    "72.5": ("72.5", "72,5", 1, "fraction"),
    "1.0": ("1.0", "1,0", 1, "fraction"),
    "0": ("0", "0", 1, 2),
    "12345": ("12,345", "12\u00a0345", 1, 2),
}


def _value_with_unit(fmt, kpi, value: D, point) -> str:
    """What the {{kpi …}} shortcode prints: the number as render formats it, then the unit."""
    from profiles_gen.render.rows import _places, format_value

    unit = fmt.kpi_short_unit(kpi, value, point, digits=_places(value))
    return f"{format_value(fmt, kpi, value, point)}\u00a0{unit}"


def test_a_countable_unit_agrees_with_its_number_in_english_and_russian() -> None:
    from profiles_gen.i18n.formatter import Formatter
    from profiles_gen.i18n.messages import compile_catalogue, translations

    compile_catalogue("ru")
    en, ru = Formatter("en"), Formatter("ru", translations("ru"))
    catalogue = load_catalogue()
    counted = {
        (k.id, p.id if p else None)
        for k in catalogue.kpis
        for p in (None, *k.data_points)
        if (p or k).short_unit_singular
    }
    assert counted == set(COUNTED_UNITS), "a countable unit without a test, or one lost"
    for (kpi_id, dp), (english, russian, fraction) in COUNTED_UNITS.items():
        kpi = catalogue.by_id[kpi_id]
        point = kpi.data_point(dp) if dp else None
        for value, (en_number, ru_number, en_form, ru_form) in UNIT_NUMBERS.items():
            unit = english[en_form]
            assert _value_with_unit(en, kpi, D(value), point) == f"{en_number}\u00a0{unit}"
            unit = fraction if ru_form == "fraction" else russian[ru_form]
            assert _value_with_unit(ru, kpi, D(value), point) == f"{ru_number}\u00a0{unit}"
    # A number's own decimals decide: 97.00 stays 97.00 and takes the plural (not "97").
    kpi = catalogue.by_id["SC-EH-H-1C"]
    assert _value_with_unit(ru, kpi, D("21.00"), None) == "21,00\u00a0года"
    assert _value_with_unit(en, kpi, D("1.00"), None) == "1.00\u00a0years"

    # The other units are abbreviations or rates that a number does not change.
    for kpi in catalogue.kpis:
        if kpi.short_unit_singular or not kpi.short_unit or kpi.short_unit == "%":
            continue
        for fmt in (en, ru):
            units = {fmt.kpi_short_unit(kpi, D(v)) for v in ("1", "2", "5", "1.5")}
            assert len(units) == 1 and "" not in units, (kpi.id, units)
    assert ru.kpi_short_unit(catalogue.by_id["EN-EN-AQ-1C"], D("1")) == "мкг/м³"
    assert ru.kpi_short_unit(catalogue.by_id["EC-ICT-ICT-1C"], D("1")) == ""  # 93 %


def test_a_number_with_decimals_takes_the_plural_form_of_its_cldr_category() -> None:
    """Where a whole number shares the CLDR category of a number with decimals, the plural
    entry gives the form; the fraction entry serves only a fraction-only category (Russian
    "other"). French: 0,5 an and 1,5 an (category "one", as 1), 2,5 ans ("other")."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    from profiles_gen.i18n.formatter import Formatter

    catalog = Catalog(locale="fr")  # CLDR's rule: one (0, 1), many (1 000 000), other
    assert catalog.num_plurals == 3
    forms = ("an", "d’ans", "ans")
    catalog.add(("year", "years"), forms, context="kpi-short-unit|SC-EH-H-1C")
    catalog.add("years", "FRACTION", context="kpi-short-unit-fraction|SC-EH-H-1C")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    fr = Formatter("fr", Translations(buffer))
    kpi = load_catalogue().by_id["SC-EH-H-1C"]
    forms = {v: fr.kpi_short_unit(kpi, D(v)) for v in ("0", "1", "2", "0.5", "1.5", "2.5")}
    assert forms == {"0": "an", "1": "an", "2": "ans", "0.5": "an", "1.5": "an", "2.5": "ans"}


def test_the_russian_edition_prints_a_unit_in_the_form_its_number_needs(project: Path) -> None:
    """Through a real build: the {{kpi …}} shortcode in a city's narrative, HTML only."""
    import html as html_module

    kpis = project / "cities" / "mini" / "kpis.yaml"
    kpis.write_text(
        kpis.read_text(encoding="utf-8")
        + "SC-EH-H-1C: {value: 72.5, year: 2021, source: Test statistics office}\n"
        + "EC-I-ES-1C: {value: 2, year: 2021, source: Test utility}\n"
        + "SC-SH-SA-5A: {value: 21, year: 2021, source: Test fire service}\n",
        encoding="utf-8",
    )
    sentences = {
        "en": "Life expectancy is {{kpi SC-EH-H-1C}}; power fails {{kpi EC-I-ES-1C}}; "
        "help comes in {{kpi SC-SH-SA-5A}}.",
        "ru": "Продолжительность жизни – {{kpi SC-EH-H-1C}}, перебоев – {{kpi EC-I-ES-1C}}, "
        "помощь приходит за {{kpi SC-SH-SA-5A}}.",
    }
    for lang, sentence in sentences.items():
        page = project / "cities" / "mini" / "narrative" / lang / "10-overview.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n" + sentence + "\n", "utf-8")
    status, _, err = run_cli(["build", "mini", "--format", "html"], project)
    assert status == 0, err

    def text(lang: str) -> str:
        page = project / "build" / "mini" / lang / "index.html"
        return html_module.unescape(page.read_text(encoding="utf-8"))

    ru = text("ru")
    # (typeset: the em dash bound to the word before, short words bound to the next)
    assert "Продолжительность жизни\u00a0— 72,5\u00a0года, перебоев\u00a0— 2\u00a0раза" in ru
    assert "2\u00a0раза на\u00a0потребителя в\u00a0год, помощь приходит за\u00a021\u00a0мин." in ru
    assert "72,5\u00a0лет" not in ru and "2\u00a0раз " not in ru
    en = text("en")
    assert "Life expectancy is 72.5\u00a0years; power fails 2\u00a0interruptions per" in en
    assert "help comes in 21\u00a0minutes." in en


def test_the_pseudo_locale_lengthens_every_string_and_has_three_plural_forms(
    tmp_path: Path,
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    with ensure_pseudo(locales).open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.num_plurals == 3
    ratios = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == len(ids) + (1 if len(ids) == 2 else 0)
        if message.context != "punctuation":  # "%(label)s: %(text)s" is kept as it is
            ratios.append(len(strings[0]) / len(ids[0]))
        else:
            assert strings[0] == ids[0]
    assert min(ratios) >= 1.2 and sum(ratios) / len(ratios) >= 1.4


def test_a_new_language_builds_without_code_changes(
    tmp_path: Path, project: Path, monkeypatch
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo", "en-XA"))
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(locales))
    assert run_cli(["locales", "init", "de"], tmp_path)[0] == 0  # make locales-init L=de
    po = locales / "de" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="de")
    catalog["Contents"].string = "Inhaltsverzeichnis"
    with po.open("wb") as fh:
        write_po(fh, catalog)

    status, _, err = run_cli(["build", "mini", "--lang", "de", "--format", "html"], project)
    assert status == 0, err
    assert "narrative/de: warning: no narrative in this language" in err
    assert "messages.po: warning:" in err and "untranslated or fuzzy" in err
    html = (project / "build" / "mini" / "de" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html and "Inhaltsverzeichnis" in html

    # The sample city has no warning of its own: --strict fails on the translation alone,
    # before anything is written.
    out = tmp_path / "strict"
    strict, _, err = run_cli(
        ["build", "tbilisi", "--lang", "de", "--strict", "--out", str(out)], ROOT
    )
    assert strict == 1 and "untranslated or fuzzy" in err and "narrative/de" in err
    assert not out.exists()
    check, out, _ = run_cli(["locales", "check", "--lang", "de"], project)
    assert check == 0 and out.startswith("de: 1/")  # no city is issued in German
