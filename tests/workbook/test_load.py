"""The one loader: every route that reads a file (check, report, batch, an open book) reads it
the same way, and every report format is written by the one writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xlperf.api import check_file
from xlperf.core.book import RecordingBook
from xlperf.core.errors import InputError
from xlperf.workbook.filebook import FileBook
from xlperf.workbook.load import Kind, NotTemplate, load, load_book

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("临汾购买服务", "临汾六类人群", "盐边残疾人医保")


def example_path(name: str) -> Path:
    return ROOT / "workbooks" / f"示例-{name}.xlsx"
STYLES = ("通用", "四川", "山西", "陕西", "湖南")


def _same(a, b) -> None:
    assert a.total_score == b.total_score and a.grade_text == b.grade_text and a.final == b.final
    assert [(r.indicator.row, r.score, r.completion) for r in a.indicators] == [(r.indicator.row, r.score, r.completion) for r in b.indicators]
    assert a.findings == b.findings


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> list[Path]:
    """Each example as the official form of each style: a unit's own one-sheet .xlsx."""
    from xlperf.report.job import render_report

    root = tmp_path_factory.mktemp("forms")
    return [render_report(example_path(e), root / f"{e}-{s}.xlsx", style=s).output for e in EXAMPLES for s in STYLES]


@pytest.mark.parametrize("example", EXAMPLES)
def test_our_workbook_reads_alike_from_a_path_an_open_book_and_without_the_unread_sheets(example):
    from xlperf.batch.job import UNREAD_SHEETS

    path = example_path(example)
    whole = load(path)
    assert whole.kind is Kind.TEMPLATE and whole.path == path and whole.table is None
    assert set(whole.grids) == set(whole.names)  # a report gets every sheet
    fast = load(path, unread=UNREAD_SHEETS)
    assert fast.names == whole.names and not set(UNREAD_SHEETS) & set(fast.grids)
    opened = load_book(FileBook(path))
    assert set(opened.grids) <= set(whole.grids)  # an open book: only what scoring reads
    for other in (fast, opened, load_book(RecordingBook(whole.grids, name=path.name))):
        _same(whole.evaluation, other.evaluation)
    _same(whole.evaluation, check_file(path))


def test_a_units_form_is_read_by_the_form_reader_and_refused_by_an_open_book(forms):
    for path in forms:
        got = load(path)
        assert got.kind is Kind.FORM and got.table is not None and got.names == [got.table.name]
        assert list(got.grids) == got.names
        _same(got.evaluation, check_file(path))
        with pytest.raises(NotTemplate):
            load_book(FileBook(path))
        with pytest.raises(NotTemplate):  # what batch skips does not hide a form
            load_book(FileBook(path), every_sheet=True)
        _same(load(path, unread=("说明", "校验结果", "_lists")).evaluation, got.evaluation)


def test_a_folder_and_a_missing_file_are_refused_in_chinese(tmp_path):
    with pytest.raises(InputError, match="文件夹"):
        load(tmp_path)
    with pytest.raises(InputError, match="不存在"):
        load(tmp_path / "无.xlsx")


def test_calc_refuses_a_form_through_the_loader(forms, tmp_path):
    from xlperf.api import calc_file

    p = shutil.copy(forms[0], tmp_path / "表.xlsx")
    before = Path(p).read_bytes()
    with pytest.raises(InputError, match="calc 不改写它") as exc:
        calc_file(p)
    assert exc.value.code == "X026" and Path(p).read_bytes() == before


def test_batch_writes_every_format_through_the_one_writer(tmp_path, monkeypatch):
    from xlperf.batch.run import run_batch
    from xlperf.report import job

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(example_path("临汾购买服务"), src / "a.xlsx")
    calls = []
    real = job.write_report

    def spy(context, target, fmt, template=None, **kw):
        calls.append((fmt, kw.get("atomic", True)))
        return real(context, target, fmt, template, **kw)

    monkeypatch.setattr(job, "write_report", spy)
    result = run_batch([src], tmp_path / "out", formats="docx,md", jobs=1)
    assert len(result.records) == 1 and result.records[0].status != "失败"
    assert sorted(calls) == [("docx", False), ("md", False)]  # staged: the batch moves them into place
    assert {p.suffix for p in (tmp_path / "out").iterdir() if p.suffix in (".docx", ".md")} == {".docx", ".md"}
