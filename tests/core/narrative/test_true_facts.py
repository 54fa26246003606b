"""Reports state only true facts: each wrong fact or prose defect a reviewer found, and its class.

A standard is not a ceiling; a 98% scored 0 says why; 1项 is never 均; a filled 无 is not asked for
again; the 一级指标 subtotals follow the table the reader sees; one grade form per style; a
department is not a 项目; a text is said once; spending past the budget is explained.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core.basicdata import BasicData, BasicItem
from xlperf.core.enums import Style
from xlperf.core.narrative import generate

from tests.grids import evaluate_grids, row, standard_rows

STYLES = [s.value for s in Style]


def _text(ev, style="通用", **kw) -> str:
    return "\n".join(s.text for s in generate(ev, style, **kw))


def _sections(ev, style, **kw) -> dict[str, str]:
    return {s.key: s.text for s in generate(ev, style, **kw)}


# --- rows -----------------------------------------------------------------------------------------


def test_a_standard_is_stated_as_a_standard_not_a_ceiling():
    rows = standard_rows()
    rows[3] = row("产出指标", "成本指标", "人均补助标准（元/年）", 10, "280", "280元")
    text = _text(evaluate_grids(rows))
    assert "人均补助标准：年度指标值280元/年，实际280元，符合标准。" in text
    assert "控制在280" not in text


@given(st.sampled_from(["确保全县城乡居民按要求参加医疗保险", "保证资金安全，无挪用", "上访率"]), st.sampled_from(["上访率≤1%", "≤1%", "控制在1%以内"]))
@settings(max_examples=20, deadline=None)
def test_a_met_reverse_row_never_glues_控制在_onto_a_sentence(name, target):
    rows = standard_rows()
    rows[3] = row("产出指标", "成本指标", name, 10, target, "0%", direction="反向")
    text = _text(evaluate_grids(rows))
    analysis = next(p for p in text.split("\n") if p.startswith("产出指标"))
    assert f"{name}：年度指标值{target}，实际0%" in analysis or f"{name}控制在1%以内，实际0%" in analysis, analysis
    if name != "上访率":
        assert f"{name}控制在" not in analysis
    assert "控制在上访率" not in text and "控制在控制在" not in text


def test_a_hand_set_score_below_what_the_figures_give_says_why():
    rows = standard_rows()
    rows[4] = row("效益指标", "社会效益", "机构服务能力", 15, "提升", "98%", manual=0, reason="服务人员流动性大；将加强培训。")
    r = evaluate_grids(rows).indicators[4]
    text = _text(evaluate_grids(rows))
    assert f"机构服务能力：年度指标值提升，实际完成98%，按完成情况计算得{r.computed_score:g}分，人工评定得0分（满分15分）" in text


def test_one_row_is_never_均_or_全部():
    rows = standard_rows()
    rows[6] = row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥95%", "76%")
    text = _text(evaluate_grids(rows))
    assert "满意度指标1项，未完全达到年度指标值" in text
    assert not re.search(r"(?<!\d)1项(均|全部)", text)


# --- fields -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_a_filled_无_on_full_marks_is_a_fact_not_a_request(style):
    ev = evaluate_grids(info={"存在问题": "无", "改进措施": "无", "评价类型": "部门整体支出" if style == "湖南" else "项目支出"})
    assert ev.total_score == 100
    secs = generate(ev, style)
    text = "\n".join(s.text for s in secs)
    assert "填写存在问题" not in text and "填写改进措施" not in text
    assert "未发现需要说明的问题" in text
    assert not any("存在问题" in o or "改进措施" in o for s in secs for o in s.open_items)


def test_a_filled_无_beside_lost_points_is_said_as_typed_and_left_open():
    rows = standard_rows()
    rows[6] = row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥95%", "76%", reason="宣传不到位")
    secs = {s.key: s for s in generate(evaluate_grids(rows, info={"改进措施": "无"}), "四川")}
    assert secs["s5.3"].text == "无。"
    assert any("“改进措施”只写了“无”" in o for o in secs["s5.3"].open_items)


def test_an_empty_field_is_still_asked_for():
    text = _text(evaluate_grids(info={}))
    assert "【请在项目信息中填写存在问题】" in text and "【请在项目信息中填写主要经验做法】" in text


@pytest.mark.parametrize("style", STYLES)
def test_every_typed_text_is_said_once(style):
    info = {"实施及管理情况": "项目由县医疗保障事务中心具体实施，按月购买服务并验收。", "财务管理情况": "专款专用，单独核算。"}
    text = _text(evaluate_grids(info=info), style)
    for value in info.values():
        assert text.count(value) == 1, (style, value)


@pytest.mark.parametrize("style", STYLES)
def test_fields_the_outline_has_a_place_for_appear(style):
    info = {"资金批复文号": "盐财资行〔2021〕222号", "实施及管理情况": "按月验收。", "财务管理情况": "专款专用。"}
    text = _text(evaluate_grids(info=info), style)
    for value in info.values():
        assert value.rstrip("。") in text, (style, value)


# --- counts and subtotals ---------------------------------------------------------------------------


def _dept_rows():
    return [
        row("投入管理指标", "预算配置", "在职人员控制率", 10, "≤100%", "96%"),
        row("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%", reason="尾款次年支付"),
        row("投入管理指标", "财政监督管理", "预算执行率、控制率、完成率", 3, "100%", "100%"),
        row("产出指标", "数量指标", "完成年度重点工作数", 27, "≥12项", "12项"),
        row("效益指标", "社会效益", "群众受益", 20, "明显", "明显"),
        row("效益指标", "满意度", "参保群众满意度", 15, "≥90%", "92%"),
        row("过程指标", "资金管理", "资金使用合规性", 15, "合规", "合规"),
    ]


def test_a_composite_监督_row_is_not_the_budget_row_and_subtotals_follow_the_table():
    ev = evaluate_grids(_dept_rows(), info={"评价类型": "部门整体支出"}, with_budget=False)
    text = _sections(ev, "湖南")["h4"]
    assert "投入管理指标3项，完成2项，得22.85分（满分23分）" in text
    assert "预算执行率100%，得3分" not in text
    assert "效益指标2项全部完成，得35分（满分35分）" in text and "满意度指标1项" not in text


def test_the_number_of_rows_is_the_tables_everywhere():
    rows = [row("预算执行指标", "预算执行指标", "预算执行率", 10, "100%", "93.32%")] + standard_rows()
    ev = evaluate_grids(rows, with_budget=False)
    text = _text(ev)
    counts = {int(n) for n in re.findall(r"(?:逐项核对|共设置三级指标)(\d+)项", text)}
    assert counts == {len(rows)}, counts


# --- grades -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("style,form", [("湖南", "评价为“优秀”"), ("山西", "属于“优秀”"), ("陕西", "优秀等级"), ("通用", "等级为“优秀”"), ("四川", "等级为“优秀”")])
def test_the_grade_is_in_the_styles_reference_form_and_never_mixed(style, form):
    from xlperf.core.narrative import ProjectLine

    projects = [ProjectLine(name="甲", score=95, grade="优"), ProjectLine(name="乙", score=85, grade="良")]
    ev = evaluate_grids(info={"评价类型": "部门整体支出" if style == "湖南" else "项目支出"})
    text = _text(ev, style, projects=projects)
    assert form in text
    words = set(re.findall(r"[“\"](优秀|良好|优|良|中|差)[”\"]|(优秀|良好)等级", text))
    long_ = {w for pair in words for w in pair if w in ("优秀", "良好")}
    short = {w for pair in words for w in pair if w in ("优", "良")}
    assert not (long_ and short), words
    if style == "湖南":
        assert "其中优1个、良1个" in text


# --- 部门整体 -----------------------------------------------------------------------------------------


def test_a_department_in_the_national_outline_is_not_a_project():
    ev = evaluate_grids(info={"评价类型": "部门整体支出"})
    heads = [s.heading for s in generate(ev, "通用")]
    assert "（一）部门概况" in heads and "附件：部门整体支出绩效自评表" in heads
    assert not any("项目概况" in h or "项目支出绩效自评表" in h for h in heads)


def test_spending_past_the_budget_is_explained():
    ev = evaluate_grids(info={"评价类型": "部门整体支出"})
    basic = BasicData(items={"spend_total": BasicItem(key="spend_total", label="支出合计", unit="万元", budget=4852.25, actual=8254.6)})
    text = _sections(ev, "湖南", basic=basic)["h2.1"]
    assert "为预算数4852.25万元的170.12%（支出超出本年预算数3402.35万元" in text
    basic.items["spend_total"].note = "年中追加上级补助资金"
    text = _sections(ev, "湖南", basic=basic)["h2.1"]
    assert "（支出超出本年预算数3402.35万元，年中追加上级补助资金）" in text


def test_the_national_outline_analyses_a_departments_input_and_process_rows():
    ev = evaluate_grids(_dept_rows(), info={"评价类型": "部门整体支出"}, with_budget=False)
    text = _sections(ev, "通用")["g4.1"]
    assert "投入管理指标3项，完成2项，得22.85分（满分23分）" in text and "过程指标1项，已完成" in text
