"""Scoring rules R1–R14 and every finding code, on in-memory grids (no files)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.findings import RULES
from xlperf.core.models import ScoringConfig
from xlperf.core.scoring import grade_of, score_indicator

from tests.grids import codes, evaluate_grids, row, standard_rows


def find(ev, code):
    return [f for f in ev.findings if f.code == code]


def test_clean_table_scores_100_without_findings():
    ev = evaluate_grids(info={"项目名称": "城乡居民购买服务经费配套项目"})
    assert ev.total_score == 100.0
    assert ev.grade == "优"
    assert [f for f in ev.findings if f.severity != "提示"] == []


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_table_without_a_project_name_gets_a_finding(name):
    """The report would title itself with a placeholder: check says so (W706) at the 项目名称 cell."""
    ev = evaluate_grids(info={"项目名称": name})
    (f,) = [f for f in ev.findings if f.code == "W706"]
    assert f.sheet == layout.SHEET_INFO and f.cell.startswith("B") and ev.total_score == 100.0


# --- R1 weights -------------------------------------------------------------------------------


def test_r1_weights_not_100_is_an_error_with_the_header_cell():
    rows = standard_rows()
    rows[0]["分值"] = 15
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E101")
    assert f.severity == "错误" and f.cell == "E7" and "95" in f.message


def test_r1_weights_summing_to_99_999_pass_but_99_99_fail():
    rows = standard_rows()
    rows[0]["分值"] = 19.999
    assert "E101" not in codes(evaluate_grids(rows))
    rows[0]["分值"] = 19.99
    assert "E101" in codes(evaluate_grids(rows))


def test_r1_declared_subtotal_mismatch():
    rows = standard_rows()
    rows[0]["一级指标"] = "产出指标（55分）"
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E102")
    assert f.cell == "A8" and "55" in f.message and "50" in f.message


def test_r1_level2_subtotal_matches():
    rows = standard_rows()
    rows[0]["二级指标"] = "数量指标（20）"
    assert "E102" not in codes(evaluate_grids(rows))
    rows[0]["二级指标"] = "数量指标(15)"
    assert "E102" in codes(evaluate_grids(rows))


def test_r1_non_default_split_is_a_warning():
    rows = standard_rows()
    rows[0]["分值"] = 10
    rows[4]["分值"] = 25  # 产出 40, 效益 40
    ev = evaluate_grids(rows)
    assert "E101" not in codes(ev)
    assert find(ev, "W103")[0].severity == "警告"


def test_negative_and_missing_weights():
    rows = standard_rows()
    rows[0]["分值"] = -5
    rows[1]["分值"] = None
    rows[2]["分值"] = "十分"
    ev = evaluate_grids(rows)
    e104 = find(ev, "E104")
    assert {f.cell for f in e104} == {"E8", "E10"}
    assert find(ev, "E106")[0].cell == "E9"


def test_declared_total_row_checked():
    rows = standard_rows() + [{"一级指标": "合计", "分值": 90, "得分": 95}]
    ev = evaluate_grids(rows)
    assert "E105" in codes(ev)
    rows[-1]["得分"] = 100
    rows[-1]["分值"] = 80
    ev = evaluate_grids(rows)
    assert "E105" not in codes(ev) and "W107" in codes(ev)


# --- R2 budget ----------------------------------------------------------------------------------


def test_r2_execution_rate_and_score():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": 40, "实际到位数": 40, "全年执行数": 37.24, "分值": 10, "偏差原因分析及改进措施": "合同价低"}})
    assert ev.budget.execution_rate == 0.931
    assert ev.budget.score == 9.31
    assert ev.budget.balance == pytest.approx(2.76)
    assert ev.total_score == 99.31


def test_r2_zero_budget_with_spending_is_an_error():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": 0, "全年执行数": 56.924, "分值": 10}})
    (f,) = find(ev, "E201")
    assert f.sheet == "预算执行" and f.cell == "C2"
    assert ev.budget.score == 0


def test_r2_execution_above_budget_is_a_warning_and_capped():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": 100, "全年执行数": 110, "分值": 10}})
    assert find(ev, "W202")[0].severity == "警告"
    assert ev.budget.score == 10


def test_r2_inverted_stated_rate_is_detected():
    b = {"年度资金总额": {"全年预算数": 40, "全年执行数": 37.24, "执行率": "107.41%", "分值": 10, "偏差原因分析及改进措施": "x"}}
    ev = evaluate_grids(budget=b)
    (f,) = find(ev, "E203")
    assert "93.10%" in f.message and f.cell == "H2"


def test_r2_arrival_above_budget_and_part_sums():
    b = {
        "年度资金总额": {"全年预算数": 100, "实际到位数": 120, "全年执行数": 100, "分值": 10},
        "财政拨款": {"全年预算数": 80, "实际到位数": 80, "全年执行数": 80},
        "其中：县级": {"全年预算数": 70, "实际到位数": 70, "全年执行数": 70},
    }
    ev = evaluate_grids(budget=b)
    assert "W205" in codes(ev)
    w206 = find(ev, "W206")
    assert any("财政拨款" in f.message for f in w206)


def test_r2_missing_budget_numbers_withhold_the_total():
    ev = evaluate_grids(budget={"年度资金总额": {"分值": 10}})
    assert codes(ev) == ["E213", "E213"]
    assert [f.cell for f in ev.withheld] == ["C2", "E2"]  # 全年预算数, 全年执行数: each cell to fill
    assert ev.budget.pending and ev.budget.score is None and not ev.final and ev.total_text == "待定（2处待填写）"


def test_r2_bad_amount_is_a_finding():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": "四十万", "全年执行数": 40, "分值": 10}})
    (f,) = find(ev, "E207")
    assert f.cell == "C2"


def test_budget_scored_in_indicator_table_is_not_double_counted():
    rows = [row("预算执行指标", "预算执行指标", "预算执行率", 10, "100%", "93.32%", reason="资金按实际参保人数拨付")] + standard_rows()
    ev = evaluate_grids(rows, budget={"年度资金总额": {"全年预算数": 100, "全年执行数": 100, "分值": 10}})
    assert ev.budget.weight == 0
    assert "I209" in codes(ev)
    assert ev.total_weight == 100
    assert ev.total_score == 99.33


# --- R3 positive ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "w, target, actual, score, completion",
    [
        (10, "3626", "3626人", 10, 1.0),
        (10, "100", "100%", 10, 1.0),
        (10, "≥95%", "94%", 9.89, 0.9895),
        (10, "≥95%", "≥95%", 10, 1.0),
        (10, "242202人", "100%", 10, 1.0),
        (10, "98%", 0.98, 10, 1.0),  # a percent-formatted cell holds 0.98
        (20, "3", "2个", 13.33, 0.6667),
        (10, "40万元", "400000元", 10, 1.0),
    ],
)
def test_r3_positive(w, target, actual, score, completion):
    rs = score_indicator(w, target, actual)
    assert rs.direction == "≥"
    assert rs.score == score
    assert rs.completion == pytest.approx(completion)


def test_r3_over_achievement_needs_a_reason_and_is_configurable():
    rows = standard_rows()
    rows[0]["实际完成值"] = "4500人"  # 124%
    ev = evaluate_grids(rows)
    (f,) = find(ev, "W502")
    assert f.cell == "L8"
    rows[0]["偏差原因分析及改进措施"] = "新增参保人员"
    assert "W502" not in codes(evaluate_grids(rows))
    rows[0]["偏差原因分析及改进措施"] = None
    ev = evaluate_grids(rows, info={"超额完成阈值": "130%"})
    assert "W502" not in codes(ev)
    assert score_indicator(10, "100", "150", config=ScoringConfig(overachievement_threshold=1.5)).overachieved


# --- R4 reverse ----------------------------------------------------------------------------------


def test_r4_reverse_ratio_and_linear():
    assert score_indicator(10, "≤30天", "25天").score == 10
    assert score_indicator(10, "≤30天", "40天").score == 7.5
    assert score_indicator(10, "≤30天", "40天", config=ScoringConfig(reverse_formula="linear")).score == 6.67
    assert score_indicator(10, "≤30天", "90天", config=ScoringConfig(reverse_formula="linear")).score == 0
    assert score_indicator(20, "40", "39.75万元", level2="成本指标").direction == "≤"
    assert score_indicator(10, "上访率≤1%", "2%").score == 5


def test_r4_reverse_zero_target():
    assert score_indicator(10, "≤0", "0").score == 10
    assert score_indicator(10, "≤0", "1").score == 0


def test_r4_completion_of_a_met_reverse_row_is_100():
    """完成率 on a ≤ row states attainment of the ceiling: 39.75万元 of ≤40万元 and 25 of ≤30天
    are met (100 %), not 99.38 % or 83.33 % done."""
    cost = score_indicator(10, "≤40万元", "39.75万元", level3="购买服务成本")
    days = score_indicator(10, "≤30天", "25天")
    for rs in (cost, days):
        assert (rs.direction, rs.met, rs.score, rs.completion) == ("≤", True, 10, 1.0)


@pytest.mark.parametrize(
    ("target", "actual", "formula", "completion", "score"),
    [
        ("≤30天", "40天", "ratio", 0.75, 7.5),  # 30 ÷ 40
        ("≤30天", "40天", "linear", 0.6667, 6.67),  # 1 − 10 ÷ 30
        ("≤30天", "90天", "linear", 0.0, 0.0),  # floored at 0
        ("不超过预算", "超出预算8%", "ratio", 0.9259, 9.26),  # an overrun in words: 1 ÷ 1.08
        ("不超过预算", "超出预算8%", "linear", 0.92, 9.2),
        ("≤40万元", "108%", "ratio", 0.9259, 9.26),  # the actual states the share of the ceiling
        ("≤40万元", "98%", "ratio", 1.0, 10),
        ("≤99999.99万元", "100000.00万元", "linear", 1.0, 10),  # an overrun too small to show
    ],
)
def test_r4_completion_of_an_exceeded_reverse_row_is_the_scored_ratio(target, actual, formula, completion, score):
    rs = score_indicator(10, target, actual, "", "成本指标", ScoringConfig(reverse_formula=formula))
    assert (rs.completion, rs.score) == (completion, score)


def test_r4_zero_ceiling_has_no_completion():
    assert score_indicator(10, "≤0", "0").completion is None
    assert score_indicator(10, "≤0", "1").completion is None


@settings(max_examples=400, deadline=None)
@given(
    st.floats(min_value=0.5, max_value=50),
    st.floats(min_value=0.01, max_value=1e5),
    st.floats(min_value=0, max_value=1e5),
    st.sampled_from(["ratio", "linear"]),
    st.sampled_from(["万元", "天", "%"]),
)
def test_reverse_completion_is_attainment_and_score_is_w_times_completion(w, a, b, formula, unit):
    """Every reverse row: met → 完成率 100 %; exceeded → 完成率 < 100 % and score = W × 完成率."""
    a, b = round(a, 2), round(b, 2)
    assume(a > 0)
    rs = score_indicator(w, f"≤{a:.2f}{unit}", f"{b:.2f}{unit}", config=ScoringConfig(reverse_formula=formula))
    assert rs.direction == "≤" and rs.score is not None
    if b <= a:
        assert rs.completion == 1.0 and rs.met
        assert rs.score == V.score_within(w, w)
    else:
        expected = a / b if formula == "ratio" else max(0.0, 1 - (b - a) / a)
        assert rs.completion is not None and abs(rs.completion - expected) <= 0.00005 + 1e-12  # 4 places
        # below 100 % unless the overrun is too small to show (100000.00 against ≤99999.99)
        assert rs.completion < 1 or expected > 0.99995
        # the score is taken from the unrounded ratio: W × the 4-place 完成率 agrees within rounding
        assert abs(rs.score - w * rs.completion) <= 0.005 + w * 0.00005 + 1e-9


def test_reverse_formula_from_project_info():
    rows = standard_rows()
    rows[3].update({"年度指标值": "≤280元", "实际完成值": "350元", "偏差原因分析及改进措施": "标准提高"})
    assert evaluate_grids(rows).indicators[3].score == 8.0
    assert evaluate_grids(rows, info={"反向指标计分方法": "扣减法"}).indicators[3].score == 7.5


def test_zero_target_warns():
    ev = evaluate_grids([row("产出指标", "数量指标", "新增投诉", 90, "0", "0")])
    assert "W304" in codes(ev)


# --- R5 equal ----------------------------------------------------------------------------------


def test_r5_equal_mismatch_needs_reason():
    rows = standard_rows()
    rows[0].update({"指标方向": "=", "年度指标值": "3626人", "实际完成值": "3700人"})
    ev = evaluate_grids(rows)
    assert ev.indicators[0].score == 20
    (f,) = find(ev, "E503")
    assert f.cell == "L8"


# --- R6 qualitative ----------------------------------------------------------------------------


def test_r6_tiers():
    assert score_indicator(15, "提升", "达成").score == 15
    assert score_indicator(15, "持续", "持续").score == 15
    assert score_indicator(15, "健全", "100%").score == 15
    rs = score_indicator(15, "提升", "部分达成")
    assert rs.score == 9 and rs.tier == "部分达成"
    assert score_indicator(15, "提升", "未达成").score == 0
    rs = score_indicator(15, "提升", "98%")
    assert rs.score == 14.7 and rs.tier == "达成"


def test_r6_undeterminable_needs_a_manual_score():
    rows = standard_rows()
    rows[4]["实际完成值"] = "情况说明见附件"
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E303")
    assert f.cell == "G12"
    rows[4].update({"人工得分": 13, "偏差原因分析及改进措施": "效果较好"})
    ev = evaluate_grids(rows)
    assert "E303" not in codes(ev)
    assert ev.indicators[4].score == 13


def test_r6_partial_tier_hint():
    rows = standard_rows()
    rows[4].update({"实际完成值": "部分达成", "偏差原因分析及改进措施": "进度滞后"})
    assert "I307" in codes(evaluate_grids(rows))


# --- R7 time -------------------------------------------------------------------------------------


def test_r7_deadlines_never_a_ratio_of_years():
    assert score_indicator(10, "2021", "2021年").score == 10
    assert score_indicator(10, "2021年", "2020年").score == 10
    rs = score_indicator(10, "2021", "2022年")
    assert rs.score == 0 and not rs.met
    assert score_indicator(10, "2021年12月31日", "2021年11月").score == 10
    assert score_indicator(10, "一个月内", "一个月内", level2="时效指标").score == 10
    assert score_indicator(10, "及时率≥95%", "98%", level2="时效指标").score == 10


def test_r7_late_is_reported():
    rows = standard_rows()
    rows[2].update({"实际完成值": "2022年", "偏差原因分析及改进措施": "延期"})
    ev = evaluate_grids(rows)
    assert "W305" in codes(ev)


# --- R8 rounding, R9 caps, R12 grades ---------------------------------------------------------------


def test_r8_total_is_the_sum_of_rounded_rows():
    rows = [
        row("产出指标", "数量指标", "a", 30, "3", "1", reason="r"),  # 10.0
        row("产出指标", "数量指标", "b", 30, "3", "2", reason="r"),  # 20.0
        row("效益指标", "社会效益指标", "c", 30, "7", "1", reason="r"),  # 4.285714 -> 4.29
    ]
    ev = evaluate_grids(rows)
    assert [r.score for r in ev.indicators] == [10.0, 20.0, 4.29]
    assert ev.total_score == round(10 + 20 + 4.29 + 10, 2)


@pytest.mark.parametrize("total, grade", [(90, "优"), (89.995, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差")])
def test_r12_grades(total, grade):
    assert grade_of(total) == grade


# --- R10 reasons, R11 manual scores -------------------------------------------------------------------


def test_r10_shortfall_without_reason():
    rows = standard_rows()
    rows[6]["实际完成值"] = "90%"
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E501")
    assert f.cell == "L14"
    assert ev.indicators[6].hints and ev.indicators[6].hints[0].startswith("E501")


def test_r10_budget_below_100_without_reason():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": 100, "全年执行数": 90, "分值": 10}})
    (f,) = find(ev, "E504")
    assert f.cell == "K2"


def test_r10_a_budget_block_without_a_reason_cell_asks_for_the_reason_in_the_report():
    """The national form's 项目资金 block has no reason column: the missing reason is a warning there."""
    from tests.grids import indicator_grid, info_grid
    from xlperf.core.scoring import evaluate
    from xlperf.forms.template import read_workbook

    headers = [h for h in layout.BUDGET_HEADERS if h != "偏差原因分析及改进措施"]
    budget = [headers, ["年度资金总额", None, 100, 100, 90, None, None, None, 10, None]]
    grids = {layout.SHEET_INFO: info_grid(), layout.SHEET_INDICATORS: indicator_grid(standard_rows()), layout.SHEET_BUDGET: budget}
    ev = evaluate(read_workbook(list(grids), grids))
    assert "E504" not in codes(ev)
    (f,) = find(ev, "W505")
    assert f.cell == "H2" and "自评报告" in f.message


