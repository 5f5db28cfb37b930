"""validate is the contract: whatever it accepts, score and build handle (issue 22).

A seeded generator makes ``FUZZ_DOCUMENTS`` city folders (2 000 by default) from the
small test city, each with one to four hostile changes: values, targets, years and key
facts from a palette of edge cases, hostile names (TeX, markup, control characters),
shortcodes naming what the city lacks, every way of naming a resource, broken front
matter, recommendations, and raw YAML tokens written into the text (``012``, ``1:30``,
``!!float abc``, aliases, deep nesting, bad bytes). Each goes through the stages in
process: load and validate (``prepare_city``), then, if valid, score, the open-data
exports, the charts, the view and the HTML edition of one of its languages. A clean
``ProfileError`` from validate is the only exception allowed; anything else fails the
test with the document that caused it.

To keep each document cheap, charts are drawn with matplotlib for every 500th valid
document and for the first documents whose city name changed (the text that reaches
matplotlib); the others call the same chart code with the drawing replaced by a
placeholder SVG. No PDF is made. Set ``FUZZ_SEED`` to explore other documents.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from profiles_gen.build.publication import prepare_city
from profiles_gen.charts import draw as drawing
from profiles_gen.charts import specs
from profiles_gen.core.errors import ProfileError
from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.schema import KEY_FACT_IDS
from profiles_gen.i18n.formatter import Formatter
from profiles_gen.i18n.messages import translations
from profiles_gen.publish.export import city_exports
from profiles_gen.render.city import build_view
from profiles_gen.render.environment import make_environment, render_edition
from profiles_gen.scoring.compare import progress
from profiles_gen.scoring.score import score_city
from tests.conftest import MINI

pytestmark = pytest.mark.slow

DOCUMENTS = int(os.environ.get("FUZZ_DOCUMENTS", "2000"))
SEED = int(os.environ.get("FUZZ_SEED", "22"))
CATALOGUE = load_catalogue()
KPI_IDS = [k.id for k in CATALOGUE.kpis]
WITH_POINTS = [k for k in CATALOGUE.kpis if k.data_points]
FACTS = list(KEY_FACT_IDS)

PLAUSIBLE = [0, 1e-9, 0.5, 1, 33, 57.0, 66.0001, 95, 99.999999, 100, 1e6, 1e12, 0.333333333333]
NUMBERS = PLAUSIBLE + [-1, -0.0, 100.0001, 1e13, 10**30, 12345678901234567890]
NUMBERS += [float("inf"), float("nan"), 1e-30, 0.1234567890123456789, 1e-12, 123456.123456789]
TEXTS = [
    "",
    " ",
    "Test",
    r"$\macro$",
    "$x^2_y$ and 5$",
    "{{city}}",
    "{% raw %}",
    "<script>alert(1)</script>",
    "a\u202eb",
    "\\",
    "_^%&#~",
    "Москва",
    "=cmd|' /C calc'!A0",
    "x" * 300,
    "line\nbreak",
]
SCALARS = NUMBERS + TEXTS + [None, True, False, [], {}, [1, 2], {"en": "x"}, "yes", "no"]
YEARS = [1899, 1900, 2000, 2021, 2022, 2023, 2100, 2201, "2021", 2021.5, None, -5]
LANGS = [["en"], ["en", "ru"], ["ru"], [], ["fr"], ["en", "en"], "en", ["en-XA"]]
SNIPPETS = [
    "{{kpi EC-ICT-ICT-1C}}",
    "{{value EN-EN-AQ-1C PM2.5}}",
    "{{target EC-I-WS-3C}}",
    "{{achievement EC-ICT-ICT-4C 4G}}",
    "{{band SC-SH-SI-3C}}",
    "{{year EC-ICT-ICT-2C}}",
    "{{kpi EC-ICT-ICT-4C}}",
    "{{kpi NOPE-1}}",
    "{{fact population}}",
    "{{fact elevation}}",
    "{{fact}}",
    "{{city}} and {{country}}",
    "{{count reported}} {{count no_target}} {{count bogus}}",
    "{{rollup dimension EC}} {{rollup dimension XX}}",
    "{{rollup subdimension EC-ICT}} {{rollup category EC-ICT-ICT}} {{rollup sdg 11}}",
    "{{rollup sdg 0}} {{rollup city mini}} {{rollup city other}}",
    "{{rollup}}",
    "{{ unclosed",
    "}} {{",
    "![map](images/map.png)",
    "![remote](http://example.invalid/x.png)",
    "![ref][r]\n\n[r]: https://example.invalid/y.png",
    "![up](../../etc/passwd) ![abs](/etc/passwd) ![f](file:///etc/passwd)",
    '<img src="data:image/png;base64,AAAA"> <img srcset="a.png 1x, //e.invalid/b 2x">',
    '<p style="background:url(http://example.invalid/z)">x</p>',
    "<style>@import 'http://example.invalid/s.css';</style>",
    "[link](javascript:alert(1)) [ok](https://example.org)",
    "Text[^n]\n\n[^n]: a note with {{kpi EC-ICT-ICT-1C}}",
    "| a | b |\n|---|---|\n| {{city}} | $x$ |",
    "# Heading\n\n###### deep\n\n> quote\n\n- item\n  - nested",
    r"$\frac{1}{2}$ \(x\) ` code {{city}} `",
    "\u0000 \u0007 \ufeff \u202e",
    "<!-- {{kpi NOPE}} -->",
    "x" * 5000,
]
RAW_TOKENS = [
    "012",
    "1:30",
    "0x1F",
    "0o17",
    "1_000",
    ".inf",
    "-.inf",
    ".nan",
    "1e400",
    "9" * 5000,
    "2023-02-30",
    "2023-01-15 10:00:00",
    "!!float abc",
    "!!int 1.5",
    "!!bool maybe",
    "!!binary AAAA",
    "!!omap [a: 1]",
    "!!set {a}",
    "!!python/object:os.system x",
    "*nowhere",
    "&anchor 5",
    "[" * 200 + "]" * 200,
    "[",
    "{",
    '"unterminated',
    "yes",
    "on",
    "NO",
    "~",
    "|\n  block",
    "? complex\n: key",
    "<<: {a: 1}",
    '"Test\\uD800ville"',  # a lone surrogate, as an escape only YAML can write
    '"\\uDFFF"',
    '"a\\uFFFEb"',  # a noncharacter
    "1e-30",
    "12345678901.123456789012345678",
]


def base() -> dict:
    return {
        "city": yaml.safe_load((MINI / "city.yaml").read_text(encoding="utf-8")),
        "kpis": yaml.safe_load((MINI / "kpis.yaml").read_text(encoding="utf-8")),
        "chapters": {
            f"narrative/{lang}/10-overview.md": (
                MINI / "narrative" / lang / "10-overview.md"
            ).read_text(encoding="utf-8")
            for lang in ("en", "ru")
        },
        "recommendations": None,
        "raw": [],
    }


BASE = base()


def record(rng: random.Random) -> dict:
    rec = {}
    hostile = rng.random() < 0.4  # otherwise mostly plausible: the build gets to run
    for key, pool in (
        ("value", SCALARS if hostile else PLAUSIBLE + ["yes", "no"]),
        ("year", YEARS if hostile else [2019, 2020, 2021]),
        ("source", TEXTS),
        ("target", NUMBERS + [None, "x"] if hostile else PLAUSIBLE[1:]),
        ("target_source", TEXTS),
        ("illustrative", [True, False, "yes", 1]),
        ("definition", TEXTS),
        ("note", TEXTS),
    ):
        if rng.random() < 0.6:
            rec[key] = rng.choice(pool)
    if rng.random() < 0.1:
        rec["status"] = rng.choice(["not_reported", "reported", "bogus"])
        rec["reason"] = rng.choice(TEXTS)
    return rec


def m_kpi(rng, doc) -> None:
    kpi = rng.choice(KPI_IDS[:30] + list(doc["kpis"]) + ["EC: ICT: ICT: 1C", "BOGUS", 7])
    doc["kpis"][kpi] = record(rng)


def m_kpi_field(rng, doc) -> None:
    kpi = rng.choice(list(doc["kpis"]) or ["EC-ICT-ICT-1C"])
    rec = doc["kpis"].setdefault(kpi, {})
    if not isinstance(rec, dict):
        return
    field = rng.choice(["value", "target", "year", "source", "target_source", "status"])
    pool = {"year": YEARS, "status": ["not_reported", None]}.get(field, SCALARS)
    if field in ("value", "target") and rng.random() < 0.6:
        pool = PLAUSIBLE[1:]
    rec[field] = rng.choice(pool)
    if field == "target":
        rec["target_source"] = rng.choice(TEXTS[2:])


def m_points(rng, doc) -> None:
    kpi = rng.choice(WITH_POINTS)
    points = {
        rng.choice([p.id for p in kpi.data_points] + ["BOGUS"]): record(rng)
        for _ in range(rng.randint(0, 3))
    }
    doc["kpis"][kpi.id] = {"data_points": points} if rng.random() < 0.9 else points


def m_delete(rng, doc) -> None:
    if doc["kpis"]:
        del doc["kpis"][rng.choice(list(doc["kpis"]))]


def m_city(rng, doc) -> None:
    city = doc["city"]
    field = rng.choice(
        ["name", "country", "languages", "evaluation_year", "data_status", "publication"]
    )
    if field in ("name", "country"):
        names = {"en": rng.choice(TEXTS[2:]), "ru": rng.choice(TEXTS[2:])}
        if rng.random() < 0.3:
            names = rng.choice([{"en": rng.choice(TEXTS)}, rng.choice(TEXTS), None])
        city[field] = names
        doc["renamed"] = True
    elif field == "languages":
        city[field] = rng.choice(LANGS)
    elif field == "evaluation_year":
        city[field] = rng.choice(YEARS)
    elif field == "data_status":
        city[field] = rng.choice(["official", "illustrative", "draft", None])
    else:
        pub = city.setdefault("publication", {})
        key = rng.choice(["year", "date", "licence", "title", "isbn", "authors", "place"])
        pub[key] = rng.choice(SCALARS + YEARS + ["2023-01-15", {"en": "T", "ru": "Т"}])


def m_fact(rng, doc) -> None:
    facts = doc["city"].setdefault("key_facts", {})
    if not isinstance(facts, dict):
        return
    fact = rng.choice(FACTS + ["bogus"])
    facts[fact] = rng.choice(
        [
            {"value": rng.choice(NUMBERS), "year": rng.choice(YEARS), "source": "s"},
            {"value": rng.choice(SCALARS)},
            rng.choice(SCALARS),
        ]
    )


def m_snippet(rng, doc) -> None:
    name = rng.choice(list(doc["chapters"]))
    doc["chapters"][name] += "\n\n" + rng.choice(SNIPPETS) + "\n"


def m_chapter(rng, doc) -> None:
    lang = rng.choice(["en", "ru", "fr"])
    front = {
        "title": rng.choice(TEXTS + [None, 5]),
        "order": rng.choice([0, 1, -1, 99, "1", None]),
        "part": rng.choice(["front", "summary", "body", "dimension", "annex", "x", None]),
    }
    if rng.random() < 0.5:
        front["dimension"] = rng.choice(["EC", "EN", "SC", "XX", None])
    body = "\n\n".join(rng.choice(SNIPPETS) for _ in range(rng.randint(0, 3)))
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body + "\n"
    if rng.random() < 0.2:
        text = rng.choice(["", "no front matter\n", "---\n[\n---\nx\n", "---\n---\n"])
    doc["chapters"][f"narrative/{lang}/{rng.randint(20, 99)}-extra.md"] = text


def m_recommendations(rng, doc) -> None:
    recs = []
    for n in range(rng.randint(0, 3)):
        recs.append(
            {
                "id": rng.choice([f"r{n}", None, 5]),
                "theme": {"en": rng.choice(TEXTS), "ru": "Тема"},
                "headline": {"en": rng.choice(TEXTS), "ru": "Заголовок"},
                "diagnosis": {"en": rng.choice(SNIPPETS), "ru": rng.choice(SNIPPETS)},
                "measures": rng.choice([[{"en": "m", "ru": "м"}], [], "x", [rng.choice(TEXTS)]]),
                "kpis": rng.choice([["EC-ICT-ICT-1C"], ["BOGUS"], [], "x"]),
                "sdgs": rng.choice([[11], [0], [18], ["x"], []]),
                "priority": rng.choice(["high", "low", "urgent", None]),
            }
        )
    doc["recommendations"] = rng.choice([{"recommendations": recs}, recs, {"x": 1}])


def m_raw(rng, doc) -> None:
    doc["raw"].append(
        (rng.choice(["city.yaml", "kpis.yaml"]), rng.random(), rng.choice(RAW_TOKENS))
    )


def m_bytes(rng, doc) -> None:
    token = rng.choice([b"\xff\xfe\xe9", "\ufdd0".encode(), "\U0010ffff".encode()])
    doc["raw"].append((rng.choice(["city.yaml", "kpis.yaml", "narrative"]), rng.random(), token))


MUTATIONS = [
    (m_kpi, 6),
    (m_kpi_field, 8),
    (m_points, 3),
    (m_delete, 2),
    (m_city, 5),
    (m_fact, 3),
    (m_snippet, 8),
    (m_chapter, 3),
    (m_recommendations, 2),
    (m_raw, 3),
    (m_bytes, 1),
]


def generate(rng: random.Random) -> dict:
    doc = copy.deepcopy(BASE)
    doc["renamed"] = False
    functions, weights = zip(*MUTATIONS, strict=True)
    for mutate in rng.choices(functions, weights, k=rng.randint(1, 4)):
        mutate(rng, doc)
    return doc


def dump(data) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: the cheap part
    return yaml.dump(data, Dumper=dumper, allow_unicode=True).encode()


WRITTEN: dict[str, bytes] = {}  # what the city folder holds now, by file name


def write(doc: dict, city_dir: Path) -> None:
    files: dict[str, bytes] = {"city.yaml": dump(doc["city"]), "kpis.yaml": dump(doc["kpis"])}
    files.update({name: text.encode() for name, text in doc["chapters"].items()})
    if doc["recommendations"] is not None:
        files["recommendations.yaml"] = dump(doc["recommendations"])
    for target, where, token in doc["raw"]:  # raw tokens and bytes written into the text
        if target == "narrative":
            target = sorted(n for n in files if n.startswith("narrative/"))[0]
        data = files[target]
        lines = data.split(b"\n")
        n = int(where * len(lines))
        if isinstance(token, bytes):
            lines[n] += token
        else:
            head = lines[n].split(b": ", 1)[0] if b": " in lines[n] else b"  extra"
            lines[n] = head + b": " + token.encode()
        files[target] = b"\n".join(lines)
    for name in set(WRITTEN) - set(files):
        (city_dir / name).unlink(missing_ok=True)  # the previous document's
        del WRITTEN[name]
    for name, data in files.items():
        if WRITTEN.get(name) != data:  # files are slow to write on a busy disk
            path = city_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            WRITTEN[name] = data


def placeholder(spec: drawing.Spec, layouts: tuple[str, ...] | None = None) -> drawing.Chart:
    """The chart of ``spec`` without matplotlib: the spec is built and hashed as by ``draw``,
    each layout's file an empty one."""
    repr(spec)  # what the cache key would hash
    files = {layout: "/dev/null" for layout in spec.layouts if not layouts or layout in layouts}
    sizes = {layout: (600, 400) for layout in files}
    return drawing.Chart(spec.id, spec.title, spec.description, files, spec.data, sizes)


