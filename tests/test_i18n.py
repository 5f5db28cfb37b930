"""Locales: Babel formatting, compiled catalogues, a complete Russian catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from babel.messages.pofile import read_po

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.i18n.formatter import NBSP, Formatter
from profiles_gen.i18n.locales import SignOff, coverage, report, sign_off
from profiles_gen.i18n.messages import compile_catalogue, po_path, translations


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


@pytest.mark.parametrize("digits", [None, 0, 1, 2])
@pytest.mark.parametrize(
    "value", ["72.5", "1.0", "21.00", "1E+1", "0.1234567", "1234.55", "-3.25", "0", "0.05"]
)
def test_a_unit_takes_its_form_from_the_number_as_shown(value: str, digits) -> None:
    """The number a countable unit agrees with is the number the reader sees, with its
    rounding and its decimals (Formatter.counted): 1.0 is not 1, 0.05 shown as 0.1 is."""
    from profiles_gen.i18n.formatter import _as_shown

    shown = Formatter("en").number(D(value), digits).replace(",", "")
    assert format(_as_shown(D(value), digits), "f") == shown


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
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: templates/a.html:1\nmsgid "Done"\nmsgstr "Fait"\n\n'
        '#: templates/a.html:2\nmsgid "Missing"\nmsgstr ""\n\n'
        '#: templates/a.html:3\n#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Flou"\n\n'
        '#: templates/a.html:4\n#, python-format\nmsgid "%(n)s per cent"\n'
        'msgstr "%(n)s %"\n\n'
        '#: templates/a.html:5\nmsgid "Table"\nmsgid_plural "Tables"\n'
        'msgstr[0] "Tableau"\nmsgstr[1] ""\n\n'
        '#: profiles_gen/a.py:6\n#, python-format\nmsgid "Figure %(n)s"\n'
        'msgstr "Figure %(num)s"\n\n'
        '#: profiles_gen/a.py:7\n#, python-format\nmsgid "%(city)s in %(year)s"\n'
        'msgstr "%(city)s"\n\n'
        '#: templates/a.html:8\nmsgid "%(count)s KPI"\nmsgid_plural "%(count)s KPIs"\n'
        'msgstr[0] "%(count)s KPI"\nmsgstr[1] "%(count)s KPIs"\nmsgstr[2] "%(count)s KPIz"\n\n'
        # never formatted: a unit of the KPI catalogue and a Python string without placeholder
        '#: profiles_gen/data/u4ssc-kpis.yaml:9\n#, no-python-format\nmsgid "% of homes"\n'
        'msgstr "% des foyers"\n\n'
        '#: profiles_gen/a.py:10\nmsgid "Share"\nmsgstr "Part en %"\n',
        encoding="utf-8",
    )
    cov = coverage("xx", tmp_path)
    assert cov.total == 10 and cov.done == 3
    assert cov.untranslated == ["Missing", "Table"]
    assert cov.fuzzy == ["Fuzzy"]
    assert [(p.line, p.label, p.text) for p in cov.problems] == [
        (22, "%(n)s per cent", "stray '%' at column 7 (write '%%' for a per cent sign)"),
        (33, "Figure %(n)s", "placeholder %(num)s is not in the msgid (it has %(n)s)"),
        (33, "Figure %(n)s", "placeholder %(n)s of the msgid is missing"),
        (38, "%(city)s in %(year)s", "placeholder %(year)s of the msgid is missing"),
        (43, "%(count)s KPI", "3 plural form(s), but the header's Plural-Forms says 2"),
    ]
    assert (
        cov.problems[0]
        .format()
        .endswith(
            "/xx/LC_MESSAGES/messages.po:22: error: %(n)s per cent: stray '%' at column 7 "
            "(write '%%' for a per cent sign)"
        )
    )
    assert not cov.complete
    # The compiled catalogue leaves every problem out: gettext gives the English.
    t = translations("xx", tmp_path)
    assert t.gettext("Done") == "Fait" and t.gettext("% of homes") == "% des foyers"
    assert t.gettext("Figure %(n)s") == "Figure %(n)s"
    assert t.gettext("%(n)s per cent") == "%(n)s per cent"
    assert t.ngettext("Table", "Tables", 1) == "Table"  # half translated: English, not ""
    assert t.ngettext("%(count)s KPI", "%(count)s KPIs", 2) == "%(count)s KPIs"


def test_an_unreadable_plural_forms_header_falls_back_to_the_language_s_rule(tmp_path) -> None:
    po = tmp_path / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 &&;\\n"\n\n'
        '#: templates/a.html:1\nmsgid "%(count)s KPI"\nmsgid_plural "%(count)s KPIs"\n'
        'msgstr[0] "%(count)s показатель"\nmsgstr[1] "%(count)s показателя"\n'
        'msgstr[2] "%(count)s показателей"\n',
        encoding="utf-8",
    )
    cov = coverage("ru", tmp_path)
    assert [(p.line, p.label) for p in cov.problems] == [(4, "header")]
    assert cov.problems[0].text.startswith("Plural-Forms: ")
    t = translations("ru", tmp_path)  # the build goes on, with CLDR's Russian rule
    forms = [t.ngettext("%(count)s KPI", "%(count)s KPIs", n) for n in (1, 3, 5, 21)]
    assert forms == ["%(count)s показатель", "%(count)s показателя", "%(count)s показателей"] + [
        "%(count)s показатель"
    ]


def test_sign_off_is_read_from_the_catalogue_header(tmp_path) -> None:
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    header = (
        '# Reviewed-By: A. Reviewer\n# Review-Date: 2026-11-20\nmsgid ""\nmsgstr ""\n'
        '"Last-Translator: T. Translator <t@example.org>\\n"\n'
    )
    po.write_text(header, encoding="utf-8")
    signed = sign_off("xx", tmp_path)
    # The credit is printed: e-mail addresses are dropped.
    assert signed == SignOff("T. Translator", "A. Reviewer", "2026-11-20", "", 1)
    assert signed.claimed and signed.review_day() == dt.date(2026, 11, 20)
    assert Formatter("ru").date(signed.review_day()) == f"20 ноября 2026{NBSP}г."
    po.write_text(header.replace("A. Reviewer", ""), encoding="utf-8")
    assert not sign_off("xx", tmp_path).claimed
    assert not sign_off("ru").claimed  # the sample's Russian is honest about it


def test_per_cent_signs_are_checked_by_whether_the_program_formats_the_string() -> None:
    from babel.messages.catalog import Message

    from profiles_gen.i18n.messages import message_problems

    unit = [("profiles_gen/data/u4ssc-kpis.yaml", 9)]
    # A unit of the KPI catalogue is printed as it is: '%' is right, '%%' would show twice.
    assert message_problems(Message("% of homes", "% des foyers", locations=unit), 2) == []
    assert message_problems(Message("% of homes", "%% des foyers", locations=unit), 2)
    # A template string is always formatted: a per cent sign is '%%', a bare '%' breaks it.
    page = [("templates/a.html", 1)]
    assert message_problems(Message("above 95%%", "более 95 %%", locations=page), 2) == []
    assert message_problems(Message("above 95%%", "более 95 %", locations=page), 2) == [
        (0, "stray '%' at column 10 (write '%%' for a per cent sign)")
    ]
    # A renamed conversion is a different placeholder: %(n)d would fail on a string.
    code = [("profiles_gen/a.py", 1)]
    found = message_problems(Message("Figure %(n)s", "Рисунок %(n)d", locations=code), 2)
    assert [text for _, text in found] == [
        "placeholder %(n)d is not in the msgid (it has %(n)s)",
        "placeholder %(n)s of the msgid is missing",
    ]
