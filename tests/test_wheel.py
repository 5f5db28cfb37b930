"""The package installs alone: a wheel built from the sources, installed with its declared
dependencies into a fresh virtual environment, builds a city from a plain folder holding
only ``cities/`` (PDF and HTML, both languages) and verifies it.

The environment is the wheel and what its metadata asks for, resolved by pip from its
configured index, nothing else: no path into the project's environment, none of the test
tools (pytest, pypdf's test use, playwright…). A runtime import missing from
``pyproject.toml``'s dependencies fails here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
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
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    installed_names = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.lower()
    for tool in ("pytest", "hypothesis", "ruff", "playwright", "pdfplumber"):
        assert f"\n{tool}==" not in "\n" + installed_names  # test tools stay out
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert not [p for p in Path(purelib).glob("*.pth") if "profiles" in p.read_text()]
    package = Path(purelib) / "profiles_gen"
    installed = _tree(package)
    assert "templates/profile.html" in installed
    assert "locales/ru/LC_MESSAGES/messages.po" in installed

    work = tmp_path / "work"
    shutil.copytree(ROOT / "tests" / "data" / "mini", work / "cities" / "mini")
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
        [str(env_dir / "bin" / "profiles-gen"), "build", "mini", "-j", "1"],
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
    assert sorted(p.name for p in (work / "build" / "mini").glob("*.pdf")) == [
        "mini-en.pdf",
        "mini-ru.pdf",
    ]
    verified = subprocess.run(
        [str(env_dir / "bin" / "profiles-gen"), "verify", "mini", "--manifest"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    assert "verified the figures of ru" in verified.stdout
    english = (work / "build" / "mini" / "en" / "index.html").read_text(encoding="utf-8")
    russian = (work / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    assert ">Contents<" in english
    assert f">{_translation('Contents')}<" in russian  # the packaged catalogue, compiled
    assert list((work / "build" / ".cache").rglob("messages.mo"))
