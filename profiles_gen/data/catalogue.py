"""The U4SSC KPI framework as data (``profiles_gen/data/u4ssc-kpis.yaml``).

Names and units in the YAML are English and double as gettext msgids; every
translation lives in ``locales/``. ``extract_catalogue`` is the Babel
extractor that puts them into ``messages.pot``, each with a message context
(``kpi-name|EC-ICT-ICT-1C``; ``kpi-def|…`` for definitions, ``kpi-short-unit|…`` for the
short unit printed after a number in running text), so a translator
can render the same English word differently in different KPIs. A short unit that is a
countable noun is a plural entry (``year``/``years``), with one more entry,
``kpi-short-unit-fraction|…``, for a number with decimals in a language whose grammar has a
form for fractions only (Russian «72,5 года»; see ``Formatter.counted``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from profiles_gen.core.paths import DATA_DIR
from profiles_gen.data.model import Catalogue, DataPoint, Group, Kpi, split_url

CATALOGUE_PATH = DATA_DIR / "u4ssc-kpis.yaml"
DIRECTIONS = ("higher", "lower", "yes_no")
_SPACES = re.compile(r"\s+")

# Message contexts of catalogue strings (kept in one place: extractor and i18n use them).
CTX_DIMENSION = "dimension"
CTX_SUBDIMENSION = "subdimension"
CTX_CATEGORY = "category"


CTX_TARGET_SOURCE = "target-source"


def kpi_context(kind: str, kpi_id: str) -> str:
    """Message context of a KPI's name, unit or data point: ``kpi-name|EC-ICT-ICT-1C``."""
    return f"kpi-{kind}|{kpi_id}"


def normalise_code(text: str) -> str:
    """``EC: ICT: ICT: 1C``, ``ec-ict-ict-1c`` and ``EC:ICT:ICT:1C`` become ``EC-ICT-ICT-1C``."""
    return _SPACES.sub("", str(text)).replace(":", "-").upper()


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _kpi(raw: dict) -> Kpi:
    dim, sub, cat, _ = raw["id"].split("-")
    points = tuple(
        DataPoint(
            p["id"],
            p["name"],
            p.get("direction", raw["direction"]),
            _decimal(p.get("target")),
            p.get("target_source"),
            p.get("unit"),
            p.get("short_unit", ""),
            p.get("short_unit_singular", ""),
        )
        for p in raw.get("data_points", [])
    )
    return Kpi(
        id=raw["id"],
        code=raw["code"],
        dimension=dim,
        subdimension=f"{dim}-{sub}",
        category=raw["category"],
        type=raw["type"],
        name=raw["name"],
        unit=raw["unit"],
        direction=raw["direction"],
        sdg_targets=tuple(str(t) for t in raw["sdg_targets"]),
        data_points=points,
        target=_decimal(raw.get("target")),
        target_source=raw.get("target_source"),
        confidence=raw.get("confidence", ""),
        direction_note=raw.get("direction_note"),
        code_aliases=tuple(raw.get("code_aliases", ())),
        definition=raw.get("definition"),
        definition_sources=tuple(raw.get("definition_sources", ())),
        definition_confidence=raw.get("definition_confidence"),
        direction_source=raw.get("direction_source"),
        short_unit=raw.get("short_unit", ""),
        short_unit_singular=raw.get("short_unit_singular", ""),
    )


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    return _load(path)


@lru_cache(maxsize=4)
def _load(path: Path) -> Catalogue:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    kpis = tuple(_kpi(k) for k in data["kpis"])
    by_id = {k.id: k for k in kpis}
    official = {normalise_code(k.code): k.id for k in kpis}
    aliases: dict[str, str] = dict(official)
    for k in kpis:
        for alias in k.code_aliases:
            norm = normalise_code(alias)
            # An alias that is some other KPI's official code is ambiguous: ignore it.
            if norm not in official:
                aliases[norm] = k.id
    sub_parent = {s["id"]: s["id"].split("-")[0] for s in data["subdimensions"]}
    return Catalogue(
        kpis=kpis,
        dimensions=tuple(Group(d["id"], d["name"]) for d in data["dimensions"]),
        subdimensions=tuple(
            Group(s["id"], s["name"], sub_parent[s["id"]]) for s in data["subdimensions"]
        ),
        categories=tuple(
            Group(c["id"], c["name"], "-".join(c["id"].split("-")[:2])) for c in data["categories"]
        ),
        counts=data["framework"]["counts"],
        by_id=by_id,
        aliases=aliases,
        path=path,
    )


