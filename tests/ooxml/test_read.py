"""xlperf.ooxml.read: sheet grids, error values, uncached formulas and percent-formatted cells."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.ooxml.books import parts, simple_book
from xlperf.core.errors import InputError
from xlperf.ooxml import CellError, UncachedFormula, read_grids


# --- formulas -------------------------------------------------------------------------------------


def test_errors_and_uncached_formulas_read(formula_book: Path) -> None:
    names, grids = read_grids(formula_book)
    g = grids["公式"]
    assert g[0][:4] == [1, 2, 15, CellError("#DIV/0!")]
    assert g[1][3] == CellError("#N/A")
    assert g[0][4] == UncachedFormula("A1+1")
    assert g[1][4] == UncachedFormula("A2+1")  # <v></v> is no cached value
    assert g[2][4] is None  # t="str" with an empty cached string is a value
    assert g[0][5] == UncachedFormula("A1+10")
    assert g[1][5] == UncachedFormula("A2+10")  # shared formula child, references shifted
    assert g[2][5] == 13
    assert [row[1] for row in g] == [2, 4, 6, 8, 10]  # cached shared-formula values


# --- reading --------------------------------------------------------------------------------------


def test_read_grids_positions_and_chartsheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "甲"
    ws["C3"] = 1
    ws["D4"] = "x"
    ws.merge_cells("C5:D5")
    ws["C5"] = "合并"
    wb.create_sheet("乙")
    wb.create_chartsheet("图")
    wb.save(tmp_path / "t.xlsx")
    names, grids = read_grids(tmp_path / "t.xlsx")
    assert names == ["甲", "乙"]
    g = grids["甲"]
    assert g[2][2] == 1 and g[3][3] == "x" and g[0][0] is None
    assert g[4][2] == "合并" and g[4][3] is None  # merged ranges are not filled
    assert grids["乙"] == []


def test_read_grids_corrupt_sheet_xml(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1=1)
    files = parts(src)
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"][:-40]
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
    with pytest.raises(InputError) as ei:
        read_grids(bad)
    assert ei.value.code == "X013" and "bad.xlsx" in str(ei.value)


# --- percent number formats -----------------------------------------------------------------------


def _percent_book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    cases = [(0.98, "0%"), (0.9832, "0.00%"), (98, '0"%"'), (98, "0\\%"), (5, "General"), (0.5, "#,##0.0%;[Red]-#,##0.0%"), ("98%", "0%"), (True, "0%")]
    for r, (value, fmt) in enumerate(cases, start=1):
        ws.cell(r, 1, value).number_format = fmt
    ws.cell(1, 2, 0.98)  # the same value, General
    wb.save(path)


def test_percent_formatted_numbers_read_as_percent(tmp_path: Path) -> None:
    from xlperf.core.values import PERCENT, Percent, parse_value

    _percent_book(tmp_path / "p.xlsx")
    g = read_grids(tmp_path / "p.xlsx")[1]["表"]
    col = [r[0] for r in g]
    assert [type(v).__name__ for v in col] == ["Percent", "Percent", "float", "float", "float", "Percent", "str", "bool"]
    assert parse_value(col[0]).kind == PERCENT and parse_value(col[0]).number == 98 and parse_value(col[0]).raw == "98%"
    assert parse_value(col[1]).raw == "98.32%"
    assert not isinstance(g[0][1], Percent)  # only the formatted cell
    # LibreOffice writes the same book with escaped literal percent signs (0\%): still literal
    styles = b'<styleSheet><numFmts><numFmt numFmtId="165" formatCode="0\\%"/><numFmt numFmtId="166" formatCode="0.0%"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="165"/><xf numFmtId="166"><alignment/></xf><xf numFmtId="10"/></cellXfs></styleSheet>'
    from xlperf.ooxml.styles import percent_styles

    assert percent_styles(styles) == frozenset({2, 3})


def test_percent_cells_without_r_attributes_are_found_by_position() -> None:
    from xlperf.ooxml.read import mark_percent_cells

    data = b'<sheetData><row r="2"><c s="1"><v>0.5</v></c><c s="0"><v>0.5</v></c><c s="1" t="s"><v>0</v></c></row></sheetData>'
    grid = [[None, None, None], [0.5, 0.5, "文字"]]
    mark_percent_cells(grid, data, frozenset({1}))
    assert [type(v).__name__ for v in grid[1]] == ["Percent", "float", "str"]


def _with_sheet_xml(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, edit(data) if name == "xl/worksheets/sheet1.xml" else data)
    return dst


@pytest.mark.parametrize(
    "spelling",
    [
        (rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"( t="\w+")?', rb'<c r="\1"\3 s="\2"'),  # s after t
        (rb' s="([0-9]+)"', rb" s = '\1'"),  # quotes and spaces
        (rb"<c r=", rb"<c\tr="),  # a tab
        (rb"<sheetData>", rb'<sheetData><!-- <c r="XFD1048576" s="1"> -->'),  # a comment
        (rb'<c r="A2"', rb'<c r="AA2"'),  # a column beyond Z
    ],
)
def test_percent_cells_are_found_however_the_cells_are_written(tmp_path: Path, spelling) -> None:
    """Sheets written as Excel does take a shorter path than others: both find the same cells."""
    _percent_book(tmp_path / "p.xlsx")
    pattern, replacement = spelling
    odd = _with_sheet_xml(tmp_path / "p.xlsx", tmp_path / "odd.xlsx", lambda d: re.sub(pattern, replacement, d))
    assert parts(odd)["xl/worksheets/sheet1.xml"] != parts(tmp_path / "p.xlsx")["xl/worksheets/sheet1.xml"]
    plain = read_grids(tmp_path / "p.xlsx")[1]["表"]
    other = read_grids(odd)[1]["表"]
    if replacement == rb'<c r="AA2"':  # A2 moved to AA2
        assert [type(other[1][26]), other[1][26]] == [type(plain[1][0]), plain[1][0]]
        other = [r[:2] for r in other]
        plain[1][0] = None
    assert [[type(v).__name__ for v in r] for r in other] == [[type(v).__name__ for v in r] for r in plain]
    assert other == plain


def test_a_98_percent_cell_against_a_target_of_98_is_met(tmp_path: Path) -> None:
    """Excel stores a cell showing 98% as 0.98: the file route reads the format, scores 100 %
    and reports the value as the user saw it."""
    from xlperf.api import check_file
    from xlperf.core import layout
    from xlperf.workbook.examples import build_example

    path = tmp_path / "例.xlsx"
    build_example(path, "盐边残疾人医保")
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_INDICATORS]
    header = {ws.cell(layout.INDICATOR_HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    r = layout.INDICATOR_HEADER_ROW + 2
    ws.cell(r, header["年度指标值"], 98)
    ws.cell(r, header["实际完成值"], 0.98).number_format = "0%"
    wb.save(path)
    ev = check_file(path)
    res = next(x for x in ev.indicators if x.indicator.row == r)
    assert res.completion == 1.0 and res.score == res.indicator.weight
    assert res.actual_display == "98%"
