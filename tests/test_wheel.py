"""The package installs: a wheel built from the sources, installed into a fresh virtual
environment, builds a city from a plain folder holding only ``cities/``.

How the environment is made, offline and honest: the wheel is built by pip with build
isolation from a copy of the sources (pip fetches the build backend, setuptools, from its
configured index); a fresh venv gets the wheel with ``--no-deps``, and a ``.pth`` file
makes the project's own installed dependencies (WeasyPrint, matplotlib, Babel…)
importable after the venv's own packages. The editable install of profiles-gen in the
project's environment is a ``.pth`` hook there, which a path added this way never runs,
so ``profiles_gen`` can only come from the wheel (checked below).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from profiles_gen.core import paths

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_uses_its_own_templates_and_catalogues() -> None:
    assert paths.CHECKOUT == ROOT
    assert paths.TEMPLATES_DIR == ROOT / "templates"
    assert paths.LOCALES_DIR == ROOT / "locales"


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _translation(msgid: str) -> str:
    """The Russian of a template string, read from the catalogue the wheel ships."""
    po = (ROOT / "locales" / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    match = re.search(rf'\nmsgid "{re.escape(msgid)}"\nmsgstr "([^"]+)"', po)
    assert match, msgid
    return match.group(1)


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_builds_a_city_from_a_plain_folder(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("profiles_gen", "templates", "locales", "targets"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
        check=True,
    )
    (wheel,) = dist.glob("profiles_gen-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    package = Path(purelib) / "profiles_gen"
    installed = _tree(package)
    assert "templates/profile.html" in installed
    assert "locales/ru/LC_MESSAGES/messages.po" in installed

    work = tmp_path / "work"
    shutil.copytree(ROOT / "cities" / "tbilisi", work / "cities" / "tbilisi")
    cities = _tree(work / "cities")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PROFILES_GEN"))}
    env["HOME"] = str(tmp_path / "home")  # the user's cache is not used: the build's own is
    env.pop("XDG_CACHE_HOME", None)
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import profiles_gen.core.paths as p; print(p.PACKAGE_DIR, p.CHECKOUT)",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where == [str(package.resolve()), "None"]

    built = subprocess.run(
        [str(env_dir / "bin" / "profiles-gen"), "build", "tbilisi", "--format", "html"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in work.iterdir()) == ["build", "cities"]
    assert _tree(work / "cities") == cities
    assert _tree(package) == installed  # nothing written into the installed package
    assert not (tmp_path / "home" / ".cache" / "profiles-gen").exists()  # (matplotlib's may)
    english = (work / "build" / "tbilisi" / "en" / "index.html").read_text(encoding="utf-8")
    russian = (work / "build" / "tbilisi" / "ru" / "index.html").read_text(encoding="utf-8")
    assert ">Contents<" in english
    assert f">{_translation('Contents')}<" in russian  # the packaged catalogue, compiled
    assert list((work / "build" / ".cache").rglob("messages.mo"))

    # The installed package verifies a city's PDF and HTML editions: poppler reads the PDFs
    # (pypdf, a test dependency, is made unimportable).
    shutil.copytree(ROOT / "tests" / "data" / "mini", work / "cities" / "mini")
    profiles_gen = [str(env_dir / "bin" / "profiles-gen")]
    run = {"cwd": work, "env": env, "capture_output": True, "text": True}
    built = subprocess.run([*profiles_gen, "build", "mini", "-j", "1"], **run)
    assert built.returncode == 0, built.stderr
    without_pypdf = (
        "import sys; sys.modules['pypdf'] = None; from profiles_gen.cli.main import main"
    )
    verified = subprocess.run(
        [str(python), "-c", f"{without_pypdf}; sys.exit(main(['verify', 'mini', '--manifest']))"],
        **run,
    )
    assert verified.returncode == 0, verified.stderr
    assert "mini: verified the figures of ru (PDF, HTML) against en" in verified.stdout
