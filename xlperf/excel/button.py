"""The Excel button: ``RunPython "import xlperf; xlperf.main()"``.

Only :class:`XlwingsBook` and the two lines that find the active workbook touch xlwings;
everything else is the same :func:`xlperf.workbook.recalc.recalculate` that ``xlperf calc`` runs, so
it is tested here on real files through :class:`xlperf.workbook.filebook.FileBook`.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import sys
from pathlib import Path
from typing import Any, Protocol

from xlperf.core.book import KEEP, Grid

TITLE = "绩效自评"
_FORMULA_PREFIXES = ("=", "+", "-", "@")
_ERROR_STRINGS = ("#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")


class UI(Protocol):
    def status(self, message: str) -> None: ...

    def alert(self, message: str) -> None: ...


def log_path() -> Path:
    """Where the button logs exceptions (the message box names this path)."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "xlperf"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Logs" / "xlperf"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "xlperf"
    return base / "xlperf.log"


def _logger() -> logging.Logger:
    log = logging.getLogger("xlperf.excel.button")
    if not log.handlers:
        path = log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return log


def summary_message(ev) -> str:

    return (
        f"总分 {ev.total_text}，等级：{ev.grade_text}；"
        f"错误 {len(ev.errors)} 条，警告 {len(ev.warnings)} 条，详见“校验结果”"
    )


def run(book, ui: UI):
    """Recalculate ``book`` and report to the user. Returns the evaluation, or None on failure.

    All blocks are computed before the first write, so an error while reading or scoring
    leaves the workbook untouched.
    """
    from xlperf.core.errors import XlperfError
    from xlperf.workbook.recalc import recalculate

    log = _logger()
    ui.status("绩效自评：正在重新计算…")
    try:
        ev = recalculate(book, write=True)
        save = getattr(book, "save", None)  # a FileBook applies its writes here, atomically
        if save is not None:
            save()
    except XlperfError as exc:
        log.warning("input problem in %s: %s", getattr(book, "name", "?"), exc)
        ui.status("")
        ui.alert(f"无法重新计算：{exc}")
        return None
    except Exception as exc:  # a bug: tell the officer where the details are
        log.exception("recalculation failed for %s", getattr(book, "name", "?"))
        ui.status("")
        ui.alert(f"重新计算时出错：{type(exc).__name__}: {exc}\n工作簿未被修改。详细信息已记录在：{log_path()}")
        return None
    message = summary_message(ev)
    ui.status(message)
    if ev.errors:
        ui.alert(message)
    log.info("%s: %s", getattr(book, "name", "?"), message)
    return ev


def main(book=None, ui: UI | None = None):
    """What the ribbon button runs. Without arguments it works on Excel's active workbook."""
    if book is None or ui is None:  # pragma: no cover - needs Excel
        import xlwings as xw

        xbook = xw.books.active  # not Book.caller(): that is the add-in itself
        book = book or XlwingsBook(xbook)
        ui = ui or ExcelUI(xbook.app)
    return run(book, ui)


class ExcelUI:  # pragma: no cover - needs Excel
    def __init__(self, app):
        self.app = app

    def status(self, message: str) -> None:
        try:
            self.app.status_bar = message or False
        except Exception:
            pass

    def alert(self, message: str) -> None:
        self.app.alert(message, title=TITLE)


class XlwingsBook:
    """The book interface over a live xlwings Book: one read call and one write call per block.

    ``read`` fetches values and formulas of the used range together; ``write`` sends a whole
    block at once, putting back each KEEP cell's own content (its formula, if it had one), so
    a cell we do not own is never changed.
    """

    def __init__(self, xbook):
        self._book = xbook
        self.name = xbook.name
        self._values: dict[str, Grid] = {}
        self._formulas: dict[str, Grid] = {}

    def sheet_names(self) -> list[str]:
        return [s.name for s in self._book.sheets]

    def read(self, sheet: str) -> Grid:
        sht = self._book.sheets[sheet]
        rng = sht.used_range
        top, left = rng.row, rng.column
        values = rng.options(ndim=2, err_to_str=True).value or []
        formulas = rng.options(ndim=2).formula or []
        grid = _pad(values, top, left)
        self._values[sheet] = grid
        self._formulas[sheet] = _pad([list(r) for r in formulas], top, left)
        return [[_from_excel(v) for v in r] for r in grid]

    def write(self, sheet: str, row: int, col: int, block: Grid, number_formats: dict[int, str] | None = None) -> None:
        payload = to_excel_block(block, row, col, self._values.get(sheet, []), self._formulas.get(sheet, []))
        sht = self._book.sheets[sheet]
        with _unprotected(sht):
            sht.range((row, col)).options(ndim=2).value = payload

    def add_sheet(self, name: str) -> None:
        self._book.sheets.add(name, after=self._book.sheets[len(self._book.sheets) - 1])


_PROTECTION_FLAGS = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


class _unprotected:
    """The template protects its sheets without a password so officers don't overwrite computed
    cells; Excel refuses writes to locked cells of a protected sheet, so lift the protection for
    the one write and restore it with the same permissions. Windows COM only: on a Mac the sheet
    object has no such API through xlwings, and a failure here leaves the sheet as it was.
    """

    def __init__(self, sht):
        self.api = getattr(sht, "api", None)
        self.flags: dict[str, bool] | None = None

    def __enter__(self):
        try:
            if self.api is not None and self.api.ProtectContents:
                prot = self.api.Protection
                self.flags = {name: bool(getattr(prot, name)) for name in _PROTECTION_FLAGS}
                self.api.Unprotect()
        except Exception:  # pragma: no cover - platform without the COM API
            self.flags = None
        return self

    def __exit__(self, *exc):
        if self.flags is not None:
            self.api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, **self.flags)
        return False


def _pad(rows: list[list[Any]], top: int, left: int) -> Grid:
    """Place a used range that starts at (top, left) into a grid that starts at A1."""
    grid: Grid = [[] for _ in range(top - 1)]
    for r in rows:
        grid.append([None] * (left - 1) + list(r))
    return grid


def _from_excel(value: Any) -> Any:
    if isinstance(value, str) and value in _ERROR_STRINGS:
        from xlperf.ooxml import CellError

        return CellError(value)
    return value


def to_excel_block(block: Grid, row: int, col: int, values: Grid, formulas: Grid) -> Grid:
    """Replace KEEP with each cell's own content and make text that looks like a formula stay text."""
    out: Grid = []
    for i, line in enumerate(block):
        r = row + i
        new_line = []
        for j, v in enumerate(line):
            c = col + j
            if v is KEEP:
                f = _at(formulas, r, c)
                old = _at(values, r, c)
                if isinstance(f, str) and f.startswith("=") and f != old:
                    new_line.append(f)  # a real formula: put it back as a formula
                else:
                    new_line.append(_text_safe(old))
            else:
                new_line.append(_text_safe(v))
        out.append(new_line)
    return out


def _at(grid: Grid, r: int, c: int) -> Any:
    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
        return grid[r - 1][c - 1]
    return None


def _text_safe(v: Any) -> Any:
    """Excel turns '=…' typed through the object model into a formula; an apostrophe keeps it text."""
    if isinstance(v, str) and v.startswith(_FORMULA_PREFIXES):
        return "'" + v
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return _dt.datetime(v.year, v.month, v.day)
    return v
