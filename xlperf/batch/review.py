"""A folder of submitted reports reviewed at once (``xlperf batch --review``).

Each Word report is paired with the 自评表 the unit sent beside it (:func:`pair_files`), reviewed
(:func:`xlperf.review.review_report`), and every finding goes into one 汇总表 (sheets 审核汇总 and
审核问题); with ``annotate`` each report that has findings also gets a 批注版 copy with the
findings as Word comments. Library only: nothing here prints; progress goes through a callback.

Reports are reviewed in worker processes when ``jobs`` > 1; a worker sends back a small
:class:`ReviewRecord` (the findings as dicts), never the Review with its Evaluation.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from xlperf.batch.discover import WORKBOOK_SUFFIXES, Skipped, discover, display_names
from xlperf.batch.result import Progress, ProgressCallback
from xlperf.batch.summary import _Look, _save_atomic, _start_sheet, clean_text
from xlperf.core.errors import EXIT_FINDINGS, EXIT_OK, InputError, OutputError, XCode, XlperfError
from xlperf.core.filenames import FolderNames
from xlperf.ooxml.files import os_error_text

REVIEW_SUMMARY = "审核汇总表.xlsx"
SHEET_REVIEWS = "审核汇总"
SHEET_PROBLEMS = "审核问题"
ANNOTATED_DIR = "批注版"
ANNOTATED_SUFFIX = "-批注版"

REVIEW_COLUMNS = ("报告", "自评表", "样式", "表内总分", "表内等级", "问题数", "问题代码", "说明")
PROBLEM_COLUMNS = ("报告", "代码", "级别", "段落", "表格单元格", "说明")

# The words a unit's file names put around the project's name: "XX项目绩效自评报告.docx" and
# "附件1：XX项目支出绩效自评表.xlsx" pair on "XX项目". Longest first, so 绩效自评报告 goes whole;
# the evaluation type is dropped on both sides (one names it, the other often not).
_REPORT_WORDS = ("绩效自评报告", "绩效评价报告", "自评报告", "评价报告", "报告")
_TABLE_WORDS = ("绩效自评表", "绩效评价表", "自评表", "评价表")
_TYPE_WORDS = ("项目支出", "部门整体支出")
_ANNEX_PREFIX = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*(?:[-－—][0-9]+)?\s*[：:、.．_\-\s]*")
_EDGES = " \t-_—－.．、，,：:（）()【】[]《》“”\"'"


@dataclass(frozen=True)
class Pair:
    report: Path
    table: Path | None  # None: the report's own annex table is used
    note: str = ""  # why no table file was paired, when there were candidates


def is_table_name(path: Path) -> bool:
    """A workbook is always a table; a Word file is a table when its name says 表 and not 报告."""
    if path.suffix.lower() != ".docx":
        return True
    stem = path.stem
    return any(w in stem for w in _TABLE_WORDS) and "报告" not in stem


def name_key(path: Path) -> str:
    """The part of a file name that names the project or unit (what a report and its table share)."""
    stem = path.stem.strip()
    key = _without_words(_ANNEX_PREFIX.sub("", stem))
    # 附件2021年… or a name made of digits: the digits were the name, not the annex's number
    return key or _without_words(stem.removeprefix("附件"))


def _without_words(stem: str) -> str:
    for w in _REPORT_WORDS + _TABLE_WORDS + _TYPE_WORDS:
        stem = stem.replace(w, "")
    return stem.strip(_EDGES)


def pair_files(paths: Sequence[Path]) -> tuple[list[Pair], list[Path]]:
    """Pair each report with its table, folder by folder: first the table whose name key equals
    the report's; then, for a report left over, the one table left whose key contains its key or
    is contained in it (附件1城乡居民…); then, in a folder holding exactly one report and one table,
    those two. Returns the pairs (in input order) and the tables no report took."""
    folders: dict[Path, list[Path]] = {}
    for p in paths:
        folders.setdefault(p.parent, []).append(p)
    found: dict[Path, Pair] = {}
    taken: set[Path] = set()
    for files in folders.values():
        found.update(_pairs_in_folder(files, taken))
    pairs = [found[p] for p in paths if p in found]
    orphans = [p for p in paths if is_table_name(p) and p not in taken]
    return pairs, orphans


def _pairs_in_folder(files: list[Path], taken: set[Path]) -> dict[Path, Pair]:
    reports = [p for p in files if not is_table_name(p)]
    tables = [p for p in files if is_table_name(p)]
    keys = {p: name_key(p) for p in files}
    pairs: dict[Path, Pair] = {}
    for r in reports:
        same = _one_table([t for t in tables if keys[r] and keys[t] == keys[r]])
        if len(same) == 1:
            pairs[r] = Pair(r, same[0])
            taken.add(same[0])
        elif same:
            names = "、".join(t.name for t in same)
            pairs[r] = Pair(r, None, f"同一文件夹中有多份可能对应的自评表（{names}），无法确定用哪一份，已按报告附件中的表格审核")
    left = [t for t in tables if t not in taken]
    waiting = [r for r in reports if r not in pairs]
    for r in waiting:
        near = [t for t in left if _related(keys[r], keys[t])]
        rivals = [x for x in waiting if any(_related(keys[x], keys[t]) for t in near)]
        if len(near) == 1 and rivals == [r]:
            pairs[r] = Pair(r, near[0])
            taken.add(near[0])
    left = [t for t in tables if t not in taken]
    waiting = [r for r in reports if r not in pairs]
    if len(reports) == 1 and len(tables) == 1 and waiting and left:
        pairs[waiting[0]] = Pair(waiting[0], left[0])
        taken.add(left[0])
    for r in reports:
        if r not in pairs:
            why = "同一文件夹中的自评表文件名与报告对不上，已按报告附件中的表格审核（文件名相同的部分应一致，如“XX项目自评报告.docx”与“XX项目自评表.xlsx”）"
            pairs[r] = Pair(r, None, why if tables else "")
    return pairs


def _related(a: str, b: str) -> bool:
    """Two name keys of one project: one holds the other (附件1城乡居民… and 城乡居民…)."""
    return bool(a and b and (a in b or b in a))


def _one_table(same: list[Path]) -> list[Path]:
    """One project's table sent twice (.xlsx and .docx): the workbook wins."""
    if len(same) > 1:
        books = [t for t in same if t.suffix.lower() in WORKBOOK_SUFFIXES]
        if len(books) == 1:
            return books
    return same


