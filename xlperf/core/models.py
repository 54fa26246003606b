"""The pure core's data: what a workbook says (inputs) and what scoring makes of it (results).

Inputs come from any reader (file, live Excel, tests); results go to any writer (cells,
JSON, narrative, reports). No I/O here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from xlperf.core import layout

Severity = Literal["错误", "警告", "提示"]
SEVERITY_ORDER = {"错误": 0, "警告": 1, "提示": 2}
SEVERITY_EN = {"错误": "error", "警告": "warning", "提示": "info"}


def col_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


class Loc(BaseModel):
    """Where a value sits in the workbook: sheet, 1-based row and column."""

    model_config = ConfigDict(frozen=True)

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


class Finding(BaseModel):
    """One problem found in a workbook, with a stable code and a Chinese message."""

    model_config = ConfigDict(frozen=True)

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


class ProjectInfo(BaseModel):
    """The 项目信息 sheet. Attribute names follow layout.INFO_FIELDS."""

    name: str = ""
    department: str = ""
    unit: str = ""
    year: str = ""
    evaluation_type: str = "项目支出"
    style: str = "通用"
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
    extra: dict[str, str] = Field(default_factory=dict)  # fields we do not know, in sheet order
    rows: dict[str, int] = Field(default_factory=dict)  # attribute -> sheet row (for findings)

    def label_of(self, attr: str) -> str:
        for label, a, _ in layout.INFO_FIELDS:
            if a == attr:
                return label
        return attr


class BudgetLine(BaseModel):
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
    reason: str = ""

    @property
    def is_blank(self) -> bool:
        return all(v is None for v in (self.initial, self.full_year, self.received, self.executed))


class Budget(BaseModel):
    sheet: str = layout.SHEET_BUDGET
    lines: list[BudgetLine] = Field(default_factory=list)
    columns: dict[str, int] = Field(default_factory=dict)  # canonical header -> 1-based column
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


class Indicator(BaseModel):
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


class SubtotalDeclaration(BaseModel):
    level: Literal[1, 2]
    name: str
    declared: float
    row: int
    col: int
    parent: str = ""


class SelfEvaluation(BaseModel):
    """Everything a workbook says, as read from it."""

    source: str = ""  # file name, for messages
    info: ProjectInfo = Field(default_factory=ProjectInfo)
    budget: Budget = Field(default_factory=Budget)
    indicators: list[Indicator] = Field(default_factory=list)
    indicator_sheet: str = layout.SHEET_INDICATORS
    indicator_columns: dict[str, int] = Field(default_factory=dict)
    indicator_header_row: int | None = None
    subtotals: list[SubtotalDeclaration] = Field(default_factory=list)
    declared_total_weight: float | None = None
    declared_total_score: float | None = None
    declared_total_row: int | None = None
    read_findings: list[Finding] = Field(default_factory=list)


class ScoringConfig(BaseModel):
    """Settings domain.md leaves to the unit (R3 threshold, R4 formula)."""

    overachievement_threshold: float = 1.2  # completion ratio that needs a reason
    reverse_formula: Literal["ratio", "linear"] = "ratio"  # 比值法 W×A/B or 扣减法 W×(1−(B−A)/A)


# --- results -----------------------------------------------------------------------------------


class IndicatorResult(BaseModel):
    indicator: Indicator
    direction: str  # resolved: ≥ ≤ = 定性 时效 不适用
    completion: float | None = None  # fraction, rounded to 4 places (2 as a percentage)
    computed_score: float | None = None
    score: float = 0.0
    tier: str | None = None  # 达成 / 部分达成 / 未达成 for qualitative
    met: bool = True
    hints: list[str] = Field(default_factory=list)  # short texts for the 校验提示 column
    target_display: str = ""
    actual_display: str = ""


class BudgetResult(BaseModel):
    present: bool = False
    full_year: float | None = None
    received: float | None = None
    executed: float | None = None
    balance: float | None = None
    arrival_rate: float | None = None
    execution_rate: float | None = None
    weight: float = 0.0
    score: float = 0.0
    scored_in_indicators: bool = False  # the indicator table carries a 预算执行率 row
    lines: list[dict[str, Any]] = Field(default_factory=list)  # per-row computed values
    unit: str = "万元"


class Level1Summary(BaseModel):
    name: str
    weight: float
    score: float
    level2: list[str] = Field(default_factory=list)


class Evaluation(BaseModel):
    """The result of scoring one workbook."""

    input: SelfEvaluation
    budget: BudgetResult
    indicators: list[IndicatorResult]
    level1: list[Level1Summary]
    total_weight: float
    total_score: float
    grade: str
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "错误"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "警告"]

    @property
    def valid(self) -> bool:
        return not self.errors
