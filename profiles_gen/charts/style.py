"""What every figure shares: fonts, colours and measures (in points), matplotlib set up."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

from profiles_gen.core.files import atomic_write
from profiles_gen.core.page import CHART_WIDTH_PT
from profiles_gen.core.paths import FONT_DIR, shared_cache_dir

FONT_FAMILY = "Noto Sans"


INK = "#1B1B1B"


COVER_BLUE = "#0B3D66"  # the covers' blue (templates/css/print.css)


GRID = "#767676"


SDG_COLOURS = (
    "#E5243B",
    "#DDA63A",
    "#4C9F38",
    "#C5192D",
    "#FF3A21",
    "#26BDE2",
    "#FCC30B",
    "#A21942",
    "#FD6925",
    "#DD1367",
    "#FD9D24",
    "#BF8B2E",
    "#3F7E44",
    "#0A97D9",
    "#56C02B",
    "#00689D",
    "#19486A",
)


WIDTH = CHART_WIDTH_PT  # of every chart, in points (core.page)


LABEL = 7.0  # the size of row labels, values and legends (pt): never smaller


# The smallest size a label inside the wheel or a tile may shrink to (pt): 11 px where a
# wide screen shows the print layout (``Layout``).
FLOOR = 6.0


@dataclass(frozen=True)
class Layout:
    """The measures a figure is drawn to, in the units of its SVG (points in print; CSS
    px where a figure is shown at its own width).

    ``print``: the PDF's figures, also shown on a wide screen (from 55rem, 880 px: the
    text column is then at least 848 px, so 6 units are at least 11.2 px).
    ``phone``: the figure rearranged for a phone's width (bars under their labels, the
    wheel alone at the screen's width), its smallest text 11.5 px at 340 px.
    """

    name: str
    width: float
    label: float  # row labels, values, legends
    floor: float  # the smallest size any text shrinks to
    narrow: bool = False


PRINT = Layout("print", WIDTH, LABEL, FLOOR)


PHONE = Layout("phone", 340.0, 12.0, 11.5, narrow=True)


LAYOUTS = {layout.name: layout for layout in (PRINT, PHONE)}


PAD = 1.2  # the clearance between a label and the edge of its area (pt)


# Attribute set on every text artist: the patch it must stay inside (None: the figure).
AREA = "profiles_gen_area"


@lru_cache(maxsize=1)
def mpl() -> SimpleNamespace:
    """matplotlib, imported and set up on first use (a build served from the cache never is)."""
    import matplotlib  # matplotlib: only when a chart is drawn

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # matplotlib: only when a chart is drawn
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Polygon, Rectangle, Wedge
    from matplotlib.text import Text

    for font in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    matplotlib.rcParams.update(
        {
            "font.family": [FONT_FAMILY, "DejaVu Sans"],
            "font.size": LABEL,
            "svg.fonttype": "none",
            "svg.hashsalt": "profiles-gen",
            "svg.id": None,
            "text.color": INK,
            "path.simplify": False,
            # Metrics as a PDF or a browser sets the SVG's text: unhinted.
            "text.hinting": "no_hinting",
            "text.usetex": False,  # text from a city folder is text: no TeX, no
            "text.parse_math": False,  # mathtext, so "$" is a dollar sign
        }
    )
    return SimpleNamespace(
        plt=plt,
        font_manager=font_manager,
        Figure=Figure,
        FigureCanvas=FigureCanvasAgg,
        Rectangle=Rectangle,
        Wedge=Wedge,
        Circle=Circle,
        Polygon=Polygon,
        Text=Text,
    )


@lru_cache(maxsize=1)
def style_key() -> str:
    """What a chart's look depends on besides its arguments: the code of the charts,
    matplotlib, fonts."""
    h = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.read_bytes())
    h.update(version("matplotlib").encode())
    for font in sorted(FONT_DIR.glob("*.ttf")):
        h.update(font.name.encode())
    return h.hexdigest()


def cache_folder() -> Path:
    """The chart cache's folder in the build's cache (``charts.draw.chart_cache`` may be set
    to another for a test)."""
    return shared_cache_dir() / "charts"


def _style_mark(folder: Path) -> Path:
    return folder / f"style-{style_key()[:32]}"


def style_drawn(folder: Path) -> bool:
    """Whether a chart has been drawn into the chart cache ``folder`` with the present code,
    matplotlib and fonts (``style_key``); if not, a build draws every chart it shows."""
    return _style_mark(folder).is_file()


def mark_style_drawn(folder: Path) -> None:
    mark = _style_mark(folder)
    if not mark.is_file():
        atomic_write(mark, "")
