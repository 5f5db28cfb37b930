"""URLs break only at their structural points, never after a hyphen of their own and never
with a hyphen added (``render.breakable_urls``), in the HTML and in the PDF read back.

The PDFs are read with pdfplumber link by link: WeasyPrint writes one link annotation per
line of a link, so the characters inside each annotation are the URL's line pieces, in order
(on a turned annex page too). Rejoined, they must give the link's URI exactly, and no piece
but the last may end with a hyphen.
"""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from profiles_gen.render.urls import breakable_urls
from tests.conftest import MINI, plumbed, run_cli

BEFORE = "?#&._-"  # a line may start with one of these, or follow a "/"


URL_MARKUP = re.compile(r'<span class="url">((?:[^<]|<wbr>|<span>[^<]*</span>)*)</span>')
ZWSP, WJ = "\u200b", "\u2060"


def pieces(html: str, media: str = "print") -> list[str]:
    """The pieces of the first URL of ``html``, between which a line may break."""
    if media == "screen":
        return [text_of(p) for p in URL_MARKUP.search(html).group(1).split("<wbr>")]
    url = re.search(r"<a [^>]*>([^<]*)</a>", html).group(1)
    return [unescape(p.replace(WJ, "")) for p in url.split(ZWSP)]


def text_of(html: str) -> str:
    """The text a reader copies: no tags, no zero-width characters."""
    return unescape(re.sub("<[^>]+>", "", html)).replace(ZWSP, "").replace(WJ, "")


def held_together(html: str, media: str) -> None:
    """Inside a piece, no character at which the line breaker breaks on its own (after "-",
    "?" or "!", before "("): a nowrap <span> on screen, word joiners around it in print."""
    if media == "screen":
        for piece in URL_MARKUP.search(html).group(1).split("<wbr>"):
            if re.search(r"[^A-Za-z0-9#&=%~_]", text_of(piece).rstrip("/")):
                assert re.fullmatch(r"<span>[^<]*</span>", piece), piece
        return
    for piece in re.search(r"<a [^>]*>([^<]*)</a>", html).group(1).split(ZWSP):
        piece = unescape(piece).rstrip("/")
        for n, char in enumerate(piece):
            if re.match(r"[^A-Za-z0-9#&=%~_\u2060]", char):
                assert n == 0 or piece[n - 1] == WJ, piece
                assert n == len(piece) - 1 or piece[n + 1] == WJ, piece


@pytest.mark.parametrize("media", ["print", "screen"])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.itu.int/en/2021-U4SSC-Factsheet/page15.html",
            ["https://", "www.itu.int/", "en/", "2021", "-U4SSC", "-Factsheet/", "page15", ".html"],
        ),
        (
            "https://eur-lex.europa.eu/legal-content/EN/?uri=CELEX:52022PC0541&from=DE",
            ["https://", "eur-lex.europa.eu/", "legal", "-content/", "EN/",
             "?uri=CELEX:52022PC0541", "&from=DE"],
        ),
        (  # a long host name breaks too, before its dots
            "https://oeil.secure.europarl.europa.eu/oeil/document-summary?id=1764146",
            ["https://", "oeil", ".secure", ".europarl", ".europa", ".eu/", "oeil/", "document",
             "-summary", "?id=1764146"],
        ),
        ("http://x.org/a_b#c", ["http://", "x.org/", "a", "_b", "#c"]),
        ("www.a-b.org/x--y!z", ["www.a-b.org/", "x", "--y!z"]),  # never a line of "-" alone
    ],
)  # fmt: skip
def test_a_url_breaks_only_after_a_slash_or_before_its_punctuation(url, expected, media) -> None:
    html = breakable_urls(f"<p>See {url}.</p>", media)
    assert pieces(html, media) == expected
    assert text_of(html) == f"See {url}."  # the same text
    held_together(html, media)


@pytest.mark.parametrize("media", ["print", "screen"])
def test_the_url_leaves_sentence_punctuation_outside_and_keeps_its_own(media) -> None:
    html = breakable_urls("<p>(See https://x.org/a_(b)?q=1&amp;r=2), or www.y-z.org.</p>", media)
    assert text_of(html) == "(See https://x.org/a_(b)?q=1&r=2), or www.y-z.org."
    links = re.findall(r'<a href="([^"]*)">(.*?)</a>', html)
    assert [(href, text_of(inner)) for href, inner in links] == [
        ("https://x.org/a_(b)?q=1&amp;r=2", "https://x.org/a_(b)?q=1&r=2"),
        ("https://www.y-z.org", "www.y-z.org"),
    ]


