"""Every character of an edition must have a glyph in the publication's fonts."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.paths import TEMPLATES_DIR
from profiles_gen.i18n.messages import po_path
from profiles_gen.publish.styles import FONT_FILES


def check_glyphs(html: str, city, lang: str) -> None:
    """Fail on a character that none of the publication's fonts can draw, saying where."""

    pass

    text = htmllib.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S))
    missing = missing_glyphs(text, FONT_FILES)
    if not missing:
        return
    sources = sorted(p for p in city.dir.rglob("*") if p.suffix in (".yaml", ".md"))
    sources += [po_path(lang)] + sorted(TEMPLATES_DIR.rglob("*.html"))
    issues = []
    for char in missing:
        name = unicodedata.name(char, "unnamed")
        where = locate(char, sources)
        message = (
            f"U+{ord(char):04X} {name} ({char!r}) has no glyph in the publication's "
            f"fonts ({', '.join(f.stem for f in FONT_FILES)})"
        )
        issues.append(
            Issue(
                where.path if where else f"{lang} edition",
                where.line if where else 0,
                where.col if where else 0,
                "glyph",
                message,
            )
        )
    raise ProfileError(issues)


@lru_cache(maxsize=8)
def _cmap(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fontTools: only when an edition's glyphs are checked

    return frozenset(TTFont(str(font), lazy=True).getBestCmap())


def covered(fonts: tuple[Path, ...]) -> frozenset[int]:
    return frozenset().union(*(_cmap(f) for f in fonts))


def missing_glyphs(text: str, fonts: tuple[Path, ...]) -> list[str]:
    """Characters of ``text`` that none of ``fonts`` can draw (white space aside)."""
    have = covered(fonts)
    return sorted(
        {
            ch
            for ch in text
            if ord(ch) not in have and not ch.isspace() and ord(ch) not in (0x00AD, 0x200B, 0xFEFF)
        }
    )


def locate(char: str, files: list[Path]) -> Issue | None:
    """The first place in ``files`` where ``char`` occurs, as an issue position."""
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for n, line in enumerate(lines, start=1):
            col = line.find(char)
            if col >= 0:
                return Issue(str(path), n, col + 1, "glyph", "")
    return None
