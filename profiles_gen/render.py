"""Stage 5, render: the Jinja environment and the view of one edition.

``build_view`` assembles a city's view from one builder per part (facts,
dimensions, SDGs, recommendations, progress; the bands and their legend from
``score.BANDS``); ``build_volume_view`` sets the members' views as parts
around the volume's own chapters and the comparison. The titles of the fixed
chapters with their ids (``sections_view``) and the numbered annexes (``annexes_view``) are
made once and read by the headings, the contents and the PDF's bookmarks.
One render serves both media: ``render_edition`` renders the page template
(``profile.html`` or ``volume.html``) for screen (HTML edition) and for
print (the HTML handed to WeasyPrint).
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

from profiles_gen import narrative
from profiles_gen import vocabulary as vocab
from profiles_gen.catalogue import resolve_kpi_id
from profiles_gen.i18n import NBSP, Formatter, with_unit
from profiles_gen.model import (
    Catalogue,
    City,
    Score,
    ScoredItem,
    Shown,
    Volume,
    shown,
    text_in,
)
from profiles_gen.paths import TEMPLATES_DIR
from profiles_gen.sandbox import TEMPLATE_OPTIONS, CityTemplateLoader, sandboxed
from profiles_gen.score import (
    BAND_IDS,
    BAND_SYMBOLS,
    BANDS,
    INSUFFICIENT,
    NO_DATA,
    NO_TARGET,
    POINTS,
    UNVERIFIED,
)
from profiles_gen.site import legible_width

if TYPE_CHECKING:
    from profiles_gen.chart import Chart
    from profiles_gen.compare import Change, Comparison, Progress

GAP_COUNT = 5


def make_environment(city_dir: Path | None, fmt: Formatter) -> Environment:
    """Jinja with StrictUndefined, autoescape and gettext for ``fmt``'s language.

    Templates are looked up in ``cities/<city>/templates/`` first, then in
    ``templates/``; the built-ins are also reachable as ``default:NAME`` so
    that a city's override can extend them.
    """
    loaders = []
    if city_dir is not None and (city_dir / "templates").is_dir():
        loaders.append(CityTemplateLoader(city_dir))
    builtin = FileSystemLoader(str(TEMPLATES_DIR))
    loaders += [builtin, PrefixLoader({"default": builtin}, delimiter=":")]
    env = sandboxed(  # a city's own templates come from outside: see sandbox.py
        city_dir,
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=True,
        **TEMPLATE_OPTIONS,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(fmt.t, newstyle=True)
    env.filters.update(
        number=fmt.number, percent=fmt.percent, date=fmt.date, join_list=fmt.join_list
    )
    env.globals["legible_width"] = legible_width
    return env


@dataclass(frozen=True)
class Row:
    """One line of a KPI table."""

    item: ScoredItem
    code: str
    name: str
    data_point: str
    unit: str
    kpi_type: str
    value: str
    target: str
    target_source: Shown
    achievement: str
    achievement_raw: str
    band: str
    band_label: str
    symbol: str
    sdgs: str
    illustrative: bool
    value_in_text: str = ""  # the value with its unit, for running text (value_in_text)
    target_in_text: str = ""  # the target likewise
    target_kind: str = ""  # where the target comes from, in the page's language
    target_set: str = ""  # the set, as a reader sees it (vocabulary.target_set)
    target_set_code: bool = False  # the set's name is a code, not words of the edition
    quality: str = ""  # compact data-quality mark (A–F, legend under Annex I)
    verified: str = ""  # ✓ verified, ✗ not verified, "" not said
    source: Shown | None = None  # the value's source, or why it is not reported
    reason: Shown | None = None


def format_value(fmt: Formatter, kpi, value, point=None) -> str:
    """A value with the decimals it was written with (``97.00`` stays 97.00)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if kpi.unit_of(point).startswith("%"):
        return fmt.percent(value, digits=_places(value))
    return fmt.number(value, digits=_places(value))


def value_in_text(fmt: Formatter, kpi, value, point=None) -> str:
    """``format_value`` followed by the unit running text needs: the data point's own unit
    or the KPI's short unit, in the form the number as shown needs ("1 year", «72,5 года»);
    a unit never leaves its number. Percentages carry their sign, yes/no no unit."""
    text = format_value(fmt, kpi, value, point)
    if not text or isinstance(value, bool):
        return text
    unit = fmt.kpi_short_unit(kpi, value, point, digits=_places(value))
    return with_unit(text, unit) if unit else text


