"""Fixed reader-facing vocabulary: bands, SDGs, key facts, abbreviations.

Each string is written out literally in a gettext call so that
``pybabel extract`` finds it; the functions take the page's ``Formatter``.
"""

from __future__ import annotations

from decimal import Decimal

from profiles_gen.i18n.formatter import NBSP, with_unit
from profiles_gen.i18n.marks import strip_marks


def band_label(fmt, band: str) -> str:
    """The UNECE wording of a band, as printed in tables and legends."""
    return {
        "reached": fmt.pgettext("band", "target reached completely (±5%)"),
        "over_two_thirds": fmt.pgettext("band", "target reached by more than two thirds"),
        "one_to_two_thirds": fmt.pgettext("band", "target reached between one and two thirds"),
        "one_third_or_less": fmt.pgettext("band", "target reached by one third or less"),
        "no_target": fmt.pgettext("band", "no target found"),
        "no_data": fmt.pgettext("band", "data not available"),
        "unverified": fmt.pgettext("band", "not scored: value not verified"),
        "insufficient_data": fmt.pgettext(
            "band", "insufficient data or too few targets: too few indicators scored for a result"
        ),
    }[band]


def band_short(fmt, band: str) -> str:
    """A short band label for charts and narrow table cells."""
    return {
        "reached": fmt.pgettext("band-short", "reached"),
        "over_two_thirds": fmt.pgettext("band-short", "over two thirds"),
        "one_to_two_thirds": fmt.pgettext("band-short", "one to two thirds"),
        "one_third_or_less": fmt.pgettext("band-short", "one third or less"),
        "no_target": fmt.pgettext("band-short", "no target"),
        "no_data": fmt.pgettext("band-short", "no data"),
        "unverified": fmt.pgettext("band-short", "not verified"),
        "insufficient_data": fmt.pgettext("band-short", "insufficient data"),
    }[band]


def coverage_text(fmt, rollup) -> str:
    """How many of a roll-up's indicators and data points are scored: "3 of 8 scored"; the
    form follows the number scored («оценён 1 из 8», «оценено 0 из 1»)."""
    # Translators: a roll-up's coverage, "3 of 8 scored": indicators and data points; the
    # forms follow %(scored)s.
    return fmt.ngettext(
        "%(scored)s of %(items)s scored", "%(scored)s of %(items)s scored", rollup.scored
    ) % {
        "scored": fmt.number(rollup.scored),
        "items": fmt.number(rollup.items),
    }


def insufficient_short(fmt, rollup) -> str:
    """What an insufficient roll-up lacks, as its band's short label says it: "insufficient
    data" (too few values reported), "too few targets" (enough values, too few with a
    target), "too few verified" (verification required, too few values verified)."""
    if rollup.missing == "targets":
        return fmt.pgettext("band-short", "too few targets")
    if rollup.missing == "verification":
        return fmt.pgettext("band-short", "too few verified")
    return band_short(fmt, "insufficient_data")


def insufficient_count(fmt, rollup) -> str:
    """The count behind ``insufficient_short``: "3 of 8 reported", "2 of 6 reported values
    have one", "2 of 6 values with a target verified"."""
    if rollup.missing == "targets":
        # Translators: after "too few targets", in parentheses: 2 of the 6 values the city
        # reported in a group have a target (or a U4SSC score), e.g. "2 of 6 reported
        # values have one"; the plural follows the first number.
        text = fmt.ngettext(
            "%(scored)s of %(reported)s reported values has one",
            "%(scored)s of %(reported)s reported values have one",
            rollup.scored,
        )
        return text % {"scored": fmt.number(rollup.scored), "reported": fmt.number(rollup.reported)}
    if rollup.missing == "verification":
        with_target = rollup.reported - rollup.no_target
        # Translators: after "too few verified", in parentheses: of the group's values with
        # a target, how many the verifier confirmed; the plural follows the first number.
        text = fmt.ngettext(
            "%(scored)s of %(with_target)s values with a target is verified",
            "%(scored)s of %(with_target)s values with a target are verified",
            rollup.scored,
        )
        return text % {"scored": fmt.number(rollup.scored), "with_target": fmt.number(with_target)}
    # Translators: after "insufficient data", in parentheses: 3 of the 8 KPIs and data
    # points of a group have a value; the plural follows the first number.
    text = fmt.ngettext(
        "%(reported)s of %(items)s reported", "%(reported)s of %(items)s reported", rollup.reported
    )
    return text % {"reported": fmt.number(rollup.reported), "items": fmt.number(rollup.items)}


