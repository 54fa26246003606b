"""The ``xlperf`` command: every click command in one place. Thin: parse options, call
:mod:`xlperf.api` (or the package behind a command), print, map errors to exit codes.

Each command imports what it needs inside its body, so ``xlperf --help`` loads click alone and
``xlperf check`` does not pay for the Word engine of ``report`` or the worker pool of ``batch``.

Exit statuses: 0 no errors; 1 the workbook has 错误-level findings; 2 the input or the request is
unusable (a wrong option, an -o extension that disagrees with the format, an output that exists
without --force); 3 the environment (output folder, locked file, missing program) is the problem.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

import click

from xlperf import __version__
from xlperf.core.enums import EvaluationType, Severity
from xlperf.core.errors import EXIT_FINDINGS, EXIT_OK, XlperfError
from xlperf.core.layout import REPORT_STYLES, STYLE_TYPES

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# click writes its own headings, help extras and usage errors in English; users read Chinese.
# click looks every such text up through gettext (module-level ``_`` and ``ngettext``); a gettext
# catalogue would need .mo files and a Chinese LANG, which Windows offices do not set, so the same
# lookups are pointed at this table instead (one dict, nothing loaded). Texts missing here stay as
# click wrote them; tests/test_cli.py scans every help page and usage error for English words.
CLICK_TEXT = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（随环境而定）",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行“{command} {option}”查看帮助。",
    "Aborted!": "已中断。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有这个选项：{name}",
    "No such command {name!r}.": "没有这个命令：{name}",
    "Did you mean {possibility}?": "（是否是 {possibility}？）",
    "(Did you mean one of: {possibilities}?)": "（是否是其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Invalid value: {message}": "值{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值{message}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "“{value}”超出范围（应 {range}）。",
    "{value!r} is not {choice}.": "“{value}”无效，应为 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”无效，应为 {choices} 之一。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是是/否值，可用：{states}",
    "{name} {filename!r} does not exist.": "“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是一个文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}”是一个文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "“{filename}”不可写。",
    "{name} {filename!r} is not executable.": "“{filename}”不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Press any key to continue...": "按任意键继续…",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Value must be an iterable.": "值须为多个。",
}


def _zh(message: str) -> str:
    return CLICK_TEXT.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


def _zh_hints(param_hint: Any) -> str | None:
    """click's ``'-o' / '--output'`` as ``-o / --output``."""
    if param_hint is not None and not isinstance(param_hint, str):
        return " / ".join(param_hint)
    return param_hint


_CLICK_WRAP = click.formatting.wrap_text


def _speak_chinese() -> None:
    import click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types):
        module._ = _zh  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _zh_n  # type: ignore[attr-defined]
    click.exceptions._join_param_hints = _zh_hints  # type: ignore[attr-defined]
    # help columns: a Chinese character takes two columns on a terminal, click counts it as one
    click.formatting.term_len = _columns  # type: ignore[attr-defined]
    click.formatting.wrap_text = _wrap_wide  # type: ignore[attr-defined]


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes (East Asian wide and full-width characters count two)."""
    import unicodedata

    from click._compat import strip_ansi

    text = strip_ansi(text)
    return len(text) + sum(1 for c in text if c >= "\u1100" and unicodedata.east_asian_width(c) in "WF")


# Chinese line breaking (禁则): a line never starts with a closing mark nor ends with an opening
# one. click's wrapper breaks only at spaces, and inside a long word anywhere; Chinese has no
# spaces, so the wrapper below offers a break between any two characters except at these marks.
CLOSING = frozenset("）」』】〕》〉〗〙〛］｝、。，．；：？！…—～”’·%)]},.;:!?")
OPENING = frozenset("（「『【〔《〈〖〘〚［｛“‘([{")


def _wide(c: str) -> bool:
    import unicodedata

    return c >= "\u1100" and unicodedata.east_asian_width(c) in "WF"


def _break_chunks(chunk: str) -> list[str]:
    """``chunk`` (a run without spaces) cut where a line may break: between two characters of
    which one is wide, ASCII runs kept whole, a closing mark kept with what precedes it and an
    opening mark with what follows."""
    pieces: list[str] = []
    for c in chunk:
        glue = pieces and (
            c in CLOSING  # never starts a line: the character before it goes down with it
            or pieces[-1][-1] in OPENING  # never ends a line
            or not (_wide(c) or _wide(pieces[-1][-1]))  # inside an ASCII run
        )
        if glue:
            pieces[-1] += c
        else:
            pieces.append(c)
    return pieces


@functools.cache
def _wrapper_class():
    """click's TextWrapper, breaking Chinese text by :func:`_break_chunks` (built at the first
    help page, from click's own class: ``import xlperf.cli`` does not load the wrapper)."""
    from click._textwrap import TextWrapper

    class CJKWrapper(TextWrapper):
        def _split(self, text: str) -> list[str]:
            chunks = super()._split(text)
            out: list[str] = []
            for chunk in chunks:
                if chunk.isspace() or not any(_wide(c) for c in chunk):
                    out.append(chunk)
                else:
                    out.extend(_break_chunks(chunk))
            return out

    return CJKWrapper


