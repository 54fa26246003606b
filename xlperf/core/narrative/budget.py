"""预算执行: the amounts, the funding sources, the approval and the 预算执行率 score with its reason."""

from __future__ import annotations

import re

from xlperf.core.narrative.facts import BUDGET, Facts, actual_of
from xlperf.core.narrative.words import is_nil, join, missing, pct, points

_DOC_NUMBER = re.compile(r"〔\d{4}〕|\[\d{4}\]|【\d{4}】|\d+号$")


def contradiction(f: Facts) -> str:
    """A budget block that cannot be right, said where the numbers are printed."""
    b = f.ev.budget
    if b.present and (b.full_year or 0.0) <= 1e-9 and (b.executed or 0.0) > 1e-9:
        return (
            f"【请核对“预算执行”表：全年预算数为{f.amount(b.full_year or 0.0)}，全年执行数却为{f.amount(b.executed)}，"
            "结余和执行率无法成立，改正后重新生成报告】"
        )
    return ""


def amounts(f: Facts) -> str:
    """全年预算数300万元，实际到位300万元，全年执行279.96万元，执行率93.32%，结余20.04万元。"""
    b = f.ev.budget
    if not b.present or (b.full_year is None and b.executed is None):
        return missing("全年预算数、实际到位数和全年执行数", "“预算执行”表")
    wrong = contradiction(f)
    if wrong:
        return wrong
    parts = [f"{label}{f.amount(v)}" for label, v in (("全年预算数", b.full_year), ("实际到位", b.received), ("全年执行", b.executed)) if v is not None]
    if b.execution_rate is not None:
        parts.append(f"执行率{pct(b.execution_rate)}")
    text = "，".join(parts)
    if b.balance is not None and abs(b.balance) > 1e-9:
        text += f"，结余{f.amount(b.balance)}"
    return text + "。"


def sources(f: Facts) -> str:
    """Which funding sources carried the budget, from the 预算执行 rows."""
    lines = [ln for ln in f.ev.input.budget.lines if ln.source.startswith("其中") and ln.full_year]
    if not lines:
        return ""
    full = f.ev.budget.full_year
    if len(lines) == 1 and full is not None and abs((lines[0].full_year or 0) - full) < 1e-6:
        return f"资金全部为{lines[0].source.replace('其中：', '')}资金。"
    return "其中" + "、".join(f"{ln.source.replace('其中：', '')}资金{f.amount(ln.full_year)}" for ln in lines) + "。"


def reason(f: Facts) -> str:
    """The unit's reason for the 预算执行率: the indicator row's, else the 预算执行 table's."""
    total = f.ev.input.budget.total
    rows = f.rows_of(BUDGET)
    if rows and rows[0].indicator.reason.strip():
        return rows[0].indicator.reason.strip()
    return total.reason.strip() if total is not None else ""


def _scored(f: Facts) -> tuple[float, float | None, str, bool] | None:
    """(weight, score, rate as written, pending) of the 预算执行率: the indicator row's, else the table's."""
    b = f.ev.budget
    rows = f.rows_of(BUDGET)
    if rows:
        r = rows[0]
        return r.indicator.weight or 0.0, r.score, actual_of(r) or "未填写", r.pending
    if b.present and b.weight and not contradiction(f):
        return b.weight, b.score, pct(b.execution_rate) if b.execution_rate is not None else "未填写", b.pending
    return None


def _lost_text(f: Facts, lost: float, from_row: bool) -> str:
    why = reason(f)
    if why:
        return f"，扣{points(lost)}，原因：{why.rstrip('。')}。"
    where = "“绩效指标”表的偏差原因分析及改进措施" if from_row else "“预算执行”表的偏差原因分析及改进措施"
    return f"，扣{points(lost)}，" + missing("预算执行率未达100%的原因", where) + "。"


def paragraph(f: Facts, facts: bool = False) -> str:
    """预算执行率93.1%，得9.31分（满分10分），扣0.69分，原因：…  (facts: the amounts first)."""
    b = f.ev.budget
    rows = f.rows_of(BUDGET)
    head = amounts(f) if facts else contradiction(f)
    scored = _scored(f)
    if scored is None:
        return head
    w, got, rate, pending = scored
    if pending:
        why = (rows[0].incomplete or "需人工评分") if rows else "“预算执行”表的全年预算数、全年执行数待填写或无法读取"
        text = f"预算执行率{rate}，得分待定（{why}）。"
    else:
        said = facts and not contradiction(f) and b.execution_rate is not None and not rows
        text = f"预算执行得{points(got)}（满分{points(w)}）" if said else f"预算执行率{rate}，得{points(got)}（满分{points(w)}）"
        lost = w - (got or 0.0)
        text += _lost_text(f, lost, bool(rows)) if lost > 0.004 else "。"
    return join(head, text) if head else text


def approval(f: Facts) -> str:
    """四川 (一)资金申报及批复情况: the 文号 in its sentence (根据盐财资行〔2021〕222号文件下达资金205.1万元)."""
    docs = f.field("approval_docs")
    if is_nil(docs):
        return join(missing("资金批复文号"), sources(f))
    full = f.ev.budget.full_year
    bare = len(docs) <= 60 and "。" not in docs and _DOC_NUMBER.search(docs) and not docs.startswith(("根据", "按照", "依据"))
    if bare:
        return join(f"根据{docs}文件下达资金" + (f.amount(full) if full else "") + "。", sources(f))
    return join(docs, sources(f))


def execution_shortfall(f: Facts) -> str:
    """For 存在问题: 预算执行率93.1%，资金未全部执行，原因是… ("" when all was spent or nothing is scored)."""
    rows = f.rows_of(BUDGET)
    b = f.ev.budget
    rate = rows[0].completion if rows else b.execution_rate
    if not ((rows or b.weight) and rate is not None and rate < 1 - 1e-9):
        return ""
    why = reason(f).rstrip("。")
    return f"预算执行率{pct(rate)}，资金未全部执行" + (f"，原因是{why}" if why else "")
