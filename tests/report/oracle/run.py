"""Render a generated space of workbooks in every style and format and check each report.

    python -m tests.report.oracle.run [--n N] [--seed S] [--html-every K] [--pdf-every K] [--xlsx-every K] [--keep DIR]

Prints the number of cases (workbook × style × format), the number of facts checked, and the
failures grouped by class with a few examples each (file, style, sentence, what the evaluation says).
"""

from __future__ import annotations

import argparse
import re
import copy
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .check import Result, check_report
from .extract import load
from .gen import DEPT_STYLES, PROJECT_STYLES, Spec, space, write
from .truth import truth_of


@dataclass
class Case:
    workbook: str
    variant: str
    style: str
    fmt: str
    public: bool
    report: str
    results: list[Result] = field(default_factory=list)
    error: str = ""


def render(workbook: Path, out: Path, style: str, fmt: str, *, public: bool = False, projects: Path | None = None) -> str:
    """``xlperf report`` through click's runner; "" when the report was written, else the output."""
    from click.testing import CliRunner

    from xlperf.cli import cli

    args = ["report", str(workbook), "--style", style, "--format", fmt, "-o", str(out)]
    if public:
        args.append("--public")
    if projects is not None:
        args += ["--projects", str(projects)]
    res = CliRunner().invoke(cli, args)
    if not out.exists():
        return (res.output or "") + (repr(res.exception) if res.exception and not isinstance(res.exception, SystemExit) else "")
    return ""


def build(specs: list[Spec], root: Path) -> list[tuple[Spec, Path, Path | None]]:
    made = []
    for i, s in enumerate(specs):
        d = root / f"{i:03d}"
        d.mkdir(parents=True)
        wb = write(s, d / f"{s.name}.xlsx")
        proj = None
        if s.projects:
            proj = d / "项目"
            proj.mkdir()
            for k, p in enumerate(s.projects):
                p = copy.deepcopy(p)
                p.info["项目名称"] = f"{p.info['项目名称']}（{k + 1}）"
                s.projects[k] = p
                write(p, proj / f"p{k + 1}.xlsx")
        made.append((s, wb, proj))
    return made


def run(
    n: int,
    seed: int = 2026,
    html_every: int = 3,
    pdf_every: int = 0,
    public_every: int = 2,
    root: Path | None = None,
    formats: tuple[str, ...] = ("md", "docx"),
    docx_every: int = 1,
    xlsx_every: int = 2,
) -> list[Case]:
    own = root is None
    root = Path(tempfile.mkdtemp(prefix="xlperf-oracle-")) if root is None else root
    cases: list[Case] = []
    try:
        specs = space(n, seed)
        for idx, (spec, wb, proj) in enumerate(build(specs, root / "wb")):
            truth = truth_of(wb, sorted(proj.glob("*.xlsx")) if proj else ())
            styles = DEPT_STYLES if proj else PROJECT_STYLES
            fmts = [f for f in formats if f != "docx" or (docx_every and idx % docx_every == 0)]
            if html_every and idx % html_every == 0:
                fmts.append("html")
            if pdf_every and idx % pdf_every == 0:
                fmts.append("pdf")
            if xlsx_every and idx % xlsx_every == 0 and not proj:  # a department has no one-sheet 自评表 of its own
                fmts.append("xlsx")  # the official 自评表 alone
            for style in styles:
                for fmt in fmts:
                    wants_public = (public_every and idx % public_every == 0) or "people" in spec.variant
                    variants = [False] + ([True] if wants_public and (fmt == "md" or "people" in spec.variant) else [])
                    for public in variants:
                        out = root / "out" / f"{idx:03d}-{style}{'-公示' if public else ''}.{fmt}"
                        out.parent.mkdir(parents=True, exist_ok=True)
                        c = Case(spec.name, spec.variant, style, fmt, public, str(out))
                        c.error = render(wb, out, style, fmt, public=public, projects=proj)
                        if not c.error:
                            c.results = check_report(load(out), truth, style=style, public=public)
                        cases.append(c)
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)
    return cases


def summary(cases: list[Case], examples: int = 3) -> str:
    facts = sum(len(c.results) for c in cases)
    fails: dict[str, list[tuple[Case, Result]]] = defaultdict(list)
    for c in cases:
        for r in c.results:
            if not r.ok:
                fails[r.cls].append((c, r))
    errors = [c for c in cases if c.error]
    workbooks = len({(c.workbook, c.variant) for c in cases})
    lines = [
        f"cases: {len(cases)} (workbooks {workbooks} × styles × formats; formats {', '.join(sorted({c.fmt for c in cases}))}; public copies {sum(c.public for c in cases)})",
        "per format: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.fmt for c in cases).items()))
        + "; per style: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.style for c in cases).items())),
        f"facts checked: {facts}",
        f"failed facts: {sum(len(v) for v in fails.values())} in {len(fails)} classes; render errors: {len(errors)}",
        "",
    ]
    for cls, items in sorted(fails.items(), key=lambda kv: -len(kv[1])):
        reports = len({c.report for c, _ in items})
        lines.append(f"[{cls}] {len(items)} failed facts in {reports} reports")
        seen = set()
        shown = 0
        for c, r in items:
            key = re.sub(r"[\s|]+", "", r.fact)[:24]  # distinct facts first: the same sentence in other styles adds nothing
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"  - {c.workbook} [{c.variant}] {c.style} {c.fmt}{' 公示' if c.public else ''}")
            lines.append(f"      report: {r.fact[:200]}")
            lines.append(f"      truth:  {r.expected[:200]}")
            shown += 1
            if shown >= examples:
                break
        lines.append("")
    checked = checked_classes(cases)
    lines.append("facts checked per class (failed): " + ", ".join(f"{k} {v}" + (f" ({len(fails[k])})" if fails.get(k) else "") for k, v in sorted(checked.items())))
    lines.append("")
    for c in errors[:5]:
        lines.append(f"render error: {c.workbook} {c.style} {c.fmt}: {c.error[:300]}")
    return "\n".join(lines)


def failing_classes(cases: list[Case]) -> set[str]:
    return {r.cls for c in cases for r in c.results if not r.ok}


def checked_classes(cases: list[Case]) -> dict[str, int]:
    """How many facts each failure class was checked on (passed or failed)."""
    out: dict[str, int] = defaultdict(int)
    for c in cases:
        for r in c.results:
            out[r.cls] += 1
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=30, help="number of workbooks")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--html-every", type=int, default=3)
    ap.add_argument("--pdf-every", type=int, default=0)
    ap.add_argument("--xlsx-every", type=int, default=2, help="the official 自评表 (--format xlsx) for every K-th workbook")
    ap.add_argument("--keep", type=Path, default=None, help="keep workbooks and reports in this folder")
    a = ap.parse_args(argv)
    t0 = time.time()
    root = None
    if a.keep:
        shutil.rmtree(a.keep, ignore_errors=True)
        root = a.keep
    cases = run(a.n, a.seed, a.html_every, a.pdf_every, root=root, xlsx_every=a.xlsx_every)
    print(summary(cases))
    print(f"({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
