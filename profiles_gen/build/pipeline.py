"""The orchestrator: load → validate → score → chart → render → publish, in call order.

``build_cities`` plans before it builds: every publication is prepared (loaded
and validated, all errors before any output) and scored, its open-data exports
written and each edition compared with ``manifest.json``; then the editions
whose inputs changed run in a pool of worker processes: each edition's charts,
then its PDF, then its HTML edition (``build_edition``: the view, built once with the
charts, then the media asked for). What a city or a volume needs is asked of its object
(``publication.py``); this module never asks which it is.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import replace
from pathlib import Path

from profiles_gen.build import noop
from profiles_gen.build.home import update_site
from profiles_gen.build.manifest import MANIFEST
from profiles_gen.build.plan import (
    BuildOptions,
    BuildResult,
    EditionPlan,
    EditionResult,
    PlannedBuild,
    Report,
    plan_build,
)
from profiles_gen.build.publication import Prepared
from profiles_gen.build.workers import (
    build_session,
    peak_memory_mb,
    record_published,
    start_fork_server,
    worker_pool,
)
from profiles_gen.charts.style import cache_folder, style_drawn
from profiles_gen.core.files import atomic_write, uninterrupted
from profiles_gen.core.paths import use_cache
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.locales import other_language_warnings
from profiles_gen.i18n.messages import translations
from profiles_gen.publish.edition import publish_edition
from profiles_gen.publish.html import write_print_html


def build_cities(
    city_dirs: list[Path],
    out_root: Path,
    opts: BuildOptions = BuildOptions(),  # noqa: B008 - frozen, never mutated
    report: Report | None = None,
) -> list[BuildResult]:
    """Build cities and volumes; every edition to build, of every one, goes to one pool.

    Each publication is validated and scored first (all errors before any output),
    its exports written and its editions planned against its manifest; then the
    editions that are not up to date run in ``opts.jobs`` worker processes at a time,
    a fresh one per task forked from a server that imported WeasyPrint once and nothing
    heavier (HTML only renders in this process with one job, in workers forked from it with
    several: ``_html_only``). The tasks (``_scheduled``):
    each edition's charts, drawn into the chart cache, then its PDF, then its HTML
    edition, so that the workers that lay out PDFs never import matplotlib and the
    longest tasks start first. Each publication's output folder is
    locked for the whole build; an interrupt stops the workers and publishes nothing
    more.
    """
    with build_session():  # the build locks taken by plan_build, released at the end
        return _build_cities(city_dirs, out_root, opts, report)


def _build_cities(city_dirs, out_root, opts, report) -> list[BuildResult]:
    if "pdf" in opts.formats:  # the build will most likely lay out a PDF
        start_fork_server()
    use_cache(out_root / ".cache")
    builds = [plan_build(city_dir, out_root, opts) for city_dir in city_dirs]
    noop.forget(city_dirs, out_root)  # recorded again once this build has succeeded
    tasks = []
    for build in builds:
        for lang, plan in build.plans.items():
            if plan.formats:
                tasks.append((build, plan))
            elif report:
                report(f"{build.pub.slug} [{lang}] up to date")
    if report:  # what will render, in the order the workers take it
        for build, plan in tasks:
            report(f"{build.pub.slug} [{plan.lang}] queued: {', '.join(plan.formats)}")
    jobs = max(1, min(opts.jobs, len(tasks)))
    try:
        pdfs = any("pdf" in plan.formats for _, plan in tasks)
        if not pdfs and (jobs == 1 or len(tasks) == 1):  # HTML only: no process to start
            editions = (
                _finished(build, plan, [_run(build, plan, opts, out_root)]) for build, plan in tasks
            )
            _collect(tasks, editions, report)
        elif not pdfs:  # HTML only, several editions: workers forked from this process
            with worker_pool(jobs, forked=True) as pool:
                _collect(tasks, _html_only(pool, tasks, opts, out_root), report)
        else:
            # Workers die with this process. The charts' are forked from it first: they start
            # drawing while the other pool's fork server still imports WeasyPrint.
            with worker_pool(jobs, forked=True) as drawers, worker_pool(jobs) as pool:
                _collect(tasks, _scheduled(drawers, pool, jobs, tasks, opts, out_root), report)
    except BaseException:
        record_published(builds, tasks)  # the manifest says exactly what was published
        raise
    for build in builds:
        atomic_write(build.out_dir / MANIFEST, build.manifest.to_json())
    update_site(out_root, [build.result for build in builds])
    for city_dir, build in zip(city_dirs, builds, strict=True):
        noop.record(city_dir, out_root, opts, build, build.result)
    return [build.result for build in builds]


def _html_only(pool, tasks, opts: BuildOptions, out_root: Path):
    """The HTML editions of ``tasks``, in their order, each drawn and rendered by one of
    ``pool``'s workers forked from this process: none of them needs WeasyPrint, whose
    fork server (a second of CPU time to import it) is not started for them."""
    env = settings()
    _drawing_here()
    with uninterrupted():  # the workers are started whole or not at all
        futures = [pool.submit(_run, build, plan, opts, out_root, env) for build, plan in tasks]
    for (build, plan), future in zip(tasks, futures, strict=True):
        yield _finished(build, plan, [future.result()])


def _drawing_here() -> None:
    """Before workers are forked from this process to draw charts: matplotlib imported
    here, once, if no chart was drawn yet with this code (a first build, a new
    matplotlib: every chart will be), instead of by each worker as it starts (half a
    second each)."""
    if not style_drawn(cache_folder()):
        from profiles_gen.charts.style import mpl  # matplotlib: only when charts are drawn

        mpl()


def _scheduled(drawers, pool, jobs: int, tasks, opts: BuildOptions, out_root: Path):
    """The editions of ``tasks``, in their order, built ``jobs`` tasks at a time: their
    charts drawn in ``drawers``, their PDFs and HTML editions in ``pool``.

    Each edition's charts are drawn first, into the chart cache, by a worker of their own
    (an edition's charts share no file with another's), which builds the edition's view
    too and sends it back, plain data: its PDF and its HTML edition are rendered from that
    one view, and the workers that lay out the PDFs never import matplotlib. A free worker
    takes, in this order: the PDF of an edition whose charts are drawn (laying out a PDF is
    the longest task), an edition's charts, then, once every chart is drawn and every PDF
    started, an HTML edition: the short HTML editions fill the time a worker would otherwise
    wait for the last PDF (with two editions on two cores, one core was idle for the last
    seconds).
    """
    env = settings()  # the workers' fork server may predate them
    if getattr(drawers, "forked", False):
        _drawing_here()

    def submit(to, *args):
        with uninterrupted():  # a worker is started whole or not at all
            return to.submit(*args)

    print_parts = {
        n: tuple(f for f in plan.formats if f != "html") for n, (_, plan) in enumerate(tasks)
    }
    to_draw = list(range(len(tasks)))
    drawn: list[int] = []  # editions whose charts are drawn and whose PDF waits for a worker
    to_html = [n for n, (_, plan) in enumerate(tasks) if "html" in plan.formats]
    running: dict = {}  # future -> (what, edition)
    peaks: dict[int, float] = {}
    views: dict[int, tuple[dict, dict]] = {}  # each edition's charts and view, from _draw
    parts: dict[int, dict[str, EditionResult]] = {n: {} for n in range(len(tasks))}
    wanted = {  # the parts an edition is made of
        n: {
            what
            for what, needed in (("print", print_parts[n]), ("html", "html" in plan.formats))
            if needed
        }
        for n, (_, plan) in enumerate(tasks)
    }
    done_upto = 0
    while done_upto < len(tasks):
        drawing = any(what == "draw" for what, _ in running.values())
        while len(running) < jobs:
            if drawn:
                n = drawn.pop(0)
                build, plan = tasks[n]
                job = (
                    "print",
                    submit(pool, _run, build, plan, opts, out_root, env, print_parts[n], views[n]),
                )
            elif to_draw:
                n = to_draw.pop(0)
                job = ("draw", submit(drawers, _draw, [tasks[n]], out_root, env))
                drawing = True
            elif to_html and not drawing:
                n = to_html.pop(0)
                build, plan = tasks[n]
                job = (
                    "html",
                    submit(pool, _run, build, plan, opts, out_root, env, ("html",), views[n]),
                )
            else:
                break
            running[job[1]] = (job[0], n)
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            what, n = running.pop(future)
            if what == "draw":
                peaks[n], [views[n]] = future.result()
                if print_parts[n]:
                    drawn.append(n)
                if not to_draw and not any(w == "draw" for w, _ in running.values()):
                    drawers.shutdown()  # idle now, holding matplotlib and figures: gone
            else:
                parts[n][what] = future.result()
        while (
            done_upto < len(tasks)
            and done_upto in peaks
            and parts[done_upto].keys() >= wanted[done_upto]
        ):
            n = done_upto
            build, plan = tasks[n]
            edition = [parts[n][what] for what in ("html", "print") if what in parts[n]]
            views.pop(n, None)
            yield replace(_finished(build, plan, edition), charts_peak_mb=peaks[n])
            done_upto += 1


def _finished(build: PlannedBuild, plan: EditionPlan, parts: list[EditionResult]) -> EditionResult:
    """One edition from the results of its parts (its HTML edition, then its PDF): the
    kept print.html written into the edition's folder, now that the HTML edition that
    replaces that folder is in place, and one warning for the texts shown in another
    language in either medium."""
    outputs, warnings, pictures, shown = [], [], {}, []
    for part in parts:
        outputs += part.outputs
        warnings += part.warnings
        pictures.update(part.pictures)
        shown += part.shown
        if part.print_html:
            # after the HTML edition's outputs, before the PDF (the order the build reports)
            path = build.out_dir / plan.lang / "print.html"
            at = next((i for i, p in enumerate(outputs) if p.suffix == ".pdf"), len(outputs))
            outputs.insert(at, write_print_html(path, part.print_html))
    shown = list(dict.fromkeys(shown))  # both media: each text once
    warnings += other_language_warnings(build.pub.source, plan.lang, shown)
    return EditionResult(
        plan.lang,
        outputs,
        warnings,
        sum(part.seconds for part in parts),
        peak_mb=max((part.peak_mb for part in parts), default=0.0),
        pictures=pictures,
        shown=shown,
    )


def settings() -> dict[str, str]:
    """The environment variables a build reads (``PROFILES_GEN_LOCALES``, ``_TARGETS``,
    ``_CACHE``), as the build sees them: handed to each worker, whose fork server was
    started with the environment of its own time (an earlier build of the same process)."""
    return {k: v for k, v in os.environ.items() if k.startswith("PROFILES_GEN_")}


def _adopt(env: dict[str, str]) -> None:
    """The build's settings in this worker: its variables set, any other left out."""
    for key in [k for k in os.environ if k.startswith("PROFILES_GEN_") and k not in env]:
        del os.environ[key]
    os.environ.update(env)