ENVIRONMENTS: dict = {}  # per language: Jinja compiles the templates once, as per edition


def build_html(city, rng: random.Random, draw: bool) -> str:
    """Score, the exports, the charts, the view and the HTML edition of one language."""
    score = score_city(city, CATALOGUE)
    city_exports(city, score, CATALOGUE)
    lang = rng.choice(list(city.languages))
    if lang not in ENVIRONMENTS:
        fmt = Formatter(lang, translations(lang))
        ENVIRONMENTS[lang] = fmt, make_environment(city.dir, fmt)
    fmt, env = ENVIRONMENTS[lang]
    changes = progress(city, CATALOGUE, score)
    real = specs.draw  # the name the chart specs call (imported from charts.draw)
    assert real is drawing.draw
    if not draw:
        specs.draw = placeholder
    try:
        charts = specs.draw_charts(city, CATALOGUE, score, fmt, changes)
    finally:
        specs.draw = real
    view = build_view(city, CATALOGUE, score, fmt, charts, changes)
    assets = {"stylesheets": [], "inline_css": "", "photo": None, "scripts": []}
    return render_edition(env, "profile.html", view, "screen", assets)


def test_whatever_validate_accepts_score_and_build_handle(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(drawing, "CACHE_DIR", tmp_path / "chart-cache")
    shm = Path("/dev/shm")  # memory, where there is one: thousands of small writes
    scratch = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    city_dir = scratch / "cities" / "mini"
    shutil.copytree(MINI, city_dir)
    WRITTEN.clear()
    WRITTEN.update({n: (city_dir / n).read_bytes() for n in BASE["chapters"]})
    rng = random.Random(SEED)
    started = time.perf_counter()
    failures, valid, invalid, drawn, renamed = [], 0, 0, 0, 0
    for n in range(DOCUMENTS):
        doc = generate(rng)
        write(doc, city_dir)
        stage = "validate"
        try:
            try:
                city, _, _ = prepare_city(city_dir)
            except ProfileError as exc:
                assert exc.issues and all(issue.format() for issue in exc.issues)
                invalid += 1
                continue
            valid += 1
            stage = "score/build"
            draw = valid % 500 == 1 or (doc["renamed"] and renamed < 3)
            renamed += doc["renamed"] and draw
            drawn += draw
            html = build_html(city, rng, draw)
            assert "<script>alert" not in html
        except Exception as exc:  # noqa: BLE001 - every other exception is a failure
            failures.append((n, stage, f"{type(exc).__name__}: {exc}"[:300], doc))
    seconds = time.perf_counter() - started
    if scratch != tmp_path:
        shutil.rmtree(scratch)
    print(
        f"\nfuzz: {DOCUMENTS} documents (seed {SEED}) in {seconds:.1f} s: "
        f"{valid} valid and built ({drawn} with matplotlib), {invalid} refused cleanly"
    )
    shown = [
        f"document {n} ({stage}): {error}\n  city={d['city']!r}\n  raw={d['raw']!r}"
        for n, stage, error, d in failures[:5]
    ]
    assert not failures, f"{len(failures)} document(s) crashed:\n" + "\n".join(shown)
    assert valid >= DOCUMENTS // 10 and invalid >= DOCUMENTS // 10  # both paths exercised
