"""Untrusted input, round 3 (issue 26): each break an adversary found, built here.

Every test builds its hostile input itself and checks what a user sees: a clean error at
the file, line and column it comes from (exit 1 for bad data, 2 for bad usage), no
traceback, nothing read or written outside the folders the program owns, and nothing
published from a build that failed. The modules added by the fix are imported inside
the tests, so that each test fails on its own account on a tree without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

CSP = "default-src 'self'"


def errors_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line]


def city_template(project: Path, text: str, name: str = "_back.html") -> Path:
    folder = project / "cities" / "mini" / "templates"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def build_html(project: Path, *more: str) -> tuple[int, str, str]:
    return run_cli(["build", "mini", "--format", "html", "-j", "1", *more], project)


def edition(project: Path, lang: str = "en") -> Path:
    return project / "build" / "mini" / lang / "index.html"


def cli_process(project: Path, *args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "profiles_gen", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


# --- 1. templates see plain data, and call only what the sandbox allows ---------------------


def _is_record(value) -> bool:
    try:
        from profiles_gen.data.sandbox import Record
    except ImportError:  # a tree without records: frozen dataclasses are the records
        Record = ()  # noqa: N806
    if isinstance(value, Record):
        return True
    params = getattr(type(value), "__dataclass_params__", None)
    return dataclasses.is_dataclass(value) and params is not None and params.frozen


PLAIN = {str, int, float, bool, Decimal, dt.date, dt.datetime, type(None)}


def not_plain(value, where: str, seen: set, found: list) -> None:
    """Every object reachable from ``value`` as a template reaches it (items, public
    attributes) that is not plain data: strings, numbers, booleans, dates, lists, tuples,
    mappings and frozen records of them."""
    from markupsafe import Markup

    if type(value) in PLAIN or type(value) is Markup:
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if type(value) in (list, tuple):
        for n, item in enumerate(value):
            not_plain(item, f"{where}[{n}]", seen, found)
    elif type(value) is dict:
        for key, item in value.items():
            not_plain(key, f"{where} key", seen, found)
            not_plain(item, f"{where}[{key!r}]", seen, found)
    elif _is_record(value):
        for name in dir(value):
            if not name.startswith("_"):
                not_plain(getattr(value, name), f"{where}.{name}", seen, found)
    else:
        found.append(f"{where}: {type(value).__module__}.{type(value).__qualname__}")


# The globals a template may call (Jinja's range, dict and namespace, gettext, the project's).
CALLABLE_GLOBALS = {
    "range", "dict", "namespace", "gettext", "ngettext", "_", "pgettext", "npgettext",
    "chart_src", "band_short", "insufficient_short", "insufficient_count", "insufficient_text",
}  # fmt: skip


def test_everything_a_template_can_reach_is_plain_data(project: Path, monkeypatch) -> None:
    """Break 1: ``city.dir`` was a Path (read_text, write_text, iterdir). Every context of
    real editions (a city, a volume, the comparison and the home pages) is walked."""
    import jinja2.environment

    from profiles_gen.build.home import write_site_home
    from profiles_gen.build.pipeline import build_cities
    from profiles_gen.build.plan import BuildOptions
    from profiles_gen.tools.site import write_comparison
    from tests.conftest import chdir

    shutil.copytree(ROOT / "cities" / "norway", project / "cities" / "norway")
    contexts: list = []
    real = jinja2.environment.new_context

    def recording(environment, name, blocks, vars=None, shared=False, *rest, **kw):  # noqa: A002
        if not shared:
            contexts.append((name, vars, rest[0] if rest else kw.get("globals")))
        return real(environment, name, blocks, vars, shared, *rest, **kw)

    monkeypatch.setattr(jinja2.environment, "new_context", recording)
    out = project / "build"
    cities = [project / "cities" / "mini", project / "cities" / "norway"]
    with chdir(project):
        results = build_cities(cities, out, BuildOptions(formats=("html",), jobs=1))
        write_comparison(out, results)
        write_site_home(out)
    names = {name for name, _, _ in contexts}
    assert {"profile.html", "volume.html", "compare.html", "home.html"} <= names, names
    found: list[str] = []
    for name, context, template_globals in contexts:
        not_plain(dict(context or {}), name, set(), found)
        for key, value in (template_globals or {}).items():
            if callable(value):
                assert key in CALLABLE_GLOBALS, f"{name}: global {key} may be called"
            else:
                not_plain(value, f"{name} global {key}", set(), found)
    assert not found, "\n".join(sorted(set(found))[:20])


@pytest.mark.parametrize(
    "expression",
    [
        "'abc'.encode()",  # bytes: a str method off the allow-list
        "pub.date.replace(year=1999)",  # a method of a date off the allow-list
        "[1, 2].copy()",  # not a mutation, still not on the list
        "'ab'|center(40)",  # a filter that pads to any width
        "'ab'.zfill(9)",
    ],
)
def test_a_template_calls_only_what_the_allow_list_names(project: Path, expression: str) -> None:
    city_template(project, "<p>back</p>\n<p>{{ " + expression + " }}</p>\n")
    status, _, err = build_html(project)
    assert status == 1, err
    assert "Traceback" not in err
    [error] = errors_of(err)
    assert error.startswith("cities/mini/templates/_back.html:2:1: error: template: "), error
    assert not edition(project).exists()


@pytest.mark.parametrize(
    "expression",
    [
        "city.dir.joinpath('../../secret.txt').read_text()",
        "city.dir.joinpath('../../written.pth').write_text('import os')",
        "city.dir.iterdir()|list",
        "city.records['EC-ICT-ICT-1C'].__class__",
    ],
)
def test_a_city_template_reaches_no_file_and_fails_at_its_line(
    project: Path, expression: str
) -> None:
    (project / "secret.txt").write_text("not-for-the-edition-26")
    city_template(project, "<p>back</p>\n<p>{{ " + expression + " }}</p>\n")
    status, _, err = build_html(project)
    assert status == 1, err
    assert "Traceback" not in err
    [error] = errors_of(err)
    assert error.startswith("cities/mini/templates/_back.html:2:1: error: template: "), error
    assert not (project / "written.pth").exists()
    assert not edition(project).exists()
    built = project / "build"
    assert "not-for-the-edition-26" not in "".join(
        p.read_text(errors="replace") for p in built.rglob("*") if p.is_file()
    )


# --- 2. city templates follow the rules of narrative; every page has a CSP ----------------


def test_script_handlers_and_remote_resources_in_a_city_template_are_errors_at_their_lines(
    project: Path,
) -> None:
    """Break 2: ``<script>`` and a remote ``<img>`` reached the HTML edition; validate passed."""
    city_template(
        project,
        "<p>back</p>\n"
        "<script>alert(1)</script>\n"
        '<p onclick="alert(2)">x</p>\n'
        '<a href="javascript:alert(3)">x</a>\n'
        '<img src="https://tracker.example/p.png" alt="">\n'
        '<p style="background: url(//tracker.example/b.png)">x</p>\n'
        '<iframe src="other.html"></iframe>\n'
        '<p>{{ name }}</p><img src="{{ assets.photo }}" alt="">\n',  # computed: checked later
    )
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    errors = errors_of(err)
    where = [e.split(": error: ")[0] for e in errors]
    assert where == [
        "cities/mini/templates/_back.html:2:1",
        "cities/mini/templates/_back.html:2:9",
        "cities/mini/templates/_back.html:3:1",
        "cities/mini/templates/_back.html:4:1",
        "cities/mini/templates/_back.html:5:1",
        "cities/mini/templates/_back.html:6:1",
        "cities/mini/templates/_back.html:7:1",  # the frame
        "cities/mini/templates/_back.html:7:1",  # and what it would show
    ], errors
    assert "remote resources are refused" in errors[4] and "javascript:" in errors[3]
    assert "remote resources are refused" in errors[5] and "<iframe>" in errors[6]


def test_markup_a_city_template_builds_at_run_time_is_refused_too(project: Path) -> None:
    city_template(
        project,
        "<p>back</p>\n{{ ('<scr' ~ 'ipt>alert(1)</scr' ~ 'ipt>')|safe }}\n"
        "{{ '<img src=x onerror=alert(2)>'|safe }}\n",
    )
    assert run_cli(["validate", "mini"], project)[0] == 0  # nothing to see as written
    status, _, err = build_html(project)
    assert status == 1 and "Traceback" not in err
    errors = errors_of(err)
    assert all(e.startswith("cities/mini/templates: error: template: ") for e in errors)
    assert any("a <script> element" in e for e in errors)
    assert any("event handler" in e for e in errors)
    assert not edition(project).exists()


def test_every_page_carries_a_content_security_policy_and_no_inline_script(
    project: Path,
) -> None:
    status, _, err = build_html(project)
    assert status == 0, err
    pages = sorted((project / "build").rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "index.ru.html"} and len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
        assert policy and CSP in policy.group(1), page
        assert "'unsafe-inline'" not in re.search(r"script-src[^;]*|$", policy.group(1)).group()
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
            assert not script.strip(), f"{page}: an inline script"


@pytest.mark.slow
def test_the_edition_works_under_its_policy_in_a_browser(project: Path) -> None:
    """The policy is a wall, not a break: the page's own script runs, nothing is refused."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert build_html(project)[0] == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 375, "height": 800})
        console: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and console.append(m.text))
        page.goto(edition(project).as_uri(), wait_until="load")
        toggle_shown = page.evaluate("!document.querySelector('.toc-toggle').hidden")
        policy = page.evaluate(
            "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
        )
        browser.close()
    assert CSP in policy
    assert toggle_shown  # profile.js ran: it shows the contents button
    assert console == []


