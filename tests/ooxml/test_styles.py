"""xlperf.ooxml.styles: number formats written with a block clone the cell's own format."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from tests.ooxml.books import load, parts, sheet_xml, simple_book
from xlperf.ooxml import XlsxPatcher, read_grids


# --- number formats -------------------------------------------------------------------------------


def test_number_formats(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1="x")
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    for ref in ("B2", "B3"):
        ws[ref].font = openpyxl.styles.Font(color="FFFF0000", bold=True)
        ws[ref].border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))
    wb.save(src)
    p = XlsxPatcher(src)
    p.set_block("表", 2, 2, [[0.985, 1.5, 2.25, "文本"], [1.1, 3, 4, 5]], number_formats={0: "0.00%", 1: "0.00", 2: "0.000", 3: "0.00%"})
    p.set_block("表", 5, 2, [[0.5]], number_formats={0: "0.00%"})
    p.save(tmp_path / "o.xlsx")
    ws = load(tmp_path / "o.xlsx").active
    assert ws["B2"].number_format == "0.00%" and ws["B3"].number_format == "0.00%"
    assert ws["B2"].font.b and ws["B2"].font.color.rgb == "FFFF0000" and ws["B2"].border.left.style == "thin"
    assert ws["C2"].number_format == "0.00" and ws["D2"].number_format == "0.000"
    assert ws["E2"].number_format == "General"  # text: no number format
    assert ws["E3"].number_format == "0.00%"
    assert ws["B5"].number_format == "0.00%"
    xml = sheet_xml(tmp_path / "o.xlsx")
    s = lambda ref: re.search(rf'<c r="{ref}" s="(\d+)"', xml).group(1)  # noqa: E731
    assert s("B2") == s("B3")  # same source style + same format: one clone
    assert s("B5") == s("E3")  # unstyled cells share the other clone
    styles = parts(tmp_path / "o.xlsx")["xl/styles.xml"].decode()
    assert styles.count('formatCode="0.000"') == 1
    assert re.search(r'numFmtId="(\d+)" formatCode="0\.000"', styles).group(1) >= "164"


# --- a large block --------------------------------------------------------------------------------


def test_a_large_block_with_a_number_format_round_trips(tmp_path: Path) -> None:
    """(Its speed is measured by benchmarks/bench_xlsx.py.)"""
    wb = openpyxl.Workbook()
    for k in range(5):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = f"表{k}"
        for r in range(1, 101):
            for c in range(1, 5):
                ws.cell(r, c, r * c if c % 2 else f"文本{r}-{c}")
    wb.save(tmp_path / "t.xlsx")
    block = [[r * 1.5, "说明", r, 0.5, None, True] for r in range(200)]
    p = XlsxPatcher(tmp_path / "t.xlsx")
    p.set_block("表2", 5, 3, block, number_formats={3: "0.00%"})
    p.save(tmp_path / "o.xlsx")
    g = read_grids(tmp_path / "o.xlsx")[1]["表2"]
    assert g[203][2:8] == [199 * 1.5, "说明", 199, 0.5, None, True]
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb["表2"]["F10"].number_format == "0.00%" and wb["表2"]["E10"].number_format == "General"
