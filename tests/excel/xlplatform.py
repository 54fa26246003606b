"""xlwings' own platform code, run here: ``xlwings._xlwindows`` and ``xlwings._xlmac`` imported
for real, with only the layer below them faked.

The button talks to ``xw.Book``/``xw.Sheet``/``xw.Range`` (xlwings' main.py); those call the
platform implementation (``_xlwindows.py`` on Windows, ``_xlmac.py`` on a Mac) and xlwings'
conversion pipeline (conversion/standard.py: reading, ``Ensure2D``, ``clean_value_data``,
``prepare_xl_data_element``, resizing on write). All of that runs unchanged. What is faked is
what those modules call:

Windows (``_xlwindows.py`` over pywin32):
* ``pywintypes``, ``pythoncom``, ``win32api``, ``win32con``, ``win32com.client``, ``win32gui``,
  ``win32process``, ``win32timezone`` are stub modules in ``sys.modules`` while
  ``_xlwindows`` is imported (and ctypes' Windows-only ``oledll``/``windll``/``PyDLL`` uses at
  import time), then removed again; the module keeps its references.
* The COM object model (:class:`ComApplication`, :class:`ComWorkbook`, :class:`ComSheets`,
  :class:`ComSheet`, :class:`ComRange`) answers as Excel does through pywin32 (Excel VBA
  reference; pywin32's VARIANT conversion):
  - ``Range.Value`` of one cell is a scalar, of several cells a tuple of row tuples (only the
    first area of a multi-area range); empty cells are ``None``; numbers are ``float``; a
    number in a cell formatted as currency or 会计专用 is COM's Currency type, which pywin32
    returns as :class:`decimal.Decimal` with four decimal places; a date is
    ``pywintypes.TimeType`` (a ``datetime`` with a UTC tzinfo); an error cell is the error's
    integer (``-2146826246`` for ``#N/A``, the codes of ``_xlwindows.cell_errors``).
  - ``Range.Formula``: a ``str`` for one cell, a tuple of row tuples of ``str`` for several.
  - ``Range.NumberFormat``: the code shared by every cell, ``None`` (VT_NULL) when they differ.
  - Writing ``Value`` parses text as if typed (``001`` → 1, ``50%`` → 0.5 formatted ``0%``,
    ``1-2``/``1月2日`` → a date, ``TRUE`` → a boolean, ``=…`` → a formula); a leading
    apostrophe keeps text as text and is not part of the value. A protected sheet refuses
    writes with a ``com_error``; ``Unprotect`` with a wrong password too (run-time error 1004).
  - ``Worksheet.Range("C5:C9,E5:E9")`` is a multi-area range; Excel refuses an address over
    255 characters.
* ``win32api.MessageBox`` (what ``App.alert`` calls) records its text in :data:`MESSAGE_BOXES`.

Mac (``_xlmac.py`` over appscript):
* ``appscript`` (``app``, ``its``, ``k``, ``mactypes``, ``reference.CommandError``/``Reference``),
  ``aem``, ``osax`` and ``psutil`` are stubs while ``_xlmac`` is imported; ``k.name`` is a
  keyword compared by name, as appscript's ``Keyword``.
* The appscript references (:class:`MacApp`, :class:`MacWorkbook`, :class:`MacSheet`,
  :class:`MacRange`, properties read with ``.get()`` and written with ``.set()``, names from
  xlwings' mac_dict.py) answer as Excel's AppleScript does:
  - ``value`` of one cell is a scalar, of one row a flat list, of more a list of row lists
    (the shapes ``conversion/standard.py`` ``_rows_2d`` describes); an empty cell is ``""``;
    an error cell is ``k.missing_value`` (xlwings' changelog, 0.15.5: "k.missing_value on
    Mac"); ``string_value`` gives the shown text, ``"#N/A"`` for an error.
  - ``number_format`` is ``k.missing_value`` when the cells differ.
  - ``osax.OSAX(...).display_alert`` (what ``App.alert`` calls) records in :data:`MESSAGE_BOXES`.

Every call into the fake object model (a property read or write, a method) is one round trip
to Excel and is recorded in :attr:`XBook.calls` as ``(what, sheet)``.

The data behind both is one :class:`XBook` (cells with value, formula and number format,
sheet protection), loaded from an .xlsx with openpyxl (:meth:`XBook.from_file`).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import re
import struct
import sys
import types
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlperf.core.refs import col_index, col_letter


MESSAGE_BOXES: list[tuple[str, str]] = []
"""(title, text) of every message box shown through xlwings' App.alert, both platforms."""

ERROR_CODES = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
GENERAL = "General"
PROTECT_FLAGS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
    "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
    "AllowSorting", "AllowFiltering", "AllowUsingPivotTables",
)


