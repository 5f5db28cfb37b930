"""A city's own templates: read safely, parsed by ``validate``, rendered in a sandbox.

``cities/<city>/templates/`` comes from outside like the rest of the city
folder. Its templates are read only as regular files inside that folder
(``load.file_problem``), and every template of an edition renders in Jinja's
``ImmutableSandboxedEnvironment`` with three walls of its own:

- **plain data only.** Whatever a template is given is turned into plain data
  first (``plain``): strings, numbers, booleans, dates, lists, mappings and
  frozen ``Record``s of them. No path, file, module or object whose methods
  reach the disk, the network or the interpreter is ever in a template's
  reach (``city.dir`` is not there at all).
- **callables and filters are allow-lists.** A template may call its own
  macros and blocks, the environment's globals (gettext, ``range``, ``dict``,
  ``namespace`` and the project's few helpers), a short list of methods of
  strings, mappings, sequences and dates (``SAFE_METHODS``), and use only the
  filters of ``FILTERS`` (Jinja's own that cannot reach outside or blow up,
  with ``join``, ``replace`` and ``format`` checked) and the project's. No
  attribute beginning with ``_``, no method that mutates a list or a mapping.
- **a budget** of processor time and text per render (``budget.py``).

A template that breaks when it renders, or goes past its budget, is reported at
its file and line, not as a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path, PurePath

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound, TemplateSyntaxError
from jinja2 import filters as jinja_filters
from jinja2.debug import rewrite_traceback_stack
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.loaders import split_template_path
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_eval_context
from markupsafe import Markup

from profiles_gen.core.errors import Issue, IssueLog, ProfileError
from profiles_gen.data import budget
from profiles_gen.data.budget import BUDGET_FILTERS, BudgetedCodeGenerator, BudgetError
from profiles_gen.data.load import BadByteError, file_problem, folder_files, read_text
from profiles_gen.data.markup import template_problems
from profiles_gen.data.narrative import resource_problem

TEMPLATE_OPTIONS = dict(
    extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
)


# --- plain data ---------------------------------------------------------------------------


class Record:
    """A frozen record of plain data: its fields as attributes, and nothing else.

    Made by ``plain`` from a frozen dataclass of the view (a row, a roll-up, a chart):
    its fields and properties, computed once; a field holding a path is left out. A
    record of a type that prints as text (``Shown``) prints the same and is as true.
    """

    __slots__ = ("_fields", "_text", "_truth")

    def __init__(self, fields: dict, text: str | None = None, truth: bool | None = None):
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_truth", truth)

    def __getattr__(self, name: str):
        try:
            return object.__getattribute__(self, "_fields")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("a record is read-only")

    def __dir__(self) -> list[str]:
        return list(self._fields)

    def __str__(self) -> str:
        return self._text if self._text is not None else repr(self)

    def __bool__(self) -> bool:
        return True if self._truth is None else self._truth

    def __eq__(self, other) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (self._fields, self._text) == (other._fields, other._text)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in list(self._fields.items())[:6])
        return f"Record({shown})"

    def __reduce__(self):
        return (Record, (self._fields, self._text, self._truth))


SCALARS = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, type(None))


def plain(value):
    """``value`` as plain data a template may see (see the module's docstring).

    Raises ``TypeError`` on anything else: a function, a path, a module, an object of a
    class that is not a dataclass. The view is made of plain data by construction; this
    is the guard that keeps it so.
    """
    return _plain(value, {})


def _plain(value, memo: dict):
    kind = type(value)
    if kind is str or kind is Markup or kind in SCALARS:
        return value
    key = id(value)
    if key in memo:
        return memo[key][1]
    if isinstance(value, Markup):
        return Markup(value)
    if isinstance(value, str):  # a city's Text and the like: the text alone
        return str(value)
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, dict):
        out: dict = {}
        memo[key] = (value, out)
        for k, v in value.items():
            out[_plain(k, memo)] = _plain(v, memo)
        return out
    if isinstance(value, list):
        out_list: list = []
        memo[key] = (value, out_list)
        out_list.extend(_plain(v, memo) for v in value)
        return out_list
    if isinstance(value, (tuple, set, frozenset)):
        items = value if isinstance(value, tuple) else sorted(value, key=repr)
        return tuple(_plain(v, memo) for v in items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value, memo)
    raise TypeError(f"{kind.__name__} is not plain data: a template sees plain data only")


_SHAPES: dict[type, tuple[tuple[str, ...], bool, bool]] = {}


def _shape(kind: type) -> tuple[tuple[str, ...], bool, bool]:
    """A dataclass's public fields and properties, whether it prints as text, has a truth."""
    if kind not in _SHAPES:
        names = [f.name for f in dataclasses.fields(kind) if not f.name.startswith("_")]
        names += [
            n
            for n in dir(kind)
            if not n.startswith("_") and isinstance(getattr(kind, n, None), property)
        ]
        text = kind.__str__ is not object.__str__
        truth = hasattr(kind, "__bool__") or hasattr(kind, "__len__")
        _SHAPES[kind] = (tuple(names), text, truth)
    return _SHAPES[kind]


def _record(value, memo: dict) -> Record:
    names, text, truth = _shape(type(value))
    fields: dict = {}
    record = Record(fields, str(value) if text else None, bool(value) if truth else None)
    memo[id(value)] = (value, record)
    for name in names:
        field = getattr(value, name)
        if isinstance(field, PurePath):
            continue  # where a file is on the disk is nothing a template needs
        fields[name] = _plain(field, memo)
    return record


class PlainTemplate(Template):
    """A template whose top-level context is made plain, and whose render has a budget."""

    def new_context(self, vars=None, shared=False, locals=None):  # noqa: A002 - Jinja's name
        if not shared:  # an include or an import with context shares the plain one
            allowed = self.environment.globals.values()  # the allow-listed callables
            memo: dict = {}
            vars = {  # noqa: A001
                key: value if any(value is g for g in allowed) else _plain(value, memo)
                for key, value in dict(vars or {}).items()
            }
        return super().new_context(vars, shared, locals)

    def render(self, *args, **kwargs) -> str:
        with budget.budget(self.name or "template"):
            return super().render(*args, **kwargs)


# --- the allow-lists ----------------------------------------------------------------------

# The filters of Jinja a template may use: none reaches outside, none makes more text than
# it is given (``center``, ``indent``, ``wordwrap``, ``batch`` and ``slice`` can, with a
# large number; ``random`` makes editions differ; ``pprint`` shows what is not data).
FILTERS = frozenset(
    {
        "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
        "filesizeformat", "first", "float", "forceescape", "groupby", "int", "items",
        "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "reverse", "round", "safe", "select", "selectattr", "sort", "string", "striptags",
        "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode",
        "urlize", "wordcount", "xmlattr",
    }
)  # fmt: skip

# Methods a template may call, by the type of the object they belong to. No method that
# pads (``center``, ``ljust``, ``zfill``: any width) or encodes; ``replace`` and ``join``
# are checked against the budget; ``format`` is Jinja's sandboxed one, checked too.
_STR_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum",
        "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle",
        "isupper", "join", "lower", "lstrip", "partition", "removeprefix",
        "removesuffix", "replace", "rfind", "rindex", "rpartition", "rsplit", "rstrip",
        "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
        "striptags", "unescape",
    }
)  # fmt: skip
SAFE_METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (str, _STR_METHODS),
    (dict, frozenset({"items", "keys", "values", "get"})),
    ((list, tuple), frozenset({"index", "count"})),
    ((dt.date, dt.time), frozenset({"isoformat", "strftime", "weekday", "isoweekday"})),
    (LoopContext, frozenset({"cycle", "changed"})),
)


