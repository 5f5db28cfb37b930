"""Planning a build: each publication prepared, scored and compared with its manifest.

``plan_build`` loads, validates and scores a city or a volume (all errors before any
output), writes its open-data exports if their inputs changed, and plans each edition:
the formats whose inputs changed since the build ``manifest.json`` records. The
pipeline then runs only what was planned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from profiles_gen.build.manifest import Manifest
from profiles_gen.build.publication import Prepared, prepare
from profiles_gen.build.workers import output_lock
from profiles_gen.core.errors import Issue, ProfileError, UsageError
from profiles_gen.core.files import atomic_write, clean_stale_temporaries
from profiles_gen.core.options import BuildOptions
from profiles_gen.data.model import City, Score, Volume
from profiles_gen.i18n.locales import edition_warnings
from profiles_gen.i18n.messages import PSEUDO, available_languages
from profiles_gen.publish.pdf import pdf_name

Report = Callable[[str], None]  # told one line per edition built or up to date


@dataclass
class EditionResult:
    lang: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_mb: float = 0.0  # the peak resident memory of the process that rendered it
    charts_peak_mb: float = 0.0  # and of the one that drew its charts, if another one
    # Per PDF written (its name in the output folder): where its pictures lie on its pages,
    # recorded in the manifest for verify (publish.weasy.picture_boxes).
    pictures: dict[str, list[list[float]]] = field(default_factory=dict)
    # The texts it showed in another language than its own, (lang, text) each once: the
    # build's warning names them (``i18n.locales.other_language_warnings``).
    shown: list[tuple[str, str]] = field(default_factory=list)
    # The HTML handed to WeasyPrint, kept (``--keep-print-html``): the build writes it
    # (``publish.edition.Published``).
    print_html: str = ""


@dataclass
class BuildResult:
    city: City | Volume
    score: Score | tuple[Score, ...]  # a volume: one per member
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    editions: list[EditionResult] = field(default_factory=list)


@dataclass
class EditionPlan:
    lang: str
    formats: tuple[
        str, ...
    ]  # the formats to build: those not up to date ("print": print.html only)
    outputs: dict[str, str]  # format -> output name in the manifest
    digests: dict[str, str]
    files: dict[str, Path]


@dataclass
class PlannedBuild:
    """One publication, prepared and scored, with its editions planned."""

    pub: Prepared
    result: BuildResult
    out_dir: Path
    manifest: Manifest
    plans: dict[str, EditionPlan]
    exports: dict[str, tuple[str, str]]  # the open-data exports, also attached to each PDF


def plan_build(city_dir: Path, out_root: Path, opts: BuildOptions) -> PlannedBuild:
    """Load, validate and score; write the exports if stale; plan each edition."""
    pub = prepare(city_dir, opts.strict, opts.allow_remote, publishing=True)
    result = BuildResult(pub.source, pub.score, warnings=[i.format() for i in pub.log.warnings])
    langs = list(opts.langs) or list(pub.languages)
    unknown = [lang for lang in langs if lang not in available_languages() + [PSEUDO]]
    if unknown:
        raise UsageError(
            f"no catalogue for language(s) {', '.join(unknown)} in locales/ "
            f"(available: {', '.join(available_languages())})"
        )
    problems = [p for lang in langs for p in edition_warnings(pub.source, lang)]
    if opts.strict and problems:
        raise ProfileError([Issue(path, 0, 0, "", text, "warning") for path, text in problems])
    result.warnings += [f"{path}: warning: {text}" for path, text in problems]
    out_dir = out_root / pub.slug
    output_lock(out_dir)  # waits for another build of this city; then clean up after it
    clean_stale_temporaries(out_dir)
    manifest = Manifest.load(out_dir)
    inputs = pub.data_inputs()
    digest = manifest.digest(inputs, "data")
    exports = pub.exports()
    if opts.force or not all(manifest.is_fresh(name, digest) for name in exports):
        for name, (text, _) in exports.items():
            atomic_write(out_dir / name, text)
            manifest.record(name, digest, inputs)
        result.outputs += sorted((out_dir / n for n in exports), key=lambda p: p.suffix != ".json")
    plans = {lang: plan_edition(pub, lang, opts, manifest) for lang in langs}
    return PlannedBuild(pub, result, out_dir, manifest, plans, exports)


def plan_edition(pub: Prepared, lang: str, opts: BuildOptions, manifest: Manifest) -> EditionPlan:
    """The formats of ``lang``'s edition whose inputs changed since the manifest's build."""
    files = pub.edition_inputs(lang)
    outputs = {"html": f"{lang}/index.html", "pdf": pdf_name(pub.slug, lang, opts.variant)}
    digests = {
        "html": manifest.digest(files, f"html {opts.allow_remote}"),
        "pdf": manifest.digest(files, f"pdf {opts.variant} {opts.allow_remote}"),
    }
    if opts.keep_print_html and "pdf" in opts.formats:  # an extra output, not another PDF
        outputs["print"], digests["print"] = f"{lang}/print.html", digests["pdf"]
    formats = [
        f for f in opts.formats if opts.force or not manifest.is_fresh(outputs[f], digests[f])
    ]
    if (
        "print" in outputs
        and "pdf" not in formats
        # a replaced HTML edition folder takes print.html with it
        and ("html" in formats or not manifest.is_fresh(outputs["print"], digests["print"]))
    ):
        formats.append("print")  # print.html alone, beside an up-to-date PDF: no WeasyPrint
    return EditionPlan(lang, tuple(formats), outputs, digests, files)
