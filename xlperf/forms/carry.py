"""What a read self-evaluation puts into a new template workbook: for ``xlperf import`` (everything)
and ``xlperf new --from`` (last year's table: info and targets kept, this year's results cleared).

Pure: returns the values ``workbook.template.fill_workbook`` types in, and notes on what was merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xlperf.core import layout
from xlperf.core.models import SelfEvaluation
from xlperf.core.values import format_number

# Fields that describe one year's results: cleared when a table is carried into the next year.
YEARLY_INFO = ("annual_goal_result", "problems", "measures", "experience", "evaluated_on", "finance_management", "approval_docs", "implementation",
               "fund_arrival", "fund_use", "fund_adjustment", "work_plan", "assets", "public_url")  # the styles' own fields of one year
_TEMPLATE_SOURCES = {s.replace("其中：", ""): s for s in layout.BUDGET_SOURCES}


@dataclass
class TemplateValues:
    info: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, dict[str, Any]] = field(default_factory=dict)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def template_values(inp: SelfEvaluation, *, next_year: bool = False, style: str | None = None) -> TemplateValues:
    out = TemplateValues()
    _info(inp, out, next_year, style)
    _budget(inp, out, next_year)
    _indicators(inp, out, next_year)
    return out


def _info(inp: SelfEvaluation, out: TemplateValues, next_year: bool, style: str | None) -> None:
    info = inp.info
    for label, attr, _ in layout.ALL_INFO_FIELDS:
        value = getattr(info, attr, "")
        if next_year and attr in YEARLY_INFO:
            continue
        if attr == "year" and next_year:
            value = str(int(value) + 1) if re.fullmatch(r"\d{4}", str(value or "")) else ""
        if attr == "style" and style:
            value = style
        if value not in ("", None):
            out.info[label] = value
    for label, value in info.extra.items():
        if label != "表样" and label not in out.info and value:
            out.info[label] = value


def _budget(inp: SelfEvaluation, out: TemplateValues, next_year: bool) -> None:
    total = inp.budget.line("年度资金总额") or inp.budget.total
    if not inp.budget.present or total is None:
        out.budget["年度资金总额"] = {"分值": None}  # the form scores budget execution in its table, or not at all
        return
    merged: dict[str, dict[str, Any]] = {}
    for ln in inp.budget.lines:
        # a form names 县级; our own template reads back 其中：县级
        target = _TEMPLATE_SOURCES.get(ln.source) or (ln.source if ln.source in layout.BUDGET_SOURCES else None)
        if ln is total:
            target = "年度资金总额"
        if target is None:
            target = "其他资金"
            if not ln.is_blank:
                out.notes.append(f"资金来源“{ln.source}”（第 {ln.row} 行）计入“其他资金”")
        values = merged.setdefault(target, {})
        for header, attr in (("年初预算数", "initial"), ("全年预算数", "full_year"), ("实际到位数", "received"), ("全年执行数", "executed")):
            v = getattr(ln, attr)
            if v is None or (next_year and attr in ("received", "executed")):
                continue
            values[header] = (values.get(header) or 0) + v if header in values else v
        if ln.reason and not next_year:
            values["偏差原因分析及改进措施"] = ln.reason
    merged.setdefault("年度资金总额", {})["分值"] = total.weight
    out.budget.update(merged)


def _label(name: str, declared: float | None) -> str:
    return f"{name}（{format_number(declared)}分）" if declared is not None and name else name


def _advance(value: Any, year: str) -> Any:
    """A deadline of last year (``2021``, ``2021年``, ``2021年12月底前``) becomes this year's."""
    if not re.fullmatch(r"\d{4}", year or ""):
        return value
    text = str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else value
    if isinstance(text, str) and re.search(rf"(?<!\d){year}(?!\d)", text) and not re.search(r"\d{5,}", text):
        return re.sub(rf"(?<!\d){year}(?!\d)", str(int(year) + 1), text)
    return value


def _indicators(inp: SelfEvaluation, out: TemplateValues, next_year: bool) -> None:
    moved = []
    for ind in inp.indicators:
        row: dict[str, Any] = {
            "一级指标": _label(ind.level1, ind.level1_declared),
            "二级指标": _label(ind.level2, ind.level2_declared),
            "三级指标": ind.level3,
            "指标方向": ind.direction or None,
            "分值": ind.weight if ind.weight is not None else (ind.weight_raw or None),
            "年度指标值": _advance(ind.target, inp.info.year) if next_year else ind.target,
        }
        if next_year and row["年度指标值"] != ind.target:
            moved.append(ind.level3)
        if not next_year:
            row["实际完成值"] = ind.actual
            row["人工得分"] = ind.manual_score if ind.manual_score is not None else (ind.manual_raw or None)
            row["偏差原因分析及改进措施"] = ind.reason or None
        out.indicators.append({k: v for k, v in row.items() if v not in (None, "")})
    if moved:
        out.notes.append(f"年度指标值中的年份已改为下一年度：{'、'.join(moved)}")
