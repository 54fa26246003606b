"""Scoring rules R1–R14 of the self-evaluation: pure functions, no I/O.

``evaluate(SelfEvaluation) -> Evaluation`` is the one entry point every caller uses (CLI,
Excel button, batch, reports). It parses each 年度指标值/实际完成值 cell once, scores the row
from the parsed values (``score_parsed``) and keeps them on the result
(``IndicatorResult.target``/``.actual``): nothing after it parses a cell or a display string
again. ``score_indicator`` scores one row from raw cells and backs the worksheet functions.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass, field

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.enums import Direction, EvaluationType, Style, Tier
from xlperf.core.findings import RULES, make
from xlperf.core.models import (
    Budget,
    BudgetLine,
    BudgetResult,
    Evaluation,
    Finding,
    Indicator,
    IndicatorResult,
    Level1Summary,
    Loc,
    ScoringConfig,
    SelfEvaluation,
)

EPS = 1e-9
WEIGHT_TOLERANCE = 0.005  # weights summing to 99.999 are 100 for practical purposes; 99.99 is not
MONEY_UNITS = ("元", "万元", "亿元")
DURATION_UNITS = ("天", "日", "个工作日", "工作日", "个月", "月", "周", "小时", "个小时", "分钟")
SAME_UNITS = {"日": "天", "天": "天", "个工作日": "工作日", "工作日": "工作日", "人": "人", "名": "人", "位": "人"}

# Kept for modules that import these names from here; the code uses Direction.
NA, REVERSE = Direction.NOT_APPLICABLE, Direction.LESS


def grade_of(total: float | None) -> str:
    """R12 on the 2-decimal total."""
    if total is None:
        return ""
    t = V.round_half_up(total, 2)
    if t >= 90:
        return "优"
    if t >= 80:
        return "良"
    if t >= 60:
        return "中"
    return "差"


GRADE_LONG = {"优": "优秀", "良": "良好", "中": "中", "差": "差"}


def config_from_info(threshold: str, formula: str) -> tuple[ScoringConfig, list[tuple[str, str, str]]]:
    """Read the two settings of 项目信息; returns the config and (field, value, default) for unreadable ones."""
    cfg = ScoringConfig()
    bad: list[tuple[str, str, str]] = []
    if threshold:
        p = V.parse_value(threshold)
        if p.kind == V.PERCENT and p.number and p.number > 100:
            cfg.overachievement_threshold = p.number / 100
        elif p.kind == V.NUMBER and p.number and 1 < p.number <= 10:
            cfg.overachievement_threshold = p.number
        elif p.kind == V.NUMBER and p.number and p.number > 100:
            cfg.overachievement_threshold = p.number / 100
        else:
            bad.append((layout.INFO_THRESHOLD, threshold, "120%"))
    if formula:
        f = V.normalize_text(formula)
        if "扣减" in f or "线性" in f:
            cfg.reverse_formula = "linear"
        elif "比值" in f or "比例" in f:
            cfg.reverse_formula = "ratio"
        else:
            bad.append((layout.INFO_REVERSE_FORMULA, formula, "比值法"))
    return cfg, bad


# --- one indicator ------------------------------------------------------------------------------


@dataclass
class RowScore:
    """The score of one indicator before manual overrides, with what needs saying about it.

    ``direction`` is the resolved :class:`Direction`, ``tier`` the :class:`Tier` the actual states
    (qualitative rows); both equal their Chinese word.
    """

    direction: Direction
    completion: float | None = None
    score: float | None = None  # None: cannot be computed (needs a manual score)
    tier: Tier | None = None  # qualitative tier
    tier_stated: bool = False  # the actual text names the tier (R11 checks manual scores against it)
    met: bool = True
    overachieved: bool = False
    equal_mismatch: bool = False
    notes: list[tuple[str, str, dict]] = field(default_factory=list)  # (code, column, params)
    unreadable: list[str] = field(default_factory=list)  # "target"/"actual": an error value or uncached formula

    @property
    def incomplete(self) -> bool:
        """The score is pending because a value it needs is blank or unreadable (not for want of a judgement)."""
        return bool(self.unreadable) or any(code in ("E301", "E302") for code, _, _ in self.notes)


def normalize_direction(text: str) -> tuple[Direction | None, bool]:
    """The direction a user typed -> (canonical or None, recognised?)."""
    t = V.normalize_text(text or "")
    if not t:
        return None, True
    if t in layout.DIRECTIONS:
        return Direction(t), True
    if t in layout.DIRECTION_SYNONYMS:
        return Direction(layout.DIRECTION_SYNONYMS[t]), True
    if t in (Direction.NOT_APPLICABLE, "不适用指标"):
        return Direction.NOT_APPLICABLE, True
    return None, False


def infer_direction(target: V.Parsed, actual: V.Parsed, level2: str, level3: str = "") -> Direction:
    if target.not_applicable or actual.not_applicable:
        return Direction.NOT_APPLICABLE
    if target.op in (">=", ">"):
        return Direction.MORE
    if target.op in ("<=", "<"):
        return Direction.LESS if target.kind in (V.NUMBER, V.PERCENT) else Direction.DEADLINE
    if target.op == "=":
        return Direction.EQUAL
    if target.kind in (V.YEAR, V.DATE):
        return Direction.DEADLINE
    if target.kind in (V.NUMBER, V.PERCENT):
        if "成本" in level2 or _is_event_rate(level3):
            return Direction.LESS
        if "时效" in level2 and target.kind == V.NUMBER and _excel_serial(target) is not None:
            return Direction.DEADLINE
        if "时效" in level2 and target.kind == V.NUMBER and target.unit in DURATION_UNITS:
            return Direction.LESS  # 案件办结后3个工作日: a time limit, the fewer days the better
        return Direction.MORE
    if "时效" in level2:
        return Direction.DEADLINE
    return Direction.QUALITATIVE


def _is_event_rate(name: str) -> bool:
    """上访率, 投诉率, 事故发生率…: the rate of an event one wants to avoid is a reverse indicator
    (投诉处理率 and 投诉办结率 are not: the event word must stand right before 率)."""
    if "率" not in name:
        return False
    from xlperf.core.judge import event_rate

    return event_rate(name)


def _excel_serial(p: V.Parsed) -> _dt.date | None:
    """A plain number in the range of Excel date serials (1954–2119), read as a date."""
    if p.kind == V.NUMBER and not p.unit and p.number is not None and p.number.is_integer() and 20000 <= p.number <= 80000:
        return _dt.date(1899, 12, 30) + _dt.timedelta(days=int(p.number))
    return None


def _unit_key(unit: str) -> str:
    return SAME_UNITS.get(unit, unit)


def _comparable(target: V.Parsed, actual: V.Parsed) -> tuple[float, float, bool, str | None]:
    """Put target A and actual B on one scale. Returns (A, B, actual_is_completion, mismatch).

    ``actual_is_completion``: the actual is a completion percentage of a count target
    (``242202人`` against ``100%``). ``mismatch`` names the unit conflict for R14, if any.
    """
    a, b = float(target.number), float(actual.number)  # type: ignore[arg-type]
    tk, ak = target.kind, actual.kind
    if tk == V.PERCENT and ak == V.PERCENT:
        return a, b, False, None
    if tk == V.PERCENT and ak == V.NUMBER:
        if not actual.unit:
            # A percent-formatted cell stores 0.95 for 95%.
            if abs(b) <= 1.5 and a > 1.5:
                b *= 100
            return a, b, False, None
        return a, b, False, "unit"
    if tk == V.NUMBER and ak == V.PERCENT:
        if not target.unit:
            if a <= 1.5 and b > 1.5:  # 0.95 typed as a target meaning 95%
                return a * 100, b, False, None
            if a <= 100:
                return a, b, False, None  # 100 and 100% both mean percent
        # a count or an amount against a percentage: the actual states completion
        return a, b, True, "unit"
    # both plain quantities
    tu, au = target.unit, actual.unit
    if tu and au and _unit_key(tu) != _unit_key(au):
        converted = V.convert_amount(b, au, tu)
        if converted is not None:
            return a, converted, False, "money"
        return a, b, False, "unit"
    return a, b, False, None


def score_indicator(
    weight: float,
    target_raw: object,
    actual_raw: object,
    direction_raw: str = "",
    level2: str = "",
    config: ScoringConfig | None = None,
    level3: str = "",
) -> RowScore:
    """Score one indicator row from its cell values (R3–R7, R9, R13). Never raises.

    For callers holding raw cells (the worksheet functions); :func:`evaluate` parses each cell
    once and calls :func:`score_parsed`.
    """
    return score_parsed(weight, V.parse_value(target_raw), V.parse_value(actual_raw), direction_raw, level2, config, level3)


def score_parsed(
    weight: float,
    target: V.Parsed,
    actual: V.Parsed,
    direction_raw: str = "",
    level2: str = "",
    config: ScoringConfig | None = None,
    level3: str = "",
) -> RowScore:
    """Score one indicator row from its parsed target and actual (R3–R7, R9, R13). Never raises."""
    cfg = config or ScoringConfig()
    w = max(float(weight or 0.0), 0.0)
    explicit, recognised = normalize_direction(direction_raw)
    direction = explicit or infer_direction(target, actual, level2, level3)
    rs = RowScore(direction=direction)
    if not recognised:
        rs.notes.append(("W310", "direction", {"value": direction_raw, "used": direction}))
    if direction == Direction.NOT_APPLICABLE:
        rs.score, rs.completion = None, None
        return rs
    # A score that depends on a missing or unreadable value is pending (None), never 0.
    if target.kind == V.ERROR or actual.kind == V.ERROR:
        rs.score, rs.met = None, False
        rs.unreadable = [c for c, p in (("target", target), ("actual", actual)) if p.kind == V.ERROR]
        return rs  # the reader reports the unreadable cell (evaluate withholds the total on it)
    if actual.is_empty or target.is_empty:
        rs.score, rs.met = None, False
        rs.notes.extend((code, column, {}) for code, column, p in (("E301", "actual", actual), ("E302", "target", target)) if p.is_empty)
        return rs

    if direction == Direction.DEADLINE:
        _score_time(rs, w, target, actual)
    elif direction == Direction.QUALITATIVE:
        _score_qualitative(rs, w, target, actual, cfg)
    else:
        _score_quantitative(rs, w, target, actual, direction, cfg)

    if rs.score is not None:
        raw = min(max(rs.score, 0.0), w)  # R9, R8
        # met is judged before rounding: a weight of 0.001 scored in full shows 0.00 but is met
        rs.met = rs.met and raw >= w - EPS
        rs.score = V.score_within(raw, w, short=rs.tier in (Tier.PARTLY, Tier.NOT_MET))
    if rs.completion is not None:
        rs.completion = V.round_half_up(rs.completion, 4)
    return rs


def _score_quantitative(rs: RowScore, w: float, target: V.Parsed, actual: V.Parsed, direction: Direction, cfg: ScoringConfig) -> None:
    if V.is_difference(actual):  # "超出预算5万元" is not 5万元 spent: the ceiling plus 5, or the words
        actual = V.Parsed(raw=actual.raw, kind=V.TEXT, text=V.normalize_text(actual.raw))
    if not target.is_quantity or not actual.is_quantity:
        months = V.month_as_quantity(actual) if target.is_quantity else None
        if months is not None:  # "2月" against "≤3月": two months
            _score_quantitative(rs, w, target, months, direction, cfg)
            return
        if actual.kind in (V.YEAR, V.DATE) and target.is_quantity:
            rs.notes.append(("W306", "actual", {}))
        amount = V.quantity_in_text(actual, target)
        if amount is not None:  # "支出32.5万元，超出预算" against "≤30万元": the amount decides
            _score_quantitative(rs, w, target, amount, direction, cfg)
            return
        # A number against words (or words against a number): judge the words.
        j = V.judgement_of(actual, target) if actual.kind == V.TEXT else None
        if j is not None and j.tier is None and j.ratio is not None and target.is_quantity:
            # "已完成，覆盖率98%" against "≥95%": the rate in the text is the actual
            rate = V.Parsed(raw=actual.raw, kind=V.PERCENT, number=V.round_half_up(j.ratio * 100, 10), unit="%")
            _score_quantitative(rs, w, target, rate, direction, cfg)
            return
        if j is not None and j.over is not None and direction == Direction.LESS:
            _score_over(rs, w, j.over, cfg)
            return
        tier = j.tier if j is not None else None
        _apply_tier(rs, w, tier, stated=tier is not None)
        return
    a, b, is_completion, mismatch = _comparable(target, actual)
    if mismatch:
        effect = "，已按实际完成值所示的完成比例计分" if is_completion else ("，已换算为同一单位比较" if mismatch == "money" else "，请核对")
        rs.notes.append(("W601", "actual", {"target_unit": target.unit or "无单位", "actual_unit": actual.unit or "无单位", "effect": effect}))
    if is_completion:
        ratio = b / 100.0
        if direction == Direction.LESS:
            _score_reverse(rs, w, 1.0, ratio, cfg)
        else:
            rs.completion = ratio
            rs.score = w * min(1.0, max(ratio, 0.0))
        rs.overachieved = direction != Direction.LESS and ratio >= cfg.overachievement_threshold - EPS
        return
    if direction == Direction.LESS:
        if abs(a) < EPS:
            rs.notes.append(("W304", "target", {"effect": "实际为 0 得满分，否则得 0 分"}))
            rs.score = w if b <= EPS else 0.0
            rs.completion = None
            return
        _score_reverse(rs, w, a, b, cfg)
        return
    # positive and equal
    if abs(a) < EPS:
        rs.notes.append(("W304", "target", {"effect": "无法计算完成率，实际值不小于 0 即得满分"}))
        rs.score = w if b >= -EPS else 0.0
        rs.completion = None
        if direction == Direction.EQUAL and abs(b) > EPS:
            rs.equal_mismatch = True
        return
    ratio = b / a
    if a < 0:  # a negative target (a decrease): met when the actual is at or below it
        rs.completion = ratio
        rs.score = w if b <= a + EPS else 0.0
        return
    rs.completion = ratio
    rs.score = w * min(1.0, max(ratio, 0.0))
    if direction == Direction.EQUAL:
        rs.equal_mismatch = abs(b - a) > EPS * max(1.0, abs(a))
        if b > a:
            rs.score = w  # scored like positive; the mismatch still needs a reason
    elif ratio >= cfg.overachievement_threshold - EPS:
        rs.overachieved = True


def _reverse_ratio(a: float, b: float, cfg: ScoringConfig) -> float:
    """R4 for B > A: the share of the 分值 earned, A÷B (default) or 1−(B−A)÷A floored at 0."""
    if cfg.reverse_formula == "linear":
        return max(0.0, 1 - (b - a) / a)
    return a / b if b > 0 else 0.0


def _score_reverse(rs: RowScore, w: float, a: float, b: float, cfg: ScoringConfig) -> None:
    """R4 for a ceiling ``a`` > 0. The 完成率 states attainment of the ceiling, never the share of
    it used: within it (B ≤ A) is 100 %, beyond it the ratio the score is taken with, so that
    score = W × 完成率 on every reverse row (39.75 spent of ≤40 is met, not 99.38 % done)."""
    if b <= a + EPS:
        rs.completion, rs.score = 1.0, w
        return
    if a < 0:  # a negative ceiling (a decrease of at least |A|) not reached: no ratio to take
        rs.completion, rs.score = None, 0.0
        return
    rs.completion = _reverse_ratio(a, b, cfg)
    rs.score = w * rs.completion


def _score_time(rs: RowScore, w: float, target: V.Parsed, actual: V.Parsed) -> None:
    """R7: years and dates are deadlines; never a ratio of two years."""
    deadline = target.date if target.kind in (V.YEAR, V.DATE) else _excel_serial(target)
    if target.kind not in (V.YEAR, V.DATE) and deadline is not None:
        rs.notes.append(("I012", "target", {"field": layout.H_TARGET, "value": target.raw, "date": deadline.isoformat()}))
    if deadline is None:
        if target.is_quantity and actual.is_quantity:
            # "≤30天" style: a reverse quantity
            rs.direction = Direction.LESS
            _score_quantitative(rs, w, target, actual, Direction.LESS, ScoringConfig())
            return
        _score_qualitative(rs, w, target, actual)
        return
    done = actual.date if actual.kind in (V.YEAR, V.DATE) else _excel_serial(actual)
    if actual.kind not in (V.YEAR, V.DATE) and done is not None:
        rs.notes.append(("I012", "actual", {"field": layout.H_ACTUAL, "value": actual.raw, "date": done.isoformat()}))
    if done is not None:
        deadline, done = V.align_years(target, deadline, actual, done)  # 9月前 / 7月: one calendar
        # a year as the actual means "within that year"
        if done <= deadline:
            rs.completion, rs.score = 1.0, w
        else:
            rs.completion, rs.score, rs.met = None, 0.0, False
            rs.tier, rs.tier_stated = Tier.NOT_MET, True
            rs.notes.append(("W305", "actual", {"actual": actual.raw, "target": target.raw}))
        return
    if actual.kind == V.PERCENT:
        ratio = (actual.number or 0.0) / 100
        rs.completion = ratio
        rs.score = w * min(1.0, max(ratio, 0.0))
        return
    inner = V.date_in_text(actual)
    if inner is not None and V.judgement_of(actual, target).tier not in (Tier.PARTLY, Tier.NOT_MET):
        _score_time(rs, w, target, inner)  # "已于10月完成": the date decides, unless the words say it fell short
        return
    _score_words(rs, w, target, actual)


def _score_over(rs: RowScore, w: float, over: float, cfg: ScoringConfig | None) -> None:
    """R4 on an overrun stated in words ("超出预算8%": the actual is 108 % of the ceiling)."""
    _score_reverse(rs, w, 1.0, over, cfg or ScoringConfig())


def _score_qualitative(rs: RowScore, w: float, target: V.Parsed, actual: V.Parsed, cfg: ScoringConfig | None = None) -> None:
    """R6: three tiers; an actual stating achievement gets W."""
    from xlperf.core.judge import is_event_target

    if (
        actual.kind == V.NUMBER
        and actual.number is not None
        and not actual.unit
        and 0 <= actual.number <= 1
        and target.kind == V.TEXT
        and not is_event_target(target.text)
    ):
        # a percent-formatted cell read without its format (0.98 for 98%); 0 answers 无投诉 itself
        _score_qualitative(rs, w, target, V.Parsed(raw=actual.raw, kind=V.PERCENT, number=actual.number * 100, unit="%"))
        return
    _score_words(rs, w, target, actual, cfg)


def _score_words(rs: RowScore, w: float, target: V.Parsed, actual: V.Parsed, cfg: ScoringConfig | None = None) -> None:
    """The tier the actual states, or a rate it gives (a percentage, 完成率85%) scored in proportion."""
    j = V.judgement_of(actual, target)
    if j.over is not None:
        _score_over(rs, w, j.over, cfg)
        return
    if j.tier is None and j.ratio is not None:
        ratio = max(j.ratio, 0.0)
        rs.completion = ratio
        rs.score = w * min(ratio, 1.0)
        rs.tier = Tier.MET if ratio >= 0.8 else (Tier.PARTLY if ratio >= 0.6 else Tier.NOT_MET)
        return
    _apply_tier(rs, w, j.tier, stated=j.tier is not None and actual.kind == V.TEXT)


def _apply_tier(rs: RowScore, w: float, tier: Tier | None, *, stated: bool) -> None:
    rs.tier, rs.tier_stated = tier, stated
    if tier == Tier.MET:
        rs.completion, rs.score = 1.0, w
    elif tier == Tier.PARTLY:
        rs.score, rs.met = 0.6 * w, False
        rs.notes.append(("I307", "manual", {"tier": tier, "score": 0.6 * w, "range": f"{V.format_number(0.6 * w)}–{V.format_number(0.8 * w)} 分"}))
    elif tier == Tier.NOT_MET:
        rs.score, rs.met = 0.0, False
        rs.notes.append(("I307", "manual", {"tier": tier, "score": 0.0, "range": f"0–{V.format_number(0.6 * w)} 分"}))
    else:
        rs.score, rs.met = None, False
        rs.notes.append(
            (
                "E303",
                "actual",
                {
                    "high": f"{V.format_number(0.8 * w)}–{V.format_number(w)}",
                    "mid": f"{V.format_number(0.6 * w)}–{V.format_number(0.8 * w)}",
                    "low": f"0–{V.format_number(0.6 * w)}",
                },
            )
        )


TIER_RANGES = {Tier.MET: (0.8, 1.0), Tier.PARTLY: (0.6, 0.8), Tier.NOT_MET: (0.0, 0.6)}


# --- the whole workbook -----------------------------------------------------------------------


def _is_budget_row(ind: Indicator) -> bool:
    return "预算执行" in ind.level1 or ("预算执行率" in ind.level3 and "、" not in ind.level3) or (ind.level2 == "预算执行" and "执行率" in ind.level3)  # 预算执行率、控制率、完成率 is a 财政监督管理 row


def _canonical_level(name: str) -> str:
    n = name.strip()
    return n[:-2] if n.endswith("指标") and len(n) > 2 else n


def _level1_of_level2(level2: str) -> str | None:
    return _level1_of_level2_memo(level2) if len(level2) <= 64 else _find_level1_of_level2(level2)


def _find_level1_of_level2(level2: str) -> str | None:
    key = _canonical_level(level2)
    for l1, l2s in layout.LEVEL2_BY_LEVEL1.items():
        if any(_canonical_level(x) == key for x in l2s):
            return l1
    return None


def _known_level1(level1: str) -> str | None:
    return _known_level1_memo(level1) if len(level1) <= 64 else _find_known_level1(level1)


def _find_known_level1(level1: str) -> str | None:
    key = _canonical_level(level1)
    for name in (*layout.LEVEL1_DEPARTMENT, "预算执行指标"):
        if _canonical_level(name) == key:
            return name
    return None


# The same few level names come back on every row and workbook; each lookup scans the layout tables.
_level1_of_level2_memo = functools.lru_cache(maxsize=1024)(_find_level1_of_level2)
_known_level1_memo = functools.lru_cache(maxsize=1024)(_find_known_level1)


# The findings that say a value the score needs is blank (fill it in) or cannot be read (correct it).
MISSING_CODES = frozenset({"E009", "E106", "E213", "E301", "E302"})
UNREADABLE_CODES = frozenset({"E002", "W003", "E104", "E207", "E033", "E035", "E039"})


_RULE_WITHHOLDS = frozenset(code for code, rule in RULES.items() if rule.withholds)


class _Collector:
    def __init__(self, inp: SelfEvaluation):
        self.inp = inp
        self.findings: list[Finding] = list(inp.read_findings)
        self.withheld: list[Finding] = []  # findings that withhold the total where they stand (see needed)
        self.weights_unknown = False  # a 分值 is blank or unreadable

    def add(self, code: str, sheet: str, row: int | None, col: int | None, *, withhold: bool = False, **params: object) -> Finding:
        f = make(code, Loc(sheet=sheet, row=row, col=col), **params)
        self.findings.append(f)
        if withhold:
            self.withheld.append(f)
        return f

    def read_problem(self, sheet: str, row: int | None, col: int | None) -> Finding | None:
        """What the reader said about that cell (an error value, an uncached formula, an unreadable number)."""
        if row is None:
            return None
        cell = Loc(sheet=sheet, row=row, col=col).cell
        for f in self.inp.read_findings:
            if f.sheet == sheet and f.cell == cell and f.code in UNREADABLE_CODES:
                return f
        return None

    def needed(self, present: bool, sheet: str, row: int | None, col: int | None, missing: tuple[str, dict] | None = None) -> bool:
        """The one rule: a score that depends on a missing or unreadable value is pending.

        ``present``: the value was read. When it was not, the total is withheld on the finding
        that names the cell: the reader's (unreadable) or ``missing`` (code, params) added here.
        Returns ``present``.
        """
        if present:
            return True
        problem = self.read_problem(sheet, row, col)
        if problem is None and row is not None:
            # a reader's finding for the whole row already withholds it (E035 names the row's first blank)
            problem = next((f for f in self.inp.read_findings if f.sheet == sheet and f.row == row and f.code in UNREADABLE_CODES and f.code in _RULE_WITHHOLDS), None)
        if problem is not None:
            if problem not in self.withheld:
                self.withheld.append(problem)
        elif missing is not None:
            code, params = missing
            self.add(code, sheet, row, col, withhold=True, **params)
        return False


def evaluate(inp: SelfEvaluation, config: ScoringConfig | None = None) -> Evaluation:
    """Score and check a whole workbook (R1–R14)."""
    out = _Collector(inp)
    config = _settings(inp, config, out)
    sheet = inp.indicator_sheet

    def col(name: str) -> int | None:
        return inp.indicator_columns.get(name)

    budget_rows = [i for i in inp.indicators if _is_budget_row(i)]
    results = [_evaluate_indicator(ind, config, out, sheet, col) for ind in inp.indicators]
    na_weight = V.exact_sum(r.indicator.weight for r in results if r.direction == Direction.NOT_APPLICABLE)
    budget = _evaluate_budget(inp.budget, inp.info.amount_unit or "万元", bool(budget_rows), out, budget_rows)
    _check_costs(inp, results, budget, out)

    indicator_weight = V.exact_sum(r.indicator.weight for r in results)
    total_weight = V.round_half_up(budget.weight + indicator_weight, 4)
    level1 = _level1_summary(results, budget)
    if not out.weights_unknown:  # a blank or unreadable 分值 is its own finding: the sum is not known yet
        _check_weights(inp, out, col, total_weight, budget.weight, indicator_weight, level1)
    _check_subtotals(inp, results, out)

    # R8 total = sum of rounded row scores; R13 rescale when indicators were dropped
    total = V.exact_sum([budget.score or 0.0, *(r.score for r in results if r.direction != Direction.NOT_APPLICABLE)])
    if na_weight > EPS and total_weight - na_weight > EPS:
        total = total * total_weight / (total_weight - na_weight)
    total = V.round_half_up(min(total, 100.0 if abs(total_weight - 100) <= WEIGHT_TOLERANCE else total), 2)
    _check_declared_total(inp, out, col, results, total, total_weight, indicator_weight)
    _row_hints(out, sheet, results)
    return _evaluation(inp, budget, results, level1, total_weight, total, sorted(out.findings, key=_finding_order), out.withheld, config)


def _settings(inp: SelfEvaluation, config: ScoringConfig | None, out: "_Collector") -> ScoringConfig:
    """The unit's settings from 项目信息 (R3 threshold, R4 formula); unreadable ones are named."""
    if config is None:
        config, bad = config_from_info(inp.info.overachievement_threshold, inp.info.reverse_formula)
        for label, value, default in bad:
            attr = layout.INFO_LABEL_TO_ATTR[label]
            out.add("W011", layout.SHEET_INFO, inp.info.rows.get(attr), 2, field=label, value=value, default=default)
    if inp.info.evaluation_type and inp.info.evaluation_type not in layout.EVALUATION_TYPES:
        out.add("W704", layout.SHEET_INFO, inp.info.rows.get("evaluation_type"), 2, value=inp.info.evaluation_type)
    if not (inp.info.name or "").strip():  # the report would carry a placeholder for its title
        ours = inp.indicator_sheet == layout.SHEET_INDICATORS
        out.add("W706", layout.SHEET_INFO if ours else inp.indicator_sheet, inp.info.rows.get("name"), 2 if ours else None)
    return config


