"""One workbook in, one report out: ``render_report``. Never prints.

The one report path, which ``render_report``, the department report and a batch worker share:
:func:`plan_report` refuses a bad request before anything is read, :meth:`ReportPlan.accept`
checks the loaded workbook, :func:`report_context` builds what every format renders and
:func:`write_report` writes each format."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from xlperf.core import layout
from xlperf.core.enums import Style
from xlperf.core.errors import EnvironmentProblem, InputError, OutputError, XCode
from xlperf.core.models import Evaluation, Finding

if TYPE_CHECKING:
    from xlperf.workbook.load import LoadedBook

FORMATS = ("docx", "pdf", "md", "html")
EXPORT_FORMATS = FORMATS + ("xlsx",)  # xlsx: the official 自评表 alone, one print-ready sheet
SUFFIX_FORMAT = {".docx": "docx", ".pdf": "pdf", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}
FORMAT_ALIASES = {"markdown": "md", "htm": "html", "word": "docx", "excel": "xlsx"}


@dataclass
class ReportResult:
    output: Path
    evaluation: Evaluation
    format: str
    style: str
    warnings: list[str] = field(default_factory=list)  # Chinese lines: font substitutions, ignored options
    errors: list[Finding] = field(default_factory=list)  # the workbook's 错误 findings
    open_items: list[str] = field(default_factory=list)  # what makes the report a 草稿
    masked: list[str] = field(default_factory=list)  # --public: what was masked (for the terminal only)

    @property
    def draft(self) -> bool:
        return bool(self.open_items)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize_format(fmt: str | None, out: str | Path | None, allowed: tuple[str, ...] = FORMATS) -> str:
    """The report format: ``fmt`` when given, else what the extension of ``-o`` says, else docx.
    An ``-o`` file whose extension names another format than ``fmt`` is refused (exit 2): the
    report is never written in one format under another format's name."""
    from xlperf.ooxml.files import names_folder

    named = None
    if out is not None and not names_folder(out) and Path(out).suffix:
        suffix = Path(out).suffix.lower()
        named = SUFFIX_FORMAT.get(suffix)
        if named not in allowed:
            shown = "、".join(s for s, f in SUFFIX_FORMAT.items() if f in allowed)
            raise InputError(f"不认识报告文件的扩展名 {Path(out).suffix}：应为 {shown}（或给一个文件夹，如“{Path(out).stem}/”）", path=out, code=XCode.BAD_OUT_NAME)
    if fmt:
        f = fmt.strip().lower().lstrip(".")
        f = FORMAT_ALIASES.get(f, f)
        if f not in allowed:
            raise InputError(f"报告格式“{fmt}”无效，应为：{'、'.join(allowed)}", code=XCode.BAD_FORMAT)
        if named is not None and named != f:
            raise InputError(
                f"-o 的扩展名 {Path(out).suffix} 与 --format {f} 不符：请把 -o 改为 {Path(out).stem}.{f}，或去掉 --format（格式按扩展名）",
                path=out,
                code=XCode.BAD_OUT_NAME,
            )
        return f
    return named or "docx"


def default_output(workbook: Path, fmt: str, table: int | None = None) -> Path:
    """``<workbook>[-表N]-自评报告.<fmt>`` (``-自评表`` for xlsx) beside it, as a name Windows accepts
    there; ``-表N`` names one table of a file holding several (one report per table)."""
    from xlperf.core.filenames import safe_name

    what = "自评表" if fmt == "xlsx" else "自评报告"
    which = f"-表{table}" if table is not None else ""
    return workbook.parent / safe_name(workbook.stem, f".{fmt}", workbook.parent, tail=f"{which}-{what}")


def output_target(src: Path, out: str | Path | None, fmt: str, table: int | None = None) -> Path:
    """Where the report of ``src`` goes: ``out`` (a file or a folder) or beside the workbook.

    Raises OutputError when the folder is missing, when the report would replace the workbook
    itself, or when the file is open in Word/WPS; an OS error on the way (a too-long name, a
    symlink loop) is said in Chinese too.
    """
    target = Path(out) if out is not None else default_output(src, fmt, table)
    try:
        return _output_target(src, out, fmt, table)
    except OSError as exc:
        from xlperf.ooxml.files import output_error, read_error

        if exc.filename is not None and os.fspath(exc.filename) == os.fspath(src):
            raise read_error(src, exc) from None
        raise output_error(Path(exc.filename or target).absolute(), exc) from None


