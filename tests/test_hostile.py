"""City folders come from outside (issue 22): every hostile input is built here, by the test.

Each test names the behaviour it checks: a clean error at the file (and line) it comes
from, exit 1 for bad data and 2 for bad usage, no traceback, nothing read or written
outside the folders the program owns.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from profiles_gen.core.errors import IssueLog, ProfileError
from profiles_gen.data.load import parse_yaml
from tests.conftest import run_cli

SECRET = "not-for-the-edition-7f3a"


def errors_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line]


def outside_file(tmp_path: Path) -> Path:
    """A file outside the city folder that must never reach an edition."""
    secret = tmp_path / "elsewhere" / "secret.png"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET)
    return secret


def edition_text(project: Path) -> str:
    out = project / "build" / "mini"
    if not out.exists():
        return ""
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file())


# --- 1. templates --------------------------------------------------------------------


def test_a_city_template_cannot_reach_python_and_fails_at_its_line(project: Path) -> None:
    templates = project / "cities" / "mini" / "templates"
    templates.mkdir()
    (templates / "_back.html").write_text(
        "<p>back</p>\n<p>{{ cycler.__init__.__globals__.os.popen('echo PWNED').read() }}</p>\n"
        "<p>{{ ''.__class__.__mro__[1].__subclasses__() }}</p>\n",
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 1
    assert "Traceback" not in err
    [error] = errors_of(err)
    assert error.startswith("cities/mini/templates/_back.html:2:1: error: template: ")
    assert "PWNED" not in edition_text(project)
    assert not (project / "build" / "mini" / "en" / "index.html").exists()


def test_the_sandbox_refuses_underscore_attributes_even_on_the_projects_objects(
    project: Path,
) -> None:
    templates = project / "cities" / "mini" / "templates"
    templates.mkdir()
    (templates / "_back.html").write_text("{{ gettext.__globals__ }}\n", encoding="utf-8")
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 1
    assert errors_of(err)[0].startswith("cities/mini/templates/_back.html:1:1: error: template:")
    assert "unsafe" in err


def test_a_city_template_may_still_extend_the_built_in_one(project: Path) -> None:
    templates = project / "cities" / "mini" / "templates"
    templates.mkdir()
    (templates / "_back.html").write_text(
        '{% include "default:_back.html" %}<p class="city-note">Printed in Miniville</p>\n',
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    assert '<p class="city-note">Printed in Miniville</p>' in html


def test_validate_reports_a_city_template_that_does_not_parse(project: Path) -> None:
    templates = project / "cities" / "mini" / "templates"
    templates.mkdir()
    (templates / "_back.html").write_text("<p>\n{% if x %}\n<p>never closed\n")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    [error] = errors_of(err)
    assert error.startswith("cities/mini/templates/_back.html:3:1: error: template: ")
    assert "endif" in error


# --- 2. links and special files ------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["cover.png", "images/map.png", "narrative/en/20-more.md", "city.yaml", "templates/x.html"],
)
def test_a_link_leading_out_of_the_city_folder_is_an_error_at_its_path(
    project: Path, tmp_path: Path, where: str
) -> None:
    secret = outside_file(tmp_path)
    link = project / "cities" / "mini" / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 1
    assert "Traceback" not in err
    assert f"cities/mini/{where}: error: a link leading outside" in err
    assert SECRET not in edition_text(project)


def test_a_linked_narrative_folder_leading_out_is_an_error(project: Path, tmp_path: Path) -> None:
    city = project / "cities" / "mini"
    elsewhere = tmp_path / "other-narrative"
    (city / "narrative").rename(elsewhere)
    (city / "narrative").symlink_to(elsewhere)
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    assert "cities/mini/narrative: error: a linked folder leading outside" in err


def test_a_volume_member_linked_from_outside_the_volume_is_an_error(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import ROOT

    volume = project / "cities" / "norway"
    shutil.copytree(ROOT / "cities" / "norway", volume)
    (volume / "rana").rename(tmp_path / "rana")
    (volume / "rana").symlink_to(tmp_path / "rana")
    status, _, err = run_cli(["validate", "norway"], project)
    assert status == 1
    [error] = errors_of(err)
    assert error.startswith("cities/norway/volume.yaml:")
    assert error.endswith("error: members[2]: rana/ is a link leading outside the volume")


@pytest.mark.parametrize("kind", ["dangling link", "fifo", "folder"])
def test_a_special_file_where_a_file_is_expected_is_an_error_not_a_traceback(
    project: Path, kind: str
) -> None:
    city = project / "cities" / "mini"
    for where in ("cover.png", "images/map.png", "narrative/en/20-more.md"):
        path = city / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "dangling link":
            path.symlink_to(path.parent / "no-such-file.png")
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()
    status, _, err = run_cli(["validate", "mini"], project)
    assert "Traceback" not in err
    expected = {
        "dangling link": "a link to a file that does not exist",
        "fifo": "a FIFO, not a regular file",
        "folder": "a folder, not a regular file",
    }[kind]
    assert status == 1
    assert f"cities/mini/cover.png: error: {expected}" in err
    if kind != "folder":  # a folder named *.png under images/ or *.md is just a folder
        assert f"cities/mini/images/map.png: error: {expected}" in err
        assert f"cities/mini/narrative/en/20-more.md: error: {expected}" in err


def test_a_link_inside_the_city_folder_is_copied_as_a_regular_file(project: Path) -> None:
    city = project / "cities" / "mini"
    (city / "images").mkdir()
    (city / "images" / "map.png").write_bytes(b"\x89PNG map")
    (city / "images" / "same-map.png").symlink_to("map.png")
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0, err
    copy = project / "build" / "mini" / "en" / "images" / "same-map.png"
    assert not copy.is_symlink() and copy.read_bytes() == b"\x89PNG map"


# --- 3. every way Markdown names a resource ------------------------------------------


def test_every_way_of_naming_a_remote_resource_is_refused_at_its_line(project: Path) -> None:
    chapter = project / "cities" / "mini" / "narrative" / "en" / "10-overview.md"
    chapter.write_text(
        "---\ntitle: City overview\norder: 1\npart: body\n---\n"
        "Text ![a map][m] and more.\n"  # 6
        "\n"
        '<img srcset="http://example.invalid/1.png 1x, images/x.png 2x" alt="">\n'  # 8
        "\n"
        "<p style=\"background: url('http://example.invalid/2.png')\">x</p>\n"  # 10
        "\n"
        '<video poster="https://example.invalid/3.png"></video>\n'  # 12
        "\n"
        "[m]: http://example.invalid/4.png\n",  # 14
        encoding="utf-8",
    )
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    remote = "remote resources are refused (build with --allow-remote to fetch them)"
    assert errors_of(err) == [
        "cities/mini/narrative/en/10-overview.md:8:14: error: resource: "
        f"{remote}: http://example.invalid/1.png",
        "cities/mini/narrative/en/10-overview.md:8:47: error: resource: "
        "no such file in the city folder: images/x.png",
        "cities/mini/narrative/en/10-overview.md:10:28: error: resource: "
        f"{remote}: http://example.invalid/2.png",
        "cities/mini/narrative/en/10-overview.md:12:16: error: resource: "
        f"{remote}: https://example.invalid/3.png",
        "cities/mini/narrative/en/10-overview.md:14:6: error: resource: "
        f"{remote}: http://example.invalid/4.png",
    ]


def test_a_reference_style_image_never_reaches_the_html_edition(project: Path) -> None:
    chapter = project / "cities" / "mini" / "narrative" / "en" / "10-overview.md"
    chapter.write_text(
        "---\ntitle: City overview\norder: 1\npart: body\n---\n![x][r]\n\n"
        "[r]: http://example.invalid/tracker.png\n",
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 1
    assert "10-overview.md:8:6: error: resource: remote resources are refused" in err
    assert "example.invalid" not in edition_text(project)


# --- 4. whatever validate accepts, score and build handle ----------------------------


def _kpis(project: Path, old: str, new: str) -> None:
    path = project / "cities" / "mini" / "kpis.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "target: 100, target_source: Test plan}",
            "target: -5, target_source: Test plan}",
            "1:69: error: EC-ICT-ICT-1C.target: EC-ICT-ICT-1C is higher-is-better: its "
            "target must be above 0, got -5",
        ),
        (
            "target: 100, target_source: Test plan}",
            "target: 0, target_source: Test plan}",
            "1:69: error: EC-ICT-ICT-1C.target: EC-ICT-ICT-1C is higher-is-better: its "
            "target must be above 0, got 0",
        ),
        (
            "target: 100, target_source: Test plan}",
            "target: 250, target_source: Test plan}",
            "1:69: error: EC-ICT-ICT-1C.target: a target must be at most 100, got 250",
        ),
        (
            "source: Test utility, target: 15,",
            "source: Test utility, target: -15,",
            "7:66: error: EC-I-WS-3C.target: a target must not be negative, got -15",
        ),
    ],
)
def test_a_target_the_direction_forbids_is_a_validate_error_and_score_exits_cleanly(
    project: Path, old: str, new: str, message: str
) -> None:
    _kpis(project, old, new)
    for command in (["validate", "mini"], ["score", "mini"]):
        status, out, err = run_cli(command, project)
        assert status == 1, out
        assert "Traceback" not in err
        assert errors_of(err) == [f"cities/mini/kpis.yaml:{message}"]


def test_a_zero_target_is_fine_where_lower_is_better(project: Path) -> None:
    _kpis(project, "source: Test utility, target: 15,", "source: Test utility, target: 0,")
    status, out, err = run_cli(["score", "mini"], project)
    assert status == 0, err
    [item] = [i for i in json.loads(out)["items"] if i["kpi"] == "EC-I-WS-3C"]
    assert (item["target"], item["band"]) == (0, "reached")  # value 0 meets a target of 0


@pytest.mark.parametrize(
    ("shortcode", "message"),
    [
        ("{{rollup dimension XX}}", "no dimension 'XX' (known: EC, EN, SC)"),
        ("{{rollup sdg 18}}", "no sdg '18'"),
        ("{{rollup city elsewhere}}", "no city 'elsewhere' (known: mini)"),
        (
            "{{fact elevation}}",
            "the city has no key fact 'elevation' in city.yaml (it has: population)",
        ),
    ],
)
def test_a_shortcode_naming_what_the_city_lacks_is_a_validate_error(
    project: Path, shortcode: str, message: str
) -> None:
    chapter = project / "cities" / "mini" / "narrative" / "en" / "10-overview.md"
    chapter.write_text(
        f"---\ntitle: City overview\norder: 1\npart: body\n---\nSee {shortcode}.\n",
        encoding="utf-8",
    )
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    [error] = errors_of(err)
    assert error.startswith("cities/mini/narrative/en/10-overview.md:6:5: error: shortcode: ")
    assert message in error


def test_a_city_name_with_tex_markup_is_drawn_as_plain_text(project: Path) -> None:
    city = project / "cities" / "mini" / "city.yaml"
    city.write_text(
        city.read_text(encoding="utf-8").replace("en: Miniville", r"en: '$\macro$ 5$ and $x^2_y$'"),
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0, err
    svgs = [p.read_text(encoding="utf-8") for p in (project / "build/mini/en/charts").iterdir()]
    # The wheel may wrap a long name inside its centre: each line is drawn as typed.
    assert any(r"$\macro$" in svg and "$x^2_y$" in svg for svg in svgs)


# --- 5. the YAML loader --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\nb: " + "9" * 5000 + "\n", (2, 4), "a whole number with too many digits"),
        ("date: 2023-02-30\n", (1, 7), "not a valid date (day is out of range for month)"),
        ("x: 1\ny: !!float abc\n", (2, 4), "'abc': not a number"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", (1, 67), "nested more than 64 levels deep"),
        ("x: !!python/object:os.system ls\n", (1, 4), "is not supported"),
        ("a: &a [1, *a]\n", (1, 4), "an alias refers to its own anchor"),
    ],
)
def test_a_value_no_constructor_can_read_is_an_error_at_its_position(
    text: str, where: tuple[int, int], message: str
) -> None:
    log = IssueLog()
    assert parse_yaml(text, "f.yaml", log) is None
    [issue] = log.issues
    assert (issue.line, issue.col) == where
    assert message in issue.message


def test_an_alias_bomb_inside_an_omap_is_refused_at_once() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):  # 10**9 values once expanded
        prev = chr(ord("a") + n - 1)
        lines.append(
            f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [" + ", ".join([f"*{prev}"] * 10) + "]"
        )
    lines.append("bomb: !!omap [k: *i]")
    log = IssueLog()
    assert parse_yaml("\n".join(lines) + "\n", "f.yaml", log) is None
    [issue] = log.issues
    assert "aliases expand to more than" in issue.message
    assert issue.line >= 1


def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(project: Path) -> None:
    kpis = project / "cities" / "mini" / "kpis.yaml"
    lines = kpis.read_bytes().split(b"\n")
    lines[2] = b"  # a Latin-1 comment: caf\xe9"
    kpis.write_bytes(b"\n".join(lines))
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    assert errors_of(err) == [
        "cities/mini/kpis.yaml:3:27: error: not UTF-8 text: byte 0xE9 (invalid continuation byte)"
    ]


def test_numbers_are_read_as_yaml_1_2_does() -> None:
    log = IssueLog()
    data = parse_yaml(
        "a: 012\nb: 1:30\nc: 0x1F\nd: 1_000\ne: 0o17\nf: 1.5e3\ng: yes\nh: on\ni: NO\n",
        "f.yaml",
        log,
    )
    assert log.issues == []
    assert dict(data) == {
        "a": 12,
        "b": "1:30",
        "c": "0x1F",
        "d": "1_000",
        "e": "0o17",
        "f": 1500.0,
        "g": True,
        "h": "on",  # only yes/no and true/false are booleans: Norway's "NO" is...
        "i": False,  # ...still no, as the profiles' yes/no KPIs need
    }


def test_a_value_read_as_text_is_reported_where_a_number_is_expected(project: Path) -> None:
    _kpis(project, "{value: 93, year: 2021", "{value: 0x5D, year: 2021")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    assert errors_of(err) == [
        "cities/mini/kpis.yaml:1:24: error: EC-ICT-ICT-1C.value: expected a number or yes/no, "
        "got '0x5D'"
    ]


# --- 8. outputs ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "fifo", "cities", "city", "templates"])
def test_out_onto_a_file_a_special_file_or_the_source_tree_is_a_usage_error(
    project: Path, kind: str
) -> None:
    from profiles_gen.core.paths import TEMPLATES_DIR

    target = {
        "file": project / "afile",
        "fifo": project / "afifo",
        "cities": project / "cities",
        "city": project / "cities" / "mini" / "out",
        "templates": TEMPLATES_DIR,
    }[kind]
    if kind == "file":
        target.write_text("keep me")
    elif kind == "fifo":
        os.mkfifo(target)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    status, _, err = run_cli(["build", "mini", "--format", "html", "--out", str(target)], project)
    assert status == 2
    assert err.startswith(f"profiles-gen build: error: --out {target}: ")
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    if kind == "file":
        assert target.read_text() == "keep me"
    if kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(target).st_mode)


def test_an_output_path_taken_by_a_link_or_a_fifo_is_not_replaced(project: Path) -> None:
    from profiles_gen.core.files import atomic_write

    out = project / "build" / "mini"
    out.mkdir(parents=True)
    victim = project / "victim.txt"
    victim.write_text("untouched")
    (out / "mini-kpis.json").symlink_to(victim)
    os.mkfifo(out / "mini-kpis.csv")
    for name in ("mini-kpis.json", "mini-kpis.csv"):
        with pytest.raises(ProfileError, match="exists and is not a regular file"):
            atomic_write(out / name, "data")
    assert victim.read_text() == "untouched"
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 1
    assert "mini-kpis.csv: exists and is not a regular file; not replacing it" in err
    assert victim.read_text() == "untouched"


def test_outputs_are_folders_0755_and_files_0644_whatever_the_umask(project: Path) -> None:
    old = os.umask(0o077)
    try:
        status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    finally:
        os.umask(old)
    assert status == 0, err
    published = [p for p in (project / "build").rglob("*") if ".cache" not in p.parts]
    assert any(p.name == "index.html" for p in published)
    for path in published:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_locales_check_survives_a_broken_city_yaml(project: Path) -> None:
    (project / "cities" / "mini" / "city.yaml").write_text("languages: [en, ru\n")
    status, out, err = run_cli(["locales", "check"], project)
    assert "Traceback" not in err
    assert "cities/mini/city.yaml: warning: languages unreadable (see validate)" in err
    assert status == 0 and "ru:" in out


def test_verify_reads_nothing_outside_the_build_folder_whatever_the_manifest_says(
    project: Path, tmp_path: Path
) -> None:
    status, _, err = run_cli(["build", "mini", "--format", "html", "-j", "1"], project)
    assert status == 0, err
    secret = outside_file(tmp_path)
    manifest_path = project / "build" / "mini" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    manifest["inputs"][f"city/../../../{secret.relative_to(tmp_path.parent)}"] = digest
    manifest["inputs"]["nowhere/x"] = digest
    manifest["outputs"][f"../../../{secret.relative_to(tmp_path.parent)}"] = {"sha256": digest}
    manifest["outputs"][str(secret)] = {"sha256": digest}
    manifest_path.write_text(json.dumps(manifest))
    status, _, err = run_cli(["verify", "mini", "--manifest"], project)
    assert status == 1
    assert "Traceback" not in err
    refused = [line for line in err.splitlines() if "not read" in line]
    assert len(refused) == 4, err


# --- 7. interrupts and concurrency ---------------------------------------------------


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _workers(pid: int) -> set[int]:
    """The worker processes of the build ``pid``: forked by its fork server (a child of
    ``pid`` started from ``multiprocessing.forkserver``), or its own children otherwise."""
    found = set()
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.forkserver" in cmdline:
            found |= _children(child)
        elif b"multiprocessing.resource_tracker" not in cmdline:
            found.add(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, what: str, proc=None) -> None:
    import time

    for _ in range(6000):  # polls until the build gets there; fails if it ends first
        if condition():
            return
        assert proc is None or proc.poll() is None, f"the build ended before {what}"
        time.sleep(0.02)
    raise AssertionError(f"never saw {what}")


def _build_process(project: Path, *args: str):
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "profiles_gen", "build", "mini", "-q", *args]
    return subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


@pytest.mark.slow
def test_workers_die_with_the_main_process_even_under_sigkill(project: Path) -> None:
    import signal

    proc = _build_process(project, "-j", "2", "--format", "pdf")
    _wait_for(lambda: len(_workers(proc.pid)) == 2, "two workers", proc)
    workers = _workers(proc.pid) | _children(proc.pid)  # and the fork server
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _wait_for(lambda: not any(_alive(w) for w in workers), "the workers end")
    assert not list((project / "build" / "mini").glob("*.pdf"))


@pytest.mark.slow
def test_sigterm_stops_the_workers_and_the_manifest_records_exactly_what_was_published(
    project: Path,
) -> None:
    import signal

    from profiles_gen.build.manifest import sha256_file

    out = project / "build" / "mini"
    proc = _build_process(project, "-j", "2")
    _wait_for(lambda: (out / "en" / "index.html").is_file(), "an HTML edition", proc)
    workers = _workers(proc.pid) | _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate()
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    _wait_for(lambda: not any(_alive(w) for w in workers), "the workers end")
    # Nothing can be renamed into place any more: compare what is there with the manifest.
    recorded = json.loads((out / "manifest.json").read_text())["outputs"]
    for name in ("en/index.html", "ru/index.html", "mini-en.pdf", "mini-ru.pdf"):
        path = out / name
        if path.exists():
            assert recorded[name]["sha256"] == sha256_file(path), name
        else:
            assert name not in recorded, name
    assert "en/index.html" in recorded
    assert not [p for p in out.iterdir() if p.name.endswith(".old")]


@pytest.mark.slow
def test_a_second_build_of_a_city_waits_for_the_first_and_says_who_holds_the_lock(
    project: Path,
) -> None:
    from profiles_gen.build.workers import build_session, output_lock

    out = project / "build" / "mini"
    staging = out / ".en.running-build.tmp"  # the first build's work in progress
    with build_session():
        output_lock(out)
        staging.mkdir()
        proc = _build_process(project, "--format", "html", "-j", "1")
        line = proc.stderr.readline().decode()
        assert line.startswith(f"{out}: pid {os.getpid()} on ")
        assert line.rstrip().endswith("is building here; waiting for it to finish")
        assert staging.is_dir() and proc.poll() is None
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert not staging.exists()  # cleaned up only once the first build was over
    assert (out / "en" / "index.html").is_file()


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


@pytest.mark.slow
def test_one_job_means_one_worker_at_work_at_a_time(project: Path) -> None:
    """``-j 1``: the charts' worker, the PDFs' and the HTML editions' take turns. Every
    tenth of a second, the workers whose processor time grew by more than 30 ms are at
    work; never two at once (an idle worker waits without using any)."""
    import time

    tick = os.sysconf("SC_CLK_TCK")
    proc = _build_process(project, "-j", "1")
    before: dict[int, int] = {}
    most, seen = 0, set()
    while proc.poll() is None:
        now = {pid: _cpu_ticks(pid) for pid in _workers(proc.pid)}
        busy = [pid for pid, t in now.items() if pid in before and t - before[pid] > 0.03 * tick]
        most = max(most, len(busy))
        seen |= set(busy)
        before = now
        time.sleep(0.1)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert len(seen) >= 2  # the charts' worker and a PDF's were seen at work (the test sees)
    assert most == 1


def _matplotlib_loaded(pid: int) -> bool:
    """Whether process ``pid`` has matplotlib's font library mapped (it has imported it)."""
    try:
        return "matplotlib/ft2font" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.slow
