"""The table a report is compared with: a table file given beside it (any file the one loader
reads: our workbook, a unit's .xlsx/.xls/.ods form, a Word annex), else the report's own annex
table (the form reader over the report). Both read and scored by the same code as ``check``.

Also where a value sits in it, named as a reader finds it: ``自评表!F12`` in a workbook,
``表4 第5行第7列`` in a Word document (its Nth table).
"""

from __future__ import annotations

import re
from pathlib import Path

from xlperf.core.errors import InputError
from xlperf.core.models import Evaluation
from xlperf.core import layout
from xlperf.core.refs import cell_ref, col_letter
from xlperf.review.model import TableSource

WORD_SUFFIXES = (".docx", ".docm")


def table_of_file(path: Path, table: int | None = None) -> TableSource:
    """The table file given beside the report. Errors (missing, unreadable…) reach the user."""
    from xlperf.workbook.load import load

    book = load(path, table)
    name = book.table.name if book.table is not None else book.input.indicator_sheet
    return TableSource(path=path, annex=False, name=name, evaluation=book.evaluation)


def annex_of_report(report: Path, title: str = "") -> tuple[TableSource | None, list[str], str]:
    """The report's own annex form, the project names of its other forms (a 部门整体 report
    carries one per project), and why none could be used ("" when the report has no form at
    all). The source is None when the report holds no readable form.

    Several forms: the one whose project name the report's title names, else the first (the
    department's own table comes before the projects' in a 部门整体 report)."""
    from xlperf.core.scoring import evaluate
    from xlperf.forms.choose import find_forms

    try:
        found = find_forms(report)
    except InputError as exc:
        return None, [], exc.message
    forms = [f for f in found if f.evaluation is not None]
    if not forms:
        why = "；".join(f"{f.table.name}：{f.error}" for f in found if f.error)
        return None, [], why
    chosen = _which(forms, title)
    if chosen is None:
        names = "、".join(f"{f.table.name}“{form_name(f)}”" if form_name(f) else f.table.name for f in forms)
        return None, [], f"报告中有 {len(forms)} 张不同项目的自评表（{names}），无法确定正文说的是哪一张"
    others = [form_name(f) for f in forms if f is not chosen and form_name(f)]
    ev = evaluate(chosen.evaluation)
    return TableSource(path=report, annex=True, name=chosen.table.name, evaluation=ev), others, ""


def other_projects(report: Path, src: TableSource) -> list[str]:
    """The projects of the report's annex forms other than the table file's own (a 部门整体 report
    given its department workbook still carries each project's form and result paragraph)."""
    from xlperf.forms.choose import find_forms

    own = src.evaluation.input.info.name.strip() if src.evaluation is not None else ""
    try:
        found = find_forms(report)
    except InputError:
        return []
    return [n for f in found if f.evaluation is not None and (n := form_name(f)) and n != own]


def form_name(f) -> str:  # noqa: ANN001 - a forms.choose.FoundForm
    """The project a form is of: its 项目名称, else what its caption names (项目支出绩效自评表：X)."""
    name = f.evaluation.info.name.strip() if f.evaluation is not None else ""
    if not name and "：" in f.table.caption:
        name = f.table.caption.split("：", 1)[1].strip()
    return name


def _which(forms: list, title: str):  # noqa: ANN001, ANN202
    """The form the report's prose is about: the only one; the one the title names; a department's
    own table in a 部门整体 report (its projects' tables follow it); the first when every form is of
    the same project. None when the forms are of several projects and nothing tells which."""
    from xlperf.core.enums import EvaluationType

    if len(forms) == 1:
        return forms[0]
    # a report that quotes its annex piece by piece (山西: the 预算执行/产出/效益/满意度 tables of
    # 二、) before the annex itself: the one table holding every other's rows is the annex
    rows = [{re.sub(r"\s+", "", i.level3) for i in f.evaluation.indicators if i.level3.strip()} for f in forms]
    whole = max(range(len(forms)), key=lambda k: len(rows[k]))
    if rows[whole] and all(r <= rows[whole] for r in rows):
        return forms[whole]
    named = [f for f in forms if form_name(f) and form_name(f) in title]
    if len(named) == 1:
        return named[0]
    if "部门整体" in title:
        dept = [f for f in forms if f.evaluation.info.evaluation_type == EvaluationType.DEPARTMENT]
        if dept:
            return dept[0]
    if len({form_name(f) for f in forms}) == 1:
        return forms[0]
    return None


def cell_name(src: TableSource, sheet: str, row: int | None, col: int | None) -> str:
    """Where (row, col) of ``sheet`` is, as its reader finds it; "" when the row is unknown."""
    if row is None:
        return ""
    if src.path.suffix.lower() in WORD_SUFFIXES:
        return f"{sheet} 第{row}行" + (f"第{col}列" if col else "")
    return f"{sheet}!{col_letter(col)}{row}" if col else f"{sheet}!{row}:{row}"


def total_cell(src: TableSource, ev: Evaluation) -> str:
    """The table's 总分 cell (its score column in the 总分/合计 row), or "" when it has none."""
    inp = ev.input
    if inp.declared_total_row is None:
        if inp.reading is None and not src.path.suffix.lower() in WORD_SUFFIXES:  # our template: its summary block's 得分 · 合计 cell
            return f"{inp.indicator_sheet}!{cell_ref(layout.SUMMARY_TOP_ROW + 1 + layout.SUMMARY_LABELS.index(layout.H_SCORE), layout.SUMMARY_FIRST_COL + 1)}"
        return ""
    cols = inp.indicator_columns
    col = cols.get("得分") or cols.get("人工得分") or cols.get("计算得分")
    return cell_name(src, inp.indicator_sheet, inp.declared_total_row, col)


def budget_cell(src: TableSource, ev: Evaluation, header: str) -> str:
    """The cell of the 年度资金总额 row under ``header`` (全年预算数, 执行率 …)."""
    b = ev.input.budget
    total = b.total
    if total is None:
        return ""
    return cell_name(src, b.sheet, total.row, b.columns.get(header))
