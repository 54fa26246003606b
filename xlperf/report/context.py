"""Everything a report template needs, as display strings (``build_context``). Pure: no I/O.

Numbers are written the way real reports write them: amounts in the workbook's unit without
trailing zeros (``39.75``), rates with two decimals (``93.32%``), the total score with two
decimals (``84.31``) and row scores without trailing zeros (``9.31``, ``10``).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import fields
from typing import Any, Iterable

from xlperf.core.enums import EvaluationType, Severity, Style
from xlperf.core.layout import PAYMENT_HEADERS, PAYMENT_SYNONYMS, SHEET_PAYMENTS, STYLE_TYPES, SHEET_TEAM, TEAM_HEADERS, TEAM_SYNONYMS
from xlperf.core.scoring import _is_budget_row
from xlperf.core import values as V
from xlperf.core.models import Evaluation, IndicatorResult, ProjectInfo
import xlperf.core.narrative.matrix as matrix
from xlperf.core.narrative import ProjectLine, Section, grade_word, kind_of, missing
from xlperf.report.official import Form, official_form
from xlperf.report.rows import budget_on_sheet, budget_row, indicator_row, row_score

Grid = list[list[Any]]


NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")

clean = V.printable  # one definition, in core.values


def amount(value: float | None) -> str:
    return V.format_number(value, 2) if value is not None else ""


def _year(info) -> str:
    y = clean(info.year)
    y = re.sub(r"(年度|年)$", "", y)
    return y


# --- titles ----------------------------------------------------------------------------------------


def title_parts(ev: Evaluation, style: str) -> tuple[list[str], str]:
    """(title lines, subtitle) as the style's real reports write them."""
    info = ev.input.info
    year = _year(info)
    year_text = f"{year}年度" if year else ""
    name = clean(info.name)
    unit = clean(info.unit)
    dept = clean(info.department)
    department_level = ev.evaluation_type == EvaluationType.DEPARTMENT
    if style == Style.SICHUAN:
        org = dept or unit or missing("主管部门")
        return [org, f"{year_text}专项（项目）资金绩效自评报告"], f"（{name or missing('项目名称')}）"
    if department_level:
        lines = _split_title(f"{year_text}{dept or unit or missing('主管部门')}", "部门整体支出绩效自评报告")
        return lines, ""
    if not name:
        lines = _split_title(f"{year_text}{missing('项目名称')}", "项目支出绩效自评报告")
    elif name.endswith("项目"):
        lines = _split_title(f"{year_text}{name}", "支出绩效自评报告")
    else:
        lines = _split_title(f"{year_text}{name}", "项目支出绩效自评报告")
    if style == Style.SHAANXI:
        return lines, ""
    who = unit or dept
    return lines, f"（{who}）" if who else ""


TITLE_LINE_CHARS = 20  # 二号 (22 pt) characters on a 156 mm line


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _split_title(head: str, tail: str) -> list[str]:
    """One line when it fits, else break between the subject and 「…绩效自评报告」 (GB/T 9704:
    a title breaks where the words stay whole, never inside a word)."""
    if _width(head + tail) <= TITLE_LINE_CHARS:
        return [head + tail]
    if _width(head) <= TITLE_LINE_CHARS:
        return [head, tail]
    if head.endswith("项目") and _width(head[:-2]) <= TITLE_LINE_CHARS:  # 「…补助 / 项目支出绩效自评报告」
        return [head[:-2], "项目" + tail]
    return [head, tail]  # a very long name: Word wraps the first line


# --- sections --------------------------------------------------------------------------------------


def section_kind(s: Section) -> str:
    heading = s.heading.strip()
    if s.level >= 3:
        return "h3"
    if s.level == 2:
        return "h2"
    if heading.startswith("附件"):
        return "annex"
    if NUMBERED.match(heading):
        return "h1"
    return "table_title"