# --- 3. a budget for rendering ---------------------------------------------------------------


def _budget(monkeypatch, **limits) -> None:
    try:
        from profiles_gen.data import budget
    except ImportError:  # no budget in this tree: the template runs as long as it takes
        return
    for name, value in limits.items():
        monkeypatch.setattr(budget, name, value)


def test_a_template_loop_past_the_time_budget_fails_naming_the_template(
    project: Path, monkeypatch
) -> None:
    """Break 3: nested loops ran until killed (and held serve's build lock). Here the
    budget is two seconds of processor time, the loop a hundred million steps."""
    _budget(monkeypatch, RENDER_SECONDS=2.0)
    city_template(
        project,
        "<p>back</p>\n"
        "{% for i in range(100000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}\n",
    )
    status, _, err = build_html(project)
    assert status == 1, err
    [error] = errors_of(err)
    assert error.startswith("cities/mini/templates/_back.html:2:1: error: template: rendering took")
    assert "processor time" in error and "Traceback" not in err
    assert not (project / "build" / "mini" / "en").exists()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("{{ 'x' * 3000000 }}", 2),  # one value
        ("{% set s = 'x' * 100000 %}\n{% for i in range(40) %}{{ s }}{% endfor %}", 3),  # output
        ("{% set s = 'x' * 100000 %}\n{% set t = s" + " ~ s" * 24 + " %}", 3),
        ("{{ range(100000)|join('x' * 100) }}", 2),
        ("{{ 7 ** 999999 }}", 2),  # a number too large to compute
        ("{{ '%99999999d'|format(1) }}", 2),
    ],
)
def test_text_past_the_size_budget_fails_before_it_is_made(
    project: Path, monkeypatch, text: str, line: int
) -> None:
    _budget(monkeypatch, RENDER_CHARS=2_000_000)
    city_template(project, "<p>back</p>\n" + text + "\n")
    status, _, err = build_html(project)
    assert status == 1, err
    [error] = errors_of(err)
    assert error.startswith(f"cities/mini/templates/_back.html:{line}:1: error: template: "), error
    assert "Traceback" not in err
    assert not (project / "build" / "mini" / "en").exists()


