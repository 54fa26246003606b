"""The official 自评表: one model (report/official.py), its .xlsx export and its print layout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.grids import evaluate_grids, row, standard_rows
from xlperf.cli import cli
from xlperf.core import layout
from xlperf.report.job import render_report
from xlperf.report.context import official_form_of as official_form
from xlperf.report.official import FORM_STYLES
from xlperf.report.official_xlsx import SHEET, TITLE_ROWS, write_form_xlsx

INFO = {"项目名称": "城乡居民医保补助", "主管部门": "某县医疗保障局", "实施单位": "某县医疗保险中心", "年度": "2021"}


def _ev(rows=None, **kw):
    return evaluate_grids(rows if rows is not None else standard_rows(), info=dict(INFO, **kw.pop("info", {})), **kw)


def _pending_rows():
    rows = standard_rows()
    rows[4] = row("效益指标", "社会效益指标", "减轻群众负担", 15, "持续", "见附件说明")
    return rows


@pytest.fixture(scope="module")
def goumai(example_books) -> Path:
    return example_books["goumai"]


# --- the model ------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", FORM_STYLES)
def test_every_position_of_the_form_belongs_to_exactly_one_cell(style):
    form = official_form(_ev(), style)
    seen: dict[tuple[int, int], int] = {}
    for c in form.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                seen[(r, k)] = seen.get((r, k), 0) + 1
    assert set(seen) == {(r, k) for r in range(form.nrows) for k in range(form.ncols)}
    assert set(seen.values()) == {1}
    assert len(form.widths) == form.ncols


def test_the_national_form_has_its_header_budget_and_goal_blocks():
    ev = _ev(info={"年度总体目标": "保障参保人员待遇", "年度总体目标完成情况": "保障了参保人员待遇"})
    form = official_form(ev, "通用")
    g = form.grid()
    assert form.title == "项目支出绩效自评表" and form.year == "（2021年度）"
    assert g[0][:2] == ["项目名称", "城乡居民医保补助"]
    assert "主管部门" in g[1] and "实施单位" in g[1] and "某县医疗保险中心" in g[1]
    assert g[2][0] == "项目资金（万元）" and [x for x in g[2] if x][-6:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert [r[1] for r in g[3:7]] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    budget = next(c for c in form.cells if c.text.startswith("项目资金"))
    assert budget.rowspan == 5
    assert g[7][0] == "年度总体目标" and "预期目标" in g[7] and "实际完成情况" in g[7]
    header = g[form.header_row]
    assert header == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    side = next(c for c in form.cells if c.text == "绩效指标")
    assert side.rowspan == 1 + len(ev.indicators)
    level1 = [c for c in form.cells if c.col == 1 and c.row > form.header_row and c.text]
    assert [(c.text, c.rowspan) for c in level1] == [("产出指标", 4), ("效益指标", 2), ("满意度指标", 1)]
    total = g[-1]
    assert total[0] == "总分" and "100" in total and ev.total_text in total and "自评等级：优秀" in total


def test_a_withheld_total_reads_pending_on_the_form():
    ev = _ev(_pending_rows())
    assert not ev.final
    for style in FORM_STYLES:
        form = official_form(ev, style)
        texts = [c.text for c in form.cells]
        assert ev.total_text in texts and ev.total_text.startswith("待定")
        assert "自评等级：待定" in texts
        assert "待定" in texts  # the pending row's 得分
        total = next(c for c in form.cells if c.text == ev.total_text)
        assert total.number is None  # never a number that looks final


def test_province_layouts():
    ev = _ev()
    shanxi = official_form(ev, "山西").grid()
    header = next(r for r in shanxi if r[0] == "一级指标")
    assert header == ["一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施"]
    first = shanxi[shanxi.index(header) + 1]
    assert first[0] == "预算执行指标" and first[2] == "预算执行率" and first[3] == "10"
    assert not any("项目资金" in x for r in shanxi for x in r)

    shaanxi = official_form(ev, "陕西").grid()
    flat = [x for r in shaanxi for x in r]
    assert "主管部门及代码" in flat and "全年执行率" in flat and "全年预算数" not in flat and "未完成原因分析" in flat
    assert "其中：财政拨款" in flat

    sichuan = official_form(ev, "四川").grid()
    labels = [r[0] for r in sichuan]
    assert labels.index("项目基本情况") < labels.index("预算执行情况（10分）") < labels.index("绩效指标")
    assert labels[-3:] == ["评价结论", "存在问题", "改进措施"] and "合计" in labels
    assert "指标性质" in sichuan[labels.index("绩效指标")] and "度量单位" in sichuan[labels.index("绩效指标")]

    hunan = official_form(ev, "湖南").grid()
    assert hunan[0][0] == "项目支出名称"
    assert any(x == "产出指标(50分)" for r in hunan for x in r)
    assert any(x == "数量指标（20）" for r in hunan for x in r)


# --- the .xlsx export -----------------------------------------------------------------------------


def test_xlsx_export_is_one_print_ready_sheet(tmp_path):
    ev = _ev(info={"项目名称": "=HYPERLINK(\"http://x\")"})
    form = official_form(ev, "通用")
    out = write_form_xlsx(form, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SHEET]
    ws = wb[SHEET]
    assert ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value == "（2021年度）"
    top = TITLE_ROWS + 1
    name = ws.cell(row=top, column=2)
    assert name.value == "=HYPERLINK(\"http://x\")" and name.data_type == "s"  # text, never a formula
    merged = {str(m) for m in ws.merged_cells.ranges}
    for c in form.cells:
        if c.rowspan > 1 or c.colspan > 1:
            a = ws.cell(row=top + c.row, column=1 + c.col).coordinate
            b = ws.cell(row=top + c.row + c.rowspan - 1, column=c.col + c.colspan).coordinate
            assert f"{a}:{b}" in merged
    for c in form.cells:  # every cell's outline is drawn, merged or not (Excel draws a merged range's edges)
        r0, k0, r1, k1 = top + c.row, 1 + c.col, top + c.row + c.rowspan - 1, c.col + c.colspan
        for r in range(r0, r1 + 1):
            assert ws.cell(row=r, column=k0).border.left.style == "thin"
            assert ws.cell(row=r, column=k1).border.right.style == "thin"
        for k in range(k0, k1 + 1):
            assert ws.cell(row=r0, column=k).border.top.style == "thin"
            assert ws.cell(row=r1, column=k).border.bottom.style == "thin"
    signature = ws.cell(row=top + form.nrows + 1, column=1).value
    assert signature.startswith("单位（盖章）") and "填表人" in signature and "日期" in signature
    ps = ws.page_setup
    assert ps.orientation == "landscape" and int(ps.paperSize) == 9
    assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    header = TITLE_ROWS + 1 + form.header_row  # the indicator header row repeats on each printed page
    assert ws.print_title_rows == f"${header}:${header}"
    # numbers are numbers: the total and the weights
    total_row = top + form.nrows - 1
    values = [ws.cell(row=total_row, column=k).value for k in range(1, form.ncols + 1)]
    assert 100 in values and ev.total_score in values


def test_xlsx_export_of_a_withheld_total_says_pending(tmp_path):
    ev = _ev(_pending_rows())
    out = write_form_xlsx(official_form(ev, "山西"), tmp_path / "form.xlsx")
    ws = openpyxl.load_workbook(out)[SHEET]
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert ev.total_text in texts and "自评等级：待定" in texts
    assert not any(isinstance(c.value, (int, float)) and abs(c.value - ev.draft_score) < 1e-9 for r in ws.iter_rows() for c in r)


def test_report_command_exports_the_form_in_the_style_chosen(goumai, tmp_path):
    out = tmp_path / "表.xlsx"
    res = CliRunner().invoke(cli, ["report", str(goumai), "--format", "xlsx", "--style", "陕西", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "已导出自评表" in res.output
    ws = openpyxl.load_workbook(out)[SHEET]
    texts = {c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert "主管部门及代码" in texts and "未完成原因分析" in texts
    # -o with .xlsx alone picks the format; the default name says 自评表
    res = render_report(goumai, tmp_path / "x.xlsx")
    assert res.format == "xlsx"
    res = render_report(goumai, tmp_path, fmt="xlsx")
    assert res.output.name == "goumai-自评表.xlsx"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None, reason="LibreOffice/poppler missing")
def test_xlsx_form_prints_on_one_landscape_page_width(goumai, tmp_path):
    out = render_report(goumai, tmp_path / "form.xlsx", style="通用").output
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "form.pdf")], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert w > h and abs(w - 841.9) < 1 and abs(h - 595.3) < 1
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "form.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    # the rightmost column printed on the page: nothing cut off
    assert "偏差原因分析及改进措施" in text and "自评等级" in text and "单位（盖章）" in text


# --- export -> import -----------------------------------------------------------------------------

def _rows(ev):
    return [(r.indicator.level1, r.indicator.level3, r.indicator.weight, r.score) for r in ev.indicators if r.indicator.level3 != "预算执行率"]


@pytest.mark.parametrize("style", ["通用", "山西", "陕西", "四川"])
def test_export_then_import_gives_the_same_total_grade_and_rows(goumai, tmp_path, style):
    """The exported form read back — directly (check) and through xlperf import — is the same evaluation."""
    from xlperf.api import import_forms
    from xlperf.workbook.load import load

    ev = load(goumai).evaluation
    out = render_report(goumai, tmp_path / f"{style}.xlsx", style=style).output
    direct = load(out).evaluation
    assert direct.total_text == ev.total_text and direct.grade_text == ev.grade_text
    assert _rows(direct) == _rows(ev)
    imported = import_forms(out, tmp_path / f"{style}-导入.xlsx")
    assert imported[0].error == "" and imported[0].output is not None, imported[0].error
    again = load(imported[0].output).evaluation
    assert again.total_text == ev.total_text and again.grade_text == ev.grade_text
    assert _rows(again) == _rows(ev)


def test_layout_names_stay_known():
    assert set(FORM_STYLES) == set(layout.REPORT_STYLES)


# --- each row's numbers are its own result's ----------------------------------------------------


def _form_numbers(form, style: str, names: set[str]) -> dict[str, tuple[float | None, float | None, str]]:
    """{三级指标 text: (分值 number, 得分 number, 得分 text)} of the form's rows naming one of ``names``."""
    from xlperf.report.official import LAYOUTS

    lay = LAYOUTS[style]
    keys = [k for _, k in lay.indicators]
    off = 1 if lay.side_label else 0
    col = {k: off + i for i, k in enumerate(keys)}
    by_row: dict[int, dict[int, object]] = {}
    for c in form.cells:
        if c.row > form.header_row:
            by_row.setdefault(c.row, {})[c.col] = c
    out = {}
    for cells in by_row.values():
        name = cells.get(col["level3"])
        if name is None or name.text not in names:
            continue
        weight, score = cells[col["weight"]], cells[col["score"]]
        out[name.text] = (weight.number, score.number, score.text)
    return out


@pytest.mark.parametrize("style", FORM_STYLES)
@pytest.mark.parametrize("reverse", [False, True])
def test_each_form_row_shows_the_numbers_of_its_own_result(style, reverse):
    """分值 and 得分 of every indicator row come from that row's result: a pending row reads 待定
    with no number, a 不适用 row has no score number, and listing the rows in another order
    moves the numbers with their rows."""
    rows = _pending_rows()
    rows[2] = row("产出指标", "时效指标", "补助时间", 10, "2021年", "2021年", direction="不适用")
    rows[3] = row("产出指标", "成本指标", "人均补助标准", 7, "280元", "300元")  # partly met: a score below its weight
    if reverse:
        rows = rows[::-1]
    ev = _ev(rows)
    names = {r.indicator.level3 for r in ev.indicators}
    seen = _form_numbers(official_form(ev, style), style, names)
    assert set(seen) == names
    for r in ev.indicators:
        weight, score, text = seen[r.indicator.level3]
        assert weight == r.indicator.weight, r.indicator.level3
        if r.direction == "不适用":
            assert score is None and text == "不适用"
        elif r.pending:
            assert score is None and text == "待定"
        else:
            assert score == r.score, r.indicator.level3
