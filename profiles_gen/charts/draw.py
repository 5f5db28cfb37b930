"""A ``Spec`` drawn as accessible SVG through the chart cache."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass, field, replace
from html import escape, unescape
from pathlib import Path

from profiles_gen.charts.figures import FIGURES
from profiles_gen.charts.style import (
    GRID,
    LAYOUTS,
    cache_folder,
    mark_style_drawn,
    mpl,
    style_key,
)
from profiles_gen.charts.text import hyphenation, shaped_layout
from profiles_gen.core import subset
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import FONT_DIR
from profiles_gen.i18n.marks import strip_all, strip_marks
from profiles_gen.scoring.score import BAND_COLOURS, INSUFFICIENT


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its SVG files (one per layout, in the chart cache), captions, data."""

    id: str
    title: str
    description: str
    # The SVG file of each layout ("print": the PDF's and a wide screen's), absolute paths.
    files: dict[str, str]
    # The chart's data as a table for readers who cannot see it: (headers, rows).
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] = ((), ())
    # Each layout's size in CSS px, (width, height): a page gives its <img> and <source> these,
    # so that the text does not move when a picture loads late (loading="lazy").
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def svg(self) -> str:
        """The print layout's SVG (its first piece)."""
        return Path(self.files["print"]).read_text(encoding="utf-8")

    @property
    def pieces(self) -> list[str]:
        """The print layout's pieces, top to bottom: a figure too tall for a page is drawn
        as several (``print``, ``print-2``, …), each with its own axis."""
        return [k for k in self.files if k == "print" or k.startswith("print-")]


@dataclass(frozen=True)
class Spec:
    """What a chart shows: its kind (a figure function), id, captions, data and arguments."""

    kind: str
    id: str
    title: str
    description: str
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
    args: dict = field(default_factory=dict)
    lang: str = "en"  # the language its labels hyphenate in
    layouts: tuple[str, ...] = ("print", "phone")  # the layouts it is drawn to


CACHE_DIR: Path | None = None  # None: ``charts/`` in ``paths.shared_cache_dir()``


def chart_cache() -> Path:
    """The folder of the chart cache (its SVG files are read by WeasyPrint from there)."""
    return CACHE_DIR or cache_folder()


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def draw(spec: Spec, layouts: tuple[str, ...] | None = None) -> Chart:
    """The chart of ``spec`` as accessible SVG files, one per layout (of ``layouts``, else
    all of the spec's: a build of the PDF alone needs no phone layout), cached by the hash
    of the spec and the style (``charts/`` in the cache folder): a JSON entry holds the
    captions, the data and the files drawn so far, each layout's SVG beside it."""
    key = hashlib.sha256(f"{style_key()}{spec!r}".encode()).hexdigest()
    folder = chart_cache() / key[:2]
    entry = folder / f"{key}.json"
    wanted = [layout for layout in spec.layouts if layouts is None or layout in layouts]
    files: dict[str, str] = {}
    if entry.is_file():
        try:
            stored = json.loads(entry.read_text(encoding="utf-8"))
            files = {name: str(folder / file) for name, file in stored["files"].items()}
        except (ValueError, TypeError, KeyError, AttributeError):
            pass  # a damaged entry is drawn again and replaced
        if not all(Path(f).is_file() for f in files.values()):
            files = {}
    drawn_layouts = {name.split("-")[0] for name in files}
    missing = [layout for layout in wanted if layout not in drawn_layouts]
    for layout in missing:
        drawn = figure(spec, layout)
        pieces = drawn if isinstance(drawn, list) else [drawn]
        for n, fig in enumerate(pieces, 1):
            name = layout if n == 1 else f"{layout}-{n}"
            path = folder / f"{key}.{name}.svg"
            svg = _accessible(_svg(fig, spec.id), spec.id, spec.title, spec.description)
            atomic_write(path, '<?xml version="1.0" encoding="utf-8"?>\n' + svg)
            files[name] = str(path)
    if missing:
        mark_style_drawn(chart_cache())
    # In the spec's order of layouts, each layout's pieces in theirs.
    files = dict(sorted(files.items(), key=lambda kv: _file_order(spec, kv[0])))
    sizes = {name: svg_size(path) for name, path in files.items()}
    chart = Chart(spec.id, spec.title, spec.description, files, spec.data, sizes)
    if missing or not entry.is_file():
        stored = {**chart.__dict__, "files": {k: Path(v).name for k, v in files.items()}}
        del stored["sizes"]  # read from the files themselves
        atomic_write(entry, json.dumps(stored, ensure_ascii=False))
    return chart