def _check_weights(inp: SelfEvaluation, out: "_Collector", col, total_weight: float, budget_weight: float,
                   indicator_weight: float, level1: list[Level1Summary]) -> None:
    """R1: all weights add up to 100; a 一级 split other than 10/50/30/10 is worth a warning."""
    sheet = inp.indicator_sheet
    if inp.indicators and abs(total_weight - 100.0) > WEIGHT_TOLERANCE:
        out.add("E101", sheet, inp.indicator_header_row, col(layout.H_WEIGHT), total=total_weight, budget=budget_weight,
                indicators=V.round_half_up(indicator_weight, 4))
    if inp.info.evaluation_type != EvaluationType.DEPARTMENT and inp.indicators and abs(total_weight - 100) <= WEIGHT_TOLERANCE:
        split = {s.name: s.weight for s in level1}
        defaults = layout.DEFAULT_LEVEL1_WEIGHTS
        normalised = {("预算执行" if "预算执行" in k else (_known_level1(k) or k)): v for k, v in split.items()}
        if any(abs(normalised.get(k, 0.0) - v) > WEIGHT_TOLERANCE for k, v in defaults.items()) or set(normalised) - set(defaults):
            actual = "、".join(f"{k}{V.format_number(v)}" for k, v in split.items())
            out.add("W103", sheet, inp.indicator_header_row, col(layout.H_LEVEL1), actual=actual)


