"""The report renderer: the Word file officials submit (read back with python-docx and lxml),
Markdown/HTML, PDF through LibreOffice, 定稿 precedence, and the command's exit codes."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree

from xlperf.core import layout
from xlperf.core import narrative
from xlperf import report as R
from xlperf.workbook.load import load
from xlperf.core.errors import EnvironmentProblem, InputError, OutputError
from xlperf.cli import cli
from xlperf.report.word import postprocess

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
STYLES = ("通用", "四川", "山西", "陕西", "湖南")
HEADING_STYLES = {"Heading1", "Heading2", "Heading3", "Annex", "TableTitle"}
SELF_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "完成率", "得分", "偏差原因分析及改进措施"]


# --- workbooks ----------------------------------------------------------------------------------


DEPT_INFO = {"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025, "报告样式": "湖南",
             "主管部门职能": "贯彻执行医疗保障的法律、法规、规章。", "年度总体目标": "保障基金安全，提升经办服务水平。"}
DEPT_ROWS = [
    ("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%", "部分政府采购合同尾款次年支付"),
    ("过程指标", "资金管理", "资金使用合规性", 20, "合规", "合规"),
    ("产出指标", "数量指标", "完成年度重点工作数", 30, "≥12项", "12项"),
    ("效益指标", "社会效益", "基金监管成效", 30, "明显", "明显"),
    ("效益指标", "服务对象满意度指标", "群众满意度", 10, "≥90%", "93%"),  # 湖南: 满意度 under 效益
]
DEPT_BASIC = {
    "编制数": {"上年数": 50, "本年实际数": 50}, "实有人数": {"上年数": 48, "本年实际数": 47},
    "支出合计": {"上年数": 760, "本年预算数": 820, "本年实际数": 808}, "基本支出": {"本年实际数": 515.2}, "项目支出": {"本年实际数": 292.8},
    "三公经费合计": {"上年数": 12.5, "本年预算数": 12, "本年实际数": 10.2}, "公务接待费": {"本年实际数": 0.8},
}


def build_department(path: Path) -> Path:
    from xlperf.workbook.template import build_template, fill_workbook

    keys = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "偏差原因分析及改进措施")
    build_template(path, evaluation_type="部门整体支出", style="湖南")
    fill_workbook(
        path, info=DEPT_INFO, indicators=[dict(zip(keys, r)) for r in DEPT_ROWS], basic=DEPT_BASIC,
        budget={"年度资金总额": {"全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}},
    )
    return path


@pytest.fixture(scope="module")
def books(example_books, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("books")
    out = dict(example_books)
    out["dept"] = build_department(d / "dept.xlsx")
    return out


def _book(books: dict[str, Path], style: str) -> Path:
    """The workbook a style is written for: 湖南 is the 部门整体支出 outline."""
    return books["dept"] if style == "湖南" else books["goumai"]


@pytest.fixture
def goumai(books, tmp_path) -> Path:
    p = tmp_path / "goumai.xlsx"
    shutil.copy(books["goumai"], p)
    return p


def _set_info(path: Path, label: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_INFO]
    for row in ws.iter_rows(min_row=1):
        if row[0].value == label:
            row[1].value = value
            break
    else:
        ws.append([label, value])
    wb.save(path)


def _add_sheet(path: Path, name: str, rows: list[list]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(name)
    for r in rows:
        ws.append(r)
    wb.save(path)


# --- reading a .docx back -----------------------------------------------------------------------


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _parts(path: Path, pattern: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if re.fullmatch(pattern, n)]


def _headings(path: Path) -> list[str]:
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.style_id in HEADING_STYLES]


def _all_text(path: Path) -> str:
    body = _xml(path, "word/document.xml")
    return "".join(t.text or "" for t in body.iter(W + "t"))


def _cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(W + "t")).strip()


def _tables(path: Path) -> list[etree._Element]:
    return list(_xml(path, "word/document.xml").iter(W + "tbl"))


def _table_with_header(path: Path, header: list[str]):
    for tbl in _tables(path):
        first = tbl.find(W + "tr")
        if [_cell_text(tc) for tc in first.findall(W + "tc")] == header:
            return tbl
    return None


def _rows(tbl) -> list[list]:
    return [tr.findall(W + "tc") for tr in tbl.findall(W + "tr")]


def _vmerge(tc) -> str | None:
    v = tc.find(f"{W}tcPr/{W}vMerge")
    if v is None:
        return None
    return v.get(W + "val") or "continue"


def _render(path: Path, tmp_path: Path, style: str | None = None, fmt: str = "docx", **kw) -> R.ReportResult:
    out = tmp_path / f"report-{style or 'default'}.{fmt}"
    return R.render_report(path, out, style=style, **kw)


# --- the Word report ----------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_docx_headings_follow_the_outline_of_each_style(books, tmp_path, style):
    res = _render(_book(books, style), tmp_path, style)
    ev = load(_book(books, style)).evaluation
    expected = [s.heading for s in narrative.generate(ev, style)] + ([R.context.OPEN_HEADING] if res.draft else [])
    assert _headings(res.output) == expected
    assert res.style == style


def test_docx_carries_the_workbook_numbers(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "山西")
    text = _all_text(res.output)
    assert res.evaluation.total_score == 84.31
    for needle in ("84.31", "93.10%", "37.24", "39.75", "2.76", "良好", "城乡居民购买服务经费配套项目"):
        assert needle in text, needle
    # 山西's 预算执行 table: 预算执行指标 | 预算执行率 | 10 | 100% | 93.10% | 9.31
    tbl = _table_with_header(res.output, ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"])
    assert tbl is not None
    assert [_cell_text(tc) for tc in _rows(tbl)[1]] == ["预算执行指标", "预算执行率", "10", "100%", "93.10%", "9.31"]
    # the document properties are rendered too: Word shows the title in 文件 → 信息
    props = Document(str(res.output)).core_properties
    assert "城乡居民购买服务经费配套项目" in props.title and "{{" not in props.title


def _form_table(path: Path):
    """The official 自评表 annex: the table whose first cell is 项目名称, with the indicator
    table that follows it (the form is two tables, see word.form_table_xml) as one element."""
    tables = _tables(path)
    for i, tbl in enumerate(tables):
        first = tbl.find(W + "tr")
        cells = first.findall(W + "tc") if first is not None else []
        if cells and _cell_text(cells[0]) in ("项目名称", "项目支出名称"):
            joined = etree.Element(W + "tbl")
            for part in tables[i : i + 2] if i + 1 < len(tables) and tbl.getnext() is not None and tbl.getnext().getnext() is tables[i + 1] else [tbl]:
                joined.extend(part.findall(W + "tr"))
            return joined
    return None


def _form_indicator_rows(tbl, first: str = "一级指标") -> list[list]:
    rows = _rows(tbl)
    start = next(i for i, r in enumerate(rows) if first in [_cell_text(tc) for tc in r])
    return rows[start:]


def test_official_form_annex_merges_level1_and_level2_vertically(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "山西")
    tbl = _form_table(res.output)
    assert tbl is not None, "自评表 missing"
    rows = _form_indicator_rows(tbl)
    assert [_cell_text(tc) for tc in rows[0]] == ["一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施"]
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in tbl.findall(W + "tr"))
    # 山西: the budget row first, 预算执行指标 across 一级 and 二级 (one cell, gridSpan 2)
    budget = rows[1]
    assert _cell_text(budget[0]) == "预算执行指标"
    assert budget[0].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "2"
    assert [_cell_text(tc) for tc in budget[1:]][:6] == ["预算执行率", "10", "100%", "93.10%", "93.10%", "9.31"]
    # 产出指标: four rows, one restart and three continues in column 1, each continue empty
    col1 = [(_vmerge(r[0]), _cell_text(r[0])) for r in rows[2:6]]
    assert col1 == [("restart", "产出指标"), ("continue", ""), ("continue", ""), ("continue", "")]
    assert all(_vmerge(r[1]) is None for r in rows[2:6])
    assert [_vmerge(r[0]) for r in rows[6:9]] == ["restart", "continue", None]
    assert [_cell_text(tc) for tc in rows[-2]][0] == "总分"
    assert "84.31" in [_cell_text(tc) for tc in rows[-2]]
    assert _cell_text(rows[-1][0]).startswith("单位（盖章）")  # the signature line: the last row, kept with the total


def test_official_form_annex_has_the_national_header_and_budget_block(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "通用")
    rows = _rows(_form_table(res.output))
    texts = [[_cell_text(tc) for tc in r] for r in rows]
    assert texts[0][:2] == ["项目名称", "城乡居民购买服务经费配套项目"]
    assert texts[1] == ["主管部门", "某县医疗保障局", "实施单位", "某县医疗保险中心"]
    assert texts[2][0] == "项目资金（万元）" and texts[2][-6:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert _vmerge(rows[2][0]) == "restart" and all(_vmerge(r[0]) == "continue" for r in rows[3:7])
    assert texts[3][1:] == ["年度资金总额", "40", "40", "37.24", "10", "93.10%", "9.31"]
    assert [t[1] for t in texts[4:7]] == ["其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert texts[7][:3] == ["年度总体目标", "预期目标", "实际完成情况"]
    assert "绩效指标" in texts[9] and texts[-2][0] == "总分" and texts[-1][0].startswith("单位（盖章）")
    body = _all_text(res.output)
    assert "（2021年度）" in body and "单位（盖章）" in body and "填表人" in body
    # the form's pages are landscape; the report around it stays portrait
    sects = list(_xml(res.output, "word/document.xml").iter(W + "sectPr"))
    orients = [s.find(W + "pgSz").get(W + "orient") for s in sects]
    assert orients[0] is None and orients[-1] == "landscape"


def test_legacy_self_table_merges_when_a_template_has_no_form(books, tmp_path):
    """A context without the official form (a department's project tables) keeps the 9-column 自评表."""
    res = _render(books["goumai"], tmp_path, "山西")
    ev = res.evaluation
    ctx = R.build_context(ev, narrative.generate(ev, "山西"), style="山西")
    out = tmp_path / "legacy.docx"
    R.render_docx(ctx, out)  # no official form: the template's own 自评表
    tbl = _table_with_header(out, SELF_HEADER)
    assert tbl is not None
    assert tbl.find(W + "tr").find(f"{W}trPr/{W}tblHeader") is not None
    rows = _rows(tbl)
    assert _cell_text(rows[1][0]) == "预算执行" and rows[1][0].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "2"
    assert [(_vmerge(r[0]), _cell_text(r[0])) for r in rows[2:6]] == [("restart", "产出指标"), ("continue", ""), ("continue", ""), ("continue", "")]


def test_level2_merges_only_inside_its_level1(books, tmp_path):
    res = _render(books["yanbian"], tmp_path, "通用")
    ev = res.evaluation
    ctx = R.build_context(ev, narrative.generate(ev, "通用"), style="通用")
    rows = ctx["self_table"]["rows"]
    names = [(r["level2"], r["level2_start"], r["level2_span"]) for r in rows if r["level2"] == "数量指标"]
    assert names == [("数量指标", True, 3), ("数量指标", False, 0), ("数量指标", False, 0)]
    form_rows = _form_indicator_rows(_form_table(res.output))
    merged = [(_vmerge(r[2]), _cell_text(r[2])) for r in form_rows[1:4]]  # 绩效指标 | 一级 | 二级
    assert merged == [("restart", "数量指标"), ("continue", ""), ("continue", "")]
    # the same 二级 text under two different 一级 never merges across them
    out = tmp_path / "x.docx"
    ctx["self_table"]["rows"][1]["level2"] = ctx["self_table"]["rows"][0]["level2"] = "同名"
    ctx["self_table"]["rows"][0]["level1"] = "甲"
    R.render_docx(ctx, out)
    tbl = _table_with_header(out, SELF_HEADER)
    second = _rows(tbl)[2]
    assert _vmerge(second[1]) is None and _cell_text(second[1]) == "同名"


def test_no_internal_marker_is_left_in_the_report(books, tmp_path):
    for style in ("通用", "陕西", "湖南"):
        res = _render(_book(books, style), tmp_path, style)
        with zipfile.ZipFile(res.output) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    data = z.read(name).decode("utf-8")
                    assert "xlperf:" not in data and "tblCaption" not in data, (style, name)
                    assert "{{" not in data and "{%" not in data, (style, name)
                    assert 'w:val="OfficialForm"' not in data or name != "word/document.xml", (style, name)


def test_columns_are_sized_by_their_content(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "山西")
    tbl = _table_with_header(res.output, ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"])
    widths = [int(g.get(W + "w")) for g in tbl.find(W + "tblGrid").findall(W + "gridCol")]
    # 三级指标 (long names) gets more room than 权重 (two digits); the table keeps its width
    assert widths[1] > 2 * widths[2]
    assert abs(sum(widths) - 8845) <= 2
    for tr in tbl.findall(W + "tr"):
        assert sum(int(tc.find(f"{W}tcPr/{W}tcW").get(W + "w")) for tc in tr.findall(W + "tc")) == sum(widths)


def test_every_run_and_style_names_its_east_asian_font(books, tmp_path):
    for style in STYLES:
        res = _render(_book(books, style), tmp_path, style)
        parts = ["word/document.xml", "word/styles.xml"] + _parts(res.output, r"word/(header|footer)\d*\.xml")
        seen = 0
        for part in parts:
            for rf in _xml(res.output, part).iter(W + "rFonts"):
                seen += 1
                assert rf.get(W + "eastAsia"), f"{style} {part}: {etree.tostring(rf)!r}"
                assert rf.get(W + "eastAsiaTheme") is None
        assert seen > 50
        styles = _xml(res.output, "word/styles.xml")
        fonts = {s.get(W + "styleId"): s.find(f"{W}rPr/{W}rFonts") for s in styles.iter(W + "style")}
        assert fonts["Normal"].get(W + "eastAsia") == "仿宋_GB2312"
        assert fonts["Normal"].get(W + "ascii") == "Times New Roman"
        assert fonts["Heading1"].get(W + "eastAsia") == "黑体"
        assert fonts["Heading2"].get(W + "eastAsia") == "楷体_GB2312"
        assert fonts["Heading3"].get(W + "eastAsia") == "仿宋_GB2312"
        assert fonts["Title"].get(W + "eastAsia") == "方正小标宋简体"
        # every run in the body carries its own rFonts
        body = _xml(res.output, "word/document.xml")
        for r in body.iter(W + "r"):
            if r.find(W + "t") is not None:
                assert r.find(f"{W}rPr/{W}rFonts") is not None


def test_gbt9704_page_setup_body_and_heading_formats(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "通用")
    doc = Document(str(res.output))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [37, 35, 28, 26]
    styles = _xml(res.output, "word/styles.xml")
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}

    def prop(style, path, attr):
        el = by_id[style].find(path)
        return None if el is None else el.get(W + attr)

    assert prop("Normal", f"{W}rPr/{W}sz", "val") == "32"
    assert prop("Normal", f"{W}pPr/{W}spacing", "line") == "560"
    assert prop("Normal", f"{W}pPr/{W}spacing", "lineRule") == "exact"
    assert prop("Normal", f"{W}pPr/{W}ind", "firstLineChars") == "200"
    assert prop("Normal", f"{W}pPr/{W}jc", "val") == "both"
    assert prop("Title", f"{W}rPr/{W}sz", "val") == "44"
    assert prop("Title", f"{W}pPr/{W}jc", "val") == "center"
    assert by_id["Heading3"].find(f"{W}rPr/{W}b") is not None and prop("Heading3", f"{W}rPr/{W}b", "val") is None
    # tables: single 0.5 pt borders (the form's project block has none at its foot: the
    # indicator table below it draws the rule)
    for tbl in _tables(res.output):
        borders = [b for b in tbl.find(f"{W}tblPr/{W}tblBorders") if not (b.tag == f"{W}bottom" and b.get(W + "val") == "nil"
                                                                         and tbl.getnext() is not None and tbl.getnext().getnext() is not None
                                                                         and tbl.getnext().getnext().tag == f"{W}tbl")]
        assert {b.get(W + "val") for b in borders} == {"single"}
        assert {b.get(W + "sz") for b in borders} == {"4"}


def test_footer_has_a_page_field_between_dashes(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "山西")
    footers = _parts(res.output, r"word/footer\d*\.xml")
    assert footers
    found = False
    for part in footers:
        root = _xml(res.output, part)
        instr = "".join(t.text or "" for t in root.iter(W + "instrText"))
        text = "".join(t.text or "" for t in root.iter(W + "t"))
        if "PAGE" in instr:
            found = True
            assert text.startswith("—") and text.endswith("—")
    assert found
    settings = _xml(res.output, "word/settings.xml")
    assert settings.find(W + "evenAndOddHeaders") is not None


def test_sichuan_title_lines_and_shaanxi_cover(books, tmp_path):
    res = _render(books["yanbian"], tmp_path, "四川")
    doc = Document(str(res.output))
    titles = [p.text for p in doc.paragraphs if p.style.style_id == "Title"]
    # 存在问题 and 改进措施 say 无 on a full-marks project: a fact, so the report is final (no 草稿 line)
    assert titles == ["盐边县医疗保障局", "2021年度专项（项目）资金绩效自评报告"]
    assert any(p.text == "（城乡残疾人医疗保险资助金）" for p in doc.paragraphs if p.style.style_id == "Subtitle")

    res = _render(books["goumai"], tmp_path, "陕西")
    doc = Document(str(res.output))
    assert doc.paragraphs[0].text == "" and any(p.style.style_id == "CoverTitle" for p in doc.paragraphs[:8])
    cover = doc.tables[0]
    labels = [c.cells[0].text for c in cover.rows]
    assert labels == ["评价类型", "项目名称", "单位", "主管部门", "负责人", "联系人", "联系电话", "评价时间"]
    assert cover.rows[1].cells[1].text == "城乡居民购买服务经费配套项目"
    # the 自评表 comes right after the cover, in 陕西's layout
    first = [_cell_text(tc) for tc in _rows(_tables(res.output)[1])[0]]
    assert first[0] == "项目名称"
    texts = [_cell_text(tc) for r in _rows(_form_table(res.output)) for tc in r]
    assert "主管部门及代码" in texts and "未完成原因分析" in texts and "全年预算数" not in texts


def test_placeholders_stay_visible(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "陕西")
    text = _all_text(res.output)
    # the example was made in another style: it has no 支付明细 sheet, so the report asks to add one
    assert "【请新增“支付明细”工作表（表头：支付日期、资金性质、用途、支付金额）并填写；xlperf new --style 陕西 新建的工作簿已含此表】" in text
    assert "请在“支付明细”工作表中填写" not in text
    assert "【请在项目信息中填写项目负责人】" in text
    # a table with nothing in it is not printed: what it asks for is a paragraph, and an open item
    assert _table_with_header(res.output, ["支付日期", "资金性质", "用途", "支付金额"]) is None
    assert res.draft and any("支付明细" in x for x in res.open_items)


def test_shaanxi_payments_and_team_come_from_their_sheets(goumai, tmp_path):
    import datetime as dt

    _add_sheet(goumai, "支付明细", [["支付日期", "资金性质", "用途", "支付金额"], [dt.datetime(2021, 3, 5), "县级财政", "购买服务第一季度", 9.31], [dt.datetime(2021, 6, 30), "县级财政", "购买服务第二季度", 9.3]])
    _add_sheet(goumai, "自评小组", [["姓名", "职务", "单位"], ["张三", "局长", "某县医疗保障局"], ["李四", "会计", "某县医疗保险中心"]])
    res = _render(goumai, tmp_path, "陕西")
    pay = _table_with_header(res.output, ["支付日期", "资金性质", "用途", "支付金额"])
    texts = [[_cell_text(tc) for tc in r] for r in _rows(pay)]
    assert texts[1] == ["2021年3月5日", "县级财政", "购买服务第一季度", "9.31"]
    assert texts[-1] == ["合计", "", "", "18.61"]
    team = _table_with_header(res.output, ["", "姓名", "职称/职务", "单位", "签字"])
    # 子洲's table: 评价人员 merged down the first column, the 签字 cells blank for the pen
    assert [[_cell_text(tc) for tc in r] for r in _rows(team)[1:]] == [["评价人员", "张三", "局长", "某县医疗保障局", ""], ["", "李四", "会计", "某县医疗保险中心", ""]]
    assert [_vmerge(r[0]) for r in _rows(team)[1:]] == ["restart", "continue"]


def test_team_falls_back_to_the_project_info_field(goumai, tmp_path):
    _set_info(goumai, "自评小组", "王五 科长 某县医疗保障局；赵六 科员 某县医疗保险中心")
    res = _render(goumai, tmp_path, "陕西")
    team = _table_with_header(res.output, ["", "姓名", "职称/职务", "单位", "签字"])
    assert [_cell_text(tc) for tc in _rows(team)[2]] == ["", "赵六", "科员", "某县医疗保险中心", ""]


def test_final_text_from_the_narrative_sheet_replaces_the_generated_text(goumai, tmp_path):
    loaded = load(goumai)
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    sections = narrative.generate(ev, "山西")
    target = next(s for s in sections if s.heading == "四、项目主要经验做法")
    generated = target.paragraphs[0]
    wb = openpyxl.load_workbook(goumai)
    ws = wb[layout.SHEET_NARRATIVE]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "章节")
    ws.cell(header + 1, 1).value = target.path
    ws.cell(header + 1, 3).value = "定稿第一段：经验甲。\n定稿第二段：经验乙。"
    wb.save(goumai)
    res = _render(goumai, tmp_path, "山西")
    doc = Document(str(res.output))
    paras = [p.text for p in doc.paragraphs]
    i = paras.index("四、项目主要经验做法")
    assert paras[i + 1 : i + 3] == ["定稿第一段：经验甲。", "定稿第二段：经验乙。"]
    assert generated not in paras
    md = R.render_report(goumai, tmp_path / "r.md", style="山西").output.read_text(encoding="utf-8")
    assert "定稿第二段：经验乙。" in md and generated not in md


