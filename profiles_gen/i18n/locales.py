"""Translators' tools: coverage and checks of the gettext catalogues, sign-off, new
languages, and what each build will show in English.

``pybabel compile --statistics`` counts an untranslated plural entry as done
and skips fuzzy entries, so coverage is computed here: an entry counts only
when every ``msgstr[i]`` is filled and it is not fuzzy. Every translation is
also checked against its msgid (``i18n.message_problems``: the same named
placeholders, no stray ``%`` in a string the program formats, as many plural
forms as the header says), each problem reported with its line in the
``.po`` file. ``edition_warnings`` says what an edition will show in English.
This module depends on ``i18n``, never the reverse (the pseudo-locale is
generated there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po, write_po

from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.paths import display_path
from profiles_gen.data.validate import missing_texts
from profiles_gen.i18n.glossary import (
    Glossary,
    glossary_path,
    load_glossary,
    message_term_problems,
    starter_glossary,
)
from profiles_gen.i18n.marks import fallback_language
from profiles_gen.i18n.messages import (
    CATALOGUE_SOURCE,
    PSEUDO,
    locales_dir,
    message_problems,
    plural_forms,
    po_path,
    read_catalogue,
)


@dataclass(frozen=True)
class Problem:
    """A translation that cannot be used: shown in English by the build."""

    path: str
    line: int
    label: str
    text: str
    entry: bool = True  # False: a line Babel could not read, not a translation

    def format(self, severity: str = "error") -> str:
        return f"{self.path}:{self.line}: {severity}: {self.label}: {self.text}"


@dataclass
class Coverage:
    lang: str
    total: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Translations that do not follow the language's glossary, and problems of the
    # glossary itself: errors of ``locales check`` that never hide a translation.
    terms: list[Problem] = field(default_factory=list)
    digest: str = ""  # of every translation (``translations_digest``)
    entries: dict = field(default_factory=dict)  # (context, msgid) -> (msgstr line, strings)

    @property
    def broken(self) -> list[str]:
        """The labels of the entries with a problem, each once."""
        return list(dict.fromkeys(p.label for p in self.problems if p.entry))

    @property
    def done(self) -> int:
        return self.total - len(self.untranslated) - len(self.fuzzy) - len(self.broken)

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.problems)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0

    @property
    def errors(self) -> list[Problem]:
        """Everything ``locales check`` reports as an error: broken translations, lines
        it cannot read, glossary violations."""
        return self.problems + [p for p in self.terms if p.entry or p.label != "warning"]


def _label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"[{message.context}] {msgid}" if message.context else msgid


def _msgstr_line(lines: list[str], msgid_line: int, form: int, plural: bool) -> int:
    """The line of ``msgstr`` (or ``msgstr[form]``) of the entry whose msgid is on
    ``msgid_line`` (1-based)."""
    key = f"msgstr[{form}]" if plural else "msgstr"
    for number in range(msgid_line, len(lines) + 1):
        text = lines[number - 1]
        if text.startswith(key + " ") or text.startswith(key + '"'):
            return number
        if not text.strip():
            break
    return msgid_line


def glossary_of(lang: str, folder: Path | None = None) -> Glossary | None:
    """The glossary of ``lang`` (``locales/<lang>/glossary.tsv``), if it has one."""
    path = glossary_path(lang, folder or locales_dir())
    return load_glossary(path) if path.is_file() else None


def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else 0


def coverage(lang: str, folder: Path | None = None) -> Coverage:
    """How much of ``lang`` is translated, and every problem of its catalogue and glossary
    (read again when either file changes; a build asks for it several times)."""
    folder = (folder or locales_dir()).resolve()
    path = po_path(lang, folder)
    glossary = glossary_path(lang, folder)
    return _coverage(lang, folder, _stamp(path), _stamp(glossary), str(Path.cwd()))


@lru_cache(maxsize=8)
def _coverage(lang: str, folder: Path, po_stamp: int, glossary_stamp: int, cwd: str) -> Coverage:
    result = Coverage(lang)
    path = po_path(lang, folder)
    catalog, skipped = read_catalogue(path, lang)
    lines = path.read_text(encoding="utf-8").splitlines()
    shown = display_path(path)
    glossary = glossary_of(lang, folder) if lang != PSEUDO else None
    if glossary is not None:
        where = display_path(glossary.path)
        result.terms += [
            Problem(where, line, severity, text, entry=False)
            for line, severity, text in glossary.problems
        ]
    for line, text in skipped:
        label = "header" if text.startswith("Plural-Forms") else "syntax"
        result.problems.append(Problem(shown, line, label, text, entry=False))
    for message in catalog:
        if not message.id:
            continue
        result.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        plural = message.pluralizable
        result.entries[_key(message)] = (
            _msgstr_line(lines, message.lineno + 1, 0, plural),
            strings,
        )
        forms = plural_forms(lines, message.lineno + 1) if plural else None
        found = message_problems(message, catalog.num_plurals, forms)
        if not any(strings):
            result.untranslated.append(_label(message))
        elif message.fuzzy:
            result.fuzzy.append(_label(message))
        elif not all(strings) and not found:
            result.untranslated.append(_label(message))
        for form, text in found:
            line = _msgstr_line(lines, message.lineno + 1, form, plural)
            result.problems.append(Problem(shown, line, _label(message), text))
        if glossary is not None and not message.fuzzy:
            for form, text in message_term_problems(glossary, message):
                line = _msgstr_line(lines, message.lineno + 1, form, plural)
                label = _label(message)
                label = label if len(label) <= 60 else label[:59] + "…"
                result.terms.append(Problem(shown, line, "glossary", f"{text}, in “{label}”"))
    result.digest = translations_digest(catalog)
    return result


def _key(message) -> tuple[str, str]:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return (message.context or "", msgid)


def translations_digest(catalog) -> str:
    """``sha256:…`` of every entry of ``catalog`` (context, msgids, translations, fuzzy) and
    its plural rule: what a sign-off signs. Any change of a translation changes it."""
    h = hashlib.sha256(f"{catalog.num_plurals};{catalog.plural_expr}\n".encode())
    entries = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        entries.append([message.context or "", list(ids), list(strings), message.fuzzy])
    for entry in sorted(entries, key=lambda e: (e[0], e[1])):
        h.update(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
    return "sha256:" + h.hexdigest()


@dataclass(frozen=True)
class SignOff:
    """Who translated a language and who reviewed it, from its catalogue's header: the
    sign-off as written. Whether it holds is ``review``'s to say."""

    translator: str
    reviewer: str
    review_date: str
    digest: str = ""  # what the reviewer signed (``translations_digest``)
    line: int = 0  # of the Reviewed-By line in the .po file (0: none)

    @property
    def claimed(self) -> bool:
        """Whether the header names a reviewer and a date (valid or not)."""
        return bool(self.reviewer and self.review_date)

    def review_day(self) -> dt.date | None:
        """The review date, when it is written as ISO 8601 (``2026-11-20``)."""
        try:
            return dt.date.fromisoformat(self.review_date)
        except ValueError:
            return None


