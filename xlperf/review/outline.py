"""The report's outline against its style's: the style told by the headings (or given), and the
first-level sections of ``core.narrative.outlines`` the report lacks.

Headings are compared by their words, not their numbers or exact wording: the number (一、 5、),
the filler words (项目, 部门整体支出, 的, 及, 情况, 分析 …) and the punctuation go; two headings are
the same section when they share a run of characters covering most of the shorter one (存在的主要问题
is the outline's 存在的问题及原因分析). The match is lenient on purpose: a section written under another
name is present, and only a section nothing resembles is reported missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from xlperf.core.enums import Style
from xlperf.core.narrative.outlines import OPTIONAL, OUTLINES
from xlperf.review.document import Paragraph, ReportDocument, outline_number

FILLER = re.compile(r"项目支出|部门整体支出|项目|部门|单位|整体|的|及|和|与|、|情况|主要|有关|进一步|加强|分析|原因|相关|工作")
DETECT_AT_LEAST = 0.6  # the share of a style's sections a report must have for the style to be told from it
CANDIDATE_MAX = 40  # a paragraph longer than this is no heading


@dataclass(frozen=True)
class Section:
    key: str  # the outline's key (g1, s5 …)
    heading: str  # as the outline writes it


# Sections our outlines write that the style's reference report does not have (docs/reference-outlines.md):
# a unit's report is not asked for them. 湖南: 三、部门整体支出绩效目标 and 七、…结果拟应用和公开情况.
BEYOND_REFERENCE = frozenset({"h3", "h7"})
# The outline of a 部门整体支出 report; every other style's outline is a project's.
DEPARTMENT_STYLES = frozenset({Style.HUNAN})


def required_sections(style: Style) -> list[Section]:
    """The first-level sections of ``style``'s outline a report must have: not the optional ones,
    not those beyond the reference, not the annexes (the table may come as its own file), not
    陕西's form placed before the text."""
    out = []
    for h in OUTLINES[style]:
        if h.level != 1 or h.key in OPTIONAL or h.key in BEYOND_REFERENCE or h.heading.startswith("附件") or "self_table" in h.tables:
            continue
        out.append(Section(h.key, h.heading))
    return out


def heading_key(text: str) -> str:
    level, number = outline_number(text)
    s = text[len(number) :] if number else re.sub(r"^\s*\d{1,2}\s*[、.．]\s*", "", text)
    s = re.sub(r"[\s。．.:：；;，,“”\"'（）()]+", "", s)
    return FILLER.sub("", s)


def same_section(outline_key: str, key: str) -> bool:
    """A heading (``key``) is the outline's section (``outline_key``): they share a run of
    characters covering 60% of the outline's words, or a run of three or more covering 60% of the
    shorter (改进措施和有关建议 is 下一步改进措施)."""
    if not outline_key or not key:
        return False
    run = SequenceMatcher(None, outline_key, key, autojunk=False).find_longest_match(0, len(outline_key), 0, len(key)).size
    return run >= 0.6 * len(outline_key) or (run >= 3 and run >= 0.6 * min(len(outline_key), len(key)))


def _candidates(doc: ReportDocument) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.level is not None or (len(p.text) <= CANDIDATE_MAX and not re.search(r"[。；;][^。]", p.text))]


def present(doc: ReportDocument, sections: list[Section]) -> list[bool]:
    keys = [heading_key(p.text) for p in _candidates(doc)]
    return [any(same_section(heading_key(s.heading), k) for k in keys) for s in sections]


def detect_style(doc: ReportDocument, department: bool | None = None) -> Style | None:
    """The style whose sections the report has the largest share of (at least 60%); None when no
    style reaches it or two tie. ``department``: the table is a 部门整体支出 table (only a
    department's outline is a candidate) or a project's (only the projects' outlines); None: any."""
    scores = []
    for style in Style:
        if department is not None and (style in DEPARTMENT_STYLES) != department:
            continue
        sections = required_sections(style)
        hits = present(doc, sections)
        # the share of the style's sections found, and how distinctive the match is (exact headings)
        exact = sum(1 for s in sections if any(heading_key(s.heading) == heading_key(p.text) for p in _candidates(doc)))
        scores.append((sum(hits) / len(sections), exact, style))
    scores.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = scores[0]
    if best[0] < DETECT_AT_LEAST or (len(scores) > 1 and scores[1][:2] == best[:2]):
        return None
    return best[2]


def missing_sections(doc: ReportDocument, style: Style) -> list[Section]:
    sections = required_sections(style)
    return [s for s, ok in zip(sections, present(doc, sections)) if not ok]
