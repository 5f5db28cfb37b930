"""The HTML edition and the site, in a real headless Chromium (slow: builds the site).

Pages are opened from file:// at phone and desktop widths; every request must
stay on the site, the console must stay clean, the language switcher, the
contents panel and the comparison page must work, no text in a table or chart
may be under 11 CSS px at phone width, no word may be broken across lines and
axe-core must find no WCAG 2.1 A or AA violation. Screenshots are saved in
build/screenshots/ for a person to look at. The site is the session's build of the
samples (``sample_site``); the browser is started once for the module.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import math
import re
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from profiles_gen.build.home import write_site_home
from profiles_gen.data.catalogue import load_catalogue
from tests.conftest import ROOT

slow = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "home": "index.html",
    "home-ru": "index.ru.html",
    "tbilisi-en": "tbilisi/en/index.html",
    "tbilisi-ru": "tbilisi/ru/index.html",
    "volume-en": "norway/en/index.html",
    "volume-ru": "norway/ru/index.html",
    "compare": "compare.html",
    "compare-ru": "compare.ru.html",
}
EDITIONS = ["tbilisi-en", "tbilisi-ru", "volume-en", "volume-ru"]

# Every visible text in a table under 11 CSS px, every chart label drawn under 11 CSS px
# (font size times the on-screen scale of its SVG), and every word whose characters are laid
# out on more than one line (a Range over the word has boxes at two heights). A word here is a
# run of letters and digits between spaces, hyphens, dashes and slashes; URLs may wrap anywhere.
LEGIBILITY = """() => {
  const small = [], broken = [];
  const visible = el => el.getClientRects().length > 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue, el = node.parentElement;
    if (!text.trim() || el.closest('svg') || !visible(el)) continue;
    if (el.closest('table')) {
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 11) small.push(text.trim().slice(0, 30) + ': ' + px.toFixed(1) + 'px');
    }
    const link = el.closest('a');
    if (link && /^\\s*(https?:|www\\.)/.test(link.textContent)) continue;
    const words = /[^\\s\\-\\u2010-\\u2015\\/]+/g;
    let m;
    while ((m = words.exec(text))) {
      if (m[0].length < 2) continue;
      const r = document.createRange();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0)
        .map(x => Math.round(x.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  for (const t of document.querySelectorAll('figure svg text')) {
    if (!visible(t)) continue;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (px < 11) small.push('chart: ' + t.textContent.slice(0, 30) + ': ' + px.toFixed(1) + 'px');
  }
  return {small: small.slice(0, 10), broken: broken.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def site(sample_site) -> Path:
    """The site of every sample city, built once per session (``sample_site`` in conftest)."""
    return sample_site.out / "site"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    log = {"console": [], "failed": [], "external": []}
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["console"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("request", lambda r: r.url.startswith("file://") or log["external"].append(r.url))
    page.goto(url, wait_until="load")
    return page, log


def shoot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_cleanly_and_stay_on_the_site(
    site: Path, browser, name: str, width: int
) -> None:
    page, log = open_page(browser, (site / PAGES[name]).as_uri(), width)
    shoot(page, f"{name}-{width}", full_page=name.startswith("home"))
    assert log == {"console": [], "failed": [], "external": []}
    assert page.evaluate("document.documentElement.lang") == ("ru" if "ru" in name else "en")
    # Nothing wider than the screen: the page reflows at phone width.
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 1, f"{name} is {overflow}px wider than {width}px"
    page.close()


@slow
@pytest.mark.parametrize("name", list(PAGES))
def test_phone_text_is_legible_and_no_word_is_broken(site: Path, browser, name: str) -> None:
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), 375)
    found = page.evaluate(LEGIBILITY)
    assert found == {"small": [], "broken": []}
    if name in EDITIONS:  # a KPI table (cards) and a chart, for a person to look at
        prefix = "" if name.startswith("tbilisi") else "alesund-"
        for what, target in (("table", "tab-kpis-EC"), ("chart", "fig-bars-EC")):
            page.evaluate(f"document.getElementById('{prefix}{target}').scrollIntoView()")
            shoot(page, f"{name}-375-{what}")
    page.close()


# Every chart picture shown: its file (the SVG the browser chose), its width on the screen.
CHART_IMAGES = """() => Array.from(document.querySelectorAll('figure img'))
  .filter(i => i.getClientRects().length && i.currentSrc.endsWith('.svg'))
  .map(i => { const r = i.getBoundingClientRect();
              return [decodeURIComponent(new URL(i.currentSrc).pathname), r.left, r.right]; })"""

# The charts load as the reader nears them (loading="lazy"): the reader scrolls to each chart
# shown, and it loads.
REACH_EVERY_CHART = """async () => {
  for (const img of document.querySelectorAll('figure img')) {
    if (!img.getClientRects().length) continue;
    img.scrollIntoView();
    if (!img.complete) await new Promise(done => {
      img.addEventListener('load', done, {once: true});
      img.addEventListener('error', done, {once: true});  // a broken one fails below
    });
  }
}"""

_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')
_FONT_SIZE = re.compile(r'font-size="([\d.]+)(?:px)?"')


def chart_text_px(page) -> list[tuple[str, float, float]]:
    """Each chart shown: (file, its smallest text in CSS px as drawn, its right edge)."""
    found = []
    for path, left, right in page.evaluate(CHART_IMAGES):
        svg = Path(path).read_text(encoding="utf-8")
        units = float(_VIEWBOX.search(svg).group(1))
        sizes = [float(x) for x in _FONT_SIZE.findall(svg)]
        smallest = min(sizes) * (right - left) / units if sizes else math.inf
        found.append((Path(path).name, smallest, right))
    return found


# Every label of a chart: its text, its width as the browser sets it (in the chart's own
# units, points), its size and weight.
CHART_LABELS = """() => [...document.querySelectorAll('text')].map(t => [
  t.textContent, t.getComputedTextLength(), parseFloat(t.getAttribute('font-size')),
  ['700', 'bold'].includes(t.getAttribute('font-weight')) ? 'bold' : 'normal'])"""


@slow
@pytest.mark.parametrize(
    "chart", ["tbilisi/en/charts/bars-EC-phone.svg", "tbilisi/ru/charts/wheel.svg"]
)
def test_a_chart_s_labels_are_as_wide_in_a_browser_as_matplotlib_measured_them(
    site: Path, browser, chart: str
) -> None:
    """With the fonts it carries, the browser sets each label of a chart kerned, as
    matplotlib measured it when it fitted the label to its place: never wider than that by
    more than a twentieth of a point (without the fonts' kerning, a phone's label came out
    up to 1.7 pt wider), and no more than half a per cent narrower (Chromium sets the text a
    little narrower: by 0.1 to 0.2 %)."""
    from profiles_gen.charts.text import _measure_line

    page = browser.new_page()
    page.goto((site / chart).as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    labels = page.evaluate(CHART_LABELS)
    page.close()
    assert len(labels) > 50
    measured = [
        (text, width, _measure_line(text, size, weight)[0])
        for text, width, size, weight in labels
        if text.strip()
    ]
    wider = [m for m in measured if m[1] > m[2] + 0.05]
    narrower = [m for m in measured if m[1] < m[2] * 0.995]
    assert wider == [] and narrower == []


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", EDITIONS)
def test_charts_are_drawn_for_the_screen_s_width(site: Path, browser, name: str, width: int):
    """At 375 and 1280 px every chart shown is the layout drawn for that width: none wider
    than the screen, none with text under 11 px; a phone gets the phone layouts."""
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    page.evaluate(REACH_EVERY_CHART)
    charts = chart_text_px(page)
    page.close()
    assert len(charts) >= 9
    assert [c for c in charts if c[1] < 11 or c[2] > width] == []
    phone = [c for c in charts if c[0].endswith("-phone.svg")]
    assert len(phone) == (len(charts) if width == 375 else 0)


@slow
def test_the_legibility_check_finds_broken_words_and_small_text(site: Path, browser) -> None:
    """The check above can fail: words split anywhere and tiny table text are caught."""
    page, _ = open_page(browser, (site / PAGES["tbilisi-ru"]).as_uri(), 375)
    page.add_style_tag(
        content="table, table * { font-size: 9px !important; overflow-wrap: anywhere;"
        " hyphens: auto; } table th, table td { width: 3em; display: table-cell !important; }"
    )
    found = page.evaluate(LEGIBILITY)
    assert found["small"] and found["broken"]
    page.close()


def panel_links(page) -> list[str]:
    return page.eval_on_selector_all("#toc-panel-list a", "els => els.map(a => a.hash)")


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["tbilisi-en", "volume-ru"])
def test_navigation_reaches_every_chapter_and_back(
    site: Path, browser, name: str, width: int
) -> None:
    page, log = open_page(browser, (site / PAGES[name]).as_uri(), width)
    toggle = page.locator("#toc-panel .toc-toggle")
    hashes = panel_links(page)
    chapters = page.eval_on_selector_all(
        "main section.chapter > :is(h2, h3):first-child", "els => els.map(h => h.parentElement.id)"
    )
    # Every chapter of the body is in the panel (and the front matter and the imprint too).
    assert {f"#{c}" for c in chapters} <= set(hashes)
    assert "#imprint" in hashes and len(hashes) == len(set(hashes))
    assert toggle.is_visible() == (width == 375)
    for n, href in enumerate(hashes):
        if width == 375:
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
            if n == 0:
                shoot(page, f"{name}-375-menu")
        page.click(f'#toc-panel-list a[href="{href}"]')
        top = page.evaluate(f"document.getElementById('{href[1:]}').getBoundingClientRect().top")
        assert 0 <= top < 300, f"{href} is at {top}px after its link"
        assert page.url.endswith(href)
        if width == 375:  # the menu closes on the way to the chapter
            assert toggle.get_attribute("aria-expanded") == "false"
            assert not page.locator("#toc-panel-list").is_visible()
        else:  # the panel marks where the reader is (on the frame after the scroll)
            page.wait_for_function(
                """href => { const a = document.querySelector('#toc-panel-list a[aria-current]');
                    return a !== null && a.getAttribute('href') === href; }""",
                arg=href,
            )
        page.click(".back-to-top")
        assert page.evaluate("window.scrollY") == 0
    # And back through the browser's history, to the last chapter opened.
    page.go_back()
    top = page.evaluate(f"document.getElementById('{hashes[-1][1:]}').getBoundingClientRect().top")
    assert 0 <= top < 300
    assert log["console"] == [] and log["external"] == []
    page.close()


@slow
@pytest.mark.parametrize("width", [375, 1280])
def test_comparison_page_sorts_and_filters(site: Path, browser, width: int) -> None:
    page, log = open_page(browser, (site / PAGES["compare"]).as_uri(), width)
    catalogue = load_catalogue()
    rows = page.locator("#compare-table tbody tr")
    total = rows.count()
    visible = "#compare-table tbody tr:not([hidden])"

    def shown_codes() -> set[str]:
        return set(
            page.eval_on_selector_all(
                f"{visible} th.kpi .code", "els => els.map(e => e.textContent)"
            )
        )

    def count_text() -> str:
        return page.inner_text("#compare-count")

    # "KPIs and data points shown: N of M": no noun after the number, so no plural form.
    assert total >= len(catalogue.kpis) and count_text().endswith(f": {total} of {total}")
    page.select_option("#filter-dimension", "EN")
    assert shown_codes() == {k.code for k in catalogue.kpis if k.dimension == "EN"}
    shown = page.locator(visible).count()
    assert count_text().endswith(f": {shown} of {total}") and 0 < shown < total
    # Sub-dimensions of other dimensions are no longer offered.
    offered = page.eval_on_selector_all(
        "#filter-subdimension option:not([hidden])", "els => els.map(o => o.value)"
    )
    assert set(offered) == {""} | {s.id for s in catalogue.subdimensions if s.parent == "EN"}
    sub = offered[1]
    page.select_option("#filter-subdimension", sub)
    assert shown_codes() == {k.code for k in catalogue.kpis if k.subdimension == sub}
    page.select_option("#filter-dimension", "")
    page.select_option("#filter-subdimension", "")
    page.select_option("#filter-sdg", "6")
    expected = {
        k.code for k in catalogue.kpis if any(t.split(".")[0] == "6" for t in k.sdg_targets)
    }
    assert shown_codes() == expected
    page.select_option("#filter-sdg", "")
    page.check("#filter-comparable")
    flags = page.eval_on_selector_all(f"{visible} td.flags", "els => els.map(e => e.textContent)")
    assert 0 < len(flags) < total and set(flags) <= {"comparable", "–"}
    page.uncheck("#filter-comparable")
    assert page.locator(visible).count() == total
    # Sort by a city's achievement: values ascending, then descending; rows without one last.
    column = page.locator("#compare-table thead th[data-sort=number]").first
    for direction in ("ascending", "descending"):
        column.locator("button.sort").click()
        assert column.get_attribute("aria-sort") == direction
        index = column.evaluate("th => th.cellIndex")
        values = page.eval_on_selector_all(
            "#compare-table tbody tr", f"rows => rows.map(r => r.cells[{index}].dataset.value)"
        )
        numbers = [Decimal(v) for v in values if v]
        assert numbers == sorted(numbers, reverse=direction == "descending")
        assert all(v for v in values[: len(numbers)])  # the empty ones come after
    # Sorting by code restores the catalogue's order.
    page.locator("#compare-table thead th[data-sort=text] button.sort").first.click()
    codes = page.eval_on_selector_all(
        f"{visible} th.kpi .code", "els => els.map(e => e.textContent)"
    )
    assert list(dict.fromkeys(codes)) == [k.code for k in catalogue.kpis]
    shoot(page, f"compare-{width}-sorted")
    assert log["console"] == [] and log["external"] == []
    page.close()


@slow
def test_language_switcher_and_keyboard(site: Path, browser) -> None:
    page, log = open_page(browser, (site / PAGES["tbilisi-en"]).as_uri(), 1280)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.click('nav.site-nav a[hreflang="ru"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/tbilisi/ru/index.html")
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert page.locator('nav.site-nav [aria-current="page"]').inner_text() == "русский"
    page.click('nav.site-nav a[hreflang="en"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/tbilisi/en/index.html")
    assert log["console"] == [] and log["external"] == []


@slow
def test_band_filter_and_chart_data(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["tbilisi-en"]).as_uri(), 1280)
    rows = page.locator("#tab-annex-kpis tbody tr")
    total = rows.count()
    page.select_option("#band-filter", "reached")
    visible = page.locator("#tab-annex-kpis tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert visible.count() == page.locator("#tab-annex-kpis tbody tr.band-row-reached").count()
    assert page.locator("figure.chart picture:not(.piece) img").count() == 9  # 6 + 3 progress
    assert page.locator("details.chart-data table").count() == 9


@slow
@pytest.mark.parametrize("name", ["tbilisi-en", "volume-ru"])
def test_lists_numbered_once_urls_linked_imprint_last(site: Path, browser, name: str) -> None:
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), 1280)
    # The lists of figures and tables: "Figure 3. …", with no list number before it.
    styles = page.eval_on_selector_all(
        ".contents .toc-list li", "els => els.map(li => getComputedStyle(li).listStyleType)"
    )
    assert styles and set(styles) == {"none"}
    # Every URL a reader sees is a link.
    unlinked = page.evaluate("""() => {
        const out = [], w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let n;
        while ((n = w.nextNode())) {
            if (/https?:\\/\\//.test(n.nodeValue) && !n.parentElement.closest('a')) {
                out.push(n.nodeValue.trim().slice(0, 60));
            }
        }
        return out;
    }""")
    assert unlinked == []
    if name == "tbilisi-en":  # its targets' sources, listed as references, quote ITU pages
        assert page.locator("a[href^='https://www.itu.int/']").count() > 0
    # The imprint and legal notices come after the text, before the back cover.
    order = page.evaluate("""() => ['main', '#imprint', '#back-cover'].map(
        s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)""")
    assert order == sorted(order)
    page.close()


@slow
def test_home_page_links_every_edition_and_the_comparison(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["home"]).as_uri(), 1280)
    hrefs = page.eval_on_selector_all("main a", "els => els.map(a => a.getAttribute('href'))")
    for href in hrefs:  # every link resolves on the site
        assert (site / href).is_file(), href
    assert "compare.html" in hrefs
    assert {"tbilisi/en/index.html", "norway/ru/index.html"} <= set(hrefs)
    assert page.locator(".card").count() == 2
    thumbs = page.eval_on_selector_all(".card-thumb", "els => els.map(i => i.naturalWidth)")
    assert len(thumbs) == 2 and all(w > 0 for w in thumbs)


@slow
def test_print_from_the_browser(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["tbilisi-en"]).as_uri(), 375)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['#toc-panel', '.back-to-top', '.site-nav'].map("
        "s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none", "none", "none"]
    # A chart prints within the page: its picture no wider than the text.
    over = page.evaluate("""() => [...document.querySelectorAll('figure img')]
        .filter(i => i.getBoundingClientRect().width > i.closest('figure').clientWidth + 1)
        .length""")
    assert over == 0
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 100_000
    page.close()


