"""绩效指标 prose: the targets by type, per 一级指标 its score, then only the rows that deserve words."""

from __future__ import annotations

import re
from pathlib import Path

from xlperf.core.narrative import generate

from tests.grids import evaluate_grids, row


# the published report's text for this project (an excerpt, kept with the tests)
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "yanbian-disabled-insurance-2021.txt"


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


def test_shaanxi_breaks_the_score_down_per_level1():
    ev = evaluate_grids()
    text = next(s.text for s in generate(ev, "陕西") if s.heading.startswith("三、"))
    assert "产出指标主要从数量、质量、时效、成本四个方面进行评价，共50分，得50分。" in text
    assert "两个方面进行评价" in text and "二个方面" not in text
