"""Forms in shapes units publish beyond the five the reader was first built on: a form that keeps
the template's empty rows (指标1:, ……, /), a two-row header (年度指标值 or 三级指标 over
指标性质 · 指标值 · 度量单位) with a last row ``其他需要说明事项 | 无 | 总分 | 100 | 96 | 优``,
amounts in 元, comparison signs ≧ ═ ﹦ in 指标性质, ``其中:本年财政拨款``, a printed budget 得分.

Built with :class:`tests.forms.fixtures.Form`; values follow the reference reports' vocabulary.
"""

from __future__ import annotations

from typing import Any

from tests.forms.fixtures import GOAL, RESULT, Form, _merge_runs, national

# --- a national form that keeps the template's placeholder rows ------------------------------------

# 9 real indicators, weights 90, all met: with the budget's 9.31 the total is 99.31 (优)
ANHUI_ROWS = [
    ("产出指标", "数量指标", "培训医保经办人员", "≥200人次", "236人次", 10, 10, None),
    ("产出指标", "数量指标", "购买服务项目", "3", "3个", 10, 10, None),
    ("产出指标", "质量指标", "项目完成率（%）", "≥98%", "100%", 10, 10, None),
    ("产出指标", "时效指标", "项目计划完成时间", "2021年12月底前", "2021年11月", 5, 5, None),
    ("产出指标", "成本指标", "购买服务成本", "≤40万元", "39.75万元", 15, 15, None),
    ("效益指标", "社会效益指标", "医保经办服务能力", "持续提升", "明显提升", 10, 10, None),
    ("效益指标", "社会效益指标", "参保群众办事时长", "≤30分钟", "20分钟", 10, 10, None),
    ("效益指标", "可持续影响指标", "跟踪管理机制", "健全", "已健全", 10, 10, None),
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥95%", "97%", 10, 10, None),
]
ANHUI = {"count": 9, "total": 99.31, "grade": "优"}

# what a template leaves in its unused rows
PLACEHOLDERS = (
    ("指标2：", None, None, None, None),
    ("……", None, None, None, None),
    ("指标1:", "/", "/", None, None),
    (None, None, None, None, None),
    ("指标3：", "-", "-", "/", "/"),
)


def anhui(placeholders_per_group: int = 2) -> Form:
    """The national layout with placeholder rows after each 二级 group, and a whole empty group
    (经济效益指标: 指标1: / 指标2: …) as the template printed it."""
    rows: list[tuple] = []
    k = 0
    for i, r in enumerate(ANHUI_ROWS):
        rows.append(r)
        last_of_group = i + 1 == len(ANHUI_ROWS) or ANHUI_ROWS[i + 1][:2] != r[:2]
        if last_of_group:
            for _ in range(placeholders_per_group):
                p = PLACEHOLDERS[k % len(PLACEHOLDERS)]
                k += 1
                rows.append((r[0], r[1], p[0], p[1], p[2], p[3], p[4], None))
        if r[1] == "社会效益指标" and last_of_group:
            rows.append(("效益指标", "经济效益指标", "指标1:", None, None, None, None, None))
            rows.append(("效益指标", "经济效益指标", "指标2:", None, None, None, None, None))
    return national(rows=rows, total=99.31)


# --- 云南: a two-row header, 指标性质 with signs, 度量单位, the last row carrying the total ------------

W = 11  # A..K


def _row(f: Form, *v: Any) -> int:
    return f.add(*(list(v) + [None] * (W - len(v))))


# (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 实际完成值, 分值, 得分, 原因): total 96 with a full budget
YUNNAN_ROWS = [
    ("产出指标", "数量指标", "资助参保人数", "≧", 5756, "人", 5756, 15, 15, None),
    ("产出指标", "数量指标", "资助参保金额", "═", 205.1, "万元", 205.1, 10, 10, None),
    ("产出指标", "质量指标", "残疾人参保率", "﹦", 100, "%", 100, 10, 10, None),
    ("产出指标", "时效指标", "参保资金上解及时率", "≥", 95, "%", 96, 15, 15, None),
    ("效益指标", "社会效益指标", "持续保障残疾人参加城乡居民医疗保险", "定性", "持续保障", None, "持续保障", 15, 15, None),
    ("效益指标", "可持续影响指标", "保障城乡医保基金运行", "定性", "平稳运行", None, "平稳运行", 15, 15, None),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", 95, "%", 57, 10, 6, "部分参保人对报销流程不熟悉，满意度偏低；将加强政策宣传和窗口服务。"),
]
YUNNAN = {"name": "城乡残疾人医疗保险资助金", "department": "某县医疗保障局", "unit": "某县医疗保障事务中心", "count": 7, "total": 96.0, "grade": "优"}


