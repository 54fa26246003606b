"""The live route (the Excel button over xlwings) against the file route (xlperf calc), on a fake
xlwings book that answers in the shapes xlwings 0.37.8 returns (tests/excel/fakexl.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlperf.core import layout
from xlperf.core.book import KEEP
from xlperf.core.values import Percent
from xlperf.excel.button import ExcelUI, XlwingsBook, format_addresses, is_percent_format, run, summary_message
from xlperf.workbook.examples import build_example
from xlperf.workbook.recalc import compute

from tests.excel.fakexl import PROTECT_FLAGS, ComError, FakeBook, ProtectionState

EXAMPLE = "临汾购买服务"


# --- loading a real workbook into the fake ---------------------------------------------------------


def _protection(ws) -> ProtectionState:
    p = ws.protection  # openpyxl: True on an action means *forbidden*
    allow = {
        "AllowFormattingCells": not p.formatCells, "AllowFormattingColumns": not p.formatColumns,
        "AllowFormattingRows": not p.formatRows, "AllowInsertingColumns": not p.insertColumns,
        "AllowInsertingRows": not p.insertRows, "AllowInsertingHyperlinks": not p.insertHyperlinks,
        "AllowDeletingColumns": not p.deleteColumns, "AllowDeletingRows": not p.deleteRows,
        "AllowSorting": not p.sort, "AllowFiltering": not p.autoFilter, "AllowUsingPivotTables": not p.pivotTables,
    }
    return ProtectionState(contents=bool(p.sheet), drawing_objects=bool(p.objects), scenarios=bool(p.scenarios), allow=allow)


def fake_from_file(path: Path, **kw) -> FakeBook:
    """What Excel shows of a file: values, formulas, number formats, protection."""
    wb = openpyxl.load_workbook(path)
    book = FakeBook(name=path.name, **kw)
    for ws in wb.worksheets:
        sheet = book.sheets.add(ws.title, after=book.sheets[len(book.sheets) - 1] if len(book.sheets) else None)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and c.number_format == "General":
                    continue
                cell = sheet.cell(c.row, c.column, create=True)
                cell.number_format = c.number_format
                if isinstance(c.value, str) and c.data_type == "f":
                    cell.formula = c.value
                else:
                    cell.value = c.value
        sheet.protection = _protection(ws)
    book.calls.clear()
    return book


def _norm(v):
    if v == "":
        return None  # the file route may store an empty text; Excel stores "" as an empty cell
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 9)
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    return v


def file_cells(path: Path) -> dict[tuple[str, int, int], tuple]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and c.number_format == "General":
                    continue
                if _norm(c.value) is not None or c.number_format != "General":
                    out[(ws.title, c.row, c.column)] = (_norm(c.value), c.number_format)
    return out


def fake_cells(book: FakeBook) -> dict[tuple[str, int, int], tuple]:
    out = {}
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            if cell.value is None and cell.formula is None and cell.number_format == "General":
                continue
            out[(sheet.name, r, c)] = (_norm(cell.formula if cell.formula is not None else cell.value), cell.number_format)
    return out


@pytest.fixture
def example(tmp_path) -> Path:
    src = tmp_path / "示例.xlsx"
    build_example(src, EXAMPLE)
    return src


def _plain_copy(src: Path, dst: Path) -> Path:
    """The example as a unit's own workbook: no number format anywhere (every cell General)."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                c.number_format = "General"
    wb.save(dst)
    return dst


class FakeUI:
    def __init__(self):
        self.statuses, self.alerts = [], []

    def status(self, m):
        self.statuses.append(m)

    def alert(self, m):
        self.alerts.append(m)


# --- one result on both routes ---------------------------------------------------------------------


