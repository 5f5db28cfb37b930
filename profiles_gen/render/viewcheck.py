"""Which fields of the view a template reads, checked against ``render.view`` without
rendering anything.

A template is parsed by Jinja and walked: the names it reads at its top level are the
view's fields (or the environment's globals, or what the renderer passes: ``media``,
``assets``, ``hl``); a name bound by ``for`` or ``set`` takes the type of what it is
bound to (the element type of a list, a field's type); ``x.field`` and ``x['field']``
on a typed value must name a declared field (of a ``TypedDict``) or attribute (of a
record). What cannot be typed (a macro's parameters, a filter's result) is not
checked further. Included templates are read in the context of the one including
them, so ``profile.html`` checks every partial it includes against ``CityView``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field

from jinja2 import Environment, nodes

# What the renderer passes beside the view (render_edition), and Jinja's own names.
RENDER_NAMES = frozenset({"media", "assets", "hl"})
JINJA_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})


@dataclass
class Problem:
    template: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"templates/{self.template}:{self.line}: {self.message}"


@dataclass
class _Scope:
    names: dict[str, object]
    parent: _Scope | None = None

    def lookup(self, name: str) -> tuple[bool, object]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None

    def child(self) -> _Scope:
        return _Scope({}, self)


def fields_of(tp) -> dict[str, object] | None:
    """The declared fields of a TypedDict or a dataclass (name → type), or None."""
    if typing.is_typeddict(tp):
        return typing.get_type_hints(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return typing.get_type_hints(tp)
    return None


def _strip_optional(tp):
    """``X | None`` → ``X`` (a template tests for None before reading a field)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    if typing.get_origin(tp) is typing.NotRequired:
        return _strip_optional(typing.get_args(tp)[0])
    return tp


def element_type(tp):
    """What iterating over a value of type ``tp`` gives, or None."""
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    if origin in (list, tuple, set, frozenset) and typing.get_args(tp):
        args = typing.get_args(tp)
        return args[0] if origin is not tuple or len(args) == 2 and args[1] is ... else None
    if origin is dict:  # iterating a mapping gives its keys
        return typing.get_args(tp)[0]
    return None


@dataclass
class _Walker:
    env: Environment
    template: str
    known: frozenset[str]
    stack: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    tested: set[str] = field(default_factory=set)  # names tested with "is defined"
    lenient: int = 0  # inside the branch of "x is defined" for another view: names unchecked

    def error(self, node: nodes.Node, message: str) -> None:
        self.problems.append(Problem(self.template, node.lineno, message))

    # --- expressions --------------------------------------------------------------------

    def type_of(self, node: nodes.Node, scope: _Scope):
        """The type of an expression where it can be told, after checking what it reads."""
        if isinstance(node, nodes.Name) and node.ctx == "load":
            found, tp = scope.lookup(node.name)
            if not (found or node.name in self.known or node.name in self.tested or self.lenient):
                self.error(node, f"reads {node.name!r}, which is not in the view")
            return tp
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            base = _strip_optional(self.type_of(node.node, scope))
            if isinstance(node, nodes.Getitem):
                key = node.arg.value if isinstance(node.arg, nodes.Const) else None
                if key is None:
                    self.visit_expr(node.arg, scope)
            else:
                key = node.attr
            if base is not None and isinstance(key, int) and not isinstance(key, bool):
                return element_type(base)  # list[0]
            if base is None or not isinstance(key, str):
                return None
            if typing.get_origin(base) is dict:
                return typing.get_args(base)[1]
            declared = fields_of(base)
            if declared is None:
                return None
            if key in declared:
                return declared[key]
            if not typing.is_typeddict(base) and hasattr(base, key):
                return None  # a record's property or method
            name = getattr(base, "__name__", str(base))
            self.error(node, f"reads {_dotted(node)}: {name} has no field {key!r}")
            return None
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            return None
        if isinstance(node, nodes.Filter) and node.name == "default":
            if isinstance(node.node, nodes.Name):  # x|default(y): x may be absent
                self.tested.add(node.node.name)
        if isinstance(node, nodes.CondExpr) and _defined_test(node.test):
            # "a if x is defined else b": one branch for each kind of view
            self.type_of(node.expr1, scope)
            if node.expr2 is not None:
                self.lenient += 1
                self.type_of(node.expr2, scope)
                self.lenient -= 1
            return None
        self.visit_expr(node, scope)
        return None

    def visit_expr(self, node: nodes.Node, scope: _Scope) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.type_of(child, scope)
            else:
                self.visit(child, scope)

    # --- statements ---------------------------------------------------------------------

    def visit(self, node: nodes.Node, scope: _Scope) -> None:
        if isinstance(node, nodes.Expr):
            self.type_of(node, scope)
        elif isinstance(node, nodes.For):
            element = element_type(self.type_of(node.iter, scope))
            inner = scope.child()
            self.bind(node.target, element, inner)
            if node.test is not None:
                self.type_of(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.type_of(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.visit(child, scope)
            self.bind(node.target, None, scope)
        elif isinstance(node, nodes.Macro):
            inner = scope.child()
            for arg in node.args:
                inner.names[arg.name] = None
            for default in node.defaults:
                self.type_of(default, scope)
            for child in node.body:
                self.visit(child, inner)
            scope.names[node.name] = None
        elif isinstance(node, nodes.CallBlock):
            self.type_of(node.call, scope)
            inner = scope.child()
            for arg in node.args:
                inner.names[arg.name] = None
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, (nodes.Import, nodes.FromImport)):
            if node.with_context and isinstance(node.template, nodes.Const):
                self.include(node.template.value, scope)  # its macros read the context
            if isinstance(node, nodes.Import):
                scope.names[node.target] = None
            else:
                for name in node.names:
                    scope.names[name[1] if isinstance(name, tuple) else name] = None
        elif isinstance(node, nodes.With):
            inner = scope.child()
            for target, value in zip(node.targets, node.values, strict=True):
                self.bind(target, self.type_of(value, scope), inner)
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const):
            self.include(node.template.value, scope)
        elif isinstance(node, nodes.If):
            self.note_tests(node.test)
            self.type_of(node.test, scope)
            for child in node.body:
                self.visit(child, scope)
            for child in node.elif_:
                self.visit(child, scope)
            for child in node.else_:
                self.visit(child, scope)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def include(self, name: str, scope: _Scope) -> None:
        """An included template reads the context where it is included (loop variables
        and ``set`` names too)."""
        if name in self.stack:
            return
        outer = self.template
        self.stack.append(name)
        self.template = name
        source = self.env.loader.get_source(self.env, name)[0]
        self.visit_template(self.env.parse(source), scope.child())
        self.template = outer
        self.stack.pop()

    def visit_template(self, tree: nodes.Template, scope: _Scope) -> None:
        """A template's body; its macros are known throughout (one may call a later one)."""
        for node in tree.body:
            if isinstance(node, nodes.Macro):
                scope.names[node.name] = None
        self.visit(tree, scope)

    def note_tests(self, test: nodes.Node) -> None:
        """``{% if x is defined %}``: a name tested so may be absent."""
        for found in [test, *test.find_all(nodes.Test)]:
            if _defined_test(found) and isinstance(found.node, nodes.Name):
                self.tested.add(found.node.name)

    def bind(self, target: nodes.Node, tp, scope: _Scope) -> None:
        if isinstance(target, nodes.Name):
            scope.names[target.name] = tp
        elif isinstance(target, nodes.Tuple):
            args = typing.get_args(_strip_optional(tp)) if tp is not None else ()
            for n, item in enumerate(target.items):
                fixed = len(args) == len(target.items) and ... not in args
                self.bind(item, args[n] if fixed else None, scope)
        elif isinstance(target, nodes.NSRef):
            pass


