"""A whole finance bureau at once: check many workbooks, write one report each and a 汇总表.

Library first (:func:`run_batch`, :func:`check_records`): nothing here prints; progress goes
through a callback. :data:`batch_command` is the thin ``xlperf batch`` click command.

How it stays fast and safe with thousands of files:

* worker processes (``ProcessPoolExecutor``), each initialised once (report templates loaded
  once per process); ``jobs=1`` runs in-process;
* at most ``4 × jobs`` workbooks in flight; workers send back a small :class:`SummaryRecord`
  (summary fields and findings), never an Evaluation, so memory does not grow with N;
* every output goes to a temporary name in ``OUTDIR/.xlperf-tmp`` and is moved into place
  with ``os.replace``: a killed batch leaves complete reports or none; the next run clears the
  temporary folder;
* ``OUTDIR/.xlperf-batch.json`` maps each input to the sha256 of its content and the options
  (formats, style, xlperf version, report template hash); it is rewritten atomically after each
  chunk, so a re-run skips unchanged workbooks whose outputs exist and an interrupted run resumes;
* PDF: the docx files of a chunk go through ONE LibreOffice process (in a background thread
  while the workers go on with the next workbooks).
"""

from __future__ import annotations

import gc
import glob
import hashlib
import json
import os
import shutil
import signal
import stat
import sys
import time
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import click

from xlperf.errors import EXIT_FINDINGS, EXIT_OK, InputError, OutputError, XlperfError
from xlperf.summary import (
    HANDLED_CHECK,
    HANDLED_NEW,
    HANDLED_REUSED,
    STATUS_ERRORS,
    STATUS_FAILED,
    STATUS_OK,
    SummaryRecord,
    failed_record,
    record_from_evaluation,
)

FORMATS = ("docx", "pdf", "md")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OLD_WORKBOOK_SUFFIXES = (".xls", ".xlsb", ".et")  # workbooks a unit sent, in a format we do not read
REPORT_SUFFIX = "-自评报告"
SUMMARY_XLSX = "汇总表.xlsx"
SUMMARY_CSV = "汇总表.csv"
STATE_FILE = ".xlperf-batch.json"
STAGING_DIR = ".xlperf-batch-tmp"
LOCK_NAME = ".xlperf-batch.lock"
STATE_VERSION = 1
DEFAULT_CHUNK = 50
IN_FLIGHT_PER_JOB = 4
MAX_ATTEMPTS = 2  # a workbook in flight when a worker process died is retried once

SKIP_LOCK = "锁文件"
SKIP_HIDDEN = "隐藏文件"
SKIP_OTHER = "非工作簿"

OLD_FORMAT_MESSAGE = "这是旧版 {suffix} 格式，程序只能读取 .xlsx：请在 Excel 或 WPS 中打开后“另存为 .xlsx”再运行"
PDF_MISSING = "PDF 未生成"


# --- finding the workbooks -------------------------------------------------------------------------


@dataclass
class Skipped:
    path: Path
    reason: str  # 锁文件 / 隐藏文件 / 非工作簿


@dataclass
class Discovery:
    workbooks: list[Path] = field(default_factory=list)  # .xlsx/.xlsm, deduplicated, in input order
    old_format: list[Path] = field(default_factory=list)  # .xls & co: reported as failed
    skipped: list[Skipped] = field(default_factory=list)


_GLOB_CHARS = set("*?[")


def _is_hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    attrs = getattr(_stat(path), "st_file_attributes", 0)  # Windows only
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


