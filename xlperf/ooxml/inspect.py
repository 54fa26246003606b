"""Sniffing and refusal: is this file a workbook we can read, and if not, what is it (in Chinese)?

:func:`open_package` checks the file (not empty, not a CSV/HTML/PDF renamed, not .xls/.xlsb/.ods,
not encrypted, not a zip bomb, no DOCTYPE) and maps its sheets to their parts.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from xlperf.core.errors import XCode
from xlperf.ooxml.files import read_error, stat_input
from xlperf.ooxml.package import (
    DEFLATE_MAX_RATIO,
    InputError,
    MAX_ENTRIES,
    MAX_PART_UNCOMPRESSED,
    MAX_RATIO,
    MAX_TOTAL_UNCOMPRESSED,
    MB,
    OLE_SIGNATURE,
    PROLOG_LIMIT,
    PartReader,
    RATIO_CHECK_MIN_SIZE,
    corrupt,
    input_error,
    local,
    parse_part,
    rels_part_of,
    resolve_target,
    scan_prolog,
    too_large,
)


@dataclass
class SheetRef:
    name: str
    part: str  # zip member name, e.g. "xl/worksheets/sheet1.xml"
    rel_type: str
    sheet_id: int


@dataclass
class Package:
    path: Path
    reader: PartReader
    workbook_part: str
    workbook_rels_part: str
    workbook_root: Any
    rels_root: Any
    ct_root: Any
    sheets: list[SheetRef]
    date1904: bool
    rel_targets: dict[str, tuple[str, str]] = field(default_factory=dict)  # Id -> (type, part)

    @property
    def worksheets(self) -> list[SheetRef]:
        return [s for s in self.sheets if s.rel_type.endswith("/worksheet")]

    def part_of_type(self, suffix: str) -> str | None:
        for typ, part in self.rel_targets.values():
            if typ.endswith(suffix):
                return part
        return None


class _WholePartReader(PartReader):
    """A :class:`PartReader` that inflates a small part once: opening a workbook scans every part
    it reads for a DOCTYPE (which inflates the first 256 KB, a whole sheet), verifies its real
    size, then reads it; read_grids reads the sheets again. A part shorter than one chunk that
    reads whole and verified (size, CRC) is kept and served from memory, up to :attr:`KEEP` bytes
    in all (a workbook of many small sheets is read as before past that). Any other part, and one
    that fails a check, is read as before, so each error is raised where it was."""

    KEEP = 8 * MB

    def __init__(self, path: Path, fp: BinaryIO, zf: zipfile.ZipFile):
        super().__init__(path, fp, zf)
        self._whole: dict[str, bytes] = {}
        self._kept = 0

    def iter_chunks(self, name: str, limit: int = MAX_PART_UNCOMPRESSED, verify: bool = True) -> Iterator[bytes]:
        data = self._whole.get(name)
        if data is not None and len(data) <= limit:
            # the single chunk the parent yields for a part this small (none for an empty part)
            return iter((data,) if data else ())
        return super().iter_chunks(name, limit, verify)

    def head(self, name: str, limit: int = PROLOG_LIMIT) -> Iterator[bytes]:
        info = self.infos.get(name)
        if (
            name not in self._whole
            and info is not None
            and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            and info.file_size < self.CHUNK
            and info.compress_size <= self.CHUNK
            and self._kept + info.file_size <= self.KEEP
        ):
            try:  # capped below one chunk: then the parent's first chunk is the whole part
                self._whole[name] = self.read(name, self.CHUNK - 1)
                self._kept += len(self._whole[name])
            except Exception:  # noqa: BLE001 - the parent reads it again and raises (or not) as it always did
                pass
        return super().head(name, limit)


def _sniff_non_zip(path: Path, head: bytes) -> InputError:
    """Name what a file that is not a zip is: text, CSV, HTML, XML spreadsheet, or unknown binary."""
    if head.startswith(b"%PDF"):  # before any text sniffing: a PDF's binary comment decodes as GB18030
        return input_error(path, XCode.INPUT_TEXT, "这是 PDF 文件，不是 Excel 工作簿。请选择 .xlsx 格式的自评表")
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
        return input_error(path, XCode.INPUT_TEXT, "不是 Excel 工作簿（.xlsx），无法识别文件格式。请确认选择了正确的文件")
    low = text.lstrip().lower()
    if low.startswith(("<html", "<!doctype html", "<meta", "<table")) or "<table" in low[:4000]:
        return input_error(
            path,
            XCode.INPUT_TEXT,
            "这是网页（HTML）格式的表格，不是真正的 Excel 工作簿（常见于从业务系统导出的“Excel”）。"
            "请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）",
        )
    if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low[:8000]:
        return input_error(
            path,
            XCode.INPUT_TEXT,
            "这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）",
        )
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    suffix = path.suffix.lower()
    renamed = suffix in (".xlsx", ".xlsm", ".xls", ".ods")  # a text file under a workbook's name
    if _looks_like_csv(lines):
        what = f"只是扩展名改成了 {suffix}" if renamed else "不是 Excel 工作簿"
        return input_error(path, XCode.INPUT_CSV, f"这是 CSV 文本文件，{what}。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）")
    return input_error(
        path,
        XCode.INPUT_TEXT,
        "这是文本文件，不是 Excel 工作簿" + (f"（只是扩展名改成了 {suffix}）" if renamed else "")
        + "。请选择正确的文件，或用 Excel/WPS 打开后另存为 .xlsx",
    )


def _looks_like_csv(lines: list[str]) -> bool:
    """Rows of fields: one separator splits most lines into the same number (two or more) of
    fields. Prose has commas too (Chinese prose，everywhere), but not the same count per line."""
    from collections import Counter

    if not lines:
        return False
    for sep in (",", "\t", ";", "，"):
        counts = [ln.count(sep) for ln in lines]
        if sum(1 for c in counts if c) < max(1, (len(lines) * 2 + 2) // 3):
            continue
        if len(lines) == 1:
            return counts[0] >= 1 and not lines[0].rstrip().endswith(("。", "."))
        common, n = Counter(c for c in counts if c).most_common(1)[0]
        if n >= max(2, (len(lines) * 2 + 2) // 3):
            return True
    return False


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


def open_package(path: str | os.PathLike[str], fp: BinaryIO | None = None) -> Package:
    """Check the file and map its sheets. ``fp`` (optional) holds the file's bytes."""
    p = Path(path)
    if fp is None:
        _require_file(p)
        try:
            fp = open(p, "rb")
        except OSError as exc:
            raise read_error(p, exc, _ACCESS_HINT) from exc
    try:
        return _inspect_fp(p, fp)
    except BaseException as exc:
        fp.close()
        if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, struct.error, zlib.error)):
            raise corrupt(p) from exc
        if isinstance(exc, OSError):
            raise read_error(p, exc) from exc
        raise


