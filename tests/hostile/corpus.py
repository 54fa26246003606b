"""The hostile corpus: every kind of bad or awkward file a finance bureau receives, generated.

``build_corpus(folder)`` writes each case into its own sub-folder of ``folder`` and returns
the :class:`Case` list: what ``check``, ``calc``, ``report`` and ``batch`` must answer (exit
code) and a regex the Chinese message must match. Nothing binary is committed: good
workbooks come from :func:`xlperf.workbook.examples.build_example` and are damaged with zip/XML
surgery (:mod:`tests.hostile.surgery`), openpyxl, msoffcrypto-tool or hand-written bytes.

Conventions for the expectations:

* ``check``/``calc``/``report``: 0 fine, 1 the workbook has 错误-level findings, 2 the input is
  unusable, 3 the environment (output folder, a file Excel holds) is the problem.
* ``batch`` runs one workbook: a workbook that cannot be used is a *failed item* (exit 1, the
  message in the summary lines and in 汇总表), an input path that does not exist is exit 2.
* ``pattern`` must match what the user reads: the error line for exit codes 2 and 3; for
  usable workbooks the findings, which ``calc`` writes into 校验结果 and ``batch`` into 汇总表
  (the tests search the command output plus those sheets). ``patterns`` overrides it per command.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree

from tests.hostile.surgery import NS_MAIN, NS_PKG, NS_R, Surgery, read_parts, write_parts
from tests.richbook import build_ole, tiny_png

COMMANDS = ("check", "calc", "report", "batch")

UNUSABLE = {"check": 2, "calc": 2, "report": 2, "batch": 1}
GOOD = {"check": 0, "calc": 0, "report": 0, "batch": 0}
FLAWED = {"check": 1, "calc": 1, "report": 1, "batch": 1}

# Default arguments after the input path; "{out}" is a fresh, empty output folder per command.
DEFAULT_ARGS = {
    "check": [],
    "calc": [],
    "report": ["-o", "{out}/自评报告.docx"],
    "batch": ["-o", "{out}", "-j", "1", "-q"],
}

INDICATORS = "绩效指标"
INFO = "项目信息"
BUDGET = "预算执行"
HEADER_ROW = 7
FIRST_ROW = 8  # GOUMAI's seven indicators are rows 8..14
GOUMAI_TOTAL = "84.31"


@dataclass
class Case:
    name: str
    path: Path
    expect: dict[str, int]
    pattern: str
    notes: str = ""
    patterns: dict[str, str] = field(default_factory=dict)
    args: dict[str, list[str]] = field(default_factory=dict)
    rewrites: bool = False  # calc in place is expected to rewrite the file (a usable workbook)
    seconds: float = 15.0  # bound per command (benchmarks/bench_hostile.py)

    def pattern_for(self, command: str) -> str:
        if command in self.patterns:
            return self.patterns[command]
        if command == "report" and self.expect["report"] < 2:
            return r"已生成自评报告"  # report lists only 错误-level findings; the file is checked separately
        return self.pattern

    def args_for(self, command: str) -> list[str]:
        return list(self.args.get(command, DEFAULT_ARGS[command]))


_BUILDERS: list[Callable[["_Ctx"], Case]] = []


def case(fn: Callable[["_Ctx"], Case]) -> Callable[["_Ctx"], Case]:
    _BUILDERS.append(fn)
    return fn


class _Ctx:
    """The folder being filled, plus a cache of good example workbooks to copy from."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache = folder / "_base"
        self.cache.mkdir(parents=True, exist_ok=True)

    def base(self, example: str = "临汾购买服务") -> Path:
        from xlperf.workbook.examples import build_example

        p = self.cache / f"{example}.xlsx"
        if not p.exists():
            build_example(p, example)
        return p

    def template(self) -> Path:
        from xlperf.workbook.template import build_template

        p = self.cache / "空白模板.xlsx"
        if not p.exists():
            build_template(p)
        return p

    def slot(self, name: str, filename: str | None = None) -> Path:
        d = self.folder / name
        d.mkdir(parents=True, exist_ok=True)
        return d / (filename or f"{name}.xlsx")

    def copy(self, name: str, filename: str | None = None, example: str = "临汾购买服务") -> Path:
        dst = self.slot(name, filename)
        shutil.copyfile(self.base(example), dst)
        return dst

    def surgery(self, example: str = "临汾购买服务") -> Surgery:
        return Surgery(self.base(example))


def case_names() -> list[str]:
    """The case names, known without building anything (for pytest parametrization)."""
    return [fn.__name__ for fn in _BUILDERS]


def build_corpus(folder: str | Path, only: list[str] | None = None) -> list[Case]:
    """Write the cases (all, or those named in ``only``) under ``folder``; return them in order."""
    ctx = _Ctx(Path(folder))
    cases = [build(ctx) for build in _BUILDERS if only is None or build.__name__ in only]
    for fn, c in zip([b for b in _BUILDERS if only is None or b.__name__ in only], cases):
        assert c.name == fn.__name__, (c.name, fn.__name__)
    shutil.rmtree(ctx.cache, ignore_errors=True)
    return cases


