"""The 汇总表 of a batch: one small record per workbook, written as a styled Excel workbook or CSV.

A :class:`SummaryRecord` is what a batch worker sends back to the main process: the summary
fields and the list of findings, never the whole evaluation, so memory stays flat however
many workbooks a bureau checks. Amounts are normalised to 万元.

Every text cell is written as text, never as a formula: units copy cells such as
``=HYPERLINK(...)`` into 存在问题, and a summary must not run them. openpyxl and pandas are
imported inside the functions so that ``import xlperf`` stays light.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Iterable

# --- the record ---------------------------------------------------------------------------------

STATUS_OK = "成功"
STATUS_ERRORS = "有错误"
STATUS_FAILED = "失败"
STATUS_PENDING = "待定"  # the total and grade are withheld: not counted in the grade totals
HANDLED_NEW = "本次生成"
HANDLED_REUSED = "未变更跳过"
HANDLED_CHECK = "仅校验"
HANDLED_FAILED = "未完成"  # the workbook could not be read or its report not written: nothing was made

GRADES = ("优", "良", "中", "差")

# What the 状态 column says to readers: the work is 完成, its total 待定, or there is an 错误
# (findings of level 错误, or a workbook that could not be read: 错误信息 says which).
STATUS_DISPLAY = {STATUS_OK: "完成", STATUS_PENDING: "待定", STATUS_ERRORS: "错误", STATUS_FAILED: "错误"}


def display_status(status: str) -> str:
    return STATUS_DISPLAY.get(status, status)

# Columns of the 汇总 sheet, the DataFrame and the CSV, in order.
COLUMNS = (
    "文件",
    "项目名称",
    "主管部门",
    "实施单位",
    "评价类型",
    "全年预算数",
    "全年执行数",
    "执行率",
    "总分",
    "等级",
    "错误数",
    "警告数",
    "报告文件",
    "状态",
    "处理",
    "错误信息",
)
FINDING_COLUMNS = ("文件", "级别", "位置", "规则", "说明")
# The SummaryRecord attribute each column shows.
COLUMN_FIELDS = {
    "文件": "file",
    "项目名称": "project",
    "主管部门": "department",
    "实施单位": "unit",
    "评价类型": "evaluation_type",
    "全年预算数": "budget",
    "全年执行数": "executed",
    "执行率": "execution_rate",
    "总分": "total_score",
    "等级": "grade",
    "错误数": "error_count",
    "警告数": "warning_count",
    "报告文件": "report",
    "状态": "status",
    "处理": "handled",
    "错误信息": "error_message",
}


@dataclass
class SummaryRecord:
    """One workbook in the 汇总表 (its column in :data:`COLUMN_FIELDS`). Amounts in 万元,
    ``execution_rate`` as a fraction (0.9332 = 93.32%)."""

    file: str  # 文件
    project: str = ""  # 项目名称
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    evaluation_type: str = ""  # 评价类型
    budget: float | None = None  # 全年预算数
    executed: float | None = None  # 全年执行数
    execution_rate: float | None = None  # 执行率
    total_score: float | None = None  # 总分
    grade: str = ""  # 等级
    error_count: int = 0  # 错误数
    warning_count: int = 0  # 警告数
    report: str = ""  # 报告文件: the main report, relative to the output folder (the hyperlink target)
    status: str = STATUS_OK  # 状态: 成功 / 有错误 / 失败
    handled: str = HANDLED_NEW  # 处理: 本次生成 / 未变更跳过 / 仅校验 / 未完成
    error_message: str = ""  # 错误信息
    findings: list[dict[str, str]] = field(default_factory=list)  # rows of FINDING_COLUMNS
    outputs: list[str] = field(default_factory=list)  # every output file name (relative to the output folder)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SummaryRecord":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def failed(self) -> bool:
        return self.status == STATUS_FAILED

    @property
    def has_errors(self) -> bool:
        return self.status in (STATUS_ERRORS, STATUS_PENDING)


def to_wan(value: float | None, unit: str) -> float | None:
    """An amount in the workbook's unit (万元 or 元) -> 万元, rounded to 6 places."""
    if value is None:
        return None
    if (unit or "万元").strip() == "元":
        return round(value / 10000.0, 6)
    return round(float(value), 6)


def status_of(errors: int) -> str:
    return STATUS_ERRORS if errors else STATUS_OK


