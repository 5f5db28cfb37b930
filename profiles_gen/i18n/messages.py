"""Translations and locale-aware formatting.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` (a checkout's
own, else the copy in the package); the build compiles each to ``messages.mo``
in the cache folder (``paths.cache_dir``) when the ``.po`` is newer, never
beside it. A translation that would break at run time (a renamed placeholder,
a stray ``%``, the wrong number of plural forms: see ``message_problems``) is
left out of the compiled catalogue, so the build shows that string in English
instead of crashing; ``locales`` reports it with its line. The pseudo-locale
is generated here from ``messages.pot``. Every number, percentage and date a
reader sees is formatted here with Babel for the page's locale, in one place,
so house style (UN style for English; decimal comma, no-break spaces and
ungrouped four-digit numbers for Russian) is applied consistently.
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
import io
import math
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

from profiles_gen.core.errors import ProfileError
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import PSEUDO, cache_dir, locales_dir
from profiles_gen.data.markup import MARKUP_RE

DOMAIN = "messages"


# The pseudo-locale (PSEUDO, core.paths): generated from messages.pot, never edited (see
# ensure_pseudo).


# Strings of the KPI catalogue are never formatted with %: "% of households" is a unit.
CATALOGUE_SOURCE = "profiles_gen/data/"


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
    """Compile ``messages.po`` to ``messages.mo`` in the cache when it is missing or stale.

    Only entries that are translated, not fuzzy and without a problem (see
    ``message_problems``) are compiled: gettext then gives the English of the others.
    """
    folder = folder or locales_dir()
    if lang == PSEUDO:
        ensure_pseudo(folder)
    po = po_path(lang, folder)
    if not po.is_file():
        return None
    mo = _cached(folder, "mo") / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        return mo
    catalog, _ = read_catalogue(po, lang)
    lines = po.read_text(encoding="utf-8").splitlines()
    for message in list(catalog)[1:]:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        forms = plural_forms(lines, message.lineno + 1) if message.pluralizable else None
        if (
            not all(strings)
            or message.fuzzy
            or message_problems(message, catalog.num_plurals, forms)
        ):
            catalog.delete(message.id, context=message.context)
    data = io.BytesIO()
    write_mo(data, catalog, use_fuzzy=False)
    atomic_write(mo, data.getvalue())  # a failed write names the file (a full disk…)
    return mo


def read_catalogue(po: Path, lang: str) -> tuple[Catalog, list[tuple[int, str]]]:
    """A ``.po`` file as Babel reads it, and what Babel could not read: ``(line, text)``
    pairs. Babel skips what it cannot read (a form beyond the header's count, a stray
    line) instead of aborting, so that a translator's slip never stops a build."""
    out = io.StringIO()
    with po.open("rb") as fh, contextlib.redirect_stdout(out):
        try:
            catalog = read_po(fh, locale=lang.replace("-", "_"), abort_invalid=False)
        except Exception as exc:  # an encoding Babel cannot decode, say
            raise ProfileError(f"{po}: error: cannot read catalogue: {exc}") from None
    # Babel prints "WARNING: <what>" then "WARNING: Problem on line N: <line>".
    skipped, what = [], ""
    for text in out.getvalue().splitlines():
        found = re.match(r"WARNING: Problem on line (\d+): ", text)
        if found and "more translations than num_plurals" in what:
            pass  # message_problems reports it, with the entry
        elif found:
            skipped.append((int(found[1]), what or "cannot read this line"))
        else:
            what = text.removeprefix("WARNING: ").strip()
    # gettext evaluates the header's plural expression; one it cannot read would stop
    # every edition in the language: the language's own rule (CLDR) is used instead.
    try:
        gettext.c2py(catalog.plural_expr)
        if catalog.num_plurals < 1:
            raise ValueError("nplurals must be at least 1")
    except (ValueError, SyntaxError, TypeError) as exc:
        lines = po.read_text(encoding="utf-8").splitlines()
        line = next((n for n, t in enumerate(lines, 1) if '"Plural-Forms:' in t), 1)
        catalog._num_plurals = catalog._plural_expr = None  # back to the locale's rule
        for message in catalog:
            if message.pluralizable:  # Babel sized the forms by the unreadable header
                forms = list(message.string)[: catalog.num_plurals]
                message.string = tuple(forms + [""] * (catalog.num_plurals - len(forms)))
        skipped.append((line, f"Plural-Forms: {exc}; the language's own rule is used"))
    return catalog, skipped


