"""The header of a unit's indicator table as a band of one to three rows: merged parents over their
children (三级指标 over 指标内容 · 指标性质 · 指标值 · 度量单位; 年度指标值 over 指标值 · 度量单位).

Every column is named by its full path down the band and given one role: a column the scoring
reads (三级指标, 分值, 年度指标值 …), an extra column real forms carry (指标性质 → 指标方向,
度量单位, 指标值说明, 评分标准, 备注 …) or nothing. A column is never taken as a target or an
actual because of where it sits under a parent: only a child named for a value, or a child that
names nothing alone under a parent that does. Pure: works on grids with merged values filled in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xlperf.core import layout
from xlperf.core.grid import Grid, cell, header_key, number_of
from xlperf.core.models import ColumnReading

MAX_BAND = 3
# what a column needs for a table to be an indicator table
_NEEDED = ("三级指标", "分值")
_VALUES = ("年度指标值", "实际完成值")


def _key(value: Any) -> str:
    """A header text for matching: header_key, with any bracketed note inside removed too
    (评(扣)分标准, 分值（分）, 年度指标值(A))."""
    k = header_key(value)
    return re.sub(r"[(（][^()（）]{0,8}[)）]", "", k) if k and ("(" in k or "（" in k) else k


@functools.lru_cache(maxsize=8192)
def role_of(text: str) -> str:
    """The role a header text names alone: canonical, extra, or "" (unknown or generic)."""
    if not text or len(text) > 40:
        return ""
    for k in (text, re.sub(r"[(（][^()（）]{0,8}[)）]", "", text)) if ("(" in text or "（" in text) else (text,):
        if k in layout.FORM_INDICATOR_HEADERS:
            return k
        if k in layout.FORM_INDICATOR_SYNONYMS:
            return layout.FORM_INDICATOR_SYNONYMS[k]
        if k in layout.FORM_EXTRA_COLUMNS:
            return layout.FORM_EXTRA_COLUMNS[k]
    return _role_by_shape(re.sub(r"[(（][^()（）]{0,8}[)）]", "", text))


# What a header names by how it is built, when it is none of the known names: 偏差原因及整改措施,
# 预期指标值, 全年实际完成值, 计量单位, 三级指标名称 … Checked in this order; the value columns
# need a word that says which value (a bare 值 or 指标值 says nothing alone).
_SHAPES = (
    (re.compile(r"原因"), "偏差原因分析及改进措施"),
    (re.compile(r"^(一级|二级|三级)(指标)?(名称|内容)?$"), ""),
    (re.compile(r"(性质|方向|属性)$"), "指标方向"),
    (re.compile(r"^(度量|计量|计算|指标|数值)?单位$"), "度量单位"),
    (re.compile(r"说明$"), "指标值说明"),
    (re.compile(r"(评分|扣分|计分|评价)(标准|细则|办法|方法|依据)$"), "评分标准"),
    (re.compile(r"^(实际|全年实际|年度实际|实际达成|实际完成|全年完成|年度完成).*(值|数|情况)$"), "实际完成值"),
    (re.compile(r"^(年度|全年|预期|计划|绩效|目标|年初)(目标|指标)?(值|指标值)$"), "年度指标值"),
    (re.compile(r"(权重|分值|标准分)$"), "分值"),
    (re.compile(r"^(自评|实际|指标|评价)?得分(值)?$"), "得分"),
)


_SHAPE_CHARS = frozenset("因级性向属位明准则法据值数况重分")


def _role_by_shape(k: str) -> str:
    if not k or len(k) > 16 or _SHAPE_CHARS.isdisjoint(k):
        return ""
    for pattern, role in _SHAPES:
        m = pattern.search(k)
        if m:
            if role == "":
                return {"一级": "一级指标", "二级": "二级指标", "三级": "三级指标"}[m.group(1)]
            return role
    return ""


def _is_generic(text: str) -> bool:
    return text in layout.FORM_GENERIC_NAMES or text in layout.FORM_GENERIC_VALUES


def _column_role(path: list[str]) -> str:
    """The role of a column from its path (top to bottom): the most specific name that says
    something; a generic child (指标内容, 指标值) takes its meaning from the parent above it."""
    if not path:
        return ""
    leaf = path[-1]
    parents = [role_of(p) for p in path[:-1]]
    parent = next((r for r in reversed(parents) if r), "")
    if _is_generic(leaf):
        if leaf in layout.FORM_GENERIC_NAMES:
            return "三级指标" if parent in ("", "三级指标") else parent
        if parent == "实际完成值":
            return "实际完成值"
        if parent in ("", "年度指标值", "三级指标"):
            return "年度指标值" if leaf == "指标值" or parent == "年度指标值" else ""
        return ""
    own = role_of(leaf)
    if own:
        return own
    return parent if len(path) > 1 else ""


@dataclass
class Band:
    """A found header band: rows top..bottom (1-based) and each column's reading."""

    top: int
    bottom: int
    cols: dict[str, int] = field(default_factory=dict)  # role -> its (first) column
    columns: list[ColumnReading] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(n in self.cols for n in _NEEDED) and any(n in self.cols for n in _VALUES)


