"""The 项目信息 rows a 报告样式 adds (layout.STYLE_INFO_FIELDS): written by ``new --style``, read back."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from xlperf.cli import cli
from xlperf.core import layout
from xlperf.core.enums import Style
from xlperf.workbook.load import load
from xlperf.workbook.template import build_template, fill_workbook


def _info_rows(path) -> dict[str, tuple[int, str]]:
    ws = openpyxl.load_workbook(path)[layout.SHEET_INFO]
    return {ws.cell(r, 1).value: (r, ws.cell(r, 3).value or "") for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}


@pytest.mark.parametrize("style", list(Style))
def test_new_writes_the_styles_own_fields_with_hints(style, tmp_path):
    p = tmp_path / "新.xlsx"
    etype = layout.STYLE_TYPES.get(style, "项目支出")
    result = CliRunner().invoke(cli, ["new", str(p), "--style", str(style), "--type", str(etype)])
    assert result.exit_code == 0, result.output
    rows = _info_rows(p)
    own = layout.STYLE_INFO_FIELDS.get(style, ())
    for label, _attr, hint in own:
        assert label in rows and rows[label][1] == hint  # the 填写说明 beside it
        assert rows[label][0] > len(layout.INFO_FIELDS)  # below the common fields
    # the rows of the other styles, but for a field this style shares (实施期绩效目标: 山西 and 陕西)
    others = {label for s, fields in layout.STYLE_INFO_FIELDS.items() if s != style for label, _, _ in fields} - {label for label, _, _ in own}
    assert not others & set(rows)
    info = load(p).input.info
    # empty, or the style's default (湖南: the documents its reference report cites)
    defaults = layout.STYLE_INFO_DEFAULTS.get(style, {})
    assert all(getattr(info, attr) == defaults.get(label, "") for label, attr, _ in own)


def test_shanxi_fields_are_input_cells_and_read_back(tmp_path):
    p = tmp_path / "山西.xlsx"
    build_template(p, style="山西")
    values = {"设立的必要性": "保障困难群众参保", "保证措施": "加强组织领导", "实施期绩效目标": "三年内应保尽保"}
    fill_workbook(p, info=values)
    ws = openpyxl.load_workbook(p)[layout.SHEET_INFO]
    for label, (r, _hint) in _info_rows(p).items():
        if label in values:
            assert not ws.cell(r, 2).protection.locked and ws.cell(r, 1).protection.locked
    info = load(p).input.info
    assert (info.necessity, info.safeguards, info.period_goal) == tuple(values.values())
    assert not info.extra  # known fields, not extras


def test_a_workbook_without_the_rows_still_reads_them_when_typed_in(tmp_path):
    """An older 山西 workbook: a unit may add the row by hand (any position), the label is known."""
    p = tmp_path / "旧.xlsx"
    build_template(p, style="通用")
    wb = openpyxl.load_workbook(p)
    wb[layout.SHEET_INFO].append(["设立的必要性", "保障困难群众参保"])
    wb.save(p)
    assert load(p).input.info.necessity == "保障困难群众参保"


def test_next_years_workbook_keeps_lasting_fields_and_drops_the_years(tmp_path):
    from xlperf.api import new_workbook

    last = tmp_path / "2021.xlsx"
    build_template(last, style="四川")
    fill_workbook(last, info={"项目名称": "某项目", "评价年度": 2021, "资金计划": "县级资金，用于差旅费", "资金使用": "分7次支付"})
    nxt = new_workbook(tmp_path / "2022.xlsx", style="四川", from_=last)
    info = load(nxt).input.info
    assert info.fund_plan == "县级资金，用于差旅费" and info.fund_use == "" and info.year == "2022"

    last = tmp_path / "山西2021.xlsx"
    build_template(last, style="山西")
    fill_workbook(last, info={"项目名称": "某项目", "评价年度": 2021, "设立的必要性": "保障参保", "实施期绩效目标": "应保尽保"})
    info = load(new_workbook(tmp_path / "山西2022.xlsx", style="山西", from_=last)).input.info
    assert (info.necessity, info.period_goal) == ("保障参保", "应保尽保")


def test_shaanxi_fields_read_back_and_a_shared_label_is_listed_once(tmp_path):
    p = tmp_path / "陕西.xlsx"
    build_template(p, style="陕西")
    values = {"主管部门代码": "418001", "实施期绩效目标": "医疗保障全覆盖", "实施期资金总额": "900万元"}
    fill_workbook(p, info=values)
    info = load(p).input.info
    assert (info.department_code, info.period_goal, info.period_funds) == tuple(values.values())
    assert not info.extra
    labels = [label for label, _, _ in layout.ALL_INFO_FIELDS]
    assert len(labels) == len(set(labels))