@pytest.mark.parametrize("kind, mac", [("template", False), ("plain", False), ("plain", True)])
def test_parity_file_route_and_live_route_write_the_same_values_and_number_formats(example, tmp_path, kind, mac):
    from xlperf.api import calc_file

    if kind == "plain":
        example = _plain_copy(example, tmp_path / "自己的表.xlsx")
    filed = tmp_path / "file-route.xlsx"
    shutil.copy(example, filed)
    ev_file = calc_file(filed)

    xbook = fake_from_file(example, mac=mac)
    before = {s.name: s.protection for s in xbook.sheets}
    ui = ExcelUI(xbook.app)
    ev_live = run(XlwingsBook(xbook, mac=mac), ui)

    assert ev_live is not None and ev_live.total_text == ev_file.total_text
    want, got = file_cells(filed), fake_cells(xbook)
    diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
    assert diff == {}
    # the computed rates really are percentages on both routes, not 0.9332
    rates = [k for k, (v, fmt) in got.items() if fmt == "0.00%" and isinstance(v, float)]
    assert len(rates) >= 5
    if kind == "plain":
        assert not any(fmt == "0.00%" for _v, fmt in fake_cells(fake_from_file(example)).values())
    # protection is back exactly as it was, and nothing is left in the status bar
    assert {s.name: s.protection for s in xbook.sheets} == before
    assert xbook.app.status_bar is False
    assert xbook.app.alerts == [(summary_message(ev_file), "绩效自评")]


def test_every_block_costs_at_most_three_calls(example):
    xbook = fake_from_file(example)
    book = XlwingsBook(xbook)
    ev, names, blocks = compute(book)
    with book.writing(names):  # protection: read, lifted and restored once per sheet, apart from the blocks
        xbook.calls.clear()
        for sheet, row, col, block, fmts in blocks:
            start = len(xbook.calls)
            book.write(sheet, row, col, block, fmts)
            calls = xbook.calls[start:]
            assert 1 <= len(calls) <= 3, (sheet, calls)
            assert all(what in ("value.set", "number_format.set") for what, _ in calls)
    assert len(blocks) == 4


def test_number_formats_go_to_the_numeric_cells_only_like_the_file_route():
    block = [[0.5, "待定", KEEP, 3.0], [None, 0.25, 1, True], [0.75, 0.1, 2, 4.0]]
    got = format_addresses(block, 5, 3, {0: "0.00%", 1: "0.00%", 3: "0.00"})
    assert got == [("0.00%", "C5,C7,D6:D7"), ("0.00", "F5,F7")]


def test_a_long_address_is_split_below_excels_limit():
    block = [[0.5] if i % 2 == 0 else ["x"] for i in range(400)]
    got = format_addresses(block, 1, 3, {0: "0%"})
    assert len(got) > 1 and all(len(a) <= 255 for _, a in got)
    cells = [p for _, a in got for p in a.split(",")]
    assert cells == [f"C{r}" for r in range(1, 401, 2)]


# --- shapes as xlwings gives them -------------------------------------------------------------------


def test_the_fake_answers_in_xlwings_shapes():
    xbook = FakeBook({"表": [[1, 2], [3, None]], "单": [["=1+1"]], "空": []})
    t = xbook.sheets["表"]
    assert t.range((1, 1)).value == 1.0  # a scalar; numbers as float
    assert t.range((1, 1), (1, 2)).value == [1.0, 2.0]  # one row: 1-D
    assert t.range((1, 1), (2, 1)).value == [1.0, 3.0]  # one column: 1-D
    assert t.range((1, 1), (1, 2)).options(ndim=2).value == [[1.0, 2.0]]
    assert t.range((2, 2)).value is None
    assert t.used_range.formula == (("1", "2"), ("3", ""))
    assert xbook.sheets["单"].used_range.formula == "=1+1"  # a str, not a grid
    assert xbook.sheets["空"].used_range.options(ndim=2).value == [[None]]


def test_one_cell_used_range_keeps_its_formula():
    # .formula of a one-cell range is a str; reading it as a grid made '=1+1' into rows '=', '1', '+', '1'
    xbook = FakeBook({"表": [["=1+1"]]})
    book = XlwingsBook(xbook)
    book.read("表")
    book.write("表", 1, 1, [[KEEP, "新"]])
    assert xbook.sheets["表"].cell(1, 1).formula == "=1+1"
    assert xbook.sheets["表"].cell(1, 2).value == "新"


