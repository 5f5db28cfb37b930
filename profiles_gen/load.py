"""Stage 1, load: read a city or volume folder as it is on disk, with positions.

YAML is read with a safe loader that records the line and column of every
mapping key and value (so later stages can point at ``file:line:col``) and
reports duplicate keys, which PyYAML would otherwise accept silently. Files
with a byte-order mark or CRLF line ends are read as if they had neither.
Markdown chapters are split into front matter and body. A volume's member
cities (the folders its ``members`` list names) are read here too, each with
its own log. Nothing here interprets the data: that is ``validate``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from profiles_gen.errors import Issue, IssueLog, ProfileError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


class LocDict(dict):
    """A mapping that remembers where each key and value stood in its file."""

    loc: tuple[int, int] = (0, 0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locs: dict = {}
        self.key_locs: dict = {}

    def where(self, key) -> tuple[int, int]:
        return self.locs.get(key, self.loc)


class LocList(list):
    loc: tuple[int, int] = (0, 0)

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.locs: list[tuple[int, int]] = []

    def where(self, index: int) -> tuple[int, int]:
        return self.locs[index] if 0 <= index < len(self.locs) else self.loc


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping positions; duplicate keys are collected, not merged."""

    def __init__(self, stream, path: str, log: IssueLog) -> None:
        super().__init__(stream)
        self.path = path
        self.log = log

    def construct_loc_map(self, node: yaml.MappingNode):
        data = LocDict()
        data.loc = _pos(node)
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                line, col = _pos(key_node)
                self.log.error(self.path, line, col, "", "a mapping key must be a plain scalar")
                continue
            if key in data:
                line, col = _pos(key_node)
                first = data.key_locs[key][0]
                self.log.error(
                    self.path, line, col, str(key), f"duplicate key (first defined on line {first})"
                )
                continue
            data[key] = self.construct_object(value_node, deep=True)
            data.locs[key] = _pos(value_node)
            data.key_locs[key] = _pos(key_node)

    def construct_loc_seq(self, node: yaml.SequenceNode):
        data = LocList()
        data.loc = _pos(node)
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=True))
            data.locs.append(_pos(child))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_loc_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_loc_seq)

if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """The same constructors over libyaml's parser: ten times faster on valid files;
        a file it rejects is parsed again by ``_Loader`` for PyYAML's own messages."""

        def __init__(self, stream, path: str, log: IssueLog) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.path = path
            self.log = log

        construct_loc_map = _Loader.construct_loc_map
        construct_loc_seq = _Loader.construct_loc_seq

    _FastLoader.yaml_constructors = {
        **yaml.constructor.SafeConstructor.yaml_constructors,
        "tag:yaml.org,2002:map": _FastLoader.construct_loc_map,
        "tag:yaml.org,2002:seq": _FastLoader.construct_loc_seq,
    }
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


def read_text(path: Path) -> str:
    """Read UTF-8 text, dropping a byte-order mark and normalising line ends."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, path: str, log: IssueLog, line_offset: int = 0):
    """Parse one YAML document; syntax errors and duplicates go to ``log``."""
    if line_offset:
        text = "\n" * line_offset + text
    if _FastLoader is not None:
        scratch = IssueLog()
        fast = _FastLoader(text, path, scratch)
        try:
            data = fast.get_single_data()
        except Exception:  # anything libyaml rejects: PyYAML says why
            pass
        else:
            log.issues += scratch.issues
            return data
        finally:
            fast.dispose()
    try:
        loader = _Loader(text, path, log)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        log.error(path, line, col, "", f"character U+{char:04X} is not allowed in YAML")
        return None
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        log.error(path, line, col, "", f"YAML syntax error: {problem}{context}")
    except (ConstructorError, yaml.YAMLError) as exc:  # pragma: no cover - defensive
        log.error(path, 1, 1, "", f"YAML error: {exc}")
    finally:
        loader.dispose()
    return None


@dataclass
class YamlDoc:
    path: Path
    data: object  # LocDict, LocList, a scalar, or None
    failed: bool = False  # missing, empty or unreadable: already reported


@dataclass
class RawChapter:
    path: Path
    lang: str
    meta: LocDict | None
    body: str
    body_line: int  # 1-based line of the first body line in the file


@dataclass
class RawCity:
    slug: str
    dir: Path
    city: YamlDoc
    kpis: YamlDoc
    recommendations: YamlDoc | None
    narrative: dict[str, list[RawChapter]] = field(default_factory=dict)
    photo: Path | None = None
    earlier: list[tuple[str, YamlDoc]] = field(default_factory=list)  # editions/<year>/kpis.yaml
    members: dict[str, RawMember] = field(default_factory=dict)  # a volume's member cities


@dataclass
class RawMember:
    """A volume's member city as read, with the issues found reading it."""

    raw: RawCity
    issues: tuple[Issue, ...] = ()


