"""Recalculate a book: read each sheet once, score, write each computed block once.

This is the one code path behind ``xlperf calc``, ``xlperf check``, ``xlperf report`` and the
Excel button: any :class:`~xlperf.core.book.Book` (a file, live Excel, a test double).
"""

from __future__ import annotations

from pathlib import Path

from xlperf.core import layout
from xlperf.core.blocks import Block, computed_blocks
from xlperf.core.book import Book, Grid
from xlperf.core.errors import InputError, XCode
from xlperf.core.grid import locate_sheets
from xlperf.core.models import Evaluation
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook


def read_book(book: Book) -> tuple[list[str], dict[str, Grid]]:
    """Read every sheet the evaluation needs, once each."""
    names = book.sheet_names()
    roles = locate_sheets(names)
    wanted = [n for n in roles.values() if n is not None]
    if roles[layout.SHEET_INDICATORS] is None or roles[layout.SHEET_BUDGET] is None:
        wanted = list(names)  # the tables may live on differently named sheets
    grids = {n: book.read(n) for n in names if n in wanted}
    return names, grids


def compute(book: Book, *, narrative: bool = True) -> tuple[Evaluation, list[str], list[Block]]:
    """Read, score and build every block to write, without writing anything.

    Returns (evaluation, sheet names, blocks); a front end that must report partial writes
    (the Excel button) writes the blocks itself.
    """
    names, grids = read_book(book)
    ev = evaluate(read_workbook(names, grids, source=book.name))
    return ev, names, computed_blocks(ev, names, grids, narrative=narrative)


def recalculate(book: Book, *, write: bool = True, narrative: bool = True) -> Evaluation:
    """Score and check the book; when ``write``, fill the computed cells, 校验结果 and 自评报告.

    Every block is computed before the first write.
    """
    if not write:
        names, grids = read_book(book)
        return evaluate(read_workbook(names, grids, source=book.name))
    ev, names, blocks = compute(book, narrative=narrative)
    if write:
        for sheet, row, col, block, fmts in blocks:
            if sheet not in names:
                book.add_sheet(sheet)
                names.append(sheet)
            book.write(sheet, row, col, block, fmts)
    return ev


def require_file(path: Path) -> None:
    import stat

    from xlperf.ooxml.files import stat_input  # a symlink loop or a too-long name: its own message

    if stat.S_ISDIR(stat_input(path).st_mode):
        raise InputError("这是一个文件夹，不是工作簿文件", path=path, code=XCode.INPUT_EMPTY)


def load_evaluation(path: str | Path, *, table: int | None = None):
    """Read and score a workbook or a form a unit already holds (.xlsx/.xls/.ods sheet, Word annex);
    also return the sheet grids (for 定稿 and report-only sheets).

    Returns (evaluation, sheet names, {sheet name: grid}). Nothing is written.
    """
    p, book = form_or_book(path)
    if book is None:
        return load_form(p, table)
    names = book.sheet_names()
    grids = {n: book.read(n) for n in names}
    ev = evaluate(read_workbook(names, grids, source=p.name))
    return ev, names, grids


def load_form(path: Path, table: int | None = None):
    """A one-sheet form (national or province layout): (evaluation, [its table], {table: grid})."""
    from xlperf.forms.choose import one_form

    inp, tbl = one_form(path, table)
    return evaluate(inp), [tbl.name], {tbl.name: tbl.filled()}


def is_foreign_form(path: Path) -> bool:
    """A file that is a unit's own form rather than our template (calc must not write into it)."""
    from xlperf.forms.kind import foreign_forms, needs_form_reader
    from xlperf.workbook.filebook import FileBook

    if needs_form_reader(path):
        return True
    book = FileBook(path)
    names = book.sheet_names()
    return bool(foreign_forms(names, {n: book.read(n) for n in names}))


def form_or_book(path: str | Path):
    """(path, FileBook) for our workbook, or (path, None) for a form a unit already holds (routed
    to the form reader): by the file's type, then by its sheets. The one place that decides."""
    from xlperf.forms.kind import foreign_forms, needs_form_reader
    from xlperf.workbook.filebook import FileBook

    p = Path(path)
    if needs_form_reader(p):
        return p, None
    require_file(p)
    book = FileBook(p)
    names = book.sheet_names()
    if foreign_forms(names, {n: book.read(n) for n in names}):
        return p, None
    return p, book


def read_input(path: str | Path, *, table: int | None = None):
    """What a workbook or a unit's form says, unscored (for ``new --from``)."""
    from xlperf.forms.choose import one_form

    p, book = form_or_book(path)
    if book is None:
        return one_form(p, table)[0]
    names = book.sheet_names()
    return read_workbook(names, {n: book.read(n) for n in names}, source=p.name)
