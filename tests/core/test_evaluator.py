"""What an evaluator checks: exact arithmetic, the findings a reviewer raises, real tables."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlperf.core import values as V
from xlperf.core.scoring import grade_of, score_indicator
from tests.grids import codes, evaluate_grids, row, standard_rows

FULL_BUDGET = {"年度资金总额": {"年初预算数": 100, "全年预算数": 100, "实际到位数": 100, "全年执行数": 100, "分值": 10}}


def _find(ev, code):
    return [f for f in ev.findings if f.code == code]


def _row_sum(ev) -> Decimal:
    return Decimal(repr(ev.budget.score)) + sum((Decimal(repr(r.score)) for r in ev.indicators if r.score is not None), Decimal(0))


# --- exact arithmetic (R8, R9) --------------------------------------------------------------------


def _eighths_table():
    """15 points over 8 rows (1.875 each), all met; one row at 99.8 %: the right total is 89.96."""
    rows = [row("产出指标", "数量指标", f"数量{i}", 1.875, "100人", "100人") for i in range(8)]
    rows += [
        row("产出指标", "质量指标", "合格率", 15, "100%", "100%"),
        row("产出指标", "时效指标", "完成时间", 10, "2021年", "2021年"),
        row("产出指标", "成本指标", "人均成本", 10, "≤280元", "280元"),
        row("效益指标", "社会效益指标", "受益人数", 20, "1000人", "998人", reason="个别人员迁出"),
        row("效益指标", "可持续影响指标", "长效机制", 10, "健全", "尚未健全", reason="制度仍在起草"),
        row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥95%", "96%"),
    ]
    return rows


def test_a_row_never_scores_above_its_weight_and_the_total_is_the_sum_of_rows():
    ev = evaluate_grids(_eighths_table(), budget=FULL_BUDGET)
    eighths = [r for r in ev.indicators if r.indicator.weight == 1.875]
    assert all(r.score == 1.875 for r in eighths)  # not 1.88
    assert ev.total_score == 89.96 and ev.grade == "良"  # 1.88 × 8 made it 90.00 优
    assert Decimal(repr(ev.total_score)) == _row_sum(ev)
    assert next(s for s in ev.level1 if s.name == "产出指标").score == 50.0


def test_rounding_follows_r8_except_where_it_would_give_a_short_row_full_marks():
    assert V.score_within(9.996, 10) == 10.0  # R8: 99.96 % of 10 points shows 10.00, as in Excel
    assert V.score_within(0.0054, 0.009, short=True) == 0.0  # 部分达成 of a tiny weight is not full
    assert V.score_within(1.8751, 1.875) == 1.875


def test_a_manual_score_is_capped_the_same_way():
    rows = _eighths_table()
    rows[0].update({"人工得分": 1.875})
    ev = evaluate_grids(rows, budget=FULL_BUDGET)
    assert ev.indicators[0].score == 1.875


_weights = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("40"), places=3).map(float)
_numbers = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=3).map(float)
_targets = st.one_of(
    _numbers.map(lambda x: f"{V.format_number(x, 3)}人"),
    _numbers.map(lambda x: f"≥{V.format_number(x, 3)}%"),
    _numbers.map(lambda x: f"≤{V.format_number(x, 3)}天"),
    st.sampled_from(["提升", "健全", "持续", "保障参保人员待遇", "无投诉", "2021年"]),
)
_actuals = st.one_of(
    _numbers.map(lambda x: f"{V.format_number(x, 3)}人"),
    _numbers.map(lambda x: f"{V.format_number(x, 3)}%"),
    _numbers.map(lambda x: f"{V.format_number(x, 3)}天"),
    _numbers.map(lambda x: V.Percent(x / 1000)),
    st.sampled_from(["已提升", "尚未健全", "部分完成", "长期", "无", "是", "2022年", "见附件"]),
)


@settings(max_examples=400, deadline=None)
@given(_weights, _targets, _actuals)
def test_property_a_score_lies_between_0_and_its_weight(weight, target, actual):
    rs = score_indicator(weight, target, actual)
    if rs.score is not None:
        assert 0 <= rs.score <= weight
        if rs.tier in ("部分达成", "未达成"):
            assert rs.score < weight  # rounding never makes a row that fell short full
        assert Decimal(repr(rs.score)) == Decimal(repr(rs.score)).quantize(Decimal("0.001"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_weights, _numbers, _numbers), min_size=1, max_size=12), st.one_of(st.none(), st.floats(0, 1)))
def test_property_total_is_the_sum_of_rounded_rows_and_grade_follows_it(specs, manual):
    weights = [w for w, _, _ in specs]
    scale = Decimal(90) / sum(Decimal(repr(w)) for w in weights)
    # weights with three decimals that add up to exactly 90 (the last takes the remainder)
    ws = [(Decimal(repr(w)) * scale).quantize(Decimal("0.001")) for w in weights]
    ws[-1] = Decimal(90) - sum(ws[:-1])
    assume(ws[-1] > 0)
    rows = [row("产出指标", "数量指标", f"指标{i}", float(w), f"{V.format_number(a + 1, 3)}人", f"{V.format_number(b, 3)}人", reason="r") for i, (w, (_, a, b)) in enumerate(zip(ws, specs))]
    if manual is not None:
        rows[0]["人工得分"] = float(ws[0]) * manual  # a score typed by hand, anywhere in [0, W]
    ev = evaluate_grids(rows, budget=FULL_BUDGET)
    for r in ev.indicators:
        assert 0 <= r.score <= r.indicator.weight
    expected = V.round_half_up(float(_row_sum(ev)), 2)
    assert ev.total_score == expected
    assert ev.grade == grade_of(expected)


# --- findings an evaluator raises ---------------------------------------------------------------------


def test_manual_zero_on_a_row_done_to_98_percent_is_questioned():
    rows = standard_rows()
    rows[4] = row("效益指标", "社会效益指标", "机构服务能力", 15, "提升", "98%", manual=0, reason="人员流动大")
    (f,) = _find(evaluate_grids(rows), "W405")
    assert f.cell == "J12" and "98.00%" in f.message and "0" in f.message
    rows[4] = row("效益指标", "社会效益指标", "机构服务能力", 15, "提升", "98%", manual=14, reason="略有差距")
    assert "W405" not in codes(evaluate_grids(rows))
    rows[4] = row("效益指标", "社会效益指标", "机构服务能力", 15, "提升", "90%", manual=0, reason="未达预期")
    assert "W405" not in codes(evaluate_grids(rows))  # 90 %: a low manual score may be right


def test_a_cost_above_all_money_spent_is_questioned():
    rows = standard_rows()
    rows[3] = row("产出指标", "成本指标", "项目成本", 10, "≤120万元", "118万元")
    (f,) = _find(evaluate_grids(rows), "W211")  # executed: 100 万元
    assert f.cell == "G11" and "118万元" in f.message and "100万元" in f.message
    rows[3] = row("产出指标", "成本指标", "项目成本", 10, "≤100万元", "990000元")
    assert "W211" not in codes(evaluate_grids(rows))


def test_budget_of_zero_with_spending_and_a_negative_balance():
    lines = {"年度资金总额": {"全年预算数": 100, "实际到位数": 80, "全年执行数": 95, "分值": 10, "偏差原因分析及改进措施": "x"}}
    (f,) = _find(evaluate_grids(budget=lines), "W212")
    assert "80" in f.message and "95" in f.message and "-15" in f.message
    lines = {"年度资金总额": {"全年预算数": 0, "实际到位数": 50, "全年执行数": 50, "分值": 10}}
    assert "E201" in codes(evaluate_grids(budget=lines))


def test_satisfaction_under_benefit_is_the_hunan_layout_a_warning():
    rows = standard_rows()
    rows[6]["一级指标"] = "效益指标"
    ev = evaluate_grids(rows)
    assert "W705" in codes(ev) and "E701" not in codes(ev)
    rows[0]["二级指标"] = "社会效益指标"  # a real misplacement stays an error
    assert "E701" in codes(evaluate_grids(rows))


def test_reverse_rows_carry_their_direction_for_the_reports():
    ev = evaluate_grids()
    cost = next(r for r in ev.indicators if r.indicator.level2 == "成本指标")
    assert cost.direction == "≤" and cost.reverse and cost.direction_label == "反向指标（≤，越低越好）"
    count = ev.indicators[0]
    assert not count.reverse and count.direction_label == "正向指标（≥）"


# --- real tables typed into the template ----------------------------------------------------------------


def _hunan_rows():
    """A 湖南 project table: qualitative rows restate their targets; 满意度 sits under 效益. The
    unit graded it 优 (its rows: 9.85 + 50 + 30 + 10)."""
    return [
        row("产出指标", "数量指标", "资助参保人数", 15, "4992人", "4992人"),
        row("产出指标", "质量指标", "资助政策落实率", 10, "100%", "100%"),
        row("产出指标", "时效指标", "资金拨付及时性", 10, "及时", "按时足额拨付"),
        row("产出指标", "成本指标", "人均资助标准", 15, "≤320元", "320元"),
        row("效益指标", "社会效益指标", "保障参保人员待遇", 10, "保障参保人员待遇", "保障了参保人员待遇"),
        row("效益指标", "社会效益指标", "困难群众看病就医方便程度", 10, "有效提升", "明显提升"),
        row("效益指标", "可持续影响指标", "医疗救助工作", 10, "完成年度医疗救助任务", "已完成"),
        row("效益指标", "服务对象满意度指标", "困难群众满意度", 10, "≥95%", "97%"),
    ]


def test_hunan_table_gets_the_units_own_grade():
    budget = {"年度资金总额": {"全年预算数": 200, "实际到位数": 200, "全年执行数": 197, "分值": 10, "偏差原因分析及改进措施": "结余3万元"}}
    ev = evaluate_grids(_hunan_rows(), budget=budget)
    assert not [r for r in ev.indicators if r.pending] and "E303" not in codes(ev)
    assert ev.final and ev.total_score == 99.85 and ev.grade == "优"
    assert Decimal(repr(ev.total_score)) == _row_sum(ev)
    assert "W705" in codes(ev) and "E701" not in codes(ev)


def test_second_table_keeps_its_grade():
    """The same kind of table graded 优 by its unit; undecided restatements made it 良."""
    rows = [
        row("产出指标", "数量指标", "资助人数", 20, "3626人", "3626人"),
        row("产出指标", "质量指标", "应保尽保率", 10, "100%", "100%"),
        row("产出指标", "时效指标", "补助时间", 10, "2021年", "2021年"),
        row("产出指标", "成本指标", "人均补助标准", 10, "280元", "280元"),
        row("效益指标", "社会效益指标", "减轻群众负担", 10, "持续", "长期"),
        row("效益指标", "社会效益指标", "群众就医方便程度", 10, "明显提高", "有所提高"),
        row("效益指标", "可持续影响指标", "医疗救助体系", 10, "健全", "已建立健全"),
        row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥95%", "92%", reason="部分群众对报销比例有意见"),
    ]
    ev = evaluate_grids(rows, budget=FULL_BUDGET)
    assert ev.final and ev.grade == "优" and ev.total_score == 99.68
    assert Decimal(repr(ev.total_score)) == _row_sum(ev)


def test_negated_rows_no_longer_get_full_marks():
    rows = _hunan_rows()
    rows[4]["实际完成值"] = "没有完全保障困难群众基本医疗需求"
    rows[4]["年度指标值"] = "保障困难群众基本医疗需求"
    rows[5]["实际完成值"] = "未提升"
    rows[5]["年度指标值"] = "提升"
    rows[6]["实际完成值"] = "尚未健全"
    rows[6]["年度指标值"] = "健全"
    ev = evaluate_grids(rows)
    scores = [r.score for r in ev.indicators[4:7]]
    assert scores == [6.0, 0.0, 0.0]  # 部分达成 0.6W, 未达成 0
    assert all(len(_find_row(ev, r.indicator.row, "E501")) == 1 for r in ev.indicators[4:7])


def _find_row(ev, row_no, code):
    return [f for f in ev.findings if f.code == code and f.cell.endswith(str(row_no))]


# --- percent-formatted cells in the grid helpers ----------------------------------------------------------


def test_grid_helpers_read_percent_cells_as_shown():
    from xlperf.core.grid import number_of, rate_of, text_of

    assert rate_of(V.Percent(0.9332)) == 0.9332 and rate_of(V.Percent(1.02)) == 1.02
    assert text_of(V.Percent(0.98)) == "98%"
    # a 分值 cell formatted as a percentage: 10% of the 100 points is 10 points
    assert number_of(V.Percent(0.1)) == (10.0, True)


def test_percent_target_and_actual_and_budget_rate_score_as_shown():
    rows = standard_rows()
    rows[1] = row("产出指标", "质量指标", "应保尽保率", 10, V.Percent(0.98), V.Percent(0.98))
    rows[6] = row("满意度指标", "服务对象满意度指标", "群众满意度", 10, 95, V.Percent(0.96))
    ev = evaluate_grids(rows)
    assert ev.indicators[1].score == 10 and ev.indicators[1].target_display == "98%"
    assert ev.indicators[6].score == 10 and ev.indicators[6].actual_display == "96%"


def test_event_rates_are_reverse_indicators():
    assert score_indicator(10, "1%", "2%", level3="群众上访率").direction == "≤"
    assert score_indicator(10, "1%", "2%", level3="群众上访率").score == 5
    assert score_indicator(10, "0.5%", "0.2%", level3="安全事故发生率").score == 10
    assert score_indicator(10, "95%", "96%", level3="投诉处理率").direction == "≥"


def test_hunan_table_typed_into_the_template_file(tmp_path):
    """The same table typed into a workbook made by the template, read back from the file."""
    from xlperf.api import check_file
    from xlperf.workbook.template import build_template, fill_workbook

    path = tmp_path / "湖南.xlsx"
    build_template(path)
    rows = [{k: v for k, v in r.items() if v is not None} for r in _hunan_rows()]
    budget = {"年度资金总额": {"年初预算数": 200, "全年预算数": 200, "实际到位数": 200, "全年执行数": 197, "分值": 10, "偏差原因分析及改进措施": "结余3万元"}}
    fill_workbook(path, info={"项目名称": "困难群众医疗救助"}, budget=budget, indicators=rows, merge_levels=True)
    ev = check_file(path)
    assert ev.final and ev.total_text == "99.85" and ev.grade_text == "优"
    assert [r.score for r in ev.indicators] == [15, 10, 10, 15, 10, 10, 10, 10]



def _plain_targets() -> list[str]:
    """The corpus targets, without those about events to avoid (没有事故 is good news there)."""
    from xlperf.core.judge import is_event_target
    from tests.core.test_judge import _wording_rows

    return sorted({r.target for r in _wording_rows() if not is_event_target(r.target) and "是否" not in r.target})


_CORPUS_TARGETS = _plain_targets()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_CORPUS_TARGETS), st.sampled_from(["未", "没有", "尚未", "不", "未能", "没有完全", "尚未全部", "基本", "部分", "初步", "有待"]), st.sampled_from(["", "已", "了"]), _weights)
def test_property_a_negated_or_partial_restatement_never_gets_full_marks(target, prefix, filler, weight):
    rs = score_indicator(weight, target, filler + prefix + target)
    assert rs.score is None or rs.score < weight
