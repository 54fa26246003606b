"""山西's 行次 budget matrix (一（二）预算执行情况): its numbers are the 预算执行 sheet's, cell for cell,
blank where the sheet is blank; it sits under its heading in every format; a workbook without the
其中 rows, a draft, the 公示 copy and a template made before the matrix all still work."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf import report as R
from xlperf.core import layout
from xlperf.core.models import Budget, BudgetLine, Indicator, ProjectInfo, SelfEvaluation
from xlperf.core.narrative import Facts
from xlperf.core.narrative import matrix as M
from xlperf.core.scoring import evaluate
from xlperf.report.context import amount, budget_matrix_table, budget_table
from xlperf.core import values as V

SOURCES = layout.BUDGET_SOURCES
AMOUNTS = ("initial", "full_year", "received", "executed")
# the 预算执行 sheet's line under each column of the 临汾 form (stated here, not taken from the code)
COLUMN_OF = {"年度资金总额": "total", "财政拨款": "fiscal", "其中：中央": "central", "其中：省级": "province", "其中：市级": "city",
             "其中：县级": "county", "上年结转资金": "carryover", "其他资金": "other"}
ROW_LABEL = {key: label for key, label, _, _ in M.ROWS}

# --- the numbers, over generated budgets ----------------------------------------------------------

money = st.one_of(st.none(), st.just(0.0), st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False).map(float))


@st.composite
def budgets(draw):
    """A 预算执行 sheet: any subset of the eight sources in any order, each amount blank, 0 or a
    number (so 执行 > 预算, over-execution, and 预算 0 with spending arise), sometimes a source the
    matrix has no column for or a source typed twice."""
    sources = draw(st.lists(st.sampled_from(SOURCES), unique=True, max_size=8))
    sources += draw(st.lists(st.sampled_from(("单位资金", "财政专户管理资金", "其他资金")), max_size=2))
    lines = []
    for i, source in enumerate(sources):
        ln = BudgetLine(source=source, row=3 + i, **{a: draw(money) for a in AMOUNTS})
        if draw(st.booleans()) and ln.full_year:  # over-execution by up to half again
            ln.executed = round(ln.full_year * draw(st.floats(min_value=1.0, max_value=1.5)), 2)
        lines.append(ln)
    return lines


def _evaluation(lines: list[BudgetLine]):
    inp = SelfEvaluation(
        info=ProjectInfo(name="测试项目", amount_unit="万元", style="山西"),
        budget=Budget(lines=lines, present=True, header_row=2, columns={h: i + 1 for i, h in enumerate(layout.BUDGET_HEADERS)}),
        indicators=[Indicator(row=3, level1="产出指标", level2="数量指标", level3="完成数", weight=90.0)],
    )
    return evaluate(inp)


def _cell(tb: dict, row_key: str, col_key: str) -> str:
    row = next(r for r in tb["rows"] if r["item"].startswith(ROW_LABEL[row_key]))
    return row[col_key]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_the_matrix_is_the_budget_sheet_cell_for_cell(lines):
    ev = _evaluation(lines)
    tb = budget_matrix_table(ev)
    m = M.budget_matrix(ev)
    computed = {c["row"]: c for c in ev.budget.lines}
    placed = {}
    for ln in lines:
        if not ln.is_blank and ln.source in COLUMN_OF and COLUMN_OF[ln.source] not in placed:
            placed[COLUMN_OF[ln.source]] = ln
    if not placed and not any(not ln.is_blank for ln in lines):
        assert m.empty and tb["rows"][0].get("placeholder")
        return
    # the per-source table of the other styles, one row per non-blank line in sheet order
    old = {ln.row: r for ln, r in zip([x for x in lines if not x.is_blank], budget_table(ev)["rows"])}
    for source, key in COLUMN_OF.items():
        ln = placed.get(key)
        if ln is None:  # a source the sheet does not have (or left blank): a blank column, never 0
            assert all(_cell(tb, r, key) == "" for r, *_ in M.ROWS), key
            continue
        for a in AMOUNTS:
            value = getattr(ln, a)
            shown = _cell(tb, a, key)
            assert shown == amount(value) == old[ln.row][a]
            assert (shown == "") == (value is None)  # blank stays blank, a typed 0 stays 0
        got = computed[ln.row]
        both = ln.received is not None and ln.executed is not None
        balance = _cell(tb, "balance", key)
        assert balance == (amount(got["balance"]) if both else "")
        if both:
            assert balance == old[ln.row]["balance"]
        if both:
            assert V.round_half_up(float(balance), 2) == V.round_half_up(ln.received - ln.executed, 2)
        for rate_key, part in (("arrival_rate", ln.received), ("execution_rate", ln.executed)):
            shown = _cell(tb, rate_key, key)
            if part is None or not ln.full_year:
                assert shown == ""
            else:
                assert float(shown) == pytest.approx(V.round_half_up(part / ln.full_year * 100, 2), abs=0.011)
                assert shown + "%" == V.format_rate(got[rate_key]) == old[ln.row][rate_key]  # the budget table's rate
    # every non-blank line the matrix has no column for is said in words, amounts and all
    text = M.unplaced(Facts(ev))
    for ln in m.unplaced:
        assert ln.source in text
        for a in AMOUNTS:
            if getattr(ln, a) is not None:
                assert f"{amount(getattr(ln, a))}万元" in text
    assert (text == "") == (not m.unplaced)


def test_rows_and_columns_are_the_linfen_forms():
    ev = _evaluation([BudgetLine(source="年度资金总额", row=3, initial=40, full_year=40, received=40, executed=37.24)])
    tb = budget_matrix_table(ev)
    assert tb["top"] == ["项目", "行次", "年度总金额", "财政资金", "上年结转资金", "其他资金"]
    assert tb["sub"] == ["小计", "中央级", "省级", "市级", "县区级"]
    assert [(r["item"], r["line"]) for r in tb["rows"]] == [
        ("年初预算资金", "(1)"), ("全年预算资金", "(2)"), ("实际到位资金", "(3)"), ("全年执行资金", "(4)"),
        ("资金结余", "(5)=(3)-(4)"), ("预算到位率(%)", "(6)=(3)/(2)"), ("预算执行率(%)", "(7)=(4)/(2)"),
    ]
    assert [r["total"] for r in tb["rows"]] == ["40", "40", "40", "37.24", "2.76", "100.00", "93.10"]
    assert tb["note"] == "单位：万元"


def test_over_execution_shows_a_negative_balance_and_a_rate_above_100():
    ev = _evaluation([BudgetLine(source="年度资金总额", row=3, full_year=40, received=40, executed=44)])
    tb = budget_matrix_table(ev)
    assert _cell(tb, "balance", "total") == "-4"
    assert _cell(tb, "execution_rate", "total") == "110.00"
    assert _cell(tb, "initial", "total") == ""


# --- in the reports ----------------------------------------------------------------------------------


def _render(path: Path, out: Path, **kw) -> Path:
    R.render_report(path, out, style="山西", **kw)
    return out


def _section(md: str, heading: str) -> str:
    lines = md.split("\n")
    start = next(i for i, line in enumerate(lines) if line.lstrip("#").strip() == heading)
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        body.append(line)
    return "\n".join(body)


def _md_rows(section: str) -> dict[str, list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.split("\n") if line.startswith("|")]
    return {r[0]: r for r in rows}


def _edit_budget(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_BUDGET]
    edit(ws)
    wb.save(path)


def _budget_row(ws, source: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == source)


def test_markdown_places_the_matrix_under_its_heading(example_books, tmp_path):
    md = _render(example_books["goumai"], tmp_path / "g.md").read_text(encoding="utf-8")
    part = _section(md, "（二）预算执行情况")
    assert md.index("（二）预算执行情况") < md.index("| 项目 | 行次 |") < md.index("（三）项目绩效目标")
    rows = _md_rows(part)
    assert rows["项目"] == ["项目", "行次", "年度总金额", "财政资金小计", "其中：中央级", "其中：省级", "其中：市级", "其中：县区级", "上年结转资金", "其他资金"]
    assert rows["全年执行资金"] == ["全年执行资金", "(4)", "37.24", "37.24", "", "", "", "37.24", "", ""]
    assert rows["预算执行率(%)"][2] == "93.10"
    assert "资金来源" not in part  # the per-source table is not printed as well
    for style in ("通用", "四川", "陕西"):  # the other outlines keep their own budget table
        other = tmp_path / f"o-{style}.md"
        R.render_report(example_books["goumai"], other, style=style)
        assert "行次" not in other.read_text(encoding="utf-8")


def test_html_has_the_two_header_rows(example_books, tmp_path):
    html = _render(example_books["goumai"], tmp_path / "g.html").read_text(encoding="utf-8")
    table = html[html.index("（二）预算执行情况") : html.index("（三）项目绩效目标")]
    assert '<th rowspan="2">项目</th><th rowspan="2">行次</th><th rowspan="2">年度总金额</th><th colspan="5">财政资金</th>' in table
    assert "<tr><th>小计</th><th>中央级</th><th>省级</th><th>市级</th><th>县区级</th></tr>" in table
    assert "<td>全年执行资金</td><td>(4)</td><td>37.24</td><td>37.24</td><td></td><td></td><td></td><td>37.24</td>" in table


def _docx_tables_after(path: Path, heading: str):
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    seen = False
    for el in doc.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p" and Paragraph(el, doc).text.strip() == heading:
            seen = True
        elif tag == "tbl" and seen:
            return Table(el, doc)
    raise AssertionError(f"no table after {heading}")


def test_word_places_the_matrix_with_merged_headers(example_books, tmp_path):
    out = _render(example_books["goumai"], tmp_path / "g.docx")
    t = _docx_tables_after(out, "（二）预算执行情况")
    assert [c.text for c in t.rows[0].cells] == ["项目", "行次", "年度总金额"] + ["财政资金"] * 5 + ["上年结转资金", "其他资金"]
    assert [c.text for c in t.rows[1].cells][3:8] == ["小计", "中央级", "省级", "市级", "县区级"]
    assert [c.text for c in t.rows[5].cells] == ["全年执行资金", "(4)", "37.24", "37.24", "", "", "", "37.24", "", ""]
    assert len(t.rows) == 9
    xml = t._tbl.xml
    assert 'w:gridSpan w:val="5"' in xml and 'w:vMerge w:val="restart"' in xml
    assert "xlperf:" not in xml
    # the whole matrix keeps together: every row's paragraphs keep with the next row
    for tr in t._tbl.tr_lst:
        assert "<w:keepNext/>" in tr.xml


def test_a_workbook_without_the_breakdown_gets_blank_columns_not_zeros(example_books, tmp_path):
    p = tmp_path / "plain.xlsx"
    shutil.copy(example_books["goumai"], p)

    def drop(ws):
        for source in ("其中：中央", "其中：省级", "其中：市级", "其中：县级"):
            r = _budget_row(ws, source)
            for c in range(2, 6):
                ws.cell(r, c).value = None

    _edit_budget(p, drop)
    rows = _md_rows(_section(_render(p, tmp_path / "p.md").read_text(encoding="utf-8"), "（二）预算执行情况"))
    assert len(rows["项目"]) == 10  # the form's columns all the same
    for label in ("年初预算资金", "全年预算资金", "实际到位资金", "全年执行资金", "资金结余", "预算到位率(%)", "预算执行率(%)"):
        assert rows[label][4:8] == ["", "", "", ""], label
    assert rows["全年预算资金"][2:4] == ["40", "40"]


def test_a_draft_still_says_so_and_its_blank_cell_stays_blank(example_books, tmp_path):
    p = tmp_path / "draft.xlsx"
    shutil.copy(example_books["goumai"], p)

    def blank(ws):
        ws.cell(_budget_row(ws, "年度资金总额"), 5).value = None  # 全年执行数

    _edit_budget(p, blank)
    md = _render(p, tmp_path / "d.md").read_text(encoding="utf-8")
    assert "（草稿）" in md and "待定" in md
    rows = _md_rows(_section(md, "（二）预算执行情况"))
    assert rows["全年执行资金"][2] == ""  # never a 0 the user did not type
    assert rows["资金结余"][2] == "" and rows["预算执行率(%)"][2] == ""
    assert rows["全年执行资金"][3] == "37.24"  # the 财政拨款 line is as typed


def test_a_source_the_matrix_has_no_column_for_is_said_in_words(example_books, tmp_path):
    p = tmp_path / "extra.xlsx"
    shutil.copy(example_books["goumai"], p)

    def add(ws):
        r = ws.max_row + 1
        ws.cell(r, 1).value = "单位资金"
        ws.cell(r, 3).value = 5
        ws.cell(r, 5).value = 4

    _edit_budget(p, add)
    part = _section(_render(p, tmp_path / "e.md").read_text(encoding="utf-8"), "（二）预算执行情况")
    assert "单位资金：全年预算数5万元，全年执行数4万元，执行率80%" in part


def test_the_public_copy_keeps_the_matrix(example_books, tmp_path):
    md = _render(example_books["goumai"], tmp_path / "pub.md", public=True).read_text(encoding="utf-8")
    assert _md_rows(_section(md, "（二）预算执行情况"))["全年执行资金"][2] == "37.24"


def test_a_template_made_before_the_matrix_shows_the_budget_table(example_books, tmp_path, monkeypatch):
    """A unit's copy of an older shipped template has no place for the matrix: it gets the
    per-source budget table it knows, never an indicator table of empty cells."""
    import xlperf.report.templates.make_templates as mt

    tables = mt.tables_xml()
    branch = mt.tag("{%p elif t == 'budget_matrix' %}") + mt.budget_matrix_table_xml("tb")
    assert branch in tables
    monkeypatch.setattr(mt, "tables_xml", lambda: tables.replace(branch, ""))
    old = tmp_path / "old.docx"
    old.write_bytes(mt.build("山西"))
    with zipfile.ZipFile(old) as z:
        assert "budget_matrix" not in re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    out = tmp_path / "o.docx"
    R.render_report(example_books["goumai"], out, style="山西", template=old)
    t = _docx_tables_after(out, "（二）预算执行情况")
    assert [c.text for c in t.rows[0].cells][:2] == ["资金来源", "年初预算数"]
    assert [c.text for c in t.rows[1].cells][:5] == ["年度资金总额", "40", "40", "40", "37.24"]
