"""xlperf.ooxml: checking, reading, zip-level patching, atomic saving and locks, on real files."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.richbook import (
    DATA_ROWS,
    DATA_SHEET,
    OTHER_SHEET,
    build_formula_workbook,
    build_ole,
    build_rich_workbook,
)
from xlperf import ooxml as xlsx
from xlperf.core.errors import InputError, OutputError
from xlperf.core.book import KEEP
from xlperf.ooxml import CellError, UncachedFormula, XlsxPatcher, read_grids
from xlperf.ooxml import patch as patch_module

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Calc is a separate Debian package from Writer: the spreadsheet checks need its library.
HAS_CALC = SOFFICE is not None and (Path(SOFFICE).resolve().parent / "libsclo.so").exists()


# --- helpers -----------------------------------------------------------------------------------


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def load(path: Path, **kw) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns it would drop the x14 extensions
        return openpyxl.load_workbook(path, **kw)


def sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def simple_book(path: Path, **cells) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def cell_c14n(xml: str, ref: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml.encode())
    (cell,) = root.xpath(f"//*[local-name()='c'][@r='{ref}']")
    return etree.tostring(cell, method="c14n")


def temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(xlsx.TEMP_PREFIX))


def lo_csv(files: list[Path], outdir: Path, profile: Path) -> dict[str, list[list[str]]]:
    """Convert with LibreOffice headless, every sheet to its own CSV: {"stem-sheet": rows}."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    import csv

    out = {}
    for f in outdir.glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            out[f.stem] = list(csv.reader(fh))
    return out


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return build_rich_workbook(tmp_path / "自评表.xlsm")


@pytest.fixture
def formula_book(tmp_path: Path) -> Path:
    return build_formula_workbook(tmp_path / "公式.xlsx")


# --- no loss ---------------------------------------------------------------------------------------

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


# --- value types --------------------------------------------------------------------------------------


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


# --- formulas ----------------------------------------------------------------------------------------


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


# --- add_sheet -----------------------------------------------------------------------------------------


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


# --- reading ------------------------------------------------------------------------------------------------


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


# --- check_workbook_file ------------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return path


def _encrypted(path: Path, tmp: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    src = simple_book(tmp / "plain.xlsx", A1=1)
    with open(src, "rb") as f, open(path, "wb") as out:
        OOXMLFile(f).encrypt("1234", out)
    return path


def _with_shared_strings(path: Path, tmp: Path, sst: bytes) -> Path:
    src = simple_book(tmp / "base.xlsx", A1=1)
    files = parts(src)
    files["xl/sharedStrings.xml"] = sst
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return _zip(path, files)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol3;</t></si></sst>"
)


