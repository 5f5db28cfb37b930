"""Stage 2, validate: check a loaded city or volume against the schema and the catalogue.

Every problem of every file is collected with its position; the stage then
fails once, listing them all (``ProfileError``), or returns a typed ``City``
(or a ``Volume`` holding its members' ``City`` values). It reads no file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from decimal import Decimal

from profiles_gen.core.bands import band_for
from profiles_gen.core.errors import IssueLog, ProfileError
from profiles_gen.data import narrative
from profiles_gen.data.catalogue import resolve_kpi_id
from profiles_gen.data.load import (
    LocDict,
    RawChapter,
    RawCity,
    YamlDoc,
    file_problem,
    load_city,
    load_yaml_file,
)
from profiles_gen.data.markup import check_svg_files
from profiles_gen.data.model import (
    Catalogue,
    Chapter,
    City,
    Evaluation,
    KeyFact,
    KpiRecord,
    Measurement,
    Performance,
    Publication,
    Recommendation,
    Scoring,
    Text,
    Volume,
    achievement,
)
from profiles_gen.data.sandbox import check_templates
from profiles_gen.data.schema import (
    CITY_FILE,
    FRONT_MATTER,
    KEY_FACT_IDS,
    KPIS_FILE,
    RECOMMENDATIONS_FILE,
    VOLUME_FILE,
    Checker,
    RecordValue,
)
from profiles_gen.data.targets import DEFAULT_SETS, load_targets

YEAR_NEEDED = (
    "the value needs the year it refers to: give its year, or data_year in city.yaml for "
    "every value that has none"
)


def _need_year(chk: Checker, where, name: str, year_rule) -> None:
    """A value (or key fact) without a year: an error for official data, a warning for
    illustrative data (``validate --strict`` fails on it); none where ``data_year`` gives
    it, or where no rule applies (an earlier edition)."""
    if year_rule is None or year_rule[1] is not None:
        return
    if year_rule[0] == "official":
        chk.error(where, name, YEAR_NEEDED)
    else:
        chk.warning(where, name, YEAR_NEEDED)


def _measurement(
    rec: RecordValue,
    kpi,
    dp,
    chk: Checker,
    name: str,
    latest_year: tuple[int, int],
    year_rule: tuple[str, int | None] | None = None,
) -> Measurement:
    # A data point is checked by its own unit and direction (Open Data's number is a count).
    direction = kpi.direction_of(dp)
    unit = kpi.unit_of(dp)
    if rec.get("status") == "not_reported":  # one data point not reported, alone
        if "value" in rec:
            chk.error(
                rec.where("value"),
                f"{name}.value",
                "a data point with status not_reported must not have a value",
            )
        if "reason" not in rec:
            chk.warning(rec.loc, f"{name}.reason", "say why the data point is not reported")
        return Measurement(None, None, None, not_reported=True, reason=rec.get("reason"))
    if "reason" in rec:
        chk.warning(
            rec.where("reason"), f"{name}.reason", "a reason is shown only with not_reported"
        )
    value = rec.get("value")
    if value is not None:
        if direction == "yes_no" and not isinstance(value, bool):
            chk.error(
                rec.where("value"),
                f"{name}.value",
                f"{kpi.id} is a yes/no KPI: expected yes or no, got {value}",
            )
            value = None
        elif direction != "yes_no" and isinstance(value, bool):
            chk.error(
                rec.where("value"),
                f"{name}.value",
                f"expected a number in {unit!r}, got yes/no",
            )
            value = None
        elif isinstance(value, Decimal) and value < 0:
            chk.error(rec.where("value"), f"{name}.value", f"must not be negative, got {value}")
            value = None
        elif isinstance(value, Decimal) and unit.startswith("%") and value > 100:
            chk.error(
                rec.where("value"),
                f"{name}.value",
                f"a percentage must be at most 100, got {value}",
            )
            value = None
    if value is not None and not isinstance(value, bool):
        problem = _implausible(unit, value)
        if problem:
            chk.error(rec.where("value"), f"{name}.value", problem)
            value = None
    target = rec.get("target")
    if isinstance(target, Decimal) and direction in ("higher", "lower"):
        problem = _target_problem(kpi, direction, target, unit)
        if problem:
            chk.error(rec.where("target"), f"{name}.target", problem)
            target = None
    year = rec.get("year")
    if year is not None and year > latest_year[0]:
        chk.error(rec.where("year"), f"{name}.year", f"year {year} is in the future")
    elif year is not None and year > latest_year[1]:
        chk.error(
            rec.where("year"),
            f"{name}.year",
            f"year {year} is after the evaluation year {latest_year[1]}",
        )
    if "target" in rec and "target_source" not in rec:
        chk.error(
            rec.where("target"),
            f"{name}.target",
            "a target needs a target_source saying where it comes from",
        )
    if "target_source" in rec and "target" not in rec:
        chk.warning(
            rec.where("target_source"),
            f"{name}.target_source",
            "target_source without a target is ignored",
        )
    if value is not None and "source" not in rec:
        chk.warning(rec.where("value"), f"{name}.source", "a value should name its source")
    if "value" in rec and "year" not in rec:
        _need_year(chk, rec.where("value"), f"{name}.year", year_rule)
    return Measurement(
        value=value,
        year=year,
        source=rec.get("source"),
        target=target,
        target_source=rec.get("target_source") if target is not None else None,
        note=rec.get("note"),
        illustrative=rec.get("illustrative", False),
        definition=rec.get("definition"),
        quality=rec.get("quality"),
        verified=rec.get("verified"),
        origin=rec.get("origin"),
        target_kind=rec.get("target_kind"),
        performance=_performance(rec, chk, name, value),
    )


def _performance(rec: RecordValue, chk: Checker, name: str, value) -> Performance | None:
    """The workbook's benchmark performance of a value: a per cent, a band, or both (agreeing)."""
    given = rec.get("benchmark_performance")
    if given is None:
        return None
    where = rec.where("benchmark_performance")
    field = f"{name}.benchmark_performance"
    if "value" not in rec:
        chk.error(where, field, "a benchmark performance needs the value it scores")
        return None
    percent, band = given.get("percent"), given.get("band")
    if percent is None and band is None:
        if not given.failed:
            chk.error(where, field, "give percent, band or both")
        return None
    share = percent / 100 if percent is not None else None
    if share is not None:
        own = band_for(min(share, Decimal(1)))
        if band is not None and band != own:
            chk.error(
                given.where("band"),
                f"{field}.band",
                f"{percent} % of the benchmark is in the band {own}, not {band}",
            )
            return None
    return Performance(share, band) if value is not None else None