def test_text_with_markup_characters_and_control_codes_is_written_safely(goumai, tmp_path):
    _set_info(goumai, "项目概况", "A<B & C>D ≥95%")
    loaded = load(goumai)
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    ev.input.info.annual_goal = "目标\x01\x0b第二行\x0c完"  # a live-Excel read can hand these over
    ctx = R.build_context(ev, narrative.generate(ev, "通用"), grids=grids, style="通用")
    out = R.render_docx(ctx, tmp_path / "safe.docx", form=R.official_form_of(ev, "通用"))
    text = _all_text(out)
    assert "A<B & C>D ≥95%" in text and "目标" in text and "第二行" in text
    assert "\x01" not in text and "\x0c" not in text
    Document(str(out))  # opens


def test_custom_template_replaces_the_shipped_one(books, tmp_path):
    src = R.template_path("通用")
    custom = tmp_path / "我局模板.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(custom, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("{{ line }}".encode(), "某县医疗保障局专用：{{ line }}".encode(), 1)
            zout.writestr(item, data)
    res = R.render_report(books["goumai"], tmp_path / "c.docx", template=custom)
    assert "某县医疗保障局专用：2021年度城乡居民购买服务经费配套项目" in _all_text(res.output)
    with pytest.raises(InputError, match="模板文件不存在"):
        R.render_report(books["goumai"], tmp_path / "d.docx", template=tmp_path / "nope.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError):
        R.render_report(books["goumai"], tmp_path / "e.docx", template=broken)
    bad_tags = tmp_path / "bad-tags.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad_tags, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{%p endfor %}", b"{%p endfr %}", 1)
            zout.writestr(item, data)
    with pytest.raises(InputError, match="标记有误") as exc:
        R.render_report(books["goumai"], tmp_path / "f.docx", template=bad_tags)
    assert exc.value.exit_code == 2 and not (tmp_path / "f.docx").exists()


