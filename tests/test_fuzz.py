"""The workbook reader never crashes and never hangs: regressions found by fuzzing, and the fuzzer.

Every input must end in an Evaluation or a clean :class:`xlperf.core.errors.XlperfError`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.surgery import Surgery
from tests.sampling import sample
from xlperf import ooxml as xlsx
from xlperf.api import check_file
from xlperf.core.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def goumai(example_books) -> Path:
    return example_books["goumai"]


# --- the fuzzer ------------------------------------------------------------------------------------------------

FUZZ_SEED = os.environ.get("XLPERF_FUZZ_SEED", "xlperf-1")
# cases 0..299 of the same seed by default, all 3000 when XLPERF_FULL_TESTS=1 (every mutation kind
# is drawn in the first 300: test_the_default_sample_draws_every_mutation_kind)
FUZZ_CASES = int(os.environ.get("XLPERF_FUZZ_CASES") or sample(300, 3000))


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="signal.alarm and fork")
def test_mutated_workbooks_end_in_an_evaluation_or_a_clean_error(tmp_path: Path) -> None:
    """Hundreds (by default) or a few thousand (XLPERF_FULL_TESTS=1) mutants of real workbooks through check_file, every 7th usable one also through
    calc_file to another file (whose output must open again). Deterministic: case i of seed s is
    always the same file (tests.hostile.fuzz.mutant). Reproduce a finding with
    ``mutant(seeds, FUZZ_SEED, i)``; run more with XLPERF_FUZZ_SEED / XLPERF_FUZZ_CASES."""
    from tests.hostile import fuzz

    seeds = fuzz.seed_workbooks(tmp_path / "seeds")
    t0 = time.monotonic()
    report = fuzz.run(seeds, FUZZ_SEED, FUZZ_CASES, tmp_path / "work", workers=2, calc_every=7, timeout=10, total_timeout=600)
    elapsed = time.monotonic() - t0
    print(f"fuzz: {report.cases} cases in {elapsed:.1f}s: {report.evaluations} evaluations, "
          f"{report.clean_errors} clean errors, {report.calcs} calc runs")
    assert not report.findings, "\n\n".join(map(str, report.findings[:10]))
    assert report.cases == FUZZ_CASES
    assert report.evaluations > FUZZ_CASES // 5 and report.clean_errors > FUZZ_CASES // 5  # both paths exercised
    assert report.calcs >= FUZZ_CASES // 20


# every class of mutant: (class, pattern in its description)
MUTANT_CLASSES = [
    ("bit flips", r"^flip \d+ bits$"),
    ("truncation", r"^truncate at \d+$"),
    ("dropped part", r"^drop "),
    ("duplicated part", r"^duplicate \S+$"),
    ("part under another name", r"content under the name"),
    ("one XML edit", r"^[^;]+: "),
    ("three XML edits", r"^[^;]+: .*; .*; "),
    ("element deleted", r": delete <"),
    ("element duplicated", r": duplicate <"),
    ("element moved", r": move <"),
    ("attribute value", r": attr <"),
    ("text value", r": text <"),
    ("cell type", r': t="'),
    ("invalid UTF-8", r": invalid UTF-8"),
    ("control character", r": control character"),
    ("prefixed namespace", r": prefixed namespace"),
    ("cut XML", r": cut"),
]


def test_the_default_sample_draws_every_mutation_kind(tmp_path: Path) -> None:
    """The default run's first cases cover every mutation, every XML edit and every seed workbook:
    the full run only repeats them (the sample keeps the classes, not the count)."""
    import re

    from tests.hostile import fuzz

    seeds = {name: p.read_bytes() for name, p in fuzz.seed_workbooks(tmp_path / "seeds").items()}
    drawn = [fuzz.mutant(seeds, FUZZ_SEED, i) for i in range(sample(300, 3000))]
    assert {name for name, _, _ in drawn} == set(seeds)
    missing = [c for c, pattern in MUTANT_CLASSES if not any(re.search(pattern, what) for _, what, _ in drawn)]
    assert not missing, missing


def test_mutants_are_deterministic(goumai: Path) -> None:
    from tests.hostile import fuzz

    seeds = {"a": goumai.read_bytes()}
    assert [fuzz.mutant(seeds, "s", i) for i in range(30)] == [fuzz.mutant(seeds, "s", i) for i in range(30)]
    assert len({fuzz.mutant(seeds, "s", i)[2] for i in range(30)}) >= 25


# --- regressions ---------------------------------------------------------------------------------------------


READ_FAR = """
import sys
from xlperf.ooxml import read_grids
from xlperf.api import check_file
names, grids = read_grids(sys.argv[1])
print(max(len(g) for g in grids.values()), max(len(r) for g in grids.values() for r in g))
print(check_file(sys.argv[1]).total_score)
"""


@pytest.mark.parametrize("ref", ["XFD1048576", "Z1048576", "IW5"])
def test_a_stray_value_far_away_does_not_kill_the_process(goumai: Path, tmp_path: Path, ref: str) -> None:
    """calamine allocates rows x columns of the used range and aborts the process when that fails."""
    s = Surgery(goumai)
    s.set("绩效指标", ref, "x")
    s.set("说明", "XFD1", 1)
    p = s.save(tmp_path / "far.xlsx")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # timeout: a hang guard; how long it takes is benchmarks/bench_hostile.py's far_away_cell
    proc = subprocess.run([sys.executable, "-c", READ_FAR, str(p)], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows, cols = map(int, proc.stdout.split()[:2])
    assert rows * cols <= xlsx.MAX_GRID_CELLS
    assert proc.stdout.split()[2] == "84.31"


def test_a_far_value_within_the_limit_is_read(tmp_path: Path) -> None:
    s = Surgery(_simple(tmp_path))
    s.set("表", "A200000", "末行")
    p = s.save(tmp_path / "tall.xlsx")
    grid = xlsx.read_grids(p)[1]["表"]
    assert len(grid) == 200000 and grid[-1][0] == "末行"


def test_pdf_is_named_a_pdf(tmp_path: Path) -> None:
    """A real PDF's second line is binary; it decoded as GB18030 text and was called a text file."""
    p = tmp_path / "报告.xlsx"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\nendobj\n")
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(p)
    assert "这是 PDF 文件" in str(ei.value)


