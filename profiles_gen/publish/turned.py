"""Landscape pages set in a portrait book: content turned a quarter, ``/Rotate 90``."""

from __future__ import annotations


def _rotated(rect, height: float):
    """A rectangle [x0 y0 x1 y1] of a landscape page of ``height``, turned a quarter
    anticlockwise onto the portrait page."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    return [height - y1, x0, height - y0, x1]


def rotate_landscape_pages(pdf) -> None:
    """Set every landscape page in a portrait book: the page becomes portrait with its content
    turned a quarter anticlockwise (as printed in a book), and ``/Rotate 90`` turns it back
    so that it reads upright on screen. Boxes, link rectangles and every destination on the
    page (bookmarks, named destinations, links' own) are turned with it."""
    import pydyf  # pydyf (with WeasyPrint): only when a PDF is written

    turned = {}
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        x0, y0, x1, y1 = (float(v) for v in page["MediaBox"])
        width, height = x1 - x0, y1 - y0
        if width <= height or "Rotate" in page:
            continue
        turn = pydyf.Stream([f"q 0 1 -1 0 {height:g} 0 cm".encode()])
        back = pydyf.Stream([b"Q"])
        pdf.add_object(turn)
        pdf.add_object(back)
        page["Contents"] = pydyf.Array([turn.reference, page["Contents"], back.reference])
        for box in ("MediaBox", "TrimBox", "BleedBox"):
            if box in page:
                page[box] = pydyf.Array(_rotated(page[box], height))
        for ref in page.get("Annots", ()):
            annot = pdf.objects[int(bytes(ref).split()[0])]
            if "Rect" in annot:
                annot["Rect"] = pydyf.Array(_rotated(annot["Rect"], height))
        page["Rotate"] = 90
        turned[page.reference] = height
    if turned:
        for dest in _destinations(pdf):
            if bytes(dest[0]) in turned:
                dest[1:] = _turned_destination(list(dest[1:]), turned[bytes(dest[0])])


def _destinations(pdf):
    """Every explicit destination array of ``pdf``: of its bookmarks and links (``/Dest``,
    a GoTo action's ``/D``) and of its named destinations."""
    for obj in pdf.objects:
        if isinstance(obj, dict):
            for holder in (obj, obj.get("A")):
                if isinstance(holder, dict):
                    dest = holder.get("Dest", holder.get("D"))
                    if isinstance(dest, list) and len(dest) > 1:
                        yield dest
    names = pdf.catalog.get("Names", {}).get("Dests", {}).get("Names", [])
    for dest in names[1::2]:
        if isinstance(dest, list) and len(dest) > 1:
            yield dest


def _turned_destination(view: list, height: float) -> list:
    """A destination's view (``/XYZ left top zoom``, ``/FitR``, ``/FitH top``…) on a landscape
    page of ``height``, turned a quarter anticlockwise with the page: (x, y) → (height - y, x).
    A coordinate left unspecified (null) stays so; the page's horizontal becomes its vertical,
    so ``/FitH`` becomes ``/FitV`` and the other way round."""

    def num(v):
        return None if v is None or str(v) == "null" else float(v)

    def out(v):
        return "null" if v is None else v

    kind, args = str(view[0]), [num(v) for v in view[1:]]
    if kind == "/XYZ" and len(args) >= 2:
        left, top = args[0], args[1]
        return ["/XYZ", out(None if top is None else height - top), out(left), *view[3:]]
    if kind == "/FitR" and len(args) == 4:
        return ["/FitR", *_rotated(args, height)]
    swapped = {"/FitH": "/FitV", "/FitBH": "/FitBV", "/FitV": "/FitH", "/FitBV": "/FitBH"}
    if kind in swapped and args:
        value = args[0]
        if kind in ("/FitH", "/FitBH") and value is not None:
            value = height - value
        return [swapped[kind], out(value)]
    return list(view)
