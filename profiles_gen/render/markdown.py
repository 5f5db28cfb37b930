"""Narrative Markdown rendered to sanitised HTML, its shortcodes resolved."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from profiles_gen.data.narrative import KPI_COUNTS, SHORTCODE_RE, URL_SCHEMES

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "a",
    "blockquote",
    "code",
    "sup",
    "sub",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "abbr",
    "img",
}


ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "td": set(),
    "span": {"lang", "class"},
    "p": {"lang"},
}


_md = MarkdownIt("commonmark", {"typographer": False}).enable("table").use(footnote_plugin)


_NOTE_RE = re.compile(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>', re.S)


_CALL_RE = re.compile(
    r'<sup class="footnote-ref"><a href="#fn(\d+)" id="fnref\d+(?::\d+)?">'
    r"\[\d+(?::\d+)?\]</a></sup>"
)


def count_text(fmt, what: str, count: int, total: int | None = None) -> str:
    """A count with its noun, in the form the language needs for that number (ngettext):
    ``84 KPIs``, «84 показателя»; with ``total``, ``84 of the 91 KPIs``, «84 из 91
    показателя» (the noun agrees with the total)."""
    values = {"count": fmt.number(count)}
    if total is not None:
        values = {"part": fmt.number(count), "count": fmt.number(total)}
        # Translators: {{count reported of total}} in narrative, e.g. "84 of the 91 KPIs";
        # the noun takes the form its last number needs.
        text = fmt.npgettext(
            "count", "%(part)s of the %(count)s KPI", "%(part)s of the %(count)s KPIs", total
        )
    elif what in KPI_COUNTS:
        # Translators: {{count reported}} in narrative: a number of KPIs, e.g. "84 KPIs".
        text = fmt.npgettext("count", "%(count)s KPI", "%(count)s KPIs", count)
    else:
        # Translators: {{count scored}} in narrative: indicators and their data points scored
        # (or without a target), e.g. "79 indicators and data points".
        text = fmt.npgettext(
            "count",
            "%(count)s indicator or data point",
            "%(count)s indicators and data points",
            count,
        )
    return text % values


def expand_shortcodes(text: str, resolve) -> str:
    """Replace each shortcode by ``resolve(name, args)`` (plain text, escaped later)."""

    def repl(match: re.Match) -> str:
        return _escape_md(resolve(match.group(1), match.group(2).split()))

    return SHORTCODE_RE.sub(repl, text)


def _escape_md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _inline_footnotes(html: str) -> str:
    """Move each footnote's text to its call, as ``<span class="footnote">``.

    The PDF floats them to the foot of the page and numbers them through the
    document (CSS ``float: footnote``); the HTML edition shows them in place.
    """
    start = html.find('<hr class="footnotes-sep" />')
    if start < 0:
        return html
    notes = {}
    for number, body in _NOTE_RE.findall(html[start:]):
        body = re.sub(r'\s*<a href="#fnref[^"]*" class="footnote-backref">.*?</a>', "", body)
        notes[number] = re.sub(r"</?p>", "", body).strip()
    body = html[:start]
    return _CALL_RE.sub(
        lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body
    )


def render_markdown(text: str, resolve, demote: int = 0) -> str:
    """Markdown with shortcodes expanded, sanitised; headings moved down ``demote`` levels."""
    html = _inline_footnotes(_md.render(expand_shortcodes(text, resolve)))
    if demote:
        html = re.sub(
            r"<(/?)h([1-6])>", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + demote)}>", html
        )
    return sanitise(html)
