"""The functions every front end calls (the CLI, the Excel button's helpers, scripts): check, calc,
new, report, batch, and the documented JSON of an evaluation. No printing here."""

from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from xlperf.core import layout
from xlperf.core.enums import EvaluationType, Style
from xlperf.core.errors import InputError, OutputError, OutputExists, XCode, XlperfError
from xlperf.core.filenames import FolderNames, clean as clean_name
from xlperf.core.models import Evaluation


def check_file(path: str | Path, table: int | None = None) -> Evaluation:
    """Read and score a workbook, or a form a unit already holds, without writing anything."""
    from xlperf.workbook.load import load

    return load(path, table).evaluation


FOREIGN_CALC = (
    "这是单位原有的自评表（不是 xlperf 自评表），calc 不改写它。"
    "请先导入：xlperf import {name} -o 新自评表.xlsx，再对新文件运行 calc；只查看得分和问题可用 xlperf check {name}"
)


def calc_output(path: str | Path, out: str | os.PathLike[str] | None) -> Path:
    """Where ``calc -o out`` writes: the workbook itself, a file of the workbook's own kind
    (.xlsx stays .xlsx, .xlsm stays .xlsm: a macro workbook under .xlsx does not open), or the
    workbook's name inside a folder."""
    from xlperf.ooxml.files import output_path

    p = Path(path)
    if out is None:
        return p
    own = p.suffix.lower()
    return output_path(out, p.name, (own,) if own in (".xlsx", ".xlsm") else (".xlsx", ".xlsm"), what="另存的工作簿")


def calc_file(path: str | Path, out: str | Path | None = None) -> Evaluation:
    """Recalculate a workbook and write the computed cells, in place or into ``out``.

    Refuses while Excel has the file open (its ``~$`` lock file is beside it), and holds a
    cross-process lock so two runs on the same file never interleave.
    """
    from xlperf.forms.kind import needs_form_reader
    from xlperf.ooxml.files import excel_lock_file, exclusive
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.load import NotTemplate, require_file
    from xlperf.workbook.recalc import recalculate

    p = Path(path)
    if needs_form_reader(p):
        raise InputError(FOREIGN_CALC.format(name=p.name), path=p, code=XCode.FOREIGN_CALC)
    require_file(p)
    target = calc_output(p, out)
    if out is not None and os.path.realpath(target) != os.path.realpath(p):  # resolve() raises on a symlink loop
        from xlperf.ooxml.files import folder_ready

        if not folder_ready(target.parent):
            raise OutputError(f"输出文件夹不存在：{target.parent.absolute()}", path=target, code=XCode.OUT_FOLDER)
    lock = excel_lock_file(target)
    if lock is not None and target.exists():
        raise OutputError(
            f"文件正在 Excel/WPS 中打开（发现锁文件 {lock.name}），请先关闭该文件再计算，或用 -o 另存为新文件",
            path=target,
            code=XCode.OUT_DENIED,
        )
    with exclusive(p):
        book = FileBook(p)
        try:
            ev = recalculate(book)
        except NotTemplate:
            raise InputError(FOREIGN_CALC.format(name=p.name), path=p, code=XCode.FOREIGN_CALC) from None
        book.save(target)
    return ev


def new_workbook(
    path: str | Path,
    *,
    style: str = Style.GENERAL,
    evaluation_type: str | None = None,
    force: bool = False,
    from_: str | Path | None = None,
    table: int | None = None,
) -> Path:
    """A new template workbook; with ``from_`` (last year's form or workbook) it keeps the project
    information and the indicator table (targets, weights), clears actuals, scores and reasons,
    and advances the year.

    ``evaluation_type`` None: the type the style's outline is written for (湖南 is the outline of
    部门整体支出), else 项目支出. A style asked for with a type it was not written for is refused."""
    from xlperf.core.narrative import style_mismatch

    default_name = f"{Path(from_).stem}-新年度.xlsx" if from_ is not None else "绩效自评表.xlsx"
    p = _new_target(path, force, default_name)
    if style not in layout.REPORT_STYLES:
        raise InputError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}", code=XCode.BAD_STYLE)
    asked_type = evaluation_type
    evaluation_type = evaluation_type or layout.STYLE_TYPES.get(style, EvaluationType.PROJECT)
    if asked_type and style_mismatch(style, asked_type):
        raise InputError(style_mismatch(style, asked_type) + "（湖南表样的项目支出自评表可用 xlperf report --format xlsx --style 湖南 导出）", code=XCode.STYLE_TYPE_MISMATCH)
    values = None
    if from_ is not None:
        from xlperf.forms.carry import template_values
        from xlperf.workbook.load import load

        inp = load(from_, table=table).input
        values = template_values(inp, next_year=True, style=style if style != Style.GENERAL else None)
        evaluation_type = inp.info.evaluation_type if inp.info.evaluation_type in layout.EVALUATION_TYPES else evaluation_type
        style = values.info.get("报告样式", style)
    _write_template(p, values, evaluation_type=evaluation_type, style=style, unfilled=UNFILLED)
    return p


