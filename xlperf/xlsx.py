"""All low-level .xlsx file I/O: checking, reading, patching cells, atomic saving, locks.

Workbooks are never saved through openpyxl (it loses header logos, x14 dropdowns, sparklines,
ribbon parts and more when it saves). Instead :class:`XlsxPatcher`
rewrites only the cells we own inside the sheet XML (lxml, which keeps prefixes and the x14ac
namespace) and copies every other zip part with its original compressed bytes.

Reads use python-calamine plus a small supplement for what calamine drops: error values
(``#DIV/0!`` …) and formulas without a cached value.

Every part we read goes through :class:`_PartReader`, which inflates with a hard cap, so a
zip whose declared sizes lie cannot blow up memory.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import io
import math
import numbers
import os
import posixpath
import re
import stat
import struct
import tempfile
import time
import zipfile
import zlib
from bisect import bisect_left, insort
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from lxml import etree

from xlperf.errors import InputError, OutputError
from xlperf.values import EXCEL_CELL_LIMIT, excel_len

__all__ = [
    "KEEP",
    "CellError",
    "UncachedFormula",
    "check_workbook_file",
    "read_grids",
    "sheet_names",
    "XlsxPatcher",
    "atomic_write_bytes",
    "atomic_output",
    "excel_lock_file",
    "exclusive",
]

# --- public value types ------------------------------------------------------------------


class _Keep:
    """Sentinel type of :data:`KEEP`."""

    _instance: "_Keep | None" = None

    def __new__(cls) -> "_Keep":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __reduce__(self) -> str:
        return "KEEP"


KEEP = _Keep()
"""In a block passed to :meth:`XlsxPatcher.set_block`: leave this cell exactly as it is."""


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


# --- limits and error codes ----------------------------------------------------------------

MB = 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 200 * MB
MAX_PART_UNCOMPRESSED = 100 * MB
MAX_RATIO = 200
RATIO_CHECK_MIN_SIZE = 10 * MB
MAX_ENTRIES = 20000
DEFLATE_MAX_RATIO = 1032  # the most deflate can expand; parts that could exceed a limit are verified
PROLOG_LIMIT = 1 * MB  # bytes scanned for a DOCTYPE before the root element must start
MAX_CELL_CHARS = EXCEL_CELL_LIMIT
MAX_ROW = 1048576
MAX_COL = 16384
# calamine allocates rows x columns of a sheet's used range up front (and aborts the whole
# process when that fails), so one stray value in XFD1048576 would kill us. Sheets whose used
# range exceeds this are trimmed before calamine sees them (columns beyond MAX_TRIM_COLS first,
# then rows); nothing a self-evaluation needs lives that far out.
MAX_GRID_CELLS = 4_000_000
MAX_TRIM_COLS = 256

# InputError codes (reader.py uses X020..X022).
E_MISSING = "X002"
E_EMPTY = "X003"
E_TEXT = "X004"
E_CSV = "X005"
E_CORRUPT = "X006"
E_NOT_WORKBOOK = "X007"
E_XLSB = "X008"
E_XLS = "X009"
E_ENCRYPTED = "X010"
E_TOO_LARGE = "X011"
E_DOCTYPE = "X012"
E_UNREADABLE = "X013"
E_ODS = "X014"
E_NO_ACCESS = "X015"
E_NO_SHEET = "X016"
# OutputError codes.
E_OUT_FOLDER = "X102"
E_OUT_DENIED = "X103"
E_OUT_IN_USE = "X104"
E_OUT_BUSY = "X105"
E_OUT_WRITE = "X106"
E_OUT_READONLY = "X107"

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- namespaces and relationship types -----------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_XML = "http://www.w3.org/XML/1998/namespace"
RT_WORKSHEET = NS_REL + "/worksheet"
RT_STYLES = NS_REL + "/styles"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True
)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _ns_of(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- cell references -------------------------------------------------------------------------

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_CACHE: dict[int, str] = {}


def col_letter(col: int) -> str:
    s = _COL_CACHE.get(col)
    if s is None:
        n, out = col, ""
        while n:
            n, rem = divmod(n - 1, 26)
            out = chr(65 + rem) + out
        _COL_CACHE[col] = s = out
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """'B3' -> (3, 2)."""
    m = _REF_RE.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def _range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    a = f"{col_letter(c1)}{r1}"
    b = f"{col_letter(c2)}{r2}"
    return a if a == b else f"{a}:{b}"


def _parse_range(ref: str) -> tuple[int, int, int, int] | None:
    try:
        parts = ref.split(":")
        r1, c1 = parse_ref(parts[0])
        r2, c2 = parse_ref(parts[-1])
    except (ValueError, IndexError):
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# --- checking a file ---------------------------------------------------------------------------


def _err(path: Path, code: str, message: str) -> InputError:
    return InputError(message, path=path, code=code)


def _too_large(path: Path, detail: str) -> InputError:
    return _err(
        path,
        E_TOO_LARGE,
        f"文件解压后过大或压缩比异常（{detail}），疑似损坏或恶意构造，已拒绝处理。"
        f"单个部件上限 {MAX_PART_UNCOMPRESSED // MB} MB，合计上限 {MAX_TOTAL_UNCOMPRESSED // MB} MB",
    )


def _corrupt(path: Path, detail: str = "") -> InputError:
    extra = f"（{detail}）" if detail else ""
    return _err(
        path,
        E_CORRUPT,
        f"文件已损坏或不完整{extra}，无法作为 .xlsx 打开（可能是下载或复制中断）。"
        "请重新获取文件，或用 Excel/WPS 打开修复后另存为 .xlsx",
    )


class _PartReader:
    """Reads zip members from a seekable file with a hard cap on inflated bytes.

    Inflates with zlib directly from the raw compressed data, so it stops at the cap even when
    the declared size lies, and checks size and CRC against the central directory.
    """

    CHUNK = 256 * 1024

    def __init__(self, path: Path, fp: BinaryIO, zf: zipfile.ZipFile):
        self.path = path
        self.fp = fp
        self.zf = zf
        self.infos = {i.filename: i for i in zf.infolist()}

    def data_offset(self, info: zipfile.ZipInfo) -> int:
        if info.header_offset < 0:  # a damaged central directory points before the file's start
            raise _corrupt(self.path, info.filename)
        self.fp.seek(info.header_offset)
        head = self.fp.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise _corrupt(self.path, info.filename)
        nlen, xlen = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + nlen + xlen

    def raw(self, info: zipfile.ZipInfo) -> bytes:
        self.fp.seek(self.data_offset(info))
        data = self.fp.read(info.compress_size)
        if len(data) != info.compress_size:
            raise _corrupt(self.path, info.filename)
        return data

    def iter_chunks(self, name: str, limit: int = MAX_PART_UNCOMPRESSED, verify: bool = True) -> Iterator[bytes]:
        info = self.infos.get(name)
        if info is None:
            raise KeyError(name)
        if info.flag_bits & 0x1:
            raise _corrupt(self.path, f"{name} 被加密")
        total = 0
        crc = 0
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            pos = self.data_offset(info)
            left = info.compress_size
            dec = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            while True:
                if dec is not None and dec.unconsumed_tail:
                    raw = dec.unconsumed_tail
                elif left > 0:
                    self.fp.seek(pos)
                    raw = self.fp.read(min(self.CHUNK, left))
                    if not raw:
                        raise _corrupt(self.path, name)
                    pos += len(raw)
                    left -= len(raw)
                else:
                    raw = b""
                try:
                    out = raw if dec is None else dec.decompress(raw, self.CHUNK)
                except zlib.error as exc:
                    raise _corrupt(self.path, name) from exc
                if not raw and not out:
                    break
                total += len(out)
                if total > limit:
                    raise _too_large(self.path, f"{name} 超过 {limit // MB} MB")
                if verify:
                    crc = zlib.crc32(out, crc)
                if out:
                    yield out
                if dec is not None and dec.eof:
                    break
            if dec is not None and not dec.eof and info.compress_size:
                raise _corrupt(self.path, name)
        else:  # bzip2/lzma: Excel never writes these; let zipfile inflate, still capped
            try:
                with self.zf.open(info) as f:
                    while True:
                        out = f.read(self.CHUNK)
                        if not out:
                            break
                        total += len(out)
                        if total > limit:
                            raise _too_large(self.path, f"{name} 超过 {limit // MB} MB")
                        crc = zlib.crc32(out, crc)
                        yield out
            except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError) as exc:
                raise _corrupt(self.path, name) from exc
        if verify and (total != info.file_size or (crc & 0xFFFFFFFF) != info.CRC):
            raise _corrupt(self.path, f"{name} 校验失败")

    def read(self, name: str, limit: int = MAX_PART_UNCOMPRESSED) -> bytes:
        return b"".join(self.iter_chunks(name, limit))

    def head(self, name: str, limit: int = PROLOG_LIMIT) -> Iterator[bytes]:
        """Chunks from the start of a part, unverified (the caller stops early)."""
        return self.iter_chunks(name, limit=MAX_PART_UNCOMPRESSED, verify=False)


@dataclass
class _SheetRef:
    name: str
    part: str  # zip member name, e.g. "xl/worksheets/sheet1.xml"
    rel_type: str
    sheet_id: int


@dataclass
class _Book:
    path: Path
    reader: _PartReader
    workbook_part: str
    workbook_rels_part: str
    workbook_root: Any
    rels_root: Any
    ct_root: Any
    sheets: list[_SheetRef]
    date1904: bool
    rel_targets: dict[str, tuple[str, str]] = field(default_factory=dict)  # Id -> (type, part)

    @property
    def worksheets(self) -> list[_SheetRef]:
        return [s for s in self.sheets if s.rel_type.endswith("/worksheet")]

    def part_of_type(self, suffix: str) -> str | None:
        for typ, part in self.rel_targets.values():
            if typ.endswith(suffix):
                return part
        return None


def _resolve_target(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(base_part)
    return posixpath.normpath(posixpath.join(base, target))


def _rels_part_of(part: str) -> str:
    d, n = posixpath.split(part)
    return posixpath.join(d, "_rels", n + ".rels")


def _scan_prolog(reader: _PartReader, name: str) -> None:
    """Refuse a part whose prolog (before the root element) declares a DOCTYPE or ENTITY."""
    buf = b""
    for chunk in reader.head(name):
        buf += chunk
        verdict = _prolog_verdict(buf)
        if verdict is True:
            raise _err(
                reader.path,
                E_DOCTYPE,
                f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明。Excel 不会生成这种内容，疑似恶意构造，已拒绝处理",
            )
        if verdict is False:
            return
        if len(buf) > PROLOG_LIMIT:
            raise _corrupt(reader.path, f"{name} 不是有效的 XML")
    if _prolog_verdict(buf, final=True):
        raise _err(reader.path, E_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")


def _prolog_verdict(buf: bytes, final: bool = False) -> bool | None:
    """True: a DOCTYPE/ENTITY in the prolog; False: the root element starts cleanly; None: need more."""
    if buf.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = buf[: len(buf) - (len(buf) % 2)].decode("utf-16")
        except UnicodeDecodeError:
            return None if not final else False
        b = text.encode("utf-8", "replace")
    else:
        b = buf[3:] if buf.startswith(b"\xef\xbb\xbf") else buf
    i, n = 0, len(b)
    while True:
        while i < n and b[i : i + 1] in (b" ", b"\t", b"\r", b"\n"):
            i += 1
        if i >= n:
            return None if not final else False
        if b.startswith(b"<?", i):
            j = b.find(b"?>", i)
            if j < 0:
                return None if not final else False
            i = j + 2
        elif b.startswith(b"<!--", i):
            j = b.find(b"-->", i)
            if j < 0:
                return None if not final else False
            i = j + 3
        elif b.startswith(b"<!", i):
            if n - i < 9 and not final:
                return None
            return True  # <!DOCTYPE, <!ENTITY (nothing else may start with <! in a prolog)
        else:
            return False


def _parse_xml(reader: _PartReader, name: str) -> Any:
    data = reader.read(name)
    return _parse_bytes(reader.path, name, data)


def _parse_bytes(path: Path, name: str, data: bytes) -> Any:
    if b"<!DOCTYPE" in data[:PROLOG_LIMIT] or b"<!ENTITY" in data[:PROLOG_LIMIT]:
        if _prolog_verdict(data, final=True):
            raise _err(path, E_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _err(
            path, E_UNREADABLE, f"工作簿中的部件 {name} 不是有效的 XML，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试"
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise _err(path, E_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")
    return root


def _sniff_non_zip(path: Path, head: bytes) -> InputError:
    """Name what a file that is not a zip is: text, CSV, HTML, XML spreadsheet, or unknown binary."""
    if head.startswith(b"%PDF"):  # before any text sniffing: a PDF's binary comment decodes as GB18030
        return _err(path, E_TEXT, "这是 PDF 文件，不是 Excel 工作簿。请选择 .xlsx 格式的自评表")
    text: str | None = None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head[2 : len(head) - (len(head) % 2)].decode("utf-16-le" if head[:1] == b"\xff" else "utf-16-be")
        except UnicodeDecodeError:
            text = None
    elif b"\0" not in head:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = head.decode(enc)
                break
            except UnicodeDecodeError as exc:
                if exc.start > len(head) - 4:  # cut in the middle of a character
                    text = head[: exc.start].decode(enc, "ignore")
                    break
    if text is None:
        return _err(path, E_TEXT, "不是 Excel 工作簿（.xlsx），无法识别文件格式。请确认选择了正确的文件")
    low = text.lstrip().lower()
    if low.startswith(("<html", "<!doctype html", "<meta", "<table")) or "<table" in low[:4000]:
        return _err(
            path,
            E_TEXT,
            "这是网页（HTML）格式的表格，不是真正的 Excel 工作簿（常见于从业务系统导出的“Excel”）。"
            "请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）",
        )
    if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low[:8000]:
        return _err(
            path,
            E_TEXT,
            "这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）",
        )
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if lines:
        for sep in (",", "\t", ";", "，"):
            hits = sum(1 for ln in lines if sep in ln)
            if hits >= max(1, (len(lines) * 2 + 2) // 3):
                return _err(
                    path,
                    E_CSV,
                    "这是 CSV 文本文件，只是扩展名改成了 .xlsx。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）",
                )
    return _err(
        path,
        E_TEXT,
        "这是文本文件，不是 Excel 工作簿（只是扩展名改成了 .xlsx）。请选择正确的文件，或用 Excel/WPS 打开后另存为 .xlsx",
    )


def _ole_kind(path: Path) -> str:
    """'encrypted' (password-protected OOXML), 'xls' (BIFF workbook) or 'other'."""
    names: list[str] | None = None
    try:
        import olefile  # type: ignore[import-not-found]
    except ImportError:
        olefile = None
    if olefile is not None:
        try:
            with olefile.OleFileIO(str(path)) as ole:
                names = [e[-1] for e in ole.listdir(streams=True, storages=True)]
        except Exception:  # noqa: BLE001 - a damaged OLE file: fall back to sniffing
            names = None
    if names is None:
        with open(path, "rb") as f:
            data = f.read(64 * MB)
        names = [
            n
            for n in ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book")
            if (n + "\0").encode("utf-16-le") in data
        ]
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        return "encrypted"
    if "Workbook" in names or "Book" in names:
        return "xls"
    return "other"


def _inspect(path: str | os.PathLike[str], fp: BinaryIO | None = None) -> _Book:
    """Check the file and map its sheets. ``fp`` (optional) holds the file's bytes."""
    p = Path(path)
    if fp is None:
        if not p.exists():
            raise _err(p, E_MISSING, "文件不存在，请检查文件路径和文件名")
        if p.is_dir():
            raise _err(p, E_MISSING, "这是一个文件夹，不是 Excel 文件")
        try:
            fp = open(p, "rb")
        except OSError as exc:
            raise _err(p, E_NO_ACCESS, f"无法读取文件（{exc.strerror or exc}）。请检查文件权限，或关闭正在使用它的程序") from exc
    try:
        return _inspect_fp(p, fp)
    except BaseException as exc:
        fp.close()
        if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, struct.error, zlib.error)):
            raise _corrupt(p) from exc
        if isinstance(exc, OSError):
            raise _err(p, E_NO_ACCESS, f"无法读取文件（{exc.strerror or exc}）") from exc
        raise


