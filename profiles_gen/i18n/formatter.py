"""Numbers, dates and units in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations

from profiles_gen.data.catalogue import CTX_CATEGORY, CTX_DIMENSION, CTX_SUBDIMENSION, kpi_context
from profiles_gen.i18n.marks import marking, strip_marks
from profiles_gen.i18n.messages import PSEUDO, pseudo, translations

NBSP = "\u00a0"


WORD_JOINER = "\u2060"


def with_unit(number: str, unit: str) -> str:
    """``number`` and its ``unit`` in running text, never parted: a no-break space between
    them, and no line break inside the unit either ("24 µg/m³" would break after its slash;
    a word joiner after each slash keeps it whole, invisibly)."""
    return f"{number}{NBSP}{unit.replace('/', '/' + WORD_JOINER)}"


# Russian editorial style leaves four-digit numbers ungrouped (4321, but 35 394).
MIN_GROUPING = {"ru": 5}


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except Exception:
        return Locale.parse("en")


class Formatter:
    """Numbers, percentages, dates and catalogue names for one language."""

    def __init__(self, lang: str, t: NullTranslations | None = None, marked: bool = False):
        """``marked``: a string the catalogue lacks comes back marked as English (see
        ``marks``), as an edition needs; the command line's text is never marked."""
        self.lang = lang
        self.locale = babel_locale(lang)
        self.t = t or translations(lang)
        if marked:
            self.t = marking(self.t)
        pattern = self.locale.percent_formats[None].pattern
        self.percent_space = NBSP if ("\u00a0%" in pattern or " %" in pattern) else ""

    def gettext(self, msgid: str) -> str:
        return self.t.gettext(msgid)

    def pgettext(self, context: str, msgid: str) -> str:
        return self.t.pgettext(context, msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.t.ngettext(singular, plural, n)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.t.npgettext(context, singular, plural, n)

    def kpi_name(self, kpi) -> str:
        return self.pgettext(kpi_context("name", kpi.id), kpi.name)

    def kpi_unit(self, kpi) -> str:
        return self.pgettext(kpi_context("unit", kpi.id), kpi.unit)

    def point_unit(self, kpi, unit: str) -> str:
        """A data point's own unit (a count where its KPI gives a share), in the KPI's context."""
        return self.pgettext(kpi_context("unit", kpi.id), unit)

    def kpi_short_unit(self, kpi, value, point=None, digits: int | None = None) -> str:
        """The unit after ``value`` in running text ("24 µg/m³", "72.5 years"): a data
        point's own unit where it has one, else the KPI's short unit; "" after a percentage
        (its sign is part of the number). A unit that is a countable noun takes the form
        the number needs, the number as shown: ``value`` with ``digits`` decimals (see
        ``counted``). Tables use ``kpi_unit``."""
        if point is not None and point.unit:
            if point.short_unit_singular:
                return self.counted(
                    kpi.id, point.short_unit_singular, point.short_unit, value, digits
                )
            if point.unit.startswith("%"):
                return ""
            return self.point_unit(kpi, point.unit)
        if not kpi.short_unit or kpi.short_unit == "%":
            return ""
        if kpi.short_unit_singular:
            return self.counted(kpi.id, kpi.short_unit_singular, kpi.short_unit, value, digits)
        return self.pgettext(kpi_context("short-unit", kpi.id), kpi.short_unit)

    def counted(
        self, kpi_id: str, singular: str, plural: str, value, digits: int | None = None
    ) -> str:
        """A KPI's short unit that is a countable noun, in the form the number before it
        needs: ``1 year``, ``72.5 years``; «1 год», «2 года», «5 лет», «72,5 года».

        The form follows the number as ``number(value, digits)`` shows it (``1.0`` is not
        ``1``). A whole number takes its form from the catalogue's plural entry
        (``kpi-short-unit|ID``; gettext's rule, which has only whole numbers). A number with
        decimals takes the CLDR plural category of the language: where a whole number has
        that category too (English 1.5 and 2 are both "other"), the plural entry's form for
        that number; where only fractions have it (Russian "other": «1,5 года», never
        «1,5 лет»), the entry ``kpi-short-unit-fraction|ID``. A fraction is never given to
        ngettext.
        """
        number = abs(_as_shown(value, digits))
        context = kpi_context("short-unit", kpi_id)
        if number.as_tuple().exponent >= 0:  # a whole number, shown without decimals
            return self.npgettext(context, singular, plural, int(number))
        whole = _whole_number_of(str(self.locale), self.locale.plural_form(number))
        if whole is not None:
            return self.npgettext(context, singular, plural, whole)
        return self.pgettext(kpi_context("short-unit-fraction", kpi_id), plural)

    def kpi_definition(self, kpi) -> str | None:
        return self.pgettext(kpi_context("def", kpi.id), kpi.definition) if kpi.definition else None

    def data_point_name(self, kpi, dp_id: str | None) -> str:
        if dp_id is None:
            return ""
        dp = kpi.data_point(dp_id)
        return self.pgettext(kpi_context("dp", kpi.id), dp.name) if dp else dp_id

    def group_name(self, level: str, group) -> str:
        ctx = {
            "dimension": CTX_DIMENSION,
            "subdimension": CTX_SUBDIMENSION,
            "category": CTX_CATEGORY,
        }[level]
        return self.pgettext(ctx, group.name)

    def number(self, value, digits: int | None = None) -> str:
        """A number as the locale writes it; ``digits`` fixes the decimals shown."""
        if value is None:
            return ""
        number = Decimal(str(value))
        if digits is not None:
            number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
            fmt = "#,##0" + ("." + "0" * digits if digits else "")
        else:
            places = max(0, -number.normalize().as_tuple().exponent)
            fmt = "#,##0" + ("." + "#" * min(places, 6) if places else "")
        grouping = abs(number) >= 10 ** (MIN_GROUPING.get(self.lang.split("-")[0], 4) - 1)
        text = format_decimal(
            number,
            format=fmt if grouping else fmt.replace("#,##", ""),
            locale=self.locale,
            group_separator=grouping,
        )
        return text.replace(" ", NBSP).replace("\u202f", NBSP)

    def percent(self, value, digits: int = 0, fraction: bool = False) -> str:
        """``value`` in per cent (or a fraction, with ``fraction``), e.g. ``93 %`` in Russian."""
        if value is None:
            return ""
        number = Decimal(str(value)) * (100 if fraction else 1)
        return f"{self.number(number, digits)}{self.percent_space}%"

    @property
    def colon(self) -> str:
        """What sets a label before its text, as the language writes it (": ", French
        " : " with a no-break space): from the catalogue's pattern "%(label)s: %(text)s"."""
        # Translators: a label and its text, as in "Cycle network: 2.1 km"; French puts a
        # no-break space (U+00A0) before the colon.
        pattern = self.pgettext("punctuation", "%(label)s: %(text)s")
        return strip_marks(pattern) % {"label": "", "text": ""}

    @property
    def semicolon(self) -> str:
        """What separates the items of a list that may hold commas ("; ", French " ; " with
        a narrow no-break space): from the catalogue's pattern "%(list)s; %(item)s"."""
        # Translators: the separator of a list whose items may hold commas, as in
        # "Water losses; Air pollution"; French puts a narrow no-break space (U+202F)
        # before the semicolon.
        pattern = self.pgettext("punctuation", "%(list)s; %(item)s")
        return strip_marks(pattern) % {"list": "", "item": ""}

    def join_semicolons(self, items) -> str:
        """``items`` separated as the language separates list items holding commas."""
        return self.semicolon.join(items)

    def join_list(self, items: list[str], style: str = "standard") -> str:
        """``2016, 2019 and 2022`` as the language writes a list (``style="or"``: ``a or b``);
        English as UN English writes it, without the serial comma CLDR gives it ("A, B and
        C", "A, B or C")."""
        if self.lang.split("-")[0] == "en" and len(items) > 2 and style in ("standard", "or"):
            last = " and " if style == "standard" else " or "
            return self._locale_data(", ".join(items[:-1]) + last + items[-1])
        return self._locale_data(format_list(items, style=style, locale=self.locale))

    def signed(self, value, digits: int | None = None) -> str:
        """A change: ``+5.2``, ``−3`` (a true minus sign) or ``0``."""
        number = Decimal(str(value))
        text = self.number(abs(number), digits)
        if number > 0:
            return "+" + text
        return "\u2212" + text if number < 0 else text

    def date(self, value: dt.date, form: str = "long") -> str:
        text = format_date(value, format=form, locale=self.locale).replace("\u202f", NBSP)
        return self._locale_data(text)

    def language_name(self, code: str) -> str:
        """A language's name in the page's language, from CLDR."""
        return self._locale_data(self.locale.languages.get(code.split("-")[0], code))

    def _locale_data(self, text: str) -> str:
        # Words that come from CLDR rather than the catalogues are accented too in the
        # pseudo-locale, so that its edition shows every English word left over.
        if self.lang == PSEUDO:
            return pseudo(text)
        return text

    def yes_no(self, value: bool) -> str:
        return self.pgettext("answer", "yes") if value else self.pgettext("answer", "no")


def _as_shown(value, digits: int | None) -> Decimal:
    """``value`` with the decimals ``Formatter.number(value, digits)`` shows: ``digits``
    of them, else its own (trailing zeros dropped, at most six)."""
    number = Decimal(str(value))
    if digits is not None:
        return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    number = number.normalize()
    if number.as_tuple().exponent < -6:  # the pattern shows six decimals at most
        number = number.quantize(Decimal("1e-6"), rounding=ROUND_HALF_EVEN).normalize()
    if number.as_tuple().exponent > 0:  # 1E+1 is shown as 10
        number = number.quantize(Decimal(1))
    return number


@lru_cache(maxsize=64)
def _whole_number_of(locale: str, category: str) -> int | None:
    """The smallest whole number in CLDR plural ``category`` of ``locale``, or None when
    only numbers with decimals have it (Russian "other")."""
    rules = Locale.parse(locale)
    return next((n for n in range(1000) if rules.plural_form(n) == category), None)
