"""Every user-visible output of the shipped examples, written to a folder, and a comparison of two such folders.

Measures: what a restructuring changes in what users get. For every input (each shipped example
``workbooks/示例-*.xlsx`` and a 湖南 部门整体支出 workbook with two project workbooks for the
annex, built the way tests/test_department.py builds them, since no department example is
shipped) it runs only the public command line, in a child process whose PYTHONPATH is the tree
being measured:

* ``xlperf report IN --style S --format F -o reports/<input>/<S>.<F>`` for every style
  (通用 四川 山西 陕西 湖南) and format (docx md html xlsx; pdf with ``--pdf``, needs LibreOffice
  and is slow); the department workbook with ``--projects``;
* ``xlperf check IN --format json`` -> ``check/<input>.json``;
* ``xlperf calc IN -o calc/<input>.xlsx`` (every cell value is read back with openpyxl).

Each command's exit code and printed text (``*.cli.txt``) are kept too: a refusal is an output.
Every file gets a normalized text form under ``text/`` (docx: body paragraphs and table cells in
document order, then headers and footers, via python-docx; the core properties (timestamps) are
left out; xlsx: every cell as ``sheet!A1<TAB>value`` with formulas and their cached values; json:
re-dumped with sorted keys; md/html/txt as they are; pdf: ``pdftotext`` when installed).
``manifest.json`` lists the commit, each command, its exit code and time.

Run (at the tree to measure; the commands run with cwd = OUT and relative paths):

    python benchmarks/report_outputs.py OUT [--tree REPO] [--inputs OLD_OUT/inputs] [--pdf] [--jobs N]
    python benchmarks/report_outputs.py --compare DIR_A DIR_B [--diff-lines 30] [--quiet]

``--tree`` is the checkout whose code is run (default: this script's checkout); ``--inputs``
reuses the input workbooks of an earlier run instead of building them (so that only rendering is
compared; without it the department workbooks are built by the tree's own
``xlperf.workbook.template.build_template``/``fill_workbook``, looked up at run time).
``--compare`` lists, per file, ``identical bytes`` / ``identical text`` / ``DIFFERENT`` (with a
short unified diff of the normalized text) / ``only in A`` / ``only in B``, then the counts; it
exits 1 when anything differs in text or exists on one side only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLES = ("通用", "四川", "山西", "陕西", "湖南")
FORMATS = ("docx", "md", "html", "xlsx")
TEXT_DIR = "text"
MANIFEST = "manifest.json"

# The department workbook and its projects: the data of tests/test_department.py, copied so the
# input does not change when the tests do.
DEPT_KEYS = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "偏差原因分析及改进措施")
DEPT_ROWS = [
    ("投入管理指标", "预算配置", "在职人员控制率", 10, "≤100%", "96%"),
    ("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%", "部分政府采购合同尾款次年支付"),
    ("过程指标", "资金管理", "资金使用合规性", 10, "合规", "合规"),
    ("过程指标", "组织实施", "管理制度健全性", 10, "健全", "健全"),
    ("产出指标", "数量指标", "完成年度重点工作数", 15, "≥12项", "12项"),
    ("产出指标", "质量指标", "重点工作完成质量", 15, "≥95%", "97%"),
    ("效益指标", "社会效益", "群众满意度", 20, "≥90%", "93%"),
    ("效益指标", "可持续影响", "长效管理机制", 10, "健全", "健全"),
]
DEPT_BASIC = [["项目", 2024, "2025年"], ["编制数", 50, 50], ["实有人数", 48, 47], ["三公经费（万元）", 12.5, 10.2], [None, None, None], ["其中：公务接待费", 1.25, 0.8]]
DEPT_PROJECTS = {"医保补助.xlsx": ("城乡居民医保补助项目", "补助参保人数"), "购买服务.xlsx": ("医保经办购买服务项目", "购买服务项目数")}

# Run in a child with the measured tree on PYTHONPATH; argv[1] is the folder to write.
BUILD_DEPARTMENT = r"""
import json, sys
from pathlib import Path
import openpyxl
from xlperf.workbook import template as T
spec = json.loads(sys.argv[2])
root = Path(sys.argv[1])
(root / "项目").mkdir(parents=True, exist_ok=True)
master = root / "部门整体.xlsx"
T.build_template(master, evaluation_type="部门整体支出", style="湖南")
T.fill_workbook(master,
    info={"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025, "报告样式": "湖南"},
    budget={"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}},
    indicators=[dict(zip(spec["keys"], r)) for r in spec["rows"]])
wb = openpyxl.load_workbook(master)
if "基础数据" in wb.sheetnames:
    del wb["基础数据"]
ws = wb.create_sheet("基础数据")
for row in spec["basic"]:
    ws.append(row)
wb.save(master)
for file, (name, indicator) in spec["projects"].items():
    p = root / "项目" / file
    T.build_template(p)
    rows = [("产出指标", "数量指标", indicator, 25, "≥100", "102"), ("产出指标", "时效指标", "资金拨付时间", 25, "2025年", "2025"),
            ("效益指标", "社会效益指标", "群众负担减轻", 30, "明显", "明显"), ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "≥95%", "96%")]
    T.fill_workbook(p, info={"项目名称": name, "主管部门": "县医疗保障局", "实施单位": "县医疗保障事务中心", "评价年度": 2025},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 40, "分值": 10}},
        indicators=[dict(zip(spec["keys"], r)) for r in rows])
