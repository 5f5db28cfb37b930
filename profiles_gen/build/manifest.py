"""The build manifest: content hashes of every input and output of a city's build.

``build/<city>/manifest.json`` records, for each output, the SHA-256 of the
output and a digest of exactly the inputs it was built from (data,
narrative of its language, templates, its catalogue, fonts, the package's
code and version, the build options). A later build skips an output whose
inputs digest is unchanged and whose file is still the one recorded, so an
unchanged rebuild writes nothing and an edit to ``narrative/ru/`` rebuilds
only the Russian editions. The same file lets a publisher show that an
archived PDF came from the archived data.

Hashing every input and output (fonts and PDFs included) on every run would
make a no-op build slow, so each file's hash is remembered with its size,
modification time and inode in ``<out>/.cache/hashes/<city>.json``: a file
whose three are unchanged is not read again, and any other is hashed anew
(its content decides). A file modified in the last two seconds is never taken
from that cache, so a second save within the clock's resolution is not missed.
``verify`` records there too, in ``manifest.json`` under ``verified``, the
hashes of the editions whose figures it compared, and compares again only
editions whose files changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from profiles_gen import __version__
from profiles_gen.core.paths import (
    PACKAGE_DIR,
    PROJECT_TARGETS,
    PSEUDO,
    TARGETS_ENV_VAR,
    TEMPLATES_DIR,
    locales_dir,
)

MANIFEST = "manifest.json"
RACY_NS = 2_000_000_000  # a file modified this recently is hashed again, whatever its stat


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree(root: Path, prefix: str, pattern: str = "**/*") -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {
        f"{prefix}/{p.relative_to(root).as_posix()}": p
        for p in sorted(root.glob(pattern))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".mo", ".pyc"))
    }


def common_inputs() -> dict[str, Path]:
    """What every output depends on: the package's code, data and fonts (its templates and
    catalogues, when installed, count with the editions that use them), the target sets."""

    files = {
        name: path
        for name, path in _tree(PACKAGE_DIR, "package", "**/*").items()
        if not name.startswith(("package/templates/", "package/locales/", "package/target_sets/"))
    }
    files.update(_tree(PROJECT_TARGETS, "targets", "*.yaml"))
    for n, text in enumerate(t for t in os.environ.get(TARGETS_ENV_VAR, "").split(os.pathsep) if t):
        files.update(_tree(Path(text), f"targets-{n}", "*.yaml"))
    return files


def data_inputs(city_dir: Path) -> dict[str, Path]:
    files = {
        f"city/{n}": city_dir / n for n in ("city.yaml", "kpis.yaml") if (city_dir / n).is_file()
    }
    files.update(_tree(city_dir / "editions", "city/editions", "*/kpis.yaml"))
    files.update(_tree(city_dir / "targets", "city/targets", "*.yaml"))
    if (city_dir.parent / "volume.yaml").is_file():
        files.update(_tree(city_dir.parent / "targets", "volume/targets", "*.yaml"))
    return {**files, **common_inputs()}


def volume_inputs(volume_dir: Path) -> dict[str, Path]:
    """A volume's data: its ``volume.yaml`` and every member's files."""
    return {**_tree(volume_dir, "city"), **common_inputs()}


def volume_edition_inputs(volume_dir: Path, lang: str) -> dict[str, Path]:
    """Every file an edition of a volume is built from: the whole folder, templates, catalogue."""
    return {**volume_inputs(volume_dir), **_presentation_inputs(lang)}


def edition_inputs(city_dir: Path, lang: str, narrative_lang: str) -> dict[str, Path]:
    """Every file an edition in ``lang`` is built from."""
    files = data_inputs(city_dir)
    recs = city_dir / "recommendations.yaml"
    if recs.is_file():
        files["city/recommendations.yaml"] = recs
    files.update(_tree(city_dir / "narrative" / narrative_lang, f"city/narrative/{narrative_lang}"))
    files.update(_tree(city_dir / "images", "city/images"))
    files.update(_tree(city_dir / "templates", "city/templates"))
    files.update({f"city/{p.name}": p for p in sorted(city_dir.glob("cover.*"))})
    files.update({f"city/{p.name}": p for p in sorted(city_dir.glob("emblem.*"))})
    return {**files, **_presentation_inputs(lang)}


def _presentation_inputs(lang: str) -> dict[str, Path]:
    """What every edition in ``lang`` is laid out and worded with: templates, its catalogue."""
    files = _tree(TEMPLATES_DIR, "templates")
    if lang == PSEUDO:
        files["locales/messages.pot"] = locales_dir() / "messages.pot"
    elif lang != "en" and (po := locales_dir() / lang / "LC_MESSAGES" / "messages.po").is_file():
        files[f"locales/{lang}/LC_MESSAGES/messages.po"] = po
        # The sign-off holds or not by the glossary's check and the record of what was
        # signed: a change to either can make the edition a draft (or no longer one).
        for name in ("glossary.tsv", "reviewed.tsv"):
            path = locales_dir() / lang / name
            if path.is_file():
                files[f"locales/{lang}/{name}"] = path
    return files


class HashCache:
    """SHA-256 of files, remembered by size, modification time and inode across runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.entries = {k: v for k, v in data.items() if isinstance(v, list)}
        except (OSError, ValueError):
            pass  # no cache yet, or a broken one: every file is hashed

    def sha256(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = self.entries.get(key)
        if entry and entry[:3] == stamp:
            return entry[3]
        digest = sha256_file(path)
        if time.time_ns() - st.st_mtime_ns > RACY_NS:
            self.entries[key] = [*stamp, digest]
            self.dirty = True
        return digest

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self.entries, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:  # a cache: never fail a build for it
            tmp.unlink(missing_ok=True)
        self.dirty = False


def hash_cache(out_dir: Path) -> HashCache:
    """The hash cache of the city whose outputs are in ``out_dir``."""
    return HashCache(out_dir.parent / ".cache" / "hashes" / f"{out_dir.name}.json")


@dataclass
class Manifest:
    """Hashes of inputs and outputs, loaded from and saved to ``manifest.json``."""

    out_dir: Path
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    verified: dict[str, dict] = field(default_factory=dict)  # what verify compared, by hash
    _hashes: HashCache | None = field(default=None, repr=False)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        manifest = cls(out_dir)
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            manifest.inputs = dict(data.get("inputs", {}))
            manifest.outputs = dict(data.get("outputs", {}))
            manifest.verified = dict(data.get("verified", {}))
        except (OSError, ValueError, AttributeError, TypeError):
            pass  # no manifest, or a broken one: everything is rebuilt
        return manifest

    @property
    def hashes(self) -> HashCache:
        if self._hashes is None:
            self._hashes = hash_cache(self.out_dir)
        return self._hashes

    def hash(self, path: Path) -> str:
        """A file's SHA-256 (from the cache when its size, time and inode are unchanged)."""
        return self.hashes.sha256(path)

    def digest(self, files: dict[str, Path], options: str) -> str:
        """One digest over the named files' contents, the package version and the options."""
        h = hashlib.sha256(f"profiles-gen {__version__}\n{options}\n".encode())
        for name in sorted(files):
            h.update(f"{name}\0{self.hash(files[name])}\n".encode())
        self.hashes.save()
        return h.hexdigest()

    def is_fresh(self, output: str, digest: str) -> bool:
        entry = self.outputs.get(output)
        path = self.out_dir / output
        fresh = bool(
            entry
            and entry.get("inputs_digest") == digest
            and path.is_file()
            and self.hash(path) == entry.get("sha256")
        )
        self.hashes.save()
        return fresh

    def record(
        self, output: str, digest: str, files: dict[str, Path], pictures: list | None = None
    ) -> None:
        """``output`` as built from ``files``; ``pictures``: where a PDF's pictures lie on
        its pages (``publish.weasy.picture_boxes``), which ``verify`` leaves out of its text."""
        for name, path in files.items():
            self.inputs[name] = self.hash(path)
        self.outputs[output] = {
            "sha256": self.hash(self.out_dir / output),
            "inputs_digest": digest,
            "inputs": sorted(files),
        }
        if pictures is not None:
            self.outputs[output]["pictures"] = pictures
        self.hashes.save()

    def to_json(self) -> str:
        data = {
            "generator": f"profiles-gen {__version__}",
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        if self.verified:
            data["verified"] = dict(sorted(self.verified.items()))
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def home_digest(out_root: Path, infos: list[dict], pages: list[Path] = ()) -> str:
    """What the site's home pages and shared assets are made of: every built city's edition
    info, the templates, every catalogue, the package and ``pages`` (the site's other pages,
    whose characters the fonts are subset to; hashes from the cache)."""
    cache = HashCache(out_root / ".cache" / "hashes" / "home.json")
    files = {**common_inputs(), **_tree(TEMPLATES_DIR, "templates")}
    files.update(_tree(locales_dir(), "locales", "*/LC_MESSAGES/messages.po"))
    h = hashlib.sha256(f"profiles-gen {__version__}\n".encode())
    h.update(json.dumps(infos, sort_keys=True, ensure_ascii=False).encode())
    for name in sorted(files):
        h.update(f"{name}\0{cache.sha256(files[name])}\n".encode())
    for page in pages:
        h.update(f"{page.relative_to(out_root)}\0{cache.sha256(page)}\n".encode())
    cache.save()
    return h.hexdigest()


def home_is_fresh(out_root: Path, digest: str, pages: list[str]) -> bool:
    stamp = out_root / ".cache" / "home.sha256"
    try:
        recorded = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return recorded == digest and all((out_root / page).is_file() for page in pages)


def record_home(out_root: Path, digest: str) -> None:
    stamp = out_root / ".cache" / "home.sha256"
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_name(f".home.sha256.{os.getpid()}.tmp")
    tmp.write_text(digest + "\n", encoding="utf-8")
    os.replace(tmp, stamp)
