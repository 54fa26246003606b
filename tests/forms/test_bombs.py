""".docx, .ods and .xls get the limits .xlsx has: a decompression, entity or rows × columns bomb
(tests/hostile/bombs.py) is refused by every command that opens forms, with a Chinese message
naming the file and what is wrong, a non-zero exit and flat memory; and the guards' model of
what calamine would build agrees with what calamine builds, so ordinary files are not refused.

Times are in benchmarks/bench_bombs.py (no wall-clock asserts here).
"""

from __future__ import annotations

import io
import re
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import bombs
from xlperf.cli import cli
from xlperf.core.errors import EXIT_UNUSABLE, InputError
from xlperf.forms import guard
from xlperf.ooxml.package import MAX_GRID_CELLS

ROOT = Path(__file__).resolve().parents[2]

# what the message must say, per bomb (the file's name is checked separately)
EXPECTED = {
    "docx_text": r"解压后过大或压缩比异常（word/document\.xml 解压后 1536 MB）",
    "docx_text_lying": r"解压后过大或压缩比异常（word/document\.xml 超过 100 MB）",
    "docx_elements": r"文档内容过多（word/document\.xml 超过 50 万个 XML 元素）",
    "docx_entities": r"word/document\.xml 含有 DOCTYPE/ENTITY 声明.*已拒绝处理",
    "docx_table": r"第 1 张表格过大（至少 \d+ 行 × 4000 列.*400 万个单元格）",
    "ods_text": r"解压后过大或压缩比异常（content\.xml 解压后 1536 MB）",
    "ods_repeated": r"工作表“Sheet1”的使用区域过大（100000 行 × 500 列，超过 400 万个单元格）",
    "ods_entities": r"content\.xml 含有 DOCTYPE/ENTITY 声明.*已拒绝处理",
    "xls_far_cell": r"工作表“Sheet1”的使用区域过大（65536 行 × 256 列，超过 400 万个单元格）",
    "xls_wide_cell": r"工作表“Sheet1”的声明范围异常（至第 60001 行、第 65535 列",
    "xls_declared": r"工作表“Sheet1”的声明范围异常（至第 4294967295 行",
    "xls_stream": r"工作簿数据声明为 4294963200 字节，大于文件本身",
}


def test_every_bomb_has_an_expectation() -> None:
    assert set(EXPECTED) == set(bombs.BOMBS)
    assert {suffix for suffix, _ in bombs.BOMBS.values()} == {".docx", ".ods", ".xls"}


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {name: bombs.build(name, folder) for name in bombs.BOMBS}


def test_bombs_are_small_on_disk_and_large_inside(bomb_files: dict[str, Path]) -> None:
    for name, path in bomb_files.items():
        assert path.stat().st_size < 5 << 20, name
    with zipfile.ZipFile(bomb_files["docx_text"]) as z:
        assert z.getinfo("word/document.xml").file_size > 1 << 30
    with zipfile.ZipFile(bomb_files["docx_text_lying"]) as z:
        assert z.getinfo("word/document.xml").file_size == 4096  # the zip lies


COMMANDS = {
    "check": lambda p, out: ["check", p],
    "import --list": lambda p, out: ["import", "--list", p],
    "import": lambda p, out: ["import", p, "-o", out],
    "report": lambda p, out: ["report", p, "-o", out / "报告.docx"],
    "new --from": lambda p, out: ["new", out / "新表.xlsx", "--from", p],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(bombs.BOMBS))
def test_every_command_refuses_the_bomb(bomb_files: dict[str, Path], name: str, command: str, tmp_path: Path) -> None:
    path = bomb_files[name]
    result = CliRunner().invoke(cli, [str(a) for a in COMMANDS[command](path, tmp_path)])
    assert result.exit_code == EXIT_UNUSABLE, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert path.name in result.output
    assert re.search(EXPECTED[name], result.output), result.output
    assert not [p for p in tmp_path.iterdir()], "nothing is written for a refused file"


def test_batch_never_reads_a_bomb_as_a_workbook(bomb_files: dict[str, Path], tmp_path: Path) -> None:
    src = tmp_path / "收件"
    src.mkdir()
    for path in bomb_files.values():
        os.link(path, src / path.name)
    result = CliRunner().invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    assert "Traceback" not in result.output
    assert "成功 0" in result.output