LARGEST = Decimal("1e12")  # no KPI of the framework comes near: a typo, or a unit mixed up


def _ceiling(unit: str) -> Decimal:
    """The largest plausible value in a KPI's (or data point's) unit (percentages and ratios
    are bounded)."""
    if unit.startswith("%"):
        return Decimal(100)
    if "(0–1)" in unit:
        return Decimal(1)
    return LARGEST


def _shown(number: Decimal) -> str:
    return f"{int(number):,}".replace(",", " ")


def _implausible(unit: str, value: Decimal) -> str | None:
    if value > _ceiling(unit):
        what = "a percentage" if unit.startswith("%") else f"a value in {unit!r}"
        return f"{what} must be at most {_shown(_ceiling(unit))}, got {value}"
    return None


def _target_problem(kpi, direction: str, target: Decimal, unit: str) -> str | None:
    if direction == "higher" and target <= 0:
        return f"{kpi.id} is higher-is-better: its target must be above 0, got {target}"
    if target < 0:
        return f"a target must not be negative, got {target}"
    if target > _ceiling(unit):
        return f"a target must be at most {_shown(_ceiling(unit))}, got {target}"
    return None


NON_NEGATIVE_FACTS = ("population", "area", "population_density", "gdp_per_capita", "households")


def _check_facts(city, data, chk: Checker) -> None:
    """Key facts within plausible bounds (elevation and temperature may be negative)."""
    raw_facts = data.get("key_facts") if hasattr(data, "get") else None
    for fact, entry in city.get("key_facts", {}).items():
        value = entry.get("value") if hasattr(entry, "get") else None
        if not isinstance(value, Decimal):
            continue
        where = raw_facts[fact].where("value") if hasattr(raw_facts[fact], "where") else (1, 1)
        if abs(value) > LARGEST:
            chk.error(
                where, f"key_facts.{fact}.value", f"must be at most {_shown(LARGEST)}, got {value}"
            )
        elif fact in NON_NEGATIVE_FACTS and value < 0:
            chk.error(where, f"key_facts.{fact}.value", f"must not be negative, got {value}")