# =====================================================================================================
# Files that are not (usable) workbooks
# =====================================================================================================


@case
def empty(ctx: _Ctx) -> Case:
    p = ctx.slot("empty")
    p.write_bytes(b"")
    return Case("empty", p, UNUSABLE, r"文件是空的（0 字节）", "a download that never finished")


@case
def text_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("text_renamed")
    p.write_text("关于报送2025年度项目支出绩效自评的说明\n请于三月底前报送。\n", encoding="utf-8")
    return Case("text_renamed", p, UNUSABLE, r"这是文本文件，不是 Excel 工作簿", "a .txt renamed to .xlsx")


@case
def csv_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("csv_renamed")
    p.write_text("一级指标,二级指标,三级指标,分值,年度指标值,实际完成值\n产出指标,数量指标,补助人数,10,3626,3626\n", encoding="utf-8")
    return Case("csv_renamed", p, UNUSABLE, r"这是 CSV 文本文件.*另存为", "a UTF-8 CSV export renamed to .xlsx")


@case
def csv_gbk_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("csv_gbk_renamed")
    p.write_bytes("指标\t分值\t目标值\n数量指标\t10\t100\n质量指标\t20\t95%\n".encode("gbk"))
    return Case("csv_gbk_renamed", p, UNUSABLE, r"CSV", "a GBK tab-separated export (what 业务系统 write) renamed")


@case
def html_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("html_renamed")
    p.write_text('<html><head><meta charset="utf-8"></head><body><table><tr><td>分值</td></tr></table></body></html>', encoding="utf-8")
    return Case("html_renamed", p, UNUSABLE, r"网页（HTML）格式的表格", "the '.xls' many web systems export")


@case
def pdf_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("pdf_renamed")
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return Case("pdf_renamed", p, UNUSABLE, r"这是 PDF 文件", "")


@case
def truncated_zip(ctx: _Ctx) -> Case:
    p = ctx.slot("truncated_zip")
    data = ctx.base().read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return Case("truncated_zip", p, UNUSABLE, r"文件已损坏或不完整", "half a workbook: no central directory")


@case
def truncated_tail(ctx: _Ctx) -> Case:
    p = ctx.slot("truncated_tail")
    data = ctx.base().read_bytes()
    p.write_bytes(data[:-10])
    return Case("truncated_tail", p, UNUSABLE, r"文件已损坏或不完整", "the last 10 bytes missing (end of central directory cut)")


@case
def docx_renamed(ctx: _Ctx) -> Case:
    import docx

    p = ctx.slot("docx_renamed")
    tmp = p.with_suffix(".docx")
    d = docx.Document()
    d.add_paragraph("2025年度项目支出绩效自评报告")
    d.save(tmp)
    tmp.rename(p)
    return Case("docx_renamed", p, UNUSABLE, r"这是 Word 文档，不是 Excel 工作簿", "a real .docx renamed to .xlsx")


@case
def zip_not_workbook(ctx: _Ctx) -> Case:
    p = ctx.slot("zip_not_workbook")
    write_parts(p, {"附件/说明.txt": "材料清单".encode(), "附件/照片.png": tiny_png()})
    return Case("zip_not_workbook", p, UNUSABLE, r"不是 Excel 工作簿", "a zip of attachments renamed .xlsx")


