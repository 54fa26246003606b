"""Which reader a file needs: our template workbook, or a one-sheet form (a province's 自评表 in
.xlsx/.xls/.ods or a Word annex), and which of its tables are forms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlperf.core.errors import InputError, XCode
from xlperf.core.models import SelfEvaluation
from xlperf.forms.kind import is_template
from xlperf.forms.table import Table

E_WHICH_TABLE = XCode.WHICH_TABLE
E_NO_TABLE = XCode.NO_TABLE


@dataclass
class FoundForm:
    index: int  # 1-based, as --table takes it
    table: Table
    evaluation: SelfEvaluation | None = None
    error: str = ""


def find_forms(path: Path) -> list[FoundForm]:
    """The tables of ``path`` that are self-evaluation forms, each read (or with its reading error)."""
    from xlperf.forms.oneform import looks_like_form, read_form
    from xlperf.forms.sources import open_tables

    tables = open_tables(path)
    if is_template([t.name for t in tables]):
        raise InputError("这已经是 xlperf 自评表，无需导入：可直接 xlperf calc / check / report", path=path, code=XCode.ALREADY_TEMPLATE)
    found: list[FoundForm] = []
    for t in tables:
        if t.hidden or not looks_like_form(t.grid):
            continue
        f = FoundForm(index=len(found) + 1, table=t)
        try:
            f.evaluation = read_form(t, source=path.name)
        except InputError as exc:
            f.error = exc.message
        found.append(f)
    return _without_excerpts(found)


def _excerpts_of(found: list[FoundForm]) -> set[int]:
    """Indexes of tables that only quote rows of another, named table in the same file: a report's
    sections repeat its annex form's rows piece by piece (预算执行情况, 产出情况…), and those
    pieces are not forms of their own."""

    def rows(f: FoundForm) -> set[str]:
        ev = f.evaluation
        return {i.level3.strip() for i in ev.indicators if i.level3.strip()} if ev is not None else set()

    named = [(f, rows(f)) for f in found if f.evaluation is not None and f.evaluation.info.name.strip()]
    out = set()
    for f in found:
        mine = rows(f)
        if f.evaluation is None or f.evaluation.info.name.strip() or not mine:
            continue
        if any(g is not f and mine <= theirs for g, theirs in named):
            out.add(f.index)
    return out


def _without_excerpts(found: list[FoundForm]) -> list[FoundForm]:
    drop = _excerpts_of(found)
    kept = [f for f in found if f.index not in drop]
    for i, f in enumerate(kept, 1):
        f.index = i
    return kept


def one_form(path: Path, table: int | None = None) -> tuple[SelfEvaluation, Table]:
    """The single form of ``path`` (or the ``table``-th): refuses when there is none, or several
    and none was chosen."""
    forms = find_forms(path)
    if not forms:
        raise InputError(
            "文件中找不到自评表（应有含“三级指标”“分值”“年度指标值”“实际完成值”等列名的绩效指标表）",
            path=path,
            code=E_NO_TABLE,
        )
    if table is None and len(forms) > 1:
        listing = "；".join(f"{f.index}. {describe(f)}" for f in forms)
        raise InputError(
            f"文件中有 {len(forms)} 张自评表（{listing}）。请用 --table 序号 选择一张，或用 xlperf import 逐张导入",
            path=path,
            code=E_WHICH_TABLE,
        )
    k = table or 1
    if not 1 <= k <= len(forms):
        raise InputError(f"没有第 {k} 张自评表（共 {len(forms)} 张，xlperf import --list 可列出）", path=path, code=E_WHICH_TABLE)
    f = forms[k - 1]
    if f.evaluation is None:
        raise InputError(f.error, path=path, sheet=f.table.name, code=E_NO_TABLE)
    return f.evaluation, f.table


def describe(f: FoundForm) -> str:
    name = f.evaluation.info.name if f.evaluation else ""
    where = f.table.name + (f"（{f.table.caption[:30]}）" if f.table.caption else "")
    return f"{where}：{name or '（未读到项目名称）'}"