def _kpi_record(
    kpi, rec: RecordValue, chk: Checker, latest_year: tuple[int, int], year_rule=None
) -> KpiRecord:
    name = kpi.id
    line = rec.loc[0]
    if rec.get("status") == "not_reported":
        for key in ("value", "data_points"):
            if key in rec:
                chk.error(
                    rec.where(key),
                    f"{name}.{key}",
                    "a KPI with status not_reported must not have a value",
                )
        if "reason" not in rec:
            chk.warning(rec.loc, f"{name}.reason", "say why the KPI is not reported")
        return KpiRecord(kpi.id, None, {}, True, rec.get("reason"), line)
    if kpi.data_points:
        if "value" in rec:
            points = ", ".join(p.id for p in kpi.data_points)
            chk.error(
                rec.where("value"),
                f"{name}.value",
                f"{kpi.id} is reported per data point ({points}): use data_points",
            )
        points = {}
        for dp_id, dp_rec in rec.get("data_points", {}).items():
            dp = kpi.data_point(dp_id)
            where = rec["data_points"].where(dp_id)
            if dp is None:
                known = ", ".join(p.id for p in kpi.data_points)
                chk.error(
                    where,
                    f"{name}.data_points.{dp_id}",
                    f"{kpi.id} has no data point {dp_id!r} (it has: {known})",
                )
                continue
            points[dp_id] = _measurement(
                dp_rec, kpi, dp, chk, f"{name}.data_points.{dp_id}", latest_year, year_rule
            )
        return KpiRecord(kpi.id, None, points, False, None, line)
    if "data_points" in rec:
        chk.error(
            rec.where("data_points"),
            f"{name}.data_points",
            f"{kpi.id} has no data points: give its value directly",
        )
    if "value" not in rec and "value" not in rec.failed:
        chk.error(
            rec.loc,
            f"{name}.value",
            "required field is missing (or set status: not_reported with a reason)",
        )
    return KpiRecord(
        kpi.id,
        _measurement(rec, kpi, None, chk, name, latest_year, year_rule),
        {},
        False,
        None,
        line,
    )


