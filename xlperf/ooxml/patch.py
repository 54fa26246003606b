"""Patch cell values of an .xlsx: rewrite only the cells we own inside the sheet XML.

Workbooks are never saved through openpyxl (it loses header logos, x14 dropdowns, sparklines,
ribbon parts and more when it saves). :class:`XlsxPatcher` rewrites the target sheets' XML with
lxml (which keeps prefixes and the x14ac namespace) and copies every other zip part with its
original compressed bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import numbers
import os
import posixpath
import re
import time
import zipfile
from bisect import bisect_left, insort
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from lxml import etree

from xlperf.core.book import KEEP
from xlperf.core.errors import InputError, XCode
from xlperf.core.refs import col_letter, parse_ref, parse_range, range_ref
from xlperf.core.values import EXCEL_CELL_LIMIT, excel_len
from xlperf.ooxml.files import atomic_output
from xlperf.ooxml.inspect import SheetRef, load_bytes, open_package
from xlperf.ooxml.ns import CT_STYLES, CT_WORKSHEET, NS_CT, NS_MAIN, NS_PKG_REL, NS_REL, NS_XML, RT_STYLES, RT_WORKSHEET
from xlperf.ooxml.package import (
    MAX_COL,
    MAX_ROW,
    PARSER,
    clone_info,
    copy_raw,
    local,
    ns_of,
    parse_bytes,
    serialize,
)
from xlperf.ooxml.read import translate_formula
from xlperf.ooxml.styles import FMT_DATE, FMT_DATETIME, MIN_STYLES, Styles

MAX_CELL_CHARS = EXCEL_CELL_LIMIT

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
        self.ns = ns_of(root.tag)
        q = self.q
        self.sheet_data = root.find(q("sheetData"))
        if self.sheet_data is None:
            self.sheet_data = etree.SubElement(root, q("sheetData"))
            _place_before(root, self.sheet_data, _AFTER_SHEETDATA)
        self.rows: dict[int, Any] = {}
        last = 0
        for row in self.sheet_data:
            if local(row.tag) != "row":
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
                text = translate_formula(f.text or "", r, c, nr, nc)
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
                    nf.set("ref", range_ref(nr, min(m[1] for m in group), max(m[0] for m in group), max(m[1] for m in group)))
                    nf.set("si", f.get("si"))
        f.getparent().remove(f)

    def to_bytes(self) -> bytes:
        if self.bbox is not None:
            dim = self.root.find(self.q("dimension"))
            if dim is not None:
                b = list(self.bbox)
                cur = parse_range(dim.get("ref", ""))
                if cur is not None:
                    b = [min(b[0], cur[0]), min(b[1], cur[1]), max(b[2], cur[2]), max(b[3], cur[3])]
                dim.set("ref", range_ref(*b))
        return serialize(self.root, self.standalone)


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


# workbook child elements around calcPr (CT_Workbook order)
_BEFORE_CALCPR = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets", "functionGroups",
    "externalReferences", "definedNames",
)
_AFTER_CALCPR = (
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
    "webPublishObjects", "extLst",
)


def _place_before(root: Any, el: Any, following: tuple[str, ...]) -> None:
    """Move ``el`` (a child of root) before the first sibling whose local name is in ``following``."""
    for child in root:
        if child is not el and local(child.tag) in following:
            root.remove(el)
            child.addprevious(el)
            return



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
        p, data = load_bytes(path)
        self.path = p
        self._data = data
        self._book = open_package(p, io.BytesIO(data))
        self._reader = self._book.reader
        self._order = [i.filename for i in self._reader.zf.infolist()]
        self._sheets: dict[str, _Sheet] = {}  # part -> parsed sheet
        self._parts: dict[str, str] = {s.name: s.part for s in self._book.worksheets}
        self._new_parts: dict[str, bytes] = {}  # added parts (not in the source)
        self._removed: set[str] = set()
        self._styles: Styles | None = None
        self._styles_part: str | None = self._book.part_of_type("/styles")
        self._styles_standalone: bool | None = True
        self._dirty_workbook = False
        self._dirty_rels = False
        self._dirty_ct = False
        self._created_styles = False
        self._cells_written = False

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
                f"工作簿中没有工作表“{name}”（现有：{'、'.join(self._parts) or '无'}）", path=self.path, code=XCode.NO_SUCH_SHEET
            )
        sh = self._sheets.get(part)
        if sh is None:
            data = self._reader.read(part)
            root = parse_bytes(self.path, part, data)
            standalone = root.getroottree().docinfo.standalone
            sh = _Sheet(part, root, standalone)
            self._sheets[part] = sh
        return sh

    def _get_styles(self) -> Styles:
        if self._styles is None:
            part = self._styles_part
            if part and part in self._reader.infos:
                root = parse_bytes(self.path, part, self._reader.read(part))
                self._styles_standalone = root.getroottree().docinfo.standalone
            else:
                ns = ns_of(self._book.workbook_root.tag) or NS_MAIN
                root = etree.fromstring(MIN_STYLES.format(ns=ns).encode())
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
            self._styles = Styles(root)
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
        ns = ns_of(ct.tag) or NS_CT
        for o in ct:
            if local(o.tag) == "Override" and o.get("PartName") == part_name:
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
            if local(o.tag) == "Override" and pn.lower().endswith("/calcchain.xml"):
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
        for i, line in enumerate(prepared):
            r = row + i
            for j, pv in enumerate(line):
                if pv.kind != "keep":
                    self._write_cell(sh, r, col + j, pv, fmt_ids.get(j) if pv.kind == "num" else None)
        if sh.formula_removed:
            self._drop_calc_chain()

    def _write_cell(self, sh: _Sheet, r: int, c: int, pv: _Prepared, fmt_id: int | None) -> None:
        """One cell: its old value (and formula) out, the new one in, its own style kept — only
        the number format changes, for a date or where the block asks for one."""
        cell = sh.cell(r, c, create=pv.kind != "clear")
        if cell is None:
            return
        q = sh.q
        sh.dirty = self._cells_written = True
        for child in list(cell):
            if child.tag == q("f"):
                sh.remove_formula(r, c, child)
            elif child.tag in (q("v"), q("is")):
                cell.remove(child)
        for a in ("t", "cm", "vm"):
            if a in cell.attrib:
                del cell.attrib[a]
        if pv.kind == "clear":
            return
        sh.widen(r, c, r, c)
        if pv.kind == "str":
            cell.set("t", "inlineStr")
            is_el = etree.Element(q("is"))
            t_el = etree.SubElement(is_el, q("t"))
            t_el.text = pv.text
            if pv.preserve:
                t_el.set(f"{{{NS_XML}}}space", "preserve")
            cell.insert(0, is_el)
            return
        if pv.kind == "bool":
            cell.set("t", "b")
        v_el = etree.Element(q("v"))
        v_el.text = pv.text
        cell.insert(0, v_el)
        if pv.kind == "date":
            styles = self._get_styles()
            s = _int(cell.get("s"))
            if not styles.is_date(s):
                _set_style(cell, styles.with_fmt(s, FMT_DATETIME if pv.has_time else FMT_DATE))
        elif fmt_id is not None:
            _set_style(cell, self._get_styles().with_fmt(_int(cell.get("s")), fmt_id))

    def add_sheet(self, name: str) -> None:
        """Append an empty worksheet; set_block may then target it."""
        _check_sheet_name(name, [s.name for s in self._book.sheets])
        book = self._book
        wb = book.workbook_root
        ns = ns_of(wb.tag) or NS_MAIN
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
                if k.startswith("{") and local(k) == "id":
                    rel_ns = ns_of(k)
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
        self._sheets[part] = _Sheet(part, etree.fromstring(xml, PARSER), True)
        ref = SheetRef(name, part, rel_type, sheet_id)
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
            out[self._styles_part or "xl/styles.xml"] = serialize(self._styles.root, self._styles_standalone)
        if self._dirty_workbook:
            out[self._book.workbook_part] = serialize(
                self._book.workbook_root, self._book.workbook_root.getroottree().docinfo.standalone
            )
        if self._dirty_rels:
            out[self._book.workbook_rels_part] = serialize(
                self._book.rels_root, self._book.rels_root.getroottree().docinfo.standalone
            )
        if self._dirty_ct:
            out["[Content_Types].xml"] = serialize(self._book.ct_root, self._book.ct_root.getroottree().docinfo.standalone)
        return out

    def _ask_full_calc_on_load(self) -> None:
        """Set ``<calcPr fullCalcOnLoad="1"/>``: spreadsheet apps recompute every formula on open.

        The cells we write feed the user's own formulas (a 合计 beside the table, a reference from
        another sheet) whose cached values are now stale. Excel and WPS recalculate on open when
        asked. LibreOffice ignores the flag: it recalculates an .xlsx on load only when its option
        工具 → 选项 → LibreOffice Calc → 公式 → 文件加载时重新计算 (Excel 2007 及更高版本) is set
        to 总是重新计算; its default is 从不重新计算 (README says so to users).
        """
        wb = self._book.workbook_root
        ns = ns_of(wb.tag)
        tag = f"{{{ns}}}calcPr" if ns else "calcPr"
        calc = wb.find(tag)
        if calc is None:
            calc = etree.Element(tag)
            main = [ch for ch in wb if isinstance(ch.tag, str) and ns_of(ch.tag) == ns]
            before = [ch for ch in main if local(ch.tag) in _BEFORE_CALCPR]
            after = [ch for ch in main if local(ch.tag) in _AFTER_CALCPR]
            if before:
                before[-1].addnext(calc)
            elif after:
                after[0].addprevious(calc)
            else:
                wb.append(calc)
        elif calc.get("fullCalcOnLoad") in ("1", "true"):
            return  # already asked: workbook.xml stays byte-identical
        calc.set("fullCalcOnLoad", "1")
        self._dirty_workbook = True

    def save(self, dst: str | os.PathLike[str]) -> None:
        """Write the patched workbook atomically to ``dst`` (which may be the source path).

        When cells were written, the workbook also asks for a full recalculation on open.
        """
        if self._cells_written:
            self._ask_full_calc_on_load()
        rendered = self._rendered()
        slow = _test_delay()
        with atomic_output(dst, suffix=".xlsx") as tmp:  # an OSError while writing becomes a Chinese OutputError there
            self._write_zip(tmp, rendered, slow)

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
                        zi = clone_info(info)
                        zi.compress_type = zipfile.ZIP_DEFLATED
                        zout.writestr(zi, rendered.pop(name), compresslevel=6)
                    else:
                        copy_raw(zout, info, self._reader.raw(info))
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


def _test_delay() -> float:
    """XLPERF_TEST_SLOW_SAVE=<seconds>: sleep midway through a save (tests kill the process there)."""
    raw = os.environ.get("XLPERF_TEST_SLOW_SAVE")
    if not raw:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 0.0

