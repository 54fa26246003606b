"""Metamorphic: one stated figure of a clean report replaced by any value gives a finding exactly
when the value differs from the table as displayed (its own decimals), and only that finding."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.review.conftest import edit_paragraph
from xlperf.review import review_report

TOTAL = 84.31  # 临汾购买服务: its total and its 执行率 (37.24 ÷ 40)
RATE = 93.1

values = st.one_of(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("120"), places=2).map(lambda d: format(d.normalize(), "f")),
    st.sampled_from(["84.31", "84.3", "84", "84.32", "85", "93.1", "93.10", "93", "93.2", "107.41", "107.4", "107", "100"]),
)


def _report(own_reports):
    return next(r for n, s, wb, r in own_reports if (n, s) == ("临汾购买服务", "通用"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shown=values)
def test_total_found_exactly_when_it_differs(own_reports, tmp_path_factory, shown):
    bad = tmp_path_factory.mktemp("p") / "r.docx"
    edit_paragraph(_report(own_reports), bad, "自评得分84.31分", f"自评得分{shown}分")
    r = review_report(bad)
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    differs = abs(float(shown) - TOTAL) > 0.5 * 10**-decimals + 1e-9
    assert [f.kind for f in r.findings] == (["total_mismatch"] if differs else []), (shown, [f.message for f in r.findings])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shown=values)
def test_rate_found_exactly_when_it_differs(own_reports, tmp_path_factory, shown):
    bad = tmp_path_factory.mktemp("p") / "r.docx"
    edit_paragraph(_report(own_reports), bad, "预算执行率93.1%", f"预算执行率{shown}%")
    r = review_report(bad)
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    tol = 0.5 * 10**-decimals + 1e-9
    if abs(float(shown) - RATE) <= tol:
        expected = []
    elif abs(float(shown) - 4000 / 37.24) <= tol:
        expected = ["rate_inverted"]
    else:
        expected = ["rate_mismatch"]
    assert [f.kind for f in r.findings] == expected, (shown, [f.message for f in r.findings])