def _places(value) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def make_row(fmt: Formatter, catalogue: Catalogue, item: ScoredItem) -> Row:
    kpi = catalogue.by_id[item.kpi]
    point = kpi.data_point(item.data_point) if item.data_point else None
    target = item.target
    unit = point.unit if point is not None and point.unit else None
    set_label, set_code = vocab.target_set(fmt, item.target_set)
    return Row(
        item=item,
        code=kpi.code,
        name=fmt.kpi_name(kpi),
        data_point=fmt.data_point_name(kpi, item.data_point),
        unit=fmt.pgettext(f"kpi-unit|{kpi.id}", unit) if unit else fmt.kpi_unit(kpi),
        kpi_type=vocab.kpi_type(fmt, kpi.type),
        value=format_value(fmt, kpi, item.value, point),
        target=(fmt.yes_no(True) if target is True else format_value(fmt, kpi, target, point)),
        value_in_text=value_in_text(fmt, kpi, item.value, point),
        target_in_text=(
            fmt.yes_no(True) if target is True else value_in_text(fmt, kpi, target, point)
        ),
        target_source=shown(fmt, item.target_text or item.target_source),
        source=shown(fmt, item.source or item.reason),
        reason=shown(fmt, item.reason),
        achievement=(
            fmt.percent(item.achievement, 0, fraction=True) if item.achievement is not None else ""
        ),
        achievement_raw=(
            fmt.percent(item.achievement_raw, 1, fraction=True)
            if item.achievement_raw is not None
            else ""
        ),
        band=item.band,
        band_label=vocab.band_short(fmt, item.band),
        symbol=BAND_SYMBOLS[item.band],
        sdgs=", ".join(kpi.sdg_targets),
        illustrative=item.illustrative,
        target_kind=vocab.target_kind(fmt, item.target_kind),
        # a city's own target of the kind "city target" names no set ("city target · city")
        target_set="" if item.target_set == item.target_kind == "city" else set_label,
        target_set_code=set_code,
        quality=vocab.QUALITY_MARKS.get(item.quality or "", ""),
        verified={True: "✓", False: "✗"}.get(item.verified, ""),
    )


def not_reported_once(rows: list[Row]) -> list[Row]:
    """Rows without data; a KPI whose data points all lack data for one reason is listed once."""
    out: list[Row] = []
    for row in rows:
        if row.band != "no_data":
            continue
        if row.item.data_point:
            siblings = [r for r in rows if r.item.kpi == row.item.kpi]
            if all(r.band == "no_data" and r.reason == row.reason for r in siblings):
                if siblings[0] is row:
                    out.append(dataclasses.replace(row, data_point=""))
                continue
        out.append(row)
    return out


def format_change(fmt: Formatter, kpi, change) -> str:
    """A change in a KPI's value, in its unit (printed beside the name): ``+5.2 pp``, ``−120``."""
    if change is None:
        return ""
    if kpi.unit.startswith("%"):
        # Translators: abbreviation of "percentage points", after a change such as +5.2.
        pp = fmt.pgettext("unit", "pp")
        return f"{fmt.signed(change)}{NBSP}{pp}"
    return fmt.signed(change)


def _rollup_change(fmt: Formatter, before, after) -> str:
    if before.share is None or after.share is None:
        return ""
    points = (after.share - before.share) * 100
    return f"{fmt.signed(points, 0)}{NBSP}{fmt.pgettext('unit', 'pp')}"


def progress_view(
    fmt: Formatter, catalogue: Catalogue, city: City, p: Progress | None, charts: dict
) -> dict | None:
    """The progress chapter: per dimension the roll-ups then and now and every change."""
    if p is None:
        return None

    def row(c: Change) -> dict:
        kpi = catalogue.by_id[c.kpi]
        before, after = make_row(fmt, catalogue, c.previous), make_row(fmt, catalogue, c.current)
        return {
            "code": kpi.code,
            "name": before.name,
            "data_point": before.data_point,
            "unit": before.unit,
            "before": before,
            "after": after,
            "change": format_change(fmt, kpi, c.change),
            "move": c.move,
            "move_label": vocab.move_label(fmt, c.move),
            "flags": [vocab.flag_label(fmt, f) for f in c.flags],
            "comparable": c.comparable,
        }

    def summary(level: str, key: str, name: str, changes: list[Change]) -> dict:
        before, after = p.rollups(level, key)
        return {
            "name": name,
            "before": before,
            "after": after,
            "series": [p.history[y].rollups[level][key] for y in p.years[:-1]] + [after],
            "change": _rollup_change(fmt, before, after),
            "up": sum(1 for c in changes if c.move == "up"),
            "same": sum(1 for c in changes if c.move == "same"),
            "down": sum(1 for c in changes if c.move == "down"),
            "flagged": sum(1 for c in changes if not c.comparable),
        }

    dims = []
    for dim in catalogue.dimensions:
        changes = p.for_dimension(catalogue, dim.id)
        dims.append(
            {
                "id": dim.id,
                **summary("dimension", dim.id, fmt.group_name("dimension", dim), changes),
                "rows": [row(c) for c in changes],
                "chart": charts[f"progress-{dim.id}"],
            }
        )
    return {
        "then": p.previous_year,
        "now": p.current_year,
        "years": list(p.years),
        "years_text": fmt.join_list([str(y) for y in p.years]),
        "dimensions": dims,
        "overall": summary("city", city.slug, fmt.gettext("Whole city"), list(p.changes)),
        "not_compared": sum(1 for c in p.changes if not c.comparable),
    }


