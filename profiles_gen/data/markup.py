"""What markup from outside may hold: the rules of narrative, for templates, pages and SVG.

Narrative is sanitised with nh3 (``render.markdown``). A city's own templates write
HTML directly, so the same rules are checked on them instead, at their lines
(``template_problems``, run by ``validate``), and once more on every page an edition
renders from them (``page_problems``, in ``render.environment``), which sees what the
template built at run time: no ``<script>`` but the publication's own file, no event
handler (``on…``), no ``javascript:`` URL, no frame, object, embed, ``<base>`` or
refresh, no remote resource (unless the build fetches them, ``--allow-remote``).
Every page of the site also carries a Content-Security-Policy that allows no inline
script, as a second wall.

SVG from a city folder (images shown by narrative or templates) is checked by
``svg_problems``: no script, event handler, ``foreignObject``, animation of a link or
handler, external reference (``href`` other than ``#id`` or an embedded raster image,
``url()`` or ``@import`` in CSS, an ``xml-stylesheet``), and no DOCTYPE with
declarations of its own (entities). Such a file is refused with its line, not cleaned:
the author keeps one version of the picture and knows what to change.

A translation is text: ``MARKUP_RE`` finds a tag or an entity in one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat

from profiles_gen.core.errors import ProfileError
from profiles_gen.data.load import folder_files, read_file_bytes
from profiles_gen.data.narrative import RESOURCE_ATTRIBUTES, _css_urls

# A tag (``<`` then a letter, ``/``, ``!`` or ``?``: what starts one for a browser) or an
# entity; ``< 250 employees`` is text.
MARKUP_RE = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")

REFUSED_ELEMENTS = {
    "script": "a <script> element",
    "iframe": "an <iframe>",
    "frame": "a <frame>",
    "frameset": "a <frameset>",
    "object": "an <object>",
    "embed": "an <embed>",
    "applet": "an <applet>",
    "base": "a <base> element",
    "portal": "a <portal>",
}
ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion", "animatecolor"}
URL_ATTRIBUTES = RESOURCE_ATTRIBUTES | {"href", "action", "cite", "ping", "manifest"}
LINK_TAGS = {"a", "area"}
# Placeholder for what a template computes (``{{ … }}``, ``{% … %}``): unknown until it runs.
DYNAMIC = "\ue000"
DATA_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


def script_url(value: str) -> str | None:
    """``value`` as a browser reads a URL scheme: ``javascript:`` and the like, or None."""
    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
    for scheme in ("javascript:", "vbscript:", "livescript:"):
        if squeezed.startswith(scheme):
            return scheme
    if squeezed.startswith("data:") and not squeezed.startswith(DATA_IMAGES):
        return "data:"
    return None


class _Rules(HTMLParser):
    """Problems of an HTML text: (line, column, message)."""

    def __init__(self, resource, scripts: frozenset[str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.resource = resource  # url -> problem or None
        self.scripts = scripts or frozenset()
        self.problems: list[tuple[int, int, str]] = []
        self._in: str | None = None

    def _add(self, message: str) -> None:
        line, offset = self.getpos()
        self.problems.append((line, offset + 1, message))

    def _url(self, name: str, value: str) -> None:
        if DYNAMIC in value:
            return  # computed when the template renders: the page's check sees it
        problem = self.resource(value.strip())
        if problem:
            self._add(f"{problem}: {name}={value.strip()!r}")

    def handle_starttag(self, tag, attrs) -> None:
        self._in = tag if tag in ("style", "script") else None
        if DYNAMIC in tag:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            src = values.get("src", "")
            if not src or (DYNAMIC not in src and src not in self.scripts):
                self._add("a <script> element (only the publication's own script may run)")
        elif tag in REFUSED_ELEMENTS:
            self._add(f"{REFUSED_ELEMENTS[tag]} (a page of the edition shows no other page)")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() in (
            "refresh",
            "set-cookie",
        ):
            self._add("a <meta http-equiv> that refreshes the page or sets a cookie")
        if tag in ANIMATIONS:
            target = values.get("attributename", "").strip().lower()
            if target.startswith("on") or target.endswith("href"):
                self._add(f"an <{tag}> that changes {target!r}")
        for name, value in values.items():
            if DYNAMIC in name:
                continue
            if name.startswith("on"):
                self._add(f"an event handler attribute ({name}=…)")
                continue
            scheme = script_url(value) if DYNAMIC not in value else None
            if scheme and not (scheme == "data:" and name not in URL_ATTRIBUTES):
                self._add(f"a {scheme} URL: {name}={value.strip()[:60]!r}")
                continue
            if name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.split():
                        self._url(name, candidate.split()[0])
            elif name == "style":
                for url in _css_urls(value):
                    self._url("style", url)
            elif name in RESOURCE_ATTRIBUTES or (name == "href" and tag not in LINK_TAGS):
                self._url(name, value)
            elif name in ("action", "formaction", "ping", "manifest"):
                self._url(name, value)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag) -> None:
        self._in = None

    def handle_data(self, data) -> None:
        if self._in == "style":
            for url in _css_urls(data):
                self._url("url", url)
        elif self._in == "script" and data.strip():
            self._add("an inline script")

    def handle_pi(self, data) -> None:
        if data.strip().lower().startswith("xml-stylesheet"):
            self._add("an xml-stylesheet instruction")


def _scan(html: str, resource, scripts=None) -> list[tuple[int, int, str]]:
    rules = _Rules(resource, scripts)
    rules.feed(html)
    rules.close()
    return sorted(set(rules.problems))


# --- a city's templates, as written ------------------------------------------------------

_RAW_RE = re.compile(r"(\{%-?\s*raw\s*-?%\})(.*?)(\{%-?\s*endraw\s*-?%\})", re.S)
_JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", DYNAMIC, text)


def static_html(source: str) -> str:
    """A template with what it computes blanked out (same lines and columns): the HTML it
    writes as it is, whatever its data. ``{% raw %}`` blocks are kept as text."""
    out, pos = [], 0
    for raw in _RAW_RE.finditer(source):
        out.append(_JINJA_RE.sub(lambda m: _blank(m.group()), source[pos : raw.start()]))
        out += [_blank(raw.group(1)), raw.group(2), _blank(raw.group(3))]
        pos = raw.end()
    out.append(_JINJA_RE.sub(lambda m: _blank(m.group()), source[pos:]))
    return "".join(out)


def template_problems(source: str, resource) -> list[tuple[int, int, str]]:
    """What the HTML a template writes breaks of the rules, at its line and column.
    ``resource(url)`` says what is wrong with a resource the template names (the
    narrative's rule: a file inside the city folder, or remote when allowed)."""
    return _scan(static_html(source), resource)


# --- a rendered page ------------------------------------------------------------------------


def page_resource(url: str, media: str, allow_remote: bool) -> str | None:
    """A resource URL of a rendered page: inside the edition (relative), an embedded
    image, on print the project's own files (the PDF fetcher serves only those), remote
    only when the build fetches remote resources."""
    squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    if squeezed.startswith("//") or (scheme and scheme.group(1) in ("http", "https")):
        return None if allow_remote else "a remote resource"
    if scheme is None:
        return None
    if scheme.group(1) == "data":
        return None if squeezed.startswith(DATA_IMAGES) else "a data: URL"
    if scheme.group(1) == "file" and media == "print":
        return None
    return f"a {scheme.group(1)}: URL"


def page_problems(
    html: str, media: str, allow_remote: bool, scripts=()
) -> list[tuple[int, int, str]]:
    """What a rendered page breaks of the rules (``scripts``: the publication's own)."""
    return _scan(html, lambda url: page_resource(url, media, allow_remote), frozenset(scripts))


# --- SVG ------------------------------------------------------------------------------------


class _RefusedError(Exception):
    pass


SVG_REFUSED = {
    "script": "a <script>",
    "foreignobject": "a <foreignObject> (HTML inside the picture)",
    "iframe": "an <iframe>",
    "embed": "an <embed>",
    "object": "an <object>",
    "handler": "a <handler>",
    "listener": "a <listener>",
    "audio": "an <audio>",
    "video": "a <video>",
}


def svg_problems(data: bytes) -> list[tuple[int, int, str]]:
    """What an SVG file from a city holds that a picture may not: (line, column, message)."""
    problems: list[tuple[int, int, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    style = [False]

    def add(message: str) -> None:
        problems.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, message))

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:
            add("a DOCTYPE with declarations of its own (entities): save the SVG without it")
            raise _RefusedError

    def entity(*args) -> None:
        add("an entity declaration: save the SVG without it")
        raise _RefusedError

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(" ")[2].lower()
        style[0] = local == "style"
        if local in SVG_REFUSED:
            add(f"{SVG_REFUSED[local]}")
        if local in ANIMATIONS:
            target = attrs.get("attributeName", "").strip().lower()
            if target.startswith("on") or target.endswith("href"):
                add(f"an <{local}> that changes {target!r}")
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2].lower()
            if attr.startswith("on"):
                add(f"an event handler attribute ({attr}=…)")
            elif attr == "href" or attr == "src":
                ref = value.strip()
                if not ref.startswith("#") and not ref.lower().startswith(DATA_IMAGES):
                    add(f"an external reference ({attr}={ref[:60]!r}; embed what it shows)")
            elif attr == "style":
                _css(value)
            elif script_url(value) in ("javascript:", "vbscript:", "livescript:"):
                add(f"a {script_url(value)} URL ({attr}=…)")

    def _css(css: str) -> None:
        for url in _css_urls(css):
            if not url.startswith("#") and not url.lower().startswith(DATA_IMAGES):
                add(f"an external reference in CSS ({url[:60]!r})")

    def end(name: str) -> None:
        style[0] = False

    def text(data: str) -> None:
        if style[0]:
            _css(data)

    def instruction(target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            add("an xml-stylesheet instruction (an external style sheet)")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _RefusedError:
        pass
    except expat.ExpatError as exc:
        problems.append((exc.lineno, exc.offset + 1, f"not well-formed XML ({exc})"))
    return problems


def check_svg_files(folder: Path, log) -> None:
    """``validate``: every SVG file of a city or volume folder is a picture and nothing else
    (``svg_problems``), each problem at its line and column."""
    files, _ = folder_files(folder, folder)  # the others are reported where they are read
    for path in files:
        between = path.relative_to(folder).parents
        if any((folder / p / "city.yaml").is_file() for p in between if str(p) != "."):
            continue  # a volume's member city: checked as a city of its own
        suffix = path.suffix.lower()
        if suffix == ".svgz":
            log.error(path, 0, 0, "svg", "a compressed SVG is refused: save it as .svg")
        elif suffix == ".svg":
            try:
                data = read_file_bytes(path, folder)
            except ProfileError as exc:
                log.issues += exc.issues
                continue
            for line, col, problem in svg_problems(data):
                log.error(path, line, col, "svg", f"{problem}: refused in a picture")
