"""The truth a report is checked against: the evaluation of its workbook through the public API
(``xlperf.api.check_file`` and ``evaluation_json``) and the workbook's cells read with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .check import Truth


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def truth_of(path: str | Path, projects: Iterable[str | Path] = ()) -> Truth:
    import openpyxl

    from xlperf.api import check_file, evaluation_json

    evaluation = check_file(path)
    ev = evaluation_json(evaluation)
    wb = openpyxl.load_workbook(str(path), read_only=False, data_only=False)
    info: dict[str, str] = {}
    if "项目信息" in wb.sheetnames:
        for row in wb["项目信息"].iter_rows(min_row=1, max_col=2, values_only=True):
            if row and isinstance(row[0], str) and row[0].strip():
                info[row[0].strip()] = _text(row[1] if len(row) > 1 else None)
    team: list[str] = []
    if "自评小组" in wb.sheetnames:
        ws = wb["自评小组"]
        header = [_text(c) for c in next(ws.iter_rows(max_row=1, values_only=True), ())]
        if "姓名" in header:
            col = header.index("姓名")
            for row in ws.iter_rows(min_row=2, values_only=True):
                if col < len(row) and _text(row[col]):
                    team.append(_text(row[col]))
    headers = {ws.title: {_text(v) for row in ws.iter_rows(max_row=20, max_col=40, values_only=True) for v in row if isinstance(v, str)} for ws in wb.worksheets}
    basic: dict[str, dict[str, float]] = {}
    if "基础数据" in wb.sheetnames:  # {label without spaces: {header: number}}
        rows = list(wb["基础数据"].iter_rows(values_only=True))
        head = [_text(c) for c in rows[0]] if rows else []
        for row in rows[1:]:
            if row and isinstance(row[0], str) and row[0].strip():
                basic["".join(row[0].split())] = {h: float(v) for h, v in zip(head, row) if isinstance(v, (int, float)) and not isinstance(v, bool)}
    functions: list[tuple[str, str, float | None, float | None]] = []
    if "功能科目" in wb.sheetnames:
        for row in wb["功能科目"].iter_rows(min_row=2, max_col=4, values_only=True):
            code, name, b, p = (list(row) + [None] * 4)[:4]
            if name or code:
                functions.append((_text(code), _text(name), b if isinstance(b, (int, float)) else None, p if isinstance(p, (int, float)) else None))
    t = Truth(ev=ev, sheets=list(wb.sheetnames), info=info, team=team, headers=headers, basic=basic, functions=functions)
    t.sources = _sources(evaluation)
    t.basic_read = _basic(wb)
    for p in projects:
        sub = truth_of(p)
        t.projects[sub.ev.get("project") or Path(p).stem] = sub
    return t


def _sources(evaluation) -> dict[str, dict[str, float | None]]:
    """The funding-source rows of 预算执行 as the evaluation read them (a 其中：… row by its name
    without 其中：, so 县级; 年度资金总额, 财政拨款, 上年结转资金, 其他资金 as they are)."""
    out: dict[str, dict[str, float | None]] = {}
    for ln in evaluation.input.budget.lines:
        src = ln.source.strip()
        if src.startswith(("其中：", "其中:")):
            src = src[3:].strip()
        out[src] = {"initial": ln.initial, "full_year": ln.full_year, "received": ln.received, "executed": ln.executed}
    return out


def _basic(wb) -> dict[str, dict[str, object]]:
    """The 基础数据 sheet as the product's reader parses it (key -> prior/budget/actual/unit/label)."""
    from xlperf.core.basicdata import find_basic_sheet, parse_basic_data

    sheet = find_basic_sheet(list(wb.sheetnames))
    if sheet is None:
        return {}
    grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    data = parse_basic_data(grid, sheet)
    return {k: {"prior": i.prior, "budget": i.budget, "actual": i.actual, "unit": i.unit, "label": i.label} for k, i in data.items.items()}
