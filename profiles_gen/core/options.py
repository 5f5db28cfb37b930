"""What a build can be asked: its options, formats and PDF variants.

Light on purpose: the command line and the no-op build (``build.noop``) read them before
anything heavier is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("pdf", "html")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "print")


@dataclass(frozen=True)
class BuildOptions:
    langs: tuple[str, ...] = ()  # empty: the city's languages
    formats: tuple[str, ...] = FORMATS
    variant: str = "pdf/ua-1"
    strict: bool = False
    allow_remote: bool = False
    keep_print_html: bool = False
    jobs: int = 1
    force: bool = False  # rebuild outputs whose inputs are unchanged too
