"""部门整体支出 facts from the 基础数据 sheet and the department's projects: staff, the money's
structure, basic and project spending, 三公 and the projects' grades."""

from __future__ import annotations

import re

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.models import IndicatorResult
from xlperf.core.narrative.facts import Facts, ProjectLine, actual_of, counted, kind_of, lost_of, row_name, target_of
from xlperf.core.narrative.words import grade_count, grade_word, join, missing, pct, points

_SANGONG = (("sangong_abroad", "因公出国（境）费"), ("sangong_car", "公务用车购置及运行维护费"), ("sangong_reception", "公务接待费"))


def ask(what: str) -> str:
    return missing(what, "“基础数据”工作表")


def change(now: float | None, before: float | None, unit: str) -> str:
    """比上年增加2万元（增长5.1%） / 比上年减少… / 与上年持平."""
    if now is None or before is None:
        return ""
    diff = now - before
    if abs(diff) < 0.005:
        return "与上年持平"
    word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
    rate = f"（{rate_word}{pct(abs(diff) / before)}）" if abs(before) > 1e-9 else ""
    return f"比上年{word}{V.format_number(abs(diff), 2)}{unit}{rate}"


def _num(value: float, unit: str) -> str:
    return f"{V.format_number(value, 2)}{unit}"


def _over_budget(f: Facts, key: str, spent: float, budget: float, unit: str) -> str:
    """Why spending passed the 基础数据 sheet's 本年预算数 (a 170% beside a 100% 执行率 needs words):
    the row's own 说明; else, for the whole, the adjusted 全年预算数 of the 预算执行 sheet it was
    executed against; else a request for the reason."""
    if spent <= budget * 1.0001:
        return ""
    over = f"支出超出本年预算数{_num(spent - budget, unit)}"
    item = f.basic.get(key) if f.basic is not None else None
    note = (item.note or "").strip() if item is not None else ""
    if note:
        return f"（{over}，{note.rstrip('。')}）"
    b = f.ev.budget
    if key == "spend_total" and b.full_year and b.execution_rate is not None and unit == f.unit and abs(b.full_year - budget) > 0.005:
        return f"（{over}：本年预算数为年初预算，年中调整后全年预算数为{f.amount(b.full_year)}，按调整后预算计算执行率为{pct(b.execution_rate)}）"
    return f"（{over}，" + missing("超出预算的原因", "“基础数据”工作表的说明") + "）"


def staff(f: Facts) -> str:
    """核定编制50人，年末实有人数47人，空编3人，实有人数比上年减少1人（下降2.08%）。"""
    quota, actual = f.basic_value("staff_quota"), f.basic_value("staff_actual")
    if quota is None and actual is None:
        return ask("编制数和实有人数")
    parts = []
    if quota is not None:
        parts.append(f"核定编制{V.format_number(quota, 0)}人")
    if actual is not None:
        parts.append(f"年末实有人数{V.format_number(actual, 0)}人")
    text = "，".join(parts)
    if quota is not None and actual is not None:
        gap = actual - quota
        text += f"，超编{V.format_number(gap, 0)}人" if gap > 0 else (f"，空编{V.format_number(-gap, 0)}人" if gap < 0 else "，满编")
    moved = change(actual, f.basic_value("staff_actual", "prior"), "人")
    return text + (f"，实有人数{moved}" if moved else "") + "。"


def _income(f: Facts) -> str:
    inc = f.basic_value("income_total")
    if inc is None:
        return ""
    u = f.basic_unit("income_total")
    parts = [f"{label}{_num(v, u)}（占{pct(v / inc)}）" for key, label in (("income_fiscal", "财政拨款收入"), ("income_other", "其他收入")) if (v := f.basic_value(key)) is not None and inc]
    return f"{f.year}年部门收入合计{_num(inc, u)}" + (f"，其中{'、'.join(parts)}" if parts else "") + "。"


def money_structure(f: Facts) -> str:
    """收入合计 and 支出合计 (整体支出规模) with their parts and the change on last year."""
    paras = [p for p in (_income(f),) if p]
    total = f.basic_value("spend_total")
    if total is None:
        paras.append(ask("支出合计（整体支出规模）、基本支出和项目支出"))
        return "\n".join(paras)
    u = f.basic_unit("spend_total")
    text = f"部门整体支出规模{_num(total, u)}"
    moved = change(total, f.basic_value("spend_total", "prior"), u)
    budget = f.basic_value("spend_total", "budget")
    if moved:
        text += f"，{moved}"
    if budget:
        text += f"，为预算数{_num(budget, u)}的{pct(total / budget)}" + _over_budget(f, "spend_total", total, budget, u)
    paras.append(text + "。")
    return "\n".join(paras)


