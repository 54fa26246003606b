"""Numbers and words as reports write them: 13分, 93.1%, 优秀, 两个方面, 【请在…中填写…】."""

from __future__ import annotations

from xlperf.core import values as V
from xlperf.core.scoring import GRADE_LONG

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_NUM = "一二三四五六七八九十"
_NIL = {"无", "暂无", "没有", "无问题", "无建议", "/", "—", "-", "--", "－", "不适用"}


def missing(what: str, where: str = "项目信息") -> str:
    """A fact the workbook lacks, asked for in brackets, never invented."""
    return f"【请在{where}中填写{what}】"


def cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + (CN_NUM[n - 11] if n > 10 else "")
    return str(n)


def cn_count(n: int) -> str:
    """A count before a measure word: 两个方面, not 二个方面."""
    return "两" if n == 2 else cn(n)


def points(value: float | None) -> str:
    """13分, 9.31分, 0分 (never 13.00分)."""
    return f"{V.format_number(value or 0.0, 2)}分"


def pct(fraction: float | None) -> str:
    """93.1%, 100%, 93.32% (never 93.10%)."""
    return f"{V.format_number((fraction or 0.0) * 100, 2)}%"


def grade_long(grade: str) -> str:
    return GRADE_LONG.get(grade, grade)


# The grade form of each style (one form per report, never mixed). The reference reports write 湖南
# 评价为“优”, 山西 属于“良好”, 陕西 优秀等级. The self-evaluation tables every report carries print the
# long words (自评等级：优秀), so a style joins SHORT_GRADE_STYLES only together with its tables: until
# then 湖南 keeps its reference phrase (评价为“…”) with the long word, and no report mixes the forms.
SHORT_GRADE_STYLES: frozenset[str] = frozenset()


def grade_word(grade: str, style: str = "") -> str:
    """The grade as the style's reference report writes it: 优 (湖南) or 优秀 (the others)."""
    return grade if style in SHORT_GRADE_STYLES else grade_long(grade)


def grade_count(counts: dict[str, int]) -> str:
    """Counts of grades in the national form, in the order of the scale: 优2个、良1个."""
    order = ("优", "良", "中", "差")
    return "、".join(f"{g}{counts[g]}个" for g in sorted(counts, key=lambda g: order.index(g) if g in order else 9))


def is_nil(text: str) -> bool:
    """A field that says nothing: blank, 无, 暂无 …"""
    t = V.normalize_text(text or "").rstrip("。.;；")
    return not t or t in _NIL


def numbered(items: list[str]) -> str:
    """①a；②b  (a single item has no number; past ⑳ the numbers are 21. 22. …)."""
    if len(items) == 1:
        return items[0]
    return "；".join(f"{CIRCLED[i] if i < len(CIRCLED) else str(i + 1) + '.'}{t}" for i, t in enumerate(items))


def join(*parts: str) -> str:
    """Paragraphs, empty ones left out."""
    return "\n".join(p.strip() for p in parts if p and p.strip())


def labelled(label: str, text: str) -> str:
    return f"{label}：{text}" if text else ""