@case
def old_xls(ctx: _Ctx) -> Case:
    p = ctx.slot("old_xls")
    bof = struct.pack("<HHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0)  # BIFF8 workbook globals BOF
    eof = struct.pack("<HH", 0x000A, 0)
    p.write_bytes(build_ole({"Workbook": bof + eof, "\x05SummaryInformation": b"\0" * 64}))
    return Case("old_xls", p, UNUSABLE, r"旧版 Excel 97-2003 工作簿（\.xls）.*另存为.*\*\.xlsx", "a BIFF8 OLE file with a Workbook stream, named .xlsx")


@case
def encrypted(ctx: _Ctx) -> Case:
    from msoffcrypto.format.ooxml import OOXMLFile

    p = ctx.slot("encrypted")
    with open(ctx.base(), "rb") as f, open(p, "wb") as out:
        OOXMLFile(f).encrypt("123456", out)
    return Case("encrypted", p, UNUSABLE, r"设置了打开密码.*清空密码框", "password-protected (an OLE file holding EncryptedPackage)")


def _bomb_sheet(size: int) -> bytes:
    """Worksheet XML of ``size`` bytes: a real sheet with a huge run of whitespace inside."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{NS_MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'.encode()
    tail = b"</sheetData></worksheet>"
    return head + b" " * (size - len(head) - len(tail)) + tail


def _bomb_zip(p: Path, base: Path, size: int) -> Path:
    """The good workbook with 绩效指标's part replaced by ``size`` bytes of mostly spaces (deflates ~1000:1)."""
    parts = read_parts(base)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name == "xl/worksheets/sheet4.xml":
                zi = zipfile.ZipInfo(name)
                zi.compress_type = zipfile.ZIP_DEFLATED
                with z.open(zi, "w", force_zip64=True) as f:
                    blob = _bomb_sheet(size)
                    for i in range(0, len(blob), 8 << 20):
                        f.write(blob[i : i + (8 << 20)])
            else:
                z.writestr(name, data)
    return p


@case
def zip_bomb(ctx: _Ctx) -> Case:
    p = _bomb_zip(ctx.slot("zip_bomb"), ctx.base(), 160 << 20)
    return Case("zip_bomb", p, UNUSABLE, r"解压后过大或压缩比异常", "绩效指标 inflates to 160 MB from ~160 KB; refused from the declared sizes", seconds=5)


@case
def zip_bomb_lying(ctx: _Ctx) -> Case:
    """Same bomb, but the central directory and local header claim the part is 2 KB."""
    p = _bomb_zip(ctx.slot("zip_bomb_lying"), ctx.base(), 120 << 20)
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet4.xml")
    name = b"xl/worksheets/sheet4.xml"
    # local header: drop the zip64 extra (sizes are then read from the 32-bit fields)
    off = info.header_offset
    nlen, xlen = struct.unpack("<HH", data[off + 26 : off + 30])
    data[off + 18 : off + 22] = struct.pack("<I", info.compress_size)
    data[off + 22 : off + 26] = struct.pack("<I", 2048)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n, x, k = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        if data[pos + 46 : pos + 46 + n] == name:
            data[pos + 20 : pos + 24] = struct.pack("<I", info.compress_size)
            data[pos + 24 : pos + 28] = struct.pack("<I", 2048)
            # blank the zip64 extra's id so readers use the 32-bit fields
            extra = pos + 46 + n
            if x >= 4 and data[extra : extra + 2] == b"\x01\x00":
                data[extra : extra + 2] = b"\xff\xfe"
        pos = data.find(b"PK\x01\x02", pos + 4)
    if xlen >= 4 and data[off + 30 + nlen : off + 32 + nlen] == b"\x01\x00":
        data[off + 30 + nlen : off + 32 + nlen] = b"\xff\xfe"
    p.write_bytes(bytes(data))
    with zipfile.ZipFile(p) as z:
        assert z.getinfo("xl/worksheets/sheet4.xml").file_size == 2048
    return Case("zip_bomb_lying", p, UNUSABLE, r"解压后过大或压缩比异常|已损坏", "declared 2 KB, inflates to 120 MB: the capped inflater stops at the limit", seconds=8)


@case
def zip_many_entries(ctx: _Ctx) -> Case:
    p = ctx.slot("zip_many_entries")
    parts = read_parts(ctx.base())
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        for i in range(20001):
            z.writestr(f"customXml/x{i}.xml", b"")
    return Case("zip_many_entries", p, UNUSABLE, r"过大或压缩比异常（含 \d+ 个部件）", "20 001 zip members (a directory-bomb)")


LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
)


