"""The official 项目支出绩效自评表 as a pure model: ``official_form(ev, style) -> Form``.

One model, several renderers: the .xlsx export (:mod:`xlperf.report.official_xlsx`), the Word
annex (:func:`xlperf.report.word.form_table`) and the HTML/Markdown annex (:mod:`xlperf.report.text`).
The layouts follow the forms units already hold:

* national (财预〔2020〕10号 附件; 通用, and 湖南 with 项目支出名称 and points in the labels):
  项目名称; 主管部门 | 实施单位; the 项目资金 block (年初预算数 · 全年预算数 · 全年执行数 · 分值 ·
  执行率 · 得分 over 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金); 年度总体目标
  预期目标 | 实际完成情况; 绩效指标 merged down beside 一级 · 二级 · 三级 · 年度指标值 · 实际完成值 ·
  分值 · 得分 · 偏差原因分析及改进措施; a 总分 row.
* 山西 附件1: no budget block, 预算执行率 the first row of 一级指标 · 二级指标 · 目标指标 · 权重 ·
  目标值 · 业绩值 · 完成率 · 指标得分 · 偏差原因分析及改进措施.
* 陕西: 主管部门及代码; budget 年初预算数 · 全年执行数 · 全年执行率 · 分值 · 执行率 · 得分; 未完成原因分析.
* 四川: 项目基本情况; 预算执行情况(10分); 绩效指标(90分) with 指标性质 and 度量单位; 合计; 评价结论 ·
  存在问题 · 改进措施.

Totals and grades come through ``ev.total_text`` / ``ev.grade_text``: a withheld total reads 待定.
Pure: no I/O, no third-party imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from xlperf.core import values as V
from xlperf.core.enums import EvaluationType, Style
from xlperf.core.models import Evaluation
from xlperf.core.narrative import grade_word
from xlperf.report.rows import budget_on_sheet, budget_row, indicator_row

FORM_STYLES = tuple(Style)


@dataclass(kw_only=True)
class FormCell:
    """One cell of the form (0-based row and column of its top-left corner)."""

    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"  # center | left
    number: float | None = None  # the value behind ``text`` when it is a number (the .xlsx writes it)
    fmt: str = ""  # its Excel number format


@dataclass(kw_only=True)
class Form:
    style: str
    title: str  # 项目支出绩效自评表
    year: str  # （2021年度）
    ncols: int
    nrows: int
    cells: list[FormCell] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # per column, in characters of the table font
    header_row: int = 0  # the 绩效指标 header row (0-based)
    unit: str = "万元"
    signature: str = "单位（盖章）：　　　　　　　　填表人：　　　　　　　　填报日期：　　年　　月　　日"

    def grid(self) -> list[list[str]]:
        """The texts as a plain grid; a merged cell's text in its top-left corner only."""
        g = [[""] * self.ncols for _ in range(self.nrows)]
        for c in self.cells:
            g[c.row][c.col] = c.text
        return g

    def covered(self) -> set[tuple[int, int]]:
        """Positions inside a merged range other than its top-left corner."""
        out = set()
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) != (c.row, c.col):
                        out.add((r, k))
        return out


# --- the layouts ----------------------------------------------------------------------------------

