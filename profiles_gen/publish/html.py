"""The HTML edition: a folder with its charts and images, swapped in whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from profiles_gen.charts.draw import (
    chart_file,
    font_style,
    glyphs_used,
    with_fonts,
    with_px_size,
)
from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.files import atomic_write, make_dirs, staged_dir
from profiles_gen.data.load import folder_files, read_file_bytes
from profiles_gen.data.markup import svg_problems


def write_print_html(path: Path, html: str) -> Path:
    """The exact HTML handed to WeasyPrint (its assets are referenced by absolute file URLs)."""
    atomic_write(path, html)
    return path


def _picture(path: Path, data: bytes) -> bytes:
    """``data`` of a picture from the city, copied only if an SVG holds nothing but a
    picture (``svg_problems``; validate said so, and the file may have changed since)."""
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".svgz"):
        return data
    problems = svg_problems(data) if suffix == ".svg" else [(0, 0, "a compressed SVG")]
    if problems:
        raise ProfileError(
            [
                Issue(str(path), line, col, "svg", f"{p}: refused in a picture")
                for line, col, p in problems
            ]
        )
    return data


def chart_csv(chart) -> str:
    """A chart's data as CSV (RFC 4180, with a byte-order mark so that spreadsheets read
    it as UTF-8): its table's header row, then its rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(chart.data[0])
    writer.writerows(chart.data[1])
    return "\ufeff" + buf.getvalue()


def write_html(edition_dir: Path, html: str, charts: dict, city) -> None:
    """The HTML edition with its charts, cover photo and images beside it, replaced as a
    whole (the stylesheet, the script and the fonts are the site's, in ``build/assets/``)."""
    photo = city.photo
    with staged_dir(edition_dir) as stage:
        (stage / "charts").mkdir()
        # Each layout's SVG, from the chart cache, with the glyphs of its own text only: a
        # browser loads an SVG's fonts with it, so one shared set would weigh in every file.
        for chart in charts.values():
            for layout, path in chart.files.items():
                svg = with_px_size(Path(path).read_text(encoding="utf-8"))
                text = with_fonts(svg, font_style(glyphs_used(svg))) if "<text" in svg else svg
                (stage / "charts" / chart_file(chart.id, layout)).write_text(text, encoding="utf-8")
        for chart in charts.values():
            if chart.data[1]:  # the chart's data, for a spreadsheet
                (stage / "charts" / f"{chart.id}.csv").write_text(
                    chart_csv(chart), encoding="utf-8", newline=""
                )
        if photo is not None:  # copies are made of checked regular files, never of links
            data = read_file_bytes(photo, city.dir)
            (stage / f"cover{photo.suffix.lower()}").write_bytes(data)
        emblem = getattr(city, "emblem", None)
        if emblem is not None:  # the publisher's emblem (emblem.svg or emblem.png)
            data = _picture(emblem, read_file_bytes(emblem, city.dir))
            (stage / f"emblem{emblem.suffix.lower()}").write_bytes(data)
        images = city.dir / "images"
        files, problems = folder_files(images, city.dir)  # narrative images: images/NAME
        if problems:
            raise ProfileError([Issue(str(p), 0, 0, "", text) for p, text in problems])
        for path in files:
            target = stage / "images" / path.relative_to(images)
            make_dirs(target.parent)
            target.write_bytes(_picture(path, read_file_bytes(path, images, city.dir)))
        (stage / "index.html").write_text(html, encoding="utf-8")