def record_from_evaluation(ev: Any, file: str, *, report: str = "", outputs: Sequence[str] = ()) -> SummaryRecord:
    """The summary fields and findings of one scored workbook (an :class:`xlperf.core.models.Evaluation`)."""
    info = ev.input.info
    b = ev.budget
    unit = b.unit or info.amount_unit or "万元"
    errors = len(ev.errors)
    return SummaryRecord(
        file=file,
        project=info.name,
        department=info.department,
        unit=info.unit,
        evaluation_type=info.evaluation_type,
        budget=to_wan(b.full_year, unit),
        executed=to_wan(b.executed, unit),
        execution_rate=b.execution_rate,
        total_score=ev.total_score,
        grade=ev.grade_text,
        error_count=errors,
        warning_count=len(ev.warnings),
        report=report,
        status=STATUS_PENDING if not ev.final else status_of(errors),
        findings=[
            {"文件": file, "级别": f.severity, "位置": f.location, "规则": f.code, "说明": f.message}
            for f in ev.findings
        ],
        outputs=list(outputs),
    )


def failed_record(file: str, message: str) -> SummaryRecord:
    return SummaryRecord(file=file, status=STATUS_FAILED, handled=HANDLED_FAILED, error_message=message)


def sort_records(records: Iterable[SummaryRecord]) -> list[SummaryRecord]:
    """By 主管部门 (blank last), then 总分 descending (no score last), then file."""

    def key(r: SummaryRecord) -> tuple:
        dept = r.department or ""
        return (dept == "", dept, r.total_score is None, -(r.total_score or 0.0), r.file)

    return sorted(records, key=key)


class _Brief:
    """What the 汇总表 and the end of a run need of a stored record, without its findings."""

    __slots__ = (
        "file", "department", "total_score", "status", "grade", "budget", "executed", "error_count", "warning_count",
        "handled", "error_message", "has_findings", "at", "size",
    )

    failed = SummaryRecord.failed
    has_errors = SummaryRecord.has_errors


class RecordStore(Sequence):
    """The records of a batch, each pickled to a temporary file as it comes, with only a
    :class:`_Brief` of it in memory (what sorts, totals and counts the records): the main
    process stays the same size however many workbooks a bureau checks. A record is read back
    when asked for; the file goes away with the store.
    """

    def __init__(self) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile(prefix="xlperf-records-")
        self._end = 0
        self._briefs: list[_Brief] = []
        self._suffixes: set[str] = set()
        self._words: dict[str, str] = {}  # one copy of each department, grade … string

    def append(self, rec: SummaryRecord) -> None:
        import pickle

        data = vars(rec)
        blob = pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(blob)
        b = _Brief()
        word = self._words.setdefault
        b.file, b.total_score, b.budget, b.executed = rec.file, rec.total_score, rec.budget, rec.executed
        b.department, b.status, b.grade, b.handled = word(rec.department, rec.department), word(rec.status, rec.status), word(rec.grade, rec.grade), word(rec.handled, rec.handled)
        b.error_count, b.warning_count, b.error_message, b.has_findings = rec.error_count, rec.warning_count, word(rec.error_message, rec.error_message) if len(rec.error_message) < 40 else rec.error_message, bool(rec.findings)
        b.at, b.size = self._end, len(blob)
        self._end += len(blob)
        self._briefs.append(b)
        self._suffixes.update(_other_suffixes(rec))

    def load(self, brief: _Brief) -> SummaryRecord:
        import pickle

        self._file.seek(brief.at)
        return SummaryRecord(**pickle.loads(self._file.read(brief.size)))

    @property
    def briefs(self) -> list[_Brief]:
        return self._briefs

    def sorted_briefs(self) -> list[_Brief]:
        return sort_records(self._briefs)

    def link_suffixes(self) -> list[str]:
        """As :func:`_link_columns` over every record."""
        return _ordered_suffixes(self._suffixes)

    def __len__(self) -> int:
        return len(self._briefs)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self.load(b) for b in self._briefs[i]]
        return self.load(self._briefs[i])

    def __iter__(self):
        for b in self._briefs:
            yield self.load(b)

    def close(self) -> None:
        self._file.close()


# --- safe text ----------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_PREFIXES = ("=", "+", "-", "@")


def clean_text(value: str) -> str:
    """Drop characters XML cannot hold and cut to Excel's cell limit."""
    from xlperf.core.values import fit_cell

    return fit_cell(_ILLEGAL_XML.sub("", value))


def put(ws, row: int, col: int, value: Any):
    """Write one cell; a string always becomes a text cell, whatever it starts with."""
    c = ws.cell(row=row, column=col)
    if isinstance(value, str):
        c.value = clean_text(value)
        c.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    else:
        c.value = value
    return c


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES + ("\t", "\r")):
        return "'" + value
    return value


# --- the workbook -------------------------------------------------------------------------------

HEADER_FILL = "FFDDEBF7"
BORDER_COLOR = "FFA6A6A6"
GRADE_FILLS = {"优": "FFC6EFCE", "良": "FFBDD7EE", "中": "FFFFEB9C", "差": "FFFFC7CE"}
LOW_RATE_FILL = "FFF8CBAD"  # orange: 执行率 < 100%
FONT_NAME = "宋体"