def _key(path: Path) -> str:
    """One key per file, whatever spelling reached it (symlinks, case on Windows, ./ and ..)."""
    return os.path.normcase(os.path.realpath(path))


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def discover(inputs: Iterable[str | Path], *, exclude: Path | None = None) -> Discovery:
    """Expand files, folders (recursively) and glob patterns into workbooks to process.

    Lock files (``~$…``), hidden files and anything not a workbook are skipped and counted;
    .xls/.xlsb/.et files are listed apart (they are reported as failed, not ignored). Files under
    ``exclude`` (the output folder) are never inputs. Raises InputError for an input that matches
    nothing.
    """
    found = Discovery()
    seen: set[str] = set()

    def consider(p: Path, explicit: bool) -> None:
        if _inside(p, exclude) and not explicit:
            return
        k = _key(p)
        if k in seen:
            return
        seen.add(k)
        name = p.name
        suffix = p.suffix.lower()
        if name.startswith("~$"):
            found.skipped.append(Skipped(p, SKIP_LOCK))
        elif _is_hidden(p):
            found.skipped.append(Skipped(p, SKIP_HIDDEN))
        elif suffix in WORKBOOK_SUFFIXES:
            found.workbooks.append(p)
        elif suffix in OLD_WORKBOOK_SUFFIXES:
            found.old_format.append(p)
        else:
            found.skipped.append(Skipped(p, SKIP_OTHER))

    def walk(folder: Path) -> None:
        for root, dirs, files in os.walk(folder):
            rp = Path(root)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _inside(rp / d, exclude))
            for f in sorted(files):
                consider(rp / f, explicit=False)

    for raw in inputs:
        text = str(raw)
        p = Path(text)
        if p.is_dir():
            walk(p)
        elif p.is_file():
            consider(p, explicit=True)
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"没有与“{text}”匹配的文件", code="X004")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    walk(mp)
                elif mp.is_file():
                    consider(mp, explicit=False)
        else:
            raise InputError("文件或文件夹不存在", path=p, code="X002")
    return found


def output_bases(paths: Sequence[Path]) -> dict[Path, str]:
    """Report base names (without suffix): ``<stem>-自评报告``; stems shared by files in different
    folders get their parent folder names in front (``县医保局-自评表-自评报告``)."""
    parents = {p: [x for x in Path(os.path.abspath(p)).parent.parts if x not in ("/", "\\") and not x.endswith((":", ":\\"))] for p in paths}
    depth = {p: 0 for p in paths}

    def name(p: Path) -> str:
        d = depth[p]
        prefix = parents[p][-d:] if d else []
        return "-".join([*prefix, p.stem])

    for _ in range(64):
        groups: dict[str, list[Path]] = {}
        for p in paths:
            groups.setdefault(name(p).casefold(), []).append(p)
        moved = False
        for members in groups.values():
            if len(members) > 1:
                for p in members:
                    if depth[p] < len(parents[p]):
                        depth[p] += 1
                        moved = True
        if not moved:
            break
    out: dict[Path, str] = {}
    used: set[str] = set()
    for p in paths:
        base = name(p) + REPORT_SUFFIX
        candidate, n = base, 2
        while candidate.casefold() in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate.casefold())
        out[p] = candidate
    return out


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """The 文件 column: paths relative to the folder all inputs share (just the name for one folder)."""
    if not paths:
        return {}
    absolute = {p: os.path.abspath(p) for p in paths}
    try:
        root = os.path.commonpath([os.path.dirname(a) for a in absolute.values()])
    except ValueError:  # different drives on Windows
        return {p: str(p) for p in paths}
    return {p: os.path.relpath(a, root) for p, a in absolute.items()}


# --- results and progress -------------------------------------------------------------------------


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
    records: list[SummaryRecord]
    skipped: list[Skipped]
    outdir: Path | None = None
    summary_path: Path | None = None
    csv_path: Path | None = None
    pdf_problem: str = ""  # why PDF could not be produced at all ("" when fine)
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        return sum(1 for r in self.records if r.状态 == STATUS_OK)

    @property
    def with_errors(self) -> int:
        return sum(1 for r in self.records if r.状态 == STATUS_ERRORS)

    @property
    def failed(self) -> list[SummaryRecord]:
        return [r for r in self.records if r.状态 == STATUS_FAILED]

    @property
    def reused(self) -> int:
        return sum(1 for r in self.records if r.处理 == HANDLED_REUSED)

    @property
    def pdf_missing(self) -> list[SummaryRecord]:
        return [r for r in self.records if PDF_MISSING in r.错误信息 and r.状态 != STATUS_FAILED]

    @property
    def exit_code(self) -> int:
        if self.with_errors or self.failed or self.pdf_missing or self.pdf_problem:
            return EXIT_FINDINGS
        return EXIT_OK

    def summary_lines(self) -> list[str]:
        """The final summary, in Chinese, one line per failed workbook."""
        lines = [
            f"共 {len(self.records)} 个工作簿：成功 {self.ok}，有错误 {self.with_errors}，失败 {len(self.failed)}，"
            f"跳过 {len(self.skipped)}（锁文件/非工作簿）"
        ]
        if self.reused:
            lines.append(f"其中 {self.reused} 个未变更，沿用上次的结果和报告（加 --force 全部重新生成）。")
        if self.pdf_problem:
            lines.append(f"{PDF_MISSING}：{self.pdf_problem}")
        elif self.pdf_missing:
            lines.append(f"{PDF_MISSING} {len(self.pdf_missing)} 个：" + "、".join(r.文件 for r in self.pdf_missing[:20]) + ("……" if len(self.pdf_missing) > 20 else ""))
        for r in self.failed:
            lines.append(f"失败：{r.文件}：{r.错误信息}")
        if self.summary_path is not None:
            lines.append(f"汇总表：{self.summary_path}")
        if self.csv_path is not None:
            lines.append(f"汇总表（CSV）：{self.csv_path}")
        return lines