def test_warm_compiles_every_shipped_template():
    from xlperf.report import word

    bodies = set()
    for style in STYLES:
        with zipfile.ZipFile(R.template_path(style)) as z:
            bodies.add(z.read("word/document.xml"))
    renderer = word.WordRenderer.shared()
    renderer.clear_compiled()
    R.warm()
    assert renderer.compiled_count() == len(bodies)  # one compiled body per distinct template body


def test_templates_are_read_once_per_process(books, tmp_path, monkeypatch):
    ev = load(books["dept"]).evaluation
    ctx = R.build_context(ev, narrative.generate(ev, "湖南"), style="湖南")
    R.render_docx(ctx, tmp_path / "a.docx", form=R.official_form_of(ev, "湖南"))
    calls = []
    real = Path.read_bytes

    def spy(self):
        calls.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    R.render_docx(ctx, tmp_path / "b.docx", form=R.official_form_of(ev, "湖南"))
    assert not [c for c in calls if c.suffix == ".docx"]
    assert _headings(tmp_path / "a.docx") == _headings(tmp_path / "b.docx")


# --- the context --------------------------------------------------------------------------------


def test_context_formats_numbers_as_reports_write_them(books):
    loaded = load(books["goumai"])
    ev, grids = loaded.evaluation, loaded.grids
    ctx = R.build_context(ev, narrative.generate(ev, "山西"), grids=grids, style="山西")
    assert ctx["title"] == "2021年度城乡居民购买服务经费配套项目支出绩效自评报告"
    assert ctx["title_lines"] == ["2021年度城乡居民购买服务经费配套项目", "支出绩效自评报告"]
    ev.input.info.name = "财政对六类特殊人群个人缴费补助项目"  # 21 characters: 项目 moves down
    assert R.build_context(ev, [])["title_lines"] == ["2021年度财政对六类特殊人群个人缴费补助", "项目支出绩效自评报告"]
    ev.input.info.name = "短名称"
    assert R.build_context(ev, [])["title_lines"] == ["2021年度短名称项目支出绩效自评报告"]
    assert (ctx["total_score"], ctx["grade"], ctx["grade_long"]) == ("84.31", "良", "良好")
    budget = ctx["budget_table"]["rows"][0]
    assert budget == {
        "source": "年度资金总额",
        "initial": "40",
        "full_year": "40",
        "received": "40",
        "executed": "37.24",
        "balance": "2.76",
        "arrival_rate": "100.00%",
        "execution_rate": "93.10%",
    }
    assert ctx["budget_table"]["note"] == "单位：万元"
    first = ctx["self_table"]["rows"][0]
    assert (first["level1"], first["level3"], first["weight"], first["target"], first["actual"], first["score"]) == ("预算执行", "预算执行率", "10", "100%", "93.10%", "9.31")
    assert ctx["self_table"]["total"]["score"] == "84.31"
    assert ctx["project"]["unit"] == "某县医疗保险中心"
    assert ctx["org"]["department"] == "某县医疗保障局"
    assert [t["level3"] for t in ctx["output_table"]["rows"]] == ["购买服务项目", "项目完成率（%）", "项目计划完成时间", "购买服务成本"]
    assert ctx["cover"]["project"] == "城乡居民购买服务经费配套项目"


