"""The stylesheets of the two media: fonts, band colours, the common and the medium's CSS."""

from __future__ import annotations

from profiles_gen.core.page import page_css
from profiles_gen.core.paths import FONT_DIR, TEMPLATES_DIR
from profiles_gen.scoring.score import BAND_COLOURS, BAND_TEXT

CSS_DIR = TEMPLATES_DIR / "css"


FONT_FACES = (
    ("Noto Sans", "normal", "normal", "NotoSans-Regular.ttf"),
    ("Noto Sans", "italic", "normal", "NotoSans-Italic.ttf"),
    ("Noto Sans", "normal", "bold", "NotoSans-Bold.ttf"),
    ("Noto Sans", "italic", "bold", "NotoSans-BoldItalic.ttf"),
    ("DejaVu Sans", "normal", "normal", "DejaVuSans.ttf"),
)


FAMILIES = tuple(dict.fromkeys(family for family, *_ in FONT_FACES))


FONT_FILES = tuple(FONT_DIR / name for *_, name in FONT_FACES)


def fonts_css(url_for) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-style: {style}; font-weight: {weight}; '
        f'src: url("{url_for(name)}") format("truetype"); }}'
        for family, style, weight, name in FONT_FACES
    )


def bands_css() -> str:
    rules = [
        f".band-{b} {{ background: {c}; color: {BAND_TEXT[b]}; }}" for b, c in BAND_COLOURS.items()
    ]
    return "\n".join(rules)


def stylesheet(media: str, url_for) -> str:
    """The complete CSS of one medium: fonts, band colours, common and medium rules."""
    parts = [
        fonts_css(url_for),
        *([page_css()] if media == "print" else []),
        bands_css(),
        (CSS_DIR / "common.css").read_text("utf-8"),
        (CSS_DIR / f"{media}.css").read_text("utf-8"),
    ]
    return "\n".join(parts)


JS_DIR = CSS_DIR.parent / "js"
