"""Every fact a rendered report states agrees with its workbook's evaluation.

A sample of the generated workbook space (tests/report/oracle/gen.py) is rendered in every style
(md for all, docx and html for some, the --format xlsx 自评表 for every other project) and each
report is read back by the oracle. Each failure class
of tests/report/oracle/check.py is one test: a class the reports get wrong today is listed in
KNOWN_DEFECTS and marked xfail(strict=True), so fixing it turns the test into an XPASS failure
and the marker must go; every other class is asserted (and must have been checked at least once,
so a pass is not vacuous).

The oracle is also tested on its own: a correct report with one fact changed must fail the class
that guards that fact (funding sources, 下达资金, the 山西 行次 matrix, the department's 基础数据
figures, and the xlsx form with two rows of one name included).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.report.oracle.check import CLASSES, check_report
from tests.report.oracle.extract import load_md
from tests.report.oracle.gen import base_projects, write
from tests.report.oracle.run import checked_classes, render, run
from tests.report.oracle.truth import truth_of

SAMPLE_N = 19  # the bases, the department types and each variation once

# Classes today's reports fail on the sample, with the reviewer's words for each.
KNOWN_DEFECTS: dict[str, str] = {}


# classes the checker records only on failure, with the check that guards them (it runs on every
# 一级指标 sentence / every count of 三级指标)
RECORDED_ON_FAILURE = {"level1_subtotal": "level1", "level1_differs_from_table": "level1", "count_excludes_budget_row": "count"}


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    root = tmp_path_factory.mktemp("oracle")
    return run(SAMPLE_N, html_every=10, docx_every=6, root=root)


def test_every_report_rendered(cases):
    assert cases
    bad = [(c.workbook, c.style, c.fmt, c.error) for c in cases if c.error]
    assert not bad, bad[:3]


def test_known_defects_are_classes():
    assert set(KNOWN_DEFECTS) <= set(CLASSES)


def _failures(cases, cls: str) -> list[str]:
    out = []
    for c in cases:
        for r in c.results:
            if r.cls == cls and not r.ok:
                out.append(f"{Path(c.report).name} {c.style}: {r.fact[:120]} ⇒ {r.expected[:100]}")
    return out


@pytest.mark.parametrize(
    "cls",
    [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[k])) if k in KNOWN_DEFECTS else k for k in CLASSES],
)
def test_fact_class(cases, cls):
    ran = checked_classes(cases).get(cls, 0)
    if cls in RECORDED_ON_FAILURE:  # a class its check records only when it fails: count the check's runs
        ran = sum(1 for c in cases for r in c.results if r.check == RECORDED_ON_FAILURE[cls])
    assert ran > 0, f"the sample never checked {cls}"
    fails = _failures(cases, cls)
    assert not fails, f"{len(fails)} wrong facts, e.g. " + " | ".join(fails[:3])


# --- the oracle on its own: one fact changed in a correct report is caught ---------------------


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """医保补助 (every row met) rendered in 四川 (which states the amounts) as Markdown, and its truth."""
    d = tmp_path_factory.mktemp("plain")
    spec = base_projects()[3]
    wb = write(spec, d / "p.xlsx")
    out = d / "p.md"
    assert render(wb, out, "四川", "md") == ""
    return out.read_text(encoding="utf-8"), truth_of(wb)


def _fails(text: str, truth) -> set[str]:
    return {r.cls for r in check_report(load_md(text), truth) if not r.ok}


def test_plain_report_has_no_fact_failures(plain):
    text, truth = plain
    fails = _fails(text, truth) - {"info_field_missing", "placeholder_filled_field", "repeated_paragraph"}
    assert not fails


@pytest.mark.parametrize(
    "old,new,cls",
    [
        (r"自评得分100分", "自评得分99.5分", "total_value"),
        (r"等级为“优秀”", "等级为“良好”", "grade_value"),
        (r"等级为“优秀”", "等级为“优秀”，即“优”等级", "grade_vocabulary_mixed"),
        (r"产出指标2项全部完成，得50分（满分50分）", "产出指标2项全部完成，得50分（满分45分）", "level1_weight"),
        (r"产出指标2项全部完成，得50分（满分50分）", "产出指标3项全部完成，得50分（满分50分）", "level1_count"),
        (r"产出指标2项全部完成，得50分（满分50分）", "产出指标2项全部完成，得48分（满分50分）", "level1_score"),
        (r"共设置三级指标4项", "共设置三级指标5项", "count_value"),
        (r"逐项核对4项三级指标", "逐项核对5项三级指标", "count_inconsistent"),
        (r"预算执行得10分（满分10分）", "预算执行得9分（满分10分）", "budget_score"),
        (r"全年执行40万元", "全年执行38万元", "budget_amount"),
        (r"执行率100%", "执行率95%", "budget_rate"),
        (r"服务对象满意度，≥95%", "服务对象满意度，≥96%", "row_target"),
    ],
)
def test_a_changed_fact_is_caught(plain, old, new, cls):
    text, truth = plain
    assert re.search(old, text), f"the report no longer says {old}"
    assert cls not in _fails(text, truth)
    assert cls in _fails(text.replace(re.search(old, text).group(0), new), truth)


def test_a_repeated_paragraph_is_caught(plain):
    text, truth = plain
    para = next(p for p in text.split("\n\n") if len(p) > 40 and not p.startswith(("#", "|", "【")))
    assert "repeated_paragraph" in _fails(text.replace(para, para + "\n\n" + para, 1), truth)


def test_a_pending_total_shown_as_a_number_is_caught(plain):
    text, truth = plain
    draft = type(truth)(ev={**truth.ev, "final": False, "total_score": None, "grade": "待定"}, sheets=truth.sheets, info=truth.info)
    fails = _fails(text, draft)
    assert {"draft_total_not_marked", "draft_grade_not_marked"} <= fails


# --- the wider classes on their own: funding sources, 基础数据, the xlsx form, same-name rows ---------


@pytest.fixture(scope="module")
def wider(tmp_path_factory):
    """A project whose budget is split over three sources (四川 md and the xlsx form) and a
    department with its 基础数据 (湖南 md), each with its truth."""
    import copy

    from tests.report.oracle.gen import base_departments

    d = tmp_path_factory.mktemp("wider")
    spec = copy.deepcopy(base_projects()[3])
    spec.budget.update({"财政拨款": {"全年预算数": 40}, "其中：中央": {"全年预算数": 16}, "其中：省级": {"全年预算数": 12.5}, "其中：县级": {"全年预算数": 11.5}})
    spec.info["资金批复文号"] = "县财预〔2025〕18号"
    spec.rows[3]["三级指标"] = spec.rows[2]["三级指标"]  # two rows named 群众负担减轻 (30 and 10 points)
    wb = write(spec, d / "p.xlsx")
    assert render(wb, d / "p.md", "四川", "md") == ""
    assert render(wb, d / "p-form.xlsx", "四川", "xlsx") == ""
    assert render(wb, d / "p-sx.md", "山西", "md") == ""
    dept = base_departments()[0]
    dept.basic = {"编制数": (50, 50, 50), "实有人数": (48, 48, 47), "三公经费合计": (12.5, 11, 10.2), "其中：因公出国（境）费": (None, None, 0), "其中：公务用车购置及运行维护费": (None, None, 7), "其中：公务接待费": (None, None, 3.2),
                  "收入合计": (None, None, 830), "其中：财政拨款收入": (None, None, 800), "其中：其他收入": (None, None, 30),
                  "支出合计（整体支出规模）": (780, 820, 808), "其中：基本支出": (None, 500, 508), "其中：项目支出": (None, 320, 300)}
    dwb = write(dept, d / "d.xlsx")
    assert render(dwb, d / "d.md", "湖南", "md") == ""
    return {"p": ((d / "p.md").read_text(encoding="utf-8"), truth_of(wb)), "d": ((d / "d.md").read_text(encoding="utf-8"), truth_of(dwb)), "form": (d / "p-form.xlsx", truth_of(wb)), "sx": ((d / "p-sx.md").read_text(encoding="utf-8"), truth_of(wb))}


@pytest.mark.parametrize(
    "which,old,new,cls",
    [
        ("p", r"中央资金16万元", "中央资金15万元", "source_amount"),
        ("p", r"县级资金11.5万元", "县级资金12.5万元", "source_amount"),
        ("p", r"下达资金40万元", "下达资金42万元", "approved_amount"),
        ("sx", r"\| 全年预算资金 \| \(2\) \| 40 \| 40 \| 16 \| 12.5 \|", "| 全年预算资金 | (2) | 40 | 40 | 16 | 13.5 |", "source_amount"),
        ("sx", r"\| 全年预算资金 \| \(2\) \| 40 \| 40 \| 16 \| 12.5 \|  \|", "| 全年预算资金 | (2) | 40 | 40 | 16 | 12.5 | 3 |", "source_amount"),  # 市级 is blank
        ("d", r"核定编制50人", "核定编制52人", "basic_value"),
        ("d", r"年末实有人数47人", "年末实有人数46人", "basic_value"),
        ("d", r"空编3人", "空编2人", "basic_change"),
        ("d", r"比上年减少1人", "比上年增加1人", "basic_change"),
        ("d", r"“三公”经费支出10.2万元", "“三公”经费支出10.5万元", "basic_value"),
        ("d", r"比上年减少2.3万元（下降18.4%）", "比上年减少2.3万元（下降17.4%）", "basic_change"),
        ("d", r"控制在预算数11万元以内", "控制在预算数12万元以内", "basic_change"),
        ("d", r"公务接待费3.2万元", "公务接待费3.4万元", "basic_value"),
        ("d", r"部门整体支出规模808万元", "部门整体支出规模818万元", "basic_value"),
        ("d", r"为预算数820万元的98.54%", "为预算数820万元的98.64%", "basic_change"),
        ("d", r"财政拨款收入800万元（占96.39%）", "财政拨款收入800万元（占95.39%）", "basic_change"),
        ("d", r"基本支出508万元，占支出合计的62.87%", "基本支出508万元，占支出合计的63.87%", "basic_change"),
        ("d", r"执行率101.6%", "执行率100.6%", "basic_change"),
        ("d", r"项目支出300万元", "项目支出310万元", "basic_value"),
        ("d", r"未发生因公出国（境）费", "未发生公务接待费", "basic_value"),
        ("d", r"\| 三公经费合计 \| 万元 \| 12.5 \|", "| 三公经费合计 | 万元 | 13.5 |", "basic_value"),
    ],
)
def test_a_changed_wider_fact_is_caught(wider, which, old, new, cls):
    text, truth = wider[which]
    assert re.search(old, text), f"the report no longer says {old}"
    assert cls not in _fails(text, truth)
    assert cls in _fails(text.replace(re.search(old, text).group(0), new, 1), truth)


def test_the_xlsx_form_is_read_and_checked(wider):
    import openpyxl

    from tests.report.oracle.extract import load

    path, truth = wider["form"]
    results = check_report(load(path), truth, style="四川")
    assert {"annex_total", "row_score", "row_weight", "row_target", "row_actual", "xlsx_form_rows"} <= {r.cls for r in results}
    assert not [r for r in results if not r.ok]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    total = next(r for r in ws.iter_rows() if r[0].value == "合计")
    total[9].value = total[9].value - 1  # the 合计 score one point off
    for r in ws.iter_rows():  # the second same-named row's score swapped for the first's weight
        if r[3].value == truth.rows()[3]["level3"] and r[2].value == truth.rows()[3]["level2"]:
            r[9].value = (r[9].value or 0) + 1
    wb.save(path.with_name("bad.xlsx"))
    fails = {r.cls for r in check_report(load(path.with_name("bad.xlsx")), truth, style="四川") if not r.ok}
    assert {"annex_total", "row_score"} <= fails


@pytest.fixture(scope="module")
def shaanxi_people(tmp_path_factory):
    """购买服务 with 项目负责人, 联系人, 联系电话 and a 自评小组, rendered in 陕西 (the style whose
    reference names them, on its cover) as Markdown, and its truth."""
    import random

    from tests.report.oracle.gen import vary

    d = tmp_path_factory.mktemp("people")
    spec = vary(base_projects()[0], random.Random(7), ["people"])
    spec.info["报告样式"] = "陕西"
    wb = write(spec, d / "p.xlsx")
    out = d / "p.md"
    assert render(wb, out, "陕西", "md") == ""
    return out.read_text(encoding="utf-8"), truth_of(wb)


def test_the_people_are_looked_for_on_the_shaanxi_cover(shaanxi_people):
    text, truth = shaanxi_people
    lead, contact, phone = (truth.info[k] for k in ("项目负责人", "联系人", "联系电话"))
    checked = [r for r in check_report(load_md(text), truth, style="陕西") if r.cls == "info_field_missing" and lead in r.fact]
    assert checked and all(r.ok for r in checked)
    for value in (lead, contact, phone):  # the cover row gone, the report no longer carries it
        cut = "\n".join(line for line in text.split("\n") if not (line.startswith("| ") and value in line))
        if value == lead:  # the 自评小组 may name the leader too: take the name out everywhere
            cut = cut.replace(lead, "")
        assert "info_field_missing" in {r.cls for r in check_report(load_md(cut), truth, style="陕西") if not r.ok}, value
    # the styles whose references name no one are not asked for the people
    other = {r.fact for r in check_report(load_md(text), truth, style="四川") if r.cls == "info_field_missing"}
    assert not any(lead in f or phone in f for f in other)


# --- 部门整体: each project's result paragraph and its 附件3-n form, against its own evaluation -----


@pytest.fixture(scope="module")
def department(tmp_path_factory):
    """A 湖南 部门整体 report (md) with two projects — 医保补助 (every row met) and 购买服务 — and one
    with 医保补助's 实际完成值 left blank (its total 待定); each with its truth."""
    import copy
    import random

    from tests.report.oracle.gen import base_departments, vary

    d = tmp_path_factory.mktemp("dept")
    goumai, plain = base_projects()[0], base_projects()[3]
    out = {}
    for name, projects in (("final", [plain, goumai]), ("draft", [vary(plain, random.Random(3), ["blank"]), goumai])):
        root = d / name
        (root / "项目").mkdir(parents=True)
        wb = write(copy.deepcopy(base_departments()[0]), root / "部门.xlsx")
        for k, p in enumerate(projects):
            write(p, root / "项目" / f"p{k}.xlsx")
        md = root / "r.md"
        assert render(wb, md, "湖南", "md", projects=root / "项目") == ""
        out[name] = (md.read_text(encoding="utf-8"), truth_of(wb, sorted((root / "项目").glob("*.xlsx"))))
    return out


