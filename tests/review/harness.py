"""Scoring ``review`` against the corpus: the reference reports' expected findings
(fixtures/expected.toml) and the planted mistakes (plant.py).

A finding is anything with ``.kind``, ``.paragraph`` (None, or an object with ``.index`` into
python-docx ``Document.paragraphs``, ``.number`` and ``.start``), ``.cell`` and ``.message``.

Matching rules, decided with the fixtures and before the review code:

* a paragraph expectation is met by a finding of its kind on that paragraph: ``paragraph.index``
  equal to the paragraph the expectation resolves to in the built .docx (or, when the finding gives
  no index, its ``start`` being the beginning of that paragraph);
* a table expectation (and one on the whole document, or a missing section) is met by a finding of
  its kind whose message or cell contains one of its ``match`` strings (any, when none are given);
* a right claim is falsely flagged by a finding of one of its kinds on that paragraph (for a table,
  naming one of its ``match`` strings).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "fixtures" / "expected.toml"

KINDS = (
    "total_mismatch", "grade_mismatch", "amount_mismatch", "rate_mismatch", "rate_inverted",
    "indicator_mismatch", "count_mismatch", "table_arithmetic", "claim_unsupported",
    "no_problems_with_lost_points", "section_missing", "year_mismatch", "table_unreadable",
)


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def load_expected() -> list[dict]:
    with EXPECTED.open("rb") as f:
        return tomllib.load(f)["report"]


def resolve(paragraphs: list[str], start: str, after: str | None = None) -> int:
    """Index of the first paragraph beginning with ``start`` (whitespace ignored), after the first
    one beginning with ``after`` when given. Raises LookupError when there is none."""
    texts = [norm(t) for t in paragraphs]
    begin = 0
    if after:
        begin = next((i for i, t in enumerate(texts) if t.startswith(norm(after))), None)
        if begin is None:
            raise LookupError(f"no paragraph begins with {after!r}")
    want = norm(start)
    for i in range(begin, len(texts)):
        if texts[i].startswith(want):
            return i
    raise LookupError(f"no paragraph begins with {start!r}" + (f" after {after!r}" if after else ""))


def _text(f) -> str:
    return f"{getattr(f, 'message', '') or ''} {getattr(f, 'cell', '') or ''}"


def _index(f) -> int | None:
    p = getattr(f, "paragraph", None)
    return None if p is None else getattr(p, "index", None)


def on_paragraph(f, index: int, paragraphs: list[str]) -> bool:
    p = getattr(f, "paragraph", None)
    if p is None:
        return False
    if getattr(p, "index", None) is not None:
        return p.index == index
    start = norm(getattr(p, "start", None))
    return len(start) >= 4 and norm(paragraphs[index]).startswith(start)


def loose(e: dict) -> bool:
    return bool(e.get("table")) or e["paragraph"] == "" or e["kind"] == "section_missing"


def meets(f, e: dict, paragraphs: list[str]) -> bool:
    if f.kind != e["kind"]:
        return False
    if loose(e):
        keys = e.get("match") or []
        return not keys or any(k in _text(f) for k in keys)
    return on_paragraph(f, resolve(paragraphs, e["paragraph"], e.get("after")), paragraphs)


def flags_right(f, r: dict, paragraphs: list[str]) -> bool:
    if f.kind not in r["kinds"]:
        return False
    if r.get("table"):
        return any(k in _text(f) for k in r.get("match") or [r["paragraph"]])
    return on_paragraph(f, resolve(paragraphs, r["paragraph"], r.get("after")), paragraphs)


@dataclass
class ReferenceScore:
    id: str
    findings: int = 0
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    false_alarms: list[tuple[dict, object]] = field(default_factory=list)
    unexpected: list[object] = field(default_factory=list)

    def certain(self) -> tuple[int, int]:
        return sum(e["confidence"] == "certain" for e in self.found), \
            sum(e["confidence"] == "certain" for e in self.found + self.missed)

    def arguable(self) -> tuple[int, int]:
        return sum(e["confidence"] == "arguable" for e in self.found), \
            sum(e["confidence"] == "arguable" for e in self.found + self.missed)


def score_reference(spec: dict, findings: list, paragraphs: list[str]) -> ReferenceScore:
    s = ReferenceScore(spec["id"], len(findings))
    expected = spec.get("finding", [])
    for e in expected:
        (s.found if any(meets(f, e, paragraphs) for f in findings) else s.missed).append(e)
    for r in spec.get("right", []):
        for f in findings:
            if flags_right(f, r, paragraphs):
                s.false_alarms.append((r, f))
    s.unexpected = [f for f in findings if not any(meets(f, e, paragraphs) for e in expected)]
    return s


def describe(f) -> str:
    p = getattr(f, "paragraph", None)
    where = "" if p is None else f"¶{getattr(p, 'index', '?')} {getattr(p, 'start', '') or ''}"
    return f"{f.kind} [{getattr(f, 'code', '')}] {where} {getattr(f, 'cell', '') or ''}: {getattr(f, 'message', '')}"


# --- planted corpus -------------------------------------------------------------------------------


@dataclass
class PlantedScore:
    split: str
    mutants: int = 0
    raised: int = 0  # the mutant raised its kind
    located: int = 0  # …on the edited paragraph (kinds that have one)
    locatable: int = 0
    clean: int = 0
    clean_flagged: list[tuple[str, object]] = field(default_factory=list)
    misses: list[tuple[object, list]] = field(default_factory=list)
    unlocated: list[tuple[object, list]] = field(default_factory=list)
    per_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    collateral: Counter = field(default_factory=Counter)  # other kinds raised on mutants, not on their base


def _at(f, case) -> bool:
    """The finding is on the case's edited paragraph: same index, or (no index) same first words."""
    if _index(f) is not None:
        return _index(f) == case.paragraph
    p = getattr(f, "paragraph", None)
    a, b = norm(getattr(p, "start", None)), norm(case.paragraph_start)
    return min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))


