"""Shared fixtures: the sample cities copied into a scratch project, and CLI runs."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from profiles_gen.cli.main import main
from profiles_gen.data.model import ScoredItem

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "data" / "mini"


@contextlib.contextmanager
def chdir(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


_PLUMBED: dict = {}


@contextlib.contextmanager
def plumbed(path: Path):
    """A built PDF as pdfplumber reads it, opened once per version of the file: each page's
    layout is parsed once however many tests of a session read it (the sample editions
    are built once per session; a rebuilt file is a new version, read anew)."""
    import pdfplumber  # a test tool: only for the tests that read a PDF's layout

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, st.st_ino)
    if key not in _PLUMBED:
        _PLUMBED[key] = pdfplumber.open(path)
    yield _PLUMBED[key]


def run_cli(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``profiles-gen`` in-process in ``cwd``; return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def scored_item(**kw) -> ScoredItem:
    """A scored value of EC-ICT-ICT-1C (50 of 100, 2022) with the fields of ``kw`` changed."""
    base = dict(
        kpi="EC-ICT-ICT-1C",
        data_point=None,
        value=Decimal(50),
        year=2022,
        source="s",
        target=Decimal(100),
        target_source="t",
        achievement_raw=Decimal("0.5"),
        achievement=Decimal("0.5"),
        band="one_to_two_thirds",
        points=2,
    )
    return ScoredItem(**{**base, **kw})


@dataclass(frozen=True)
class SampleBuild:
    out: Path  # the output root: out/<slug>/…, out/site/
    stdout: str
    stderr: str


def built_once(tmp_path_factory, name: str, build) -> dict:
    """``build(folder)`` run once for the whole run, its result (a JSON-able dict) shared.

    Under pytest-xdist each worker is a session of its own: the first worker to ask builds
    into the run's shared temporary folder while holding a lock, the others wait for it and
    read the same folder (which every user of these fixtures only reads, or copies before
    changing). A build that fails is not shared: the next worker to ask builds again.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one session: nothing to share
        return build(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's
    record = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if record.is_file():
            return json.loads(record.read_text(encoding="utf-8"))
        result = build(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root)))
        record.write_text(json.dumps(result), encoding="utf-8")
        return result


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> SampleBuild:
    """Every sample publication under cities/ (tbilisi, the norway volume) built once per
    run, PDF and HTML in English and Russian, and the site assembled from them.

    test_build, test_site and test_volume read it; a test that changes files builds its own.
    """

    def build(out: Path) -> dict:
        status, stdout, stderr = run_cli(["site", "--out", str(out), "-q"], ROOT)
        assert status == 0, stderr
        return {"out": str(out), "stdout": stdout, "stderr": stderr}

    done = built_once(tmp_path_factory, "sample", build)
    return SampleBuild(Path(done["out"]), done["stdout"], done["stderr"])


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> Path:
    """A scratch project with ``cities/mini`` built once per run (PDF and HTML, EN and
    RU). Read it, or copy it with ``copy_project`` before changing anything."""

    def build(root: Path) -> dict:
        shutil.copytree(MINI, root / "cities" / "mini")
        status, _, err = run_cli(["build", "mini"], root)
        assert status == 0, err
        return {"root": str(root)}

    return Path(built_once(tmp_path_factory, "mini-built", build)["root"])


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a scratch project, its build included (the manifest names files relative
    to their roots, so the copy is as up to date as the original)."""
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with ``cities/mini`` (a small valid city)."""
    shutil.copytree(MINI, tmp_path / "cities" / "mini")
    return tmp_path


@pytest.fixture(scope="session")
def pseudo_build(tmp_path_factory) -> tuple[Path, str]:
    """The sample city's pseudo-locale (en-XA) editions, built once per run; (folder, stderr).

    The generated pseudo-locale and its compiled catalogue go to the build's cache only:
    ``locales/`` is left as it was.
    """

    def build(out: Path) -> dict:
        catalogues = sorted((ROOT / "locales").rglob("*"))
        args = ["build", "tbilisi", "--lang", "en-XA", "--out", str(out)]
        status, _, stderr = run_cli(args, ROOT)
        assert status == 0, stderr
        assert sorted((ROOT / "locales").rglob("*")) == catalogues
        return {"out": str(out / "tbilisi"), "stderr": stderr}

    done = built_once(tmp_path_factory, "pseudo-build", build)
    return Path(done["out"]), done["stderr"]


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory):
    """One folder of drawn charts and compiled templates for every build of the run
    (``PROFILES_GEN_SHARED_CACHE``, which the build hands to its workers): their entries
    are named by their whole content, so a test's build draws only the charts no earlier
    build drew. The charts' own tests and the fuzz test set ``charts.draw.CACHE_DIR`` to
    a fresh folder; the benchmarks build with an empty cache."""
    under_xdist = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    root = tmp_path_factory.getbasetemp().parent if under_xdist else tmp_path_factory.mktemp("run")
    before = os.environ.get("PROFILES_GEN_SHARED_CACHE")
    os.environ["PROFILES_GEN_SHARED_CACHE"] = str(root / "shared-cache")
    yield root / "shared-cache"
    if before is None:
        os.environ.pop("PROFILES_GEN_SHARED_CACHE", None)
    else:
        os.environ["PROFILES_GEN_SHARED_CACHE"] = before


@pytest.fixture(autouse=True)
def no_unexpected_logs(caplog):
    """Fail any test that logs an unexpected warning (WeasyPrint's assert_no_logs)."""
    caplog.set_level(logging.WARNING)
    yield
    unexpected = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and not getattr(r, "expected", False)
    ]
    assert not unexpected, [r.getMessage() for r in unexpected]
