"""The only place that writes to the terminal beyond click's one-line echoes: the findings table and
the batch progress bar. On a terminal they use rich; through a pipe, plain tab-separated lines.
rich is imported only when a terminal is there to draw on.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Iterable

from click import echo

SEVERITY_COLORS = {"错误": "red", "警告": "yellow", "提示": "cyan"}


def print_findings(findings: Iterable[Any], *, tty: bool | None = None) -> None:
    """Each finding with its level, cell, code and message; a table on a terminal."""
    findings = list(findings)
    if not findings:
        echo("未发现问题。")
        return
    if sys.stdout.isatty() if tty is None else tty:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False, header_style="bold")
        for name in ("级别", "位置", "规则", "说明"):
            table.add_column(name, overflow="fold")
        for f in findings:
            table.add_row(f"[{SEVERITY_COLORS[f.severity]}]{f.severity}[/]", f.location, f.code, f.message)
        Console().print(table)
    else:
        for f in findings:
            echo(f"{f.severity}\t{f.location}\t{f.code}\t{f.message}")


class BatchProgress:
    """Progress for people: a rich bar on a terminal, plain lines every ~5% or 2 s otherwise."""

    def __init__(self, quiet: bool, tty: bool | None = None) -> None:
        self.quiet = quiet
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.bar = None
        self.task = None
        self.last_time = 0.0
        self.last_done = 0
        self.started = time.monotonic()

    def __call__(self, p: Any) -> None:
        if self.quiet:
            return
        if p.kind == "message":
            self._echo(p.message)
        elif p.kind == "start":
            self.started = time.monotonic()
            if self.tty:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

                self.bar = Bar(
                    TextColumn("批量处理"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"),
                    TextColumn("剩余"),
                    TimeRemainingColumn(),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task("batch", total=p.total, rate="")
            else:
                echo(p.message)
        elif p.kind == "item":
            if self.bar is not None:
                elapsed = max(time.monotonic() - self.started, 1e-6)
                self.bar.update(self.task, completed=p.done, rate=f"{p.done / elapsed:.1f} 个/秒")
                return
            now = time.monotonic()
            step = max(1, p.total // 20)
            if p.done >= p.total or p.done - self.last_done >= step or now - self.last_time >= 2.0:
                elapsed = max(now - self.started, 1e-6)
                rate = p.done / elapsed
                left = (p.total - p.done) / rate if rate > 0 else 0
                pct = 100 * p.done / p.total if p.total else 100
                echo(f"已处理 {p.done}/{p.total}（{pct:.0f}%），{rate:.1f} 个/秒，预计剩余 {duration(left)}")
                self.last_time, self.last_done = now, p.done
        elif p.kind == "finish":
            self.close()

    def _echo(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            echo(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    m, s = divmod(seconds, 60)
    if m < 60:
        return f"{m} 分 {s} 秒"
    h, m = divmod(m, 60)
    return f"{h} 小时 {m} 分"
