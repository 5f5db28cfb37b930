"""Stage 6, publish: write the HTML edition, the PDF, the open-data exports (made by ``export``).

Every file is written to a temporary file in its destination folder and
renamed into place, so a failed or interrupted build never leaves a
half-written file over a good one. WeasyPrint may fetch only files inside
the folders it is given (the city folder, the templates, the package's own
assets); anything else is refused.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import unquote, urlparse

from profiles_gen.errors import Issue, ProfileError
from profiles_gen.load import folder_files, read_file_bytes
from profiles_gen.paths import FONT_DIR, TEMPLATES_DIR
from profiles_gen.score import BAND_COLOURS, BAND_TEXT

CSS_DIR = TEMPLATES_DIR / "css"
FONT_FACES = (
    ("Noto Sans", "normal", "normal", "NotoSans-Regular.ttf"),
    ("Noto Sans", "italic", "normal", "NotoSans-Italic.ttf"),
    ("Noto Sans", "normal", "bold", "NotoSans-Bold.ttf"),
    ("Noto Sans", "italic", "bold", "NotoSans-BoldItalic.ttf"),
    ("DejaVu Sans", "normal", "normal", "DejaVuSans.ttf"),
)
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "print")
# The printer's file (``--pdf-variant print``): every page with 3 mm of bleed (the covers'
# blue runs into it) and crop marks. Colours stay RGB: no output intent, no CMYK profile.
PRINT_CSS = "@page { bleed: 3mm; marks: crop; }"
FAMILIES = tuple(dict.fromkeys(family for family, *_ in FONT_FACES))
FONT_FILES = tuple(FONT_DIR / name for *_, name in FONT_FACES)


# --- atomic files ----------------------------------------------------------------


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """``atomic_write`` unless the file already holds exactly ``data``; True if written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return False
    atomic_write(path, raw)
    return True


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, mode 0755 whatever the umask."""
    missing = []
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        with suppress(FileExistsError):
            path.mkdir()
            os.chmod(path, 0o755)


def replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file (or nothing) at ``path``.

    A build writes only regular files, into folders it owns: a folder, a link, a device
    or a FIFO where an output goes is someone else's and stays as it is.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise ProfileError(f"{path}: exists and is not a regular file; not replacing it")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    from profiles_gen.workers import publishing

    make_dirs(path.parent)
    replaceable(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        with publishing():
            os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def clean_stale_temporaries(folder: Path) -> None:
    """Remove what an earlier build killed outright (SIGKILL, power cut) left half-written."""
    for path in [*folder.glob(".*.tmp"), *folder.glob(".*.old")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for path in folder.glob("*/.*.tmp"):
        path.unlink(missing_ok=True)


_INTERRUPTS = {"depth": 0, "pending": False}


def interrupt(signum, frame) -> None:
    """The CLI's handler of SIGINT and SIGTERM: unwind like Ctrl-C, so temporary files are
    removed on the way out, but not in the middle of swapping a folder into place."""
    if _INTERRUPTS["depth"]:
        _INTERRUPTS["pending"] = True
        return
    raise KeyboardInterrupt


@contextmanager
def uninterrupted():
    """Hold an interrupt back until the block is done, then raise it."""
    _INTERRUPTS["depth"] += 1
    try:
        yield
    finally:
        _INTERRUPTS["depth"] -= 1
        if not _INTERRUPTS["depth"] and _INTERRUPTS["pending"]:
            _INTERRUPTS["pending"] = False
            raise KeyboardInterrupt


@contextmanager
def staged_dir(final: Path):
    """A fresh folder beside ``final`` that replaces it only when the block succeeds."""
    from profiles_gen.workers import publishing

    make_dirs(final.parent)
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise ProfileError(f"{final}: exists and is not a folder; not replacing it")
    stage = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp"))
    old = final.parent / f".{final.name}.old"
    try:
        yield stage
        _publishable(stage)
        with uninterrupted(), publishing():
            if old.exists():
                shutil.rmtree(old)
            if final.exists():
                os.replace(final, old)
            os.replace(stage, final)
    finally:
        # Whatever interrupted the block, leave either the new or the old folder in place,
        # and nothing else; an interrupt during this clean-up waits for its end.
        with uninterrupted():
            if not final.exists() and old.exists():
                os.replace(old, final)
            for leftover in (stage, old):
                if leftover.exists():
                    shutil.rmtree(leftover)


def _publishable(folder: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask; nothing but folders and files."""
    os.chmod(folder, 0o755)
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755, follow_symlinks=False)
        for name in files:
            path = os.path.join(top, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                raise ProfileError(f"{path}: not a regular file in the edition")
            os.chmod(path, 0o644)


# --- stylesheets -----------------------------------------------------------------


def fonts_css(url_for) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-style: {style}; font-weight: {weight}; '
        f'src: url("{url_for(name)}") format("truetype"); }}'
        for family, style, weight, name in FONT_FACES
    )


