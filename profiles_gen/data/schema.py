"""The typed schema of city files: one definition for the validator and the JSON Schema.

Every key of ``city.yaml``, ``kpis.yaml``, ``recommendations.yaml`` and of a
chapter's front matter has one ``Field`` here with a one-line description.
``check`` walks a loaded document against a field, reporting each problem
with its position; ``json_schema`` turns the same fields into the JSON
Schema that editors use to check city files as staff type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from profiles_gen.core.errors import IssueLog
from profiles_gen.data.load import LocDict, LocList
from profiles_gen.data.model import PERFORMANCE_BANDS, QUALITY_LEVELS, TARGET_KINDS, Text

LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_NUMBER_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
YES_NO_WORDS = {"yes": "yes", "no": "no", "true": "yes", "false": "no", "y": "yes", "n": "no"}


@dataclass(frozen=True)
class Field:
    type: str  # str number int year bool date langtext text enum list record map value
    description: str
    required: bool = False
    choices: tuple = ()
    items: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    values: Field | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


def F(type_: str, description: str, **kw) -> Field:  # noqa: N802 - a short constructor
    return Field(type_, description, **kw)


def _type_name(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, LocDict):
        return "a mapping"
    if isinstance(value, LocList):
        return "a list"
    return repr(value)


EXPECTED = {
    "str": "text",
    "number": "a number",
    "int": "a whole number",
    "year": "a year",
    "bool": "yes or no (true/false)",
    "date": "a date (YYYY-MM-DD)",
    "langtext": "a mapping from language code to text",
    "text": "text, or a mapping from language code to text",
    "list": "a list",
    "record": "a mapping",
    "map": "a mapping",
    "enum": "one of",
    "value": "a number or yes/no",
}


MAX_DIGITS = 15  # significant digits of a number: what a float holds, more than any source
MAX_PLACES = 12  # decimal places


def precision_problem(number: Decimal) -> str | None:
    """Why ``number`` as written cannot be shown (an edition prints a value with the
    decimals it is written with), or None: at most ``MAX_DIGITS`` significant digits and
    ``MAX_PLACES`` decimal places (``1e-30`` has 30)."""
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        return None  # not finite: reported as such
    if len(digits) > MAX_DIGITS:
        return (
            f"{number} has {len(digits)} significant digits: a number is written with at "
            f"most {MAX_DIGITS}"
        )
    if -exponent > MAX_PLACES:
        return (
            f"{number} has {-exponent} decimal places: a number is written with at most "
            f"{MAX_PLACES} (its achievement and its figures could not be shown)"
        )
    return None


class Checker:
    """Checks values against fields, reporting to ``log`` relative to ``path``."""

    def __init__(self, path, log: IssueLog, lang: str = "en", text: str | None = None) -> None:
        self.path = path
        self.log = log
        self.lang = lang  # the language of a plain (single-language) text
        # The document's text, to read numbers as written (default: read from ``path``).
        self._lines: list[str] | None = None if text is None else text.splitlines()

    def error(self, where: tuple[int, int], name: str, message: str) -> None:
        self.log.error(self.path, where[0], where[1], name, message)

    def warning(self, where: tuple[int, int], name: str, message: str) -> None:
        self.log.warning(self.path, where[0], where[1], name, message)

    def check(self, value, spec: Field, where: tuple[int, int], name: str):
        """Return the value converted to its Python type, or None after reporting."""
        method = getattr(self, f"_check_{spec.type}")
        return method(value, spec, where, name)

    def _wrong(self, value, spec: Field, where, name):
        self.error(where, name, f"expected {EXPECTED[spec.type]}, got {_type_name(value)}")
        return None

    def _check_str(self, value, spec, where, name):
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            # What the JSON Schema says too: 2021 or 0123 unquoted are numbers, not text.
            self.error(
                where, name, f"expected text, got the number {_type_name(value)} (put it in quotes)"
            )
            return None
        if not isinstance(value, str):
            return self._wrong(value, spec, where, name)
        text = value.strip()
        if not text:
            self.error(where, name, "must not be empty")
            return None
        if spec.pattern and not re.match(spec.pattern, text):
            self.error(where, name, f"{text!r} is not of the form {spec.pattern}")
            return None
        return text

    def _written(self, value: float, where: tuple[int, int]) -> Decimal:
        """The number as written in the file (``97.00`` keeps its decimals), not the float."""
        try:
            if self._lines is None:
                self._lines = Path(self.path).read_text(encoding="utf-8-sig").splitlines()
            line = self._lines[where[0] - 1]
        except (OSError, UnicodeDecodeError, IndexError, TypeError):
            return Decimal(str(value))
        match = _NUMBER_RE.match(line, where[1] - 1)
        if match:
            written = Decimal(match.group(0).replace("_", ""))
            if float(written) == value:
                return written
        return Decimal(str(value))

    def _number(self, value, spec, where, name):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            if isinstance(value, str):
                return self._number_text(value, spec, where, name)
            return self._wrong(value, spec, where, name)
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            self.error(where, name, f"expected a finite number, got {value}")
            return None
        number = self._written(value, where) if isinstance(value, float) else Decimal(value)
        problem = precision_problem(number)
        if problem:
            self.error(where, name, problem)
            return None
        if spec.minimum is not None and number < Decimal(str(spec.minimum)):
            self.error(where, name, f"must be at least {spec.minimum}, got {value}")
            return None
        if spec.maximum is not None and number > Decimal(str(spec.maximum)):
            self.error(where, name, f"must be at most {spec.maximum}, got {value}")
            return None
        return number

    _check_number = _number

    def _number_text(self, value: str, spec, where, name):
        hint = ""
        text = value.strip().lower()
        if spec.type == "value" and text in YES_NO_WORDS:
            hint = f" (write {YES_NO_WORDS[text]} without quotes for a yes/no KPI)"
        elif _NUMBER_RE.fullmatch(text.rstrip("% ")):
            hint = " (write the number without quotes" + (" or %)" if "%" in text else ")")
        self.error(where, name, f"expected {EXPECTED[spec.type]}, got {value!r}{hint}")
        return None

    def _check_int(self, value, spec, where, name):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return self._wrong(value, spec, where, name)
        number = self._number(value, spec, where, name)
        return None if number is None else int(number)

    def _check_year(self, value, spec, where, name):
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not YEARS[0] <= value <= YEARS[1]
        ):
            return self._wrong(value, spec, where, name)
        return value

    def _check_bool(self, value, spec, where, name):
        return value if isinstance(value, bool) else self._wrong(value, spec, where, name)

    def _check_value(self, value, spec, where, name):
        if isinstance(value, bool):
            return value
        return self._number(value, spec, where, name)

    def _check_date(self, value, spec, where, name):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return self._wrong(value, spec, where, name)

    def _check_enum(self, value, spec, where, name):
        if value not in spec.choices or isinstance(value, bool):
            options = ", ".join(str(c) for c in spec.choices)
            self.error(where, name, f"expected one of {options}, got {_type_name(value)}")
            return None
        return value

    def _check_langtext(self, value, spec, where, name):
        if isinstance(value, str):
            self.error(
                where, name, f"expected {EXPECTED['langtext']} (en: …, ru: …), got text {value!r}"
            )
            return None
        if not isinstance(value, LocDict):
            return self._wrong(value, spec, where, name)
        out = {}
        for lang, text in value.items():
            sub = f"{name}.{lang}"
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                self.error(value.key_locs[lang], sub, f"not a language code: {lang!r}")
                continue
            checked = self._check_str(text, F("str", ""), value.where(lang), sub)
            if checked is not None:
                out[lang] = checked
        return out

    def _check_text(self, value, spec, where, name):
        """A plain text (in the city's language) or a mapping from language to text."""
        if isinstance(value, LocDict):
            texts = self._check_langtext(value, spec, where, name)
            if texts is None:
                return None
            if not texts:
                self.error(where, name, "must give the text in at least one language")
                return None
            return Text(texts, self.lang)
        text = self._check_str(value, spec, where, name)
        return None if text is None else Text({self.lang: text}, self.lang, plain=True)

    def _check_list(self, value, spec, where, name):
        if not isinstance(value, LocList):
            return self._wrong(value, spec, where, name)
        out = []
        for n, item in enumerate(value):
            checked = self.check(item, spec.items, value.where(n), f"{name}[{n}]")
            if checked is not None:
                out.append(checked)
        return out

    def _check_map(self, value, spec, where, name):
        if not isinstance(value, LocDict):
            return self._wrong(value, spec, where, name)
        out = RecordValue()
        out.loc = value.loc
        prefix = f"{name}." if name else ""
        for key, item in value.items():
            checked = self.check(item, spec.values, value.where(key), f"{prefix}{key}")
            if checked is not None:
                out[key] = checked
                out.locs[key] = value.key_locs[key]
        return out

    def _check_record(self, value, spec, where, name):
        if not isinstance(value, LocDict):
            return self._wrong(value, spec, where, name)
        out = RecordValue()
        out.loc = value.loc
        prefix = f"{name}." if name else ""
        for key, item in value.items():
            if key not in spec.fields:
                known = ", ".join(spec.fields)
                self.error(
                    value.key_locs[key], f"{prefix}{key}", f"unknown field (known fields: {known})"
                )
                continue
            checked = self.check(item, spec.fields[key], value.where(key), f"{prefix}{key}")
            out.locs[key] = value.where(key)
            if checked is not None:
                out[key] = checked
            else:
                out.failed.add(key)
        for key, sub in spec.fields.items():
            if sub.required and key not in value:
                self.error(value.loc, f"{prefix}{key}", "required field is missing")
        return out


class RecordValue(dict):
    """A checked record, with the positions of its values kept for later checks."""

    loc: tuple[int, int] = (0, 0)

    def __init__(self) -> None:
        super().__init__()
        self.locs: dict = {}
        self.failed: set = set()  # keys present in the file whose values were rejected

    def where(self, key) -> tuple[int, int]:
        return self.locs.get(key, self.loc)


NOT_BLANK = r"\S"  # as the validator: text that is not only white space
YEARS = (1900, 2200)


def _langtext_schema() -> dict:
    return {
        "type": "object",
        "propertyNames": {"pattern": LANG_RE.pattern},
        "additionalProperties": {"type": "string", "pattern": NOT_BLANK},
    }


def json_schema(spec: Field) -> dict:
    """The JSON Schema (draft 2020-12) of a field."""
    out: dict = {"description": spec.description} if spec.description else {}
    t = spec.type
    if t == "str":
        out.update(type="string", pattern=spec.pattern or NOT_BLANK)
    elif t in ("number", "int", "year"):
        out["type"] = "integer" if t in ("int", "year") else "number"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
        if t == "year":
            out.update(minimum=YEARS[0], maximum=YEARS[1])
    elif t == "bool":
        out["type"] = "boolean"
    elif t == "value":
        out["type"] = ["number", "boolean"]
    elif t == "date":
        out.update(type="string", format="date")
    elif t == "enum":
        out["enum"] = list(spec.choices)
    elif t == "langtext":
        out.update(_langtext_schema())
    elif t == "text":
        out["anyOf"] = [
            {"type": "string", "pattern": NOT_BLANK},
            {**_langtext_schema(), "minProperties": 1},
        ]
    elif t == "list":
        out.update(type="array", items=json_schema(spec.items))
    elif t == "map":
        out.update(type="object", additionalProperties=json_schema(spec.values))
    elif t == "record":
        out.update(
            type="object",
            additionalProperties=False,
            properties={k: json_schema(v) for k, v in spec.fields.items()},
        )
        required = [k for k, v in spec.fields.items() if v.required]
        if required:
            out["required"] = required
    return out


# --- the files -------------------------------------------------------------------

LANGTEXT = "langtext"
TEXT = "text"  # plain text in the city's language, or {en: …, ru: …}
MEASUREMENT_FIELDS = {
    "value": F("value", "The value: a number in the KPI's unit, or yes/no for yes/no KPIs"),
    "year": F("year", "Year the value refers to"),
    "source": F(TEXT, "Where the value comes from (publication, agency, dataset)"),
    "target": F("number", "City-specific target overriding the catalogue's default"),
    "target_source": F(TEXT, "Where the city-specific target comes from (required with target)"),
    "note": F(TEXT, "A note shown with the value"),
    "definition": F(
        TEXT,
        "How the value departs from the U4SSC definition (scope, method); values with "
        "different definitions are flagged, never compared",
    ),
    "illustrative": F("bool", "True when the value is not from an official source"),
    "target_kind": F(
        "enum", "Where the city's own target comes from (default: city)", choices=TARGET_KINDS
    ),
    "quality": F(
        "enum",
        "Data quality, as in ITU's data-collection workbook: accurate measurements, survey or "
        "higher-level extrapolation, an estimate on assumptions, a personal estimate, unknown",
        choices=QUALITY_LEVELS,
    ),
    "verified": F("bool", "The verifier's yes/no: the value was verified"),
    "origin": F("str", "Origin of the data (the workbook's drop-down choice)"),
    "benchmark_performance": F(
        "record",
        "U4SSC's score of the value as the city's data-collection workbook gives it (column R, "
        "the U4SSC benchmark performance): the value's result where no target is known",
        fields={
            "percent": F(
                "number",
                "Per cent of the U4SSC benchmark reached (87.5 for 87.5 %)",
                minimum=0,
                maximum=1e6,
            ),
            "band": F(
                "enum",
                "The band the workbook gives (must agree with percent when both are given)",
                choices=PERFORMANCE_BANDS,
            ),
        },
    ),
}
STATUS = F(
    "enum",
    "Set to not_reported when the city has no value",
    choices=("reported", "not_reported"),
)
REASON = F(TEXT, "Why it is not reported")
MEASUREMENT = F(
    "record",
    "A reported value of one data point (or status: not_reported with a reason)",
    fields={**MEASUREMENT_FIELDS, "status": STATUS, "reason": REASON},
)
KPI_RECORD = F(
    "record",
    "The city's record of one KPI",
    fields={
        **MEASUREMENT_FIELDS,
        "data_points": F(
            "map", "Values per data point, for KPIs such as air pollution", values=MEASUREMENT
        ),
        "status": STATUS,
        "reason": REASON,
    },
)
KPIS_FILE = F(
    "map", "KPI records keyed by KPI id (EC-ICT-ICT-1C) or official code", values=KPI_RECORD
)

KEY_FACT_IDS = (
    "population",
    "area",
    "population_density",
    "gdp_per_capita",
    "elevation",
    "households",
    "annual_mean_temperature",
)
KEY_FACT = F(
    "record",
    "A key fact of the city",
    fields={
        "value": F("number", "The value", required=True),
        "year": F("year", "Year the value refers to"),
        "source": F(TEXT, "Where the value comes from"),
        "illustrative": F("bool", "True when the value is not from an official source"),
    },
)
PUBLICATION = F(
    "record",
    "Publication metadata (print only what is present)",
    fields={
        "title": F(LANGTEXT, "Title per language (default: Smart Sustainable Cities Profile)"),
        "symbol": F("str", "Document symbol, e.g. ECE/HBP/197 (an official build requires it)"),
        "isbn": F("str", "ISBN of the print edition"),
        "eisbn": F("str", "eISBN of the electronic edition"),
        "issn": F("str", "ISSN of the series"),
        "sales_number": F("str", "United Nations sales number"),
        "licence": F(
            "enum",
            "un (all rights reserved) or cc-by-3.0-igo",
            choices=("un", "cc-by-3.0-igo"),
        ),
        "place": F(LANGTEXT, "Place of publication per language (an official build requires it)"),
        "year": F("year", "Year of publication (an official build requires it)"),
        "date": F("date", "Publication date; also the PDF creation date"),
        "authors": F("str", "Author line for the PDF metadata"),
        "funding": F(LANGTEXT, "Project and funding line per language"),
        "photo_credits": F(
            "list",
            "Photo credits, each with the page or picture it credits (Cover: © …)",
            items=F(TEXT, "One credit line"),
        ),
        "acknowledgements": F(
            TEXT,
            "Acknowledgements (Markdown): a chapter of the front matter, before the contents",
        ),
        "references": F(
            "list",
            "References: the publications the profile cites, one entry each (a chapter "
            "before the annexes)",
            items=F(TEXT, "One reference"),
        ),
        "printed_at": F(TEXT, "Where it is printed, for the print line (United Nations, Geneva)"),
        "job_number": F("str", "The print job number of the print line (2312345 (E))"),
        "print_run": F("int", "Copies printed, for the print line", minimum=1),
    },
)
TARGET_SETS = F(
    "list",
    "Target sets, later ones win (default: [default]); a city's own target in kpis.yaml wins "
    "over all",
    items=F("str", "A set name: targets/NAME.yaml", pattern=r"^[a-z0-9][a-z0-9_-]*$"),
)
SCORING = F(
    "record",
    "How results are scored",
    fields={
        "min_coverage": F(
            "number",
            "A roll-up with a smaller share of its KPIs and data points scored is shown as "
            "insufficient data (default 0.5)",
            minimum=0,
            maximum=1,
        ),
        "require_verified": F("bool", "Leave values the verifier has not confirmed unscored"),
    },
)
NAME_FORMS = F(
    "map",
    "Per language, the grammatical forms of the names that the narrative asks for as "
    "{{city FORM}} and {{country FORM}} (ru: {city: {genitive: …}, country: {genitive: …}})",
    values=F(
        "record",
        "The forms of the names in one language",
        fields={
            "city": F("map", "Forms of the city's name, e.g. genitive", values=F("str", "")),
            "country": F("map", "Forms of the country's name", values=F("str", "")),
        },
    ),
)
CITY_FILE = F(
    "record",
    "A city's identity, languages and publication metadata",
    fields={
        "name": F(LANGTEXT, "Name of the city per language", required=True),
        "country": F(LANGTEXT, "Name of the country per language", required=True),
        "name_forms": NAME_FORMS,
        "languages": F(
            "list",
            "Languages of the editions, e.g. [en, ru]",
            required=True,
            items=F("str", "ISO 639-1 code", pattern=LANG_RE.pattern),
        ),
        "lang": F(
            "str",
            "Language of the data texts written without languages (source: …); default en",
            pattern=LANG_RE.pattern,
        ),
        "evaluation_year": F("year", "Year of the KPI evaluation", required=True),
        "data_status": F(
            "enum",
            "official, or illustrative when values are not all official",
            required=True,
            choices=("official", "illustrative"),
        ),
        "data_year": F(
            "year",
            "The year every value and key fact refers to when it gives no year of its own "
            "(a report with one data year); official data need a year for each",
        ),
        "publication": PUBLICATION,
        "key_facts": F("map", "Key facts: " + ", ".join(KEY_FACT_IDS), values=KEY_FACT),
        "targets": TARGET_SETS,
        "scoring": SCORING,
    },
)
RECOMMENDATION = F(
    "record",
    "One themed recommendation",
    fields={
        "id": F("str", "A short identifier", required=True, pattern=r"^[a-z0-9][a-z0-9_-]*$"),
        "theme": F(TEXT, "Theme per language", required=True),
        "headline": F(TEXT, "Imperative headline per language", required=True),
        "diagnosis": F(
            TEXT, "Diagnosis per language; may quote data with shortcodes", required=True
        ),
        "measures": F("list", "Measures", required=True, items=F(TEXT, "One measure")),
        "kpis": F("list", "KPIs the recommendation addresses", items=F("str", "KPI id")),
        "sdgs": F("list", "SDGs it addresses", items=F("int", "SDG", minimum=1, maximum=17)),
        "priority": F("enum", "Priority", choices=("high", "medium", "low")),
        "timeframe": F("enum", "Timeframe", choices=("short", "medium", "long")),
        "actors": F(TEXT, "Responsible actors per language"),
        "financing": F(TEXT, "Financing note per language"),
    },
)
RECOMMENDATIONS_FILE = F(
    "record",
    "The city's recommendations",
    fields={
        "recommendations": F(
            "list", "Recommendations in order", required=True, items=RECOMMENDATION
        ),
    },
)
PARTS = ("front", "summary", "body", "dimension", "recommendations", "comparison", "annex")
FRONT_MATTER = F(
    "record",
    "A narrative chapter's front matter",
    fields={
        "title": F("str", "Chapter title", required=True),
        "order": F("int", "Position among the chapters of its part", required=True, minimum=0),
        "part": F("enum", "Where the chapter goes", required=True, choices=PARTS),
        "dimension": F("enum", "The dimension of a dimension overview", choices=("EC", "EN", "SC")),
    },
)

VOLUME_FILE = F(
    "record",
    "A volume: several cities in one publication, with a comparison chapter",
    fields={
        "name": F(LANGTEXT, "What the volume covers, per language (e.g. Norway)", required=True),
        "country": F(LANGTEXT, "Name of the country per language"),
        "name_forms": NAME_FORMS,
        "languages": CITY_FILE.fields["languages"],
        "data_status": CITY_FILE.fields["data_status"],
        "members": F(
            "list",
            "Folders of the member cities inside the volume's folder, in the order of their parts",
            required=True,
            items=F("str", "A city folder name", pattern=r"^[a-z0-9][a-z0-9_-]*$"),
        ),
        "year_window": F(
            "int",
            "Values of one KPI more than this many years apart are flagged, not compared "
            "(default 2)",
            minimum=0,
            maximum=20,
        ),
        "publication": PUBLICATION,
        "targets": TARGET_SETS,
        "scoring": SCORING,
    },
)

FILES = {
    "city.yaml": CITY_FILE,
    "volume.yaml": VOLUME_FILE,
    "kpis.yaml": KPIS_FILE,
    "recommendations.yaml": RECOMMENDATIONS_FILE,
}
