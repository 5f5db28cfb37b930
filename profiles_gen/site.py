"""The static site around the editions: what each built city records, and the home pages."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

from profiles_gen import vocabulary as vocab
from profiles_gen.i18n import Formatter, translations
from profiles_gen.manifest import home_digest, home_is_fresh, record_home
from profiles_gen.model import City, Volume
from profiles_gen.publish import (
    atomic_write,
    read_edition_infos,
    stylesheet,
    write_edition_info,
    write_home,
)
from profiles_gen.score import BAND_IDS, BAND_SYMBOLS


def update_site(out_root: Path, results: list) -> list[Path]:
    """Record each built city's ``edition.json``, then rewrite the site's home pages."""
    for result in results:
        write_edition_info(out_root / result.city.slug, edition_info(result.city, result.score))
    return write_site_home(out_root)


def _result(score, slug: str) -> dict:
    """A city's overall result: its roll-up's band and share (``None`` when nothing is scored)."""
    rollup = score.rollups["city"][slug]
    share = None if rollup.share is None else str(rollup.share)
    return {"band": rollup.band, "share": share}


def edition_info(city: City | Volume, score=None) -> dict:
    """What the home page shows of a built city or volume (its card)."""
    volume = isinstance(city, Volume)
    default = "Smart Sustainable Cities Profiles" if volume else "Smart Sustainable Cities Profile"
    titles = {
        lang: city.publication.title.get(lang) or translations(lang).gettext(default)
        for lang in city.languages
    }
    name = city.name
    if volume:  # the home page lists a volume by its cities
        name = {
            lang: Formatter(lang).join_list([m.name.get(lang, m.name["en"]) for m in city.members])
            for lang in city.languages
        }
    info = {
        "slug": city.slug,
        "name": name,
        "country": city.country,
        "languages": list(city.languages),
        "title": titles,
        "illustrative": city.illustrative,
        "year": city.evaluation_year,
        "thumbnail": "charts/cmp-dimensions.svg" if volume else "charts/wheel.svg",
    }
    if score is not None and volume:
        info["members"] = [
            {"slug": m.slug, "name": m.name, "result": _result(s, m.slug)}
            for m, s in zip(city.members, score, strict=True)
        ]
    elif score is not None:
        info["result"] = _result(score, city.slug)
    return info


def write_site_home(out_root: Path) -> list[Path]:
    """Home pages listing every city built under ``out_root``, one per language."""
    from profiles_gen.render import autonym

    infos = read_edition_infos(out_root)
    langs = sorted(
        {lang for i in infos for lang in i["languages"]} | {"en"},
        key=lambda code: (code != "en", code),
    )
    compare = (out_root / compare_page("en")).is_file()
    pdfs = sorted(p.name for i in infos for p in (out_root / i["slug"]).glob("*.pdf"))
    # What the pages are made of (manifest.home_digest): the cards, and whether the comparison
    # page and each PDF exist (they are linked only then).
    digest = home_digest(out_root, [*infos, {"compare": compare, "pdfs": pdfs}])
    if home_is_fresh(out_root, digest, [*map(home_page, langs), "assets/profile.css"]):
        return []  # nothing it is made of changed: not rendered again
    pages = {}
    for lang in langs:
        fmt = Formatter(lang, translations(lang))
        entries = [_card(out_root, i, lang, fmt, autonym) for i in infos]
        pages[home_page(lang)] = render_home(fmt, entries, langs, compare)
    written = write_home(out_root, pages, stylesheet("screen", lambda name: f"fonts/{name}"))
    record_home(out_root, digest)
    return written


def _card(out_root: Path, info: dict, lang: str, fmt: Formatter, autonym) -> dict:
    slug = info["slug"]
    shown = lang if lang in info["languages"] else info["languages"][0]
    thumbnail = f"{slug}/{shown}/{info.get('thumbnail', 'charts/wheel.svg')}"

    def result(r: dict | None) -> dict | None:
        if r is None:
            return None
        # "insufficient_data": too little scored for an overall result (as the roll-ups say).
        known = r["band"] in BAND_SYMBOLS and r["share"] is not None
        known = known and r["band"] != "insufficient_data"
        return {
            "band": r["band"] if known else None,
            "short": vocab.band_short(fmt, r["band"]) if known else None,
            "share": fmt.percent(Decimal(r["share"]), 0, fraction=True) if known else None,
        }

    return {
        "slug": slug,
        "name": info["name"].get(lang, info["name"]["en"]),
        "country": info["country"].get(lang, info["country"]["en"]),
        "title": info["title"],
        "illustrative": info["illustrative"],
        "year": info.get("year"),
        "thumbnail": thumbnail if (out_root / thumbnail).is_file() else None,
        "result": result(info.get("result")),
        "members": [
            {"name": m["name"].get(lang, m["name"]["en"]), "result": result(m["result"])}
            for m in info.get("members", [])
        ],
        "languages": fmt.join_list([autonym(code) for code in info["languages"]]),
        "editions": [
            {
                "lang": code,
                "name": autonym(code),
                "html": f"{slug}/{code}/index.html",
                "pdf": f"{slug}/{slug}-{code}.pdf"
                if (out_root / slug / f"{slug}-{code}.pdf").is_file()
                else None,
            }
            for code in info["languages"]
        ],
        "csv": f"{slug}/{slug}-kpis.csv",
        "json": f"{slug}/{slug}-kpis.json",
    }


def home_page(lang: str) -> str:
    return "index.html" if lang == "en" else f"index.{lang}.html"


def compare_page(lang: str) -> str:
    return "compare.html" if lang == "en" else f"compare.{lang}.html"


def render_home(fmt: Formatter, entries: list[dict], langs: list[str], compare: bool) -> str:
    """The home page of the site, in ``fmt``'s language: a card per city and volume."""
    from profiles_gen.render import autonym, make_environment

    env = make_environment(None, fmt)
    return env.get_template("home.html").render(
        lang=fmt.lang,
        entries=entries,
        media="screen",
        compare=compare_page(fmt.lang) if compare else None,
        bands=_bands(fmt),
        languages=[
            {"lang": c, "name": autonym(c), "href": home_page(c), "current": c == fmt.lang}
            for c in langs
        ],
        assets={"stylesheets": ["assets/profile.css"], "inline_css": "", "scripts": []},
    )


