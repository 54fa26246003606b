"""A score that cannot be decided is 待定, never 0: the row, the total and the grade say so everywhere."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xlperf.api import evaluation_json
from xlperf.core import layout
from xlperf.core.blocks import PENDING, computed_blocks
from xlperf.core.narrative import generate
from xlperf.core.refs import cell_ref
from xlperf.core.scoring import evaluate
from xlperf.core.values import Percent
from xlperf.forms.template import read_workbook
from xlperf.ooxml.read import CellError, UncachedFormula
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


# --- a score that depends on a missing or unreadable value is pending ---------------------------

def _blank_actual_rows():
    rows = standard_rows()
    rows[0]["实际完成值"] = None
    return rows


def test_a_blank_actual_is_one_finding_and_withholds_the_total():
    ev = evaluate_grids(_blank_actual_rows())
    assert codes(ev) == ["E301"]  # fill it in — no second demand for a reason on the same row
    (f,) = ev.withheld
    assert (f.code, f.location) == ("E301", "绩效指标!G8")
    assert not ev.final and ev.total_score is None and ev.grade == "" and ev.grade_text == "待定"
    assert ev.total_text == "待定（1处待填写）"
    r = ev.indicators[0]
    assert r.pending and r.score is None and r.incomplete == "实际完成值未填写"
    assert ev.draft_score == 80.0  # the filled rows, for the draft mark only


def test_a_blank_target_and_a_blank_weight_withhold_the_total_once_each():
    rows = standard_rows()
    rows[1]["年度指标值"] = None
    rows[2]["分值"] = None
    ev = evaluate_grids(rows)
    assert sorted((f.code, f.cell) for f in ev.withheld) == [("E106", "E10"), ("E302", "F9")]
    assert "E101" not in codes(ev)  # the missing 分值 is the one finding, not also a wrong sum
    assert ev.total_score is None and ev.total_text == "待定（2处待填写）"


@pytest.mark.parametrize("value", ["十分", "10万元", -5])
def test_an_unreadable_weight_withholds_the_total(value):
    rows = standard_rows()
    rows[0]["分值"] = value
    ev = evaluate_grids(rows)
    assert [(f.code, f.cell) for f in ev.withheld] == [("E104", "E8")]
    assert ev.indicators[0].pending and ev.total_text == "待定（1处无法读取）"


@pytest.mark.parametrize("value", [CellError("#N/A"), UncachedFormula("SUM(A1:A2)"), "#DIV/0!"])
def test_an_unreadable_actual_withholds_the_total(value):
    rows = standard_rows()
    rows[0]["实际完成值"] = value
    ev = evaluate_grids(rows)
    assert [f.cell for f in ev.withheld] == ["G8"] and ev.withheld[0].code in ("E002", "W003")
    assert ev.indicators[0].pending and not ev.final and "E501" not in codes(ev)


@pytest.mark.parametrize("field,col", [("全年预算数", "C"), ("全年执行数", "E")])
@pytest.mark.parametrize("value", [None, "97.2%", Percent(0.972), "四十万", "10分", CellError("#VALUE!")])
def test_a_budget_amount_blank_or_unreadable_withholds_the_total(field, col, value):
    line = {"全年预算数": 100, "实际到位数": 100, "全年执行数": 90, "分值": 10, "偏差原因分析及改进措施": "部分未支付"}
    line[field] = value
    ev = evaluate_grids(budget={"年度资金总额": line})
    assert [f.location for f in ev.withheld] == [f"预算执行!{col}2"]
    assert ev.budget.pending and ev.budget.score is None and not ev.final
    assert not {"E201", "E504", "W208"} & set(codes(ev))
    budget_group = next(s for s in ev.level1 if s.name == layout.LEVEL1_BUDGET)
    assert budget_group.pending == 1


def test_a_budget_scored_in_the_indicator_table_does_not_need_the_budget_sheet():
    rows = standard_rows()
    rows.insert(0, row("预算执行", "预算执行", "预算执行率", 10, "100%", "100%"))
    ev = evaluate_grids(rows, budget={"年度资金总额": {"全年执行数": "97.2%"}})
    assert ev.final and ev.total_score == 100.0  # the 预算执行 sheet carries no points here
    assert "E207" in codes(ev)  # still said


def test_a_manual_score_decides_a_row_whose_actual_is_blank():
    rows = _blank_actual_rows()
    rows[0].update({"人工得分": 18, "偏差原因分析及改进措施": "统计口径调整，按核实人数评分"})
    ev = evaluate_grids(rows)
    assert ev.final and ev.total_score == 98.0
    (f,) = [f for f in ev.findings if f.code == "E301"]
    assert "已按人工得分计分" in f.message and f not in ev.withheld


def test_a_workbook_without_indicators_is_pending():
    ev = evaluate_grids([], budget={"年度资金总额": {"分值": 10}})
    assert {f.code for f in ev.withheld} == {"E009", "E213"} and not ev.final
    assert ev.total_text == "待定（三级指标待填写；2处待填写）" and ev.grade_text == "待定"


def test_units_written_in_a_cell_are_read_and_noted_once():
    plain = evaluate_grids(budget={"年度资金总额": {"全年预算数": 48.6, "全年执行数": 48.6, "分值": 10}}, info={"金额单位": "万元"})
    rows = standard_rows()
    rows[0]["分值"] = "20分"
    ev = evaluate_grids(rows, budget={"年度资金总额": {"全年预算数": "48.6万元", "全年执行数": 48.6, "分值": "10分"}}, info={"项目名称": "测试项目", "金额单位": "万元"})
    assert ev.final and ev.total_score == plain.total_score == 100.0
    notes = [(f.code, f.severity, f.location) for f in ev.findings]
    assert notes == [("I014", "提示", "预算执行!C2"), ("I014", "提示", "预算执行!I2"), ("I014", "提示", "绩效指标!E8")]
    # in a workbook kept in 元, 48.6万元 is 486000 元
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": "48.6万元", "全年执行数": 486000, "分值": 10}}, info={"金额单位": "元"})
    assert ev.final and ev.budget.full_year == 486000 and ev.budget.execution_rate == 1.0
    assert "换算为元" in next(f.message for f in ev.findings if f.code == "I014")


# The property: over the shipped examples, blank out or spoil any one value the score depends on
# (an actual, a target, a weight, a budget amount or its 分值) -> never final, and the withheld list
# names that cell.

_SPOILED = {
    "actual": [None, "", CellError("#N/A"), UncachedFormula("A1*2"), "#REF!"],
    "weight": [None, "十分", "10万元", -1, CellError("#DIV/0!")],
    "amount": [None, "97.2%", Percent(0.972), "约四十万", "10分", CellError("#VALUE!")],
    "budget weight": ["十分", "10万元", -1, CellError("#DIV/0!")],  # blank: the documented default 10
}
_GRIDS: dict[str, tuple[list[str], dict]] = {}


def _example_grids(path) -> tuple[list[str], dict]:
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.load import load_book

    key = str(path)
    if key not in _GRIDS:
        loaded = load_book(FileBook(path))
        _GRIDS[key] = loaded.names, loaded.grids
    return _GRIDS[key]


def _dependent_cells(names, grids) -> list[tuple[str, int, int, str]]:
    """(sheet, row, col, kind) of every value the example's score depends on."""
    ev = evaluate(read_workbook(names, grids, source="例.xlsx"))
    inp, cells = ev.input, []
    cols = inp.indicator_columns
    for r in ev.indicators:
        if r.direction == "不适用":
            continue
        cells.append((inp.indicator_sheet, r.indicator.row, cols["分值"], "weight"))
        if r.indicator.manual_score is None:
            cells += [(inp.indicator_sheet, r.indicator.row, cols[h], "actual") for h in ("年度指标值", "实际完成值")]
    if ev.budget.present and ev.budget.weight:
        total = inp.budget.total
        cells += [(inp.budget.sheet, total.row, inp.budget.columns[h], "amount") for h in ("全年预算数", "全年执行数")]
        cells.append((inp.budget.sheet, total.row, inp.budget.columns["分值"], "budget weight"))
    return cells


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_missing_or_unreadable_value_the_score_needs_withholds_it(example_books, data):
    key = data.draw(st.sampled_from(sorted(example_books)))
    names, grids = _example_grids(example_books[key])
    before = evaluate(read_workbook(names, grids, source="例.xlsx"))
    assert before.final  # the examples are complete
    sheet, r, c, kind = data.draw(st.sampled_from(_dependent_cells(names, grids)))
    value = data.draw(st.sampled_from(_SPOILED[kind]))
    spoiled = copy.deepcopy(grids)
    g = spoiled[sheet]
    while len(g[r - 1]) < c:
        g[r - 1].append(None)
    g[r - 1][c - 1] = value
    ev = evaluate(read_workbook(names, spoiled, source="例.xlsx"))
    cell = f"{sheet}!{cell_ref(r, c)}"
    assert not ev.final and ev.total_score is None and ev.grade == "" and ev.grade_text == "待定"
    assert cell in [f.location for f in ev.withheld], (cell, value, [f.location for f in ev.withheld])
    data_ = evaluation_json(ev)
    assert data_["final"] is False and data_["total_score"] is None and cell in [f"{w['sheet']}!{w['cell']}" for w in data_["withheld"]]
