"""A build with nothing to do, decided from digests before anything is parsed.

A build validates each city, parses its catalogues and plans every edition against
``manifest.json``; with nothing changed that is most of a no-op's time. So after a build
that succeeded, ``record`` keeps, per city, in ``<out>/.cache/noop/``:

- what its decisions rested on: a digest of every file under the city's folder (for a
  member of a volume, the volume's ``volume.yaml`` and target sets too), of the package,
  the templates, every catalogue and the target sets, and of the options, the working
  folder (messages show paths relative to it), the date (validation measures "the
  future" by it) and the environment variables a build reads;
- a digest of ``manifest.json`` (but for what ``verify`` records there), the SHA-256 of
  every output the build planned (and of the city's ``edition.json``), and which home
  pages of the site were there;
- what it said: the city's slug, the languages it found up to date, its warnings.

``up_to_date`` reads that back for the cities of a new build. When all of it still
holds, nothing the build would decide from can have changed: it has nothing to do, and
the command prints what the build would print, without validating, parsing a catalogue
or importing a renderer. Anything else (a file edited, added or removed, an output
changed or missing, other options, ``--force``, another build holding a city's lock)
and the build runs as before. Hashes come from the build's hash cache (size,
modification time and inode), so a no-op reads no file whole but the records.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from profiles_gen import __version__
from profiles_gen.build.manifest import MANIFEST, HashCache, common_inputs, hash_cache
from profiles_gen.core.clock import today
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import TEMPLATES_DIR, locales_dir

ENVIRONMENT = ("PROFILES_GEN_TARGETS", "PROFILES_GEN_LOCALES", "SOURCE_DATE_EPOCH")


@dataclass(frozen=True)
class UpToDate:
    """What a build with nothing to do says of one city."""

    slug: str
    langs: tuple[str, ...]
    warnings: tuple[str, ...]


def up_to_date(city_dirs: list[Path], out_root: Path, opts) -> list[UpToDate] | None:
    """Each city's record if nothing it rests on changed, else None (build as usual)."""
    if opts.force:
        return None
    found, locks = [], []
    try:
        for city_dir in city_dirs:
            entry = _check(city_dir, out_root, opts, locks)
            if entry is None:
                return None
            found.append(entry)
        return found
    finally:
        for fd in locks:
            os.close(fd)  # releases the lock


