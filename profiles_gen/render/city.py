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

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from markupsafe import Markup

from profiles_gen.data.catalogue import load_catalogue, resolve_kpi_id
from profiles_gen.data.model import (
    Catalogue,
    City,
    Score,
    shown,
    text_in,
)
from profiles_gen.data.targets import CITY_SET, coverage, targets_for
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.locales import review
from profiles_gen.i18n.marks import fallback_language, mark
from profiles_gen.i18n.messages import PSEUDO
from profiles_gen.render.environment import autonym
from profiles_gen.render.markdown import count_text, render_markdown
from profiles_gen.render.outline import annexes_view, dimension_title, sections_view
from profiles_gen.render.rows import (
    format_change,
    format_value,
    kpi_anchor,
    make_row,
    not_reported_once,
    rollup_change,
    value_in_text,
)
from profiles_gen.render.view import CityView
from profiles_gen.scoring.score import (
    BAND_IDS,
    BAND_SYMBOLS,
    BANDS,
    INSUFFICIENT,
    NO_DATA,
    NO_TARGET,
    POINTS,
    U4SSC_KIND,
    UNVERIFIED,
    WORKBOOK_SET,
    YES_NO_SET,
)

if TYPE_CHECKING:
    from profiles_gen.charts.draw import Chart
    from profiles_gen.scoring.compare import Change, Progress


GAP_COUNT = 5


def progress_view(
    fmt: Formatter,
    catalogue: Catalogue,
    city: City,
    p: Progress | None,
    charts: dict,
    score: Score | None = None,
) -> dict | None:
    """The progress chapter: per dimension the roll-ups then and now and every change."""
    if p is None:
        return None
    scores = [*p.history.values(), *([score] if score is not None else [])]
    source = source_lines(fmt, [city], scores, (p.previous_year, p.current_year))["scored"]

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
            "change": format_change(
                fmt, kpi, c.change, kpi.data_point(c.data_point) if c.data_point else None
            ),
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
            "change": rollup_change(fmt, before, after),
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
        "source": source,
    }


class ShortcodeResolver:
    """Turns a narrative shortcode into text in the page's language."""

    def __init__(self, city: City, catalogue: Catalogue, score: Score, fmt: Formatter):
        self.city, self.catalogue, self.score, self.fmt = city, catalogue, score, fmt

    def __call__(self, name: str, args: list[str]) -> str:
        fmt = self.fmt
        if name in ("city", "country"):
            names = self.city.name if name == "city" else self.city.country
            if args:  # a form of the name (validated: name_forms gives it)
                forms = (getattr(self.city, "name_forms", {}).get(fmt.lang) or {}).get(name, {})
                if args[0] in forms:
                    return forms[args[0]]
            return names.get(fmt.lang, names["en"])
        if name == "fact":
            fact = next(f for f in self.city.key_facts if f.id == args[0])
            return vocab.key_fact_text(fmt, fact.id, fact.value)
        if name == "count":
            total = self._count("total") if args[1:] == ["of", "total"] else None
            return count_text(fmt, args[0], self._count(args[0]), total)
        if name == "rollup":
            r = self.score.rollups[args[0]][args[1]]
            if r.band == INSUFFICIENT:  # never a share: say what is missing instead
                return vocab.insufficient_text(fmt, r)
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
    empty: frozenset[str] = frozenset(),
):
    """Numbered figures and tables, in document order: id -> {n, id, title}; a table of
    ``empty`` (no row to show) is not printed, so not numbered.

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
    tables = [(tid, title) for tid, title in tables if tid not in empty]
    if prefix:  # a part of a volume: each caption names its city ("Ålesund: …"; the
        # space French sets before the colon comes from i18n.typography)
        figures = [(fid, f"{name}: {title}") for fid, title in figures]
        tables = [(tid, title if tid == "facts" else f"{name}: {title}") for tid, title in tables]
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
    ranges[INSUFFICIENT] = fmt.gettext(
        "groups only: too few of their indicators reported, or too few of the values with a target"
    )
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


def band_symbols(fmt: Formatter) -> Markup:
    """The symbols of the band chips as a list in the page's language ("4, 3, 2, 1, – and
    ×"), each a symbol of its own: the "–" of "no target" is no dash of the sentence."""
    ids = [b for b in BAND_IDS if b != INSUFFICIENT]
    keys = [chr(0xE000 + n) for n in range(len(ids))]  # stand-ins the list pattern keeps
    text = str(Markup.escape(fmt.join_list(keys)))
    for key, band in zip(keys, ids, strict=True):
        text = text.replace(key, f'<span class="symbol">{BAND_SYMBOLS[band]}</span>')
    return Markup(text)


