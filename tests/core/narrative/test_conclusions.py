"""结论, 存在问题, 改进措施: the unit's text, else a draft from the lost points (and the report is a 草稿)."""

from __future__ import annotations

from xlperf.core.narrative import generate, points

from tests.grids import evaluate_grids, standard_rows


def test_unmet_indicators_fill_the_problems_when_left_blank():
    rows = standard_rows()
    rows[6].update({"实际完成值": "90%", "偏差原因分分析及改进措施": None, "偏差原因分析及改进措施": "宣传不到位"})
    ev = evaluate_grids(rows)
    problems = next(s.text for s in generate(ev, "四川") if s.heading == "（二）存在的问题。")
    assert "群众满意度" in problems and "宣传不到位" in problems and "≥95%" in problems and "90%" in problems
    section = next(s for s in generate(ev, "四川") if s.heading == "（二）存在的问题。")
    assert section.open_items  # a draft written by the program: the report says 草稿
    ev = evaluate_grids(rows, info={"存在问题": "资金拨付偏慢。"})
    section = next(s for s in generate(ev, "四川") if s.heading == "（二）存在的问题。")
    assert section.text == "资金拨付偏慢。" and not section.open_items


def _section(ev, style: str, key: str):
    return next(s for s in generate(ev, style) if s.key == key)


def test_the_measures_draft_takes_only_what_will_be_done_from_the_reasons():
    rows = standard_rows()
    rows[0].update({"实际完成值": "3000人", "偏差原因分析及改进措施": "资金下达较晚；将加强督促，按月调度"})
    ev = evaluate_grids(rows)
    section = _section(ev, "四川", "s5.3")
    assert section.text == "针对补助人数：将加强督促，按月调度。"
    assert section.open_items  # drafted by the program
    ev = evaluate_grids(rows, info={"项目名称": "某项目", "改进措施": "暂无"})
    assert _section(ev, "四川", "s5.3").open_items  # a bare 暂无 is no answer


def test_the_conclusion_counts_what_was_met_and_names_what_was_not():
    rows = standard_rows()
    rows[6].update({"实际完成值": "90%", "偏差原因分析及改进措施": "宣传不到位"})
    rows.append({"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "覆盖乡镇数", "分值": 0, "年度指标值": "12个", "实际完成值": "不适用", "指标方向": "不适用"})
    ev = evaluate_grids(rows, info={"项目名称": "某项目", "年度总体目标完成情况": "目标基本完成。"})
    lost = points(rows[6]["分值"] - ev.indicators[6].score)
    text = _section(ev, "通用", "g3").text
    assert text.startswith(f"某项目自评得分{points(ev.total_score)}，等级为“")
    # every row of the table is counted (the 评价方法 checks as many), the 不适用 one said apart
    assert f"共设置三级指标8项（其中1项本年度不适用），6项达到年度指标值，未达到的是群众满意度（扣{lost}）。目标基本完成。" in text
    assert _section(ev, "四川", "s5.1").text.endswith(f"（扣{lost}）。")  # 四川 states the goal's result elsewhere