def plural_forms(lines: list[str], msgid_line: int) -> int:
    """How many ``msgstr[i]`` the entry whose msgid is on ``msgid_line`` (1-based) has in
    the file (Babel pads or cuts them to the header's count)."""
    count = 0
    for text in lines[msgid_line - 1 :]:
        if not text.strip():
            break
        count += text.startswith("msgstr[")
    return count


# A named placeholder as the program writes them, or a per cent sign written %%.
DIRECTIVE_RE = re.compile(r"%%|%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def is_formatted(message) -> bool:
    """Whether the program formats this string with ``%``: every string of the templates
    (newstyle gettext) and the strings of the code flagged ``python-format``."""
    if "no-python-format" in message.flags:
        return False
    locations = [path for path, _ in message.locations]
    if any(path.startswith("templates/") for path in locations):
        return True
    if locations and all(path.startswith(CATALOGUE_SOURCE) for path in locations):
        return False
    return "python-format" in message.flags


def _directives(text: str) -> tuple[list[str], list[int]]:
    """The named placeholders of ``text`` (as written) and the offsets of stray ``%``."""
    found, stray, pos = [], [], 0
    while (pos := text.find("%", pos)) >= 0:
        match = DIRECTIVE_RE.match(text, pos)
        if match is None:
            stray.append(pos)
            pos += 1
        else:
            if match.group(1):
                found.append(match.group(0))
            pos = match.end()
    return found, stray


def message_problems(message, nplurals: int, forms: int | None = None) -> list[tuple[int, str]]:
    """What is wrong with the translation of ``message``: ``(form, text)`` pairs, where
    ``form`` is the index of the ``msgstr[form]`` at fault (0 for a singular entry).
    ``forms`` is the number of ``msgstr[i]`` the file has (see ``plural_forms``).

    Fuzzy entries and entries without any translation have none (they are shown in
    English anyway).
    """
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not message.id or message.fuzzy or not any(strings):
        return []
    problems: list[tuple[int, str]] = []
    forms = len(strings) if forms is None else forms
    if message.pluralizable and forms != nplurals:
        problems.append(
            (0, f"{forms} plural form(s), but the header's Plural-Forms says {nplurals}")
        )
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    wanted = sorted({d for msgid in ids for d in _directives(msgid)[0]})
    formatted = is_formatted(message)
    for form, text in enumerate(strings):
        if not text:
            continue
        used, stray = _directives(text)
        unknown = sorted(set(used) - set(wanted))
        missing = [d for d in wanted if d not in used]
        if unknown:
            problems.append(
                (
                    form,
                    f"placeholder {', '.join(unknown)} is not in the msgid"
                    + (f" (it has {', '.join(wanted)})" if wanted else ""),
                )
            )
        if missing:
            problems.append((form, f"placeholder {', '.join(missing)} of the msgid is missing"))
        if formatted and stray:
            problems.append(
                (form, f"stray '%' at column {stray[0] + 1} (write '%%' for a per cent sign)")
            )
        if MARKUP_RE.search(text) and not any(MARKUP_RE.search(msgid) for msgid in ids):
            found = MARKUP_RE.search(text).group()
            problems.append(
                (
                    form,
                    f"markup ({found!r}…) in a translation whose msgid has none: a "
                    "translation is text",
                )
            )
        ids_doubled = any("%%" in msgid for msgid in ids)
        if not formatted and "%%" in text and not ids_doubled:
            problems.append(
                (form, "'%%' would be printed as it is: this string is not formatted, write '%'")
            )
    return problems


def translations(lang: str, folder: Path | None = None) -> NullTranslations:
    """The gettext translations of ``lang``; English (the msgids) needs none."""
    # Keyed by the cache folder too: each build compiles (and for the pseudo-locale,
    # generates) its catalogues in its own cache, even when one process runs several builds;
    # and by the catalogue's modification time: a process that builds again after a
    # translator's edit (a test, the live preview) reads the edit.
    folder = folder or locales_dir()
    po = po_path(lang, folder) if lang not in ("en", PSEUDO) else folder / "messages.pot"
    stamp = po.stat().st_mtime_ns if po.is_file() else 0
    return _translations(lang, folder, cache_dir(), stamp)


@lru_cache(maxsize=16)
def _translations(lang: str, folder: Path, cache: Path, stamp: int = 0) -> NullTranslations:
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


_PSEUDO_MAP = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçďéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĎÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)