def narrative_chapters(chapters, resolve, name: str, dim: str | None = None) -> list[dict]:
    """The narrative chapters of one part (of one dimension), in order, rendered."""
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "html": Markup(render_markdown(c.body, resolve, 1)),
            "lang": c.lang,
        }
        for c in sorted(chapters, key=lambda c: (c.order, c.slug))
        if c.part == name and (dim is None or c.dimension == dim)
    ]


def publication_text(fmt: Formatter, texts, default: tuple[str, str] | None = None) -> str:
    """A publication field (title, place, funding: ``{en: …, fr: …}``) in the edition's
    language. ``default``: (msgid, its translation), written out where it is called so
    that extraction finds it: shown where the field is not given or gives just that
    default in English. Else the field's text in another language, marked with it (a
    screen reader switches voice, the build warns)."""
    texts = texts or {}
    other = fallback_language(texts, fmt.lang, default[0] if default else None)
    if other is not None:
        return mark(texts[other], other)
    if fmt.lang in texts:
        return texts[fmt.lang]
    return default[1] if default else ""


def translation_view(fmt: Formatter) -> dict:
    """The sign-off of the edition's language as the imprint and the draft marks show it:
    a draft (not reviewed, or changed since) prints how much is translated."""
    rv = review(fmt.lang)
    signed, cov = rv.signed, rv.coverage
    day = signed.review_day()
    # Rounded down: a catalogue with a string left is never "100 %" translated.
    share = math.floor(cov.percent) if cov.total and cov.done < cov.total else 100
    percent = fmt.percent(share, 0)
    return {
        "translator": signed.translator,
        "reviewer": signed.reviewer,
        "review_date": fmt.date(day) if day else signed.review_date,
        "reviewed": not rv.draft,
        "changed": bool(signed.claimed and rv.changed),
        "percent": percent,
        "done": fmt.number(cov.done),
        "total": fmt.number(cov.total),
    }


def furniture_view(fmt: Formatter, pub, resolve=None) -> dict:
    """The publication's furniture from its data, in the edition's language, each piece only
    where given (nothing invented): acknowledgements, photo credits, references, the print
    line of the back cover."""

    def text(value) -> tuple[str, str]:  # the text, and its language if not the edition's
        shown_text, other = text_in(value, fmt.lang)
        return shown_text, other or ""

    ack = None
    if pub.acknowledgements:
        body, other = text(pub.acknowledgements)
        ack = {
            "title": fmt.gettext("Acknowledgements"),
            "html": Markup(render_markdown(body, resolve or (lambda *_: ""), 1)),
            "lang": other or fmt.lang,
        }
    printed = []
    if pub.job_number:
        if pub.printed_at:
            printed.append(fmt.gettext("Printed at %(place)s") % {"place": text(pub.printed_at)[0]})
        printed.append(pub.job_number)
        printed.append(fmt.date(pub.date, "LLLL y"))  # the month of publication
        if pub.print_run:
            printed.append(fmt.number(pub.print_run))
        if pub.symbol:
            printed.append(pub.symbol)
    return {
        "acknowledgements": ack,
        "photo_credits": [text(c) for c in pub.photo_credits],
        "references": [text(r) for r in pub.references],
        # Its parts, each set on its own: the dashes between them separate fields, never
        # make a range of two numbers ("June 2023 – 400" copies, not "2023–400").
        "print_job": [p for p in printed if p],
    }


