"""Batch speed without a changed output: the fast Word path gives the docxtpl path's file byte for
byte (apart from zip timestamps); a LibreOffice that dies loses no PDF and leaves no process."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import struct
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tests.batch.conftest import _workbook
from xlperf.batch.run import run_batch
from xlperf.report.pdf import find_soffice
from xlperf import report
from xlperf.batch.job import UNREAD_SHEETS
from xlperf.report import report_sections
from xlperf.workbook.load import load
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
    """(the report context, the official form rendered with it)."""
    loaded = load(path, unread=UNREAD_SHEETS)
    ev, names, grids = loaded.evaluation, loaded.names, loaded.grids
    ctx = report.build_context(ev, report_sections(ev, names, grids, style), grids=grids, style=style)
    return ctx, report.official_form_of(ev, ctx["style"])


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


@pytest.fixture(scope="module")
def two_department_workbooks(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("speed-dept")
    dept = {"评价类型": "部门整体支出"}
    a = _workbook(root / "a.xlsx", name="县医疗保障局部门整体支出", dept="县医疗保障局", info_extra=dept)
    b = _workbook(root / "b.xlsx", name="县卫生健康局部门整体支出", dept="县卫生健康局", unit="元", budget=(2_000_000, 1_800_000), info_extra=dept)
    return a, b


@pytest.mark.parametrize("style", word.STYLES)
def test_fast_path_equals_docxtpl_for_every_style(style, two_workbooks, two_department_workbooks, tmp_path):
    renderer = word.WordRenderer()  # this test builds and proves the skeletons itself
    books = two_department_workbooks if style == "湖南" else two_workbooks  # 湖南 is the 部门整体支出 outline
    first, second = (_context(p, style) for p in books)
    data = renderer.template_bytes(style)
    assert renderer.skeleton_for(data) is False
    # the first report of a template: written the docxtpl way, then the skeleton is proven on it
    renderer.render_docx(first[0], tmp_path / "1.docx", form=first[1])
    assert renderer.skeleton_for(data), f"{style}: the template did not get a skeleton"
    for n, (ctx, form) in enumerate((second, first), start=2):
        fast = tmp_path / f"{n}.docx"
        renderer.render_docx(ctx, fast, form=form)
        slow = renderer.render_docxtpl(data, ctx, None, form)
        assert _without_timestamps(fast.read_bytes()) == _without_timestamps(slow)


def test_docx_written_before_and_after_the_skeleton_are_the_same_file(two_workbooks, tmp_path):
    renderer = word.WordRenderer()
    ctx, form = _context(two_workbooks[1], None)
    renderer.render_docx(ctx, tmp_path / "docxtpl.docx", form=form)  # no skeleton yet: docxtpl
    renderer.render_docx(ctx, tmp_path / "fast.docx", form=form)
    assert _without_timestamps((tmp_path / "docxtpl.docx").read_bytes()) == _without_timestamps((tmp_path / "fast.docx").read_bytes())
    with zipfile.ZipFile(tmp_path / "fast.docx") as z:
        assert z.testzip() is None
        assert "基层医疗&lt;能力&gt;提升 &amp; 改造项目" in z.read("word/document.xml").decode("utf-8")


def test_a_skeleton_that_does_not_prove_itself_leaves_docxtpl_in_charge(two_workbooks, tmp_path, monkeypatch):
    renderer = word.WordRenderer()
    monkeypatch.setattr(wordpack, "same_package", lambda a, b: False)
    fast_calls = []
    real_fast = renderer.render_fast
    monkeypatch.setattr(renderer, "render_fast", lambda sk, ctx, form=None: fast_calls.append(1) or real_fast(sk, ctx, form))
    ctx, form = _context(two_workbooks[0], "四川")
    data = renderer.template_bytes("四川")
    renderer.render_docx(ctx, tmp_path / "1.docx", form=form)
    assert renderer.skeleton_for(data) is None
    calls = len(fast_calls)
    renderer.render_docx(ctx, tmp_path / "2.docx", form=form)
    assert len(fast_calls) == calls  # no second try: docxtpl for the life of the process
    slow = renderer.render_docxtpl(data, ctx, None, form)
    assert _without_timestamps((tmp_path / "2.docx").read_bytes()) == _without_timestamps(slow)


def test_timestamp_masking_sees_a_changed_byte(two_workbooks, tmp_path):
    ctx, form = _context(two_workbooks[0], None)
    word.render_docx(ctx, tmp_path / "a.docx", form=form)
    data = (tmp_path / "a.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
    changed = bytearray(data)
    changed[info.header_offset + 40 + len(info.filename)] ^= 1  # inside the compressed body
    assert _without_timestamps(bytes(changed)) != _without_timestamps(data)


# --- PDF converters: a LibreOffice that dies ---------------------------------------------------------

FAKE_SOFFICE = r'''#!{python}
"""A stand-in for LibreOffice: writes complete PDFs, starts a helper that would outlive it, and
dies (SIGKILL) on the victim's file, leaving a cut-off PDF, once or every time."""
import os, pathlib, subprocess, sys
args = sys.argv[1:]
out = pathlib.Path(args[args.index("--outdir") + 1])
files = [pathlib.Path(f) for f in args[args.index("--outdir") + 2 :]]
log = pathlib.Path(os.environ["FAKE_LOG"])
died = pathlib.Path(os.environ["FAKE_LOG"] + ".died")
helper = subprocess.Popen(["sleep", "300"])
with open(log, "a", encoding="utf-8") as fh:
    fh.write(f"{{helper.pid}}\t{{'|'.join(f.stem for f in files)}}\n")
