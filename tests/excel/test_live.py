"""The live route (the Excel button over xlwings) against the file route (xlperf calc), through
xlwings' own code: ``xw.Book`` over ``xlwings._xlwindows`` (COM) or ``xlwings._xlmac``
(appscript), with only the layer below faked (tests/excel/xlplatform.py says what each fake
returns and why)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xlperf.core import layout
from xlperf.core.book import KEEP
from xlperf.core.values import Percent
from xlperf.excel import button
from xlperf.excel.button import (
    ExcelUI, XlwingsBook, format_addresses, is_percent_format, owned_rectangles, run, summary_message,
)
from xlperf.workbook.recalc import compute

from tests.excel.xlplatform import (
    MESSAGE_BOXES, PROTECT_FLAGS, ComSheet, ErrorValue, ProtectionState, XBook, excel_parse, platform_book,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "workbooks").glob("示例-*.xlsx"))
PLATFORMS = ("win", "mac")
USER_COLUMNS = {  # sheet -> header texts of the columns the officer owns (the program never writes them)
    layout.SHEET_INDICATORS: ("人工得分", "偏差原因分析及改进措施"),
    layout.SHEET_BUDGET: ("分值", "偏差原因分析及改进措施"),
}
# 自评报告's 定稿 is the officer's too, but moves with its section when the outline changes
# (both routes write it then): see test_the_final_text_column_is_not_written_again.


def live(data: XBook, platform: str) -> tuple[object, XlwingsBook]:
    xbook = platform_book(data, platform)
    return xbook, XlwingsBook(xbook, mac=platform == "mac")


class FakeUI:
    def __init__(self):
        self.statuses, self.alerts = [], []

    def status(self, m):
        self.statuses.append(m)

    def alert(self, m):
        self.alerts.append(m)


def _norm(v):
    if v == "":
        return None  # the file route may store an empty text; Excel stores "" as an empty cell
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float, Decimal)):
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
                if _norm(c.value) is not None or c.number_format != "General":
                    out[(ws.title, c.row, c.column)] = (_norm(c.value), c.number_format)
    return out


def xl_cells(data: XBook) -> dict[tuple[str, int, int], tuple]:
    out = {}
    for sheet in data.sheets:
        for (r, c), cell in sheet.cells.items():
            v = _norm(cell.formula if cell.formula is not None else cell.value)
            if v is not None or cell.number_format != "General":
                out[(sheet.name, r, c)] = (v, cell.number_format)
    return out


def _plain_copy(src: Path, dst: Path) -> Path:
    """The example as a unit's own workbook: no number format anywhere (every cell General)."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                c.number_format = "General"
    wb.save(dst)
    return dst


CURRENCY = '"¥"#,##0.00'
ACCOUNTING = '_ ¥* #,##0.00_ ;_ ¥* -#,##0.00_ ;_ ¥* "-"??_ ;_ @_ '


def _money_copy(src: Path, dst: Path) -> Path:
    """Budget amounts as ¥ (货币) and 会计专用, and 分值 as ¥: what Excel hands over as COM Currency."""
    wb = openpyxl.load_workbook(src)
    budget = wb[layout.SHEET_BUDGET]
    for row in budget.iter_rows(min_row=2, min_col=2, max_col=5):
        for i, c in enumerate(row):
            c.number_format = CURRENCY if i % 2 == 0 else ACCOUNTING
    ind = wb[layout.SHEET_INDICATORS]
    header = next(r for r in range(1, 30) if ind.cell(r, 1).value == "一级指标")
    weight = next(c for c in range(1, 20) if ind.cell(header, c).value == "分值")
    for r in range(header + 1, ind.max_row + 1):
        ind.cell(r, weight).number_format = CURRENCY
    wb.save(dst)
    return dst


@pytest.fixture(autouse=True)
def _no_message_boxes():
    MESSAGE_BOXES.clear()
    yield
    MESSAGE_BOXES.clear()


@pytest.fixture
def example() -> Path:
    return ROOT / "workbooks" / "示例-临汾购买服务.xlsx"  # 84.31 良


# --- xlwings' own code under the button ------------------------------------------------------------


