"""The Excel side without Excel: the button's code path, the xlwings book over a fake COM object, UDFs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xlperf.core import layout
from xlperf.core.book import KEEP, RecordingBook
from xlperf.excel.button import run, summary_message, to_excel_block
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


def test_run_shows_the_result_in_a_message_box_and_gives_the_status_bar_back():
    rows = standard_rows()
    rows[0]["分值"] = 25  # weights 105 -> an error
    ui = FakeUI()
    ev = run(RecordingBook(sample_grids(rows)), ui)
    assert ev is not None and ev.errors
    assert ui.statuses == ["绩效自评：正在重新计算…", ""]  # nothing left behind for another workbook
    assert ui.alerts == [summary_message(ev)]
    assert "错误 1 条" in ui.alerts[0] and "详见“校验结果”" in ui.alerts[0]


def test_run_without_errors_shows_the_total():
    ui = FakeUI()
    ev = run(RecordingBook(sample_grids()), ui)
    assert ev.total_score == 100
    assert ui.alerts[-1].startswith("总分 100.00，等级：优") and ui.statuses[-1] == ""


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


def test_formula_like_text_stays_text_in_excel():
    block = [["=HYPERLINK(\"http://x\")", "+1", "-", "@a", "正常", 3, KEEP]]
    out = to_excel_block(block, 1, 1, [[None] * 6 + ["旧值"]], [[None] * 6 + ["旧值"]])
    assert out == [["'=HYPERLINK(\"http://x\")", "'+1", "'-", "'@a", "正常", 3, "旧值"]]


# --- UDFs -----------------------------------------------------------------------------------------


def test_udfs_are_plain_python_over_the_same_core():
    from xlperf.excel import udfs

    assert udfs.XLPERF_SCORE(10, "≥95%", "94%") == 9.89
    assert udfs.XLPERF_SCORE(15, "提升", "情况另述") == "需人工评分"
    assert udfs.XLPERF_SCORE(10, "≥95%", None) == "待填写" and udfs.XLPERF_SCORE(10, "≥95%", "#N/A") == "待填写"
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
    assert ui.alerts[-1] == summary_message(ev_calc)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name