@dataclass
class ProtectionState:
    """A sheet's protection as Excel keeps it (Worksheet.Protect's arguments)."""

    contents: bool = False
    drawing_objects: bool = False
    scenarios: bool = False
    user_interface_only: bool = False
    password: str = ""
    allow: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(PROTECT_FLAGS, False))


# =============================================================================== the workbook


@dataclass
class XCell:
    value: Any = None
    formula: str | None = None
    number_format: str = GENERAL

    @property
    def used(self) -> bool:
        return self.value is not None or self.formula is not None or self.number_format != GENERAL


@dataclass
class XSheet:
    book: "XBook"
    name: str
    cells: dict[tuple[int, int], XCell] = field(default_factory=dict)
    protection: ProtectionState = field(default_factory=ProtectionState)
    column_widths: dict[int, float] = field(default_factory=dict)
    written: set[tuple[int, int]] = field(default_factory=set)  # cells a Value write reached
    fail_writes: Exception | None = None  # set to make every write to this sheet raise

    def cell(self, r: int, c: int, create: bool = False) -> XCell:
        if create:
            return self.cells.setdefault((r, c), XCell())
        return self.cells.get((r, c)) or XCell()

    def used_area(self) -> tuple[int, int, int, int]:
        used = [k for k, cell in self.cells.items() if cell.used]
        if not used:
            return 1, 1, 1, 1
        rows = [r for r, _ in used]
        cols = [c for _, c in used]
        return min(rows), min(cols), max(rows), max(cols)

    def check_writable(self) -> None:
        if self.fail_writes is not None:
            raise self.fail_writes
        if self.protection.contents:
            raise _com_error("The cell or chart you're trying to change is on a protected sheet.")

    def unprotect(self, password) -> None:
        if self.protection.contents and self.protection.password and password != self.protection.password:
            raise _com_error("The password you supplied is not correct.")
        self.protection = ProtectionState()

    def type_in(self, r: int, c: int, v: Any) -> None:
        """What Excel stores when ``v`` is written to a cell through the object model."""
        self.check_writable()
        cell = self.cell(r, c, create=True)
        self.written.add((r, c))
        cell.formula = None
        if isinstance(v, str):
            if v.startswith("'"):
                cell.value = v[1:]
            elif v.startswith("="):
                cell.formula, cell.value = v, None
            else:
                value, fmt = excel_parse(v)
                cell.value = value
                if fmt and cell.number_format == GENERAL:
                    cell.number_format = fmt
        elif isinstance(v, dt.datetime):
            cell.value = v.replace(tzinfo=None)
        elif isinstance(v, Decimal):
            cell.value = float(v)
        elif isinstance(v, bool) or v is None:
            cell.value = v
        elif isinstance(v, (int, float)):
            cell.value = float(v)
        else:
            raise _com_error(f"Excel cannot take a {type(v).__name__}")

    def shown(self, r: int, c: int) -> str:
        """The cell's displayed text (enough for what is asked of it here: errors and plain values)."""
        v = self.cell(r, c).value
        if v is None:
            return ""
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    def formula_text(self, r: int, c: int) -> str:
        cell = self.cell(r, c)
        return cell.formula if cell.formula is not None else self.shown(r, c)


class XBook:
    def __init__(self, name: str = "自评.xlsx"):
        self.name = name
        self.sheets: list[XSheet] = []
        self.calls: list[tuple[str, str]] = []
        self.status_bar: Any = False

    def call(self, what: str, sheet: str = "") -> None:
        self.calls.append((what, sheet))

    def count(self, what: str | None = None, sheet: str | None = None) -> int:
        return sum(1 for w, s in self.calls if (what is None or w == what) and (sheet is None or s == sheet))

    def sheet(self, key) -> XSheet:
        if isinstance(key, int):
            return self.sheets[key - 1]
        for s in self.sheets:
            if s.name.lower() == str(key).lower():
                return s
        raise _com_error(f"Subscript out of range: {key!r}")

    def add_sheet(self, name: str, index: int | None = None) -> XSheet:
        sheet = XSheet(self, name)
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        return sheet

    def written(self) -> set[tuple[str, int, int]]:
        return {(s.name, r, c) for s in self.sheets for r, c in s.written}

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> "XBook":
        """What Excel shows of an .xlsx: values (cached results of formulas), formulas, number
        formats, sheet protection."""
        import openpyxl

        wb = openpyxl.load_workbook(path)
        cached = openpyxl.load_workbook(path, data_only=True)
        book = cls(name or path.name)
        for ws in wb.worksheets:
            sheet = book.add_sheet(ws.title)
            values = cached[ws.title]
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None and c.number_format == GENERAL:
                        continue
                    cell = sheet.cell(c.row, c.column, create=True)
                    cell.number_format = c.number_format
                    if c.data_type == "f" and isinstance(c.value, str):
                        cell.formula = c.value
                        cell.value = values.cell(c.row, c.column).value
                    elif c.data_type == "e":
                        cell.value = ErrorValue(c.value)
                    else:
                        cell.value = _plain(c.value)
            sheet.protection = _protection_of(ws)
        return book


