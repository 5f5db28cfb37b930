"""verify: the same figures in every edition, missing glyphs, the manifest (slow: real PDFs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from profiles_gen.tools.verify import canonical, numbers
from tests.conftest import copy_project, run_cli

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "35,394 and 14.47% in 2021; SDG 17.8", ["35394", "14.47", "2021", "17.8"]),
        ("ru", "35\u00a0394 и 14,47\u00a0% в 2021; ЦУР 17.8", ["35394", "14.47", "2021", "17.8"]),
        ("ru", "Содержание . . . . . . 32", []),
    ],
)
def test_numbers_are_normalised_from_their_locale(lang, text, expected) -> None:
    found = numbers(text, lang)
    for value in expected:
        assert found[value] >= 1, (value, found)
    if not expected:
        assert not found


def test_canonical_forms() -> None:
    assert (
        canonical("1,202,731.50", "en") == canonical("1\u00a0202\u00a0731,5", "ru") == "1202731.5"
    )
    assert canonical("100", "en") == "100"


@pytest.fixture
def built(mini_built: Path, tmp_path: Path) -> Path:
    """A copy of the session's built ``mini`` project, free to change."""
    return copy_project(mini_built, tmp_path / "project")


def test_verify_passes_then_catches_a_mistyped_number_and_a_changed_input(built: Path) -> None:
    status, out, err = run_cli(["verify", "mini", "--manifest"], built)
    assert status == 0, err
    assert out.startswith("mini: verified")

    chapter = built / "cities" / "mini" / "narrative" / "ru" / "10-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("{{kpi EC-ICT-ICT-1C}}", "94\u00a0%"),
        encoding="utf-8",
    )
    assert run_cli(["build", "mini"], built)[0] == 0
    status, _, err = run_cli(["verify", "mini"], built)
    assert status == 1
    assert (
        "mini-ru.pdf: chapter 'Общие сведения о городе' (en: 'City overview'): "
        "93 appears 1× in en and 0× in ru" in err
    )
    assert "94 appears 0× in en and 1× in ru" in err
    assert "ru/index.html: chapter" in err  # the HTML edition is compared too

    (built / "cities" / "mini" / "kpis.yaml").write_text(
        (built / "cities" / "mini" / "kpis.yaml").read_text() + "\n# edited\n"
    )
    status, _, err = run_cli(["verify", "mini", "--manifest"], built)
    assert status == 1 and "input city/kpis.yaml: changed since the build" in err


def test_the_pdf_carries_its_data_as_attachments(mini_built: Path) -> None:
    out = mini_built / "build" / "mini"
    reader = PdfReader(out / "mini-en.pdf")
    assert reader.attachments["mini-kpis.csv"][0] == (out / "mini-kpis.csv").read_bytes()
    assert reader.attachments["mini-kpis.json"][0] == (out / "mini-kpis.json").read_bytes()


def test_a_character_without_a_glyph_fails_the_build_saying_where(project: Path) -> None:
    chapter = project / "cities" / "mini" / "narrative" / "ru" / "10-overview.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nГород-побратим: 漢.\n", encoding="utf-8"
    )
    status, _, err = run_cli(["build", "mini", "--format", "pdf"], project)
    assert status == 1
    assert (
        "cities/mini/narrative/ru/10-overview.md:8:17: error: glyph: U+6F22 CJK UNIFIED "
        "IDEOGRAPH-6F22 ('漢') has no glyph in the publication's fonts"
    ) in err
    assert not (project / "build" / "mini" / "mini-ru.pdf").exists()
