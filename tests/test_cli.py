"""The CLI end to end on real files: new, calc, check; the 临汾 references typed into fresh workbooks."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from xlperf.core import layout
from xlperf.cli import cli
from xlperf.workbook.template import build_template, fill_workbook

README = Path(__file__).resolve().parent.parent / "README.md"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# The two 临汾 tables of ../shared/reference, typed the way a finance officer would.
LIULEI = [
    ["预算执行指标", "预算执行指标", "预算执行率", None, 10, "100%", "93.32%", None, "资金按实际参保人数拨付"],
    ["产出指标", "数量指标", "补助人数（人）", None, 10, "3626", "3626人", None, None],
    [None, "质量指标", "医疗保险应保尽保率", None, 20, "100", "100%", None, None],
    [None, "时效指标", "补助时间（年）", None, 10, "2021", "2021年", None, None],
    [None, "成本指标", "人均补助标准（元/年）", None, 10, "280", "280元", None, None],
    ["效益指标", "社会效益", "解决我县六类特殊人群看病难，看病贵的问题，促进我县经济发展，维护社会和谐稳定。", None, 15, "持续", "100%", None, None],
    [None, "可持续影响指标", "推动我县医保事业发展", None, 15, "长期", "100%", None, None],
    ["满意度指标", "服务对象满意度指标", "社会满意度", None, 10, "95", "95%", None, None],
]
GOUMAI = [
    ["产出指标", "数量指标", "购买服务项目", None, 10, "3", "3个", None, None],
    [None, "质量指标", "项目完成率（%）", None, 10, "98", "98%", None, None],
    [None, "时效指标", "项目计划完成时间", None, 10, "2021", "2021年", None, None],
    [None, "成本指标", "购买服务成本", None, 20, "40", "39.75万元", None, "实际合同价格为39.75万元"],
    ["效益指标", "社会效益", "机构服务能力", None, 15, "提升", "98%", 0, "服务人员流动性大，没有规范统一专业培训"],
    [None, "可持续影响指标", "跟踪管理机制", None, 15, "健全", "100%", None, None],
    ["满意度指标", "服务对象满意度指标", "社会满意度", None, 10, "95", "95%", None, None],
]
KEYS = ["一级指标", "二级指标", "三级指标", "指标方向", "分值", "年度指标值", "实际完成值", "人工得分", "偏差原因分析及改进措施"]


def typed(rows):
    return [{k: v for k, v in zip(KEYS, r) if v is not None} for r in rows]


@pytest.fixture
def liulei(tmp_path):
    p = tmp_path / "2021六类人群自评.xlsx"
    build_template(p, style="山西")
    fill_workbook(
        p,
        info={"项目名称": "财政对六类特殊人群个人缴费补助项目", "评价年度": 2021, "报告样式": "山西", "金额单位": "元"},
        budget={"年度资金总额": {"年初预算数": 0, "全年预算数": 0, "实际到位数": 0, "全年执行数": 569240, "分值": None}},
        indicators=typed(LIULEI),
    )
    return p


@pytest.fixture
def goumai(tmp_path):
    p = tmp_path / "2021购买服务自评.xlsx"
    build_template(p, style="山西")
    fill_workbook(
        p,
        info={"项目名称": "城乡居民购买服务经费配套项目", "评价年度": 2021, "报告样式": "山西", "金额单位": "万元"},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 37.24, "偏差原因分析及改进措施": "预算为40万元，实际合同价格为39.75万元"}},
        indicators=typed(GOUMAI),
    )
    return p


def test_linfen_liulei_scores_99_33(liulei):
    res = invoke("check", liulei, "--format", "json")
    data = json.loads(res.output)
    assert data["total_score"] == 99.33 and data["grade"] == "优"
    # the report's own budget block is broken: zero budget with 569240 spent
    assert any(f["code"] == "E201" for f in data["findings"])
    assert res.exit_code == 1


def test_linfen_goumai_scores_84_31(goumai):
    res = invoke("check", goumai, "--format", "json")
    data = json.loads(res.output)
    assert data["total_score"] == 84.31 and data["grade"] == "良"
    row = next(i for i in data["indicators"] if i["level3"] == "机构服务能力")
    assert row["manual_score"] == 0 and row["score"] == 0 and row["computed_score"] == 14.7
    assert data["budget"]["execution_rate"] == 0.931 and data["budget"]["score"] == 9.31
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    assert res.exit_code == 0


def test_calc_fills_computed_cells_summary_findings_and_narrative(goumai):
    res = invoke("calc", goumai)
    assert res.exit_code == 0, res.output
    assert "总分 84.31，等级：良" in res.output
    wb = openpyxl.load_workbook(goumai)
    ws = wb[layout.SHEET_INDICATORS]
    hdr = layout.INDICATOR_HEADER_ROW
    col = {h: i + 1 for i, h in enumerate(layout.INDICATOR_HEADERS)}
    first = hdr + 1
    assert ws.cell(first, col["完成率"]).value == 1.0
    # 购买服务成本 39.75万元 within ≤40: the ceiling is met, 完成率 100% (not the 99.38% used)
    assert ws.cell(first + 3, col["三级指标"]).value == "购买服务成本"
    assert ws.cell(first + 3, col["完成率"]).value == 1.0
    assert ws.cell(first + 4, col["计算得分"]).value == 14.7
    assert ws.cell(first + 4, col["得分"]).value == 0
    assert ws.cell(first + 4, col["完成率"]).number_format == "0.00%"
    # summary block: 合计 then the 一级 groups
    assert ws.cell(2, 9).value == "合计" and ws.cell(4, 9).value == 84.31 and ws.cell(5, 9).value == "良"
    assert [ws.cell(2, c).value for c in range(10, 14)] == ["预算执行", "产出指标", "效益指标", "满意度指标"]
    assert [ws.cell(4, c).value for c in range(10, 14)] == [9.31, 50, 15, 10]
    b = wb[layout.SHEET_BUDGET]
    assert b["H2"].value == 0.931 and b["J2"].value == 9.31 and b["F2"].value == pytest.approx(2.76)
    f = wb[layout.SHEET_FINDINGS]
    assert [c.value for c in f[1]][:4] == list(layout.FINDINGS_HEADERS)
    n = wb[layout.SHEET_NARRATIVE]
    assert n["A1"].value == "章节" and n.max_row > 10
    texts = "\n".join(str(c.value) for c in n["B"] if c.value)
    assert "总得分84.31分" in texts and "预算执行率93.1%，得9.31分（满分10分）" in texts
    # values, never formulas
    with zipfile.ZipFile(goumai) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_calc_is_idempotent_and_keeps_the_officers_final_text(goumai):
    assert invoke("calc", goumai).exit_code == 0
    wb = openpyxl.load_workbook(goumai)
    n = wb[layout.SHEET_NARRATIVE]
    n["C3"] = "这是财务人员改写的定稿。"
    section = n["A3"].value
    wb.save(goumai)
    assert invoke("calc", goumai).exit_code == 0
    n = openpyxl.load_workbook(goumai)[layout.SHEET_NARRATIVE]
    assert n["A3"].value == section and n["C3"].value == "这是财务人员改写的定稿。"


def test_changing_the_style_keeps_final_text_of_vanished_sections(goumai):
    invoke("calc", goumai)
    wb = openpyxl.load_workbook(goumai)
    wb[layout.SHEET_NARRATIVE]["C2"] = "定稿甲"
    info = wb[layout.SHEET_INFO]
    for r in info.iter_rows(min_row=2):
        if r[0].value == "报告样式":
            r[1].value = "四川"
    wb.save(goumai)
    invoke("calc", goumai)
    n = openpyxl.load_workbook(goumai)[layout.SHEET_NARRATIVE]
    cells = [(n.cell(r, 1).value, n.cell(r, 3).value) for r in range(2, n.max_row + 1)]
    assert any(fin == "定稿甲" and str(sec).startswith("（已不在当前提纲）") for sec, fin in cells)


def test_calc_output_copy_leaves_the_original_untouched(goumai, tmp_path):
    before = goumai.read_bytes()
    out = tmp_path / "copy.xlsx"
    assert invoke("calc", goumai, "-o", out).exit_code == 0
    assert goumai.read_bytes() == before
    assert openpyxl.load_workbook(out)[layout.SHEET_INDICATORS].cell(layout.INDICATOR_HEADER_ROW + 1, 11).value == 10


def test_calc_refuses_while_excel_has_the_file_open(goumai):
    lock = goumai.parent / ("~$" + goumai.name)
    lock.write_bytes(b"x")
    before = goumai.read_bytes()
    res = invoke("calc", goumai)
    assert res.exit_code == 3
    assert "关闭" in res.output and "Traceback" not in res.output
    assert goumai.read_bytes() == before


def test_check_text_output_lists_cells(goumai, tmp_path):
    wb = openpyxl.load_workbook(goumai)
    ws = wb[layout.SHEET_INDICATORS]
    ws.cell(layout.INDICATOR_HEADER_ROW + 1, 5).value = 15  # weights 105
    wb.save(goumai)
    res = invoke("check", goumai)
    assert res.exit_code == 1
    assert "E101" in res.output and "绩效指标!E7" in res.output


def test_new_creates_a_template_and_refuses_to_overwrite(tmp_path):
    p = tmp_path / "2025六类人群自评.xlsx"
    res = invoke("new", p, "--style", "四川")
    assert res.exit_code == 0 and p.exists()
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames[:4] == [layout.SHEET_GUIDE, layout.SHEET_INFO, layout.SHEET_BUDGET, layout.SHEET_INDICATORS]
    res = invoke("new", p)
    assert res.exit_code == 2 and "已存在" in res.output


@pytest.mark.parametrize(
    "content, code, pattern",
    [
        (b"", 2, "空"),
        ("项目,分值\n数量,10\n".encode("utf-8"), 2, "不是.*工作簿|xlsx"),
    ],
)
def test_unusable_input_exit_2_without_traceback(tmp_path, content, code, pattern):
    p = tmp_path / "坏文件.xlsx"
    p.write_bytes(content)
    res = CliRunner().invoke(cli, ["check", str(p)])
    assert res.exit_code == code
    assert re.search(pattern, res.output)
    assert "坏文件.xlsx" in res.output and "Traceback" not in res.output


def test_missing_indicator_sheet_suggests_the_closest_name(tmp_path):
    p = tmp_path / "改名.xlsx"
    build_template(p)
    wb = openpyxl.load_workbook(p)
    wb[layout.SHEET_INDICATORS].title = "绩效指标表（修改）"
    # make the renamed sheet unrecognisable by its headers too
    ws = wb["绩效指标表（修改）"]
    for c in range(1, 14):
        ws.cell(layout.INDICATOR_HEADER_ROW, c).value = None
    wb.save(p)
    res = CliRunner().invoke(cli, ["check", str(p)])
    assert res.exit_code == 2
    assert "绩效指标表（修改）" in res.output


def test_debug_shows_the_traceback(tmp_path):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    res = CliRunner().invoke(cli, ["--debug", "check", str(p)])
    assert res.exit_code == 2 and "Traceback" in res.output


def test_every_command_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert f"xlperf {name}" in text, f"README does not document `xlperf {name}`"
        if isinstance(command, type(cli)):
            for sub in command.commands:
                assert sub in text, f"README does not document `xlperf {name} {sub}`"


def test_readme_has_two_setup_lines_and_ci_runs_the_test_line():
    text = README.read_text(encoding="utf-8")
    block = text.split("```", 2)[1].strip().splitlines()
    assert len(block) == 2
    assert block[0].startswith("pip install . && xlperf")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci


def test_calc_refuses_to_write_into_a_units_own_form(tmp_path):
    """A unit's own table (no template): calc does not stamp template cells onto it; it says to
    import first. check reads it as it is: the table covers 90 points, so the total is 待定."""
    p = tmp_path / "外来表.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws.append(["附件1.项目支出绩效自评表"])
    ws.append(["一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施"])
    for r in GOUMAI:
        ws.append([r[0], r[1], r[2], r[4], r[5], r[6], None, r[7] if r[7] is not None else r[4], r[8]])
    wb.save(p)
    before = p.read_bytes()
    res = invoke("calc", p)
    assert res.exit_code == 2 and "xlperf import" in res.output and "84.31" not in res.output
    assert p.read_bytes() == before
    res = invoke("check", p)
    assert res.exit_code == 1 and "待定" in res.output and "E101" in res.output and "E034" in res.output


# --- the forms units already hold: import, new --from, calc refuses ------------------------------------


def test_import_then_calc_gives_the_units_total(tmp_path):
    from tests.forms import fixtures as F

    src = F.national().insert_col(4).offset(3, 2).xlsx(tmp_path / "2021自评表.xlsx")
    out = tmp_path / "导入.xlsx"
    res = invoke("import", src, "-o", out)
    assert res.exit_code == 0, res.output
    assert "城乡居民购买服务经费配套项目" in res.output and "指标 7 项" in res.output and "分值合计 100" in res.output
    assert "表中总分 84.31" in res.output and "84.31，等级 良" in res.output
    res = invoke("calc", out)
    assert "总分 84.31，等级：良" in res.output, res.output
    wb = openpyxl.load_workbook(out)
    info = {r[0]: r[1] for r in wb[layout.SHEET_INFO].iter_rows(min_row=2, values_only=True)}
    assert info["年度总体目标"] == F.GOAL and info["年度总体目标完成情况"] == F.RESULT and str(info["评价年度"]) == "2021"
    rows = [r for r in wb[layout.SHEET_INDICATORS].iter_rows(min_row=layout.INDICATOR_HEADER_ROW + 1, values_only=True) if r[2]]
    assert len(rows) == 7 and rows[4][9] == 0 and rows[4][11] == F.REASON_0  # the unit's score and reason


def test_import_list_table_and_folder(tmp_path):
    from tests.forms import fixtures as F

    doc = F.docx_with_annexes(tmp_path / "部门整体.docx", [("附件2 自评表", F.national()), ("附件3 自评表", F.sichuan())])
    res = invoke("import", doc, "--list")
    assert res.exit_code == 0 and "1. 表1" in res.output and "2. 表2" in res.output and "100.00" in res.output
    res = invoke("import", doc, "--table", "2", "-o", tmp_path / "二.xlsx")
    assert res.exit_code == 0 and (tmp_path / "二.xlsx").exists()
    assert "城乡残疾人医疗保险资助金" in res.output and "城乡居民购买服务" not in res.output
    folder = tmp_path / "收到的表"
    folder.mkdir()
    F.shanxi().xlsx(folder / "山西.xlsx")
    F.hunan().xlsx(folder / "湖南.xlsx")
    (folder / "旧表.et").write_bytes(b"x")
    out = tmp_path / "导入"
    out.mkdir()
    res = invoke("import", folder, "-o", out)
    assert sorted(p.name for p in out.iterdir()) == ["山西-导入.xlsx", "湖南-导入.xlsx"]
    assert res.exit_code == 1 and "失败：旧表.et" in res.output and "另存为" in res.output  # and how to save it


def test_import_refuses_what_it_cannot_carry(tmp_path):
    from tests.forms import fixtures as F

    src = F.national(total=85).xlsx(tmp_path / "表.xlsx")
    res = invoke("import", src, "-o", tmp_path / "新.xlsx")
    assert res.exit_code == 2 and "H20" in res.output and "85" in res.output
    assert not (tmp_path / "新.xlsx").exists()


def test_import_of_a_withheld_table_stays_withheld_after_calc(tmp_path):
    from tests.forms import fixtures as F

    src = F.cut(F.national(), 17).xlsx(tmp_path / "表.xlsx")
    res = invoke("import", src, "-o", tmp_path / "新.xlsx")
    assert res.exit_code == 1 and "需核对" in res.output and "17" in res.output and "待定" in res.output
    for _ in range(2):
        res = invoke("calc", tmp_path / "新.xlsx")
        assert "待定" in res.output and res.exit_code == 1


def test_calc_refuses_an_xls_form_and_check_reads_it(tmp_path):
    import shutil

    from tests.forms import fixtures as F

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    xls = F.convert(F.sichuan().xlsx(tmp_path / "四川.xlsx"), "xls", tmp_path)
    before = xls.read_bytes()
    res = invoke("calc", xls)
    assert res.exit_code == 2 and "xlperf import" in res.output and xls.read_bytes() == before
    res = invoke("check", xls, "--format", "json")
    data = json.loads(res.output)
    assert res.exit_code == 0 and data["total_score"] == 100.0 and data["grade"] == "优" and len(data["indicators"]) == 10


def test_new_from_last_years_form(tmp_path):
    from tests.forms import fixtures as F

    src = F.national().xlsx(tmp_path / "2021.xlsx")
    out = tmp_path / "2022.xlsx"
    res = invoke("new", out, "--from", src)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    info = {r[0]: r[1] for r in wb[layout.SHEET_INFO].iter_rows(min_row=2, values_only=True)}
    assert info["项目名称"] == "城乡居民购买服务经费配套项目" and str(info["评价年度"]) == "2022"
    assert info["年度总体目标"] == F.GOAL and not info.get("年度总体目标完成情况")
    rows = [r for r in wb[layout.SHEET_INDICATORS].iter_rows(min_row=layout.INDICATOR_HEADER_ROW + 1, values_only=True) if r[2]]
    assert [r[4] for r in rows] == [10, 10, 10, 20, 15, 15, 10]
    assert [r[5] for r in rows][:3] == ["3", "98", "2022"]  # targets kept; last year's deadline advanced
    assert all(r[6] is None and r[9] is None and r[11] is None for r in rows)  # actuals, scores, reasons cleared


def test_report_reads_a_form_directly_and_never_shows_a_withheld_total(tmp_path):
    from tests.forms import fixtures as F

    good = F.hunan().xlsx(tmp_path / "湖南.xlsx")
    res = invoke("report", good, "-o", tmp_path / "好.md")
    text = (tmp_path / "好.md").read_text(encoding="utf-8")
    assert res.exit_code in (0, 1) and "自评得分84.31分" in text and "城乡居民购买服务经费配套项目" in text
    bad = F.Form(F.national().rows + [["合计", None, None, None, None, None, 100, 84.31, None]], F.national().merges).xlsx(tmp_path / "两行合计.xlsx")
    invoke("report", bad, "-o", tmp_path / "坏.md")
    text = (tmp_path / "坏.md").read_text(encoding="utf-8")
    assert "84.31" not in text and "待定" in text


def test_import_keeps_going_when_one_annex_cannot_be_carried(tmp_path):
    from tests.forms import fixtures as F

    doc = F.docx_with_annexes(tmp_path / "报告.docx", [("附件1", F.national()), ("附件2", F.national(total=85)), ("附件3", F.sichuan())])
    out = tmp_path / "导入"
    out.mkdir()
    res = invoke("import", doc, "-o", out)
    assert res.exit_code == 1 and "失败：报告.docx：表2" in res.output and "H20" in res.output
    assert len(list(out.iterdir())) == 2


def test_a_bare_table_with_a_units_own_headers_is_a_form(tmp_path):
    """No title, no 项目名称: the headers 目标指标/权重/业绩值 say it is a unit's table, not our template."""
    p = tmp_path / "附件1.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施"])
    ws.append(["预算执行指标", "预算执行指标", "预算执行率", 10, "100%", "93.1%", None, 9.31, "预算为40万元，实际合同价格为39.75万元"])
    for r in GOUMAI:
        ws.append([r[0], r[1], r[2], r[4], r[5], r[6], None, r[7] if r[7] is not None else r[4], r[8]])
    wb.save(p)
    before = p.read_bytes()
    assert invoke("calc", p).exit_code == 2 and p.read_bytes() == before
    res = invoke("check", p, "--format", "json")
    data = json.loads(res.output)
    assert data["total_score"] == 84.31 and data["grade"] == "良" and len(data["indicators"]) == 8


