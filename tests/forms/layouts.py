"""The layout generator: any fixture table re-printed in the shapes units publish.

A :class:`Variation` says how: the header split over one, two or three rows with merged parents
(绩效指标 over 一级/二级/三级, 指标值 over 年度指标值/实际完成值, 三级指标 over 指标内容/指标性质/
指标值/度量单位), extra columns (指标性质/指标方向, 度量单位, 指标值说明, 评（扣）分标准, 备注, 完成率),
the value columns reordered, the header names' published synonyms, template placeholder rows
(指标1：, ……, /, -, empty), the table moved (C4, a spacer column) and titled differently, signs and
units varied (≥/≧/>=, %/％, 万元 vs 元 in the header or on a unit line, 其中: lines), points in the
section labels, the total row's shape (总分/合计, 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优, a
评价等级 cell), 一级/二级 merged or repeated.

None of these changes what the table says, so the hand-computed answer of the fixture stays the
answer of every variant: :func:`apply` returns a fixture with the same :class:`Expected`.
``strategy()`` draws variations for hypothesis; ``sample()`` draws them with a seeded RNG for the
report script (python -m tests.forms.layout_report).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from typing import Any

from tests.forms.tables import Fixture, Money, Placeholder, Row, Shape, Table

# --- the axes ----------------------------------------------------------------------------------------------

BANDS = ("keep", "flat", "levels", "values", "levels+values", "yunnan", "outer", "outer+yunnan")
EXTRAS = ("kind", "unit", "note", "standard", "remark", "ratio")
LABELS = {
    "l1": ("一级指标",),
    "l2": ("二级指标",),
    "l3": ("三级指标",),
    "target": ("年度指标值", "目标值", "指标值", "年度目标值"),
    "actual": ("实际完成值", "完成值", "全年完成值", "业绩值"),
    "weight": ("分值", "权重", "指标分值"),
    "score": ("得分", "指标得分", "自评得分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析\n及改进措施"),
    "kind": ("指标性质", "指标方向"),
    "unit": ("度量单位", "计量单位"),
    "note": ("指标值说明",),
    "standard": ("评（扣）分标准", "评分标准"),
    "remark": ("备注",),
    "ratio": ("完成率", "完成比例"),
}
GROUPED_VALUE_LABELS = {"target": ("年度指标值", "年度目标值"), "actual": ("实际完成值", "全年完成值")}
PLACEHOLDER_L3 = ("指标1：", "指标2:", "……", "/", "-", None, "指标3：")
PLACEHOLDER_FILL = (None, "/", "-", "—")
OFFSETS = ((0, 0), (3, 2), (1, 0), (0, 1))
SPACERS = (None, "l3", "actual", "score")
TITLES = ("keep", "annex", "year_in_title", "two_lines")
SIGNS = ("keep", "fullwidth", "ascii")
PERCENTS = ("keep", "fullwidth")
MONEY = ("keep", "header", "line", "wan")
QIZHONG = ("keep", "其中：当年财政拨款", "其中:本年财政拨款", "其中：财政拨款", "    其中：财政拨款")
TOTALS = ("keep", "national", "yunnan", "grade_column")
TOTAL_LABELS = ("keep", "总分", "合计")


@dataclass(frozen=True)
class Variation:
    band: str = "keep"
    extra: tuple[str, ...] = ()
    order_seed: int = 0  # 0: the fixture's order; else a seeded permutation of the value columns
    synonyms: int = 0  # 0: the fixture's names; k: the k-th published synonym (modulo)
    placeholders: tuple[tuple[int, int, int], ...] = ()  # (before row, PLACEHOLDER_L3 index, PLACEHOLDER_FILL index)
    offset: int = 0  # OFFSETS index
    spacer: int = 0  # SPACERS index
    title: str = "keep"
    signs: str = "keep"
    percent: str = "keep"
    money: str = "keep"
    qizhong: str = "keep"
    total: str = "keep"
    total_label: str = "keep"
    points: bool | None = None  # None: the fixture's
    merge_levels: bool = True
    tail_before_total: bool | None = None
    # axes added after the reader work began (not in its first runs of the generator)
    spaced: bool = False  # header and total labels with a space or a line break inside: 三级\n指标, 分 值, 总  分
    amount_text: bool = False  # budget amounts as text: "3,000,000.00"
    blank_row: bool = False  # an empty row under the header band

    def describe(self) -> str:
        base = Variation()
        parts = [f"{k}={getattr(self, k)!r}" for k in self.__dataclass_fields__ if getattr(self, k) != getattr(base, k)]
        return ", ".join(parts) or "base"


# --- drawing variations ----------------------------------------------------------------------------------


def strategy():
    """A hypothesis strategy of variations."""
    from hypothesis import strategies as st

    return st.builds(
        Variation,
        band=st.sampled_from(BANDS),
        extra=st.lists(st.sampled_from(EXTRAS), unique=True, max_size=4).map(tuple),
        order_seed=st.one_of(st.just(0), st.integers(1, 10_000)),
        synonyms=st.integers(0, 3),
        placeholders=st.lists(st.tuples(st.integers(0, 12), st.integers(0, len(PLACEHOLDER_L3) - 1), st.integers(0, len(PLACEHOLDER_FILL) - 1)), max_size=5).map(tuple),
        offset=st.integers(0, len(OFFSETS) - 1),
        spacer=st.integers(0, len(SPACERS) - 1),
        title=st.sampled_from(TITLES),
        signs=st.sampled_from(SIGNS),
        percent=st.sampled_from(PERCENTS),
        money=st.sampled_from(MONEY),
        qizhong=st.sampled_from(QIZHONG),
        total=st.sampled_from(TOTALS),
        total_label=st.sampled_from(TOTAL_LABELS),
        points=st.sampled_from((None, True, False)),
        merge_levels=st.booleans(),
        tail_before_total=st.sampled_from((None, True, False)),
        spaced=st.booleans(),
        amount_text=st.booleans(),
        blank_row=st.booleans(),
    )


def sample(rng: random.Random) -> Variation:
    """One variation drawn with ``rng`` (the same axes as :func:`strategy`)."""
    return Variation(
        band=rng.choice(BANDS),
        extra=tuple(rng.sample(EXTRAS, rng.randint(0, 4))),
        order_seed=rng.choice((0, rng.randint(1, 10_000))),
        synonyms=rng.randint(0, 3),
        placeholders=tuple((rng.randint(0, 12), rng.randrange(len(PLACEHOLDER_L3)), rng.randrange(len(PLACEHOLDER_FILL))) for _ in range(rng.randint(0, 5))),
        offset=rng.randrange(len(OFFSETS)),
        spacer=rng.randrange(len(SPACERS)),
        title=rng.choice(TITLES),
        signs=rng.choice(SIGNS),
        percent=rng.choice(PERCENTS),
        money=rng.choice(MONEY),
        qizhong=rng.choice(QIZHONG),
        total=rng.choice(TOTALS),
        total_label=rng.choice(TOTAL_LABELS),
        points=rng.choice((None, True, False)),
        merge_levels=rng.random() < 0.5,
        tail_before_total=rng.choice((None, True, False)),
        spaced=rng.random() < 0.3,
        amount_text=rng.random() < 0.3,
        blank_row=rng.random() < 0.3,
    )


# --- applying one --------------------------------------------------------------------------------------------

_SIGN_MAP = {
    "fullwidth": {"≥": "≧", "≤": "≦", "=": "﹦", "＝": "═"},
    "ascii": {"≥": ">=", "≤": "<=", "＝": "=", "﹦": "="},
}
_SPLIT = re.compile(r"^\s*([≥≤><=＝﹦≧≦═]*)\s*(\d+(?:\.\d+)?)\s*(%|％|人次|人|个|元/人|元|万元|天|次|万人)\s*$")


def apply(fx: Fixture, v: Variation) -> Fixture:
    t, s = fx.table, fx.shape
    roles = [role for role, _ in s.columns]
    extra = [e for e in v.extra if e not in roles]
    if "unit" in extra and "kind" not in roles and "kind" not in extra:
        extra.append("kind")  # a 度量单位 column comes with 指标性质: the sign moves there
    rows = list(t.rows)
    if "unit" in extra:
        rows = [_split_unit(r) for r in rows]
    if "kind" in extra:
        rows = [r if r.kind else replace(r, kind=_direction(r)) for r in rows]
    if "note" in extra:
        rows = [r if r.note else replace(r, note="以年度统计数据为准") for r in rows]
    if "standard" in extra:
        rows = [r if r.standard else replace(r, standard="未达目标值按完成比例扣分") for r in rows]
    rows = [_signs(r, v.signs, v.percent) for r in rows]

    columns = _columns(s, roles + extra, v)
    budget = tuple(_qizhong(m, v.qizhong) for m in t.budget)
    placeholders = tuple(t.placeholders) + tuple(
        Placeholder(min(b, len(rows)), PLACEHOLDER_L3[k], PLACEHOLDER_FILL[f]) for b, k, f in v.placeholders
    )
    title, annex, year_line = _title(t, s, v.title)
    shape = replace(
        s,
        columns=columns,
        block_label=None if v.band in ("levels", "levels+values", "outer", "outer+yunnan") else s.block_label,
        annex=annex,
        year_line=year_line,
        offset=OFFSETS[v.offset] if v.offset else s.offset,
        spacer_after=SPACERS[v.spacer] if v.spacer else s.spacer_after,
        points=s.points if v.points is None else v.points,
        merge_levels=v.merge_levels and s.merge_levels,
        tail_before_total=s.tail_before_total if v.tail_before_total is None else v.tail_before_total,
        total_style=s.total_style if v.total == "keep" else v.total,
        total_label=s.total_label if v.total_label == "keep" else v.total_label,
        **_money(s, v.money),
    )
    if v.spaced:
        shape = replace(shape, columns=tuple((role, tuple(_spaced(x) for x in path)) for role, path in shape.columns), total_label=_spaced(shape.total_label))
    if v.amount_text or v.blank_row:
        shape = replace(shape, amount_text=v.amount_text or shape.amount_text, blank_row=v.blank_row or shape.blank_row)
    if shape.total_style == "yunnan":
        w = [k for k, (role, _) in enumerate(columns) if role in ("weight", "score")]
        if min(w) + (1 if shape.block_label else 0) < 4:  # no room for 其他需要说明事项 | 无 | 总分 left of 分值
            shape = replace(shape, total_style="national")
    table = replace(t, rows=tuple(rows), budget=budget, placeholders=placeholders, title=title)
    return Fixture(table, shape)


def _spaced(label: str) -> str:
    """三级指标 -> 三级\n指标, 分值 -> 分 值, 总分 -> 总  分 (as typed to fit a narrow cell)."""
    if "\n" in label or len(label) < 2:
        return label
    if len(label) == 2:
        return label[0] + ("  " if label in ("总分", "合计") else " ") + label[1]
    return label[:2] + "\n" + label[2:]


def _direction(r: Row) -> str:
    text = str(r.target)
    if re.match(r"^\s*(≤|≦|<)", text) or "≤" in text:
        return "反向"
    if re.search(r"\d", text) or isinstance(r.target, (int, float)):
        return "正向"
    return "定性"


def _split_unit(r: Row) -> Row:
    """≥95% | 96% -> kind ≥, 95 | 96, unit %: only when both sides carry the same unit."""
    if r.unit:
        return r
    mt, ma = _SPLIT.match(str(r.target)), _SPLIT.match(str(r.actual))
    if not (mt and ma) or ma.group(1) or mt.group(3).replace("％", "%") != ma.group(3).replace("％", "%"):
        return r
    sign = mt.group(1) or "≥"
    num = lambda x: int(float(x)) if float(x).is_integer() else float(x)  # noqa: E731
    return replace(r, target=num(mt.group(2)), actual=num(ma.group(2)), unit=mt.group(3).replace("％", "%"), kind=r.kind or sign)


def _signs(r: Row, signs: str, percent: str) -> Row:
    def change(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        out = value
        if signs in _SIGN_MAP:
            for a, b in _SIGN_MAP[signs].items():
                out = out.replace(a, b)
        if percent == "fullwidth":
            out = out.replace("%", "％")
        return out

    return replace(r, target=change(r.target), actual=change(r.actual), kind=change(r.kind), unit=change(r.unit))


def _label(role: str, v: Variation, current: str) -> str:
    if v.synonyms == 0:
        return current
    names = LABELS[role]
    return names[v.synonyms % len(names)]


def _columns(s: Shape, roles: list[str], v: Variation) -> tuple[tuple[str, tuple[str, ...]], ...]:
    current = {role: path[-1] for role, path in s.columns}
    if v.band == "keep" and v.order_seed == 0 and v.synonyms == 0:
        leaves = [(role, current.get(role) or LABELS[role][0]) for role in roles]
        base = dict(s.columns)
        return tuple((role, base.get(role, (label,))) for role, label in leaves)
    levels = [r for r in ("l1", "l2", "l3") if r in roles]
    rest = [r for r in roles if r not in levels]
    if v.order_seed:
        random.Random(v.order_seed).shuffle(rest)
    band = v.band
    if band in ("yunnan", "outer+yunnan"):
        group = [r for r in ("kind", "target", "unit") if r in rest]
        rest = group + [r for r in rest if r not in group]
    order = levels + rest
    leaf = {}
    for role in order:
        cur = current.get(role) or LABELS[role][0]
        if "\n" not in cur and role in current and cur not in LABELS[role] and v.synonyms == 0:
            leaf[role] = cur  # a label of the province's own (未完成原因分析, 目标指标 …) kept
        else:
            leaf[role] = _label(role, v, cur if role in current else LABELS[role][0])
    if band == "keep":
        base = dict(s.columns)
        return tuple((role, base[role][:-1] + (leaf[role],) if role in base else (leaf[role],)) for role in order)
    out = []
    values_grouped = band in ("values", "levels+values", "outer")
    for role in order:
        path: tuple[str, ...] = (leaf[role],)
        if values_grouped and role in ("target", "actual"):
            names = GROUPED_VALUE_LABELS[role]
            path = ("指标值", names[v.synonyms % len(names)])
        if band in ("yunnan", "outer+yunnan") and role in ("l3", "kind", "target", "unit"):
            path = ("三级指标", "指标内容" if role == "l3" else {"kind": "指标性质", "target": "指标值", "unit": "度量单位"}[role])
        if band in ("levels", "levels+values") and role in ("l1", "l2", "l3"):
            path = ("绩效指标",) + path
        if band in ("outer", "outer+yunnan"):
            path = ("绩效指标",) + path
        out.append((role, path))
    return tuple(out)


def _qizhong(m: Money, how: str) -> Money:
    if how == "keep" or not m.label.strip().startswith("其中"):
        return m
    return replace(m, label=how)


def _money(s: Shape, how: str) -> dict[str, Any]:
    plain = re.sub(r"[（(]\s*万?元\s*[)）]", "", s.budget_label)
    with_unit = lambda unit: plain.replace("（10分）", f"（{unit}）（10分）") if "（10分）" in plain else f"{plain}（{unit}）"  # noqa: E731
    if how == "header":
        return {"budget_in_yuan": True, "budget_label": with_unit("元"), "unit_line": None}
    if how == "line":
        return {"budget_in_yuan": True, "budget_label": plain, "unit_line": "单位：元"}
    if how == "wan":
        return {"budget_in_yuan": False, "budget_label": with_unit("万元"), "unit_line": None}
    return {}


def _title(t: Table, s: Shape, how: str) -> tuple[str, str | None, str]:
    if how == "annex":
        return t.title, "附件2", s.year_line
    if how == "year_in_title":
        return f"{t.year}年度项目支出绩效自评表", s.annex, ""
    if how == "two_lines":
        return "附件1\n项目支出绩效自评表", None, "（{year}年度）"
    return t.title, s.annex, s.year_line
