"""xl/styles.xml: which cell formats show dates, and number-format clones of a cell's format."""

from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree

from xlperf.ooxml.package import local, ns_of

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


class Styles:
    """xl/styles.xml: date detection and numFmt-changed clones of cell formats (xf)."""

    def __init__(self, root: Any):
        self.root = root
        self.ns = ns_of(root.tag)
        self.cell_xfs = root.find(f"{{{self.ns}}}cellXfs")
        if self.cell_xfs is None:
            self.cell_xfs = etree.SubElement(root, f"{{{self.ns}}}cellXfs")
            self._insert_ordered(self.cell_xfs)
        if len(self.cell_xfs) == 0:
            etree.SubElement(self.cell_xfs, f"{{{self.ns}}}xf", numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
        self.xfs = [x for x in self.cell_xfs if local(x.tag) == "xf"]
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
        rank = self._ORDER.index(local(el.tag))
        self.root.remove(el)
        for i, child in enumerate(self.root):
            ln = local(child.tag)
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


MIN_STYLES = (
    '<styleSheet xmlns="{ns}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)



# --- percent formats, for reading ------------------------------------------------------------------

_BUILTIN_PERCENT_IDS = frozenset({9, 10})
_NUMFMT_RE = re.compile(rb"<(?:[\w.-]+:)?numFmt\b([^>]*)>")
_CELLXFS_RE = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?cellXfs>)", re.S)
_XF_RE = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*)>")
_ID_ATTR = re.compile(rb"""\bnumFmtId\s*=\s*["'](\d+)["']""")
_CODE_ATTR = re.compile(rb"""\bformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XML_ENTITIES = (("&quot;", '"'), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def is_percent_code(code: str) -> bool:
    """Whether a number format code scales the value by 100 (``0%``, ``0.00%``, ``#,##0.0%;[Red]-0%``).
    A quoted or escaped % (``0"%"``, LibreOffice's ``0\\%``) is literal text and does not scale."""
    section = code.split(";")[0]
    return "%" in _FMT_STRIP.sub("", section)


_PERCENT_STYLES_KEPT: dict[bytes, frozenset[int]] = {}


def percent_styles(styles_xml: bytes) -> frozenset[int]:
    """The cell style indices (the ``s`` attribute of a cell) whose number format is a percentage.

    The workbooks of a batch filled in from one template share styles.xml byte for byte: the
    answers for a few small parts are kept (a dict lookup instead of the scan)."""
    hit = _PERCENT_STYLES_KEPT.get(styles_xml)
    if hit is None:
        hit = _scan_percent_styles(styles_xml)
        if len(styles_xml) <= 256 * 1024:
            if len(_PERCENT_STYLES_KEPT) >= 8:
                _PERCENT_STYLES_KEPT.clear()
            _PERCENT_STYLES_KEPT[styles_xml] = hit
    return hit


def _scan_percent_styles(styles_xml: bytes) -> frozenset[int]:
    """A regex over the part, not an XML parse: styles.xml is read once per workbook on the path
    that reads thousands of files in a batch, and only two attributes matter here."""
    codes: dict[int, str] = {}
    for m in _NUMFMT_RE.finditer(styles_xml):
        fid, code = _ID_ATTR.search(m.group(1)), _CODE_ATTR.search(m.group(1))
        if fid and code:
            text = (code.group(1) if code.group(1) is not None else code.group(2)).decode("utf-8", "replace")
            for entity, char in _XML_ENTITIES:
                text = text.replace(entity, char)
            codes[int(fid.group(1))] = text
    block = _CELLXFS_RE.search(styles_xml)
    if not block or not block.group(1):
        return frozenset()
    out = set()
    for index, m in enumerate(_XF_RE.finditer(block.group(1))):
        fid_m = _ID_ATTR.search(m.group(1))
        fid = int(fid_m.group(1)) if fid_m else 0
        if (is_percent_code(codes[fid]) if fid in codes else fid in _BUILTIN_PERCENT_IDS):
            out.add(index)
    return frozenset(out)
