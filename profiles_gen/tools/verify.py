"""Editions that prove what they carry.

- ``check_numbers``: every number in the text of each edition (PDF and HTML),
  normalised from its locale, compared chapter by chapter with the English
  edition: the same multiset of figures must appear in each.
- ``check_manifest``: the inputs and outputs of ``manifest.json`` still hash
  to what the build recorded (a file whose size, modification time and inode
  are those it had when last hashed is taken from the hash cache).
- ``missing_glyphs`` and ``locate``: the characters of an edition that the
  publication's fonts cannot draw, and where they come from (used by
  ``publish.check_glyphs`` before a PDF is written).
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path

from profiles_gen.build.manifest import MANIFEST, Manifest
from profiles_gen.core.files import atomic_write
from profiles_gen.core.page import PT_PER_PX, edge_pt
from profiles_gen.core.paths import PACKAGE_DIR, TEMPLATES_DIR
from profiles_gen.data.targets import ENV_VAR, PROJECT_TARGETS
from profiles_gen.i18n.messages import locales_dir
from profiles_gen.tools.pdftext import missing_tools, read_pdf, start_pdf

# Per language: a number as the edition prints it. Russian and French group digits
# with a no-break space and use the decimal comma, so a dotted number there is an
# identifier such as the SDG target 17.8 and is kept as it is.
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:[\u00a0\u202f]\d{3})+(?:,\d+)?|\d+\.\d+|\d+(?:,\d+)?")
NUMBER_RES = {
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
    "ru": _SPACE_GROUPED,
    "fr": _SPACE_GROUPED,
}

# A PDF reader may give the no-break spaces of a PDF as plain spaces, or, where justification
# widened them, with plain spaces around them (``JUSTIFIED_RE``): in a PDF's text "1 202 700"
# may be one number or three (the cells of a table row, a band beside its share): such a run
# of groups is read against the base edition (``numbers``); a group bound by a no-break space
# belongs to the number it is bound to.
SPACED_RE = re.compile(
    r"(?<![\d.,\u00a0\u202f])\d{1,3}(?: \d{3})+(?!\d|[.,\u00a0\u202f]\d)"
    r"|(?<![\d.,\u00a0\u202f])\d{1,3}(?: \d{3})+,\d+"
)

JUSTIFIED_RE = re.compile(r" *([\u00a0\u202f]) *")


PAGE_SCALE = PT_PER_PX  # WeasyPrint's text matrix: a CSS px is 0.75 pt


def canonical(token: str, lang: str) -> str:
    text = token.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace(",", "") if lang == "en" or "." in text else text.replace(",", ".")
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:  # pragma: no cover - the regexes only match numbers
        return text


# A contents or list entry: dot leaders, then a page number, which differs between
# editions of different lengths by design.
LEADER_RE = re.compile(r"(?:\.\s){3,}\.?\s*[0-9ivxlc]+")


def _pattern(lang: str) -> re.Pattern:
    return NUMBER_RES.get(lang.split("-")[0], NUMBER_RES["en"])


def numbers(text: str, lang: str, pdf: bool = False, base: Counter | None = None) -> Counter:
    """The figures of ``text`` in ``lang``, canonical.

    ``pdf``: text as read from a PDF, where a run of digit groups parted by spaces
    ("1 202 700") in a language that groups digits with spaces is read as the longest
    leading groups that ``base`` (the figures of the same chapter in the base edition)
    has, then the rest likewise; a run of which ``base`` has no leading part is read whole,
    as without ``base``.
    """
    text = LEADER_RE.sub(" ", text)
    pattern = _pattern(lang)
    found: Counter = Counter()
    if pdf and pattern is not NUMBER_RES["en"]:
        text = JUSTIFIED_RE.sub(r"\1", text)
        wanted = Counter(base) if base is not None else None

        def runs(match: re.Match) -> str:
            found.update(_read_run(match.group(0), lang, wanted))
            return " "

        text = SPACED_RE.sub(runs, text)
    found.update(canonical(m.group(0), lang) for m in pattern.finditer(text))
    return found


def _read_run(run: str, lang: str, wanted: Counter | None) -> list[str]:
    """The figures of a run of digit groups parted by spaces (see ``numbers``)."""
    groups, values = run.split(" "), []
    while groups:
        n = len(groups)
        if wanted is not None:  # the longest leading groups the base has, else all of them
            n = next((k for k in range(n, 0, -1) if wanted[_joined(groups[:k], lang)] > 0), n)
            wanted[_joined(groups[:n], lang)] -= 1
        values.append(_joined(groups[:n], lang))
        groups = groups[n:]
    return values


def _joined(groups: list[str], lang: str) -> str:
    return canonical("".join(groups), lang)


@dataclass
class Chapter:
    key: str
    title: str
    text: str
    # False: not compared (the PDF's cover, title page and imprint, see pdf_chapters)
    compared: bool = True
    pdf: bool = False  # read from a PDF (a no-break space may come as a plain space)


def pdf_chapters(path: Path, pictures: list[list[float]] | None = None) -> list[Chapter]:
    """The body text of a PDF per top-level outline entry (margins and pictures left out).

    Read with poppler (``tools.pdftext``) where the build recorded where the PDF's pictures
    lie (``pictures``) and poppler is installed; else with pypdf, which tells a picture's
    text from the page's by its scale, at about five times poppler's time.
    """
    if pictures is not None and not missing_tools():
        text = read_pdf(path, pictures)
        return _chapters(text.pages, text.outline)
    return _chapters(*_pypdf_pages(path))


def _pypdf_pages(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    """Each page's text, and the top-level outline entries (page index, title)."""
    from pypdf import PdfReader  # pypdf: only when a PDF's pictures were not recorded

    reader = PdfReader(path)
    pages = []
    for page in reader.pages:
        parts: list[str] = []
        # A landscape page set in the portrait book (``/Rotate 90``) draws its content turned:
        # its own height is the page's width. The trimmed page, not the sheet: the printer's
        # file has bleed and slug around it.
        turned = page.get("/Rotate", 0) in (90, 270)
        height = float(page.trimbox.width if turned else page.trimbox.height)
        last_y: list[float] = [0.0]
        edge = edge_pt(landscape=turned)

        def visit(text, cm, tm, font, size, parts=parts, height=height, last_y=last_y, edge=edge):
            scale = math.hypot(cm[2], cm[3]) or 1  # the length of the y axis, turned or not
            # The page's own text is set at WeasyPrint's 0.75 pt per CSS px; a chart's, in its
            # picture, at the picture's scale: its labels wrap, and a tall chart comes in
            # pieces, as each language's words need, so its figures are not compared here
            # (they are drawn from the data that the tables print).
            if abs(scale - PAGE_SCALE) > 1e-3:
                return
            y = tm[5]
            if edge < y < height / scale - edge:
                if y != last_y[0]:  # a new line: keep words of two lines apart
                    parts.append("\n")
                    last_y[0] = y
                parts.append(text)

        page.extract_text(visitor_text=visit)
        pages.append("".join(parts))
    starts = [
        (reader.get_destination_page_number(item), item.title)
        for item in reader.outline
        if not isinstance(item, list)
    ]
    return pages, starts


