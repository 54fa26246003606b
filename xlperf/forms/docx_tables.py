"""The tables of a Word (.docx) document as grids: merged cells (gridSpan, vMerge), rows that start
after skipped grid columns (gridBefore), cells in content controls, and a table that continues on
the next page as a second table.

Hand-written over the XML on purpose: python-docx's ``row.cells`` drops gridBefore columns (the row
shifts left) and costs about six times as much. The package is opened with the workbook's guards
(:func:`xlperf.ooxml.inspect.open_container`): declared and real sizes and ratios capped, no
DOCTYPE/ENTITY, and only the main document part is ever inflated (python-docx would load every
part whole first), and that part may hold at most :data:`MAX_WORD_ELEMENTS` elements (counted on
its bytes before the tree is built). The tables together may hold at most :data:`MAX_GRID_CELLS`
cells (rows × widest row), counted from the spans before any row is built, so a small document
claiming millions of merged cells is refused before it takes the memory.
"""

from __future__ import annotations

from pathlib import Path

from xlperf.core.errors import InputError, XCode
from xlperf.core.grid import header_key
from xlperf.forms.table import Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_START_LABELS = ("项目名称", "项目支出名称", "部门名称", "单位名称")


# The main part is read into one lxml tree (~170 bytes and ~1 µs an element): at most this many
# elements (~85 MB, about half a second). The shipped report templates hold 2 700 for 100 KB of
# XML and a few pages; this is room for several hundred pages with their tables.
MAX_WORD_ELEMENTS = 500_000

_UNREADABLE = "无法读取这个 Word 文档，文件可能已损坏，或不是 .docx 格式。请用 Word/WPS 打开后另存为 .docx 再试"


class _TooManyCells(Exception):
    def __init__(self, rows: int, cols: int) -> None:
        super().__init__(rows, cols)
        self.rows, self.cols = rows, cols


class _ElementCount:
    """Counts the elements of a part chunk by chunk (start and empty tags: every "<" that does
    not start "</"; the odd comment too) and refuses it past :data:`MAX_WORD_ELEMENTS`."""

    def __init__(self, path: Path, part: str) -> None:
        self.path, self.part, self.count, self.last = path, part, 0, b""

    def __call__(self, chunk: bytes) -> None:
        # a "</" split over two chunks: the "<" ended the previous one
        self.count += chunk.count(b"<") - chunk.count(b"</") - (self.last == b"<" and chunk[:1] == b"/")
        self.last = chunk[-1:]
        if self.count > MAX_WORD_ELEMENTS:
            raise InputError(
                f"文档内容过多（{self.part} 超过 {MAX_WORD_ELEMENTS // 10000} 万个 XML 元素），疑似损坏或恶意构造，已拒绝处理",
                path=self.path,
                code=XCode.INPUT_TOO_LARGE,
            )


def _document_body(p: Path):
    """The w:body of the package's main document part, read through the package guards."""
    from xlperf.ooxml.files import read_error
    from xlperf.ooxml.inspect import checked_part, open_container
    from xlperf.ooxml.package import local, parse_bytes, resolve_target

    try:
        fp = open(p, "rb")
    except OSError as exc:
        raise read_error(p, exc) from exc
    with fp:
        if fp.read(4) != b"PK\x03\x04":
            raise InputError(_UNREADABLE, path=p, code=XCode.FORM_UNREADABLE)
        reader = open_container(p, fp)
        if "_rels/.rels" not in reader.infos:
            raise InputError(_UNREADABLE, path=p, code=XCode.FORM_UNREADABLE)
        main = ""
        for rel in parse_bytes(p, "_rels/.rels", checked_part(reader, "_rels/.rels")):
            if str(rel.get("Type", "")).endswith("/officeDocument") and rel.get("TargetMode") != "External":
                main = resolve_target("", str(rel.get("Target", "")))
                break
        if main not in reader.infos:
            raise InputError(_UNREADABLE, path=p, code=XCode.FORM_UNREADABLE)
        data = checked_part(reader, main, _ElementCount(p, main))
    root = parse_bytes(p, main, data)
    del data
    body = root.find(W + "body")
    if local(root.tag) != "document" or body is None:
        raise InputError(_UNREADABLE, path=p, code=XCode.FORM_UNREADABLE)
    return body


def word_tables(p: Path) -> list[Table]:
    from xlperf.ooxml.package import MAX_GRID_CELLS

    body = _document_body(p)
    left = MAX_GRID_CELLS  # cells the tables may still take
    xpaths = _xpaths()
    tables: list[Table] = []
    gap_text = True
    caption = ""
    preface: list[str] = []
    seen = 0  # top-level tables met so far
    for el in body.iter(W + "p", W + "tbl"):
        if any(a.tag == W + "tbl" for a in el.iterancestors()):
            continue  # inside a table: a nested table or a cell's paragraph
        if el.tag == W + "p":
            text = "".join(x.text or "" for x in el.iter(W + "t")).strip()
            if text:
                caption, gap_text = text, True
                preface = (preface + [text])[-8:]
            continue
        seen += 1
        try:
            grid, merges = _table_grid(el, xpaths, left)
        except _TooManyCells as big:
            raise InputError(
                f"文档中的第 {seen} 张表格过大（至少 {big.rows} 行 × {big.cols} 列，各表格合计超过 "
                f"{MAX_GRID_CELLS // 10000} 万个单元格），疑似损坏或恶意构造，已拒绝处理",
                path=p,
                code=XCode.INPUT_TOO_LARGE,
            ) from None
        left -= len(grid) * max(max(map(len, grid), default=0), 1)
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


def _before(tr) -> int:
    tr_pr = tr.find(W + "trPr")
    return _int(_val(tr_pr.find(W + "gridBefore") if tr_pr is not None else None, 0), 0)


_TC_PATHS = ("./w:tc", "./w:sdt/w:sdtContent/w:tc", "./w:customXml/w:tc")


def _xpaths():
    """(a row's cells, the gridSpan values of a row's cells), compiled once per reading."""
    from lxml import etree

    ns = {"w": W[1:-1]}
    cells = etree.XPath("|".join(_TC_PATHS), namespaces=ns)
    spans = etree.XPath("|".join(f"{path}/w:tcPr/w:gridSpan/@w:val" for path in _TC_PATHS), namespaces=ns)
    return cells, spans


def _check_size(tbl, xpaths, limit: int) -> None:
    """Raise :class:`_TooManyCells` as soon as rows × widest row of ``tbl`` passes ``limit``:
    counted from the spans alone (two XPath calls a row), before any text is read or any row
    is built."""
    tc_xpath, span_xpath = xpaths
    width = 1  # an empty row still costs a row
    for r, tr in enumerate(tbl.iterchildren(W + "tr"), 1):
        w = _before(tr) + len(tc_xpath(tr)) + sum(max(1, _int(v, 1)) - 1 for v in span_xpath(tr))
        width = max(width, w)
        if r * width > limit:
            raise _TooManyCells(r, width)


def _table_grid(tbl, xpaths, limit: int) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """(grid of texts with only each merge's anchor filled, merges 0-based inclusive); refused
    (:class:`_TooManyCells`) when rows × widest row would pass ``limit``."""
    _check_size(tbl, xpaths, limit)
    tc_xpath = xpaths[0]
    grid: list[list] = []
    origin: list[list] = []
    for r, tr in enumerate(tbl.iterchildren(W + "tr")):
        before = _before(tr)
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