def _simple(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.active["A1"] = 1
    p = tmp_path / "simple.xlsx"
    wb.save(p)
    return p


def test_a_real_docx_is_named_a_word_document(tmp_path: Path) -> None:
    """A real .docx names its main part in _rels/.rels; it was parsed as a workbook with no sheets."""
    import docx

    p = tmp_path / "自评报告.docx"
    d = docx.Document()
    d.add_paragraph("自评报告")
    d.save(p)
    renamed = p.rename(tmp_path / "自评表.xlsx")
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(renamed)
    assert "这是 Word 文档" in str(ei.value) and ei.value.code == "X007"


@pytest.mark.parametrize("damage", ["cut", "bad_byte", "unclosed"])
def test_a_sheet_whose_xml_is_broken_is_refused_by_every_reader(goumai: Path, tmp_path: Path, damage: str) -> None:
    """calamine read what it could of a cut-off sheet: check said 'no problems', calc said 'damaged'."""
    from tests.hostile.surgery import read_parts, write_parts

    parts = read_parts(goumai)
    xml = parts["xl/worksheets/sheet4.xml"]
    if damage == "cut":
        xml = xml[:-300]
    elif damage == "bad_byte":
        assert b"<v>10</v>" in xml
        xml = xml.replace(b"<v>10</v>", b"<v>1\xff</v>", 1)  # invalid UTF-8
    else:
        xml = xml.replace(b"</row>", b"", 1)
    parts["xl/worksheets/sheet4.xml"] = xml
    p = write_parts(tmp_path / "坏表.xlsx", parts)
    for call in (xlsx.read_grids, check_file):
        with pytest.raises(InputError) as ei:
            call(p)
        assert ei.value.code == "X013" and "工作表“绩效指标”的内容已损坏" in str(ei.value), str(ei.value)
    with pytest.raises(InputError):
        xlsx.XlsxPatcher(p).set_block("绩效指标", 8, 8, [[1]])


def test_broken_shared_strings_are_refused(goumai: Path, tmp_path: Path) -> None:
    from tests.hostile.surgery import NS_MAIN, NS_R

    s = Surgery(goumai)
    s.add_rel("xl/_rels/workbook.xml.rels", "rIdSST", NS_R + "/sharedStrings", "sharedStrings.xml")
    s.parts["xl/sharedStrings.xml"] = f'<sst xmlns="{NS_MAIN}" count="1"><si><t>半截'.encode()
    p = s.save(tmp_path / "坏表.xlsx")
    with pytest.raises(InputError) as ei:
        check_file(p)
    assert ei.value.code == "X013" and "sharedStrings.xml" in str(ei.value)


def test_a_read_only_workbook_is_never_rewritten(goumai: Path, tmp_path: Path) -> None:
    """os.replace swaps a 0444 file as soon as the folder is writable (and root ignores modes):
    calc in place silently rewrote files the user had marked 只读."""
    import shutil
    import stat

    from xlperf.api import calc_file
    from xlperf.core.errors import OutputError

    p = tmp_path / "只读.xlsx"
    shutil.copyfile(goumai, p)
    p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = p.read_bytes()
    with pytest.raises(OutputError) as ei:
        calc_file(p)
    assert ei.value.code == "X107" and "只读" in str(ei.value) and "-o" in str(ei.value)
    assert p.read_bytes() == before and (p.stat().st_mode & 0o777) == 0o444
    out = tmp_path / "另存.xlsx"
    calc_file(p, out)  # -o works
    assert xlsx.read_grids(out)[0] and p.read_bytes() == before
    with pytest.raises(OutputError):
        xlsx.atomic_write_bytes(p, b"x")
    assert p.read_bytes() == before


@pytest.mark.parametrize(
    "edit, words",
    [
        ((b'name="\xe8\xaf\xb4\xe6\x98\x8e"', 'name="绩效指标"'.encode()), "两个名为“绩效指标”"),  # 说明 renamed 绩效指标
        ((b'name="\xe8\xaf\xb4\xe6\x98\x8e"', b'name=" "'), "没有名称"),
        ((b'r:id="rId5"', b'r:id="rId55"'), "工作表“校验结果”没有对应的部件"),
    ],
)
def test_a_sheet_list_excel_would_refuse_is_called_damaged(goumai: Path, tmp_path: Path, edit, words: str) -> None:
    """Fuzz #406: 校验结果 listed without its relationship was skipped; calc then tried to add a
    second 校验结果 and died with ValueError. Duplicate names read the wrong sheet."""
    from tests.hostile.surgery import read_parts, write_parts

    from xlperf.api import calc_file

    parts = read_parts(goumai)
    assert edit[0] in parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(edit[0], edit[1], 1)
    p = write_parts(tmp_path / "坏表.xlsx", parts)
    for call in (check_file, lambda x: calc_file(x, tmp_path / "另存.xlsx")):
        with pytest.raises(InputError) as ei:
            call(p)
        assert ei.value.code == "X006" and words in str(ei.value), str(ei.value)
    assert not (tmp_path / "另存.xlsx").exists()


def test_a_damaged_zip_version_field_is_called_damaged(goumai: Path, tmp_path: Path) -> None:
    """Fuzz #26: one flipped byte in 'version needed to extract' made zipfile raise NotImplementedError."""
    data = bytearray(goumai.read_bytes())
    cd = data.find(b"PK\x01\x02")
    data[cd + 6] = 84  # version 8.4
    p = tmp_path / "坏表.xlsx"
    p.write_bytes(bytes(data))
    with pytest.raises(InputError) as ei:
        check_file(p)
    assert ei.value.code == "X006" and "损坏" in str(ei.value)


def test_a_local_header_offset_before_the_file_start_is_called_damaged(goumai: Path, tmp_path: Path) -> None:
    """Fuzz #1227 (seed F): a flipped bit in a central-directory offset gave a negative seek (ValueError)."""
    import struct

    data = bytearray(goumai.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    cd_offset = struct.unpack("<I", data[eocd + 16 : eocd + 20])[0]
    # shift the whole archive's base: claim the central directory starts later than it does
    data[eocd + 16 : eocd + 20] = struct.pack("<I", cd_offset + 600000)
    p = tmp_path / "坏表.xlsx"
    p.write_bytes(bytes(data))
    with pytest.raises(InputError) as ei:
        check_file(p)
    assert ei.value.code == "X006"


@pytest.mark.parametrize("ref, field", [("A8", "一级指标"), ("B9", "二级指标"), ("D10", "指标方向"), ("预算执行!A2", "资金来源")])
def test_huge_labels_are_cut_like_any_free_text(goumai: Path, tmp_path: Path, ref: str, field: str) -> None:
    """Fuzz #294 (seed J): a 40 000-character 一级指标 went uncut into the summary block and into
    findings; calc then wrote a cell over Excel's 32 767 limit and ended in ValueError."""
    from xlperf.api import calc_file

    sheet, cell = ref.split("!") if "!" in ref else ("绩效指标", ref)
    s = Surgery(goumai)
    s.set(sheet, cell, "超长" * 20000)
    p = s.save(tmp_path / "长.xlsx")
    ev = check_file(p)
    assert any(f.code == "W007" and field in f.message for f in ev.findings)
    calc_file(p, tmp_path / "另存.xlsx")
    names, grids = xlsx.read_grids(tmp_path / "另存.xlsx")
    written = [grids["校验结果"], grids["自评报告"], [r[7:13] for r in grids["绩效指标"][:6]]]  # and the summary block
    assert max(len(v) for g in written for row in g for v in row if isinstance(v, str)) <= 32767


@pytest.mark.parametrize("target, actual", [("2000.00", "1500.00"), ("1900.00", "0.00"), ("2100.50", "2100.50")])
def test_an_amount_typed_with_decimals_is_not_a_year(target: str, actual: str) -> None:
    """Hypothesis (test_positive_score_never_falls_when_the_actual_rises) found target '1900.00':
    text with decimals between 1900 and 2100 was parsed as a year, the ≥ indicator got no score
    (None) and the comparison raised TypeError. A bare '2021' and '2021年' stay years."""
    from xlperf.core.scoring import score_indicator
    from xlperf.core.values import NUMBER, YEAR, parse_value

    assert parse_value(target).kind == NUMBER
    assert score_indicator(10.0, target, actual, "≥").score is not None
    assert parse_value("2021").kind == YEAR and parse_value("2021年").kind == YEAR
