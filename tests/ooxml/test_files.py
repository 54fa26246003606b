"""xlperf.ooxml.files, and writing on real file systems: atomic saves, locks, symlinks, owner/group/mode,
hard links, stale temps, OS errors in Chinese, and the recalculation a written workbook asks for
(fullCalcOnLoad)."""

from __future__ import annotations

import csv
import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.hostile.surgery import Surgery, sheet_parts
from tests.ooxml.books import temp_leftovers
from tests.richbook import DATA_SHEET
from xlperf import ooxml as xlsx
from xlperf.cli import cli
from xlperf.core.errors import InputError, OutputError
from xlperf.ooxml import XlsxPatcher, read_grids
from xlperf.ooxml import files as files_module
from xlperf.ooxml import patch as patch_module
from xlperf.ooxml.files import TEMP_PREFIX, os_error_text
from xlperf.workbook.examples import build_example

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HAS_CALC = SOFFICE is not None and (Path(SOFFICE).resolve().parent / "libsclo.so").exists()
IS_ROOT = os.name == "posix" and os.geteuid() == 0
DEAD_PID = 99_999_999  # above any pid_max: kill(pid, 0) says "no such process"
SHEET = "绩效指标"
ENGLISH = re.compile(r"[A-Za-z]{4,} [a-z]{2,}")  # "Too many levels", "Permission denied", "No space left" …


@pytest.fixture
def book(tmp_path: Path) -> Path:
    p = tmp_path / "real" / "自评表.xlsx"
    p.parent.mkdir()
    build_example(p, "临汾购买服务")
    return p


def calc(*args: str):
    return CliRunner().invoke(cli, ["calc", *args])


def total(path: Path):
    return xlsx.read_grids(path, [SHEET])[1][SHEET][3][8]  # I4: the total calc writes


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


# --- OS errors in plain Chinese ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, needle",
    [
        (errno.ELOOP, "循环的符号链接"),
        (errno.EACCES, "没有权限"),
        (errno.EPERM, "没有权限"),
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EDQUOT, "磁盘空间不足"),
        (errno.EROFS, "只读"),
        (errno.ENAMETOOLONG, "过长"),
        (errno.ENOENT, "不存在"),
        (errno.EISDIR, "文件夹"),
        (errno.EIO, "磁盘读写出错"),
        (errno.EXDEV, "EXDEV"),  # no table entry: the errno's name, still no English sentence
    ],
)
def test_os_error_text_is_chinese(code: int, needle: str) -> None:
    exc = OSError(code, os.strerror(code), "/some/file")
    text = os_error_text(exc)
    assert needle in text
    assert os.strerror(code) not in text and not ENGLISH.search(text)


# --- symlinks ----------------------------------------------------------------------------------------


def test_calc_in_place_through_a_symlink_updates_the_real_file_and_keeps_the_link(book: Path, tmp_path: Path) -> None:
    links = tmp_path / "links"
    links.mkdir()
    link = links / "链接.xlsx"
    link.symlink_to(os.path.relpath(book, links))
    assert total(book) is None
    res = calc(str(link))
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(book, links)
    assert total(book) == 84.31  # the real workbook has the result
    assert temps(links) == [] and temps(book.parent) == []


def test_calc_through_a_chain_of_links_and_a_linked_folder(book: Path, tmp_path: Path) -> None:
    (tmp_path / "folder-link").symlink_to(book.parent, target_is_directory=True)
    first = tmp_path / "first.xlsx"
    (tmp_path / "second.xlsx").symlink_to(tmp_path / "folder-link" / book.name)
    first.symlink_to(tmp_path / "second.xlsx")
    res = calc(str(first))
    assert res.exit_code == 0, res.output
    assert first.is_symlink() and (tmp_path / "second.xlsx").is_symlink() and (tmp_path / "folder-link").is_symlink()
    assert total(book) == 84.31


def test_calc_output_to_a_symlink_writes_its_target(book: Path, tmp_path: Path) -> None:
    target = tmp_path / "副本.xlsx"
    target.write_bytes(b"old")
    link = tmp_path / "副本链接.xlsx"
    link.symlink_to(target)
    res = calc(str(book), "-o", str(link))
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and total(target) == 84.31


