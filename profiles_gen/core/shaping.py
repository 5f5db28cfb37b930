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
        (hb.hb_font_create, p, [p]),
        (hb.hb_font_set_scale, None, [p, c_int, c_int]),
        (hb.hb_font_get_glyph_h_advance, ctypes.c_int32, [p, ctypes.c_uint32]),
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
        self._advances: dict[int, int] = {}
        self._drawn: dict[str, bool] = {}  # by character: whether the face has a glyph for it
        # The face, blob and font live as long as the process: one per font file.

    def _has(self, char: str) -> bool:
        drawn = self._drawn.get(char)
        if drawn is None:
            glyph = ctypes.c_uint32()
            drawn = self._drawn[char] = bool(
                self._hb.hb_font_get_nominal_glyph(self._font, ord(char), ctypes.byref(glyph))
            ) and unicodedata.bidirectional(char) not in ("R", "AL", "AN")
        return drawn

    def glyphs(self, text: str) -> list[tuple[int, int]] | None:
        """Each glyph of ``text`` as shaped, left to right: its advance as the face gives
        it and as shaping set it (kerning), in design units. None for a text with a
        character the face lacks (which HarfBuzz might compose of others: "≠" as "=" and a
        stroke) or a right-to-left one."""
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
            nominal = self._advances.get(glyph)
            if nominal is None:
                nominal = self._advances[glyph] = hb.hb_font_get_glyph_h_advance(self._font, glyph)
            glyphs.append((nominal, positions[n].x_advance))
        return glyphs


@functools.cache
def shaper(path: Path) -> Shaper | None:
    """The shaper of the face at ``path``; None without HarfBuzz."""
    hb = _library()
    return Shaper(hb, path) if hb is not None else None
