"""Types passed between the pipeline's stages. Frozen: a stage returns new values.

The framework (``Catalogue``), a city and a volume as validated, and their
scores. What the pipeline asks of a publication (score, exports, inputs,
charts and view, render) is answered by the objects of ``publication.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from profiles_gen.core.bands import BANDS

# --- texts per language ----------------------------------------------------------

_URL_AT_END = re.compile(r"^(.*?)(:?\s+)(https?://\S+)$", re.S)


def split_url(text: str) -> tuple[str, str]:
    """A catalogue text and the URL it ends with (``""`` if none): only the words translate."""
    match = _URL_AT_END.match(text)
    return (match.group(1), match.group(2) + match.group(3)) if match else (text, "")


class Text(str):
    """A city's text given in one or several languages (``source``, ``reason``, …).

    As a ``str`` it is the text in its own language (``lang``: the city's
    ``lang``, English by default, or the only language given), so exports and
    comparisons see one plain string; ``in_lang`` gives an edition its text.
    """

    texts: dict[str, str]
    lang: str
    plain: bool  # written as a plain string (no language given)

    def __new__(cls, texts: dict[str, str], lang: str = "en", plain: bool = False) -> Text:
        own = lang if lang in texts else next(iter(texts))
        obj = super().__new__(cls, texts[own])
        obj.texts = dict(texts)
        obj.lang = own
        obj.plain = plain
        return obj

    def __reduce__(self):  # keep the languages when sent to a worker process
        return (Text, (self.texts, self.lang, self.plain))

    def as_data(self) -> str | dict[str, str]:
        """As written in a YAML file: the plain string, or the mapping of languages."""
        return str(self) if self.plain else dict(self.texts)

    def get(self, lang: str, default=None):
        return self.texts.get(lang, default)

    def in_lang(self, lang: str) -> tuple[str, str]:
        """The text for an edition in ``lang`` and the language it is written in."""
        if lang in self.texts:
            return self.texts[lang], lang
        return str(self), self.lang


def text_in(text, lang: str) -> tuple[str, str | None]:
    """``text`` for an edition in ``lang``: (the text, its language if not ``lang``, else None).

    The view marks a text in another language with ``lang="…"`` so that a screen
    reader switches voice and the PDF tags it.
    """
    if not text:
        return "", None
    if isinstance(text, Text):
        shown, own = text.in_lang(lang)
        return shown, (None if own == lang else own)
    if isinstance(text, dict):
        return text_in(Text(text, "en"), lang)
    return str(text), None


@dataclass(frozen=True)
class Shown:
    """A data text as an edition shows it, with the language it is written in."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def shown(fmt, text) -> Shown:
    """``text`` in the edition of ``fmt``: a city's text in that language, else in its own
    (marked); a catalogue text (a default target's source) through the catalogues."""
    if isinstance(text, (Text, dict)):
        value, other = text_in(text, fmt.lang)
        return Shown(value, other or fmt.lang)
    if text:
        words, url = split_url(str(text))
        return Shown(fmt.pgettext("target-source", words) + url, fmt.lang)
    return Shown("", fmt.lang)


# --- the framework -------------------------------------------------------------


@dataclass(frozen=True)
class DataPoint:
    id: str
    name: str
    direction: str | None  # higher | lower | yes_no | None (not scored)
    target: Decimal | None = None
    target_source: str | None = None
    unit: str | None = None  # its own unit, where it differs from the KPI's (a count)
    # Its unit in running text, where it has its own (see Kpi.short_unit).
    short_unit: str = ""
    short_unit_singular: str = ""


@dataclass(frozen=True)
class Kpi:
    id: str
    code: str
    dimension: str
    subdimension: str
    category: str
    type: str  # core | advanced
    name: str
    unit: str
    direction: str  # higher | lower | yes_no
    sdg_targets: tuple[str, ...]
    data_points: tuple[DataPoint, ...] = ()
    target: Decimal | None = None
    target_source: str | None = None
    confidence: str = ""
    direction_note: str | None = None
    code_aliases: tuple[str, ...] = ()
    # One-line definition (English msgid), where one was found; see tools/kpi-definitions.yaml.
    definition: str | None = None
    definition_sources: tuple[str, ...] = ()
    definition_confidence: str | None = None  # "ITU page" | "secondary list"
    direction_source: str | None = None  # the ITU page that states the direction
    # The unit after a number in running text ("µg/m³"); "" for counts, ratios, indices.
    short_unit: str = ""
    # A short unit that is a countable noun: its English singular ("year"), the msgid of a
    # plural entry whose msgid_plural is short_unit; "" for one a number does not change.
    short_unit_singular: str = ""

    @property
    def sdgs(self) -> tuple[int, ...]:
        return tuple(sorted({int(t.split(".")[0]) for t in self.sdg_targets}))

    def data_point(self, dp_id: str) -> DataPoint | None:
        return next((d for d in self.data_points if d.id == dp_id), None)

    def unit_of(self, dp: DataPoint | None) -> str:
        """The unit a value is given in: the data point's own, else the KPI's."""
        return dp.unit if dp is not None and dp.unit else self.unit

    def direction_of(self, dp: DataPoint | None) -> str | None:
        return dp.direction if dp is not None else self.direction