def _check_declared_total(inp: SelfEvaluation, out: "_Collector", col, results: list[IndicatorResult], total: float,
                          total_weight: float, indicator_weight: float) -> None:
    """A 合计/总分 row the table declares must agree with the rows (a pending row leaves it open)."""
    sheet = inp.indicator_sheet
    pending = any(r.pending for r in results) or bool(out.withheld)
    if not pending and inp.declared_total_score is not None and abs(inp.declared_total_score - total) > 0.005:
        own = _own_sum(inp)
        if own is not None and abs(own - total) > 0.005:
            detail = f"单位各行得分相加为 {V.format_number(own, 2)}，按规则计算为 {V.format_number(total, 2)}"
        else:
            detail = f"按各行得分计算为 {V.format_number(total, 2)}"
        out.add("E105", sheet, inp.declared_total_row, col(layout.H_SCORE), declared=inp.declared_total_score, detail=detail)
    elif pending and inp.declared_total_score is not None:
        # the computed total is not known yet, but the unit's own row scores are: they must add up
        own = _own_sum(inp)
        if own is not None and abs(own - inp.declared_total_score) > 0.005:
            detail = f"单位各行得分相加为 {V.format_number(own, 2)}（按规则计算的总分待定）"
            out.add("E105", sheet, inp.declared_total_row, col(layout.H_SCORE), declared=inp.declared_total_score, detail=detail)
    declared_w = inp.declared_total_weight
    if out.weights_unknown:
        declared_w = None  # a row's 分值 is not known (its own finding): the sum cannot be compared
    if declared_w is not None and all(abs(declared_w - x) > WEIGHT_TOLERANCE for x in (total_weight, indicator_weight)):
        # a 合计 row may cover the indicator rows only, or the budget too
        out.add("W107", sheet, inp.declared_total_row, col(layout.H_WEIGHT), declared=declared_w, computed=total_weight)