SIGN_OFF_RE = re.compile(r"^#\s*(Reviewed-By|Review-Date|Reviewed-Digest):[ \t]*(.*?)\s*$", re.M)
DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
# "A. Translator <a@example.org>, B. Translator <b@example.org>": the credit keeps the names.
EMAIL_RE = re.compile(r"\s*<[^<>@\s]+@[^<>\s]+>|\s*\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
SIGN_OFF_LINES = (
    "Sign-off (read by profiles-gen: an edition is a draft until a reviewer has approved\n"
    "every translation; `profiles-gen locales sign-off LANG --reviewer NAME` fills these\n"
    "lines once the catalogue is complete and without error, and any later change of a\n"
    "translation makes the editions drafts again):\n"
    "Reviewed-By:\n"
    "Review-Date:\n"
    "Reviewed-Digest:"
)


def without_emails(text: str) -> str:
    return EMAIL_RE.sub("", text).strip(" ,;")


def sign_off(lang: str, folder: Path | None = None) -> SignOff:
    """The sign-off of ``lang`` as written: ``Last-Translator`` (without e-mail addresses,
    which are not printed), and the ``# Reviewed-By:``, ``# Review-Date:`` and
    ``# Reviewed-Digest:`` lines of the header comment (which ``pybabel update`` and
    ``msgmerge`` keep)."""
    path = po_path(lang, folder)
    if lang == "en" or not path.is_file():
        return SignOff("", "", "")
    text = path.read_text(encoding="utf-8")
    header = text[: text.find('msgid ""')]
    fields = dict(SIGN_OFF_RE.findall(header))
    translator = re.search(r'"Last-Translator: ([^"\\]*)', text)
    who = translator.group(1).strip() if translator else ""
    if who.startswith("FULL NAME"):
        who = ""
    digest = DIGEST_RE.search(fields.get("Reviewed-Digest", ""))
    line = next(
        (n for n, t in enumerate(header.splitlines(), 1) if re.match(r"#\s*Reviewed-By:", t)), 0
    )
    return SignOff(
        without_emails(who),
        without_emails(fields.get("Reviewed-By", "")),
        fields.get("Review-Date", ""),
        digest.group(0) if digest else "",
        line,
    )


def reviewed_path(lang: str, folder: Path | None = None) -> Path:
    """The record of the translations a reviewer signed: ``locales/<lang>/reviewed.tsv``."""
    return (folder or locales_dir()) / lang / "reviewed.tsv"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m[1], m[1]), text)


