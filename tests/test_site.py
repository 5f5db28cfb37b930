"""The HTML edition and the site, in a real headless Chromium (slow: builds the site).

Pages are opened from file:// at phone and desktop widths; every request must
stay on the site, the console must stay clean, the language switcher must work
and axe-core must find no WCAG 2.1 A or AA violation. Screenshots are saved in
build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

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
}


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


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_cleanly_and_stay_on_the_site(
    site: Path, browser, name: str, width: int
) -> None:
    page, log = open_page(browser, (site / PAGES[name]).as_uri(), width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=name.startswith("home"))
    assert log == {"console": [], "failed": [], "external": []}
    assert page.evaluate("document.documentElement.lang") == ("ru" if "ru" in name else "en")
    # Nothing wider than the screen: the page reflows at phone width.
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 1, f"{name} is {overflow}px wider than {width}px"
    page.close()


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


@pytest.mark.parametrize("name", list(PAGES))
def test_no_wcag_a_or_aa_violations(site: Path, browser, name: str) -> None:
    page, _ = open_page(browser, (site / PAGES[name]).as_uri(), 1280)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(
            n => n.target.join(' ')).join(' | '));
    }""")
    assert violations == []
