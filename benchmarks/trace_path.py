"""The path one cell value takes through the package: modules entered, re-entries, and every parse of a value.

Run:  python benchmarks/trace_path.py [--file WORKBOOK] [--value TEXT] [--format md|docx|html]
                                      [--entry check|report|both] [--cold] [--timeline-width 110]

Default input: ``workbooks/示例-临汾六类人群.xlsx`` and its 预算执行率 row's 实际完成值 ``93.32%`` (a
string no other cell of that workbook holds). Two entries are traced with ``sys.setprofile``:

* ``check``: ``xlperf.api.check_file(path)``;
* ``report``: the command line itself, in this process (``xlperf report PATH --format md -o TMP``
  through ``xlperf.cli.cli.main(..., standalone_mode=False)``); the function the ``report``
  command calls is found at run time (the first function of another xlperf module called from
  ``xlperf.cli``) and named in the output.

Before tracing, each entry is run once untraced (imports done, caches warm) unless ``--cold``.

For each entry it prints:

* the module timeline (printed with repeated groups folded as ``(a b)×n``): the xlperf module that is running, after every call into or return to an
  xlperf function (``→`` a call, ``←`` a return), consecutive repeats collapsed; code outside
  xlperf (click, openpyxl, the standard library) is invisible: it neither starts nor ends a run;
* transitions and *module re-entries*: entries in the collapsed timeline whose module had already
  appeared earlier in it (a return to a module already left counts, as does calling it again);
  per-module counts;
* every call of the parse functions of ``xlperf.core.values`` (``parse_value`` and any other public
  function whose name starts with ``parse``; the names found are printed) with the calling
  module and function (the nearest frame outside ``xlperf.core.values``), split at the last
  return of the scoring entry ``evaluate`` (looked up as ``xlperf.core.scoring.evaluate``;
  otherwise any xlperf function named ``evaluate``; what was used is printed): calls before it
  happen while the Evaluation is built, calls after it re-parse what is already scored;
* the functions that received the followed value itself as an argument, in order.

Uses only ``xlperf.api.check_file``, ``xlperf.cli.cli`` and module/function names read from frames,
so it runs at any commit that keeps those.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH") and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # PYTHONPATH, when set, says which tree is measured

DEFAULT_FILE = ROOT / "workbooks" / "示例-临汾六类人群.xlsx"
DEFAULT_VALUE = "93.32%"
VALUES_MODULE = "xlperf.core.values"


def parse_codes() -> dict:
    """{code object: qualified name} of the public parse functions of xlperf.core.values."""
    import importlib

    mod = importlib.import_module(VALUES_MODULE)
    out = {}
    for name in dir(mod):
        fn = getattr(mod, name)
        if name.startswith("parse") and callable(fn) and getattr(fn, "__module__", "") == VALUES_MODULE:
            code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__wrapped__", None), "__code__", None)
            if code is not None:
                out[code] = f"{VALUES_MODULE}.{name}"
    return out


class Tracer:
    def __init__(self, value: str, parse: dict):
        self.value = value
        self.parse = parse
        self.seq = 0
        self.timeline: list[tuple[str, str]] = []  # (arrow, module), collapsed
        self.calls = 0
        self.evaluate_returns: list[int] = []
        self.evaluate_name = ""
        self.parses: list[tuple[int, str, str, str, bool]] = []  # seq, parse fn, caller module, caller function, is the followed value
        self.received: list[tuple[int, str, str]] = []  # seq, module.function, argument name
        self.cli_callees: list[str] = []

    @staticmethod
    def _module(frame) -> str:
        return frame.f_globals.get("__name__", "") or ""

    def _push(self, arrow: str, module: str) -> None:
        if not self.timeline or self.timeline[-1][1] != module:
            self.timeline.append((arrow, module))

    def __call__(self, frame, event, arg):
        if event not in ("call", "return"):
            return
        mod = self._module(frame)
        if not mod.startswith("xlperf"):
            return
        self.seq += 1
        code = frame.f_code
        if event == "call":
            self.calls += 1
            self._push("→", mod)
            back = frame.f_back
            if back is not None and self._module(back) == "xlperf.cli" and mod != "xlperf.cli":
                self.cli_callees.append(f"{mod}.{code.co_name}")
            for i, name in enumerate(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]):
                v = frame.f_locals.get(name)
                if isinstance(v, str) and v == self.value:
                    self.received.append((self.seq, f"{mod}.{getattr(code, 'co_qualname', code.co_name)}", name))
            if code in self.parse:
                caller = frame.f_back
                while caller is not None and self._module(caller) == VALUES_MODULE:
                    caller = caller.f_back
                cm = self._module(caller) if caller else "?"
                cf = getattr(caller.f_code, "co_qualname", caller.f_code.co_name) if caller else "?"
                first = frame.f_locals.get(code.co_varnames[0]) if code.co_argcount else None
                self.parses.append((self.seq, self.parse[code], cm, cf, isinstance(first, str) and first == self.value))
        else:
            if code.co_name == "evaluate" and (mod == "xlperf.core.scoring" or not self.evaluate_name):
                self.evaluate_name = f"{mod}.evaluate"
                self.evaluate_returns.append(self.seq)
            back = frame.f_back
            if back is not None and self._module(back).startswith("xlperf"):
                self._push("←", self._module(back))


def compress(tokens: list[str], periods: tuple[int, ...] = (2, 4, 6)) -> list[str]:
    """Runs of a repeated group of tokens as ``(a b)×n``: ``→grid ←template`` 90 times is one item.
    Only the printed timeline is compressed; the counts are taken on the full one."""
    for p in periods:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            group = tokens[i : i + p]
            n = 1
            while len(group) == p and tokens[i + n * p : i + (n + 1) * p] == group:
                n += 1
            if n > 1:
                out.append("(" + " ".join(group) + f")×{n}")
                i += n * p
            else:
                out.append(tokens[i])
                i += 1
        tokens = out
    return tokens


def run_traced(label: str, fn, value: str, parse: dict, width: int) -> None:
    t = Tracer(value, parse)
    t0 = time.perf_counter()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        sys.setprofile(t)
        try:
            fn()
        finally:
            sys.setprofile(None)
    seconds = time.perf_counter() - t0
    print(f"== entry: {label}")
    if t.cli_callees:
        rest = [c for c in dict.fromkeys(t.cli_callees) if c != t.cli_callees[0]]
        print(f"   the report command called: {t.cli_callees[0]}" + (f" (then {', '.join(rest)})" if rest else ""))
    if printed.getvalue().strip():
        print(f"   it printed {len(printed.getvalue().splitlines())} lines (not shown)")
    print(f"   {t.calls} calls of xlperf functions, traced in {seconds:.2f} s")
    modules = [m for _, m in t.timeline]
    seen: set[str] = set()
    reentries: Counter = Counter()
    for m in modules:
        if m in seen:
            reentries[m] += 1
        seen.add(m)
    print(f"   module timeline: {len(modules)} runs over {len(seen)} modules, {max(0, len(modules) - 1)} transitions, "
          f"{sum(reentries.values())} module re-entries")
    print("   re-entries per module: " + ", ".join(f"{m.removeprefix('xlperf.')} {n}" for m, n in reentries.most_common()))
    line = " ".join(compress([f"{a}{m.removeprefix('xlperf.')}" for a, m in t.timeline]))
    print(textwrap.indent(textwrap.fill(line, width=width, break_on_hyphens=False), "     "))
    last = t.evaluate_returns[-1] if t.evaluate_returns else None
    print(f"   evaluate: {t.evaluate_name or 'not called'}; returned {len(t.evaluate_returns)} time(s), last at event #{last}")
    before = [p for p in t.parses if last is not None and p[0] <= last]
    after = [p for p in t.parses if last is None or p[0] > last]
    print(f"   parse calls ({', '.join(sorted(set(parse.values()))) or 'none found'}): {len(t.parses)} in all; "
          f"{len(before)} before the Evaluation exists, {len(after)} after "
          f"(of which the followed value {value!r}: {sum(p[4] for p in before)} before, {sum(p[4] for p in after)} after)")
    for title, group in (("before", before), ("after", after)):
        by = Counter((p[1].rsplit(".", 1)[-1], p[2], p[3]) for p in group)
        for (fname, m, f), n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"     {title:6s} {n:4d} × {fname} from {m}.{f}")
    print(f"   functions that received {value!r} as an argument, in order:")
    for seq, where, name in t.received:
        side = "before" if last is not None and seq <= last else "after "
        print(f"     #{seq:<7d} {side} {where}({name}=…)")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--value", default=DEFAULT_VALUE, help="the cell text to follow")
    ap.add_argument("--format", default="md", help="report format for the report entry")
    ap.add_argument("--entry", choices=("check", "report", "both"), default="both")
    ap.add_argument("--cold", action="store_true", help="no untraced warm-up run")
    ap.add_argument("--timeline-width", type=int, default=110)
    args = ap.parse_args()

    import xlperf

    from xlperf.api import check_file
    from xlperf.cli import cli

    path = args.file.resolve()
    print(f"xlperf from {Path(xlperf.__file__).parent}; file {path.name}; followed value {args.value!r}")
    parse = parse_codes()
    tmp = Path(tempfile.mkdtemp(prefix="xlperf-trace-"))

    def report() -> None:
        out = tmp / f"report.{args.format}"
        out.unlink(missing_ok=True)
        try:
            cli.main(args=["report", str(path), "--format", args.format, "-o", str(out)], prog_name="xlperf", standalone_mode=False)
        except SystemExit as exc:
            if exc.code not in (0, 1, None):
                raise
        if not out.exists():
            raise SystemExit(f"the report command wrote no {out}")

    entries = []
    if args.entry in ("check", "both"):
        entries.append((f"xlperf.api.check_file({path.name})", lambda: check_file(path)))
    if args.entry in ("report", "both"):
        entries.append((f"xlperf report {path.name} --format {args.format} (in-process CLI)", report))
    for label, fn in entries:
        if not args.cold:
            with contextlib.redirect_stdout(io.StringIO()):
                fn()
        run_traced(label, fn, args.value, parse, args.timeline_width)


if __name__ == "__main__":
    main()