def _with_prolog(xml: bytes, dtd: str, entity_ref: str, where: bytes) -> bytes:
    """Put a DOCTYPE after the XML declaration and an entity reference into ``where`` (replaced)."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + dtd.encode() + body.replace(where, where + entity_ref.encode(), 1)


@case
def billion_laughs_sheet(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    parts = s.render()
    part = s.sheets[INDICATORS]
    parts[part] = _with_prolog(parts[part], LAUGHS_DTD, "&lol9;", b"<t>")
    p = write_parts(ctx.slot("billion_laughs_sheet"), parts)
    return Case("billion_laughs_sheet", p, UNUSABLE, r"DOCTYPE/ENTITY 声明.*已拒绝处理", "10^9 'lol's if expanded; refused from the prolog", seconds=5)


@case
def billion_laughs_shared_strings(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.add_rel("xl/_rels/workbook.xml.rels", "rIdSST", NS_R + "/sharedStrings", "sharedStrings.xml")
    s.add_override("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    c = s.cell(INDICATORS, "C8")
    for child in list(c):
        c.remove(child)
    c.set("t", "s")
    c.append(etree.fromstring(f'<v xmlns="{NS_MAIN}">0</v>'))
    sst = f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1"><si><t>购买服务项目</t></si></sst>'.encode()
    s.parts["xl/sharedStrings.xml"] = _with_prolog(sst, LAUGHS_DTD, "&lol9;", b"<t>")
    p = s.save(ctx.slot("billion_laughs_shared_strings"))
    return Case("billion_laughs_shared_strings", p, UNUSABLE, r"DOCTYPE/ENTITY 声明.*已拒绝处理", "the bomb in xl/sharedStrings.xml", seconds=5)


@case
def external_entity(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    parts = s.render()
    part = s.sheets[INFO]
    dtd = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    parts[part] = _with_prolog(parts[part], dtd, "&xxe;", b"<t>")
    p = write_parts(ctx.slot("external_entity"), parts)
    return Case("external_entity", p, UNUSABLE, r"DOCTYPE/ENTITY 声明.*已拒绝处理", "XXE: file:///etc/passwd into 项目信息; never read")


@case
def doctype_in_workbook_part(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    parts = s.render()
    dtd = '<!DOCTYPE workbook [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]>'
    parts["xl/workbook.xml"] = _with_prolog(parts["xl/workbook.xml"], dtd, "", b"<workbookPr/>")
    p = write_parts(ctx.slot("doctype_in_workbook_part"), parts)
    return Case("doctype_in_workbook_part", p, UNUSABLE, r"DOCTYPE/ENTITY 声明", "an external DTD in xl/workbook.xml (network fetch if resolved)")


@case
def xlsb_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("xlsb_renamed")
    write_parts(p, {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", "xl/workbook.bin": b"\x83\x01\x00"})
    return Case("xlsb_renamed", p, UNUSABLE, r"二进制工作簿（\.xlsb）", "")


@case
def ods_renamed(ctx: _Ctx) -> Case:
    p = ctx.slot("ods_renamed")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return Case("ods_renamed", p, UNUSABLE, r"OpenDocument 表格（\.ods）", "a LibreOffice/WPS .ods renamed")


@case
def duplicate_entries(ctx: _Ctx) -> Case:
    p = ctx.slot("duplicate_entries")
    parts = read_parts(ctx.base())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
            z.writestr("xl/worksheets/sheet4.xml", parts["xl/worksheets/sheet4.xml"].replace(b"<v>10</v>", b"<v>99</v>"))
    return Case("duplicate_entries", p, UNUSABLE, r"重复的部件", "two different 绩效指标 parts with one name: which one Excel shows is undefined")


@case
def broken_sheet_xml(ctx: _Ctx) -> Case:
    parts = read_parts(ctx.base())
    parts["xl/worksheets/sheet4.xml"] = parts["xl/worksheets/sheet4.xml"][:-300]
    p = write_parts(ctx.slot("broken_sheet_xml"), parts)
    return Case("broken_sheet_xml", p, UNUSABLE, r"损坏.*另存为", "绩效指标's XML cut short inside the zip (valid zip, invalid XML)")


@case
def missing_sheet_part(ctx: _Ctx) -> Case:
    parts = read_parts(ctx.base())
    del parts["xl/worksheets/sheet4.xml"]
    p = write_parts(ctx.slot("missing_sheet_part"), parts)
    return Case("missing_sheet_part", p, UNUSABLE, r"绩效指标.*不存在|已损坏", "the relationship points at a part that is not in the zip")


@case
def missing_file(ctx: _Ctx) -> Case:
    p = ctx.folder / "missing_file" / "没有这个文件.xlsx"
    p.parent.mkdir(parents=True, exist_ok=True)
    return Case("missing_file", p, {"check": 2, "calc": 2, "report": 2, "batch": 2}, r"不存在", "a typo in the path")


# =====================================================================================================
# Workbooks whose structure is off
# =====================================================================================================


@case
def no_indicator_sheet(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.delete_sheet(INDICATORS)
    p = s.save(ctx.slot("no_indicator_sheet"))
    return Case("no_indicator_sheet", p, UNUSABLE, r"找不到工作表“绩效指标”", "the indicator sheet deleted; no other sheet holds the table")


@case
def misspelt_indicator_sheet(ctx: _Ctx) -> Case:
    """Renamed 绩效指表 and its header row emptied: the table cannot be found, the name is suggested."""
    s = ctx.surgery()
    s.rename_sheet(INDICATORS, "绩效指表")
    for el in s.text_cells("绩效指表", HEADER_ROW).values():
        for child in list(el):
            el.remove(child)
        el.attrib.pop("t", None)
    p = s.save(ctx.slot("misspelt_indicator_sheet"))
    return Case("misspelt_indicator_sheet", p, UNUSABLE, r"找不到工作表“绩效指标”，是否是“绩效指表”", "")


@case
def misspelt_indicator_sheet_with_headers(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.rename_sheet(INDICATORS, "绩效指表")
    p = s.save(ctx.slot("misspelt_indicator_sheet_with_headers"))
    return Case(
        "misspelt_indicator_sheet_with_headers", p, GOOD, GOUMAI_TOTAL, "a misspelt name but intact headers: the table is found by its headers",
        rewrites=True, patterns={"calc": GOUMAI_TOTAL, "batch": r"成功 1"},
    )


@case
def misspelt_info_sheet(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.rename_sheet(INFO, "项目信心")
    p = s.save(ctx.slot("misspelt_info_sheet"))
    return Case("misspelt_info_sheet", p, GOOD, r"找不到工作表“项目信息”（是否是“项目信心”？）", "W005 names the closest sheet", rewrites=True, patterns={"batch": r"找不到工作表“项目信息”（是否是“项目信心”？）"})


@case
def headers_missing(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.clear_row(INDICATORS, HEADER_ROW)
    p = s.save(ctx.slot("headers_missing"))
    return Case("headers_missing", p, UNUSABLE, r"绩效指标.*找不到指标表的表头行", "the header row of 绩效指标 deleted")


@case
def header_column_missing(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "E7", None)  # the 分值 header
    p = s.save(ctx.slot("header_column_missing"))
    return Case("header_column_missing", p, UNUSABLE, r"指标表缺少列“分值”（也接受：权重", "the 分值 header cell emptied")


@case
def headers_duplicated(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "N7", "分值")
    for r in range(FIRST_ROW, FIRST_ROW + 7):
        s.set(INDICATORS, f"N{r}", 1)
    p = s.save(ctx.slot("headers_duplicated"))
    return Case("headers_duplicated", p, GOOD, r"表头“分值”出现多次，使用第一列（E7），忽略 N7", "a second 分值 column added at N", rewrites=True)


@case
def header_two_rows(ctx: _Ctx) -> Case:
    """A unit's own table: the header is merged over two rows (指标值 over 年度指标值 / 实际完成值)."""
    import openpyxl

    from xlperf.workbook.examples import GOUMAI

    p = ctx.slot("header_two_rows")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = INDICATORS
    ws["A1"] = "项目支出绩效自评表"
    top = ["一级指标", "二级指标", "三级指标", "分值", "指标值", None, "得分", "偏差原因分析及改进措施"]
    for c, v in enumerate(top, start=1):
        ws.cell(2, c, v)
    ws.cell(3, 5, "年度指标值")
    ws.cell(3, 6, "实际完成值")
    for c in (1, 2, 3, 4, 7, 8):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.merge_cells("E2:F2")
    for r, ind in enumerate(GOUMAI["indicators"], start=4):
        score = ind.get("人工得分", ind["分值"])
        ws.append([])
        for c, v in enumerate([ind["一级指标"], ind["二级指标"], ind["三级指标"], ind["分值"], ind["年度指标值"], ind["实际完成值"], score, ind.get("偏差原因分析及改进措施")], start=1):
            ws.cell(r, c, v)
    wb.save(p)
    return Case(
        "header_two_rows", p, FLAWED, r"E101.*90|合计为 90", "the header row merged over rows 2–3; no budget sheet, so the table covers 90 points",
        rewrites=True,
    )


