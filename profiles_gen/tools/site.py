"""The static site: every city built, the comparison page, ``build/site/`` assembled."""

from __future__ import annotations

import shutil
from pathlib import Path

from profiles_gen.build.home import (
    band_entries,
    compare_page,
    home_page,
    write_site_home,
)
from profiles_gen.build.pipeline import build_cities
from profiles_gen.core.files import atomic_write, staged_dir
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.model import City, Volume
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.render.environment import autonym, make_environment, with_policy
from profiles_gen.render.rows import make_row
from profiles_gen.render.typeset import typeset_html
from profiles_gen.scoring.compare import YEAR_WINDOW, compare_cities


def assemble_site(out_root: Path, slugs: list[str]) -> Path:
    """``build/site/``: the home pages and every city's editions and downloads, self-contained."""
    final = out_root / "site"
    with staged_dir(final) as stage:
        shutil.copytree(out_root / "assets", stage / "assets")
        for page in sorted([*out_root.glob("index*.html"), *out_root.glob("compare*.html")]):
            shutil.copyfile(page, stage / page.name)
        for slug in slugs:
            shutil.copytree(
                out_root / slug, stage / slug, ignore=shutil.ignore_patterns(".*", "print.html")
            )
    return final


def site_cities(results: list) -> tuple[list[City], list, dict[str, dict]]:
    """Every city built, once: standalone cities and the members of volumes, with their scores
    and where each one's cards are (``{slug: {"edition", "prefix", "languages"}}``: the
    folder of its editions and the prefix of its ids there; a volume's member is a part)."""
    cities, scores, seen, places = [], [], set(), {}
    for result in results:
        if isinstance(result.city, Volume):
            pairs = zip(result.city.members, result.score, strict=True)
        else:
            pairs = [(result.city, result.score)]
        for city, score in pairs:
            if city.slug not in seen:
                seen.add(city.slug)
                cities.append(city)
                scores.append(score)
                volume = result.city is not city
                places[city.slug] = {
                    "edition": result.city.slug,
                    "prefix": f"{city.slug}-" if volume else "",
                    "languages": list(result.city.languages),
                }
    return cities, scores, places


def write_comparison(out_root: Path, results: list) -> list[Path]:
    """``compare.html`` (and ``compare.<lang>.html``): every KPI of every city side by side."""

    cities, scores, places = site_cities(results)
    if not cities:
        return []
    catalogue = load_catalogue()
    comparison = compare_cities(cities, scores, YEAR_WINDOW)
    langs = sorted(
        {lang for c in cities for lang in c.languages} | {"en"},
        key=lambda code: (code != "en", code),
    )
    written = []
    for lang in langs:
        fmt = Formatter(lang, translations(lang))
        html = render_comparison(fmt, catalogue, comparison, langs, places)
        path = out_root / compare_page(lang)
        atomic_write(path, html)
        written.append(path)
    return written


def card_link(place: dict, lang: str, anchor: str) -> str:
    """The address of a KPI's card in a city's edition (in ``lang`` if the city has it)."""
    shown = lang if lang in place["languages"] else place["languages"][0]
    return f"{place['edition']}/{shown}/index.html#{place['prefix']}{anchor}"


def comparison_view(fmt: Formatter, catalogue, comparison, places: dict | None = None) -> dict:

    lang = fmt.lang
    places = places or {}
    window = comparison.year_window
    rows = []
    goals = set()
    for row in comparison.rows:
        kpi = catalogue.by_id[row.kpi]
        sdgs = sorted({int(t.split(".")[0]) for t in kpi.sdg_targets})
        goals.update(sdgs)
        cells = [make_row(fmt, catalogue, item) for item in row.items]
        rows.append(
            {
                "code": kpi.code,
                "name": cells[0].name,
                "data_point": cells[0].data_point,
                "unit": cells[0].unit,
                "dimension": kpi.dimension,
                "subdimension": kpi.subdimension,
                "sdgs": " ".join(str(g) for g in sdgs),
                "comparable": row.comparable,
                "reported": sum(1 for item in row.items if item.value is not None),
                "flags": [vocab.flag_label(fmt, f, window) for f in row.flags],
                "anchor": cells[0].anchor,
                "cells": [
                    {
                        "row": cell,
                        "sort": "" if item.achievement is None else str(item.achievement),
                        # the city's card of the KPI, where it has a value to show
                        "href": card_link(places[city.slug], lang, cell.anchor)
                        if city.slug in places and item.value is not None
                        else None,
                    }
                    for cell, item, city in zip(cells, row.items, comparison.cities, strict=True)
                ],
            }
        )
    return {
        "cities": [
            {"slug": c.slug, "name": c.name.get(lang, c.name["en"])} for c in comparison.cities
        ],
        "rows": rows,
        "window": window,
        "dimensions": [
            {"id": g.id, "name": fmt.group_name("dimension", g)} for g in catalogue.dimensions
        ],
        "subdimensions": [
            {"id": g.id, "parent": g.parent, "name": fmt.group_name("subdimension", g)}
            for g in catalogue.subdimensions
        ],
        "goals": [{"n": g, "name": vocab.sdg_name(fmt, g)} for g in sorted(goals)],
    }


def render_comparison(
    fmt: Formatter, catalogue, comparison, langs: list[str], places: dict | None = None
) -> str:

    env = make_environment(None, fmt)
    html = env.get_template("compare.html").render(
        comparison_view(fmt, catalogue, comparison, places),
        lang=fmt.lang,
        media="screen",
        p="",
        bands=band_entries(fmt),
        home=home_page(fmt.lang),
        languages=[
            {"lang": c, "name": autonym(c), "href": compare_page(c), "current": c == fmt.lang}
            for c in langs
        ],
        assets={
            "stylesheets": ["assets/profile.css"],
            "inline_css": "",
            "scripts": ["assets/profile.js"],
        },
    )
    return with_policy(typeset_html(html, fmt.lang, "screen"))


def build_site(out_root: Path, city_dirs: list[Path], opts, progress=None) -> tuple[list, Path]:
    """Build every city, then the comparison and home pages, and assemble ``site/``."""

    results = build_cities(city_dirs, out_root, opts, progress)
    write_comparison(out_root, results)
    write_site_home(out_root)  # now with the link to the comparison (and its characters)
    return results, assemble_site(out_root, [r.city.slug for r in results])
