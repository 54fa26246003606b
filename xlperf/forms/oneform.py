"""Read a one-sheet 自评表 as units keep it — national (财预〔2020〕10号), 湖南, 山西 附件1, 陕西,
四川 — from a sheet or a Word table, into the same :class:`SelfEvaluation` as our template.

Blocks are found by their labels wherever they sit (any start cell, title and notes above, spacer
or hidden columns, merged cells given to every cell of their range). What cannot be placed with
certainty becomes a finding with its cell; findings that could change the total withhold it.
Pure: works on :class:`~xlperf.forms.sources.Table` grids.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from xlperf.core import layout
from xlperf.core.enums import Direction, EvaluationType, Style
from xlperf.core.errors import InputError, XCode
from xlperf.core.findings import make
from xlperf.core.grid import Grid, amount_of, cell, header_key, number_of, rate_of, text_of, unit_note, weight_of
from xlperf.core.values import Percent, normalize_text
from xlperf.core.models import Budget, BudgetLine, Finding, Indicator, Loc, ProjectInfo, RowReading, SelfEvaluation, SubtotalDeclaration, TableReading
from xlperf.forms.band import Band, find_band
from xlperf.forms.level1 import split_level1_weights, unscored_budget
from xlperf.forms.table import Table
from xlperf.forms.template import TEXT_LIMIT, _split_label, link_subtotals

_YEAR_RE = re.compile(r"(20\d\d)\s*年")
_DASHES = {"—", "-", "--", "——", "/", "／", "－", "无", "\\"}
_LEVELS = ("一级指标", "二级指标", "三级指标")
# indicator headers our template never uses: a table naming its columns so is a unit's own form
_FOREIGN_HEADERS = {"目标指标", "业绩值", "指标得分", "权重", "指标性质", "度量单位", "指标值", "完成值", "全年完成值", "自评得分"}
LAYOUTS = {"全国": Style.GENERAL, "湖南": Style.HUNAN, "山西": Style.SHANXI, "陕西": Style.SHAANXI, "四川": Style.SICHUAN}


def _norm(value: Any) -> str:
    """Text for label matching: full-width folded, spaces and line breaks removed."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).rstrip(":：")


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _is_dash(v: Any) -> bool:
    return isinstance(v, str) and _norm(v) in _DASHES


# --- finding the indicator table ------------------------------------------------------------------


def indicator_header(g: Grid) -> tuple[int, dict[str, int]] | None:
    """The header of the indicator table: (its last row, {role: col}); see :mod:`xlperf.forms.band`."""
    band = find_band(g)
    return None if band is None else (band.bottom, band.cols)


def looks_like_form(g: Grid) -> bool:
    """A one-sheet form: an indicator table and a label only such forms have."""
    band = find_band(g)
    if band is None:
        return False
    if any(set(c.path.split("/")) & _FOREIGN_HEADERS for c in band.columns):
        return True
    marks = set(layout.FORM_INFO_LABELS) | set(layout.FORM_TOTAL_LABELS) | {"年度总体目标", "项目资金", "预算执行情况", "绩效指标", "项目基本情况"}
    for row in g[:400]:
        for v in row:
            if isinstance(v, str) and (header_key(v) in marks or "自评表" in v or _norm(v).startswith(("项目资金", "预算执行情况", "绩效指标("))):
                return True
    return False


