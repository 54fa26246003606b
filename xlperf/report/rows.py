"""The 自评表's display rows: one per :class:`IndicatorResult`, made from that result alone.

Both the report's ``self_table`` (:mod:`xlperf.report.context`) and the official form
(:mod:`xlperf.report.official`) show these rows, so each value is written the same way in both.
Every number a row shows comes from its own result (or from ``ev.budget`` for the 预算执行 row),
never from another list matched by position. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from xlperf.core import values as V
from xlperf.core.enums import Direction
from xlperf.core.models import Evaluation, IndicatorResult
from xlperf.core.scoring import _is_budget_row

clean = V.printable  # one definition, in core.values


def row_score(value: float | None) -> str:
    return V.format_number(value, 2) if value is not None else ""


def budget_on_sheet(ev: Evaluation) -> bool:
    """The budget is scored on the 预算执行 sheet (not as a row of the indicator table)."""
    b = ev.budget
    return b.present and not b.scored_in_indicators and bool(b.weight)


def shown_score(r: IndicatorResult) -> float | None:
    """The score a row shows as a number: None when it reads 不适用 or 待定."""
    return None if (r.direction == Direction.NOT_APPLICABLE or r.pending) else r.score


def indicator_row(r: IndicatorResult) -> dict[str, Any]:
    """The row of one indicator: display strings, and the numbers behind 分值 and 得分."""
    ind = r.indicator
    na = r.direction == Direction.NOT_APPLICABLE
    completion = V.format_rate(r.completion) if r.completion is not None else (r.tier or "")
    return {
        "level1": clean(ind.level1),
        "level2": clean(ind.level2),
        "level3": clean(ind.level3),
        "weight": V.format_number(ind.weight, 2) if ind.weight is not None else clean(ind.weight_raw),
        "target": clean(r.target_display),
        "actual": clean(r.actual_display),
        "completion": "不适用" if na else completion,
        "score": "不适用" if na else ("待定" if r.pending else row_score(r.score)),
        "reason": clean(ind.reason),
        "direction": r.direction,
        "met": r.met,
        "is_budget": _is_budget_row(ind),
        "is_total": False,
        "weight_number": ind.weight,
        "score_number": shown_score(r),
    }


def budget_row(ev: Evaluation) -> dict[str, Any]:
    """The 预算执行 row of a budget scored on the 预算执行 sheet."""
    b = ev.budget
    total = ev.input.budget.total
    rate = V.format_rate(b.execution_rate) if b.execution_rate is not None else ""
    return {
        "level1": "预算执行",
        "level2": "预算执行",
        "level3": "预算执行率",
        "weight": V.format_number(b.weight, 2),
        "target": "100%",
        "actual": rate,
        "completion": rate,
        "score": "待定" if b.pending else row_score(b.score),
        "reason": clean(total.reason) if total is not None else "",
        "direction": "≥",
        "met": b.execution_rate is not None and b.execution_rate >= 1 - 1e-9,
        "is_budget": True,
        "is_total": False,
        "weight_number": b.weight,
        "score_number": b.score,
    }
