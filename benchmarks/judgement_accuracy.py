"""How often the row scoring agrees with an evaluator, on the judgement corpus and its held-out split.

Run: python benchmarks/judgement_accuracy.py [FILE.tsv ...]
(default: tests/data/judgement_corpus.tsv, tests/data/judgement_heldout.tsv and
tests/data/judgement_blind.tsv)

Each row is ``class, 二级指标, 年度指标值, 实际完成值, 分值, expected, source`` (see the header of
the held-out file). Prints, per file: overall accuracy, counts per class, the rows that disagree,
the negated or partial rows given full marks and the restatements given 0.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FILES = (DATA / "judgement_corpus.tsv", DATA / "judgement_heldout.tsv", DATA / "judgement_blind.tsv")
TIERS = {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)}
EPS = 1e-9


@dataclass(frozen=True)
class Row:
    cls: str
    level2: str
    target: str
    actual: str
    weight: float
    expected: str
    source: str
    line: int

    @property
    def short_of_target(self) -> bool:
        """An evaluator says the actual is negated or partial: it must never get full marks."""
        return self.expected in ("部分达成", "未达成") or _number(self.expected) not in (None, self.weight)

    @property
    def restatement(self) -> bool:
        """An evaluator says the target was reached: it must never get 0."""
        return self.expected in ("满分", "达成")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def load(path: Path) -> list[Row]:
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cls, level2, target, actual, weight, expected, source = line.split("\t")
        rows.append(Row(cls, level2, target, actual, float(weight), expected, source, n))
    return rows


def score(row: Row) -> float | None:
    from xlperf.core.scoring import score_indicator

    return score_indicator(row.weight, row.target, row.actual, "", row.level2).score


def agrees(row: Row, got: float | None) -> bool:
    """The score meets the expectation: 满分, an R6 tier's range, 待定 or the number (±0.01)."""
    w, e = row.weight, row.expected
    if e == "待定":
        return got is None
    if got is None:
        return False
    if e == "满分":
        return got >= w - EPS
    if e in TIERS:
        lo, hi = TIERS[e]
        return lo * w - EPS <= got <= hi * w + EPS and (e == "达成" or got < hi * w - EPS)
    value = _number(e)
    if value is None:
        raise ValueError(f"line {row.line}: unknown expected value {e!r}")
    return abs(got - value) <= 0.01 + EPS


@dataclass
class Report:
    name: str
    rows: int
    agreed: int
    by_class: dict[str, tuple[int, int]]  # class -> (agreed, rows)
    misses: list[tuple[Row, float | None]]
    short_at_full: list[tuple[Row, float | None]]
    restated_at_zero: list[tuple[Row, float | None]]

    @property
    def accuracy(self) -> float:
        return self.agreed / self.rows if self.rows else 0.0


def measure(path: Path) -> Report:
    rows = load(path)
    by_class: dict[str, list[int]] = {}
    misses, short_full, restated_zero = [], [], []
    agreed = 0
    for row in rows:
        got = score(row)
        ok = agrees(row, got)
        agreed += ok
        tally = by_class.setdefault(row.cls, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            misses.append((row, got))
        if row.short_of_target and got is not None and got >= row.weight - EPS:
            short_full.append((row, got))
        if row.restatement and got is not None and got <= EPS:
            restated_zero.append((row, got))
    return Report(path.name, len(rows), agreed, {k: (v[0], v[1]) for k, v in by_class.items()}, misses, short_full, restated_zero)


def _show(row: Row, got: float | None) -> str:
    shown = "待定" if got is None else f"{got:g}"
    return f"  line {row.line} [{row.cls}] {row.target} / {row.actual} (分值 {row.weight:g}): expected {row.expected}, got {shown}"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    paths = [Path(a) for a in argv] or list(FILES)
    for path in paths:
        rep = measure(path)
        print(f"{rep.name}: {rep.agreed}/{rep.rows} agree ({rep.accuracy:.1%})")
        print("  per class: " + ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(rep.by_class.items())))
        print(f"  negated or partial rows at full marks: {len(rep.short_at_full)}")
        print(f"  restatements at 0: {len(rep.restated_at_zero)}")
        for row, got in rep.short_at_full + rep.restated_at_zero:
            print(_show(row, got))
        if rep.misses:
            print("  disagreements:")
            for row, got in rep.misses:
                print(_show(row, got))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
