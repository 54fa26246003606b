"""PDF for a batch: the docx files of a chunk go through ONE LibreOffice call."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from xlperf.batch.result import PDF_MISSING
from xlperf.core.errors import XlperfError


def convert_chunk(items: list[tuple[dict[str, Any], dict[str, Any]]], outdir: Path, staging: Path) -> list[dict[str, Any]]:
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