def _inspect_fp(p: Path, fp: BinaryIO) -> _Book:
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    fp.seek(0)
    if size == 0:
        raise _err(p, E_EMPTY, "文件是空的（0 字节），可能是下载或复制未完成。请重新获取该文件")
    head = fp.read(64 * 1024)
    fp.seek(0)
    if head.startswith(OLE_SIGNATURE):
        kind = _ole_kind(p)
        if kind == "encrypted":
            raise _err(
                p,
                E_ENCRYPTED,
                "工作簿设置了打开密码，无法读取。请在 Excel 中打开后清除密码："
                "文件 → 信息 → 保护工作簿 → 用密码进行加密 → 清空密码框 → 确定 → 保存，然后重试",
            )
        if kind == "xls":
            raise _err(
                p,
                E_XLS,
                "这是旧版 Excel 97-2003 工作簿（.xls）。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）再处理",
            )
        raise _err(p, E_XLS, "这是旧版 Office 文件（不是 .xlsx 工作簿）。请用 Excel/WPS 打开后另存为 .xlsx 再处理")
    if not head.startswith(b"PK"):
        raise _sniff_non_zip(p, head)
    if head.startswith(b"PK\x05\x06") and size <= 22 + 65535:
        raise _err(p, E_NOT_WORKBOOK, "这是一个空的压缩包，不是 Excel 工作簿")
    try:
        zf = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:  # a damaged "version needed" field: NotImplementedError
        raise _corrupt(p) from exc
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _too_large(p, f"含 {len(infos)} 个部件")
    names = {i.filename for i in infos}
    if len(names) != len(infos):
        raise _corrupt(p, "压缩包中有重复的部件")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_PART_UNCOMPRESSED:
            raise _too_large(p, f"{i.filename} 解压后 {i.file_size // MB} MB")
        if i.file_size > RATIO_CHECK_MIN_SIZE and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _too_large(p, f"{i.filename} 压缩比 {i.file_size // max(i.compress_size, 1)}:1")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise _too_large(p, f"合计 {total // MB} MB")
    reader = _PartReader(p, fp, zf)

    if "mimetype" in names:
        try:
            mt = reader.read("mimetype", limit=1024)
        except InputError:
            mt = b""
        if b"opendocument.spreadsheet" in mt:
            raise _err(p, E_ODS, "这是 OpenDocument 表格（.ods）。请用 WPS/Excel/LibreOffice 打开后另存为 .xlsx")
    if "xl/workbook.bin" in names:
        raise _err(p, E_XLSB, "这是 Excel 二进制工作簿（.xlsb），本工具不支持。请用 Excel 打开后“另存为” Excel 工作簿（*.xlsx）")
    if "[Content_Types].xml" not in names:
        what = "Word 文档" if "word/document.xml" in names else "压缩包"
        raise _err(p, E_NOT_WORKBOOK, f"这是一个{what}，不是 Excel 工作簿（缺少 [Content_Types].xml）。请确认选择了正确的文件")
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        _scan_prolog(reader, "_rels/.rels")
        root_rels = _parse_xml(reader, "_rels/.rels")
        for rel in root_rels:
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                cand = _resolve_target("", str(rel.get("Target", "")))
                if cand in names:
                    workbook_part = cand
                break
    if workbook_part not in names:
        if "word/document.xml" in names:
            raise _err(p, E_NOT_WORKBOOK, "这是 Word 文档，不是 Excel 工作簿。请确认选择了正确的文件")
        if "ppt/presentation.xml" in names:
            raise _err(p, E_NOT_WORKBOOK, "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请确认选择了正确的文件")
        raise _err(p, E_NOT_WORKBOOK, "这是一个压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）。请确认选择了正确的文件")

    for name in ("[Content_Types].xml", workbook_part):
        _scan_prolog(reader, name)
    ct_root = _parse_xml(reader, "[Content_Types].xml")
    wb_root = _parse_xml(reader, workbook_part)
    if _local(wb_root.tag) != "workbook":  # the package's main part is a Word/PowerPoint document
        kind = _local(wb_root.tag)
        if kind == "document" or "word/document.xml" in names:
            raise _err(p, E_NOT_WORKBOOK, "这是 Word 文档，不是 Excel 工作簿。请确认选择了正确的文件")
        if kind == "presentation" or "ppt/presentation.xml" in names:
            raise _err(p, E_NOT_WORKBOOK, "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请确认选择了正确的文件")
        raise _err(p, E_NOT_WORKBOOK, f"这是一个压缩包，但不是 Excel 工作簿（主部件 {workbook_part} 不是工作簿）。请确认选择了正确的文件")
    rels_part = _rels_part_of(workbook_part)
    if rels_part not in names:
        raise _corrupt(p, f"缺少 {rels_part}")
    _scan_prolog(reader, rels_part)
    rels_root = _parse_xml(reader, rels_part)
    rel_targets: dict[str, tuple[str, str]] = {}
    for rel in rels_root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        rel_targets[str(rel.get("Id"))] = (str(rel.get("Type", "")), _resolve_target(workbook_part, str(rel.get("Target", ""))))

    date1904 = False
    sheets: list[_SheetRef] = []
    for el in wb_root:
        ln = _local(el.tag)
        if ln == "workbookPr":
            date1904 = str(el.get("date1904", "")).lower() in ("1", "true")
        elif ln == "sheets":
            for sh in el:
                if _local(sh.tag) != "sheet":
                    continue
                rid = next((v for k, v in sh.attrib.items() if _local(k) == "id" and k.startswith("{")), None)
                name = str(sh.get("name", ""))
                # what Excel refuses to open: a sheet without a name, without its part, or named twice
                if not name.strip():
                    raise _corrupt(p, "工作簿中有一个没有名称的工作表")
                if str(rid) not in rel_targets:
                    raise _corrupt(p, f"工作表“{name}”没有对应的部件")
                if any(other.name.casefold() == name.casefold() for other in sheets):
                    raise _corrupt(p, f"工作簿中有两个名为“{name}”的工作表")
                typ, part = rel_targets[str(rid)]
                try:
                    sid = int(sh.get("sheetId", "0"))
                except ValueError:
                    sid = 0
                sheets.append(_SheetRef(name, part, typ, sid))
    book = _Book(p, reader, workbook_part, rels_part, wb_root, rels_root, ct_root, sheets, date1904, rel_targets)

    # Every XML part we (or calamine) read: refuse DOCTYPE/ENTITY, verify real sizes of big ones.
    to_scan = [s.part for s in book.worksheets if s.part in names]
    for suffix in ("/styles", "/sharedStrings"):
        part = book.part_of_type(suffix)
        if part and part in names:
            to_scan.append(part)
    for name in to_scan:
        _scan_prolog(reader, name)
    for s in book.worksheets:
        if s.part not in names:
            raise _corrupt(p, f"工作表“{s.name}”的部件 {s.part or '（无）'} 不存在")
    # Declared sizes can lie: inflate (capped) every part we or calamine read that could exceed 1 MB.
    real_total = total
    read_set = set(to_scan) | {"[Content_Types].xml", "_rels/.rels", workbook_part, rels_part}
    for i in infos:
        if i.filename in read_set and i.compress_size * DEFLATE_MAX_RATIO > MB:
            actual = 0
            for chunk in reader.iter_chunks(i.filename, MAX_PART_UNCOMPRESSED):
                actual += len(chunk)
            real_total += actual - i.file_size
            if real_total > MAX_TOTAL_UNCOMPRESSED:
                raise _too_large(p, f"合计超过 {MAX_TOTAL_UNCOMPRESSED // MB} MB")
    return book


