"""The PDF: WeasyPrint with a fetcher that serves only the project's own files, the
page labels, the attached open data, and a refusal of any font outside the
publication's families.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

from profiles_gen.core.errors import ProfileError
from profiles_gen.core.files import atomic_write
from profiles_gen.core.options import PDF_VARIANTS
from profiles_gen.core.paths import DATA_DIR
from profiles_gen.data.load import read_file_bytes
from profiles_gen.data.markup import svg_problems
from profiles_gen.publish.styles import FAMILIES
from profiles_gen.publish.turned import rotate_landscape_pages
from profiles_gen.publish.weasy import (
    kept_page_references,
    picture_boxes,
    publication_html,
    svg_text_in_runs,
    tag_element_languages,
)
from profiles_gen.render.outline import PAGE_IDS, SECTION_IDS

# The printer's file (``--pdf-variant print``): PDF/X-4, each A4 page (the TrimBox) with
# 3 mm of bleed (the BleedBox: the covers' blue runs into it) inside a slug of 10 mm more
# (the MediaBox) where the crop marks stand, clear of the bleed. WeasyPrint's CSS ``bleed``
# is the whole area outside the page, and it draws the marks from the sheet's edge over
# half of it: 13 mm puts them 6.5 to 13 mm outside the trim, the bleed's 3 mm untouched.
BLEED_MM = 3
SLUG_MM = 10
PRINT_ICC = DATA_DIR / "icc" / "FOGRA39L.icc"  # the output intent (icc/README.md)
PRINT_CONDITION = "FOGRA39"  # as the ICC registry names it
PRINT_CONDITION_TEXT = "Offset printing on coated paper, ISO 12647-2:2004 (Coated FOGRA39)"


def print_css() -> str:
    """The print variant's page boxes and marks, its CMYK output intent, and the covers
    painted to the bleed only (the ``@page`` background would fill the slug too)."""
    bleed = BLEED_MM + SLUG_MM
    return (
        f"@color-profile device-cmyk {{ src: url({PRINT_ICC.as_uri()}); "
        "components: cyan, magenta, yellow, black; }\n"
        f"@page {{ bleed: {bleed}mm; marks: crop; }}\n"
        "@page cover { background: none !important; }\n"
        # the covers' box grows by the bleed on every side, its blue under a transparent
        # border of that width: the text stays where it was on the trimmed page
        f".cover, .back-cover {{ margin: -{BLEED_MM}mm !important; "
        f"height: {297 + 2 * BLEED_MM}mm !important; "
        f"border: {BLEED_MM}mm solid transparent !important; }}\n"
    )


def pdf_name(slug: str, lang: str, variant: str) -> str:
    """The PDF's file name: ``<slug>-<lang>.pdf``, the printer's file ``-print`` beside it."""
    return f"{slug}-{lang}-print.pdf" if variant == "print" else f"{slug}-{lang}.pdf"


def safe_fetcher(roots: list[Path], allow_remote: bool = False):
    """A WeasyPrint URL fetcher that serves only ``data:`` URLs and files under ``roots``.

    A file is served only if, with every link resolved, it is a regular file inside one
    of ``roots`` (``load.file_problem``: never a FIFO, a device or a folder, so nothing
    can make the build wait), read without blocking; an SVG only if ``svg_problems``
    finds nothing in it. With ``allow_remote``, http(s) URLs are fetched too; nothing
    else ever is.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # WeasyPrint: only for a PDF

    class SafeFetcher(URLFetcher):
        def __init__(self) -> None:
            protocols = ("file", "data", "http", "https") if allow_remote else ("file", "data")
            super().__init__(allowed_protocols=protocols, timeout=20)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data" or (allow_remote and parsed.scheme in ("http", "https")):
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path))
                real = path.resolve()
                root = next((r for r in self.roots if real == r or r in real.parents), None)
                if root is not None:
                    return self._file(url, path, root)
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url}: outside the project")

        def _file(self, url: str, path: Path, root: Path):
            try:
                data = read_file_bytes(path.resolve(), root)
            except ProfileError as exc:
                self.refused.append(f"{url} ({exc.issues[0].message})")
                raise ValueError(f"refused to fetch {url}: {exc.issues[0].message}") from None
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind == "image/svg+xml" or data.lstrip()[:5] in (b"<svg ", b"<?xml"):
                problems = svg_problems(data)
                if problems:
                    line, col, problem = problems[0]
                    self.refused.append(f"{url} (line {line}: {problem})")
                    raise ValueError(f"refused to fetch {url}: {problem}")
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    return SafeFetcher()


class _CollectWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _obj(pdf, ref):
    """The object a pydyf reference (``b"5 0 R"``) names."""
    return pdf.objects[int(bytes(ref).split()[0])]


