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
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po, write_po

from profiles_gen.core.errors import ProfileError
from profiles_gen.core.paths import display_path
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


def coverage(lang: str, folder: Path | None = None) -> Coverage:
    result = Coverage(lang)
    path = po_path(lang, folder)
    catalog, skipped = read_catalogue(path, lang)
    lines = path.read_text(encoding="utf-8").splitlines()
    shown = display_path(path)
    for line, text in skipped:
        label = "header" if text.startswith("Plural-Forms") else "syntax"
        result.problems.append(Problem(shown, line, label, text, entry=False))
    for message in catalog:
        if not message.id:
            continue
        result.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        plural = message.pluralizable
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
    return result


@dataclass(frozen=True)
class SignOff:
    """Who translated a language and who reviewed it, from its catalogue's header."""

    translator: str
    reviewer: str
    review_date: str

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewer and self.review_date)

    def review_day(self) -> dt.date | None:
        """The review date, when it is written as ISO 8601 (``2026-11-20``)."""
        try:
            return dt.date.fromisoformat(self.review_date)
        except ValueError:
            return None


SIGN_OFF_RE = re.compile(r"^#\s*(Reviewed-By|Review-Date):[ \t]*(.*?)\s*$", re.M)
# "A. Translator <a@example.org>, B. Translator <b@example.org>": the credit keeps the names.
EMAIL_RE = re.compile(r"\s*<[^<>@\s]+@[^<>\s]+>|\s*\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
SIGN_OFF_LINES = (
    "Sign-off (read by profiles-gen: an edition is a draft until its language is\n"
    "reviewed; fill both lines when a reviewer has approved the translation):\n"
    "Reviewed-By:\n"
    "Review-Date:"
)


def without_emails(text: str) -> str:
    return EMAIL_RE.sub("", text).strip(" ,;")


def sign_off(lang: str, folder: Path | None = None) -> SignOff:
    """The sign-off of ``lang``: ``Last-Translator`` (without e-mail addresses, which are
    not printed), and the ``# Reviewed-By:`` and ``# Review-Date:`` lines of the header
    comment (which ``pybabel update`` keeps)."""
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
    return SignOff(
        without_emails(who),
        without_emails(fields.get("Reviewed-By", "")),
        fields.get("Review-Date", ""),
    )


SHOWN = 20  # untranslated and fuzzy strings listed without --verbose


def report(cov: Coverage, verbose: bool = False, shown: int = SHOWN) -> list[str]:
    """The coverage line, the sign-off, then the strings still to do: all of them when
    ``verbose``, else the first ``shown`` and how many more there are."""
    lines = [
        f"{cov.lang}: {cov.done}/{cov.total} translated ({cov.percent:.1f} %), "
        f"{len(cov.untranslated)} untranslated, {len(cov.fuzzy)} fuzzy, "
        f"{len(cov.broken)} with a broken placeholder, per cent sign, plural forms or markup"
    ]
    signed = sign_off(cov.lang)
    review = (
        f"reviewed by {signed.reviewer} on {signed.review_date}"
        if signed.reviewed
        else "not reviewed: its editions are marked as drafts"
    )
    lines.append(f"  translated by {signed.translator or '(not recorded)'}; {review}")
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


def init_language(lang: str, folder: Path | None = None) -> Path:
    """Start the catalogue of a new language from ``messages.pot``, with the sign-off lines
    in its header comment and the plural forms of the language (from CLDR)."""
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
    comment = catalog.header_comment.rstrip("\n#")
    sign = "\n".join("# " + line for line in SIGN_OFF_LINES.split("\n"))
    catalog.header_comment = f"{comment}\n#\n{sign}"
    po.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        write_po(fh, catalog, width=0)
    os.replace(tmp, po)
    fix_format_flags(po)
    return po


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
    return problems
