"""The orchestrator: load → validate → score → chart → render → publish."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from profiles_gen.catalogue import load_catalogue
from profiles_gen.compare import compare_cities, progress
from profiles_gen.errors import Issue, IssueLog, ProfileError
from profiles_gen.i18n import PSEUDO, Formatter, available_languages, translations
from profiles_gen.load import is_volume, load_city, load_volume
from profiles_gen.manifest import (
    MANIFEST,
    Manifest,
    data_inputs,
    edition_inputs,
    volume_edition_inputs,
    volume_inputs,
)
from profiles_gen.model import Catalogue, City, Score, Volume
from profiles_gen.publish import (
    FONT_DIR,
    FONT_FILES,
    atomic_write,
    clean_stale_temporaries,
    dumps_json,
    read_edition_infos,
    score_csv,
    score_json,
    stylesheet,
    volume_csv,
    volume_json,
    write_edition_info,
    write_home,
    write_html,
    write_pdf,
    write_print_html,
)
from profiles_gen.render import (
    TEMPLATES_DIR,
    build_view,
    build_volume_view,
    make_environment,
    render_profile,
    render_volume,
)
from profiles_gen.score import score_city
from profiles_gen.validate import validate_city, validate_volume
from profiles_gen.workers import build_session, output_lock, record_published, worker_pool

FORMATS = ("pdf", "html")


@dataclass(frozen=True)
class BuildOptions:
    langs: tuple[str, ...] = ()  # empty: the city's languages
    formats: tuple[str, ...] = FORMATS
    variant: str = "pdf/ua-1"
    strict: bool = False
    allow_remote: bool = False
    keep_print_html: bool = False
    jobs: int = 1
    force: bool = False  # rebuild outputs whose inputs are unchanged too


@dataclass
class EditionResult:
    lang: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BuildResult:
    city: City | Volume
    score: Score | tuple[Score, ...]  # a volume: one per member
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    editions: list[EditionResult] = field(default_factory=list)


def today() -> dt.date:
    """The date validation measures "the future" against (``SOURCE_DATE_EPOCH`` wins)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def prepare_city(
    city_dir: Path, strict: bool = False, allow_remote: bool = False
) -> tuple[City, Catalogue, IssueLog]:
    """Load and validate; raise ``ProfileError`` with every problem at once."""
    catalogue = load_catalogue()
    log = IssueLog()
    raw = load_city(city_dir, log)
    city = validate_city(raw, catalogue, log, today=today(), allow_remote=allow_remote)
    log.raise_if_errors(strict=strict)
    return city, catalogue, log


def prepare_volume(
    volume_dir: Path, strict: bool = False, allow_remote: bool = False
) -> tuple[Volume, Catalogue, IssueLog]:
    """Load and validate a volume and its member cities; every problem at once."""
    catalogue = load_catalogue()
    log = IssueLog()
    raw = load_volume(volume_dir, log)
    volume = validate_volume(raw, catalogue, log, today=today(), allow_remote=allow_remote)
    log.raise_if_errors(strict=strict)
    return volume, catalogue, log


def prepare(folder: Path, strict: bool = False, allow_remote: bool = False):
    """A city or, for a folder holding ``volume.yaml``, a volume."""
    if is_volume(folder):
        return prepare_volume(folder, strict, allow_remote)
    return prepare_city(folder, strict, allow_remote)


def score_publication(pub: City | Volume, catalogue: Catalogue) -> Score | tuple[Score, ...]:
    if isinstance(pub, Volume):
        return tuple(score_city(member, catalogue) for member in pub.members)
    return score_city(pub, catalogue)


