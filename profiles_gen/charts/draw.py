"""A ``Spec`` drawn as accessible SVG through the chart cache."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path

from profiles_gen.charts.figures import FIGURES
from profiles_gen.charts.style import GRID, mpl, style_key
from profiles_gen.core.files import atomic_write
from profiles_gen.core.paths import cache_dir
from profiles_gen.i18n.marks import strip_all, strip_marks
from profiles_gen.scoring.score import BAND_COLOURS, INSUFFICIENT

LEGIBLE_PX = 11.5  # the smallest chart text on a phone, in CSS px (11 and a margin)


_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')


_FONT_SIZE = re.compile(r'font-size[=:]\s*"?([\d.]+)(?:px)?')


def legible_width(svg: str) -> int | None:
    """The width in CSS px at which a chart's smallest text is ``LEGIBLE_PX`` tall.

    On a phone a figure is drawn at least this wide and scrolls sideways, rather than
    shrinking its labels to a few pixels. ``None`` for a chart without text.
    """
    box = _VIEWBOX.search(svg)
    sizes = [float(s) for s in _FONT_SIZE.findall(svg) if float(s) > 0]
    if not box or not sizes:
        return None
    return math.ceil(float(box.group(1)) * LEGIBLE_PX / min(sizes))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    # The chart's data as a table for readers who cannot see it: (headers, rows).
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] = ((), ())


@dataclass(frozen=True)
class Spec:
    """What a chart shows: its kind (a figure function), id, captions, data and arguments."""

    kind: str
    id: str
    title: str
    description: str
    data: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
    args: dict = field(default_factory=dict)


CACHE_DIR: Path | None = None  # None: ``charts/`` in the cache folder (``paths.cache_dir``)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def draw(spec: Spec) -> Chart:
    """The chart of ``spec`` as accessible SVG, cached by the hash of the spec and the style
    (``charts/`` in the cache folder): the entry holds the whole chart, data included."""
    key = hashlib.sha256(f"{style_key()}{spec!r}".encode()).hexdigest()
    path = (CACHE_DIR or cache_dir() / "charts") / key[:2] / f"{key}.json"
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return Chart(**{**stored, "data": _tuples(stored["data"])})
        except (ValueError, TypeError, KeyError):
            pass  # a damaged entry is drawn again and replaced
    svg = _svg(figure(spec), spec.id)
    chart = Chart(
        spec.id,
        spec.title,
        spec.description,
        _accessible(svg, spec.id, spec.title, spec.description),
        spec.data,
    )

    atomic_write(path, json.dumps(chart.__dict__, ensure_ascii=False))
    return chart


def figure(spec: Spec):
    """The matplotlib figure of ``spec`` (each text artist carries its ``AREA``). A drawing
    cannot say a label's language: the marks of text in another language are dropped
    (the chart's title, description and data table in the page keep them)."""
    return FIGURES[spec.kind](**strip_all(spec.args))


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
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        bbox_inches="tight",
        pad_inches=0.02,
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


def with_id(chart: Chart, chart_id: str) -> Chart:
    """``chart`` under another id: the ids inside its SVG are renamed to match."""
    if chart_id == chart.id:
        return chart
    svg = chart.svg.replace(f'id="{chart.id}-', f'id="{chart_id}-')
    svg = svg.replace(f"#{chart.id}-", f"#{chart_id}-")
    svg = svg.replace(
        f'aria-labelledby="{chart.id}-title {chart.id}-desc"',
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"',
    )
    return replace(chart, id=chart_id, svg=svg)
