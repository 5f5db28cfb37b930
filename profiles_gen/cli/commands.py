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
from profiles_gen.core.errors import IssueLog, UsageError
from profiles_gen.core.paths import PACKAGE_DIR, display_path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def project_root() -> Path:
    """The folder holding ``cities/``: the working directory if it has one, else the checkout
    the package runs from (an installed package has none: the working directory)."""
    from profiles_gen.core.paths import CHECKOUT

    cwd = Path.cwd()
    return cwd if (cwd / "cities").is_dir() or CHECKOUT is None else CHECKOUT


def city_dir_arg(text: str) -> Path:
    from profiles_gen.data.folders import resolve_city_dir

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
    from profiles_gen.build.noop import up_to_date
    from profiles_gen.cli.report import Reporter
    from profiles_gen.core.options import BuildOptions

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

    city_dirs = list(dict.fromkeys(city_dir_arg(city) for city in args.city))
    if refuse_output("build", f"--out {args.out or out}", out, city_dirs):
        return EXIT_USAGE
    # Nothing changed since the last build of these cities with these options: say so,
    # without validating, parsing a catalogue or importing the pipeline (build.noop).
    fresh = up_to_date(city_dirs, out, opts)
    if fresh is not None:
        with Reporter(quiet=args.quiet, jobs=args.jobs, live=False) as reporter:
            for city in fresh:
                for lang in city.langs:
                    reporter(f"{city.slug} [{lang}] up to date")
        for city in fresh:
            for warning in city.warnings:
                print(warning, file=sys.stderr)
        if not args.quiet:
            names = ", ".join(city.slug for city in fresh)
            print(f"built {names} in {time.perf_counter() - started:.1f} s")
        return EXIT_OK

    from profiles_gen.build.pipeline import build_cities

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


def output_problem(
    out: Path,
    city_dirs=(),
    *,
    file: bool = False,
    suffixes: tuple[str, ...] = (),
    owned: Path | None = None,
) -> str | None:
    """Why a command may not write to ``out``, or None: the one check of every command that
    writes (``build``, ``site``, ``serve``, ``export-xlsx``, ``import-xlsx``, ``import-itu``,
    ``targets import``, ``schema``), refused with exit status 2 before anything is written.

    ``out`` is a folder of outputs, or with ``file`` one file. A folder must be a folder or
    not exist yet; a file must be a regular file or not exist yet, and end with one of
    ``suffixes`` (what the command writes): never a link, a device, a FIFO or a folder
    where a file goes, which the command would replace. Neither may lie in the source
    tree: the project's cities, templates, catalogues and code, every city folder being
    read (``city_dirs``), and for a folder the project folder itself; ``owned`` is the
    one place there that the command exists to write (``import-xlsx``: the city folder,
    for its ``kpis.yaml``; ``targets import``: the project's target sets).
    """
    import stat

    from profiles_gen.core.paths import TEMPLATES_DIR, locales_dir

    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return f"cannot be used ({exc.strerror})"
    if file:
        if mode is not None and stat.S_ISLNK(mode):
            return "is a link: give the path of a regular file"
        if mode is not None and not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a device or special file"
            return f"is {kind}, not a file the command may replace"
        if out.parent.exists() and not out.parent.is_dir():
            return f"{out.parent} is not a folder"
        real = Path(os.path.realpath(out))
    else:
        if mode is not None and stat.S_ISLNK(mode):
            mode = os.stat(out).st_mode if os.path.exists(out) else None
        if mode is not None and not stat.S_ISDIR(mode):
            kind = "a file" if stat.S_ISREG(mode) else "a device or special file"
            return f"is {kind}, not a folder: give a folder for the outputs"
        real = Path(os.path.realpath(out))
    mine = Path(os.path.realpath(owned)) if owned is not None else None
    if mine is None or not (real == mine or mine in real.parents):
        sources = [project_root() / "cities", TEMPLATES_DIR, locales_dir(), PACKAGE_DIR]
        for source in [*sources, *city_dirs]:
            source = Path(os.path.realpath(source))
            if real == source or source in real.parents:
                return f"lies inside the source tree ({source}): choose a place outside it"
    if file:
        if suffixes and out.suffix.lower() not in suffixes:
            return f"must end with {' or '.join(suffixes)} (what this command writes)"
        return None
    if mine is not None:
        return None
    for city in city_dirs:  # out/<city> would be the city folder, or a folder holding it
        mine, city_real = real / city.name, Path(os.path.realpath(city))
        if city_real == mine or mine in city_real.parents:
            return f"would write into the city folder {city}"
    if real == Path(os.path.realpath(project_root())):
        return "is the project folder: choose a folder such as build/"
    return None