def read_band(g: Grid, top: int, bottom: int) -> Band:
    band = Band(top, bottom)
    width = max((len(g[r - 1]) for r in range(top, bottom + 1)), default=0)
    for c in range(1, width + 1):
        path: list[str] = []
        for r in range(top, bottom + 1):
            k = header_key(cell(g, r, c))
            if k and (not path or path[-1] != k):
                path.append(k)
        if not path:
            continue
        role = _column_role(path)
        used = bool(role) and role not in band.cols
        if used:
            band.cols[role] = c
        band.columns.append(ColumnReading(col=c, path="/".join(path), role=role, used=used))
    # 权重 beside 分值: the first is the weight; a 度量单位 under 实际完成值 is the actual's unit
    for cr in band.columns:
        if not cr.used and cr.role == "度量单位" and cr.path.split("/")[0] in ("实际完成值", *_actual_parents()):
            cr.role, cr.used = "实际完成值单位", "实际完成值单位" not in band.cols
            if cr.used:
                band.cols["实际完成值单位"] = cr.col
    return band


def _actual_parents() -> tuple[str, ...]:
    return tuple(k for k, v in layout.FORM_INDICATOR_SYNONYMS.items() if v == "实际完成值")


def _numberish(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).strip().rstrip("%")
        num, ok = number_of(s) if s else (None, False)
        return ok and num is not None
    return False


def _names_in(g: Grid, r: int) -> int:
    """How many distinct roles row ``r`` names (generic names count once)."""
    roles = set()
    generic = False
    for v in g[r - 1]:
        k = _key(v)
        role = role_of(k)
        if role in layout.FORM_INDICATOR_HEADERS:
            roles.add(role)
        elif _is_generic(k):
            generic = True
    return len(roles) + generic


def _continues_band(g: Grid, top: int, r: int) -> bool:
    """Row ``r`` is a lower row of the band starting at ``top``: no numbers, and a header name
    that is not just the merged parent above it carried down."""
    if r > len(g):
        return False
    row = g[r - 1]
    new = False
    for c, v in enumerate(row, start=1):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if _numberish(v):
            return False
        k = _key(v)
        above = {_key(cell(g, k2, c)) for k2 in range(top, r)}
        if k in above:
            continue
        if role_of(k) or _is_generic(k):
            new = True
        elif len(k) > 12:
            return False  # a long text: a data row, not a header
    return new


def find_band(g: Grid, limit: int | None = None) -> Band | None:
    """The first header band of an indicator table in ``g`` (1–3 rows), or None."""
    last = len(g) if limit is None else min(len(g), limit)
    for r in range(1, last + 1):
        if _names_in(g, r) < 2:
            continue
        bottom = r
        while bottom - r + 1 < MAX_BAND and _continues_band(g, r, bottom + 1):
            bottom += 1
        for b in range(bottom, r - 1, -1):
            band = read_band(g, r, b)
            if band.ok:
                return band
    return None
