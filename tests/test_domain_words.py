"""The domain's closed vocabularies are named, not typed: a bare literal of one of their words
(``"错误"``, ``"部门整体支出"``, ``"通用"`` …) outside its definition is counted, and the count may
only go down.

Definitions are not counted: :mod:`xlperf.core.enums` itself, and constant tables (a module- or
class-level assignment to an UPPER_CASE name, such as a header synonym table or the findings
catalogue). ``"="`` is left out: it is far more often a formula's first character than a direction.
A word inside a longer Chinese message is not a literal of the vocabulary and is not counted.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from xlperf.core.enums import Direction, EvaluationType, Severity, Style, Tier

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xlperf"
WORDS = {m.value for e in (Severity, Direction, Tier, Style, EvaluationType) for m in e} - {"="}
_CONSTANT = re.compile(r"_*[A-Z][A-Z0-9_]*$")

# The figure this count reached; lower it when literals go, never raise it.
LIMIT = 33


def _definitions(tree: ast.Module) -> set[int]:
    """The nodes inside constant tables (module- or class-level UPPER_CASE assignments)."""
    inside: set[int] = set()
    for body in [tree.body] + [n.body for n in tree.body if isinstance(n, ast.ClassDef)]:
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            if all(isinstance(t, ast.Name) and _CONSTANT.match(t.id) for t in targets):
                inside |= {id(n) for n in ast.walk(value)}
    return inside


def bare_domain_words() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "core" / "enums.py":
            continue
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        skip = _definitions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in WORDS and id(node) not in skip:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    return sorted(found)


def test_bare_domain_words_do_not_grow():
    found = bare_domain_words()
    assert len(found) <= LIMIT, f"{len(found)} bare domain words (limit {LIMIT}); name them from xlperf.core.enums:\n" + "\n".join(found)


def test_the_counter_sees_a_bare_word_and_skips_definitions(tmp_path, monkeypatch):
    pkg = tmp_path / "xlperf"
    (pkg / "core").mkdir(parents=True)
    (pkg / "a.py").write_text(
        'STYLES = ("通用", "四川")\n'
        'def f(x):\n    return x == "部门整体支出" or x == "通用的" or x == "="\n'
        'class C:\n    LEVEL = "错误"\n    def g(self):\n        return "警告"\n',
        "utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", pkg)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert bare_domain_words() == ["xlperf/a.py:3 部门整体支出", "xlperf/a.py:7 警告"]