def build_profile(
    city_dir: Path,
    out_root: Path,
    opts: BuildOptions = BuildOptions(),  # noqa: B008 - frozen, never mutated
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build every edition of one city."""
    return build_cities([city_dir], out_root, opts, progress)[0]


def build_cities(
    city_dirs: list[Path],
    out_root: Path,
    opts: BuildOptions = BuildOptions(),  # noqa: B008 - frozen, never mutated
    progress: Callable[[str], None] | None = None,
) -> list[BuildResult]:
    """Build cities; every edition to build, of every city, goes to one pool of workers.

    Each city is validated and scored first (all errors before any output), its
    data exports written and its editions planned against its manifest; then the
    editions that are not up to date run in ``opts.jobs`` processes, each of which
    imports WeasyPrint and matplotlib once. Each city's output folder is locked for
    the whole build; an interrupt stops the workers and publishes nothing more.
    """
    with build_session():  # the cities' build locks, released at the end
        return _build_cities(city_dirs, out_root, opts, progress)


def _build_cities(city_dirs, out_root, opts, progress) -> list[BuildResult]:
    prepared = [_prepare(city_dir, out_root, opts) for city_dir in city_dirs]
    tasks = []
    for build in prepared:
        for lang, plan in build.plans.items():
            if plan.formats:
                tasks.append((build, plan))
            elif progress:
                progress(f"{build.result.city.slug} [{lang}] up to date")
    jobs = max(1, min(opts.jobs, len(tasks)))
    try:
        if jobs == 1:
            editions = (_run(build, plan, opts) for build, plan in tasks)
            _collect(tasks, editions, progress)
        else:
            with worker_pool(jobs) as pool:  # workers die with this process
                futures = [pool.submit(_run, build, plan, opts) for build, plan in tasks]
                _collect(tasks, (f.result() for f in futures), progress)
    except BaseException:
        record_published(prepared, tasks)  # the manifest says exactly what was published
        raise
    for build in prepared:
        atomic_write(build.out_dir / MANIFEST, build.manifest.to_json())
        write_edition_info(build.out_dir, _edition_info(build.result.city))
    write_site_home(out_root)
    return [build.result for build in prepared]


def _edition_info(city: City | Volume) -> dict:
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
    return {
        "slug": city.slug,
        "name": name,
        "country": city.country,
        "languages": list(city.languages),
        "title": titles,
        "illustrative": city.illustrative,
    }


def write_site_home(out_root: Path) -> list[Path]:
    """Home pages listing every city built under ``out_root``, one per language."""
    from profiles_gen.render import autonym, render_home

    infos = read_edition_infos(out_root)
    langs = sorted(
        {lang for i in infos for lang in i["languages"]} | {"en"},
        key=lambda code: (code != "en", code),
    )
    pages = {}
    for lang in langs:
        fmt = Formatter(lang, translations(lang))
        entries = [
            {
                "slug": i["slug"],
                "name": i["name"].get(lang, i["name"]["en"]),
                "country": i["country"].get(lang, i["country"]["en"]),
                "title": i["title"],
                "illustrative": i["illustrative"],
                "editions": [{"lang": code, "name": autonym(code)} for code in i["languages"]],
            }
            for i in infos
        ]
        pages["index.html" if lang == "en" else f"index.{lang}.html"] = render_home(
            fmt, entries, langs
        )
    return write_home(out_root, pages, stylesheet("screen", lambda name: f"fonts/{name}"))


@dataclass
class EditionPlan:
    lang: str
    formats: tuple[str, ...]  # the formats to build: those not up to date
    outputs: dict[str, str]  # format -> output name in the manifest
    digests: dict[str, str]
    files: dict[str, Path]


@dataclass
class _CityBuild:
    result: BuildResult
    catalogue: Catalogue
    out_dir: Path
    manifest: Manifest
    plans: dict[str, EditionPlan]
    data: dict[str, tuple[str, str]]  # the open-data exports, also attached to each PDF


def _prepare(city_dir: Path, out_root: Path, opts: BuildOptions) -> _CityBuild:
    city, catalogue, log = prepare(city_dir, opts.strict, opts.allow_remote)
    score = score_publication(city, catalogue)
    result = BuildResult(city, score, warnings=[i.format() for i in log.warnings])
    langs = list(opts.langs) or list(city.languages)
    unknown = [lang for lang in langs if lang not in available_languages() + [PSEUDO]]
    if unknown:
        raise ProfileError(
            f"no catalogue for language(s) {', '.join(unknown)} in locales/ "
            f"(available: {', '.join(available_languages())})"
        )
    problems = [p for lang in langs for p in edition_warnings(city, lang)]
    if opts.strict and problems:
        raise ProfileError([Issue(path, 0, 0, "", text, "warning") for path, text in problems])
    result.warnings += [f"{path}: warning: {text}" for path, text in problems]
    out_dir = out_root / city.slug
    output_lock(out_dir)  # waits for another build of this city; then clean up after it
    clean_stale_temporaries(out_dir)
    manifest = Manifest.load(out_dir)
    inputs = volume_inputs(city.dir) if isinstance(city, Volume) else data_inputs(city.dir)
    data_digest = manifest.digest(inputs, "data")
    data = data_files(city, score, catalogue)
    if opts.force or not all(manifest.is_fresh(n, data_digest) for n in data):
        result.outputs += _write_data(data, out_dir)
        for name in data:
            manifest.record(name, data_digest, inputs)
    plans = {lang: _plan_edition(city, lang, opts, manifest) for lang in langs}
    return _CityBuild(result, catalogue, out_dir, manifest, plans, data)


def data_files(pub: City | Volume, score, catalogue: Catalogue) -> dict[str, tuple[str, str]]:
    """The open-data exports of a city or volume: name -> (text, description)."""
    if isinstance(pub, Volume):
        comparison = compare_cities(list(pub.members), list(score), pub.year_window)
        text_json = dumps_json(volume_json(pub, score, catalogue, comparison))
        text_csv = volume_csv(pub, score, catalogue)
    else:
        text_json = dumps_json(score_json(score, catalogue, progress(pub, catalogue, score)))
        text_csv = score_csv(score, catalogue)
    return {
        f"{pub.slug}-kpis.csv": (text_csv, "Scored KPIs (CSV)"),
        f"{pub.slug}-kpis.json": (text_json, "Scored KPIs and roll-ups (JSON)"),
    }


def _write_data(data: dict[str, tuple[str, str]], out_dir: Path) -> list[Path]:
    written = []
    for name, (text, _) in data.items():
        atomic_write(out_dir / name, text)
        written.append(out_dir / name)
    return sorted(written, key=lambda p: not p.name.endswith(".json"))


def _run(build: _CityBuild, plan: EditionPlan, opts: BuildOptions) -> EditionResult:
    result = build.result
    return build_edition(
        result.city,
        build.catalogue,
        result.score,
        plan.lang,
        build.out_dir,
        replace(opts, formats=plan.formats),
        build.data,
    )


def _plan_edition(city: City, lang: str, opts: BuildOptions, manifest: Manifest) -> EditionPlan:
    narrative_lang = lang if city.chapters.get(lang) else "en"
    if isinstance(city, Volume):
        files = volume_edition_inputs(city.dir, lang)
    else:
        files = edition_inputs(city.dir, lang, narrative_lang)
    outputs = {"html": f"{lang}/index.html", "pdf": f"{city.slug}-{lang}.pdf"}
    digests = {
        "html": manifest.digest(files, f"html {opts.allow_remote}"),
        "pdf": manifest.digest(
            files, f"pdf {opts.variant} {opts.allow_remote} {opts.keep_print_html}"
        ),
    }
    formats = tuple(
        f for f in opts.formats if opts.force or not manifest.is_fresh(outputs[f], digests[f])
    )
    return EditionPlan(lang, formats, outputs, digests, files)


def _collect(tasks, editions, progress) -> None:
    for (build, plan), edition in zip(tasks, editions, strict=True):
        result = build.result
        result.editions.append(edition)
        result.outputs += edition.outputs
        result.warnings += edition.warnings
        for fmt in plan.formats:
            build.manifest.record(plan.outputs[fmt], plan.digests[fmt], plan.files)
        atomic_write(build.out_dir / MANIFEST, build.manifest.to_json())
        if progress:
            progress(f"{result.city.slug} [{edition.lang}] built in {edition.seconds:.1f} s")


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


def check_glyphs(html: str, city: City, lang: str) -> None:
    """Fail on a character that none of the publication's fonts can draw, saying where."""
    import html as htmllib
    import unicodedata

    from profiles_gen.i18n import po_path
    from profiles_gen.verify import locate, missing_glyphs

    text = htmllib.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S))
    missing = missing_glyphs(text, FONT_FILES)
    if not missing:
        return
    sources = sorted(p for p in city.dir.rglob("*") if p.suffix in (".yaml", ".md"))
    sources += [po_path(lang)] + sorted(TEMPLATES_DIR.rglob("*.html"))
    issues = []
    for char in missing:
        name = unicodedata.name(char, "unnamed")
        where = locate(char, sources)
        message = (
            f"U+{ord(char):04X} {name} ({char!r}) has no glyph in the publication's "
            f"fonts ({', '.join(f.stem for f in FONT_FILES)})"
        )
        issues.append(
            Issue(
                where.path if where else f"{lang} edition",
                where.line if where else 0,
                where.col if where else 0,
                "glyph",
                message,
            )
        )
    raise ProfileError(issues)


