"""The HTML edition: a folder with its assets, swapped in whole."""

from __future__ import annotations

import shutil
from pathlib import Path

from profiles_gen.core.errors import Issue, ProfileError
from profiles_gen.core.files import atomic_write, make_dirs, staged_dir
from profiles_gen.core.paths import FONT_DIR
from profiles_gen.data.load import folder_files, read_file_bytes
from profiles_gen.publish.styles import FONT_FACES, JS_DIR


def write_print_html(path: Path, html: str) -> Path:
    """The exact HTML handed to WeasyPrint (its assets are referenced by absolute file URLs)."""
    atomic_write(path, html)
    return path


def write_html(edition_dir: Path, html: str, css: str, charts: dict, city) -> None:
    """The HTML edition with its assets beside it, replaced as a whole."""
    photo = city.photo
    with staged_dir(edition_dir) as stage:
        (stage / "assets" / "fonts").mkdir(parents=True)
        (stage / "charts").mkdir()
        for *_, name in FONT_FACES:
            shutil.copyfile(FONT_DIR / name, stage / "assets" / "fonts" / name)
        (stage / "assets" / "profile.css").write_text(css, encoding="utf-8")
        shutil.copyfile(JS_DIR / "profile.js", stage / "assets" / "profile.js")
        for chart in charts.values():
            (stage / "charts" / f"{chart.id}.svg").write_text(
                '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg, encoding="utf-8"
            )
        if photo is not None:  # copies are made of checked regular files, never of links
            data = read_file_bytes(photo, city.dir)
            (stage / "assets" / f"cover{photo.suffix.lower()}").write_bytes(data)
        emblem = getattr(city, "emblem", None)
        if emblem is not None:  # the publisher's emblem (emblem.svg or emblem.png)
            data = read_file_bytes(emblem, city.dir)
            (stage / "assets" / f"emblem{emblem.suffix.lower()}").write_bytes(data)
        images = city.dir / "images"
        files, problems = folder_files(images, city.dir)  # narrative images: images/NAME
        if problems:
            raise ProfileError([Issue(str(p), 0, 0, "", text) for p, text in problems])
        for path in files:
            target = stage / "images" / path.relative_to(images)
            make_dirs(target.parent)
            target.write_bytes(read_file_bytes(path, images, city.dir))
        (stage / "index.html").write_text(html, encoding="utf-8")