# --- the reader's place, the weight, headings, targets, print (issue 30) ---------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def http_site(site: Path):
    """The site over HTTP from a plain static server (no compression, as many hosts serve
    it); yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# What a page load fetched, as the browser counts it (Resource Timing): each response's
# bytes on the wire (transferSize: 0 when it came from the cache) and its body.
TRANSFERS = """() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .map(e => ({url: e.name, transfer: e.transferSize, body: e.encodedBodySize}))"""

BUDGET = 1_000_000  # bytes an edition may transfer on loading (issue 30)


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", EDITIONS)
def test_an_edition_transfers_at_most_1_mb(browser, http_site: str, name: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})  # empty cache
    page = context.new_page()
    page.goto(http_site + PAGES[name], wait_until="networkidle")
    fetched = page.evaluate(TRANSFERS)
    total = sum(f["body"] for f in fetched)
    assert sum(f["transfer"] for f in fetched) >= total > 0  # measured on the wire
    fonts = [f["url"] for f in fetched if "/fonts/" in f["url"]]
    assert fonts and all(re.search(r"/assets/fonts/[\w-]+\.woff2$", u) for u in fonts), fonts
    styles = [f["url"] for f in fetched if f["url"].endswith((".css", ".js"))]
    assert sorted(styles) == [http_site + "assets/profile.css", http_site + "assets/profile.js"]
    heaviest = sorted(fetched, key=lambda f: -f["body"])[:3]
    assert total <= BUDGET, f"{name} at {width}px loads {total} bytes: {heaviest}"
    context.close()


@slow
def test_switching_language_downloads_no_font_again(browser, http_site: str, site: Path) -> None:
    """The editions share the site's assets: the second edition's fonts, stylesheet and
    script come from the browser's cache (transferSize 0), none from the edition's folder."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(http_site + PAGES["tbilisi-en"], wait_until="networkidle")
    first = {f["url"] for f in page.evaluate(TRANSFERS) if "/assets/" in f["url"]}
    page.click('nav.site-nav a[hreflang="ru"]')
    page.wait_for_load_state("networkidle")
    assert page.url.split("#")[0].endswith("/tbilisi/ru/index.html")
    again = [f for f in page.evaluate(TRANSFERS) if f["url"] in first]
    assert {f["url"] for f in again} == first  # the same files
    fonts = [f for f in again if "/fonts/" in f["url"]]
    assert fonts and [f["url"] for f in fonts if f["transfer"] > 0] == []  # from the cache
    # The stylesheet and the script at most asked whether they changed: a "304 Not Modified"
    # is its headers, about 300 bytes, far less than the file (whose size is read from the
    # disk: Chromium counts no body for a response revalidated that way).
    for f in again:
        size = (site / f["url"].split("/", 3)[3]).stat().st_size
        assert f["transfer"] < min(size, 2000), f
    context.close()


