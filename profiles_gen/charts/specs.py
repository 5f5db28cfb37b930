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
from profiles_gen.i18n.formatter import with_unit
from profiles_gen.scoring.score import BAND_IDS, BAND_SYMBOLS, INSUFFICIENT


def _ticks(fmt) -> tuple[str, ...]:
    return tuple(fmt.percent(v) for v in (0, 33, 66, 100))


def _legend_entries(fmt) -> tuple[tuple[str, str], ...]:
    return tuple((b, vocab.band_short(fmt, b)) for b in BAND_IDS)


def _share(fmt, r) -> str:
    """A roll-up's result in words and figures: "60 % (one to two thirds)"."""
    if r.band == INSUFFICIENT:
        return _rollup_text(fmt, r)
    band = vocab.band_short(fmt, r.band)
    if r.share is None:
        return band
    return f"{fmt.percent(r.share, 0, fraction=True)} ({band})"


def _value(fmt, kpi, item) -> str:
    """A KPI's value as the tables show it, with its unit (as ``render.rows.value_in_text``,
    which the charts cannot import: they sit below the renderers)."""
    value = item.value
    if value is None:
        return "–"
    if isinstance(value, bool):
        return fmt.yes_no(value)
    point = kpi.data_point(item.data_point) if item.data_point else None
    exponent = value.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    if kpi.unit_of(point).startswith("%"):
        return fmt.percent(value, digits=places)
    unit = fmt.kpi_short_unit(kpi, value, point, digits=places)
    return with_unit(fmt.number(value, digits=places), unit) if unit else fmt.number(value, places)


def _labelled(fmt, label: str, value: str) -> str:
    """ "label: value", as the language sets it."""
    return f"{label}{fmt.colon}{value}"


def _band_tally(fmt, bands: list[str]) -> str:
    """How many of ``bands`` are in each band: "reached: 20, over two thirds: 12, …"."""
    return fmt.join_list(
        [
            _labelled(fmt, vocab.band_short(fmt, b), fmt.number(bands.count(b)))
            for b in BAND_IDS
            if bands.count(b)
        ]
    )


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
    """The benchmarking wheel: dimensions, sub-dimensions, categories, then the KPIs.

    Its data table follows the rings outwards: each dimension, sub-dimension and category
    (named by its path, "Economy › ICT › ICT Infrastructure") with its band and share,
    then each KPI and data point of the outer ring with its value, band and achievement.
    """
    roll = score.rollups
    dims, subs, cats, kpis, table = [], [], [], [], []
    order: list = []  # the rings' roll-ups (the legend names what the hatched ones lack)
    for dim in catalogue.dimensions:
        n = sum(1 for k in catalogue.kpis if k.dimension == dim.id)
        dim_name = fmt.group_name("dimension", dim)
        r = roll["dimension"][dim.id]
        dims.append((dim_name, r.band, n))
        order.append(r)
        table.append((dim_name, "", _result(fmt, r), _share_cell(fmt, r)))
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            n = sum(1 for k in catalogue.kpis if k.subdimension == sub.id)
            if not n:
                continue
            sub_name = fmt.group_name("subdimension", sub)
            r = roll["subdimension"][sub.id]
            subs.append((sub_name, r.band, n))
            order.append(r)
            path = f"{dim_name} › {sub_name}"
            table.append((path, "", _result(fmt, r), _share_cell(fmt, r)))
            for cat in (c for c in catalogue.categories if c.parent == sub.id):
                cat_kpis = [k for k in catalogue.kpis if k.category == cat.id]
                if not cat_kpis:
                    continue
                cat_name = fmt.group_name("category", cat)
                r = roll["category"][cat.id]
                cats.append((cat_name, r.band, len(cat_kpis)))
                order.append(r)
                cat_path = f"{path} › {cat_name}"
                table.append((cat_path, "", _result(fmt, r), _share_cell(fmt, r)))
                for k in cat_kpis:
                    items = score.for_kpi(k.id)
                    kpis.append(tuple(i.band for i in items))
                    for i in items:
                        label = "".join(_kpi_label(fmt, k, i.data_point))
                        achieved = (
                            fmt.percent(i.achievement, 0, fraction=True)
                            if i.achievement is not None
                            else "–"
                        )
                        table.append(
                            (
                                f"{cat_path} › {label}",
                                _value(fmt, k, i),
                                vocab.band_short(fmt, i.band),
                                achieved,
                            )
                        )
    name = city.name.get(fmt.lang, city.name["en"])
    overall = roll["city"][city.slug]
    description = fmt.gettext(
        "%(city)s: %(overall)s of the possible points overall; by dimension, %(dimensions)s. "
        "KPIs and data points: %(tally)s."
    ) % {
        "city": name,
        "overall": _share(fmt, overall),
        "dimensions": fmt.join_list(
            [
                f"{label} {_share(fmt, roll['dimension'][d.id])}"
                for (label, _, _), d in zip(dims, catalogue.dimensions, strict=True)
            ]
        ),
        "tally": _band_tally(fmt, [i.band for i in score.items]),
    }
    return Spec(
        "wheel",
        "wheel",
        fmt.gettext("The U4SSC benchmarking wheel"),
        description,
        (
            (
                fmt.gettext("Dimension › sub-dimension › category › KPI"),
                fmt.gettext("Value"),
                fmt.pgettext("result band", "Result"),
                fmt.gettext("Share of the possible points or target achievement"),
            ),
            tuple(table),
        ),
        {
            "rings": (tuple(dims), tuple(subs), tuple(cats)),
            "kpis": tuple(kpis),
            "centre": name,
            "legend": _legend_entries(fmt)
            + (
                ((INSUFFICIENT, vocab.insufficient_legend(fmt, order)),)
                if any(r.band == INSUFFICIENT for r in order)
                else ()
            ),
        },
        lang=fmt.lang,
    )


