"""A city's own templates: read safely, parsed by ``validate``, rendered in a sandbox.

``cities/<city>/templates/`` comes from outside like the rest of the city
folder. Its templates are read only as regular files inside that folder
(``load.file_problem``), and every template of an edition renders in Jinja's
``ImmutableSandboxedEnvironment``: no attribute starting with ``_`` (so no way
from ``cycler`` to ``os``), no method that mutates a list or a mapping, and
only the project's own filters and globals. A template that breaks when it
renders is reported at its file and line, not as a traceback.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound, TemplateSyntaxError
from jinja2.debug import rewrite_traceback_stack
from jinja2.exceptions import TemplateError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.data.load import BadByteError, file_problem, folder_files, read_text

TEMPLATE_OPTIONS = dict(
    extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
)


class CityTemplateLoader(BaseLoader):
    """Templates of ``<city>/templates/``: regular files inside that folder, nothing else."""

    def __init__(self, city_dir: Path) -> None:
        self.city_dir = city_dir
        self.folder = city_dir / "templates"

    def get_source(self, environment: Environment, template: str):
        path = self.folder.joinpath(*split_template_path(template))
        if not path.exists() and not path.is_symlink():
            raise TemplateNotFound(template)
        problem = file_problem(path, self.folder, self.city_dir)
        if problem:
            raise ProfileError([Issue(str(path), 0, 0, "template", problem)])
        try:
            source = read_text(path)
        except BadByteError as exc:
            raise ProfileError([Issue(str(path), exc.line, exc.col, "", exc.message)]) from None
        return source, str(path), lambda: False  # never reused across builds


class CityEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox; an error raised while a city's template renders names its file and line."""

    city_folder: Path | None = None

    def handle_exception(self, source: str | None = None):

        exc = rewrite_traceback_stack(source=source)
        where = self._city_frame(exc)
        if where is None or isinstance(exc, ProfileError):
            raise exc
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise ProfileError([Issue(where[0], where[1], 1, "template", message)]) from None

    def _city_frame(self, exc: BaseException) -> tuple[str, int] | None:
        if self.city_folder is None:
            return None
        if isinstance(exc, TemplateSyntaxError) and exc.filename:
            if Path(exc.filename).is_relative_to(self.city_folder):
                return exc.filename, exc.lineno
        found = None
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if Path(name).is_relative_to(self.city_folder):
                found = (name, tb.tb_lineno)
            tb = tb.tb_next
        return found


def sandboxed(city_dir: Path | None, **options) -> CityEnvironment:
    env = CityEnvironment(**options)
    for name in ("cycler", "joiner", "lipsum"):  # Jinja's extras: the templates use none
        env.globals.pop(name, None)
    if city_dir is not None:
        env.city_folder = city_dir / "templates"
    return env


def check_templates(city_dir: Path, log: IssueLog) -> None:
    """``validate``: every template of the city's ``templates/`` folder parses."""
    folder = city_dir / "templates"
    files, _ = folder_files(folder, city_dir)  # the others are reported by the loader
    env = Environment(**TEMPLATE_OPTIONS)
    for path in files:
        if path.suffix not in (".html", ".htm", ".j2", ".jinja", ".txt", ".xml", ".svg"):
            continue
        try:
            env.parse(read_text(path), path.name, str(path))
        except BadByteError as exc:
            log.error(path, exc.line, exc.col, "", exc.message)
        except TemplateSyntaxError as exc:
            log.error(path, exc.lineno or 1, 1, "template", exc.message or "syntax error")
        except (TemplateError, RecursionError, MemoryError) as exc:  # pragma: no cover
            log.error(path, 1, 1, "template", str(exc) or type(exc).__name__)
