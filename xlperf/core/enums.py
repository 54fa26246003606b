"""The domain's closed vocabularies as StrEnums: severity, direction, tier, report style, evaluation type.

Each member's value is the Chinese word users see, so a member compares equal to the word
(``Severity.ERROR == "错误"``) and prints as it. Code names the member; the word appears once, here.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is (the 级别 column)."""

    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


class Direction(StrEnum):
    """An indicator's resolved direction (R3–R6): how its actual is compared with its target."""

    MORE = "≥"  # 正向: the higher the better
    LESS = "≤"  # 反向: the lower the better
    EQUAL = "="
    QUALITATIVE = "定性"
    DEADLINE = "时效"  # a date or a duration: no later than the target
    NOT_APPLICABLE = "不适用"  # dropped from the total (R13)


class Tier(StrEnum):
    """How far a qualitative row was met (R5)."""

    MET = "达成"
    PARTLY = "部分达成"
    NOT_MET = "未达成"


class Style(StrEnum):
    """The report outline (报告样式): 通用 (national), or a province's."""

    GENERAL = "通用"
    SICHUAN = "四川"
    SHANXI = "山西"
    SHAANXI = "陕西"
    HUNAN = "湖南"  # the 部门整体支出 outline

    @classmethod
    def of(cls, text: object) -> Style | None:
        """The style a cell names, or None when it names none."""
        try:
            return cls(str(text or "").strip())
        except ValueError:
            return None


class EvaluationType(StrEnum):
    """What is evaluated: one project's spending, or a department's whole spending."""

    PROJECT = "项目支出"
    DEPARTMENT = "部门整体支出"

    @classmethod
    def of(cls, text: object) -> EvaluationType:
        """The type a 评价类型 cell names; anything but 部门整体支出 is a project (W704 names it)."""
        return cls.DEPARTMENT if str(text or "").strip() == cls.DEPARTMENT else cls.PROJECT
