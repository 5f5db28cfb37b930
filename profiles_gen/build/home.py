"""The home pages of the built site and the card each built city leaves for them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from profiles_gen.build.manifest import home_digest, home_is_fresh, record_home
from profiles_gen.core.files import make_dirs, write_if_changed
from profiles_gen.data.model import City, Volume
from profiles_gen.i18n import vocabulary as vocab
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.publish.fonts import (
    WebFont,
    css_characters,
    page_characters,
    web_fonts,
    web_fonts_css,
)
from profiles_gen.publish.styles import JS_DIR, stylesheet
from profiles_gen.scoring.score import BAND_IDS, BAND_SYMBOLS


def write_edition_info(out_dir: Path, info: dict) -> Path:
    """What the home page needs to know of a built city (names, languages, titles)."""
    path = out_dir / "edition.json"
    write_if_changed(path, json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path


def read_edition_infos(out_root: Path) -> list[dict]:
    infos = []
    for path in sorted(out_root.glob("*/edition.json")):
        try:
            infos.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # a broken file is rewritten by the next build of that city
    return infos


def write_assets(out_root: Path, css: str, fonts: list[WebFont]) -> None:
    """The site's ``assets/``, shared by the home pages, the comparison and every edition:
    the stylesheet, the script and the fonts (a font no longer used is removed)."""
    folder = out_root / "assets"
    make_dirs(folder / "fonts")
    for font in fonts:
        write_if_changed(folder / "fonts" / font.file, font.data)
    current = {font.file for font in fonts}
    for path in (folder / "fonts").iterdir():  # only regular files the build wrote
        if path.name not in current and path.is_file() and not path.is_symlink():
            path.unlink()
    write_if_changed(folder / "profile.css", css)
    write_if_changed(folder / "profile.js", (JS_DIR / "profile.js").read_bytes())


def write_home(out_root: Path, pages: dict[str, str]) -> list[Path]:
    """The site's home pages (one per language)."""
    written = []
    for name, html in pages.items():
        if write_if_changed(out_root / name, html):
            written.append(out_root / name)
    return written


def site_pages(out_root: Path, infos: list[dict]) -> list[Path]:
    """Every page of the site built so far but the home pages: each edition, the comparison."""
    editions = [
        out_root / i["slug"] / lang / "index.html" for i in infos for lang in i["languages"]
    ]
    pages = [*editions, *sorted(out_root.glob("compare*.html"))]
    return [page for page in pages if page.is_file()]


def update_site(out_root: Path, results: list) -> list[Path]:
    """Record each built city's ``edition.json``, then rewrite the site's home pages."""
    for result in results:
        write_edition_info(out_root / result.city.slug, edition_info(result.city, result.score))
    return write_site_home(out_root)


def _result(score, slug: str) -> dict:
    """A city's overall result: its roll-up's band and share (``None`` when nothing is scored)."""
    rollup = score.rollups["city"][slug]
    share = None if rollup.share is None else str(rollup.share)
    out = {"band": rollup.band, "share": share}
    if rollup.missing is not None:  # what the card says instead of a result
        out.update(
            missing=rollup.missing,
            items=rollup.items,
            reported=rollup.reported,
            scored=rollup.scored,
            no_target=rollup.no_target,
        )
    return out


def edition_info(city: City | Volume, score=None) -> dict:
    """What the home page shows of a built city or volume (its card)."""
    volume = isinstance(city, Volume)
    default = "Smart Sustainable Cities Profiles" if volume else "Smart Sustainable Cities Profile"
    titles = {
        lang: city.publication.title.get(lang) or translations(lang).gettext(default)
        for lang in city.languages
    }
    name = city.name
    if volume:  # the home page lists a volume by its cities
        name = {
            lang: Formatter(lang).join_list([m.name.get(lang, m.name["en"]) for m in city.members])
            for lang in city.languages
        }
    info = {
        "slug": city.slug,
        "name": name,
        "country": city.country,
        "languages": list(city.languages),
        "title": titles,
        "illustrative": city.illustrative,
        "year": city.evaluation_year,
        "thumbnail": "charts/cmp-dimensions.svg" if volume else "charts/wheel.svg",
    }
    if score is not None and volume:
        info["members"] = [
            {"slug": m.slug, "name": m.name, "result": _result(s, m.slug)}
            for m, s in zip(city.members, score, strict=True)
        ]
    elif score is not None:
        info["result"] = _result(score, city.slug)
    return info