class ErrorValue(str):
    """A cell error (``#N/A``): what Excel holds, as opposed to the text "#N/A"."""


def _plain(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, dt.time):
        return dt.datetime(1899, 12, 30, v.hour, v.minute, v.second)
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _protection_of(ws) -> ProtectionState:
    p = ws.protection  # openpyxl: True on an action means *forbidden*
    allow = {
        "AllowFormattingCells": not p.formatCells, "AllowFormattingColumns": not p.formatColumns,
        "AllowFormattingRows": not p.formatRows, "AllowInsertingColumns": not p.insertColumns,
        "AllowInsertingRows": not p.insertRows, "AllowInsertingHyperlinks": not p.insertHyperlinks,
        "AllowDeletingColumns": not p.deleteColumns, "AllowDeletingRows": not p.deleteRows,
        "AllowSorting": not p.sort, "AllowFiltering": not p.autoFilter, "AllowUsingPivotTables": not p.pivotTables,
    }
    return ProtectionState(contents=bool(p.sheet), drawing_objects=bool(p.objects), scenarios=bool(p.scenarios), allow=allow)


_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+"


def excel_parse(text: str) -> tuple[Any, str | None]:
    """What Excel (Chinese locale) makes of text typed into a General cell: (value, number
    format it applies or None). Numbers, percentages, currency amounts, dates (``1-2``,
    ``2024/1/2``, ``1月2日``, ``2024年1月2日``), booleans; anything else stays text."""
    if text == "":
        return None, None
    s = text.strip()
    if s == "":
        return text, None  # blanks stay text
    if s.upper() in ("TRUE", "FALSE"):
        return s.upper() == "TRUE", None
    if re.fullmatch(_NUMBER, s):
        return float(s.replace(",", "")), None
    if re.fullmatch(rf"(?:{_NUMBER})%", s):
        return float(s[:-1].replace(",", "")) / 100, "0%"
    m = re.fullmatch(rf"[¥￥$]\s*({_NUMBER})", s)
    if m:
        return float(m.group(1).replace(",", "")), '"¥"#,##0.00'
    m = re.fullmatch(r"(?:(\d{4})[-/年])?(\d{1,2})[-/月](\d{1,2})日?", s)
    if m:
        year = int(m.group(1)) if m.group(1) else dt.date.today().year
        with contextlib.suppress(ValueError):
            return dt.datetime(year, int(m.group(2)), int(m.group(3))), "yyyy/m/d"
    return text, None


def is_currency_format(code: str | None) -> bool:
    """Formats for which Excel's ``Range.Value`` gives COM Currency: a currency symbol or a
    locale currency tag (``[$¥-804]``), as the 货币 and 会计专用 categories write them."""
    if not code:
        return False
    plain = re.sub(r'\\.', "", code)
    return bool(re.search(r'[¥￥$€£]|\[\$[^\]]*-\w+\]', plain))


