"""Stage 4, chart: matplotlib figures as SVG, with text kept as text.

Every chart is drawn with the publication's fonts (shipped in
``profiles_gen/fonts``), labelled in the page's language, readable without
colour (band symbols and labels beside colours) and deterministic: no
dates, fixed ids, fixed hash salt. Drawn charts are cached under ``charts/`` in the
cache folder (``paths.cache_dir``: ``<out>/.cache`` during a build).

Charts are laid out in points on a figure as wide as the page's text column,
so that they print at the size they are drawn: every label is measured with
matplotlib's renderer and wrapped, shrunk to a floor or moved to where it
fits (``fit_text``), and records the area it must stay inside (``AREA``),
which the chart test checks in every language.

One builder per part of an edition (``wheel_spec``, ``band_counts_spec``,
``bars_spec``, ``sdg_spec``, ``progress_spec``) turns scored data into a
``Spec``: the chart's id, title, description, its data as a table, and the
arguments of its figure. ``draw`` renders a spec to a ``Chart`` through a
cache keyed by the spec and the style; ``figure`` gives the matplotlib
figure itself (for tests).
"""

from __future__ import annotations

from profiles_gen.charts.draw import Chart, Spec, draw, with_id
from profiles_gen.charts.style import COVER_BLUE
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.scoring.score import BAND_IDS, BAND_SYMBOLS, INSUFFICIENT


def _ticks(fmt) -> tuple[str, ...]:
    return tuple(fmt.percent(v) for v in (0, 33, 66, 100))


def _legend_entries(fmt) -> tuple[tuple[str, str], ...]:
    return tuple((b, vocab.band_short(fmt, b)) for b in BAND_IDS)


def _rollup_text(fmt, r) -> str:
    """A roll-up's result in words: its band, or what an insufficient one lacks (never a
    share beside it)."""
    if r.band == INSUFFICIENT:
        return vocab.insufficient_text(fmt, r)
    return vocab.band_short(fmt, r.band)


def _kpi_label(fmt, kpi, data_point: str | None) -> tuple[str, str]:
    """A KPI's row label: (code and name, " – data point" or "")."""
    text = kpi.id.split("-", 2)[2] + " " + fmt.kpi_name(kpi)
    return text, (f" – {fmt.data_point_name(kpi, data_point)}" if data_point else "")


def wheel_spec(city, catalogue, score, fmt) -> Spec:
    """The benchmarking wheel: dimensions, sub-dimensions, categories, then the KPIs."""
    roll = score.rollups
    dims, subs, cats, kpis = [], [], [], []
    shown: tuple[list, list, list] = ([], [], [])  # the rings' roll-ups: legend, data table
    for dim in catalogue.dimensions:
        n = sum(1 for k in catalogue.kpis if k.dimension == dim.id)
        dims.append((fmt.group_name("dimension", dim), roll["dimension"][dim.id].band, n))
        shown[0].append(roll["dimension"][dim.id])
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            n = sum(1 for k in catalogue.kpis if k.subdimension == sub.id)
            if not n:
                continue
            subs.append((fmt.group_name("subdimension", sub), roll["subdimension"][sub.id].band, n))
            shown[1].append(roll["subdimension"][sub.id])
            for cat in (c for c in catalogue.categories if c.parent == sub.id):
                cat_kpis = [k for k in catalogue.kpis if k.category == cat.id]
                if not cat_kpis:
                    continue
                cats.append(
                    (fmt.group_name("category", cat), roll["category"][cat.id].band, len(cat_kpis))
                )
                shown[2].append(roll["category"][cat.id])
                kpis += [tuple(i.band for i in score.for_kpi(k.id)) for k in cat_kpis]
    order = shown[0] + shown[1] + shown[2]
    level = fmt.gettext("Dimension / sub-dimension / category")
    return Spec(
        "wheel",
        "wheel",
        fmt.gettext("The U4SSC benchmarking wheel"),
        fmt.gettext(
            "Dimensions (inner ring), sub-dimensions, categories and KPIs (outer ring, a KPI's "
            "data points stacked in its segment), each coloured by its band; the tables of "
            "this chapter give the same data."
        ),
        (
            (level, fmt.pgettext("result band", "Result")),
            tuple(
                (label, _rollup_text(fmt, r))
                for (label, _, _), r in zip(dims + subs + cats, order, strict=True)
            ),
        ),
        {
            "rings": (tuple(dims), tuple(subs), tuple(cats)),
            "kpis": tuple(kpis),
            "centre": city.name.get(fmt.lang, city.name["en"]),
            # The hatching's label says what the hatched roll-ups lack (data, targets).
            "legend": _legend_entries(fmt)
            + (
                ((INSUFFICIENT, vocab.insufficient_legend(fmt, order)),)
                if any(r.band == INSUFFICIENT for r in order)
                else ()
            ),
        },
    )


