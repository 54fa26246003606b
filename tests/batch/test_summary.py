"""The 汇总表 as printed and read: totals, grade counts, status words, links, print setup."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from xlperf.batch.summary import (
    COLUMNS,
    SHEET_DEPARTMENTS,
    SHEET_FINDINGS,
    SHEET_SUMMARY,
    STATUS_ERRORS,
    STATUS_FAILED,
    STATUS_PENDING,
    TOTAL_LABEL,
    SummaryRecord,
    summary_totals,
    write_summary_csv,
    write_summary_xlsx,
)


def _records() -> list[SummaryRecord]:
    def rec(i: int, score, grade: str, status: str = "成功", dept: str = "县医疗保障局") -> SummaryRecord:
        return SummaryRecord(
            file=f"单位{i}/自评表.xlsx", project=f"项目{i}", department=dept, unit="某中心", evaluation_type="项目支出",
            budget=40.0, executed=30.0 + i, execution_rate=(30.0 + i) / 40.0, total_score=score, grade=grade, status=status,
            error_count=1 if status == STATUS_ERRORS else 0, warning_count=i,
            report=f"单位{i}-自评报告.docx", outputs=[f"单位{i}-自评报告.docx", f"单位{i}-自评报告.pdf", f"单位{i}-自评报告.md"],
        )

    return [
        rec(1, 92.0, "优"),
        rec(2, 84.0, "良", dept="县卫生健康局"),
        rec(3, None, "待定", STATUS_PENDING),  # a draft total of 70 must count nowhere
        rec(4, 61.0, "差", STATUS_ERRORS),
        SummaryRecord(file="坏.xlsx", status=STATUS_FAILED, error_message="不是 Excel 工作簿"),
    ]


def _by_label(ws, label: str) -> dict[str, object]:
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == label:
            return dict(zip(header, row))
    raise AssertionError(f"no row {label}")


def test_totals_leave_pending_and_failed_workbooks_out_of_grades_and_average():
    t = summary_totals(_records())
    assert t["count"] == 5
    assert t["grades"] == {"优": 1, "良": 1, "中": 0, "差": 1} and t["pending"] == 1
    assert t["average"] == round((92 + 84 + 61) / 3, 2)
    assert t["budget"] == 160.0 and t["executed"] == 31 + 32 + 33 + 34 and t["rate"] == round(130 / 160, 4)
    assert t["status"] == {"完成": 2, "待定": 1, "错误": 2}


def test_summary_sheet_has_totals_grade_counts_status_words_and_links(tmp_path):
    out = write_summary_xlsx(_records(), tmp_path / "汇总表.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET_SUMMARY]
    header = [c.value for c in ws[1]]
    status = header.index("状态")
    assert sorted(r[status] for r in ws.iter_rows(min_row=2, max_row=6, values_only=True)) == sorted(["完成", "完成", "待定", "错误", "错误"])
    total = _by_label(ws, TOTAL_LABEL)
    assert total["总分"] == 79.0 and total["全年预算数（万元）"] == 160.0 and total["执行率"] == round(130 / 160, 4)
    assert ws.cell(7, 1).font.b
    grades = _by_label(ws, "等级分布")
    note = grades[header[1]]
    assert "优 1，良 1，中 0，差 1" in note and "总分待定 1 个" in note and "完成 2，待定 1，错误 2" in note
    # the filter covers the records only, not the totals
    assert ws.auto_filter.ref.endswith("6")
    # a link to the report in each format produced: Word (报告文件), PDF and Markdown columns
    assert header[len(COLUMNS):] == ["报告（PDF）", "报告（Markdown）"]
    for col in (header.index("报告文件"), len(COLUMNS), len(COLUMNS) + 1):
        linked = [ws.cell(r, col + 1) for r in range(2, 7) if ws.cell(r, col + 1).value]
        assert len(linked) == 4 and all(c.hyperlink is not None and c.hyperlink.target == c.value for c in linked)
    # 按主管部门: a 待定 column and a 合计 row
    d = wb[SHEET_DEPARTMENTS]
    total = _by_label(d, "合计")
    assert (total["工作簿数"], total["优"], total["良"], total["差"], total["待定"], total["失败"]) == (5, 1, 1, 1, 1, 1)
    assert total["平均分"] == 79.0


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header(tmp_path):
    out = write_summary_xlsx(_records(), tmp_path / "汇总表.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SHEET_SUMMARY, SHEET_DEPARTMENTS, SHEET_FINDINGS]
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == 9, ws.title
        assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2", ws.title
        assert "&P" in ws.oddFooter.center.text


def test_csv_says_the_same_status_words(tmp_path):
    out = write_summary_csv(_records(), tmp_path / "汇总表.csv")
    text = out.read_text(encoding="utf-8-sig")
    assert "完成" in text and "待定" in text and "错误" in text and "成功" not in text and "有错误" not in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None, reason="LibreOffice/poppler missing")
def test_summary_prints_to_pdf_one_page_wide_with_its_total_row(tmp_path):
    records = _records() * 8  # 40 rows: more than fit a page's height, never wider than a page
    out = write_summary_xlsx(records, tmp_path / "汇总表.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "汇总表.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert abs(w - 841.9) < 1 and abs(h - 595.3) < 1  # A4 landscape
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    # one page width: the first page carries the first and the last column of the 汇总 sheet
    assert "文件" in first and "报告（Markdown）" in first and TOTAL_LABEL in first and "等级分布" in first
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[-1])
    assert pages <= 4  # 汇总 + 按主管部门 + 全部问题, none split across page widths


def _odd_records() -> list[SummaryRecord]:
    """Records whose text is hard to write: XML specials, a carriage return, edge spaces, text
    that looks like a formula, characters beyond the BMP, empty and missing findings fields."""
    recs = _records()
    recs[0].project = ' 前后有空格 & <标签> "引号" \r\n第二行\t制表 '
    recs[0].error_message = "=HYPERLINK(\"http://x\")"
    recs[0].report = "甲&乙/报告 <1> '引号' \"双\".docx"  # a hyperlink target to escape
    recs[1].findings = [
        {"文件": recs[1].file, "级别": "错误", "位置": "绩效指标!E8", "规则": "E101", "说明": "分值合计 105 ≠ 100 😀 \x01控制符"},
        {"文件": recs[1].file, "级别": "警告", "位置": "", "规则": "W601", "说明": "+1 -1 @x"},
        {"文件": recs[1].file, "级别": "提示"},
    ]
    recs[2].budget = float("nan")
    return recs


def _parts(path) -> dict[str, bytes]:
    import re
    import zipfile

    stamp = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
    with zipfile.ZipFile(path) as z:
        return {i.filename: stamp.sub(b"", z.read(i)) for i in z.infolist()}


def test_fast_rows_are_the_bytes_openpyxl_writes(tmp_path, monkeypatch):
    from xlperf.batch import summary

    fast = write_summary_xlsx(_odd_records(), tmp_path / "fast.xlsx")
    monkeypatch.setattr(summary._RowWriter, "start", classmethod(lambda cls, ws: None))
    slow = write_summary_xlsx(_odd_records(), tmp_path / "slow.xlsx")
    assert _parts(fast) == _parts(slow)
    ws = openpyxl.load_workbook(fast)[SHEET_FINDINGS]
    assert ws.cell(row=2, column=5).value == "分值合计 105 ≠ 100 😀 控制符"


def test_a_record_store_gives_the_summary_of_its_records(tmp_path):
    from xlperf.batch.summary import RecordStore

    store = RecordStore()
    for rec in _odd_records():
        store.append(rec)
    assert [repr(r) for r in store] == [repr(r) for r in _odd_records()]  # repr: nan != nan
    assert store[-1].file == "坏.xlsx" and len(store) == 5
    a = write_summary_xlsx(store, tmp_path / "store.xlsx")
    b = write_summary_xlsx(_odd_records(), tmp_path / "list.xlsx")
    assert _parts(a) == _parts(b)
    c = write_summary_csv(store, tmp_path / "store.csv")
    d = write_summary_csv(_odd_records(), tmp_path / "list.csv")
    assert c.read_bytes() == d.read_bytes()


def test_the_overall_rate_counts_only_workbooks_with_a_budget():
    """Money spent without a 全年预算数 (E201, or left blank) has no rate: with it the 合计 执行率
    went above 1 while every workbook with a budget spent less than it."""
    recs = _records()
    recs.append(SummaryRecord(file="无预算.xlsx", budget=0.0, executed=56.924, total_score=99.33, grade="优", status=STATUS_ERRORS, error_count=1))
    recs.append(SummaryRecord(file="空白.xlsx", executed=12.0, total_score=80.0, grade="良"))
    t = summary_totals(recs)
    assert t["rate"] == round(130 / 160, 4) and t["rate"] <= 1 and t["unrated"] == 2
    assert t["executed"] == round(130 + 56.924 + 12, 6)  # the amounts still add up every workbook


def test_the_note_says_which_workbooks_the_rate_leaves_out(tmp_path):
    recs = _records() + [SummaryRecord(file="无预算.xlsx", budget=0.0, executed=56.924, total_score=99.33, grade="优")]
    ws = openpyxl.load_workbook(write_summary_xlsx(recs, tmp_path / "汇总表.xlsx"))[SHEET_SUMMARY]
    total = _by_label(ws, TOTAL_LABEL)
    assert total["执行率"] == round(130 / 160, 4)
    assert "1 个没有全年预算数" in _by_label(ws, "等级分布")[[c.value for c in ws[1]][1]]


def test_csv_headers_keep_the_unit_and_failed_files_were_not_made(tmp_path):
    import csv

    from xlperf.batch.summary import HANDLED_NEW, failed_record

    recs = _records()[:4] + [failed_record("坏.xlsx", "不是 Excel 工作簿")]
    out = write_summary_csv(recs, tmp_path / "汇总表.csv")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert "全年预算数（万元）" in rows[0] and "全年执行数（万元）" in rows[0]
    wb_header = [c.value for c in openpyxl.load_workbook(write_summary_xlsx(recs, tmp_path / "汇总表.xlsx"))[SHEET_SUMMARY][1]][: len(COLUMNS)]
    assert list(rows[0]) == wb_header  # the CSV and the workbook have the same headers
    bad = next(r for r in rows if r["文件"] == "坏.xlsx")
    assert bad["处理"] == "未完成" and bad["状态"] == "错误"
    assert all(r["处理"] == HANDLED_NEW for r in rows if r["文件"] != "坏.xlsx")


def test_every_column_shows_one_record_field():
    from dataclasses import fields

    from xlperf.batch.summary import COLUMN_FIELDS

    assert tuple(COLUMN_FIELDS) == COLUMNS
    names = {f.name for f in fields(SummaryRecord)}
    assert set(COLUMN_FIELDS.values()) <= names and len(set(COLUMN_FIELDS.values())) == len(COLUMNS)
    assert all(name.isascii() for name in names)
