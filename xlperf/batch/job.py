"""One workbook of a batch, in a worker process: read, score, render its reports, send back a small record."""

from __future__ import annotations

import gc
import os
import signal
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

from xlperf.batch.summary import HANDLED_NEW, STATUS_FAILED, failed_record, record_from_evaluation
from xlperf.core.errors import XlperfError
from xlperf.workbook.load import load


_WORKER_READY = False


def init_worker(warm: bool = True, in_process: bool = False) -> None:
    """Run once per worker process: import what every workbook needs, load the report template."""
    global _WORKER_READY
    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    if _WORKER_READY:
        return
    import xlperf.workbook.load  # noqa: F401
    import xlperf.core.narrative  # noqa: F401
    import xlperf.forms.template  # noqa: F401
    import xlperf.core.scoring  # noqa: F401

    if warm:
        # the report modules only: a template is compiled by the first report that uses it (and
        # gets its skeleton then, see report.wordpack); warming all five would cost each worker
        # ~0.15 s for templates a run may never use
        import xlperf.report  # noqa: F401
        from xlperf.report.word import WordRenderer

        WordRenderer.shared().load()
    _WORKER_READY = True
    if not in_process:
        # what was imported and warmed stays for the life of the worker: out of the collector's way
        gc.collect()
        gc.freeze()


# Sheets of the template that neither scoring nor any report reads: the guide, the findings the
# program itself writes, the hidden list helper. Not reading them saves ~15% of a workbook's read.
UNREAD_SHEETS = ("说明", "校验结果", "_lists")


def error_text(exc: BaseException) -> str:
    import zipfile

    if isinstance(exc, XlperfError):
        where = f"{exc.sheet}!{exc.cell}" if exc.sheet and exc.cell else (exc.sheet or "")
        return f"{where}：{exc.message}" if where else exc.message
    if isinstance(exc, zipfile.BadZipFile):
        return "不是有效的 .xlsx 工作簿（文件已损坏、未下载完整，或是改了扩展名的其他文件）"
    if isinstance(exc, MemoryError):
        return "工作簿过大，内存不足，无法处理"
    if isinstance(exc, OSError):  # writing a report: a full disk, a read-only folder, a too-long name …
        from xlperf.ooxml.files import os_error_text

        return os_error_text(exc)
    return f"处理时出错（{type(exc).__name__}：{exc}）；请用 xlperf check 单独检查该文件"


# A chunk's PDF work folder inside the staging folder: "pdf-<pid>-<8 random>/" (pdf.Chunk).
_PDF_WORK = len("pdf-") + 10 + 1 + 8 + 1
# What staging needs below its folder: the work folder, "<pid>-<8 random>-", a name of 8 and ".docx".
STAGED_ROOM = 1 + _PDF_WORK + 10 + 1 + 8 + 1 + 8 + len(".docx")


def place(tmp: str | Path, final: Path) -> None:
    """Move a finished report into place. An OS error (on Windows, the last run's report still open
    in Word) is an OutputError that names the report and says to close it."""
    try:
        os.replace(tmp, final)
    except OSError as exc:
        from xlperf.ooxml.files import output_error

        raise output_error(final, exc) from exc


def _staged(staging: Path, final_name: str) -> Path:
    """A unique name in the staging folder that keeps the report's name, cut where needed so that its
    path, and that of the PDF LibreOffice writes from it in a chunk's work folder, stay within
    Windows' MAX_PATH (the final name was made to fit the output folder, which is shorter)."""
    from xlperf.core.filenames import MAX_PATH, units

    stem, ext = os.path.splitext(final_name)
    head = f"{os.getpid()}-{uuid.uuid4().hex[:8]}-"
    room = MAX_PATH - 1 - units(os.path.abspath(staging)) - 1 - _PDF_WORK - len(head) - len(ext)
    while stem and units(stem) > room:
        stem = stem[:-1]
    return staging / f"{head}{stem}{ext}"


GC_EVERY = 10  # tasks between full collections in a worker
_tasks_since_gc = 0


def process(task: dict[str, Any]) -> dict[str, Any]:
    """Read, score and report one workbook. Never raises: a problem becomes a 失败 record.

    Word documents (python-docx/lxml proxies) are freed only by the cyclic collector; left to
    its thresholds, ~10 reports' worth of garbage piles up and a worker peaks at ~230 MB. A full
    collection every GC_EVERY workbooks keeps it near 110 MB and costs nothing measurable.
    """
    global _tasks_since_gc
    try:
        return _process_one(task)
    finally:
        _tasks_since_gc += 1
        if _tasks_since_gc >= GC_EVERY:
            _tasks_since_gc = 0
            gc.collect()


def process_many(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`process` for each task of a call (a batch sends workbooks a few to a call)."""
    return [process(task) for task in tasks]


def _process_one(task: dict[str, Any]) -> dict[str, Any]:
    file = task["display"]
    try:
        book = load(task["path"], unread=UNREAD_SHEETS)
        rec = record_from_evaluation(book.evaluation, file)
        rec.handled = task.get("handled", HANDLED_NEW)
    except BaseException as exc:  # noqa: BLE001 - one bad workbook must not stop the bureau
        if isinstance(exc, KeyboardInterrupt):
            raise
        rec = failed_record(file, error_text(exc))
        return {"record": _sendable(rec), "pdf_source": None}

    formats = task["formats"]
    pdf_source = None
    if not formats:
        return {"record": _sendable(rec), "pdf_source": None}
    try:
        from xlperf.report.job import official_form, report_context, write_report

        outdir, staging, base = Path(task["outdir"]), Path(task["staging"]), task["base"]
        context = report_context(book, task.get("style"))[0]
        form = official_form(book.evaluation, context)
        outputs: list[str] = []
        need_docx = "docx" in formats or "pdf" in formats
        if need_docx:
            tmp = _staged(staging, base + ".docx")
            write_report(context, tmp, "docx", form=form, atomic=False)  # staged: place() is the atomic step
            if "docx" in formats:
                final = outdir / (base + ".docx")
                place(tmp, final)
                outputs.append(final.name)
                pdf_source = str(final)
            else:
                pdf_source = str(tmp)  # converted, then deleted
        if "md" in formats:
            tmp = _staged(staging, base + ".md")
            write_report(context, tmp, "md", form=form, atomic=False)
            final = outdir / (base + ".md")
            place(tmp, final)
            outputs.append(final.name)
        rec.outputs = outputs
        rec.report = outputs[0] if outputs else ""
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        rec.status = STATUS_FAILED
        rec.error_message = "生成报告失败：" + error_text(exc)
        pdf_source = None
    return {"record": _sendable(rec), "pdf_source": pdf_source if "pdf" in formats else None}


def _sendable(rec: Any) -> dict[str, Any]:
    """The record as the dict sent back: its fields as they are (``asdict`` would deep-copy the
    findings of a record that is dropped right after)."""
    return dict(vars(rec))


class InlineExecutor:
    """An executor that runs each call at once in this process (``jobs=1``: no pickling, easy tests)."""

    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        if initializer is not None:
            initializer(*initargs)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:  # noqa: ARG002
        pass
