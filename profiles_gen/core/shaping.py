"""Text shaped by HarfBuzz, the library that shapes the pages' text (through Pango) and
matplotlib's labels (through libraqm): which glyphs a line of text is set with, and how
far each moves the pen.

Shaping a label here takes some microseconds, against about a millisecond for
matplotlib, which loads every glyph's outline from the font file each time it measures
a text. ``Shaper.glyphs`` gives ``None`` where the library cannot be loaded, and for any
text it cannot answer for alone (a character the face lacks, right-to-left script): the
caller then asks matplotlib, as before.
"""

from __future__ import annotations

import ctypes
import functools
import unicodedata
from pathlib import Path

from profiles_gen.core.subset import load


class _GlyphInfo(ctypes.Structure):  # hb_glyph_info_t
    _fields_ = [
        ("codepoint", ctypes.c_uint32),  # the glyph's id, once shaped
        ("mask", ctypes.c_uint32),
        ("cluster", ctypes.c_uint32),
        ("var1", ctypes.c_uint32),
        ("var2", ctypes.c_uint32),
    ]


class _GlyphExtents(ctypes.Structure):  # hb_glyph_extents_t
    _fields_ = [
        ("x_bearing", ctypes.c_int32),
        ("y_bearing", ctypes.c_int32),
        ("width", ctypes.c_int32),
        ("height", ctypes.c_int32),
    ]


class _GlyphPosition(ctypes.Structure):  # hb_glyph_position_t
    _fields_ = [
        ("x_advance", ctypes.c_int32),
        ("y_advance", ctypes.c_int32),
        ("x_offset", ctypes.c_int32),
        ("y_offset", ctypes.c_int32),
        ("var", ctypes.c_uint32),
    ]


@functools.cache
def _library():
    """libharfbuzz with the signatures used here, or None."""
    hb = load("harfbuzz")
    if hb is None:
        return None
    p, uint, c_int = ctypes.c_void_p, ctypes.c_uint, ctypes.c_int
    signatures = [
        (hb.hb_blob_create, p, [ctypes.c_char_p, uint, c_int, p, p]),
        (hb.hb_face_create, p, [p, uint]),
        (hb.hb_face_get_upem, uint, [p]),
        (hb.hb_face_reference_table, p, [p, ctypes.c_uint32]),
        (hb.hb_blob_get_data, ctypes.POINTER(ctypes.c_char), [p, ctypes.POINTER(uint)]),
        (hb.hb_blob_destroy, None, [p]),
        (hb.hb_font_create, p, [p]),
        (hb.hb_font_set_scale, None, [p, c_int, c_int]),
        (hb.hb_font_get_glyph_h_advance, ctypes.c_int32, [p, ctypes.c_uint32]),
        (
            hb.hb_font_get_glyph_extents,
            c_int,
            [p, ctypes.c_uint32, ctypes.POINTER(_GlyphExtents)],
        ),
        (
            hb.hb_font_get_nominal_glyph,
            ctypes.c_int,
            [p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)],
        ),
        (hb.hb_buffer_create, p, []),
        (hb.hb_buffer_clear_contents, None, [p]),
        (hb.hb_buffer_add_utf8, None, [p, ctypes.c_char_p, c_int, uint, c_int]),
        (hb.hb_buffer_guess_segment_properties, None, [p]),
        (hb.hb_shape, None, [p, p, p, uint]),
        (hb.hb_buffer_get_glyph_infos, ctypes.POINTER(_GlyphInfo), [p, ctypes.POINTER(uint)]),
        (hb.hb_buffer_get_glyph_positions, ctypes.POINTER(_GlyphPosition), [p, p]),
    ]
    try:
        for function, restype, argtypes in signatures:
            function.restype, function.argtypes = restype, argtypes
    except AttributeError:  # a HarfBuzz without this API
        return None
    return hb


def available() -> bool:
    return _library() is not None