def _draw(
    tasks: list[tuple[PlannedBuild, EditionPlan]], out_root: Path, env: dict[str, str]
) -> tuple[float, list[tuple[dict, dict]]]:
    """The charts of ``tasks``' editions, in a worker process: drawn into the chart cache;
    returns the process's peak memory and each edition's charts and view (plain data),
    which its PDF and its HTML edition are rendered from: the view built once."""
    _adopt(env)
    use_cache(out_root / ".cache")
    drawn = []
    for build, plan in tasks:
        fmt = Formatter(plan.lang, translations(plan.lang), marked=True)
        drawn.append(build.pub.draw(fmt, layouts(plan.formats)))
    return peak_memory_mb(), drawn


def layouts(formats) -> tuple[str, ...]:
    """The chart layouts an edition's formats need: the PDF the print layout, the HTML
    edition that and the phone's."""
    return ("print", "phone") if "html" in formats else ("print",)


def _run(
    build: PlannedBuild,
    plan: EditionPlan,
    opts: BuildOptions,
    out_root: Path,
    env: dict | None = None,
    formats: tuple[str, ...] | None = None,
    drawn: tuple[dict, dict] | None = None,
):
    """An edition's ``formats`` (None: all its plan's), in a worker process (whose caches
    go under the build's too), or in this one (``env`` None: the build's own settings);
    ``drawn``: its charts and view, if already made (``_draw``)."""
    if env is not None:
        _adopt(env)
    use_cache(out_root / ".cache")
    edition_opts = replace(opts, formats=plan.formats if formats is None else formats)
    edition = build_edition(build.pub, plan.lang, build.out_dir, edition_opts, build.exports, drawn)
    return replace(edition, peak_mb=peak_memory_mb())


