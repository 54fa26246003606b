"""The fast Word path gives the docxtpl path's file byte for byte (apart from zip timestamps)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from tests.batch.test_batch import _workbook
from xlperf import report
from xlperf.batch.job import load_workbook_evaluation, report_sections
from xlperf.report import word, wordpack


def _without_timestamps(data: bytes) -> bytes:
    """The file with the modification time and date of every zip entry zeroed (local headers
    and central directory): what may differ between two renders of the same report."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        start = z.start_dir
    for info in infos:
        assert out[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
        out[info.header_offset + 10 : info.header_offset + 14] = b"\0\0\0\0"
    pos = start
    for _ in infos:
        assert out[pos : pos + 4] == b"PK\x01\x02"
        out[pos + 12 : pos + 16] = b"\0\0\0\0"
        n, m, k = struct.unpack("<HHH", bytes(out[pos + 28 : pos + 34]))
        pos += 46 + n + m + k
    return bytes(out)


def _context(path: Path, style: str | None):
    ev, names, grids = load_workbook_evaluation(path)
    return report.build_context(ev, report_sections(ev, names, grids, style), grids=grids)


@pytest.fixture(scope="module")
def two_workbooks(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("speed")
    a = _workbook(root / "a.xlsx", name="城乡居民医保补助项目", dept="县医疗保障局")
    b = _workbook(
        root / "b.xlsx",
        name="基层医疗<能力>提升 & 改造项目",
        dept="县卫生健康局",
        unit="元",
        budget=(2_000_000, 1_800_000),
        weights_off=True,
        info_extra={"项目概况": "第一段。\n第二段\t含制表符。", "主要经验做法": "加强组织领导；\n完善制度。"},
    )
    return a, b


@pytest.mark.parametrize("style", word.STYLES)
def test_fast_path_equals_docxtpl_for_every_style(style, two_workbooks, tmp_path, monkeypatch):
    monkeypatch.setattr(wordpack, "_SKELETONS", {})  # this test builds and proves the skeletons itself
    first, second = (_context(p, style) for p in two_workbooks)
    data = word.template_bytes(style)
    assert wordpack.skeleton_for(data) is False
    # the first report of a template: written the docxtpl way, then the skeleton is proven on it
    word.render_docx(first, tmp_path / "1.docx")
    assert wordpack.skeleton_for(data), f"{style}: the template did not get a skeleton"
    for n, ctx in enumerate((second, first), start=2):
        fast = tmp_path / f"{n}.docx"
        word.render_docx(ctx, fast)
        slow = word._render_docxtpl(data, ctx, None)
        assert _without_timestamps(fast.read_bytes()) == _without_timestamps(slow)


def test_docx_written_before_and_after_the_skeleton_are_the_same_file(two_workbooks, tmp_path, monkeypatch):
    monkeypatch.setattr(wordpack, "_SKELETONS", {})
    ctx = _context(two_workbooks[1], None)
    word.render_docx(ctx, tmp_path / "docxtpl.docx")  # no skeleton yet: docxtpl
    word.render_docx(ctx, tmp_path / "fast.docx")
    assert _without_timestamps((tmp_path / "docxtpl.docx").read_bytes()) == _without_timestamps((tmp_path / "fast.docx").read_bytes())
    with zipfile.ZipFile(tmp_path / "fast.docx") as z:
        assert z.testzip() is None
        assert "基层医疗&lt;能力&gt;提升 &amp; 改造项目" in z.read("word/document.xml").decode("utf-8")


def test_a_skeleton_that_does_not_prove_itself_leaves_docxtpl_in_charge(two_workbooks, tmp_path, monkeypatch):
    monkeypatch.setattr(wordpack, "_SKELETONS", {})
    monkeypatch.setattr(wordpack, "same_package", lambda a, b: False)
    fast_calls = []
    real_fast = word._render_fast
    monkeypatch.setattr(word, "_render_fast", lambda sk, ctx: fast_calls.append(1) or real_fast(sk, ctx))
    ctx = _context(two_workbooks[0], "四川")
    data = word.template_bytes("四川")
    word.render_docx(ctx, tmp_path / "1.docx")
    assert wordpack.skeleton_for(data) is None
    calls = len(fast_calls)
    word.render_docx(ctx, tmp_path / "2.docx")
    assert len(fast_calls) == calls  # no second try: docxtpl for the life of the process
    assert _without_timestamps((tmp_path / "2.docx").read_bytes()) == _without_timestamps(word._render_docxtpl(data, ctx, None))


def test_timestamp_masking_sees_a_changed_byte(two_workbooks, tmp_path):
    ctx = _context(two_workbooks[0], None)
    word.render_docx(ctx, tmp_path / "a.docx")
    data = (tmp_path / "a.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
    changed = bytearray(data)
    changed[info.header_offset + 40 + len(info.filename)] ^= 1  # inside the compressed body
    assert _without_timestamps(bytes(changed)) != _without_timestamps(data)
