"""Static counts of how many paths, caches and scattered literals the package has: AST only, nothing is imported.

Run:  python benchmarks/pipeline_counts.py [--tree REPO] [--json] [--list]

Scans every ``*.py`` under ``REPO/xlperf`` (default: this checkout). A *function* is every
``def``/``async def`` (methods as ``Class.name``, nested ones as ``outer.<locals>.name``); its
*own body* is its statements without the bodies of functions or classes defined inside it
(those are functions of their own; lambdas and comprehensions belong to the body). A call's
*name* is the last part of what is called (``x.y.read_book(...)`` -> ``read_book``).

(a) load functions: functions whose own body calls a READER and calls ``evaluate`` (the scoring
    entry). READER = a call named ``read``, ``read_*``, ``open_*``, ``load_*`` (except names
    ending in ``evaluation``: those return an Evaluation, see (b)), ``FileBook``,
    ``form_or_book``, ``find_forms`` or ``one_form``. Each is listed with what it called.
(b) report orchestrators: functions whose own body obtains an Evaluation and renders or writes a
    report. OBTAINS = a call of ``evaluate``, of a function found in (a) (by name), or named
    ``check_file``, ``recalculate``, ``compute``, or ``load_``/``read_``/``get_``/``check_``
    ``…evaluation``.
    RENDERS = a call named ``render*``, ``write_report``, ``write_form_xlsx``, ``DocxTemplate``,
    or ``write_*`` ending in ``docx``/``pdf``/``html``/``markdown``/``md``/``report``.
(c) module-level caches: (c1) a module-level name bound to a mutable container (dict/list/set
    display or comprehension, or a call of dict/list/set/defaultdict/OrderedDict/deque/
    WeakValueDictionary/WeakKeyDictionary) that some function in the module mutates (item or
    attribute assignment/deletion, or a call of append/add/update/setdefault/clear/pop/
    popitem/extend/insert/remove/discard on it); containers that are never mutated are shown
    with ``--list`` only, as constants; (c2) a module-level name bound to ``None`` that a
    function assigns after ``global NAME``; (c3) functions decorated with ``functools.cache``
    / ``lru_cache`` / ``cached_property`` (memoised state). Count = c1 + c2 + c3.
(d) X-codes: string literals matching ``X`` + 3 digits that are a ``code=`` keyword argument, or
    appear anywhere inside a ``raise`` statement, in a module that is not a catalogue (a module
    whose file name contains ``catalog`` or ``codes``). Also shown: every X-code literal outside
    a catalogue module that is not itself a definition (see (e)), wherever it is.
(e) bare domain words: string literals equal (the whole string, stripped) to a severity
    (错误 警告 提示), a style name (通用 四川 山西 陕西 湖南), an evaluation type (部门整体支出
    项目支出), a direction (≥ ≤ 定性 时效 不适用) or a tier (达成 部分达成 未达成), plus
    tuples/lists/sets holding two or more style names ("style collections"). An occurrence
    is a *definition* (not counted as bare) when it lies in the value of an assignment at module
    level or directly in a class body (a named constant, or a member of an Enum), or in the
    module's docstrings; every other occurrence (in a function body, a default argument, a
    comparison, a call) is *bare*. Docstrings and f-strings are never counted. Per-file counts
    of bare occurrences are printed; the definitions are counted per word to show how many
    modules define the same word.
(f) whole-book reads: dict comprehensions ``{n: X.read(n) for n in ...}`` (any call whose name
    is ``read`` or starts with ``read`` with the loop variable as an argument, looping over
    something whose source text says ``name`` or ``sheet``); those with an
    ``if`` filter are counted apart (they read only some sheets).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READER_NAMES = {"read", "FileBook", "form_or_book", "find_forms", "one_form"}
READER_RE = re.compile(r"^(read_\w+|open_\w+|load_\w+)$")
OBTAIN_NAMES = {"evaluate", "check_file", "recalculate", "compute", "load_evaluation"}
OBTAIN_RE = re.compile(r"^(load|read|get|check)_\w*evaluation$")
RENDER_NAMES = {"write_report", "write_form_xlsx", "DocxTemplate"}
RENDER_RE = re.compile(r"^(render\w*|write_\w*(docx|pdf|html|markdown|md|report))$")
CONTAINER_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "deque", "WeakValueDictionary", "WeakKeyDictionary", "Counter"}
MUTATORS = {"append", "add", "update", "setdefault", "clear", "pop", "popitem", "extend", "insert", "remove", "discard"}
CACHE_DECORATORS = {"cache", "lru_cache", "cached_property"}
XCODE = re.compile(r"^X\d{3}$")

WORDS = {
    "severity": ("错误", "警告", "提示"),
    "style": ("通用", "四川", "山西", "陕西", "湖南"),
    "type": ("部门整体支出", "项目支出"),
    "direction": ("≥", "≤", "定性", "时效", "不适用"),
    "tier": ("达成", "部分达成", "未达成"),
}
WORD_KIND = {w: k for k, ws in WORDS.items() for w in ws}


def call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return ""


def own_nodes(fn: ast.AST):
    """Every node of a function's own body (not inside nested defs/classes)."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(n))


