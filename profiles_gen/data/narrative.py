"""Narrative Markdown: shortcodes that quote the data, rendering and sanitising.

Narrative is never evaluated as a template. The only dynamic parts are
shortcodes, replaced by formatted data before Markdown is rendered:

- ``{{kpi ID [DATA_POINT]}}``: the value with its unit (``93%``, ``93 %``)
- ``{{value ID [DATA_POINT]}}``: the bare number
- ``{{target ID [DATA_POINT]}}``, ``{{achievement ID [DATA_POINT]}}``, ``{{year ID …}}``
- ``{{band ID [DATA_POINT]}}``: the band label
- ``{{fact population}}``: a key fact from ``city.yaml``
- ``{{city}}``, ``{{country}}``: the names in the page's language; ``{{country genitive}}``:
  a form of the name that ``name_forms`` in city.yaml gives for the chapter's language
- ``{{count reported|not_reported|scored|no_target|total}}``: a count with its noun, in
  the form its number needs (``84 KPIs``, «84 показателя»); ``{{count reported of total}}``:
  ``84 of the 91 KPIs`` (``reported`` and ``not_reported`` only)
- ``{{rollup dimension|subdimension|category|sdg|city KEY}}``: a roll-up's band and share

The HTML that Markdown produces is sanitised with nh3: no scripts, no event
handlers, no ``javascript:`` or ``data:`` links.
"""

from __future__ import annotations

import difflib
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from profiles_gen.core.errors import IssueLog
from profiles_gen.data.catalogue import resolve_kpi_id
from profiles_gen.data.load import file_problem
from profiles_gen.data.schema import KEY_FACT_IDS

SHORTCODE_RE = re.compile(r"\{\{\s*([a-z_]+)((?:\s+[^\s{}]+)*)\s*\}\}")


KPI_CODES = ("kpi", "value", "target", "achievement", "band", "year")


SHORTCODES = KPI_CODES + ("fact", "city", "country", "count", "rollup")


COUNTS = ("reported", "not_reported", "scored", "total", "no_target")


# Counts of KPIs; the others count indicators and data points (scored items).
KPI_COUNTS = ("reported", "not_reported", "total")


ROLLUP_LEVELS = ("dimension", "subdimension", "category", "sdg", "city")


URL_SCHEMES = {"http", "https", "mailto"}


def iter_shortcodes(text: str):
    """Yield (offset, name, args) for each shortcode in ``text``."""
    for match in SHORTCODE_RE.finditer(text):
        yield match.start(), match.group(1), match.group(2).split(), match


def position(text: str, offset: int, first_line: int) -> tuple[int, int]:
    line = first_line + text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def check_shortcodes(
    text: str,
    path: Path,
    first_line: int,
    catalogue,
    log: IssueLog,
    facts: frozenset[str] | None = None,
    slug: str | None = None,
    forms: tuple[str, dict] | None = None,
) -> None:
    """Report unknown shortcodes, KPI ids and data points with their positions.

    ``facts``: the key facts the city has (``{{fact X}}`` must name one of them);
    ``slug``: the city's, the key of ``{{rollup city KEY}}``; ``forms``: the text's
    language and the city's ``name_forms`` (``{{country genitive}}`` must be one of them).
    """
    for offset, name, args, match in iter_shortcodes(text):
        line, col = position(text, offset, first_line)
        problem = _shortcode_problem(name, args, catalogue) or _what_the_city_has(
            name, args, catalogue, facts, slug, forms
        )
        if problem:
            log.error(path, line, col, "shortcode", f"{problem}: {match.group(0)}")
    for match in re.finditer(r"\{\{(?![^{}]*\}\})", text):
        line, col = position(text, match.start(), first_line)
        log.error(path, line, col, "shortcode", "'{{' without a closing '}}'")


# Everything in narrative that makes a reader (or WeasyPrint) fetch a resource is found on
# the parsed document: Markdown images (inline and reference-style), and in raw HTML the
# attributes below, ``srcset`` candidates and CSS ``url()`` / ``@import`` in ``style``.
RESOURCE_ATTRIBUTES = {"src", "data", "poster", "background", "xlink:href", "formaction"}


LINK_TAGS = {"a", "area"}  # their href is a hyperlink the reader follows, not a resource


_CSS_URL_RE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))|@import\s+["']([^"']+)""", re.I
)


_md_resources = MarkdownIt("commonmark").enable("table").use(footnote_plugin)


_md_resources.validateLink = lambda url: True  # see every URL, even those rendered as text