def test_r11_manual_score_rules():
    rows = standard_rows()
    rows[6].update({"实际完成值": "94%", "人工得分": 9})
    ev = evaluate_grids(rows)
    assert ev.indicators[6].score == 9
    (f,) = find(ev, "E404")
    assert f.cell == "L14"
    rows[6]["偏差原因分析及改进措施"] = "差1个百分点"
    assert "E404" not in codes(evaluate_grids(rows))
    rows[6]["人工得分"] = 12
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E402")
    assert f.cell == "J14"
    rows[6]["人工得分"] = "九分"
    assert "E406" in codes(evaluate_grids(rows))


def test_r11_manual_score_must_respect_the_stated_tier():
    rows = standard_rows()
    rows[4].update({"实际完成值": "部分达成", "人工得分": 14, "偏差原因分析及改进措施": "x"})
    (f,) = find(evaluate_grids(rows), "E403")
    assert "部分达成" in f.message
    rows[4]["人工得分"] = 10
    assert "E403" not in codes(evaluate_grids(rows))


def test_foreign_table_score_column_is_the_manual_score():
    from xlperf.core import layout

    header = ["一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施"]
    grid = [["附件1.项目支出绩效自评表"], header]
    for r in standard_rows():
        grid.append([r["一级指标"], r["二级指标"], r["三级指标"], r["分值"], r["年度指标值"], r["实际完成值"], None, r["分值"], None])
    grid[2][7] = 25  # above its weight of 20
    ev = evaluate_grids(indicator_grid_override=grid)
    (f,) = find(ev, "E401")
    assert f.cell == "H3"
    assert ev.input.indicator_columns["三级指标"] == 3 and layout.SHEET_INDICATORS == ev.input.indicator_sheet


