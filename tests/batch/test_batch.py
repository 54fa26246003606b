"""xlperf batch: discovery, per-workbook reports, the 汇总表, skip-unchanged, kills, CSV/DataFrame."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlperf.batch import job as job_module
from xlperf.batch import run as run_module
from xlperf.batch import state as state_module
from xlperf.core.errors import InputError, OutputError
from xlperf.report.pdf import find_soffice
from xlperf.batch.discover import discover, output_bases
from xlperf.batch.run import run_batch
from xlperf.cli import cli
from xlperf.batch.run import summarize
from xlperf.batch.summary import COLUMNS, FINDING_COLUMNS, SummaryRecord, write_summary_xlsx
from xlperf.workbook.template import fill_workbook

from tests.batch.conftest import _workbook



def run_cli(*args):
    return CliRunner().invoke(cli, ["batch", *[str(a) for a in args]], catch_exceptions=False)


def _summary(out: Path):
    return openpyxl.load_workbook(out / "汇总表.xlsx")


def _rows(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


# --- discovery -----------------------------------------------------------------------------------


def test_discover_skips_lock_hidden_and_non_workbooks_and_dedupes(bureau, tmp_path):
    (bureau / ".隐藏.xlsx").write_bytes(b"x")
    out = bureau / "输出"  # an output folder inside the inputs is never an input
    out.mkdir()
    (out / "汇总表.xlsx").write_bytes(b"x")
    found = discover([bureau, bureau / "医保-购买服务.xlsx", str(bureau / "县*" / "*.xlsx")], exclude=out)
    names = sorted(p.name for p in found.workbooks)
    # an .xls is a unit's own form: read like an .xlsx (this one is damaged and fails when read)
    assert names == ["医保-购买服务.xlsx", "坏-截断.xlsx", "坏-文本.xlsx", "旧格式.xls", "自评表.xlsx", "自评表.xlsx"]
    assert found.old_format == []
    reasons = sorted((s.path.name, s.reason) for s in found.skipped)
    assert reasons == [(".隐藏.xlsx", "隐藏文件"), ("~$自评表.xlsx", "锁文件"), ("说明.txt", "非工作簿")]


def test_discover_expands_globs_and_rejects_missing_inputs(bureau):
    found = discover([str(bureau / "**" / "自评表.xlsx")])
    assert len(found.workbooks) == 2
    with pytest.raises(InputError, match="不存在"):
        discover([bureau / "没有这个文件.xlsx"])
    with pytest.raises(InputError, match="没有与"):
        discover([str(bureau / "*.xlsm")])


def test_output_names_keep_chinese_and_disambiguate_by_folder():
    paths = [Path("/d/县医保局/自评表.xlsx"), Path("/d/县卫健局/自评表.xlsx"), Path("/d/购买服务.xlsx"), Path("/e/县医保局/自评表.xlsm")]
    bases = output_bases(paths)
    assert bases[paths[2]] == "购买服务-自评报告"
    assert bases[paths[1]] == "县卫健局-自评表-自评报告"
    # same parent name too: go one folder further up
    assert bases[paths[0]] == "d-县医保局-自评表-自评报告"
    assert bases[paths[3]] == "e-县医保局-自评表-自评报告"
    assert len(set(bases.values())) == 4


# --- a whole run ----------------------------------------------------------------------------------


def test_batch_folder_outputs_statuses_and_exit_code(bureau, tmp_path):
    out = tmp_path / "报告"
    res = run_cli(bureau, "-o", out, "--jobs", "1")
    assert res.exit_code == 1, res.output  # one workbook has 错误 findings, some failed
    # weights that do not add up to 100 withhold the total: that workbook is 待定, not graded
    assert "共 6 个工作簿：成功 2，有错误 0，总分待定 1，失败 3，跳过 2（锁文件/非工作簿）" in res.output
    assert "失败：坏-文本.xlsx：" in res.output and "失败：坏-截断.xlsx：" in res.output
    assert "失败：旧格式.xls：" in res.output and "另存为 .xlsx" in res.output
    reports = sorted(p.name for p in out.glob("*.docx"))
    assert reports == ["医保-购买服务-自评报告.docx", "县医保局-自评表-自评报告.docx", "县卫健局-自评表-自评报告.docx"]
    import docx

    for p in out.glob("*.docx"):
        docx.Document(str(p))  # complete Word files
    assert (out / "汇总表.xlsx").is_file()
    assert not (out / run_module.STAGING_DIR).exists()
    assert not list(out.glob(".~xlperf-*"))

    rows = {r["文件"]: r for r in _rows(_summary(out)["汇总"])}
    assert rows["县医保局/自评表.xlsx"]["状态"] == "完成"
    assert rows["医保-购买服务.xlsx"]["状态"] == "待定" and rows["医保-购买服务.xlsx"]["错误数"] >= 1
    assert rows["医保-购买服务.xlsx"]["总分"] is None and rows["医保-购买服务.xlsx"]["等级"] == "待定"
    for bad in ("坏-文本.xlsx", "坏-截断.xlsx", "旧格式.xls"):
        assert rows[bad]["状态"] == "错误" and rows[bad]["错误信息"]
    # amounts in 元 are shown in 万元
    wj = rows["县卫健局/自评表.xlsx"]
    assert wj["全年预算数（万元）"] == 200 and wj["全年执行数（万元）"] == 180 and wj["执行率"] == pytest.approx(0.9)


def test_all_good_exits_zero(bureau, tmp_path):
    res = run_cli(bureau / "县医保局", bureau / "县卫健局", "-o", tmp_path / "out", "--jobs", "1", "--quiet")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "共 2 个工作簿：成功 2，有错误 0，失败 0，跳过 1（锁文件/非工作簿）"
    assert "已处理" not in res.output  # --quiet: only the final summary


def test_plain_progress_lines_when_not_a_terminal(bureau, tmp_path):
    res = run_cli(bureau, "-o", tmp_path / "out", "--jobs", "1")
    lines = [l for l in res.output.splitlines() if l.startswith("已处理")]
    assert lines and lines[-1].startswith("已处理 6/6（100%）") and "个/秒" in lines[-1]


def test_summary_workbook_sorting_links_formatting_chart_findings(bureau, tmp_path):
    out = tmp_path / "报告"
    result = run_batch([bureau], out, jobs=1)
    wb = _summary(out)
    assert wb.sheetnames == ["汇总", "按主管部门", "全部问题"]
    ws = wb["汇总"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    rows = _rows(ws)
    # 主管部门 order, 总分 descending inside; failed rows (no 部门) last
    keyed = [(r["主管部门"], r["总分"]) for r in rows]
    depts = [d for d, _ in keyed if d]
    assert depts == sorted(depts)
    yb = [s for d, s in keyed if d == "县医疗保障局"]
    assert len(yb) == 2 and yb[-1] is None  # the 待定 one (no total) after the scored one
    assert all(d is None for d, _ in keyed[3:])
    # 报告文件 is a relative hyperlink to a report that exists
    col = list(COLUMNS).index("报告文件") + 1
    linked = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]
    assert len(linked) == 3
    for c in linked:
        assert c.hyperlink is not None and c.hyperlink.target == c.value and (out / c.value).is_file()
    # number formats
    rate_col = list(COLUMNS).index("执行率") + 1
    assert ws.cell(2, rate_col).number_format == "0.00%" and ws.cell(2, list(COLUMNS).index("总分") + 1).number_format == "0.00"
    # conditional formatting: four grade fills and the 执行率 < 100% rule
    grade_letter = openpyxl.utils.get_column_letter(list(COLUMNS).index("等级") + 1)
    rate_letter = openpyxl.utils.get_column_letter(rate_col)
    cf = {str(rng.sqref): [r.formula[0] for r in rules] for rng, rules in ws.conditional_formatting._cf_rules.items()}
    grade_rules = next(v for k, v in cf.items() if k.startswith(grade_letter))
    assert sorted(grade_rules) == sorted(f'{grade_letter}2="{g}"' for g in "优良中差")
    assert any(k.startswith(rate_letter) and "<1" in v[0] for k, v in cf.items())
    # sheet 2: per 主管部门 counts and a native bar chart
    d = _rows(wb["按主管部门"])
    yb_row = next(r for r in d if r["主管部门"] == "县医疗保障局")
    # the 待定 workbook is not counted in the grade totals
    assert yb_row["工作簿数"] == 2 and yb_row["优"] + yb_row["良"] + yb_row["中"] + yb_row["差"] == 1 and yb_row["有错误"] == 1
    assert next(r for r in d if r["主管部门"] == "（未填写主管部门）")["失败"] == 3
    with zipfile.ZipFile(out / "汇总表.xlsx") as z:
        names = z.namelist()
        assert any(n.startswith("xl/charts/chart") for n in names)
        sheet2_rels = z.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
        assert "drawing" in sheet2_rels
        assert b"barChart" in z.read(next(n for n in names if n.startswith("xl/charts/chart")))
    # sheet 3: every finding of every workbook, filterable
    fs = wb["全部问题"]
    assert [c.value for c in fs[1]] == list(FINDING_COLUMNS) and fs.auto_filter.ref
    found = _rows(fs)
    assert len(found) == sum(len(r.findings) for r in result.records) > 0
    assert any(f["文件"] == "医保-购买服务.xlsx" and f["规则"] == "E101" and f["级别"] == "错误" for f in found)


def test_formula_like_text_arrives_as_text(tmp_path):
    src = tmp_path / "in" / "注入.xlsx"
    _workbook(src, name="placeholder", dept="县财政局")
    wb = openpyxl.load_workbook(src)
    ws = wb["项目信息"]
    evil = {"项目名称": '=HYPERLINK("http://example.com","点我")', "主管部门": "@SUM(1,2)", "实施单位": "+86-123", "存在问题": "-1+1"}
    for r in range(2, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label in evil:
            c = ws.cell(r, 2)
            c.value = evil[label]
            c.data_type = "s"  # typed as text by the unit
    wb.save(src)
    out = tmp_path / "out"
    run_batch([src], out, jobs=1, csv=True)
    with zipfile.ZipFile(out / "汇总表.xlsx") as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                xml = z.read(n)
                assert b"<f>" not in xml and b"<f " not in xml
    s = _summary(out)["汇总"]
    row = {c.value: s.cell(2, c.column) for c in s[1]}
    assert row["项目名称"].value == evil["项目名称"] and row["项目名称"].data_type == "s"
    assert row["主管部门"].value == "@SUM(1,2)" and row["实施单位"].value == "+86-123"
    text = (out / "汇总表.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+86-123" in text


def test_write_summary_forces_text_even_for_finding_messages(tmp_path):
    rec = SummaryRecord(file="=a.xlsx", findings=[{"文件": "=a.xlsx", "级别": "错误", "位置": "=A1", "规则": "E1", "说明": "=1+1"}])
    write_summary_xlsx([rec], tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb["全部问题"]["E2"].value == "=1+1" and wb["全部问题"]["E2"].data_type == "s"
    assert wb["汇总"]["A2"].data_type == "s"


def test_dataframe_and_csv_columns(bureau, tmp_path):
    df = summarize(bureau)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == 6 and sorted(df["状态"]) == sorted(["完成", "完成", "待定", "错误", "错误", "错误"])
    assert set(df[df["状态"] != "错误"]["处理"]) == {"仅校验"}
    assert {h for h, e in zip(df["处理"], df["错误信息"]) if e} == {"未完成"}  # a file that could not be read made nothing
    out = tmp_path / "out"
    res = run_cli(bureau, "-o", out, "--jobs", "1", "--csv", "--quiet")
    raw = (out / "汇总表.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import pandas as pd

    csv = pd.read_csv(out / "汇总表.csv", encoding="utf-8-sig")
    from xlperf.batch.summary import HEADER_NOTES

    assert list(csv.columns) == [HEADER_NOTES.get(c, c) for c in COLUMNS] and len(csv) == 6
    assert "全年预算数（万元）" in csv.columns
    assert "汇总表（CSV）" in res.output


def test_findings_dataframe_has_one_row_per_finding_of_a_real_run(bureau, tmp_path):
    """What an analyst filters: every finding of a batch with its file, sheet, cell, code, level and
    message, the same findings check gives for each workbook and the 全部问题 sheet lists."""
    from xlperf.api import check_file
    from xlperf.batch import findings_dataframe
    from xlperf.batch.summary import sort_records
    from xlperf.workbook.examples import build_example

    (bureau / "示例").mkdir()
    for name in ("临汾购买服务", "临汾六类人群"):  # shipped examples with warnings and errors in two sheets
        build_example(bureau / "示例" / f"{name}.xlsx", name)
    out = tmp_path / "out"
    result = run_batch([bureau], out, jobs=1)
    df = findings_dataframe(result.records)
    assert list(df.columns) == ["文件", "工作表", "单元格", "规则", "级别", "说明"]
    expected = []
    for rec in sort_records(result.records):
        if rec.failed:
            continue
        ev = check_file(bureau / rec.file)
        expected += [(rec.file, f.sheet, f.cell, f.code, f.severity, f.message) for f in ev.findings]
    assert len({e[0] for e in expected}) >= 3 and {e[4] for e in expected} >= {"错误", "警告"} and {e[1] for e in expected} >= {"绩效指标", "预算执行"}
    assert [tuple(r) for r in df.itertuples(index=False)] == expected
    assert (df["单元格"] != "").any()
    sheet = _rows(_summary(out)["全部问题"])
    assert sorted((r["文件"], r["位置"], r["规则"], r["说明"]) for r in sheet) == sorted(
        (f, f"{s}!{c}" if c else s, code, msg) for f, s, c, code, _, msg in expected
    )
    assert findings_dataframe([]).empty and list(findings_dataframe([]).columns) == list(df.columns)


@pytest.mark.parametrize(
    "location, sheet, cell",
    [("绩效指标!H8", "绩效指标", "H8"), ("绩效指标!7:7", "绩效指标", "7:7"), ("预算执行", "预算执行", ""),
     ("表!一!B2", "表!一", "B2"), ("注意!", "注意!", ""), ("表!合计", "表!合计", "")],
)
def test_a_finding_location_splits_into_sheet_and_cell(location, sheet, cell):
    from xlperf.batch.summary import split_location

    assert split_location(location) == (sheet, cell)


# --- re-runs ---------------------------------------------------------------------------------------


def _mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}


def test_rerun_skips_unchanged_force_redoes_and_changed_workbook_is_redone(bureau, tmp_path):
    out = tmp_path / "报告"
    first = run_batch([bureau], out, jobs=1)
    for p in out.glob("*.docx"):  # an hour ago: a rewrite, however soon, gets another time
        t = p.stat().st_mtime_ns - 3600 * 10**9
        os.utime(p, ns=(t, t))
    before = _mtimes(out)
    state = json.loads((out / state_module.STATE_FILE).read_text(encoding="utf-8"))
    assert len(state["entries"]) == 6  # the damaged .xls too: it is read (and fails) like the others

    second = run_batch([bureau], out, jobs=1)
    assert _mtimes(out) == before  # outputs not rewritten
    by = {r.file: r for r in second.records}
    for name in ("县医保局/自评表.xlsx", "县卫健局/自评表.xlsx", "医保-购买服务.xlsx"):
        assert by[name].handled == "未变更跳过"
        assert by[name].total_score == next(r for r in first.records if r.file == name).total_score
    assert by["坏-文本.xlsx"].handled == "未完成" and by["坏-文本.xlsx"].status == "失败"  # failures are retried, and say they made nothing
    assert second.exit_code == first.exit_code == 1
    assert "未变更" in "\n".join(second.summary_lines())
    # the 汇总表 of a re-run still lists the reused records with their findings
    assert len(_rows(_summary(out)["全部问题"])) == sum(len(r.findings) for r in first.records)

    third = run_batch([bureau], out, jobs=1, force=True)
    after = _mtimes(out)
    assert all(after[k] != before[k] for k in before)
    assert {r.handled for r in third.records if not r.failed} == {"本次生成"}
    assert {r.handled for r in third.records if r.failed} == {"未完成"}

    # change one workbook: only it is redone
    target = bureau / "县医保局" / "自评表.xlsx"
    fill_workbook(target, info={"项目名称": "城乡居民医保补助项目（修订）"})
    again_before = _mtimes(out)
    fourth = run_batch([bureau], out, jobs=1)
    changed = {r.file: r.handled for r in fourth.records}
    assert changed["县医保局/自评表.xlsx"] == "本次生成"
    assert changed["县卫健局/自评表.xlsx"] == "未变更跳过"
    now = _mtimes(out)
    assert now["县医保局-自评表-自评报告.docx"] != again_before["县医保局-自评表-自评报告.docx"]
    assert now["县卫健局-自评表-自评报告.docx"] == again_before["县卫健局-自评表-自评报告.docx"]

    # a deleted report is regenerated; a changed format redoes everything
    (out / "医保-购买服务-自评报告.docx").unlink()
    fifth = run_batch([bureau], out, jobs=1)
    assert {r.file: r.handled for r in fifth.records}["医保-购买服务.xlsx"] == "本次生成"
    assert (out / "医保-购买服务-自评报告.docx").is_file()
    sixth = run_batch([bureau], out, jobs=1, formats="docx,md")
    assert all(r.handled == ("未完成" if r.failed else "本次生成") for r in sixth.records)
    assert (out / "医保-购买服务-自评报告.md").is_file()


def test_two_worker_processes_give_the_same_records(bureau, tmp_path):
    one = run_batch([bureau], tmp_path / "a", jobs=1)
    two = run_batch([bureau], tmp_path / "b", jobs=2)
    key = lambda res: sorted((r.file, r.status, r.total_score, r.error_count, r.report) for r in res.records)  # noqa: E731
    assert key(one) == key(two)
    assert sorted(p.name for p in (tmp_path / "a").glob("*.docx")) == sorted(p.name for p in (tmp_path / "b").glob("*.docx"))


def test_output_folder_inside_inputs_is_not_read_back(bureau):
    out = bureau / "报告"
    run_batch([bureau], out, jobs=1)
    again = run_batch([bureau], out, jobs=1)
    assert len(again.records) == 6  # 汇总表.xlsx and the reports were not taken as inputs


def test_missing_libreoffice_still_writes_docx_and_exits_1(bureau, tmp_path, monkeypatch):
    monkeypatch.setattr("xlperf.report.pdf.find_soffice", lambda: None)
    out = tmp_path / "out"
    result = run_batch([bureau / "县医保局"], out, jobs=1, formats="pdf")
    assert result.pdf_problem and "LibreOffice" in result.pdf_problem
    assert (out / "自评表-自评报告.docx").is_file()
    assert not list(out.glob("*.pdf"))
    assert "PDF 未生成" in result.records[0].error_message
    assert result.exit_code == 1
    assert any("PDF 未生成" in line for line in result.summary_lines())


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice not installed")
def test_pdf_through_one_libreoffice_call(bureau, tmp_path, monkeypatch):
    from xlperf.report import pdf as lo

    calls = []
    real = lo.convert

    def counting(docs, out_dir, **kwargs):
        calls.append(len(list(docs)))
        return real(docs, out_dir, **kwargs)

    monkeypatch.setattr(lo, "convert", counting)
    out = tmp_path / "out"
    result = run_batch([bureau / "县医保局", bureau / "县卫健局"], out, jobs=1, formats="pdf")
    assert calls == [2]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["县医保局-自评表-自评报告.pdf", "县卫健局-自评表-自评报告.pdf"]
    assert not list(out.glob("*.docx"))  # docx only made for the conversion
    assert result.exit_code == 0 and all(r.report.endswith(".pdf") for r in result.records)


# --- killed mid-run ---------------------------------------------------------------------------------


def _complete_docx(path: Path) -> bool:
    import docx

    try:
        docx.Document(str(path))
        return True
    except Exception:  # noqa: BLE001
        return False


def test_killed_batch_leaves_no_half_written_report_and_resumes(bureau_master, tmp_path):
    src = tmp_path / "many"
    src.mkdir()
    good = bureau_master / "县医保局" / "自评表.xlsx"
    for i in range(40):
        shutil.copyfile(good, src / f"单位{i:02d}.xlsx")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    code = "import sys; from xlperf.cli import cli; cli(['batch', *sys.argv[1:]], prog_name='xlperf')"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(src), "-o", str(out), "--jobs", "2", "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("*.docx")):
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers
    proc.wait(timeout=30)
    reports = list(out.glob("*.docx"))
    assert reports, "the batch was killed before any report appeared"
    assert len(reports) < 40, "the batch finished before it could be killed"
    for p in out.iterdir():
        if p.is_file() and p.suffix == ".docx":
            assert _complete_docx(p), p.name
        elif p.is_file():
            assert p.name in (state_module.STATE_FILE, run_module.LOCK_NAME), p.name  # no half-written file under a report name
    if (out / state_module.STATE_FILE).exists():
        json.loads((out / state_module.STATE_FILE).read_text(encoding="utf-8"))  # never half-written
    # the re-run completes and cleans up every temporary file
    result = run_batch([src], out, jobs=1)
    assert result.exit_code == 0 and len(result.records) == 40
    assert len(list(out.glob("*.docx"))) == 40 and all(_complete_docx(p) for p in out.glob("*.docx"))
    assert not (out / run_module.STAGING_DIR).exists()
    assert not [p for p in out.rglob("*") if p.name.startswith((".~xlperf", ".xlperf-tmp-")) or p.suffix == ".tmp"]


@pytest.mark.skipif(
    __import__("multiprocessing").get_start_method() != "fork", reason="relies on fork: the patched reader is inherited by the workers"
)
def test_a_dying_worker_is_retried_then_reported(bureau, tmp_path, monkeypatch):
    """A worker process killed (out of memory, say) breaks the pool: the run goes on, the
    workbook that kills its worker twice is reported, the others are not blamed."""
    real = job_module.load

    def flaky(path, **kw):
        if "县卫健局" in str(path):
            os._exit(9)  # the worker dies without a word
        return real(path, **kw)

    monkeypatch.setattr(job_module, "load", flaky)
    result = run_batch([bureau / "县医保局", bureau / "县卫健局", bureau / "医保-购买服务.xlsx"], tmp_path / "out", jobs=2)
    by = {r.file: r for r in result.records}
    assert by["县卫健局/自评表.xlsx"].status == "失败" and "工作进程" in by["县卫健局/自评表.xlsx"].error_message
    assert by["县医保局/自评表.xlsx"].status == "成功" and by["医保-购买服务.xlsx"].status == "待定"


def test_summary_open_in_excel_is_refused_before_any_work(bureau, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "汇总表.xlsx").write_bytes(b"x")
    (out / "~$汇总表.xlsx").write_bytes(b"\0")
    with pytest.raises(OutputError, match="Excel"):
        run_batch([bureau], out, jobs=1)
    assert not list(out.glob("*.docx"))


def test_bad_format_and_no_workbooks_are_input_errors(bureau, tmp_path):
    with pytest.raises(InputError, match="报告格式"):
        run_batch([bureau], tmp_path / "o", formats="docx,html")
    empty = tmp_path / "空"
    empty.mkdir()
    (empty / "说明.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="没有找到"):
        run_batch([empty], tmp_path / "o2")


def test_batch_reader_skips_unread_sheets_but_scores_like_check(bureau, tmp_path):
    from xlperf.batch.job import UNREAD_SHEETS
    from xlperf.workbook.load import load

    for p in (bureau / "县卫健局" / "自评表.xlsx", bureau / "医保-购买服务.xlsx"):
        loaded = load(p, unread=UNREAD_SHEETS)
        ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
        loaded = load(p)
        ref, ref_names = loaded.evaluation, loaded.names
        assert names == ref_names and "说明" not in grids and "绩效指标" in grids
        assert ev.total_score == ref.total_score and ev.findings == ref.findings
    # a foreign workbook whose indicator table sits on a sheet called 说明: read everything
    odd = tmp_path / "odd.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值"])
    ws.append(["产出指标", "数量指标", "人数", 100, "10人", "10人"])
    wb.save(odd)
    loaded = load(odd, unread=UNREAD_SHEETS)
    ev, grids = loaded.evaluation, loaded.grids
    assert "说明" in grids and ev.total_score == load(odd).evaluation.total_score


def test_a_state_file_of_the_previous_record_format_is_redone_not_misread(bureau, tmp_path):
    # Version 1 stored records under the 汇总表's Chinese column names; its entries are not reused
    # (their keys would not fill a record), so every workbook is processed again, once.
    out = tmp_path / "报告"
    run_batch([bureau], out, jobs=1)
    path = out / state_module.STATE_FILE
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["version"] == state_module.STATE_VERSION == 2
    for entry in state["entries"].values():
        rec = entry["record"]
        assert "file" in rec and "status" in rec and "文件" not in rec
        entry["record"] = {"文件": rec["file"], "状态": rec["status"], "总分": rec["total_score"]}
    state["version"] = 1
    path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    again = run_batch([bureau], out, jobs=1)
    assert {r.handled for r in again.records} <= {"本次生成", "未完成"} and not again.reused
    third = run_batch([bureau], out, jobs=1)  # the state is written anew: now reused
    assert third.reused == sum(1 for r in third.records if not r.failed)
