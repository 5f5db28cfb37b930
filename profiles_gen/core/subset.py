"""Fonts subset by HarfBuzz's subsetter, the library WeasyPrint subsets the PDFs' fonts with.

``libharfbuzz-subset`` is a system dependency of the package already (WeasyPrint needs
it; ``tools/system-deps.sh`` installs it). It subsets a face in about a hundredth of
the time fontTools' subsetter takes, which parses every table it keeps in Python: for
the site's five faces, 0.04 s against 0.9 s, at the end of every build that writes an
HTML edition. ``subset_font`` gives ``None`` where the library cannot be loaded, and the
callers then subset with fontTools, as before.
"""

from __future__ import annotations

import ctypes
import functools
import io
from collections.abc import Iterable
from pathlib import Path

_NAMES = {  # the libraries' names, by system (as WeasyPrint looks them up)
    "harfbuzz": ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "subset": (
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    ),
}
# hb_subset_flags_t and hb_subset_sets_t (hb-subset.h)
NO_HINTING = 0x1
NOTDEF_OUTLINE = 0x40
_UNICODE, _DROP_TABLE_TAG, _NAME_ID, _NAME_LANG_ID, _LAYOUT_FEATURE_TAG = 1, 3, 4, 5, 6


def load(kind: str):
    """The library ``kind`` (``"harfbuzz"``, ``"subset"``) as ctypes loads it, or None."""
    for name in _NAMES[kind]:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


@functools.cache
def _libraries():
    """(harfbuzz, harfbuzz-subset) with the signatures used here, or None."""
    hb, sub = load("harfbuzz"), load("subset")
    if hb is None or sub is None:
        return None
    p, uint = ctypes.c_void_p, ctypes.c_uint
    signatures = [
        (hb.hb_blob_create, p, [ctypes.c_char_p, uint, ctypes.c_int, p, p]),
        (hb.hb_blob_destroy, None, [p]),
        (hb.hb_blob_get_data, ctypes.POINTER(ctypes.c_char), [p, ctypes.POINTER(uint)]),
        (hb.hb_face_create, p, [p, uint]),
        (hb.hb_face_destroy, None, [p]),
        (hb.hb_face_reference_blob, p, [p]),
        (hb.hb_set_add, None, [p, ctypes.c_uint32]),
        (hb.hb_set_clear, None, [p]),
        (hb.hb_set_invert, None, [p]),
        (hb.hb_tag_from_string, ctypes.c_uint32, [ctypes.c_char_p, ctypes.c_int]),
        (sub.hb_subset_input_create_or_fail, p, []),
        (sub.hb_subset_input_destroy, None, [p]),
        (sub.hb_subset_input_set, p, [p, ctypes.c_int]),
        (sub.hb_subset_input_set_flags, None, [p, uint]),
        (sub.hb_subset_or_fail, p, [p, p]),
    ]
    try:
        for function, restype, argtypes in signatures:
            function.restype, function.argtypes = restype, argtypes
    except AttributeError:  # a HarfBuzz too old for this API (before 3.0)
        return None
    return hb, sub


def available() -> bool:
    return _libraries() is not None


@functools.cache
def cmap(path: Path) -> frozenset[int]:
    """The characters the face at ``path`` draws."""
    from fontTools.ttLib import TTFont  # with matplotlib and WeasyPrint: only for a web font

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def subset_font(
    path: Path,
    codepoints: Iterable[int],
    *,
    drop_tables: Iterable[str] = (),
    flags: int = 0,
    names: bool = True,
    features: Iterable[str] | None = None,
) -> bytes | None:
    """The face at ``path`` with the glyphs of ``codepoints`` only (and those its layout
    features reach from them), as TrueType; None if HarfBuzz is not available or fails.

    ``drop_tables``: tags of tables to leave out; ``flags``: ``NO_HINTING``,
    ``NOTDEF_OUTLINE``; ``names``: keep every name record (the licence among them), else
    none; ``features``: the OpenType layout features to keep (kerning, ligatures, marks,
    …), None for HarfBuzz's default list."""
    libraries = _libraries()
    if libraries is None:
        return None
    hb, sub = libraries
    data = Path(path).read_bytes()
    blob = hb.hb_blob_create(data, len(data), 1, None, None)  # 1: read-only, not copied
    face = hb.hb_face_create(blob, 0)
    request = sub.hb_subset_input_create_or_fail()
    result = out = None
    try:
        if not request:
            return None
        wanted = sub.hb_subset_input_set(request, _UNICODE)
        for codepoint in sorted(set(codepoints)):
            hb.hb_set_add(wanted, codepoint)
        dropped = sub.hb_subset_input_set(request, _DROP_TABLE_TAG)
        for tag in drop_tables:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag.encode("ascii"), -1))
        for kind in (_NAME_ID, _NAME_LANG_ID):
            chosen = sub.hb_subset_input_set(request, kind)
            hb.hb_set_clear(chosen)
            if names:
                hb.hb_set_invert(chosen)  # all of them
        if features is not None:
            kept = sub.hb_subset_input_set(request, _LAYOUT_FEATURE_TAG)
            hb.hb_set_clear(kept)
            for tag in features:
                hb.hb_set_add(kept, hb.hb_tag_from_string(tag.encode("ascii"), -1))
        sub.hb_subset_input_set_flags(request, flags)
        out = sub.hb_subset_or_fail(face, request)
        if not out:
            return None
        result = hb.hb_face_reference_blob(out)
        length = ctypes.c_uint()
        pointer = hb.hb_blob_get_data(result, ctypes.byref(length))
        return ctypes.string_at(pointer, length.value) if length.value else None
    finally:
        for destroy, handle in (
            (hb.hb_blob_destroy, result),
            (hb.hb_face_destroy, out),
            (sub.hb_subset_input_destroy, request),
            (hb.hb_face_destroy, face),
            (hb.hb_blob_destroy, blob),
        ):
            if handle:
                destroy(handle)
        del data  # the blob read it in place: kept alive until the blob was destroyed


def woff2(font: bytes) -> bytes:
    """``font`` (TrueType) compressed as WOFF2, its timestamps as they are (the same bytes on
    every run)."""
    from fontTools.ttLib import TTFont  # with matplotlib and WeasyPrint: only for a web font

    face = TTFont(io.BytesIO(font), recalcTimestamp=False, recalcBBoxes=False)
    face.flavor = "woff2"
    buffer = io.BytesIO()
    face.save(buffer, reorderTables=False)
    return buffer.getvalue()
