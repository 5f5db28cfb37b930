"""The translators' workflow (issue 29): a sign-off bound to what was reviewed, the
glossary, text in another language marked in the HTML and the PDF, a new language's
catalogue, the French edition.

Real catalogues copied into a scratch ``locales/`` (``PROFILES_GEN_LOCALES``), real
builds read back (pypdf's structure tree for ``/Lang``).
"""

from __future__ import annotations

import datetime as dt
import gettext
import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from pypdf import PdfReader

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.glossary import compile_pattern
from profiles_gen.i18n.locales import review, translations_digest
from profiles_gen.i18n.messages import read_catalogue
from tests.conftest import ROOT, run_cli

NBSP = "\u00a0"


def unbound(text: str) -> str:
    """``text`` with the spaces typography binds (a short word to the next) read as plain
    ones; a number keeps its no-break space before its digits or per cent sign."""
    return re.sub(r"\u00a0(?![\d%])", " ", text)


@pytest.fixture
def locales(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the project's catalogues and glossaries, which the test may change."""
    folder = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", folder, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(folder))
    return folder


def _po(locales: Path, lang: str) -> Path:
    return locales / lang / "LC_MESSAGES" / "messages.po"


def _set_msgstr(po: Path, msgid: str, new: str, context: str | None = None) -> int:
    """Replace the translation of one singular entry in the file's own text; return the
    line of its ``msgstr``."""
    text = po.read_text(encoding="utf-8")
    ctx = f'msgctxt "{re.escape(context)}"\n' if context else r"(?<!\"\n)"
    found = re.search(rf'^{ctx}msgid "{re.escape(msgid)}"\nmsgstr "[^\n]*"$', text, re.M)
    assert found, msgid
    start = found.group(0).rindex("msgstr") + found.start()
    po.write_text(text[:start] + f'msgstr "{new}"' + text[found.end() :], encoding="utf-8")
    return text[:start].count("\n") + 1


def _msgstr_of(po: Path, msgid: str, context: str | None = None) -> str:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    return catalog.get(msgid, context=context).string


# --- the sign-off ---------------------------------------------------------------------


def test_a_signed_catalogue_changed_afterwards_makes_the_edition_a_draft_again(
    locales: Path, project: Path
) -> None:
    po = _po(locales, "ru")
    status, out, err = run_cli(
        ["locales", "sign-off", "ru", "--reviewer", "A. Reviewer <a@example.org>"], project
    )
    assert status == 0, err
    today = dt.date.today().isoformat()
    header = po.read_text(encoding="utf-8").split('msgid ""')[0]
    assert f"# Review-Date: {today}\n" in header
    digest = re.search(r"# Reviewed-Digest: (sha256:[0-9a-f]{64})", header).group(1)
    with po.open("rb") as fh:
        assert digest == translations_digest(read_po(fh, locale="ru"))
    assert (locales / "ru" / "reviewed.tsv").is_file()
    assert review("ru").accepted

    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Черновик" not in html and "Черновой перевод" not in html  # banner, page marks
    assert "a@example.org" not in html  # the credit keeps the name only
    assert re.search(r"Проверено: A\. Reviewer \(\d+ [а-я]+ \d{4}" + NBSP + r"г\.\)", html)

    # A translator changes one translation after the review: the edition is a draft again,
    # and `locales check` says which string changed, at its line, with what was signed.
    before = _msgstr_of(po, "Contents")
    line = _set_msgstr(po, "Contents", "Оглавление")
    assert not review("ru").accepted
    status, out, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 0, err  # a change is no error: the sign-off just no longer holds
    assert "does not hold (1 translation(s) changed since the review)" in out
    assert (
        f"locales/ru/LC_MESSAGES/messages.po:{line}: Contents: changed since the review "
        f"(was: {before})" in out
    )
    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    assert "messages.po:" in err and "does not hold: 1 translation(s) changed" in err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    banners = [unbound(b) for b in re.findall(r'<p class="draft-banner">([^<]*)</p>', html)]
    assert f"Черновик: перевод ещё не прошёл проверку (переведено 100{NBSP}% строк)." in banners
    assert "но с тех пор он изменился" in unbound(html) and "Оглавление" in html

    # Signed again, it holds again.
    assert run_cli(["locales", "sign-off", "ru", "--reviewer", "A. Reviewer"], project)[0] == 0
    assert review("ru").accepted


def test_a_sign_off_holds_only_for_a_complete_catalogue_with_a_real_date(
    locales: Path, project: Path
) -> None:
    po = _po(locales, "ru")
    _set_msgstr(po, "Contents", "")  # one string untranslated
    status, _, err = run_cli(["locales", "sign-off", "ru", "--reviewer", "R"], project)
    assert status == 1
    assert "1 string(s) untranslated or fuzzy" in err and "not signed off" in err
    assert "Reviewed-By: R" not in po.read_text(encoding="utf-8")

    # Written by hand, with the digest of what is there: still a draft, and it says why.
    with po.open("rb") as fh:
        digest = translations_digest(read_po(fh, locale="ru"))
    text = po.read_text(encoding="utf-8")

    def signed_by_hand(date: str) -> None:
        lines = f"# Reviewed-By: R\n# Review-Date: {date}\n# Reviewed-Digest: {digest}\n"
        body = re.sub(r"# (Reviewed-By|Review-Date|Reviewed-Digest):.*\n", "", text)
        po.write_text(lines + body, encoding="utf-8")

    signed_by_hand("2026-11-20")
    rv = review("ru", today=dt.date(2026, 12, 1))
    assert not rv.accepted and rv.reasons == ["1 string(s) untranslated or fuzzy"]
    signed_by_hand("soon")
    assert "Review-Date 'soon' is not a date written YYYY-MM-DD" in review("ru").reasons
    signed_by_hand("2026-12-02")
    assert (
        "Review-Date 2026-12-02 is in the future"
        in review("ru", today=dt.date(2026, 12, 1)).reasons
    )

    signed_by_hand("2026-11-20")
    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    cov = review("ru").coverage
    assert cov.done == cov.total - 1
    share = f"99{NBSP}%"  # one string of some 700 left: rounded down, never 100 %
    assert f"Черновик: перевод ещё не прошёл проверку (переведено {share} строк)." in unbound(html)
    assert "Проверено:" not in html


# --- the glossary ---------------------------------------------------------------------


def test_a_stem_pattern_finds_every_inflection_and_nothing_else() -> None:
    band = compile_pattern("уров*")
    for text in ("уровень", "Уровня достижения", "по уровням", "уровнем"):
        assert band.found(text), text
    assert not band.found("класс достижения")
    target = compile_pattern("target* | !SDG target* | !targets of the SDG*")
    assert target.found("KPIs without a target")
    assert not target.found("Each KPI is linked to one or more SDG targets.")
    assert not compile_pattern("band*").found("Fixed broadband subscriptions")
    assert not compile_pattern("dimension*").found("sub-dimension")
    assert not compile_pattern("dimension*").found("%(dimension)s: target achievement")
    assert compile_pattern("умн*").found("«Умные» счётчики")  # quotes: a style matter
    with pytest.raises(ValueError):
        compile_pattern("!only an exception")


def test_a_translation_that_does_not_follow_the_glossary_is_reported_at_its_line(
    locales: Path, project: Path
) -> None:
    po = _po(locales, "ru")
    assert run_cli(["locales", "check", "--lang", "ru"], project)[0] == 0
    line = _set_msgstr(po, "Bands of target achievement", "Классы достижения целевых значений")
    status, out, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 1
    assert (
        f"locales/ru/LC_MESSAGES/messages.po:{line}: error: glossary: 'band' is translated "
        f"without «уровень (достижения)»" in err
    )
    assert "1 not following the glossary" in out
    # The translation is still used (a term is no broken placeholder), but no sign-off holds.
    assert (
        not review("ru").accepted
        and not run_cli(["locales", "sign-off", "ru", "--reviewer", "R"], project)[0] == 0
    )

    # A translator who means another sense says so above the entry, and the check accepts it.
    text = po.read_text(encoding="utf-8")
    entry = text.index('msgid "Bands of target achievement"')
    po.write_text(text[:entry] + "# glossary: not band (a test)\n" + text[entry:], encoding="utf-8")
    assert run_cli(["locales", "check", "--lang", "ru"], project)[0] == 0

    # A glossary row that cannot be read is an error at its line; a framework term left
    # out is a warning (a new language starts so), and no sign-off holds without it.
    glossary = locales / "ru" / "glossary.tsv"
    rows = glossary.read_text(encoding="utf-8").splitlines()
    kept = [r for r in rows if not r.startswith("data point\t")]
    glossary.write_text("\n".join(kept) + "\n", encoding="utf-8")
    status, _, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 0
    assert "glossary.tsv: warning: the framework's term 'data point' is missing" in err
    status, _, err = run_cli(["locales", "sign-off", "ru", "--reviewer", "R"], project)
    assert status == 1 and "the framework's term 'data point' is missing" in err
    glossary.write_text("\n".join(kept) + "\nbroken\t!only\t\t\t\n", encoding="utf-8")
    status, _, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 1
    assert (
        f"glossary.tsv:{len(kept) + 1}: error: en_match: no alternative to find (only '!…' ones)"
        in err
    )


# --- a new language -------------------------------------------------------------------


def test_a_new_language_starts_with_gettext_s_plural_rule_its_team_and_its_glossary(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", folder, ignore=shutil.ignore_patterns("*.mo", "fr"))
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(folder))
    status, out, err = run_cli(["locales", "init", "fr"], tmp_path)
    assert status == 0, err
    po = folder / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    # gettext's rule (GNU gettext's table, what msgfmt, Poedit and Weblate use), not CLDR's
    # three forms with one for millions, which Babel would write.
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in text
    assert get_plural("fr").num_plurals == 3
    assert "(gettext's rule for the language)" in out
    assert '"Language-Team: French <https://unece.org/housing>\\n"' in text
    assert "LANGUAGE <LL@li.org>" not in text
    assert "# Reviewed-By:\n# Review-Date:\n# Reviewed-Digest:\n" in text
    catalog, skipped = read_catalogue(po, "fr")
    assert not skipped and catalog.num_plurals == 2
    plural = gettext.c2py(catalog.plural_expr)  # as gettext evaluates it
    assert [plural(n) for n in (0, 1, 2, 1_000_000)] == [0, 0, 1, 1]
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True)
    glossary = (folder / "fr" / "glossary.tsv").read_text(encoding="utf-8")
    assert "\ninsufficient data\tinsufficient data\t\t\t\n" in glossary
    # What else the language needs is named: the target sets' texts, the city's fields.
    assert "targets/default.yaml" not in out  # the default set speaks French already
    assert "publication title, place and funding" in out and "docs/translators.md" in out
    # A language gettext's table lacks is started with CLDR's rule, and says so.
    status, out, _ = run_cli(["locales", "init", "ka"], tmp_path)
    assert status == 0 and "CLDR's rule: gettext's table has none" in out


