"""One edition of one language: its HTML edition and its PDF."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from profiles_gen.core.paths import DATA_DIR, FONT_DIR, TEMPLATES_DIR, display_path
from profiles_gen.publish.glyphs import check_glyphs
from profiles_gen.publish.html import write_html, write_print_html
from profiles_gen.publish.pdf import pdf_name, write_pdf
from profiles_gen.publish.styles import stylesheet


def publish_edition(city, fmt, out_dir: Path, opts, render, charts: dict, data: dict):
    """Write the HTML edition and the PDF of one language from ``render(media, assets)``.

    ``city``: the city or volume; ``opts``: the build's options (formats, PDF variant,
    remote resources, print HTML kept); ``data``: the exports attached to the PDF.
    Returns the outputs written and the warnings of the PDF renderer.
    """
    lang = fmt.lang
    outputs, warnings = [], []
    if "html" in opts.formats:
        edition = out_dir / lang
        photo = f"assets/cover{city.photo.suffix.lower()}" if city.photo else None
        emblem = getattr(city, "emblem", None)
        assets = {
            "stylesheets": ["assets/profile.css"],
            "inline_css": "",
            "photo": photo,
            "emblem": f"assets/emblem{emblem.suffix.lower()}" if emblem else None,
            "scripts": ["assets/profile.js"],
        }
        html = render("screen", assets)
        css = stylesheet("screen", lambda name: f"fonts/{name}")
        write_html(edition, html, css, charts, city)
        outputs.append(edition / "index.html")
    if "pdf" in opts.formats or "print" in opts.formats:
        css = stylesheet("print", lambda name: (FONT_DIR / name).as_uri())
        photo = city.photo.as_uri() if city.photo else None
        emblem = getattr(city, "emblem", None)
        assets = {
            "stylesheets": [],
            "inline_css": css,
            "photo": photo,
            "emblem": emblem.as_uri() if emblem else None,
            "scripts": [],
        }
        html = render("print", assets)
        pdf = out_dir / pdf_name(city.slug, lang, opts.variant)
        if opts.keep_print_html:
            outputs.append(write_print_html(out_dir / lang / "print.html", html))
    if "pdf" in opts.formats:
        roots = [city.dir, TEMPLATES_DIR, FONT_DIR, DATA_DIR / "icc"]
        check_glyphs(html, city, lang)
        created = datetime.combine(city.publication.date, time(), UTC)
        labels = (fmt.gettext("Cover"), fmt.gettext("Back cover"))  # the PDF's page labels
        messages = write_pdf(
            html,
            pdf,
            city.dir,
            roots,
            opts.variant,
            opts.allow_remote,
            attachments=data,
            created=created,
            cover_labels=labels,
        )
        warnings += [f"{display_path(pdf)}: warning: {m}" for m in messages]
        outputs.append(pdf)
    return outputs, warnings