def score_planted(split: str, cases: list, findings_of) -> PlantedScore:
    """``findings_of(case)`` -> the review's findings for that case."""
    s = PlantedScore(split)
    base_kinds: dict[str, set[str]] = {}
    results = [(c, findings_of(c)) for c in cases]
    for c, fs in results:
        if c.kind is None:
            s.clean += 1
            base_kinds[c.base] = {f.kind for f in fs}
            s.clean_flagged += [(c.base, f) for f in fs]
    for c, fs in results:
        if c.kind is None:
            continue
        s.mutants += 1
        s.per_kind[c.kind][1] += 1
        mine = [f for f in fs if f.kind == c.kind]
        if mine:
            s.raised += 1
            s.per_kind[c.kind][0] += 1
        else:
            s.misses.append((c, fs))
        if c.paragraph is not None:
            s.locatable += 1
            if any(_at(f, c) for f in mine):
                s.located += 1
            elif mine:
                s.unlocated.append((c, mine))
        s.collateral.update({f.kind for f in fs} - {c.kind} - base_kinds.get(c.base, set()))
    return s


def planted_lines(s: PlantedScore) -> list[str]:
    pct = lambda a, b: f"{a}/{b} ({100 * a / b:.1f}%)" if b else "0/0"  # noqa: E731
    lines = [
        f"[{s.split}] mutants raising their kind: {pct(s.raised, s.mutants)}; on the edited paragraph: {pct(s.located, s.locatable)}",
        f"[{s.split}] clean reports: {s.clean}, findings on them (false alarms): {len(s.clean_flagged)}",
    ]
    for k in sorted(s.per_kind):
        a, b = s.per_kind[k]
        lines.append(f"[{s.split}]   {k:30s} {pct(a, b)}")
    if s.collateral:
        lines.append(f"[{s.split}] other kinds raised on mutants (not on their base): {dict(s.collateral)}")
    return lines


def reference_lines(scores: list[ReferenceScore]) -> list[str]:
    lines = []
    tc = ta = fc = fa = fal = 0
    for s in scores:
        c, ct = s.certain()
        a, at = s.arguable()
        tc, ta, fc, fa, fal = tc + c, ta + a, fc + ct, fa + at, fal + len(s.false_alarms)
        lines.append(f"{s.id}: {s.findings} findings; certain {c}/{ct}, arguable {a}/{at}, "
                     f"on right claims {len(s.false_alarms)}, not in expected.toml {len(s.unexpected)}")
        for e in s.missed:
            lines.append(f"    missed ({e['confidence']}) {e['kind']} @ {e['paragraph'] or '(document)'}: {e['why']}")
        for r, f in s.false_alarms:
            lines.append(f"    FALSE ALARM on right claim {r['paragraph']!r}: {describe(f)}")
        for f in s.unexpected:
            lines.append(f"    not expected: {describe(f)}")
    lines.append(f"references: certain found {tc}/{fc}, arguable found {ta}/{fa}, false alarms on right claims {fal}")
    return lines
