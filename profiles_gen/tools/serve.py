"""``profiles-gen serve``: the author's live preview of the HTML edition.

The HTML edition of one city (or volume) is built into the ordinary output
folder and served on 127.0.0.1 with the site's paths (``/<lang>/``, the PDF and
the data beside them, ``/<slug>-<lang>.pdf``, and the site's shared
``/assets/``). The city folder, the templates, the translation catalogues and
the KPI catalogue are watched (``watchfiles``); a change rebuilds only the HTML
edition, in this process (only what changed is rendered again, charts come from
their cache) and every open page reloads through server-sent events. A build
that fails keeps the last good edition on the page with its
``path:line:col: error: …`` lines over it, and the next good save takes them
away. The PDF is built on demand, in a separate process, when its link is
followed.

What makes a page live (the reload script, the bar and the errors) is added
to the page as it is served, never to the files written: the published edition
is byte for byte what ``profiles-gen build`` writes.

The preview is for the author's own browser and nothing else: it answers only
requests addressed to ``localhost`` or ``127.0.0.1`` on its port (a page of
another site that rebinds a name of its own to 127.0.0.1 gets 400), builds the
PDF only for a request from its own pages (or typed in the address bar: never
for another site's link or image), answers a malformed path with 400, serves
each request in a thread of its own with a timeout, and sends every response
with the site's Content-Security-Policy; its reload script is a file
(``/__serve/live.js``), never inline, and every name it writes into a page is
escaped.
"""

from __future__ import annotations

import html
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from profiles_gen.build.pipeline import build_cities
from profiles_gen.build.plan import BuildOptions
from profiles_gen.core.errors import ProfileError
from profiles_gen.core.paths import TEMPLATES_DIR
from profiles_gen.data import catalogue
from profiles_gen.data.catalogue import CATALOGUE_PATH
from profiles_gen.i18n import messages
from profiles_gen.i18n.messages import locales_dir
from profiles_gen.render.environment import content_security_policy

EVENTS = "/__serve/events"
LIVE_JS = "/__serve/live.js"
MARK = "<!-- profiles-gen serve -->"
# The reload script: reload when a build newer than the page's is announced.
LIVE_SCRIPT = """(function () {
  var me = document.currentScript, g = +me.getAttribute("data-generation");
  var s = new EventSource(me.getAttribute("data-events"));
  s.addEventListener("build", function (e) {
    if (+e.data !== g) { s.close(); location.reload(); }
  });
})();
"""
TIMEOUT = 60  # seconds a connection may stay silent (the events stream writes every 15 s)
IGNORED_SUFFIXES = (".mo", ".pyc", ".tmp", ".swp", ".swo", ".swx", ".bak", ".orig", ".rej", "~")
# Editors' temporaries and backups, never a source: sed -i's sedXXXXXX, vim's write
# test 4913 (and its swap files, hidden), Emacs's #autosave# (its .#locks are hidden).
EDITOR_TEMPORARY = re.compile(r"sed[A-Za-z0-9]{6}|4913|#.*#|.*\.kate-swp")


@dataclass
class State:
    """What the server shows: the generation of the last build and its errors."""

    generation: int = 0
    errors: list[str] = field(default_factory=list)
    built: bool = False  # a good HTML edition exists
    pdf: dict[str, dict] = field(default_factory=dict)  # lang -> {"generation", "errors"}
    closing: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, **changes) -> None:
        with self.cond:
            for key, value in changes.items():
                setattr(self, key, value)
            self.generation += 1
            self.cond.notify_all()