def refuse_output(command: str, shown, out: Path, city_dirs=(), **kind) -> bool:
    """Print why ``out`` may not be written (``output_problem``) and return True, or False."""
    problem = output_problem(out, city_dirs, **kind)
    if problem:
        print(f"profiles-gen {command}: error: {shown}: {problem}", file=sys.stderr)
    return problem is not None


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
    from profiles_gen.data.folders import is_volume
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
    from profiles_gen.data.load import declared_languages
    from profiles_gen.tools.verify import check_manifest, check_numbers

    # What verify reads is what the build wrote: the folder's name and the languages its
    # city.yaml lists are all it needs of the sources (--manifest checks that none changed).
    # A file that cannot say them is validated whole, and its problems reported.
    folder = city_dir_arg(args.city)
    declared = declared_languages(folder)
    if declared is None:
        from profiles_gen.build.publication import prepare  # the pipeline: only to report

        declared = prepare(folder).source.languages
    slug = folder.name
    out_dir = (args.out or project_root() / "build") / slug
    if not out_dir.is_dir():
        raise UsageError(f"{display_path(out_dir)}: nothing built yet for {slug}")
    # The city's languages, and any other whose edition was built (--lang fr): compared too.
    from profiles_gen.i18n.messages import available_languages

    langs = list(declared) + [
        lang
        for lang in available_languages()
        if lang not in declared
        and ((out_dir / f"{slug}-{lang}.pdf").is_file() or (out_dir / lang).is_dir())
    ]
    problems = check_numbers(out_dir, slug, langs)
    if args.manifest:
        problems += check_manifest(out_dir, folder)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return EXIT_INVALID
    print(f"{slug}: {verified_editions(out_dir, slug, langs)}")
    if args.manifest:
        print(f"{slug}: verified the manifest: inputs and outputs unchanged since the build")
    return EXIT_OK


def cmd_site(args) -> int:
    from profiles_gen.build.plan import BuildOptions
    from profiles_gen.cli.report import Reporter
    from profiles_gen.tools.site import build_site

    out = args.out or project_root() / "build"
    cities = publications(project_root() / "cities")
    if refuse_output("site", f"--out {args.out or out}", out, cities):
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
    city_dir = city_dir_arg(args.city)
    if refuse_output("serve", f"--out {args.out or out}", out, [city_dir]):
        return EXIT_USAGE

    def log(message: str) -> None:
        print(message, flush=True)

    try:
        return serve(city_dir, out, list(args.lang), args.port, log)
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
    if refuse_output(
        "export-xlsx", f"--out {out}", out, [city_dir], file=True, suffixes=(".xlsx",)
    ):
        return EXIT_USAGE
    export_city(city_dir, out, args.lang or "en", args.decimal_comma)
    print(f"wrote {display_path(out)}")
    return EXIT_OK


def import_target(command: str, args) -> Path | None:
    """The city folder whose ``kpis.yaml`` an import writes (the workbook must exist), or
    None when that file may not be written (``output_problem``, said on stderr)."""
    city_dir = city_dir_arg(args.city)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    target = city_dir / "kpis.yaml"
    if refuse_output(command, target, target, file=True, owned=city_dir):
        return None
    return city_dir


def cmd_import_xlsx(args) -> int:
    from profiles_gen.tools.itu import looks_like_itu
    from profiles_gen.tools.sheets import import_city

    city_dir = import_target("import-xlsx", args)
    if city_dir is None:
        return EXIT_USAGE
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
    from profiles_gen.data.targets import PROJECT_TARGETS
    from profiles_gen.tools.itu import import_itu_city

    city_dir = import_target("import-itu", args)
    if city_dir is None:
        return EXIT_USAGE
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
        ref = args.reference_out
        if refuse_output(
            "import-itu", f"--reference-out {ref}", ref, file=True, suffixes=(".yaml",),
            owned=PROJECT_TARGETS,
        ):  # fmt: skip
            return EXIT_USAGE
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
    from profiles_gen.data.folders import is_volume

    if not cities.is_dir():
        return []
    return sorted(p for p in cities.iterdir() if (p / "city.yaml").is_file() or is_volume(p))


