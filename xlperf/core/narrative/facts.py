"""The facts a report states, read from what scoring carried: no display string is parsed here.

A row's values are its ``values.Parsed`` target and actual (``IndicatorResult.target/actual``),
its unit is ``IndicatorResult.unit`` (the name's, else the target's, else the actual's), the
over-achievement threshold is the one the evaluation was scored with (``Evaluation.config``) and
its type is ``Evaluation.evaluation_type``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlperf.core import values as V
from xlperf.core.basicdata import BasicData
from xlperf.core.enums import Direction, EvaluationType
from xlperf.core.models import Evaluation, IndicatorResult
from xlperf.core.scoring import _is_budget_row
from xlperf.core.narrative.words import grade_word, is_nil, missing

KIND_LABEL = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "投入": "投入管理指标", "过程": "过程指标", "其他": "其他指标"}
KIND_ORDER = ("投入", "过程", "产出", "效益", "满意度", "其他")
BUDGET = "预算执行"  # the kind of the 预算执行率 row

# a unit in brackets at the end of a name: 补助人数（人）
_NAME_UNIT = re.compile(r"[（(]\s*([^（）()\d]{1,6}?)\s*[）)]\s*$")


@dataclass(kw_only=True)
class ProjectLine:
    """One project of a department, for the per-project summary of 部门整体支出."""

    name: str
    budget: float | None = None  # 全年预算数, in ``unit``
    executed: float | None = None
    unit: str = "万元"
    score: float | None = None  # None: 待定
    grade: str = ""  # 优/良/中/差, "" when 待定
    errors: int = 0
    evaluation: Evaluation | None = None  # the project's own evaluation: its figures for 项目资金绩效情况


# --- one row ---------------------------------------------------------------------------------------


def kind_of(r: IndicatorResult) -> str:
    """预算执行 / 产出 / 效益 / 满意度 / 投入 / 过程 / 其他. 满意度 rows under 效益指标 (湖南) are 满意度."""
    ind = r.indicator
    if _is_budget_row(ind):
        return BUDGET
    if "满意度" in ind.level1 or "满意度" in ind.level2:
        return "满意度"
    for k in ("产出", "效益", "投入", "过程"):
        if k in ind.level1:
            return k
    return "其他"


def table_kind(r: IndicatorResult) -> str:
    """The kind of the 一级指标 a row sits under in the table the reader sees: a 满意度 row under
    效益指标 is 效益, a 预算执行率 row under 投入管理指标 is 投入. Only a budget row under its own
    一级指标 (预算执行指标, or none) is 预算执行. A row without a 一级指标 falls back to kind_of."""
    ind = r.indicator
    l1 = ind.level1
    if _is_budget_row(ind) and (not l1 or "预算执行" in l1):
        return BUDGET
    if not l1:
        return kind_of(r)
    for k in ("满意度", "产出", "效益", "投入", "过程"):
        if k in l1:
            return k
    return "其他"


def row_name(r: IndicatorResult) -> str:
    """The indicator as prose names it: 补助人数（人） -> 补助人数 (the unit goes with the value)."""
    name = (r.indicator.level3 or r.indicator.level2 or "").strip().rstrip("。；;，,")
    return _NAME_UNIT.sub("", name).strip() or name


def value_text(p: V.Parsed | None, unit: str, display: str = "") -> str:
    """A value as typed, a bare number given the row's unit: 3 -> 3个, 98 -> 98%, 2021 -> 2021年.

    ``p`` is the value scoring parsed; a result made without one shows ``display`` as it is."""
    raw = (p.raw if p is not None else display or "").strip()
    if p is None or not raw or not unit:
        return raw
    if p.kind == V.NUMBER and not p.unit:
        return raw + unit
    if p.kind == V.YEAR and unit == "年" and not raw.endswith("年"):
        return raw + "年"
    return raw


def target_of(r: IndicatorResult) -> str:
    return value_text(r.target, r.unit, r.target_display)


def actual_of(r: IndicatorResult) -> str:
    return value_text(r.actual, r.unit, r.actual_display)


def cap_of(r: IndicatorResult) -> str:
    """A reverse row's limit without its comparison: ≤5万元 -> 5万元, 控制在40万元以内 -> 40万元."""
    p = r.target
    if p is None or p.number is None or p.kind not in (V.NUMBER, V.PERCENT):
        return target_of(r)
    unit = "%" if p.kind == V.PERCENT else (p.unit or r.unit)
    return V.format_number(p.number, 6) + unit


