"""The computed blocks of a scored workbook: what ``calc`` and the Excel button write, and where.

Pure: given the evaluation and the sheets as read, it returns (sheet, row, col, values,
number formats) blocks; :mod:`xlperf.workbook.recalc` reads and writes them through a book.
"""

from __future__ import annotations

from typing import Any

from xlperf.core import layout
from xlperf.core.book import KEEP, Grid
from xlperf.core.enums import Direction, Severity
from xlperf.core.models import Evaluation, IndicatorResult
from xlperf.core.grid import cell, locate_sheets

PERCENT_FMT = "0.00%"
PENDING = "待定"  # a score that cannot be decided yet: shown, never counted as 0
SCORE_FMT = "0.00"


# --- blocks --------------------------------------------------------------------------------------

Block = tuple[str, int, int, Grid, dict[int, str] | None]


def computed_blocks(ev: Evaluation, names: list[str], grids: dict[str, Grid], *, narrative: bool = True) -> list[Block]:
    blocks: list[Block] = []
    b = _budget_block(ev, grids)
    if b:
        blocks.append(b)
    b = _indicator_block(ev, grids)
    if b:
        blocks.append(b)
    blocks.append(_findings_block(ev, names, grids))
    if narrative:
        from xlperf.core.narrative import narrative_block

        nb = narrative_block(ev, names, grids)
        if nb:
            blocks.append(nb)
    return blocks


def _span(cols: dict[str, int], names: tuple[str, ...]) -> tuple[int, int] | None:
    present = [cols[n] for n in names if n in cols]
    if not present:
        return None
    return min(present), max(present)


def _last_row(grid: Grid, cols: list[int]) -> int:
    for r in range(len(grid), 0, -1):
        if any(cell(grid, r, c) is not None for c in cols):
            return r
    return 0


def _indicator_block(ev: Evaluation, grids: dict[str, Grid]) -> Block | None:
    inp = ev.input
    cols = dict(inp.indicator_columns)
    header = inp.indicator_header_row
    if header is None:
        return None
    owned = ["完成率", "计算得分", "校验提示"]
    if "人工得分" in cols:
        owned.append("得分")  # without a 人工得分 column, 得分 is what the officer typed
    span = _span(cols, tuple(owned))
    if span is None:
        return None
    grid = grids.get(inp.indicator_sheet, [])
    first_col, last_col = span
    summary = _has_summary(grid) and first_col == layout.SUMMARY_FIRST_COL
    top = layout.SUMMARY_TOP_ROW if summary else header + 1
    rows_by_number = {r.indicator.row: r for r in ev.indicators}
    last = max([header, _last_row(grid, [cols[n] for n in owned if n in cols])] + list(rows_by_number))
    width = last_col - first_col + 1
    block: Grid = []
    col_index = {cols[n]: n for n in owned if n in cols}
    for r in range(top, last + 1):
        line: list[Any] = [KEEP] * width
        if summary and r < layout.SUMMARY_TOP_ROW + len(layout.SUMMARY_LABELS) + 1:
            line = _summary_line(ev, r - layout.SUMMARY_TOP_ROW, width)
        elif r > header:
            res = rows_by_number.get(r)
            for c, name in col_index.items():
                line[c - first_col] = _computed_value(res, name) if res is not None else None
        block.append(line)
    fmts = {}
    for name, fmt in (("完成率", PERCENT_FMT), ("计算得分", SCORE_FMT), ("得分", SCORE_FMT)):
        if name in col_index.values():
            fmts[cols[name] - first_col] = fmt
    return inp.indicator_sheet, top, first_col, block, fmts


def _has_summary(grid: Grid) -> bool:
    c = layout.SUMMARY_FIRST_COL
    return all(
        cell(grid, layout.SUMMARY_TOP_ROW + 1 + i, c) == label for i, label in enumerate(layout.SUMMARY_LABELS)
    )


def _summary_line(ev: Evaluation, offset: int, width: int) -> list[Any]:
    """Rows of the summary block (offset 0 = title row, 1.. = the labelled rows)."""
    line: list[Any] = [KEEP] * width
    if offset == 0:
        return line
    slots = width - 1
    groups = ev.level1[: slots - 1]
    if len(ev.level1) > slots - 1 and groups:
        rest = ev.level1[slots - 2 :]
        groups = ev.level1[: slots - 2] + [
            type(rest[0])(name="其他", weight=sum(g.weight for g in rest), score=sum(g.score for g in rest), pending=sum(g.pending for g in rest))
        ]
    label = layout.SUMMARY_LABELS[offset - 1]
    line[0] = label
    if label == "一级指标":
        values = ["合计"] + [g.name for g in groups]
    elif label == "分值":
        values = [ev.total_weight] + [g.weight for g in groups]
    elif label == "得分":
        values = [ev.total_score if ev.final else ev.total_text] + [PENDING if g.pending else g.score for g in groups]
    else:
        values = [ev.grade_text]
    for i in range(slots):
        line[1 + i] = values[i] if i < len(values) else None
    return line


def _computed_value(res: IndicatorResult, name: str) -> Any:
    if name == "完成率":
        return res.completion
    if name == "计算得分":
        return res.computed_score
    if name == "得分":
        if res.pending:
            return PENDING
        return res.score if res.direction != Direction.NOT_APPLICABLE else None
    if name == "校验提示":
        return "；".join(res.hints) if res.hints else None
    return None


def _budget_block(ev: Evaluation, grids: dict[str, Grid]) -> Block | None:
    budget = ev.input.budget
    if not budget.present or not budget.lines:
        return None
    cols = budget.columns
    span = _span(cols, layout.BUDGET_COMPUTED)
    if span is None:
        return None
    first_col, last_col = span
    width = last_col - first_col + 1
    computed = {cols[n]: n for n in layout.BUDGET_COMPUTED if n in cols}
    lines = {x["row"]: x for x in ev.budget.lines}
    total_row = budget.total.row if budget.total else None
    top = min(lines)
    bottom = max(lines)
    block: Grid = []
    for r in range(top, bottom + 1):
        line: list[Any] = [KEEP] * width
        data = lines.get(r)
        if data is not None:
            for c, name in computed.items():
                if name == "结余":
                    v = data["balance"]
                elif name == "到位率":
                    v = data["arrival_rate"]
                elif name == "执行率":
                    v = data["execution_rate"]
                else:
                    v = None
                    if r == total_row and ev.budget.weight:
                        v = PENDING if ev.budget.pending else ev.budget.score
                line[c - first_col] = v
        block.append(line)
    fmts = {}
    for name, fmt in (("到位率", PERCENT_FMT), ("执行率", PERCENT_FMT), ("得分", SCORE_FMT)):
        if name in cols:
            fmts[cols[name] - first_col] = fmt
    return budget.sheet, top, first_col, block, fmts


def _findings_block(ev: Evaluation, names: list[str], grids: dict[str, Grid]) -> Block:
    sheet = locate_sheets(names)[layout.SHEET_FINDINGS] or layout.SHEET_FINDINGS
    old = grids.get(sheet, [])
    rows: Grid = [list(layout.FINDINGS_HEADERS)]
    for f in ev.findings:
        rows.append([f.severity, f.location, f"{f.code} {_title(f.code)}", f.message])
    if len(ev.findings) == 0:
        rows.append([Severity.INFO, "", "—", "未发现问题"])
    stale = _last_row(old, [1, 2, 3, 4])
    while len(rows) < stale:
        rows.append([None, None, None, None])
    return sheet, 1, 1, rows, None


def _title(code: str) -> str:
    from xlperf.core.findings import RULES

    return RULES[code].title
