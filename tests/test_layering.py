"""How the project's packages may depend on each other, checked on the source.

- The core (`portal`) imports no app (`tests/portal/test_core_imports_no_app.py`).
- Apps depend on the core, and only downwards on each other: bidding (`calloffs`) may depend on
  qualification (`suppliers`); nothing depends on `calloffs` but `calloffs`; `grants` is a separate
  service and imports no other app. What two apps share lives once in `portal`.
- No import cycles between the project's modules, counting imports inside functions too (a cycle hidden
  in a function is still a cycle: it only moves the failure to run time). Imports under
  `if TYPE_CHECKING:` are not run and do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PACKAGES = ("portal", "suppliers", "calloffs", "grants")
# Which apps each app may import, besides the core and itself.
MAY_IMPORT = {"portal": set(), "suppliers": set(), "calloffs": {"suppliers"}, "grants": set()}


def module_name(path: Path) -> str:
    parts = path.relative_to(BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((BASE_DIR / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _import_nodes(node)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports: `from a.b import c` is the module `a.b.c` when there is one,
    else `a.b`."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _import_nodes(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            child = f"{base}.{alias.name}"
            found.add(child if child in known else base)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_apps_import_only_the_core_and_the_apps_they_may_depend_on():
    offenders = [
        f"{name} imports {target}"
        for name, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if (source := name.split(".")[0]) != (app := target.split(".")[0])
        and app != "portal"
        and app not in MAY_IMPORT[source]
    ]
    assert offenders == []


def test_grants_imports_nothing_from_calloffs():
    graph = import_graph()
    assert not [
        f"{name} imports {target}"
        for name, targets in graph.items()
        if name.startswith("grants")
        for target in targets
        if target.startswith("calloffs")
    ]


def test_the_cycle_finder_finds_a_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_reader_sees_function_level_and_relative_imports_but_not_type_checking_ones(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from grants.services import rounds\n"
        "from grants import models\n"
        "if TYPE_CHECKING:\n"
        "    from calloffs.models import Tender\n"
        "def f():\n"
        "    from . import sibling\n"
        "    import portal.audit\n"
    )
    known = {
        "grants.services.rounds",
        "grants",
        "grants.models",
        "calloffs.models",
        "pkg.sibling",
        "portal.audit",
    }
    assert imports_of("pkg.m", module, known) == {
        "grants.services.rounds",
        "grants.models",
        "pkg.sibling",
        "portal.audit",
    }
