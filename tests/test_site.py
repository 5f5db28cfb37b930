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

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from profiles_gen.build.home import write_site_home
from profiles_gen.charts.draw import legible_width
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
        "main section.chapter > h1", "els => els.map(h => h.parentElement.id)"
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
        else:  # the panel marks where the reader is
            current = page.get_attribute("#toc-panel-list a[aria-current]", "href")
            assert current == href
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
            page.eval_on_selector_all(f"{visible} td.code", "els => els.map(e => e.textContent)")
        )

    def count_text() -> str:
        return page.inner_text("#compare-count")

    assert total >= len(catalogue.kpis) and count_text().startswith(f"{total} ")
    page.select_option("#filter-dimension", "EN")
    assert shown_codes() == {k.code for k in catalogue.kpis if k.dimension == "EN"}
    shown = page.locator(visible).count()
    assert count_text().startswith(f"{shown} ") and 0 < shown < total
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
    codes = page.eval_on_selector_all(f"{visible} td.code", "els => els.map(e => e.textContent)")
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
    assert page.locator("svg[role=img] > title").count() == 9  # 6 of results, 3 of progress
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
    svg = page.evaluate("getComputedStyle(document.querySelector('figure svg')).minWidth")
    assert svg in ("0px", "auto")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 100_000
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
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    if width == 375 and name in EDITIONS:
        page.click("#toc-panel .toc-toggle")  # the phone menu, open
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []
    page.close()


# --- quick checks of the site's pieces -------------------------------------------------------


def test_legible_width_is_set_by_the_smallest_label() -> None:
    svg = (
        '<svg viewBox="0 0 400 300"><text font-size="10px">a</text>'
        '<text style="font-size: 5px">b</text></svg>'
    )
    assert legible_width(svg) == 920  # 400 units, 5-unit text drawn at 11.5 px
    assert legible_width('<svg viewBox="0 0 400 300"><path d="M0 0"/></svg>') is None


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
