"""The book interface over a workbook file: reads through python-calamine, writes by patching the zip."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from xlperf.core import layout
from xlperf.core.book import Grid


class FileBook:
    """A workbook file: reads through python-calamine, writes by patching cells inside the zip.

    Writes are collected and applied by :meth:`save`, atomically; nothing touches the file
    before that. ``exclude``: sheets not read at all (they read as empty).
    """

    def __init__(self, path: str | Path, *, exclude: Iterable[str] = ()):
        from xlperf.ooxml.read import read_grids

        self.path = Path(path)
        self.name = self.path.name
        self._names, self._grids = read_grids(self.path, exclude=exclude)
        self.skipped = [n for n in self._names if n not in self._grids]  # ``exclude``d: they read as empty
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
        from xlperf.ooxml.patch import XlsxPatcher

        target = Path(dst) if dst is not None else self.path
        patcher = XlsxPatcher(self.path)
        for name in self._added:
            patcher.add_sheet(name)
            widths = layout.ADDED_SHEET_WIDTHS.get(name)
            if widths:
                patcher.set_column_widths(name, widths)
        for sheet, row, col, block, fmts in self._writes:
            patcher.set_block(sheet, row, col, block, number_formats=fmts)
        patcher.save(target)
        return target