def publication_view(
    fmt: Formatter, pub, slug: str, codes, illustrative: bool, resolve=None
) -> dict:
    """What a profile and a volume show alike: imprint, languages, draft marks, site links."""

    lang = fmt.lang
    if lang not in codes and lang != PSEUDO:  # built in a language the city does not list
        codes = (*codes, lang)
    translation = translation_view(fmt)
    drafts = []
    if illustrative:
        drafts.append(fmt.gettext("Illustrative data – not official statistics"))
    if lang != "en" and not translation["reviewed"]:
        drafts.append(
            fmt.gettext("Draft translation – not yet reviewed (%(percent)s translated)")
            % {"percent": translation["percent"]}
        )
    return {
        "lang": lang,
        "pub": pub,
        # the place as given (in the edition's language, else another, marked), never invented
        "place": publication_text(fmt, pub.place),
        "funding": publication_text(fmt, pub.funding),
        **furniture_view(fmt, pub, resolve),
        "languages": [fmt.language_name(code) for code in codes],
        "illustrative": illustrative,
        "date": fmt.date(pub.date),
        "abbreviations": vocab.abbreviations(fmt),
        "bands": bands_view(fmt),
        "band_symbols": band_symbols(fmt),
        "quality_legend": quality_legend(fmt),
        "translation": translation,
        "draft_marks": drafts,
        "unreviewed": lang != "en" and not translation["reviewed"],
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
) -> CityView:
    """Everything the templates show of a city, already in the page's language.

    ``prefix`` and ``start`` make the view one part of a volume: its ids are
    prefixed, its figures and tables numbered on from the parts before it.
    """
    lang = fmt.lang
    resolve = ShortcodeResolver(city, catalogue, score, fmt)
    chapters = city.chapters.get(lang) or city.chapters.get("en", ())

    def part(name: str, dim: str | None = None) -> list[dict]:
        return narrative_chapters(chapters, resolve, name, dim)

    targets = targets_view(fmt, [city], [score])
    ref_of = targets.pop("ref_of")  # a function: the view holds plain data only
    rows = [replace(make_row(fmt, catalogue, i), target_ref=ref_of(i)) for i in score.items]
    name = publication_text(fmt, city.name)  # another language's, marked, if not in lang
    country = publication_text(fmt, city.country)
    pub = city.publication
    default = "Smart Sustainable Cities Profile"
    title = publication_text(
        fmt, pub.title, (default, fmt.gettext("Smart Sustainable Cities Profile"))
    )
    facts = facts_view(fmt, city)
    reported = {r.item.kpi for r in rows if r.item.value is not None}
    missing = not_reported_once(rows)
    no_target = [r for r in rows if r.band == "no_target"]
    empty = frozenset(
        tid
        for tid, listed in (("annex-missing", missing), ("annex-no-target", no_target))
        if not listed
    )
    figures, tables = _captions(
        fmt, catalogue, charts, name, progress, prefix, start, bool(facts), empty
    )
    annexes = [("annex-kpis", fmt.gettext("All KPIs: values, targets and results"))]
    if missing or no_target:  # never an empty annex
        missing_title = (
            fmt.gettext("KPIs not reported and KPIs without a target")
            if missing and no_target
            else fmt.gettext("KPIs not reported")
            if missing
            else fmt.gettext("KPIs without a target")
        )
        annexes.append(("annex-missing", missing_title))
    annexes.append(("annex-definitions", fmt.gettext("Definitions of the KPIs")))
    return {
        **publication_view(fmt, pub, city.slug, city.languages, city.illustrative, resolve),
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
        **targets,
        # Annex I: the KPIs with a value, row by row; the others by their codes only (they
        # are listed with their reasons in the next annex).
        "annex_rows": [r for r in rows if r.item.kpi in reported],
        "annex_unreported": list(dict.fromkeys(r.code for r in rows if r.item.kpi not in reported)),
        "not_reported": missing,
        "no_target": no_target,
        "reported_count": fmt.number(resolve._count("reported")),
        "total_count": len(catalogue.kpis),
        "fig": figures,
        "tab": tables,
        "progress": progress_view(fmt, catalogue, city, progress, charts, score),
        "sections": sections_view(
            fmt, progress, prefix, bool(city.recommendations or part("recommendations"))
        ),
        "annexes": annexes_view(fmt, annexes),
        "definitions": definitions_view(fmt, catalogue),
        "p": prefix,
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
                "diagnosis": Markup(render_markdown(pick(rec.diagnosis), resolve, 1)),
                "measures": [pick(m) for m in rec.measures],
                "kpis": [
                    {
                        "code": catalogue.by_id[k].code,
                        "name": fmt.kpi_name(catalogue.by_id[k]),
                        "anchor": kpi_anchor(k),
                    }
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


def _used_sets(fmt: Formatter, cities, scores) -> list[str]:
    """The titles, in the edition's language, of the target sets that gave a scored value
    its target (in the order the publication names its sets), then "the city's own
    targets" where a city set one: what a source line says the results rest on."""
    catalogue = load_catalogue()
    used = {i.target_set for s in scores for i in s.items if i.points is not None}
    titles: list[str] = []
    for city in cities:
        for s in targets_for(city, catalogue).sets:
            title = s.title_in(fmt.lang)
            if s.name in used and title not in titles:
                titles.append(title)
    many = len(cities) > 1
    if WORKBOOK_SET in used:  # values scored by column R of the city's workbook
        titles.append(
            fmt.gettext(
                "the U4SSC benchmark performance from the cities' data-collection workbooks"
            )
            if many
            else fmt.gettext(
                "the U4SSC benchmark performance from the city's data-collection workbook"
            )
        )
    if "city" in used:
        titles.append(
            fmt.gettext("the cities' own targets")
            if many
            else fmt.gettext("the city's own targets")
        )
    return titles


def source_lines(fmt: Formatter, cities, scores, years: tuple[int, int] | None = None) -> dict:
    """The source lines of the figures and tables that show results: the data, and the
    target sets they were scored against by title (never the software that scored them).
    ``kpis``: under a table of values; ``scored``: under a result (a chart, a roll-up)."""
    sets = fmt.join_list(_used_sets(fmt, cities, scores))
    many = len(cities) > 1
    if years is not None:
        data = fmt.gettext("KPI data of the city for %(then)s and %(now)s") % {
            "then": years[0],
            "now": years[1],
        }
    else:
        data = (
            fmt.gettext("KPI data of the cities") if many else fmt.gettext("KPI data of the city")
        )
    scored = (
        fmt.gettext("%(data)s; targets: %(sets)s.") % {"data": data, "sets": sets}
        if sets
        else fmt.gettext("%(data)s.") % {"data": data}
    )
    return {"scored": scored, "sets": sets}


def targets_view(fmt: Formatter, cities, scores) -> dict:
    """The methodology's account of the targets: the sets used, the coverage threshold, and
    every source as a numbered reference (each set's, then the cities' own targets);
    ``ref_of`` gives an item the number of its target's reference (Annex I prints it): a
    function, for the builder of the view, taken out before the view reaches a template."""

    catalogue = load_catalogue()
    sets, refs, seen = [], [], {}
    keys: dict = {}  # (set, url, English source line) -> the reference's key
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
                        "kpis": coverage(s, catalogue)["kpis_with_target"],
                        "total": len(catalogue.kpis),
                    }
                )
        for s in merged.sets:
            for target in s.targets.values():
                if (target.set, target.url) not in used:
                    continue
                key = target.url or target.title
                keys[target.set, target.url, target.source_text("en")] = key
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
    numbers = {id(ref): n for n, ref in enumerate(refs, start=1)}
    for n, ref in enumerate(refs, start=1):
        ref["n"] = n

    def ref_of(item) -> int | None:
        """The number of the reference of ``item``'s target, if it has one."""
        if item.target_set == "city":
            text = shown(fmt, item.target_source)
            return len(refs) + own.index(text) + 1 if text in own else None
        key = keys.get((item.target_set, item.target_url, item.target_source))
        return numbers[id(seen[key])] if key in seen else None

    scoring = cities[0].scoring if cities else None
    scored = sum(1 for s in scores for i in s.items if i.points is not None)
    provenance = sum(1 for s in scores for i in s.items if i.points is not None and i.target_set)
    return {
        "target_sets": sets,
        "target_references": refs,
        "own_targets": [(len(refs) + n, text) for n, text in enumerate(own, start=1)],
        "ref_of": ref_of,
        "min_coverage": scoring.min_coverage if scoring else None,
        "require_verified": bool(scoring and scoring.require_verified),
        "bases": score_bases(scores),
        "scored_with_provenance": (provenance, scored),
        "sources": source_lines(fmt, cities, scores),
    }


def score_bases(scores) -> dict:
    """What the scored values of an edition rest on, counted: cited public targets (a set's
    target of any kind but U4SSC's own), the U4SSC benchmark performance from the city's
    workbook, the city's own targets, U4SSC benchmark values (a private set of kind
    ``u4ssc``) and the yes/no rule; per set, how many values its targets score."""
    bases = {"public": 0, "workbook": 0, "city": 0, "u4ssc": 0, "yes_no": 0}
    for s in scores:
        for i in s.items:
            if i.points is None:
                continue
            if i.target_set == WORKBOOK_SET:
                bases["workbook"] += 1
            elif i.target_set == CITY_SET:
                bases["city"] += 1
            elif i.target_set == YES_NO_SET:
                bases["yes_no"] += 1
            elif i.target_kind == U4SSC_KIND:
                bases["u4ssc"] += 1
            elif i.target_set:
                bases["public"] += 1
    return bases


def quality_legend(fmt: Formatter) -> list[tuple[str, str]]:
    """The marks of Annex I's quality column, with their meaning."""
    return [
        (mark, vocab.quality_label(fmt, quality)) for quality, mark in vocab.QUALITY_MARKS.items()
    ]
