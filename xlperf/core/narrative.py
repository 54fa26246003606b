"""The narrative of the 自评报告: one outline per 报告样式, each section's text drawn from the workbook.

The prose analyses, it does not read the tables aloud: each 一级指标 opens with one sentence of its
score (产出指标4项全部完成，得50分（满分50分）), then only what deserves words — shortfalls with the
points lost and the unit's reason, large over-achievements, reverse indicators (成本控制在40万元以内),
rows whose score is 待定. Numbers are written as people write them (13分, 9.31分, 93.1%), values
carry their unit from the target, the actual or the indicator's name, grades are written in full.

A fact the workbook lacks is asked for in brackets (``【请在项目信息中填写立项依据】``), never
invented; a section the outline needs (存在问题, 改进措施, 经验做法) left empty — or written as a
bare 无 — gets a draft drawn from the findings and an entry in ``Section.open_items``, which makes
the report a 草稿. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.basicdata import BasicData, basic_data_of
from xlperf.core.models import Evaluation, IndicatorResult
from xlperf.core.scoring import GRADE_LONG, NA, REVERSE, _is_budget_row, config_from_info

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_NUM = "一二三四五六七八九十"


@dataclass
class Section:
    """One section of a report. ``path`` (headings joined by ' / ') names it in the 自评报告 sheet."""

    key: str
    heading: str
    level: int  # 1 一、 2 （一） 3 1.
    path: str = ""
    text: str = ""  # generated (or, after apply_final, the final) text; paragraphs separated by "\n"
    tables: list[str] = field(default_factory=list)  # tables that follow: budget, self_table, output, benefit, satisfaction, budget_indicator, payments, team, basic_data, project_summary, projects
    generated: bool = True  # False: the text is the officer's 定稿
    has_body: bool = True  # False: a heading only (no row in the 自评报告 sheet)
    open_items: list[str] = field(default_factory=list)  # what the officer must still do for this section

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


@dataclass(kw_only=True)
class ProjectLine:
    """One project of a department, for the per-project summary of 部门整体支出."""

    name: str
    budget: float | None = None  # 全年预算数, in ``unit``
    executed: float | None = None
    unit: str = "万元"
    score: float | None = None  # None: 待定
    grade: str = ""  # 优/良/中/差, "" when 待定
    errors: int = 0


def missing(what: str, where: str = "项目信息") -> str:
    return f"【请在{where}中填写{what}】"


def cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + (CN_NUM[n - 11] if n > 10 else "")
    return str(n)


def cn_count(n: int) -> str:
    """A count before a measure word: 两个方面, not 二个方面."""
    return "两" if n == 2 else cn(n)


# --- numbers and values as people write them --------------------------------------------------------


def points(value: float | None) -> str:
    """13分, 9.31分, 0分 (never 13.00分)."""
    return f"{V.format_number(value or 0.0, 2)}分"


def pct(fraction: float | None) -> str:
    """93.1%, 100%, 93.32% (never 93.10%)."""
    return f"{V.format_number((fraction or 0.0) * 100, 2)}%"


def grade_long(grade: str) -> str:
    return GRADE_LONG.get(grade, grade)


_NIL = {"无", "暂无", "没有", "无问题", "无建议", "/", "—", "-", "--", "－", "不适用"}


def is_nil(text: str) -> bool:
    """A field that says nothing: blank, 无, 暂无 …"""
    t = V.normalize_text(text or "").rstrip("。.;；")
    return not t or t in _NIL


_NAME_UNIT = re.compile(r"[（(]\s*([^（）()\d]{1,6}?)\s*[）)]\s*$")
_LEADING_OP = re.compile(r"^\s*(≥|≤|>=|<=|>|<|＞|＜|≧|≦|=|＝)\s*")


def name_unit(name: str) -> str:
    """The unit an indicator's name declares: 补助人数（人） -> 人, 项目完成率（%） -> %."""
    m = _NAME_UNIT.search(name or "")
    if not m:
        return ""
    u = m.group(1).strip()
    return "%" if u in ("%", "％") else u


def _unit_of(raw: str) -> str:
    p = V.parse_value(raw)
    if p.kind == V.PERCENT:
        return "%"
    if p.kind == V.NUMBER and p.unit:
        return p.unit
    if p.kind == V.YEAR and str(raw).strip().endswith("年"):
        return "年"
    return ""


def indicator_unit(r: IndicatorResult) -> str:
    """The unit of a row: its name's, else the target's, else the actual's."""
    return name_unit(r.indicator.level3) or _unit_of(r.target_display) or _unit_of(r.actual_display)


def with_unit(raw: str, unit: str) -> str:
    """A bare number gets the row's unit: 3 -> 3个, 98 -> 98%, 2021 -> 2021年."""
    raw = (raw or "").strip()
    if not raw or not unit:
        return raw
    p = V.parse_value(raw)
    if p.kind == V.NUMBER and not p.unit:
        return raw + unit
    if p.kind == V.YEAR and unit == "年" and not raw.endswith("年"):
        return raw + "年"
    return raw


def row_name(r: IndicatorResult) -> str:
    """The indicator as prose names it: 补助人数（人） -> 补助人数 (the unit goes with the value)."""
    name = (r.indicator.level3 or r.indicator.level2 or "").strip().rstrip("。；;，,")
    return _NAME_UNIT.sub("", name).strip() or name


def target_of(r: IndicatorResult) -> str:
    return with_unit(r.target_display, indicator_unit(r))


def actual_of(r: IndicatorResult) -> str:
    return with_unit(r.actual_display, indicator_unit(r))


def kind_of(r: IndicatorResult) -> str:
    """预算执行 / 产出 / 效益 / 满意度 / 投入 / 过程 / 其他. 满意度 rows under 效益指标 (湖南) are 满意度."""
    ind = r.indicator
    if _is_budget_row(ind):
        return "预算执行"
    if "满意度" in ind.level1 or "满意度" in ind.level2:
        return "满意度"
    for k in ("产出", "效益", "投入", "过程"):
        if k in ind.level1:
            return k
    return "其他"


