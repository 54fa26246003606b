"""xlperf: 项目支出绩效自评 — score, check and report Excel self-evaluation workbooks.

Importing the package is light on purpose: pandas, openpyxl and xlwings load only when a
feature needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "main"]


def main() -> None:
    """Entry point of the Excel ribbon button (``RunPython "import xlperf; xlperf.main()"``)."""
    from xlperf.excel.button import main as _main

    _main()