@case
def empty_indicator_table(ctx: _Ctx) -> Case:
    p = ctx.slot("empty_indicator_table")
    shutil.copyfile(ctx.template(), p)
    return Case("empty_indicator_table", p, FLAWED, r"没有任何三级指标行", "a new template handed in unfilled", rewrites=True)


# =====================================================================================================
# Awkward values
# =====================================================================================================


@case
def numbers_as_text(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    for r in range(FIRST_ROW, FIRST_ROW + 7):
        c = s.cell(INDICATORS, f"E{r}")
        w = c.findtext(f"{{{NS_MAIN}}}v")
        s.set(INDICATORS, f"E{r}", f" {w}分 " if r % 2 else w)  # "10", " 10分 "
    s.set(BUDGET, "E2", "37.24")
    s.set(BUDGET, "C2", "40.00")
    p = s.save(ctx.slot("numbers_as_text"))
    return Case("numbers_as_text", p, GOOD, GOUMAI_TOTAL, "分值 and amounts stored as text (green triangles in Excel)", rewrites=True, patterns={"batch": r"成功 1"})


@case
def error_values(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "G8", error="#DIV/0!", formula="3/0")
    s.set(INDICATORS, "E9", error="#REF!")
    s.set(INDICATORS, "F10", error="#N/A", formula="VLOOKUP(C10,Sheet9!A:B,2,0)")
    s.set(BUDGET, "E2", error="#VALUE!")
    p = s.save(ctx.slot("error_values"))
    return Case("error_values", p, FLAWED, r"为错误值 #DIV/0!", "#DIV/0!, #REF!, #N/A and #VALUE! in input cells", rewrites=True)


@case
def formulas_cached(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "E8", formula="5+5", cached=10)
    s.set(INDICATORS, "G8", formula='F8&"个"', cached="3个")
    s.set(BUDGET, "E2", formula="E3", cached=37.24)
    p = s.save(ctx.slot("formulas_cached"))
    return Case("formulas_cached", p, GOOD, GOUMAI_TOTAL, "formulas with cached values in input cells: the values count", rewrites=True, patterns={"batch": r"成功 1"})


@case
def formulas_uncached(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "G8", formula='F8&"个"')
    s.set(INDICATORS, "E9", formula="5+5")
    p = s.save(ctx.slot("formulas_uncached"))
    return Case("formulas_uncached", p, FLAWED, r"是公式但文件中没有计算结果", "formulas without cached values (saved by a tool that does not calculate)", rewrites=True)


@case
def dates_as_text(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "F10", "2021年12月31日")
    s.set(INDICATORS, "G10", "2021-11-30")
    p = s.save(ctx.slot("dates_as_text"))
    return Case("dates_as_text", p, GOOD, GOUMAI_TOTAL, "a 时效 target and actual typed as date text", rewrites=True, patterns={"batch": r"成功 1"})


@case
def dates_as_serials(ctx: _Ctx) -> Case:
    import datetime as dt

    import openpyxl

    p = ctx.slot("dates_as_serials")
    wb = openpyxl.load_workbook(ctx.base())
    ws = wb[INDICATORS]
    ws["F10"] = dt.date(2021, 12, 31)
    ws["F10"].number_format = "yyyy/m/d"
    ws["G10"] = 44530  # 2021-11-30 as a bare serial (a date cell whose format was lost)
    wb.save(p)
    return Case("dates_as_serials", p, GOOD, r"总分", "a real date cell and a bare Excel serial in a 时效 row", rewrites=True, patterns={"batch": r"成功 1"})


@case
def rows_100k(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    root = s.tree(INDICATORS)
    data = root.find(f"{{{NS_MAIN}}}sheetData")
    for row in list(data):
        if int(row.get("r")) > FIRST_ROW + 6:
            data.remove(row)
    s.parts[s.sheets[INDICATORS]] = s.render()[s.sheets[INDICATORS]]
    s._trees.clear()
    part = s.sheets[INDICATORS]
    xml = s.parts[part]
    rows = []
    for r in range(FIRST_ROW + 7, FIRST_ROW + 100_000):
        rows.append(
            f'<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>指标{r}</t></is></c><c r="E{r}"><v>0.01</v></c>'
            f'<c r="F{r}" t="inlineStr"><is><t>≥95%</t></is></c><c r="G{r}" t="inlineStr"><is><t>96%</t></is></c></row>'
        )
    end = xml.index(b"</sheetData>")
    s.parts[part] = xml[:end] + "".join(rows).encode() + xml[end:]
    p = write_parts(ctx.slot("rows_100k"), s.parts)
    return Case(
        "rows_100k", p, FLAWED, r"有 100000 行指标，超过上限 2000 行", "100 000 indicator rows: E010, only the first 2 000 are read; bounded time",
        rewrites=True, seconds=20,
    )


@case
def many_unmet_indicators(ctx: _Ctx) -> Case:
    """1 990 indicators (under the limit), none met, each with a reason: the narrative lists them all."""
    s = ctx.surgery()
    part = s.sheets[INDICATORS]
    xml = s.parts[part]
    start = xml.index(b'<row r="15"')
    end = xml.index(b"</sheetData>")
    rows = []
    for r in range(15, 15 + 1990):
        rows.append(
            f'<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>第{r}项服务覆盖率</t></is></c><c r="E{r}"><v>0</v></c>'
            f'<c r="F{r}" t="inlineStr"><is><t>≥95%</t></is></c><c r="G{r}" t="inlineStr"><is><t>90%</t></is></c>'
            f'<c r="L{r}" t="inlineStr"><is><t>人员不足</t></is></c></row>'
        )
    s.parts[part] = xml[:start] + "".join(rows).encode() + xml[end:]
    p = write_parts(ctx.slot("many_unmet_indicators"), s.parts)
    return Case(
        "many_unmet_indicators", p, GOOD, r"总分", "1 990 unmet indicators (weight 0): the generated 存在问题 text outgrows an Excel cell",
        rewrites=True, seconds=20, patterns={"batch": r"成功 1"},
    )


@case
def string_1mb(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    big = ("服务人员流动性大，" * 120_000)[: 1 << 20]
    s.set(INFO, f"B{s.find_label_row(INFO, '存在问题')}", big)
    s.set(INDICATORS, "L12", big)
    p = s.save(ctx.slot("string_1mb"))
    return Case("string_1mb", p, GOOD, r"超过 2000 个字符，已截断", "1 MB of text in 存在问题 and in a 偏差原因 cell (Excel itself stops at 32 767)", rewrites=True)


@case
def control_characters(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "C8", "购买服务_x0007_项目_x001B_")  # Excel's escapes for BEL and ESC
    s.set(INDICATORS, "L8", "原因\u200b说明\u202e反向\ufeff")
    s.set(INFO, f"B{s.find_label_row(INFO, '存在问题')}", "第一行_x000B_第二行\t制表\r\n换行_x0000_")
    p = s.save(ctx.slot("control_characters"))
    return Case("control_characters", p, GOOD, GOUMAI_TOTAL, "control characters as Excel writes them (_x0007_ …), zero-width and bidi marks", rewrites=True, patterns={"batch": r"成功 1"})


@case
def negative_weight(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "E8", -10)
    s.set(INDICATORS, "E11", 40)
    p = s.save(ctx.slot("negative_weight"))
    return Case("negative_weight", p, FLAWED, r"E104|分值“-10”", "分值 -10 (and +10 elsewhere, so the total is still 100)", rewrites=True)


@case
def weights_99_999(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "E8", 9.999)
    p = s.save(ctx.slot("weights_99_999"))
    return Case("weights_99_999", p, GOOD, r"总分", "weights summing to 99.999: 100 for practical purposes (tolerance 0.005)", rewrites=True, patterns={"batch": r"成功 1"})


@case
def target_zero(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "F8", "0")
    s.set(INDICATORS, "G8", "0个")
    p = s.save(ctx.slot("target_zero"))
    return Case("target_zero", p, GOOD, r"年度指标值为 0", "target 0 (division by zero if done naively)", rewrites=True)


@case
def huge_numbers(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "F9", 1e308)
    s.set(INDICATORS, "G9", "1e309")
    s.set(BUDGET, "E2", 1.7976931348623157e308)
    p = s.save(ctx.slot("huge_numbers"))
    return Case("huge_numbers", p, {"check": 1, "calc": 1, "report": 1, "batch": 1}, r"错误", "1e308, overflow text and DBL_MAX in amounts", rewrites=True)


# =====================================================================================================
# Where the file comes from, where it lives
# =====================================================================================================

WPS_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>WPS 表格</Application><HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>工作表</vt:lpstr>"
    "</vt:variant><vt:variant><vt:i4>6</vt:i4></vt:variant></vt:vector></HeadingPairs></Properties>"
).encode()
WPS_CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property>'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV"><vt:lpwstr>6F1C4D1E8B7A4C0A9D1E2F3A4B5C6D7E_13</vt:lpwstr></property>'
    "</Properties>"
).encode()
WPS_CELLIMAGES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<etc:cellImages xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData"><etc:cellImage><xdr:pic><xdr:nvPicPr>'
    '<xdr:cNvPr id="2" name="ID_5A1B2C3D4E5F"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/>'
    "<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"190500\" cy=\"190500\"/>"
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage></etc:cellImages>'
).encode()


