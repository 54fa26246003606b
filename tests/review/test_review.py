"""``review_report``: our own reports review clean; a report with one figure changed is caught, on
the right paragraph and cell; a report without a table says so and nothing else."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.review.conftest import edit_paragraph
from xlperf.review import Review, review_report
from xlperf.review.codes import CODES, KINDS


def _summary(r: Review) -> list[str]:
    return [f"{f.code} {f.where} {f.cell} {f.message}" for f in r.findings]


def test_own_reports_review_clean_against_their_annex_and_their_workbook(own_reports):
    checked = 0
    for name, style, wb, report in own_reports:
        with_annex = review_report(report)
        with_book = review_report(report, wb)
        assert with_book.table is not None and not with_book.table.annex
        assert with_book.findings == [], (name, style, _summary(with_book))
        assert with_book.facts, (name, style)  # the prose was read: clean is not vacuous
        if with_annex.table is None:  # 四川 reports carry no annex table: one V001, nothing else
            assert [f.code for f in with_annex.findings] == ["V001"], (name, style)
        else:
            assert with_annex.findings == [], (name, style, _summary(with_annex))
            checked += 1
    assert checked >= 6


def _report(own_reports, name: str, style: str) -> tuple[Path, Path]:
    for n, s, wb, report in own_reports:
        if (n, s) == (name, style):
            return wb, report
    raise KeyError((name, style))


def _para(path: Path, index: int) -> str:
    return docx.Document(str(path)).paragraphs[index].text


@pytest.mark.parametrize("style", ["通用", "山西", "陕西"])
def test_a_changed_total_is_a_total_mismatch_on_its_paragraph(own_reports, tmp_path, style):
    wb, report = _report(own_reports, "临汾购买服务", style)
    bad = tmp_path / "bad.docx"
    index = edit_paragraph(report, bad, "84.31分", "86.31分")
    for table in (None, wb):
        r = review_report(bad, table)
        codes = [f.code for f in r.findings]
        assert codes == ["V101"], _summary(r)
        f = r.findings[0]
        assert f.kind == "total_mismatch"
        assert f.paragraph is not None and f.paragraph.index == index
        assert _para(bad, index).startswith(f.paragraph.start)
        assert "86.31" in f.message and "84.31" in f.message
        assert f.cell  # the 总分 cell of the table compared with


def test_paragraph_number_counts_non_empty_paragraphs(own_reports, tmp_path):
    _, report = _report(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "bad.docx"
    index = edit_paragraph(report, bad, "84.31分", "86.31分")
    f = review_report(bad).findings[0]
    paras = docx.Document(str(bad)).paragraphs
    assert f.paragraph.number == sum(1 for p in paras[: index + 1] if p.text.strip())
    assert f.where.startswith(f"第{f.paragraph.number}段「")


def test_a_wrong_grade_is_a_grade_mismatch(own_reports, tmp_path):
    _, report = _report(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "bad.docx"
    edit_paragraph(report, bad, "等级为“良好”", "等级为“优秀”")
    r = review_report(bad)
    assert [(f.code, f.kind) for f in r.findings] == [("V102", "grade_mismatch")], _summary(r)


def test_an_inverted_rate_is_rate_inverted_and_a_wrong_one_rate_mismatch(own_reports, tmp_path):
    _, report = _report(own_reports, "临汾购买服务", "通用")
    inverted = tmp_path / "inv.docx"
    edit_paragraph(report, inverted, "预算执行率93.1%", "预算执行率107.41%")  # 40 ÷ 37.24
    r = review_report(inverted)
    assert [(f.code, f.kind) for f in r.findings] == [("V105", "rate_inverted")], _summary(r)
    assert "93.10%" in r.findings[0].message
    wrong = tmp_path / "wrong.docx"
    edit_paragraph(report, wrong, "预算执行率93.1%", "预算执行率95%")
    r = review_report(wrong)
    assert [(f.code, f.kind) for f in r.findings] == [("V104", "rate_mismatch")], _summary(r)


def test_a_wrong_amount_is_an_amount_mismatch_in_either_unit(own_reports, tmp_path):
    wb, report = _report(own_reports, "临汾购买服务", "陕西")
    bad = tmp_path / "bad.docx"
    edit_paragraph(report, bad, "全年预算数40万元", "全年预算数45万元")
    r = review_report(bad, wb)
    assert [(f.code, f.kind) for f in r.findings] == [("V103", "amount_mismatch")], _summary(r)
    assert r.findings[0].cell and r.findings[0].cell.startswith("预算执行!")
    same = tmp_path / "yuan.docx"
    edit_paragraph(report, same, "全年预算数40万元", "全年预算数400000元")
    assert review_report(same, wb).findings == []


def test_no_table_anywhere_is_one_table_unreadable_naming_the_report(own_reports):
    _, report = _report(own_reports, "临汾购买服务", "四川")
    r = review_report(report)
    assert len(r.findings) == 1
    f = r.findings[0]
    assert (f.code, f.kind) == ("V001", "table_unreadable") and report.name in f.message
    assert r.table is None


def test_every_code_has_a_known_kind_and_every_kind_a_code():
    assert {c.kind for c in CODES.values()} == set(KINDS)
    from xlperf.core.errors import XCode
    from xlperf.core.findings import RULES

    assert not set(CODES) & (set(RULES) | {str(x) for x in XCode})
