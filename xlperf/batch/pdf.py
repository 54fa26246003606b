"""PDF for a batch: the docx files of a chunk go through ONE LibreOffice run, several runs at once.

Each converter slot has its own LibreOffice profile folder (two LibreOffice processes sharing a
profile would wait on each other or fail), made once and reused by every run of that slot. A run
that dies (killed, crashed, timed out) leaves behind only the PDFs it finished; the files it did
not finish are converted once more in a new run (the one it died on last), then reported (PDF 未生成). A run never leaves
a process behind: see :func:`xlperf.report.pdf.convert`.
"""

from __future__ import annotations

import os
import queue
import shutil
import uuid
from pathlib import Path
from typing import Any

from xlperf.batch.job import place
from xlperf.batch.result import PDF_MISSING
from xlperf.core.errors import XlperfError

ATTEMPTS = 2  # a file a LibreOffice run did not finish is tried once more in a new run


class Converters:
    """``n`` converter slots, each with its own LibreOffice profile; :meth:`close` removes them."""

    def __init__(self, n: int) -> None:
        self.n = max(1, n)
        self._free: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        for _ in range(self.n):
            self._free.put(None)  # the profile is made when the slot is first used
        self._made: list[Path] = []

    def take(self) -> Path:
        profile = self._free.get()
        if profile is None:
            from xlperf.report.pdf import new_profile

            profile = new_profile()
            self._made.append(profile)
        return profile

    def give(self, profile: Path) -> None:
        self._free.put(profile)

    def close(self) -> None:
        for profile in self._made:
            shutil.rmtree(profile, ignore_errors=True)
        self._made.clear()


class Chunk:
    """Reports on their way through one converter: (task, record dict) pairs whose record has a
    pdf source, and the folder their LibreOffice run writes into."""

    def __init__(self, items: list[tuple[dict[str, Any], dict[str, Any]]], staging: Path) -> None:
        self.items = items
        self.work = staging / f"pdf-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def unconverted(self) -> int:
        """How many of its reports have no PDF yet (LibreOffice writes them one after another)."""
        try:
            with os.scandir(self.work) as entries:
                done = sum(1 for e in entries if e.name.endswith(".pdf"))
        except OSError:
            done = 0
        return max(0, len(self.items) - done)


def convert_chunk(chunk: Chunk, outdir: Path, staging: Path, converters: Converters) -> list[dict[str, Any]]:
    """Convert the docx of a chunk to PDF in ONE LibreOffice run (plus one for what it did not
    finish); move each PDF into place.

    Returns the records, updated (PDF added to 输出, or 错误信息 says PDF 未生成).
    """
    items, work = chunk.items, chunk.work
    work.mkdir(parents=True, exist_ok=True)
    sources = [Path(task["pdf_source"]) for task, _ in items]
    produced, problem = _convert(sources, work, converters)
    out = []
    for (task, rec), src, pdf in zip(items, sources, produced):
        final = outdir / (task["base"] + ".pdf")
        moved = problem
        if pdf is not None:
            try:
                place(pdf, final)
            except XlperfError as exc:  # the last run's PDF open in a reader on Windows
                pdf, moved = None, exc.message
        if pdf is not None:
            outputs = list(rec.get("outputs") or [])
            outputs.append(final.name)
            rec["outputs"] = outputs
            if not rec.get("report"):
                rec["report"] = final.name
        else:
            note = f"{PDF_MISSING}（{moved or 'LibreOffice 未能转换该文件'}）"
            rec["error_message"] = f"{rec['error_message']}；{note}" if rec.get("error_message") else note
        if src.parent == staging:  # a docx made only for the PDF
            try:
                src.unlink()
            except OSError:
                pass
        out.append(rec)
    shutil.rmtree(work, ignore_errors=True)
    return out


def _convert(sources: list[Path], work: Path, converters: Converters) -> tuple[list[Path | None], str]:
    """(the complete PDF of each source or None, why the missing ones are missing)."""
    from xlperf.report import pdf as lo

    produced: list[Path | None] = [None] * len(sources)
    pending = list(range(len(sources)))
    problem = ""
    profile = converters.take()
    try:
        for _attempt in range(ATTEMPTS):
            try:
                run = lo.convert([sources[i] for i in pending], work, profile=profile)
            except XlperfError as exc:
                return produced, exc.message
            for i, pdf in zip(pending, run.produced):
                produced[i] = pdf
            pending = [pending[j] for j in run.missing]
            if not pending:
                break
            if run.timed_out or run.returncode:
                # LibreOffice converts in order: it died on the first file it did not finish, the
                # others it never reached. That one goes last in the new run, so a file that kills
                # LibreOffice every time cannot take the others down with it twice.
                pending = pending[1:] + pending[:1]
            if run.timed_out:
                problem = f"LibreOffice 转换超时（{int(run.limit)} 秒）"
            elif run.returncode:
                problem = f"LibreOffice 转换进程意外退出（退出码 {run.returncode}）"
            else:
                problem = f"LibreOffice 未能转换该文件{'：' + run.error if run.error else ''}"
    finally:
        converters.give(profile)
    return produced, problem