class _HtmlResources(HTMLParser):
    """The resource URLs named by a fragment of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            value = value or ""
            if name in RESOURCE_ATTRIBUTES or (name == "href" and tag not in LINK_TAGS):
                self.urls.append(value.strip())
            elif name in ("srcset", "imagesrcset"):
                self.urls += [c.split()[0] for c in value.split(",") if c.split()]
            elif name == "style":
                self.urls += _css_urls(value)
        self._style = tag == "style"

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self._style = False

    def handle_endtag(self, tag) -> None:
        self._style = False

    def handle_data(self, data) -> None:
        if self._style:
            self.urls += _css_urls(data)


def _css_urls(css: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None).strip() for m in _CSS_URL_RE.finditer(css)]


def resource_urls(text: str) -> list[tuple[str, int]]:
    """Every resource ``text`` names, with the offset in ``text`` it is written at."""
    found: list[tuple[str, int]] = []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def locate(url: str, line: int, cursor: int) -> int:
        for candidate in dict.fromkeys((url, unquote(url))):
            for origin in (cursor, starts[min(line, len(starts) - 1)], 0):
                at = text.find(candidate, origin) if candidate else -1
                if at >= 0:
                    return at
        return starts[min(line, len(starts) - 1)]

    def add(urls: list[str], line: int, cursor: int) -> int:
        for url in urls:
            cursor = locate(url, line, cursor)
            found.append((url, cursor))
            cursor += 1
        return cursor

    for token in _md_resources.parse(text):
        line = token.map[0] if token.map else 0
        cursor = starts[min(line, len(starts) - 1)]
        if token.type == "html_block":
            cursor = add(_html_urls(token.content), line, cursor)
        for child in token.children or ():
            if child.type == "image":
                cursor = add([str(child.attrs.get("src", ""))], line, cursor)
            elif child.type == "html_inline":
                cursor = add(_html_urls(child.content), line, cursor)
    return found


def _html_urls(html: str) -> list[str]:
    parser = _HtmlResources()
    parser.feed(html)
    parser.close()
    return parser.urls


def check_resources(
    text: str,
    path: Path,
    first_line: int,
    city_dir: Path,
    log: IssueLog,
    allow_remote: bool = False,
) -> None:
    """Report every resource that is not a file inside the city folder (or remote, if allowed)."""
    for url, offset in resource_urls(text):
        problem = resource_problem(url, city_dir, allow_remote)
        if problem:
            line, col = position(text, offset, first_line)
            log.error(path, line, col, "resource", f"{problem}: {url}")


def resource_problem(url: str, city_dir: Path, allow_remote: bool) -> str | None:
    url = url.strip()
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if url.startswith(("//", "\\\\")):  # another host, in the page's scheme
        return (
            None
            if allow_remote
            else ("remote resources are refused (build with --allow-remote to fetch them)")
        )
    if scheme:
        if scheme.group(1).lower() in ("http", "https") and allow_remote:
            return None
        if scheme.group(1).lower() in ("http", "https"):
            return "remote resources are refused (build with --allow-remote to fetch them)"
        return f"the {scheme.group(1).lower()}: scheme is refused; use a file in the city folder"
    if url.startswith(("/", "\\")):
        return "absolute paths are refused; use a path relative to the city folder"
    relative = unquote(url.split("#")[0].split("?")[0])
    if not relative or "\x00" in relative:
        return "not a file in the city folder"
    target = city_dir / relative
    if not _inside_lexically(target, city_dir):
        return "the path leads outside the city folder"
    if not os.path.lexists(target):
        return "no such file in the city folder"
    return file_problem(target, city_dir)


def _inside_lexically(path: Path, folder: Path) -> bool:
    normal = Path(os.path.normpath(path))
    return Path(os.path.normpath(folder)) in normal.parents


def _shortcode_problem(name: str, args: list[str], catalogue) -> str | None:
    if name not in SHORTCODES:
        close = difflib.get_close_matches(name, SHORTCODES, n=1)
        return f"unknown shortcode {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    if name in KPI_CODES:
        if not 1 <= len(args) <= 2:
            return f"{name} takes a KPI id and an optional data point"
        kpi_id, _ = resolve_kpi_id(catalogue, args[0])
        if kpi_id is None:
            close = difflib.get_close_matches(args[0].upper(), list(catalogue.by_id), n=1)
            return f"unknown KPI id {args[0]!r}" + (f"; did you mean {close[0]}?" if close else "")
        kpi = catalogue.by_id[kpi_id]
        if len(args) == 2 and kpi.data_point(args[1]) is None:
            return f"{kpi_id} has no data point {args[1]!r}"
        if len(args) == 1 and kpi.data_points:
            return f"{kpi_id} is reported per data point: name one"
    elif name == "fact":
        if len(args) != 1 or args[0] not in KEY_FACT_IDS:
            return f"fact takes one of {', '.join(KEY_FACT_IDS)}"
    elif name in ("city", "country") and len(args) > 1:
        return f"{name} takes at most one argument, a form of the name: {{{{{name} genitive}}}}"
    elif name == "count" and (not args or args[0] not in COUNTS or len(args) > 3):
        return f"count takes one of {', '.join(COUNTS)}"
    elif name == "count" and len(args) > 1:
        if args[1:] != ["of", "total"] or args[0] not in ("reported", "not_reported"):
            return "count … of total takes reported or not_reported: {{count reported of total}}"
    elif name == "rollup" and (len(args) != 2 or args[0] not in ROLLUP_LEVELS):
        return f"rollup takes a level ({', '.join(ROLLUP_LEVELS)}) and a key"
    return None


def _what_the_city_has(name, args, catalogue, facts, slug, forms=None) -> str | None:
    """A shortcode that is well formed but names something the city or framework lacks."""
    if name in ("city", "country") and args and forms is not None:
        lang, table = forms
        have = (table.get(lang) or {}).get(name) or {}
        if args[0] not in have:
            known = f" (it gives: {', '.join(sorted(have))})" if have else ""
            return (
                f"no {args[0]!r} form of the {name}'s name in {lang!r}{known}; give it in "
                f"city.yaml: name_forms: {{{lang}: {{{name}: {{{args[0]}: …}}}}}}"
            )
    if name == "fact" and facts is not None and args[0] not in facts:
        have = ", ".join(sorted(facts)) or "none"
        return f"the city has no key fact {args[0]!r} in city.yaml (it has: {have})"
    if name == "rollup":
        level, key = args
        keys = {
            "dimension": [d.id for d in catalogue.dimensions],
            "subdimension": [s.id for s in catalogue.subdimensions],
            "category": [c.id for c in catalogue.categories],
            "sdg": [str(n) for n in range(1, 18)],
            "city": [slug] if slug else None,
        }[level]
        if keys is not None and key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            shown = ", ".join(keys) if len(keys) <= 17 else ", ".join(keys[:8]) + ", …"
            return f"no {level} {key!r} (known: {shown}){hint}"
    return None