def read_reviewed(lang: str, folder: Path | None = None) -> dict | None:
    """The signed translations, ``(context, msgid) -> strings``; None without a record."""
    path = reviewed_path(lang, folder)
    if not path.is_file():
        return None
    record = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        cells = [_unescape(c) for c in raw.split("\t")]
        if len(cells) >= 3:
            record[(cells[0], cells[1])] = tuple(cells[2:])
    return record


@dataclass(frozen=True)
class Review:
    """Whether the translation of a language is signed off, and if not, why."""

    lang: str
    signed: SignOff
    coverage: Coverage
    accepted: bool
    reasons: list[str]  # why a written sign-off does not hold
    changed: list[Problem]  # translations changed (or added) since the sign-off

    @property
    def draft(self) -> bool:
        return self.lang != "en" and not self.accepted


def review(lang: str, folder: Path | None = None, today: dt.date | None = None) -> Review:
    """The state of ``lang``'s sign-off. It holds only when the header names a reviewer
    and a real date (ISO 8601, not in the future), the catalogue is complete and without
    error (glossary included), and the digest it records is that of the translations as
    they are now: a translation changed since makes every edition a draft again."""
    if lang in ("en", PSEUDO):  # the source language; the generated pseudo-locale (a draft)
        return Review(lang, SignOff("", "", ""), Coverage(lang), lang == "en", [], [])
    cov = coverage(lang, folder)
    signed = sign_off(lang, folder)
    reasons: list[str] = []
    changed: list[Problem] = []
    if not signed.claimed:
        return Review(lang, signed, cov, False, ["not reviewed"], [])
    day = signed.review_day()
    if day is None:
        reasons.append(f"Review-Date {signed.review_date!r} is not a date written YYYY-MM-DD")
    elif day > (today or dt.date.today()):
        reasons.append(f"Review-Date {signed.review_date} is in the future")
    if not signed.digest:
        reasons.append(
            "the sign-off records no digest of what was reviewed "
            "(sign with `profiles-gen locales sign-off`)"
        )
    elif signed.digest != cov.digest:
        changed = changed_since_review(lang, cov, folder)
        reasons.append(
            f"{len(changed)} translation(s) changed since the review"
            if changed
            else "the translations changed since the review"
        )
    todo = len(cov.untranslated) + len(cov.fuzzy)
    if todo:
        reasons.append(f"{todo} string(s) untranslated or fuzzy")
    if cov.errors:
        reasons.append(f"{len(cov.errors)} error(s) in the catalogue or its glossary")
    unfilled = [p for p in cov.terms if not p.entry and p.label == "warning"]
    if unfilled:
        reasons.append(f"{len(unfilled)} framework term(s) of the glossary not translated")
    return Review(lang, signed, cov, not reasons, reasons, changed)