class ShortcodeResolver:
    """Turns a narrative shortcode into text in the page's language."""

    def __init__(self, city: City, catalogue: Catalogue, score: Score, fmt: Formatter):
        self.city, self.catalogue, self.score, self.fmt = city, catalogue, score, fmt

    def __call__(self, name: str, args: list[str]) -> str:
        fmt = self.fmt
        if name in ("city", "country"):
            names = self.city.name if name == "city" else self.city.country
            return names.get(fmt.lang, names["en"])
        if name == "fact":
            fact = next(f for f in self.city.key_facts if f.id == args[0])
            return vocab.key_fact_text(fmt, fact.id, fact.value)
        if name == "count":
            total = self._count("total") if args[1:] == ["of", "total"] else None
            return narrative.count_text(fmt, args[0], self._count(args[0]), total)
        if name == "rollup":
            r = self.score.rollups[args[0]][args[1]]
            if r.band == INSUFFICIENT:  # never a share: too little of the group is scored
                return f"{vocab.band_short(fmt, r.band)} ({vocab.coverage_text(fmt, r)})"
            share = fmt.percent(r.share, 0, fraction=True) if r.share is not None else ""
            return (
                f"{vocab.band_short(fmt, r.band)} ({share})"
                if share
                else vocab.band_short(fmt, r.band)
            )
        kpi_id, _ = resolve_kpi_id(self.catalogue, args[0])
        kpi = self.catalogue.by_id[kpi_id]
        dp = args[1] if len(args) > 1 else None
        point = kpi.data_point(dp) if dp else None
        item = next(i for i in self.score.for_kpi(kpi_id) if i.data_point == dp)
        if name == "band":
            return vocab.band_short(fmt, item.band)
        if name == "year":
            return str(item.year or "")
        if name == "achievement":
            return fmt.percent(item.achievement, 0, fraction=True) if item.achievement else "–"
        if name == "target":
            return format_value(fmt, kpi, item.target, point) if item.target is not True else ""
        if name == "kpi":
            value = value_in_text(fmt, kpi, item.value, point)
        else:
            value = format_value(fmt, kpi, item.value, point)
        return value or vocab.band_short(fmt, "no_data")

    def _count(self, what: str) -> int:
        records = self.city.records
        reported = sum(
            1 for k in self.catalogue.kpis if k.id in records and not records[k.id].not_reported
        )
        return {
            "reported": reported,
            "total": len(self.catalogue.kpis),
            "not_reported": len(self.catalogue.kpis) - reported,
            "scored": sum(1 for i in self.score.items if i.points is not None),
            "no_target": sum(1 for i in self.score.items if i.band == "no_target"),
        }[what]


def _captions(
    fmt: Formatter,
    catalogue: Catalogue,
    charts: dict[str, Chart],
    name: str,
    progress: Progress | None = None,
    prefix: str = "",
    start: tuple[int, int] = (0, 0),
    facts: bool = True,
):
    """Numbered figures and tables, in document order: id -> {n, id, title}.

    In a volume, each city's part numbers on from ``start`` (figures, tables
    before it) and prefixes its ids with ``prefix``.
    """
    figures = [("wheel", charts["wheel"].title), ("bands", charts["bands"].title)]
    figures += [(f"bars-{d.id}", charts[f"bars-{d.id}"].title) for d in catalogue.dimensions]
    figures.append(("sdg", charts["sdg"].title))
    if progress is not None:
        figures += [
            (f"progress-{d.id}", charts[f"progress-{d.id}"].title) for d in catalogue.dimensions
        ]
    tables = [("facts", fmt.gettext("%(city)s: key facts") % {"city": name})] if facts else []
    tables.append(("summary", fmt.gettext("Results by dimension and sub-dimension")))
    tables += [(f"kpis-{d.id}", dimension_title(fmt, d)) for d in catalogue.dimensions]
    tables.append(("sdgs", sections_view(fmt)["sdgs"]["title"]))
    if progress is not None:
        years = fmt.join_list([str(y) for y in progress.years])
        tables.append(
            (
                "progress-summary",
                fmt.gettext("Results by dimension in %(years)s") % {"years": years},
            )
        )
        tables += [
            (
                f"progress-{d.id}",
                fmt.gettext("%(dimension)s dimension – change since %(then)s")
                % {"dimension": fmt.group_name("dimension", d), "then": progress.previous_year},
            )
            for d in catalogue.dimensions
        ]
    tables += [
        ("annex-kpis", fmt.gettext("All KPIs: values, targets and results")),
        ("annex-missing", fmt.gettext("KPIs not reported")),
        ("annex-no-target", fmt.gettext("KPIs without a target")),
        ("annex-definitions", fmt.gettext("Definitions of the KPIs")),
    ]
    return (
        {
            fid: {"n": n, "id": f"{prefix}fig-{fid}", "title": title}
            for n, (fid, title) in enumerate(figures, start=start[0] + 1)
        },
        {
            tid: {"n": n, "id": f"{prefix}tab-{tid}", "title": title}
            for n, (tid, title) in enumerate(tables, start=start[1] + 1)
        },
    )


def definitions_view(fmt: Formatter, catalogue: Catalogue) -> dict:
    """The annex of KPI definitions: every KPI with its translated definition, if it has one;
    ``secondary`` marks a definition not checked against an ITU page."""
    return {
        "rows": [
            {
                "code": k.code,
                "name": fmt.kpi_name(k),
                "unit": fmt.kpi_unit(k),
                "definition": fmt.kpi_definition(k),
                "secondary": k.definition_confidence == "secondary list",
            }
            for k in catalogue.kpis
        ],
    }


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def annexes_view(fmt: Formatter, annexes: list[tuple[str, str]]) -> dict[str, dict]:
    """The annexes of a publication, numbered in order, from one list: id -> {id, number,
    title, heading}; the headings, the contents (and so the PDF's bookmarks) and every
    reference to an annex read their number and title here."""
    view = {}
    for n, (aid, title) in enumerate(annexes):
        heading = fmt.gettext("Annex %(number)s. %(title)s") % {"number": ROMAN[n], "title": title}
        view[aid] = {"id": aid, "number": ROMAN[n], "title": title, "heading": heading}
    return view