def check_workbook_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`InputError` (Chinese message naming the file) when the file cannot be used."""
    book = _inspect(path)
    book.reader.fp.close()


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """Worksheet names in workbook order (chartsheets left out)."""
    book = _inspect(path)
    book.reader.fp.close()
    return [s.name for s in book.worksheets]


# --- reading -----------------------------------------------------------------------------------


def _load_bytes(path: str | os.PathLike[str]) -> tuple[Path, bytes]:
    p = Path(path)
    if not p.exists():
        raise _err(p, E_MISSING, "文件不存在，请检查文件路径和文件名")
    if p.is_dir():
        raise _err(p, E_MISSING, "这是一个文件夹，不是 Excel 文件")
    try:
        return p, p.read_bytes()
    except OSError as exc:
        raise _err(p, E_NO_ACCESS, f"无法读取文件（{exc.strerror or exc}）。请检查文件权限，或关闭正在使用它的程序") from exc


def read_grids(
    path: str | os.PathLike[str], sheets: Iterable[str] | None = None
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """(all worksheet names in order, {name: grid}) for the requested sheets (all when None).

    grid[0][0] is A1. Values: None, str, int/float, bool, date/datetime/time, CellError,
    UncachedFormula. Merged ranges are not filled. A sheet whose used range is larger than
    :data:`MAX_GRID_CELLS` is read trimmed (see :func:`_grid_caps`).
    """
    p, data = _load_bytes(path)
    book = _inspect(p, io.BytesIO(data))
    names = [s.name for s in book.worksheets]
    wanted = names if sheets is None else [n for n in sheets if n in names]
    grids: dict[str, list[list[Any]]] = {}
    if not wanted:
        return names, grids
    parts = {s.name: s.part for s in book.worksheets}
    xml: dict[str, bytes] = {}
    caps: dict[str, tuple[int, int]] = {}
    trimmed: dict[str, bytes] = {}
    sst = book.part_of_type("/sharedStrings")
    if sst and sst in book.reader.infos:
        _check_well_formed(p, sst, book.reader.read(sst))
    for name in wanted:
        part = parts[name]
        if part not in xml:
            xml[part] = book.reader.read(part)
            _check_well_formed(p, part, xml[part], name)
            cap = _grid_caps(xml[part])
            caps[part] = cap
            if cap[0] < MAX_ROW or cap[1] < MAX_COL:
                trimmed[part] = _trim_sheet(p, part, xml[part], cap)
    if trimmed:
        data = _replace_parts(book, trimmed)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; none may escape raw
        raise _err(p, E_UNREADABLE, "无法读取工作簿内容，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试") from exc
    try:
        for name in wanted:
            try:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001
                raise InputError(
                    "无法读取该工作表的内容，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试",
                    path=p,
                    sheet=name,
                    code=E_UNREADABLE,
                ) from exc
            grid = [[None if v == "" else v for v in row] for row in rows]
            part = parts[name]
            _supplement(book, part, grid, trimmed.get(part, xml[part]), caps[part])
            grids[name] = grid
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass
    return names, grids


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
            code=E_UNREADABLE,
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
    root = _parse_bytes(path, part, data)
    cap_r, cap_c = cap
    for sheet_data in [el for el in root if _local(el.tag) == "sheetData"]:
        last_r = 0
        for row in list(sheet_data):
            if _local(row.tag) != "row":
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
                if _local(c.tag) != "c":
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
    for dim in [el for el in root if _local(el.tag) == "dimension"]:
        dim.set("ref", _range_ref(1, 1, cap_r, cap_c))
    return _serialize(root, root.getroottree().docinfo.standalone)


def _replace_parts(book: _Book, replaced: dict[str, bytes]) -> bytes:
    """The workbook's zip with some parts replaced (others copied raw), in memory."""
    buf = io.BytesIO()
    reader = book.reader
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zout:
        for info in reader.zf.infolist():
            if info.filename in replaced:
                zi = _clone_info(info)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(zi, replaced[info.filename], compresslevel=1)
            else:
                _copy_raw(zout, info, reader.raw(info))
    return buf.getvalue()


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