def _output_target(src: Path, out: str | Path | None, fmt: str, table: int | None = None) -> Path:
    from xlperf.ooxml.files import folder_ready, output_path

    if out is None:
        target = default_output(src, fmt, table)
    else:
        suffixes = tuple(s for s, f in SUFFIX_FORMAT.items() if f == fmt)
        target = output_path(out, default_output(src, fmt, table).name, suffixes, what="报告")
    if not folder_ready(target.parent):
        raise OutputError("输出文件夹不存在", path=target.parent, code=XCode.OUT_FOLDER)
    if target.exists() and src.exists() and os.path.realpath(target) == os.path.realpath(src):
        raise OutputError("报告不能覆盖工作簿本身，请换一个输出文件名", path=target, code=XCode.OUT_IN_USE)
    lock = _word_lock(target)
    if lock is not None and target.exists():
        raise OutputError(f"文件正在 Word/WPS 中打开（发现锁文件 {lock.name}），请先关闭再生成报告，或用 -o 另存为新文件", path=target, code=XCode.OUT_DENIED)
    return target


def _word_lock(target: Path) -> Path | None:
    """The lock file Word/WPS/LibreOffice keeps beside an open file (:func:`xlperf.ooxml.files.office_lock_file`)."""
    from xlperf.ooxml.files import office_lock_file

    return office_lock_file(target)