KIND_LABEL = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "投入": "投入管理指标", "过程": "过程指标", "其他": "其他指标"}
KIND_ORDER = ("投入", "过程", "产出", "效益", "满意度", "其他")
_MEASURE_WORDS = ("将", "加强", "进一步", "改进", "完善", "强化", "督促")
_NOT_MEASURE = ("没有", "缺乏", "未", "不足")


# --- facts ----------------------------------------------------------------------------------------


class Facts:
    """Formatted facts of one evaluation, shared by all outlines."""

    def __init__(self, ev: Evaluation, basic: BasicData | None = None, projects: list[ProjectLine] | None = None):
        self.ev = ev
        self.info = ev.input.info
        self.unit = self.info.amount_unit or "万元"
        self.basic = basic
        self.projects = projects
        self.threshold = config_from_info(self.info.overachievement_threshold, self.info.reverse_formula)[0].overachievement_threshold
        self.open: list[str] = []  # open items of the section being written
        self._kinds: dict[str, list[IndicatorResult]] | None = None  # rows by kind_of, made on first use

    # numbers
    def amount(self, value: float | None, unit: str | None = None) -> str:
        return f"{V.format_number(value, 2)}{unit or self.unit}" if value is not None else ""

    def score(self, value: float | None) -> str:
        return V.format_score(value)

    @property
    def year(self) -> str:
        return re.sub(r"(年度|年)$", "", (self.info.year or "").strip())

    @property
    def name(self) -> str:
        return self.info.name or "本项目"

    @property
    def is_department(self) -> bool:
        return (self.info.evaluation_type or "").strip() == "部门整体支出"

    def field(self, attr: str) -> str:
        value = getattr(self.info, attr, "") or ""
        return value.strip()

    def field_or_missing(self, attr: str) -> str:
        own = self.field(attr)
        return own if not is_nil(own) else missing(self.info.label_of(attr))

    def required(self, attr: str, draft: str = "") -> str:
        """A section the outline needs: the workbook's text, else a draft from the findings (marked open)."""
        own = self.field(attr)
        if not is_nil(own):
            return own
        label = self.info.label_of(attr)
        if not draft:
            return missing(label)
        said = "只写了“无”" if own else "未填写"
        self.open.append(f"项目信息中“{label}”{said}：本节是程序根据自评结果拟写的草稿，请核改后填入项目信息或“自评报告”表的定稿列")
        return draft

    # groups of indicators
    def rows_of(self, kind: str) -> list[IndicatorResult]:
        if self._kinds is None:  # every outline asks for each kind several times
            self._kinds = {}
            for r in self.ev.indicators:
                self._kinds.setdefault(kind_of(r), []).append(r)
        return list(self._kinds.get(kind, ()))

    def by_level1(self, kind: str) -> list[IndicatorResult]:
        """kind: 产出 / 效益 / 满意度 / 投入 / 过程 (满意度 rows under 效益 count as 满意度)."""
        return self.rows_of(kind)

    @staticmethod
    def level2_label(name: str) -> str:
        name = name.strip()
        if not name:
            return "其他指标"
        return name if name.endswith("指标") else name + "指标"

    def grouped(self, rows: list[IndicatorResult]) -> list[tuple[str, list[IndicatorResult]]]:
        groups: dict[str, list[IndicatorResult]] = {}
        for r in rows:
            groups.setdefault(self.level2_label(r.indicator.level2), []).append(r)
        return list(groups.items())

    @staticmethod
    def item(r: IndicatorResult, value: str) -> str:
        name = row_name(r)
        value = value.strip()
        if not value or V.normalize_text(value) in V.normalize_text(name):
            return name
        return f"{name}，{value}"

    def listing(self, rows: list[IndicatorResult], value: Callable[[IndicatorResult], str]) -> str:
        """①a，x；②b，y  (a single item has no number)."""
        items = [self.item(r, value(r)) for r in rows]
        if len(items) == 1:
            return items[0]
        return "；".join(f"{CIRCLED[i] if i < len(CIRCLED) else str(i + 1) + '.'}{t}" for i, t in enumerate(items))

    def targets_by_type(self) -> str:
        """四川 style: 项目完成指标包括数量指标：①补助人数，3626人；②…。质量指标：…。"""
        paras = []
        leads = (("产出", "产出指标包括"), ("效益", "效益指标包括")) if self.is_department else (("产出", "项目完成指标包括"), ("效益", "项目效益指标包括"))
        for kind, lead in leads:
            rows = self.by_level1(kind)
            if not rows:
                continue
            parts = [f"{label}：{self.listing(group, target_of)}" for label, group in self.grouped(rows)]
            paras.append(lead + "。".join(parts) + "。")
        rows = self.by_level1("满意度")
        if rows:
            paras.append("满意度指标包括：" + self.listing(rows, target_of) + "。")
        for kind in ("投入", "过程"):
            rows = self.by_level1(kind)
            if rows:
                parts = [f"{label}：{self.listing(group, target_of)}" for label, group in self.grouped(rows)]
                paras.append(f"{KIND_LABEL[kind]}包括" + "。".join(parts) + "。")
        return "\n".join(paras) if paras else missing("三级指标", "“绩效指标”表")

    # --- the budget --------------------------------------------------------------------------------

    def budget_contradiction(self) -> str:
        """A budget block that cannot be right, said where the numbers are printed."""
        b = self.ev.budget
        if b.present and (b.full_year or 0.0) <= 1e-9 and (b.executed or 0.0) > 1e-9:
            return (
                f"【请核对“预算执行”表：全年预算数为{self.amount(b.full_year or 0.0)}，全年执行数却为{self.amount(b.executed)}，"
                "结余和执行率无法成立，改正后重新生成报告】"
            )
        return ""

    def budget_sentence(self) -> str:
        b = self.ev.budget
        if not b.present or (b.full_year is None and b.executed is None):
            return missing("全年预算数、实际到位数和全年执行数", "“预算执行”表")
        wrong = self.budget_contradiction()
        if wrong:
            return wrong
        parts = []
        if b.full_year is not None:
            parts.append(f"全年预算数{self.amount(b.full_year)}")
        if b.received is not None:
            parts.append(f"实际到位{self.amount(b.received)}")
        if b.executed is not None:
            parts.append(f"全年执行{self.amount(b.executed)}")
        if b.execution_rate is not None:
            parts.append(f"执行率{pct(b.execution_rate)}")
        text = "，".join(parts)
        if b.balance is not None and abs(b.balance) > 1e-9:
            text += f"，结余{self.amount(b.balance)}"
        return text + "。"

    def budget_sources(self) -> str:
        """Which funding sources carried the budget, from the 预算执行 rows."""
        lines = [ln for ln in self.ev.input.budget.lines if ln.source.startswith("其中") and ln.full_year]
        if not lines:
            return ""
        b = self.ev.budget
        if len(lines) == 1 and b.full_year is not None and abs((lines[0].full_year or 0) - b.full_year) < 1e-6:
            return f"资金全部为{lines[0].source.replace('其中：', '')}资金。"
        parts = [f"{ln.source.replace('其中：', '')}资金{self.amount(ln.full_year)}" for ln in lines]
        return "其中" + "、".join(parts) + "。"

    def budget_reason(self) -> str:
        total = self.ev.input.budget.total
        rows = self.rows_of("预算执行")
        if rows and rows[0].indicator.reason.strip():
            return rows[0].indicator.reason.strip()
        return total.reason.strip() if total is not None else ""

    def budget_paragraph(self, facts: bool = False) -> str:
        """预算执行率93.1%，得9.31分（满分10分），扣0.69分，原因：…  (facts: the amounts first)."""
        b = self.ev.budget
        rows = self.rows_of("预算执行")
        head = self.budget_sentence() if facts else self.budget_contradiction()
        if rows:
            r = rows[0]
            w, got, rate = r.indicator.weight or 0.0, r.score, actual_of(r) or "未填写"
            pending = r.pending
        elif b.present and b.weight and not self.budget_contradiction():
            w, got, rate, pending = b.weight, b.score, pct(b.execution_rate) if b.execution_rate is not None else "未填写", b.pending
        else:
            return head
        if pending and not rows:
            text = f"预算执行率{rate}，得分待定（“预算执行”表的全年预算数、全年执行数待填写或无法读取）。"
        elif pending:
            why = r.incomplete or "需人工评分"
            text = f"预算执行率{rate}，得分待定（{why}）。"
        else:
            lost = w - (got or 0.0)
            said = facts and not self.budget_contradiction() and b.execution_rate is not None and not rows
            text = f"预算执行得{points(got)}（满分{points(w)}）" if said else f"预算执行率{rate}，得{points(got)}（满分{points(w)}）"
            if lost > 0.004:
                reason = self.budget_reason()
                where = "“绩效指标”表的偏差原因分析及改进措施" if rows else "“预算执行”表的偏差原因分析及改进措施"
                text += f"，扣{points(lost)}，原因：{reason.rstrip('。')}。" if reason else f"，扣{points(lost)}，" + missing("预算执行率未达100%的原因", where) + "。"
            else:
                text += "。"
        return _join(head, text) if head else text

    # --- indicators: analysis, not the table read aloud ----------------------------------------------

    def row_remark(self, r: IndicatorResult) -> str:
        """What a row deserves in words, or "" when the table says it all."""
        name, target, actual = row_name(r), target_of(r), actual_of(r) or "未填写"
        w = r.indicator.weight or 0.0
        said = f"{name}：实际完成{actual}" if V.normalize_text(target) in V.normalize_text(name) else f"{name}：年度指标值{target}，实际完成{actual}"
        reason = r.indicator.reason.strip().rstrip("。")
        if r.direction == NA:
            return f"{name}本年度不适用，未计分。"
        if r.pending and r.incomplete:
            return f"{name}：{r.incomplete}，得分待定，请在“绩效指标”表中补填后重新计算。"
        if r.pending:
            return f"{said}，无法自动判定是否达成，得分待定，需人工评分。"
        if not r.met:
            lost = w - (r.score or 0.0)
            text = f"{said}，得{points(r.score)}（满分{points(w)}），扣{points(lost)}"
            why = f"原因：{reason}" if reason else missing("未完成原因", "“绩效指标”表的偏差原因分析及改进措施")
            return f"{text}，{why}。"
        if r.direction == REVERSE:
            cap = _LEADING_OP.sub("", target)
            if "控制" in name or "以内" in name:
                return f"{name}：实际{actual}，未超过{cap}。"
            return f"{name}控制在{cap}以内，实际{actual}。"
        if r.completion is not None and r.completion >= self.threshold - 1e-9:
            why = f"原因：{reason}" if reason else missing("超额完成的原因（年度指标值是否定得过低）", "“绩效指标”表的偏差原因分析及改进措施")
            return f"{name}实际完成{actual}，为年度指标值{target}的{pct(r.completion)}，大幅超额完成，{why}。"
        return ""

    def level1_paragraph(self, kind: str) -> str:
        """产出指标4项全部完成，得50分（满分50分）。 then the rows that deserve words."""
        rows = self.rows_of(kind)
        if not rows:
            return ""
        label = KIND_LABEL[kind]
        counted = [r for r in rows if r.direction != NA]
        n = len(counted)
        met = sum(1 for r in counted if r.met and not r.pending)
        pend = sum(1 for r in counted if r.pending)
        weight = V.round_half_up(sum(r.indicator.weight or 0.0 for r in counted), 2)
        got = V.round_half_up(sum(r.score or 0.0 for r in counted if not r.pending), 2)
        if n == 0:
            head = f"{label}{len(rows)}项本年度均不适用，未计分。"
        else:
            if met == n:
                head = f"{label}{n}项全部完成" if n > 1 else f"{label}1项，已完成"
            elif met == 0 and not pend:
                head = f"{label}{n}项均未完全达到年度指标值"
            else:
                head = f"{label}{n}项，完成{met}项"
            if pend:
                head += f"，{pend}项得分待定；已评定部分得{points(got)}（满分{points(weight)}）。"
            else:
                head += f"，得{points(got)}（满分{points(weight)}）。"
        remarks = [self.row_remark(r) for r in rows]
        return head + "".join(x for x in remarks if x)

    def analysis(self, *kinds: str) -> str:
        paras = [self.level1_paragraph(k) for k in kinds]
        return "\n".join(p for p in paras if p)

    def analysis_or_missing(self, *kinds: str) -> str:
        text = self.analysis(*kinds)
        return text or missing("、".join(KIND_LABEL[k] for k in kinds), "“绩效指标”表")

    def completion_by_type(self) -> str:
        kinds = [k for k in KIND_ORDER if self.rows_of(k)]
        parts = [self.budget_paragraph()] if (self.rows_of("预算执行") or self.ev.budget.weight) else []
        parts += [self.level1_paragraph(k) for k in kinds]
        text = _join(*parts)
        return text or missing("三级指标", "“绩效指标”表")

    # --- summary sentences ---------------------------------------------------------------------------

    def unmet(self) -> list[IndicatorResult]:
        return [r for r in self.ev.indicators if not r.met and r.direction != NA and not r.pending and kind_of(r) != "预算执行"]

    def score_sentence(self) -> str:
        ev = self.ev
        if not ev.final:
            return f"自评得分{ev.total_text}，等级待定。"
        return f"自评得分{points(ev.total_score)}，等级为“{grade_long(ev.grade)}”。"

    def total_phrase(self) -> str:
        ev = self.ev
        if not ev.final:
            return f"总得分{ev.total_text}，等级待定。"
        return f"总得分{points(ev.total_score)}，属于“{grade_long(ev.grade)}”。"

    def level1_breakdown(self) -> str:
        """陕西: 产出指标主要从数量、质量、时效、成本四个方面进行评价，共50分，得50分。then the remarks."""
        paras = []
        for s in self.ev.level1:
            if s.name == layout.LEVEL1_BUDGET:
                paras.append(self.budget_paragraph())
                continue
            aspects = [x[:-2] if x.endswith("指标") else x for x in s.level2]
            lead = f"{s.name}主要从{'、'.join(aspects)}{cn_count(len(aspects))}个方面进行评价，" if aspects else f"{s.name}"
            got = f"已评{points(s.score)}，另有{s.pending}项得分待定" if s.pending else f"得{points(s.score)}"
            rows = [r for r in self.ev.indicators if (r.indicator.level1 or "（未填一级指标）") == s.name and not _is_budget_row(r.indicator)]
            remarks = "".join(x for x in (self.row_remark(r) for r in rows) if x)
            paras.append(f"{lead}共{points(s.weight)}，{got}。{remarks}")
        return "\n".join(paras)

    def lost_points(self) -> list[str]:
        """One phrase per place points were lost, with the unit's reason (for 存在问题)."""
        parts = []
        rows = self.rows_of("预算执行")
        b = self.ev.budget
        rate = rows[0].completion if rows else b.execution_rate
        if (rows or b.weight) and rate is not None and rate < 1 - 1e-9:
            reason = self.budget_reason().rstrip("。")
            parts.append(f"预算执行率{pct(rate)}，资金未全部执行" + (f"，原因是{reason}" if reason else ""))
        for r in self.unmet():
            reason = r.indicator.reason.strip().rstrip("。")
            lost = (r.indicator.weight or 0.0) - (r.score or 0.0)
            parts.append(f"{row_name(r)}未达到年度指标值（年度指标值{target_of(r)}，实际完成{actual_of(r)}），扣{points(lost)}" + (f"，原因是{reason}" if reason else ""))
        for r in self.ev.indicators:
            if r.met and r.direction not in (NA, REVERSE) and r.completion is not None and r.completion >= self.threshold - 1e-9:
                parts.append(f"{row_name(r)}实际完成为年度指标值的{pct(r.completion)}，目标设定可能偏低")
        return parts

    def problems(self) -> str:
        parts = self.lost_points()
        if len(parts) == 1:
            draft = parts[0] + "。"
        else:
            draft = "\n".join(f"{cn(i + 1)}是{p}。" for i, p in enumerate(parts))
        return self.required("problems", draft if parts else "")

    def measures(self) -> str:
        drafts = []
        for r in self.unmet() + self.rows_of("预算执行"):
            for clause in re.split(r"[；;。]", r.indicator.reason):
                clause = clause.strip()
                if clause and any(w in clause for w in _MEASURE_WORDS) and not any(w in clause for w in _NOT_MEASURE):
                    drafts.append(f"针对{row_name(r)}：{clause.lstrip('，,')}")
        return self.required("measures", "。".join(drafts) + "。" if drafts else "")

    def experience(self) -> str:
        return self.required("experience")

    def conclusion(self, with_goal: bool = True) -> str:
        rows = [r for r in self.ev.indicators if r.direction != NA and kind_of(r) != "预算执行"]
        met = sum(1 for r in rows if r.met and not r.pending)
        text = f"{self.name}{self.score_sentence()}共设置三级指标{len(rows)}项，{met}项达到年度指标值"
        unmet = [f"{row_name(r)}（扣{points((r.indicator.weight or 0) - (r.score or 0))}）" for r in self.unmet()]
        if unmet:
            text += f"，未达到的是{'、'.join(unmet)}"
        pend = [row_name(r) for r in rows if r.pending]
        if pend:
            text += f"，{'、'.join(pend)}得分待定"
        text += "。"
        goal = self.field("annual_goal_result")
        if with_goal and goal:
            text += goal
        return text

    def method(self) -> str:
        own = self.field("method")
        if own and not is_nil(own):
            return own
        n = len(self.ev.indicators)
        return (
            f"对照年度绩效目标，逐项核对{n}项三级指标的实际完成值，计算完成率并按评分规则评分；"
            "预算执行率按全年执行数除以全年预算数计算；定性指标按达成、部分达成、未达成三档评分。"
        )

    def approval(self) -> str:
        """四川 (一)资金申报及批复情况: the 文号 in its sentence (根据盐财资行〔2021〕222号文件下达资金205.1万元)."""
        docs = self.field("approval_docs")
        if is_nil(docs):
            return _join(missing("资金批复文号"), self.budget_sources())
        full = self.ev.budget.full_year
        bare = len(docs) <= 60 and "。" not in docs and re.search(r"〔\d{4}〕|\[\d{4}\]|【\d{4}】|\d+号$", docs) and not docs.startswith(("根据", "按照", "依据"))
        if bare:
            text = f"根据{docs}文件下达资金" + (self.amount(full) if full else "") + "。"
            return _join(text, self.budget_sources())
        return _join(docs, self.budget_sources())

    # --- 部门整体支出: the 基础数据 sheet and the projects ------------------------------------------

    def _basic(self, key: str, which: str = "actual") -> float | None:
        return self.basic.value(key, which) if self.basic is not None else None

    def _basic_unit(self, key: str) -> str:
        item = self.basic.get(key) if self.basic is not None else None
        return (item.unit if item is not None and item.unit else "万元")

    def _ask_basic(self, what: str) -> str:
        return missing(what, "“基础数据”工作表")

    @staticmethod
    def _change(now: float | None, before: float | None, unit: str) -> str:
        """比上年增加2万元（增长5.1%） / 比上年减少… / 与上年持平."""
        if now is None or before is None:
            return ""
        diff = now - before
        if abs(diff) < 0.005:
            return "与上年持平"
        word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
        rate = f"（{rate_word}{pct(abs(diff) / before)}）" if abs(before) > 1e-9 else ""
        return f"比上年{word}{V.format_number(abs(diff), 2)}{unit}{rate}"

    def staff(self) -> str:
        quota, actual = self._basic("staff_quota"), self._basic("staff_actual")
        if quota is None and actual is None:
            return self._ask_basic("编制数和实有人数")
        parts = []
        if quota is not None:
            parts.append(f"核定编制{V.format_number(quota, 0)}人")
        if actual is not None:
            parts.append(f"年末实有人数{V.format_number(actual, 0)}人")
        text = "，".join(parts)
        if quota is not None and actual is not None:
            gap = actual - quota
            text += f"，超编{V.format_number(gap, 0)}人" if gap > 0 else (f"，空编{V.format_number(-gap, 0)}人" if gap < 0 else "，满编")
        change = self._change(actual, self._basic("staff_actual", "prior"), "人")
        return text + (f"，实有人数{change}" if change else "") + "。"

    def money_structure(self) -> str:
        """收入合计 and 支出合计 (整体支出规模) with their parts and the change on last year."""
        paras = []
        inc = self._basic("income_total")
        if inc is not None:
            u = self._basic_unit("income_total")
            parts = [f"{label}{V.format_number(v, 2)}{u}（占{pct(v / inc)}）" for key, label in (("income_fiscal", "财政拨款收入"), ("income_other", "其他收入")) if (v := self._basic(key)) is not None and inc]
            paras.append(f"{self.year}年部门收入合计{V.format_number(inc, 2)}{u}" + (f"，其中{'、'.join(parts)}" if parts else "") + "。")
        total = self._basic("spend_total")
        if total is None:
            paras.append(self._ask_basic("支出合计（整体支出规模）、基本支出和项目支出"))
            return "\n".join(paras)
        u = self._basic_unit("spend_total")
        text = f"部门整体支出规模{V.format_number(total, 2)}{u}"
        change = self._change(total, self._basic("spend_total", "prior"), u)
        budget = self._basic("spend_total", "budget")
        if change:
            text += f"，{change}"
        if budget:
            text += f"，为预算数{V.format_number(budget, 2)}{u}的{pct(total / budget)}"
        paras.append(text + "。")
        return "\n".join(paras)

    def basic_spending(self) -> str:
        total, basic = self._basic("spend_total"), self._basic("spend_basic")
        if basic is None:
            return self._ask_basic("基本支出")
        u = self._basic_unit("spend_basic")
        text = f"基本支出{V.format_number(basic, 2)}{u}" + (f"，占支出合计的{pct(basic / total)}" if total else "")
        parts = [f"{label}{V.format_number(v, 2)}{u}" for key, label in (("spend_personnel", "人员经费"), ("spend_public", "公用经费")) if (v := self._basic(key)) is not None]
        if parts:
            text += "，其中" + "、".join(parts)
        budget = self._basic("spend_basic", "budget")
        if budget:
            text += f"；预算数{V.format_number(budget, 2)}{u}，执行率{pct(basic / budget)}"
        return text + "。"

    def project_spending(self) -> str:
        total, spent = self._basic("spend_total"), self._basic("spend_project")
        parts = []
        if spent is None:
            parts.append(self._ask_basic("项目支出"))
        else:
            u = self._basic_unit("spend_project")
            text = f"项目支出{V.format_number(spent, 2)}{u}" + (f"，占支出合计的{pct(spent / total)}" if total else "")
            budget = self._basic("spend_project", "budget")
            if budget:
                text += f"；预算数{V.format_number(budget, 2)}{u}，执行率{pct(spent / budget)}"
            parts.append(text + "。")
        parts.append(self.projects_sentence())
        return _join(*parts)

    def projects_sentence(self) -> str:
        if not self.projects:
            return ""
        n = len(self.projects)
        decided = [p for p in self.projects if p.score is not None]
        grades = {}
        for p in decided:
            grades[grade_long(p.grade)] = grades.get(grade_long(p.grade), 0) + 1
        text = f"本年度对{n}个项目开展了绩效自评"
        if grades:
            text += "，其中" + "、".join(f"{g}{c}个" for g, c in sorted(grades.items(), key=lambda x: ["优秀", "良好", "中", "差"].index(x[0]) if x[0] in ("优秀", "良好", "中", "差") else 9))
        pend = n - len(decided)
        if pend:
            text += f"，{pend}个项目得分待定"
        low = [p for p in decided if p.score is not None and p.score < 80]
        if low:
            text += "；得分较低的是" + "、".join(f"{p.name}（{points(p.score)}）" for p in low)
        return text + "。各项目得分见下表及附件3。"

    def three_public(self) -> str:
        total = self._basic("sangong_total")
        if total is None:
            return self._ask_basic("三公经费（合计及因公出国（境）费、公务用车购置及运行维护费、公务接待费）")
        u = self._basic_unit("sangong_total")
        text = f"“三公”经费支出{V.format_number(total, 2)}{u}"
        change = self._change(total, self._basic("sangong_total", "prior"), u)
        if change:
            text += f"，{change}"
        budget = self._basic("sangong_total", "budget")
        if budget is not None:
            text += f"，控制在预算数{V.format_number(budget, 2)}{u}以内" if total <= budget + 1e-9 else f"，超出预算数{V.format_number(budget, 2)}{u}"
        items = [(label, v) for key, label in (("sangong_abroad", "因公出国（境）费"), ("sangong_car", "公务用车购置及运行维护费"), ("sangong_reception", "公务接待费")) if (v := self._basic(key)) is not None]
        spent = [f"{label}{V.format_number(v, 2)}{u}" for label, v in items if abs(v) > 1e-9]
        none = [label for label, v in items if abs(v) <= 1e-9]
        if spent:
            text += "。其中" + "，".join(spent)
        if none:
            text += f"；未发生{'、'.join(none)}"
        return text + "。"