def bands_view(fmt: Formatter) -> list[dict]:
    """The bands in order, each with its label, symbol, points and range of achievement
    (the cut-offs of ``score.BANDS``): the legend and the band chips read them."""
    ranges, high = {}, None
    for band, floor, _ in BANDS:
        low = fmt.percent(floor, 0, fraction=True) if floor >= 0 else None
        top = fmt.percent(high, 0, fraction=True) if high is not None else None
        if low and top:
            text = fmt.gettext("above %(low)s and up to %(high)s") % {"low": low, "high": top}
        elif low:
            text = fmt.gettext("above %(low)s") % {"low": low}
        else:
            text = fmt.gettext("up to %(high)s") % {"high": top}
        ranges[band], high = text, floor
    ranges[NO_TARGET] = fmt.gettext("no target defined")
    ranges[NO_DATA] = fmt.gettext("value not reported")
    ranges[UNVERIFIED] = fmt.gettext("value not verified, where verification is required")
    ranges[INSUFFICIENT] = fmt.gettext("groups only: too few of their indicators scored")
    return [
        {
            "id": b,
            "label": vocab.band_label(fmt, b),
            "short": vocab.band_short(fmt, b),
            "symbol": BAND_SYMBOLS[b],
            "range": ranges[b],
            "points": POINTS.get(b, "–"),
            # The legend lists the unverified band only where verification is required.
            "legend": b != UNVERIFIED,
        }
        for b in (*BAND_IDS, UNVERIFIED, INSUFFICIENT)
    ]


def _chapters(chapters, resolve, name: str, dim: str | None = None) -> list[dict]:
    """The narrative chapters of one part (of one dimension), in order, rendered."""
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "html": Markup(narrative.render_markdown(c.body, resolve, 1)),
            "lang": c.lang,
        }
        for c in sorted(chapters, key=lambda c: (c.order, c.slug))
        if c.part == name and (dim is None or c.dimension == dim)
    ]


def _publication_view(fmt: Formatter, pub, slug: str, codes, illustrative: bool) -> dict:
    """What a profile and a volume show alike: imprint, languages, draft marks, site links."""
    from profiles_gen.locales import sign_off

    lang = fmt.lang
    signed = sign_off(lang)
    drafts = []
    if illustrative:
        drafts.append(fmt.gettext("Illustrative data – not official statistics"))
    if lang != "en" and not signed.reviewed:
        drafts.append(fmt.gettext("Draft translation – not yet reviewed"))
    return {
        "lang": lang,
        "pub": pub,
        "place": pub.place.get(lang) or fmt.gettext("Geneva"),
        "funding": (pub.funding or {}).get(lang, ""),
        "photo_credits": [c.get(lang) or c.get("en", "") for c in pub.photo_credits],
        "languages": [fmt.language_name(code) for code in codes],
        "illustrative": illustrative,
        "date": fmt.date(pub.date),
        "abbreviations": vocab.abbreviations(fmt),
        "bands": bands_view(fmt),
        "band_short": lambda b: vocab.band_short(fmt, b),
        "coverage_text": lambda r: vocab.coverage_text(fmt, r),
        "quality_legend": quality_legend(fmt),
        # The review date as the edition's language writes dates.
        "translation": replace(
            signed,
            review_date=fmt.date(day) if (day := signed.review_day()) else signed.review_date,
        ),
        "draft_marks": drafts,
        "unreviewed": lang != "en" and not signed.reviewed,
        "site": {
            "home": "../../index.html" if lang == "en" else f"../../index.{lang}.html",
            "editions": [
                {
                    "lang": code,
                    "name": autonym(code),
                    "href": f"../{code}/index.html",
                    "current": code == lang,
                }
                for code in codes
            ],
            "pdf": f"../{slug}-{lang}.pdf",
            "csv": f"../{slug}-kpis.csv",
            "json": f"../{slug}-kpis.json",
        },
    }


