"""``xlperf batch --review``: pairing reports with their tables, and a folder reviewed end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from xlperf.batch.review import ANNOTATED_DIR, REVIEW_SUMMARY, SHEET_PROBLEMS, SHEET_REVIEWS, Pair, is_table_name, name_key, pair_files, run_review_batch
from xlperf.cli import cli
from xlperf.workbook.examples import build_example

# --- pairing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "report, table",
    [
        ("城乡居民购买服务项目绩效自评报告.docx", "城乡居民购买服务项目绩效自评表.xlsx"),
        ("城乡居民购买服务项目自评报告.docx", "附件1：城乡居民购买服务项目自评表.xls"),
        ("2021年残疾人医保-自评报告.docx", "2021年残疾人医保-项目支出绩效自评表.docx"),
        ("某县医保局部门整体支出绩效评价报告.docx", "附件2 某县医保局部门整体支出绩效自评表.ods"),
    ],
)
def test_a_report_and_its_table_share_a_name_key(report: str, table: str) -> None:
    assert name_key(Path(report)) == name_key(Path(table)) != ""
    assert not is_table_name(Path(report)) and is_table_name(Path(table))


def test_pairs_by_name_among_several_and_leaves_unknown_tables_over(tmp_path: Path) -> None:
    a, b = tmp_path / "甲项目自评报告.docx", tmp_path / "乙项目自评报告.docx"
    ta, tb, other = tmp_path / "甲项目自评表.xlsx", tmp_path / "乙项目自评表.xlsx", tmp_path / "丙项目自评表.xlsx"
    pairs, orphans = pair_files([a, tb, b, other, ta])
    assert pairs == [Pair(a, ta), Pair(b, tb)]
    assert orphans == [other]


def test_one_report_and_one_table_in_a_folder_pair_whatever_their_names(tmp_path: Path) -> None:
    r, t = tmp_path / "报告.docx", tmp_path / "附件.xlsx"
    assert pair_files([r, t]) == ([Pair(r, t)], [])


def test_an_ambiguous_table_is_not_guessed(tmp_path: Path) -> None:
    r = tmp_path / "甲项目自评报告.docx"
    t1, t2 = tmp_path / "甲项目自评表.docx", tmp_path / "甲项目评价表.docx"
    (pair,), orphans = pair_files([r, t1, t2])
    assert pair.table is None and "无法确定" in pair.note
    assert orphans == [t1, t2]


def test_the_workbook_wins_over_the_same_table_as_word(tmp_path: Path) -> None:
    r = tmp_path / "甲项目自评报告.docx"
    t1, t2 = tmp_path / "甲项目自评表.docx", tmp_path / "甲项目自评表.xlsx"
    assert pair_files([r, t1, t2])[0] == [Pair(r, t2)]


_NAMES = st.lists(st.text(alphabet="甲乙丙丁戊己庚辛医保残疾人购买服务2021年", min_size=2, max_size=8), min_size=1, max_size=5, unique=True)
_REPORT_DECOR = st.sampled_from(["{}绩效自评报告", "{}自评报告", "{}项目支出绩效自评报告", "{}-自评报告", "{}评价报告"])
_TABLE_DECOR = st.sampled_from(["{}绩效自评表", "附件1：{}自评表", "附件{}项目支出绩效自评表", "附件2：{}项目支出绩效自评表", "{}_自评表", "附件3-2 {}绩效评价表"])


@settings(max_examples=200)
@given(names=_NAMES, rdecor=st.data(), extra_folder=st.booleans())
def test_pairs_are_the_same_project_or_none(names: list[str], rdecor, extra_folder: bool) -> None:
    """Invariant: a report is paired with its own project's table, never with another's; every
    project whose report and table sit together gets its table."""
    root = Path("/units")
    files, truth = [], {}
    for i, n in enumerate(names):
        folder = root / (f"单位{i}" if extra_folder else "")
        r = folder / (rdecor.draw(_REPORT_DECOR).format(n) + ".docx")
        t = folder / (rdecor.draw(_TABLE_DECOR).format(n) + rdecor.draw(st.sampled_from([".xlsx", ".xls", ".docx"])))
        files += [r, t]
        truth[r] = t
    pairs, orphans = pair_files(files)
    assert sorted(p.report for p in pairs) == sorted(truth)
    distinct = len({name_key(r) for r in truth}) == len(truth)
    for p in pairs:
        assert p.table in (truth[p.report], None)
        if distinct:
            assert p.table == truth[p.report], (p, files)
    assert not orphans if distinct else True


# --- a folder end to end -------------------------------------------------------------------------


def _report(tmp: Path, example: str, folder: Path, stem: str) -> tuple[Path, Path]:
    wb = tmp / f"{example}.xlsx"
    if not wb.exists():
        build_example(wb, example)
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"{stem}自评报告.docx"
    r = CliRunner().invoke(cli, ["report", str(wb), "-o", str(report)])
    assert r.exit_code == 0, r.output
    table = folder / f"{stem}自评表.xlsx"
    shutil.copy(wb, table)
    return report, table


def _restate(report: Path, old: str, new: str) -> None:
    """The unit edits one figure in its prose (not in the annex table)."""
    import docx

    d = docx.Document(str(report))
    hits = 0
    for p in d.paragraphs:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                hits += 1
    assert hits, f"{old} not in the prose of {report.name}"
    d.save(str(report))


def _sheet(path: Path, name: str) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("review-batch")
    units = tmp / "各单位"
    _report(tmp, "临汾购买服务", units / "县医保中心", "购买服务")
    bad, _ = _report(tmp, "临汾购买服务", units / "县医疗保障局", "购买服务配套")
    _restate(bad, "84.31", "88.31")
    (units / "县医疗保障局" / "~$购买服务配套自评报告.docx").write_bytes(b"lock")
    broken = units / "某单位" / "损坏的自评报告.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"not a zip")
    return units


def test_a_folder_of_reports_is_reviewed_into_one_summary(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "审核结果"
    result = run_review_batch([folder], out, jobs=1)
    by_report = {r.report.replace("\\", "/"): r for r in result.records}
    assert set(by_report) == {"县医保中心/购买服务自评报告.docx", "县医疗保障局/购买服务配套自评报告.docx", "某单位/损坏的自评报告.docx"}
    clean, bad, broken = (by_report[k] for k in sorted(by_report, key=lambda k: ("县医保中心" not in k, "某单位" in k)))
    assert clean.findings == [] and clean.table == "购买服务自评表.xlsx" and clean.table_total == pytest.approx(84.31)
    assert "total_mismatch" in {f["kind"] for f in bad.findings}
    total = next(f for f in bad.findings if f["kind"] == "total_mismatch")
    assert "88.31" in total["message"] and total["paragraph"]["number"] >= 1
    assert broken.error and not broken.findings
    assert [s.reason for s in result.skipped] == ["锁文件"]
    assert result.exit_code == 1 and result.clean == 1 and result.with_findings == 1 and len(result.failed) == 1

    reviews = _sheet(out / REVIEW_SUMMARY, SHEET_REVIEWS)
    assert reviews[0][:6] == ("报告", "自评表", "样式", "表内总分", "表内等级", "问题数")
    assert len(reviews) == 4
    problems = _sheet(out / REVIEW_SUMMARY, SHEET_PROBLEMS)
    assert len(problems) - 1 == len(bad.findings)
    row = next(p for p in problems[1:] if p[1] == total["code"])
    assert row[0].replace("\\", "/") == "县医疗保障局/购买服务配套自评报告.docx" and row[3].startswith(f"第{total['paragraph']['number']}段")


def test_parallel_workers_give_the_same_records(folder: Path, tmp_path: Path) -> None:
    one = run_review_batch([folder], tmp_path / "a", jobs=1)
    two = run_review_batch([folder], tmp_path / "b", jobs=2)
    assert [(r.report, r.findings, r.error) for r in one.records] == [(r.report, r.findings, r.error) for r in two.records]


def test_cli_review_batch_exit_codes_and_lines(folder: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path / "o"), "--review", "-j", "1", "-q"])
    assert r.exit_code == 1, r.output
    assert "共审核 3 份报告：无问题 1，有问题 1，无法审核 1" in r.output
    assert "无法审核：" in r.output and "损坏的自评报告.docx" in r.output
    assert "Traceback" not in r.output
    clean = tmp_path / "clean"
    clean.mkdir()
    for f in (folder / "县医保中心").iterdir():
        shutil.copy(f, clean / f.name)
    r = CliRunner().invoke(cli, ["batch", str(clean), "-o", str(tmp_path / "o2"), "--review", "-q"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("extra", [["--format", "pdf"], ["--force"], ["--csv"], ["--style", "四川"]])
def test_options_of_report_batches_are_refused_with_review(folder: Path, tmp_path: Path, extra: list[str]) -> None:
    r = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path / "o"), "--review", *extra])
    assert r.exit_code == 2 and "--review" in r.output and extra[0] in r.output
    assert not (tmp_path / "o").exists()


def test_annotate_needs_review(folder: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path / "o"), "--annotate"])
    assert r.exit_code == 2 and "--review" in r.output


def test_a_folder_without_reports_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "甲自评表.xlsx").write_bytes(b"x")
    r = CliRunner().invoke(cli, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--review"])
    assert r.exit_code == 2 and "没有找到要审核的自评报告" in r.output


def test_annotated_copies_only_for_reports_with_findings(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("xlperf.review.annotate")
    out = tmp_path / "o"
    result = run_review_batch([folder], out, jobs=1, annotate=True)
    made = sorted(p.name for p in (out / ANNOTATED_DIR).iterdir())
    assert made == ["购买服务配套自评报告-批注版.docx"]
    bad = next(r for r in result.records if r.findings)
    assert Path(bad.annotated).name == made[0]
    import docx

    comments = list(docx.Document(bad.annotated).comments)
    assert len(comments) == len(bad.findings)
