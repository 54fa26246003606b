"""Each stated figure against the table: as read (the cells the unit typed) and as recomputed by
the scoring rules (``core.scoring.evaluate`` on what the form reader gave).

A figure agrees when it equals either, within half a unit of its last shown decimal (99.3分 states
99.33); where the table disagrees with itself the table's own finding (table_arithmetic) says so
once, not each sentence that copies it. Where the value a comparison needs is 待定 or absent in the
table, the comparison says what it could not check (table_unreadable) rather than guess.
"""

from __future__ import annotations

import re

from xlperf.core.models import Evaluation
from xlperf.core.scoring import grade_of
from xlperf.core.values import format_number, format_rate, format_score
from xlperf.review.model import ReviewFinding, StatedFact, TableSource, finding
from xlperf.review.table import budget_cell, cell_name, total_cell

# a grade word as the national grade (优/良/中/差); 合格/不合格 map to no band with certainty
GRADE_NATIONAL = {"优秀": "优", "良好": "良", "优": "优", "良": "良", "中": "中", "差": "差"}
GRADE_LONG = {"优": "优秀", "良": "良好", "中": "中", "差": "差"}


def decimals(shown: str) -> int:
    m = re.search(r"\.(\d+)", shown or "")
    return len(m.group(1)) if m else 0


def close(stated: float, truth: float | None, shown: str = "", scale: float = 1.0) -> bool:
    """``stated`` equals ``truth`` as displayed: within half a unit of the last decimal shown
    (``scale``: the shown number is ``stated × scale``, e.g. 100 for a percentage)."""
    if truth is None:
        return False
    tol = 0.5 * 10 ** (-decimals(shown)) / scale + 1e-9 if shown else 0.005
    return abs(stated - truth) <= tol


def _n(x: float | None) -> str:
    return format_number(x, 4) if x is not None else ""