_KEEP_RE = re.compile(r"(%\(\w+\)s|%%|&\w+;|<[^>]*>|https?://\S+)")


# Words appended to lengthen a string, as translations often are (German, Russian: +30–40 %).
_PADDING = "ļöŕéɱ îþšûɱ ďöļöŕ šîţ àɱéţ çöñšéçţéţûŕ àďîþîšçîñĝ éļîţ šéď ďö éîûšɱöď ţéɱþöŕ"


# Russian's three plural forms (one, few, many), so that a plural bug shows.
PSEUDO_PLURALS = (
    3,
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
)


def pseudo(text: str) -> str:
    """Accent every letter, lengthen by about 40 % and bracket the string; placeholders,
    entities, tags and URLs kept."""
    parts = _KEEP_RE.split(text)
    body = "".join(p if i % 2 else p.translate(_PSEUDO_MAP) for i, p in enumerate(parts))
    visible = sum(len(p) for p in parts[::2])
    extra = math.ceil(visible * 0.4) - 1  # the space before the padding counts
    padding = (_PADDING + " ") * (extra // (len(_PADDING) + 1) + 1)
    return f"[{body} {padding[:extra].strip()}]" if extra > 0 else f"[{body}]"


# The first line of the generated catalogue; a new rule of the generator changes it.
_PSEUDO_MARK = (
    b"# Generated by profiles-gen from messages.pot (lengthened, 3 plural forms, "
    b"punctuation kept).\n"
)


def ensure_pseudo(folder: Path | None = None) -> Path:
    """Write the pseudo-locale catalogue from ``messages.pot`` when it is missing or stale."""
    folder = folder or locales_dir()
    pot = folder / "messages.pot"
    po = po_path(PSEUDO, folder)
    if po.is_file() and po.stat().st_mtime_ns >= pot.stat().st_mtime_ns:
        with po.open("rb") as fh:
            if fh.readline() == _PSEUDO_MARK:  # made by this version of the generator
                return po
    with pot.open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(
        locale="en", domain="messages", project="profiles-gen pseudo-locale", fuzzy=False
    )
    catalog._num_plurals, catalog._plural_expr = PSEUDO_PLURALS  # Babel has no setter
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = (pseudo(s) for s in message.id)
            string = (singular, plural, plural)
        elif message.context == "punctuation":  # how a label or a list item is set off
            string = message.id
        else:
            string = pseudo(message.id)
        added = catalog.add(
            message.id,
            string,
            context=message.context,
            locations=message.locations,
            flags=message.flags - {"fuzzy"},
        )
        if "no-python-format" in message.flags:
            added.flags.discard("python-format")  # Babel adds it back from the msgid
    po.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(_PSEUDO_MARK)
        write_po(fh, catalog, width=0)
    os.replace(tmp, po)
    return po
