"""xlperf batch on real file systems: each file-system problem is one 失败 row in plain Chinese, and
the rest of the bureau goes on; symlinked folders are followed without looping; a killed run's
temporary files are removed by the next run."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlperf.batch import run as run_module
from xlperf.batch.discover import discover
from xlperf.batch.run import STAGING_DIR, run_batch
from xlperf.batch.summary import STATUS_FAILED
from xlperf.batch.state import STATE_FILE
from xlperf.cli import cli
from xlperf.core.errors import OutputError
from xlperf.ooxml.files import TEMP_PREFIX
from xlperf.workbook.examples import build_example

IS_ROOT = os.name == "posix" and os.geteuid() == 0
DEAD_PID = 99_999_999  # above any pid_max: no such process
ENGLISH = re.compile(r"[A-Za-z]{4,} [a-z]{2,}")  # "Too many levels", "Permission denied", "No space left" …


@pytest.fixture(scope="module")
def good_master(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("master") / "好.xlsx"
    build_example(p, "临汾购买服务")
    return p


@pytest.fixture
def bureau(tmp_path: Path, good_master: Path) -> Path:
    """县/ with two good workbooks in two sub-folders."""
    root = tmp_path / "县"
    for sub in ("医保局", "民政局"):
        (root / sub).mkdir(parents=True)
        (root / sub / f"{sub}自评表.xlsx").write_bytes(good_master.read_bytes())
    return root


def records(result) -> dict[str, dict]:
    return {r.file: r.to_dict() for r in result.records}


def failed(result) -> dict[str, str]:
    return {r.file: r.error_message for r in result.records if r.status == STATUS_FAILED}


def assert_chinese(text: str) -> None:
    assert text and not ENGLISH.search(text), text


def ok_count(result) -> int:
    return sum(1 for r in result.records if r.status != STATUS_FAILED)


# --- symlinks --------------------------------------------------------------------------------------


def test_a_symlink_loop_fails_alone_in_chinese(bureau: Path, tmp_path: Path) -> None:
    loop = bureau / "民政局" / "环.xlsx"
    loop.symlink_to(loop.name)  # points at itself
    result = run_batch([bureau], tmp_path / "out", formats="md", jobs=1)
    bad = failed(result)
    assert list(bad) == [os.path.join("民政局", "环.xlsx")]
    assert "循环的符号链接" in bad[os.path.join("民政局", "环.xlsx")]
    assert_chinese(bad[os.path.join("民政局", "环.xlsx")])
    assert ok_count(result) == 2 and result.exit_code == 1


def test_a_symlink_loop_on_the_command_line(bureau: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "甲.xlsx", tmp_path / "乙.xlsx"
    a.symlink_to(b)
    b.symlink_to(a)
    res = CliRunner().invoke(cli, ["batch", str(bureau), str(a), "-o", str(tmp_path / "out"), "--format", "md", "-j", "1", "-q"])
    assert res.exit_code == 1, res.output
    assert "循环的符号链接" in res.output and "Too many levels" not in res.output and "内部错误" not in res.output
    assert "成功 2" in res.output and "失败 1" in res.output


def test_symlinked_folders_are_followed_once_without_looping(bureau: Path, tmp_path: Path, good_master: Path) -> None:
    elsewhere = tmp_path / "共享盘" / "教育局"
    elsewhere.mkdir(parents=True)
    (elsewhere / "教育局自评表.xlsx").write_bytes(good_master.read_bytes())
    (bureau / "教育局").symlink_to(elsewhere, target_is_directory=True)  # a unit's folder on a shared drive
    (bureau / "医保局" / "回到上级").symlink_to("..", target_is_directory=True)  # a loop back to an ancestor
    (bureau / "再一次").symlink_to(bureau, target_is_directory=True)  # and to the top itself
    found = discover([bureau])
    assert sorted(p.name for p in found.workbooks) == ["医保局自评表.xlsx", "教育局自评表.xlsx", "民政局自评表.xlsx"]
    assert not found.unreadable


# --- permission errors ------------------------------------------------------------------------------------


def _denied(code: int, path: Path):
    def fake(*_a, **_kw):
        raise PermissionError(code, os.strerror(code), os.fspath(path))

    return fake


def test_an_unreadable_workbook_fails_alone_in_chinese(bureau: Path, tmp_path: Path, monkeypatch) -> None:
    target = bureau / "医保局" / "医保局自评表.xlsx"
    if IS_ROOT:  # root reads every file: fake the refusal where the batch first reads it
        real_hash = run_module.file_hash
        monkeypatch.setattr(run_module, "file_hash", lambda p: _denied(errno.EACCES, target)() if Path(p) == target else real_hash(p))
    else:
        target.chmod(0)
    try:
        result = run_batch([bureau], tmp_path / "out", formats="md", jobs=1)
    finally:
        target.chmod(0o644)
    bad = failed(result)
    assert list(bad) == [os.path.join("医保局", "医保局自评表.xlsx")]
    assert bad[os.path.join("医保局", "医保局自评表.xlsx")].startswith("无法读取文件：没有权限")
    assert_chinese(next(iter(bad.values())))
    assert ok_count(result) == 1


def test_a_folder_that_cannot_be_listed_fails_alone_in_chinese(bureau: Path, tmp_path: Path, monkeypatch) -> None:
    locked = bureau / "民政局"
    if IS_ROOT:
        real_scandir = os.scandir
        monkeypatch.setattr(os, "scandir", lambda p=".": _denied(errno.EACCES, locked)() if isinstance(p, (str, Path)) and Path(p) == locked else real_scandir(p))
    else:
        locked.chmod(0)
    try:
        result = run_batch([bureau], tmp_path / "out", formats="md", jobs=1)
    finally:
        locked.chmod(0o755)
    bad = failed(result)
    assert list(bad) == ["民政局"] and bad["民政局"].startswith("无法读取文件夹：没有权限")
    assert ok_count(result) == 1 and result.exit_code == 1


# --- writing the reports: full disk, read-only disk, too-long names ----------------------------------------


def _failing_move_into(out: Path, stem: str, code: int):
    """os.replace failing for the reports of one workbook only (the moment they enter the output folder)."""
    real_replace = os.replace

    def fake(src, dst, *a, **kw):
        if Path(dst).parent == out and Path(dst).name.startswith(stem):
            raise OSError(code, os.strerror(code), os.fspath(src), None, os.fspath(dst))
        return real_replace(src, dst, *a, **kw)

    return fake


@pytest.mark.parametrize("code, needle", [(errno.ENOSPC, "磁盘空间不足"), (errno.EDQUOT, "磁盘空间不足"), (errno.EROFS, "只读"), (errno.EIO, "磁盘读写出错")])
def test_a_report_that_cannot_be_written_fails_alone_in_chinese(bureau: Path, tmp_path: Path, monkeypatch, code: int, needle: str) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(os, "replace", _failing_move_into(out, "民政局自评表", code))
    result = run_batch([bureau], out, formats="docx", jobs=1)
    bad = failed(result)
    key = os.path.join("民政局", "民政局自评表.xlsx")
    assert list(bad) == [key] and bad[key].startswith("生成报告失败：") and needle in bad[key], bad
    assert_chinese(bad[key])
    assert ok_count(result) == 1 and (out / "汇总表.xlsx").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_a_read_only_output_folder_is_named_in_chinese(bureau: Path, tmp_path: Path, monkeypatch) -> None:
    import tempfile

    def read_only(*_a, **_kw):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    res = CliRunner().invoke(cli, ["batch", str(bureau), "-o", str(tmp_path / "out"), "--format", "md", "-j", "1", "-q"])
    assert res.exit_code == 3, res.output
    assert "输出文件夹不可写" in res.output and "只读" in res.output and "Read-only" not in res.output


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root writes into a 0555 folder")
def test_an_unwritable_output_folder_is_named_in_chinese(bureau: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError) as ei:
            run_batch([bureau], out, formats="md", jobs=1)
    finally:
        out.chmod(0o755)
    assert "没有权限" in ei.value.message and "Permission" not in ei.value.message


def test_too_long_names_fail_alone_in_chinese(bureau: Path, tmp_path: Path, good_master: Path) -> None:
    long = bureau / "民政局" / ("长" * 80 + ".xlsx")  # 245 bytes: a valid name, but its report's is too long
    long.write_bytes(good_master.read_bytes())
    too_long = tmp_path / ("x" * 300 + ".xlsx")  # not even a valid name
    result = run_batch([bureau, too_long], tmp_path / "out", formats="md", jobs=1)
    bad = failed(result)
    assert len(bad) == 2, bad
    for text in bad.values():
        assert "文件名或路径过长" in text, text
        assert_chinese(text)
    assert any(t.startswith("生成报告失败：") for t in bad.values()) and any(t.startswith("无法读取文件：") for t in bad.values())
    assert ok_count(result) == 2


def test_an_output_folder_with_a_too_long_name(bureau: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["batch", str(bureau), "-o", str(tmp_path / ("输" * 100)), "--format", "md", "-j", "1", "-q"])
    assert res.exit_code == 3, res.output
    assert "过长" in res.output and "内部错误" not in res.output


# --- a killed run's leftovers ---------------------------------------------------------------------------------


def test_next_batch_removes_a_killed_runs_staging_and_temp_files(bureau: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    staging = out / STAGING_DIR
    staging.mkdir(parents=True)
    leftovers = [
        staging / f"{DEAD_PID}-abcd1234-医保局自评表-自评报告.docx",
        out / f"{TEMP_PREFIX}{DEAD_PID}-abcd1234-汇总表.xlsx",
        out / f"{TEMP_PREFIX}{DEAD_PID}-abcd1234-{STATE_FILE}",
    ]
    for p in leftovers:
        p.write_bytes(b"half written")
    result = run_batch([bureau], out, formats="md", jobs=1)
    assert ok_count(result) == 2
    assert not any(p.exists() for p in leftovers)
    assert not staging.exists()
    assert not [p.name for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_a_report_held_open_on_windows_is_one_failed_row_naming_it(bureau: Path, tmp_path: Path, monkeypatch) -> None:
    """Windows refuses to replace a report open in Word (PermissionError, winerror 32): that workbook's
    row says which report to close; the other workbook and the 汇总表 are written."""
    out = tmp_path / "报告"
    run_batch([bureau], out, formats="docx", jobs=1)
    held = out / "医保局自评表-自评报告.docx"
    before = held.read_bytes()
    real_replace = os.replace

    def fake(src, dst, *a, **kw):
        if Path(dst) == held:
            exc = PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", os.fspath(src))
            exc.winerror = 32
            raise exc
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", fake)
    result = run_batch([bureau], out, formats="docx", jobs=1, force=True)
    bad = failed(result)
    assert list(bad) == ["医保局/医保局自评表.xlsx"], bad
    assert f"请在 Word/WPS 中关闭“{held.name}”后重试" in bad["医保局/医保局自评表.xlsx"]
    assert_chinese(bad["医保局/医保局自评表.xlsx"])
    assert result.exit_code == 1 and ok_count(result) == 1
    assert held.read_bytes() == before and (out / "汇总表.xlsx").is_file()


def test_a_pdf_held_open_on_windows_is_noted_and_the_rest_of_its_chunk_placed(tmp_path: Path, monkeypatch) -> None:
    """LibreOffice made both PDFs; the first one's old copy is open in a reader (winerror 32): its row
    says which PDF to close, the second PDF is placed."""
    from xlperf.batch import pdf as pdf_module

    out, staging = tmp_path / "报告", tmp_path / "报告" / STAGING_DIR
    staging.mkdir(parents=True)
    items = []
    for base in ("甲-自评报告", "乙-自评报告"):
        (out / f"{base}.docx").write_bytes(b"docx")
        (out / f"{base}.pdf").write_bytes(b"old pdf")
        items.append(({"base": base, "pdf_source": str(out / f"{base}.docx")}, {"outputs": [f"{base}.docx"], "report": f"{base}.docx", "error_message": ""}))
    chunk = pdf_module.Chunk(items, staging)

    def fake_convert(sources, work, converters):
        made = []
        for src in sources:
            pdf = work / (src.stem + ".pdf")
            pdf.write_bytes(b"new pdf")
            made.append(pdf)
        return made, ""

    real_replace = os.replace

    def held(src, dst, *a, **kw):
        if Path(dst).name == "甲-自评报告.pdf":
            exc = PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", os.fspath(src))
            exc.winerror = 32
            raise exc
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(pdf_module, "_convert", fake_convert)
    monkeypatch.setattr(os, "replace", held)
    recs = pdf_module.convert_chunk(chunk, out, staging, converters=None)
    assert "PDF 未生成" in recs[0]["error_message"] and "请在 PDF 阅读器中关闭“甲-自评报告.pdf”后重试" in recs[0]["error_message"]
    assert recs[0]["outputs"] == ["甲-自评报告.docx"] and (out / "甲-自评报告.pdf").read_bytes() == b"old pdf"
    assert recs[1]["outputs"] == ["乙-自评报告.docx", "乙-自评报告.pdf"] and (out / "乙-自评报告.pdf").read_bytes() == b"new pdf"
    assert recs[1]["error_message"] == ""
