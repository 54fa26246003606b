"""The tables of a Word (.docx) document as grids: merged cells (gridSpan, vMerge), rows that start
after skipped grid columns (gridBefore), cells in content controls, and a table that continues on
the next page as a second table.

Hand-written over the XML on purpose: python-docx's ``row.cells`` drops gridBefore columns (the row
shifts left) and costs about six times as much; we still open the document with python-docx.
"""

from __future__ import annotations

from pathlib import Path

from xlperf.core.errors import InputError
from xlperf.core.grid import header_key
from xlperf.forms.table import E_FORM_UNREADABLE, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_START_LABELS = ("项目名称", "项目支出名称", "部门名称", "单位名称")


def word_tables(p: Path) -> list[Table]:
    try:
        import docx

        body = docx.Document(str(p)).element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises several types for a bad package
        raise InputError("无法读取这个 Word 文档，文件可能已损坏，或不是 .docx 格式。请用 Word/WPS 打开后另存为 .docx 再试", path=p, code=E_FORM_UNREADABLE) from exc
    from lxml import etree

    tc_xpath = etree.XPath("./w:tc|./w:sdt/w:sdtContent/w:tc|./w:customXml/w:tc", namespaces={"w": W[1:-1]})
    tables: list[Table] = []
    gap_text = True
    caption = ""
    preface: list[str] = []
    for el in body.iter(W + "p", W + "tbl"):
        if any(a.tag == W + "tbl" for a in el.iterancestors()):
            continue  # inside a table: a nested table or a cell's paragraph
        if el.tag == W + "p":
            text = "".join(x.text or "" for x in el.iter(W + "t")).strip()
            if text:
                caption, gap_text = text, True
                preface = (preface + [text])[-8:]
            continue
        grid, merges = _table_grid(el, tc_xpath)
        if not grid:
            continue
        if tables and not gap_text and not _starts_a_form(grid):
            _append(tables[-1], grid, merges)  # the same table, continued after a page break
        else:
            tables.append(Table(name=f"表{len(tables) + 1}", grid=grid, merges=merges, caption=caption, preface=preface))
        gap_text = False
        preface = []
    return tables


def _starts_a_form(grid: list[list]) -> bool:
    return any(header_key(v) in _START_LABELS for row in grid[:4] for v in row if isinstance(v, str))


def _append(table: Table, grid: list[list], merges: list[tuple[int, int, int, int]]) -> None:
    off = len(table.grid)
    table.grid.extend(grid)
    table.merges.extend((r0 + off, c0, r1 + off, c1) for r0, c0, r1, c1 in merges)


def _val(el, default=None):
    return el.get(W + "val", default) if el is not None else default


def _tc_text(tc) -> str:
    """Direct paragraphs of a cell (nested tables left out); w:tab -> tab, w:br -> line break."""
    out = []
    for p in tc.iterchildren(W + "p"):
        buf = []
        for el in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
            if el.tag == W + "t":
                buf.append(el.text or "")
            else:
                buf.append("\t" if el.tag == W + "tab" else "\n")
        out.append("".join(buf))
    return "\n".join(out).strip()


def _int(value, default: int) -> int:
    try:
        return max(0, min(int(value), 200))
    except (TypeError, ValueError):
        return default


def _table_grid(tbl, tc_xpath) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """(grid of texts with only each merge's anchor filled, merges 0-based inclusive)."""
    grid: list[list] = []
    origin: list[list] = []
    for r, tr in enumerate(tbl.iterchildren(W + "tr")):
        tr_pr = tr.find(W + "trPr")
        before = _int(_val(tr_pr.find(W + "gridBefore") if tr_pr is not None else None, 0), 0)
        row: list = [None] * before
        orow: list = [None] * before
        for tc in tc_xpath(tr):
            tc_pr = tc.find(W + "tcPr")
            span, vm = 1, None
            if tc_pr is not None:
                span = max(1, _int(_val(tc_pr.find(W + "gridSpan"), 1), 1))
                v = tc_pr.find(W + "vMerge")
                if v is not None:
                    vm = v.get(W + "val", "continue")
            c = len(row)
            if vm == "continue" and r and c < len(origin[r - 1]) and origin[r - 1][c] is not None:
                o, text = origin[r - 1][c], None
            else:
                o, text = (r, c), _tc_text(tc) or None
            row.extend([text] + [None] * (span - 1))
            orow.extend([o] * span)
        grid.append(row)
        origin.append(orow)
    spans: dict[tuple[int, int], list[int]] = {}
    for r, orow in enumerate(origin):
        for c, o in enumerate(orow):
            if o is None:
                continue
            m = spans.setdefault(o, [o[0], o[1], r, c])
            m[2], m[3] = max(m[2], r), max(m[3], c)
    merges = sorted((a, b, c, d) for a, b, c, d in spans.values() if (a, b) != (c, d))
    return grid, merges
