"""The one-sheet forms units hold, in every layout and format: read with the unit's own total, grade
and indicator count, or withheld with each reason at its cell — never a plausible wrong total."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.forms import fixtures as F
from xlperf.api import check_file
from xlperf.core.errors import InputError

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _check(path: Path, table: int | None = None):
    ev = check_file(path, table)
    return ev, ev.input


def _codes(ev) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in ev.findings:
        out.setdefault(f.code, []).append(f.cell)
    return out


# --- each layout: the unit's total, grade, indicator count and project ------------------------------


@pytest.mark.parametrize(
    "build, layout, count, total, grade",
    [
        (F.national, "全国", 7, 84.31, "良"),
        (F.hunan, "湖南", 7, 84.31, "良"),
        (F.shanxi, "山西", 8, 84.31, "良"),
        (F.shaanxi, "陕西", 7, 84.31, "良"),
        (F.sichuan, "四川", 10, 100.0, "优"),
    ],
)
def test_each_layout_reads_the_units_total(tmp_path: Path, build, layout, count, total, grade) -> None:
    ev, inp = _check(build().xlsx(tmp_path / "表.xlsx"))
    assert ev.final, [f.message for f in ev.withheld]
    assert (ev.total_score, ev.grade, len(inp.indicators), ev.total_weight) == (total, grade, count, 100.0)
    assert inp.info.extra["表样"] == layout
    assert inp.info.year == "2021"
    assert inp.info.name in (F.GOUMAI["name"], "城乡残疾人医疗保险资助金")
    if layout != "山西":  # 山西 附件1 names only the project
        assert inp.info.department and inp.info.unit
        assert inp.declared_total_score == total


def test_national_form_reads_every_block(tmp_path: Path) -> None:
    ev, inp = _check(F.national().xlsx(tmp_path / "表.xlsx"))
    assert (inp.info.department, inp.info.unit) == (F.GOUMAI["department"], F.GOUMAI["unit"])
    assert inp.info.annual_goal == F.GOAL and inp.info.annual_goal_result == F.RESULT
    total = inp.budget.line("年度资金总额")
    assert (total.initial, total.full_year, total.executed, total.weight) == (40, 40, 37.24, 10)
    assert ev.budget.score == 9.31
    # the 总分 row (merged across the label columns) is the declared total, never an indicator
    assert inp.declared_total_weight == 100 and inp.declared_total_row == 20
    assert [i.level3 for i in inp.indicators][-1] == "社会满意度"
    # 一级/二级 carried down their merged ranges; the unit's 得分 kept as its own (manual) scores
    assert [i.level1 for i in inp.indicators] == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]
    assert [i.manual_score for i in inp.indicators] == [10, 10, 10, 20, 0, 15, 10]
    assert inp.indicators[4].reason == F.REASON_0


def test_hunan_labels_declare_subtotals(tmp_path: Path) -> None:
    ev, inp = _check(F.hunan().xlsx(tmp_path / "表.xlsx"))
    declared = {(s.level, s.name): s.declared for s in inp.subtotals}
    assert declared == {(1, "产出指标"): 50, (1, "效益指标"): 40, (2, "数量指标"): 10, (2, "成本指标"): 20}
    assert "E102" not in _codes(ev)
    assert inp.info.style == "湖南"


def test_shanxi_budget_is_the_first_indicator_row(tmp_path: Path) -> None:
    ev, inp = _check(F.shanxi().xlsx(tmp_path / "表.xlsx"))
    assert inp.indicators[0].level3 == "预算执行率" and inp.indicators[0].weight == 10
    assert not inp.budget.present and "E034" not in _codes(ev)
    assert ev.budget.scored_in_indicators


def test_shaanxi_budget_without_full_year_column(tmp_path: Path) -> None:
    ev, inp = _check(F.shaanxi().xlsx(tmp_path / "表.xlsx"))
    assert inp.info.department == F.GOUMAI["department"]  # the code after the name is dropped
    assert ev.budget.execution_rate == 0.931 and ev.budget.score == 9.31
    assert inp.indicator_columns["偏差原因分析及改进措施"] == 9  # 未完成原因分析


def test_sichuan_kinds_units_and_text_rows(tmp_path: Path) -> None:
    ev, inp = _check(F.sichuan().xlsx(tmp_path / "表.xlsx"))
    by_name = {i.level3: i for i in inp.indicators}
    assert by_name["政策知晓率"].target == "95%" and by_name["资助参保人数"].actual == "5756人"
    assert by_name["政策知晓率"].direction == "≥" and by_name["资助标准"].direction == "定性"
    # 评价结论 / 存在问题 / 改进措施 and the signatures below 合计 are text, never indicators
    assert all("结论" not in i.level3 and "负责人" not in i.level3 for i in inp.indicators)
    assert inp.info.measures == "继续加强项目管理"
    total = inp.budget.line("年度资金总额")
    assert (total.full_year, total.executed, total.weight) == (205.1, 205.1, 10)
    assert {ln.source for ln in inp.budget.lines} >= {"财政拨款", "财政专户管理资金", "单位资金", "其他资金"}


def test_sichuan_without_the_total_row_is_withheld(tmp_path: Path) -> None:
    form = F.sichuan()
    form.rows = [r for r in form.rows if r[0] != "合计"]
    ev, _ = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert ev.total_score is None and "E036" in _codes(ev)


# --- where the table sits: offset, spacer column, hidden column ---------------------------------------


def test_offset_table_with_a_spacer_column(tmp_path: Path) -> None:
    form = F.national().insert_col(4).offset(3, 2)  # starts at C4, empty column between 三级 and 指标值
    ev, inp = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert (ev.total_score, ev.grade, len(inp.indicators)) == (84.31, "良", 7)
    assert inp.info.name == F.GOUMAI["name"]
    assert inp.indicator_columns["三级指标"] == 6 and inp.indicator_columns["年度指标值"] == 8


def test_hidden_column_is_not_read(tmp_path: Path) -> None:
    base = F.national()
    form = base.insert_col(7, {r: 99 for r in range(len(base.rows))}, hidden=True)  # old scores, hidden
    ev, inp = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert (ev.total_score, len(inp.indicators)) == (84.31, 7)
    assert "I038" in _codes(ev)


def test_labels_with_line_breaks_spaces_and_full_width_brackets(tmp_path: Path) -> None:
    form = F.national()
    for r in form.rows:
        for i, v in enumerate(r):
            if v == "三级指标":
                r[i] = "三级\n指标"
            elif v == "项目名称":
                r[i] = "项 目 名 称"
            elif v == "偏差原因分析及改进措施":
                r[i] = "偏差原因分析\n及改进措施（选填）"
    ev, inp = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert (ev.total_score, len(inp.indicators), inp.info.name) == (84.31, 7, F.GOUMAI["name"])
    assert inp.indicators[4].reason == F.REASON_0


# --- .xls, .ods, Word -----------------------------------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_old_excel_and_opendocument(tmp_path: Path, fmt: str) -> None:
    src = F.national().xlsx(tmp_path / "表.xlsx")
    ev, inp = _check(F.convert(src, fmt, tmp_path))
    assert (ev.total_score, ev.grade, len(inp.indicators), inp.info.name) == (84.31, "良", 7, F.GOUMAI["name"])


def test_word_document_with_two_annex_tables(tmp_path: Path) -> None:
    p = F.docx_with_annexes(tmp_path / "部门整体.docx", [("附件2 项目支出绩效自评表（购买服务）", F.national()), ("附件3 项目支出绩效自评表（残疾人医保）", F.sichuan())])
    with pytest.raises(InputError, match=r"有 2 张自评表.*--table"):
        check_file(p)
    ev1, inp1 = _check(p, 1)
    ev2, inp2 = _check(p, 2)
    assert (ev1.total_score, len(inp1.indicators), inp1.info.name) == (84.31, 7, F.GOUMAI["name"])
    assert (ev2.total_score, len(inp2.indicators), inp2.info.name) == (100.0, 10, "城乡残疾人医疗保险资助金")
    assert [f.sheet for f in ev1.findings] and all(f.sheet == "表1" for f in ev1.findings)


def test_word_table_split_across_pages(tmp_path: Path) -> None:
    p = F.docx_split(tmp_path / "跨页.docx", F.national(), at=15)
    ev, inp = _check(p)
    assert (ev.total_score, ev.grade, len(inp.indicators)) == (84.31, "良", 7)


@pytest.mark.parametrize("suffix, hint", [(".et", r"WPS.*另存为.*xlsx"), (".doc", r"旧版 Word.*另存为.*docx")])
def test_formats_to_save_as(tmp_path: Path, suffix: str, hint: str) -> None:
    p = tmp_path / f"自评表{suffix}"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match=hint):
        check_file(p)


# --- bad tables: withheld, each reason at its cell -----------------------------------------------------


def _national_with(change) -> F.Form:
    form = F.national()
    for r in form.rows:
        change(r)
    return form


def _set(level3: str, col: int, value):
    def change(r):
        if r[3] == level3:
            r[col] = value

    return change


@pytest.mark.parametrize(
    "name, build, code, cell",
    [
        ("two_totals", lambda: F.Form(F.national().rows + [["合计", None, None, None, None, None, 100, 84.31, None]], F.national().merges), "E031", "22:22"),
        ("cut_off", lambda: F.cut(F.national(), 17), "E036", "17:17"),
        ("text_weight", lambda: _national_with(_set("购买服务项目", 6, "十分")), "E033", "G13"),
        ("score_without_level3", lambda: _national_with(_set("跟踪管理机制", 3, None)), "E032", "G18"),
        ("declared_total_differs", lambda: F.national(total=85), "E105", "H20"),
        ("no_budget_block", lambda: F.Form([r for r in F.national().rows if r[1] not in ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金") and r[0] != "项目资金（万元）"], []), "E034", None),
    ],
)
def test_bad_tables_are_withheld_with_the_cell(tmp_path: Path, name, build, code, cell) -> None:
    ev, _ = _check(build().xlsx(tmp_path / f"{name}.xlsx"))
    assert ev.total_score is None and ev.grade == "" and ev.grade_text == "待定"
    assert code in _codes(ev), [f"{f.code} {f.cell} {f.message}" for f in ev.findings]
    if cell:
        assert cell in _codes(ev)[code]
    assert any(f.code == code for f in ev.withheld)


def test_rows_after_the_total_with_points_are_refused(tmp_path: Path) -> None:
    form = F.national()
    form.rows.append([None, "产出指标", "数量指标", "补充指标", "1", "1", 5, 5, None])
    ev, _ = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert ev.total_score is None and "E037" in _codes(ev)


def test_a_sheet_without_an_indicator_table_is_refused(tmp_path: Path) -> None:
    form = F.Form([["项目支出绩效自评表"], ["项目名称", "某项目"], ["总分", 100]])
    with pytest.raises(InputError):
        check_file(form.xlsx(tmp_path / "表.xlsx"))


def test_unreadable_unit_score_withholds(tmp_path: Path) -> None:
    ev, _ = _check(_national_with(_set("购买服务项目", 7, "满分")).xlsx(tmp_path / "表.xlsx"))
    assert ev.total_score is None and "H13" in _codes(ev)["E030"]


def test_an_indicator_whose_name_starts_like_a_note_is_still_an_indicator(tmp_path: Path) -> None:
    form = F.national()
    form.merges = [m for m in form.merges if m[1] > 1]  # no block label or 一级 down columns A, B (as .ods gives them)
    for r in form.rows:
        if r[3] == "项目计划完成时间":
            r[2], r[3] = None, "说明书发放时间"
    ev, inp = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert (ev.total_score, len(inp.indicators), inp.indicators[2].level3) == (84.31, 7, "说明书发放时间")


def test_hidden_row_is_not_read(tmp_path: Path) -> None:
    form = F.national()
    at = next(i for i, r in enumerate(form.rows) if r[3] == "社会满意度")
    form.rows.insert(at, [None, None, None, "旧指标（已停用）", "1", "1", 10, 10, None])
    form.merges = [(a + (a >= at), b, c + (c >= at), d) for a, b, c, d in form.merges]
    form.hidden_rows = [at]
    ev, inp = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert (ev.total_score, len(inp.indicators)) == (84.31, 7)
    assert any(f.code == "I038" and f.cell.startswith(str(at + 1)) for f in ev.findings)


def test_budget_block_without_amounts_withholds(tmp_path: Path) -> None:
    form = F.national()
    for r in form.rows:
        if r[1] == "年度资金总额":
            r[3] = r[4] = None  # 全年预算数, 全年执行数 left blank
    ev, _ = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert ev.total_score is None and "E035" in _codes(ev)
    assert _codes(ev)["E035"] == ["D6"]


def test_the_cheap_suffix_check_matches_the_readers() -> None:
    from xlperf.forms import kind, sources

    assert set(kind.FORM_ONLY_SUFFIXES) == set(sources.CALAMINE_SUFFIXES + sources.WORD_SUFFIXES + tuple(sources.SAVE_AS_SUFFIXES))


def test_word_annex_with_the_project_written_above_the_table(tmp_path: Path) -> None:
    import docx

    form = F.national()
    form.rows = form.rows[4:]  # the table starts at 项目资金; title, year, name, department are paragraphs
    form.merges = [(a - 4, b, c - 4, d) for a, b, c, d in form.merges if a >= 4]
    doc = docx.Document()
    doc.add_paragraph("项目支出绩效自评表")
    doc.add_paragraph("（2021年度）")
    doc.add_paragraph(f"项目名称：{F.GOUMAI['name']}")
    doc.add_paragraph(f"主管部门：{F.GOUMAI['department']}    实施单位：{F.GOUMAI['unit']}")
    form.docx_table(doc)
    doc.save(tmp_path / "附件.docx")
    ev, inp = _check(tmp_path / "附件.docx")
    assert (inp.info.name, inp.info.department, inp.info.unit, inp.info.year) == (F.GOUMAI["name"], F.GOUMAI["department"], F.GOUMAI["unit"], "2021")
    assert (ev.total_score, len(inp.indicators)) == (84.31, 7)


def test_percent_unit_with_a_fraction_on_one_side_withholds(tmp_path: Path) -> None:
    form = F.sichuan()
    for r in form.rows:
        if r[3] == "工作满意度":
            r[7] = 0.99  # a cell shown as 99% beside a target typed as 99 with 度量单位 %
    ev, _ = _check(form.xlsx(tmp_path / "表.xlsx"))
    assert ev.total_score is None and "E029" in _codes(ev)


def _national_budget(executed) -> F.Form:
    form = F.national()
    for r in form.rows:
        if r[1] == "年度资金总额":
            r[4] = executed  # 全年执行数
    return form


def test_a_percentage_in_an_amount_cell_withholds_and_an_amount_with_its_unit_is_read(tmp_path: Path) -> None:
    ev, _ = _check(_national_budget("97.2%").xlsx(tmp_path / "pct.xlsx"))
    assert ev.total_score is None and ev.budget.pending
    assert [(f.code, f.cell) for f in ev.withheld] == [("E207", "E6")]
    ev, inp = _check(_national_budget("37.24万元").xlsx(tmp_path / "unit.xlsx"))  # the form's amounts are in 万元
    assert ev.final and ev.total_score == 84.31 and inp.budget.line("年度资金总额").executed == 37.24
    assert _codes(ev)["I014"] == ["E6"]


def test_a_weight_written_with_its_unit_is_read_and_noted(tmp_path: Path) -> None:
    ev, _ = _check(_national_with(_set("购买服务项目", 6, "10分")).xlsx(tmp_path / "表.xlsx"))
    assert ev.final and ev.total_score == 84.31 and _codes(ev)["I014"] == ["G13"]
    ev, _ = _check(_national_with(_set("购买服务项目", 6, "10万元")).xlsx(tmp_path / "钱.xlsx"))
    assert ev.total_score is None and "G13" in _codes(ev)["E033"]
