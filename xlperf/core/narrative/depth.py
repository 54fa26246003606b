"""What the real reports of some provinces say beyond the common outline, from the fields only
their workbooks carry (``layout.STYLE_INFO_FIELDS``): each part is left out when its field is
empty (or a bare 无), so a workbook without these fields reports exactly as before."""

from __future__ import annotations

import xlperf.core.narrative.budget as budget
from xlperf.core.narrative.facts import Facts
from xlperf.core.narrative.words import is_nil, join, labelled, pct


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


def shaanxi_goals(f: Facts) -> str:
    """（二）项目目标 beside the 绩效完成表: with an 实施期绩效目标, 子洲's 1.总体目标 and 2.年度目标;
    without, the 年度目标 alone ("" when that is empty too)."""
    period = _typed(f, "period_goal")
    annual = f.field("annual_goal")
    if not period:
        return labelled("年度目标", annual)
    return join(labelled("1.总体目标", period), labelled("2.年度目标", annual) if annual else "")


def fund_adjustment(f: Facts) -> str:
    """项目资金调整情况 (the end of 三、项目评价及绩效分析): as the unit wrote it ("" when empty)."""
    return _typed(f, "fund_adjustment")


# --- 四川 (盐边) -----------------------------------------------------------------------------------


def sichuan_funds(f: Facts) -> str:
    """（二）资金计划、到位及使用情况: with the unit's 资金计划 / 资金到位 / 资金使用, the three items
    盐边 writes, each opening with the amounts of the 预算执行 table (what was budgeted, what arrived,
    what was actually paid out), then the score; without them, the amounts and the score as before."""
    plan, arrival, use = (_typed(f, a) for a in ("fund_plan", "fund_arrival", "fund_use"))
    if not (plan or arrival or use):
        return budget.paragraph(f, facts=True)
    b = f.ev.budget
    known = b.present and not budget.contradiction(f)
    planned = f"全年预算数{f.amount(b.full_year)}。" if known and b.full_year is not None else ""
    arrived = ""
    if known and b.received is not None:
        arrived = f"实际到位{f.amount(b.received)}" + (f"，到位率{pct(b.arrival_rate)}" if b.arrival_rate is not None else "") + "。"
    spent = ""
    if known and b.executed is not None:
        spent = f"全年执行{f.amount(b.executed)}" + (f"，执行率{pct(b.execution_rate)}" if b.execution_rate is not None else "") + "。"
    items = (("资金计划", planned + (budget.sources(f) if known else ""), plan), ("资金到位", arrived, arrival), ("资金使用", spent, use))
    parts: list[str] = []
    for label, amounts, text in items:
        if amounts or text:  # an item with nothing to say is left out, the others numbered in order
            parts += [f"{len(parts) // 3 + 1}.{label}。", amounts, text]
    return join(*parts, budget.paragraph(f))


# --- 湖南 部门整体支出 (浏阳) -------------------------------------------------------------------------


def _documents(text: str) -> list[str]:
    """The documents of a 评价依据文件 field, one a line (or split by ；/;), as typed."""
    import re

    return [d.strip().rstrip("，,、。") for d in re.split(r"[\n；;]+", text) if d.strip().rstrip("，,、。")]


def preamble(f: Facts) -> str:
    """The opening before 一、 (浏阳): the documents of 评价依据文件 it carries out, then 报告如下;
    without any, the plain opening sentence (a document the unit did not name is never cited)."""
    who = f.field("department") or f.field("unit") or "本部门"
    year = f"{f.year}年" if f.year else "本年度"
    tail = f"现将{who}{year}部门整体支出绩效自评结果报告如下："
    docs = _documents(_typed(f, "evaluation_basis"))
    if not docs:
        return tail
    cited = docs[0] if len(docs) == 1 else "、".join(docs[:-1]) + "和" + docs[-1]
    return f"为全面落实{cited}精神，切实加强部门整体支出绩效管理，提高预算分配、使用、管理绩效，{tail}"


def work_plan(f: Facts) -> str:
    """一、部门概况 （三）年度重点工作计划."""
    return _typed(f, "work_plan")


def assets(f: Facts) -> str:
    """资产管理情况 (浏阳 四、): the unit's text."""
    return _typed(f, "assets")


def public_url(f: Facts) -> str:
    """公示网址：… (the last line of 浏阳's report)."""
    return labelled("公示网址", _typed(f, "public_url"))
