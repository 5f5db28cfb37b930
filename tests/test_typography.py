"""Typography per language (i18n/typography.py, render/typeset.py): the rules on texts, the
pass over an edition's HTML, and what the PDFs show (read back with pdfplumber)."""

from __future__ import annotations

import pytest

from profiles_gen.i18n.typography import (
    NBSP,
    NNBSP,
    WJ,
    bind_last_words,
    chemical_formulas,
    typeset,
)
from profiles_gen.render.typeset import typeset_html

# -- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "население 1 171 100 человек", f"население 1{NBSP}171{NBSP}100 человек"),
        ("ru", "на 100 000 жителей", f"на{NBSP}100{NBSP}000 жителей"),
        ("ru", f"на{NBSP}100 000{NBSP}жителей", f"на{NBSP}100{NBSP}000{NBSP}жителей"),
        ("fr", "pour 100 000 habitants", f"pour 100{NBSP}000{NBSP}habitants"),
        ("fr", f"pour 100{NNBSP}000 naissances", f"pour 100{NBSP}000 naissances"),
        # UN English: a comma between the groups, in the pseudo-locale too
        ("en", "per 100 000 inhabitants", "per 100,000 inhabitants"),
        ("en-XA", "12 345.67 and 1 000 000", "12,345.67 and 1,000,000"),
        # years, codes, lists and decimals are no digit groups
        ("ru", "в 2016 2019 и 2022", f"в{NBSP}2016 2019 и{NBSP}2022"),
        (
            "en",
            "EC: I: T: 2A, SDG 3.9, 11.6, goals 1 2 3",
            "EC: I: T: 2A, SDG 3.9, 11.6, goals 1 2 3",
        ),
        ("en", "https://example.org/a/100 000", "https://example.org/a/100 000"),
    ],
)
def test_digit_groups_never_break_and_english_writes_commas(lang, text, expected) -> None:
    assert typeset(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "93 % домохозяйств", f"93{NBSP}% домохозяйств"),
        ("fr", "93 % des ménages", f"93{NBSP}% des ménages"),
        ("ru", "+6 п. п.", f"+6{NBSP}п.{NBSP}п."),
        ("ru", "+6 п.п.", f"+6{NBSP}п.{NBSP}п."),
        ("ru", "т. е. город", f"т.{NBSP}е. город"),
        ("ru", "24 мкг/м³ за год", f"24{NBSP}мкг/{WJ}м³ за{NBSP}год"),
        ("en", "24 µg/m³ a year", f"24{NBSP}µg/{WJ}m³ a year"),
        ("ru", "5 км² и 2019 г.", f"5{NBSP}км² и{NBSP}2019{NBSP}г."),
        ("en", "12 kWh and 3 km", f"12{NBSP}kWh and 3{NBSP}km"),
        ("ru", "№ 5", f"№{NBSP}5"),
        ("en", "targets. * Illustrative value.", f"targets. *{NBSP}Illustrative value."),
        ("en", "2 * 3 and 5*", "2 * 3 and 5*"),
    ],
)
def test_units_signs_and_abbreviations_stay_whole(lang, text, expected) -> None:
    assert typeset(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # Russian: the spaced dash is an em dash, bound to the word before it
        ("ru", "Тбилиси – столица", f"Тбилиси{NBSP}— столица"),
        ("ru", "Тбилиси - столица", f"Тбилиси{NBSP}— столица"),
        ("ru", "Тбилиси — столица", f"Тбилиси{NBSP}— столица"),
        # a line of the Markdown source may end at the dash
        ("ru", "подключения –\nотступление", f"подключения{NBSP}—\nотступление"),
        # a range takes the unspaced en dash, in every language
        ("ru", "в 2016 – 2019 гг.", f"в{NBSP}2016–2019{NBSP}гг."),
        ("en", "2016 – 2019", "2016–2019"),
        ("en", "2016–2019", "2016–2019"),
        ("en", "NO2 – 5 %", f"NO₂{NBSP}– 5{NBSP}%"),
        ("ru", f"1{NBSP}000 – 2{NBSP}000", f"1{NBSP}000–2{NBSP}000"),
        # English keeps its dash, never at the start of a line
        ("en", "Economy – results", f"Economy{NBSP}– results"),
        ("fr", "Économie – résultats", f"Économie{NBSP}– résultats"),
        # a minus sign or a hyphen inside a word is no dash
        ("ru", "−3 и EC-ICT-ICT-1C", f"−3 и{NBSP}EC-ICT-ICT-1C"),
    ],
)
def test_dashes_as_each_language_sets_them(lang, text, expected) -> None:
    assert typeset(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "в городе и в области", f"в{NBSP}городе и{NBSP}в{NBSP}области"),
        ("ru", "в\nгороде", f"в{NBSP}городе"),
        ("ru", "на основе данных по городу", f"на{NBSP}основе данных по{NBSP}городу"),
        ("ru", "доля (в процентах)", f"доля (в{NBSP}процентах)"),
        (
            "fr",
            "Source : ville ; vraiment ? « oui »",
            f"Source{NBSP}: ville{NNBSP}; vraiment{NNBSP}? «{NBSP}oui{NBSP}»",
        ),
        ("fr", "EC: I: T: 2A", "EC: I: T: 2A"),  # a code: no space added
        ("fr", "Tbilissi: résultats à 10:30", f"Tbilissi{NBSP}: résultats à 10:30"),
        ("en", "in a city", "in a city"),
    ],
)
def test_short_words_and_french_punctuation(lang, text, expected) -> None:
    assert typeset(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "plain", "markup"),
    [
        ("NO2 and SO2", "NO₂ and SO₂", "NO<sub>2</sub> and SO<sub>2</sub>"),
        ("O3, CO2e", "O₃, CO₂e", "O<sub>3</sub>, CO<sub>2</sub>e"),
        ("PM2.5 and PM10", "PM₂.₅ and PM₁₀", "PM<sub>2.5</sub> and PM<sub>10</sub>"),
        ("NOx, CH4, N2O", "NOₓ, CH₄, N₂O", "NO<sub>x</sub>, CH<sub>4</sub>, N<sub>2</sub>O"),
        (
            "СО2 (Cyrillic), PM2,5",
            "CO₂ (Cyrillic), PM₂,₅",
            "CO<sub>2</sub> (Cyrillic), PM<sub>2,5</sub>",
        ),
        # not formulas: inside a word, a code, a unit or a URL
        ("CO2X, EN-O3, NO2s, m³/O3", "CO2X, EN-O3, NO2s, m³/O3", "CO2X, EN-O3, NO2s, m³/O3"),
    ],
)
def test_chemical_formulas_take_their_subscripts(text, plain, markup) -> None:
    assert chemical_formulas(text) == plain
    assert chemical_formulas(text, markup=True) == markup
    assert typeset("see https://example.org/NO2/PM2.5", "en") == "see https://example.org/NO2/PM2.5"


