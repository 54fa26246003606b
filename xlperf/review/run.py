"""One review: read the report, find its table, read what the prose states, compare."""

from __future__ import annotations

from pathlib import Path

from xlperf.review.compare import Comparison
from xlperf.review.document import read_report
from xlperf.review.facts import stated_facts
from xlperf.review.model import Review, finding
from xlperf.review.table import annex_of_report, table_of_file


def review_report(report: Path, table: Path | None = None, style: str | None = None) -> Review:
    """Review the Word report ``report`` against ``table`` (a table file), else against the
    report's own annex table. ``style``: the outline its sections are checked against (通用, 四川 …);
    None detects it from the headings.

    Raises :class:`~xlperf.core.errors.InputError` when the report (or the table file given)
    cannot be read; a report without any table gives one ``table_unreadable`` finding and nothing
    else (no figure can be checked)."""
    report = Path(report)
    doc = read_report(report)
    review = Review(report=report, style=style)
    others: list[str] = []
    if table is not None:
        src = table_of_file(Path(table))
    else:
        src, others = annex_of_report(report, doc.title_text())
    review.facts = stated_facts(doc, others)
    if src is None:
        review.findings.append(
            finding("V001", f"{report.name} 中没有可读取的自评表附件，也没有另外提供自评表文件，报告中的数字无法核对：请在命令中给出自评表（xlperf review 报告.docx 自评表.xlsx）")
        )
        return review
    review.table = src
    review.findings.extend(Comparison(src, review.facts).run())
    return review