def test_xlwings_own_code_gives_what_the_button_must_handle(example):
    """What the button is built on, as xlwings 0.37.8 hands it over (not our code)."""
    data = XBook.from_file(example)
    ind = data.sheet(layout.SHEET_INDICATORS)
    ind.cell(8, 5).number_format = CURRENCY
    ind.cell(9, 7).value = ErrorValue("#N/A")
    win = platform_book(data, "win").sheets[layout.SHEET_INDICATORS]
    assert win.range("E8").value == Decimal("10")  # COM Currency: xlwings passes the Decimal through
    assert win.range("G9").options(err_to_str=True).value == "#N/A"  # the error integer, mapped by xlwings
    assert win.range("G9").value is None
    assert win.range("A7:B8").formula == (("一级指标", "二级指标"), ("产出指标", "数量指标"))
    assert win.range("A1").formula == "绩效指标自评表"
    mac = platform_book(data, "mac").sheets[layout.SHEET_INDICATORS]
    assert mac.range("E8").value == 10.0
    assert mac.range("A7:C7").options(err_to_str=True).value == ["一级指标", "二级指标", "三级指标"]  # one row: fine
    with pytest.raises(TypeError):  # _xlmac.py ensure_2d has no branch for a list of rows
        mac.used_range.options(ndim=2, err_to_str=True).value
    assert mac.range("G9").value is None  # an error cell is k.missing_value


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_sheet_reads_as_the_file_reader_reads_it(path, platform):
    from xlperf.workbook.filebook import FileBook

    data = XBook.from_file(path)
    _xbook, book = live(data, platform)
    filed = FileBook(path)
    assert book.sheet_names() == filed.sheet_names()
    for name in filed.sheet_names():
        got, want = book.read(name), filed.read(name)
        h = max(len(got), len(want))
        for r in range(h):
            a = got[r] if r < len(got) else []
            b = want[r] if r < len(want) else []
            for c in range(max(len(a), len(b))):
                x = a[c] if c < len(a) else None
                y = b[c] if c < len(b) else None
                assert _norm(x) == _norm(y) and isinstance(x, Percent) == isinstance(y, Percent), (name, r + 1, c + 1, x, y)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_error_cells_become_cell_errors(example, platform):
    from xlperf.ooxml import CellError

    data = XBook.from_file(example)
    data.sheet(layout.SHEET_INDICATORS).cell(9, 7).value = ErrorValue("#DIV/0!")
    _xbook, book = live(data, platform)
    grid = book.read(layout.SHEET_INDICATORS)
    assert isinstance(grid[8][6], CellError) and str(grid[8][6]) == "#DIV/0!"


# --- one result on both routes ---------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", ["template", "plain", "money"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_parity_button_and_calc_every_cell_value_and_number_format(path, kind, platform, tmp_path):
    from xlperf.api import calc_file

    src = {"template": lambda: path, "plain": lambda: _plain_copy(path, tmp_path / "自己的表.xlsx"),
           "money": lambda: _money_copy(path, tmp_path / "金额.xlsx")}[kind]()
    filed = tmp_path / "file-route.xlsx"
    shutil.copy(src, filed)
    ev_file = calc_file(filed)

    data = XBook.from_file(src)
    before = {s.name: s.protection for s in data.sheets}
    xbook = platform_book(data, platform)
    ev_live = run(XlwingsBook(xbook, mac=platform == "mac"), ExcelUI(xbook.app))

    assert ev_live is not None and (ev_live.total_text, ev_live.grade_text) == (ev_file.total_text, ev_file.grade_text)
    assert [f.code for f in ev_live.errors] == [f.code for f in ev_file.errors]
    want, got = file_cells(filed), xl_cells(data)
    diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
    assert diff == {}
    rates = [k for k, (v, fmt) in got.items() if fmt == "0.00%" and isinstance(v, float)]
    assert len(rates) >= 3  # the computed rates really are percentages on both routes
    assert {s.name: s.protection for s in data.sheets} == before
    assert data.status_bar is False  # given back to Excel
    assert MESSAGE_BOXES == [("绩效自评", summary_message(ev_file))]  # xlwings' App.alert, the platform's box