def _own_sum(inp: SelfEvaluation) -> float | None:
    """The sum of the scores the unit itself printed (budget and every indicator), or None when a
    row has none."""
    scores = [i.manual_score for i in inp.indicators]
    if not scores or any(s is None for s in scores):
        return None
    total = inp.budget.total if inp.budget.present else None
    if total is not None and (total.weight or 0) > 0:
        if total.stated_score is None:
            return None
        scores.append(total.stated_score)
    return V.round_half_up(V.exact_sum(scores), 2)


def _row_hints(out: "_Collector", sheet: str, results: list[IndicatorResult]) -> None:
    """Per-row hints for the 校验提示 column."""
    by_row: dict[int, list[str]] = {}
    for f in out.findings:
        if f.sheet == sheet and f.cell:
            by_row.setdefault(f.row or 0, []).append(f"{f.code} {_short(f)}")
    for r in results:
        r.hints = by_row.get(r.indicator.row, [])


def _evaluation(inp: SelfEvaluation, budget: BudgetResult, results: list[IndicatorResult], level1: list[Level1Summary],
                total_weight: float, total: float, findings: list[Finding], needed: list[Finding], config: ScoringConfig) -> Evaluation:
    """The result; the total and grade are withheld (待定) while any finding says they cannot be final:
    one whose rule always withholds, or one naming a value the score needs (``needed``)."""
    marked = set(needed)
    withheld = [f for f in findings if RULES[f.code].withholds or f in marked]
    judge = sum(1 for f in withheld if f.code == "E303")
    blank = sum(1 for f in withheld if f.code in MISSING_CODES and f.code != "E009")
    unreadable = sum(1 for f in withheld if f.code in UNREADABLE_CODES and not RULES[f.code].withholds)
    note = [f"{judge}项需人工评分"] if judge else []
    if any(f.code == "E009" for f in withheld):
        note.append("三级指标待填写")
    if blank:
        note.append(f"{blank}处待填写")
    if unreadable:
        note.append(f"{unreadable}处无法读取")
    for f in withheld:
        counted = f.code in ("E303", "E009") or f.code in MISSING_CODES or (f.code in UNREADABLE_CODES and not RULES[f.code].withholds)
        if not counted and RULES[f.code].title not in note:
            note.append(RULES[f.code].title)
    return Evaluation(
        config=config,
        style=Style.of(inp.info.style),
        evaluation_type=EvaluationType.of(inp.info.evaluation_type),
        input=inp,
        budget=budget,
        indicators=results,
        level1=level1,
        total_weight=total_weight,
        total_score=None if withheld else total,
        grade="" if withheld else grade_of(total),
        findings=findings,
        draft_score=total,
        withheld=withheld,
        draft_note="；".join(note),
    )


