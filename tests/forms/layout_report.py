"""How the form reader fares on the layout generator's variants of every province fixture.

    python -m tests.forms.layout_report [--variants 30] [--formats xlsx,docx,xls,ods] [--seed 2026]

For each fixture (seen: provinces.py, held-out: provinces_heldout.py) the base layout and
``--variants`` seeded variations, each saved in every format, are read with ``check``; each reading is
compared with the fixture's hand-computed answer:

  same       the expected final total, grade and indicator count (or 待定 naming a cell when that is expected)
  pending    待定 naming a cell where a final answer was expected (safe, but not read)
  different  a final answer other than the expected one, or 待定 naming no cell  (must be 0)
  refused    no table found in a file that has one

Prints one line per fixture, then per split, per format and overall, then the first few
``different`` cases with their variation.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

VERDICTS = ("same", "pending", "different", "refused")


def run(variants: int, formats: list[str], seed: int, show: int = 12) -> dict:
    from tests.forms import layouts as L
    from tests.forms.provinces import SEEN
    from tests.forms.provinces_heldout import HELD_OUT
    from tests.forms.tables import read_answer, verdict, write_many

    rng = random.Random(seed)
    cases = []
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for split, fixtures in (("seen", SEEN), ("held-out", HELD_OUT)):
            for fx in fixtures:
                vs = [L.Variation()] + [L.sample(rng) for _ in range(variants)]
                for k, v in enumerate(vs):
                    vf = L.apply(fx, v)
                    rendered = vf.render()
                    for fmt in formats:
                        p = d / f"{fx.key}-{k:03d}.{fmt}"
                        items.append((rendered, p))
                        cases.append((split, fx, vf, v, fmt, p))
        t0 = time.time()
        write_many(items, d / "lo")
        t_write = time.time() - t0
        t0 = time.time()
        results = []
        for split, fx, vf, v, fmt, p in cases:
            got = read_answer(p)
            results.append((split, fx.key, fx.table.province, fmt, verdict(vf.table, got), v, got, vf))
        t_read = time.time() - t0

    by_fixture: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    by_split: dict[str, Counter] = defaultdict(Counter)
    by_format: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    for split, key, province, fmt, ver, v, got, vf in results:
        by_fixture[(split, key, province)][ver] += 1
        by_split[split][ver] += 1
        by_format[fmt][ver] += 1
        overall[ver] += 1

    def line(name: str, c: Counter) -> str:
        n = sum(c.values())
        ok = c["same"] + c["pending"]
        return f"{name:<28} {n:>5} " + " ".join(f"{c[x]:>9}" for x in VERDICTS) + f"   {100 * c['same'] / n:6.1f}%  {100 * ok / n:6.1f}%"

    head = f"{'':<28} {'files':>5} " + " ".join(f"{x:>9}" for x in VERDICTS) + "   same%   safe%"
    print(f"layout variants: {variants} per fixture + the base layout, formats {','.join(formats)}, seed {seed}")
    print(f"(written in {t_write:.0f} s, read in {t_read:.0f} s; safe = same or 待定 naming a cell; different must be 0)")
    print()
    print(head)
    for (split, key, province), c in by_fixture.items():
        print(line(f"{split[:4]} {province} ({key})", c))
    print()
    for split, c in by_split.items():
        print(line(f"split: {split}", c))
    for fmt, c in by_format.items():
        print(line(f"format: {fmt}", c))
    print(line("all", overall))
    why: Counter = Counter()
    for split, key, province, fmt, ver, v, got, vf in results:
        if ver == "pending":
            why.update({w.split()[0] for w in got.withheld})
    if why:
        print()
        print("待定 variants by the finding that withholds (a variant may have several): " + ", ".join(f"{code} {n}" for code, n in why.most_common()))
    bad = [r for r in results if r[4] in ("different", "refused")]
    if bad and show:
        print()
        print(f"first {min(show, len(bad))} of {len(bad)} different/refused:")
        for split, key, province, fmt, ver, v, got, vf in bad[:show]:
            e = vf.table.expected
            print(f"- {key}.{fmt} {ver}: expected {e.total} {e.grade} {e.count}项, got {got.label[:140]}  [{v.describe()[:220]}]")
    return {"overall": overall, "by_split": by_split, "by_format": by_format, "by_fixture": by_fixture}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.forms.layout_report", description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=30, help="variations per fixture besides its base layout (default 30)")
    ap.add_argument("--formats", default="xlsx,docx,xls,ods", help="comma-separated: xlsx,docx,xls,ods")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--show", type=int, default=12, help="how many different/refused cases to list")
    a = ap.parse_args(argv)
    run(a.variants, [f.strip() for f in a.formats.split(",") if f.strip()], a.seed, a.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
