"""The budget of one render: processor time and text, so that no template runs for ever.

A city's templates come from outside, and Jinja is a language with loops: two nested
``range(100000)`` never end, ``'x' * 10**8`` makes 100 MB at once. Every template of an
edition is compiled with the checks below woven in (``BudgetedCodeGenerator``), and each
top-level render carries a ``Budget``:

- **time**: every loop step and every call made from a template counts a tick; past
  ``RENDER_SECONDS`` of processor time of the rendering thread (not wall time: a busy
  machine does not fail a build) the render stops;
- **text**: every piece of text a template outputs (its literal text and each
  ``{{ … }}``) is counted, and so is each value built by ``~``, ``+``, ``*``, ``%``,
  ``join``, ``replace`` and ``format``; past ``RENDER_CHARS`` characters in all, or in
  one value, the render stops before the value is made where its size is known in
  advance. Numbers too large to print (``10**10**8``) are refused before they are
  computed.

The error names the template and its line (``sandbox.CityEnvironment``); nothing of
the edition is published. An honest edition uses a small part of either: a few seconds
and a few MB (the largest sample edition is under 5 MB).
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import time
from decimal import Decimal

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.utils import pass_context
from jinja2.visitor import NodeTransformer

RENDER_SECONDS = 60.0  # processor time of one render of an edition's templates
RENDER_CHARS = 64 * 1024 * 1024  # characters of text one render may make
MAX_INT_BITS = 1 << 16  # a number of more than ~20 000 digits is no publication's
MAX_WIDTH = 10_000  # a width or precision in a format string


class BudgetError(Exception):
    """A template went past its budget of time or text."""


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


class Budget:
    """What one render has used so far."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.deadline = time.thread_time() + RENDER_SECONDS
        self.seconds = RENDER_SECONDS
        self.chars = 0
        self.limit = RENDER_CHARS
        self.steps = 0
        self.next_check = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self.next_check:
            self.next_check = self.steps + 32
            if time.thread_time() > self.deadline:
                raise BudgetError(
                    f"rendering took more than {self.seconds:g} s of processor time, the "
                    "budget of an edition's templates (a loop that does not end?)"
                )

    def add(self, chars: int) -> None:
        self.chars += max(0, chars)
        if self.chars > self.limit:
            raise BudgetError(self._too_much("the page", self.chars))

    def allow(self, chars: int, what: str = "a value") -> None:
        """Refuse to make ``what`` of ``chars`` characters past the budget."""
        if chars > self.limit:
            raise BudgetError(self._too_much(what, chars))

    def _too_much(self, what: str, chars: int) -> str:
        return (
            f"{what} would hold {chars:,} characters, more than the "
            f"{self.limit:,} of the budget of an edition's templates"
        )


def current() -> Budget | None:
    return _current.get()


@contextlib.contextmanager
def budget(name: str):
    """A budget for the render of ``name`` (an inner render shares the outer one's)."""
    if _current.get() is not None:
        yield _current.get()
        return
    token = _current.set(Budget(name))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def allow(chars: int, what: str = "a value") -> None:
    spent = _current.get()
    if spent is not None:
        spent.allow(chars, what)


def tick() -> None:
    spent = _current.get()
    if spent is not None:
        spent.tick()


# --- sizes known before a value is made ------------------------------------------------


def _length(value) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


def check_binop(operator: str, left, right) -> None:
    """Refuse ``left operator right`` when the result would break the budget."""
    numbers = (int, float, Decimal)
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            size = _length(seq)
            if size is not None and isinstance(times, int) and not isinstance(times, bool):
                allow(size * max(0, times), "a repeated value")
        if isinstance(left, int) and isinstance(right, int):
            if abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                raise BudgetError("a product too large to compute")
    elif operator == "**":
        if isinstance(left, numbers) and isinstance(right, numbers) and abs(left) > 1:
            bits = max(1, abs(int(left)).bit_length())
            if abs(right) * bits > MAX_INT_BITS:
                raise BudgetError("a power too large to compute")
    elif operator == "+":
        sizes = (_length(left), _length(right))
        if None not in sizes:
            allow(sizes[0] + sizes[1], "a joined value")
    elif operator == "%" and isinstance(left, str):
        check_percent_format(left)
        allow(len(left) + sum(len(str(v)) for v in _args(right)), "a formatted value")