def _inspect_fp(p: Path, fp: BinaryIO) -> Package:
    """The steps of a check, each refusing with its own reason: what the bytes are, the zip's
    sizes, what kind of package it is, its main parts, its sheets, the parts calamine will read."""
    _refuse_non_zip(p, fp)
    try:
        zf = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:  # a damaged "version needed" field: NotImplementedError
        raise corrupt(p) from exc
    infos = zf.infolist()
    total = _check_sizes(p, infos)
    names = {i.filename for i in infos}
    reader = _WholePartReader(p, fp, zf)
    _refuse_other_packages(p, reader, names)
    workbook_part = _workbook_part(p, reader, names)
    book = _map_sheets(p, reader, names, workbook_part)
    _verify_read_parts(book, names, infos, total)
    return book


def _refuse_non_zip(p: Path, fp: BinaryIO) -> None:
    """Empty files, OLE files (encrypted workbooks, .xls) and files that are no zip at all."""
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    fp.seek(0)
    if size == 0:
        raise input_error(p, XCode.INPUT_EMPTY, "文件是空的（0 字节），可能是下载或复制未完成。请重新获取该文件")
    head = fp.read(64 * 1024)
    fp.seek(0)
    if head.startswith(OLE_SIGNATURE):
        kind = _ole_kind(p)
        if kind == "encrypted":
            raise input_error(
                p,
                XCode.INPUT_ENCRYPTED,
                "工作簿设置了打开密码，无法读取。请在 Excel 中打开后清除密码："
                "文件 → 信息 → 保护工作簿 → 用密码进行加密 → 清空密码框 → 确定 → 保存，然后重试",
            )
        if kind == "xls":
            raise input_error(
                p,
                XCode.INPUT_XLS,
                "这是旧版 Excel 97-2003 工作簿（.xls）。请用 Excel/WPS 打开后“另存为” Excel 工作簿（*.xlsx）再处理",
            )
        raise input_error(p, XCode.INPUT_XLS, "这是旧版 Office 文件（不是 .xlsx 工作簿）。请用 Excel/WPS 打开后另存为 .xlsx 再处理")
    if not head.startswith(b"PK"):
        raise _sniff_non_zip(p, head)
    if head.startswith(b"PK\x05\x06") and size <= 22 + 65535:
        raise input_error(p, XCode.NOT_A_WORKBOOK, "这是一个空的压缩包，不是 Excel 工作簿")


