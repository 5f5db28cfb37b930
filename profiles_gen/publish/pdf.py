"""The PDF: WeasyPrint with a fetcher that serves only the project's own files, the
page labels, the attached open data, and a refusal of any font outside the
publication's families.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from profiles_gen.core.errors import ProfileError
from profiles_gen.core.files import atomic_write
from profiles_gen.core.options import PDF_VARIANTS
from profiles_gen.publish.styles import FAMILIES
from profiles_gen.publish.turned import rotate_landscape_pages
from profiles_gen.publish.weasy import publication_html, tag_element_languages
from profiles_gen.render.outline import PAGE_IDS, SECTION_IDS

# The printer's file (``--pdf-variant print``): every page with 3 mm of bleed (the covers'
# blue runs into it) and crop marks. Colours stay RGB: no output intent, no CMYK profile.
PRINT_CSS = "@page { bleed: 3mm; marks: crop; }"


def safe_fetcher(roots: list[Path], allow_remote: bool = False):
    """A WeasyPrint URL fetcher that serves only ``data:`` URLs and files under ``roots``.

    With ``allow_remote``, http(s) URLs are fetched too; nothing else ever is.
    """
    from weasyprint.urls import URLFetcher  # WeasyPrint: only when a PDF is written

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
                path = Path(unquote(parsed.path)).resolve()
                if any(path == r or r in path.parents for r in self.roots):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url}: outside the project")

    return SafeFetcher()


class _CollectWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def page_labels_finisher(
    front_anchor: str, body_anchor: str, back_anchor: str, names: tuple[str, str]
):
    """Label the PDF's pages: the cover, roman front matter, arabic body, back cover."""
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
        rotate_landscape_pages(pdf)

    return finish


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
) -> list[str]:
    """Render ``html`` with WeasyPrint to ``out`` atomically; return WeasyPrint's warnings.

    ``attachments`` maps a file name to (content, description): embedded files
    (PDF/A-3 "Data" relationship). A font outside the publication's families
    (a fallback found by fontconfig) fails the build before anything is written.
    """
    from weasyprint import CSS, Attachment  # WeasyPrint: only when a PDF is written

    tag_element_languages()

    if variant not in PDF_VARIANTS:
        raise ProfileError(f"unknown PDF variant {variant!r} (use {', '.join(PDF_VARIANTS)})")
    fetcher = safe_fetcher(roots, allow_remote)
    handler = _CollectWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    weasy_variant = None if variant == "print" else variant
    extra = [CSS(string=PRINT_CSS)] if variant == "print" else []
    try:
        document = publication_html(
            string=html, base_url=str(base_url) + os.sep, url_fetcher=fetcher
        ).render(pdf_variant=weasy_variant, stylesheets=extra)
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
    return handler.messages + [f"refused: {u}" for u in fetcher.refused]
