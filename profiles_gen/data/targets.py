"""Target sets: the yardsticks KPI values are scored against, as data with provenance.

A set is a YAML file ``targets/<set>.yaml`` (see ``targets/default.yaml``):
each entry names a KPI (and a data point), the target, its ``kind`` (where the
number comes from), the ``source`` page that sets it (title and URL), a
``note`` on how the number follows from the source and the reader-facing
source line per language (``text``); ``without`` lists the KPIs left without a
target, each with the reason.

A publication chooses its sets (``targets: [default, …]`` in ``city.yaml`` or
``volume.yaml``); later sets win, and a city's own ``target`` in ``kpis.yaml``
wins over every set. A set named N is looked up, first found wins, in the
city's folder ``targets/N.yaml``, its volume's ``targets/``, every folder of
the ``PROFILES_GEN_TARGETS`` environment variable (``os.pathsep``-separated;
the place for a set kept out of a public repository) and the project's
``targets/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.core.paths import PROJECT_TARGETS, TARGETS_ENV_VAR
from profiles_gen.data.catalogue import resolve_kpi_id
from profiles_gen.data.load import load_yaml_file
from profiles_gen.data.model import TARGET_KINDS, Catalogue, Text
from profiles_gen.data.schema import LANG_RE, Checker, F
from profiles_gen.data.workbook import open_workbook, sheet_rows

ENV_VAR = TARGETS_ENV_VAR  # and PROJECT_TARGETS: core.paths
DEFAULT_SETS = ("default",)
SET_NAME_RE = r"^[a-z0-9][a-z0-9_-]*$"
KINDS = TARGET_KINDS
# The kind of a city's own target in kpis.yaml when it does not say (``target_kind``).
CITY_SET = "city"

SOURCE = F(
    "record",
    "The page that sets the target",
    fields={
        "title": F("str", "Title of the document or page", required=True),
        "url": F("str", "Address of the page read (public sets: required)", pattern=r"^https?://"),
    },
)
ENTRY = F(
    "record",
    "One target",
    fields={
        "kpi": F("str", "KPI id or official code", required=True),
        "data_point": F("str", "Data point id, for KPIs reported per data point"),
        "target": F("value", "The target, in the KPI's unit (yes for yes/no KPIs)", required=True),
        "direction": F(
            "enum",
            "The KPI's direction, for the record: must equal the catalogue's",
            choices=("higher", "lower", "yes_no"),
        ),
        "kind": F("enum", "Where the number comes from", required=True, choices=KINDS),
        "source": SOURCE,
        "note": F(
            "text", "How the number follows from the source (text, or per language)", required=True
        ),
        "text": F("langtext", "The source line readers see, per language", required=True),
    },
)
WITHOUT = F(
    "record",
    "A KPI (or data point) left without a target",
    fields={
        "kpi": F("str", "KPI id or official code", required=True),
        "data_point": F("str", "Data point id"),
        "reason": F("text", "Why no target is set (text, or per language)", required=True),
    },
)
TARGETS_FILE = F(
    "record",
    "A target set",
    fields={
        "title": F("langtext", "Name of the set per language", required=True),
        "description": F("str", "What the set is for"),
        "targets": F("list", "The targets", required=True, items=ENTRY),
        "without": F("list", "KPIs left without a target, with the reason", items=WITHOUT),
    },
)


@dataclass(frozen=True)
class Target:
    kpi: str
    data_point: str | None
    value: Decimal | bool
    kind: str
    set: str
    title: str  # the source document's own title
    url: str | None
    text: dict[str, str]  # the reader-facing source line per language
    note: Text | None = None  # English unless given per language; str() is the English
    line: int = 0

    def source_text(self, lang: str) -> str:
        return self.text.get(lang) or self.text.get("en") or self.title


@dataclass(frozen=True)
class TargetSet:
    name: str
    path: Path
    title: dict[str, str]
    targets: dict[tuple[str, str | None], Target]
    without: dict[tuple[str, str | None], Text] = field(default_factory=dict)  # the reasons

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.name


@dataclass(frozen=True)
class Targets:
    """The merged targets of a publication: ``(kpi, data_point) -> Target``."""

    sets: tuple[TargetSet, ...]
    table: dict[tuple[str, str | None], Target]

    def get(self, kpi: str, data_point: str | None) -> Target | None:
        return self.table.get((kpi, data_point))


EMPTY = Targets((), {})


def check_target(kpi, point, value, direction: str | None = None) -> str | None:
    """What is wrong with ``value`` as a target of ``kpi`` (and data point), or None.

    Shared by set files, workbooks and city files: a target of 0 on a higher-is-better KPI
    is an error (nothing reaches more than 0 % of it); a direction that differs from the
    catalogue's is an error, not an override.
    """
    kpi_dir = point.direction if point else kpi.direction
    if kpi_dir is None:
        return f"{kpi.id} {point.id if point else ''} is not scored (no agreed direction)".strip()
    if direction is not None and direction != kpi_dir:
        return (
            f"direction {direction} differs from the catalogue's ({kpi_dir}) for {kpi.id}: "
            "a target set cannot change a KPI's direction"
        )
    if kpi_dir == "yes_no":
        if value is not True:
            return f"{kpi.id} is a yes/no KPI: its target is yes"
        return None
    if isinstance(value, bool):
        return f"expected a number in {kpi.unit!r}, got yes/no"
    if value < 0:
        return f"a target must not be negative, got {value}"
    if value == 0 and kpi_dir == "higher":
        return f"a target of 0 on a higher-is-better KPI ({kpi.id}) cannot be reached by less"
    if kpi.unit.startswith("%") and value > 100:
        return f"a percentage target must be at most 100, got {value}"
    return None


def _key(chk: Checker, rec, catalogue: Catalogue, name: str, need_point: bool = True):
    """Resolve an entry's KPI and data point; report and return None when unknown."""
    kpi_id, _ = resolve_kpi_id(catalogue, str(rec.get("kpi", "")))
    if kpi_id is None:
        chk.error(rec.where("kpi"), f"{name}.kpi", f"unknown KPI {rec.get('kpi')!r}")
        return None
    kpi = catalogue.by_id[kpi_id]
    dp_id = rec.get("data_point")
    if dp_id is not None:
        dp_id = str(dp_id)
        if kpi.data_point(dp_id) is None:
            known = ", ".join(p.id for p in kpi.data_points) or "none"
            chk.error(
                rec.where("data_point"),
                f"{name}.data_point",
                f"{kpi.id} has no data point {dp_id!r} (it has: {known})",
            )
            return None
    elif kpi.data_points and need_point:
        known = ", ".join(p.id for p in kpi.data_points)
        chk.error(
            rec.loc, f"{name}.data_point", f"{kpi.id} is scored per data point ({known}): name one"
        )
        return None
    return kpi, dp_id


