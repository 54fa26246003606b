"""Each kind of finding beyond totals and budget: one of our clean reports changed in one place
gives exactly that finding; the same words beside a table that supports them give none."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest

from tests.review.conftest import add_paragraph, edit_paragraph
from xlperf.review import Review, review_report


def _summary(r: Review) -> list[str]:
    return [f"{f.code} {f.kind} {f.where} {f.cell} {f.message}" for f in r.findings]


def _own(own_reports, name, style):
    return next((wb, r) for n, s, wb, r in own_reports if (n, s) == (name, style))


def kinds(r: Review) -> list[str]:
    return [f.kind for f in r.findings]


# 临汾购买服务 loses points (84.31); 盐边残疾人医保 scores 100.


def test_claim_of_all_met_beside_lost_points(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "claim.docx"
    index = add_paragraph(report, bad, "城乡居民购买服务经费配套项目自评得分", "经自评，本项目各项绩效目标均已完成。")
    r = review_report(bad, wb)
    assert kinds(r) == ["claim_unsupported"], _summary(r)
    f = r.findings[0]
    assert f.code == "V301" and f.paragraph.index == index and "机构服务能力" in f.message


def test_claim_of_all_met_beside_full_marks_is_fine(own_reports, tmp_path):
    wb, report = _own(own_reports, "盐边残疾人医保", "通用")
    ok = tmp_path / "claim.docx"
    add_paragraph(report, ok, "城乡残疾人医疗保险资助金自评得分", "经自评，本项目各项绩效目标均已完成。")
    assert review_report(ok, wb).findings == []


@pytest.mark.parametrize("text", ["力争各项绩效目标全面完成。", "部分绩效指标未全部完成。", "资金全部到位，各项资金均已完成拨付。"])
def test_aims_negations_and_money_are_no_claims(own_reports, tmp_path, text):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    p = tmp_path / "x.docx"
    add_paragraph(report, p, "城乡居民购买服务经费配套项目自评得分", text)
    assert review_report(p, wb).findings == []


def test_level1_all_met_beside_its_lost_points(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "l1.docx"
    edit_paragraph(report, bad, "效益指标2项，完成1项，得15分（满分30分）", "效益指标2项全部完成，得15分（满分30分）")
    r = review_report(bad, wb)
    assert kinds(r) == ["claim_unsupported"], _summary(r)


def test_level1_score_and_count(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "l1.docx"
    edit_paragraph(report, bad, "产出指标4项全部完成，得50分（满分50分）", "产出指标4项全部完成，得48分（满分50分）")
    assert kinds(review_report(bad, wb)) == ["indicator_mismatch"]
    bad2 = tmp_path / "l1b.docx"
    edit_paragraph(report, bad2, "产出指标4项全部完成", "产出指标5项全部完成")
    assert kinds(review_report(bad2, wb)) == ["count_mismatch"]


def test_no_problems_beside_lost_points(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "nil.docx"
    index = edit_paragraph(report, bad, "存在问题：服务人员流动性大，没有规范统一专业培训，缺乏医保服务相关知识和技能。", "存在问题：无。")
    r = review_report(bad, wb)
    assert kinds(r) == ["no_problems_with_lost_points"], _summary(r)
    assert r.findings[0].paragraph.index == index


def test_no_problems_section_of_sichuan_beside_lost_points(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "四川")
    d = docx.Document(str(report))
    i = next(i for i, p in enumerate(d.paragraphs) if p.text.startswith("（二）存在的问题"))
    body = d.paragraphs[i + 1]
    assert body.text.strip()
    for r in body.runs[1:]:
        r._r.getparent().remove(r._r)
    body.runs[0].text = "无。"
    bad = tmp_path / "nil.docx"
    d.save(str(bad))
    r = review_report(bad, wb)
    assert kinds(r) == ["no_problems_with_lost_points"], _summary(r)
    assert r.findings[0].paragraph.index == i + 1


def test_no_problems_beside_full_marks_is_fine(own_reports, tmp_path):
    wb, report = _own(own_reports, "盐边残疾人医保", "四川")  # it scores 100
    ok = tmp_path / "nil.docx"
    edit_paragraph(report, ok, "经自评，本项目各项指标均已完成，未发现需要说明的问题。", "无。")
    r = review_report(ok, wb)
    assert any(f.kind == "no_problems" for f in r.facts)
    assert r.findings == []


def test_counts(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "count.docx"
    edit_paragraph(report, bad, "共设置三级指标7项", "共设置三级指标9项")
    assert kinds(review_report(bad, wb)) == ["count_mismatch"]
    bad2 = tmp_path / "met.docx"
    edit_paragraph(report, bad2, "6项达到年度指标值", "7项达到年度指标值")
    assert kinds(review_report(bad2, wb)) == ["count_mismatch"]


def test_indicator_actual(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "row.docx"
    edit_paragraph(report, bad, "实际39.75万元", "实际38.75万元")
    r = review_report(bad, wb)
    assert kinds(r) == ["indicator_mismatch"], _summary(r)
    assert r.findings[0].cell.startswith("绩效指标!")


def test_year_in_the_title(own_reports, tmp_path):
    wb, report = _own(own_reports, "临汾购买服务", "通用")
    bad = tmp_path / "year.docx"
    edit_paragraph(report, bad, "2021年度城乡居民购买服务经费配套项目", "2020年度城乡居民购买服务经费配套项目")
    r = review_report(bad, wb)
    assert kinds(r) == ["year_mismatch"], _summary(r)
    assert r.findings[0].paragraph.index == 0


def _drop_section(src: Path, dst: Path, heading: str) -> None:
    d = docx.Document(str(src))
    paras = d.paragraphs
    i = next(i for i, p in enumerate(paras) if p.text.strip() == heading)
    def style(p) -> str:
        return p.style.name if p.style is not None else ""

    level = style(paras[i])
    doomed = [paras[i]]
    for p in paras[i + 1 :]:
        if style(p) == level or style(p).startswith("附件"):
            break
        doomed.append(p)
    for p in doomed:
        p._p.getparent().remove(p._p)
    d.save(str(dst))


@pytest.mark.parametrize("style, heading", [("通用", "六、有关建议"), ("山西", "四、项目主要经验做法"), ("四川", "三、项目实施及管理情况"), ("陕西", "四、存在问题与改进措施")])
def test_a_missing_section_of_the_detected_style(own_reports, tmp_path, style, heading):
    wb, report = _own(own_reports, "临汾购买服务", style)  # every field filled: no 待完善事项 naming the sections
    bad = tmp_path / "section.docx"
    _drop_section(report, bad, heading)
    r = review_report(bad, wb)
    assert r.style == style and r.style_detected
    assert [f.kind for f in r.findings if f.kind == "section_missing"] == ["section_missing"], _summary(r)
    assert heading[2:] in next(f.message for f in r.findings if f.kind == "section_missing")


def test_style_given_checks_that_outline(own_reports):
    wb, report = _own(own_reports, "盐边残疾人医保", "通用")
    r = review_report(report, wb, style="山西")
    assert r.style == "山西" and not r.style_detected
    assert r.findings and all(f.kind == "section_missing" for f in r.findings)


@pytest.mark.parametrize("style", ["通用", "山西", "四川", "陕西"])
def test_a_report_typed_without_heading_styles_reads_the_same(own_reports, tmp_path, style):
    """Units type headings as plain paragraphs (一、…); the outline is told by the numbers then."""
    wb, report = _own(own_reports, "临汾购买服务", style)
    d = docx.Document(str(report))
    normal = d.styles["Normal"]
    for p in d.paragraphs:
        p.style = normal
    plain = tmp_path / "plain.docx"
    d.save(str(plain))
    r = review_report(plain, wb)
    assert r.style == style and r.style_detected
    assert r.findings == [], _summary(r)
    bad = tmp_path / "bad.docx"
    edit_paragraph(plain, bad, "84.31分", "94.31分")
    assert kinds(review_report(bad, wb)) == ["total_mismatch"]


def test_a_pending_table_total_is_said_unclear_not_judged(own_reports, tmp_path):
    """The table's total is 待定 (an actual left blank): the report's total and grade cannot be
    checked; the review says which and why, once each, and judges nothing."""
    import openpyxl

    wb, report = _own(own_reports, "临汾购买服务", "通用")
    pending = tmp_path / "待定.xlsx"
    book = openpyxl.load_workbook(wb)
    ws = book["绩效指标"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=12) if any(c.value == "实际完成值" for c in r))
    col = next(c.column for c in header if c.value == "实际完成值")
    ws.cell(header[0].row + 1, col).value = None
    book.save(pending)
    r = review_report(report, pending)
    assert sorted(f.code for f in r.findings) == ["V002", "V002"], _summary(r)
    assert all(f.kind == "table_unreadable" and "待定" in f.message for f in r.findings)
    assert {("总分" in f.message) or ("等级" in f.message) for f in r.findings} == {True}


def test_several_projects_tables_the_title_picks_one_or_none_is_guessed(own_reports, tmp_path):
    _, goumai = _own(own_reports, "临汾购买服务", "通用")
    _, yanbian = _own(own_reports, "盐边残疾人医保", "通用")
    d = docx.Document(str(goumai))
    other = docx.Document(str(yanbian))
    annex = max(other.tables, key=lambda t: len(t.rows))  # its 自评表
    body = d.element.body
    caption = d.add_paragraph("附件2：项目支出绩效自评表")._p  # text between: two adjacent tables are one split across pages
    body.remove(caption)
    body.insert(len(body) - 1, caption)
    body.insert(len(body) - 1, copy.deepcopy(annex._tbl))  # before the section properties
    both = tmp_path / "both.docx"
    d.save(str(both))
    r = review_report(both)
    assert r.table is not None and r.findings == [], _summary(r)  # the title names 城乡居民购买服务经费配套项目
    neutral = tmp_path / "neutral.docx"
    edit_paragraph(both, neutral, "2021年度城乡居民购买服务经费配套项目", "2021年度项目")
    r = review_report(neutral)
    assert [f.code for f in r.findings] == ["V001"] and "无法确定" in r.findings[0].message, _summary(r)


def test_an_unnamed_annex_quoted_piece_by_piece_is_still_the_table(own_reports, tmp_path):
    """山西 reports quote the annex's rows in 二、's small tables before the annex; when the annex
    names no project (many units' do not), the table holding every row is the annex."""
    wb, report = _own(own_reports, "临汾购买服务", "山西")
    d = docx.Document(str(report))
    blanked = 0
    for t in d.tables:
        for row in t.rows:
            for c in row.cells:
                if c.text.strip() == "城乡居民购买服务经费配套项目":
                    for p in c.paragraphs:
                        for r in p.runs:
                            r.text = ""
                    blanked += 1
    assert blanked
    unnamed = tmp_path / "unnamed.docx"
    d.save(str(unnamed))
    r = review_report(unnamed)
    assert r.table is not None and len(r.table.evaluation.indicators) >= 7
    assert r.findings == [], _summary(r)