WIDTHS = {
    "文件": 24,
    "项目名称": 30,
    "主管部门": 18,
    "实施单位": 20,
    "评价类型": 12,
    "全年预算数": 13,
    "全年执行数": 13,
    "执行率": 10,
    "总分": 9,
    "等级": 7,
    "错误数": 8,
    "警告数": 8,
    "报告文件": 26,
    "状态": 9,
    "处理": 11,
    "错误信息": 32,
}
NUMBER_FORMATS = {"全年预算数": "0.00", "全年执行数": "0.00", "执行率": "0.00%", "总分": "0.00"}
HEADER_NOTES = {"全年预算数": "全年预算数（万元）", "全年执行数": "全年执行数（万元）"}

SHEET_SUMMARY = "汇总"
SHEET_DEPARTMENTS = "按主管部门"
SHEET_FINDINGS = "全部问题"
DEPARTMENT_COLUMNS = ("主管部门", "工作簿数", "优", "良", "中", "差", "待定", "平均分", "有错误", "失败")
TOTAL_LABEL = "合计/平均"
SUMMARY_TITLE = "绩效自评汇总表"
FORMAT_NAMES = {".docx": "Word", ".pdf": "PDF", ".md": "Markdown", ".html": "HTML", ".xlsx": "自评表"}
NO_DEPARTMENT = "（未填写主管部门）"