def build_edition(
    city: City | Volume,
    catalogue: Catalogue,
    score,
    lang: str,
    out_dir: Path,
    opts: BuildOptions,
    data: dict[str, tuple[str, str]] | None = None,
) -> EditionResult:
    """One language: charts and the shared view once, then the HTML and the PDF from them.

    ``data``: the open-data exports to attach to the PDF, if already made.
    """
    started = time.perf_counter()
    fmt = Formatter(lang, translations(lang))
    env = make_environment(city.dir, fmt)
    if isinstance(city, Volume):
        charts, view = _volume_view(city, catalogue, score, fmt)

        def render(media: str, assets: dict) -> str:
            return render_volume(env, view, media, assets)
    else:
        from profiles_gen.chart import draw_charts  # matplotlib: imported only when drawing

        changes = progress(city, catalogue, score)
        charts = draw_charts(city, catalogue, score, fmt, changes)
        view = build_view(city, catalogue, score, fmt, charts, changes)

        def render(media: str, assets: dict) -> str:
            return render_profile(env, view, media, assets)

    data = data if data is not None else data_files(city, score, catalogue)
    result = _publish_edition(city, fmt, out_dir, opts, render, charts, data)
    result.seconds = time.perf_counter() - started
    return result


def _volume_view(volume: Volume, catalogue: Catalogue, scores, fmt: Formatter):
    """The views of a volume's parts (figures and tables numbered on), the comparison's."""
    from profiles_gen.chart import draw_charts, draw_comparison_charts

    parts, member_charts, charts = [], [], {}
    start = (0, 0)
    for n, (member, score) in enumerate(zip(volume.members, scores, strict=True), start=1):
        changes = progress(member, catalogue, score)
        prefix = f"{member.slug}-"
        drawn = draw_charts(member, catalogue, score, fmt, changes, prefix)
        part = build_view(member, catalogue, score, fmt, drawn, changes, prefix, start)
        part["part_number"] = n
        # A volume has no per-city annexes: their tables (numbered last) are left out.
        part["tab"] = {k: t for k, t in part["tab"].items() if not k.startswith("annex-")}
        start = (start[0] + len(part["fig"]), start[1] + len(part["tab"]))
        parts.append(part)
        member_charts.append(drawn)
        charts.update({c.id: c for c in drawn.values()})
    comparison = compare_cities(list(volume.members), list(scores), volume.year_window)
    compared = draw_comparison_charts(comparison, catalogue, fmt, member_charts)
    charts[compared["cmp-dimensions"].id] = compared["cmp-dimensions"]
    view = build_volume_view(volume, catalogue, fmt, parts, comparison, compared)
    return charts, view