def make_bad(kind: str, tmp: Path) -> Path:
    p = tmp / f"坏-{kind}.xlsx"
    if kind == "missing":
        return p
    if kind == "folder":
        p.mkdir()
        return p
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "text":
        p.write_text("不是工作簿\n只是一段文字。\n", encoding="utf-8")
    elif kind == "csv":
        p.write_text("指标,分值,目标值\n数量指标,10,100\n质量指标,20,95%\n", encoding="gbk")
    elif kind == "html":
        p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    elif kind == "truncated":
        good = simple_book(tmp / "good.xlsx", A1=1).read_bytes()
        p.write_bytes(good[: len(good) // 2])
    elif kind == "not_workbook":
        _zip(p, {"readme.txt": b"hello"})
    elif kind == "docx":
        _zip(p, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    elif kind == "xls":
        p.write_bytes(build_ole({"Workbook": b"\x09\x08" + b"\0" * 5000}))
    elif kind == "encrypted":
        _encrypted(p, tmp)
    elif kind == "xlsb":
        _zip(p, {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0" * 10})
    elif kind == "ods":
        _zip(p, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    elif kind == "doctype":
        _with_shared_strings(p, tmp, LAUGHS)
    elif kind == "doctype_after_comment":
        _with_shared_strings(p, tmp, b"<!-- <sst> -->" + LAUGHS[LAUGHS.index(b"<!DOCTYPE") :])
    elif kind == "bomb":
        good = parts(simple_book(tmp / "good.xlsx", A1=1))
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in good.items():
                z.writestr(n, d)
            zi = zipfile.ZipInfo("xl/media/zeros.bin")
            zi.compress_type = zipfile.ZIP_DEFLATED
            with z.open(zi, "w", force_zip64=True) as f:
                chunk = b"\0" * (4 << 20)
                for _ in range(75):  # 300 MB of zeros, ~300 KB compressed
                    f.write(chunk)
    else:
        raise AssertionError(kind)
    return p


BAD_CASES = {
    "missing": ("X002", "不存在"),
    "folder": ("X002", "文件夹"),
    "empty": ("X003", "空"),
    "text": ("X004", "文本"),
    "csv": ("X005", "CSV"),
    "html": ("X004", "HTML"),
    "truncated": ("X006", "损坏"),
    "not_workbook": ("X007", "不是 Excel 工作簿"),
    "docx": ("X007", "Word"),
    "xls": ("X009", "另存为"),
    "encrypted": ("X010", "用密码进行加密"),
    "xlsb": ("X008", ".xlsb"),
    "ods": ("X014", ".ods"),
    "doctype": ("X012", "DOCTYPE"),
    "doctype_after_comment": ("X012", "DOCTYPE"),
    "bomb": ("X011", "过大"),
}


@pytest.mark.parametrize("kind", list(BAD_CASES))
def test_bad_files(kind: str, tmp_path: Path) -> None:
    path = make_bad(kind, tmp_path)
    code, words = BAD_CASES[kind]
    t0 = time.perf_counter()
    for call in (xlsx.check_workbook_file, read_grids, XlsxPatcher, xlsx.sheet_names):
        with pytest.raises(InputError) as ei:
            call(path)
        assert ei.value.code == code, (call, str(ei.value))
        assert path.name in str(ei.value) and words in str(ei.value)
        assert re.search(r"[\u4e00-\u9fff]", ei.value.message)
    assert time.perf_counter() - t0 < 2  # refused without inflating


def test_old_xls_detected_without_olefile(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "olefile", None)  # import fails: sniff the bytes
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(make_bad("xls", tmp_path))
    assert ei.value.code == "X009"
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(make_bad("encrypted", tmp_path))
    assert ei.value.code == "X010"


def test_lying_declared_size_is_capped(tmp_path: Path, monkeypatch) -> None:
    """A part whose central-directory size is small but whose data inflates past the limit."""
    src = simple_book(tmp_path / "t.xlsx", A1=1)
    files = parts(src)
    big = files["xl/worksheets/sheet1.xml"].replace(b"</worksheet>", b"<!--" + b" " * (3 << 20) + b"--></worksheet>")
    files["xl/worksheets/sheet1.xml"] = big
    path = _zip(tmp_path / "lie.xlsx", files)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # rewrite the declared uncompressed size (local header and central directory) to 1000
    fake = (1000).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = fake
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        nlen = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + nlen] == b"xl/worksheets/sheet1.xml":
            data[pos + 24 : pos + 28] = fake
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    monkeypatch.setattr("xlperf.ooxml.package.MAX_PART_UNCOMPRESSED", 1 << 20)
    monkeypatch.setattr("xlperf.ooxml.inspect.MAX_PART_UNCOMPRESSED", 1 << 20)
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(path)
    assert ei.value.code == "X011"


def test_good_macro_workbook_passes(rich: Path) -> None:
    xlsx.check_workbook_file(rich)  # .xlsm with vbaProject, customUI, VML: fine
    assert xlsx.sheet_names(rich) == [DATA_SHEET, OTHER_SHEET]


# --- atomic save ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("in_place", [False, True])
def test_failure_mid_save_leaves_original(rich: Path, tmp_path: Path, monkeypatch, in_place: bool) -> None:
    original = rich.read_bytes()
    dst = rich if in_place else tmp_path / "out.xlsm"
    if not in_place:
        dst.write_bytes(b"previous output")
    before_dst = dst.read_bytes()
    p = XlsxPatcher(rich)
    p.set_block(DATA_SHEET, 2, 2, [[1]])
    calls = {"n": 0}
    real = patch_module.copy_raw

    def flaky(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk on fire")
        return real(*a, **kw)

    monkeypatch.setattr(patch_module, "copy_raw", flaky)
    with pytest.raises(RuntimeError):
        p.save(dst)
    assert calls["n"] == 4
    assert rich.read_bytes() == original
    assert dst.read_bytes() == before_dst
    assert temp_leftovers(tmp_path) == []
    monkeypatch.setattr(patch_module, "copy_raw", real)
    p.save(dst)  # works afterwards
    assert read_grids(dst)[1][DATA_SHEET][1][1] == 1


def test_output_folder_missing(rich: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(rich)
    with pytest.raises(OutputError) as ei:
        p.save(tmp_path / "没有这个文件夹" / "out.xlsm")
    assert ei.value.code == "X102" and "输出文件夹不存在" in str(ei.value)
    with pytest.raises(OutputError):
        xlsx.atomic_write_bytes(tmp_path / "没有" / "a.bin", b"x")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_output_folder_read_only(rich: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError) as ei:
            XlsxPatcher(rich).save(ro / "out.xlsm")
        assert ei.value.code == "X103"
    finally:
        ro.chmod(0o755)


KILL_SCRIPT = """
import sys
from xlperf.ooxml import XlsxPatcher
p = XlsxPatcher(sys.argv[1])
p.set_block(sys.argv[2], 2, 2, [[12345]])
print("saving", flush=True)
p.save(sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_mid_save_leaves_original(rich: Path, tmp_path: Path) -> None:
    original = rich.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT), XLPERF_TEST_SLOW_SAVE="20")
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(rich), DATA_SHEET], env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while not temp_leftovers(tmp_path):
            assert time.monotonic() < deadline, "save never started"
            assert proc.poll() is None
            time.sleep(0.02)
        time.sleep(0.1)  # well inside the injected pause: the temp file is half written
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert rich.read_bytes() == original
    left = temp_leftovers(tmp_path)
    assert len(left) == 1 and str(proc.pid) in left[0]
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(tmp_path / left[0])  # it really was cut mid-write
    p = XlsxPatcher(rich)
    p.set_block(DATA_SHEET, 2, 2, [[777]])
    p.save(rich)
    assert read_grids(rich)[1][DATA_SHEET][1][1] == 777
    assert temp_leftovers(tmp_path) == []  # the dead process's temp file was cleaned up


def test_atomic_output_and_write_bytes(tmp_path: Path) -> None:
    dst = tmp_path / "报告.docx"
    dst.write_bytes(b"old")
    dst.chmod(0o640)
    with pytest.raises(ZeroDivisionError):
        with xlsx.atomic_output(dst, suffix=".docx") as tmp:
            assert tmp.parent == tmp_path and tmp.name.endswith(".docx")
            tmp.write_bytes(b"half")
            1 / 0
    assert dst.read_bytes() == b"old" and temp_leftovers(tmp_path) == []
    with xlsx.atomic_output(dst, suffix=".docx") as tmp:
        tmp.write_bytes(b"new")
    assert dst.read_bytes() == b"new" and temp_leftovers(tmp_path) == []
    assert (dst.stat().st_mode & 0o777) == 0o640  # permissions of the replaced file kept
    xlsx.atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"


# --- locks ------------------------------------------------------------------------------------------------------


def test_excel_lock_file(tmp_path: Path) -> None:
    book = tmp_path / "自评表.xlsx"
    book.write_bytes(b"x")
    assert xlsx.excel_lock_file(book) is None
    owner = tmp_path / "~$自评表.xlsx"
    owner.write_bytes(b"\0" * 165)
    assert xlsx.excel_lock_file(book) == owner
    owner.unlink()
    lo = tmp_path / ".~lock.自评表.xlsx#"
    lo.write_text("x")
    assert xlsx.excel_lock_file(book) == lo
    assert xlsx.excel_lock_file(tmp_path / "别的.xlsx") is None


HOLD_SCRIPT = """
import sys, time
from xlperf.ooxml import exclusive
with exclusive(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_exclusive_across_processes(tmp_path: Path) -> None:
    book = tmp_path / "自评表.xlsx"
    book.write_bytes(b"x")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(book), "1.5"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(OutputError) as ei:
            with xlsx.exclusive(book, timeout=0.3):
                pass
        assert ei.value.code == "X105" and "正被另一个 xlperf 进程处理，请稍后再试" in str(ei.value)
        assert "自评表.xlsx" in str(ei.value)
        assert time.monotonic() - t0 >= 0.25
        with xlsx.exclusive(tmp_path / "." / "自评表.xlsx", timeout=10):  # same file, other spelling: waits
            waited = time.monotonic() - t0
            assert proc.poll() is not None or waited >= 1.0
        assert waited >= 0.8
        with xlsx.exclusive(tmp_path / "别的.xlsx", timeout=0.1):  # another file: independent
            pass
    finally:
        proc.wait(timeout=10)


# --- a large block ---------------------------------------------------------------------------------------------


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


# --- percent number formats ----------------------------------------------------------------------------


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


def test_a_part_with_a_wrong_checksum_is_refused_though_it_is_not_read(tmp_path: Path) -> None:
    """A part is inflated once and kept when it verifies; one that does not is still refused
    where it was, even in a sheet left out of the read."""
    from xlperf.workbook.examples import build_example

    src = tmp_path / "例.xlsx"
    build_example(src, "盐边残疾人医保")
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.compress_size > 1100)
        names = read_grids(src)[0]
    at = data.index(b"PK\x01\x02", 0)
    while data[at + 46 : at + 46 + len(info.filename.encode())] != info.filename.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 16 : at + 20] = (info.CRC ^ 1).to_bytes(4, "little")
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="校验失败"):
        read_grids(bad, exclude=names)


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