def test_calc_through_a_symlink_sees_excel_holding_the_real_file(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "链接.xlsx"
    link.symlink_to(book)
    (book.parent / f"~${book.name}").write_bytes(b"\0" * 165)  # Excel opened the real file
    original = book.read_bytes()
    res = calc(str(link))
    assert res.exit_code == 3 and "正在 Excel/WPS 中打开" in res.output, res.output
    assert book.read_bytes() == original


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_report_to_a_symlink_writes_its_target(book: Path, tmp_path: Path, fmt: str) -> None:
    shared = tmp_path / "共享"
    shared.mkdir()
    real = shared / f"报告.{fmt}"
    real.write_bytes(b"old")
    link = tmp_path / f"报告链接.{fmt}"
    link.symlink_to(real)
    res = CliRunner().invoke(cli, ["report", str(book), "-o", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and real.read_bytes() != b"old" and real.stat().st_size > 100
    assert temps(shared) == [] and temps(tmp_path) == []


def test_symlink_loop_is_named_in_chinese(book: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "环A.xlsx", tmp_path / "环B.xlsx"
    a.symlink_to(b)
    b.symlink_to(a)
    for args in (["calc", str(a)], ["check", str(a)], ["report", str(a)], ["calc", str(book), "-o", str(a)],
                 ["report", str(book), "-o", str(tmp_path / "环A.xlsx")]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code in (2, 3), (args, res.output)
        assert "循环的符号链接" in res.output and "Too many levels" not in res.output, (args, res.output)
        assert "内部错误" not in res.output
    assert a.is_symlink() and b.is_symlink()  # the loop was not "repaired" into a file


# --- owner, group, mode, hard links -----------------------------------------------------------------------


@pytest.mark.skipif(not IS_ROOT, reason="handing a file to another user needs root")
def test_calc_in_place_keeps_owner_group_and_mode(book: Path) -> None:
    os.chown(book, 1234, 2345)
    book.chmod(0o640)
    before = book.stat()
    res = calc(str(book))
    assert res.exit_code == 0, res.output
    after = book.stat()
    assert after.st_ino != before.st_ino  # a new file replaced it (atomically) …
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 2345, 0o640)  # … with the same owner
    assert total(book) == 84.31


def test_mode_is_kept_for_every_writer(book: Path, tmp_path: Path) -> None:
    book.chmod(0o604)
    assert calc(str(book)).exit_code == 0
    assert stat.S_IMODE(book.stat().st_mode) == 0o604
    report = tmp_path / "报告.md"
    report.write_text("旧")
    report.chmod(0o620)
    res = CliRunner().invoke(cli, ["report", str(book), "-o", str(report)])
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(report.stat().st_mode) == 0o620 and "旧" not in report.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="POSIX owners")
def test_an_owner_that_cannot_be_kept_is_refused(book: Path, monkeypatch) -> None:
    """As a user who is not the file's owner: chown is not allowed, so the write is refused."""
    original = book.read_bytes()
    st = book.stat()
    monkeypatch.setattr(files_module.os, "stat", _stat_owned_by(book, st.st_uid + 1, st.st_gid))
    monkeypatch.setattr(files_module.os, "chown", _chown_denied)
    res = calc(str(book))
    assert res.exit_code == 3, res.output
    assert "属于另一个用户" in res.output and "-o" in res.output
    assert book.read_bytes() == original and temps(book.parent) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX groups")
def test_a_group_that_cannot_be_kept_is_refused(book: Path, monkeypatch) -> None:
    st = book.stat()
    monkeypatch.setattr(files_module.os, "stat", _stat_owned_by(book, st.st_uid, st.st_gid + 1))
    monkeypatch.setattr(files_module.os, "chown", _chown_denied)
    with pytest.raises(OutputError) as ei:
        xlsx.atomic_write_bytes(book, b"x")
    assert ei.value.code == "X110" and "用户组" in ei.value.message
    assert temps(book.parent) == []


def _stat_owned_by(path: Path, uid: int, gid: int):
    real_stat = os.stat

    def fake(p, *a, **kw):
        st = real_stat(p, *a, **kw)
        if os.fspath(p) == os.fspath(path):
            values = list(st)
            values[stat.ST_UID], values[stat.ST_GID] = uid, gid
            return os.stat_result(values)
        return st

    return fake


def _chown_denied(*_a, **_kw):
    raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))


def test_hard_linked_file_is_refused_and_both_names_are_untouched(book: Path, tmp_path: Path) -> None:
    other = tmp_path / "另一个名字.xlsx"
    os.link(book, other)
    original = book.read_bytes()
    res = calc(str(book))
    assert res.exit_code == 3, res.output
    assert "硬链接" in res.output and "-o" in res.output
    assert book.read_bytes() == original and other.read_bytes() == original
    assert os.stat(book).st_ino == os.stat(other).st_ino  # still one file
    assert temps(book.parent) == []
    res = calc(str(book), "-o", str(tmp_path / "新文件.xlsx"))  # what the message suggests works
    assert res.exit_code == 0, res.output
    assert total(tmp_path / "新文件.xlsx") == 84.31


# --- stale temp files of a killed run --------------------------------------------------------------------


def _plant(folder: Path, pid: int, name: str) -> Path:
    p = folder / f"{TEMP_PREFIX}{pid}-abcd1234-{name}"
    p.write_bytes(b"half written")
    return p


def test_next_calc_removes_a_killed_runs_temp_files(book: Path) -> None:
    folder = book.parent
    dead = _plant(folder, DEAD_PID, book.name + ".xlsx")
    alive = _plant(folder, os.getppid(), book.name + ".xlsx")  # another xlperf still saving: left alone
    other = _plant(folder, DEAD_PID, "别的文件.xlsx.xlsx")  # another file's: its own next save removes it
    assert calc(str(book)).exit_code == 0
    assert not dead.exists() and alive.exists() and other.exists()


def test_next_calc_through_a_symlink_cleans_beside_the_real_file(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "链接.xlsx"
    link.symlink_to(book)
    dead = _plant(book.parent, DEAD_PID, book.name + ".xlsx")
    assert calc(str(link)).exit_code == 0
    assert not dead.exists()


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_next_report_removes_a_killed_runs_temp_files(book: Path, fmt: str) -> None:
    name = f"{book.stem}-自评报告.{fmt}"
    dead = _plant(book.parent, DEAD_PID, name + f".{fmt}")
    dead_plain = _plant(book.parent, DEAD_PID, name)  # written with or without a suffix
    res = CliRunner().invoke(cli, ["report", str(book), "--format", fmt])
    assert res.exit_code == 0, res.output
    assert (book.parent / name).is_file()
    assert not dead.exists() and not dead_plain.exists()
    assert temps(book.parent) == []


# --- names near and over the limit --------------------------------------------------------------------------


def test_a_name_near_the_limit_is_still_saved_in_place(tmp_path: Path) -> None:
    long = tmp_path / ("长" * 80 + ".xlsx")  # 245 bytes: fits, but the temp name must be shortened
    build_example(long, "临汾购买服务")
    res = calc(str(long))
    assert res.exit_code == 0, res.output
    assert total(long) == 84.31 and temps(tmp_path) == []
    dead = _plant(tmp_path, DEAD_PID, files_module._temp_tag(long.name) + ".xlsx")  # noqa: SLF001
    assert calc(str(long)).exit_code == 0 and not dead.exists()


def test_a_name_over_the_limit_is_named_in_chinese(book: Path, tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300 + ".xlsx")
    for args in (["calc", str(too_long)], ["check", str(too_long)], ["report", str(too_long)],
                 ["calc", str(book), "-o", str(too_long)], ["report", str(book), "-o", str(tmp_path / ("报" * 100 + ".docx"))]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code in (2, 3), (args, res.output)
        assert "过长" in res.output and "内部错误" not in res.output and "too long" not in res.output, (args, res.output)


# --- full disk, read-only disk, no permission (faked: root cannot be stopped by chmod) ------------------------


def _failing_replace(code: int):
    real_replace = os.replace

    def fake(src, dst, *a, **kw):
        if Path(src).name.startswith(TEMP_PREFIX):
            raise OSError(code, os.strerror(code), os.fspath(src))
        return real_replace(src, dst, *a, **kw)

    return fake


@pytest.mark.parametrize(
    "code, needle, exit_code",
    [(errno.ENOSPC, "磁盘空间不足", 3), (errno.EROFS, "只读", 3), (errno.EACCES, "无法覆盖", 3), (errno.EIO, "磁盘读写出错", 3)],
)
@pytest.mark.parametrize("command", ["calc", "report"])
def test_write_failures_are_named_in_chinese(book: Path, monkeypatch, code: int, needle: str, exit_code: int, command: str) -> None:
    if command == "report":
        (book.parent / f"{book.stem}-自评报告.md").write_text("旧报告")
    original = book.read_bytes()
    monkeypatch.setattr(files_module.os, "replace", _failing_replace(code))
    args = ["calc", str(book)] if command == "calc" else ["report", str(book), "--format", "md"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == exit_code, res.output
    assert needle in res.output and not ENGLISH.search(res.output.split("：", 1)[-1]), res.output
    assert book.read_bytes() == original and temps(book.parent) == []


def test_full_disk_while_the_writer_writes(book: Path, monkeypatch) -> None:
    """ENOSPC raised inside the block (the writer itself) is an OutputError too, and the temp is removed."""
    with pytest.raises(OutputError) as ei:
        with xlsx.atomic_output(book.parent / "报告.docx") as tmp:
            tmp.write_bytes(b"half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert "磁盘空间不足" in ei.value.message and temps(book.parent) == []


def test_full_disk_while_calc_writes_the_zip(book: Path, tmp_path: Path, monkeypatch) -> None:
    """The disk fills up halfway through the workbook's zip: the original stays, the message is Chinese."""
    from xlperf.ooxml import patch as patch_module

    original = book.read_bytes()
    link = tmp_path / "链接.xlsx"
    link.symlink_to(book)
    calls = {"n": 0}
    real_copy = patch_module.copy_raw

    def full(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_copy(*a, **kw)

    monkeypatch.setattr(patch_module, "copy_raw", full)
    res = calc(str(link))
    assert res.exit_code == 3 and "磁盘空间不足" in res.output and "No space" not in res.output, res.output
    assert book.read_bytes() == original and link.is_symlink() and temps(book.parent) == []


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root reads every file")
def test_unreadable_input_is_named_in_chinese(book: Path) -> None:
    book.chmod(0)
    try:
        res = calc(str(book))
    finally:
        book.chmod(0o644)
    assert res.exit_code == 2 and "没有权限" in res.output and "Permission denied" not in res.output


def test_unreadable_input_is_named_in_chinese_faked(book: Path, monkeypatch) -> None:
    from xlperf.ooxml import inspect as inspect_module

    def denied(p, *a, **kw):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(p))

    monkeypatch.setattr(inspect_module, "open", denied, raising=False)
    with pytest.raises(InputError) as ei:
        xlsx.sheet_names(book)
    assert ei.value.code == "X015" and "没有权限" in ei.value.message and "Permission" not in ei.value.message


# --- recalculation on open --------------------------------------------------------------------------------


def _excel_saved(path: Path, calc_pr: str | None) -> None:
    """Make the workbook look saved by Excel: its calcPr without fullCalcOnLoad (or none)."""
    s = Surgery(path)

    def edit(root) -> None:
        for el in root:
            if el.tag.endswith("}calcPr"):
                root.remove(el)
        if calc_pr is not None:
            from lxml import etree

            root.append(etree.fromstring(f'<calcPr xmlns="{root.nsmap[None]}" {calc_pr}/>'))

    s.edit_xml("xl/workbook.xml", edit)
    s.save(path)


def _calc_pr(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode()
    found = re.findall(r"<calcPr\b[^>]*/>", xml)
    assert len(found) == 1, xml
    return found[0]


@pytest.mark.parametrize("calc_pr", [None, 'calcId="191029"', 'calcId="191029" calcMode="manual" iterate="1"'])
def test_a_written_workbook_asks_for_recalculation_on_open(book: Path, calc_pr: str | None) -> None:
    _excel_saved(book, calc_pr)
    assert "fullCalcOnLoad" not in zipfile.ZipFile(book).read("xl/workbook.xml").decode()
    assert calc(str(book)).exit_code == 0
    written = _calc_pr(book)
    assert 'fullCalcOnLoad="1"' in written
    for attr in (calc_pr or "").split():
        assert attr in written  # the user's own calculation settings are kept
    xml = zipfile.ZipFile(book).read("xl/workbook.xml").decode()
    assert xml.index("</definedNames>") < xml.index("<calcPr")  # its place in the schema's order


def test_calc_pr_goes_before_later_workbook_elements(tmp_path: Path) -> None:
    from xlperf.ooxml import XlsxPatcher

    p = tmp_path / "a.xlsx"
    build_example(p, "临汾购买服务")
    s = Surgery(p)

    def edit(root) -> None:
        from lxml import etree

        for el in list(root):
            if el.tag.endswith(("}calcPr", "}definedNames")):
                root.remove(el)
        ns = root.nsmap[None]
        root.append(etree.fromstring(f'<fileRecoveryPr xmlns="{ns}" repairLoad="1"/>'))
        root.append(etree.fromstring(f'<extLst xmlns="{ns}"><ext uri="{{X}}"/></extLst>'))

    s.edit_xml("xl/workbook.xml", edit)
    s.save(p)
    with XlsxPatcher(p) as patcher:
        patcher.set_block(SHEET, 8, 11, [[1]])
        patcher.save(p)
    xml = zipfile.ZipFile(p).read("xl/workbook.xml").decode()
    assert xml.index("</sheets>") < xml.index('<calcPr fullCalcOnLoad="1"/>') < xml.index("<fileRecoveryPr")


def test_workbook_xml_untouched_when_nothing_is_written_or_already_asked(book: Path, tmp_path: Path) -> None:
    from xlperf.ooxml import XlsxPatcher

    _excel_saved(book, 'calcId="191029"')
    before = zipfile.ZipFile(book).read("xl/workbook.xml")
    with XlsxPatcher(book) as patcher:
        patcher.save(tmp_path / "没改.xlsx")
    assert zipfile.ZipFile(tmp_path / "没改.xlsx").read("xl/workbook.xml") == before
    _excel_saved(book, 'calcId="191029" fullCalcOnLoad="1"')
    before = zipfile.ZipFile(book).read("xl/workbook.xml")
    with XlsxPatcher(book) as patcher:
        patcher.set_block(SHEET, 8, 11, [[1]])
        patcher.save(tmp_path / "已有.xlsx")
    assert zipfile.ZipFile(tmp_path / "已有.xlsx").read("xl/workbook.xml") == before


def test_new_workbook_asks_for_recalculation_on_open(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["new", str(tmp_path / "新.xlsx")])
    assert res.exit_code == 0, res.output
    assert 'fullCalcOnLoad="1"' in _calc_pr(tmp_path / "新.xlsx")


# LibreOffice's own default (工具 → 选项 → LibreOffice Calc → 公式 → 文件加载时重新计算 → Excel 2007
# 及更高版本：从不重新计算) ignores fullCalcOnLoad and shows the cached values, so no LibreOffice run
# can prove the flag itself; Excel and WPS honour it. This test runs LibreOffice set to 总是重新计算
# (OOXMLRecalcMode = 0, what README tells LibreOffice users to choose) and shows that the user's own
# formulas over cells calc wrote then read the new values, their stale cached values notwithstanding.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _sheets_as_csv(path: Path, work: Path) -> dict[str, list[list[str]]]:
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = work / "csv"
    # token 12 = -1: every sheet to its own CSV, named <stem>-<sheet>.csv
    fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", fmt, "--outdir", str(out), str(path)],
        capture_output=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    sheets = {}
    for f in out.glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            sheets[f.stem[len(path.stem) + 1 :]] = list(csv.reader(fh))
    return sheets


@pytest.mark.skipif(not HAS_CALC, reason="needs LibreOffice Calc")
def test_user_formulas_over_computed_cells_show_new_values_when_recalculated(book: Path, tmp_path: Path) -> None:
    s = Surgery(book)
    s.set(SHEET, "P8", formula="SUM(K8:K14)", cached=7)  # a 合计 beside the table, cached from last time
    s.set("预算执行", "Z1", formula=f"'{SHEET}'!I4", cached=7)  # a cross-sheet reference to the total
    s.save(book)
    _excel_saved(book, 'calcId="191029"')
    res = calc(str(book))
    assert res.exit_code == 0, res.output
    assert 'fullCalcOnLoad="1"' in _calc_pr(book)
    grid = xlsx.read_grids(book, [SHEET])[1][SHEET]
    scores = [grid[r][10] for r in range(7, 14)]
    assert all(isinstance(v, (int, float)) for v in scores), scores
    with zipfile.ZipFile(book) as z:  # the stale cached values are still in the file: only a recalculation fixes them
        part = sheet_parts({n: z.read(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")})[SHEET]
        assert re.search(rb'<c r="P8"[^>]*><f>SUM\(K8:K14\)</f><v>7</v>', z.read(part))

    sheets = _sheets_as_csv(book, tmp_path / "lo")
    assert float(sheets[SHEET][7][15]) == pytest.approx(sum(scores)) != 7
    assert float(sheets["预算执行"][0][25]) == pytest.approx(total(book)) != 7


# --- a file held open by Excel/Word on Windows ----------------------------------------------------------


def _held_open(winerror: int | None):
    """os.replace as Windows answers it while Excel or Word holds the target open: PermissionError
    with errno EACCES, and (sharing violation) winerror 32, or (plain access denied) winerror 5."""
    real_replace = os.replace

    def fake(src, dst, *a, **kw):
        if Path(src).name.startswith(TEMP_PREFIX) and Path(dst).exists():
            exc = PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", os.fspath(src))
            if winerror is not None:
                exc.winerror = winerror  # what Windows sets; POSIX ignores the constructor's fourth argument
            raise exc
        return real_replace(src, dst, *a, **kw)

    return fake


@pytest.mark.parametrize("winerror, why", [(32, "文件正"), (5, "文件可能正"), (None, "文件可能正")])
@pytest.mark.parametrize(
    "command, target, app",
    [
        (["calc", "{book}"], "{book}", "在 Excel/WPS 中"),
        (["calc", "{book}", "-o", "{dir}/已计算.xlsx"], "{dir}/已计算.xlsx", "在 Excel/WPS 中"),
        (["report", "{book}", "--format", "docx"], "{dir}/自评表-自评报告.docx", "在 Word/WPS 中"),
        (["report", "{book}", "--format", "md"], "{dir}/自评表-自评报告.md", "在其他程序中"),
        (["report", "{book}", "--format", "xlsx", "-o", "{dir}/官方表.xlsx"], "{dir}/官方表.xlsx", "在 Excel/WPS 中"),
        (["new", "{dir}/新表.xlsx", "--force"], "{dir}/新表.xlsx", "在 Excel/WPS 中"),
    ],
    ids=["calc", "calc-o", "report-docx", "report-md", "report-xlsx", "new-force"],
)
def test_a_file_held_open_on_windows_is_named_and_asked_to_be_closed(book: Path, monkeypatch, winerror, why, command, target, app) -> None:
    fill = {"book": str(book), "dir": str(book.parent)}
    dst = Path(target.format(**fill))
    if dst != book:
        dst.write_bytes(b"old")  # the file the user has open
    before = dst.read_bytes()
    monkeypatch.setattr(files_module.os, "replace", _held_open(winerror))
    res = CliRunner().invoke(cli, [a.format(**fill) for a in command])
    assert res.exit_code == 3, res.output  # README: a file held by Excel is an environment problem
    assert f"{why}{app}打开" in res.output and f"请{app}关闭“{dst.name}”后重试" in res.output, res.output
    assert res.output.startswith(f"错误：{dst.name}：") and "Traceback" not in res.output
    assert dst.read_bytes() == before and temps(dst.parent) == []


# --- atomic save (XlsxPatcher.save, atomic_output) ------------------------------------------------


@pytest.mark.parametrize("in_place", [False, True])
def test_failure_mid_save_leaves_original(rich: Path, tmp_path: Path, monkeypatch, in_place: bool) -> None:
    original = rich.read_bytes()
    dst = rich if in_place else tmp_path / "out.xlsm"
    if not in_place:
        dst.write_bytes(b"previous output")
    before_dst = dst.read_bytes()
    p = XlsxPatcher(rich)
    p.set_block(DATA_SHEET, 2, 2, [[1]])
    calls = {"n": 0}
    real = patch_module.copy_raw

    def flaky(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk on fire")
        return real(*a, **kw)

    monkeypatch.setattr(patch_module, "copy_raw", flaky)
    with pytest.raises(RuntimeError):
        p.save(dst)
    assert calls["n"] == 4
    assert rich.read_bytes() == original
    assert dst.read_bytes() == before_dst
    assert temp_leftovers(tmp_path) == []
    monkeypatch.setattr(patch_module, "copy_raw", real)
    p.save(dst)  # works afterwards
    assert read_grids(dst)[1][DATA_SHEET][1][1] == 1


def test_output_folder_missing(rich: Path, tmp_path: Path) -> None:
    p = XlsxPatcher(rich)
    with pytest.raises(OutputError) as ei:
        p.save(tmp_path / "没有这个文件夹" / "out.xlsm")
    assert ei.value.code == "X102" and "输出文件夹不存在" in str(ei.value)
    with pytest.raises(OutputError):
        xlsx.atomic_write_bytes(tmp_path / "没有" / "a.bin", b"x")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_output_folder_read_only(rich: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError) as ei:
            XlsxPatcher(rich).save(ro / "out.xlsm")
        assert ei.value.code == "X103"
    finally:
        ro.chmod(0o755)


KILL_SCRIPT = """
import sys
from xlperf.ooxml import XlsxPatcher
p = XlsxPatcher(sys.argv[1])
p.set_block(sys.argv[2], 2, 2, [[12345]])
print("saving", flush=True)
p.save(sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_mid_save_leaves_original(rich: Path, tmp_path: Path) -> None:
    original = rich.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT), XLPERF_TEST_SLOW_SAVE="20")
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(rich), DATA_SHEET], env=env, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"saving\n"
        # another process's file: polled, bounded. Once it exists the save is under way, and it
        # stops for 20 s halfway, so the kill lands before the temp file is complete
        deadline = time.monotonic() + 15
        while not temp_leftovers(tmp_path):
            assert time.monotonic() < deadline, "save never started"
            assert proc.poll() is None
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert rich.read_bytes() == original
    left = temp_leftovers(tmp_path)
    assert len(left) == 1 and str(proc.pid) in left[0]
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(tmp_path / left[0])  # it really was cut mid-write
    p = XlsxPatcher(rich)
    p.set_block(DATA_SHEET, 2, 2, [[777]])
    p.save(rich)
    assert read_grids(rich)[1][DATA_SHEET][1][1] == 777
    assert temp_leftovers(tmp_path) == []  # the dead process's temp file was cleaned up


def test_atomic_output_and_write_bytes(tmp_path: Path) -> None:
    dst = tmp_path / "报告.docx"
    dst.write_bytes(b"old")
    dst.chmod(0o640)
    with pytest.raises(ZeroDivisionError):
        with xlsx.atomic_output(dst, suffix=".docx") as tmp:
            assert tmp.parent == tmp_path and tmp.name.endswith(".docx")
            tmp.write_bytes(b"half")
            1 / 0
    assert dst.read_bytes() == b"old" and temp_leftovers(tmp_path) == []
    with xlsx.atomic_output(dst, suffix=".docx") as tmp:
        tmp.write_bytes(b"new")
    assert dst.read_bytes() == b"new" and temp_leftovers(tmp_path) == []
    assert (dst.stat().st_mode & 0o777) == 0o640  # permissions of the replaced file kept
    xlsx.atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"


# --- locks ----------------------------------------------------------------------------------------


def test_excel_lock_file(tmp_path: Path) -> None:
    book = tmp_path / "自评表.xlsx"
    book.write_bytes(b"x")
    assert xlsx.excel_lock_file(book) is None
    owner = tmp_path / "~$自评表.xlsx"
    owner.write_bytes(b"\0" * 165)
    assert xlsx.excel_lock_file(book) == owner
    owner.unlink()
    lo = tmp_path / ".~lock.自评表.xlsx#"
    lo.write_text("x")
    assert xlsx.excel_lock_file(book) == lo
    assert xlsx.excel_lock_file(tmp_path / "别的.xlsx") is None


HOLD_SCRIPT = """
import sys
from xlperf.ooxml import exclusive
with exclusive(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()  # held until the test says
"""


def test_exclusive_across_processes(tmp_path: Path) -> None:
    book = tmp_path / "自评表.xlsx"
    book.write_bytes(b"x")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(book)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError) as ei:
            with xlsx.exclusive(book, timeout=0.3):
                pass
        assert ei.value.code == "X105" and "正被另一个 xlperf 进程处理，请稍后再试" in str(ei.value)
        assert "自评表.xlsx" in str(ei.value)
        with pytest.raises(OutputError):  # same file, other spelling: the same lock
            with xlsx.exclusive(tmp_path / "." / "自评表.xlsx", timeout=0.1):
                pass
        with xlsx.exclusive(tmp_path / "别的.xlsx", timeout=0.1):  # another file: independent
            pass
        # a waiter gets the lock once the holder lets it go
        got = threading.Event()
        failed: list[BaseException] = []

        def wait_for_it() -> None:
            try:
                with xlsx.exclusive(tmp_path / "." / "自评表.xlsx", timeout=60):
                    got.set()
            except BaseException as exc:  # noqa: BLE001 - reported by the test thread
                failed.append(exc)

        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        proc.stdin.write("\n")
        proc.stdin.flush()
        waiter.join(timeout=60)  # guards against a hang only
        assert got.is_set() and not failed, failed
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0