def _parse_area(text: str) -> tuple[int, int, int, int]:
    refs = text.replace("$", "").split(":")
    pts = []
    for ref in refs:
        m = re.fullmatch(r"([A-Za-z]+)(\d+)", ref.strip())
        if not m:
            raise _com_error(f"bad address {text!r}")
        pts.append((int(m.group(2)), col_index(m.group(1).upper())))
    (r1, c1), (r2, c2) = pts[0], pts[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _address(area: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = area
    a = f"${col_letter(c1)}${r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:${col_letter(c2)}${r2}"


# =============================================================================== Windows: COM


class _ComError(Exception):
    """pywintypes.com_error: args (hresult, text, excepinfo, argerror)."""

    def __init__(self, hresult=-2147352567, text="Exception occurred.", excepinfo=None, argerror=None):
        super().__init__(hresult, text, excepinfo, argerror)
        self.hresult, self.strerror, self.excepinfo, self.argerror = hresult, text, excepinfo, argerror


def _com_error(message: str) -> _ComError:
    # DISP_E_EXCEPTION with Excel's message in the EXCEPINFO; scode 0x800A03EC (run-time error 1004)
    return _ComError(-2147352567, "Exception occurred.", (0, "Microsoft Excel", message, None, 0, -2146827284), None)


class _PyTime(dt.datetime):
    """pywintypes.TimeType: a datetime subclass, tz-aware (UTC) as pywin32 returns it."""


def _win_value(sheet: XSheet, r: int, c: int) -> Any:
    cell = sheet.cell(r, c)
    v = cell.value
    if isinstance(v, ErrorValue):
        return ERROR_CODES[str(v)]
    if isinstance(v, dt.datetime):
        return _PyTime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, tzinfo=dt.timezone.utc)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if is_currency_format(cell.number_format):  # VT_CY: an int64 of 1/10000ths
            return Decimal(round(float(v) * 10000)) / Decimal(10000)
        return float(v)
    return v


class _Counted:
    _book: XBook
    _sheet_name = ""

    def _call(self, what: str) -> None:
        self._book.call(what, self._sheet_name)


class ComApplication(_Counted):
    Name = "Microsoft Excel"
    Version = "16.0"

    def __init__(self, book: XBook):
        object.__setattr__(self, "_book", book)
        object.__setattr__(self, "_workbook", ComWorkbook(book, self))

    @property
    def Hwnd(self):
        self._call("Application.Hwnd")
        return 4242

    @property
    def StatusBar(self):
        self._call("Application.StatusBar.get")
        return self._book.status_bar

    @StatusBar.setter
    def StatusBar(self, value):
        self._call("Application.StatusBar.set")
        self._book.status_bar = value

    @property
    def ActiveWorkbook(self):
        self._call("Application.ActiveWorkbook")
        return self._workbook

    @property
    def Workbooks(self):
        self._call("Application.Workbooks")
        return self._workbook  # one workbook is enough here


class ComWorkbook(_Counted):
    def __init__(self, book: XBook, app: ComApplication):
        self._book, self._app = book, app

    @property
    def Name(self):
        self._call("Workbook.Name")
        return self._book.name

    @property
    def FullName(self):
        self._call("Workbook.FullName")
        return "C:\\Users\\张三\\Documents\\" + self._book.name

    @property
    def Application(self):
        return self._app

    @property
    def Worksheets(self):
        self._call("Workbook.Worksheets")
        return ComSheets(self._book, self)


class ComSheets(_Counted):
    def __init__(self, book: XBook, parent: ComWorkbook):
        self._book, self._parent = book, parent

    @property
    def Count(self):
        self._call("Worksheets.Count")
        return len(self._book.sheets)

    @property
    def Parent(self):
        return self._parent

    def __call__(self, key):
        self._call("Worksheets.Item")
        return ComSheet(self._book.sheet(key), self._parent)

    def __iter__(self):
        self._call("Worksheets.__iter__")
        return iter([ComSheet(s, self._parent) for s in self._book.sheets])

    def Add(self, Before=None, After=None):
        self._call("Worksheets.Add")
        names = {s.name for s in self._book.sheets}
        n = len(self._book.sheets) + 1
        while f"Sheet{n}" in names:
            n += 1
        index = self._book.sheets.index(Before._data) if Before is not None else len(self._book.sheets)
        return ComSheet(self._book.add_sheet(f"Sheet{n}", index), self._parent)


class ComSheet(_Counted):
    def __init__(self, data: XSheet, parent: ComWorkbook):
        self._data, self._parent, self._book = data, parent, data.book
        self._sheet_name = data.name

    @property
    def Name(self):
        self._call("Worksheet.Name")
        return self._data.name

    @Name.setter
    def Name(self, value):
        self._call("Worksheet.Name.set")
        self._data.name = value
        self._sheet_name = value

    @property
    def Index(self):
        self._call("Worksheet.Index")
        return self._book.sheets.index(self._data) + 1

    @property
    def Parent(self):
        return self._parent

    def Move(self, Before=None, After=None):
        self._call("Worksheet.Move")
        sheets = self._book.sheets
        sheets.remove(self._data)
        sheets.insert(sheets.index(Before._data) if Before is not None else sheets.index(After._data) + 1, self._data)

    def Activate(self):
        self._call("Worksheet.Activate")

    def Cells(self, row, column):
        self._call("Worksheet.Cells")
        return ComRange(self, [(row, column, row, column)])

    def Range(self, first, second=None):
        self._call("Worksheet.Range")
        if isinstance(first, ComRange) and second is None:
            return first
        if isinstance(first, ComRange):
            a, b = first._areas[0], second._areas[0]
            return ComRange(self, [(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))])
        if second is not None:
            a, b = _parse_area(first), _parse_area(second)
            return ComRange(self, [(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))])
        if len(first) > 255:
            raise _com_error("Method 'Range' of object '_Worksheet' failed")
        return ComRange(self, [_parse_area(part) for part in first.split(",")])

    @property
    def UsedRange(self):
        self._call("Worksheet.UsedRange")
        return ComRange(self, [self._data.used_area()])

    # --- protection (Excel VBA reference: Worksheet.Protect)
    @property
    def ProtectContents(self):
        self._call("Worksheet.ProtectContents")
        return self._data.protection.contents

    @property
    def ProtectDrawingObjects(self):
        self._call("Worksheet.ProtectDrawingObjects")
        return self._data.protection.drawing_objects

    @property
    def ProtectScenarios(self):
        self._call("Worksheet.ProtectScenarios")
        return self._data.protection.scenarios

    @property
    def ProtectionMode(self):
        self._call("Worksheet.ProtectionMode")
        return self._data.protection.user_interface_only

    @property
    def Protection(self):
        self._call("Worksheet.Protection")
        sheet = self

        class _Protection:
            def __getattr__(self, name):
                if name in PROTECT_FLAGS:
                    sheet._call(f"Protection.{name}")
                    return sheet._data.protection.allow[name]
                raise AttributeError(name)

        return _Protection()

    def Unprotect(self, Password=None):
        self._call("Worksheet.Unprotect")
        self._data.unprotect(Password)

    def Protect(self, Password=None, DrawingObjects=True, Contents=True, Scenarios=True, UserInterfaceOnly=False, **allow):
        self._call("Worksheet.Protect")
        unknown = set(allow) - set(PROTECT_FLAGS)
        if unknown:
            raise _com_error(f"unknown arguments {unknown}")
        self._data.protection = ProtectionState(
            contents=bool(Contents), drawing_objects=bool(DrawingObjects), scenarios=bool(Scenarios),
            user_interface_only=bool(UserInterfaceOnly), password=Password or "",
            allow={k: bool(allow.get(k, False)) for k in PROTECT_FLAGS},
        )


