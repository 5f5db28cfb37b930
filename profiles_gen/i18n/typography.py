"""Typography per language, in one place.

``typeset(text, lang)`` sets a reader-facing text as the edition's language writes it; the
render stage applies it to every text node and reader-facing attribute of an edition (see
``render.typeset``), so that msgstr, narrative, data texts and generated strings all come
out alike, and the charts call it on their labels (``markup=False``: plain characters).

What it does, each rule idempotent (typesetting a typeset text changes nothing):

- Digit groups never break: "100 000" is grouped with a no-break space in Russian and
  French; English (and its pseudo-locale) writes "100,000", as UN English does.
- No line break before "%" (or "‰"), between a number and its unit ("24 µg/m³", «5 км²»,
  «2019 г.»), inside a unit ("µg/m³", «мкг/м³»: a word joiner after the slash), inside
  «п. п.», «т. е.» and the like, after "№", or after a note's mark ("* Illustrative value").
- Dashes: a spaced dash never starts a line (a no-break space before it); Russian sets
  the spaced dash as an em dash (« — »), a range of numbers with an unspaced en dash
  ("2016–2019") in every language.
- Russian: a one-letter word and a two-letter preposition or particle are bound to the
  word after them («в городе», «на 5 %»), as Russian typesetting does.
- French: the spaces it writes before ``: ; ! ?`` and inside « » are no-break spaces, and
  a colon right after a word takes its no-break space (a code such as "EC: I: T: 2A" is
  left as it is).
- Chemical formulas take their subscripts: NO₂, SO₂, O₃, CO₂, PM₂.₅ (in HTML text:
  ``NO<sub>2</sub>``).

``bind_last_words`` is the rule for headings (no heading ends on a lone short word);
the render stage applies it to headings and captions.
"""

from __future__ import annotations

import re

NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"
_SPACES = " \n\u00a0\u202f\u2009"

# Anything that looks like a URL or an e-mail address is left exactly as it is (URLs are set
# breakable at their structural points by the render stage, and a formula or a digit group
# inside one is no formula).
_PROTECTED = re.compile(r"(?:https?://|www\.)[^\s<>\u00a0]+|[\w.+-]+@[\w-]+\.[\w.-]+")


def language(lang: str) -> str:
    """The language whose rules apply: ``en-XA`` (the pseudo-locale) is English."""
    return lang.split("-")[0].split("_")[0].lower()


# -- digit groups ---------------------------------------------------------------------------

_GROUPED = re.compile(
    r"(?<![\w.,])(?<!\d[ \u00a0\u202f\u2009])(\d{1,3})((?:[ \n\u00a0\u202f\u2009]\d{3})+)(?!\w)"
)
_COMMA_GROUPED = re.compile(r"(?<![\w.,])(\d{1,3})((?:,\d{3})+)(?![\d,])")


def _digit_groups(text: str, lang: str) -> str:
    """Space-grouped numbers: a no-break space between the groups, or (English) a comma."""
    sep = "," if lang == "en" else NBSP

    def grouped(m: re.Match) -> str:
        groups = re.split(f"[{_SPACES}]", m.group(2).strip(_SPACES))
        return m.group(1) + "".join(sep + g for g in groups)

    return _GROUPED.sub(grouped, text)


# -- units, signs, abbreviations --------------------------------------------------------------

_UNITS_COMMON = [
    "km²", "km", "m²", "m³", "m", "cm", "mm", "kg", "mg", "µg", "μg", "g", "t", "l", "L", "ml",
    "kWh", "MWh", "GWh", "TWh", "kW", "MW", "GW", "W", "Mbit/s", "Gbit/s", "kbit/s", "Mbps",
    "Gbps", "dB", "dB(A)", "ha", "h", "min", "°C", "ppm", "ppb", "pp", "USD", "EUR", "NOK",
    "GEL", "CHF",
]  # fmt: skip
_UNITS = {
    "en": _UNITS_COMMON + ["years", "year", "days", "hours"],
    "fr": _UNITS_COMMON + ["pt", "pts", "€", "ans", "an", "jours", "heures", "habitants"],
    "ru": [
        "км²", "км", "м²", "м³", "м", "см", "мм", "кг", "мг", "мкг", "т", "л", "мл", "кВт·ч",
        "МВт·ч", "ГВт·ч", "кВт", "МВт", "ГВт", "Вт", "Мбит/с", "Гбит/с", "кбит/с", "дБ", "га",
        "ч", "мин", "°C", "п.", "г.", "гг.", "руб.", "долл.", "евро", "тыс.", "млн", "млрд",
        "чел.", "лет", "года", "год", "дней", "дня", "день",
    ],
}  # fmt: skip


