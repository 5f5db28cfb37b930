"""Stage 1, load: read a city or volume folder as it is on disk, with positions.

YAML is read with a safe loader that records the line and column of every
mapping key and value (so later stages can point at ``file:line:col``) and
reports duplicate keys, which PyYAML would otherwise accept silently. Files
with a byte-order mark or CRLF line ends are read as if they had neither.
Markdown chapters are split into front matter and body. A volume's member
cities (the folders its ``members`` list names) are read here too, each with
its own log. Nothing here interprets the data: that is ``validate``'s job.

City folders come from outside, so the loader trusts none of them:

- every file read from a city, volume, narrative, image or template folder
  must be a regular file that, with every link resolved, lies inside that
  folder (``file_problem``); a link leading out, a dangling link, a folder,
  FIFO or device where a file is expected is an error at its path;
- YAML is read with the YAML 1.2 core schema for numbers (``012`` is 12,
  ``1:30`` and ``1_000`` are text; only decimal numbers, so ``0x1F`` and
  ``0o17`` are text too) and booleans ``true``/``false``/``yes``/``no`` (not
  ``on``/``off``/``y``/``n``); only the core tags (strings, numbers, booleans,
  null, dates, mappings and sequences); nesting is bounded to
  ``MAX_DEPTH`` levels and alias expansion to ``MAX_NODES`` nodes; a value
  no constructor can read (a 5000-digit integer, ``2023-02-30``, ``!!float
  abc``) and a byte that is not UTF-8 are errors at their line and column.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.data.folders import SLUG_RE

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


MAX_DEPTH = 64  # levels of nested mappings and sequences
MAX_NODES = 200_000  # nodes of a document once every alias is expanded

# YAML 1.2 core schema, decimal numbers only (see the module's docstring).
_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO)$"),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$"),
    (
        "tag:yaml.org,2002:timestamp",
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
        r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$",
    ),
)
_CORE_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


class _Error(yaml.MarkedYAMLError):
    """A problem found while composing or constructing a document, at its node."""


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping positions; duplicate keys are collected, not merged."""

    yaml_implicit_resolvers: dict = {}

    def __init__(self, stream, path: str, log: IssueLog) -> None:
        super().__init__(stream)
        self.path = path
        self.log = log
        self.depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Error(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_object(self, node, deep=False):
        if node.tag not in _CORE_TAGS:
            raise _Error(None, None, f"the tag {node.tag!r} is not supported", node.start_mark)
        try:
            return yaml.constructor.BaseConstructor.construct_object(self, node, deep=True)
        except yaml.MarkedYAMLError:
            raise
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            ArithmeticError,
        ) as exc:
            shown = node.value if isinstance(node.value, str) else ""
            shown = shown if len(shown) <= 40 else shown[:37] + "…"
            raise _Error(
                None, None, f"{shown!r}: {_reason(node.tag, exc)}", node.start_mark
            ) from None

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

    def construct_int(self, node: yaml.ScalarNode) -> int:
        return int(self.construct_scalar(node))  # decimal only: 012 is 12

    def construct_float(self, node: yaml.ScalarNode) -> float:
        value = self.construct_scalar(node)
        special = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}
        return float(special.get(value.lower(), value))

    def construct_loc_seq(self, node: yaml.SequenceNode):
        data = LocList()
        data.loc = _pos(node)
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=True))
            data.locs.append(_pos(child))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_loc_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_loc_seq)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_float)
for _tag, _pattern in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list("-+0123456789.~nNtTfFyY") + [""])