NATIONAL_IND = (("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("年度指标值", "target"),
                ("实际完成值", "actual"), ("分值", "weight"), ("得分", "score"), ("偏差原因分析及改进措施", "reason"))
SHANXI_IND = (("一级指标", "level1"), ("二级指标", "level2"), ("目标指标", "level3"), ("权重", "weight"), ("目标值", "target"),
              ("业绩值", "actual"), ("完成率", "completion"), ("指标得分", "score"), ("偏差原因分析及改进措施", "reason"))
SHAANXI_IND = NATIONAL_IND[:-1] + (("未完成原因分析", "reason"),)
SICHUAN_IND = (("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("指标性质", "nature"), ("指标值", "target"),
               ("度量单位", "measure"), ("完成值", "actual"), ("权重", "weight"), ("得分", "score"), ("未完成原因分析", "reason"))

NATIONAL_BUDGET = (("年初预算数", "initial"), ("全年预算数", "full_year"), ("全年执行数", "executed"), ("分值", "weight"),
                   ("执行率", "rate"), ("得分", "score"))
SHAANXI_BUDGET = (("年初预算数", "initial"), ("全年执行数", "executed"), ("全年执行率", "line_rate"), ("分值", "weight"),
                  ("执行率", "rate"), ("得分", "score"))
SICHUAN_BUDGET = (("年初预算", "initial"), ("调整后预算数", "full_year"), ("预算执行数", "executed"), ("预算执行率", "line_rate"),
                  ("权重", "weight"), ("得分", "score"), ("原因", "reason"))

# (label on the form, the sources of our 预算执行 sheet it shows)
NATIONAL_SOURCES = (("年度资金总额", ("年度资金总额",)), ("其中：当年财政拨款", ("财政拨款",)), ("上年结转资金", ("上年结转资金",)), ("其他资金", ("其他资金",)))
SHAANXI_SOURCES = (("年度资金总额", ("年度资金总额",)), ("其中：财政拨款", ("财政拨款",)), ("其他资金", ("其他资金", "上年结转资金")))

NATURE = {"≥": "正向指标", "≤": "反向指标", "=": "正向指标", "定性": "定性指标", "时效": "正向指标", "不适用": ""}


@dataclass(kw_only=True)
class Layout:
    name_label: str = "项目名称"
    department_label: str = "主管部门"
    indicators: tuple = NATIONAL_IND
    budget: tuple | None = NATIONAL_BUDGET
    sources: tuple = NATIONAL_SOURCES
    budget_label: str = "项目资金（{unit}）"
    goal_labels: tuple[str, str, str] = ("年度总体目标", "预期目标", "实际完成情况")
    side_label: bool = True  # a first column 绩效指标 merged down beside the indicators
    budget_in_rows: bool = False  # 山西: 预算执行率 the first indicator row
    points: bool = False  # 湖南: 产出指标(50分), 数量指标（15）
    total_label: str = "总分"
    closing: bool = False  # 四川: 评价结论 · 存在问题 · 改进措施
    goal_first: bool = False  # 四川: 项目基本情况 before 预算执行情况


LAYOUTS = {
    "通用": Layout(),
    "湖南": Layout(name_label="项目支出名称", points=True),
    "山西": Layout(indicators=SHANXI_IND, budget=None, side_label=False, budget_in_rows=True),
    "陕西": Layout(department_label="主管部门及代码", indicators=SHAANXI_IND, budget=SHAANXI_BUDGET, sources=SHAANXI_SOURCES),
    "四川": Layout(indicators=SICHUAN_IND, budget=SICHUAN_BUDGET, sources=(("年度资金总额", ("年度资金总额",)),),
                   budget_label="预算执行情况（{weight}分）", goal_labels=("项目基本情况", "项目年度目标", "年度目标完成情况"),
                   total_label="合计", closing=True, goal_first=True),
}


class _Builder:
    def __init__(self, ncols: int, style: str = "") -> None:
        self.ncols = ncols
        self.style = style  # the grade is written in this style's form (narrative.grade_word)
        self.cells: list[FormCell] = []
        self.row = 0

    def put(self, row: int, col: int, text: Any = "", *, rowspan: int = 1, colspan: int = 1, bold: bool = False,
            align: str = "center", number: float | None = None, fmt: str = "") -> None:
        self.cells.append(FormCell(row=row, col=col, text="" if text is None else str(text), rowspan=rowspan, colspan=colspan,
                                   bold=bold, align=align, number=number, fmt=fmt))

    def line(self, parts: list[tuple[Any, int, dict[str, Any]]]) -> None:
        """One row of cells given as (text, span, options), left to right."""
        col = 0
        for text, span, opts in parts:
            self.put(self.row, col, text, colspan=span, **opts)
            col += span
        self.row += 1


def _num(value: float | None, places: int = 2) -> dict[str, Any]:
    if value is None:
        return {"text": ""}
    return {"text": V.format_number(value, places), "number": float(value), "fmt": ""}


def _rate(value: float | None) -> dict[str, Any]:
    if value is None:
        return {"text": ""}
    return {"text": V.format_rate(value), "number": float(value), "fmt": "0.00%"}


clean = V.printable  # one definition, in core.values


def _year_line(ev: Evaluation) -> str:
    y = clean(ev.input.info.year)
    for suffix in ("年度", "年"):
        if y.endswith(suffix):
            y = y[: -len(suffix)]
    return f"（{y}年度）" if y else "（　　年度）"


def official_form(ev: Evaluation, style: str | None) -> Form:
    """The 自评表 of ``ev`` in the layout of ``style`` (the national form for 通用 and unknown styles).

    Its indicator rows are :mod:`xlperf.report.rows` rows of ``ev.indicators`` (the report's
    自评表 shows the same ones), each with the numbers of its own result.
    """
    style = style if style in LAYOUTS else Style.GENERAL
    lay = LAYOUTS[style]
    info = ev.input.info
    ncols = len(lay.indicators) + (1 if lay.side_label else 0)
    b = _Builder(ncols, style)
    left = {"align": "left"}
    bold = {"bold": True}
    half = max(ncols // 2, 2)
    b.line([(lay.name_label, 1, bold), (clean(info.name), ncols - 1, left)])
    b.line([(lay.department_label, 1, bold), (_department(info, lay), half - 1, left), ("实施单位", 1, bold),
            (clean(info.unit), ncols - half - 1, left)])
    unit = clean(info.amount_unit) or ev.budget.unit or "万元"
    if lay.goal_first:
        _goal_block(b, ev, lay)
    if lay.budget is not None:
        _budget_block(b, ev, lay, unit)
    if not lay.goal_first:
        _goal_block(b, ev, lay)
    header_row = b.row
    _indicator_block(b, ev, lay)
    if lay.closing:
        _closing_block(b, ev)
    title = "部门整体支出绩效自评表" if ev.evaluation_type == EvaluationType.DEPARTMENT else "项目支出绩效自评表"
    form = Form(style=style, title=title, year=_year_line(ev), ncols=ncols, nrows=b.row, cells=b.cells,
                header_row=header_row, unit=unit)
    form.widths = content_widths(form)
    return form


def _department(info: Any, lay: Layout) -> str:
    """The 主管部门 cell; a 主管部门及代码 cell adds the department's code when the unit gave it
    (子洲's form, without one, shows the name alone)."""
    name, code = clean(info.department), clean(info.department_code)
    if not code or not lay.department_label.endswith("及代码"):
        return name
    return f"{name}（{code}）" if name else code


def _budget_block(b: _Builder, ev: Evaluation, lay: Layout, unit: str) -> None:
    cols = lay.budget
    source_span = b.ncols - 1 - len(cols)
    lines = {ln.source: ln for ln in ev.input.budget.lines}
    computed = {x["source"]: x for x in ev.budget.lines}
    scored_here = ev.budget.present and not ev.budget.scored_in_indicators
    weight = V.format_number(ev.budget.weight, 2) if scored_here else ""
    label = lay.budget_label.format(unit=unit, weight=weight or "10")
    start = b.row
    b.put(start, 0, label, rowspan=1 + len(lay.sources), bold=True)
    b.put(start, 1, "资金来源" if "预算执行情况" in label else "", colspan=source_span, bold=True)
    for i, (title, _) in enumerate(cols):
        b.put(start, 1 + source_span + i, title, bold=True)
    for n, (title, names) in enumerate(lay.sources):
        r = start + 1 + n
        ln = next((lines[s] for s in names if s in lines), None)
        comp = next((computed[s] for s in names if s in computed), {})
        is_total = n == 0
        values = {
            "initial": _num(ln.initial if ln else None),
            "full_year": _num(ln.full_year if ln else None),
            "executed": _num(ln.executed if ln else None),
            "line_rate": _rate(comp.get("execution_rate")),
            "weight": _num(ev.budget.weight) if is_total and scored_here else {"text": "—" if not is_total else ""},
            "rate": _rate(ev.budget.execution_rate) if is_total and scored_here else {"text": "—" if not is_total else ""},
            "score": ({"text": "待定"} if ev.budget.pending else _num(ev.budget.score)) if is_total and scored_here else {"text": "—" if not is_total else ""},
            "reason": {"text": (ln.reason if ln else "") or ""},
        }
        b.put(r, 1, title, colspan=source_span, align="left")
        for i, (_, key) in enumerate(cols):
            v = values[key]
            b.put(r, 1 + source_span + i, v["text"], number=v.get("number"), fmt=v.get("fmt", ""), align="left" if key == "reason" else "center")
    b.row = start + 1 + len(lay.sources)


def _goal_block(b: _Builder, ev: Evaluation, lay: Layout) -> None:
    info = ev.input.info
    label, expected, actual = lay.goal_labels
    half = (b.ncols - 1) // 2 + 1  # columns 1..half-1 the expected goal, the rest the result
    r = b.row
    b.put(r, 0, label, rowspan=2, bold=True)
    b.put(r, 1, expected, colspan=half - 1, bold=True)
    b.put(r, half, actual, colspan=b.ncols - half, bold=True)
    b.put(r + 1, 1, clean(info.annual_goal), colspan=half - 1, align="left")
    b.put(r + 1, half, clean(info.annual_goal_result), colspan=b.ncols - half, align="left")
    b.row = r + 2


def _indicator_rows(ev: Evaluation, lay: Layout) -> list[dict[str, Any]]:
    """One row per indicator result, 山西's 预算执行率 first (the other layouts show the budget in
    their budget block); each row's 分值 and 得分 numbers are its own result's."""
    rows = [budget_row(ev)] if budget_on_sheet(ev) and lay.budget_in_rows else []
    rows += [indicator_row(r) for r in ev.indicators]
    for d in rows:
        if lay.budget_in_rows and d["is_budget"]:
            d["level1"] = d["level2"] = "预算执行指标"
        d["nature"] = NATURE.get(d["direction"], "")
        d["measure"] = ""
    return rows


def _with_points(rows: list[dict[str, Any]]) -> None:
    """湖南: 产出指标(50分) and 数量指标（15） — the weights the rows under each label add up to."""
    for key, fmt in (("level1", "{}({}分)"), ("level2", "{}（{}）")):
        sums: dict[tuple[str, ...], float] = {}
        for r in rows:
            k = (r["level1"], r["level2"]) if key == "level2" else (r["level1"],)
            sums[k] = sums.get(k, 0.0) + (r["weight_number"] or 0.0)
        for r in rows:
            k = (r["level1"], r["level2"]) if key == "level2" else (r["level1"],)
            if r[key]:
                r[f"{key}_label"] = fmt.format(r[key], V.format_number(sums[k], 2))


def _runs(rows: list[dict[str, Any]], key: str, parent: list[int] | None) -> list[int]:
    """Run id per row: equal neighbouring non-empty texts (within one parent run) share an id."""
    ids: list[int] = []
    for i, r in enumerate(rows):
        same = i > 0 and r[key] and r[key] == rows[i - 1][key] and (parent is None or parent[i] == parent[i - 1])
        ids.append(ids[-1] if same else (ids[-1] + 1 if ids else 0))
    return ids


def _wide_runs(rows: list[dict[str, Any]], one: list[int], two: list[int]) -> set[int]:
    """一级 runs whose 二级 says the same thing over the same rows (预算执行 | 预算执行): one cell spans both."""
    out = set()
    for run in set(one):
        members = [n for n, x in enumerate(one) if x == run]
        if all(rows[n]["level1"] and rows[n]["level1"] == rows[n]["level2"] for n in members) and len({two[n] for n in members}) == 1 \
                and sum(1 for x in two if x == two[members[0]]) == len(members):
            out.add(run)
    return out


def _indicator_block(b: _Builder, ev: Evaluation, lay: Layout) -> None:
    rows = _indicator_rows(ev, lay)
    if lay.points:
        _with_points(rows)
    off = 1 if lay.side_label else 0
    start = b.row
    if lay.side_label:
        b.put(start, 0, "绩效指标", rowspan=1 + len(rows), bold=True)
    for i, (title, _) in enumerate(lay.indicators):
        b.put(start, off + i, title, bold=True)
    one = _runs(rows, "level1", None)
    two = _runs(rows, "level2", one)
    keys = [k for _, k in lay.indicators]
    wide = _wide_runs(rows, one, two) if "level2" in keys else set()
    for n, r in enumerate(rows):
        row = start + 1 + n
        for i, key in enumerate(keys):
            col = off + i
            if key in ("level1", "level2"):
                ids = one if key == "level1" else two
                if (n > 0 and ids[n] == ids[n - 1]) or (key == "level2" and one[n] in wide):
                    continue  # inside a merged cell
                span = sum(1 for x in ids if x == ids[n])
                b.put(row, col, r.get(f"{key}_label", r[key]), rowspan=span, colspan=2 if key == "level1" and one[n] in wide else 1)
                continue
            if key == "weight":
                b.put(row, col, r["weight"], number=r["weight_number"], fmt="")
            elif key == "score":
                b.put(row, col, r["score"], number=r["score_number"], fmt="")
            else:
                b.put(row, col, r.get(key, ""), align="left" if key in ("level3", "reason") else "center")
    b.row = start + 1 + len(rows)
    _total_row(b, ev, lay, keys, off)


def _total_row(b: _Builder, ev: Evaluation, lay: Layout, keys: list[str], off: int) -> None:
    wcol = off + keys.index("weight")
    scol = off + keys.index("score")
    r = b.row
    b.put(r, 0, lay.total_label, colspan=wcol, bold=True)
    b.put(r, wcol, V.format_number(ev.total_weight, 2), number=ev.total_weight, bold=True)
    if scol > wcol + 1:
        b.put(r, wcol + 1, "", colspan=scol - wcol - 1)
    score = ev.total_score if ev.total_score is not None else None
    b.put(r, scol, ev.total_text, number=score, fmt="0.00" if score is not None else "", bold=True)
    grade = ev.grade_text
    if scol + 1 < b.ncols:
        b.put(r, scol + 1, f"自评等级：{grade_word(grade, b.style)}", colspan=b.ncols - scol - 1)
    b.row = r + 1


def _closing_block(b: _Builder, ev: Evaluation) -> None:
    info = ev.input.info
    grade = ev.grade_text
    verdict = f"自评得分{ev.total_text}分，自评等级为“{grade_word(grade, b.style)}”。" if ev.final else f"自评得分{ev.total_text}，自评等级待定。"
    for label, text in (("评价结论", verdict), ("存在问题", clean(info.problems)), ("改进措施", clean(info.measures))):
        b.line([(label, 1, {"bold": True}), (text, b.ncols - 1, {"align": "left"})])


# --- widths ---------------------------------------------------------------------------------------

MIN_WIDTH, MAX_WIDTH = 6.0, 30.0


def text_width(text: str) -> float:
    """Width in Latin characters: a CJK character counts two."""
    if text and len(text) <= 64:
        return _short_text_width(text)  # labels, names and numbers recur in every form
    return _text_width(text)


def _text_width(text: str) -> float:
    longest = max((text or "").split("\n"), key=len, default="")
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in longest)


_short_text_width = functools.lru_cache(maxsize=4096)(_text_width)


def content_widths(form: Form) -> list[float]:
    """Column widths from the single-column cells' text (long texts wrap at MAX_WIDTH)."""
    widths = [MIN_WIDTH] * form.ncols
    for c in form.cells:
        if c.colspan == 1:
            widths[c.col] = max(widths[c.col], min(text_width(c.text) + 2, MAX_WIDTH))
    return widths
