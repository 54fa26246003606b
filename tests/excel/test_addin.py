"""The Excel add-in as built from xlwings' quickstart template, inspected at zip level.

Excel is not available here: what can be checked is the file itself (VBA via oletools,
ribbon XML, relationships, config sheet, untouched parts) and the CLI around it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from xlperf.cli import cli
from xlperf.excel import addin
from xlperf.core.errors import EXIT_ENVIRONMENT, EnvironmentProblem

ROOT = Path(__file__).resolve().parents[2]
CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
RIBBON_REL_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
INTERPRETER = r"C:\Users\张 三\AppData\Local\Programs\Python\Python311\python.exe"
CHANGED = {"customUI/customUI.xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _vba(path: Path) -> dict[str, str]:
    with warnings.catch_warnings():  # oletools uses deprecated pyparsing names at import time
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name: code for (_f, _s, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _module(vba: dict[str, str], name: str) -> str:
    return next(code for file_name, code in vba.items() if file_name.rsplit(".", 1)[0] == name)


def _conf(parts: dict[str, bytes], sheet_part: str) -> dict[str, object]:
    """Column A key -> column B value of the config sheet, as Excel would read it."""
    sst = [
        "".join(si.itertext())
        for si in etree.fromstring(parts["xl/sharedStrings.xml"]).iter(MAIN + "si")
    ]
    cells: dict[str, object] = {}
    for c in etree.fromstring(parts[sheet_part]).iter(MAIN + "c"):
        t, v = c.get("t"), c.find(MAIN + "v")
        if t == "inlineStr":
            cells[c.get("r")] = "".join(c.find(MAIN + "is").itertext())
        elif v is None:
            cells[c.get("r")] = None
        elif t == "s":
            cells[c.get("r")] = sst[int(v.text)]
        elif t == "b":
            cells[c.get("r")] = v.text == "1"
        else:
            cells[c.get("r")] = v.text
    out = {}
    for ref, key in cells.items():
        if ref.startswith("A") and key:
            out[key] = cells.get("B" + ref[1:])
    return out


@pytest.fixture(scope="module")
def template() -> Path:
    return addin.template_path()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin"), interpreter=INTERPRETER)


# --------------------------------------------------------------------------- template


def test_template_is_the_pinned_xlwings(template):
    import importlib.metadata

    assert template.name == "quickstart_addin_ribbon.xlam"
    assert importlib.metadata.version("xlwings") == addin.XLWINGS_VERSION
    assert addin.XLWINGS_VERSION == "0.37.8"


def test_wrong_xlwings_version_is_refused(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.30.0")
    with pytest.raises(EnvironmentProblem) as info:
        addin.template_path()
    assert "0.30.0" in str(info.value) and "xlwings==0.37.8" in str(info.value)


def test_importing_and_building_do_not_import_xlwings(tmp_path):
    code = (
        "import sys, xlperf, xlperf.excel.addin\n"
        "assert 'xlwings' not in sys.modules\n"
        f"xlperf.excel.addin.build_addin({str(tmp_path)!r})\n"
        "assert 'xlwings' not in sys.modules, 'build imported xlwings'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --------------------------------------------------------------------------- VBA


def test_vba_modules_and_button_macro(built, template):
    vba = _vba(built)
    names = {n.rsplit(".", 1)[0] for n in vba}
    assert {"xlwings", "RibbonMyAddin", "Dictionary", "ThisWorkbook"} <= names

    ribbon_module = _module(vba, "RibbonMyAddin")
    assert re.search(r"^Sub RunMain\(control As IRibbonControl\)", ribbon_module, re.M)
    run_line = next(line.strip() for line in ribbon_module.splitlines() if "RunPython" in line)
    assert run_line.startswith('RunPython "import " & ')
    assert run_line.endswith('".main()"')
    # the module name comes from the add-in's own file name: xlperf.xlam -> import xlperf
    assert "ThisWorkbook.Name" in ribbon_module
    assert built.name == "xlperf.xlam"

    assert _parts(built)["xl/vbaProject.bin"] == _parts(template)["xl/vbaProject.bin"]


def test_vba_version_matches_the_pin(built):
    xlwings_module = _module(_vba(built), "xlwings")
    assert re.search(r"^'Version: (\S+)", xlwings_module, re.M).group(1) == addin.XLWINGS_VERSION
    const = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', xlwings_module, re.M)
    assert const.group(1) == addin.XLWINGS_VERSION


# --------------------------------------------------------------------------- ribbon


def test_ribbon(built):
    root = etree.fromstring(_parts(built)["customUI/customUI.xml"])
    assert root.tag == CUI + "customUI"
    tabs = root.findall(f"{CUI}ribbon/{CUI}tabs/{CUI}tab")
    assert [t.get("label") for t in tabs] == ["绩效自评"]
    groups = tabs[0].findall(CUI + "group")
    assert [g.get("label") for g in groups] == ["自评"]
    buttons = groups[0].findall(CUI + "button")
    assert len(buttons) == 1
    button = buttons[0]
    assert button.get("label") == "重新计算"
    assert button.get("size") == "large"
    assert button.get("imageMso") == "CalculateNow"
    assert button.get("onAction") == "RibbonMyAddin.RunMain"
    assert "重新计算当前工作簿" in button.get("supertip")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_ribbon_callback_is_the_templates(template):
    root = etree.fromstring(_parts(template)["customUI/customUI.xml"])
    assert {el.get("onAction") for el in root.iter() if el.get("onAction")} == {"RibbonMyAddin.RunMain"}


def test_ribbon_is_linked_from_package_rels(built, template):
    rels = etree.fromstring(_parts(built)["_rels/.rels"])
    ribbon = [r for r in rels.iter(PKG_RELS + "Relationship") if r.get("Target").lstrip("/") == "customUI/customUI.xml"]
    assert len(ribbon) == 1
    assert ribbon[0].get("Type") == RIBBON_REL_2006
    # apart from that type, the relationships are the template's
    old = etree.fromstring(_parts(template)["_rels/.rels"])

    def rows(root):
        return sorted((r.get("Id"), r.get("Target")) for r in root.iter(PKG_RELS + "Relationship"))

    assert rows(rels) == rows(old)
    others = lambda root: sorted(  # noqa: E731
        (r.get("Id"), r.get("Type")) for r in root.iter(PKG_RELS + "Relationship") if "customUI" not in r.get("Target")
    )
    assert others(rels) == others(old)


def test_shipped_ribbon_is_the_macros_source():
    assert (ROOT / "xlperf" / "excel" / "addin_ribbon.xml").read_bytes() == (ROOT / "macros" / "customUI.xml").read_bytes()
    assert addin.ribbon_xml() == (ROOT / "macros" / "customUI.xml").read_bytes()


def test_invalid_ribbon_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(addin, "ribbon_xml", lambda: b"<customUI xmlns='x'><ribbon>")
    with pytest.raises(EnvironmentProblem):
        addin.build_addin(tmp_path, interpreter="python")
    assert list(tmp_path.iterdir()) == []


def test_ribbon_with_unknown_callback_is_refused(tmp_path, monkeypatch):
    xml = addin.ribbon_xml().replace(b"RibbonMyAddin.RunMain", b"Module1.Missing")
    monkeypatch.setattr(addin, "ribbon_xml", lambda: xml)
    with pytest.raises(EnvironmentProblem) as info:
        addin.build_addin(tmp_path, interpreter="python")
    assert "Module1.Missing" in str(info.value)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- config sheet


def _conf_sheet(parts: dict[str, bytes]) -> tuple[str, str]:
    wb = etree.fromstring(parts["xl/workbook.xml"])
    (sheet,) = wb.iter(MAIN + "sheet")
    rid = sheet.get(OFFICE_REL + "id")
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in rels.iter(PKG_RELS + "Relationship") if r.get("Id") == rid)
    return sheet.get("name"), "xl/" + target


def test_conf_sheet_is_enabled_under_the_name_the_vba_reads(built, template):
    project = re.search(r'^Public Const PROJECT_NAME As String = "([^"]+)"', _module(_vba(built), "xlwings"), re.M)
    name, _part = _conf_sheet(_parts(built))
    assert name == project.group(1) + ".conf" == "myaddin.conf"
    assert _conf_sheet(_parts(template))[0] == "_myaddin.conf"


def test_conf_sheet_holds_the_interpreter_and_keeps_other_keys(built, template):
    new, old = _parts(built), _parts(template)
    _name, part = _conf_sheet(new)
    conf, before = _conf(new, part), _conf(old, part)
    assert conf["Interpreter_Win"] == INTERPRETER
    assert conf["Interpreter_Mac"] == INTERPRETER
    assert conf["UDF Modules"] == "xlperf.excel.udfs"  # the functions live in the add-in itself
    assert set(before) == {
        "Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env",
        "UDF Modules", "Debug UDFs", "Use UDF Server", "Show Console",
    }
    assert set(conf) == set(before) | {"ADD_WORKBOOK_TO_PYTHONPATH"}
    for key in set(before) - {"Interpreter_Win", "Interpreter_Mac", "UDF Modules"}:
        assert conf[key] == before[key], key
    # written as inline strings, shared strings untouched
    sheet = etree.fromstring(new[part])
    b1 = next(c for c in sheet.iter(MAIN + "c") if c.get("r") == "B1")
    assert b1.get("t") == "inlineStr"
    assert new["xl/sharedStrings.xml"] == old["xl/sharedStrings.xml"]
    row1 = next(r for r in sheet.iter(MAIN + "row") if r.get("r") == "1")
    assert [c.get("r") for c in row1] == ["A1", "B1"] and row1.get("spans") == "1:2"
    # and the keys are contiguous from A1, as xlwings reads them (A1 down to End(xlDown))
    a_rows = sorted(int(c.get("r")[1:]) for c in sheet.iter(MAIN + "c") if c.get("r").startswith("A") and c.find(MAIN + "v") is not None)
    assert a_rows == list(range(1, 10))
    a10 = next(c for c in sheet.iter(MAIN + "c") if c.get("r") == "A10")
    assert "".join(a10.itertext()) == "ADD_WORKBOOK_TO_PYTHONPATH" and conf["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"


ONEDRIVE_BOOK = "https://d.docs.live.net/8a2f0c1b9e7d6a54/文档/绩效自评/自评.xlsx"
ADDIN_PATH = r"C:\Users\张三\AppData\Roaming\Microsoft\AddIns\xlperf.xlam"


def _vba_pythonpath(conf: dict, active: str) -> str:
    """The argument RunPython hands prepare_sys_path (the template's VBA, Windows branch):
    AddExcelDir; ActiveWorkbook.FullName; ThisWorkbook.FullName; three cloud folders; PYTHONPATH."""
    add_dir = conf.get("ADD_WORKBOOK_TO_PYTHONPATH") or "true"  # GetConfig(..., "true")
    return ";".join([add_dir, active, ADDIN_PATH, "", "", "", conf.get("PYTHONPATH") or ""])


def test_a_book_opened_from_onedrive_passes_xlwings_prepare_sys_path(built, monkeypatch):
    """xlwings' own prepare_sys_path, with what the built add-in's config makes the VBA pass."""
    from xlwings.utils import prepare_sys_path

    for var in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    parts = _parts(built)
    conf = _conf(parts, _conf_sheet(parts)[1])
    prepare_sys_path(_vba_pythonpath(conf, ONEDRIVE_BOOK))  # no error: the URL is never resolved
    with pytest.raises(Exception):  # what the template's defaults did: resolve the URL, and fail
        prepare_sys_path(_vba_pythonpath({}, ONEDRIVE_BOOK))


def test_default_interpreter_is_the_running_python(tmp_path):
    parts = _parts(addin.build_addin(tmp_path))
    _name, part = _conf_sheet(parts)
    conf = _conf(parts, part)
    assert conf["Interpreter_Win"] == conf["Interpreter_Mac"] == sys.executable


def test_empty_interpreter_leaves_the_keys_empty(tmp_path, template):
    parts = _parts(addin.build_addin(tmp_path, interpreter=""))
    _name, part = _conf_sheet(parts)
    conf = _conf(parts, part)
    assert conf["Interpreter_Win"] is None and conf["Interpreter_Mac"] is None
    assert conf["UDF Modules"] == "xlperf.excel.udfs"


def test_windows_prefers_python_exe_over_pythonw(tmp_path, monkeypatch):
    (tmp_path / "python.exe").write_bytes(b"")
    (tmp_path / "pythonw.exe").write_bytes(b"")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "pythonw.exe"))
    assert addin.default_interpreter() == str(tmp_path / "python.exe")


# --------------------------------------------------------------------------- other parts


def test_every_other_part_is_unchanged(built, template):
    new, old = _parts(built), _parts(template)
    assert list(new) == list(old)  # same parts, same order
    for name in old:
        if name not in CHANGED:
            assert new[name] == old[name], name
    # the changed ones are still well-formed XML
    for name in CHANGED:
        etree.fromstring(new[name])
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None


def test_rebuild_replaces_atomically(tmp_path):
    first = addin.build_addin(tmp_path, interpreter="a")
    second = addin.build_addin(tmp_path, interpreter="b")
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == ["xlperf.xlam"]  # no temp files left
    parts = _parts(second)
    assert _conf(parts, _conf_sheet(parts)[1])["Interpreter_Win"] == "b"


# --------------------------------------------------------------------------- startup folder


def test_excel_startup_dir_per_platform(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    assert addin.excel_startup_dir() is None
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path))
    assert addin.excel_startup_dir() == tmp_path / "Microsoft" / "Excel" / "XLSTART"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert addin.excel_startup_dir() == tmp_path.joinpath(
        "Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized", "Excel"
    )


def test_install_on_mac_also_installs_the_applescript(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(tmp_path))
    path = addin.install_addin(interpreter="/usr/local/bin/python3")
    assert path == addin.excel_startup_dir() / "xlperf.xlam" and path.is_file()
    script = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel" / "xlwings-0.37.8.applescript"
    assert script.is_file()
    assert addin.remove_addin() == path and not path.exists()


# --------------------------------------------------------------------------- CLI


def test_cli_build(tmp_path):
    result = CliRunner().invoke(cli, ["addin", "build", "-o", str(tmp_path), "--interpreter", INTERPRETER])
    assert result.exit_code == 0, result.output
    assert "已生成加载项" in result.output and str(tmp_path / "xlperf.xlam") in result.output
    assert (tmp_path / "xlperf.xlam").is_file()


def test_cli_install_and_remove_with_dir(tmp_path):
    runner = CliRunner()
    target = tmp_path / "XLSTART"
    result = runner.invoke(cli, ["addin", "install", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    assert "已安装加载项" in result.output and str(target / "xlperf.xlam") in result.output
    assert (target / "xlperf.xlam").is_file()

    result = runner.invoke(cli, ["addin", "remove", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    assert "已删除加载项" in result.output
    assert not (target / "xlperf.xlam").exists()

    result = runner.invoke(cli, ["addin", "remove", "--dir", str(target)])
    assert result.exit_code == 0
    assert "未找到加载项" in result.output


def test_cli_install_without_excel_fails_in_chinese(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert "Linux 上没有 Excel：无法安装加载项。可用 --dir 指定目录" in result.output
    assert "Error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_remove_without_excel_fails(monkeypatch):
    monkeypatch.setattr(addin, "excel_startup_dir", lambda: None)
    result = CliRunner().invoke(cli, ["addin", "remove"])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert "Linux 上没有 Excel" in result.output


def test_cli_wrong_xlwings_version(monkeypatch, tmp_path):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.99.0")
    result = CliRunner().invoke(cli, ["addin", "build", "-o", str(tmp_path)])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert "xlwings==0.37.8" in result.output


# --------------------------------------------------------------------------- the .bas for own workbooks


def test_standalone_vba_module():
    raw = (ROOT / "macros" / "xlperf.bas").read_bytes()
    text = raw.decode("gbk")  # VBA editors import .bas files in the ANSI code page (GBK on Chinese Windows)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert text.startswith('Attribute VB_Name = "XlperfButton"')
    assert re.search(r"^Sub XlperfRecalculate\(\)\r?$", text, re.M)
    assert 'RunPython "import xlperf; xlperf.main()"' in text
    code_lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("'")]
    assert all(line.isascii() for line in code_lines)  # only comments are Chinese
    body = text[text.index("Sub XlperfRecalculate()"):]
    assert addin.GUARD_VBA in body and body.index(addin.GUARD_VBA) < body.index("RunPython")


def _chrw(expr: str) -> str:
    """What a VBA ``ChrW(…) & ChrW(…)`` expression evaluates to."""
    parts = [p.strip() for p in expr.split("&")]
    assert all(re.fullmatch(r"ChrW\(\d+\)", p) for p in parts), expr
    return "".join(chr(int(p[5:-1])) for p in parts)


def test_the_no_workbook_guard_says_it_in_chinese_before_runpython(template):
    lines = addin.GUARD_VBA.splitlines()
    assert lines[0].strip() == "If ActiveWorkbook Is Nothing Then" and lines[-1].strip() == "End If"
    m = re.fullmatch(r"\s*MsgBox (.+), vbExclamation, (.+)", lines[1])
    assert _chrw(m.group(1)) == addin.NO_WORKBOOK and _chrw(m.group(2)) == "绩效自评"
    assert "请先打开" in addin.NO_WORKBOOK and "启用编辑" in addin.NO_WORKBOOK
    assert all(len(line) < 1024 for line in lines)  # VBA's limit for one line
    # the add-in's macro is the template's, with the guard first
    original = _module(_vba(template), addin.RIBBON_MODULE)
    body = [line for line in original.splitlines() if line.strip() and not line.startswith("Attribute ")]
    new = addin.RUN_MAIN_VBA.splitlines()
    assert new[0] == body[0] and new[-1] == body[-1] == "End Sub"
    assert [line for line in new if line + "\r\n" not in addin.GUARD_VBA] == body
    assert all(line.isascii() for line in new)


def test_install_on_windows_puts_the_guard_into_the_ribbon_macro(tmp_path):
    fake = _FakeXw()
    addin.import_functions(tmp_path / "xlperf.xlam", xw=fake, import_udfs=fake.import_udfs)
    assert fake.code[addin.RIBBON_MODULE] == addin.RUN_MAIN_VBA
    assert fake.events.index("save") > fake.events.index(("code", addin.RIBBON_MODULE))


# --------------------------------------------------------------------------- worksheet functions in the add-in


class _FakeXw:
    """The part of xlwings import_functions uses: App(visible, add_book).books.open(path) -> Book."""

    def __init__(self, fail=None):
        self.events, self.fail = [], fail
        outer = self

        self.code = {}

        class CodeModule:
            def __init__(self, name):
                self.name = name
                self.lines = ["Sub RunMain(control As IRibbonControl)", "    RunPython \"…\"", "End Sub"]

            @property
            def CountOfLines(self):
                return len(self.lines)

            def DeleteLines(self, start, count):
                del self.lines[start - 1:start - 1 + count]

            def AddFromString(self, text):
                assert not self.lines
                outer.code[self.name] = text
                outer.events.append(("code", self.name))

        class Project:
            def VBComponents(self, name):
                return types.SimpleNamespace(CodeModule=CodeModule(name))

        class BookApi:
            VBProject = Project()

            def __repr__(self):
                return "book-com-object"

            def __eq__(self, other):
                return other == "book-com-object"

        class Book:
            api = BookApi()

            def save(self):
                outer.events.append("save")

        class Books:
            def open(self, path):
                outer.events.append(("open", path))
                return Book()

        class App:
            def __init__(self, visible=True, add_book=True):
                outer.events.append(("app", visible, add_book))
                self.books = Books()

            def quit(self):
                outer.events.append("quit")

        self.App = App

    def import_udfs(self, modules, xl_workbook):
        self.events.append(("import_udfs", modules, xl_workbook))
        if self.fail:
            raise self.fail


def test_functions_are_imported_into_the_add_in_itself(tmp_path):
    fake = _FakeXw()
    path = tmp_path / "xlperf.xlam"
    addin.import_functions(path, xw=fake, import_udfs=fake.import_udfs)
    assert fake.events == [
        ("app", False, False), ("open", str(path)), ("import_udfs", "xlperf.excel.udfs", "book-com-object"),
        ("code", addin.RIBBON_MODULE), "save", "quit",
    ]


def test_functions_import_without_vba_trust_says_what_to_tick(tmp_path):
    fake = _FakeXw(fail=RuntimeError("Programmatic access to Visual Basic Project is not trusted"))
    with pytest.raises(EnvironmentProblem) as info:
        addin.import_functions(tmp_path / "xlperf.xlam", xw=fake, import_udfs=fake.import_udfs)
    assert "信任对 VBA 工程对象模型的访问" in str(info.value) and "加载项已安装" in str(info.value)
    assert fake.events[-1] == "quit" and "save" not in fake.events


def test_cli_install_on_windows_imports_the_functions(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(addin, "import_functions", lambda path: calls.append(path))
    result = CliRunner().invoke(cli, ["addin", "install", "--dir", str(tmp_path), "--interpreter", "python"])
    assert result.exit_code == 0, result.output
    assert calls == [tmp_path / "xlperf.xlam"] and "已导入工作表函数" in result.output

    def refuse(path):
        raise EnvironmentProblem("加载项已安装，但工作表函数未能导入。请勾选“信任对 VBA 工程对象模型的访问”")

    monkeypatch.setattr(addin, "import_functions", refuse)
    result = CliRunner().invoke(cli, ["addin", "install", "--dir", str(tmp_path), "--interpreter", "python"])
    assert result.exit_code == 0 and "提示：" in result.output and "信任对 VBA" in result.output
    result = CliRunner().invoke(cli, ["addin", "install", "--dir", str(tmp_path), "--no-functions"])
    assert result.exit_code == 0 and "工作表函数" not in result.output


def test_parse_returns_a_dynamic_array_not_the_legacy_expand_option():
    import ast

    tree = ast.parse((ROOT / "xlperf" / "excel" / "udfs.py").read_text(encoding="utf-8"))
    keywords = [k.arg for node in ast.walk(tree) if isinstance(node, ast.Call) for k in node.keywords]
    assert "expand" not in keywords
    from xlperf.excel import udfs

    assert udfs.XLPERF_PARSE("39.75万元") == [[39.75, "万元"]]  # one row, two cells: spills to the right