def build_view(
    city: City,
    catalogue: Catalogue,
    score: Score,
    fmt: Formatter,
    charts: dict[str, Chart],
    progress: Progress | None = None,
    prefix: str = "",
    start: tuple[int, int] = (0, 0),
) -> dict:
    """Everything the templates show of a city, already in the page's language.

    ``prefix`` and ``start`` make the view one part of a volume: its ids are
    prefixed, its figures and tables numbered on from the parts before it.
    """
    lang = fmt.lang
    resolve = ShortcodeResolver(city, catalogue, score, fmt)
    chapters = city.chapters.get(lang) or city.chapters.get("en", ())

    def part(name: str, dim: str | None = None) -> list[dict]:
        return _chapters(chapters, resolve, name, dim)

    rows = [make_row(fmt, catalogue, i) for i in score.items]
    name = city.name.get(lang, city.name["en"])
    country = city.country.get(lang, city.country["en"])
    pub = city.publication
    title = pub.title.get(lang) or fmt.gettext("Smart Sustainable Cities Profile")
    facts = facts_view(fmt, city)
    figures, tables = _captions(fmt, catalogue, charts, name, progress, prefix, start, bool(facts))
    return {
        **_publication_view(fmt, pub, city.slug, city.languages, city.illustrative),
        "city": city,
        "name": name,
        "country": country,
        "title": title,
        "running_head": f"{title} – {name}, {country}",
        "front": part("front"),
        "summary": part("summary"),
        "body": part("body"),
        "recommendation_chapters": part("recommendations"),
        "annex": part("annex"),
        "dimensions": dimensions_view(fmt, catalogue, score, rows, charts, part, prefix),
        "rows": rows,
        "sdgs": sdgs_view(fmt, score),
        "recommendations": recommendations_view(fmt, catalogue, city, resolve),
        "facts": facts,
        "city_rollup": score.rollups["city"][city.slug],
        "charts": charts,
        **targets_view(fmt, [city], [score]),
        "not_reported": not_reported_once(rows),
        "no_target": [r for r in rows if r.band == "no_target"],
        "reported_count": fmt.number(resolve._count("reported")),
        "total_count": len(catalogue.kpis),
        "fig": figures,
        "tab": tables,
        "progress": progress_view(fmt, catalogue, city, progress, charts),
        "sections": sections_view(fmt, progress, prefix),
        "annexes": annexes_view(
            fmt,
            [
                ("annex-kpis", fmt.gettext("All KPIs: values, targets and results")),
                ("annex-missing", fmt.gettext("KPIs not reported and KPIs without a target")),
                ("annex-definitions", fmt.gettext("Definitions of the KPIs")),
            ],
        ),
        "definitions": definitions_view(fmt, catalogue),
        "p": prefix,
    }


SECTION_IDS = {
    "introduction": "ch-introduction",
    "evaluation": "ch-evaluation",
    "sdgs": "ch-sdgs",
    "progress": "ch-progress",
    "recommendations": "ch-recommendations",
    "comparison": "ch-comparison",
}


def sections_view(fmt: Formatter, progress: Progress | None = None, prefix: str = "") -> dict:
    """The fixed chapters of a city, each ``{id, title}``: read by their headings and by the
    contents (and so by the PDF's bookmarks); a dimension's results are in ``dimensions``."""
    titles = {
        "introduction": fmt.gettext("Introduction"),
        "evaluation": fmt.gettext("Evaluation against the KPIs for smart sustainable cities"),
        "sdgs": fmt.gettext("Results by Sustainable Development Goal"),
        "recommendations": fmt.gettext("Recommendations"),
    }
    if progress is not None:
        titles["progress"] = fmt.gettext("Progress since %(then)s") % {
            "then": progress.previous_year
        }
    return _sections(titles, prefix)


def _sections(titles: dict[str, str], prefix: str = "") -> dict[str, dict]:
    return {key: {"id": f"{prefix}{SECTION_IDS[key]}", "title": t} for key, t in titles.items()}


def dimension_title(fmt: Formatter, dim) -> str:
    """The title of a dimension's results: its chapter and its table of KPIs."""
    return fmt.gettext("%(dimension)s dimension – KPI evaluation results") % {
        "dimension": fmt.group_name("dimension", dim)
    }


def facts_view(fmt: Formatter, city: City) -> list[dict]:
    """The city's key facts, labelled and formatted."""
    return [
        {
            "label": vocab.key_fact_label(fmt, f.id),
            "value": fmt.number(f.value),
            "unit": vocab.key_fact_unit(fmt, f.id),
            "text": vocab.key_fact_text(fmt, f.id, f.value),
            "year": f.year,
            "source": shown(fmt, f.source),
            "illustrative": f.illustrative,
        }
        for f in city.key_facts
    ]


def dimensions_view(
    fmt: Formatter, catalogue: Catalogue, score: Score, rows, charts, part, prefix: str = ""
):
    """Per dimension: its roll-up, sub-dimensions and categories with their KPI rows, its
    narrative chapters (``part``), its largest gaps, its KPIs without data and its chart."""
    dims = []
    for dim in catalogue.dimensions:
        dim_rows = [r for r in rows if catalogue.by_id[r.item.kpi].dimension == dim.id]
        subs = []
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            cats = []
            for cat in (c for c in catalogue.categories if c.parent == sub.id):
                cat_rows = [r for r in dim_rows if catalogue.by_id[r.item.kpi].category == cat.id]
                if cat_rows:
                    cats.append(
                        {
                            "id": cat.id,
                            "name": fmt.group_name("category", cat),
                            "rollup": score.rollups["category"][cat.id],
                            "rows": cat_rows,
                        }
                    )
            subs.append(
                {
                    "id": sub.id,
                    "name": fmt.group_name("subdimension", sub),
                    "rollup": score.rollups["subdimension"][sub.id],
                    "categories": cats,
                }
            )
        scored = [r for r in dim_rows if r.item.achievement is not None]
        gaps = sorted(scored, key=lambda r: (r.item.achievement, r.code))[:GAP_COUNT]
        dims.append(
            {
                "id": dim.id,
                "name": fmt.group_name("dimension", dim),
                "section": {"id": f"{prefix}results-{dim.id}", "title": dimension_title(fmt, dim)},
                "rollup": score.rollups["dimension"][dim.id],
                "subdimensions": subs,
                "chapters": part("dimension", dim.id),
                "gaps": [r for r in gaps if r.item.achievement < 1],
                "missing": not_reported_once(dim_rows),
                "chart": charts[f"bars-{dim.id}"],
            }
        )
    return dims


