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

Modules: ``facts`` (what scoring carried, per row and per evaluation — nothing is parsed again),
``words`` (numbers and words as reports write them), one prose module per subject (``budget``,
``indicators``, ``conclusions``, ``department``), ``outlines`` (the five outlines as data),
``sections`` (generate, apply_final) and ``sheet`` (the 自评报告 sheet).
"""

from __future__ import annotations

from xlperf.core.narrative.facts import KIND_LABEL, KIND_ORDER, Facts, ProjectLine, actual_of, kind_of, row_name, target_of
from xlperf.core.narrative.outlines import OUTLINES
from xlperf.core.narrative.sections import Section, apply_final, generate, style_mismatch
from xlperf.core.narrative.sheet import CUT_NOTE, narrative_block, read_finals
from xlperf.core.narrative.words import cn, cn_count, grade_long, grade_word, is_nil, missing, pct, points

__all__ = [
    "CUT_NOTE",
    "KIND_LABEL",
    "KIND_ORDER",
    "OUTLINES",
    "Facts",
    "ProjectLine",
    "Section",
    "actual_of",
    "apply_final",
    "cn",
    "cn_count",
    "generate",
    "grade_long",
    "grade_word",
    "is_nil",
    "kind_of",
    "missing",
    "narrative_block",
    "pct",
    "points",
    "read_finals",
    "row_name",
    "style_mismatch",
    "target_of",
]