class _Count:
    def __init__(self, n):
        self.Count = n


class ComRange(_Counted):
    def __init__(self, sheet: ComSheet, areas: list[tuple[int, int, int, int]]):
        self._ws, self._areas, self._book = sheet, areas, sheet._book
        self._sheet_name = sheet._data.name

    @property
    def _data(self) -> XSheet:
        return self._ws._data

    def _rows(self):
        r1, c1, r2, c2 = self._areas[0]
        return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def _all(self):
        for r1, c1, r2, c2 in self._areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def _shape_out(self, rows):
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return tuple(tuple(line) for line in rows)

    # --- geometry
    @property
    def Row(self):
        self._call("Range.Row")
        return self._areas[0][0]

    @property
    def Column(self):
        self._call("Range.Column")
        return self._areas[0][1]

    @property
    def Rows(self):
        self._call("Range.Rows")
        r1, _c1, r2, _c2 = self._areas[0]
        return _Count(r2 - r1 + 1)

    @property
    def Columns(self):
        self._call("Range.Columns")
        _r1, c1, _r2, c2 = self._areas[0]
        return _Count(c2 - c1 + 1)

    @property
    def Count(self):
        self._call("Range.Count")
        return sum(1 for _ in self._all())

    @property
    def Worksheet(self):
        self._call("Range.Worksheet")
        return self._ws

    @property
    def Address(self):
        self._call("Range.Address")
        return ",".join(_address(a) for a in self._areas)

    def __call__(self, row, column=1):
        self._call("Range.Item")
        r = self._areas[0][0] + row - 1
        c = self._areas[0][1] + column - 1
        return ComRange(self._ws, [(r, c, r, c)])

    # --- contents
    @property
    def Value(self):
        self._call("Range.Value.get")
        return self._shape_out([[_win_value(self._data, r, c) for r, c in line] for line in self._rows()])

    @Value.setter
    def Value(self, data):
        self._call("Range.Value.set")
        rows = self._rows()
        if not isinstance(data, (list, tuple)):
            data = [[data] * len(rows[0]) for _ in rows]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        if len(data) != len(rows) or any(len(a) != len(b) for a, b in zip(data, rows)):
            raise AssertionError("the fake takes an array of the range's own shape (xlwings resizes first)")
        for line, values in zip(rows, data):
            for (r, c), v in zip(line, values):
                self._data.type_in(r, c, v)

    @property
    def Formula(self):
        self._call("Range.Formula.get")
        return self._shape_out([[self._data.formula_text(r, c) for r, c in line] for line in self._rows()])

    @property
    def NumberFormat(self):
        self._call("Range.NumberFormat.get")
        codes = {self._data.cell(r, c).number_format for r, c in self._all()}
        return codes.pop() if len(codes) == 1 else None

    @NumberFormat.setter
    def NumberFormat(self, code):
        self._call("Range.NumberFormat.set")
        self._data.check_writable()
        for r, c in self._all():
            self._data.cell(r, c, create=True).number_format = code

    @property
    def ColumnWidth(self):
        self._call("Range.ColumnWidth.get")
        return self._data.column_widths.get(self._areas[0][1])

    @ColumnWidth.setter
    def ColumnWidth(self, width):
        self._call("Range.ColumnWidth.set")
        for _r1, c1, _r2, c2 in self._areas:
            for c in range(c1, c2 + 1):
                self._data.column_widths[c] = width


# =============================================================================== Mac: appscript


class Keyword:
    """appscript's ``k.name``: equal to another keyword of the same name."""

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, Keyword) and other.name == self.name

    def __hash__(self):
        return hash(("Keyword", self.name))

    def __repr__(self):
        return f"k.{self.name}"