@dataclass(frozen=True)
class Group:
    """A dimension, sub-dimension or category of the framework."""

    id: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Catalogue:
    kpis: tuple[Kpi, ...]
    dimensions: tuple[Group, ...]
    subdimensions: tuple[Group, ...]
    categories: tuple[Group, ...]
    counts: dict
    by_id: dict[str, Kpi] = field(repr=False, compare=False, hash=False)
    aliases: dict[str, str] = field(repr=False, compare=False, hash=False)
    path: Path | None = None


# --- a city ----------------------------------------------------------------------

# The six data-quality choices of ITU's data-collection workbook (column T).
QUALITY_LEVELS = (
    "accurate_measurements",
    "survey_extrapolation",
    "higher_level_extrapolation",
    "assumption_estimate",
    "personal_estimate",
    "unknown_methodology",
)


# Where a target comes from (``kind`` in a target set; ``target_kind`` in kpis.yaml).
TARGET_KINDS = (
    "sdg",
    "international",
    "un_agency",
    "statistics",
    "leading_city",
    "national",
    "city",
    "u4ssc",  # U4SSC's own benchmark (its values are in ITU's workbook, not public)
)

# The benchmark performance of a value as ITU's data-collection workbook gives it (column
# R): the bands a performance may be read as (``score.BANDS``' ids, highest first).
PERFORMANCE_BANDS = tuple(band for band, _, _ in BANDS)


@dataclass(frozen=True)
class Scoring:
    """How a publication scores: ``scoring:`` in ``city.yaml`` / ``volume.yaml``."""

    min_coverage: Decimal = Decimal("0.5")  # a roll-up below it is insufficient_data
    require_verified: bool = False  # unverified values are left unscored


@dataclass(frozen=True)
class Performance:
    """A value's U4SSC benchmark performance as the city's workbook states it (column R):
    the share of the benchmark reached, its band, or both."""

    achievement: Decimal | None  # a share: 0.87 is 87 % of the benchmark (uncapped)
    band: str | None  # one of PERFORMANCE_BANDS


@dataclass(frozen=True)
class Measurement:
    """A value of a KPI or of one of its data points, as the city reports it."""

    value: Decimal | bool | None
    year: int | None
    source: str | None
    target: Decimal | None = None
    target_source: str | None = None
    note: str | None = None
    illustrative: bool = False
    definition: str | None = None  # where the value departs from the U4SSC definition
    # ITU data-collection workbook fields (Verification Manual, ch. 10): data quality (one of
    # QUALITY_LEVELS), the verifier's yes/no, the origin of the data.
    quality: str | None = None
    verified: bool | None = None
    origin: str | None = None
    target_kind: str | None = None  # kind of the city's own target (default: city)
    # U4SSC's score of the value, from the workbook: used where no target is known.
    performance: Performance | None = None
    not_reported: bool = False  # a data point not reported alone (with its reason)
    reason: str | None = None


@dataclass(frozen=True)
class KpiRecord:
    kpi: str
    measurement: Measurement | None  # None for multi-data-point KPIs
    data_points: dict[str, Measurement] = field(default_factory=dict)
    not_reported: bool = False
    reason: str | None = None
    line: int = 0


@dataclass(frozen=True)
class KeyFact:
    id: str
    value: Decimal
    unit: str | None
    year: int | None
    source: str | None
    illustrative: bool = False


@dataclass(frozen=True)
class Chapter:
    slug: str
    lang: str
    title: str
    order: int
    part: str  # front | body | dimension | recommendations | annex
    dimension: str | None
    body: str  # Markdown, shortcodes unexpanded
    path: Path
    body_line: int


@dataclass(frozen=True)
class Recommendation:
    id: str
    theme: dict[str, str]
    headline: dict[str, str]
    diagnosis: dict[str, str]
    measures: tuple[dict[str, str], ...]
    kpis: tuple[str, ...]
    sdgs: tuple[int, ...]
    priority: str | None = None
    timeframe: str | None = None
    actors: dict[str, str] | None = None
    financing: dict[str, str] | None = None


