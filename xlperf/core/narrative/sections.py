"""The sections of a report: an outline's headings with their generated text, and the officer's 定稿."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlperf.core import layout
from xlperf.core.basicdata import BasicData
from xlperf.core.enums import Style
from xlperf.core.models import Evaluation
from xlperf.core.narrative.facts import Facts, ProjectLine
from xlperf.core.narrative.outlines import OPTIONAL, OUTLINES, Heading
from xlperf.core.narrative.words import join


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


def style_mismatch(style: str, evaluation_type: str) -> str:
    """A Chinese sentence when ``style``'s outline is written for another evaluation type, else ""."""
    meant = layout.STYLE_TYPES.get(style)
    etype = (evaluation_type or "项目支出").strip() or "项目支出"
    if not meant or meant == etype:
        return ""
    others = "、".join(s for s in layout.REPORT_STYLES if layout.STYLE_TYPES.get(s, etype) == etype)
    return f"报告样式“{style}”是{meant}的提纲，本工作簿的评价类型是“{etype}”；请改用：{others}"


def _text(facts: Facts, h: Heading) -> str:
    facts.open = []
    if h.fill is None:
        return ""
    if isinstance(h.fill, tuple):
        return join(*(part(facts) for part in h.fill))
    return h.fill(facts)


def generate(ev: Evaluation, style: str | None = None, *, basic: BasicData | None = None, projects: list[ProjectLine] | None = None) -> list[Section]:
    """The sections of the report in ``style`` (default: the style the workbook names, else 通用),
    with generated text. An unknown style is 通用.

    ``basic``: the parsed 基础数据 sheet (部门整体支出); ``projects``: the department's projects.
    """
    chosen = (Style.of(style) if style else ev.style) or Style.GENERAL
    facts = Facts(ev, basic, projects, style=chosen.value)
    sections: list[Section] = []
    trail: dict[int, str] = {}
    for h in OUTLINES[chosen]:
        if facts.is_department and h.department:
            h = h._replace(heading=h.department)
        trail = {k: v for k, v in trail.items() if k < h.level}
        trail[h.level] = h.heading
        path = " / ".join(trail[k] for k in sorted(trail))
        text = _text(facts, h)
        if h.key in OPTIONAL and not text.strip():
            continue  # a section only some workbooks fill: no heading without its text
        sections.append(Section(key=h.key, heading=h.heading, level=h.level, path=path, text=text, tables=list(h.tables), has_body=h.fill is not None, open_items=list(facts.open)))
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
