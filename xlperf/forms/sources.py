"""Open what users hold — .xlsx/.xlsm, .xls, .ods, Word (.docx) annexes — as named tables.

Each :class:`Table` is a grid (A1 at [0][0]) with its merged ranges and hidden columns, so a form
reader can give a merged value to every cell of its range and ignore hidden columns. A WPS .et or
an old .doc gets a message saying how to save it in a readable format.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from xlperf.core.errors import InputError, XCode
from xlperf.forms.table import Table

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CALAMINE_SUFFIXES = (".xls", ".ods")
WORD_SUFFIXES = (".docx",)
SAVE_AS_SUFFIXES = {
    ".et": "这是 WPS 表格文件（.et）。请用 WPS 打开后“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”，再处理另存的文件",
    ".ett": "这是 WPS 表格模板（.ett）。请用 WPS 打开后“另存为” Excel 工作簿（*.xlsx）再处理",
    ".doc": "这是旧版 Word 文档（.doc）。请用 Word/WPS 打开后“文件 → 另存为”，文件类型选“Word 文档（*.docx）”，再处理另存的文件",
    ".wps": "这是 WPS 文字文件（.wps）。请用 WPS 打开后“另存为” Word 文档（*.docx）再处理",
    ".xlsb": "这是 Excel 二进制工作簿（.xlsb）。请用 Excel 打开后“另存为” Excel 工作簿（*.xlsx）再处理",
}
FORM_SUFFIXES = EXCEL_SUFFIXES + CALAMINE_SUFFIXES + WORD_SUFFIXES
MAX_SOURCE_BYTES = 100 * 1024 * 1024


def open_tables(path: str | Path) -> list[Table]:
    """Every sheet (workbook) or table (Word document) of ``path``, in order."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in SAVE_AS_SUFFIXES:
        raise InputError(SAVE_AS_SUFFIXES[suffix], path=p, code=XCode.SAVE_AS)
    if not p.exists():
        raise InputError("文件不存在，请检查文件路径和文件名", path=p, code=XCode.INPUT_MISSING)
    if p.is_dir():
        raise InputError("这是一个文件夹，不是工作簿文件", path=p, code=XCode.INPUT_EMPTY)
    if suffix in CALAMINE_SUFFIXES:
        return _calamine_tables(p)
    if suffix in WORD_SUFFIXES:
        from xlperf.forms.docx_tables import word_tables

        return word_tables(p)
    return _xlsx_tables(p)


# --- .xlsx / .xlsm: our checked reader, plus merges and hidden columns from the sheet XML -------

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"')
_COL_RE = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_ATTR_RE = re.compile(rb'\b(min|max|hidden|r)="([^"]*)"')
_ROW_RE = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")


def _xlsx_tables(p: Path) -> list[Table]:
    from xlperf.core.refs import parse_ref
    from xlperf.ooxml.inspect import open_package
    from xlperf.ooxml.read import read_grids

    names, grids = read_grids(p)
    book = open_package(p)
    try:
        hidden_sheets = {str(el.get("name", "")) for el in book.workbook_root.iter() if str(el.tag).endswith("}sheet") and el.get("state") in ("hidden", "veryHidden")}
        tables = []
        for ref in book.worksheets:
            # plain regular expressions over the part: two attributes of two elements, on a part
            # read_grids has already checked (size caps, no DOCTYPE, well-formed)
            data = book.reader.read(ref.part)
            merges = []
            for a, b in _MERGE_RE.findall(data):
                (r0, c0), (r1, c1) = parse_ref(a.decode()), parse_ref(b.decode())
                merges.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
            hidden: set[int] = set()
            for attrs in _COL_RE.findall(data):
                kv = dict(_ATTR_RE.findall(attrs))
                if kv.get(b"hidden") in (b"1", b"true"):
                    lo, hi = int(kv.get(b"min", b"1")), int(kv.get(b"max", b"1"))
                    hidden.update(range(lo, min(hi, lo + 256) + 1))
            hidden_rows = set()
            for attrs in _ROW_RE.findall(data):
                kv = dict(_ATTR_RE.findall(attrs))
                if kv.get(b"hidden") in (b"1", b"true") and kv.get(b"r", b"").isdigit():
                    hidden_rows.add(int(kv[b"r"]))
            tables.append(Table(name=ref.name, grid=grids.get(ref.name, []), merges=merges, hidden_cols=hidden, hidden_rows=hidden_rows, hidden=ref.name in hidden_sheets))
        return tables
    finally:
        book.reader.fp.close()


# --- .xls / .ods through python-calamine --------------------------------------------------------


def _is_ooxml(data: bytes) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "[Content_Types].xml" in z.NameToInfo
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return False


def _calamine_tables(p: Path) -> list[Table]:
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_SOURCE_BYTES + 1)  # never more than the cap, however large the file
    except OSError as exc:
        from xlperf.ooxml.files import read_error

        raise read_error(p, exc) from exc
    if len(data) > MAX_SOURCE_BYTES:
        raise InputError("文件超过 100 MB，已拒绝处理", path=p, code=XCode.INPUT_TOO_LARGE)
    if not data:
        raise InputError("文件是空的（0 字节），可能是下载或复制未完成。请重新获取该文件", path=p, code=XCode.INPUT_EMPTY)
    ole = data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if not ole and not data.startswith(b"PK"):
        from xlperf.ooxml.inspect import _sniff_non_zip

        raise _sniff_non_zip(p, data[: 64 * 1024])
    if ole and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data:
        raise InputError("工作簿设置了打开密码，无法读取。请在 Excel/WPS 中打开后清除密码再保存", path=p, code=XCode.INPUT_ENCRYPTED)
    # calamine reads what the bytes are, whatever the name says: guard it as that
    from xlperf.forms.guard import check_ods, check_xls

    if ole:
        check_xls(p, data)
    elif _is_ooxml(data):  # an .xlsx named .xls/.ods: read it as one, with its own guards
        del data
        return _xlsx_tables(p)
    else:
        data = check_ods(p, data)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for meta in wb.sheets_metadata:
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            hidden = "Visible" not in str(getattr(meta, "visible", "Visible"))
            tables.append(Table(name=meta.name, grid=[[None if v == "" else v for v in row] for row in rows], merges=merges, hidden=hidden))
    except BaseException as exc:  # noqa: BLE001 - calamine raises several types (a Rust panic is no Exception); none may escape raw
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        what = "旧版 Excel 工作簿（.xls）" if p.suffix.lower() == ".xls" else "OpenDocument 表格（.ods）"
        raise InputError(f"无法读取这个{what}，文件可能已损坏或不是表格。请用 Excel/WPS 打开后另存为 .xlsx 再试", path=p, code=XCode.FORM_UNREADABLE) from exc
    if not ole and not any(t.merges for t in tables):  # calamine gives no merged cells for .ods
        from xlperf.forms.ods_merges import ods_merges

        spans = ods_merges(data)
        for t in tables:
            t.merges = spans.get(t.name, [])
    return tables
