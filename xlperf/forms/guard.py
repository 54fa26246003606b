"""The limits a workbook has, for the .ods and .xls files python-calamine reads: checked on the
file's bytes before calamine sees them, since calamine builds a whole sheet in memory (and aborts
the process when an allocation fails).

* .ods (a zip): the package guards of .xlsx (:func:`xlperf.ooxml.inspect.open_container`: sizes,
  ratios, no DOCTYPE/ENTITY, real size of content.xml), then the cells calamine would make of
  content.xml, counted from its repeat attributes (``table:number-rows-repeated``,
  ``table:number-columns-repeated``) without building anything; the empty cells LibreOffice
  writes at the end of each row are taken out first.
* .xls (BIFF in an OLE2 compound file, opened with olefile): the Workbook stream no larger than
  the file, each sheet's declared dimensions within what the format allows, and the used range
  of its value cells within :data:`MAX_GRID_CELLS`.

Each refusal is an :class:`InputError` naming the file and the sheet.
"""

from __future__ import annotations

import html
import io
import re
import struct
from pathlib import Path

from xlperf.core.errors import InputError, XCode
from xlperf.ooxml.package import MAX_GRID_CELLS

# calamine keeps every cell a content.xml row writes, column repeats included, until it has
# read the sheet (rows are repeated only between values). LibreOffice ends most rows with one
# empty cell repeated out to column XFD (16 384 cells): those trailing empty cells are taken
# out before calamine sees the sheet (see _TRAILING_EMPTY), so what is left is held to the limit.
MAX_ODS_WRITTEN_CELLS = MAX_GRID_CELLS
XLS_MAX_ROWS = 65536  # BIFF8: what Excel 97-2003 can address
XLS_MAX_COLS = 256


def refuse_large(path: Path, sheet: str, rows: int, cols: int, what: str = "使用区域") -> InputError:
    if what == "声明范围":  # what a DIMENSIONS record says
        problem = f"异常（至第 {rows} 行、第 {cols} 列，超出 .xls 格式的 {XLS_MAX_ROWS} 行 × {XLS_MAX_COLS} 列，或起止颠倒）"
    else:
        problem = f"过大（{rows} 行 × {cols} 列，超过 {MAX_GRID_CELLS // 10000} 万个单元格）"
    return InputError(
        f"工作表“{sheet}”的{what}{problem}，"
        "疑似损坏或恶意构造，已拒绝处理。请用 Excel/WPS 打开，删除多余的行列后另存为 .xlsx 再试",
        path=path,
        code=XCode.INPUT_TOO_LARGE,
    )


# --- .ods ---------------------------------------------------------------------------------------

# calamine matches these names with the "table:" prefix exactly, as this does
_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>|</table:(table-row|table)>")
_REPEAT = re.compile(rb"""table:number-(?:rows|columns)-repeated\s*=\s*["']\s*(\d+)""")
_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)""")
_VALUE_TYPE = re.compile(rb"value-type\s*=")


# Empty cells (a style and a repeat count at most, nothing inside) that end a row: calamine
# builds every one of them and then drops them (a sheet's range ends at its last value), so
# leaving them out changes no value, no position and no merged range.
_TRAILING_EMPTY = re.compile(
    rb"""(?:<table:table-cell(?:\s+table:(?:style-name|number-columns-repeated)\s*=\s*"[^"<>]*")*\s*/>)+(?=</table:table-row>)"""
)


def check_ods(path: Path, data: bytes) -> bytes:
    """The .ods for calamine: refused when its package or sheets are beyond the limits (see the
    module), else ``data`` itself or, when rows end in empty cells, a copy without them."""
    from xlperf.ooxml.inspect import checked_part, open_container
    from xlperf.ooxml.package import replace_parts

    reader = open_container(path, io.BytesIO(data))
    if "content.xml" not in reader.infos:
        return data  # calamine says it cannot read it
    xml = checked_part(reader, "content.xml")
    trimmed = _TRAILING_EMPTY.sub(b"", xml)
    ods_extent(path, trimmed)
    return data if len(trimmed) == len(xml) else replace_parts(reader, {"content.xml": trimmed})


def _repeat(attrs: bytes) -> int:
    m = _REPEAT.search(attrs)
    return max(1, int(m.group(1))) if m else 1