def basic_spending(f: Facts) -> str:
    total, basic = f.basic_value("spend_total"), f.basic_value("spend_basic")
    if basic is None:
        return ask("基本支出")
    u = f.basic_unit("spend_basic")
    text = f"基本支出{_num(basic, u)}" + (f"，占支出合计的{pct(basic / total)}" if total else "")
    parts = [f"{label}{_num(v, u)}" for key, label in (("spend_personnel", "人员经费"), ("spend_public", "公用经费")) if (v := f.basic_value(key)) is not None]
    if parts:
        text += "，其中" + "、".join(parts)
    budget = f.basic_value("spend_basic", "budget")
    if budget:
        text += f"；预算数{_num(budget, u)}，执行率{pct(basic / budget)}" + _over_budget(f, "spend_basic", basic, budget, u)
    return text + "。"


def project_spending(f: Facts) -> str:
    total, spent = f.basic_value("spend_total"), f.basic_value("spend_project")
    if spent is None:
        return join(ask("项目支出"), projects_sentence(f.projects))
    u = f.basic_unit("spend_project")
    text = f"项目支出{_num(spent, u)}" + (f"，占支出合计的{pct(spent / total)}" if total else "")
    budget = f.basic_value("spend_project", "budget")
    if budget:
        text += f"；预算数{_num(budget, u)}，执行率{pct(spent / budget)}" + _over_budget(f, "spend_project", spent, budget, u)
    return join(text + "。", projects_sentence(f.projects))


def _grade_counts(projects: list[ProjectLine]) -> str:
    """优1个、良2个: counts of grades in the national form, whatever the report's own grade form."""
    grades: dict[str, int] = {}
    for p in projects:
        grades[p.grade] = grades.get(p.grade, 0) + 1
    return grade_count(grades)


def projects_sentence(projects: list[ProjectLine] | None) -> str:
    """本年度对2个项目开展了绩效自评，其中优秀2个。各项目得分见下表及附件3。"""
    if not projects:
        return ""
    n = len(projects)
    decided = [p for p in projects if p.score is not None]
    text = f"本年度对{n}个项目开展了绩效自评"
    if decided:
        text += "，其中" + _grade_counts(decided)
    if n - len(decided):
        text += f"，{n - len(decided)}个项目得分待定"
    low = [p for p in decided if p.score is not None and p.score < 80]
    if low:
        text += "；得分较低的是" + "、".join(f"{p.name}（{points(p.score)}）" for p in low)
    return text + "。各项目得分见下表及附件3。"


def three_public(f: Facts) -> str:
    """“三公”经费支出10.2万元，比上年减少…，控制在预算数…以内。其中…；未发生…。"""
    total = f.basic_value("sangong_total")
    if total is None:
        return ask("三公经费（合计及因公出国（境）费、公务用车购置及运行维护费、公务接待费）")
    u = f.basic_unit("sangong_total")
    text = f"“三公”经费支出{_num(total, u)}"
    moved = change(total, f.basic_value("sangong_total", "prior"), u)
    if moved:
        text += f"，{moved}"
    budget = f.basic_value("sangong_total", "budget")
    if budget is not None:
        text += f"，控制在预算数{_num(budget, u)}以内" if total <= budget + 1e-9 else f"，超出预算数{_num(budget, u)}"
    return text + _sangong_items(f, u) + "。"


def _sangong_items(f: Facts, u: str) -> str:
    """。其中公务接待费0.8万元；未发生因公出国（境）费 (the three parts the sheet gives)."""
    items = [(label, v) for key, label in _SANGONG if (v := f.basic_value(key)) is not None]
    spent = [f"{label}{_num(v, u)}" for label, v in items if abs(v) > 1e-9]
    none = [label for label, v in items if abs(v) <= 1e-9]
    return ("。其中" + "，".join(spent) if spent else "") + (f"；未发生{'、'.join(none)}" if none else "")


# --- the 功能科目 sheet ---------------------------------------------------------------------------------

_FUNCTION_PARTS = {"basic": ("基本支出", "spend_basic"), "project": ("项目支出", "spend_project")}


def _by_function(f: Facts, which: str) -> str:
    """基本支出/项目支出 by 支出功能分类科目 (浏阳 二（二）2.): each item with its amount, their sum,
    and, when the sum is not the 基础数据 sheet's figure, a request to reconcile the two (a mismatch is
    never left unsaid). "" when the workbook has no 功能科目 sheet or gives nothing for ``which``."""
    fn = f.basic.functions if f.basic is not None else None
    if fn is None:
        return ""
    label, key = _FUNCTION_PARTS[which]
    unreadable = ""
    if which == "project" and fn.unreadable:  # said once, under 项目支出
        unreadable = missing(f"可读的金额（{'；'.join(fn.unreadable)}不是数字）", f"“{fn.sheet}”工作表")
    if which == "project" and fn.headerless:  # something typed where no header says what it is
        unreadable = missing(f"表头（{'、'.join(layout.FUNCTION_HEADERS)}）及各科目金额", f"“{fn.sheet}”工作表")
    total = fn.total(which)
    if total is None:
        return unreadable
    u = f.basic_unit(key)
    # a name that ends in a digit would run into its amount (科目2 + 1万元): 为 keeps them apart
    items = [f"{ln.name}{'为' if ln.name[-1:].isdigit() else ''}{_num(v, u)}" for ln in fn.lines if (v := getattr(ln, which)) is not None and abs(v) > 0.005]
    text = f"{label}按支出功能分类科目分：" + "；".join(items) + f"；以上合计{_num(total, u)}。" if items else f"{label}按支出功能分类科目合计{_num(total, u)}。"
    whole = f.basic_value(key)
    if whole is not None and abs(whole - total) > 0.005:
        text += missing(
            f"一致的金额：各科目{label}合计{_num(total, u)}，“基础数据”工作表的{label}为{_num(whole, u)}，相差{_num(abs(whole - total), u)}",
            f"“{fn.sheet}”工作表（或“基础数据”工作表）",
        )
    return join(text, unreadable)


