"""Names of what batch, import and report write, checked by Windows' rules (tests/winnames.py):
workbooks whose names Linux allows and Windows does not, names that differ only in case, and an
output folder deep enough that a full name would pass MAX_PATH."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from tests.batch.conftest import _workbook
from tests.core.test_filenames import folder_of
from tests.winnames import assert_windows_name, assert_windows_names, utf16_units
from xlperf.batch.discover import output_bases
from xlperf.batch.run import STAGING_DIR, SUMMARY_XLSX, run_batch
from xlperf.batch.summary import COLUMNS

# file stems a unit's workbook can have on Linux (or a share), each a problem on Windows
STEMS = [
    "CON",
    "con",  # the same file as CON on Windows
    "nul.备份",
    "项目:一期?",
    "报告. .",
    "项目\t名称",
    "某县医疗保障局城乡居民基本医疗保险参保缴费补助资金项目支出绩效自评表" * 2 + "甲",  # long: cut in a deep folder
    "某县医疗保障局城乡居民基本医疗保险参保缴费补助资金项目支出绩效自评表" * 2 + "乙",
]


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("awkward") / "收到的"
    for i, stem in enumerate(STEMS):
        _workbook(d / f"{stem}.xlsx", name=f"项目{i}", dept="县医疗保障局")
    _workbook(d / "乙局" / "CON.xlsx", name="项目乙", dept="县卫生健康局")  # a stem shared across folders
    return d


def test_output_bases_are_windows_names_in_a_deep_folder(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 170)
    paths = [Path("/收到") / f"{s}.xlsx" for s in STEMS] + [Path("/收到/CON/CON.xlsx"), Path("/收到/a:b/con.xlsx")]
    paths += [Path("/收到/报告.xlsx"), Path("/收到/报告.XLSX")]  # one name on Windows, side by side on Linux
    bases = output_bases(paths, folder)
    assert [bases[p] for p in paths[-2:]] == ["报告-2-自评报告", "报告-3-自评报告"]  # "报告. ." took 报告-自评报告
    for ext in (".docx", ".pdf", ".md"):
        assert_windows_names([b + ext for b in bases.values()], folder)
    assert all(b.endswith("-自评报告") for b in bases.values())


def test_batch_writes_windows_names_and_links_them(awkward: Path, tmp_path: Path) -> None:
    out = folder_of(tmp_path, 150)
    result = run_batch([awkward], out, formats="docx,md", jobs=1)
    written = [p.name for p in out.iterdir() if p.name != SUMMARY_XLSX and not p.name.startswith(".")]  # the state and its lock
    assert len(written) == 2 * (len(STEMS) + 1), sorted(written)
    assert_windows_names(written, out)
    assert not (out / STAGING_DIR).exists()
    ws = openpyxl.load_workbook(out / SUMMARY_XLSX)["汇总"]
    col = list(COLUMNS).index("报告文件") + 1
    linked = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]
    assert len(linked) == len(STEMS) + 1
    for c in linked:
        assert c.hyperlink is not None and c.hyperlink.target == c.value and (out / c.value).is_file()
    assert result.exit_code in (0, 1)


def test_batch_in_a_deep_folder_cuts_names_and_its_staging_fits(awkward: Path, tmp_path: Path, monkeypatch) -> None:
    """Reports (and the files staged for them) stay within MAX_PATH in a folder as deep as batch takes."""
    from xlperf.batch import job as job_module

    out = folder_of(tmp_path, 180)
    staged: list[str] = []
    real = job_module._staged

    def spy(staging: Path, final_name: str) -> Path:
        p = real(staging, final_name)
        staged.append(str(p))
        return p

    monkeypatch.setattr(job_module, "_staged", spy)
    run_batch([awkward], out, formats="docx", jobs=1)
    written = [p.name for p in out.glob("*.docx")]
    assert len(written) == len(STEMS) + 1
    assert_windows_names(written, out)
    assert any("…" in n for n in written)
    # a staged docx, and the PDF a chunk's work folder ("pdf-<pid>-<8>/") would hold, fit too
    assert staged and max(utf16_units(s) + len("pdf-1234567890-abcdef12/") for s in staged) <= 259


def test_batch_refuses_a_folder_too_deep_for_its_files(awkward: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlperf.cli import cli

    out = folder_of(tmp_path, 215)
    res = CliRunner().invoke(cli, ["batch", str(awkward), "-o", str(out)])
    assert res.exit_code == 3 and "路径太长" in res.output and "Traceback" not in res.output, res.output
    assert not out.exists() or not any(out.iterdir())


# --- import and report ------------------------------------------------------------------------------


def test_import_names_from_project_names_are_windows_names(tmp_path: Path) -> None:
    from tests.forms import fixtures as F
    from xlperf.api import import_forms

    forms = []
    for name in ["CON", "a/b:c*?<>|", "项目名称\n第二行 . .", "𠮷✅"]:
        f = F.national()
        f.rows[2][1] = name  # 项目名称
        forms.append((f"附件 {name}", f))
    doc = F.docx_with_annexes(tmp_path / "部门整体.docx", forms)
    out = tmp_path / "导入"
    out.mkdir()
    results = import_forms(doc, out)
    assert [r.error for r in results] == [""] * 4
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4
    assert_windows_names(names, out)
    assert any("a／b：c＊？＜＞｜" in n for n in names) and any("𠮷✅" in n for n in names)


def test_import_of_a_folder_keeps_names_differing_in_case_apart(tmp_path: Path) -> None:
    from tests.forms import fixtures as F
    from xlperf.api import import_forms

    folder = tmp_path / "收到的表"
    folder.mkdir()
    F.national().xlsx(folder / "ABC.xlsx")
    F.national().xlsx(folder / "abc.xlsx")  # one file on Windows: the second import must not replace the first
    results = import_forms(folder)
    outputs = sorted(r.output.name for r in results)
    assert outputs == ["ABC-导入.xlsx", "abc-2-导入.xlsx"]
    assert_windows_names(outputs)


@pytest.mark.parametrize("stem", ["CON", "nul.备份", "报告" * 60])
def test_a_report_beside_its_workbook_gets_a_windows_name(tmp_path: Path, stem: str) -> None:
    from xlperf.report.job import default_output

    folder = folder_of(tmp_path, 120)
    for fmt in ("docx", "pdf", "md", "html", "xlsx"):
        target = default_output(folder / f"{stem}.xlsx", fmt)
        assert target.parent == folder and target.suffix == f".{fmt}"
        assert_windows_name(target.name, folder)
        assert "-自评" in target.name


def test_ordinary_names_are_unchanged(tmp_path: Path) -> None:
    from xlperf.report.job import default_output

    assert default_output(tmp_path / "2025自评.xlsx", "docx") == tmp_path / "2025自评-自评报告.docx"
    assert output_bases([tmp_path / "县医保局" / "自评表.xlsx"], tmp_path) == {tmp_path / "县医保局" / "自评表.xlsx": "自评表-自评报告"}
    assert os.sep not in "".join(output_bases([Path("/a/b.xlsx")]).values())