# --- R13 not applicable, R14 units -------------------------------------------------------------------


def test_r13_not_applicable_rows_are_dropped_and_rescaled():
    rows = standard_rows()
    rows[3].update({"实际完成值": "不适用"})
    ev = evaluate_grids(rows)
    assert "I309" in codes(ev)
    assert ev.total_score == 100.0
    rows[0].update({"实际完成值": "1813人", "偏差原因分析及改进措施": "x"})  # 10 of 20
    ev = evaluate_grids(rows)
    assert ev.total_score == pytest.approx(round(90 * 100 / 90, 2) - round(10 * 100 / 90, 2), abs=0.01)


def test_r14_unit_mismatch_warns():
    rows = standard_rows()
    rows[0]["实际完成值"] = "100%"
    ev = evaluate_grids(rows)
    (f,) = find(ev, "W601")
    assert f.cell == "G8" and "人" in f.message
    assert ev.indicators[0].score == 20


# --- structure and reading -------------------------------------------------------------------------


def test_level2_under_wrong_level1():
    rows = standard_rows()
    rows[0]["二级指标"] = "社会效益指标"
    (f,) = find(evaluate_grids(rows), "E701")
    assert f.cell == "B8"


def test_unknown_level1_and_missing_level():
    rows = standard_rows()
    rows[0]["一级指标"] = "奇怪指标"
    assert "W702" in codes(evaluate_grids(rows))
    rows = standard_rows()
    rows[0]["一级指标"] = None
    assert "W703" in codes(evaluate_grids(rows))