def printers_file(pdf) -> None:
    """What PDF/X-4 asks beyond WeasyPrint's variant, on the laid-out pages (portrait, before
    landscape pages are turned): each page's BleedBox exactly ``BLEED_MM`` outside its
    TrimBox (WeasyPrint puts it at most 10 pt out, whatever the bleed), no link annotations
    on the printed area (a printer's file is not read on screen; its bookmarks stay), the
    RGB colours said to be sRGB (``/DefaultRGB``: device colours other than the output
    intent's must be characterised), and the output intent named as the ICC registry names
    its printing condition."""
    from importlib.resources import files  # WeasyPrint's own sRGB profile: only for print

    import pydyf  # pydyf (with WeasyPrint): only when a PDF is written

    bleed = BLEED_MM / 25.4 * 72
    spaces = set()
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
        page["BleedBox"] = pydyf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
        page.pop("Annots", None)
        spaces.add(bytes(_obj(pdf, page["Resources"])["ColorSpace"]))
    srgb = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    profile = pydyf.Stream([srgb], pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(profile)
    for ref in spaces:
        _obj(pdf, ref)["DefaultRGB"] = pydyf.Array(("/ICCBased", profile.reference))
    for intent in pdf.catalog.get("OutputIntents", ()):
        intent["OutputConditionIdentifier"] = pydyf.String(PRINT_CONDITION)
        intent["OutputCondition"] = pydyf.String(PRINT_CONDITION_TEXT)
        intent["RegistryName"] = pydyf.String("http://www.color.org")
        intent["Info"] = pydyf.String(PRINT_CONDITION_TEXT)


def page_labels_finisher(
    front_anchor: str,
    body_anchor: str,
    back_anchor: str,
    names: tuple[str, str],
    print_file: bool = False,
):
    """Label the PDF's pages: the cover, roman front matter, arabic body, back cover; with
    ``print_file``, finish the printer's file (``printers_file``)."""
    import pydyf  # pydyf (with WeasyPrint): only when a PDF is written

    def finish(document, pdf) -> None:
        def page_of(anchor: str) -> int | None:
            return next(
                (n for n, page in enumerate(document.pages) if anchor in page.anchors), None
            )

        front, body, back = page_of(front_anchor), page_of(body_anchor), page_of(back_anchor)
        nums: list = [0, pydyf.Dictionary({"P": pydyf.String(names[0])})]
        if front is not None:
            nums += [front, pydyf.Dictionary({"S": "/r"})]
        if body is not None:
            nums += [body, pydyf.Dictionary({"S": "/D"})]
        if back is not None and back > 0:
            nums += [back, pydyf.Dictionary({"P": pydyf.String(names[1])})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
        if print_file:
            printers_file(pdf)
        rotate_landscape_pages(pdf)

    return finish


# Typography's invisible characters (i18n/typography.py) hold a line together; a bookmark
# is never broken into lines, and a reader searching the outline types plain spaces.
_BOOKMARK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2060": None, "\u200b": None})


def plain_bookmarks(document) -> None:
    """The bookmarks of ``document`` (laid out) with plain spaces and no joiners."""
    for page in document.pages:
        page.bookmarks = [
            (level, label.translate(_BOOKMARK_SPACES), position, state)
            for level, label, position, state in page.bookmarks
        ]


class WrittenPdf(NamedTuple):
    messages: list[str]  # WeasyPrint's warnings, and the resources it was refused
    pictures: list[list[float]]  # [page, left, top, right, bottom] (weasy.picture_boxes)


def write_pdf(
    html: str,
    out: Path,
    base_url: Path,
    roots: list[Path],
    variant: str,
    allow_remote: bool = False,
    attachments: dict[str, tuple[str, str]] | None = None,
    created: datetime | None = None,
    cover_labels: tuple[str, str] = ("Cover", "Back cover"),
) -> WrittenPdf:
    """Render ``html`` with WeasyPrint to ``out`` atomically; return WeasyPrint's warnings
    and where the pictures lie on the pages (``weasy.picture_boxes``, for ``verify``).

    ``attachments`` maps a file name to (content, description): embedded files
    (PDF/A-3 "Data" relationship). A font outside the publication's families
    (a fallback found by fontconfig) fails the build before anything is written.
    """
    from weasyprint import CSS, Attachment  # WeasyPrint: only when a PDF is written

    tag_element_languages()
    svg_text_in_runs()
    kept_page_references()

    if variant not in PDF_VARIANTS:
        raise ProfileError(f"unknown PDF variant {variant!r} (use {', '.join(PDF_VARIANTS)})")
    fetcher = safe_fetcher(roots, allow_remote)
    handler = _CollectWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    printing = variant == "print"
    weasy_variant = "pdf/x-4" if printing else variant
    profiles: dict = {}  # the output intent's, read by the print CSS's @color-profile
    extra = (
        [CSS(string=print_css(), url_fetcher=fetcher, color_profiles=profiles)] if printing else []
    )
    if printing:
        attachments = None  # PDF/X-4 embeds no file: the open data go with the accessible PDF
    try:
        document = publication_html(
            string=html, base_url=str(base_url) + os.sep, url_fetcher=fetcher
        ).render(pdf_variant=weasy_variant, stylesheets=extra, color_profiles=profiles)
        plain_bookmarks(document)
        stamp = created or datetime(2000, 1, 1, tzinfo=UTC)  # never the clock
        files = [
            Attachment(
                string=content,
                name=name,
                description=description,
                relationship="Data",
                created=stamp,
                modified=stamp,
            )
            for name, (content, description) in (attachments or {}).items()
        ]
        data = document.write_pdf(
            pdf_variant=weasy_variant,
            pdf_identifier=True,
            custom_metadata=True,
            attachments=files,
            finisher=page_labels_finisher(
                PAGE_IDS["title_page"],
                SECTION_IDS["introduction"],
                PAGE_IDS["back_cover"],
                cover_labels,
                print_file=printing,
            ),
        )
    finally:
        logger.removeHandler(handler)
    strays = sorted({font.family for font in document.fonts.values()} - set(FAMILIES))
    if strays:
        raise ProfileError(
            f"{out.name}: a font outside the publication's families was used: "
            f"{', '.join(strays)} (allowed: {', '.join(FAMILIES)})"
        )
    atomic_write(out, data)
    messages = handler.messages + [f"refused: {u}" for u in fetcher.refused]
    return WrittenPdf(messages, picture_boxes(document))