def _result(fmt, r) -> str:
    """A roll-up's band in words; an insufficient one says what it lacks."""
    if r.band == INSUFFICIENT:
        return vocab.insufficient_short(fmt, r)
    return vocab.band_short(fmt, r.band)


def _share_cell(fmt, r) -> str:
    if r.band == INSUFFICIENT:
        return vocab.insufficient_count(fmt, r)
    return fmt.percent(r.share, 0, fraction=True) if r.share is not None else "–"


def cover_spec(wheel: Spec) -> Spec:
    """The cover's picture: the city's wheel without its words, on the cover's blue."""
    return Spec(
        "cover",
        "cover",
        wheel.title,
        wheel.description,
        ((), ()),  # a picture, no figure: its data is the wheel's
        {"rings": wheel.args["rings"], "kpis": wheel.args["kpis"], "edge": COVER_BLUE},
        lang=wheel.lang,
        layouts=("print",),
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
        fmt.gettext("KPIs and data points in each band, per dimension: %(groups)s.")
        % {
            "groups": "; ".join(
                _labelled(
                    fmt,
                    label,
                    fmt.join_list(
                        [
                            _labelled(fmt, vocab.band_short(fmt, b), fmt.number(n))
                            for b, n in counts
                            if n
                        ]
                    ),
                )
                for label, counts in groups
            )
        },
        (
            (fmt.gettext("Dimension"), *(vocab.band_short(fmt, b) for b in BAND_IDS)),
            tuple((label, *(str(n) for _, n in counts)) for label, counts in groups),
        ),
        {
            "groups": groups,
            "legend": _legend_entries(fmt),
            "axis_label": fmt.gettext("Number of KPIs and data points"),
        },
        lang=fmt.lang,
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
        _bars_description(fmt, rows),
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
        lang=fmt.lang,
    )


def _bars_description(fmt, rows) -> str:
    """The bands of a dimension's KPIs, and its lowest and highest achievements."""
    text = fmt.gettext("KPIs and data points by band: %(tally)s.") % {
        "tally": _band_tally(fmt, [band for _, _, band, _ in rows])
    }
    scored = [
        (share, "".join(label), value) for label, share, _, value in rows if share is not None
    ]
    if len(scored) > 1:
        low, high = min(scored, key=lambda r: r[0]), max(scored, key=lambda r: r[0])
        text += " " + fmt.gettext("Lowest target achievement: %(low)s; highest: %(high)s.") % {
            "low": f"{low[1]} ({low[2]})",
            "high": f"{high[1]} ({high[2]})",
        }
    return text


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
        fmt.gettext("Share of the possible points per goal: %(goals)s.")
        % {
            "goals": fmt.join_list(
                [_labelled(fmt, f"{n}. {name}", share) for n, name, _, share in tiles]
            )
        },
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
        lang=fmt.lang,
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
        fmt.gettext("Target achievement in %(then)s and %(now)s: %(rows)s.")
        % {
            "then": then,
            "now": now,
            "rows": fmt.join_list(
                [
                    _labelled(
                        fmt,
                        "".join(label),
                        f"{fmt.percent(before * 100)} → {fmt.percent(after * 100)}",
                    )
                    for label, before, after, _, _ in rows
                ]
            )
            or "–",
        },
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
        lang=fmt.lang,
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


def draw_charts(
    city, catalogue, score, fmt, progress=None, prefix: str = "", layouts=None
) -> dict[str, Chart]:
    """Every chart of one edition, keyed by name, labelled in ``fmt``'s language, drawn in
    ``layouts`` (None: all).

    Each chart's id is its name after ``prefix``: the parts of a volume give their city's.
    """
    specs = chart_specs(city, catalogue, score, fmt, progress)
    return {name: with_id(draw(spec, layouts), prefix + spec.id) for name, spec in specs.items()}


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
        fmt.gettext("Share of the possible points, city by city: %(groups)s.")
        % {
            "groups": "; ".join(
                _labelled(
                    fmt,
                    label,
                    fmt.join_list([f"{city} {text}" for city, _, _, text in bars]),
                )
                for label, bars in groups
            )
        },
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
        lang=fmt.lang,
    )


def draw_comparison_charts(
    comparison, catalogue, fmt, member_charts: list[dict], layouts=None
) -> dict:
    """The comparison's charts: dimension results per city, and the cities' wheels (each
    member's own, shown again one per row)."""
    wheels = [charts["wheel"] for charts in member_charts]
    drawn = draw(comparison_spec(comparison, catalogue, fmt), layouts)
    return {"cmp-dimensions": drawn, "wheels": wheels}