# --- outlines ------------------------------------------------------------------------------------

Spec = tuple[str, str, int, Callable[[Facts], str] | None, tuple[str, ...]]


def _general(f: Facts) -> list[Spec]:
    return [
        ("g1", "一、基本情况", 1, None, ()),
        ("g1.1", "（一）项目概况", 2, lambda f: _join(f.field_or_missing("overview"), _labelled("立项依据", f.field("basis")), _labelled("主管部门职能", f.field("duties"))), ()),
        ("g1.2", "（二）项目绩效目标", 2, lambda f: _join(_labelled("年度总体目标", f.field("annual_goal")) or missing("年度总体目标"), f.targets_by_type()), ()),
        ("g1.3", "（三）资金投入和使用情况", 2, lambda f: _join(f.budget_paragraph(), f.budget_sources(), _labelled("资金分配原则", f.field("allocation")), f.field("fund_rules")), ("budget",)),
        ("g2", "二、评价工作开展情况", 1, lambda f: f.method(), ()),
        ("g3", "三、综合评价及结论", 1, lambda f: f.conclusion(), ()),
        ("g4", "四、绩效指标分析", 1, None, ()),
        ("g4.1", "（一）项目决策和过程情况", 2, lambda f: _join(f.field_or_missing("implementation"), f.field("finance_management")), ()),
        ("g4.2", "（二）项目产出情况", 2, lambda f: f.analysis_or_missing("产出"), ("output",)),
        ("g4.3", "（三）项目效益情况", 2, lambda f: f.analysis_or_missing("效益", "满意度"), ("benefit", "satisfaction")),
        ("g5", "五、主要经验及做法、存在的问题及原因分析", 1, lambda f: _join(_labelled("主要经验做法", f.experience()), _labelled("存在问题", f.problems())), ()),
        ("g6", "六、有关建议", 1, lambda f: f.measures(), ()),
        ("g7", "附件：项目支出绩效自评表", 1, None, ("self_table",)),
    ]


