"""Results carry enum members (Direction, Tier, Severity) that read, print and serialise as their word."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import pytest

from xlperf.api import evaluation_json
from xlperf.core.enums import Direction, Severity, Tier
from xlperf.core.findings import RULES
from xlperf.core.scoring import evaluate, score_indicator
from xlperf.workbook.load import load

from tests.grids import evaluate_grids, row, standard_rows

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "workbooks").glob("示例-*.xlsx"))


def _plain(x):
    """The same data with every enum member replaced by a plain str of its value."""
    if isinstance(x, Enum):
        return str.__str__(x) if isinstance(x, str) else x.value
    if isinstance(x, dict):
        return {_plain(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


def _has_enum(x) -> bool:
    if isinstance(x, Enum):
        return True
    if isinstance(x, dict):
        return any(_has_enum(k) or _has_enum(v) for k, v in x.items())
    if isinstance(x, list):
        return any(_has_enum(v) for v in x)
    return False


def test_the_catalogue_names_severity_by_member_and_code_letter():
    letter = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
    for code, rule in RULES.items():
        assert type(rule.severity) is Severity and rule.severity is letter[code[0]], code


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_results_carry_members_and_json_shows_the_words(path):
    ev = evaluate(load(path).input)
    assert all(type(r.direction) is Direction for r in ev.indicators)
    assert all(r.tier is None or type(r.tier) is Tier for r in ev.indicators)
    assert all(type(f.severity) is Severity for f in ev.findings)
    assert ev.errors == [f for f in ev.findings if f.severity == "错误"]
    assert ev.warnings == [f for f in ev.findings if f.severity == "警告"]
    data = evaluation_json(ev, file=path.name)
    assert _has_enum(data)  # the members reach the JSON ...
    for ensure_ascii in (True, False):  # ... and serialise exactly as the plain words
        assert json.dumps(data, ensure_ascii=ensure_ascii) == json.dumps(_plain(data), ensure_ascii=ensure_ascii)


def test_every_direction_and_tier_comes_out_as_a_member():
    rows = standard_rows() + [
        row("产出指标", "数量指标", "不适用行", 0, "100人", "100人", direction="不适用"),
        row("产出指标", "质量指标", "等值", 0, "=100%", "100%"),
        row("效益指标", "社会效益指标", "部分", 0, "提升", "部分达成"),
    ]
    ev = evaluate_grids(rows)
    seen = {r.direction for r in ev.indicators}
    assert all(type(d) is Direction for d in seen)
    assert {Direction.MORE, Direction.LESS, Direction.EQUAL, Direction.QUALITATIVE, Direction.DEADLINE, Direction.NOT_APPLICABLE} <= seen
    assert any(r.tier is Tier.PARTLY for r in ev.indicators)
    assert score_indicator(10, "≤30天", "25天").direction is Direction.LESS
    assert score_indicator(10, "提升", "未达成").tier is Tier.NOT_MET