def record(city_dir: Path, out_root: Path, opts, build, result) -> None:
    """After a build that succeeded: what a later build with nothing to do will need."""
    out_dir = build.out_dir
    cache = hash_cache(out_dir)
    outputs = [out_dir / "edition.json"]
    outputs += [out_dir / name for name in build.exports]
    for plan in build.plans.values():  # the outputs this build's options plan
        kinds = [*opts.formats, *(["print"] if "print" in plan.outputs else [])]
        outputs += [out_dir / plan.outputs[kind] for kind in kinds]
    try:
        data = {
            "context": _context(city_dir, out_root, opts),
            "inputs": _inputs_digest(city_dir, cache),
            "manifest": _manifest_digest(out_dir / MANIFEST),
            "outputs": {str(p.relative_to(out_root)): cache.sha256(p) for p in outputs},
            "home": sorted(_home_pages(out_root)),
            "slug": build.pub.slug,
            "langs": list(build.plans),
            "warnings": list(result.warnings),
        }
    except (OSError, ValueError):  # a file gone or broken meanwhile: the next build plans
        _record_path(out_root, city_dir).unlink(missing_ok=True)
        return
    cache.save()
    path = _record_path(out_root, city_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def forget(city_dirs: list[Path], out_root: Path) -> None:
    """Before a build writes anything: the records of its cities no longer hold."""
    for city_dir in city_dirs:
        _record_path(out_root, city_dir).unlink(missing_ok=True)


def _check(city_dir: Path, out_root: Path, opts, locks: list[int]) -> UpToDate | None:
    try:
        data = json.loads(_record_path(out_root, city_dir).read_text(encoding="utf-8"))
        slug, outputs, home = data["slug"], data["outputs"], data["home"]
        if data["context"] != _context(city_dir, out_root, opts):
            return None
        if not _lock(out_root / ".cache" / "locks" / f"{slug}.lock", locks):
            return None  # another build of this city is running: wait for it as usual
        cache = hash_cache(out_root / slug)
        fresh = data["manifest"] == _manifest_digest(out_root / slug / MANIFEST)
        fresh = (
            fresh
            and data["inputs"] == _inputs_digest(city_dir, cache)
            and all(
                _regular(out_root / name) and cache.sha256(out_root / name) == digest
                for name, digest in outputs.items()
            )
        )
        fresh = fresh and all(_regular(out_root / name) for name in home)
        cache.save()
        if not fresh:
            return None
        return UpToDate(slug, tuple(data["langs"]), tuple(data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no record, or one that cannot be read: build as usual


def _lock(path: Path, locks: list[int]) -> bool:
    """Take the city's build lock if nobody holds it (held until ``up_to_date`` returns)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    locks.append(fd)
    return True


def _manifest_digest(path: Path) -> str:
    """What ``manifest.json`` says of inputs and outputs (what ``verify`` adds left out: it
    changes nothing a build decides)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("verified", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _regular(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return path.is_file() and not path.is_symlink()
    return False


def _record_path(out_root: Path, city_dir: Path) -> Path:
    key = hashlib.sha256(str(Path(city_dir).resolve()).encode()).hexdigest()[:16]
    return out_root / ".cache" / "noop" / f"{Path(city_dir).name}-{key}.json"


def _context(city_dir: Path, out_root: Path, opts) -> str:
    """The digest of what a build's outcome depends on besides files."""
    context = {
        "version": __version__,
        "city": str(Path(city_dir).resolve()),
        "out": str(out_root.resolve()),
        "cwd": os.getcwd(),
        "options": [
            list(opts.langs),
            list(opts.formats),
            opts.variant,
            opts.strict,
            opts.allow_remote,
            opts.keep_print_html,
        ],
        "today": today().isoformat(),
        "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
    }
    return hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()


def _home_pages(out_root: Path) -> list[str]:
    pages = [p.name for p in out_root.glob("index*.html") if p.is_file()]
    css = out_root / "assets" / "profile.css"
    return pages + (["assets/profile.css"] if css.is_file() else [])


def _inputs_digest(city_dir: Path, cache: HashCache) -> str:
    """One digest over every file a build of ``city_dir`` may read (names and contents)."""
    files = _walk(city_dir, "city")
    volume = city_dir.parent
    if (volume / "volume.yaml").is_file():  # a member of a volume: the volume's own files
        files["volume/volume.yaml"] = volume / "volume.yaml"
        files.update(_walk(volume / "targets", "volume/targets"))
    files.update(common_inputs())
    files.update(_walk(TEMPLATES_DIR, "templates"))
    files.update(_walk(locales_dir(), "locales"))
    h = hashlib.sha256(f"profiles-gen {__version__}\n".encode())
    for name in sorted(files):
        h.update(f"{name}\0{_content(files[name], cache)}\n".encode())
    return h.hexdigest()


def _content(path: Path, cache: HashCache) -> str:
    """A file's SHA-256; for anything but a regular file (a FIFO, a device, a dangling
    link: never opened, so nothing can make the check wait) its kind."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    return cache.sha256(path) if stat.S_ISREG(mode) else f"not a regular file {mode:o}"


def _walk(root: Path, prefix: str) -> dict[str, Path]:
    """Every file under ``root`` by its name under ``prefix`` (compiled files left out)."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith((".pyc", ".mo")):
                path = Path(folder, name)
                files[f"{prefix}/{path.relative_to(root).as_posix()}"] = path
    return files
