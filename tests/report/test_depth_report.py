"""Reports state the fields only some outlines have (layout.STYLE_INFO_FIELDS) in the reference's
place, and a workbook made before those fields existed reports exactly as it did."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from xlperf import report as R
from xlperf.core import layout

PROJECT_STYLES = ("通用", "四川", "山西", "陕西")


def _md(path: Path, out: Path, style: str) -> str:
    out.mkdir(exist_ok=True)
    R.render_report(path, out / f"{path.stem}-{style}.md", style=style)
    return (out / f"{path.stem}-{style}.md").read_text(encoding="utf-8")


def _without_style_rows(src: Path, dst: Path) -> Path:
    """The workbook as the template made it before the styles had their own rows."""
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    ws = wb[layout.SHEET_INFO]
    own = {label for rows in layout.STYLE_INFO_FIELDS.values() for label, _, _ in rows}
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 1).value in own:
            ws.delete_rows(r)
    wb.save(dst)
    return dst


def _set(path: Path, values: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_INFO]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for label, value in values.items():
        ws.cell(rows[label], 2).value = value
    wb.save(path)


def _section(md: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading."""
    lines = md.split("\n")
    start = next(i for i, line in enumerate(lines) if line.lstrip("#").strip() == heading)
    body = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        body.append(line)
    return "\n".join(body)


@pytest.mark.parametrize("book", ["liulei", "yanbian"])
def test_a_workbook_without_the_new_rows_reports_as_before(example_books, tmp_path, book):
    src = tmp_path / "new.xlsx"
    shutil.copy(example_books[book], src)
    old = _without_style_rows(src, tmp_path / "old.xlsx")
    assert len(openpyxl.load_workbook(old)[layout.SHEET_INFO]["A"]) <= len(openpyxl.load_workbook(src)[layout.SHEET_INFO]["A"])
    for style in PROJECT_STYLES:
        a, b = _md(src, tmp_path / "a", style), _md(old, tmp_path / "b", style)
        assert a.replace("new", "old") == b.replace("new", "old"), style


def test_shanxi_report_states_the_filled_fields_in_linfen_places(example_books, tmp_path):
    p = tmp_path / "liulei.xlsx"
    shutil.copy(example_books["liulei"], p)
    _set(p, {"设立的必要性": "保障困难群众参保权益", "保证措施": "1、加强组织领导。2、搞好基金监管。", "实施期绩效目标": "实施期内困难群众应保尽保"})
    md = _md(p, tmp_path, "山西")
    overview = _section(md, "（一）项目概况")
    assert "设立的必要性：保障困难群众参保权益" in overview
    assert overview.index("立项依据") < overview.index("设立的必要性") < overview.index("保证项目实施的措施与制度：1、加强组织领导。")
    goals = _section(md, "（三）项目绩效目标")
    assert goals.index("（1）项目实施期绩效目标") < goals.index("实施期内困难群众应保尽保") < goals.index("（2）项目年度目标")
    assert md.count("保障困难群众参保权益") == 1
    for style in ("通用", "四川", "陕西"):  # outlines without these places do not print them
        assert "保障困难群众参保权益" not in _md(p, tmp_path, style)


