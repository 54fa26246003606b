"""Build, install and remove the xlperf Excel add-in (``xlperf.xlam``).

The add-in is xlwings' own ``quickstart_addin_ribbon.xlam`` (from the pinned xlwings package)
with three parts changed at zip level and every other part copied unchanged:

* ``customUI/customUI.xml`` - our ribbon (``xlperf/addin_ribbon.xml``): tab 绩效自评, button
  重新计算, wired to the template's existing callback ``RibbonMyAddin.RunMain``. That VBA
  runs ``RunPython "import " & <file name> & ";" & <file name> & ".main()"``, so naming the
  file ``xlperf.xlam`` makes the button call :func:`xlperf.main`.
* the config sheet - the template ships it disabled as ``_myaddin.conf``. The template's VBA
  reads the sheet ``PROJECT_NAME & ".conf"`` with ``PROJECT_NAME = "myaddin"`` (not
  ``xlwings.conf``: that name belongs to the standalone module and the xlwings add-in), so we
  rename it to ``myaddin.conf`` in ``xl/workbook.xml`` and write ``Interpreter_Win``,
  ``Interpreter_Mac`` and ``UDF Modules`` (``xlperf.excel.udfs``) into column B as inline
  strings, and add the row ``ADD_WORKBOOK_TO_PYTHONPATH`` = ``false`` below the last key
  (:data:`CLOUD_SAFE`: books opened from OneDrive/SharePoint/Teams). Other keys keep their
  template values.
* ``_rels/.rels`` - the template links the 2006/01-namespace ribbon with the Office 2010
  relationship type (``.../2007/relationships/ui/extensibility``); we set the type that
  [MS-CUSTOMUI] pairs with that namespace (``.../2006/relationships/ui/extensibility``), the
  same pairing xlwings' own ``xlwings.xlam`` uses.

Nothing here imports xlwings: its version comes from the installed distribution's metadata and
its folder from ``importlib.util.find_spec``, so ``import xlperf`` stays light.

Library code: never prints; raises :mod:`xlperf.core.errors` exceptions with Chinese messages.
The ``xlperf addin`` commands are in :mod:`xlperf.cli`.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from importlib import resources
from pathlib import Path

from xlperf.core.errors import EnvironmentProblem, OutputError, XlperfError

XLWINGS_VERSION = "0.37.8"
"""Pinned: the add-in's VBA declares ``xlwings64-<version>.dll`` and checks its own version."""

ADDIN_NAME = "xlperf.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
RIBBON_RESOURCE = "addin_ribbon.xml"

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
RIBBON_PART = "customUI/customUI.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
_RIBBON_REL_TYPES = (
    RIBBON_REL_TYPE,
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
)
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

INTERPRETER_KEYS = ("Interpreter_Win", "Interpreter_Mac")
UDF_MODULE = "xlperf.excel.udfs"
"""Written to the add-in's ``UDF Modules``: the functions are hosted by the add-in itself, so
``=XLPERF_SCORE(...)`` works in every workbook without a per-workbook config sheet or reference."""
CLOUD_SAFE = {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}
"""Rows that keep a workbook opened from OneDrive, SharePoint or Teams working. RunPython hands
xlwings' ``prepare_sys_path`` the active workbook's ``FullName``, which for such a book is a
URL; with ``ADD_WORKBOOK_TO_PYTHONPATH`` true (the default when the row is absent) xlwings maps
it to a local folder and fails with an English error when it cannot, before xlperf runs. xlperf
is installed as a package and needs no workbook folder on ``sys.path``, so the add-in turns it
off (any text but "true" is false there)."""
APPENDED_KEYS = tuple(CLOUD_SAFE)
"""Keys the template's config sheet lacks: added as new rows below its last one."""
_CONF_SHEET_RE = re.compile(r"^_?([A-Za-z0-9_]+\.conf)$")

_MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized", "Excel")
_MAC_APPLESCRIPT_DIR = ("Library", "Application Scripts", "com.microsoft.Excel")