def test_one_row_and_one_column_sheets_read_as_grids():
    xbook = FakeBook({"行": [[None, "a", 2]], "列": [[None], ["b"], [3]]})
    book = XlwingsBook(xbook)
    assert book.read("行") == [[None, "a", 2.0]]
    assert book.read("列") == [[], ["b"], [3.0]]


def test_empty_sheet_reads_as_one_empty_cell():
    book = XlwingsBook(FakeBook({"空": []}))
    assert book.read("空") == [[None]]


def test_error_strings_from_excel_become_cell_errors(example):
    from xlperf.ooxml import CellError

    xbook = fake_from_file(example)
    ind = xbook.sheets[layout.SHEET_INDICATORS]
    ind.cell(9, 7, create=True).value = "#DIV/0!"
    grid = XlwingsBook(xbook).read(layout.SHEET_INDICATORS)
    assert isinstance(grid[8][6], CellError)


# --- percentages read as percentages ---------------------------------------------------------------


def test_cells_formatted_as_percent_come_back_as_percent():
    xbook = FakeBook({"表": [["名称", "实际"], ["甲", 0.98], ["乙", 0.5], ["丙", 3], ["丁", "≥95%"]]})
    sht = xbook.sheets["表"]
    sht.cell(2, 2).number_format = "0%"
    sht.cell(3, 2).number_format = '0.0"分"%'
    grid = XlwingsBook(xbook).read("表")
    assert grid[1][1] == 0.98 and isinstance(grid[1][1], Percent)
    assert isinstance(grid[2][1], Percent)
    assert not isinstance(grid[3][1], Percent) and grid[3][1] == 3.0
    assert grid[4][1] == "≥95%"
    assert not isinstance(grid[1][0], Percent)


def test_number_formats_cost_one_call_per_uniform_column():
    rows = [["h", "v", "w"]] + [[f"r{i}", 0.5, 1.0] for i in range(200)]
    xbook = FakeBook({"表": rows})
    sht = xbook.sheets["表"]
    for r in range(2, 202):
        sht.cell(r, 2).number_format = "0.00%"
    sht.cell(150, 3).number_format = "0%"  # one percent cell in an otherwise plain column
    grid = XlwingsBook(xbook).read("表")
    assert all(isinstance(grid[r - 1][1], Percent) for r in range(2, 202))
    assert isinstance(grid[149][2], Percent) and sum(isinstance(line[2], Percent) for line in grid) == 1
    n = xbook.count("number_format.get")
    assert n <= 1 + 2 * 9 + 1, n  # column B one call; column C halves down to the one cell; A has no numbers


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.00%", True), ('0"%"', False), ("0\\%", False), ("[Red]0.0%", True), ("General", False),
    ("0.00", False), ('[$-804]0.00%;-0.00%', True),
])
def test_is_percent_format(code, percent):
    assert is_percent_format(code) is percent


# --- true messages ---------------------------------------------------------------------------------


def test_protection_is_restored_exactly(example):
    xbook = fake_from_file(example)
    odd = ProtectionState(contents=True, drawing_objects=False, scenarios=False, user_interface_only=True,
                          allow={k: (i % 2 == 0) for i, k in enumerate(PROTECT_FLAGS)})
    xbook.sheets[layout.SHEET_INDICATORS].protection = odd
    assert run(XlwingsBook(xbook), FakeUI()) is not None
    assert xbook.sheets[layout.SHEET_INDICATORS].protection == odd


def test_mac_object_model_lifts_and_restores_protection(example):
    xbook = fake_from_file(example, mac=True)
    before = {s.name: s.protection for s in xbook.sheets}
    assert any(p.contents for p in before.values())
    ui = FakeUI()
    ev = run(XlwingsBook(xbook, mac=True), ui)
    assert ev is not None, ui.alerts
    assert {s.name: s.protection for s in xbook.sheets} == before
    assert xbook.count("api.unprotect") >= 1 and xbook.count("api.protect_worksheet") == xbook.count("api.unprotect")
    assert xbook.sheets[layout.SHEET_FINDINGS].cell(1, 1).value == layout.FINDINGS_HEADERS[0]


