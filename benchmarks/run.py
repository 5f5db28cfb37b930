"""`make bench`: every figure of the author's loop beside its goal, side by side in one run.

Prints, on this machine, each figure beside its goal and the load average when it was taken:
(a) `make profile CITY=tbilisi` from cold (a build into a new folder: EN+RU, PDF+HTML,
    default workers, then `verify --manifest`) against WeasyPrint alone laying out the
    print HTML of commit 4517508 (benchmarks/baseline/, EN and RU in parallel), side by
    side, alternately, BENCH_RUNS times (default 5): the ratio of the best of each, by
    wall clock and by CPU time (the whole process tree);
(b) the no-op rebuild, `make profile` with nothing changed (build + verify
    --manifest) and a rebuild that only drops --keep-print-html;
(g) the first run: a fresh clone of this checkout's HEAD, `make profile` in it with empty
    installer caches (the virtual environment, the install, the build and verify);
(c) a one-narrative-edit rebuild and what it rebuilt;
(d) an HTML-only rebuild, charts from the cache;
(f) `profiles-gen serve`: save -> page updated, median of several edits;
(e) N synthetic cities (BENCH_CITIES, default 20) with 1 and 2 workers: the
    speed-up and the peak memory per process (each worker's, the main process's).
Every time is wall-clock, measured by this script around whole commands; the load
average of the machine is printed at the start and the end (a shared machine's
figures are only as good as its quiet).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = [sys.executable, "-m", "profiles_gen"]
# Cold means cold: no folder of charts and templates shared with other builds.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("PROFILES_GEN_SHARED_CACHE", None)

WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1", pdf_identifier=True,
                                     custom_metadata=True)
"""
BASELINE = ROOT / "benchmarks" / "baseline"  # main's print.html at 4517508, fonts as @FONTS@
GOALS = {"ratio": 1.0, "noop": 0.15, "first": 90.0}


CPU = {"last": 0.0}  # CPU time (user + system) of the last timed commands and their workers


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def adopt_orphans() -> None:
    """Make this process the reaper of its descendants' orphans (Linux).

    A build's workers are forked by multiprocessing's fork server, which the build starts
    and does not wait for: it exits after the build, an orphan, and its CPU time (that of
    every worker) would be counted nowhere. As the subreaper, this process inherits it and
    ``reap_orphans`` adds its time to ``RUSAGE_CHILDREN``."""
    import ctypes

    pr_set_child_subreaper = 36
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for the orphans a command left (its fork server exits once the build has)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no child left
        if pid == 0:
            time.sleep(0.01)


