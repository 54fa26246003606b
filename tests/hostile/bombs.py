"""Decompression, entity and rows × columns bombs in the containers the form readers open
(.docx, .ods, .xls), generated at test time and small on disk.

Each builder writes one file and returns its path. The big ones inflate to ``size`` bytes from
about ``size / 1000`` on disk: the deflate stream is one compressed block repeated (a full flush
resets the compressor, so the same input compresses to the same bytes each time), with the real
CRC, so nothing but the sizes is wrong with them. ``declared`` makes the zip's size fields lie.

``BOMBS`` names every builder with the format it attacks; ``benchmarks/bench_bombs.py`` and
``tests/forms/test_bombs.py`` both use it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from tests.richbook import build_ole

GB = 1 << 30
MB = 1 << 20

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
).encode()
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
).encode()

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
).encode()

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">' for k in range(1, 10))
    + "]>"
)


# --- zip members whose text repeats -------------------------------------------------------------


def _repeated_deflate(head: bytes, unit: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC, size) of head + unit * count + tail, compressed once per unit."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    assert again == block, "a full flush must reset the compressor"
    last = co.compress(tail) + co.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    raw = first + block * count + last
    return raw, crc & 0xFFFFFFFF, len(head) + len(unit) * count + len(tail)


def _write_zip(path: Path, members: list[tuple[str, bytes | tuple[bytes, int, int]]], declared: int | None = None) -> Path:
    """A zip of ``members``: plain bytes (stored/deflated by zipfile) or a pre-made raw deflate
    stream (raw, crc, size), whose declared size is ``declared`` when given (a lying header)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if isinstance(data, bytes):
                z.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
                continue
            raw, crc, size = data
            zi = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.flag_bits = 0
            zi.CRC = crc
            zi.compress_size = len(raw)
            zi.file_size = size if declared is None else declared
            fp = z.fp
            zi.header_offset = fp.tell()
            z._writecheck(zi)  # noqa: SLF001 - zipfile has no public way to add a pre-compressed member
            fp.write(zi.FileHeader(zip64=zi.file_size > zipfile.ZIP64_LIMIT or len(raw) > zipfile.ZIP64_LIMIT))
            fp.write(raw)
            z.filelist.append(zi)
            z.NameToInfo[name] = zi
            z.start_dir = fp.tell()
            z._didModify = True  # noqa: SLF001
    return path


def _docx(path: Path, document: bytes | tuple[bytes, int, int], declared: int | None = None) -> Path:
    return _write_zip(path, [("[Content_Types].xml", DOCX_CT), ("_rels/.rels", DOCX_RELS), ("word/document.xml", document)], declared)


def _ods(path: Path, content: bytes | tuple[bytes, int, int], declared: int | None = None) -> Path:
    return _write_zip(
        path,
        [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("META-INF/manifest.xml", ODS_MANIFEST), ("content.xml", content)],
        declared,
    )