def test_blank_level_cells_inherit_from_above():
    rows = standard_rows()
    for r in rows[1:4]:
        r["一级指标"] = None
    rows[2]["二级指标"] = None  # inherits 质量指标
    ev = evaluate_grids(rows)
    assert [r.indicator.level1 for r in ev.indicators[:4]] == ["产出指标"] * 4
    assert ev.indicators[2].indicator.level2 == "质量指标"


def test_unreadable_values_are_findings_with_cells():
    class CellError:
        code = "#DIV/0!"

    rows = standard_rows()
    rows[1]["实际完成值"] = CellError()
    ev = evaluate_grids(rows)
    (f,) = find(ev, "E002")
    assert f.cell == "G9"


def test_missing_target_and_actual():
    rows = standard_rows()
    rows[0]["实际完成值"] = None
    rows[1]["年度指标值"] = None
    c = codes(evaluate_grids(rows))
    assert "E301" in c and "E302" in c


def test_unrecognised_direction_and_settings():
    rows = standard_rows()
    rows[0]["指标方向"] = "向上"
    ev = evaluate_grids(rows, info={"超额完成阈值": "很多", "评价类型": "其他"})
    c = codes(ev)
    assert "W310" in c and "W011" in c and "W704" in c


def test_missing_sheets_and_no_indicators():
    from xlperf.core.errors import InputError
    from xlperf.forms.template import read_workbook

    ev = evaluate_grids(with_budget=False)
    assert "W005" in codes(ev)
    with pytest.raises(InputError) as e:
        read_workbook(["绩效指示", "项目信息"], {"绩效指示": [["x"]], "项目信息": [["字段", "内容"]]}, source="a.xlsx")
    assert "绩效指示" in str(e.value) and "a.xlsx" in str(e.value)
    ev = evaluate_grids([])
    assert "E009" in codes(ev)


