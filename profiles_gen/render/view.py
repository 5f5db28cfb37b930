"""The view: what the templates read, as typed structures.

``build_view`` (``render/city.py``) returns a ``CityView``, ``build_volume_view``
(``render/volume.py``) a ``VolumeView`` whose parts are ``PartView`` (a member's
city view with its part's number, label and running head). Everything in them is
plain data: strings, numbers, booleans, lists, mappings of them and read-only
records (``Row``, ``Rollup``, ``Chart``, the city's data), so that a city's own
templates, which run in the sandbox, reach nothing else.

These declarations are the contract between the code and the templates:
``tests/test_view.py`` checks that the views built for the samples have exactly
these fields, and that every field a template reads (``{{ dim.rollup.band }}``,
through loops and ``set``) is declared here, without rendering anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NotRequired, TypedDict

from markupsafe import Markup

from profiles_gen.charts.draw import Chart
from profiles_gen.data.model import City, Publication, Rollup, Shown
from profiles_gen.render.rows import Row

# --- small pieces shared by every view ------------------------------------------------


class Band(TypedDict):
    """One band of the legend: its id, labels, symbol, range and points."""

    id: str
    label: str
    short: str
    symbol: str
    range: str
    points: int | str  # "–" where a band gives no points
    legend: bool


class Translation(TypedDict):
    """The edition's translation: who translated and reviewed it, and its coverage."""

    translator: str
    reviewer: str
    review_date: str
    reviewed: bool
    changed: bool
    percent: str
    done: str
    total: str


class EditionLink(TypedDict):
    lang: str
    name: str
    href: str
    current: bool


class Site(TypedDict):
    """Where the HTML edition's links lead: the home page, the other editions, files."""

    home: str
    editions: list[EditionLink]
    pdf: str
    csv: str
    json: str


class Chapter(TypedDict):
    """A narrative chapter, rendered."""

    slug: str
    title: str
    html: Markup
    lang: str


class Section(TypedDict):
    """A fixed chapter's id and title (the contents and bookmarks read them)."""

    id: str
    title: str


class Annex(TypedDict):
    id: str
    number: str
    title: str
    heading: str


class Numbered(TypedDict):
    """A figure or table: its number, id and title (captions and lists read them)."""

    n: int
    id: str
    title: str


class TargetSet(TypedDict):
    name: str
    code: bool
    title: str
    title_lang: str | None
    count: int
    kpis: int
    total: int


class TargetReference(TypedDict):
    texts: list[tuple[str, str]]
    title: str
    url: str | None
    kind: str
    set: str
    n: int


class Bases(TypedDict):
    """What the scores rest on: scored values counted by where their yardstick comes from."""

    public: int
    workbook: int
    city: int
    u4ssc: int
    yes_no: int


class Sources(TypedDict):
    scored: str
    sets: str


class DefinitionRow(TypedDict):
    code: str
    name: str
    unit: str
    definition: str | None
    secondary: bool


class Definitions(TypedDict):
    rows: list[DefinitionRow]


class Acknowledgements(TypedDict):
    title: str
    html: Markup
    lang: str


# A data text and, if it is not in the edition's language, the language it is shown in.
Text = tuple[str, str | None]


class Publishing(TypedDict):
    """What every edition has, a city's or a volume's (``publication_view``)."""

    lang: str
    pub: Publication
    place: str
    funding: str
    acknowledgements: Acknowledgements | None
    photo_credits: list[Text]
    references: list[Text]
    print_job: list[str]
    languages: list[str]
    illustrative: bool
    date: str
    abbreviations: list[tuple[str, str]]
    bands: list[Band]
    band_symbols: Markup
    quality_legend: list[tuple[str, str]]
    translation: Translation
    draft_marks: list[str]
    unreviewed: bool
    site: Site
    name: str
    country: str
    title: str
    running_head: str
    front: list[Chapter]
    summary: list[Chapter]
    body: list[Chapter]
    annex: list[Chapter]
    target_sets: list[TargetSet]
    target_references: list[TargetReference]
    own_targets: list[tuple[int, Shown]]  # (reference number, the city's source)
    min_coverage: Decimal | None
    require_verified: bool
    bases: Bases
    scored_with_provenance: list[int]
    sources: Sources
    total_count: int
    fig: dict[str, Numbered]
    tab: dict[str, Numbered]
    sections: dict[str, Section]
    annexes: dict[str, Annex]
    definitions: Definitions
    p: str  # the prefix of every id (a volume's member: its slug and "-")