def _chapters(pages: list[str], starts: list[tuple[int, str]]) -> list[Chapter]:
    """The pages' text per top-level outline entry (``starts``: page index, title)."""
    # The cover, title page and imprint (before the first bookmark) hold no figure of the
    # city, and a translation's own: its coverage while it is a draft, the date of its
    # review. The HTML edition's notes are left out by their class (_Sections.SKIP).
    front = "\n".join(pages[: starts[0][0]] if starts else pages)
    chapters = [Chapter("front", "", front, compared=not starts, pdf=True)]
    for n, (start, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(pages)
        chapters.append(Chapter(f"{n}", title, "\n".join(pages[start:end]), pdf=True))
    return chapters


class _Sections(HTMLParser):
    """Text per chapter section of the HTML edition (sections keyed by their id)."""

    # What a translation says of itself (its coverage while a draft, its review date):
    # numbers that differ between the editions by design.
    SKIP = {"translation-credit", "draft-banner"}
    # Elements whose text never runs on into the next one's ("0 of 1" then "0/0").
    BLOCKS = {"p", "div", "li", "td", "th", "tr", "dt", "dd", "caption", "figcaption"}
    BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6", "section", "header", "footer", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chapters: list[Chapter] = [Chapter("front", "", "")]
        self.depth = 0
        self.section_depth: int | None = None
        self.skip = 0
        self.skip_depth: int | None = None
        self.title_next = False

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.chapters[-1].text += "\n"
        if tag in ("meta", "link", "br", "img", "hr", "input"):
            return
        self.depth += 1
        attrs = dict(attrs)
        if tag in ("style", "title") and self.section_depth is None:
            self.skip += 1
        classes = (attrs.get("class") or "").split()
        if self.skip_depth is None and self.SKIP & set(classes):
            self.skip_depth = self.depth
        if tag == "section" and "chapter" in classes and self.section_depth is None:
            self.section_depth = self.depth
            self.chapters.append(Chapter(attrs.get("id", ""), "", ""))
        # A chapter's heading: h2 on screen (h3 in a volume's part), where the page's h1 is
        # its title; the first heading of the section either way.
        heading = tag in ("h1", "h2", "h3", "h4")
        if heading and self.section_depth is not None and not self.chapters[-1].title:
            self.title_next = True

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.chapters[-1].text += "\n"
        if tag in ("meta", "link", "br", "img", "hr", "input"):
            return
        if self.skip_depth == self.depth:
            self.skip_depth = None
        if tag in ("style", "title") and self.skip:
            self.skip -= 1
        if self.section_depth == self.depth:
            self.section_depth = None
            self.chapters.append(Chapter("between", "", ""))
        self.depth -= 1

    def handle_data(self, data):
        if self.skip or self.skip_depth is not None:
            return
        chapter = self.chapters[-1]
        chapter.text += data
        if self.title_next and data.strip():
            chapter.title = data.strip()
            self.title_next = False


def html_chapters(path: Path) -> list[Chapter]:
    parser = _Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    merged: list[Chapter] = []
    for chapter in parser.chapters:  # text between sections belongs to the one before
        if chapter.key == "between" and merged:
            merged[-1].text += chapter.text
        elif chapter.key != "between":
            merged.append(chapter)
    return merged


def _context(text: str, value: str, lang: str) -> str:
    """The words around the first place ``value`` is printed in ``text``: as one number, or
    as digit groups a PDF reader gave with plain spaces ("2 501")."""
    pattern = _pattern(lang)
    places = [m.span() for m in pattern.finditer(text) if canonical(m.group(0), lang) == value]
    if pattern is not NUMBER_RES["en"]:
        for m in SPACED_RE.finditer(text):
            groups = m.group(0).split(" ")
            runs = (groups[i:j] for i in range(len(groups)) for j in range(i + 1, len(groups) + 1))
            if any(_joined(run, lang) == value for run in runs):
                places.append(m.span())
    if not places:
        return ""
    start, end = min(places)
    return " ".join(text[max(0, start - 40) : min(len(text), end + 40)].split())


def compare_editions(
    base: list[Chapter], other: list[Chapter], base_lang: str, lang: str, label: str
) -> list[str]:
    """Differences in the figures of two editions, chapter by chapter."""
    problems = []
    if [c.key for c in base] != [c.key for c in other] and len(base) != len(other):
        problems.append(
            f"{label}: the {lang} edition has {len(other)} chapters, "
            f"the {base_lang} edition {len(base)}"
        )
    for mine, theirs in zip(base, other, strict=False):
        if not (mine.compared and theirs.compared):
            continue
        a = numbers(mine.text, base_lang, mine.pdf)
        b = numbers(theirs.text, lang, theirs.pdf, base=a)
        if a == b:
            continue
        where = f"chapter '{theirs.title or theirs.key}' ({base_lang}: '{mine.title or mine.key}')"
        for value in sorted((a - b).keys() | (b - a).keys()):
            if a[value] == b[value]:
                continue
            problems.append(
                f"{label}: {where}: {value} appears {a[value]}× in {base_lang} and "
                f"{b[value]}× in {lang}; {base_lang}: “{_context(mine.text, value, base_lang)}”; "
                f"{lang}: “{_context(theirs.text, value, lang)}”"
            )
    return problems


def check_numbers(out_dir: Path, slug: str, langs: list[str], base_lang: str = "en") -> list[str]:
    """The figures of every edition against the base language's, PDF and HTML.

    A pair of editions that passed before and whose files are unchanged (by the
    hashes recorded under ``verified`` in ``manifest.json``) is not read again.
    """

    manifest = Manifest.load(out_dir)
    before = dict(manifest.verified)
    problems = []
    others = [lang for lang in langs if lang != base_lang]
    kinds = {
        "pdf": (lambda lang: out_dir / f"{slug}-{lang}.pdf", pdf_chapters, "{slug}-{lang}.pdf"),
        # the printer's file (--pdf-variant print), where built: the same figures
        "print": (
            lambda lang: out_dir / f"{slug}-{lang}-print.pdf",
            pdf_chapters,
            "{slug}-{lang}-print.pdf",
        ),
        "html": (lambda lang: out_dir / lang / "index.html", html_chapters, "{lang}/index.html"),
    }
    pairs = []  # what to compare: the pairs not compared before, or changed since
    for kind, (path_of, chapters_of, label) in kinds.items():
        base_path = path_of(base_lang)
        if not base_path.is_file():
            continue
        for lang in others:
            path = path_of(lang)
            if not path.is_file():
                continue
            key = f"{kind} {base_lang} {lang}"
            hashes = {base_lang: manifest.hash(base_path), lang: manifest.hash(path)}
            if manifest.verified.get(key) != hashes:
                pairs.append((key, hashes, base_path, path, chapters_of, lang, label))
    # The PDFs to read, read side by side (reading a PDF's text is most of verify's time),
    # each with where the build recorded its pictures, if this very file is the one built.
    pdfs = {p for *_, base, path, how, _, _ in pairs if how is pdf_chapters for p in (base, path)}
    read: dict[Path, list[Chapter]] = {}

    def read_others() -> None:  # the HTML editions, while poppler reads the PDFs
        for *_, base, path, how, _, _ in pairs:
            if how is not pdf_chapters:
                for p in (base, path):
                    if p not in read:
                        read[p] = how(p)

    pictures = {path: _pictures(manifest, out_dir, path) for path in sorted(pdfs)}
    read.update(read_pdfs(pictures, meanwhile=read_others))
    for key, hashes, base_path, path, chapters_of, lang, label in pairs:
        if base_path not in read:
            read[base_path] = chapters_of(base_path)
        found = compare_editions(
            read[base_path],
            read[path] if path in read else chapters_of(path),
            base_lang,
            lang,
            label.format(slug=slug, lang=lang),
        )
        problems += found
        if found:
            manifest.verified.pop(key, None)
        else:
            manifest.verified[key] = hashes
    manifest.hashes.save()
    if manifest.verified != before and (out_dir / MANIFEST).is_file():
        atomic_write(out_dir / MANIFEST, manifest.to_json())
    return problems


def _pictures(manifest: Manifest, out_dir: Path, path: Path) -> list[list[float]] | None:
    """Where the build recorded the pictures of the PDF at ``path``, if the file is still
    the one it recorded them for; else None."""
    entry = manifest.outputs.get(path.relative_to(out_dir).as_posix())
    if not isinstance(entry, dict) or entry.get("sha256") != manifest.hash(path):
        return None
    pictures = entry.get("pictures")
    valid = isinstance(pictures, list) and all(
        isinstance(box, list)
        and len(box) == 5
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in box)
        for box in pictures
    )
    return pictures if valid else None


