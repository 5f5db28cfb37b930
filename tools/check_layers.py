#!/usr/bin/env python3
"""The layers of profiles_gen, checked: imports flow one way, and a lazy import says why.

Usage: python3 tools/check_layers.py [--graph]

1. Each sub-package may import only from the sub-packages below it in ``LAYERS`` (and
   from itself); every import is counted, those inside functions too.
2. No import cycle between modules, imports inside functions counted.
3. An import inside a function needs a reason: a comment on its line (or the line
   above, for a block of them), such as ``# matplotlib: only when drawing``. The
   command line (``cli``) is exempt: each command imports what it runs, so that
   ``profiles-gen --help`` and a no-op build start in a few hundredths of a second.

Prints every problem as ``path:line: error: …`` and exits 1 if there is one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "profiles_gen"
# Bottom to top: a layer imports only from the layers before it.
LAYERS = ("core", "data", "i18n", "scoring", "charts", "render", "publish", "build", "tools", "cli")
LAZY_EXEMPT = ("cli",)
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST, name: str, modules: set[str]):
    """(line, imported module, inside a function) for each import of the package."""

    def visit(node, inside):
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child, alias.name, nested
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    here = name.split(".")
                    base = ".".join(here[: len(here) - child.level] + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    yield child, full if full in modules else base, nested
            yield from visit(child, nested)

    yield from visit(tree, False)


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else None


def main() -> int:
    files = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
    modules = set(files)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    problems = []
    for name, path in files.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        mine = layer(name)
        for node, target, nested in imports(tree, name, modules):
            if nested and mine not in LAZY_EXEMPT:
                line, above = lines[node.lineno - 1], lines[node.lineno - 2].strip()
                if "#" not in line and not above.startswith(("#", "from ", "import ")):
                    problems.append(
                        f"{path}:{node.lineno}: error: an import inside a function "
                        "needs a reason (a comment on its line)"
                    )
            if not target.startswith(PACKAGE + "."):
                continue
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target not in modules or target == name:
                continue
            edges[name].add(target)
            theirs = layer(target)
            if mine in LAYERS and theirs in LAYERS and LAYERS.index(theirs) > LAYERS.index(mine):
                problems.append(
                    f"{path}:{node.lineno}: error: {mine} imports {target}, "
                    f"from the layer above it ({theirs})"
                )
    for cycle in cycles(edges):
        problems.append(f"{ROOT}: error: import cycle: {' → '.join(cycle)}")
    if "--graph" in sys.argv:
        for name in sorted(edges):
            print(name, "→", ", ".join(sorted(edges[name])) or "-")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected sets of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


if __name__ == "__main__":
    sys.exit(main())