def test_import_of_our_own_workbook_says_there_is_nothing_to_import(tmp_path):
    p = tmp_path / "自评.xlsx"
    assert invoke("new", p).exit_code == 0
    res = invoke("import", p)
    assert res.exit_code == 2 and "已经是 xlperf 自评表" in res.output


def test_the_console_script_speaks_chinese_around_clicks_own_messages(monkeypatch, capsys):
    """Headings, the help option and usage errors: what click itself prints is Chinese too."""
    from xlperf.cli import main

    monkeypatch.setattr("sys.argv", ["xlperf", "--help"])
    with pytest.raises(SystemExit) as exit_:
        main()
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith("用法：xlperf") and "选项：" in out and "命令：" in out and "显示此帮助并退出。" in out
    assert "Usage" not in out and "Show this message" not in out
    for argv, expect in (
        (["xlperf", "chek", "a.xlsx"], "没有这个命令：chek"),
        (["xlperf", "check", "--foo"], "没有这个选项：--foo"),
        (["xlperf", "check"], "缺少参数 “文件”"),
        (["xlperf", "report", "a.xlsx", "--format", "doc"], "的值“doc”无效，应为"),
    ):
        monkeypatch.setattr("sys.argv", argv)
        with pytest.raises(SystemExit) as exit_:
            main()
        err = capsys.readouterr().err
        assert exit_.value.code == 2, argv
        assert expect in err and "Error:" not in err and "可运行“" in err, (argv, err)