# --- the form ----------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, table: Table, source: str):
        self.table = table
        self.sheet = table.name
        self.source = source
        self.g = table.filled()
        self.findings: list[Finding] = []
        self.inp = SelfEvaluation(source=source)
        self.layout = "全国"
        self.reading = TableReading(sheet=table.name)

    def loc(self, row: int | None, col: int | None = None) -> Loc:
        return Loc(sheet=self.sheet, row=row, col=col)

    def add(self, code: str, row: int | None, col: int | None, /, **params: object) -> None:
        self.findings.append(make(code, self.loc(row, col), **params))

    def text(self, r: int, c: int | None, limit: int = TEXT_LIMIT) -> str:
        if not c:
            return ""
        return text_of(cell(self.g, r, c))[:limit]

    # -- labels anywhere ------------------------------------------------------------------------

    def labels(self, top: int, bottom: int):
        for r in range(top, min(bottom, len(self.g)) + 1):
            row = self.g[r - 1]
            for c in range(1, len(row) + 1):
                v = row[c - 1]
                if isinstance(v, str) and v.strip() and (c == 1 or row[c - 2] != v):
                    yield r, c, v

    def right_of(self, r: int, c: int) -> str:
        """The value after a label: the next cell to the right holding something else (not a label)."""
        label = self.g[r - 1][c - 1]
        row = self.g[r - 1]
        for k in range(c + 1, len(row) + 1):
            v = row[k - 1]
            if _is_blank(v) or v == label:
                continue
            if isinstance(v, str) and (header_key(v) in layout.FORM_INFO_LABELS or header_key(v) in layout.FORM_GOAL_LABELS):
                return ""
            return text_of(v)[:TEXT_LIMIT]
        return ""

    def below(self, r: int, c: int, stop: int) -> str:
        label = self.g[r - 1][c - 1]
        for k in range(r + 1, min(r + 4, stop)):
            v = cell(self.g, k, c)
            if _is_blank(v) or v == label:
                continue
            key = header_key(v)
            if key in layout.FORM_INFO_LABELS or key in layout.FORM_GOAL_LABELS or key in layout.FORM_RESULT_LABELS:
                return ""
            return text_of(v)[:TEXT_LIMIT]
        return ""

    # -- project information, year, 年度总体目标 -----------------------------------------------

    def read_info(self, stop: int) -> ProjectInfo:
        info = ProjectInfo(evaluation_type=EvaluationType.PROJECT)
        for r, c, v in self.labels(1, stop - 1):
            key = header_key(v)
            attr = layout.FORM_INFO_LABELS.get(key)
            one_cell = re.match(r"^([^:：]{2,12})[:：](.+)$", _norm(v))
            if attr is None and one_cell and layout.FORM_INFO_LABELS.get(header_key(one_cell.group(1))):
                attr = layout.FORM_INFO_LABELS[header_key(one_cell.group(1))]  # 项目名称：… in one cell
                value = one_cell.group(2).strip()
            elif attr is not None:
                value = self.right_of(r, c)
                if not value and attr in ("name", "department", "unit"):
                    value = self.below(r, c, stop)  # labels in one row, their values in the row below
            else:
                continue
            if attr == "year":
                m = re.search(r"(?<!\d)(20\d\d)(?!\d)", value or "")
                value = m.group(1) if m else ""
            if attr and value and not getattr(info, attr):
                if key.endswith("及代码") or attr == "department":
                    value = re.sub(r"\s*[(（]?\s*\d{3,}\s*[)）]?\s*$", "", value).strip()  # the code after the name
                setattr(info, attr, value)
                info.rows.setdefault(attr, r)
            if key == "项目支出名称":
                self.layout = Style.HUNAN
            if key == "主管部门及代码":
                self.layout = Style.SHAANXI
        for r, c, v in self.labels(1, min(stop - 1, 8)):
            m = _YEAR_RE.search(_norm(v))
            if m and not info.year and ("年度" in v or "自评" in v or len(_norm(v)) <= 8):
                info.year = m.group(1)
        for r, c, v in self.labels(1, stop - 1):
            key = header_key(v)
            if key in layout.FORM_GOAL_LABELS and not info.annual_goal:
                info.annual_goal = self.below(r, c, stop) or self.right_of(r, c)
            elif key in layout.FORM_RESULT_LABELS and not info.annual_goal_result:
                info.annual_goal_result = self.below(r, c, stop) or self.right_of(r, c)
            elif key == "年度总体目标" and not info.annual_goal:
                right = self.right_of(r, c)
                if header_key(right) not in layout.FORM_GOAL_LABELS:
                    info.annual_goal = right
            if key in ("项目年度目标", "年度目标完成情况", "预算执行情况", "调整后预算数"):
                self.layout = Style.SICHUAN
        return info

    # -- the budget block ------------------------------------------------------------------------

    def budget_header(self, stop: int) -> tuple[int, dict[str, int]] | None:
        """The budget block's header: a row naming two of 年初预算数 / 全年预算数 / 全年执行数, or
        two rows whose names complete each other (项目资金 over 年初预算数 · 全年预算数 …)."""
        def names(r: int, cols: dict[str, int]) -> None:
            for c in range(1, len(self.g[r - 1]) + 1):
                name = _budget_name(cell(self.g, r, c))
                if name and name not in cols and c not in cols.values():
                    cols[name] = c

        for r in range(1, stop):
            cols: dict[str, int] = {}
            names(r, cols)
            if sum(1 for a in ("年初预算数", "全年预算数", "全年执行数") if a in cols) >= 2:
                last = r
                for k in (r - 1, r + 1):  # a header split over two rows: names above or below
                    if 1 <= k < stop and not any(_numberish(v) for v in self.g[k - 1] if not _is_blank(v)):
                        more: dict[str, int] = {}
                        names(k, more)
                        new = {n: c for n, c in more.items() if n not in cols and c not in cols.values()}
                        cols.update(new)
                        if new and k > r:
                            last = k
                return last, cols
        return None

    def amount_unit(self, hdr: int) -> str:
        """元 or 万元: from the budget header, else the nearest unit line above it."""
        for r in [hdr, hdr - 1, *range(hdr - 2, 0, -1)]:
            if r < 1:
                continue
            for v in self.g[r - 1]:
                if not isinstance(v, str):
                    continue
                t = _norm(v)
                if "万元" in t:
                    return "万元"
                if re.search(r"[(]元[)]|单位[:：]?元|金额单位[:：]?元|[(]单位[:：]?元[)]", unicodedata.normalize("NFKC", t)):
                    return "元"
        return ""

    def read_budget(self, stop: int) -> Budget:
        budget = Budget(sheet=self.sheet)
        hit = self.budget_header(stop)
        if hit is None:
            return budget
        hdr, cols = hit
        budget.present, budget.header_row, budget.columns = True, hdr, dict(cols)
        self.reading.budget_header = hdr
        if "全年预算数" not in cols:
            self.layout = Style.SHAANXI if self.layout == "全国" else self.layout
        first_amount = min(cols[a] for a in layout.FORM_BUDGET_AMOUNTS if a in cols)
        block_weight = None
        unit = self.amount_unit(hdr)
        if unit:
            self.inp.info.amount_unit = unit
            self.reading.budget_unit = unit
        for r in range(max(1, hdr - 2), hdr + 1):
            for v in self.g[r - 1]:
                m = re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]", v) if isinstance(v, str) and "预算执行" in v else None
                if m:
                    block_weight = float(m.group(1))
        for r in range(hdr + 1, stop):
            label = ""
            for c in range(first_amount - 1, 0, -1):
                v = cell(self.g, r, c)
                if not _is_blank(v) and text_of(v) != text_of(cell(self.g, hdr, c)):
                    label = text_of(v)
                    break
            key = _norm(label)
            if key.startswith(tuple(layout.FORM_GOAL_BLOCK + layout.FORM_GOAL_LABELS + ("绩效指标",))):
                break
            if not label:
                continue
            line = self.budget_line(r, label, cols)
            budget.lines.append(line)
            why = "" if line.source == key else f"计入“{line.source}”"
            self.reading.budget_rows.append(RowReading(row=r, kind="预算", label=label[:40], why=why))
        total = budget.line("年度资金总额") or (budget.lines[0] if budget.lines else None)
        if total is not None and total.weight is None:
            total.weight = block_weight
        if "全年预算数" not in cols:  # 陕西: the budget the rate is taken against is 年初预算数
            for ln in budget.lines:
                ln.full_year = ln.initial
        return budget

    def budget_line(self, r: int, label: str, cols: dict[str, int]) -> BudgetLine:
        line = BudgetLine(source=budget_source(label), row=r)
        for header, attr in (("年初预算数", "initial"), ("全年预算数", "full_year"), ("实际到位数", "received"), ("全年执行数", "executed"), ("分值", "weight")):
            c = cols.get(header)
            raw = cell(self.g, r, c) if c else None
            if raw is None or _is_dash(raw):
                continue
            unit = self.inp.info.amount_unit or "万元"
            num, ok, noted = weight_of(raw) if header == "分值" else amount_of(raw, unit)
            if ok and (num is None or num >= 0):
                setattr(line, attr, num)
                if noted and num is not None:  # 10分, 48.6万元: read, and said once
                    self.add("I014", r, c, field=header, **unit_note(raw, num, "" if header == "分值" else unit))
            else:
                self.add("E207" if header != "分值" else "E104", r, c, field=header, value=text_of(raw)[:50], problem="不是有效的数字")
        if cols.get("执行率"):
            line.stated_execution_rate = rate_of(cell(self.g, r, cols["执行率"]))
        if cols.get("得分"):
            raw = cell(self.g, r, cols["得分"])
            if raw is not None and not _is_dash(raw):
                num, ok = number_of(raw)
                if ok and num is not None:
                    line.stated_score = num
        if cols.get("偏差原因分析及改进措施"):
            line.reason = self.text(r, cols["偏差原因分析及改进措施"])
        return line

    # -- the indicator rows ---------------------------------------------------------------------------

    def row_note(self, r: int, kind: str, label: str = "", why: str = "") -> None:
        self.reading.rows.append(RowReading(row=r, kind=kind, label=label[:40], why=why))

    def read_indicators(self, band: Band) -> None:
        inp = self.inp
        hdr, cols = band.bottom, band.cols
        inp.indicator_sheet, inp.indicator_header_row, inp.indicator_columns = self.sheet, hdr, dict(cols)
        wcol = cols["分值"]
        l1 = l2 = ""
        declared: set[tuple[int, str, str]] = set()
        total_rows: list[int] = []
        last = hdr
        prev_levels = ("", "")
        in_text = False
        for r in range(hdr + 1, len(self.g) + 1):
            row = self.g[r - 1]
            if all(_is_blank(v) for v in row):
                continue
            if self.is_header_repeat(r, band):
                self.row_note(r, "表头", why="表头重复（续页）")
                continue  # a table continued on the next page repeats its header
            total_at = self.total_label_at(r)
            first = next((_norm(v) for v in row if not _is_blank(v)), "")
            if total_at is not None:
                total_rows.append(r)
                if len(total_rows) == 1:
                    self.declared_total(r, cols, total_at)
                label = text_of(row[total_at - 1])
                if first and first != _norm(label):
                    label = f"{text_of(next(v for v in row if not _is_blank(v)))[:16]} … {label}"
                self.row_note(r, "合计", label, "总分/合计行，不是指标")
                if first != _norm(row[total_at - 1]) and first.startswith(layout.FORM_TEXT_ROWS):
                    self.trailing_text(r, cols, False)
                continue
            t3 = self.text(r, cols.get("三级指标"))
            is_text_row = bool(t3) and t3 == self.text(r, wcol)
            weight, _ = number_of(cell(self.g, r, wcol))
            text_label = first.startswith(layout.FORM_TEXT_ROWS) and weight is None  # 说明书发放数量 with a 分值 is an indicator
            if total_rows or in_text or is_text_row or text_label:
                values = {text_of(v) for v in row if not _is_blank(v)}
                if total_rows:
                    self.row_note(r, "文字", first, "合计行之后的文字")
                elif len(values) == 1 and not text_label:
                    self.row_note(r, "标题", first, "整行合并的分组标题或说明，不是指标")
                else:
                    self.row_note(r, "文字", first, "说明文字，不是指标")
                # below a note (其他需要说明事项, 注：…) only the 总分 row still belongs to the table
                self.trailing_text(r, cols, bool(total_rows) or in_text)
                in_text = in_text or text_label
                continue
            t1, t2 = self.text(r, cols.get("一级指标")), self.text(r, cols.get("二级指标"))
            if t1 and not _is_placeholder(t1):
                name1, decl1 = _split_label(t1)
                l2 = "" if name1 != l1 else l2
                l1 = name1
                if decl1 is not None and (1, l1, "") not in declared:
                    declared.add((1, l1, ""))
                    inp.subtotals.append(SubtotalDeclaration(level=1, name=l1, declared=decl1, row=r, col=cols["一级指标"]))
            if t2 and not _is_placeholder(t2):
                name2, decl2 = _split_label(t2)
                l2 = name2
                if decl2 is not None and (2, l2, l1) not in declared:
                    declared.add((2, l2, l1))
                    inp.subtotals.append(SubtotalDeclaration(level=2, name=l2, declared=decl2, row=r, col=cols["二级指标"], parent=l1))
            if _is_placeholder(t3) and self.no_values(r, cols):
                new_label = (t1, t2) != prev_levels and not t3
                prev_levels = (t1, t2)
                if new_label:
                    self.row_note(r, "标题", t2 or t1, "一级/二级指标标题行")
                else:
                    self.row_note(r, "占位", t3, "模板占位行：没有指标名称，也没有数值" if t3 else "空行：没有三级指标名称，也没有数值")
                continue
            prev_levels = (t1, t2)
            last = r  # the last row that belongs to the table (a placeholder row never does)
            self.indicator_row(r, cols, l1, l2, "" if _is_placeholder(t3) else t3)
        if len(total_rows) > 1:
            self.add("E031", total_rows[1], None, first=f"第 {total_rows[0]} 行", other=f"第 {total_rows[1]} 行")
        if not total_rows and self.layout != Style.SHANXI:
            self.add("E036", last, None, row=last)
        link_subtotals(inp)
        if not inp.indicators:
            self.add("E009", hdr, None, sheet=self.sheet)

    def no_values(self, r: int, cols: dict[str, int]) -> bool:
        """Nothing a row could be scored on: 分值, 指标值, 完成值 and 得分 empty, a dash, 0 or a placeholder."""
        for name in ("分值", "年度指标值", "实际完成值", "得分"):
            c = cols.get(name)
            v = cell(self.g, r, c) if c else None
            if _is_blank(v) or _is_dash(v) or (isinstance(v, str) and _is_placeholder(v)):
                continue
            if name in ("分值", "得分") and number_of(v)[0] == 0:
                continue
            return False
        return True

    def is_header_repeat(self, r: int, band: Band) -> bool:
        cols = band.cols
        same = 0
        for c in cols.values():
            v = cell(self.g, r, c)
            if v is not None and any(v == cell(self.g, h, c) for h in range(band.top, band.bottom + 1)):
                same += 1
        return same >= 3

    def merged_into_left(self, r: int, c: int) -> bool:
        """Cell (r, c) repeats a merged value from the column before it."""
        return any(r0 <= r - 1 <= r1 and c0 < c - 1 <= c1 for r0, c0, r1, c1 in self.table.merges)

    def total_label_at(self, r: int) -> int | None:
        """The column of a 总分/合计 label in row ``r`` (in any column), or None."""
        row = self.g[r - 1]
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and header_key(v) in layout.FORM_TOTAL_LABELS:
                return c
        return None

    def declared_total(self, r: int, cols: dict[str, int], at: int) -> None:
        """The 总分 row: its 分值 and 得分 under their columns, or — when the row places them
        elsewhere (其他需要说明事项 | 无 | 总分 | 100 | 96 | 优) — the numbers after the label."""
        inp = self.inp
        inp.declared_total_row = r
        row = self.g[r - 1]
        after: list[tuple[int, Any]] = []
        for c in range(at + 1, len(row) + 1):
            v = row[c - 1]
            if _is_blank(v) or self.merged_into_left(r, c):
                continue
            after.append((c, v))
        nums = [(c, number_of(v)[0]) for c, v in after if not _is_dash(v) and number_of(v)[1] and number_of(v)[0] is not None]
        for c, v in after:
            if isinstance(v, str) and _norm(v) in layout.FORM_GRADES:
                inp.declared_grade = _norm(v)
        wc, sc = cols["分值"], cols.get("得分")
        raw = cell(self.g, r, sc) if sc and sc > at else None
        if raw is not None and not _is_dash(raw) and not number_of(raw)[1] and _norm(raw) not in layout.FORM_GRADES:
            inp.declared_total_score = None  # 得分 unreadable: no declared total to hold the rows to
            inp.declared_total_weight = number_of(cell(self.g, r, wc))[0] if wc > at else None
            return
        if nums and {c for c, _ in nums} <= {wc, sc}:  # the numbers sit under 分值 and 得分
            for c, v in nums:
                if c == wc:
                    inp.declared_total_weight = v
                else:
                    inp.declared_total_score = v
        elif len(nums) >= 2:  # elsewhere: the row's own order, 总分 | 分值 | 得分
            inp.declared_total_weight, inp.declared_total_score = nums[0][1], nums[1][1]
        elif len(nums) == 1:
            c, v = nums[0]
            if c == wc:
                inp.declared_total_weight = v
            else:
                inp.declared_total_score = v

    def trailing_text(self, r: int, cols: dict[str, int], after_total: bool) -> None:
        """A text row below the table (评价结论, 存在问题, 签字…). One with a 分值 is not text."""
        row = self.g[r - 1]
        first = next((v for v in row if not _is_blank(v)), "")
        key = _norm(first)
        w = cell(self.g, r, cols["分值"])
        num, ok = number_of(w)
        if after_total and ok and num is not None and not key.startswith(layout.FORM_TEXT_ROWS) and self.text(r, cols.get("三级指标")):
            self.add("E037", r, cols["分值"], name=self.text(r, cols.get("三级指标"), 40))
            return
        for start, attr in layout.FORM_TEXT_INFO.items():
            if key.startswith(start) and not getattr(self.inp.info, attr):
                rest = key[len(start) :].lstrip(":：")
                value = next((text_of(v) for v in row if not _is_blank(v) and v != first), "") or rest
                setattr(self.inp.info, attr, value[:TEXT_LIMIT])

    def indicator_row(self, r: int, cols: dict[str, int], l1: str, l2: str, t3: str) -> None:
        def raw(name: str) -> Any:
            c = cols.get(name)
            return cell(self.g, r, c) if c else None

        weight_raw, target, actual, score = raw("分值"), raw("年度指标值"), raw("实际完成值"), raw("得分")
        if not t3:
            for what, v, name in (("分值", weight_raw, "分值"), ("得分", score, "得分"), ("年度指标值", target, "年度指标值"), ("实际完成值", actual, "实际完成值")):
                if not _is_blank(v) and not _is_dash(v):
                    self.add("E032", r, cols[name], what=what, value=text_of(v)[:30])
                    self.row_note(r, "无法归属", text_of(v)[:30], f"有{what}却没有三级指标名称（总分待定）")
                    return
            return  # a label-only row (一级/二级 heading)
        ind = Indicator(row=r, level1=l1, level2=l2, level3=t3)
        ind.weight_raw = text_of(weight_raw) if weight_raw is not None else None
        num, ok, noted = weight_of(weight_raw)
        if not ok or (num is not None and num < 0):
            self.add("E033", r, cols["分值"], name=t3[:40], value=text_of(weight_raw)[:30])
        else:
            ind.weight = num
            if noted and num is not None:
                self.add("I014", r, cols["分值"], field="分值", **unit_note(weight_raw, num))
        unit = self.text(r, cols.get("度量单位"), 20)
        unit = "" if _is_dash(unit) else unit
        actual_unit = self.text(r, cols.get("实际完成值单位"), 20)
        actual_unit = unit if not actual_unit or _is_dash(actual_unit) else actual_unit
        self.check_percent(r, cols, t3, unit, target, actual)
        ind.target, ind.actual = _with_unit(target, unit), _with_unit(actual, actual_unit)
        if isinstance(ind.target, str):
            ind.target = ind.target[:TEXT_LIMIT]
        if isinstance(ind.actual, str):
            ind.actual = ind.actual[:TEXT_LIMIT]
        d = self.text(r, cols.get("指标方向"), 20)
        ind.direction = _direction_of(d)
        if not _is_blank(score) and not _is_dash(score):
            n, ok = number_of(score)
            ind.manual_raw = text_of(score)
            ind.manual_score = n if ok else None
            if not ok or n is None:  # an error value, a formula without a result, text: the unit's score is unknown
                why = "公式没有计算结果" if getattr(score, "formula", None) is not None else "不是数字"
                self.add("E030", r, cols["得分"], name=t3[:40], value=text_of(score)[:30], why=why)
        ind.reason = self.text(r, cols.get("偏差原因分析及改进措施"))
        self.inp.indicators.append(ind)
        self.row_note(r, "指标", t3, "")

    def check_percent(self, r: int, cols: dict[str, int], name: str, unit: str, target: Any, actual: Any) -> None:
        """度量单位 % with 95 on one side and 0.95 on the other (a cell shown as 95%): which is meant
        cannot be told from the value alone, and the two readings score 1 and 0.01 of the weight."""
        if _norm(unit) not in ("%", "百分比"):
            return
        nums = {}
        for field, v in (("年度指标值", target), ("实际完成值", actual)):
            if isinstance(v, (int, float)) and not isinstance(v, (bool, Percent)):
                nums[field] = float(v)
        if len(nums) == 2:
            small = [f for f, v in nums.items() if 0 < v <= 1 and not v.is_integer()]
            if small and any(v > 1.5 for v in nums.values()):
                f = small[0]
                self.add("E029", r, cols[f], name=name[:40], field=f, value=text_of(nums[f]), pct=text_of(nums[f] * 100))

    # -- checks the layout asks for ---------------------------------------------------------------

    def check_blocks(self) -> None:
        inp = self.inp
        budget_rows = any("预算执行" in i.level3 or "预算执行" in i.level1 for i in inp.indicators)
        if not inp.budget.present:
            if budget_rows:
                self.layout = Style.SHANXI if self.layout == "全国" else self.layout
            else:
                self.add("E034", inp.indicator_header_row, None)
            return
        total = inp.budget.line("年度资金总额") or inp.budget.total
        if total is None:
            self.add("E035", inp.budget.header_row, None, source="年度资金总额", what="任何金额")
            return
        unreadable = {f.cell for f in self.findings if f.code == "E207"}  # already named, once
        missing = [h for h, v in (("全年预算数", total.full_year), ("全年执行数", total.executed))
                   if v is None and self.loc(total.row, inp.budget.columns.get(h)).cell not in unreadable]
        if missing and not budget_rows:
            c = inp.budget.columns.get(missing[0]) or inp.budget.columns.get("年初预算数")
            self.add("E035", total.row, c, source=total.source, what="、".join(missing))


