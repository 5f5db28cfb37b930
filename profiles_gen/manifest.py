"""The build manifest: content hashes of every input and output of a city's build.

``build/<city>/manifest.json`` records, for each output, the SHA-256 of the
output and a digest of exactly the inputs it was built from (data,
narrative of its language, templates, its catalogue, fonts, the package's
code and version, the build options). A later build skips an output whose
inputs digest is unchanged and whose file is still the one recorded, so an
unchanged rebuild writes nothing and an edit to ``narrative/ru/`` rebuilds
only the Russian editions. The same file lets a publisher show that an
archived PDF came from the archived data.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from profiles_gen import __version__
from profiles_gen.i18n import PSEUDO, locales_dir, po_path
from profiles_gen.paths import PACKAGE_DIR, TEMPLATES_DIR

MANIFEST = "manifest.json"


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
    from profiles_gen.targets import ENV_VAR, PROJECT_TARGETS

    files = {
        name: path
        for name, path in _tree(PACKAGE_DIR, "package", "**/*").items()
        if not name.startswith(("package/templates/", "package/locales/", "package/target_sets/"))
    }
    files.update(_tree(PROJECT_TARGETS, "targets", "*.yaml"))
    for n, text in enumerate(t for t in os.environ.get(ENV_VAR, "").split(os.pathsep) if t):
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
    return {**files, **_presentation_inputs(lang)}


def _presentation_inputs(lang: str) -> dict[str, Path]:
    """What every edition in ``lang`` is laid out and worded with: templates, its catalogue."""
    files = _tree(TEMPLATES_DIR, "templates")
    if lang == PSEUDO:
        files["locales/messages.pot"] = locales_dir() / "messages.pot"
    elif lang != "en" and po_path(lang).is_file():
        files[f"locales/{lang}/LC_MESSAGES/messages.po"] = po_path(lang)
    return files


@dataclass
class Manifest:
    """Hashes of inputs and outputs, loaded from and saved to ``manifest.json``."""

    out_dir: Path
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    _cache: dict[Path, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        manifest = cls(out_dir)
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            manifest.inputs = dict(data.get("inputs", {}))
            manifest.outputs = dict(data.get("outputs", {}))
        except (OSError, ValueError, AttributeError):
            pass  # no manifest, or a broken one: everything is rebuilt
        return manifest

    def hash(self, path: Path) -> str:
        if path not in self._cache:
            self._cache[path] = sha256_file(path)
        return self._cache[path]

    def digest(self, files: dict[str, Path], options: str) -> str:
        """One digest over the named files' contents, the package version and the options."""
        h = hashlib.sha256(f"profiles-gen {__version__}\n{options}\n".encode())
        for name in sorted(files):
            h.update(f"{name}\0{self.hash(files[name])}\n".encode())
        return h.hexdigest()

    def is_fresh(self, output: str, digest: str) -> bool:
        entry = self.outputs.get(output)
        path = self.out_dir / output
        return bool(
            entry
            and entry.get("inputs_digest") == digest
            and path.is_file()
            and sha256_file(path) == entry.get("sha256")
        )

    def record(self, output: str, digest: str, files: dict[str, Path]) -> None:
        for name, path in files.items():
            self.inputs[name] = self.hash(path)
        self.outputs[output] = {
            "sha256": sha256_file(self.out_dir / output),
            "inputs_digest": digest,
            "inputs": sorted(files),
        }

    def to_json(self) -> str:
        data = {
            "generator": f"profiles-gen {__version__}",
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