def _short(f: Finding) -> str:
    from xlperf.core.findings import RULES

    return RULES[f.code].title


def _finding_order(f: Finding) -> tuple:
    from xlperf.core.models import SEVERITY_ORDER

    sheet_order = {layout.SHEET_INFO: 0, layout.SHEET_BUDGET: 1, layout.SHEET_INDICATORS: 2}
    row = f.row or 0
    return (SEVERITY_ORDER[f.severity], sheet_order.get(f.sheet, 3), row, f.code)


def _evaluate_indicator(ind: Indicator, cfg: ScoringConfig, out: _Collector, sheet: str, col) -> IndicatorResult:
    name = ind.level3 or ind.level2 or f"第{ind.row}行"
    w, weight_ok = _weight_of(ind, name, out, sheet, col)
    target, actual = V.parse_value(ind.target), V.parse_value(ind.actual)  # the only parse of the row's cells
    rs = score_parsed(w, target, actual, ind.direction, ind.level2, cfg, ind.level3)
    column_of = {"actual": layout.H_ACTUAL, "target": layout.H_TARGET, "direction": layout.H_DIRECTION, "manual": layout.H_MANUAL}
    manual = ind.manual_score is not None
    # a blank or unreadable target/actual leaves the row pending unless the officer scored it by hand
    for column in rs.unreadable:
        if not manual:
            out.needed(False, sheet, ind.row, col(column_of[column]), ("E002", {"field": column_of[column], "value": (actual if column == "actual" else target).raw}))
    for code, column, params in rs.notes:
        if code in ("I307", "E303") and manual:
            continue  # the officer already chose a score
        if code in ("E301", "E302"):
            effect = "，已按人工得分计分，请补填" if manual else "，该指标得分待定：请填写"
            out.add(code, sheet, ind.row, col(column_of[column]), withhold=not manual, name=name, effect=effect)
            continue
        out.add(code, sheet, ind.row, col(column_of[column]), **{"name": name, "actual": actual.raw, "target": target.raw, **params})

    res = IndicatorResult(
        indicator=ind,
        direction=rs.direction,
        completion=rs.completion,
        computed_score=rs.score,
        score=rs.score,  # None: 待定 until a manual score decides it (or the missing value is filled in)
        tier=rs.tier,
        met=rs.met,
        target_display=target.raw,
        actual_display=actual.raw,
        target=target,
        actual=actual,
        unit=V.row_unit(ind.level3, target, actual),
    )
    if rs.direction == Direction.NOT_APPLICABLE:
        res.score = 0.0
        res.met = True
        out.add("I309", sheet, ind.row, col(layout.H_DIRECTION) or col(layout.H_ACTUAL), name=name)
        return res
    if not manual:
        gaps = [f"{column_of[c]}无法读取" for c in rs.unreadable]
        gaps += [f"{column_of[column]}未填写" for code, column, _ in rs.notes if code in ("E301", "E302")]
        res.incomplete = "、".join(gaps)
    if not weight_ok:
        res.score = None  # the row's points are unknown: its score is too (one finding, on the 分值 cell)
        res.incomplete = "、".join(x for x in ("分值未填写或无法读取", res.incomplete) if x)
        return res
    if ind.manual_raw not in (None, "") and ind.manual_score is None:
        out.add("E406", sheet, ind.row, col(layout.H_MANUAL) or col(layout.H_SCORE), value=ind.manual_raw)
    reason_flagged = False
    if manual:
        reason_flagged = _apply_manual(ind, rs, res, w, out, sheet, col, name=name, actual=actual.raw, target=target.raw)
    if not ind.reason.strip():
        _check_reasons(ind, rs, res, w, cfg, out, sheet, col, name=name, reason_flagged=reason_flagged, actual=actual.raw, target=target.raw)
    return res