def _variant(src: Path, dst: Path, seed: int) -> Path:
    """A generated variant of a shipped example: per indicator row, at random, an error in
    实际完成值, a percentage typed as a number with a % format, a currency-formatted 分值,
    officer text in 人工得分 / 偏差原因分析; budget amounts as ¥ or 会计专用."""
    import random

    rnd = random.Random(seed)
    wb = openpyxl.load_workbook(src)
    ind = wb[layout.SHEET_INDICATORS]
    header = next(r for r in range(1, 30) if ind.cell(r, 1).value == "一级指标")
    col = {ind.cell(header, c).value: c for c in range(1, ind.max_column + 1)}
    rows = [r for r in range(header + 1, ind.max_row + 1) if ind.cell(r, col["分值"]).value is not None]
    for r in rows:
        pick = rnd.random()
        if pick < 0.15:
            ind.cell(r, col["实际完成值"]).value = rnd.choice(["#N/A", "#DIV/0!", "#VALUE!"])
        elif pick < 0.35:
            c = ind.cell(r, col["实际完成值"])
            c.value, c.number_format = round(rnd.uniform(0.5, 1.1), 4), rnd.choice(["0%", "0.00%"])
        if rnd.random() < 0.3:
            ind.cell(r, col["分值"]).number_format = rnd.choice([CURRENCY, ACCOUNTING])
        if rnd.random() < 0.2:
            ind.cell(r, col["偏差原因分析及改进措施"]).value = rnd.choice(["001", "1-2", "50%", "=说明", "1月2日"])
    budget = wb[layout.SHEET_BUDGET]
    for row in budget.iter_rows(min_row=2, min_col=2, max_col=5):
        for c in row:
            if rnd.random() < 0.5:
                c.number_format = rnd.choice([CURRENCY, ACCOUNTING])
    wb.save(dst)
    return dst


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("seed", range(6))
def test_parity_on_generated_variants(seed, platform, tmp_path):
    from xlperf.api import calc_file

    path = EXAMPLES[seed % len(EXAMPLES)]
    src = _variant(path, tmp_path / f"变体{seed}.xlsx", seed)
    filed = tmp_path / "file-route.xlsx"
    shutil.copy(src, filed)
    ev_file = calc_file(filed)
    data = XBook.from_file(src)
    ev_live = run(live(data, platform)[1], FakeUI())
    assert ev_live is not None
    assert (ev_live.total_text, ev_live.grade_text) == (ev_file.total_text, ev_file.grade_text)
    assert sorted(f.code for f in ev_live.findings) == sorted(f.code for f in ev_file.findings)
    want, got = file_cells(filed), xl_cells(data)
    assert {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)} == {}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_currency_formatted_amounts_score_as_numbers(example, platform, tmp_path):
    """Budget amounts and 分值 formatted as ¥ / 会计专用 arrive as Decimal on Windows."""
    from xlperf.api import calc_file

    src = _money_copy(example, tmp_path / "金额.xlsx")
    data = XBook.from_file(src)
    if platform == "win":
        raw = platform_book(data, "win").sheets[layout.SHEET_BUDGET].range("B2:E2").value
        assert all(isinstance(v, Decimal) for v in raw)
    ev = run(live(data, platform)[1], FakeUI())
    assert (ev.total_text, ev.grade_text) == ("84.31", "良")
    assert not [f for f in ev.errors + ev.warnings if f.code in ("E207", "E104")]
    assert (calc_file(src).total_text, calc_file(src).grade_text) == ("84.31", "良")


# --- the button writes only the cells the program owns --------------------------------------------


def _columns(data: XBook, sheet: str, headers: tuple[str, ...]) -> set[tuple[int, int]]:
    """(header row, column) of each of the sheet's columns headed by one of ``headers``."""
    s = data.sheet(sheet)
    return {(r, c) for (r, c), cell in s.cells.items() if r <= 10 and cell.value in headers}


