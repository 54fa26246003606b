"""The 功能科目 sheet of a 湖南 部门整体 workbook: read into items (类/款 subtotals counted once) and
stated as 基本支出 and 项目支出 by 支出功能分类科目, each sum reconciled with the 基础数据 sheet."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core.basicdata import BasicData, BasicItem, Functions, basic_data_of, parse_functions
from xlperf.core.narrative import generate

from tests.grids import evaluate_grids

HEADER = ["科目编码", "科目名称", "基本支出", "项目支出"]


def _sections(basic: BasicData | None) -> dict[str, str]:
    ev = evaluate_grids(info={"项目名称": "县医疗保障局", "主管部门": "县医疗保障局", "评价年度": "2025年", "评价类型": "部门整体支出"})
    out = {s.key: s.text for s in generate(ev, "湖南", basic=basic)}
    # the breakdown paragraphs, under their keys (h2.2 基本支出情况, h2.3 项目支出情况)
    for key, which in (("h2.2", "基本支出"), ("h2.3", "项目支出")):
        paras = out[key].split("\n")
        by = [n for n, p in enumerate(paras) if p.startswith(f"{which}按支出功能分类科目")]
        if by:
            assert by == [1], paras  # one paragraph, right after the figures
            out[f"{key}.fn"] = "\n".join(paras[1:2] + [p for p in paras[2:] if p.startswith("【请在“功能科目”")])
    return out


def _basic(functions: Functions | None, basic: float | None = None, project: float | None = None) -> BasicData:
    items = {k: BasicItem(key=k, label=k, unit="万元", actual=v) for k, v in (("spend_basic", basic), ("spend_project", project)) if v is not None}
    return BasicData(items=items, functions=functions)


# --- a tree of 类 / 款 / 项 with its subtotals, as a 决算 table is pasted ----------------------------

cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: c / 100)


@st.composite
def trees(draw):
    """(grid rows, leaves [(name, basic, project)]): 1–3 类, each with 款 and 项; the 类 and 款 rows
    carry their subtotals (or a wrong figure, or nothing: they must not count either way)."""
    rows, leaves = [], []
    for k in range(draw(st.integers(1, 3))):
        lei = f"2{k}{draw(st.integers(0, 9))}"
        sub_rows, sub_b, sub_p = [], 0.0, 0.0
        for j in range(draw(st.integers(1, 2))):
            kuan = f"{lei}{j:02d}"
            items = []
            for i in range(draw(st.integers(1, 3))):
                b, p = draw(st.one_of(st.none(), cents)), draw(st.one_of(st.none(), cents))
                if b is None and p is None:
                    p = 1.0
                name = f"科目{kuan}{i:02d}" if i % 2 else f"第{kuan}{i:02d}项支出"  # a name may end in a digit
                items.append([f"{kuan}{i:02d}", name, b, p])
                leaves.append((name, b, p))
            kb, kp = sum(x[2] or 0 for x in items), sum(x[3] or 0 for x in items)
            sub = draw(st.sampled_from(["sum", "wrong", "none"]))
            head = [kuan, f"款{kuan}", kb, kp] if sub == "sum" else ([kuan, f"款{kuan}", kb + 7, None] if sub == "wrong" else [kuan, f"款{kuan}", None, None])
            sub_rows += [head] + items
            sub_b, sub_p = sub_b + kb, sub_p + kp
        rows += [[int(lei), f"类{lei}", sub_b, sub_p]] + sub_rows  # a code typed as a number
    if draw(st.booleans()):
        rows.append(["", "合计", sum(x[1] or 0 for x in leaves), sum(x[2] or 0 for x in leaves)])
    return rows, leaves


@settings(max_examples=60, deadline=None)
@given(trees())
def test_items_are_the_leaves_and_their_sums_count_each_once(tree):
    rows, leaves = tree
    fn = parse_functions([HEADER, *rows])
    assert [ln.name for ln in fn.lines] == [name for name, _, _ in leaves]
    for which, col in (("basic", 1), ("project", 2)):
        given_ = [x[col] for x in leaves if x[col] is not None]
        total = fn.total(which)
        assert (total is None) == (not given_)
        if given_:
            assert abs(total - sum(given_)) < 1e-6


@settings(max_examples=60, deadline=None)
@given(trees(), st.sampled_from([0.0, 0.01, -3.5, 120.0]))
def test_the_prose_states_each_item_and_a_sum_that_agrees_or_says_it_does_not(tree, gap):
    rows, leaves = tree
    fn = parse_functions([HEADER, *rows])
    b_total, p_total = fn.total("basic"), fn.total("project")
    s = _sections(_basic(fn, (b_total or 0) + gap, (p_total or 0) + gap))
    for key, col, total in (("h2.2.fn", 1, b_total), ("h2.3.fn", 2, p_total)):
        text = s.get(key, "")
        if total is None:
            assert key not in s  # nothing given: no heading
            continue
        stated = {m.group(1): float(m.group(2)) for m in re.finditer(r"(?:：|；)([^；：。【]+?)为?(-?\d+(?:\.\d+)?)万元", text.split("【")[0].split("以上合计")[0])}
        shown = {name: v for name, *vals in leaves if (v := vals[col - 1]) is not None and abs(v) > 0.005}
        assert stated == {k: round(v, 2) for k, v in shown.items()}
        m = re.search(r"合计(-?\d+(?:\.\d+)?)万元", text)
        assert m and abs(float(m.group(1)) - total) < 0.005 + 1e-9
        if abs(gap) > 0.005:
            assert "【请" in text and "相差" in text and f"{abs(gap):g}万元" in text  # a mismatch is said
        else:
            assert "【" not in text


def test_the_reference_figures_add_up_and_a_fiscal_only_breakdown_is_flagged():
    """浏阳: 财政拨款 project money by 功能科目 is 7078.75万元 of 7645.75万元 项目支出."""
    rows = [["2011199", "一般行政管理事务", None, 14.6], ["2101202", "信息化建设", None, 35], ["2101501", "医疗保障经办事务", None, 72.92],
            ["2101502", "医疗保障政策管理", None, 198.51], ["2101301", "城乡医疗救助", None, 4079.95],
            ["2296002", "城乡医疗救助的彩票公益金支出", None, 127.7], ["2082001", "困难群众基本生活补助", None, 2550.07]]
    fn = parse_functions([HEADER, *rows])
    s = _sections(_basic(fn, None, 7645.75))
    assert s["h2.3.fn"].startswith("项目支出按支出功能分类科目分：一般行政管理事务14.6万元；信息化建设35万元；")
    assert "以上合计7078.75万元。" in s["h2.3.fn"]
    assert "“基础数据”工作表的项目支出为7645.75万元，相差567万元" in s["h2.3.fn"]
    assert "h2.2.fn" not in s  # no 基本支出 given


def test_unit_headers_a_title_row_and_unreadable_cells():
    grid = [["2025年部门支出决算表（按功能分类）", None, None, None],
            ["功能分类科目编码", "功能分类科目名称", "基本支出（万元）", "项目支出（万元）"],
            [2080101, "行政运行", 300, None], [2101301, "城乡医疗救助", None, "十万"], [2101202, "信息化建设", None, 35]]
    fn = parse_functions(grid, "功能科目")
    assert [ln.name for ln in fn.lines] == ["行政运行", "信息化建设"]
    assert fn.unreadable == ["D4：“十万”"]
    text = _sections(_basic(fn, 300, 35))["h2.3.fn"]
    assert "【请在“功能科目”工作表中填写可读的金额（D4：“十万”不是数字）】" in text


def _of(grids: dict) -> BasicData | None:
    return basic_data_of({"基础数据": [["项目", "本年实际数"], ["其中：基本支出", 300], ["其中：项目支出", 500]], **grids})


def test_no_sheet_or_an_empty_sheet_leaves_the_breakdown_out():
    base = _sections(_basic(None, 300, 500))
    for grids in ({}, {"功能科目": []}, {"功能科目": [HEADER]}, {"功能科目": [HEADER] + [[None, "  ", None, None]] * 5}):
        s = _sections(_of(grids))
        assert "h2.2.fn" not in s and "h2.3.fn" not in s
        assert s == base


def test_a_sheet_with_figures_but_no_header_is_asked_about_not_ignored():
    s = _sections(_of({"功能科目": [["行政运行", 300], ["城乡医疗救助", 500]]}))
    assert "【请在“功能科目”工作表中填写表头（科目编码、科目名称、基本支出、项目支出）及各科目金额】" in s["h2.3"]
    assert "按支出功能分类科目" not in s["h2.2"] + s["h2.3"]