class _Look:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.wrap = Alignment(vertical="top", wrap_text=True)

        side = Side(style="thin", color=BORDER_COLOR)
        self.border = Border(left=side, right=side, top=side, bottom=side)
        self.header_font = Font(name=FONT_NAME, bold=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.link_font = Font(name=FONT_NAME, color="FF0563C1", underline="single")
        self.body_font = Font(name=FONT_NAME)
        self.total_font = Font(name=FONT_NAME, bold=True)
        self.total_fill = PatternFill("solid", fgColor="FFF2F2F2")


def _cell(ws, value: Any, *, font=None, fill=None, border=None, align=None, fmt: str | None = None):
    """A write-only cell; text is always text (never a formula), whatever it starts with."""
    from copy import copy

    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        c = WriteOnlyCell(ws, value=clean_text(value))
        c.data_type = "s"
    else:
        c = WriteOnlyCell(ws, value=value)
    # openpyxl hashes every style object on each assignment (most of the time spent writing a
    # large 汇总表); the resulting style indices are the same for every cell with the same look,
    # so they are set once per workbook and copied, the way openpyxl itself copies a cell's style.
    looks = ws.parent.__dict__.setdefault("_xlperf_looks", {})
    key = (id(font), id(fill), id(border), id(align), fmt)
    style = looks.get(key)
    if style is not None:
        c._style = copy(style)
        return c
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    if align is not None:
        c.alignment = align
    if fmt is not None:
        c.number_format = fmt
    looks[key] = copy(c._style)
    return c


def _printable(ws) -> None:
    """A4 landscape, all columns on one page width, the header row on every page, page numbers."""
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.center.text = f"{SUMMARY_TITLE}（{ws.title}）"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _start_sheet(ws, headers: Sequence[str], widths: Sequence[float], look: _Look, *, fast: bool = False) -> "_Rows":
    """Settings a streamed sheet writes before its rows (print setup, panes, widths), then the
    header row; returns what appends the other rows (``fast``: see :class:`_RowWriter`)."""
    _printable(ws)
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[_col(i)].width = w
    ws.row_dimensions[1].height = 30
    writer = _RowWriter.start(ws) if fast else None
    ws.append([_cell(ws, h, font=look.header_font, fill=look.header_fill, border=look.border, align=look.header_align) for h in headers])
    return _Rows(ws, writer)


class _Rows:
    """Appends rows given as (value, style, link) per column: style is a (font, fill, border,
    alignment, number format) tuple made once per sheet, link None or (target, link font)."""

    def __init__(self, ws, writer: "_RowWriter | None") -> None:
        self.ws, self.writer = ws, writer

    def append(self, row: Sequence[tuple[Any, tuple, tuple | None]]) -> None:
        if self.writer is None:
            self.ws.append([self._make(value, style, link) for value, style, link in row])
        else:
            self.writer.add(row, self._make)

    def _make(self, value: Any, style: tuple, link: tuple | None):
        font, fill, border, align, fmt = style
        c = _cell(self.ws, value, font=font, fill=fill, border=border, align=align, fmt=fmt)
        if link:
            c.hyperlink = _link_target(link[0])
            c.font = link[1]
        return c

    def close(self) -> None:
        if self.writer is not None:
            self.writer.finish()
        else:
            self.ws.close()


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _link_target(report: str) -> str:
    """A relative hyperlink target (forward slashes work in Excel and WPS on every system)."""
    return report.replace(os.sep, "/")


def write_summary_xlsx(records: Iterable[SummaryRecord], path: str | Path) -> Path:
    """Write the 汇总表 (sheets 汇总, 按主管部门, 全部问题) to ``path``, atomically.

    Streamed (openpyxl write-only, the long sheets' rows by :class:`_RowWriter`): memory does
    not grow with the number of rows. ``records`` may be a :class:`RecordStore`, whose records
    stay on disk: only the few fields that sort and total them are in memory. The folder
    must exist; the file is written to a temporary name beside it and moved into place, so an
    interrupted run never leaves half a workbook. Raises OutputError when the file cannot be
    replaced (open in Excel/WPS, read-only).
    """
    from openpyxl import Workbook

    rows, full = _in_order(records)
    links = records.link_suffixes() if isinstance(records, RecordStore) else _link_columns(rows)
    look = _Look()
    wb = Workbook(write_only=True)
    sheets = []
    _summary_sheet(wb.create_sheet(SHEET_SUMMARY), rows, look, links, full, sheets)
    _department_sheet(wb.create_sheet(SHEET_DEPARTMENTS), rows, look, sheets)
    _findings_sheet(wb.create_sheet(SHEET_FINDINGS), rows, look, full, sheets)
    wb.properties.title = "绩效自评汇总表"
    wb.properties.creator = "xlperf"
    wb.properties.language = "zh-CN"
    for sheet in sheets:
        sheet.close()
    target = Path(path)
    _save_atomic(wb, target)
    return target


def _in_order(records: Iterable[SummaryRecord]) -> tuple[Sequence[Any], Any]:
    """(rows in the 汇总表's order, what makes a full record of a row): a RecordStore's sorted
    briefs and its loader, or the records themselves, sorted."""
    if isinstance(records, RecordStore):
        return records.sorted_briefs(), records.load
    return sort_records(records), _same


def _same(rec: Any) -> Any:
    return rec


def _save_atomic(wb, target: Path) -> None:
    from xlperf.ooxml import atomic_output

    with atomic_output(target) as tmp:
        streamed = wb.__dict__.pop("_streamed_parts", None)
        if not streamed:
            wb.save(str(tmp))
            return
        import datetime
        import zipfile

        from openpyxl.writer.excel import ExcelWriter

        # openpyxl's save_workbook, with an archive that writes the hyperlinks' relationships streamed
        with _archive_class()(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True, streamed=streamed) as archive:
            wb.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
            ExcelWriter(wb, archive).save()


@functools.cache
def _link_rels_class():
    from openpyxl.packaging.relationship import Relationship, RelationshipList
    from openpyxl.xml.constants import PKG_REL_NS
    from openpyxl.xml.functions import Element, tostring

    class LinkRels(RelationshipList):
        """A sheet's relationships with its hyperlinks kept as targets until the part is written
        (by the archive of :func:`_archive_class`, from :meth:`chunks`): openpyxl would hold a
        Relationship object and an element per link at once, ~1.3 KB per row of the 汇总表 —
        most of what the main process of a batch grew by with the number of workbooks."""

        def __init__(self, others, targets: list[str]) -> None:
            super().__init__()
            self.extend(others)  # they keep their ids; the hyperlinks come after them
            self.before = len(others)
            self.targets = targets
            self.marker = tostring(self.to_tree())

        def __len__(self) -> int:  # ids of relationships appended later count the hyperlinks
            return len(self.targets) + super().__len__()

        def to_tree(self):  # what ExcelWriter writes: a marker the archive replaces
            return Element("Relationships", {"streamed": str(id(self))})

        def chunks(self):
            """The part as openpyxl writes it, in the order the relationships were added."""
            rels = list(list.__iter__(self))
            yield f'<Relationships xmlns="{PKG_REL_NS}">'.encode()
            for rel in rels[: self.before]:
                yield tostring(rel.to_tree())
            for i, target in enumerate(self.targets, start=self.before + 1):
                yield tostring(Relationship(type="hyperlink", TargetMode="External", Target=target, Id=f"rId{i}").to_tree())
            for rel in rels[self.before :]:
                yield tostring(rel.to_tree())
            yield b"</Relationships>"

    return LinkRels


@functools.cache
def _archive_class():
    import time
    import zipfile

    class Archive(zipfile.ZipFile):
        """openpyxl's archive; a part given as the marker of a LinkRels is written from its
        chunks, into the same zip entry writestr would make."""

        def __init__(self, *args, streamed: dict[bytes, Any], **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.streamed = streamed  # marker bytes -> LinkRels

        def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
            rels = self.streamed.pop(data, None) if isinstance(data, bytes) and isinstance(zinfo_or_arcname, str) else None
            if rels is None:
                return super().writestr(zinfo_or_arcname, data, *args, **kwargs)
            zinfo = zipfile.ZipInfo(zinfo_or_arcname, date_time=time.localtime(time.time())[:6])
            zinfo.compress_type = self.compression
            zinfo._compresslevel = self.compresslevel
            zinfo.external_attr = 0o600 << 16
            with self.open(zinfo, "w") as fh:
                for chunk in rels.chunks():
                    fh.write(chunk)

    return Archive

def _link_columns(rows: Sequence[SummaryRecord]) -> list[str]:
    """The report formats produced besides each record's main report, as file suffixes in order."""
    return _ordered_suffixes({suffix for rec in rows for suffix in _other_suffixes(rec)})


def _other_suffixes(rec: SummaryRecord) -> set[str]:
    """The file suffixes of a record's outputs besides its main report."""
    main = Path(rec.report).suffix.lower() if rec.report else ""
    return {s for s in (Path(name).suffix.lower() for name in rec.outputs) if s != main}


def _ordered_suffixes(suffixes: Iterable[str]) -> list[str]:
    order = list(FORMAT_NAMES)
    return sorted(set(suffixes), key=lambda x: (order.index(x) if x in order else len(order), x))


def _link_header(suffix: str) -> str:
    return f"报告（{FORMAT_NAMES.get(suffix, suffix.lstrip('.'))}）"


def _summary_sheet(ws, rows: Sequence[Any], look: _Look, links: list[str], full, sheets: list) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    headers = [HEADER_NOTES.get(c, c) for c in COLUMNS] + [_link_header(x) for x in links]
    out = _start_sheet(ws, headers, [WIDTHS[c] for c in COLUMNS] + [20] * len(links), look, fast=True)
    sheets.append(out)
    styles = [(look.body_font, None, look.border, look.wrap if name == "错误信息" else None, NUMBER_FORMATS.get(name)) for name in COLUMNS]
    plain = (look.body_font, None, look.border, None, None)
    for brief in rows:
        rec = full(brief)
        line = []
        for name, style in zip(COLUMNS, styles):
            value = getattr(rec, COLUMN_FIELDS[name])
            if name == "状态":
                value = display_status(value)
            link = (rec.report, look.link_font) if name == "报告文件" and rec.report else None
            line.append((value if value != "" else None, style, link))
        for suffix in links:
            target = next((n for n in rec.outputs if Path(n).suffix.lower() == suffix), "")
            line.append((target or None, plain, (target, look.link_font) if target else None))
        out.append(line)
    last = max(len(rows) + 1, 2)
    _summary_totals(out, rows, look, len(links))
    ws.auto_filter.ref = f"A1:{_col(len(headers))}{last}"
    index = {name: i for i, name in enumerate(COLUMNS, start=1)}
    grade = _col(index["等级"])
    rng = f"{grade}2:{grade}{last}"
    for g, color in GRADE_FILLS.items():
        fill = PatternFill("solid", fgColor=color, bgColor=color)
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{grade}2="{g}"'], fill=fill, stopIfTrue=True))
    rate = _col(index["执行率"])
    fill = PatternFill("solid", fgColor=LOW_RATE_FILL, bgColor=LOW_RATE_FILL)
    ws.conditional_formatting.add(
        f"{rate}2:{rate}{last}", FormulaRule(formula=[f"AND(ISNUMBER({rate}2),{rate}2<1)"], fill=fill)
    )


def summary_totals(rows: Sequence[SummaryRecord]) -> dict[str, Any]:
    """The 合计/平均 figures: sums of amounts, the overall 执行率, the average of final totals,
    the number of workbooks per grade (待定 and unreadable workbooks are in no grade) and per status."""
    ok = [r for r in rows if not r.failed]
    budget = sum(r.budget for r in ok if r.budget is not None)
    executed = sum(r.executed for r in ok if r.executed is not None)
    # the overall 执行率 is over the workbooks that have a budget and say what was spent: money
    # spent without a 全年预算数 (an E201 workbook, or one left blank) has no rate to add to
    rated = [r for r in ok if r.budget is not None and r.budget > 0 and r.executed is not None]
    rated_budget = sum(r.budget for r in rated)
    rated_executed = sum(r.executed for r in rated)
    rated_ids = {id(r) for r in rated}
    scores = [r.total_score for r in ok if r.total_score is not None and r.status != STATUS_PENDING]
    status: dict[str, int] = {}
    for r in rows:
        shown = display_status(r.status)
        status[shown] = status.get(shown, 0) + 1
    return {
        "count": len(rows),
        "budget": round(budget, 6) if ok else None,
        "executed": round(executed, 6) if ok else None,
        "rate": round(rated_executed / rated_budget, 4) if rated_budget > 0 else None,
        "unrated": sum(1 for r in ok if id(r) not in rated_ids and (r.budget or r.executed)),
        "average": round(sum(scores) / len(scores), 2) if scores else None,
        "grades": {g: sum(1 for r in ok if r.grade == g and r.status != STATUS_PENDING) for g in GRADES},
        "pending": sum(1 for r in rows if r.status == STATUS_PENDING),
        "errors": sum(r.error_count for r in rows),
        "warnings": sum(r.warning_count for r in rows),
        "status": status,
    }


def _summary_totals(out: "_Rows", rows: Sequence[Any], look: _Look, links: int = 0) -> None:
    """The 合计/平均 row and the grade counts under the records (values, never formulas)."""
    t = summary_totals(rows)
    values: dict[str, Any] = {
        "文件": TOTAL_LABEL,
        "项目名称": f"共 {t['count']} 个工作簿",
        "全年预算数": t["budget"],
        "全年执行数": t["executed"],
        "执行率": t["rate"],
        "总分": t["average"],
        "错误数": t["errors"],
        "警告数": t["warnings"],
    }
    total = {name: (look.total_font, look.total_fill, look.border, None, NUMBER_FORMATS.get(name)) for name in COLUMNS}
    blank = (None, look.total_fill, look.border, None, None)
    out.append([(values.get(name), total[name], None) for name in COLUMNS] + [(None, blank, None)] * links)
    counts = "等级：" + "，".join(f"{g} {t['grades'][g]}" for g in GRADES)
    if t["pending"]:
        counts += f"（总分待定 {t['pending']} 个，不计入等级和平均分）"
    states = "，".join(f"{k} {t['status'][k]}" for k in ("完成", "待定", "错误") if k in t["status"])
    note = f"{counts}；状态：{states}"
    if t["unrated"]:
        note += f"；合计执行率只计有全年预算数的工作簿（{t['unrated']} 个没有全年预算数或全年执行数，未计入）"
    out.append([("等级分布", (look.total_font, None, None, None, None), None), (note, (look.body_font, None, None, None, None), None)])


def department_rows(records: Sequence[SummaryRecord]) -> list[list[Any]]:
    """Per 主管部门: 工作簿数, count per grade, average score, 有错误, 失败 (in DEPARTMENT_COLUMNS order)."""
    groups: dict[str, list[SummaryRecord]] = {}
    for rec in records:
        groups.setdefault(rec.department or NO_DEPARTMENT, []).append(rec)
    out = []
    for dept in sorted(groups, key=lambda d: (d == NO_DEPARTMENT, d)):
        recs = groups[dept]
        out.append([dept, *_department_counts(recs)])
    return out


def _department_counts(recs: Sequence[SummaryRecord]) -> list[Any]:
    """工作簿数, one count per grade, 待定, 平均分, 有错误, 失败 (a 待定 total is in no grade and no average)."""
    final = [r for r in recs if not r.failed and r.status != STATUS_PENDING]
    scored = [r.total_score for r in final if r.total_score is not None]
    counts = {g: sum(1 for r in final if r.grade == g) for g in GRADES}
    avg = round(sum(scored) / len(scored), 2) if scored else None
    pending = sum(1 for r in recs if r.status == STATUS_PENDING)
    return [len(recs), *[counts[g] for g in GRADES], pending, avg, sum(1 for r in recs if r.has_errors), sum(1 for r in recs if r.failed)]


def _department_sheet(ws, rows: Sequence[Any], look: _Look, sheets: list) -> None:
    from openpyxl.chart import BarChart, Reference

    sheets.append(_start_sheet(ws, DEPARTMENT_COLUMNS, [26] + [10] * (len(DEPARTMENT_COLUMNS) - 1), look))  # a few rows: openpyxl's cells
    data = department_rows(rows)
    for values in data:
        ws.append(
            [
                _cell(ws, v, font=look.body_font, border=look.border, fmt="0.00" if DEPARTMENT_COLUMNS[i] == "平均分" else None)
                for i, v in enumerate(values)
            ]
        )
    last = len(data) + 1
    ws.append([
        _cell(ws, v, font=look.total_font, fill=look.total_fill, border=look.border, fmt="0.00" if DEPARTMENT_COLUMNS[i] == "平均分" else None)
        for i, v in enumerate(["合计", *_department_counts(rows)])
    ])
    ws.auto_filter.ref = f"A1:{_col(len(DEPARTMENT_COLUMNS))}{max(last, 2)}"

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"  # one column per 主管部门, its height the number of workbooks
    chart.overlap = 100
    chart.title = "各主管部门自评等级分布"
    chart.y_axis.title = "工作簿数"
    chart.x_axis.title = "主管部门"
    chart.y_axis.majorGridlines = None
    # series = the four grade columns (C..F), categories = departments
    graded = len([d for d in data if d[0] != NO_DEPARTMENT]) + 1  # failed-only rows have no grade
    values = Reference(ws, min_col=3, max_col=6, min_row=1, max_row=max(graded, 2))
    cats = Reference(ws, min_col=1, min_row=2, max_row=max(graded, 2))
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(cats)
    colors = ("70AD47", "5B9BD5", "FFC000", "FF0000")
    for series, color in zip(chart.series, colors):
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color
    chart.height = 9
    chart.width = max(16, min(40, 3 + 2.2 * len(data)))
    # openpyxl >= 3.1 hides axes unless told otherwise
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, f"A{last + 4}")


def _findings_sheet(ws, rows: Sequence[Any], look: _Look, full, sheets: list) -> None:
    widths = {"文件": 28, "级别": 8, "位置": 18, "规则": 10, "说明": 90}
    out = _start_sheet(ws, FINDING_COLUMNS, [widths[c] for c in FINDING_COLUMNS], look, fast=True)
    sheets.append(out)
    styles = [(look.body_font, None, None, look.wrap if name == "说明" else None, None) for name in FINDING_COLUMNS]
    n = 1
    for brief in rows:
        if not getattr(brief, "has_findings", True):
            continue  # a stored record without findings: not read back
        for f in full(brief).findings:
            out.append([(f.get(name, ""), style, None) for name, style in zip(FINDING_COLUMNS, styles)])
            n += 1
    ws.auto_filter.ref = f"A1:{_col(len(FINDING_COLUMNS))}{max(n, 2)}"


# --- fast rows ----------------------------------------------------------------------------------

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class _RowWriter:
    """The rows of a long write-only sheet as the exact XML openpyxl writes for them, but ~20×
    faster: openpyxl builds a cell object per value, hashes its style and writes it through lxml
    element by element, which made the 汇总表 most of the batch's own CPU time.

    openpyxl still writes the sheet (its header row, settings, hyperlink relations and tail);
    the rows in between are written straight into its output file. Each distinct look gets its
    style index from openpyxl once (:func:`_cell`), in the order openpyxl would register it, so
    styles.xml is unchanged. Without lxml (openpyxl then uses et_xmlfile), :meth:`start` returns
    None and the caller appends cells the ordinary way.
    """

    def __init__(self, ws, writer) -> None:
        self.ws = ws
        self.writer = writer
        self.row = 1  # the header row is openpyxl's
        self.styles: dict[tuple, int] = {}
        self.buf: list[str] = []

    @classmethod
    def start(cls, ws) -> "_RowWriter | None":
        from openpyxl import LXML

        if not LXML:
            return None
        from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
        from openpyxl.xml.constants import REL_NS, SHEET_MAIN_NS
        from openpyxl.xml.functions import xmlfile

        class Writer(WorksheetWriter):
            """openpyxl's writer on a file object whose lxml stream we can flush."""

            def __init__(self, ws) -> None:
                self.path = create_temporary_file()
                self.file = open(self.path, "wb")  # noqa: SIM115 - closed in finish()
                self.stream = None
                self.links: list[tuple[str, str]] = []  # (cell, target) of the fast rows' hyperlinks
                super().__init__(ws, out=self.file)

            def write_hyperlinks(self):
                """openpyxl's hyperlinks, written from (ref, target) pairs, their relationships
                kept as targets (see :func:`_link_rels_class`): a Hyperlink and a Relationship object per link
                and their element trees at the end held ~2 KB per row of the 汇总表 at once."""
                links, self.links = self.links, []
                if self.ws._hyperlinks or not links:  # links of openpyxl's own cells: its own way
                    from openpyxl.worksheet.hyperlink import Hyperlink

                    self.ws._hyperlinks.extend(Hyperlink(ref=ref, target=target) for ref, target in links)
                    return super().write_hyperlinks()
                first = len(self._rels) + 1
                self.stream.flush()
                self.file.write(b"<hyperlinks>")
                for i, (ref, _target) in enumerate(links, start=first):
                    self.file.write(f'<hyperlink xmlns:r="{REL_NS}" ref="{ref}" r:id="rId{i}"/>'.encode())
                self.file.write(b"</hyperlinks>")
                self._rels = _link_rels_class()(self._rels, [target for _ref, target in links])
                self.ws.parent.__dict__.setdefault("_streamed_parts", {})[self._rels.marker] = self._rels

            def get_stream(self):  # WorksheetWriter.get_stream, keeping the stream
                with xmlfile(self.out) as xf:
                    self.stream = xf
                    with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                        try:
                            while True:
                                el = yield
                                if el is True:
                                    yield xf
                                elif el is not None:
                                    xf.write(el)
                        except GeneratorExit:
                            pass

        writer = Writer(ws)
        ws._writer = writer
        writer.write_top()
        return cls(ws, writer)

    def add(self, row: Sequence[tuple[Any, tuple, tuple | None]], make) -> None:
        """One row from column A: (value, style, link) per cell, as :meth:`_Rows.append` takes it;
        ``make`` builds openpyxl's cell for a look seen for the first time."""
        from openpyxl.compat import safe_string
        from openpyxl.utils import get_column_letter

        self.row += 1
        r = self.row
        styles = self.styles
        out = [f'<row r="{r}">']
        for col, (value, style, link) in enumerate(row, start=1):
            key = (id(style), link is not None)
            sid = styles.get(key)
            if sid is None:
                sid = styles[key] = make(None, style, link).style_id
            ref = f"{get_column_letter(col)}{r}"
            s = f' s="{sid}"' if sid else ""
            if value is None:
                if sid:
                    out.append(f'<c r="{ref}"{s} t="n"></c>')
            elif isinstance(value, str):
                value = clean_text(value)[:32767]  # as _cell and openpyxl's own check
                if not value:
                    out.append(f'<c r="{ref}"{s} t="inlineStr"></c>')
                else:
                    if _NOT_XML.search(value):
                        from lxml import etree

                        etree.Element("t").text = value  # lxml's own error, as openpyxl would raise it
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value.translate(_ESCAPES)}</t></is></c>')
            else:
                kind = "b" if isinstance(value, bool) else "n"
                out.append(f'<c r="{ref}"{s} t="{kind}"><v>{safe_string(value)}</v></c>')
            if link:
                self.writer.links.append((ref, _link_target(link[0])))
        out.append("</row>")
        self.buf.append("".join(out))
        if len(self.buf) >= 200:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.writer.stream.flush()
            self.writer.file.write("".join(self.buf).encode("ascii", "xmlcharrefreplace"))
            self.buf = []

    def finish(self) -> None:
        """Close the sheet; openpyxl then stores the file it wrote."""
        self.flush()
        self.ws.close()
        self.writer.file.close()
        self.writer.out = self.writer.path


