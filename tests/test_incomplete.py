"""Incomplete data is a draft, everywhere: a value the score needs that is blank or unreadable
withholds the total and grade (待定) in check's text and JSON, in the cells calc writes, in the
自评报告 sheet, in every report style and in the batch 汇总表 — each naming the cells to fill.

The cases a new user meets first: one blank 实际完成值, a fresh ``xlperf new`` workbook, an amount
typed as ``97.2%``, and next year's workbook made by ``new --from``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlperf.cli import cli

# a verdict on the grade: 等级为“优秀”, 属于“良”, 自评等级：中, 等级：差 …
VERDICT = re.compile(r"(等级为|属于|自评等级[:：为]?|等级[:：])\s*[“\"]?(优|良|中|差)")
STYLES = ("通用", "四川", "山西", "陕西")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _blank_actual(src: Path, dst: Path) -> set[str]:
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    wb["绩效指标"]["G8"].value = None
    wb.save(dst)
    return {"绩效指标!G8"}


def _fresh(_src: Path, dst: Path) -> set[str]:
    assert invoke("new", dst).exit_code == 0
    return {"预算执行!C2", "预算执行!E2", "绩效指标!7:7"}


def _percent_amount(src: Path, dst: Path) -> set[str]:
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    wb["预算执行"]["E2"].value = "97.2%"  # typed as text into 全年执行数
    wb.save(dst)
    return {"预算执行!E2"}


def _next_year(src: Path, dst: Path) -> set[str]:
    assert invoke("new", dst, "--from", src).exit_code == 0
    return {"预算执行!E2"} | {f"绩效指标!G{r}" for r in range(8, 15)}


CASES = {"blank-actual": _blank_actual, "fresh": _fresh, "percent-amount": _percent_amount, "next-year": _next_year}


@pytest.fixture(params=sorted(CASES))
def case(request, example_books, tmp_path) -> tuple[str, Path, set[str]]:
    path = tmp_path / f"{request.param}.xlsx"
    cells = CASES[request.param](example_books["goumai"], path)
    return request.param, path, cells


def _docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    return "".join(t.text or "" for t in doc.element.body.iter() if t.tag.endswith("}t"))


def test_check_text_and_json_withhold_the_total_naming_each_cell(case):
    name, path, cells = case
    res = invoke("check", path)
    assert res.exit_code == 1
    last = res.output.strip().splitlines()[-1]
    assert "总分 待定" in last and "等级：待定" in last, last
    assert not VERDICT.search(res.output)
    for c in cells:
        assert c in res.output
    if name == "blank-actual":
        assert "E501" not in res.output  # one finding for a blank actual: fill it in
    if name in ("fresh", "next-year"):
        assert "待填写" in last and "0.00" not in last and "差" not in last

    data = json.loads(invoke("check", path, "--format", "json").output)
    assert data["final"] is False and data["total_score"] is None and data["grade"] == "待定"
    assert {f"{w['sheet']}!{w['cell']}" for w in data["withheld"]} == cells


def _summary(ws) -> tuple[object, object]:
    labels = {ws.cell(r, 8).value: r for r in range(2, 6)}
    return ws.cell(labels["得分"], 9).value, ws.cell(labels["等级"], 9).value


@pytest.mark.parametrize("name", ["fresh", "next-year"])
def test_a_new_workbook_says_to_fill_it_in_before_any_calculation(name, example_books, tmp_path):
    path = tmp_path / "new.xlsx"
    CASES[name](example_books["goumai"], path)
    assert _summary(openpyxl.load_workbook(path)["绩效指标"]) == ("待填写", "待填写")


def test_calc_writes_pending_total_grade_and_narrative(case):
    name, path, cells = case
    res = invoke("calc", path)
    assert res.exit_code == 1
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    total, grade = _summary(ws)
    assert isinstance(total, str) and total.startswith("待定") and grade == "待定", (total, grade)
    if name in ("fresh", "next-year"):
        assert "待填写" in total
    found = [wb["校验结果"].cell(r, 2).value for r in range(2, wb["校验结果"].max_row + 1)]
    assert cells <= set(found)
    narrative = "\n".join(str(c.value) for row in wb["自评报告"].iter_rows(min_col=2, max_col=2) for c in row if c.value)
    assert "待定" in narrative and not VERDICT.search(narrative)
    if name == "blank-actual":
        assert ws["K8"].value == "待定"  # the row's 得分
    if name == "percent-amount":
        assert wb["预算执行"]["J2"].value == "待定"  # the budget's 得分


@pytest.mark.parametrize("style", STYLES)
def test_every_report_style_is_a_draft_without_a_grade(case, style, tmp_path):
    name, path, cells = case
    out = tmp_path / f"{name}-{style}.docx"
    invoke("report", path, "-o", out, "--style", style)
    text = _docx_text(out)
    assert "草稿" in text and "待定" in text
    assert not VERDICT.search(text), VERDICT.search(text)
    for c in cells:
        assert c in text  # the 待完善事项 section names the cell


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("style", STYLES)
def test_markdown_and_html_reports_are_drafts_too(example_books, tmp_path, fmt, style):
    path = tmp_path / "blank.xlsx"
    _blank_actual(example_books["goumai"], path)
    out = tmp_path / f"r.{fmt}"
    invoke("report", path, "-o", out, "--style", style)
    text = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    assert "草稿" in text and "待定" in text and "绩效指标!G8" in text
    assert not VERDICT.search(text), VERDICT.search(text)


def test_a_fresh_department_workbook_in_the_hunan_style_is_a_draft(tmp_path):
    path = tmp_path / "部门.xlsx"
    assert invoke("new", path, "--type", "部门整体支出", "--style", "湖南").exit_code == 0
    data = json.loads(invoke("check", path, "--format", "json").output)
    assert data["final"] is False and data["grade"] == "待定"
    out = tmp_path / "部门.docx"
    invoke("report", path, "-o", out, "--style", "湖南")
    text = _docx_text(out)
    assert "草稿" in text and "待定" in text and not VERDICT.search(text)


def test_the_batch_summary_leaves_a_pending_total_out(case):
    from xlperf.api import check_file
    from xlperf.batch.summary import STATUS_PENDING, record_from_evaluation

    name, path, cells = case
    rec = record_from_evaluation(check_file(path), path.name)
    assert rec.total_score is None and rec.grade == "待定" and rec.status == STATUS_PENDING
    assert cells <= {p["位置"] for p in rec.findings}