def _wrap_wide(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """click's wrap_text, measuring in terminal columns and breaking Chinese by its rules."""
    import click._textwrap

    # wrap_text builds click._textwrap.TextWrapper, which measures with that module's term_len
    wrapper = _wrapper_class()
    click._textwrap.term_len = _columns  # type: ignore[attr-defined]
    click._textwrap.TextWrapper = wrapper  # type: ignore[attr-defined,misc]
    return _CLICK_WRAP(text, width, initial_indent, subsequent_indent, preserve_paragraphs)


_speak_chinese()


class IntRange(click.IntRange):
    """click's IntRange, named and described in Chinese (``[≥1]`` rather than ``[x>=1]``)."""

    name = "整数"

    def _describe_range(self) -> str:
        low = None if self.min is None else f"{'>' if self.min_open else '≥'}{self.min}"
        high = None if self.max is None else f"{'<' if self.max_open else '≤'}{self.max}"
        return "，".join(x for x in (low, high) if x)


class Choice(click.Choice):
    """click's Choice with the allowed values listed the Chinese way: “a”、“b”."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        allowed = "、".join(f"“{c}”" for c in self.choices)
        return f"“{value}”无效，应为 {allowed} 之一。"


class ChineseFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示此帮助并退出。"
        return option


def usage_error_text(exc: click.UsageError) -> str:
    """The usage, then what was wrong and where to find help, in Chinese (click's texts come
    through CLICK_TEXT; what click quotes with ASCII quotes is quoted the Chinese way)."""
    import re

    message = re.sub(r"'([^'\n]*)'", r"“\1”", exc.format_message()).replace("”, “", "”、“").replace(" （", "（")
    message = re.sub(r"\.$", "。", message)
    lines = []
    if exc.ctx is not None:
        lines.append(exc.ctx.get_usage())
        lines.append(f"可运行“{exc.ctx.command_path} -h”查看帮助。")
    lines.append(f"错误：{message}")
    return "\n".join(lines)


class ChineseGroup(ChineseCommand, click.Group):
    """A group with ChineseCommand's context and help option, whose commands are Chinese too."""

    command_class = ChineseCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


ChineseGroup.group_class = ChineseGroup  # sub-groups (xlperf addin) speak Chinese too


class XlperfGroup(ChineseGroup):
    """Runs every command inside one error boundary: XlperfError -> one Chinese line + its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except XlperfError as exc:
            _debug_trace(ctx)
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # the reader of a pipe stopped (`xlperf review … | head -1`): nothing more to say to it;
            # stdout goes to devnull so the interpreter's final flush does not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except Exception as exc:  # an unexpected bug: say so plainly, keep the traceback for --debug
            _debug_trace(ctx)
            click.echo(
                f"内部错误：{type(exc).__name__}: {exc}。请加 --debug 重新运行并把输出发给维护人员。",
                err=True,
            )
            ctx.exit(70)


def _debug_trace(ctx: click.Context) -> None:
    root = ctx.find_root()
    if root.params.get("debug"):
        import traceback

        traceback.print_exc(file=sys.stderr)


@click.group(cls=XlperfGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（供维护人员排查）。")
@click.version_option(__version__, "-V", "--version", prog_name="xlperf", message="%(prog)s %(version)s", help="显示版本号并退出。")
def cli(debug: bool) -> None:
    """xlperf：项目支出绩效自评工具。

    \b
    常用流程：
      xlperf new 2025自评.xlsx          新建自评表
      xlperf calc 2025自评.xlsx         填写后计算得分、校验并生成报告草稿
      xlperf check 2025自评.xlsx        只校验，列出问题
      xlperf report 2025自评.xlsx -o 报告.docx   生成自评报告
    """


# --- new -------------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", metavar="文件", type=click.Path())
@click.option("--style", metavar="样式", default="通用", show_default=True, help="报告样式：通用 / 四川 / 山西 / 陕西 / 湖南。")
@click.option("--type", "evaluation_type", default=None, type=Choice(["项目支出", "部门整体支出"]), help="评价类型。默认 项目支出；--style 湖南（部门整体支出的提纲）时为 部门整体支出。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
@click.option("--from", "from_", type=click.Path(path_type=Path), help="以上一年度的自评表（任何可读的自评表或工作簿）为底：保留项目信息和指标表（指标值、分值），清空实际完成值、得分和原因，年度加一。")
@click.option("--table", type=IntRange(min=1), default=None, help="--from 的文件中有多张自评表时，选第几张。")
def new(path: str, style: str, evaluation_type: str | None, force: bool, from_: Path | None, table: int | None) -> None:
    """新建一份空白自评表（项目信息、预算执行、绩效指标、校验结果、自评报告）。

    文件以 / 结尾或是已存在的文件夹时，在其中新建“绩效自评表.xlsx”（用 --from 时为“<原文件名>-新年度.xlsx”）。

    \b
    示例：
      xlperf new 2025自评.xlsx --style 四川
      xlperf new 2025自评.xlsx --from 2024自评表.xls
    """
    from xlperf.api import new_workbook

    out = new_workbook(path, style=style, evaluation_type=evaluation_type, force=force, from_=from_, table=table)
    if from_ is not None:
        click.echo(f"已按 {from_.name} 新建自评表：{out}（保留项目信息和指标表，已清空实际完成值、得分和原因）")
    else:
        kind = "" if evaluation_type or STYLE_TYPES.get(style, EvaluationType.PROJECT) == EvaluationType.PROJECT else f"（{STYLE_TYPES[style]}；报告样式 {style}）"
        click.echo(f"已新建自评表：{out}{kind}")
    click.echo(f"填写后运行：xlperf calc {_quote(out)}")


# --- calc ------------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", metavar="文件", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=click.Path(readable=False), help="另存为此文件（或文件夹，文件名同原文件），不修改原文件。")
@click.option("-q", "--quiet", is_flag=True, help="只输出总分一行。")
def calc(path: Path, out: str | None, quiet: bool) -> None:
    """计算得分并写回工作簿：完成率、得分、总分、等级、校验结果和自评报告草稿。

    只改写程序负责的单元格，工作簿中的其他内容（图片、批注、按钮、宏等）原样保留。
    """
    from xlperf.api import calc_file, calc_output

    ev = calc_file(path, out)
    target = calc_output(path, out)
    click.echo(_summary_line(ev))
    if not quiet:
        click.echo(f"已写入：{target}（详见“校验结果”工作表）")
    sys.exit(EXIT_FINDINGS if ev.errors or not ev.final else EXIT_OK)


# --- check -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", metavar="文件", type=click.Path(path_type=Path, readable=False))
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
@click.option("--errors-only", is_flag=True, help="只列出“错误”级别的问题。")
@click.option("--table", type=IntRange(min=1), default=None, help="文件（如 Word 附件）中有多张自评表时，检查第几张。")
@click.option("--explain", is_flag=True, help="同时列出表格是如何读取的：表头行、每列的用途、每个指标行、未作为指标的行及原因。")
def check(path: Path, fmt: str, errors_only: bool, table: int | None, explain: bool = False) -> None:
    """校验工作簿（不修改文件），列出每个问题及其单元格。有错误、或总分待定时退出码为 1。

    也可直接检查单位原有的自评表（.xlsx/.xls/.ods 或 Word 附件表）。
    """
    from xlperf.api import check_file, evaluation_json

    ev = check_file(path, table)
    findings = [f for f in ev.findings if f.severity == Severity.ERROR] if errors_only else ev.findings
    if fmt == "json":
        data = evaluation_json(ev, file=str(path))
        if errors_only:
            data["findings"] = [f.to_json() for f in findings]
        if explain and ev.input.reading is not None:
            from dataclasses import asdict

            data["reading"] = asdict(ev.input.reading)
        from xlperf.output import print_json

        print_json(data)
    else:
        from xlperf.output import explain_lines, print_findings

        if explain:
            click.echo("\n".join(explain_lines(ev.input)))
        print_findings(findings)
        click.echo(_summary_line(ev))
    sys.exit(EXIT_FINDINGS if ev.errors or not ev.final else EXIT_OK)


# --- review ----------------------------------------------------------------------------------------

REVIEW_OUT_SUFFIXES = (".txt", ".json", ".log", ".csv", ".md", "")


@cli.command("review")
@click.argument("report", metavar="报告", type=click.Path(path_type=Path, readable=False))
@click.argument("table", metavar="[自评表]", required=False, type=click.Path(path_type=Path, readable=False))
@click.option("--style", type=Choice(REPORT_STYLES), default=None, help="按哪个样式的提纲检查报告的各部分：通用 / 四川 / 山西 / 陕西 / 湖南。默认按报告的标题判断。")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path, readable=False), help="把结果另存到此文件（文字存为 .txt，--format json 时存为 .json）。")
@click.option("--table", "table_index", type=IntRange(min=1), default=None, help="自评表文件中有多张自评表时，对照第几张（见 xlperf import --list）。")
@click.option("--annotate", "annotated", metavar="批注版.docx", type=click.Path(path_type=Path, readable=False), default=None, help="另存一份批注版：每个问题作为 Word 批注标在对应段落上（原报告不改动），可直接退回单位修改。")
def review_command(report: Path, table: Path | None, style: str | None, fmt: str, out: Path | None, table_index: int | None, annotated: Path | None) -> None:
    """审核单位自己写的自评报告（Word）：把报告中写的总分、等级、金额、执行率等与自评表核对，列出不一致之处。

    自评表默认取报告附件中的表格；另有自评表文件（.xlsx/.xls/.ods/.docx）时写在报告之后。
    每个问题给出代码、段落（第几段及开头几个字）、自评表单元格和说明。没有问题时退出码为 0，有问题时为 1。

    \b
    示例：
      xlperf review 2025自评报告.docx
      xlperf review 报告.docx 自评表.xls
      xlperf review 报告.docx --format json -o 结果.json
      xlperf review 报告.docx --annotate 报告-批注版.docx
    """
    from xlperf.core.errors import InputError, XCode

    if out is not None:
        if out.suffix.lower() not in REVIEW_OUT_SUFFIXES:
            raise InputError("审核结果只能另存为文字或 JSON 文件（.txt / .json），不会写入 Word 或 Excel 文件", path=out, code=XCode.BAD_OUT_NAME)
        same = [p for p in (report, table) if p is not None and out.resolve() == p.resolve()]
        if same:
            raise InputError("审核结果的文件名与被审核的文件相同，不能覆盖", path=out, code=XCode.BAD_OUT_NAME)
    if annotated is not None:
        from xlperf.review.annotate import annotated_target

        annotated = annotated_target(report, annotated)  # refused before anything is read
    from xlperf.review import review_report

    result = review_report(report, table, style, table_index=table_index)
    from xlperf.output import print_json, print_review, review_json, write_review

    if out is not None:
        write_review(result, fmt, out)
        click.echo(f"已写入审核结果：{out}（{len(result.findings)} 个问题）")
    elif fmt == "json":
        print_json(review_json(result))
    else:
        print_review(result)
    if annotated is not None:
        _annotate(report, result, annotated, quiet=fmt == "json" and out is None)
    sys.exit(EXIT_FINDINGS if result.findings else EXIT_OK)


def _annotate(report: Path, result, target: Path, quiet: bool) -> None:
    """The 批注版 copy (only when there is something to mark); stderr when stdout carries JSON."""
    if not result.findings:
        message = f"未发现问题，未生成批注版：{target}"
    else:
        from xlperf.review.annotate import annotate_report

        annotate_report(report, result.findings, target)
        message = f"已生成批注版：{target}（{len(result.findings)} 条批注）"
    click.echo(message, err=quiet)


# --- import ----------------------------------------------------------------------------------------


@cli.command("import")
@click.argument("src", metavar="原表", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(), help="新自评表的文件名（.xlsx），或文件夹（以 / 结尾或已存在；不存在时创建）。默认：原文件旁的“<原文件名>-导入.xlsx”。")
@click.option("--style", type=Choice(REPORT_STYLES), default=None, help="报告样式；默认按表样（四川、山西、陕西、湖南，全国表样为通用）。")
@click.option("--list", "list_only", is_flag=True, help="只列出文件中找到的自评表，不导入。")
@click.option("--table", type=IntRange(min=1), default=None, help="只导入第几张自评表（见 --list）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def import_command(src: Path, out: str | None, style: str | None, list_only: bool, table: int | None, force: bool) -> None:
    """把单位原有的自评表（全国或各省表样；.xlsx/.xls/.ods 或 Word 附件表）导入为 xlperf 自评表。

    项目信息、预算执行、指标（指标值、实际完成值、单位自评得分、原因）和年度总体目标全部带入；导入后可直接 calc、report。

    原表为文件夹时导入其中每个文件（每张自评表一个工作簿）。

    \b
    示例：
      xlperf import 2024自评表.xls -o 2024自评.xlsx
      xlperf import 部门整体支出自评报告.docx --list
      xlperf import 部门整体支出自评报告.docx --table 2 -o 项目二.xlsx
    """
    from xlperf.api import import_forms, list_forms

    if list_only:
        rows = list_forms(src)
        if not rows:
            click.echo(f"{src.name}：没有找到自评表")
            sys.exit(EXIT_FINDINGS)
        for index, where, ev, error in rows:
            tail = f"总分 {ev.total_text}，等级 {ev.grade_text}，指标 {len(ev.indicators)} 项" if ev else f"无法读取：{error}"
            click.echo(f"{index}. {where}；{tail}")
        return
    results = import_forms(src, out, table=table, style=style, force=force)
    failed = unsure = 0
    for r in results:
        if r.error or r.evaluation is None:
            failed += 1
            click.echo(f"失败：{r.source.name}：{r.error}")
            continue
        unsure += _print_import(r)
    if len(results) > 1:
        click.echo(f"共导入 {len(results) - failed} 张自评表，失败 {failed} 个文件")
    sys.exit(EXIT_FINDINGS if failed or unsure else EXIT_OK)


def _print_import(r) -> int:
    """Print what one import read, and every place it was unsure of; returns 1 when the total is 待定."""
    from xlperf.core.findings import RULES

    ev = r.evaluation
    inp = ev.input
    weights = ev.total_weight
    declared = "无" if inp.declared_total_score is None else f"{inp.declared_total_score:g}"
    where = f"{r.source.name}" + (f"（{r.table}）" if r.table else "")
    click.echo(f"已导入 {where} → {r.output}")
    layout_name = inp.info.extra.get("表样", "")
    click.echo(
        f"  项目：{inp.info.name or '（未读到项目名称）'}；年度：{inp.info.year or '（未读到）'}；表样：{layout_name or '本工具模板'}；"
        f"指标 {len(inp.indicators)} 项；分值合计 {weights:g}；表中总分 {declared}；"
        f"计算总分 {ev.total_text}，等级 {ev.grade_text}"
    )
    reading = [f for f in ev.findings if RULES[f.code].rule == "读取" or RULES[f.code].withholds]
    for f in reading:
        click.echo(f"  需核对：{f.location} {f.code} {f.message}")
    for note in r.notes:
        click.echo(f"  说明：{note}")
    from xlperf.output import explain_lines

    for line in explain_lines(inp):
        click.echo("  " + line)
    if not ev.final:
        click.echo("  总分待定：请按上面的提示在新自评表中改正后运行 xlperf calc")
    return 0 if ev.final else 1


# --- helpers ---------------------------------------------------------------------------------------


def _summary_line(ev) -> str:

    return (
        f"{ev.input.source}：总分 {ev.total_text}，等级：{ev.grade_text}；"
        f"错误 {len(ev.errors)} 条，警告 {len(ev.warnings)} 条"
    )


def _quote(path: Path) -> str:
    s = str(path)
    return f'"{s}"' if " " in s else s


# --- report --------------------------------------------------------------------------------------

REPORT_FORMATS = ("docx", "pdf", "md", "html", "xlsx")


@cli.command("report")
@click.argument("file", metavar="文件", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=click.Path(readable=False), help="报告文件名，或文件夹（以 / 结尾或已存在；不存在时创建，报告名为“<工作簿名>-自评报告.<格式>”）。默认：工作簿所在文件夹。扩展名须与格式一致。")
@click.option("--format", "fmt", type=Choice(REPORT_FORMATS, case_sensitive=False), help="报告格式：docx（Word，默认）/ pdf / md / html；xlsx 导出正式的项目支出绩效自评表（按 --style 的版式）。省略时按 -o 的扩展名判断。")
@click.option("--style", type=Choice(REPORT_STYLES), help="报告样式（提纲）：通用 / 四川 / 山西 / 陕西 / 湖南。默认取“项目信息”中的报告样式。")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), help="用自己的 Word 模板（.docx）代替内置模板，见 docs/report-templates.md。")
@click.option("--table", type=IntRange(min=1), default=None, help="文件（如 Word 附件）中有多张自评表时，为第几张生成报告（见 xlperf import --list）。")
@click.option("--strict", is_flag=True, help="工作簿有“错误”级问题时不生成报告。")
@click.option("--public", is_flag=True, help="生成公示版：遮盖电话号码、身份证号和联系人/经办人姓名（遮盖清单只显示在屏幕上）。")
@click.option(
    "--projects",
    type=click.Path(path_type=Path),
    help="部门整体支出评价：各项目自评表所在的文件夹，报告附件中收入每个项目的自评表（样式默认 湖南）。",
)
def report_command(file: Path, out: str | None, fmt: str | None, style: str | None, template: Path | None, table: int | None, strict: bool, public: bool, projects: Path | None) -> None:
    """根据自评表生成自评报告（Word / PDF / Markdown / HTML）。

    报告中的得分、金额、执行率均取自工作簿；“自评报告”工作表中填写的“定稿”优先于自动生成的文字。

    工作簿有“错误”级问题或总分待定时仍生成报告（草稿，退出码 1）；加 --strict 则有“错误”级问题时不生成。

    \b
    示例：
      xlperf report 2025自评.xlsx
      xlperf report 2025自评.xlsx -o 报告/ --format pdf
      xlperf report 2025自评.xlsx --style 四川 --template 我局模板.docx
      xlperf report 部门整体支出自评表.xlsx --projects 各项目自评表/
      xlperf report 2025自评.xlsx --public -o 公示/

    报告有待完善事项（工作簿错误、待定得分、未填写的内容）时，标题标为“草稿”，文末列出待完善事项。
    """
    if projects is not None:
        _department(file, out, fmt, style, template, strict, projects, public)
        return
    from xlperf.report.job import render_report

    result = render_report(file, out, fmt=fmt.lower() if fmt else None, style=style, template=template, strict=strict, public=public, table=table)
    if result.format == "xlsx":
        click.echo(f"已导出自评表：{result.output}")
    else:
        click.echo(f"已生成{'公示版' if public else ''}自评报告：{result.output}")
    _print_report_notes(result.open_items, result.masked, public)
    _print_errors(result.errors)
    for w in result.warnings:
        click.echo(f"提示：{w}")
    sys.exit(EXIT_FINDINGS if result.errors or not result.evaluation.final else EXIT_OK)


def _print_report_notes(open_items: list[str], masked: list[str], public: bool) -> None:
    if open_items:
        click.echo(f"报告为草稿：有 {len(open_items)} 项待完善（已列在报告末尾“待完善事项”一节）。")
    if public:
        if masked:
            click.echo("公示版已遮盖：" + "；".join(masked))
        else:
            click.echo("公示版：未发现需要遮盖的电话号码、身份证号或联系人姓名。")


def _department(file: Path, out: str | None, fmt: str | None, style: str | None, template: Path | None, strict: bool, projects: Path, public: bool = False) -> None:
    from xlperf.department import DEPARTMENT_STYLE, department_report

    r = department_report(file, projects, out, fmt.lower() if fmt else None, style=style or DEPARTMENT_STYLE, template=template, strict=strict, public=public)
    click.echo(f"已生成{'公示版' if public else ''}部门整体支出自评报告：{r.out}（收入项目自评表 {len(r.projects)} 份）")
    _print_report_notes(r.open_items, r.masked, public)
    for line in r.problems:
        click.echo(f"提示：{line}")
    _print_errors(r.errors)
    sys.exit(EXIT_FINDINGS if r.errors else EXIT_OK)


def _print_errors(errors) -> None:
    for f in errors:
        click.echo(f"错误\t{f.location}\t{f.code}\t{f.message}")
    if errors:
        click.echo(f"工作簿有 {len(errors)} 个错误，报告中的得分可能不准确；请修改后重新生成（xlperf check 可查看全部问题）。")


# --- batch ---------------------------------------------------------------------------------------


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="输入…")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(readable=False), help="输出文件夹（报告、汇总表.xlsx）。不存在时自动创建。")
@click.option("--format", "fmt", metavar="格式", default="docx", show_default=True, help="报告格式，逗号分隔：docx、pdf、md。")
@click.option("-j", "--jobs", type=IntRange(min=1), default=None, help="并行进程数，默认为 CPU 核数；1 表示在本进程中逐个处理。")
@click.option("--force", is_flag=True, help="全部重新生成（默认跳过内容和选项都未变、报告仍在的工作簿）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度，只输出最后的汇总。")
@click.option("--csv", "csv_out", is_flag=True, help="另外输出 汇总表.csv（UTF-8，Excel 可直接打开）。")
@click.option("--style", metavar="样式", default=None, help="报告样式：通用 / 四川 / 山西 / 陕西 / 湖南；默认按各工作簿“项目信息”中的报告样式。")
@click.option("--review", is_flag=True, help="审核模式：逐份核对各单位交来的自评报告（.docx）与其自评表，问题写入 审核汇总表.xlsx。")
@click.option("--annotate", is_flag=True, help="与 --review 一起用：为有问题的报告另存一份批注版（输出文件夹/批注版/）。")
def batch_command(inputs: tuple[str, ...], outdir: str, fmt: str, jobs: int | None, force: bool, quiet: bool, csv_out: bool, style: str | None, review: bool, annotate: bool) -> None:
    """批量校验多个自评表，每个工作簿生成一份自评报告，并生成 汇总表.xlsx。

    \b
    输入可以是文件、文件夹（含子文件夹）或通配符，例如：
      xlperf batch 2025自评/ -o 报告/
      xlperf batch "各单位/*.xlsx" -o 报告/ --format docx,pdf --csv

    Excel/WPS 锁文件（~$开头）、隐藏文件和非工作簿自动跳过；.xls 文件列为失败（请另存为 .xlsx）。

    再次运行时，内容和选项都未变且报告仍在的工作簿直接沿用上次结果；--force 全部重做。

    \b
    审核各单位交来的报告（--review）：
      xlperf batch 各单位报告/ -o 审核结果/ --review --annotate

    每份 Word 报告与同一文件夹中名称对应的自评表配对（如 XX项目自评报告.docx 与 XX项目自评表.xlsx），文件夹中只有一份报告和一份表时直接配对，找不到时核对报告附件中的表格。

    退出码：0 全部成功且无错误（审核模式：全部无问题）；1 有工作簿存在“错误”级问题、处理失败或 PDF 未生成（审核模式：有报告有问题或无法审核）。
    """
    from xlperf.output import BatchProgress

    if review or annotate:
        _review_batch(inputs, outdir, jobs, quiet, review, annotate, fmt, force, csv_out, style)
        return
    from xlperf.batch.run import run_batch

    reporter = BatchProgress(quiet)
    try:
        result = run_batch(list(inputs), outdir, formats=fmt, jobs=jobs, force=force, style=style, csv=csv_out, progress=reporter)
    finally:
        reporter.close()
    for line in result.summary_lines():
        click.echo(line)
    sys.exit(result.exit_code)


def _review_batch(inputs: tuple[str, ...], outdir: str, jobs: int | None, quiet: bool, review: bool, annotate: bool, fmt: str, force: bool, csv_out: bool, style: str | None) -> None:
    from xlperf.batch.review import run_review_batch
    from xlperf.output import BatchProgress

    if not review:
        raise click.UsageError("--annotate 只能与 --review 一起使用")
    unused = [name for name, given in (("--format", fmt != "docx"), ("--force", force), ("--csv", csv_out), ("--style", style is not None)) if given]
    if unused:
        raise click.UsageError(f"审核模式（--review）不生成报告，不能同时使用 {'、'.join(unused)}")
    reporter = BatchProgress(quiet)
    try:
        result = run_review_batch(list(inputs), outdir, jobs=jobs, annotate=annotate, progress=reporter)
    finally:
        reporter.close()
    for line in result.summary_lines():
        click.echo(line)
    sys.exit(result.exit_code)


# --- addin ---------------------------------------------------------------------------------------

_DIR = click.Path(file_okay=False, path_type=Path)


@cli.group("addin")
def addin_group() -> None:
    """Excel 加载项：生成、安装、卸载 xlperf.xlam（“绩效自评”选项卡）。"""


@addin_group.command("build")
@click.option("-o", "--out-dir", "out_dir", type=_DIR, default=Path("."), show_default=True, help="加载项写入的目录。")
@click.option("--interpreter", metavar="路径", default=None, help="按钮所用 Python 的完整路径（默认：当前的 Python）。")
def addin_build(out_dir: Path, interpreter: str | None) -> None:
    """生成 xlperf.xlam，不安装。"""
    from xlperf.excel.addin import build_addin, default_interpreter

    path = build_addin(out_dir, interpreter=interpreter)
    used = default_interpreter() if interpreter is None else interpreter
    click.echo(f"已生成加载项：{path}（Python：{used or '系统 PATH 中的 python'}）")


@addin_group.command("install")
@click.option("--dir", "dir_", type=_DIR, default=None, help="安装到此目录（默认：Excel 的启动文件夹 XLSTART）。")
@click.option("--interpreter", metavar="路径", default=None, help="按钮所用 Python 的完整路径（默认：当前的 Python）。")
@click.option("--no-functions", is_flag=True, help="不导入工作表函数（=XLPERF_SCORE 等，仅 Windows 版 Excel）。")
@click.option("--sendto", is_flag=True, help="不装加载项，改为在资源管理器“发送到”菜单中添加“绩效自评：计算”“绩效自评：生成报告”（WPS、不能用宏的电脑）。")
def addin_install(dir_: Path | None, interpreter: str | None, no_functions: bool, sendto: bool) -> None:
    """把 xlperf.xlam 安装到 Excel 的启动文件夹（或用 --sendto 添加右键菜单）。"""
    if sendto:
        from xlperf.excel.sendto import install_sendto

        done = install_sendto(dir_, interpreter=interpreter)
        for entry in done.entries:
            click.echo(f"已添加：{entry}")
        where = "右键 → 发送到" if sys.platform == "win32" else "右键 → 打开方式"
        click.echo(f"在资源管理器中选中自评表，{where} → 绩效自评：计算 / 绩效自评：生成报告。卸载：xlperf addin remove --sendto")
        return
    from xlperf.core.errors import EnvironmentProblem
    from xlperf.excel.addin import import_functions, install_addin

    path = install_addin(dir_, interpreter=interpreter)
    extra = "，并已安装 RunPython 所需的 AppleScript" if sys.platform == "darwin" else ""
    click.echo(f"已安装加载项：{path}{extra}。请重新启动 Excel，然后在“绩效自评”选项卡中点击“重新计算”。")
    if sys.platform == "win32" and not no_functions:
        try:
            import_functions(path)
            click.echo("已导入工作表函数：任何工作簿中都可以输入 =XLPERF_SCORE(…) 等函数。")
        except EnvironmentProblem as exc:
            click.echo(f"提示：{exc}")


@addin_group.command("remove")
@click.option("--dir", "dir_", type=_DIR, default=None, help="从此目录卸载（默认：Excel 的启动文件夹 XLSTART）。")
@click.option("--sendto", is_flag=True, help="只删除“发送到”菜单中的两项（xlperf addin install --sendto 添加的）。")
def addin_remove(dir_: Path | None, sendto: bool) -> None:
    """从 Excel 的启动文件夹删除 xlperf.xlam，并删除“发送到”菜单中的两项。"""
    from xlperf.excel.sendto import remove_sendto

    if sendto:
        removed = remove_sendto(dir_)
        for p in removed:
            click.echo(f"已删除：{p}")
        if not removed:
            click.echo("未找到“发送到”菜单项，无需卸载。")
        return
    from xlperf.excel.addin import ADDIN_NAME, excel_startup_dir, remove_addin

    path = remove_addin(dir_)
    where = dir_ if dir_ is not None else excel_startup_dir()
    if path is None:
        click.echo(f"未找到加载项：{Path(where) / ADDIN_NAME}，无需卸载。")
    else:
        click.echo(f"已删除加载项：{path}。请重新启动 Excel。")
    if dir_ is None:
        for p in remove_sendto():
            click.echo(f"已删除：{p}")


@cli.command("sendto", hidden=True)
@click.argument("kind", metavar="操作", type=Choice(["calc", "report"]))
@click.argument("files", metavar="文件…", nargs=-1, type=click.Path(path_type=Path))
def sendto_command(kind: str, files: tuple[Path, ...]) -> None:
    """资源管理器“发送到”菜单调用的入口（由 xlperf addin install --sendto 添加）。"""
    from xlperf.excel.sendto import message_box, process

    outcome = process(kind, list(files))
    code = EXIT_FINDINGS if (outcome.failed or outcome.with_errors) else EXIT_OK
    if sys.platform == "win32":  # pythonw: no console, the message box is the window
        message_box(outcome.text, error=bool(outcome.failed))
    else:
        click.echo(outcome.text)
        if sys.stdin is not None and sys.stdin.isatty():
            click.pause("按任意键关闭窗口…")
    sys.exit(code)


def main() -> None:
    """The console script: click's own messages (usage errors, Ctrl+C) in Chinese too."""
    from xlperf.output import configure_console

    configure_console()  # a Chinese Windows console redirected to a file is GBK: never fail on a character
    try:
        code = cli.main(prog_name="xlperf", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `xlperf` (or `xlperf addin`): the help, not an error
        click.echo(exc.ctx.get_help())
        sys.exit(EXIT_OK)
    except click.UsageError as exc:
        click.echo(usage_error_text(exc), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