def _sichuan(f: Facts) -> list[Spec]:
    return [
        ("s1", "一、项目概况", 1, None, ()),
        ("s1.1", "（一）项目基本情况。", 2, None, ()),
        ("s1.1.1", "1.项目主管部门（单位）在该项目管理中的职能。", 3, lambda f: f.field_or_missing("duties"), ()),
        ("s1.1.2", "2.项目立项、资金申报的依据。", 3, lambda f: f.field_or_missing("basis"), ()),
        ("s1.1.3", "3.资金管理办法制定情况，资金支持具体项目的条件、范围与支持方式概况。", 3, lambda f: f.field_or_missing("fund_rules"), ()),
        ("s1.1.4", "4.资金分配的原则及考虑因素。", 3, lambda f: f.field_or_missing("allocation"), ()),
        ("s1.2", "（二）项目绩效目标。", 2, None, ()),
        ("s1.2.1", "1.项目主要内容。", 3, lambda f: f.field("overview") or f.field_or_missing("annual_goal"), ()),
        ("s1.2.2", "2.项目应实现的具体绩效目标。", 3, lambda f: f.targets_by_type(), ()),
        ("s1.3", "（三）项目自评步骤及方法。", 2, lambda f: f.method(), ()),
        ("s2", "二、项目资金申报及使用情况", 1, None, ()),
        ("s2.1", "（一）项目资金申报及批复情况。", 2, lambda f: f.approval(), ()),
        ("s2.2", "（二）资金计划、到位及使用情况。", 2, lambda f: f.budget_paragraph(facts=True), ()),
        ("s2.3", "（三）项目财务管理情况。", 2, lambda f: f.field_or_missing("finance_management"), ()),
        ("s3", "三、项目实施及管理情况", 1, lambda f: f.field_or_missing("implementation"), ()),
        ("s4", "四、项目绩效情况", 1, None, ()),
        ("s4.1", "（一）项目完成情况。", 2, lambda f: _join(f.field("annual_goal_result"), f.analysis_or_missing("产出")), ()),
        ("s4.2", "（二）项目效益情况。", 2, lambda f: f.analysis_or_missing("效益", "满意度"), ()),
        ("s5", "五、评价结论及建议", 1, None, ()),
        ("s5.1", "（一）评价结论。", 2, lambda f: f.conclusion(with_goal=False), ()),
        ("s5.2", "（二）存在的问题。", 2, lambda f: f.problems(), ()),
        ("s5.3", "（三）相关建议。", 2, lambda f: f.measures(), ()),
    ]