def read_pdfs(
    pictures: dict[Path, list[list[float]] | None], meanwhile: Callable[[], None] | None = None
) -> dict[Path, list[Chapter]]:
    """The chapters of each PDF (``pictures``: each one's, or None if not recorded). Poppler
    reads those whose pictures are known, all at once; pypdf the others, in parallel
    processes when there are several and more than one core (its text extraction is pure
    Python: one core per PDF). ``meanwhile`` is called while poppler reads."""
    known = {} if missing_tools() else {p: b for p, b in pictures.items() if b is not None}
    pending = {path: start_pdf(path, boxes) for path, boxes in known.items()}  # all at once
    if meanwhile is not None:
        meanwhile()
    read = {}
    for path, pdf in pending.items():
        text = pdf.result()
        read[path] = _chapters(text.pages, text.outline)
    paths = [path for path in pictures if path not in read]
    workers = min(len(paths), os.cpu_count() or 1)
    if workers < 2:
        return read | {path: pdf_chapters(path) for path in paths}
    import multiprocessing  # only when several PDFs are read at once
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return read | dict(zip(paths, pool.map(pdf_chapters, paths), strict=True))


def check_manifest(out_dir: Path, city_dir: Path) -> list[str]:
    """Every input and output still hashes to what ``manifest.json`` recorded."""

    manifest = Manifest.load(out_dir)
    if not manifest.outputs:
        return [f"{out_dir / 'manifest.json'}: no manifest (build the city first)"]

    roots = {
        "city": city_dir,
        "package": PACKAGE_DIR,
        "templates": TEMPLATES_DIR,
        "locales": locales_dir(),
        "targets": PROJECT_TARGETS,
        "volume": city_dir.parent,
    }
    extra = [t for t in os.environ.get(ENV_VAR, "").split(os.pathsep) if t]
    roots.update({f"targets-{n}": Path(text) for n, text in enumerate(extra)})
    problems = []
    for name, digest in sorted(manifest.inputs.items()):
        prefix, _, rest = name.partition("/")
        path = _under(roots.get(prefix), rest)
        if path is None:
            problems.append(f"input {name}: not a file of the project: not read")
        elif not path.is_file():
            problems.append(f"input {name}: missing")
        elif manifest.hash(path) != digest:
            problems.append(f"input {name}: changed since the build")
    for name, entry in sorted(manifest.outputs.items()):
        path = _under(out_dir, name)
        if path is None:
            problems.append(f"output {name}: not a file under {out_dir}: not read")
        elif not path.is_file():
            problems.append(f"output {name}: missing")
        elif not isinstance(entry, dict) or manifest.hash(path) != entry.get("sha256"):
            problems.append(f"output {name}: changed since the build")
    manifest.hashes.save()
    return problems


def _under(root: Path | None, name: str) -> Path | None:
    """``root / name`` if it is a regular file inside ``root`` or absent, else None.

    A tampered ``manifest.json`` must not make verify read (or block on) anything else.
    """

    if root is None or not name or "\0" in name:
        return None
    path = root / name
    real, base = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    if base not in real.parents:
        return None
    try:
        if not stat.S_ISREG(os.stat(real).st_mode):
            return None
    except OSError:
        return path  # missing: reported as such
    return path
