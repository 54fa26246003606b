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

from xlperf.core.enums import Severity

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


SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


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


# --- what a form reader took as what (check --explain, import's summary) ----------------------------

ROLE_TEXT = {
    "一级指标": "一级指标",
    "二级指标": "二级指标",
    "三级指标": "三级指标（指标名称）",
    "指标方向": "指标方向（正向/反向/定性，或 ≥ ≤ =）",
    "分值": "分值",
    "年度指标值": "年度指标值（目标）",
    "实际完成值": "实际完成值",
    "度量单位": "度量单位（补在没有单位的指标值和完成值后）",
    "实际完成值单位": "实际完成值的度量单位",
    "完成率": "完成率（不采用，按规则重新计算）",
    "计算得分": "计算得分（不采用，按规则重新计算）",
    "人工得分": "人工得分",
    "得分": "得分（单位自评得分，按人工得分处理）",
    "偏差原因分析及改进措施": "偏差原因分析及改进措施",
    "指标值说明": "指标值说明（不参与计分）",
    "评分标准": "评分标准（不参与计分）",
    "备注": "备注（不参与计分）",
    "序号": "序号（不参与计分）",
    "等级": "等级（不参与计分）",
}
_INFO_TEXT = (("name", "项目名称"), ("department", "主管部门"), ("unit", "实施单位"), ("year", "年度"))


def explain_lines(inp: Any) -> list[str]:
    """Lines telling which rows and columns of a table were read as what: the header band, each
    column's role, the budget rows, each indicator row, rows skipped and why (Chinese)."""
    from xlperf.core.refs import col_letter

    rd = inp.reading
    if rd is None:
        hdr = inp.indicator_header_row
        return [f"按 xlperf 自评表模板读取：工作表“{inp.indicator_sheet}”" + (f"第 {hdr} 行为指标表头" if hdr else "") + "，各列按模板列名读取。"]
    out = [f"表“{rd.sheet}”的读取方式："]
    info = inp.info
    found = [f"{label}“{getattr(info, attr)[:30]}”" + (f"（第 {info.rows[attr]} 行）" if attr in info.rows else "") for attr, label in _INFO_TEXT if getattr(info, attr, "")]
    missing = [label for attr, label in _INFO_TEXT if not getattr(info, attr, "")]
    out.append("  项目信息：" + ("；".join(found) or "无") + (f"；未找到：{'、'.join(missing)}" if missing else ""))
    if rd.header_top is not None:
        band = f"第 {rd.header_top} 行" if rd.header_top == rd.header_bottom else f"第 {rd.header_top}–{rd.header_bottom} 行（{rd.header_bottom - rd.header_top + 1} 行表头，合并的上层列名在前）"
        out.append(f"  指标表头：{band}")
        out.append("  各列：")
        taken = {c.role: c.col for c in rd.columns if c.used}
        for c in rd.columns:
            if c.used:
                what = ROLE_TEXT.get(c.role, c.role)
            elif c.role:
                what = f"未使用（与第 {col_letter(taken[c.role])} 列重复）" if c.role in taken else "未使用"
            else:
                what = "未识别，未使用"
            out.append(f"    {col_letter(c.col)} 列 {c.path} → {what}")
    if rd.budget_header is not None:
        unit = rd.budget_unit or "未写明（按万元）"
        out.append(f"  预算执行：表头第 {rd.budget_header} 行，金额单位 {unit}")
        for r in rd.budget_rows:
            out.append(f"    第 {r.row} 行 {r.label}" + (f" → {r.why}" if r.why else ""))
    else:
        out.append("  预算执行：未找到预算执行（项目资金）表头")
    indicators = [r for r in rd.rows if r.kind == "指标"]
    out.append(f"  指标行（{len(indicators)} 行）：")
    for r in indicators:
        out.append(f"    第 {r.row} 行 {r.label}")
    others = [r for r in rd.rows if r.kind != "指标"]
    if others:
        out.append(f"  未作为指标的行（{len(others)} 行）：")
        for r in others:
            label = f"“{r.label}” " if r.label else ""
            out.append(f"    第 {r.row} 行 {label}{r.kind}：{r.why}")
    if inp.declared_total_row is not None:
        parts = []
        if inp.declared_total_weight is not None:
            parts.append(f"分值 {inp.declared_total_weight:g}")
        if inp.declared_total_score is not None:
            parts.append(f"得分 {inp.declared_total_score:g}")
        if inp.declared_grade:
            parts.append(f"等级 {inp.declared_grade}")
        out.append(f"  总分行：第 {inp.declared_total_row} 行" + (f"，{'，'.join(parts)}" if parts else "，未读到数字"))
    return out


# --- xlperf review ----------------------------------------------------------------------------------


def review_header(review: Any) -> str:
    """What was compared with what, and the outline checked against."""
    table = review.table.describe() if review.table is not None else "无（未找到自评表）"
    style = ""
    if review.style:
        style = f"；样式：{review.style}" + ("（按标题判断）" if review.style_detected else "")
    return f"审核：{review.report.name}；对照：{table}{style}"


def review_summary(review: Any) -> str:
    if not review.findings:
        return "未发现问题：报告中的数字与自评表一致。"
    errors = sum(1 for f in review.findings if f.severity == Severity.ERROR)
    warnings = sum(1 for f in review.findings if f.severity == Severity.WARNING)
    return f"发现 {len(review.findings)} 个问题（错误 {errors} 个，警告 {warnings} 个）"


def review_lines(review: Any) -> list[str]:
    """The review as plain lines: the header, each finding (code, 第N段「…」, cell, message), the count."""
    out = [review_header(review)]
    for f in review.findings:
        out.append("\t".join((f.code, f.where or "（全文）", f.cell or "—", f.message)))
    out.append(review_summary(review))
    return out


def print_review(review: Any, *, tty: bool | None = None) -> None:
    """The review's findings on the terminal: a table at a terminal, tab-separated lines otherwise."""
    if not (sys.stdout.isatty() if tty is None else tty) or not review.findings:
        for line in review_lines(review):
            echo(line)
        return
    from rich.console import Console
    from rich.table import Table

    echo(review_header(review))
    table = Table(show_lines=False, header_style="bold")
    for name in ("代码", "段落", "自评表单元格", "说明"):
        table.add_column(name, overflow="fold")
    for f in review.findings:
        table.add_row(f"[{SEVERITY_COLORS[f.severity]}]{f.code}[/]", f.where or "（全文）", f.cell or "—", f.message, )
    Console().print(table)
    echo(review_summary(review))


def review_json(review: Any) -> dict[str, Any]:
    data = review.to_json()
    data["counts"] = {
        "errors": sum(1 for f in review.findings if f.severity == Severity.ERROR),
        "warnings": sum(1 for f in review.findings if f.severity == Severity.WARNING),
        "infos": sum(1 for f in review.findings if f.severity == Severity.INFO),
    }
    return data


def write_review(review: Any, fmt: str, out: Any) -> None:
    """The review written to the file ``out`` (UTF-8; JSON, or the text lines), atomically."""
    import json

    from xlperf.ooxml.files import atomic_write_bytes

    if fmt == "json":
        text = json.dumps(review_json(review), ensure_ascii=False, indent=2) + "\n"
    else:
        text = "\n".join(review_lines(review)) + "\n"
    atomic_write_bytes(out, text.encode("utf-8", "backslashreplace"))