@dataclass
class ReviewRecord:
    """One report's review, as the 汇总表 shows it (small: crosses process boundaries)."""

    report: str  # as shown (relative to the input folder)
    table: str = ""  # the table file's name, or 报告附件
    style: str = ""
    table_total: float | None = None
    table_grade: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)  # ReviewFinding.to_json()
    error: str = ""  # why the report could not be reviewed ("" when it was)
    note: str = ""
    annotated: str = ""  # the 批注版 copy written ("" when none)

    @property
    def codes(self) -> list[str]:
        return sorted({f["code"] for f in self.findings})


def review_pair(pair: Pair, shown: str, annotated: Path | None = None) -> ReviewRecord:
    """Review one pair; a report that cannot be read is a record with ``error``, never a raise."""
    from xlperf.review import review_report

    rec = ReviewRecord(report=shown, note=pair.note)
    try:
        review = review_report(pair.report, pair.table)
    except XlperfError as exc:
        rec.error = str(exc)
        return rec
    except OSError as exc:
        rec.error = f"无法读取：{os_error_text(exc)}"
        return rec
    src = review.table
    rec.table = (pair.table.name if pair.table is not None else "报告附件") if src is not None else ""
    rec.style = review.style or ""
    ev = src.evaluation if src is not None else None
    if ev is not None and ev.final:
        rec.table_total, rec.table_grade = ev.total_score, str(ev.grade)
    elif ev is not None:
        rec.table_grade = "待定"
    rec.findings = [f.to_json() for f in review.findings]
    if annotated is not None and review.findings:
        rec.annotated = _annotate(pair.report, review.findings, annotated, rec)
    return rec


def _annotate(report: Path, findings: list, out: Path, rec: ReviewRecord) -> str:
    from xlperf.review.annotate import annotate_report

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        annotate_report(report, findings, out)
    except (XlperfError, OSError, ValueError) as exc:
        rec.note = "；".join(x for x in (rec.note, f"批注版未生成：{exc}") if x)
        return ""
    return str(out)


def _review_task(args: tuple[Pair, str, Path | None]) -> ReviewRecord:
    return review_pair(*args)


@dataclass
class ReviewBatchResult:
    records: list[ReviewRecord]
    skipped: list[Skipped]
    orphans: list[Path]  # tables no report took
    summary_path: Path | None = None

    @property
    def clean(self) -> int:
        return sum(1 for r in self.records if not r.error and not r.findings)

    @property
    def with_findings(self) -> int:
        return sum(1 for r in self.records if r.findings)

    @property
    def failed(self) -> list[ReviewRecord]:
        return [r for r in self.records if r.error]

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.with_findings or self.failed else EXIT_OK

    def summary_lines(self) -> list[str]:
        lines = [f"共审核 {len(self.records)} 份报告：无问题 {self.clean}，有问题 {self.with_findings}，无法审核 {len(self.failed)}，跳过 {len(self.skipped)}（锁文件/非报告）"]
        for r in self.failed:
            lines.append(f"无法审核：{r.report}：{r.error}")
        if self.orphans:
            lines.append("没有对应报告的自评表：" + "、".join(p.name for p in self.orphans[:20]) + ("……" if len(self.orphans) > 20 else ""))
        if self.summary_path is not None:
            lines.append(f"审核汇总表：{self.summary_path}")
        return lines


