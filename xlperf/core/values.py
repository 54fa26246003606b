"""Parse the values finance staff type into 年度指标值 / 实际完成值 cells.

Real tables hold ``3626``, ``3626人``, ``242202 人``, ``≥95%``, ``>98%``, ``≤30天``,
``上访率≤1%``, ``100%``, ``39.75万元``, ``2021年``, ``一个月内``, ``持续``, full-width
``９５％``, thousands separators, Excel error values and dates. ``parse_value`` turns any of
them into a :class:`Parsed` and never raises.

Hand-written on purpose: no library knows these Chinese unit and comparison forms.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

# kinds
EMPTY = "empty"
NUMBER = "number"  # a quantity, maybe with a unit
PERCENT = "percent"
YEAR = "year"
DATE = "date"
TEXT = "text"  # qualitative text: 持续, 提升, 一个月内 …
ERROR = "error"  # an Excel error value or an unreadable cell

_OPS = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "大于等于": ">=",
    "以上": ">=",
    ">": ">",
    "大于": ">",
    "超过": ">",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "小于等于": "<=",
    "以内": "<=",
    "以下": "<=",
    "内": "<=",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "=": "=",
    "等于": "=",
}

_EXCEL_ERRORS = ("#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")

# Number with optional thousands separators / decimals.
_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_PREFIX_OPS = r"(?:>=|=>|<=|=<|≥|≤|>|<|=|不低于|不少于|不高于|不超过|大于等于|小于等于|大于|小于|低于|超过|等于)"
_SUFFIX_OPS = r"(?:以上|以内|以下|内)"
_UNIT = r"[A-Za-z\u4e00-\u9fff·/／%‰°]+?"

_QUANT_RE = re.compile(
    rf"^(?P<label>[^\d<>=≥≤+\-.]*?)\s*(?P<op>{_PREFIX_OPS})?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?\s*(?P<sop>{_SUFFIX_OPS})?$"
)
_YEAR_RE = re.compile(r"^(?P<op>{ops})?\s*(?P<y>(?:19|20)\d\d)\s*(?:年度?)?\s*(?P<sop>(?:底前|年底前|前|以前|之前|内|年内|底))?$".format(ops=_PREFIX_OPS))
_DATE_RE = re.compile(
    r"^(?P<op>{ops})?\s*(?P<y>(?:19|20)\d\d)\s*[年\-/.]\s*(?P<m>\d{{1,2}})\s*(?:[月\-/.]\s*(?P<d>\d{{1,2}})\s*日?)?\s*月?\s*(?P<sop>(?:底前|前|以前|之前|内|底))?$".format(ops=_PREFIX_OPS)
)
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_QUANT_RE = re.compile(r"^(?P<op>{ops})?\s*(?P<cn>[一二两三四五六七八九十]{{1,3}})\s*(?P<unit>个月|个工作日|工作日|周|天|日|年|次|个|人|项|家|户)\s*(?P<sop>以内|以上|内)?$".format(ops=_PREFIX_OPS))

_NOT_APPLICABLE = ("不适用", "无此项", "本年不涉及", "不涉及", "/", "—", "--", "-", "n/a", "N/A")

_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100}


class Percent(float):
    """A number whose cell shows it as a percentage: Excel stores a cell showing ``98%`` as 0.98
    with a percent number format. Readers wrap such cells' values in this type (the file reader
    from the sheet's styles, the live Excel book from NumberFormat), so 0.98 is read as 98 %."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Percent({float(self)!r})"


@dataclass(frozen=True)
class Parsed:
    """One parsed cell. ``number`` is in the written unit (95 for 95%, 39.75 for 39.75万元)."""

    raw: str
    kind: str
    number: float | None = None
    unit: str = ""  # "%", "人", "万元", "元", "天", "年" …
    op: str | None = None  # ">=", ">", "<=", "<", "="
    label: str = ""  # text before the comparison: "上访率" in "上访率≤1%"
    date: _dt.date | None = None
    text: str = ""  # normalised text (for TEXT) or the error code (for ERROR)

    @property
    def is_empty(self) -> bool:
        return self.kind == EMPTY

    @property
    def is_quantity(self) -> bool:
        return self.kind in (NUMBER, PERCENT)

    @property
    def fraction(self) -> float | None:
        """The value as a fraction when it is a percentage (95% -> 0.95)."""
        if self.kind == PERCENT and self.number is not None:
            return self.number / 100.0
        return None

    @property
    def not_applicable(self) -> bool:
        return self.kind == TEXT and self.text in _NOT_APPLICABLE

    def display(self) -> str:
        return self.raw


# XML 1.0 forbids most control characters; Excel cells can hold them (\x0b from Alt+Enter on a Mac).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # the above plus CR


