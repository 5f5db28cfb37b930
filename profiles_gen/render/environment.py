"""The Jinja environment of the templates (sandboxed, autoescaped, with gettext)."""

from __future__ import annotations

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
    env.globals["legible_width"] = legible_width
    env.globals["ids"] = {**PAGE_IDS, **SECTION_IDS}
    return env


def autonym(code: str) -> str:
    """A language's name in that language ("English", "русский")."""

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
