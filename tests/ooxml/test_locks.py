"""One lock-file detector for every output: Excel, Word, WPS and LibreOffice owner files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.ooxml.files import excel_lock_file, lock_file_names, office_lock_file
from xlperf.report import job as report_job


def _open_with(tmp_path: Path, name: str, lock: str) -> Path:
    target = tmp_path / name
    target.write_bytes(b"x")
    (tmp_path / lock).write_bytes(b"\0" * 162)
    return target


@pytest.mark.parametrize(
    "name, lock",
    [
        ("自评表.xlsx", "~$自评表.xlsx"),  # Excel: the whole name, however long
        ("项目支出绩效自评表.xlsx", "~$项目支出绩效自评表.xlsx"),
        ("汇总表.csv", "~$汇总表.csv"),
        ("abc.docx", "~$abc.docx"),  # Word, a stem of 6 or fewer: the whole name
        ("abcdef.docx", "~$abcdef.docx"),
        ("abcdefg.docx", "~$bcdefg.docx"),  # Word, a stem of 7: the first character dropped
        ("OfficeReport.docx", "~$ficeReport.docx"),  # Word, 8 or more: the first two
        ("项目支出绩效自评报告.docx", "~$支出绩效自评报告.docx"),
        ("报告.DOCX", "~$报告.DOCX"),
        ("项目支出绩效自评报告.docx", "~$项目支出绩效自评报告.docx"),  # WPS on Windows keeps the whole name
        ("自评表.xlsx", ".~lock.自评表.xlsx#"),  # LibreOffice
        ("项目支出绩效自评报告.docx", ".~lock.项目支出绩效自评报告.docx#"),
        ("自评表.xlsx", ".~自评表.xlsx"),  # WPS on Linux
        ("项目支出绩效自评报告.docx", ".~项目支出绩效自评报告.docx"),
        ("项目支出绩效自评报告.docx", ".~支出绩效自评报告.docx"),
    ],
)
def test_an_open_file_is_seen_by_every_caller(tmp_path: Path, name: str, lock: str) -> None:
    target = _open_with(tmp_path, name, lock)
    assert office_lock_file(target) == tmp_path / lock
    assert excel_lock_file(target) == tmp_path / lock  # calc and batch
    assert report_job._word_lock(target) == tmp_path / lock  # report


@pytest.mark.parametrize(
    "name, lock",
    [
        ("自评表.xlsx", "~$评表.xlsx"),  # Excel never drops characters
        ("abc.docx", "~$c.docx"),  # a short Word name keeps them all
        ("abcdefg.docx", "~$cdefg.docx"),  # a stem of 7 loses one, not two
        ("自评表.xlsx", "~$别的.xlsx"),
        ("自评表.xlsx", ".~lock.别的.xlsx#"),
    ],
)
def test_another_files_lock_is_not_taken(tmp_path: Path, name: str, lock: str) -> None:
    target = _open_with(tmp_path, name, lock)
    assert office_lock_file(target) is None


def test_a_file_named_like_a_lock_is_not_its_own_lock(tmp_path: Path) -> None:
    target = tmp_path / "~$abc.xlsx"
    target.write_bytes(b"x")
    assert office_lock_file(target) is None
    assert office_lock_file(tmp_path / "不存在.docx") is None


def test_the_lock_beside_a_symlinks_target_counts(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = _open_with(real, "OfficeReport.docx", "~$ficeReport.docx")
    link = tmp_path / "链接.docx"
    link.symlink_to(target)
    assert office_lock_file(link) == real / "~$ficeReport.docx"


_STEM = st.text(st.characters(categories=("L", "N"), max_codepoint=0x9FFF), min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(stem=_STEM, suffix=st.sampled_from([".docx", ".doc", ".xlsx", ".xlsm", ".pdf", ".md"]))
def test_lock_names_follow_the_rules(stem: str, suffix: str) -> None:
    name = stem + suffix
    names = lock_file_names(name)
    assert len(set(names)) == len(names) and name not in names
    assert "~$" + name in names and f".~lock.{name}#" in names and ".~" + name in names
    word = suffix in (".docx", ".doc")
    cut = (2 if len(stem) >= 8 else 1 if len(stem) == 7 else 0) if word else 0
    assert "~$" + name[cut:] in names
    # nothing else: no name shorter than the rule gives
    owner = {n for n in names if n.startswith("~$")}
    assert owner == {"~$" + name, "~$" + name[cut:]}