def kpi_anchor_of(item: dict) -> str:
    """The id a KPI's row has in every edition (issue 30): ``kpi-`` and the KPI's id, and for
    a data point its id with anything but letters and digits as ``-``."""
    point = item.get("data_point")
    if not point:
        return f"kpi-{item['kpi']}"
    return f"kpi-{item['kpi']}-{re.sub(r'[^A-Za-z0-9]+', '-', point).strip('-')}"


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["tbilisi-en", "tbilisi-ru", "volume-en"])
def test_every_kpi_row_and_card_has_an_id_and_a_link_to_copy(
    site: Path, browser, name: str, width: int
) -> None:
    slug = "tbilisi" if name.startswith("tbilisi") else "norway"
    data = json.loads((site / slug / f"{slug}-kpis.json").read_text(encoding="utf-8"))
    # A profile's items, or each member's of a volume (its ids prefixed with the member's).
    parts = (
        {"": data["items"]}
        if "items" in data
        else {f"{member}-": part["items"] for member, part in data["members"].items()}
    )
    catalogue = load_catalogue()
    expected = {
        prefix + kpi_anchor_of(i): catalogue.by_id[i["kpi"]]
        for prefix, items in parts.items()
        for i in items
    }
    assert len(expected) == sum(map(len, parts.values())) > 100  # one id per item
    page, log = open_page(browser, (site / PAGES[name]).as_uri(), width)
    found = page.evaluate(
        """ids => ids.map(id => {
            const row = document.getElementById(id);
            const link = row && row.querySelector('a.permalink');
            const box = link && link.getBoundingClientRect();
            return row && {tag: row.tagName, table: row.closest('table.kpis') !== null,
                section: row.closest('section.results') && row.closest('section.results').id,
                code: link && link.textContent, href: link && link.getAttribute('href'),
                visible: row.getClientRects().length > 0,
                height: box && box.height, width: box && box.width};
        })""",
        list(expected),
    )
    for (anchor, kpi), row in zip(expected.items(), found, strict=True):
        assert row, f"no element with id {anchor}"
        assert row["tag"] == "TR" and row["table"] and row["visible"], anchor
        assert row["section"] and row["section"].endswith(f"results-{kpi.dimension}"), anchor
        assert row["code"] == kpi.code and row["href"] == f"#{anchor}"
        assert row["height"] >= 24 and row["width"] >= 24, anchor
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "every id once"
    # Following a code's link copies the KPI's address, says so, and keeps the page still.
    anchor = next(iter(expected))
    page.evaluate(f"document.getElementById('{anchor}').scrollIntoView({{block: 'center'}})")
    before = page.evaluate("window.scrollY")
    page.click(f"#{anchor} a.permalink")
    assert page.url.endswith(f"#{anchor}")
    assert page.evaluate("window.scrollY") == before
    # The copy is a promise: the status says so once it settles.
    page.wait_for_function(
        "url => document.getElementById('copy-status').textContent.includes(url)", arg=page.url
    )
    assert log["console"] == [] and log["external"] == []
    page.close()


