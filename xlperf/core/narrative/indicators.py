"""绩效指标 and 指标完成: the targets by type, and per 一级指标 one sentence of its score followed by
only the rows that deserve words — analysis, not the table read aloud."""

from __future__ import annotations

import re
from typing import Callable

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.enums import Direction
from xlperf.core.models import IndicatorResult
import xlperf.core.narrative.budget as budget
from xlperf.core.narrative.facts import BUDGET, KIND_LABEL, KIND_ORDER, Facts, actual_of, cap_of, counted, kind_of, lost_of, row_name, table_kind, target_of
from xlperf.core.narrative.words import cn_count, join, missing, numbered, pct, points

_ASK_REASON = "“绩效指标”表的偏差原因分析及改进措施"


# --- the targets -----------------------------------------------------------------------------------


def level2_label(name: str) -> str:
    name = name.strip()
    if not name:
        return "其他指标"
    return name if name.endswith("指标") else name + "指标"


def grouped(rows: list[IndicatorResult]) -> list[tuple[str, list[IndicatorResult]]]:
    """The rows under their 二级指标, in the order met."""
    groups: dict[str, list[IndicatorResult]] = {}
    for r in rows:
        groups.setdefault(level2_label(r.indicator.level2), []).append(r)
    return list(groups.items())


def item(r: IndicatorResult, value: str) -> str:
    """补助人数，3626人 — or the name alone when the value says nothing the name does not."""
    name = row_name(r)
    value = value.strip()
    if not value or V.normalize_text(value) in V.normalize_text(name):
        return name
    return f"{name}，{value}"


def listing(rows: list[IndicatorResult], value: Callable[[IndicatorResult], str]) -> str:
    """①a，x；②b，y  (a single item has no number)."""
    return numbered([item(r, value(r)) for r in rows])


def _by_level2(rows: list[IndicatorResult]) -> str:
    return "。".join(f"{label}：{listing(group, target_of)}" for label, group in grouped(rows))


def targets_by_type(f: Facts) -> str:
    """四川 style: 项目完成指标包括数量指标：①补助人数，3626人；②…。质量指标：…。"""
    leads = (("产出", "产出指标包括"), ("效益", "效益指标包括")) if f.is_department else (("产出", "项目完成指标包括"), ("效益", "项目效益指标包括"))
    paras = [lead + _by_level2(rows) + "。" for kind, lead in leads if (rows := f.rows_of(kind))]
    if rows := f.rows_of("满意度"):
        paras.append("满意度指标包括：" + listing(rows, target_of) + "。")
    paras += [f"{KIND_LABEL[kind]}包括" + _by_level2(rows) + "。" for kind in ("投入", "过程") if (rows := f.rows_of(kind))]
    return "\n".join(paras) if paras else missing("三级指标", "“绩效指标”表")


# --- one row -------------------------------------------------------------------------------------


def judged(r: IndicatorResult) -> str:
    """Why a row scored what it did when its figures alone do not say (a 完成率 of 98% scored 0):
    the hand-set score beside what the rules computed, or the tier a qualitative row was put in."""
    if r.indicator.manual_score is not None:
        computed = r.computed_score
        if computed is not None and abs((r.score or 0.0) - computed) > 0.004:
            return f"按完成情况计算得{points(computed)}，人工评定"
        return "经人工评分"
    if r.tier:
        return f"按定性指标评定为“{r.tier}”档"
    return ""


def _shortfall(r: IndicatorResult, said: str, reason: str) -> str:
    w = r.indicator.weight or 0.0
    how = judged(r)
    how = how if how.endswith("人工评定") or not how else how + "，"
    text = f"{said}，{how}得{points(r.score)}（满分{points(w)}），扣{points(lost_of(r))}"
    why = f"原因：{reason}" if reason else missing("未完成原因", _ASK_REASON)
    return f"{text}，{why}。"


_CAPPED = re.compile(r"^\s*(?:[≤<＜]|<=|不超过|不高于|低于|控制在)")
_SENTENCE = re.compile(r"确保|保证|达到|实现|[，,。；;]")


def _within_cap(r: IndicatorResult, name: str, actual: str) -> str:
    """A reverse row met: 购买服务成本控制在40万元以内，实际39.75万元. A 标准 is a standard, not a
    ceiling (人均补助标准：年度指标值280元/年，实际280元，符合标准); a name that is a sentence of its
    own (确保…) or a target that is not a number gets the figures after a colon, never 控制在 glued on."""
    cap = cap_of(r)
    target = target_of(r)
    typed_cap = bool(_CAPPED.match(target))
    if "标准" in name and not typed_cap:
        same = r.target is not None and r.actual is not None and r.target.number is not None and r.target.number == r.actual.number
        return f"{name}：年度指标值{target}，实际{actual}" + ("，符合标准。" if same else f"，未超过{cap}。")
    if "控制" in name or "以内" in name:
        return f"{name}：实际{actual}，未超过{cap}。"
    bare = r.target is not None and r.target.number is not None and r.target.kind in (V.NUMBER, V.PERCENT) and not r.target.label
    if not bare or _SENTENCE.search(name):
        return f"{name}：年度指标值{target}，实际{actual}，未超过{cap}。"
    return f"{name}控制在{cap}以内，实际{actual}。"


def _far_beyond(r: IndicatorResult, name: str, target: str, actual: str, reason: str) -> str:
    why = f"原因：{reason}" if reason else missing("超额完成的原因（年度指标值是否定得过低）", _ASK_REASON)
    return f"{name}实际完成{actual}，为年度指标值{target}的{pct(r.completion)}，大幅超额完成，{why}。"