# The reading alone, in a fresh process limited to 3 GB of address space (a bomb that got through
# ends there as a failed allocation, not by exhausting the machine): refused, and the process's
# peak resident memory stays that of a small file. Before these guards docx_text peaked at 3.1 GB,
# ods_text at 4.6 GB, ods_repeated at 5.4 GB, docx_table at 670 MB, xls_far_cell at 1.3 GB, and
# the two .xls with absurd dimensions aborted the process.
PEAK = (
    "import sys\n"
    "from xlperf.forms.sources import open_tables\n"
    "from xlperf.core.errors import InputError\n"
    "try:\n    open_tables(sys.argv[1])\n    print('READ')\n"
    "except InputError as exc:\n    print('REFUSED', exc.code)\n"
    # the peak of this process's own memory: ru_maxrss would also count the parent's at the fork
    "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))\n"
)
PEAK_LIMIT_MB = 300


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc (Linux)")
@pytest.mark.parametrize("name", list(bombs.BOMBS))
def test_bomb_is_refused_with_flat_memory(bomb_files: dict[str, Path], name: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", PEAK, str(bomb_files[name])], capture_output=True, text=True, env=env, preexec_fn=_limit_address_space, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    verdict, peak_kb = proc.stdout.split("\n")[0], int(proc.stdout.split()[-1])
    assert verdict.startswith("REFUSED"), proc.stdout
    assert peak_kb < PEAK_LIMIT_MB * 1024, f"{name}: peak {peak_kb // 1024} MB"


# --- the model agrees with calamine -----------------------------------------------------------


def _calamine_size(data: bytes) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    total = 0
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        total += len(rows) * max((len(r) for r in rows), default=0)
    return total


_ODS_CELL = st.one_of(
    st.tuples(st.just("empty"), st.integers(1, 40)),  # <table:table-cell table:number-columns-repeated="n"/>
    st.tuples(st.just("bare"), st.integers(1, 3)),  # <table:table-cell/>
    st.tuples(st.just("value"), st.integers(1, 6)),
    st.tuples(st.just("text"), st.integers(1, 3)),
    st.tuples(st.just("covered"), st.integers(1, 3)),
    st.tuples(st.just("merged"), st.integers(2, 3)),  # a value spanning n columns, then its covered cells
)
_ODS_ROW = st.tuples(st.integers(1, 30), st.lists(_ODS_CELL, max_size=6))
_ODS_SHEET = st.lists(_ODS_ROW, max_size=8)


def _ods_row(repeat: int, cells: list[tuple[str, int]]) -> str:
    out = []
    for kind, n in cells:
        rep = f' table:number-columns-repeated="{n}"' if n > 1 else ""
        if kind == "empty":
            out.append(f'<table:table-cell table:style-name="ce1"{rep}/>')
        elif kind == "bare":
            out.append("<table:table-cell/>" * n)
        elif kind == "merged":
            out.append(f'<table:table-cell table:number-columns-spanned="{n}" office:value-type="string"><text:p>并</text:p></table:table-cell>')
            out.append(f'<table:covered-table-cell table:number-columns-repeated="{n - 1}"/>')
        elif kind == "value":
            out.append(f'<table:table-cell office:value-type="float" office:value="2"{rep}><text:p>2</text:p></table:table-cell>')
        elif kind == "text":
            out.append(f'<table:table-cell office:value-type="string"{rep}><text:p>指标</text:p></table:table-cell>')
        else:
            out.append(f"<table:covered-table-cell{rep}/>")
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{''.join(out)}</table:table-row>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets=st.lists(_ODS_SHEET, min_size=1, max_size=3))
def test_ods_extent_is_what_calamine_builds(sheets, tmp_path: Path) -> None:
    """Random rows of values, strings, empty, merged and covered cells, each repeated: the cells
    the guard counts are exactly those python-calamine returns (A1 to the last value, every
    sheet), and the copy without the rows' trailing empty cells reads the same values and merges."""
    tables = "".join(
        f'<table:table table:name="表{k}">{"".join(_ods_row(r, cells) for r, cells in sheet)}</table:table>' for k, sheet in enumerate(sheets)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {bombs.ODS_NS}><office:body><office:spreadsheet>'
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    ).encode()
    path = bombs._ods(tmp_path / "t.ods", content)
    assert guard.ods_extent(path, content) == _calamine_size(path.read_bytes())
    trimmed = guard.check_ods(path, path.read_bytes())
    assert _calamine_read(trimmed) == _calamine_read(path.read_bytes())


