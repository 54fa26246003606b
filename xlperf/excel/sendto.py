"""A route without the add-in: right-click a workbook, get it calculated or its report written.

For WPS (no 绩效自评 tab), PCs where macros or add-ins are locked down, and Excel without Python
behind it. ``xlperf addin install --sendto`` writes:

* a small launcher (``xlperf-sendto.pyw``) beside the log, which runs ``xlperf sendto calc|report
  FILE…`` with the Python that installed it;
* Windows: two shortcuts in the user's 发送到 (SendTo) folder, ``绩效自评：计算`` and
  ``绩效自评：生成报告``, that start the launcher with ``pythonw.exe`` (no console window); the
  result is shown in a message box. The ``.lnk`` files are written by Windows' own
  ``WScript.Shell`` through pywin32 (installed with xlwings on Windows): the shortcut format is
  binary and not worth writing by hand;
* Linux: two ``.desktop`` entries in ``~/.local/share/applications`` (file managers list them
  under 打开方式) that run the launcher in a terminal window, which shows the result.

macOS has no such menu: docs/excel.md describes dragging the workbook into Terminal instead.
``xlperf addin remove`` deletes all of it. Library code: no printing here.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from xlperf.core.errors import EnvironmentProblem, OutputError, XlperfError

TITLE = "绩效自评"
ENTRIES = {"calc": "绩效自评：计算", "report": "绩效自评：生成报告"}
LAUNCHER_NAME = "xlperf-sendto.pyw"
_DESKTOP_PREFIX = "xlperf-sendto-"
_MIME = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;"
    "application/vnd.ms-excel.sheet.macroEnabled.12;"
)
_MAC = (
    "macOS 没有“发送到”菜单：请打开“终端”，输入 xlperf calc 和一个空格，把工作簿拖进终端窗口，再按回车"
    "（生成报告时输入 xlperf report ）。"
)

LAUNCHER = '''\
# xlperf 发送到：由 xlperf addin install --sendto 生成，xlperf addin remove 删除。
# Runs "xlperf sendto calc|report FILE..." with the Python that wrote this file.
import sys

from xlperf.cli import main

sys.argv = ["xlperf", "sendto"] + sys.argv[1:]
main()
'''


def launcher_dir() -> Path:
    """Where the launcher lives: beside the button's log (``xlperf.excel.button.log_path``)."""
    from xlperf.excel.button import log_path

    return log_path().parent


def sendto_dir() -> Path | None:
    """Windows: the user's SendTo folder; Linux: the user's applications folder; macOS: None."""
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
        return base / "Microsoft" / "Windows" / "SendTo"
    if sys.platform == "darwin":
        return None
    data = os.environ.get("XDG_DATA_HOME")
    return (Path(data) if data else Path.home() / ".local" / "share") / "applications"


def windowless(interpreter: str) -> str:
    """``pythonw.exe`` beside ``python.exe`` when there is one: no console window flashes up."""
    path = Path(interpreter)
    if sys.platform == "win32" and path.name.lower() == "python.exe":
        w = path.with_name("pythonw.exe")
        if w.is_file():
            return str(w)
    return interpreter