def row_remark(f: Facts, r: IndicatorResult) -> str:
    """What a row deserves in words, or "" when the table says it all."""
    name, target, actual = row_name(r), target_of(r), actual_of(r) or "未填写"
    said = f"{name}：实际完成{actual}" if V.normalize_text(target) in V.normalize_text(name) else f"{name}：年度指标值{target}，实际完成{actual}"
    reason = r.indicator.reason.strip().rstrip("。")
    if not counted(r):
        return f"{name}本年度不适用，未计分。"
    if r.pending and r.incomplete:
        return f"{name}：{r.incomplete}，得分待定，请在“绩效指标”表中补填后重新计算。"
    if r.pending:
        return f"{said}，无法自动判定是否达成，得分待定，需人工评分。"
    if not r.met:
        return _shortfall(r, said, reason)
    if r.direction == Direction.LESS:
        return _within_cap(r, name, actual)
    if f.over_achieved(r):
        return _far_beyond(r, name, target, actual, reason)
    return ""


def remarks(f: Facts, rows: list[IndicatorResult]) -> str:
    return "".join(x for x in (row_remark(f, r) for r in rows) if x)


# --- per 一级指标 ----------------------------------------------------------------------------------


def _score_head(label: str, rows: list[IndicatorResult]) -> str:
    """产出指标4项全部完成，得50分（满分50分）。"""
    scored = [r for r in rows if counted(r)]
    n = len(scored)
    if n == 0:
        return f"{label}{len(rows)}项本年度均不适用，未计分。"
    met = sum(1 for r in scored if r.met and not r.pending)
    pend = sum(1 for r in scored if r.pending)
    weight = V.round_half_up(sum(r.indicator.weight or 0.0 for r in scored), 2)
    got = V.round_half_up(sum(r.score or 0.0 for r in scored if not r.pending), 2)
    if met == n:
        head = f"{label}{n}项全部完成" if n > 1 else f"{label}1项，已完成"
    elif met == 0 and not pend:
        head = f"{label}{n}项均未完全达到年度指标值" if n > 1 else f"{label}1项，未完全达到年度指标值"
    else:
        head = f"{label}{n}项，完成{met}项"
    if pend:
        return head + f"，{pend}项得分待定；已评定部分得{points(got)}（满分{points(weight)}）。"
    return head + f"，得{points(got)}（满分{points(weight)}）。"


def level1_paragraph(f: Facts, kind: str) -> str:
    """产出指标4项全部完成，得50分（满分50分）。 then the rows that deserve words."""
    rows = f.rows_of(kind)
    if not rows:
        return ""
    return _score_head(KIND_LABEL[kind], rows) + remarks(f, rows)


def analysis(f: Facts, *kinds: str) -> str:
    return "\n".join(p for p in (level1_paragraph(f, k) for k in kinds) if p)


def analysis_or_missing(f: Facts, *kinds: str) -> str:
    """The analysis, else where the table put these rows (满意度 under 效益指标), else a request."""
    text = analysis(f, *kinds)
    if text:
        return text
    elsewhere = [r for r in f.ev.indicators if kind_of(r) in kinds]
    if elsewhere:
        under = "、".join(dict.fromkeys(KIND_LABEL[table_kind(r)] if table_kind(r) in KIND_LABEL else "预算执行指标" for r in elsewhere))
        return f"{'、'.join(row_name(r) for r in elsewhere)}在绩效指标表中列于{under}之下，已在{under}中分析。"
    return missing("、".join(KIND_LABEL[k] for k in kinds), "“绩效指标”表")


def completion_by_type(f: Facts) -> str:
    """湖南 四、: the 预算执行率, then every kind of indicator in the order of the outline."""
    parts = [budget.paragraph(f)] if (f.own_budget_rows() or f.ev.budget.weight) else []
    parts += [level1_paragraph(f, k) for k in KIND_ORDER if f.rows_of(k)]
    return join(*parts) or missing("三级指标", "“绩效指标”表")


def _table_level1(f: Facts) -> list[tuple[str, list[IndicatorResult]]]:
    """The 一级指标 as the table shows them, in order: a 预算执行率 row stays under the 一级指标 it
    was typed under (投入管理指标), only one under its own (or none) is the budget's."""
    groups: dict[str, list[IndicatorResult]] = {}
    for r in f.ev.indicators:
        name = layout.LEVEL1_BUDGET if table_kind(r) == BUDGET else (r.indicator.level1 or "（未填一级指标）")
        groups.setdefault(name, []).append(r)
    return list(groups.items())


def level1_breakdown(f: Facts) -> str:
    """陕西: 产出指标主要从数量、质量、时效、成本四个方面进行评价，共50分，得50分。then the remarks."""
    paras = []
    b = f.ev.budget
    if b.present and not b.scored_in_indicators and b.weight:
        paras.append(budget.paragraph(f))
    for name, rows in _table_level1(f):
        if name == layout.LEVEL1_BUDGET:
            paras.append(budget.paragraph(f))
            continue
        level2 = list(dict.fromkeys(r.indicator.level2 for r in rows if r.indicator.level2))
        aspects = [x[:-2] if x.endswith("指标") else x for x in level2]
        lead = f"{name}主要从{'、'.join(aspects)}{cn_count(len(aspects))}个方面进行评价，" if aspects else f"{name}"
        weight = V.exact_sum([r.indicator.weight for r in rows])
        pending = sum(1 for r in rows if r.pending)
        score = V.exact_sum([r.score for r in rows if not r.pending and counted(r)])
        got = f"已评{points(score)}，另有{pending}项得分待定" if pending else f"得{points(score)}"
        paras.append(f"{lead}共{points(weight)}，{got}。{remarks(f, rows)}")
    return "\n".join(paras)