class _K:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Keyword(name)


k = _K()
MISSING = k.missing_value


class _Prop:
    """An appscript property reference: ``.get()`` and ``.set(value)``."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def get(self):
        self.owner._call(f"{self.name}.get")
        return self.owner._get(self.name)

    def set(self, value):
        self.owner._call(f"{self.name}.set")
        self.owner._set(self.name, value)


class _MacRef(_Counted):
    _props: tuple[str, ...] = ()

    def __getattr__(self, name):
        if name in self._props:
            return _Prop(self, name)
        raise AttributeError(name)

    def _set(self, name, value):
        raise AttributeError(f"{name} is read-only here")


class _AppData:
    """``app.AS_appdata.target().addressdesc.coerce(typeKernelProcessID).data`` (App.pid)."""

    def target(self):
        return self

    @property
    def addressdesc(self):
        return self

    def coerce(self, _type):
        return types.SimpleNamespace(data=struct.pack("i", 4242))


class MacApp(_MacRef):
    _props = ("screen_updating", "status_bar", "version", "display_alerts")

    def __init__(self, book: XBook):
        self._book = book
        self.AS_appdata = _AppData()
        self._screen = True

    @property
    def workbooks(self):
        return _Index(lambda key: MacWorkbook(self._book, self))

    def _get(self, name):
        return {"screen_updating": self._screen, "status_bar": self._book.status_bar, "version": "16.80",
                "display_alerts": True}[name]

    def _set(self, name, value):
        if name == "status_bar":
            self._book.status_bar = value
        elif name == "screen_updating":
            self._screen = value


class _Index:
    def __init__(self, make):
        self._make = make

    def __getitem__(self, key):
        return self._make(key)


class MacWorkbook(_MacRef):
    _props = ("name",)

    def __init__(self, book: XBook, app: MacApp):
        self._book, self._app = book, app

    def _get(self, name):
        return self._book.name

    def exists(self):
        return True

    @property
    def worksheets(self):
        return _Index(lambda key: MacSheet(self._book, key))

    def count(self, each=None):
        self._call("count")
        assert each == k.worksheet
        return len(self._book.sheets)

    def make(self, new=None, at=None):
        self._call("make")
        assert new == k.worksheet
        names = {s.name for s in self._book.sheets}
        n = len(self._book.sheets) + 1
        while f"Sheet{n}" in names:
            n += 1
        index = at[1] if at is not None else 0
        self._book.add_sheet(f"Sheet{n}", index)
        return MacSheet(self._book, f"Sheet{n}")


class MacSheet(_MacRef):
    """``workbook.worksheets[name or 1-based index]``: resolved when used, as appscript does."""

    _props = ("name", "entry_index", "protect_contents", "protect_drawing_objects", "protect_scenarios",
              "protection_mode", "protection_object")

    def __init__(self, book: XBook, key):
        self._book, self._key = book, key
        self._sheet_name = key if isinstance(key, str) else ""

    @property
    def _data(self) -> XSheet:
        try:
            return self._book.sheet(self._key)
        except _ComError:
            raise CommandError(-1728, "The object you are trying to access does not exist") from None

    def _get(self, name):
        data, p = self._data, self._data.protection
        if name == "protection_object":
            return _MacProtectionObject(self)
        return {"name": data.name, "entry_index": self._book.sheets.index(data) + 1,
                "protect_contents": p.contents, "protect_drawing_objects": p.drawing_objects,
                "protect_scenarios": p.scenarios, "protection_mode": p.user_interface_only}[name]

    def _set(self, name, value):
        assert name == "name"
        self._data.name = value
        self._key = self._sheet_name = value

    @property
    def before(self):
        return ("before", self._book.sheets.index(self._data))

    @property
    def after(self):
        return ("after", self._book.sheets.index(self._data) + 1)

    @property
    def cells(self):
        return _Index(lambda address: MacRange(self, [_parse_area(address)]))

    @property
    def rows(self):
        return _Index(lambda r: _MacRow(self, r))

    @property
    def used_range(self):
        return MacRange(self, [self._data.used_area()], used=True)

    def unprotect(self, password=None):
        self._call("unprotect")
        self._data.unprotect(password)

    def protect_worksheet(self, password=None, drawing_objects=True, worksheet_contents=True, scenarios=True,
                          user_interface_only=False, **allow):
        self._call("protect_worksheet")
        names = {v: key for key, v in _MAC_FLAG.items()}
        unknown = set(allow) - set(names)
        if unknown:
            raise CommandError(-50, f"unknown parameters {unknown}")
        self._data.protection = ProtectionState(
            contents=bool(worksheet_contents), drawing_objects=bool(drawing_objects), scenarios=bool(scenarios),
            user_interface_only=bool(user_interface_only), password=password or "",
            allow={key: bool(allow.get(_MAC_FLAG[key], False)) for key in PROTECT_FLAGS},
        )


_MAC_FLAG = {key: re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower() for key in PROTECT_FLAGS}
_MAC_FLAG["AllowUsingPivotTables"] = "allow_using_pivot_table"  # mac_dict.py spells it singular


class _MacProtectionObject(_MacRef):
    _props = tuple(_MAC_FLAG.values())

    def __init__(self, sheet: MacSheet):
        self._book, self._sheet = sheet._book, sheet
        self._sheet_name = sheet._sheet_name

    def _get(self, name):
        key = next(key for key, v in _MAC_FLAG.items() if v == name)
        return self._sheet._data.protection.allow[key]


class _MacRow:
    def __init__(self, sheet: MacSheet, r: int):
        self.sheet, self.r = sheet, r

    @property
    def columns(self):
        return _Index(lambda c: MacRange(self.sheet, [(self.r, c, self.r, c)]))


class MacRange(_MacRef):
    _props = ("value", "string_value", "formula", "number_format", "first_row_index", "first_column_index",
              "column_width")

    def __init__(self, sheet: MacSheet, areas, used: bool = False):
        self._ws, self._areas, self._book = sheet, areas, sheet._book
        self._sheet_name = sheet._sheet_name

    @property
    def _data(self) -> XSheet:
        return self._ws._data

    def _rows(self):
        r1, c1, r2, c2 = self._areas[0]
        return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def _shape_out(self, rows):
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return list(rows[0])
        return [list(line) for line in rows]

    def _mac_value(self, r, c):
        v = self._data.cell(r, c).value
        if isinstance(v, ErrorValue):
            return MISSING
        if v is None:
            return ""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        return v

    def _get(self, name):
        data = self._data
        if name == "value":
            return self._shape_out([[self._mac_value(r, c) for r, c in line] for line in self._rows()])
        if name == "string_value":
            return self._shape_out([[data.shown(r, c) for r, c in line] for line in self._rows()])
        if name == "formula":
            return self._shape_out([[data.formula_text(r, c) for r, c in line] for line in self._rows()])
        if name == "number_format":
            codes = {data.cell(r, c).number_format for line in self._rows() for r, c in line}
            return codes.pop() if len(codes) == 1 else MISSING
        if name == "first_row_index":
            return self._areas[0][0]
        if name == "first_column_index":
            return self._areas[0][1]
        if name == "column_width":
            return data.column_widths.get(self._areas[0][1], MISSING)
        raise AttributeError(name)

    def _set(self, name, value):
        data = self._data
        rows = self._rows()
        if name == "value":
            if not isinstance(value, (list, tuple)):
                value = [[value] * len(rows[0]) for _ in rows]
            elif value and not isinstance(value[0], (list, tuple)):
                value = [list(value)]
            assert len(value) == len(rows) and all(len(a) == len(b) for a, b in zip(value, rows)), "shape"
            for line, values in zip(rows, value):
                for (r, c), v in zip(line, values):
                    data.type_in(r, c, v)
        elif name == "number_format":
            data.check_writable()
            for line in rows:
                for r, c in line:
                    data.cell(r, c, create=True).number_format = value
        elif name == "column_width":
            for c in range(self._areas[0][1], self._areas[0][3] + 1):
                data.column_widths[c] = value
        else:
            raise AttributeError(name)

    def get_address(self, row_absolute=True, column_absolute=True, external=False):
        self._call("get_address")
        return ",".join(_address(a) for a in self._areas)

    def count(self, each=None):
        self._call("count")
        r1, c1, r2, c2 = self._areas[0]
        if each == k.row:
            return r2 - r1 + 1
        if each == k.column:
            return c2 - c1 + 1
        return (r2 - r1 + 1) * (c2 - c1 + 1)


class CommandError(Exception):
    """appscript.reference.CommandError."""

    def __init__(self, number=-1, message=""):
        super().__init__(f"Command failed: {message} ({number})")
        self.errornumber = number


# =============================================================================== importing


def _stub(name: str, **attrs) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    return mod


class _Anything:
    """A stand-in for a module attribute that is only touched, never used, at import time."""

    def __init__(self, *a, **kw):
        pass

    def __getattr__(self, name):
        return _Anything()

    def __call__(self, *a, **kw):
        return 0


class _DispatchBase:
    """win32com's CDispatch & co.: xlwings wraps results of these types for retries; the fake
    COM objects are not of them, so xlwings uses them as they are."""


def _win_stubs() -> dict[str, types.ModuleType]:
    def message_box(hwnd, text, title, style):
        MESSAGE_BOXES.append((title, text))
        return 1  # IDOK

    client = _stub("win32com.client", CDispatch=type("CDispatch", (_DispatchBase,), {}),
                   CoClassBaseClass=type("CoClassBaseClass", (_DispatchBase,), {}),
                   DispatchBaseClass=type("DispatchBaseClass", (_DispatchBase,), {}),
                   Dispatch=_Anything, DispatchEx=_Anything)
    win32com = _stub("win32com", client=client)
    return {
        "pywintypes": _stub("pywintypes", com_error=_ComError, error=_ComError, TimeType=_PyTime, IID=str),
        "win32api": _stub("win32api", MessageBox=message_box),
        "win32con": _stub("win32con", MB_OK=0, MB_OKCANCEL=1, MB_YESNOCANCEL=3, MB_YESNO=4,
                          MB_ICONWARNING=0x30, MB_ICONINFORMATION=0x40),
        "pythoncom": _stub("pythoncom", __file__="pythoncom311.dll", CoInitialize=lambda: None,
                           ole_error=_ComError, com_error=_ComError, new=_Anything),
        "win32com": win32com,
        "win32com.client": client,
        "win32gui": _stub("win32gui", FindWindowEx=lambda *a: 0),
        "win32process": _stub("win32process", GetWindowThreadProcessId=lambda hwnd: (1, 4242)),
        "win32timezone": _stub("win32timezone", TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.timezone.utc)),
    }


def _mac_stubs() -> dict[str, types.ModuleType]:
    class OSAX:
        def __init__(self, *a, **kw):
            pass

        def activate(self):
            pass

        def display_alert(self, title, message="", buttons=None, as_=None):
            MESSAGE_BOXES.append((title, message))
            return {k.button_returned: "OK"}

    reference = _stub("appscript.reference", CommandError=CommandError, Reference=type("Reference", (), {}))
    appscript = _stub("appscript", app=_Anything, its=_Anything(), k=k, mactypes=_stub("mactypes", Alias=_Anything),
                      reference=reference, CommandError=CommandError)
    aem = _stub("aem", kae=types.SimpleNamespace(typeKernelProcessID=b"kpid"))
    return {
        "appscript": appscript,
        "appscript.reference": reference,
        "mactypes": appscript.mactypes,
        "aem": aem,
        "osax": _stub("osax", OSAX=OSAX),
        "psutil": _stub("psutil", Process=_Anything, process_iter=lambda *a, **kw: []),
    }


_LOADED: dict[str, types.ModuleType] = {}


def _load(module: str, stubs: dict[str, types.ModuleType], ctypes_patch: dict[str, Any]) -> types.ModuleType:
    """Import ``xlwings.<module>`` with the stubs in sys.modules, then take them out again."""
    if module in _LOADED:
        return _LOADED[module]
    import importlib

    import xlwings

    saved_mods = {name: sys.modules.get(name) for name in [*stubs, f"xlwings.{module}"]}
    saved_ctypes = {name: getattr(ctypes, name, None) for name in ctypes_patch}
    had_attr = hasattr(xlwings, module)
    try:
        sys.modules.update(stubs)
        sys.modules.pop(f"xlwings.{module}", None)
        for name, value in ctypes_patch.items():
            setattr(ctypes, name, value)
        mod = importlib.import_module(f"xlwings.{module}")
    finally:
        for name, value in saved_ctypes.items():
            if value is None:
                with contextlib.suppress(AttributeError):
                    delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)
        for name, value in saved_mods.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value
        if not had_attr and hasattr(xlwings, module):
            delattr(xlwings, module)
    _LOADED[module] = mod
    return mod


def xlwindows() -> types.ModuleType:
    """xlwings/_xlwindows.py, imported over the pywin32 stubs."""
    dll = types.SimpleNamespace(ole32=types.SimpleNamespace(CLSIDFromString=lambda *a: 0),
                                oleacc=types.SimpleNamespace(AccessibleObjectFromWindow=lambda *a: 0),
                                user32=_Anything())
    return _load("_xlwindows", _win_stubs(), {"oledll": dll, "windll": dll, "PyDLL": lambda path: _Anything()})


def xlmac() -> types.ModuleType:
    """xlwings/_xlmac.py, imported over the appscript stubs."""
    return _load("_xlmac", _mac_stubs(), {})


def win_book(data: XBook):
    """An ``xw.Book`` whose implementation is ``_xlwindows.Book`` over the fake COM workbook."""
    import xlwings as xw

    impl = xlwindows().Book(xl=ComApplication(data).ActiveWorkbook)
    data.calls.clear()
    return xw.Book(impl=impl)


def mac_book(data: XBook):
    """An ``xw.Book`` whose implementation is ``_xlmac.Book`` over the fake appscript references."""
    import xlwings as xw

    mac = xlmac()
    app = mac.App(xl=MacApp(data))
    impl = mac.Book(app, data.name)
    data.calls.clear()
    return xw.Book(impl=impl)


def platform_book(data: XBook, platform: str):
    return win_book(data) if platform == "win" else mac_book(data)
