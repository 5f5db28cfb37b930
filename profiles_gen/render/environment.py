"""The Jinja environment of the templates (sandboxed, autoescaped, with gettext)."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import jinja2
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
)
from markupsafe import Markup

from profiles_gen.charts.draw import chart_src
from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.paths import TEMPLATES_DIR, shared_cache_dir
from profiles_gen.data import budget, sandbox
from profiles_gen.data.markup import page_problems
from profiles_gen.data.sandbox import TEMPLATE_OPTIONS, CityTemplateLoader, sandboxed
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter, babel_locale
from profiles_gen.render.languages import mark_languages
from profiles_gen.render.outline import PAGE_IDS, SECTION_IDS
from profiles_gen.render.typeset import typeset_html
from profiles_gen.render.urls import breakable_urls


def as_text(text: str) -> Markup:
    """A translation as text in HTML: ``&``, ``<``, ``>`` and ``"`` escaped.

    Jinja's newstyle gettext marks what the catalogue gives as safe HTML; a translation
    is text like any other, so it is escaped first. The apostrophe is left as it is (the
    templates quote every attribute with ``"``; a city's template that does not is
    caught by the page's check, ``markup.page_problems``), so that honest strings such as
    "the city's own target" are the same bytes as before.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(escaped.replace('"', "&#34;"))


class TextTranslations:
    """The gettext functions of an edition, each giving its translation as text."""

    def __init__(self, translations) -> None:
        self.translations = translations

    def gettext(self, message: str) -> Markup:
        return as_text(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return as_text(self.translations.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> Markup:
        return as_text(self.translations.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> Markup:
        return as_text(self.translations.npgettext(context, singular, plural, n))


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, which a failed write never stops: a
    template that cannot be kept (a full disk, a file size limit) is compiled again next
    time, and the build goes on to report the disk where its own outputs are written."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)  # a temporary file, renamed; removed on failure
        except OSError:
            pass


def compiled_templates() -> FileSystemBytecodeCache | None:
    """Jinja's cache of compiled templates, in the cache folder: a template is compiled
    (parsed, checked and given its budget, ``data/budget.py``) once, not per edition and
    build; Jinja checks each entry against its template's source. The folder is named by
    what compiles them (this package's sandbox and code generator, Jinja's version and
    the options), so that a changed compiler never reads an older one's code."""
    folder = shared_cache_dir() / "templates" / _compiler_key()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a cache folder that cannot be made: every template compiled, as before
        return None
    return _CompiledTemplates(str(folder))


@functools.cache
def _compiler_key() -> str:
    key = hashlib.sha256(f"{jinja2.__version__} {TEMPLATE_OPTIONS!r}".encode())
    for module in (budget, sandbox):
        key.update(Path(module.__file__).read_bytes())
    return key.hexdigest()[:16]


def make_environment(city_dir: Path | None, fmt: Formatter, allow_remote: bool = False):
    """Jinja with StrictUndefined, autoescape and gettext for ``fmt``'s language.

    Templates are looked up in ``cities/<city>/templates/`` first, then in
    ``templates/``; the built-ins are also reachable as ``default:NAME`` so
    that a city's override can extend them. ``allow_remote``: the build fetches
    remote resources, so its pages may show them.
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
        bytecode_cache=compiled_templates(),
        **TEMPLATE_OPTIONS,
    )
    env.allow_remote = allow_remote
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(TextTranslations(fmt.t), newstyle=True)
    env.filters.update(
        number=fmt.number,
        percent=fmt.percent,
        date=fmt.date,
        join_list=fmt.join_list,
        # a list whose items may hold commas, separated as the language does ("a ; b")
        join_semicolons=lambda items: Markup(fmt.semicolon).join(items),
    )
    env.globals.update(
        chart_src=chart_src,
        band_short=lambda band: vocab.band_short(fmt, band),
        insufficient_short=lambda rollup: vocab.insufficient_short(fmt, rollup),
        insufficient_count=lambda rollup: vocab.insufficient_count(fmt, rollup),
        insufficient_text=lambda rollup: vocab.insufficient_text(fmt, rollup),
        ids={**PAGE_IDS, **SECTION_IDS},
    )
    # Punctuation as the page's language sets it: "label: text", "a; b" (French: " : ", " ; ")
    env.globals["colon"] = fmt.colon
    env.globals["semicolon"] = fmt.semicolon
    # What the editions rendered with it show in another language (render_edition).
    env.shown_in_other_languages = []
    env.filters["nest_headings"] = nest_headings
    env.filters["css_string"] = css_string
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


def content_security_policy(allow_remote: bool = False) -> str:
    """What a page of the site may load: its own files (no inline script, no plug-in, no
    form), images of its own or embedded, remote images only for a build that fetches
    them (``--allow-remote``). Inline styles stay allowed: charts carry their own."""
    images = "'self' data:" + (" https: http:" if allow_remote else "")
    return (
        f"default-src 'self'; img-src {images}; style-src 'self' 'unsafe-inline'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    )


_CHARSET = re.compile(r"<meta charset=[^>]*>\n?", re.I)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>\n?", re.I)


def with_policy(html: str, allow_remote: bool = False) -> str:
    """``html`` with its Content-Security-Policy as the first thing after its charset
    (or its ``<head>``; a page without one gets it at the top, in the head a browser
    makes for it)."""
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{content_security_policy(allow_remote)}">\n'
    )
    head = _HEAD.search(html)
    charset = _CHARSET.search(html, head.end() if head else 0)
    if charset:
        return html[: charset.end()] + meta + html[charset.end() :]
    if head:
        return html[: head.end()] + meta + html[head.end() :]
    doctype = re.match(r"\s*<!doctype[^>]*>\n?", html, re.I)
    at = doctype.end() if doctype else 0
    return html[:at] + meta + html[at:]


def check_page(env: Environment, html: str, media: str, assets: dict) -> None:
    """A page rendered with a city's own templates follows the rules narrative follows
    (``markup.page_problems``): what a template built at run time is checked here."""
    folder = getattr(env, "city_folder", None)
    if folder is None or not folder.is_dir():
        return  # the built-in templates write only escaped text and sanitised narrative
    problems = page_problems(
        html, media, getattr(env, "allow_remote", False), assets.get("scripts", ())
    )
    if problems:
        kind = "HTML edition" if media == "screen" else "PDF"
        raise ProfileError(
            [
                Issue(
                    str(folder),
                    0,
                    0,
                    "template",
                    f"the {kind} rendered from the city's templates would carry {problem} "
                    f"(line {line} of the page)",
                )
                for line, _, problem in problems[:20]
            ]
        )


def render_edition(env: Environment, template: str, view: dict, media: str, assets: dict) -> str:
    """An edition as HTML for ``media`` ``screen`` (HTML edition) or ``print`` (PDF).

    The parts of a volume (``view["parts"]``, each a member's view) are rendered
    first, each in its own context, and placed by the page template. The whole is then
    typeset in the edition's language (``typeset_html``), its URLs set breakable.

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
    html = mark_languages(html, getattr(env, "shown_in_other_languages", None))
    html = typeset_html(html, view["lang"], media)
    check_page(env, html, media, assets)
    if media == "screen":
        html = with_policy(html, getattr(env, "allow_remote", False))
    return breakable_urls(html, media)