def _check_sizes(p: Path, infos: list[zipfile.ZipInfo]) -> int:
    """Refuse zip bombs by their declared sizes; returns the declared total."""
    if len(infos) > MAX_ENTRIES:
        raise too_large(p, f"含 {len(infos)} 个部件")
    if len({i.filename for i in infos}) != len(infos):
        raise corrupt(p, "压缩包中有重复的部件")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_PART_UNCOMPRESSED:
            raise too_large(p, f"{i.filename} 解压后 {i.file_size // MB} MB")
        if i.file_size > RATIO_CHECK_MIN_SIZE and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise too_large(p, f"{i.filename} 压缩比 {i.file_size // max(i.compress_size, 1)}:1")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise too_large(p, f"合计 {total // MB} MB")
    return total


def _refuse_other_packages(p: Path, reader: PartReader, names: set[str]) -> None:
    """An .ods, an .xlsb, a Word document or a plain zip is named as what it is."""
    if "mimetype" in names:
        try:
            mt = reader.read("mimetype", limit=1024)
        except InputError:
            mt = b""
        if b"opendocument.spreadsheet" in mt:
            raise input_error(p, XCode.INPUT_ODS, "这是 OpenDocument 表格（.ods）。请用 WPS/Excel/LibreOffice 打开后另存为 .xlsx")
    if "xl/workbook.bin" in names:
        raise input_error(p, XCode.INPUT_XLSB, "这是 Excel 二进制工作簿（.xlsb），本工具不支持。请用 Excel 打开后“另存为” Excel 工作簿（*.xlsx）")
    if "[Content_Types].xml" not in names:
        what = "Word 文档" if "word/document.xml" in names else "压缩包"
        raise input_error(p, XCode.NOT_A_WORKBOOK, f"这是一个{what}，不是 Excel 工作簿（缺少 [Content_Types].xml）。请确认选择了正确的文件")


def _not_a_workbook(p: Path, names: set[str], kind: str, detail: str) -> InputError:
    if kind == "document" or "word/document.xml" in names:
        return input_error(p, XCode.NOT_A_WORKBOOK, "这是 Word 文档，不是 Excel 工作簿。请确认选择了正确的文件")
    if kind == "presentation" or "ppt/presentation.xml" in names:
        return input_error(p, XCode.NOT_A_WORKBOOK, "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请确认选择了正确的文件")
    return input_error(p, XCode.NOT_A_WORKBOOK, f"这是一个压缩包，但不是 Excel 工作簿（{detail}）。请确认选择了正确的文件")


