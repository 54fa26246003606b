"""The pure core's data: what a workbook says (inputs) and what scoring makes of it (results).

Inputs come from any reader (file, live Excel, tests); results go to any writer (cells,
JSON, narrative, reports). No I/O here.

Plain dataclasses, on purpose: every command builds these objects, and pydantic's import and
model set-up alone cost about three times Python's own start-up here, which would put
``xlperf check`` far over its start-up budget. Validation of data from outside (the JSON
contract, user word lists) uses pydantic at those edges (:mod:`xlperf.core.schema`).
"""

from __future__ import annotations

from typing import Any, Literal

from dataclasses import dataclass, field

from xlperf.core import layout
from xlperf.core.enums import Direction, EvaluationType, Severity, Style, Tier
from xlperf.core.values import Parsed
from xlperf.core.refs import cell_ref, col_letter  # noqa: F401 - re-exported

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_EN = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


@dataclass(frozen=True, kw_only=True, slots=True)
class Loc:
    """Where a value sits in the workbook: sheet, 1-based row and column."""

    sheet: str
    row: int | None = None
    col: int | None = None

    @property
    def cell(self) -> str:
        if self.row is None:
            return ""
        if self.col is None:
            return f"{self.row}:{self.row}"  # Excel's notation for a whole row
        return cell_ref(self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One problem found in a workbook, with a stable code and a Chinese message.

    ``severity`` is a :class:`Severity` (its value, 错误/警告/提示, is what JSON and the 级别 column show).
    """

    code: str
    severity: Severity
    rule: str  # R1..R14, or "读取"
    sheet: str
    cell: str = ""
    message: str

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    @property
    def row(self) -> int | None:
        """The row number of ``cell`` ("L12" -> 12, "7:7" -> 7)."""
        import re

        m = re.match(r"[A-Z]*(\d+)", self.cell)
        return int(m.group(1)) if m else None

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": SEVERITY_EN[self.severity],
            "level": self.severity,
            "code": self.code,
            "rule": self.rule,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


# --- inputs ------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ProjectInfo:
    """The 项目信息 sheet. Attribute names follow layout.INFO_FIELDS."""

    name: str = ""
    department: str = ""
    unit: str = ""
    year: str = ""
    evaluation_type: str = EvaluationType.PROJECT
    style: str = Style.GENERAL
    amount_unit: str = "万元"
    annual_goal: str = ""
    annual_goal_result: str = ""
    overview: str = ""
    duties: str = ""
    basis: str = ""
    fund_rules: str = ""
    allocation: str = ""
    approval_docs: str = ""
    implementation: str = ""
    finance_management: str = ""
    experience: str = ""
    problems: str = ""
    measures: str = ""
    method: str = ""
    leader: str = ""
    contact: str = ""
    phone: str = ""
    evaluated_on: str = ""
    overachievement_threshold: str = ""
    reverse_formula: str = ""
    # fields only some outlines print (layout.STYLE_INFO_FIELDS)
    necessity: str = ""  # 设立的必要性 (山西)
    safeguards: str = ""  # 保证措施 (山西)
    period_goal: str = ""  # 实施期绩效目标 (山西)
    fund_plan: str = ""  # 资金计划 (四川)
    fund_arrival: str = ""  # 资金到位 (四川)
    fund_use: str = ""  # 资金使用 (四川)
    evaluation_basis: str = ""  # 评价依据文件 (湖南 部门整体: cited in the report's opening)
    work_plan: str = ""  # 年度重点工作计划 (湖南 部门整体)
    assets: str = ""  # 资产管理情况 (湖南 部门整体)
    public_url: str = ""  # 公示网址 (湖南 部门整体)
    unit_code: str = ""  # 项目单位法人代码 (陕西)
    evaluation_kind: str = ""  # 评价项目类型 (陕西)
    fund_adjustment: str = ""  # 项目资金调整情况 (陕西)
    department_code: str = ""  # 主管部门代码 (陕西: the form's 主管部门及代码)
    period_funds: str = ""  # 实施期资金总额 (陕西: the 绩效完成表)
    extra: dict[str, str] = field(default_factory=dict)  # fields we do not know, in sheet order
    rows: dict[str, int] = field(default_factory=dict)  # attribute -> sheet row (for findings)

    def label_of(self, attr: str) -> str:
        for label, a, _ in layout.ALL_INFO_FIELDS:
            if a == attr:
                return label
        return attr


@dataclass(kw_only=True)
class BudgetLine:
    """One funding-source row of 预算执行 (amounts in the workbook's unit)."""

    source: str
    row: int
    initial: float | None = None  # 年初预算数
    full_year: float | None = None  # 全年预算数
    received: float | None = None  # 实际到位数
    executed: float | None = None  # 全年执行数
    stated_balance: float | None = None
    stated_arrival_rate: float | None = None  # as a fraction
    stated_execution_rate: float | None = None  # as a fraction
    weight: float | None = None
    stated_score: float | None = None  # the 得分 a unit's own form prints (a manual score)
    reason: str = ""

    @property
    def is_blank(self) -> bool:
        return all(v is None for v in (self.initial, self.full_year, self.received, self.executed))


@dataclass(kw_only=True)
class Budget:
    sheet: str = layout.SHEET_BUDGET
    lines: list[BudgetLine] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # canonical header -> 1-based column
    header_row: int | None = None
    present: bool = False

    def line(self, source: str) -> BudgetLine | None:
        for ln in self.lines:
            if ln.source == source:
                return ln
        return None

    @property
    def total(self) -> BudgetLine | None:
        """The 年度资金总额 row, or the first non-blank row when the table has no total."""
        ln = self.line("年度资金总额")
        if ln is not None:
            return ln
        for ln in self.lines:
            if not ln.is_blank:
                return ln
        return self.lines[0] if self.lines else None


@dataclass(kw_only=True)
class Indicator:
    """One 三级指标 row of 绩效指标, as typed."""

    row: int
    level1: str = ""
    level2: str = ""
    level3: str = ""
    direction: str = ""  # as typed (may be blank)
    weight: float | None = None
    weight_raw: Any = None
    target: Any = None  # raw cell values; parsed by scoring
    actual: Any = None
    manual_score: float | None = None
    manual_raw: Any = None
    stated_score: float | None = None  # 得分 typed by hand in a foreign table (no 人工得分 column)
    reason: str = ""
    level1_declared: float | None = None  # "产出指标(50分)" -> 50
    level2_declared: float | None = None


@dataclass(kw_only=True)
class SubtotalDeclaration:
    level: Literal[1, 2]
    name: str
    declared: float
    row: int
    col: int
    parent: str = ""


@dataclass(kw_only=True)
class ColumnReading:
    """How a form reader took one column of a header band."""

    col: int  # 1-based
    path: str  # the header texts from the top of the band down, joined by "/"
    role: str  # canonical name (三级指标, 年度指标值 …), an extra column (指标值说明 …), or ""
    used: bool = True  # False: a repeat of a column already taken, or a column nothing reads


@dataclass(kw_only=True)
class RowReading:
    """How a form reader took one row below (or above) a header band."""

    row: int  # 1-based
    kind: str  # 指标 / 合计 / 占位 / 标题 / 表头 / 文字 / 预算 / 无法归属
    label: str = ""
    why: str = ""


@dataclass(kw_only=True)
class TableReading:
    """What a form reader took as what on one table: for ``check --explain`` and import's summary."""

    sheet: str
    header_top: int | None = None
    header_bottom: int | None = None
    columns: list[ColumnReading] = field(default_factory=list)
    rows: list[RowReading] = field(default_factory=list)
    budget_header: int | None = None
    budget_unit: str = ""
    budget_rows: list[RowReading] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)  # label -> where it was found


@dataclass(kw_only=True)
class SelfEvaluation:
    """Everything a workbook says, as read from it."""

    source: str = ""  # file name, for messages
    info: ProjectInfo = field(default_factory=ProjectInfo)
    budget: Budget = field(default_factory=Budget)
    indicators: list[Indicator] = field(default_factory=list)
    indicator_sheet: str = layout.SHEET_INDICATORS
    indicator_columns: dict[str, int] = field(default_factory=dict)
    indicator_header_row: int | None = None
    subtotals: list[SubtotalDeclaration] = field(default_factory=list)
    declared_total_weight: float | None = None
    declared_total_score: float | None = None
    declared_total_row: int | None = None
    declared_grade: str = ""  # a grade printed in the 总分 row of a unit's form
    read_findings: list[Finding] = field(default_factory=list)
    reading: TableReading | None = None  # a unit's form only: how its table was read


@dataclass(kw_only=True)
class ScoringConfig:
    """Settings domain.md leaves to the unit (R3 threshold, R4 formula)."""

    overachievement_threshold: float = 1.2  # completion ratio that needs a reason
    reverse_formula: Literal["ratio", "linear"] = "ratio"  # 比值法 W×A/B or 扣减法 W×(1−(B−A)/A)


# --- results -----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class IndicatorResult:
    """What scoring made of one indicator row.

    ``target`` / ``actual`` are the row's 年度指标值 / 实际完成值 cells parsed by scoring, the only
    parse of those cells: the findings, the checks, the narrative and the reports read these, never
    the display strings. ``target_display`` / ``actual_display`` are the same values as the cell
    shows them (``Parsed.raw``). ``unit`` is the row's unit (``values.row_unit``: the 三级指标
    name's, 补助人数（人）, else the target's, else the actual's; "" when none). ``direction`` is the
    resolved :class:`Direction` (typed, or inferred by R3–R7; 不适用 drops the row, R13), ``tier``
    the :class:`Tier` a qualitative actual states. Enum members equal their Chinese word, so JSON
    and text show the word.
    """

    indicator: Indicator
    direction: Direction  # resolved: ≥ ≤ = 定性 时效 不适用
    completion: float | None = None  # fraction, rounded to 4 places (2 as a percentage)
    computed_score: float | None = None
    score: float | None = 0.0  # None: pending (待定) — it cannot be decided and no manual score is given
    tier: Tier | None = None  # 达成 / 部分达成 / 未达成 for qualitative
    met: bool = True
    hints: list[str] = field(default_factory=list)  # short texts for the 校验提示 column
    target_display: str = ""
    actual_display: str = ""
    # the row's values parsed once, by scoring; reports read these, never the display strings
    target: Parsed | None = None
    actual: Parsed | None = None
    unit: str = ""  # the row's unit: its name's (补助人数（人）), else the target's, else the actual's
    incomplete: str = ""  # why a pending row waits for the workbook, not a judgement: "实际完成值未填写"

    @property
    def pending(self) -> bool:
        return self.score is None and self.direction != Direction.NOT_APPLICABLE

    @property
    def reverse(self) -> bool:
        """A reverse indicator (≤, <, 成本, 上访率…): the lower the actual, the better."""
        return self.direction == Direction.LESS

    @property
    def direction_label(self) -> str:
        """The direction as reports write it: 正向指标（≥）, 反向指标（≤，越低越好）, 定性指标 …"""
        return DIRECTION_LABELS.get(self.direction, self.direction)


@dataclass(kw_only=True)
class BudgetResult:
    present: bool = False
    full_year: float | None = None
    received: float | None = None
    executed: float | None = None
    balance: float | None = None
    arrival_rate: float | None = None
    execution_rate: float | None = None
    weight: float = 0.0
    score: float | None = 0.0  # None: pending (待定) — an amount it needs is blank or unreadable
    scored_in_indicators: bool = False  # the indicator table carries a 预算执行率 row
    lines: list[dict[str, Any]] = field(default_factory=list)  # per-row computed values
    unit: str = "万元"

    @property
    def pending(self) -> bool:
        return self.score is None


@dataclass(kw_only=True)
class Level1Summary:
    name: str
    weight: float
    score: float  # of the rows that are decided
    level2: list[str] = field(default_factory=list)
    pending: int = 0  # rows whose score is 待定


@dataclass(kw_only=True)
class Evaluation:
    """The result of scoring one workbook.

    ``total_score`` and ``grade`` are final only when nothing withholds them: a value the score
    depends on that is blank or unreadable (an actual, a target, a weight, a budget amount), a row
    whose score cannot be decided (待定), weights that do not add up to 100, a declared total that
    disagrees with the rows… Then ``total_score`` is None, ``grade`` is "", ``withheld`` names each reason
    with its cell, and ``draft_score`` is the sum of the rows that could be scored. Every place
    that shows the total uses :attr:`total_text` and :attr:`grade_text`, which say 待定.

    What it was scored with travels with it, so nothing downstream reads the workbook's settings
    again: ``config`` (the 超额完成阈值 and 反向指标计分方法 of 项目信息, read once; defaults when
    blank or unreadable, W011), ``style`` (the :class:`Style` 项目信息's 报告样式 names, None when it
    names none) and ``evaluation_type`` (the :class:`EvaluationType` of 评价类型; anything but
    部门整体支出 is a project, W704).
    """

    input: SelfEvaluation
    budget: BudgetResult
    indicators: list[IndicatorResult]
    level1: list[Level1Summary]
    total_weight: float
    total_score: float | None
    grade: str
    findings: list[Finding]
    draft_score: float = 0.0
    withheld: list[Finding] = field(default_factory=list)
    draft_note: str = ""  # why the total is 待定, in a few words: 2项需人工评分；分值合计不等于100
    config: ScoringConfig = field(default_factory=ScoringConfig)  # the settings it was scored with
    style: Style | None = None  # the 报告样式 the workbook names (None: none it knows)
    evaluation_type: EvaluationType = EvaluationType.PROJECT

    @property
    def final(self) -> bool:
        return not self.withheld

    @property
    def pending_rows(self) -> list[IndicatorResult]:
        return [r for r in self.indicators if r.pending]

    @property
    def total_text(self) -> str:
        """The total as every output shows it: 84.31, or 待定（2项需人工评分）."""
        if self.total_score is None:
            return f"待定（{self.draft_note}）" if self.draft_note else "待定"
        from xlperf.core.values import format_score

        return format_score(self.total_score)

    @property
    def grade_text(self) -> str:
        return self.grade if self.final and self.grade else "待定"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors


# How reports name a resolved direction (IndicatorResult.direction_label).
DIRECTION_LABELS = {
    Direction.MORE: "正向指标（≥）",
    Direction.LESS: "反向指标（≤，越低越好）",
    Direction.EQUAL: "等值指标（=）",
    Direction.QUALITATIVE: "定性指标",
    Direction.DEADLINE: "时效指标（不晚于目标时间）",
    Direction.NOT_APPLICABLE: "不适用",
}
