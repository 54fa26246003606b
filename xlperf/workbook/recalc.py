"""Recalculate a book: read each sheet once, score, write each computed block once.

This is the one code path behind ``xlperf calc`` and the Excel button: any
:class:`~xlperf.core.book.Book` (a file, live Excel, a test double), read and scored by
:func:`xlperf.workbook.load.load_book`.
"""

from __future__ import annotations

from xlperf.core.blocks import Block, computed_blocks
from xlperf.core.book import Book
from xlperf.core.models import Evaluation
from xlperf.workbook.load import LoadedBook, load_book


def blocks_of(loaded: LoadedBook, *, narrative: bool = True) -> list[Block]:
    """Every block a calculation writes into the loaded book (nothing is written here)."""
    return computed_blocks(loaded.evaluation, loaded.names, loaded.grids, narrative=narrative)


def compute(book: Book, *, narrative: bool = True) -> tuple[Evaluation, list[str], list[Block]]:
    """Read, score and build every block to write, without writing anything.

    Returns (evaluation, sheet names, blocks); a front end that must report partial writes
    (the Excel button) writes the blocks itself.
    """
    loaded = load_book(book)
    return loaded.evaluation, loaded.names, blocks_of(loaded, narrative=narrative)


def recalculate(book: Book, *, narrative: bool = True) -> Evaluation:
    """Score and check the book, and fill the computed cells, 校验结果 and 自评报告.

    Every block is computed before the first write.
    """
    ev, names, blocks = compute(book, narrative=narrative)
    for sheet, row, col, block, fmts in blocks:
        if sheet not in names:
            book.add_sheet(sheet)
            names.append(sheet)
        book.write(sheet, row, col, block, fmts)
    return ev
