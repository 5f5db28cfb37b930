"""The text of a PDF edition as poppler reads it, for ``verify``.

Poppler's command-line tools (``poppler-utils``: ``pdftotext``, ``pdfinfo``,
``pdftohtml``) read a 60-page edition in a fraction of a second, where pypdf, a
pure-Python reader, takes four or five; they are a system dependency of the package,
like Pango is of WeasyPrint. ``start_pdf`` starts them at once, so that the editions
of a city are read side by side, and ``result`` gives:

- the text of each page, line by line, without its furniture: a word whose
  middle lies nearer the top or bottom edge of the trimmed page as it is seen than
  ``core.page.edge_pt`` (three quarters of the margin; a landscape page turned in
  the portrait book counts its width as height; the printer's file its trim box,
  inside bleed and slug) is a running head, a page number or a draft mark, and
  left out;
- without the pictures' own text: poppler reads a chart's labels as it reads the
  page's, and cannot tell them apart. A word whose middle lies inside one of the
  ``pictures`` the build recorded for the PDF (``publish.weasy.picture_boxes``, in
  ``manifest.json``) is left out: a chart's labels wrap, and a tall chart comes in
  pieces, as each language needs, so its figures are not compared (they are drawn
  from the data that the tables print);
- the words of a line joined by a space. Poppler gives every space as a plain one,
  the no-break spaces between the digit groups of a Russian number (``1 202 700``)
  too, and the gap between two words says nothing more: justification widens a
  no-break space as much as the gap between two cells. ``verify`` reads such runs
  of groups against the English edition (``verify.numbers``);
- the top-level entries of the outline with the page each starts on.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from profiles_gen.core.errors import UsageError
from profiles_gen.core.page import edge_pt

COMMANDS = (  # "{pdf}": the PDF's path
    ("pdftotext", "-q", "-enc", "UTF-8", "-bbox-layout", "{pdf}", "-"),  # the words
    ("pdfinfo", "-box", "-f", "1", "-l", "1000000", "{pdf}"),  # each page's rotation, boxes
    # The outline: pdftohtml writes all of it whatever the pages it is asked for.
    ("pdftohtml", "-q", "-xml", "-i", "-stdout", "-nodrm", "-f", "1", "-l", "1", "{pdf}"),
)
TOOLS = tuple(cmd[0] for cmd in COMMANDS)

_WORDS_RE = re.compile(
    r'<page width="([\d.]+)" height="([\d.]+)">|(<line )|'
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_ROTATE_RE = re.compile(r"^Page +\d+ rot: +(\d+)", re.M)
_BOX_RE = re.compile(
    r"^Page +(\d+) (MediaBox|TrimBox): +([-\d.]+) +([-\d.]+) +([-\d.]+) +([-\d.]+)", re.M
)
_OUTLINE_RE = re.compile(r'<outline>|</outline>|<item page="(\d+)">(.*?)</item>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class PdfText:
    pages: list[str]  # the text of each page, furniture left out
    outline: list[tuple[int, str]]  # top-level outline entries: (page index from 0, title)


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


class PendingPdf:
    """The poppler processes reading one PDF, started; ``result()`` waits for them."""

    def __init__(self, path: Path, pictures: list[list[float]] = ()) -> None:
        missing = missing_tools()
        if missing:
            raise UsageError(
                f"reading the PDF editions needs poppler's {', '.join(missing)} "
                "(Debian and Ubuntu: apt-get install poppler-utils; macOS: brew install poppler)"
            )
        self.path = path
        self.pictures = pictures
        # Into files, not pipes: a pipe full of words would stop pdftotext until it is read.
        self._outs = [tempfile.TemporaryFile() for _ in COMMANDS]
        self._procs = [
            subprocess.Popen(
                [str(path) if arg == "{pdf}" else arg for arg in cmd],
                stdout=out,
                stderr=subprocess.PIPE,
            )
            for cmd, out in zip(COMMANDS, self._outs, strict=True)
        ]

    def result(self) -> PdfText:
        outputs = []
        for proc, out in zip(self._procs, self._outs, strict=True):
            _, err = proc.communicate()
            with out:
                out.seek(0)
                text = out.read().decode("utf-8", "replace")
            if proc.returncode:
                tool = proc.args[0]
                message = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
                raise UsageError(f"{self.path}: {tool} could not read it: {message}")
            outputs.append(text)
        words, info, xml = outputs
        return PdfText(pages(words, page_frames(info), self.pictures), outline(xml))


def start_pdf(path: Path, pictures: list[list[float]] = ()) -> PendingPdf:
    return PendingPdf(path, pictures)


def read_pdf(path: Path, pictures: list[list[float]] = ()) -> PdfText:
    return start_pdf(path, pictures).result()


def page_frames(pdfinfo: str) -> list[tuple[bool, float, float, float]]:
    """Per page, from ``pdfinfo -box``: whether it is turned a quarter, and how far the
    trimmed page lies from the sheet's top, bottom and left edges as the page is seen (the
    printer's file has bleed and slug around it; other PDFs are trimmed to the sheet)."""
    rotations = [int(r) for r in _ROTATE_RE.findall(pdfinfo)]
    boxes: dict[tuple[int, str], list[float]] = {}
    for m in _BOX_RE.finditer(pdfinfo):
        boxes[(int(m.group(1)), m.group(2))] = [float(v) for v in m.group(3, 4, 5, 6)]
    frames = []
    for n, rotation in enumerate(rotations, 1):
        media = boxes.get((n, "MediaBox"), [0.0] * 4)
        trim = boxes.get((n, "TrimBox"), media)
        gaps = {  # the sheet's edges seen at the top, at the bottom, at the left
            0: (media[3] - trim[3], trim[1] - media[1], trim[0] - media[0]),
            90: (trim[0] - media[0], media[2] - trim[2], trim[1] - media[1]),
            180: (trim[1] - media[1], media[3] - trim[3], media[2] - trim[2]),
            270: (media[2] - trim[2], trim[0] - media[0], media[3] - trim[3]),
        }
        top, bottom, left = gaps.get(rotation % 360, gaps[0])
        frames.append((rotation % 180 == 90, top, bottom, left))
    return frames


