"""The X-code catalogue: every error code reaching a user is named once in ``XCode``, with its meaning."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xlperf.core.errors import REUSED, EnvironmentProblem, InputError, OutputError, OutputExists, XCode, XlperfError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "xlperf"
CATALOGUE = PACKAGE / "core" / "errors.py"
CODE = re.compile(r"X\d{3}")


def _trees():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text("utf-8"), filename=str(path))


def test_codes_are_unique_well_formed_and_explained():
    assert len(XCode.__members__) == len(list(XCode)), "two names for one code: give the new situation its own code"
    for member in XCode:
        assert CODE.fullmatch(member.value), member
        assert member.meaning and "\n" not in member.meaning, member
        assert XCode(member.value) is member


def test_a_reused_code_says_so_and_no_other_is_reused():
    # Codes published with two situations are kept (they are published) and their meaning names both;
    # this list may shrink, never grow.
    assert {m.name for m in REUSED} == {
        "INPUT_MISSING", "INPUT_EMPTY", "INPUT_TEXT", "INPUT_CSV", "INPUT_CORRUPT", "OUT_DENIED", "OUT_IN_USE", "OUT_TAKEN", "OUT_WRITE",
    }
    for member in XCode:
        assert ("also:" in member.meaning) == (member in REUSED), member


def test_no_code_literal_outside_the_catalogue():
    found = []
    for path, tree in _trees():
        if path == CATALOGUE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert not found, "name these codes from XCode:\n" + "\n".join(found)


def _code_expressions():
    """Every expression giving an error its code: ``code=…`` keywords, ``code = …`` class attributes,
    ``input_error(path, code, …)``'s second argument."""
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "code":
                        yield path, kw.value
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name == "input_error" and len(node.args) >= 2:
                    yield path, node.args[1]
            elif isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                            yield path, stmt.value


def test_every_code_given_is_a_catalogue_member():
    seen: set[str] = set()
    bad = []
    named = {}  # module-level aliases of members, e.g. ``E_NO_TABLE = XCode.NO_TABLE``
    for path, tree in _trees():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
                v = node.value
                if isinstance(v.value, ast.Name) and v.value.id == "XCode":
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            named[t.id] = v.attr
    for path, expr in _code_expressions():
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "XCode":
            attr = expr.attr
        elif isinstance(expr, ast.Name) and expr.id in named:
            attr = named[expr.id]
        elif isinstance(expr, ast.Name) and expr.id == "code":  # a helper passing its parameter on
            continue
        else:
            bad.append(f"{path.relative_to(ROOT)}:{expr.lineno} {ast.unparse(expr)}")
            continue
        if attr not in XCode.__members__:
            bad.append(f"{path.relative_to(ROOT)}:{expr.lineno} XCode.{attr} is not in the catalogue")
        seen.add(attr)
    assert not bad, "\n".join(bad)
    # every code the catalogue lists is given somewhere (a retired one would be kept but marked)
    assert set(XCode.__members__) - seen == set(), set(XCode.__members__) - seen


def test_the_classes_default_codes():
    assert XlperfError("x").code == XCode.GENERIC == "X000"
    assert InputError("x").code == XCode.INPUT
    assert OutputError("x").code == XCode.OUTPUT
    assert OutputExists("x").code == XCode.OUT_TAKEN
    assert EnvironmentProblem("x").code == XCode.NO_PROGRAM
    e = InputError("x", code=XCode.OUT_FOLDER)
    assert e.code == "X102" and f"{e.code}" == "X102" and str(e.code) == "X102"


def test_the_docs_list_every_code_with_its_meaning():
    text = (ROOT / "docs" / "error-codes.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| (X\d{3}) \| `(\w+)` \|", text, flags=re.M))
    assert rows == {m.value: m.name for m in XCode}
    for member in XCode:
        assert member.meaning in text, member