def _shanxi(f: Facts) -> list[Spec]:
    return [
        ("x1", "一、项目的基本情况", 1, None, ()),
        ("x1.1", "（一）项目概况", 2, lambda f: _join(_labelled("项目概况", f.field_or_missing("overview")), _labelled("立项依据", f.field_or_missing("basis")), _labelled("资金分配原则", f.field_or_missing("allocation")), _labelled("保证项目实施的措施与制度", f.field("fund_rules")), _labelled("项目实施计划", f.field("implementation"))), ()),
        ("x1.2", "（二）预算执行情况", 2, lambda f: f.budget_contradiction(), ("budget",)),
        # the indicators' targets are in the tables of 二、 and the annex: the goal is said in words only
        ("x1.3", "（三）项目绩效目标", 2, lambda f: f.field_or_missing("annual_goal"), ()),
        ("x2", "二、项目绩效情况", 1, lambda f: f"综合考虑预算执行情况、产出、效益、服务对象满意度各方面因素，通过数据采集及分析，最终评分结果：{f.name}绩效自评价结果为：{f.total_phrase()}", ()),
        ("x2.1", "（一）预算执行情况", 2, None, ("budget_indicator",)),
        ("x2.2", "（二）项目产出情况", 2, None, ("output",)),
        ("x2.3", "（三）项目效益情况", 2, None, ("benefit",)),
        ("x2.4", "（四）项目满意度情况", 2, None, ("satisfaction",)),
        ("x3", "三、项目绩效分析", 1, None, ()),
        ("x3.1", "1.项目实施和预算执行情况及分析", 3, lambda f: _join(f.field("implementation") or missing("实施及管理情况"), f.budget_paragraph()), ()),
        ("x3.2", "2.产出情况及分析", 3, lambda f: _join(_labelled("年度总体目标完成情况", f.field_or_missing("annual_goal_result")), f.analysis_or_missing("产出")), ()),
        ("x3.3", "3.效益情况及分析", 3, lambda f: f.analysis_or_missing("效益"), ()),
        ("x3.4", "4.满意度情况及分析", 3, lambda f: f.analysis_or_missing("满意度"), ()),
        ("x4", "四、项目主要经验做法", 1, lambda f: f.experience(), ()),
        ("x5", "五、项目管理中存在问题及原因分析", 1, lambda f: f.problems(), ()),
        ("x6", "六、进一步加强项目管理措施及建议", 1, lambda f: f.measures(), ()),
        ("x7", "附件1.项目支出绩效自评表", 1, None, ("self_table",)),
    ]


