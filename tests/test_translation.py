"""Nothing a reader sees is hard-coded: the pseudo-locale edition, and a new language."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from profiles_gen.catalogue import load_catalogue
from tests.conftest import ROOT, run_cli

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
# Proper names and codes that stay as they are in every language.
PROPER = {"Tbilisi", "Georgia", "Miniville", "Testland"}
CODES = {part for k in load_catalogue().kpis for part in re.split(r"[:\s]+", k.code) if part}


class VisibleText(HTMLParser):
    """Text a reader sees, outside elements whose content comes from the city's files."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []
        self.page_lang = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "link", "br", "img", "hr", "path", "rect", "use"):
            return
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = lang or ""
        inherited = bool(self.stack and self.stack[-1])
        # Text marked as another language (a language's own name in the switcher, an
        # English fallback chapter) is not this edition's interface.
        other_language = lang is not None and lang != self.page_lang
        skip = inherited or tag == "style" or other_language or ("data-origin", "city") in attrs
        self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in ("meta", "link", "br", "img", "hr", "path", "rect", "use") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.words += words_of(data)


URL = re.compile(r"\b[\w.-]+\.(?:org|int|com|eu|ch|gov|lk|fr|nl|de|net)\b\S*")


def words_of(text: str) -> list[str]:
    return ASCII_WORD.findall(URL.sub(" ", text))


def leaks(words, allowed: set[str]) -> set[str]:
    allowed = {w.lower() for w in allowed}  # CSS may upper-case a heading
    return {w for w in words if w.lower() not in allowed and w not in PROPER and w not in CODES}


@pytest.mark.slow
def test_pseudo_locale_edition_has_no_hard_coded_english(tmp_path: Path) -> None:
    status, _, err = run_cli(["build", "tbilisi", "--lang", "en-XA", "--out", str(tmp_path)], ROOT)
    assert status == 0, err
    assert "narrative/en-XA: warning: no narrative" in err  # falls back, and says so
    html = (tmp_path / "tbilisi" / "en-XA" / "index.html").read_text(encoding="utf-8")
    parser = VisibleText()
    parser.feed(html)
    assert "[Çöñţéñţš]" in html and "Tbilisi" in parser.words  # the parser saw the page
    assert leaks(parser.words, set()) == set()
    assert 'lang="en" data-origin="city"' in html  # the English fallback is marked as such

    # In the PDF, words that come from the city's own files are data, not interface.
    data_words = set()
    for path in (ROOT / "cities" / "tbilisi").rglob("*"):
        if path.suffix in (".yaml", ".md"):
            data_words |= set(ASCII_WORD.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "targets").glob("*.yaml"):  # the target sets' source lines and titles
        data_words |= set(ASCII_WORD.findall(path.read_text(encoding="utf-8")))
    text = "\n".join(
        p.extract_text() for p in PdfReader(tmp_path / "tbilisi" / "tbilisi-en-XA.pdf").pages
    )
    text = re.sub(r"[-\u00ad\u2010]\n", "", text)  # words hyphenated at a line end
    text = re.sub(r"\b[ivxl]+\b", " ", text)  # roman page numbers
    assert "[Çöñţéñţš]" in text
    assert leaks(words_of(text), data_words) == set()


def test_a_new_language_builds_without_code_changes(
    tmp_path: Path, project: Path, monkeypatch
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo", "en-XA"))
    with (locales / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    template.locale = "fr"  # what `make locales-init LANG=fr` does
    for message in template:
        if message.id == "Contents":
            message.string = "Table des matières"
    (locales / "fr" / "LC_MESSAGES").mkdir(parents=True)
    with (locales / "fr" / "LC_MESSAGES" / "messages.po").open("wb") as fh:
        write_po(fh, template)
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(locales))

    status, _, err = run_cli(["build", "mini", "--lang", "fr", "--format", "html"], project)
    assert status == 0, err
    assert "narrative/fr: warning: no narrative in this language" in err
    assert "messages.po: warning:" in err and "untranslated or fuzzy" in err
    html = (project / "build" / "mini" / "fr" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Table des matières" in html

    # The sample city has no warning of its own: --strict fails on the translation alone,
    # before anything is written.
    out = tmp_path / "strict"
    strict, _, err = run_cli(
        ["build", "tbilisi", "--lang", "fr", "--strict", "--out", str(out)], ROOT
    )
    assert strict == 1 and "untranslated or fuzzy" in err and "narrative/fr" in err
    assert not out.exists()
    check, out, _ = run_cli(["locales", "check", "--lang", "fr"], project)
    assert check == 0 and out.startswith("fr: 1/")  # no city is issued in French