for f in files:
    if os.environ["FAKE_VICTIM"] in f.stem and (not died.exists() or os.environ["FAKE_MODE"] == "always"):
        (out / (f.stem + ".pdf")).write_bytes(b"%PDF-1.4\n1 0 obj")
        died.touch()
        os.kill(os.getpid(), 9)
    (out / (f.stem + ".pdf")).write_bytes(b"%PDF-1.4\n1 0 obj\n%%EOF\n")
'''


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _fake_soffice(tmp_path: Path, monkeypatch, mode: str) -> Path:
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    fake.chmod(0o755)
    log = tmp_path / "soffice.log"
    monkeypatch.setattr("xlperf.report.pdf.find_soffice", lambda: str(fake))
    monkeypatch.setattr("xlperf.batch.run._find_soffice", lambda: str(fake))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("FAKE_VICTIM", "县卫健局")
    monkeypatch.setenv("FAKE_MODE", mode)
    return log


def _runs(log: Path) -> list[tuple[int, list[str]]]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, names = line.split("\t")
        out.append((int(pid), names.split("|")))
    return out


@pytest.mark.skipif(os.name != "posix", reason="process groups")
@pytest.mark.parametrize("jobs", [1, 2])
def test_files_a_dead_converter_held_are_retried_once_and_nothing_is_left_running(bureau, tmp_path, monkeypatch, jobs):
    log = _fake_soffice(tmp_path, monkeypatch, "once")
    out = tmp_path / "out"
    result = run_batch([bureau / "县医保局", bureau / "县卫健局", bureau / "医保-购买服务.xlsx"], out, jobs=jobs, formats="pdf")
    runs = _runs(log)
    held = [names for _, names in runs if any("县卫健局" in n for n in names)]
    assert len(held) == 2 and len(runs) == jobs + 1  # one run per converter, and the retry
    first, second = held
    victim = next(i for i, name in enumerate(first) if "县卫健局" in name)
    # what the dead run had not finished, the cut-off PDF included; the file it died on goes last
    assert sorted(second) == sorted(first[victim:]) and second[-1] == first[victim]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["医保-购买服务-自评报告.pdf", "县医保局-自评表-自评报告.pdf", "县卫健局-自评表-自评报告.pdf"]
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in out.glob("*.pdf"))
    assert result.exit_code == 1  # 医保-购买服务 has findings; no record says PDF 未生成
    assert not any("PDF 未生成" in (r.error_message or "") for r in result.records)
    assert not any(_alive(pid) for pid, _ in runs), "a converter's helper process outlived it"


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_file_that_kills_its_converter_twice_is_reported_and_the_rest_converted(bureau, tmp_path, monkeypatch):
    log = _fake_soffice(tmp_path, monkeypatch, "always")
    out = tmp_path / "out"
    result = run_batch([bureau / "县医保局", bureau / "县卫健局"], out, jobs=1, formats="docx,pdf")
    runs = _runs(log)
    assert len(runs) == 2  # tried, then once more, then reported
    by = {r.file: r for r in result.records}
    assert "PDF 未生成" in by["县卫健局/自评表.xlsx"].error_message and "意外退出" in by["县卫健局/自评表.xlsx"].error_message
    assert "县卫健局-自评表-自评报告.pdf" not in by["县卫健局/自评表.xlsx"].outputs
    assert (out / "县医保局-自评表-自评报告.pdf").exists() and not (out / "县卫健局-自评表-自评报告.pdf").exists()
    assert (out / "县卫健局-自评表-自评报告.docx").exists()  # the Word report stays
    assert result.exit_code == 1
    assert not any(_alive(pid) for pid, _ in runs)


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_libreoffice_runs_stay_short_and_every_report_is_converted_once(bureau_master, tmp_path, monkeypatch):
    from xlperf.batch.run import PDF_RUN

    src = tmp_path / "many"
    src.mkdir()
    for i in range(2 * PDF_RUN + 5):
        shutil.copyfile(bureau_master / "县医保局" / "自评表.xlsx", src / f"单位{i:02d}.xlsx")
    log = _fake_soffice(tmp_path, monkeypatch, "once")
    monkeypatch.setenv("FAKE_VICTIM", "no such report")
    out = tmp_path / "out"
    result = run_batch([src], out, jobs=2, formats="pdf")
    runs = [names for _, names in _runs(log)]
    # LibreOffice spends more on each report the longer a run goes: no run is longer than PDF_RUN
    assert all(len(names) <= PDF_RUN for names in runs) and len(runs) >= 3
    # each report once (a docx staged for the PDF is named "<pid>-<tag>-<report>")
    assert sorted(n.split("-", 2)[-1] for names in runs for n in names) == sorted(f"单位{i:02d}-自评报告" for i in range(2 * PDF_RUN + 5))
    assert len(list(out.glob("*.pdf"))) == 2 * PDF_RUN + 5 and result.exit_code == 0


def test_at_the_end_a_free_converter_takes_its_share_of_what_waits_and_what_a_busy_one_has_left(tmp_path):
    from collections import deque
    from concurrent.futures import Future

    from xlperf.batch.pdf import Chunk, Converters
    from xlperf.batch.run import BatchRun

    run = BatchRun.__new__(BatchRun)  # only the PDF scheduling state
    run.converters, run.staging, run.tasks, run.inflight = Converters(2), tmp_path, deque(), {}
    busy = Chunk([({}, {})] * 10, tmp_path)
    busy.work.mkdir()
    for i in range(4):  # the busy converter has converted 4 of its 10
        (busy.work / f"{i}.pdf").write_bytes(b"%PDF")
    run.pdf_inflight = {Future(): busy}
    run.pdf_waiting = [({"n": i}, {}) for i in range(20)]
    started: list[int] = []

    def start(items):
        started.append(len(items))
        run.pdf_inflight[Future()] = Chunk(items, tmp_path)

    run._start_pdf = start
    run._schedule_pdf()
    assert started == [13]  # (20 waiting + 6 left) / 2 converters
    assert len(run.pdf_waiting) == 7  # the busy one takes them when it is free: both finish together


def _processes_mentioning(text: str) -> list[tuple[int, str]]:
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd and _alive(int(d.name)):
            found.append((int(d.name), cmd))
    return found


@pytest.mark.skipif(find_soffice() is None or not Path("/proc").is_dir(), reason="LibreOffice and /proc needed")
def test_killing_libreoffice_mid_run_loses_no_pdf_and_leaves_no_process(bureau, tmp_path, monkeypatch):
    from xlperf.report import pdf as lo

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    monkeypatch.setattr(lo, "new_profile", lambda: Path(tempfile.mkdtemp(dir=profiles)))
    killed: list[int] = []

    def killer():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for pid, cmd in _processes_mentioning(profiles.as_uri()):
                if "soffice.bin" in cmd.split(" ", 1)[0]:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    out = tmp_path / "out"
    result = run_batch([bureau / "县医保局", bureau / "县卫健局", bureau / "医保-购买服务.xlsx"], out, jobs=2, formats="pdf")
    thread.join(timeout=5)
    assert killed, "no LibreOffice process was seen to kill"
    assert len(list(out.glob("*.pdf"))) == 3
    assert not any("PDF 未生成" in (r.error_message or "") for r in result.records)
    assert not _processes_mentioning(profiles.as_uri())
    assert not list(profiles.iterdir())  # the profiles are removed with the batch


# --- workbooks sent a few to a call ------------------------------------------------------------------


@pytest.mark.skipif(
    __import__("multiprocessing").get_start_method() != "fork", reason="relies on fork: the patched reader is inherited by the workers"
)
def test_a_worker_dying_with_a_group_of_workbooks_blames_only_the_one_that_kills_it(bureau_master, tmp_path, monkeypatch):
    from xlperf.batch import job as job_module
    from xlperf.batch import run as run_module

    src = tmp_path / "many"
    src.mkdir()
    good = bureau_master / "县医保局" / "自评表.xlsx"
    many = 2 * run_module.PER_CALL * 2 * run_module.IN_FLIGHT_PER_JOB + 12  # enough to be sent in groups (jobs=2)
    for i in range(many):
        shutil.copyfile(good, src / f"单位{i:02d}.xlsx")
    shutil.copyfile(good, src / "单位07-致命.xlsx")
    real = job_module.load

    def flaky(path, **kw):
        if "致命" in str(path):
            os._exit(9)  # the worker dies without a word, taking its whole call with it
        return real(path, **kw)

    calls = []
    real_submit = run_module.BatchRun._submit

    def counting(self):
        before = set(self.inflight)
        real_submit(self)
        calls.extend(len(group) for fut, group in self.inflight.items() if fut not in before)

    monkeypatch.setattr(job_module, "load", flaky)
    monkeypatch.setattr(run_module.BatchRun, "_submit", counting)
    result = run_batch([src], tmp_path / "out", jobs=2)
    assert max(calls) == run_module.PER_CALL and min(calls) == 1  # groups while many are left, then singly
    failed = [r.file for r in result.records if r.status == "失败"]
    assert failed == ["单位07-致命.xlsx"]
    assert len(result.records) == many + 1 and len(list((tmp_path / "out").glob("*.docx"))) == many


def test_the_state_file_is_streamed_as_the_same_json(tmp_path):
    from xlperf.batch import state as state_module

    entries = {f"/数据/单位{i}.xlsx": {"sha256": f"{i:064x}", "record": {"文件": f"单位{i}.xlsx", "问题": [{"说明": '引号"与<>&\\'}] * (i % 3)}} for i in range(450)}
    version = state_module.STATE_VERSION
    path = tmp_path / state_module.STATE_FILE
    for state in ({"version": version, "entries": entries}, {"version": version, "entries": {}}, {"version": version, "entries": entries, "extra": [1, None, "值"]}):
        path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")  # the last run's file
        store = state_module.StateStore(tmp_path)
        assert b"".join(store.chunks(per_chunk=7)).decode("utf-8") == json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        store.save()
        store.close()
        assert path.read_text(encoding="utf-8") == json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(path.read_text(encoding="utf-8")) == state
    path.unlink()
    store = state_module.StateStore(tmp_path)  # no file yet: this run's entries, put one by one
    for key, entry in entries.items():
        store.put(key, entry)
    store.save()
    store.close()
    assert path.read_text(encoding="utf-8") == json.dumps({"version": version, "entries": entries}, ensure_ascii=False, separators=(",", ":"))
    assert not [p for p in tmp_path.iterdir() if p.name != state_module.STATE_FILE]


def test_the_state_knows_the_report_templates_folder_without_importing_the_reports():
    from xlperf.batch import state as state_module
    from xlperf.report import TEMPLATE_DIR

    assert state_module._template_dir().resolve() == TEMPLATE_DIR.resolve()