# --- a city's edition -----------------------------------------------------------------


class Category(TypedDict):
    id: str
    name: str
    rollup: Rollup
    rows: list[Row]


class Subdimension(TypedDict):
    id: str
    name: str
    rollup: Rollup
    categories: list[Category]


class Dimension(TypedDict):
    """A dimension's results: its roll-ups, KPI rows, gaps, chart and narrative."""

    id: str
    name: str
    section: Section
    rollup: Rollup
    subdimensions: list[Subdimension]
    chapters: list[Chapter]
    gaps: list[Row]
    missing: list[Row]
    chart: Chart


class Sdg(TypedDict):
    goal: int
    name: str
    rollup: Rollup


class RecommendationKpi(TypedDict):
    code: str
    name: str
    anchor: str


class Recommendation(TypedDict):
    id: str
    lang: str | None
    theme: str
    headline: str
    diagnosis: Markup
    measures: list[str]
    kpis: list[RecommendationKpi]
    sdgs: list[int]
    priority: str | None
    timeframe: str | None
    actors: str | None
    financing: str | None


class Fact(TypedDict):
    label: str
    value: str
    unit: str
    text: str
    year: int | None
    source: Shown | None
    illustrative: bool


class ProgressTotals(TypedDict):
    name: str
    before: Rollup
    after: Rollup
    series: list[Rollup]
    change: str
    up: int
    same: int
    down: int
    flagged: int


class ProgressRow(TypedDict):
    code: str
    name: str
    data_point: str | None
    unit: str
    before: Row | None
    after: Row | None
    change: str
    move: str | None
    move_label: str
    flags: list[str]
    comparable: bool


class ProgressDimension(ProgressTotals):
    id: str
    rows: list[ProgressRow]
    chart: Chart


class Progress(TypedDict):
    then: int
    now: int
    years: list[int]
    years_text: str
    dimensions: list[ProgressDimension]
    overall: ProgressTotals
    not_compared: int
    source: str


class CityView(Publishing):
    """The view of one city's edition (``render.city.build_view``)."""

    city: City
    recommendation_chapters: list[Chapter]
    dimensions: list[Dimension]
    rows: list[Row]
    sdgs: list[Sdg]
    recommendations: list[Recommendation]
    facts: list[Fact]
    city_rollup: Rollup
    charts: dict[str, Chart]
    annex_rows: list[Row]
    annex_unreported: list[str]
    not_reported: list[Row]
    no_target: list[Row]
    reported_count: str
    progress: Progress | None


class PartView(CityView):
    """A member's city view as a part of a volume (``build_volume_view``)."""

    part_number: int
    part_label: str
    html: NotRequired[Markup]  # the part rendered, before the volume's page (render_edition)


# --- a volume -------------------------------------------------------------------------


class ComparedGroup(TypedDict):
    name: str
    rollups: list[Rollup]
    differs: list[str]


class ComparedDimension(ComparedGroup):
    subdimensions: list[ComparedGroup]


class ComparedSdg(TypedDict):
    goal: int
    name: str
    rollups: list[Rollup]


class ComparedRow(TypedDict):
    code: str
    name: str
    data_point: str | None
    unit: str
    cells: list[Row]
    flags: list[str]


class Comparison(TypedDict):
    cities: list[str]
    year_window: int
    dimensions: list[ComparedDimension]
    overall: list[Rollup]
    sdgs: list[ComparedSdg]
    rows: list[ComparedRow]
    shared: int
    flagged: int
    chart: Chart
    wheels: list[Chart]


class VolumeView(Publishing):
    """The view of a volume's edition (``render.volume.build_volume_view``)."""

    comparison_chapters: list[Chapter]
    parts: list[PartView]
    comparison: Comparison
    all_fig: dict[str, Numbered]
    all_tab: dict[str, Numbered]
    contents_template: str


# The views by the page template that renders them (``Prepared.template``).
VIEWS: dict[str, type] = {"profile.html": CityView, "volume.html": VolumeView}
