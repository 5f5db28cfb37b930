"""The typography of an edition, set in one pass over its HTML.

Every text node of the page and every reader-facing attribute (the running head, a
bookmark label, ``alt``, ``title``, ``aria-label``) goes through ``i18n.typography``'s
``typeset`` in the edition's language, wherever the text came from (a template, a msgstr,
the narrative, the city's data, a target set): digit groups, units, dashes, short words,
chemical formulas. Headings and captions keep their last short word with the one before
(``bind_last_words``). Code, preformatted text, scripts, styles and inline SVG (the charts
set their own labels, through the same module) are left as they are.
"""

from __future__ import annotations

import html as htmllib
import re

from profiles_gen.i18n.typography import WJ, bind_last_words, typeset

# Elements whose content is not the page's prose: left alone.
_VERBATIM = "script|style|svg|math|code|pre|kbd|samp|textarea"
_TOKEN = re.compile(
    rf"<!--.*?-->|<({_VERBATIM})\b.*?</\1\s*>"
    r"|<(title)>(.*?)</title\s*>"
    r"|<(/?)([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)
# Headings and captions: their last line never holds a lone short word.
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption"}
_ATTRIBUTES = re.compile(
    r"""(\s(?:data-running-head|data-bookmark|alt|title|aria-label)=)("[^"]*"|'[^']*')""",
    re.I,
)


def typeset_html(html: str, lang: str, media: str = "print") -> str:
    """``html`` with its text and reader-facing attributes typeset for ``lang``.

    In print, a word joiner holds a unit together ("µg/⁠m³"); on screen, where a browser
    would copy the invisible character with the text, the unit is a nowrap span instead
    (as ``breakable_urls`` does for URLs)."""
    out: list[str] = []
    texts: list[int] = []  # indexes in ``out`` of the text nodes of the open heading
    heading: list[str] = []  # the open heading's element name (at most one)
    end = 0
    for m in _TOKEN.finditer(html):
        _text(out, html[end : m.start()], lang, media, texts if heading else None)
        end = m.end()
        if m.group(1):  # verbatim element
            out.append(m.group())
        elif m.group(2):  # <title>: plain text only
            out.append(f"<title>{_plain(m.group(3), lang, media)}</title>")
        elif m.group(5) is None:  # a comment
            out.append(m.group())
        else:
            closing, name = m.group(4) == "/", m.group(5).lower()
            out.append(m.group() if closing else _tag(m.group(), lang, media))
            if name in _HEADINGS:
                if closing and heading and heading[-1] == name:
                    bound = bind_last_words([out[i] for i in texts])
                    for i, text in zip(texts, bound, strict=True):
                        out[i] = text
                    heading.clear()
                    texts.clear()
                elif not closing and not heading:
                    heading.append(name)
    _text(out, html[end:], lang, media, None)
    return "".join(out)


_JOINED = re.compile(r"[^\s<>]*\u2060[^\s<>]*")


def _text(out: list[str], text: str, lang: str, media: str, texts: list[int] | None) -> None:
    if not text:
        return
    if texts is not None:
        texts.append(len(out))
    text = typeset(text, lang, markup=True)
    if media == "screen":
        text = _JOINED.sub(
            lambda m: f'<span class="nowrap">{m.group().replace(WJ, "")}</span>', text
        )
    out.append(text)


def _plain(escaped: str, lang: str, media: str) -> str:
    """An escaped attribute value or title, typeset as plain text and escaped again."""
    text = typeset(htmllib.unescape(escaped), lang)
    if media == "screen":
        text = text.replace(WJ, "")
    return htmllib.escape(text, quote=True)


def _tag(tag: str, lang: str, media: str) -> str:
    return _ATTRIBUTES.sub(
        lambda m: f'{m.group(1)}"{_plain(m.group(2)[1:-1], lang, media)}"',
        tag,
    )
