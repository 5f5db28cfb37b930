"""Locales: Babel formatting, compiled catalogues, a complete Russian catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from babel.messages.pofile import read_po

from profiles_gen.catalogue import load_catalogue
from profiles_gen.i18n import NBSP, Formatter, compile_catalogue, po_path, translations
from profiles_gen.locales import SignOff, coverage, report, sign_off


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("en", D("35394"), "35,394"),
        ("ru", D("35394"), f"35{NBSP}394"),
        ("en", D("1234"), "1,234"),
        ("ru", D("1234"), "1234"),  # ru leaves four digits ungrouped
        ("en", D("14.47"), "14.47"),
        ("ru", D("14.47"), "14,47"),
        ("ru", D("1202731.5"), f"1{NBSP}202{NBSP}731,5"),
    ],
)
def test_numbers(lang: str, value: D, expected: str) -> None:
    assert Formatter(lang).number(value) == expected


def test_percent_and_date() -> None:
    assert Formatter("en").percent(93) == "93%"
    assert Formatter("ru").percent(93) == f"93{NBSP}%"
    assert Formatter("ru").percent(D("0.9375"), 1, fraction=True) == f"93,8{NBSP}%"
    assert Formatter("ru").date(dt.date(2023, 6, 30)) == f"30 июня 2023{NBSP}г."


def test_russian_catalogue_compiles_and_translates_catalogue_strings() -> None:
    compile_catalogue("ru")
    fmt = Formatter("ru", translations("ru"))
    kpi = load_catalogue().by_id["EC-ICT-ICT-1C"]
    assert fmt.kpi_name(kpi) == "Доступ домохозяйств к интернету"
    assert (
        fmt.group_name("dimension", next(d for d in load_catalogue().dimensions if d.id == "EN"))
        == "Окружающая среда"
    )


def test_russian_catalogue_is_complete_and_well_formed() -> None:
    cov = coverage("ru")
    assert cov.total > 400
    assert cov.complete, report(cov)
    with po_path("ru").open("rb") as fh:
        assert read_po(fh, locale="ru").num_plurals == 3


def test_coverage_finds_untranslated_fuzzy_and_broken_entries(tmp_path) -> None:
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#: templates/a.html:1\nmsgid "Done"\nmsgstr "Fait"\n\n'
        '#: templates/a.html:2\nmsgid "Missing"\nmsgstr ""\n\n'
        '#: templates/a.html:3\n#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Flou"\n\n'
        '#: templates/a.html:4\n#, python-format\nmsgid "%(n)s per cent"\n'
        'msgstr "%(n)s %"\n\n'
        '#: templates/a.html:5\nmsgid "Table"\nmsgid_plural "Tables"\n'
        'msgstr[0] "Tableau"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    cov = coverage("xx", tmp_path)
    assert cov.total == 5 and cov.done == 2
    assert cov.untranslated == ["Missing", "Table"]
    assert cov.fuzzy == ["Fuzzy"]
    assert cov.broken == ["%(n)s per cent"]
    assert not cov.complete


def test_sign_off_is_read_from_the_catalogue_header(tmp_path) -> None:
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    header = (
        '# Reviewed-By: A. Reviewer\n# Review-Date: 2026-11-20\nmsgid ""\nmsgstr ""\n'
        '"Last-Translator: T. Translator <t@example.org>\\n"\n'
    )
    po.write_text(header, encoding="utf-8")
    signed = sign_off("xx", tmp_path)
    assert signed == SignOff("T. Translator <t@example.org>", "A. Reviewer", "2026-11-20")
    assert signed.reviewed
    po.write_text(header.replace("A. Reviewer", ""), encoding="utf-8")
    assert not sign_off("xx", tmp_path).reviewed
    assert not sign_off("ru").reviewed  # the sample's Russian is honest about it