def load_set(path: Path, catalogue: Catalogue, log: IssueLog, langs=()) -> TargetSet | None:
    """Read and check one set file; every problem goes to ``log`` with its position."""
    doc = load_yaml_file(path, log)
    if doc is None or doc.failed:
        return None
    chk = Checker(path, log)
    data = chk.check(doc.data, TARGETS_FILE, getattr(doc.data, "loc", (1, 1)), "")
    if not data:
        return None
    name = path.stem
    targets: dict[tuple[str, str | None], Target] = {}
    without: dict[tuple[str, str | None], Text] = {}
    raw_entries = doc.data.get("targets") if hasattr(doc.data, "get") else None
    for n, rec in enumerate(data.get("targets", [])):
        where = f"targets[{n}]"
        if not {"kpi", "target", "kind", "note", "text"} <= rec.keys():
            continue  # already reported as missing
        found = _key(chk, rec, catalogue, where)
        if found is None:
            continue
        kpi, dp_id = found
        point = kpi.data_point(dp_id) if dp_id else None
        problem = check_target(kpi, point, rec["target"], rec.get("direction"))
        if problem:
            chk.error(rec.where("target"), f"{where}.target", problem)
            continue
        if "en" not in rec["text"]:
            chk.error(rec.where("text"), f"{where}.text", "the English source line (en) is missing")
        for lang in langs:
            if lang not in rec["text"]:
                chk.error(
                    rec.where("text"),
                    f"{where}.text",
                    f"the {lang!r} source line is missing (a publication in {lang} uses this set)",
                )
        key = (kpi.id, dp_id)
        line = raw_entries.where(n)[0] if hasattr(raw_entries, "where") else rec.loc[0]
        if key in targets:
            chk.error(
                rec.loc,
                where,
                f"{kpi.id}{' ' + dp_id if dp_id else ''} has a target already "
                f"(line {targets[key].line})",
            )
            continue
        source = rec.get("source") or {}
        targets[key] = Target(
            kpi=kpi.id,
            data_point=dp_id,
            value=rec["target"],
            kind=rec["kind"],
            set=name,
            title=source.get("title", ""),
            url=source.get("url"),
            text=dict(rec["text"]),
            note=rec.get("note"),
            line=line,
        )
        if "source" not in rec:
            chk.error(
                rec.loc, f"{where}.source", "no source, no target: name the page that sets it"
            )
    for n, rec in enumerate(data.get("without", [])):
        where = f"without[{n}]"
        if "kpi" not in rec:
            continue
        found = _key(chk, rec, catalogue, where, need_point=False)
        if found is None:
            continue
        kpi, dp_id = found
        key = (kpi.id, dp_id)
        if key in targets or (dp_id is None and any(k[0] == kpi.id for k in targets)):
            chk.error(rec.loc, where, f"{kpi.id} has a target in this set and is listed without")
            continue
        without[key] = rec.get("reason") or Text({"en": ""})
    return TargetSet(name, path, dict(data.get("title", {})), targets, without)