@slow
def test_the_copied_address_is_the_kpis(browser, http_site: str) -> None:
    """Over HTTP the clipboard is written: the address of the row, which opens at it."""
    context = browser.new_context(viewport={"width": 375, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_site[:-1])
    page = context.new_page()
    page.goto(http_site + PAGES["tbilisi-ru"], wait_until="load")
    link = page.locator("#kpi-EN-EN-AQ-1C-PM2-5 a.permalink")
    link.scroll_into_view_if_needed()
    link.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == http_site + PAGES["tbilisi-ru"] + "#kpi-EN-EN-AQ-1C-PM2-5"
    other = context.new_page()
    other.goto(copied, wait_until="load")
    assert 0 <= _top_of(other, "kpi-EN-EN-AQ-1C-PM2-5") < 200
    context.close()


def _top_of(page, element_id: str) -> float:
    return page.evaluate(f"document.getElementById('{element_id}').getBoundingClientRect().top")


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(
    ("name", "other", "place"),
    [
        ("tbilisi-en", "ru", "kpi-SC-SH-SA-7C"),  # a KPI's card or row
        ("tbilisi-ru", "en", "fig-sdg"),  # a figure
        ("volume-en", "ru", "asker-results-SC"),  # a chapter of a part
    ],
)
def test_the_language_switch_keeps_the_readers_place(
    site: Path, browser, name: str, other: str, place: str, width: int
) -> None:
    page, log = open_page(browser, (site / PAGES[name]).as_uri(), width)
    # The reader scrolls (no link followed, so the address has no anchor) to the place.
    page.evaluate(f"window.scrollTo(0, document.getElementById('{place}').offsetTop)")
    page.evaluate(f"window.scrollBy(0, {_top_of(page, place)} - 70)")
    assert "#" not in page.url
    # The switch is at hand where the reader is: in the contents bar or panel.
    page.click(f'#toc-panel a[hreflang="{other}"]')
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == other
    assert page.url.endswith(f"/{other}/index.html#{place}"), page.url
    assert 0 <= _top_of(page, place) < 200  # the same place, in the other language
    assert log["console"] == [] and log["external"] == []
    page.close()


@slow
@pytest.mark.parametrize("width", [375, 1280])
def test_the_comparison_keeps_its_header_and_kpi_column_in_view(
    site: Path, browser, width: int
) -> None:
    page, log = open_page(browser, (site / PAGES["compare"]).as_uri(), width)
    region = page.locator(".table-scroll")
    region.scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.table-scroll').scrollIntoView()")
    box = region.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(12):  # the reader scrolls down the table, then sideways
        page.mouse.wheel(0, 300)
    page.mouse.wheel(600, 0)
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollTop > 1000")
    if width == 375:  # wider than a phone: scrolled sideways too (wheel events land in turn)
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    shot = page.evaluate(
        """() => {
        const inView = el => {
            const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return r.top >= 0 && r.bottom <= innerHeight && hit !== null && el.contains(hit);
        };
        const head = Array.from(document.querySelectorAll('#compare-table thead th'));
        const rows = Array.from(document.querySelectorAll('#compare-table tbody tr'));
        const region = document.querySelector('.table-scroll').getBoundingClientRect();
        const row = rows.find(r => r.getBoundingClientRect().top > region.top + 120);
        return {kpiHead: inView(head[0]), cityHeads: head.slice(1).filter(inView).length,
                kpiCell: inView(row.cells[0]), firstRowShown: inView(rows[0].cells[0]),
                kpiWidth: head[0].getBoundingClientRect().width};
    }"""
    )
    assert shot["kpiHead"] and shot["cityHeads"] >= 1, shot  # the header row, in view
    assert shot["kpiCell"] and not shot["firstRowShown"], shot  # the KPI column, in view
    if width == 375:  # not half the phone's width
        assert shot["kpiWidth"] <= 0.4 * width, shot
    shoot(page, f"compare-{width}-scrolled")
    assert log["console"] == []
    page.close()


@slow
def test_the_comparison_keeps_filter_and_sort_in_its_address(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["compare"]).as_uri(), 1280)
    visible = "#compare-table tbody tr:not([hidden])"
    page.select_option("#filter-dimension", "SC")
    page.select_option("#filter-sdg", "3")
    city = page.locator("#compare-table thead th[data-sort=number] button.sort").nth(1)
    city.click()
    city.click()  # descending
    key = city.get_attribute("data-key")
    url = page.url
    assert "dimension=SC" in url and "sdg=3" in url and f"sort={key}" in url
    assert "order=desc" in url
    order = page.eval_on_selector_all(visible, "rows => rows.map(r => r.id)")
    assert 0 < len(order) < page.locator("#compare-table tbody tr").count()
    # The address alone gives the same table (a bookmark, a link sent, a reload).
    again, log = open_page(browser, url, 1280)
    assert again.eval_on_selector_all(visible, "rows => rows.map(r => r.id)") == order
    assert again.input_value("#filter-dimension") == "SC"
    assert again.input_value("#filter-sdg") == "3"
    th = again.locator(f'#compare-table thead th:has(button[data-key="{key}"])')
    assert th.get_attribute("aria-sort") == "descending"
    # The language switch keeps them too.
    again.click('nav.site-nav a[hreflang="ru"]')
    again.wait_for_load_state("load")
    assert again.url.split("#")[0].endswith("compare.ru.html" + url[url.index("?") :])
    assert again.eval_on_selector_all(visible, "rows => rows.map(r => r.id)") == order
    assert log["console"] == []
    page.close()
    again.close()