def _workbook_part(p: Path, reader: PartReader, names: set[str]) -> str:
    """The package's main part, from _rels/.rels (xl/workbook.xml when it does not say)."""
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        scan_prolog(reader, "_rels/.rels")
        for rel in parse_part(reader, "_rels/.rels"):
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                cand = resolve_target("", str(rel.get("Target", "")))
                if cand in names:
                    workbook_part = cand
                break
    if workbook_part not in names:
        raise _not_a_workbook(p, names, "", "缺少 xl/workbook.xml")
    return workbook_part


def _relationships(p: Path, reader: PartReader, names: set[str], workbook_part: str):
    """(rels root, {Id: (type, part)}) of the workbook part; external targets left out."""
    rels_part = rels_part_of(workbook_part)
    if rels_part not in names:
        raise corrupt(p, f"缺少 {rels_part}")
    scan_prolog(reader, rels_part)
    rels_root = parse_part(reader, rels_part)
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels_root:
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        targets[str(rel.get("Id"))] = (str(rel.get("Type", "")), resolve_target(workbook_part, str(rel.get("Target", ""))))
    return rels_root, targets


def _map_sheets(p: Path, reader: PartReader, names: set[str], workbook_part: str) -> Package:
    for name in ("[Content_Types].xml", workbook_part):
        scan_prolog(reader, name)
    ct_root = parse_part(reader, "[Content_Types].xml")
    wb_root = parse_part(reader, workbook_part)
    if local(wb_root.tag) != "workbook":  # the package's main part is a Word/PowerPoint document
        raise _not_a_workbook(p, names, local(wb_root.tag), f"主部件 {workbook_part} 不是工作簿")
    rels_root, rel_targets = _relationships(p, reader, names, workbook_part)
    date1904 = False
    sheets: list[SheetRef] = []
    for el in wb_root:
        ln = local(el.tag)
        if ln == "workbookPr":
            date1904 = str(el.get("date1904", "")).lower() in ("1", "true")
        elif ln == "sheets":
            for sh in el:
                if local(sh.tag) == "sheet":
                    sheets.append(_sheet_ref(p, sh, rel_targets, sheets))
    return Package(p, reader, workbook_part, rels_part_of(workbook_part), wb_root, rels_root, ct_root, sheets, date1904, rel_targets)


def _sheet_ref(p: Path, sh: Any, rel_targets: dict[str, tuple[str, str]], seen: list[SheetRef]) -> SheetRef:
    """One <sheet>; what Excel refuses to open is refused: no name, no part, or a name twice."""
    rid = next((v for k, v in sh.attrib.items() if local(k) == "id" and k.startswith("{")), None)
    name = str(sh.get("name", ""))
    if not name.strip():
        raise corrupt(p, "工作簿中有一个没有名称的工作表")
    if str(rid) not in rel_targets:
        raise corrupt(p, f"工作表“{name}”没有对应的部件")
    if any(other.name.casefold() == name.casefold() for other in seen):
        raise corrupt(p, f"工作簿中有两个名为“{name}”的工作表")
    typ, part = rel_targets[str(rid)]
    try:
        sid = int(sh.get("sheetId", "0"))
    except ValueError:
        sid = 0
    return SheetRef(name, part, typ, sid)


def _verify_read_parts(book: Package, names: set[str], infos: list[zipfile.ZipInfo], total: int) -> None:
    """Every XML part we (or calamine) read: refuse DOCTYPE/ENTITY, verify real sizes of big ones."""
    p, reader = book.path, book.reader
    to_scan = [s.part for s in book.worksheets if s.part in names]
    for suffix in ("/styles", "/sharedStrings"):
        part = book.part_of_type(suffix)
        if part and part in names:
            to_scan.append(part)
    for name in to_scan:
        scan_prolog(reader, name)
    for s in book.worksheets:
        if s.part not in names:
            raise corrupt(p, f"工作表“{s.name}”的部件 {s.part or '（无）'} 不存在")
    # Declared sizes can lie: inflate (capped) every part we or calamine read that could exceed 1 MB.
    real_total = total
    read_set = set(to_scan) | {"[Content_Types].xml", "_rels/.rels", book.workbook_part, book.workbook_rels_part}
    for i in infos:
        if i.filename in read_set and i.compress_size * DEFLATE_MAX_RATIO > MB:
            actual = 0
            for chunk in reader.iter_chunks(i.filename, MAX_PART_UNCOMPRESSED):
                actual += len(chunk)
            real_total += actual - i.file_size
            if real_total > MAX_TOTAL_UNCOMPRESSED:
                raise too_large(p, f"合计超过 {MAX_TOTAL_UNCOMPRESSED // MB} MB")


