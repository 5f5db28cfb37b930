"""The ``profiles-gen`` command: arguments, exit codes and messages.

Exit status: 0 success, 1 invalid data (every problem printed as
``path:line:col: error: …``), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from profiles_gen import __version__
from profiles_gen.errors import ProfileError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def project_root() -> Path:
    """The folder holding ``cities/``: the working directory if it has one, else the checkout
    the package runs from (an installed package has none: the working directory)."""
    from profiles_gen.paths import CHECKOUT

    cwd = Path.cwd()
    return cwd if (cwd / "cities").is_dir() or CHECKOUT is None else CHECKOUT


def _csv_list(allowed: tuple[str, ...] | None = None):
    def parse(text: str) -> list[str]:
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not items:
            raise argparse.ArgumentTypeError("expected a comma-separated list")
        bad = [t for t in items if allowed and t not in allowed]
        if bad:
            raise argparse.ArgumentTypeError(
                f"unknown value(s) {', '.join(bad)} (choose from {', '.join(allowed)})"
            )
        return items

    return parse


def make_parser() -> argparse.ArgumentParser:
    from profiles_gen.publish import PDF_VARIANTS

    parser = argparse.ArgumentParser(
        prog="profiles-gen",
        description="Build UNECE Smart Sustainable Cities Profiles from city data.",
    )
    parser.add_argument("--version", action="version", version=f"profiles-gen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="build the PDF and HTML editions of one or more cities")
    build.add_argument(
        "city",
        metavar="CITY",
        nargs="+",
        help="a slug under cities/ or a city folder (several: built together)",
    )
    build.add_argument(
        "--lang", type=_csv_list(), help="languages, e.g. en,ru (default: the city's languages)"
    )
    build.add_argument(
        "--format",
        type=_csv_list(("pdf", "html")),
        default=["pdf", "html"],
        help="pdf,html (default: both)",
    )
    build.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    build.add_argument(
        "--pdf-variant",
        choices=PDF_VARIANTS,
        default="pdf/ua-1",
        help="pdf/ua-1 (tagged, accessible; default), pdf/a-3b (archival) or print "
        "(the printer's file: 3 mm bleed and crop marks)",
    )
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="languages built in parallel worker processes (default: the number of cores)",
    )
    build.add_argument(
        "--keep-print-html",
        action="store_true",
        help="also write build/CITY/LANG/print.html, the exact HTML handed to WeasyPrint",
    )
    build.add_argument(
        "--allow-remote",
        action="store_true",
        help="let narrative fetch http(s) resources (refused by default)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild every output, even those whose inputs are unchanged",
    )

    validate = sub.add_parser("validate", help="check a city's files and report every problem")
    validate.add_argument("city", metavar="CITY")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--allow-remote", action="store_true", help="accept http(s) resources in narrative"
    )

    score = sub.add_parser("score", help="score a city's KPIs")
    score.add_argument("city", metavar="CITY")
    score.add_argument("--json", action="store_true", help="print JSON (the default output)")

    compare = sub.add_parser(
        "compare", help="set cities (or a volume's cities) side by side, like with like"
    )
    compare.add_argument(
        "city", metavar="CITY", nargs="+", help="cities, volume members (VOLUME/CITY) or volumes"
    )
    compare.add_argument("--json", action="store_true", help="print JSON instead of a table")
    compare.add_argument("--lang", help="language of the table's names (default: en)")
    compare.add_argument(
        "--year-window",
        type=int,
        default=None,
        help="values more years apart than this are flagged (default: the volume's, else 2)",
    )

    cat = sub.add_parser("catalogue", help="print the U4SSC KPI catalogue")
    cat.add_argument("--json", action="store_true", help="print JSON (the default output)")
    cat.add_argument(
        "--lang",
        type=_csv_list(),
        help="languages of names and units (default: every language with a catalogue)",
    )

    verify = sub.add_parser(
        "verify", help="check that the editions carry the same figures (and the manifest)"
    )
    verify.add_argument("city", metavar="CITY")
    verify.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    verify.add_argument(
        "--manifest",
        action="store_true",
        help="also re-hash every input and output recorded in manifest.json",
    )

    site = sub.add_parser("site", help="build every city and the static site in build/site/")
    site.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    site.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    site.add_argument("-q", "--quiet", action="store_true", help="print errors only")

    export = sub.add_parser("export-xlsx", help="write a data-collection workbook for a city")
    export.add_argument("city", metavar="CITY")
    export.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the workbook (default: build/CITY/CITY-data-collection.xlsx)",
    )
    export.add_argument("--lang", default="en", help="language of the workbook (default: en)")
    export.add_argument(
        "--decimal-comma",
        action="store_true",
        help="declare in the workbook that numbers typed as text use a decimal comma",
    )
    imp = sub.add_parser("import-xlsx", help="read a data-collection workbook into kpis.yaml")
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.add_argument("city", metavar="CITY")
    imp.add_argument(
        "--decimal-comma",
        action="store_true",
        help="numbers typed as text use a decimal comma (default: as the workbook declares)",
    )

    add_targets_parser(sub)

    sub.add_parser("list", help="list the cities under cities/")
    schema = sub.add_parser("schema", help="print the JSON Schema of the city files")
    schema.add_argument("--out", type=Path, help="write one .schema.json file per city file")

    # --- serve (live preview) ---
    serve = sub.add_parser(
        "serve", help="live preview: build the HTML edition, serve it, rebuild on every save"
    )
    serve.add_argument("city", metavar="CITY")
    serve.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free)"
    )
    serve.add_argument(
        "--lang", type=_csv_list(), default=["en"], help="languages to preview (default: en)"
    )
    serve.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    # --- end serve ---

    locales = sub.add_parser("locales", help="translators' tools")
    locales_sub = locales.add_subparsers(dest="locales_command", required=True)
    check = locales_sub.add_parser(
        "check", help="coverage of every catalogue; fails when a language of a city is incomplete"
    )
    check.add_argument("--lang", type=_csv_list(), help="only these languages")
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every untranslated and fuzzy string (default: the first 20 and a count)",
    )
    init = locales_sub.add_parser(
        "init", help="start the catalogue of a new language (with the sign-off lines)"
    )
    init.add_argument("language", metavar="LANG", help="a language code: fr, pt_BR")
    flags = locales_sub.add_parser(
        "fix-flags", help="flag the KPI catalogue's strings no-python-format (after pybabel)"
    )
    flags.add_argument("files", metavar="FILE", type=Path, nargs="+")
    return parser


def _city_dir(text: str) -> Path:
    from profiles_gen.load import resolve_city_dir

    return resolve_city_dir(text, project_root() / "cities")


def _known_languages(langs) -> None:
    """A language without a catalogue in locales/ is bad usage (exit status 2)."""
    from profiles_gen.i18n import PSEUDO, available_languages

    unknown = [lang for lang in langs or () if lang not in [*available_languages(), PSEUDO]]
    if unknown:
        raise UsageError(
            f"no catalogue for language(s) {', '.join(unknown)} in locales/ "
            f"(available: {', '.join(available_languages())})"
        )


def cmd_build(args) -> int:
    from profiles_gen.pipeline import BuildOptions, build_cities

    if args.jobs < 1:
        print("profiles-gen build: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or project_root() / "build"
    started = time.perf_counter()
    opts = BuildOptions(
        langs=tuple(args.lang or ()),
        formats=tuple(args.format),
        variant=args.pdf_variant,
        strict=args.strict,
        allow_remote=args.allow_remote,
        keep_print_html=args.keep_print_html,
        jobs=args.jobs,
        force=args.force,
    )

    from profiles_gen.report import Reporter

    city_dirs = list(dict.fromkeys(_city_dir(city) for city in args.city))
    problem = out_problem(out, city_dirs)
    if problem:
        print(f"profiles-gen build: error: --out {args.out}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    with Reporter(quiet=args.quiet, jobs=args.jobs) as reporter:  # -q: nothing
        results = build_cities(city_dirs, out, opts, reporter)
    for result in results:
        for warning in result.warnings:
            print(warning, file=sys.stderr)
    if not args.quiet:
        for path in (p for result in results for p in result.outputs):
            print(f"wrote {_rel(path)}")
        names = ", ".join(result.city.slug for result in results)
        print(f"built {names} in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def out_problem(out: Path, city_dirs: list[Path]) -> str | None:
    """Why the output folder ``out`` may not be written into, or None.

    It must be a folder or not exist yet (never a file, a device or a FIFO, which
    a build would replace), and lie outside the source tree: the project's
    cities, templates, catalogues and code, and every city folder being built.
    """
    import stat

    from profiles_gen.i18n import locales_dir
    from profiles_gen.render import TEMPLATES_DIR

    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return f"cannot be used ({exc.strerror})"
    if mode is not None and not stat.S_ISDIR(mode):
        kind = "a file" if stat.S_ISREG(mode) else "a device or special file"
        return f"is {kind}, not a folder: give a folder for the outputs"
    real = Path(os.path.realpath(out))
    package = Path(__file__).resolve().parent
    sources = [project_root() / "cities", TEMPLATES_DIR, locales_dir(), package, *city_dirs]
    for source in sources:
        source = Path(os.path.realpath(source))
        if real == source or source in real.parents:
            return f"lies inside the source tree ({source}): choose a folder outside it"
    for city in city_dirs:  # out/<city> would be the city folder, or a folder holding it
        mine, city_real = real / city.name, Path(os.path.realpath(city))
        if city_real == mine or mine in city_real.parents:
            return f"would write into the city folder {city}"
    if real == Path(os.path.realpath(project_root())):
        return "is the project folder: choose a folder such as build/"
    return None


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_validate(args) -> int:
    from profiles_gen.model import Volume
    from profiles_gen.publication import prepare

    pub = prepare(_city_dir(args.city), args.strict, args.allow_remote)
    city, log = pub.source, pub.log
    for issue in log.warnings:
        print(issue.format(Path.cwd()), file=sys.stderr)
    if isinstance(city, Volume):
        members = ", ".join(m.slug for m in city.members)
        print(f"{city.slug}: valid volume ({members}; {len(log.warnings)} warning(s))")
    else:
        records = len(city.records)
        print(f"{city.slug}: valid ({records} KPI records, {len(log.warnings)} warning(s))")
    return EXIT_OK


def cmd_score(args) -> int:
    from profiles_gen.compare import progress
    from profiles_gen.export import dumps_json, score_json
    from profiles_gen.load import is_volume
    from profiles_gen.publication import prepare_city
    from profiles_gen.score import score_city

    city_dir = _city_dir(args.city)
    if is_volume(city_dir):
        raise UsageError(
            f"{args.city} is a volume: score one of its cities (e.g. {args.city}/CITY), "
            f"or compare them with profiles-gen compare {args.city}"
        )
    city, catalogue, _ = prepare_city(city_dir)
    score = score_city(city, catalogue)
    sys.stdout.write(dumps_json(score_json(score, catalogue, progress(city, catalogue, score))))
    return EXIT_OK


def cmd_compare(args) -> int:
    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.compare import compare_cities, comparison_json
    from profiles_gen.export import dumps_json
    from profiles_gen.publication import prepare
    from profiles_gen.score import score_city

    _known_languages([args.lang] if args.lang else [])
    cities, window = [], args.year_window
    for text in args.city:
        prepared = prepare(_city_dir(text))
        pub, catalogue = prepared.source, prepared.catalogue
        if hasattr(pub, "members"):  # a volume: its member cities
            cities += list(pub.members)
            window = pub.year_window if window is None else window
        else:
            cities.append(pub)
    if window is None:
        from profiles_gen.compare import YEAR_WINDOW

        window = YEAR_WINDOW
    slugs = [c.slug for c in cities]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise UsageError(f"{', '.join(twice)}: given more than once")
    if len(cities) < 2:
        raise UsageError("compare needs at least two cities (or a volume)")
    catalogue = load_catalogue()
    scores = [score_city(c, catalogue) for c in cities]
    comparison = compare_cities(cities, scores, window)
    if args.json:
        sys.stdout.write(dumps_json(comparison_json(comparison, catalogue)))
    else:
        sys.stdout.write(comparison_text(comparison, catalogue, args.lang or "en"))
    return EXIT_OK


def comparison_text(comparison, catalogue, lang: str) -> str:
    """The comparison as a plain table for the terminal: roll-ups, then every flagged KPI.

    A cell is the share of the target reached with the band's symbol after it in
    brackets (``71 % (3)``), the symbols explained below the table; a row label too
    long for its column is wrapped, never cut.
    """
    import textwrap

    from profiles_gen import vocabulary as vocab
    from profiles_gen.i18n import Formatter
    from profiles_gen.score import BAND_SYMBOLS

    fmt = Formatter(lang)
    names = [c.name.get(lang, c.name["en"]) for c in comparison.cities]
    width = max(12, *(len(n) for n in names))
    bands: set[str] = set()

    def cell(r) -> str:
        bands.add(r.band)
        symbol = f"({BAND_SYMBOLS[r.band]})"
        if r.band == "insufficient_data":  # not set side by side: too few KPIs scored
            return f"{fmt.number(r.scored)}/{fmt.number(r.items)} {symbol}".rjust(width)
        if r.share is None:
            return symbol.rjust(width)
        return f"{fmt.percent(r.share, 0, fraction=True)} {symbol}".rjust(width)

    lines = [f"{'':40}" + "".join(n.rjust(width + 2) for n in names)]

    def row(label: str, indent: str, rollups) -> None:
        wrapped = textwrap.wrap(label, 38 - len(indent), break_on_hyphens=False) or [""]
        lines.append(f"{indent + wrapped[0]:40}" + "".join("  " + cell(r) for r in rollups))
        lines.extend(f"{indent}  {more}" for more in wrapped[1:])

    for dim in catalogue.dimensions:
        row(fmt.group_name("dimension", dim), "", comparison.rollups("dimension", dim.id))
        for sub in (s for s in catalogue.subdimensions if s.parent == dim.id):
            rollups = comparison.rollups("subdimension", sub.id)
            row(fmt.group_name("subdimension", sub), "  ", rollups)
    pairs = zip(comparison.cities, comparison.scores, strict=True)
    row(fmt.gettext("Whole city"), "", [s.rollups["city"][c.slug] for c, s in pairs])
    lines.append("")
    lines += [f"({BAND_SYMBOLS[b]}) {vocab.band_label(fmt, b)}" for b in BAND_SYMBOLS if b in bands]
    if "insufficient_data" in bands:
        # Translators: compare's terminal table: a cell "3/8 (?)" means 3 of 8 scored.
        lines.append(fmt.gettext("n/m: n of m KPIs and data points scored, not compared"))
    differ = []
    for dim in catalogue.dimensions:
        for level, group in [("dimension", dim)] + [
            ("subdimension", s) for s in catalogue.subdimensions if s.parent == dim.id
        ]:
            rc = comparison.rollup_comparison(catalogue, level, group.id)
            if rc.comparable and not rc.same_kpis:
                parts = [
                    # Translators: compare's terminal table: KPIs scored in one city only.
                    fmt.gettext("only %(city)s: %(kpis)s")
                    % {"city": slug, "kpis": ", ".join(items)}
                    for slug, items in rc.only.items()
                    if items
                ]
                differ.append(f"  {fmt.group_name(level, group)}: {'; '.join(parts)}")
    if differ:
        lines.append("")
        # Translators: compare's terminal table, above the roll-ups whose KPIs differ.
        heading = fmt.ngettext(
            "%(count)s roll-up built on different KPIs:",
            "%(count)s roll-ups built on different KPIs:",
            len(differ),
        )
        lines.append(heading % {"count": fmt.number(len(differ))})
        lines += differ
    flagged = [r for r in comparison.rows if r.flags]
    lines.append("")
    # Translators: compare's terminal table, above the KPIs compared with a caveat
    # (years, targets or definitions differ).
    heading = fmt.ngettext(
        "%(count)s KPI or data point not compared like with like:",
        "%(count)s KPIs or data points not compared like with like:",
        len(flagged),
    )
    lines.append(heading % {"count": fmt.number(len(flagged))})
    for flagged_row in flagged:
        kpi = catalogue.by_id[flagged_row.kpi]
        point = flagged_row.data_point
        name = kpi.code + (f" ({fmt.data_point_name(kpi, point)})" if point else "")
        window = comparison.year_window
        reasons = "; ".join(vocab.flag_label(fmt, f, window) for f in flagged_row.flags)
        lines.append(f"  {name}: {reasons}")
    return "\n".join(lines) + "\n"


def catalogue_json(langs: list[str]) -> list[dict]:
    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.errors import IssueLog
    from profiles_gen.i18n import Formatter
    from profiles_gen.targets import load_targets

    catalogue = load_catalogue()
    fmts = {lang: Formatter(lang) for lang in langs}
    # The default set's targets, where the catalogue's own fields used to be.
    defaults = load_targets(("default",), None, catalogue, IssueLog())

    def default(kpi_id: str, dp: str | None, field: str):
        t = defaults.get(kpi_id, dp)
        if t is None:
            return None
        return t.value if field == "target" else t.source_text("en")

    out = []
    for k in catalogue.kpis:
        out.append(
            {
                "id": k.id,
                "code": k.code,
                "dimension": k.dimension,
                "subdimension": k.subdimension,
                "category": k.category,
                "type": k.type,
                "direction": k.direction,
                "name": {lang: f.kpi_name(k) for lang, f in fmts.items()},
                "unit": {lang: f.kpi_unit(k) for lang, f in fmts.items()},
                "definition": (
                    {lang: f.kpi_definition(k) for lang, f in fmts.items()}
                    if k.definition
                    else None
                ),
                "definition_sources": list(k.definition_sources),
                "definition_confidence": k.definition_confidence,
                "sdg_targets": list(k.sdg_targets),
                "data_points": [
                    {
                        "id": d.id,
                        "name": {lang: f.data_point_name(k, d.id) for lang, f in fmts.items()},
                        "direction": d.direction,
                        "target": default(k.id, d.id, "target"),
                        "target_source": default(k.id, d.id, "target_source"),
                    }
                    for d in k.data_points
                ],
                "target": default(k.id, None, "target"),
                "target_source": default(k.id, None, "target_source"),
                "confidence": k.confidence,
                "direction_note": k.direction_note,
                "direction_source": k.direction_source,
            }
        )
    return out


def cmd_catalogue(args) -> int:
    from profiles_gen.export import dumps_json
    from profiles_gen.i18n import available_languages

    langs = args.lang or available_languages()
    unknown = [lang for lang in langs if lang not in available_languages()]
    if unknown:
        raise UsageError(f"no catalogue for language(s) {', '.join(unknown)}")
    sys.stdout.write(dumps_json(catalogue_json(langs)))
    return EXIT_OK


def cmd_verify(args) -> int:
    from profiles_gen.publication import prepare
    from profiles_gen.verify import check_manifest, check_numbers

    city = prepare(_city_dir(args.city)).source
    out_dir = (args.out or project_root() / "build") / city.slug
    if not out_dir.is_dir():
        raise UsageError(f"{_rel(out_dir)}: nothing built yet for {city.slug}")
    problems = check_numbers(out_dir, city.slug, list(city.languages))
    if args.manifest:
        problems += check_manifest(out_dir, city.dir)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return EXIT_INVALID
    print(f"{city.slug}: {verified_editions(out_dir, city.slug, list(city.languages))}")
    if args.manifest:
        print(f"{city.slug}: verified the manifest: inputs and outputs unchanged since the build")
    return EXIT_OK


def verified_editions(out_dir: Path, slug: str, langs: list[str], base: str = "en") -> str:
    """What ``verify`` compared: each edition's figures against the base language's."""
    paths = {"PDF": lambda lang: f"{slug}-{lang}.pdf", "HTML": lambda lang: f"{lang}/index.html"}
    built = {
        kind: [g for g in langs if (out_dir / path(g)).is_file()] for kind, path in paths.items()
    }
    compared: dict[str, list[str]] = {}
    for kind, found in built.items():
        for lang in found:
            if base in found and lang != base:
                compared.setdefault(lang, []).append(kind)
    if compared:
        pairs = ", ".join(f"{lang} ({', '.join(kinds)})" for lang, kinds in compared.items())
        return f"verified the figures of {pairs} against {base}"
    editions = [f"{lang} {kind}" for kind, found in built.items() for lang in found]
    present = {lang for found in built.values() for lang in found}
    if not editions:
        why = "no edition built"
    elif base not in present:
        why = f"no {base} edition to compare against"
    elif present == {base}:
        why = "no other language's edition to compare against"
    else:
        why = f"no other language's edition in the same format as the {base} one"
    return f"nothing compared: {why} (built: {', '.join(editions) or 'none'})"


def cmd_site(args) -> int:
    from profiles_gen.pipeline import BuildOptions
    from profiles_gen.report import Reporter
    from profiles_gen.site import build_site

    out = args.out or project_root() / "build"
    cities = publications(project_root() / "cities")
    problem = out_problem(out, cities)
    if problem:
        print(f"profiles-gen site: error: --out {args.out}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    with Reporter(quiet=args.quiet, jobs=max(1, args.jobs)) as reporter:
        results, site = build_site(out, cities, BuildOptions(jobs=max(1, args.jobs)), reporter)
    for result in results:
        for warning in result.warnings:
            print(warning, file=sys.stderr)
    if not args.quiet:
        print(f"wrote {_rel(site)}/index.html")
    return EXIT_OK


def cmd_serve(args) -> int:
    from profiles_gen.serve import serve

    if not 0 <= args.port <= 65535:
        print("profiles-gen serve: error: --port must be 0 to 65535", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or project_root() / "build"
    _known_languages(args.lang)

    def log(message: str) -> None:
        print(message, flush=True)

    try:
        return serve(_city_dir(args.city), out, list(args.lang), args.port, log)
    except OSError as exc:  # e.g. the port is taken
        print(f"profiles-gen serve: error: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_export_xlsx(args) -> int:
    from profiles_gen.sheets import export_city

    city_dir = _city_dir(args.city)
    _known_languages([args.lang] if args.lang else [])
    out = args.out or project_root() / "build" / city_dir.name / (
        f"{city_dir.name}-data-collection.xlsx"
    )
    export_city(city_dir, out, args.lang or "en", args.decimal_comma)
    print(f"wrote {_rel(out)}")
    return EXIT_OK


def cmd_import_xlsx(args) -> int:
    from profiles_gen.sheets import import_city

    city_dir = _city_dir(args.city)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    decimal_comma = True if args.decimal_comma else None  # else as the workbook declares
    count, warnings = import_city(args.file, city_dir, decimal_comma)
    print(f"wrote {_rel(city_dir / 'kpis.yaml')}: {count} KPI records")
    for issue in warnings:
        print(issue.format(Path.cwd()), file=sys.stderr)
    return EXIT_OK


def publications(cities: Path) -> list[Path]:
    """The cities and volumes under ``cities/`` (a volume's members are built within it)."""
    from profiles_gen.load import is_volume

    if not cities.is_dir():
        return []
    return sorted(p for p in cities.iterdir() if (p / "city.yaml").is_file() or is_volume(p))


def cmd_list(args) -> int:
    from profiles_gen.load import is_volume

    for path in publications(project_root() / "cities"):
        if is_volume(path):
            members = sorted(p.name for p in path.iterdir() if (p / "city.yaml").is_file())
            print(f"{path.name} (volume: {', '.join(f'{path.name}/{m}' for m in members)})")
        else:
            print(path.name)
    return EXIT_OK


def cmd_schema(args) -> int:
    from profiles_gen.publish import atomic_write
    from profiles_gen.schema import all_schemas

    schemas = all_schemas()
    if args.out is None:
        print(json.dumps(schemas, indent=2, ensure_ascii=False))
        return EXIT_OK
    for name, schema in schemas.items():
        path = args.out / name.replace(".yaml", ".schema.json")
        atomic_write(path, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {_rel(path)}")
    return EXIT_OK


def city_languages() -> dict[str, list[str]]:
    """Every language some city under cities/ is issued in, with those cities."""
    from profiles_gen.errors import IssueLog
    from profiles_gen.load import load_yaml_file

    langs: dict[str, list[str]] = {}
    cities = project_root() / "cities"
    for path in sorted([*cities.glob("*/city.yaml"), *cities.glob("*/volume.yaml")]):
        doc = load_yaml_file(path, IssueLog(), city_dir=path.parent)  # a broken one: skipped
        listed = doc.data.get("languages") if doc and isinstance(doc.data, dict) else None
        if not isinstance(listed, list):
            print(f"{_rel(path)}: warning: languages unreadable (see validate)", file=sys.stderr)
            continue
        for lang in listed:
            if isinstance(lang, str):
                langs.setdefault(lang, []).append(path.parent.name)
    return langs


def cmd_locales(args) -> int:
    from profiles_gen.i18n import available_languages
    from profiles_gen.locales import coverage, fix_format_flags, init_language, report

    if args.locales_command == "init":
        po = init_language(args.language)
        print(f"{_rel(po)}: created; fill Last-Translator, then Reviewed-By and Review-Date")
        return EXIT_OK
    if args.locales_command == "fix-flags":
        for path in args.files:
            fix_format_flags(path)
        return EXIT_OK
    langs = args.lang or [lang for lang in available_languages() if lang != "en"]
    required = city_languages()
    failed = False
    for lang in langs:
        if lang not in available_languages():
            raise UsageError(f"no catalogue for language {lang!r} in locales/")
        cov = coverage(lang)
        for line in report(cov, verbose=args.verbose):
            print(line)
        for problem in cov.problems:
            print(problem.format(), file=sys.stderr)
        failed = failed or bool(cov.problems)
        if (cov.untranslated or cov.fuzzy) and lang in required:
            print(
                f"error: {lang} is incomplete and {', '.join(required[lang])} "
                f"{'is' if len(required[lang]) == 1 else 'are'} issued in it",
                file=sys.stderr,
            )
            failed = True
    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.validate import data_text_report

    cities = project_root() / "cities"
    for line in data_text_report(cities, load_catalogue(), set(langs)):
        print(f"warning: {_rel(Path(line.split(': ', 1)[0]))}: {line.split(': ', 1)[1]}")
    return EXIT_INVALID if failed else EXIT_OK


# --- profiles-gen targets: target sets (issue 16) -----------------------------------------


def add_targets_parser(sub) -> None:
    targets = sub.add_parser("targets", help="target sets: their coverage and sources; import")
    targets_sub = targets.add_subparsers(dest="targets_command", required=True)
    tl = targets_sub.add_parser(
        "list", help="each set's coverage, the source of every target and the KPIs without one"
    )
    tl.add_argument("--set", dest="set_name", help="only this set (default: every set found)")
    tl.add_argument("--city", help="also the sets of this city or volume folder")
    tl.add_argument("--json", action="store_true", help="print JSON")
    tl.add_argument(
        "--lang", default="en", help="language of the listing and its texts (default: en)"
    )
    ti = targets_sub.add_parser(
        "import", help="read a workbook (code, data_point, target, source, kind) into a set"
    )
    ti.add_argument("file", metavar="FILE", type=Path)
    ti.add_argument("--set", dest="set_name", required=True, help="the set's name")
    ti.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the set file (default: targets/NAME.yaml of the project)",
    )


def cmd_targets(args) -> int:
    import re

    from profiles_gen.catalogue import load_catalogue
    from profiles_gen.errors import IssueLog
    from profiles_gen.targets import SET_NAME_RE, available_sets, load_set, search_dirs

    catalogue = load_catalogue()
    if args.targets_command == "import":
        return _targets_import(args, catalogue)
    _known_languages([args.lang])
    city_dir = _city_dir(args.city) if args.city else None
    found = available_sets(search_dirs(city_dir))
    if args.set_name:
        if not re.match(SET_NAME_RE, args.set_name) or args.set_name not in found:
            raise ProfileError(
                f"no target set {args.set_name!r} (sets: {', '.join(found) or 'none'})"
            )
        found = {args.set_name: found[args.set_name]}
    log = IssueLog()
    sets = [s for s in (load_set(path, catalogue, log) for path in found.values()) if s]
    log.raise_if_errors()
    if args.json:
        from profiles_gen.export import dumps_json

        sys.stdout.write(dumps_json([_set_json(s, catalogue, args.lang) for s in sets]))
    else:
        from profiles_gen.i18n import Formatter

        fmt = Formatter(args.lang)
        sys.stdout.write("".join(_set_text(s, catalogue, fmt) for s in sets))
    return EXIT_OK


def _in_lang(text, lang: str) -> tuple[str, str]:
    """A set's text (a note, a reason) in ``lang`` if the set gives it, else in its own
    language; and that language."""
    texts = getattr(text, "texts", None) or {"en": str(text or "")}
    own = lang if lang in texts else ("en" if "en" in texts else next(iter(texts)))
    return texts[own], own


def _set_json(s, catalogue, lang: str = "en") -> dict:
    from profiles_gen.targets import coverage

    return {
        "set": s.name,
        "path": str(s.path),
        "title": s.title,
        "coverage": coverage(s, catalogue),
        "targets": [
            {
                "kpi": t.kpi,
                "code": catalogue.by_id[t.kpi].code,
                "data_point": t.data_point,
                "target": t.value,
                "kind": t.kind,
                "source": {"title": t.title, "url": t.url},
                "note": _in_lang(t.note, lang)[0],
                "text": t.text,
            }
            for t in s.targets.values()
        ],
        "without": [
            {"kpi": k, "data_point": dp, "reason": _in_lang(reason, lang)[0]}
            for (k, dp), reason in s.without.items()
        ],
    }


def _set_text(s, catalogue, fmt) -> str:
    """A set for the terminal, in ``fmt``'s language: its coverage, each target with its
    source line, source and note, then the KPIs without a target and why."""
    from profiles_gen import vocabulary as vocab
    from profiles_gen.targets import coverage

    cov = coverage(s, catalogue)
    lang = fmt.lang

    def marked(text) -> str:  # a text the set gives in another language says which
        shown, own = _in_lang(text, lang)
        return shown if own == lang else f"({own}) {shown}"

    # Translators: targets list: "25 of 91 KPIs have a target (34 of 112 KPIs and data
    # points)"; the counts are formatted numbers.
    covered = fmt.ngettext(
        "%(n)s of %(kpis)s KPIs has a target (%(m)s of %(items)s KPIs and data points)",
        "%(n)s of %(kpis)s KPIs have a target (%(m)s of %(items)s KPIs and data points)",
        cov["kpis_with_target"],
    ) % {
        "n": fmt.number(cov["kpis_with_target"]),
        "kpis": fmt.number(cov["kpis"]),
        "m": fmt.number(cov["items_with_target"]),
        "items": fmt.number(cov["items"]),
    }
    # Translators: targets list: the heading of the set's targets.
    heading = fmt.gettext("Targets:")
    lines = [f"{s.name}: {s.title_in(lang)} ({_rel(s.path)})", f"  {covered}", "", f"  {heading}"]
    for t in s.targets.values():
        kpi = catalogue.by_id[t.kpi]
        name = kpi.code + (f" {t.data_point}" if t.data_point else "")
        value = fmt.yes_no(True) if t.value is True else fmt.number(t.value)
        kind = vocab.target_kind(fmt, t.kind)
        lines.append(f"    {name:24} {fmt.kpi_name(kpi)[:40]:40} {value:>6}  [{kind}]")
        lines.append(f"      {t.source_text(lang)}")
        # Translators: targets list: the document that sets a target, and its address.
        source = fmt.gettext("source: %(title)s") % {"title": t.title}
        lines.append(f"      {source}" + (f" <{t.url}>" if t.url else ""))
        if t.note:
            # Translators: targets list: how the target follows from its source.
            note = fmt.gettext("note: %(note)s") % {"note": marked(t.note)}
            lines.append(f"      {note}")
    missing = list(cov["kpis_without"])
    # Translators: targets list: the heading of the KPIs (and data points) without a target.
    heading = fmt.ngettext(
        "Without a target (%(count)s KPI, and data points):",
        "Without a target (%(count)s KPIs, and data points):",
        len(missing),
    ) % {"count": fmt.number(len(missing))}
    lines += ["", f"  {heading}"]
    listed = set()
    for (kpi_id, dp), reason in s.without.items():
        kpi = catalogue.by_id[kpi_id]
        name = kpi.code + (f" {dp}" if dp else "")
        lines.append(f"    {name:24} {fmt.kpi_name(kpi)[:40]:40} {marked(reason)}")
        listed.add(kpi_id)
    for kpi_id in missing:
        if kpi_id not in listed:
            kpi = catalogue.by_id[kpi_id]
            # Translators: targets list: a KPI without a target whose set says not why.
            none = fmt.gettext("(no reason given in the set)")
            lines.append(f"    {kpi.code:24} {fmt.kpi_name(kpi)[:40]:40} {none}")
    return "\n".join(lines) + "\n\n"


def _targets_import(args, catalogue) -> int:
    import re

    import yaml

    from profiles_gen.errors import IssueLog
    from profiles_gen.publish import atomic_write
    from profiles_gen.targets import PROJECT_TARGETS, SET_NAME_RE, import_workbook, load_set

    if not re.match(SET_NAME_RE, args.set_name):
        raise ProfileError(
            f"{args.set_name!r}: a set name is lower-case letters, digits, '-' or '_'"
        )
    if not args.file.is_file():
        raise ProfileError(f"{args.file}: no such file")
    data = import_workbook(args.file, catalogue, args.set_name)
    out = args.out or PROJECT_TARGETS / f"{args.set_name}.yaml"
    header = (
        f"# Target set {args.set_name}, imported by profiles-gen targets import from "
        f"{args.file.name}.\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    atomic_write(out, text)
    log = IssueLog()  # what the written set says, read back like any set
    load_set(out, catalogue, log)
    for issue in log.issues:
        print(issue.format(Path.cwd()), file=sys.stderr)
    print(f"wrote {_rel(out)}: {len(data['targets'])} targets")
    return EXIT_OK


COMMANDS = {
    "build": cmd_build,
    "validate": cmd_validate,
    "score": cmd_score,
    "compare": cmd_compare,
    "catalogue": cmd_catalogue,
    "list": cmd_list,
    "schema": cmd_schema,
    "locales": cmd_locales,
    "verify": cmd_verify,
    "site": cmd_site,
    "serve": cmd_serve,
    "export-xlsx": cmd_export_xlsx,
    "import-xlsx": cmd_import_xlsx,
    "targets": cmd_targets,
}


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # a real process, not a call from tests
        from profiles_gen.publish import interrupt

        signal.signal(signal.SIGTERM, interrupt)
        signal.signal(signal.SIGINT, interrupt)
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except ProfileError as exc:
        root = Path.cwd()
        errors = exc.errors
        for issue in exc.issues:
            print(issue.format(root) if issue.path else f"error: {issue.message}", file=sys.stderr)
        if len(exc.issues) > 1 or errors:
            print(
                f"{len(errors)} error(s), {len(exc.issues) - len(errors)} warning(s)",
                file=sys.stderr,
            )
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        sys.stderr.close()
        return EXIT_OK