def _publish_edition(city, fmt, out_dir, opts, render, charts, data) -> EditionResult:
    """Write the HTML edition and the PDF of one language from ``render(media, assets)``."""
    lang = fmt.lang
    result = EditionResult(lang)
    if "html" in opts.formats:
        edition = out_dir / lang
        photo = f"assets/cover{city.photo.suffix.lower()}" if city.photo else None
        assets = {
            "stylesheets": ["assets/profile.css"],
            "inline_css": "",
            "photo": photo,
            "scripts": ["assets/profile.js"],
        }
        html = render("screen", assets)
        css = stylesheet("screen", lambda name: f"fonts/{name}")
        write_html(edition, html, css, charts, city)
        result.outputs.append(edition / "index.html")
    if "pdf" in opts.formats:
        css = stylesheet("print", lambda name: (FONT_DIR / name).as_uri())
        photo = city.photo.as_uri() if city.photo else None
        html = render(
            "print", {"stylesheets": [], "inline_css": css, "photo": photo, "scripts": []}
        )
        pdf = out_dir / f"{city.slug}-{lang}.pdf"
        if opts.keep_print_html:
            result.outputs.append(write_print_html(out_dir / lang / "print.html", html))
        roots = [city.dir, TEMPLATES_DIR, FONT_DIR]
        check_glyphs(html, city, lang)
        created = dt.datetime.combine(city.publication.date, dt.time(), dt.UTC)
        labels = (fmt.gettext("Cover"), fmt.gettext("Back cover"))  # the PDF's page labels
        messages = write_pdf(
            html,
            pdf,
            city.dir,
            roots,
            opts.variant,
            opts.allow_remote,
            attachments=data,
            created=created,
            cover_labels=labels,
        )
        result.warnings += [f"{_rel(pdf)}: warning: {m}" for m in messages]
        result.outputs.append(pdf)
    return result