_SIZE = re.compile(r'(<svg [^>]*?)width="([\d.]+)pt" height="([\d.]+)pt"')


def _px(found: re.Match) -> tuple[int, int]:
    return round(float(found.group(2)) * 4 / 3), round(float(found.group(3)) * 4 / 3)


def svg_size(path: str) -> tuple[int, int]:
    """The size in whole CSS px (96 per inch) of a chart's SVG, as matplotlib wrote it (in
    pt); ``with_px_size`` gives the HTML edition's copy exactly this size."""
    with open(path, encoding="utf-8") as f:
        head = f.read(2000)
    found = _SIZE.search(head)
    return _px(found) if found else (0, 0)


def with_px_size(svg: str) -> str:
    """``svg`` sized in whole CSS px (``svg_size``; its viewBox unchanged): the page's <img>
    reserves a place of that size before the picture loads, and the picture, loaded, has the
    same proportions to the pixel, so that nothing below it moves (not even by a fraction
    of a pixel, which would scroll a reader's page)."""
    found = _SIZE.search(svg, 0, 2000)
    if found is None:
        return svg
    width, height = _px(found)
    return (
        svg[: found.start()]
        + f'{found.group(1)}width="{width}" height="{height}"'
        + svg[found.end() :]
    )


def _file_order(spec: Spec, name: str) -> tuple[int, int]:
    layout, _, piece = name.partition("-")
    return spec.layouts.index(layout), int(piece or 1)


def figure(spec: Spec, layout: str = "print"):
    """The matplotlib figure of ``spec`` in ``layout`` (each text artist carries its
    ``AREA``), its labels hyphenated in the spec's language. A drawing cannot say a label's
    language: the marks of text in another language are dropped (the chart's title,
    description and data table in the page keep them)."""
    shaped_layout()
    with hyphenation(spec.lang):
        return FIGURES[spec.kind](**strip_all(spec.args), layout=LAYOUTS[layout])


def _hatch_insufficient(fig) -> None:
    """Roll-ups with too few KPIs scored: neutral hatching over their neutral fill (issue 16),
    wherever a chart draws them (wheel segments, chips, tiles, legend)."""
    # matplotlib: only when a chart is drawn, not served from the cache
    from matplotlib.colors import to_hex

    neutral = BAND_COLOURS[INSUFFICIENT].lower()
    for ax in fig.axes:
        for patch in ax.patches:
            if to_hex(patch.get_facecolor()).lower() == neutral:
                patch.set_hatch("//")
                patch.set_edgecolor(GRID)


def _svg(fig, chart_id: str) -> str:
    m = mpl()
    _hatch_insufficient(fig)
    # Nothing clipped to the axes, which cover the whole figure (``new_canvas``): the SVG's
    # own bounds clip as they did. Each element's clip path cost the PDF a clip of its own.
    for artist in fig.findobj():
        artist.set_clip_on(False)
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    m.plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE
    # Prefix ids so several charts can be inline in one page without clashes.
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    # Presentation attributes instead of style attributes: the same rendering in
    # browsers and WeasyPrint, and no CSS for an HTML style parser to trip over.
    return _STYLE_RE.sub(_style_to_attributes, svg)


_STYLE_RE = re.compile(r' style="([^"]*)"')


def _style_to_attributes(match: re.Match) -> str:
    attrs = []
    for declaration in match.group(1).split(";"):
        if ":" in declaration:
            name, value = (part.strip() for part in declaration.split(":", 1))
            attrs.append(f' {name}="{value}"')
    return "".join(attrs)


def _accessible(svg: str, chart_id: str, title: str, desc: str) -> str:

    head = f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
    svg = svg.replace("<svg ", head, 1)
    pos = svg.index(">", svg.index("<svg")) + 1
    return (
        svg[:pos] + f'<title id="{chart_id}-title">{escape(strip_marks(title))}</title>'
        f'<desc id="{chart_id}-desc">{escape(strip_marks(desc))}</desc>' + svg[pos:]
    )


def chart_src(chart: Chart, media: str, layout: str = "print") -> str:
    """Where a page finds ``chart``'s SVG of ``layout``: the PDF reads the chart cache's file,
    the HTML edition its own copy (``charts/ID.svg``, ``charts/ID-phone.svg``)."""
    if media == "print":
        return Path(chart.files[layout]).as_uri()
    return f"charts/{chart_file(chart.id, layout)}"


