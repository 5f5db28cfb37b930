"""Which folder a city argument names: light enough for a build that has nothing to do.

``resolve_city_dir`` turns ``tbilisi``, ``norway/asker`` or a path into the city's (or the
volume's) folder without reading any of its files, so that the no-op build
(``build.noop``) can decide before YAML, the schema or a catalogue is loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from profiles_gen.core.errors import UsageError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def is_volume(folder: Path) -> bool:
    return (folder / "volume.yaml").is_file()


def _holds_city(folder: Path) -> bool:
    return (folder / "city.yaml").is_file() or is_volume(folder)


def resolve_city_dir(city: str, cities_dir: Path) -> Path:
    """A slug under ``cities_dir`` or a path to a city folder."""
    candidate = Path(city)
    if city.strip() != city or not city:
        raise UsageError(f"{city!r}: a city is a plain name such as 'tbilisi' or a folder path")
    if "/" in city or "\\" in city or city.startswith("."):  # a path, not a slug
        for folder in (candidate, cities_dir / city):  # a path, or volume/member under cities/
            if _holds_city(folder):
                return folder.resolve()
        raise UsageError(
            f"{city!r}: not a city name (lower-case letters, digits, '-' or '_'), "
            "nor a folder holding city.yaml or volume.yaml"
        )
    if not SLUG_RE.match(city):
        raise UsageError(
            f"{city!r}: not a city name (use lower-case letters, digits, '-' or '_', "
            "or the path of a folder holding city.yaml)"
        )
    path = cities_dir / city
    if not path.is_dir():
        known = (
            ", ".join(sorted(p.name for p in cities_dir.iterdir() if _holds_city(p)))
            if cities_dir.is_dir()
            else ""
        )
        raise UsageError(f"{path}: no such city folder" + (f" (cities: {known})" if known else ""))
    return path.resolve()
