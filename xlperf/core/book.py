"""The small book interface the recalculation runs on; the KEEP sentinel; an in-memory book.

A book lists its sheets, reads a sheet's used range as a 2-D list in one call, and writes a
2-D block in one call. Live Excel (:class:`xlperf.excel.button.XlwingsBook`) and files on disk
(:class:`xlperf.workbook.filebook.FileBook`) implement it, so the Excel button and
``xlperf calc`` run the same code. Pure: no file access here.
"""

from __future__ import annotations

from typing import Any, Protocol


Grid = list[list[Any]]


class _Keep:
    """Leave this cell as it is (in a written block)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __reduce__(self):
        return (_Keep, ())


KEEP = _Keep()


class Book(Protocol):
    name: str

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> Grid:
        """The sheet's cell values from A1 to the end of the used range."""
        ...

    def write(self, sheet: str, row: int, col: int, block: Grid, number_formats: dict[int, str] | None = None) -> None:
        """Write ``block`` with its top-left cell at (row, col), 1-based. KEEP cells stay untouched."""
        ...

    def add_sheet(self, name: str) -> None: ...


class RecordingBook:
    """A book in memory that records every call: for tests of call counts, and for dry runs."""

    def __init__(self, grids: dict[str, Grid], name: str = "book.xlsx"):
        self.name = name
        self.grids = {k: [list(r) for r in v] for k, v in grids.items()}
        self.calls: list[tuple[str, str]] = []

    def sheet_names(self) -> list[str]:
        self.calls.append(("sheet_names", ""))
        return list(self.grids)

    def read(self, sheet: str) -> Grid:
        self.calls.append(("read", sheet))
        return [list(r) for r in self.grids.get(sheet, [])]

    def write(self, sheet: str, row: int, col: int, block: Grid, number_formats: dict[int, str] | None = None) -> None:
        self.calls.append(("write", sheet))
        grid = self.grids.setdefault(sheet, [])
        for i, values in enumerate(block):
            r = row + i
            while len(grid) < r:
                grid.append([])
            line = grid[r - 1]
            for j, v in enumerate(values):
                if v is KEEP:
                    continue
                c = col + j
                while len(line) < c:
                    line.append(None)
                line[c - 1] = v

    def add_sheet(self, name: str) -> None:
        self.calls.append(("add_sheet", name))
        self.grids.setdefault(name, [])
