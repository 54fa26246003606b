#!/usr/bin/env python3
"""User-path smoke test: install xlperf the way README tells a user to, then run every user command.

Run: python3 .ci/user_path.py        (from any directory; stdlib only; POSIX, it needs a pseudo-terminal)

1. creates a fresh venv in a temp dir;
2. copies the checkout's tracked files (git ls-files) to a second temp dir and runs README's first
   set-up line there with bash, the venv's bin first on PATH: a non-editable install without test
   extras, exactly what a user gets. It must exit 0 and leave the two files it names;
3. from a third temp dir outside any checkout, with copies of workbooks/*.xlsx, runs every user
   command twice: through a pipe and under a pseudo-terminal (120 columns), because xlperf draws
   rich tables and progress bars only at a terminal. Each run must give its documented exit code,
   print Chinese text, and print neither "Traceback" nor "内部错误";
4. runs every command again as on a Chinese Windows PC whose output is redirected (Python then
   writes the ANSI code page): with PYTHONIOENCODING=gbk and =cp936, on files whose names, and a
   项目名称, hold 𠮷 and ✅ (both outside GBK). Each must give the same exit code, its text must be
   valid GBK, and `check --format json` must be UTF-8 JSON naming the file and the project.

Options: --xlperf PATH uses an installed xlperf command instead of steps 1 and 2 (quicker, by hand);
--only gbk,cp936 runs only those encodings' part (``default`` is the plain part).

Prints one line per run (mode, exit code, seconds) and "N passed, M failed"; exits 1 on any failure.
Only the `xlperf` console command and its documented behaviour are used, never the package's modules.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # seconds for one command; the slowest (pip install ., a PDF) take well under a minute
COLUMNS, ROWS = 120, 40
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FORBIDDEN = ("Traceback", "内部错误", "UnicodeEncodeError")

BUY = "示例-临汾购买服务.xlsx"  # no error findings
SIX = "示例-临汾六类人群.xlsx"  # has error findings (E201, E501)
PROJECTS = "项目自评表"  # folder with copies of all shipped workbooks
ODD = "𠮷✅"  # a rare 汉字 that real names hold, and an emoji: neither is in GBK
ODD_PROJECT = ODD + "城乡居民购买服务项目"  # the 项目名称 the encoded runs give BUY
ENCODINGS = ("gbk", "cp936")  # a redirected stdout on Chinese Windows (cp936 is Python's alias of gbk)


@dataclass
class Result:
    code: int
    out: str  # stdout and stderr together, as a person would see them
    stdout: str  # stdout alone (pipe mode only; the terminal merges the two)
    seconds: float
    raw_out: bytes = b""  # stdout's bytes (at a terminal: everything it drew)
    raw_err: bytes = b""  # stderr's bytes (pipe mode only)


@dataclass
class Setting:
    """How a round of runs is made: the console's encoding and the names of its files."""

    encoding: str | None = None  # PYTHONIOENCODING; None: the system's (UTF-8)
    prefix: str = ""  # put before every file and folder name the commands use

    def f(self, name: str) -> str:
        return self.prefix + name

    @property
    def text_encoding(self) -> str:
        return self.encoding or "utf-8"


@dataclass
class Case:
    argv: list[str]
    code: int
    # extra checks: (description, predicate(result, workdir, mode)); each must return True
    checks: list[tuple[str, Callable[[Result, Path, str], bool]]] = field(default_factory=list)
    chinese: bool = True
    why: str = ""
    json: bool = False  # stdout is JSON: UTF-8 whatever the console's encoding


def readme_setup_line() -> str:
    """The first line inside README.md's first ``` block (the user's install-and-try line)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("```"):
            for inner in lines[i + 1 :]:
                if inner.strip():
                    return inner.strip()
            break
    raise SystemExit("README.md has no ``` block with a set-up line")


def copy_tracked(dest: Path) -> int:
    """Copy the checkout's tracked files (working-tree contents) to dest; returns how many."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8").split("\0")
    n = 0
    for name in filter(None, names):
        src = ROOT / name
        if not src.is_file():  # deleted in the working tree but still in the index
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        n += 1
    return n


