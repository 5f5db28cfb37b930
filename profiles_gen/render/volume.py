"""The view of a volume: its members as parts, and the comparison of them."""

from __future__ import annotations

from profiles_gen.data.model import (
    Catalogue,
    Volume,
)
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.render.city import (
    definitions_view,
    narrative_chapters,
    publication_text,
    publication_view,
    targets_view,
)
from profiles_gen.render.outline import annexes_view, section_entries
from profiles_gen.render.rows import make_row
from profiles_gen.render.view import VolumeView
from profiles_gen.scoring.compare import Comparison


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

    def differs(level: str, key: str) -> list[str]:
        """The KPIs scored in one city and not in every other (roll-ups compared only)."""
        rc = comparison.rollup_comparison(catalogue, level, key)
        if not rc.comparable or rc.same_kpis:
            return []
        return differing_kpis(fmt, catalogue, cities, rc)

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


def differing_kpis(fmt: Formatter, catalogue: Catalogue, cities: list[str], rc) -> list[str]:
    """What a roll-up's difference rests on, in words: each KPI (with its data points) that
    some cities score and others do not, and where ("Transportation Mode Share – Cycling and
    Walking: only in Asker"), in the catalogue's order."""
    where: dict[tuple, set[int]] = {}
    for n, items in enumerate(rc.only_items.values()):
        for key in items:
            where.setdefault(key, set()).add(n)
    groups: dict[tuple, list[str | None]] = {}
    for (kpi_id, dp), scored in where.items():
        groups.setdefault((kpi_id, frozenset(scored)), []).append(dp)
    notes = []
    for (kpi_id, scored), points in groups.items():
        kpi = catalogue.by_id[kpi_id]
        name = fmt.kpi_name(kpi)
        named = [fmt.data_point_name(kpi, dp) for dp in points if dp]
        if named:
            name = f"{name} – {fmt.join_list(named)}"
        some = [c for n, c in enumerate(cities) if n in scored]
        others = [c for n, c in enumerate(cities) if n not in scored]
        if len(some) <= len(others):
            text = fmt.ngettext(
                "%(kpi)s: scored only in %(cities)s",
                "%(kpi)s: scored only in %(cities)s",
                len(some),
            )
            notes.append(text % {"kpi": name, "cities": fmt.join_list(some)})
        else:
            text = fmt.ngettext(
                "%(kpi)s: not scored in %(cities)s",
                "%(kpi)s: not scored in %(cities)s",
                len(others),
            )
            notes.append(text % {"kpi": name, "cities": fmt.join_list(others)})
    return notes


def build_volume_view(
    volume: Volume,
    catalogue: Catalogue,
    fmt: Formatter,
    parts: list[dict],
    comparison: Comparison,
    charts: dict,
) -> VolumeView:
    """A volume: its own chapters, one part per member city (views of ``build_view``), the
    comparison; the figures and tables of every part in one list."""
    lang = fmt.lang
    resolve = VolumeResolver(volume, fmt)
    chapters = volume.chapters.get(lang) or volume.chapters.get("en", ())

    def part(name: str) -> list[dict]:
        return narrative_chapters(chapters, resolve, name)

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
    default = "Smart Sustainable Cities Profiles"
    title = publication_text(
        fmt, pub.title, (default, fmt.gettext("Smart Sustainable Cities Profiles"))
    )
    for p in parts:
        # The part's own running head and bookmark name its city (and the volume).
        p["part_label"] = fmt.gettext("Part %(n)s. %(city)s") % {
            "n": p["part_number"],
            "city": p["name"],
        }
        p["running_head"] = (
            f"{title}, {country} – {p['part_label']}"
            if country
            else (f"{title} – {p['part_label']}")
        )
    return {
        **publication_view(fmt, pub, volume.slug, volume.languages, volume.illustrative, resolve),
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
        **{  # plain data only: not the function that numbers the references
            key: value
            for key, value in targets_view(
                fmt, list(volume.members), list(comparison.scores)
            ).items()
            if key != "ref_of"
        },
        "total_count": len(catalogue.kpis),
        "sections": section_entries(
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
        forms = (self.volume.name_forms.get(self.fmt.lang) or {}).get(name, {})
        if args and args[0] in forms:  # a form of the name (validated: name_forms gives it)
            return forms[args[0]]
        return texts.get(self.fmt.lang, texts.get("en", ""))