def _dept_fails(text: str, truth) -> set[str]:
    return {r.cls for r in check_report(load_md(text), truth, style="湖南") if not r.ok}


def _paragraph(text: str, name: str) -> str:
    return next(p for p in text.split("\n\n") if re.match(rf"^\d+．{re.escape(name)}：", p))


def test_each_project_has_its_result_paragraph_with_its_own_figures(department):
    text, truth = department["final"]
    results = check_report(load_md(text), truth, style="湖南")
    checked = {r.cls for r in results if r.check in ("project_result", "project_results")}
    assert {"project_total", "project_figure", "project_result_missing"} <= checked
    assert not [r for r in results if not r.ok and (r.cls.startswith("project") or r.cls.startswith("row_") or r.cls == "annex_total")]
    para = _paragraph(text, "城乡居民医保补助项目")
    assert "全年预算数40万元，全年执行数40万元，执行率100%；自评得分100分，评价为“优”" in para
    assert "补助参保人数实际完成102（年度指标值≥100）" in para


@pytest.mark.parametrize(
    "old,new,cls",
    [
        ("自评得分100分", "自评得分99分", "project_total"),
        ("评价为“优”", "评价为“良”", "grade_value"),
        ("全年执行数40万元", "全年执行数38万元", "project_figure"),
        ("执行率100%", "执行率95%", "project_figure"),
        ("补助参保人数实际完成102", "补助参保人数实际完成120", "row_actual"),
        ("（年度指标值≥100）", "（年度指标值≥110）", "row_target"),
    ],
)
def test_a_changed_project_figure_is_caught(department, old, new, cls):
    text, truth = department["final"]
    para = _paragraph(text, "城乡居民医保补助项目")
    assert old in para
    assert cls not in _dept_fails(text, truth)
    assert cls in _dept_fails(text.replace(para, para.replace(old, new, 1)), truth)