def load_yaml_file(path: Path, log: IssueLog, required: bool = True) -> YamlDoc | None:
    if not path.is_file():
        if required:
            log.error(path, 0, 0, "", "required file is missing")
        return None
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        log.error(path, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return YamlDoc(path, None, failed=True)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        log.error(path, 1, 1, "", "file is empty")
        return YamlDoc(path, None, failed=True)
    errors = len(log.issues)
    data = parse_yaml(text, str(path), log)
    return YamlDoc(path, data, failed=data is None and len(log.issues) > errors)


def load_chapter(path: Path, lang: str, log: IssueLog) -> RawChapter:
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        log.error(path, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return RawChapter(path, lang, None, "", 1)
    match = FRONT_MATTER_RE.match(text)
    if not match:
        log.error(
            path, 1, 1, "front matter", "a chapter must start with front matter between '---' lines"
        )
        return RawChapter(path, lang, None, text, 1)
    meta = parse_yaml(match.group(1) or "", str(path), log, line_offset=1)
    body_line = text[: match.end()].count("\n") + 1
    if meta is not None and not isinstance(meta, LocDict):
        log.error(path, 2, 1, "front matter", "front matter must be a mapping of fields")
        meta = None
    if meta is None and not match.group(1):
        meta = LocDict()
        meta.loc = (1, 1)
    return RawChapter(path, lang, meta, text[match.end() :], body_line)


def _holds_city(folder: Path) -> bool:
    return (folder / "city.yaml").is_file() or is_volume(folder)


def resolve_city_dir(city: str, cities_dir: Path) -> Path:
    """A slug under ``cities_dir`` or a path to a city folder."""
    candidate = Path(city)
    if city.strip() != city or not city:
        raise ProfileError(f"{city!r}: a city is a plain name such as 'tbilisi' or a folder path")
    if "/" in city or "\\" in city or city.startswith("."):  # a path, not a slug
        for folder in (candidate, cities_dir / city):  # a path, or volume/member under cities/
            if _holds_city(folder):
                return folder.resolve()
        raise ProfileError(
            f"{city!r}: not a city name (lower-case letters, digits, '-' or '_'), "
            "nor a folder holding city.yaml or volume.yaml"
        )
    if not SLUG_RE.match(city):
        raise ProfileError(
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
        raise ProfileError(
            f"{path}: no such city folder" + (f" (cities: {known})" if known else "")
        )
    return path.resolve()


def load_narrative(folder: Path, log: IssueLog) -> dict[str, list[RawChapter]]:
    """``narrative/<lang>/*.md`` of a city or volume folder."""
    narrative: dict[str, list[RawChapter]] = {}
    ndir = folder / "narrative"
    if ndir.is_dir():
        for lang_dir in sorted(p for p in ndir.iterdir() if p.is_dir()):
            narrative[lang_dir.name] = [
                load_chapter(p, lang_dir.name, log) for p in sorted(lang_dir.glob("*.md"))
            ]
    return narrative


def is_volume(folder: Path) -> bool:
    return (folder / "volume.yaml").is_file()


def load_volume(volume_dir: Path, log: IssueLog) -> RawCity:
    """A volume's own files (``volume.yaml``, its narrative) in the shape of a city's, and
    every member folder listed in ``members`` that holds a ``city.yaml``, each read with its
    own log (``validate`` checks the list and reports the members' issues in its place)."""
    doc = load_yaml_file(volume_dir / "volume.yaml", log) or YamlDoc(
        volume_dir / "volume.yaml", None, failed=True
    )
    empty = YamlDoc(volume_dir / "kpis.yaml", None, failed=True)
    narrative = load_narrative(volume_dir, log)
    members: dict[str, RawMember] = {}
    listed = doc.data.get("members") if isinstance(doc.data, dict) else None
    for slug in listed if isinstance(listed, list) else []:
        folder = volume_dir / slug if isinstance(slug, str) and SLUG_RE.match(slug) else None
        if folder is None or slug in members or not (folder / "city.yaml").is_file():
            continue
        member_log = IssueLog()
        members[slug] = RawMember(load_city(folder, member_log), tuple(member_log.issues))
    return RawCity(volume_dir.name, volume_dir, doc, empty, None, narrative, None, members=members)


def load_city(city_dir: Path, log: IssueLog) -> RawCity:
    """Read every file of a city folder; problems go to ``log``."""
    city_doc = load_yaml_file(city_dir / "city.yaml", log) or YamlDoc(
        city_dir / "city.yaml", None, failed=True
    )
    kpis_doc = load_yaml_file(city_dir / "kpis.yaml", log) or YamlDoc(
        city_dir / "kpis.yaml", None, failed=True
    )
    recs = load_yaml_file(city_dir / "recommendations.yaml", log, required=False)
    narrative = load_narrative(city_dir, log)
    photo = next(
        (
            p
            for p in sorted(city_dir.glob("cover.*"))
            if p.suffix.lower() in (".jpg", ".jpeg", ".png")
        ),
        None,
    )
    earlier = []
    edir = city_dir / "editions"
    if edir.is_dir():
        for year_dir in sorted(p for p in edir.iterdir() if p.is_dir()):
            doc = load_yaml_file(year_dir / "kpis.yaml", log) or YamlDoc(
                year_dir / "kpis.yaml", None, failed=True
            )
            earlier.append((year_dir.name, doc))
    return RawCity(city_dir.name, city_dir, city_doc, kpis_doc, recs, narrative, photo, earlier)
