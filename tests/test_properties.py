"""Property tests: any YAML or Markdown gives a clean result or a clean error, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profiles_gen.build.publication import prepare_city
from profiles_gen.core.errors import ProfileError
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.render.markdown import render_markdown
from tests.conftest import MINI

pytestmark = pytest.mark.slow  # real builds, or thousands of generated inputs

KPI_IDS = [k.id for k in load_catalogue().kpis]
KEYS = st.sampled_from(
    [
        "value",
        "year",
        "source",
        "target",
        "target_source",
        "data_points",
        "status",
        "reason",
        "note",
        "illustrative",
        "name",
        "en",
        "ru",
        "languages",
        "PM2.5",
        "3G",
        "not_reported",
        "publication",
        "key_facts",
        "population",
        "title",
        "order",
        "part",
        "dimension",
    ]
    + KPI_IDS[:20]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.dates().map(str)
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)
NOISE = st.text(alphabet=st.sampled_from(list("ab:- \n{}[]'\"#&*!|>%@`\t\ufeff\r")), max_size=60)

CITY_DIR = Path(tempfile.mkdtemp(prefix="pg-prop-")) / "mini"
shutil.copytree(MINI, CITY_DIR)


def check(city_dir: Path) -> None:
    try:
        prepare_city(city_dir)
    except ProfileError as exc:
        assert exc.issues  # a clean error says what is wrong
        for issue in exc.issues:
            issue.format()


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(["kpis.yaml", "city.yaml", "recommendations.yaml"]),
    TREES | NOISE,
    st.booleans(),
)
def test_any_yaml_is_a_clean_result_or_a_clean_error(name, content, as_text) -> None:
    if isinstance(content, str) and as_text:
        text = content
    else:
        text = yaml.safe_dump(content, allow_unicode=True)
    original = (MINI / name).read_text(encoding="utf-8") if (MINI / name).is_file() else None
    try:
        (CITY_DIR / name).write_text(text, encoding="utf-8")
        check(CITY_DIR)
    finally:
        if original is None:
            (CITY_DIR / name).unlink(missing_ok=True)
        else:
            (CITY_DIR / name).write_text(original, encoding="utf-8")


MARKDOWN = st.lists(
    st.sampled_from(
        [
            "---\n",
            "title: T\n",
            "order: 1\n",
            "part: body\n",
            "part: x\n",
            "{{kpi EC-ICT-ICT-1C}}",
            "{{kpi EN-EN-AQ-1C PM2.5}}",
            "{{band",
            "}}",
            "{{fact population}}",
            "{{count reported}}",
            "{{rollup dimension EC}}",
            "{{nope}}",
            "![i](/etc/passwd)",
            "<script>x</script>",
            "# H\n",
            "\n",
            "<img src=x onerror=y>",
            "[l](javascript:x)",
            "| a | b |\n|---|---|\n",
        ]
    )
    | st.text(max_size=10),
    max_size=25,
).map("".join)


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(MARKDOWN)
def test_any_markdown_is_a_clean_result_or_a_clean_error(text) -> None:
    chapter = CITY_DIR / "narrative" / "en" / "10-overview.md"
    original = chapter.read_text(encoding="utf-8")
    try:
        chapter.write_text(text, encoding="utf-8")
        check(CITY_DIR)
    finally:
        chapter.write_text(original, encoding="utf-8")
    html = render_markdown(text, lambda name, args: f"{name}:{len(args)}")
    assert_harmless(html)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_harmless(html: str) -> None:
    """No script element, no event handler, no javascript: or data: URL in any element."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("script", "style", "iframe", "object", "embed"), html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith(("javascript:", "data:")), html
