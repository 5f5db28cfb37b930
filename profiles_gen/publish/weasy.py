"""Everything that reaches into WeasyPrint's internals, in one place.

The rest of profiles-gen uses WeasyPrint's public API (``HTML``, ``CSS``, ``Attachment``,
``URLFetcher``, ``write_pdf(finisher=…)``). What it needs beyond that API:

1. **A language per structure element** (``tag_element_languages``): a city's text shown in
   another language than the edition's carries ``lang`` in the HTML, and a screen reader
   should switch voice in the PDF too. WeasyPrint 70 writes ``/Lang`` only in the document
   catalogue. Internal: ``weasyprint.pdf.tags._build_box_tree``, a generator of structure
   dictionaries per box. Removed once WeasyPrint's tagging writes an element's ``lang``
   itself (its PDF/UA work is grouped in Kozea/WeasyPrint#2482; per-element languages are
   not on that list yet).
2. **A user-agent sheet whose pseudo-element rules are scoped** (``publication_html``):
   see ``UA_SCOPES``. Internals: ``weasyprint.html.UA`` (the sheet's text), the
   ``HTML._ua_stylesheets`` method and ``weasyprint.html.UA_FORM_STYLESHEET``. Removed once
   WeasyPrint computes pseudo-element styles only for elements that generate the
   pseudo-element, or lets a caller replace the user-agent sheet.
3. **Where the pictures are** (``picture_boxes``): ``verify`` reads a PDF's text with poppler,
   which cannot tell a chart's labels from the page's own text, so the build records where
   each picture lies. Internals: ``Page._page_box`` and
   ``weasyprint.formatting_structure.boxes.ReplacedBox``. Without them nothing is recorded
   and ``verify`` reads that PDF with pypdf, which tells them apart by their scale.
4. **A chart's label set as one run** (``svg_text_in_runs``): WeasyPrint lays out and draws
   every letter of an SVG ``<text>`` on its own, so that each may have a position of its
   own (``x="1 2 3"``, ``dx``, ``rotate``), and so without kerning or ligatures. The charts'
   labels have one position each: laid out as one run, kerned, they are drawn as wide as
   matplotlib measured them when it fitted them to their places (it shapes through
   HarfBuzz; letter by letter, a label of the phone's width came out up to 2.4 pt wider), a
   Russian edition is laid out in a sixth less time and its PDF is a quarter smaller. Any
   other ``<text>`` is drawn by WeasyPrint's own function. Internals:
   ``weasyprint.svg.TAGS`` and the functions ``weasyprint.svg.text.text`` calls. Removed
   once WeasyPrint draws a text without positions per character as one run.

5. **The pages' references kept** (``kept_page_references``): pydyf's ``PDF.page_references``
   builds the tuple of every page's reference each time it is read, and WeasyPrint's
   tagging reads it for each structure element (16 000 times for a 60-page edition, 0.15 s).
   Kept until a page is added, it gives the same PDF to the byte. Internal: the property
   ``pydyf.PDF.page_references`` and ``PDF.pages["Kids"]``. Removed once pydyf or WeasyPrint
   keeps it.

Each internal is checked by ``tests/test_weasy.py``, which fails when a WeasyPrint release
changes it. If an internal is missing at run time, the patch is skipped and the edition is
laid out as plain WeasyPrint would (``internals_missing`` says which), never a crash: to
try a new WeasyPrint, raise the pin in ``pyproject.toml`` and run that test file.
"""

from __future__ import annotations

import math
import re
import sys

from profiles_gen.core.page import PT_PER_PX
from profiles_gen.publish.styles import CSS_DIR


def tag_element_languages() -> None:
    """Give a PDF structure element the ``/Lang`` of its HTML element's ``lang`` attribute
    (a city's text shown in another language than the edition's), so that a screen reader
    switches voice in the PDF as in the HTML. WeasyPrint tags only the document's language."""
    from weasyprint.pdf import tags  # WeasyPrint: only when a PDF is written

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "tags_languages", False):
        return

    def build_with_lang(box, *args, **kwargs):  # a generator, as the one it wraps
        import pydyf  # pydyf (with WeasyPrint): only when a PDF is written

        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and box.element_tag != "html" else None
        for structure in build(box, *args, **kwargs):
            if lang and "Lang" not in structure:
                structure["Lang"] = pydyf.String(lang)
            yield structure

    build_with_lang.tags_languages = True
    build_with_lang.wrapped = build
    tags._build_box_tree = build_with_lang


def kept_page_references() -> None:
    """Keep the pages' references once worked out (see the module's point 5): the same PDF,
    sooner."""
    import pydyf  # pydyf (with WeasyPrint): only when a PDF is written

    references = getattr(pydyf.PDF, "page_references", None)
    if isinstance(references, property) and not getattr(references.fget, "kept", False):
        built = references.fget

        def page_references(pdf):
            # Pages are only ever added (``add_page``): their count tells a stale tuple.
            count = len(pdf.pages["Kids"])
            kept = pdf.__dict__.get("_page_references")
            if kept is None or kept[0] != count:
                kept = pdf.__dict__["_page_references"] = (count, built(pdf))
            return kept[1]

        page_references.kept = True
        page_references.wrapped = built
        pydyf.PDF.page_references = property(page_references)