def test_a_first_build_imports_matplotlib_once_before_forking_the_charts_workers(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    """With no chart yet drawn by this code (an empty chart cache), every chart will be:
    the build imports matplotlib itself, once, and the charts' workers forked from it
    start with it. When the charts are in the cache (every edition rebuilt, the charts
    not: here its HTML editions, by workers forked from the build), the build never
    imports it."""
    import time

    monkeypatch.setenv("PROFILES_GEN_SHARED_CACHE", str(tmp_path / "fresh-cache"))
    for first in (True, False):
        again = () if first else ("--force", "--format", "html")
        proc = _build_process(project, "-j", "2", *again)
        seen = False
        while proc.poll() is None:
            seen = seen or _matplotlib_loaded(proc.pid)
            time.sleep(0.05)
        _, err = proc.communicate()
        assert proc.returncode == 0, err
        assert seen is first, "first build" if first else "rebuild"


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@pytest.mark.slow
def test_an_html_only_build_of_two_editions_renders_them_in_workers_without_weasyprint(
    project: Path,
) -> None:
    """HTML editions need no WeasyPrint: two of them, with two jobs, are rendered by two
    workers forked from the build, and no process of the build loads WeasyPrint's
    libraries (the fork server that imports it for the PDFs' workers is not started)."""
    import time

    proc = _build_process(project, "-j", "2", "--format", "html")
    workers: set[int] = set()
    pango = forkserver = False
    while proc.poll() is None:
        for pid in {proc.pid} | _descendants(proc.pid):
            try:
                maps = Path(f"/proc/{pid}/maps").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            pango = pango or "libpango" in maps
            forkserver = forkserver or b"multiprocessing.forkserver" in cmdline
            if pid != proc.pid and b"resource_tracker" not in cmdline:
                workers.add(pid)
        time.sleep(0.02)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    out = project / "build" / "mini"
    assert (out / "en" / "index.html").is_file() and (out / "ru" / "index.html").is_file()
    assert not list(out.glob("*.pdf"))
    assert not pango and not forkserver
    assert len(workers) == 2, workers
