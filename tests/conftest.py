"""Shared fixtures: the sample cities copied into a scratch project, and CLI runs."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from profiles_gen.cli import main
from profiles_gen.model import ScoredItem

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with ``cities/mini`` (a small valid city)."""
    shutil.copytree(MINI, tmp_path / "cities" / "mini")
    return tmp_path


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample city built once for the session, every format, English and Russian."""
    out = tmp_path_factory.mktemp("sample-build")
    status, _, stderr = run_cli(["build", "tbilisi", "--out", str(out)], ROOT)
    assert status == 0, stderr
    assert stderr == "", stderr  # the sample city builds without a single warning
    return out / "tbilisi"


@pytest.fixture(scope="session")
def pseudo_build(tmp_path_factory) -> tuple[Path, str]:
    """The sample city's pseudo-locale (en-XA) editions, built once; (folder, stderr)."""
    out = tmp_path_factory.mktemp("pseudo-build")
    status, _, stderr = run_cli(["build", "tbilisi", "--lang", "en-XA", "--out", str(out)], ROOT)
    assert status == 0, stderr
    return out / "tbilisi", stderr


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