def _file_route_writes(path: Path) -> set[tuple[str, int, int]]:
    """The cells ``xlperf calc`` writes into ``path``: the non-KEEP cells of its blocks."""
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.recalc import recalculate

    book = FileBook(path)
    recalculate(book)
    return {(sheet, row + i, col + j) for sheet, row, col, block, _f in book._writes
            for i, line in enumerate(block) for j, v in enumerate(line) if v is not KEEP}


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_cells_the_button_writes_are_the_cells_calc_changes(path, platform, tmp_path):
    """The button writes exactly the cells the file route writes, and every cell calc changes.

    The computed cells that were empty hold stale text first (labels and headers the program
    rewrites keep their text, so the tables are still found), so calc changes each of them.
    """
    from xlperf.api import calc_file

    first = XBook.from_file(path)
    run(live(first, platform)[1], FakeUI())
    original = file_cells(path)
    stale = tmp_path / "stale.xlsx"
    wb = openpyxl.load_workbook(path)
    filled = 0
    for sheet, r, c in first.written():
        if (sheet, r, c) not in original and sheet in wb.sheetnames:
            wb[sheet].cell(r, c).value = "旧值"
            filled += 1
    wb.save(stale)
    assert filled > 20
    filed = tmp_path / "file-route.xlsx"
    shutil.copy(stale, filed)
    calc_file(filed)
    before, after = file_cells(stale), file_cells(filed)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}

    data = XBook.from_file(stale)
    assert run(live(data, platform)[1], FakeUI()) is not None
    written = data.written()
    assert written == _file_route_writes(stale)  # 0 foreign writes
    assert changed <= written
    rewritten = written - changed  # written with the value the cell already held: labels, headers
    assert all(before.get(k) == after.get(k) for k in rewritten)
    for sheet, headers in USER_COLUMNS.items():
        cols = _columns(data, sheet, headers)
        assert cols, (sheet, headers)
        assert not [(r, c) for s, r, c in written for hr, hc in cols if s == sheet and c == hc and r > hr], sheet


@pytest.mark.parametrize("platform", PLATFORMS)
def test_text_the_officer_typed_is_never_re_entered(example, platform):
    """Excel re-parses re-entered text (001 → 1, 1-2 → a date, 50% → 0.5): cells the program
    does not own keep exactly what was there."""
    data = XBook.from_file(example)
    ind = data.sheet(layout.SHEET_INDICATORS)
    cols = sorted(c for _r, c in _columns(data, layout.SHEET_INDICATORS, ("人工得分", "偏差原因分析及改进措施")))
    typed = {(8, cols[1]): "001", (9, cols[1]): "1-2", (10, cols[1]): "50%", (11, cols[0]): "1月2日"}
    for (r, c), v in typed.items():
        ind.cell(r, c, create=True).value = v
    assert run(live(data, platform)[1], FakeUI()) is not None
    assert {k: ind.cell(*k).value for k in typed} == typed
    assert excel_parse("1-2")[0] != "1-2" and excel_parse("001")[0] == 1.0  # what a re-entry would have done


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_final_text_column_is_not_written_again(example, platform):
    data = XBook.from_file(example)
    assert run(live(data, platform)[1], FakeUI()) is not None
    report = data.sheet(layout.SHEET_NARRATIVE)
    ((hr, col),) = _columns(data, layout.SHEET_NARRATIVE, ("定稿",))
    typed = {(hr + 1, col): "001", (hr + 2, col): "1-2", (hr + 3, col): "本单位改写的定稿"}
    for (r, c), v in typed.items():
        report.cell(r, c, create=True).value = v
    for s in data.sheets:
        s.written.clear()
    assert run(live(data, platform)[1], FakeUI()) is not None
    assert {k: report.cell(*k).value for k in typed} == typed
    assert data.written() and not [k for k in data.written() if k[0] == layout.SHEET_NARRATIVE and k[2] == col and k[1] > hr]


