"""A fake of the xlwings object model that answers in the shapes xlwings 0.37.8 returns.

Every shape here follows the xlwings source (site-packages/xlwings of the pinned 0.37.8):

* ``Range.value`` (main.py ``Range.value`` -> ``conversion.read``): one cell gives a scalar, one
  row or one column a 1-D list, a larger range a list of lists; ``options(ndim=2)`` always gives a
  list of lists. Empty cells are ``None``; numbers come back as ``float`` (xlwings' default number
  converter); cell errors are ``None`` unless ``options(err_to_str=True)``, then ``"#DIV/0!"`` etc.
* ``Range.formula`` (main.py: ``return self.impl.formula``; _xlwindows.py ``Range.formula``:
  ``return self.xl.Formula``): no conversion and no options — Excel's ``Range.Formula``, a ``str``
  for one cell (``""`` when empty) and a tuple of row tuples for several cells.
* ``Range.number_format`` (_xlwindows.py: ``return self.xl.NumberFormat``): the format code when
  every cell shares it, ``None`` (COM ``Null``) when they differ. The setter formats every cell.
* ``Range.value = 2-D list`` on a one-cell range fills a block of the list's size
  (conversion.write resizes the range); a string starting with ``=`` becomes a formula, a leading
  apostrophe keeps text as text and is not part of the value.
* ``Sheet.range("C5:C9,E5:E9")``: a multi-area range on Windows (_xlwindows.py passes the string
  to Excel's ``Worksheet.Range``; Excel refuses addresses longer than 255 characters). On a Mac
  (_xlmac.py ``Sheet.range``) the string is split at ``:`` and anything but ``"A1:B2"`` becomes
  its first cell: ``"C5:C9,E5:E9"`` is ``C5`` alone.
* ``Sheet.used_range``: from the first to the last cell holding a value, formula or format; an
  empty sheet's used range is A1.
* ``Sheet.api``: the Windows COM Worksheet (``ProtectContents``, ``Protection.Allow*``,
  ``Unprotect(Password)``, ``Protect(...)``; Excel's defaults when an argument is left out), or
  with ``mac=True`` the appscript reference of _xlmac.py (``protect_contents.get()``,
  ``protection_object.get()``, ``unprotect(password=…)``, ``protect_worksheet(…)``, names from
  mac_dict.py). A protected sheet refuses writes; a sheet protected with a password refuses
  ``Unprotect`` with a wrong or empty password (Excel: run-time error 1004).
* ``App.status_bar`` (main.py ``App.status_bar``: a text, or ``False`` to give it back to Excel)
  and ``App.alert(prompt, title=…)``.

``calls`` records each round trip to Excel as (what, sheet), so tests can count them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from xlperf.core.refs import col_index

GENERAL = "General"
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


class ComError(Exception):
    """What pywin32 raises for a refused COM call (pywintypes.com_error)."""


@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    number_format: str = GENERAL

    @property
    def used(self) -> bool:
        return self.value is not None or self.formula is not None or self.number_format != GENERAL


def _parse_area(text: str) -> tuple[int, int, int, int]:
    refs = text.replace("$", "").split(":")
    pts = []
    for ref in refs:
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        assert m, f"bad address {text!r}"
        pts.append((int(m.group(2)), col_index(m.group(1))))
    (r1, c1), (r2, c2) = pts[0], pts[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


class FakeRange:
    def __init__(self, sheet: "FakeSheet", areas: list[tuple[int, int, int, int]], options: dict | None = None):
        self.sheet, self.areas, self._options = sheet, areas, options or {}

    # --- geometry
    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    def options(self, **kw) -> "FakeRange":
        return FakeRange(self.sheet, self.areas, {**self._options, **kw})

    def _cells(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    # --- value
    @property
    def value(self):
        self.sheet.call("value.get")
        r1, c1, r2, c2 = self.areas[0]
        err = self._options.get("err_to_str", False)
        rows = [[self.sheet.read_value(r, c, err) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data):
        self.sheet.call("value.set")
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]  # a 1-D list is written as a row
        r0, c0 = self.row, self.column
        for i, line in enumerate(data):
            for j, v in enumerate(line):
                self.sheet.store(r0 + i, c0 + j, v)

    # --- formula
    @property
    def formula(self):
        self.sheet.call("formula.get")
        r1, c1, r2, c2 = self.areas[0]
        texts = tuple(tuple(self.sheet.formula_text(r, c) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
        if r1 == r2 and c1 == c2:
            return texts[0][0]
        return texts

    @property
    def column_width(self):
        return self.sheet.column_widths.get(self.column)

    @column_width.setter
    def column_width(self, width):
        self.sheet.call("column_width.set")
        for _r1, c1, _r2, c2 in self.areas:
            for c in range(c1, c2 + 1):
                self.sheet.column_widths[c] = width

    # --- number format
    @property
    def number_format(self):
        self.sheet.call("number_format.get")
        codes = {self.sheet.cell(r, c).number_format for r, c in self._cells()}
        return codes.pop() if len(codes) == 1 else None

    @number_format.setter
    def number_format(self, code: str):
        self.sheet.call("number_format.set")
        self.sheet.check_writable()
        for r, c in self._cells():
            self.sheet.cell(r, c, create=True).number_format = code


class _Prop:
    """An appscript property reference: ``.get()`` reads it."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def get(self):
        self.owner.sheet.call(f"api.{self.name}")
        return self.owner.read(self.name)