def _bands(fmt: Formatter) -> list[dict]:
    return [
        {"id": b, "short": vocab.band_short(fmt, b), "symbol": BAND_SYMBOLS[b]} for b in BAND_IDS
    ]


LEGIBLE_PX = 11.5  # the smallest chart text on a phone, in CSS px (11 and a margin)
_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')
_FONT_SIZE = re.compile(r'font-size[=:]\s*"?([\d.]+)(?:px)?')


def legible_width(svg: str) -> int | None:
    """The width in CSS px at which a chart's smallest text is ``LEGIBLE_PX`` tall.

    On a phone a figure is drawn at least this wide and scrolls sideways, rather than
    shrinking its labels to a few pixels. ``None`` for a chart without text.
    """
    box = _VIEWBOX.search(svg)
    sizes = [float(s) for s in _FONT_SIZE.findall(svg) if float(s) > 0]
    if not box or not sizes:
        return None
    return math.ceil(float(box.group(1)) * LEGIBLE_PX / min(sizes))


# --- the site-wide comparison ----------------------------------------------------------------


def site_cities(results: list) -> tuple[list[City], list]:
    """Every city built, once: standalone cities and the members of volumes, with their scores."""
    cities, scores, seen = [], [], set()
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
    return cities, scores


def write_comparison(out_root: Path, results: list) -> list[Path]:
    """``compare.html`` (and ``compare.<lang>.html``): every KPI of every city side by side."""
    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.compare import YEAR_WINDOW, compare_cities

    cities, scores = site_cities(results)
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
        html = render_comparison(fmt, catalogue, comparison, langs)
        path = out_root / compare_page(lang)
        atomic_write(path, html)
        written.append(path)
    return written


def comparison_view(fmt: Formatter, catalogue, comparison) -> dict:
    from profiles_gen.render import make_row

    lang = fmt.lang
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
                "cells": [
                    {
                        "row": cell,
                        "sort": "" if item.achievement is None else str(item.achievement),
                    }
                    for cell, item in zip(cells, row.items, strict=True)
                ],
            }
        )
    return {
        "cities": [c.name.get(lang, c.name["en"]) for c in comparison.cities],
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


def render_comparison(fmt: Formatter, catalogue, comparison, langs: list[str]) -> str:
    from profiles_gen.render import autonym, make_environment

    env = make_environment(None, fmt)
    return env.get_template("compare.html").render(
        comparison_view(fmt, catalogue, comparison),
        lang=fmt.lang,
        media="screen",
        p="",
        bands=_bands(fmt),
        band_short=lambda b: vocab.band_short(fmt, b),
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


def build_site(out_root: Path, city_dirs: list[Path], opts, progress=None) -> tuple[list, Path]:
    """Build every city, then the comparison and home pages, and assemble ``site/``."""
    from profiles_gen.pipeline import build_cities
    from profiles_gen.publish import JS_DIR, assemble_site, write_if_changed

    results = build_cities(city_dirs, out_root, opts, progress)
    write_comparison(out_root, results)
    write_if_changed(
        out_root / "assets" / "profile.js", (JS_DIR / "profile.js").read_text(encoding="utf-8")
    )
    write_site_home(out_root)  # now with the link to the comparison
    return results, assemble_site(out_root, [r.city.slug for r in results])
