"""Coverage of the gettext catalogues, for translators and for release checks.

``pybabel compile --statistics`` counts an untranslated plural entry as done
and skips fuzzy entries, so coverage is computed here: an entry counts only
when every ``msgstr[i]`` is filled and it is not fuzzy. Strings from the
templates are formatted with ``%`` (newstyle gettext), so each of their
translations must survive formatting with the msgid's own placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from profiles_gen.i18n import LOCALES_DIR, po_path

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


def coverage(lang: str, locales_dir: Path = LOCALES_DIR) -> Coverage:
    result = Coverage(lang)
    with po_path(lang, locales_dir).open("rb") as fh:
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


def report(cov: Coverage, verbose: bool = True) -> list[str]:
    lines = [
        f"{cov.lang}: {cov.done}/{cov.total} translated ({cov.percent:.1f} %), "
        f"{len(cov.untranslated)} untranslated, {len(cov.fuzzy)} fuzzy, "
        f"{len(cov.broken)} with a broken placeholder or per cent sign"
    ]
    if verbose:
        for kind, items in (
            ("untranslated", cov.untranslated),
            ("fuzzy", cov.fuzzy),
            ("broken", cov.broken),
        ):
            lines += [f"  {kind}: {item}" for item in items]
    return lines
