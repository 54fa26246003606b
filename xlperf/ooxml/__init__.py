"""The .xlsx package level, one concern a module.

* :mod:`~xlperf.ooxml.ns` — every namespace, relationship type and content type;
* :mod:`~xlperf.ooxml.package` — capped reads of zip parts, safe XML parsing, raw copies;
* :mod:`~xlperf.ooxml.inspect` — sniffing and refusal reasons (what a non-workbook is);
* :mod:`~xlperf.ooxml.read` — sheet grids through python-calamine, plus error values and
  uncached formulas;
* :mod:`~xlperf.ooxml.styles` — number formats of cell formats;
* :mod:`~xlperf.ooxml.patch` — cell writes that keep every foreign part byte-identical;
* :mod:`~xlperf.ooxml.files` — atomic writes, locks, stale temp clean-up.

The names below are loaded on first use, so importing one light submodule (``files``) does
not load lxml.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CellError": "read",
    "UncachedFormula": "read",
    "read_grids": "read",
    "MAX_GRID_CELLS": "package",
    "check_workbook_file": "inspect",
    "sheet_names": "inspect",
    "XlsxPatcher": "patch",
    "TEMP_PREFIX": "files",
    "atomic_output": "files",
    "atomic_write_bytes": "files",
    "excel_lock_file": "files",
    "office_lock_file": "files",
    "exclusive": "files",
    "is_read_only": "files",
    "os_error_text": "files",
    "read_error": "files",
    "stat_input": "files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xlperf.ooxml' has no attribute {name!r}")
    return getattr(importlib.import_module(f"xlperf.ooxml.{module}"), name)