def test_duplicate_header_and_long_text():
    from xlperf.core import layout

    grid = [list(layout.INDICATOR_HEADERS) + ["分值"]]
    r = standard_rows()[0]
    grid.append([r.get(h) for h in layout.INDICATOR_HEADERS] + [99])
    grid[1][2] = "很长" * 2000
    ev = evaluate_grids(indicator_grid_override=grid)
    assert "W006" in codes(ev) and "W007" in codes(ev)


def test_header_merged_over_two_rows():
    top = ["一级指标", "二级指标", "三级指标", "分值", "指标值", None, "得分"]
    sub = [None, None, None, None, "年度指标值", "实际完成值", None]
    grid = [top, sub] + [[r["一级指标"], r["二级指标"], r["三级指标"], r["分值"], r["年度指标值"], r["实际完成值"], r["分值"]] for r in standard_rows()]
    ev = evaluate_grids(indicator_grid_override=grid)
    assert ev.total_score == 100.0
    assert ev.input.indicator_header_row == 2


def test_row_limit():
    from xlperf.core import layout

    rows = [row("产出指标", "数量指标", f"指标{i}", 0.001, "1", "1") for i in range(layout.MAX_INDICATOR_ROWS + 5)]
    ev = evaluate_grids(rows)
    assert "E010" in codes(ev)
    assert len(ev.indicators) == layout.MAX_INDICATOR_ROWS


