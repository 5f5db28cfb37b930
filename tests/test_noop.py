"""The no-op loop: hashes remembered by stat, options that change no output, verify's memory.

Checked on what is read, planned and written, never timed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from profiles_gen.build import manifest as manifest_mod
from profiles_gen.build.manifest import HashCache, Manifest, sha256_file
from profiles_gen.build.plan import BuildOptions, plan_edition
from profiles_gen.build.publication import prepare
from profiles_gen.tools import verify
from tests.conftest import run_cli

OLD = 1_600_000_000_000_000_000  # a modification time well in the past (2020), in ns


def test_a_hash_is_read_from_the_cache_while_size_time_and_inode_hold(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("first")
    os.utime(path, ns=(OLD, OLD))
    cache = HashCache(tmp_path / "cache.json")
    assert cache.sha256(path) == sha256_file(path)
    cache.save()

    reads = []
    real = manifest_mod.sha256_file
    monkeypatch.setattr(manifest_mod, "sha256_file", lambda p: reads.append(p) or real(p))
    again = HashCache(tmp_path / "cache.json")  # a later run
    assert again.sha256(path) == real(path) and reads == []

    path.write_text("other")  # same size, other content, a new time: hashed again
    os.utime(path, ns=(OLD + 10**9, OLD + 10**9))
    assert again.sha256(path) == real(path) and reads == [path]


def test_a_file_saved_just_now_is_never_taken_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("fresh")
    cache = HashCache(tmp_path / "cache.json")
    cache.sha256(path)
    cache.save()
    assert str(path.resolve()) not in HashCache(tmp_path / "cache.json").entries
    # A second save in the same clock tick with the same size is still seen.
    stat = path.stat()
    path.write_text("fresh"[::-1])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.sha256(path) == sha256_file(path)


def test_keep_print_html_does_not_rebuild_an_up_to_date_pdf(project: Path) -> None:
    city = prepare(project / "cities" / "mini")
    out = project / "build" / "mini"
    out.mkdir(parents=True)
    plain = BuildOptions(formats=("pdf",))
    keep = BuildOptions(formats=("pdf",), keep_print_html=True)
    manifest = Manifest(out)
    plan = plan_edition(city, "en", plain, manifest)
    assert plan.formats == ("pdf",)  # nothing built yet
    (out / "mini-en.pdf").write_bytes(b"%PDF- stands in for the built one")
    manifest.record(plan.outputs["pdf"], plan.digests["pdf"], plan.files)

    assert plan_edition(city, "en", plain, manifest).formats == ()
    # Asked for print.html that is not there: it alone is rendered, WeasyPrint is not run ...
    with_print = plan_edition(city, "en", keep, manifest)
    assert with_print.formats == ("print",) and with_print.digests["pdf"] == plan.digests["pdf"]
    (out / "en").mkdir()
    (out / "en" / "print.html").write_text("<html></html>")
    manifest.record(with_print.outputs["print"], with_print.digests["print"], plan.files)
    # ... and once it is, neither the option nor its absence rebuilds anything.
    assert plan_edition(city, "en", keep, manifest).formats == ()
    assert plan_edition(city, "en", plain, manifest).formats == ()
    # An HTML edition rebuilt replaces the folder print.html is in: it is written again.
    both = BuildOptions(formats=("html", "pdf"), keep_print_html=True)
    assert plan_edition(city, "en", both, manifest).formats == ("html", "print")


@pytest.mark.slow
def test_keep_print_html_writes_print_html_beside_an_up_to_date_pdf(project: Path) -> None:
    # A real PDF (editions render in worker processes, out of a test's reach): that it was
    # not rendered again shows in the file, which a new rendering would replace.
    out = project / "build" / "mini"
    build = ["build", "mini", "--format", "pdf", "--lang", "en", "-j", "1"]
    assert run_cli(build, project)[0] == 0
    pdf = out / "mini-en.pdf"
    before = (pdf.stat().st_ino, pdf.stat().st_mtime_ns, pdf.read_bytes())
    status, text, err = run_cli([*build, "--keep-print-html"], project)
    assert status == 0, err
    assert f"wrote {pdf.relative_to(project)}" not in text + err
    assert (pdf.stat().st_ino, pdf.stat().st_mtime_ns, pdf.read_bytes()) == before
    printed = (out / "en" / "print.html").read_text(encoding="utf-8")
    assert "<html" in printed and "@font-face" in printed
    status, text, err = run_cli([*build, "--keep-print-html"], project)
    assert status == 0 and "up to date" in text + err
    assert (pdf.stat().st_ino, pdf.stat().st_mtime_ns) == before[:2]


@pytest.fixture
def counted_reads(monkeypatch) -> list[Path]:
    reads: list[Path] = []
    real = verify.html_chapters
    monkeypatch.setattr(verify, "html_chapters", lambda p: reads.append(p) or real(p))
    return reads


def test_verify_reads_again_only_editions_that_changed(project: Path, counted_reads) -> None:
    assert run_cli(["build", "mini", "--format", "html", "-j", "1"], project)[0] == 0
    out = project / "build" / "mini"
    assert run_cli(["verify", "mini", "--manifest"], project)[0] == 0
    assert sorted(p.parent.name for p in counted_reads) == ["en", "ru"]

    counted_reads.clear()
    status, out_text, err = run_cli(["verify", "mini", "--manifest"], project)
    assert status == 0, err
    assert counted_reads == []  # both unchanged since they were compared

    page = out / "ru" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>4242</p></main>"))
    status, _, err = run_cli(["verify", "mini"], project)
    assert status == 1 and "4242 appears 0× in en and 1× in ru" in err
    assert sorted(p.parent.name for p in counted_reads) == ["en", "ru"]
    counted_reads.clear()
    assert run_cli(["verify", "mini"], project)[0] == 1  # a failure is never remembered
    assert counted_reads


def test_an_unchanged_rebuild_does_not_render_the_home_pages_again(
    project: Path, monkeypatch
) -> None:
    from profiles_gen.build import home

    rendered = []
    real = home.render_home
    monkeypatch.setattr(home, "render_home", lambda *a: rendered.append(a[0].lang) or real(*a))
    build = ["build", "mini", "--format", "html", "-j", "1"]
    assert run_cli(build, project)[0] == 0
    assert rendered == ["en", "ru"]
    rendered.clear()
    assert run_cli(build, project)[0] == 0
    assert rendered == []  # nothing the home pages are made of changed
    (project / "build" / "index.ru.html").unlink()
    assert run_cli(build, project)[0] == 0
    assert rendered == ["en", "ru"]
    assert (project / "build" / "index.ru.html").is_file()