# --- 4. every file the build reads from a city is a regular file inside it --------------------


def test_a_fifo_named_as_an_image_by_a_template_is_an_error_at_its_line(project: Path) -> None:
    os.mkfifo(project / "cities" / "mini" / "pipe.png")
    city_template(project, '<p>back</p>\n<p><img src="pipe.png" alt=""></p>\n')
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    assert errors_of(err) == [
        "cities/mini/templates/_back.html:2:4: error: template: a FIFO, not a regular file: "
        "src='pipe.png'"
    ]


@pytest.mark.slow
def test_the_pdf_build_never_opens_a_fifo_a_template_names_at_run_time(project: Path) -> None:
    """Break 4: the PDF fetcher checked that a file lay inside the city, not that it was a
    regular file, and opening a FIFO waits for a writer for ever. The test watches the
    FIFO: the moment a reader opens it, the build has broken the rule."""
    fifo = project / "cities" / "mini" / "pipe.png"
    os.mkfifo(fifo)
    city_template(project, "<p>back</p>\n<p><img src=\"{{ 'pipe' ~ '.png' }}\" alt=\"\"></p>\n")
    proc = cli_process(project, "build", "mini", "--format", "pdf", "--lang", "en", "-j", "1")
    opened = False
    while proc.poll() is None and not opened:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # succeeds once someone reads
        except OSError:
            time.sleep(0.01)  # look again (a poll, not a limit)
            continue
        opened = True
        os.close(fd)  # the reader sees the end of the file and the build goes on
    out, err = proc.communicate()
    assert not opened, "the build opened the FIFO"
    assert proc.returncode == 0, err
    assert "pipe.png" in err and "a FIFO, not a regular file" in err  # the warning says so
    assert (project / "build" / "mini" / "mini-en.pdf").is_file()