def sdgs_view(fmt: Formatter, score: Score) -> list[dict]:
    """The 17 goals with their names and roll-ups."""
    return [
        {"goal": n, "name": vocab.sdg_name(fmt, n), "rollup": score.rollups["sdg"][str(n)]}
        for n in range(1, 18)
    ]


def recommendations_view(fmt: Formatter, catalogue: Catalogue, city: City, resolve) -> list:
    """The city's recommendations in the page's language (English where not translated)."""
    lang = fmt.lang

    def pick(texts):  # a text in the page's language, else in its own
        return text_in(texts, lang)[0]

    recs = []
    for rec in city.recommendations:
        recs.append(
            {
                "id": rec.id,
                "lang": text_in(rec.headline, lang)[1] or lang,
                "theme": pick(rec.theme),
                "headline": pick(rec.headline),
                "diagnosis": Markup(narrative.render_markdown(pick(rec.diagnosis), resolve, 1)),
                "measures": [pick(m) for m in rec.measures],
                "kpis": [
                    {"code": catalogue.by_id[k].code, "name": fmt.kpi_name(catalogue.by_id[k])}
                    for k in rec.kpis
                ],
                "sdgs": list(rec.sdgs),
                "priority": vocab.priority(fmt, rec.priority) if rec.priority else "",
                "timeframe": vocab.timeframe(fmt, rec.timeframe) if rec.timeframe else "",
                "actors": pick(rec.actors),
                "financing": pick(rec.financing),
            }
        )
    return recs


def targets_view(fmt: Formatter, cities, scores) -> dict:
    """The methodology's account of the targets: the sets used, the coverage threshold, and
    every source as a reference (each set's, then the cities' own targets)."""
    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.targets import targets_for

    catalogue = load_catalogue()
    sets, refs, seen = [], [], {}
    # A source is a reference when a target it gives is the one an item of the edition has
    # (a target a city overrides is not cited); a page giving several targets is one
    # reference that names each of them.
    used = {(i.target_set, i.target_url) for score in scores for i in score.items if i.target_set}
    for city in cities:
        merged = targets_for(city, catalogue)
        for s in merged.sets:
            if s.name not in {x["name"] for x in sets}:
                sets.append(
                    {
                        "name": s.name,
                        "code": vocab.target_set(fmt, s.name)[1],
                        "title": s.title_in(fmt.lang),
                        "title_lang": "" if fmt.lang in s.title else "en",
                        "count": len(s.targets),
                    }
                )
        for s in merged.sets:
            for target in s.targets.values():
                if (target.set, target.url) not in used:
                    continue
                key = target.url or target.title
                if key not in seen:
                    seen[key] = {
                        "texts": [],
                        "title": target.title,
                        "url": target.url or "",
                        "kind": vocab.target_kind(fmt, target.kind),
                        "set": target.set,
                    }
                    refs.append(seen[key])
                text = target.source_text(fmt.lang)
                if text not in [t for t, _ in seen[key]["texts"]]:
                    seen[key]["texts"].append((text, "" if fmt.lang in target.text else "en"))
    own = []
    for score in scores:
        for item in score.items:
            text = shown(fmt, item.target_source)
            if item.target_set == "city" and text not in own:
                own.append(text)
    scoring = cities[0].scoring if cities else None
    used = sum(1 for s in scores for i in s.items if i.points is not None)
    provenance = sum(1 for s in scores for i in s.items if i.points is not None and i.target_set)
    return {
        "target_sets": sets,
        "target_references": refs,
        "own_targets": own,
        "min_coverage": scoring.min_coverage if scoring else None,
        "require_verified": bool(scoring and scoring.require_verified),
        "scored_with_provenance": (provenance, used),
    }


def quality_legend(fmt: Formatter) -> list[tuple[str, str]]:
    """The marks of Annex I's quality column, with their meaning."""
    return [
        (mark, vocab.quality_label(fmt, quality)) for quality, mark in vocab.QUALITY_MARKS.items()
    ]


def autonym(code: str) -> str:
    """A language's name in that language ("English", "русский")."""
    from profiles_gen.i18n import babel_locale

    locale = babel_locale(code)
    return locale.languages.get(code.split("-")[0], code)


def render_edition(env: Environment, template: str, view: dict, media: str, assets: dict) -> str:
    """An edition as HTML for ``media`` ``screen`` (HTML edition) or ``print`` (PDF).

    The parts of a volume (``view["parts"]``, each a member's view) are rendered
    first, each in its own context, and placed by the page template.
    """
    parts = view.get("parts", ())
    if parts:
        part_template = env.get_template("_volume_part.html")
        for part in parts:
            part["html"] = Markup(part_template.render(part, media=media, assets=assets))
    html = env.get_template(template).render(view, media=media, assets=assets)
    return breakable_urls(html, media)


