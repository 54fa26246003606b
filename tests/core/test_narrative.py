"""The narrative: facts from the workbook, in the order real reports give them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xlperf.core.narrative import apply_final, generate, read_finals

from tests.grids import evaluate_grids, row, standard_rows

# the published report's text for this project (an excerpt, kept with the tests)
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "yanbian-disabled-insurance-2021.txt"

# 盐边 城乡残疾人医疗保险资助金, typed from its 绩效目标 paragraph.
YANBIAN_ROWS = [
    row("产出指标", "数量指标", "资助参保人数", 10, "5756人", "5756人"),
    row("产出指标", "数量指标", "资助参保金额", 10, "205.1万元", "205.1万元"),
    row("产出指标", "数量指标", "资助标准", 10, "重残450元/人·年，一般残疾300元/人·年", "重残450元/人·年，一般残疾300元/人·年"),
    row("产出指标", "质量指标", "残疾人参保率", 10, "100%", "100%"),
    row("产出指标", "时效指标", "参保资金上解时间", 10, "在规定时间内按时上解", "按时上解"),
    row("效益指标", "社会效益指标", "持续保障残疾人参加城乡居民医疗保险", 10, "持续保障", "持续保障"),
    row("效益指标", "可持续影响指标", "保障城乡医保基金运行", 10, "成效明显", "成效明显"),
    row("效益指标", "可持续影响指标", "持续保障残疾人正常享受医疗待遇", 10, "持续保障", "持续保障"),
    row("满意度指标", "服务对象满意度指标", "政策知晓率", 5, "95%", "95%"),
    row("满意度指标", "服务对象满意度指标", "工作满意度", 5, "99%", "99%"),
]
YANBIAN_INFO = {"项目名称": "城乡残疾人医疗保险资助金", "主管部门": "盐边县医疗保障局", "评价年度": 2021, "报告样式": "四川", "金额单位": "万元"}
YANBIAN_BUDGET = {"年度资金总额": {"年初预算数": 205.1, "全年预算数": 205.1, "实际到位数": 205.1, "全年执行数": 205.1, "分值": 10}}


def _reference_goal_paragraph() -> str:
    text = REFERENCE.read_text(encoding="utf-8")
    block = text[text.index("（城乡残疾人医疗保险资助金）") :]
    start = block.index("2．项目完成指标包括")
    end = block.index("3．申报内容与实际相符")
    return block[start:end]


def _facts(text: str) -> list[str]:
    """The facts of a target listing, in order: names, values and indicator types."""
    text = re.sub(r"^\d[．.]", "", text.strip())
    text = text.replace("：", "，").replace("。", "，").replace("；", "，").replace("\n", "，")
    text = re.sub(r"[①-⑳]", "", text)
    return [t.strip() for t in text.split("，") if t.strip()]


def test_yanbian_goal_paragraph_carries_the_same_facts_in_the_same_order():
    ev = evaluate_grids(YANBIAN_ROWS, info=YANBIAN_INFO, budget=YANBIAN_BUDGET)
    section = next(s for s in generate(ev, "四川") if s.heading.startswith("2.项目应实现的具体绩效目标"))
    assert _facts(section.text) == _facts(_reference_goal_paragraph())


def test_numbers_are_formatted_as_reports_write_them():
    ev = evaluate_grids(standard_rows(), budget={"年度资金总额": {"全年预算数": 300, "实际到位数": 300, "全年执行数": 279.96, "分值": 10, "偏差原因分析及改进措施": "结余"}})
    text = "\n".join(s.text for s in generate(ev, "通用"))
    assert "预算执行率93.32%，得9.33分（满分10分），扣0.67分，原因：结余。" in text
    assert f"自评得分{ev.total_score:g}分，等级为“优秀”" in text
    sichuan = "\n".join(s.text for s in generate(ev, "四川"))  # no table there: the amounts are written out
    assert "全年预算数300万元，实际到位300万元，全年执行279.96万元，执行率93.32%，结余20.04万元。" in sichuan


def test_missing_facts_are_bracketed_not_invented():
    ev = evaluate_grids(info={"项目名称": "某项目"})
    sections = {s.heading: s.text for s in generate(ev, "四川")}
    assert sections["2.项目立项、资金申报的依据。"] == "【请在项目信息中填写立项依据】"
    assert sections["（三）项目财务管理情况。"] == "【请在项目信息中填写财务管理情况】"


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


def test_shaanxi_breaks_the_score_down_per_level1():
    ev = evaluate_grids()
    text = next(s.text for s in generate(ev, "陕西") if s.heading.startswith("三、"))
    assert "产出指标主要从数量、质量、时效、成本四个方面进行评价，共50分，得50分。" in text
    assert "两个方面进行评价" in text and "二个方面" not in text


@pytest.mark.parametrize("style, first, last", [("四川", "一、项目概况", "（三）相关建议。"), ("山西", "一、项目的基本情况", "附件1.项目支出绩效自评表"), ("陕西", "项目支出绩效自评表", "五、自评小组"), ("通用", "一、基本情况", "附件：项目支出绩效自评表"), ("湖南", "一、部门概况", "附件3：项目支出绩效自评表")])
def test_outlines(style, first, last):
    sections = generate(evaluate_grids(), style)
    assert sections[0].heading == first and sections[-1].heading == last


def test_final_text_wins():
    ev = evaluate_grids()
    sections = generate(ev, "四川")
    target = sections[3]
    finals = read_finals([["章节", "自动生成", "定稿"], [target.path, "旧", "我的定稿"]])
    out = apply_final(sections, finals)
    assert out[3].text == "我的定稿" and not out[3].generated
    assert all(s.generated for i, s in enumerate(out) if i != 3)


def test_a_section_longer_than_a_cell_is_cut_in_the_sheet_but_whole_in_the_report():
    from xlperf.core import layout
    from xlperf.core.narrative import CUT_NOTE, narrative_block

    names = [f"第{i}项服务对象补助发放人数统计" for i in range(1500)]
    rows = [row("产出指标", "数量指标", n, 0.06, "100人", "50人", reason="资金下达较晚") for n in names]
    ev = evaluate_grids(rows)
    full = {s.path: s.text for s in generate(ev) if s.has_body}
    assert max(len(t) for t in full.values()) > 32767  # the case this test is about
    sheet, _, _, block, _ = narrative_block(ev, [layout.SHEET_NARRATIVE], {})
    for path, text, _final in block[1:]:
        if path is None:
            continue
        assert len(text) <= 32767
        if len(full[path]) > 32767:
            assert text.endswith(CUT_NOTE) and full[path].startswith(text[: -len(CUT_NOTE)])
        else:
            assert text == full[path]


def test_every_style_has_its_outline_as_data():
    from xlperf.core.enums import Style
    from xlperf.core.narrative.outlines import OUTLINES

    assert set(OUTLINES) == set(Style)
    letters = {Style.GENERAL: "g", Style.SICHUAN: "s", Style.SHANXI: "x", Style.SHAANXI: "v", Style.HUNAN: "h"}
    for style, outline in OUTLINES.items():
        keys = [h.key for h in outline]
        assert len(set(keys)) == len(keys), style
        assert all(k.startswith(letters[style]) for k in keys), style  # the report reads the outline from the key
        assert outline[0].level == 1 and all(h.level in (1, 2, 3) for h in outline), style
        for h in outline:
            parts = h.fill if isinstance(h.fill, tuple) else (h.fill,) if h.fill else ()
            assert all(callable(p) for p in parts), (style, h.key)
        sections = generate(evaluate_grids(), style)
        assert [s.key for s in sections] == keys
        assert [s.has_body for s in sections] == [h.fill is not None for h in outline]
