"""Incremental builds: only what changed is rebuilt (checked on what is written, never timed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow  # real builds, or thousands of generated inputs

BUILD = ["build", "mini", "--format", "html", "-j", "1"]


def stamps(out: Path) -> dict[str, int]:
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
    }


def test_unchanged_rebuild_writes_nothing(project: Path) -> None:
    assert run_cli(BUILD, project)[0] == 0
    out = project / "build" / "mini"
    before = stamps(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"en/index.html", "ru/index.html", "mini-kpis.json"} <= set(manifest["outputs"])
    status, stdout, _ = run_cli(BUILD, project)
    assert status == 0
    assert "mini [en] up to date" in stdout and "mini [ru] up to date" in stdout
    assert "wrote" not in stdout
    after = stamps(out)
    del before["manifest.json"], after["manifest.json"]
    assert after == before


def test_a_russian_narrative_edit_rebuilds_only_russian(project: Path) -> None:
    assert run_cli(BUILD, project)[0] == 0
    out = project / "build" / "mini"
    before = stamps(out)
    chapter = project / "cities" / "mini" / "narrative" / "ru" / "10-overview.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nЕщё абзац.\n", encoding="utf-8")
    status, stdout, _ = run_cli(BUILD, project)
    assert status == 0
    assert "mini [en] up to date" in stdout and "mini [ru] built" in stdout
    after = stamps(out)
    assert after["en/index.html"] == before["en/index.html"]
    assert after["mini-kpis.json"] == before["mini-kpis.json"]
    assert after["ru/index.html"] != before["ru/index.html"]
    assert "Ещё абзац." in (out / "ru" / "index.html").read_text(encoding="utf-8")


def test_a_template_change_rebuilds_every_edition_and_force_rebuilds_all(project: Path) -> None:
    assert run_cli(BUILD, project)[0] == 0
    out = project / "build" / "mini"
    before = stamps(out)
    override = project / "cities" / "mini" / "templates"
    override.mkdir()
    back = (ROOT / "templates" / "_back.html").read_text(encoding="utf-8")
    (override / "_back.html").write_text(
        back.replace("</address>", "</address><p>Pilot</p>"), encoding="utf-8"
    )
    status, stdout, _ = run_cli(BUILD, project)
    assert status == 0 and "up to date" not in stdout
    after = stamps(out)
    for edition in ("en/index.html", "ru/index.html"):
        assert after[edition] != before[edition]
        assert "<p>Pilot</p>" in (out / edition).read_text(encoding="utf-8")
    assert after["mini-kpis.json"] == before["mini-kpis.json"]  # data did not change
    # Edited again: the template compiled last time (kept in the cache) is not reused.
    (override / "_back.html").write_text(
        back.replace("</address>", "</address><p>Pilot, second</p>"), encoding="utf-8"
    )
    assert run_cli(BUILD, project)[0] == 0
    for edition in ("en/index.html", "ru/index.html"):
        text = (out / edition).read_text(encoding="utf-8")
        assert "<p>Pilot, second</p>" in text and "<p>Pilot</p>" not in text

    status, stdout, _ = run_cli([*BUILD, "--force"], project)
    assert status == 0 and "up to date" not in stdout
    assert stamps(out)["mini-kpis.json"] != before["mini-kpis.json"]


def test_a_deleted_or_altered_output_is_rebuilt(project: Path) -> None:
    assert run_cli(BUILD, project)[0] == 0
    out = project / "build" / "mini"
    shutil.rmtree(out / "en")
    (out / "mini-kpis.csv").write_text("tampered")
    status, stdout, _ = run_cli(BUILD, project)
    assert status == 0
    assert "mini [en] built" in stdout and "mini [ru] up to date" in stdout
    assert (out / "en" / "index.html").is_file()
    assert (out / "mini-kpis.csv").read_text().startswith("kpi,code,")


def test_builds_into_two_folders_share_one_cache_of_charts_and_templates(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    """``PROFILES_GEN_SHARED_CACHE``: the second build draws no chart and compiles no
    template the first one kept, and its own cache folder holds neither."""
    shared = tmp_path / "shared"
    monkeypatch.setenv("PROFILES_GEN_SHARED_CACHE", str(shared))
    assert run_cli([*BUILD, "--out", "first"], project)[0] == 0
    kept = {p: p.stat().st_mtime_ns for p in shared.rglob("*") if p.is_file()}
    assert any(p.suffix == ".svg" for p in kept) and any(p.suffix == ".cache" for p in kept)
    assert not (project / "first" / ".cache" / "charts").exists()
    assert run_cli([*BUILD, "--out", "second"], project)[0] == 0
    assert {p: p.stat().st_mtime_ns for p in shared.rglob("*") if p.is_file()} == kept
    assert not (project / "second" / ".cache" / "charts").exists()
    first, second = (project / name / "mini" / "en" for name in ("first", "second"))
    for page in first.rglob("*"):
        if page.is_file():
            assert page.read_bytes() == (second / page.relative_to(first)).read_bytes(), page