def printable(value: Any) -> str:
    """A display string safe for every renderer (WordprocessingML too): control characters dropped,
    CR LF unified, spaces at the ends removed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= _CACHED_LEN:
        return _printable_cached(text)  # every report shows the same labels and numbers again
    return _printable(text)


def _printable(text: str) -> str:
    if _NEEDS_CLEANING.search(text) is None:  # the usual cell: skip three replaces and a sub
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return _CONTROL_CHARS.sub("", text).strip()


# Workbooks repeat the same few hundred short cell texts (units, targets, 达成, 是/否), and each is
# parsed or normalised several times per workbook: pure functions of a string, so results are
# memoised. Only short strings: a cache must not keep a long text alive after its workbook.
_CACHED_LEN = 128
_CACHE_SIZE = 4096


def normalize_text(value: str) -> str:
    """Full-width to half-width (NFKC), unify comparison signs, strip spaces at the ends."""
    if len(value) <= _CACHED_LEN:
        return _normalize_cached(value)
    return _normalize(value)


def _normalize(value: str) -> str:
    s = unicodedata.normalize("NFKC", value)
    s = (
        s.replace("≧", "≥")
        .replace("≦", "≤")
        .replace("⩾", "≥")
        .replace("⩽", "≤")
        .replace("═", "=")
        .replace("％", "%")
        .replace("，", ",")
        .replace("\u3000", " ")
        .replace("\xa0", " ")
    )
    return s.strip()


def _to_float(num: str) -> float | None:
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return value


def _cn_number(cn: str) -> int | None:
    """一 .. 九十九 (enough for 一个月内, 三个工作日, 十五天)."""
    if not cn:
        return None
    if cn == "十":
        return 10
    if "十" in cn:
        head, _, tail = cn.partition("十")
        tens = _CN_DIGITS.get(head, 1) if head else 1
        ones = _CN_DIGITS.get(tail, 0) if tail else 0
        return tens * 10 + ones
    if len(cn) == 1:
        return _CN_DIGITS.get(cn)
    return None


def _split_multiplier(unit: str, number: float) -> tuple[float, str]:
    """'万人' 1.2 -> 12000 '人'; money keeps 万元 (compared by convert_amount)."""
    if unit in ("万元", "亿元"):
        return number, unit
    if unit and unit[0] in _MULTIPLIERS and len(unit) > 1:
        return number * _MULTIPLIERS[unit[0]], unit[1:]
    return number, unit


def parse_value(value: Any) -> Parsed:
    """Parse one cell value. Never raises."""
    try:
        return _parse(value)
    except Exception:  # pragma: no cover - defensive: the parser must never raise
        return Parsed(raw=str(value)[:200], kind=ERROR, text="无法识别")


def _parse(value: Any) -> Parsed:
    if isinstance(value, str):
        return _parse_text(value)
    if value is None:
        return Parsed(raw="", kind=EMPTY)
    if type(value) in (int, float):  # a plain number has neither an error code nor a formula
        return _parse_number(value)
    # Cell error / uncached formula objects from the reader carry a ``code`` or ``formula``.
    code = getattr(value, "code", None)
    if isinstance(code, str) and code.startswith("#"):
        return Parsed(raw=code, kind=ERROR, text=code)
    if getattr(value, "formula", None) is not None:
        return Parsed(raw="=" + str(value.formula), kind=ERROR, text="公式无计算结果")
    if isinstance(value, bool):
        return Parsed(raw="是" if value else "否", kind=TEXT, text="是" if value else "否")
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return Parsed(raw=value.isoformat(), kind=DATE, date=value, number=float(value.year))
    if isinstance(value, (int, float)):
        return _parse_number(value)
    return Parsed(raw=str(value)[:200], kind=ERROR, text="无法识别")


def _parse_number(value: int | float) -> Parsed:
    """A number cell: a percentage when its cell is formatted so, a year when it looks like one."""
    f = float(value) * 100 if isinstance(value, Percent) else float(value)
    if math.isnan(f) or math.isinf(f):
        return Parsed(raw=str(value), kind=ERROR, text="无法识别")
    if isinstance(value, Percent):
        f = round(f, 10)  # 0.0098 * 100 is 0.9800000000000001 in binary
        return Parsed(raw=f"{_format_plain(f)}%", kind=PERCENT, number=f, unit="%")
    raw = _format_plain(f)
    if f.is_integer() and 1900 <= f <= 2100:
        return Parsed(raw=raw, kind=YEAR, number=f, date=_dt.date(int(f), 12, 31))
    return Parsed(raw=raw, kind=NUMBER, number=f)


def _parse_text(value: str) -> Parsed:
    """What people type: a date, a year, a quantity with its unit and comparison, or words."""
    if len(value) <= _CACHED_LEN:
        return _parse_text_cached(value)  # Parsed is frozen: one instance may be shared
    return _parse_text_uncached(value)


def _parse_text_uncached(value: str) -> Parsed:
    raw = value.strip()
    if not raw:
        return Parsed(raw="", kind=EMPTY)
    s = normalize_text(raw)
    if s.upper() in _EXCEL_ERRORS:
        return Parsed(raw=raw, kind=ERROR, text=s.upper())
    if len(s) > 200:
        return Parsed(raw=raw[:200], kind=TEXT, text=s)
    compact = re.sub(r"\s+", "", s)
    return _as_date(raw, compact) or _as_year(raw, compact) or _as_quantity(raw, s, compact) or _as_cn_quantity(raw, compact) or Parsed(raw=raw, kind=TEXT, text=compact)


_parse_text_cached = functools.lru_cache(maxsize=_CACHE_SIZE)(_parse_text_uncached)
_normalize_cached = functools.lru_cache(maxsize=_CACHE_SIZE)(_normalize)
_printable_cached = functools.lru_cache(maxsize=_CACHE_SIZE)(_printable)


def _as_date(raw: str, compact: str) -> Parsed | None:
    m = _DATE_RE.match(compact)
    if not m or not 1 <= int(m["m"]) <= 12:
        return None
    y, mo = int(m["y"]), int(m["m"])
    d = int(m["d"]) if m["d"] else _last_day(y, mo)
    try:
        date = _dt.date(y, mo, d)
    except ValueError:
        return None
    op = _OPS.get(m["op"] or "") or ("<=" if m["sop"] else None)
    return Parsed(raw=raw, kind=DATE, date=date, number=float(y), op=op)


def _as_year(raw: str, compact: str) -> Parsed | None:
    m = _YEAR_RE.match(compact)
    if not m:
        return None
    y = int(m["y"])
    op = _OPS.get(m["op"] or "") or ("<=" if m["sop"] else None)
    return Parsed(raw=raw, kind=YEAR, number=float(y), date=_dt.date(y, 12, 31), op=op)


def _as_quantity(raw: str, s: str, compact: str) -> Parsed | None:
    m = _QUANT_RE.match(compact)
    number = _to_float(m["num"]) if m else None
    if number is None:
        return None
    unit = (m["unit"] or "").replace("／", "/")
    label = m["label"] or ""
    op = _OPS.get(m["op"] or "") or _OPS.get(m["sop"] or "")
    if unit == "%" or unit == "‰":
        if unit == "‰":
            number = number / 10.0
        return Parsed(raw=raw, kind=PERCENT, number=number, unit="%", op=op, label=label)
    if unit.endswith("%") and len(unit) > 1:
        # "95%以上" handled by sop; a trailing word after % is not a unit: keep as label-less percent
        return Parsed(raw=raw, kind=TEXT, text=s)
    number, unit = _split_multiplier(unit, number)
    # a bare 2021 is a year; 2000.00 typed with decimals is an amount (a year has no decimals)
    if not unit and number.is_integer() and 1900 <= number <= 2100 and not op and "." not in m["num"]:
        return Parsed(raw=raw, kind=YEAR, number=number, date=_dt.date(int(number), 12, 31))
    return Parsed(raw=raw, kind=NUMBER, number=number, unit=unit, op=op, label=label)


def _as_cn_quantity(raw: str, compact: str) -> Parsed | None:
    """一个月内, 三个工作日, 十五天."""
    m = _CN_QUANT_RE.match(compact)
    n = _cn_number(m["cn"]) if m else None
    if n is None:
        return None
    op = _OPS.get(m["op"] or "") or _OPS.get(m["sop"] or "")
    return Parsed(raw=raw, kind=NUMBER, number=float(n), unit=m["unit"], op=op)


def _last_day(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (_dt.date(year, month + 1, 1) - _dt.timedelta(days=1)).day


def _format_plain(f: float) -> str:
    if f.is_integer():
        return str(int(f))
    return format_number(f, 4)


# --- judgements on text ----------------------------------------------------------------------


def judgement_of(actual: Parsed, target: Parsed):  # -> xlperf.core.judge.Judgement
    """What a qualitative actual says about its target (R6): a tier, a rate found in the text,
    or nothing (tier None). The wording rules are xlperf.core.judge's."""
    from xlperf.core.judge import ACHIEVED, Judgement, judge

    if actual.kind == PERCENT and actual.number is not None and not actual.label:
        if actual.number >= 100:
            return Judgement(ACHIEVED, why="100%")
        return Judgement(None, ratio=max(actual.number, 0.0) / 100, why="比率")
    text = actual.text if actual.kind == TEXT else normalize_text(actual.raw)
    target_text = target.text if target.kind == TEXT else normalize_text(target.raw)
    return judge(text, target_text)