def test_budget_scored_in_the_indicator_table_is_not_repeated(books):
    loaded = load(books["liulei"])
    ev, grids = loaded.evaluation, loaded.grids
    ctx = R.build_context(ev, narrative.generate(ev, "山西"), grids=grids, style="山西")
    rows = ctx["self_table"]["rows"]
    assert sum(1 for r in rows if "预算执行率" in r["level3"]) == 1
    assert rows[0]["l12_same"] and rows[0]["actual"] == "93.32%"
    assert ctx["budget_indicator_table"]["rows"][0]["actual"] == "93.32%"
    assert ctx["total_score"] == "99.33"
    assert ctx["budget_table"]["note"] == "单位：元"


# --- Markdown and HTML --------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_markdown_and_html_hold_the_same_headings_and_numbers(books, tmp_path, style):
    book = _book(books, style)
    ev = load(book).evaluation
    res = _render(book, tmp_path, style, "md")
    headings = [s.heading for s in narrative.generate(ev, style)] + ([R.context.OPEN_HEADING] if res.draft else [])
    md = res.output.read_text(encoding="utf-8")
    html = _render(book, tmp_path, style, "html").output.read_text(encoding="utf-8")
    md_heads = [re.sub(r"^#+ ", "", line) for line in md.splitlines() if re.match(r"^#{2,4} ", line)]
    if style == "陕西":
        md_heads = md_heads[1:]  # the report title under the cover
    assert md_heads == headings
    html_heads = re.findall(r"<h[234][^>]*>(.*?)</h[234]>", html)
    assert html_heads == headings
    needles = {"湖南": ("99.85", "98.5%", "808"), "四川": ("84.31", "93.1%", "39.75")}.get(style, ("84.31", "93.10%", "39.75"))
    for needle in needles:  # 四川 has no tables: its prose writes rates as people do (93.1%)
        assert needle in md and needle in html
    if any("self_table" in s.tables for s in narrative.generate(ev, style)):  # 四川's outline has no tables
        if style != "湖南":  # the department book has one 产出 row and scores 预算执行率 under 投入管理
            assert 'rowspan="4"' in html  # 产出指标 over its four rows
            assert 'colspan="2"' in html  # 预算执行 across 一级 and 二级
    assert "<style>" in html and "仿宋_GB2312" in html and "<link" not in html


