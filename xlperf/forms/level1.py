"""A 权重/分值 column that holds the 一级指标's weight, not each row's.

部门整体支出 forms print 一级指标 | 权重 | 二级指标 | 三级指标 …, the 权重 cell merged over the
whole 一级 group (投入管理指标 30 over eight rows) or typed again on each of its rows; the rows'
own points stand in the 二级 label (预算编审管理（3）) or in another numeric column (often under
年度指标值). Taking the group weight as every row's weight gives a plausible wrong total, so:

* the column is the 一级 weight when, in every 一级 group of two rows or more, it holds one value,
  and that cell is merged over the group, or the value equals the group's sum (its 二级 labels'
  points, or another column's numbers), or the groups' values add up to 100 while the rows do not;
* each row's weight is then what the table says with certainty: another numeric column that agrees
  exactly with every 二级 label, every 一级 weight and their total; else the 二级 label's points
  when that 二级 has a single row; else unknown (E039, the total is withheld and the cell named).

A column that agrees with most of those sums but not all is the rows' points written wrongly: each
group it disagrees with is named (E040). Pure: works on the reader's grid and indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlperf.core.findings import make
from xlperf.core.grid import cell, text_of, weight_of
from xlperf.core.models import Indicator, Loc, SubtotalDeclaration
from xlperf.core.refs import range_ref
from xlperf.core.values import Percent, format_number

if TYPE_CHECKING:
    from xlperf.core.grid import Grid
    from xlperf.core.models import Finding, SelfEvaluation
    from xlperf.forms.band import Band
    from xlperf.forms.table import Table

EPS = 0.005


@dataclass
class _Group:
    name: str
    rows: list[Indicator]
    weight: float | None = None


def _groups(inds: list[Indicator], by: str) -> list[_Group]:
    out: list[_Group] = []
    for ind in inds:
        key = ind.level1 if by == "l1" else (ind.level1, ind.level2)
        if out and (out[-1].name == key):
            out[-1].rows.append(ind)
        else:
            out.append(_Group(name=key, rows=[ind]))  # type: ignore[arg-type]
    return out


def _points(raw: Any) -> float | None:
    """A plain number of points (3, 4.5, '3分'); a percentage or any other text is not."""
    if raw is None or isinstance(raw, (bool, Percent)) or (isinstance(raw, str) and "%" in raw):
        return None
    num, ok, _ = weight_of(raw)
    return num if ok and num is not None and num >= 0 else None


def _merge_over(table: "Table", rows: list[int], col: int) -> bool:
    """One merged range in ``col`` covers all ``rows`` (two or more)."""
    lo, hi = min(rows) - 1, max(rows) - 1
    return any(c0 <= col - 1 <= c1 and r0 <= lo and hi <= r1 and r1 > r0 for r0, c0, r1, c1 in table.merges)


def split_level1_weights(inp: "SelfEvaluation", band: "Band", table: "Table", grid: "Grid", findings: "list[Finding]") -> None:
    """Read the 一级 weight column as such (see the module); ``grid`` is the table's filled grid,
    ``findings`` the reader's, which E039/E040 join."""
    sheet = table.name
    cols = band.cols
    wcol = cols.get("分值")
    inds = inp.indicators
    if not wcol or len(inds) < 2:
        return
    groups = _groups(inds, "l1")
    multi = [g for g in groups if len(g.rows) >= 2]
    if not multi or any(not g.name for g in groups):
        return
    for g in groups:
        ws = {i.weight for i in g.rows}
        if len(ws) != 1 or None in ws:
            return  # a group with rows of different weights: the column is the rows' own
        g.weight = g.rows[0].weight
    declared2 = {(s.parent, s.name): s for s in inp.subtotals if s.level == 2}
    l2_groups = _groups(inds, "l2")

    def l2_sum(g: _Group) -> float | None:
        names = list(dict.fromkeys(i.level2 for i in g.rows))
        vals = [declared2.get((g.name, n)) for n in names]
        return None if not names or any(v is None for v in vals) else sum(v.declared for v in vals)  # type: ignore[union-attr]

    # the other numeric columns that may carry the rows' points
    cand_cols = [c.col for c in band.columns if c.role == "分值" and c.col != wcol]
    if cols.get("年度指标值"):
        cand_cols.append(cols["年度指标值"])
    cands: dict[int, dict[int, float | None]] = {c: {i.row: _points(cell(grid, i.row, c)) for i in inds} for c in cand_cols}
    cands = {c: v for c, v in cands.items() if all(x is not None for x in v.values())}

    def group_sum(col: int, g: _Group) -> float:
        return sum(cands[col][i.row] or 0.0 for i in g.rows)

    evidence = False
    for g in multi:
        s2 = l2_sum(g)
        if _merge_over(table, [i.row for i in g.rows], wcol):
            evidence = True
        elif s2 is not None and abs(s2 - (g.weight or 0)) <= EPS:
            evidence = True
        elif any(abs(group_sum(c, g) - (g.weight or 0)) <= EPS for c in cands):
            evidence = True
    row_sum = sum(i.weight or 0.0 for i in inds)
    level1_total = sum(g.weight or 0.0 for g in groups)
    budget_w = inp.budget.total.weight if inp.budget.present and inp.budget.total is not None else None
    if not evidence and abs(level1_total - 100) <= EPS and all(abs(row_sum + b - 100) > EPS for b in (0.0, budget_w or 10.0)):
        evidence = True
    if not evidence:
        return

    # the column is the 一级 weight: declare it as the group's subtotal
    have1 = {s.name for s in inp.subtotals if s.level == 1}
    for g in groups:
        if g.name not in have1:
            inp.subtotals.append(SubtotalDeclaration(level=1, name=g.name, declared=g.weight or 0.0, row=g.rows[0].row, col=wcol))

    # which other column agrees with the sums the table states
    def checks(col: int) -> list[tuple[bool, str, float, float, list[int], int]]:
        out = []
        for g in l2_groups:
            s = declared2.get(g.name)  # type: ignore[arg-type]
            if s is not None:
                got = sum(cands[col][i.row] or 0.0 for i in g.rows)
                out.append((abs(got - s.declared) <= EPS, f"{g.rows[0].level2}（{format_number(s.declared, 2)}）", s.declared, got, [i.row for i in g.rows], s.col))
        for g in groups:
            got = group_sum(col, g)
            out.append((abs(got - (g.weight or 0)) <= EPS, f"{g.name}（权重 {format_number(g.weight or 0, 2)}）", g.weight or 0.0, got, [i.row for i in g.rows], wcol))
        return out

    best = None
    for c in cands:
        ck = checks(c)
        passed = sum(1 for ok, *_ in ck if ok)
        total = sum(cands[c][i.row] or 0.0 for i in inds)
        exact = passed == len(ck) and abs(total - level1_total) <= EPS
        like = len(ck) >= 2 and passed * 2 >= len(ck)
        if like and (best is None or (exact, passed) > (best[1], best[2])):
            best = (c, exact, passed, ck)
    header = lambda c: next((x.path.split("/")[-1] for x in band.columns if x.col == c), "")  # noqa: E731
    if best is not None:
        c, exact, _, ck = best
        target_col = c == cols.get("年度指标值")
        for ind in inds:
            if target_col:
                ind.target = None  # the column holds the rows' points, not targets
        if exact:
            for ind in inds:
                raw = cell(grid, ind.row, c)
                ind.weight, ind.weight_raw = cands[c][ind.row], text_of(raw)
            inp.indicator_columns["分值"] = c
            return
        for ok, name, declared, got, rows, at in ck:
            if not ok:
                findings.append(make("E040", Loc(sheet=sheet, row=rows[0], col=at), name=name, declared=declared,
                                        column=header(c), cells=range_ref(min(rows), c, max(rows), c), sum=got))
    # no column says each row's points with certainty: the 二级 label's, or unknown
    for g in l2_groups:
        s = declared2.get(g.name)  # type: ignore[arg-type]
        for ind in g.rows:
            if s is not None and len(g.rows) == 1:
                ind.weight, ind.weight_raw = s.declared, format_number(s.declared, 2)
                continue
            ind.weight, ind.weight_raw = None, text_of(cell(grid, ind.row, wcol))
            findings.append(make("E039", Loc(sheet=sheet, row=ind.row, col=wcol), name=ind.level3[:40], level1=ind.level1,
                                    weight=next(x.weight for x in groups if x.name == ind.level1) or 0.0))


def unscored_budget(inp: "SelfEvaluation") -> None:
    """A 部门整体 table whose indicators carry all 100 points (their 分值, or their 一级 weights) shows
    its budget block (整体支出规模) without scoring it: no 分值 there means 0, not the default."""
    total = inp.budget.total if inp.budget.present else None
    if total is None or total.weight is not None or "分值" in inp.budget.columns:
        return
    rows = [i.weight for i in inp.indicators]
    level1 = [s.declared for s in inp.subtotals if s.level == 1]
    full = (rows and None not in rows and abs(sum(w or 0.0 for w in rows) - 100) <= EPS) or (level1 and abs(sum(level1) - 100) <= EPS)
    if full:
        total.weight = 0.0
