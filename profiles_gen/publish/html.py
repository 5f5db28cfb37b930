"""The HTML edition: a folder with its charts and images, swapped in whole."""

from __future__ import annotations

from pathlib import Path

from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.files import atomic_write, make_dirs, staged_dir
from profiles_gen.data.load import folder_files, read_file_bytes


def write_print_html(path: Path, html: str) -> Path:
    """The exact HTML handed to WeasyPrint (its assets are referenced by absolute file URLs)."""
    atomic_write(path, html)
    return path


def write_html(edition_dir: Path, html: str, charts: dict, city) -> None:
    """The HTML edition with its charts, cover photo and images beside it, replaced as a
    whole (the stylesheet, the script and the fonts are the site's, in ``build/assets/``)."""
    photo = city.photo
    with staged_dir(edition_dir) as stage:
        (stage / "charts").mkdir()
        for chart in charts.values():
            (stage / "charts" / f"{chart.id}.svg").write_text(
                '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg, encoding="utf-8"
            )
        if photo is not None:  # copies are made of checked regular files, never of links
            data = read_file_bytes(photo, city.dir)
            (stage / f"cover{photo.suffix.lower()}").write_bytes(data)
        emblem = getattr(city, "emblem", None)
        if emblem is not None:  # the publisher's emblem (emblem.svg or emblem.png)
            data = read_file_bytes(emblem, city.dir)
            (stage / f"emblem{emblem.suffix.lower()}").write_bytes(data)
        images = city.dir / "images"
        files, problems = folder_files(images, city.dir)  # narrative images: images/NAME
        if problems:
            raise ProfileError([Issue(str(p), 0, 0, "", text) for p, text in problems])
        for path in files:
            target = stage / "images" / path.relative_to(images)
            make_dirs(target.parent)
            target.write_bytes(read_file_bytes(path, images, city.dir))
        (stage / "index.html").write_text(html, encoding="utf-8")
