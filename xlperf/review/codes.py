"""The catalogue of review findings: a stable code, the kind of mistake, a severity and a title.

Codes never change meaning once published. ``V`` is the review's letter (the workbook's findings use
E/W/I, the errors X). The first digit groups them: 0 the table cannot be used for a comparison,
1 the report says something other than its table, 2 the table disagrees with its own rows,
3 what the report claims the table does not support, 4 the report's outline.

``kind`` is the vocabulary the findings are spoken of in (tests, the annotated copy, batch): one
of :data:`KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlperf.core.enums import Severity

KINDS = (
    "total_mismatch",
    "grade_mismatch",
    "amount_mismatch",
    "rate_mismatch",
    "rate_inverted",
    "indicator_mismatch",
    "count_mismatch",
    "table_arithmetic",
    "claim_unsupported",
    "no_problems_with_lost_points",
    "section_missing",
    "year_mismatch",
    "table_unreadable",
)


@dataclass(frozen=True)
class ReviewCode:
    code: str
    kind: str
    severity: Severity
    title: str  # Chinese, a few words


_CODES = (
    ReviewCode("V001", "table_unreadable", Severity.ERROR, "找不到自评表"),
    ReviewCode("V002", "table_unreadable", Severity.WARNING, "自评表的数值不明，无法核对"),
    ReviewCode("V101", "total_mismatch", Severity.ERROR, "总分与自评表不符"),
    ReviewCode("V102", "grade_mismatch", Severity.ERROR, "等级与自评表不符"),
    ReviewCode("V103", "amount_mismatch", Severity.ERROR, "金额与自评表不符"),
    ReviewCode("V104", "rate_mismatch", Severity.ERROR, "到位率/执行率与自评表不符"),
    ReviewCode("V105", "rate_inverted", Severity.ERROR, "执行率倒算（预算÷执行）"),
    ReviewCode("V106", "indicator_mismatch", Severity.ERROR, "指标的完成值或得分与自评表不符"),
    ReviewCode("V107", "count_mismatch", Severity.ERROR, "指标个数与自评表不符"),
    ReviewCode("V108", "year_mismatch", Severity.ERROR, "年度与自评表不符"),
    ReviewCode("V201", "table_arithmetic", Severity.ERROR, "自评表总分与各行得分不符"),
    ReviewCode("V202", "table_arithmetic", Severity.WARNING, "自评表得分与按完成值计算的得分不符"),
    ReviewCode("V203", "table_arithmetic", Severity.ERROR, "自评表执行率与金额不符"),
    ReviewCode("V204", "table_arithmetic", Severity.ERROR, "自评表小计或合计与明细不符"),
    ReviewCode("V205", "rate_inverted", Severity.ERROR, "自评表执行率倒算（预算÷执行）"),
    ReviewCode("V301", "claim_unsupported", Severity.WARNING, "称全部完成，自评表却有扣分"),
    ReviewCode("V302", "no_problems_with_lost_points", Severity.WARNING, "存在问题写“无”，自评表却有扣分"),
    ReviewCode("V401", "section_missing", Severity.WARNING, "缺少提纲要求的部分"),
)

CODES: dict[str, ReviewCode] = {c.code: c for c in _CODES}