def insufficient_text(fmt, rollup) -> str:
    """An insufficient roll-up as text: "insufficient data (3 of 8 reported)", "too few
    targets (2 of 6 reported values have one)"."""
    return f"{insufficient_short(fmt, rollup)} ({insufficient_count(fmt, rollup)})"


def insufficient_legend(fmt, rollups) -> str:
    """The legend's label of the hatching, for the kinds of insufficiency among
    ``rollups`` ("insufficient data", "too few targets", or both joined)."""
    kinds = dict.fromkeys(r.missing or "data" for r in rollups if r.band == "insufficient_data")
    labels = {
        "data": band_short(fmt, "insufficient_data"),
        "targets": fmt.pgettext("band-short", "too few targets"),
        "verification": fmt.pgettext("band-short", "too few verified"),
    }
    ordered = [labels[k] for k in ("data", "targets", "verification") if k in kinds]
    if len(ordered) > 1:
        return fmt.join_list(ordered, style="or")
    return (ordered or [labels["data"]])[0]


def target_kind(fmt, kind: str | None) -> str:
    """Where a target comes from (the kinds of a target set)."""
    if kind is None:
        return ""
    return {
        "sdg": fmt.pgettext("target-kind", "SDG target (full attainment)"),
        "international": fmt.pgettext("target-kind", "international target"),
        "un_agency": fmt.pgettext("target-kind", "UN agency goal"),
        "statistics": fmt.pgettext("target-kind", "UN and international statistics"),
        "leading_city": fmt.pgettext("target-kind", "leading city performance"),
        "national": fmt.pgettext("target-kind", "national target"),
        "city": fmt.pgettext("target-kind", "city target"),
        "u4ssc": fmt.pgettext("target-kind", "U4SSC benchmark"),
    }[kind]


def target_set(fmt, name: str | None) -> tuple[str, bool]:
    """How a reader sees a target set's name: the project's own sets ("default", and
    "city" for a city's own targets) in the edition's language; another set by its name,
    a code (the one ``targets: [...]`` in city.yaml gives). (label, is_code)."""
    if not name:
        return "", False
    own = {
        "default": fmt.pgettext("target-set", "default set"),
        "city": fmt.pgettext("target-set", "city"),
        # Translators: the "set" of a value scored by its U4SSC benchmark performance, read
        # from the city's data-collection workbook (Annex I: "U4SSC benchmark · workbook").
        "workbook": fmt.pgettext("target-set", "city's workbook"),
        # Translators: the "set" of a yes/no KPI scored against yes with no set's target.
        "yes_no_rule": fmt.pgettext("target-set", "yes/no rule"),
    }
    return (own[name], False) if name in own else (name, True)


def rule_sources(fmt) -> dict[str, str]:
    """The source lines of the targets no set file gives (``score.WORKBOOK_SOURCE`` and
    ``score.YES_NO_SOURCE``), written out here so that the catalogues hold them; an edition
    shows them through ``model.shown`` like any source line without languages of its own."""
    return {
        "workbook": fmt.pgettext(
            "target-source",
            "U4SSC benchmark performance, from the city's data-collection workbook",
        ),
        "yes_no_rule": fmt.pgettext(
            "target-source",
            "U4SSC KPI definition: the plan, service or system it asks about exists (yes)",
        ),
    }


