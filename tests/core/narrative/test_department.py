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
