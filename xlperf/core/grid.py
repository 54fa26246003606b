"""Reading values out of sheet grids (2-D lists, A1 at [0][0]): cells, header rows found by name,
numbers and rates as typed, text for names. Pure: shared by every reader, the narrative and reports.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
import unicodedata
from typing import Any, Iterable

from xlperf.core import layout
from xlperf.core import values as V

Grid = list[list[Any]]

HEADER_SCAN_ROWS = 60
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell(grid: Grid, row: int, col: int) -> Any:
    """1-based access that tolerates ragged rows."""
    if row < 1 or col < 1 or row > len(grid):
        return None
    r = grid[row - 1]
    if col > len(r):
        return None
    v = r[col - 1]
    return None if v == "" else v


def header_key(value: Any) -> str:
    """Normalise a header text: full-width, spaces, line breaks and unit notes like （分）/(A) removed."""
    if not isinstance(value, str):
        return ""
    if len(value) <= 64:  # every header search normalises the same top rows' cells again
        return _header_key_memo(value)
    return _header_key(value)


def _header_key(value: str) -> str:
    s = unicodedata.normalize("NFKC", value)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[(（][^()（）]{0,8}[)）]$", "", s)
    s = s.rstrip(":：")
    return s


_header_key_memo = functools.lru_cache(maxsize=4096)(_header_key)


def text_of(value: Any) -> str:
    """A cell as text for names and free text: numbers without '.0', dates in Chinese, controls removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return CONTROL_RE.sub("", value).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, V.Percent):
        return V.parse_value(value).raw  # as the cell shows it: 98%
    if isinstance(value, float):
        return V.format_number(value, 6)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    code = getattr(value, "code", None)
    if code:
        return str(code)
    return str(value)


def number_of(value: Any) -> tuple[float | None, bool]:
    """A numeric cell (or '10分', '39.75万元', '1,234') -> (number, ok). Blank -> (None, True)."""
    if value is None or value == "":
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        p = V.parse_value(value)
        if isinstance(value, V.Percent) and p.kind == V.PERCENT:
            # a 分值/金额 cell formatted as a percentage: the number the user sees (10% of the
            # 100 points is 10 points), never the stored 0.1
            return p.number, True
        return (float(value), True) if p.kind != V.ERROR else (None, False)
    if isinstance(value, str):
        p = V.parse_value(value)
        if p.kind in (V.NUMBER, V.YEAR) and p.number is not None and not p.op and p.unit in ("", "分", "万元", "元"):
            return p.number, True
        if p.kind == V.EMPTY:
            return None, True
    return None, False


MONEY = ("元", "万元", "亿元")


def weight_of(value: Any) -> tuple[float | None, bool, bool]:
    """A 分值 cell -> (points, ok, noted). ``10`` and ``10%`` (a percent-formatted cell: 10 of the 100
    points) read as they are; ``'10分'`` is unambiguous, read as 10 and noted (``noted``); a money
    unit or any other text is not a 分值."""
    num, ok = number_of(value)
    if not ok or num is None or not isinstance(value, str):
        return num, ok, False
    unit = V.parse_value(value).unit
    if unit in MONEY:
        return None, False, False
    return num, True, unit == "分"


def unit_note(raw: Any, number: float, unit: str = "", where: str = "") -> dict[str, str]:
    """The I014 fields for a number typed with its unit (10分, 48.6万元) that was read: what was typed
    and what it counts as. ``unit`` is the amount unit ("" for points); ``where`` says where that
    unit is set, when the reader can point at it."""
    typed = V.parse_value(raw).unit
    note = f"（已由{typed}换算为{unit}{where}）" if unit and typed != unit else ""
    return {"value": text_of(raw)[:50], "used": f"{V.format_number(number, 6)} {unit or '分'}", "note": note}


def amount_of(value: Any, unit: str) -> tuple[float | None, bool, bool]:
    """An amount cell in the workbook's ``unit`` (元/万元) -> (amount, ok, noted). A number reads as it
    is; ``'48.6万元'`` names its unit, so it is read (converted to ``unit``) and noted. A percentage
    (``'97.2%'`` typed, or a cell formatted as one) or a 分 is not an amount: not ok."""
    if isinstance(value, V.Percent):
        return None, False, False
    num, ok = number_of(value)
    if not ok or num is None or not isinstance(value, str):
        return num, ok, False
    typed = V.parse_value(value).unit
    if typed == "分":
        return None, False, False
    if typed in MONEY and typed != unit:
        converted = V.convert_amount(num, typed, unit)
        return (V.round_half_up(converted, 6), True, True) if converted is not None else (None, False, False)
    return num, True, bool(typed)


def rate_of(value: Any) -> float | None:
    """A stated rate as a fraction: 0.9332, 93.32 and '93.32%' all -> 0.9332."""
    if value is None or value == "":
        return None
    if isinstance(value, V.Percent):
        return float(value)  # the stored fraction itself: 0.9332, not 93.32 / 100
    p = V.parse_value(value)
    if p.kind == V.PERCENT and p.number is not None:
        return p.number / 100
    if p.kind in (V.NUMBER, V.YEAR) and p.number is not None and not p.unit:
        return p.number / 100 if abs(p.number) > 1.5 else p.number
    return None


def closest_sheet(name: str, names: Iterable[str]) -> str | None:
    names = list(names)
    match = difflib.get_close_matches(name, names, n=1, cutoff=0.3)
    if match:
        return match[0]
    for n in names:
        if any(ch in n for ch in name[:2]):
            return n
    return None


def find_header(grid: Grid, canonical: tuple[str, ...], synonyms: dict[str, str], required: int) -> tuple[int, dict[str, int], list[tuple[str, int, int]]] | None:
    """Find the first row holding at least ``required`` known headers. Returns (row, {name: col}, duplicates)."""
    best = None
    for r in range(1, min(len(grid), HEADER_SCAN_ROWS) + 1):
        cols: dict[str, int] = {}
        dups: list[tuple[str, int, int]] = []
        for c in range(1, len(grid[r - 1]) + 1):
            key = header_key(cell(grid, r, c))
            if not key:
                continue
            name = key if key in canonical else synonyms.get(key)
            if name is None:
                continue
            if name in cols:
                dups.append((name, cols[name], c))
                continue
            cols[name] = c
        if len(cols) >= required and (best is None or len(cols) > len(best[1])):
            best = (r, cols, dups)
            if len(cols) >= len(canonical) - 1:
                break
    return best


def merge_second_header_row(grid: Grid, row: int, cols: dict[str, int], canonical: tuple[str, ...], synonyms: dict[str, str]) -> int:
    """A header merged over two rows: take names from the row below too. Returns the last header row."""
    below = row + 1
    if below > len(grid):
        return row
    found: dict[str, int] = {}
    numbers = 0
    for c in range(1, len(grid[below - 1]) + 1):
        v = cell(grid, below, c)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers += 1
        key = header_key(v)
        name = key if key in canonical else synonyms.get(key)
        if name:
            found[name] = c
    if found and numbers == 0:
        for name, c in found.items():
            cols.setdefault(name, c)
        return below
    return row



def locate_sheets(names: list[str]) -> dict[str, str | None]:
    """Map our sheet roles to the workbook's sheet names by exact (normalised) name."""
    norm = {header_key(n): n for n in names}
    found: dict[str, str | None] = {}
    for role in (layout.SHEET_INFO, layout.SHEET_BUDGET, layout.SHEET_INDICATORS, layout.SHEET_FINDINGS, layout.SHEET_NARRATIVE, layout.SHEET_BASIC_DATA):
        found[role] = norm.get(header_key(role))
    return found