def _budget_name(v: Any) -> str:
    if not isinstance(v, str):
        return ""
    k = header_key(v)
    return layout.FORM_BUDGET_HEADERS.get(k) or layout.FORM_BUDGET_HEADERS.get(re.sub(r"[(（][^()（）]{0,8}[)）]", "", k), "")


def _numberish(v: Any) -> bool:
    return not isinstance(v, bool) and (isinstance(v, (int, float)) or (isinstance(v, str) and number_of(v)[0] is not None and number_of(v)[1]))


_SOURCE_PREFIX_RE = re.compile(r"^(?:其中|含|包括)[:：]?|^[(（]?[0-9一二三四五六七八九十]+[)）.、]|^[:：]")


def budget_source(label: str) -> str:
    """The funding source a budget row is (its label as units write it): 其中:本年财政拨款 →
    财政拨款, 1.上年结转 → 上年结转资金, 其中：中央财政资金 → 其中：中央; otherwise the label itself."""
    key = _norm(label)
    while True:
        k = _SOURCE_PREFIX_RE.sub("", key).strip()
        if k == key:
            break
        key = k
    if key in layout.FORM_SOURCES:
        return layout.FORM_SOURCES[key]
    bare = re.sub(r"^(?:本年度?|当年度?|本级|年度)", "", key)
    if bare in layout.FORM_SOURCES:
        return layout.FORM_SOURCES[bare]
    for level, name in (("中央", "其中：中央"), ("省", "其中：省级"), ("市", "其中：市级"), ("州", "其中：市级"), ("县", "其中：县级"), ("区", "其中：县级")):
        if bare.startswith(level) and ("财政" in bare or "资金" in bare or "补助" in bare or bare in (level, level + "级")):
            return name
    if "结转" in bare or "结余" in bare:
        return "上年结转资金"
    if "财政专户" in bare:
        return "财政专户管理资金"
    if "财政" in bare and ("拨款" in bare or "资金" in bare or "补助" in bare):
        return "财政拨款"
    if "总额" in bare or bare in ("合计", "总计", "小计", "资金合计"):
        return "年度资金总额"
    if bare.startswith("其他"):
        return "其他资金"
    if bare.startswith(("单位自有", "自有资金", "单位资金")):
        return "单位资金"
    return key or label


