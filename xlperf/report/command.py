"""``xlperf report``: one workbook -> its 自评报告 (Word, PDF, Markdown or HTML)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xlperf import layout
from xlperf.errors import EXIT_FINDINGS, EXIT_OK

FORMAT_CHOICES = ("docx", "pdf", "md", "html")


@click.command("report", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="报告文件名或文件夹。默认：工作簿所在文件夹中的“<工作簿名>-自评报告.<格式>”。")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES, case_sensitive=False), help="报告格式：docx（Word，默认）/ pdf / md / html。省略时按 -o 的扩展名判断。")
@click.option("--style", type=click.Choice(layout.REPORT_STYLES), help="报告样式（提纲）：通用 / 四川 / 山西 / 陕西 / 湖南。默认取“项目信息”中的报告样式。")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), help="用自己的 Word 模板（.docx）代替内置模板，见 docs/report-templates.md。")
@click.option("--strict", is_flag=True, help="工作簿有“错误”级问题时不生成报告。")
@click.option(
    "--projects",
    type=click.Path(path_type=Path),
    help="部门整体支出评价：各项目自评表所在的文件夹，报告附件中收入每个项目的自评表（样式默认 湖南）。",
)
def report_command(file: Path, out: Path | None, fmt: str | None, style: str | None, template: Path | None, strict: bool, projects: Path | None) -> None:
    """根据自评表生成自评报告（Word / PDF / Markdown / HTML）。

    \b
    报告中的得分、金额、执行率均取自工作簿；“自评报告”工作表中填写的“定稿”优先于自动生成的文字。
    工作簿有“错误”级问题时仍生成报告（退出码 1）；加 --strict 则不生成。
    \b
    示例：
      xlperf report 2025自评.xlsx
      xlperf report 2025自评.xlsx -o 报告/ --format pdf
      xlperf report 2025自评.xlsx --style 四川 --template 我局模板.docx
      xlperf report 部门整体支出自评表.xlsx --projects 各项目自评表/
    """
    if projects is not None:
        _department(file, out, fmt, style, template, strict, projects)
        return
    from xlperf.report import render_report

    result = render_report(file, out, fmt=fmt.lower() if fmt else None, style=style, template=template, strict=strict)
    click.echo(f"已生成自评报告：{result.output}")
    for f in result.errors:
        click.echo(f"错误\t{f.location}\t{f.code}\t{f.message}")
    if result.errors:
        click.echo(f"工作簿有 {len(result.errors)} 个错误，报告中的得分可能不准确；请修改后重新生成（xlperf check 可查看全部问题）。")
    for w in result.warnings:
        click.echo(f"提示：{w}")
    sys.exit(EXIT_FINDINGS if result.errors else EXIT_OK)


def _department(file: Path, out: Path | None, fmt: str | None, style: str | None, template: Path | None, strict: bool, projects: Path) -> None:
    from xlperf.department import DEPARTMENT_STYLE, department_report

    r = department_report(file, projects, out, fmt.lower() if fmt else None, style=style or DEPARTMENT_STYLE, template=template, strict=strict)
    click.echo(f"已生成部门整体支出自评报告：{r.out}（收入项目自评表 {len(r.projects)} 份）")
    for line in r.problems:
        click.echo(f"提示：{line}")
    for f in r.errors:
        click.echo(f"错误\t{f.location}\t{f.code}\t{f.message}")
    if r.errors:
        click.echo(f"工作簿有 {len(r.errors)} 个错误，报告中的得分可能不准确；请修改后重新生成（xlperf check 可查看全部问题）。")
    sys.exit(EXIT_FINDINGS if r.errors else EXIT_OK)
