"""Values are parsed once, while the workbook is read and scored: report code does not parse them again.

A report is rendered from a shipped example in every project style (通用 四川 山西 陕西, Markdown)
and in Word for one style, and from a 湖南 部门整体支出 workbook with two project workbooks (the
湖南 outline is written for 部门整体支出 only). While it renders, a profile hook (``sys.setprofile``)
watches every call of the public parse functions of ``xlperf.core.values`` (``parse_value`` and any
other public name starting with ``parse``). The hook matches the functions' code objects, so a call
is seen however the caller reached the function (``V.parse_value`` or a name imported with
``from … import``). The caller is the nearest frame outside ``xlperf.core.values``, read from the
stack at call time; a caller whose module is ``xlperf.report…`` or ``xlperf.core.narrative…`` fails
the test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "示例-临汾六类人群.xlsx"
PROJECT_STYLES = ("通用", "四川", "山西", "陕西")
VALUES = "xlperf.core.values"
FORBIDDEN = ("xlperf.report", "xlperf.core.narrative")


def _parse_codes() -> dict:
    """{code object: name} of the public parse functions of xlperf.core.values."""
    import importlib

    mod = importlib.import_module(VALUES)
    out = {}
    for name in dir(mod):
        fn = getattr(mod, name)
        if not (name.startswith("parse") and callable(fn) and getattr(fn, "__module__", "") == VALUES):
            continue
        code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__wrapped__", None), "__code__", None)
        if code is not None:
            out[code] = name
    assert out, f"no public parse function found in {VALUES}"
    return out


class ParseWatch:
    """Records (parse function, caller module, caller function) for every call made inside the block."""

    def __init__(self) -> None:
        self.codes = _parse_codes()
        self.calls: list[tuple[str, str, str]] = []
        self._old = None

    def _hook(self, frame, event, arg) -> None:
        if event != "call" or frame.f_code not in self.codes:
            return
        caller = frame.f_back
        while caller is not None and caller.f_globals.get("__name__") == VALUES:
            caller = caller.f_back
        module = caller.f_globals.get("__name__", "?") if caller is not None else "?"
        function = caller.f_code.co_name if caller is not None else "?"
        self.calls.append((self.codes[frame.f_code], module, function))

    def __enter__(self) -> "ParseWatch":
        self._old = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(self._old)

    def from_report_code(self) -> list[str]:
        return sorted({f"{name} called from {module}.{function}" for name, module, function in self.calls if module.startswith(FORBIDDEN)})


def _report(*args) -> None:
    from xlperf.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in ("report", *args)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output  # 1: a draft report, still written
    out = Path(args[args.index("-o") + 1])
    assert out.exists() and out.stat().st_size > 0, result.output


KEYS = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值")


def _department(root: Path) -> tuple[Path, Path]:
    """A 部门整体支出 workbook (湖南) and a folder with one project workbook."""
    from xlperf.workbook.template import build_template, fill_workbook

    master = root / "部门整体.xlsx"
    build_template(master, evaluation_type="部门整体支出", style="湖南")
    rows = [
        ("投入管理指标", "预算执行", "预算执行率", 20, "100%", "98.5%"),
        ("产出指标", "数量指标", "完成年度重点工作数", 30, "≥12项", "12项"),
        ("产出指标", "质量指标", "重点工作完成质量", 20, "≥95%", "97%"),
        ("效益指标", "社会效益", "群众满意度", 20, "≥90%", "93%"),
        ("效益指标", "可持续影响", "长效管理机制", 10, "健全", "健全"),
    ]
    fill_workbook(
        master,
        info={"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "评价年度": 2025, "报告样式": "湖南"},
        budget={"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}},
        indicators=[dict(zip(KEYS, r)) for r in rows],
    )
    projects = root / "项目"
    projects.mkdir()
    build_template(projects / "医保补助.xlsx")
    fill_workbook(
        projects / "医保补助.xlsx",
        info={"项目名称": "城乡居民医保补助项目", "主管部门": "县医疗保障局", "评价年度": 2025},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 40, "分值": 10}},
        indicators=[dict(zip(KEYS, r)) for r in [("产出指标", "数量指标", "补助参保人数", 50, "≥100人", "102人"), ("效益指标", "社会效益指标", "群众负担减轻", 30, "明显", "明显"), ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "≥95%", "96%")]],
    )
    return master, projects


def test_report_code_does_not_parse_values(tmp_path):
    master, projects = _department(tmp_path)  # built before watching: building is not rendering
    with ParseWatch() as watch:
        for style in PROJECT_STYLES:
            _report(EXAMPLE, "--style", style, "--format", "md", "-o", tmp_path / f"{style}.md")
        _report(EXAMPLE, "--style", "山西", "--format", "docx", "-o", tmp_path / "山西.docx")
        _report(master, "--projects", projects, "--style", "湖南", "--format", "md", "-o", tmp_path / "湖南.md")
    assert watch.calls, "no parse call was seen at all: the watch is not working"
    assert watch.from_report_code() == []


def _fake_module_function(module_name: str, body: str):
    """A function whose globals say it lives in ``module_name`` (as if defined in that module)."""
    import xlperf.core.values as V

    namespace = {"__name__": module_name, "V": V, "parse_value": V.parse_value}
    exec(compile(f"def fake():\n    {body}\n", f"<{module_name}>", "exec"), namespace)
    return namespace["fake"]


def test_the_watch_catches_a_call_from_report_code():
    via_module = _fake_module_function("xlperf.report.x", "return V.parse_value('≥95%')")
    via_name = _fake_module_function("xlperf.core.narrative.sections", "return parse_value('3626人')")
    elsewhere = _fake_module_function("xlperf.core.scoring", "return V.parse_value('95%')")
    with ParseWatch() as watch:
        via_module()
        via_name()
        elsewhere()
    assert watch.from_report_code() == ["parse_value called from xlperf.core.narrative.sections.fake", "parse_value called from xlperf.report.x.fake"]
    assert ("parse_value", "xlperf.core.scoring", "fake") in watch.calls
    assert sys.getprofile() is None or sys.getprofile() is not watch._hook  # the hook is removed
