"""Scoring parses each target/actual cell exactly once and hands the parsed values on.

``evaluate`` is the only place a row's cells are parsed: the row score, the findings, the
cost check and everything downstream read ``IndicatorResult.target`` / ``.actual``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core import values as V
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook
from xlperf.workbook.load import load

from tests.grids import budget_grid, indicator_grid, info_grid, row

from xlperf.core import layout

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "workbooks").glob("示例-*.xlsx"))


def _counted_evaluate(monkeypatch, inp):
    """Evaluate ``inp`` with ``values.parse_value`` counting what it is given."""
    real = V.parse_value
    calls: list[object] = []

    def counting(value):
        calls.append(value)
        return real(value)

    with monkeypatch.context() as m:
        m.setattr(V, "parse_value", counting)
        ev = evaluate(inp)
    return ev, calls


def _key(value: object) -> tuple[str, str]:
    return (type(value).__name__, repr(value))


def _expected(inp) -> Counter:
    cells = [v for ind in inp.indicators for v in (ind.target, ind.actual)]
    if inp.info.overachievement_threshold:
        cells.append(inp.info.overachievement_threshold)  # the 超额完成阈值 setting, read once
    return Counter(_key(v) for v in cells)


def test_the_shipped_examples_are_there():
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_indicator_cell_of_a_shipped_example_is_parsed_once(monkeypatch, path):
    inp = load(path).input
    assert inp.indicators
    ev, calls = _counted_evaluate(monkeypatch, inp)
    assert Counter(_key(v) for v in calls) == _expected(inp)
    # what was parsed is what the results carry
    for r in ev.indicators:
        assert r.target == V.parse_value(r.indicator.target)
        assert r.actual == V.parse_value(r.indicator.actual)
        assert (r.target_display, r.actual_display) == (r.target.raw, r.actual.raw)


_CELLS = st.one_of(
    st.none(),
    st.sampled_from(["3626人", "≥95%", "≤30天", "2021年", "持续", "达成", "部分达成", "39.75万元", "≤40万元",
                     "#REF!", "", "100%", "上访率≤1%", "超出预算5万元", "已于10月完成", "9月前", "无"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.integers(min_value=0, max_value=90000),
    st.text(max_size=12),
)
_LEVEL2 = st.sampled_from(["数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_LEVEL2, _CELLS, _CELLS, st.sampled_from(["", "≥", "≤", "定性", "不适用", "正向", "乱填"])), min_size=1, max_size=8),
    st.sampled_from(["", "120%", "1.5", "abc"]),
)
def test_any_table_is_parsed_once_per_cell(rows, threshold):
    """Whatever the cells hold (blank, error values, words, numbers, dates), each is parsed once."""
    grid_rows = [row("产出指标", l2, f"指标{i}", 10, t, a, direction=d) for i, (l2, t, a, d) in enumerate(rows)]
    grids = {
        layout.SHEET_INFO: info_grid({"项目名称": "测试项目", "超额完成阈值": threshold or None}),
        layout.SHEET_INDICATORS: indicator_grid(grid_rows),
        layout.SHEET_BUDGET: budget_grid({"年度资金总额": {"全年预算数": 30, "实际到位数": 30, "全年执行数": 30, "分值": 10}}),
    }
    inp = read_workbook(list(grids), grids, source="测试.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        ev, calls = _counted_evaluate(mp, inp)
    assert Counter(_key(v) for v in calls) == _expected(inp)
    assert len(ev.indicators) == len(inp.indicators)