def test_any_text_the_button_writes_reads_back_as_the_same_text():
    """Whatever text a block holds, Excel (typed-entry parsing, as the stubs model it) keeps it as text."""
    from hypothesis import given, settings, strategies as st

    from xlperf.excel.button import _text_safe

    alphabet = st.sampled_from(list("0123456789-/.,%¥$+=@'#() 年月日TRUEfalse正常完成E") + ["\u3000"])

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, min_size=1, max_size=12))
    def check(text):
        sheet = XBook().add_sheet("表")
        sheet.type_in(1, 1, _text_safe(text))
        cell = sheet.cell(1, 1)
        assert cell.formula is None and cell.value == text, (text, cell)

    check()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_written_text_that_looks_like_a_number_stays_text(example, platform):
    data = XBook.from_file(example)
    _xbook, book = live(data, platform)
    book.read(layout.SHEET_FINDINGS)
    block = [["001", "1-2", "50%", "=A1", "TRUE", "正常", 3.5, None]]
    with book.writing([layout.SHEET_FINDINGS]):
        book.write(layout.SHEET_FINDINGS, 300, 1, block)
    s = data.sheet(layout.SHEET_FINDINGS)
    assert [s.cell(300, c).value for c in range(1, 9)] == ["001", "1-2", "50%", "=A1", "TRUE", "正常", 3.5, None]
    assert s.cell(300, 4).formula is None


def calls_per_block(data: XBook, book: XlwingsBook, blocks) -> list[dict]:
    """Round trips to Excel per block: value writes, number-format writes, all calls."""
    out = []
    for sheet, row, col, block, fmts in blocks:
        start = len(data.calls)
        book.write(sheet, row, col, block, fmts)
        calls = [w for w, _ in data.calls[start:]]
        out.append({
            "sheet": sheet, "cells": sum(v is not KEEP for line in block for v in line),
            "rectangles": len(owned_rectangles(block, row, col)),
            "format_parts": sum(len(a.split(",")) if book._mac else 1 for _c, a in format_addresses(block, row, col, fmts or {})),
            "value_writes": sum(w in ("Range.Value.set", "value.set") for w in calls),
            "format_writes": sum(w in ("Range.NumberFormat.set", "number_format.set") for w in calls),
            "calls": len(calls),
        })
    return out


@pytest.mark.parametrize("platform", PLATFORMS)
def test_com_calls_per_block(example, platform):
    """One value write per rectangle of owned cells, one format write per format area, and
    only a few round trips around each (every call into the object model is counted)."""
    data = XBook.from_file(example)
    xbook, book = live(data, platform)
    ev, names, blocks = compute(book)
    with book.writing(names):
        got = calls_per_block(data, book, blocks)
    assert len(got) == 4
    for m in got:
        assert m["value_writes"] == m["rectangles"] and m["format_writes"] == m["format_parts"], m
        # a rectangle: its range (Cells, Cells, Range on Windows) and one write of its values;
        # a format area: its range and the write (Mac: screen updating off and on around it)
        assert m["calls"] <= 5 * (m["rectangles"] + m["format_parts"]) + 3, m
        assert m["rectangles"] < m["cells"] / 2 or m["cells"] < 10, m


# --- Book.caller, messages, foreign forms --------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_main_runs_on_the_calling_book(example, platform):
    import xlwings as xw

    data = XBook.from_file(example)
    xbook = platform_book(data, platform)
    xbook.set_mock_caller()
    try:
        ev = button.main()
    finally:
        del xw.Book._mock_caller
    assert ev is not None and ev.total_text == "84.31"
    assert MESSAGE_BOXES == [("绩效自评", summary_message(ev))]
    assert data.written()