def _unit_pattern(units: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(u) for u in sorted(set(units), key=len, reverse=True))
    # a number, a space, then a unit of the list (a whole word) or a compound unit (µg/m³)
    return re.compile(
        rf"(?<=\d)[ \n\u202f\u2009]"
        rf"(?=(?:{alternatives})(?![\w])|[^\s/]{{1,6}}/[^\s/]{{1,6}}(?!\S*/))"
    )


_UNIT_AFTER_NUMBER = {lang: _unit_pattern(units) for lang, units in _UNITS.items()}
_PERCENT = re.compile(r"(?<=\d)[ \n\u202f\u2009](?=[%‰])")
# A slash inside a unit or a short compound ("µg/m³", «мкг/м³», «и/или»): no break after it.
_UNIT_SLASH = re.compile(r"(?<=[^\s/<>:])/(?!\u2060)(?=[^\s/<>])")
_NUMERO = re.compile(r"([№§])[ \n\u202f](?=\d)")
# A note's mark before its text ("* Illustrative value."): never alone at a line's end.
_NOTE_MARK = re.compile(r"(?:(?<=\s)|^)([*†‡])[ \n](?=[^\W\d_])")
# Russian abbreviations of two letters: «п. п.», «т. е.», «т. д.», «т. п.», «т. к.», «и. о.».
_RU_ABBREVIATIONS = re.compile(r"(?<![\w])(п|т|и)\.[ \u202f]?(п|е|д|к|о)\.")
_RU_SHORT = re.compile(
    r"(?<![\w\-\u00ad])([вкосуиаяВКОСУИАЯ]|на|по|из|от|до|за|не|ни|об|во|со|ко|На|По|Из|От|До"
    r"|За|Не|Ни|Об|Во|Со|Ко)[ \n](?=[\w«(\"„\d])"
)


def _units(text: str, lang: str) -> str:
    if lang == "ru":
        text = _RU_ABBREVIATIONS.sub(lambda m: f"{m.group(1)}.{NBSP}{m.group(2)}.", text)
    text = _PERCENT.sub(NBSP, text)
    text = _NUMERO.sub(lambda m: m.group(1) + NBSP, text)
    text = _NOTE_MARK.sub(lambda m: m.group(1) + NBSP, text)
    pattern = _UNIT_AFTER_NUMBER.get(lang, _UNIT_AFTER_NUMBER["en"])
    text = pattern.sub(NBSP, text)
    return _UNIT_SLASH.sub("/" + WJ, text)


# -- dashes ----------------------------------------------------------------------------------

# A range of numbers ("2016 – 2019"), the first a number of its own (not "NO2 – 5").
_RANGE = re.compile(r"(?<![\w.,\u00a0])(\d[\d.,\u00a0]*?)(?:[ \n\u00a0]?[–—][ \n]?)(?=\d)")
_SPACED_DASH = re.compile(r"(?:(?<=\S)|^)[ \n\u00a0]([–—])(?=[ \n]|$)")
_RU_SPACED_DASH = re.compile(r"(?:(?<=\S)|^)[ \n\u00a0]([–—]|-(?=[ \n]))(?=[ \n]|$)")


def _dashes(text: str, lang: str) -> str:
    text = _RANGE.sub(r"\1–", text)
    if lang == "ru":
        return _RU_SPACED_DASH.sub(NBSP + "—", text)
    return _SPACED_DASH.sub(lambda m: NBSP + m.group(1), text)


# -- words that stay with the next ------------------------------------------------------------

_FR_BEFORE = re.compile(r"(?<=\S)[ \u00a0\u202f]([;!?])")
_FR_COLON = re.compile(r"(?<=\S)[ \u202f]:(?=\s|$)")
# A colon right after a word (not after a code's capitals, "EC: I: T: 2A", nor a digit).
_FR_BARE_COLON = re.compile(r"(?<=[^\W\d_])(?<![A-Z]):(?=\s)")
_FR_OPEN = re.compile(r"«[ \u202f]")
_FR_CLOSE = re.compile(r"[ \u202f]»")


def _words(text: str, lang: str) -> str:
    if lang == "ru":
        # twice: a short word after a short word («и в городе»)
        return _RU_SHORT.sub(lambda m: m.group(1) + NBSP, _RU_SHORT.sub(r"\1" + NBSP, text))
    if lang == "fr":
        text = _FR_BEFORE.sub(NNBSP + r"\1", text)
        text = _FR_COLON.sub(NBSP + ":", text)
        text = _FR_BARE_COLON.sub(NBSP + ":", text)
        return _FR_CLOSE.sub(NBSP + "»", _FR_OPEN.sub("«" + NBSP, text))
    return text


# -- chemical formulas -----------------------------------------------------------------------