def _shaanxi(f: Facts) -> list[Spec]:
    return [
        ("v0", "项目支出绩效自评表", 1, None, ("self_table",)),
        ("v1", "一、项目概况", 1, lambda f: _join(f.field_or_missing("overview"), _labelled("立项依据", f.field("basis")), _labelled("年度绩效目标", f.field("annual_goal"))), ()),
        ("v2", "二、项目资金使用及管理情况", 1, lambda f: _join(f.budget_sentence(), f.budget_sources(), f.field("fund_rules"), f.field("finance_management")), ("payments",)),
        ("v3", "三、项目评价及绩效分析", 1, lambda f: _join(f.score_sentence(), f.level1_breakdown()), ()),
        ("v4", "四、存在问题与改进措施", 1, lambda f: _join(_labelled("存在问题", f.problems()), _labelled("改进措施", f.measures())), ()),
        ("v5", "五、自评小组", 1, None, ("team",)),
    ]


def _hunan(f: Facts) -> list[Spec]:
    return [
        ("h1", "一、部门概况", 1, None, ()),
        ("h1.1", "（一）部门职能", 2, lambda f: _join(f.field_or_missing("duties"), f.field("overview")), ()),
        ("h1.2", "（二）机构和人员情况", 2, lambda f: f.staff(), ()),
        ("h2", "二、部门整体支出管理及使用情况", 1, None, ()),
        ("h2.1", "（一）收支总体情况", 2, lambda f: _join(f.money_structure(), f.budget_contradiction()), ("budget",)),
        ("h2.2", "（二）基本支出情况", 2, lambda f: f.basic_spending(), ()),
        ("h2.3", "（三）项目支出情况", 2, lambda f: f.project_spending(), ("project_summary",)),
        ("h2.4", "（四）“三公”经费情况", 2, lambda f: f.three_public(), ()),
        ("h3", "三、部门整体支出绩效目标", 1, lambda f: _join(f.field_or_missing("annual_goal"), f.targets_by_type()), ()),
        ("h4", "四、部门整体支出绩效情况", 1, lambda f: _join(f.completion_by_type(), f.field("annual_goal_result")), ()),
        ("h5", "五、存在的问题及原因分析", 1, lambda f: f.problems(), ()),
        ("h6", "六、下一步改进措施", 1, lambda f: f.measures(), ()),
        ("h7", "七、部门整体支出绩效自评结果拟应用和公开情况", 1, lambda f: f.info.extra.get("结果应用和公开情况", "") or missing("结果应用和公开情况"), ()),
        ("h8", "八、评价等级", 1, lambda f: f.score_sentence(), ()),
        ("h9", "附件1：部门整体支出绩效评价基础数据表", 1, None, ("basic_data",)),
        ("h10", "附件2：部门整体支出绩效自评表", 1, None, ("self_table",)),
        ("h11", "附件3：项目支出绩效自评表", 1, None, ("projects",)),
    ]