def cover_spec(wheel: Spec) -> Spec:
    """The cover's picture: the city's wheel without its words, on the cover's blue."""
    return Spec(
        "cover",
        "cover",
        wheel.title,
        wheel.description,
        wheel.data,
        {"rings": wheel.args["rings"], "kpis": wheel.args["kpis"], "edge": COVER_BLUE},
    )


def band_counts_spec(catalogue, score, fmt) -> Spec:
    """Per dimension, the number of KPIs and data points in each band."""
    groups = tuple(
        (
            fmt.group_name("dimension", d),
            tuple(
                (
                    b,
                    sum(
                        1
                        for i in score.items
                        if catalogue.by_id[i.kpi].dimension == d.id and i.band == b
                    ),
                )
                for b in BAND_IDS
            ),
        )
        for d in catalogue.dimensions
    )
    return Spec(
        "band-counts",
        "bands",
        fmt.gettext("KPI results by band and dimension"),
        fmt.gettext("Number of KPIs and data points in each band, per dimension."),
        (
            (fmt.gettext("Dimension"), *(vocab.band_short(fmt, b) for b in BAND_IDS)),
            tuple((label, *(str(n) for _, n in counts)) for label, counts in groups),
        ),
        {
            "groups": groups,
            "legend": _legend_entries(fmt),
            "axis_label": fmt.gettext("Number of KPIs and data points"),
        },
    )


def bars_spec(catalogue, score, fmt, dim) -> Spec:
    """The target achievement of each KPI and data point of one dimension."""
    rows = []
    for item in score.items:
        kpi = catalogue.by_id[item.kpi]
        if kpi.dimension != dim.id:
            continue
        text = (
            fmt.percent(item.achievement, 0, fraction=True)
            if item.achievement is not None
            else vocab.band_short(fmt, item.band)
        )
        share = float(item.achievement) if item.achievement is not None else None
        rows.append((_kpi_label(fmt, kpi, item.data_point), share, item.band, text))
    dim_name = fmt.group_name("dimension", dim)
    return Spec(
        "bars",
        f"bars-{dim.id}",
        fmt.gettext("Target achievement of the %(dimension)s KPIs") % {"dimension": dim_name},
        fmt.gettext(
            "Achievement of each KPI or data point against its target, capped at 100 per "
            "cent, with its band; KPIs without a target or value are listed with no bar."
        ),
        (
            (fmt.gettext("KPI"), fmt.gettext("Achievement"), fmt.pgettext("result band", "Result")),
            tuple(
                (
                    "".join(label),
                    text if share is not None else "–",
                    vocab.band_short(fmt, band),
                )
                for label, share, band, text in rows
            ),
        ),
        {
            "rows": tuple(rows),
            "axis_label": fmt.gettext("Target achievement, capped at 100 per cent"),
            "target_label": fmt.pgettext("target value", "target"),
            "ticks": _ticks(fmt),
        },
    )


def sdg_spec(score, fmt) -> Spec:
    """The 17 SDG tiles, each with the band of its KPIs and its share of points."""
    roll = score.rollups["sdg"]

    def tile_text(r) -> str:  # an insufficient goal: what it lacks, never its share
        if r.band == INSUFFICIENT:
            return vocab.insufficient_short(fmt, r)
        if r.share is None:
            return vocab.band_short(fmt, "no_data")
        return fmt.percent(r.share, 0, fraction=True)

    tiles = tuple(
        (n, vocab.sdg_name(fmt, n), roll[str(n)].band, tile_text(roll[str(n)]))
        for n in range(1, 18)
    )
    return Spec(
        "sdg",
        "sdg",
        fmt.gettext("Results by Sustainable Development Goal"),
        fmt.gettext(
            "The 17 SDGs in their official colours, each with the band of the KPIs linked to it "
            "and its share of points."
        ),
        (
            (
                fmt.pgettext("SDG", "Goal"),
                fmt.pgettext("result band", "Result"),
                fmt.gettext("Points"),
            ),
            tuple(
                (
                    f"{n}. {label}",
                    _rollup_text(fmt, roll[str(n)]),
                    share if band != INSUFFICIENT else "–",
                )
                for n, label, band, share in tiles
            ),
        ),
        {"tiles": tiles},
    )


