"""The Excel button: ``RunPython "import xlperf; xlperf.main()"``.

Only :class:`XlwingsBook` (with its sheet protection helpers) and :func:`main`, which finds the
calling workbook, touch xlwings; the reading and scoring are :func:`xlperf.workbook.load.load_book`
and the blocks :func:`xlperf.workbook.recalc.blocks_of`, the code ``xlperf calc`` runs, written
with the same number formats, to the same cells. Tested through
:class:`xlperf.workbook.filebook.FileBook` and through xlwings' own platform code
(``_xlwindows.py`` over a fake COM object model, ``_xlmac.py`` over fake appscript references:
tests/excel/xlplatform.py).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from xlperf.core import layout
from xlperf.core.book import KEEP, Grid
from xlperf.core.errors import InputError, XCode, XlperfError
from xlperf.core.refs import col_letter
from xlperf.core.values import Percent

TITLE = "绩效自评"
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


class SheetProtected(InputError):
    """A sheet we must write is protected with a password: only the officer can lift it."""

    code = XCode.SHEET_PROTECTED


class PartialWrite(Exception):
    """A write failed after others succeeded: which sheets were updated and which were not."""

    def __init__(self, done: list[str], failed: str, pending: list[str], cause: BaseException):
        self.done, self.failed, self.pending, self.cause = done, failed, pending, cause
        super().__init__(f"{type(cause).__name__}: {cause}")


class ProtectionNotRestored(Exception):
    """Every block was written, but the protection of some sheets could not be put back."""

    def __init__(self, sheets: list[str], cause: BaseException):
        self.sheets, self.cause = sheets, cause
        super().__init__(f"{type(cause).__name__}: {cause}")


def write_blocks(book, names: list[str], blocks) -> list[str]:
    """Write every block (computed beforehand) and return the sheets updated, in order.

    A book that can prepare for writing (:meth:`XlwingsBook.writing`: lifting sheet protection)
    does so for all target sheets before the first write, so a sheet we cannot unlock stops
    the run before anything changes. A failure after that raises :class:`PartialWrite`.
    """
    targets = list(dict.fromkeys(sheet for sheet, *_ in blocks))
    writing = getattr(book, "writing", None)
    done: list[str] = []
    with (writing([t for t in targets if t in names]) if writing else contextlib.nullcontext()):
        for sheet, row, col, block, fmts in blocks:
            try:
                if sheet not in names:
                    book.add_sheet(sheet)
                    names.append(sheet)
                book.write(sheet, row, col, block, fmts)
            except Exception as exc:
                pending = [t for t in targets if t not in done and t != sheet]
                raise PartialWrite(done, sheet, pending, exc) from exc
            if sheet not in done:
                done.append(sheet)
    return done


def run(book, ui: UI):
    """Recalculate ``book`` and report to the user. Returns the evaluation, or None on failure.

    Everything (reading, scoring, every block) is computed before the first write, so an error
    while reading or scoring leaves the workbook untouched; a write that still fails is
    reported with the sheets that were and were not updated.
    """
    from xlperf.workbook.load import NotTemplate, load_book
    from xlperf.workbook.recalc import blocks_of

    log = _logger()
    name = getattr(book, "name", "?")
    ui.status("绩效自评：正在重新计算…")  # replaces whatever an earlier run left there
    try:
        try:
            loaded = load_book(book)
        except NotTemplate:
            raise ForeignForm(FOREIGN_BUTTON.format(name=getattr(book, "name", ""))) from None
        ev = loaded.evaluation
        write_blocks(book, loaded.names, blocks_of(loaded))
        save = getattr(book, "save", None)  # a FileBook applies its writes here, atomically
        if save is not None:
            save()
    except XlperfError as exc:
        log.warning("input problem in %s: %s", name, exc)
        ui.status("")
        _tell(ui, f"无法重新计算：{exc}\n工作簿未被修改。")
        return None
    except PartialWrite as exc:
        log.error("write failed in %s after %s", name, exc.done, exc_info=exc.cause)
        ui.status("")
        _tell(ui, _partial_message(exc))
        return None
    except ProtectionNotRestored as exc:
        log.error("protection not restored in %s: %s", name, exc.sheets, exc_info=exc.cause)
        ui.status("")
        _tell(
            ui,
            f"计算结果已全部写入，但以下工作表的保护未能恢复：{'、'.join(exc.sheets)}（{exc}）。"
            f"请在“审阅 → 保护工作表”中重新设置。详细信息已记录在：{log_path()}"
        )
        return None
    except Exception as exc:  # a bug: tell the officer where the details are
        log.exception("recalculation failed for %s", name)
        ui.status("")
        _tell(ui, f"重新计算时出错：{type(exc).__name__}: {exc}\n工作簿未被修改。详细信息已记录在：{log_path()}")
        return None
    message = summary_message(ev)
    # The status bar would keep this text after the workbook is closed or another one is
    # activated (the add-in's VBA has no event handler to clear it), so the result goes into
    # the message box and the status bar goes back to Excel.
    ui.status("")
    _tell(ui, message)
    log.info("%s: %s", name, message)
    return ev


def _tell(ui: UI, message: str) -> None:
    """Show ``message``; if Excel refuses the message box (busy, closing), put it on stderr, which
    RunPython shows in its own box, rather than a traceback."""
    try:
        ui.alert(message)
    except Exception:
        _logger().exception("message box refused")
        print(message, file=sys.stderr)


class ForeignForm(InputError):
    """The workbook is a unit's own form, not our template (:func:`xlperf.workbook.load.load_book`
    says so): the button writes nothing into it (``xlperf calc`` refuses the same file,
    :data:`xlperf.api.FOREIGN_CALC`)."""

    code = XCode.FOREIGN_CALC


def _partial_message(exc: PartialWrite) -> str:
    lines = [f"重新计算时，写入工作表“{exc.failed}”出错：{exc}"]
    if exc.done:
        lines.append(f"已更新的工作表：{'、'.join(exc.done)}")
    lines.append(f"可能只更新了一部分的工作表：{exc.failed}")
    if exc.pending:
        lines.append(f"未更新的工作表：{'、'.join(exc.pending)}")
    lines.append("工作簿的计算结果不完整：请关闭工作簿且不保存，或排除问题后再按一次“重新计算”。")
    lines.append(f"详细信息已记录在：{log_path()}")
    return "\n".join(lines)


def main(book=None, ui: UI | None = None):
    """What the ribbon button runs. Without arguments it works on the workbook the button was
    pressed in: ``Book.caller()`` (RunPython passes the active workbook's name, ``--wb=``, and
    Excel's window, ``--hwnd=``; another Excel window in front does not get the run).

    Nothing escapes as a traceback: a failure to reach Excel, to find the workbook or to
    build the book is shown in Chinese (a message box when Excel answers, stderr otherwise,
    which RunPython shows in its error box) and logged.
    """
    if book is not None and ui is not None:
        return run(book, ui)
    xbook = None
    try:
        import xlwings as xw

        xbook = xw.Book.caller()
        ui = ui or ExcelUI(xbook.app)
        book = book or XlwingsBook(xbook)
    except Exception as exc:
        _logger().exception("could not reach the calling workbook")
        message = f"{CALLER_FAILED}（{type(exc).__name__}: {exc}）\n详细信息已记录在：{log_path()}"
        if ui is None and xbook is not None:
            with contextlib.suppress(Exception):
                ui = ExcelUI(xbook.app)
        if ui is not None:
            _tell(ui, message)
        else:
            print(message, file=sys.stderr)
        return None
    return run(book, ui)


CALLER_FAILED = "无法连接到按下按钮的工作簿，工作簿未被修改。请确认工作簿已打开并处于编辑状态（不是“受保护的视图”），再按一次“重新计算”"
FOREIGN_BUTTON = (
    "当前工作簿“{name}”是单位原有的自评表，不是 xlperf 自评表，“重新计算”不改写它。\n"
    "请先导入：在命令行中运行 xlperf import “{name}” -o 新自评表.xlsx，再打开新文件按“重新计算”；"
    "只查看得分和问题可用 xlperf check “{name}”"
)


class ExcelUI:
    """Status bar and message box of a live xlwings App (main.py ``App.status_bar``/``App.alert``)."""

    def __init__(self, app):
        self.app = app

    def status(self, message: str) -> None:
        try:
            self.app.status_bar = message or False  # False gives the status bar back to Excel
        except Exception:  # pragma: no cover - never let the status bar stop a run
            pass

    def alert(self, message: str) -> None:
        self.app.alert(message, title=TITLE)


class XlwingsBook:
    """The book interface over a live xlwings Book.

    ``read`` costs one call for the used range's values (two on a Mac: values and shown texts)
    and, per column holding numbers, one or a few for number formats (cells formatted as a
    percentage are read as :class:`~xlperf.core.values.Percent`, as the file reader does).
    ``write`` sends only the cells the program owns, one call per rectangle of them
    (:func:`owned_rectangles`): a KEEP cell is never re-entered. It then sets the block's number
    formats on its numeric cells with one call per format code, the cells the file route formats
    (:meth:`xlperf.ooxml.patch.XlsxPatcher.set_block`). Only the number format changes: fonts,
    fills and borders stay as they are, as on the file route.
    """

    def __init__(self, xbook, *, mac: bool | None = None):
        self._book = xbook
        self.name = xbook.name
        # xlwings on a Mac (appscript) has no multi-area ranges: _xlmac.py Sheet.range splits a
        # string address at ":" and keeps only the first cell of "C5:C9,E5:E9".
        self._mac = _is_mac(xbook) if mac is None else mac
        self._lifted: dict[str, Any] = {}
        self._prepare_element = None

    def sheet_names(self) -> list[str]:
        return [s.name for s in self._book.sheets]

    def read(self, sheet: str) -> Grid:
        sht = self._book.sheets[sheet]
        rng = sht.used_range
        top, left = rng.row, rng.column
        height, width = rng.shape
        values = _grid(self._values_of(rng), height, width)
        percent = _percent_cells(sht, values, top, left)
        return [
            [Percent(from_excel(v)) if (r, c) in percent else from_excel(v) for c, v in enumerate(line, 1)]
            for r, line in enumerate(_pad(values, top, left), 1)
        ]

    def _values_of(self, rng) -> Any:
        """The used range's values, cell errors as their text ("#N/A").

        Windows: ``options(ndim=2, err_to_str=True)`` (xlwings maps COM's error integers).
        Mac: _xlmac.py ``Range.raw_value`` with ``err_to_str`` runs its ``ensure_2d``, which
        returns None for a range of more than one row and column, so the values are read
        without it (an error cell is appscript's ``missing_value``, given as None) and the
        errors come from the range's ``string_value``, as xlwings itself does, in one more call.
        """
        if not self._mac:
            return rng.options(ndim=2, err_to_str=True).value
        values = rng.options(ndim=2).value
        texts = rng.api.string_value.get()
        height, width = rng.shape
        grid = _grid(values, height, width)
        for i, line in enumerate(_grid(texts, height, width)):
            for j, text in enumerate(line):
                if text in _ERROR_STRINGS and i < len(grid) and j < len(grid[i]):
                    grid[i][j] = text
        return grid

    def write(self, sheet: str, row: int, col: int, block: Grid, number_formats: dict[int, str] | None = None) -> None:
        """Write the block's owned cells only: one call per rectangle of owned cells
        (:func:`owned_rectangles`); a KEEP cell (人工得分, 偏差原因分析, 定稿 …) is never sent,
        so Excel never re-parses what the officer typed."""
        sht = self._book.sheets[sheet]
        prepare = self._prepare()
        for r, c, rows in owned_rectangles(block, row, col):
            rng = sht.range((r, c), (r + len(rows) - 1, c + len(rows[0]) - 1))
            rng.raw_value = [[prepare(_text_safe(v), {}) for v in line] for line in rows]
        for code, address in format_addresses(block, row, col, number_formats or {}):
            for part in address.split(",") if self._mac else [address]:
                sht.range(part).number_format = code

    def _prepare(self):
        """xlwings' own conversion of one Python value for Excel (the platform engine's
        ``prepare_xl_data_element``: None → "", dates for COM or AppleScript, ints as floats on a
        Mac), applied here so each rectangle is sent with ``raw_value``: the range already has the
        block's shape, and ``.value`` would cost ~70 more round trips per write re-sizing it."""
        if self._prepare_element is None:
            self._prepare_element = self._book.app.engine.impl.prepare_xl_data_element
        return self._prepare_element

    def add_sheet(self, name: str) -> None:
        sheets = self._book.sheets
        sht = sheets.add(name, after=sheets[len(sheets) - 1])
        for c, width in layout.ADDED_SHEET_WIDTHS.get(name, {}).items():  # as FileBook.save does
            sht.range((1, c)).column_width = width

    @contextlib.contextmanager
    def writing(self, sheets: list[str]):
        """Lift the protection of every sheet in ``sheets`` before the first write and restore it,
        exactly as it was, after the last. A sheet with a password stops the run before any write."""
        lifted: list[_Protection] = []
        try:
            for name in sheets:
                prot = _Protection.of(self._book.sheets[name], self._mac)
                if prot.read():
                    prot.lift(name, self.name)
                    lifted.append(prot)
            yield
        finally:
            failed: list[str] = []
            cause: BaseException | None = None
            for prot in lifted:  # every sheet, even when one refuses
                try:
                    prot.restore()
                except Exception as exc:
                    failed.append(prot.sheet)
                    cause = cause or exc
            if cause is not None:
                raise ProtectionNotRestored(failed, cause)


def _is_mac(xbook) -> bool:
    """Whether xlwings drives Excel through its Mac implementation (_xlmac.py, appscript)."""
    impl = getattr(xbook, "impl", None)
    module = type(impl).__module__ if impl is not None else ""
    return module.endswith("_xlmac") if module.startswith("xlwings.") else sys.platform == "darwin"


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


class _Protection:
    """One sheet's protection over the platform's object model, read whole and restored whole.

    The template protects its sheets without a password so officers don't overwrite computed
    cells; Excel refuses writes to locked cells of a protected sheet. Windows: the COM
    Worksheet (``ProtectContents``, ``Protection.Allow*``, ``Unprotect``, ``Protect``). Mac:
    xlwings' ``sheet.api`` is an appscript reference (_xlmac.py) with the same members under
    the names of mac_dict.py (``protect_contents``, ``protection_object``, ``unprotect``,
    ``protect_worksheet``). ``Unprotect`` is called with an empty password: a sheet without a
    password opens, one with a password refuses instead of prompting, and we say so.
    """

    def __init__(self, api):
        self.api = api
        self.sheet = ""
        self.state: dict[str, bool] | None = None

    @staticmethod
    def of(sht, mac: bool) -> "_Protection":
        api = getattr(sht, "api", None)
        return _MacProtection(api) if mac else _Protection(api)

    def read(self) -> bool:
        """Remember the protection; True when the sheet's contents are protected."""
        api = self.api
        if api is None or not api.ProtectContents:
            return False
        prot = api.Protection
        self.state = {name: bool(getattr(prot, name)) for name in _PROTECTION_FLAGS}
        self.state.update(
            DrawingObjects=bool(api.ProtectDrawingObjects),
            Scenarios=bool(api.ProtectScenarios),
            UserInterfaceOnly=bool(api.ProtectionMode),
        )
        return True

    def lift(self, sheet: str, book: str) -> None:
        self.sheet = sheet
        try:
            self._unprotect()
        except Exception:
            self.state = None  # still protected: nothing to restore
            raise SheetProtected(
                "工作表设置了密码保护，xlperf 无法写入计算结果。请先撤销工作表保护"
                "（审阅 → 撤销工作表保护，输入密码），再按“重新计算”。",
                path=book,
                sheet=sheet,
            ) from None

    def _unprotect(self) -> None:
        self.api.Unprotect("")

    def restore(self) -> None:
        if self.state is not None:
            self.api.Protect(Contents=True, **self.state)


_MAC_NAMES = {
    name: re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower() for name in _PROTECTION_FLAGS
} | {"AllowUsingPivotTables": "allow_using_pivot_table", "DrawingObjects": "drawing_objects",
     "Scenarios": "scenarios", "UserInterfaceOnly": "user_interface_only"}


class _MacProtection(_Protection):
    """The same over appscript: properties are read with ``.get()`` (mac_dict.py names)."""

    def read(self) -> bool:
        api = self.api
        if not api.protect_contents.get():
            return False
        prot = api.protection_object.get()
        self.state = {name: bool(getattr(prot, _MAC_NAMES[name]).get()) for name in _PROTECTION_FLAGS}
        self.state.update(
            DrawingObjects=bool(api.protect_drawing_objects.get()),
            Scenarios=bool(api.protect_scenarios.get()),
            UserInterfaceOnly=bool(api.protection_mode.get()),
        )
        return True

    def _unprotect(self) -> None:
        self.api.unprotect(password="")

    def restore(self) -> None:
        if self.state is not None:
            self.api.protect_worksheet(worksheet_contents=True, **{_MAC_NAMES[k]: v for k, v in self.state.items()})


def _grid(data: Any, height: int, width: int) -> Grid:
    """A used range's values or formulas as a list of rows, whatever shape xlwings gave.

    ``options(ndim=2).value`` is already 2-D; ``.formula`` is Excel's own ``Range.Formula``: a
    string for one cell, a tuple of row tuples for several (xlwings passes it through).
    """
    if data is None:
        return [[None] * width for _ in range(height)]
    if not isinstance(data, (list, tuple)):
        return [[data]]
    rows = list(data)
    if rows and not isinstance(rows[0], (list, tuple)):  # a 1-D answer: one row or one column
        return [rows] if height == 1 else [[v] for v in rows]
    return [list(r) for r in rows]


def _is_number(v: Any) -> bool:
    """What the file route formats: numbers, not booleans or dates (patch._prepare's "num")."""
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def format_addresses(block: Grid, row: int, col: int, number_formats: dict[int, str]) -> list[tuple[str, str]]:
    """(format code, address) pairs that give the block's numeric cells their column's format.

    One multi-area address per code (``"C5:C9,C11:C20,E5:E20"``), so one call sets a format for
    every column that uses it; Excel refuses addresses over 255 characters, so a long one is
    split (rare: it takes many interruptions of the numeric runs).
    """
    areas: dict[str, list[str]] = {}
    for off, code in sorted(number_formats.items()):
        c = col + off
        run_start = None
        for i in range(len(block) + 1):
            v = block[i][off] if i < len(block) and off < len(block[i]) else None
            if v is not KEEP and _is_number(v):
                run_start = i if run_start is None else run_start
            elif run_start is not None:
                a, b = row + run_start, row + i - 1
                areas.setdefault(code, []).append(f"{col_letter(c)}{a}" + (f":{col_letter(c)}{b}" if b > a else ""))
                run_start = None
    out: list[tuple[str, str]] = []
    for code, parts in areas.items():
        current = ""
        for part in parts:
            if current and len(current) + 1 + len(part) > _MAX_ADDRESS:
                out.append((code, current))
                current = ""
            current = f"{current},{part}" if current else part
        out.append((code, current))
    return out


_MAX_ADDRESS = 255


def _percent_cells(sht, values: Grid, top: int, left: int) -> set[tuple[int, int]]:
    """Cells (row, col) holding a number formatted as a percentage.

    Excel gives one number format for a range whose cells share it and None when they differ,
    so each column holding numbers costs one call, and a mixed column is halved until each part
    answers (a few calls per change of format). Columns without numbers cost nothing.
    """
    out: set[tuple[int, int]] = set()
    height = len(values)
    for j in range(len(values[0]) if values else 0):
        rows = [i for i in range(height) if j < len(values[i]) and _is_number(values[i][j])]
        if not rows:
            continue
        c = left + j
        todo = [(top + rows[0], top + rows[-1])]
        while todo:
            r1, r2 = todo.pop()
            code = sht.range((r1, c), (r2, c)).number_format
            if code is None and r1 < r2:
                mid = (r1 + r2) // 2
                todo += [(r1, mid), (mid + 1, r2)]
            elif code and is_percent_format(code):
                out.update((r, c) for r in range(r1, r2 + 1))
    return {(r, c) for r, c in out if _is_number(values[r - top][c - left])}


def is_percent_format(code: str) -> bool:
    """True when a number format code shows numbers as a percentage (a ``%`` outside quotes,
    escapes and ``[...]`` sections)."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])
    return "%" in plain


def _pad(rows: list[list[Any]], top: int, left: int) -> Grid:
    """Place a used range that starts at (top, left) into a grid that starts at A1."""
    grid: Grid = [[] for _ in range(top - 1)]
    for r in rows:
        grid.append([None] * (left - 1) + list(r))
    return grid


def from_excel(value: Any) -> Any:
    """A value as xlwings hands it over, as the file reader gives it.

    pywin32 returns a number in a cell formatted as currency or 会计专用 as COM's Currency
    type, a :class:`decimal.Decimal` (four decimal places; xlwings passes it through): it
    becomes the float the file holds for the same number, so every rule sees a number.
    Error texts (``"#N/A"``) become :class:`~xlperf.ooxml.CellError`, as from a file.
    """
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value in _ERROR_STRINGS:
        from xlperf.ooxml import CellError

        return CellError(value)
    return value


def owned_rectangles(block: Grid, row: int, col: int) -> list[tuple[int, int, Grid]]:
    """The block's owned (non-KEEP) cells as rectangles (top row, left column, rows).

    Each row splits into runs of owned cells; a run continues the rectangle above it when the
    row before had a run with the same columns, so a table whose owned columns are the same on
    every row costs one rectangle per run of adjacent owned columns.
    """
    open_: dict[tuple[int, int], tuple[int, Grid]] = {}  # (first, last offset) -> (top row, rows)
    done: list[tuple[int, int, Grid]] = []
    for i, line in enumerate(list(block) + [[]]):
        runs: list[tuple[int, int]] = []
        start = None
        for j, v in enumerate(list(line) + [KEEP]):
            if v is not KEEP and start is None:
                start = j
            elif v is KEEP and start is not None:
                runs.append((start, j - 1))
                start = None
        for span in list(open_):
            if span not in runs:
                top, rows = open_.pop(span)
                done.append((top, col + span[0], rows))
        for a, b in runs:
            top, rows = open_.setdefault((a, b), (row + i, []))
            rows.append(list(line[a : b + 1]))
    return sorted(done)


def _text_safe(v: Any) -> Any:
    """What Excel keeps exactly as written through the object model.

    Excel parses text written to ``Range.Value`` as if typed: ``=…``, ``+…``, ``-…`` become
    formulas, ``001`` a number, ``50%`` 0.5, ``1-2`` or ``1月2日`` a date, ``TRUE`` a boolean.
    A leading apostrophe keeps the text as text (Excel stores it as the cell's prefix, not as
    part of the value), so any text Excel might read as something else gets one.
    """
    if isinstance(v, str) and _EXCEL_MIGHT_PARSE.match(v):
        return "'" + v
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return _dt.datetime(v.year, v.month, v.day)
    return v


_EXCEL_MIGHT_PARSE = re.compile(
    r"^\s*(?:[=+\-@'.(\d$¥￥€£]|(?:true|false)\s*$|#)", re.IGNORECASE
)
