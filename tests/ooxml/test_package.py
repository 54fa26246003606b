"""xlperf.ooxml.package: parts are inflated under a hard cap and verified against their checksums."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.ooxml.books import _zip, parts, simple_book
from xlperf import ooxml as xlsx
from xlperf.core.errors import InputError
from xlperf.ooxml import read_grids


# --- capped reads ---------------------------------------------------------------------------------


def test_lying_declared_size_is_capped(tmp_path: Path, monkeypatch) -> None:
    """A part whose central-directory size is small but whose data inflates past the limit."""
    src = simple_book(tmp_path / "t.xlsx", A1=1)
    files = parts(src)
    big = files["xl/worksheets/sheet1.xml"].replace(b"</worksheet>", b"<!--" + b" " * (3 << 20) + b"--></worksheet>")
    files["xl/worksheets/sheet1.xml"] = big
    path = _zip(tmp_path / "lie.xlsx", files)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # rewrite the declared uncompressed size (local header and central directory) to 1000
    fake = (1000).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = fake
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        nlen = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + nlen] == b"xl/worksheets/sheet1.xml":
            data[pos + 24 : pos + 28] = fake
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    monkeypatch.setattr("xlperf.ooxml.package.MAX_PART_UNCOMPRESSED", 1 << 20)
    monkeypatch.setattr("xlperf.ooxml.inspect.MAX_PART_UNCOMPRESSED", 1 << 20)
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(path)
    assert ei.value.code == "X011"


def test_a_part_with_a_wrong_checksum_is_refused_though_it_is_not_read(tmp_path: Path) -> None:
    """A part is inflated once and kept when it verifies; one that does not is still refused
    where it was, even in a sheet left out of the read."""
    from xlperf.workbook.examples import build_example

    src = tmp_path / "例.xlsx"
    build_example(src, "盐边残疾人医保")
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.compress_size > 1100)
        names = read_grids(src)[0]
    at = data.index(b"PK\x01\x02", 0)
    while data[at + 46 : at + 46 + len(info.filename.encode())] != info.filename.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 16 : at + 20] = (info.CRC ^ 1).to_bytes(4, "little")
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="校验失败"):
        read_grids(bad, exclude=names)
