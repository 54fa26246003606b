"""Judging qualitative rows like an evaluator (R6): restatements, synonyms, negations, partials."""

from __future__ import annotations

import pathlib

import pytest

from xlperf.core import judge as J
from xlperf.core.errors import InputError
from xlperf.core.scoring import score_indicator

CORPUS = pathlib.Path(__file__).parents[1] / "data" / "judgement_corpus.tsv"
NOT_FULL = ("negation", "notfully", "partial", "failure")


def _corpus() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CORPUS.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            category, target, actual, expected = line.split("\t")
            rows.append((category, target, actual, expected))
    return rows


def _tier(target: str, actual: str, weight: float = 10) -> tuple[str, float | None]:
    rs = score_indicator(weight, target, actual)
    return ("待定" if rs.score is None else rs.tier or "达成"), rs.score


@pytest.mark.parametrize("category, target, actual, expected", _corpus(), ids=lambda x: x if isinstance(x, str) else "")
def test_corpus_pair_is_never_more_generous_than_an_evaluator(category, target, actual, expected):
    tier, score = _tier(target, actual)
    if category in NOT_FULL or expected in ("部分达成", "未达成"):
        assert score is None or score < 10, f"{actual} / {target}: full marks for a negated or partial actual"
    if expected == "待定":
        assert tier in ("待定", "部分达成", "未达成")


def test_corpus_agreement():
    rows = _corpus()
    assert len(rows) >= 80
    misses = [(t, a, e, _tier(t, a)[0]) for _, t, a, e in rows if _tier(t, a)[0] != e]
    agreement = 1 - len(misses) / len(rows)
    assert agreement >= 0.95, f"agreement {agreement:.1%}; misses: {misses}"


@pytest.mark.parametrize(
    "target, actual",
    [("提升", "未提升"), ("健全", "尚未健全"), ("保障困难群众基本医疗需求", "没有完全保障困难群众基本医疗需求")],
)
def test_containment_is_not_achievement_when_negated(target, actual):
    """The actual contains the target word but says the opposite: it used to score 5 of 5."""
    rs = score_indicator(5, target, actual)
    assert rs.score is not None and rs.score < 5 and rs.tier in ("部分达成", "未达成")


def test_yes_and_none_alone_say_nothing_unless_the_target_asks():
    assert score_indicator(5, "提升", "是").score is None  # 待定
    assert score_indicator(5, "成效明显", "无").score is None
    assert score_indicator(5, "是否按时发放", "是").score == 5
    assert score_indicator(5, "无重大安全事故", "无").score == 5
    assert score_indicator(5, "无重大安全事故", 0).score == 5


def test_a_rate_in_the_text_is_scored_in_proportion():
    rs = score_indicator(10, "全覆盖", "已完成，覆盖率85%")
    assert rs.score == 8.5 and rs.completion == 0.85
    assert score_indicator(10, "≥95%", "已完成，覆盖率98%").score == 10


def test_user_file_extends_the_word_lists(tmp_path, monkeypatch):
    extra = tmp_path / "judgement.toml"
    extra.write_text('achievements = ["圆满收官"]\nsynonyms = [["提升", "跃升"]]\n', "utf-8")
    assert J.judge("圆满收官", "提升").tier is None
    monkeypatch.setenv(J.ENV_VAR, str(extra))
    J.rules.cache_clear()
    try:
        assert J.judge("圆满收官", "提升").tier == J.ACHIEVED
        assert J.judge("跃升", "有效提升").tier == J.ACHIEVED
        assert J.judge("未提升", "提升").tier == J.FAILED  # the package lists still apply
    finally:
        J.rules.cache_clear()


def test_a_bad_user_file_names_the_file(tmp_path, monkeypatch):
    bad = tmp_path / "judgement.toml"
    bad.write_text('achievements = "圆满"\nunknown_list = []\n', "utf-8")
    monkeypatch.setenv(J.ENV_VAR, str(bad))
    J.rules.cache_clear()
    try:
        with pytest.raises(InputError) as exc:
            J.judge("完成", "提升")
        assert "judgement.toml" in str(exc.value) and "achievements" in str(exc.value)
        bad.write_text("achievements = [", "utf-8")
        J.rules.cache_clear()
        with pytest.raises(InputError, match="TOML"):
            J.judge("完成", "提升")
    finally:
        J.rules.cache_clear()


def test_default_path_does_not_load_pydantic_or_rapidfuzz():
    import subprocess
    import sys

    code = (
        "import sys; from xlperf.core.judge import judge; judge('已完成', '提升'); "
        "print('pydantic' in sys.modules, 'rapidfuzz' in sys.modules)"
    )
    env = {"XLPERF_JUDGEMENT": "", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_negated_event_is_good_news_not_a_negation():
    assert J.judge("全年无差错", "财务管理规范").tier is None  # says nothing about 规范: a person decides
    assert J.judge("未发生安全事故，已完成", "完成年度任务").tier == J.ACHIEVED
    assert J.judge("未完成，未发生安全事故", "完成年度任务").tier == J.FAILED