def timed(*cmds: list[str], cwd: Path = ROOT) -> float:
    """Wall-clock time of the commands run one after the other (their CPU time, workers
    included, in CPU)."""
    cpu = children_cpu()
    started = time.perf_counter()
    for cmd in cmds:
        subprocess.run(cmd, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    reap_orphans()
    CPU["last"] = children_cpu() - cpu
    return wall


def best(runs: int, *cmds: list[str]) -> str:
    """Median and best of ``runs`` wall-clock timings, and the median CPU time (on a
    loaded machine the wall clock mostly measures the others)."""
    times, cpus = [], []
    for _ in range(runs):
        times.append(timed(*cmds))
        cpus.append(CPU["last"])
    return (
        f"median {statistics.median(times):.2f} s, best {min(times):.2f} s of {runs} "
        f"(CPU {statistics.median(cpus):.2f} s)"
    )


def rewritten(folder: Path, before: dict[Path, int]) -> str:
    """What a build rewrote, by top-level file or folder (a folder is replaced whole)."""
    changed = sorted(
        {
            p.relative_to(folder).parts[0] + ("/" if len(p.relative_to(folder).parts) > 1 else "")
            for p in before
            if p.exists() and p.stat().st_mtime_ns != before[p] and p.name != "manifest.json"
        }
    )
    return ", ".join(changed) or "nothing"


def stamps(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def serve_latency(city: Path, out: Path, edits: int = 7) -> list[float]:
    """Save a narrative chapter, wait until the served page carries the change; per edit."""
    proc = subprocess.Popen(
        [*PG, "serve", str(city), "--out", str(out), "--port", "0"],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        for line in proc.stdout:
            found = re.search(r"at (http://127\.0\.0\.1:(\d+)/en/)", line)
            if found:
                url, port = found.group(1), int(found.group(2))
                break
        assert url, "serve did not start"
        events = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        events.request("GET", "/__serve/events")
        stream = events.getresponse()
        stream.readline()  # the current build
        chapter = city / "narrative" / "en" / "20-economy.md"
        original = chapter.read_text(encoding="utf-8")
        times = []
        for n in range(edits):
            marker = f"Benchmark sentence number {n}."
            started = time.perf_counter()
            chapter.write_text(f"{original}\n{marker}\n", encoding="utf-8")
            while True:
                line = stream.readline().decode()
                if not line:
                    raise SystemExit("serve closed its event stream")
                if line.startswith("data:"):
                    with urllib.request.urlopen(url, timeout=120) as page:
                        if marker in page.read().decode("utf-8"):
                            break
            times.append(time.perf_counter() - started)
            time.sleep(0.5)  # an author does not save twice in the same instant
        chapter.write_text(original, encoding="utf-8")
        events.close()
        return times
    finally:
        proc.send_signal(2)  # Ctrl-C
        proc.wait(timeout=60)


def parallel(cmds: list[list[str]]) -> float:
    cpu = children_cpu()
    started = time.perf_counter()
    procs = [subprocess.Popen(c, env=ENV, stdout=subprocess.DEVNULL) for c in cmds]
    for p in procs:
        if p.wait():
            raise SystemExit(f"failed: {p.args}")
    wall = time.perf_counter() - started
    reap_orphans()
    CPU["last"] = children_cpu() - cpu
    return wall


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    cities = int(os.environ.get("BENCH_CITIES", "20"))
    adopt_orphans()  # so that CPU times include the workers
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(f"start: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load()}", flush=True)

    out = tmp / "a"
    build = [*PG, "build", "tbilisi", "--out", str(out), "-q"]
    verify = [*PG, "verify", "tbilisi", "--out", str(out), "--manifest"]
    alone = baseline_html(tmp / "baseline")
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    ours, theirs = [], []  # (wall, CPU) of each run
    for n in range(runs):
        shutil.rmtree(out, ignore_errors=True)  # cold: no outputs, no chart cache
        ours.append((timed([*build, "--keep-print-html"], verify), CPU["last"]))
        theirs.append(
            (
                parallel(
                    [
                        [sys.executable, "-c", WEASYPRINT_ALONE, str(html), str(tmp / f"{n}.pdf")]
                        for html in alone
                    ]
                ),
                CPU["last"],
            )
        )
    (wall, cpu), (wall_alone, cpu_alone) = (
        (min(w for w, _ in runs_), min(c for _, c in runs_)) for runs_ in (ours, theirs)
    )
    print(
        f"(a) make profile from cold (build EN+RU, PDF+HTML, then verify --manifest): "
        f"best {wall:.2f} s, CPU {cpu:.1f} s; WeasyPrint alone on 4517508's two print.html in "
        f"parallel: best {wall_alone:.2f} s, CPU {cpu_alone:.1f} s; ratio {wall / wall_alone:.2f} "
        f"by wall clock, {cpu / cpu_alone:.2f} by CPU time (goal <= {GOALS['ratio']}; best of "
        f"{runs} each, alternately; walls {' '.join(f'{w:.1f}' for w, _ in ours)} / "
        f"{' '.join(f'{w:.1f}' for w, _ in theirs)}); {load()}",
        flush=True,
    )

    manifest = out / "tbilisi" / "manifest.json"  # verify forgets what it compared ...
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    recorded.pop("verified", None)
    manifest.write_text(json.dumps(recorded, indent=2, ensure_ascii=False) + "\n", "utf-8")
    first_verify = timed(verify)  # ... and reads both PDFs and both HTML editions again
    time.sleep(2.5)  # outputs older than the hash cache's two seconds of doubt
    noop = best(5, [*build, "--keep-print-html"])
    print(
        f"(b) no-op rebuild: {noop}, interpreter start-up included "
        f"(goal <= {GOALS['noop']} s); {load()}"
    )
    profile = best(5, [*build, "--keep-print-html"], verify)
    print(
        f"(b) make profile with nothing changed (build + verify --manifest): {profile} "
        f"(goal <= 1 s; the first verify, reading both PDFs: {first_verify:.2f} s)"
    )
    before = stamps(out / "tbilisi")
    dropped = timed(build)
    print(
        f"(b) the same build without --keep-print-html: {dropped:.2f} s (CPU {CPU['last']:.2f} s); "
        f"rewritten: "
        f"{rewritten(out / 'tbilisi', before)} (goal: nothing)",
        flush=True,
    )

    chapter = tmp / "city" / "tbilisi"
    shutil.copytree(ROOT / "cities" / "tbilisi", chapter)
    before = stamps(out / "tbilisi")
    md = chapter / "narrative" / "ru" / "20-economy.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nДополнительный абзац.\n", encoding="utf-8")
    edit = timed([*PG, "build", str(chapter), "--out", str(out), "-q"])
    print(
        f"(c) one Russian narrative edited: {edit:.2f} s (CPU {CPU['last']:.1f} s); rewritten: "
        f"{rewritten(out / 'tbilisi', before)} (goal: only the edited language)"
    )

    # The chart cache lives under the output folder (<out>/.cache): rebuild in (a)'s.
    html_only = timed([*build, "--format", "html", "--force"])
    print(
        f"(d) HTML-only rebuild (--force; charts from the cache (a) filled): "
        f"{html_only:.2f} s (CPU {CPU['last']:.2f} s) (goal <= 1.5 s)",
        flush=True,
    )

    first = first_run(tmp / "g")
    print(
        f"(g) first run: a fresh clone of HEAD ({first[1]}), make profile CITY=tbilisi with "
        f"empty installer caches (.venv, install, build, verify): {first[0]:.1f} s "
        f"(goal <= {GOALS['first']:.0f} s); {load()}",
        flush=True,
    )

    latencies = serve_latency(chapter, tmp / "f")
    print(
        f"(f) serve, save -> page updated: median {statistics.median(latencies):.2f} s of "
        f"{len(latencies)} edits (each: {', '.join(f'{t:.2f}' for t in latencies)}) "
        f"(goal <= 2 s, 'within a second or two')",
        flush=True,
    )

    if not cities:  # BENCH_CITIES=0: the author's loop only
        print(f"end: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load()}")
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
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
        times[jobs], workers, charts, main_peak = timed_peak(
            [*PG, "build", *dirs, "--out", str(tmp / f"e{jobs}"), "-j", str(jobs)]
        )
        print(
            f"(e) {cities} synthetic cities, EN+RU, PDF+HTML, {jobs} worker(s): "
            f"{times[jobs]:.1f} s; peak memory per process: "
            f"largest worker {max(workers):.0f} MB (median {statistics.median(workers):.0f} MB "
            f"of {len(workers)} editions, one process each), the largest chart worker "
            f"{max(charts):.0f} MB, the main process {main_peak:.0f} MB "
            f"(goal <= 300 MB per process)",
            flush=True,
        )
    print(f"(e) speed-up with 2 workers: {times[1] / times[2]:.2f} (goal >= 1.7)")
    print(f"end: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load()}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def baseline_html(folder: Path) -> list[Path]:
    """The print.html of both editions at 4517508, their fonts from this package."""
    fonts = (ROOT / "profiles_gen" / "fonts").as_uri()
    paths = []
    for lang in ("en", "ru"):
        html = gzip.decompress((BASELINE / f"4517508-tbilisi-{lang}.print.html.gz").read_bytes())
        path = folder / lang / "print.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html.decode("utf-8").replace("@FONTS@", fonts), encoding="utf-8")
        paths.append(path)
    return paths


def first_run(folder: Path) -> tuple[float, str]:
    """A newcomer's first `make profile`: a fresh clone, no virtual environment, the
    installers' caches empty (downloads included); the wall clock of the whole."""
    clone = folder / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    commit = subprocess.run(
        ["git", "-C", str(clone), "log", "-1", "--format=%h"], capture_output=True, text=True
    ).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {
        "UV_CACHE_DIR": str(folder / "uv-cache"),
        "PIP_CACHE_DIR": str(folder / "pip-cache"),
        "MPLCONFIGDIR": str(folder / "matplotlib"),
    }
    started = time.perf_counter()
    subprocess.run(
        ["make", "profile", "CITY=tbilisi"],
        cwd=clone,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    reap_orphans()
    return wall, commit


def timed_peak(cmd: list[str]) -> tuple[float, list[float], list[float], float]:
    """Wall-clock time of one build, the peak resident memory of each worker that
    rendered an edition and of each that drew an edition's charts (the kernel's
    high-water mark, which each worker reads after its task and the build reports
    beside the edition) and that of the main process (RUSAGE_CHILDREN of a wrapper that
    runs only the build: its workers are forked and reaped by the fork server)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=sys.stdout)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print('main', usage.ru_maxrss)\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *cmd], env=ENV, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    workers = [float(mb) for mb in re.findall(r"peak memory (\d+) MB", done.stdout)]
    charts = [float(mb) for mb in re.findall(r"\(charts (\d+) MB\)", done.stdout)]
    main_kb = int(re.findall(r"^main (\d+)$", done.stdout, re.M)[-1])
    return wall, workers or [0.0], charts or [0.0], main_kb / 1024


if __name__ == "__main__":
    sys.exit(main())