# --- pandas / CSV -------------------------------------------------------------------------------


def summary_dataframe(records: Iterable[SummaryRecord]):
    """The 汇总 rows as a pandas DataFrame, columns as in the workbook (amounts in 万元)."""
    import pandas as pd

    rows = sort_records(records)
    return pd.DataFrame([[_value(r, c) for c in COLUMNS] for r in rows], columns=list(COLUMNS))


def _value(rec: SummaryRecord, name: str) -> Any:
    value = getattr(rec, COLUMN_FIELDS[name])
    return display_status(value) if name == "状态" else value


FINDING_FRAME_COLUMNS = ("文件", "工作表", "单元格", "规则", "级别", "说明")
# what 位置 ends with after its sheet: a cell (H8) or a whole row (7:7); Loc.cell makes only these
_CELL_AT_END = re.compile(r"!([A-Z]{1,3}[0-9]+|[0-9]+:[0-9]+)$")


def split_location(location: str) -> tuple[str, str]:
    """``绩效指标!H8`` -> (``绩效指标``, ``H8``); a location without a cell is the sheet alone.

    A sheet name may itself hold ``!``: only a cell or row reference after the last one is a cell.
    """
    m = _CELL_AT_END.search(location)
    return (location[: m.start()], m.group(1)) if m else (location, "")


