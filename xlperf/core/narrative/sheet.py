"""The 自评报告 sheet: the officer's 定稿 read back, and the block that refreshes 自动生成."""

from __future__ import annotations

from typing import Any

from xlperf.core import layout
from xlperf.core import values as V
from xlperf.core.basicdata import basic_data_of
from xlperf.core.book import KEEP
from xlperf.core.grid import cell, find_header, locate_sheets, text_of
from xlperf.core.models import Evaluation
from xlperf.core.narrative.sections import generate

CUT_NOTE = "……【此节超过 Excel 单元格上限，此处只显示前一部分；生成的报告中为全文】"


def read_finals(grid: list[list[Any]]) -> dict[str, str]:
    """{章节: 定稿} from the sheet (header row found by name)."""
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


def _old_rows(grid: list[list[Any]], hit) -> list[tuple[str, Any]]:
    """(章节, 定稿 raw value) of every row under the header that holds anything."""
    if not hit:
        return []
    header_row, cols = hit[0], hit[1]
    old = []
    for r in range(header_row + 1, len(grid) + 1):
        sec = text_of(cell(grid, r, cols.get("章节", 1)))
        fin = cell(grid, r, cols.get("定稿", 3))
        auto = cell(grid, r, cols.get("自动生成", 2))
        if sec or fin is not None or auto is not None:
            old.append((sec, fin))
    return old


def narrative_block(ev: Evaluation, names: list[str], grids: dict[str, list[list[Any]]]):
    """The block that refreshes 自动生成 and keeps every 定稿 (moved with its section if rows changed)."""
    sheet = locate_sheets(names)[layout.SHEET_NARRATIVE] or layout.SHEET_NARRATIVE
    grid = grids.get(sheet, [])
    sections = [s for s in generate(ev, basic=basic_data_of(grids)) if s.has_body]
    hit = find_header(grid, layout.NARRATIVE_HEADERS, {}, 2) if grid else None
    old = _old_rows(grid, hit)
    finals = {sec: fin for sec, fin in old if sec and fin is not None}
    # A section that lists thousands of indicators outgrows one cell; the report itself is
    # generated from the data again, so only the sheet's copy is cut.
    paths = [s.path for s in sections]
    same_order = [sec for sec, _ in old][: len(sections)] == paths and len(old) <= len(sections)
    block: list[list[Any]] = [list(layout.NARRATIVE_HEADERS)]
    for s in sections:
        block.append([s.path, V.fit_cell(s.text, CUT_NOTE), KEEP if same_order else finals.get(s.path)])
    for sec, fin in old:  # never lose an officer's text: keep it below, marked
        if fin is not None and sec not in paths:
            block.append([sec if sec.startswith("（已不在当前提纲）") else f"（已不在当前提纲）{sec}", None, fin])
    while len(block) < len(old) + 1:
        block.append([None, None, None])
    return sheet, hit[0] if hit else 1, 1, block, None
