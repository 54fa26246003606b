"""Zip- and XML-level surgery on workbooks: read every part, edit sheet cells with lxml, write back.

Used by the hostile corpus and the fuzzer to damage good workbooks in precise ways without
going through openpyxl (which would normalise away exactly what we want to test).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def read_parts(path: str | Path) -> dict[str, bytes]:
    """Every zip member, in archive order."""
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def write_parts(path: str | Path, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    assert m, ref
    return int(m.group(2)), col_index(m.group(1))


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """{sheet name: zip part} from xl/workbook.xml and its rels."""
    wb = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {}
    for rel in rels:
        t = rel.get("Target", "")
        targets[rel.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    out = {}
    for sh in wb.iter(f"{{{NS_MAIN}}}sheet"):
        out[sh.get("name")] = targets[sh.get(f"{{{NS_R}}}id")]
    return out


class Surgery:
    """Edit a workbook's parts in memory; ``save`` writes a new zip (every other part unchanged)."""

    def __init__(self, src: str | Path):
        self.parts = read_parts(src)
        self.sheets = sheet_parts(self.parts)
        self._trees: dict[str, Any] = {}

    # --- sheets -----------------------------------------------------------------------------
    def tree(self, sheet: str) -> Any:
        part = self.sheets[sheet]
        if part not in self._trees:
            self._trees[part] = etree.fromstring(self.parts[part])
        return self._trees[part]

    def row(self, sheet: str, r: int) -> Any:
        root = self.tree(sheet)
        data = root.find(f"{{{NS_MAIN}}}sheetData")
        for el in data:
            n = int(el.get("r"))
            if n == r:
                return el
            if n > r:
                new = etree.Element(f"{{{NS_MAIN}}}row", r=str(r))
                el.addprevious(new)
                return new
        return etree.SubElement(data, f"{{{NS_MAIN}}}row", r=str(r))

    def cell(self, sheet: str, ref: str) -> Any:
        r, c = split_ref(ref)
        row = self.row(sheet, r)
        for el in row:
            cc = split_ref(el.get("r"))[1]
            if cc == c:
                return el
            if cc > c:
                new = etree.Element(f"{{{NS_MAIN}}}c", r=ref)
                el.addprevious(new)
                return new
        return etree.SubElement(row, f"{{{NS_MAIN}}}c", r=ref)

    def set(self, sheet: str, ref: str, value: Any = None, *, error: str | None = None, formula: str | None = None, cached: Any = None, style: int | None = None) -> None:
        """Set one cell: text (inline string), number, an error value, or a formula with/without a cached value."""
        c = self.cell(sheet, ref)
        for child in list(c):
            c.remove(child)
        for a in ("t", "cm", "vm"):
            c.attrib.pop(a, None)
        if style is not None:
            c.set("s", str(style))
        q = lambda n: f"{{{NS_MAIN}}}{n}"  # noqa: E731
        if error is not None:
            c.set("t", "e")
            if formula is not None:
                etree.SubElement(c, q("f")).text = formula
            etree.SubElement(c, q("v")).text = error
            return
        if formula is not None:
            etree.SubElement(c, q("f")).text = formula
            if cached is not None:
                if isinstance(cached, str):
                    c.set("t", "str")
                etree.SubElement(c, q("v")).text = str(cached)
            return
        if value is None:
            return
        if isinstance(value, str):
            c.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
            t.text = value
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        else:
            etree.SubElement(c, q("v")).text = repr(value) if isinstance(value, float) else str(value)

    def text_cells(self, sheet: str, r: int) -> dict[int, Any]:
        """{column: cell element} of one row."""
        return {split_ref(el.get("r"))[1]: el for el in self.row(sheet, r)}

    def clear_row(self, sheet: str, r: int) -> None:
        row = self.row(sheet, r)
        for el in list(row):
            row.remove(el)

    def find_label_row(self, sheet: str, label: str, col: int = 1) -> int:
        """Row whose cell in ``col`` holds ``label`` (inline strings only, as the template writes them)."""
        root = self.tree(sheet)
        for row in root.iter(f"{{{NS_MAIN}}}row"):
            for c in row:
                if split_ref(c.get("r"))[1] == col and "".join(c.itertext()) == label:
                    return int(row.get("r"))
        raise KeyError(label)

    def rename_sheet(self, old: str, new: str) -> None:
        wb = etree.fromstring(self.parts["xl/workbook.xml"])
        for sh in wb.iter(f"{{{NS_MAIN}}}sheet"):
            if sh.get("name") == old:
                sh.set("name", new)
        for dn in wb.iter(f"{{{NS_MAIN}}}definedName"):
            if dn.text:
                dn.text = dn.text.replace(f"'{old}'!", f"'{new}'!")
        self.parts["xl/workbook.xml"] = XML_DECL + etree.tostring(wb, encoding="UTF-8")
        self.sheets[new] = self.sheets.pop(old)

    def delete_sheet(self, name: str) -> None:
        """Drop a worksheet: its part, its relationship, its content-type override and its defined names."""
        part = self.sheets.pop(name)
        wb = etree.fromstring(self.parts["xl/workbook.xml"])
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        idx = None
        for i, sh in enumerate(list(wb.iter(f"{{{NS_MAIN}}}sheet"))):
            if sh.get("name") == name:
                rid = sh.get(f"{{{NS_R}}}id")
                sh.getparent().remove(sh)
                idx = i
                for rel in list(rels):
                    if rel.get("Id") == rid:
                        rels.remove(rel)
        for dn in list(wb.iter(f"{{{NS_MAIN}}}definedName")):
            if dn.get("localSheetId") is not None:
                lid = int(dn.get("localSheetId"))
                if lid == idx:
                    dn.getparent().remove(dn)
                elif idx is not None and lid > idx:
                    dn.set("localSheetId", str(lid - 1))
            elif dn.text and f"'{name}'!" in dn.text:
                dn.getparent().remove(dn)
        names = wb.find(f"{{{NS_MAIN}}}definedNames")
        if names is not None and len(names) == 0:
            wb.remove(names)
        for view in wb.iter(f"{{{NS_MAIN}}}workbookView"):
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        self.parts["xl/workbook.xml"] = XML_DECL + etree.tostring(wb, encoding="UTF-8")
        self.parts["xl/_rels/workbook.xml.rels"] = XML_DECL + etree.tostring(rels, encoding="UTF-8")
        ct = etree.fromstring(self.parts["[Content_Types].xml"])
        for o in list(ct):
            if o.get("PartName") == "/" + part:
                ct.remove(o)
        self.parts["[Content_Types].xml"] = XML_DECL + etree.tostring(ct, encoding="UTF-8")
        rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        for p in (part, rels_part):
            self.parts.pop(p, None)
        self._trees.pop(part, None)

    # --- other parts ------------------------------------------------------------------------
    def edit_xml(self, part: str, fn: Callable[[Any], None]) -> None:
        root = etree.fromstring(self.parts[part])
        fn(root)
        self.parts[part] = XML_DECL + etree.tostring(root, encoding="UTF-8")

    def add_rel(self, rels_part: str, rid: str, rel_type: str, target: str) -> None:
        def add(root: Any) -> None:
            el = etree.SubElement(root, f"{{{NS_PKG}}}Relationship")
            el.set("Id", rid)
            el.set("Type", rel_type)
            el.set("Target", target)

        if rels_part not in self.parts:
            self.parts[rels_part] = XML_DECL + f'<Relationships xmlns="{NS_PKG}"/>'.encode()
        self.edit_xml(rels_part, add)

    def add_override(self, part_name: str, content_type: str) -> None:
        def add(root: Any) -> None:
            el = etree.SubElement(root, f"{{{NS_CT}}}Override")
            el.set("PartName", part_name)
            el.set("ContentType", content_type)

        self.edit_xml("[Content_Types].xml", add)

    def add_default(self, ext: str, content_type: str) -> None:
        def add(root: Any) -> None:
            if any(d.get("Extension") == ext for d in root):
                return
            el = etree.Element(f"{{{NS_CT}}}Default")
            el.set("Extension", ext)
            el.set("ContentType", content_type)
            root.insert(0, el)

        self.edit_xml("[Content_Types].xml", add)

    def render(self) -> dict[str, bytes]:
        out = dict(self.parts)
        for part, root in self._trees.items():
            out[part] = XML_DECL + etree.tostring(root, encoding="UTF-8")
        return out

    def save(self, dst: str | Path) -> Path:
        return write_parts(dst, self.render())
