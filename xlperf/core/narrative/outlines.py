"""The five outlines (报告样式) as data: per Style, its headings in order, each with the prose that
fills it and the tables that follow it.

An entry is (key, heading, level, fill, tables). ``level`` is the heading's rank (1 一、 2 （一）
3 1.) — a 3rd-level heading may sit directly under a 1st (山西 三、 1.), so the nesting is the
levels', not the table's. ``fill`` is None for a heading without text of its own, one prose
function, or a tuple of parts written as paragraphs in order (empty ones left out). The key's
first letter names the outline (g 通用, s 四川, x 山西, v 陕西, h 湖南).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from xlperf.core.enums import Style
import xlperf.core.narrative.budget as budget
import xlperf.core.narrative.conclusions as c
import xlperf.core.narrative.department as d
import xlperf.core.narrative.depth as depth
import xlperf.core.narrative.indicators as i
import xlperf.core.narrative.matrix as matrix
from xlperf.core.narrative.facts import Facts
from xlperf.core.narrative.words import is_nil, labelled, missing

Prose = Callable[[Facts], str]


class Heading(NamedTuple):
    key: str
    heading: str
    level: int
    fill: Prose | tuple[Prose, ...] | None = None
    tables: tuple[str, ...] = ()
    department: str = ""  # the heading when the workbook evaluates a 部门's whole spending ("" = the same)


# --- parts of a section: the unit's fields and their labels ---------------------------------------


def own(attr: str) -> Prose:
    """The field as typed ("" when empty)."""
    return lambda f: f.field(attr)


def filled(attr: str) -> Prose:
    """The field as typed, "" when empty or a bare 无 (nothing to say in a place it is optional)."""
    return lambda f: "" if is_nil(f.field(attr)) else f.field(attr)


def asked(attr: str) -> Prose:
    """The field, or a request for it."""
    return lambda f: f.field_or_missing(attr)


def said(label: str, part: Prose) -> Prose:
    """立项依据：… (nothing when the part is empty)."""
    return lambda f: labelled(label, part(f))


def either(part: Prose, fallback: Prose) -> Prose:
    return lambda f: part(f) or fallback(f)


def ask(what: str) -> Prose:
    return lambda f: missing(what)


def extra(label: str) -> Prose:
    """A field of 项目信息 the template does not name (结果应用和公开情况)."""
    return lambda f: f.info.extra.get(label, "")


def kinds(*names: str) -> Prose:
    """The analysis of these kinds of indicator, or a request for them."""
    return lambda f: i.analysis_or_missing(f, *names)


def _input_and_process(f: Facts) -> str:
    return i.analysis(f, "投入", "过程")


def _goal_beside_overview(f: Facts) -> str:
    """四川 2.: the 年度总体目标 when 1. already holds the 项目概况 (else 1. shows the goal itself)."""
    goal = f.field("annual_goal")
    return labelled("年度总体目标", goal) if f.field("overview") and not is_nil(goal) else ""


# --- the outlines ---------------------------------------------------------------------------------

GENERAL = (
    Heading("g1", "一、基本情况", 1),
    Heading("g1.1", "（一）项目概况", 2, (asked("overview"), said("立项依据", own("basis")), said("主管部门职能", own("duties"))), department="（一）部门概况"),
    Heading("g1.2", "（二）项目绩效目标", 2, (either(said("年度总体目标", own("annual_goal")), ask("年度总体目标")), i.targets_by_type), department="（二）部门整体支出绩效目标"),
    Heading("g1.3", "（三）资金投入和使用情况", 2, (budget.paragraph, budget.sources, said("资金批复文号", filled("approval_docs")), said("资金分配原则", own("allocation")), own("fund_rules")), ("budget",)),
    Heading("g2", "二、评价工作开展情况", 1, c.method),
    Heading("g3", "三、综合评价及结论", 1, c.conclusion),
    Heading("g4", "四、绩效指标分析", 1),
    # 投入管理 and 过程 rows (部门整体) are analysed here: no other heading of this outline takes them
    Heading("g4.1", "（一）项目决策和过程情况", 2, (asked("implementation"), own("finance_management"), _input_and_process), department="（一）部门决策和过程情况"),
    Heading("g4.2", "（二）项目产出情况", 2, kinds("产出"), ("output",), department="（二）部门产出情况"),
    Heading("g4.3", "（三）项目效益情况", 2, kinds("效益", "满意度"), ("benefit", "satisfaction"), department="（三）部门效益情况"),
    Heading("g5", "五、主要经验及做法、存在的问题及原因分析", 1, (said("主要经验做法", c.experience), said("存在问题", c.problems))),
    Heading("g6", "六、有关建议", 1, c.measures),
    Heading("g7", "附件：项目支出绩效自评表", 1, None, ("self_table",), department="附件：部门整体支出绩效自评表"),
)

SICHUAN = (
    Heading("s1", "一、项目概况", 1),
    Heading("s1.1", "（一）项目基本情况。", 2),
    Heading("s1.1.1", "1.项目主管部门（单位）在该项目管理中的职能。", 3, (asked("duties"), said("项目实施单位", filled("unit")))),
    Heading("s1.1.2", "2.项目立项、资金申报的依据。", 3, asked("basis")),
    Heading("s1.1.3", "3.资金管理办法制定情况，资金支持具体项目的条件、范围与支持方式概况。", 3, asked("fund_rules")),
    Heading("s1.1.4", "4.资金分配的原则及考虑因素。", 3, asked("allocation")),
    Heading("s1.2", "（二）项目绩效目标。", 2),
    Heading("s1.2.1", "1.项目主要内容。", 3, either(own("overview"), asked("annual_goal"))),
    Heading("s1.2.2", "2.项目应实现的具体绩效目标。", 3, (_goal_beside_overview, i.targets_by_type)),
    Heading("s1.3", "（三）项目自评步骤及方法。", 2, c.method),
    Heading("s2", "二、项目资金申报及使用情况", 1),
    Heading("s2.1", "（一）项目资金申报及批复情况。", 2, budget.approval),
    Heading("s2.2", "（二）资金计划、到位及使用情况。", 2, depth.sichuan_funds),
    Heading("s2.3", "（三）项目财务管理情况。", 2, asked("finance_management")),
    Heading("s3", "三、项目实施及管理情况", 1, (asked("implementation"), said("主要经验做法", filled("experience")))),
    Heading("s4", "四、项目绩效情况", 1),
    Heading("s4.1", "（一）项目完成情况。", 2, (own("annual_goal_result"), kinds("产出"))),
    Heading("s4.2", "（二）项目效益情况。", 2, kinds("效益", "满意度")),
    Heading("s5", "五、评价结论及建议", 1),
    Heading("s5.1", "（一）评价结论。", 2, c.sichuan_conclusion),
    Heading("s5.2", "（二）存在的问题。", 2, c.problems),
    Heading("s5.3", "（三）相关建议。", 2, c.measures),
)

SHANXI = (
    Heading("x1", "一、项目的基本情况", 1),
    Heading("x1.1", "（一）项目概况", 2, (
        said("项目概况", asked("overview")), said("主管部门职能", filled("duties")), said("立项依据", asked("basis")), depth.necessity,
        said("资金批复文号", filled("approval_docs")), said("资金分配原则", asked("allocation")), depth.safeguards,
    )),
    # the 临汾 行次 matrix (years × sources) in place of the per-source budget table
    Heading("x1.2", "（二）预算执行情况", 2, (budget.contradiction, matrix.unplaced), ("budget_matrix",)),
    # the indicators' targets are in the tables of 二、 and the annex: the goal is said in words only
    Heading("x1.3", "（三）项目绩效目标", 2, depth.shanxi_goals),
    Heading("x2", "二、项目绩效情况", 1, c.shanxi_result),
    Heading("x2.1", "（一）预算执行情况", 2, None, ("budget_indicator",)),
    Heading("x2.2", "（二）项目产出情况", 2, None, ("output",)),
    Heading("x2.3", "（三）项目效益情况", 2, None, ("benefit",)),
    Heading("x2.4", "（四）项目满意度情况", 2, None, ("satisfaction",)),
    Heading("x3", "三、项目绩效分析", 1),
    Heading("x3.1", "1.项目实施和预算执行情况及分析", 3, (either(own("implementation"), ask("实施及管理情况")), filled("finance_management"), budget.paragraph)),
    Heading("x3.2", "2.产出情况及分析", 3, (said("年度总体目标完成情况", asked("annual_goal_result")), kinds("产出"))),
    Heading("x3.3", "3.效益情况及分析", 3, kinds("效益")),
    Heading("x3.4", "4.满意度情况及分析", 3, kinds("满意度")),
    Heading("x4", "四、项目主要经验做法", 1, c.experience),
    Heading("x5", "五、项目管理中存在问题及原因分析", 1, c.problems),
    Heading("x6", "六、进一步加强项目管理措施及建议", 1, c.measures),
    Heading("x7", "附件1.项目支出绩效自评表", 1, None, ("self_table",)),
)

SHAANXI = (
    Heading("v0", "项目支出绩效自评表", 1, None, ("self_table",)),
    Heading("v1", "一、项目概况", 1, (asked("overview"), said("主管部门职能", filled("duties")), said("立项依据", own("basis")))),
    # 子洲 numbers it （二） under 1. 2. of 一、; its 绩效完成表 is the indicators without scores
    Heading("v1.2", "（二）项目目标", 2, depth.shaanxi_goals, ("goal_table",)),
    Heading("v2", "二、项目资金使用及管理情况", 1, (
        budget.amounts, budget.sources, said("资金批复文号", filled("approval_docs")), said("资金分配原则", filled("allocation")), own("fund_rules"),
        own("finance_management"), said("项目实施及管理情况", filled("implementation")),
    ), ("payments",)),
    Heading("v3", "三、项目评价及绩效分析", 1, (
        filled("method"), c.score_sentence, said("年度总体目标完成情况", filled("annual_goal_result")), i.level1_breakdown,
        said("主要经验做法", filled("experience")),
    )),
    Heading("v4", "四、存在问题与改进措施", 1, (said("存在问题", c.problems), said("改进措施", c.measures))),
    Heading("v5", "五、自评小组", 1, None, ("team", "sign_off")),
)

HUNAN = (
    Heading("h1", "一、部门概况", 1),
    Heading("h1.1", "（一）部门职能", 2, (asked("duties"), own("overview"), said("依据", filled("basis")))),
    Heading("h1.2", "（二）机构和人员情况", 2, d.staff),
    Heading("h2", "二、部门整体支出管理及使用情况", 1),
    Heading("h2.1", "（一）收支总体情况", 2, (d.money_structure, budget.contradiction, said("财务管理情况", filled("finance_management"))), ("budget",)),
    Heading("h2.2", "（二）基本支出情况", 2, d.basic_spending),
    Heading("h2.3", "（三）项目支出情况", 2, (
        d.project_spending, said("项目组织实施情况", filled("implementation")), said("资金管理办法", filled("fund_rules")),
        said("资金分配原则", filled("allocation")), said("资金批复文号", filled("approval_docs")),
    ), ("project_summary",)),
    Heading("h2.4", "（四）“三公”经费情况", 2, d.three_public),
    Heading("h3", "三、部门整体支出绩效目标", 1, (asked("annual_goal"), i.targets_by_type)),
    Heading("h4", "四、部门整体支出绩效情况", 1, (filled("method"), i.completion_by_type, own("annual_goal_result"), said("主要经验做法", filled("experience")))),
    Heading("h5", "五、存在的问题及原因分析", 1, c.problems),
    Heading("h6", "六、下一步改进措施", 1, c.measures),
    Heading("h7", "七、部门整体支出绩效自评结果拟应用和公开情况", 1, either(extra("结果应用和公开情况"), ask("结果应用和公开情况"))),
    Heading("h8", "八、评价等级", 1, (c.score_sentence, depth.public_url)),
    Heading("h9", "附件1：部门整体支出绩效评价基础数据表", 1, None, ("basic_data",)),
    Heading("h10", "附件2：部门整体支出绩效自评表", 1, None, ("self_table",)),
    Heading("h11", "附件3：项目支出绩效自评表", 1, None, ("projects",)),
)

# --- sections only some workbooks fill ------------------------------------------------------------
# Placed after a key of an outline above; generate() leaves a key of OPTIONAL out when its text is
# empty, so a workbook without the field reports exactly as before.


def _after(outline: tuple[Heading, ...], key: str, *rows: Heading) -> tuple[Heading, ...]:
    at = next(n for n, h in enumerate(outline) if h.key == key) + 1
    return outline[:at] + rows + outline[at:]


SHAANXI = _after(SHAANXI, "v3", Heading("v3.1", "项目资金调整情况", 3, depth.fund_adjustment))

HUNAN = _after(HUNAN, "h1.2", Heading("h1.3", "（三）年度重点工作计划", 2, depth.work_plan))
HUNAN = _after(HUNAN, "h2.4", Heading("h2.5", "（五）资产管理情况", 2, depth.assets))
# each project's own figures, when the report annexes the projects (--projects)
HUNAN = _after(HUNAN, "h4", Heading("h4.1", "项目资金绩效情况", 3, d.project_results))

OPTIONAL = frozenset({"v3.1", "h1.3", "h2.5", "h4.1"})


# --- parts only some workbooks fill, added at the end of a section's text (nothing when empty) -------


def _also(outline: tuple[Heading, ...], key: str, part: Prose, after: Prose) -> tuple[Heading, ...]:
    """The outline with ``part`` written right after the part ``after`` of the section ``key``."""
    at = next(n for n, h in enumerate(outline) if h.key == key)
    h = outline[at]
    fill = h.fill if isinstance(h.fill, tuple) else ((h.fill,) if h.fill is not None else ())
    i = fill.index(after) + 1
    return outline[:at] + (h._replace(fill=fill[:i] + (part,) + fill[i:]),) + outline[at + 1 :]


# 浏阳 二（二）2.: the spending by 功能科目 (the 功能科目 sheet), after the 基本支出 and 项目支出 figures
HUNAN = _also(HUNAN, "h2.2", d.basic_by_function, after=d.basic_spending)
HUNAN = _also(HUNAN, "h2.3", d.project_by_function, after=d.project_spending)

OUTLINES: dict[Style, tuple[Heading, ...]] = {
    Style.GENERAL: GENERAL,
    Style.SICHUAN: SICHUAN,
    Style.SHANXI: SHANXI,
    Style.SHAANXI: SHAANXI,
    Style.HUNAN: HUNAN,
}
