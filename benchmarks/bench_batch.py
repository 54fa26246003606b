"""Speed of ``xlperf batch``: workbooks per second, peak memory, the naive way and PDF in one run.

Run:  python benchmarks/bench_batch.py --n 1000 [--jobs 2] [--pdf 300] [--naive-limit K] [--stages K]

* Generates N realistic workbooks (20–30 indicators, messy values, some with findings, exactly
  two broken) with build_template + fill_workbook. Generation is not timed and is cached in
  ``$TMPDIR/xlperf-bench/n<N>`` so reruns start at once.
* Times ``run_batch`` (docx) in a fresh child process: workbooks/s, peak memory (ru_maxrss of
  RUSAGE_SELF and of the largest worker) and the CPU time per workbook of the main process and
  of the workers; checks every good workbook has its report and names the broken ones.
* Times the naive way in another child: one process, openpyxl full load of every workbook and a
  freshly loaded docx template (``DocxTemplate(path)``) for every report. ``--naive-limit``
  measures it on the first K workbooks only (it is slow); rates are compared, not totals.
* ``--pdf K`` (default 300): ``run_batch --format pdf`` over the first K workbooks (one
  LibreOffice per job), PDFs per second of the whole run.
* ``--stages K``: where a workbook's milliseconds go, timed step by step in one process over K
  workbooks (CPU time), with the pickling of the record sent back and the 汇总表's share.
* Prints the load average before and after: figures taken on a busy machine are low.

Targets (2-core machine, --jobs 2): N=1000 at >= 150 workbooks/s and >= 8× the naive way, peak
memory <= 100 MB and flat in N (compare --n 1000 and --n 5000), PDF >= 10 reports/s at K=300.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 3  # bump when the generated workbooks change: invalidates the cache

DEPARTMENTS = ("县医疗保障局", "县卫生健康局", "县教育局", "县民政局", "县农业农村局", "县人力资源和社会保障局", "县住房和城乡建设局", "县水利局")
PROJECT_KINDS = ("城乡居民医保补助", "购买服务经费", "六类特殊人群缴费补助", "基层医疗机构能力提升", "义务教育营养改善计划", "困难群众救助", "高标准农田建设", "农村饮水安全巩固提升", "公益性岗位补贴", "老旧小区改造")

# (二级, 三级, 目标, 实际, 偏差原因)
OUTPUT_POOL = (
    ("数量指标", "补助人数（人）", "3626", "3626人", None),
    ("数量指标", "资助参保人数", "5756人", "5756人", None),
    ("数量指标", "培训人次", "≥45000人次", "45210人次", None),
    ("数量指标", "覆盖乡镇数", "12个", "12", None),
    ("数量指标", "参保人数", "242202人", "100%", None),
    ("数量指标", "购买服务项目", "3", "3个", None),
    ("数量指标", "新建改造面积（亩）", "≥5000", "4800亩", "受汛期影响，部分地块延后施工，已列入次年计划"),
    ("质量指标", "医疗保险应保尽保率", "100", "100%", None),
    ("质量指标", "工程验收合格率", "≥95%", "96.5%", None),
    ("质量指标", "资金发放准确率", "100%", "100%", None),
    ("质量指标", "上访率", "≤1%", "0.5%", None),
    ("质量指标", "项目完成率（%）", "98", "98%", None),
    ("时效指标", "补助时间（年）", "2025", "2025年", None),
    ("时效指标", "资金拨付时间", "一个月内", "一个月内", None),
    ("时效指标", "资金拨付及时率", "≥98%", "99%", None),
    ("时效指标", "项目计划完成时间", "2025年", "2025", None),
    ("成本指标", "购买服务成本", "≤40万元", "39.75万元", None),
    ("成本指标", "人均补助标准（元/年）", "280", "280元", None),
    ("成本指标", "项目成本", "控制在年度预算内", "预算内", None),
)
BENEFIT_POOL = (
    ("社会效益", "解决特殊人群看病难、看病贵的问题", "持续", "100%", None),
    ("社会效益", "机构服务能力", "提升", "达成预期指标", None),
    ("社会效益", "群众获得感", "明显提升", "明显提升", None),
    ("经济效益", "减轻群众医疗负担", "明显", "明显", None),
    ("经济效益", "带动就业人数", "≥200人", "215人", None),
    ("生态效益", "水土流失治理", "有效改善", "有效改善", None),
    ("可持续影响指标", "推动医保事业发展", "长期", "100%", None),
    ("可持续影响指标", "跟踪管理机制", "健全", "健全", None),
    ("可持续影响指标", "长效管护机制", "持续", "持续", None),
)
SATISFACTION_POOL = (
    ("服务对象满意度指标", "社会满意度", "95", "95%", None),
    ("服务对象满意度指标", "服务对象满意度", "≥95%", "96%", None),
    ("服务对象满意度指标", "参保群众满意度", "≥90%", "93.32%", None),
)


def _split(total: float, n: int) -> list[float]:
    base = round(total / n, 2)
    weights = [base] * n
    weights[-1] = round(total - base * (n - 1), 2)
    return weights


def workbook_spec(i: int) -> dict:
    rng = random.Random(1000 + i)
    dept = DEPARTMENTS[i % len(DEPARTMENTS)]
    kind = PROJECT_KINDS[rng.randrange(len(PROJECT_KINDS))]
    n_out = rng.randint(11, 16)
    n_ben = rng.randint(6, 10)
    n_sat = rng.randint(2, 3)
    rows = []
    for l1, pool, n, total in (("产出指标", OUTPUT_POOL, n_out, 50.0), ("效益指标", BENEFIT_POOL, n_ben, 30.0), ("满意度指标", SATISFACTION_POOL, n_sat, 10.0)):
        picks = [pool[rng.randrange(len(pool))] for _ in range(n)]
        picks.sort(key=lambda x: pool.index(x))
        for (l2, l3, target, actual, reason), w in zip(picks, _split(total, n)):
            row = {"一级指标": l1, "二级指标": l2, "三级指标": l3, "分值": w, "年度指标值": target, "实际完成值": actual}
            if reason:
                row["偏差原因分析及改进措施"] = reason
            rows.append(row)
    # some with findings: a weight off (E101), an unmet target without a reason, an empty actual
    flaw = i % 7
    if flaw == 1:
        rows[0]["分值"] = round(rows[0]["分值"] + 1, 2)
    elif flaw == 3:
        rows[1]["实际完成值"] = "80%"
        rows[1]["年度指标值"] = "≥95%"
    elif flaw == 5:
        rows[2].pop("实际完成值", None)
    unit = "元" if i % 4 == 0 else "万元"
    budget_total = rng.choice((40, 205.1, 56.92, 120, 300, 1234.5))
    executed = round(budget_total * rng.choice((1, 1, 0.9332, 0.98, 0.995)), 2)
    scale = 10000 if unit == "元" else 1
    budget = {
        "年度资金总额": {"年初预算数": budget_total * scale, "全年预算数": budget_total * scale, "实际到位数": budget_total * scale, "全年执行数": round(executed * scale, 2), "分值": 10},
        "财政拨款": {"年初预算数": budget_total * scale, "全年预算数": budget_total * scale, "实际到位数": budget_total * scale, "全年执行数": round(executed * scale, 2)},
    }
    if executed < budget_total:
        budget["年度资金总额"]["偏差原因分析及改进措施"] = "部分资金按合同进度次年支付"
    info = {
        "项目名称": f"2025年{dept.removeprefix('县')}{kind}项目（{i + 1:04d}）",
        "主管部门": dept,
        "实施单位": dept.replace("局", "事务中心"),
        "评价年度": 2025,
        "评价类型": "项目支出",
        "报告样式": rng.choice(("通用", "四川", "山西", "陕西")),
        "金额单位": unit,
        "年度总体目标": f"完成{kind}年度任务，保障资金安全高效使用，服务对象满意度达到95%以上。",
        "年度总体目标完成情况": "各项年度目标基本完成，资金使用规范。",
        "项目概况": f"本项目为{dept}{kind}，资金用于保障年度重点工作。",
        "立项依据": "根据《关于做好2025年度相关工作的通知》（某财〔2025〕12号）立项。",
        "实施及管理情况": "成立工作领导小组，制定实施方案，按季度调度，严格资金审批。",
        "主要经验做法": "加强组织领导，完善制度，强化监督。",
        "改进措施": "进一步加强过程管理，提高资金使用效益。",
    }
    return {"info": info, "budget": budget, "indicators": rows}


def _make_one(args: tuple[str, str, int]) -> str:
    template, path, i = args
    from xlperf.workbook.template import fill_workbook

    shutil.copyfile(template, path)
    spec = workbook_spec(i)
    fill_workbook(path, info=spec["info"], budget=spec["budget"], indicators=spec["indicators"], merge_levels=(i % 2 == 0))
    return path


def generate(n: int, jobs: int) -> Path:
    """N workbooks in a cached folder: exactly two broken, the rest realistic."""
    folder = Path(tempfile.gettempdir()) / "xlperf-bench" / f"n{n}-v{GENERATOR_VERSION}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from xlperf.workbook.template import build_template

    template = folder / ".template.xlsx"
    build_template(template)
    good = n - 2
    jobs_args = [(str(template), str(folder / f"{DEPARTMENTS[i % len(DEPARTMENTS)]}-{i + 1:04d}-项目自评表.xlsx"), i) for i in range(good)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        for k, _ in enumerate(ex.map(_make_one, jobs_args, chunksize=8), start=1):
            if k % 100 == 0:
                print(f"  generated {k}/{good} ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    (folder / "损坏-文本改名.xlsx").write_text("这不是工作簿，只是改了扩展名的文本文件。\n", encoding="utf-8")
    data = Path(jobs_args[0][1]).read_bytes()
    (folder / "损坏-截断.xlsx").write_bytes(data[: len(data) // 2])
    template.unlink()
    marker.write_text(str(n))
    return folder


# --- children (measured in a fresh process each) ------------------------------------------------


def _maxrss_mb() -> tuple[float, float]:
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / scale / 1024
    return me, kids


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def child_batch(folder: str, out: str, jobs: int) -> None:
    from xlperf.batch import run_batch

    t = time.perf_counter()
    result = run_batch([folder], out, formats="docx", jobs=jobs, force=True)
    elapsed = time.perf_counter() - t
    me, kids = _maxrss_mb()
    failed = [r.file for r in result.records if r.status == "失败"]
    summary_complete = _summary_files(Path(out) / "汇总表.xlsx") == sorted(r.file for r in result.records)
    reported = sum(1 for r in result.records if r.status != "失败" and (Path(out) / r.report).is_file())
    print(json.dumps({"elapsed": elapsed, "n": len(result.records), "failed": len(failed), "failed_names": failed, "reported": reported,
                      "errors": result.with_errors, "self_mb": me, "children_mb": kids,
                      "main_cpu": _cpu(resource.RUSAGE_SELF), "workers_cpu": _cpu(resource.RUSAGE_CHILDREN),
                      "summary": (Path(out) / "汇总表.xlsx").is_file(), "summary_complete": summary_complete}, ensure_ascii=False))


def _summary_files(path: Path) -> list[str]:
    """The 文件 column of the 汇总表's first sheet: one row per workbook, then the totals rows."""
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        return []
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    col = rows[0].index("文件")
    return sorted(str(r[col]) for r in rows[1:] if r[col] not in ("", None, "合计/平均", "等级分布"))


