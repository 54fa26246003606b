"""部门整体支出 forms whose 权重 column holds the 一级 group's weight (merged over the group or typed
again on each row): the rows' points come only from what the table states with certainty, and the
total is the unit's or 待定 — never one built on the group weight taken as every row's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.forms import fixtures as F
from xlperf.api import check_file

# 一级 (weight) -> 二级 -> [(三级, points, actual %)]; full marks except 参保率 at 90 %
GROUPS = [
    ("投入管理指标", 30, [("预算编审管理", [("编审合规性", 10, 100), ("细化程度", 5, 100)]), ("预算执行管理", [("预算完成率", 15, 100)])]),
    ("产出指标", 40, [("数量指标", [("参保人数", 10, 100), ("定点机构数", 10, 100)]), ("质量指标", [("参保率", 20, 90)])]),
    ("效益指标", 30, [("社会效益指标", [("社会稳定", 15, 100)]), ("满意度指标", [("服务对象满意率", 15, 100)])]),
]
TOTAL = 98.0


def dept_form(*, merged: bool, marks: bool, where: str, wrong: float | None = None, groups=GROUPS, total: float = TOTAL) -> F.Form:
    """``where``: the rows' points under 年度指标值 ("target"), in their own 分值 column ("own"), or
    nowhere ("none": 年度指标值 holds real targets). ``wrong`` replaces the first row's points."""
    own = where == "own"
    f = F.Form([])
    width = 9 if own else 8
    f.add("2021年部门整体支出绩效自评表", *[None] * (width - 1))
    f.merge(0, 0, 0, width - 1)
    f.add("部门（单位）名称", "某县医疗保障局", *[None] * (width - 2))
    f.add("整体支出规模", None, None, None, "全年预算数", "全年执行数", "执行率", *[None] * (width - 7))
    f.add(None, "资金来源：（1）财政拨款", None, None, 100, 90, "90%", *[None] * (width - 7))
    f.merge(2, 0, 3, 0)
    head = ["一级指标", "权重", "二级指标", "三级指标", "年度指标值", "全年完成值"] + (["分值"] if own else []) + ["自评得分", "偏差及原因分析"]
    f.add(*head)
    first_row = True
    for l1, w1, l2s in groups:
        start = len(f.rows)
        for l2, rows in l2s:
            s2 = sum(p for _, p, _ in rows)
            label2 = f"{l2}（{s2}）" if marks else l2
            r2 = len(f.rows)
            for l3, points, pct in rows:
                shown = wrong if first_row and wrong is not None else points
                first_row = False
                target = shown if where == "target" else "100%"
                row = [l1, w1, label2, l3, target, f"{pct}%"] + ([shown] if own else []) + [round(points * pct / 100, 2), None]
                f.add(*row)
            if len(rows) > 1:
                for k in range(r2 + 1, len(f.rows)):
                    f.rows[k][2] = None
                f.merge(r2, 2, len(f.rows) - 1, 2)
        end = len(f.rows) - 1
        for k in range(start + 1, end + 1):
            f.rows[k][0] = None
            if merged:
                f.rows[k][1] = None
        f.merge(start, 0, end, 0)
        if merged:
            f.merge(start, 1, end, 1)
    f.add("总分", 100, total, *[None] * (width - 3))
    return f


CASES = list(itertools.product((True, False), (True, False), ("target", "own", "none")))


def _write(form: F.Form, tmp_path: Path, fmt: str) -> Path:
    if fmt == "docx":
        return F.docx_with_annexes(tmp_path / "报告.docx", [("附件2", form)])
    return form.xlsx(tmp_path / "表.xlsx")


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("merged, marks, where", CASES)
@pytest.mark.parametrize("at", [(0, 0), (3, 2)])  # from A1, and from C4
def test_group_weight_is_never_each_rows(tmp_path: Path, merged: bool, marks: bool, where: str, at, fmt: str) -> None:
    form = dept_form(merged=merged, marks=marks, where=where).offset(*at)
    ev = check_file(_write(form, tmp_path, fmt))
    codes = {f.code for f in ev.findings}
    assert ev.total_score in (None, TOTAL), (ev.total_score, [f.message for f in ev.findings])
    assert not codes & {"E101", "E102", "E404"}, [f.message for f in ev.findings if f.code in ("E101", "E102", "E404")]
    if where in ("target", "own"):  # a column that agrees exactly with every stated sum: the rows' points
        assert ev.final and ev.total_score == TOTAL, [f.message for f in ev.withheld]
        assert [i.weight for i in ev.input.indicators] == [p for _, _, l2s in GROUPS for _, rows in l2s for _, p, _ in rows]
    else:  # no stated points for a row of a two-row 二级 (or for any row, without (N)): 待定, each row named
        assert not ev.final
        named = [f for f in ev.withheld if f.code == "E039"]
        assert len(named) == (4 if marks else 8) and all(f.cell for f in named)


@pytest.mark.parametrize("merged", [True, False])
@pytest.mark.parametrize("wrong", [8, 12, 0])
def test_points_that_disagree_withhold_the_total(tmp_path: Path, merged: bool, wrong: float) -> None:
    ev = check_file(dept_form(merged=merged, marks=True, where="target", wrong=wrong).xlsx(tmp_path / "表.xlsx"))
    assert not ev.final and ev.total_score is None
    bad = [f for f in ev.findings if f.code == "E040"]
    assert any("预算编审管理（15）" in f.message for f in bad), [f.message for f in ev.findings]


