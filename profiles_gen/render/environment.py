"""The Jinja environment of the templates (sandboxed, autoescaped, with gettext)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

from profiles_gen.charts.draw import legible_width
from profiles_gen.core.paths import TEMPLATES_DIR
from profiles_gen.data.sandbox import TEMPLATE_OPTIONS, CityTemplateLoader, sandboxed
from profiles_gen.i18n.formatter import Formatter, babel_locale
from profiles_gen.render.outline import PAGE_IDS, SECTION_IDS
from profiles_gen.render.urls import breakable_urls


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
    env.filters["nest_headings"] = nest_headings
    env.filters["css_string"] = css_string
    env.globals["legible_width"] = legible_width
    env.globals["ids"] = {**PAGE_IDS, **SECTION_IDS}
    return env


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element of the page."""
    escaped = "".join(
        c if c.isalnum() or c in " .,:;()–-·%/'" else f"\\{ord(c):X} " for c in str(text)
    )
    return Markup(f'"{escaped}"')


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def nest_headings(html: str, parent: int, media: str = "screen") -> Markup:
    """Sanitised HTML (a chapter's narrative) with its headings placed under a heading of
    level ``parent``, on screen: the highest becomes ``parent + 1``, the others keep their
    places below it and none is more than one level below the heading before it (an author's
    ``##`` after the chapter's title, a ``####`` after a ``##``). The page then has one ``h1``
    and no skipped level. In print (the PDF) the headings stay as written."""
    if media != "screen":
        return Markup(html)
    text = str(html)
    levels = [int(m.group(2)) for m in _HEADING.finditer(text) if not m.group(1)]
    if not levels:
        return Markup(text)
    top, previous, placed = min(levels), parent, []
    for level in levels:
        previous = min(parent + 1 + level - top, previous + 1, 6)
        placed.append(previous)
    opened = iter(placed)
    stack: list[int] = []

    def renumber(m: re.Match) -> str:
        if m.group(1):  # a closing tag closes the heading last opened
            return f"</h{stack.pop()}"
        stack.append(next(opened))
        return f"<h{stack[-1]}"

    return Markup(_HEADING.sub(renumber, text))


def autonym(code: str) -> str:
    """A language's name in that language ("English", "русский")."""

    locale = babel_locale(code)
    return locale.languages.get(code.split("-")[0], code)


def render_edition(env: Environment, template: str, view: dict, media: str, assets: dict) -> str:
    """An edition as HTML for ``media`` ``screen`` (HTML edition) or ``print`` (PDF).

    The parts of a volume (``view["parts"]``, each a member's view) are rendered
    first, each in its own context, and placed by the page template.

    ``hl``, the templates' heading offset: in print every chapter is an ``h1`` (the PDF's
    bookmarks and tags), on screen the cover's title is the page's one ``h1``, chapters are
    ``h2`` and, in a volume, the parts ``h2`` and their chapters ``h3``.
    """
    hl = 1 if media == "screen" else 0
    parts = view.get("parts", ())
    if parts:
        part_template = env.get_template("_volume_part.html")
        for part in parts:
            part["html"] = Markup(part_template.render(part, media=media, assets=assets, hl=hl * 2))
    html = env.get_template(template).render(view, media=media, assets=assets, hl=hl)
    return breakable_urls(html, media)