def _args(right):
    if isinstance(right, tuple):
        return right
    if isinstance(right, dict):
        return tuple(right.values())
    return (right,)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_WIDTH = re.compile(r"\d+")


def check_percent_format(text: str) -> None:
    for match in _PERCENT_SPEC.finditer(text):
        for part in match.groups():
            if part == "*" or (part and int(part) > MAX_WIDTH):
                raise BudgetError(f"a width of more than {MAX_WIDTH} in a format string")


def check_brace_format(text: str) -> None:
    """``str.format``: no width or precision above ``MAX_WIDTH``, none taken from an argument."""
    from string import Formatter  # the standard library's parser of format strings

    try:
        fields = list(Formatter().parse(text))
    except ValueError:
        return  # format itself reports it
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > MAX_WIDTH for n in _BRACE_WIDTH.findall(spec))):
            raise BudgetError(f"a width of more than {MAX_WIDTH} in a format string")


def check_join(items: list, separator: str) -> None:
    size = len(separator) * max(0, len(items) - 1)
    size += sum(len(i) if isinstance(i, str) else len(str(i)) for i in items)
    allow(size, "a joined value")


def check_replace(text: str, old: str, new: str, count: int | None = None) -> None:
    hits = len(text) + 1 if old == "" else text.count(old)
    if count is not None and count >= 0:
        hits = min(hits, count)
    allow(len(text) + hits * max(0, len(new) - len(old)), "a replaced value")


# --- woven into every template ----------------------------------------------------------

# Filter names a template cannot write (they are not identifiers), used only by the code
# the generator weaves in.
LOOP, OUTPUT, VALUE = "budget loop", "budget output", "budget value"


class _Ticking:
    """An iterable that counts a tick per item; its length is the wrapped one's."""

    __slots__ = ("items", "spent")

    def __init__(self, items, spent: Budget) -> None:
        self.items = items
        self.spent = spent

    def __iter__(self):
        for item in self.items:
            self.spent.tick()
            yield item

    def __len__(self) -> int:
        return len(self.items)


@pass_context
def _loop(context, items):
    spent = _current.get()
    return items if spent is None else _Ticking(items, spent)


@pass_context
def _output(context, value, literal: int = 0):
    spent = _current.get()
    if spent is not None:
        size = len(value) if isinstance(value, str) else len(str(value))
        spent.chars += size + (literal if type(literal) is int and literal > 0 else 0)
        if spent.chars > spent.limit:
            raise BudgetError(spent._too_much("the page", spent.chars))
    return value


@pass_context
def _value(context, value):
    if isinstance(value, str):
        allow(len(value), "a joined value")
    return value


BUDGET_FILTERS = {LOOP: _loop, OUTPUT: _output, VALUE: _value}


class _Weave(NodeTransformer):
    """Count loop steps, output and ``~`` in a template's syntax tree."""

    def visit_For(self, node: nodes.For):  # noqa: N802 - Jinja's visitor names
        node = self.generic_visit(node)
        if not node.recursive:  # a recursive loop's calls tick through the sandbox
            node.iter = nodes.Filter(node.iter, LOOP, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Output(self, node: nodes.Output):  # noqa: N802
        node = self.generic_visit(node)
        children, literal = [], 0
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                literal += len(child.data)
                children.append(child)
            else:
                children.append(
                    nodes.Filter(child, OUTPUT, [], [], None, None, lineno=child.lineno)
                )
        if literal:  # the literal text, counted by an output of nothing
            children.append(
                nodes.Filter(nodes.Const(""), OUTPUT, [nodes.Const(literal)], [], None, None)
            )
        node.nodes = children
        return node

    def visit_Concat(self, node: nodes.Concat):  # noqa: N802
        node = self.generic_visit(node)
        return nodes.Filter(node, VALUE, [], [], None, None, lineno=node.lineno)


class BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator (its public ``code_generator_class`` hook), run on a tree
    with the budget's counting woven in."""

    def visit_Template(self, node: nodes.Template, frame=None) -> None:  # noqa: N802
        node = _Weave().visit(node)
        node.set_environment(self.environment)
        for child in node.find_all(nodes.Node):
            if child.lineno is None:
                child.lineno = 1
        super().visit_Template(node, frame)