PROTECT_FLAGS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
    "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
    "AllowSorting", "AllowFiltering", "AllowUsingPivotTables",
)


@dataclass
class ProtectionState:
    contents: bool = False
    drawing_objects: bool = False
    scenarios: bool = False
    user_interface_only: bool = False
    password: str = ""
    allow: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(PROTECT_FLAGS, False))


class _WinProtection:
    def __init__(self, sheet: "FakeSheet", state: ProtectionState):
        self._sheet, self._state = sheet, state

    def __getattr__(self, name):
        if name in PROTECT_FLAGS:
            self._sheet.call(f"api.Protection.{name}")  # each property read is a COM round trip
            return self._state.allow[name]
        raise AttributeError(name)


class WinSheetApi:
    """The COM Worksheet's protection members (Excel VBA reference: Worksheet.Protect)."""

    def __init__(self, sheet: "FakeSheet"):
        self.sheet = sheet

    @property
    def _p(self) -> ProtectionState:
        return self.sheet.protection

    @property
    def ProtectContents(self):
        self.sheet.call("api.ProtectContents")
        return self._p.contents

    @property
    def ProtectDrawingObjects(self):
        self.sheet.call("api.ProtectDrawingObjects")
        return self._p.drawing_objects

    @property
    def ProtectScenarios(self):
        self.sheet.call("api.ProtectScenarios")
        return self._p.scenarios

    @property
    def ProtectionMode(self):
        self.sheet.call("api.ProtectionMode")
        return self._p.user_interface_only

    @property
    def Protection(self):
        self.sheet.call("api.Protection")
        return _WinProtection(self.sheet, self._p)

    def Unprotect(self, Password=None):
        self.sheet.call("api.Unprotect")
        self.sheet.unprotect(Password)

    def Protect(self, Password=None, DrawingObjects=True, Contents=True, Scenarios=True, UserInterfaceOnly=False, **allow):
        self.sheet.call("api.Protect")
        unknown = set(allow) - set(PROTECT_FLAGS)
        if unknown:
            raise ComError(f"unknown arguments {unknown}")
        self.sheet.protection = ProtectionState(
            contents=bool(Contents), drawing_objects=bool(DrawingObjects), scenarios=bool(Scenarios),
            user_interface_only=bool(UserInterfaceOnly), password=Password or "",
            allow={k: bool(allow.get(k, False)) for k in PROTECT_FLAGS},
        )


_MAC_FLAG = {k: re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower() for k in PROTECT_FLAGS}
_MAC_FLAG["AllowUsingPivotTables"] = "allow_using_pivot_table"  # mac_dict.py spells it singular


class _MacProtectionObject:
    def __init__(self, sheet, state):
        self.sheet, self._state = sheet, state

    def read(self, name):
        for k, v in _MAC_FLAG.items():
            if v == name:
                return self._state.allow[k]
        raise AttributeError(name)

    def __getattr__(self, name):
        if name in _MAC_FLAG.values():
            return _Prop(self, name)
        raise AttributeError(name)


