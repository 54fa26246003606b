"""xlperf.ooxml.patch: cell writes that keep every other part byte-identical, on real files."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ooxml.books import HAS_CALC, cell_c14n, lo_csv, load, parts, sheet_xml, simple_book
from tests.richbook import DATA_ROWS, DATA_SHEET, OTHER_SHEET
from xlperf import ooxml as xlsx
from xlperf.core.errors import InputError
from xlperf.core.book import KEEP
from xlperf.ooxml import XlsxPatcher, read_grids


# --- no loss --------------------------------------------------------------------------------------


PATCH = [[120, 99.5, "乙"], [60, KEEP, None], [40.25, 36, "=HYPERLINK(\"x\")"]]


def patch_rich(src: Path, dst: Path) -> None:
    p = XlsxPatcher(src)
    p.set_block(DATA_SHEET, 2, 2, PATCH)
    p.set_block(DATA_SHEET, 7, 1, [["合计", 220.25]])
    p.save(dst)


@pytest.mark.parametrize("in_place", [False, True])
def test_patch_keeps_every_other_part(rich: Path, tmp_path: Path, in_place: bool) -> None:
    before = parts(rich)
    with zipfile.ZipFile(rich) as z:
        infos_before = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
    dst = rich if in_place else tmp_path / "out.xlsm"
    patch_rich(rich, dst)
    after = parts(dst)
    assert list(after) == list(before)  # same parts, same order
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"xl/worksheets/sheet1.xml"}
    with zipfile.ZipFile(dst) as z:
        for i in z.infolist():
            if i.filename != "xl/worksheets/sheet1.xml":  # raw copy: same compression, same bytes
                assert (i.CRC, i.compress_size, i.compress_type) == infos_before[i.filename]
    xml = after["xl/worksheets/sheet1.xml"].decode()
    for needle in (
        "<legacyDrawingHF",
        "<legacyDrawing ",
        "<drawing ",
        "x14:dataValidation ",
        "<xm:f>选项!$A$1:$A$3</xm:f>",
        "x14:sparklineGroup ",
        'mc:Ignorable="x14ac"',
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"',
        'x14ac:dyDescent="0.25"',
        "&amp;L&amp;G&amp;C项目支出绩效自评表",
        "<dataValidations",
    ):
        assert needle in xml, needle
    assert "ns0:" not in xml
    assert '<dimension ref="A1:E7"/>' in xml
    # read back three ways
    names, grids = read_grids(dst)
    assert names == [DATA_SHEET, OTHER_SHEET]
    g = grids[DATA_SHEET]
    assert g[1][1:4] == [120, 99.5, "乙"]
    assert g[2][1:4] == [60, 55, None]  # KEEP left 55, None cleared 乙
    assert g[3][1:4] == [40.25, 36, '=HYPERLINK("x")']
    assert g[6][:2] == ["合计", 220.25]
    assert g[0] == DATA_ROWS[0]
    wb = load(dst, keep_vba=True)
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[3]][:4] == ["其中：中央", 60, 55, None]
    assert ws["D4"].value == '=HYPERLINK("x")' and ws["D4"].data_type == "s"
    assert ws["B2"].number_format == "#,##0.00"  # the cell kept its style
    assert ws["A1"].comment is not None and "资金来源" in ws["A1"].comment.text
    assert "预算合计" in wb.defined_names
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"ui/extensibility" in after["_rels/.rels"]


@pytest.mark.skipif(not HAS_CALC, reason="LibreOffice Calc not installed")
def test_libreoffice_reads_patched_files(rich: Path, formula_book: Path, tmp_path: Path) -> None:
    out1 = tmp_path / "rich_out.xlsm"
    patch_rich(rich, out1)
    out2 = tmp_path / "formula_out.xlsx"
    p = XlsxPatcher(formula_book)
    p.set_block("公式", 1, 2, [[100]])  # overwrite the shared formula's anchor
    p.set_block("公式", 1, 3, [[KEEP, "文本"]])  # D1 error -> text
    p.save(out2)
    csvs = lo_csv([out1, out2], tmp_path / "csv", tmp_path / "lo-profile")
    data = csvs[f"rich_out-{DATA_SHEET}"]
    assert data[1][:4] == ["财政拨款", "120", "99.5", "乙"]
    assert data[2][:4] == ["其中：中央", "60", "55", ""]
    assert data[3][:4] == ["其他资金", "40.25", "36", '=HYPERLINK("x")']
    assert data[6][:2] == ["合计", "220.25"]
    assert csvs[f"rich_out-{OTHER_SHEET}"] == [["甲"], ["乙"], ["丙"]]
    f = csvs["formula_out-公式"]
    assert [row[1] for row in f[:5]] == ["100", "4", "6", "8", "10"]
    assert f[0][3] == "文本"


# --- value types ----------------------------------------------------------------------------------


def test_value_types(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1="旧", B1=5, C1="保留")
    wb = openpyxl.load_workbook(src)
    wb.active["A1"].font = openpyxl.styles.Font(bold=True)
    wb.active["C1"].font = openpyxl.styles.Font(italic=True)
    wb.save(src)
    before_c1 = cell_c14n(sheet_xml(src), "C1")
    p = XlsxPatcher(src)
    p.set_block(
        "表",
        1,
        1,
        [
            [None, 7, KEEP, True, False],
            ["=SUM(A1:A2)", "+1", "-1", "@x", "  两端空格 "],
            [3, 2.5, -0.125, 10**12, 1e-7],
            [dt.date(2025, 3, 15), dt.datetime(2025, 3, 15, 14, 30), dt.date(1900, 1, 1), "a\x01b\x0bc", "_x0041_字面"],
            ["行1\n行2", "制表\t符", "", "😀" * 3, "回车\r\n"],
        ],
    )
    p.save(tmp_path / "o.xlsx")
    xml = sheet_xml(tmp_path / "o.xlsx")
    assert cell_c14n(xml, "C1") == before_c1  # KEEP: the cell is untouched
    a1 = re.search(r'<c r="A1"[^>]*?(/>|>.*?</c>)', xml).group(0)
    assert "<v>" not in a1 and "<is>" not in a1 and 's="' in a1  # cleared, style kept
    names, grids = read_grids(tmp_path / "o.xlsx")
    g = grids["表"]
    assert g[0][:5] == [None, 7, "保留", True, False]
    assert g[1] == ["=SUM(A1:A2)", "+1", "-1", "@x", "  两端空格 "]
    assert g[2] == [3, 2.5, -0.125, 10**12, 1e-7]
    assert g[3][0] == dt.date(2025, 3, 15) or g[3][0] == dt.datetime(2025, 3, 15)
    assert g[3][1] == dt.datetime(2025, 3, 15, 14, 30)
    assert g[3][2] in (dt.date(1900, 1, 1), dt.datetime(1900, 1, 1))
    assert g[3][3] == "a\x01b\x0bc"
    assert g[3][4] == "_x0041_字面"
    assert g[4] == ["行1\n行2", "制表\t符", None, "😀" * 3, "回车\r\n"]
    ws = load(tmp_path / "o.xlsx").active
    assert ws["A1"].value is None and ws["A1"].font.b
    assert ws["A2"].value == "=SUM(A1:A2)" and ws["A2"].data_type == "s"
    assert ws["B1"].value == 7 and ws["D1"].value is True
    assert ws["A4"].is_date and ws["A4"].value == dt.datetime(2025, 3, 15)
    assert ws["B4"].is_date and ws["B4"].value == dt.datetime(2025, 3, 15, 14, 30)
    assert ws["C4"].value == dt.datetime(1900, 1, 1)
    assert ws["E1"].value is False


def test_1904_dates(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1="x")
    wb = openpyxl.load_workbook(src)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(src)
    p = XlsxPatcher(src)
    p.set_block("表", 2, 1, [[dt.date(2025, 1, 2)]])
    p.save(tmp_path / "o.xlsx")
    assert "<v>44197</v>" in sheet_xml(tmp_path / "o.xlsx")  # 1904 serial (1900 serial 45659 - 1462)
    assert load(tmp_path / "o.xlsx").active["A2"].value == dt.datetime(2025, 1, 2)


@pytest.mark.parametrize(
    "value, exc",
    [
        ("x" * 32768, ValueError),
        ("😀" * 16384, ValueError),  # 32768 UTF-16 units, as Excel counts
        (math.nan, ValueError),
        (math.inf, ValueError),
        (dt.date(1899, 1, 1), ValueError),
        (object(), TypeError),
    ],
)
def test_bad_values_rejected_before_any_change(tmp_path: Path, value, exc) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1=1)
    p = XlsxPatcher(src)
    with pytest.raises(exc) as ei:
        p.set_block("表", 1, 1, [[2, value]])
    assert re.search(r"[\u4e00-\u9fff]", str(ei.value))  # Chinese message
    p.save(tmp_path / "o.xlsx")
    assert parts(tmp_path / "o.xlsx") == parts(src)


def test_max_length_text_ok(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", A1=1)
    p = XlsxPatcher(src)
    p.set_block("表", 1, 1, [["长" * 32767]])
    p.save(tmp_path / "o.xlsx")
    assert read_grids(tmp_path / "o.xlsx")[1]["表"][0][0] == "长" * 32767


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_text, min_size=1, max_size=8))
def test_any_text_round_trips(tmp_path: Path, texts: list[str]) -> None:
    src = tmp_path / "prop.xlsx"
    if not src.exists():
        simple_book(src, A1="x")
    p = XlsxPatcher(src)
    p.set_block("表", 2, 1, [texts])
    p.save(tmp_path / "prop_out.xlsx")
    got = read_grids(tmp_path / "prop_out.xlsx")[1]["表"][1]
    expected = [t.replace("\ufffe", "").replace("\uffff", "") or None for t in texts]
    assert got[: len(texts)] == expected


def test_cells_and_rows_inserted_in_order_with_inherited_style(tmp_path: Path) -> None:
    src = simple_book(tmp_path / "t.xlsx", B2=1, D2=2, B6=3)
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    ws.column_dimensions["C"].font = openpyxl.styles.Font(italic=True)  # column style
    ws.row_dimensions[4].font = openpyxl.styles.Font(bold=True)  # row style (customFormat)
    wb.save(src)
    p = XlsxPatcher(src)
    p.set_block("表", 2, 3, [["c2"], [None], ["c4"]])
    p.set_block("表", 4, 5, [["e4"]])
    p.set_block("表", 9, 1, [["a9"]])
    p.save(tmp_path / "o.xlsx")
    xml = sheet_xml(tmp_path / "o.xlsx")
    refs = re.findall(r'<c r="([A-Z]+\d+)"', xml)
    assert refs == ["B2", "C2", "D2", "C4", "E4", "B6", "A9"]
    rows = re.findall(r'<row r="(\d+)"', xml)
    assert rows == sorted(rows, key=int) and "3" not in rows  # clearing C3 created nothing
    ws = load(tmp_path / "o.xlsx").active
    assert ws["C2"].font.i and ws["C4"].font.b and ws["E4"].font.b
    assert ws.calculate_dimension() == "A2:E9"
    assert '<dimension ref="A2:E9"/>' in xml


# --- formulas -------------------------------------------------------------------------------------


def test_overwrite_shared_formula_anchor(formula_book: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(formula_book)
    p.set_block("公式", 1, 2, [[100]])
    p.save(tmp_path / "o.xlsx")
    out = parts(tmp_path / "o.xlsx")
    assert "xl/calcChain.xml" not in out
    assert b"calcChain" not in out["[Content_Types].xml"]
    assert b"calcChain" not in out["xl/_rels/workbook.xml.rels"]
    xml = out["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="B1"><v>100</v></c>' in xml
    assert '<c r="B2"><f t="shared" ref="B2:B5" si="0">A2*2</f><v>4</v></c>' in xml
    ws = load(tmp_path / "o.xlsx")["公式"]
    assert ws["B1"].value == 100
    assert [ws[f"B{r}"].value for r in range(2, 6)] == ["=A2*2", "=A3*2", "=A4*2", "=A5*2"]
    g = read_grids(tmp_path / "o.xlsx")[1]["公式"]
    assert [row[1] for row in g] == [100, 4, 6, 8, 10]


def test_overwrite_anchor_and_next_in_one_block(formula_book: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(formula_book)
    p.set_block("公式", 1, 2, [[1], [2]])
    p.save(tmp_path / "o.xlsx")
    xml = sheet_xml(tmp_path / "o.xlsx")
    assert '<f t="shared" ref="B3:B5" si="0">A3*2</f>' in xml
    ws = load(tmp_path / "o.xlsx")["公式"]
    assert [ws[f"B{r}"].value for r in range(1, 6)] == [1, 2, "=A3*2", "=A4*2", "=A5*2"]


def test_clearing_formula_child_and_plain_formula(formula_book: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(formula_book)
    p.set_block("公式", 3, 2, [[None, "x"]])  # B3: shared child cleared; C3 new text
    p.set_block("公式", 1, 3, [[None]])  # C1: plain formula cleared
    p.save(tmp_path / "o.xlsx")
    out = parts(tmp_path / "o.xlsx")
    assert "xl/calcChain.xml" not in out
    xml = out["xl/worksheets/sheet1.xml"].decode()
    assert '<f t="shared" ref="B1:B5" si="0">A1*2</f>' in xml  # anchor untouched
    assert re.search(r'<c r="B3"\s*/>', xml) and re.search(r'<c r="C1"\s*/>', xml)
    ws = load(tmp_path / "o.xlsx")["公式"]
    assert ws["B3"].value is None and ws["B4"].value == "=A4*2" and ws["C1"].value is None


def test_no_formula_touched_keeps_calc_chain(formula_book: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(formula_book)
    p.set_block("公式", 7, 1, [[1, 2]])
    p.save(tmp_path / "o.xlsx")
    assert parts(tmp_path / "o.xlsx")["xl/calcChain.xml"] == parts(formula_book)["xl/calcChain.xml"]


# --- add_sheet ------------------------------------------------------------------------------------


def test_add_sheet_then_write(rich: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(rich)
    p.add_sheet("校验结果")
    p.set_block("校验结果", 1, 1, [["级别", "位置", "说明"], ["错误", "数据!B2", "分值合计不等于 100"]])
    p.set_column_widths("校验结果", {1: 8, 3: 40})
    p.set_column_widths(DATA_SHEET, {2: 15})
    p.save(tmp_path / "o.xlsm")
    assert xlsx.sheet_names(tmp_path / "o.xlsm") == [DATA_SHEET, OTHER_SHEET, "校验结果"]
    wb = load(tmp_path / "o.xlsm", keep_vba=True)
    assert wb.sheetnames == [DATA_SHEET, OTHER_SHEET, "校验结果"]
    ws = wb["校验结果"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["级别", "位置", "说明"], ["错误", "数据!B2", "分值合计不等于 100"]]
    assert ws.column_dimensions["C"].width == 40 and ws.column_dimensions["A"].width == 8
    assert wb[DATA_SHEET].column_dimensions["B"].width == 15
    assert wb[DATA_SHEET].column_dimensions["A"].width == 18  # existing width kept
    assert "预算合计" in wb.defined_names
    names, grids = read_grids(tmp_path / "o.xlsm", ["校验结果", "不存在"])
    assert list(grids) == ["校验结果"] and grids["校验结果"][1][2] == "分值合计不等于 100"


@pytest.mark.parametrize("bad", ["", "x" * 32, "a/b", "a:b", "'引号", "数据", "History"])
def test_add_sheet_bad_names(rich: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        XlsxPatcher(rich).add_sheet(bad)


def test_unknown_sheet(rich: Path) -> None:
    with pytest.raises(InputError) as ei:
        XlsxPatcher(rich).set_block("没有", 1, 1, [[1]])
    assert ei.value.code == "X016" and "没有" in str(ei.value)
