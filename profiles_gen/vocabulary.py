"""Fixed reader-facing vocabulary: bands, SDGs, key facts, abbreviations.

Each string is written out literally in a gettext call so that
``pybabel extract`` finds it; the functions take the page's ``Formatter``.
"""

from __future__ import annotations


def band_label(fmt, band: str) -> str:
    """The UNECE wording of a band, as printed in tables and legends."""
    p = fmt.pgettext
    return {
        "reached": p("band", "target reached completely (±5%)"),
        "over_two_thirds": p("band", "target reached by more than two thirds"),
        "one_to_two_thirds": p("band", "target reached between one and two thirds"),
        "one_third_or_less": p("band", "target reached by one third or less"),
        "no_target": p("band", "no target found"),
        "no_data": p("band", "data not available"),
    }[band]


def band_short(fmt, band: str) -> str:
    """A short band label for charts and narrow table cells."""
    p = fmt.pgettext
    return {
        "reached": p("band-short", "reached"),
        "over_two_thirds": p("band-short", "over two thirds"),
        "one_to_two_thirds": p("band-short", "one to two thirds"),
        "one_third_or_less": p("band-short", "one third or less"),
        "no_target": p("band-short", "no target"),
        "no_data": p("band-short", "no data"),
    }[band]


def sdg_name(fmt, goal: int) -> str:
    p = fmt.pgettext
    return (
        p("sdg", "No poverty"), p("sdg", "Zero hunger"), p("sdg", "Good health and well-being"),
        p("sdg", "Quality education"), p("sdg", "Gender equality"),
        p("sdg", "Clean water and sanitation"), p("sdg", "Affordable and clean energy"),
        p("sdg", "Decent work and economic growth"),
        p("sdg", "Industry, innovation and infrastructure"), p("sdg", "Reduced inequalities"),
        p("sdg", "Sustainable cities and communities"),
        p("sdg", "Responsible consumption and production"), p("sdg", "Climate action"),
        p("sdg", "Life below water"), p("sdg", "Life on land"),
        p("sdg", "Peace, justice and strong institutions"),
        p("sdg", "Partnerships for the goals"),
    )[goal - 1]


def key_fact_label(fmt, fact: str) -> str:
    p = fmt.pgettext
    return {
        "population": p("fact", "Population"),
        "area": p("fact", "Area"),
        "population_density": p("fact", "Population density"),
        "gdp_per_capita": p("fact", "GDP per capita"),
        "elevation": p("fact", "Elevation"),
        "households": p("fact", "Households"),
        "annual_mean_temperature": p("fact", "Annual mean temperature"),
    }[fact]


def key_fact_unit(fmt, fact: str) -> str:
    p = fmt.pgettext
    return {
        "population": p("fact-unit", "inhabitants"),
        "area": p("fact-unit", "km²"),
        "population_density": p("fact-unit", "inhabitants per km²"),
        "gdp_per_capita": p("fact-unit", "US dollars"),
        "elevation": p("fact-unit", "metres above sea level"),
        "households": p("fact-unit", "households"),
        "annual_mean_temperature": p("fact-unit", "°C"),
    }[fact]


def kpi_type(fmt, kpi_type_id: str) -> str:
    return (fmt.pgettext("kpi-type", "core") if kpi_type_id == "core"
            else fmt.pgettext("kpi-type", "advanced"))


def priority(fmt, value: str) -> str:
    p = fmt.pgettext
    return {"high": p("priority", "high"), "medium": p("priority", "medium"),
            "low": p("priority", "low")}[value]


def timeframe(fmt, value: str) -> str:
    p = fmt.pgettext
    return {"short": p("timeframe", "short term"), "medium": p("timeframe", "medium term"),
            "long": p("timeframe", "long term")}[value]


def abbreviations(fmt) -> list[tuple[str, str]]:
    """Abbreviations used by the publication's fixed text, with their expansions."""
    g = fmt.gettext
    return sorted([
        ("EMF", g("electromagnetic field")),
        ("GDP", g("gross domestic product")),
        ("GHG", g("greenhouse gas")),
        ("ICT", g("information and communication technology")),
        ("ITU", g("International Telecommunication Union")),
        ("KPI", g("key performance indicator")),
        ("R&D", g("research and development")),
        ("SDG", g("Sustainable Development Goal")),
        ("SME", g("small and medium-sized enterprise")),
        ("UNECE", g("United Nations Economic Commission for Europe")),
        ("U4SSC", g("United for Smart Sustainable Cities")),
        ("WHO", g("World Health Organization")),
    ])