def bands_css() -> str:
    rules = [
        f".band-{b} {{ background: {c}; color: {BAND_TEXT[b]}; }}" for b, c in BAND_COLOURS.items()
    ]
    return "\n".join(rules)


def stylesheet(media: str, url_for) -> str:
    """The complete CSS of one medium: fonts, band colours, common and medium rules."""
    parts = [
        fonts_css(url_for),
        bands_css(),
        (CSS_DIR / "common.css").read_text("utf-8"),
        (CSS_DIR / f"{media}.css").read_text("utf-8"),
    ]
    return "\n".join(parts)


# --- fetching --------------------------------------------------------------------


def safe_fetcher(roots: list[Path], allow_remote: bool = False):
    """A WeasyPrint URL fetcher that serves only ``data:`` URLs and files under ``roots``.

    With ``allow_remote``, http(s) URLs are fetched too; nothing else ever is.
    """
    from weasyprint.urls import URLFetcher

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


# --- outputs ---------------------------------------------------------------------


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
    import pydyf

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


def _rotated(rect, height: float):
    """A rectangle [x0 y0 x1 y1] of a landscape page of ``height``, turned a quarter
    anticlockwise onto the portrait page."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    return [height - y1, x0, height - y0, x1]


def rotate_landscape_pages(pdf) -> None:
    """Set every landscape page in a portrait book: the page becomes portrait with its content
    turned a quarter anticlockwise (as printed in a book), and ``/Rotate 90`` turns it back
    so that it reads upright on screen. Boxes, link rectangles and every destination on the
    page (bookmarks, named destinations, links' own) are turned with it."""
    import pydyf

    turned = {}
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        x0, y0, x1, y1 = (float(v) for v in page["MediaBox"])
        width, height = x1 - x0, y1 - y0
        if width <= height or "Rotate" in page:
            continue
        turn = pydyf.Stream([f"q 0 1 -1 0 {height:g} 0 cm".encode()])
        back = pydyf.Stream([b"Q"])
        pdf.add_object(turn)
        pdf.add_object(back)
        page["Contents"] = pydyf.Array([turn.reference, page["Contents"], back.reference])
        for box in ("MediaBox", "TrimBox", "BleedBox"):
            if box in page:
                page[box] = pydyf.Array(_rotated(page[box], height))
        for ref in page.get("Annots", ()):
            annot = pdf.objects[int(bytes(ref).split()[0])]
            if "Rect" in annot:
                annot["Rect"] = pydyf.Array(_rotated(annot["Rect"], height))
        page["Rotate"] = 90
        turned[page.reference] = height
    if turned:
        for dest in _destinations(pdf):
            if bytes(dest[0]) in turned:
                dest[1:] = _turned_destination(list(dest[1:]), turned[bytes(dest[0])])


def _destinations(pdf):
    """Every explicit destination array of ``pdf``: of its bookmarks and links (``/Dest``,
    a GoTo action's ``/D``) and of its named destinations."""
    for obj in pdf.objects:
        if isinstance(obj, dict):
            for holder in (obj, obj.get("A")):
                if isinstance(holder, dict):
                    dest = holder.get("Dest", holder.get("D"))
                    if isinstance(dest, list) and len(dest) > 1:
                        yield dest
    names = pdf.catalog.get("Names", {}).get("Dests", {}).get("Names", [])
    for dest in names[1::2]:
        if isinstance(dest, list) and len(dest) > 1:
            yield dest


def _turned_destination(view: list, height: float) -> list:
    """A destination's view (``/XYZ left top zoom``, ``/FitR``, ``/FitH top``…) on a landscape
    page of ``height``, turned a quarter anticlockwise with the page: (x, y) → (height - y, x).
    A coordinate left unspecified (null) stays so; the page's horizontal becomes its vertical,
    so ``/FitH`` becomes ``/FitV`` and the other way round."""

    def num(v):
        return None if v is None or str(v) == "null" else float(v)

    def out(v):
        return "null" if v is None else v

    kind, args = str(view[0]), [num(v) for v in view[1:]]
    if kind == "/XYZ" and len(args) >= 2:
        left, top = args[0], args[1]
        return ["/XYZ", out(None if top is None else height - top), out(left), *view[3:]]
    if kind == "/FitR" and len(args) == 4:
        return ["/FitR", *_rotated(args, height)]
    swapped = {"/FitH": "/FitV", "/FitBH": "/FitBV", "/FitV": "/FitH", "/FitBV": "/FitBH"}
    if kind in swapped and args:
        value = args[0]
        if kind in ("/FitH", "/FitBH") and value is not None:
            value = height - value
        return [swapped[kind], out(value)]
    return list(view)


def tag_element_languages() -> None:
    """Give a PDF structure element the ``/Lang`` of its HTML element's ``lang`` attribute
    (a city's text shown in another language than the edition's), so that a screen reader
    switches voice in the PDF as in the HTML. WeasyPrint tags only the document's language."""
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "tags_languages", False):
        return

    def build_with_lang(box, *args, **kwargs):  # a generator, as the one it wraps
        import pydyf

        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and box.element_tag != "html" else None
        for structure in build(box, *args, **kwargs):
            if lang and "Lang" not in structure:
                structure["Lang"] = pydyf.String(lang)
            yield structure

    build_with_lang.tags_languages = True
    tags._build_box_tree = build_with_lang


