"""The value parser over every form domain.md lists, plus properties that must hold for any string."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlperf.core import values as V
from xlperf.core.values import parse_value


@pytest.mark.parametrize(
    "raw, kind, number, unit, op",
    [
        ("3626", V.NUMBER, 3626, "", None),
        ("3626人", V.NUMBER, 3626, "人", None),
        ("242202 人", V.NUMBER, 242202, "人", None),
        ("≥95%", V.PERCENT, 95, "%", ">="),
        (">98%", V.PERCENT, 98, "%", ">"),
        ("≤30天", V.NUMBER, 30, "天", "<="),
        ("上访率≤1%", V.PERCENT, 1, "%", "<="),
        ("100", V.NUMBER, 100, "", None),
        ("100%", V.PERCENT, 100, "%", None),
        ("93.32%", V.PERCENT, 93.32, "%", None),
        ("39.75万元", V.NUMBER, 39.75, "万元", None),
        ("300", V.NUMBER, 300, "", None),
        ("2021", V.YEAR, 2021, "", None),
        ("2021年", V.YEAR, 2021, "", None),
        ("45000人次", V.NUMBER, 45000, "人次", None),
        ("９５％", V.PERCENT, 95, "%", None),
        ("≧９５％", V.PERCENT, 95, "%", ">="),
        ("1,234.5元", V.NUMBER, 1234.5, "元", None),
        ("１，２３４人", V.NUMBER, 1234, "人", None),
        ("≥2次", V.NUMBER, 2, "次", ">="),
        ("≤12万元", V.NUMBER, 12, "万元", "<="),
        ("1.2万人", V.NUMBER, 12000, "人", None),
        ("95%以上", V.PERCENT, 95, "%", ">="),
        ("30天以内", V.NUMBER, 30, "天", "<="),
        ("60日内", V.NUMBER, 60, "日", "<="),
        ("一个月内", V.NUMBER, 1, "个月", "<="),
        ("3个工作日", V.NUMBER, 3, "个工作日", None),
        ("4000元/年·人", V.NUMBER, 4000, "元/年·人", None),
        ("不低于90%", V.PERCENT, 90, "%", ">="),
        ("5‰", V.PERCENT, 0.5, "%", None),
    ],
)
def test_parses_real_forms(raw, kind, number, unit, op):
    p = parse_value(raw)
    assert p.kind == kind
    assert p.number == pytest.approx(number)
    assert p.unit == unit
    assert p.op == op


@pytest.mark.parametrize("raw", ["预算内", "控制在年度预算内", "持续", "长期", "提升", "健全", "达成预期指标", "有效缓解"])
def test_words_are_qualitative_text(raw):
    p = parse_value(raw)
    assert p.kind == V.TEXT
    assert p.text == raw


@pytest.mark.parametrize(
    "raw, date",
    [
        ("2021年12月31日", dt.date(2021, 12, 31)),
        ("2021-06-30", dt.date(2021, 6, 30)),
        ("2021.6", dt.date(2021, 6, 30)),
        ("2021年6月底前", dt.date(2021, 6, 30)),
        (dt.date(2022, 3, 1), dt.date(2022, 3, 1)),
        (dt.datetime(2022, 3, 1, 12, 0), dt.date(2022, 3, 1)),
    ],
)
def test_dates(raw, date):
    p = parse_value(raw)
    assert p.kind == V.DATE
    assert p.date == date


def test_numbers_from_cells():
    assert parse_value(2021).kind == V.YEAR
    assert parse_value(0.95).kind == V.NUMBER and parse_value(0.95).number == 0.95
    assert parse_value(None).kind == V.EMPTY
    assert parse_value("   ").kind == V.EMPTY
    assert parse_value(True).text == "是"
    assert parse_value(float("nan")).kind == V.ERROR


@pytest.mark.parametrize("raw", ["#DIV/0!", "#REF!", "#N/A", "#VALUE!"])
def test_excel_error_strings(raw):
    p = parse_value(raw)
    assert p.kind == V.ERROR and p.text == raw


def test_error_objects_from_reader():
    from dataclasses import dataclass

    @dataclass
    class CellError:
        code: str

    assert parse_value(CellError("#REF!")).kind == V.ERROR


@pytest.mark.parametrize(
    "actual, target, tier",
    [
        ("达成", "提升", "达成"),
        ("已完成", "健全", "达成"),
        ("持续", "持续", "达成"),
        ("有效缓解", "有效缓解", "达成"),
        ("部分达成", "提升", "部分达成"),
        ("基本完成", "提升", "部分达成"),
        ("未达成", "提升", "未达成"),
        ("100%", "长期", "达成"),
        # 较差 states a poor result: 未达成 (it was undecidable while only 效果较差 was known)
        ("较差但有改善的说法", "健全", "未达成"),
        ("见附件说明", "健全", None),
    ],
)
def test_achievement_words(actual, target, tier):
    assert V.achievement_of(parse_value(actual), parse_value(target)) == tier


@pytest.mark.parametrize(
    "value, places, expected",
    [(2.675, 2, 2.68), (9.325, 2, 9.33), (0.125, 2, 0.13), (93.315, 2, 93.32), (1.005, 2, 1.01), (-0.5, 0, -1.0)],
)
def test_round_half_up(value, places, expected):
    assert V.round_half_up(value, places) == expected


@pytest.mark.parametrize("value, text", [(300.0, "300"), (39.75, "39.75"), (39.750, "39.75"), (0.1 + 0.2, "0.3"), (2.0, "2")])
def test_format_number_trims_zeros(value, text):
    assert V.format_number(value) == text


def test_format_rate_and_score():
    assert V.format_rate(0.93324) == "93.32%"
    assert V.format_rate(1) == "100.00%"
    assert V.format_score(84.305) == "84.31"


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_string(s):
    p = parse_value(s)
    assert p.kind in (V.EMPTY, V.NUMBER, V.PERCENT, V.YEAR, V.DATE, V.TEXT, V.ERROR)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(), st.dates()))
def test_parser_never_raises_on_any_cell_value(v):
    parse_value(v)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-10000, max_value=10000, places=3))
def test_round_half_up_matches_decimal(d):
    from decimal import ROUND_HALF_UP, Decimal

    expected = float(Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert V.round_half_up(float(d), 2) == expected


def test_fit_cell_counts_as_excel_does():
    assert V.fit_cell("短文本") == "短文本"
    cut = V.fit_cell("字" * 40000, note="【略】")
    assert len(cut) == 32767 and cut.endswith("【略】")
    emoji = V.fit_cell("😀" * 20000)  # each counts 2 in Excel
    assert len(emoji.encode("utf-16-le")) // 2 <= 32767 and emoji.endswith("…")
    assert V.fit_cell("字" * 32767) == "字" * 32767


def test_a_percent_formatted_cell_is_read_as_the_percentage_it_shows():
    p = V.parse_value(V.Percent(0.98))
    assert (p.kind, p.number, p.unit, p.raw) == (V.PERCENT, 98.0, "%", "98%")
    assert V.parse_value(V.Percent(0.9332)).raw == "93.32%"
    assert V.parse_value(0.98).kind == V.NUMBER  # the same number without the format stays a number
