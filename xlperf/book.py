"""The small book interface the recalculation runs on, and its file-backed implementation.

A book lists its sheets, reads a sheet's used range as a 2-D list in one call, and writes a
2-D block in one call. Live Excel (``xlperf.excel.XlwingsBook``) and files on disk
(:class:`FileBook`) implement it, so the Excel button and ``xlperf calc`` run the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from xlperf import layout

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


class FileBook:
    """A workbook file: reads through python-calamine, writes by patching cells inside the zip.

    Writes are collected and applied by :meth:`save`, atomically; nothing touches the file
    before that.
    """

    def __init__(self, path: str | Path):
        from xlperf import xlsx

        self.path = Path(path)
        self.name = self.path.name
        self._names, self._grids = xlsx.read_grids(self.path)
        self._writes: list[tuple[str, int, int, Grid, dict[int, str] | None]] = []
        self._added: list[str] = []

    def sheet_names(self) -> list[str]:
        return list(self._names) + [n for n in self._added if n not in self._names]

    def read(self, sheet: str) -> Grid:
        return self._grids.get(sheet, [])

    def write(self, sheet: str, row: int, col: int, block: Grid, number_formats: dict[int, str] | None = None) -> None:
        self._writes.append((sheet, row, col, block, number_formats))

    def add_sheet(self, name: str) -> None:
        if name not in self._names and name not in self._added:
            self._added.append(name)

    @property
    def dirty(self) -> bool:
        return bool(self._writes or self._added)

    def save(self, dst: str | Path | None = None) -> Path:
        """Apply the collected writes and write the file atomically (to ``dst`` or in place)."""
        from xlperf import xlsx

        target = Path(dst) if dst is not None else self.path
        patcher = xlsx.XlsxPatcher(self.path)
        for name in self._added:
            patcher.add_sheet(name)
            widths = layout.ADDED_SHEET_WIDTHS.get(name)
            if widths:
                patcher.set_column_widths(name, widths)
        for sheet, row, col, block, fmts in self._writes:
            patcher.set_block(sheet, row, col, _for_file(block), number_formats=fmts)
        patcher.save(target)
        return target


def _for_file(block: Grid) -> Grid:
    from xlperf import xlsx

    return [[xlsx.KEEP if v is KEEP else v for v in row] for row in block]


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
