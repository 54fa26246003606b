"""The form reader on shapes beyond its first five layouts: header bands, rows that are not
indicators, budget block variants — read right, or withheld with the cell named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.forms import fixtures as F
from tests.forms import wild as Wd
from xlperf.api import check_file
from xlperf.forms.band import find_band
from xlperf.forms.oneform import budget_source
from xlperf.forms.table import Table

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _codes(ev) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in ev.findings:
        out.setdefault(f.code, []).append(f.cell)
    return out


# --- placeholder rows -----------------------------------------------------------------------------


@pytest.mark.parametrize("per_group", [0, 1, 2, 4])
def test_placeholder_rows_are_neither_indicators_nor_findings(tmp_path: Path, per_group: int) -> None:
    ev = check_file(Wd.anhui(per_group).xlsx(tmp_path / "安徽.xlsx"))
    inp = ev.input
    assert ev.final, [f.message for f in ev.withheld]
    assert (len(inp.indicators), ev.total_score, ev.grade) == (Wd.ANHUI["count"], Wd.ANHUI["total"], Wd.ANHUI["grade"])
    assert [i.level3 for i in inp.indicators] == [r[2] for r in Wd.ANHUI_ROWS]
    skipped = {r.row for r in inp.reading.rows if r.kind in ("占位", "标题")}
    assert len(skipped) >= 5 * per_group
    # no finding sits on a placeholder row
    rows_with_findings = {int("".join(ch for ch in f.cell if ch.isdigit())) for f in ev.findings if f.cell}
    assert not rows_with_findings & skipped
    assert not any("……" in f.message or "指标1" in f.message for f in ev.findings)


def test_a_placeholder_row_with_points_withholds_naming_the_cell(tmp_path: Path) -> None:
    f = Wd.anhui(1)
    for r in f.rows:
        if r[3] == "指标2：":
            r[6] = 10  # a 分值 on a row with no indicator name
            break
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    assert not ev.final
    assert "E032" in _codes(ev) and _codes(ev)["E032"][0].startswith("G")


# --- two-row headers, 指标性质, 度量单位, the 总分 row anywhere -------------------------------------------


@pytest.mark.parametrize("parent", ["年度指标值", "三级指标"])
@pytest.mark.parametrize("unit, unit_line", [("万元", False), ("元", False), ("元", True)])
def test_two_row_header_reads_targets_not_the_kind_column(tmp_path: Path, parent: str, unit: str, unit_line: bool) -> None:
    ev = check_file(Wd.yunnan(parent=parent, unit=unit, unit_line=unit_line).xlsx(tmp_path / "云南.xlsx"))
    inp = ev.input
    assert ev.final, [f.message for f in ev.withheld]
    assert (len(inp.indicators), ev.total_score, ev.grade, ev.total_weight) == (7, 96.0, "优", 100.0)
    # the target is the 指标值 with its 度量单位; 指标性质 gives the direction, never a value
    assert [(i.direction, i.target, i.actual) for i in inp.indicators[:4]] == [
        ("≥", "5756人", "5756人"),
        ("=", "205.1万元", "205.1万元"),
        ("=", "100%", "100%"),
        ("≥", "95%", "96%"),
    ]
    assert [i.direction for i in inp.indicators[4:]] == ["定性", "定性", "≥"]
    assert (inp.info.name, inp.info.department, inp.info.unit) == (Wd.YUNNAN["name"], Wd.YUNNAN["department"], Wd.YUNNAN["unit"])
    # the last row carries 其他需要说明事项 and the 总分: 100, 96, 优 in columns of their own
    assert (inp.declared_total_weight, inp.declared_total_score, inp.declared_grade) == (100, 96, "优")
    assert inp.info.amount_unit == unit
    total = inp.budget.line("年度资金总额")
    assert total.full_year == (1_000_000 if unit == "元" else 100)
    assert inp.budget.line("财政拨款") is not None and ev.budget.score == 10
    assert not {"W310", "W107", "E105"} & set(_codes(ev))
    paths = {c.path: c.role for c in inp.reading.columns}
    assert paths[f"{parent}/指标性质"] == "指标方向" and paths[f"{parent}/指标值"] == "年度指标值"
    assert paths[f"{parent}/度量单位"] == "度量单位"


@pytest.mark.parametrize("at", [2, 4, 6])
def test_the_total_row_is_read_wherever_its_cells_sit(tmp_path: Path, at: int) -> None:
    f = Wd.yunnan()
    last = f.rows[-1]
    f.merges = [m for m in f.merges if m[0] != len(f.rows) - 1]
    last[:] = ["其他需要说明事项", "无"] + [None] * (Wd.W - 2)
    last[at : at + 4] = ["总分", 100, 96, "优"]
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    assert ev.final and (ev.total_score, len(ev.input.indicators)) == (96.0, 7)
    assert (ev.input.declared_total_weight, ev.input.declared_total_score) == (100, 96)


@needs_soffice
def test_two_row_header_as_old_excel(tmp_path: Path) -> None:
    from xlperf.api import list_forms

    xls = F.convert(Wd.yunnan().xlsx(tmp_path / "云南.xlsx"), "xls", tmp_path)
    ev = check_file(xls)
    assert ev.final and (ev.total_score, len(ev.input.indicators)) == (96.0, 7)
    rows = list_forms(xls)
    assert len(rows) == 1 and rows[0][2] is not None and rows[0][2].total_score == 96.0


# --- the budget block -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, source",
    [
        ("其中:本年财政拨款", "财政拨款"),
        ("其中：当年财政拨款", "财政拨款"),
        ("  其中： 财政资金", "财政拨款"),
        ("1.上年结转", "上年结转资金"),
        ("（3）其他资金", "其他资金"),
        ("年度资金总额", "年度资金总额"),
        ("其中：中央财政资金", "其中：中央"),
        ("县级财政资金", "其中：县级"),
        ("单位自有资金", "单位资金"),
    ],
)
def test_budget_rows_map_to_their_source(label: str, source: str) -> None:
    assert budget_source(label) == source


def test_a_printed_budget_score_is_named_with_both_numbers_and_the_total_withheld(tmp_path: Path) -> None:
    # the unit printed 9 for a 99.1% execution (the rule gives 9.91) and a total of 95 = 9 + 86
    f = Wd.yunnan(budget=(100, 100, 99.1, "99.1%", 9), total=("总分", 100, 95, "优"))
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    assert ev.budget.score == 9.91 and ev.input.budget.total.stated_score == 9
    e214 = [x for x in ev.findings if x.code == "E214"]
    assert len(e214) == 1 and "填写为 9，" in e214[0].message and "9.91" in e214[0].message
    assert e214[0] in ev.withheld  # which of score and amounts is wrong cannot be told: 待定 at that cell
    # the declared 95 is the unit's own sum: the message says so beside the computed 95.91
    e105 = [x for x in ev.findings if x.code == "E105"]
    assert not ev.final and len(e105) == 1
    assert "单位各行得分相加为 95，按规则计算为 95.91" in e105[0].message
    # without a declared total it is still 待定 at the budget 得分 cell, never a final 95.91
    f = Wd.yunnan(budget=(100, 100, 99.1, "99.1%", 9), total=("—", None, None, None))
    f.rows[-1][6:10] = ["总分", None, None, None]
    ev = check_file(f.xlsx(tmp_path / "无总分.xlsx"))
    assert not ev.final and ev.total_score is None and "E214" in _codes(ev)
    assert any(x.code == "E214" for x in ev.withheld)


def test_a_declared_total_names_the_units_own_sum(tmp_path: Path) -> None:
    rows = [r if r[2] != "服务对象满意度" else r[:8] + (12, r[9]) for r in Wd.YUNNAN_ROWS]  # 12 on a 10-point row
    ev = check_file(Wd.yunnan(rows=rows, total=("总分", 100, 102, "优")).xlsx(tmp_path / "表.xlsx"))
    e105 = [x for x in ev.findings if x.code == "E105"]
    assert not ev.final and len(e105) == 1
    assert "单位各行得分相加为 102" in e105[0].message and "按规则计算为 100" in e105[0].message


# --- the header band ----------------------------------------------------------------------------


def test_band_paths_and_roles() -> None:
    g = [
        ["一级指标", "二级指标", "三级指标", "三级指标", "三级指标", "指标值", "指标值", "分值", "评(扣)分标准", "备注"],
        ["一级指标", "二级指标", "指标内容", "指标性质", "度量单位", "年度指标值", "实际完成值", "分值", "评(扣)分标准", "备注"],
        ["产出指标", "数量指标", "人数", "≥", "人", 10, 12, 10, "按比例", None],
    ]
    band = find_band(g)
    assert band is not None and (band.top, band.bottom) == (1, 2)
    roles = {c.path: c.role for c in band.columns}
    assert roles == {
        "一级指标": "一级指标",
        "二级指标": "二级指标",
        "三级指标/指标内容": "三级指标",
        "三级指标/指标性质": "指标方向",
        "三级指标/度量单位": "度量单位",
        "指标值/年度指标值": "年度指标值",
        "指标值/实际完成值": "实际完成值",
        "分值": "分值",
        "评(扣)分标准": "评分标准",
        "备注": "备注",
    }


def test_a_data_row_is_never_taken_into_the_band() -> None:
    t = Table(name="表", grid=[["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值"], ["产出指标", "数量指标", "指标值", "完成", "完成", "10"]])
    band = find_band(t.filled())
    assert band is not None and band.bottom == 1


# --- what was read, shown ---------------------------------------------------------------------------


def test_check_explain_shows_the_band_each_column_and_each_skipped_row(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from xlperf.cli import cli

    p = Wd.yunnan().xlsx(tmp_path / "云南.xlsx")
    res = CliRunner().invoke(cli, ["check", "--explain", str(p)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "指标表头：第 12–13 行（2 行表头" in out
    assert "E 列 年度指标值/指标性质 → 指标方向" in out and "F 列 年度指标值/指标值 → 年度指标值（目标）" in out
    assert "第 7 行 其中：本年财政拨款 → 计入“财政拨款”" in out
    assert out.count("    第 ") >= 7 + 4  # each indicator row and each budget row
    assert "总分行：第 21 行，分值 100，得分 96，等级 优" in out
    # the placeholder form: each placeholder row named with why it was skipped
    p = Wd.anhui().xlsx(tmp_path / "安徽.xlsx")
    out = CliRunner().invoke(cli, ["check", "--explain", str(p)]).output
    assert "指标行（9 行）" in out and "“指标2：” 占位：模板占位行" in out and "“……” 占位" in out
    # JSON carries the same reading as data
    data = json.loads(CliRunner().invoke(cli, ["check", "--explain", "--format", "json", str(p)]).output)
    kinds = [r["kind"] for r in data["reading"]["rows"]]
    assert kinds.count("指标") == 9 and kinds.count("占位") >= 10 and kinds.count("合计") == 1
    # without --explain nothing of it is printed
    assert "读取方式" not in CliRunner().invoke(cli, ["check", str(p)]).output


def test_import_summary_says_what_was_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlperf.cli import cli

    p = Wd.anhui().xlsx(tmp_path / "安徽.xlsx")
    res = CliRunner().invoke(cli, ["import", str(p)])
    assert res.exit_code == 0, res.output
    assert "指标 9 项" in res.output and "指标表头：第 12 行" in res.output and "占位：模板占位行" in res.output


def test_a_missing_total_row_is_named_at_the_last_indicator_not_a_placeholder(tmp_path: Path) -> None:
    f = Wd.anhui(2)
    total = next(i for i, r in enumerate(f.rows) if r[0] == "总分")
    f.rows = f.rows[:total]
    f.merges = [m for m in f.merges if m[0] < total and m[2] < total]
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    e036 = [x for x in ev.findings if x.code == "E036"]
    assert not ev.final and len(e036) == 1
    last_indicator = ev.input.indicators[-1].row
    assert e036[0].cell == f"{last_indicator}:{last_indicator}"


def test_a_note_row_above_the_total_row_keeps_the_total(tmp_path: Path) -> None:
    """其他需要说明事项 on a row of its own, the 总分 row below it."""
    f = Wd.yunnan()
    last = len(f.rows) - 1
    f.merges = [m for m in f.merges if m[0] != last]
    f.rows[last] = ["其他需要说明事项", "无"] + [None] * (Wd.W - 2)
    f.merge(last, 1, last, Wd.W - 1)
    s = f.add("总分", None, None, None, None, None, None, None, 100, 96, "优")
    f.merge(s, 0, s, 7)
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    assert ev.final and (ev.total_score, len(ev.input.indicators)) == (96.0, 7)
    assert (ev.input.declared_total_weight, ev.input.declared_total_score, ev.input.declared_grade) == (100, 96, "优")


# --- .ods: merged cells read like .xlsx's --------------------------------------------------------------


def test_ods_merges_from_content_xml_with_repeats() -> None:
    from xlperf.forms.ods_merges import content_merges

    xml = (
        b'<office:spreadsheet><table:table table:name="A&amp;B"><table:table-column table:number-columns-repeated="9"/>'
        b'<table:table-row><table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="1"><text:p>t</text:p></table:table-cell>'
        b'<table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell/></table:table-row>'
        b'<table:table-row table:number-rows-repeated="4"><table:table-cell table:number-columns-repeated="2"/></table:table-row>'
        b'<table:table-row><table:table-cell/><table:table-cell table:number-rows-spanned="2"><text:p>x</text:p></table:table-cell></table:table-row>'
        b"</table:table></office:spreadsheet>"
    )
    assert content_merges(xml) == {"A&B": [(0, 0, 0, 2), (5, 1, 6, 1)]}


@needs_soffice
@pytest.mark.parametrize("build", [Wd.anhui, Wd.yunnan, F.sichuan], ids=["安徽", "云南", "四川"])
def test_an_ods_form_has_the_merges_of_the_same_xlsx(tmp_path: Path, build) -> None:
    from xlperf.forms.sources import open_tables

    x = build().xlsx(tmp_path / "表.xlsx")
    a, b = open_tables(x)[0], open_tables(F.convert(x, "ods", tmp_path))[0]
    assert sorted(a.merges) == sorted(b.merges) and a.filled() == b.filled()


def test_total_numbers_under_their_columns_follow_the_columns_not_the_row_order(tmp_path: Path) -> None:
    """A form printing 得分 before 分值: the 总分 row's 96 under 得分 and 100 under 分值."""
    f = Wd.yunnan()
    for r in f.rows:
        if len(r) > 9 and (r[8] == "分值" or isinstance(r[8], (int, float))):
            r[8], r[9] = r[9], r[8]
    last = f.rows[-1]
    last[6:10] = ["总分", None, 96, 100]
    last[10] = "优"
    ev = check_file(f.xlsx(tmp_path / "表.xlsx"))
    assert ev.input.indicator_columns["得分"] < ev.input.indicator_columns["分值"]
    assert (ev.input.declared_total_weight, ev.input.declared_total_score) == (100, 96)
    assert ev.final and ev.total_score == 96.0
