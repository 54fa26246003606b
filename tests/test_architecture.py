"""The package's shape: imports go downward only, no cycle, every third-party import declared.

Layers, lowest first: core ← ooxml ← workbook / forms ← report ← review ← batch / department ←
api ← excel / cli. A module may import its own layer and the layers below it, never above; within
the package the import graph has no cycle. (``xlperf/__init__.py`` only forwards ``main`` to the
Excel button, lazily.)
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xlperf"

LAYERS = {
    "core": 0,
    "ooxml": 1,
    "workbook": 2,
    "forms": 2,
    "report": 3,
    "review": 4,
    "batch": 5,
    "department": 5,
    "api": 6,
    "output": 6,
    "excel": 7,
    "cli": 7,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, optional) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path).split(".")
    if path.name != "__init__.py":
        me = me[:-1]
    out: list[tuple[str, int, bool]] = []
    optional_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        ):
            for sub in node.body:
                for n in ast.walk(sub):
                    if isinstance(n, (ast.Import, ast.ImportFrom)):
                        optional_lines.add(n.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out.append((a.name, node.lineno, node.lineno in optional_lines))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = me[: len(me) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, node.lineno, node.lineno in optional_lines))
            for a in node.names:  # ``from xlperf.core import layout`` imports xlperf.core.layout
                out.append((f"{mod}.{a.name}", node.lineno, node.lineno in optional_lines))
    return out


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "xlperf" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def _package_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts}


def test_every_module_has_a_layer():
    unplaced = [m for m in _package_modules() if m != "xlperf" and _layer(m) is None]
    assert not unplaced, f"modules outside the layers (add them to LAYERS or move them): {unplaced}"


def test_imports_go_downward_only():
    upward = []
    for name, path in _package_modules().items():
        mine = _layer(name)
        if mine is None:
            continue
        for mod, line, _ in _imports(path):
            theirs = _layer(mod)
            if theirs is not None and theirs > mine:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
    assert not upward, "upward imports:\n" + "\n".join(sorted(set(upward)))


def test_no_import_cycle():
    modules = _package_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for mod, _, _ in _imports(path):
            while mod and mod not in modules:
                mod = mod.rpartition(".")[0]
            if mod and mod != name and mod != "xlperf":
                deps.add(mod)
        graph[name] = deps
    # packages import their __init__ implicitly: an __init__ that imports its own submodules is not a cycle
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d) :] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


# --- declared dependencies ------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_norm(re.split(r"[\s<>=!~;\[(]", d, maxsplit=1)[0]) for d in project["dependencies"]}


def _third_party_imports() -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    for name, path in _package_modules().items():
        for mod, line, optional in _imports(path):
            top = mod.split(".")[0]
            if not top or top == "xlperf" or top in sys.stdlib_module_names or top == "__future__":
                continue
            found.setdefault(top, []).append((f"{path.relative_to(ROOT)}:{line}", optional))
    return found


def test_every_third_party_import_is_declared_or_optional_with_a_tested_fallback():
    """A module present here only through the test extras makes every test pass and a user's
    fresh install crash. Each import is declared, or sits in ``try/except ImportError`` and some
    test makes it unimportable (``sys.modules[name] = None``) to exercise the fallback."""
    declared = _declared()
    dists = packages_distributions()
    tests_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    problems = []
    for top, places in sorted(_third_party_imports().items()):
        provided_by = {_norm(d) for d in dists.get(top, [top])}
        if provided_by & declared:
            continue
        required = [where for where, optional in places if not optional]
        if required:
            problems.append(f"{top}: imported at {', '.join(sorted(set(required)))} but not declared in pyproject.toml")
        elif f'"{top}", None' not in tests_text:
            problems.append(f"{top}: optional import without a test of its fallback (sys.modules['{top}'] = None)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", ["xlperf", "xlperf.cli"])
def test_start_up_imports_stay_light(module):
    """``import xlperf`` and the CLI's module load no heavy library (each command loads its own)."""
    import subprocess

    heavy = ("pydantic", "pandas", "openpyxl", "xlwings", "lxml", "docx", "docxtpl", "jinja2", "rich", "python_calamine")
    code = f"import sys, {module}; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} loads {out}"