@slow
def test_each_compared_value_links_to_the_citys_card(site: Path, browser) -> None:
    page, log = open_page(browser, (site / PAGES["compare"]).as_uri(), 1280)
    links = page.eval_on_selector_all(
        "#compare-table a.card-link",
        """els => els.map(a => ({href: a.getAttribute('href'),
            code: a.closest('tr').querySelector('th .code').textContent}))""",
    )
    assert len(links) > 200  # every reported value of four cities
    pages: dict[str, str] = {}
    for link in links:
        file, anchor = link["href"].split("#")
        if file not in pages:
            pages[file] = (site / file).read_text(encoding="utf-8")
        row = re.search(rf'<tr [^>]*id="{re.escape(anchor)}".*?</tr>', pages[file], re.S)
        assert row, link["href"]
        assert f">{link['code']}</a>" in row.group(0)  # the same KPI's card
    assert set(pages) == {"tbilisi/en/index.html", "norway/en/index.html"}
    first = page.locator("#compare-table a.card-link[href^='norway']").first
    target = first.get_attribute("href").split("#")[1]
    first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"norway/en/index.html#{target}")
    assert 0 <= _top_of(page, target) < 200
    assert log["console"] == [] and log["external"] == []
    page.close()


@slow
def test_the_comparison_prints_every_column(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["compare"]).as_uri(), 375)
    first = page.eval_on_selector(
        "#compare-table tbody tr", "tr => Array.from(tr.cells).map(c => c.innerText)"
    )
    heads = page.eval_on_selector_all(  # as printed: the headings without the sort buttons
        "#compare-table thead th",
        "ths => ths.map(th => (th.querySelector('.sort-label') || th).textContent)",
    )
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    box = pdf.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = squash(pdf.pages[0].extract_text())
    for cell in [*first, *heads[1:]]:  # every city's value and heading, and the flags
        assert squash(cell) in text, cell
    page.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter(h => h.getClientRects().length > 0 || h.closest('[hidden], details') === null)
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)])"""


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_one_h1_and_no_skipped_heading_level(site: Path, browser, name: str, width: int):
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    headings = page.evaluate(HEADINGS)
    assert [h for h in headings if h[0] == 1] == headings[:1] and headings[0][0] == 1
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        assert level <= before + 1, f"h{level} '{text}' after h{before}"
    page.close()


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["tbilisi-en", "volume-ru"])
def test_back_to_top_comes_after_scrolling_and_covers_nothing(
    site: Path, browser, name: str, width: int
) -> None:
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    link = page.locator(".back-to-top")
    assert link.count() == 1 and not link.is_visible()  # the first screen: nothing over it
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 3)")
    link.wait_for(state="visible")
    box = page.evaluate(
        """() => {
        const r = el => el.getBoundingClientRect().toJSON();
        const a = document.querySelector('.back-to-top');
        const text = Array.from(document.querySelectorAll('main p, main td, main th, main li'))
          .map(r).filter(b => b.width > 0 && b.bottom > 0 && b.top < innerHeight);
        const ab = r(a);
        return {link: ab, panel: r(document.getElementById('toc-panel')),
                main: r(document.querySelector('main')),
                over: text.filter(b => b.left < ab.right && b.right > ab.left &&
                                       b.top < ab.bottom && b.bottom > ab.top).length};
    }"""
    )
    link_box, panel = box["link"], box["panel"]
    assert link_box["height"] >= 24
    assert panel["left"] <= link_box["left"] and link_box["right"] <= panel["right"]
    assert panel["top"] <= link_box["top"] and link_box["bottom"] <= panel["bottom"]
    if width == 375:  # in the bar at the top of the screen
        assert panel["top"] == 0 and panel["bottom"] < 100
    else:  # in the panel beside the text
        assert link_box["right"] <= box["main"]["left"] and box["over"] == 0
    link.click()
    assert page.evaluate("window.scrollY") == 0
    page.close()


# Every control and every link set apart from running text (a link inside a sentence is
# exempt, as in WCAG 2.5.8): at least 24 by 24 CSS px.
TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a, button, select, input, summary')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === 'hidden' || el.closest('svg'))
      continue;
    const block = el.closest('p, li, td, th, dd, figcaption, caption, address');
    const inSentence = getComputedStyle(el).display === 'inline' && block !== null &&
      block.textContent.trim().length > el.textContent.trim().length + 3 &&
      !el.closest('nav, .editions, .download, thead');
    if (!inSentence && (r.height < 24 || r.width < 24))
      small.push(el.textContent.trim().slice(0, 30) + ': ' +
                 Math.round(r.width) + 'x' + Math.round(r.height));
  }
  return small;
}"""