def changed_since_review(lang: str, cov: Coverage, folder: Path | None = None) -> list[Problem]:
    """The translations that differ from the signed record, each at its msgstr's line."""
    record = read_reviewed(lang, folder)
    if record is None:
        return []
    where = display_path(po_path(lang, folder))
    found = []
    for key, (line, strings) in cov.entries.items():
        label = f"[{key[0]}] {key[1]}" if key[0] else key[1]
        before = record.get(key)
        if before is None:
            found.append(Problem(where, line, label, "new since the review"))
        elif tuple(before) != tuple(strings):
            was = " | ".join(before)
            found.append(Problem(where, line, label, f"changed since the review (was: {was})"))
    return sorted(found, key=lambda p: p.line)


def sign(
    lang: str, reviewer: str, date: dt.date | None = None, folder: Path | None = None
) -> Review:
    """Record ``reviewer``'s sign-off of ``lang`` in its catalogue's header (name, date and
    the digest of the translations) and the signed translations in ``reviewed.tsv``.
    Refused, with the reasons, for a catalogue that is incomplete or has an error."""
    today = dt.date.today()
    date = date or today
    path = po_path(lang, folder)
    if lang in ("en", PSEUDO) or not path.is_file():
        raise ProfileError(f"no catalogue for language {lang!r} to sign off")
    if date > today:
        raise ProfileError(f"the review date {date.isoformat()} is in the future")
    if not reviewer.strip() or "\n" in reviewer:
        raise ProfileError("name the reviewer (one line)")
    cov = coverage(lang, folder)
    todo = len(cov.untranslated) + len(cov.fuzzy)
    unfilled = [p for p in cov.terms if not p.entry and p.label == "warning"]
    if todo or cov.errors or unfilled:
        issues = [
            Issue(p.path, p.line, 1 if p.line else 0, "" if not p.entry else p.label, p.text)
            for p in cov.errors + unfilled
        ]
        shown = display_path(path)
        if todo:
            issues.append(
                Issue(
                    shown,
                    0,
                    0,
                    "",
                    f"{todo} string(s) untranslated or fuzzy "
                    f"(`profiles-gen locales check --lang {lang} -v` lists them)",
                )
            )
        issues.append(Issue(shown, 0, 0, "", "not signed off: fix the above first"))
        raise ProfileError(issues)
    text = path.read_text(encoding="utf-8")
    start = text.find('msgid ""')
    header, body = text[:start], text[start:]
    values = {
        "Reviewed-By": reviewer.strip(),
        "Review-Date": date.isoformat(),
        "Reviewed-Digest": f"{cov.digest} ({cov.total} translations)",
    }
    for name, value in values.items():
        line = f"# {name}: {value}"
        pattern = re.compile(rf"^#\s*{name}:.*$", re.M)
        if pattern.search(header):
            header = pattern.sub(lambda _m, line=line: line, header, count=1)
        else:
            header = header.rstrip("\n") + "\n" + line + "\n"
    catalog, _ = read_catalogue(path, lang)
    rows = [
        f"# The translations of {display_path(path)} signed off by {reviewer.strip()} on "
        f"{date.isoformat()} ({cov.digest}).",
        "# Written by `profiles-gen locales sign-off`; `locales check` lists what changed "
        "since. Do not edit.",
    ]
    for message in sorted(catalog, key=lambda m: _key(m)):
        if not message.id:
            continue
        context, msgid = _key(message)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        rows.append("\t".join(_escape(c) for c in (context, msgid, *strings)))
    _write_text(reviewed_path(lang, folder), "\n".join(rows) + "\n")
    _write_text(path, header + body)
    return review(lang, folder)