# WeasyPrint's user-agent sheet has six rules on a bare pseudo-element (``::marker``,
# ``::footnote-call``, ``::footnote-marker`` and the three ``::note-*``): each one gives
# every element of the document a pseudo-element style that WeasyPrint computes and keeps
# for the whole layout. In an edition of some 10 000 elements that is over 60 000 styles,
# about 70 MB of the peak. Only list items and summaries carry a marker, and in this
# publication only ``.footnote`` floats as a footnote and nothing is a note, so the rules
# are scoped to those elements: the same PDF with a third less memory. Where narrative
# brings CSS of its own that makes a footnote or a note (raw HTML may), the edition is
# laid out with WeasyPrint's own sheet, as it would be without this.
UA_SCOPES = {
    "::marker {": ":is(li, summary)::marker {",
    "::footnote-call {": ".footnote::footnote-call {",
    "::footnote-marker {": ".footnote::footnote-marker {",
    "::note-call {": ".footnote::note-call {",
    "::note-marker {": ".footnote::note-marker {",
    "::note-callback {": ".footnote::note-callback {",
}
_OUT_OF_FLOW = re.compile(r"float\s*:\s*footnote|position\s*:\s*note\s*\(", re.I)
_UA: dict = {}


def scoped_ua_text(ua: str) -> str:
    """WeasyPrint's user-agent CSS with the universal pseudo-element rules scoped."""
    lines = ua.splitlines(keepends=True)
    for bare, scoped in UA_SCOPES.items():
        hits = [i for i, line in enumerate(lines) if line.startswith(bare)]
        if len(hits) != 1:  # another WeasyPrint: its stock sheet, never a half-scoped one
            return ua
        lines[hits[0]] = scoped + lines[hits[0]][len(bare) :]
    return "".join(lines)


def scoped_ua_applies(html: str) -> bool:
    """True unless ``html`` makes a footnote or a note beyond the publication's own CSS."""
    own = sum(
        len(_OUT_OF_FLOW.findall((CSS_DIR / f"{name}.css").read_text("utf-8")))
        for name in ("common", "print")
    )
    return len(_OUT_OF_FLOW.findall(html)) <= own


def publication_html(string: str, **kwargs):
    """``weasyprint.HTML`` of ``string``, with the scoped user-agent sheet where it applies."""
    from weasyprint import CSS, HTML
    from weasyprint import html as ua
    from weasyprint.css.counters import CounterStyle

    if not scoped_ua_applies(string):
        return HTML(string=string, **kwargs)
    if "sheet" not in _UA:  # its @counter-style rules are WeasyPrint's, already known to
        # ua.UA_COUNTER_STYLE, which lays out every document: parsed into a set of their own
        _UA["sheet"] = CSS(string=scoped_ua_text(ua.UA), counter_style=CounterStyle())

    class PublicationHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [_UA["sheet"], ua.UA_FORM_STYLESHEET] if forms else [_UA["sheet"]]

    return PublicationHTML(string=string, **kwargs)


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
    from weasyprint import CSS, Attachment

    from profiles_gen.render import SECTION_IDS  # the body starts with the introduction

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
                "title-page", SECTION_IDS["introduction"], "back-cover", cover_labels
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