def findings_dataframe(records: Iterable[SummaryRecord]):
    """Every finding of every workbook as a pandas DataFrame, one row a finding (for analysts).

    Columns :data:`FINDING_FRAME_COLUMNS`: 文件, 工作表, 单元格 (blank when the finding names a
    whole sheet), 规则 (the finding's code, E214), 级别 (错误 / 警告 / 提示), 说明; rows in the
    汇总表's order of workbooks, each workbook's findings as it reported them. A workbook that
    could not be read has no findings here: its 状态 and 错误信息 are in :func:`summary_dataframe`.
    """
    import pandas as pd

    rows = []
    for r in sort_records(records):
        for f in r.findings:
            sheet, cell = split_location(f.get("位置", ""))
            rows.append([f.get("文件", r.file), sheet, cell, f.get("规则", ""), f.get("级别", ""), f.get("说明", "")])
    return pd.DataFrame(rows, columns=list(FINDING_FRAME_COLUMNS))


def write_summary_csv(records: Iterable[SummaryRecord], path: str | Path) -> Path:
    """汇总 as CSV, UTF-8 with BOM (Excel then opens the Chinese text correctly); written atomically.

    Text a spreadsheet would evaluate (starting with = + - @) gets a leading apostrophe.
    """
    import csv
    import io

    from xlperf.ooxml import atomic_write_bytes

    target = Path(path)
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow([HEADER_NOTES.get(c, c) for c in COLUMNS])  # the amounts' unit stays in the header, as in the workbook
    rows, full = _in_order(records)
    for brief in rows:
        rec = full(brief)
        w.writerow(["" if getattr(rec, COLUMN_FIELDS[c]) is None else csv_safe(_value(rec, c)) for c in COLUMNS])
    atomic_write_bytes(target, buf.getvalue().encode("utf-8-sig"))
    return target
