"""部门整体支出: scoring through the same reader, the 基础数据 sheet, the combined 湖南 report."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from xlperf import department as D
from xlperf.api import check_file
from xlperf.workbook.load import load
from xlperf.core.errors import InputError
from xlperf.workbook.template import build_template, fill_workbook

KEYS = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "偏差原因分析及改进措施")
DEPT_ROWS = [
    ("投入管理指标", "预算配置", "在职人员控制率", 10, "≤100%", "96%"),
    ("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%", "部分政府采购合同尾款次年支付"),
    ("过程指标", "资金管理", "资金使用合规性", 10, "合规", "合规"),
    ("过程指标", "组织实施", "管理制度健全性", 10, "健全", "健全"),
    ("产出指标", "数量指标", "完成年度重点工作数", 15, "≥12项", "12项"),
    ("产出指标", "质量指标", "重点工作完成质量", 15, "≥95%", "97%"),
    ("效益指标", "社会效益", "群众满意度", 20, "≥90%", "93%"),
    ("效益指标", "可持续影响", "长效管理机制", 10, "健全", "健全"),
]
BASIC = [
    ["项目", 2024, "2025年"],
    ["编制数", 50, 50],
    ["实有人数", 48, 47],
    ["三公经费（万元）", 12.5, 10.2],
    [None, None, None],
    ["其中：公务接待费", 1.25, 0.8],
]
PROJECTS = {
    "医保补助.xlsx": ("城乡居民医保补助项目", "补助参保人数"),
    "购买服务.xlsx": ("医保经办购买服务项目", "购买服务项目数"),
}


def _dept_workbook(path: Path, *, basic=True) -> Path:
    build_template(path, evaluation_type="部门整体支出", style="湖南")
    fill_workbook(
        path,
        info={"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025, "报告样式": "湖南"},
        budget={"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}},
        indicators=[dict(zip(KEYS, r)) for r in DEPT_ROWS],
    )
    wb = openpyxl.load_workbook(path)
    del wb["基础数据"]  # a unit's own layout (years as columns) instead of the template's
    if basic:
        ws = wb.create_sheet("基础数据")
        for row in BASIC:
            ws.append(row)
    wb.save(path)
    return path


def _project_workbook(path: Path, name: str, indicator: str) -> Path:
    build_template(path)
    rows = [
        ("产出指标", "数量指标", indicator, 25, "≥100", "102"),
        ("产出指标", "时效指标", "资金拨付时间", 25, "2025年", "2025"),
        ("效益指标", "社会效益指标", "群众负担减轻", 30, "明显", "明显"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "≥95%", "96%"),
    ]
    fill_workbook(
        path,
        info={"项目名称": name, "主管部门": "县医疗保障局", "实施单位": "县医疗保障事务中心", "评价年度": 2025},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 40, "分值": 10}},
        indicators=[dict(zip(KEYS, r)) for r in rows],
    )
    return path


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dept")
    _dept_workbook(root / "部门整体.xlsx")
    projects = root / "项目"
    projects.mkdir()
    for file, (name, indicator) in PROJECTS.items():
        _project_workbook(projects / file, name, indicator)
    return root


@pytest.fixture
def work(master, tmp_path) -> Path:
    dst = tmp_path / "w"
    shutil.copytree(master, dst)
    return dst


def test_read_basic_data_keeps_years_and_formats_numbers():
    rows = D.read_basic_data(BASIC)
    assert rows[0] == ["项目", "2024年", "2025年"]
    assert rows[1] == ["编制数", "50", "50"]
    assert rows[3] == ["三公经费（万元）", "12.5", "10.2"]
    assert rows[4] == ["其中：公务接待费", "1.25", "0.8"]  # the blank row is gone
    assert len(rows) == 5


def test_read_basic_data_trims_a_table_that_starts_in_b_and_trailing_blanks():
    grid = [[None, None, None, None], [None, "项目", "2025年", None], [None, "编制数", 50, None]]
    assert D.read_basic_data(grid) == [["项目", "2025年"], ["编制数", "50"]]
    assert D.read_basic_data([]) == []
    assert D.basic_data_sheet(["说明", "基础数据表"]) == "基础数据表"
    assert D.basic_data_sheet(["说明", "绩效指标"]) is None


def test_department_workbook_scores_with_the_same_reader(work):
    ev = check_file(work / "部门整体.xlsx")
    assert D.is_department(ev)
    assert ev.total_weight == 100
    names = [s.name for s in ev.level1]
    for level1 in ("投入管理指标", "过程指标", "产出指标", "效益指标"):
        assert level1 in names
    assert not ev.errors, [f.message for f in ev.errors]
    assert ev.total_score == pytest.approx(99.85) and ev.grade == "优"


def test_department_context_adds_basic_data_and_one_entry_per_project(work):
    loaded = load(work / "部门整体.xlsx")
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    ctx = D.department_context(ev, grids, sorted((work / "项目").glob("*.xlsx")))
    assert ctx["basic_data"][0] == ["项目", "2024年", "2025年"]
    assert ctx["basic_data_header"] == ctx["basic_data"][0] and ctx["basic_data_rows"] == ctx["basic_data"][1:]
    projects = ctx["projects"]
    assert [p["name"] for p in projects] == sorted(name for name, _ in PROJECTS.values())
    for p in projects:
        assert p["total_score"] == 100 and p["grade"] == "优" and p["total_score_text"] == "100.00"
        assert p["self_table"]  # whatever the report template renders as a 自评表
    assert ctx["project_problems"] == []


def _docx_text(path: Path) -> tuple[str, list[str]]:
    import docx

    doc = docx.Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = []
    for table in doc.tables:
        for row in table.rows:
            for c in row.cells:
                cells.append(c.text)
    # nested tables and sub-documents: walk the XML as well
    xml_text = "".join(t.text or "" for t in doc.element.body.iter() if t.tag.endswith("}t"))
    return body + "\n" + xml_text, cells


def test_department_report_combines_basic_data_self_table_and_each_project(work, tmp_path):
    out = tmp_path / "部门报告.docx"
    result = D.department_report(work / "部门整体.xlsx", work / "项目", out, "docx")
    assert result.out == out and out.is_file()
    assert result.grade == "优" and len(result.projects) == 2 and result.problems == []
    text, cells = _docx_text(out)
    # the 湖南 outline
    assert "一、部门概况" in text and "八、评价等级" in text
    # 附件: 基础数据表
    assert "编制数" in cells and "实有人数" in cells and "2024年" in cells and "12.5" in cells
    # the department's own 自评表
    assert any("在职人员控制率" in c for c in cells) and any("管理制度健全性" in c for c in cells)
    # one 项目自评表 per project, with its own indicators
    for name, indicator in PROJECTS.values():
        assert name in text
        assert any(indicator in c for c in cells), indicator
    assert not list(tmp_path.glob(".xlperf-tmp-*"))


def test_department_report_lists_unusable_project_workbooks_and_goes_on(work, tmp_path):
    (work / "项目" / "坏.xlsx").write_text("不是工作簿", encoding="utf-8")
    (work / "项目" / "~$医保补助.xlsx").write_bytes(b"\0")
    shutil.copyfile(work / "部门整体.xlsx", work / "项目" / "另一个部门.xlsx")
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.docx", "docx")
    assert len(result.projects) == 2
    assert any("坏.xlsx" in p and "无法读取" in p for p in result.problems)
    assert any("另一个部门.xlsx" in p and "部门整体支出" in p for p in result.problems)
    assert not any("~$" in p for p in result.problems)


def test_department_report_accepts_an_output_folder_and_markdown(work, tmp_path):
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path, "md")
    assert result.out == tmp_path / "部门整体-自评报告.md"
    text = result.out.read_text(encoding="utf-8")
    assert "部门概况" in text


def test_projects_folder_may_hold_the_department_workbook_itself(work, tmp_path):
    shutil.move(str(work / "部门整体.xlsx"), work / "项目" / "部门整体.xlsx")
    result = D.department_report(work / "项目" / "部门整体.xlsx", work / "项目", tmp_path / "r.docx", "docx")
    assert len(result.projects) == 2 and result.problems == []


def test_project_workbook_is_refused_as_a_department(work, tmp_path):
    with pytest.raises(InputError, match="部门整体支出"):
        D.department_report(work / "项目" / "医保补助.xlsx", work / "项目", tmp_path / "r.docx", "docx")
    with pytest.raises(InputError, match="文件夹不存在"):
        D.department_report(work / "部门整体.xlsx", work / "没有", tmp_path / "r.docx", "docx")


def test_default_output_format_from_suffix_and_strict(work, tmp_path):
    result = D.department_report(work / "部门整体.xlsx", work / "项目")
    assert result.out == work / "部门整体-自评报告.docx" and result.out.is_file() and result.ok
    html = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.html")
    assert "城乡居民医保补助项目" in html.out.read_text(encoding="utf-8")
    # a department workbook with an 错误 finding: reported, or refused with strict
    wb = openpyxl.load_workbook(work / "部门整体.xlsx")
    ws = wb["绩效指标"]
    for row in ws.iter_rows(min_row=8):
        if row[2].value == "在职人员控制率":
            row[4].value = 15  # weights now total 105
    wb.save(work / "部门整体.xlsx")
    assert D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "e.docx").errors
    with pytest.raises(InputError, match="strict"):
        D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "s.docx", strict=True)


def test_a_style_without_a_projects_annex_says_so(work, tmp_path):
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.docx", style="通用")
    assert any("没有项目自评表附件" in p for p in result.problems)
    empty = work / "空"
    empty.mkdir()
    result = D.department_report(work / "部门整体.xlsx", empty, tmp_path / "r2.docx")
    assert any("没有项目自评表" in p for p in result.problems) and result.projects == []


@pytest.mark.skipif(__import__("xlperf.report", fromlist=["find_soffice"]).find_soffice() is None, reason="LibreOffice not installed")
def test_department_report_as_pdf(work, tmp_path):
    out = tmp_path / "输出"
    out.mkdir()
    result = D.department_report(work / "部门整体.xlsx", work / "项目", out / "部门.pdf")
    assert result.out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.iterdir()) == ["部门.pdf"]  # no temporary files left


def test_report_command_with_projects_makes_the_department_report(work, tmp_path):
    from click.testing import CliRunner

    from xlperf.cli import cli

    (work / "项目" / "坏.xlsx").write_text("不是工作簿", encoding="utf-8")
    out = tmp_path / "部门报告.md"
    r = CliRunner().invoke(cli, ["report", str(work / "部门整体.xlsx"), "--projects", str(work / "项目"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "已生成部门整体支出自评报告" in r.output and "2 份" in r.output
    assert "提示：" in r.output and "坏.xlsx" in r.output
    text = out.read_text(encoding="utf-8")
    assert "一、部门概况" in text and "城乡居民医保补助项目" in text and "医保经办购买服务项目" in text

    missing = CliRunner().invoke(cli, ["report", str(work / "部门整体.xlsx"), "--projects", str(work / "没有"), "-o", str(out)])
    assert missing.exit_code == 2 and "文件夹不存在" in missing.output and "Traceback" not in missing.output
    project = CliRunner().invoke(cli, ["report", str(work / "项目" / "医保补助.xlsx"), "--projects", str(work / "项目")])
    assert project.exit_code == 2 and "部门整体支出" in project.output


def test_department_report_never_replaces_the_workbook_itself(work):
    from xlperf.core.errors import InputError

    dept = work / "部门整体.xlsx"
    before = dept.read_bytes()
    with pytest.raises(InputError, match="扩展名 .xlsx"):
        D.department_report(dept, work / "项目", dept, "docx")
    assert dept.read_bytes() == before


# --- the 基础数据 sheet of the template and the department report at depth -------------------------

FULL_BASIC = {
    "编制数": {"上年数": 50, "本年实际数": 50},
    "实有人数": {"上年数": 48, "本年实际数": 47},
    "收入合计": {"本年实际数": 820},
    "财政拨款收入": {"本年实际数": 800},
    "其他收入": {"本年实际数": 20},
    "支出合计": {"上年数": 760, "本年预算数": 820, "本年实际数": 808},
    "基本支出": {"本年预算数": 520, "本年实际数": 515.2},
    "人员经费": {"本年实际数": 430.5},
    "公用经费": {"本年实际数": 84.7},
    "项目支出": {"本年预算数": 300, "本年实际数": 292.8},
    "三公经费合计": {"上年数": 12.5, "本年预算数": 12, "本年实际数": 10.2},
    "因公出国（境）费": {"本年实际数": 0},
    "公务用车购置及运行维护费": {"本年实际数": 9.4},
    "公务接待费": {"上年数": 1.25, "本年实际数": 0.8},
}


def _template_dept(path: Path) -> Path:
    build_template(path, evaluation_type="部门整体支出", style="湖南")
    fill_workbook(
        path,
        info={"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025,
              "主管部门职能": "贯彻执行医疗保障的法律、法规、规章。", "联系人": "张小明", "联系电话": "13812345678"},
        budget={"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}},
        indicators=[dict(zip(KEYS, r)) for r in DEPT_ROWS],
        basic=FULL_BASIC,
    )
    return path


def test_new_department_workbook_has_the_basic_data_sheet_the_report_reads(tmp_path):
    from xlperf.core import layout
    from xlperf.core.basicdata import parse_basic_data

    path = _template_dept(tmp_path / "部门.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.index("基础数据") == wb.sheetnames.index("绩效指标") + 1
    ws = wb["基础数据"]
    assert [c.value for c in ws[1]] == list(layout.BASIC_DATA_HEADERS)
    labels = [ws.cell(r, 1).value for r in range(2, 2 + len(layout.BASIC_DATA_ROWS))]
    for needed in ("编制数", "实有人数", "收入合计", "其中：基本支出", "其中：项目支出", "三公经费合计", "其中：公务接待费", "支出合计（整体支出规模）"):
        assert needed in labels
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    data = parse_basic_data(grid)
    assert data.value("staff_actual") == 47 and data.value("staff_actual", "prior") == 48
    assert data.value("spend_basic", "budget") == 520 and data.value("sangong_total") == 10.2
    assert "基础数据" not in openpyxl.load_workbook(_project_workbook(tmp_path / "p.xlsx", "某项目", "人数")).sheetnames


def test_a_units_own_basic_data_layout_with_years_as_columns_is_read_too():
    from xlperf.core.basicdata import parse_basic_data

    data = parse_basic_data(BASIC)
    assert data.value("staff_quota") == 50 and data.value("staff_actual", "prior") == 48
    assert data.value("sangong_total") == 10.2 and data.get("sangong_total").unit == "万元"
    assert data.value("sangong_reception") == 0.8


def test_department_report_has_the_depth_of_a_real_one(work, tmp_path):
    dept = _template_dept(work / "部门整体.xlsx")
    result = D.department_report(dept, work / "项目", tmp_path / "r.md")
    md = result.out.read_text(encoding="utf-8")
    assert "### （一）部门职能\n\n贯彻执行医疗保障的法律、法规、规章。" in md
    assert "核定编制50人，年末实有人数47人，空编3人，实有人数比上年减少1人（下降2.08%）。" in md
    assert "部门收入合计820万元，其中财政拨款收入800万元（占97.56%）、其他收入20万元（占2.44%）。" in md
    assert "部门整体支出规模808万元，比上年增加48万元（增长6.32%），为预算数820万元的98.54%。" in md
    assert "基本支出515.2万元，占支出合计的63.76%，其中人员经费430.5万元、公用经费84.7万元" in md
    assert "项目支出292.8万元，占支出合计的36.24%" in md
    assert "“三公”经费支出10.2万元，比上年减少2.3万元（下降18.4%），控制在预算数12万元以内。" in md
    # the per-project summary: project, budget, spent, score, grade
    assert "| 序号 | 项目名称 | 全年预算数（万元） | 全年执行数（万元） | 执行率 | 自评得分 | 等级 |" in md
    assert "| 2 | 城乡居民医保补助项目 | 40 | 40 | 100.00% | 100 | 优 |" in md
    assert "本年度对2个项目开展了绩效自评，其中优2个。" in md  # counts of grades in the national form
    heads = [ln[3:] for ln in md.splitlines() if ln.startswith("## 附件")]
    # each project's form is an annex of its own, numbered as the 浏阳 reference numbers them
    assert heads == ["附件1：部门整体支出绩效评价基础数据表", "附件2：部门整体支出绩效自评表", "附件3-1", "附件3-2"]
    assert "| 其中：公务接待费 | 万元 | 1.25 |  | 0.8 |  |" in md


def test_department_report_without_basic_data_asks_for_it_and_is_a_draft(work, tmp_path):
    _dept_workbook(work / "无基础数据.xlsx", basic=False)
    result = D.department_report(work / "无基础数据.xlsx", work / "项目", tmp_path / "r.md")
    md = result.out.read_text(encoding="utf-8")
    assert "【请在“基础数据”工作表中填写编制数和实有人数】" in md
    assert result.open_items and md.splitlines()[0].endswith("（草稿）")


def test_a_style_for_another_evaluation_type_is_refused_or_warned(work, tmp_path):
    from click.testing import CliRunner

    from xlperf.cli import cli
    from xlperf.report.job import render_report

    project = work / "项目" / "购买服务.xlsx"
    with pytest.raises(InputError, match="湖南.*部门整体支出的提纲"):
        render_report(project, tmp_path / "r.md", style="湖南")
    res = CliRunner().invoke(cli, ["report", str(project), "--style", "湖南", "-o", str(tmp_path / "c.md")])
    assert res.exit_code == 2 and "部门整体支出的提纲" in res.output and not (tmp_path / "c.md").exists()
    with pytest.raises(InputError, match="四川"):
        D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "d.md", style="四川")
    # the workbook's own 报告样式 says 湖南 on a project: warned, written in 通用
    wb = openpyxl.load_workbook(project)
    ws = wb["项目信息"]
    next(r for r in ws.iter_rows() if r[0].value == "报告样式")[1].value = "湖南"
    wb.save(project)
    result = render_report(project, tmp_path / "w.md")
    assert result.style == "通用" and any("湖南" in w for w in result.warnings)


def test_public_copy_masks_phone_and_contact_and_lists_them_only_on_the_terminal(work, tmp_path):
    from click.testing import CliRunner

    from xlperf.cli import cli

    dept = _template_dept(work / "部门整体.xlsx")
    wb = openpyxl.load_workbook(dept)
    ws = wb["项目信息"]
    row = next(r for r in ws.iter_rows() if r[0].value == "项目概况")
    row[1].value = "经办人李红（身份证号 510411198001011234，电话 0812-3456789）负责资金申报。"
    ws.append(["经办人", "李红"])
    wb.save(dept)
    out = tmp_path / "公示.md"
    res = CliRunner().invoke(cli, ["report", str(dept), "--public", "-o", str(out)])
    assert res.exit_code == 0, res.output
    md = out.read_text(encoding="utf-8")
    for secret in ("13812345678", "510411198001011234", "0812-3456789", "李红", "张小明"):
        assert secret not in md and secret in res.output
    assert "510411********1234" in md and "李*" in md
    plain = CliRunner().invoke(cli, ["report", str(dept), "-o", str(tmp_path / "内部.md")])
    assert "0812-3456789" in (tmp_path / "内部.md").read_text(encoding="utf-8") and "公示版" not in plain.output


# --- what is wrong inside the project workbooks reaches the 待完善事项 --------------------------------


def _break_project(path: Path, *, weight: int | None = 40, actual: bool = False) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    if weight is not None:
        ws["E8"] = weight  # the weights no longer add up to 100
    if actual:
        ws["G9"] = None  # an actual left empty: that row and the total are 待定
    wb.save(path)
    return path


def test_errors_inside_a_project_workbook_are_open_items_of_the_department_report(work, tmp_path):
    _break_project(work / "项目" / "医保补助.xlsx", actual=True)
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.md")
    md = result.out.read_text(encoding="utf-8")
    items = [x for x in result.open_items if "医保补助.xlsx" in x]
    assert len(items) == 1, result.open_items
    item = items[0]
    assert "城乡居民医保补助项目" in item and "有2个错误" in item and "得分待定" in item
    assert "绩效指标!E7" in item and "绩效指标!G9" in item  # where to look, as the reviewer needs
    assert not any("购买服务.xlsx" in x for x in result.open_items)  # a sound project is not named
    assert md.splitlines()[0].endswith("（草稿）")
    open_part = md.split("待完善事项", 1)[1]
    assert "医保补助.xlsx" in open_part and "有2个错误" in open_part
    numbers = [ln.split(".", 1)[0] for ln in open_part.splitlines() if ln[:1].isdigit()]
    assert numbers == [str(i) for i in range(1, len(result.open_items) + 1)]


def test_a_project_with_a_pending_total_alone_is_named_and_makes_a_final_report_a_draft(work, tmp_path):
    dept = _template_dept(work / "部门整体.xlsx")
    wb = openpyxl.load_workbook(dept)
    ws = wb["项目信息"]
    for label, text in (("年度总体目标", "完成年度重点工作。"), ("存在问题", "无"), ("改进措施", "继续加强管理。"), ("结果应用和公开情况", "在门户网站公开。")):
        row = next((r for r in ws.iter_rows() if r[0].value == label), None)
        if row is not None:
            row[1].value = text
    wb.save(dept)
    clean = D.department_report(dept, work / "项目", tmp_path / "a.md")
    _break_project(work / "项目" / "购买服务.xlsx", weight=None, actual=True)
    broken = D.department_report(dept, work / "项目", tmp_path / "b.md")
    added = [x for x in broken.open_items if x not in clean.open_items]
    assert len(added) == 1 and "购买服务.xlsx" in added[0] and "得分待定" in added[0] and "绩效指标!G9" in added[0]
    md = broken.out.read_text(encoding="utf-8")
    assert "（草稿）" in md.splitlines()[0] and added[0] in md


def test_a_department_report_in_any_style_calls_its_own_table_a_department_table(work, tmp_path):
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "g.md", style="通用")
    md = result.out.read_text(encoding="utf-8")
    heads = [ln for ln in md.splitlines() if ln.startswith("#") and "自评表" in ln]
    assert heads and all("部门整体支出绩效自评表" in h for h in heads), heads
    assert "附件：项目支出绩效自评表" not in md


# --- 附件2: the department's own 自评表 shows its 整体支出规模 -------------------------------------------


def _annex(md: str, head: str) -> str:
    part = md.split(f"## {head}", 1)[1]
    return part.split("\n## ", 1)[0]


def _cells_once(form) -> None:
    seen: set[tuple[int, int]] = set()
    for c in form.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                assert (r, k) not in seen and 0 <= r < form.nrows and 0 <= k < form.ncols, (r, k, c.text)
                seen.add((r, k))


def test_annex_2_names_the_department_and_shows_basic_and_project_spending(work, tmp_path):
    dept = _template_dept(work / "部门整体.xlsx")
    result = D.department_report(dept, work / "项目", tmp_path / "r.md")
    annex = _annex(result.out.read_text(encoding="utf-8"), "附件2")
    assert "项目支出名称" not in annex and "| 部门（单位）名称 | 县医疗保障局2025年度部门整体支出 |" in annex
    rows = {ln.split("|")[2].strip(): [x.strip() for x in ln.split("|")[3:-1]] for ln in annex.splitlines() if ln.startswith("|  |")}
    basic = next(v for k, v in rows.items() if k.endswith("（1）基本支出"))
    project = next(v for k, v in rows.items() if k.endswith("（2）项目支出"))
    # 年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 · 得分, from the 基础数据 sheet
    assert basic[2:7] == ["520", "515.2", "—", "99.08%", "—"], basic
    assert project[2:7] == ["300", "292.8", "—", "97.60%", "—"], project
    fiscal = next(v for k, v in rows.items() if k.endswith("（1）财政拨款"))
    assert fiscal[3] == "800"  # 财政拨款收入 of the 基础数据 sheet: the sheet's 财政拨款 line is empty
    assert "整体支出规模（万元）" in annex and "在职人员控制率" in annex


def test_a_department_budget_scored_on_its_sheet_keeps_its_points_on_the_total_line(work, tmp_path):
    from xlperf.report.context import official_form_of
    from xlperf.report.job import report_context

    dept = work / "部门整体.xlsx"
    build_template(dept, evaluation_type="部门整体支出", style="湖南")
    rows = [r for r in DEPT_ROWS if r[2] != "预算执行率"]  # the budget is scored on the 预算执行 sheet instead
    fill_workbook(
        dept,
        info={"项目名称": "县医疗保障局", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025},
        budget={"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": 10},
                "财政拨款": {"全年预算数": 800, "全年执行数": 790}},
        indicators=[dict(zip(KEYS, r)) for r in rows],
        basic=FULL_BASIC,
    )
    book = load(dept)
    ev = book.evaluation
    assert ev.budget.present and not ev.budget.scored_in_indicators and ev.budget.weight == 10
    context, _sections = report_context(book, "湖南")
    form = official_form_of(ev, "湖南", context["department_spending"])
    _cells_once(form)
    grid = form.grid()
    total = next(r for r in grid if r[1] == "年度资金总额")
    assert total[6:9] == [V_num(ev.budget.weight), V_rate(ev.budget.execution_rate), V_num(ev.budget.score)]
    fiscal = next(r for r in grid if r[1].endswith("（1）财政拨款"))
    assert fiscal[4:6] == ["800", "790"] and fiscal[7] == "98.75%"
    assert grid[form.header_row][1] == "一级指标" and grid[0][0] == "部门（单位）名称"
    assert official_form_of(ev, "湖南").grid()[0][0] == "项目支出名称"  # no spending given: the form as it was


def V_num(x):
    from xlperf.core import values as V

    return V.format_number(x, 2)


def V_rate(x):
    from xlperf.core import values as V

    return V.format_rate(x)


# --- 附件3: the reason column has room ------------------------------------------------------------------


def test_project_forms_keep_room_for_the_reason_column_even_when_it_is_empty(work, tmp_path):
    import re

    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.html")
    html = result.out.read_text(encoding="utf-8")
    annex = html.split("附件3-1", 1)[1]
    forms = re.findall(r'<table class="form"><colgroup>(.*?)</colgroup><tbody>(.*?)</tbody>', annex, re.S)
    assert len(forms) == len(PROJECTS)
    for cols, body in forms:
        shares = [float(x) for x in re.findall(r"width:([\d.]+)%", cols)]
        assert len(shares) == 9 and abs(sum(shares) - 100) < 1
        assert "偏差原因分析及改进措施" in body
        assert shares[-1] >= 10, shares  # the reason column: the header's words, never two characters


def test_self_table_widths_follow_the_content_with_a_floor():
    from xlperf.report.context import SELF_KEYS, SELF_MIN_WIDTHS, column_widths
    from xlperf.report.official import MAX_WIDTH

    rows = [{"level3": "服务对象满意度", "reason": ""}, {"level3": "短", "reason": "因" * 40, "completion": "100.00%"}]
    widths = column_widths(SELF_KEYS, rows)
    by = dict(zip(SELF_KEYS, widths))
    assert by["reason"] == MAX_WIDTH and by["level3"] == max(SELF_MIN_WIDTHS["level3"], 7 * 2 + 2)
    assert all(w >= SELF_MIN_WIDTHS[k] for k, w in by.items())
    assert column_widths(SELF_KEYS, [])[-1] == SELF_MIN_WIDTHS["reason"]  # an empty column keeps its room


# --- 附件3-n: each project's own official form ----------------------------------------------------------


def test_each_project_form_is_its_own_annex_in_word_with_its_own_figures(work, tmp_path):
    import zipfile

    from lxml import etree

    _break_project(work / "项目" / "购买服务.xlsx", weight=None, actual=True)  # one project 待定
    result = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.docx")
    body = etree.fromstring(zipfile.ZipFile(result.out).read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    text = lambda el: "".join(t.text or "" for t in el.iter(w + "t"))  # noqa: E731
    paras = [text(p) for p in body.iter(w + "p") if p.getparent().tag == w + "body"]
    assert [p for p in paras if p.startswith("附件3")] == ["附件3-1", "附件3-2"]
    assert not [p for p in paras if p.strip().isdigit()]  # the numbered anchors are all replaced
    forms = [t for t in body.iter(w + "tbl") if text(t).startswith("项目支出名称")]
    assert len(forms) == len(result.projects) == 2
    for entry, tbl in zip(result.projects, forms):
        assert text(tbl).startswith("项目支出名称" + entry.name)
        # the indicator block follows the project block, and ends with this project's own total
        indicators = tbl.getnext().getnext()
        assert indicators.tag == w + "tbl"
        last = text(indicators.findall(w + "tr")[-2])
        assert last.startswith("总分") and entry.evaluation.total_text in last
    pending = next(e for e in result.projects if e.total_score is None)
    assert pending.evaluation.total_text.startswith("待定")
    # each form on landscape pages of its own: a section break after each signature line
    orients = [s.find(w + "pgSz").get(w + "orient") for s in body.iter(w + "sectPr")]
    assert orients.count("landscape") == 3  # 附件2 and the two projects


def test_the_public_copy_masks_the_project_forms_too(work, tmp_path):
    wb = openpyxl.load_workbook(work / "项目" / "医保补助.xlsx")
    ws = wb["绩效指标"]
    ws["G8"] = "90"  # a shortfall, with a reason naming a phone number
    ws["L8"] = "已电话13812345678核实，下年度补足"
    wb.save(work / "项目" / "医保补助.xlsx")
    def form_of(md: str) -> str:
        return next(a for a in md.split("## 附件3-")[1:] if "| 城乡居民医保补助项目 |" in a.split("\n## ")[0]).split("\n## ")[0]

    plain = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "r.md")
    assert "13812345678" in form_of(plain.out.read_text(encoding="utf-8"))
    public = D.department_report(work / "部门整体.xlsx", work / "项目", tmp_path / "p.md", public=True)
    md = public.out.read_text(encoding="utf-8")
    assert "13812345678" not in md and "138****5678" in form_of(md)
