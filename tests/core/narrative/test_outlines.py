"""The five outlines as data, and the sections generate() makes from them."""

from __future__ import annotations

import pytest

from xlperf.core.enums import Style
from xlperf.core.narrative import generate

from tests.grids import evaluate_grids


def test_missing_facts_are_bracketed_not_invented():
    ev = evaluate_grids(info={"项目名称": "某项目"})
    sections = {s.heading: s.text for s in generate(ev, "四川")}
    assert sections["2.项目立项、资金申报的依据。"] == "【请在项目信息中填写立项依据】"
    assert sections["（三）项目财务管理情况。"] == "【请在项目信息中填写财务管理情况】"


@pytest.mark.parametrize("style, first, last", [("四川", "一、项目概况", "（三）相关建议。"), ("山西", "一、项目的基本情况", "附件1.项目支出绩效自评表"), ("陕西", "项目支出绩效自评表", "五、自评小组"), ("通用", "一、基本情况", "附件：项目支出绩效自评表"), ("湖南", "一、部门概况", "附件3：项目支出绩效自评表")])
def test_outlines(style, first, last):
    sections = generate(evaluate_grids(), style)
    assert sections[0].heading == first and sections[-1].heading == last


def test_every_style_has_its_outline_as_data():
    from xlperf.core.enums import Style
    from xlperf.core.narrative.outlines import OPTIONAL, OUTLINES

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
        shown = [h for h in outline if h.key not in OPTIONAL]  # an optional section without text is left out
        assert [s.key for s in sections] == [h.key for h in shown]
        assert [s.has_body for s in sections] == [h.fill is not None for h in shown]


def test_the_outline_is_the_evaluations_style_unless_one_is_asked_for():
    ev = evaluate_grids(info={"项目名称": "某项目", "报告样式": "四川"})
    assert ev.style == Style.SICHUAN and generate(ev)[0].key == "s1"
    ev.style = Style.SHANXI  # what the evaluation says, not a second reading of 项目信息
    assert generate(ev)[0].key == "x1"
    assert generate(ev, "陕西")[0].key == "v0"
    assert generate(ev, "广东")[0].key == "g1"  # a style no outline has: 通用
    ev.style = None
    assert generate(ev)[0].key == "g1"


@pytest.mark.parametrize("unit", ["盐边县医疗保障事务中心", "", "无"])
def test_sichuan_names_the_implementing_unit_beside_the_departments_duties_when_it_is_filled(unit):
    ev = evaluate_grids(info={"项目名称": "某项目", "主管部门职能": "负责资金监管。", "实施单位": unit})
    text = {s.heading: s.text for s in generate(ev, "四川")}["1.项目主管部门（单位）在该项目管理中的职能。"]
    assert text.startswith("负责资金监管。")
    assert ("项目实施单位：盐边县医疗保障事务中心" in text) == bool(unit and unit != "无")
    assert "实施单位" in text or not (unit and unit != "无")
