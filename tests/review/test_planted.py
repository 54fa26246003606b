"""Our own reports (every example × every style the report command accepts for it) with mistakes
planted in known ways (plant.py), reviewed.

Pass bar, per split (dev and the held-out split fixed before the review code existed):
* every mutant raises the kind of its mistake, and the finding names the edited paragraph (all
  kinds but section_missing, whose paragraph is gone);
* every unedited report raises nothing.
Recall, location and false alarms per split and per kind are printed either way.

By default one seed per split runs (every base × every mutation); XLPERF_FULL_TESTS=1 runs all
seeds. The corpus tests run today; the review tests skip until ``xlperf.review`` exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review import plant
from tests.review.harness import describe, planted_lines, score_planted
from tests.sampling import sample


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    d = tmp_path_factory.mktemp("planted")
    return d, plant.build_bases(d)


@pytest.fixture(scope="module", params=plant.SPLITS)
def corpus(request, bases):
    d, built = bases
    split = request.param
    seeds = plant.seeds(split)
    cases, summary = plant.build_corpus(d, split, seeds[: sample(1, len(seeds))], prebuilt=built)
    return split, cases, summary


# --- the corpus itself ---------------------------------------------------------------------------


def test_seeds_are_fixed_and_disjoint():
    dev, held = plant.seeds("dev"), plant.seeds("heldout")
    assert dev and held and not set(dev) & set(held)


def test_every_kind_is_planted_and_every_base_is_clean_input(corpus):
    import docx

    split, cases, summary = corpus
    kinds = {c.kind for c in cases if c.kind}
    assert kinds == set(plant.KINDS), set(plant.KINDS) - kinds
    clean = [c for c in cases if c.kind is None]
    # every example in every style that accepts a 项目支出 workbook; 湖南 is the 部门整体支出 outline
    assert len(clean) == len(summary["bases"]) >= 12
    assert all("湖南" in name for name in summary["refused"])
    by_base = {c.base: c for c in clean}
    for c in cases:
        if c.kind is None:
            continue
        before = [p.text for p in docx.Document(by_base[c.base].report).paragraphs]
        after = [p.text for p in docx.Document(c.report).paragraphs]
        if c.kind == "section_missing":
            assert len(after) < len(before), c.id
            continue
        assert len(after) == len(before), c.id
        changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        assert changed == [c.paragraph], (c.id, changed, c.change)
        if c.table is not None:  # the report has no annex: the form is given beside it
            assert Path(c.table).exists()


def test_heldout_edits_differ_from_dev(corpus, bases):
    split, cases, _ = corpus
    if split != "heldout":
        pytest.skip("compared from the held-out side")
    d, built = bases
    dev, _ = plant.build_corpus(d, "dev", plant.seeds("dev")[:1], prebuilt=built)
    dev_changes = {c.change for c in dev if c.kind}
    held_changes = {c.change for c in cases if c.kind}
    assert len(held_changes - dev_changes) > 0.8 * len(held_changes)
    claims = [c.change for c in cases if c.kind == "claim_unsupported"]
    assert not any(w in ch for ch in claims for w in plant.CLAIMS["dev"])


# --- the review ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored(corpus):
    review = pytest.importorskip("xlperf.review")
    split, cases, _ = corpus

    def findings_of(c):
        return list(review.review_report(Path(c.report), Path(c.table) if c.table else None, style=c.style).findings)

    s = score_planted(split, cases, findings_of)
    print("\n" + "\n".join(planted_lines(s)))
    return s


def test_unedited_reports_raise_nothing(scored):
    assert not scored.clean_flagged, "\n".join(f"{b}: {describe(f)}" for b, f in scored.clean_flagged[:30])


# The bar above is not reached yet (what is missed, per kind, is printed; benchmarks/review_accuracy.py
# gives every seed): the floors below hold what the review reaches today on every seed, so a change
# that loses recall fails while the bar stays written down.
RECALL_FLOOR = {"dev": 0.75, "heldout": 0.60}


def test_recall_holds_its_floor(scored):
    assert scored.mutants and scored.raised / scored.mutants >= RECALL_FLOOR[scored.split], (scored.raised, scored.mutants)


@pytest.mark.xfail(strict=True, reason="not every planted mistake is raised yet: dev 75.6 %, held-out 62.0 % over all seeds")
def test_every_mutant_raises_its_kind(scored):
    assert not scored.misses, "\n".join(
        f"{c.id} ({c.change}): raised {[f.kind for f in fs]}" for c, fs in scored.misses[:30])


def test_findings_name_the_edited_paragraph(scored):
    assert not scored.unlocated, "\n".join(
        f"{c.id} ¶{c.paragraph} {c.paragraph_start!r}: {[describe(f) for f in fs]}" for c, fs in scored.unlocated[:30])
