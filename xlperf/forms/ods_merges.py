"""Merged cells of an OpenDocument spreadsheet, which python-calamine does not report: read from
content.xml (``table:number-columns-spanned`` / ``table:number-rows-spanned`` on a cell), so a
form kept as .ods is read with its merged 一级/二级 labels and header parents like the same form
as .xlsx or .xls.

A byte-level scan, not a DOM: the sheets of a form are small, but content.xml is walked once
with its repeats counted, never expanded.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

MAX_CONTENT_BYTES = 64 * 1024 * 1024  # beyond this the merges are left out (the reader still works)

_TAG = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ROWS = re.compile(rb'\btable:number-rows-repeated="(\d+)"')
_COLS = re.compile(rb'\btable:number-columns-repeated="(\d+)"')
_SPAN_C = re.compile(rb'\btable:number-columns-spanned="(\d+)"')
_SPAN_R = re.compile(rb'\btable:number-rows-spanned="(\d+)"')


def _int(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    m = pattern.search(attrs)
    return max(1, int(m.group(1))) if m else 1


def content_merges(xml: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """{sheet name: [(row0, col0, row1, col1), …]} (0-based, inclusive) from content.xml."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    merges: list[tuple[int, int, int, int]] = []
    row = -1
    row_repeat = 1
    col = 0
    for m in _TAG.finditer(xml):
        tag, attrs, _closed = m.groups()
        if tag == b"table":
            name = _NAME.search(attrs)
            merges = out.setdefault(html.unescape(name.group(1).decode("utf-8", "replace")) if name else "", [])
            row, row_repeat, col = -1, 1, 0
        elif tag == b"table-row":
            row += row_repeat
            row_repeat = _int(_ROWS, attrs)
            col = 0
        else:
            repeat = _int(_COLS, attrs)
            if tag == b"table-cell":
                span_c, span_r = _int(_SPAN_C, attrs), _int(_SPAN_R, attrs)
                if (span_c > 1 or span_r > 1) and row >= 0:
                    merges.append((row, col, row + span_r - 1, col + span_c - 1))
            col += repeat
    return out


def ods_merges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """The merged ranges of each sheet of an .ods held in ``data``; {} when they cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("content.xml")
            if info.file_size > MAX_CONTENT_BYTES:
                return {}
            with z.open(info) as fh:
                xml = fh.read(MAX_CONTENT_BYTES + 1)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError):
        return {}
    if len(xml) > MAX_CONTENT_BYTES:
        return {}
    return content_merges(xml)