def problem_line(p: Problem) -> str:
    """A problem as ``locales check`` prints it: a glossary's own at its line, with its
    severity; a translation's at the line of its msgstr."""
    if p.entry:
        return p.format()
    where = f"{p.path}:{p.line}" if p.line else p.path
    severity = p.label if p.label in ("error", "warning") else "error"
    label = "" if p.label in ("error", "warning") else f"{p.label}: "
    return f"{where}: {severity}: {label}{p.text}"


def review_lines(rv: Review, verbose: bool = False, shown: int = 20) -> list[str]:
    """``locales check``'s account of a sign-off: who, when, and whether it holds."""
    signed = rv.signed
    if not signed.claimed:
        state = "not reviewed: its editions are marked as drafts"
    elif rv.accepted:
        state = f"reviewed by {signed.reviewer} on {signed.review_date}"
    else:
        state = (
            f"signed off by {signed.reviewer} on {signed.review_date}, but the sign-off does "
            f"not hold ({'; '.join(rv.reasons)}): its editions are marked as drafts until "
            f"it is signed again"
        )
    lines = [f"  translated by {signed.translator or '(not recorded)'}; {state}"]
    changes = [f"  {p.path}:{p.line}: {p.label}: {p.text}" for p in rv.changed]
    if verbose or len(changes) <= shown:
        return lines + changes
    return lines + changes[:shown] + [f"  … and {len(changes) - shown} more (--verbose)"]


SHOWN = 20  # untranslated and fuzzy strings listed without --verbose


def report(cov: Coverage, verbose: bool = False, shown: int = SHOWN) -> list[str]:
    """The coverage line, then the strings still to do: all of them when ``verbose``,
    else the first ``shown`` and how many more there are."""
    lines = [
        f"{cov.lang}: {cov.done}/{cov.total} translated ({cov.percent:.1f} %), "
        f"{len(cov.untranslated)} untranslated, {len(cov.fuzzy)} fuzzy, "
        f"{len(cov.broken)} with a broken placeholder, per cent sign, plural forms or markup, "
        f"{sum(1 for p in cov.terms if p.entry)} not following the glossary"
    ]
    todo = [
        f"  {kind}: {item}"
        for kind, items in (("untranslated", cov.untranslated), ("fuzzy", cov.fuzzy))
        for item in items
    ]
    if verbose or len(todo) <= shown:
        return lines + todo
    more = len(todo) - shown
    return lines + todo[:shown] + [f"  … and {more} more (--verbose lists them all)"]


# --- keeping the catalogues valid for gettext's own tools -------------------------------
_FLAGS_RE = re.compile(r"^#,(.*)$", re.M)
_LOCATION_RE = re.compile(r"^#:(.*)$", re.M)


def fix_format_flags(path: Path) -> int:
    """Flag the KPI catalogue's strings ``no-python-format`` in a ``.po``/``.pot`` file.

    Babel flags every msgid that looks like a ``%`` directive ``python-format``, and
    "% of households" does (``% o``), so ``msgfmt -c`` (what Poedit runs on save and
    Weblate on import) rejects its translation. These strings are never formatted: the
    honest flag is ``no-python-format``, which ``msgmerge`` (Poedit, Weblate) carries
    from the template into every catalogue. Returns the number of entries changed.
    """
    text = path.read_text(encoding="utf-8")
    changed = 0
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        locations = [
            loc.rsplit(":", 1)[0] for m in _LOCATION_RE.finditer(block) for loc in m[1].split()
        ]
        flags_match = _FLAGS_RE.search(block)
        if not locations or not flags_match:
            continue
        if not all(loc.startswith(CATALOGUE_SOURCE) for loc in locations):
            continue
        flags = {f.strip() for f in flags_match[1].split(",") if f.strip()}
        if "python-format" not in flags:
            continue
        flags = (flags - {"python-format"}) | {"no-python-format"}
        line = "#, " + ", ".join(sorted(flags))
        blocks[i] = block[: flags_match.start()] + line + block[flags_match.end() :]
        changed += 1
    if changed:
        _write_text(path, "\n\n".join(blocks))
    return changed


