"""The 基础数据 sheet of a 部门整体支出 workbook (编制数, 实有人数, 三公经费…), as rows of display strings."""

from __future__ import annotations

from typing import Any, Sequence

from xlperf.core import layout

Grid = list[list[Any]]


def _display(value: Any) -> str:
    from xlperf.core import values as V

    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return V.format_number(float(value), 2)
    if hasattr(value, "strftime"):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def read_basic_data(grid: Grid) -> list[list[str]]:
    """The 基础数据 table as rows of display strings; the first row is the header.

    Blank rows and trailing blank columns are dropped; a header cell typed as a number (2025)
    becomes ``2025年``; numbers are shown without trailing zeros (``12.5``).
    """
    rows = [[_display(v) for v in row] for row in grid]
    rows = [r for r in rows if any(c for c in r) and not r[0].startswith(layout.BASIC_DATA_NOTE_START)]
    if not rows:
        return []
    width = max(max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows)
    # leading blank columns (a table that starts in B) go too
    lead = min(next((i for i, c in enumerate(r) if c), width) for r in rows)
    rows = [(r + [""] * width)[lead:width] for r in rows]
    header = rows[0]
    for i, cell in enumerate(header):
        if i > 0 and cell.isdigit() and len(cell) == 4:
            header[i] = cell + "年"
    if not header[0]:
        header[0] = "项目"
    return rows


def basic_data_sheet(names: Sequence[str]) -> str | None:
    """The name of the 基础数据 sheet among ``names`` (exact, then synonyms, ignoring spaces)."""
    from xlperf.core.basicdata import find_basic_sheet

    return find_basic_sheet(list(names))


def with_rates(rows: list[list[str]], data: Any) -> list[list[str]]:
    """``rows`` (:func:`read_basic_data`) with the 控制率 / 执行率 rows of 附件1 (layout.BASIC_DATA_RATES)
    computed from ``data`` (the parsed sheet, core.basicdata.BasicData): each after the row it
    follows, its rate in the 本年实际数 column and how it is computed in the 说明 column. A rate
    whose figures the sheet lacks (or whose divisor is 0), or that the sheet already has as a row,
    is not added; a sheet without a 本年实际数 column gets none."""
    from xlperf.core import values as V
    from xlperf.core.basicdata import _columns, _norm, label_key

    if not rows or data is None:
        return rows
    header = rows[0]
    _head, _label, cols = _columns([header])
    actual = cols.get("actual")
    if actual is None:
        return rows
    note = cols.get("note")
    unit = cols.get("unit")
    keys = [label_key(r[0])[0] if r and r[0] else None for r in rows]
    out = [list(r) for r in rows]
    for key, label, (num_key, num_col), (den_key, den_col), after, how in reversed(layout.BASIC_DATA_RATES):
        if after not in keys or any(r and _norm(r[0]) == _norm(label) for r in rows):
            continue
        num, den = data.value(num_key, num_col), data.value(den_key, den_col)
        if num is None or not den:
            continue
        row = [""] * len(header)
        row[0] = label
        row[actual] = V.format_number(100 * num / den, 2) + "%"
        if unit is not None:
            row[unit] = "%"
        if note is not None:
            row[note] = how
        at = keys.index(after) + 1
        out.insert(at, row)
        keys.insert(at, key)
    return out
