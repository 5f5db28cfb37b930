"""Text in another language than the edition's, marked in the finished HTML.

``i18n.marks`` wraps such a text where it is made (a string the catalogue lacks, a
publication field without the edition's language). Here, on the HTML an edition is
rendered to, each marked text in the page's text becomes
``<span lang="…" class="untranslated">``: a screen reader switches voice, WeasyPrint
writes ``/Lang`` on its structure element (``publish.weasy.tag_element_languages``),
and the build lists it. Where no element can carry a language (inside a tag's
attributes, ``<title>``, ``<option>``, scripts and styles) the marks are dropped.
"""

from __future__ import annotations

import html as htmllib
import re

from profiles_gen.i18n.marks import CLOSE, MARK_RE, OPEN, strip_marks

_TOKEN_RE = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)
_NAME_RE = re.compile(r"</?([A-Za-z][\w:-]*)")
# Elements whose content is text only: a mark there is dropped, not made a span.
_TEXT_ONLY = {"title", "script", "style", "textarea", "option"}


def mark_languages(html: str, found: list | None = None) -> str:
    """``html`` with every marked text as a ``span`` with its ``lang``, no mark left.
    ``found`` gets (lang, text) of each marked text, whether made a span or dropped (a
    text of ``<title>`` or of an attribute: the PDF's title, subject and keywords)."""
    if OPEN not in html and CLOSE not in html:
        return html
    if found is not None:
        found += marked_texts(html)
    out: list[str] = []
    pos, text_only = 0, None
    for token in _TOKEN_RE.finditer(html):
        text = html[pos : token.start()]
        out.append(strip_marks(text) if text_only else _spans(text))
        tag = token.group(0)
        out.append(strip_marks(tag))
        name = _NAME_RE.match(tag)
        if name:
            element = name.group(1).lower()
            if tag.startswith("</") and element == text_only:
                text_only = None
            elif not tag.startswith("</") and element in _TEXT_ONLY and not tag.endswith("/>"):
                text_only = text_only or element
        pos = token.end()
    tail = html[pos:]
    out.append(strip_marks(tail) if text_only else _spans(tail))
    return "".join(out)


def _span(match: re.Match) -> str:
    if match.group(0) == CLOSE:
        return "</span>"
    return f'<span lang="{match.group(1)}" class="untranslated">'


def _spans(text: str) -> str:
    return MARK_RE.sub(_span, text)


def marked_texts(html: str) -> list[tuple[str, str]]:
    """(lang, text) of every outermost marked text of ``html`` (marks, tags and entities
    taken out of the text), in the order of the page."""
    out, stack = [], []
    for match in MARK_RE.finditer(html):
        if match.group(0) != CLOSE:
            stack.append((match.group(1), match.end()))
            continue
        if not stack:
            continue
        lang, start = stack.pop()
        if not stack:
            inner = strip_marks(html[start : match.start()])
            text = " ".join(htmllib.unescape(re.sub(r"<[^>]*>", " ", inner)).split())
            if text:
                out.append((lang, text))
    return out