print("built with xlperf.workbook.template.build_template/fill_workbook")
"""

CLI = "import sys; from xlperf.cli import main; sys.exit(main())"


# --- normalized text ---------------------------------------------------------------------------


def docx_text(path: Path) -> str:
    """Body paragraphs and tables in document order (nested tables indented), then every section's
    headers and footers. Core properties (author, created/modified times) are not included."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(str(path))
    lines: list[str] = []

    def block(parent, el, depth: int) -> None:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("  " * depth + Paragraph(el, parent).text)
        elif tag == "tbl":
            table = Table(el, parent)
            lines.append("  " * depth + "[table]")
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    lines.append("  " * depth + f"[{r},{c}] " + " / ".join(p.text for p in cell.paragraphs))
                    for inner in cell.tables:
                        block(cell, inner._tbl, depth + 1)
            lines.append("  " * depth + "[/table]")
        elif tag == "sdt":  # content controls (e.g. a table of contents)
            for child in el.iter():
                if child.tag.rsplit("}", 1)[-1] == "p":
                    lines.append("  " * depth + Paragraph(child, parent).text)

    for el in doc.element.body.iterchildren():
        block(doc, el, 0)
    for i, section in enumerate(doc.sections):
        for kind in ("header", "first_page_header", "even_page_header", "footer", "first_page_footer", "even_page_footer"):
            part = getattr(section, kind)
            if part.is_linked_to_previous:
                continue
            text = [p.text for p in part.paragraphs] + [c.text for t in part.tables for row in t.rows for c in row.cells]
            if any(text):
                lines.append(f"[section {i} {kind}] " + " | ".join(text))
    return "\n".join(lines) + "\n"


def xlsx_text(path: Path) -> str:
    """Every non-empty cell of every sheet, ``sheet!A1<TAB>repr(value)``; a formula also shows its
    cached value. Sheet names in order first; then merged ranges per sheet."""
    import openpyxl

    raw = openpyxl.load_workbook(path, data_only=False)
    cached = openpyxl.load_workbook(path, data_only=True)
    lines = ["sheets: " + " | ".join(raw.sheetnames)]
    for ws in raw.worksheets:
        wc = cached[ws.title]
        lines.append(f"[{ws.title}] state={ws.sheet_state} merged={sorted(str(m) for m in ws.merged_cells.ranges)}")
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is None:
                    continue
                text = f"{ws.title}!{cell.coordinate}\t{v!r}"
                if isinstance(v, str) and v.startswith("="):
                    text += f"\t-> {wc[cell.coordinate].value!r}"
                lines.append(text)
    return "\n".join(lines) + "\n"


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        return f"(pdftotext not installed; {path.stat().st_size} bytes)\n"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=False).stdout


def normalized(path: Path) -> str:
    """The comparable text of one output file."""
    ext = path.suffix.lower()
    try:
        if ext == ".docx":
            return docx_text(path)
        if ext in (".xlsx", ".xlsm"):
            return xlsx_text(path)
        if ext == ".json":
            return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if ext == ".pdf":
            return pdf_text(path)
        return path.read_text(encoding="utf-8", errors="replace")
    except Exception as exc:  # a broken output is a finding, not a crash of the measurement
        return f"(cannot read {path.name}: {type(exc).__name__}: {exc})\n"