_SUBSCRIPT_DIGITS = str.maketrans("0123456789x", "₀₁₂₃₄₅₆₇₈₉ₓ")
# Latin letters, or the Cyrillic ones that look alike (С, О, Н), as a Russian text may have.
_C, _O, _N, _H = "[CС]", "[OО]", "N", "[HН]"
_FORMULA = re.compile(
    r"(?<![\w.\-/\u2060])(?:"
    rf"(PM)(2[.,]5|10)"
    rf"|({_C}{_O})(2)(e?)"
    rf"|({_N}{_O})(2|x)"
    rf"|(S{_O})(2)"
    rf"|({_O})(3)"
    rf"|({_N})(2)({_O})"
    rf"|({_C}{_H})(4)"
    rf"|({_N}{_H})(3)"
    r")(?![\w\u00b2\u00b3])"
)
_CYRILLIC_LOOKALIKES = str.maketrans("СОН", "COH")


def formula_parts(match: re.Match) -> list[tuple[str, bool]]:
    """A formula as (text, subscript) pieces, in Latin letters."""
    groups = [g for g in match.groups() if g is not None]
    pieces: list[tuple[str, bool]] = []
    for g in groups:
        if not g:
            continue
        latin = g.translate(_CYRILLIC_LOOKALIKES)
        pieces.append((latin, latin[0].isdigit() or latin == "x"))
    return pieces


def subscript_plain(match: re.Match) -> str:
    """NO₂, PM₂.₅: Unicode subscript digits (charts, attributes, plain text)."""
    return "".join(
        text.translate(_SUBSCRIPT_DIGITS) if sub else text for text, sub in formula_parts(match)
    )


def subscript_markup(match: re.Match) -> str:
    """NO<sub>2</sub>: HTML text."""
    return "".join(f"<sub>{text}</sub>" if sub else text for text, sub in formula_parts(match))


def chemical_formulas(text: str, markup: bool = False) -> str:
    """``text`` with the subscripts of its chemical formulas (NO2 → NO₂, PM2.5 → PM₂.₅)."""
    return _FORMULA.sub(subscript_markup if markup else subscript_plain, text)


# -- the whole ------------------------------------------------------------------------------


def typeset(text: str, lang: str, markup: bool = False) -> str:
    """``text`` set as ``lang`` writes it (see the module's docstring).

    ``markup``: ``text`` is HTML-escaped text (no tags) and formulas take ``<sub>``;
    otherwise plain text, formulas with Unicode subscripts (for chart labels, attributes,
    running heads, PDF bookmarks).
    """
    lang = language(lang)
    out, end = [], 0
    for match in _PROTECTED.finditer(text):
        out += [_typeset_piece(text[end : match.start()], lang, markup), match.group()]
        end = match.end()
    out.append(_typeset_piece(text[end:], lang, markup))
    return "".join(out)


def _typeset_piece(text: str, lang: str, markup: bool) -> str:
    if not text.strip():
        return text
    text = _digit_groups(text, lang)
    text = _units(text, lang)
    text = _dashes(text, lang)
    text = _words(text, lang)
    return chemical_formulas(text, markup)


# -- headings ------------------------------------------------------------------------------

BOUND_END = 24  # letters: a heading's last two words, up to so long, share its last line
SHORT_END = 8  # letters: an end still this short takes one more word
_SPACE_OUTSIDE_TAGS = re.compile(r" (?![^<]*>)")
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&#?\w+;")


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in _TAG_OR_ENTITY.sub("", text))


def bind_last_words(pieces: list[str]) -> list[str]:
    """A heading's text nodes (``pieces``, in order; HTML text) with its last word bound
    to the word before it by a no-break space (unless the two are too long to share a line,
    ``BOUND_END``), and, while the bound end is still short, one word more: "Results by
    SDG" never leaves "SDG" (or "by SDG") alone on its last line, nor "…KPI evaluation
    results" "results". The pieces are returned in the same number, each as long as before.
    """
    text = "".join(pieces)
    end = len(text.rstrip())
    spaces = [m.start() for m in _SPACE_OUTSIDE_TAGS.finditer(text) if m.start() < end]
    bound = []
    two_words = spaces[-2] + 1 if len(spaces) > 1 else 0
    if spaces and _letters(text[two_words:end]) <= BOUND_END:
        bound.append(spaces.pop())
        if spaces and _letters(text[spaces[-1] + 1 : end]) <= SHORT_END:
            bound.append(spaces.pop())
    if not bound:
        return pieces
    chars = list(text)
    for at in bound:
        chars[at] = NBSP
    text, out, start = "".join(chars), [], 0
    for piece in pieces:
        out.append(text[start : start + len(piece)])
        start += len(piece)
    return out