def _method_allowed(obj) -> bool:
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if owner is None or isinstance(owner, type):
        return False
    return any(isinstance(owner, kind) and name in names for kind, names in SAFE_METHODS)


@pass_eval_context
def _join(eval_ctx, value, d: str = "", attribute=None):
    items = list(value)
    shown = items
    if attribute is not None:
        shown = list(jinja_filters.do_map(eval_ctx, items, attribute=attribute))
    budget.check_join(shown, str(d))
    return jinja_filters.do_join(eval_ctx, items, d, attribute)


@pass_eval_context
def _replace(eval_ctx, s, old, new, count=None):
    budget.check_replace(str(s), str(old), str(new), count)
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def _format(value, *args, **kwargs):
    budget.check_percent_format(str(value))
    budget.allow(len(str(value)) + sum(len(str(a)) for a in (*args, *kwargs.values())))
    return jinja_filters.do_format(value, *args, **kwargs)


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
    allow_remote: bool = False  # the build fetches remote resources (--allow-remote)
    template_class = PlainTemplate
    code_generator_class = BudgetedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_callable(self, obj) -> bool:
        """Only the allow-list: macros, blocks, loops, the globals and ``SAFE_METHODS``."""
        if isinstance(obj, (Macro, BlockReference, LoopContext)):
            return True
        if getattr(obj, "sandbox_checked", False):  # str.format, wrapped below
            return True
        if any(obj is value for value in self.globals.values()):
            return True
        return _method_allowed(obj)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        budget.tick()
        if not __self.is_safe_callable(__obj):
            name = getattr(__obj, "__name__", type(__obj).__name__)
            raise SecurityError(f"{name!r} may not be called from a template")
        owner, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name == "replace" and len(args) >= 2:
            budget.check_replace(owner, str(args[0]), str(args[1]), *args[2:3])
        elif isinstance(owner, str) and name == "join" and args:
            items = list(args[0])
            budget.check_join(items, owner)
            args = (items, *args[1:])
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        budget.check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = value.__self__

        def checked(*args, **kwargs):
            budget.check_brace_format(text)
            shown = [*args, *kwargs.values(), *(a for m in args if isinstance(m, dict) for a in m)]
            budget.allow(len(text) + sum(len(str(a)) for a in shown), "a formatted value")
            return wrapped(*args, **kwargs)

        checked.sandbox_checked = True
        return checked

    def handle_exception(self, source: str | None = None):
        exc = rewrite_traceback_stack(source=source)
        if isinstance(exc, ProfileError):
            raise exc
        where = self._city_frame(exc)
        if where is None and isinstance(exc, (BudgetError, RecursionError, MemoryError)):
            where = self._template_frame(exc)
        if where is None:
            raise exc
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, RecursionError):
            message = "templates call each other without end (too deep a recursion)"
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

    @staticmethod
    def _template_frame(exc: BaseException) -> tuple[str, int] | None:
        """The innermost frame of any template (a built-in one's, when no city's is there)."""
        found = None
        tb = exc.__traceback__
        while tb is not None:
            if "__jinja_template__" in tb.tb_frame.f_globals:
                found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
            tb = tb.tb_next
        return found