def progress_spec(catalogue, progress, fmt, dim) -> Spec:
    """One dimension's comparable KPIs: achievement then and now."""
    then, now = str(progress.previous_year), str(progress.current_year)
    rows = []
    for c in progress.for_dimension(catalogue, dim.id):
        if c.move is None or c.previous.achievement is None or c.current.achievement is None:
            continue  # no achievement to place (a U4SSC score given as a band only)
        kpi = catalogue.by_id[c.kpi]
        text = f"{BAND_SYMBOLS[c.previous.band]} → {BAND_SYMBOLS[c.current.band]}"
        rows.append(
            (
                _kpi_label(fmt, kpi, c.data_point),
                float(c.previous.achievement),
                float(c.current.achievement),
                c.current.band,
                text,
            )
        )
    dim_name = fmt.group_name("dimension", dim)
    return Spec(
        "progress",
        f"progress-{dim.id}",
        fmt.gettext("%(dimension)s: target achievement in %(then)s and %(now)s")
        % {"dimension": dim_name, "then": then, "now": now},
        fmt.gettext(
            "For each KPI scored in both evaluations against the same target and "
            "definition, the achievement then (open circle) and now (filled circle, in the "
            "colour of its band), capped at 100 per cent, with the band symbols then and now."
        ),
        (
            (fmt.gettext("KPI"), then, now, fmt.pgettext("result band", "Result")),
            tuple(
                (
                    "".join(label),
                    fmt.percent(before * 100),
                    fmt.percent(after * 100),
                    f"{vocab.band_short(fmt, band)} ({text})",
                )
                for label, before, after, band, text in rows
            ),
        ),
        {
            "rows": tuple(rows),
            "axis_label": fmt.gettext("Target achievement, capped at 100 per cent"),
            "years": (then, now),
            "ticks": _ticks(fmt),
        },
    )


def chart_specs(city, catalogue, score, fmt, progress=None) -> dict[str, Spec]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language."""
    wheel = wheel_spec(city, catalogue, score, fmt)
    specs = {
        "wheel": wheel,
        "cover": cover_spec(wheel),
        "bands": band_counts_spec(catalogue, score, fmt),
    }
    for dim in catalogue.dimensions:
        specs[f"bars-{dim.id}"] = bars_spec(catalogue, score, fmt, dim)
    specs["sdg"] = sdg_spec(score, fmt)
    if progress is not None:
        for dim in catalogue.dimensions:
            specs[f"progress-{dim.id}"] = progress_spec(catalogue, progress, fmt, dim)
    return specs


def draw_charts(city, catalogue, score, fmt, progress=None, prefix: str = "") -> dict[str, Chart]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language.

    Each chart's id (and the ids inside its SVG) is its name after ``prefix``:
    the parts of a volume give their city's.
    """
    specs = chart_specs(city, catalogue, score, fmt, progress)
    return {name: with_id(draw(spec), prefix + spec.id) for name, spec in specs.items()}


def comparison_spec(comparison, catalogue, fmt) -> Spec:
    """A volume's dimension results, city by city."""
    names = [c.name.get(fmt.lang, c.name["en"]) for c in comparison.cities]
    groups = []
    for dim in catalogue.dimensions:
        bars = []
        for city, r in zip(names, comparison.rollups("dimension", dim.id), strict=True):
            known = r.share is not None and r.band != INSUFFICIENT  # no share when insufficient
            text = fmt.percent(r.share, 0, fraction=True) if known else _rollup_text(fmt, r)
            bars.append((city, float(r.share) if known else None, r.band, text))
        groups.append((fmt.group_name("dimension", dim), tuple(bars)))
    return Spec(
        "city-bars",
        "cmp-dimensions",
        fmt.gettext("Results by dimension, city by city"),
        fmt.gettext(
            "For each dimension, each city's share of the possible points, with its band; "
            "the table before the figure gives the same data."
        ),
        (
            (fmt.gettext("Dimension"), *names),
            tuple(
                (
                    label,
                    *(
                        f"{text} ({vocab.band_short(fmt, band)})" if share is not None else text
                        for _, share, band, text in bars
                    ),
                )
                for label, bars in groups
            ),
        ),
        {
            "groups": tuple(groups),
            "axis_label": fmt.gettext("Share of the possible points"),
            "ticks": _ticks(fmt),
        },
    )


def draw_comparison_charts(comparison, catalogue, fmt, member_charts: list[dict]) -> dict:
    """The comparison's charts: dimension results per city, and the cities' wheels side by side."""
    wheels = [
        with_id(charts["wheel"], f"cmp-{city.slug}-wheel")
        for city, charts in zip(comparison.cities, member_charts, strict=True)
    ]
    return {"cmp-dimensions": draw(comparison_spec(comparison, catalogue, fmt)), "wheels": wheels}