def ods_extent(path: Path, xml: bytes) -> int:
    """The cells python-calamine would give for every sheet of content.xml (from A1 to the last
    value, repeats included); refuses a sheet past :data:`MAX_GRID_CELLS`, or a sheet whose rows
    write more than :data:`MAX_ODS_WRITTEN_CELLS` cells in all."""
    total = 0
    sheet = ""
    written = rows = last_row = width = 0  # per sheet
    row_repeat = col = row_last = 0  # per row element
    for m in _ODS_TAG.finditer(xml):
        tag, attrs, closed, end = m.groups()
        if tag == b"table":
            name = _NAME.search(attrs)
            sheet = html.unescape(name.group(1).decode("utf-8", "replace")) if name else ""
            written = rows = last_row = width = 0
            continue
        if tag == b"table-row":
            row_repeat, col, row_last = _repeat(attrs), 0, 0
            if not closed:
                continue
            end = b"table-row"  # <table:table-row/>: an empty row
        elif tag:  # a cell
            n = _repeat(attrs)
            col += n
            written += n
            if not closed or _VALUE_TYPE.search(attrs):
                row_last = col
            if written > MAX_ODS_WRITTEN_CELLS:  # cells written, before any row repeat
                raise refuse_large(path, sheet, rows + 1, col, "行列数")
            continue
        if end == b"table-row":
            rows += row_repeat
            if row_last:
                last_row, width = rows, max(width, row_last)
                if last_row * width > MAX_GRID_CELLS or total + last_row * width > MAX_GRID_CELLS:
                    raise refuse_large(path, sheet, last_row, width)
        elif end == b"table":
            total += last_row * width
            written = rows = last_row = width = 0
    return total


# --- .xls ---------------------------------------------------------------------------------------

# BIFF records of one cell that holds a value (row, column in their first four bytes); blank
# cells (BLANK, MULBLANK) are left out, as calamine leaves them out of a sheet's range
_VALUE_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406})
_MULRK = 0x00BD
_BOF = frozenset({0x0809, 0x0409, 0x0209, 0x0009})
_EOF = 0x000A
_DIMENSIONS = frozenset({0x0200, 0x0000})
_BOUNDSHEET = 0x0085


def check_xls(path: Path, data: bytes) -> None:
    """Refuse an .xls whose Workbook stream or sheets are beyond the limits (see the module).
    A file olefile cannot parse is left to calamine, which says it cannot read it."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - not a compound file we can walk: calamine refuses it
        return
    try:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return
        if ole.get_size(name) > len(data):
            raise InputError(
                f"文件中的工作簿数据声明为 {ole.get_size(name)} 字节，大于文件本身（{len(data)} 字节），疑似损坏或恶意构造，已拒绝处理",
                path=path,
                code=XCode.INPUT_TOO_LARGE,
            )
        stream = ole.openstream(name).read()
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged compound file: calamine refuses it
        return
    finally:
        ole.close()
    xls_extent(path, stream)


def _sheet_names(stream: bytes) -> dict[int, str]:
    """{offset of a sheet's BOF: its name} from the BOUNDSHEET records of the globals."""
    names: dict[int, str] = {}
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        if kind == _BOUNDSHEET and len(body) >= 8:
            offset, n, high = struct.unpack_from("<I", body)[0], body[6], body[7] & 1
            raw = body[8 : 8 + n * (2 if high else 1)]
            names[offset] = raw.decode("utf-16-le" if high else "latin-1", "replace")
        if kind == _EOF:
            break
        pos += 4 + size
    return names


def xls_extent(path: Path, stream: bytes) -> int:
    """The cells python-calamine would give for every sheet (from A1 to the last value); refuses
    a sheet past :data:`MAX_GRID_CELLS`, and one whose DIMENSIONS record claims more than an
    .xls sheet can hold or an inverted range (calamine reserves rows × columns up front)."""
    names = _sheet_names(stream)
    total = 0
    sheets = 0
    stack: list[str | None] = []  # per open BOF: the worksheet's name, None for other substreams
    max_r = max_c = -1
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        sheet = stack[-1] if stack else None
        if kind in _BOF:
            dt = struct.unpack_from("<H", body, 2)[0] if len(body) >= 4 else 0
            if dt in (0x0010, 0x0040):  # a worksheet or a macro sheet: its cells are read
                sheets += 1
                stack.append(names.get(pos) or f"第 {sheets} 张工作表")
                max_r = max_c = -1
            else:  # the globals, a chart (also one embedded in a sheet), a module
                stack.append(None)
        elif kind == _EOF:
            if stack.pop() if stack else None:
                total += (max_r + 1) * (max_c + 1)
                max_r = max_c = -1
        elif sheet is None:
            pass
        elif kind in _DIMENSIONS and len(body) >= 8:
            if len(body) >= 14:  # BIFF8: rows as 32-bit numbers
                r0, r1, c0, c1 = struct.unpack_from("<IIHH", body)
            else:
                r0, r1, c0, c1 = struct.unpack_from("<HHHH", body)
            if r1 > XLS_MAX_ROWS or c1 > XLS_MAX_COLS or r0 > r1 or c0 > c1:
                raise refuse_large(path, sheet, r1, c1, "声明范围")
        elif (kind in _VALUE_RECORDS and len(body) >= 4) or (kind == _MULRK and len(body) >= 6):
            r, c = struct.unpack_from("<HH", body)
            if kind == _MULRK:
                c = max(c, struct.unpack_from("<H", body, len(body) - 2)[0])
            max_r, max_c = max(max_r, r), max(max_c, c)
            cells = (max_r + 1) * (max_c + 1)
            if cells > MAX_GRID_CELLS or total + cells > MAX_GRID_CELLS:
                raise refuse_large(path, sheet, max_r + 1, max_c + 1)
        pos += 4 + size
    return total
