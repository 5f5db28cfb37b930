"""The PDF editions laid out for double-sided print, read back page by page (slow).

Every page of the English, Russian and pseudo-locale PDFs is read with pdfplumber: no glyph
may be drawn over another. The title page ("i") and body page 1 fall on right-hand (odd)
pages, the page count is even (the back cover is a left-hand page), and landscape pages are
set in the portrait book with ``/Rotate``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import plumbed

pytestmark = pytest.mark.slow


def _oblique(char: dict) -> bool:
    """Set at an angle other than a quarter turn (labels in the wheel): pdfplumber's upright
    box of such a glyph is larger than the glyph, so two of them are not compared here (the
    chart test measures them exactly)."""
    a, b, c, d, _, _ = char.get("matrix", (1, 0, 0, 1, 0, 0))
    return not (abs(b) < 1e-6 and abs(c) < 1e-6) and not (abs(a) < 1e-6 and abs(d) < 1e-6)


def overlapping_glyphs(chars: list[dict], share: float = 0.3) -> list[tuple[str, str]]:
    """Pairs of glyphs whose boxes overlap by more than ``share`` of the smaller one each
    way. Neighbours in a line touch, and a kerning pair ("r,") may overlap: a glyph is not
    compared with the one drawn just before it on the same line."""
    boxes = [
        (c["x0"], c["top"], c["x1"], c["bottom"], c["text"], n, _oblique(c))
        for n, c in enumerate(chars)
        if c["text"].strip() and c["x1"] > c["x0"] and c["bottom"] > c["top"]
    ]
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, (x0, top, x1, bottom, *_) in enumerate(boxes):
        for gx in range(int(x0 // 20), int(x1 // 20) + 1):
            for gy in range(int(top // 20), int(bottom // 20) + 1):
                grid[gx, gy].append(n)
    found = set()
    for cell in grid.values():
        for i, a in enumerate(cell):
            for b in cell[i + 1 :]:
                ax0, at, ax1, ab, _, an, a_oblique = boxes[a]
                bx0, bt, bx1, bb, _, bn, b_oblique = boxes[b]
                if (a_oblique and b_oblique) or (abs(an - bn) == 1 and abs(at - bt) < 0.5):
                    continue
                w = min(ax1, bx1) - max(ax0, bx0)
                h = min(ab, bb) - max(at, bt)
                if (
                    w > share * min(ax1 - ax0, bx1 - bx0)
                    and h > share * min(ab - at, bb - bt)
                    and (a, b) not in found
                ):
                    found.add((a, b))
    return [(boxes[a][4], boxes[b][4]) for a, b in sorted(found)]


def test_the_overlap_check_finds_a_glyph_over_another() -> None:
    def char(text, x0, top, size=10):
        return {"text": text, "x0": x0, "x1": x0 + size * 0.6, "top": top, "bottom": top + size}

    word = [char(c, 10 + 6 * n, 100) for n, c in enumerate("word")]  # touching, not over
    assert overlapping_glyphs(word) == []
    kerned = [char("r", 10, 100), char(",", 14, 100)]  # drawn one after the other
    assert overlapping_glyphs(kerned) == []
    assert overlapping_glyphs([kerned[1], char("x", 40, 100), kerned[0]]) == [(",", "r")]
    assert overlapping_glyphs([*word, char("X", 13, 103)]) == [("w", "X"), ("o", "X")]
    assert overlapping_glyphs([char("a", 10, 100), char("b", 10, 111)]) == []  # next line


def _pdfs(sample_site, pseudo_build) -> dict[str, Path]:
    return {
        "en": sample_site.out / "tbilisi" / "tbilisi-en.pdf",
        "ru": sample_site.out / "tbilisi" / "tbilisi-ru.pdf",
        "en-XA": pseudo_build[0] / "tbilisi-en-XA.pdf",
    }


@pytest.mark.parametrize("lang", ["en", "ru", "en-XA"])
def test_no_glyph_is_drawn_over_another_on_any_page(sample_site, pseudo_build, lang) -> None:
    pdf = _pdfs(sample_site, pseudo_build)[lang]
    problems = {}
    with plumbed(pdf) as doc:
        assert len(doc.pages) > 30
        for number, page in enumerate(doc.pages, start=1):
            found = overlapping_glyphs(page.chars)
            if found:
                problems[number] = found[:6]
    assert not problems, problems


@pytest.mark.parametrize("lang", ["en", "ru", "en-XA"])
def test_laid_out_for_double_sided_print(sample_site, pseudo_build, lang) -> None:
    reader = PdfReader(_pdfs(sample_site, pseudo_build)[lang])
    labels = reader.page_labels
    pages = len(reader.pages)
    assert pages % 2 == 0, pages  # the back cover is a left-hand page
    assert labels.index("i") % 2 == 0  # physical page index + 1 is odd: a right-hand page
    assert labels.index("1") % 2 == 0
    assert labels.index("i") == 2  # cover, inside cover, then the title page
    assert "©" in reader.pages[3].extract_text()  # the imprint on the back of the title page
    landscape = [
        n
        for n, page in enumerate(reader.pages)
        if page.get("/Rotate") == 90 and page.mediabox.width < page.mediabox.height
    ]
    assert landscape, "the annex pages are set in the portrait book, turned by /Rotate"
    for n, page in enumerate(reader.pages):
        assert page.mediabox.width < page.mediabox.height, n  # every page portrait
    info = reader.metadata
    if lang == "ru":
        assert "Европейская экономическая комиссия" in info.author
        assert "ЦУР 11" in info.get("/Keywords", "")
    assert "viewport" not in str(info)


def test_the_printers_file_is_pdf_x4_with_bleed_slug_and_marks_beside_the_accessible_pdf(
    project: Path,
) -> None:
    """``--pdf-variant print``: ``<city>-<lang>-print.pdf`` beside the accessible PDF (which
    it leaves alone), PDF/X-4 with a CMYK output intent, and on every page MediaBox >
    BleedBox (3 mm) > TrimBox (A4), the crop marks in the slug, outside the bleed."""
    from tests.conftest import run_cli

    build = ["build", "mini", "--format", "pdf", "--lang", "en"]
    status, _, err = run_cli(build, project)
    assert status == 0, err
    accessible = project / "build" / "mini" / "mini-en.pdf"
    before = accessible.read_bytes()
    status, out, err = run_cli([*build, "--pdf-variant", "print"], project)
    assert status == 0, err
    printed = project / "build" / "mini" / "mini-en-print.pdf"
    assert accessible.read_bytes() == before  # not overwritten
    assert "mini-en-print.pdf" in out
    reader = PdfReader(printed)
    assert len(reader.pages) == len(PdfReader(accessible).pages)
    mm = 72 / 25.4
    for n, page in enumerate(reader.pages):
        media, bleed, trim = page.mediabox, page.bleedbox, page.trimbox
        # every page portrait, the annex's landscape ones turned in the book (/Rotate)
        assert abs(float(trim.width) - 595.3) < 1 and abs(float(trim.height) - 841.9) < 1, n
        for side in ("left", "bottom", "right", "top"):
            outward = 1 if side in ("right", "top") else -1
            gap_bleed = outward * (float(getattr(bleed, side)) - float(getattr(trim, side)))
            gap_media = outward * (float(getattr(media, side)) - float(getattr(trim, side)))
            assert abs(gap_bleed - 3 * mm) < 0.05, (n, side, gap_bleed)
            assert abs(gap_media - 13 * mm) < 0.05, (n, side, gap_media)
        assert "/Annots" not in page, n  # no link on the printed area
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})  # PDF/X-4 embeds no file
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.pdf_header == "%PDF-1.6"
    assert reader.metadata["/Trapped"] == "/False" and reader.metadata.title
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "FOGRA39"
    icc = intent["/DestOutputProfile"].get_object().get_data()
    assert icc[12:20] == b"prtrCMYK"  # a printer's CMYK characterisation
    spaces = reader.pages[5]["/Resources"]["/ColorSpace"]
    assert spaces["/DefaultRGB"][0] == "/ICCBased"  # RGB colours are characterised (sRGB)
    # The inside cover is blank but for its eight crop marks: each on the line of a trimmed
    # edge, in the slug, clear of the bleed. (pdfplumber: y measured down from the top.)
    with plumbed(printed) as doc:
        page = doc.pages[1]
        box = reader.pages[1]
        top = float(box.mediabox.top)

        def rect(b):  # a pypdf box in pdfplumber's coordinates: x0, top, x1, bottom
            return (
                float(b.left),
                page.bbox[1] + top - float(b.top),
                float(b.right),
                page.bbox[1] + top - float(b.bottom),
            )

        trim, bleed, media = rect(box.trimbox), rect(box.bleedbox), rect(box.mediabox)
        marks = page.lines
        assert len(marks) == 8, marks
        for line in marks:
            x0, t, x1, b = line["x0"], line["top"], line["x1"], line["bottom"]
            on_edge = any(abs(x0 - e) < 0.1 and abs(x1 - e) < 0.1 for e in (trim[0], trim[2]))
            on_edge |= any(abs(t - e) < 0.1 and abs(b - e) < 0.1 for e in (trim[1], trim[3]))
            assert on_edge, line
            inside_media = media[0] - 0.1 <= x0 and x1 <= media[2] + 0.1
            inside_media &= media[1] - 0.1 <= t and b <= media[3] + 0.1
            assert inside_media, line
            clear_of_bleed = x1 <= bleed[0] or x0 >= bleed[2] or b <= bleed[1] or t >= bleed[3]
            assert clear_of_bleed, (line, bleed)
        # The cover's blue reaches the bleed and stops there: the slug stays white.
        image = doc.pages[0].to_image(resolution=36).original.convert("RGB")
        scale = 36 / 72
        inside = (int((0 - 2 * mm - page.bbox[0]) * scale), image.height // 2)
        slug = (int((0 - 10 * mm - page.bbox[0]) * scale), image.height // 2)
        assert image.getpixel(inside)[2] > 80 > image.getpixel(inside)[0]  # blue
        assert image.getpixel(slug) == (255, 255, 255)
    manifest = json.loads((project / "build" / "mini" / "manifest.json").read_text())
    assert {"mini-en.pdf", "mini-en-print.pdf"} <= set(manifest["outputs"])
    status, out, err = run_cli(["verify", "mini", "--manifest"], project)
    assert status == 0, err + out


def _strokes(page) -> int:
    """Straight strokes drawn on ``page``, in its content and the forms it draws."""
    import re

    content = page.get_contents().get_data()
    forms = page["/Resources"].get("/XObject", {})
    for name in re.findall(rb"/(\w+) Do", content):
        content += forms["/" + name.decode()].get_object().get_data()
    return content.count(b" l\n")


def _destinations(reader: PdfReader):
    """(bookmark title or None, page index, destination) of every bookmark and every named
    destination."""

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title, reader.get_destination_page_number(item), item

    yield from walk(reader.outline)
    for dest in reader.named_destinations.values():
        yield None, reader.get_destination_page_number(dest), dest


@pytest.mark.parametrize("lang", ["en", "ru", "en-XA"])
def test_destinations_on_turned_pages_point_at_their_headings(
    sample_site, pseudo_build, lang
) -> None:
    """A bookmark or named destination on a landscape page set in the portrait book (/Rotate
    90) is turned with the page: inside its MediaBox, at the top left of its element."""
    pdf = _pdfs(sample_site, pseudo_build)[lang]
    reader = PdfReader(pdf)
    turned = {n for n, page in enumerate(reader.pages) if page.get("/Rotate") == 90}
    checked, bookmarks = 0, 0
    with plumbed(pdf) as doc:
        for title, n, dest in _destinations(reader):
            if n not in turned:
                continue
            box = reader.pages[n].mediabox
            label = title or dest.title
            assert dest.typ == "/XYZ", (label, dest.typ)
            left, top = float(dest.left), float(dest.top)
            assert box.left <= left <= box.right and box.bottom <= top <= box.top, label
            # Upright on screen (/Rotate 90), the page's x runs down and its y to the right;
            # pdfplumber gives the characters of a turned page as it is seen.
            x, y = top, left
            page = doc.pages[n]
            near = [c for c in page.chars if x - 1 <= c["x0"] <= x + 15 and y - 1 <= c["top"]]
            assert any(c["top"] <= y + 30 for c in near), (label, x, y)
            if title:  # a bookmark: at the top left of its heading
                found = page.search(re.escape(title[:25]))
                assert found, title
                assert abs(found[0]["x0"] - x) < 2 and 0 <= found[0]["top"] - y < 20, title
                bookmarks += 1
            checked += 1
    assert checked >= 6 and bookmarks >= 3  # the three annexes' headings, their tables


def structure_figures(reader: PdfReader) -> list[tuple[str | None, float]]:
    """Every Figure of the PDF's structure tree: its alternative text and laid-out width."""
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            box = node["/A"]["/BBox"]
            found.append((node.get("/Alt"), float(box[2]) - float(box[0])))
        if node.get("/K") is not None:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _all_pdfs(sample_site, pseudo_build) -> dict[str, Path]:
    return {
        **_pdfs(sample_site, pseudo_build),
        "norway-en": sample_site.out / "norway" / "norway-en.pdf",
        "norway-ru": sample_site.out / "norway" / "norway-ru.pdf",
    }


