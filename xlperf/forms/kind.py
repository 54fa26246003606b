"""Which reader a file needs, decided cheaply on the ``check`` start-up path (no reader loaded):
a suffix only the form readers open, or a workbook that is not ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlperf.core import layout
from xlperf.core.grid import locate_sheets

FORM_ONLY_SUFFIXES = (".xls", ".ods", ".docx", ".et", ".ett", ".doc", ".wps", ".xlsb")


def needs_form_reader(path: Path) -> bool:
    """A file our template reader (an .xlsx package) cannot open at all."""
    return path.suffix.lower() in FORM_ONLY_SUFFIXES


def is_template(names: list[str]) -> bool:
    """Our workbook: one of its own sheets is there (even when 绩效指标 itself was renamed)."""
    roles = locate_sheets(names)
    own = (layout.SHEET_INDICATORS, layout.SHEET_INFO, layout.SHEET_BUDGET, layout.SHEET_FINDINGS, layout.SHEET_NARRATIVE)
    return any(roles.get(r) is not None for r in own)


def foreign_forms(names: list[str], grids: dict[str, Any]) -> list[str]:
    """Sheets of an .xlsx that are one-sheet forms, when the workbook is not our template."""
    if is_template(names):
        return []
    from xlperf.forms.oneform import looks_like_form

    return [n for n in names if grids.get(n) and looks_like_form(grids[n])]
