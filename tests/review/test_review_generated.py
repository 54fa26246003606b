"""Reports we generate review clean, over the report oracle's space of workbooks: the shipped
examples, department reports with their project annexes, and seeded variations (points lost with
and without a reason, blank actuals → 待定, over-execution, reverse and deadline rows, manual
scores, 存在问题 = 无 …), each rendered in every style its type has, reviewed against its annex and
against its workbook.

The prose never gives a finding. The table may: a workbook our own check finds arithmetic errors in
(a manual score differing from the computed one without a reason, E404; outside its tier, E403 …)
gives exactly those as table_arithmetic, and nothing else.
"""

from __future__ import annotations

import pytest

from tests.report.oracle.gen import DEPT_STYLES, PROJECT_STYLES, space
from tests.report.oracle.run import build, render
from tests.sampling import sample
from xlperf.review import review_report
from xlperf.review.compare import Comparison

SPACE_N = sample(22, 60)  # the bases, the departments and each featured variation at 22


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2026, 7])
def test_generated_reports_review_clean(tmp_path, seed):
    from xlperf.api import check_file

    made = build(space(SPACE_N, seed), tmp_path / "wb")
    reviewed = with_facts = 0
    problems = []
    for idx, (spec, wb, proj) in enumerate(made):
        arithmetic = {f.code for f in check_file(wb).findings if f.code in Comparison.ARITHMETIC}
        for style in DEPT_STYLES if proj else PROJECT_STYLES:
            out = tmp_path / "out" / f"{idx:03d}-{style}.docx"
            out.parent.mkdir(parents=True, exist_ok=True)
            assert not render(wb, out, style, "docx", projects=proj), (spec.name, style)
            for table in (None, wb):
                r = review_report(out, table)
                reviewed += 1
                with_facts += bool(r.facts)
                for f in r.findings:
                    if table is None and f.code == "V001" and r.table is None:
                        continue  # 四川 reports carry no annex table
                    if f.kind == "table_arithmetic" and arithmetic:
                        continue  # the workbook's own arithmetic error, found by check as well
                    problems.append(f"{spec.name}|{spec.variant}|{style}|{'annex' if table is None else 'book'}: {f.code} {f.where} {f.message}")
                if arithmetic:
                    assert any(f.kind == "table_arithmetic" for f in r.findings) or r.table is None, (spec.name, style, arithmetic)
    assert reviewed >= 4 * SPACE_N
    assert with_facts >= reviewed * 0.9
    assert not problems, "\n".join(problems[:20])