# --- running -----------------------------------------------------------------------------------


def _commit(tree: Path) -> str:
    r = subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    d = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=False)
    return r.stdout.strip() + (" (modified)" if d.stdout.strip() else "")


def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env.setdefault("PYTHONHASHSEED", "0")
    env["COLUMNS"] = "120"
    return env


def build_inputs(out: Path, tree: Path, reuse: Path | None) -> list[dict]:
    """Copy or build the inputs into ``out/inputs``; one entry per input workbook."""
    inputs = out / "inputs"
    if reuse is not None:
        shutil.copytree(reuse, inputs)
    else:
        inputs.mkdir(parents=True)
        for f in sorted((tree / "workbooks").glob("示例-*.xlsx")):
            shutil.copy2(f, inputs / f.name)
        spec = {"keys": DEPT_KEYS, "rows": DEPT_ROWS, "basic": DEPT_BASIC, "projects": DEPT_PROJECTS}
        r = subprocess.run([sys.executable, "-c", BUILD_DEPARTMENT, str(inputs / "部门整体"), json.dumps(spec, ensure_ascii=False)], env=_env(tree), capture_output=True, text=True, check=False)
        if r.returncode != 0:
            print(f"department workbook not built (exit {r.returncode}): {r.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            shutil.rmtree(inputs / "部门整体", ignore_errors=True)
        else:
            print(r.stdout.strip())
    found = [{"name": f.stem, "file": f"inputs/{f.name}", "projects": None} for f in sorted(inputs.glob("*.xlsx"))]
    if (inputs / "部门整体" / "部门整体.xlsx").exists():
        found.append({"name": "部门整体", "file": "inputs/部门整体/部门整体.xlsx", "projects": "inputs/部门整体/项目"})
    return found


def commands(inputs: list[dict], formats: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(output path relative to OUT, xlperf arguments)."""
    cmds: list[tuple[str, list[str]]] = []
    for inp in inputs:
        name, file = inp["name"], inp["file"]
        cmds.append((f"check/{name}.json", ["check", file, "--format", "json"]))
        cmds.append((f"calc/{name}.xlsx", ["calc", file, "-o", f"calc/{name}.xlsx"]))
        for style in STYLES:
            for fmt in formats:
                target = f"reports/{name}/{style}.{fmt}"
                args = ["report", file, "--style", style, "--format", fmt, "-o", target]
                if inp["projects"] is not None:
                    args += ["--projects", inp["projects"]]
                cmds.append((target, args))
    return cmds


def run_one(out: Path, tree: Path, target: str, args: list[str]) -> dict:
    (out / target).parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", CLI, *args], cwd=out, env=_env(tree), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    printed = r.stdout
    if args[0] == "check" and args[-1] == "json":
        (out / target).write_text(r.stdout, encoding="utf-8")
        printed = ""
    log = f"$ xlperf {' '.join(args)}\nexit {r.returncode}\n--- stdout\n{printed}--- stderr\n{r.stderr}"
    (out / (target + ".cli.txt")).write_text(log.replace(str(out), "<OUT>"), encoding="utf-8")
    return {"output": target, "args": args, "exit": r.returncode, "seconds": round(seconds, 2), "written": (out / target).exists()}


def render_all(out: Path, tree: Path, reuse: Path | None, pdf: bool, jobs: int) -> None:
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    inputs = build_inputs(out, tree, reuse)
    formats = FORMATS + (("pdf",) if pdf else ())
    cmds = commands(inputs, formats)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = list(pool.map(lambda c: run_one(out, tree, *c), cmds))
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.relative_to(out).parts[0] in (TEXT_DIR,) and p.name != MANIFEST)
    for p in files:
        rel = p.relative_to(out)
        if rel.suffix == ".txt" or rel.parts[0] == "inputs" and rel.suffix != ".xlsx":
            continue
        t = out / TEXT_DIR / (str(rel) + ".txt")
        t.parent.mkdir(parents=True, exist_ok=True)
        t.write_text(normalized(p), encoding="utf-8")
    manifest = {
        "tree": str(tree),
        "commit": _commit(tree),
        "python": sys.version.split()[0],
        "inputs": inputs,
        "formats": formats,
        "styles": STYLES,
        "runs": runs,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    exits: dict[int, int] = {}
    for r in runs:
        exits[r["exit"]] = exits.get(r["exit"], 0) + 1
    n_files = sum(1 for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] != TEXT_DIR)
    written = sum(r["written"] for r in runs)
    print(f"{out}: commit {manifest['commit']}, {len(inputs)} inputs, {len(runs)} commands (exit codes {dict(sorted(exits.items()))}), "
          f"{written} outputs written, {n_files} files besides text/ ({manifest['seconds']} s)")
    for r in runs:
        if not r["written"]:
            print(f"  no output: xlperf {' '.join(r['args'])} -> exit {r['exit']} (see {r['output']}.cli.txt)")


# --- comparing ---------------------------------------------------------------------------------


def zip_why(pa: Path, pb: Path) -> str:
    """Why two zip packages (docx/xlsx) with the same text differ in bytes: the members whose
    content differs, or only the members' zip timestamps."""
    import zipfile

    try:
        za, zb = zipfile.ZipFile(pa), zipfile.ZipFile(pb)
    except (zipfile.BadZipFile, OSError):
        return ""
    if za.namelist() != zb.namelist():
        return "  (zip member lists differ)"
    content = [n for n in za.namelist() if za.read(n) != zb.read(n)]
    if content:
        return "  (members differ: " + ", ".join(content[:4]) + (" …" if len(content) > 4 else "") + ")"
    if any(za.getinfo(n).date_time != zb.getinfo(n).date_time for n in za.namelist()):
        return "  (only zip member timestamps differ)"
    return "  (zip metadata differs)"


def compare(a: Path, b: Path, diff_lines: int, quiet: bool) -> int:
    def files(d: Path) -> set[str]:
        return {str(p.relative_to(d)) for p in d.rglob("*") if p.is_file() and p.relative_to(d).parts[0] != TEXT_DIR and p.name != MANIFEST}

    fa, fb = files(a), files(b)
    counts = {"identical bytes": 0, "identical text": 0, "DIFFERENT": 0, "only in A": 0, "only in B": 0}
    for rel in sorted(fa | fb):
        if rel not in fb:
            counts["only in A"] += 1
            print(f"only in A       {rel}")
            continue
        if rel not in fa:
            counts["only in B"] += 1
            print(f"only in B       {rel}")
            continue
        pa, pb = a / rel, b / rel
        if pa.read_bytes() == pb.read_bytes():
            counts["identical bytes"] += 1
            if not quiet:
                print(f"identical bytes {rel}")
            continue
        ta, tb = normalized(pa), normalized(pb)
        if ta == tb:
            counts["identical text"] += 1
            print(f"identical text  {rel}{zip_why(pa, pb)}")
            continue
        counts["DIFFERENT"] += 1
        print(f"DIFFERENT       {rel}")
        diff = list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), "A/" + rel, "B/" + rel, n=1, lineterm=""))
        for line in diff[:diff_lines]:
            print("    " + line)
        if len(diff) > diff_lines:
            print(f"    … {len(diff) - diff_lines} more diff lines")
    print("; ".join(f"{k}: {v}" for k, v in counts.items()) + f" (of {len(fa | fb)} files)")
    return 1 if counts["DIFFERENT"] or counts["only in A"] or counts["only in B"] else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, help="folder to write (must not exist or be empty)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code runs (default: this one)")
    ap.add_argument("--inputs", type=Path, default=None, help="reuse this inputs/ folder of an earlier run")
    ap.add_argument("--pdf", action="store_true", help="also render PDF (LibreOffice; slow)")
    ap.add_argument("--jobs", type=int, default=1, help="commands run at once (default 1)")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("DIR_A", "DIR_B"))
    ap.add_argument("--diff-lines", type=int, default=30)
    ap.add_argument("--quiet", action="store_true", help="--compare: list only what is not byte-identical")
    args = ap.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare, args.diff_lines, args.quiet))
    if args.out is None:
        ap.error("give OUT or --compare DIR_A DIR_B")
    render_all(args.out.resolve(), args.tree.resolve(), args.inputs.resolve() if args.inputs else None, args.pdf, args.jobs)


if __name__ == "__main__":
    main()