def _text_stream(head: str, tail: str, size: int) -> tuple[bytes, int, int]:
    unit = ("项目支出绩效自评" * 43690 + "x" * 16).encode()  # 1 MiB of text
    assert len(unit) == MB
    return _repeated_deflate(head.encode(), unit, max(1, size // MB), tail.encode())


# --- .docx --------------------------------------------------------------------------------------


def docx_text(path: Path, size: int = 1536 * MB) -> Path:
    """A Word document whose one paragraph is ``size`` bytes of text (~1.6 MB on disk for 1.5 GB)."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'
    return _docx(path, _text_stream(head, "</w:t></w:r></w:p></w:body></w:document>", size))


def docx_text_lying(path: Path, size: int = 1536 * MB) -> Path:
    """The same, with the zip claiming document.xml is 4 KB."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'
    return _docx(path, _text_stream(head, "</w:t></w:r></w:p></w:body></w:document>", size), declared=4096)


def docx_elements(path: Path, size: int = 60 * MB) -> Path:
    """A Word document of ``size`` bytes of one-letter paragraphs, honest about its size and
    compressed only ~135:1 (under the ratio limit): 5.4 million XML elements for one tree."""
    import random

    rng = random.Random(8)
    paras = [f"<w:p><w:r><w:t>{rng.choice('abcdefghijklmnopqrstuvwxyz') if i % 8 == 0 else 'x'}</w:t></w:r></w:p>" for i in range(30000)]
    unit = "".join(paras).encode()
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
    return _docx(path, _repeated_deflate(head, unit, max(1, size // len(unit)), b"</w:body></w:document>"))


def docx_entities(path: Path) -> Path:
    """Billion laughs in document.xml (10^9 'lol's × 10 if expanded)."""
    body = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{LAUGHS}<w:document xmlns:w="{W_NS}"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目名称&lol9;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>'
    return _docx(path, body.encode())


def docx_table(path: Path, rows: int = 3000, cells: int = 20, span: int = 200) -> Path:
    """A table of ``rows`` rows, each of ``cells`` cells spanning ``span`` grid columns: small XML
    (3.7 MB, 240 000 elements, 15 KB on disk), rows × columns = 3000 × 4 000 = 12 million cells."""
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p/></w:tc>'
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>绩效自评表</w:t></w:r></w:p><w:tbl>'
    row = "<w:tr>" + cell * cells + "</w:tr>"
    return _docx(path, (head + row * rows + "</w:tbl></w:body></w:document>").encode())


# --- .ods ---------------------------------------------------------------------------------------


def _ods_content(table_xml: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:body><office:spreadsheet>'
        f'<table:table table:name="Sheet1">{table_xml}</table:table></office:spreadsheet></office:body></office:document-content>'
    )


def ods_text(path: Path, size: int = 1536 * MB) -> Path:
    """A spreadsheet whose one cell holds ``size`` bytes of text."""
    head, tail = _ods_content('<table:table-row><table:table-cell office:value-type="string"><text:p>§').split("§")
    tail = "</text:p></table:table-cell></table:table-row>" + _ods_content("§").split("§")[1]
    return _ods(path, _text_stream(head, tail, size))


def ods_repeated(path: Path, rows: int = 100_000, cols: int = 500) -> Path:
    """One row of one value, repeated: ``cols`` columns × ``rows`` rows from a 1 KB content.xml."""
    row = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    return _ods(path, _ods_content(row).encode())


def ods_entities(path: Path) -> Path:
    content = _ods_content('<table:table-row><table:table-cell office:value-type="string"><text:p>项目名称&lol9;</text:p></table:table-cell></table:table-row>')
    content = content.replace("?>", "?>" + LAUGHS, 1)
    return _ods(path, content.encode())


# --- .xls (BIFF8 in an OLE2 compound file) --------------------------------------------------------


def _rec(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff8(cells: list[tuple[int, int, float]], dims: tuple[int, int, int, int] | None = None, sheet: str = "Sheet1") -> bytes:
    """A minimal BIFF8 Workbook stream: one worksheet with NUMBER cells (row, col, value), 0-based,
    and a DIMENSIONS record (first row, last row + 1, first col, last col + 1; from the cells when None)."""
    bof_globals = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    name = sheet.encode("utf-16-le")
    boundsheet_len = 4 + 8 + len(name)
    sheet_at = len(bof_globals) + boundsheet_len + 4  # + EOF
    globals_ = bof_globals + _rec(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(sheet), 1) + name) + _rec(0x000A)
    if dims is None:
        dims = (0, max(r for r, _, _ in cells) + 1, 0, min(max(c for _, c, _ in cells) + 1, 0xFFFF)) if cells else (0, 0, 0, 0)
    body = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
    body += _rec(0x0200, struct.pack("<IIHHH", *dims, 0))
    for r, c, v in cells:
        body += _rec(0x0203, struct.pack("<HHHd", r, c, 15, v))
    assert len(globals_) == sheet_at
    return globals_ + body + _rec(0x000A)


def xls(path: Path, cells: list[tuple[int, int, float]], dims: tuple[int, int, int, int] | None = None) -> Path:
    path.write_bytes(build_ole({"Workbook": biff8(cells, dims)}))
    return path


def xls_far_cell(path: Path) -> Path:
    """Two numbers, at A1 and at the last cell a BIFF8 sheet can address (IV65536): 16.8 million cells."""
    return xls(path, [(0, 0, 1.0), (65535, 255, 2.0)])


def xls_wide_cell(path: Path) -> Path:
    """A number in column 65 535 (past IV, which Excel never writes) and row 60 000."""
    return xls(path, [(0, 0, 1.0), (60000, 65535, 2.0)])


def xls_declared(path: Path) -> Path:
    """Two cells, with a DIMENSIONS record claiming 4 294 967 295 rows × 65 535 columns."""
    return xls(path, [(0, 0, 1.0), (1, 1, 2.0)], dims=(0, 0xFFFFFFFF, 0, 0xFFFF))


def xls_stream(path: Path) -> Path:
    """The Workbook stream declared as 4 GB, its sector chain looping back to its start (a reader
    that follows the chain for the declared size reads the same sectors forever)."""
    data = bytearray(build_ole({"Workbook": biff8([(0, 0, 1.0)])}))
    fat = list(struct.unpack_from("<128I", data, 512))  # one FAT sector, right after the header
    start = next(i for i in range(len(fat)) if fat[i] not in (0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF) and i >= 2)
    last = next(i for i in range(start, len(fat)) if fat[i] == 0xFFFFFFFE)
    fat[last] = start
    struct.pack_into("<128I", data, 512, *fat)
    entry = data.find("Workbook".encode("utf-16-le"))
    struct.pack_into("<I", data, entry + 120, 0xFFFFF000)  # the directory entry's stream size (4 GB)
    path.write_bytes(bytes(data))
    return path


BOMBS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "docx_text": (".docx", docx_text),
    "docx_text_lying": (".docx", docx_text_lying),
    "docx_elements": (".docx", docx_elements),
    "docx_entities": (".docx", docx_entities),
    "docx_table": (".docx", docx_table),
    "ods_text": (".ods", ods_text),
    "ods_repeated": (".ods", ods_repeated),
    "ods_entities": (".ods", ods_entities),
    "xls_far_cell": (".xls", xls_far_cell),
    "xls_wide_cell": (".xls", xls_wide_cell),
    "xls_declared": (".xls", xls_declared),
    "xls_stream": (".xls", xls_stream),
}


def build(name: str, folder: Path) -> Path:
    suffix, fn = BOMBS[name]
    return fn(folder / f"{name}{suffix}")
