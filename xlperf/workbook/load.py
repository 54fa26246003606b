"""Read and score once: a workbook file, a form a unit already holds, or any open :class:`Book`.

:func:`load` is the one reader behind ``check``, ``calc``, ``report``, ``import``'s check,
``new --from``, batch and the department report; :func:`load_book` is the same over a book that
is already open (live Excel through xlwings, a :class:`~xlperf.workbook.filebook.FileBook` about
to be written). Both give a :class:`LoadedBook`: what was read (sheet names and grids), what it
says (:class:`~xlperf.core.models.SelfEvaluation`) and its score
(:class:`~xlperf.core.models.Evaluation`). Nothing is written.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from xlperf.core import layout
from xlperf.core.book import Book, Grid
from xlperf.core.errors import InputError, XCode
from xlperf.core.grid import locate_sheets
from xlperf.core.models import Evaluation, SelfEvaluation
from xlperf.core.scoring import evaluate
from xlperf.forms.template import read_workbook

if TYPE_CHECKING:
    from xlperf.forms.table import Table


class Kind(enum.StrEnum):
    """What a loaded file is: our template workbook, or a unit's own one-sheet form."""

    TEMPLATE = "template"
    FORM = "form"


@dataclass
class LoadedBook:
    """One workbook read and scored: everything a check, a calculation or a report needs."""

    path: Path | None  # None for an open book without a file (live Excel, a test double)
    kind: Kind
    names: list[str]  # every sheet, in order (a form: its one table)
    grids: dict[str, Grid]  # the sheets read, by name (a form: its table, merged cells filled); what
    # a report reads beyond the evaluation (基础数据, 定稿, payments, team) is read from these
    input: SelfEvaluation
    evaluation: Evaluation
    table: Table | None = field(default=None, repr=False)  # a form: the table it was read from


class NotTemplate(InputError):
    """The book is a unit's own form, not our template: what writes into our cells (calc, the
    Excel button) refuses it, each with its own advice; :func:`load` reads it as a form."""

    code = XCode.FOREIGN_CALC


def load(path: str | Path, table: int | None = None, *, unread: Iterable[str] = ()) -> LoadedBook:
    """Read and score ``path``: our workbook, or a form a unit already holds (.xlsx/.xls/.ods
    sheet, Word annex; ``table``: which of several, 1-based). Decided by the file's type, then by
    its sheets: the one place that decides.

    ``unread``: sheets of our template that nothing downstream reads (batch skips them to save
    time); a file where they might matter (not our template, or unreadable without them) is read
    whole after all.
    """
    from xlperf.forms.kind import is_template, needs_form_reader
    from xlperf.workbook.filebook import FileBook

    p = Path(path)
    if needs_form_reader(p):
        return load_form(p, table)
    require_file(p)
    skipped = tuple(unread)
    book = FileBook(p, exclude=skipped)
    if skipped and not is_template(book.sheet_names()):
        book, skipped = FileBook(p), ()  # a form is told by every sheet
    try:
        return load_book(book, every_sheet=True, path=p)
    except NotTemplate:
        return load_form(p, table)
    except InputError:
        if not skipped or not book.skipped:
            raise
        return load(p, table)  # the table may sit on a skipped sheet after all


def load_book(book: Book, *, every_sheet: bool = False, path: Path | None = None) -> LoadedBook:
    """Read and score an open book of our template. Raises :class:`NotTemplate` for a unit's
    own form.

    Each sheet is read once. Without ``every_sheet`` only the sheets the evaluation needs are
    read (a live workbook pays for each); a report wants every sheet (基础数据, 定稿) but those
    the book was opened without (``FileBook(exclude=...)``, its ``skipped``).
    """
    from xlperf.forms.kind import foreign_forms, is_template

    names = book.sheet_names()
    ours = is_template(names)
    wanted = set(names if every_sheet or not ours else _needed(names)) - set(getattr(book, "skipped", ()))
    grids = {n: book.read(n) for n in names if n in wanted}
    if not ours and foreign_forms(names, grids):  # a form is told by every sheet
        raise NotTemplate("这是单位原有的自评表，不是 xlperf 自评表", path=path or getattr(book, "name", None) or None)
    inp = read_workbook(names, grids, source=book.name)
    return LoadedBook(path=path, kind=Kind.TEMPLATE, names=names, grids=grids, input=inp, evaluation=evaluate(inp))


def _needed(names: list[str]) -> list[str]:
    """The sheets an evaluation reads: those of our template, or all when its tables may live on
    differently named sheets."""
    roles = locate_sheets(names)
    if roles[layout.SHEET_INDICATORS] is None or roles[layout.SHEET_BUDGET] is None:
        return list(names)
    return [n for n in roles.values() if n is not None]


def load_form(path: Path, table: int | None = None) -> LoadedBook:
    """A one-sheet form (national or province layout), read by the form reader."""
    from xlperf.forms.choose import one_form

    return loaded_form(path, *one_form(path, table))


def loaded_form(path: Path, inp: SelfEvaluation, table: Table) -> LoadedBook:
    """A form already read (one of the tables :func:`xlperf.forms.choose.find_forms` found), scored."""
    return LoadedBook(
        path=path, kind=Kind.FORM, names=[table.name], grids={table.name: table.filled()}, input=inp, evaluation=evaluate(inp), table=table
    )


def require_file(path: Path) -> None:
    """Refuse a folder given as a workbook (a missing file or a symlink loop: their own message)."""
    import stat

    from xlperf.ooxml.files import stat_input

    if stat.S_ISDIR(stat_input(path).st_mode):
        raise InputError("这是一个文件夹，不是工作簿文件", path=path, code=XCode.INPUT_EMPTY)
