"""The fields only some outlines print (layout.STYLE_INFO_FIELDS): stated where the province's
reference report has them when filled, left out without a trace when empty or absent."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core import layout
from xlperf.core.enums import Style
from xlperf.core.narrative import generate, is_nil
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook

from tests.grids import indicator_grid, info_grid, standard_rows, budget_grid

BASE = {"项目名称": "六类人群补助", "项目概况": "为六类人群缴费补助", "立项依据": "晋医保发〔2021〕1号", "资金分配原则": "按人数",
        "年度总体目标": "按标准足额补助", "资金管理办法": "专款专用"}


def evaluate_with(info: dict[str, Any], style_rows: dict[str, Any] | None = None):
    """An evaluation whose 项目信息 has the style fields ``style_rows`` as rows (None: no such rows at all)."""
    grid = info_grid(info)
    for label, value in (style_rows or {}).items():
        grid.append([label, value, None])
    grids = {layout.SHEET_INFO: grid, layout.SHEET_INDICATORS: indicator_grid(standard_rows()), layout.SHEET_BUDGET: budget_grid()}
    return evaluate(read_workbook(list(grids), grids, source="测试.xlsx"))


def texts(ev, style) -> dict[str, str]:
    return {s.key: s.text for s in generate(ev, style)}


def test_shanxi_fields_are_declared_with_hints():
    rows = layout.STYLE_INFO_FIELDS[Style.SHANXI]
    assert [label for label, _, _ in rows] == ["设立的必要性", "保证措施", "实施期绩效目标"]
    assert all(hint for _, _, hint in rows)
    assert all(layout.INFO_LABEL_TO_ATTR[label] == attr for label, attr, _ in rows)


def test_shanxi_filled_fields_sit_where_linfen_has_them():
    ev = evaluate_with(BASE, {"设立的必要性": "保障困难群众参保", "保证措施": "1、加强组织领导。2、建立实施方案。", "实施期绩效目标": "三年内应保尽保"})
    assert ev.input.info.necessity == "保障困难群众参保"
    t = texts(ev, "山西")
    paras = t["x1.1"].split("\n")
    # 项目概况, 立项依据, 设立的必要性 … 保证项目实施的措施与制度 (the reference's order)
    assert paras.index("设立的必要性：保障困难群众参保") == paras.index("立项依据：晋医保发〔2021〕1号") + 1
    assert "保证项目实施的措施与制度：1、加强组织领导。2、建立实施方案。" in paras
    assert "专款专用" not in t["x1.1"]  # 保证措施 is said instead of the 资金管理办法, not beside it
    assert t["x1.3"].split("\n") == ["（1）项目实施期绩效目标", "三年内应保尽保", "（2）项目年度目标", "按标准足额补助"]


def test_shanxi_period_goal_without_annual_goal_still_asks_for_it():
    info = {k: v for k, v in BASE.items() if k != "年度总体目标"}
    t = texts(evaluate_with(info, {"实施期绩效目标": "三年内应保尽保"}), "山西")
    assert t["x1.3"].split("\n")[-1] == "【请在项目信息中填写年度总体目标】"


def test_shanxi_empty_fields_leave_no_trace():
    for rows in (None, {"设立的必要性": None, "保证措施": "", "实施期绩效目标": "无"}):
        t = texts(evaluate_with(BASE, rows), "山西")
        assert "设立的必要性" not in t["x1.1"]
        assert "保证项目实施的措施与制度：专款专用" in t["x1.1"]  # as before: the 资金管理办法
        assert t["x1.3"] == "按标准足额补助"
        assert "实施期" not in "\n".join(t.values())


field_text = st.one_of(st.none(), st.sampled_from(["", "无", "  ", "暂无"]), st.text(alphabet="加强组织领导资金监管方案，。1、", min_size=1, max_size=30))


@settings(max_examples=40, deadline=None)
@given(necessity=field_text, safeguards=field_text, period=field_text)
def test_every_style_states_each_filled_field_once_and_only_there(necessity, safeguards, period):
    rows = {"设立的必要性": necessity, "保证措施": safeguards, "实施期绩效目标": period}
    ev = evaluate_with(BASE, rows)
    plain = evaluate_with(BASE, None)
    for style in Style:
        if style == Style.HUNAN:
            continue  # a project workbook: the department outline is not its report
        got, before = texts(ev, style), texts(plain, style)
        if style == Style.SHAANXI:  # 陕西 shares 实施期绩效目标 (its 总体目标), in （二）项目目标 only
            assert {k for k in got if got[k] != before[k]} <= {"v1.2"}
            if is_nil(ev.input.info.period_goal):
                assert got == before
            else:
                assert got["v1.2"].startswith(f"1.总体目标：{ev.input.info.period_goal.strip()}")
            continue
        if style != Style.SHANXI:
            assert got == before, style  # other outlines do not print 山西's fields
            continue
        changed = {k for k in got if got[k] != before[k]}
        assert changed <= {"x1.1", "x1.3"}
        info = ev.input.info
        for attr, key in (("necessity", "x1.1"), ("period_goal", "x1.3")):
            value = getattr(info, attr)
            if not is_nil(value):
                assert "\n".join(got.values()).count(value.strip()) >= 1 and value.strip() in got[key]
        if all(is_nil(getattr(info, a)) for a in ("necessity", "safeguards", "period_goal")):
            assert got == before


# --- 陕西 -----------------------------------------------------------------------------------------


def test_shaanxi_fund_adjustment_closes_section_three():
    ev = evaluate_with(BASE, {"项目资金调整情况": "本项目无资金调整情况。"})
    sections = generate(ev, "陕西")
    keys = [s.key for s in sections]
    assert keys.index("v3.1") == keys.index("v3") + 1 and keys.index("v4") == keys.index("v3.1") + 1
    s = sections[keys.index("v3.1")]
    assert (s.heading, s.text, s.path) == ("项目资金调整情况", "本项目无资金调整情况。", "三、项目评价及绩效分析 / 项目资金调整情况")


def test_shaanxi_fund_adjustment_empty_leaves_no_heading():
    for rows in (None, {"项目资金调整情况": ""}, {"项目资金调整情况": "无"}):
        sections = generate(evaluate_with(BASE, rows), "陕西")
        assert "v3.1" not in [s.key for s in sections]
        assert not any("资金调整" in s.heading or "资金调整" in s.text for s in sections)


def test_optional_sections_never_appear_empty_in_any_outline():
    from xlperf.core.narrative.outlines import OPTIONAL, OUTLINES

    keys = {h.key for outline in OUTLINES.values() for h in outline}
    assert OPTIONAL <= keys
    for style in Style:
        assert not OPTIONAL & {s.key for s in generate(evaluate_with(BASE, None), style)}


# --- 四川 -----------------------------------------------------------------------------------------

SICHUAN_BUDGET = {"年度资金总额": {"年初预算数": 12, "全年预算数": 12, "实际到位数": 12, "全年执行数": 5.3}, "其中：县级": {"全年预算数": 12}}


def evaluate_sichuan(rows):
    grid = info_grid({**BASE, "报告样式": "四川"})
    for label, value in (rows or {}).items():
        grid.append([label, value, None])
    grids = {layout.SHEET_INFO: grid, layout.SHEET_INDICATORS: indicator_grid(standard_rows()), layout.SHEET_BUDGET: budget_grid(SICHUAN_BUDGET)}
    return evaluate(read_workbook(list(grids), grids, source="测试.xlsx"))


def test_sichuan_three_items_open_with_the_tables_amounts():
    ev = evaluate_sichuan({"资金计划": "资金为县级资金，主要用于差旅费。", "资金到位": "2021年2月下达3万元，9月下达9万元。", "资金使用": "分7次支付，支付合规合法。"})
    paras = texts(ev, "四川")["s2.2"].split("\n")
    assert paras[:9] == [
        "1.资金计划。", "全年预算数12万元。资金全部为县级资金。", "资金为县级资金，主要用于差旅费。",
        "2.资金到位。", "实际到位12万元，到位率100%。", "2021年2月下达3万元，9月下达9万元。",
        "3.资金使用。", "全年执行5.3万元，执行率44.17%。", "分7次支付，支付合规合法。",
    ]
    assert paras[9].startswith("预算执行率44.17%，得4.42分（满分10分）")  # the score follows, as before


def test_sichuan_items_without_fields_are_as_before():
    plain = texts(evaluate_sichuan(None), "四川")
    assert texts(evaluate_sichuan({"资金计划": "", "资金到位": "无", "资金使用": None}), "四川") == plain
    assert "资金计划。" not in plain["s2.2"] and plain["s2.2"].startswith("全年预算数12万元，实际到位12万元，全年执行5.3万元")


def test_sichuan_an_item_with_nothing_to_say_is_left_out():
    grid = info_grid({**BASE, "报告样式": "四川"}) + [["资金使用", "根据实际发生费用支付。", None]]
    grids = {layout.SHEET_INFO: grid, layout.SHEET_INDICATORS: indicator_grid(standard_rows())}
    ev = evaluate(read_workbook(list(grids), grids, source="测试.xlsx"))  # no 预算执行 sheet: no amounts
    paras = texts(ev, "四川")["s2.2"].split("\n")
    assert paras[:2] == ["1.资金使用。", "根据实际发生费用支付。"]
    assert not any(p.endswith(("资金计划。", "资金到位。")) for p in paras)


# --- 湖南 部门整体支出 ----------------------------------------------------------------------------------


def evaluate_department(rows):
    info = {**BASE, "评价类型": "部门整体支出", "报告样式": "湖南", "主管部门职能": "医疗保障"}
    return evaluate_with(info, rows)


def test_hunan_fields_sit_where_liuyang_has_them():
    ev = evaluate_department({"年度重点工作计划": "1．推进医保支付方式改革。", "资产管理情况": "年末固定资产29.79万元。", "公示网址": "http://www.liuyang.gov.cn/x.html"})
    sections = generate(ev, "湖南")
    by_key = {s.key: s for s in sections}
    keys = [s.key for s in sections]
    assert keys.index("h1.3") == keys.index("h1.2") + 1 and by_key["h1.3"].heading == "（三）年度重点工作计划"
    assert by_key["h1.3"].text == "1．推进医保支付方式改革。"
    assert keys.index("h2.5") == keys.index("h2.4") + 1 and by_key["h2.5"].heading == "（五）资产管理情况"
    assert by_key["h2.5"].text == "年末固定资产29.79万元。"
    assert by_key["h8"].paragraphs[-1] == "公示网址：http://www.liuyang.gov.cn/x.html"


def test_hunan_empty_fields_leave_no_heading():
    plain = generate(evaluate_department(None), "湖南")
    for rows in ({"年度重点工作计划": "", "资产管理情况": "无", "公示网址": None},):
        got = generate(evaluate_department(rows), "湖南")
        assert [(s.key, s.heading, s.text) for s in got] == [(s.key, s.heading, s.text) for s in plain]
    assert not {"h1.3", "h2.5"} & {s.key for s in plain}
    assert not any("公示网址" in s.text or "重点工作计划" in s.heading or "资产管理" in s.heading for s in plain)


def test_shaanxi_goals_with_and_without_the_period_goal():
    t = texts(evaluate_with(BASE, {"实施期绩效目标": "医疗保障全覆盖"}), "陕西")
    assert t["v1.2"].split("\n") == ["1.总体目标：医疗保障全覆盖", "2.年度目标：按标准足额补助"]
    assert "按标准足额补助" not in t["v1"]  # said once, under （二）项目目标
    for rows in (None, {"实施期绩效目标": ""}, {"实施期绩效目标": "无"}):
        t = texts(evaluate_with(BASE, rows), "陕西")
        assert t["v1.2"] == "年度目标：按标准足额补助"
    info = {k: v for k, v in BASE.items() if k != "年度总体目标"}
    assert texts(evaluate_with(info, {"实施期绩效目标": "医疗保障全覆盖"}), "陕西")["v1.2"] == "1.总体目标：医疗保障全覆盖"
    assert texts(evaluate_with(info, None), "陕西")["v1.2"] == ""
