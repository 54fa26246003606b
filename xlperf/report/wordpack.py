"""The Word report without re-reading the template: a parsed template (:class:`Skeleton`), kept by
the process's WordRenderer, filled per report and written as a zip directly. Holds no state itself.

docxtpl opens the template with python-docx for every report (unzip, parse every XML part), renders,
then python-docx serialises every part again and deflates it into a new zip: about two thirds of a
report's time goes to parts that come out the same for every report of a template (styles,
numbering, theme, settings, relationships...). Here the template is rendered once the docxtpl way;
what that output holds for those parts (compressed bytes, CRC, sizes) is kept, and each report only
renders what depends on it — the body, the headers and footers, the core properties — with the
same compiled templates, the same parser and the same serialisation as the docxtpl path. The zip is
written member by member in the order python-docx writes it, each member's header built the way
``ZipFile.writestr`` builds it, so a report is the same file byte for byte apart from the zip
entries' timestamps.

A skeleton is trusted only after it proved itself: the first report of a template in a process is
written by docxtpl, then rendered again here and compared member by member; on any difference the
template keeps the docxtpl path for the life of the process. Templates with parts this module does
not render (footnotes) never get a skeleton.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


@dataclass(kw_only=True)
class Skeleton:
    """What a template's reports share, and how to render what they do not."""

    order: list[str]  # zip member names, in the order python-docx writes them
    static: dict[str, tuple[zipfile.ZipInfo, bytes]]  # member -> (its info, compressed bytes)
    body_member: str
    body_source: str  # patched and prepared body XML, the key of its compiled template
    shell: tuple[str, str]
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)  # header/footer member -> (prepared XML, encoding)
    core_member: str = ""
    core_blob: bytes = b""
    # header/footer XML rendered -> its member, deflated: the same for every report in practice
    part_cache: dict[str, tuple[zipfile.ZipInfo, bytes]] = field(default_factory=dict)
    compiled: dict[str, Any] = field(default_factory=dict)  # source XML -> its compiled template
    # (the template's core property texts, core.xml with a marker in place of each; b"": no markers)
    core_shape: tuple[tuple[str, ...], bytes] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)  # guards part_cache


def build(tpl: Any, reference: bytes, prepare: Callable[[str], str]) -> Skeleton | None:
    """The skeleton of a template from ``tpl`` (a fresh, unrendered CachedDocxTemplate) and
    ``reference`` (a report of it written the docxtpl way), or None when it cannot have one."""
    tpl.init_docx()
    doc = tpl.docx
    package = doc.part.package
    if tpl.shell is None:
        return None
    if any(part.content_type == FOOTNOTES_TYPE for part in package.iter_parts()):
        return None
    dynamic: dict[str, tuple[str, str]] = {}
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            dynamic[part.partname.membername] = (prepare(tpl.patch_xml(xml)), tpl.get_headers_footers_encoding(xml))
    package.core_properties  # noqa: B018 - as docxtpl's render_properties asks for them (made when missing)
    core_part = next((p for p in package.iter_parts() if p.content_type.endswith("core-properties+xml")), None)
    if core_part is None:
        return None
    core_member = core_part.partname.membername
    body_member = doc.part.partname.membername
    skeleton = Skeleton(
        order=[],
        static={},
        body_member=body_member,
        body_source=prepare(tpl.patch_xml(tpl.get_xml())),
        shell=tpl.shell,
        parts=dynamic,
        core_member=core_member,
        core_blob=core_part.blob,  # its element serialised, as python-docx saves it
    )
    with zipfile.ZipFile(io.BytesIO(reference)) as z:
        for info in z.infolist():
            skeleton.order.append(info.filename)
            if info.filename in dynamic or info.filename in (body_member, core_member):
                continue
            skeleton.static[info.filename] = (info, _raw(z, info))
    if body_member not in skeleton.order or core_member not in skeleton.order:
        return None
    return skeleton