def _weight_of(ind: Indicator, name: str, out: _Collector, sheet: str, col) -> tuple[float, bool]:
    """R1: the row's 分值 and whether it could be read; a missing or unusable one withholds the total."""
    weight, c = ind.weight, col(layout.H_WEIGHT)
    if weight is not None and weight >= 0:
        return weight, True
    out.weights_unknown = True
    if out.read_problem(sheet, ind.row, c) is not None:
        out.needed(False, sheet, ind.row, c)  # the reader named it (an error value, an uncached formula)
    elif weight is None and ind.weight_raw in (None, ""):
        out.needed(False, sheet, ind.row, c, ("E106", {"name": name}))
    else:
        problem = "不是数字" if weight is None else "不能为负数"
        out.needed(False, sheet, ind.row, c, ("E104", {"value": ind.weight_raw, "problem": problem}))
    return 0.0, False


def _apply_manual(ind: Indicator, rs: RowScore, res: IndicatorResult, w: float, out: _Collector, sheet: str, col, *, name: str, actual: str, target: str) -> bool:
    """R11: the manual score replaces the computed one; returns whether E404 asked for a reason."""
    m = ind.manual_score
    assert m is not None
    manual_col = col(layout.H_MANUAL) or col(layout.H_SCORE)
    if m < -EPS or m > w + EPS:
        out.add("E402" if col(layout.H_MANUAL) else "E401", sheet, ind.row, manual_col, score=m, weight=w)
    elif rs.tier_stated and rs.tier in TIER_RANGES:
        lo, hi = TIER_RANGES[rs.tier]
        top_ok = m <= hi * w + EPS
        bottom_ok = m >= lo * w - EPS
        # the upper bound of a lower tier is exclusive: 0.6W belongs to 部分达成
        if rs.tier != Tier.MET and m >= hi * w - EPS:
            top_ok = False
        if not (top_ok and bottom_ok):
            rng = f"{V.format_number(lo * w)}–{V.format_number(hi * w)}" + ("" if rs.tier == Tier.MET else "（不含上限）")
            out.add("E403", sheet, ind.row, manual_col, tier=rs.tier, range=rng, score=m)
    _check_low_manual(rs, m, w, out, sheet, ind.row, manual_col, name=name, actual=actual, target=target)
    clamped = min(max(m, 0.0), w)
    res.met = clamped >= w - EPS  # before rounding, as for computed scores
    res.score = V.score_within(clamped, w)
    if rs.score is not None and abs(m - rs.score) > 0.005 and not ind.reason.strip():
        out.add("E404", sheet, ind.row, col(layout.H_REASON) or manual_col, manual=m, computed=rs.score)
        return True
    return False


def _check_reasons(ind: Indicator, rs: RowScore, res: IndicatorResult, w: float, cfg: ScoringConfig, out: _Collector, sheet: str, col, *, name: str, reason_flagged: bool, actual: str, target: str) -> None:
    """R10: a row without a reason that needs one (below 分值, far above target, ≠ an = target)."""
    reason_col = col(layout.H_REASON)
    if not res.met and not reason_flagged and (rs.score is not None or ind.manual_score is not None):
        out.add("E501", sheet, ind.row, reason_col, name=name, score=res.score, weight=w)
    if rs.overachieved and rs.completion is not None:
        completion, threshold = V.format_rate(rs.completion), V.format_rate(cfg.overachievement_threshold)
        out.add("W502", sheet, ind.row, reason_col, name=name, completion=completion, threshold=threshold)
    if rs.equal_mismatch:
        out.add("E503", sheet, ind.row, reason_col, name=name, actual=actual, target=target)