def comparison_view(
    fmt: Formatter,
    catalogue: Catalogue,
    comparison: Comparison,
    charts: dict,
    start: tuple[int, int],
) -> tuple[dict, dict, dict]:
    """The comparison chapter and annex of a volume; its figures and tables numbered on."""
    lang = fmt.lang
    cities = [c.name.get(lang, c.name["en"]) for c in comparison.cities]

    def rollups(level: str, key: str) -> list:
        return list(comparison.rollups(level, key))

    def differs(level: str, key: str) -> list[dict]:
        """The KPIs scored in one city and not in every other (roll-ups compared only)."""
        rc = comparison.rollup_comparison(catalogue, level, key)
        if not rc.comparable or rc.same_kpis:
            return []
        return [
            {"city": name, "kpis": ", ".join(items)}
            for name, items in zip(cities, rc.only.values(), strict=True)
            if items
        ]

    dims = [
        {
            "name": fmt.group_name("dimension", d),
            "rollups": rollups("dimension", d.id),
            "differs": differs("dimension", d.id),
            "subdimensions": [
                {
                    "name": fmt.group_name("subdimension", s),
                    "rollups": rollups("subdimension", s.id),
                    "differs": differs("subdimension", s.id),
                }
                for s in catalogue.subdimensions
                if s.parent == d.id
            ],
        }
        for d in catalogue.dimensions
    ]
    rows = []
    for row in comparison.rows:
        if all(i.value is None for i in row.items):
            continue
        cells = [make_row(fmt, catalogue, i) for i in row.items]
        rows.append(
            {
                "code": cells[0].code,
                "name": cells[0].name,
                "data_point": cells[0].data_point,
                "unit": cells[0].unit,
                "cells": cells,
                "flags": [vocab.flag_label(fmt, f, comparison.year_window) for f in row.flags],
            }
        )
    shared = [r for r in comparison.rows if sum(i.value is not None for i in r.items) > 1]
    view = {
        "cities": cities,
        "year_window": comparison.year_window,
        "dimensions": dims,
        "overall": [
            s.rollups["city"][c.slug]
            for c, s in zip(comparison.cities, comparison.scores, strict=True)
        ],
        "sdgs": [
            {"goal": n, "name": vocab.sdg_name(fmt, n), "rollups": rollups("sdg", str(n))}
            for n in range(1, 18)
        ],
        "rows": rows,
        "shared": len(shared),
        "flagged": sum(1 for r in shared if r.flags),
        "chart": charts["cmp-dimensions"],
        "wheels": charts["wheels"],
    }
    figures = [
        ("cmp-dimensions", charts["cmp-dimensions"].title),
        ("cmp-wheels", fmt.gettext("The benchmarking wheels of the cities")),
    ]
    tables = [
        ("cmp-dimensions", fmt.gettext("Results by dimension and sub-dimension, city by city")),
        ("cmp-sdgs", fmt.gettext("Results by Sustainable Development Goal, city by city")),
        ("cmp-kpis", fmt.gettext("The KPIs of the cities side by side")),
        ("annex-definitions", fmt.gettext("Definitions of the KPIs")),
    ]
    fig = {
        fid: {"n": n, "id": f"fig-{fid}", "title": title}
        for n, (fid, title) in enumerate(figures, start=start[0] + 1)
    }
    tab = {
        tid: {"n": n, "id": f"tab-{tid}", "title": title}
        for n, (tid, title) in enumerate(tables, start=start[1] + 1)
    }
    return view, fig, tab


def build_volume_view(
    volume: Volume,
    catalogue: Catalogue,
    fmt: Formatter,
    parts: list[dict],
    comparison: Comparison,
    charts: dict,
) -> dict:
    """A volume: its own chapters, one part per member city (views of ``build_view``), the
    comparison; the figures and tables of every part in one list."""
    lang = fmt.lang
    resolve = VolumeResolver(volume, fmt)
    chapters = volume.chapters.get(lang) or volume.chapters.get("en", ())

    def part(name: str) -> list[dict]:
        return _chapters(chapters, resolve, name)

    start = (
        sum(len(p["fig"]) for p in parts),
        sum(len(p["tab"]) for p in parts),
    )
    cmp, cmp_fig, cmp_tab = comparison_view(fmt, catalogue, comparison, charts, start)
    fig = {f["id"]: f for p in parts for f in p["fig"].values()}
    fig.update(cmp_fig)
    tab = {t["id"]: t for p in parts for t in p["tab"].values()}
    tab.update(cmp_tab)
    pub = volume.publication
    name = fmt.join_list([p["name"] for p in parts])
    country = volume.country.get(lang, volume.country.get("en", ""))
    title = pub.title.get(lang) or fmt.gettext("Smart Sustainable Cities Profiles")
    return {
        **_publication_view(fmt, pub, volume.slug, volume.languages, volume.illustrative),
        "name": name,
        "country": country,
        "title": title,
        "running_head": f"{title} – {name}" + (f", {country}" if country else ""),
        "front": part("front"),
        "summary": part("summary"),
        "body": part("body"),
        "comparison_chapters": part("comparison"),
        "annex": part("annex"),
        "parts": parts,
        "comparison": cmp,
        "fig": cmp_fig,
        "tab": cmp_tab,
        "all_fig": fig,
        "all_tab": tab,
        **targets_view(fmt, list(volume.members), list(comparison.scores)),
        "total_count": len(catalogue.kpis),
        "sections": _sections(
            {
                "introduction": fmt.gettext("Introduction"),
                "comparison": fmt.gettext("The cities compared"),
            }
        ),
        "annexes": annexes_view(
            fmt,
            [
                ("annex-comparison", fmt.gettext("The KPIs of the cities side by side")),
                ("annex-definitions", fmt.gettext("Definitions of the KPIs")),
            ],
        ),
        "definitions": definitions_view(fmt, catalogue),
        "contents_template": "_volume_contents.html",
        "p": "",
    }