def test_a_missing_project_paragraph_and_a_changed_annex_form_are_caught(department):
    text, truth = department["final"]
    para = _paragraph(text, "城乡居民医保补助项目")
    assert "project_result_missing" in _dept_fails(text.replace(para + "\n\n", ""), truth)
    # the 附件3-n form of that project: its 总分 row is checked against the project, not the department
    annex = text.split("## 附件3-", 1)[1]
    form = next(a for a in text.split("## 附件3-")[1:] if "| 项目支出名称 | 城乡居民医保补助项目 |" in a)
    total = next(ln for ln in form.splitlines() if ln.startswith("| 总分 |"))
    assert annex and "annex_total" not in _dept_fails(text, truth)
    assert "annex_total" in _dept_fails(text.replace(total, total.replace("| 100.00 |", "| 98.00 |")), truth)


def test_a_pending_project_is_stated_as_pending_and_makes_the_report_a_draft(department):
    text, truth = department["draft"]
    name = next(n for n, p in truth.projects.items() if not p.final)
    para = _paragraph(text, name)
    assert "自评得分待定（" in para and "等级待定" in para and "绩效指标!" in para  # the reason, with its cell
    assert text.splitlines()[0].endswith("（草稿）")
    assert not {"draft_total_not_marked", "draft_grade_not_marked", "draft_title_not_marked"} & _dept_fails(text, truth)
    stated = re.sub(r"自评得分待定（[^）]*）[^。]*等级待定[^。；]*", "自评得分100分，评价为“优”", para)
    assert {"draft_total_not_marked", "draft_grade_not_marked"} <= _dept_fails(text.replace(para, stated), truth)
    untitled = text.replace("（草稿）", "", 1)
    assert "draft_title_not_marked" in _dept_fails(untitled, truth)