def achievement_of(actual: Parsed, target: Parsed) -> str | None:
    """For qualitative indicators: '达成', '部分达成', '未达成' or None when the text says nothing
    (a percentage under 100 % is None too: the caller scores it proportionally)."""
    return judgement_of(actual, target).tier


def is_not_applicable(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return normalize_text(value) in _NOT_APPLICABLE


# --- numbers as reports write them -----------------------------------------------------------


def round_half_up(value: float, places: int = 2) -> float:
    """R8: half-up rounding (Python's round() is banker's rounding and works on binary floats)."""
    if value is None or math.isnan(value) or math.isinf(value):
        return value
    if type(value) is float and value != 0.0:  # 0.0 and -0.0 would share one cache entry
        return _round_float(value, places)
    return _round(value, places)


def _round(value: float, places: int) -> float:
    try:
        q = Decimal(1).scaleb(-places)
        return float(Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):  # pragma: no cover
        return value


# Scores and amounts repeat across rows and workbooks; the Decimal round trip is the costly part.
_round_float = functools.lru_cache(maxsize=_CACHE_SIZE, typed=True)(_round)


def score_within(value: float, weight: float, *, short: bool = False) -> float:
    """R8 and R9 together: the score rounded half-up to 2 decimals, never above ``weight`` nor
    below 0 (a full row of weight 1.875 scores 1.875, not the 1.88 rounding would give).

    ``short``: the row's wording says it fell short (部分达成, 未达成): rounding must not turn
    it into full marks (0.6 × 0.009 rounds to 0.01, above the 分值 0.009; it is 0.00)."""
    w = max(weight, 0.0)
    v = min(max(value, 0.0), w)
    rounded = round_half_up(v, 2)
    if short and rounded >= w and v < w - 1e-9:
        return float(Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_DOWN))
    return min(rounded, w)


