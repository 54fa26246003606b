"""xlperf: 项目支出绩效自评 — score, check and report Excel self-evaluation workbooks.

Importing the package is light on purpose: pandas, openpyxl and xlwings load only when a
feature needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "main"]


def main() -> None:
    """Entry point of the Excel ribbon button (``RunPython "import xlperf; xlperf.main()"``).

    RunPython shows what the process writes to stderr in a message box: a broken installation
    says so in Chinese there instead of a traceback.
    """
    try:
        from xlperf.excel.button import main as _main
    except Exception as exc:  # pragma: no cover - a broken installation
        import sys

        print(f"xlperf 未能启动（{type(exc).__name__}: {exc}）。请在命令行中运行 pip install --force-reinstall xlperf 后重试。"
              "工作簿未被修改。", file=sys.stderr)
        return
    _main()