def test_main_without_a_calling_book_says_so_in_chinese(monkeypatch, tmp_path, capsys):
    import xlwings as xw

    monkeypatch.setattr(button, "log_path", lambda: tmp_path / "xlperf.log")
    monkeypatch.setattr(button.logging.getLogger("xlperf.excel.button"), "handlers", [])
    assert not hasattr(xw.Book, "_mock_caller")
    monkeypatch.setattr("sys.argv", ["-c"])
    assert button.main() is None
    err = capsys.readouterr().err
    assert "无法连接到按下按钮的工作簿" in err and "工作簿未被修改" in err and "Traceback" not in err
    assert "Book.caller" in (tmp_path / "xlperf.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_units_own_form_is_refused_and_nothing_written(platform, tmp_path):
    from tests.forms.fixtures import national

    path = national().xlsx(tmp_path / "单位自评表.xlsx", sheet="附件1")
    data = XBook.from_file(path)
    snapshot = xl_cells(data)
    xbook = platform_book(data, platform)
    assert run(XlwingsBook(xbook, mac=platform == "mac"), ExcelUI(xbook.app)) is None
    ((title, msg),) = MESSAGE_BOXES
    assert title == "绩效自评"
    assert "不是 xlperf 自评表" in msg and "xlperf import" in msg and "工作簿未被修改" in msg
    assert xl_cells(data) == snapshot and not data.written()
    assert not any(w in ("Range.Value.set", "value.set", "Range.NumberFormat.set", "number_format.set") for w, _ in data.calls)


# --- percentages read as percentages ---------------------------------------------------------------


def _table(rows) -> XBook:
    data = XBook()
    s = data.add_sheet("表")
    for r, line in enumerate(rows, 1):
        for c, v in enumerate(line, 1):
            if v is not None:
                s.cell(r, c, create=True).value = float(v) if isinstance(v, int) else v
    return data


@pytest.mark.parametrize("platform", PLATFORMS)
def test_cells_formatted_as_percent_come_back_as_percent(platform):
    data = _table([["名称", "实际"], ["甲", 0.98], ["乙", 0.5], ["丙", 3], ["丁", "≥95%"]])
    sht = data.sheet("表")
    sht.cell(2, 2).number_format = "0%"
    sht.cell(3, 2).number_format = '0.0"分"%'
    grid = live(data, platform)[1].read("表")
    assert grid[1][1] == 0.98 and isinstance(grid[1][1], Percent)
    assert isinstance(grid[2][1], Percent)
    assert not isinstance(grid[3][1], Percent) and grid[3][1] == 3.0
    assert grid[4][1] == "≥95%"
    assert not isinstance(grid[1][0], Percent)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_one_row_one_column_and_empty_sheets_read_as_grids(platform):
    data = _table([[None, "a", 2]])
    col = data.add_sheet("列")
    col.cell(2, 1, create=True).value = "b"
    col.cell(3, 1, create=True).value = 3.0
    data.add_sheet("空")
    book = live(data, platform)[1]
    assert book.read("表") == [[None, "a", 2.0]]
    assert book.read("列") == [[], ["b"], [3.0]]
    assert book.read("空") == [[None]]


def test_number_formats_cost_one_call_per_uniform_column():
    rows = [["h", "v", "w"]] + [[f"r{i}", 0.5, 1.0] for i in range(200)]
    data = _table(rows)
    sht = data.sheet("表")
    for r in range(2, 202):
        sht.cell(r, 2).number_format = "0.00%"
    sht.cell(150, 3).number_format = "0%"  # one percent cell in an otherwise plain column
    grid = live(data, "win")[1].read("表")
    assert all(isinstance(grid[r - 1][1], Percent) for r in range(2, 202))
    assert isinstance(grid[149][2], Percent) and sum(isinstance(line[2], Percent) for line in grid) == 1
    n = data.count("Range.NumberFormat.get")
    assert n <= 1 + 2 * 9 + 1, n  # column B one call; column C halves down to the one cell; A has no numbers


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.00%", True), ('0"%"', False), ("0\\%", False), ("[Red]0.0%", True), ("General", False),
    ("0.00", False), ('[$-804]0.00%;-0.00%', True),
])
def test_is_percent_format(code, percent):
    assert is_percent_format(code) is percent


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


# --- protection and true messages ------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_protection_is_restored_exactly(example, platform):
    data = XBook.from_file(example)
    odd = ProtectionState(contents=True, drawing_objects=False, scenarios=False, user_interface_only=True,
                          allow={k: (i % 2 == 0) for i, k in enumerate(PROTECT_FLAGS)})
    data.sheet(layout.SHEET_INDICATORS).protection = odd
    assert any(s.protection.contents for s in data.sheets)
    assert run(live(data, platform)[1], FakeUI()) is not None
    assert data.sheet(layout.SHEET_INDICATORS).protection == odd
    lifted = data.count("Worksheet.Unprotect" if platform == "win" else "unprotect")
    assert lifted >= 1 and data.count("Worksheet.Protect" if platform == "win" else "protect_worksheet") == lifted


