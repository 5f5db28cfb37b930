"""Translations and locale-aware formatting.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` (a checkout's
own, else the copy in the package); the build compiles each to ``messages.mo``
in the cache folder (``paths.cache_dir``) when the ``.po`` is newer, never
beside it. Every number, percentage and date a reader sees is
formatted here with Babel for the page's locale, in one place, so house
style (UN style for English; decimal comma, no-break spaces and ungrouped
four-digit numbers for Russian) is applied consistently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from profiles_gen.catalogue import CTX_CATEGORY, CTX_DIMENSION, CTX_SUBDIMENSION, kpi_context
from profiles_gen.errors import ProfileError
from profiles_gen.paths import LOCALES_DIR, cache_dir


def locales_dir() -> Path:
    """``locales/`` of the checkout or the package, or the folder ``PROFILES_GEN_LOCALES`` names."""
    override = os.environ.get("PROFILES_GEN_LOCALES")
    return Path(override).resolve() if override else LOCALES_DIR


DOMAIN = "messages"
# The pseudo-locale: generated from messages.pot, never edited (see locales.write_pseudo).
PSEUDO = "en-XA"
NBSP = "\u00a0"
# Russian editorial style leaves four-digit numbers ungrouped (4321, but 35 394).
MIN_GROUPING = {"ru": 5}


def po_path(lang: str, folder: Path | None = None) -> Path:
    """The catalogue of ``lang``; the generated pseudo-locale lives in the cache folder."""
    folder = folder or locales_dir()
    if lang == PSEUDO:
        return _cached(folder, "pseudo-locale") / PSEUDO / "LC_MESSAGES" / f"{DOMAIN}.po"
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _cached(folder: Path, kind: str) -> Path:
    """Where what is generated from the catalogues of ``folder`` is kept, one per folder."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / kind / key


def compile_catalogue(lang: str, folder: Path | None = None) -> Path | None:
    """Compile ``messages.po`` to ``messages.mo`` in the cache when it is missing or stale."""
    folder = folder or locales_dir()
    if lang == PSEUDO:
        from profiles_gen.locales import ensure_pseudo

        ensure_pseudo(folder)
    po = po_path(lang, folder)
    if not po.is_file():
        return None
    mo = _cached(folder, "mo") / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        return mo
    with po.open("rb") as fh:
        try:
            catalog = read_po(fh, locale=lang.replace("-", "_"), abort_invalid=True)
        except Exception as exc:  # babel raises PoFileError and others with a line
            raise ProfileError(f"{po}: error: cannot read catalogue: {exc}") from None
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".messages.", suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return mo


def translations(lang: str, folder: Path | None = None) -> NullTranslations:
    """The gettext translations of ``lang``; English (the msgids) needs none."""
    return _translations(lang, folder or locales_dir())


@lru_cache(maxsize=16)
def _translations(lang: str, folder: Path) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    mo = compile_catalogue(lang, folder)
    if mo is None:
        return NullTranslations()
    with mo.open("rb") as fh:
        return Translations(fh, domain=DOMAIN)


def available_languages(folder: Path | None = None) -> list[str]:
    """English and every language with a catalogue (the pseudo-locale is always buildable)."""
    folder = folder or locales_dir()
    langs = {"en"}
    if folder.is_dir():
        langs |= {p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(langs - {PSEUDO})


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except Exception:
        return Locale.parse("en")


class Formatter:
    """Numbers, percentages, dates and catalogue names for one language."""

    def __init__(self, lang: str, t: NullTranslations | None = None) -> None:
        self.lang = lang
        self.locale = babel_locale(lang)
        self.t = t or translations(lang)
        pattern = self.locale.percent_formats[None].pattern
        self.percent_space = NBSP if ("\u00a0%" in pattern or " %" in pattern) else ""

    # --- gettext ------------------------------------------------------------------
    def gettext(self, msgid: str) -> str:
        return self.t.gettext(msgid)

    def pgettext(self, context: str, msgid: str) -> str:
        return self.t.pgettext(context, msgid)

    def kpi_name(self, kpi) -> str:
        return self.pgettext(kpi_context("name", kpi.id), kpi.name)

    def kpi_unit(self, kpi) -> str:
        return self.pgettext(kpi_context("unit", kpi.id), kpi.unit)

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

    # --- numbers ------------------------------------------------------------------
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

    def join_list(self, items: list[str]) -> str:
        """``2016, 2019 and 2022`` as the language writes a list."""
        from babel.lists import format_list

        return self._locale_data(format_list(items, locale=self.locale))

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
            from profiles_gen.locales import pseudo

            return pseudo(text)
        return text

    def yes_no(self, value: bool) -> str:
        return self.pgettext("answer", "yes") if value else self.pgettext("answer", "no")
