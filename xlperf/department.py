"""Department-level evaluation (部门整体支出): the 基础数据 sheet and the combined 湖南 report.

A department workbook is an ordinary self-evaluation workbook whose 项目信息 says
评价类型 = 部门整体支出; its indicators (投入管理 / 过程 / 产出 / 效益 …) are read and scored by
the same reader and scoring. It may add a ``基础数据`` sheet::

    项目      | 2024年 | 2025年
    编制数    | 50     | 50
    实有人数  | 48     | 47
    三公经费  | 12.5   | 10.2

The 湖南 outline ends with 附件 naming three tables: ``basic_data`` (that sheet), ``self_table``
(the department's own 自评表) and ``projects`` (one 项目自评表 per project workbook).
:func:`department_context` adds ``basic_data`` and ``projects`` to the report context;
:func:`department_report` is what ``xlperf report DEPT.xlsx --style 湖南 --projects DIR`` calls.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from xlperf.core.enums import EvaluationType
from xlperf.core.errors import InputError, XCode
from xlperf.forms.basic_data import basic_data_sheet, read_basic_data

if TYPE_CHECKING:
    from xlperf.report.job import ReportPlan
    from xlperf.workbook.load import LoadedBook

Grid = list[list[Any]]

DEPARTMENT_TYPE = EvaluationType.DEPARTMENT
DEPARTMENT_STYLE = "湖南"
PROJECT_FINDINGS_SHOWN = 3  # findings of one project named in the 待完善事项; the rest are counted


def is_department(ev: Any) -> bool:
    return (ev.input.info.evaluation_type or "").strip() == DEPARTMENT_TYPE


# --- the combined context ---------------------------------------------------------------------------


@dataclass
class ProjectEntry:
    name: str
    file: str
    total_score: float | None
    grade: str
    self_table: Any
    errors: int = 0
    unit: str = ""
    budget: float | None = None  # 全年预算数 in ``amount_unit``
    executed: float | None = None
    amount_unit: str = "万元"
    evaluation: Any = None  # the project's Evaluation (its figures in the department's prose)
    form: Any = None  # its official 项目支出绩效自评表 (report.official.Form), the 附件3-n annex
    findings: list[str] = field(default_factory=list)  # its 错误 findings, ``位置：说明``
    withheld: list[str] = field(default_factory=list)  # why its total is 待定

    def open_item(self) -> str:
        """What the department report's 待完善事项 says about this project ("" when nothing is wrong)."""
        parts = []
        if self.findings:
            first = "；".join(self.findings[:PROJECT_FINDINGS_SHOWN])
            more = f"等{len(self.findings)}个" if len(self.findings) > PROJECT_FINDINGS_SHOWN else ""
            parts.append(f"有{len(self.findings)}个错误（{first}{more}）")
        reasons = [w for w in self.withheld if w not in self.findings]
        if self.total_score is None:
            why = f"：{'；'.join(reasons[:PROJECT_FINDINGS_SHOWN])}" if reasons else ""
            parts.append(f"该项目得分待定{why}")
        if not parts:
            return ""
        return f"项目自评表 {self.file}（{self.name}）" + "，".join(parts) + "，请修改该工作簿后重新生成报告（可用 xlperf check 查看）"

    def line(self):
        """The project as the department narrative summarises it."""
        from xlperf.core.narrative import ProjectLine

        grade = self.grade if self.total_score is not None else ""
        return ProjectLine(name=self.name, budget=self.budget, executed=self.executed, unit=self.amount_unit, score=self.total_score, grade=grade, errors=self.errors,
                           evaluation=self.evaluation)

    def as_context(self) -> dict[str, Any]:
        from xlperf.core import values as V

        return {
            "name": self.name,
            "file": self.file,
            "unit": self.unit,
            "self_table": self.self_table,
            "total_score": self.total_score,
            "total_score_text": V.format_score(self.total_score) if self.total_score is not None else "待定",
            "grade": self.grade,
            "errors": self.errors,
            "form": self.form,
            "annex": "",  # 附件3-1 …: numbered by annex_numbers
        }