@pytest.mark.parametrize("platform", PLATFORMS)
def test_password_protected_sheet_is_named_and_nothing_is_written(example, platform):
    data = XBook.from_file(example)
    data.sheet(layout.SHEET_FINDINGS).protection.password = "secret"
    snapshot = xl_cells(data)
    before = {s.name: s.protection for s in data.sheets}
    ui = FakeUI()
    assert run(live(data, platform)[1], ui) is None
    (msg,) = ui.alerts
    assert "校验结果" in msg and "请先撤销工作表保护" in msg and example.name in msg
    assert "工作簿未被修改" in msg
    assert xl_cells(data) == snapshot and not data.written()
    assert {s.name: s.protection for s in data.sheets} == before  # the sheets lifted first are protected again


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_failed_write_names_the_sheets_updated_and_not(example, platform, monkeypatch, tmp_path):
    monkeypatch.setattr(button, "log_path", lambda: tmp_path / "xlperf.log")
    data = XBook.from_file(example)
    data.sheet(layout.SHEET_FINDINGS).fail_writes = RuntimeError("模拟的写入错误")
    ui = FakeUI()
    assert run(live(data, platform)[1], ui) is None
    (msg,) = ui.alerts
    assert "工作簿未被修改" not in msg
    assert "已更新的工作表：预算执行、绩效指标" in msg
    assert "可能只更新了一部分的工作表：校验结果" in msg
    assert "未更新的工作表：自评报告" in msg
    assert "模拟的写入错误" in msg
    assert all(s.protection.contents for s in data.sheets)  # protection restored after the failure


@pytest.mark.parametrize("platform", PLATFORMS)
def test_status_bar_is_replaced_at_the_start_and_given_back_at_the_end(example, platform):
    data = XBook.from_file(example)
    data.status_bar = "总分 1.00，等级：差；……（另一工作簿留下的）"
    xbook = platform_book(data, platform)
    seen = []
    ui = ExcelUI(xbook.app)
    status = ui.status
    ui.status = lambda m: (status(m), seen.append(data.status_bar))
    run(XlwingsBook(xbook, mac=platform == "mac"), ui)
    assert seen[0] == "绩效自评：正在重新计算…"
    assert data.status_bar is False


@pytest.mark.parametrize("platform", PLATFORMS)
def test_missing_result_sheets_are_added_with_the_file_routes_widths(example, platform):
    data = XBook.from_file(example)
    data.sheets = [s for s in data.sheets if s.name != layout.SHEET_FINDINGS]
    assert run(live(data, platform)[1], FakeUI()) is not None
    added = data.sheet(layout.SHEET_FINDINGS)
    assert [s.name for s in data.sheets][-1] == layout.SHEET_FINDINGS  # after the last sheet
    assert added.cell(1, 1).value == layout.FINDINGS_HEADERS[0]
    assert added.column_widths == layout.ADDED_SHEET_WIDTHS[layout.SHEET_FINDINGS]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_second_press_changes_nothing(example, platform):
    data = XBook.from_file(example)
    first = run(live(data, platform)[1], FakeUI())
    after_first = xl_cells(data)
    second = run(live(data, platform)[1], FakeUI())  # now the rates read back as Percent
    assert second.total_text == first.total_text
    assert xl_cells(data) == after_first


def test_protection_that_cannot_be_restored_is_named(example, monkeypatch):
    from tests.excel.xlplatform import _com_error

    def refuse(self, **kw):
        raise _com_error("Protect refused")

    monkeypatch.setattr(ComSheet, "Protect", refuse)
    data = XBook.from_file(example)
    ui = FakeUI()
    assert run(live(data, "win")[1], ui) is None
    (msg,) = ui.alerts
    assert "计算结果已全部写入" in msg and "绩效指标" in msg and "校验结果" in msg and "工作簿未被修改" not in msg
    assert data.sheet(layout.SHEET_FINDINGS).cell(1, 1).value == layout.FINDINGS_HEADERS[0]