# --- the real 浏阳 附件2 ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def liuyang(tmp_path_factory) -> dict:
    from tests.review.fixtures.build import build

    return build(tmp_path_factory.mktemp("dept"), ("liuyang-bumen-zhengti-2020",))["liuyang-bumen-zhengti-2020"]


@pytest.mark.parametrize("kind", ["附件2", "docx"])
def test_liuyang_department_form(liuyang: dict, kind: str) -> None:
    ev = check_file(liuyang[kind], 1 if kind == "docx" else None)
    by_code: dict[str, list] = {}
    for f in ev.findings:
        by_code.setdefault(f.code, []).append(f)
    assert not ev.final and ev.total_score is None
    assert not set(by_code) & {"E101", "E102", "E404"}, [f.message for f in ev.findings]
    assert len(by_code["E203"]) == 2  # 执行率 typed as 预算÷执行
    assert any("质量指标（8）" in f.message and "合计 6" in f.message for f in by_code["E040"])
    assert any("97.94" in f.message and "95.94" in f.message for f in by_code["E105"])
    weights = {i.level3: i.weight for i in ev.input.indicators}
    assert weights["编审合规性、细化、量化"] == 3 and weights["服务对象满意率"] == 10
    assert all(w is None or w <= 10 for w in weights.values())


@pytest.mark.skipif(F.shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("merged, where", [(True, "target"), (False, "none")])
def test_xls_reads_as_xlsx(tmp_path: Path, merged: bool, where: str) -> None:
    form = dept_form(merged=merged, marks=True, where=where)
    xlsx = check_file(form.xlsx(tmp_path / "表.xlsx"))
    xls = check_file(F.convert(tmp_path / "表.xlsx", "xls", tmp_path))
    assert (xls.total_score, [i.weight for i in xls.input.indicators]) == (xlsx.total_score, [i.weight for i in xlsx.input.indicators])
    assert xls.total_score in (None, TOTAL)


def test_equal_row_weights_stay_each_rows(tmp_path: Path) -> None:
    """A project form whose rows all weigh 10 (one value per 一级 group, cells not merged) is read per row."""
    rows = [(l1, l2, l3, t, a, 10, 10, None) for l1, l2, l3, t, a, *_ in F.GOUMAI_ROWS] + [("效益指标", "经济效益", "带动就业", "10", "10人", 10, 10, None), ("满意度指标", "服务对象满意度指标", "单位满意度", "95", "95%", 10, 10, None)]
    ev = check_file(F.national(rows=rows, total=None).xlsx(tmp_path / "表.xlsx"))
    assert [i.weight for i in ev.input.indicators] == [10] * len(rows)
    assert not {f.code for f in ev.findings} & {"E039", "E040"}


_L1 = ("投入管理指标", "产出指标", "效益指标", "满意度指标")
_L2 = ("数量指标", "质量指标", "时效指标", "成本指标")


@st.composite
def dept_tables(draw):
    """A department table: 2–4 一级 groups of 1–3 二级 of 1–3 rows, integer points adding up to 100."""
    shape = [[draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 3)))] for _ in range(draw(st.integers(2, 4)))]
    n = sum(sum(g) for g in shape)
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    points = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    pcts = draw(st.lists(st.sampled_from((100, 90, 80)), min_size=n, max_size=n))
    it = iter(zip(points, pcts))
    groups, k = [], 0
    for gi, l2s in enumerate(shape):
        l2rows = []
        for j, count in enumerate(l2s):
            rows = []
            for _ in range(count):
                p, pct = next(it)
                rows.append((f"第{k}项任务完成情况", p, pct))
                k += 1
            l2rows.append((_L2[j], rows))
        groups.append((_L1[gi], sum(p for _, rows in l2rows for _, p, _ in rows), l2rows))
    return groups


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=dept_tables(), merged=st.booleans(), marks=st.booleans(), where=st.sampled_from(("target", "own", "none")), slip=st.sampled_from((None, 1, -1)), data=st.data())
def test_generated_department_tables(tmp_path: Path, groups, merged: bool, marks: bool, where: str, slip, data) -> None:
    """Any such table: the unit's total when its points are stated exactly, 待定 otherwise — one row's
    points off by one under 年度指标值 is never read as a final total."""
    rows = [p for _, _, l2s in groups for _, rs in l2s for _, p, _ in rs]
    total = round(sum(round(p * pct / 100, 2) for _, _, l2s in groups for _, rs in l2s for _, p, pct in rs), 2)
    wrong = None
    if slip is not None and where == "target":
        wrong = rows[0] + slip
    form = dept_form(merged=merged, marks=marks, where=where, wrong=wrong, groups=groups, total=total)
    ev = check_file(form.xlsx(tmp_path / f"表{data.draw(st.integers(0, 10**9))}.xlsx"))
    assert ev.total_score in (None, total), (ev.total_score, total, [f.message for f in ev.findings])
    if wrong is not None:
        assert not ev.final
    elif where in ("target", "own"):
        assert ev.final and ev.total_score == total, [f.message for f in ev.withheld]
        assert [i.weight for i in ev.input.indicators] == rows
