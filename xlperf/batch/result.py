"""What a batch run reports: progress events for the terminal, and the result of the whole run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from xlperf.batch.discover import Skipped
from xlperf.batch.summary import HANDLED_REUSED, STATUS_ERRORS, STATUS_FAILED, STATUS_OK, STATUS_PENDING, RecordStore, SummaryRecord
from xlperf.core.errors import EXIT_FINDINGS, EXIT_OK

PDF_MISSING = "PDF 未生成"


@dataclass
class Progress:
    """What the callback receives. kind: start / item / message / finish."""

    kind: str
    done: int = 0
    total: int = 0
    record: SummaryRecord | None = None
    message: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass
class BatchResult:
    """``records`` is a :class:`RecordStore` (a sequence of SummaryRecord read back from disk on
    access); the counts below use its in-memory briefs."""

    records: RecordStore
    skipped: list[Skipped]
    outdir: Path | None = None
    summary_path: Path | None = None
    csv_path: Path | None = None
    pdf_problem: str = ""  # why PDF could not be produced at all ("" when fine)
    elapsed: float = 0.0

    def _briefs(self) -> Sequence[Any]:
        return self.records.briefs

    def _full(self, briefs: list[Any]) -> list[SummaryRecord]:
        return [self.records.load(b) for b in briefs]

    @property
    def ok(self) -> int:
        return sum(1 for r in self._briefs() if r.status == STATUS_OK)

    @property
    def with_errors(self) -> int:
        return sum(1 for r in self._briefs() if r.status == STATUS_ERRORS)

    @property
    def pending(self) -> int:
        """Workbooks whose total and grade are withheld (待定)."""
        return sum(1 for r in self._briefs() if r.status == STATUS_PENDING)

    @property
    def failed(self) -> list[SummaryRecord]:
        return self._full([r for r in self._briefs() if r.status == STATUS_FAILED])

    @property
    def reused(self) -> int:
        return sum(1 for r in self._briefs() if r.handled == HANDLED_REUSED)

    @property
    def pdf_missing(self) -> list[SummaryRecord]:
        return self._full([r for r in self._briefs() if PDF_MISSING in r.error_message and r.status != STATUS_FAILED])

    @property
    def exit_code(self) -> int:
        if self.with_errors or self.pending or self.failed or self.pdf_missing or self.pdf_problem:
            return EXIT_FINDINGS
        return EXIT_OK

    def summary_lines(self) -> list[str]:
        """The final summary, in Chinese, one line per failed workbook."""
        pending = f"总分待定 {self.pending}，" if self.pending else ""
        lines = [
            f"共 {len(self.records)} 个工作簿：成功 {self.ok}，有错误 {self.with_errors}，{pending}失败 {len(self.failed)}，"
            f"跳过 {len(self.skipped)}（锁文件/非工作簿）"
        ]
        if self.reused:
            lines.append(f"其中 {self.reused} 个未变更，沿用上次的结果和报告（加 --force 全部重新生成）。")
        if self.pdf_problem:
            lines.append(f"{PDF_MISSING}：{self.pdf_problem}")
        elif self.pdf_missing:
            lines.append(f"{PDF_MISSING} {len(self.pdf_missing)} 个：" + "、".join(r.file for r in self.pdf_missing[:20]) + ("……" if len(self.pdf_missing) > 20 else ""))
        for r in self.failed:
            lines.append(f"失败：{r.file}：{r.error_message}")
        if self.summary_path is not None:
            lines.append(f"汇总表：{self.summary_path}")
        if self.csv_path is not None:
            lines.append(f"汇总表（CSV）：{self.csv_path}")
        return lines
