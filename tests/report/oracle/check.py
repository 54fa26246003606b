"""Each fact a report states, checked against the truth: the evaluation of its workbook (the
documented JSON of ``check --format json``) and the workbook's own cells.

A check gives a :class:`Result` per fact (passed or failed) with a failure class, so a run can be
summarised as "N facts checked, these classes fail, here are examples". Classes are stable names;
a new kind of wrong fact gets a new class rather than joining an unrelated one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .extract import Document, Fact, basic_facts, budget_table_source_facts, facts_of, matrix_source_facts, money_facts, percent_of, source_facts, to_float

GRADE_NATIONAL = {"优秀": "优", "良好": "良", "优": "优", "良": "良", "中": "中", "差": "差", "待定": "待定"}
LONG_ONLY = {"优秀", "良好"}
STYLE_GRADE_FORM = {"湖南": "short", "山西": "long", "陕西": "long"}  # domain.md: each style's reference form
SHORT_ONLY = {"优", "良"}
BUDGET_ROW = re.compile(r"预算执行率")
SOURCE_LEVELS = ("中央", "省级", "市级", "县级")  # the 其中：… rows of 预算执行

# Every failure class the checker can report, with what it means.
CLASSES: dict[str, str] = {
    "total_value": "a stated total differs from the evaluation's total",
    "total_wrongly_pending": "the total is said to be 待定 although the evaluation is final",
    "draft_total_not_marked": "a non-final evaluation's total is shown as a number without 待定",
    "draft_grade_not_marked": "a non-final evaluation's grade is shown without 待定",
    "draft_title_not_marked": "a non-final report's title does not say 草稿/待定",
    "draft_row_score_shown": "a pending (待定) row shows a score in the table",
    "grade_value": "a stated grade differs from the evaluation's grade",
    "grade_vocabulary_mixed": "one report mixes 优秀/良好 with 优/良",
    "grade_style_form": "the grade not in the style's reference form (湖南 优/良, 山西 and 陕西 优秀/良好)",
    "grade_count_form": "counts of project grades not in the national form (优2个)",
    "grade_count_value": "counts of project grades do not match the projects' grades",
    "annex_total": "the 总分 row of an annex table differs from the evaluation",
    "project_total": "a project's score in the department's project list differs from its evaluation",
    "project_figure": "a project's amount or 执行率 in its result paragraph (项目资金绩效情况) differs from its own evaluation",
    "project_result_missing": "a project annexed to a 湖南 部门整体 report has no result paragraph of its own",
    "budget_rate": "a stated 预算执行率/执行率/到位率 differs from the budget or the 预算执行率 row",
    "budget_score": "the budget-execution score/weight is not that of the budget (or the 预算执行率 row)",
    "budget_amount": "a budget amount (全年预算数, 到位, 执行, 结余) or its unit is wrong",
    "level1_count": "a 一级指标's stated number of rows differs from the table",
    "level1_weight": "a 一级指标's stated （满分N分） differs from the sum of its rows' 分值",
    "level1_score": "a 一级指标's stated score differs from the sum of its rows' scores",
    "level1_met": "a 一级指标's 全部完成/完成N项 differs from the rows met",
    "level1_subtotal": "a 一级指标 named in the prose has no rows in the table",
    "level1_differs_from_table": "a 一级指标 subtotal follows the evaluation's regrouping, not the table the reader sees",
    "wording_one_item": "“1项均…/1项全部…”",
    "count_value": "a stated number of 三级指标 differs from the table",
    "count_excludes_budget_row": "the stated number of 三级指标 leaves out the 预算执行率 row of the table",
    "count_inconsistent": "two different numbers of 三级指标 in one report",
    "met_count": "“N项达到年度指标值” differs from the rows met",
    "row_unmatched": "a sentence or table row names an indicator the workbook does not have",
    "row_score": "an indicator's stated score differs from the evaluation",
    "row_weight": "an indicator's stated 分值 differs from the workbook",
    "row_target": "an indicator's stated 年度指标值 differs from the workbook",
    "row_actual": "an indicator's stated 实际完成值 differs from the workbook",
    "row_completion": "an indicator's stated 完成率 differs from the evaluation",
    "met_row_completion_below_100": "a reverse (≤) or deadline row met in full shows a 完成率 below 100%",
    "completion_contradicts_score": "a high 完成率 shown beside a score in the 未达成 tier, unexplained",
    "unit_dropped": "a target printed without the unit it was typed with",
    "unit_bare_target": "a bare target printed without the unit its actual carries (95 vs 95%)",
    "placeholder_missing_sheet": "a 【请…】 placeholder points at a sheet the workbook does not have",
    "placeholder_missing_column": "a 【请…】 placeholder points at a column its sheet does not have",
    "placeholder_unknown_field": "a 【请…】 placeholder points at a 项目信息 field that does not exist",
    "placeholder_filled_field": "a 【请…】 placeholder asks for a field the user filled (无 included)",
    "repeated_paragraph": "the same paragraph printed twice",
    "info_field_missing": "a 项目信息 field the user filled does not appear in the report",
    "public_name_unmasked": "a 公示版 shows a person's name (项目负责人, 联系人, 自评小组)",
    "public_phone_unmasked": "a 公示版 shows a phone number",
    "source_amount": "an amount per funding source (其中县级资金…万元, 资金全部为…资金) differs from the 预算执行 rows",
    "approved_amount": "四川's 下达资金…万元 differs from the 全年预算数",
    "basic_value": "a 基础数据 figure (编制数, 实有人数, 三公经费, a cell of the 基础数据 table) differs from the sheet",
    "basic_change": "a year-on-year change, 超编/空编, 控制在预算数以内, a share (占…%) or a ratio to the 预算数 differs from the 基础数据 sheet",
    "xlsx_form_rows": "the --format xlsx 自评表 lacks an indicator row of the evaluation (in order) or its 合计 row",
    "preamble_document": "the opening cites a document 评价依据文件 does not list, or leaves out one it lists",
    "basic_rate": "a 控制率/执行率 row of 附件1 is not its two figures of the 基础数据 sheet divided",
    "function_amount": "a 功能科目 amount or 合计 differs from the sheet's items (类/款 subtotals counted once)",
    "function_mismatch_unsaid": "the 功能科目 items do not add up to the 基础数据 基本/项目支出 and the report does not say so",
}


@dataclass
class Truth:
    """What the report should say: the evaluation JSON plus the workbook's sheet names and fields."""

    ev: dict[str, Any]
    sheets: list[str]
    info: dict[str, str]  # 项目信息 label -> value as typed (stripped text)
    team: list[str] = field(default_factory=list)  # names in a 自评小组 sheet
    headers: dict[str, set[str]] = field(default_factory=dict)  # sheet -> the texts of its first rows (headers)
    projects: dict[str, "Truth"] = field(default_factory=dict)  # 部门整体: project name -> its truth
    basic: dict[str, dict[str, float]] = field(default_factory=dict)  # 部门整体: 基础数据 label -> {上年数|本年预算数|本年实际数: value}
    functions: list[tuple[str, str, float | None, float | None]] = field(default_factory=list)  # 功能科目 rows (编码, 名称, 基本支出, 项目支出)
    sources: dict[str, dict[str, float | None]] = field(default_factory=dict)  # 预算执行 其中：X rows -> amounts
    basic_read: dict[str, dict[str, Any]] = field(default_factory=dict)  # 基础数据 as parse_basic_data reads it: key -> prior/budget/actual/unit/label

    @property
    def final(self) -> bool:
        return bool(self.ev.get("final"))

    def rows(self) -> list[dict[str, Any]]:
        return self.ev.get("indicators") or []