def child_pdf_batch(folder: str, out: str, jobs: int, k: int) -> None:
    from xlperf.batch import run_batch

    files = sorted(p for p in Path(folder).glob("*.xlsx") if not p.name.startswith((".", "~$")) and not p.name.startswith("损坏"))[:k]
    t = time.perf_counter()
    result = run_batch(files, out, formats="pdf", jobs=jobs, force=True)
    elapsed = time.perf_counter() - t
    made = len(list(Path(out).glob("*.pdf")))
    missing = sum(1 for r in result.records if "PDF 未生成" in (r.error_message or ""))
    print(json.dumps({"elapsed": elapsed, "n": len(files), "made": made, "missing": missing,
                      "cpu": _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)}))


def child_stages(folder: str, k: int) -> None:
    """Per-workbook CPU milliseconds of each step of a batch worker, in one process."""
    import pickle

    from xlperf import report
    from xlperf.batch.discover import discover, display_names, output_bases
    from xlperf.batch.job import init_worker
    from xlperf.report import report_sections
    from xlperf.workbook.load import load
    from xlperf.batch.summary import record_from_evaluation, write_summary_xlsx, SummaryRecord

    clock = time.process_time
    t = clock()
    found = discover([folder])
    names, bases = display_names(found.workbooks), output_bases(found.workbooks)
    per = {"discover": (clock() - t) / max(1, len(found.workbooks))}
    init_worker(True, True)
    out = Path(tempfile.mkdtemp(prefix="xlperf-stages-"))
    from xlperf import ooxml as xlsx
    from xlperf.batch.job import UNREAD_SHEETS
    from xlperf.core.scoring import evaluate
    from xlperf.forms.template import read_workbook

    steps = ("read", "score", "record", "narrative", "context", "render docx", "write docx", "transfer (pickle)")
    spent = dict.fromkeys(steps, 0.0)
    records = []
    files = [p for p in found.workbooks if not p.name.startswith("损坏")][:k]
    for p in files[:10]:  # the first report of each template proves its skeleton: not a steady cost
        b = load(p, unread=UNREAD_SHEETS)
        warm_ctx = report.build_context(b.evaluation, report_sections(b.evaluation, b.names, b.grids, None), grids=b.grids)
        report.render_docx(warm_ctx, out / "warm.docx", form=report.official_form_of(b.evaluation, warm_ctx["style"]))
    for p in files:
        t0 = clock()
        sheet_names, grids = xlsx.read_grids(p, exclude=UNREAD_SHEETS)  # as load(unread=UNREAD_SHEETS)
        tr = clock()
        ev = evaluate(read_workbook(sheet_names, grids, source=p.name))
        t1 = clock()
        rec = record_from_evaluation(ev, names[p])
        t2 = clock()
        sections = report_sections(ev, sheet_names, grids, None)
        t3 = clock()
        context = report.build_context(ev, sections, grids=grids)
        form = report.official_form_of(ev, context["style"])
        t4 = clock()
        from xlperf.report.word import WordRenderer, template_bytes

        blob = WordRenderer.shared().render(template_bytes(context.get("style")), context, None, form)
        t5 = clock()
        with open(out / (bases[p] + ".docx"), "wb") as fh:
            fh.write(blob)
        t6 = clock()
        back = pickle.loads(pickle.dumps({"record": rec.to_dict(), "pdf_source": None}))
        records.append(SummaryRecord.from_dict(back["record"]))
        t7 = clock()
        for step, d in zip(steps, (tr - t0, t1 - tr, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6)):
            spent[step] += d
    t = clock()
    write_summary_xlsx(records, out / "汇总表.xlsx")
    per.update({step: v / len(files) for step, v in spent.items()})
    per["summary (汇总表)"] = (clock() - t) / len(files)
    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({"n": len(files), "ms": {k2: v * 1000 for k2, v in per.items()}}, ensure_ascii=False))