def _new_target(path: str | os.PathLike[str], force: bool, default_name: str = "绩效自评表.xlsx") -> Path:
    """The new workbook's path: ``path`` itself (.xlsx added when it has no extension), or
    ``default_name`` inside it when it names a folder (created at the write when missing)."""
    from xlperf.ooxml.files import folder_ready, output_path

    p = output_path(path, default_name, (".xlsx", ".xlsm"), what="新建的工作簿")
    if p.exists() and not force:
        raise OutputExists("文件已存在；如要覆盖请加 --force", path=p)
    if not folder_ready(p.parent):
        raise OutputError(f"输出文件夹不存在：{p.parent.absolute()}", path=p, code=XCode.OUT_FOLDER)
    return p


UNFILLED = "待填写"  # the total and grade of a workbook made by ``new``, until it is filled in and calculated


def _write_template(p: Path, values, *, evaluation_type: str, style: str, expect: Evaluation | None = None, unfilled: str = "") -> None:
    """Build and fill a template atomically. With ``expect`` (the form as read), the new workbook is
    read back and kept only when it gives the same total and grade, or withholds them too: an
    import never turns a table whose total is 待定 into one with a final total."""
    from xlperf.ooxml.files import atomic_output
    from xlperf.workbook.template import build_template, fill_workbook

    with atomic_output(p) as tmp:
        build_template(tmp, evaluation_type=evaluation_type, style=style, unfilled=unfilled)
        if values is not None:
            fill_workbook(tmp, info=values.info, budget=values.budget, indicators=values.indicators, merge_levels=True)
        if expect is not None:
            _same_result(expect, tmp, p)


def _same_result(expect: Evaluation, tmp: Path, target: Path) -> None:
    from xlperf.workbook.load import load

    got = load(tmp).evaluation
    if got.final and (not expect.final or got.total_score != expect.total_score or got.grade != expect.grade):
        reasons = "；".join(f"{f.location} {f.message}" for f in expect.withheld) or f"原表总分 {expect.total_text}，导入后为 {got.total_text}"
        raise InputError(
            f"未导入：原表的总分无法确定（{reasons}）。导入后这些问题将无从核对，请先在原表中改正后重新导入",
            path=expect.input.source or None,
            code=XCode.IMPORT_WITHHELD,
        )


@dataclass
class Imported:
    """One table imported: where it came from, where it went, what was read and what was unsure."""

    source: Path
    table: str
    output: Path | None
    evaluation: Evaluation | None
    notes: list[str]
    error: str = ""


def list_forms(src: str | Path) -> list[tuple[int, str, Evaluation | None, str]]:
    """(序号, where, evaluation or None, error) for each form table in ``src``."""
    from xlperf.core.scoring import evaluate
    from xlperf.forms.choose import describe, find_forms

    out = []
    for f in find_forms(Path(src)):
        out.append((f.index, describe(f), evaluate(f.evaluation) if f.evaluation else None, f.error))
    return out