def test_missing_data_texts_are_listed_even_when_other_errors_stand(project: Path) -> None:
    city = project / "cities" / "mini" / "city.yaml"
    text = city.read_text(encoding="utf-8")
    text = text.replace("languages: [en, ru]", "languages: [en, ru, fr]")
    text = text.replace("evaluation_year: 2022", "evaluation_year: 2999")
    city.write_text(text, encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    assert re.search(r"city\.yaml:\d+:\d+: error: evaluation_year: ", err)
    assert "name: missing the 'fr' name" in err
    assert "cities/mini/kpis.yaml: warning: 12 data text(s) have no 'fr' version" in err


# --- text in another language, marked -------------------------------------------------


def _lang_texts(reader: PdfReader) -> list[tuple[str, str]]:
    """(``/Lang``, text) of every structure element that has a ``/Lang`` of its own, the
    text gathered from its marked content (MCIDs) on the page it names."""
    page_numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    texts: dict[tuple[int, int], str] = {}
    for n, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm, stack=stack):
            if op in (b"BDC", b"BMC"):
                props = args[1] if op == b"BDC" and len(args) > 1 else {}
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append(mcid if mcid is not None else (stack[-1] if stack else None))
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size, n=n, stack=stack):
            if stack and stack[-1] is not None:
                texts[n, stack[-1]] = texts.get((n, stack[-1]), "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)

    found = []

    def content(node, page) -> str:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            return texts.get((page, node), "")
        if not hasattr(node, "get"):
            return ""
        if "/Pg" in node:
            page = page_numbers[node.raw_get("/Pg").idnum]
        if "/MCID" in node:
            return texts.get((page, node["/MCID"]), "")
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        return "".join(content(k, page) for k in kids)

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/Lang" in node and node.get("/S") != "/Document":
            page = page_numbers[node.raw_get("/Pg").idnum] if "/Pg" in node else 0
            found.append((str(node["/Lang"]), " ".join(content(node, page).split())))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_a_string_shown_in_english_is_marked_in_the_html_and_the_pdf(
    locales: Path, project: Path
) -> None:
    po = _po(locales, "ru")
    # A KPI name and an interface string the Russian catalogue lacks.
    _set_msgstr(po, "Household Internet Access", "", context="kpi-name|EC-ICT-ICT-1C")
    _set_msgstr(po, "Contents", "")
    status, _, err = run_cli(["build", "mini", "--lang", "ru"], project)
    assert status == 0, err
    # Listed by the build.
    assert "the 'ru' edition of mini shows" in err
    assert "[en] Household Internet Access" in err and "[en] Contents" in err

    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    marked = re.findall(r'<span lang="en" class="untranslated">([^<]*)</span>', html)
    assert "Household Internet Access" in marked and "Contents" in marked
    assert html.count(">Household Internet Access<") == html.count(
        '<span lang="en" class="untranslated">Household Internet Access</span>'
    )  # every occurrence marked
    assert "\ufdd0" not in html and "\ufdd2" not in html  # no mark left anywhere
    head = html.split("</head>")[0]
    assert "Household Internet Access" not in head or "untranslated" not in head

    reader = PdfReader(project / "build" / "mini" / "mini-ru.pdf")
    tagged = _lang_texts(reader)
    assert ("en", "Household Internet Access") in tagged
    assert ("en", "Contents") in tagged
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    # Everything else in Russian is not tagged English.
    assert not any(lang == "en" and re.search("[а-я]", t) for lang, t in tagged)


def test_publication_fields_without_the_edition_s_language_are_marked_and_warned(
    project: Path,
) -> None:
    city = project / "cities" / "mini" / "city.yaml"
    text = city.read_text(encoding="utf-8").replace(
        "  year: 2023\n",
        "  year: 2023\n  place: {en: Oslo}\n  funding: {en: Funded by the test fund.}\n",
    )
    city.write_text(text, encoding="utf-8")
    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    assert "city.yaml: warning: publication.place has no 'ru' version" in err
    assert "publication.funding has no 'ru' version" in err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    assert '<span lang="en" class="untranslated">Oslo</span>' in html
    assert '<span lang="en" class="untranslated">Funded by the test fund.</span>' in html
    # Given in the edition's language, it is shown so, unmarked and without a warning.
    city.write_text(text.replace("{en: Oslo}", "{en: Oslo, ru: Осло}"), encoding="utf-8")
    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    assert "publication.place" not in err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    assert '<span data-origin="city">Осло</span>' in html


# --- names in the forms a sentence needs ----------------------------------------------


def test_the_narrative_asks_for_a_form_of_a_name_that_city_yaml_gives(project: Path) -> None:
    chapter = next((project / "cities" / "mini" / "narrative" / "ru").glob("*.md"))
    body = chapter.read_text(encoding="utf-8")
    chapter.write_text(body + "\nКрупнейший город {{country genitive}}.\n", encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    line = len(body.splitlines()) + 2
    assert (
        f"{chapter.name}:{line}:18: error: shortcode: no 'genitive' form of the country's "
        "name in 'ru'" in err
    )
    city = project / "cities" / "mini" / "city.yaml"
    city.write_text(
        city.read_text(encoding="utf-8")
        + "name_forms:\n  ru:\n    country: {genitive: Тестландии}\n",
        encoding="utf-8",
    )
    status, _, err = run_cli(["build", "mini", "--lang", "ru", "--format", "html"], project)
    assert status == 0, err
    html = (project / "build" / "mini" / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Крупнейший город Тестландии." in html


# --- the French edition ---------------------------------------------------------------


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> Path:
    """The sample city's English and French HTML editions (French: ``--lang fr``)."""
    out = tmp_path_factory.mktemp("french")
    status, _, err = run_cli(
        ["build", "tbilisi", "--lang", "en,fr", "--format", "html", "--out", str(out)], ROOT
    )
    assert status == 0, err
    assert "in another language" not in err  # the catalogue and the city speak French
    return out


def test_the_french_edition_names_every_kpi_in_french(french: Path) -> None:
    html = (french / "tbilisi" / "fr" / "index.html").read_text(encoding="utf-8")
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    assert '<html lang="fr">' in html and 'class="untranslated"' not in html
    fmt = Formatter("fr")
    for kpi in load_catalogue().kpis:
        name = fmt.kpi_name(kpi)
        assert name != kpi.name or kpi.name in ("Paratransit",), kpi.id
        assert name in text, kpi.id
        definition = fmt.kpi_definition(kpi)
        if definition:
            assert definition != kpi.definition, kpi.id
    assert "Household Internet Access" not in text and "Accès des ménages à Internet" in text
    # French punctuation where the page sets a label before its text.
    assert re.search("Réseau cyclable\u00a0: \\d", text)


def test_the_french_edition_carries_the_english_figures(french: Path) -> None:
    status, out, err = run_cli(["verify", "tbilisi", "--out", str(french)], ROOT)
    assert status == 0, err
    assert "verified the figures of fr (HTML) against en" in out