@slow
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_touch_targets_are_24_px_at_least(site: Path, browser, name: str, width: int) -> None:
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    if width == 375 and name in EDITIONS:
        page.click("#toc-panel .toc-toggle")  # the phone menu, open
    assert page.evaluate(TARGETS) == []
    page.close()


@slow
def test_the_touch_target_check_finds_small_targets(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["tbilisi-en"]).as_uri(), 1280)
    page.add_style_tag(content=".site-nav a { display: inline; padding: 0; font-size: 10px; }")
    assert page.evaluate(TARGETS)
    page.close()


# The KPI rows of the results chapters, in order: each one's code and the unit under its name.
RESULT_ROWS = """() => Array.from(document.querySelectorAll(
    'section.results table.kpis tbody tr[id]')).map(tr =>
    [tr.querySelector('.code').textContent, tr.querySelector('.unit').textContent])"""


def split_rows(pdf: bytes, rows: list[list[str]]) -> list[str]:
    """The rows whose code and unit (its first and last lines) are printed on two pages."""
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    starts = [sum(len(p) for p in pages[:n]) for n in range(len(pages))]
    text = "".join(pages)

    def page_of(at: int) -> int:
        return max(n for n, start in enumerate(starts) if start <= at)

    cursor, split = 0, []
    for code, unit in rows:
        at = text.find(squash(code), cursor)
        end = text.find(squash(unit), at)
        assert at >= 0 and end >= 0, code
        if page_of(at) != page_of(end):
            split.append(code)
        cursor = end + len(squash(unit))
    return split