def test_a_projects_same_named_rows_are_checked_against_that_project(tmp_path):
    """A project paragraph stating two rows of one name (群众负担减轻, 30 and 10 points): each
    passes against the project's own rows, and a changed 实际完成值 is still caught."""
    import copy

    from tests.report.oracle.gen import base_departments

    (tmp_path / "项目").mkdir()
    plain = copy.deepcopy(base_projects()[3])
    plain.rows[3]["三级指标"] = plain.rows[2]["三级指标"]
    wb = write(copy.deepcopy(base_departments()[0]), tmp_path / "部门.xlsx")
    write(plain, tmp_path / "项目" / "p0.xlsx")
    write(base_projects()[0], tmp_path / "项目" / "p1.xlsx")
    assert render(wb, tmp_path / "r.md", "湖南", "md", projects=tmp_path / "项目") == ""
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    truth = truth_of(wb, sorted((tmp_path / "项目").glob("*.xlsx")))
    para = _paragraph(text, "城乡居民医保补助项目")
    assert "群众负担减轻实际完成96%（年度指标值≥95%）" in para and "群众负担减轻实际完成明显（年度指标值明显）" in para
    results = check_report(load_md(text), truth, style="湖南")
    rows = [r for r in results if r.check == "row" and "群众负担减轻" in r.fact]
    assert rows and all(r.ok for r in rows)
    changed = para.replace("群众负担减轻实际完成96%", "群众负担减轻实际完成90%")
    assert "row_actual" in _dept_fails(text.replace(para, changed), truth)
