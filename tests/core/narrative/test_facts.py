"""The narrative's facts come from what scoring carried: parsed values, the row's unit, the
evaluation's settings, style and type — never from a display string parsed again."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.enums import Style
from xlperf.core.models import ScoringConfig
from xlperf.core.narrative import generate, narrative_block
from xlperf.core.narrative.facts import actual_of, cap_of, target_of
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook

from tests.grids import budget_grid, evaluate_grids, indicator_grid, info_grid, row, standard_rows


def _row_result(name, target, actual, **extra):
    rows = standard_rows()
    rows[0] = row("产出指标", "数量指标", name, 20, target, actual, **extra)
    return evaluate_grids(rows).indicators[0]


@pytest.mark.parametrize(
    "name, target, actual, target_text, actual_text",
    [
        ("覆盖乡镇数（个）", 3, "3", "3个", "3个"),  # a bare number takes the name's unit
        ("培训人数(人)", "1000", 998, "1000人", "998人"),
        ("培训人次", "≥1000人次", 1500, "≥1000人次", "1500人次"),  # else the target's
        ("培训人次", 1000, "1500人次", "1000人次", "1500人次"),  # else the actual's
        ("验收合格率", "98", "95%", "98%", "95%"),
        ("合格率", V.Percent(0.98), 0.97, "98%", "0.97%"),  # a percent-formatted cell is a percentage; the bare actual takes %
        ("完成时间", 2021, "2021年", "2021年", "2021年"),  # a year takes 年 from a year written with it
        ("完成时间", "2021年6月30日", dt.date(2021, 6, 28), "2021年6月30日", "2021-06-28"),
        ("长效机制", "健全", "健全", "健全", "健全"),  # words stay as typed
        ("补助人数", "3626", None, "3626", ""),  # no unit anywhere: none invented; a missing actual is empty
    ],
)
def test_values_carry_the_rows_unit(name, target, actual, target_text, actual_text):
    r = _row_result(name, target, actual)
    assert (target_of(r), actual_of(r)) == (target_text, actual_text)


@pytest.mark.parametrize(
    "name, target, actual, said",
    [
        ("单位成本", "≤5万元", "4.5万元", "单位成本控制在5万元以内，实际4.5万元。"),
        ("工期（天）", "≤30", "25", "工期控制在30天以内，实际25天。"),
        ("单位成本", "不超过40万元", "39万元", "单位成本控制在40万元以内，实际39万元。"),  # not 控制在不超过40万元以内
        ("单位成本", "40万元以内", "39万元", "单位成本控制在40万元以内，实际39万元。"),  # not 以内以内
        ("人员超编率", "≤100%", "96%", "人员超编率控制在100%以内，实际96%。"),
        ("成本控制在预算内", "≤ 40 万元", "39.75万元", "成本控制在预算内：实际39.75万元，未超过40万元。"),
    ],
)
def test_a_met_reverse_row_is_stated_as_its_limit(name, target, actual, said):
    rows = standard_rows()
    rows[3] = row("产出指标", "成本指标", name, 10, target, actual, direction="反向")
    ev = evaluate_grids(rows)
    assert ev.indicators[3].met
    assert said in next(s.text for s in generate(ev, "通用") if s.key == "g4.2")


def test_the_limit_is_the_parsed_number_with_its_unit():
    r = _row_result("单位成本", "≤ 40.50万元", "39万元", direction="反向")
    assert cap_of(r) == "40.5万元"


_VARIETY = [
    row("产出指标", "数量指标", "补助人数（人）", 10, 3626, 3000, reason="资金下达较晚；将加强督促"),
    row("产出指标", "质量指标", "验收合格率", 10, V.Percent(0.95), "99%"),
    row("产出指标", "时效指标", "完成时间", 10, "2021年6月30日", None),
    row("产出指标", "成本指标", "单位成本", 10, "≤5万元", "4万元", direction="反向"),
    row("效益指标", "社会效益指标", "培训人次", 30, "≥100人次", "300人次"),
    row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥90%", "不适用", direction="不适用"),
    row("投入管理指标", "预算执行", "预算执行率", 10, "100%", "93%"),
]


@pytest.mark.parametrize("style", [None, *Style])
def test_no_display_string_is_parsed_after_scoring(monkeypatch, style):
    ev = evaluate_grids(_VARIETY, info={"项目名称": "某项目", "超额完成阈值": "150%", "评价类型": "部门整体支出"})

    def refuse(value):
        raise AssertionError(f"parse_value({value!r}) called after scoring")

    monkeypatch.setattr(V, "parse_value", refuse)
    assert generate(ev, style)
    narrative_block(ev, [layout.SHEET_NARRATIVE], {})


def _evaluate(rows, info, config=None):
    grids = {layout.SHEET_INFO: info_grid(info), layout.SHEET_INDICATORS: indicator_grid(rows), layout.SHEET_BUDGET: budget_grid()}
    return evaluate(read_workbook(list(grids), grids, source="测试.xlsx"), config)


def test_over_achievement_is_judged_by_the_threshold_scoring_used():
    rows = standard_rows()
    rows[0] = row("产出指标", "数量指标", "补助人数", 20, "100人", "130人", reason="")
    info = {"项目名称": "某项目"}
    text = lambda ev: "\n".join(s.text for s in generate(ev, "通用"))  # noqa: E731
    assert "大幅超额完成" in text(_evaluate(rows, info))  # 130% against the default 120%
    assert "大幅超额完成" not in text(_evaluate(rows, {**info, "超额完成阈值": "150%"}))
    assert "大幅超额完成" not in text(_evaluate(rows, info, ScoringConfig(overachievement_threshold=1.5)))


_NUMBER = st.one_of(st.integers(0, 5000), st.decimals("0.01", "999", places=2).map(str))
_TARGET = st.one_of(
    _NUMBER,
    st.tuples(st.sampled_from(["≤", "<=", "＜", "不超过", "不高于", "<", ""]), _NUMBER, st.sampled_from(["万元", "元", "天", "%", "人", "", " 万元", "以内"])).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
    _NUMBER.map(lambda n: f"控制在{n}万元以内"),
)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(["单位成本", "工期（天）", "人均费用（元）", "超编率（%）", "投诉件数"]), target=_TARGET)
def test_a_reverse_limit_is_a_number_with_its_unit_whatever_was_typed(name, target):
    rows = standard_rows()
    rows[3] = row("产出指标", "成本指标", name, 10, target, 0, direction="反向")
    r = evaluate_grids(rows).indicators[3]
    if r.target is None or r.target.kind not in (V.NUMBER, V.PERCENT):
        return  # a target that is not a quantity is shown as typed
    cap = cap_of(r)
    assert not any(w in cap for w in ("≤", "<", "＜", "不超过", "不高于", "以内", "控制在", " ")), (target, cap)
    assert cap[0].isdigit() and cap.endswith(r.target.unit or r.unit), (target, cap)
    text = "\n".join(s.text for s in generate(evaluate_grids(rows), "通用"))
    if r.met and not r.pending:
        assert f"控制在{cap}以内" in text or f"未超过{cap}。" in text or (f"实际{actual_of(r)}，符合标准。" in text and "标准" in name)
