"""Turn sheet grids (2-D lists of cell values, A1 at [0][0]) into a :class:`SelfEvaluation`.

Pure: no file access. Header rows are found by their names (with synonyms), not by fixed
positions; blank or merged 一级/二级 cells inherit the value above; labels such as
``数量指标（15）`` declare subtotals; extra columns and blank rows are ignored.
"""

from __future__ import annotations

import re
from typing import Any

from xlperf.core import layout
from xlperf.core.enums import EvaluationType, Style
from xlperf.core.errors import InputError, XCode
from xlperf.core.grid import CONTROL_RE, Grid, amount_of, cell, closest_sheet, find_header, header_key, locate_sheets, merge_second_header_row, number_of, rate_of, text_of, unit_note, weight_of
from xlperf.core.findings import make
from xlperf.core.models import (
    Budget,
    BudgetLine,
    Finding,
    Indicator,
    Loc,
    ProjectInfo,
    SelfEvaluation,
    SubtotalDeclaration,
)


TEXT_LIMIT = 2000  # characters of one cell used for scoring and reports
_SUBTOTAL_RE = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<n>\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
_TOTAL_WORDS = ("合计", "总分", "总计", "总 计", "合 计")


# --- small helpers ----------------------------------------------------------------------------



def _loc(sheet: str, row: int | None, col: int | None) -> Loc:
    return Loc(sheet=sheet, row=row, col=col)


def _cell_problem(value: Any, sheet: str, row: int, col: int, field: str) -> Finding | None:
    code = getattr(value, "code", None)
    if isinstance(code, str) and code.startswith("#"):
        return make("E002", _loc(sheet, row, col), field=field, value=code)
    if getattr(value, "formula", None) is not None and not isinstance(value, str):
        return make("W003", _loc(sheet, row, col), field=field)
    return None


def _limit_text(value: Any, sheet: str, row: int, col: int, field: str, findings: list[Finding]) -> str:
    text = text_of(value)
    if len(text) > TEXT_LIMIT:
        findings.append(make("W007", _loc(sheet, row, col), field=field, limit=TEXT_LIMIT))
        text = text[:TEXT_LIMIT]
    return text


def _limit_raw(value: Any, sheet: str, row: int, col: int, field: str, findings: list[Finding]) -> Any:
    if isinstance(value, str):
        value = CONTROL_RE.sub("", value)
        if len(value) > TEXT_LIMIT:
            findings.append(make("W007", _loc(sheet, row, col), field=field, limit=TEXT_LIMIT))
            value = value[:TEXT_LIMIT]
    return value


# --- 项目信息 ---------------------------------------------------------------------------------


def read_info(grid: Grid, sheet: str, findings: list[Finding]) -> ProjectInfo:
    info = ProjectInfo()
    label_col, value_col, start = 1, 2, 1
    hit = find_header(grid, ("字段", "内容"), {"项目": "字段", "名称": "字段", "值": "内容", "填写内容": "内容"}, 2)
    if hit:
        row, cols, _ = hit
        label_col, value_col, start = cols["字段"], cols["内容"], row + 1
    known_labels = set(layout.INFO_LABEL_TO_ATTR)  # INFO_FIELDS and the styles' own fields
    for r in range(start, len(grid) + 1):
        label = header_key(cell(grid, r, label_col))
        if not label:
            continue
        label = layout.INFO_SYNONYMS.get(label, label)
        raw = cell(grid, r, value_col)
        problem = _cell_problem(raw, sheet, r, value_col, label)
        if problem:
            findings.append(problem)
            raw = None
        value = _limit_text(raw, sheet, r, value_col, label, findings)
        if label in known_labels:
            attr = layout.INFO_LABEL_TO_ATTR[label]
            if attr == "year" and value.endswith("年"):
                value = value[:-1]
            if value:
                setattr(info, attr, value)
            info.rows.setdefault(attr, r)
        elif value:
            info.extra[label] = value
    if not info.evaluation_type:
        info.evaluation_type = EvaluationType.PROJECT
    if not info.amount_unit:
        info.amount_unit = "万元"
    if info.amount_unit not in layout.AMOUNT_UNITS:
        unit = info.amount_unit
        info.amount_unit = "元" if unit.strip() in ("元", "人民币元") else "万元"
    if info.style not in layout.REPORT_STYLES:
        info.style = Style.GENERAL
    return info