def search_dirs(city_dir: Path | None) -> list[Path]:
    """Where sets are looked up, first found wins (see the module's docstring)."""
    dirs = []
    if city_dir is not None:
        dirs.append(city_dir / "targets")
        if (city_dir.parent / "volume.yaml").is_file():
            dirs.append(city_dir.parent / "targets")
    for text in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if text.strip():
            dirs.append(Path(text.strip()))
    dirs.append(PROJECT_TARGETS)
    return dirs


def find_set(name: str, dirs: list[Path]) -> Path | None:
    for folder in dirs:
        path = folder / f"{name}.yaml"
        if path.is_file():
            return path
    return None


def available_sets(dirs: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def load_targets(
    names,
    city_dir: Path | None,
    catalogue: Catalogue,
    log: IssueLog,
    where: tuple = (None, 1, 1),
    langs=(),
) -> Targets:
    """The sets ``names``, checked and merged (later sets win); problems go to ``log``.

    ``where`` is the (path, line, col) of the ``targets`` key that names them.
    """
    dirs = search_dirs(city_dir)
    sets = []
    for name in names:
        path = find_set(name, dirs)
        if path is None:
            known = ", ".join(available_sets(dirs)) or "none"
            log.error(
                where[0] or "",
                where[1],
                where[2],
                "targets",
                f"no target set {name!r} (looked in {', '.join(str(d) for d in dirs)}; "
                f"sets: {known})",
            )
            continue
        key = (path.resolve(), path.stat().st_mtime_ns, id(catalogue), tuple(langs))
        if key not in _CACHE:
            set_log = IssueLog()
            _CACHE[key] = (load_set(path, catalogue, set_log, langs), set_log)
        loaded, set_log = _CACHE[key]
        log.issues += set_log.issues
        if loaded is not None:
            sets.append(loaded)
    table: dict[tuple[str, str | None], Target] = {}
    for s in sets:
        table.update(s.targets)
    return Targets(tuple(sets), table)


_CACHE: dict = {}  # (path, mtime, catalogue, langs) -> (TargetSet | None, IssueLog)


def targets_for(city, catalogue: Catalogue) -> Targets:
    """The merged targets of a validated city (its sets were checked on validation)."""
    names = getattr(city, "targets", DEFAULT_SETS)
    log = IssueLog()
    # With the city's languages, as ``validate`` read them: the same entry of the cache, so
    # that a build parses each set file once.
    langs = tuple(getattr(city, "languages", ()) or ())
    merged = load_targets(names, getattr(city, "dir", None), catalogue, log, langs=langs)
    if any(i.severity == "error" for i in log.issues):
        raise ProfileError(log.issues)
    return merged


def coverage(target_set: TargetSet, catalogue: Catalogue) -> dict:
    """How many KPIs and scored items of the catalogue ``target_set`` gives a target."""
    items = [(k.id, p.id) for k in catalogue.kpis for p in k.data_points] + [
        (k.id, None) for k in catalogue.kpis if not k.data_points
    ]
    with_target = {k for k, _ in target_set.targets}
    return {
        "kpis": len(catalogue.kpis),
        "kpis_with_target": len(with_target),
        "items": len(items),
        "items_with_target": sum(1 for i in items if i in target_set.targets),
        "kpis_without": [k.id for k in catalogue.kpis if k.id not in with_target],
    }


def is_lang(code: str) -> bool:
    return bool(LANG_RE.match(code))


# --- a workbook into a set file (profiles-gen targets import) ----------------------------

WORKBOOK_COLUMNS = ("code", "data_point", "target", "source", "url", "kind", "note")


MAX_ROWS = 5000  # a set has one row per target: the framework has about 150
MAX_COLUMNS = 60


def import_workbook(path: Path, catalogue: Catalogue, set_name: str) -> dict:
    """A set file's mapping read from a workbook: one target per row, under a header row
    ``code, data_point, target, source, kind`` (optional: ``url``, ``note``, ``text_en``,
    ``text_ru``, … one column per language of the source line). Every bad cell is reported
    at once as ``FILE:SHEET!B7``; nothing is returned on error."""
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is read

    book = open_workbook(path)
    sheet = book["Targets"] if "Targets" in book.sheetnames else book.worksheets[0]
    try:
        where = f"{path}:{sheet.title}"
        rows = list(sheet_rows(sheet, MAX_ROWS, where, MAX_COLUMNS, values_only=True))
    finally:
        book.close()
    header = [str(c).strip().lower() if c is not None else "" for c in (rows[0] if rows else ())]
    missing = [n for n in ("code", "target", "source", "kind") if n not in header]
    if missing:
        raise ProfileError(
            f"{path}:{sheet.title}!1: error: header: missing column(s) {', '.join(missing)} "
            f"(expected: {', '.join(WORKBOOK_COLUMNS)}, text_en, text_ru, …)"
        )
    index = {name: i for i, name in enumerate(header) if name}
    issues: list[Issue] = []
    entries: list[dict] = []
    seen: dict[tuple, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        cells = {name: row[i] if i < len(row) else None for name, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue

        def where(name, r=r):
            col = get_column_letter(index.get(name, 0) + 1)
            return (f"{path}:{sheet.title}!{col}{r}", 0, 0)

        def bad(name, message, where=where):
            issues.append(Issue(*where(name), name, message))

        kpi_id, _ = resolve_kpi_id(catalogue, str(cells.get("code") or ""))
        if kpi_id is None:
            bad("code", f"unknown KPI code {cells.get('code')!r}")
            continue
        kpi = catalogue.by_id[kpi_id]
        dp_id = str(cells.get("data_point") or "").strip() or None
        point = kpi.data_point(dp_id) if dp_id else None
        if dp_id and point is None:
            known = ", ".join(p.id for p in kpi.data_points) or "none"
            bad("data_point", f"{kpi.code} has no data point {dp_id!r} (it has: {known})")
            continue
        if kpi.data_points and point is None:
            known = ", ".join(p.id for p in kpi.data_points)
            bad(
                "data_point" if "data_point" in index else "code",
                f"{kpi.code} needs one of {known}",
            )
            continue
        raw = cells.get("target")
        value = None
        direction = point.direction if point else kpi.direction
        if raw is True or str(raw).strip().lower() in ("yes", "true"):
            value = True
        elif isinstance(raw, (int, float)):
            value = Decimal(str(raw))
        else:
            try:
                value = Decimal(str(raw).strip().replace(",", "."))
            except Exception:
                bad("target", f"expected a number (or yes), got {raw!r}")
                continue
        problem = check_target(kpi, point, value)
        if problem:
            bad("target", problem)
            continue
        kind = str(cells.get("kind") or "").strip()
        if kind not in KINDS:
            bad("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
            continue
        source = str(cells.get("source") or "").strip()
        if not source:
            bad("source", "no source, no target: name the document that sets it")
            continue
        url = str(cells.get("url") or "").strip()
        if url and not url.startswith(("http://", "https://")):
            bad("url", f"expected an http(s) address, got {url!r}")
            continue
        key = (kpi.id, dp_id)
        if key in seen:
            bad(
                "code", f"{kpi.code}{' ' + dp_id if dp_id else ''} is given twice (row {seen[key]})"
            )
            continue
        seen[key] = r
        text = {
            name[5:]: str(cells[name]).strip()
            for name in index
            if name.startswith("text_") and is_lang(name[5:]) and cells.get(name)
        }
        entry: dict = {"kpi": kpi.id}
        if dp_id:
            entry["data_point"] = dp_id
        number = value
        if value is not True:
            number = int(value) if value == value.to_integral_value() else float(value)
        entry.update(
            target=number,
            direction=direction,
            kind=kind,
            source={"title": source, **({"url": url} if url else {})},
            note=str(cells.get("note") or "").strip() or f"Imported from {path.name}, row {r}.",
            text=text or {"en": source},
        )
        entries.append(entry)
    if issues:
        raise ProfileError(issues)
    return {"title": {"en": set_name}, "targets": entries}