def exact_sum(values: Iterable[float | None]) -> float:
    """The sum of scores as written (decimal, not binary, arithmetic): 1.875 × 8 is 15 exactly."""
    values = tuple(values)
    if len(values) <= 2 and all(type(v) in _PLAIN_NUMBERS for v in values):
        return _exact_sum_memo(values)  # running totals (weight + weight) recur row after row
    return _exact_sum(values)


def _exact_sum(values: tuple) -> float:
    total = Decimal(0)
    for v in values:
        if v is not None and not (math.isnan(v) or math.isinf(v)):
            total += _decimal_of(float(v))
    return float(total)


# Decimal(repr(x)) is the costly part of exact_sum and the same weights and scores recur. 0.0 and
# -0.0 share an entry, which changes no sum: a Decimal sum that starts at +0 never becomes -0.
_decimal_of = functools.lru_cache(maxsize=_CACHE_SIZE)(lambda v: Decimal(repr(v)))
# Equal keys give equal sums: each value is summed as float(v), so 1 and 1.0 are one key.
_PLAIN_NUMBERS = (float, int, type(None))
_exact_sum_memo = functools.lru_cache(maxsize=_CACHE_SIZE)(_exact_sum)


def format_number(value: float | None, places: int = 2) -> str:
    """Trim trailing zeros: 300.00 -> '300', 39.750 -> '39.75'."""
    if value is None:
        return ""
    if type(value) is float:
        return _format_float(value, places)
    return _format_number(value, places)


def _format_number(value: float, places: int) -> str:
    v = round_half_up(value, places)
    text = f"{v:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text


_format_float = functools.lru_cache(maxsize=_CACHE_SIZE, typed=True)(_format_number)  # 0.0 and -0.0 both give "0"


def format_rate(fraction: float | None) -> str:
    """0.93324 -> '93.32%'."""
    if fraction is None:
        return ""
    return f"{round_half_up(fraction * 100, 2):.2f}%"


def format_score(score: float | None) -> str:
    if score is None:
        return ""
    return f"{round_half_up(score, 2):.2f}"


def convert_amount(number: float, from_unit: str, to_unit: str) -> float | None:
    """Money between 元 / 万元 / 亿元; None when the units are not both money."""
    scale = {"元": 1.0, "万元": 10_000.0, "亿元": 100_000_000.0}
    if from_unit in scale and to_unit in scale:
        return number * scale[from_unit] / scale[to_unit]
    return None


EXCEL_CELL_LIMIT = 32767  # characters (UTF-16 code units) Excel holds in one cell


def excel_len(s: str) -> int:
    """Length as Excel counts it: UTF-16 code units, so an emoji (outside the BMP) counts twice."""
    if s.isascii():
        return len(s)
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def fit_cell(text: str, note: str = "…", limit: int = EXCEL_CELL_LIMIT) -> str:
    """Cut ``text`` so that it, with ``note`` appended, fits one Excel cell (see excel_len)."""
    if len(text) * 2 <= limit or excel_len(text) <= limit:
        return text
    room = limit - excel_len(note)
    out, used = [], 0
    for ch in text:
        w = 2 if ord(ch) > 0xFFFF else 1
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + note
