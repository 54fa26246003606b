"""Never lose data: calc keeps every part it does not own, survives being killed mid-write, and two
calc runs on one file never interleave."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.hostile.rich import SHEET, build_rich_self_evaluation
from tests.hostile.surgery import sheet_parts
from xlperf.core import layout
from xlperf import ooxml as xlsx
from xlperf.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def zip_infos(path: Path) -> dict[str, tuple[bytes, int, int, int]]:
    """{part: (content, CRC, compressed size, compression)} in archive order."""
    with zipfile.ZipFile(path) as z:
        return {i.filename: (z.read(i.filename), i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}


def owned_cells(path: Path) -> dict[str, set[str]]:
    """{sheet part: refs} calc writes (values, not KEEP), from the same recalculation calc runs."""
    from xlperf.core.book import KEEP
    from xlperf.workbook.filebook import FileBook
    from xlperf.workbook.recalc import recalculate
    from xlperf.core.refs import col_letter

    book = FileBook(path)
    recalculate(book)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    names = sheet_parts(parts)
    assert not book._added, "this workbook has every sheet calc writes"  # noqa: SLF001
    out: dict[str, set[str]] = {}
    for sheet, row, col, block, _ in book._writes:  # noqa: SLF001
        refs = out.setdefault(names[sheet], set())
        for i, line in enumerate(block):
            for j, v in enumerate(line):
                if v is not KEEP:
                    refs.add(f"{col_letter(col + j)}{row + i}")
    return out


def without_owned(xml: bytes, owned: set[str]) -> bytes:
    """The sheet XML with the owned cells removed (and what their writing legitimately touches:
    row spans, the dimension, rows that only exist to hold owned cells), canonicalised."""
    root = etree.fromstring(xml)
    q = lambda n: f"{{{NS_MAIN}}}{n}"  # noqa: E731
    for row in root.iter(q("row")):
        row.attrib.pop("spans", None)
        for c in list(row):
            if c.tag == q("c") and c.get("r") in owned:
                row.remove(c)
    data = root.find(q("sheetData"))
    for row in list(data):
        if len(row) == 0 and set(row.attrib) == {"r"}:
            data.remove(row)
    dim = root.find(q("dimension"))
    if dim is not None:
        dim.set("ref", "*")
    return etree.tostring(root, method="c14n")


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return build_rich_self_evaluation(tmp_path / "自评表（含宏和按钮）.xlsm")


def excel_calc_pr(path: Path) -> None:
    """Give the workbook the calcPr Excel writes (no fullCalcOnLoad), copying every other part raw."""
    from tests.hostile.surgery import read_parts, write_parts

    parts = read_parts(path)
    parts["xl/workbook.xml"] = re.sub(rb"<calcPr\b[^>]*/>", b'<calcPr calcId="191029" calcMode="auto"/>', parts["xl/workbook.xml"])
    write_parts(path, parts)


def without_calc_pr(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for el in root.findall(f"{{{NS_MAIN}}}calcPr"):
        root.remove(el)
    return etree.tostring(root, method="c14n")


def calc_pr(xml: bytes) -> dict[str, str]:
    (el,) = etree.fromstring(xml).findall(f"{{{NS_MAIN}}}calcPr")
    return dict(el.attrib)


@pytest.mark.parametrize("excel_saved", [False, True])
@pytest.mark.parametrize("in_place", [True, False])
def test_calc_keeps_every_part_it_does_not_own(rich: Path, tmp_path: Path, in_place: bool, excel_saved: bool) -> None:
    if excel_saved:
        excel_calc_pr(rich)
    before = zip_infos(rich)
    owned = owned_cells(rich)
    target = rich if in_place else tmp_path / "另存.xlsm"
    res = CliRunner().invoke(cli, ["calc", str(rich)] + ([] if in_place else ["-o", str(target)]))
    assert res.exit_code == 0, res.output
    after = zip_infos(target)

    # the same parts in the same order, minus calcChain (a computed cell held a formula)
    assert list(after) == [n for n in before if n != "xl/calcChain.xml"]
    changed = {n for n in after if after[n][0] != before[n][0]}
    sheet_changes = {n for n in changed if n.startswith("xl/worksheets/sheet")}
    assert sheet_changes == set(owned), (sheet_changes, set(owned))
    assert changed - sheet_changes <= {"xl/styles.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/workbook.xml"}
    # workbook.xml: only calcPr may differ, asking for a full recalculation on open (kept as it was
    # when it already did); every attribute the workbook had there stays
    wb_before, wb_after = before["xl/workbook.xml"][0], after["xl/workbook.xml"][0]
    assert ("xl/workbook.xml" in changed) == excel_saved
    assert without_calc_pr(wb_after) == without_calc_pr(wb_before)
    assert calc_pr(wb_after) == {**calc_pr(wb_before), "fullCalcOnLoad": "1"}
    # rels and content types changed only by dropping calcChain
    assert after["xl/_rels/workbook.xml.rels"][0] != before["xl/_rels/workbook.xml.rels"][0]
    for part, needle in (("xl/_rels/workbook.xml.rels", b"calcChain"), ("[Content_Types].xml", b"calcChain")):
        assert needle in before[part][0] and needle not in after[part][0]
        strip = lambda x: re.sub(rb"<(Relationship|Override)\b[^>]*calcChain[^>]*/>", b"", x)  # noqa: E731
        assert strip(after[part][0]) == strip(before[part][0])
    # untouched parts are copied raw: same compressed bytes
    for name in set(after) - changed:
        assert after[name][1:] == before[name][1:], name
    # inside each patched sheet, everything but the owned cells is unchanged
    for part, refs in owned.items():
        assert without_owned(after[part][0], refs) == without_owned(before[part][0], refs), part
    sheet_xml = after[sheet_parts({n: v[0] for n, v in after.items() if n.startswith(("xl/workbook.xml", "xl/_rels"))})[SHEET]][0].decode()
    for needle in ("<legacyDrawingHF", "<legacyDrawing ", "<drawing ", "<controls", "x14:dataValidation ", "x14:sparklineGroup ",
                   'mc:Ignorable="x14ac"', 'x14ac:dyDescent="0.25"', "<f>E8*2</f>", "&amp;L&amp;G&amp;C&amp;A"):
        assert needle in sheet_xml, needle
    assert "ns0:" not in sheet_xml and "<f>IFERROR" not in sheet_xml

    # and it still opens, with the computed values in place
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(target, keep_vba=True)
    ws = wb[SHEET]
    assert ws["H8"].value == 1 and ws["K12"].value == 0 and ws["I2"].value == "合计" and ws["I4"].value == 84.31
    assert ws["C8"].comment is not None and ws["N8"].value == "=E8*2"
    assert "指标分值" in wb.defined_names
    names, grids = xlsx.read_grids(target)
    assert grids[layout.SHEET_FINDINGS][0][:4] == list(layout.FINDINGS_HEADERS)
    if not in_place:
        assert zip_infos(rich) == before


# --- killed mid-write -------------------------------------------------------------------------------------------


def _temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(xlsx.TEMP_PREFIX))


def _calc_proc(path: Path, slow: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "xlperf.cli", "calc", str(path)],
        env=dict(ENV, XLPERF_TEST_SLOW_SAVE=str(slow)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _own_temps(folder: Path, pid: int) -> list[Path]:
    return [p for p in _temps(folder) if p.name.startswith(f"{xlsx.TEMP_PREFIX}{pid}-")]


def _poll(what: str, done, proc: subprocess.Popen) -> None:
    """Wait for another process's files to reach a state (polled: no event crosses processes)."""
    deadline = time.monotonic() + 60
    while not done():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_calc_killed_at_any_moment_leaves_the_original(rich: Path) -> None:
    # make it big: a 6 MB incompressible attachment the save has to copy
    with zipfile.ZipFile(rich, "a") as z:
        z.writestr("xl/embeddings/附件.bin", random.Random(7).randbytes(6 << 20), compress_type=zipfile.ZIP_STORED)
    original = rich.read_bytes()
    folder = rich.parent
    killed_mid_write = 0
    pids: list[int] = []
    # the moments: while starting and reading (right away, and after 0.15 s / 0.5 s, whatever it
    # is doing then), the temp file just made, its first bytes written, and halfway (its size has
    # stopped growing: the save pauses there for a minute, so the kill always lands inside)
    sizes: list[int] = []

    def stalled(pid: int) -> bool:
        own = _own_temps(folder, pid)
        sizes.append(own[0].stat().st_size if own else 0)
        return len(sizes) > 20 and sizes[-1] > 0 and len(set(sizes[-20:])) == 1

    plan = [("start", 0.0), ("start", 0.15), ("start", 0.5), ("temp", None), ("bytes", None), ("halfway", None)]
    for when, delay in plan:
        proc = _calc_proc(rich, slow=60.0)
        try:
            if when == "start":
                time.sleep(delay)  # not a wait: a moment to kill at
            elif when == "temp":
                _poll("the save never started", lambda: _own_temps(folder, proc.pid), proc)
            elif when == "bytes":
                _poll("the save wrote nothing", lambda: any(p.stat().st_size for p in _own_temps(folder, proc.pid)), proc)
            else:
                sizes.clear()
                _poll("the save never paused", lambda: stalled(proc.pid), proc)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, (when, delay, proc.returncode)
        assert rich.read_bytes() == original, (when, delay)
        pids.append(proc.pid)
        left = _temps(folder)
        if any(f"{xlsx.TEMP_PREFIX}{proc.pid}-" in p.name for p in left):
            killed_mid_write += 1
        assert all(any(f"{xlsx.TEMP_PREFIX}{pid}-" in p.name for pid in pids) for p in left), left
    assert killed_mid_write >= 3
    # a later run cleans up what the killed ones left, and works
    res = subprocess.run([sys.executable, "-m", "xlperf.cli", "calc", str(rich)], env=ENV, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert _temps(folder) == []
    assert xlsx.read_grids(rich)[1][SHEET][7][7] == 1  # H8
    with zipfile.ZipFile(rich) as z:
        assert z.testzip() is None


# --- two runs at once --------------------------------------------------------------------------------------------


def test_two_calcs_on_one_file_never_interleave(rich: Path) -> None:
    from xlperf.api import check_file

    procs = [_calc_proc(rich, slow=1.5) for _ in range(2)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        outs.append((p.returncode, out.decode("utf-8"), err.decode("utf-8")))
    codes = sorted(c for c, _, _ in outs)
    assert codes in ([0, 0], [0, 3]), outs
    for code, out, err in outs:
        assert "Traceback" not in err
        if code == 3:
            assert "正被另一个 xlperf 进程处理" in err
    with zipfile.ZipFile(rich) as z:
        assert z.testzip() is None
    ev = check_file(rich)
    assert ev.total_score == 84.31
    grid = xlsx.read_grids(rich)[1][SHEET]
    assert grid[7][7] == 1 and grid[3][8] == 84.31  # H8, I4
    assert _temps(rich.parent) == []


def test_calc_waits_for_a_running_calc_then_sees_its_result(rich: Path) -> None:
    """The second run reads the file only after the first has replaced it (the lock covers read + write):
    its temp file never exists beside the first's, though it starts while the first is mid-save."""
    first = _calc_proc(rich, slow=1.0)
    _poll("the first save never started", lambda: _own_temps(rich.parent, first.pid), first)
    second = _calc_proc(rich, slow=0.0)
    seen: list[set[int]] = []  # whose temp files were there, sampled until both runs ended
    deadline = time.monotonic() + 120  # guards against a hang only
    while first.poll() is None or second.poll() is None:
        assert time.monotonic() < deadline, "a calc never ended"
        names = {p.name for p in _temps(rich.parent)}
        seen.append({pid for pid in (first.pid, second.pid) if any(n.startswith(f"{xlsx.TEMP_PREFIX}{pid}-") for n in names)})
        time.sleep(0.002)
    first.wait(timeout=30)
    _, err = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, err.decode()
    assert {first.pid} in seen and {first.pid, second.pid} not in seen
    assert xlsx.read_grids(rich)[1][SHEET][7][7] == 1