# --- 预算执行 ---------------------------------------------------------------------------------

_SOURCE_ALIASES = {
    "年度资金总额": "年度资金总额",
    "年度总金额": "年度资金总额",
    "资金总额": "年度资金总额",
    "合计": "年度资金总额",
    "总计": "年度资金总额",
    "财政拨款": "财政拨款",
    "财政资金": "财政拨款",
    "中央": "其中：中央",
    "中央级": "其中：中央",
    "中央资金": "其中：中央",
    "中央财政": "其中：中央",
    "省级": "其中：省级",
    "省级资金": "其中：省级",
    "省级财政": "其中：省级",
    "市级": "其中：市级",
    "市级资金": "其中：市级",
    "市级财政": "其中：市级",
    "县级": "其中：县级",
    "县区级": "其中：县级",
    "县级资金": "其中：县级",
    "县级财政": "其中：县级",
    "上年结转资金": "上年结转资金",
    "上年结转": "上年结转资金",
    "其他资金": "其他资金",
    "其他": "其他资金",
}


def _source_name(value: Any) -> str:
    key = header_key(text_of(value))
    for prefix in ("其中:", "其中：", "其中"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return _SOURCE_ALIASES.get(key, text_of(value))


def _unit_noted(findings: list[Finding], sheet: str, row: int, col: int, field: str, raw: Any, number: float, unit: str) -> None:
    """I014: a number typed with its unit (10分, 48.6万元) is read, and said once."""
    findings.append(make("I014", _loc(sheet, row, col), field=field, **unit_note(raw, number, unit, "，金额单位见“项目信息”")))


def read_budget(grid: Grid, sheet: str, findings: list[Finding], unit: str = "万元") -> Budget:
    budget = Budget(sheet=sheet)
    hit = find_header(grid, layout.BUDGET_HEADERS, layout.BUDGET_HEADER_SYNONYMS, 3)
    if not hit or "全年预算数" not in hit[1] and "全年执行数" not in hit[1]:
        findings.append(make("W013", _loc(sheet, None, None)))
        return budget
    row, cols, dups = hit
    for name, first, other in dups:
        findings.append(make("W006", _loc(sheet, row, other), header=name, first=Loc(sheet=sheet, row=row, col=first).cell, other=Loc(sheet=sheet, row=row, col=other).cell))
    budget.present = True
    budget.header_row = row
    budget.columns = cols
    src_col = cols.get("资金来源", 1)
    amounts = (("年初预算数", "initial"), ("全年预算数", "full_year"), ("实际到位数", "received"), ("全年执行数", "executed"), ("结余", "stated_balance"))
    for r in range(row + 1, len(grid) + 1):
        label = cell(grid, r, src_col)
        if label is None or not isinstance(label, str) or not text_of(label):
            continue
        if text_of(label).startswith(("注", "说明", "金额单位")):
            continue
        line = BudgetLine(source=_source_name(_limit_text(label, sheet, r, src_col, "资金来源", findings)), row=r)
        for header, attr in amounts:
            c = cols.get(header)
            if not c:
                continue
            raw = cell(grid, r, c)
            problem = _cell_problem(raw, sheet, r, c, header)
            if problem:
                findings.append(problem)
                continue
            num, ok, noted = amount_of(raw, unit)
            if not ok:
                findings.append(make("E207", _loc(sheet, r, c), field=header, value=text_of(raw)[:50], problem=f"不是金额，请只填写数字（单位：{unit}）"))
            elif num is not None and num < 0 and attr != "stated_balance":
                findings.append(make("E207", _loc(sheet, r, c), field=header, value=text_of(raw), problem="不能为负数"))
            else:
                setattr(line, attr, num)
                if noted and num is not None and attr != "stated_balance":
                    _unit_noted(findings, sheet, r, c, header, raw, num, unit)
        if cols.get("执行率"):
            line.stated_execution_rate = rate_of(cell(grid, r, cols["执行率"]))
        if cols.get("到位率"):
            line.stated_arrival_rate = rate_of(cell(grid, r, cols["到位率"]))
        if cols.get("分值"):
            c = cols["分值"]
            num, ok, noted = weight_of(cell(grid, r, c))
            if not ok or (num is not None and num < 0):
                findings.append(make("E104", _loc(sheet, r, c), value=text_of(cell(grid, r, c))[:50], problem="不是有效的分值"))
            else:
                line.weight = num
                if noted and num is not None:
                    _unit_noted(findings, sheet, r, c, "分值", cell(grid, r, c), num, "")
        if cols.get("偏差原因分析及改进措施"):
            c = cols["偏差原因分析及改进措施"]
            line.reason = _limit_text(cell(grid, r, c), sheet, r, c, "偏差原因分析及改进措施", findings)
        budget.lines.append(line)
    return budget


# --- 绩效指标 ---------------------------------------------------------------------------------


def _split_label(text: str) -> tuple[str, float | None]:
    m = _SUBTOTAL_RE.match(text)
    if m and m["name"]:
        return m["name"].strip(), float(m["n"])
    return text, None


def read_indicators(grid: Grid, sheet: str, inp: SelfEvaluation, findings: list[Finding], *, source: str = "") -> None:
    row, cols = _indicator_header(grid, sheet, findings, source)
    inp.indicator_sheet = sheet
    inp.indicator_header_row = row
    inp.indicator_columns = cols
    labels = _Labels(inp, cols)
    count = 0
    for r in range(row + 1, len(grid) + 1):
        rd = _RowReader(grid, r, cols, sheet, findings)
        t1, t2, t3 = rd.labels()
        if any(w in t for t in (t1, t2, t3) for w in _TOTAL_WORDS) and not (t3 and t1 and t2):
            _declared_total(inp, rd)
            continue
        labels.carry(r, t1, t2)
        if rd.blank():
            continue  # a blank row or a label-only row
        count += 1
        if count > layout.MAX_INDICATOR_ROWS:
            findings.append(make("E010", _loc(sheet, r, None), sheet=sheet, count=_count_rows(grid, r, cols) + count - 1, limit=layout.MAX_INDICATOR_ROWS))
            break
        inp.indicators.append(rd.indicator(labels.l1, labels.l2))
    link_subtotals(inp)
    if not inp.indicators:
        findings.append(make("E009", _loc(sheet, row, None), sheet=sheet))


def link_subtotals(inp: SelfEvaluation) -> None:
    """Give each indicator the subtotals its 一级/二级 labels declared (产出指标(50分), 数量指标（15）)."""
    for ind in inp.indicators:
        for s in inp.subtotals:
            if s.level == 1 and s.name == ind.level1:
                ind.level1_declared = s.declared
            if s.level == 2 and s.name == ind.level2 and s.parent == ind.level1:
                ind.level2_declared = s.declared


def _indicator_header(grid: Grid, sheet: str, findings: list[Finding], source: str) -> tuple[int, dict[str, int]]:
    """The header row (merged over two rows when it is) and its columns; refused when key columns are missing."""
    hit = find_header(grid, layout.INDICATOR_HEADERS, layout.INDICATOR_HEADER_SYNONYMS, 3)
    if not hit:
        raise InputError(
            "找不到指标表的表头行（应含“三级指标”“分值”“年度指标值”“实际完成值”等列名）",
            path=source or None,
            sheet=sheet,
            code=XCode.NO_HEADER_ROW,
        )
    row, cols, dups = hit
    row = merge_second_header_row(grid, row, cols, layout.INDICATOR_HEADERS, layout.INDICATOR_HEADER_SYNONYMS)
    missing = [h for h in ("分值", "年度指标值", "实际完成值") if h not in cols]
    if missing or not ({"三级指标", "二级指标"} & set(cols)):
        name = missing[0] if missing else "三级指标"
        syn = [k for k, v in layout.INDICATOR_HEADER_SYNONYMS.items() if v == name]
        raise InputError(
            f"指标表缺少列“{name}”（也接受：{'、'.join(syn) or '无'}）。请检查第 {row} 行的表头",
            path=source or None,
            sheet=sheet,
            cell=f"{row}",
            code=XCode.MISSING_COLUMN,
        )
    for name, first, other in dups:
        findings.append(make("W006", _loc(sheet, row, other), header=name, first=Loc(sheet=sheet, row=row, col=first).cell, other=Loc(sheet=sheet, row=row, col=other).cell))
    return row, cols


def _declared_total(inp: SelfEvaluation, rd: "_RowReader") -> None:
    """A 合计/总分 row: its 分值 and 得分 are what the table declares, never an indicator."""
    inp.declared_total_row = rd.r
    inp.declared_total_weight = number_of(rd.get("分值"))[0]
    stated = rd.get("得分")
    inp.declared_total_score = number_of(stated)[0] if stated is not None else None


class _Labels:
    """一级/二级 carried down blank (merged) cells; labels with points declare subtotals once."""

    def __init__(self, inp: SelfEvaluation, cols: dict[str, int]) -> None:
        self.inp, self.cols = inp, cols
        self.l1 = self.l2 = ""
        self.declared: set[tuple[int, str, str]] = set()

    def carry(self, r: int, t1: str, t2: str) -> None:
        if t1:
            name1, decl1 = _split_label(t1)
            if name1 != self.l1:
                self.l2 = ""
            self.l1 = name1
            if decl1 is not None and (1, self.l1, "") not in self.declared:
                self.declared.add((1, self.l1, ""))
                self.inp.subtotals.append(SubtotalDeclaration(level=1, name=self.l1, declared=decl1, row=r, col=self.cols["一级指标"]))
        if t2:
            name2, decl2 = _split_label(t2)
            self.l2 = name2
            if decl2 is not None and (2, self.l2, self.l1) not in self.declared:
                self.declared.add((2, self.l2, self.l1))
                self.inp.subtotals.append(SubtotalDeclaration(level=2, name=self.l2, declared=decl2, row=r, col=self.cols["二级指标"], parent=self.l1))


class _RowReader:
    """One row of the indicator table, each cell checked (error values, uncached formulas, length)."""

    def __init__(self, grid: Grid, r: int, cols: dict[str, int], sheet: str, findings: list[Finding]) -> None:
        self.grid, self.r, self.cols, self.sheet, self.findings = grid, r, cols, sheet, findings

    def get(self, name: str) -> Any:
        c = self.cols.get(name)
        return cell(self.grid, self.r, c) if c else None

    def _text(self, name: str) -> str:
        return _limit_text(self.get(name), self.sheet, self.r, self.cols.get(name, 1), name, self.findings)

    def labels(self) -> tuple[str, str, str]:
        # labels are quoted in findings, the summary block and the report: as long as any free text, no longer
        t1 = self._text("一级指标") if self.get("一级指标") is not None else ""
        t2 = self._text("二级指标") if self.get("二级指标") is not None else ""
        return t1, t2, text_of(self.get("三级指标"))

    def blank(self) -> bool:
        data = [self.get(n) for n in ("三级指标", "分值", "年度指标值", "实际完成值", "人工得分", "指标方向")]
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in data)

    def indicator(self, l1: str, l2: str) -> Indicator:
        sheet, r, cols, findings = self.sheet, self.r, self.cols, self.findings
        weight_raw, target, actual = self.get("分值"), self.get("年度指标值"), self.get("实际完成值")
        ind = Indicator(row=r, level1=l1, level2=l2, level3=self._text("三级指标"))
        ind.direction = self._text("指标方向")
        for name, value in (("分值", weight_raw), ("年度指标值", target), ("实际完成值", actual)):
            problem = _cell_problem(value, sheet, r, cols[name], name)
            if problem:
                findings.append(problem)
        ind.weight_raw = text_of(weight_raw) if weight_raw is not None else None
        if _cell_problem(weight_raw, sheet, r, cols["分值"], "分值") is None:
            ind.weight, _, noted = weight_of(weight_raw)
            if noted and ind.weight is not None:
                _unit_noted(findings, sheet, r, cols["分值"], "分值", weight_raw, ind.weight, "")
        ind.target = _limit_raw(target, sheet, r, cols["年度指标值"], "年度指标值", findings)
        ind.actual = _limit_raw(actual, sheet, r, cols["实际完成值"], "实际完成值", findings)
        self._manual(ind)
        ind.reason = self._text("偏差原因分析及改进措施")
        return ind

    def _manual(self, ind: Indicator) -> None:
        """人工得分, or — in a table without that column — the 得分 the unit typed."""
        column = "人工得分" if "人工得分" in self.cols else "得分"
        manual = self.get(column)
        if manual is None or (isinstance(manual, str) and not manual.strip()):
            return
        problem = _cell_problem(manual, self.sheet, self.r, self.cols[column], column)
        if problem:
            self.findings.append(problem)
            return
        num, ok = number_of(manual)
        ind.manual_raw = text_of(manual)
        ind.manual_score = num if ok else None