def resolve_kpi_id(catalogue: Catalogue, text: str) -> tuple[str | None, bool]:
    """Map an id or code as typed to the catalogue id; the flag says it was an alias."""
    if text in catalogue.by_id:
        return text, False
    norm = normalise_code(text)
    if norm in catalogue.by_id:
        return norm, False
    found = catalogue.aliases.get(norm)
    return found, found is not None and normalise_code(catalogue.by_id[found].code) != norm


def catalogue_messages(catalogue: Catalogue):
    """Yield (context, msgid, comment) for every translatable catalogue string; the msgid
    of a plural entry is the pair (singular, plural)."""
    for g in catalogue.dimensions:
        yield CTX_DIMENSION, g.name, "Dimension of the U4SSC KPI framework"
    for g in catalogue.subdimensions:
        yield CTX_SUBDIMENSION, g.name, f"Sub-dimension {g.id} of the U4SSC KPI framework"
    for g in sorted({c.name for c in catalogue.categories}):
        yield CTX_CATEGORY, g, "Category of the U4SSC KPI framework"
    for k in catalogue.kpis:
        yield kpi_context("name", k.id), k.name, f"Name of KPI {k.code}"
        yield kpi_context("unit", k.id), k.unit, f"Unit of KPI {k.code} ({k.name})"
        if k.short_unit and k.short_unit != "%" and not k.short_unit_singular:
            yield (
                kpi_context("short-unit", k.id),
                k.short_unit,
                f"Short unit of KPI {k.code}, printed after a number in running text "
                f"(tables give the full unit: {k.unit})",
            )
        elif k.short_unit_singular:
            singular, plural = k.short_unit_singular, k.short_unit
            yield from _counted_unit(k.id, singular, plural, f"KPI {k.code}", k.unit)
        if k.definition:
            yield kpi_context("def", k.id), k.definition, f"Definition of KPI {k.code} ({k.name})"
        for dp in k.data_points:
            yield kpi_context("dp", k.id), dp.name, f"Data point of KPI {k.code} ({k.name})"
            if dp.unit:
                yield kpi_context("unit", k.id), dp.unit, f"Unit of data point {dp.id} of {k.code}"
            if dp.short_unit_singular:
                what = f"data point {dp.id} of {k.code}"
                singular, plural = dp.short_unit_singular, dp.short_unit
                yield from _counted_unit(k.id, singular, plural, what, dp.unit or k.unit)
    sources = {k.target_source for k in catalogue.kpis if k.target_source}
    sources |= {d.target_source for k in catalogue.kpis for d in k.data_points if d.target_source}
    for text in sorted(sources):
        words, _ = split_url(text)  # a URL is not translated
        yield CTX_TARGET_SOURCE, words, "Source of a default target of the U4SSC KPIs"


def _counted_unit(kpi_id: str, singular: str, plural: str, what: str, unit: str):
    """The two entries of a short unit that is a countable noun (see Formatter.counted)."""
    yield (
        kpi_context("short-unit", kpi_id),
        (singular, plural),
        f"Short unit of {what}, printed after a whole number in running text in the form "
        f"the number needs: 1 {singular}, 5 {plural} (tables give the full unit: {unit}). An "
        "abbreviation that never changes (Russian «мин», «л») is written in every form.",
    )
    yield (
        kpi_context("short-unit-fraction", kpi_id),
        plural,
        f"Short unit of {what} after a number with decimals (2.5 {plural}). Used only by a "
        "language in which fractions alone take a form of their own: Russian takes the "
        "genitive singular, as after 2 («72,5 года», «1,5 раза»); other languages take "
        "the form of the plural entry.",
    )


def extract_catalogue(fileobj, keywords, comment_tags, options):
    """Babel extraction method for the catalogue YAML (see babel.cfg)."""
    catalogue = load_catalogue(Path(fileobj.name).resolve())
    for n, (context, msgid, comment) in enumerate(catalogue_messages(catalogue), start=1):
        if isinstance(msgid, tuple):
            yield n, "npgettext", (context, *msgid), [comment]
        else:
            yield n, "pgettext", (context, msgid), [comment]