class Shaper:
    """One face, its font at the size of its design units, and a buffer to shape in."""

    def __init__(self, hb, path: Path) -> None:
        self._hb = hb
        self._data = Path(path).read_bytes()  # read in place by the blob: kept with it
        blob = hb.hb_blob_create(self._data, len(self._data), 1, None, None)  # 1: read-only
        face = hb.hb_face_create(blob, 0)
        self.upem = hb.hb_face_get_upem(face)
        self._font = hb.hb_font_create(face)
        hb.hb_font_set_scale(self._font, self.upem, self.upem)  # positions in design units
        self._buffer = hb.hb_buffer_create()
        self._metrics: dict[int, tuple[int, int, int]] = {}  # advance, top, bottom
        self.composites = self._composites(face)
        self._drawn: dict[str, bool] = {}  # by character: whether the face has a glyph for it
        # The face, blob and font live as long as the process: one per font file.

    def _table(self, face, tag: str) -> bytes:
        hb = self._hb
        blob = hb.hb_face_reference_table(face, int.from_bytes(tag.encode("ascii"), "big"))
        try:
            length = ctypes.c_uint()
            data = hb.hb_blob_get_data(blob, ctypes.byref(length))
            return ctypes.string_at(data, length.value) if length.value else b""
        finally:
            hb.hb_blob_destroy(blob)

    def _composites(self, face) -> frozenset[int]:
        """The glyphs made of others with a part moved up or down, scaled, or placed by a
        point (TrueType composites: "é", "ё", not Cyrillic "а", which is Latin "a" as it
        is), and those made of such glyphs: FreeType scales each part and its offset on
        their own, so their height can differ from their box's, scaled, by a 64th of a
        pixel."""
        head, loca, glyf = (self._table(face, tag) for tag in ("head", "loca", "glyf"))
        if len(head) < 54 or not loca or not glyf:
            return frozenset()
        if int.from_bytes(head[50:52], "big", signed=True):  # long offsets
            offsets = [int.from_bytes(loca[i : i + 4], "big") for i in range(0, len(loca), 4)]
        else:
            offsets = [2 * int.from_bytes(loca[i : i + 2], "big") for i in range(0, len(loca), 2)]
        parts: dict[int, list[int]] = {}  # a composite's parts; -1: one moved or scaled
        for glyph, (start, end) in enumerate(zip(offsets, offsets[1:], strict=False)):
            if end - start < 10 or int.from_bytes(glyf[start : start + 2], "big", signed=True) >= 0:
                continue
            at, found = start + 10, []
            while at + 4 <= end:
                flags = int.from_bytes(glyf[at : at + 2], "big")
                found.append(int.from_bytes(glyf[at + 2 : at + 4], "big"))
                words = flags & 0x0001  # ARG_1_AND_2_ARE_WORDS
                size = 4 if words else 2
                args = glyf[at + 4 : at + 4 + size]
                dy = (
                    int.from_bytes(args[2:4], "big", signed=True)
                    if words
                    else int.from_bytes(args[1:2], "big", signed=True)
                )
                # ARGS_ARE_XY_VALUES unset (placed by a point), or a scale or a matrix
                if not flags & 0x0002 or dy or flags & (0x0008 | 0x0040 | 0x0080):
                    found.append(-1)
                at += (
                    4
                    + size
                    + (2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0)
                )
                if not flags & 0x0020:  # MORE_COMPONENTS
                    break
            parts[glyph] = found

        def shifted(glyph: int, depth: int = 0) -> bool:
            found = parts.get(glyph)
            if found is None:
                return False
            return depth > 8 or any(p < 0 or shifted(p, depth + 1) for p in found)

        return frozenset(glyph for glyph in parts if shifted(glyph))

    def _has(self, char: str) -> bool:
        drawn = self._drawn.get(char)
        if drawn is None:
            glyph = ctypes.c_uint32()
            drawn = self._drawn[char] = bool(
                self._hb.hb_font_get_nominal_glyph(self._font, ord(char), ctypes.byref(glyph))
            ) and unicodedata.bidirectional(char) not in ("R", "AL", "AN")
        return drawn

    def glyphs(self, text: str) -> list[tuple[int, int, int, int, bool]] | None:
        """Each glyph of ``text`` as shaped, left to right: its advance as the face gives
        it and as shaping set it (kerning), the top and bottom of its outline above the
        baseline (0 and 0 for a glyph without one), in design units, and whether it is a
        composite whose height FreeType may round otherwise (``composites``). None for a text
        with a character the face lacks (which HarfBuzz might compose of others: "≠" as
        "=" and a stroke) or a right-to-left one."""
        if not all(self._has(c) for c in text):
            return None
        hb, buffer = self._hb, self._buffer
        data = text.encode("utf-8")
        hb.hb_buffer_clear_contents(buffer)
        hb.hb_buffer_add_utf8(buffer, data, len(data), 0, len(data))
        hb.hb_buffer_guess_segment_properties(buffer)
        hb.hb_shape(self._font, buffer, None, 0)
        count = ctypes.c_uint()
        infos = hb.hb_buffer_get_glyph_infos(buffer, ctypes.byref(count))
        positions = hb.hb_buffer_get_glyph_positions(buffer, None)
        glyphs = []
        for n in range(count.value):
            glyph = infos[n].codepoint
            if glyph == 0:  # .notdef: a character this face does not draw
                return None
            metrics = self._metrics.get(glyph)
            if metrics is None:
                extents = _GlyphExtents()
                hb.hb_font_get_glyph_extents(self._font, glyph, ctypes.byref(extents))
                top = extents.y_bearing if extents.width or extents.height else 0
                bottom = top + extents.height if extents.width or extents.height else 0
                advance = hb.hb_font_get_glyph_h_advance(self._font, glyph)
                metrics = self._metrics[glyph] = (advance, top, bottom)
            advance, top, bottom = metrics
            composite = glyph in self.composites
            glyphs.append((advance, positions[n].x_advance, top, bottom, composite))
        return glyphs


@functools.cache
def shaper(path: Path) -> Shaper | None:
    """The shaper of the face at ``path``; None without HarfBuzz."""
    hb = _library()
    return Shaper(hb, path) if hb is not None else None