@dataclass(frozen=True)
class Publication:
    title: dict[str, str]
    symbol: str | None
    isbn: str | None
    eisbn: str | None
    issn: str | None
    sales_number: str | None
    licence: str  # un | cc-by-3.0-igo
    place: dict[str, str]  # {} when not given: never invented
    year: int | None  # None when not given (an official build refuses that)
    date: dt.date
    photo_credits: tuple[Text, ...]
    funding: dict[str, str] | None
    authors: str | None
    acknowledgements: Text | None = None
    references: tuple[Text, ...] = ()
    printed_at: Text | None = None
    job_number: str | None = None
    print_run: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """An earlier evaluation of the city: ``editions/<year>/kpis.yaml``."""

    year: int
    records: dict[str, KpiRecord]
    path: Path


@dataclass(frozen=True)
class City:
    slug: str
    dir: Path
    name: dict[str, str]
    country: dict[str, str]
    languages: tuple[str, ...]
    evaluation_year: int
    data_status: str  # official | illustrative
    publication: Publication
    key_facts: tuple[KeyFact, ...]
    records: dict[str, KpiRecord]
    chapters: dict[str, tuple[Chapter, ...]]
    recommendations: tuple[Recommendation, ...]
    photo: Path | None = None
    earlier: tuple[Evaluation, ...] = ()  # earlier evaluations, oldest first
    targets: tuple[str, ...] = ("default",)  # target sets, later ones win
    scoring: Scoring = Scoring()
    lang: str = "en"  # the language the city's plain data texts are written in
    # lang -> "city" | "country" -> form -> the name in that form ({{city genitive}})
    name_forms: dict = field(default_factory=dict)
    data_year: int | None = None  # the year of values and key facts that give none
    emblem: Path | None = None  # the emblem the publisher supplies (emblem.svg/.png)

    @property
    def illustrative(self) -> bool:
        return self.data_status == "illustrative"


@dataclass(frozen=True)
class Volume:
    """Several cities in one publication: ``cities/<volume>/volume.yaml`` and member folders."""

    slug: str
    dir: Path
    name: dict[str, str]
    country: dict[str, str]
    languages: tuple[str, ...]
    data_status: str
    publication: Publication
    chapters: dict[str, tuple[Chapter, ...]]
    members: tuple[City, ...]
    year_window: int = 2
    photo: Path | None = None
    targets: tuple[str, ...] = ("default",)
    scoring: Scoring = Scoring()
    name_forms: dict = field(default_factory=dict)
    emblem: Path | None = None

    @property
    def illustrative(self) -> bool:
        return self.data_status == "illustrative" or any(m.illustrative for m in self.members)

    @property
    def evaluation_year(self) -> int:
        return max(m.evaluation_year for m in self.members)


# --- scores ----------------------------------------------------------------------


def achievement(value: Decimal | bool, target: Decimal | bool, direction: str) -> Decimal:
    """The uncapped achievement ratio of a value against its target (``score`` scores with
    it; ``validate`` checks with it that every achievement can be computed and shown)."""
    if direction == "yes_no":
        return Decimal(1) if value is True else Decimal(0)
    if direction == "higher":
        if target == 0:
            return Decimal(1)
        return Decimal(value) / Decimal(target)
    if direction == "lower":
        if value == 0:
            return Decimal(1)  # a value of 0 meets any lower-is-better target (design decision)
        return Decimal(target) / Decimal(value)
    raise ValueError(f"unknown direction {direction!r}")


@dataclass(frozen=True)
class ScoredItem:
    kpi: str
    data_point: str | None
    value: Decimal | bool | None
    year: int | None
    source: str | None
    target: Decimal | bool | None
    target_source: str | None
    achievement_raw: Decimal | None
    achievement: Decimal | None
    band: str
    points: int | None
    illustrative: bool = False
    reason: str | None = None
    note: str | None = None
    definition: str | None = None
    target_set: str | None = None  # the set the target comes from ("city": kpis.yaml)
    target_kind: str | None = None  # sdg, international, un_agency, … (targets.KINDS)
    target_url: str | None = None
    target_text: dict | None = None  # the source line per language
    quality: str | None = None
    verified: bool | None = None
    origin: str | None = None
    unscored: str | None = None  # why a value with a target is not scored ("unverified")


@dataclass(frozen=True)
class Rollup:
    key: str
    points: int
    max_points: int
    share: Decimal | None
    band: str
    scored: int
    no_target: int
    no_data: int
    items: int = 0  # KPIs and data points of the group
    coverage: Decimal | None = None  # scored / items
    share_band: str | None = None  # the band of the share, whatever the coverage
    reported: int = 0  # items with a value
    # Why an insufficient roll-up has no band: "data" (too few values reported), "targets"
    # (enough values, too few with a target), "verification" (enough with a target, too few
    # verified where verification is required); None when the roll-up is sufficient.
    missing: str | None = None


@dataclass(frozen=True)
class Score:
    items: tuple[ScoredItem, ...]
    rollups: dict[str, dict[str, Rollup]]  # level -> key -> Rollup

    def for_kpi(self, kpi_id: str) -> list[ScoredItem]:
        return [i for i in self.items if i.kpi == kpi_id]