def write_site_home(out_root: Path) -> list[Path]:
    """Home pages listing every city built under ``out_root``, one per language, and the
    site's shared assets (the fonts subset to the characters of every page)."""
    # Jinja: only when the home pages are rewritten
    from profiles_gen.render.environment import autonym

    infos = read_edition_infos(out_root)
    langs = sorted(
        {lang for i in infos for lang in i["languages"]} | {"en"},
        key=lambda code: (code != "en", code),
    )
    compare = (out_root / compare_page("en")).is_file()
    pdfs = sorted(p.name for i in infos for p in (out_root / i["slug"]).glob("*.pdf"))
    pages_read = site_pages(out_root, infos)
    # What the pages are made of (manifest.home_digest): the cards, and whether the comparison
    # page and each PDF exist (they are linked only then); the assets, of every page's text.
    digest = home_digest(out_root, [*infos, {"compare": compare, "pdfs": pdfs}], pages_read)
    assets = ["assets/profile.css", "assets/profile.js"]
    if home_is_fresh(out_root, digest, [*map(home_page, langs), *assets]):
        return []  # nothing it is made of changed: not rendered again
    pages = {}
    for lang in langs:
        fmt = Formatter(lang, translations(lang))
        entries = [_card(out_root, i, lang, fmt, autonym) for i in infos]
        pages[home_page(lang)] = render_home(fmt, entries, langs, compare)
    rules = stylesheet("screen", "")
    used = css_characters(rules)
    for text in [*pages.values(), *(p.read_text(encoding="utf-8") for p in pages_read)]:
        used |= page_characters(text)
    fonts = web_fonts(used, out_root / ".cache" / "fonts")
    write_assets(out_root, stylesheet("screen", web_fonts_css(fonts)), fonts)
    written = write_home(out_root, pages)
    record_home(out_root, digest)
    return written


def _card(out_root: Path, info: dict, lang: str, fmt: Formatter, autonym) -> dict:
    slug = info["slug"]
    shown = lang if lang in info["languages"] else info["languages"][0]
    thumbnail = f"{slug}/{shown}/{info.get('thumbnail', 'charts/wheel.svg')}"

    def result(r: dict | None) -> dict | None:
        if r is None:
            return None
        # "insufficient_data": too little scored for an overall result (as the roll-ups say).
        known = r["band"] in BAND_SYMBOLS and r["share"] is not None
        known = known and r["band"] != "insufficient_data"
        missing = None
        if r.get("missing") and not known:  # what is missing, as the edition says it
            counts = {k: r.get(k, 0) for k in ("items", "reported", "scored", "no_target")}
            missing = vocab.insufficient_text(fmt, SimpleNamespace(missing=r["missing"], **counts))
        return {
            "band": r["band"] if known else None,
            "short": vocab.band_short(fmt, r["band"]) if known else None,
            "share": fmt.percent(Decimal(r["share"]), 0, fraction=True) if known else None,
            "missing": missing,
        }

    return {
        "slug": slug,
        "name": info["name"].get(lang, info["name"]["en"]),
        "country": info["country"].get(lang, info["country"]["en"]),
        "title": info["title"],
        "illustrative": info["illustrative"],
        "year": info.get("year"),
        "thumbnail": thumbnail if (out_root / thumbnail).is_file() else None,
        "result": result(info.get("result")),
        "members": [
            {"name": m["name"].get(lang, m["name"]["en"]), "result": result(m["result"])}
            for m in info.get("members", [])
        ],
        "languages": fmt.join_list([autonym(code) for code in info["languages"]]),
        "editions": [
            {
                "lang": code,
                "name": autonym(code),
                "html": f"{slug}/{code}/index.html",
                "pdf": f"{slug}/{slug}-{code}.pdf"
                if (out_root / slug / f"{slug}-{code}.pdf").is_file()
                else None,
            }
            for code in info["languages"]
        ],
        "csv": f"{slug}/{slug}-kpis.csv",
        "json": f"{slug}/{slug}-kpis.json",
    }


def home_page(lang: str) -> str:
    return "index.html" if lang == "en" else f"index.{lang}.html"


def compare_page(lang: str) -> str:
    return "compare.html" if lang == "en" else f"compare.{lang}.html"


def render_home(fmt: Formatter, entries: list[dict], langs: list[str], compare: bool) -> str:
    """The home page of the site, in ``fmt``'s language: a card per city and volume."""
    # Jinja: only when the home pages are rewritten
    from profiles_gen.render.environment import autonym, make_environment, with_policy
    from profiles_gen.render.typeset import typeset_html  # with the environment above

    env = make_environment(None, fmt)
    html = env.get_template("home.html").render(
        lang=fmt.lang,
        entries=entries,
        media="screen",
        compare=compare_page(fmt.lang) if compare else None,
        bands=band_entries(fmt),
        languages=[
            {"lang": c, "name": autonym(c), "href": home_page(c), "current": c == fmt.lang}
            for c in langs
        ],
        assets={"stylesheets": ["assets/profile.css"], "inline_css": "", "scripts": []},
    )
    return with_policy(typeset_html(html, fmt.lang, "screen"))


def band_entries(fmt: Formatter) -> list[dict]:
    return [
        {"id": b, "short": vocab.band_short(fmt, b), "symbol": BAND_SYMBOLS[b]} for b in BAND_IDS
    ]
