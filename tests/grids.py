"""Build in-memory sheet grids shaped like the template, for tests of the pure core."""

from __future__ import annotations

from typing import Any

from xlperf.core import layout
from xlperf.core.models import Evaluation
from xlperf.forms.template import read_workbook
from xlperf.core.scoring import evaluate

H = list(layout.INDICATOR_HEADERS)


def indicator_grid(rows: list[dict[str, Any]], header_row: int = layout.INDICATOR_HEADER_ROW) -> list[list[Any]]:
    grid: list[list[Any]] = [[None] * len(H) for _ in range(header_row - 1)]
    grid.append(list(H))
    for r in rows:
        grid.append([r.get(h) for h in H])
    return grid


def budget_grid(lines: dict[str, dict[str, Any]] | None = None) -> list[list[Any]]:
    grid = [list(layout.BUDGET_HEADERS)]
    lines = lines if lines is not None else {"年度资金总额": {"年初预算数": 100, "全年预算数": 100, "实际到位数": 100, "全年执行数": 100, "分值": 10}}
    for source in layout.BUDGET_SOURCES:
        values = lines.get(source, {})
        grid.append([source] + [values.get(h) for h in layout.BUDGET_HEADERS[1:]])
    return grid


def info_grid(info: dict[str, Any] | None = None) -> list[list[Any]]:
    grid = [list(layout.INFO_HEADER)]
    info = info or {}
    for label, _, _ in layout.INFO_FIELDS:
        grid.append([label, info.get(label), None])
    for label, value in info.items():
        if label not in layout.INFO_LABEL_TO_ATTR:
            grid.append([label, value, None])
    return grid


def row(l1: str, l2: str, l3: str, w: Any, target: Any, actual: Any, **extra: Any) -> dict[str, Any]:
    r = {"一级指标": l1, "二级指标": l2, "三级指标": l3, "分值": w, "年度指标值": target, "实际完成值": actual}
    names = {"direction": "指标方向", "manual": "人工得分", "reason": "偏差原因分析及改进措施"}
    for k, v in extra.items():
        r[names.get(k, k)] = v
    return r


def standard_rows() -> list[dict[str, Any]]:
    """A clean 90-point indicator table (with the budget's 10: 100)."""
    return [
        row("产出指标", "数量指标", "补助人数", 20, "3626人", "3626人"),
        row("产出指标", "质量指标", "应保尽保率", 10, "100%", "100%"),
        row("产出指标", "时效指标", "补助时间", 10, "2021年", "2021年"),
        row("产出指标", "成本指标", "人均补助标准", 10, "280元", "280元"),
        row("效益指标", "社会效益指标", "减轻群众负担", 15, "持续", "持续"),
        row("效益指标", "可持续影响指标", "推动医保事业发展", 15, "长期", "100%"),
        row("满意度指标", "服务对象满意度指标", "群众满意度", 10, "≥95%", "96%"),
    ]


def evaluate_grids(
    rows: list[dict[str, Any]] | None = None,
    *,
    budget: dict[str, dict[str, Any]] | None = None,
    info: dict[str, Any] | None = None,
    indicator_grid_override: list[list[Any]] | None = None,
    with_budget: bool = True,
) -> Evaluation:
    grids = {
        # a filled-in table names its project (tests of a missing name pass ``info`` themselves)
        layout.SHEET_INFO: info_grid(info if info is not None else {"项目名称": "测试项目"}),
        layout.SHEET_INDICATORS: indicator_grid_override if indicator_grid_override is not None else indicator_grid(rows if rows is not None else standard_rows()),
    }
    if with_budget:
        grids[layout.SHEET_BUDGET] = budget_grid(budget)
    names = list(grids)
    return evaluate(read_workbook(names, grids, source="测试.xlsx"))


def codes(ev: Evaluation) -> list[str]:
    return [f.code for f in ev.findings]