def snippet(state: State, slug: str, lang: str) -> str:
    """The live part of a served page: reload on a new build, the bar, the errors."""
    pdf = html.escape(quote(f"/{slug}-{lang}.pdf"), quote=True)
    bar = (
        '<div id="pg-serve-bar" style="position:fixed;z-index:2147483647;right:0;bottom:0;'
        "background:#1d3557;color:#fff;font:14px/1.4 sans-serif;padding:.3em .8em;"
        'border-top-left-radius:.4em">'
        f"live preview of {html.escape(slug)} [{html.escape(lang)}] · "
        f'<a style="color:#fff" href="{pdf}">build the PDF</a></div>'
    )
    errors = ""
    if state.errors:
        lines = html.escape("\n".join(state.errors))
        errors = (
            '<div id="pg-serve-errors" role="alert" style="position:fixed;z-index:2147483647;'
            "top:0;left:0;right:0;max-height:60vh;overflow:auto;background:#fff0f0;"
            'color:#8b0000;border-bottom:3px solid #c00;font:14px/1.4 monospace;padding:1em">'
            "<p><strong>The last change could not be built"
            + (" (the page shows the last good build)" if state.built else "")
            + f':</strong></p><pre style="white-space:pre-wrap">{lines}</pre></div>'
        )
    script = (
        f'<script src="{LIVE_JS}" data-generation="{int(state.generation)}" '
        f'data-events="{EVENTS}"></script>'
    )
    return f"{MARK}{bar}{errors}{script}"


def inject(page: str, extra: str) -> str:
    """``extra`` just before ``</body>`` (or at the end of a page without one)."""
    at = page.rfind("</body>")
    return page + extra if at < 0 else page[:at] + extra + page[at:]


