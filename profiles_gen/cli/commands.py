"""The ``profiles-gen`` command: arguments, exit codes and messages.

Exit status: 0 success, 1 invalid data (every problem printed as
``path:line:col: error: …``), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from profiles_gen.cli.text import catalogue_json, comparison_text, verified_editions
from profiles_gen.core.errors import UsageError
from profiles_gen.core.paths import PACKAGE_DIR, display_path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def project_root() -> Path:
    """The folder holding ``cities/``: the working directory if it has one, else the checkout
    the package runs from (an installed package has none: the working directory)."""
    from profiles_gen.core.paths import CHECKOUT

    cwd = Path.cwd()
    return cwd if (cwd / "cities").is_dir() or CHECKOUT is None else CHECKOUT


def city_dir_arg(text: str) -> Path:
    from profiles_gen.data.load import resolve_city_dir

    return resolve_city_dir(text, project_root() / "cities")


def known_languages(langs) -> None:
    """A language without a catalogue in locales/ is bad usage (exit status 2)."""
    from profiles_gen.i18n.messages import PSEUDO, available_languages

    unknown = [lang for lang in langs or () if lang not in [*available_languages(), PSEUDO]]
    if unknown:
        raise UsageError(
            f"no catalogue for language(s) {', '.join(unknown)} in locales/ "
            f"(available: {', '.join(available_languages())})"
        )


def cmd_build(args) -> int:
    from profiles_gen.build.pipeline import build_cities
    from profiles_gen.build.plan import BuildOptions

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

    from profiles_gen.cli.report import Reporter

    city_dirs = list(dict.fromkeys(city_dir_arg(city) for city in args.city))
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
            print(f"wrote {display_path(path)}")
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

    from profiles_gen.core.paths import TEMPLATES_DIR
    from profiles_gen.i18n.messages import locales_dir

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
    sources = [project_root() / "cities", TEMPLATES_DIR, locales_dir(), PACKAGE_DIR, *city_dirs]
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


def cmd_validate(args) -> int:
    from profiles_gen.build.publication import prepare
    from profiles_gen.data.model import Volume

    pub = prepare(city_dir_arg(args.city), args.strict, args.allow_remote)
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
    from profiles_gen.build.publication import prepare_city
    from profiles_gen.data.load import is_volume
    from profiles_gen.publish.export import dumps_json, score_json
    from profiles_gen.scoring.compare import progress
    from profiles_gen.scoring.score import score_city

    city_dir = city_dir_arg(args.city)
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
    from profiles_gen.build.publication import prepare
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.publish.export import dumps_json
    from profiles_gen.scoring.compare import compare_cities, comparison_json
    from profiles_gen.scoring.score import score_city

    known_languages([args.lang] if args.lang else [])
    cities, window = [], args.year_window
    for text in args.city:
        prepared = prepare(city_dir_arg(text))
        pub, catalogue = prepared.source, prepared.catalogue
        if hasattr(pub, "members"):  # a volume: its member cities
            cities += list(pub.members)
            window = pub.year_window if window is None else window
        else:
            cities.append(pub)
    if window is None:
        from profiles_gen.scoring.compare import YEAR_WINDOW

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


def cmd_catalogue(args) -> int:
    from profiles_gen.i18n.messages import available_languages
    from profiles_gen.publish.export import dumps_json

    langs = args.lang or available_languages()
    unknown = [lang for lang in langs if lang not in available_languages()]
    if unknown:
        raise UsageError(f"no catalogue for language(s) {', '.join(unknown)}")
    sys.stdout.write(dumps_json(catalogue_json(langs)))
    return EXIT_OK


def cmd_verify(args) -> int:
    from profiles_gen.build.publication import prepare
    from profiles_gen.tools.verify import check_manifest, check_numbers

    city = prepare(city_dir_arg(args.city)).source
    out_dir = (args.out or project_root() / "build") / city.slug
    if not out_dir.is_dir():
        raise UsageError(f"{display_path(out_dir)}: nothing built yet for {city.slug}")
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


def cmd_site(args) -> int:
    from profiles_gen.build.plan import BuildOptions
    from profiles_gen.cli.report import Reporter
    from profiles_gen.tools.site import build_site

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
        print(f"wrote {display_path(site)}/index.html")
    return EXIT_OK


def cmd_serve(args) -> int:
    from profiles_gen.tools.serve import serve

    if not 0 <= args.port <= 65535:
        print("profiles-gen serve: error: --port must be 0 to 65535", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or project_root() / "build"
    known_languages(args.lang)

    def log(message: str) -> None:
        print(message, flush=True)

    try:
        return serve(city_dir_arg(args.city), out, list(args.lang), args.port, log)
    except OSError as exc:  # e.g. the port is taken
        print(f"profiles-gen serve: error: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_export_xlsx(args) -> int:
    from profiles_gen.tools.sheets import export_city

    city_dir = city_dir_arg(args.city)
    known_languages([args.lang] if args.lang else [])
    out = args.out or project_root() / "build" / city_dir.name / (
        f"{city_dir.name}-data-collection.xlsx"
    )
    export_city(city_dir, out, args.lang or "en", args.decimal_comma)
    print(f"wrote {display_path(out)}")
    return EXIT_OK


def cmd_import_xlsx(args) -> int:
    from profiles_gen.tools.itu import looks_like_itu
    from profiles_gen.tools.sheets import import_city

    city_dir = city_dir_arg(args.city)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    if looks_like_itu(args.file):  # ITU's own workbook: read as import-itu reads it
        print(f"{display_path(args.file)}: ITU's data-collection workbook, read as import-itu does")
        return cmd_import_itu(args)
    itu_only = [
        f"--{name.replace('_', '-')}"
        for name in ("year", "benchmark_numbers", "reference_out")
        if getattr(args, name, None) is not None
    ] + (["--allow-in-repository"] if args.allow_in_repository else [])
    if itu_only:
        raise UsageError(f"{', '.join(itu_only)}: only for ITU's data-collection workbook")
    decimal_comma = True if args.decimal_comma else None  # else as the workbook declares
    count, warnings = import_city(args.file, city_dir, decimal_comma)
    print(f"wrote {display_path(city_dir / 'kpis.yaml')}: {count} KPI records")
    for issue in warnings:
        print(issue.format(Path.cwd()), file=sys.stderr)
    return EXIT_OK


def cmd_import_itu(args) -> int:
    from profiles_gen.tools.itu import import_itu_city

    city_dir = city_dir_arg(args.city)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    if args.reference_out is not None:
        import re

        from profiles_gen.data.targets import SET_NAME_RE

        if args.reference_out.is_dir():
            raise UsageError(f"--reference-out {args.reference_out}: a folder, not a file")
        name = args.reference_out.stem
        if args.reference_out.suffix != ".yaml" or not re.match(SET_NAME_RE, name):
            raise UsageError(
                f"--reference-out {args.reference_out}: a set file is NAME.yaml, NAME in lower "
                "case letters, digits, '-' or '_' (the name a city's targets: list gives)"
            )
    result = import_itu_city(
        args.file,
        city_dir,
        decimal_comma=bool(args.decimal_comma),
        numbers=args.benchmark_numbers,
        year=args.year,
        reference_out=args.reference_out,
        allow_in_repository=args.allow_in_repository,
    )
    c = result.counts
    print(
        f"wrote {display_path(city_dir / 'kpis.yaml')}: {result.records} KPI records from the "
        f"tab {result.sheet!r} ({c.values} values, {c.performance} of them with a U4SSC "
        f"benchmark performance; {c.not_reported} not reported)"
    )
    if result.reference_written is not None:
        print(
            f"wrote {display_path(result.reference_written)}: {result.reference_values} U4SSC "
            f"benchmark values from the tab {result.reference!r} (not public: keep the file "
            "out of any public repository; use it as a target set through PROFILES_GEN_TARGETS)"
        )
    elif result.reference is not None:
        print(
            f"the tab {result.reference!r} holds {result.reference_values} KPI rows of U4SSC "
            "benchmark values, not written: give --reference-out FILE (outside the repository) "
            "to keep them as a private target set"
        )
    for issue in result.warnings:
        print(issue.format(Path.cwd()), file=sys.stderr)
    return EXIT_OK


def publications(cities: Path) -> list[Path]:
    """The cities and volumes under ``cities/`` (a volume's members are built within it)."""
    from profiles_gen.data.load import is_volume

    if not cities.is_dir():
        return []
    return sorted(p for p in cities.iterdir() if (p / "city.yaml").is_file() or is_volume(p))


def cmd_list(args) -> int:
    from profiles_gen.data.load import is_volume

    for path in publications(project_root() / "cities"):
        if is_volume(path):
            members = sorted(p.name for p in path.iterdir() if (p / "city.yaml").is_file())
            print(f"{path.name} (volume: {', '.join(f'{path.name}/{m}' for m in members)})")
        else:
            print(path.name)
    return EXIT_OK


def cmd_schema(args) -> int:
    from profiles_gen.core.files import atomic_write
    from profiles_gen.data.jsonschema import all_schemas

    schemas = all_schemas()
    if args.out is None:
        print(json.dumps(schemas, indent=2, ensure_ascii=False))
        return EXIT_OK
    for name, schema in schemas.items():
        path = args.out / name.replace(".yaml", ".schema.json")
        atomic_write(path, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def city_languages() -> dict[str, list[str]]:
    """Every language some city under cities/ is issued in, with those cities."""
    from profiles_gen.core.errors import IssueLog
    from profiles_gen.data.load import load_yaml_file

    langs: dict[str, list[str]] = {}
    cities = project_root() / "cities"
    for path in sorted([*cities.glob("*/city.yaml"), *cities.glob("*/volume.yaml")]):
        doc = load_yaml_file(path, IssueLog(), city_dir=path.parent)  # a broken one: skipped
        listed = doc.data.get("languages") if doc and isinstance(doc.data, dict) else None
        if not isinstance(listed, list):
            print(
                f"{display_path(path)}: warning: languages unreadable (see validate)",
                file=sys.stderr,
            )
            continue
        for lang in listed:
            if isinstance(lang, str):
                langs.setdefault(lang, []).append(path.parent.name)
    return langs


def cmd_locales(args) -> int:
    from profiles_gen.i18n.locales import coverage, fix_format_flags, init_language, report
    from profiles_gen.i18n.messages import available_languages

    if args.locales_command == "init":
        po = init_language(args.language)
        print(
            f"{display_path(po)}: created; fill Last-Translator, then Reviewed-By and Review-Date"
        )
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
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.data.validate import data_text_report

    cities = project_root() / "cities"
    for line in data_text_report(cities, load_catalogue(), set(langs)):
        print(f"warning: {display_path(Path(line.split(': ', 1)[0]))}: {line.split(': ', 1)[1]}")
    return EXIT_INVALID if failed else EXIT_OK
