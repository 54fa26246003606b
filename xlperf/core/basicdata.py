"""The 基础数据 sheet of a 部门整体支出 workbook as facts (编制数, 实有人数, 收入/支出, 三公经费). Pure.

The sheet is found by row labels, not positions: the template's rows (layout.BASIC_DATA_ROWS) and
the names units give them elsewhere (layout.BASIC_DATA_SYNONYMS). Value columns are found by header
(上年数 / 本年预算数 / 本年实际数 and synonyms); a sheet headed by years (``2024年 | 2025年``) reads
the latest year as this year's actual and the one before as last year's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xlperf.core import layout

Grid = list[list[Any]]

_LABEL_TO_KEY = {}
for _key, _label, _unit in layout.BASIC_DATA_ROWS:
    if _key:
        _LABEL_TO_KEY[_label] = _key
_UNITS = {k: u for k, _l, u in layout.BASIC_DATA_ROWS if k}
_TRAILING_UNIT = re.compile(r"[（(]([^（）()]{1,4})[）)]$")
_YEAR = re.compile(r"^(\d{4})(年|年度)?$")


@dataclass(kw_only=True)
class BasicItem:
    key: str
    label: str
    unit: str = ""
    prior: float | None = None  # 上年数
    budget: float | None = None  # 本年预算数
    actual: float | None = None  # 本年实际数
    note: str = ""
    row: int = 0  # 1-based row in the sheet


@dataclass(kw_only=True)
class FunctionLine:
    """One 支出功能分类科目 of the 功能科目 sheet: its spending split into 基本支出 and 项目支出."""

    number: str = ""  # 科目编码 as typed (类 3 digits, 款 5, 项 7)
    name: str = ""
    basic: float | None = None
    project: float | None = None
    row: int = 0  # 1-based row in the sheet


@dataclass(kw_only=True)
class Functions:
    """The 功能科目 sheet: its items (a subtotal row whose code heads others' codes is not one) and
    the cells it could not read as amounts (``A1: text``)."""

    sheet: str = layout.SHEET_FUNCTIONS
    lines: list[FunctionLine] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    headerless: bool = False  # the sheet holds something, but no 科目名称 and 基本支出/项目支出 header

    @property
    def present(self) -> bool:
        return bool(self.lines) or bool(self.unreadable) or self.headerless

    def total(self, which: str) -> float | None:
        """The sum of ``which`` (basic | project) over the items; None when no item gives it."""
        vals = [getattr(ln, which) for ln in self.lines if getattr(ln, which) is not None]
        return sum(vals) if vals else None


@dataclass(kw_only=True)
class BasicData:
    sheet: str = layout.SHEET_BASIC_DATA
    items: dict[str, BasicItem] = field(default_factory=dict)
    functions: Functions | None = None  # the 功能科目 sheet, when the workbook has one

    @property
    def present(self) -> bool:
        return any(i.actual is not None or i.budget is not None or i.prior is not None for i in self.items.values())

    def get(self, key: str) -> BasicItem | None:
        return self.items.get(key)

    def value(self, key: str, which: str = "actual") -> float | None:
        item = self.items.get(key)
        return getattr(item, which) if item is not None else None


def _norm(text: str) -> str:
    t = re.sub(r"\s+", "", str(text).replace("\u3000", ""))
    t = re.sub(r"^[一二三四五六七八九十]+、", "", t)
    t = re.sub(r"^(其中[:：])+", "", t)
    t = re.sub(r"^\d+[、.．]", "", t)
    return t


def label_key(text: str) -> tuple[str | None, str]:
    """(row key, unit written in the label) for a row label, e.g. ``三公经费（万元）`` -> (sangong_total, 万元)."""
    t = _norm(text)
    unit = ""
    m = _TRAILING_UNIT.search(t)
    candidates = [t]
    if m and m.group(1) in ("万元", "元", "人", "个", "辆", "千元", "亿元"):
        unit = m.group(1)
        candidates.append(t[: m.start()])
    for c in candidates:
        for label, key in _LABEL_TO_KEY.items():
            if _norm(label) == c or _norm(_TRAILING_UNIT.sub("", _norm(label))) == c:
                return key, unit
        if c in layout.BASIC_DATA_SYNONYMS:
            return layout.BASIC_DATA_SYNONYMS[c], unit
    return None, unit


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    t = str(value).strip().replace(",", "").replace("，", "")
    m = re.match(r"^(-?\d+(?:\.\d+)?)\s*(万元|元|人|个|辆)?$", t)
    return float(m.group(1)) if m else None


def _columns(grid: Grid) -> tuple[int, int, dict[str, int]]:
    """(header row index, label column, {prior|budget|actual|unit|note: column}) — 0-based."""
    for i, row in enumerate(grid[:10]):
        cols: dict[str, int] = {}
        years: list[tuple[int, int]] = []
        label_col = None
        for j, v in enumerate(row):
            t = _norm(v) if v is not None else ""
            if not t:
                continue
            if t in ("项目", "指标", "名称", "内容") and label_col is None:
                label_col = j
            key = layout.BASIC_DATA_COLUMN_SYNONYMS.get(t)
            if key and key not in cols:
                cols[key] = j
            m = _YEAR.match(t)
            if m or (isinstance(v, (int, float)) and 1900 <= float(v) <= 2100):
                years.append((int(m.group(1)) if m else int(v), j))
        if years and "actual" not in cols:
            years.sort()
            cols["actual"] = years[-1][1]
            if len(years) > 1 and "prior" not in cols:
                cols["prior"] = years[-2][1]
        if "actual" in cols or "budget" in cols:
            return i, label_col if label_col is not None else 0, cols
    return -1, 0, {}


def parse_basic_data(grid: Grid, sheet: str = layout.SHEET_BASIC_DATA) -> BasicData:
    """The facts of a 基础数据 sheet; rows it does not know are left out (the annex shows them all)."""
    data = BasicData(sheet=sheet)
    head, label_col, cols = _columns(grid)
    if head < 0:
        return data
    get = lambda row, name: row[cols[name]] if name in cols and cols[name] < len(row) else None  # noqa: E731
    for i, row in enumerate(grid[head + 1 :], start=head + 2):
        if label_col >= len(row) or row[label_col] is None:
            continue
        key, unit = label_key(str(row[label_col]))
        if key is None or (key in data.items and _has_values(data.items[key])):
            continue  # a later row of the same name (or a group heading's namesake) does not override
        unit_cell = get(row, "unit")
        unit = (str(unit_cell).strip() if unit_cell not in (None, "") else "") or unit or _UNITS.get(key, "")
        note = get(row, "note")
        data.items[key] = BasicItem(
            key=key,
            label=str(row[label_col]).strip(),
            unit=unit,
            prior=_number(get(row, "prior")),
            budget=_number(get(row, "budget")),
            actual=_number(get(row, "actual")),
            note=str(note).strip() if note not in (None, "") else "",
            row=i,
        )
    return data


def _has_values(item: BasicItem) -> bool:
    return any(v is not None for v in (item.prior, item.budget, item.actual))


def find_basic_sheet(names: list[str]) -> str | None:
    """The 基础数据 sheet among ``names`` (exact, then the names units use, ignoring spaces)."""
    clean = {n.replace(" ", "").strip(): n for n in names}
    for candidate in (layout.SHEET_BASIC_DATA, *BASIC_SHEET_SYNONYMS):
        if candidate in clean:
            return clean[candidate]
    return None


BASIC_SHEET_SYNONYMS = ("基础数据", "基础数据表", "部门基础数据", "基本数据", "基础信息")


def basic_data_of(grids: dict[str, Grid] | None) -> BasicData | None:
    """The parsed 基础数据 sheet of a workbook's grids (with its 功能科目 sheet, when there is one),
    or None when it has neither."""
    if not grids:
        return None
    sheet = find_basic_sheet(list(grids))
    fsheet = find_function_sheet(list(grids))
    if not sheet and not fsheet:
        return None
    data = parse_basic_data(grids[sheet], sheet) if sheet else BasicData()
    if fsheet:
        data.functions = parse_functions(grids[fsheet], fsheet)
    return data


def find_function_sheet(names: list[str]) -> str | None:
    """The 功能科目 sheet among ``names`` (its name or the names units give it, ignoring spaces)."""
    clean = {n.replace(" ", "").strip(): n for n in names}
    return next((clean[c] for c in layout.FUNCTION_SHEET_SYNONYMS if c in clean), None)


def _code(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value))


def parse_functions(grid: Grid, sheet: str = layout.SHEET_FUNCTIONS) -> Functions:
    """The items of a 功能科目 sheet, header found by name (layout.FUNCTION_HEADERS and synonyms).

    A pasted 决算 table may hold 类 and 款 subtotals beside the 项: a row whose 科目编码 begins
    another row's code is a subtotal and not an item, so the items add up to the whole once. Total
    rows (合计) and rows without amounts are not items; an amount cell that is not a number is
    listed in ``unreadable`` (the report asks for it, never guesses)."""
    from xlperf.core.grid import find_header
    from xlperf.core.refs import cell_ref

    out = Functions(sheet=sheet)
    hit = find_header(grid, layout.FUNCTION_HEADERS, layout.FUNCTION_SYNONYMS, 2)
    if not hit or "科目名称" not in hit[1] or not ({"基本支出", "项目支出"} & set(hit[1])):
        out.headerless = any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for row in grid for v in row)
        return out
    head, cols, _ = hit
    at = lambda row, name: row[cols[name] - 1] if name in cols and cols[name] - 1 < len(row) else None  # noqa: E731
    lines: list[FunctionLine] = []
    for r, row in enumerate(grid[head:], start=head + 1):
        name = str(at(row, "科目名称") or "").strip()
        code = _code(at(row, "科目编码"))
        if not name and not code:
            continue
        if _norm(name) in layout.FUNCTION_TOTAL_LABELS or _norm(code) in layout.FUNCTION_TOTAL_LABELS:
            continue
        amounts: dict[str, float | None] = {}
        for key, header in (("basic", "基本支出"), ("project", "项目支出")):
            raw = at(row, header)
            amounts[key] = _number(raw)
            if amounts[key] is None and raw is not None and str(raw).strip() not in ("", "-", "—", "——"):
                out.unreadable.append(f"{cell_ref(r, cols[header])}：“{str(raw).strip()}”")
        if amounts["basic"] is None and amounts["project"] is None:
            continue
        lines.append(FunctionLine(number=code, name=name or code, basic=amounts["basic"], project=amounts["project"], row=r))
    codes = [ln.number for ln in lines if ln.number]
    out.lines = [ln for ln in lines if not ln.number or not any(c != ln.number and c.startswith(ln.number) for c in codes)]
    return out