def import_forms(src: str | Path, out: str | os.PathLike[str] | None = None, *, table: int | None = None, style: str | None = None, force: bool = False) -> list[Imported]:
    """``xlperf import``: each form of ``src`` (a file, or every file of a folder) into a new
    template workbook. A file with several forms gives one workbook per form (or only ``table``).

    No two tables of one run are written to the same file: names are made distinct (files that
    differ only by extension carry it, ``r-docx-导入.xlsx``; a name already written in this run
    gets ``-2``, ``-3``…), so a run never overwrites, or trips over, its own output."""
    from xlperf.ooxml.files import names_folder

    s = Path(src)
    names: dict[str, FolderNames] = {}  # one run's names per folder: none meets another
    if s.is_dir():
        from collections import Counter

        from xlperf.forms.sources import FORM_SUFFIXES, SAVE_AS_SUFFIXES

        known = FORM_SUFFIXES + tuple(SAVE_AS_SUFFIXES)  # .et/.doc are listed with how to save them
        files = sorted(f for f in s.iterdir() if f.is_file() and f.suffix.lower() in known and not f.name.startswith(("~$", ".")))
        if out is not None and not names_folder(out):
            raise InputError("导入一个文件夹时，-o 须是文件夹（以 / 结尾，或已存在的文件夹）", path=out, code=XCode.BAD_OUT_NAME)
        stems = Counter(f.stem for f in files)
        results: list[Imported] = []
        for f in files:
            tag = f.suffix.lstrip(".").lower() if stems[f.stem] > 1 else ""
            try:
                results += _import_file(f, out if out is not None else f.parent, table, style, force, names=names, tag=tag)
            except XlperfError as exc:
                results.append(Imported(f, "", None, None, [], error=exc.message))
        return results
    return _import_file(s, out, table, style, force, names=names)


def _import_file(src: Path, out: str | os.PathLike[str] | None, table: int | None, style: str | None, force: bool, *, names: dict[str, FolderNames], tag: str = "") -> list[Imported]:
    from xlperf.forms.carry import template_values
    from xlperf.forms.choose import find_forms, one_form
    from xlperf.ooxml.files import names_folder
    from xlperf.workbook.load import LoadedBook, load_form, loaded_form

    if table is not None:
        chosen = [load_form(src, table)]
    else:
        found = find_forms(src)
        if not found:
            one_form(src)  # raises the "no form" error
        chosen = []
        for f in found:
            if f.evaluation is None and len(found) == 1:
                raise InputError(f.error, path=src, sheet=f.table.name, code=XCode.NO_TABLE)
            chosen.append(loaded_form(src, f.evaluation, f.table) if f.evaluation is not None else f)
    several = len(chosen) > 1
    if out is not None and several and not names_folder(out):
        raise InputError(f"{src.name} 中有 {len(chosen)} 张自评表：-o 请给一个文件夹（以 / 结尾），或用 --table 选择一张", path=out, code=XCode.BAD_OUT_NAME)
    results = []
    for one in chosen:
        if not isinstance(one, LoadedBook):  # a table found but unreadable: the others still import
            results.append(Imported(src, one.table.name, None, None, [], error=f"{one.table.name}：{one.error}"))
            continue
        inp, tbl, ev = one.input, one.table, one.evaluation
        values = template_values(inp, style=style)
        try:
            target = _import_target(src, out, inp, tbl.name if several else "", tag, names)
            p = _new_target(target, force)
            _write_template(p, values, evaluation_type=inp.info.evaluation_type or EvaluationType.PROJECT, style=values.info.get("报告样式", Style.GENERAL), expect=ev)
        except XlperfError as exc:
            if not several:
                raise
            results.append(Imported(src, tbl.name, None, None, [], error=f"{tbl.name}：{exc.message}"))  # the other tables still import
            continue
        results.append(Imported(src, tbl.name, p, ev, values.notes))
    return results


def _import_target(src: Path, out: str | os.PathLike[str] | None, inp, table_name: str, tag: str, names: dict[str, FolderNames]) -> Path:
    """``-o out`` when it names a file; else ``<file>[-<扩展名>][-<table>-<项目名称>]-导入.xlsx`` in the
    folder ``out`` or beside ``src``: a name Windows accepts there and that no other table of this
    run takes (one FolderNames per folder for the whole run)."""
    from xlperf.ooxml.files import names_folder, output_path

    stem = src.stem + (f"-{tag}" if tag else "") + (f"-{table_name}" if table_name else "")
    if table_name and inp.info.name:
        stem += "-" + clean_name(inp.info.name)[:40]
    if out is not None and not names_folder(out):
        return output_path(out, f"{stem}-导入.xlsx", (".xlsx", ".xlsm"), what="新自评表")
    # a missing folder -o is created at the first write (output_path with an empty name returns the folder itself)
    folder = src.parent if out is None else output_path(out, "", (".xlsx",), what="新自评表")
    taken = names.setdefault(os.path.normcase(os.path.abspath(folder)), FolderNames(folder))
    return folder / (taken.name(stem, "-导入", (".xlsx",)) + ".xlsx")


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
            "pending": b.pending,
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
