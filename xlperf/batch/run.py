"""A whole finance bureau at once: check many workbooks, write one report each and a 汇总表.

Library first (:func:`run_batch`, :func:`check_records`): nothing here prints; progress goes
through a callback. :data:`batch_command` is the thin ``xlperf batch`` click command.

How it stays fast and safe with thousands of files:

* worker processes (``ProcessPoolExecutor``), each initialised once (report templates loaded
  once per process); ``jobs=1`` runs in-process;
* workbooks go to the workers 8 to a call, at most 2 calls per worker in flight; workers send back a small :class:`SummaryRecord`
  (summary fields and findings), never an Evaluation; the main process keeps records and state
  entries in temporary files (:class:`RecordStore`, :class:`StateStore`) with only a brief of each
  in memory, so memory does not grow with N;
* every output goes to a temporary name in ``OUTDIR/.xlperf-tmp`` and is moved into place
  with ``os.replace``: a killed batch leaves complete reports or none; the next run clears the
  temporary folder;
* ``OUTDIR/.xlperf-batch.json`` maps each input to the sha256 of its content and the options
  (formats, style, xlperf version, report template hash); it is rewritten atomically after each
  chunk, so a re-run skips unchanged workbooks whose outputs exist and an interrupted run resumes;
* PDF: up to PDF_RUN docx files go through ONE LibreOffice run; one converter per job, each
  with its own LibreOffice profile, in background threads while the workers go on with the next
  workbooks (see :mod:`xlperf.batch.pdf`).
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Sequence

from xlperf.batch.discover import Discovery, discover, display_names, file_key, output_bases
from xlperf.batch.job import InlineExecutor, error_text, init_worker, process_many
from xlperf.batch.pdf import Chunk, Converters, convert_chunk
from xlperf.batch.result import PDF_MISSING, BatchResult, Progress, ProgressCallback
from xlperf.batch.state import STATE_FILE, StateStore, file_hash, options_key
from xlperf.batch.summary import HANDLED_CHECK, HANDLED_NEW, HANDLED_REUSED, STATUS_ERRORS, STATUS_FAILED, STATUS_OK, STATUS_PENDING, RecordStore, SummaryRecord, failed_record
from xlperf.core.errors import InputError, OutputError, XCode
from xlperf.ooxml.files import os_error_text

FORMATS = ("docx", "pdf", "md")
SUMMARY_XLSX = "汇总表.xlsx"
SUMMARY_CSV = "汇总表.csv"
STAGING_DIR = ".xlperf-batch-tmp"
LOCK_NAME = ".xlperf-batch.lock"
DEFAULT_CHUNK = 50
IN_FLIGHT_PER_JOB = 2  # calls in flight per worker process
PER_CALL = 8  # workbooks per call to a worker: an eighth of the round trips through the pool (~0.1 ms of main-process CPU per workbook less than 4)
# reports per LibreOffice run: a start costs ~0.3 s of CPU, a report ~0.13 s in a short run but
# more the longer a run goes (its heap fragments: without the malloc tuning of xlperf.report.pdf
# ~0.15 s on the first 20, ~0.2 s from the 60th on), so runs stay short
PDF_RUN = 30
MAX_ATTEMPTS = 2  # a workbook in flight when a worker process died is retried once

OLD_FORMAT_MESSAGE = "这是旧版 {suffix} 格式，程序只能读取 .xlsx：请在 Excel 或 WPS 中打开后“另存为 .xlsx”再运行"


# --- the run ----------------------------------------------------------------------------------------


def _parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for f in items:
        f = f.strip().lower().lstrip(".")
        if f == "markdown":
            f = "md"
        if not f:
            continue
        if f not in FORMATS:
            raise InputError(f"报告格式“{f}”无效，应为：{'、'.join(FORMATS)}（可用逗号分隔多个）", code=XCode.BAD_FORMAT)
        if f not in out:
            out.append(f)
    return tuple(out)


def _prepare_outdir(outdir: Path) -> None:
    try:
        if os.path.lexists(outdir) and not stat.S_ISDIR(os.stat(outdir).st_mode):
            raise OutputError("输出位置已存在且不是文件夹", path=outdir, code=XCode.OUT_WRITE)
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹：{os_error_text(exc)}", path=outdir, code=XCode.OUT_FOLDER) from exc
    # os.access says yes to root even on a read-only mount: try a real write.
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=outdir):
            pass
    except OSError as exc:
        raise OutputError(f"输出文件夹不可写：{os_error_text(exc)}", path=outdir, code=XCode.OUT_READONLY) from exc


def _excel_lock(path: Path) -> Path | None:
    """The owner file Excel/WPS/LibreOffice keeps beside a workbook it has open, or None."""
    from xlperf.ooxml import excel_lock_file

    return excel_lock_file(path)


def _clear_staging(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=True)


def _cleanup_stray_temps(outdir: Path) -> None:
    """Temp files an atomic write left in OUTDIR when a run was killed (we hold the folder's lock)."""
    from xlperf.ooxml import TEMP_PREFIX

    for name in (SUMMARY_XLSX, SUMMARY_CSV, STATE_FILE):
        for p in outdir.glob(f"{TEMP_PREFIX}*-{name}*"):
            try:
                p.unlink()
            except OSError:
                pass


def run_batch(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    *,
    formats: str | Sequence[str] = ("docx",),
    jobs: int | None = None,
    force: bool = False,
    style: str | None = None,
    csv: bool = False,
    progress: ProgressCallback | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> BatchResult:
    """Check every workbook of ``inputs``, write its reports into ``outdir``, then the 汇总表.

    Returns a :class:`BatchResult` (records, skipped files, exit code). Raises XlperfError only for
    problems of the whole run (no input, output folder unusable, 汇总表 open in Excel).
    """
    from xlperf.core import layout

    started = time.perf_counter()
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    fmts = _parse_formats(formats)
    if style is not None and style not in layout.REPORT_STYLES:
        raise InputError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}", code=XCode.BAD_STYLE)
    out = Path(outdir)
    _check_not_a_file_name(outdir)
    _check_depth(out)
    summary_path, csv_path = _summary_targets(out, csv)

    notify = progress or (lambda _p: None)
    found = discover(inputs, exclude=out)
    if not found.workbooks and not found.old_format and not found.unreadable:
        raise InputError(
            f"没有找到 .xlsx 工作簿（跳过 {len(found.skipped)} 个锁文件/非工作簿）", code=XCode.INPUT_CSV
        )

    from filelock import FileLock, Timeout

    lock = FileLock(str(out / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise OutputError("另一个批量任务正在写入这个输出文件夹，请等它结束或换一个文件夹", path=out, code=XCode.BATCH_BUSY) from exc
    try:
        staging = out / STAGING_DIR
        _clear_staging(staging)
        _cleanup_stray_temps(out)
        result = _run(found, out, staging, fmts, jobs, force, style, chunk_size, notify, check_only=False, on_started=_preload_summary_writer)
        from xlperf.batch.summary import write_summary_xlsx, write_summary_csv

        write_summary_xlsx(result.records, summary_path)
        result.summary_path = summary_path
        if csv_path is not None:
            write_summary_csv(result.records, csv_path)  # a RecordStore: sorted by its briefs, read back row by row
            result.csv_path = csv_path
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    result.outdir = out
    result.elapsed = time.perf_counter() - started
    notify(Progress("finish", len(result.records), len(result.records)))
    return result


def _preload_summary_writer() -> threading.Thread:
    """Import what writes the 汇总表 in a background thread while the workers run (~0.3 s the
    end of the run would otherwise wait for, with the workers already done).

    Called once the worker processes exist: a process forked while this thread held an import
    lock would wait for it forever (the worker pool hung at its start now and then); a pool
    made again after a worker died waits for the thread first (:meth:`BatchRun._new_pool`)."""

    def load() -> None:
        try:
            import openpyxl.cell  # noqa: F401
            import openpyxl.chart  # noqa: F401
            import openpyxl.formatting.rule  # noqa: F401
            import openpyxl.styles  # noqa: F401
        except Exception:  # noqa: BLE001 - only a head start: write_summary_xlsx imports for itself
            pass

    thread = threading.Thread(target=load, name="xlperf-preload", daemon=True)
    thread.start()
    return thread


# Extensions of files a user might name: ``-o 汇总.xlsx`` for a folder that does not exist yet
# is a file name given by mistake, not a folder to create under that name.
FILE_SUFFIXES = frozenset(
    ".xlsx .xlsm .xls .et .csv .docx .doc .wps .pdf .md .markdown .html .htm .txt .json .zip".split()
)


def _check_not_a_file_name(outdir: str | os.PathLike[str]) -> None:
    """Refuse a batch ``-o`` that reads as a file: it does not exist, does not end in a separator
    and has a file's extension (exit 2; an existing folder of any name is used as it is)."""
    from xlperf.ooxml.files import names_folder

    out = Path(outdir)
    if names_folder(outdir) or os.path.lexists(out) or out.suffix.lower() not in FILE_SUFFIXES:
        return
    raise InputError(
        f"batch 的 -o 是输出文件夹（报告和汇总表都写在里面），不是文件名：请给一个文件夹，如“{out.stem}/”",
        path=out,
        code=XCode.BATCH_OUT_FILE,
    )


def _check_depth(out: Path) -> None:
    """Refuse an output folder so deep that its staged files would pass Windows' MAX_PATH.

    A report is staged as ``<out>/.xlperf-batch-tmp/<pid>-<8>-<name>.docx`` and converted to PDF in
    ``pdf-<pid>-<8>/`` beside it; with room for a name of a few characters that is STAGED_ROOM more.
    """
    from xlperf.batch.job import STAGED_ROOM
    from xlperf.core.filenames import E_PATH_TOO_LONG, MAX_PATH, units

    longest = MAX_PATH - 1 - 1 - len(STAGING_DIR) - STAGED_ROOM
    if units(os.path.abspath(out)) > longest:
        raise OutputError(
            f"输出文件夹的路径太长（{units(os.path.abspath(out))} 个字符），报告文件放不下"
            f"（Windows 的路径连同文件名最多 {MAX_PATH - 1} 个字符）。请换一个不超过 {longest} 个字符的输出文件夹",
            path=out,
            code=E_PATH_TOO_LONG,
        )


def _summary_targets(out: Path, csv: bool) -> tuple[Path, Path | None]:
    """The output folder made ready, and the 汇总表 paths; refused while Excel/WPS has one open."""
    _prepare_outdir(out)
    summary_path = out / SUMMARY_XLSX
    csv_path = out / SUMMARY_CSV if csv else None
    for target in [summary_path] + ([csv_path] if csv_path else []):
        lock = _excel_lock(target)
        if lock is not None and target.exists():
            raise OutputError(f"文件正在 Excel/WPS 中打开（发现锁文件 {lock.name}），请先关闭再运行", path=target, code=XCode.OUT_DENIED)
    return summary_path, csv_path


def check_records(inputs: Sequence[str | Path], *, jobs: int = 1, progress: ProgressCallback | None = None) -> list[SummaryRecord]:
    """Check workbooks without writing anything; the records of the 汇总表 (for analysts)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    found = discover(inputs)
    result = _run(found, None, None, (), jobs, True, None, DEFAULT_CHUNK, progress or (lambda _p: None), check_only=True)
    return list(result.records)


def summarize(paths_or_folder: str | Path | Sequence[str | Path], jobs: int = 1):
    """Check workbooks (no reports written) and return the 汇总 DataFrame.

    For analysts: ``summarize("2025自评/")`` or ``summarize(["a.xlsx", "b.xlsx"], jobs=4)``.
    Failed workbooks are rows with 状态 = 失败; lock files and non-workbooks are left out.
    """
    from xlperf.batch.summary import summary_dataframe

    if isinstance(paths_or_folder, (str, Path)):
        inputs: list[str | Path] = [paths_or_folder]
    else:
        inputs = list(paths_or_folder)
    return summary_dataframe(check_records(inputs, jobs=jobs))


def _run(
    found: Discovery,
    out: Path | None,
    staging: Path | None,
    fmts: tuple[str, ...],
    jobs: int | None,
    force: bool,
    style: str | None,
    chunk_size: int,
    notify: ProgressCallback,
    *,
    check_only: bool,
    on_started: Callable[[], Any] | None = None,
) -> BatchResult:
    run = BatchRun(found, out, staging, fmts, force, style, chunk_size, notify, check_only=check_only)
    run.on_started = on_started
    try:
        run.plan()
        run.execute(jobs)
    finally:
        if run.state is not None:
            run.state.close()
    return BatchResult(records=run.records, skipped=list(found.skipped), pdf_problem=run.pdf_problem)


class BatchRun:
    """One run over the discovered workbooks: plan (reuse what is unchanged), feed a worker pool a
    bounded number of tasks at a time, convert finished chunks to PDF, and remember what is done.

    Workers send back a small record dict per workbook; a worker process that dies takes the
    tasks in flight with it, and each is retried once, alone, before it is reported as failed.
    """

    def __init__(self, found: Discovery, out: Path | None, staging: Path | None, fmts: tuple[str, ...], force: bool,
                 style: str | None, chunk_size: int, notify: ProgressCallback, *, check_only: bool) -> None:
        self.found, self.out, self.staging, self.fmts = found, out, staging, fmts
        self.force, self.style, self.chunk_size, self.notify = force, style, chunk_size, notify
        self.check_only = check_only
        self.names = display_names(found.workbooks + found.old_format + [p for p, _ in found.unreadable])
        self.bases = output_bases(found.workbooks, out)
        self.total = len(found.workbooks) + len(found.old_format) + len(found.unreadable)
        self.records = RecordStore()  # on disk: the main process does not grow with N
        self.done = 0
        self.pdf_problem = ""
        self.want_pdf = "pdf" in fmts
        self.worker_formats = fmts
        self.state = StateStore(out) if out is not None else None
        self.opts = options_key(fmts, style) if out is not None else ""
        self.tasks: deque[tuple[Path, str | None] | dict[str, Any]] = deque()  # planned (path, sha256), or a retry's task
        self.inflight: dict[Future, list[dict[str, Any]]] = {}
        self.pdf_inflight: dict[Future, Chunk] = {}
        self.pdf_waiting: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.unsaved = 0
        self.save_gap = 0.0  # seconds to wait after a save: 40 × its duration keeps saving under 2.5% of the run
        self.last_save = time.monotonic()
        self.pool: Any = None
        self.pdf_pool: ThreadPoolExecutor | None = None
        self.converters: Converters | None = None
        self.n_jobs = 1
        self.on_started: Callable[[], Any] | None = None
        self.preload: Any = None  # what on_started returned: a thread a new pool waits for

    @property
    def handled(self) -> str:
        return HANDLED_CHECK if self.check_only else HANDLED_NEW

    def _emit(self, rec: SummaryRecord) -> None:
        self.records.append(rec)
        self.done += 1
        self.notify(Progress("item", self.done, self.total, rec))

    # --- planning -------------------------------------------------------------------------------------
    def plan(self) -> None:
        self.notify(Progress("start", 0, self.total, message=f"共 {self.total} 个工作簿，跳过 {len(self.found.skipped)} 个锁文件/非工作簿"))
        for p in self.found.old_format:
            rec = failed_record(self.names[p], OLD_FORMAT_MESSAGE.format(suffix=p.suffix.lower()))
            self._emit(rec)
        for p, reason in self.found.unreadable:  # a symlink loop, a folder we may not list …
            rec = failed_record(self.names[p], reason)
            self._emit(rec)
        if self.want_pdf and _find_soffice() is None:
            self.pdf_problem = "未找到 LibreOffice（soffice），无法转换 PDF；已照常生成 Word 报告。请安装 LibreOffice 后重新运行。"
            self.notify(Progress("message", self.done, self.total, message=self.pdf_problem))
            # the Word reports are still written (and kept), the PDF step is left out
            formats = tuple(f for f in self.fmts if f != "pdf")
            self.worker_formats = formats if "docx" in formats else ("docx", *formats)
        # from here on each path is held by its waiting task only, and let go when that is sent
        workbooks, self.found.workbooks = self.found.workbooks, []
        for p in workbooks:
            task = self._task(p)
            if task is not None:
                # waiting tasks are kept small (the whole dict is ~1.5 KB, 7 MB for 5000 workbooks)
                # and made again when sent
                self.tasks.append((p, task.get("sha256")))

    def _task(self, p: Path, sha256: str | None = None) -> dict[str, Any] | None:
        """The task for one workbook, or None when it was settled here (unreadable, or unchanged).
        With ``sha256`` (planned already), just the task: it is being sent, and what discovery
        kept for the workbook is let go (the task carries it from now on), so that memory is
        reused by the records instead of growing with the number of workbooks."""
        sent = sha256 is not None
        task = {
            "path": str(p),
            "key": (self.found.keys.pop(p, None) if sent else self.found.keys.get(p)) or file_key(p),
            "display": self.names.pop(p) if sent else self.names[p],
            "base": self.bases.pop(p) if sent else self.bases[p],
            "formats": self.worker_formats,
            "style": self.style,
            "outdir": str(self.out) if self.out else "",
            "staging": str(self.staging) if self.staging else "",
            "handled": self.handled,
            "attempt": 1,
        }
        if sha256 is not None:
            task["sha256"] = sha256
        if self.out is None or sha256 is not None:
            return task
        try:
            task["sha256"] = file_hash(p)
        except OSError as exc:
            self._emit(failed_record(self.names[p], f"无法读取文件：{os_error_text(exc)}"))
            return None
        reused = self._reusable(p, task)
        if reused is not None:
            self._emit(reused)
            return None
        return task

    def _reusable(self, p: Path, task: dict[str, Any]) -> SummaryRecord | None:
        """The last run's record when the workbook, the options and every output are unchanged."""
        out = self.out
        assert out is not None
        expected = sorted(self.bases[p] + "." + f for f in self.fmts)
        assert self.state is not None
        entry = self.state.get(task["key"])
        if (
            self.force
            or not entry
            or entry.get("sha256") != task["sha256"]
            or entry.get("options") != self.opts
            or sorted(entry.get("outputs", [])) != expected
            or not all((out / o).is_file() for o in expected)
            or entry.get("record", {}).get("status") not in (STATUS_OK, STATUS_ERRORS, STATUS_PENDING)
        ):
            return None
        rec = SummaryRecord.from_dict(entry["record"])
        rec.file = self.names[p]
        if any(f.get("文件") != self.names[p] for f in rec.findings):
            # the stored findings take the workbook's name of this run (the next save writes them)
            for f in rec.findings:
                f["文件"] = self.names[p]
            self.state.put(task["key"], entry)
        rec.handled = HANDLED_REUSED
        return rec

    # --- running --------------------------------------------------------------------------------------
    def _new_pool(self):
        if self.preload is not None:  # a pool made again after a worker died forks here: not mid-import
            self.preload.join()
            self.preload = None
        if self.n_jobs == 1:
            return InlineExecutor(init_worker, (bool(self.fmts), True))
        return ProcessPoolExecutor(max_workers=self.n_jobs, initializer=init_worker, initargs=(bool(self.fmts), False))

    def execute(self, jobs: int | None) -> None:
        n = max(1, int(jobs or os.cpu_count() or 1))
        self.n_jobs = min(n, max(1, len(self.tasks)))
        self.pool = self._new_pool() if self.tasks else None
        if self.want_pdf and not self.pdf_problem:
            import xlperf.report.pdf  # noqa: F401 - here, not first in a converter thread while a pool may fork
            self.converters = Converters(self.n_jobs)  # one LibreOffice per job
            if self.n_jobs > 1:
                self.pdf_pool = ThreadPoolExecutor(max_workers=self.converters.n, thread_name_prefix="xlperf-pdf")
        try:
            while self.tasks or self.inflight or self.pdf_inflight:
                self._submit()
                self._started()
                ready, _ = wait(list(self.inflight) + list(self.pdf_inflight), return_when=FIRST_COMPLETED)
                self._collect(ready)
                self._schedule_pdf()
                self._flush_state()
            self._flush_state(force_write=True)
            self._started()
        except BaseException:
            self._abandon()
            raise
        finally:
            if self.converters is not None and not self.pdf_inflight:
                self.converters.close()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        if self.pdf_pool is not None:
            self.pdf_pool.shutdown(wait=True)

    def _schedule_pdf(self) -> None:
        """Give waiting docx to free converters: PDF_RUN at a time while workbooks are still being
        processed. At the end the converters should finish together: a free one takes its share
        of what waits plus what the busy ones have not converted yet (up to PDF_RUN)."""
        slots = self.converters.n if self.converters is not None else 1
        while self.pdf_waiting and len(self.pdf_inflight) < slots:
            last = not self.tasks and not self.inflight
            if not last and len(self.pdf_waiting) < PDF_RUN:
                return
            size = PDF_RUN
            if last:
                busy = sum(chunk.unconverted() for chunk in self.pdf_inflight.values())
                size = min(PDF_RUN, -(-(len(self.pdf_waiting) + busy) // slots))
            items, self.pdf_waiting = self.pdf_waiting[:size], self.pdf_waiting[size:]
            self._start_pdf(items)

    def _started(self) -> None:
        """The worker processes are forked at the first submit: from now on threads may start."""
        if self.on_started is not None:
            on_started, self.on_started = self.on_started, None
            self.preload = on_started()

    def _submit(self) -> None:
        in_flight_max = max(2, self.n_jobs * IN_FLIGHT_PER_JOB)
        while self.pool is not None and self.tasks and len(self.inflight) < in_flight_max:
            if isinstance(self.tasks[0], dict):
                # a retry after a worker died: alone, so a second death names its workbook
                if not self.inflight:
                    task = self.tasks.popleft()
                    self.inflight[self.pool.submit(process_many, [task])] = [task]
                return
            # a few at a time, except near the end or in a small run, where they are shared out singly
            size = PER_CALL if len(self.tasks) >= 2 * PER_CALL * in_flight_max else 1
            group = []
            while self.tasks and len(group) < size and not isinstance(self.tasks[0], dict):
                group.append(self._task(*self.tasks.popleft()))
            self.inflight[self.pool.submit(process_many, group)] = group

    def _collect(self, ready) -> None:
        broken: list[dict[str, Any]] = []
        for fut in ready:
            if fut in self.pdf_inflight:
                self._collect_pdf(fut)
                continue
            group = self.inflight.pop(fut)
            try:
                results = fut.result()
            except BrokenProcessPool:
                broken.extend(group)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                results = [{"record": failed_record(task["display"], error_text(exc)).to_dict(), "pdf_source": None} for task in group]
            for task, res in zip(group, results):
                self._take(task, res)
        if broken:
            self._recover(broken)

    def _take(self, task: dict[str, Any], res: dict[str, Any]) -> None:
        """A workbook's result: finished, or on to the PDF converters."""
        rec = res["record"]
        if res.get("pdf_source") and rec.get("status") != STATUS_FAILED:
            task["pdf_source"] = res["pdf_source"]
            self.pdf_waiting.append((task, rec))
        else:
            if self.want_pdf and self.pdf_problem and rec.get("status") != STATUS_FAILED:
                rec["error_message"] = f"{PDF_MISSING}（未找到 LibreOffice）"
            self._finish(task, rec)

    def _recover(self, broken: list[dict[str, Any]]) -> None:
        """A worker process died (killed, out of memory): every task in flight is lost with it."""
        broken.extend(task for group in self.inflight.values() for task in group)
        self.inflight.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        for task in reversed(broken):
            if task["attempt"] >= MAX_ATTEMPTS:
                self._finish(task, failed_record(task["display"], "处理该工作簿时工作进程意外退出（可能内存不足或文件异常）").to_dict())
            else:
                task["attempt"] += 1
                self.tasks.appendleft(task)

    def _finish(self, task: dict[str, Any], rec_dict: dict[str, Any]) -> None:
        self._emit(SummaryRecord.from_dict(rec_dict))
        if self.state is not None:
            self.state.put(task["key"], {
                "sha256": task.get("sha256", ""),
                "options": self.opts,
                "outputs": list(rec_dict.get("outputs") or []),
                "record": rec_dict,
                "input": task["path"],
            })
            self.unsaved += 1

    def _flush_state(self, force_write: bool = False) -> None:
        if self.state is None or not self.unsaved:
            return
        if force_write or (self.unsaved >= self.chunk_size and time.monotonic() - self.last_save >= self.save_gap):
            t = time.monotonic()
            self.state.save()
            self.last_save = time.monotonic()
            self.save_gap = 40 * (self.last_save - t)
            self.unsaved = 0

    def _start_pdf(self, items: list) -> None:
        assert self.converters is not None and self.staging is not None
        chunk = Chunk(items, self.staging)
        if self.pdf_pool is not None:
            self.pdf_inflight[self.pdf_pool.submit(convert_chunk, chunk, self.out, self.staging, self.converters)] = chunk
            return
        for (task, _), rec in zip(items, convert_chunk(chunk, self.out, self.staging, self.converters)):
            self._finish(task, rec)
        self._flush_state()

    def _collect_pdf(self, fut: Future) -> None:
        items = self.pdf_inflight.pop(fut).items
        try:
            recs = fut.result()
        except Exception as exc:  # noqa: BLE001
            recs = []
            for _task, rec in items:
                note = f"{PDF_MISSING}（{type(exc).__name__}：{exc}）"
                rec["error_message"] = f"{rec['error_message']}；{note}" if rec.get("error_message") else note
                recs.append(rec)
        for (task, _), rec in zip(items, recs):
            self._finish(task, rec)
        self._flush_state()

    def _abandon(self) -> None:
        """Interrupted: cancel what is queued, keep what is done (the state file says so)."""
        for fut in self.inflight:
            fut.cancel()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        if self.pdf_pool is not None:
            self.pdf_pool.shutdown(wait=False, cancel_futures=True)
        if self.pdf_inflight:
            from xlperf.report.pdf import stop_all

            stop_all()  # no LibreOffice outlives the batch
            if self.pdf_pool is not None:
                self.pdf_pool.shutdown(wait=True)  # the converting threads return at once now
            self.pdf_inflight.clear()
        if self.state is not None and self.unsaved:
            try:
                self.state.save()
            except OSError:
                pass


def _find_soffice() -> str | None:
    from xlperf.report.pdf import find_soffice

    return find_soffice()