def test_every_finding_code_has_a_test():
    import pathlib
    import re

    here = pathlib.Path(__file__).parents[1]
    text = "\n".join(p.read_text(encoding="utf-8") for p in here.rglob("test_*.py"))
    untested = [c for c in RULES if not re.search(rf'"{c}"', text)]
    assert untested == [], f"finding codes without a test: {untested}"


# --- properties ------------------------------------------------------------------------------------

values = st.one_of(
    st.text(max_size=12),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from(["≥95%", "≤30天", "2021年", "持续", "100%", "3626人", "39.75万元", "一个月内", "#N/A", "部分达成", "0", ""]),
)
directions = st.sampled_from(["", "≥", "≤", "=", "定性", "时效", "乱写"])


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=0, max_value=100, allow_nan=False), values, values, directions, st.sampled_from(["", "成本指标", "时效指标", "数量指标"]))
def test_score_is_always_between_0_and_w(w, target, actual, direction, level2):
    rs = score_indicator(w, target, actual, direction, level2)
    if rs.score is not None:
        assert 0 <= rs.score <= round(w, 2) + 0.005


@pytest.mark.parametrize("actual, score, completion", [("-3", 10.0, 1.0), ("-1", 10.0, 1.0), ("-0.5", 0.0, None), (2.225073858507203e-309, 0.0, None), ("5", 0.0, None)])
def test_a_negative_ceiling_is_met_or_not_never_a_ratio(actual, score, completion):
    """≤-1 (a decrease of at least 1) on a 成本指标 row: reached → full marks, not reached → 0 and
    no 完成率 (A÷B of a negative A is no share of anything; a tiny B once made it −inf and the score NaN)."""
    rs = score_indicator(10, "-1", actual, "", "成本指标")
    assert rs.score == score and rs.completion == completion


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0.5, max_value=50, allow_nan=False),
    st.floats(min_value=0.01, max_value=1e5, allow_nan=False),
    st.floats(min_value=0, max_value=1e5, allow_nan=False),
    st.floats(min_value=0, max_value=1e5, allow_nan=False),
    st.sampled_from(["人", "", "万元"]),
)
def test_positive_score_never_falls_when_the_actual_rises(w, target, b1, b2, unit):
    lo, hi = sorted((b1, b2))
    t = f"{target:.2f}{unit}"
    s_lo = score_indicator(w, t, f"{lo:.2f}{unit}", "≥").score
    s_hi = score_indicator(w, t, f"{hi:.2f}{unit}", "≥").score
    assume(s_lo is not None and s_hi is not None)  # "1900.12" reads as the date 1900-12: not a quantity
    assert s_hi >= s_lo


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0.5, max_value=50), st.floats(min_value=0.01, max_value=1e5), st.floats(min_value=0, max_value=1e5), st.floats(min_value=0, max_value=1e5))
def test_reverse_score_never_rises_when_the_actual_rises(w, target, b1, b2):
    lo, hi = sorted((b1, b2))
    assume(hi > 0)
    t = f"≤{target:.2f}天"
    assert score_indicator(w, t, f"{hi:.2f}天").score <= score_indicator(w, t, f"{lo:.2f}天").score