def _check_low_manual(rs: RowScore, manual: float, w: float, out: _Collector, sheet: str, row: int, cell_col: int | None, **params: object) -> None:
    """W405: a manual score of 0, or under half the computed one, on a row done to ≥ 98 %."""
    computed = rs.score
    if computed is None or w <= EPS or computed < 0.98 * w - EPS:
        return
    if manual <= 0.5 * computed + EPS and manual < computed - 0.005:
        completion = V.format_rate(rs.completion) if rs.completion is not None else "100.00%"
        out.add("W405", sheet, row, cell_col, completion=completion, manual=manual, computed=computed, **params)


def _check_costs(inp: SelfEvaluation, results: list[IndicatorResult], budget: BudgetResult, out: _Collector) -> None:
    """W211: a 成本 actual (an amount) larger than all the money spent on the project."""
    if budget.executed is None or budget.executed <= EPS:
        return
    col = inp.indicator_columns.get(layout.H_ACTUAL)
    for r in results:
        ind = r.indicator
        if "成本" not in ind.level2:
            continue
        actual = r.actual
        if actual is None or actual.kind != V.NUMBER or actual.number is None or actual.unit not in MONEY_UNITS:
            continue
        amount = V.convert_amount(actual.number, actual.unit, budget.unit)
        if amount is not None and amount > budget.executed * (1 + 1e-6) + EPS:
            executed = f"{V.format_number(budget.executed, 6)}{budget.unit}"
            name = ind.level3 or ind.level2
            out.add("W211", inp.indicator_sheet, ind.row, col, name=name, actual=actual.raw, executed=executed)


def _evaluate_budget(budget: Budget, unit: str, scored_in_indicators: bool, out: _Collector, budget_rows: list[Indicator]) -> BudgetResult:
    """R2: each funding source's 结余 and rates, then the score of the 年度资金总额 row."""
    res = BudgetResult(present=budget.present, unit=unit, scored_in_indicators=scored_in_indicators)
    if not budget.present:
        return res
    res.lines = [_budget_line(budget, ln, out, budget.total) for ln in budget.lines]
    total = budget.total
    if total is None:
        return res
    c = budget.columns
    weight = total.weight
    if scored_in_indicators:
        if weight:
            out.add("I209", budget.sheet, total.row, c.get(layout.H_WEIGHT), name=budget_rows[0].level3 or "预算执行率")
        weight = 0.0
    elif weight is None:
        weight = layout.DEFAULT_BUDGET_WEIGHT
    res.weight = weight
    res.full_year, res.received, res.executed = total.full_year, total.received, total.executed
    line0 = next((x for x in res.lines if x["row"] == total.row), {})
    res.balance = line0.get("balance")
    res.arrival_rate = line0.get("arrival_rate")
    res.execution_rate = line0.get("execution_rate")
    if weight > 0 and not _budget_readable(budget, total, out):
        res.score = None  # 待定: an amount the score needs is blank or unreadable
    else:
        res.score = _budget_score(budget, total, res, weight, out)
        if total.stated_score is not None and weight > 0 and not budget_owned(budget):
            _check_stated_budget_score(budget, total, res, weight, out)
    _check_stated_rates(budget, out)
    _check_budget_parts(budget, out)
    return res


def _budget_readable(budget: Budget, total: BudgetLine, out: _Collector) -> bool:
    """The budget score needs the 年度资金总额 row's 全年预算数 and 全年执行数, and its 分值 when typed."""
    sheet, c = budget.sheet, budget.columns
    ok = out.read_problem(sheet, total.row, c.get(layout.H_WEIGHT)) is None or out.needed(False, sheet, total.row, c.get(layout.H_WEIGHT))
    out.weights_unknown = out.weights_unknown or not ok
    for header, value in ((layout.H_FULL_YEAR, total.full_year), (layout.H_EXECUTED, total.executed)):
        missing = ("E213", {"source": total.source, "field": header})
        ok = out.needed(value is not None, sheet, total.row, c.get(header), missing) and ok
    return ok


def _check_stated_budget_score(budget: Budget, total: BudgetLine, res: BudgetResult, weight: float, out: _Collector) -> None:
    """A unit's form prints its own budget 得分. R2 leaves no room for judgement (W × min(执行率,
    100%)), so a printed score that differs means the score or the amounts are wrong, and which
    one cannot be told: the total is withheld (E214) with both numbers named at the 得分 cell."""
    stated = total.stated_score
    assert stated is not None
    if abs(stated - res.score) > 0.005:
        rate = V.format_rate(res.execution_rate) if res.execution_rate is not None else "（无法计算）"
        out.add("E214", budget.sheet, total.row, budget.columns.get(layout.H_SCORE), stated=stated, computed=res.score, rate=rate, weight=weight)


def _budget_line(budget: Budget, ln: BudgetLine, out: _Collector, total: BudgetLine | None = None) -> dict:
    """One funding source's computed 结余, 到位率 and 执行率 (a negative 结余 is worth a warning,
    once: a source that repeats the 年度资金总额 row's money — the only source — is the same
    shortfall and the total row's warning already names it)."""
    c = budget.columns
    balance = None
    if ln.received is not None or ln.executed is not None:
        balance = V.round_half_up((ln.received or 0.0) - (ln.executed or 0.0), 6)
    repeats_total = total is not None and ln is not total and (ln.received, ln.executed) == (total.received, total.executed)
    if ln.received is not None and ln.executed is not None and balance is not None and balance < -EPS and not repeats_total:
        cell_col = c.get(layout.H_BALANCE) or c.get(layout.H_EXECUTED)
        out.add("W212", budget.sheet, ln.row, cell_col, source=ln.source, received=ln.received, executed=ln.executed, balance=balance)
    arrival = execution = None
    if ln.full_year and ln.full_year > EPS:
        if ln.received is not None:
            arrival = V.round_half_up(ln.received / ln.full_year, 4)
        if ln.executed is not None:
            execution = V.round_half_up(ln.executed / ln.full_year, 4)
    return {"row": ln.row, "source": ln.source, "balance": balance, "arrival_rate": arrival, "execution_rate": execution}


