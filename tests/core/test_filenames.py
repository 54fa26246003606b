"""Names the program makes up (batch reports, import's workbooks, a report beside its workbook) are
valid on Windows: checked against PureWindowsPath's rules (tests/winnames.py)."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tests.winnames import assert_windows_name, assert_windows_names, utf16_units, windows_name_problems
from xlperf.core.errors import OutputError
from xlperf.core.filenames import CUT_MARK, FolderNames, clean, safe_name

DEVICES = ["CON", "prn", "Aux", "nul", "COM1", "com9", "LPT1", "lpt9", "COM¹", "CONIN$"]
AWKWARD = [*DEVICES, *(d + ".备份" for d in DEVICES), "Com1 ", "a.", "a. . ", " ..", "...", "~$锁", ".隐藏", "", "　"]
PIECES = st.sampled_from(AWKWARD + list('\\/:*?"<>|\t\n\r\x00\x1f ') + ["𠮷", "✅", "报告", "ABC", "abc", "é", "e\u0301", "\udcff"])
STEMS = st.lists(PIECES | st.text(max_size=8), max_size=12).map("".join)


def folder_of(tmp: Path, length: int) -> Path:
    """A folder whose absolute path is ``length`` characters (deep enough to test MAX_PATH)."""
    path = str(tmp)
    while len(path) < length - 1:
        path += os.sep + "夹" * min(40, length - len(path) - 1)
    path = path[:length] if len(path) > length else path
    return Path(path)


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("CON", "CON_.docx"),
        ("nul", "nul_.docx"),
        ("Com1 ", "Com1_.docx"),
        ("com1.备份", "com1_.备份.docx"),  # the part before the first dot decides
        ("LPT9", "LPT9_.docx"),
        ("CONSOLE", "CONSOLE.docx"),
        ('项目:一期/二期*?"<>|\\', '项目：一期／二期＊？＂＜＞｜＼.docx'),
        ("项目名称\n（第二行）\t", "项目名称 （第二行）.docx"),
        ("报告. . .", "报告.docx"),
        ("  ...  ", "未命名.docx"),
        ("~$草稿", "~＄草稿.docx"),
        ("𠮷✅", "𠮷✅.docx"),
    ],
)
def test_awkward_names_become_valid(stem: str, expected: str) -> None:
    name = safe_name(stem, ".docx")
    assert name == expected
    assert_windows_name(name)


def test_the_helper_itself_refuses_what_windows_refuses() -> None:
    for bad in ["CON.docx", "nul", "com1 .txt", "a:b", "a.", "a ", "a\nb", "a/b", "C:x", "x" * 256]:
        assert windows_name_problems(bad), bad
    assert windows_name_problems("a" * 50, "/" + "b" * 220)  # 272 characters with its folder
    assert not windows_name_problems("报告.docx", "/tmp")


def test_names_differing_only_in_case_are_kept_apart() -> None:
    names = FolderNames()
    got = [names.name(s, "-自评报告", (".docx",)) for s in ["报告", "报告", "ABC", "abc", "Abc", "Straße", "STRASSE"]]
    assert got[:5] == ["报告-自评报告", "报告-2-自评报告", "ABC-自评报告", "abc-2-自评报告", "Abc-3-自评报告"]
    assert_windows_names([g + ".docx" for g in got])


def test_a_name_too_long_for_its_folder_is_cut_kept_unique_and_keeps_its_tail(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 200)
    names = FolderNames(folder)
    stem = "某县医疗保障局城乡居民基本医疗保险参保缴费补助资金" * 4
    got = [names.name(stem + tail, "-自评报告", (".docx", ".pdf", ".md")) for tail in ("甲", "乙", "甲")]
    assert all(g.endswith("-自评报告") and CUT_MARK in g for g in got)
    assert len(set(got)) == 3
    assert_windows_names([g + ".docx" for g in got], folder)
    assert max(utf16_units(str(folder) + os.sep + g + ".docx") for g in got) <= 259


def test_a_folder_too_deep_for_any_name_is_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as ei:
        FolderNames(folder_of(tmp_path, 250)).name("报告", "-自评报告", (".docx",))
    assert "路径太长" in ei.value.message and ei.value.exit_code == 3


@settings(max_examples=300, deadline=None)
@given(stems=st.lists(STEMS, min_size=1, max_size=8), tail=st.sampled_from(["", "-自评报告", "-导入"]),
       exts=st.sampled_from([(".docx", ".pdf", ".md"), (".xlsx",), ("",)]), depth=st.sampled_from([None, 40, 120, 200]))
def test_every_name_given_out_is_valid_and_unique(tmp_path_factory, stems: list[str], tail: str, exts: tuple[str, ...], depth: int | None) -> None:
    folder = None if depth is None else folder_of(tmp_path_factory.getbasetemp(), depth)
    names = FolderNames(folder)
    got = [names.name(s, tail, exts) for s in stems]
    for ext in exts:
        assert_windows_names([g + ext for g in got], folder)
    assert all(g.endswith(tail) for g in got)


@settings(max_examples=200, deadline=None)
@given(STEMS)
def test_cleaning_keeps_what_windows_allows_and_is_stable(stem: str) -> None:
    once = clean(stem)
    assert clean(once) == once
    letters = "".join(ch for ch in unicodedata.normalize("NFC", stem) if ch.isalnum())
    kept = "".join(ch for ch in once if ch.isalnum())
    assert kept == letters or (once == "未命名" and not letters)  # letters and digits pass unchanged
    assert not set(once) & set('\\/:*?"<>|') and once == once.strip(" .") and "  " not in once