_PLACEHOLDER_RE = re.compile(
    r"^(?:(?:指标|三级指标|二级指标)?\s*[\d一二三四五六七八九十]{1,3}|[(（]?\d{1,2}[)）]?)\s*[:：.、]?(?:[.…。·]+)?$"  # 指标1: 指标二： 3.
    r"|^[.…。·、\-—－_/／\\xX×*＊]+$"  # …… / - xxx
    r"|^[(（]?(?:……|\.\.\.)?(?:指标|三级指标|具体指标|指标名称|指标内容)(?:名称)?\s*[\d一二三四五六七八九十]*[:：]?(?:……|\.\.\.)?[)）]?$"
)


def _is_placeholder(text: Any) -> bool:
    """A template's empty row name: ``指标1:``, ``指标2：``, ``……``, ``/``, ``-``, or nothing."""
    if _is_blank(text):
        return True
    if not isinstance(text, str):
        return False
    k = _norm(text)
    return not k or k in _DASHES or bool(_PLACEHOLDER_RE.match(k))


def _direction_of(text: str) -> str:
    """指标性质 / 指标方向 as the scoring knows it: 正向 → ≥, 反向 → ≤, 定性, or a sign (≧ ═ ﹦ …);
    a text that starts with one of those (正向指标（越大越好）) too; anything else is kept as typed
    (the scoring names it, W310)."""
    if _is_dash(text) or not text:
        return ""
    k = _norm(text)
    for cand in (k, normalize_text(k)):
        if cand in layout.FORM_DIRECTIONS:
            return layout.FORM_DIRECTIONS[cand]
    for start, direction in (("正向", Direction.MORE), ("反向", Direction.LESS), (Direction.QUALITATIVE, Direction.QUALITATIVE), (Direction.DEADLINE, Direction.DEADLINE)):
        if k.startswith(start):
            return direction
    return text