@slow
def test_printing_from_the_browser_keeps_rows_cards_and_figures_whole(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / PAGES["tbilisi-en"]).as_uri(), 375)
    rows = page.evaluate(RESULT_ROWS)
    assert len(rows) > 100
    page.emulate_media(media="print")
    kept = page.evaluate(
        """() => ['table.kpis tbody tr', 'figure', '.recommendation .rec-meta', 'h2']
          .map(s => getComputedStyle(document.querySelector(s)))
          .map(st => [st.breakInside, st.display])"""
    )
    assert kept[0] == ["avoid", "table-row"]  # on paper a table, its rows whole
    assert [k[0] for k in kept[1:3]] == ["avoid", "avoid"]
    assert split_rows(page.pdf(), rows) == []
    # The check finds split rows: the phone's cards, allowed to break, do split.
    page.add_style_tag(
        content="@media print { table.kpis, table.kpis tbody, table.kpis tr, table.kpis td,"
        " table.kpis th { display: block !important; break-inside: auto !important; } }"
    )
    assert split_rows(page.pdf(), rows)
    page.close()


AXE_RUN = """async () => {
    const r = await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(
        n => n.target.join(' ')).join(' | '));
}"""


# Every page at desktop width; at phone width (menus open) one language per page type.
AXE_CASES = [(name, 1280) for name in PAGES] + [
    (name, 375) for name in ("home", "tbilisi-en", "volume-en", "compare")
]