@pytest.mark.parametrize("lang", ["en", "ru", "fr", "en-XA"])
def test_typesetting_twice_changes_nothing(lang) -> None:
    text = (
        "Население – 1 171 100 человек; 93 % и +6 п. п. в 2016 – 2019 гг., 24 мкг/м³, NO2, "
        "PM2.5 – per 100 000 inhabitants: « cité » ; ok ? https://example.org/x/100 000"
    )
    once = typeset(text, lang)
    assert typeset(once, lang) == once
    marked = typeset(text, lang, markup=True)
    assert typeset(marked, lang, markup=True) == marked


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        (
            ["Economy dimension – KPI evaluation results"],
            [f"Economy dimension – KPI evaluation{NBSP}results"],
        ),
        (
            ["Evaluation against the KPIs for smart sustainable cities"],
            [f"Evaluation against the KPIs for smart sustainable{NBSP}cities"],
        ),
        # two long last words are left free: they could not share a narrow line
        (
            ["Results of telecommunications interconnectedness"],
            ["Results of telecommunications interconnectedness"],
        ),
        (["Оценка результатов по KPI"], [f"Оценка результатов{NBSP}по{NBSP}KPI"]),
        (
            ["Results by Sustainable Development Goal"],
            [f"Results by Sustainable Development{NBSP}Goal"],
        ),
        # across text nodes (an element inside the heading), trailing space ignored
        (
            ["Air quality: NO<sub>2</sub> by ", "SDG", " "],
            [f"Air quality: NO<sub>2</sub>{NBSP}by{NBSP}", "SDG", " "],
        ),
        (["KPI"], ["KPI"]),
    ],
)
def test_a_heading_never_ends_on_a_lone_short_word(pieces, expected) -> None:
    assert bind_last_words(pieces) == expected


def test_the_html_pass_sets_text_and_attributes_but_not_code_or_charts() -> None:
    html = (
        '<title>Профиль – Тбилиси</title><body data-running-head="Профиль – Тбилиси">'
        "<h1>Оценка по KPI</h1><p>Около 100 000 жителей – NO2 и 93 %.</p>"
        "<code>100 000 – NO2</code><pre>93 %</pre><svg><text>NO2 – 100 000</text></svg>"
        '<script>var a = "100 000 – NO2";</script><img alt="NO2 – 5 %">'
        '<a href="https://example.org/NO2">https://example.org/NO2</a></body>'
    )
    out = typeset_html(html, "ru")
    assert "<title>Профиль\u00a0— Тбилиси</title>" in out
    assert 'data-running-head="Профиль\u00a0— Тбилиси"' in out
    assert f"<h1>Оценка{NBSP}по{NBSP}KPI</h1>" in out
    assert f"<p>Около 100{NBSP}000 жителей{NBSP}— NO<sub>2</sub> и{NBSP}93{NBSP}%.</p>" in out
    assert 'alt="NO₂\u00a0— 5\u00a0%"' in out
    for kept in (
        "<code>100 000 – NO2</code>",
        "<pre>93 %</pre>",
        "<svg><text>NO2 – 100 000</text></svg>",
        '<script>var a = "100 000 – NO2";</script>',
        '<a href="https://example.org/NO2">https://example.org/NO2</a>',
    ):
        assert kept in out


def test_on_screen_a_unit_is_held_by_a_nowrap_span_not_an_invisible_character() -> None:
    html = '<p title="24 мкг/м³">Около 24 мкг/м³ в год</p>'
    out = typeset_html(html, "ru", "screen")
    assert WJ not in out
    assert f'<p title="24{NBSP}мкг/м³">' in out
    assert f'Около 24{NBSP}<span class="nowrap">мкг/м³</span> в{NBSP}год' in out
    assert f"мкг/{WJ}м³" in typeset_html(html, "ru", "print")


@pytest.mark.parametrize(
    ("lang", "three", "two"),
    [
        ("en", "Ålesund, Asker and Rana", "Ålesund and Asker"),
        ("ru", "Ålesund, Asker и Rana", "Ålesund и Asker"),
    ],
)
def test_lists_in_un_english_take_no_serial_comma(lang, three, two) -> None:
    from profiles_gen.i18n.formatter import Formatter

    assert Formatter(lang).join_list(["Ålesund", "Asker", "Rana"]) == three
    assert Formatter(lang).join_list(["Ålesund", "Asker"]) == two
