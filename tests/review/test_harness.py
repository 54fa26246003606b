"""The scoring used by the review corpus tests, checked on made-up findings: a review that raises
exactly what is expected passes, one that raises nothing or flags a right claim is caught."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.review.fixtures.build import build
from tests.review.harness import load_expected, resolve, score_planted, score_reference
from tests.review.plant import Case


@dataclass
class P:
    index: int | None
    start: str | None = None
    number: int | None = None


@dataclass
class F:
    kind: str
    paragraph: P | None = None
    cell: str | None = None
    message: str = ""
    code: str = ""


def _spec(rid):
    return next(s for s in load_expected() if s["id"] == rid)


@pytest.fixture(scope="module")
def paras(tmp_path_factory):
    import docx

    rid = "liuyang-bumen-zhengti-2020"
    built = build(tmp_path_factory.mktemp("ref"), ids=(rid,))
    return [p.text for p in docx.Document(built[rid]["docx"]).paragraphs]


def _oracle(spec, paras):
    out = []
    for e in spec["finding"]:
        if e.get("table") or not e["paragraph"]:
            out.append(F(e["kind"], None, e.get("cell"), " ".join(e.get("match", []))))
        else:
            try:
                out.append(F(e["kind"], P(resolve(paras, e["paragraph"], e.get("after")))))
            except LookupError:
                pass
    return out


def test_a_review_raising_what_is_expected_meets_the_bar(paras):
    spec = _spec("liuyang-bumen-zhengti-2020")
    s = score_reference(spec, _oracle(spec, paras), paras)
    assert not [e for e in s.missed if e["confidence"] == "certain"]
    assert not s.false_alarms and not s.unexpected


def test_a_silent_review_misses_every_certain_finding(paras):
    spec = _spec("liuyang-bumen-zhengti-2020")
    s = score_reference(spec, [], paras)
    assert s.certain() == (0, sum(e["confidence"] == "certain" for e in spec["finding"]))


def test_a_finding_on_the_wrong_paragraph_or_a_right_claim_counts_against(paras):
    spec = _spec("liuyang-bumen-zhengti-2020")
    right = resolve(paras, "2020年部门决算整体收入8254.56万元")
    fs = [F("claim_unsupported", P(right)), F("amount_mismatch", P(right)), F("rate_inverted", None, None, "执行率 90.66% 是预算÷执行")]
    s = score_reference(spec, fs, paras)
    assert any(e["kind"] == "claim_unsupported" for e in s.missed)  # on ¶1, not on ¶0
    assert [r["paragraph"] for r, _ in s.false_alarms] == ["2020年部门决算整体收入8254.56万元"]
    assert any(e.get("match") == ["90.66"] for e in s.found)
    # a start instead of an index locates the paragraph too
    s2 = score_reference(spec, [F("claim_unsupported", P(None, "2020年部门整体支出绩效自评结果"))], paras)
    assert any(e["kind"] == "claim_unsupported" for e in s2.found)


def test_planted_scoring_counts_misses_location_and_clean_alarms():
    def case(kind, para, base="b"):
        return Case(f"{kind}-{para}", "dev", 1, base, "通用", "x.docx", None, kind, para, None, "")

    cases = [case(None, None), case("total_mismatch", 3), case("year_mismatch", 0), case("section_missing", None)]
    answers = {
        None: [F("table_arithmetic")],
        "total_mismatch": [F("total_mismatch", P(3))],
        "year_mismatch": [F("year_mismatch", P(5)), F("grade_mismatch", P(0))],
        "section_missing": [],
    }
    s = score_planted("dev", cases, lambda c: answers[c.kind])
    assert (s.mutants, s.raised, s.locatable, s.located) == (3, 2, 2, 1)
    assert len(s.clean_flagged) == 1 and [c.kind for c, _ in s.misses] == ["section_missing"]
    assert [c.kind for c, _ in s.unlocated] == ["year_mismatch"]
    assert s.collateral == {"grade_mismatch": 1}
    # first words instead of an index locate it too
    c = Case("t", "dev", 1, "b", "通用", "x.docx", None, "total_mismatch", 3, "自评得分82.81分，等级", "")
    s = score_planted("dev", [c], lambda _: [F("total_mismatch", P(None, "自评得分82.81分"))])
    assert s.located == 1