# --- PDF ----------------------------------------------------------------------------------------


@pytest.mark.skipif(R.find_soffice() is None, reason="LibreOffice is not installed")
def test_pdf_one_per_style_in_one_conversion(books, tmp_path):
    docs = []
    for style in STYLES:
        loaded = load(_book(books, style))
        ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
        ctx = R.build_context(ev, R.report_sections(ev, names, grids, style), grids=grids, style=style)
        docs.append(R.render_docx(ctx, tmp_path / f"{style}.docx", form=R.official_form_of(ev, style)))
    pdfs = R.render_pdf(docs, tmp_path / "pdf")
    assert [p.name for p in pdfs] == [f"{s}.pdf" for s in STYLES]
    png_dir = tmp_path / "png"
    png_dir.mkdir()
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 1
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(png_dir / pdf.stem)], check=True, timeout=60)
    if shutil.which("pdftoppm"):
        pngs = sorted(png_dir.glob("*.png"))
        assert len(pngs) == len(STYLES)
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


@pytest.mark.skipif(R.find_soffice() is None, reason="LibreOffice is not installed")
def test_render_report_pdf_writes_the_pdf_and_names_substituted_fonts(books, tmp_path):
    res = _render(books["yanbian"], tmp_path, "四川", "pdf")
    assert res.output.suffix == ".pdf" and res.output.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".~xlperf*"))  # no work folder left behind
    if shutil.which("fc-match"):
        for line in res.warnings:
            assert re.fullmatch(r"字体“[^”]+”未安装，PDF 中将以“[^”]+”代替", line)


