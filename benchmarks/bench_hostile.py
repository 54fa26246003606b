"""Time of every command on every case of the hostile corpus, against the case's bound.

Run:  python benchmarks/bench_hostile.py [case ...]

The corpus (``tests/hostile/corpus.py``) holds zip and entity bombs, a value in XFD1048576,
damaged and foreign files; ``tests/test_hostile.py`` checks what each command answers and that
nothing is lost. This script times the same commands, in the same order (``check``, ``report``,
``batch``, ``calc`` last, as it may rewrite the file), in this process like the test, and
compares each with ``Case.seconds`` (a bomb must be refused from its declared sizes or prolog,
not by inflating it). It prints one line per case and command and exits 1 when any command took
longer than its bound.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from tests.hostile.corpus import build_corpus, case_names  # noqa: E402
from xlperf.cli import cli  # noqa: E402

ORDER = ("check", "report", "batch", "calc")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="cases to time (default: all)")
    args = ap.parse_args()
    unknown = sorted(set(args.names) - set(case_names()))
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}")
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = build_corpus(Path(tmp) / "corpus", args.names or None)
        print(f"{'case':<40} {'command':<8} {'exit':>4} {'seconds':>8} {'bound':>6}")
        for case in cases:
            for command in ORDER:
                out = Path(tmp) / "out" / case.name / command
                out.mkdir(parents=True)
                cmd_args = [a.replace("{out}", str(out)) for a in case.args_for(command)]
                t0 = time.perf_counter()
                res = CliRunner().invoke(cli, [command, str(case.path), *cmd_args])
                seconds = time.perf_counter() - t0
                over = seconds >= case.seconds
                if over:
                    missed.append(f"{case.name} / {command}: {seconds:.1f}s (bound {case.seconds:g}s)")
                print(f"{case.name:<40} {command:<8} {res.exit_code:>4} {seconds:>8.2f} {case.seconds:>6g}{'  OVER' if over else ''}", flush=True)
    if missed:
        print(f"\n{len(missed)} over their bound:\n  " + "\n  ".join(missed))
        return 1
    print("\nevery command within its bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