def cmd_list(args) -> int:
    from profiles_gen.data.folders import is_volume

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
    if refuse_output("schema", f"--out {args.out}", args.out):
        return EXIT_USAGE
    for name, schema in schemas.items():
        path = args.out / name.replace(".yaml", ".schema.json")
        atomic_write(path, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def city_languages() -> dict[str, list[str]]:
    """Every language some city under cities/ is issued in, with those cities."""
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
    from profiles_gen.i18n.locales import (
        coverage,
        fix_format_flags,
        problem_line,
        report,
        review,
        review_lines,
    )
    from profiles_gen.i18n.messages import available_languages

    if args.locales_command == "init":
        return _locales_init(args.language)
    if args.locales_command == "sign-off":
        return _locales_sign_off(args)
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
        lines = report(cov, verbose=args.verbose)
        rv = review(lang)
        print(lines[0])
        for line in review_lines(rv, verbose=args.verbose):
            print(line)
        for line in lines[1:]:
            print(line)
        for problem in cov.problems + cov.terms:
            print(problem_line(problem), file=sys.stderr)
        failed = failed or bool(cov.errors)
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


def _locales_init(lang: str) -> int:
    """``locales init``: the catalogue and glossary of a new language, and what else a
    language needs before its first edition (docs/translators.md)."""
    from profiles_gen.data.catalogue import load_catalogue
    from profiles_gen.data.targets import load_set, search_dirs
    from profiles_gen.i18n.locales import init_language

    new = init_language(lang)
    origin = (
        "gettext's rule for the language"
        if new.plural_from_gettext
        else "CLDR's rule: gettext's table has none for this language, check it"
    )
    print(f"{display_path(new.po)}: created; Plural-Forms: {new.plural_forms} ({origin})")
    print(f"{display_path(new.glossary)}: the framework's terms, to translate first")
    print("Next (docs/translators.md walks through each step):")
    print("  - fill Last-Translator in the catalogue's header; translate every string;")
    catalogue = load_catalogue()
    for folder in search_dirs(None):
        for path in sorted(folder.glob("*.yaml")):
            log = IssueLog()
            load_set(path, catalogue, log, langs=(lang,))
            missing = [i for i in log.issues if f"the {lang!r} source line is missing" in i.message]
            if missing:
                print(
                    f"  - {display_path(path)}: {len(missing)} source line(s) and the title "
                    f"to give in {lang!r} (text: {{en: …, {lang}: …}}; first at line "
                    f"{missing[0].line})"
                )
    print(
        f"  - each city issued in {lang!r}: add it to languages in city.yaml, give name, "
        f"country and publication title, place and funding in {lang!r}, the data texts "
        f"(`profiles-gen validate CITY` lists them) and narrative/{lang}/;"
    )
    print(
        f"  - `profiles-gen locales check --lang {lang}` until it passes, then the reviewer "
        f"signs: `profiles-gen locales sign-off {lang} --reviewer NAME`."
    )
    return EXIT_OK


def _locales_sign_off(args) -> int:
    import datetime as dt

    from profiles_gen.i18n.locales import sign
    from profiles_gen.i18n.messages import available_languages, po_path

    if args.language not in available_languages() or args.language == "en":
        raise UsageError(f"no catalogue for language {args.language!r} in locales/")
    date = None
    if args.date:
        try:
            date = dt.date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date {args.date!r}: write the date as YYYY-MM-DD") from None
    rv = sign(args.language, args.reviewer, date)
    print(
        f"{display_path(po_path(args.language))}: signed off by {rv.signed.reviewer} on "
        f"{rv.signed.review_date} ({rv.coverage.total} translations, {rv.signed.digest}); "
        f"its editions are no longer drafts"
    )
    return EXIT_OK