def child_naive(folder: str, out: str, limit: int) -> None:
    """One process; openpyxl full load; a freshly loaded docx template for every report."""
    import openpyxl
    from docxtpl import DocxTemplate

    from xlperf import report
    from xlperf.forms.template import read_workbook
    from xlperf.report.word import _env, postprocess
    from xlperf.core.scoring import evaluate

    files = sorted(p for p in Path(folder).glob("*.xlsx") if not p.name.startswith((".", "~$")))[:limit]
    Path(out).mkdir(parents=True, exist_ok=True)
    done = failed = 0
    t = time.perf_counter()
    for p in files:
        try:
            wb = openpyxl.load_workbook(p, data_only=True)
            names = wb.sheetnames
            grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
            ev = evaluate(read_workbook(names, grids, source=p.name))
            context = report.build_context(ev, report.report_sections(ev, names, grids, None), grids=grids)
            doc = DocxTemplate(str(report.template_path(context["style"])))  # loaded afresh every time
            doc.render(context, _env())
            postprocess(doc.docx.element.body)
            doc.save(str(Path(out) / (p.stem + "-自评报告.docx")))
            done += 1
        except Exception:  # noqa: BLE001
            failed += 1
    elapsed = time.perf_counter() - t
    me, kids = _maxrss_mb()
    print(json.dumps({"elapsed": elapsed, "n": len(files), "done": done, "failed": failed, "self_mb": me, "children_mb": kids}))


