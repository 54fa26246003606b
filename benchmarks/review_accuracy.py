"""How well ``review`` finds what a reviewer finds: on the reference reports (expected findings in
tests/review/fixtures/expected.toml) and on the planted-mistake corpus, dev and held-out splits
(tests/review/plant.py).

Run: python benchmarks/review_accuracy.py [--seeds N] [--out DIR]
(--seeds: how many seeds of each split, default all; --out: keep the corpus there instead of a
temporary folder)

Prints, per reference report: findings, certain / arguable expected findings raised, findings on
claims that are right, findings expected.toml does not list (each named, for a reader to judge);
per split: mutants raising their kind (and on the edited paragraph), per kind, and the findings on
the unedited reports. Before ``xlperf.review`` exists it says so and prints the corpus only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.review import plant  # noqa: E402
from tests.review.fixtures.build import build  # noqa: E402
from tests.review.harness import load_expected, planted_lines, reference_lines, score_planted, score_reference  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="review-accuracy-"))
    try:
        from xlperf import review
    except ImportError:
        review = None
        print("xlperf.review is not there yet: corpus only.")

    import docx

    built = build(out / "reference")
    if review is not None:
        scores = []
        for spec in load_expected():
            files = built[spec["id"]]
            paras = [p.text for p in docx.Document(files["docx"]).paragraphs]
            runs = [("annex in the report", None)] + [(n, next(p for p in files.values() if p.name == n)) for n in spec["tables"]]
            for name, table in runs:
                r = review.review_report(files["docx"], table, style=spec["style"])
                s = score_reference(spec, list(r.findings), paras)
                s.id = f"{spec['id']} [{name}]"
                scores.append(s)
        print("\n".join(reference_lines(scores)))
    else:
        for spec in load_expected():
            f = spec.get("finding", [])
            print(f"{spec['id']}: expected {sum(e['confidence'] == 'certain' for e in f)} certain, "
                  f"{sum(e['confidence'] == 'arguable' for e in f)} arguable, {len(spec.get('right', []))} right claims")

    prebuilt = plant.build_bases(out / "planted")
    for split in plant.SPLITS:
        seeds = plant.seeds(split)[: args.seeds]
        cases, summary = plant.build_corpus(out / "planted", split, seeds, prebuilt=prebuilt)
        mutants = [c for c in cases if c.kind]
        print(f"[{split}] seeds {seeds}: {len(cases) - len(mutants)} clean reports, {len(mutants)} mutants; "
              f"styles refused: {sorted(summary['refused'])}")
        if review is None:
            continue
        t = time.perf_counter()

        def findings_of(c):
            return list(review.review_report(Path(c.report), Path(c.table) if c.table else None, style=c.style).findings)

        s = score_planted(split, cases, findings_of)
        print("\n".join(planted_lines(s)) + f"\n[{split}] {len(cases)} reviews in {time.perf_counter() - t:.1f} s")
        for c, fs in s.misses[:15]:
            print(f"[{split}]   missed {c.id}: {c.change} (raised {[f.kind for f in fs]})")
    print(f"corpus in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