@pytest.mark.skipif(R.find_soffice() is None, reason="LibreOffice is not installed")
def test_a_new_libreoffice_profile_starts_without_the_graphics_self_test(books, tmp_path):
    from xlperf.report import pdf as P

    loaded = load(_book(books, "通用"))
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    ctx = R.build_context(ev, R.report_sections(ev, names, grids, "通用"), grids=grids, style="通用")
    doc = R.render_docx(ctx, tmp_path / "a.docx", form=R.official_form_of(ev, "通用"))
    profile = P.new_profile()
    try:
        run = P.convert([doc], tmp_path / "pdf", profile=profile)
        assert run.produced[0] is not None and run.returncode == 0
        user = profile / "user"
        assert "ooSetupLastVersion" in (user / "registrymodifications.xcu").read_text(encoding="utf-8")
        assert (user / "config").is_dir()  # LibreOffice still made the rest of its profile
        assert not (user / "GraphicsRenderTests.log").exists()  # the self-test (~1.5 s of CPU) did not run
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_libreoffice_runs_with_a_deeper_malloc_cache_on_linux_and_keeps_the_users_tuning(monkeypatch):
    from xlperf.report import pdf as P

    monkeypatch.setattr(P.sys, "platform", "linux")
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert P._lo_env()["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=20000"
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    assert P._lo_env()["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=20000"
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=5")
    assert P._lo_env()["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=5"
    monkeypatch.setattr(P.sys, "platform", "win32")
    monkeypatch.delenv("GLIBC_TUNABLES")
    assert "GLIBC_TUNABLES" not in P._lo_env()


def test_missing_libreoffice_is_an_environment_problem(books, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    assert R.find_soffice() is None
    with pytest.raises(EnvironmentProblem) as exc:
        R.render_pdf([tmp_path / "x.docx"], tmp_path)
    assert "LibreOffice" in exc.value.message and "--format docx" in exc.value.message
    assert exc.value.exit_code == 3
    with pytest.raises(EnvironmentProblem):
        _render(books["goumai"], tmp_path, "通用", "pdf")
    assert not list(tmp_path.glob("*.pdf"))


def test_soffice_timeout_is_an_environment_problem(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr("xlperf.report.pdf.find_soffice", lambda: str(fake))
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK")
    with pytest.raises(EnvironmentProblem, match="超时"):
        R.render_pdf([docx], tmp_path / "out", timeout=1)


def test_font_warnings_name_the_substitute(monkeypatch):
    import xlperf.report.pdf as P

    class Done:
        def __init__(self, out):
            self.stdout, self.returncode = out, 0

    answers = {"方正小标宋简体:lang=zh-cn": "Noto Serif CJK SC", "仿宋_GB2312:lang=zh-cn": "仿宋_GB2312", "黑体:lang=zh-cn": "Noto Sans CJK SC,Noto Sans CJK JP", "楷体_GB2312:lang=zh-cn": "楷体_GB2312", "Times New Roman": "Times New Roman"}
    monkeypatch.setattr(P, "_WARNINGS", None)
    monkeypatch.setattr(P.shutil, "which", lambda name, *a, **k: "/usr/bin/fc-match" if name == "fc-match" else None)
    monkeypatch.setattr(P.subprocess, "run", lambda cmd, **kw: Done(answers[cmd[-1]]))
    assert P.font_warnings() == ["字体“方正小标宋简体”未安装，PDF 中将以“Noto Serif CJK SC”代替", "字体“黑体”未安装，PDF 中将以“Noto Sans CJK SC”代替"]
    monkeypatch.setattr(P, "_WARNINGS", None)


# --- refusals, outputs, the command -------------------------------------------------------------


def test_strict_refuses_a_workbook_with_errors(books, tmp_path):
    out = tmp_path / "s.docx"
    with pytest.raises(InputError) as exc:
        R.render_report(books["liulei"], out, strict=True)
    assert "E201" in exc.value.message and "--strict" in exc.value.message
    assert not out.exists()
    res = R.render_report(books["liulei"], out)  # without --strict: written, errors reported
    assert out.exists() and [e.code for e in res.errors] == [e.code for e in res.evaluation.errors] and res.errors


def test_unusable_workbook_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a workbook")
    with pytest.raises(InputError):
        R.render_report(bad, tmp_path / "r.docx")
    empty = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "随便"
    wb.save(empty)
    with pytest.raises(InputError):
        R.render_report(empty, tmp_path / "r.docx")
    with pytest.raises(InputError):
        R.render_report(tmp_path / "missing.xlsx", tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()


def test_outputs_default_name_folder_and_bad_options(goumai, tmp_path):
    res = R.render_report(goumai)
    assert res.output == goumai.parent / "goumai-自评报告.docx" and res.format == "docx"
    sub = tmp_path / "out"
    sub.mkdir()
    assert R.render_report(goumai, sub, fmt="html").output == sub / "goumai-自评报告.html"
    assert R.render_report(goumai, tmp_path / "x.md").format == "md"
    with pytest.raises(OutputError):
        R.render_report(goumai, tmp_path / "nowhere" / "x.docx")
    with pytest.raises(InputError, match="报告格式"):
        R.render_report(goumai, fmt="rtf")
    with pytest.raises(InputError, match="报告样式"):
        R.render_report(goumai, style="广东")


def test_a_failed_render_leaves_no_partial_file(goumai, tmp_path, monkeypatch):
    out = tmp_path / "r.docx"
    out.write_bytes(b"old report")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("xlperf.report.word.WordRenderer.postprocess", boom)
    with pytest.raises(RuntimeError):
        R.render_report(goumai, out)
    assert out.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goumai.xlsx", "r.docx"]


def test_command_prints_the_output_and_exits_by_findings(books, tmp_path):
    runner = CliRunner()
    out = tmp_path / "ok.docx"
    r = runner.invoke(cli, ["report", str(books["goumai"]), "-o", str(out), "--style", "山西"])
    assert r.exit_code == 0, r.output
    assert f"已生成自评报告：{out}" in r.output and out.exists()
    bad = tmp_path / "bad.md"
    r = runner.invoke(cli, ["report", str(books["liulei"]), "-o", str(bad)])
    assert r.exit_code == 1 and bad.exists()
    assert re.search(r"^错误\s+预算执行!C\d+\s+E201\s+", r.output, re.M)
    r = runner.invoke(cli, ["report", str(books["liulei"]), "-o", str(tmp_path / "s.docx"), "--strict"])
    assert r.exit_code == 2 and "--strict" in r.output and not (tmp_path / "s.docx").exists()


def test_command_through_the_main_cli_maps_errors_to_exit_codes(books, tmp_path, monkeypatch):
    from xlperf.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["report", str(books["goumai"]), "-o", str(tmp_path / "a.html")])
    assert r.exit_code == 0 and (tmp_path / "a.html").exists()
    r = runner.invoke(cli, ["report", str(books["liulei"]), "-o", str(tmp_path / "b.docx"), "--strict"])
    assert r.exit_code == 2
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    r = runner.invoke(cli, ["report", str(books["goumai"]), "-o", str(tmp_path / "c.pdf")])
    assert r.exit_code == 3 and "LibreOffice" in r.output


def test_postprocess_ignores_tables_without_the_marker():
    xml = (
        f'<w:body xmlns:w="{W_NS}"><w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid>'
        '<w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>'
    )
    body = etree.fromstring(xml)
    postprocess(body)
    assert not list(body.iter(W + "vMerge"))
    marked = etree.fromstring(xml.replace("<w:tblPr/>", '<w:tblPr><w:tblCaption w:val="xlperf:merge=1"/></w:tblPr>'))
    postprocess(marked)
    assert [v.get(W + "val") for v in marked.iter(W + "vMerge")] == ["restart", "continue"]


def test_shipped_templates_are_current():
    """The committed .docx files are what make_templates.py builds (rebuild and commit after edits)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", R.TEMPLATE_DIR / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for style in STYLES:
        assert mod.build(style) == R.template_path(style).read_bytes(), f"report-{style}.docx is stale: run python xlperf/report/templates/make_templates.py"


def test_listing_characters_resolve_as_docxtpl_does_on_fewer_paragraphs():
    from docxtpl import DocxTemplate

    from xlperf.report import word

    data = word.template_bytes("四川")
    xml = zipfile.ZipFile(__import__("io").BytesIO(data)).read("word/document.xml").decode("utf-8")
    texts = list(re.finditer(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", xml))
    assert len(texts) > 20
    # put a line break, a tab, a new paragraph and a page break into a few of the texts
    marks = {3: "甲\n乙", 7: "丙\t丁", 11: "戊\a己", 15: "庚\f辛"}
    out, last = [], 0
    for i, m in enumerate(texts):
        out.append(xml[last : m.start(2)])
        out.append(marks.get(i, m.group(2)))
        last = m.end(2)
    out.append(xml[last:])
    sample = "".join(out)
    tpl = word.WordRenderer.shared().template(data)
    assert tpl.resolve_listing(sample) == DocxTemplate.resolve_listing(tpl, sample)
    plain = xml.replace("\n", "").replace("\t", "")
    assert tpl.resolve_listing(plain) == DocxTemplate.resolve_listing(tpl, plain)


@pytest.mark.parametrize("style", STYLES)
def test_whole_document_parse_gives_docxtpls_own_result(books, tmp_path, style):
    """The fast path (document.xml parsed at once) against docxtpl's parse-and-move path."""
    import io

    from xlperf.report import word

    loaded = load(_book(books, style))
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    context = R.build_context(ev, R.report_sections(ev, names, grids, style), grids=grids, style=style)
    data = word.template_bytes(style)
    renderer = word.WordRenderer.shared()

    form = R.official_form_of(ev, style)

    def render(tpl, fast_path: bool) -> bytes:
        tpl.render({**context, "official_form": form}, renderer.env)
        assert (tpl.root is not None) == fast_path
        word.postprocess(tpl.docx.element.body, form=form)
        buf = io.BytesIO()
        tpl.save(buf)
        with zipfile.ZipFile(buf) as z:
            return z.read("word/document.xml")

    source = tmp_path / "template.docx"
    source.write_bytes(data)  # opened from a path, with no shell: docxtpl's own path
    fast = render(renderer.template(data), True)
    plain = render(renderer.template_class(str(source), renderer=renderer), False)
    assert etree.tostring(etree.fromstring(fast), method="c14n") == etree.tostring(etree.fromstring(plain), method="c14n")


def test_table_grids_are_fixed_as_docxtpl_fixes_them():
    from docxtpl import DocxTemplate

    from xlperf.report import word

    def tbl(grid: list[int], rows: list[list[int]]) -> str:
        cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
        trs = "".join(
            "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:gridSpan w:val="{s}"/></w:tcPr></w:tc>' if s > 1 else "<w:tc/>" for s in r) + "</w:tr>"
            for r in rows
        )
        return f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{trs}</w:tbl>"

    body = (
        f'<w:body xmlns:w="{W_NS}">'
        + tbl([3000, 3000], [[1, 1, 1, 1], [1, 1]])  # rows wider than the grid: columns added
        + tbl([2000, 2000, 2000, 2000], [[1, 1], [2]])  # narrower: columns removed
        + tbl([1000, 2000, 3000], [[1, 2], [1, 1, 1]])  # spans that fit
        + "</w:body>"
    )
    expected = DocxTemplate.fix_tables(None, body)
    ours = etree.fromstring(body)
    word.fix_table_grids(ours)
    assert etree.tostring(ours, method="c14n") == etree.tostring(expected, method="c14n")


def test_rows_never_split_headers_repeat_and_headings_keep_with_the_next_paragraph(books, tmp_path):
    res = _render(books["goumai"], tmp_path, "山西")
    body = _xml(res.output, "word/document.xml")
    for tbl in body.iter(W + "tbl"):
        rows = tbl.findall(W + "tr")
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
        borders = tbl.find(f"{W}tblPr/{W}tblBorders/{W}top")
        is_form = _cell_text(rows[0].find(W + "tc")) == "项目名称"  # its header block is not repeated
        if not is_form and borders is not None and borders.get(W + "val") == "single":  # not the cover's label table
            assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    styles = _xml(res.output, "word/styles.xml")
    keep = {s.get(W + "styleId") for s in styles.iter(W + "style") if s.find(f"{W}pPr/{W}keepNext") is not None}
    assert {"Heading1", "Heading2", "Heading3", "Annex", "TableTitle", "TableCaption", "TableNote", "FormYear"} <= keep


def test_no_blank_page_after_the_landscape_form(books, tmp_path):
    """陕西: the form's section ends with its signature; the next page starts the report, no empty page between."""
    res = _render(books["goumai"], tmp_path, "陕西")
    body = _xml(res.output, "word/document.xml").find(W + "body")
    sect_p = next(p for p in body.iter(W + "p") if p.find(f"{W}pPr/{W}sectPr") is not None and
                  p.find(f"{W}pPr/{W}sectPr/{W}pgSz").get(W + "orient") == "landscape")
    after = sect_p.getnext()
    assert "".join(t.text or "" for t in after.iter(W + "t")).strip()  # the title, not an empty paragraph
    brk = after.find(f"{W}pPr/{W}pageBreakBefore")
    assert brk is not None and brk.get(W + "val") == "0"


@pytest.mark.parametrize("own", [None, *layout.REPORT_STYLES])
def test_context_style_is_the_one_given_else_the_workbooks_never_read_from_the_sections(books, own):
    """build_context is told its style (or takes Evaluation.style); the outline's section keys do
    not decide it. A workbook naming an outline of the other evaluation type gets 通用, as the
    narrative does."""
    import dataclasses

    from xlperf.core.enums import EvaluationType, Style

    ev = load(books["goumai"]).evaluation
    ev = dataclasses.replace(ev, style=Style.of(own))
    sections = narrative.generate(ev, "四川")  # written in another outline than the workbook names
    assert R.build_context(ev, sections, style="陕西")["style"] == "陕西"
    expected = own if own and layout.STYLE_TYPES.get(own, "项目支出") == "项目支出" else "通用"
    assert ev.evaluation_type == EvaluationType.PROJECT
    assert R.build_context(ev, sections)["style"] == expected


def test_the_context_carries_no_form_object(books):
    from xlperf.report.official import Form

    loaded = load(books["goumai"])
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    ctx = R.build_context(ev, R.report_sections(ev, names, grids, None), grids=grids)

    def walk(v):
        yield v
        if isinstance(v, dict):
            for x in v.values():
                yield from walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                yield from walk(x)

    assert not any(isinstance(v, Form) for v in walk(ctx))
    assert isinstance(R.official_form_of(ev, ctx["style"]), Form)


def test_an_empty_optional_sheet_is_asked_to_be_filled_and_a_missing_one_to_be_added():
    from xlperf.report.context import payments_table, team_table

    missing = payments_table({}, "万元")["rows"][0]["date"]
    empty = payments_table({"支付明细": [["支付日期", "资金性质", "用途", "支付金额"]]}, "万元")["rows"][0]["date"]
    assert missing.startswith("【请新增“支付明细”工作表") and "支付日期、资金性质、用途、支付金额" in missing
    assert empty == "【请在“支付明细”工作表中填写】"
    assert team_table({}, {})["rows"][0]["name"].startswith("【请新增“自评小组”工作表")
    assert team_table({"自评小组": [["姓名", "职务", "单位"]]}, {})["rows"][0]["name"] == "【请在“自评小组”工作表中填写】"