def section_dicts(sections: Iterable[Section]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    prev_kind = ""
    for s in sections:
        kind = section_kind(s)
        out.append(
            {
                "key": s.key,
                "heading": clean(s.heading),
                "level": s.level,
                "kind": kind,
                "path": s.path,
                "paragraphs": [clean(p) for p in s.paragraphs if clean(p)],
                "tables": list(s.tables),
                "generated": s.generated,
                # a table page (陕西's 自评表 first) is followed by a new page
                "page_break_before": prev_kind == "table_title" and kind == "h1",
            }
        )
        prev_kind = kind
    return out


def _department_captions(secs: list[dict[str, Any]]) -> None:
    """A department's own 自评表 is a 部门整体支出绩效自评表, whatever outline captions its annex
    (通用's 附件 says 项目支出绩效自评表)."""
    for sec in secs:
        if "self_table" in sec["tables"] and sec["kind"] in ("annex", "table_title") and DEPARTMENT_FORM not in sec["heading"]:
            for key in ("heading", "path"):
                sec[key] = sec[key].replace(PROJECT_FORM, DEPARTMENT_FORM)


PROJECT_FORM, DEPARTMENT_FORM = "项目支出绩效自评表", "部门整体支出绩效自评表"


# --- tables ----------------------------------------------------------------------------------------


def _merge_flags(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Vertical-merge flags for hierarchical columns: ``<key>_start``, ``<key>_continue``, ``<key>_span``.

    A cell merges with the one above when it has the same non-empty text and every column
    to its left merges too (二级 never spans two 一级).
    """
    n = len(rows)
    for depth, key in enumerate(keys):
        parents = [f"{p}_continue" for p in keys[:depth]]
        start, cont, span = f"{key}_start", f"{key}_continue", f"{key}_span"
        i = 0
        while i < n:
            j = i + 1
            text = rows[i].get(key, "")
            while text and j < n and rows[j].get(key, "") == text and not rows[j].get("is_total") and all(rows[j].get(p) for p in parents):
                j += 1
            rows[i][start] = True
            rows[i][cont] = False
            rows[i][span] = j - i
            for k in range(i + 1, j):
                rows[k][start] = False
                rows[k][cont] = True
                rows[k][span] = 0
            i = j


def self_table(ev: Evaluation, shown: list[dict[str, Any]] | None = None, style: str = "") -> dict[str, Any]:
    """The 自评表: the budget row first (when scored on the 预算执行 sheet), one row per indicator, 合计.

    ``shown``: :func:`~xlperf.report.rows.indicator_row` of each of ``ev.indicators``, when the
    caller made them already.
    """
    rows: list[dict[str, Any]] = []
    if budget_on_sheet(ev):
        rows.append(budget_row(ev))
    for i, r in enumerate(ev.indicators):
        rows.append(dict(shown[i]) if shown is not None else indicator_row(r))
    _merge_flags(rows, ("level1", "level2"))
    for row in rows:  # 一级 and 二级 saying the same thing (预算执行 | 预算执行) span both columns
        row["l12_same"] = bool(row["level1"]) and row["level1"] == row["level2"] and row["level1_span"] == row["level2_span"] and row["level1_start"]
    grade = ev.grade_text
    total = {
        "label": "合计",
        "weight": V.format_number(ev.total_weight, 2),
        "score": ev.total_text,
        "grade": grade,
        "note": f"自评等级：{grade_word(grade, style)}" if ev.final else "自评等级：待定",
    }
    return {
        "name": "self_table",
        "title": "",
        "note": "",
        "header": ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "完成率", "得分", "偏差原因分析及改进措施"],
        "rows": rows,
        "total": total,
        "widths": column_widths(SELF_KEYS, rows + [{"score": total["score"], "weight": total["weight"]}]),
    }


SELF_KEYS = ("level1", "level2", "level3", "weight", "target", "actual", "completion", "score", "reason")
# The least width a column of the 自评表 gets, in Latin characters (a CJK character counts two):
# a text column keeps room for a few words even when every cell in it is empty (the 偏差原因 column
# of a project that met every target), numbers never wrap (``100.00%``).
SELF_MIN_WIDTHS = {"level1": 10.0, "level2": 10.0, "level3": 14.0, "weight": 6.0, "target": 10.0, "actual": 10.0,
                   "completion": 9.0, "score": 7.0, "reason": 20.0}


def column_widths(keys: tuple[str, ...], rows: list[dict[str, Any]]) -> list[float]:
    """Relative widths of a context-built table's columns (for the renderers): each column as wide
    as its longest cell (long texts wrap at official.MAX_WIDTH), never below SELF_MIN_WIDTHS."""
    from xlperf.report.official import MAX_WIDTH, MIN_WIDTH, text_width

    out = []
    for k in keys:
        need = max((text_width(str(r.get(k) or "")) + 2 for r in rows if not r.get("placeholder")), default=MIN_WIDTH)
        out.append(max(min(need, MAX_WIDTH), SELF_MIN_WIDTHS.get(k, MIN_WIDTH)))
    return out


def budget_table(ev: Evaluation) -> dict[str, Any]:
    unit = clean(ev.input.info.amount_unit) or ev.budget.unit or "万元"
    computed = {ln["row"]: ln for ln in ev.budget.lines}
    rows = []
    for ln in ev.input.budget.lines:
        if ln.is_blank:
            continue
        c = computed.get(ln.row, {})
        rows.append(
            {
                "source": clean(ln.source),
                "initial": amount(ln.initial),
                "full_year": amount(ln.full_year),
                "received": amount(ln.received),
                "executed": amount(ln.executed),
                "balance": amount(c.get("balance")),
                "arrival_rate": V.format_rate(c.get("arrival_rate")),
                "execution_rate": V.format_rate(c.get("execution_rate")),
            }
        )
    if not rows:
        rows.append(
            {
                "source": missing("预算数据", "“预算执行”表"),
                "initial": "",
                "full_year": "",
                "received": "",
                "executed": "",
                "balance": "",
                "arrival_rate": "",
                "execution_rate": "",
                "placeholder": True,
            }
        )
    header = ["资金来源", "年初预算数", "全年预算数", "实际到位数", "全年执行数", "结余", "到位率", "执行率"]
    return {"name": "budget", "title": "", "note": f"单位：{unit}", "header": header, "rows": rows, "unit": unit}


def budget_matrix_table(ev: Evaluation) -> dict[str, Any]:
    """山西 一（二）预算执行情况: the 行次 matrix (core.narrative.matrix) as display strings. ``top``
    and ``sub`` are its two header rows (财政资金 over its five columns), ``header`` the same as one
    row of ten labels; rates are written as the 临汾 reports write them, in a row labelled (%)
    (``93.10``); the amount unit is the note above the table."""
    unit = clean(ev.input.info.amount_unit) or ev.budget.unit or "万元"
    m = matrix.budget_matrix(ev)
    own = {key: label for key, _, label, fiscal in matrix.COLUMNS if not fiscal}
    top = ["项目", "行次", own["total"], matrix.FISCAL_GROUP, own["carryover"], own["other"]]
    sub = [label for _, _, label, fiscal in matrix.COLUMNS if fiscal]
    header = top[:3] + [matrix.FISCAL_GROUP + sub[0]] + [f"其中：{x}" for x in sub[1:]] + top[4:]
    rows = []
    for row, label, line, rate in matrix.ROWS:
        shown = (lambda v: V.format_rate(v)[:-1]) if rate else amount  # 93.10 under 预算执行率(%)
        rows.append({"item": f"{label}(%)" if rate else label, "line": line, **{col: shown(m.cells.get((row, col))) for col, *_ in matrix.COLUMNS}})
    if m.empty:
        rows = [{"item": missing("预算数据", "“预算执行”表"), "line": "", **{col: "" for col, *_ in matrix.COLUMNS}, "placeholder": True}]
    return {"name": "budget_matrix", "title": "", "note": f"单位：{unit}", "header": header, "top": top, "sub": sub, "rows": rows, "unit": unit}


def _six(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [{k: d[k] for k in ("level1", "level2", "level3", "weight", "target", "actual", "score", "completion", "reason")} for d in shown]
    _merge_flags(out, ("level2",))
    return out


SIX_HEADER = ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"]


def _kind_rows(ev: Evaluation, kind: str) -> list[IndicatorResult]:
    """The rows of one 一级 kind; 满意度 rows filed under 效益指标 (湖南) belong to 满意度."""
    return [r for r in ev.indicators if kind_of(r) == kind]


def indicator_table(ev: Evaluation, kind: str, name: str, shown: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``shown`` as for :func:`self_table`."""
    if shown is None:
        rows = _six([indicator_row(r) for r in _kind_rows(ev, kind)])
    else:
        rows = _six([d for r, d in zip(ev.indicators, shown) if kind_of(r) == kind])
    if not rows:
        rows = [{"level2": "", "level3": missing(f"{kind}指标", "“绩效指标”表"), "weight": "", "target": "", "actual": "", "score": "", "placeholder": True,
                 "level2_start": True, "level2_continue": False, "level2_span": 1}]
    return {"name": name, "title": "", "note": "", "header": list(SIX_HEADER), "rows": rows}


def budget_indicator_table(ev: Evaluation) -> dict[str, Any]:
    """山西 (一)预算执行情况: 预算执行指标 | 预算执行率 | 权重 | 100% | 执行率 | 得分."""

    b = ev.budget
    in_table = [r for r in ev.indicators if _is_budget_row(r.indicator)]
    if in_table:
        r = in_table[0]
        ind = r.indicator
        row = {
            "level2": "预算执行指标",
            "level3": clean(ind.level3) or "预算执行率",
            "weight": V.format_number(ind.weight, 2) if ind.weight is not None else "",
            "target": clean(r.target_display) or "100%",
            "actual": clean(r.actual_display),
            "score": row_score(r.score),
        }
    elif b.present:
        row = {
            "level2": "预算执行指标",
            "level3": "预算执行率",
            "weight": V.format_number(b.weight, 2),
            "target": "100%",
            "actual": V.format_rate(b.execution_rate) if b.execution_rate is not None else missing("全年预算数和全年执行数", "“预算执行”表"),
            "score": "待定" if b.pending else row_score(b.score),
        }
    else:
        row = {"level2": "预算执行指标", "level3": "预算执行率", "weight": "", "target": "100%", "actual": missing("预算执行数据", "“预算执行”表"), "score": ""}
    row.update({"level2_start": True, "level2_continue": False, "level2_span": 1})
    return {"name": "budget_indicator", "title": "", "note": "", "header": ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"], "rows": [row]}


# --- 陕西: the 绩效完成表 of 一（二）项目目标 ------------------------------------------------------------

# (label, the 预算执行 sources it shows — the first one the sheet has, as the 陕西 自评表's rows)
KEPT_GROUP_ROWS = 12  # a longer 二级 group may break across pages
GOAL_FUNDS = (("年度资金总额：", ("年度资金总额",)), ("其中：财政拨款", ("财政拨款",)), ("其他资金", ("其他资金", "上年结转资金")))


def goal_table(ev: Evaluation, shown: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """子洲's 专项业务经费（项目）绩效完成表: 项目名称, 主管部门, 资金金额 (the 实施期资金总额 the unit
    gave, then the year's money from the 预算执行 sheet — 年初预算数, else 全年预算数), 年初设定目标 |
    全年实际完成情况, and each indicator's 年度指标值 and 全年完成值 with its 偏差原因 (no scores)."""
    info = ev.input.info
    lines = {ln.source: ln for ln in ev.input.budget.lines}
    funds = []
    period = clean(info.period_funds)
    if period and period not in ("无", "/", "-", "—"):
        funds.append({"label": "实施期资金总额：", "value": f"{period}{unit}" if re.fullmatch(r"\d+(\.\d+)?", period) else period})
    for label, names in GOAL_FUNDS:
        ln = next((lines[s] for s in names if s in lines), None)
        value = None if ln is None else (ln.initial if ln.initial is not None else ln.full_year)
        funds.append({"label": label, "value": f"{amount(value)}{unit}" if value is not None else ""})
    rows = [{k: r[k] for k in ("level1", "level2", "level3", "target", "actual", "reason")} for r in shown]
    for r in rows:
        r["side"] = "年度绩效指标"
    _merge_flags(rows, ("side", "level1", "level2"))
    for n, r in enumerate(rows):  # a 二级 label's rows keep together (Word: keep with the next row)
        start = next(i for i in range(n, -1, -1) if rows[i]["level2_start"])
        span = rows[start]["level2_span"]
        r["keep"] = 1 < span <= KEPT_GROUP_ROWS and n < start + span - 1
    year = _year(info)
    return {
        "name": "goal_table",
        "title": f"{year}年专项业务经费（项目）绩效完成表" if year else "专项业务经费（项目）绩效完成表",
        "note": "",
        "header": ["一级指标", "二级指标", "指标内容", "年度指标值", "全年完成值", "未完成原因和改进措施"],
        "project": clean(info.name),
        "department": clean(info.department),
        "funds": funds,
        "goal": clean(info.annual_goal),
        "result": clean(info.annual_goal_result),
        "rows": rows,
    }


# --- optional sheets: 支付明细, 自评小组, 基础数据 ---------------------------------------------------


def _find_sheet(grids: dict[str, Grid] | None, name: str) -> Grid | None:
    if not grids:
        return None
    key = name.replace(" ", "")
    for sheet, grid in grids.items():
        if str(sheet).replace(" ", "").strip() == key:
            return grid
    return None


def _header_map(grid: Grid, canonical: tuple[str, ...], synonyms: dict[str, str], need: int) -> tuple[int, dict[str, int]] | None:
    """(0-based header row, {canonical: 0-based column}) within the first 10 rows."""
    for i, row in enumerate(grid[:10]):
        cols: dict[str, int] = {}
        for j, v in enumerate(row):
            t = re.sub(r"[\s（(].*$", "", clean(v)) if isinstance(v, str) else clean(v)
            t = synonyms.get(t, t)
            if t in canonical and t not in cols:
                cols[t] = j
        if len(cols) >= need:
            return i, cols
    return None


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float)):
        return V.format_number(float(value), 2)
    return clean(value)


def sheet_request(sheet: str, headers: tuple[str, ...], grid: Grid | None) -> str:
    """What a report asks for when an optional sheet gives nothing: to fill the sheet the workbook
    has, or to add the sheet it does not have (a request never points at a sheet that is not there)."""
    if grid is not None:
        return f"【请在“{sheet}”工作表中填写】"
    return f"【请新增“{sheet}”工作表（表头：{'、'.join(headers)}）并填写；xlperf new --style 陕西 新建的工作簿已含此表】"


def payments_table(grids: dict[str, Grid] | None, unit: str) -> dict[str, Any]:
    header = ["支付日期", "资金性质", "用途", "支付金额"]
    rows: list[dict[str, Any]] = []
    total = 0.0
    counted = False
    grid = _find_sheet(grids, SHEET_PAYMENTS)
    hit = _header_map(grid, PAYMENT_HEADERS, PAYMENT_SYNONYMS, 2) if grid else None
    if grid and hit:
        start, cols = hit
        for raw in grid[start + 1 :]:
            get = lambda name: raw[cols[name]] if name in cols and cols[name] < len(raw) else None  # noqa: E731
            values = [get(n) for n in PAYMENT_HEADERS]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            first = clean(values[0]) + clean(values[2])
            if first.startswith("合计") or first.startswith("总计"):
                continue
            amt = values[3]
            if isinstance(amt, (int, float)) and not isinstance(amt, bool):
                total += float(amt)
                counted = True
            rows.append({"date": _display(values[0]), "nature": _display(values[1]), "purpose": _display(values[2]), "amount": _display(amt)})
    if not rows:
        rows.append({"date": sheet_request(SHEET_PAYMENTS, PAYMENT_HEADERS, grid), "nature": "", "purpose": "", "amount": "", "placeholder": True})
    elif counted:
        rows.append({"date": "合计", "nature": "", "purpose": "", "amount": V.format_number(total, 2), "is_total": True})
    return {"name": "payments", "title": "", "note": f"单位：{unit}", "header": header, "rows": rows}


_SPLIT_MEMBERS = re.compile(r"[；;\n]+")
_SPLIT_FIELDS = re.compile(r"[，,、\s/|]+")


def team_table(grids: dict[str, Grid] | None, extra: dict[str, str]) -> dict[str, Any]:
    """五、自评小组 as 子洲 has it: 评价人员 merged down the first column, then 姓名 · 职称/职务 · 单位 ·
    签字 (blank: each member signs the printed copy by hand)."""
    header = ["", "姓名", "职称/职务", "单位", "签字"]
    rows: list[dict[str, Any]] = []
    grid = _find_sheet(grids, SHEET_TEAM)
    hit = _header_map(grid, TEAM_HEADERS, TEAM_SYNONYMS, 2) if grid else None
    if grid and hit:
        start, cols = hit
        for raw in grid[start + 1 :]:
            get = lambda name: raw[cols[name]] if name in cols and cols[name] < len(raw) else None  # noqa: E731
            name, title, unit = (_display(get(n)) for n in TEAM_HEADERS)
            if name or title or unit:
                rows.append({"name": name, "title": title, "unit": unit})
    if not rows:
        text = clean(extra.get("自评小组", "")) if extra else ""
        for member in _SPLIT_MEMBERS.split(text):
            parts = [p for p in _SPLIT_FIELDS.split(member.strip()) if p]
            if parts:
                rows.append({"name": parts[0], "title": parts[1] if len(parts) > 1 else "", "unit": "".join(parts[2:])})
    if not rows:
        rows.append({"name": sheet_request(SHEET_TEAM, TEAM_HEADERS, grid), "title": "", "unit": "", "placeholder": True})
    for r in rows:
        r["role"] = "" if r.get("placeholder") else "评价人员"
        r.setdefault("sign", "")  # signed by hand on the printed copy
    _merge_flags(rows, ("role",))
    return {"name": "team", "title": "", "note": "", "header": header, "rows": rows}


SIGN_OFF = "项目单位（中介机构）负责人（签字并盖章）："


def sign_off(info: ProjectInfo) -> dict[str, Any]:
    """The line under 子洲's 自评小组 for the head of the unit's signature and seal, then the date
    (the 评价时间 the unit gave, else blanks to write it in by hand)."""
    return {"name": "sign_off", "title": "", "note": "", "header": [], "rows": [], "label": SIGN_OFF,
            "date": clean(info.evaluated_on) or "　　年　　月　　日"}


def basic_data_rows(grids: dict[str, Grid] | None) -> list[list[str]]:
    """The 基础数据 sheet as rows of strings, header first ([] when there is none), with the rates
    of 附件1 computed from it (forms.basic_data.with_rates)."""
    from xlperf.core.basicdata import basic_data_of
    from xlperf.forms.basic_data import basic_data_sheet, read_basic_data, with_rates

    sheet = basic_data_sheet(list(grids or {}))
    return with_rates(read_basic_data(grids[sheet]), basic_data_of(grids)) if sheet else []


# --- the context -----------------------------------------------------------------------------------


def cover_fields_of(info: ProjectInfo, fields: list[dict[str, str]]) -> list[dict[str, str]]:
    """The cover's rows with the 陕西 fields the unit filled (子洲's cover): 评价项目类型 in place of
    评价类型, 项目单位法人代码 after 主管部门. Empty, the rows are as they were."""
    kind, code = clean(info.evaluation_kind), clean(info.unit_code)
    out = []
    for f in fields:
        if f["key"] == "evaluation_type" and kind:
            f = {"key": "evaluation_kind", "label": "评价项目类型", "value": kind}
        out.append(f)
        if f["key"] == "department" and code:
            out.append({"key": "unit_code", "label": "项目单位法人代码", "value": code})
    return out


def _cover(ev: Evaluation, title: str) -> dict[str, Any]:
    info = ev.input.info
    etype = clean(info.evaluation_type) or EvaluationType.PROJECT
    values = {
        "evaluation_type": f"{etype}绩效自评",
        "project": clean(info.name) or missing("项目名称"),
        "unit": clean(info.unit) or missing("实施单位"),
        "department": clean(info.department) or missing("主管部门"),
        "leader": clean(info.leader) or missing("项目负责人"),
        "contact": clean(info.contact) or missing("联系人"),
        "phone": clean(info.phone) or missing("联系电话"),
        "date": clean(info.evaluated_on) or "　　年　　月　　日",
    }
    labels = (
        ("evaluation_type", "评价类型"),
        ("project", "项目名称"),
        ("unit", "单位"),
        ("department", "主管部门"),
        ("leader", "负责人"),
        ("contact", "联系人"),
        ("phone", "联系电话"),
        ("date", "评价时间"),
    )
    year = _year(info)
    return {
        "title": f"{year}年度{etype}绩效自评报告" if year else f"{etype}绩效自评报告",
        "fields": cover_fields_of(info, [{"key": k, "label": label, "value": values[k]} for k, label in labels]),
        **values,
    }


def project_summary_table(projects: list[ProjectLine] | None, unit: str, style: str = "") -> dict[str, Any]:
    """部门整体支出: one row per project — 项目, 全年预算数, 全年执行数, 执行率, 得分, 等级."""
    header = ["序号", "项目名称", f"全年预算数（{unit}）", f"全年执行数（{unit}）", "执行率", "自评得分", "等级"]
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(projects or [], 1):
        budget, spent = _in_unit(p.budget, p.unit, unit), _in_unit(p.executed, p.unit, unit)
        rate = V.format_rate(spent / budget) if budget and spent is not None else ""
        rows.append(
            {
                "no": str(i),
                "name": clean(p.name),
                "budget": amount(budget),
                "executed": amount(spent),
                "rate": rate,
                "score": V.format_number(p.score, 2) if p.score is not None else "待定",
                "grade": grade_word(p.grade, style) if p.score is not None else "待定",
            }
        )
    if not rows:
        rows.append({"no": "", "name": "【请附各项目支出绩效自评表：生成报告时用 --projects 指定各项目自评表所在的文件夹】", "budget": "", "executed": "", "rate": "", "score": "", "grade": "", "placeholder": True})
    return {"name": "project_summary", "title": "", "note": "", "header": header, "rows": rows}


def _in_unit(value: float | None, src: str, dst: str) -> float | None:
    if value is None or not src or src == dst:
        return value
    converted = V.convert_amount(value, src, dst)
    return converted if converted is not None else value


def _empty_table(tb: dict[str, Any]) -> bool:
    """A table with nothing to show: no rows, or only rows that ask for data."""
    rows = tb.get("rows") or []
    if tb.get("name") in ("basic_data", "projects", "sign_off"):
        return False  # rendered from their own context keys (basic_data_rows, projects) or lines
    return not rows or all(r.get("placeholder") for r in rows)


def _placeholder_text(tb: dict[str, Any]) -> str:
    for r in tb.get("rows") or []:
        for v in r.values():
            if isinstance(v, str) and v.startswith("【"):
                return v
    return tb.get("placeholder", "")


_ASK = re.compile(r"【(请[^】]+)】")  # the program's requests; 【2017】 in a 文号 is text


def open_items(ev: Evaluation, secs: list[dict[str, Any]], sections: list[Section], cover: dict[str, Any] | None = None) -> list[str]:
    """What must be fixed before the report is final, in reading order, each said once."""
    items: list[str] = []
    for f in ev.errors:
        items.append(f"工作簿错误（{f.location}）：{f.message}")
    for f in ev.withheld:
        if f.severity != Severity.ERROR:
            items.append(f"得分待定（{f.location}）：{f.message}")
    for f in (cover or {}).get("fields", []):
        items += [f"封面“{f['label']}”：{m}" for m in _ASK.findall(f["value"])]
    for sec, s in zip(secs, sections):
        where = sec["heading"].rstrip("。")
        items += [f"{where}：{x}" for x in s.open_items]
        for p in sec["paragraphs"]:
            items += [f"{where}：{m}" for m in _ASK.findall(p)]
    seen: set[str] = set()
    out = []
    for x in items:  # one request once, under the first section that makes it
        key = x.split("：", 1)[-1]
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def _drop_empty_tables(secs: list[dict[str, Any]], tables: dict[str, Any]) -> None:
    """A table with nothing in it is not printed; what it asks for becomes a paragraph."""
    for sec in secs:
        keep = []
        for t in sec["tables"]:
            tb = tables.get(t)
            if tb is not None and _empty_table(tb):
                ask = _placeholder_text(tb)
                if ask and ask not in sec["paragraphs"]:
                    sec["paragraphs"].append(ask)
                continue
            keep.append(t)
        sec["tables"] = keep


DRAFT_MARK = "（草稿）"
OPEN_HEADING = "待完善事项（定稿前删除本节）"


def build_context(
    ev: Evaluation,
    sections: list[Section],
    *,
    grids: dict[str, Grid] | None = None,
    style: str | None = None,
    projects: list[ProjectLine] | None = None,
) -> dict[str, Any]:
    """Everything a report template needs (see docs/report-templates.md), all strings formatted.

    ``style``: the outline ``sections`` were written in (None: the workbook's, see
    :func:`report_style`). The official 自评表 is not in the context: it is
    :func:`official_form_of` ``(ev, context["style"])``, given to the renderers beside it.

    A report with open items (workbook errors, 待定 scores, facts or sections still missing) is a
    草稿: its title says so and a last section lists each item.

    Long on purpose: most of it is the one dict literal of the documented template variables, kept
    in one place so a template author reads them where they are made.
    """
    info = ev.input.info
    style = report_style(ev, style)
    lines, subtitle = title_parts(ev, style)
    unit = clean(info.amount_unit) or "万元"
    project = {f.name: clean(getattr(info, f.name)) for f in fields(info) if isinstance(getattr(info, f.name), str)}
    project["extra"] = {clean(k): clean(v) for k, v in info.extra.items()}
    secs = section_dicts(sections)
    if ev.evaluation_type == EvaluationType.DEPARTMENT:
        _department_captions(secs)
    tables = _tables(ev, grids, unit, projects, style)
    for s in secs:  # a table name no builder knows: an empty placeholder, never a template error
        for t in s["tables"]:
            tables.setdefault(t, {"name": t, "title": "", "note": "", "header": [], "rows": [], "placeholder": ""})
    _drop_empty_tables(secs, tables)
    todo = open_items(ev, secs, sections, _cover(ev, "") if style == Style.SHAANXI else None)
    title = "".join(lines) + subtitle if style == Style.SICHUAN else "".join(lines)
    basic = basic_data_rows(grids)
    grade = ev.grade_text
    department = clean(info.department)
    impl = clean(info.unit)
    cover = _cover(ev, title)
    spending = department_spending(ev, grids, unit) if ev.evaluation_type == EvaluationType.DEPARTMENT else None
    context = {
        "style": style,
        "title": title,
        "title_lines": lines,
        "subtitle": subtitle,
        "preamble": preamble_of(ev, style),  # the opening paragraph before 一、 ("" when the style has none)
        "draft": False,
        "open_items": [],
        "org": {
            "department": department,
            "unit": impl,
            "line": "　".join(x for x in (f"主管部门：{department}" if department else "", f"实施单位：{impl}" if impl else "") if x),
        },
        "project": project,
        "year": _year(info),
        "unit": unit,
        "total_score": ev.total_text,
        "final": ev.final,
        "pending": [
            {"cell": f.location, "message": f.message} for f in ev.withheld
        ],
        "total_weight": V.format_number(ev.total_weight, 2),
        "grade": grade,
        "grade_long": grade_word(grade, style),  # the grade as the style's reference writes it
        "level1": [{"name": clean(s.name), "weight": V.format_number(s.weight, 2), "score": "待定" if s.pending else V.format_score(s.score)} for s in ev.level1],
        "execution_rate": V.format_rate(ev.budget.execution_rate) if ev.budget.execution_rate is not None else "",
        "sections": secs,
        "tables": tables,
        "budget_table": tables["budget"],
        "budget_matrix_table": tables["budget_matrix"],
        "self_table": tables["self_table"],
        "output_table": tables["output"],
        "benefit_table": tables["benefit"],
        "satisfaction_table": tables["satisfaction"],
        "budget_indicator_table": tables["budget_indicator"],
        "project_summary": tables["project_summary"],
        "payments": tables["payments"],
        "team": tables["team"],
        "basic_data": basic,
        "basic_data_header": basic[0] if basic else [],
        "basic_data_rows": basic[1:],
        "projects": [],
        "department_spending": spending,
        "cover": cover,
        "error_count": len(ev.errors),
        "warning_count": len(ev.warnings),
    }
    add_open_items(context, todo)
    return context


def preamble_of(ev: Evaluation, style: str) -> str:
    """The opening paragraph before 一、: the 湖南 report's (the documents it carries out, then
    报告如下); "" in the other styles, which open with 一、."""
    if style != Style.HUNAN:
        return ""
    from xlperf.core.narrative.depth import preamble
    from xlperf.core.narrative.facts import Facts

    return clean(preamble(Facts(ev, style=style)))


def add_open_items(context: dict[str, Any], items: list[str]) -> None:
    """Add ``items`` to the 待完善事项 of a built context (each once): the report becomes a 草稿
    (its title and cover say so) and its last section lists every item, numbered."""
    new = [x for x in dict.fromkeys(items) if x not in context["open_items"]]
    if not new:
        return
    todo = context["open_items"] = context["open_items"] + new
    if not context["draft"]:
        context["draft"] = True
        lines = context["title_lines"] = context["title_lines"] + [DRAFT_MARK]  # its own line: a long title never breaks inside 草稿
        context["title"] = "".join(lines) + context["subtitle"] if context["style"] == Style.SICHUAN else "".join(lines)
        context["cover"]["title"] += "\n" + DRAFT_MARK
        context["sections"].append(
            {"key": "open", "heading": OPEN_HEADING, "level": 1, "kind": "annex", "path": OPEN_HEADING,
             "paragraphs": [], "tables": [], "generated": True, "page_break_before": False}
        )
    section = next(s for s in context["sections"] if s["key"] == "open")
    section["paragraphs"] = [f"{i}. {x}" for i, x in enumerate(todo, 1)]


def _tables(ev: Evaluation, grids: dict[str, Grid] | None, unit: str, projects: list[ProjectLine] | None, style: str = "") -> dict[str, Any]:
    info = ev.input.info
    shown = [indicator_row(r) for r in ev.indicators]  # once for the 自评表 and the three kind tables
    tables: dict[str, Any] = {
        "budget": budget_table(ev),
        "budget_matrix": budget_matrix_table(ev),
        "self_table": self_table(ev, shown, style),
        "output": indicator_table(ev, "产出", "output", shown),
        "benefit": indicator_table(ev, "效益", "benefit", shown),
        "satisfaction": indicator_table(ev, "满意度", "satisfaction", shown),
        "budget_indicator": budget_indicator_table(ev),
        "payments": payments_table(grids, unit),
        "team": team_table(grids, info.extra),
        "sign_off": sign_off(info),
        "goal_table": goal_table(ev, shown, unit),
        "project_summary": project_summary_table(projects, unit, style),
    }
    tables["basic_data"] = {
        "name": "basic_data",
        "title": "",
        "note": "",
        "header": [],
        "rows": [],
        "placeholder": missing("部门基础数据（编制数、实有人数、收入支出、三公经费等）", "“基础数据”工作表"),
    }
    tables["projects"] = {"name": "projects", "title": "", "note": "", "rows": [], "placeholder": "【各项目支出绩效自评表另附】"}
    return tables


def report_style(ev: Evaluation, style: str | None = None) -> str:
    """The outline a report of ``ev`` is written in: ``style`` when given, else the workbook's
    报告样式 when it is meant for the workbook's evaluation type, else 通用 (the choice
    report_sections and narrative.generate make for no ``style``)."""
    if style:
        return style
    own = ev.style
    if own is None or STYLE_TYPES.get(own, ev.evaluation_type) != ev.evaluation_type:
        return Style.GENERAL.value
    return own.value  # the context holds plain strings


def official_form_of(ev: Evaluation, style: str | None, spending: list[dict[str, Any]] | None = None) -> Form:
    """The official 自评表 (report/official.py) every renderer shows as the annex, in the layout of
    ``style`` (the national one for 通用 and unknown styles).

    A department's (部门整体支出绩效自评表, as the 湖南 reference's 附件2) names the 部门（单位） and
    shows its 整体支出规模 — 资金来源 (财政拨款, 其他资金) and 资金结构 (基本支出, 项目支出), each
    with 全年预算数, 全年执行数 and 执行率 — in place of a project's 项目资金 block: ``spending``
    is the context's ``department_spending`` (:func:`department_spending`)."""
    form = official_form(ev, style)
    if ev.evaluation_type == EvaluationType.DEPARTMENT and spending is not None:
        form = _department_form(form, ev, spending)
    return form


# --- the department's 整体支出规模 ---------------------------------------------------------------------

# (label on the form, 预算执行 sheet sources, 基础数据 key when the sheet has no such line)
SPENDING_LINES = (
    ("年度资金总额", ("年度资金总额",), "spend_total"),
    ("资金来源：（1）财政拨款", ("财政拨款",), "income_fiscal"),
    ("　　　　　（2）其他资金", ("其他资金", "上年结转资金"), "income_other"),
    ("资金结构：（1）基本支出", (), "spend_basic"),
    ("　　　　　（2）项目支出", (), "spend_project"),
)


def department_spending(ev: Evaluation, grids: dict[str, Grid] | None, unit: str) -> list[dict[str, Any]]:
    """A department's 整体支出规模 in ``unit``: one dict per SPENDING_LINES entry — ``label``,
    ``initial``, ``full_year``, ``executed`` (None when neither the 预算执行 sheet nor the 基础数据
    sheet gives it). Sources are summed over the sheet's lines they name (其他资金 with 上年结转资金)."""
    from xlperf.core.basicdata import basic_data_of

    basic = basic_data_of(grids)
    lines = {clean(ln.source): ln for ln in ev.input.budget.lines if not ln.is_blank}
    out = []
    for label, sources, key in SPENDING_LINES:
        found = [lines[s] for s in sources if s in lines]
        row: dict[str, Any] = {"label": label, "initial": None, "full_year": None, "executed": None}
        if found:
            for attr in ("initial", "full_year", "executed"):
                vals = [getattr(ln, attr) for ln in found if getattr(ln, attr) is not None]
                row[attr] = sum(vals) if vals else None
        item = basic.get(key) if basic is not None else None
        if item is not None:
            if row["full_year"] is None and row["executed"] is None:
                row["full_year"], row["executed"] = (_in_unit(item.budget, item.unit, unit), _in_unit(item.actual, item.unit, unit))
        out.append(row)
    return out


def _department_form(form: Form, ev: Evaluation, spending: list[dict[str, Any]]) -> Form:
    """``form`` (a national layout) with the department's name label and its 整体支出规模 block in
    place of the 项目资金 block; a budget scored on the 预算执行 sheet keeps its 分值, 执行率 and 得分
    on the 年度资金总额 line. Other layouts (no 项目资金 block) are returned as they are."""
    import dataclasses

    from xlperf.report.official import FormCell, content_widths

    start = next((c.row for c in form.cells if c.col == 0 and c.text.startswith("项目资金")), None)
    if start is None:
        return form
    block = next(c for c in form.cells if c.row == start and c.col == 0)
    head = [c for c in form.cells if c.row == start and c.col > 1]
    first = min(c.col for c in head)
    titles = {c.text: c.col for c in head}
    end = start + block.rowspan
    shift = 1 + len(spending) - block.rowspan
    cells = []
    for c in form.cells:
        if start <= c.row < end:
            continue
        c = dataclasses.replace(c, row=c.row + shift) if c.row >= end else c
        if c.row == 0 and c.col == 0:
            c = dataclasses.replace(c, text="部门（单位）名称")
        cells.append(c)
    unit = form.unit
    cells.append(FormCell(row=start, col=0, text=f"整体支出规模（{unit}）", rowspan=1 + len(spending), bold=True))
    cells.append(FormCell(row=start, col=1, text="", colspan=first - 1, bold=True))
    cells += [dataclasses.replace(c) for c in head]
    scored_here = ev.budget.present and not ev.budget.scored_in_indicators
    for n, line in enumerate(spending):
        r = start + 1 + n
        full, done = line["full_year"], line["executed"]
        rate = V.round_half_up(done / full, 4) if full and full > 0 and done is not None else None  # as scoring rounds a line's rate
        total = n == 0
        values = {
            "年初预算数": _cell_number(line["initial"]),
            "全年预算数": _cell_number(full),
            "全年执行数": _cell_number(done),
            "执行率": (V.format_rate(rate), rate, "0.00%") if rate is not None else ("", None, ""),
            "分值": _cell_number(ev.budget.weight) if total and scored_here else ("—" if not total else "", None, ""),
            "得分": (("待定", None, "") if ev.budget.pending else _cell_number(ev.budget.score)) if total and scored_here else ("—" if not total else "", None, ""),
        }
        cells.append(FormCell(row=r, col=1, text=line["label"], colspan=first - 1, align="left"))
        for title, col in titles.items():
            text, number, fmt = values.get(title, ("", None, ""))
            cells.append(FormCell(row=r, col=col, text=text, number=number, fmt=fmt))
    cells.sort(key=lambda c: (c.row, c.col))
    out = dataclasses.replace(form, cells=cells, nrows=form.nrows + shift, header_row=form.header_row + shift)
    out.widths = content_widths(out)
    return out


def _cell_number(value: float | None) -> tuple[str, float | None, str]:
    return (amount(value), float(value), "") if value is not None else ("", None, "")
