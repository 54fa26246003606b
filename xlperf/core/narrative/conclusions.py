"""结论, 存在问题, 改进措施, 经验做法 and the 评价方法: what the score means and what follows from it.

存在问题 and 改进措施 are the unit's own text; left empty (or a bare 无) they get a draft drawn from
the lost points and the reasons typed beside them, and an open item that makes the report a 草稿.
"""

from __future__ import annotations

import re

from xlperf.core.enums import Direction
from xlperf.core.models import IndicatorResult
import xlperf.core.narrative.budget as budget
from xlperf.core.narrative.facts import BUDGET, Facts, actual_of, counted, is_unmet, lost_of, row_name, target_of
from xlperf.core.narrative.words import cn, is_nil, points, pct

_MEASURE_WORDS = ("将", "加强", "进一步", "改进", "完善", "强化", "督促")
_NOT_MEASURE = ("没有", "缺乏", "未", "不足")
_CLAUSE = re.compile(r"[；;。]")


def unmet(f: Facts) -> list[IndicatorResult]:
    return [r for r in f.ev.indicators if is_unmet(r)]


def score_sentence(f: Facts) -> str:
    """自评得分93.5分，等级为“优秀”。 (湖南: 评价为“优秀”; 陕西: 优秀等级 — each style's reference phrase, words.grade_word)."""
    ev = f.ev
    if not ev.final:
        return f"自评得分{ev.total_text}，等级待定。"
    if f.style == "湖南":
        return f"自评得分{points(ev.total_score)}，评价为“{f.grade(ev.grade)}”。"
    if f.style == "陕西":
        return f"自评得分{points(ev.total_score)}，{f.grade(ev.grade)}等级。"
    return f"自评得分{points(ev.total_score)}，等级为“{f.grade(ev.grade)}”。"


def total_phrase(f: Facts) -> str:
    """总得分93.5分，属于“优秀”。 (山西)"""
    ev = f.ev
    if not ev.final:
        return f"总得分{ev.total_text}，等级待定。"
    return f"总得分{points(ev.total_score)}，属于“{f.grade(ev.grade)}”。"


def shanxi_result(f: Facts) -> str:
    """山西 二、: the verdict after the factors it weighs (the unit's own 自评步骤及方法 when typed)."""
    own = f.field("method")
    lead = own.rstrip("。；;，, ") + "。" if not is_nil(own) else "综合考虑预算执行情况、产出、效益、服务对象满意度各方面因素，通过数据采集及分析，"
    return f"{lead}最终评分结果：{f.name}绩效自评价结果为：{total_phrase(f)}"


def _shortfall(r: IndicatorResult) -> str:
    reason = r.indicator.reason.strip().rstrip("。")
    return f"{row_name(r)}未达到年度指标值（年度指标值{target_of(r)}，实际完成{actual_of(r)}），扣{points(lost_of(r))}" + (f"，原因是{reason}" if reason else "")


def lost_points(f: Facts) -> list[str]:
    """One phrase per place points were lost, with the unit's reason (for 存在问题)."""
    parts = [p for p in (budget.execution_shortfall(f),) if p]
    parts += [_shortfall(r) for r in unmet(f)]
    parts += [
        f"{row_name(r)}实际完成为年度指标值的{pct(r.completion)}，目标设定可能偏低"
        for r in f.ev.indicators
        if r.met and counted(r) and r.direction != Direction.LESS and f.over_achieved(r)
    ]
    return parts


def problems(f: Facts) -> str:
    parts = lost_points(f)
    if len(parts) == 1:
        draft = parts[0] + "。"
    else:
        draft = "\n".join(f"{cn(i + 1)}是{p}。" for i, p in enumerate(parts))
    subject = "本部门" if f.is_department else "本项目"
    pending = any(r.pending for r in f.ev.indicators)
    nil = f"经自评，{subject}各项指标均已完成，未发现需要说明的问题。" if not pending else ""
    return f.required("problems", draft if parts else "", nil=nil, doubt="有指标得分待定" if pending else "")


def _measures_in(r: IndicatorResult) -> list[str]:
    """The clauses of a row's reason that say what will be done (将加强…), not what was lacking."""
    out = []
    for clause in _CLAUSE.split(r.indicator.reason):
        clause = clause.strip()
        if clause and any(w in clause for w in _MEASURE_WORDS) and not any(w in clause for w in _NOT_MEASURE):
            out.append(f"针对{row_name(r)}：{clause.lstrip('，,')}")
    return out


def measures(f: Facts) -> str:
    drafts = [d for r in unmet(f) + f.rows_of(BUDGET) for d in _measures_in(r)]
    done = not lost_points(f) and not any(r.pending for r in f.ev.indicators)
    nil = "各项指标均已完成，暂无需要专门改进的事项。" if done else ""
    return f.required("measures", "。".join(drafts) + "。" if drafts else "", nil=nil, doubt="" if done else "自评有扣分或得分待定的指标")


def experience(f: Facts) -> str:
    return f.required("experience")


def conclusion(f: Facts, with_goal: bool = True) -> str:
    """本项目自评得分…。共设置三级指标n项，m项达到年度指标值，未达到的是…。 (+ the goal's result).

    n is the rows of the table the reader sees (a 预算执行率 row included), the same number the
    评价方法 checks one by one; rows dropped as 不适用 are said apart."""
    rows = list(f.ev.indicators)
    scored = [r for r in rows if counted(r)]
    met = sum(1 for r in scored if r.met and not r.pending)
    dropped = len(rows) - len(scored)
    text = f"{f.name}{score_sentence(f)}共设置三级指标{len(rows)}项" + (f"（其中{dropped}项本年度不适用）" if dropped else "") + f"，{met}项达到年度指标值"
    short = [f"{row_name(r)}（扣{points(lost_of(r))}）" for r in scored if not r.met and not r.pending]
    if short:
        text += f"，未达到的是{'、'.join(short)}"
    pend = [row_name(r) for r in scored if r.pending]
    if pend:
        text += f"，{'、'.join(pend)}得分待定"
    text += "。"
    goal = f.field("annual_goal_result")
    return text + goal if with_goal and goal else text


def sichuan_conclusion(f: Facts) -> str:
    return conclusion(f, with_goal=False)


def method(f: Facts) -> str:
    own = f.field("method")
    if own and not is_nil(own):
        return own
    return (
        f"对照年度绩效目标，逐项核对{len(f.ev.indicators)}项三级指标的实际完成值，计算完成率并按评分规则评分；"
        "预算执行率按全年执行数除以全年预算数计算；定性指标按达成、部分达成、未达成三档评分。"
    )
