"""Where profiles-gen reads its own files and where it keeps its caches.

The templates, the catalogues (``locales/``), the fonts and the framework
ship inside the package, so an installed wheel needs no source tree. In a
checkout (the package's parent holds this project's ``pyproject.toml``) the
checkout's own ``templates/`` and ``locales/`` win, so that designers and
translators see their edits at the next build.

Nothing is written into the source tree or the installed package: the chart
cache, the compiled catalogues and the pseudo-locale live under the cache
folder, ``<out>/.cache/`` during a build (``use_cache``), else
``$PROFILES_GEN_CACHE`` or the user's cache folder
(``$XDG_CACHE_HOME/profiles-gen``, by default ``~/.cache/profiles-gen``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
FONT_DIR = PACKAGE_DIR / "fonts"
DATA_DIR = PACKAGE_DIR / "data"


def _checkout() -> Path | None:
    """The source tree the package runs from, if it runs from one."""
    root = PACKAGE_DIR.parent
    try:
        project = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "profiles-gen"' in project else None


CHECKOUT = _checkout()


def resource(name: str) -> Path:
    """``templates`` or ``locales``: the checkout's own folder, else the packaged copy."""
    if CHECKOUT is not None and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    return PACKAGE_DIR / name


TEMPLATES_DIR = resource("templates")
LOCALES_DIR = resource("locales")
# The project's target sets: a checkout's targets/, else the copy shipped in the package;
# more folders of sets in $PROFILES_GEN_TARGETS (``data.targets``).
PROJECT_TARGETS = (
    CHECKOUT / "targets"
    if CHECKOUT is not None and (CHECKOUT / "targets").is_dir()
    else PACKAGE_DIR / "target_sets"
)
TARGETS_ENV_VAR = "PROFILES_GEN_TARGETS"
PSEUDO = "en-XA"  # the pseudo-locale (``i18n.messages``)


def locales_dir() -> Path:
    """``locales/`` of the checkout or the package, or the folder ``PROFILES_GEN_LOCALES`` names."""
    override = os.environ.get("PROFILES_GEN_LOCALES")
    return Path(override).resolve() if override else LOCALES_DIR


_cache: Path | None = None


def use_cache(folder: Path) -> None:
    """Keep the caches of this process under ``folder`` (a build: ``<out>/.cache``)."""
    global _cache
    _cache = Path(folder).resolve()


def cache_dir() -> Path:
    """The cache folder: the build's, else ``$PROFILES_GEN_CACHE``, else the user's."""
    if _cache is not None:
        return _cache
    override = os.environ.get("PROFILES_GEN_CACHE")
    if override:
        return Path(override).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "profiles-gen"


def shared_cache_dir() -> Path:
    """The folder of the caches whose entries are named by their whole content (the drawn
    charts, the compiled templates), which any number of builds can share: the folder
    ``PROFILES_GEN_SHARED_CACHE`` names (several output folders, one set of charts), else
    the cache folder (``cache_dir``)."""
    override = os.environ.get("PROFILES_GEN_SHARED_CACHE")
    return Path(override).resolve() if override else cache_dir()


def display_path(path: Path) -> str:
    """``path`` as messages show it: relative to the working folder when it lies inside it."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if shown.startswith("..") else shown
