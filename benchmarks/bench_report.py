"""Speed of the Word report: a 30-indicator workbook rendered to .docx in-process.

Run: python benchmarks/bench_report.py
Target: render_report(workbook -> .docx) < 150 ms median over 20 runs after one warm-up.
Also shown: the parts (read + score, narrative + context, docx alone) and Markdown/HTML.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 20


def workbook(path: Path, n: int = 30) -> None:
    """Budget 10 + 产出 50 + 效益 30 + 满意度 10 over ``n`` indicators, with merged 一级/二级."""
    from xlperf.workbook.template import build_template, fill_workbook

    build_template(path, style="山西")
    plan = [("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标"), 50, n - 8), ("效益指标", ("社会效益指标", "可持续影响指标"), 30, 6), ("满意度指标", ("服务对象满意度指标",), 10, 2)]
    values = {
        "数量指标": ("3626人", "3600人"),
        "质量指标": ("≥95%", "96%"),
        "时效指标": ("2021年", "2021年"),
        "成本指标": ("≤40万元", "39.75万元"),
        "社会效益指标": ("持续", "持续"),
        "可持续影响指标": ("长期", "100%"),
        "服务对象满意度指标": ("≥95%", "97%"),
    }
    rows = []
    for l1, l2s, total, count in plan:
        for i in range(count):
            l2 = l2s[i * len(l2s) // count]
            t, a = values[l2]
            rows.append({"一级指标": l1, "二级指标": l2, "三级指标": f"{l2[:2]}指标{i + 1}", "分值": round(total / count, 4) if i < count - 1 else round(total - round(total / count, 4) * (count - 1), 4), "年度指标值": t, "实际完成值": a, "偏差原因分析及改进措施": "按计划推进"})
    fill_workbook(
        path,
        info={"项目名称": "基准测试项目", "主管部门": "某县医疗保障局", "实施单位": "某县医疗保险中心", "评价年度": 2025, "金额单位": "万元", "报告样式": "山西"},
        budget={"年度资金总额": {"年初预算数": 100, "全年预算数": 100, "实际到位数": 100, "全年执行数": 98, "分值": 10, "偏差原因分析及改进措施": "结余用于下年"}},
        indicators=rows,
        merge_levels=True,
    )


def timed(fn, runs: int = RUNS) -> float:
    fn()  # warm-up: templates read, Jinja compiled, modules imported
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    from xlperf.core import narrative
    from xlperf import report as R
    from xlperf.workbook.load import load

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        wb = d / "bench.xlsx"
        workbook(wb)
        b = load(wb)
        ev, names, grids = b.evaluation, b.names, b.grids
        assert len(ev.indicators) == 30, len(ev.indicators)
        out = d / "bench.docx"

        total = timed(lambda: R.render_report(wb, out))
        print(f"render_report -> docx, 30 indicators (median of {RUNS}): {total:.0f} ms (target < 150)")

        print(f"  read + score (load): {timed(lambda: load(wb)):.0f} ms")
        sections = R.report_sections(ev, names, grids, None)
        print(f"  narrative + context: {timed(lambda: R.build_context(ev, narrative.generate(ev), grids=grids)):.1f} ms")
        ctx = R.build_context(ev, sections, grids=grids)
        form = R.official_form_of(ev, ctx["style"])
        print(f"  render_docx alone: {timed(lambda: R.render_docx(ctx, out, form=form)):.0f} ms")
        print(f"  render_markdown: {timed(lambda: R.render_markdown(ctx, form)):.1f} ms; render_html: {timed(lambda: R.render_html(ctx, form)):.1f} ms")
        if total >= 150:
            print("SLOWER THAN TARGET")
            sys.exit(1)


if __name__ == "__main__":
    main()