def basic_by_function(f: Facts) -> str:
    return _by_function(f, "basic")


def project_by_function(f: Facts) -> str:
    return _by_function(f, "project")


# --- 项目资金绩效情况: each project's own figures ------------------------------------------------------

PROJECT_ROWS_SHOWN = 4  # rows named per group (主要产出 / 主要效益); the rest are counted


def project_results(f: Facts) -> str:
    """湖南 五（二）: one paragraph per project, its own figures (1．项目：全年预算数…，执行率…；
    自评得分…，评价为“优”。主要产出：…。主要效益：…。). A project whose total is 待定 says so with the
    reason, never a number. Each project's form is its annex 附件3-n (the 湖南 outline's 附件3, in the
    same order). "" without projects (the section is then left out)."""
    lines = [p for p in (f.projects or []) if p.evaluation is not None]
    if not lines:
        return ""
    head = f"本年度对{len(lines)}个项目开展了绩效自评，各项目绩效情况如下："
    return join(head, *(f"{n}．{_project_result(p, f.style, f'附件3-{n}')}" for n, p in enumerate(lines, 1)))


def _project_result(p: ProjectLine, style: str, annex: str) -> str:
    ev = p.evaluation
    assert ev is not None
    unit = ev.input.info.amount_unit or ev.budget.unit or "万元"
    b = ev.budget
    money = []
    if b.full_year is not None:
        money.append(f"全年预算数{_num(b.full_year, unit)}")
    if b.executed is not None:
        money.append(f"全年执行数{_num(b.executed, unit)}")
    if b.execution_rate is not None:
        money.append(f"执行率{pct(b.execution_rate)}")
    if ev.final and ev.total_score is not None:
        verdict = f"自评得分{points(ev.total_score)}，评价为“{grade_word(ev.grade, style)}”"
    else:
        # where and why, without the request that ends a finding (：请填写): the 待完善事项 asks
        said = [_ASKING.sub("", w.message) for w in ev.withheld[:2]]
        why = "；".join(f"{w.location}：{m}" if w.location else m for w, m in zip(ev.withheld, said)) or ev.draft_note
        verdict = f"自评得分待定（{why}），等级待定，须该项目自评表补正后确定"
    text = f"{p.name}：" + ("，".join(money) + "；" if money else "") + verdict + "。"
    for label, kinds in (("主要产出", ("产出",)), ("主要效益", ("效益", "满意度"))):
        rows = [r for r in ev.indicators if kind_of(r) in kinds and counted(r)]
        if rows:
            text += f"{label}：{_row_listing(rows, annex)}。"
    return text


def _row_listing(rows: list[IndicatorResult], annex: str) -> str:
    """The rows that say most first — short of target or 待定, then those with a figure — each with
    its actual beside its target; past PROJECT_ROWS_SHOWN the rest are counted."""
    def rank(r: IndicatorResult) -> int:
        if r.pending or not r.met:
            return 0
        return 1 if r.actual is not None and r.actual.number is not None else 2
    ordered = sorted(rows, key=rank)  # stable: the table's order within a rank
    shown = [_row_result(r) for r in ordered[:PROJECT_ROWS_SHOWN]]
    rest = len(ordered) - len(shown)
    return "；".join(shown) + (f"；另有{rest}项指标，详见{annex}" if rest else "")


_CLAUSE = re.compile(r"[，,；;。：:]")
_ASKING = re.compile(r"[：:]\s*请[^；。]*[。]?$")


def _row_result(r: IndicatorResult) -> str:
    name, target, actual = row_name(r), target_of(r), actual_of(r)
    if _CLAUSE.search(name):  # a name that is a sentence of its own is quoted, so its figure stays its own
        name = f"“{name}”"
    if not actual:
        return f"{name}实际完成值未填写（年度指标值{target}，得分待定）"
    if r.pending:
        return f"{name}实际完成{actual}（年度指标值{target}，得分待定）"
    if not r.met:
        return f"{name}实际完成{actual}（年度指标值{target}，未达到，扣{points(lost_of(r))}）"
    return f"{name}实际完成{actual}（年度指标值{target}）"