# The attributes that give a <text>'s characters positions or spacing of their own (or move
# its baseline): a text with any of them is drawn by WeasyPrint, letter by letter.
_PER_LETTER = ("dx", "dy", "rotate", "textLength", "letter-spacing", "direction")
_BASELINE = ("display-anchor", "dominant-baseline", "alignment-baseline")


def svg_text_in_runs() -> None:
    """Draw an SVG ``<text>`` with one position (a chart's label) as one run of text, not
    letter by letter (see the module's point 4)."""
    from weasyprint import svg  # WeasyPrint: only when a PDF is written

    letters = svg.TAGS.get("text")
    module = sys.modules.get("weasyprint.svg.text")
    if letters is None or getattr(letters, "in_runs", False) or module is None:
        return

    def text(tree, node, font_size):
        positions = [
            module.normalize(node.attrib.get(axis, "")).strip().split(" ") for axis in "xy"
        ]
        if (
            not node.text
            or any(name in node.attrib for name in _PER_LETTER + _BASELINE)
            or any(len(values) > 1 for values in positions)
        ):
            return letters(tree, node, font_size)
        return _text_run(tree, node, font_size, module, positions)

    text.in_runs = True
    text.wrapped = letters
    for tag, function in list(svg.TAGS.items()):
        if function is letters:
            svg.TAGS[tag] = text
    # ``draw_node`` tells a text element by its drawing function (``TAGS.get(tag) == text``,
    # the module's name for it): its text-anchor and bounding box are handled then.
    if getattr(svg, "text", None) is letters:
        svg.text = text


def _text_run(tree, node, font_size, module, positions) -> None:
    """What ``weasyprint.svg.text.text`` does for a text of one position, for the whole
    text at once: its style, its layout, its place (``x``, ``y``, else where the previous
    text ended), its bounding box (which ``text-anchor`` reads), then its glyphs."""
    from weasyprint.css.properties import INITIAL_VALUES  # WeasyPrint: only for a PDF
    from weasyprint.draw.text import draw_emojis, draw_first_line  # likewise
    from weasyprint.matrix import Matrix  # likewise
    from weasyprint.text.line_break import split_first_line  # likewise

    style = module.Style()
    style.update(INITIAL_VALUES)
    style.font_config = tree.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    try:
        style["font_weight"] = {"normal": 400, "bold": 700}.get(weight) or int(weight)
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    # Kerning and ligatures as CSS has them by default: as matplotlib measured the label (it
    # shapes through HarfBuzz with its default features), so that it fits where it was put.
    layout, _, _, width, height, baseline = split_first_line(
        node.text, style, tree.context, math.inf, 0
    )
    (x,), (y,) = positions
    # As WeasyPrint places a text's first letter: an explicit position drops the shift that
    # an earlier text's dx or dy left, else the text goes on where the previous one ended.
    if x:
        tree.cursor_d_position[0] = 0
    if y:
        tree.cursor_d_position[1] = 0
    x = module.size(x, font_size, tree.inner_width) if x else tree.cursor_position[0]
    y = module.size(y, font_size, tree.inner_height) if y else tree.cursor_position[1]
    tree.cursor_position = x + width, y
    left, top = x + tree.cursor_d_position[0], y + tree.cursor_d_position[1]
    points = ((left, top - baseline), (left + width, top - baseline + height))
    node.text_bounding_box = module.extend_bounding_box(node.text_bounding_box, points)
    tree.stream.push_state()
    fill, stroke = tree.set_graphical_state(node, font_size)
    tree.stream.begin_text()
    layout.reactivate(style)
    tree.fill_stroke(fill, stroke, text=True)
    box = module.TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(tree.stream, box, "none", "none", Matrix(a=1, d=-1, e=left, f=top))
    tree.stream.end_text()
    tree.stream.pop_state()
    draw_emojis(tree.stream, style, x, y, emojis)


# WeasyPrint's user-agent sheet has six rules on a bare pseudo-element (``::marker``,
# ``::footnote-call``, ``::footnote-marker`` and the three ``::note-*``): each one gives
# every element of the document a pseudo-element style that WeasyPrint computes and keeps
# for the whole layout. In an edition of some 10 000 elements that is over 60 000 styles,
# about 70 MB of the peak. Only list items and summaries carry a marker, and in this
# publication only ``.footnote`` floats as a footnote and nothing is a note, so the rules
# are scoped to those elements: the same PDF with a third less memory. Where narrative
# brings CSS of its own that makes a footnote or a note (raw HTML may), the edition is
# laid out with WeasyPrint's own sheet, as it would be without this.
UA_SCOPES = {
    "::marker {": ":is(li, summary)::marker {",
    "::footnote-call {": ".footnote::footnote-call {",
    "::footnote-marker {": ".footnote::footnote-marker {",
    "::note-call {": ".footnote::note-call {",
    "::note-marker {": ".footnote::note-marker {",
    "::note-callback {": ".footnote::note-callback {",
}


