"""The ``xlperf`` command. Thin: parse options, call the library, print, map errors to exit codes.

Exit statuses: 0 no errors; 1 the workbook has 错误-level findings; 2 the input is unusable;
3 the environment (output folder, locked file, missing program) is the problem.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from xlperf import __version__
from xlperf.errors import EXIT_FINDINGS, EXIT_OK, XlperfError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class XlperfGroup(click.Group):
    """Runs every command inside one error boundary: XlperfError -> one Chinese line + its exit code.

    Commands that live beside their library code are loaded only when used, so ``xlperf check``
    does not pay for the worker pool of ``batch`` or the Word engine of ``report``.
    """

    lazy_commands = {
        "report": "xlperf.report.command:report_command",
        "batch": "xlperf.batch:batch_command",
        "addin": "xlperf.addin:addin_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            import importlib

            module, attr = self.lazy_commands[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

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
        traceback.print_exc(file=sys.stderr)


@click.group(cls=XlperfGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（供维护人员排查）。")
@click.version_option(__version__, "-V", "--version", prog_name="xlperf", message="%(prog)s %(version)s")
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
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--style", default="通用", show_default=True, help="报告样式：通用 / 四川 / 山西 / 陕西 / 湖南。")
@click.option("--type", "evaluation_type", default="项目支出", show_default=True, type=click.Choice(["项目支出", "部门整体支出"]), help="评价类型。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def new(path: Path, style: str, evaluation_type: str, force: bool) -> None:
    """新建一份空白自评表（项目信息、预算执行、绩效指标、校验结果、自评报告）。"""
    from xlperf.api import new_workbook

    out = new_workbook(path, style=style, evaluation_type=evaluation_type, force=force)
    click.echo(f"已新建自评表：{out}")
    click.echo(f"填写后运行：xlperf calc {_quote(out)}")


# --- calc ------------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), help="另存为此文件，不修改原文件。")
@click.option("-q", "--quiet", is_flag=True, help="只输出总分一行。")
def calc(path: Path, out: Path | None, quiet: bool) -> None:
    """计算得分并写回工作簿：完成率、得分、总分、等级、校验结果和自评报告草稿。

    只改写程序负责的单元格，工作簿中的其他内容（图片、批注、按钮、宏等）原样保留。
    """
    from xlperf.api import calc_file

    ev = calc_file(path, out)
    target = out or path
    click.echo(_summary_line(ev))
    if not quiet:
        click.echo(f"已写入：{target}（详见“校验结果”工作表）")
    sys.exit(EXIT_FINDINGS if ev.errors else EXIT_OK)


# --- check -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。")
@click.option("--errors-only", is_flag=True, help="只列出“错误”级别的问题。")
def check(path: Path, fmt: str, errors_only: bool) -> None:
    """校验工作簿（不修改文件），列出每个问题及其单元格。有错误时退出码为 1。"""
    from xlperf.api import check_file, evaluation_json

    ev = check_file(path)
    findings = [f for f in ev.findings if f.severity == "错误"] if errors_only else ev.findings
    if fmt == "json":
        data = evaluation_json(ev, file=str(path))
        if errors_only:
            data["findings"] = [f.to_json() for f in findings]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        click.echo(_summary_line(ev))
    sys.exit(EXIT_FINDINGS if ev.errors else EXIT_OK)


# --- helpers ---------------------------------------------------------------------------------------


def _summary_line(ev) -> str:
    from xlperf.values import format_score

    return (
        f"{ev.input.source}：总分 {format_score(ev.total_score)}，等级：{ev.grade}；"
        f"错误 {len(ev.errors)} 条，警告 {len(ev.warnings)} 条"
    )


def _print_findings(findings) -> None:
    if not findings:
        click.echo("未发现问题。")
        return
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False, header_style="bold")
        for name in ("级别", "位置", "规则", "说明"):
            table.add_column(name, overflow="fold")
        colors = {"错误": "red", "警告": "yellow", "提示": "cyan"}
        for f in findings:
            table.add_row(f"[{colors[f.severity]}]{f.severity}[/]", f.location, f.code, f.message)
        Console().print(table)
    else:
        for f in findings:
            click.echo(f"{f.severity}\t{f.location}\t{f.code}\t{f.message}")


def _quote(path: Path) -> str:
    s = str(path)
    return f'"{s}"' if " " in s else s


def main() -> None:
    cli(prog_name="xlperf")


if __name__ == "__main__":  # pragma: no cover
    main()