_LINUX_INSTALL = "Linux 上没有 Excel：无法安装加载项。可用 --dir 指定目录，或在 Windows / macOS 上运行 xlperf addin install。"
_LINUX_REMOVE = "Linux 上没有 Excel：没有可卸载的加载项。可用 --dir 指定加载项所在目录。"


# --------------------------------------------------------------------------- template


def _xlwings_dir() -> Path:
    """Folder of the installed xlwings package, found without importing it."""
    import importlib.metadata
    import importlib.util

    try:
        version = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        raise EnvironmentProblem(
            f"没有安装 xlwings：Excel 加载项需要它。请运行 pip install xlwings=={XLWINGS_VERSION}"
        ) from None
    if version != XLWINGS_VERSION:
        raise EnvironmentProblem(
            f"已安装的 xlwings 版本是 {version}，xlperf 需要 xlwings=={XLWINGS_VERSION}"
            f"（加载项里的 VBA 与 Python 包的版本必须完全一致）。请运行 pip install xlwings=={XLWINGS_VERSION}"
        )
    spec = importlib.util.find_spec("xlwings")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise EnvironmentProblem("找不到 xlwings 的安装目录：请重新安装 xlwings。")
    return Path(locations[0])


def template_path() -> Path:
    """``quickstart_addin_ribbon.xlam`` inside the installed (and version-checked) xlwings."""
    path = _xlwings_dir() / TEMPLATE_NAME
    if not path.is_file():
        raise EnvironmentProblem(
            f"xlwings 安装不完整：缺少 {TEMPLATE_NAME}。请运行 pip install --force-reinstall xlwings=={XLWINGS_VERSION}",
            path=path,
        )
    return path


def ribbon_xml() -> bytes:
    """Our ribbon XML as shipped in the package (a copy of ``macros/customUI.xml``)."""
    return resources.files("xlperf.excel").joinpath(RIBBON_RESOURCE).read_bytes()


# --------------------------------------------------------------------------- interpreter


def default_interpreter() -> str:
    """The Python running xlperf, i.e. the one that has xlperf and xlwings installed.

    On Windows we want ``python.exe``, not ``pythonw.exe``: xlwings' RunPython starts the
    interpreter through ``cmd.exe /C <interpreter> ... 2> <log>`` in an already hidden window
    and waits for its exit code, then shows that log when the code is not 0. A console program
    is what that mechanism is built for (it is also xlwings' own default, ``python``); a
    windowless ``pythonw.exe`` adds nothing and risks losing the exit code and stderr.
    """
    exe = sys.executable
    if not exe:
        raise EnvironmentProblem("无法确定当前 Python 解释器的路径：请用 --interpreter 指定 python.exe 的完整路径。")
    path = Path(exe)
    if sys.platform == "win32" and path.name.lower() == "pythonw.exe":
        console = path.with_name("python.exe")
        if console.is_file():
            return str(console)
    return str(path)


# --------------------------------------------------------------------------- XML helpers