def _child(*args: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pdf", type=int, default=300, help="PDF batch over this many workbooks (0: none)")
    ap.add_argument("--naive-limit", type=int, default=None, help="time the naive way on the first K workbooks only")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--stages", type=int, default=0, help="time each step over K workbooks in one process")
    ap.add_argument("--repeat", type=int, default=1, help="time the batch this many times (median reported)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "batch":
            child_batch(rest[0], rest[1], int(rest[2]))
        elif kind == "naive":
            child_naive(rest[0], rest[1], int(rest[2]))
        elif kind == "pdf":
            child_pdf_batch(rest[0], rest[1], int(rest[2]), int(rest[3]))
        elif kind == "stages":
            child_stages(rest[0], int(rest[1]))
        return

    t = time.perf_counter()
    folder = generate(args.n, max(2, os.cpu_count() or 2))
    print(f"workbooks: {folder} ({args.n}, ready in {time.perf_counter() - t:.1f} s, not timed); {os.cpu_count()} CPUs; load average {_load()}")
    with tempfile.TemporaryDirectory(prefix="xlperf-bench-out-") as tmp:
        out = Path(tmp) / "batch"
        runs = []
        for _ in range(max(1, args.repeat)):
            b = _child("--child", "batch", str(folder), str(out), str(args.jobs))
            runs.append(b)
            n = b["n"]
            print(
                f"xlperf batch --jobs {args.jobs} (docx): {n} workbooks in {b['elapsed']:.2f} s = {n / b['elapsed']:.1f} workbooks/s "
                f"(reports {b['reported']}, failed {b['failed']}: {', '.join(b['failed_names'])}; with errors {b['errors']}; "
                f"汇总表 {('complete' if b['summary_complete'] else 'INCOMPLETE') if b['summary'] else 'MISSING'}); peak RSS main {b['self_mb']:.0f} MB, largest worker {b['children_mb']:.0f} MB; "
                f"CPU per workbook: main {b['main_cpu'] / n * 1000:.1f} ms, workers {b['workers_cpu'] / n * 1000:.1f} ms"
            )
        b = sorted(runs, key=lambda r: r["elapsed"])[len(runs) // 2]
        rate = b["n"] / b["elapsed"]
        if len(runs) > 1:
            print(f"median of {len(runs)}: {rate:.1f} workbooks/s")
        if not args.no_naive:
            limit = args.naive_limit or args.n
            nv = _child("--child", "naive", str(folder), str(Path(tmp) / "naive"), str(limit))
            nrate = nv["n"] / nv["elapsed"]
            print(
                f"naive (1 process, openpyxl full load, DocxTemplate per report): {nv['n']} workbooks in {nv['elapsed']:.2f} s = {nrate:.1f} workbooks/s; "
                f"peak RSS {nv['self_mb']:.0f} MB"
            )
            print(f"speed-up batch / naive: {rate / nrate:.1f}×")
        if args.pdf:
            k = min(args.pdf, args.n - 2)
            pdf = _child("--child", "pdf", str(folder), str(Path(tmp) / "pdf"), str(args.jobs), str(k))
            print(
                f"xlperf batch --jobs {args.jobs} --format pdf: {pdf['made']}/{pdf['n']} PDFs (未生成 {pdf['missing']}) in {pdf['elapsed']:.2f} s "
                f"= {pdf['n'] / pdf['elapsed']:.2f} reports/s; CPU per report (xlperf and LibreOffice) {pdf['cpu'] / pdf['n'] * 1000:.0f} ms"
            )
        if args.stages:
            st = _child("--child", "stages", str(folder), str(min(args.stages, args.n - 2)))
            total = sum(st["ms"].values())
            print(f"where a workbook's CPU time goes (one process, {st['n']} workbooks): " + "; ".join(f"{k} {v:.2f} ms" for k, v in st["ms"].items()) + f"; total {total:.1f} ms")
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
