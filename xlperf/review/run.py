"""One review: read the report, find its table, read what the prose states, compare."""

from __future__ import annotations

from pathlib import Path

from xlperf.review.compare import Comparison
from xlperf.review.document import read_report
from xlperf.review.facts import stated_facts
from xlperf.review.model import Review, finding
from xlperf.review.table import annex_of_report, other_projects, table_of_file


def review_report(report: Path, table: Path | None = None, style: str | None = None, *, table_index: int | None = None) -> Review:
    """Review the Word report ``report`` against ``table`` (a table file), else against the
    report's own annex table. ``style``: the outline its sections are checked against (通用, 四川 …);
    None detects it from the headings. ``table_index``: which table of a table file holding
    several (1-based, as ``--table`` takes it).

    Raises :class:`~xlperf.core.errors.InputError` when the report (or the table file given)
    cannot be read; a report without any table gives one ``table_unreadable`` finding and nothing
    else (no figure can be checked)."""
    report = Path(report)
    doc = read_report(report)
    review = Review(report=report, style=style)
    others: list[str] = []
    why = ""
    if table is not None:
        src = table_of_file(Path(table), table_index)
        others = other_projects(report, src)
    else:
        src, others, why = annex_of_report(report, doc.title_text())
    review.facts = stated_facts(doc, others)
    if src is None:
        found = f"{report.name} 中的自评表附件无法读取（{why}）" if why else f"{report.name} 中没有自评表附件"
        review.findings.append(
            finding("V001", f"{found}，也没有另外提供自评表文件，报告中的数字无法核对：请在命令中给出自评表（xlperf review 报告.docx 自评表.xlsx）")
        )
        return review
    review.table = src
    found = Comparison(src, review.facts).run()
    # in reading order: each paragraph's findings, then those of the table and the outline
    found.sort(key=lambda f: f.paragraph.number if f.paragraph is not None else 10**9)
    review.findings.extend(found)
    review.findings.extend(_outline(doc, review))
    return review


def _outline(doc, review: Review) -> list:  # noqa: ANN001 - a ReportDocument
    """section_missing for each first-level section of the style's outline the report lacks."""
    from xlperf.core.enums import Style
    from xlperf.review.outline import detect_style, missing_sections

    style = Style.of(review.style) if review.style else None
    if style is None:
        from xlperf.core.enums import EvaluationType

        ev = review.table.evaluation if review.table is not None else None
        style = detect_style(doc, None if ev is None else ev.evaluation_type == EvaluationType.DEPARTMENT)
        review.style_detected = style is not None
    if style is None:
        return []
    review.style = str(style)
    how = "（按报告的标题判断；可用 --style 指定）" if review.style_detected else ""
    return [finding("V401", f"按{style}样式的提纲{how}，报告缺少“{s.heading}”部分") for s in missing_sections(doc, style)]
