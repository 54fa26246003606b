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

from xlperf.core.enums import Tier

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
# A month, quarter, half-year or year end, with or without its year: 9月前, 十月底前, 三季度,
# 第四季度, 上半年, 年底前, 年内, 次年3月, 2022年上半年.
_PERIOD_RE = re.compile(
    r"^(?P<op>{ops})?(?:(?P<y>(?:19|20)\d\d)年度?|(?P<rel>次年|下年|明年|翌年|当年|本年|今年))?"
    r"(?:(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})月份?(?:(?P<d>\d{{1,2}})日)?|第?(?P<q>[1-4一二三四])季度|(?P<h>[上下])半年|(?P<end>年底|年末|年内|年度内|年度末))"
    r"(?P<sop>底前|末前|底|末|前|以前|之前|内)?$".format(ops=_PREFIX_OPS)
)
_NEXT_YEAR = ("次年", "下年", "明年", "翌年")
PLACEHOLDER_YEAR = 2000  # a leap year: a month end read without a year keeps 29 February
# 2021年12月完成, 于2022年3月完工: the date of a completion; the words around it add nothing.
_DONE_AFFIX = re.compile(r"^(?:已经|已|均)?(?:于|在)?(?P<core>.+?)(?:前后)?(?:完成|完工|竣工|办结|实施完毕|结束)$")
# A date inside a sentence: 已于10月完成, 2021年11月底前已全部发放.
_DATE_IN_TEXT = re.compile(
    r"(?:(?:19|20)\d\d年度?|次年|下年|明年|当年|本年|今年)?(?:(?<![\d个])(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:份)?(?:\d{1,2}日)?|第?[1-4一二三四]季度|[上下]半年)(?:底|末)?"
)
_PERCENT_WORDS = ("百分比", "百分率")  # ≥100百分比: a unit written as a word
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
    # A DATE written without its year (9月前, 三季度, 年底前, 次年3月): the years after the year it
    # is read in (0, or 1 for 次年); ``date`` then carries PLACEHOLDER_YEAR (see align_years).
    relative_year: int | None = None

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
    return (
        _as_when(raw, compact)
        or _as_done_when(raw, compact)
        or _as_quantity(raw, s, compact)
        or _as_cn_quantity(raw, compact)
        or Parsed(raw=raw, kind=TEXT, text=compact)
    )


def _as_when(raw: str, compact: str) -> Parsed | None:
    return _as_date(raw, compact) or _as_year(raw, compact) or _as_period(raw, compact)


def _as_done_when(raw: str, compact: str) -> Parsed | None:
    """A date that ends in 完成 (2021年12月完成, 于年底前完工) is that date: the deadline words
    decide, and a late date must not pass for achievement because it says 完成."""
    m = _DONE_AFFIX.match(compact)
    return _as_when(raw, m["core"]) if m else None


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


def _as_period(raw: str, compact: str) -> Parsed | None:
    """9月前, 十月底前, 三季度, 上半年, 年底前, 年内, 次年3月, 2022年上半年: the period's last day.
    ``X月前`` reads like ``2021年X月前`` does: by the end of month X."""
    m = _PERIOD_RE.match(compact)
    if not m or (m["op"] and m["m"]):  # ≤3月 is a duration in months, not a month
        return None
    if m["m"]:
        month = int(m["m"]) if m["m"].isdigit() else _cn_number(m["m"])
    elif m["q"]:
        month = 3 * (int(m["q"]) if m["q"].isdigit() else _CN_DIGITS[m["q"]])
    elif m["h"]:
        month = 6 if m["h"] == "上" else 12
    else:
        month = 12
    if month is None or not 1 <= month <= 12:
        return None
    year = int(m["y"]) if m["y"] else PLACEHOLDER_YEAR
    relative = None if m["y"] else (1 if m["rel"] in _NEXT_YEAR else 0)
    op = _OPS.get(m["op"] or "") or ("<=" if m["sop"] or m["end"] in ("年内", "年度内") else None)
    day = int(m["d"]) if m["d"] else _last_day(year, month)
    if not 1 <= day <= _last_day(year, month):
        return None
    date = _dt.date(year, month, day)
    return Parsed(raw=raw, kind=DATE, date=date, number=float(year) if m["y"] else None, op=op, relative_year=relative)


def align_years(target: Parsed, deadline: _dt.date, actual: Parsed, done: _dt.date) -> tuple[_dt.date, _dt.date]:
    """Put a deadline and a completion date on one calendar when either was written without its
    year (9月前 / 7月; 2022年9月前 / 7月; 年底前 / 次年3月): the one without a year is read in the
    other's year, or both in the same year."""
    t_rel = target.relative_year if target.kind == DATE else None
    a_rel = actual.relative_year if actual.kind == DATE else None
    if t_rel is None and a_rel is None:
        return deadline, done
    if t_rel is not None and a_rel is not None:
        base = PLACEHOLDER_YEAR
    elif t_rel is None:
        base = deadline.year
    else:
        base = done.year
    if t_rel is not None:
        deadline = _on_year(deadline, base + t_rel)
    if a_rel is not None:
        done = _on_year(done, base + a_rel)
    return deadline, done


def _on_year(d: _dt.date, year: int) -> _dt.date:
    """The same month end (or day) in another year."""
    last = _last_day(year, d.month)
    day = last if d.day >= _last_day(d.year, d.month) else min(d.day, last)
    return _dt.date(year, d.month, day)


