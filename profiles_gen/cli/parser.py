"""The command line's arguments."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from profiles_gen import __version__


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
    from profiles_gen.core.options import PDF_VARIANTS

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
    add_itu_options(imp, only_itu=False)

    itu = sub.add_parser(
        "import-itu",
        help="read ITU's data-collection workbook (U4SSC Data Collection Template) into kpis.yaml",
    )
    itu.add_argument("file", metavar="WORKBOOK", type=Path)
    itu.add_argument("city", metavar="CITY")
    add_itu_options(itu)

    add_targets_parser(sub)

    sub.add_parser("list", help="list the cities under cities/")
    schema = sub.add_parser("schema", help="print the JSON Schema of the city files")
    schema.add_argument("--out", type=Path, help="write one .schema.json file per city file")

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
        "init",
        help="start a new language: its catalogue (gettext's plural rule, the sign-off lines) "
        "and its glossary",
    )
    init.add_argument("language", metavar="LANG", help="a language code: fr, pt_BR")
    signoff = locales_sub.add_parser(
        "sign-off",
        help="record a reviewer's approval of a complete catalogue without error (its "
        "editions are no longer drafts until a translation changes)",
    )
    signoff.add_argument("language", metavar="LANG", help="the language reviewed: fr")
    signoff.add_argument("--reviewer", required=True, help="who reviewed it: a name")
    signoff.add_argument("--date", help="the day of the review, YYYY-MM-DD (default: today)")
    flags = locales_sub.add_parser(
        "fix-flags", help="flag the KPI catalogue's strings no-python-format (after pybabel)"
    )
    flags.add_argument("files", metavar="FILE", type=Path, nargs="+")
    return parser


def add_itu_options(parser, only_itu: bool = True) -> None:
    """The options of ITU's workbook (``import-itu``, and ``import-xlsx`` when it finds one)."""
    scope = "" if only_itu else " (ITU's workbook only)"
    if only_itu:
        parser.add_argument(
            "--decimal-comma",
            action="store_true",
            help="numbers typed as text use a decimal comma (default: a point)",
        )
    parser.add_argument(
        "--year", type=int, default=None, help="the year of every value read" + scope
    )
    parser.add_argument(
        "--benchmark-numbers",
        choices=("share", "percent", "points"),
        default=None,
        help="how a number in column R without a per-cent format reads: a share of the "
        "benchmark (0.87), a percentage (87) or points (1-4)" + scope,
    )
    parser.add_argument(
        "--reference-out",
        type=Path,
        default=None,
        help="write the Scoring – reference tab's benchmark values as a private target set "
        "to this file, outside any repository" + scope,
    )
    parser.add_argument(
        "--allow-in-repository",
        action="store_true",
        help="allow --reference-out inside a repository" + scope,
    )


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