def test_shaanxi_cover_and_fund_adjustment(example_books, tmp_path):
    from docx import Document

    from xlperf.workbook.template import build_template, fill_workbook
    from xlperf.workbook.examples import EXAMPLES

    p = tmp_path / "子洲.xlsx"
    spec = EXAMPLES["盐边残疾人医保"]
    build_template(p, style="陕西")
    fill_workbook(p, info={**spec["info"], "报告样式": "陕西", "项目单位法人代码": "11610831MB2992381P",
                           "评价项目类型": "项目实施过程评价 项目完成结果评价", "项目资金调整情况": "本项目无资金调整情况。"},
                  budget=spec["budget"], indicators=spec["indicators"], merge_levels=True)
    md = _md(p, tmp_path, "陕西")
    cover = md.split("\n---\n")[0]
    assert "| 评价项目类型 | 项目实施过程评价 项目完成结果评价 |" in cover and "| 评价类型 |" not in cover
    rows = [line for line in cover.split("\n") if line.startswith("| ")]
    assert rows.index("| 项目单位法人代码 | 11610831MB2992381P |") == rows.index(next(r for r in rows if r.startswith("| 主管部门 |"))) + 1
    assert _section(md, "项目资金调整情况").strip() == "本项目无资金调整情况。"
    assert md.index("三、项目评价及绩效分析") < md.index("项目资金调整情况") < md.index("四、存在问题与改进措施")
    R.render_report(p, tmp_path / "子洲.docx", style="陕西")
    text = "\n".join(par.text for par in Document(tmp_path / "子洲.docx").paragraphs)
    cells = "\n".join(c.text for t in Document(tmp_path / "子洲.docx").tables for row in t.rows for c in row.cells)
    assert "11610831MB2992381P" in cells and "项目资金调整情况" in text and "本项目无资金调整情况。" in text

    # the same workbook with the three fields left empty: the cover and the outline as before
    fill_workbook(p, info={"项目单位法人代码": None, "评价项目类型": None, "项目资金调整情况": None})
    md = _md(p, tmp_path / "empty", "陕西")
    assert "法人代码" not in md and "资金调整" not in md and "| 评价类型 | 项目支出绩效自评 |" in md


def test_sichuan_report_writes_plan_arrival_and_use(example_books, tmp_path):
    p = tmp_path / "yanbian.xlsx"
    shutil.copy(example_books["yanbian"], p)
    _set(p, {"资金计划": "该项目有中央资金、省级资金，不足部分由县级财政兜底。", "资金到位": "及时到位。", "资金使用": "根据实际发生费用支付。"})
    body = _section(_md(p, tmp_path, "四川"), "（二）资金计划、到位及使用情况。")
    order = ["1.资金计划。", "不足部分由县级财政兜底", "2.资金到位。", "及时到位。", "3.资金使用。", "全年执行205.1万元", "根据实际发生费用支付。"]
    at = [body.index(x) for x in order]
    assert at == sorted(at)


