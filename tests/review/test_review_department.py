"""A 部门整体支出 report (湖南) with its projects' tables annexed: the prose is compared with the
department's own table; a sentence about one project's score is not the department's total."""

from __future__ import annotations

import pytest

from tests.report.oracle.gen import base_departments, base_projects
from tests.report.oracle.run import build, render
from tests.review.conftest import add_paragraph
from xlperf.review import review_report


@pytest.fixture(scope="module")
def department_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("dept")
    dept = base_departments()[0]
    dept.projects = [base_projects()[3], base_projects()[0]]
    (spec, wb, proj), = build([dept], root / "wb")
    out = root / "部门整体.docx"
    assert not render(wb, out, "湖南", "docx", projects=proj)
    return wb, out


def test_department_report_reviews_clean_against_its_own_table(department_report):
    wb, report = department_report
    for table in (None, wb):
        r = review_report(report, table)
        assert r.findings == [], [f.message for f in r.findings]
        assert r.style == "湖南"
        assert any(f.kind == "total" for f in r.facts)


def test_a_projects_score_is_not_the_departments_total(department_report, tmp_path):
    wb, report = department_report
    total = next(f for f in review_report(report).facts if f.kind == "total")
    other = round(total.value - 7.5, 2)
    about_project = tmp_path / "project.docx"
    add_paragraph(report, about_project, "八、评价等级", f"其中城乡居民医保补助项目自评得分{other}分，评价为“良”。")
    assert review_report(about_project).findings == []
    about_dept = tmp_path / "dept.docx"
    add_paragraph(report, about_dept, "八、评价等级", f"本部门整体支出自评得分{other}分。")
    assert [f.kind for f in review_report(about_dept).findings] == ["total_mismatch"]