# gettext's plural rules (GNU gettext, gettext-tools/src/plural-table.c; the gettext
# manual, "Plural forms"), which msgfmt, Poedit, Weblate and every translation memory
# expect. Babel's table follows CLDR, which gives French, Spanish, Italian and
# Portuguese a third form for millions ("1 000 000 de …") that no gettext tool knows.
_SLAVIC_EAST = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
GETTEXT_PLURALS = {
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
    **dict.fromkeys(
        "en de nl sv da no nb nn fo es pt it bg el fi et he eo hu tr".split(),
        "nplurals=2; plural=(n != 1);",
    ),
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "lt": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr"), _SLAVIC_EAST),
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    ),
}


def gettext_plural(lang: str) -> tuple[str, bool]:
    """The ``Plural-Forms`` of ``lang`` as gettext writes it, and whether it comes from
    gettext's table (False: Babel's, from CLDR, to be checked by the translator)."""
    for code in (lang, lang.split("_")[0]):
        if code in GETTEXT_PLURALS:
            return GETTEXT_PLURALS[code], True
    from babel.messages.plurals import get_plural  # only for a language gettext lacks

    rule = get_plural(lang)
    return f"nplurals={rule.num_plurals}; plural={rule.plural_expr};", False


@dataclass(frozen=True)
class NewLanguage:
    po: Path
    glossary: Path
    plural_forms: str
    plural_from_gettext: bool


