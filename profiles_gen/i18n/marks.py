"""Text shown in another language than the edition's, marked where it is made.

A string the catalogue lacks is shown in English (its msgid); a publication field
without a version in the edition's language is shown in another. Either is wrapped in
three Unicode noncharacters (reserved for a program's internal use, never in a font or
a text): ``OPEN`` + language + ``SEP`` + text + ``CLOSE``. They travel with the
string through formatting and templates; ``render.languages`` then turns them into
``<span lang="en" class="untranslated">`` in the text of the finished HTML (and so
``/Lang`` on the structure element of the PDF) and drops them where no element can
carry a language (attributes, ``<title>``, a chart's drawing, PDF page labels).
"""

from __future__ import annotations

import copy
import re

from babel.support import NullTranslations

OPEN, SEP, CLOSE = "\ufdd0", "\ufdd1", "\ufdd2"
MARK_RE = re.compile(f"{OPEN}([A-Za-z-]*){SEP}|{CLOSE}")


def mark(text, lang: str):
    """``text`` marked as written in ``lang`` (an empty text stays empty)."""
    if not text:
        return text
    return OPEN + lang + SEP + text + CLOSE


def strip_marks(text):
    """``text`` without marks (for a place that cannot say its language)."""
    if isinstance(text, str) and (OPEN in text or CLOSE in text):
        return type(text)(MARK_RE.sub("", text))  # a Markup stays Markup
    return text


def strip_all(value):
    """``value`` with the marks taken out of every string in it (tuples, lists, dicts)."""
    if isinstance(value, str):
        return strip_marks(value)
    if isinstance(value, tuple):
        return tuple(strip_all(v) for v in value)
    if isinstance(value, list):
        return [strip_all(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_all(v) for k, v in value.items()}
    return value


class EnglishFallback(NullTranslations):
    """What a catalogue falls back on for a string it lacks: the msgid, marked English."""

    def gettext(self, message):
        return mark(message, "en")

    def ngettext(self, singular, plural, n):
        return mark(singular if n == 1 else plural, "en")

    def pgettext(self, context, message):
        return mark(message, "en")

    def npgettext(self, context, singular, plural, n):
        return mark(singular if n == 1 else plural, "en")


def marking(translations: NullTranslations) -> NullTranslations:
    """``translations`` whose missing strings come back marked English (a copy: the
    cached catalogue the command line uses stays unmarked)."""
    if type(translations) is NullTranslations:  # English: the msgids are the text
        return translations
    marked = copy.copy(translations)
    marked._fallback = EnglishFallback()
    return marked


def fallback_language(texts, lang: str, default: str | None = None) -> str | None:
    """The language a publication field (``{en: …, ru: …}``) is shown in by an edition in
    ``lang``, when it is not ``lang``: None when the field has ``lang``, is not given, or
    gives in English only the default that the catalogue translates (``default``, the
    msgid: "Smart Sustainable Cities Profile", "Geneva"). Else English, or the first
    language the field has."""
    if not texts or lang in texts:
        return None
    if default is not None and texts.get("en") == default:
        return None
    return "en" if "en" in texts else next(iter(texts))