JS_DIR = CSS_DIR.parent / "js"


def write_edition_info(out_dir: Path, info: dict) -> Path:
    """What the home page needs to know of a built city (names, languages, titles)."""
    path = out_dir / "edition.json"
    write_if_changed(path, json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path


def read_edition_infos(out_root: Path) -> list[dict]:
    infos = []
    for path in sorted(out_root.glob("*/edition.json")):
        try:
            infos.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # a broken file is rewritten by the next build of that city
    return infos


def write_home(out_root: Path, pages: dict[str, str], css: str) -> list[Path]:
    """The site's home pages (one per language) with their shared assets."""
    written = []
    make_dirs(out_root / "assets" / "fonts")
    for *_, name in FONT_FACES:
        target = out_root / "assets" / "fonts" / name
        if not target.is_file() or target.is_symlink():
            atomic_write(target, (FONT_DIR / name).read_bytes())
    write_if_changed(out_root / "assets" / "profile.css", css)
    for name, html in pages.items():
        if write_if_changed(out_root / name, html):
            written.append(out_root / name)
    return written


def assemble_site(out_root: Path, slugs: list[str]) -> Path:
    """``build/site/``: the home pages and every city's editions and downloads, self-contained."""
    final = out_root / "site"
    with staged_dir(final) as stage:
        shutil.copytree(out_root / "assets", stage / "assets")
        for page in sorted([*out_root.glob("index*.html"), *out_root.glob("compare*.html")]):
            shutil.copyfile(page, stage / page.name)
        for slug in slugs:
            shutil.copytree(
                out_root / slug, stage / slug, ignore=shutil.ignore_patterns(".*", "print.html")
            )
    return final


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
        images = city.dir / "images"
        files, problems = folder_files(images, city.dir)  # narrative images: images/NAME
        if problems:
            raise ProfileError([Issue(str(p), 0, 0, "", text) for p, text in problems])
        for path in files:
            target = stage / "images" / path.relative_to(images)
            make_dirs(target.parent)
            target.write_bytes(read_file_bytes(path, images, city.dir))
        (stage / "index.html").write_text(html, encoding="utf-8")


# --- one edition -----------------------------------------------------------------


def check_glyphs(html: str, city, lang: str) -> None:
    """Fail on a character that none of the publication's fonts can draw, saying where."""
    import html as htmllib
    import re
    import unicodedata

    from profiles_gen.i18n import po_path
    from profiles_gen.verify import locate, missing_glyphs

    text = htmllib.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S))
    missing = missing_glyphs(text, FONT_FILES)
    if not missing:
        return
    sources = sorted(p for p in city.dir.rglob("*") if p.suffix in (".yaml", ".md"))
    sources += [po_path(lang)] + sorted(TEMPLATES_DIR.rglob("*.html"))
    issues = []
    for char in missing:
        name = unicodedata.name(char, "unnamed")
        where = locate(char, sources)
        message = (
            f"U+{ord(char):04X} {name} ({char!r}) has no glyph in the publication's "
            f"fonts ({', '.join(f.stem for f in FONT_FILES)})"
        )
        issues.append(
            Issue(
                where.path if where else f"{lang} edition",
                where.line if where else 0,
                where.col if where else 0,
                "glyph",
                message,
            )
        )
    raise ProfileError(issues)


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
        assets = {
            "stylesheets": ["assets/profile.css"],
            "inline_css": "",
            "photo": photo,
            "scripts": ["assets/profile.js"],
        }
        html = render("screen", assets)
        css = stylesheet("screen", lambda name: f"fonts/{name}")
        write_html(edition, html, css, charts, city)
        outputs.append(edition / "index.html")
    if "pdf" in opts.formats or "print" in opts.formats:
        css = stylesheet("print", lambda name: (FONT_DIR / name).as_uri())
        photo = city.photo.as_uri() if city.photo else None
        html = render(
            "print", {"stylesheets": [], "inline_css": css, "photo": photo, "scripts": []}
        )
        pdf = out_dir / f"{city.slug}-{lang}.pdf"
        if opts.keep_print_html:
            outputs.append(write_print_html(out_dir / lang / "print.html", html))
    if "pdf" in opts.formats:
        roots = [city.dir, TEMPLATES_DIR, FONT_DIR]
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
        warnings += [f"{_rel(pdf)}: warning: {m}" for m in messages]
        outputs.append(pdf)
    return outputs, warnings


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