# --- 5. translations are text -------------------------------------------------------------


HOSTILE_MSGSTR = 'Содержание<script>alert(1)</script><img src=x onerror="alert(2)">'


def _hostile_catalogues(tmp_path: Path) -> tuple[Path, int]:
    """A copy of ``locales/`` whose Russian "Contents" carries markup; the msgstr's line."""
    folder = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", folder, ignore=shutil.ignore_patterns("*.mo"))
    po = folder / "ru" / "LC_MESSAGES" / "messages.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    at = lines.index('msgid "Contents"') + 1
    assert lines[at] == 'msgstr "Содержание"'
    lines[at] = "msgstr " + '"' + HOSTILE_MSGSTR.replace('"', '\\"') + '"'
    po.write_text("\n".join(lines), encoding="utf-8")
    return folder, at + 1


def test_markup_in_a_translation_never_reaches_an_edition_and_locales_check_names_its_line(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    """Break 5: newstyle gettext marked every msgstr safe; this one landed three times, raw."""
    folder, line = _hostile_catalogues(tmp_path)
    monkeypatch.setenv("PROFILES_GEN_LOCALES", str(folder))
    monkeypatch.setenv("PROFILES_GEN_CACHE", str(tmp_path / "cache"))
    status, _, err = build_html(project, "--lang", "ru")
    assert status == 0, err
    html = edition(project, "ru").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "onerror" not in html
    status, _, err = run_cli(["locales", "check", "--lang", "ru"], project)
    assert status == 1
    po = folder / "ru" / "LC_MESSAGES" / "messages.po"
    shown = os.path.relpath(po, project)
    [problem] = [e for e in err.splitlines() if e.startswith(f"{shown}:{line}: error: Contents:")]
    assert "markup" in problem


def test_a_translation_is_escaped_even_where_the_catalogue_check_is_bypassed(
    tmp_path: Path,
) -> None:
    """The compiled catalogue leaves out a translation with markup; a catalogue compiled by
    another tool still carries it, and the templates escape it."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    from profiles_gen.i18n.formatter import Formatter
    from profiles_gen.render.environment import make_environment

    catalog = Catalog(locale="ru")
    catalog.add("Contents", HOSTILE_MSGSTR)
    catalog.add("%(n)s of %(m)s", "%(n)s из <b>%(m)s</b>")
    mo = tmp_path / "messages.mo"
    with mo.open("wb") as fh:
        write_mo(fh, catalog)
    with mo.open("rb") as fh:
        translations = Translations(fh)
    env = make_environment(None, Formatter("ru", translations))
    template = env.from_string(
        '<h2 title="{{ _("Contents") }}">{{ _("Contents") }}</h2>'
        "<p>{% trans n='<i>', m=3 %}{{ n }} of {{ m }}{% endtrans %}</p>"
    )
    html = template.render()
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "Содержание&lt;script&gt;" in html and "onerror=&#34;alert(2)&#34;" in html
    assert "&lt;i&gt; из &lt;b&gt;3&lt;/b&gt;" in html


# --- 6, 7. no command writes onto its sources -----------------------------------------------


def _workbook_of_targets(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Targets"
    sheet.append(["code", "target", "source", "kind"])
    sheet.append(["EC-ICT-ICT-1C", 100, "A plan", "city"])
    book.save(path)
    return path


@pytest.mark.parametrize(
    "case",
    [
        "export onto kpis.yaml",
        "export onto a device",
        "export into a city",
        "targets onto a city",
        "targets onto a link",
        "import onto a linked kpis.yaml",
        "schema into a city",
    ],
)
def test_a_command_that_writes_refuses_its_sources_and_what_it_does_not_own(
    project: Path, tmp_path: Path, case: str
) -> None:
    """Break 6: ``export-xlsx --out cities/x/kpis.yaml`` replaced the city's data."""
    city = project / "cities" / "mini"
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("# someone else's\n")
    book = _workbook_of_targets(tmp_path / "targets.xlsx")
    argv, kept = {
        "export onto kpis.yaml": (["export-xlsx", "mini", "--out", "cities/mini/kpis.yaml"], None),
        "export onto a device": (["export-xlsx", "mini", "--out", "/dev/null"], None),
        "export into a city": (
            ["export-xlsx", "mini", "--out", "cities/mini/data.xlsx"],
            city / "data.xlsx",
        ),
        "targets onto a city": (
            ["targets", "import", str(book), "--set", "x", "--out", "cities/mini/x.yaml"],
            city / "x.yaml",
        ),
        "targets onto a link": (
            ["targets", "import", str(book), "--set", "x", "--out", str(tmp_path / "link.yaml")],
            None,
        ),
        "import onto a linked kpis.yaml": (["import-xlsx", str(book), "mini"], None),
        "schema into a city": (["schema", "--out", "cities/mini"], city / "city.schema.json"),
    }[case]
    if case == "targets onto a link":
        (tmp_path / "link.yaml").symlink_to(elsewhere)
    if case == "import onto a linked kpis.yaml":
        (city / "kpis.yaml").rename(tmp_path / "kpis.yaml")
        (city / "kpis.yaml").symlink_to(tmp_path / "kpis.yaml")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    status, out, err = run_cli(argv, project)
    assert status == 2, (out, err)
    assert err.startswith(f"profiles-gen {argv[0]}") and ": error: " in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    assert elsewhere.read_text() == "# someone else's\n"
    assert kept is None or not kept.exists()


@pytest.mark.parametrize("case", ["the city folder", "a file", "the project"])
def test_serve_refuses_an_out_in_its_sources_or_onto_a_file(project: Path, case: str) -> None:
    """Break 7: ``serve --out`` was never checked (pointed at the city folder it published
    the edition into the sources and served kpis.yaml). Run as a process: a server that
    starts is a failure, and is stopped."""
    (project / "afile").write_text("keep me")
    out = {"the city folder": "cities/mini", "a file": "afile", "the project": "."}[case]
    proc = cli_process(project, "serve", "mini", "--port", "0", "--out", out)
    started = False
    for line in proc.stdout:
        if line.startswith(("serving", "built")):
            started = True
            proc.kill()
    _, err = proc.communicate()
    assert not started, "the server started"
    assert proc.returncode == 2, err
    assert err.startswith(f"profiles-gen serve: error: --out {out}: ") and "Traceback" not in err
    assert (project / "afile").read_text() == "keep me"
    assert not (project / "cities" / "mini" / "mini").exists()
    assert not (project / "build").exists()


# --- 8. workbooks are read by the rows they hold ----------------------------------------------


def _declare(book: Path, ref: str) -> None:
    """Rewrite every sheet's declared ``<dimension>`` to ``ref``, as a hostile file may."""
    rewritten = book.with_suffix(".tmp")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data, n = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
                if b"<dimension" not in data:
                    data = data.replace(
                        b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1
                    )
            dst.writestr(info, data)
    rewritten.replace(book)


def test_a_workbook_is_read_by_its_rows_not_the_dimension_it_declares(project: Path) -> None:
    """Break 8: a sheet declaring A1:T2 imported one record and dropped the rest silently."""
    book = project / "mini.xlsx"
    assert run_cli(["export-xlsx", "mini", "--out", str(book)], project)[0] == 0
    kpis = project / "cities" / "mini" / "kpis.yaml"
    before = kpis.read_text(encoding="utf-8")
    _declare(book, "A1:T2")
    status, out, err = run_cli(["import-xlsx", str(book), "mini"], project)
    assert status == 0, err
    assert out.strip().endswith(": 7 KPI records"), out
    assert kpis.read_text(encoding="utf-8").count("year: 2021") == before.count("year: 2021")


def test_rows_past_the_declared_dimension_count_toward_the_cap(project: Path) -> None:
    from openpyxl import load_workbook

    book = project / "mini.xlsx"
    assert run_cli(["export-xlsx", "mini", "--out", str(book)], project)[0] == 0
    loaded = load_workbook(book)
    sheet = loaded["KPIs"]
    for n in range(6000):
        sheet.cell(row=sheet.max_row + 1, column=1, value=f"filler {n}")
    loaded.save(book)
    _declare(book, "A1:T2")
    status, _, err = run_cli(["import-xlsx", str(book), "mini"], project)
    assert status == 1 and "Traceback" not in err
    assert "more than 5000 rows" in err


def test_a_targets_workbook_is_read_by_its_rows_too(project: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = tmp_path / "targets.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Targets"
    sheet.append(["code", "target", "source", "kind"])
    sheet.append(["EC-ICT-ICT-1C", 100, "A plan", "city"])
    sheet.append(["EC-ICT-ICT-2C", 90, "A plan", "city"])
    sheet.append(["EC-I-WS-3C", 10, "A plan", "city"])
    workbook.save(book)
    _declare(book, "A1:D2")
    out = tmp_path / "set.yaml"
    status, printed, err = run_cli(
        ["targets", "import", str(book), "--set", "x", "--out", str(out)], project
    )
    assert status == 0, err
    assert printed.strip().endswith(": 3 targets"), printed


# --- 9. validate refuses what the later stages cannot handle ------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "message"),
    [
        (
            "city.yaml",
            "name: {en: Miniville,",
            'name: {en: "Test\\uD800ville",',
            "cities/mini/city.yaml:1:12",
            "U+D800 (a lone surrogate) is not text",
        ),
        (
            "kpis.yaml",
            "EC-ICT-ICT-2C: {value: 57.0, year: 2021, source: Test regulator}",
            'EC-ICT-ICT-2C: {value: 57.0, year: 2021, source: "\\uDFFF"}',
            "cities/mini/kpis.yaml:2:50",
            "U+DFFF (a lone surrogate) is not text",
        ),
        (
            "kpis.yaml",
            "source: Test survey,",
            'source: "Test \\uFFFE survey",',
            "cities/mini/kpis.yaml:1:48",
            "U+FFFE (a noncharacter) is not text",
        ),
        (
            "narrative/en/10-overview.md",
            " and household",
            " and \ufdd0 household",
            "cities/mini/narrative/en/10-overview.md:6:38",
            "U+FDD0 (a noncharacter) is not text",
        ),
        (
            "kpis.yaml",
            "target: 100, target_source: Test plan}\nEC-ICT-ICT-2C",
            "target: 1e-30, target_source: Test plan}\nEC-ICT-ICT-2C",
            "cities/mini/kpis.yaml:1:69",
            "30 decimal places",
        ),
        (
            "kpis.yaml",
            "{value: 57.0,",
            "{value: 57.0000000000000000000000000001,",
            "cities/mini/kpis.yaml:2:24",
            "significant digits",
        ),
        (
            "kpis.yaml",
            "EC-ICT-ICT-2C:",
            "EC-ICT-ICT-5A: {value: 10000000, year: 2021, source: s, target: 0.000000001, "
            "target_source: t}\nEC-ICT-ICT-2C:",
            "cities/mini/kpis.yaml:2:65",
            "the achievement of 10000000 against its target would be 1.00E+16",
        ),
    ],
)
def test_validate_refuses_what_the_build_cannot_handle_at_its_position(
    project: Path, file: str, old: str, new: str, where: str, message: str
) -> None:
    """Break 9: a lone surrogate crashed matplotlib and the UTF-8 of every output, a target
    of 1e-30 the formatting of the achievement; validate said valid."""
    path = project / "cities" / "mini" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1, err
    assert "Traceback" not in err
    errors = errors_of(err)
    assert any(e.startswith(where) and message in e for e in errors), errors
    for command in (["score", "mini"], ["build", "mini", "--format", "html", "-j", "1"]):
        status, _, err = run_cli(command, project)
        assert status == 1 and "Traceback" not in err


# --- 10. SVG from a city ----------------------------------------------------------------------


HOSTILE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<script>alert(document.domain)</script>
<rect width="10" height="10" onclick="alert(1)"/>
<image xlink:href="https://tracker.example/p.png" width="1" height="1"/>
<foreignObject width="9" height="9"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>
<set attributeName="onmouseover" to="alert(2)"/>
</svg>
"""


def test_an_svg_with_script_or_external_references_is_refused_at_its_lines(
    project: Path,
) -> None:
    """Break 10: an SVG with ``<script>`` was copied as it was and served as image/svg+xml."""
    images = project / "cities" / "mini" / "images"
    images.mkdir()
    (images / "map.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    (images / "fine.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
        '<rect width="1" height="1" fill="url(#g)"/></svg>',
        encoding="utf-8",
    )
    status, _, err = run_cli(["validate", "mini"], project)
    assert status == 1
    where = [e.split(": error: ")[0] for e in errors_of(err)]
    assert where == [f"cities/mini/images/map.svg:{n}:1" for n in (2, 3, 4, 5, 6)], err
    status, _, err = build_html(project)
    assert status == 1 and "Traceback" not in err
    assert not (project / "build" / "mini" / "en").exists()


def test_the_pdf_fetcher_serves_no_svg_that_holds_script(tmp_path: Path) -> None:
    from profiles_gen.publish.pdf import safe_fetcher

    (tmp_path / "map.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    (tmp_path / "fine.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    fetcher = safe_fetcher([tmp_path])
    assert fetcher.fetch((tmp_path / "fine.svg").as_uri()).read().startswith(b"<svg")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch((tmp_path / "map.svg").as_uri())


# --- 11. serve ----------------------------------------------------------------------------


SLUG = 'q"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_server(project: Path):
    """``serve`` of a city whose folder name is markup, as a process."""
    city = project / "cities" / SLUG
    (project / "cities" / "mini").rename(city)
    proc = cli_process(project, "serve", f"cities/{SLUG}", "--port", "0")
    try:
        url = None
        for line in proc.stdout:
            found = re.search(r"serving .* at (http://127\.0\.0\.1:\d+/en/)", line)
            if found:
                url = found.group(1)
                break
        assert url, proc.stderr.read()
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _request(url: str, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    import http.client

    host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=1800)
    try:
        conn.putrequest("GET", path, skip_host=True)
        for name, value in ({"Host": f"{host}:{port}"} | (headers or {})).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def test_serve_answers_only_its_own_host_and_own_pages(hostile_server) -> None:
    """Break 11: any Host got 200 (DNS rebinding), a cross-site GET of the PDF started a
    build, ``/en/%00`` dropped the connection with a traceback, and the folder's name was
    written unescaped into the bar's ``href``."""
    proc, url = hostile_server
    status, headers, page = _request(url, "/en/")
    assert status == 200
    assert CSP in headers["Content-Security-Policy"]
    assert "<img src=x" not in page and 'href="/q%22%3E%3Cimg' in page
    assert not [s for s in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S) if s.strip()]
    assert _request(url, "/__serve/live.js")[0] == 200
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        assert _request(url, "/en/", {"Host": host})[0] == 400
    for path in ("/en/%00", "/en/%ff%fe", "/en/%0d%0aX:%20y"):
        assert _request(url, path)[0] == 400
    pdf = "/" + SLUG.replace('"', "%22").replace(" ", "%20") + "-en.pdf"
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Referer": "http://evil.example/"}):
        assert _request(url, pdf, headers)[0] == 403
    assert _request(url, "/en/")[0] == 200  # still serving
    proc.send_signal(__import__("signal").SIGINT)
    out, err = proc.communicate()
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert "building the PDF" not in out


