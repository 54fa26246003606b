"""Worksheet functions for Windows Excel (xlwings UDFs): the same scoring core as everything else.

Hosted by the add-in itself: ``xlperf.xlam``'s config sheet names this module (``UDF Modules``)
and ``xlperf addin install`` imports the wrappers into the add-in
(:func:`xlperf.excel.addin.import_functions`), so every workbook can use them with no set-up of
its own. Without pywin32 (Linux, macOS) the decorators do nothing, so these stay plain functions
and are tested as Python.
"""

from __future__ import annotations

import xlwings as xw

from xlperf.core import values as V
from xlperf.core.enums import Direction
from xlperf.core.scoring import grade_of, score_indicator
from xlperf.excel.button import from_excel

# Excel's Insert Function dialog shows at most 255 characters of a function's description
# (xlwings puts the docstring there): every docstring stays within it (tests check).


@xw.func
@xw.arg("weight", doc="分值")
@xw.arg("target", doc="年度指标值，如 ≥95%、3626人")
@xw.arg("actual", doc="实际完成值")
@xw.arg("direction", doc="指标方向（可省略）：≥ ≤ = 定性 时效")
def XLPERF_SCORE(weight, target, actual, direction=None):
    """按评分规则计算一个三级指标的得分。无法自动判断时返回“需人工评分”，年度指标值或实际完成值未填写、无法读取时返回“待填写”。"""
    target, actual = from_excel(target), from_excel(actual)
    rs = score_indicator(_number(weight), target, actual, direction or "")
    if rs.score is None:
        if rs.direction == Direction.NOT_APPLICABLE:
            return "不适用"
        return "待填写" if rs.incomplete else "需人工评分"
    return rs.score


@xw.func
@xw.arg("target", doc="年度指标值")
@xw.arg("actual", doc="实际完成值")
@xw.arg("direction", doc="指标方向（可省略）")
def XLPERF_COMPLETION(target, actual, direction=None):
    """完成率（小数，设置为百分比格式显示）。无法计算时返回空。"""
    rs = score_indicator(1.0, from_excel(target), from_excel(actual), direction or "")
    return rs.completion


@xw.func
@xw.arg("total", doc="总分")
def XLPERF_GRADE(total):
    """按总分评定等级：优 ≥90，良 80–90，中 60–80，差 <60。"""
    if total is None or total == "":
        return ""
    return grade_of(_number(total))


@xw.func
@xw.arg("value", doc="一个单元格的值，如 39.75万元")
def XLPERF_PARSE(value):
    """识别数值和单位：返回一行两格 [数值, 单位]；百分数返回 [95, "%"]，文字返回 [空, 原文]。"""
    # A 1x2 list: Excel with dynamic arrays spills it into the cell and the one to its right
    # (xlwings' legacy ``@xw.ret(expand=...)`` is not used: it rewrites the formula into a
    # range after the fact, which dynamic arrays made unnecessary).
    p = V.parse_value(from_excel(value))
    if p.number is not None and p.kind in (V.NUMBER, V.PERCENT, V.YEAR):
        return [[p.number, p.unit]]
    if p.kind == V.DATE and p.date is not None and p.relative_year is None:  # 9月前 has no year to show
        return [[p.date.isoformat(), "日期"]]
    return [[None, p.text or p.raw]]


def _number(value) -> float:
    """A number argument: a cell formatted as currency arrives as Decimal (COM Currency)."""
    value = from_excel(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    p = V.parse_value(value)
    return float(p.number) if p.number is not None and p.kind in (V.NUMBER, V.YEAR) else 0.0
