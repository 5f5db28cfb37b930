"""The orchestrator: load → validate → score → chart → render → publish."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from profiles_gen.catalogue import load_catalogue
from profiles_gen.chart import draw_charts
from profiles_gen.errors import Issue, IssueLog, ProfileError
from profiles_gen.i18n import PSEUDO, Formatter, available_languages, translations
from profiles_gen.load import load_city
from profiles_gen.model import Catalogue, City, Score
from profiles_gen.publish import (
    FONT_DIR,
    stylesheet,
    write_data,
    write_html,
    write_pdf,
)
from profiles_gen.render import TEMPLATES_DIR, build_view, make_environment, render_profile
from profiles_gen.score import score_city
from profiles_gen.validate import validate_city

FORMATS = ("pdf", "html")


@dataclass
class BuildResult:
    city: City
    score: Score
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def today() -> dt.date:
    """The date validation measures "the future" against (``SOURCE_DATE_EPOCH`` wins)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def prepare_city(
    city_dir: Path, strict: bool = False, catalogue: Catalogue | None = None
) -> tuple[City, Catalogue, IssueLog]:
    """Load and validate; raise ``ProfileError`` with every problem at once."""
    catalogue = catalogue or load_catalogue()
    log = IssueLog()
    raw = load_city(city_dir, log)
    city = validate_city(raw, catalogue, log, today=today())
    log.raise_if_errors(strict=strict)
    return city, catalogue, log


def build_profile(
    city_dir: Path,
    out_root: Path,
    langs: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    variant: str = "pdf/ua-1",
    strict: bool = False,
) -> BuildResult:
    city, catalogue, log = prepare_city(city_dir, strict)
    score = score_city(city, catalogue)
    result = BuildResult(city, score, warnings=[i.format() for i in log.warnings])
    langs = langs or list(city.languages)
    unknown = [lang for lang in langs if lang not in available_languages() + [PSEUDO]]
    if unknown:
        raise ProfileError(
            f"no catalogue for language(s) {', '.join(unknown)} in locales/ "
            f"(available: {', '.join(available_languages())})"
        )
    problems = [p for lang in langs for p in edition_warnings(city, lang)]
    if strict and problems:
        raise ProfileError([Issue(path, 0, 0, "", text, "warning") for path, text in problems])
    result.warnings += [f"{path}: warning: {text}" for path, text in problems]
    out_dir = out_root / city.slug
    out_dir.mkdir(parents=True, exist_ok=True)
    result.outputs += write_data(city.slug, out_dir, score, catalogue)
    for lang in langs:
        build_edition(city, catalogue, score, lang, out_dir, formats, variant, result)
    return result


def edition_warnings(city: City, lang: str) -> list[tuple[str, str]]:
    """What an edition in ``lang`` will show in English: narrative and missing strings."""
    problems = []
    if not city.chapters.get(lang):
        problems.append(
            (
                f"{_rel(city.dir)}/narrative/{lang}",
                "no narrative in this language; the English chapters are used",
            )
        )
    if lang not in ("en", PSEUDO):
        from profiles_gen.locales import coverage

        cov = coverage(lang)
        missing = cov.untranslated + cov.fuzzy
        if missing:
            shown = "; ".join(missing[:10]) + ("; …" if len(missing) > 10 else "")
            problems.append(
                (
                    f"locales/{lang}/LC_MESSAGES/messages.po",
                    f"{len(missing)} string(s) untranslated or fuzzy, shown in English: {shown}",
                )
            )
    return problems


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def build_edition(
    city: City,
    catalogue: Catalogue,
    score: Score,
    lang: str,
    out_dir: Path,
    formats: tuple[str, ...],
    variant: str,
    result: BuildResult,
) -> None:
    fmt = Formatter(lang, translations(lang))
    charts = draw_charts(city, catalogue, score, fmt)
    view = build_view(city, catalogue, score, fmt, charts)
    env = make_environment(city.dir, fmt)
    if "html" in formats:
        edition = out_dir / lang
        photo = f"assets/cover{city.photo.suffix.lower()}" if city.photo else None
        html = render_profile(
            env,
            view,
            "screen",
            {"stylesheets": ["assets/profile.css"], "inline_css": "", "photo": photo},
        )
        css = stylesheet("screen", lambda name: f"fonts/{name}")
        write_html(edition, html, css, charts, city.photo)
        result.outputs.append(edition / "index.html")
    if "pdf" in formats:
        css = stylesheet("print", lambda name: (FONT_DIR / name).as_uri())
        html = render_profile(
            env,
            view,
            "print",
            {
                "stylesheets": [],
                "inline_css": css,
                "photo": city.photo.as_uri() if city.photo else None,
            },
        )
        pdf = out_dir / f"{city.slug}-{lang}.pdf"
        messages = write_pdf(
            html, pdf, city.dir, [city.dir, TEMPLATES_DIR, FONT_DIR], variant, lang
        )
        result.warnings += [f"warning: {pdf.name}: {m}" for m in messages]
        result.outputs.append(pdf)