def user_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "COLUMNS", "LINES")}
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(venv)
    env.setdefault("TERM", "xterm-256color")
    return env


def run_pipe(argv: list[str], cwd: Path, env: dict[str, str], out_enc: str = "utf-8", err_enc: str = "utf-8") -> Result:
    t = time.perf_counter()
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        code, out, err = -1, e.stdout or b"", (e.stderr or b"") + f"\n[timed out after {TIMEOUT} s]".encode()
    stdout = out.decode(out_enc, "replace")
    return Result(code, stdout + err.decode(err_enc, "replace"), stdout, time.perf_counter() - t, out, err)


def run_tty(argv: list[str], cwd: Path, env: dict[str, str], out_enc: str = "utf-8", err_enc: str = "utf-8") -> Result:
    """Run argv with a pseudo-terminal as stdin/stdout/stderr, reading everything it draws."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIMEOUT
    timed_out = False
    try:
        while True:
            if time.monotonic() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError as e:  # EIO: every writer has closed the terminal
                    if e.errno != errno.EIO:
                        raise
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                # exited and nothing more to read; a helper it left behind (soffice) may still
                # hold the terminal open, so do not wait for EIO
                break
    finally:
        os.close(master)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait()
    if timed_out:
        code = -1
        chunks.append(f"\n[timed out after {TIMEOUT} s]".encode())
    raw = b"".join(chunks)
    out = raw.decode(out_enc, "replace").replace("\r\n", "\n")
    return Result(code, out, "", time.perf_counter() - t, raw)


def exists(*names: str) -> tuple[str, Callable[[Result, Path, str], bool]]:
    return (f"{', '.join(names)} exist(s)", lambda r, wd, mode: all((wd / n).exists() for n in names))


def missing(name: str) -> tuple[str, Callable[[Result, Path, str], bool]]:
    return (f"{name} is gone", lambda r, wd, mode: not (wd / name).exists())


def contains(text: str, mode_only: str | None = None) -> tuple[str, Callable[[Result, Path, str], bool]]:
    label = f"output contains {text!r}" + (f" ({mode_only})" if mode_only else "")
    return (label, lambda r, wd, mode: (mode_only not in (None, mode)) or text in r.out)


def json_ok(s: Setting) -> tuple[str, Callable[[Result, Path, str], bool]]:
    def ok(r: Result, wd: Path, mode: str) -> bool:
        if mode != "pipe":
            return True  # at a terminal stdout and stderr share one stream; the pipe run parses it
        data = json.loads(r.raw_out.decode("utf-8"))  # strict: JSON is UTF-8 whatever the console
        good = data["file"] == s.f(BUY) and data["counts"]["errors"] == 0 and isinstance(data["total_score"], (int, float))
        return good and (not s.prefix or data["project"] == ODD_PROJECT)

    return ("stdout is the documented JSON, in UTF-8" + (" (with 𠮷✅ in file and project)" if s.prefix else ""), ok)


def review_json_ok(s: Setting) -> tuple[str, Callable[[Result, Path, str], bool]]:
    def ok(r: Result, wd: Path, mode: str) -> bool:
        if mode != "pipe":
            return True
        data = json.loads(r.raw_out.decode("utf-8"))
        return data["findings"] == [] and Path(data["report"]).name == s.f("r.docx") and data["table"]["annex"] is True

    return ("stdout is the review's JSON, in UTF-8, with no finding", ok)


def table_drawn(s: Setting) -> tuple[str, Callable[[Result, Path, str], bool]]:
    """At a terminal check draws a table: box lines, or (rich, where the terminal is not UTF-8) ASCII."""
    if s.encoding is None:
        return contains("│", "tty")
    return ("a table at a terminal (ASCII where the terminal is not UTF-8)", lambda r, wd, mode: mode != "tty" or "|" in r.out or "│" in r.out)


def cases(soffice: bool, s: Setting = Setting()) -> list[Case]:
    """Every user command; every file and folder name it uses starts with ``s.prefix``."""
    f = s.f
    buy, six, projects = f(BUY), f(SIX), f(PROJECTS)
    c = [
        Case(["xlperf", "--help"], 0, [contains("常用流程")]),
        # the version line is "xlperf 0.1.0" (click's version option): nothing Chinese to expect
        Case(["xlperf", "--version"], 0, [("prints a version", lambda r, wd, m: re.search(r"xlperf \d+\.\d+", r.out) is not None)], chinese=False),
        Case(["xlperf", "new", f("新建.xlsx")], 0, [exists(f("新建.xlsx"))]),
        Case(["xlperf", "new", f("部门.xlsx"), "--type", "部门整体支出"], 0, [exists(f("部门.xlsx"))]),
        Case(["xlperf", "calc", buy, "-o", f("已计算.xlsx")], 0, [exists(f("已计算.xlsx"))]),
        Case(["xlperf", "calc", six, "-o", f("六类-已计算.xlsx")], 1, [exists(f("六类-已计算.xlsx"))], why="the example has error findings"),
        Case(["xlperf", "check", six], 1, [contains("E201"), table_drawn(s), contains("级别", "tty")], why="error findings; a rich table at a terminal"),
        Case(["xlperf", "check", buy, "--format", "json"], 0, [json_ok(s)], json=True),
        Case(["xlperf", "check", f("不存在.xlsx")], 2, [contains("不存在")], why="input file cannot be used"),
        Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("r.docx")], 0, [exists(f("r.docx"))]),
        # our own report reviews clean against its annex: text, JSON, the 批注版 (none: nothing to mark), a review batch
        Case(["xlperf", "review", f("r.docx")], 0, [contains("未发现问题")]),
        Case(["xlperf", "review", f("r.docx"), "--format", "json"], 0, [review_json_ok(s)], json=True),
        Case(["xlperf", "review", f("r.docx"), "--annotate", f("批注版.docx")], 0, [contains("未生成批注版"), missing(f("批注版.docx"))]),
        Case(["xlperf", "batch", f("r.docx"), "-o", f("审核/"), "--review"], 0, [exists(f("审核/审核汇总表.xlsx")), contains("共审核 1 份报告：无问题 1")]),
        Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("r.md"), "--format", "md"], 0, [exists(f("r.md"))]),
        Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("r.html"), "--format", "html"], 0, [exists(f("r.html"))]),
        Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("公示.md"), "--format", "md", "--public"], 0, [exists(f("公示.md"))]),
        Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("自评表.xlsx"), "--format", "xlsx"], 0, [exists(f("自评表.xlsx")), contains("已导出自评表")]),
        Case(["xlperf", "check", f("自评表.xlsx")], 0, [contains("84.31")], why="the exported official form reads back with its total"),
        Case(["xlperf", "import", f("自评表.xlsx"), "-o", f("导入.xlsx")], 0, [exists(f("导入.xlsx"))]),
        Case(["xlperf", "calc", f("自评表.xlsx")], 2, [contains("import")], why="calc does not write into a unit's own form: import first"),
        Case(["xlperf", "new", f("明年.xlsx"), "--from", f("已计算.xlsx")], 0, [exists(f("明年.xlsx"))]),
    ]
    if soffice:
        c.append(Case(["xlperf", "report", f("已计算.xlsx"), "-o", f("r.pdf"), "--format", "pdf"], 0, [exists(f("r.pdf"))]))
    c += [
        # 1: 示例-临汾六类人群 has error findings, and so has the blank 绩效自评模板 (no indicator rows)
        Case(["xlperf", "batch", projects, "-o", f("输出/")], 1, [exists(f("输出/汇总表.xlsx")), contains("批量处理", "tty")], why="some workbooks have errors; a progress bar at a terminal"),
        # 1: the department workbook was just created by `xlperf new` and is still blank (E009: no
        # indicator rows), and a report with error-level findings is still written, with exit code 1
        Case(["xlperf", "report", f("部门.xlsx"), "--projects", projects, "-o", f("部门报告.docx")], 1, [exists(f("部门报告.docx")), contains("E009")], why="the new department workbook is still blank (E009)"),
        Case(["xlperf", "addin", "build", "-o", f("加载项")], 0, [exists(f("加载项/xlperf.xlam"))]),
        Case(["xlperf", "addin", "install", "--dir", f("XLSTART")], 0, [exists(f("XLSTART/xlperf.xlam"))]),
        Case(["xlperf", "addin", "remove", "--dir", f("XLSTART")], 0, [missing(f("XLSTART/xlperf.xlam"))]),
    ]
    return c


def verdict(case: Case, r: Result, wd: Path, mode: str, s: Setting = Setting()) -> list[str]:
    problems = []
    if r.code != case.code:
        problems.append(f"exit code {r.code}, expected {case.code}")
    if case.chinese and not CHINESE.search(r.out):
        problems.append("no Chinese text in the output")
    for bad in FORBIDDEN:
        if bad in r.out:
            problems.append(f"output contains {bad!r}")
    if s.encoding is not None:  # every byte written in the console's encoding (JSON: in UTF-8)
        for what, raw, enc in (("stdout", r.raw_out, "utf-8" if case.json else s.encoding), ("stderr", r.raw_err, s.encoding)):
            try:
                raw.decode(enc)
            except UnicodeDecodeError as e:
                problems.append(f"{what} is not valid {enc}: {e}")
    for label, check in case.checks:
        try:
            ok = check(r, wd, mode)
        except Exception as e:  # a JSON that does not parse, say
            ok, label = False, f"{label} ({type(e).__name__}: {e})"
        if not ok:
            problems.append(f"failed: {label}")
    return problems


def outside_checkout(path: Path) -> bool:
    return not any((p / ".git").exists() for p in [path, *path.parents])


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_project_name(src: Path, dst: Path, name: str) -> None:
    """A copy of a shipped workbook whose 项目名称 (项目信息!B2) is ``name``, edited in the zip (stdlib only)."""
    import xml.etree.ElementTree as ET
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(src) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    data = {i.filename: b for i, b in parts}
    book = ET.fromstring(data["xl/workbook.xml"])
    rid = next(e.get(f"{{{REL_NS}}}id") for e in book.iter(f"{{{SHEET_NS}}}sheet") if e.get("name") == "项目信息")
    rels = ET.fromstring(data["xl/_rels/workbook.xml.rels"])
    target = next(e.get("Target") for e in rels if e.get("Id") == rid)
    sheet = "xl/" + target.lstrip("/").removeprefix("xl/")
    xml = data[sheet].decode("utf-8")
    cell = re.search(r'<c r="B2"([^>]*?)(/>|>.*?</c>)', xml, re.S)
    if cell is None:
        raise SystemExit(f"{src.name}: no 项目名称 cell (项目信息!B2)")
    style = re.search(r'\bs="\d+"', cell.group(1))
    new = f'<c r="B2"{" " + style.group(0) if style else ""} t="inlineStr"><is><t>{escape(name)}</t></is></c>'
    data[sheet] = (xml[: cell.start()] + new + xml[cell.end() :]).encode("utf-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info, _ in parts:
            z.writestr(info, data[info.filename])


def prepare(work: Path, s: Setting, examples: list[Path]) -> dict[str, Path]:
    """A folder per mode with the shipped workbooks (and a folder of them), named with ``s.prefix``."""
    dirs = {}
    for mode in ("pipe", "tty"):
        wd = work / (s.encoding or "default") / mode  # fresh output names; batch cannot reuse outputs
        (wd / s.f(PROJECTS)).mkdir(parents=True)
        for wb in examples:
            if s.prefix and wb.name == BUY:
                with_project_name(wb, wd / s.f(wb.name), ODD_PROJECT)
            else:
                shutil.copy2(wb, wd / s.f(wb.name))
            shutil.copy2(wd / s.f(wb.name), wd / s.f(PROJECTS) / s.f(wb.name))
        dirs[mode] = wd
    return dirs


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="User-path smoke test: every xlperf command as a user runs it.")
    ap.add_argument("--xlperf", type=Path, help="an installed xlperf command: skip the fresh venv and README's set-up line")
    ap.add_argument("--only", default="default," + ",".join(ENCODINGS), help="rounds to run: default, gbk, cp936 (comma-separated)")
    args = ap.parse_args(argv)
    rounds = [Setting()] if "default" in args.only.split(",") else []
    rounds += [Setting(enc, ODD) for enc in ENCODINGS if enc in args.only.split(",")]
    if os.name != "posix":
        print("user_path.py needs a POSIX system (pseudo-terminal)")
        return 2
    passed = failed = 0
    failures: list[str] = []

    def report(mode: str, cmd: str, r: Result, expected: int, problems: list[str]) -> None:
        nonlocal passed, failed
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {mode:<5} exit {r.code} (expected {expected}) {r.seconds:6.2f} s  {cmd}", flush=True)
        if problems:
            failed += 1
            failures.append(f"--- {mode}: {cmd}\n" + "\n".join(f"    {p}" for p in problems) + "\n" + r.out[-4000:])
        else:
            passed += 1

    with tempfile.TemporaryDirectory(prefix="xlperf-userpath-") as tmp:
        tmp_path = Path(tmp)
        venv, src, work = tmp_path / "venv", tmp_path / "checkout", tmp_path / "work"

        if args.xlperf is not None:
            xlperf = args.xlperf.absolute()
            env = user_env(xlperf.parent.parent)
            print(f"using {xlperf} (no fresh venv, no README set-up line)", flush=True)
        else:
            # 1. a fresh venv
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            print(f"fresh venv: {venv} ({time.perf_counter() - t:.1f} s)", flush=True)
            env = user_env(venv)

            # 2. README's set-up line, in a copy of the tracked files
            n = copy_tracked(src)
            line = readme_setup_line()
            print(f"copied {n} tracked files; README set-up line:\n    {line}", flush=True)
            t = time.perf_counter()
            p = subprocess.run(["bash", "-c", line], cwd=src, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
            r = Result(p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace"), "", time.perf_counter() - t)
            outputs = [w for w in re.findall(r"-o\s+(\S+)", line)]
            problems = [] if r.code == 0 else [f"exit code {r.code}, expected 0"]
            for o in outputs:  # a folder (ending in /) must hold what was written; a file must exist
                where = (src / o).resolve()
                if not (any(where.iterdir()) if o.endswith("/") and where.is_dir() else where.is_file()):
                    problems.append(f"{o} was not written")
                elif where == src.resolve() or src.resolve() in where.parents:
                    problems.append(f"{o} is inside the checkout: the demo must not add files to it")
            if not outputs:
                problems.append("the set-up line names no -o output")
            report("bash", "README set-up line", r, 0, problems)
            xlperf = venv / "bin" / "xlperf"
        if not xlperf.exists():
            print("\n".join(failures))
            print(f"{passed} passed, {failed + 1} failed (no xlperf command in the venv; stopping)")
            return 1

        # 3. every user command, through a pipe and at a terminal, outside any checkout; 4. the same
        # with the console in GBK and 𠮷/✅ in every name
        if not outside_checkout(tmp_path):
            print(f"warning: {tmp_path} is inside a git checkout (TMPDIR={os.environ.get('TMPDIR')})")
        soffice = shutil.which("soffice", path=env["PATH"]) is not None
        examples = sorted((ROOT / "workbooks").glob("*.xlsx"))
        for s in rounds:
            dirs = prepare(work, s, examples)
            renv = dict(env)
            if s.encoding is not None:
                renv["PYTHONIOENCODING"] = s.encoding
                renv.pop("PYTHONUTF8", None)
            label = f"PYTHONIOENCODING={s.encoding}, names with {ODD}" if s.encoding else "the system's encoding"
            print(f"{len(examples)} shipped workbooks copied to {work}/{s.encoding or 'default'}/{{pipe,tty}} ({label}); soffice {'found' if soffice else 'not found: no PDF run'}", flush=True)
            for case in cases(soffice, s):
                argv = [str(xlperf), *case.argv[1:]]
                cmd = (f"[{s.encoding}] " if s.encoding else "") + " ".join(case.argv)
                out_enc = "utf-8" if case.json else s.text_encoding
                for mode, runner in (("pipe", run_pipe), ("tty", run_tty)):
                    r = runner(argv, dirs[mode], renv, out_enc, s.text_encoding)
                    report(mode, cmd, r, case.code, verdict(case, r, dirs[mode], mode, s))

    if failures:
        print("\nFailures:")
        print("\n".join(failures))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