@pytest.mark.parametrize("name", ["en", "ru", "en-XA", "norway-en", "norway-ru"])
def test_chart_labels_are_whole_and_each_figure_states_its_figures(
    sample_site, pseudo_build, name
) -> None:
    """No chart label cut with "…" anywhere in the PDF; every figure of the structure tree
    has its alternative text, a chart's stating its key figures (shares, counts); in the
    volume each city's wheel, the comparison's too, takes the text's whole width."""
    reader = PdfReader(_all_pdfs(sample_site, pseudo_build)[name])
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "…" not in text
    figures = structure_figures(reader)
    assert len(figures) >= 10 and all(alt for alt, _ in figures), figures
    # The cover's is a title. A chart too tall for a page comes in pieces: the first states
    # the chart's figures, each later one names the chart and its part ("…, continued (part
    # 2 of 2)", in the edition's language), so a chart is counted once.
    later_piece = re.compile(r"\(\D*\d+\D+\d+\)[^()]*$")
    charts = [str(alt) for alt, _ in figures[1:] if not later_piece.search(str(alt))]
    # the wheel, the bands, three bar charts, the SDGs', three of progress: each with its
    # figures, shares in all but the bands' (counts)
    assert len(charts) >= 9 and all(re.search(r"\d", alt) for alt in charts), figures
    assert len([alt for alt in charts if "%" in alt]) >= 8, figures
    if name.startswith("norway"):
        wheels = [
            w
            for alt, w in figures
            if re.match(r"(Ålesund|Asker|Rana|Олесунн|Аскер|Рана):", str(alt))
        ]
        assert len(wheels) == 6, figures  # each city's wheel in its part and in the comparison
        assert min(wheels) > 0.9 * 170 / 25.4 * 72, wheels  # across the 170 mm text column
