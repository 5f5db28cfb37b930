"""`make bench`: the build measured against WeasyPrint alone, side by side in one run.

Prints, on this machine:
(a) the cold build of the sample city (EN+RU, PDF+HTML, default workers) against
    WeasyPrint alone rendering the same two final print.html files in parallel;
(b) the no-op rebuild; (c) a one-narrative-edit rebuild and what it rebuilt;
(d) an HTML-only build; (e) N synthetic cities (BENCH_CITIES, default 20) with 1
and 2 workers: the speed-up and the peak memory of the largest worker.
Every time is wall-clock, measured by this script around whole commands.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = [sys.executable, "-m", "profiles_gen"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1", pdf_identifier=True,
                                     custom_metadata=True)
"""


def timed(cmd: list[str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def parallel(cmds: list[list[str]]) -> float:
    started = time.perf_counter()
    procs = [subprocess.Popen(c, env=ENV, stdout=subprocess.DEVNULL) for c in cmds]
    for p in procs:
        if p.wait():
            raise SystemExit(f"failed: {p.args}")
    return time.perf_counter() - started


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    cities = int(os.environ.get("BENCH_CITIES", "20"))
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )

    out = tmp / "a"
    full = timed([*PG, "build", "tbilisi", "--out", str(out), "--keep-print-html", "-q"])
    alone = parallel(
        [
            [
                sys.executable,
                "-c",
                WEASYPRINT_ALONE,
                str(out / "tbilisi" / lang / "print.html"),
                str(tmp / f"alone-{lang}.pdf"),
            ]
            for lang in ("en", "ru")
        ]
    )
    print(
        f"(a) cold build EN+RU, PDF+HTML: {full:.2f} s; WeasyPrint alone on the same two "
        f"print.html in parallel: {alone:.2f} s; ratio {full / alone:.2f} (target <= 1.15)"
    )

    noop = timed([*PG, "build", "tbilisi", "--out", str(out), "--keep-print-html", "-q"])
    print(f"(b) no-op rebuild: {noop:.2f} s, interpreter start-up included (target <= 0.3 s)")

    chapter = tmp / "city" / "tbilisi"
    shutil.copytree(ROOT / "cities" / "tbilisi", chapter)
    before = {p: p.stat().st_mtime_ns for p in (out / "tbilisi").rglob("*") if p.is_file()}
    md = chapter / "narrative" / "ru" / "20-economy.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nДополнительный абзац.\n", encoding="utf-8")
    edit = timed([*PG, "build", str(chapter), "--out", str(out), "--keep-print-html", "-q"])
    changed = sorted(
        str(p.relative_to(out / "tbilisi"))
        for p in before
        if p.stat().st_mtime_ns != before[p] and p.name != "manifest.json"
    )
    print(f"(c) one Russian narrative edited: {edit:.2f} s; rewritten: {', '.join(changed)}")

    html_only = timed([*PG, "build", "tbilisi", "--out", str(tmp / "d"), "--format", "html", "-q"])
    print(
        f"(d) HTML-only build into a new folder (charts from the cache (a) filled): "
        f"{html_only:.2f} s (target <= 1.5 s)"
    )

    synth = tmp / "synth"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(synth), str(cities)],
        check=True,
        env=ENV,
        stdout=subprocess.DEVNULL,
    )
    dirs = [str(p) for p in sorted(synth.iterdir())]
    times = {}
    for jobs in (1, 2):
        rss = peak_child_mb()
        times[jobs] = timed(
            [*PG, "build", *dirs, "--out", str(tmp / f"e{jobs}"), "-j", str(jobs), "-q"]
        )
        print(
            f"(e) {cities} synthetic cities, EN+RU, PDF+HTML, {jobs} worker(s): "
            f"{times[jobs]:.1f} s; peak memory of the largest process so far: "
            f"{max(rss, peak_child_mb()):.0f} MB"
        )
    print(
        f"(e) speed-up with 2 workers: {times[1] / times[2]:.2f} (target >= 1.7; "
        f"peak memory per worker target <= 300 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
