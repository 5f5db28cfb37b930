"""The glossary of each language (``locales/<lang>/glossary.tsv``) and its check.

One plain table per language, tab-separated, one term a row::

    term_en   en_match                         term           match     note
    band      band* | !broadband               уровень        уров*     …

``term_en`` and ``term`` are the term as a reader sees it; ``en_match`` finds the
term in a msgid and ``match`` is what a translation of such a msgid must contain.
A pattern is one or more alternatives separated by ``|``; an alternative is words
separated by spaces, where ``*`` stands for any ending (``уров*``: уровень, уровня,
уровнем…); an alternative written ``!…`` is not the term (``!SDG target*``: an SDG
target is not a target value). Matching ignores case, ``ё``/``е``, placeholders and
tags. A row without ``match`` is reference only (abbreviations, phrases); the rows of
``FRAMEWORK_TERMS`` must be there, each with its ``match``.

``check_catalog`` reports a translation whose msgid uses a term but which has none of
its translation's forms, at the line of its ``msgstr`` in the ``.po`` file; a
translator comment ``# glossary: not TERM_EN (why)`` above an entry accepts it for that
term (a sense of the English word the glossary does not mean, a title cited in English).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("term_en", "en_match", "term", "match", "note")

# The framework's terms: every language's glossary gives each one its translation, which
# ``locales check`` enforces. (term_en, en_match).
FRAMEWORK_TERMS = (
    ("KPI", "KPI* | key performance indicator*"),
    ("target (value)", "target* | !SDG target* | !targets of the SDG*"),
    ("band", "band*"),
    ("data point", "data point*"),
    ("dimension", "dimension*"),
    ("sub-dimension", "sub-dimension* | subdimension*"),
    ("category", "categor*"),
    ("smart", "smart*"),
    ("insufficient data", "insufficient data"),
)


@dataclass(frozen=True)
class Pattern:
    text: str
    include: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...]

    def found(self, text: str) -> bool:
        text = normalise(text)
        for rx in self.exclude:
            text = rx.sub(" ", text)
        return any(rx.search(text) for rx in self.include)


@dataclass(frozen=True)
class Term:
    line: int
    term_en: str
    en_match: Pattern | None
    term: str
    match: Pattern | None
    note: str


@dataclass(frozen=True)
class Glossary:
    path: Path
    terms: tuple[Term, ...]
    problems: tuple[tuple[int, str, str], ...]  # (line, severity, message)


_WORD = r"[\w-]"
# What is never read as words: placeholders, tags, entities, URLs.
_NOISE_RE = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%%|<[^>]*>|&\w+;|\{[^{}]*\}"
)


def normalise(text: str) -> str:
    """Lower case, ``ё`` as ``е``, no-break and thin spaces as spaces, soft hyphens gone,
    placeholders and tags blanked."""
    text = _NOISE_RE.sub(" ", text)
    text = text.replace("\u00ad", "").replace("\u2060", "")
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text)
    return text.lower().replace("ё", "е")


def _alternative(words: str) -> re.Pattern:
    parts = []
    for word in normalise(words).split():
        rx = re.escape(word).replace(r"\*", r"\w*")
        parts.append(rx)
    body = r"[\s\"'«»“”„‘’()]+".join(parts)
    return re.compile(rf"(?<!{_WORD}){body}(?!{_WORD})")


def compile_pattern(text: str) -> Pattern:
    """``a* b | c | !d e*`` as a ``Pattern``; ``ValueError`` if it has nothing to find."""
    include, exclude = [], []
    for alt in text.split("|"):
        alt = alt.strip()
        if not alt:
            continue
        negative = alt.startswith("!")
        words = alt[1:].strip() if negative else alt
        if not re.search(r"\w", words):
            raise ValueError(f"alternative {alt!r} has no word")
        (exclude if negative else include).append(_alternative(words))
    if not include:
        raise ValueError("no alternative to find (only '!…' ones)")
    return Pattern(text, tuple(include), tuple(exclude))


def glossary_path(lang: str, folder: Path) -> Path:
    return folder / lang / "glossary.tsv"


def load_glossary(path: Path) -> Glossary:
    """The glossary at ``path`` with what is wrong in it: (line, severity, message)."""
    terms: list[Term] = []
    problems: list[tuple[int, str, str]] = []
    header: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if header is None:
            header = cells
            unknown = [c for c in cells if c not in COLUMNS]
            missing = [c for c in COLUMNS if c not in cells]
            if unknown or missing:
                problems.append(
                    (
                        number,
                        "error",
                        f"the header must name the columns {', '.join(COLUMNS)} "
                        f"(tab-separated)"
                        + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                        + (f"; missing: {', '.join(missing)}" if missing else ""),
                    )
                )
                return Glossary(path, (), tuple(problems))
            continue
        if len(cells) > len(header):
            problems.append(
                (number, "error", f"{len(cells)} cells, but the header names {len(header)}")
            )
            continue
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        patterns = {}
        for key in ("en_match", "match"):
            try:
                patterns[key] = compile_pattern(row[key]) if row[key] else None
            except ValueError as exc:
                problems.append((number, "error", f"{key}: {exc}"))
                patterns[key] = None
        if not row["term_en"]:
            problems.append((number, "error", "term_en is empty"))
            continue
        terms.append(
            Term(
                number,
                row["term_en"],
                patterns["en_match"],
                row["term"],
                patterns["match"],
                row["note"],
            )
        )
    if header is None:
        problems.append((1, "error", f"no header (the columns: {', '.join(COLUMNS)})"))
    # A framework term left out or not yet translated is not enforced: a warning (a new
    # language starts so), which keeps a sign-off from holding until it is filled.
    known = {t.term_en for t in terms}
    for term_en, _ in FRAMEWORK_TERMS:
        if term_en not in known:
            problems.append(
                (
                    0,
                    "warning",
                    f"the framework's term {term_en!r} is missing (a row for it), so it is "
                    "not checked",
                )
            )
    for t in terms:
        if t.term_en in dict(FRAMEWORK_TERMS) and not (t.term and t.match and t.en_match):
            problems.append(
                (
                    t.line,
                    "warning",
                    f"the framework's term {t.term_en!r} is not translated yet (term, "
                    "en_match and match), so it is not checked",
                )
            )
    return Glossary(path, tuple(terms), tuple(problems))


def starter_glossary(language_name: str) -> str:
    """A new language's glossary: the framework's terms, to be translated."""
    lines = [
        f"# Glossary of the {language_name} translation of profiles-gen "
        "(docs/translators.md, 'The glossary').",
        "# Fill term (the translation readers see) and match (its forms: stems with *, "
        "alternatives with |) of every row;",
        "# locales check reports each translation whose msgid uses a term but not its translation.",
        "\t".join(COLUMNS),
    ]
    lines += [f"{term_en}\t{en}\t\t\t" for term_en, en in FRAMEWORK_TERMS]
    return "\n".join(lines) + "\n"


# "# glossary: not smart (the English title of ITU's publication is cited)"
_WAIVER_RE = re.compile(r"^glossary:\s*not\s+([^()]+?)\s*(?:\(.*\))?$", re.I)


def waived(message) -> set[str]:
    """The terms a translator comment (``# glossary: not band``) sets aside for one entry."""
    found = set()
    for comment in message.user_comments:
        m = _WAIVER_RE.match(comment.strip())
        if m:
            found |= {t.strip() for t in m[1].split(",")}
    return found


def message_term_problems(glossary: Glossary, message) -> list[tuple[int, str]]:
    """(form, text) for each term the msgid uses and a translation of ``message`` lacks."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    skip = waived(message)
    problems = []
    for term in glossary.terms:
        if term.en_match is None or term.match is None or term.term_en in skip:
            continue
        if not any(term.en_match.found(i) for i in ids):
            continue
        for form, text in enumerate(strings):
            if text and not term.match.found(text):
                problems.append(
                    (
                        form,
                        f"{term.term_en!r} is translated without «{term.term}» "
                        f"(none of: {term.match.text}; glossary.tsv:{term.line})",
                    )
                )
                break
    return problems