def validate_kpis(
    doc: YamlDoc,
    catalogue: Catalogue,
    log: IssueLog,
    latest_year: tuple[int, int],
    warn_missing: bool = True,
    lang: str = "en",
    year_rule: tuple[str, int | None] | None = None,
) -> dict[str, KpiRecord]:
    """The records of a ``kpis.yaml``; ``year_rule`` (the city's data status and data year)
    makes a value without a year an error (official data) or a warning (illustrative)."""
    chk = Checker(doc.path, log, lang, getattr(doc, "text", None))
    if doc.failed:
        _hint_unquoted_codes(doc, log)
        return {}
    if doc.data is None:  # an empty kpis.yaml: a city with nothing reported yet
        if warn_missing:
            chk.warning(
                (1, 1), "", f"no KPI reported yet: all {len(catalogue.kpis)} are shown as no data"
            )
        return {}
    checked = chk.check(
        doc.data, KPIS_FILE, doc.data.loc if hasattr(doc.data, "loc") else (1, 1), ""
    )
    if checked is None:
        return {}
    # The map checker keeps raw positions in the loaded document.
    records: dict[str, KpiRecord] = {}
    for key, rec in checked.items():
        kpi_id, alias = resolve_kpi_id(catalogue, str(key))
        where = doc.data.key_locs[key]
        if kpi_id is None:
            close = difflib.get_close_matches(str(key).upper(), list(catalogue.by_id), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            chk.error(where, str(key), f"unknown KPI id{hint}")
            continue
        if alias:
            chk.warning(where, str(key), f"{key!r} is an alias: write {kpi_id}")
        if kpi_id in records:
            chk.error(where, str(key), f"{kpi_id} is given twice")
            continue
        records[kpi_id] = _kpi_record(catalogue.by_id[kpi_id], rec, chk, latest_year, year_rule)
    missing = [k.id for k in catalogue.kpis if k.id not in records]
    if missing and warn_missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        chk.warning(
            (1, 1),
            "",
            f"{len(missing)} KPI(s) of the catalogue are missing and shown "
            f"as no data ({shown}); add them with status: not_reported and a reason",
        )
    return records


_REPORT_CODE_RE = re.compile(
    r"^\s*([A-Z]{2})\s*:\s*([A-Z]{1,3})\s*:\s*([A-Z]{1,3})\s*:\s*([0-9]+[A-Z]?)\s*:"
)


def _hint_unquoted_codes(doc: YamlDoc, log: IssueLog) -> None:
    """A KPI code written as in the reports, unquoted (``SC: SH: SI: 1C:``), is a YAML
    syntax error: say how to write it."""
    try:
        lines = doc.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    for n, issue in enumerate(log.issues):
        if issue.path != str(doc.path) or "YAML syntax error" not in issue.message:
            continue
        line = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
        match = _REPORT_CODE_RE.match(line)
        if match:
            code = ": ".join(match.groups())
            log.issues[n] = dataclasses.replace(
                issue,
                message=f"{issue.message}; a KPI code written as in the reports must be "
                f'quoted ("{code}":), or write {"-".join(match.groups())}',
            )


def _empty_kpis(raw: RawCity, log: IssueLog) -> None:
    """An empty ``kpis.yaml`` is a city with nothing reported yet (a warning, not an error)."""
    path = str(raw.kpis.path)
    empty = [i for i in log.issues if i.path == path and i.message == "file is empty"]
    if raw.kpis.failed and empty:
        log.issues = [i for i in log.issues if i not in empty]
        raw.kpis = YamlDoc(raw.kpis.path, None, failed=False)


def missing_texts(city: City) -> list[tuple[str, str, int]]:
    """Data texts without a version in one of the city's languages: (lang, file, count)."""
    return _missing_texts(
        city.languages,
        city.dir,
        city.records,
        [fact.source for fact in city.key_facts],
        city.recommendations,
    )


def _missing_texts(langs, folder, records, fact_sources, recommendations):
    """``missing_texts`` of the parts of a city, whether or not the whole of it is valid."""
    counts: dict[tuple[str, str], int] = {}

    def add(text, path) -> None:
        if isinstance(text, Text):
            for lang in langs:
                if lang not in text.texts:
                    counts[lang, str(path)] = counts.get((lang, str(path)), 0) + 1

    for record in records.values():
        add(record.reason, folder / "kpis.yaml")
        for m in (record.measurement, *record.data_points.values()):
            if m is not None:
                for key in ("source", "target_source", "note", "definition", "reason"):
                    add(getattr(m, key), folder / "kpis.yaml")
    for source in fact_sources:
        add(source, folder / "city.yaml")
    for rec in recommendations:
        texts = (rec.theme, rec.headline, rec.diagnosis, *rec.measures, rec.actors, rec.financing)
        for text in texts:
            add(text, folder / "recommendations.yaml")
    return [(lang, path, n) for (lang, path), n in sorted(counts.items())]


def _warn_missing_texts(found, city_lang: str, log: IssueLog) -> None:
    """A warning per file and language: the data texts an edition shows in another language."""
    for lang, path, n in found:
        log.warning(
            path,
            0,
            0,
            "",
            f"{n} data text(s) have no {lang!r} version: the {lang!r} edition shows them "
            f"in their own language (give them as {{{city_lang}: …, {lang}: …}})",
        )


def data_text_report(cities_dir, catalogue, langs=None) -> list[str]:
    """``locales check``: per city file, how many data texts lack a language of the city."""
    lines = []
    folders = sorted(
        {p.parent for p in (*cities_dir.glob("*/city.yaml"), *cities_dir.glob("*/*/city.yaml"))}
    )
    for folder in folders:
        log = IssueLog()
        try:
            city = validate_city(load_city(folder, log), catalogue, log)
        except ProfileError:
            continue  # a broken city: validate says what is wrong
        for lang, path, n in missing_texts(city):
            if langs is None or lang in langs:
                lines.append(
                    f"{path}: {lang}: {n} data text(s) (sources, reasons, notes) not given "
                    f"in {lang!r}: its edition shows them in {city.lang!r}"
                )
    return lines


def validate_earlier(
    raw: RawCity,
    catalogue: Catalogue,
    log: IssueLog,
    eval_year: int,
    today: dt.date,
    lang: str = "en",
    targets=None,
) -> tuple[Evaluation, ...]:
    """Earlier evaluations, ``editions/<year>/kpis.yaml``: the same format as ``kpis.yaml``.

    A KPI an earlier edition does not list was not evaluated then (no warning).
    """
    out = []
    for name, doc in raw.earlier:
        if not (name.isdigit() and len(name) == 4):
            log.error(doc.path, 1, 1, "", f"editions/{name}: the folder must be named by its year")
            continue
        year = int(name)
        if year >= eval_year:
            log.error(
                doc.path,
                1,
                1,
                "",
                f"an earlier edition must be older than the evaluation year {eval_year}",
            )
            continue
        records = validate_kpis(
            doc, catalogue, log, (today.year, year), warn_missing=False, lang=lang
        )
        if targets is not None:
            check_achievements(records, doc, targets, catalogue, log)
        out.append(Evaluation(year, records, doc.path))
    return tuple(out)


def _publication(pub: dict, city: dict) -> Publication:
    """The publication block as given: nothing invented (no place, no year when absent; the
    PDF's creation date falls back to the evaluation year's first day, metadata only)."""
    year = pub.get("year")
    fallback = year or city.get("evaluation_year", 2000)
    return Publication(
        title=pub.get("title", {}),  # none: each edition's title comes from its catalogue
        symbol=pub.get("symbol"),
        isbn=pub.get("isbn"),
        eisbn=pub.get("eisbn"),
        issn=pub.get("issn"),
        sales_number=pub.get("sales_number"),
        licence=pub.get("licence", "un"),
        place=pub.get("place", {}),
        year=year,
        date=pub.get("date", dt.date(fallback, 1, 1)),
        photo_credits=tuple(pub.get("photo_credits", ())),
        funding=pub.get("funding"),
        authors=pub.get("authors"),
        acknowledgements=pub.get("acknowledgements"),
        references=tuple(pub.get("references", ())),
        printed_at=pub.get("printed_at"),
        job_number=pub.get("job_number"),
        print_run=pub.get("print_run"),
    )


def official_problems(chk: Checker, data, langs, emblem, what: str, publishing: bool) -> None:
    """What an official publication may not be built without, none of it ever invented: the
    year and place of publication (in every language of the edition), the document symbol,
    and the emblem the publisher supplies (``emblem.svg`` or ``emblem.png`` in the folder:
    profiles-gen ships none, its use being the United Nations' to grant). Errors when
    ``publishing`` (``build``), else warnings saying that a build will refuse them."""
    if not data or data.get("data_status") != "official":
        return
    report = chk.error if publishing else chk.warning
    pub = data.get("publication") or {}
    where = data.where("publication") if hasattr(data, "where") else (1, 1)
    refuse = "" if publishing else " (an official build refuses to go without it)"
    if "year" not in pub and "year" not in getattr(pub, "failed", ()):
        report(where, "publication.year", "an official publication needs its year" + refuse)
    places = pub.get("place") or {}
    missing = [lang for lang in langs if lang not in places]
    if missing and "place" not in getattr(pub, "failed", ()):
        report(
            pub.where("place") if places else where,
            "publication.place",
            f"an official publication needs its place of publication in "
            f"{', '.join(missing)}" + refuse,
        )
    if "symbol" not in pub and "symbol" not in getattr(pub, "failed", ()):
        report(
            where,
            "publication.symbol",
            "an official publication needs its document symbol (ECE/HBP/…)" + refuse,
        )
    if emblem is None:
        report(
            (1, 1),
            "emblem",
            f"an official publication carries the emblem its publisher supplies: put it in "
            f"the {what} folder as emblem.svg or emblem.png" + refuse,
        )


def _no_values(chk: Checker, path, records: dict, publishing: bool) -> None:
    """An official city must report at least one value: a profile of nothing is refused."""
    has_value = any(
        m is not None and m.value is not None
        for r in records.values()
        for m in (r.measurement, *r.data_points.values())
    )
    if not has_value:
        message = "an official profile needs at least one reported value; kpis.yaml has none"
        if publishing:
            chk.log.error(path, 1, 1, "", message)
        else:
            chk.log.warning(path, 1, 1, "", message + " (an official build refuses it)")


def validate_chapters(
    raw: RawCity,
    log: IssueLog,
    catalogue: Catalogue,
    langs: list[str],
    allow_remote: bool,
    facts: frozenset[str] | None = None,
    name_forms: dict | None = None,
) -> dict[str, tuple[Chapter, ...]]:
    chapters: dict[str, tuple[Chapter, ...]] = {}
    for lang, raws in raw.narrative.items():
        checked = (
            _chapter(r, log, catalogue, raw.dir, allow_remote, facts, name_forms) for r in raws
        )
        chapters[lang] = tuple(c for c in checked if c)
    fallback = next((lang for lang in ("en", *langs) if raw.narrative.get(lang)), None)
    for lang in langs:
        if not raw.narrative.get(lang):
            # An edition without its own narrative still builds, with the chapters of
            # another language marked as such: a warning (an error under --strict).
            shown = f"the {fallback!r} chapters are used" if fallback else "it has no chapters"
            log.warning(
                raw.city.path,
                raw.city.data.where("languages")[0] if hasattr(raw.city.data, "where") else 1,
                1,
                "languages",
                f"language {lang!r} is listed but narrative/{lang}/ has no chapters ({shown})",
            )
    return chapters


def _chapter(
    raw: RawChapter,
    log: IssueLog,
    catalogue: Catalogue,
    city_dir,
    allow_remote: bool,
    facts=None,
    name_forms=None,
) -> Chapter | None:
    forms = (raw.lang, name_forms) if name_forms is not None else None
    narrative.check_shortcodes(
        raw.body, raw.path, raw.body_line, catalogue, log, facts, city_dir.name, forms
    )
    narrative.check_resources(raw.body, raw.path, raw.body_line, city_dir, log, allow_remote)
    if raw.meta is None:
        return None
    chk = Checker(raw.path, log)
    meta = chk.check(raw.meta, FRONT_MATTER, raw.meta.loc, "")
    if meta is None or not {"title", "order", "part"} <= meta.keys():
        return None
    if meta["part"] == "dimension" and "dimension" not in meta:
        chk.error(meta.loc, "dimension", "a chapter with part: dimension must name its dimension")
        return None
    return Chapter(
        slug=raw.path.stem,
        lang=raw.lang,
        title=meta["title"],
        order=meta["order"],
        part=meta["part"],
        dimension=meta.get("dimension"),
        body=raw.body,
        path=raw.path,
        body_line=raw.body_line,
    )


def validate_recommendations(
    raw: RawCity,
    catalogue: Catalogue,
    log: IssueLog,
    langs: list[str],
    allow_remote: bool,
    facts: frozenset[str] | None = None,
    lang: str = "en",
    name_forms: dict | None = None,
) -> tuple[Recommendation, ...]:
    doc = raw.recommendations
    if doc is None or doc.failed:
        return ()
    chk = Checker(doc.path, log, lang)
    checked = chk.check(doc.data, RECOMMENDATIONS_FILE, getattr(doc.data, "loc", (1, 1)), "")
    if not checked or "recommendations" not in checked:
        return ()
    out = []
    for n, rec in enumerate(checked["recommendations"]):
        kpis = []
        for m, kpi in enumerate(rec.get("kpis", [])):
            kpi_id, _ = resolve_kpi_id(catalogue, kpi)
            if kpi_id is None:
                where = doc.data["recommendations"][n]["kpis"].where(m)
                chk.error(where, f"recommendations[{n}].kpis[{m}]", f"unknown KPI id {kpi!r}")
            else:
                kpis.append(kpi_id)
        for text_lang, text in getattr(rec.get("diagnosis"), "texts", {}).items():
            line = rec.where("diagnosis")[0]
            forms = (text_lang, name_forms) if name_forms is not None else None
            narrative.check_shortcodes(
                text, doc.path, line, catalogue, log, facts, raw.dir.name, forms
            )
            narrative.check_resources(text, doc.path, line, raw.dir, log, allow_remote)
        out.append(
            Recommendation(
                id=rec.get("id", f"r{n + 1}"),
                theme=rec.get("theme"),
                headline=rec.get("headline"),
                diagnosis=rec.get("diagnosis"),
                measures=tuple(rec.get("measures", ())),
                kpis=tuple(kpis),
                sdgs=tuple(rec.get("sdgs", ())),
                priority=rec.get("priority"),
                timeframe=rec.get("timeframe"),
                actors=rec.get("actors"),
                financing=rec.get("financing"),
            )
        )
    return tuple(out)


MAX_ACHIEVEMENT = Decimal("1e15")  # a value 10^15 times its target is a unit mistyped


def check_achievements(records, doc: YamlDoc, targets, catalogue: Catalogue, log) -> None:
    """Every value scored against a target (its own, else its target sets') has an
    achievement the later stages can compute and show: at most ``MAX_ACHIEVEMENT``.
    Reported at the target in the file, or at the value when the target is a set's."""
    if not isinstance(doc.data, LocDict):
        return
    for key, rec in doc.data.items():
        kpi_id, _ = resolve_kpi_id(catalogue, str(key))
        record = records.get(kpi_id) if kpi_id else None
        if record is None or not isinstance(rec, LocDict):
            continue
        kpi = catalogue.by_id[kpi_id]
        pairs = [(None, record.measurement, rec, str(key))]
        points = rec.get("data_points")
        if isinstance(points, LocDict):
            pairs = [
                (dp, m, points[dp], f"{key}.data_points.{dp}")
                for dp, m in record.data_points.items()
                if isinstance(points.get(dp), LocDict)
            ]
        for dp, m, raw, name in pairs:
            if m is None or not isinstance(m.value, Decimal):
                continue
            direction = kpi.direction_of(kpi.data_point(dp) if dp else None)
            found = targets.get(kpi_id, dp) if m.target is None else None
            target = m.target if m.target is not None else (found.value if found else None)
            if direction not in ("higher", "lower") or not isinstance(target, Decimal):
                continue
            try:
                ratio = achievement(m.value, target, direction)
            except ArithmeticError:
                ratio = None
            if ratio is not None and ratio <= MAX_ACHIEVEMENT:
                continue
            shown = f"{ratio:.2E}" if ratio is not None else "too large to compute"
            whose = "its target" if m.target is not None else f"the target {target} of its set"
            field = "target" if m.target is not None else "value"
            log.error(
                doc.path,
                *raw.where(field),
                f"{name}.{field}",
                f"the achievement of {m.value} against {whose} would be {shown}, more than "
                f"{MAX_ACHIEVEMENT:.0E} times the target: a unit or a target mistyped?",
            )


def validate_city(
    raw: RawCity,
    catalogue: Catalogue,
    log: IssueLog,
    today: dt.date | None = None,
    allow_remote: bool = False,
    publishing: bool = False,
    member: bool = False,
) -> City:
    """Check every file of the city; raise ``ProfileError`` with all errors at once.

    ``publishing`` (a build): what an official publication needs (``official_problems``, at
    least one value) is an error, not a warning."""
    today = today or dt.date.today()
    chk = Checker(raw.city.path, log)
    text_lang = "en"
    if isinstance(raw.city.data, dict) and isinstance(raw.city.data.get("lang"), str):
        text_lang = raw.city.data["lang"].strip() or "en"
    chk.lang = text_lang
    city = {}
    if not raw.city.failed:
        city = chk.check(raw.city.data, CITY_FILE, getattr(raw.city.data, "loc", (1, 1)), "") or {}
    langs = list(dict.fromkeys(city.get("languages", [])))
    for key in ("name", "country"):
        for lang in langs:
            if key in city and lang not in city[key]:
                chk.error(city.where(key), key, f"missing the {lang!r} name")
    for fact in city.get("key_facts", {}):
        if fact not in KEY_FACT_IDS:
            chk.error(
                raw.city.data["key_facts"].key_locs[fact],
                f"key_facts.{fact}",
                f"unknown key fact (known: {', '.join(KEY_FACT_IDS)})",
            )
    _check_facts(city, raw.city.data, chk)
    if "languages" in city and not langs:
        chk.error(city.where("languages"), "languages", "list at least one language")
    eval_year = city.get("evaluation_year", today.year)
    if eval_year > today.year:
        chk.error(
            city.where("evaluation_year"), "evaluation_year", f"year {eval_year} is in the future"
        )
    data_year = city.get("data_year")
    if data_year is not None and data_year > eval_year:
        chk.error(
            city.where("data_year"),
            "data_year",
            f"year {data_year} is after the evaluation year {eval_year}",
        )
    year_rule = (city.get("data_status", "official"), data_year) if city else None
    for fact, entry in city.get("key_facts", {}).items():
        if fact in KEY_FACT_IDS and "year" not in entry and "value" in entry:
            _need_year(chk, entry.where("value"), f"key_facts.{fact}.year", year_rule)
    _empty_kpis(raw, log)
    records = validate_kpis(
        raw.kpis,
        catalogue,
        log,
        latest_year=(today.year, eval_year),
        lang=text_lang,
        year_rule=year_rule,
    )
    if not member:  # a volume's member: the volume is the publication
        official_problems(chk, city, langs, raw.emblem, "city", publishing)
    if city.get("data_status") == "official" and not raw.kpis.failed:
        _no_values(chk, raw.kpis.path, records, publishing)
    pub_data = city.get("publication") or {}
    if pub_data.get("acknowledgements") is not None:
        for text in pub_data["acknowledgements"].texts.values():
            line = pub_data.where("acknowledgements")[0]
            narrative.check_shortcodes(
                text, raw.city.path, line, catalogue, log, None, raw.dir.name
            )
            narrative.check_resources(text, raw.city.path, line, raw.dir, log, allow_remote)
    target_sets, scoring, merged = _targets_and_scoring(raw, city, catalogue, log, langs)
    check_achievements(records, raw.kpis, merged, catalogue, log)
    earlier = validate_earlier(raw, catalogue, log, eval_year, today, text_lang, merged)
    # The key facts the city has, for {{fact X}} (unknown if city.yaml could not be read).
    facts = frozenset(f for f in city.get("key_facts", {}) if f in KEY_FACT_IDS) if city else None
    name_forms = _name_forms(city)
    chapters = validate_chapters(raw, log, catalogue, langs, allow_remote, facts, name_forms)
    recommendations = validate_recommendations(
        raw, catalogue, log, langs, allow_remote, facts, text_lang, name_forms
    )
    check_templates(raw.dir, log, allow_remote)
    check_svg_files(raw.dir, log)
    # Listed even when other errors stand: a new language's missing texts are work to do
    # whatever else is wrong (a target set without the language, say).
    fact_sources = [v.get("source") for v in city.get("key_facts", {}).values()]
    found = _missing_texts(langs, raw.dir, records, fact_sources, recommendations)
    _warn_missing_texts(found, text_lang, log)
    log.raise_if_errors()
    facts = tuple(
        KeyFact(
            k,
            v["value"],
            None,
            v.get("year", data_year),
            v.get("source"),
            v.get("illustrative", False),
        )
        for k, v in city.get("key_facts", {}).items()
        if k in KEY_FACT_IDS
    )
    result = City(
        slug=raw.slug,
        dir=raw.dir,
        name=city["name"],
        country=city["country"],
        languages=tuple(langs),
        evaluation_year=eval_year,
        data_status=city["data_status"],
        publication=_publication(city.get("publication", {}), city),
        key_facts=facts,
        records=records,
        chapters=chapters,
        recommendations=recommendations,
        photo=raw.photo,
        earlier=earlier,
        targets=target_sets,
        scoring=scoring,
        lang=text_lang,
        name_forms=name_forms,
        data_year=data_year,
        emblem=raw.emblem,
    )
    return result


def _name_forms(data) -> dict:
    """``name_forms`` of city.yaml or volume.yaml as plain dicts: lang -> name -> form -> text."""
    forms = (data or {}).get("name_forms") or {}
    return {
        lang: {which: dict(table.get(which) or {}) for which in ("city", "country")}
        for lang, table in forms.items()
    }


def _targets_and_scoring(raw: RawCity, data, catalogue: Catalogue, log: IssueLog, langs):
    """The target sets a city or volume names (checked, with the languages they must speak)
    and its scoring settings."""

    names = tuple(data.get("targets", DEFAULT_SETS)) if data else DEFAULT_SETS
    where = data.where("targets") if hasattr(data, "where") else (1, 1)
    merged = load_targets(names, raw.dir, catalogue, log, (raw.city.path, *where), langs)
    settings = (data or {}).get("scoring", {})
    defaults = Scoring()
    scoring = Scoring(
        min_coverage=settings.get("min_coverage", defaults.min_coverage),
        require_verified=settings.get("require_verified", defaults.require_verified),
    )
    return names, scoring, merged


VOLUME_SHORTCODES = ("city", "country")  # the volume's name; data shortcodes name one city


def validate_volume(
    raw: RawCity,
    catalogue: Catalogue,
    log: IssueLog,
    today: dt.date | None = None,
    allow_remote: bool = False,
    publishing: bool = False,
) -> Volume:
    """Check a volume and every member city; raise ``ProfileError`` with all errors at once."""
    today = today or dt.date.today()
    chk = Checker(raw.city.path, log)
    data = {}
    if not raw.city.failed:
        data = chk.check(raw.city.data, VOLUME_FILE, getattr(raw.city.data, "loc", (1, 1)), "")
        data = data or {}
    langs = list(dict.fromkeys(data.get("languages", [])))
    for key in ("name", "country"):
        for lang in langs:
            if key in data and lang not in data[key]:
                chk.error(data.where(key), key, f"missing the {lang!r} name")
    members: list[City] = []
    listed = raw.city.data.get("members") if hasattr(raw.city.data, "get") else None
    for n, slug in enumerate(data.get("members", [])):
        where = listed.where(n) if hasattr(listed, "where") else (1, 1)
        if "outside" in (file_problem(raw.dir / slug / ".", raw.dir) or ""):
            chk.error(where, f"members[{n}]", f"{slug}/ is a link leading outside the volume")
            continue
        if slug not in raw.members:  # load_volume reads every listed folder holding city.yaml
            chk.error(where, f"members[{n}]", f"no city folder {slug}/ holding city.yaml here")
            continue
        if slug in data["members"][:n]:
            chk.error(where, f"members[{n}]", f"{slug} is listed twice")
            continue
        member = raw.members[slug]  # read by load_volume
        member_log = IssueLog()
        member_log.issues += member.issues
        try:
            city = validate_city(
                member.raw, catalogue, member_log, today, allow_remote, publishing, member=True
            )
        except ProfileError:
            city = None
        log.issues += member_log.issues
        if city is None:
            continue
        for lang in langs:
            if lang not in city.languages:
                chk.error(
                    where,
                    f"members[{n}]",
                    f"{slug} is not issued in {lang!r} "
                    f"(its languages: {', '.join(city.languages)})",
                )
        members.append(city)
    official_problems(chk, data, langs, raw.emblem, "volume", publishing)
    vol_sets, vol_scoring, vol_targets = _targets_and_scoring(raw, data, catalogue, log, langs)
    members = [_with_volume_settings(m, data, vol_sets, vol_scoring) for m in members]
    for member in members:  # scored with the volume's sets: their achievements too
        if member.targets == vol_sets and "targets" in data:
            kpis = raw.members[member.slug].raw.kpis
            check_achievements(member.records, kpis, vol_targets, catalogue, log)
    if "members" in data and len(data["members"]) < 2:
        chk.error(data.where("members"), "members", "a volume needs at least two member cities")
    chapters = validate_chapters(raw, log, catalogue, langs, allow_remote, None, _name_forms(data))
    check_templates(raw.dir, log, allow_remote)
    check_svg_files(raw.dir, log)
    for lang_chapters in chapters.values():
        for chapter in lang_chapters:
            for offset, name, _, match in narrative.iter_shortcodes(chapter.body):
                if name not in VOLUME_SHORTCODES:
                    line, col = narrative.position(chapter.body, offset, chapter.body_line)
                    log.error(
                        chapter.path,
                        line,
                        col,
                        "shortcode",
                        f"a volume's narrative can only use {{{{city}}}} and {{{{country}}}}; "
                        f"quote a member's data in its own narrative: {match.group(0)}",
                    )
    log.raise_if_errors()
    year = max((m.evaluation_year for m in members), default=today.year)
    return Volume(
        slug=raw.slug,
        dir=raw.dir,
        name=data["name"],
        country=data.get("country", {}),
        languages=tuple(langs),
        data_status=data["data_status"],
        publication=_publication(data.get("publication", {}), {"evaluation_year": year}),
        chapters=chapters,
        members=tuple(members),
        year_window=data.get("year_window", 2),
        targets=vol_sets,
        scoring=vol_scoring,
        name_forms=_name_forms(data),
        emblem=raw.emblem,
    )


def _with_volume_settings(city: City, volume: dict, sets, scoring) -> City:
    """A member city takes the volume's target sets and scoring unless its city.yaml sets its
    own: the cities of one volume are scored alike."""

    own = load_yaml_file(city.dir / "city.yaml", IssueLog())
    data = own.data if own is not None and hasattr(own.data, "get") else {}
    changes = {}
    if "targets" in volume and "targets" not in data:
        changes["targets"] = sets
    if "scoring" in volume and "scoring" not in data:
        changes["scoring"] = scoring
    return dataclasses.replace(city, **changes) if changes else city