def quality_label(fmt, quality: str) -> str:
    """The data-quality choices of ITU's data-collection workbook."""
    return {
        "accurate_measurements": fmt.pgettext("quality", "based on accurate measurements"),
        "survey_extrapolation": fmt.pgettext(
            "quality", "extrapolated from a survey of inhabitants"
        ),
        "higher_level_extrapolation": fmt.pgettext(
            "quality", "extrapolated from higher-level data"
        ),
        "assumption_estimate": fmt.pgettext("quality", "estimation based on assumptions"),
        "personal_estimate": fmt.pgettext("quality", "personal estimation"),
        "unknown_methodology": fmt.pgettext("quality", "unknown methodology, not traceable"),
    }[quality]


# Compact marks of the data-quality levels in Annex I (a legend follows the table).
QUALITY_MARKS = {
    "accurate_measurements": "A",
    "survey_extrapolation": "B",
    "higher_level_extrapolation": "C",
    "assumption_estimate": "D",
    "personal_estimate": "E",
    "unknown_methodology": "F",
}


def sdg_name(fmt, goal: int) -> str:
    return (
        fmt.pgettext("sdg", "No poverty"),
        fmt.pgettext("sdg", "Zero hunger"),
        fmt.pgettext("sdg", "Good health and well-being"),
        fmt.pgettext("sdg", "Quality education"),
        fmt.pgettext("sdg", "Gender equality"),
        fmt.pgettext("sdg", "Clean water and sanitation"),
        fmt.pgettext("sdg", "Affordable and clean energy"),
        fmt.pgettext("sdg", "Decent work and economic growth"),
        fmt.pgettext("sdg", "Industry, innovation and infrastructure"),
        fmt.pgettext("sdg", "Reduced inequalities"),
        fmt.pgettext("sdg", "Sustainable cities and communities"),
        fmt.pgettext("sdg", "Responsible consumption and production"),
        fmt.pgettext("sdg", "Climate action"),
        fmt.pgettext("sdg", "Life below water"),
        fmt.pgettext("sdg", "Life on land"),
        fmt.pgettext("sdg", "Peace, justice and strong institutions"),
        fmt.pgettext("sdg", "Partnerships for the goals"),
    )[goal - 1]


def key_fact_label(fmt, fact: str) -> str:
    return {
        "population": fmt.pgettext("fact", "Population"),
        "area": fmt.pgettext("fact", "Area"),
        "population_density": fmt.pgettext("fact", "Population density"),
        "gdp_per_capita": fmt.pgettext("fact", "GDP per capita"),
        "elevation": fmt.pgettext("fact", "Elevation"),
        "households": fmt.pgettext("fact", "Households"),
        "annual_mean_temperature": fmt.pgettext("fact", "Annual mean temperature"),
    }[fact]


def key_fact_unit(fmt, fact: str) -> str:
    return {
        "population": fmt.pgettext("fact-unit", "inhabitants"),
        "area": fmt.pgettext("fact-unit", "km²"),
        "population_density": fmt.pgettext("fact-unit", "inhabitants per km²"),
        "gdp_per_capita": fmt.pgettext("fact-unit", "US dollars"),
        "elevation": fmt.pgettext("fact-unit", "metres above sea level"),
        "households": fmt.pgettext("fact-unit", "households"),
        "annual_mean_temperature": fmt.pgettext("fact-unit", "°C"),
    }[fact]


# Key facts whose unit is a noun that takes the form its number needs; the others are
# abbreviations (km², US$, m, °C) that never change.
_COUNTED_FACTS = ("population", "households", "population_density")


def key_fact_text(fmt, fact: str, value) -> str:
    """A key fact's value with its unit, the noun in the form its number needs
    (``1 202 731 inhabitants``, «1 202 731 житель»); number and unit never part."""
    number = fmt.number(value)
    if fact not in _COUNTED_FACTS:
        return with_unit(number, key_fact_unit(fmt, fact))
    amount = Decimal(str(value))
    if amount != amount.to_integral_value():
        # Translators: a fraction takes one form in every language (Russian: «2,5 жителя»).
        text = {
            "population": fmt.pgettext("fact-fraction", "%(n)s inhabitants"),
            "households": fmt.pgettext("fact-fraction", "%(n)s households"),
            "population_density": fmt.pgettext("fact-fraction", "%(n)s inhabitants per km²"),
        }[fact]
    else:
        n = int(amount)
        text = {
            "population": fmt.npgettext("fact", "%(n)s inhabitant", "%(n)s inhabitants", n),
            "households": fmt.npgettext("fact", "%(n)s household", "%(n)s households", n),
            "population_density": fmt.npgettext(
                "fact", "%(n)s inhabitant per km²", "%(n)s inhabitants per km²", n
            ),
        }[fact]
    return text.replace("%(n)s ", "%(n)s" + NBSP, 1) % {"n": number}