def functions(tree: ast.Module):
    """(qualified name, node) for every function, methods and nested ones included."""
    out = []

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = prefix + child.name
                out.append((q, child))
                walk(child, q + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)

    walk(tree, "")
    return out


def docstring_nodes(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


class Module:
    def __init__(self, path: Path, rel: str):
        self.path = path
        self.rel = rel
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.funcs = functions(self.tree)
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node

    def is_definition(self, node) -> bool:
        """In the value of an assignment at module level or directly in a class body."""
        child = node
        for anc in self.chain(node):
            if isinstance(anc, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and child is not getattr(anc, "target", None) and child not in getattr(anc, "targets", []):
                if isinstance(self.parents.get(id(anc)), (ast.Module, ast.ClassDef)):
                    return True
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
            child = anc
        return False

    def chain(self, node):
        while id(node) in self.parents:
            node = self.parents[id(node)]
            yield node


def scan(tree_root: Path) -> dict:
    pkg = tree_root / "xlperf"
    mods = [Module(p, str(p.relative_to(tree_root))) for p in sorted(pkg.rglob("*.py"))]

    # (a) load functions
    load: list[dict] = []
    for m in mods:
        for q, fn in m.funcs:
            names = [call_name(n) for n in own_nodes(fn) if isinstance(n, ast.Call)]
            readers = sorted({n for n in names if (n in READER_NAMES or READER_RE.match(n)) and not n.endswith("evaluation")})
            if readers and "evaluate" in names:
                load.append({"file": m.rel, "function": q, "line": fn.lineno, "readers": readers})
    load_names = {d["function"].rsplit(".", 1)[-1] for d in load}

    # (b) report orchestrators
    orch: list[dict] = []
    for m in mods:
        for q, fn in m.funcs:
            names = [call_name(n) for n in own_nodes(fn) if isinstance(n, ast.Call)]
            obtains = sorted({n for n in names if n in OBTAIN_NAMES or n in load_names or OBTAIN_RE.match(n)})
            renders = sorted({n for n in names if n in RENDER_NAMES or RENDER_RE.match(n)})
            if obtains and renders:
                orch.append({"file": m.rel, "function": q, "line": fn.lineno, "obtains": obtains, "renders": renders})

    # (c) caches
    caches: list[dict] = []
    constants: list[dict] = []
    for m in mods:
        containers: dict[str, int] = {}
        nones: dict[str, int] = {}
        for stmt in m.tree.body:
            targets, value = [], None
            if isinstance(stmt, ast.Assign):
                targets, value = [t for t in stmt.targets if isinstance(t, ast.Name)], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            if value is None:
                continue
            mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
                isinstance(value, ast.Call) and call_name(value) in CONTAINER_CALLS
            )
            for t in targets:
                if mutable:
                    containers[t.id] = stmt.lineno
                elif isinstance(value, ast.Constant) and value.value is None:
                    nones[t.id] = stmt.lineno
        mutated: set[str] = set()
        global_assigned: set[str] = set()
        for _, fn in m.funcs:
            declared = {n for node in own_nodes(fn) if isinstance(node, ast.Global) for n in node.names}
            for node in own_nodes(fn):
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                    tgts = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                    for t in tgts:
                        if isinstance(t, (ast.Subscript, ast.Attribute)) and isinstance(t.value, ast.Name) and t.value.id in containers:
                            mutated.add(t.value.id)
                        if isinstance(t, ast.Name) and t.id in declared:
                            global_assigned.add(t.id)
                            if t.id in containers:
                                mutated.add(t.id)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                    if isinstance(node.func.value, ast.Name) and node.func.value.id in containers:
                        mutated.add(node.func.value.id)
        for name, line in sorted(containers.items(), key=lambda kv: kv[1]):
            (caches if name in mutated else constants).append({"file": m.rel, "name": name, "line": line, "kind": "mutated module-level container" if name in mutated else "container never mutated"})
        for name, line in sorted(nones.items(), key=lambda kv: kv[1]):
            if name in global_assigned:
                caches.append({"file": m.rel, "name": name, "line": line, "kind": "None, assigned via global"})
        for q, fn in m.funcs:
            for d in fn.decorator_list:
                dn = d.func if isinstance(d, ast.Call) else d
                dname = dn.attr if isinstance(dn, ast.Attribute) else getattr(dn, "id", "")
                if dname in CACHE_DECORATORS:
                    caches.append({"file": m.rel, "name": q, "line": fn.lineno, "kind": f"@{dname}"})

    # (d) X-codes
    xraise: list[dict] = []
    xall: Counter = Counter()
    for m in mods:
        if "catalog" in m.path.name or "codes" in m.path.name:
            continue
        for node in ast.walk(m.tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and XCODE.match(node.value)):
                continue
            if not m.is_definition(node):
                xall[m.rel] += 1
            parent = m.parents.get(id(node))
            how = None
            if isinstance(parent, ast.keyword) and parent.arg == "code":
                how = "code="
            elif any(isinstance(a, ast.Raise) for a in m.chain(node)):
                how = "raise"
            if how:
                xraise.append({"file": m.rel, "line": node.lineno, "code": node.value, "how": how})

    # (e) domain words
    bare: dict[str, Counter] = defaultdict(Counter)  # file -> kind -> n
    bare_words: Counter = Counter()
    bare_sites: list[dict] = []
    defined: dict[str, set[str]] = defaultdict(set)  # word -> modules defining it
    definitions: Counter = Counter()
    for m in mods:
        docs = docstring_nodes(m.tree)
        in_joined = {id(c) for j in ast.walk(m.tree) if isinstance(j, ast.JoinedStr) for c in ast.walk(j)}

        is_definition = m.is_definition
        styles_in_collections: set[int] = set()
        for node in ast.walk(m.tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                members = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.strip() in WORDS["style"]]
                if len(members) >= 2:
                    styles_in_collections.update(id(e) for e in members)
                    if is_definition(node):
                        definitions["style collection"] += 1
                        defined["<style collection>"].add(m.rel)
                    else:
                        bare[m.rel]["style collection"] += 1
                        bare_words["<style collection>"] += 1
                        bare_sites.append({"file": m.rel, "line": node.lineno, "word": ast.unparse(node)[:60]})
        for node in ast.walk(m.tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs or id(node) in in_joined:
                continue
            word = node.value.strip()
            if word not in WORD_KIND or id(node) in styles_in_collections:
                continue
            if is_definition(node):
                definitions[word] += 1
                defined[word].add(m.rel)
            else:
                bare[m.rel][WORD_KIND[word]] += 1
                bare_words[word] += 1
                bare_sites.append({"file": m.rel, "line": node.lineno, "word": word})

    # (f) whole-book reads
    reads: list[dict] = []
    for m in mods:
        for node in ast.walk(m.tree):
            if not isinstance(node, ast.DictComp) or len(node.generators) != 1:
                continue
            gen = node.generators[0]
            if not isinstance(gen.target, ast.Name) or not isinstance(node.value, ast.Call):
                continue
            call = node.value
            if not call_name(call).startswith("read") or not re.search("name|sheet", ast.unparse(gen.iter), re.I):
                continue
            if any(isinstance(a, ast.Name) and a.id == gen.target.id for a in call.args):
                fn = next((q for q, f in m.funcs if f.lineno <= node.lineno <= (f.end_lineno or f.lineno) and node in ast.walk(f)), "<module>")
                reads.append({"file": m.rel, "line": node.lineno, "function": fn, "filtered": bool(gen.ifs), "source": ast.unparse(node)[:90]})

    return {
        "tree": str(tree_root),
        "modules": len(mods),
        "load_functions": load,
        "report_orchestrators": orch,
        "caches": caches,
        "constant_containers": constants,
        "xcodes_at_raise_or_code": xraise,
        "xcode_literals_by_file": dict(sorted(xall.items())),
        "bare_words_by_file": {f: dict(c) for f, c in sorted(bare.items())},
        "bare_words_by_word": dict(bare_words.most_common()),
        "bare_word_sites": bare_sites,
        "definitions_by_word": {w: {"occurrences": definitions[w if w != "<style collection>" else "style collection"], "modules": sorted(defined[w])} for w in sorted(defined)},
        "whole_book_reads": reads,
    }


def commit(tree_root: Path) -> str:
    import subprocess

    r = subprocess.run(["git", "-C", str(tree_root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return r.stdout.strip() or "?"


def summary(r: dict) -> dict[str, int]:
    return {
        "(a) load functions": len(r["load_functions"]),
        "(b) report orchestrators": len(r["report_orchestrators"]),
        "(c) module-level caches": len(r["caches"]),
        "(d) X-codes at raise/code= outside a catalogue": len(r["xcodes_at_raise_or_code"]),
        "(d) X-code literals outside a catalogue": sum(r["xcode_literals_by_file"].values()),
        "(e) bare domain-word literals": sum(sum(c.values()) for c in r["bare_words_by_file"].values()),
        "(f) whole-book dict-comprehension reads (no filter)": sum(1 for x in r["whole_book_reads"] if not x["filtered"]),
        "(f) filtered dict-comprehension reads": sum(1 for x in r["whole_book_reads"] if x["filtered"]),
    }


def show(r: dict, full: bool) -> None:
    print(f"xlperf at {r['tree']} (commit {r['commit']}), {r['modules']} modules")
    for k, v in summary(r).items():
        print(f"  {v:5d}  {k}")
    print("\n(a) load functions (own body calls a reader and evaluate)")
    for d in r["load_functions"]:
        print(f"  {d['file']}:{d['line']}  {d['function']}  readers={','.join(d['readers'])}")
    print("\n(b) report orchestrators (obtain an Evaluation and render/write a report)")
    for d in r["report_orchestrators"]:
        print(f"  {d['file']}:{d['line']}  {d['function']}  obtains={','.join(d['obtains'])}  renders={','.join(d['renders'])}")
    print("\n(c) module-level caches")
    for d in r["caches"]:
        print(f"  {d['file']}:{d['line']}  {d['name']}  ({d['kind']})")
    if full:
        print("  module-level containers never mutated (constants, not counted):")
        for d in r["constant_containers"]:
            print(f"    {d['file']}:{d['line']}  {d['name']}")
    print("\n(d) X-codes at raise sites / code= outside a catalogue, per file")
    per = Counter(d["file"] for d in r["xcodes_at_raise_or_code"])
    for f, n in sorted(per.items()):
        print(f"  {n:4d}  {f}")
    if full:
        for d in r["xcodes_at_raise_or_code"]:
            print(f"    {d['file']}:{d['line']}  {d['code']}  ({d['how']})")
    print("\n(e) bare domain-word literals per file (severity/style/style collection/type/direction/tier)")
    kinds = ("severity", "style", "style collection", "type", "direction", "tier")
    print(f"  {'total':>5}  " + "  ".join(f"{k[:9]:>9}" for k in kinds) + "  file")
    for f, c in sorted(r["bare_words_by_file"].items(), key=lambda kv: -sum(kv[1].values())):
        print(f"  {sum(c.values()):5d}  " + "  ".join(f"{c.get(k, 0):9d}" for k in kinds) + f"  {f}")
    if full:
        for d in sorted(r["bare_word_sites"], key=lambda d: (d["file"], d["line"])):
            print(f"    {d['file']}:{d['line']}  {d['word']}")
    print("  by word: " + ", ".join(f"{w} {n}" for w, n in r["bare_words_by_word"].items()))
    print("  defined as constants in: " + "; ".join(f"{w} ({len(d['modules'])} modules)" for w, d in r["definitions_by_word"].items()))
    print("\n(f) dict comprehensions reading sheets")
    for d in r["whole_book_reads"]:
        print(f"  {d['file']}:{d['line']}  {d['function']}  {'filtered' if d['filtered'] else 'ALL'}  {d['source']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", type=Path, default=ROOT, help="checkout to scan (its xlperf/ folder)")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    ap.add_argument("--list", action="store_true", help="also list each X-code site, each bare word and the never-mutated containers")
    args = ap.parse_args()
    root = args.tree.resolve()
    if not (root / "xlperf").is_dir():
        sys.exit(f"no xlperf/ under {root}")
    r = scan(root)
    r["commit"] = commit(root)
    r["summary"] = summary(r)
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
    else:
        show(r, args.list)


if __name__ == "__main__":
    main()