@dataclass
class DepartmentResult:
    out: Path
    total_score: float | None
    grade: str
    projects: list[ProjectEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Chinese lines for the user: skipped projects …
    errors: list[Any] = field(default_factory=list)  # the department workbook's 错误 findings
    open_items: list[str] = field(default_factory=list)  # what makes the report a 草稿
    masked: list[str] = field(default_factory=list)  # --public: what was masked

    @property
    def ok(self) -> bool:
        return not self.errors


def load_projects(project_paths: Sequence[str | Path], *, exclude: Path | None = None, style: str = "") -> tuple[list[ProjectEntry], list[str]]:
    """Read and score each project workbook; (entries sorted by name, problems in Chinese)."""
    from xlperf.batch.job import error_text
    from xlperf.report.context import official_form_of, self_table
    from xlperf.workbook.load import load

    entries: list[ProjectEntry] = []
    problems: list[str] = []
    skip = os.path.realpath(exclude) if exclude is not None else None
    for raw in project_paths:
        p = Path(raw)
        if skip is not None and os.path.realpath(p) == skip:
            continue
        try:
            ev = load(p).evaluation
        except Exception as exc:  # noqa: BLE001 - one broken project must not sink the department report
            problems.append(f"项目自评表 {p.name} 无法读取，未列入附件：{error_text(exc)}")
            continue
        if is_department(ev):
            problems.append(f"{p.name} 是部门整体支出自评表，不作为项目列入附件")
            continue
        if ev.errors:
            problems.append(f"项目自评表 {p.name} 有 {len(ev.errors)} 个错误，附件中的得分可能不准确（请用 xlperf check 查看）")
        entries.append(
            ProjectEntry(
                name=ev.input.info.name or p.stem,
                file=p.name,
                total_score=ev.total_score,
                grade=ev.grade_text,
                self_table=self_table(ev, style=style),  # its grade in the report's style
                errors=len(ev.errors),
                unit=ev.input.info.unit,
                budget=ev.budget.full_year,
                executed=ev.budget.executed,
                amount_unit=ev.input.info.amount_unit or "万元",
                evaluation=ev,
                form=official_form_of(ev, style or None),  # the national layout; 湖南's with 项目支出名称
                findings=[_finding_text(f) for f in ev.errors],
                withheld=[_finding_text(f) for f in ev.withheld],
            )
        )
    entries.sort(key=lambda e: (e.name, e.file))
    return entries, problems


def _finding_text(f: Any) -> str:
    return f"{f.location}：{f.message}" if f.location else f.message


def department_context(ev: Any, grids: dict[str, Grid], project_paths: Sequence[str | Path] = ()) -> dict[str, Any]:
    """Keys the 湖南 template renders in 附件, to merge into the report context:

    * ``basic_data``: rows of strings, header first (``[["项目", "2024年", "2025年"], ["编制数", "50", "50"], …]``);
      also ``basic_data_header`` and ``basic_data_rows`` (header split off);
    * ``projects``: ``[{name, file, unit, self_table, total_score, total_score_text, grade, errors}]``,
      one per project workbook, sorted by name;
    * ``project_problems``: Chinese lines about project workbooks that could not be used.
    """
    entries, problems = load_projects(project_paths)
    return _department_keys(grids, entries, problems)


def _department_keys(grids: dict[str, Grid], entries: list[ProjectEntry], problems: list[str]) -> dict[str, Any]:
    from xlperf.report.context import basic_data_rows

    rows = basic_data_rows(grids)  # the sheet's rows with the rates of 附件1
    return {
        "basic_data": rows,
        "basic_data_header": rows[0] if rows else [],
        "basic_data_rows": rows[1:],
        "projects": [e.as_context() for e in entries],
        "project_problems": problems,
    }


def annex_numbers(context: dict[str, Any]) -> None:
    """Each project's form is an annex of its own, numbered under the annex that lists them as the
    湖南 reference does (附件3-1, 附件3-2 …): the section holding ``projects`` becomes an
    ``annex_set`` (its heading is carried by each project's ``annex``, not printed itself)."""
    projects = context.get("projects") or []
    for sec in context.get("sections") or []:
        if "projects" in sec["tables"] and projects:
            m = re.match(r"附件\s*(\d+)", sec["heading"])
            label = f"附件{m.group(1)}" if m else "附件"
            for n, p in enumerate(projects, 1):
                p["annex"] = f"{label}-{n}"
            sec["kind"] = "annex_set"


def find_project_workbooks(projects_dir: str | Path, *, exclude: Path | None = None) -> list[Path]:
    """The .xlsx/.xlsm workbooks under ``projects_dir`` (lock files, hidden files skipped)."""
    from xlperf.batch.discover import discover

    d = Path(projects_dir)
    if not d.is_dir():
        raise InputError("项目自评表文件夹不存在", path=d, code=XCode.INPUT_CORRUPT)
    found = discover([d])
    skip = os.path.realpath(exclude) if exclude is not None else None
    return [p for p in found.workbooks if skip is None or os.path.realpath(p) != skip]


def _department_context(plan: ReportPlan, book: LoadedBook, style: str | None, project_paths: list[Path]):
    """The report context with the department's annexes; (context, project entries, Chinese lines about them)."""
    from xlperf.report.context import add_open_items

    from xlperf.report.job import outline_style

    entries, project_problems = load_projects(project_paths, style=outline_style(book.evaluation, style))
    lines = [e.line() for e in entries]
    context, sections = plan.context(book, style, projects=lines)
    extra = _department_keys(book.grids, entries, project_problems)
    context.update(extra)
    annex_numbers(context)
    add_open_items(context, [x for x in (e.open_item() for e in entries) if x])
    problems = list(extra["project_problems"])
    if project_paths and not any("projects" in s.tables for s in sections):
        problems.append(f"“{context['style']}”样式的提纲没有项目自评表附件，项目自评表未列入报告（部门整体支出请用 --style 湖南）")
    return context, entries, problems


def department_report(
    dept_path: str | Path,
    projects_dir: str | Path | None,
    out: str | Path | None = None,
    fmt: str | None = None,
    *,
    style: str | None = DEPARTMENT_STYLE,
    template: str | Path | None = None,
    strict: bool = False,
    public: bool = False,
) -> DepartmentResult:
    """One report for the department: its outline (湖南 by default) with 附件 holding the 基础数据表,
    the department 自评表 and one 项目自评表 per workbook found in ``projects_dir``.

    ``out``: a file, a folder, or None (``<workbook>-自评报告.<fmt>`` beside the workbook).
    ``fmt``: docx, pdf, md or html; None takes it from ``out``'s suffix (default docx). The output
    is written atomically. Raises InputError when the workbook is not a 部门整体支出 evaluation
    (or, with ``strict``, has 错误 findings); project workbooks that cannot be used are left out
    and named in ``problems``.
    """
    from xlperf.report.job import FORMATS, official_form, plan_report
    from xlperf.workbook.load import load

    plan = plan_report(dept_path, out, fmt=fmt, style=style, template=template, strict=strict, public=public, formats=FORMATS)
    book = load(plan.source)
    ev = book.evaluation
    if not is_department(ev):
        raise InputError(
            f"该工作簿的评价类型是“{ev.input.info.evaluation_type}”，不是“{DEPARTMENT_TYPE}”；"
            "--projects 只用于部门整体支出自评表（请在“项目信息”中把评价类型改为部门整体支出）",
            path=plan.source,
            code=XCode.NOT_DEPARTMENT,
        )
    style = plan.accept(book)
    project_paths = find_project_workbooks(projects_dir, exclude=plan.source) if projects_dir else []
    context, entries, problems = _department_context(plan, book, style, project_paths)
    if projects_dir and not project_paths:
        problems.append(f"文件夹 {Path(projects_dir).name} 中没有项目自评表（.xlsx）")
    problems = plan.warnings + problems
    warned = len(plan.warnings)
    context, masked = plan.write(context, official_form(ev, context))
    problems += plan.warnings[warned:]
    return DepartmentResult(
        out=plan.target, total_score=ev.total_score, grade=ev.grade_text, projects=entries, problems=problems, errors=list(ev.errors),
        open_items=list(context.get("open_items") or []), masked=masked,
    )
