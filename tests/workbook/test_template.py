"""The generated workbook: layout, protection, dropdowns, print setup; fill_workbook; the examples."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from xlperf.core import layout
from xlperf.workbook.examples import EXAMPLES, build_example, example_filename
from xlperf.workbook.template import (
    COMPUTED_FILL,
    INDICATOR_FIRST_ROW,
    INDICATOR_LAST_ROW,
    INPUT_FILL,
    LISTS_SHEET,
    build_template,
    fill_workbook,
    level1_choices,
    level2_choices,
)

ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = ROOT / "workbooks"
IND_COL = {h: i for i, h in enumerate(layout.INDICATOR_HEADERS, start=1)}
BUD_COL = {h: i for i, h in enumerate(layout.BUDGET_HEADERS, start=1)}
HDR = layout.INDICATOR_HEADER_ROW


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("tpl") / "模板.xlsx"
    build_template(p)
    return p


@pytest.fixture(scope="module")
def wb(template_path):
    return openpyxl.load_workbook(template_path)


def info_row(ws, label: str) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return r
    raise AssertionError(f"{label} not on 项目信息")


def validation_at(ws, coord: str):
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{coord}: {len(found)} validations"
    return found[0]


def list_items(wb, dv) -> list[str]:
    assert dv.type == "list"
    f = dv.formula1
    if f.startswith('"'):
        return f.strip('"').split(",")
    sheet, ref = f.split("!")
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row]


def fill_rgb(cell) -> str:
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else ""


# --- structure ---------------------------------------------------------------------------------


def test_sheet_order_and_active_sheet(wb):
    assert tuple(n for n in wb.sheetnames if n != LISTS_SHEET) == layout.TEMPLATE_SHEETS
    assert wb.sheetnames[0] == layout.SHEET_GUIDE
    assert wb.active.title == layout.SHEET_INFO
    # exactly one selected tab, or Excel opens with grouped sheets
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [layout.SHEET_INFO]


def test_guide_explains_colours_values_and_commands(wb):
    text = "\n".join(str(c.value) for c in wb[layout.SHEET_GUIDE]["A"] if c.value)
    for phrase in ("黄色底色 = 填写", "灰色底色 = 自动计算，请勿修改", "≥95%", "3626人", "39.75万元", "≤30天", "一个月内",
                   "成本指标", "人工得分", "偏差原因", "重新计算", "绩效自评", "xlperf calc 文件.xlsx", "xlperf check 文件.xlsx",
                   "xlperf report 文件.xlsx -o 报告.docx", "定稿"):
        assert phrase in text, phrase
    assert wb[layout.SHEET_GUIDE].column_dimensions["A"].width >= 80


def test_info_sheet_headers_fields_and_defaults(wb):
    ws = wb[layout.SHEET_INFO]
    assert tuple(c.value for c in ws[1][:3]) == layout.INFO_HEADER
    for r, (label, _attr, hint) in enumerate(layout.INFO_FIELDS, start=2):
        assert ws.cell(r, 1).value == label
        assert (ws.cell(r, 3).value or "") == hint
    expected = {"评价类型": "项目支出", "报告样式": "通用", "金额单位": "万元", "超额完成阈值": "120%", "反向指标计分方法": "比值法"}
    for label, value in expected.items():
        assert ws.cell(info_row(ws, label), 2).value == value
    assert ws.cell(info_row(ws, "项目名称"), 2).value is None
    r = info_row(ws, "项目概况")
    assert ws.cell(r, 2).alignment.wrap_text and ws.row_dimensions[r].height >= 40


def test_template_arguments_become_defaults(tmp_path):
    p = tmp_path / "部门.xlsx"
    build_template(p, evaluation_type="部门整体支出", style="四川")
    wb = openpyxl.load_workbook(p)
    ws = wb[layout.SHEET_INFO]
    assert ws.cell(info_row(ws, "评价类型"), 2).value == "部门整体支出"
    assert ws.cell(info_row(ws, "报告样式"), 2).value == "四川"
    items = list_items(wb, validation_at(wb[layout.SHEET_INDICATORS], f"A{INDICATOR_FIRST_ROW}"))
    assert "投入管理指标" in items and "过程指标" in items and layout.LEVEL1_BUDGET in items
    with pytest.raises(ValueError):
        build_template(tmp_path / "x.xlsx", style="北京")
    with pytest.raises(ValueError):
        build_template(tmp_path / "y.xlsx", evaluation_type="部门支出")


def test_budget_sheet_layout(wb):
    ws = wb[layout.SHEET_BUDGET]
    assert tuple(c.value for c in ws[1][: len(layout.BUDGET_HEADERS)]) == layout.BUDGET_HEADERS
    assert tuple(ws.cell(r, 1).value for r in range(2, 2 + len(layout.BUDGET_SOURCES))) == layout.BUDGET_SOURCES
    assert ws.cell(2, BUD_COL["分值"]).value == layout.DEFAULT_BUDGET_WEIGHT
    assert all(ws.cell(r, BUD_COL["分值"]).value is None for r in range(3, 2 + len(layout.BUDGET_SOURCES)))
    assert ws["A11"].value.startswith("金额单位见“项目信息”")
    assert ws.cell(2, BUD_COL["执行率"]).number_format == "0.00%"
    assert ws.cell(2, BUD_COL["到位率"]).number_format == "0.00%"
    assert ws.cell(2, BUD_COL["得分"]).number_format == "0.00"
    assert ws.cell(2, BUD_COL["全年执行数"]).number_format in ("#,##0.00", "General")


def test_indicator_sheet_title_summary_and_header(wb):
    ws = wb[layout.SHEET_INDICATORS]
    assert ws["A1"].value == "绩效指标自评表" and ws["A1"].font.b
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A1:G1" in merged and "A2:G5" in merged
    assert "合并单元格或留空" in ws["A2"].value
    assert tuple(ws.cell(HDR, c).value for c in range(1, len(layout.INDICATOR_HEADERS) + 1)) == layout.INDICATOR_HEADERS
    c0 = layout.SUMMARY_FIRST_COL
    assert ws.cell(layout.SUMMARY_TOP_ROW, c0).value == "自评结果" and ws.cell(layout.SUMMARY_TOP_ROW, c0).font.b
    labels = tuple(ws.cell(layout.SUMMARY_TOP_ROW + i, c0).value for i in range(1, len(layout.SUMMARY_LABELS) + 1))
    assert labels == layout.SUMMARY_LABELS
    for r in range(2, 6):
        for c in range(c0 + 1, c0 + 1 + layout.SUMMARY_SLOTS):
            cell = ws.cell(r, c)
            assert cell.value is None and cell.protection.locked and fill_rgb(cell) == COMPUTED_FILL
    assert ws.cell(3, c0 + 1).number_format == "0.00" and ws.cell(4, c0 + 1).number_format == "0.00"
    for r in (INDICATOR_FIRST_ROW, INDICATOR_LAST_ROW):
        assert ws.cell(r, IND_COL["完成率"]).number_format == "0.00%"
        assert ws.cell(r, IND_COL["计算得分"]).number_format == "0.00"
        assert ws.cell(r, IND_COL["得分"]).number_format == "0.00"
        assert ws.cell(r, IND_COL["校验提示"]).alignment.wrap_text


def test_findings_and_narrative_sheets(wb):
    f = wb[layout.SHEET_FINDINGS]
    assert tuple(c.value for c in f[1][:4]) == layout.FINDINGS_HEADERS
    assert [f.column_dimensions[x].width for x in "ABCD"] == [8, 18, 24, 80]
    assert f["D2"].alignment.wrap_text and f["D2"].protection.locked
    n = wb[layout.SHEET_NARRATIVE]
    assert tuple(c.value for c in n[1][:3]) == layout.NARRATIVE_HEADERS
    assert [n.column_dimensions[x].width for x in "ABC"] == [24, 70, 70]
    assert n["C1"].comment is not None and "重新计算不会覆盖" in n["C1"].comment.text
    assert not n["C2"].protection.locked and fill_rgb(n["C2"]) == INPUT_FILL and n["C2"].alignment.wrap_text
    assert n["B2"].protection.locked and n["B2"].alignment.wrap_text


# --- dropdowns ---------------------------------------------------------------------------------


def test_info_dropdowns(wb):
    ws = wb[layout.SHEET_INFO]
    for label, choices in (("评价类型", layout.EVALUATION_TYPES), ("报告样式", layout.REPORT_STYLES),
                           ("金额单位", layout.AMOUNT_UNITS), ("反向指标计分方法", layout.REVERSE_FORMULAS)):
        dv = validation_at(ws, f"B{info_row(ws, label)}")
        assert list_items(wb, dv) == list(choices)
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
    assert not [dv for dv in ws.data_validations.dataValidation if f"B{info_row(ws, '项目名称')}" in dv.sqref]


def test_indicator_dropdowns(wb):
    ws = wb[layout.SHEET_INDICATORS]
    for r in (INDICATOR_FIRST_ROW, INDICATOR_LAST_ROW):
        a = validation_at(ws, f"A{r}")
        assert list_items(wb, a) == ["预算执行", "产出指标", "效益指标", "满意度指标"]
        b = validation_at(ws, f"B{r}")
        items = list_items(wb, b)
        assert set(items) == {n for names in layout.LEVEL2_BY_LEVEL1.values() for n in names}
        assert len(items) == len(set(items))
        suffixed = [i.endswith("指标") for i in items]
        assert suffixed == sorted(suffixed, reverse=True)  # '…指标' names first
        d = validation_at(ws, f"D{r}")
        assert list_items(wb, d) == list(layout.DIRECTIONS)
        # labels such as 数量指标（15） must be accepted
        for dv in (a, b):
            assert not dv.showErrorMessage or dv.errorStyle == "information"
    assert not [dv for dv in ws.data_validations.dataValidation if f"A{INDICATOR_LAST_ROW + 1}" in dv.sqref]
    assert level1_choices() == ("预算执行", "产出指标", "效益指标", "满意度指标")
    assert len(",".join(level2_choices())) <= 255  # literal list; no hidden sheet needed
    assert LISTS_SHEET not in wb.sheetnames


# --- input and computed cells ------------------------------------------------------------------


def test_fill_colours_are_yellow_and_grey():
    def rgb(argb: str) -> tuple[int, int, int]:
        return int(argb[-6:-4], 16), int(argb[-4:-2], 16), int(argb[-2:], 16)

    r, g, b = rgb(INPUT_FILL)
    assert r > 230 and g > 210 and b < g - 20  # light yellow
    r, g, b = rgb(COMPUTED_FILL)
    assert abs(r - g) < 12 and abs(g - b) < 12 and 180 < r < 245  # light grey


def assert_input(cell):
    assert not cell.protection.locked, cell.coordinate
    assert fill_rgb(cell) == INPUT_FILL, cell.coordinate


def assert_computed(cell):
    assert cell.protection.locked, cell.coordinate
    assert fill_rgb(cell) == COMPUTED_FILL, cell.coordinate


def test_info_input_and_locked_cells(wb):
    ws = wb[layout.SHEET_INFO]
    for r in range(2, 2 + len(layout.INFO_FIELDS)):
        assert_input(ws.cell(r, 2))
        assert ws.cell(r, 1).protection.locked and ws.cell(r, 3).protection.locked
    assert ws["A1"].font.b and ws["A1"].border.left.style == "thin"


def test_budget_input_and_computed_cells(wb):
    ws = wb[layout.SHEET_BUDGET]
    for r in range(2, 2 + len(layout.BUDGET_SOURCES)):
        assert ws.cell(r, 1).protection.locked
        for h in layout.BUDGET_HEADERS[1:]:
            cell = ws.cell(r, BUD_COL[h])
            (assert_computed if h in layout.BUDGET_COMPUTED else assert_input)(cell)
    assert [get_column_letter(BUD_COL[h]) for h in ("年初预算数", "全年预算数", "实际到位数", "全年执行数", "分值", "偏差原因分析及改进措施")] == list("BCDEIK")


def test_indicator_input_and_computed_cells(wb):
    ws = wb[layout.SHEET_INDICATORS]
    for r in (INDICATOR_FIRST_ROW, 100, INDICATOR_LAST_ROW):
        for h, c in IND_COL.items():
            (assert_computed if h in layout.INDICATOR_COMPUTED else assert_input)(ws.cell(r, c))
    assert INDICATOR_LAST_ROW == INDICATOR_FIRST_ROW + 199
    # the header row is locked, bold, filled, bordered
    h = ws.cell(HDR, 1)
    assert h.protection.locked and h.font.b and h.fill.fill_type == "solid" and h.border.bottom.style == "thin"
    # percentages typed as text stay text: 年度指标值 and 实际完成值 are text cells
    assert ws.cell(INDICATOR_FIRST_ROW, IND_COL["年度指标值"]).number_format == "@"
    assert ws.cell(INDICATOR_FIRST_ROW, IND_COL["实际完成值"]).number_format == "@"


# --- protection, panes, printing, formulas -------------------------------------------------------


def test_every_sheet_protected_without_password(wb):
    for name in layout.TEMPLATE_SHEETS:
        p = wb[name].protection
        assert p.sheet, name
        assert not p.password, name
        assert p.formatColumns is False and p.formatRows is False, name  # False = allowed
        assert p.sort is False and p.autoFilter is False, name
    ind = wb[layout.SHEET_INDICATORS].protection
    assert ind.insertRows is False and ind.deleteRows is False
    assert wb[layout.SHEET_INFO].protection.insertRows  # only 绩效指标 lets rows be inserted


def test_freeze_panes(wb):
    assert wb[layout.SHEET_INDICATORS].freeze_panes == f"A{HDR + 1}"
    assert wb[layout.SHEET_INFO].freeze_panes == "A2"
    assert wb[layout.SHEET_BUDGET].freeze_panes in ("A2", "B2")
    assert wb[layout.SHEET_FINDINGS].freeze_panes == "A2"
    assert wb[layout.SHEET_NARRATIVE].freeze_panes == "A2"


def test_print_setup(wb):
    for name in layout.TEMPLATE_SHEETS:
        ws = wb[name]
        assert ws.page_setup.paperSize in (9, "9"), name
        assert ws.page_setup.orientation == "landscape", name
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, name
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert wb[layout.SHEET_INDICATORS].print_title_rows.replace("$", "") == f"{HDR}:{HDR}"
    for name in (layout.SHEET_INFO, layout.SHEET_BUDGET, layout.SHEET_FINDINGS, layout.SHEET_NARRATIVE):
        assert wb[name].print_title_rows.replace("$", "") == "1:1", name


def test_body_font_is_chinese(wb):
    ws = wb[layout.SHEET_INDICATORS]
    assert ws.cell(INDICATOR_FIRST_ROW, 3).font.name in ("宋体", "仿宋")
    assert wb[layout.SHEET_INFO]["A2"].font.name in ("宋体", "仿宋")


def no_formulas(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate}"
                assert not (isinstance(c.value, str) and c.value.startswith("=")), f"{ws.title}!{c.coordinate}"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                data = z.read(name)
                assert b"<f>" not in data and b"<f " not in data, name


def test_no_formulas_in_template(template_path):
    no_formulas(template_path)


def test_import_is_light():
    code = "import sys, xlperf, xlperf.workbook.template, xlperf.workbook.examples; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# --- fill_workbook -------------------------------------------------------------------------------


def test_fill_round_trip(tmp_path):
    p = tmp_path / "填写.xlsx"
    build_template(p, style="山西")
    fill_workbook(
        p,
        info={"项目名称": "测试项目", "评价年度": 2021, "金额单位": "元", "单位名称": "某县医疗保险中心", "自定义字段": "附加"},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 37.24, "分值": None},
                "县级": {"全年执行数": 37.24}},
        indicators=[
            {"一级指标": "产出指标", "二级指标": "数量指标（10）", "三级指标": "购买服务项目", "分值": 10, "年度指标值": "3", "实际完成值": "3个"},
            {"二级指标": "质量指标", "三级指标": "项目完成率", "权重": 10, "目标值": "≥98%", "业绩值": "98%", "人工得分": 9, "偏差原因": "略"},
            ["效益指标", "社会效益", "机构服务能力", "定性", 15, "提升", "98%"],
        ],
        findings=[["错误", "绩效指标!E8", "E101 分值合计", "分值合计不等于 100"]],
    )
    wb = openpyxl.load_workbook(p)
    info = wb[layout.SHEET_INFO]
    assert info.cell(info_row(info, "项目名称"), 2).value == "测试项目"
    assert info.cell(info_row(info, "评价年度"), 2).value == 2021
    assert info.cell(info_row(info, "金额单位"), 2).value == "元"
    assert info.cell(info_row(info, "实施单位"), 2).value == "某县医疗保险中心"  # synonym
    assert info.cell(info_row(info, "自定义字段"), 2).value == "附加"
    assert info.cell(info_row(info, "报告样式"), 2).value == "山西"
    b = wb[layout.SHEET_BUDGET]
    assert [b.cell(2, c).value for c in range(2, 6)] == [40, 40, 40, 37.24]
    assert b.cell(2, BUD_COL["分值"]).value is None
    assert b.cell(7, 1).value == "其中：县级" and b.cell(7, BUD_COL["全年执行数"]).value == 37.24
    ws = wb[layout.SHEET_INDICATORS]
    r = INDICATOR_FIRST_ROW
    assert [ws.cell(r, c).value for c in range(1, 8)] == ["产出指标", "数量指标（10）", "购买服务项目", None, 10, "3", "3个"]
    assert ws.cell(r + 1, 1).value is None  # blank 一级 stays blank (inherited)
    assert ws.cell(r + 1, IND_COL["分值"]).value == 10 and ws.cell(r + 1, IND_COL["年度指标值"]).value == "≥98%"
    assert ws.cell(r + 1, IND_COL["人工得分"]).value == 9
    assert ws.cell(r + 1, IND_COL["偏差原因分析及改进措施"]).value == "略"
    assert [ws.cell(r + 2, c).value for c in range(1, 8)] == ["效益指标", "社会效益", "机构服务能力", "定性", 15, "提升", "98%"]
    assert ws.merged_cells.ranges and not any(m.min_row >= INDICATOR_FIRST_ROW for m in ws.merged_cells.ranges)
    f = wb[layout.SHEET_FINDINGS]
    assert [c.value for c in f[2][:4]] == ["错误", "绩效指标!E8", "E101 分值合计", "分值合计不等于 100"]
    # still a protected template after the round trip
    assert ws.protection.sheet and wb.active.title == layout.SHEET_INFO
    assert validation_at(ws, f"D{INDICATOR_FIRST_ROW}")


def test_fill_rejects_unknown_names(tmp_path):
    p = tmp_path / "错.xlsx"
    build_template(p)
    with pytest.raises(ValueError):
        fill_workbook(p, indicators=[{"不存在的列": 1}])
    with pytest.raises(ValueError):
        fill_workbook(p, budget={"不存在的来源": {"全年预算数": 1}})


def test_merge_levels(tmp_path):
    p = tmp_path / "合并.xlsx"
    build_template(p)
    rows = [
        {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "甲", "分值": 10},
        {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "乙", "分值": 10},
        {"二级指标": "质量指标", "三级指标": "丙", "分值": 10},  # blank 一级 continues 产出指标
        {"一级指标": "效益指标", "二级指标": "数量指标", "三级指标": "丁", "分值": 10},  # same 二级 name, new 一级
        {"一级指标": "满意度指标", "二级指标": "服务对象满意度指标", "三级指标": "戊", "分值": 10},
    ]
    fill_workbook(p, indicators=rows, merge_levels=True)
    ws = openpyxl.load_workbook(p)[layout.SHEET_INDICATORS]
    f = INDICATOR_FIRST_ROW
    merged = {str(m) for m in ws.merged_cells.ranges if m.min_row >= f}
    assert merged == {f"A{f}:A{f + 2}", f"B{f}:B{f + 1}"}
    assert ws.cell(f, 1).value == "产出指标" and ws.cell(f + 3, 1).value == "效益指标"
    assert ws.cell(f, 2).value == "数量指标" and ws.cell(f + 2, 2).value == "质量指标" and ws.cell(f + 3, 2).value == "数量指标"
    assert [ws.cell(f + i, 3).value for i in range(5)] == ["甲", "乙", "丙", "丁", "戊"]


def test_more_rows_than_the_template_are_formatted(tmp_path):
    p = tmp_path / "多行.xlsx"
    build_template(p)
    n = INDICATOR_LAST_ROW - INDICATOR_FIRST_ROW + 6
    fill_workbook(p, indicators=[{"一级指标": "产出指标", "三级指标": f"指标{i}", "分值": 0.5} for i in range(n)])
    ws = openpyxl.load_workbook(p)[layout.SHEET_INDICATORS]
    last = INDICATOR_FIRST_ROW + n - 1
    assert ws.cell(last, 3).value == f"指标{n - 1}"
    assert_input(ws.cell(last, IND_COL["三级指标"]))
    assert_computed(ws.cell(last, IND_COL["得分"]))
    assert validation_at(ws, f"D{last}")


# --- the examples ----------------------------------------------------------------------------------


def weights(path: Path) -> tuple[float | None, float, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    b = wb[layout.SHEET_BUDGET]
    budget_weight = b.cell(2, BUD_COL["分值"]).value
    ws = wb[layout.SHEET_INDICATORS]
    rows = []
    for r in range(INDICATOR_FIRST_ROW, ws.max_row + 1):
        values = tuple(ws.cell(r, c).value for c in range(1, len(layout.INDICATOR_HEADERS) + 1))
        if values[IND_COL["三级指标"] - 1]:
            rows.append(values)
    return budget_weight, sum(v[IND_COL["分值"] - 1] for v in rows), rows


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("examples")
    out = {}
    for name in EXAMPLES:
        out[name] = d / example_filename(name)
        build_example(out[name], name)
    return out


def test_example_weights_sum_to_100(examples):
    for name, path in examples.items():
        bw, iw, rows = weights(path)
        assert (bw or 0) + iw == pytest.approx(100), name
        assert len(rows) == len(EXAMPLES[name]["indicators"]), name


def test_goumai_example(examples):
    bw, _iw, rows = weights(examples["临汾购买服务"])
    assert bw == 10
    assert [r[2] for r in rows] == ["购买服务项目", "项目完成率（%）", "项目计划完成时间", "购买服务成本", "机构服务能力", "跟踪管理机制", "社会满意度"]
    assert not any("预算执行" in r[2] for r in rows)
    manual = next(r for r in rows if r[2] == "机构服务能力")
    assert manual[IND_COL["人工得分"] - 1] == 0 and manual[IND_COL["偏差原因分析及改进措施"] - 1]
    wb = openpyxl.load_workbook(examples["临汾购买服务"])
    b = wb[layout.SHEET_BUDGET]
    assert [b.cell(2, c).value for c in range(2, 6)] == [40, 40, 40, 37.24]
    assert b.cell(2, BUD_COL["偏差原因分析及改进措施"]).value == "预算为40万元，实际合同价格为39.75万元"
    info = wb[layout.SHEET_INFO]
    assert info.cell(info_row(info, "报告样式"), 2).value == "山西"
    assert info.cell(info_row(info, "项目名称"), 2).value == "城乡居民购买服务经费配套项目"
    # 一级 labels are merged like the real table
    ws = wb[layout.SHEET_INDICATORS]
    assert f"A{INDICATOR_FIRST_ROW}:A{INDICATOR_FIRST_ROW + 3}" in {str(m) for m in ws.merged_cells.ranges}


def test_liulei_example_scores_budget_in_the_indicator_table(examples):
    bw, iw, rows = weights(examples["临汾六类人群"])
    assert bw is None and iw == 100
    first = rows[0]
    assert first[:3] == ("预算执行指标", "预算执行指标", "预算执行率")
    assert first[IND_COL["分值"] - 1] == 10 and first[5:7] == ("100%", "93.32%")
    wb = openpyxl.load_workbook(examples["临汾六类人群"])
    info = wb[layout.SHEET_INFO]
    assert info.cell(info_row(info, "金额单位"), 2).value == "元"
    b = wb[layout.SHEET_BUDGET]
    assert b.cell(2, BUD_COL["全年预算数"]).value == 0 and b.cell(2, BUD_COL["全年执行数"]).value == 569240


def test_yanbian_example(examples):
    bw, iw, rows = weights(examples["盐边残疾人医保"])
    assert bw == 10 and iw == 90
    assert [r[2] for r in rows][:3] == ["资助参保人数", "资助参保金额", "资助标准"]
    assert [r[IND_COL["分值"] - 1] for r in rows] == [10, 10, 10, 10, 10, 10, 10, 10, 5, 5]
    wb = openpyxl.load_workbook(examples["盐边残疾人医保"])
    info = wb[layout.SHEET_INFO]
    assert info.cell(info_row(info, "报告样式"), 2).value == "四川"
    assert info.cell(info_row(info, "资金批复文号"), 2).value == "盐财资行〔2021〕222号"
    assert info.cell(info_row(info, "主管部门"), 2).value == "盐边县医疗保障局"


def test_examples_score_like_the_reports(examples):
    from xlperf.forms.template import read_workbook
    from xlperf.core.scoring import evaluate

    for name, path in examples.items():
        wb = openpyxl.load_workbook(path)
        grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        ev = evaluate(read_workbook(wb.sheetnames, grids, source=path.name))
        assert ev.total_weight == 100, name
        expected = EXAMPLES[name]["expected_total"]
        if expected is not None:
            assert ev.total_score == expected, name


def test_shipped_workbooks_are_current(examples, template_path):
    """workbooks/*.xlsx are what make_workbooks.py produces from the current code."""

    def cells(path: Path) -> dict:
        wb = openpyxl.load_workbook(path)
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}

    assert cells(WORKBOOKS / "绩效自评模板.xlsx") == cells(template_path)
    for name, path in examples.items():
        shipped = WORKBOOKS / example_filename(name)
        assert shipped.exists(), shipped
        assert cells(shipped) == cells(path), name
        no_formulas(shipped)


def test_province_and_department_templates_carry_the_sheets_their_reports_read(tmp_path):
    from openpyxl import load_workbook as _load

    from xlperf.core import layout as L
    from xlperf.workbook.template import build_template as _build

    _build(tmp_path / "陕西.xlsx", style="陕西")
    wb = _load(tmp_path / "陕西.xlsx")
    assert [c.value for c in wb[L.SHEET_PAYMENTS][1]] == list(L.PAYMENT_HEADERS)
    assert [c.value for c in wb[L.SHEET_TEAM][1]] == list(L.TEAM_HEADERS)
    _build(tmp_path / "部门.xlsx", evaluation_type="部门整体支出", style="湖南")
    wb = _load(tmp_path / "部门.xlsx")
    assert [c.value for c in wb[L.SHEET_BASIC_DATA][1]] == list(L.BASIC_DATA_HEADERS)
    assert any(r[0].value == "结果应用和公开情况" for r in wb[L.SHEET_INFO].iter_rows())
    _build(tmp_path / "通用.xlsx")
    names = _load(tmp_path / "通用.xlsx").sheetnames
    assert L.SHEET_BASIC_DATA not in names and L.SHEET_TEAM not in names
