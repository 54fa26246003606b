"""xlperf.ooxml.inspect: what is not a workbook we can read is refused, in Chinese, before anything is inflated."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.ooxml.books import _zip, parts, simple_book
from tests.richbook import DATA_SHEET, OTHER_SHEET, build_ole
from xlperf import ooxml as xlsx
from xlperf.core.errors import InputError
from xlperf.ooxml import XlsxPatcher, read_grids
from xlperf.ooxml.package import PartReader


# --- check_workbook_file --------------------------------------------------------------------------


def _encrypted(path: Path, tmp: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    src = simple_book(tmp / "plain.xlsx", A1=1)
    with open(src, "rb") as f, open(path, "wb") as out:
        OOXMLFile(f).encrypt("1234", out)
    return path


def _with_shared_strings(path: Path, tmp: Path, sst: bytes) -> Path:
    src = simple_book(tmp / "base.xlsx", A1=1)
    files = parts(src)
    files["xl/sharedStrings.xml"] = sst
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return _zip(path, files)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol3;</t></si></sst>"
)


def make_bad(kind: str, tmp: Path) -> Path:
    p = tmp / f"坏-{kind}.xlsx"
    if kind == "missing":
        return p
    if kind == "folder":
        p.mkdir()
        return p
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "text":
        p.write_text("不是工作簿\n只是一段文字。\n", encoding="utf-8")
    elif kind == "csv":
        p.write_text("指标,分值,目标值\n数量指标,10,100\n质量指标,20,95%\n", encoding="gbk")
    elif kind == "html":
        p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    elif kind == "truncated":
        good = simple_book(tmp / "good.xlsx", A1=1).read_bytes()
        p.write_bytes(good[: len(good) // 2])
    elif kind == "not_workbook":
        _zip(p, {"readme.txt": b"hello"})
    elif kind == "docx":
        _zip(p, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    elif kind == "xls":
        p.write_bytes(build_ole({"Workbook": b"\x09\x08" + b"\0" * 5000}))
    elif kind == "encrypted":
        _encrypted(p, tmp)
    elif kind == "xlsb":
        _zip(p, {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0" * 10})
    elif kind == "ods":
        _zip(p, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    elif kind == "doctype":
        _with_shared_strings(p, tmp, LAUGHS)
    elif kind == "doctype_after_comment":
        _with_shared_strings(p, tmp, b"<!-- <sst> -->" + LAUGHS[LAUGHS.index(b"<!DOCTYPE") :])
    elif kind == "bomb":
        good = parts(simple_book(tmp / "good.xlsx", A1=1))
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in good.items():
                z.writestr(n, d)
            zi = zipfile.ZipInfo("xl/media/zeros.bin")
            zi.compress_type = zipfile.ZIP_DEFLATED
            with z.open(zi, "w", force_zip64=True) as f:
                chunk = b"\0" * (4 << 20)
                for _ in range(75):  # 300 MB of zeros, ~300 KB compressed
                    f.write(chunk)
    else:
        raise AssertionError(kind)
    return p


BAD_CASES = {
    "missing": ("X002", "不存在"),
    "folder": ("X002", "文件夹"),
    "empty": ("X003", "空"),
    "text": ("X004", "文本"),
    "csv": ("X005", "CSV"),
    "html": ("X004", "HTML"),
    "truncated": ("X006", "损坏"),
    "not_workbook": ("X007", "不是 Excel 工作簿"),
    "docx": ("X007", "Word"),
    "xls": ("X009", "另存为"),
    "encrypted": ("X010", "用密码进行加密"),
    "xlsb": ("X008", ".xlsb"),
    "ods": ("X014", ".ods"),
    "doctype": ("X012", "DOCTYPE"),
    "doctype_after_comment": ("X012", "DOCTYPE"),
    "bomb": ("X011", "过大"),
}


@pytest.mark.parametrize("kind", list(BAD_CASES))
def test_bad_files(kind: str, tmp_path: Path, monkeypatch) -> None:
    path = make_bad(kind, tmp_path)
    code, words = BAD_CASES[kind]
    inflated: list[int] = []
    real = PartReader.iter_chunks

    def counted(self, name, *args, **kwargs):  # every part is inflated through here
        for chunk in real(self, name, *args, **kwargs):
            inflated.append(len(chunk))
            yield chunk

    monkeypatch.setattr(PartReader, "iter_chunks", counted)
    for call in (xlsx.check_workbook_file, read_grids, XlsxPatcher, xlsx.sheet_names):
        with pytest.raises(InputError) as ei:
            call(path)
        assert ei.value.code == code, (call, str(ei.value))
        assert path.name in str(ei.value) and words in str(ei.value)
        assert re.search(r"[\u4e00-\u9fff]", ei.value.message)
    assert sum(inflated) < 1 << 20  # refused without inflating (how long: benchmarks/bench_hostile.py zip_bomb)


def test_old_xls_detected_without_olefile(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "olefile", None)  # import fails: sniff the bytes
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(make_bad("xls", tmp_path))
    assert ei.value.code == "X009"
    with pytest.raises(InputError) as ei:
        xlsx.check_workbook_file(make_bad("encrypted", tmp_path))
    assert ei.value.code == "X010"


def test_good_macro_workbook_passes(rich: Path) -> None:
    xlsx.check_workbook_file(rich)  # .xlsm with vbaProject, customUI, VML: fine
    assert xlsx.sheet_names(rich) == [DATA_SHEET, OTHER_SHEET]