def chart_file(chart_id: str, layout: str) -> str:
    """The name of a chart's SVG of ``layout`` in an HTML edition: ``ID.svg`` (print),
    ``ID-2.svg`` (its second piece), ``ID-phone.svg``."""
    return f"{chart_id}{'' if layout == 'print' else '-' + layout.removeprefix('print-')}.svg"


_TEXT = re.compile(r"<text([^>]*)>(.*?)</text>", re.S)


# The faces a chart's text is set in (style.FONT_FAMILY, then DejaVu Sans for a glyph Noto
# Sans lacks), by weight.
_FACES = {
    "normal": ("NotoSans-Regular.ttf", "DejaVuSans.ttf"),
    "bold": ("NotoSans-Bold.ttf", "DejaVuSans.ttf"),
}


def glyphs_used(svg: str) -> dict[str, set[str]]:
    """The characters of a chart's text, by weight ("normal", "bold")."""
    used: dict[str, set[str]] = {"normal": set(), "bold": set()}
    for attrs, text in _TEXT.findall(svg):
        weight = "bold" if 'font-weight="700"' in attrs or "bold" in attrs else "normal"
        used[weight] |= set(unescape(text))
    return used


def font_style(used: dict[str, set[str]]) -> str:
    """A ``<style>`` with the faces the charts' text is set in, subset to ``used``: a
    picture in an ``<img>`` loads no web font of its page, so a chart shown in a browser
    carries the glyphs it uses (WOFF2), and the browser sets its text as matplotlib
    measured it. Made once per set of characters, kept in the chart cache."""
    key = hashlib.sha256(
        repr(sorted((w, sorted(c)) for w, c in used.items())).encode()
        + style_key().encode()
        + (b"harfbuzz" if subset.available() else b"fontTools")  # their bytes differ
    ).hexdigest()
    path = chart_cache() / "fonts" / f"{key}.css"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    rules = []
    for weight, chars in used.items():
        for family, data in _subsets(weight, chars):
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
            )
    style = '<style type="text/css">' + " ".join(rules) + "</style>" if rules else ""
    atomic_write(path, style)
    return style


def with_fonts(svg: str, style: str) -> str:
    """``svg`` with ``style`` (``font_style``) as its first element."""
    pos = svg.index(">", svg.index("<svg")) + 1
    return svg[:pos] + style + svg[pos:]


# The tables a chart's font subset leaves out (see _subsets).
_DROPPED = ("FFTM", "DSIG")


def _subsets(weight: str, chars: set[str]) -> list[tuple[str, str]]:
    """(family, base64 WOFF2) of each face needed for ``chars``: the first face takes what
    it has, the next what is left."""
    # fontTools (with matplotlib and WeasyPrint): only when an HTML edition embeds fonts
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    found, left = [], {c for c in chars if not c.isspace()}
    for name in _FACES[weight]:
        if not left:
            break
        cmap = subset.cmap(FONT_DIR / name)
        have = {c for c in left if ord(c) in cmap}
        if not have:
            continue
        left -= have
        family = font_family(name)
        # With the fonts' kerning and ligatures: matplotlib measured the text with them (it
        # shapes through HarfBuzz, with its default features), so the browser sets it so.
        points = {ord(c) for c in have} | {ord(" ")}
        fast = subset.subset_font(
            FONT_DIR / name,
            points,
            drop_tables=_DROPPED,
            flags=subset.NO_HINTING | subset.NOTDEF_OUTLINE,
            names=False,
            features=None,
        )
        if fast is not None:  # HarfBuzz: a hundredth of fontTools' time
            found.append((family, base64.b64encode(subset.woff2(fast)).decode("ascii")))
            continue
        font = TTFont(FONT_DIR / name, recalcTimestamp=False)  # the same bytes on every run
        options = fonttools_subset.Options()
        options.flavor = "woff2"
        options.drop_tables += list(_DROPPED)
        options.hinting = False
        options.name_IDs = []
        options.notdef_outline = True
        sub = fonttools_subset.Subsetter(options)
        sub.populate(unicodes=sorted(points))
        sub.subset(font)
        buf = io.BytesIO()
        font.flavor = "woff2"
        font.save(buf)
        found.append((family, base64.b64encode(buf.getvalue()).decode("ascii")))
    return found


def font_family(name: str) -> str:
    return "DejaVu Sans" if name.startswith("DejaVu") else "Noto Sans"


def with_id(chart: Chart, chart_id: str) -> Chart:
    """``chart`` under another id (its files are named by it in an HTML edition)."""
    return chart if chart_id == chart.id else replace(chart, id=chart_id)
