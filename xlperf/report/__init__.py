"""The 自评报告 renderer: the report context, Word (docxtpl), Markdown, HTML and PDF (LibreOffice).

Library only: nothing here prints. The ``xlperf report`` command is in
:mod:`xlperf.report.command`; the template variables are documented in docs/report-templates.md.

* :func:`build_context` (evaluation, sections) -> the dict every template renders;
* :func:`official_form_of` (evaluation, style) -> the official 自评表 the renderers are given beside it;
* :func:`render_docx`, :func:`render_markdown`, :func:`render_html`, :func:`render_pdf`;
* :func:`render_report` -> the whole job for one workbook;
* :func:`font_warnings` -> the template fonts LibreOffice will substitute.
"""

from __future__ import annotations

from xlperf.report.context import build_context, official_form_of, self_table
from xlperf.report.job import (
    FORMATS,
    ReportPlan,
    ReportResult,
    atomic_output,
    default_output,
    official_form,
    plan_report,
    render_report,
    report_context,
    report_sections,
    write_report,
)
from xlperf.report.pdf import NO_SOFFICE, find_soffice, font_warnings, render_pdf
from xlperf.report.text import render_html, render_markdown
from xlperf.report.word import STYLES, TEMPLATE_DIR, render_docx, template_bytes, template_path, warm

__all__ = [
    "FORMATS",
    "NO_SOFFICE",
    "STYLES",
    "TEMPLATE_DIR",
    "ReportPlan",
    "ReportResult",
    "atomic_output",
    "build_context",
    "default_output",
    "find_soffice",
    "font_warnings",
    "official_form",
    "official_form_of",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_pdf",
    "plan_report",
    "render_report",
    "report_context",
    "report_sections",
    "self_table",
    "template_bytes",
    "template_path",
    "warm",
    "write_report",
]
