"""A score that cannot be decided is 待定, never 0: the row, the total and the grade say so everywhere."""

from __future__ import annotations

from xlperf.api import evaluation_json
from xlperf.core.blocks import PENDING, computed_blocks
from xlperf.core.narrative import generate
from xlperf.report.context import build_context
from tests.grids import codes, evaluate_grids, row, standard_rows


def _undecidable(**extra):
    rows = standard_rows()
    rows[4] = row("效益指标", "社会效益指标", "减轻群众负担", 15, "持续", "见附件说明", **extra)
    return rows


def test_an_undecidable_row_is_pending_and_withholds_the_total_and_grade():
    ev = evaluate_grids(_undecidable())
    pending = [r for r in ev.indicators if r.pending]
    assert [r.indicator.level3 for r in pending] == ["减轻群众负担"]
    assert pending[0].score is None and "E303" in codes(ev)
    assert ev.total_score is None and ev.grade == "" and not ev.final
    assert ev.total_text == "待定（1项需人工评分）" and ev.grade_text == "待定"
    assert ev.draft_score == 85.0  # the decided rows, for the draft mark only
    assert [f.code for f in ev.withheld] == ["E303"]
    effect = next(s for s in ev.level1 if s.name == "效益指标")
    assert effect.pending == 1 and effect.score == 15.0


def test_a_manual_score_resolves_the_pending_row():
    ev = evaluate_grids(_undecidable(manual=12, reason="部分人群尚未覆盖"))
    assert ev.final and not ev.withheld and ev.total_score == 97.0 and ev.grade == "优"
    assert ev.total_text == "97.00" and ev.grade_text == "优"


def test_weights_that_do_not_add_up_withhold_the_total():
    rows = standard_rows()
    rows[0]["分值"] = 30  # Σ分值 110
    ev = evaluate_grids(rows)
    assert "E101" in codes(ev)
    assert ev.total_score is None and ev.grade_text == "待定"
    assert "分值合计不等于100" in ev.total_text


def test_every_output_says_pending():
    ev = evaluate_grids(_undecidable())
    data = evaluation_json(ev)
    assert data["final"] is False and data["total_score"] is None and data["grade"] == "待定"
    assert data["draft_total"] == 85.0 and [w["code"] for w in data["withheld"]] == ["E303"]
    assert [r["pending"] for r in data["indicators"]].count(True) == 1
    assert next(r for r in data["indicators"] if r["pending"])["score"] is None
    # the computed cells: 得分 says 待定, the summary block says 待定 for the total and the grade
    names = ["项目信息", "绩效指标", "预算执行"]
    blocks = computed_blocks(ev, names, {}, narrative=False)
    written = [v for _, _, _, block, _ in blocks for line in block for v in line]
    assert PENDING in written
    # the report
    ctx = build_context(ev, generate(ev, "通用"))
    assert ctx["total_score"].startswith("待定") and ctx["grade"] == "待定" and ctx["final"] is False
    assert ctx["self_table"]["total"]["score"].startswith("待定")
    assert any(r["score"] == "待定" for r in ctx["self_table"]["rows"])
    text = "\n".join(p for s in generate(ev, "陕西") for p in s.paragraphs)
    assert "等级待定" in text and "得分待定" in text
