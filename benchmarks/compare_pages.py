"""Are two PDFs the same pages? `python benchmarks/compare_pages.py BEFORE.pdf AFTER.pdf [OUT]`

Page by page: the text as poppler reads it (``pdftotext``: the same text; else the same
words, some lines broken elsewhere (a hyphenated word joined) or read in another order;
else the words that differ), and the page as an image at 100 dpi (``pdftoppm``; identical, or the
share of pixels that differ and, with OUT, a PNG of the two pages side by side with the
differing pixels marked in red between them). Exit status 0 when every page has the same
words and the page counts agree, 1 otherwise: an image difference alone is reported
(antialiasing of a moved line) and left to the eye, with the PNG to look at.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

DPI = 100


def words(text: str) -> list[str]:
    """The words of a page's text, lines joined where a word was hyphenated at a line end."""
    return re.sub(r"\u2010\s*\n\s*", "", text).split()


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_images(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(folder / "p")], check=True)
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def compare(before: Path, after: Path, out: Path | None = None) -> int:
    from PIL import Image, ImageChops  # Pillow comes with matplotlib

    texts = page_texts(before), page_texts(after)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "a"), Path(tmp, "b")
        a.mkdir(), b.mkdir()
        images = page_images(before, a), page_images(after, b)
        print(f"pages: {len(texts[0])} before, {len(texts[1])} after")
        same_text = len(texts[0]) == len(texts[1])
        for n, (ta, tb) in enumerate(zip(*texts, strict=False), 1):
            ia, ib = (Image.open(images[0][n - 1]).convert("RGB"), Image.open(images[1][n - 1]))
            ib = ib.convert("RGB")
            if ia.size != ib.size:
                pixels = f"sizes differ {ia.size} / {ib.size}"
                share = 1.0
            else:
                diff = ImageChops.difference(ia, ib).convert("L").point(lambda v: 255 if v else 0)
                share = sum(diff.histogram()[255:]) / (ia.size[0] * ia.size[1])
                pixels = "identical" if not share else f"{share:.2%} of pixels differ"
                if share and out:
                    out.mkdir(parents=True, exist_ok=True)
                    side = Image.new("RGB", (ia.size[0] * 3, ia.size[1]), "white")
                    side.paste(ia, (0, 0))
                    marked = ia.copy()
                    marked.paste((255, 0, 0), mask=diff)
                    side.paste(marked, (ia.size[0], 0))
                    side.paste(ib, (ia.size[0] * 2, 0))
                    side.save(out / f"page-{n:03d}.png")
            if ta == tb:
                print(f"page {n}: same text; image {pixels}")
                continue
            if sorted(words(ta)) == sorted(words(tb)):
                print(f"page {n}: same words, lines broken or read in another order; {pixels}")
                continue
            same_text = False
            print(f"page {n}: TEXT DIFFERS; image {pixels}")
            gone = Counter(words(ta)) - Counter(words(tb))
            new = Counter(words(tb)) - Counter(words(ta))
            print(f"    only before: {' '.join(gone.elements())[:300]}")
            print(f"    only after: {' '.join(new.elements())[:300]}")
    print("same text on every page" if same_text else "the text differs")
    return 0 if same_text else 1


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(
        compare(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if sys.argv[3:] else None)
    )