# --- options and state ----------------------------------------------------------------------------


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def template_hash() -> str:
    """sha256 over the report templates shipped with xlperf (a changed template redoes reports)."""
    h = hashlib.sha256()
    roots = [Path(__file__).resolve().parent / "templates"]
    try:  # the report package may name its own template files
        from xlperf import report

        for attr in ("TEMPLATE_DIR", "TEMPLATES_DIR"):
            d = getattr(report, attr, None)
            if d:
                roots.append(Path(d))
        for attr in ("TEMPLATE_PATH", "DEFAULT_TEMPLATE"):
            f = getattr(report, attr, None)
            if f and Path(f).is_file():
                h.update(Path(f).read_bytes())
    except Exception:  # noqa: BLE001 - no report module: nothing to hash
        pass
    for root in roots:
        if root.is_dir():
            for f in sorted(root.rglob("*")):
                if f.is_file():
                    h.update(f.relative_to(root).as_posix().encode())
                    h.update(f.read_bytes())
    return h.hexdigest()


def options_key(formats: Sequence[str], style: str | None) -> str:
    from xlperf import __version__

    data = {"formats": sorted(formats), "style": style or "", "version": __version__, "template": template_hash()}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def load_state(outdir: Path) -> dict[str, Any]:
    path = outdir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == STATE_VERSION and isinstance(data.get("entries"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"version": STATE_VERSION, "entries": {}}


def save_state(outdir: Path, state: dict[str, Any]) -> None:
    """Write the state file atomically (a temp file in the same folder, then os.replace)."""
    from xlperf.xlsx import atomic_write_bytes

    atomic_write_bytes(outdir / STATE_FILE, json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# --- the worker -----------------------------------------------------------------------------------

_WORKER_READY = False


def _init_worker(warm: bool = True, in_process: bool = False) -> None:
    """Run once per worker process: import what every workbook needs, load the report template."""
    global _WORKER_READY
    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    if _WORKER_READY:
        return
    import xlperf.api  # noqa: F401
    import xlperf.narrative  # noqa: F401
    import xlperf.reader  # noqa: F401
    import xlperf.scoring  # noqa: F401

    if warm:
        try:
            from xlperf import report

            for name in ("warm", "load_template", "default_template", "_load_template", "_template"):
                fn = getattr(report, name, None)
                if callable(fn):
                    try:
                        fn()
                        break
                    except TypeError:
                        continue
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass
    _WORKER_READY = True
    if not in_process:
        # what was imported and warmed stays for the life of the worker: out of the collector's way
        gc.collect()
        gc.freeze()


def report_sections(ev: Any, names: list[str], grids: dict[str, Any], style: str | None):
    """The narrative sections in ``style`` (or the workbook's), with the officer's 定稿 applied."""
    from xlperf.report import report_sections as sections_of

    return sections_of(ev, names, grids, style)


# Sheets of the template that neither scoring nor any report reads: the guide, the findings the
# program itself writes, the hidden list helper. Not reading them saves ~15% of a workbook's read.
UNREAD_SHEETS = ("说明", "校验结果", "_lists")


def load_workbook_evaluation(path: str | Path):
    """:func:`xlperf.api.load_evaluation` without the sheets nothing reads (UNREAD_SHEETS).

    Same reader, same scoring, same (evaluation, sheet names, grids). Should the indicator table
    sit on one of those sheets after all (a foreign workbook), it falls back to reading everything.
    """
    from xlperf import xlsx
    from xlperf.api import load_evaluation
    from xlperf.reader import read_workbook
    from xlperf.scoring import evaluate

    p = Path(path)
    if not p.is_file():
        return load_evaluation(p)  # its own Chinese errors for a missing file or a folder
    names = xlsx.sheet_names(p)
    wanted = [n for n in names if n not in UNREAD_SHEETS]
    if len(wanted) == len(names):
        return load_evaluation(p)
    names, grids = xlsx.read_grids(p, wanted)
    try:
        return evaluate(read_workbook(names, grids, source=p.name)), names, grids
    except InputError:
        return load_evaluation(p)


def _error_text(exc: BaseException) -> str:
    import zipfile

    if isinstance(exc, XlperfError):
        where = f"{exc.sheet}!{exc.cell}" if exc.sheet and exc.cell else (exc.sheet or "")
        return f"{where}：{exc.message}" if where else exc.message
    if isinstance(exc, zipfile.BadZipFile):
        return "不是有效的 .xlsx 工作簿（文件已损坏、未下载完整，或是改了扩展名的其他文件）"
    if isinstance(exc, MemoryError):
        return "工作簿过大，内存不足，无法处理"
    return f"处理时出错（{type(exc).__name__}：{exc}）；请用 xlperf check 单独检查该文件"


def _staged(staging: Path, final_name: str) -> Path:
    return staging / f"{os.getpid()}-{uuid.uuid4().hex[:8]}-{final_name}"


GC_EVERY = 10  # tasks between full collections in a worker
_tasks_since_gc = 0


def _process(task: dict[str, Any]) -> dict[str, Any]:
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


def _process_one(task: dict[str, Any]) -> dict[str, Any]:
    file = task["display"]
    try:
        ev, names, grids = load_workbook_evaluation(task["path"])
        rec = record_from_evaluation(ev, file)
        rec.处理 = task.get("handled", HANDLED_NEW)
    except BaseException as exc:  # noqa: BLE001 - one bad workbook must not stop the bureau
        if isinstance(exc, KeyboardInterrupt):
            raise
        rec = failed_record(file, _error_text(exc))
        rec.处理 = task.get("handled", HANDLED_NEW)
        return {"record": rec.to_dict(), "pdf_source": None}

    formats = task["formats"]
    pdf_source = None
    if not formats:
        return {"record": rec.to_dict(), "pdf_source": None}
    try:
        from xlperf import report

        outdir, staging, base = Path(task["outdir"]), Path(task["staging"]), task["base"]
        sections = report_sections(ev, names, grids, task.get("style"))
        context = report.build_context(ev, sections, grids=grids)
        outputs: list[str] = []
        need_docx = "docx" in formats or "pdf" in formats
        if need_docx:
            tmp = _staged(staging, base + ".docx")
            report.render_docx(context, tmp)
            if "docx" in formats:
                final = outdir / (base + ".docx")
                os.replace(tmp, final)
                outputs.append(final.name)
                pdf_source = str(final)
            else:
                pdf_source = str(tmp)  # converted, then deleted
        if "md" in formats:
            tmp = _staged(staging, base + ".md")
            text = report.render_markdown(context)
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            final = outdir / (base + ".md")
            os.replace(tmp, final)
            outputs.append(final.name)
        rec.输出 = outputs
        rec.报告文件 = outputs[0] if outputs else ""
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        rec.状态 = STATUS_FAILED
        rec.错误信息 = "生成报告失败：" + _error_text(exc)
        pdf_source = None
    return {"record": rec.to_dict(), "pdf_source": pdf_source if "pdf" in formats else None}


class _InlineExecutor:
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


# --- PDF ------------------------------------------------------------------------------------------


def find_soffice() -> str | None:
    """The LibreOffice program, or None."""
    try:
        from xlperf import report

        for name in ("find_soffice", "soffice_path", "_find_soffice"):
            fn = getattr(report, name, None)
            if callable(fn):
                found = fn()
                return str(found) if found else None
    except Exception:  # noqa: BLE001
        pass
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe", r"C:\Program Files (x86)\LibreOffice\program\soffice.exe", "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


def _convert_chunk(items: list[tuple[dict[str, Any], dict[str, Any]]], outdir: Path, staging: Path) -> list[dict[str, Any]]:
    """Convert the docx of a chunk to PDF in ONE LibreOffice call; move each PDF into place.

    ``items``: (task, record dict) pairs whose record has a pdf source. Returns the records,
    updated (PDF added to 输出, or 错误信息 says PDF 未生成).
    """
    from xlperf import report

    work = staging / f"pdf-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True, exist_ok=True)
    sources = [Path(task["pdf_source"]) for task, _ in items]
    problem = ""
    try:
        report.render_pdf(sources, work)
    except XlperfError as exc:
        problem = exc.message
    except Exception as exc:  # noqa: BLE001
        problem = f"{type(exc).__name__}：{exc}"
    out = []
    for (task, rec), src in zip(items, sources):
        produced = work / (src.stem + ".pdf")
        final = outdir / (task["base"] + ".pdf")
        if produced.exists() and produced.stat().st_size > 0:
            os.replace(produced, final)
            outputs = list(rec.get("输出") or [])
            outputs.append(final.name)
            rec["输出"] = outputs
            if not rec.get("报告文件"):
                rec["报告文件"] = final.name
        else:
            note = f"{PDF_MISSING}（{problem or 'LibreOffice 未能转换该文件'}）"
            rec["错误信息"] = f"{rec['错误信息']}；{note}" if rec.get("错误信息") else note
        if src.parent == staging:  # a docx made only for the PDF
            try:
                src.unlink()
            except OSError:
                pass
        out.append(rec)
    shutil.rmtree(work, ignore_errors=True)
    return out


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
            raise InputError(f"报告格式“{f}”无效，应为：{'、'.join(FORMATS)}（可用逗号分隔多个）", code="X031")
        if f not in out:
            out.append(f)
    return tuple(out)


def _prepare_outdir(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise OutputError("输出位置已存在且不是文件夹", path=outdir, code="X106")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{exc.strerror or exc}）", path=outdir, code="X102") from exc
    # os.access says yes to root even on a read-only mount: try a real write.
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=outdir):
            pass
    except OSError as exc:
        raise OutputError(f"输出文件夹不可写（{exc.strerror or exc}）", path=outdir, code="X107") from exc


def _excel_lock(path: Path) -> Path | None:
    """The owner file Excel/WPS/LibreOffice keeps beside a workbook it has open, or None."""
    from xlperf.xlsx import excel_lock_file

    return excel_lock_file(path)


def _clear_staging(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=True)


def _cleanup_stray_temps(outdir: Path) -> None:
    """Temp files an atomic write left in OUTDIR when a run was killed (we hold the folder's lock)."""
    from xlperf.xlsx import TEMP_PREFIX

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
    from xlperf import layout

    started = time.perf_counter()
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    fmts = _parse_formats(formats)
    if style is not None and style not in layout.REPORT_STYLES:
        raise InputError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}", code="X030")
    out = Path(outdir)
    _prepare_outdir(out)
    summary_path = out / SUMMARY_XLSX
    csv_path = out / SUMMARY_CSV if csv else None
    for target in [summary_path] + ([csv_path] if csv_path else []):
        lock = _excel_lock(target)
        if lock is not None and target.exists():
            raise OutputError(f"文件正在 Excel/WPS 中打开（发现锁文件 {lock.name}），请先关闭再运行", path=target, code="X103")

    notify = progress or (lambda _p: None)
    found = discover(inputs, exclude=out)
    if not found.workbooks and not found.old_format:
        raise InputError(
            f"没有找到 .xlsx 工作簿（跳过 {len(found.skipped)} 个锁文件/非工作簿）", code="X005"
        )

    from filelock import FileLock, Timeout

    lock = FileLock(str(out / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise OutputError("另一个批量任务正在写入这个输出文件夹，请等它结束或换一个文件夹", path=out, code="X108") from exc
    try:
        staging = out / STAGING_DIR
        _clear_staging(staging)
        _cleanup_stray_temps(out)
        result = _run(found, out, staging, fmts, jobs, force, style, chunk_size, notify, check_only=False)
        from xlperf.summary import write_summary_xlsx, write_summary_csv

        write_summary_xlsx(result.records, summary_path)
        result.summary_path = summary_path
        if csv_path is not None:
            write_summary_csv(result.records, csv_path)
            result.csv_path = csv_path
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    result.outdir = out
    result.elapsed = time.perf_counter() - started
    notify(Progress("finish", len(result.records), len(result.records)))
    return result


def check_records(inputs: Sequence[str | Path], *, jobs: int = 1, progress: ProgressCallback | None = None) -> list[SummaryRecord]:
    """Check workbooks without writing anything; the records of the 汇总表 (for analysts)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    found = discover(inputs)
    result = _run(found, None, None, (), jobs, True, None, DEFAULT_CHUNK, progress or (lambda _p: None), check_only=True)
    return result.records


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
) -> BatchResult:
    names = display_names(found.workbooks + found.old_format)
    bases = output_bases(found.workbooks)
    total = len(found.workbooks) + len(found.old_format)
    records: list[SummaryRecord] = []
    done = 0
    notify(Progress("start", 0, total, message=f"共 {total} 个工作簿，跳过 {len(found.skipped)} 个锁文件/非工作簿"))

    for p in found.old_format:
        rec = failed_record(names[p], OLD_FORMAT_MESSAGE.format(suffix=p.suffix.lower()))
        rec.处理 = HANDLED_CHECK if check_only else HANDLED_NEW
        records.append(rec)
        done += 1
        notify(Progress("item", done, total, rec))

    pdf_problem = ""
    want_pdf = "pdf" in fmts
    worker_formats = fmts
    if want_pdf and find_soffice() is None:
        pdf_problem = "未找到 LibreOffice（soffice），无法转换 PDF；已照常生成 Word 报告。请安装 LibreOffice 后重新运行。"
        notify(Progress("message", done, total, message=pdf_problem))
        # the Word reports are still written (and kept), the PDF step is left out
        worker_formats = tuple(f for f in fmts if f != "pdf")
        if "docx" not in worker_formats:
            worker_formats = ("docx", *worker_formats)

    state: dict[str, Any] = {"version": STATE_VERSION, "entries": {}}
    opts = ""
    if out is not None:
        state = load_state(out)
        opts = options_key(fmts, style)
    entries: dict[str, Any] = state["entries"]

    # plan: reuse unchanged workbooks, queue the others
    tasks: deque[dict[str, Any]] = deque()
    for p in found.workbooks:
        key = _key(p)
        task = {
            "path": str(p),
            "key": key,
            "display": names[p],
            "base": bases[p],
            "formats": worker_formats,
            "style": style,
            "outdir": str(out) if out else "",
            "staging": str(staging) if staging else "",
            "handled": HANDLED_CHECK if check_only else HANDLED_NEW,
            "attempt": 1,
        }
        if out is not None:
            try:
                task["sha256"] = _file_hash(p)
            except OSError as exc:
                rec = failed_record(names[p], f"无法读取文件（{exc.strerror or exc}）")
                records.append(rec)
                done += 1
                notify(Progress("item", done, total, rec))
                continue
            expected = sorted(bases[p] + "." + f for f in fmts)
            entry = entries.get(key)
            if (
                not force
                and entry
                and entry.get("sha256") == task["sha256"]
                and entry.get("options") == opts
                and sorted(entry.get("outputs", [])) == expected
                and all((out / o).is_file() for o in expected)
                and entry.get("record", {}).get("状态") in (STATUS_OK, STATUS_ERRORS)
            ):
                rec = SummaryRecord.from_dict(entry["record"])
                rec.文件 = names[p]
                for f in rec.问题:
                    f["文件"] = names[p]
                rec.处理 = HANDLED_REUSED
                records.append(rec)
                done += 1
                notify(Progress("item", done, total, rec))
                continue
        tasks.append(task)

    n_jobs = max(1, int(jobs or os.cpu_count() or 1))
    n_jobs = min(n_jobs, max(1, len(tasks)))
    in_flight_max = max(2, n_jobs * IN_FLIGHT_PER_JOB)

    def new_pool():
        if n_jobs == 1:
            return _InlineExecutor(_init_worker, (bool(fmts), True))
        return ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(bool(fmts), False))

    pool = new_pool() if tasks else None
    pdf_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlperf-pdf") if (want_pdf and not pdf_problem and n_jobs > 1) else None
    inflight: dict[Future, dict[str, Any]] = {}
    pdf_inflight: dict[Future, list] = {}
    pdf_waiting: list[tuple[dict[str, Any], dict[str, Any]]] = []
    unsaved = 0

    def finish(task: dict[str, Any], rec_dict: dict[str, Any]) -> None:
        nonlocal done, unsaved
        rec = SummaryRecord.from_dict(rec_dict)
        records.append(rec)
        done += 1
        if out is not None:
            entries[task["key"]] = {
                "sha256": task.get("sha256", ""),
                "options": opts,
                "outputs": list(rec.输出),
                "record": rec_dict,  # shares its findings list with ``rec``: one copy in memory
                "input": task["path"],
            }
            unsaved += 1
        notify(Progress("item", done, total, rec))

    save_gap = 0.0  # seconds to wait after a save: 20 × its duration keeps saving under 5% of the run
    last_save = time.monotonic()

    def flush_state(force_write: bool = False) -> None:
        nonlocal unsaved, save_gap, last_save
        if out is None or not unsaved:
            return
        if force_write or (unsaved >= chunk_size and time.monotonic() - last_save >= save_gap):
            t = time.monotonic()
            save_state(out, state)
            last_save = time.monotonic()
            save_gap = 20 * (last_save - t)
            unsaved = 0

    def start_pdf(items: list) -> None:
        if pdf_pool is not None:
            pdf_inflight[pdf_pool.submit(_convert_chunk, items, out, staging)] = items
        else:
            for (task, _), rec in zip(items, _convert_chunk(items, out, staging)):
                finish(task, rec)
            flush_state()

    def collect_pdf(fut: Future) -> None:
        items = pdf_inflight.pop(fut)
        try:
            recs = fut.result()
        except Exception as exc:  # noqa: BLE001
            recs = []
            for _task, rec in items:
                note = f"{PDF_MISSING}（{type(exc).__name__}：{exc}）"
                rec["错误信息"] = f"{rec['错误信息']}；{note}" if rec.get("错误信息") else note
                recs.append(rec)
        for (task, _), rec in zip(items, recs):
            finish(task, rec)
        flush_state()

    try:
        while tasks or inflight or pdf_inflight:
            while pool is not None and tasks and len(inflight) < in_flight_max:
                if tasks[0]["attempt"] > 1:
                    # a retry after a worker died: alone, so a second death names its workbook
                    if inflight:
                        break
                    task = tasks.popleft()
                    inflight[pool.submit(_process, task)] = task
                    break
                task = tasks.popleft()
                inflight[pool.submit(_process, task)] = task
            waiting = list(inflight) + list(pdf_inflight)
            ready, _ = wait(waiting, return_when=FIRST_COMPLETED)
            broken: list[dict[str, Any]] = []
            for fut in ready:
                if fut in pdf_inflight:
                    collect_pdf(fut)
                    continue
                task = inflight.pop(fut)
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    broken.append(task)
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    res = {"record": failed_record(task["display"], _error_text(exc)).to_dict(), "pdf_source": None}
                rec = res["record"]
                if res.get("pdf_source") and rec.get("状态") != STATUS_FAILED:
                    task["pdf_source"] = res["pdf_source"]
                    pdf_waiting.append((task, rec))
                else:
                    if want_pdf and pdf_problem and rec.get("状态") != STATUS_FAILED:
                        rec["错误信息"] = f"{PDF_MISSING}（未找到 LibreOffice）"
                    finish(task, rec)
            if broken:
                # a worker process died (killed, out of memory): every task in flight is lost
                broken.extend(inflight.values())
                inflight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                for task in reversed(broken):
                    if task["attempt"] >= MAX_ATTEMPTS:
                        finish(task, failed_record(task["display"], "处理该工作簿时工作进程意外退出（可能内存不足或文件异常）").to_dict())
                    else:
                        task["attempt"] += 1
                        tasks.appendleft(task)
            if pdf_waiting and (len(pdf_waiting) >= chunk_size or (not tasks and not inflight)):
                items, pdf_waiting[:] = list(pdf_waiting), []
                start_pdf(items)
            flush_state()
        flush_state(force_write=True)
    except BaseException:
        for fut in inflight:
            fut.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if pdf_pool is not None:
            pdf_pool.shutdown(wait=False, cancel_futures=True)
        if out is not None and unsaved:
            try:
                save_state(out, state)
            except OSError:
                pass
        raise
    if pool is not None:
        pool.shutdown(wait=True)
    if pdf_pool is not None:
        pdf_pool.shutdown(wait=True)
    return BatchResult(records=records, skipped=list(found.skipped), pdf_problem=pdf_problem)


# --- the command --------------------------------------------------------------------------------------


class _Reporter:
    """Progress for people: a rich bar on a terminal, plain lines every ~5% or 2 s otherwise."""

    def __init__(self, quiet: bool, tty: bool | None = None) -> None:
        self.quiet = quiet
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.bar = None
        self.task = None
        self.last_time = 0.0
        self.last_done = 0
        self.started = time.monotonic()

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        if p.kind == "message":
            self._echo(p.message)
        elif p.kind == "start":
            self.started = time.monotonic()
            if self.tty:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

                self.bar = Bar(
                    TextColumn("批量处理"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"),
                    TextColumn("剩余"),
                    TimeRemainingColumn(),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task("batch", total=p.total, rate="")
            else:
                click.echo(p.message)
        elif p.kind == "item":
            if self.bar is not None:
                elapsed = max(time.monotonic() - self.started, 1e-6)
                self.bar.update(self.task, completed=p.done, rate=f"{p.done / elapsed:.1f} 个/秒")
                return
            now = time.monotonic()
            step = max(1, p.total // 20)
            if p.done >= p.total or p.done - self.last_done >= step or now - self.last_time >= 2.0:
                elapsed = max(now - self.started, 1e-6)
                rate = p.done / elapsed
                left = (p.total - p.done) / rate if rate > 0 else 0
                pct = 100 * p.done / p.total if p.total else 100
                click.echo(f"已处理 {p.done}/{p.total}（{pct:.0f}%），{rate:.1f} 个/秒，预计剩余 {_duration(left)}")
                self.last_time, self.last_done = now, p.done
        elif p.kind == "finish":
            self.close()

    def _echo(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    m, s = divmod(seconds, 60)
    if m < 60:
        return f"{m} 分 {s} 秒"
    h, m = divmod(m, 60)
    return f"{h} 小时 {m} 分"


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("inputs", nargs=-1, required=True, metavar="输入…")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), help="输出文件夹（报告、汇总表.xlsx）。不存在时自动创建。")
@click.option("--format", "fmt", default="docx", show_default=True, help="报告格式，逗号分隔：docx、pdf、md。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数，默认为 CPU 核数；1 表示在本进程中逐个处理。")
@click.option("--force", is_flag=True, help="全部重新生成（默认跳过内容和选项都未变、报告仍在的工作簿）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度，只输出最后的汇总。")
@click.option("--csv", "csv_out", is_flag=True, help="另外输出 汇总表.csv（UTF-8，Excel 可直接打开）。")
@click.option("--style", default=None, help="报告样式：通用 / 四川 / 山西 / 陕西 / 湖南；默认按各工作簿“项目信息”中的报告样式。")
def batch_command(inputs: tuple[str, ...], outdir: Path, fmt: str, jobs: int | None, force: bool, quiet: bool, csv_out: bool, style: str | None) -> None:
    """批量校验多个自评表，每个工作簿生成一份自评报告，并生成 汇总表.xlsx。

    \b
    输入可以是文件、文件夹（含子文件夹）或通配符，例如：
      xlperf batch 2025自评/ -o 报告/
      xlperf batch "各单位/*.xlsx" -o 报告/ --format docx,pdf --csv
    Excel/WPS 锁文件（~$开头）、隐藏文件和非工作簿自动跳过；.xls 文件列为失败（请另存为 .xlsx）。
    再次运行时，内容和选项都未变且报告仍在的工作簿直接沿用上次结果；--force 全部重做。
    退出码：0 全部成功且无错误；1 有工作簿存在“错误”级问题、处理失败或 PDF 未生成。
    """
    reporter = _Reporter(quiet)
    try:
        result = run_batch(list(inputs), outdir, formats=fmt, jobs=jobs, force=force, style=style, csv=csv_out, progress=reporter)
    finally:
        reporter.close()
    for line in result.summary_lines():
        click.echo(line)
    sys.exit(result.exit_code)
