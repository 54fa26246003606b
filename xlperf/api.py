"""The functions every front end calls (the CLI, the Excel button's helpers, scripts): check, calc,
new, report, batch, and the documented JSON of an evaluation. No printing here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlperf.core import layout
from xlperf.core.errors import InputError, OutputError
from xlperf.core.models import Evaluation


def check_file(path: str | Path, table: int | None = None) -> Evaluation:
    """Read and score a workbook, or a form a unit already holds, without writing anything."""
    from xlperf.forms.choose import foreign_forms, needs_form_reader
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.recalc import load_form, recalculate, require_file

    p = Path(path)
    if needs_form_reader(p):
        return load_form(p, table)[0]
    require_file(p)
    book = FileBook(p)
    names = book.sheet_names()
    if foreign_forms(names, {n: book.read(n) for n in names}):
        return load_form(p, table)[0]
    return recalculate(book, write=False)


FOREIGN_CALC = (
    "这是单位原有的自评表（不是 xlperf 自评表），calc 不改写它。"
    "请先导入：xlperf import {name} -o 新自评表.xlsx，再对新文件运行 calc；只查看得分和问题可用 xlperf check {name}"
)


def calc_file(path: str | Path, out: str | Path | None = None) -> Evaluation:
    """Recalculate a workbook and write the computed cells, in place or into ``out``.

    Refuses while Excel has the file open (its ``~$`` lock file is beside it), and holds a
    cross-process lock so two runs on the same file never interleave.
    """
    from xlperf.ooxml.files import excel_lock_file, exclusive
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.recalc import recalculate, require_file

    from xlperf.forms.choose import foreign_forms, needs_form_reader

    p = Path(path)
    if needs_form_reader(p):
        raise InputError(FOREIGN_CALC.format(name=p.name), path=p, code="X026")
    require_file(p)
    target = Path(out) if out is not None else p
    if out is not None and target.resolve() != p.resolve():
        if not target.parent.exists():
            raise OutputError(f"输出文件夹不存在：{target.parent.absolute()}", path=target, code="X102")
    lock = excel_lock_file(target)
    if lock is not None and target.exists():
        raise OutputError(
            f"文件正在 Excel/WPS 中打开（发现锁文件 {lock.name}），请先关闭该文件再计算，或用 -o 另存为新文件",
            path=target,
            code="X103",
        )
    with exclusive(p):
        book = FileBook(p)
        names = book.sheet_names()
        if foreign_forms(names, {n: book.read(n) for n in names}):
            raise InputError(FOREIGN_CALC.format(name=p.name), path=p, code="X026")
        ev = recalculate(book, write=True)
        book.save(target)
    return ev


def new_workbook(path: str | Path, *, style: str = "通用", evaluation_type: str = "项目支出", force: bool = False) -> Path:
    from xlperf.ooxml.files import atomic_output
    from xlperf.workbook.template import build_template

    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        p = p.with_suffix(".xlsx") if not p.suffix else p
        if p.suffix.lower() not in (".xlsx", ".xlsm"):
            raise OutputError("新建的工作簿须以 .xlsx 结尾", path=p, code="X104")
    if p.exists() and not force:
        raise OutputError("文件已存在；如要覆盖请加 --force", path=p, code="X105")
    if not p.parent.exists():
        raise OutputError(f"输出文件夹不存在：{p.parent.absolute()}", path=p, code="X102")
    if style not in layout.REPORT_STYLES:
        raise InputError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}", code="X030")
    with atomic_output(p) as tmp:
        build_template(tmp, evaluation_type=evaluation_type, style=style)
    return p


def evaluation_json(ev: Evaluation, file: str | None = None) -> dict[str, Any]:
    """The documented JSON of ``xlperf check --format json`` (rates as fractions)."""
    b = ev.budget
    return {
        "file": file if file is not None else ev.input.source,
        "project": ev.input.info.name,
        "total_score": ev.total_score,
        "total_weight": ev.total_weight,
        "grade": ev.grade_text,
        "final": ev.final,
        "draft_total": ev.draft_score,
        "withheld": [f.to_json() for f in ev.withheld],
        "budget": {
            "present": b.present,
            "unit": b.unit,
            "full_year": b.full_year,
            "received": b.received,
            "executed": b.executed,
            "balance": b.balance,
            "arrival_rate": b.arrival_rate,
            "execution_rate": b.execution_rate,
            "weight": b.weight,
            "score": b.score,
            "scored_in_indicators": b.scored_in_indicators,
        },
        "level1": [{"name": s.name, "weight": s.weight, "score": s.score} for s in ev.level1],
        "indicators": [
            {
                "row": r.indicator.row,
                "level1": r.indicator.level1,
                "level2": r.indicator.level2,
                "level3": r.indicator.level3,
                "direction": r.direction,
                "weight": r.indicator.weight,
                "target": r.target_display,
                "actual": r.actual_display,
                "completion": r.completion,
                "computed_score": r.computed_score,
                "manual_score": r.indicator.manual_score,
                "score": r.score,
                "pending": r.pending,
                "reason": r.indicator.reason,
            }
            for r in ev.indicators
        ],
        "findings": [f.to_json() for f in ev.findings],
        "counts": {
            "errors": len(ev.errors),
            "warnings": len(ev.warnings),
            "infos": len(ev.findings) - len(ev.errors) - len(ev.warnings),
        },
    }


def load_evaluation(path: str | Path):
    """Read and score a workbook; (evaluation, sheet names, {sheet: grid}). Nothing is written."""
    from xlperf.workbook.recalc import load_evaluation as load

    return load(path)
