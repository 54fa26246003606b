"""Provinces' published 自评表 layouts (provinces.py, and the frozen held-out provinces_heldout.py), each
saved as .xlsx, .xls, .ods and a Word table, must read to the answer computed by hand from the domain
rules: the total, grade and indicator count (or 待定 naming the cell that decides it), the budget
amounts and funding sources, each indicator's target and actual — never a template placeholder row
as an indicator or a finding, never an extra column (指标性质, 度量单位, 指标值说明, 备注 …) as a
target or actual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.forms.provinces import SEEN
from tests.forms.provinces_heldout import HELD_OUT
from tests.forms.tables import FORMATS, Fixture, money_in, norm_text, same_value, verdict

ALL = SEEN + HELD_OUT
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _formats():
    for fmt in FORMATS:
        marks = [needs_soffice] if fmt in ("xls", "ods") else []
        yield pytest.param(fmt, marks=marks, id=fmt)


@pytest.fixture
def files(province_files):
    return province_files


def _ev(path: Path):
    from xlperf.api import check_file

    return check_file(path)


def _id(fx: Fixture) -> str:
    return fx.key


# --- the corpus itself ------------------------------------------------------------------------------------


def test_the_corpus_covers_ten_provinces_with_a_held_out_third() -> None:
    provinces = {fx.table.province for fx in ALL}
    assert len(provinces) >= 10, provinces
    assert len(HELD_OUT) * 3 >= len(ALL)
    assert not {fx.key for fx in SEEN} & {fx.key for fx in HELD_OUT}
    for fx in ALL:
        t, e = fx.table, fx.table.expected
        assert t.source and t.province in t.source or t.province == "全国", t.key
        assert e is not None and e.work
        # the hand answer is consistent with the rows it was computed from (weights 100, R12 grade)
        budget_w = 10 if t.budget else 0
        assert abs(budget_w + sum(r.weight for r in t.rows) - 100) < 1e-9, t.key
        assert e.count == len(t.rows)
        if e.total is not None:
            assert e.grade == ("优" if e.total >= 90 else "良" if e.total >= 80 else "中" if e.total >= 60 else "差")


# --- each fixture, each format ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", ALL, ids=_id)
def test_total_grade_and_count_are_the_hand_computed_ones(files, fx: Fixture, fmt: str) -> None:
    from tests.forms.tables import answer_of

    path, rendered = files[(fx.key, fmt)]
    e = fx.table.expected
    ev = _ev(path)
    got = answer_of(ev)
    if e.never is not None:
        assert not (got.final and abs(got.total - e.never) < 0.005), f"a wrong final total {got.total}"
    v = verdict(fx.table, got)
    if e.total is None or (e.or_pending and not got.final):
        assert not got.final, got.label
        role, l3 = e.pending
        want = rendered.cell(role, l3)
        assert want in got.cells, f"待定 should name {want}: {got.withheld}"
    else:
        assert v == "same", f"expected {e.total} {e.grade} {e.count}项, got {got.label}"


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", ALL, ids=_id)
def test_each_indicator_row_is_read_with_its_own_target_and_actual(files, fx: Fixture, fmt: str) -> None:
    path, rendered = files[(fx.key, fmt)]
    inp = _ev(path).input
    rows = fx.table.rows
    assert [norm_text(i.level3) for i in inp.indicators] == [norm_text(r.l3) for r in rows]
    for ind, r in zip(inp.indicators, rows):
        # the printed value (a unit column's unit may be appended), never 指标性质 / 指标方向 / 说明 text
        assert same_value(ind.target, r.target), (r.l3, ind.target)
        assert same_value(ind.actual, r.actual), (r.l3, ind.actual)
        assert ind.weight == r.weight, (r.l3, ind.weight)
        assert norm_text(ind.level1).startswith(r.l1) and norm_text(ind.level2).startswith(r.l2), (r.l3, ind.level1, ind.level2)


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", ALL, ids=_id)
def test_placeholder_rows_are_neither_indicators_nor_findings(files, fx: Fixture, fmt: str) -> None:
    if not fx.table.placeholders:
        pytest.skip("no template rows kept in this layout")
    path, rendered = files[(fx.key, fmt)]
    ev = _ev(path)
    rows = {r + 1 for (kind, _), (r, _) in rendered.where.items() if kind == "placeholder"}
    assert len(rows) == len(fx.table.placeholders)
    assert not {i.row for i in ev.input.indicators} & rows
    assert not [f"{f.code} {f.cell} {f.message}" for f in ev.findings if f.row in rows]


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", [fx for fx in ALL if fx.table.budget], ids=_id)
def test_budget_amounts_unit_and_sources(files, fx: Fixture, fmt: str) -> None:
    path, _ = files[(fx.key, fmt)]
    e = fx.table.expected
    ev = _ev(path)
    b = ev.budget
    assert b.present
    assert b.full_year is not None and abs(b.full_year - money_in(b.unit, e.budget_full_year)) < 0.005, (b.unit, b.full_year)
    assert b.executed is not None and abs(b.executed - money_in(b.unit, e.budget_executed)) < 0.005, (b.unit, b.executed)
    # amounts as printed in 元, or converted to 万元: either way the unit said is the unit of the numbers
    if e.budget_score is not None:
        assert b.score == e.budget_score
    for source, executed in e.sources.items():
        lines = [ln for ln in ev.input.budget.lines if ln.source == source]
        assert lines, f"no {source} line among {[ln.source for ln in ev.input.budget.lines]}"
        assert abs((lines[0].executed or 0) - money_in(b.unit, executed)) < 0.005


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", ALL, ids=_id)
def test_project_and_year(files, fx: Fixture, fmt: str) -> None:
    path, _ = files[(fx.key, fmt)]
    info = _ev(path).input.info
    assert info.name == fx.table.name
    assert info.year == fx.table.year


@pytest.mark.parametrize("fmt", list(_formats()))
def test_a_printed_budget_score_other_than_the_rule_is_named_with_both_numbers(files, fmt: str) -> None:
    from tests.forms.provinces_heldout import SHANDONG

    path, rendered = files[(SHANDONG.key, fmt)]
    ev = _ev(path)
    row = rendered.where[("budget_score", "")][0] + 1
    named = [f for f in ev.findings if f.row == row]  # on the budget's 年度资金总额 row
    assert any("9.91" in f.message and "9" in f.message.replace("9.91", "") for f in named), [f"{f.code} {f.cell} {f.message}" for f in ev.findings]