@slow
@pytest.mark.parametrize(("name", "width"), AXE_CASES)
def test_no_wcag_a_or_aa_violations(site: Path, browser, name: str, width: int) -> None:
    # The pages' Content-Security-Policy (no inline script) would refuse axe-core, injected
    # inline by the test: this context alone bypasses it. Readers' pages keep it.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto((site / PAGES[name]).as_uri(), wait_until="load")
    if width == 375 and name in EDITIONS:
        page.click("#toc-panel .toc-toggle")  # the phone menu, open
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []
    context.close()


# --- quick checks of the site's pieces -------------------------------------------------------


def _info(slug: str, result: dict) -> dict:
    return {
        "slug": slug,
        "name": {"en": slug.title()},
        "country": {"en": "Testland"},
        "languages": ["en"],
        "title": {"en": "Smart Sustainable Cities Profile"},
        "illustrative": False,
        "year": 2024,
        "thumbnail": "charts/wheel.svg",
        "result": result,
    }


def test_home_card_shows_the_result_or_insufficient_data(tmp_path: Path) -> None:
    cards = {
        "scored": {"band": "over_two_thirds", "share": "0.7"},
        "empty": {"band": "insufficient_data", "share": None},  # a result of #16
        "none": {"band": "no_data", "share": None},
    }
    for slug, result in cards.items():
        (tmp_path / slug).mkdir()
        (tmp_path / slug / "edition.json").write_text(json.dumps(_info(slug, result)))
    (tmp_path / "scored" / "scored-en.pdf").write_bytes(b"%PDF")
    write_site_home(tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    body = {
        name: re.search(rf"<h2><span[^>]*>{name},(.*?)<p>Data:", html, re.S).group(1)
        for name in ("Scored", "Empty", "None")
    }
    assert "band-over_two_thirds" in body["Scored"] and "70%" in body["Scored"]
    assert "2024" in body["Scored"]
    for name in ("Empty", "None"):
        assert "insufficient data" in body[name] and 'class="band ' not in body[name]
    assert 'href="scored/scored-en.pdf"' in html and "empty-en.pdf" not in html
    assert "compare.html" not in html  # no comparison page built here