def _write(path: Path, text: str) -> None:
    from xlperf.ooxml.files import atomic_output

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as tmp:
            Path(tmp).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise OutputError(f"无法写入：{exc.strerror or exc}", path=path) from None


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry Specification asks."""
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def desktop_entry(kind: str, interpreter: str, launcher: Path) -> str:
    args = [_desktop_quote(interpreter), _desktop_quote(str(launcher))]
    exec_line = " ".join([a.replace("%", "%%") for a in args] + [kind, "%F"])  # a literal % is doubled
    exec_line = exec_line.replace("\\", "\\\\")  # the string-level escape applies before the quoting
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={ENTRIES[kind]}\n"
        f"Comment=xlperf：{'计算自评表并写回' if kind == 'calc' else '根据自评表生成自评报告'}\n"
        f"Exec={exec_line}\n"
        "Terminal=true\n"
        f"MimeType={_MIME}\n"
        "NoDisplay=true\n"
    )


@dataclass
class Installed:
    launcher: Path
    entries: list[Path] = field(default_factory=list)


def install_sendto(target: Path | None = None, *, interpreter: str | None = None, shell=None) -> Installed:
    """Write the launcher and the two menu entries. ``shell``: a WScript.Shell (tests pass a fake)."""
    from xlperf.excel.addin import default_interpreter

    folder = Path(target) if target is not None else sendto_dir()
    if folder is None:
        raise EnvironmentProblem(_MAC)
    interp = interpreter or default_interpreter()
    launcher = launcher_dir() / LAUNCHER_NAME
    _write(launcher, LAUNCHER)
    done = Installed(launcher)
    if sys.platform == "win32":
        shell = shell or _wscript_shell()
        exe = windowless(interp)
        for kind, name in ENTRIES.items():
            path = folder / f"{name}.lnk"
            _shortcut(shell, path, exe, f'"{launcher}" {kind}', launcher.parent)
            done.entries.append(path)
    else:
        for kind in ENTRIES:
            path = folder / f"{_DESKTOP_PREFIX}{kind}.desktop"
            _write(path, desktop_entry(kind, interp, launcher))
            done.entries.append(path)
    return done


def _wscript_shell():
    try:
        import win32com.client
    except ImportError:
        raise EnvironmentProblem("缺少 pywin32，无法创建“发送到”快捷方式：请运行 pip install pywin32。") from None
    return win32com.client.Dispatch("WScript.Shell")


def _shortcut(shell, path: Path, target: str, arguments: str, workdir: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lnk = shell.CreateShortcut(str(path))
        lnk.TargetPath = target
        lnk.Arguments = arguments
        lnk.WorkingDirectory = str(workdir)
        lnk.Description = f"xlperf：{path.stem}"
        lnk.Save()
    except OSError as exc:
        raise OutputError(f"无法创建快捷方式：{exc.strerror or exc}", path=path) from None
    except Exception as exc:  # a COM error from WScript.Shell
        raise OutputError(f"无法创建快捷方式：{exc}", path=path) from None


def remove_sendto(target: Path | None = None) -> list[Path]:
    """Delete the menu entries and the launcher; returns what was deleted."""
    folder = Path(target) if target is not None else sendto_dir()
    paths = [launcher_dir() / LAUNCHER_NAME]
    if folder is not None:
        paths += [folder / f"{name}.lnk" for name in ENTRIES.values()]
        paths += [folder / f"{_DESKTOP_PREFIX}{kind}.desktop" for kind in ENTRIES]
    removed = []
    for p in paths:
        try:
            p.unlink()
            removed.append(p)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OutputError(f"无法删除：{exc.strerror or exc}", path=p) from None
    return removed


# --------------------------------------------------------------------------- what the entries run


@dataclass
class Outcome:
    lines: list[str] = field(default_factory=list)
    failed: int = 0
    with_errors: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def process(kind: str, files: list[str | Path]) -> Outcome:
    """Calculate (``calc``) or write the report of (``report``) each workbook; one Chinese line each."""
    out = Outcome()
    if not files:
        out.lines.append("没有收到工作簿：请在资源管理器中选中自评表，右键 → 发送到 → " + ENTRIES.get(kind, ""))
        out.failed = 1
        return out
    for f in files:
        name = Path(f).name
        try:
            line, errors = _calc(f) if kind == "calc" else _report(f)
            out.lines.append(f"{name}：{line}")
            out.with_errors += bool(errors)
        except XlperfError as exc:
            out.failed += 1
            out.lines.append(f"{name}：未完成。{exc.message}")
        except Exception as exc:  # a bug: say where the details are
            from xlperf.excel.button import _logger, log_path

            _logger().exception("sendto %s failed for %s", kind, f)
            out.failed += 1
            out.lines.append(f"{name}：出错（{type(exc).__name__}: {exc}），详细信息已记录在：{log_path()}")
    return out


def _calc(path) -> tuple[str, int]:
    from xlperf.api import calc_file
    from xlperf.excel.button import summary_message

    ev = calc_file(path)
    return "已计算并保存。" + summary_message(ev), len(ev.errors)


def _report(path) -> tuple[str, int]:
    from xlperf.report.job import render_report

    result = render_report(path)
    note = f"（工作簿中有 {len(result.errors)} 条错误，请先核对“校验结果”）" if result.errors else ""
    return f"已生成自评报告：{result.output}{note}", len(result.errors)


def message_box(text: str, *, error: bool = False) -> None:  # pragma: no cover - Windows only
    """A Windows message box titled 绩效自评 (the launcher runs without a console)."""
    import ctypes

    flags = 0x10 if error else 0x40  # MB_ICONERROR / MB_ICONINFORMATION
    ctypes.windll.user32.MessageBoxW(None, text, TITLE, flags | 0x1000)  # MB_SYSTEMMODAL: stay on top
