"""Workbooks from outside, read safely: the size of the archive first, then the rows it holds.

An ``.xlsx`` file is a zip of XML. It is refused before openpyxl reads it when it would
expand beyond ``MAX_UNCOMPRESSED`` (or has more than ``MAX_PARTS`` parts), and its sheets
are read by the rows they really hold: the ``<dimension>`` a sheet declares is ignored
(openpyxl's read-only mode would stop at it, silently dropping the rows after it), so a
cap on rows counts real rows.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from profiles_gen.core.errors import ProfileError

MAX_UNCOMPRESSED = 64 * 1024 * 1024  # bytes of XML a workbook may expand to
MAX_PARTS = 1000


def check_archive(path: Path, what: str = "workbook") -> None:
    """Refuse a workbook that would expand beyond ``MAX_UNCOMPRESSED`` before reading it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ProfileError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED:
        raise ProfileError(
            f"{path}: the workbook expands to {total // (1024 * 1024)} MB in {len(infos)} "
            f"parts (at most {MAX_UNCOMPRESSED // (1024 * 1024)} MB): not a {what}"
        )


def open_workbook(path: Path, data_only: bool = True):
    """The workbook at ``path``, read-only, after ``check_archive``."""
    from openpyxl import load_workbook  # openpyxl: only when a workbook is read

    check_archive(path)
    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ProfileError(f"{path}: not a readable .xlsx workbook ({exc})") from None


def sheet_rows(sheet, max_rows: int, where: str, max_col: int | None = None, values_only=False):
    """The rows of a read-only sheet, every one it holds whatever its ``<dimension>`` says;
    more than ``max_rows`` (counting the empty rows between them) is an error at ``where``."""
    sheet.reset_dimensions()  # read the rows, not the range the file declares
    for n, row in enumerate(sheet.iter_rows(max_col=max_col, values_only=values_only), 1):
        if n > max_rows:
            raise ProfileError(f"{where}: more than {max_rows} rows: not a workbook of this kind")
        yield row