def _supplement(book: _Book, part: str, grid: list[list[Any]], data: bytes, cap: tuple[int, int] = (MAX_ROW, MAX_COL)) -> None:
    """Put CellError / UncachedFormula values that calamine drops into the grid (within ``cap``)."""
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
            text = _translate_formula(anchor[0], anchor[1], anchor[2], row, col) or anchor[0]
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


def _translate_formula(text: str, r0: int, c0: int, r1: int, c1: int) -> str | None:
    """Shift relative references of a formula written at (r0, c0) to (r1, c1); None when it fails."""
    try:
        from openpyxl.formula.translate import Translator

        out = Translator("=" + text, origin=f"{col_letter(c0)}{r0}").translate_formula(f"{col_letter(c1)}{r1}")
    except Exception:  # noqa: BLE001
        return None
    return out[1:] if out.startswith("=") else out


# --- styles ------------------------------------------------------------------------------------

_BUILTIN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "0.00E+00": 11,
    "@": 49,
}
_BUILTIN_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59)) | set(range(71, 82))
_FMT_STRIP = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
FMT_DATE = 14  # locale date (shows yyyy/m/d in Chinese Excel)
FMT_DATETIME = 22


def _is_date_code(code: str) -> bool:
    """Whether a number format code shows a date or time (like openpyxl's is_date_format)."""
    section = code.split(";")[0]
    if re.search(r"\[(h+|m+|s+)\]", section, re.I):
        return True
    s = _FMT_STRIP.sub("", section)
    s = re.sub(r"(?i)general", "", s)
    s = re.sub(r"[eE][+-]", "", s)  # scientific notation
    return bool(re.search(r"[yYmMdDhHsSeE]|aaa", s))


