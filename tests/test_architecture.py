"""The layers of ../shared/ARCHITECTURE.md, read from the import graph so they stay true.

Every import counts, including those inside functions and under TYPE_CHECKING: a lazy import
is still a dependency, only a later one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("debate", "judges", "motions", "tui")

# Lowest first. A module may import its own layer and the layers below it, never above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("debate", "debate.core")),
    ("domain", ("motions", "judges", "debate.draws")),
    ("store", ("debate.store",)),
    ("engine", (
        "debate.config", "debate.catalog", "debate.localmodels", "debate.gateway", "debate.providers",
        "debate.prompts", "debate.judging", "debate.rounds", "debate.orchestrator",
        "debate.engine", "debate.verdicts", "debate.qualifying", "debate.rejudging", "debate.forfeits",
        "debate.writer", "debate.workers", "debate.slots",
    )),
    ("reports", ("debate.reports",)),
    ("api", ("debate.api",)),
    # Benchmarks drive the engine's insides on purpose (a null transport, the fake provider's
    # timing): they sit with the faces, apart from the product, reached only from the CLI.
    ("faces", ("debate.cli", "tui", "debate.bench")),
)
# The faces ask the engine through the one API; they may also use the shared value types,
# each other (the CLI starts the TUI) and, from the CLI, the benchmarks.
FACE_MAY_IMPORT = ("debate.api", "debate.core", "debate", "debate.cli", "tui", "debate.bench")
FACES = ("debate.cli", "tui")
# Who may reach the faces and the benchmarks at all.
ONLY_FROM = {"tui": ("debate.cli", "tui", "debate.bench"), "debate.bench": ("debate.cli", "debate.bench")}


def _within(module: str, prefix: str) -> bool:
    # A package's root module (`debate/__init__.py`) holds only itself, not the whole tree.
    return module == prefix or (prefix != "debate" and module.startswith(prefix + "."))


def _owner(module: str, prefixes: Iterable[str]) -> str | None:
    """The longest prefix that holds `module` (so `debate.core.x` is core, not root `debate`)."""
    held = [p for p in prefixes if _within(module, p)]
    return max(held, key=len) if held else None


def layer_of(module: str) -> int:
    prefixes = {p: i for i, (_, ps) in enumerate(LAYERS) for p in ps}
    owner = _owner(module, prefixes)
    if owner is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS (and to ARCHITECTURE.md)")
    return prefixes[owner]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str], name: str | None = None) -> set[str]:
    """The project modules `path` imports, resolved to the deepest module that exists."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [f"{target}.{a.name}" for a in node.names] + [target]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
                break
    return found


def import_graph() -> dict[str, set[str]]:
    paths = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def violations(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every import that breaks a rule, as 'importer -> imported: why'."""
    found = []
    for importer, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(importer):
                found.append(f"{importer} -> {target}: a lower layer imports a higher one")
            elif _owner(importer, FACES) and not _owner(target, FACE_MAY_IMPORT):
                found.append(f"{importer} -> {target}: a face reaches past debate.api")
            for guarded, allowed in ONLY_FROM.items():
                if _within(target, guarded) and not _owner(importer, allowed):
                    found.append(f"{importer} -> {target}: only {', '.join(allowed)} may import {guarded}")
    return found


def package_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Cycles between the top-level groups of LAYERS (e.g. judges <-> debate.store)."""
    groups = [p for _, ps in LAYERS for p in ps]
    edges: dict[str, set[str]] = {}
    for importer, targets in graph.items():
        a = _owner(importer, groups)
        for target in targets:
            b = _owner(target, groups)
            if a and b and a != b:
                edges.setdefault(a, set()).add(b)
    cycles, seen = [], set()
    for start in edges:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    key = frozenset(path)
                    if key not in seen:
                        seen.add(key)
                        cycles.append(path + [start])
                elif nxt not in path:
                    stack.append((nxt, path + [nxt]))
    return cycles


def test_every_import_follows_the_layers() -> None:
    assert violations(import_graph()) == []


def test_no_cycle_between_packages() -> None:
    assert package_cycles(import_graph()) == []


def test_the_rules_catch_a_back_edge() -> None:
    """A test of the test: the real graph plus one deliberate back-edge must fail each rule."""
    graph = {k: set(v) for k, v in import_graph().items()}
    graph["debate.core.errors"].add("debate.store")
    graph["judges.rubric"].add("debate.store")
    graph["tui.app"].add("debate.store")
    graph["debate.orchestrator"].add("tui.app")
    found = violations(graph)
    assert "debate.core.errors -> debate.store: a lower layer imports a higher one" in found
    assert "judges.rubric -> debate.store: a lower layer imports a higher one" in found
    assert "tui.app -> debate.store: a face reaches past debate.api" in found
    assert any(v.startswith("debate.orchestrator -> tui.app") for v in found)
    graph["debate.store"] = graph.get("debate.store", set()) | {"judges.rubric"}
    assert any({"judges", "debate.store"} <= set(c) for c in package_cycles(graph))


def test_imports_inside_functions_count(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from debate.store import Store\n", encoding="utf-8")
    graph = import_graph()
    graph["debate.core.probe"] = imports_of(source, set(graph), name="debate.core.probe")
    assert graph["debate.core.probe"] == {"debate.store"}
    assert "debate.core.probe -> debate.store: a lower layer imports a higher one" in violations(graph)