def _with_unit(value: Any, unit: str) -> Any:
    """四川's 度量单位 column: 95 with % -> "95%"; a value that already carries a unit is kept."""
    if not unit or _is_blank(value) or isinstance(value, Percent):
        return value
    text = text_of(value)
    if re.search(r"\d$", text):
        return text + unit
    return value


def read_form(table: Table, *, source: str = "") -> SelfEvaluation:
    """Read one table (a sheet or a Word table) as a self-evaluation form. Raises InputError when it
    has no indicator table."""
    rd = _Reader(table, source)
    hit = indicator_header(rd.g)
    if hit is None:
        raise InputError(
            "找不到绩效指标表的表头（应含“三级指标”“分值”“年度指标值”“实际完成值”等列名，也接受“目标指标”“权重”“指标值”“完成值”）",
            path=source or None,
            sheet=table.name,
            code=XCode.NO_FORM,
        )
    band = find_band(rd.g)
    assert band is not None
    hdr, cols = band.top, band.cols
    rd.reading.header_top, rd.reading.header_bottom, rd.reading.columns = band.top, band.bottom, band.columns
    rd.inp.info = rd.read_info(hdr)
    _preface_info(rd.inp.info, table.preface)
    rd.inp.budget = rd.read_budget(hdr)
    headers = {p for c in band.columns for p in c.path.split("/")}
    if rd.layout == "全国" and not rd.inp.budget.present and ("业绩值" in headers or "目标指标" in headers):
        rd.layout = Style.SHANXI
    if "度量单位" in cols or "指标方向" in cols and rd.layout == "全国":
        rd.layout = Style.SICHUAN
    rd.read_indicators(band)
    split_level1_weights(rd.inp, band, table, rd.g, rd.findings)
    if any(i.level1.startswith(("投入", "过程")) for i in rd.inp.indicators):
        rd.inp.info.evaluation_type = EvaluationType.DEPARTMENT  # a department-wide table (投入管理, 过程)
        unscored_budget(rd.inp)
    rd.check_blocks()
    _hidden_notes(rd)
    rd.inp.info.style = LAYOUTS.get(rd.layout, Style.GENERAL)
    rd.inp.info.extra["表样"] = rd.layout
    rd.inp.reading = rd.reading
    rd.inp.read_findings = rd.findings
    return rd.inp


