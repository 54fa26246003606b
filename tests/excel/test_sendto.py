"""The route without the add-in: 发送到 shortcuts (Windows), desktop entries (Linux), the launcher."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlperf.cli import cli
from xlperf.core.errors import EnvironmentProblem
from xlperf.excel import sendto
from xlperf.workbook.examples import build_example


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    return tmp_path


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "单位 自评表.xlsx"
    build_example(path, "临汾购买服务")
    return path


def _exec_args(desktop: str, files: list[str]) -> list[str]:
    """Expand a desktop entry's Exec line as the Desktop Entry Specification says: the string
    escapes first (``\\\\`` is one backslash), then quoted arguments in which a backslash escapes
    the next character, then field codes (``%F`` the files, ``%%`` a percent sign)."""
    line = next(x for x in desktop.splitlines() if x.startswith("Exec="))[5:]
    line = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), line)
    args, cur, quoted, i, started = [], "", False, 0, False
    while i < len(line):
        ch = line[i]
        if quoted and ch == "\\":
            cur += line[i + 1]
            i += 2
            continue
        if ch == '"':
            quoted, started = not quoted, True
        elif ch == " " and not quoted:
            if started or cur:
                args.append(cur)
            cur, started = "", False
        else:
            cur += ch
        i += 1
    if started or cur:
        args.append(cur)
    out = []
    for a in args:
        out += files if a == "%F" else [a.replace("%%", "%")]
    return out


def test_linux_desktop_entries_run_the_launcher_on_the_workbook(home, workbook, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    done = sendto.install_sendto(interpreter=sys.executable)
    apps = home / "data" / "applications"
    assert sorted(p.name for p in done.entries) == ["xlperf-sendto-calc.desktop", "xlperf-sendto-report.desktop"]
    assert all(p.parent == apps for p in done.entries)
    assert done.launcher == home / "state" / "xlperf" / "xlperf-sendto.pyw"
    calc = (apps / "xlperf-sendto-calc.desktop").read_text(encoding="utf-8")
    assert "Name=绩效自评：计算" in calc and "Terminal=true" in calc
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in calc

    args = _exec_args(calc, [str(workbook)])
    assert args[:2] == [sys.executable, str(done.launcher)]
    out = subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "单位 自评表.xlsx：已计算并保存。总分 84.31，等级：良" in out.stdout
    assert "Traceback" not in out.stderr

    report = (apps / "xlperf-sendto-report.desktop").read_text(encoding="utf-8")
    out = subprocess.run(_exec_args(report, [str(workbook)]), capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=180)
    assert out.returncode == 0, out.stderr
    assert "已生成自评报告：" in out.stdout
    assert (workbook.parent / "单位 自评表-自评报告.docx").is_file()


def test_launcher_reports_an_unusable_file_in_chinese(home, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    done = sendto.install_sendto(interpreter=sys.executable)
    bad = tmp_path / "不是工作簿.xlsx"
    bad.write_text("hello", encoding="utf-8")
    out = subprocess.run([sys.executable, str(done.launcher), "calc", str(bad)], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode != 0
    assert "不是工作簿.xlsx：未完成。" in out.stdout and "Traceback" not in out.stderr


def test_desktop_exec_quotes_awkward_paths():
    entry = sendto.desktop_entry("calc", '/opt/py "3"/bin/python', Path("/home/张 三/$x/100%/a\\b.pyw"))
    args = _exec_args(entry, ["a.xlsx"])
    assert args == ['/opt/py "3"/bin/python', "/home/张 三/$x/100%/a\\b.pyw", "calc", "a.xlsx"]


class FakeShell:
    """WScript.Shell.CreateShortcut: properties, then Save() writes the .lnk."""

    def __init__(self):
        self.saved = {}

    def CreateShortcut(self, path):
        shell = self

        class Link:
            def Save(self):
                Path(path).write_bytes(b"L\x00\x00\x00")
                shell.saved[Path(path).name] = dict(vars(self))

        return Link()


def test_windows_sendto_shortcuts_start_the_launcher_without_a_console(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    bin_dir = home / "Python311"
    bin_dir.mkdir()
    (bin_dir / "python.exe").write_bytes(b"")
    (bin_dir / "pythonw.exe").write_bytes(b"")
    shell = FakeShell()
    done = sendto.install_sendto(interpreter=str(bin_dir / "python.exe"), shell=shell)
    folder = home / "Roaming" / "Microsoft" / "Windows" / "SendTo"
    assert [p.name for p in done.entries] == ["绩效自评：计算.lnk", "绩效自评：生成报告.lnk"]
    assert all(p.parent == folder and p.is_file() for p in done.entries)
    calc = shell.saved["绩效自评：计算.lnk"]
    assert calc["TargetPath"] == str(bin_dir / "pythonw.exe")
    assert calc["Arguments"] == f'"{done.launcher}" calc'
    assert shell.saved["绩效自评：生成报告.lnk"]["Arguments"].endswith(" report")
    assert done.launcher.read_text(encoding="utf-8") == sendto.LAUNCHER

    removed = sendto.remove_sendto()
    assert set(removed) == set(done.entries) | {done.launcher}
    assert not any(p.exists() for p in removed)
    assert sendto.remove_sendto() == []


def test_mac_has_no_sendto_menu_and_says_what_to_do(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(EnvironmentProblem) as info:
        sendto.install_sendto(interpreter="python3")
    assert "终端" in str(info.value) and "xlperf calc" in str(info.value)


def test_cli_install_and_remove_sendto(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    runner = CliRunner()
    result = runner.invoke(cli, ["addin", "install", "--sendto"])
    assert result.exit_code == 0, result.output
    assert "已添加：" in result.output and "绩效自评：计算" in result.output
    assert len(list((home / "data" / "applications").iterdir())) == 2
    result = runner.invoke(cli, ["addin", "remove", "--sendto"])
    assert result.exit_code == 0 and result.output.count("已删除：") == 3
    assert list((home / "data" / "applications").iterdir()) == []
    result = runner.invoke(cli, ["addin", "remove", "--sendto"])
    assert result.exit_code == 0 and "无需卸载" in result.output


def test_sendto_without_files_explains_the_menu(home):
    result = CliRunner().invoke(cli, ["sendto", "calc"])
    assert result.exit_code == 1 and "发送到" in result.output


def test_sendto_calc_on_a_workbook_open_elsewhere_does_not_half_write(home, workbook, tmp_path):
    copy = tmp_path / "b.xlsx"
    shutil.copy(workbook, copy)
    out = sendto.process("calc", [copy, tmp_path / "缺少.xlsx"])
    assert out.failed == 1 and out.lines[0].startswith("b.xlsx：已计算并保存。")
    assert out.lines[1].startswith("缺少.xlsx：未完成。") and "文件不存在" in out.lines[1]


def test_windows_without_pywin32_says_what_to_install(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "win32com", None)
    monkeypatch.setitem(sys.modules, "win32com.client", None)
    with pytest.raises(EnvironmentProblem) as info:
        sendto.install_sendto(interpreter="python")
    assert "pip install pywin32" in str(info.value)