def open_container(path: str | os.PathLike[str], fp: BinaryIO) -> PartReader:
    """A zip package that is not a workbook (a Word document, an OpenDocument spreadsheet),
    checked as :func:`open_package` checks a workbook before anything inflates it: its member
    count, each member's declared size and ratio, their declared total (:func:`_check_sizes`).
    Read each part it holds through :func:`checked_part`."""
    p = Path(path)
    try:
        fp.seek(0)
        zf = zipfile.ZipFile(fp)
        infos = zf.infolist()
        _check_sizes(p, infos)
        return _WholePartReader(p, fp, zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, struct.error, zlib.error, ValueError, NotImplementedError) as exc:
        raise corrupt(p) from exc
    except OSError as exc:
        raise read_error(p, exc) from exc


def checked_part(reader: PartReader, name: str, scan: Callable[[bytes], None] | None = None) -> bytes:
    """A part of a package opened by :func:`open_container`, read as a workbook's parts are:
    refused when its prolog declares a DOCTYPE/ENTITY, and when its real size (whatever the zip
    says) is over the part cap, found by inflating it once without keeping it before it is read.
    ``scan`` sees each inflated chunk of that first pass (and may raise to refuse the part)."""
    scan_prolog(reader, name)
    info = reader.infos[name]
    if scan is not None or info.compress_size * DEFLATE_MAX_RATIO > MB:  # could inflate past 1 MB: measure it first
        for chunk in reader.iter_chunks(name, MAX_PART_UNCOMPRESSED):
            if scan is not None:
                scan(chunk)
    return reader.read(name)


def check_container(path: str | os.PathLike[str], fp: BinaryIO) -> None:
    """Every member of a zip package checked as a workbook's read parts are, for a reader that
    loads them all whole (python-docx, under docxtpl): the zip's declared sizes, then each
    member's real size and their real total within the caps, and no DOCTYPE/ENTITY in an XML one."""
    reader = open_container(path, fp)
    real_total = 0
    for info in reader.zf.infolist():
        if info.is_dir():
            continue
        if info.filename.lower().endswith((".xml", ".rels")):
            scan_prolog(reader, info.filename)
        for chunk in reader.iter_chunks(info.filename, MAX_PART_UNCOMPRESSED):
            real_total += len(chunk)
            if real_total > MAX_TOTAL_UNCOMPRESSED:
                raise too_large(reader.path, f"合计超过 {MAX_TOTAL_UNCOMPRESSED // MB} MB")


def check_workbook_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`InputError` (Chinese message naming the file) when the file cannot be used."""
    book = open_package(path)
    book.reader.fp.close()


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """Worksheet names in workbook order (chartsheets left out)."""
    book = open_package(path)
    book.reader.fp.close()
    return [s.name for s in book.worksheets]


# --- reading -----------------------------------------------------------------------------------


def load_bytes(path: str | os.PathLike[str]) -> tuple[Path, bytes]:
    p = Path(path)
    _require_file(p)
    try:
        return p, p.read_bytes()
    except OSError as exc:
        raise read_error(p, exc, _ACCESS_HINT) from exc


_ACCESS_HINT = "请检查文件权限，或关闭正在使用它的程序"


def _require_file(p: Path) -> None:
    """A missing file, a folder, a symlink loop, a too-long name: each its own Chinese message."""
    if stat.S_ISDIR(stat_input(p).st_mode):
        raise input_error(p, XCode.INPUT_MISSING, "这是一个文件夹，不是 Excel 文件")

