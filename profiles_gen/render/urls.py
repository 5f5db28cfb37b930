"""URLs set breakable only at their structural points, in print and on screen."""

from __future__ import annotations

import html as htmllib
import re

from markupsafe import Markup

# A URL a reader copies from a page must come out whole: it breaks only at its structural
# points, after "/" or "//" and before "?", "#", "&", ".", "_" or "-" (a line never ends
# with a hyphen of the URL, and no hyphen is ever added; the Chicago Manual of Style).
# Every URL in the text of an edition, wherever it comes from (sources, references,
# narrative, footnotes, the imprint), is set here, and made a link if it is not one.
# Between its pieces goes a break opportunity; inside a piece, a character after which the
# line breaker would break on its own ("-", "?", "!", brackets) is held to its neighbours.
# - print: U+200B ZERO WIDTH SPACE between pieces, U+2060 WORD JOINER around such a
#   character; no element is added (WeasyPrint writes a link annotation for every box inside
#   a link), and neither character is in the PDF's text, so a URL copied from it is whole.
# - screen: <wbr> between pieces and a nowrap <span> for such a piece (screen.css), as a
#   browser would copy U+200B and U+2060 with the URL.
# Hyphenation is off in links (print.css, screen.css).
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\u00a0\u200b\u2060]+")


_NOT_TEXT = re.compile(  # elements whose content is not the page's text, comments and tags
    r"<(script|style|title|textarea|svg)\b.*?</\1\s*>|<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S | re.I,
)


_LINK_TAG = re.compile(r"</?a[\s>]", re.I)


_URL_BREAK = re.compile(r"(?<=/)(?=[^/])|(?<=[^/?#&._-])(?=[?#&._-])")


_URL_TRAILING = ".,;:!?'\""


_CLOSING = {")": "(", "]": "["}


_URL_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?([^/?#]*)", re.I)


SHORT_HOST = 24  # a host name of up to so many characters stays on one line


_BREAKS_INSIDE = re.compile(r"[^A-Za-z0-9#&=%~_]")  # the line breaker may break at these


ZWSP, WJ = "\u200b", "\u2060"


def breakable_urls(html: str, media: str = "print") -> str:
    """``html`` with every URL in its text set to break only at its structural points, and
    made a link where it is not one yet (a URL in a city's text: a footnote, a credit)."""
    out, end, in_link = [], 0, 0
    for match in _NOT_TEXT.finditer(html):
        out += [_urls_in_text(html[end : match.start()], not in_link, media), match.group()]
        if _LINK_TAG.match(match.group()):
            in_link = max(0, in_link + (-1 if match.group()[1] == "/" else 1))
        end = match.end()
    out.append(_urls_in_text(html[end:], not in_link, media))
    return "".join(out)


def _urls_in_text(text: str, link: bool, media: str) -> str:
    return _URL.sub(lambda m: _breakable_url(m.group(), link, media), text)


def url_pieces(url: str) -> list[str]:
    """``url`` cut at the points where a line may break."""
    host = _URL_HOST.match(url).span(1)
    short_host = host[1] - host[0] <= SHORT_HOST
    cuts = [
        m.start()
        for m in _URL_BREAK.finditer(url)
        if 0 < m.start() < len(url) and not (short_host and host[0] < m.start() <= host[1])
    ]
    return [url[a:b] for a, b in zip([0, *cuts], [*cuts, len(url)], strict=True)]


def _breakable_url(found: str, link: bool, media: str) -> str:
    text = htmllib.unescape(found)
    url = re.split(r"[\"'<>]", text, maxsplit=1)[0]  # an escaped quote ends it
    while url and (
        url[-1] in _URL_TRAILING
        or (url[-1] in _CLOSING and url.count(url[-1]) > url.count(_CLOSING[url[-1]]))
    ):
        url = url[:-1]  # a full stop or a closing bracket of the sentence, not of the URL
    tail = str(Markup.escape(text[len(url) :]))
    pieces = []
    for piece in url_pieces(url):
        held = _BREAKS_INSIDE.search(piece.rstrip("/"))
        if media == "print":
            if held:
                piece = _BREAKS_INSIDE.sub(lambda m: WJ + m.group() + WJ, piece).strip(WJ)
            pieces.append(str(Markup.escape(piece)))
        else:
            escaped = str(Markup.escape(piece))
            pieces.append(f"<span>{escaped}</span>" if held else escaped)
    if media == "print":
        markup = ZWSP.join(pieces)
    else:
        markup = f'<span class="url">{"<wbr>".join(pieces)}</span>'
    if link:
        href = url if "://" in url else f"https://{url}"
        markup = f'<a href="{Markup.escape(href)}">{markup}</a>'
    return markup + tail
