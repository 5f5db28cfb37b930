"""The view is a typed contract (``render/view.py``): the views built for real cities have
exactly its fields, and every field a template reads is declared, checked without
rendering a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles_gen.build.publication import prepare
from profiles_gen.core.paths import TEMPLATES_DIR, use_cache
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.render.environment import make_environment
from profiles_gen.render.view import VIEWS, CityView, PartView, VolumeView
from profiles_gen.render.viewcheck import check_template, conform
from tests.conftest import ROOT

# Every page template with the view it is rendered with; a volume's parts render
# _volume_part.html with a member's view.
PAGES = {**VIEWS, "_volume_part.html": PartView}


def environment():
    return make_environment(None, Formatter("en", translations("en")))


def test_every_field_the_templates_read_is_declared() -> None:
    env = environment()
    problems = [str(p) for name, view in PAGES.items() for p in check_template(env, name, view)]
    assert problems == []


def test_every_template_is_read_by_a_page() -> None:
    """The check covers every template an edition renders: each partial is included
    (directly or not) by a page template, or is a page of the site of its own."""
    from jinja2 import nodes

    env = environment()
    reached: set[str] = set()

    def walk(name: str) -> None:
        if name in reached:
            return
        reached.add(name)
        tree = env.parse(env.loader.get_source(env, name)[0])
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
            if isinstance(node.template, nodes.Const):
                walk(node.template.value)
            elif isinstance(node.template, nodes.Filter):  # contents_template|default(...)
                walk(node.template.args[0].value)

    for page in PAGES:
        walk(page)
    walk("_volume_contents.html")  # a volume's contents_template
    site_pages = {"home.html", "compare.html", "base.html", "_site_nav.html"}
    templates = {p.name for p in TEMPLATES_DIR.glob("*.html")}
    assert templates - reached - site_pages == set()


def test_a_template_reading_an_undeclared_field_is_caught_at_its_line() -> None:
    env = environment()
    source = (
        "{% for d in dimensions %}\n"
        "{{ d.rollup.band }} {{ d.rollup.bandd }}\n"  # a record's field misspelt
        "{% for s in d.subdimensions %}{{ s.categories[0].rows[0].codee }}{% endfor %}\n"
        "{% endfor %}\n"
        "{% set totals = progress.overall %}{{ totals.upp }}\n"  # through set
        "{% with s = sections.evaluation %}{{ s.titel }}{% endwith %}\n"  # through with
        "{{ fig.wheel.n }} {{ nothere }} {{ maybe|default('') }}\n"
        "{% if other is defined %}{{ other }}{% endif %}\n"
    )
    found = [str(p) for p in check_template(env, "probe.html", CityView, source)]
    assert found == [
        "templates/probe.html:2: reads d.rollup.bandd: Rollup has no field 'bandd'",
        "templates/probe.html:3: reads s.categories[0].rows[0].codee: Row has no field 'codee'",
        "templates/probe.html:5: reads totals.upp: ProgressTotals has no field 'upp'",
        "templates/probe.html:6: reads s.titel: Section has no field 'titel'",
        "templates/probe.html:7: reads 'nothere', which is not in the view",
    ]


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> dict:
    """The views of the sample city and volume and of the small test city, each in
    English and Russian, with their charts drawn (the print layout)."""
    use_cache(tmp_path_factory.mktemp("cache"))
    built = {}
    for folder in (
        ROOT / "cities" / "tbilisi",
        ROOT / "cities" / "norway",
        ROOT / "tests" / "data" / "mini",
    ):
        pub = prepare(Path(folder))
        for lang in ("en", "ru"):
            _, view = pub.draw(Formatter(lang, translations(lang), marked=True), ("print",))
            built[(folder.name, lang)] = (pub.template, view)
    return built


def test_the_views_built_have_exactly_the_declared_fields(views) -> None:
    for (name, lang), (template, view) in views.items():
        assert conform(view, VIEWS[template], name) == [], (name, lang)


def test_a_view_missing_a_field_or_holding_one_undeclared_is_caught(views) -> None:
    _, view = views[("tbilisi", "en")]
    broken = {k: v for k, v in view.items() if k != "city_rollup"} | {"extra": 1}
    broken["dimensions"] = [dict(view["dimensions"][0], rollup="4")] + view["dimensions"][1:]
    assert conform(broken, CityView, "tbilisi") == [
        "tbilisi: no field 'city_rollup' (CityView declares it)",
        "tbilisi: field 'extra' is not declared in CityView",
        "tbilisi.dimensions[0].rollup: a str, not a Rollup",
    ]
    _, volume = views[("norway", "ru")]
    part = dict(volume["parts"][0])
    del part["part_label"]
    assert conform(dict(volume, parts=[part]), VolumeView, "norway") == [
        "norway.parts[0]: no field 'part_label' (PartView declares it)"
    ]
