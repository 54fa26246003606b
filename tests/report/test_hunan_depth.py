"""湖南 部门整体支出 at the depth of the 浏阳 reference: the opening that cites 评价依据文件, the
spending by 功能科目, and 附件1's 控制率 / 政府采购 / 厉行节约 rows — each from the workbook, each
left out cleanly when empty, and a workbook made before them still reporting."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf import report as R
from xlperf.core import layout
from xlperf.core.basicdata import parse_basic_data
from xlperf.forms.basic_data import read_basic_data, with_rates

from tests.report.oracle.check import check_report
from tests.report.oracle.extract import load_md
from tests.report.oracle.gen import base_departments, write
from tests.report.oracle.run import render
from tests.report.oracle.truth import truth_of

DOCS = layout.STYLE_INFO_DEFAULTS["湖南"]["评价依据文件"]


def _department(path: Path, info: dict | None = None, *, functions=(), basic=None) -> Path:
    from xlperf.workbook.template import build_template, fill_workbook

    build_template(path, evaluation_type="部门整体支出", style="湖南")
    keys = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值")
    rows = [("产出指标", "数量指标", "完成年度重点工作数", 60, "≥12项", "12项"), ("效益指标", "社会效益", "群众满意度", 30, "≥90%", "93%")]
    fill_workbook(path, info={"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "评价年度": 2025, **(info or {})},
                  indicators=[dict(zip(keys, r)) for r in rows], basic=basic, functions=functions,
                  budget={"年度资金总额": {"全年预算数": 820, "实际到位数": 820, "全年执行数": 808}})
    return path


def _render(path: Path, fmt: str = "md", style: str = "湖南") -> str:
    out = path.with_name(f"{path.stem}-{style}.{fmt}")
    R.render_report(path, out, style=style)
    if fmt == "docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    return out.read_text(encoding="utf-8")


def _opening(md: str) -> str:
    """The paragraphs between the title and 一、."""
    body = md.split("## 一、", 1)[0].split("\n")
    return "\n".join(line for line in body if line and not line.startswith("#"))


# --- the opening ---------------------------------------------------------------------------------


def test_new_prefills_the_reference_documents_and_the_opening_cites_them_in_every_format(tmp_path):
    p = _department(tmp_path / "d.xlsx")
    md = _render(p)
    opening = _opening(md)
    assert opening.startswith("为全面落实《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）和《中共湖南省委办公厅")
    assert "（湘办发〔2019〕10号）精神" in opening
    assert opening.endswith("现将县医疗保障局2025年部门整体支出绩效自评结果报告如下：")
    html = _render(p, "html")
    assert html.index("中发〔2018〕34号") < html.index("一、部门概况")
    paras = [t for t in _render(p, "docx").split("\n") if t.strip()]
    at = next(i for i, t in enumerate(paras) if t.startswith("为全面落实"))
    assert paras[at + 1] == "一、部门概况" and at <= 3  # the title's lines, then the opening


def test_an_empty_field_opens_plainly_and_never_cites_a_document(tmp_path):
    for value in (None, "无", "  "):
        md = _render(_department(tmp_path / "e.xlsx", {"评价依据文件": value}))
        assert _opening(md) == "现将县医疗保障局2025年部门整体支出绩效自评结果报告如下："


@pytest.mark.parametrize("sep", ["\n", "；", ";\n"])
def test_the_documents_the_unit_lists_are_cited_in_its_order(tmp_path, sep):
    docs = ["《预算法》", "《山西省预算绩效管理办法》（晋财绩〔2020〕5号）", "《关于开展2025年度绩效自评的通知》（某财绩〔2026〕1号）"]
    opening = _opening(_render(_department(tmp_path / "u.xlsx", {"评价依据文件": sep.join(docs)})))
    assert opening.startswith(f"为全面落实{docs[0]}、{docs[1]}和{docs[2]}精神，")
    assert "中发〔2018〕34号" not in opening


def test_other_styles_and_project_reports_have_no_opening(tmp_path):
    p = _department(tmp_path / "d.xlsx")
    assert "报告如下" not in _render(p, style="通用")
    from xlperf.report.job import report_context
    from xlperf.workbook.load import load

    book = load(p)
    ctx, _ = report_context(book, "通用")
    assert ctx["preamble"] == ""


def test_next_years_workbook_keeps_the_documents(tmp_path):
    from xlperf.api import new_workbook
    from xlperf.workbook.load import load

    last = _department(tmp_path / "2025.xlsx", {"评价依据文件": "《某办法》（湘财绩〔2021〕9号）"})
    nxt = new_workbook(tmp_path / "2026.xlsx", style="湖南", evaluation_type="部门整体支出", from_=last)
    assert load(nxt).input.info.evaluation_basis == "《某办法》（湘财绩〔2021〕9号）"


# --- 功能科目 in the report ------------------------------------------------------------------------


def test_the_breakdown_follows_the_figures_and_a_sheet_left_empty_adds_nothing(tmp_path):
    basic = {"其中：基本支出": {"本年实际数": 300}, "其中：项目支出": {"本年实际数": 508}}
    fn = [("2080101", "行政运行", 300, None), ("210", "卫生健康支出", None, 508), ("2101202", "信息化建设", None, 8), ("2101301", "城乡医疗救助", None, 500)]
    md = _render(_department(tmp_path / "f.xlsx", functions=fn, basic=basic))
    assert "基本支出按支出功能分类科目分：行政运行300万元；以上合计300万元。" in md
    assert "项目支出按支出功能分类科目分：信息化建设8万元；城乡医疗救助500万元；以上合计508万元。" in md
    assert "卫生健康支出" not in md  # a 类 subtotal is not an item
    assert "“功能科目”" not in md  # sums that agree: nothing asked
    empty = _render(_department(tmp_path / "g.xlsx", basic=basic))
    assert "按支出功能分类科目" not in empty


def test_a_mismatch_with_the_basic_data_is_an_open_item(tmp_path):
    basic = {"其中：项目支出": {"本年实际数": 7645.75}}
    md = _render(_department(tmp_path / "m.xlsx", functions=[("2101301", "城乡医疗救助", None, 7078.75)], basic=basic))
    assert "以上合计7078.75万元。【请在“功能科目”工作表（或“基础数据”工作表）中填写一致的金额" in md
    assert "相差567万元" in md.split("待完善事项")[-1]  # listed among the open items: the report is a draft


# --- 附件1 --------------------------------------------------------------------------------------

amounts = st.one_of(st.none(), st.just(0), st.integers(0, 99999).map(lambda c: c / 100))


@settings(max_examples=80, deadline=None)
@given(quota=amounts, staff=amounts, sg_budget=amounts, sg_actual=amounts, buy_budget=amounts, buy_actual=amounts, old=st.booleans())
def test_annex_rates_are_the_sheets_figures_divided_and_left_out_without_them(quota, staff, sg_budget, sg_actual, buy_budget, buy_actual, old):
    head = list(layout.BASIC_DATA_HEADERS)
    grid = [head]
    values = {"staff_quota": (None, None, quota), "staff_actual": (None, None, staff), "sangong_total": (None, sg_budget, sg_actual),
              "sangong_reception": (None, None, sg_actual), "procurement": (None, buy_budget, buy_actual)}
    for key, label, unit in layout.BASIC_DATA_ROWS:
        if old and key in ("procurement", "budget_adjust", "frugality"):
            continue  # a workbook made before these rows
        p, b, a = values.get(key, (None, None, None))
        grid.append([label, unit, p, b, a, None])
    rows = with_rates(read_basic_data(grid), parse_basic_data(grid))
    shown = {r[0]: r for r in rows}
    for label, num, den in (("财政供养人员控制率", staff, quota), ("“三公”经费控制率", sg_actual, sg_budget), ("政府采购执行率", buy_actual, buy_budget)):
        if old and label == "政府采购执行率" or num is None or not den:
            assert label not in shown
            continue
        r = shown[label]
        assert float(r[4].rstrip("%")) == pytest.approx(round(100 * num / den, 2), abs=1e-9)
        assert r[1] == "%" and "÷" in r[5] and r[2] == r[3] == ""
    labels = [r[0] for r in rows]
    if "财政供养人员控制率" in labels:
        assert labels[labels.index("财政供养人员控制率") - 1] == "实有人数"  # after the row it is computed from
    assert len(rows) == len(read_basic_data(grid)) + sum(1 for x in labels if x.endswith(("控制率", "执行率")))


def test_an_old_workbook_without_the_new_rows_and_sheet_still_reports(tmp_path):
    basic = {"编制数": {"本年实际数": 50}, "实有人数": {"本年实际数": 47}, "三公经费合计": {"本年预算数": 11, "本年实际数": 10.2}}
    p = _department(tmp_path / "old.xlsx", basic=basic)
    wb = openpyxl.load_workbook(p)
    del wb[layout.SHEET_FUNCTIONS]
    ws = wb[layout.SHEET_BASIC_DATA]
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 1).value in ("五、其他情况", "政府采购金额", "部门整体支出预算调整", "厉行节约保障措施"):
            ws.delete_rows(r)
    info = wb[layout.SHEET_INFO]
    for r in range(info.max_row, 1, -1):
        if info.cell(r, 1).value == "评价依据文件":
            info.delete_rows(r)
    wb.save(p)
    md = _render(p)
    assert _opening(md) == "现将县医疗保障局2025年部门整体支出绩效自评结果报告如下："
    annex = md.split("附件1")[-1].split("附件2")[0]
    assert "政府采购" not in annex and "厉行节约" not in annex and "按支出功能分类科目" not in md
    assert "| 财政供养人员控制率 | % |  |  | 94% | 实有人数÷编制数 |" in annex
    assert "| “三公”经费控制率 | % |  |  | 92.73% | 实际数÷预算数 |" in annex
    assert _render(p, "docx")  # Word renders it too


# --- the oracle guards the new facts ---------------------------------------------------------------


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    """The oracle's two base departments (功能科目 that add up; 浏阳's fiscal-only 功能科目) in 湖南 md."""
    d = tmp_path_factory.mktemp("dept")
    out = []
    for i, spec in enumerate(base_departments()):
        wb = write(spec, d / f"d{i}.xlsx")
        md = d / f"d{i}.md"
        assert render(wb, md, "湖南", "md") == ""
        out.append((md.read_text(encoding="utf-8"), truth_of(wb)))
    return out


def _fails(text: str, truth) -> set[str]:
    return {r.cls for r in check_report(load_md(text), truth, style="湖南") if not r.ok}


NEW = {"preamble_document", "basic_rate", "function_amount", "function_mismatch_unsaid"}


@pytest.mark.parametrize(
    "which,old,new,cls",
    [
        (0, r"中发〔2018〕34号", "中发〔2018〕35号", "preamble_document"),
        (0, r"（湘办发〔2019〕10号）", "", "preamble_document"),
        (0, r"\| 94% \|", "| 95% |", "basic_rate"),
        (0, r"\| 财政供养人员控制率 .*\n", "", "basic_rate"),
        (0, r"信息化建设35万元", "信息化建设36万元", "function_amount"),
        (0, r"以上合计505.5万元", "以上合计506.5万元", "function_amount"),
        (1, r"【请在“功能科目”工作表[^】]*】", "", "function_mismatch_unsaid"),
    ],
)
def test_a_changed_department_fact_is_caught(dept, which, old, new, cls):
    text, truth = dept[which]
    assert not (_fails(text, truth) & NEW)
    m = re.search(old, text)
    assert m, f"the report no longer says {old}"
    assert cls in _fails(text.replace(m.group(0), new), truth)