def _raw(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes as stored."""
    import struct

    fp = z.fp
    assert fp is not None
    fp.seek(info.header_offset)
    head = fp.read(30)
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    return fp.read(info.compress_size)


def core_xml(skeleton: Skeleton, render: Callable[[str], str]) -> bytes:
    """docxtpl's render_properties on a fresh copy of the template's core properties.

    Only the texts differ from report to report: when each rendered text is one python-docx
    accepts and lxml writes escaping just & < > (no control character, at most 255 characters),
    it goes in place of its marker in the template's core.xml serialised once (python-docx's
    property objects cost more than the rest of the part); otherwise python-docx sets them."""
    if skeleton.core_shape is None:
        skeleton.core_shape = _core_shape(skeleton.core_blob)
    sources, shape = skeleton.core_shape
    values = [render(source) for source in sources]
    if shape and all(len(v) <= 255 and not _NOT_PLAIN.search(v) for v in values):
        for i, v in enumerate(values):
            text = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            shape = shape.replace(_core_marker(i), text.encode("utf-8"), 1)
        return shape
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    element = parse_xml(skeleton.core_blob)
    props = CoreProperties(element)
    for prop, value in zip(CORE_PROPERTIES, values):
        setattr(props, prop, value)
    return serialize_part_xml(element)


# characters lxml rejects or writes as a reference in text, and the marker's own prefix
_NOT_PLAIN = re.compile("[\x00-\x08\x0b\x0c\r\x0e-\x1f\ud800-\udfff\ufffe\uffff]|xlperf-core-")


def _core_marker(i: int) -> bytes:
    return f"xlperf-core-{i}".encode()


def _core_shape(blob: bytes) -> tuple[tuple[str, ...], bytes]:
    """(the template's core property texts, core.xml with property i's text set to marker i)."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    props = CoreProperties(parse_xml(blob))
    sources = tuple(getattr(props, prop) or "" for prop in CORE_PROPERTIES)
    element = parse_xml(blob)
    props = CoreProperties(element)
    for i, prop in enumerate(CORE_PROPERTIES):
        setattr(props, prop, _core_marker(i).decode())
    shape = serialize_part_xml(element)
    if any(shape.count(_core_marker(i)) != 1 for i in range(len(CORE_PROPERTIES))):
        shape = b""
    return sources, shape


def part_member(skeleton: Skeleton, member: str, rendered: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A rendered header or footer as python-docx stores it (parsed, then serialised), deflated."""
    with skeleton.lock:
        hit = skeleton.part_cache.get(rendered)
    if hit is not None:
        return hit
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    packed = deflated(serialize_part_xml(parse_xml(rendered.encode(skeleton.parts[member][1]))))
    with skeleton.lock:
        if len(skeleton.part_cache) > 32:
            skeleton.part_cache.clear()
        skeleton.part_cache[rendered] = packed
    return packed


def deflated(data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    """``data`` compressed as ``ZipFile.writestr`` compresses it on a ``ZIP_DEFLATED`` file."""
    import zlib

    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    raw = compressor.compress(data) + compressor.flush()
    info = zipfile.ZipInfo()
    info.compress_type, info.file_size, info.CRC = zipfile.ZIP_DEFLATED, len(data), zlib.crc32(data)
    return info, raw


def write_package(skeleton: Skeleton, blobs: dict[str, bytes | tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """The .docx: the template's unchanged members copied as compressed, ``blobs`` deflated (or
    copied, those given as :func:`deflated` gives them).

    Each member's header is what ``ZipFile.writestr(name, data)`` on a ``ZIP_DEFLATED`` file
    writes (python-docx's way); only the raw copy is done by hand, as zipfile has no API for it.
    """
    buf = io.BytesIO()
    now = time.localtime(time.time())[:6]
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in skeleton.order:
            blob = blobs.get(name)
            if isinstance(blob, bytes):
                z.writestr(name, blob)
                continue
            info, raw = blob if blob is not None else skeleton.static[name]
            zi = zipfile.ZipInfo(filename=name, date_time=now)
            zi.compress_type = info.compress_type
            zi.external_attr = 0o600 << 16
            zi.file_size, zi.compress_size, zi.CRC = info.file_size, len(raw), info.CRC
            fp = z.fp
            assert fp is not None
            zi.header_offset = fp.tell()
            fp.write(zi.FileHeader(zip64=False))
            fp.write(raw)
            z.filelist.append(zi)
            z.NameToInfo[name] = zi
            z.start_dir = fp.tell()  # (a file opened "w" writes its central directory on close)
    return buf.getvalue()


def same_package(a: bytes, b: bytes) -> bool:
    """Two .docx files hold the same members, in the same order, with the same bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            ia, ib = za.infolist(), zb.infolist()
            if [i.filename for i in ia] != [i.filename for i in ib]:
                return False
            for x, y in zip(ia, ib):
                if (x.CRC, x.file_size, x.compress_type, x.flag_bits, x.external_attr) != (y.CRC, y.file_size, y.compress_type, y.flag_bits, y.external_attr):
                    return False
                if _raw(za, x) != _raw(zb, y):
                    return False
    except (zipfile.BadZipFile, OSError):
        return False
    return len(a) == len(b)