def test_serve_answers_200_concurrent_requests(hostile_server) -> None:
    import threading
    import urllib.request

    _, url = hostile_server
    results: list = []

    def get() -> None:
        try:
            with urllib.request.urlopen(url, timeout=1800) as response:
                response.read()
                results.append(response.status)
        except OSError as exc:
            results.append(repr(exc))

    threads = [threading.Thread(target=get) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 200, [r for r in results if r != 200][:5]


# --- 12. every exit is one line -----------------------------------------------------------


def _square(n: int) -> int:
    return n * n


def test_stopping_the_worker_pool_waits_for_its_management_thread() -> None:
    """Break 12: stopping the pool without waiting raced the executor's thread, which then
    replaced a finished worker in a table already cleared: a TypeError on the way out."""
    import concurrent.futures.process as executor
    import threading

    from profiles_gen.build.workers import WorkerPool

    raised: list = []
    hook = threading.excepthook
    threading.excepthook = lambda args: raised.append(args.exc_value)
    try:
        for _ in range(3):
            pool = WorkerPool(2)
            futures = [pool.submit(_square, n) for n in range(6)]
            assert futures[0].result() == 0  # its worker ends: one task per worker
            pool.stop()
            running = [
                t
                for t in threading.enumerate()
                if isinstance(t, executor._ExecutorManagerThread) and t.is_alive()
            ]
            for thread in running:
                thread.join()
            assert not running, "the pool's management thread outlived stop()"
    finally:
        threading.excepthook = hook
    assert raised == []


def _one_line(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: " not in line]


def test_a_file_size_limit_ends_the_build_with_one_line(project: Path) -> None:
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    proc = cli_process(project, "build", "mini", "-j", "2", "-q", preexec_fn=limit)
    _, err = proc.communicate()
    assert proc.returncode == 1
    [line] = _one_line(err)
    # The first file to pass the limit: an output, or a chart in the cache of the run.
    assert re.match(r"error: file too large writing /\S+ \(the file size limit", line), err
    assert not [p for p in (project / "build" / "mini").rglob("*") if ".tmp" in p.name]


def test_a_full_disk_ends_the_build_with_one_line(project: Path) -> None:
    """A full disk, made with a tmpfs of 400 kB in a namespace of the test's own."""
    out = project / "small"
    out.mkdir()
    command = (
        f"mount -t tmpfs -o size=400k tmpfs {out} && "
        f"exec {sys.executable} -m profiles_gen build mini -j 2 -q --out {out}"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    [line] = _one_line(done.stderr)
    assert line.startswith(f"error: disk full writing {out}/"), done.stderr