class Preview:
    """The state of a serve session: builds, the watcher, the PDF processes."""

    def __init__(self, city_dir: Path, out_root: Path, langs: list[str], log=print) -> None:
        self.city_dir = city_dir
        self.out_root = out_root
        self.langs = langs
        self.log = log
        self.state = State()
        self.slug = city_dir.name
        self.build_lock = threading.Lock()
        self.pdf_procs: dict[str, subprocess.Popen] = {}
        self.stop = threading.Event()
        self.sources = 0  # batches of changes seen: a PDF is built again only after one
        self.watching = threading.Event()  # set once the watcher sees every change

    # --- building -----------------------------------------------------------------

    def build(self) -> bool:
        """Build the HTML edition in-process; publish the result (or the errors)."""

        started = time.perf_counter()
        opts = BuildOptions(langs=tuple(self.langs), formats=("html",), jobs=1)
        with self.build_lock:
            try:
                [result] = build_cities([self.city_dir], self.out_root, opts)
            except ProfileError as exc:
                lines = [
                    i.format(Path.cwd()) if i.path else f"error: {i.message}" for i in exc.issues
                ]
                self.state.publish(errors=lines)
                self.log(f"build failed: {len(exc.errors)} error(s); still serving")
                for line in lines:
                    self.log(line)
                return False
            except Exception:  # a bug: show it on the page and keep serving
                text = traceback.format_exc()
                self.state.publish(errors=[text])
                self.log(text.rstrip())
                return False
        self.slug = result.city.slug
        self.state.publish(errors=[], built=True)
        self.log(f"built the HTML edition in {time.perf_counter() - started:.2f} s")
        return True

    def relevant(self, path: str) -> bool:
        p = Path(path)
        if p.name.startswith(".") or p.name.endswith(IGNORED_SUFFIXES):
            return False  # hidden (.*.swp, .#locks) or a backup, temporary, compiled file
        if EDITOR_TEMPORARY.fullmatch(p.name):
            return False
        if "__pycache__" in p.parts:
            return False
        try:
            p.resolve().relative_to(self.out_root.resolve())
            return False  # our own output
        except ValueError:
            return True

    def watched(self) -> list[Path]:

        paths = [self.city_dir, TEMPLATES_DIR, locales_dir(), CATALOGUE_PATH.parent]
        return [p for p in dict.fromkeys(paths) if p.exists()]

    def watch(self) -> None:
        """Rebuild on every batch of changes until ``stop`` is set."""
        from watchfiles import watch  # watchfiles: only while serving

        for changes in watch(
            *self.watched(),
            stop_event=self.stop,
            watch_filter=lambda _change, path: self.relevant(path),
            debounce=200,
            step=50,
            rust_timeout=500,
            yield_on_timeout=True,  # an empty batch: the watches are in place
            raise_interrupt=False,
        ):
            if not changes:
                self.watching.set()
                continue
            names = sorted({os.path.relpath(p) for _, p in changes})
            self.log(f"changed: {', '.join(names)}")
            self._forget_cached(p for _, p in changes)
            self.sources += 1
            self.build()

    @staticmethod
    def _forget_cached(paths) -> None:
        """Catalogues read once per process are read again when their files change."""

        for path in paths:
            if path.endswith((".po", ".pot")):
                messages._translations.cache_clear()
            if path.endswith(".yaml") and Path(path).parent == catalogue.CATALOGUE_PATH.parent:
                catalogue._load.cache_clear()

    # --- the PDF, on demand -----------------------------------------------------

    def pdf_status(self, lang: str) -> str:
        """``ready``, ``building`` (started now if needed) or ``failed``."""
        proc = self.pdf_procs.get(lang)
        if proc is not None and proc.poll() is None:
            return "building"
        entry = self.state.pdf.get(lang)
        pdf = self.out_root / self.slug / f"{self.slug}-{lang}.pdf"
        if entry and entry["source"] == self.sources and not self.stop.is_set():
            if entry["errors"]:
                return "failed"
            if pdf.is_file():
                return "ready"
        if self.stop.is_set():
            return "failed"
        self._start_pdf(lang)
        return "building"

    def _start_pdf(self, lang: str) -> None:
        cmd = [
            sys.executable,
            "-m",
            "profiles_gen",
            "build",
            str(self.city_dir),
            "--out",
            str(self.out_root),
            "--format",
            "pdf",
            "--lang",
            lang,
            "-q",
            "-j",
            "1",
        ]
        self.log(f"building the PDF [{lang}]")
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path.cwd()
        )
        self.pdf_procs[lang] = proc
        source = self.sources

        def wait() -> None:
            _, err = proc.communicate()
            errors = [] if proc.returncode == 0 else (err.strip().splitlines() or ["failed"])
            self.state.pdf[lang] = {"source": source, "errors": errors}
            self.log(f"PDF [{lang}] " + ("built" if not errors else "failed"))
            self.state.publish()

        threading.Thread(target=wait, daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        with self.state.cond:
            self.state.closing = True
            self.state.cond.notify_all()
        for proc in self.pdf_procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # the build removes its temporary files
        for proc in self.pdf_procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


class BadRequestError(Exception):
    """A request the preview does not answer: (status, reason)."""


def make_handler(preview: Preview):
    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        timeout = TIMEOUT  # a connection that says nothing is closed

        def __init__(self, *args, **kw):
            super().__init__(*args, directory=str(preview.out_root / preview.slug), **kw)

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # quiet: the console shows builds, not requests

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", content_security_policy())
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def do_HEAD(self):  # noqa: N802 - the base class's name
            try:
                self._checked_path()
            except BadRequestError as exc:
                return self.send_error(*exc.args)
            return super().do_HEAD()

        def translate_path(self, path: str) -> str:
            # The site's shared stylesheet, script and fonts (build/assets/), which every
            # edition refers to as ../../assets/: /assets/ here, as on the site.
            if urlsplit(path).path.startswith("/assets/"):
                shared = super().translate_path(path[len("/assets") :])
                relative = os.path.relpath(shared, self.directory)
                return str(preview.out_root / "assets" / relative)
            return super().translate_path(path)

        def do_GET(self):  # noqa: N802 - the base class's name
            try:
                path = self._checked_path()
            except BadRequestError as exc:
                return self.send_error(*exc.args)
            lang = self._lang(path)
            if path == EVENTS:
                return self._events()
            if path == LIVE_JS:
                return self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT)
            if path == "/":
                return self._redirect(f"/{quote(preview.langs[0])}/")
            pdf = next(
                (code for code in preview.langs if path == f"/{preview.slug}-{code}.pdf"), None
            )
            if pdf is not None:
                if not self._same_origin():
                    return self.send_error(403, "The PDF is built only for the preview's pages")
                status = preview.pdf_status(pdf)
                if status == "building":
                    return self._page(
                        200, f"Building the PDF [{pdf}]…", pdf, "This page opens it when ready."
                    )
                if status == "failed":
                    errors = preview.state.pdf.get(pdf, {}).get("errors", [])
                    return self._page(500, "The PDF could not be built", pdf, "\n".join(errors))
                return super().do_GET()
            target = Path(self.translate_path(path))
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                page = target.read_text(encoding="utf-8")
                live = snippet(preview.state, preview.slug, lang)
                return self._send_html(200, inject(page, live))
            if target.suffix == ".html" and preview.state.errors:
                return self._page(500, "The edition could not be built", lang, "")
            return super().do_GET()

        def _checked_path(self) -> str:
            """The request's path, for a request addressed to this preview; else
            ``BadRequestError``: another host name (DNS rebinding), or a path that is not one
            (a NUL, a control character, a percent-escape that is not UTF-8)."""
            host = (self.headers.get("Host") or "").strip().lower()
            port = self.server.server_address[1]
            if host not in {f"localhost:{port}", f"127.0.0.1:{port}", "localhost", "127.0.0.1"}:
                raise BadRequestError(400, "The preview answers only localhost and 127.0.0.1")
            raw = urlsplit(self.path).path
            try:
                path = unquote(raw, errors="strict")
            except UnicodeDecodeError:
                raise BadRequestError(400, "Malformed path") from None
            if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in path):
                raise BadRequestError(400, "Malformed path")
            return path

        def _same_origin(self) -> bool:
            """Whether the request comes from the preview's own pages or the address bar."""
            site = self.headers.get("Sec-Fetch-Site")
            if site is not None:
                return site in ("same-origin", "none")
            origin = f"http://{self.headers.get('Host', '')}"
            for name in ("Origin", "Referer"):
                value = self.headers.get(name)
                if value and not (value == origin or value.startswith(origin + "/")):
                    return False
            return True

        def _lang(self, path: str) -> str:
            first = path.strip("/").split("/")[0]
            return first if first in preview.langs else preview.langs[0]

        def _page(self, status: int, title: str, lang: str, text: str) -> None:
            body = (
                f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title></head><body>"
                f"<h1>{html.escape(title)}</h1><pre>{html.escape(text)}</pre></body></html>"
            )
            self._send_html(status, inject(body, snippet(preview.state, preview.slug, lang)))

        def _send_html(self, status: int, text: str) -> None:
            self._send(status, "text/html; charset=utf-8", text)

        def _send(self, status: int, kind: str, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _events(self) -> None:
            """Server-sent events: the generation of the current build, at once and on change."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            state = preview.state
            seen = None
            try:
                while True:
                    with state.cond:
                        last = seen
                        state.cond.wait_for(
                            lambda last=last: state.closing or state.generation != last,
                            timeout=15,
                        )
                        if state.closing:
                            return
                        current = state.generation
                    if current != seen:
                        self.wfile.write(f"event: build\ndata: {current}\n\n".encode())
                        seen = current
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


class Server(http.server.ThreadingHTTPServer):
    """A thread per request; many connections may wait to be accepted at once."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def serve(city_dir: Path, out_root: Path, langs: list[str], port: int, log=print) -> int:
    """Build, serve and watch until SIGINT or SIGTERM; return the exit status."""
    preview = Preview(city_dir, out_root, langs, log)
    stopping = threading.Event()

    def stop(signum, frame) -> None:
        stopping.set()

    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = Server(("127.0.0.1", port), make_handler(preview))  # a taken port: at once
        host, real_port = server.server_address[:2]
        # Watch first, so that no save between the first build and the first look is missed.
        watcher = threading.Thread(target=_watch, args=(preview,), name="watch", daemon=True)
        watcher.start()
        while not preview.watching.wait(0.5) and watcher.is_alive() and not stopping.is_set():
            pass
        preview.build()
        log(f"serving {preview.slug} at http://{host}:{real_port}/{langs[0]}/ (Ctrl-C to stop)")
        threads = [
            threading.Thread(target=server.serve_forever, name="serve", daemon=True),
            watcher,
        ]
        threads[0].start()
        while not stopping.wait(0.5):
            pass
        log("stopping")
        preview.close()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=30)
        log("stopped")
        return 0
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _watch(preview: Preview) -> None:
    try:
        preview.watch()
    except Exception:  # the watcher must not die silently: say so, keep serving
        preview.log(traceback.format_exc().rstrip())