def _parse(data: bytes, what: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise EnvironmentProblem(f"{what} 不是合法的 XML：{exc}") from None


_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _serialize(root) -> bytes:
    """Like Excel writes it: double-quoted declaration, UTF-8, no pretty-printing."""
    from lxml import etree

    return _XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def _callbacks(root) -> set[str]:
    return {v for el in root.iter() for k, v in el.attrib.items() if k.startswith("on") or k.startswith("get")}


def _checked_ribbon(template_ribbon: bytes) -> bytes:
    """Our ribbon XML, validated against the template's: same namespace, only its callbacks."""
    data = ribbon_xml()
    root = _parse(data, RIBBON_RESOURCE)
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise EnvironmentProblem(f"{RIBBON_RESOURCE} 的根元素必须是 {{{CUSTOMUI_NS}}}customUI。")
    template_callbacks = _callbacks(_parse(template_ribbon, TEMPLATE_NAME + " 中的 " + RIBBON_PART))
    unknown = sorted(_callbacks(root) - template_callbacks)
    if unknown:
        raise EnvironmentProblem(
            f"{RIBBON_RESOURCE} 用到了模板 VBA 中没有的回调：{'、'.join(unknown)}"
            f"（模板中有：{'、'.join(sorted(template_callbacks)) or '无'}）。"
        )
    return data


def _fix_ribbon_rel(data: bytes) -> bytes:
    """``_rels/.rels`` with the ribbon relationship typed for the 2006/01 namespace."""
    root = _parse(data, "_rels/.rels")
    found = False
    for rel in root.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
        if rel.get("Target", "").lstrip("/") == RIBBON_PART and rel.get("Type") in _RIBBON_REL_TYPES:
            found = True
            if rel.get("Type") == RIBBON_REL_TYPE:
                return data  # already right: keep the bytes
            rel.set("Type", RIBBON_REL_TYPE)
    if not found:
        raise EnvironmentProblem(f"{TEMPLATE_NAME} 的 _rels/.rels 中没有指向 {RIBBON_PART} 的功能区关系。")
    return _serialize(root)


def _rename_conf_sheet(data: bytes) -> tuple[bytes, str, str]:
    """Enable the config sheet (drop its leading ``_``). Returns (xml, new name, r:id)."""
    root = _parse(data, "xl/workbook.xml")
    for sheet in root.iter(f"{{{_MAIN_NS}}}sheet"):
        m = _CONF_SHEET_RE.match(sheet.get("name", ""))
        if m:
            name = m.group(1)
            changed = sheet.get("name") != name
            sheet.set("name", name)
            return (_serialize(root) if changed else data), name, sheet.get(f"{{{_REL_NS}}}id", "")
    raise EnvironmentProblem(f"{TEMPLATE_NAME} 中找不到配置工作表（*.conf）。")


def _sheet_part(rels: bytes, rid: str) -> str:
    root = _parse(rels, "xl/_rels/workbook.xml.rels")
    for rel in root.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
        if rel.get("Id") == rid and rel.get("Type") == _WORKSHEET_REL_TYPE:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise EnvironmentProblem(f"{TEMPLATE_NAME} 中找不到配置工作表的文件（关系 {rid}）。")


def _shared_strings(data: bytes | None) -> list[str]:
    if data is None:
        return []
    root = _parse(data, "xl/sharedStrings.xml")
    return ["".join(si.itertext()) for si in root.iter(f"{{{_MAIN_NS}}}si")]


def _cell_text(cell, sst: list[str]) -> str:
    t = cell.get("t")
    if t == "inlineStr":
        is_ = cell.find(f"{{{_MAIN_NS}}}is")
        return "".join(is_.itertext()) if is_ is not None else ""
    v = cell.find(f"{{{_MAIN_NS}}}v")
    if v is None or v.text is None:
        return ""
    if t == "s":
        try:
            return sst[int(v.text)]
        except (ValueError, IndexError):
            return ""
    return v.text


def _col_row(ref: str) -> tuple[str, int]:
    m = re.match(r"^([A-Z]+)(\d+)$", ref or "")
    if not m:
        raise EnvironmentProblem(f"配置工作表中有无法识别的单元格地址：{ref!r}")
    return m.group(1), int(m.group(2))


def _append_key_row(sheet_data, key_rows: list, key: str, n: str):
    """A new key in column A, on the row right below the last key: the VBA reads the keys from
    A1 down to ``End(xlDown)``, so they must stay contiguous. Styled like the key above it."""
    from lxml import etree

    above = max(key_rows, key=lambda r: int(r.get("r")))
    r = int(above.get("r")) + 1
    row = next((x for x in sheet_data.findall(n + "row") if x.get("r") == str(r)), None)
    if row is None:
        row = etree.Element(n + "row")
        row.set("r", str(r))
        later = [x for x in sheet_data.findall(n + "row") if int(x.get("r") or 0) > r]
        if later:
            later[0].addprevious(row)
        else:
            sheet_data.append(row)
    row.set("spans", "1:2")
    for c in row.findall(n + "c"):  # an empty, formatted cell the template may have there
        if _col_row(c.get("r"))[0] in ("A", "B"):
            row.remove(c)
    a = etree.Element(n + "c")
    a.set("r", f"A{r}")
    style = next((c.get("s") for c in above.findall(n + "c") if c.get("s") is not None), None)
    if style is not None:
        a.set("s", style)
    a.set("t", "inlineStr")
    etree.SubElement(etree.SubElement(a, n + "is"), n + "t").text = key
    row.insert(0, a)
    return row


def _fill_conf_sheet(data: bytes, sst: list[str], values: dict[str, str]) -> bytes:
    """Write ``values`` (key -> text) into column B beside the matching column-A keys."""
    from lxml import etree

    n = f"{{{_MAIN_NS}}}"
    root = _parse(data, "配置工作表")
    rows: dict[str, etree._Element] = {}
    for row in root.iter(n + "row"):
        for cell in row.findall(n + "c"):
            col, _ = _col_row(cell.get("r"))
            if col == "A":
                key = _cell_text(cell, sst).strip().upper()
                if key:
                    rows.setdefault(key, row)
    sheet_data = root.find(n + "sheetData")
    for key, text in values.items():
        row = rows.get(key.upper())
        if row is None and key in APPENDED_KEYS and sheet_data is not None:
            row = _append_key_row(sheet_data, list(rows.values()), key, n)
            rows[key.upper()] = row
        if row is None:
            raise EnvironmentProblem(f"{TEMPLATE_NAME} 的配置工作表中没有 {key} 这一项。")
        cells = row.findall(n + "c")
        a_cell = next(c for c in cells if _col_row(c.get("r"))[0] == "A")
        r = int(row.get("r") or _col_row(a_cell.get("r"))[1])
        b_cell = next((c for c in cells if _col_row(c.get("r"))[0] == "B"), None)
        if b_cell is None:
            b_cell = etree.Element(n + "c")
            b_cell.set("r", f"B{r}")
            if a_cell.get("s") is not None:
                b_cell.set("s", a_cell.get("s"))
            a_cell.addnext(b_cell)
        for child in list(b_cell):
            b_cell.remove(child)
        b_cell.set("t", "inlineStr")
        is_ = etree.SubElement(b_cell, n + "is")
        t = etree.SubElement(is_, n + "t")
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        spans = row.get("spans")
        if spans and ":" in spans:
            lo, hi = spans.split(":", 1)
            if hi.isdigit() and int(hi) < 2:
                row.set("spans", f"{lo}:2")
    dim = root.find(n + "dimension")
    if dim is not None:
        ref = dim.get("ref", "A1")
        last = ref.split(":")[-1]
        col, row_no = _col_row(last)
        max_row = max([row_no] + [int(r.get("r")) for r in root.iter(n + "row") if (r.get("r") or "").isdigit()])
        if col == "A" or max_row != row_no:
            first = ref.split(":")[0]
            dim.set("ref", f"{first}:{'B' if col == 'A' else col}{max_row}")
    return _serialize(root)


# --------------------------------------------------------------------------- build


def build_addin(out_dir: str | os.PathLike, *, interpreter: str | None = None) -> Path:
    """Write ``<out_dir>/xlperf.xlam`` and return its path.

    ``interpreter`` is written to both ``Interpreter_Win`` and ``Interpreter_Mac`` (only the
    key of the running platform is read). ``None`` means :func:`default_interpreter`; an
    empty string leaves both keys empty, so xlwings falls back to ``python`` on the PATH.
    The file is written to a temporary file in ``out_dir`` first and then moved into place.
    """
    out = Path(out_dir)
    interp = default_interpreter() if interpreter is None else str(interpreter)
    src = template_path()

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建目录：{exc.strerror or exc}", path=out) from None
    target = out / ADDIN_NAME

    try:
        with zipfile.ZipFile(src) as zin:
            infos = zin.infolist()
            parts = {i.filename: zin.read(i) for i in infos}
    except (OSError, zipfile.BadZipFile) as exc:
        raise EnvironmentProblem(f"无法读取 xlwings 的加载项模板：{exc}", path=src) from None

    if RIBBON_PART not in parts:
        raise EnvironmentProblem(f"模板中没有功能区文件 {RIBBON_PART}。", path=src)
    new_parts = dict(parts)
    new_parts[RIBBON_PART] = _checked_ribbon(parts[RIBBON_PART])
    new_parts["_rels/.rels"] = _fix_ribbon_rel(parts["_rels/.rels"])
    workbook_xml, _conf_name, rid = _rename_conf_sheet(parts["xl/workbook.xml"])
    new_parts["xl/workbook.xml"] = workbook_xml
    sheet_part = _sheet_part(parts["xl/_rels/workbook.xml.rels"], rid)
    if sheet_part not in parts:
        raise EnvironmentProblem(f"模板中缺少配置工作表文件 {sheet_part}。", path=src)
    conf = {"UDF Modules": UDF_MODULE} | ({key: interp for key in INTERPRETER_KEYS} if interp else {}) | CLOUD_SAFE
    new_parts[sheet_part] = _fill_conf_sheet(
        parts[sheet_part], _shared_strings(parts.get("xl/sharedStrings.xml")), conf
    )

    from xlperf.ooxml.files import atomic_output

    # the same atomic write as every other output (temp file, fsync, replace; owner and mode kept)
    with atomic_output(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zout.writestr(zi, new_parts[info.filename])
    return target


# --------------------------------------------------------------------------- install


def excel_startup_dir() -> Path | None:
    """Excel's per-user startup folder (XLSTART), where an ``.xlam`` loads on every start.

    xlwings' ``addin install`` asks a running Excel for ``Application.StartupPath``; we cannot
    (no Excel needed here), so we use the folders that property returns for current Excel:
    Windows ``%APPDATA%\\Microsoft\\Excel\\XLSTART``; macOS (Excel 2016 and later, sandboxed)
    ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel``.
    Anywhere else there is no Excel: ``None``.
    """
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
        return base / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home().joinpath(*_MAC_STARTUP)
    return None


def install_runpython_applescript() -> Path:
    """macOS: copy ``xlwings-<version>.applescript`` where Excel's ``AppleScriptTask`` finds it.

    Same as ``xlwings runpython install`` (and what ``xlwings addin install`` does on a Mac).
    """
    name = f"xlwings-{XLWINGS_VERSION}.applescript"
    src = _xlwings_dir() / name
    if not src.is_file():
        raise EnvironmentProblem(f"xlwings 安装不完整：缺少 {name}。", path=src)
    dest_dir = Path.home().joinpath(*_MAC_APPLESCRIPT_DIR)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest_dir / name)
    except OSError as exc:
        raise OutputError(f"无法安装 RunPython 所需的 AppleScript：{exc.strerror or exc}", path=dest_dir / name) from None
    return dest_dir / name


def install_addin(dir: str | os.PathLike | None = None, *, interpreter: str | None = None) -> Path:
    """Build ``xlperf.xlam`` into ``dir`` (default: Excel's startup folder). Returns its path.

    On macOS this also installs xlwings' RunPython AppleScript, as ``xlwings addin install`` does.
    """
    target_dir = Path(dir) if dir is not None else excel_startup_dir()
    if target_dir is None:
        raise EnvironmentProblem(_LINUX_INSTALL)
    path = build_addin(target_dir, interpreter=interpreter)
    if sys.platform == "darwin":
        install_runpython_applescript()
    return path


def remove_addin(dir: str | os.PathLike | None = None) -> Path | None:
    """Delete ``xlperf.xlam`` from ``dir`` (default: Excel's startup folder).

    Returns the deleted path, or ``None`` when there was nothing to delete.
    """
    target_dir = Path(dir) if dir is not None else excel_startup_dir()
    if target_dir is None:
        raise EnvironmentProblem(_LINUX_REMOVE)
    path = target_dir / ADDIN_NAME
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise OutputError("无法删除加载项：文件正被 Excel 使用。请先完全退出 Excel，再重试。", path=path) from None
    except OSError as exc:
        raise OutputError(f"无法删除加载项：{exc.strerror or exc}", path=path) from None
    return path


# --------------------------------------------------------------------------- worksheet functions


NO_WORKBOOK = "没有打开的工作簿：请先打开要计算的绩效自评工作簿（在“受保护的视图”中请先点“启用编辑”），再按“重新计算”。"
"""What the ribbon button says when Excel has no active workbook (none open, or only one in
Protected View, where ``ActiveWorkbook`` is Nothing): instead of VBA run-time error 91."""
BOX_TITLE = "绩效自评"


def vba_text(text: str) -> str:
    """``text`` as a VBA expression that does not depend on the code page the VBA editor reads
    source in (``ChrW(27809) & …``): literal Chinese in VBA source turns into mojibake under
    any code page but the one it was written in."""
    return " & ".join(f"ChrW({ord(ch)})" for ch in text)


GUARD_VBA = (
    "    If ActiveWorkbook Is Nothing Then\r\n"
    f"        MsgBox {vba_text(NO_WORKBOOK)}, vbExclamation, {vba_text(BOX_TITLE)}\r\n"
    "        Exit Sub\r\n"
    "    End If\r\n"
)
"""The no-workbook guard, first thing in the button's macro (RibbonMyAddin.RunMain in the
add-in, XlperfRecalculate in macros/xlperf.bas): RunPython reads ``ActiveWorkbook`` first."""

RIBBON_MODULE = "RibbonMyAddin"
RUN_MAIN_VBA = (
    "Sub RunMain(control As IRibbonControl)\r\n"
    + GUARD_VBA
    + '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))\r\n'
    + '    RunPython "import " & mymodule & ";" & mymodule & ".main()"\r\n'
    + "End Sub\r\n"
)
"""The template's ``RibbonMyAddin.RunMain`` with the guard in front; the rest is the template's."""


def _guard_ribbon_macro(xl_workbook) -> None:
    """Replace the add-in's ``RibbonMyAddin`` code with :data:`RUN_MAIN_VBA`, through Excel's
    own VBA project object model (the compiled project inside the .xlam is not edited here)."""
    code = xl_workbook.VBProject.VBComponents(RIBBON_MODULE).CodeModule
    if code.CountOfLines:
        code.DeleteLines(1, code.CountOfLines)
    code.AddFromString(RUN_MAIN_VBA)


_TRUST_VBA = (
    "请在 Excel 中打开 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，勾选“信任对 VBA 工程对象模型的访问”，"
    "完全退出 Excel 后重新运行 xlperf addin install。"
)


def import_functions(addin_path: str | os.PathLike, *, xw=None, import_udfs=None) -> None:
    """Windows Excel: put the worksheet functions' VBA wrappers into the add-in itself, and the
    no-workbook guard into its ribbon macro (:data:`RUN_MAIN_VBA`).

    This is what the xlwings ribbon's "Import Functions" does for a workbook
    (``xlwings.udfs.import_udfs(module names, workbook)``: it generates one VBA function per
    ``@xw.func`` and imports them as module ``xlwings_udfs``), done once on the add-in, whose
    config sheet names the module and the interpreter. Functions in an add-in are available
    in every workbook. Excel runs hidden for this and must allow access to the VBA project
    object model. ``xw`` / ``import_udfs`` are for tests.
    """
    if xw is None:  # pragma: no cover - needs Windows Excel
        if sys.platform != "win32":
            raise EnvironmentProblem("工作表函数只能在 Windows 版 Excel 中使用。")
        import xlwings as xw
        from xlwings.udfs import import_udfs
    app = None
    try:
        app = xw.App(visible=False, add_book=False)
        book = app.books.open(str(addin_path))
        import_udfs(UDF_MODULE, book.api)
        _guard_ribbon_macro(book.api)
        book.save()
    except XlperfError:
        raise
    except Exception as exc:
        raise EnvironmentProblem(
            f"加载项已安装，但工作表函数未能导入（{type(exc).__name__}: {exc}）。{_TRUST_VBA}", path=addin_path
        ) from None
    finally:
        if app is not None:
            try:
                app.quit()
            except Exception:  # pragma: no cover - Excel already gone
                pass