def build_edition(
    pub: Prepared,
    lang: str,
    out_dir: Path,
    opts: BuildOptions,
    exports: dict[str, tuple[str, str]] | None = None,
    drawn: tuple[dict, dict] | None = None,
) -> EditionResult:
    """One language: charts and the shared view once, then the HTML and the PDF from them.

    ``exports``: the open-data exports to attach to the PDF, if already made; ``drawn``:
    the charts and the view, if already made (by the worker that drew the charts).
    """
    # Jinja: only when an edition is built
    from profiles_gen.render.environment import make_environment

    started = time.perf_counter()
    # Marked: a string the catalogue lacks is shown in English and tagged so (as in _draw,
    # whose charts this edition finds in the cache by the same texts).
    fmt = Formatter(lang, translations(lang), marked=True)
    charts, view = drawn if drawn is not None else pub.draw(fmt, layouts(opts.formats))

    env = make_environment(pub.dir, fmt, opts.allow_remote)

    def render(media: str, assets: dict) -> str:
        return pub.render(env, view, media, assets)

    exports = exports if exports is not None else pub.exports()
    published = publish_edition(pub.source, fmt, out_dir, opts, render, charts, exports)
    return EditionResult(
        lang,
        published.outputs,
        published.warnings,
        time.perf_counter() - started,
        pictures=published.pictures,
        shown=list(dict.fromkeys(env.shown_in_other_languages)),
        print_html=published.print_html,
    )


def _collect(tasks, editions, report: Report | None) -> None:
    """Record each finished edition in its result and its manifest (saved at once)."""
    for (build, plan), edition in zip(tasks, editions, strict=True):
        result = build.result
        result.editions.append(edition)
        result.outputs += edition.outputs
        result.warnings += edition.warnings
        for fmt in plan.formats:
            name = plan.outputs[fmt]
            build.manifest.record(name, plan.digests[fmt], plan.files, edition.pictures.get(name))
        if "pdf" in plan.formats and "print" in plan.outputs:  # ("print" alone: just above)
            build.manifest.record(plan.outputs["print"], plan.digests["print"], plan.files)
        elif (
            "html" in plan.formats and "print" not in plan.formats
        ):  # the edition's folder was replaced, print.html with it
            build.manifest.outputs.pop(f"{plan.lang}/print.html", None)
        atomic_write(build.out_dir / MANIFEST, build.manifest.to_json())
        if report:
            report(
                f"{result.city.slug} [{edition.lang}] built in {edition.seconds:.1f} s, "
                f"peak memory {edition.peak_mb:.0f} MB"
                + (f" (charts {edition.charts_peak_mb:.0f} MB)" if edition.charts_peak_mb else "")
            )
