"""One edition of one language: its HTML edition and its PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from profiles_gen.charts.draw import chart_cache
from profiles_gen.core.paths import DATA_DIR, FONT_DIR, TEMPLATES_DIR, display_path
from profiles_gen.i18n.marks import strip_marks
from profiles_gen.publish.columns import fix_columns
from profiles_gen.publish.glyphs import check_glyphs
from profiles_gen.publish.html import write_html
from profiles_gen.publish.pdf import pdf_name, write_pdf
from profiles_gen.publish.styles import fonts_css, stylesheet

SITE_ASSETS = "../../assets"  # from build/<city>/<lang>/index.html to build/assets/


@dataclass
class Published:
    """What ``publish_edition`` wrote, and what it leaves to the build to write."""

    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the PDF renderer's
    # Per PDF written (by its file name): where its pictures lie (``weasy.picture_boxes``).
    pictures: dict[str, list[list[float]]] = field(default_factory=dict)
    # The HTML handed to WeasyPrint, when it is to be kept (``--keep-print-html``): the build
    # writes it into the edition's folder once the HTML edition, which replaces that folder
    # as a whole and may be written by another process at the same time, is in place.
    print_html: str = ""


def publish_edition(city, fmt, out_dir: Path, opts, render, charts: dict, data: dict) -> Published:
    """Write the HTML edition and the PDF of one language from ``render(media, assets)``.

    ``city``: the city or volume; ``opts``: the build's options (formats, PDF variant,
    remote resources, print HTML kept); ``data``: the exports attached to the PDF.
    """
    lang = fmt.lang
    published = Published()
    outputs, warnings, pictures = published.outputs, published.warnings, published.pictures
    if "html" in opts.formats:
        edition = out_dir / lang
        photo = f"cover{city.photo.suffix.lower()}" if city.photo else None
        emblem = getattr(city, "emblem", None)
        # The site's one stylesheet, script and fonts (build/assets/, written with the home
        # pages): the same files for every edition, so a browser fetches them once.
        assets = {
            "stylesheets": [f"{SITE_ASSETS}/profile.css"],
            "inline_css": "",
            "photo": photo,
            "emblem": f"emblem{emblem.suffix.lower()}" if emblem else None,
            "scripts": [f"{SITE_ASSETS}/profile.js"],
        }
        html = render("screen", assets)
        write_html(edition, html, charts, city)
        outputs.append(edition / "index.html")
    if "pdf" in opts.formats or "print" in opts.formats:
        css = stylesheet("print", fonts_css(lambda name: (FONT_DIR / name).as_uri()))
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
        html = fix_columns(html, lang)  # tables of known columns laid out fixed
        pdf = out_dir / pdf_name(city.slug, lang, opts.variant)
        if opts.keep_print_html:
            published.print_html = html
    if "pdf" in opts.formats:
        # The chart cache: the PDF reads the charts' SVG files from there.
        roots = [city.dir, TEMPLATES_DIR, FONT_DIR, DATA_DIR / "icc", chart_cache()]
        check_glyphs(html, city, lang)
        created = datetime.combine(city.publication.date, time(), UTC)
        # The PDF's page labels: plain text, which cannot say its language.
        labels = (strip_marks(fmt.gettext("Cover")), strip_marks(fmt.gettext("Back cover")))
        written = write_pdf(
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
        warnings += [f"{display_path(pdf)}: warning: {m}" for m in written.messages]
        pictures[pdf.name] = written.pictures
        outputs.append(pdf)
    return published