def init_language(lang: str, folder: Path | None = None) -> NewLanguage:
    """Start a new language: its catalogue from ``messages.pot`` (with gettext's plural rule
    for the language, ``Language-Team`` named and the sign-off lines in its header
    comment) and its glossary of the framework's terms."""
    if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", lang):
        raise ProfileError(f"{lang!r} is not a language code such as fr or pt_BR")
    folder = folder or locales_dir()
    po = po_path(lang, folder)
    if po.exists():
        raise ProfileError(f"{display_path(po)}: error: the catalogue exists already")
    try:
        locale = Locale.parse(lang)
    except Exception:
        raise ProfileError(f"{lang!r} is not a language CLDR knows") from None
    with (folder / "messages.pot").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    catalog.locale = locale
    catalog.fuzzy = False
    catalog.revision_date = dt.datetime.now(dt.UTC)
    name = locale.get_display_name("en") or lang
    catalog.language_team = f"{name} <https://unece.org/housing>"
    plural, from_gettext = gettext_plural(lang)
    found = re.fullmatch(r"nplurals=(\d+); plural=(.*);", plural)
    catalog._num_plurals, catalog._plural_expr = int(found[1]), found[2]  # Babel: no setter
    comment = catalog.header_comment.rstrip("\n#")
    comment = comment.replace("Translations template", f"{name} translations")
    sign = "\n".join("# " + line for line in SIGN_OFF_LINES.split("\n"))
    catalog.header_comment = f"{comment}\n#\n{sign}"
    po.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        write_po(fh, catalog, width=0)
    os.replace(tmp, po)
    fix_format_flags(po)
    glossary = glossary_path(lang, folder)
    if not glossary.exists():
        _write_text(glossary, starter_glossary(name))
    return NewLanguage(po, glossary, plural, from_gettext)


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def edition_warnings(city, lang: str) -> list[tuple[str, str]]:
    """What an edition of ``city`` (a city or volume) in ``lang`` will show in English:
    the narrative, if it has none in ``lang``, the strings its catalogue lacks, and the
    translations that would break (each with its line)."""
    problems = []
    if not city.chapters.get(lang):
        problems.append(
            (
                f"{display_path(city.dir)}/narrative/{lang}",
                "no narrative in this language; the English chapters are used",
            )
        )
    if lang not in ("en", PSEUDO):
        cov = coverage(lang)
        missing = cov.untranslated + cov.fuzzy
        if missing:
            shown = "; ".join(missing[:10]) + ("; …" if len(missing) > 10 else "")
            problems.append(
                (
                    f"locales/{lang}/LC_MESSAGES/messages.po",
                    f"{len(missing)} string(s) untranslated or fuzzy, shown in English: {shown}",
                )
            )
        problems += [
            (f"{p.path}:{p.line}", f"{p.label}: {p.text}; this string is shown in English")
            for p in cov.problems
        ]
        rv = review(lang)
        if rv.signed.claimed and not rv.accepted:
            where = display_path(po_path(lang))
            problems.append(
                (
                    f"{where}:{rv.signed.line}" if rv.signed.line else where,
                    f"the sign-off by {rv.signed.reviewer} ({rv.signed.review_date}) does not "
                    f"hold: {'; '.join(rv.reasons)}; the edition is a draft "
                    f"(`profiles-gen locales check --lang {lang}` says what changed)",
                )
            )
    problems += _publication_fallbacks(city, lang)
    if lang not in getattr(city, "languages", (lang,)) and lang != PSEUDO:
        # A language the city does not list (--lang): its data texts were not checked.
        for other, path, n in missing_texts(replace(city, languages=(lang,))):
            problems.append(
                (
                    display_path(path),
                    f"{n} data text(s) have no {other!r} version: the {other!r} edition "
                    f"shows them in their own language, marked with it",
                )
            )
    return problems


def _publication_fallbacks(city, lang: str) -> list[tuple[str, str]]:
    """The publication's fields (and the names) an edition in ``lang`` shows in another
    language (``marks.fallback_language``), each with the file it comes from."""
    pub = city.publication
    volume = not hasattr(city, "records")
    fields = [
        ("name", city.name, None),
        ("country", getattr(city, "country", None) or {}, None),
        (
            "publication.title",
            pub.title,
            "Smart Sustainable Cities Profiles" if volume else "Smart Sustainable Cities Profile",
        ),
        ("publication.place", pub.place, None),
        ("publication.funding", pub.funding or {}, None),
    ]
    where = display_path(city.dir / ("volume.yaml" if volume else "city.yaml"))
    out = []
    for name, texts, default in fields:
        other = fallback_language(texts, lang, default)
        if other is not None and lang not in ("en",):
            out.append(
                (
                    where,
                    f"{name} has no {lang!r} version: the {lang!r} edition shows the "
                    f"{other!r} one, marked with its language (give {name}: {{{lang}: …}})",
                )
            )
    return out


def other_language_warnings(city, lang: str, shown: list[tuple[str, str]]) -> list[str]:
    """The build's warning about the texts an edition showed in another language than its
    own (``render.languages.marked_texts``): how many, and the first ones."""
    if not shown or lang in ("en", PSEUDO):
        return []
    where = display_path(po_path(lang)) if po_path(lang).is_file() else display_path(city.dir)
    first = "; ".join(
        f"[{other}] {text if len(text) <= 70 else text[:69] + '…'}" for other, text in shown[:8]
    )
    more = f"; … ({len(shown) - 8} more)" if len(shown) > 8 else ""
    return [
        f"{where}: warning: the {lang!r} edition of {city.slug} shows {len(shown)} text(s) "
        f"in another language, marked with it (lang in the HTML, /Lang in the PDF): "
        f"{first}{more}"
    ]