_PREFACE_RE = re.compile(r"(项目(?:支出)?名称|主管部门(?:及代码)?|实施单位)[:：]\s*(.+?)\s*(?=(?:项目(?:支出)?名称|主管部门|实施单位)[:：]|$)")


def _preface_info(info: ProjectInfo, preface: list[str]) -> None:
    """A Word annex often writes 项目名称：… and the year as paragraphs above its table."""
    for line in preface:
        for label, value in _PREFACE_RE.findall(_norm(line).replace(":", "：")):
            attr = layout.FORM_INFO_LABELS.get(label)
            if attr and not getattr(info, attr):
                setattr(info, attr, re.sub(r"[(（]?\d{3,}[)）]?$", "", value) if attr == "department" else value)
        m = _YEAR_RE.search(_norm(line))
        if m and not info.year and "年度" in line:
            info.year = m.group(1)


def _header_texts(g: Grid, r: int) -> set[str]:
    return {header_key(v) for v in g[r - 1] if isinstance(v, str)}


def _hidden_notes(rd: _Reader) -> None:
    for c in sorted(rd.table.hidden_cols):
        value = next((text_of(row[c - 1]) for row in rd.table.grid if c - 1 < len(row) and not _is_blank(row[c - 1])), "")
        if value:
            from xlperf.core.refs import col_letter

            rd.findings.append(make("I038", rd.loc(None), what=f"第 {col_letter(c)} 列", value=value[:30]))
    for r in sorted(rd.table.hidden_rows):
        row = rd.table.grid[r - 1] if r - 1 < len(rd.table.grid) else []
        value = next((text_of(v) for v in row if not _is_blank(v)), "")
        if value:
            rd.findings.append(make("I038", rd.loc(r), what=f"第 {r} 行", value=value[:30]))