def run_review_batch(inputs: Sequence[str | Path], outdir: str | Path, *, jobs: int | None = None, annotate: bool = False, progress: ProgressCallback | None = None) -> ReviewBatchResult:
    """Review every Word report under ``inputs`` against its table; write OUTDIR/审核汇总表.xlsx
    (and OUTDIR/批注版/*.docx with ``annotate``). Raises InputError when nothing is found."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹：{os_error_text(exc)}", path=out, code=XCode.OUTPUT) from exc
    found = discover(inputs, exclude=out, documents=True)
    files = found.workbooks + found.old_format
    pairs, orphans = pair_files(files)
    if not pairs:
        raise InputError("没有找到要审核的自评报告（.docx）", code=XCode.INPUT_TEXT)
    shown = display_names([p.report for p in pairs])
    names = FolderNames(out / ANNOTATED_DIR)
    tasks = [(p, shown[p.report], out / ANNOTATED_DIR / f"{names.name(p.report.stem, ANNOTATED_SUFFIX, ('.docx',))}.docx" if annotate else None) for p in pairs]
    tell = progress or (lambda p: None)
    tell(Progress("start", 0, len(tasks), message=f"审核 {len(tasks)} 份报告……"))
    records = _run(tasks, jobs, tell)
    result = ReviewBatchResult(records, found.skipped, orphans)
    result.summary_path = write_review_summary(records, out / REVIEW_SUMMARY)
    tell(Progress("finish", len(tasks), len(tasks)))
    return result


def _run(tasks: list[tuple[Pair, str, Path | None]], jobs: int | None, tell: ProgressCallback) -> list[ReviewRecord]:
    n = len(tasks)
    workers = min(jobs or os.cpu_count() or 1, n)
    if workers <= 1:
        records = []
        for i, t in enumerate(tasks, start=1):
            records.append(_review_task(t))
            tell(Progress("item", i, n))
        return records
    done: dict[int, ReviewRecord] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_review_task, t): i for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            done[futures[fut]] = fut.result()
            tell(Progress("item", len(done), n))
    return [done[i] for i in range(n)]



def write_review_summary(records: Sequence[ReviewRecord], path: Path) -> Path:
    """The 审核汇总表: one row per report (审核汇总) and one per finding (审核问题), atomically."""
    from openpyxl import Workbook

    look = _Look()
    wb = Workbook(write_only=True)
    sheets = [_reviews_sheet(wb.create_sheet(SHEET_REVIEWS), records, look), _problems_sheet(wb.create_sheet(SHEET_PROBLEMS), records, look)]
    wb.properties.title = "自评报告审核汇总表"
    wb.properties.creator = "xlperf"
    wb.properties.language = "zh-CN"
    for s in sheets:
        s.close()
    _save_atomic(wb, path)
    return path


def _reviews_sheet(ws, records: Sequence[ReviewRecord], look: _Look):
    out = _start_sheet(ws, REVIEW_COLUMNS, (36, 28, 8, 10, 10, 8, 24, 60), look)
    plain = (look.body_font, None, None, None, None)
    wrap = (look.body_font, None, None, look.wrap, None)
    number = (look.body_font, None, None, None, "0.00")
    for r in records:
        said = r.error or r.note
        grade = r.table_grade if r.table_grade else ""
        row = [r.report, r.table, r.style, r.table_total, grade, len(r.findings) if not r.error else None, "、".join(r.codes), said]
        styles = [plain, plain, plain, number, plain, plain, plain, wrap]
        out.append([(v if v is not None else "", s, None) for v, s in zip(row, styles)])
    return out


def _problems_sheet(ws, records: Sequence[ReviewRecord], look: _Look):
    out = _start_sheet(ws, PROBLEM_COLUMNS, (36, 8, 8, 30, 20, 80), look)
    plain = (look.body_font, None, None, None, None)
    wrap = (look.body_font, None, None, look.wrap, None)
    for r in records:
        for f in r.findings:
            para = f.get("paragraph")
            where = f"第{para['number']}段「{para['start']}」" if para else ""
            row = [r.report, f["code"], f.get("level", ""), where, f.get("cell") or "", clean_text(f["message"])]
            out.append([(v, s, None) for v, s in zip(row, (plain, plain, plain, wrap, plain, wrap))])
    return out