def _defined_test(test: nodes.Node) -> bool:
    return isinstance(test, nodes.Test) and test.name in ("defined", "undefined")


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "…"


def check_template(
    env: Environment, name: str, view: type, source: str | None = None
) -> list[Problem]:
    """Every field ``name`` (and what it includes) reads that ``view`` does not declare;
    ``source``: the template's text, if not the loader's."""
    known = frozenset(env.globals) | RENDER_NAMES | JINJA_NAMES
    walker = _Walker(env, name, known, [name])
    text = source if source is not None else env.loader.get_source(env, name)[0]
    walker.visit_template(env.parse(text), _Scope(dict(fields_of(view) or {})).child())
    return walker.problems


def conform(value, tp, where: str = "view") -> list[str]:
    """Where ``value`` departs from its declared type ``tp``: a TypedDict's missing or
    undeclared fields, a value of another kind than declared (checked down every list,
    mapping and record field that the declarations type)."""
    problems: list[str] = []
    _conform(value, tp, where, problems)
    return problems


_SCALARS = {str: str, int: int, bool: bool, float: float}


def _conform(value, tp, where: str, problems: list[str]) -> None:  # noqa: C901 - one case per kind
    if tp is None or tp is typing.Any or isinstance(tp, typing.TypeVar):
        return
    if typing.get_origin(tp) is typing.NotRequired:
        tp = typing.get_args(tp)[0]
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return
        trials = [conform(value, o, where) for o in options if o is not type(None)]
        if all(trials):  # not one of the options fits: the closest one's first problem
            problems.append(min(trials, key=len)[0])
        return
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            problems.append(f"{where}: a {type(value).__name__}, not a {tp.__name__}")
            return
        hints = typing.get_type_hints(tp, include_extras=True)
        required = {k for k, v in hints.items() if typing.get_origin(v) is not typing.NotRequired}
        for key in sorted(required - set(value)):
            problems.append(f"{where}: no field {key!r} ({tp.__name__} declares it)")
        for key in sorted(set(value) - set(hints)):
            problems.append(f"{where}: field {key!r} is not declared in {tp.__name__}")
        for key, item in value.items():
            if key in hints:
                _conform(item, hints[key], f"{where}.{key}", problems)
        return
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            problems.append(f"{where}: a {type(value).__name__}, not a list")
            return
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not ...:
            if len(args) != len(value):
                problems.append(f"{where}: {len(value)} items, not {len(args)}")
                return
            for n, (item, arg) in enumerate(zip(value, args, strict=True)):
                _conform(item, arg, f"{where}[{n}]", problems)
            return
        for n, item in enumerate(value):
            _conform(item, args[0] if args else None, f"{where}[{n}]", problems)
        return
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{where}: a {type(value).__name__}, not a mapping")
            return
        for key, item in value.items():
            _conform(item, typing.get_args(tp)[1], f"{where}[{key!r}]", problems)
        return
    if isinstance(tp, type):
        exact = tp in (int, float) and isinstance(value, bool)
        if exact or not isinstance(value, tp):
            problems.append(f"{where}: a {type(value).__name__}, not a {tp.__name__}")
