"""Reading sheet grids: python-calamine plus what calamine drops (error values, uncached formulas).

A sheet whose used range is absurdly large is trimmed before calamine sees it (calamine
allocates rows × columns up front and aborts the process when that fails).
"""

from __future__ import annotations

import io
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from xlperf.core.errors import InputError, XCode
from xlperf.core.values import Percent
from xlperf.core.refs import col_index, col_letter, parse_ref, range_ref
from xlperf.ooxml.inspect import Package, load_bytes, open_package
from xlperf.ooxml.styles import percent_styles
from xlperf.ooxml.package import (
    MAX_COL,
    MAX_GRID_CELLS,
    MAX_ROW,
    MAX_TRIM_COLS,
    input_error,
    local,
    parse_bytes,
    replace_parts,
    serialize,
)

@dataclass(frozen=True)
class CellError:
    """An Excel error value in a cell, e.g. ``#DIV/0!``."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell without a cached value (saved by a tool that does not calculate)."""

    formula: str  # without the leading "="

    def __str__(self) -> str:
        return "=" + self.formula


def read_grids(
    path: str | os.PathLike[str], sheets: Iterable[str] | None = None, *, exclude: Iterable[str] = ()
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """(all worksheet names in order, {name: grid}) for the requested sheets (all when None),
    leaving out those named in ``exclude``.

    grid[0][0] is A1. Values: None, str, int/float, bool, date/datetime/time, CellError,
    UncachedFormula. Merged ranges are not filled. A sheet whose used range is larger than
    :data:`MAX_GRID_CELLS` is read trimmed (see :func:`_grid_caps`).
    """
    p, data = load_bytes(path)
    book = open_package(p, io.BytesIO(data))
    names = [s.name for s in book.worksheets]
    wanted = names if sheets is None else [n for n in sheets if n in names]
    if exclude:
        skip = set(exclude)
        wanted = [n for n in wanted if n not in skip]
    grids: dict[str, list[list[Any]]] = {}
    if not wanted:
        return names, grids
    parts = {s.name: s.part for s in book.worksheets}
    percent = _percent_styles(book)
    sst = book.part_of_type("/sharedStrings")
    if sst and sst in book.reader.infos:
        _check_well_formed(p, sst, book.reader.read(sst))
    xml, caps, trimmed, plain = _sheet_parts(book, p, [parts[n] for n in wanted], {parts[n]: n for n in wanted})
    if trimmed:
        data = _replace_parts(book, trimmed)
    wb = _open_calamine(p, data)
    try:
        for name in wanted:
            part = parts[name]
            grid = _calamine_grid(wb, p, name)
            sheet_xml = trimmed.get(part, xml[part])
            if part in plain:  # the general checks' answers are known (see _NOT_PLAIN)
                if b't="e"' in sheet_xml or b"t='e'" in sheet_xml:
                    _supplement(book, part, grid, sheet_xml, caps[part])
                if percent:
                    _mark_plain_percent_cells(grid, sheet_xml, percent)
            else:
                _supplement(book, part, grid, sheet_xml, caps[part])
                if percent:
                    mark_percent_cells(grid, sheet_xml, percent, caps[part])
            grids[name] = grid
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass
    return names, grids


def _sheet_parts(book: Package, p: Path, wanted_parts: list[str], sheet_of: dict[str, str]):
    """Each wanted sheet's XML (checked well-formed), its read caps, a trimmed copy when too large,
    and which sheets are in plain form (see :data:`_NOT_PLAIN`)."""
    xml: dict[str, bytes] = {}
    caps: dict[str, tuple[int, int]] = {}
    trimmed: dict[str, bytes] = {}
    plain: set[str] = set()
    for part in wanted_parts:
        if part in xml:
            continue
        xml[part] = book.reader.read(part)
        _check_well_formed(p, part, xml[part], sheet_of[part])
        start = xml[part].find(b"?>") + 2 if xml[part].startswith(b"<?xml") else 0
        if _NOT_PLAIN.search(xml[part], start) is None:
            caps[part] = (MAX_ROW, MAX_COL)
            plain.add(part)
            continue
        cap = _grid_caps(xml[part])
        caps[part] = cap
        if cap[0] < MAX_ROW or cap[1] < MAX_COL:
            trimmed[part] = _trim_sheet(p, part, xml[part], cap)
    return xml, caps, trimmed, plain


# Excel, WPS and openpyxl write every cell as ``<c r="A1" ...>`` and every row as ``<row r="1" ...>``.
# A well-formed sheet where this pattern finds nothing (past the XML declaration) is in that plain
# form, within Z9999, and has no formula, comment, CDATA or processing instruction, so every "<"
# starts a real tag and no tag holds one. The general checks' answers are then known without
# running them: its read caps are the whole sheet (the extent scan could only find a used range
# within Z9999), _supplement has nothing to add unless an error cell is written, and the percent
# pattern starts only where a cell tag starts ``<c r="A1"`` and stops at that tag's end, so looking
# at some cells' tags only drops the others (see _mark_plain_percent_cells). Any hit sends the
# sheet through the general functions, which read every spelling. One pass instead of a dozen
# scans: this runs on every sheet of every workbook of a batch.
_NOT_PLAIN = re.compile(
    rb"<(?:[!?]"  # comment, CDATA, processing instruction
    rb'|c(?: (?!r="[A-Z][0-9]{1,4}")|(?![ \w]))'  # a cell tag written otherwise, or beyond Z9999
    rb'|row(?: (?!r="[0-9]{1,4}")|(?![ \w]))'  # the same for a row
    rb"|f[\s>/]"  # a formula
    rb"|[\w.-]++:(?:c|row|f)\b)"  # a prefixed cell, row or formula tag
)
_NUMBER_TYPES = frozenset({int, float})


def _mark_plain_percent_cells(grid: list[list[Any]], data: bytes, styles: frozenset[int]) -> None:
    """:func:`mark_percent_cells` for a sheet in plain form. Only a number can become a Percent,
    so the pattern looks only at the cells of the columns where calamine read one."""
    columns = [j for j, values in enumerate(itertools.zip_longest(*grid)) if not _NUMBER_TYPES.isdisjoint(map(type, values))]
    if not columns:
        return
    letters = bytes(65 + j for j in columns) if columns[-1] < 26 else b"A-Z"
    ids = b"|".join(str(i).encode() for i in sorted(styles))
    # a cell tag with s="<a percent style>" anywhere before its end, as _percent_cell_re finds it
    cells = re.findall(rb'<c r="([' + letters + rb'])([0-9]{1,4})"[^>]*s(?<=\ss)\s*=\s*["\'](?:' + ids + rb""")["'][^>]*>""", data)
    _wrap_percent(grid, [(int(row), ord(col) - 64) for col, row in cells], (MAX_ROW, MAX_COL))


def _open_calamine(p: Path, data: bytes):
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; none may escape raw
        raise input_error(p, XCode.INPUT_UNREADABLE, "无法读取工作簿内容，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试") from exc


def _calamine_grid(wb: Any, p: Path, name: str) -> list[list[Any]]:
    try:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        raise InputError(
            "无法读取该工作表的内容，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试",
            path=p,
            sheet=name,
            code=XCode.INPUT_UNREADABLE,
        ) from exc
    return [[None if v == "" else v for v in row] for row in rows]


def _percent_styles(book: Package) -> frozenset[int]:
    """Style indices with a percent number format, from styles.xml (read once per workbook)."""
    part = book.part_of_type("/styles")
    if not part or part not in book.reader.infos:
        return frozenset()
    try:
        return percent_styles(book.reader.read(part))
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - unreadable styles: values are read as stored, as before
        return frozenset()


def _percent_cell_re(styles: frozenset[int]) -> re.Pattern[bytes]:
    ids = b"|".join(str(i).encode() for i in sorted(styles))
    return re.compile(rb"""<(?:[\w.-]+:)?c\b([^>]*?\ss\s*=\s*["'](?:""" + ids + rb""")["'][^>]*)>""")


_R_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")


def mark_percent_cells(grid: list[list[Any]], data: bytes, styles: frozenset[int], cap: tuple[int, int] = (MAX_ROW, MAX_COL)) -> None:
    """Wrap the numbers of percent-formatted cells in :class:`Percent` (0.98 shown as 98% is 98 %).

    One C-level regex finds only the cells carrying a percent style; the rest of the sheet is
    never looked at from Python. A cell written without its ``r`` attribute (rare; positions
    are then counted) sends the sheet through the positional walk instead."""
    found: list[tuple[int, int]] = []
    for m in _percent_cell_re(styles).finditer(data):
        ref = _R_ATTR.search(b" " + m.group(1))
        if ref is None:
            found = _percent_cells_by_position(data, styles)
            break
        found.append((int(ref.group(2)), col_index(ref.group(1).decode("ascii").upper())))
    _wrap_percent(grid, found, cap)


def _wrap_percent(grid: list[list[Any]], found: list[tuple[int, int]], cap: tuple[int, int]) -> None:
    last_row = min(cap[0], len(grid))
    for row, col in found:
        if row > last_row or col > cap[1]:
            continue
        line = grid[row - 1]
        if col <= len(line):
            v = line[col - 1]
            if type(v) in (int, float):  # not bool, str, dates, errors
                line[col - 1] = Percent(v)


def _percent_cells_by_position(data: bytes, styles: frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    row = col = 0
    for m in _CELL_OR_ROW.finditer(data):
        if m.group(1):
            a = _attrs(m.group(2))
            row = int(a[b"r"]) if a.get(b"r", "").isdigit() else row + 1
            col = 0
            continue
        a = _attrs(m.group(3))
        try:
            row, col = parse_ref(a[b"r"]) if a.get(b"r") else (row, col + 1)
        except ValueError:
            col += 1
        if a.get(b"s", "").isdigit() and int(a[b"s"]) in styles:
            out.append((row, col))
    return out


def _check_well_formed(path: Path, part: str, data: bytes, sheet: str | None = None) -> None:
    """Refuse a part that is not well-formed XML (calamine reads what it can of a cut-off sheet
    and silently drops the rest; the patcher would then refuse the same file)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        what = f"工作表“{sheet}”" if sheet else f"部件 {part}"
        raise InputError(
            f"{what}的内容已损坏（{part} 第 {exc.lineno} 行第 {exc.offset + 1} 列不是有效的 XML），无法可靠读取。"
            "请用 Excel/WPS 打开（修复）后另存为 .xlsx 再试",
            path=path,
            code=XCode.INPUT_UNREADABLE,
        ) from exc


_C_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr\s*=\s*["']\$?([A-Za-z]+)\$?(\d+)""")
_ROW_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr\s*=\s*["'](\d+)""")
_C_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


_C_SIMPLE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_SIMPLE = re.compile(rb'<row r="([0-9]{1,7})"')


_ODD_TAGS = (b":c ", b":c>", b":c/", b":row", b"<c\t", b"<c\n", b"<c\r", b"<row\t", b"<row\n", b"<row\r")


def _sheet_extent(data: bytes) -> tuple[int, int]:
    """An upper bound of (rows, columns) of a sheet's used range, from its XML text."""
    # Excel, WPS and openpyxl write ``<c r="A1"`` and ``<row r="1"`` exactly. When no tag is
    # written another way and counting the plain tags finds every one in that form, a pattern
    # three times faster than the general one does; otherwise the general one runs.
    plain = not any(odd in data for odd in _ODD_TAGS)
    if plain:
        refs, row_refs = _C_SIMPLE.findall(data), _ROW_SIMPLE.findall(data)
        n_cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        n_rows = data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>")
        plain = len(refs) == n_cells and len(row_refs) == n_rows
        loose_cells = loose_rows = 0
    if not plain:
        refs, row_refs = _C_REF.findall(data), _ROW_REF.findall(data)
        # cells and rows without an r attribute sit after the previous one: count them on top
        loose_cells = max(0, len(_C_TAG.findall(data)) - len(refs))
        loose_rows = max(0, len(_ROW_TAG.findall(data)) - len(row_refs))
    # a row number repeats once per cell and a column's letters once per row: look at each once
    letters = {ref[0] for ref in refs}
    digits = {ref[1] for ref in refs}
    digits.update(row_refs)
    max_c = max((col_index(x.decode("ascii")) if len(x) <= 4 else MAX_COL + 1 for x in letters), default=0)
    max_r = max((int(x) if len(x) <= 8 else MAX_ROW + 1 for x in digits), default=0)
    return max_r + loose_rows, max_c + loose_cells


def _grid_caps(data: bytes) -> tuple[int, int]:
    """(last row, last column) to read of a sheet: the whole sheet unless its used range is too large."""
    rows, cols = _sheet_extent(data)
    if rows <= MAX_ROW and cols <= MAX_COL and rows * cols <= MAX_GRID_CELLS:
        return MAX_ROW, MAX_COL
    cap_c = min(cols, MAX_TRIM_COLS, MAX_COL)
    cap_r = max(1, min(rows, MAX_ROW, MAX_GRID_CELLS // max(cap_c, 1)))
    return cap_r, cap_c


def _trim_sheet(path: Path, part: str, data: bytes, cap: tuple[int, int]) -> bytes:
    """The sheet XML without the cells (and rows) beyond ``cap``, positions counted as calamine does."""
    root = parse_bytes(path, part, data)
    cap_r, cap_c = cap
    for sheet_data in [el for el in root if local(el.tag) == "sheetData"]:
        last_r = 0
        for row in list(sheet_data):
            if local(row.tag) != "row":
                continue
            try:
                r = int(row.get("r")) if row.get("r") is not None else last_r + 1
            except ValueError:
                r = last_r + 1
            last_r = r
            if r > cap_r:
                sheet_data.remove(row)
                continue
            last_c = 0
            for c in list(row):
                if local(c.tag) != "c":
                    continue
                ref = c.get("r")
                rr, cc = r, last_c + 1
                if ref is not None:
                    try:
                        rr, cc = parse_ref(ref)
                    except ValueError:
                        rr, cc = r, last_c + 1
                last_c = cc
                if rr > cap_r or cc > cap_c:
                    row.remove(c)
    for dim in [el for el in root if local(el.tag) == "dimension"]:
        dim.set("ref", range_ref(1, 1, cap_r, cap_c))
    return serialize(root, root.getroottree().docinfo.standalone)


def _replace_parts(book: Package, replaced: dict[str, bytes]) -> bytes:
    """The workbook's zip with some parts replaced (others copied raw), in memory."""
    return replace_parts(book.reader, replaced)


_CELL_OR_ROW = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:(row)\b([^>]*)>|c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>))", re.S
)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_F_EL = re.compile(rb"<(?:[\w.-]+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.S)
_V_EL = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
_HAS_F = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _attrs(raw: bytes) -> dict[bytes, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        key = m.group(1).split(b":")[-1]
        val = m.group(2) if m.group(2) is not None else m.group(3)
        out[key] = _xml_text(val)
    return out


def _xml_text(raw: bytes | None) -> str:
    if not raw:
        return ""
    s = raw.decode("utf-8", "replace")
    if "&" in s:

        def repl(m: re.Match[str]) -> str:
            g = m.group(1)
            try:
                if g.startswith("#x"):
                    return chr(int(g[2:], 16))
                if g.startswith("#"):
                    return chr(int(g[1:]))
            except (ValueError, OverflowError):
                return m.group(0)
            return _NAMED[g]

        s = _ENTITY.sub(repl, s)
    return s


def _supplement(book: Package, part: str, grid: list[list[Any]], data: bytes, cap: tuple[int, int] = (MAX_ROW, MAX_COL)) -> None:
    """Put CellError / UncachedFormula values that calamine drops into the grid (within ``cap``).

    One pass of regular expressions over the sheet XML, keeping the row/column position and the
    anchors of shared formulas as it goes: that state is why it is one function (~70 lines); a
    sheet with neither error cells nor formulas returns at the first check."""
    if b't="e"' not in data and b"t='e'" not in data and not _HAS_F.search(data):
        return
    start = data.find(b"sheetData")
    end = data.rfind(b"sheetData")
    if start < 0 or end <= start:
        return
    body = data[start:end]
    found: list[tuple[int, int, Any]] = []
    anchors: dict[str, tuple[str, int, int]] = {}
    children: list[tuple[int, int, str]] = []
    row = 0
    col = 0
    for m in _CELL_OR_ROW.finditer(body):
        if m.group(1):  # <row ...>
            a = _attrs(m.group(2))
            try:
                row = int(a[b"r"]) if b"r" in a else row + 1
            except ValueError:
                row += 1
            col = 0
            continue
        a = _attrs(m.group(3))
        ref = a.get(b"r")
        if ref:
            try:
                row, col = parse_ref(ref)
            except ValueError:
                col += 1
        else:
            col += 1
        inner = m.group(4)
        if not inner:
            continue
        t = a.get(b"t", "n")
        fm = _F_EL.search(inner)
        vm = _V_EL.search(inner)
        value = _xml_text(vm.group(1)) if vm else None
        if fm:
            fa = _attrs(fm.group(1))
            ftext = _xml_text(fm.group(2))
            if fa.get(b"t") == "shared" and fa.get(b"si") is not None and ftext and fa.get(b"ref"):
                anchors[fa[b"si"]] = (ftext, row, col)
        if t == "e" and value:
            found.append((row, col, CellError(value.strip())))
        elif fm and not value and t not in ("str", "inlineStr"):
            if ftext:
                found.append((row, col, UncachedFormula(ftext)))
            elif fa.get(b"t") == "shared" and fa.get(b"si") is not None:
                children.append((row, col, fa[b"si"]))
            else:
                found.append((row, col, UncachedFormula("")))
    for row, col, si in children:
        anchor = anchors.get(si)
        text = ""
        if anchor:
            text = translate_formula(anchor[0], anchor[1], anchor[2], row, col) or anchor[0]
        found.append((row, col, UncachedFormula(text)))
    for row, col, value in found:
        if row < 1 or col < 1 or row > cap[0] or col > cap[1]:
            continue
        while len(grid) < row:
            grid.append([])
        r = grid[row - 1]
        while len(r) < col:
            r.append(None)
        r[col - 1] = value


def translate_formula(text: str, r0: int, c0: int, r1: int, c1: int) -> str | None:
    """Shift relative references of a formula written at (r0, c0) to (r1, c1); None when it fails."""
    try:
        from openpyxl.formula.translate import Translator

        out = Translator("=" + text, origin=f"{col_letter(c0)}{r0}").translate_formula(f"{col_letter(c1)}{r1}")
    except Exception:  # noqa: BLE001
        return None
    return out[1:] if out.startswith("=") else out