def wps_workbook(src: Path, dst: Path) -> Path:
    """``src`` as WPS 表格 saves it: its app.xml, KSO custom properties, a cell image (DISPIMG), a rich-text header."""
    s = Surgery(src)
    s.parts["docProps/app.xml"] = WPS_APP
    s.parts["docProps/custom.xml"] = WPS_CUSTOM
    s.add_rel("_rels/.rels", "rId9", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties", "docProps/custom.xml")
    s.add_override("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    s.parts["xl/cellimages.xml"] = WPS_CELLIMAGES
    s.parts["xl/_rels/cellimages.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{NS_PKG}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>'
    ).encode()
    s.parts["xl/media/image1.png"] = tiny_png()
    s.add_default("png", "image/png")
    s.add_rel("xl/_rels/workbook.xml.rels", "rId99", "http://www.wps.cn/officeDocument/2020/cellImage", "cellimages.xml")
    s.add_override("/xl/cellimages.xml", "application/vnd.wps-officedocument.cellimage+xml")
    # a picture placed in a cell with DISPIMG, in a column nobody owns
    s.set(INDICATORS, "N8", formula='_xlfn.DISPIMG("ID_5A1B2C3D4E5F",1)', cached='=DISPIMG("ID_5A1B2C3D4E5F",1)')
    # WPS splits edited header text into rich-text runs
    c = s.cell(INDICATORS, "E7")
    for child in list(c):
        c.remove(child)
    c.set("t", "inlineStr")
    from lxml import etree

    is_ = etree.SubElement(c, f"{{{NS_MAIN}}}is")
    for text in ("分", "值"):
        run = etree.SubElement(is_, f"{{{NS_MAIN}}}r")
        rpr = etree.SubElement(run, f"{{{NS_MAIN}}}rPr")
        etree.SubElement(rpr, f"{{{NS_MAIN}}}b")
        etree.SubElement(run, f"{{{NS_MAIN}}}t").text = text
    return s.save(dst)


@case
def wps_saved(ctx: _Ctx) -> Case:
    p = wps_workbook(ctx.base(), ctx.slot("wps_saved"))
    return Case("wps_saved", p, GOOD, GOUMAI_TOTAL, "WPS 表格's app.xml, KSO custom properties, cellimages.xml + DISPIMG, rich-text header", rewrites=True, patterns={"batch": r"成功 1"})


@case
def unicode_filename(ctx: _Ctx) -> Case:
    p = ctx.copy("unicode_filename", "2025 县医保局 自评表 📊（最终版 v2）.xlsx")
    return Case("unicode_filename", p, GOOD, GOUMAI_TOTAL, "Chinese, spaces, emoji and full-width brackets in the file name", rewrites=True, patterns={"batch": r"成功 1"})


@case
def read_only_file(ctx: _Ctx) -> Case:
    p = ctx.copy("read_only_file")
    p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return Case(
        "read_only_file", p, {"check": 0, "calc": 3, "report": 0, "batch": 0}, GOUMAI_TOTAL,
        "0444 (Windows: the 只读 attribute). calc in place refuses (root could write it: decided by the mode bits); -o works",
        patterns={"calc": r"文件是只读的.*另存为", "batch": r"成功 1"},
    )


@case
def read_only_file_with_output(ctx: _Ctx) -> Case:
    p = ctx.copy("read_only_file_with_output")
    p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return Case(
        "read_only_file_with_output", p, GOOD, GOUMAI_TOTAL, "a read-only input with calc -o: works, the input is untouched",
        args={"calc": ["-o", "{out}/另存.xlsx"]}, patterns={"batch": r"成功 1"},
    )


@case
def output_folder_missing(ctx: _Ctx) -> Case:
    p = ctx.copy("output_folder_missing")
    return Case(
        "output_folder_missing", p, {"check": 0, "calc": 3, "report": 3, "batch": 0}, r"输出文件夹不存在",
        "-o into a folder that does not exist: calc and report refuse, batch creates its output folder",
        args={"calc": ["-o", "{out}/不存在的文件夹/另存.xlsx"], "report": ["-o", "{out}/不存在的文件夹/报告.docx"], "batch": ["-o", "{out}/新建/下一层", "-j", "1", "-q"]},
        patterns={"check": GOUMAI_TOTAL, "batch": r"成功 1", "calc": r"另存\.xlsx：输出文件夹不存在：/.*/不存在的文件夹"},
    )


@case
def output_folder_is_a_file(ctx: _Ctx) -> Case:
    p = ctx.copy("output_folder_is_a_file")
    blocker = p.parent / "输出"
    blocker.write_text("这是一个文件，不是文件夹")
    return Case(
        "output_folder_is_a_file", p, {"check": 0, "calc": 3, "report": 3, "batch": 3}, r"不是文件夹|输出文件夹|无法",
        "-o under a path that is a file",
        args={"calc": ["-o", str(blocker / "另存.xlsx")], "report": ["-o", str(blocker / "报告.docx")], "batch": ["-o", str(blocker), "-j", "1", "-q"]},
        patterns={"check": GOUMAI_TOTAL},
    )


def unwritable_folder(base: Path) -> Path | None:
    """A folder this process cannot write: chmod 0555 when not root; /sys (read-only for root too) when root."""
    if os.name == "posix" and os.geteuid() == 0:
        probe = Path("/sys")
        try:
            fd = os.open(probe / ".xlperf-probe", os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError:
            return probe
        os.close(fd)
        os.unlink(probe / ".xlperf-probe")
        return None
    d = base / "只读文件夹"
    d.mkdir(exist_ok=True)
    d.chmod(0o555)
    return d


@case
def output_folder_not_writable(ctx: _Ctx) -> Case:
    p = ctx.copy("output_folder_not_writable")
    ro = unwritable_folder(p.parent)
    target = ro if ro is not None else p.parent / "(not available)"
    return Case(
        "output_folder_not_writable", p, {"check": 0, "calc": 3, "report": 3, "batch": 3}, r"没有写入权限|无法|不可写|只读",
        f"-o into a folder we may not write ({target})",
        args={"calc": ["-o", str(target / "另存.xlsx")], "report": ["-o", str(target / "报告.docx")], "batch": ["-o", str(target), "-j", "1", "-q"]},
        patterns={"check": GOUMAI_TOTAL},
    )


@case
def open_in_excel(ctx: _Ctx) -> Case:
    p = ctx.copy("open_in_excel", "自评表.xlsx")
    owner = p.parent / ("~$" + p.name)
    owner.write_bytes(b"\x06\xe8\x80\x82" + "财务科".encode("utf-16-le").ljust(108, b"\0") + b"\0" * 53)  # 165 bytes like Excel's
    return Case(
        "open_in_excel", p, {"check": 0, "calc": 3, "report": 0, "batch": 0}, GOUMAI_TOTAL,
        "Excel's ~$ owner file beside it: calc refuses, the read-only commands work",
        patterns={"calc": r"正在 Excel/WPS 中打开.*关闭", "batch": r"成功 1"},
    )


@case
def formula_injection(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    evil = '=HYPERLINK("http://evil.example/x","点我")'
    s.set(INFO, f"B{s.find_label_row(INFO, '存在问题')}", evil)
    s.set(INFO, f"B{s.find_label_row(INFO, '项目名称')}", "+SUM(1,2)")
    s.set(INDICATORS, "C12", "=1+1")
    s.set(INDICATORS, "L12", "@SUM(A1:A2)")
    s.set(INDICATORS, "L11", "-2+3 成本下降")
    s.set(INDICATORS, "C13", '=IMPORTXML("http://evil.example","//a")')
    s.set(INDICATORS, "G13", "80%")  # unmet, no reason: a finding quotes the name
    p = s.save(ctx.slot("formula_injection"))
    return Case(
        "formula_injection", p, FLAWED, r"“=IMPORTXML\(\"http://evil\.example\",\"//a\"\)”",
        "text starting with = + - @ typed by users (项目名称, 存在问题, indicator names, reasons): stays text everywhere", rewrites=True,
    )


@case
def far_away_cell(ctx: _Ctx) -> Case:
    s = ctx.surgery()
    s.set(INDICATORS, "XFD1048576", "x")
    s.set(INFO, "AZ1048576", "末行")
    p = s.save(ctx.slot("far_away_cell"))
    return Case("far_away_cell", p, GOOD, GOUMAI_TOTAL, "a stray value in XFD1048576 (the used range becomes 17 billion cells)", rewrites=True, patterns={"batch": r"成功 1"}, seconds=10)