class VolumeResolver:
    """Shortcodes of a volume's own narrative: its name and country only (checked)."""

    def __init__(self, volume: Volume, fmt: Formatter):
        self.volume, self.fmt = volume, fmt

    def __call__(self, name: str, args: list[str]) -> str:
        texts = self.volume.name if name == "city" else self.volume.country
        return texts.get(self.fmt.lang, texts.get("en", ""))


# --- URLs: where a line may break ---------------------------------------------------
# A URL a reader copies from a page must come out whole: it breaks only at its structural
# points, after "/" or "//" and before "?", "#", "&", ".", "_" or "-" (a line never ends
# with a hyphen of the URL, and no hyphen is ever added; the Chicago Manual of Style).
# Every URL in the text of an edition, wherever it comes from (sources, references,
# narrative, footnotes, the imprint), is set here, and made a link if it is not one.
# Between its pieces goes a break opportunity; inside a piece, a character after which the
# line breaker would break on its own ("-", "?", "!", brackets) is held to its neighbours.
# - print: U+200B ZERO WIDTH SPACE between pieces, U+2060 WORD JOINER around such a
#   character; no element is added (WeasyPrint writes a link annotation for every box inside
#   a link), and neither character is in the PDF's text, so a URL copied from it is whole.
# - screen: <wbr> between pieces and a nowrap <span> for such a piece (screen.css), as a
#   browser would copy U+200B and U+2060 with the URL.
# Hyphenation is off in links (print.css, screen.css).
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\u00a0\u200b\u2060]+")
_NOT_TEXT = re.compile(  # elements whose content is not the page's text, comments and tags
    r"<(script|style|title|textarea|svg)\b.*?</\1\s*>|<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S | re.I,
)
_LINK_TAG = re.compile(r"</?a[\s>]", re.I)
_URL_BREAK = re.compile(r"(?<=/)(?=[^/])|(?<=[^/?#&._-])(?=[?#&._-])")
_URL_TRAILING = ".,;:!?'\""
_CLOSING = {")": "(", "]": "["}
_URL_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?([^/?#]*)", re.I)
SHORT_HOST = 24  # a host name of up to so many characters stays on one line
_BREAKS_INSIDE = re.compile(r"[^A-Za-z0-9#&=%~_]")  # the line breaker may break at these
ZWSP, WJ = "\u200b", "\u2060"


def breakable_urls(html: str, media: str = "print") -> str:
    """``html`` with every URL in its text set to break only at its structural points, and
    made a link where it is not one yet (a URL in a city's text: a footnote, a credit)."""
    out, end, in_link = [], 0, 0
    for match in _NOT_TEXT.finditer(html):
        out += [_urls_in_text(html[end : match.start()], not in_link, media), match.group()]
        if _LINK_TAG.match(match.group()):
            in_link = max(0, in_link + (-1 if match.group()[1] == "/" else 1))
        end = match.end()
    out.append(_urls_in_text(html[end:], not in_link, media))
    return "".join(out)


def _urls_in_text(text: str, link: bool, media: str) -> str:
    return _URL.sub(lambda m: _breakable_url(m.group(), link, media), text)


def url_pieces(url: str) -> list[str]:
    """``url`` cut at the points where a line may break."""
    host = _URL_HOST.match(url).span(1)
    short_host = host[1] - host[0] <= SHORT_HOST
    cuts = [
        m.start()
        for m in _URL_BREAK.finditer(url)
        if 0 < m.start() < len(url) and not (short_host and host[0] < m.start() <= host[1])
    ]
    return [url[a:b] for a, b in zip([0, *cuts], [*cuts, len(url)], strict=True)]


def _breakable_url(found: str, link: bool, media: str) -> str:
    text = htmllib.unescape(found)
    url = re.split(r"[\"'<>]", text, maxsplit=1)[0]  # an escaped quote ends it
    while url and (
        url[-1] in _URL_TRAILING
        or (url[-1] in _CLOSING and url.count(url[-1]) > url.count(_CLOSING[url[-1]]))
    ):
        url = url[:-1]  # a full stop or a closing bracket of the sentence, not of the URL
    tail = str(Markup.escape(text[len(url) :]))
    pieces = []
    for piece in url_pieces(url):
        held = _BREAKS_INSIDE.search(piece.rstrip("/"))
        if media == "print":
            if held:
                piece = _BREAKS_INSIDE.sub(lambda m: WJ + m.group() + WJ, piece).strip(WJ)
            pieces.append(str(Markup.escape(piece)))
        else:
            escaped = str(Markup.escape(piece))
            pieces.append(f"<span>{escaped}</span>" if held else escaped)
    if media == "print":
        markup = ZWSP.join(pieces)
    else:
        markup = f'<span class="url">{"<wbr>".join(pieces)}</span>'
    if link:
        href = url if "://" in url else f"https://{url}"
        markup = f'<a href="{Markup.escape(href)}">{markup}</a>'
    return markup + tail
