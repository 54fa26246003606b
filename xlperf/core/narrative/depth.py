"""What the real reports of some provinces say beyond the common outline, from the fields only
their workbooks carry (``layout.STYLE_INFO_FIELDS``): each part is left out when its field is
empty (or a bare 无), so a workbook without these fields reports exactly as before."""

from __future__ import annotations

from xlperf.core.narrative.facts import Facts
from xlperf.core.narrative.words import is_nil, join, labelled


def _typed(f: Facts, attr: str) -> str:
    """The field as typed, "" when it says nothing."""
    text = f.field(attr)
    return "" if is_nil(text) else text


# --- 山西 (临汾) -----------------------------------------------------------------------------------


def necessity(f: Facts) -> str:
    """设立的必要性：… (in 项目概况, after 立项依据)."""
    return labelled("设立的必要性", _typed(f, "necessity"))


def safeguards(f: Facts) -> str:
    """保证项目实施的措施与制度：the unit's 保证措施, else its 资金管理办法 (what the outline said before)."""
    return labelled("保证项目实施的措施与制度", _typed(f, "safeguards") or f.field("fund_rules"))


def shanxi_goals(f: Facts) -> str:
    """（三）项目绩效目标: with an 实施期绩效目标, the two goals under their own labels as 临汾 writes
    them; without, the 年度总体目标 alone (or the request for it)."""
    period = _typed(f, "period_goal")
    annual = f.field_or_missing("annual_goal")
    if not period:
        return annual
    return join("（1）项目实施期绩效目标", period, "（2）项目年度目标", annual)


# --- 陕西 (子洲) -----------------------------------------------------------------------------------


def fund_adjustment(f: Facts) -> str:
    """项目资金调整情况 (the end of 三、项目评价及绩效分析): as the unit wrote it ("" when empty)."""
    return _typed(f, "fund_adjustment")