def date_in_text(actual: Parsed) -> Parsed | None:
    """The one date a sentence gives (已于10月完成, 2021年11月底前已全部发放); None when it gives
    none or more than one."""
    if actual.kind not in (TEXT, NUMBER):  # 因疫情影响延至11月完成 reads as a labelled number
        return None
    found = {m.group(0) for m in _DATE_IN_TEXT.finditer(re.sub(r"\s+", "", normalize_text(actual.raw)))}
    if len(found) != 1:
        return None
    return _as_when(actual.raw, found.pop())


_NUM_IN_TEXT = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)")
_MONEY = ("亿元", "万元", "元")


def quantity_in_text(actual: Parsed, target: Parsed) -> Parsed | None:
    """The one amount in the target's unit a sentence gives (支出32.5万元，超出预算 against ≤30万元);
    None when it gives none, or several different ones.

    An amount right after an overrun or saving word (超出预算5万元, 节约3万元; the judgement word
    lists ``overruns`` and ``savings``) is a difference from the ceiling, not the amount
    spent: "实际支出55万元，超出预算5万元" gives 55. Alone against a ceiling (≤50万元), it gives
    the ceiling plus the overrun (55) or minus the saving."""
    if not (actual.kind == TEXT or is_difference(actual)) or target.kind != NUMBER or not target.unit:
        return None
    text = normalize_text(actual.raw)
    found: set[float] = set()
    differences: set[float] = set()
    difference_re = _difference_words()
    for m in _NUM_IN_TEXT.finditer(text):
        after = text[m.end():].lstrip()
        number = _to_float(m.group(1))
        if number is None:
            continue
        if not after.startswith(target.unit):
            unit = next((u for u in _MONEY if after.startswith(u)), None) if target.unit in _MONEY else None
            converted = convert_amount(number, unit, target.unit) if unit else None
            if converted is None:
                continue
            number = round(converted, 10)
        said = difference_re.search(re.sub(r"\s+", "", text[: m.start()]))
        if said is None:
            found.add(number)
        else:
            differences.add(number if said.group("over") else -number)
    if not found and len(differences) == 1 and target.op in ("<=", "<") and target.number is not None:
        found.add(round(target.number + differences.pop(), 10))  # 超出预算5万元 against ≤50万元: 55
    if len(found) != 1:
        return None
    return Parsed(raw=actual.raw, kind=NUMBER, number=found.pop(), unit=target.unit)


def is_difference(actual: Parsed) -> bool:
    """A number labelled by an overrun or saving word (超出预算5万元, 节约3万元): a difference from
    the ceiling, not the amount itself."""
    return actual.kind == NUMBER and bool(actual.label) and _difference_words().search(re.sub(r"\s+", "", normalize_text(actual.label))) is not None


@functools.cache
def _difference_words() -> re.Pattern[str]:
    """An overrun or saving word (超出预算, 节约…) ending the text before an amount."""
    from xlperf.core.judge import rules

    words = rules().words

    def alt(ws: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(ws), key=len, reverse=True) if w) or "(?!)"

    return re.compile(f"(?:(?P<over>{alt(words['overruns'])})|{alt(words['savings'])})(?:了|约|达|共|资金|金额)?$")


def month_as_quantity(p: Parsed) -> Parsed | None:
    """A month written without its year (2月) read as a number of months, for a target that is a
    quantity (≤3月 is a duration there, not March)."""
    if p.kind != DATE or p.relative_year is None:
        return None
    s = normalize_text(p.raw)
    return _as_quantity(p.raw, s, re.sub(r"\s+", "", s))


def _as_quantity(raw: str, s: str, compact: str) -> Parsed | None:
    m = _QUANT_RE.match(compact)
    number = _to_float(m["num"]) if m else None
    if number is None:
        return None
    unit = (m["unit"] or "").replace("／", "/")
    if unit in _PERCENT_WORDS:
        unit = "%"
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


def achievement_of(actual: Parsed, target: Parsed) -> Tier | None:
    """For qualitative indicators: the Tier (达成, 部分达成, 未达成) or None when the text says nothing
    (a percentage under 100 % is None too: the caller scores it proportionally)."""
    return judgement_of(actual, target).tier


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


_NAME_UNIT = re.compile(r"[（(]\s*([^（）()\d]{1,6}?)\s*[）)]\s*$")


def name_unit(name: str) -> str:
    """The unit an indicator's name declares: 补助人数（人） -> 人, 项目完成率（%） -> %."""
    m = _NAME_UNIT.search(name or "")
    if not m:
        return ""
    u = m.group(1).strip()
    return "%" if u in ("%", "％") else u


def unit_of(p: Parsed) -> str:
    """The unit a parsed value carries: % for a percentage, 万元/人/天… for a number, 年 for 2021年."""
    if p.kind == PERCENT:
        return "%"
    if p.kind == NUMBER and p.unit:
        return p.unit
    if p.kind == YEAR and p.raw.strip().endswith("年"):
        return "年"
    return ""


def row_unit(name: str, target: Parsed, actual: Parsed) -> str:
    """The unit of an indicator row: its name's, else the target's, else the actual's."""
    return name_unit(name) or unit_of(target) or unit_of(actual)