@dataclass
class Result:
    cls: str  # the class of failure this check guards against (the fact passed when ``ok``)
    ok: bool
    fact: str  # the sentence or table row
    expected: str = ""
    check: str = ""  # which check ran

    def line(self) -> str:
        return f"{self.fact}  ⇒  {self.expected}"


def norm(text: Any) -> str:
    s = str(text or "")
    s = s.translate(str.maketrans("０１２３４５６７８９％．，：；（）", "0123456789%.,:;()"))
    return re.sub(r"[\s“”\"'‘’]+", "", s)


def name_key(text: str) -> str:
    s = norm(text)
    s = re.sub(r"\([^)]*\)$", "", s)  # 项目完成率（%） -> 项目完成率
    return s.rstrip("。.,")


def decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def close(stated: float, truth: float | None, shown: str = "", scale: float = 1.0) -> bool:
    """``stated`` equals ``truth`` as displayed: within half a unit of the last shown decimal."""
    if truth is None:
        return False
    tol = 0.5 * 10 ** (-decimals(shown)) / scale + 1e-9 if shown else 0.005
    return abs(stated - truth) <= tol


def num_text(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


# --- the checks ---------------------------------------------------------------------------------


class Checker:
    def __init__(self, doc: Document, truth: Truth, *, style: str = "", public: bool = False):
        self.doc = doc
        self.truth = truth
        self.style = style
        self.public = public
        self.facts = facts_of(doc)
        self.results: list[Result] = []
        self._annex_of: dict[int, str] = self._annex_blocks()
        self._result_of: dict[int, str] = self._result_paragraphs()

    def add(self, ok: bool, cls: str, fact: str, expected: str = "", check: str = "") -> None:
        self.results.append(Result(cls, ok, fact, expected, check or cls))

    # which project annex a table belongs to (部门整体 reports)
    def _annex_blocks(self) -> dict[int, str]:
        out: dict[int, str] = {}
        current = ""
        for i, b in enumerate(self.doc.blocks):
            if b.kind == "p":
                m = re.search(r"项目支出绩效自评表[：:](.+)$", b.text)
                if m and self.truth.projects:
                    current = m.group(1).strip()
                elif re.match(r"^(附件\d|待完善事项)", b.text) and "项目支出绩效自评表" not in b.text:
                    current = ""
            else:
                # a project's official form (附件3-n) names it in its first row: 项目支出名称 | name (the
                # label may be printed on two lines, 项目支出 / 名称)
                first = [c.strip() for c in (b.rows[0] if b.rows else []) if c.strip()]
                if self.truth.projects and len(first) >= 2 and re.sub(r"\s", "", first[0]) in ("项目支出名称", "项目名称") and first[1] in self.truth.projects:
                    current = first[1]
                if current:
                    out[i] = current
        return out

    def _result_paragraphs(self) -> dict[int, str]:
        """部门整体: the paragraphs that state one project's results (1．项目名称：…), by block."""
        out: dict[int, str] = {}
        for i, b in enumerate(self.doc.blocks):
            m = re.match(r"^\d+[．.、]\s*(.+?)[：:]", b.text) if b.kind == "p" and self.truth.projects else None
            if m and m.group(1).strip() in self.truth.projects:
                out[i] = m.group(1).strip()
        return out

    def truth_for(self, f: Fact) -> Truth:
        name = self._annex_of.get(f.block, "")
        return self.truth.projects.get(name, self.truth) if name else self.truth

    def run(self) -> list[Result]:
        for f in self.facts:
            if f.block in self._result_of:
                self.check_project_fact(f, self.truth.projects[self._result_of[f.block]])
                continue
            getattr(self, f"check_{f.kind}", lambda f: None)(f)
        self.check_project_results()
        self.check_counts_agree()
        self.check_grade_vocabulary()
        self.check_sources()
        self.check_basic()
        if self.doc.path.lower().endswith(".xlsx"):
            self.check_xlsx_rows()
        if not self.doc.prose_only:  # a PDF's text breaks paragraphs at pages: compared only by facts
            self.check_repeats()
            self.check_info_fields()
        self.check_draft_title()
        if self.style == "湖南" and "基础数据" in self.truth.sheets:  # a 部门整体 report
            self.check_preamble()
            self.check_basic_rates()
            self.check_functions()
        if self.public:
            self.check_masked()
        return self.results

    # totals and grades ------------------------------------------------------------------------

    def check_total(self, f: Fact) -> None:
        t = self.truth
        if not t.final:
            self.add(f.value == "待定" or "待定" in f.sentence, "draft_total_not_marked", f.short(), f"总分待定（{t.ev.get('total_score')}）", "total")
            return
        self.add(f.value != "待定", "total_wrongly_pending", f.short(), f"总分 {t.ev['total_score']}", "total")
        if f.value == "待定":
            return
        self.add(close(f.value, t.ev["total_score"], f.sentence), "total_value", f.short(), f"总分 {t.ev['total_score']}", "total")

    def check_grade(self, f: Fact) -> None:
        self._grade(f.value, f.short(), self.truth)

    def _grade(self, word: str, sentence: str, t: Truth) -> None:
        if not t.final:
            self.add(word == "待定", "draft_grade_not_marked", sentence, "等级待定", "grade")
            return
        self.add(GRADE_NATIONAL.get(word) == t.ev["grade"], "grade_value", sentence, f"等级 {t.ev['grade']}（总分 {t.ev['total_score']}）", "grade")

    def check_cell_total(self, f: Fact) -> None:
        t = self.truth_for(f)
        if not t.final:
            self.add("待定" in f.sentence, "draft_total_not_marked", f.short(), "总分待定", "cell_total")
            return
        v = to_float(f.value)
        self.add(v is not None and close(v, t.ev["total_score"], f.value), "annex_total", f.short(), f"总分 {t.ev['total_score']}", "cell_total")
        if f.extra.get("grade"):
            self._grade(f.extra["grade"], f.short(), t)

    def check_grade_count(self, f: Fact) -> None:
        # 部门整体: counts of project grades use the national form (优2个、良1个), and add up
        self.add(f.subject in ("优", "良", "中", "差"), "grade_count_form", f.short(), "等级计数用 优/良/中/差", "grade_count")
        if self.truth.projects:
            n = sum(1 for p in self.truth.projects.values() if p.final and p.ev["grade"] == GRADE_NATIONAL.get(f.subject))
            self.add(n == f.value, "grade_count_value", f.short(), f"{GRADE_NATIONAL.get(f.subject)}{n}个", "grade_count")

    def check_project_row(self, f: Fact) -> None:
        p = self.truth.projects.get(f.subject)
        if p is None:
            return
        if f.extra.get("score"):
            if p.final:
                v = to_float(f.extra["score"])
                self.add(v is not None and close(v, p.ev["total_score"], f.extra["score"]), "project_total", f.short(), f"{f.subject} 总分 {p.ev['total_score']}", "project_row")
            else:
                self.add("待定" in f.extra["score"], "draft_total_not_marked", f.short(), f"{f.subject} 总分待定", "project_row")
        if f.extra.get("grade"):
            self._grade(f.extra["grade"], f.short(), p)

    # 部门整体: each project's result paragraph, against that project's own evaluation -------------

    PROJECT_AMOUNTS = {"全年预算数": "full_year", "全年执行": "executed", "执行数": "executed", "实际到位": "received"}

    def check_project_fact(self, f: Fact, p: Truth) -> None:
        b = p.ev["budget"]
        if f.kind == "total":
            if p.final:
                self.add(f.value != "待定" and close(f.value, p.ev["total_score"], f.sentence), "project_total", f.short(), f"{p.ev.get('project')} 总分 {p.ev['total_score']}", "project_result")
            else:
                self.add(f.value == "待定", "draft_total_not_marked", f.short(), f"{p.ev.get('project')} 总分待定", "project_result")
        elif f.kind == "grade":
            self._grade(f.value, f.short(), p)
        elif f.kind == "amount":
            key = self.PROJECT_AMOUNTS.get(f.subject)
            if key is not None and b.get(key) is not None:
                self.add(close(f.value, b[key]) and f.unit == b["unit"], "project_figure", f.short(), f"{p.ev.get('project')} {f.subject} {num_text(b[key])}{b['unit']}", "project_result")
        elif f.kind in ("exec_rate", "budget_rate"):
            rate = b.get("execution_rate")
            shown = re.search(r"执行率(-?\d+(?:\.\d+)?)", f.sentence)
            self.add(rate is not None and close(f.value, rate, shown.group(1) if shown else "", 100), "project_figure", f.short(), f"{p.ev.get('project')} 执行率 {rate}", "project_result")
        elif f.kind == "row":
            self.check_row(f, p)
        elif f.kind in ("placeholder", "grade_count"):
            getattr(self, f"check_{f.kind}")(f)

    def check_project_results(self) -> None:
        """A 湖南 部门整体 report states each annexed project's results in a paragraph of its own."""
        if self.style != "湖南" or not self.truth.projects or self.doc.prose_only:
            return
        stated = set(self._result_of.values())
        for name in self.truth.projects:
            self.add(name in stated, "project_result_missing", f"项目“{name}”", "项目资金绩效情况中应有该项目的一段（1．项目名称：…）", "project_results")

    def check_grade_vocabulary(self) -> None:
        words = [f.value for f in self.facts if f.kind == "grade"]
        words += [f.extra.get("grade", "") for f in self.facts if f.kind in ("cell_total", "project_row")]
        long_, short = {w for w in words if w in LONG_ONLY}, {w for w in words if w in SHORT_ONLY}
        if words:
            shown = f"等级用词：{'、'.join(sorted(set(w for w in words if w)))}"
            self.add(not (long_ and short), "grade_vocabulary_mixed", shown, "一份报告只用一套等级用词", "grade_vocabulary")
            # the style's reference form: 湖南 评价为“优”; 山西 “良好”; 陕西 “优秀等级”
            wants = STYLE_GRADE_FORM.get(self.style)
            if wants and (long_ or short):
                wrong = short if wants == "long" else long_
                self.add(not wrong, "grade_style_form", shown, f"{self.style}样式用{'优秀/良好' if wants == 'long' else '优/良'}", "grade_vocabulary")

    def check_draft_title(self) -> None:
        # a department report is a draft too while one of its projects' totals is 待定
        if self.truth.final and all(p.final for p in self.truth.projects.values()):
            return
        head = " ".join(b.text for b in self.doc.blocks[:4] if b.kind == "p")
        self.add("草稿" in head or "待定" in head, "draft_title_not_marked", head[:80], "总分待定的报告标题标为草稿", "draft_title")

    # budget -----------------------------------------------------------------------------------

    def _budget_level1(self, t: Truth) -> dict[str, Any] | None:
        return next((s for s in t.ev.get("level1") or [] if s["name"] in ("预算执行", "预算执行指标")), None)

    def _budget_rates(self, t: Truth) -> list[float]:
        b = t.ev["budget"]
        rates = [b["execution_rate"]] if b.get("execution_rate") is not None else []
        for r in t.rows():  # the 预算执行率 row itself, not a composite such as 预算执行率、控制率、完成率
            if name_key(r["level3"] or "") == "预算执行率" and r.get("completion") is not None:
                rates.append(r["completion"])
                a = percent_of(str(r.get("actual") or ""))
                if a is not None:
                    rates.append(a)
        return rates

    def check_budget_rate(self, f: Fact) -> None:
        rates = self._budget_rates(self.truth)
        if rates:
            self.add(any(close(f.value, x, f.sentence.split("率", 1)[-1][:8], 100) for x in rates), "budget_rate", f.short(), "预算执行率 " + "或".join(f"{x:.2%}" for x in rates), "budget_rate")

    def check_exec_rate(self, f: Fact) -> None:
        rate = self.truth.ev["budget"].get("execution_rate")
        if re.match(r"(基本支出|项目支出)\d", f.sentence):  # a 基础数据 part's own 执行率 (checked as basic_change)
            return
        if rate is not None:
            shown = re.search(r"执行率" + r"(-?\d+(?:\.\d+)?)", f.sentence)
            self.add(close(f.value, rate, shown.group(1) if shown else "", 100), "budget_rate", f.short(), f"执行率 {rate:.2%}", "exec_rate")

    def check_arrival_rate(self, f: Fact) -> None:
        rate = self.truth.ev["budget"].get("arrival_rate")
        if rate is not None:
            shown = re.search(r"到位率(-?\d+(?:\.\d+)?)", f.sentence)
            self.add(close(f.value, rate, shown.group(1) if shown else "", 100), "budget_rate", f.short(), f"到位率 {rate:.2%}", "arrival_rate")

    def check_budget_score(self, f: Fact) -> None:
        exact = [r for r in self.truth.rows() if name_key(r["level3"]) == "预算执行率" and not r["pending"]]
        if exact:
            r = exact[0]
            ok = close(f.value, r["score"]) and close(f.extra["weight"], r["weight"])
            self.add(ok, "budget_score", f.short(), f"预算执行率行 得{num_text(r['score'])}分（满分{num_text(r['weight'])}分）", "budget_score")
            return
        lv = self._budget_level1(self.truth)
        if lv is None:
            self.add(False, "budget_score", f.short(), "评价结果中没有预算执行得分", "budget_score")
            return
        ok = close(f.value, lv["score"]) and close(f.extra["weight"], lv["weight"])
        self.add(ok, "budget_score", f.short(), f"预算执行 得{num_text(lv['score'])}分（满分{num_text(lv['weight'])}分）", "budget_score")

    AMOUNT_KEYS = {"全年预算数": "full_year", "实际到位": "received", "全年执行": "executed", "结余": "balance"}

    def check_amount(self, f: Fact) -> None:
        key = self.AMOUNT_KEYS.get(f.subject)
        b = self.truth.ev["budget"]
        if key is None or b.get(key) is None:
            return
        self.add(close(f.value, b[key]) and f.unit == b["unit"], "budget_amount", f.short(), f"{f.subject} {num_text(b[key])}{b['unit']}", "amount")

    def check_budget_row(self, f: Fact) -> None:
        t = self.truth_for(f)
        b = t.ev["budget"]
        for col, key in (("全年预算数", "full_year"), ("全年执行数", "executed"), ("实际到位数", "received")):
            v = to_float(f.extra.get(col, ""))
            if v is not None and b.get(key) is not None:
                self.add(close(v, b[key]), "budget_amount", f.short(), f"{col} {num_text(b[key])}", "budget_row")
        for col, key in (("执行率", "execution_rate"), ("到位率", "arrival_rate")):
            v = percent_of(f.extra.get(col, ""))
            if v is not None and b.get(key) is not None:
                self.add(close(v, b[key], f.extra[col], 100), "budget_rate", f.short(), f"{col} {b[key]:.2%}", "budget_row")

    # 一级指标 subtotals, counts ---------------------------------------------------------------

    def _level1_rows(self, name: str, t: Truth) -> list[dict[str, Any]]:
        return [r for r in t.rows() if norm(r["level1"]).startswith(norm(name)) or norm(name).startswith(norm(r["level1"]) or "\0")]

    def check_level1(self, f: Fact) -> None:
        t = self.truth
        rows = [r for r in self._level1_rows(f.subject, t) if r.get("direction") != "不适用"]
        if not rows:
            lv = next((x for x in t.ev.get("level1") or [] if norm(x["name"]) == norm(f.subject)), None)
            self.add(False, "level1_differs_from_table" if lv else "level1_subtotal", f.short(), f"绩效指标表中没有一级指标“{f.subject}”的行", "level1")
            return
        weight = round(sum(r["weight"] or 0 for r in rows), 2)
        score = round(sum(r["score"] or 0 for r in rows if not r["pending"]), 2)
        met = sum(1 for r in rows if not r["pending"] and r["score"] is not None and r["weight"] is not None and r["score"] >= r["weight"] - 0.005)
        what = f"{f.subject}共{len(rows)}项、满分{num_text(weight)}分、得{num_text(score)}分、达到{met}项"
        stated_w = f.extra.get("weight")
        if stated_w is not None and not close(stated_w, weight):
            lv = next((x for x in t.ev.get("level1") or [] if norm(x["name"]) == norm(f.subject)), None)
            if lv is not None and close(stated_w, lv["weight"]):
                # the report follows the evaluation's grouping (a row moved to another 一级指标) while the
                # annex table shows the rows as typed: the reader sees two different subtotals
                self.add(False, "level1_differs_from_table", f.short(), what + f"（评价结果按 {f.subject} 满分{num_text(lv['weight'])}分 计）", "level1")
                return
        if f.extra.get("count") is not None:
            self.add(f.extra["count"] == len(rows), "level1_count", f.short(), what, "level1")
        if f.extra.get("weight") is not None:
            self.add(close(f.extra["weight"], weight), "level1_weight", f.short(), what, "level1")
        if f.value is not None:
            self.add(close(f.value, score), "level1_score", f.short(), what, "level1")
        status = f.extra.get("status", "")
        if status in ("全部完成", "已完成"):
            self.add(met == len(rows), "level1_met", f.short(), what, "level1")
        elif f.extra.get("met") is not None:
            self.add(f.extra["met"] == met, "level1_met", f.short(), what, "level1")
        elif status.startswith("均未"):
            self.add(met == 0, "level1_met", f.short(), what, "level1")
        if status.startswith("均") or status.startswith("全部"):
            self.add(f.extra.get("count") != 1, "wording_one_item", f.short(), "“1项”不能说“均/全部”", "level1")

    def _count_truths(self, t: Truth) -> tuple[int, int]:
        rows = t.rows()
        return len(rows), len([r for r in rows if not BUDGET_ROW.search(r["level3"] or "")])

    def check_count(self, f: Fact) -> None:
        n_all, n_plain = self._count_truths(self.truth)
        if f.value == n_all:
            self.add(True, "count_value", f.short(), check="count")
        elif f.value == n_plain:
            self.add(False, "count_excludes_budget_row", f.short(), f"绩效指标表共 {n_all} 个三级指标（含预算执行率行）", "count")
        else:
            self.add(False, "count_value", f.short(), f"绩效指标表共 {n_all} 个三级指标", "count")

    def check_met_count(self, f: Fact) -> None:
        rows = self.truth.rows()
        met = lambda rs: sum(1 for r in rs if not r["pending"] and r["score"] is not None and r["weight"] is not None and r["score"] >= r["weight"] - 0.005)  # noqa: E731
        a, b = met(rows), met([r for r in rows if not BUDGET_ROW.search(r["level3"] or "")])
        self.add(f.value in (a, b), "met_count", f.short(), f"达到年度指标值 {a} 项（不计预算执行率行 {b} 项）", "met_count")

    def check_counts_agree(self) -> None:
        counts = [f for f in self.facts if f.kind == "count"]
        if len(counts) > 1:
            values = {f.value for f in counts}
            self.add(len(values) == 1, "count_inconsistent", " / ".join(f.short() for f in counts), "三级指标个数前后一致", "count")

    # indicator rows ---------------------------------------------------------------------------

    def find_row(self, name: str, t: Truth) -> dict[str, Any] | None:
        k = name_key(name)
        if not k:
            return None
        rows = t.rows()
        for r in rows:
            if name_key(r["level3"]) == k:
                return r
        cands = [r for r in rows if name_key(r["level3"]) and (k.endswith(name_key(r["level3"])) or name_key(r["level3"]).startswith(k))]
        return cands[0] if len(cands) == 1 else None

    def _any_of_same_name(self, f: Fact, check, t: Truth | None = None) -> bool:
        """A sentence naming an indicator that several rows of ``t`` carry: it is right when it
        states one of them (which one a sentence means is not certain); the table rows are matched
        by position."""
        same = self._same_name(f.subject, t or self.truth)
        if len(same) < 2:
            return False
        best: list[Result] | None = None
        for r in same:
            saved, self.results = self.results, []
            check(f, r)
            got, self.results = self.results, saved
            if best is None or (all(x.ok for x in got) and not all(x.ok for x in best)):
                best = got
        self.results += best or []
        return True

    def check_row(self, f: Fact, t: Truth | None = None) -> None:
        """``t``: the truth the row belongs to (a project's own, in a department report's paragraph
        on that project); the evaluation's otherwise."""
        t = t or self.truth
        if self._any_of_same_name(f, self._check_row, t):
            return
        self._check_row(f, self.find_row(f.subject, t))

    def _check_row(self, f: Fact, r: dict[str, Any] | None) -> None:
        self.add(r is not None, "row_unmatched", f.short(), f"找不到三级指标“{f.subject}”", "row")
        if r is None:
            return
        x = f.extra
        if f.value == "待定":
            self.add(bool(r["pending"]), "row_score", f.short(), f"得分 {r['score']}", "row")
        elif isinstance(f.value, float):
            self.add(not r["pending"] and close(f.value, r["score"]), "row_score", f.short(), f"得分 {r['score']}（满分 {r['weight']}）", "row")
        if x.get("weight") is not None:
            self.add(close(x["weight"], r["weight"]), "row_weight", f.short(), f"分值 {r['weight']}", "row")
        if x.get("actual"):
            if re.match(r"^值?未填写", x["actual"]):
                self.add(not str(r["actual"] or "").strip(), "row_actual", f.short(), f"实际完成值 {r['actual']}", "row")
            else:
                self.add(same_value(x["actual"], r["actual"]), "row_actual", f.short(), f"实际完成值 {r['actual']}", "row")
        if x.get("target"):
            self.add(same_value(x["target"], r["target"]), "row_target", f.short(), f"年度指标值 {r['target']}", "row")
            self._unit(x["target"], r, f.short())
        if x.get("completion") is not None and r.get("completion") is not None:
            self.add(close(x["completion"], r["completion"], "0.01", 1), "row_completion", f.short(), f"完成率 {r['completion']:.2%}", "row")
        if isinstance(f.value, float) and r.get("completion") is not None:
            self._completion_vs_score(r, r["completion"], f.value, f.short())

    def check_target_listing(self, f: Fact) -> None:
        if self._any_of_same_name(f, self._check_target_listing):
            return
        self._check_target_listing(f, self.find_row(f.subject, self.truth))

    def _check_target_listing(self, f: Fact, r: dict[str, Any] | None) -> None:
        if r is None:
            return
        self.add(same_value(f.value, r["target"]), "row_target", f.short(), f"{r['level3']} 年度指标值 {r['target']}", "target_listing")
        self._unit(f.value, r, f.short())

    def _unit(self, shown: str, r: dict[str, Any], sentence: str) -> None:
        """A number printed without the unit its row carries (the target's, or the actual's when
        the target was typed bare: 95 against 95% means 95%)."""
        shown_n = norm(shown)
        if not re.fullmatch(r"[≥≤><=]?-?\d+(\.\d+)?", shown_n):
            return
        t_unit = unit_of(r["target"])
        a_unit = unit_of(r["actual"])
        self.add(not t_unit, "unit_dropped", sentence, f"年度指标值 {r['target']}", "unit")
        if not t_unit and r.get("direction") != "时效":
            self.add(not a_unit, "unit_bare_target", sentence, f"年度指标值 {r['target']}，实际完成值 {r['actual']}（单位 {a_unit}）", "unit")

    def _completion_vs_score(self, r: dict[str, Any], completion: float, score: float, sentence: str, explained: bool = False) -> None:
        """``explained``: the row itself states why (an annex row's 偏差原因 cell, typed by the unit)."""
        w = r.get("weight") or 0
        if not w or r.get("direction") == "≤" or explained:
            return
        ok = not (completion >= 0.8 and score < 0.6 * w - 0.005)
        self.add(ok, "completion_contradicts_score", sentence, f"完成率 {completion:.2%} 却得 {num_text(score)} 分（满分 {num_text(w)}），报告未说明", "completion_vs_score")

    def _same_name(self, name: str, t: Truth) -> list[dict[str, Any]]:
        k = name_key(name)
        same = [r for r in t.rows() if k and name_key(r["level3"]) == k]
        if not same and k:  # 二是医疗保险应保尽保率: the name at the end of a clause, as find_row reads it
            near = [r for r in t.rows() if name_key(r["level3"]) and (k.endswith(name_key(r["level3"])) or name_key(r["level3"]).startswith(k))]
            if len({name_key(r["level3"]) for r in near}) == 1:
                same = near
        return same

    def _nth_row(self, f: Fact, t: Truth) -> Any:
        """A table row whose 三级指标 name more than one row carries: the row at the same position
        among them (the k-th such table row of its table is the k-th such indicator)."""
        same = self._same_name(f.subject, t)
        if len(same) < 2:
            return self.find_row(f.subject, t)
        for col in ("level2", "level1"):  # the row's own 二级/一级 cell, when the table has one, decides
            shown = norm(f.extra.get(col, ""))
            narrowed = [r for r in same if shown and norm(r[col]) == shown]
            if narrowed:
                same = narrowed
        if len(same) == 1:
            return same[0]
        k = name_key(f.subject)
        here = [i for i, g in enumerate(self.facts) if g.kind == "cell_row" and g.block == f.block and name_key(g.subject) == k]
        nth = next((n for n, i in enumerate(here) if self.facts[i] is f), 0)
        return same[nth] if len(here) == len(same) else ...  # which one is not certain: not checked

    def check_xlsx_rows(self) -> None:
        # a form may carry the budget as a 预算执行率 row of its table (山西) when the workbook scores it
        # in 预算执行: that row is checked as a budget row, not listed here
        names = [name_key(f.subject) for f in self.facts if f.kind == "cell_row" and not BUDGET_ROW.search(f.subject)]
        want = [name_key(r["level3"]) for r in self.truth.rows() if r.get("direction") != "不适用" and not BUDGET_ROW.search(r["level3"] or "")]
        self.add(names == want, "xlsx_form_rows", "自评表的三级指标：" + "、".join(names)[:150], "评价结果的三级指标：" + "、".join(want)[:150], "xlsx_rows")
        self.add(any(f.kind == "cell_total" for f in self.facts), "xlsx_form_rows", "自评表的合计行", "自评表应有合计行（总分与等级）", "xlsx_rows")

    def check_cell_row(self, f: Fact) -> None:
        t = self.truth_for(f)
        r = self._nth_row(f, t)
        if r is ...:
            return
        if not BUDGET_ROW.search(f.subject):
            self.add(r is not None, "row_unmatched", f.short(), f"找不到三级指标“{f.subject}”", "cell_row")
        if r is None:
            return
        x = f.extra
        score = to_float(x.get("score", ""))
        if r["pending"]:
            self.add(score is None, "draft_row_score_shown", f.short(), "得分待定", "cell_row")
        elif x.get("score", "") != "":
            self.add(score is not None and close(score, r["score"]), "row_score", f.short(), f"得分 {r['score']}", "cell_row")
        w = to_float(x.get("weight", ""))
        if w is not None:
            self.add(close(w, r["weight"]), "row_weight", f.short(), f"分值 {r['weight']}", "cell_row")
        if x.get("target"):
            self.add(same_value(x["target"] + (x.get("unit") or ""), r["target"]) or same_value(x["target"], r["target"]), "row_target", f.short(), f"年度指标值 {r['target']}", "cell_row")
        if x.get("actual"):
            self.add(same_value(x["actual"], r["actual"]) or same_value(x["actual"] + (x.get("unit") or ""), r["actual"]), "row_actual", f.short(), f"实际完成值 {r['actual']}", "cell_row")
        c = percent_of(x.get("completion", ""))
        if c is not None:
            if r.get("completion") is not None:
                self.add(close(c, r["completion"], x["completion"], 100), "row_completion", f.short(), f"完成率 {r['completion']:.2%}", "cell_row")
            met = not r["pending"] and r["score"] is not None and r["score"] >= (r["weight"] or 0) - 0.005
            if r.get("direction") in ("≤", "时效") and met:
                self.add(c >= 1 - 1e-9, "met_row_completion_below_100", f.short(), f"{r['direction']} 行已达成（得满分），完成率却不足100%", "cell_row")
            if score is not None:
                self._completion_vs_score(r, c, score, f.short(), explained=bool(str(x.get("reason") or "").strip()))

    # funding sources and 基础数据 -----------------------------------------------------------------

    def _typed(self, sentence: str) -> bool:
        """The sentence is (inside) text the user typed: its numbers are the user's, not the report's."""
        key = re.sub(r"[\W_]+", "", norm(sentence))
        return len(key) >= 6 and any(key in re.sub(r"[\W_]+", "", norm(v)) for v in self.truth.info.values())

    def check_sources(self) -> None:
        t = self.truth
        b = t.ev["budget"]
        for f in source_facts(self.doc):
            if self._typed(f.sentence) or self._annex_of.get(f.block):
                continue
            if f.kind == "approved_amount":
                if b.get("full_year") is not None:
                    self.add(close(f.value, b["full_year"]) and f.unit == b["unit"], "approved_amount", f.short(), f"全年预算数 {num_text(b['full_year'])}{b['unit']}", "sources")
                continue
            src = t.sources.get(f.subject)
            if src is None:  # not a source row name: its subject is not certain
                continue
            if f.kind == "source_amount":
                self.add(src["full_year"] is not None and close(f.value, src["full_year"]) and f.unit == b["unit"], "source_amount", f.short(), f"其中：{f.subject} 全年预算数 {src['full_year']}{b['unit']}", "sources")
            elif f.kind == "source_all":
                others = [k for k, v in t.sources.items() if k in SOURCE_LEVELS and k != f.subject and (v["full_year"] or 0) > 1e-9]
                ok = src["full_year"] is not None and b.get("full_year") is not None and close(src["full_year"], b["full_year"]) and not others
                self.add(ok, "source_amount", f.short(), f"其中：{f.subject} {src['full_year']}，全年预算数 {b.get('full_year')}，其他来源 {'、'.join(others) or '无'}", "sources")

        for f in matrix_source_facts(self.doc) + budget_table_source_facts(self.doc):
            if self._annex_of.get(f.block):  # a project's table in a department report
                continue
            src = t.sources.get(f.subject)
            if src is None:
                continue
            truth = src.get(f.extra["amount"])
            if f.subject == "其他资金" and f.extra.get("carry_in_other"):  # 陕西: 其他资金 holds 上年结转资金
                parts = [v.get(f.extra["amount"]) for k, v in t.sources.items() if k in ("其他资金", "上年结转资金")]
                truth = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
            shown = to_float(f.value)
            if shown is None and not f.value:  # a blank cell: blank on the sheet (or nothing there)
                self.add(truth is None or abs(truth) < 1e-9, "source_amount", f.short(), f"{f.subject} {f.extra['amount']} {truth}", "sources")
            elif shown is not None:
                self.add(truth is not None and close(shown, truth), "source_amount", f.short(), f"{f.subject} {f.extra['amount']} {truth}", "sources")

    def check_basic(self) -> None:
        from xlperf.core.basicdata import label_key

        basic = self.truth.basic_read
        if not basic:
            return
        val = lambda k, w="actual": (basic.get(k) or {}).get(w)  # noqa: E731
        for f in basic_facts(self.doc) + money_facts(self.doc):
            if self._typed(f.sentence) or self._annex_of.get(f.block):
                continue
            if f.kind == "basic":
                truth = val(f.subject)
                unit = (basic.get(f.subject) or {}).get("unit") or ""
                self.add(truth is not None and close(f.value, truth) and (not unit or not f.unit or f.unit == unit), "basic_value", f.short(), f"基础数据 {f.subject} 本年实际数 {truth}{unit}", "basic")
            elif f.kind == "basic_cell":
                key, _unit = label_key(f.subject)
                if key is None or key not in basic:
                    continue
                for which, shown in f.extra.items():
                    v = to_float(shown)
                    truth = val(key, which)
                    if v is None and not shown:
                        self.add(truth is None, "basic_value", f.short(), f"基础数据 {f.subject} {which} {truth}", "basic")
                    elif v is not None:
                        self.add(truth is not None and close(v, truth), "basic_value", f.short(), f"基础数据 {f.subject} {which} {truth}", "basic")
            elif f.kind == "basic_gap":
                q, a = val("staff_quota"), val("staff_actual")
                if q is not None and a is not None:
                    self.add(close(f.value, a - q), "basic_change", f.short(), f"实有{num_text(a)}人 − 编制{num_text(q)}人 = {num_text(a - q)}", "basic")
            elif f.kind == "basic_change":
                now, before = val(f.subject), val(f.subject, "prior")
                if now is None or before is None:
                    self.add(False, "basic_change", f.short(), f"基础数据 {f.subject} 本年实际数 {now}、上年数 {before}：无法比较", "basic")
                    continue
                diff = now - before
                ok = close(f.extra["change"], diff)
                rate = f.extra.get("change_rate")
                if rate is not None:
                    ok = ok and abs(before) > 1e-9 and close(rate, diff / before, "0.01", 100)
                self.add(ok, "basic_change", f.short(), f"比上年 {num_text(diff)}（{diff / before:.2%}）" if abs(before) > 1e-9 else f"比上年 {num_text(diff)}", "basic")
            elif f.kind == "basic_share":
                part, whole = val(f.subject), val(f.extra["of"])
                ok = part is not None and bool(whole) and close(f.value, part / whole, "0.01", 100)
                self.add(ok, "basic_change", f.short(), f"{f.subject} {part} / {f.extra['of']} {whole}" + (f" = {part / whole:.2%}" if part is not None and whole else ""), "basic")
            elif f.kind == "basic_ratio":
                now, budget = val(f.subject), val(f.subject, "budget")
                ok = now is not None and bool(budget) and close(f.extra["budget"], budget) and close(f.value, now / budget, "0.01", 100)
                self.add(ok, "basic_change", f.short(), f"{f.subject} 本年实际数 {now} / 本年预算数 {budget}" + (f" = {now / budget:.2%}" if now is not None and budget else ""), "basic")
            elif f.kind == "basic_budget":
                now, budget = val(f.subject), val(f.subject, "budget")
                ok = budget is not None and close(f.value, budget) and now is not None and (now <= budget + 1e-9) == f.extra["within"]
                self.add(ok, "basic_change", f.short(), f"本年预算数 {budget}，本年实际数 {now}", "basic")

    # placeholders -----------------------------------------------------------------------------

    def check_placeholder(self, f: Fact) -> None:
        text = f.subject
        m = re.search(r"新增“([^”]+)”(?:工作)?表", text)
        if m:  # a request to add a sheet is true only when the workbook lacks it
            sheet = m.group(1)
            self.add(sheet not in self.truth.sheets, "placeholder_missing_sheet", f.short(), f"工作簿已有“{sheet}”工作表，不应要求新增", "placeholder")
            return
        m = re.search(r"“([^”]+)”(?:工作)?表", text)
        if m:
            sheet = m.group(1)
            self.add(sheet in self.truth.sheets, "placeholder_missing_sheet", f.short(), f"工作簿中的工作表：{'、'.join(self.truth.sheets)}", "placeholder")
            col = re.search(r"”(?:工作)?表的(.+?)(?:中|栏|列)", text)
            if col and sheet in self.truth.sheets:
                have = self.truth.headers.get(sheet, set())
                self.add(col.group(1) in have, "placeholder_missing_column", f.short(), f"“{sheet}”表的表头：{'、'.join(sorted(have))[:120]}", "placeholder")
            return
        m = re.search(r"请在项目信息中填写(.+)$", text)
        if m:
            want = m.group(1)
            labels = list(self.truth.info)
            known = [lb for lb in labels if lb == want] or [lb for lb in labels if lb and want in lb] or sorted((lb for lb in labels if lb and lb in want), key=len)[-1:]
            self.add(bool(known) and "项目信息" in self.truth.sheets, "placeholder_unknown_field", f.short(), f"项目信息中没有“{want}”一栏", "placeholder")
            filled = [lb for lb in known if self.truth.info.get(lb, "").strip()]
            self.add(not filled, "placeholder_filled_field", f.short(), f"项目信息“{'、'.join(filled)}”已填写：{self.truth.info.get(filled[0], '')[:30] if filled else ''}", "placeholder")

    # structure --------------------------------------------------------------------------------

    def check_repeats(self) -> None:
        paras = []
        for b in self.doc.blocks:
            if b.kind != "p":
                continue
            if b.text.startswith("待完善事项"):
                break
            if b.heading or "【" in b.text:
                continue
            body = re.sub(r"^[^：:。，]{1,16}[：:]", "", b.text)  # 项目实施计划：… is the same text as …
            key = re.sub(r"[\W_]+", "", body)
            if len(key) >= 20:
                paras.append((key, b.text))
        seen: Counter[str] = Counter(k for k, _ in paras)
        reported = set()
        for key, text in paras:
            if key in reported:
                continue
            typed = sum(1 for v in self.truth.info.values() if re.sub(r"[\W_]+", "", norm(v)) == key)
            reported.add(key)
            self.add(seen[key] <= max(1, typed), "repeated_paragraph", text[:120], f"同一段文字出现 {seen[key]} 次", "repeats")

    # what a unit typed and every report of its style should carry
    NARRATIVE_FIELDS = (
        "项目名称", "主管部门", "实施单位", "年度总体目标", "年度总体目标完成情况", "项目概况", "主管部门职能", "立项依据", "资金管理办法",
        "资金分配原则", "资金批复文号", "实施及管理情况", "财务管理情况", "主要经验做法", "存在问题", "改进措施", "自评步骤及方法",
        "项目负责人", "联系人", "联系电话",
    )
    PERSONAL = ("项目负责人", "联系人", "联系电话")
    # The styles whose reference report names the people: only 子洲's cover (评价工作组负责人, 联系人,
    # 联系电话). The 临汾, 盐边 and 浏阳 references name no one and give no phone number, in the body
    # or elsewhere, so a report of those styles that leaves them out is faithful, not short.
    PERSONAL_STYLES = ("陕西",)

    def check_info_fields(self) -> None:
        text = norm(self.doc.all_text())
        text_loose = re.sub(r"[\W_]+", "", text)
        for label in self.NARRATIVE_FIELDS:
            value = self.truth.info.get(label, "").strip()
            if not value or value in ("无", "/", "-", "—"):
                continue
            if label in self.PERSONAL and (self.public or self.style not in self.PERSONAL_STYLES):
                continue
            parts = [p for p in re.split(r"[。；;\n]", value) if len(re.sub(r"[\W_]+", "", p)) >= 4] or [value]
            missing = [p for p in parts if re.sub(r"[\W_]+", "", norm(p)) not in text_loose]
            self.add(not missing, "info_field_missing", f"项目信息“{label}”：{value[:50]}", "报告中找不到：" + (missing[0][:40] if missing else ""), "info_fields")

    # 湖南 部门整体: the opening, 附件1's rates, the 功能科目 ----------------------------------------

    def check_preamble(self) -> None:
        """The paragraph before 一、 cites exactly the documents of 评价依据文件 (none when it is empty)."""
        first = next((i for i, b in enumerate(self.doc.blocks) if b.kind == "p" and b.text.startswith("一、")), None)
        if first is None:
            return
        opening = " ".join(b.text for b in self.doc.blocks[:first] if b.kind == "p" and "报告如下" in b.text)
        listed = [d.strip() for d in re.split(r"[\n；;]+", self.truth.info.get("评价依据文件", "")) if d.strip()]
        numbers = set(re.findall(r"[（(]([^（）()]*?〔\d{4}〕\d+号)[）)]", opening))
        listed_numbers = {n for d in listed for n in re.findall(r"[（(]([^（）()]*?〔\d{4}〕\d+号)[）)]", d)}
        self.add(bool(opening), "preamble_document", "（开头段）", "“一、”之前应有“……报告如下：”的开头段", "preamble")
        self.add(numbers <= listed_numbers, "preamble_document", opening[:100], f"评价依据文件未列：{'、'.join(sorted(numbers - listed_numbers))}", "preamble")
        gone = [d for d in listed if norm(d) not in norm(opening)]
        self.add(not gone, "preamble_document", opening[:100], f"评价依据文件所列未引用：{gone[:1]}", "preamble")

    # (rate label, (numerator row, column), (denominator row, column)): the 湖南 部门整体支出 indicators
    RATES = {
        "财政供养人员控制率": (("实有人数", "本年实际数"), ("编制数", "本年实际数")),
        "“三公”经费控制率": (("三公经费合计", "本年实际数"), ("三公经费合计", "本年预算数")),
        "公用经费控制率": (("公用经费", "本年实际数"), ("公用经费", "本年预算数")),
        "政府采购执行率": (("政府采购金额", "本年实际数"), ("政府采购金额", "本年预算数")),
    }

    def check_basic_rates(self) -> None:
        b = self.truth.basic
        shown: dict[str, str] = {}
        for t in self.doc.tables:
            if not t.rows or "本年实际数" not in t.rows[0]:
                continue
            col = t.rows[0].index("本年实际数")
            for r in t.rows[1:]:
                if r and r[0].strip() in self.RATES and col < len(r):
                    shown[r[0].strip()] = r[col]
        for label, ((nk, nc), (dk, dc)) in self.RATES.items():
            num, den = b.get(nk, {}).get(nc), b.get(dk, {}).get(dc)
            if label in shown:
                stated = percent_of(shown[label])
                ok = bool(den) and num is not None and stated is not None and close(100 * stated, 100 * num / den, shown[label].rstrip("%"))
                self.add(ok, "basic_rate", f"{label} {shown[label]}", f"{nk}{num}÷{dk}{den}", "basic_rate")
            elif b and num is not None and den:  # figures the sheet has: the annex shows the rate
                self.add(False, "basic_rate", f"附件1缺少{label}", f"{nk}{num}÷{dk}{den}", "basic_rate")

    def _function_items(self) -> list[tuple[str, float | None, float | None]]:
        """The 功能科目 items: rows with an amount whose code does not head another row's code."""
        rows = [r for r in self.truth.functions if r[2] is not None or r[3] is not None]
        rows = [r for r in rows if norm(r[1]) not in ("合计", "总计")]
        codes = [r[0] for r in rows if r[0]]
        return [(r[1] or r[0], r[2], r[3]) for r in rows if not r[0] or not any(c != r[0] and c.startswith(r[0]) for c in codes)]

    def check_functions(self) -> None:
        items = self._function_items()
        text = [b.text.strip() for b in self.doc.paragraphs]
        for which, col, key in (("基本支出", 1, "其中：基本支出"), ("项目支出", 2, "其中：项目支出")):
            values = [(name, v[col - 1]) for name, *v in items if v[col - 1] is not None]
            head = f"{which}按支出功能分类科目"
            para = next((p for p in text if p.startswith(head) and p != head), None)  # the prose, not its heading
            if not values:
                self.add(para is None, "function_amount", para or "", f"“功能科目”表没有{which}", "functions")
                continue
            truth_total = sum(v for _, v in values)
            if para is None:
                self.add(False, "function_amount", f"报告没有{which}按功能科目的支出", f"合计{num_text(truth_total)}", "functions")
                continue
            by_name: dict[str, float] = {}
            for name, v in values:
                by_name[norm(name)] = by_name.get(norm(name), 0.0) + v
            body = para.split("：", 1)[1] if "：" in para else para
            for m in re.finditer(r"([^；：。]+?)为?(-?\d+(?:\.\d+)?)万元", body.split("【", 1)[0]):
                name, amount = m.group(1).strip(), float(m.group(2))
                if name.startswith("以上合计") or name.endswith("合计"):
                    self.add(close(amount, truth_total, m.group(2)), "function_amount", m.group(0), f"合计{num_text(truth_total)}", "functions")
                    continue
                self.add(norm(name) in by_name and close(amount, by_name[norm(name)], m.group(2)), "function_amount", m.group(0), f"表中{name}：{by_name.get(norm(name))}", "functions")
            whole = self.truth.basic.get("".join(key.split()), {}).get("本年实际数")
            if whole is not None and abs(whole - truth_total) > 0.005:
                said = "【" in para and num_text(round(whole, 2)) in para.replace(",", "")
                self.add(said, "function_mismatch_unsaid", para[:100], f"{which}{whole}≠各科目合计{num_text(truth_total)}", "functions")

    def check_masked(self) -> None:
        text = self.doc.all_text()
        names = [self.truth.info.get(k, "") for k in ("项目负责人", "联系人")] + self.truth.team
        for name in names:
            name = name.strip()
            if len(name) >= 2:
                self.add(name not in text, "public_name_unmasked", f"公示版中出现姓名“{name}”", "公示版应遮盖姓名", "public")
        phone = re.sub(r"\D", "", self.truth.info.get("联系电话", ""))
        if len(phone) >= 7:
            self.add(phone not in re.sub(r"\D", "", text), "public_phone_unmasked", f"公示版中出现电话“{phone}”", "公示版应遮盖电话号码", "public")


# values: the same number and unit, whatever the spelling --------------------------------------

_UNIT = re.compile(r"-?\d+(?:\.\d+)?\s*([^\d\s≥≤><=.,，。]+)")


def unit_of(value: Any) -> str:
    s = norm(value)
    m = _UNIT.search(s)
    return m.group(1) if m and re.search(r"\d", s) else ""


def same_value(shown: str, truth: Any) -> bool:
    """``shown`` states the value ``truth``: equal once spaces, quotes and full-width forms are
    normalised, or without the leading operator (a sentence may spell it in words: 控制在40万元以内,
    未超过100%), or the same numbers with one side bare (95 and 95%: the unit is checked apart)."""
    a, b = norm(shown), norm(truth)
    if a == b:
        return True
    if re.sub(r"^[≥≤><=]", "", a) == re.sub(r"^[≥≤><=]", "", b):
        return True
    na, nb = re.findall(r"-?\d+(?:\.\d+)?", a), re.findall(r"-?\d+(?:\.\d+)?", b)
    if na and na == nb:
        # same numbers; units equal or one side bare
        ua, ub = unit_of(a), unit_of(b)
        return ua == ub or not ua or not ub
    if na and nb and len(na) == len(nb) and all(abs(float(x) - float(y)) < 1e-9 for x, y in zip(na, nb)):
        return True
    return False


def check_report(doc: Document, truth: Truth, *, style: str = "", public: bool = False) -> list[Result]:
    return Checker(doc, truth, style=style, public=public).run()