def _reason(tag: str, exc: Exception) -> str:
    kind = tag.rsplit(":", 1)[-1]
    if kind == "int":
        digits = "digits" in str(exc)
        return "a whole number with too many digits" if digits else "not a whole number"
    if kind == "float":
        return "not a number"
    if kind == "timestamp":
        detail = f" ({exc})" if isinstance(exc, ValueError) else ""
        return f"not a valid date{detail}"
    if kind == "bool":
        return "not yes, no, true or false"
    return f"cannot be read as {kind}"


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a recursive alias, aliases expanding past ``MAX_NODES`` nodes, or nesting
    deeper than ``MAX_DEPTH`` (aliases included)."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
            if depths[key] > MAX_DEPTH:
                raise _Error(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark
                )
            if sizes[key] > MAX_NODES:
                raise _Error(
                    None,
                    None,
                    f"aliases expand to more than {MAX_NODES} values",
                    node.start_mark,
                )
            continue
        if key in sizes:
            continue
        if key in active:
            raise _Error(None, None, "an alias refers to its own anchor", node.start_mark)
        active.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in active:
                raise _Error(None, None, "an alias refers to its own anchor", child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """The same resolvers, constructors and bounds over libyaml's parser: ten times faster
        on valid files; a file it rejects (or whose nesting, aliases or values the bounds
        refuse) is parsed again by ``_Loader`` for its messages and positions."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def __init__(self, stream, path: str, log: IssueLog) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.path = path
            self.log = log

        construct_loc_map = _Loader.construct_loc_map
        construct_loc_seq = _Loader.construct_loc_seq
        construct_object = _Loader.construct_object

        def get_single_node(self):
            node = yaml.cyaml.CParser.get_single_node(self)
            if node is not None:
                _check_expansion(node)  # nesting and aliases: bounded as by _Loader
            return node

    _FastLoader.yaml_constructors = dict(_Loader.yaml_constructors)
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


def read_text(path: Path) -> str:
    """Read UTF-8 text, dropping a byte-order mark and normalising line ends.

    A byte that is not UTF-8 raises ``BadByteError`` with its line and column.
    """
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadByteError(raw, exc) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = NOT_TEXT_RE.search(text)
    if bad:
        raise NotTextError(text, bad.start())
    return text


# What no text may hold: a lone surrogate (half of a UTF-16 pair, which UTF-8 cannot
# encode: a YAML escape such as "\uD800" makes one) and the noncharacters of Unicode
# (U+FDD0–U+FDEF, and the last two code points of every plane, U+FFFE, U+FFFF, …). Later
# stages (fonts, matplotlib, the UTF-8 of every output) cannot handle them.
NOT_TEXT_RE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF))
    + "]"
)


def not_text(text: str) -> str | None:
    """Why ``text`` is not text (``NOT_TEXT_RE``), or None."""
    bad = NOT_TEXT_RE.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a noncharacter"
    return f"U+{code:04X} ({kind}) is not text: remove it"


class BadByteError(ValueError):
    """A byte that is not UTF-8, with the line and column where it stands."""

    def __init__(self, raw: bytes, exc: UnicodeDecodeError) -> None:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        self.line = raw.count(b"\n", 0, exc.start) + 1
        self.col = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        self.message = f"not UTF-8 text: byte 0x{raw[exc.start]:02X} ({exc.reason})"
        super().__init__(self.message)


class NotTextError(BadByteError):
    """A code point that is not a character (``NOT_TEXT_RE``), where it stands."""

    def __init__(self, text: str, offset: int) -> None:
        self.line = text.count("\n", 0, offset) + 1
        self.col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        self.message = not_text(text[offset:]) or "not a character"
        ValueError.__init__(self, self.message)


# --- files from outside ------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def file_problem(path: Path, folder: Path, city_dir: Path | None = None) -> str | None:
    """Why ``path`` may not be read as a file of ``folder``, or None if it may.

    ``folder`` lies (lexically) inside ``city_dir`` (default: ``folder`` itself). With
    every link resolved, ``path`` must be a regular file inside that same folder of the
    city folder, so neither a link nor a linked folder leads anywhere else.
    """
    city_dir = city_dir or folder
    try:
        base = _real(city_dir) / folder.relative_to(city_dir)
    except ValueError:
        base = _real(folder)
    where = "the city folder" if folder == city_dir else f"{folder.name}/"
    real = _real(path)
    if not _inside(real, base):
        return f"a link leading outside {where} (to {real}): copy the file into {where}"
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return "a link to a file that does not exist"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return f"{_kind(info.st_mode)}, not a regular file"
    return None


def folder_files(folder: Path, city_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every file under ``folder`` (never following a link), and those that may not be read.

    Returns the readable regular files and (path, problem) for each other entry.
    """
    good: list[Path] = []
    bad: list[tuple[Path, str]] = []
    if not os.path.lexists(folder):
        return good, bad
    problem = file_problem(folder / ".", folder, city_dir)
    if problem and "outside" in problem:
        return good, [(folder, problem.replace("a link", "a linked folder"))]
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            path = Path(top) / name
            problem = file_problem(path, folder, city_dir)
            if problem is None:
                good.append(path)
            elif not (os.path.islink(path) and os.path.isdir(path) and "outside" not in problem):
                bad.append((path, problem))
    return good, bad


def report_folder(folder: Path, city_dir: Path, log: IssueLog) -> list[Path]:
    good, bad = folder_files(folder, city_dir)
    for path, problem in bad:
        log.error(path, 0, 0, "", problem)
    return good


def read_file_bytes(path: Path, folder: Path, city_dir: Path | None = None) -> bytes:
    """The bytes of a file of ``folder`` checked by ``file_problem``; opened without blocking."""
    problem = file_problem(path, folder, city_dir)
    if problem:
        raise ProfileError([Issue(str(path), 0, 0, "", problem)])
    fd = os.open(_real(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the check
            raise ProfileError([Issue(str(path), 0, 0, "", "not a regular file")])
        return fh.read()


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
            _check_text(data, path, log)
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
        data = loader.get_single_data()
        _check_text(data, path, log)
        return data
    except _Error as exc:
        mark = exc.problem_mark
        log.error(path, mark.line + 1, mark.column + 1, "", f"YAML error: {exc.problem}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        kind = "YAML error" if isinstance(exc, ConstructorError) else "YAML syntax error"
        log.error(path, line, col, "", f"{kind}: {problem}{context}")
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        log.error(path, 1, 1, "", f"YAML error: {exc}")
    except RecursionError:  # pragma: no cover - bounded by MAX_DEPTH
        log.error(path, 1, 1, "", f"YAML error: nested more than {MAX_DEPTH} levels deep")
    finally:
        loader.dispose()
    return None


def _check_text(data, path: str, log: IssueLog, where: tuple[int, int] = (1, 1)) -> None:
    """Every key and string of a document is text (``not_text``): an escape such as
    ``"\\uD800"`` makes what the file's bytes could not hold."""
    if isinstance(data, str):
        problem = not_text(data)
        if problem:
            log.error(path, *where, "", problem)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                key_at = getattr(data, "key_locs", {}).get(key, where)
                problem = not_text(key)
                if problem:
                    log.error(path, *key_at, "", problem)
            _check_text(value, path, log, data.where(key) if isinstance(data, LocDict) else where)
    elif isinstance(data, list):
        for n, value in enumerate(data):
            _check_text(value, path, log, data.where(n) if isinstance(data, LocList) else where)


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
    emblem: Path | None = None  # emblem.svg or emblem.png: the emblem the publisher supplies


@dataclass
class RawMember:
    """A volume's member city as read, with the issues found reading it."""

    raw: RawCity
    issues: tuple[Issue, ...] = ()


def load_yaml_file(
    path: Path, log: IssueLog, required: bool = True, city_dir: Path | None = None
) -> YamlDoc | None:
    if not os.path.lexists(path):
        if required:
            log.error(path, 0, 0, "", "required file is missing")
        return None
    problem = file_problem(path, city_dir or path.parent)
    if problem:
        log.error(path, 0, 0, "", problem)
        return YamlDoc(path, None, failed=True)
    try:
        text = read_text(path)
    except BadByteError as exc:
        log.error(path, exc.line, exc.col, "", exc.message)
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
    except BadByteError as exc:
        log.error(path, exc.line, exc.col, "", exc.message)
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


def load_narrative(folder: Path, log: IssueLog) -> dict[str, list[RawChapter]]:
    """``narrative/<lang>/*.md`` of a city or volume folder."""
    narrative: dict[str, list[RawChapter]] = {}
    ndir = folder / "narrative"
    if not ndir.is_dir():
        return narrative
    files, problems = folder_files(ndir, folder)
    for path, problem in problems:
        log.error(path, 0, 0, "", problem)
    for lang_dir in sorted(p for p in ndir.iterdir() if p.is_dir() and not p.is_symlink()):
        narrative[lang_dir.name] = [
            load_chapter(p, lang_dir.name, log)
            for p in files
            if p.parent == lang_dir and p.suffix == ".md"
        ]
    return narrative


def load_volume(volume_dir: Path, log: IssueLog) -> RawCity:
    """A volume's own files (``volume.yaml``, its narrative) in the shape of a city's, and
    every member folder listed in ``members`` that holds a ``city.yaml``, each read with its
    own log (``validate`` checks the list and reports the members' issues in its place)."""
    doc = load_yaml_file(volume_dir / "volume.yaml", log, city_dir=volume_dir) or YamlDoc(
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
        if "outside" in (file_problem(folder / ".", volume_dir) or ""):
            continue  # a link out of the volume: nothing read there, validate says so
        member_log = IssueLog()
        members[slug] = RawMember(load_city(folder, member_log), tuple(member_log.issues))
    return RawCity(
        volume_dir.name,
        volume_dir,
        doc,
        empty,
        None,
        narrative,
        None,
        members=members,
        emblem=find_picture(volume_dir, "emblem", EMBLEM_SUFFIXES, log),
    )


EMBLEM_SUFFIXES = (".svg", ".png")


def find_picture(folder: Path, stem: str, suffixes: tuple[str, ...], log: IssueLog):
    """``folder/<stem>.<suffix>`` (the first found, in name order), a checked regular file
    inside the folder; a link out of it, or anything but a file, is an error at its path."""
    found = None
    for path in sorted(folder.glob(f"{stem}.*")):
        if path.suffix.lower() not in suffixes:
            continue
        problem = file_problem(path, folder)
        if problem:
            log.error(path, 0, 0, "", problem)
        elif found is None:
            found = path
    return found


def load_city(city_dir: Path, log: IssueLog) -> RawCity:
    """Read every file of a city folder; problems go to ``log``."""

    def load(name: str, required: bool = True) -> YamlDoc | None:
        return load_yaml_file(city_dir / name, log, required, city_dir)

    city_doc = load("city.yaml") or YamlDoc(city_dir / "city.yaml", None, failed=True)
    kpis_doc = load("kpis.yaml") or YamlDoc(city_dir / "kpis.yaml", None, failed=True)
    recs = load("recommendations.yaml", required=False)
    narrative = load_narrative(city_dir, log)
    photo = None
    for path in sorted(city_dir.glob("cover.*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            continue
        problem = file_problem(path, city_dir)
        if problem:
            log.error(path, 0, 0, "", problem)
        elif photo is None:
            photo = path
    for name in ("images", "templates"):  # copied into the edition, or rendered
        report_folder(city_dir / name, city_dir, log)
    earlier = []
    edir = city_dir / "editions"
    if edir.is_dir():
        for year_dir in sorted(p for p in edir.iterdir() if p.is_dir()):
            doc = load_yaml_file(year_dir / "kpis.yaml", log, city_dir=city_dir) or YamlDoc(
                year_dir / "kpis.yaml", None, failed=True
            )
            earlier.append((year_dir.name, doc))
    emblem = find_picture(city_dir, "emblem", EMBLEM_SUFFIXES, log)
    return RawCity(
        city_dir.name, city_dir, city_doc, kpis_doc, recs, narrative, photo, earlier, emblem=emblem
    )


def declared_languages(folder: Path) -> tuple[str, ...] | None:
    """The languages a city's ``city.yaml`` or a volume's ``volume.yaml`` lists, read from
    that file alone and not validated (for a command that reads what a build wrote, such as
    ``verify``); None if the file cannot be read or lists none, so that the caller
    validates the whole folder and reports why."""
    name = "volume.yaml" if (folder / "volume.yaml").is_file() else "city.yaml"
    log = IssueLog()
    doc = load_yaml_file(folder / name, log, city_dir=folder)
    data = doc.data if doc is not None and not doc.failed else None
    langs = data.get("languages") if isinstance(data, dict) else None
    if log.issues or not isinstance(langs, list) or not langs:
        return None
    if not all(isinstance(lang, str) and lang for lang in langs):
        return None
    return tuple(dict.fromkeys(langs))
