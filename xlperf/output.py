"""The only place that writes to the terminal beyond click's one-line echoes: the findings table and
the batch progress bar. On a terminal they use rich; through a pipe, plain tab-separated lines.
rich is imported only when a terminal is there to draw on.

It also decides how text reaches a console that cannot show every character
(:func:`configure_console`) and writes JSON as UTF-8 bytes whatever the console (:func:`print_json`).
"""

from __future__ import annotations

import sys
import time
from typing import Any, Iterable

from click import echo

# --- console encoding ------------------------------------------------------------------------------
#
# On Chinese Windows, output redirected to a file or a pipe is encoded in the ANSI code page (cp936,
# i.e. GBK), and Python's stdout fails on any character outside it: 生僻字 beyond GBK (𠮷), emoji (✅),
# lone surrogates from undecodable file names. A project or file name holding one would stop a command
# halfway with UnicodeEncodeError. Text stays in the console's encoding (``type``, Notepad and the next
# program in a pipe expect it); each character it cannot hold becomes □, the mark Chinese text uses for
# a character that cannot be shown (缺字符号), rather than "?" (a wildcard in cmd and in a batch input
# pattern, easily taken for a literal question mark) or "\U00020bb7" (unreadable). Joiners, variation
# selectors and other invisible marks that travel with such a character are dropped, so "✅️" is one □,
# not two. Where □ itself cannot be encoded (a non-CJK code page) "?" is used.

CONSOLE_ERRORS = "xlperf-console"
MISSING_CHAR = "□"
_INVISIBLE = {"Mn", "Me", "Cf"}  # combining marks, joiners, variation selectors


def _invisible(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in _INVISIBLE or "\U0001f3fb" <= ch <= "\U0001f3ff"  # emoji skin tones


_marks: dict[str, str] = {}


def _missing_mark(encoding: str) -> str:
    mark = _marks.get(encoding)
    if mark is None:
        try:
            MISSING_CHAR.encode(encoding)
            mark = MISSING_CHAR
        except (UnicodeError, LookupError):
            mark = "?"
        _marks[encoding] = mark
    return mark


def console_replace(exc: UnicodeError) -> tuple[str, int]:
    """The codec error handler registered as ``xlperf-console``: □ for each visible character the
    console's encoding cannot hold, nothing for the invisible ones that go with it."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    shown = sum(1 for ch in exc.object[exc.start : exc.end] if not _invisible(ch))
    return _missing_mark(exc.encoding) * shown, exc.end


def configure_console() -> None:
    """Make stdout and stderr replace what their encoding cannot hold instead of failing.

    Only a stream that would fail (``strict``) or escape (stderr's ``backslashreplace``) is changed;
    one that already says how to write the unencodable (``surrogateescape`` at a C locale) is kept.
    At a Windows console (UTF-8 to the console API) every character is written as it is. A missing
    stream (pythonw, the 发送到 entry) is skipped.
    """
    import codecs

    try:
        codecs.lookup_error(CONSOLE_ERRORS)
    except LookupError:
        codecs.register_error(CONSOLE_ERRORS, console_replace)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) not in ("strict", "backslashreplace"):
            continue
        try:
            reconfigure(errors=CONSOLE_ERRORS)
        except (ValueError, OSError):  # closed, or a stream that cannot change now: leave it as it is
            pass


def print_json(data: Any) -> None:
    """``data`` as indented JSON in UTF-8 bytes, whatever the console's encoding (JSON is UTF-8 by
    definition: a program reading it must not have to guess the code page of the PC that wrote it).

    Written to stdout's byte buffer after flushing the text before it. A lone surrogate (a file name
    that is not valid UTF-16 or UTF-8) becomes its JSON escape (backslash, u, dcxx), so the bytes stay valid
    UTF-8 and the JSON reads back to the same string.
    """
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO): it takes str
        echo(text, nl=False)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8", "backslashreplace"))
    buffer.flush()


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