def test_uncached_formula_in_an_input_cell():
    class UncachedFormula:
        formula = "SUM(A1:A3)"

    rows = standard_rows()
    rows[0]["实际完成值"] = UncachedFormula()
    (f,) = find(evaluate_grids(rows), "W003")
    assert f.cell == "G8"


def test_unrecognisable_budget_sheet():
    from xlperf.core import layout
    from xlperf.forms.template import read_workbook
    from xlperf.core.scoring import evaluate

    from tests.grids import indicator_grid, info_grid

    grids = {layout.SHEET_INFO: info_grid(), layout.SHEET_BUDGET: [["随便写的表"], ["a", "b"]], layout.SHEET_INDICATORS: indicator_grid(standard_rows())}
    ev = evaluate(read_workbook(list(grids), grids))
    assert "W013" in codes(ev) and not ev.budget.present


def test_stated_rate_mismatch_in_a_foreign_budget_table():
    from xlperf.core import layout
    from xlperf.forms.template import read_workbook
    from xlperf.core.scoring import evaluate

    from tests.grids import indicator_grid, info_grid

    budget = [["资金来源", "全年预算资金", "实际到位资金", "全年执行资金", "预算执行率", "分值"], ["年度资金总额", 40, 40, 37.24, 95, 10]]
    grids = {layout.SHEET_INFO: info_grid(), layout.SHEET_BUDGET: budget, layout.SHEET_INDICATORS: indicator_grid(standard_rows())}
    ev = evaluate(read_workbook(list(grids), grids))
    (f,) = find(ev, "W204")
    assert f.cell == "E2" and "93.10%" in f.message


def test_full_year_budget_left_at_zero():
    ev = evaluate_grids(budget={"年度资金总额": {"年初预算数": 50, "全年预算数": 0, "全年执行数": 0, "分值": 10}})
    assert "W210" in codes(ev)


def test_a_date_against_a_quantity_cannot_be_compared():
    rs = score_indicator(10, "95%", "2021年")
    assert any(code == "W306" for code, _, _ in rs.notes)


def test_excel_serial_dates_in_time_indicators():
    rows = standard_rows()
    rows[2].update({"年度指标值": 44561, "实际完成值": 44500})  # 2021-12-31 and 2021-10-31
    ev = evaluate_grids(rows)
    assert ev.indicators[2].score == 10
    assert "I012" in codes(ev)


def test_met_is_judged_before_the_score_is_rounded():
    from tests.grids import evaluate_grids, row

    rows = [
        row("产出指标", "数量指标", "补助人数", 89.995, "100人", "100人"),
        row("产出指标", "数量指标", "极小权重达成", 0.001, "100人", "100人"),
        row("产出指标", "数量指标", "极小权重未达成", 0.004, "100人", "50人"),
    ]
    ev = evaluate_grids(rows)
    full, tiny_met, tiny_short = ev.indicators
    assert tiny_met.score == 0.0 and tiny_met.met  # 0.001 shows as 0.00, yet nothing fell short
    assert tiny_short.score == 0.0 and not tiny_short.met
    e501 = [f for f in ev.findings if f.code == "E501"]
    assert [f.row for f in e501] == [tiny_short.indicator.row]