def _department(path: Path, extra: dict | None = None) -> Path:
    from xlperf.workbook.template import build_template, fill_workbook

    build_template(path, evaluation_type="部门整体支出", style="湖南")
    rows = [("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%"), ("产出指标", "数量指标", "完成年度重点工作数", 50, "≥12项", "12项"),
            ("效益指标", "社会效益", "基金监管成效", 30, "明显", "明显"), ("效益指标", "服务对象满意度指标", "群众满意度", 10, "≥90%", "93%")]
    keys = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值")
    info = {"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "评价年度": 2025, "主管部门职能": "医疗保障。", **(extra or {})}
    fill_workbook(path, info=info, indicators=[dict(zip(keys, r)) for r in rows],
                  budget={"年度资金总额": {"全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}})
    return path


def test_hunan_department_report(tmp_path):
    src = _department(tmp_path / "dept.xlsx", {"评价依据文件": None})  # the rows kept empty (new pre-fills this one)
    old = _without_style_rows(src, tmp_path / "old.xlsx")
    for style in ("湖南", "通用"):
        assert _md(src, tmp_path / "a", style).replace("dept", "old") == _md(old, tmp_path / "b", style).replace("dept", "old"), style
    p = _department(tmp_path / "filled.xlsx", {"年度重点工作计划": "推进医保支付方式改革。", "资产管理情况": "年末固定资产29.79万元。",
                                                "公示网址": "http://www.liuyang.gov.cn/x.html"})
    md = _md(p, tmp_path, "湖南")
    assert _section(md, "（三）年度重点工作计划").strip() == "推进医保支付方式改革。"
    assert _section(md, "（五）资产管理情况").strip() == "年末固定资产29.79万元。"
    assert "公示网址：http://www.liuyang.gov.cn/x.html" in _section(md, "八、评价等级")
    assert md.index("（二）机构和人员情况") < md.index("（三）年度重点工作计划") < md.index("二、部门整体支出管理及使用情况")


def _shaanxi(path: Path, **info: str | None) -> Path:
    """子洲-like: the 盐边 example's data in a 陕西 workbook, with a 自评小组."""
    from xlperf.workbook.template import build_template, fill_workbook
    from xlperf.workbook.examples import EXAMPLES

    spec = EXAMPLES["盐边残疾人医保"]
    build_template(path, style="陕西")
    fill_workbook(path, info={**spec["info"], "报告样式": "陕西", **info}, budget=spec["budget"], indicators=spec["indicators"], merge_levels=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["自评小组"]
    ws.cell(2, 1).value, ws.cell(2, 2).value, ws.cell(2, 3).value = "丁海鸿", "书记", "子洲县医疗保障局"
    wb.save(path)
    return path


def _docx_text(path: Path) -> tuple[list[str], list]:
    from docx import Document

    doc = Document(path)
    return [p.text for p in doc.paragraphs], doc.tables


def test_shaanxi_sign_off_follows_the_team_in_every_format(tmp_path):
    p = _shaanxi(tmp_path / "子洲.xlsx", 评价时间="2024年3月16日")
    md = _md(p, tmp_path, "陕西")
    team = _section(md, "五、自评小组")
    assert team.index("| 评价人员 | 丁海鸿 |") < team.index("项目单位（中介机构）负责人（签字并盖章）：") < team.index("2024年3月16日")
    R.render_report(p, tmp_path / "子洲.html", style="陕西")
    html = (tmp_path / "子洲.html").read_text(encoding="utf-8")
    assert html.index("五、自评小组") < html.index('<p class="sign-off">项目单位（中介机构）负责人（签字并盖章）：</p>') < html.index('<p class="sign-date">2024年3月16日</p>')
    R.render_report(p, tmp_path / "子洲.docx", style="陕西")
    paras, _ = _docx_text(tmp_path / "子洲.docx")
    at = paras.index("项目单位（中介机构）负责人（签字并盖章）：")
    assert paras.index("五、自评小组") < at and "2024年3月16日" in paras[at + 1:at + 5]
    # the 公示 copy keeps the line and the table, with the member's name masked
    for fmt in ("md", "docx"):
        R.render_report(p, tmp_path / f"公示.{fmt}", style="陕西", public=True)
    public = (tmp_path / "公示.md").read_text(encoding="utf-8")
    assert "丁海鸿" not in public and "项目单位（中介机构）负责人（签字并盖章）：" in public and "| 评价人员 |" in public
    paras, tables = _docx_text(tmp_path / "公示.docx")
    assert "项目单位（中介机构）负责人（签字并盖章）：" in paras
    assert not any("丁海鸿" in c.text for t in tables for r in t.rows for c in r.cells) and not any("丁海鸿" in x for x in paras)
    # no 评价时间: blanks to date it by hand; other styles have no such line
    fill_workbook_info(p, {"评价时间": None})
    assert "项目单位（中介机构）负责人（签字并盖章）：\n\n　　年　　月　　日" in _md(p, tmp_path / "nodate", "陕西")
    for style in ("通用", "四川", "山西"):
        assert "签字并盖章" not in _md(p, tmp_path, style)


def fill_workbook_info(path: Path, info: dict) -> None:
    from xlperf.workbook.template import fill_workbook

    fill_workbook(path, info=info)


def test_shaanxi_goal_table_from_the_workbook(tmp_path):
    p = _shaanxi(tmp_path / "子洲.xlsx", 实施期绩效目标="医疗保障全覆盖。", 实施期资金总额="900")
    md = _md(p, tmp_path, "陕西")
    goals = _section(md, "（二）项目目标")
    assert md.index("一、项目概况") < md.index("（二）项目目标") < md.index("二、项目资金使用及管理情况")
    assert goals.index("1.总体目标：医疗保障全覆盖。") < goals.index("2.年度目标：资助县内5756名残疾人") < goals.index("**2021年专项业务经费（项目）绩效完成表**")
    rows = [line for line in goals.split("\n") if line.startswith("| ") and not line.startswith("| --- ")]
    assert rows[0].startswith("| 项目名称 | 城乡残疾人医疗保险资助金 |")
    assert "| 资金金额 | 实施期资金总额： |  |  | 900万元 |" in rows[2]
    assert "| 年度资金总额： |  |  | 205.1万元 |" in rows[3] and "其中：财政拨款" in rows[4] and "其他资金" in rows[5]
    assert "| 年度绩效指标 | 一级指标 | 二级指标 | 指标内容 | 年度指标值 | 全年完成值 | 未完成原因和改进措施 |" in goals
    assert "|  | 产出指标 | 数量指标 | 资助参保人数 | 5756人 | 5756人 |  |" in goals  # no 分值 / 得分
    assert "年度绩效目标：" not in md  # the goal is said once, in （二）
    R.render_report(p, tmp_path / "子洲.docx", style="陕西")
    paras, tables = _docx_text(tmp_path / "子洲.docx")
    assert "2021年专项业务经费（项目）绩效完成表" in paras and "1.总体目标：医疗保障全覆盖。" in paras
    goal = next(t for t in tables if t.cell(0, 0).text == "项目名称" and t.cell(1, 0).text == "主管部门")
    texts = [[c.text for c in r.cells] for r in goal.rows]
    assert texts[2][1] == "实施期资金总额：" and texts[2][4] == "900万元"
    assert {r[0] for r in texts[2:6]} == {"资金金额"} and texts[-1][0] == "年度绩效指标"  # merged down
    R.render_report(p, tmp_path / "子洲.html", style="陕西")
    html = (tmp_path / "子洲.html").read_text(encoding="utf-8")
    assert '<td rowspan="4" class="label">资金金额</td>' in html and ">年初设定目标<" in html

    # the fields empty: no 总体目标, no 实施期 row; the table stays (it is the workbook's own data)
    fill_workbook_info(p, {"实施期绩效目标": None, "实施期资金总额": None})
    md = _md(p, tmp_path / "empty", "陕西")
    goals = _section(md, "（二）项目目标")
    assert "1.总体目标" not in goals and "实施期资金总额" not in md and goals.strip().startswith("年度目标：资助县内")
    assert "| 资金金额 | 年度资金总额： |" in goals


def test_shaanxi_department_code_in_the_form(tmp_path):
    p = _shaanxi(tmp_path / "子洲.xlsx", 主管部门代码="418001", 项目单位法人代码="11610831MB2992381P")
    md = _md(p, tmp_path, "陕西")
    assert "| 主管部门及代码 | 盐边县医疗保障局（418001） |" in md
    assert "| 主管部门 | 盐边县医疗保障局 |" in _section(md, "（二）项目目标")  # the 绩效完成表 names the department alone
    assert "11610831MB2992381P" not in md.split("\n---\n", 1)[1]  # the unit's 法人代码 stays on the cover
    R.render_report(p, tmp_path / "子洲.docx", style="陕西")
    _, tables = _docx_text(tmp_path / "子洲.docx")
    assert any(c.text == "盐边县医疗保障局（418001）" for t in tables for r in t.rows for c in r.cells)
    for style in ("通用", "四川", "山西"):  # their forms have a 主管部门 cell, without a code
        assert "418001" not in _md(p, tmp_path, style)
    fill_workbook_info(p, {"主管部门代码": None})
    assert "| 主管部门及代码 | 盐边县医疗保障局 |" in _md(p, tmp_path / "empty", "陕西")