@pytest.mark.parametrize("media", ["print", "screen"])
def test_only_the_text_is_touched_and_a_link_is_not_linked_again(media) -> None:
    untouched = (
        '<title>https://a-b.org/c-d</title><meta content="https://a-b.org/c-d">'
        "<script>let u = 'https://a-b.org/c-d';</script><style>a{}</style>"
        "<svg><text>https://a-b.org/c-d</text></svg><!-- https://a-b.org/c-d -->"
        '<img alt="https://a-b.org/c-d" src="x.png">'
    )
    assert breakable_urls(untouched, media) == untouched
    linked = breakable_urls('<a href="https://a-b.org/c-d">https://a-b.org/c-d</a> x', media)
    assert linked.count("<a ") == 1 and text_of(linked) == "https://a-b.org/c-d x"
    assert pieces(linked, media) == ["https://", "a-b.org/", "c", "-d"]


# --- read back from the PDF -----------------------------------------------------------


def link_pieces(pdf: Path) -> list[tuple[str, list[str]]]:
    """Every link of ``pdf`` whose text is a URL: (its URI, the text of each of its lines)."""
    found: list[tuple[str, list[str]]] = []

    def shown(uri: str, first: str) -> str:  # "www.x.org" links to https://www.x.org
        return uri.removeprefix("https://") if first.startswith("www.") else uri

    with plumbed(pdf) as doc:
        for page in doc.pages:
            for link in page.hyperlinks:
                chars = [
                    c
                    for c in page.chars
                    if link["x0"] - 0.5 <= (c["x0"] + c["x1"]) / 2 <= link["x1"] + 0.5
                    and link["top"] - 0.5 <= (c["top"] + c["bottom"]) / 2 <= link["bottom"] + 0.5
                ]
                text = "".join(c["text"] for c in chars).strip()
                uri = link["uri"] or ""
                last = found[-1] if found else ("", [""])
                if last[0] == uri and len("".join(last[1])) < len(shown(uri, last[1][0])):
                    found[-1][1].append(text)  # the next line of the same URL
                elif text.startswith(("http", "www.")):
                    found.append((uri, [text]))
    return found


def check_urls(pdf: Path, expected: set[str]) -> int:
    """Every URL of ``pdf`` rejoins to its URI, breaks only at its structural points; every
    URL of ``expected`` is there. Returns how many URLs run over more than one line."""
    links = link_pieces(pdf)
    problems = []
    for uri, lines in links:
        if "".join(lines) != (uri.removeprefix("https://") if lines[0][:4] == "www." else uri):
            problems.append(("not rejoined", uri, lines))
        for line, after in zip(lines, lines[1:], strict=False):
            if line.endswith("-"):
                problems.append(("hyphen at a line end", uri, lines))
            elif not (line.endswith("/") or after[:1] in BEFORE):
                problems.append(("not a structural point", uri, lines))
    assert not problems, problems[:5]
    assert expected <= {uri for uri, _ in links}, expected - {uri for uri, _ in links}
    return sum(len(lines) > 1 for _, lines in links)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_samples_references_break_only_at_structural_points(sample_site, lang) -> None:
    # The references are the sources of the default targets the sample's items take.
    out = sample_site.out / "tbilisi"
    items = json.loads((out / "tbilisi-kpis.json").read_text(encoding="utf-8"))["items"]
    urls = {i["target_url"] for i in items if i["target_set"] == "default"}
    assert len(urls) >= 5
    broken = check_urls(out / f"tbilisi-{lang}.pdf", urls)
    assert broken >= 3  # some of the references' long URLs do run over two lines


LONG = {  # a URL of each kind of place, each long and hyphenated
    "fact": "https://www.geostat.ge/en/modules/categories/41/population-census-2021-final-results",
    "source": "https://www.itu.int/en/publications/Documents/tsb/"
    "2021-U4SSC-Factsheet-Mashhad-Iran-Islamic-Republic-of/files/basic-html/page15.html",
    "target": "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:52022PC0541&from=DE",
    "note": "https://data.tbilisi-city-hall.gov.ge/statistics/2021-household-internet-access-"
    "survey-final-report.pdf",
    "autolink": "https://www.emissions-euets.com/internal-electricity-market-glossary/"
    "1439-smart-metering",
    "funding": "https://unece.org/housing-and-land-management/smart-sustainable-cities-profiles",
}