class Comparison:
    def __init__(self, src: TableSource, facts: list[StatedFact]) -> None:
        assert src.evaluation is not None
        self.src = src
        self.ev: Evaluation = src.evaluation
        self.facts = facts
        self.out: list[ReviewFinding] = []
        self._unclear: set[str] = set()  # what was already said to be unclear (once each)
        self._lost_cell = ""  # the score cell of the first row _lost() found losing points

    def add(self, code: str, message: str, fact: StatedFact | None = None, cell: str = "") -> None:
        self.out.append(finding(code, message, fact.paragraph if fact is not None else None, cell))

    def unclear(self, what: str, fact: StatedFact, why: str, cell: str = "", said: str = "") -> None:
        """V002 once per subject: the table does not say ``what`` with certainty (``why``)."""
        if what in self._unclear:
            return
        self._unclear.add(what)
        self.add("V002", f"报告写{said or fact.text}，但{self.src.describe()}的{what}{why}，无法核对", fact, cell)

    def run(self) -> list[ReviewFinding]:
        self.table_arithmetic()
        for f in self.facts:
            check = getattr(self, f"check_{f.kind}", None)
            if check is not None:
                check(f)
        return self.out

    # --- the table against itself --------------------------------------------------------------

    ARITHMETIC = {
        "E105": "V201",  # the 总分 row differs from the rows
        "E102": "V204",  # a subtotal differs from its rows
        "E040": "V204",  # a 二级/一级 label's points differ from its rows' points
        "W107": "V204",  # the declared 分值 total differs from the rows
        "E214": "V204",  # the budget's printed 得分 differs from W × 执行率
        "W206": "V204",  # a source's amounts differ from its parts'
        "E203": "V205",  # 执行率 = 预算 ÷ 执行: the table's rate is inverted
        "W204": "V203",  # 执行率 ≠ 执行 ÷ 预算
        "E404": "V202",  # a score differs from the one computed, no reason given
    }

    def table_arithmetic(self) -> None:
        for f in self.ev.findings:
            code = self.ARITHMETIC.get(f.code)
            if code is None:
                continue
            row = f.row
            col = _col_of(f.cell)
            name = self._row_name(f) if code == "V202" else ""
            self.add(code, f"{self.src.describe()}：{name}{f.message}", None, cell_name(self.src, f.sheet, row, col) if row else f.sheet)

    def _row_name(self, f) -> str:  # noqa: ANN001 - a core Finding
        """“三级指标”： for a finding on one indicator row's score (V202), so the reviewer reads which row without
        counting rows; "" when its message names it already or the row is not one indicator's."""
        if f.row is None or f.sheet != self.ev.input.indicator_sheet:
            return ""
        names = [i.level3.strip() for i in self.ev.input.indicators if i.row == f.row and i.level3.strip()]
        if len(names) != 1 or names[0] in f.message:
            return ""
        return f"“{names[0]}”："

    # --- totals and grades ---------------------------------------------------------------------

    def _total_truth(self) -> tuple[float | None, float | None]:
        """(as read, as recomputed): the 总分 cell, and the rules' total when final."""
        read = self.ev.input.declared_total_score
        calc = self.ev.total_score if self.ev.final else None
        return read, calc

    def _of_a_project(self, f: StatedFact) -> bool:
        """A department's table, and a sentence about one of its projects (健康扶贫项目自评得分95分):
        not the department's own total."""
        from xlperf.core.enums import EvaluationType

        sentence = f.extra.get("sentence", "")
        return self.ev.evaluation_type == EvaluationType.DEPARTMENT and "项目" in sentence and "部门" not in sentence

    def check_total(self, f: StatedFact) -> None:
        if self._of_a_project(f):
            return
        read, calc = self._total_truth()
        shown = f.extra.get("shown", "")
        if close(f.value, read, shown) or close(f.value, calc, shown):
            return
        cell = total_cell(self.src, self.ev)
        if read is None and calc is None:
            self.unclear("总分", f, f"待定（{self.ev.draft_note or '有无法确定的得分'}）", cell)
            return
        parts = []
        if read is not None:
            parts.append(f"自评表总分为 {format_score(read)} 分")
        if calc is not None and (read is None or abs(read - calc) > 0.005):
            parts.append(f"按各行得分计算为 {format_score(calc)} 分")
        self.add("V101", f"报告写{f.text}，{'，'.join(parts)}", f, cell)

    def check_grade(self, f: StatedFact) -> None:
        if self._of_a_project(f):
            return
        stated = GRADE_NATIONAL.get(f.value)
        if stated is None:
            return  # 合格/不合格: no band to compare with certainty
        read_total, calc_total = self._total_truth()
        declared = GRADE_NATIONAL.get(self.ev.input.declared_grade.strip("“”\"'"), "")
        truths = {g for g in (self.ev.grade if calc_total is not None else "", declared, grade_of(read_total) if read_total is not None else "") if g}
        cell = total_cell(self.src, self.ev)
        if not truths:
            self.unclear("等级", f, f"待定（{self.ev.draft_note or '总分无法确定'}）", cell, f"等级“{f.value}”")
            return
        if stated in truths:
            return
        expected = self.ev.grade if calc_total is not None else (declared or grade_of(read_total))
        basis = f"总分 {format_score(calc_total if calc_total is not None else read_total)} 分" if (calc_total is not None or read_total is not None) else "表中等级"
        self.add("V102", f"报告写等级“{f.value}”，自评表{basis}，等级应为“{GRADE_LONG.get(expected, expected)}”", f, cell)

    # --- budget ----------------------------------------------------------------------------------

    def _budget_value(self, field: str) -> float | None:
        total = self.ev.input.budget.total
        if total is None:
            return None
        if field == "balance":  # as stated, else 到位 − 执行 when the table has both
            if total.stated_balance is not None:
                return total.stated_balance
            if total.received is None or total.executed is None:
                return None
            return total.received - total.executed
        return getattr(total, field, None)

    HEADERS = {"full_year": "全年预算数", "initial": "年初预算数", "received": "实际到位数", "executed": "全年执行数", "balance": "结余"}

    def check_amount(self, f: StatedFact) -> None:
        field = f.extra["field"]
        truth = self._budget_value(field)
        if truth is None:
            return  # the table does not state it
        table_unit = self.ev.budget.unit or "万元"
        scale = {("元", "万元"): 1 / 10000, ("万元", "元"): 10000}.get((f.unit, table_unit), 1.0)
        stated = f.value * scale
        if close(stated, truth, f.extra.get("shown", ""), 1 / scale):
            return
        header = self.HEADERS[field]
        self.add("V103", f"报告写{f.text}，自评表{header}为 {_n(truth)}{table_unit}", f, budget_cell(self.src, self.ev, header))

    def _row_rate(self) -> float | None:
        """The actual of a 预算执行率 row of the indicator table, as a fraction (None: no such row)."""
        for r in self.ev.indicators:
            if "预算执行率" in re.sub(r"\s+", "", r.indicator.level3) and r.actual is not None and r.actual.number is not None:
                return r.actual.number / 100 if r.actual.unit == "%" else None
        return None

    def _check_rate(self, f: StatedFact, numerator: str, header: str, name: str) -> None:
        b = self.ev.budget
        total = self.ev.input.budget.total
        full = b.full_year
        part = getattr(b, numerator)
        calc = part / full if full and part is not None and full > 1e-9 else None
        read = None
        if total is not None:
            read = total.stated_execution_rate if numerator == "executed" else total.stated_arrival_rate
        row = self._row_rate() if numerator == "executed" else None
        shown = f.extra.get("shown", "")
        cell = budget_cell(self.src, self.ev, header) or budget_cell(self.src, self.ev, "全年执行数" if numerator == "executed" else "实际到位数")
        if close(f.value, calc, shown, 100):
            return
        if full and part and part > 1e-9 and close(f.value, full / part, shown, 100) and not close(f.value, calc, shown, 100):
            self.add(
                "V105",
                f"报告写{f.text}，等于 全年预算数÷{'全年执行数' if numerator == 'executed' else '实际到位数'}（{_n(full)}÷{_n(part)}）；"
                f"{name}应为 {'全年执行数' if numerator == 'executed' else '实际到位数'}÷全年预算数 = {format_rate(calc)}",
                f,
                cell,
            )
            return
        if close(f.value, read, shown, 100) or close(f.value, row, shown, 100):
            return
        truths = []
        if calc is not None:
            truths.append(f"按金额计算为 {format_rate(calc)}（{_n(part)}÷{_n(full)}）")
        if read is not None and (calc is None or abs(read - calc) > 0.00005):
            truths.append(f"表中填写 {format_rate(read)}")
        if row is not None and not truths:
            truths.append(f"“预算执行率”指标的实际完成值为 {format_rate(row)}")
        if not truths:
            return  # the table states no such rate and no amounts to compute it from
        self.add("V104", f"报告写{f.text}，自评表{name}{'；'.join(truths)}", f, cell)

    def check_execution_rate(self, f: StatedFact) -> None:
        self._check_rate(f, "executed", "执行率", "预算执行率")

    def check_arrival_rate(self, f: StatedFact) -> None:
        self._check_rate(f, "received", "到位率", "到位率")


    # --- what the table loses points on ---------------------------------------------------------

    def _rows(self) -> list:
        from xlperf.core.enums import Direction

        return [r for r in self.ev.indicators if r.direction != Direction.NOT_APPLICABLE]

    def _lost(self, level1: str = "", budget: bool = True) -> tuple[list[str], bool]:
        """(what loses points — "名称（扣N分）" —, whether that is certain): rows scored below their
        分值, and (``budget``) the budget below its own; uncertain when a row (or the budget) is 待定."""
        lost, certain = [], True
        self._lost_cell = ""
        for r in self._rows():
            if level1 and not _same_level1(r.indicator.level1, level1):
                continue
            w = r.indicator.weight
            if r.score is None or w is None:
                certain = False
                continue
            if r.score < w - 0.005:
                lost.append(f"{r.indicator.level3 or '第' + str(r.indicator.row) + '行'}（扣{_n(w - r.score)}分）")
                self._lost_cell = self._lost_cell or self._row_cell(r)
        b = self.ev.budget
        if budget and not level1 and b.present and b.weight and not b.scored_in_indicators:
            if b.score is None:
                certain = False
            elif b.score < b.weight - 0.005:
                lost.append(f"预算执行（扣{_n(b.weight - b.score)}分）")
                self._lost_cell = self._lost_cell or budget_cell(self.src, self.ev, "得分") or budget_cell(self.src, self.ev, "执行率")
        return lost, certain

    def _row_cell(self, r, header: str = "得分") -> str:  # noqa: ANN001 - an IndicatorResult
        inp = self.ev.input
        cols = inp.indicator_columns
        col = cols.get(header) or (cols.get("人工得分") or cols.get("计算得分") if header == "得分" else None)
        return cell_name(self.src, inp.indicator_sheet, r.indicator.row, col)

    # --- claims ----------------------------------------------------------------------------------

    def check_claim(self, f: StatedFact) -> None:
        # a claim about the targets and indicators: the indicator rows (a 预算执行率 row among them
        # counts), not the budget block, whose shortfall is no indicator left undone
        lost, _ = self._lost(budget=False)
        if lost:
            self.add("V301", f"报告称“{f.text}”，但自评表中有扣分：{'、'.join(lost[:6])}{'等' if len(lost) > 6 else ''}", f, self._lost_cell)

    def check_no_problems(self, f: StatedFact) -> None:
        key = f"no_problems:{f.paragraph.index}"
        if key in self._unclear:
            return
        self._unclear.add(key)
        lost, _ = self._lost()
        if lost:
            self.add("V302", f"“存在问题”写“无”，但自评表中有扣分：{'、'.join(lost[:6])}{'等' if len(lost) > 6 else ''}，应说明未达成的原因", f, self._lost_cell)

    # --- counts ----------------------------------------------------------------------------------

    def check_count(self, f: StatedFact) -> None:
        rows = self.ev.indicators
        applicable = self._rows()
        allowed = {len(rows), len(applicable)}
        b = self.ev.budget
        if b.present and b.weight and not b.scored_in_indicators:
            allowed |= {len(rows) + 1, len(applicable) + 1}  # 预算执行率 counted as one
        if not rows or f.value in allowed:
            return
        self.add("V107", f"报告写“{f.text}”，自评表有三级指标 {len(applicable)} 项", f, cell_name(self.src, self.ev.input.indicator_sheet, self.ev.input.indicator_header_row, None))

    def check_met_count(self, f: StatedFact) -> None:
        rows = self._rows()
        if not rows or any(r.pending for r in rows):
            return
        met = sum(1 for r in rows if r.met)
        full = sum(1 for r in rows if r.score is not None and r.indicator.weight is not None and r.score >= r.indicator.weight - 0.005)
        if f.value in (met, full):
            return
        self.add("V107", f"报告写“{f.text}”，自评表达到年度指标值的三级指标为 {met} 项（共 {len(rows)} 项）", f)

    def check_level1(self, f: StatedFact) -> None:
        mine = [r for r in self._rows() if _same_level1(r.indicator.level1, f.subject)]
        if not mine:
            return  # the table groups its rows otherwise: nothing certain to compare
        x = f.extra
        if x.get("count") is not None and x["count"] != len(mine):
            self.add("V107", f"报告写“{f.text}”，自评表{f.subject}有 {len(mine)} 项", f)
            return
        decided = [r for r in mine if r.score is not None and r.indicator.weight is not None]
        if len(decided) < len(mine):
            return
        if x.get("status") in ("全部完成", "已完成"):
            lost, _ = self._lost(f.subject)
            if lost:
                self.add("V301", f"报告称“{f.text}”，但自评表{f.subject}中有扣分：{'、'.join(lost)}", f, self._lost_cell)
                return
        if x.get("met") is not None:
            met = sum(1 for r in mine if r.met)
            if x["met"] != met:
                self.add("V107", f"报告写“{f.text}”，自评表{f.subject}达到年度指标值的为 {met} 项", f)
                return
        score = sum(r.score for r in decided)
        weight = sum(r.indicator.weight for r in decided)
        if x.get("score") is not None and not close(x["score"], round(score, 2), x.get("shown", "")):
            self.add("V106", f"报告写“{f.text}”，自评表{f.subject}各行得分合计 {_n(round(score, 2))} 分", f)
        elif x.get("weight") is not None and abs(x["weight"] - weight) > 0.005:
            self.add("V106", f"报告写“{f.text}”，自评表{f.subject}各行分值合计 {_n(weight)} 分", f)

    # --- indicator rows --------------------------------------------------------------------------

    def _row_named(self, name: str):  # noqa: ANN201 - an IndicatorResult or None
        key = _name_key(name)
        if not key:
            return None
        hits = [r for r in self.ev.indicators if _name_key(r.indicator.level3) == key]
        return hits[0] if len(hits) == 1 else None

    def check_indicator(self, f: StatedFact) -> None:
        r = self._row_named(f.subject)
        if r is None:
            return  # no row of that exact name: not certain which row it is
        x = f.extra
        w = r.indicator.weight
        if x.get("score") is not None and r.score is not None:
            read = r.indicator.stated_score if r.indicator.stated_score is not None else r.indicator.manual_score
            if not close(x["score"], r.score, x.get("shown", "")) and not close(x["score"], read, x.get("shown", "")):
                self.add("V106", f"报告写“{f.subject}”得{x['score']:g}分，自评表该行得分为 {_n(r.score)} 分", f, self._row_cell(r))
                return
        if x.get("weight") is not None and w is not None and abs(x["weight"] - w) > 0.005:
            self.add("V106", f"报告写“{f.subject}”满分{x['weight']:g}分，自评表该行分值为 {_n(w)} 分", f, self._row_cell(r, "分值"))
            return
        stated = _number_of(x.get("actual") or "")
        table = r.actual
        if stated is None or table is None or table.number is None:
            return
        number, unit = stated
        if unit and table.unit and _unit_key(unit) != _unit_key(table.unit):
            return  # different units: not certain they can be compared
        if abs(number - table.number) > 0.5 * 10 ** (-decimals(x.get("actual") or "")) + 1e-9:
            self.add("V106", f"报告写“{f.subject}”实际完成{x['actual']}，自评表实际完成值为 {r.actual_display or _n(table.number)}", f, self._row_cell(r, "实际完成值"))

    # --- the year --------------------------------------------------------------------------------

    def check_year(self, f: StatedFact) -> None:
        m = re.search(r"(20\d{2})", str(self.ev.input.info.year or ""))
        if not m or int(m.group(1)) == f.value:
            return
        inp = self.ev.input
        row = inp.info.rows.get("year")
        sheet = inp.reading.sheet if inp.reading is not None else "项目信息"
        self.add("V108", f"报告标题写 {f.value} 年度，自评表的年度为 {m.group(1)} 年", f, cell_name(self.src, sheet, row, None) if row else "")


def _same_level1(table_name: str, stated: str) -> bool:
    a = re.sub(r"\s+|指标$", "", table_name or "")
    b = re.sub(r"\s+|指标$", "", stated or "")
    return bool(a) and a == b


def _name_key(text: str) -> str:
    s = re.sub(r"[\s“”\"'‘’。.，,：:]+", "", text or "")
    s = s.translate(str.maketrans("（）", "()"))
    return re.sub(r"\([^)]*\)$", "", s)


def _unit_key(unit: str) -> str:
    return unit.replace("％", "%").strip()


def _number_of(text: str) -> tuple[float, str] | None:
    """The number a stated value shows and its unit (98% -> (98, "%"), 3626人 -> (3626, "人")); None
    for a value that is not one number (持续, ≥95%, 2021年12月)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|％|[\u4e00-\u9fff]{1,3})?\s*", text or "")
    if not m:
        return None
    unit = m.group(2) or ""
    if unit in ("年", "月", "日", "天"):
        return None  # a date or a duration: compared as a deadline, not a number
    return float(m.group(1)), unit


def _col_of(cell: str) -> int | None:
    from xlperf.core.refs import col_index

    m = re.match(r"([A-Z]+)\d+$", cell or "")
    return col_index(m.group(1)) if m else None