class _Styles:
    """xl/styles.xml: date detection and numFmt-changed clones of cell formats (xf)."""

    def __init__(self, root: Any):
        self.root = root
        self.ns = _ns_of(root.tag)
        self.cell_xfs = root.find(f"{{{self.ns}}}cellXfs")
        if self.cell_xfs is None:
            self.cell_xfs = etree.SubElement(root, f"{{{self.ns}}}cellXfs")
            self._insert_ordered(self.cell_xfs)
        if len(self.cell_xfs) == 0:
            etree.SubElement(self.cell_xfs, f"{{{self.ns}}}xf", numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
        self.xfs = [x for x in self.cell_xfs if _local(x.tag) == "xf"]
        self.num_fmts = root.find(f"{{{self.ns}}}numFmts")
        self.codes: dict[int, str] = {}
        if self.num_fmts is not None:
            for nf in self.num_fmts:
                try:
                    self.codes[int(nf.get("numFmtId", "-1"))] = str(nf.get("formatCode", ""))
                except ValueError:
                    pass
        self.clones: dict[tuple[int, int], int] = {}
        self.signatures: dict[bytes, int] | None = None
        self.changed = False

    _ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles")

    def _insert_ordered(self, el: Any) -> None:
        """Move a newly added top-level element to its schema position."""
        rank = self._ORDER.index(_local(el.tag))
        self.root.remove(el)
        for i, child in enumerate(self.root):
            ln = _local(child.tag)
            if ln not in self._ORDER or self._ORDER.index(ln) > rank:
                self.root.insert(i, el)
                return
        self.root.append(el)

    def fmt_id(self, s: int) -> int:
        if 0 <= s < len(self.xfs):
            try:
                return int(self.xfs[s].get("numFmtId", "0"))
            except ValueError:
                return 0
        return 0

    def is_date(self, s: int) -> bool:
        fid = self.fmt_id(s)
        if fid in self.codes:
            return _is_date_code(self.codes[fid])
        return fid in _BUILTIN_DATE_IDS

    def numfmt_for(self, code: str) -> int:
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        for fid, c in self.codes.items():
            if c == code:
                return fid
        fid = max([163, *self.codes]) + 1
        if self.num_fmts is None:
            self.num_fmts = etree.SubElement(self.root, f"{{{self.ns}}}numFmts")
            self._insert_ordered(self.num_fmts)
        etree.SubElement(self.num_fmts, f"{{{self.ns}}}numFmt", numFmtId=str(fid), formatCode=code)
        self.num_fmts.set("count", str(len(self.num_fmts)))
        self.codes[fid] = code
        self.changed = True
        return fid

    @staticmethod
    def _sig(xf: Any) -> bytes:
        attrs = sorted((k, v) for k, v in xf.attrib.items() if k != "applyNumberFormat")
        return repr(attrs).encode() + b"".join(etree.tostring(c) for c in xf)

    def with_fmt(self, s: int, fid: int) -> int:
        """Index of a cell format equal to xf ``s`` but with number format ``fid``."""
        if s < 0 or s >= len(self.xfs):
            s = 0
        if self.fmt_id(s) == fid:
            return s
        key = (s, fid)
        hit = self.clones.get(key)
        if hit is not None:
            return hit
        clone = copy.deepcopy(self.xfs[s])
        clone.set("numFmtId", str(fid))
        clone.set("applyNumberFormat", "1")
        if self.signatures is None:
            self.signatures = {}
            for i, x in enumerate(self.xfs):
                self.signatures.setdefault(self._sig(x), i)
        sig = self._sig(clone)
        idx = self.signatures.get(sig)
        if idx is None:
            self.cell_xfs.append(clone)
            self.xfs.append(clone)
            idx = len(self.xfs) - 1
            self.signatures[sig] = idx
            self.cell_xfs.set("count", str(len(self.xfs)))
            self.changed = True
        self.clones[key] = idx
        return idx


_MIN_STYLES = (
    '<styleSheet xmlns="{ns}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


# --- writing cell values -------------------------------------------------------------------------

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NEEDS_PRESERVE = re.compile(r"^\s|\s$|[\t\n\r]|  ")


def _excel_text(s: str) -> str:
    """Escape text the way Excel does: control characters as _xHHHH_, a literal _xHHHH_ as _x005F_xHHHH_."""
    if "_x" in s:
        s = _ESCAPE_LIKE.sub(r"_x005F_\1", s)
    if _ILLEGAL_XML.search(s):
        s = _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_" if ord(m.group()) < 0x20 else "", s)
    return s


def _number_text(v: Any) -> str:
    if isinstance(v, numbers.Integral):
        return str(int(v))
    f = float(v)
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"不能写入非有限数值（{v!r}）")
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def _date_serial(v: _dt.date, date1904: bool) -> float:
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        d = v.date()
        frac = (v - _dt.datetime.combine(d, _dt.time())).total_seconds() / 86400.0
    else:
        d, frac = v, 0.0
    if date1904:
        days = (d - _dt.date(1904, 1, 1)).days
        first = 0
    else:
        days = (d - _dt.date(1899, 12, 30)).days
        if d < _dt.date(1900, 3, 1):
            days -= 1  # Excel counts a 1900-02-29 that never existed
        first = 1
    if days < first:
        raise ValueError(f"Excel 不能表示 {('1904' if date1904 else '1900')} 年之前的日期（{v}）")
    return days + frac


@dataclass
class _Prepared:
    kind: str  # "keep" | "clear" | "str" | "num" | "bool" | "date"
    text: str = ""
    preserve: bool = False
    has_time: bool = False


def _prepare(v: Any, date1904: bool) -> _Prepared:
    if v is KEEP:
        return _Prepared("keep")
    if v is None:
        return _Prepared("clear")
    if isinstance(v, str):
        # a string of at most half the limit cannot reach it: count UTF-16 units only for long ones
        if len(v) * 2 > MAX_CELL_CHARS and excel_len(v) > MAX_CELL_CHARS:
            raise ValueError(f"单元格文本超过 Excel 上限 {MAX_CELL_CHARS} 个字符（实际 {excel_len(v)} 个）")
        return _Prepared("str", _excel_text(v), bool(_NEEDS_PRESERVE.search(v)))
    if isinstance(v, bool):
        return _Prepared("bool", "1" if v else "0")
    if isinstance(v, _dt.date):
        serial = _date_serial(v, date1904)
        has_time = isinstance(v, _dt.datetime) and serial != int(serial)
        return _Prepared("date", _number_text(serial), has_time=has_time)
    if isinstance(v, Decimal):
        return _Prepared("num", _number_text(float(v)))
    if isinstance(v, numbers.Real):
        return _Prepared("num", _number_text(v))
    raise TypeError(f"不支持写入此类型的值：{type(v).__name__}")


class _Sheet:
    """One worksheet part being patched: an lxml tree plus row/cell indexes built on demand."""

    def __init__(self, part: str, root: Any, standalone: bool | None):
        self.part = part
        self.root = root
        self.standalone = standalone
        self.ns = _ns_of(root.tag)
        q = self.q
        self.sheet_data = root.find(q("sheetData"))
        if self.sheet_data is None:
            self.sheet_data = etree.SubElement(root, q("sheetData"))
            _place_before(root, self.sheet_data, _AFTER_SHEETDATA)
        self.rows: dict[int, Any] = {}
        last = 0
        for row in self.sheet_data:
            if _local(row.tag) != "row":
                continue
            r = row.get("r")
            try:
                n = int(r) if r is not None else last + 1
            except ValueError:
                n = last + 1
            if r is None:
                row.set("r", str(n))
            self.rows[n] = row
            last = n
        self.row_keys = sorted(self.rows)
        self.cells: dict[int, tuple[dict[int, Any], list[int]]] = {}
        self._col_styles: list[tuple[int, int, int]] | None = None
        self.shared: dict[str, list[list[Any]]] | None = None
        self.bbox: list[int] | None = None
        self.formula_removed = False
        self.dirty = False

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name

    # rows and cells ----------------------------------------------------------------------
    def row(self, r: int, create: bool) -> Any:
        el = self.rows.get(r)
        if el is None and create:
            el = etree.Element(self.q("row"))
            el.set("r", str(r))
            i = bisect_left(self.row_keys, r)
            if i < len(self.row_keys):
                self.rows[self.row_keys[i]].addprevious(el)
            else:
                self.sheet_data.append(el)
            self.rows[r] = el
            insort(self.row_keys, r)
        return el

    def _row_index(self, r: int, row: Any) -> tuple[dict[int, Any], list[int]]:
        idx = self.cells.get(r)
        if idx is None:
            cells: dict[int, Any] = {}
            last = 0
            ctag = self.q("c")
            for c in row:
                if c.tag != ctag:
                    continue
                ref = c.get("r")
                n = last + 1
                if ref is not None:
                    try:
                        n = parse_ref(ref)[1]
                    except ValueError:
                        pass
                else:
                    c.set("r", f"{col_letter(n)}{r}")
                cells[n] = c
                last = n
            idx = (cells, sorted(cells))
            self.cells[r] = idx
        return idx

    def cell(self, r: int, c: int, create: bool) -> Any:
        row = self.row(r, create)
        if row is None:
            return None
        cells, keys = self._row_index(r, row)
        el = cells.get(c)
        if el is None and create:
            el = etree.Element(self.q("c"))
            el.set("r", f"{col_letter(c)}{r}")
            style = self.default_style(r, c, row)
            if style:
                el.set("s", str(style))
            i = bisect_left(keys, c)
            if i < len(keys):
                cells[keys[i]].addprevious(el)
            else:
                # after the last cell, but before a row-level extLst if any
                tail = [ch for ch in row if ch.tag != self.q("c")]
                if tail:
                    tail[0].addprevious(el)
                else:
                    row.append(el)
            cells[c] = el
            insort(keys, c)
            spans = row.get("spans")
            if spans and ":" in spans:
                try:
                    a, b = (int(x) for x in spans.split(":", 1))
                    row.set("spans", f"{min(a, c)}:{max(b, c)}")
                except ValueError:
                    pass
        return el

    def default_style(self, r: int, c: int, row: Any) -> int:
        if row is not None and row.get("customFormat") in ("1", "true") and row.get("s"):
            try:
                return int(row.get("s"))
            except ValueError:
                pass
        if self._col_styles is None:
            self._col_styles = []
            cols = self.root.find(self.q("cols"))
            if cols is not None:
                for col in cols:
                    try:
                        self._col_styles.append((int(col.get("min")), int(col.get("max")), int(col.get("style", "0"))))
                    except (TypeError, ValueError):
                        pass
        for lo, hi, style in self._col_styles:
            if lo <= c <= hi:
                return style
        return 0

    def widen(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if self.bbox is None:
            self.bbox = [r1, c1, r2, c2]
        else:
            b = self.bbox
            self.bbox = [min(b[0], r1), min(b[1], c1), max(b[2], r2), max(b[3], c2)]

    # formulas ------------------------------------------------------------------------------
    def _index_shared(self) -> dict[str, list[list[Any]]]:
        if self.shared is None:
            self.shared = {}
            ftag = self.q("f")
            for f in self.sheet_data.iter(ftag):
                if f.get("t") != "shared" or f.get("si") is None:
                    continue
                c = f.getparent()
                try:
                    r, col = parse_ref(c.get("r", ""))
                except ValueError:
                    continue
                self.shared.setdefault(f.get("si"), []).append([r, col, f])
        return self.shared

    def remove_formula(self, r: int, c: int, f: Any) -> None:
        self.formula_removed = True
        if f.get("t") == "shared" and f.get("si") is not None:
            group = self._index_shared().get(f.get("si"), [])
            group[:] = [m for m in group if m[2] is not f]
            if f.get("ref") is not None and (f.text or "").strip() and group:
                group.sort(key=lambda m: (m[0], m[1]))
                nr, nc, nf = group[0]
                text = _translate_formula(f.text or "", r, c, nr, nc)
                if text is None:
                    # cannot shift the references: turn the rest of the group into plain values
                    for _, _, mf in group:
                        cell = mf.getparent()
                        cell.remove(mf)
                        _drop_formula_attrs(cell)
                    group.clear()
                else:
                    nf.text = text
                    nf.attrib.clear()
                    nf.set("t", "shared")
                    nf.set("ref", _range_ref(nr, min(m[1] for m in group), max(m[0] for m in group), max(m[1] for m in group)))
                    nf.set("si", f.get("si"))
        f.getparent().remove(f)

    def to_bytes(self) -> bytes:
        if self.bbox is not None:
            dim = self.root.find(self.q("dimension"))
            if dim is not None:
                b = list(self.bbox)
                cur = _parse_range(dim.get("ref", ""))
                if cur is not None:
                    b = [min(b[0], cur[0]), min(b[1], cur[1]), max(b[2], cur[2]), max(b[3], cur[3])]
                dim.set("ref", _range_ref(*b))
        return _serialize(self.root, self.standalone)


def _drop_formula_attrs(cell: Any) -> None:
    for a in ("cm",):
        if a in cell.attrib:
            del cell.attrib[a]


# worksheet child elements that follow sheetData (CT_Worksheet order)
_AFTER_SHEETDATA = (
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
    "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
    "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)


def _place_before(root: Any, el: Any, following: tuple[str, ...]) -> None:
    """Move ``el`` (a child of root) before the first sibling whose local name is in ``following``."""
    for child in root:
        if child is not el and _local(child.tag) in following:
            root.remove(el)
            child.addprevious(el)
            return


def _serialize(root: Any, standalone: bool | None = True) -> bytes:
    decl = XML_DECL if standalone is not False else XML_DECL.replace(b"yes", b"no")
    if standalone is None:
        decl = b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
    return decl + etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)


def _check_sheet_name(name: str, existing: Iterable[str]) -> None:
    if not isinstance(name, str) or not name or len(name) > 31:
        raise ValueError(f"工作表名称须为 1–31 个字符：{name!r}")
    bad = set("[]:*?/\\") & set(name)
    if bad:
        raise ValueError(f"工作表名称不能包含字符 {' '.join(sorted(bad))}：{name}")
    if name.startswith("'") or name.endswith("'") or name.casefold() == "history":
        raise ValueError(f"工作表名称不可用：{name}")
    if name.casefold() in {n.casefold() for n in existing}:
        raise ValueError(f"工作簿中已有名为“{name}”的工作表")


class XlsxPatcher:
    """Patch cell values of an .xlsx in place of a full load/save; all other parts stay byte-identical."""

    def __init__(self, path: str | os.PathLike[str]):
        p, data = _load_bytes(path)
        self.path = p
        self._data = data
        self._book = _inspect(p, io.BytesIO(data))
        self._reader = self._book.reader
        self._order = [i.filename for i in self._reader.zf.infolist()]
        self._sheets: dict[str, _Sheet] = {}  # part -> parsed sheet
        self._parts: dict[str, str] = {s.name: s.part for s in self._book.worksheets}
        self._new_parts: dict[str, bytes] = {}  # added parts (not in the source)
        self._removed: set[str] = set()
        self._styles: _Styles | None = None
        self._styles_part: str | None = self._book.part_of_type("/styles")
        self._styles_standalone: bool | None = True
        self._dirty_workbook = False
        self._dirty_rels = False
        self._dirty_ct = False
        self._created_styles = False

    # --- context manager -------------------------------------------------------------------
    def __enter__(self) -> "XlsxPatcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._reader.zf.close()
        except Exception:  # noqa: BLE001
            pass

    @property
    def sheet_names(self) -> list[str]:
        return list(self._parts)

    # --- parts ------------------------------------------------------------------------------
    def _sheet(self, name: str) -> _Sheet:
        part = self._parts.get(name)
        if part is None:
            raise InputError(
                f"工作簿中没有工作表“{name}”（现有：{'、'.join(self._parts) or '无'}）", path=self.path, code=E_NO_SHEET
            )
        sh = self._sheets.get(part)
        if sh is None:
            data = self._reader.read(part)
            root = _parse_bytes(self.path, part, data)
            standalone = root.getroottree().docinfo.standalone
            sh = _Sheet(part, root, standalone)
            self._sheets[part] = sh
        return sh

    def _get_styles(self) -> _Styles:
        if self._styles is None:
            part = self._styles_part
            if part and part in self._reader.infos:
                root = _parse_bytes(self.path, part, self._reader.read(part))
                self._styles_standalone = root.getroottree().docinfo.standalone
            else:
                ns = _ns_of(self._book.workbook_root.tag) or NS_MAIN
                root = etree.fromstring(_MIN_STYLES.format(ns=ns).encode())
                part = posixpath.join(posixpath.dirname(self._book.workbook_part), "styles.xml")
                self._styles_part = part
                self._created_styles = True
                rid = self._new_rel_id()
                rel = etree.SubElement(self._book.rels_root, f"{{{NS_PKG_REL}}}Relationship")
                rel.set("Id", rid)
                rel.set("Type", RT_STYLES)
                rel.set("Target", posixpath.relpath(part, posixpath.dirname(self._book.workbook_part)))
                self._add_override("/" + part, CT_STYLES)
                self._dirty_rels = True
            self._styles = _Styles(root)
            if self._created_styles:
                self._styles.changed = True
        return self._styles

    def _new_rel_id(self) -> str:
        used = {str(r.get("Id")) for r in self._book.rels_root}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        return f"rId{n}"

    def _add_override(self, part_name: str, content_type: str) -> None:
        ct = self._book.ct_root
        ns = _ns_of(ct.tag) or NS_CT
        for o in ct:
            if _local(o.tag) == "Override" and o.get("PartName") == part_name:
                o.set("ContentType", content_type)
                break
        else:
            o = etree.SubElement(ct, f"{{{ns}}}Override")
            o.set("PartName", part_name)
            o.set("ContentType", content_type)
        self._dirty_ct = True

    def _drop_calc_chain(self) -> None:
        part = self._book.part_of_type("/calcChain")
        for rel in list(self._book.rels_root):
            if str(rel.get("Type", "")).endswith("/calcChain"):
                self._book.rels_root.remove(rel)
                self._dirty_rels = True
        for o in list(self._book.ct_root):
            pn = str(o.get("PartName", ""))
            if _local(o.tag) == "Override" and pn.lower().endswith("/calcchain.xml"):
                self._book.ct_root.remove(o)
                self._dirty_ct = True
        for name in (part, "xl/calcChain.xml"):
            if name and name in self._reader.infos:
                self._removed.add(name)

    # --- public editing API -----------------------------------------------------------------
    def set_block(
        self,
        sheet: str,
        row: int,
        col: int,
        values: list[list[Any]],
        number_formats: dict[int, str] | None = None,
    ) -> None:
        """Write a rectangular block whose top-left cell is (row, col), both 1-based."""
        if row < 1 or col < 1:
            raise ValueError(f"行列号须从 1 开始：row={row}, col={col}")
        sh = self._sheet(sheet)
        date1904 = self._book.date1904
        prepared = [[_prepare(v, date1904) for v in line] for line in values]
        height = len(prepared)
        width = max((len(line) for line in prepared), default=0)
        if height == 0 or width == 0:
            return
        if row + height - 1 > MAX_ROW or col + width - 1 > MAX_COL:
            raise ValueError(f"写入区域超出 Excel 工作表范围（最多 {MAX_ROW} 行、{MAX_COL} 列）")
        fmt_ids: dict[int, int] = {}
        if number_formats:
            styles = self._get_styles()
            fmt_ids = {j: styles.numfmt_for(code) for j, code in number_formats.items()}
        q = sh.q
        f_tag, v_tag, is_tag, t_tag = q("f"), q("v"), q("is"), q("t")
        space = f"{{{NS_XML}}}space"
        for i, line in enumerate(prepared):
            r = row + i
            for j, pv in enumerate(line):
                if pv.kind == "keep":
                    continue
                c = col + j
                cell = sh.cell(r, c, create=pv.kind != "clear")
                if cell is None:
                    continue
                sh.dirty = True
                for child in list(cell):
                    if child.tag == f_tag:
                        sh.remove_formula(r, c, child)
                    elif child.tag in (v_tag, is_tag):
                        cell.remove(child)
                for a in ("t", "cm", "vm"):
                    if a in cell.attrib:
                        del cell.attrib[a]
                if pv.kind == "clear":
                    continue
                sh.widen(r, c, r, c)
                if pv.kind == "str":
                    cell.set("t", "inlineStr")
                    is_el = etree.Element(is_tag)
                    t_el = etree.SubElement(is_el, t_tag)
                    t_el.text = pv.text
                    if pv.preserve:
                        t_el.set(space, "preserve")
                    cell.insert(0, is_el)
                    continue
                if pv.kind == "bool":
                    cell.set("t", "b")
                v_el = etree.Element(v_tag)
                v_el.text = pv.text
                cell.insert(0, v_el)
                if pv.kind == "date":
                    styles = self._get_styles()
                    s = _int(cell.get("s"))
                    if not styles.is_date(s):
                        ns_ = styles.with_fmt(s, FMT_DATETIME if pv.has_time else FMT_DATE)
                        _set_style(cell, ns_)
                elif pv.kind == "num" and j in fmt_ids:
                    styles = self._get_styles()
                    _set_style(cell, styles.with_fmt(_int(cell.get("s")), fmt_ids[j]))
        if sh.formula_removed:
            self._drop_calc_chain()

    def add_sheet(self, name: str) -> None:
        """Append an empty worksheet; set_block may then target it."""
        _check_sheet_name(name, [s.name for s in self._book.sheets])
        book = self._book
        wb = book.workbook_root
        ns = _ns_of(wb.tag) or NS_MAIN
        existing = set(self._reader.infos) | set(self._new_parts)
        folder = posixpath.join(posixpath.dirname(book.workbook_part), "worksheets")
        n = 1
        while posixpath.join(folder, f"sheet{n}.xml") in existing:
            n += 1
        part = posixpath.join(folder, f"sheet{n}.xml")
        rel_ns = NS_REL
        rel_type = RT_WORKSHEET
        for s in book.worksheets:
            rel_type = s.rel_type
            break
        sheets_el = wb.find(f"{{{ns}}}sheets")
        if sheets_el is None:
            sheets_el = etree.SubElement(wb, f"{{{ns}}}sheets")
        for sh in sheets_el:
            for k in sh.attrib:
                if k.startswith("{") and _local(k) == "id":
                    rel_ns = _ns_of(k)
        rid = self._new_rel_id()
        rel = etree.SubElement(book.rels_root, f"{{{NS_PKG_REL}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", rel_type)
        rel.set("Target", posixpath.relpath(part, posixpath.dirname(book.workbook_part)))
        sheet_id = max([0, *(s.sheet_id for s in book.sheets)]) + 1
        nsmap = None
        if rel_ns not in wb.nsmap.values():
            prefix = "r" if "r" not in wb.nsmap else "rel"
            nsmap = {prefix: rel_ns}
        el = etree.SubElement(sheets_el, f"{{{ns}}}sheet", nsmap=nsmap)
        el.set("name", name)
        el.set("sheetId", str(sheet_id))
        el.set(f"{{{rel_ns}}}id", rid)
        self._add_override("/" + part, CT_WORKSHEET)
        self._dirty_workbook = self._dirty_rels = True
        xml = (
            f'<worksheet xmlns="{ns}" xmlns:r="{rel_ns}"><dimension ref="A1"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            '<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>"
        ).encode()
        self._new_parts[part] = xml
        self._sheets[part] = _Sheet(part, etree.fromstring(xml, _PARSER), True)
        ref = _SheetRef(name, part, rel_type, sheet_id)
        book.sheets.append(ref)
        book.rel_targets[rid] = (rel_type, part)
        self._parts[name] = part

    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None:
        """Set widths (in characters) of 1-based columns."""
        sh = self._sheet(sheet)
        q = sh.q
        cols = sh.root.find(q("cols"))
        if cols is None:
            cols = etree.Element(q("cols"))
            sh.sheet_data.addprevious(cols)
        spans: list[tuple[int, int, dict[str, str]]] = []
        for c in cols:
            try:
                spans.append((int(c.get("min")), int(c.get("max")), dict(c.attrib)))
            except (TypeError, ValueError):
                continue
        for target, width in sorted(widths.items()):
            if target < 1 or target > MAX_COL or not (0 <= float(width) <= 255):
                raise ValueError(f"列宽设置无效：第 {target} 列，宽度 {width}")
            out: list[tuple[int, int, dict[str, str]]] = []
            hit = False
            for lo, hi, attrs in spans:
                if lo <= target <= hi:
                    hit = True
                    if lo < target:
                        out.append((lo, target - 1, dict(attrs)))
                    mid = dict(attrs)
                    mid["width"] = _number_text(float(width))
                    mid["customWidth"] = "1"
                    out.append((target, target, mid))
                    if target < hi:
                        out.append((target + 1, hi, dict(attrs)))
                else:
                    out.append((lo, hi, attrs))
            if not hit:
                out.append((target, target, {"width": _number_text(float(width)), "customWidth": "1"}))
            spans = out
        for c in list(cols):
            cols.remove(c)
        for lo, hi, attrs in sorted(spans, key=lambda s: s[0]):
            el = etree.SubElement(cols, q("col"))
            el.set("min", str(lo))
            el.set("max", str(hi))
            for k, v in attrs.items():
                if k not in ("min", "max"):
                    el.set(k, v)
        sh._col_styles = None
        sh.dirty = True

    # --- saving -------------------------------------------------------------------------------
    def _rendered(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part, sh in self._sheets.items():
            if part in self._new_parts or sh.dirty:
                out[part] = sh.to_bytes()
        if self._styles is not None and self._styles.changed:
            out[self._styles_part or "xl/styles.xml"] = _serialize(self._styles.root, self._styles_standalone)
        if self._dirty_workbook:
            out[self._book.workbook_part] = _serialize(
                self._book.workbook_root, self._book.workbook_root.getroottree().docinfo.standalone
            )
        if self._dirty_rels:
            out[self._book.workbook_rels_part] = _serialize(
                self._book.rels_root, self._book.rels_root.getroottree().docinfo.standalone
            )
        if self._dirty_ct:
            out["[Content_Types].xml"] = _serialize(self._book.ct_root, self._book.ct_root.getroottree().docinfo.standalone)
        return out

    def save(self, dst: str | os.PathLike[str]) -> None:
        """Write the patched workbook atomically to ``dst`` (which may be the source path)."""
        rendered = self._rendered()
        slow = _test_delay()
        with atomic_output(dst, suffix=".xlsx") as tmp:
            try:
                self._write_zip(tmp, rendered, slow)
            except OSError as exc:
                raise _output_error(Path(dst).absolute(), exc) from exc

    def _write_zip(self, tmp: Path, rendered: dict[str, bytes], slow: float) -> None:
        with open(tmp, "wb") as f:
            with zipfile.ZipFile(f, "w", allowZip64=True) as zout:
                zout.comment = self._reader.zf.comment
                infos = self._reader.zf.infolist()
                half = len(infos) // 2
                for k, info in enumerate(infos):
                    if slow and k == half:
                        time.sleep(slow)
                    name = info.filename
                    if name in self._removed:
                        continue
                    if name in rendered:
                        zi = _clone_info(info)
                        zi.compress_type = zipfile.ZIP_DEFLATED
                        zout.writestr(zi, rendered.pop(name), compresslevel=6)
                    else:
                        _copy_raw(zout, info, self._reader.raw(info))
                for name, data in rendered.items():  # new parts
                    zi = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    zi.external_attr = 0o600 << 16
                    zout.writestr(zi, data, compresslevel=6)
            f.flush()
            os.fsync(f.fileno())


def _int(s: str | None) -> int:
    try:
        return int(s) if s else 0
    except ValueError:
        return 0


def _set_style(cell: Any, s: int) -> None:
    if s:
        cell.set("s", str(s))
    elif "s" in cell.attrib:
        del cell.attrib["s"]


def _strip_zip64_extra(extra: bytes) -> bytes:
    out = b""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[i : i + 4])
        if hid != 0x0001:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return out


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zi.compress_type = info.compress_type
    zi.comment = info.comment
    zi.extra = _strip_zip64_extra(info.extra)
    zi.create_system = info.create_system
    zi.create_version = info.create_version
    zi.extract_version = info.extract_version
    zi.flag_bits = info.flag_bits & ~0x08 & ~0x01
    zi.internal_attr = info.internal_attr
    zi.external_attr = info.external_attr
    return zi


def _copy_raw(zout: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Append a member with its original compressed bytes (no inflate/deflate round trip)."""
    zi = _clone_info(info)
    zi.compress_size = len(raw)
    zi.file_size = info.file_size
    zi.CRC = info.CRC
    fp = zout.fp
    assert fp is not None
    zi.header_offset = fp.tell()
    zip64 = zi.file_size > zipfile.ZIP64_LIMIT or zi.compress_size > zipfile.ZIP64_LIMIT
    fp.write(zi.FileHeader(zip64))
    fp.write(raw)
    zout.filelist.append(zi)
    zout.NameToInfo[zi.filename] = zi
    zout.start_dir = fp.tell()
    zout._didModify = True  # noqa: SLF001 - zipfile has no public raw-copy API


def _test_delay() -> float:
    """XLPERF_TEST_SLOW_SAVE=<seconds>: sleep midway through a save (tests kill the process there)."""
    raw = os.environ.get("XLPERF_TEST_SLOW_SAVE")
    if not raw:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 0.0


# --- atomic output ---------------------------------------------------------------------------------

TEMP_PREFIX = ".xlperf-tmp-"


def _output_error(dst: Path, exc: OSError) -> OutputError:
    import errno

    if isinstance(exc, FileNotFoundError) and not dst.parent.exists():
        return OutputError(f"输出文件夹不存在：{dst.parent}", path=dst, code=E_OUT_FOLDER)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OutputError("磁盘空间不足，无法保存文件", path=dst, code=E_OUT_WRITE)
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        if dst.exists() and os.access(dst.parent, os.W_OK):
            return OutputError(
                "文件无法覆盖：可能正被 Excel/WPS 打开或被设为只读。请关闭该文件后重试", path=dst, code=E_OUT_IN_USE
            )
        return OutputError(f"没有写入权限：文件夹“{dst.parent}”只读或无权限，请换一个输出位置", path=dst, code=E_OUT_DENIED)
    return OutputError(f"写入文件失败（{exc.strerror or exc}）", path=dst, code=E_OUT_WRITE)


def is_read_only(path: str | os.PathLike[str]) -> bool:
    """Whether the user marked the file read-only: no write bit / the 只读 attribute, or no access.

    Decided by the mode bits, not by trying: root (and os.replace into a writable folder)
    could overwrite a 0444 file, but the user said it must not change.
    """
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_READONLY", 0):
        return True
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return os.name == "posix" and os.geteuid() != 0 and not os.access(path, os.W_OK)


def _check_output_folder(dst: Path) -> None:
    folder = dst.parent
    if not folder.exists():
        raise OutputError(f"输出文件夹不存在：{folder}", path=dst, code=E_OUT_FOLDER)
    if not folder.is_dir():
        raise OutputError(f"输出位置不是文件夹：{folder}", path=dst, code=E_OUT_FOLDER)
    if dst.is_dir():
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=dst, code=E_OUT_DENIED)
    if is_read_only(dst):
        raise OutputError(
            "文件是只读的（设置了只读属性或没有写入权限），程序不会改写它。请取消只读属性后重试，或另存为新文件（calc 可加 -o 新文件名）",
            path=dst,
            code=E_OUT_READONLY,
        )


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _cleanup_stale(folder: Path, dst_name: str) -> None:
    """Remove temp files left by a killed save of the same output (their process is gone)."""
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for e in entries:
        parts = e.name[len(TEMP_PREFIX) :].split("-", 2)
        if len(parts) < 3 or not parts[0].isdigit() or not parts[2].startswith(dst_name):
            continue
        pid = int(parts[0])
        if pid != os.getpid() and not _pid_alive(pid):
            try:
                e.unlink()
            except OSError:
                pass


def _target_mode(dst: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(dst).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_output(dst: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temp path in dst's folder; it replaces dst when the block succeeds, else is removed."""
    d = Path(dst).absolute()
    _check_output_folder(d)
    _cleanup_stale(d.parent, d.name)
    try:
        fd, name = tempfile.mkstemp(dir=d.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{d.name}{suffix}")
    except OSError as exc:
        raise _output_error(d, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError("输出文件未生成", path=d, code=E_OUT_WRITE)
        try:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, _target_mode(d))
            os.replace(tmp, d)
        except OSError as exc:
            raise _output_error(d, exc) from exc
        _fsync_dir(d.parent)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(dst: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to dst atomically (temp file, fsync, os.replace)."""
    d = Path(dst)
    with atomic_output(d) as tmp:
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise _output_error(d.absolute(), exc) from exc


# --- locks ---------------------------------------------------------------------------------------


def excel_lock_file(path: str | os.PathLike[str]) -> Path | None:
    """The owner file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside an open workbook."""
    p = Path(path)
    for cand in (p.with_name("~$" + p.name), p.with_name(f".~lock.{p.name}#")):
        try:
            if cand.exists():
                return cand
        except OSError:
            continue
    return None


def _lock_path(path: str | os.PathLike[str]) -> Path:
    key = os.path.normcase(os.path.realpath(os.fspath(path)))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
    return Path(tempfile.gettempdir()) / "xlperf-locks" / f"{digest}.lock"


@contextmanager
def exclusive(path: str | os.PathLike[str], timeout: float = 10.0) -> Iterator[None]:
    """Cross-process lock on a workbook path, so two runs on the same file never interleave."""
    from filelock import FileLock, Timeout

    lock_file = _lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(lock_file.parent, 0o1777)
        except OSError:
            pass
    except OSError as exc:
        raise OutputError(f"无法创建锁文件夹 {lock_file.parent}（{exc.strerror or exc}）", path=path, code=E_OUT_WRITE) from exc
    lock = FileLock(str(lock_file), timeout=timeout, mode=0o666)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError(
            "正被另一个 xlperf 进程处理，请稍后再试", path=path, code=E_OUT_BUSY
        ) from exc
    except OSError as exc:
        raise OutputError(f"无法创建锁文件（{exc.strerror or exc}）", path=path, code=E_OUT_WRITE) from exc
    try:
        yield
    finally:
        lock.release()
