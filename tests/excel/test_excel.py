"""The Excel side without Excel: the button's code path, the xlwings book over a fake COM object, UDFs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xlperf.core import layout
from xlperf.core.book import KEEP, RecordingBook
from xlperf.excel.button import XlwingsBook, run, summary_message, to_excel_block
from xlperf.workbook.recalc import recalculate

from tests.grids import budget_grid, indicator_grid, info_grid, standard_rows


class FakeUI:
    def __init__(self):
        self.statuses: list[str] = []
        self.alerts: list[str] = []

    def status(self, message):
        self.statuses.append(message)

    def alert(self, message):
        self.alerts.append(message)


def sample_grids(rows=None):
    return {
        layout.SHEET_INFO: info_grid({"项目名称": "测试项目"}),
        layout.SHEET_BUDGET: budget_grid(),
        layout.SHEET_INDICATORS: indicator_grid(rows if rows is not None else standard_rows()),
        layout.SHEET_FINDINGS: [list(layout.FINDINGS_HEADERS)],
        layout.SHEET_NARRATIVE: [list(layout.NARRATIVE_HEADERS)],
    }


def test_one_read_and_at_most_one_write_per_sheet():
    book = RecordingBook(sample_grids())
    recalculate(book)
    per_sheet: dict[str, list[str]] = {}
    for kind, sheet in book.calls:
        if sheet:
            per_sheet.setdefault(sheet, []).append(kind)
    for sheet, calls in per_sheet.items():
        assert calls.count("read") <= 1, sheet
        assert calls.count("write") <= 1, sheet
        assert len(calls) <= 2, (sheet, calls)
    assert per_sheet[layout.SHEET_INDICATORS] == ["read", "write"]


def test_run_reports_in_the_status_bar_and_alerts_on_errors():
    rows = standard_rows()
    rows[0]["分值"] = 25  # weights 105 -> an error
    ui = FakeUI()
    ev = run(RecordingBook(sample_grids(rows)), ui)
    assert ev is not None and ev.errors
    assert ui.statuses[-1] == summary_message(ev)
    assert ui.alerts == [summary_message(ev)]
    assert "错误 1 条" in ui.alerts[0] and "详见“校验结果”" in ui.alerts[0]


def test_run_without_errors_does_not_alert():
    ui = FakeUI()
    ev = run(RecordingBook(sample_grids()), ui)
    assert ev.total_score == 100 and ui.alerts == []
    assert ui.statuses[-1].startswith("总分 100.00，等级：优")


def test_an_exception_shows_a_chinese_message_logs_it_and_writes_nothing(monkeypatch, tmp_path):
    from xlperf.excel import button as excel

    monkeypatch.setattr(excel, "log_path", lambda: tmp_path / "xlperf.log")
    monkeypatch.setattr(excel.logging.getLogger("xlperf.excel.button"), "handlers", [])

    class Broken(RecordingBook):
        def write(self, *a, **k):  # pragma: no cover - must not be reached
            raise AssertionError("nothing may be written")

    import xlperf.core.scoring as scoring

    def boom(*a, **k):
        raise ZeroDivisionError("模拟的内部错误")

    monkeypatch.setattr("xlperf.workbook.recalc.evaluate", boom)
    ui = FakeUI()
    book = Broken(sample_grids())
    assert run(book, ui) is None
    assert len(ui.alerts) == 1 and "工作簿未被修改" in ui.alerts[0] and str(tmp_path / "xlperf.log") in ui.alerts[0]
    assert not any(kind == "write" for kind, _ in book.calls)
    assert "ZeroDivisionError" in (tmp_path / "xlperf.log").read_text(encoding="utf-8")
    assert scoring.evaluate is not boom


def test_input_problem_is_a_plain_alert():
    grids = sample_grids()
    del grids[layout.SHEET_INDICATORS]
    ui = FakeUI()
    assert run(RecordingBook(grids), ui) is None
    assert "找不到工作表“绩效指标”" in ui.alerts[0]


# --- XlwingsBook over a fake xlwings object model ---------------------------------------------------


class FakeRange:
    def __init__(self, sheet, row, col, calls):
        self.sheet, self.row, self.column, self.calls = sheet, row, col, calls

    def options(self, **kw):
        return self

    @property
    def value(self):
        self.calls.append(("value", self.sheet.name))
        return [r[self.column - 1 :] for r in self.sheet.values[self.row - 1 :]]

    @value.setter
    def value(self, block):
        self.calls.append(("set", self.sheet.name))
        for i, line in enumerate(block):
            r = self.row + i
            while len(self.sheet.values) < r:
                self.sheet.values.append([])
            for j, v in enumerate(line):
                c = self.column + j
                row = self.sheet.values[r - 1]
                while len(row) < c:
                    row.append(None)
                row[c - 1] = v

    @property
    def formula(self):
        self.calls.append(("formula", self.sheet.name))
        return [[self.sheet.formulas.get((r + 1, c + 1), "" if v is None else str(v)) for c, v in enumerate(line)] for r, line in enumerate(self.sheet.values)]


class FakeSheet:
    def __init__(self, name, values, calls):
        self.name, self.values, self.calls, self.formulas = name, values, calls, {}

    @property
    def used_range(self):
        self.calls.append(("used_range", self.name))
        return FakeRange(self, 1, 1, self.calls)

    def range(self, cell):
        return FakeRange(self, cell[0], cell[1], self.calls)


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            for s in self:
                if s.name == key:
                    return s
            raise KeyError(key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        self.append(FakeSheet(name, [], self[0].calls))


class FakeXBook:
    def __init__(self, grids):
        self.calls = []
        self.name = "自评.xlsx"
        self.sheets = FakeSheets(FakeSheet(n, [list(r) for r in g], self.calls) for n, g in grids.items())


def test_xlwings_book_reads_once_and_writes_each_block_in_one_call():
    xbook = FakeXBook(sample_grids())
    xbook.sheets[layout.SHEET_INDICATORS].values[8][9] = 9  # J9 人工得分
    xbook.sheets[layout.SHEET_INDICATORS].formulas[(9, 12)] = '=CONCAT("原因",A1)'  # L9 holds a formula
    xbook.sheets[layout.SHEET_INDICATORS].values[8][11] = "原因"
    book = XlwingsBook(xbook)
    ev = recalculate(book)
    sets = [s for k, s in xbook.calls if k == "set"]
    assert sorted(sets) == sorted(set(sets)), "one write call per sheet"
    ind = xbook.sheets[layout.SHEET_INDICATORS]
    assert ind.values[8][11] == '=CONCAT("原因",A1)', "a formula in a cell we do not own is put back as a formula"
    assert ind.values[8][9] == 9
    assert ind.values[7][10] == 20  # K8 得分
    assert ev.indicators[1].score == 9


def test_formula_like_text_stays_text_in_excel():
    block = [["=HYPERLINK(\"http://x\")", "+1", "-", "@a", "正常", 3, KEEP]]
    out = to_excel_block(block, 1, 1, [[None] * 6 + ["旧值"]], [[None] * 6 + ["旧值"]])
    assert out == [["'=HYPERLINK(\"http://x\")", "'+1", "'-", "'@a", "正常", 3, "旧值"]]


def test_error_strings_from_excel_become_cell_errors():
    grids = sample_grids()
    grids[layout.SHEET_INDICATORS][8][6] = "#DIV/0!"
    book = XlwingsBook(FakeXBook(grids))
    ev = recalculate(book, write=False)
    assert any(f.code == "E002" and f.cell == "G9" for f in ev.findings)


# --- UDFs -----------------------------------------------------------------------------------------


def test_udfs_are_plain_python_over_the_same_core():
    from xlperf.excel import udfs

    assert udfs.XLPERF_SCORE(10, "≥95%", "94%") == 9.89
    assert udfs.XLPERF_SCORE(15, "提升", "情况另述") == "需人工评分"
    assert udfs.XLPERF_SCORE(10, "≤30天", "40天", "≤") == 7.5
    assert udfs.XLPERF_COMPLETION("3626人", "3600人") == pytest.approx(0.9928)
    assert udfs.XLPERF_GRADE(89.995) == "优"
    assert udfs.XLPERF_GRADE(84.31) == "良"
    assert udfs.XLPERF_PARSE("39.75万元") == [[39.75, "万元"]]
    assert udfs.XLPERF_PARSE("≥95%") == [[95.0, "%"]]
    assert udfs.XLPERF_PARSE("持续") == [[None, "持续"]]


# --- import weight ---------------------------------------------------------------------------------


def test_import_xlperf_does_not_load_heavy_modules():
    code = (
        "import sys, xlperf, xlperf.cli;"
        "heavy = [m for m in ('xlwings', 'pandas', 'openpyxl', 'docx', 'docxtpl', 'lxml', 'python_calamine', 'rich') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_protected_sheets_are_unprotected_for_the_write_and_protected_again():
    events = []

    class Prot:
        AllowFormattingColumns = True
        AllowInsertingRows = True

        def __getattr__(self, name):
            return False

    class Api:
        ProtectContents = True
        Protection = Prot()

        def Unprotect(self):
            events.append("unprotect")

        def Protect(self, **kw):
            events.append(("protect", kw["AllowInsertingRows"], kw["AllowSorting"], kw["Contents"]))

    xbook = FakeXBook(sample_grids())
    for s in xbook.sheets:
        s.api = Api()
    recalculate(XlwingsBook(xbook))
    assert events and events[0] == "unprotect"
    assert events.count("unprotect") == sum(1 for e in events if isinstance(e, tuple))
    assert ("protect", True, False, True) in events


def test_main_through_the_file_backed_book_gives_the_same_workbook_as_calc(tmp_path):
    import shutil
    import zipfile

    import xlperf.excel.button
    from xlperf.api import calc_file
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.examples import build_example

    src = tmp_path / "示例.xlsx"
    build_example(src, "临汾购买服务")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    shutil.copy(src, a)
    shutil.copy(src, b)
    ev_calc = calc_file(a)
    ui = FakeUI()
    ev_main = xlperf.excel.button.main(book=FileBook(b), ui=ui)
    assert ev_main.total_score == ev_calc.total_score == 84.31
    assert ui.statuses[-1] == summary_message(ev_calc)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name