_OUT_OF_FLOW = re.compile(r"float\s*:\s*footnote|position\s*:\s*note\s*\(", re.I)


_UA: dict = {}


def scoped_ua_text(ua: str) -> str:
    """WeasyPrint's user-agent CSS with the universal pseudo-element rules scoped."""
    lines = ua.splitlines(keepends=True)
    for bare, scoped in UA_SCOPES.items():
        hits = [i for i, line in enumerate(lines) if line.startswith(bare)]
        if len(hits) != 1:  # another WeasyPrint: its stock sheet, never a half-scoped one
            return ua
        lines[hits[0]] = scoped + lines[hits[0]][len(bare) :]
    return "".join(lines)


def scoped_ua_applies(html: str) -> bool:
    """True unless ``html`` makes a footnote or a note beyond the publication's own CSS."""
    own = sum(
        len(_OUT_OF_FLOW.findall((CSS_DIR / f"{name}.css").read_text("utf-8")))
        for name in ("common", "print")
    )
    return len(_OUT_OF_FLOW.findall(html)) <= own


def publication_html(string: str, **kwargs):
    """``weasyprint.HTML`` of ``string``, with the scoped user-agent sheet where it applies."""
    from weasyprint import CSS, HTML  # WeasyPrint: only when a PDF is written
    from weasyprint import html as ua
    from weasyprint.css.counters import CounterStyle

    if not scoped_ua_applies(string) or "ua-sheet" in internals_missing():
        return HTML(string=string, **kwargs)
    if "sheet" not in _UA:  # its @counter-style rules are WeasyPrint's, already known to
        # ua.UA_COUNTER_STYLE, which lays out every document: parsed into a set of their own
        _UA["sheet"] = CSS(string=scoped_ua_text(ua.UA), counter_style=CounterStyle())

    class PublicationHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [_UA["sheet"], ua.UA_FORM_STYLESHEET] if forms else [_UA["sheet"]]

    return PublicationHTML(string=string, **kwargs)


def picture_boxes(document) -> list[list[float]]:
    """Where ``document``'s pictures (charts, photos, emblems) lie once laid out: per
    picture ``[page, left, top, right, bottom]``, the page counted from 0, in points from
    the top left corner of the trimmed page as laid out (a landscape page: as it is read,
    not as it is turned in the book). Empty if WeasyPrint's internals have changed."""
    from weasyprint.formatting_structure import boxes  # WeasyPrint: only when a PDF is written

    replaced = getattr(boxes, "ReplacedBox", None)
    found: list[list[float]] = []
    for number, page in enumerate(document.pages):
        stack = [getattr(page, "_page_box", None)]
        while stack:
            box = stack.pop()
            if replaced is not None and isinstance(box, replaced):
                x, y = box.content_box_x(), box.content_box_y()
                edges = (x, y, x + box.width, y + box.height)
                found.append([number, *(round(v * PT_PER_PX, 2) for v in edges)])
            stack.extend(getattr(box, "children", ()))
    found.sort()
    return found


def internals_missing() -> list[str]:
    """The patches of this module that the installed WeasyPrint no longer supports."""
    from weasyprint import HTML  # WeasyPrint: only when a PDF is written
    from weasyprint import html as ua
    from weasyprint.pdf import tags

    missing = []
    if not callable(getattr(tags, "_build_box_tree", None)):
        missing.append("element-lang")
    ua_text = getattr(ua, "UA", None)
    if (
        not isinstance(ua_text, str)
        or not callable(getattr(HTML, "_ua_stylesheets", None))
        or getattr(ua, "UA_FORM_STYLESHEET", None) is None
        or scoped_ua_text(ua_text) == ua_text
    ):
        missing.append("ua-sheet")
    from weasyprint.document import Page  # WeasyPrint: only when a PDF is written
    from weasyprint.formatting_structure import boxes  # likewise

    init = getattr(Page.__init__, "__code__", None)  # where a page keeps its laid-out box
    if not isinstance(getattr(boxes, "ReplacedBox", None), type) or (
        init is None or "_page_box" not in init.co_names
    ):
        missing.append("picture-boxes")
    from weasyprint import svg  # likewise

    module = sys.modules.get("weasyprint.svg.text")
    needed = ("Style", "TextBox", "normalize", "size", "extend_bounding_box")
    if (
        not callable(getattr(svg, "TAGS", {}).get("text"))
        or getattr(svg, "text", None) is not svg.TAGS["text"]
        or module is None
        or not all(hasattr(module, name) for name in needed)
    ):
        missing.append("svg-text-runs")
    import pydyf  # likewise

    references = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(references, property) or not hasattr(pydyf.PDF, "add_page"):
        missing.append("page-references")
    return missing