def _calamine_read(data: bytes) -> list:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        out.append((name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 40), st.floats(-1e6, 1e6)), max_size=20))
def test_xls_extent_is_what_calamine_builds(cells, tmp_path: Path) -> None:
    path = bombs.xls(tmp_path / "t.xls", cells)
    stream = bombs.biff8(cells)
    assert guard.xls_extent(path, stream) == _calamine_size(path.read_bytes())


def test_ods_limit_is_the_xlsx_one(tmp_path: Path) -> None:
    """The largest sheet allowed reads; one row more is refused (rows × columns, values only)."""
    cols = 1000
    rows = MAX_GRID_CELLS // cols
    row = lambda n: bombs._ods_content(  # noqa: E731
        f'<table:table-row table:number-rows-repeated="{n}"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="{cols}"><text:p>1</text:p></table:table-cell></table:table-row>'
    ).encode()
    assert guard.ods_extent(tmp_path / "a.ods", row(rows)) == rows * cols
    with pytest.raises(InputError, match="使用区域过大"):
        guard.ods_extent(tmp_path / "a.ods", row(rows + 1))


def test_libreoffice_trailing_cells_are_not_a_bomb(tmp_path: Path) -> None:
    """LibreOffice ends each row with an empty cell repeated to column XFD and the sheet with the
    remaining million rows: 2 000 rows write 33 million cells, none a value. They are taken out
    before calamine reads the sheet, so it reads, and reads the same."""
    rows = "".join(
        f'<table:table-row table:style-name="ro1"><table:table-cell office:value-type="string"><text:p>指标{k}</text:p></table:table-cell>'
        '<table:table-cell table:style-name="ce2" table:number-columns-repeated="3"/><table:table-cell table:number-columns-repeated="16380"/></table:table-row>'
        for k in range(2000)
    )
    tail = '<table:table-row table:number-rows-repeated="1046576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    content = bombs._ods_content(rows + tail).encode()
    path = bombs._ods(tmp_path / "lo.ods", content)
    with pytest.raises(InputError, match="行列数过大"):
        guard.ods_extent(path, content)  # as written: over the limit
    from xlperf.forms.sources import open_tables

    (table,) = open_tables(path)
    assert len(table.grid) == 2000 and table.grid[-1] == ["指标1999"]


def test_a_long_word_table_still_reads(tmp_path: Path) -> None:
    """A report's annex of 3 000 rows × 8 columns (24 000 cells) is far from the limit."""
    row = "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{k}</w:t></w:r></w:p></w:tc>" for k in range(8)) + "</w:tr>"
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{bombs.W_NS}"><w:body><w:tbl>{row * 3000}</w:tbl></w:body></w:document>'
    from xlperf.forms.sources import open_tables

    (table,) = open_tables(bombs._docx(tmp_path / "长表.docx", doc.encode()))
    assert len(table.grid) == 3000 and table.grid[-1][-1] == "7"


@pytest.mark.parametrize("name", ["docx_text", "docx_text_lying", "docx_entities"])
def test_a_bomb_as_report_template_is_refused(bomb_files: dict[str, Path], name: str, tmp_path: Path) -> None:
    """``report --template`` opens a user's .docx too (docxtpl loads every part whole): the same guards."""
    from tests.forms import fixtures as F

    form = F.national().xlsx(tmp_path / "表.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(cli, ["report", str(form), "--template", str(bomb_files[name]), "-o", str(out / "报告.docx")])
    assert result.exit_code == EXIT_UNUSABLE, (result.output, result.exception)
    assert bomb_files[name].name in result.output and re.search(EXPECTED[name], result.output), result.output
    assert not list(out.iterdir())


@settings(max_examples=100, deadline=None)
@given(xml=st.text(alphabet="</>w:p ", max_size=60), cuts=st.lists(st.integers(0, 60), max_size=6))
def test_word_elements_are_counted_the_same_in_any_chunks(xml: str, cuts: list[int]) -> None:
    from xlperf.forms.docx_tables import _ElementCount

    data = xml.encode()
    bounds = sorted({0, len(data), *(min(c, len(data)) for c in cuts)})
    counter = _ElementCount(Path("x.docx"), "word/document.xml")
    for a, b in zip(bounds, bounds[1:]):
        counter(data[a:b])
    assert counter.count == data.count(b"<") - data.count(b"</")