# The project's own filters (``render.environment`` gives them the edition's formatter).
PROJECT_FILTERS = ("number", "percent", "date", "join_list")


def sandboxed(city_dir: Path | None, **options) -> CityEnvironment:
    env = CityEnvironment(**options)
    for name in ("cycler", "joiner", "lipsum"):  # Jinja's extras: the templates use none
        env.globals.pop(name, None)
    env.filters = {name: f for name, f in env.filters.items() if name in FILTERS}
    env.filters.update(join=_join, replace=_replace, format=_format, **BUDGET_FILTERS)
    if city_dir is not None:
        env.city_folder = city_dir / "templates"
    return env


def check_templates(city_dir: Path, log: IssueLog, allow_remote: bool = False) -> None:
    """``validate``: every template of the city's ``templates/`` folder parses, and the HTML
    it writes follows the rules of narrative (``markup.template_problems``): no script,
    event handler or ``javascript:`` URL, and no resource but a file of the city folder
    (or a remote one, with ``--allow-remote``), each reported at its line."""
    folder = city_dir / "templates"
    files, _ = folder_files(folder, city_dir)  # the others are reported by the loader
    env = sandboxed(None, **TEMPLATE_OPTIONS)  # compiled as the build does: its filters
    env.filters.update(dict.fromkeys(PROJECT_FILTERS, str))
    for path in files:
        if path.suffix not in (".html", ".htm", ".j2", ".jinja", ".txt", ".xml", ".svg"):
            continue
        try:
            source = read_text(path)
            env.compile(source, path.name, str(path))
        except BadByteError as exc:
            log.error(path, exc.line, exc.col, "", exc.message)
            continue
        except TemplateSyntaxError as exc:
            log.error(path, exc.lineno or 1, 1, "template", exc.message or "syntax error")
            continue
        except (TemplateError, RecursionError, MemoryError) as exc:  # pragma: no cover
            log.error(path, 1, 1, "template", str(exc) or type(exc).__name__)
            continue
        for line, col, problem in template_problems(
            source, lambda url: resource_problem(url, city_dir, allow_remote)
        ):
            log.error(path, line, col, "template", problem)
