"""The Excel side without Excel: the button's code path, the xlwings book over a fake COM object, UDFs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xlperf.core import layout
from xlperf.core.book import KEEP, RecordingBook
from xlperf.excel.button import _text_safe, owned_rectangles, run, summary_message
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

    monkeypatch.setattr("xlperf.workbook.load.evaluate", boom)
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


def test_text_excel_would_reparse_gets_an_apostrophe():
    texts = ["=HYPERLINK(\"http://x\")", "+1", "-", "@a", "001", "50%", "1-2", "1月2日", "TRUE", "'x", "#N/A"]
    assert [_text_safe(t) for t in texts] == ["'" + t for t in texts]
    assert [_text_safe(t) for t in ["正常", "完成", "需人工评分", 3, None]] == ["正常", "完成", "需人工评分", 3, None]


def test_owned_rectangles_cover_every_owned_cell_once_and_no_kept_cell():
    from hypothesis import given, strategies as st

    @given(st.lists(st.lists(st.sampled_from([KEEP, 1, None, "x"]), min_size=4, max_size=4), max_size=8),
           st.integers(1, 30), st.integers(1, 10))
    def check(block, row, col):
        cells: dict[tuple[int, int], object] = {}
        for r, c, rows in owned_rectangles(block, row, col):
            assert rows and all(len(line) == len(rows[0]) for line in rows)
            for i, line in enumerate(rows):
                for j, v in enumerate(line):
                    assert (r + i, c + j) not in cells
                    cells[(r + i, c + j)] = v
        want = {(row + i, col + j): v for i, line in enumerate(block) for j, v in enumerate(line) if v is not KEEP}
        assert cells == want

    check()


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
    assert udfs.XLPERF_PARSE("9月前") == [[None, "9月前"]]  # a month without its year: no date to show
    assert udfs.XLPERF_PARSE("2021年12月完成") == [["2021-12-31", "日期"]]


def test_udfs_take_currency_cells_as_numbers():
    """A cell formatted as ¥ or 会计专用 reaches a UDF as COM Currency, a Decimal (pywin32)."""
    from decimal import Decimal

    from xlperf.excel import udfs

    assert udfs.XLPERF_GRADE(Decimal("92.5000")) == "优"  # =XLPERF_GRADE(A1), A1 showing ¥92.50
    assert udfs.XLPERF_GRADE(Decimal("84.3100")) == "良"
    assert udfs.XLPERF_SCORE(Decimal("10.0000"), "≥95%", "98%") == udfs.XLPERF_SCORE(10.0, "≥95%", "98%") == 10
    assert udfs.XLPERF_SCORE(10, "40万元", Decimal("39.7500"), "≤") == udfs.XLPERF_SCORE(10, "40万元", 39.75, "≤")
    assert udfs.XLPERF_COMPLETION(Decimal("40"), Decimal("39.75")) == udfs.XLPERF_COMPLETION(40.0, 39.75)
    assert udfs.XLPERF_PARSE(Decimal("39.7500")) == udfs.XLPERF_PARSE(39.75)


def test_udf_descriptions_fit_the_insert_function_dialog():
    """Excel's function dialog shows at most 255 characters of a function's and an argument's description."""
    import ast
    import inspect

    from xlperf.excel import udfs

    funcs = [f for name, f in vars(udfs).items() if name.startswith("XLPERF_") and callable(f)]
    assert len(funcs) == 4
    for f in funcs:
        assert f.__doc__ and len(inspect.cleandoc(f.__doc__)) <= 255, f.__name__
    tree = ast.parse(inspect.getsource(udfs))
    docs = [k.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
            for k in node.keywords if k.arg == "doc"]
    assert len(docs) >= 8 and all(len(d) <= 255 for d in docs)


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


def test_a_refused_message_box_goes_to_stderr_not_a_traceback(monkeypatch, tmp_path, capsys):
    from xlperf.excel import button as excel

    monkeypatch.setattr(excel, "log_path", lambda: tmp_path / "xlperf.log")
    monkeypatch.setattr(excel.logging.getLogger("xlperf.excel.button"), "handlers", [])

    class BusyExcel(FakeUI):
        def alert(self, message):
            raise RuntimeError("Excel is busy")

    ev = run(RecordingBook(sample_grids()), BusyExcel())
    assert ev is not None and ev.total_score == 100
    assert capsys.readouterr().err.startswith("总分 100.00，等级：优")