@contextlib.contextmanager
def atomic_output(dst: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``dst``; on success it replaces ``dst`` in one step.

    :func:`xlperf.ooxml.files.atomic_output`: through symlinks to the real file, owner, group
    and mode kept, OS errors in Chinese, a killed run's temp files removed by the next one.
    """
    from xlperf.ooxml.files import atomic_output as project_atomic

    with project_atomic(dst, suffix) as tmp:
        yield Path(tmp)


def report_sections(ev: Evaluation, names: list[str], grids: dict[str, Any], style: str | None, *, projects=None):
    """The narrative in ``style`` (or the workbook's), with the officer's 定稿 from the 自评报告 sheet.

    ``projects``: the department's projects (narrative.ProjectLine) for a 部门整体支出 report.
    """
    from xlperf.core.basicdata import basic_data_of
    from xlperf.core.narrative import apply_final, generate, read_finals
    from xlperf.core.grid import locate_sheets

    style = checked_style(ev, style, [])  # batch comes here directly: the same refusal
    sections = generate(ev, style, basic=basic_data_of(grids), projects=projects)
    sheet = locate_sheets(names).get(layout.SHEET_NARRATIVE)
    if sheet and sheet in grids:
        apply_final(sections, read_finals(grids[sheet]))
    return sections


def outline_style(ev: Evaluation, style: str | None) -> str:
    """The outline the sections of ``style`` (None: the workbook's) are written in, as
    :func:`report_sections` chooses it."""
    style = checked_style(ev, style, []) or ev.input.info.style or "通用"
    return style if style in layout.REPORT_STYLES else "通用"


def report_context(book: LoadedBook, style: str | None, *, form_style: str | None = None, projects=None) -> tuple[dict[str, Any], list]:
    """What every format renders: (the context, the sections in ``style`` it was built from;
    None: the workbook's style). ``form_style``: the layout of the official 自评表 when it
    differs from the outline's (``--format xlsx --style``)."""
    from xlperf.report.context import build_context

    ev = book.evaluation
    sections = report_sections(ev, book.names, book.grids, style, projects=projects)
    return build_context(ev, sections, grids=book.grids, style=form_style or outline_style(ev, style), projects=projects), sections


@dataclass
class ReportPlan:
    """One report asked for, checked before the workbook is read (:func:`plan_report`).

    :meth:`accept` then checks the loaded workbook (``--strict``, the outline's evaluation
    type), :meth:`context` builds what the format renders and :meth:`write` masks it for the
    公示 copy and writes it. ``warnings`` collects the Chinese lines for the user on the way.
    """

    source: Path
    target: Path
    format: str
    style: str | None = None  # asked for (--style); None: the workbook's
    template: str | Path | None = None
    strict: bool = False
    public: bool = False
    table: int | None = None
    warnings: list[str] = field(default_factory=list)

    def accept(self, book: LoadedBook) -> str | None:
        """Refuse the workbook under ``--strict`` when it has 错误 findings; the outline's style."""
        if self.strict:
            refuse_errors(book.evaluation, self.source)
        if self.format == "xlsx":  # the official form alone: --style picks its layout, not an outline
            return None
        return checked_style(book.evaluation, self.style, self.warnings)

    def context(self, book: LoadedBook, style: str | None, *, projects=None) -> tuple[dict[str, Any], list]:
        """(the context, its sections) in the style :meth:`accept` gave."""
        form_style = self.style if self.format == "xlsx" else None
        return report_context(book, style, form_style=form_style, projects=projects)

    def write(self, context: dict[str, Any], form=None) -> tuple[dict[str, Any], list[str]]:
        """Mask the 公示 copy (``public``) and write with the official 自评表 ``form``
        (:func:`official_form`); (the context written, what was masked)."""
        masked: list[str] = []
        if self.public:
            from xlperf.report.public import mask_report

            context, form, masked = mask_report(context, form)
        self.warnings += write_report(context, self.target, self.format, self.template, form)
        return context, masked


def plan_report(
    path: str | Path,
    out: str | Path | None = None,
    *,
    fmt: str | None = None,
    style: str | None = None,
    template: str | Path | None = None,
    strict: bool = False,
    public: bool = False,
    table: int | None = None,
    formats: tuple[str, ...] = EXPORT_FORMATS,
) -> ReportPlan:
    """Everything about a report that is refused before the workbook is read: the format (and
    ``-o``'s extension), the style, the template, the output target."""
    from xlperf.report.word import template_bytes

    src = Path(path)
    f = normalize_format(fmt, out, formats)
    if style is not None and style not in layout.REPORT_STYLES:
        raise InputError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}", code=XCode.BAD_STYLE)
    warnings: list[str] = []
    if template is not None:
        if f in ("md", "html", "xlsx"):
            warnings.append(f"--template 只用于 Word/PDF 报告，生成 {f} 时已忽略")
        else:
            template_bytes(None, template)  # a missing or broken template fails before any work
    target = output_target(src, out, f, table)
    return ReportPlan(source=src, target=target, format=f, style=style, template=template,
                      strict=strict, public=public, table=table, warnings=warnings)


def render_report(
    path: str | Path,
    out: str | Path | None = None,
    *,
    fmt: str | None = None,
    style: str | None = None,
    template: str | Path | None = None,
    strict: bool = False,
    public: bool = False,
    table: int | None = None,
) -> ReportResult:
    """Read and score ``path``, write its 自评报告 (docx, pdf, md or html) or its official 自评表
    (xlsx, in the layout of ``style``) and say what happened.

    ``table``: which table of a file holding several (a Word report with annexes), as ``check
    --table``; the default report name then carries ``-表N``.

    ``public``: the copy units publish (公示), with phone numbers, ID numbers and the names of
    联系人/经办人 masked; ``ReportResult.masked`` lists what was masked.

    Raises InputError when the workbook is unusable, or when ``strict`` and it has 错误 findings;
    OutputError when the output cannot be written; EnvironmentProblem when LibreOffice is missing
    for a PDF.
    """
    from xlperf.workbook.load import load

    plan = plan_report(path, out, fmt=fmt, style=style, template=template, strict=strict, public=public, table=table)
    book = load(plan.source, table=table)
    context = plan.context(book, plan.accept(book))[0]
    ev = book.evaluation
    context, masked = plan.write(context, official_form(ev, context))
    return ReportResult(
        output=plan.target, evaluation=ev, format=plan.format, style=context["style"], warnings=plan.warnings, errors=list(ev.errors),
        open_items=list(context.get("open_items") or []), masked=masked,
    )


def refuse_errors(ev: Evaluation, src: Path) -> None:
    """--strict: no report from a workbook with 错误 findings; the first twenty are named."""
    if not ev.errors:
        return
    lines = "；".join(f"{e.location} {e.code} {e.message}" for e in ev.errors[:20])
    more = f"；另有 {len(ev.errors) - 20} 个" if len(ev.errors) > 20 else ""
    raise InputError(f"工作簿有 {len(ev.errors)} 个错误，已按 --strict 停止生成报告：{lines}{more}", path=src, code=XCode.STRICT_STOP)


def official_form(ev: Evaluation, context: dict[str, Any]):
    """The official 自评表 of ``ev`` in the layout of the style ``context`` was built in."""
    from xlperf.report.context import official_form_of

    return official_form_of(ev, context["style"], context.get("department_spending"))


def write_report(context: dict[str, Any], target: Path, fmt: str, template: str | Path | None = None, form=None, *, atomic: bool = True) -> list[str]:
    """Write the report of ``context`` to ``target`` in ``fmt``, atomically; returns Chinese warnings
    (fonts LibreOffice substitutes in a PDF). The one writer of project, department and batch
    reports. ``form``: the official 自评表 (:func:`official_form`), the annex and the xlsx.
    ``atomic=False``: straight into ``target``, a staging file its caller moves into place (batch)."""
    from xlperf.report.pdf import font_warnings, render_pdf
    from xlperf.report.text import render_html, render_markdown
    from xlperf.report.word import render_docx

    def output(suffix: str = ""):
        return atomic_output(target, suffix) if atomic else contextlib.nullcontext(target)

    if fmt == "xlsx":
        import dataclasses

        from xlperf.report.context import DRAFT_MARK
        from xlperf.report.official_xlsx import write_form_xlsx

        if context.get("draft") and DRAFT_MARK not in form.title:  # a 待定 form says so in its title, as the reports do
            form = dataclasses.replace(form, title=form.title + DRAFT_MARK)
        write_form_xlsx(form, target)
        return []
    if fmt in ("md", "html"):
        text = render_markdown(context, form) if fmt == "md" else render_html(context, form)
        with output() as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        return []
    if fmt == "docx":
        with output() as tmp:
            render_docx(context, tmp, template=template, form=form)
        return []
    with output(".pdf") as tmp:
        # LibreOffice converts in a private folder; the PDF is copied into atomic_output's temp
        # file, so a killed run leaves nothing beside the report that the next run does not remove.
        work = Path(tempfile.mkdtemp(prefix="xlperf-pdf-"))
        try:
            docx = work / (target.stem + ".docx")
            render_docx(context, docx, template=template, form=form)
            produced = render_pdf([docx], work)
            if not produced:
                raise EnvironmentProblem("LibreOffice 未能把报告转换为 PDF", path=target, code=XCode.PDF_FAILED)
            shutil.copyfile(produced[0], tmp)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return font_warnings()


def checked_style(ev: Evaluation, style: str | None, warnings: list[str]) -> str | None:
    """The style to write in. An outline meant for another evaluation type is refused when asked
    for (``--style``) and replaced by 通用, with a warning, when it only comes from the workbook."""
    from xlperf.core.narrative import style_mismatch

    etype = ev.input.info.evaluation_type
    if style is not None:
        problem = style_mismatch(style, etype)
        if problem:
            if style in layout.STYLE_TYPES:  # its one-sheet form still exists for every type
                problem += f"（{style}表样的自评表可用 --format xlsx --style {style} 导出）"
            raise InputError(problem, path=ev.input.source or None, code=XCode.STYLE_TYPE_MISMATCH)
        return style
    own = (ev.input.info.style or "").strip()
    problem = style_mismatch(own, etype) if own else ""
    if problem:
        warnings.append(f"{problem}。本次按“通用”样式生成")
        return Style.GENERAL
    return None
