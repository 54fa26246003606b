"""部门整体支出 prose from the 基础数据 facts and the department's projects."""

from __future__ import annotations

from xlperf.core.basicdata import BasicData, BasicItem
from xlperf.core.narrative import ProjectLine, generate

from tests.grids import evaluate_grids


def _basic(**values: tuple) -> BasicData:
    """key=(prior, budget, actual)."""
    return BasicData(items={k: BasicItem(key=k, label=k, unit="人" if k.startswith("staff") else "万元", prior=p, budget=b, actual=a) for k, (p, b, a) in values.items()})


def _sections(basic=None, projects=None) -> dict[str, str]:
    ev = evaluate_grids(info={"项目名称": "县医疗保障局", "评价年度": "2025年", "评价类型": "部门整体支出"})
    return {s.key: s.text for s in generate(ev, "湖南", basic=basic, projects=projects)}


def test_staff_and_spending_are_stated_with_their_change_on_last_year():
    basic = _basic(
        staff_quota=(None, None, 50), staff_actual=(48, None, 47),
        spend_total=(800, 820, 808), spend_basic=(None, 500, 500), spend_personnel=(None, None, 400), spend_public=(None, None, 100),
        spend_project=(None, 320, 308),
    )
    s = _sections(basic)
    assert s["h1.2"] == "核定编制50人，年末实有人数47人，空编3人，实有人数比上年减少1人（下降2.08%）。"
    assert s["h2.1"].startswith("部门整体支出规模808万元，比上年增加8万元（增长1%），为预算数820万元的98.54%。")
    assert s["h2.2"] == "基本支出500万元，占支出合计的61.88%，其中人员经费400万元、公用经费100万元；预算数500万元，执行率100%。"
    assert s["h2.3"] == "项目支出308万元，占支出合计的38.12%；预算数320万元，执行率96.25%。"


def test_three_public_names_what_was_spent_and_what_was_not():
    basic = _basic(sangong_total=(12.5, 11, 10.2), sangong_abroad=(None, None, 0), sangong_car=(None, None, 9.4), sangong_reception=(None, None, 0.8))
    assert _sections(basic)["h2.4"] == (
        "“三公”经费支出10.2万元，比上年减少2.3万元（下降18.4%），控制在预算数11万元以内。"
        "其中公务用车购置及运行维护费9.4万元，公务接待费0.8万元；未发生因公出国（境）费。"
    )


def test_missing_basic_data_is_asked_for_on_its_sheet():
    s = _sections()
    for key in ("h1.2", "h2.2", "h2.3", "h2.4"):
        assert s[key].startswith("【请在“基础数据”工作表中填写"), key


def test_projects_are_counted_by_grade_and_the_low_ones_named():
    projects = [
        ProjectLine(name="甲项目", score=95, grade="优"),
        ProjectLine(name="乙项目", score=75, grade="中"),
        ProjectLine(name="丙项目", score=92, grade="优"),
        ProjectLine(name="丁项目"),
    ]
    text = _sections(projects=projects)["h2.3"]
    assert text.endswith("本年度对4个项目开展了绩效自评，其中优2个、中1个，1个项目得分待定；得分较低的是乙项目（75分）。各项目得分见下表及附件3。")


# --- 项目资金绩效情况: each project's own figures -----------------------------------------------------

import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.grids import row, standard_rows  # noqa: E402
from xlperf.core import values as V  # noqa: E402


def _project(name: str, rows=None, budget=None) -> ProjectLine:
    ev = evaluate_grids(rows, budget=budget, info={"项目名称": name, "评价年度": "2025年"})
    return ProjectLine(name=name, budget=ev.budget.full_year, executed=ev.budget.executed, score=ev.total_score,
                       grade=ev.grade if ev.final else "", evaluation=ev)


def test_without_projects_the_section_is_left_out():
    keys = [s.key for s in generate(evaluate_grids(info={"项目名称": "县医疗保障局", "评价类型": "部门整体支出"}), "湖南")]
    assert "h4.1" not in keys and "h4" in keys


@given(
    actual=st.sampled_from(["3626人", "3000人", "", "3700人"]),
    spent=st.sampled_from([40, 38, 36.5]),
)
@settings(max_examples=25, deadline=None)
def test_each_project_states_its_own_figures_and_a_pending_one_no_number(actual, spent):
    rows = standard_rows()
    rows[0] = row("产出指标", "数量指标", "补助人数", 20, "3626人", actual)
    budget = {"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": spent, "分值": 10}}
    p, other = _project("甲项目", rows, budget), _project("乙项目")
    text = _sections(projects=[p, other])["h4.1"]
    paras = text.split("\n")
    assert paras[0] == "本年度对2个项目开展了绩效自评，各项目绩效情况如下："
    mine = paras[1]
    ev = p.evaluation
    assert mine.startswith("1．甲项目：全年预算数40万元，全年执行数" + V.format_number(spent, 2) + "万元，执行率" + f"{V.format_number(spent / 40 * 100, 2)}%；")
    if ev.final:
        assert f"自评得分{V.format_number(ev.total_score, 2)}分，评价为“{ev.grade}”" in mine
        assert "待定" not in mine
    else:  # 待定: the cell that holds it, and no score, no grade
        assert "自评得分待定（绩效指标!" in mine and "等级待定" in mine
        assert not re.search(r"自评得分\d", mine) and "评价为" not in mine
    shown = "补助人数实际完成值未填写（年度指标值3626人，得分待定）" if not actual else f"补助人数实际完成{actual}（年度指标值3626人"
    assert shown in mine
    if actual == "3000人":  # short of target: said first, with the points lost
        assert mine.split("主要产出：", 1)[1].startswith("补助人数实际完成3000人（年度指标值3626人，未达到，扣")
    assert paras[2].startswith("2．乙项目：") and "自评得分100分，评价为“优”" in paras[2]


def test_a_project_with_many_rows_names_a_few_and_points_at_its_annex():
    rows = [row("产出指标", "数量指标", f"指标{i}", 10, "≥100人", f"{100 + i}人") for i in range(7)] + standard_rows()[4:]
    rows[-1]["分值"] = 10
    text = _sections(projects=[_project("甲项目", rows)])["h4.1"]
    assert "；另有3项指标，详见附件3-1。" in text
    assert "“" not in text.split("主要产出：")[1].split("。")[0]  # plain names are not quoted


def test_a_name_that_is_a_sentence_is_quoted_so_its_figure_stays_its_own():
    rows = standard_rows()
    rows[4] = row("效益指标", "社会效益指标", "解决看病难，看病贵的问题，维护社会稳定", 15, "持续", "100%")
    text = _sections(projects=[_project("甲项目", rows)])["h4.1"]
    assert "“解决看病难，看病贵的问题，维护社会稳定”实际完成100%（年度指标值持续）" in text
