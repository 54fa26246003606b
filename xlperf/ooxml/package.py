"""The zip package under a workbook: capped part reading, XML parsing without DOCTYPEs, raw copies.

Every part we read goes through :class:`PartReader`, which inflates with a hard cap, so a zip
whose declared sizes lie cannot blow up memory. Members we do not change are copied with
their original compressed bytes (:func:`copy_raw`).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
import posixpath
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from lxml import etree

from xlperf.core.errors import InputError, XCode
from xlperf.ooxml.ns import XML_DECL

# --- limits --------------------------------------------------------------------------------

MB = 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 200 * MB
MAX_PART_UNCOMPRESSED = 100 * MB
MAX_RATIO = 200
RATIO_CHECK_MIN_SIZE = 10 * MB
MAX_ENTRIES = 20000
DEFLATE_MAX_RATIO = 1032  # the most deflate can expand; parts that could exceed a limit are verified
PROLOG_LIMIT = 1 * MB  # bytes scanned for a DOCTYPE before the root element must start
MAX_ROW = 1048576
MAX_COL = 16384
# calamine allocates rows x columns of a sheet's used range up front (and aborts the whole
# process when that fails), so one stray value in XFD1048576 would kill us. Sheets whose used
# range exceeds this are trimmed before calamine sees them (columns beyond MAX_TRIM_COLS first,
# then rows); nothing a self-evaluation needs lives that far out.
MAX_GRID_CELLS = 4_000_000
MAX_TRIM_COLS = 256

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True
)


def local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def ns_of(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- checking a file ---------------------------------------------------------------------------


def input_error(path: Path, code: str, message: str) -> InputError:
    return InputError(message, path=path, code=code)


def too_large(path: Path, detail: str) -> InputError:
    return input_error(
        path,
        XCode.INPUT_TOO_LARGE,
        f"文件解压后过大或压缩比异常（{detail}），疑似损坏或恶意构造，已拒绝处理。"
        f"单个部件上限 {MAX_PART_UNCOMPRESSED // MB} MB，合计上限 {MAX_TOTAL_UNCOMPRESSED // MB} MB",
    )


# What a zip container other than a workbook is called, and the program that repairs it.
CONTAINER_NAMES = {".docx": ("Word 文档（.docx）", "Word/WPS", ".docx"), ".ods": ("OpenDocument 表格（.ods）", "WPS/Excel/LibreOffice", ".xlsx")}


def corrupt(path: Path, detail: str = "") -> InputError:
    extra = f"（{detail}）" if detail else ""
    what, program, save_as = CONTAINER_NAMES.get(Path(path).suffix.lower(), (".xlsx", "Excel/WPS", ".xlsx"))
    return input_error(
        path,
        XCode.INPUT_CORRUPT,
        f"文件已损坏或不完整{extra}，无法作为 {what} 打开（可能是下载或复制中断）。"
        f"请重新获取文件，或用 {program} 打开修复后另存为 {save_as}",
    )


class PartReader:
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
            raise corrupt(self.path, info.filename)
        self.fp.seek(info.header_offset)
        head = self.fp.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise corrupt(self.path, info.filename)
        nlen, xlen = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + nlen + xlen

    def raw(self, info: zipfile.ZipInfo) -> bytes:
        self.fp.seek(self.data_offset(info))
        data = self.fp.read(info.compress_size)
        if len(data) != info.compress_size:
            raise corrupt(self.path, info.filename)
        return data

    def iter_chunks(self, name: str, limit: int = MAX_PART_UNCOMPRESSED, verify: bool = True) -> Iterator[bytes]:
        info = self.infos.get(name)
        if info is None:
            raise KeyError(name)
        if info.flag_bits & 0x1:
            raise corrupt(self.path, f"{name} 被加密")
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
                        raise corrupt(self.path, name)
                    pos += len(raw)
                    left -= len(raw)
                else:
                    raw = b""
                try:
                    out = raw if dec is None else dec.decompress(raw, self.CHUNK)
                except zlib.error as exc:
                    raise corrupt(self.path, name) from exc
                if not raw and not out:
                    break
                total += len(out)
                if total > limit:
                    raise too_large(self.path, f"{name} 超过 {limit // MB} MB")
                if verify:
                    crc = zlib.crc32(out, crc)
                if out:
                    yield out
                if dec is not None and dec.eof:
                    break
            if dec is not None and not dec.eof and info.compress_size:
                raise corrupt(self.path, name)
        else:  # bzip2/lzma: Excel never writes these; let zipfile inflate, still capped
            try:
                with self.zf.open(info) as f:
                    while True:
                        out = f.read(self.CHUNK)
                        if not out:
                            break
                        total += len(out)
                        if total > limit:
                            raise too_large(self.path, f"{name} 超过 {limit // MB} MB")
                        crc = zlib.crc32(out, crc)
                        yield out
            except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError) as exc:
                raise corrupt(self.path, name) from exc
        if verify and (total != info.file_size or (crc & 0xFFFFFFFF) != info.CRC):
            raise corrupt(self.path, f"{name} 校验失败")

    def read(self, name: str, limit: int = MAX_PART_UNCOMPRESSED) -> bytes:
        return b"".join(self.iter_chunks(name, limit))

    def head(self, name: str, limit: int = PROLOG_LIMIT) -> Iterator[bytes]:
        """Chunks from the start of a part, unverified (the caller stops early)."""
        return self.iter_chunks(name, limit=MAX_PART_UNCOMPRESSED, verify=False)



def resolve_target(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(base_part)
    return posixpath.normpath(posixpath.join(base, target))


def rels_part_of(part: str) -> str:
    d, n = posixpath.split(part)
    return posixpath.join(d, "_rels", n + ".rels")


def scan_prolog(reader: PartReader, name: str) -> None:
    """Refuse a part whose prolog (before the root element) declares a DOCTYPE or ENTITY."""
    buf = b""
    for chunk in reader.head(name):
        buf += chunk
        verdict = prolog_verdict(buf)
        if verdict is True:
            raise input_error(
                reader.path,
                XCode.INPUT_DOCTYPE,
                f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明。Excel、Word、WPS 都不会生成这种内容，疑似恶意构造，已拒绝处理",
            )
        if verdict is False:
            return
        if len(buf) > PROLOG_LIMIT:
            raise corrupt(reader.path, f"{name} 不是有效的 XML")
    if prolog_verdict(buf, final=True):
        raise input_error(reader.path, XCode.INPUT_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")


def prolog_verdict(buf: bytes, final: bool = False) -> bool | None:
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


def parse_part(reader: PartReader, name: str) -> Any:
    data = reader.read(name)
    return parse_bytes(reader.path, name, data)


def parse_bytes(path: Path, name: str, data: bytes) -> Any:
    if b"<!DOCTYPE" in data[:PROLOG_LIMIT] or b"<!ENTITY" in data[:PROLOG_LIMIT]:
        if prolog_verdict(data, final=True):
            raise input_error(path, XCode.INPUT_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise input_error(
            path, XCode.INPUT_UNREADABLE, f"工作簿中的部件 {name} 不是有效的 XML，文件可能已损坏。请用 Excel/WPS 打开后另存为 .xlsx 再试"
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise input_error(path, XCode.INPUT_DOCTYPE, f"文件中的部件 {name} 含有 DOCTYPE/ENTITY 声明，已拒绝处理")
    return root


def serialize(root: Any, standalone: bool | None = True) -> bytes:
    decl = XML_DECL if standalone is not False else XML_DECL.replace(b"yes", b"no")
    if standalone is None:
        decl = b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
    return decl + etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)



def _strip_zip64_extra(extra: bytes) -> bytes:
    out = b""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[i : i + 4])
        if hid != 0x0001:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return out


def clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
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


def copy_raw(zout: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Append a member with its original compressed bytes (no inflate/deflate round trip)."""
    zi = clone_info(info)
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


def replace_parts(reader: PartReader, replaced: dict[str, bytes]) -> bytes:
    """The package's zip with some parts replaced (the others copied raw), in memory."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zout:
        for info in reader.zf.infolist():
            if info.filename in replaced:
                zi = clone_info(info)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(zi, replaced[info.filename], compresslevel=1)
            else:
                copy_raw(zout, info, reader.raw(info))
    return buf.getvalue()
