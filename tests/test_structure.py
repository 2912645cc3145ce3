"""The shape of the code: no import circles, and no import that runs back up from the site to its adapters."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "blueprintgen"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every module of the package -> the modules of the package it imports (anywhere in it, functions too)."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            found.update(next(([c] for c in candidates if c in modules), []))
            found.update(c for c in candidates[:-1] if c in modules)
        graph[name] = found - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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
    return found


def test_the_import_graph_has_no_circle():
    graph = _imports()
    assert "blueprintgen.site.generate" in graph and graph["blueprintgen.site.plugin"]   # the walk found them
    assert _cycles(graph) == []


def test_a_circle_is_found_when_there_is_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_runs_back_up():
    graph = _imports()
    adapters = {"blueprintgen.cli", "blueprintgen.__main__", "blueprintgen.site.plugin"}
    for module, imported in graph.items():
        # Nothing imports the command line or the MkDocs plugin (but `python -m`): they are the outermost edges.
        if module != "blueprintgen.__main__":
            assert not imported & (adapters - {module}), (module, imported & adapters)
        # The core (model, loader, analysis, rules, diagram, gate, diff, …) never imports the output side.
        if not module.startswith("blueprintgen.site") and module not in adapters:
            assert not {m for m in imported if m.startswith("blueprintgen.site")}, module
    assert "blueprintgen.site.mkdocs" not in graph["blueprintgen.site.generate"]   # pages need no MkDocs


def test_only_graphviz_py_names_the_graphviz_programs():
    """Graphviz runs in one place: no other module starts `dot` or `neato`."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "graphviz.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        texts = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        assert not texts & {"dot", "neato"} or "subprocess" not in path.read_text(encoding="utf-8"), path