def pages(
    bbox_xhtml: str,
    frames: list[tuple[bool, float, float, float]],
    pictures: list[list[float]] = (),
) -> list[str]:
    """The text of each page from ``pdftotext -bbox-layout``, furniture and the text of
    ``pictures`` (``[page, left, top, right, bottom]`` on the trimmed page) left out."""
    found: list[list[list[str]]] = []
    low = high = left = top = 0.0  # a word's middle must lie between low and high
    boxes: list[list[float]] = []
    line: list[str] = []
    for m in _WORDS_RE.finditer(bbox_xhtml):
        if m.group(1):  # a page; its words are given as the page is seen
            width, height = float(m.group(1)), float(m.group(2))
            number = len(found)
            turned, top, bottom, left = frames[number] if len(frames) > number else (0, 0, 0, 0)
            seen = width if turned else height
            edge = edge_pt(landscape=bool(turned))
            low, high = top + edge, seen - bottom - edge
            boxes = [box[1:] for box in pictures if box[0] == number]
            found.append([])
            line = []
        elif m.group(3):  # a line
            line = []
            found[-1].append(line)
        else:
            middle = (float(m.group(5)) + float(m.group(7))) / 2
            if not low < middle < high:
                continue
            if boxes:  # on the trimmed page: inside a picture?
                x, y = (float(m.group(4)) + float(m.group(6))) / 2 - left, middle - top
                if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes):
                    continue
            word = m.group(8)
            line.append(html.unescape(word) if "&" in word else word)
    return ["\n".join(" ".join(words) for words in page if words) for page in found]


def outline(pdftohtml_xml: str) -> list[tuple[int, str]]:
    """The top-level entries of the outline from ``pdftohtml -xml``: (page index, title)."""
    start = pdftohtml_xml.find("<outline>")
    if start < 0:
        return []
    entries, depth = [], 0
    for m in _OUTLINE_RE.finditer(pdftohtml_xml, start):
        if m.group(0) == "<outline>":
            depth += 1
        elif m.group(0) == "</outline>":
            depth -= 1
        elif depth == 1:
            title = html.unescape(_TAG_RE.sub("", m.group(2))).strip()
            entries.append((int(m.group(1)) - 1, title))
    return entries
