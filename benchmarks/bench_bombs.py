"""Time and peak memory of ``xlperf check`` on decompression, entity and rows × columns bombs in
.docx, .ods and .xls files (built by ``tests/hostile/bombs.py``; a few MB on disk each).

Run:  python benchmarks/bench_bombs.py [name ...]

Each file is checked once in its own process; the figures are that process's wall time and
peak resident memory (its VmHWM at exit; ``ru_maxrss`` from ``wait4`` when it was killed), with
its exit status and the first line it printed. "reading" is the time of ``forms.sources.open_tables`` alone (imports excluded), in
another process. The process may use at most ``--limit-gb`` of address space (8 GB by default), so an
unguarded bomb ends as a failed allocation instead of exhausting the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.hostile.bombs import BOMBS, build  # noqa: E402

# the process's own peak (VmHWM) is printed last at exit: ru_maxrss would also count this
# process's size when it forked the child
PEAK = (
    "import atexit, sys\n"
    "def _peak():\n"
    "    with open('/proc/self/status') as f:\n"
    "        print('@@peak', next(l.split()[1] for l in f if l.startswith('VmHWM:')), file=sys.stderr, flush=True)\n"
    "atexit.register(_peak)\n"
)
CHECK = PEAK + "from xlperf.cli import main; sys.argv[0] = 'xlperf'; main()"
# the reading alone, in a process that has already imported it: what the guards cost
OPEN = (
    "import sys, time; from xlperf.forms.sources import open_tables; from xlperf.core.errors import XlperfError\n"
    "t = time.perf_counter()\n"
    "try:\n    open_tables(sys.argv[1])\nexcept XlperfError:\n    pass\n"
    "print(f'{time.perf_counter() - t:.3f}')"
)


def run_check(path: Path, limit_gb: float, code: str = CHECK) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit status, first output line) of ``xlperf check path`` in a new process."""

    def cap() -> None:
        lim = int(limit_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))

    env = dict(os.environ, PYTHONPATH=str(ROOT), RUST_BACKTRACE="0")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *(["check"] if code == CHECK else []), str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, preexec_fn=cap)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [ln for ln in out.decode("utf-8", "replace").splitlines() if ln.strip()]
    peak = usage.ru_maxrss / 1024  # when the process died before its exit handler ran
    if lines and lines[-1].startswith("@@peak "):
        peak = int(lines.pop().split()[1]) / 1024
    return seconds, peak, proc.returncode, lines[0] if lines else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"bombs to run (default: all of {', '.join(BOMBS)})")
    ap.add_argument("--limit-gb", type=float, default=8.0)
    args = ap.parse_args()
    names = args.names or list(BOMBS)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'file':<18} {'on disk':>9} {'time':>8} {'reading':>8} {'peak RSS':>10} {'exit':>5}  message")
        for name in names:
            path = build(name, Path(tmp))
            seconds, peak, code, line = run_check(path, args.limit_gb)
            _, _, _, reading = run_check(path, args.limit_gb, OPEN)
            size = path.stat().st_size
            reading = f"{float(reading):.2f}s" if reading.replace(".", "", 1).isdigit() else "-"
            print(f"{name:<18} {size / 1024:>7.0f}KB {seconds:>7.2f}s {reading:>8} {peak:>8.0f}MB {code:>5}  {line[:150]}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
