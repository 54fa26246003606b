"""One table a form reader works on: a sheet of a workbook or a table of a Word document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Grid = list[list[Any]]


@dataclass(kw_only=True)
class Table:
    """One sheet of a workbook, or one table of a Word document."""

    name: str  # the sheet name, or 表1, 表2 … for Word tables (used as the "sheet" in findings)
    grid: Grid
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    hidden_cols: set[int] = field(default_factory=set)  # 1-based
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    hidden: bool = False  # a hidden sheet
    caption: str = ""  # the paragraph above a Word table
    preface: list[str] = field(default_factory=list)  # the paragraphs between the previous table and this one

    def filled(self) -> Grid:
        """The grid with each merged value in every cell of its range; hidden columns and rows blanked."""
        g = [list(row) for row in self.grid]
        for r0, c0, r1, c1 in self.merges:
            if r0 >= len(g) or c0 >= len(g[r0]):
                continue
            v = g[r0][c0]
            if v is None or v == "":
                continue
            for r in range(r0, min(r1, len(g) - 1) + 1):
                row = g[r]
                if len(row) <= c1:
                    row.extend([None] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    if row[c] is None or row[c] == "":
                        row[c] = v
        for c in self.hidden_cols:
            for row in g:
                if c - 1 < len(row):
                    row[c - 1] = None
        for r in self.hidden_rows:
            if r - 1 < len(g):
                g[r - 1] = [None] * len(g[r - 1])
        return [[None if v == "" else v for v in row] for row in g]
