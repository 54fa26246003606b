"""The narrative of the 自评报告: one outline per 报告样式, each section's text drawn from the workbook.

Every number comes from the evaluation, formatted as real reports write it (``39.75万元``,
``93.32%``, scores to 2 decimals). A section whose facts are missing says so in brackets
(``【请在项目信息中填写立项依据】``) instead of inventing text. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.models import Evaluation, IndicatorResult
from xlperf.core.scoring import GRADE_LONG, NA

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
    tables: list[str] = field(default_factory=list)  # tables that follow: budget, self_table, output, benefit, satisfaction, budget_indicator, payments, team
    generated: bool = True  # False: the text is the officer's 定稿
    has_body: bool = True  # False: a heading only (no row in the 自评报告 sheet)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


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


# --- facts ----------------------------------------------------------------------------------------


class Facts:
    """Formatted facts of one evaluation, shared by all outlines."""

    def __init__(self, ev: Evaluation):
        self.ev = ev
        self.info = ev.input.info
        self.unit = self.info.amount_unit or "万元"

    # numbers
    def amount(self, value: float | None) -> str:
        return f"{V.format_number(value, 2)}{self.unit}" if value is not None else ""

    def score(self, value: float | None) -> str:
        return V.format_score(value)

    @property
    def year(self) -> str:
        return self.info.year or ""

    @property
    def name(self) -> str:
        return self.info.name or "本项目"

    def field(self, attr: str) -> str:
        value = getattr(self.info, attr, "") or ""
        return value.strip()

    def field_or_missing(self, attr: str) -> str:
        return self.field(attr) or missing(self.info.label_of(attr))

    # groups of indicators
    def by_level1(self, kind: str) -> list[IndicatorResult]:
        """kind: 产出 / 效益 / 满意度 / 投入 / 过程."""
        return [r for r in self.ev.indicators if kind in r.indicator.level1 and "预算执行" not in r.indicator.level1]

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
        name = r.indicator.level3 or r.indicator.level2
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
        for kind, lead in (("产出", "项目完成指标包括"), ("效益", "项目效益指标包括")):
            rows = self.by_level1(kind)
            if not rows:
                continue
            parts = [f"{label}：{self.listing(group, lambda r: r.target_display)}" for label, group in self.grouped(rows)]
            paras.append(lead + "。".join(parts) + "。")
        rows = self.by_level1("满意度")
        if rows:
            paras.append("满意度指标包括：" + self.listing(rows, lambda r: r.target_display) + "。")
        for kind in ("投入", "过程"):
            rows = self.by_level1(kind)
            if rows:
                parts = [f"{label}：{self.listing(group, lambda r: r.target_display)}" for label, group in self.grouped(rows)]
                paras.append(f"{kind}指标包括" + "。".join(parts) + "。")
        return "\n".join(paras) if paras else missing("三级指标", "“绩效指标”表")

    def budget_sentence(self) -> str:
        b = self.ev.budget
        if not b.present or (b.full_year is None and b.executed is None):
            return missing("全年预算数、实际到位数和全年执行数", "“预算执行”表")
        parts = []
        if b.full_year is not None:
            parts.append(f"全年预算数{self.amount(b.full_year)}")
        if b.received is not None:
            parts.append(f"实际到位{self.amount(b.received)}")
        if b.executed is not None:
            parts.append(f"全年执行{self.amount(b.executed)}")
        if b.execution_rate is not None:
            parts.append(f"执行率{V.format_rate(b.execution_rate)}")
        text = "，".join(parts)
        if b.balance is not None and abs(b.balance) > 1e-9:
            text += f"，结余{self.amount(b.balance)}"
        return text + "。"

    def budget_sources(self) -> str:
        """Which funding sources carried the budget, from the 预算执行 rows."""
        lines = [ln for ln in self.ev.input.budget.lines if ln.source.startswith("其中") and ln.full_year]
        if not lines:
            return ""
        parts = [f"{ln.source.replace('其中：', '')}资金{self.amount(ln.full_year)}" for ln in lines]
        return "其中" + "、".join(parts) + "。"

    def budget_reason(self) -> str:
        total = self.ev.input.budget.total
        return total.reason.strip() if total is not None else ""

    def completion(self, rows: list[IndicatorResult]) -> str:
        parts = []
        for r in rows:
            name = r.indicator.level3 or r.indicator.level2
            if r.direction == NA:
                parts.append(f"{name}不适用")
                continue
            actual = r.actual_display or "未填写"
            target = r.target_display or "未填写"
            if r.pending:
                parts.append(f"{name}目标{target}，实际完成{actual}，得分待定（需人工评分）")
            elif r.met:
                parts.append(f"{name}目标{target}，实际完成{actual}")
            else:
                parts.append(f"{name}目标{target}，实际完成{actual}，未完全达到目标")
        return "；".join(parts)

    def completion_by_type(self) -> str:
        paras = []
        for kind, lead in (("产出", "产出指标"), ("效益", "效益指标"), ("满意度", "满意度指标"), ("投入", "投入管理指标"), ("过程", "过程指标")):
            rows = self.by_level1(kind)
            if rows:
                met = sum(1 for r in rows if r.met)
                paras.append(f"{lead}：{self.completion(rows)}。{lead}共{len(rows)}项，完成{met}项。")
        return "\n".join(paras) if paras else missing("三级指标", "“绩效指标”表")

    def unmet(self) -> list[IndicatorResult]:
        return [r for r in self.ev.indicators if not r.met and r.direction != NA and not r.pending]

    def score_sentence(self) -> str:
        ev = self.ev
        if not ev.final:
            return f"自评得分{ev.total_text}，等级待定。"
        return f"自评得分{self.score(ev.total_score)}分，等级为“{ev.grade}”。"

    def level1_breakdown(self) -> str:
        """陕西: 产出指标主要从数量、质量、时效、成本四个方面进行评价，共60分，得60分。"""
        paras = []
        for s in self.ev.level1:
            if s.name == layout.LEVEL1_BUDGET:
                paras.append(f"预算执行率指标共{V.format_number(s.weight)}分，得{self.score(s.score)}分。{self.budget_sentence()}")
                continue
            aspects = [x[:-2] if x.endswith("指标") else x for x in s.level2]
            lead = f"{s.name}主要从{'、'.join(aspects)}{cn_count(len(aspects))}个方面进行评价，" if aspects else f"{s.name}"
            got = f"已评{self.score(s.score)}分，另有{s.pending}项得分待定" if s.pending else f"得{self.score(s.score)}分"
            paras.append(f"{lead}共{V.format_number(s.weight)}分，{got}。")
        return "\n".join(paras)

    def problems(self) -> str:
        own = self.field("problems")
        if own:
            return own
        unmet = self.unmet()
        parts = []
        for r in unmet:
            name = r.indicator.level3 or r.indicator.level2
            reason = r.indicator.reason.strip()
            text = f"{name}（目标{r.target_display}，实际{r.actual_display}）得{self.score(r.score)}分，低于分值{V.format_number(r.indicator.weight or 0)}分"
            text += f"，原因：{reason.rstrip('。')}。" if reason else "，原因【请在偏差原因分析及改进措施中填写】。"
            parts.append(text)
        b = self.ev.budget
        if b.present and b.execution_rate is not None and b.execution_rate < 1 and b.weight:
            reason = self.budget_reason()
            text = f"预算执行率{V.format_rate(b.execution_rate)}，未全部执行"
            text += f"，原因：{reason.rstrip('。')}。" if reason else "，原因【请在预算执行表中填写偏差原因】。"
            parts.insert(0, text)
        if not parts:
            return "对照年度绩效目标，各项指标均已完成，预算执行到位，未发现明显问题。"
        if len(parts) == 1:
            return parts[0]
        return "\n".join(f"{cn(i + 1)}是{p}" for i, p in enumerate(parts))

    def measures(self) -> str:
        own = self.field("measures")
        if own:
            return own
        if not self.unmet() and not (self.ev.budget.execution_rate is not None and self.ev.budget.execution_rate < 1):
            return "无。"
        return missing("改进措施")

    def conclusion(self) -> str:
        rows = [r for r in self.ev.indicators if r.direction != NA]
        met = sum(1 for r in rows if r.met)
        text = f"{self.name}{self.score_sentence()}共设置三级指标{len(rows)}项，达到年度指标值{met}项"
        unmet = [r.indicator.level3 or r.indicator.level2 for r in rows if not r.met]
        if unmet:
            text += f"，未完全达到{len(unmet)}项（{'、'.join(unmet)}）"
        text += "。"
        goal = self.field("annual_goal_result")
        if goal:
            text += goal
        return text

    def method(self) -> str:
        own = self.field("method")
        if own:
            return own
        n = len(self.ev.indicators)
        return (
            f"对照年度绩效目标，逐项核对{n}项三级指标的实际完成值，计算完成率并按评分规则评分；"
            "预算执行率按全年执行数除以全年预算数计算；定性指标按达成、部分达成、未达成三档评分。"
        )


# --- outlines ------------------------------------------------------------------------------------

Spec = tuple[str, str, int, Callable[[Facts], str] | None, tuple[str, ...]]


def _general(f: Facts) -> list[Spec]:
    return [
        ("g1", "一、基本情况", 1, None, ()),
        ("g1.1", "（一）项目概况", 2, lambda f: _join(f.field_or_missing("overview"), _labelled("立项依据", f.field("basis")), _labelled("主管部门职能", f.field("duties"))), ()),
        ("g1.2", "（二）项目绩效目标", 2, lambda f: _join(_labelled("年度总体目标", f.field("annual_goal")) or missing("年度总体目标"), f.targets_by_type()), ()),
        ("g1.3", "（三）资金投入和使用情况", 2, lambda f: _join(f.budget_sentence(), f.budget_sources(), f.field("fund_rules")), ("budget",)),
        ("g2", "二、评价工作开展情况", 1, lambda f: f.method(), ()),
        ("g3", "三、综合评价及结论", 1, lambda f: f.conclusion(), ()),
        ("g4", "四、绩效指标分析", 1, None, ()),
        ("g4.1", "（一）项目决策和过程情况", 2, lambda f: _join(f.field_or_missing("implementation"), f.field("finance_management")), ()),
        ("g4.2", "（二）项目产出情况", 2, lambda f: f.completion(f.by_level1("产出")) + "。" if f.by_level1("产出") else missing("产出指标", "“绩效指标”表"), ("output",)),
        ("g4.3", "（三）项目效益情况", 2, lambda f: _effect(f), ("benefit", "satisfaction")),
        ("g5", "五、主要经验及做法、存在的问题及原因分析", 1, lambda f: _join(_labelled("主要经验做法", f.field("experience")) or missing("主要经验做法"), _labelled("存在问题", f.problems())), ()),
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
        ("s2.1", "（一）项目资金申报及批复情况。", 2, lambda f: _join(f.field_or_missing("approval_docs"), f.budget_sources()), ()),
        ("s2.2", "（二）资金计划、到位及使用情况。", 2, lambda f: f.budget_sentence() + (f"执行率未达100%的原因：{f.budget_reason()}" if f.budget_reason() and (f.ev.budget.execution_rate or 1) < 1 else ""), ()),
        ("s2.3", "（三）项目财务管理情况。", 2, lambda f: f.field_or_missing("finance_management"), ()),
        ("s3", "三、项目实施及管理情况", 1, lambda f: f.field_or_missing("implementation"), ()),
        ("s4", "四、项目绩效情况", 1, None, ()),
        ("s4.1", "（一）项目完成情况。", 2, lambda f: _join(f.field("annual_goal_result"), f.completion_by_type()), ()),
        ("s4.2", "（二）项目效益情况。", 2, lambda f: _effect(f), ()),
        ("s5", "五、评价结论及建议", 1, None, ()),
        ("s5.1", "（一）评价结论。", 2, lambda f: f.conclusion(), ()),
        ("s5.2", "（二）存在的问题。", 2, lambda f: f.problems(), ()),
        ("s5.3", "（三）相关建议。", 2, lambda f: f.measures(), ()),
    ]


def _shanxi(f: Facts) -> list[Spec]:
    return [
        ("x1", "一、项目的基本情况", 1, None, ()),
        ("x1.1", "（一）项目概况", 2, lambda f: _join(_labelled("项目概况", f.field_or_missing("overview")), _labelled("立项依据", f.field_or_missing("basis")), _labelled("保证项目实施的措施与制度", f.field("fund_rules")), _labelled("项目实施计划", f.field("implementation"))), ()),
        ("x1.2", "（二）预算执行情况", 2, lambda f: f.budget_sentence(), ("budget",)),
        ("x1.3", "（三）项目绩效目标", 2, lambda f: _join(f.field_or_missing("annual_goal"), f.targets_by_type()), ()),
        ("x2", "二、项目绩效情况", 1, lambda f: f"综合考虑预算执行情况、产出、效益、服务对象满意度各方面因素，通过数据采集及分析，最终评分结果：{f.name}绩效自评价结果为：{_total_phrase(f)}", ()),
        ("x2.1", "（一）预算执行情况", 2, None, ("budget_indicator",)),
        ("x2.2", "（二）项目产出情况", 2, None, ("output",)),
        ("x2.3", "（三）项目效益情况", 2, None, ("benefit",)),
        ("x2.4", "（四）项目满意度情况", 2, None, ("satisfaction",)),
        ("x3", "三、项目绩效分析", 1, None, ()),
        ("x3.1", "1.项目实施和预算执行情况及分析", 3, lambda f: _join(f.field("implementation") or missing("实施及管理情况"), f.budget_sentence(), f.budget_reason()), ()),
        ("x3.2", "2.产出情况及分析", 3, lambda f: f.completion(f.by_level1("产出")) + "。" if f.by_level1("产出") else missing("产出指标", "“绩效指标”表"), ()),
        ("x3.3", "3.效益情况及分析", 3, lambda f: f.completion(f.by_level1("效益")) + "。" if f.by_level1("效益") else missing("效益指标", "“绩效指标”表"), ()),
        ("x3.4", "4.满意度情况及分析", 3, lambda f: f.completion(f.by_level1("满意度")) + "。" if f.by_level1("满意度") else missing("满意度指标", "“绩效指标”表"), ()),
        ("x4", "四、项目主要经验做法", 1, lambda f: f.field_or_missing("experience"), ()),
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
        ("v5", "五、自评小组", 1, lambda f: f.info.extra.get("自评小组", "") or missing("自评小组（姓名、职务、单位）"), ("team",)),
    ]


def _hunan(f: Facts) -> list[Spec]:
    return [
        ("h1", "一、部门概况", 1, lambda f: _join(f.field_or_missing("overview"), f.field("duties")), ()),
        ("h2", "二、部门整体支出管理及使用情况", 1, lambda f: _join(f.budget_sentence(), f.budget_sources()), ("budget",)),
        ("h3", "三、部门整体支出绩效目标", 1, lambda f: _join(f.field_or_missing("annual_goal"), f.targets_by_type()), ()),
        ("h4", "四、部门整体支出绩效情况", 1, lambda f: f.completion_by_type(), ()),
        ("h5", "五、存在的问题及原因分析", 1, lambda f: f.problems(), ()),
        ("h6", "六、下一步改进措施", 1, lambda f: f.measures(), ()),
        ("h7", "七、部门整体支出绩效自评结果拟应用和公开情况", 1, lambda f: f.info.extra.get("结果应用和公开情况", "") or missing("结果应用和公开情况"), ()),
        ("h8", "八、评价等级", 1, lambda f: f.score_sentence(), ()),
        ("h9", "附件", 1, None, ("basic_data", "self_table", "projects")),
    ]


OUTLINES: dict[str, Callable[[Facts], list[Spec]]] = {
    "通用": _general,
    "四川": _sichuan,
    "山西": _shanxi,
    "陕西": _shaanxi,
    "湖南": _hunan,
}


def _total_phrase(f: Facts) -> str:
    ev = f.ev
    if not ev.final:
        return f"总得分{ev.total_text}，等级待定。"
    return f"总得分{f.score(ev.total_score)}分，属于“{GRADE_LONG.get(ev.grade, ev.grade)}”。"


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _labelled(label: str, text: str) -> str:
    return f"{label}：{text}" if text else ""


def _effect(f: Facts) -> str:
    rows = f.by_level1("效益")
    sat = f.by_level1("满意度")
    parts = []
    for label, group in f.grouped(rows):
        parts.append(f"{label}：{f.completion(group)}")
    if sat:
        parts.append(f"满意度：{f.completion(sat)}")
    return "。".join(parts) + "。" if parts else missing("效益指标", "“绩效指标”表")


def generate(ev: Evaluation, style: str | None = None) -> list[Section]:
    """The sections of the report in the chosen (or the workbook's) style, with generated text."""
    style = style or ev.input.info.style or "通用"
    if style not in OUTLINES:
        style = "通用"
    facts = Facts(ev)
    sections: list[Section] = []
    trail: dict[int, str] = {}
    for key, heading, level, make_text, tables in OUTLINES[style](facts):
        trail[level] = heading
        for deeper in [k for k in trail if k > level]:
            del trail[deeper]
        path = " / ".join(trail[k] for k in sorted(trail))
        text = make_text(facts) if make_text else ""
        sections.append(Section(key=key, heading=heading, level=level, path=path, text=text, tables=list(tables), has_body=make_text is not None))
    return sections


def apply_final(sections: list[Section], finals: dict[str, str]) -> list[Section]:
    """Use the officer's 定稿 wherever it is filled."""
    for s in sections:
        final = finals.get(s.path, "").strip()
        if final:
            s.text = final
            s.generated = False
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
    sections = [s for s in generate(ev) if s.has_body]
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
