"""陕西's 绩效完成表 (context ``goal_table``, text.goal_form): for any indicator table and budget, one
row per indicator in order with its own target, actual and reason and no score; the label merges
cover the rows exactly; a 二级 group is kept together; the money is the 预算执行 sheet's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.grids import budget_grid, indicator_grid, info_grid, row
from xlperf.core import layout
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook
from xlperf.report.context import goal_table
from xlperf.report.rows import indicator_row
from xlperf.report.text import goal_form

LEVELS = {"产出指标": ["数量指标", "质量指标", "时效指标"], "效益指标": ["社会效益指标"], "满意度指标": ["服务对象满意度指标"]}

indicator = st.tuples(st.sampled_from(sorted(LEVELS)), st.integers(0, 2), st.integers(1, 20), st.sampled_from(["≥95%", "100人", "持续"]),
                      st.sampled_from(["96%", "90人", "持续", None]), st.sampled_from(["", "宣传不够"]))
amount = st.one_of(st.none(), st.integers(1, 5000))


def _rows(spec):
    out = []
    for n, (l1, k, w, target, actual, reason) in enumerate(spec):
        l2 = LEVELS[l1][k % len(LEVELS[l1])]
        out.append(row(l1, l2, f"指标{n}", w, target, actual, reason=reason or None))
    return sorted(out, key=lambda r: (list(LEVELS).index(r["一级指标"]), r["二级指标"]))  # grouped as a table is


@settings(max_examples=60, deadline=None)
@given(spec=st.lists(indicator, min_size=1, max_size=14), initial=amount, full=amount, fiscal=amount, period=st.sampled_from(["", "900", "900万元", "无"]))
def test_goal_table_holds_for_any_table(spec, initial, full, fiscal, period):
    budget = {"年度资金总额": {"年初预算数": initial, "全年预算数": full, "全年执行数": full, "分值": 10}, "财政拨款": {"年初预算数": fiscal}}
    info = info_grid({"项目名称": "测试项目", "主管部门": "县医保局"}) + [["实施期资金总额", period, None]]  # the 陕西 row
    grids = {layout.SHEET_INFO: info, layout.SHEET_INDICATORS: indicator_grid(_rows(spec)), layout.SHEET_BUDGET: budget_grid(budget)}
    ev = evaluate(read_workbook(list(grids), grids, source="测试.xlsx"))
    shown = [indicator_row(r) for r in ev.indicators]
    tb = goal_table(ev, shown, "万元")
    assert [(r["level3"], r["target"], r["actual"], r["reason"]) for r in tb["rows"]] == [(s["level3"], s["target"], s["actual"], s["reason"]) for s in shown]
    assert not any("score" in r or "weight" in r for r in tb["rows"])
    for key in ("level1", "level2"):  # the spans cover every row once
        assert sum(r[f"{key}_span"] for r in tb["rows"] if r[f"{key}_start"]) == len(tb["rows"])
    for n, r in enumerate(tb["rows"]):  # kept with the next row only inside its 二级 group
        if r["keep"]:
            nxt = tb["rows"][n + 1]
            assert nxt["level2_continue"] and nxt["level2"] == r["level2"]
    labels = [f["label"] for f in tb["funds"]]
    assert labels[-3:] == ["年度资金总额：", "其中：财政拨款", "其他资金"]
    assert ("实施期资金总额：" in labels) == (period not in ("", "无"))
    year_total = tb["funds"][-3]["value"]
    expected = initial if initial is not None else full
    assert year_total == (f"{expected}万元" if expected is not None else "")
    assert tb["funds"][-2]["value"] == (f"{fiscal}万元" if fiscal is not None else "")
    form = goal_form(tb)  # the grid md and html draw: every position covered once
    covered = [(r, c) for cell in form.cells for r in range(cell.row, cell.row + cell.rowspan) for c in range(cell.col, cell.col + cell.colspan)]
    assert len(covered) == len(set(covered)) == form.nrows * form.ncols