def _budget_score(budget: Budget, total: BudgetLine, res: BudgetResult, weight: float, out: _Collector) -> float:
    """W × min(执行率, 100%), with what the 年度资金总额 row says wrong (no budget, overspending, no reason)."""
    sheet, c = budget.sheet, budget.columns
    executed = total.executed or 0.0
    full = total.full_year or 0.0
    score = 0.0
    if total.full_year is None and total.executed is None:
        pass  # a budget worth 0 points (with points, _budget_readable withheld the total instead)
    elif full <= EPS and executed > EPS:
        out.add("E201", sheet, total.row, c.get(layout.H_FULL_YEAR), executed=executed)
    else:
        rate = res.execution_rate if res.execution_rate is not None else 0.0
        score = V.score_within(weight * min(rate, 1.0), weight)
        if executed > full + EPS:
            out.add("W202", sheet, total.row, c.get(layout.H_EXECUTED), executed=executed, budget=full)
        if rate < 1.0 - EPS and not total.reason.strip() and weight > 0:
            if c.get(layout.H_REASON):
                out.add("E504", sheet, total.row, c[layout.H_REASON], rate=V.format_rate(rate))
            else:  # the national and province forms have no reason cell in their budget block
                out.add("W505", sheet, total.row, c.get(layout.H_EXECUTION_RATE), rate=V.format_rate(rate))
    if total.received is not None and total.full_year is not None and total.received > total.full_year + EPS:
        out.add("W205", sheet, total.row, c.get(layout.H_RECEIVED), received=total.received, budget=total.full_year)
    if total.initial is not None and total.full_year is not None and abs(total.initial - total.full_year) > EPS and total.full_year <= EPS:
        out.add("W210", sheet, total.row, c.get(layout.H_FULL_YEAR), full=total.full_year, initial=total.initial)
    return score


def _check_stated_rates(budget: Budget, out: _Collector) -> None:
    """Tables from elsewhere state their rates; R2's inverted ratio (预算 ÷ 执行) is a known mistake."""
    c = budget.columns
    for ln in budget.lines:
        stated = ln.stated_execution_rate
        if stated is None or not ln.full_year or not ln.executed:
            continue
        correct = ln.executed / ln.full_year
        inverted = ln.full_year / ln.executed
        if abs(stated - inverted) < 0.00005 + 1e-9 and abs(stated - correct) > 0.00005:
            out.add("E203", budget.sheet, ln.row, c.get(layout.H_EXECUTION_RATE), stated=V.format_rate(stated), inverted=V.format_rate(inverted), correct=V.format_rate(correct))
        elif not budget_owned(budget) and abs(stated - correct) > 0.00005:
            out.add("W204", budget.sheet, ln.row, c.get(layout.H_EXECUTION_RATE), stated=V.format_rate(stated), correct=V.format_rate(correct))


def budget_owned(budget: Budget) -> bool:
    """True when the sheet has our computed columns (the program writes 执行率 itself)."""
    return all(name in budget.columns for name in layout.BUDGET_COMPUTED)


def _check_budget_parts(budget: Budget, out: _Collector) -> None:
    groups = (
        ("年度资金总额", ("财政拨款", "上年结转资金", "其他资金")),
        ("财政拨款", ("其中：中央", "其中：省级", "其中：市级", "其中：县级")),
    )
    fields = ((layout.H_FULL_YEAR, "full_year"), (layout.H_RECEIVED, "received"), (layout.H_EXECUTED, "executed"))
    for parent_name, part_names in groups:
        parent = budget.line(parent_name)
        parts = [budget.line(n) for n in part_names]
        parts = [p for p in parts if p is not None and not p.is_blank]
        if parent is None or not parts:
            continue
        for header, attr in fields:
            total = getattr(parent, attr)
            values = [getattr(p, attr) for p in parts]
            if total is None or all(v is None for v in values):
                continue
            s = sum(v or 0.0 for v in values)
            if abs(s - total) > 0.005:
                out.add(
                    "W206",
                    budget.sheet,
                    parent.row,
                    budget.columns.get(header),
                    parent=f"{parent_name}{header}",
                    total=total,
                    parts=V.round_half_up(s, 6),
                    names="、".join(p.source for p in parts),
                )


def _check_subtotals(inp: SelfEvaluation, results: list[IndicatorResult], out: _Collector) -> None:
    sheet = inp.indicator_sheet
    for decl in inp.subtotals:
        if decl.level == 1:
            rows = [r for r in results if r.indicator.level1 == decl.name]
        else:
            rows = [r for r in results if r.indicator.level2 == decl.name and (not decl.parent or r.indicator.level1 == decl.parent)]
        if any(r.indicator.weight is None for r in rows):
            continue  # a row's 分值 is not known (its own finding): the subtotal cannot be checked
        actual = V.round_half_up(sum(r.indicator.weight or 0.0 for r in rows), 4)
        if abs(actual - decl.declared) > WEIGHT_TOLERANCE:
            label = f"{decl.name}（{V.format_number(decl.declared)}）"
            out.add("E102", sheet, decl.row, decl.col, label=label, declared=decl.declared, actual=actual)
    # 二级 under the wrong 一级, unknown 一级
    seen: set[tuple[str, str]] = set()
    for r in results:
        ind = r.indicator
        if _is_budget_row(ind):
            continue
        key = (ind.level1, ind.level2)
        if key in seen:
            continue
        seen.add(key)
        c1 = inp.indicator_columns.get(layout.H_LEVEL1)
        c2 = inp.indicator_columns.get(layout.H_LEVEL2)
        if not ind.level1:
            out.add("W703", sheet, ind.row, c1, name=ind.level3 or ind.level2, what=layout.H_LEVEL1)
            continue
        known = _known_level1(ind.level1)
        if known is None:
            out.add("W702", sheet, ind.row, c1, level1=ind.level1, known="、".join(layout.LEVEL1_PROJECT))
            continue
        if ind.level2:
            expected = _level1_of_level2(ind.level2)
            if expected is not None and _canonical_level(expected) != _canonical_level(known):
                # 财务管理 and 预算执行 belong to more than one 一级 of 部门整体
                if _canonical_level(ind.level2) not in [_canonical_level(x) for x in layout.LEVEL2_BY_LEVEL1.get(known, ())]:
                    if _canonical_level(expected) == "满意度" and _canonical_level(known) == "效益":
                        # the 湖南 form lists 服务对象满意度 under 效益指标: its layout, not a mistake
                        out.add("W705", sheet, ind.row, c2, level2=ind.level2, level1=ind.level1)
                        continue
                    out.add("E701", sheet, ind.row, c2, level2=ind.level2, level1=ind.level1, expected=expected)


def _level1_summary(results: list[IndicatorResult], budget: BudgetResult) -> list[Level1Summary]:
    summary: dict[str, Level1Summary] = {}
    if budget.present and not budget.scored_in_indicators and budget.weight:
        summary[layout.LEVEL1_BUDGET] = Level1Summary(name=layout.LEVEL1_BUDGET, weight=budget.weight, score=budget.score or 0.0,
                                                      pending=int(budget.pending))
    for r in results:
        ind = r.indicator
        name = ind.level1 or "（未填一级指标）"
        if _is_budget_row(ind):
            name = layout.LEVEL1_BUDGET
        s = summary.setdefault(name, Level1Summary(name=name, weight=0.0, score=0.0))
        s.weight = V.exact_sum([s.weight, ind.weight])
        if r.pending:
            s.pending += 1
        elif r.direction != Direction.NOT_APPLICABLE:
            s.score = V.exact_sum([s.score, r.score])
        if ind.level2 and ind.level2 not in s.level2:
            s.level2.append(ind.level2)
    return list(summary.values())
