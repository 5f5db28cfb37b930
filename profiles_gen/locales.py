"""Coverage of the gettext catalogues, for translators and for release checks.

``pybabel compile --statistics`` counts an untranslated plural entry as done
and skips fuzzy entries, so coverage is computed here: an entry counts only
when every ``msgstr[i]`` is filled and it is not fuzzy. Strings from the
templates are formatted with ``%`` (newstyle gettext), so each of their
translations must survive formatting with the msgid's own placeholders.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from profiles_gen.i18n import PSEUDO, locales_dir, po_path

PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")


@dataclass
class Coverage:
    lang: str
    total: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.total - len(self.untranslated) - len(self.fuzzy)

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.broken)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


def _label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"[{message.context}] {msgid}" if message.context else msgid


def _breaks_formatting(message, strings: tuple[str, ...]) -> bool:
    if not message.locations or not all(p.startswith("templates/") for p, _ in message.locations):
        return False
    msgid = " ".join(message.id) if isinstance(message.id, tuple) else message.id
    names = dict.fromkeys(PLACEHOLDER_RE.findall(msgid), "1")
    for text in strings:
        try:
            text % names
        except (ValueError, KeyError, TypeError):
            return True
    return False


def coverage(lang: str, folder: Path | None = None) -> Coverage:
    result = Coverage(lang)
    with po_path(lang, folder).open("rb") as fh:
        catalog = read_po(fh, locale=lang.replace("-", "_"))
    for message in catalog:
        if not message.id:
            continue
        result.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            result.untranslated.append(_label(message))
        elif message.fuzzy:
            result.fuzzy.append(_label(message))
        elif _breaks_formatting(message, strings):
            result.broken.append(_label(message))
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


SIGN_OFF_RE = re.compile(r"^#\s*(Reviewed-By|Review-Date):[ \t]*(.*?)\s*$", re.M)


def sign_off(lang: str, folder: Path | None = None) -> SignOff:
    """The sign-off of ``lang``: ``Last-Translator``, and the ``# Reviewed-By:`` and
    ``# Review-Date:`` lines of the header comment (which ``pybabel update`` keeps)."""
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
    return SignOff(who, fields.get("Reviewed-By", ""), fields.get("Review-Date", ""))


def report(cov: Coverage, verbose: bool = True) -> list[str]:
    lines = [
        f"{cov.lang}: {cov.done}/{cov.total} translated ({cov.percent:.1f} %), "
        f"{len(cov.untranslated)} untranslated, {len(cov.fuzzy)} fuzzy, "
        f"{len(cov.broken)} with a broken placeholder or per cent sign"
    ]
    signed = sign_off(cov.lang)
    review = (
        f"reviewed by {signed.reviewer} on {signed.review_date}"
        if signed.reviewed
        else "not reviewed: its editions are marked as drafts"
    )
    lines.append(f"  translated by {signed.translator or '(not recorded)'}; {review}")
    if verbose:
        for kind, items in (
            ("untranslated", cov.untranslated),
            ("fuzzy", cov.fuzzy),
            ("broken", cov.broken),
        ):
            lines += [f"  {kind}: {item}" for item in items]
    return lines


_PSEUDO_MAP = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçďéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĎÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_KEEP_RE = re.compile(r"(%\(\w+\)s|%%|&\w+;|<[^>]*>|https?://\S+)")


def pseudo(text: str) -> str:
    """Accent every letter and bracket the string; placeholders, entities and URLs kept."""
    parts = _KEEP_RE.split(text)
    return (
        "[" + "".join(p if i % 2 else p.translate(_PSEUDO_MAP) for i, p in enumerate(parts)) + "]"
    )


def ensure_pseudo(folder: Path | None = None) -> Path:
    """Write the pseudo-locale catalogue from ``messages.pot`` when it is missing or stale."""
    folder = folder or locales_dir()
    pot = folder / "messages.pot"
    po = po_path(PSEUDO, folder)
    if po.is_file() and po.stat().st_mtime_ns >= pot.stat().st_mtime_ns:
        return po
    with pot.open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(
        locale="en", domain="messages", project="profiles-gen pseudo-locale", fuzzy=False
    )
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string = tuple(pseudo(s) for s in message.id)
        else:
            string = pseudo(message.id)
        catalog.add(
            message.id,
            string,
            context=message.context,
            locations=message.locations,
            flags=message.flags - {"fuzzy"},
        )
    po.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"# Generated by profiles-gen from messages.pot: do not edit.\n")
        write_po(fh, catalog, width=0)
    os.replace(tmp, po)
    return po


def edition_warnings(city, lang: str) -> list[tuple[str, str]]:
    """What an edition of ``city`` (a city or volume) in ``lang`` will show in English:
    the narrative, if it has none in ``lang``, and the strings its catalogue lacks."""
    problems = []
    if not city.chapters.get(lang):
        problems.append(
            (
                f"{_rel(city.dir)}/narrative/{lang}",
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
    return problems


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
