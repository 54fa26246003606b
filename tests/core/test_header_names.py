"""Column headers are named once, in layout: scoring and the computed blocks use the names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from xlperf.core import layout

CORE = Path(__file__).resolve().parents[2] / "xlperf" / "core"
NAMES = {n: getattr(layout, n) for n in dir(layout) if n.startswith("H_")}
HEADERS = set(layout.INDICATOR_HEADERS) | set(layout.BUDGET_HEADERS)
# A header word used as something else: 执行率 inside an indicator's name marks the budget row.
NOT_A_HEADER = {("scoring.py", "_is_budget_row")}


def test_every_header_of_both_tables_has_one_name():
    assert set(NAMES.values()) == HEADERS
    assert len(set(NAMES.values())) == len(NAMES)  # one name per header


def _bare_headers(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (path.name, node.name) in NOT_A_HEADER:
            skip |= {id(n) for n in ast.walk(node)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and n.value in HEADERS and id(n) not in docstrings and id(n) not in skip]


@pytest.mark.parametrize("name", ["scoring.py", "blocks.py", "findings.py", "judge.py", "values.py", "models.py"])
def test_core_modules_spell_no_header_word(name):
    assert _bare_headers(CORE / name) == []


def test_the_check_sees_a_bare_header(tmp_path):
    p = tmp_path / "x.py"
    p.write_text('def f(col):\n    """实际完成值 in a docstring is prose."""\n    return col("实际完成值")\n', encoding="utf-8")
    assert _bare_headers(p) == [(3, "实际完成值")]