def _count_rows(grid: Grid, start: int, cols: dict[str, int]) -> int:
    c = cols.get("三级指标") or cols.get("分值")
    return sum(1 for r in range(start, len(grid) + 1) if cell(grid, r, c) is not None)


# --- the workbook ------------------------------------------------------------------------------


def _sheet_with_header(names: list[str], grids: dict[str, Grid], canonical, synonyms, required) -> str | None:
    for n in names:
        g = grids.get(n)
        if g and find_header(g, canonical, synonyms, required):
            return n
    return None


def read_workbook(names: list[str], grids: dict[str, Grid], *, source: str = "") -> SelfEvaluation:
    """Read a whole workbook. Raises InputError when no indicator table can be found."""
    findings: list[Finding] = []
    inp = SelfEvaluation(source=source)
    roles = locate_sheets(names)

    ind_sheet = roles[layout.SHEET_INDICATORS]
    if ind_sheet is None:
        ind_sheet = _sheet_with_header(names, grids, layout.INDICATOR_HEADERS, layout.INDICATOR_HEADER_SYNONYMS, 4)
    if ind_sheet is None:
        guess = closest_sheet(layout.SHEET_INDICATORS, names)
        hint = f"，是否是“{guess}”？请将其改名为“{layout.SHEET_INDICATORS}”" if guess else ""
        raise InputError(
            f"找不到工作表“{layout.SHEET_INDICATORS}”{hint}（现有工作表：{'、'.join(names) or '无'}）",
            path=source or None,
            code=XCode.NO_INDICATOR_SHEET,
        )

    info_sheet = roles[layout.SHEET_INFO]
    if info_sheet is not None and info_sheet in grids:
        inp.info = read_info(grids[info_sheet], info_sheet, findings)
    else:
        guess = closest_sheet(layout.SHEET_INFO, [n for n in names if n != ind_sheet])
        findings.append(make("W005", (layout.SHEET_INFO, ""), sheet=layout.SHEET_INFO, suggestion=f"（是否是“{guess}”？）" if guess else "，项目信息按空白处理"))

    read_indicators(grids.get(ind_sheet, []), ind_sheet, inp, findings, source=source)

    budget_sheet = roles[layout.SHEET_BUDGET]
    if budget_sheet is None:
        budget_sheet = _sheet_with_header([n for n in names if n != ind_sheet], grids, layout.BUDGET_HEADERS, layout.BUDGET_HEADER_SYNONYMS, 3)
    if budget_sheet is not None and budget_sheet in grids:
        inp.budget = read_budget(grids[budget_sheet], budget_sheet, findings, inp.info.amount_unit or "万元")
    elif not any("预算执行" in i.level1 or "预算执行率" in i.level3 for i in inp.indicators):
        guess = closest_sheet(layout.SHEET_BUDGET, [n for n in names if n not in (ind_sheet, info_sheet)])
        findings.append(make("W005", (layout.SHEET_BUDGET, ""), sheet=layout.SHEET_BUDGET, suggestion=f"（是否是“{guess}”？）" if guess else "，预算执行不计分"))

    inp.read_findings = findings
    return inp
