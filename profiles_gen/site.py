"""The static site around the editions: what each built city records, and the home pages."""

from __future__ import annotations

import math
import re
from pathlib import Path

from profiles_gen.i18n import Formatter, translations
from profiles_gen.model import City, Volume
from profiles_gen.publish import (
    read_edition_infos,
    stylesheet,
    write_edition_info,
    write_home,
)


def update_site(out_root: Path, results: list) -> list[Path]:
    """Record each built city's ``edition.json``, then rewrite the site's home pages."""
    for result in results:
        write_edition_info(out_root / result.city.slug, edition_info(result.city))
    return write_site_home(out_root)


def edition_info(city: City | Volume) -> dict:
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
    return {
        "slug": city.slug,
        "name": name,
        "country": city.country,
        "languages": list(city.languages),
        "title": titles,
        "illustrative": city.illustrative,
    }


def write_site_home(out_root: Path) -> list[Path]:
    """Home pages listing every city built under ``out_root``, one per language."""
    from profiles_gen.render import autonym

    infos = read_edition_infos(out_root)
    langs = sorted(
        {lang for i in infos for lang in i["languages"]} | {"en"},
        key=lambda code: (code != "en", code),
    )
    pages = {}
    for lang in langs:
        fmt = Formatter(lang, translations(lang))
        entries = [
            {
                "slug": i["slug"],
                "name": i["name"].get(lang, i["name"]["en"]),
                "country": i["country"].get(lang, i["country"]["en"]),
                "title": i["title"],
                "illustrative": i["illustrative"],
                "editions": [{"lang": code, "name": autonym(code)} for code in i["languages"]],
            }
            for i in infos
        ]
        pages[home_page(lang)] = render_home(fmt, entries, langs)
    return write_home(out_root, pages, stylesheet("screen", lambda name: f"fonts/{name}"))


def home_page(lang: str) -> str:
    return "index.html" if lang == "en" else f"index.{lang}.html"


def render_home(fmt: Formatter, entries: list[dict], langs: list[str]) -> str:
    """The home page of the site, in ``fmt``'s language: every city and edition."""
    from profiles_gen.render import autonym, make_environment

    env = make_environment(None, fmt)
    return env.get_template("home.html").render(
        lang=fmt.lang,
        entries=entries,
        media="screen",
        languages=[
            {"lang": c, "name": autonym(c), "href": home_page(c), "current": c == fmt.lang}
            for c in langs
        ],
        assets={"stylesheets": ["assets/profile.css"], "inline_css": "", "scripts": []},
    )


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
