"""The table a report is compared with: a table file given beside it (any file the one loader
reads: our workbook, a unit's .xlsx/.xls/.ods form, a Word annex), else the report's own annex
table (the form reader over the report). Both read and scored by the same code as ``check``.

Also where a value sits in it, named as a reader finds it: ``自评表!F12`` in a workbook,
``表4 第5行第7列`` in a Word document (its Nth table).
"""

from __future__ import annotations

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


def annex_of_report(report: Path, title: str = "") -> tuple[TableSource | None, list[str]]:
    """The report's own annex form, and the project names of its other forms (a 部门整体 report
    carries one per project). None when the report holds no readable form.

    Several forms: the one whose project name the report's title names, else the first (the
    department's own table comes before the projects' in a 部门整体 report)."""
    from xlperf.core.scoring import evaluate
    from xlperf.forms.choose import find_forms

    try:
        forms = [f for f in find_forms(report) if f.evaluation is not None]
    except InputError:
        return None, []
    if not forms:
        return None, []
    chosen = next((f for f in forms if f.evaluation.info.name.strip() and f.evaluation.info.name.strip() in title), forms[0])
    others = [f.evaluation.info.name.strip() for f in forms if f is not chosen and f.evaluation.info.name.strip()]
    ev = evaluate(chosen.evaluation)
    return TableSource(path=report, annex=True, name=chosen.table.name, evaluation=ev), others


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