def lost_of(r: IndicatorResult) -> float:
    """The points a row lost."""
    return (r.indicator.weight or 0.0) - (r.score or 0.0)


def counted(r: IndicatorResult) -> bool:
    """A row that counts in the total (不适用 rows are dropped, R13)."""
    return r.direction != Direction.NOT_APPLICABLE


def is_unmet(r: IndicatorResult) -> bool:
    """A decided indicator (the 预算执行 row aside) that fell short of its target."""
    return not r.met and counted(r) and not r.pending and kind_of(r) != BUDGET


# --- one evaluation --------------------------------------------------------------------------------


class Facts:
    """One evaluation's facts, shared by every prose module; ``open`` collects the open items of the
    section being written."""

    def __init__(self, ev: Evaluation, basic: BasicData | None = None, projects: list[ProjectLine] | None = None, style: str = ""):
        self.ev = ev
        self.style = style  # the outline being written (its grade form, its words for a 部门)
        self.info = ev.input.info
        self.unit = self.info.amount_unit or "万元"
        self.basic = basic
        self.projects = projects
        self.threshold = ev.config.overachievement_threshold
        self.open: list[str] = []
        self._kinds: dict[str, list[IndicatorResult]] | None = None  # rows by kind_of, made on first use

    def amount(self, value: float | None, unit: str | None = None) -> str:
        return f"{V.format_number(value, 2)}{unit or self.unit}" if value is not None else ""

    @property
    def year(self) -> str:
        return re.sub(r"(年度|年)$", "", (self.info.year or "").strip())

    @property
    def name(self) -> str:
        return self.info.name or "本项目"

    @property
    def is_department(self) -> bool:
        return self.ev.evaluation_type == EvaluationType.DEPARTMENT

    def field(self, attr: str) -> str:
        return (getattr(self.info, attr, "") or "").strip()

    def field_or_missing(self, attr: str) -> str:
        own = self.field(attr)
        return own if not is_nil(own) else missing(self.info.label_of(attr))

    def required(self, attr: str, draft: str = "", nil: str = "", doubt: str = "") -> str:
        """A section the outline needs: the workbook's text, else a draft from the findings (marked open).

        A field filled with a bare 无 is a fact, not a gap: with nothing to draft it is said as
        ``nil`` (经自评，未发现…) or as typed — never asked for again; ``doubt`` (why a 无 is unlikely
        to be the whole story) makes it an open item."""
        own = self.field(attr)
        if not is_nil(own):
            return own
        label = self.info.label_of(attr)
        if not draft:
            if own:
                if not nil and doubt:  # 无 beside lost or pending points: said as typed, left open
                    self.open.append(f"项目信息中“{label}”只写了“无”，而{doubt}：请核实后填写")
                return nil or own.rstrip("。.") + "。"
            return missing(label)
        said = "只写了“无”" if own else "未填写"
        self.open.append(f"项目信息中“{label}”{said}：本节是程序根据自评结果拟写的草稿，请核改后填入项目信息或“自评报告”表的定稿列")
        return draft

    def rows_of(self, kind: str) -> list[IndicatorResult]:
        """The rows of one kind as the table groups them (table_kind; every outline asks for each kind
        several times: grouped once). ``BUDGET`` is every 预算执行率 row, wherever it sits."""
        if self._kinds is None:
            self._kinds = {}
            for r in self.ev.indicators:
                self._kinds.setdefault(table_kind(r), []).append(r)
            self._kinds[BUDGET] = [r for r in self.ev.indicators if _is_budget_row(r.indicator)]
        return list(self._kinds.get(kind, ()))

    def own_budget_rows(self) -> list[IndicatorResult]:
        """The 预算执行率 rows under their own 一级指标 (not counted inside another one's paragraph)."""
        return [r for r in self.rows_of(BUDGET) if table_kind(r) == BUDGET]

    def grade(self, grade: str) -> str:
        """The grade in this style's form (优 for 湖南, 优秀 elsewhere)."""
        return grade_word(grade, self.style)

    def over_achieved(self, r: IndicatorResult) -> bool:
        """Completion at or past the threshold the evaluation was scored with (R3)."""
        return r.completion is not None and r.completion >= self.threshold - 1e-9

    # the 基础数据 sheet (部门整体支出)
    def basic_value(self, key: str, which: str = "actual") -> float | None:
        return self.basic.value(key, which) if self.basic is not None else None

    def basic_unit(self, key: str) -> str:
        item = self.basic.get(key) if self.basic is not None else None
        return item.unit if item is not None and item.unit else "万元"
