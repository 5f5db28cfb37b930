"""The site's web fonts: each face subset to the characters the site's pages use, as WOFF2.

The publication's fonts (``profiles_gen/fonts``, TrueType, 2.8 MB in all) are what the PDF
embeds. A browser needs only the glyphs its pages show: every face is subset to the
characters of every page of the site (text, inline SVG, CSS ``content``), compressed as
WOFF2 and declared with the ``unicode-range`` it covers, so a browser downloads a face only
for a page that uses one of its characters. DejaVu Sans is the fallback of Noto Sans in
every font stack, so it carries only the characters a face of Noto Sans lacks (arrows, ≠,
−).

The fonts live once in the site's ``assets/fonts/`` and every edition of every language
refers to the same files: switching language downloads no font again.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from profiles_gen.core import subset
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import FONT_DIR
from profiles_gen.publish.styles import FONT_FACES

# The face whose characters no other face repeats (the first of the font stack).
PRIMARY = "Noto Sans"
# Always in the subsets: printable ASCII, so that a search field, an error message or a
# number shown by the script never falls back to another font.
BASE = frozenset(range(0x20, 0x7F))


@dataclass(frozen=True)
class WebFont:
    """One face as the site serves it: ``fonts/<file>`` and the characters it covers."""

    family: str
    style: str
    weight: str
    file: str  # e.g. NotoSans-Regular.woff2
    codepoints: tuple[int, ...]
    data: bytes


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
_CSS_STRING = re.compile(r"""content:\s*((?:"[^"]*"|'[^']*'|attr\([^)]*\)|\s)+)""")


def page_characters(text: str) -> set[int]:
    """The characters of an HTML page (character references resolved)."""
    return {ord(c) for c in set(html.unescape(text))}


def css_characters(css: str) -> set[int]:
    """The characters that a stylesheet's ``content`` declarations put on a page."""
    found: set[int] = set()
    for match in _CSS_STRING.finditer(css):
        strings = re.findall(r""""([^"]*)"|'([^']*)'""", match.group(1))
        for double, single in strings:
            text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), double or single)
            found |= {ord(c) for c in text}
    return found


def unicode_range(codepoints) -> str:
    """``U+20-7E, U+A0, …``: code points as the ranges of a ``@font-face``."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


_SUBSETS: dict[str, bytes] = {}  # this process's subsets, by key (tests build many times)


_cmap = subset.cmap


@functools.cache
def _digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _subset(path: Path, codepoints: tuple[int, ...], cache: Path) -> bytes:
    """``path`` subset to ``codepoints``, as WOFF2; kept in ``cache`` by its inputs.
    HarfBuzz subsets it where it can (``core.subset``), fontTools where it cannot."""
    # fontTools: only when the site's fonts are made (not for a PDF-only worker)
    import fontTools
    from fontTools import subset as fonttools_subset

    by = f"harfbuzz fontTools {fontTools.version}" if subset.available() else fontTools.version
    key = hashlib.sha256(
        by.encode() + _digest(path) + ",".join(map(str, codepoints)).encode()
    ).hexdigest()
    if key in _SUBSETS:
        return _SUBSETS[key]
    stored = cache / f"{key}.woff2"
    if stored.is_file():
        data = stored.read_bytes()
    else:
        # The licence and the font's names stay with it; FontForge's timestamps (FFTM) are
        # nothing a browser reads; the layout features are those fontTools keeps (and the
        # glyphs they reach: the same glyphs either way).
        font = subset.subset_font(
            path,
            codepoints,
            drop_tables=["FFTM"],
            features=fonttools_subset.Options().layout_features,
        )
        data = subset.woff2(font) if font is not None else _fonttools_subset(path, codepoints)
        atomic_write(stored, data)
    _SUBSETS[key] = data
    return data


def _fonttools_subset(path: Path, codepoints: tuple[int, ...]) -> bytes:
    """``path`` subset to ``codepoints`` by fontTools, as WOFF2 (where HarfBuzz is missing)."""
    # fontTools: only when the site's fonts are made without HarfBuzz
    from fontTools import subset as fonttools_subset

    options = fonttools_subset.Options()
    options.flavor = "woff2"
    options.drop_tables += ["FFTM"]
    options.name_IDs = ["*"]
    font = fonttools_subset.load_font(str(path), options)
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    buffer = io.BytesIO()
    fonttools_subset.save_font(font, buffer, options)
    return buffer.getvalue()


def web_fonts(codepoints: set[int], cache: Path) -> list[WebFont]:
    """Every face of the publication subset to ``codepoints`` (with printable ASCII); a face
    none of whose glyphs is needed is left out."""
    wanted = set(codepoints) | BASE
    # What every face of the primary family draws; the fallback draws the rest.
    primary = frozenset.intersection(
        *(_cmap(FONT_DIR / name) for family, *_, name in FONT_FACES if family == PRIMARY)
    )
    faces = []
    for family, style, weight, name in FONT_FACES:
        cmap = _cmap(FONT_DIR / name)
        needed = wanted & cmap if family == PRIMARY else (wanted - primary) & cmap
        if needed:
            faces.append((family, style, weight, name, tuple(sorted(needed))))
    # Side by side: HarfBuzz and Brotli, most of the time, let other threads run.
    with ThreadPoolExecutor(max(1, min(len(faces), os.cpu_count() or 1))) as pool:
        data = pool.map(lambda face: _subset(FONT_DIR / face[3], face[4], cache), faces)
        return [
            WebFont(family, style, weight, f"{Path(name).stem}.woff2", points, subset_data)
            for (family, style, weight, name, points), subset_data in zip(faces, data, strict=True)
        ]


def web_fonts_css(fonts: list[WebFont], folder: str = "fonts") -> str:
    """The ``@font-face`` rules of the site's fonts (URLs relative to the stylesheet)."""
    return "\n".join(
        f'@font-face {{ font-family: "{f.family}"; font-style: {f.style}; '
        f"font-weight: {f.weight}; font-display: swap; "
        f'src: url("{folder}/{f.file}") format("woff2"); '
        f"unicode-range: {unicode_range(f.codepoints)}; }}"
        for f in fonts
    )