OUTLINES: dict[str, Callable[[Facts], list[Spec]]] = {
    "通用": _general,
    "四川": _sichuan,
    "山西": _shanxi,
    "陕西": _shaanxi,
    "湖南": _hunan,
}


def style_mismatch(style: str, evaluation_type: str) -> str:
    """A Chinese sentence when ``style``'s outline is written for another evaluation type, else ""."""
    meant = layout.STYLE_TYPES.get(style)
    etype = (evaluation_type or "项目支出").strip() or "项目支出"
    if not meant or meant == etype:
        return ""
    others = "、".join(s for s in layout.REPORT_STYLES if layout.STYLE_TYPES.get(s, etype) == etype)
    return f"报告样式“{style}”是{meant}的提纲，本工作簿的评价类型是“{etype}”；请改用：{others}"


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _labelled(label: str, text: str) -> str:
    return f"{label}：{text}" if text else ""


def generate(ev: Evaluation, style: str | None = None, *, basic: BasicData | None = None, projects: list[ProjectLine] | None = None) -> list[Section]:
    """The sections of the report in the chosen (or the workbook's) style, with generated text.

    ``basic``: the parsed 基础数据 sheet (部门整体支出); ``projects``: the department's projects.
    """
    style = style or ev.input.info.style or "通用"
    if style not in OUTLINES:
        style = "通用"
    facts = Facts(ev, basic, projects)
    sections: list[Section] = []
    trail: dict[int, str] = {}
    for key, heading, level, make_text, tables in OUTLINES[style](facts):
        trail[level] = heading
        for deeper in [k for k in trail if k > level]:
            del trail[deeper]
        path = " / ".join(trail[k] for k in sorted(trail))
        facts.open = []
        text = make_text(facts) if make_text else ""
        sections.append(
            Section(key=key, heading=heading, level=level, path=path, text=text, tables=list(tables), has_body=make_text is not None, open_items=list(facts.open))
        )
    return sections