@pytest.mark.parametrize("mac", [False, True])
def test_password_protected_sheet_is_named_and_nothing_is_written(example, mac):
    xbook = fake_from_file(example, mac=mac)
    xbook.sheets[layout.SHEET_FINDINGS].protection.password = "secret"
    snapshot = fake_cells(xbook)
    before = {s.name: s.protection for s in xbook.sheets}
    ui = FakeUI()
    assert run(XlwingsBook(xbook, mac=mac), ui) is None
    (msg,) = ui.alerts
    assert "校验结果" in msg and "请先撤销工作表保护" in msg and "示例.xlsx" in msg
    assert "工作簿未被修改" in msg
    assert fake_cells(xbook) == snapshot
    assert {s.name: s.protection for s in xbook.sheets} == before  # the sheets lifted first are protected again
    assert xbook.count("value.set") == 0


def test_a_failed_write_names_the_sheets_updated_and_not(example, monkeypatch, tmp_path):
    from xlperf.excel import button

    monkeypatch.setattr(button, "log_path", lambda: tmp_path / "xlperf.log")
    xbook = fake_from_file(example)
    xbook.sheets[layout.SHEET_FINDINGS].fail_writes = ComError("模拟的写入错误")
    ui = FakeUI()
    assert run(XlwingsBook(xbook), ui) is None
    (msg,) = ui.alerts
    assert "工作簿未被修改" not in msg
    assert "已更新的工作表：预算执行、绩效指标" in msg
    assert "可能只更新了一部分的工作表：校验结果" in msg
    assert "未更新的工作表：自评报告" in msg
    assert "模拟的写入错误" in msg
    assert all(s.protection.contents for s in xbook.sheets)  # protection restored after the failure


def test_status_bar_is_replaced_at_the_start_and_given_back_at_the_end(example):
    xbook = fake_from_file(example)
    xbook.app.status_bar = "总分 1.00，等级：差；……（另一工作簿留下的）"
    run(XlwingsBook(xbook), ExcelUI(xbook.app))
    assert xbook.app.status_history[1] == "绩效自评：正在重新计算…"
    assert xbook.app.status_bar is False


def test_missing_result_sheets_are_added_with_the_file_routes_widths(example):
    xbook = fake_from_file(example)
    xbook.sheets._list = [s for s in xbook.sheets if s.name != layout.SHEET_FINDINGS]
    assert run(XlwingsBook(xbook), FakeUI()) is not None
    added = xbook.sheets[layout.SHEET_FINDINGS]
    assert added.cell(1, 1).value == layout.FINDINGS_HEADERS[0]
    assert added.column_widths == layout.ADDED_SHEET_WIDTHS[layout.SHEET_FINDINGS]


def test_a_second_press_changes_nothing(example):
    xbook = fake_from_file(example)
    first = run(XlwingsBook(xbook), FakeUI())
    after_first = fake_cells(xbook)
    second = run(XlwingsBook(xbook), FakeUI())  # now the rates read back as Percent
    assert second.total_text == first.total_text
    assert fake_cells(xbook) == after_first


def test_protection_that_cannot_be_restored_is_named(example, monkeypatch):
    from tests.excel.fakexl import WinSheetApi

    def refuse(self, **kw):
        raise ComError("Protect refused")

    monkeypatch.setattr(WinSheetApi, "Protect", refuse)
    xbook = fake_from_file(example)
    ui = FakeUI()
    assert run(XlwingsBook(xbook), ui) is None
    (msg,) = ui.alerts
    assert "计算结果已全部写入" in msg and "绩效指标" in msg and "校验结果" in msg and "工作簿未被修改" not in msg
    assert xbook.sheets[layout.SHEET_FINDINGS].cell(1, 1).value == layout.FINDINGS_HEADERS[0]