def yunnan(
    *,
    parent: str = "年度指标值",
    unit: str = "万元",
    unit_line: bool = False,
    budget: tuple = (100, 100, 100, "100%", 10),
    rows=YUNNAN_ROWS,
    total: tuple = ("总分", 100, 96, "优"),
    fund_label: str = "其中：本年财政拨款",
) -> Form:
    """``parent`` is the header cell merged over 指标性质 · 指标值 · 度量单位: 年度指标值 (the target
    group) or 三级指标 (over 指标内容 · 指标性质 · 指标值 · 度量单位). ``unit``: the amounts' unit,
    in the block header, or on a line of its own above the table when ``unit_line``."""
    scale = 10000 if unit == "元" else 1
    f = Form([])
    t = _row(f, "项目支出绩效自评表")
    f.merge(t, 0, t, W - 1)
    y = _row(f, "（2021年度）")
    f.merge(y, 0, y, W - 1)
    if unit_line:
        u = _row(f, None, None, None, None, None, None, None, None, "单位：元" if unit == "元" else "单位：万元")
        f.merge(u, 8, u, W - 1)
    n = _row(f, "项目名称", YUNNAN["name"])
    f.merge(n, 1, n, W - 1)
    d = _row(f, "主管部门", YUNNAN["department"], None, None, None, "实施单位", YUNNAN["unit"])
    f.merge(d, 1, d, 4)
    f.merge(d, 6, d, W - 1)
    head = "项目资金" if unit_line else f"项目资金（{unit}）"
    h = _row(f, head, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    initial, full, executed, rate, score = budget
    _row(f, None, "年度资金总额", initial * scale, full * scale, executed * scale, 10, rate, score)
    _row(f, None, fund_label, initial * scale, full * scale, executed * scale, "—", rate, "—")
    _row(f, None, "上年结转资金", None, None, None, "—", None, "—")
    e = _row(f, None, "其他资金", None, None, None, "—", None, "—")
    f.merge(h, 0, e, 0)
    a = _row(f, "年度总体目标", "预期目标", None, None, None, None, "实际完成情况")
    b = _row(f, None, GOAL, None, None, None, None, RESULT)
    f.merge(a, 0, b, 0)
    for r in (a, b):
        f.merge(r, 1, r, 5)
        f.merge(r, 6, r, W - 1)
    if parent == "年度指标值":
        top = _row(f, "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", None, None, "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
        sub = _row(f, None, None, None, None, "指标性质", "指标值", "度量单位")
        f.merge(top, 4, top, 6)
        for c in (1, 2, 3, 7, 8, 9, 10):
            f.merge(top, c, sub, c)
    else:
        top = _row(f, "绩效指标", "一级指标", "二级指标", "三级指标", None, None, None, "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
        sub = _row(f, None, None, None, "指标内容", "指标性质", "指标值", "度量单位")
        f.merge(top, 3, top, 6)
        for c in (1, 2, 7, 8, 9, 10):
            f.merge(top, c, sub, c)
    first = len(f.rows)
    for l1, l2, l3, kind, target, u, actual, weight, sc, reason in rows:
        _row(f, None, l1, l2, l3, kind, target, u, actual, weight, sc, reason)
    last = len(f.rows) - 1
    _merge_runs(f, first, last, 1)
    _merge_runs(f, first, last, 2)
    f.merge(top, 0, last, 0)
    label, weight, score, grade = total
    s = _row(f, "其他需要说明事项", None, "无", None, None, None, label, weight, score, grade)
    f.merge(s, 0, s, 1)
    f.merge(s, 2, s, 5)
    return f
