"""Cold start of the console command: what a user waits for before xlperf does anything.

Run: python benchmarks/bench_startup.py [--runs 10] [--importtime]
Measures, as the median of --runs runs after one warm-up round, run interleaved (one of each
command per round, in a rotating order) so that drift of the machine hits all of them alike:
  python -c pass                 the interpreter's own start, the baseline
  xlperf --help                  target <= 3x the baseline
  xlperf check <example>         target <= 4x the baseline (a copy of a shipped workbook in a temp dir)
The xlperf used is the console script installed beside this interpreter (pip install . first), not
a shim on PATH (pyenv's bash shim alone adds ~70 ms). Output is discarded. It reports and never
gates: the exit code is always 0.
--importtime also prints the 15 largest cumulative imports of `xlperf check` (python -X importtime).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "示例-临汾购买服务.xlsx"
TARGETS = {"xlperf --help": 3.0, "xlperf check": 4.0}  # ratio to `python -c pass`


def console_script() -> Path:
    return Path(sys.executable).with_name("xlperf.exe" if os.name == "nt" else "xlperf")


def once(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def interleaved(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median seconds per command; one warm-up round, then `runs` rounds in a rotating order."""
    names = list(cmds)
    for name in names:
        once(cmds[name])
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(once(cmds[name]))
    return {name: statistics.median(ts) for name, ts in times.items()}


def importtime(xl: Path, workbook: Path, top: int = 15) -> None:
    """The `top` largest cumulative import times of one `xlperf check`, from python -X importtime."""
    if os.name == "nt":  # the console script is an .exe there; the variable does what -X importtime does
        cmd, env = [str(xl), "check", str(workbook)], {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    else:
        cmd, env = [sys.executable, "-X", "importtime", str(xl), "check", str(workbook)], None
    err = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False).stderr
    rows = []
    for line in err.decode("utf-8", "replace").splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        try:
            _, cumulative, name = line[len("import time:") :].split("|", 2)
            rows.append((int(cumulative), name.strip()))
        except ValueError:
            continue
    rows.sort(reverse=True)
    print(f"\nlargest cumulative imports of `xlperf check {workbook.name}` (python -X importtime, one run):")
    for cumulative, name in rows[:top]:
        print(f"  {cumulative / 1000:8.1f} ms  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10, help="timed rounds after the warm-up (default 10)")
    ap.add_argument("--importtime", action="store_true", help="also print the 15 largest cumulative imports of xlperf check")
    args = ap.parse_args()

    xl = console_script()
    if not xl.exists():
        print(f"no xlperf console script beside {sys.executable}; run `pip install .` in this environment first")
        return
    with tempfile.TemporaryDirectory() as tmp:
        workbook = Path(tmp) / EXAMPLE.name
        shutil.copy2(EXAMPLE, workbook)
        cmds = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "xlperf --help": [str(xl), "--help"],
            "xlperf check": [str(xl), "check", str(workbook)],
        }
        medians = interleaved(cmds, args.runs)
        print(f"cold start, median of {args.runs} interleaved runs after 1 warm-up ({xl}; <example> = {EXAMPLE.name}):")
        base = medians["python -c pass"]
        for name, sec in medians.items():
            label = f"{name} <example>" if name == "xlperf check" else name
            line = f"  {label:<24} {sec * 1000:7.0f} ms"
            if name in TARGETS:
                ratio, target = sec / base, TARGETS[name]
                verdict = "ok" if ratio <= target else "over target"
                line += f"  {ratio:5.1f}x python -c pass (target <= {target:g}x: {verdict})"
            print(line)
        if args.importtime:
            importtime(xl, workbook)


if __name__ == "__main__":
    main()