def kpi_type(fmt, kpi_type_id: str) -> str:
    return (
        fmt.pgettext("kpi-type", "core")
        if kpi_type_id == "core"
        else fmt.pgettext("kpi-type", "advanced")
    )


def priority(fmt, value: str) -> str:
    return {
        "high": fmt.pgettext("priority", "high"),
        "medium": fmt.pgettext("priority", "medium"),
        "low": fmt.pgettext("priority", "low"),
    }[value]


def timeframe(fmt, value: str) -> str:
    return {
        "short": fmt.pgettext("timeframe", "short term"),
        "medium": fmt.pgettext("timeframe", "medium term"),
        "long": fmt.pgettext("timeframe", "long term"),
    }[value]


def abbreviations(fmt) -> list[tuple[str, str]]:
    """Abbreviations used by the publication's fixed text, with their expansions."""
    return sorted(
        [
            (fmt.pgettext("abbr", "EMF"), fmt.gettext("electromagnetic field")),
            (fmt.pgettext("abbr", "GDP"), fmt.gettext("gross domestic product")),
            (fmt.pgettext("abbr", "GHG"), fmt.gettext("greenhouse gas")),
            (fmt.pgettext("abbr", "ICT"), fmt.gettext("information and communication technology")),
            (fmt.pgettext("abbr", "ITU"), fmt.gettext("International Telecommunication Union")),
            (fmt.pgettext("abbr", "KPI"), fmt.gettext("key performance indicator")),
            (fmt.pgettext("unit", "pp"), fmt.gettext("percentage points")),
            (fmt.pgettext("abbr", "R&D"), fmt.gettext("research and development")),
            (fmt.pgettext("abbr", "SDG"), fmt.gettext("Sustainable Development Goal")),
            (fmt.pgettext("abbr", "SME"), fmt.gettext("small and medium-sized enterprise")),
            (
                fmt.pgettext("abbr", "UNECE"),
                fmt.gettext("United Nations Economic Commission for Europe"),
            ),
            (fmt.pgettext("abbr", "U4SSC"), fmt.gettext("United for Smart Sustainable Cities")),
            (fmt.pgettext("abbr", "WHO"), fmt.gettext("World Health Organization")),
        ],
        key=lambda pair: strip_marks(pair[0]),
    )


def flag_label(fmt, flag: str, window: int = 0) -> str:
    """Why two values are not like with like (progress between editions, cities side by side)."""
    if flag == "years_apart":
        return fmt.npgettext(
            "flag", "more than %(n)s year apart", "more than %(n)s years apart", window
        ) % {"n": fmt.number(window)}
    return {
        "target_changed": fmt.pgettext("flag", "target changed: not compared"),
        "definition_changed": fmt.pgettext("flag", "definition changed: not compared"),
        "same_year": fmt.pgettext("flag", "same reference year: no new measurement"),
        "new": fmt.pgettext("flag", "first reported in this evaluation"),
        "no_longer_reported": fmt.pgettext("flag", "no longer reported"),
        "targets_differ": fmt.pgettext("flag", "targets differ"),
        "definitions_differ": fmt.pgettext("flag", "definitions differ"),
        "unverified": fmt.pgettext("flag", "a value is not verified"),
    }[flag]


def move_label(fmt, move: str | None) -> str:
    """Whether a KPI's band moved between two evaluations."""
    return {
        "up": fmt.pgettext("move", "better band"),
        "down": fmt.pgettext("move", "worse band"),
        "same": fmt.pgettext("move", "same band"),
        None: "",
    }[move]