@pytest.fixture(scope="module")
def url_city(tmp_path_factory) -> Path:
    """A small city whose fact, sources, target, footnote, narrative and imprint hold long
    hyphenated URLs, built (PDF and HTML, EN and RU)."""
    root = tmp_path_factory.mktemp("urls")
    city = root / "cities" / "mini"
    shutil.copytree(MINI, city)
    text = (city / "city.yaml").read_text(encoding="utf-8")
    text = text.replace("source: Test census", f"source: 'Test census, {LONG['fact']}'")
    text = text.replace(
        "  symbol: ECE/HBP/999\n",
        f"  symbol: ECE/HBP/999\n  funding: {{en: 'Project page: {LONG['funding']}', "
        f"ru: 'Страница проекта: {LONG['funding']}'}}\n",
    )
    (city / "city.yaml").write_text(text, encoding="utf-8")
    kpis = (city / "kpis.yaml").read_text(encoding="utf-8")
    kpis = kpis.replace(
        "source: Test regulator}", f"source: 'Test regulator, {LONG['source']}'}}", 1
    )
    kpis = kpis.replace("target_source: Test plan}", f"target_source: 'EU, {LONG['target']}'}}", 1)
    (city / "kpis.yaml").write_text(kpis, encoding="utf-8")
    for lang, words in (("en", "Household survey"), ("ru", "Обследование домохозяйств")):
        md = city / "narrative" / lang / "10-overview.md"
        md.write_text(
            md.read_text(encoding="utf-8").rstrip()
            + f" See <{LONG['autolink']}>.[^1]\n\n[^1]: {words}, {LONG['note']}.\n",
            encoding="utf-8",
        )
    status, _, err = run_cli(["build", "mini"], root)
    assert status == 0, err
    return root / "build" / "mini"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_kind_of_url_in_the_pdf_rejoins_whole(url_city: Path, lang: str) -> None:
    check_urls(url_city / f"mini-{lang}.pdf", set(LONG.values()))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_url_in_the_html_is_a_link_set_to_break_at_its_points(url_city, lang) -> None:
    html = (url_city / lang / "index.html").read_text(encoding="utf-8")
    for url in LONG.values():
        escaped = url.replace("&", "&amp;")
        links = re.findall(rf'<a href="{re.escape(escaped)}"[^>]*>(.*?)</a>', html)
        assert links, url
        for inner in links:
            assert text_of(inner) == url
            assert pieces(inner, "screen")[0] == "https://" and len(pieces(inner, "screen")) > 5
            held_together(inner, "screen")


# Where Chromium wraps each URL of the HTML edition on a phone: the characters of a link
# with their line (the top of each character's box), read with a Range per character.
LINK_LINES = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => /^(https?:|www\\.)/.test(a.textContent) && a.getClientRects().length)
  .map(a => {
    const chars = [], w = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = w.nextNode())) {
      for (let i = 0; i < n.nodeValue.length; i++) {
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const box = Array.from(r.getClientRects()).find(b => b.width > 0);
        chars.push([n.nodeValue[i], box ? Math.round(box.top) : null]);
      }
    }
    return [a.getAttribute('href'), chars];
  })"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_chromium_wraps_urls_only_at_their_points(url_city: Path, lang: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_site import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto((url_city / lang / "index.html").as_uri(), wait_until="load")
        links = page.evaluate(LINK_LINES)
        browser.close()
    wrapped, seen = 0, set()
    for href, chars in links:
        text = "".join(c for c, _ in chars)
        assert text == (href.removeprefix("https://") if text.startswith("www.") else href)
        seen.add(href)
        lines, top = [""], None
        for char, char_top in chars:
            if top is not None and char_top is not None and char_top > top + 2:
                lines.append("")
            lines[-1] += char
            top = char_top if char_top is not None else top
        wrapped += len(lines) > 1
        for line, after in zip(lines, lines[1:], strict=False):
            assert not line.endswith("-"), (href, lines)
            assert line.endswith("/") or after[:1] in BEFORE, (href, lines)
    assert set(LONG.values()) <= seen
    assert wrapped >= 3  # at 375 px the long ones do wrap