def apply_final(sections: list[Section], finals: dict[str, str]) -> list[Section]:
    """Use the officer's 定稿 wherever it is filled."""
    for s in sections:
        final = finals.get(s.path, "").strip()
        if final:
            s.text = final
            s.generated = False
            s.open_items = []  # the officer's own text settles what the draft asked for
    return sections


# --- the 自评报告 sheet ----------------------------------------------------------------------------


def read_finals(grid: list[list[Any]]) -> dict[str, str]:
    """{章节: 定稿} from the sheet (header row found by name)."""
    from xlperf.core.grid import cell, find_header, text_of

    hit = find_header(grid, layout.NARRATIVE_HEADERS, {}, 2)
    if not hit:
        return {}
    row, cols, _ = hit
    c_sec, c_fin = cols.get("章节"), cols.get("定稿")
    if not c_sec or not c_fin:
        return {}
    finals: dict[str, str] = {}
    for r in range(row + 1, len(grid) + 1):
        sec = text_of(cell(grid, r, c_sec))
        fin = cell(grid, r, c_fin)
        if sec and fin is not None and text_of(fin):
            finals[sec] = fin if isinstance(fin, str) else text_of(fin)
    return finals


CUT_NOTE = "……【此节超过 Excel 单元格上限，此处只显示前一部分；生成的报告中为全文】"


def narrative_block(ev: Evaluation, names: list[str], grids: dict[str, list[list[Any]]]):
    """The block that refreshes 自动生成 and keeps every 定稿 (moved with its section if rows changed)."""
    from xlperf.core.book import KEEP
    from xlperf.core.grid import cell, find_header, locate_sheets, text_of

    sheet = locate_sheets(names)[layout.SHEET_NARRATIVE] or layout.SHEET_NARRATIVE
    grid = grids.get(sheet, [])
    sections = [s for s in generate(ev, basic=basic_data_of(grids)) if s.has_body]
    hit = find_header(grid, layout.NARRATIVE_HEADERS, {}, 2) if grid else None
    header_row = hit[0] if hit else 1
    # old rows: (章节, 定稿 raw value)
    old: list[tuple[str, Any]] = []
    if hit:
        cols = hit[1]
        for r in range(header_row + 1, len(grid) + 1):
            sec = text_of(cell(grid, r, cols.get("章节", 1)))
            fin = cell(grid, r, cols.get("定稿", 3))
            auto = cell(grid, r, cols.get("自动生成", 2))
            if sec or fin is not None or auto is not None:
                old.append((sec, fin))
    finals = {sec: fin for sec, fin in old if sec and fin is not None}
    # A section that lists thousands of indicators outgrows one cell; the report itself is
    # generated from the data again, so only the sheet's copy is cut.
    new_rows: list[list[Any]] = [[s.path, V.fit_cell(s.text, CUT_NOTE)] for s in sections]
    same_order = [sec for sec, _ in old][: len(new_rows)] == [s.path for s in sections] and len(old) <= len(new_rows)
    orphans = [(sec, fin) for sec, fin in old if fin is not None and sec not in {s.path for s in sections}]
    block: list[list[Any]] = [list(layout.NARRATIVE_HEADERS)]
    for s, (path, text) in zip(sections, new_rows):
        block.append([path, text, KEEP if same_order else finals.get(path)])
    for sec, fin in orphans:  # never lose an officer's text: keep it below, marked
        label = sec if sec.startswith("（已不在当前提纲）") else f"（已不在当前提纲）{sec}"
        block.append([label, None, fin])
    stale = len(old) + 1
    while len(block) < stale:
        block.append([None, None, None])
    return sheet, header_row if hit else 1, 1, block, None