class MacSheetApi:
    """The appscript worksheet reference of _xlmac.py (names from mac_dict.py)."""

    def __init__(self, sheet: "FakeSheet"):
        self.sheet = sheet

    def read(self, name):
        p = self.sheet.protection
        if name == "protection_object":
            return _MacProtectionObject(self.sheet, p)
        return {
            "protect_contents": p.contents, "protect_drawing_objects": p.drawing_objects,
            "protect_scenarios": p.scenarios, "protection_mode": p.user_interface_only,
        }[name]

    def __getattr__(self, name):
        if name in ("protect_contents", "protect_drawing_objects", "protect_scenarios", "protection_mode", "protection_object"):
            return _Prop(self, name)
        raise AttributeError(name)

    def unprotect(self, password=None):
        self.sheet.call("api.unprotect")
        self.sheet.unprotect(password)

    def protect_worksheet(self, password=None, drawing_objects=True, worksheet_contents=True, scenarios=True,
                          user_interface_only=False, **allow):
        self.sheet.call("api.protect_worksheet")
        unknown = set(allow) - set(_MAC_FLAG.values())
        if unknown:
            raise ComError(f"unknown arguments {unknown}")
        self.sheet.protection = ProtectionState(
            contents=bool(worksheet_contents), drawing_objects=bool(drawing_objects), scenarios=bool(scenarios),
            user_interface_only=bool(user_interface_only), password=password or "",
            allow={k: bool(allow.get(_MAC_FLAG[k], False)) for k in PROTECT_FLAGS},
        )


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str, mac: bool = False):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], Cell] = {}
        self.protection = ProtectionState()
        self.api = MacSheetApi(self) if mac else WinSheetApi(self)
        self.fail_writes: Exception | None = None  # set to make the next write raise
        self.column_widths: dict[int, float] = {}

    def call(self, what: str) -> None:
        self.book.calls.append((what, self.name))

    # --- storage
    def cell(self, r: int, c: int, create: bool = False) -> Cell:
        if create:
            return self.cells.setdefault((r, c), Cell())
        return self.cells.get((r, c)) or Cell()

    def read_value(self, r: int, c: int, err_to_str: bool) -> Any:
        v = self.cell(r, c).value
        if isinstance(v, str) and v in ERRORS:
            return v if err_to_str else None
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        return v

    def formula_text(self, r: int, c: int) -> str:
        cell = self.cell(r, c)
        if cell.formula is not None:
            return cell.formula
        v = cell.value
        if v is None:
            return ""
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    def check_writable(self) -> None:
        if self.fail_writes is not None:
            raise self.fail_writes
        if self.protection.contents:
            raise ComError("The cell or chart you're trying to change is on a protected sheet.")

    def store(self, r: int, c: int, v: Any) -> None:
        self.check_writable()
        cell = self.cell(r, c, create=True)
        if isinstance(v, str) and v.startswith("="):
            cell.formula, cell.value = v, None
        elif isinstance(v, str) and v.startswith("'"):
            cell.formula, cell.value = None, v[1:]
        else:
            cell.formula, cell.value = None, (None if v == "" else v)

    def unprotect(self, password) -> None:
        if self.protection.contents and self.protection.password and password != self.protection.password:
            raise ComError("The password you supplied is not correct.")
        self.protection = ProtectionState()

    # --- xlwings Sheet API
    @property
    def used_range(self) -> FakeRange:
        self.call("used_range")
        used = [k for k, cell in self.cells.items() if cell.used]
        if not used:
            return FakeRange(self, [(1, 1, 1, 1)])
        rows = [r for r, _ in used]
        cols = [c for _, c in used]
        return FakeRange(self, [(min(rows), min(cols), max(rows), max(cols))])

    def range(self, first, last=None) -> FakeRange:
        if isinstance(first, str):
            assert last is None and len(first) <= 255, f"Excel refuses this address: {first!r}"
            if self.book.mac:  # _xlmac.py Sheet.range: split at ":", keep "A:B" or else the first cell
                parts = first.split(":")
                return FakeRange(self, [_parse_area(first if len(parts) == 2 else parts[0])])
            return FakeRange(self, [_parse_area(a) for a in first.split(",")])
        r1, c1 = first
        r2, c2 = last if last is not None else first
        return FakeRange(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])

    # --- test helpers
    def grid(self) -> list[list[Any]]:
        if not self.cells:
            return []
        h = max(r for r, _ in self.cells)
        w = max(c for _, c in self.cells)
        return [[self.cells.get((r, c), Cell()).value for c in range(1, w + 1)] for r in range(1, h + 1)]

    def load(self, grid: list[list[Any]]) -> "FakeSheet":
        for r, line in enumerate(grid, 1):
            for c, v in enumerate(line, 1):
                if v is not None:
                    cell = self.cell(r, c, create=True)
                    if isinstance(v, str) and v.startswith("="):
                        cell.formula = v
                    else:
                        cell.value = v
        return self


class FakeSheets:
    def __init__(self, book: "FakeBook"):
        self.book, self._list = book, []

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self):
        return len(self._list)

    def __getitem__(self, key):
        if isinstance(key, str):
            for s in self._list:
                if s.name.lower() == key.lower():
                    return s
            raise KeyError(key)
        return self._list[key]

    def add(self, name=None, before=None, after=None):
        self.book.calls.append(("sheets.add", name))
        sheet = FakeSheet(self.book, name, mac=self.book.mac)
        idx = self._list.index(after) + 1 if after is not None else 0
        self._list.insert(idx, sheet)
        return sheet


class FakeApp:
    def __init__(self):
        self._status: str | bool = False
        self.alerts: list[tuple[str, str | None]] = []
        self.status_history: list[str | bool] = []

    @property
    def status_bar(self):
        return self._status

    @status_bar.setter
    def status_bar(self, value):
        self._status = value
        self.status_history.append(value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title))


class FakeBook:
    def __init__(self, grids: dict[str, list[list[Any]]] | None = None, name: str = "自评.xlsx", mac: bool = False):
        self.name, self.mac = name, mac
        self.calls: list[tuple[str, str]] = []
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        for sheet_name, grid in (grids or {}).items():
            self.sheets._list.append(FakeSheet(self, sheet_name, mac=mac).load(grid))

    def count(self, what: str | None = None, sheet: str | None = None) -> int:
        return sum(1 for w, s in self.calls if (what is None or w == what) and (sheet is None or s == sheet))
