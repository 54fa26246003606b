"""Judge a qualitative 实际完成值 against its 年度指标值 the way an evaluator reads them (R6).

Real actuals rarely repeat the target: ``保障了参保人员待遇`` restates ``保障参保人员待遇``,
``明显提升`` answers ``有效提升``, while ``尚未健全`` and ``没有完全保障…`` contain the target
word and say the opposite. :func:`judge` normalises both texts, reads a 是/否 answer, then
negative facts (挤占, 挪用, 超支, 存在……问题; negated they are good news; with 基本/个别 a partial
tier), wording that states a tier (negation, partial, failure), the ranked quality words
(显著 > 明显 > 良好 > 较好 > 一般 > 较差), then a restatement (equal or contained after
normalisation, or similar by rapidfuzz's ratio) and words that state achievement.

The word lists live in ``xlperf/core/data/judgement.toml``; a user file (``XLPERF_JUDGEMENT``
or ``judgement.toml`` in the user's xlperf config folder, see docs/judgement.md) adds to them.
They are read once per process, on the first judgement.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlperf.core.enums import Tier

ACHIEVED, PARTIAL, FAILED = Tier.MET, Tier.PARTLY, Tier.NOT_MET
ENV_VAR = "XLPERF_JUDGEMENT"
USER_FILE_NAME = "judgement.toml"

_LIST_KEYS = (
    "fillers",
    "intensifiers",
    "negations",
    "negation_exceptions",
    "not_fully",
    "partials",
    "failures",
    "achievements",
    "yes_words",
    "no_words",
    "question_markers",
    "none_words",
    "event_words",
    "flaws",
    "flaw_nouns",
    "averting",
    "campaigns",
    "overruns",
    "compliance_targets",
    "within_budget",
    "savings",
    "ceiling_markers",
    "budget_shares",
)
_GROUP_KEYS = ("synonyms", "antonyms")
_REPLACED_GROUP_KEYS = ("quality_tiers",)  # a ranking: a user file replaces it
# punctuation and spaces carry no meaning here (after NFKC, full-width forms are half-width)
# (a point or comma between digits stays: 85.5% is not 855%)
_NOISE = re.compile(r"(?:[\s\u3000;:!?，。；：！？、'\"“”‘’()（）\[\]【】《》<>〈〉…·~—_-]|(?<!\d)[.,]|[.,](?!\d))+")
_PERCENT_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)%")
_POSITIVE_COUNT = re.compile(r"(?<![\d.])([1-9]\d*)(?:起|次|件|例|人次|个|宗|家)")


@dataclass(frozen=True)
class Judgement:
    """The tier an actual states (None: undecidable) or, for a rate inside the text, the ratio."""

    tier: Tier | None
    ratio: float | None = None  # "完成率85%" inside the text: scored like a percentage actual
    over: float | None = None  # "超出预算8%": the actual as a share of its ceiling (1.08), scored by R4
    why: str = ""  # a short reason, for tests and the curious


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: judge's memo is per Rules
class Rules:
    words: dict[str, tuple[str, ...]]
    canonical: tuple[tuple[str, str], ...]  # (word, its group's first word), longest first
    antonyms: tuple[tuple[str, str], ...]
    threshold: float
    negation_re: re.Pattern[str]
    not_fully_re: re.Pattern[str]
    exception_re: re.Pattern[str]
    strip_re: re.Pattern[str] | None
    canonical_re: re.Pattern[str] | None
    good_news_re: re.Pattern[str]  # 无差错, 未发生安全事故: a negated event is good news, not a negation
    flaw_re: re.Pattern[str]  # a negative fact: 挤占, 超支, 存在……问题
    negated_flaw_re: re.Pattern[str]  # 无挤占挪用, 未超出预算, 不存在……问题: good news
    overrun_re: re.Pattern[str]  # 超出预算8%
    tiers: tuple[tuple[str, int], ...]  # (quality word, rank: 0 is best), longest word first
    share_re: re.Pattern[str]  # 预算执行率98%: a percentage of the budget


# --- the word lists -----------------------------------------------------------------------------


def user_file() -> Path | None:
    """The user's extension file, when there is one: $XLPERF_JUDGEMENT, else judgement.toml in
    the xlperf config folder (%APPDATA%\\xlperf on Windows, $XDG_CONFIG_HOME/xlperf or
    ~/.config/xlperf elsewhere)."""
    env = os.environ.get(ENV_VAR)
    if env is not None:
        return Path(env) if env.strip() else None
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = base / "xlperf" / USER_FILE_NAME
    return path if path.is_file() else None


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


@functools.cache
def rules() -> Rules:
    """The word lists: the package's, plus the user's file when one exists (validated)."""
    import tomllib

    # the package data file beside this module (importlib.resources costs more to import than the read)
    data = tomllib.loads((Path(__file__).parent / "data" / "judgement.toml").read_text("utf-8"))
    extra = user_file()
    if extra is not None:
        data = _merge(data, _load_user(extra))
    words = {k: tuple(_norm(w) for w in data.get(k, ())) for k in _LIST_KEYS}
    canonical = sorted(((_norm(w), _norm(g[0])) for g in data.get("synonyms", ()) for w in g if g), key=lambda p: -len(p[0]))
    antonyms = tuple((_norm(a), _norm(b)) for a, b in (g[:2] for g in data.get("antonyms", ()) if len(g) >= 2))
    strip = _alternation(words["fillers"] + words["intensifiers"])
    negation = _alternation(words["negations"])
    flaw = _alternation(words["flaws"]) or "(?!)"
    nouns = _alternation(words["flaw_nouns"]) or "(?!)"
    facts = f"(?:{flaw})|存在.{{0,12}}?(?:{nouns})"
    tiers = sorted(((_norm(w), rank) for rank, group in enumerate(data.get("quality_tiers", ())) for w in group if _norm(w)), key=lambda p: -len(p[0]))
    return Rules(
        words=words,
        canonical=tuple(canonical),
        antonyms=antonyms,
        threshold=float(data.get("similarity_threshold", 72)),
        negation_re=re.compile(negation or "(?!)"),
        not_fully_re=re.compile(f"(?:{negation or '(?!)'})(?:{_alternation(words['not_fully']) or '(?!)'})"),
        exception_re=re.compile(_alternation(words["negation_exceptions"]) or "(?!)"),
        strip_re=re.compile(strip) if strip else None,
        canonical_re=re.compile(_alternation(tuple(w for w, _ in canonical))) if canonical else None,
        good_news_re=re.compile(
            f"(?:{negation or '(?!)'})(?:发生|出现|收到|接到)?(?:任何|重大|严重|较大|一般|安全|有效)?(?:{_alternation(words['event_words']) or '(?!)'})"
        ),
        flaw_re=re.compile(facts),
        negated_flaw_re=re.compile(
            f"(?:{_alternation(words['negations'] + words['averting']) or '(?!)'})(?:了)?(?:发现|发生|出现|存在|有)?(?:任何|重大|严重|明显)?(?:{facts})(?:(?:(?!但|却|而|仍|存在|有)\\w){{0,4}}?(?:{flaw}))*"
            # 违规行为专项整治: a campaign against the flaw
            f"|(?:{flaw})(?:行为|资金|问题|案件)?(?:{_alternation(words['campaigns']) or '(?!)'})"
            # 违规金额0元, 挪用资金0笔: a flaw counted at zero
            f"|(?:{flaw})(?:(?!但|却|而|仍|存在|有)[^\\d]){{0,4}}?(?:为|是)?(?:0|零)(?![\\d.])(?:元|万元|起|次|件|笔|个|项|例|宗)?"
        ),
        overrun_re=re.compile(f"(?:{_alternation(words['overruns']) or '(?!)'})(?:了|约|达)?(\\d+(?:\\.\\d+)?)%"),
        tiers=tuple(tiers),
        share_re=re.compile(f"(?:{_alternation(words['budget_shares']) or '(?!)'})(?:为|达|是|约)?(\\d+(?:\\.\\d+)?)%"),
    )


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if value is None:
            continue
        if key in _LIST_KEYS or key in _GROUP_KEYS:
            out[key] = [*base.get(key, []), *value]
        elif key in _REPLACED_GROUP_KEYS:
            out[key] = value
        else:
            out[key] = value
    return out


def _load_user(path: Path) -> dict[str, Any]:
    """Read and validate the user's file; a clear Chinese error naming the file otherwise."""
    import tomllib

    from pydantic import ConfigDict, Field, ValidationError, create_model

    from xlperf.core.errors import InputError, XCode

    fields: dict[str, Any] = {key: (list[str] | None, None) for key in _LIST_KEYS}
    fields.update({key: (list[list[str]] | None, None) for key in (*_GROUP_KEYS, *_REPLACED_GROUP_KEYS)})
    fields["similarity_threshold"] = (float | None, Field(default=None, ge=0, le=100))
    user_rules = create_model("UserRules", __config__=ConfigDict(extra="forbid"), **fields)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"无法读取定性指标判定词表：{exc.strerror or exc}", path=path, code=XCode.INPUT_MISSING) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"定性指标判定词表不是有效的 TOML 文件（{exc}）", path=path, code=XCode.INPUT_MISSING) from exc
    try:
        return user_rules.model_validate(raw).model_dump(exclude_none=True)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}" for e in exc.errors()[:5])
        raise InputError(f"定性指标判定词表内容有误（{problems}）", path=path, code=XCode.INPUT_MISSING) from exc


# --- normalising --------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Full width to half width, lower case, no punctuation or spaces."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text)).lower())


def _core(text: str, r: Rules) -> str:
    """The meaning-bearing part: fillers and intensifiers removed, synonyms unified."""
    s = r.strip_re.sub("", text) if r.strip_re else text
    s = _canonical(s, r)
    return s or _canonical(text, r)


def _canonical(text: str, r: Rules) -> str:
    if r.canonical_re is None:
        return text
    table = dict(r.canonical)
    return r.canonical_re.sub(lambda m: table[m.group(0)], text)


def _negations(text: str, r: Rules) -> int:
    return len(r.negation_re.findall(r.exception_re.sub("□", r.good_news_re.sub("□", text))))


def _more(actual: str, target: str, words: tuple[str, ...]) -> bool:
    """The actual uses one of ``words`` more often than the target does."""
    return any(w and actual.count(w) > target.count(w) for w in words)


# --- the judgement --------------------------------------------------------------------------------


_MEMO_LEN = 128  # longer texts are rare and not worth keeping alive in the memo


def judge(actual: str, target: str) -> Judgement:
    """The tier ``actual`` states for ``target`` (both as typed); tier None when it says nothing."""
    r = rules()
    if type(actual) is str and type(target) is str and len(actual) <= _MEMO_LEN and len(target) <= _MEMO_LEN:
        return _judge_memo(actual, target, r)  # the same pairs recur across rows and workbooks
    return _judge(actual, target, r)


def _judge(actual: str, target: str, r: Rules) -> Judgement:
    a, t = _norm(actual), _norm(target)
    if not a:
        return Judgement(None, why="空")
    for step in (_answer_words, _facts, _events, _stated_tier):
        found = step(a, t, r)
        if found is not None:
            return found
    ranks = (_tier_rank(actual, r), _tier_rank(target, r))
    found = _ranked(*ranks, t, r)
    if found is not None:
        return found
    for step in (_restatement, _rate_in_text, _achievement, _similar):
        found = step(a, t, r)
        if found is not None:
            return found
    if ranks[0] is not None and ranks[1] is None and not _DIGIT.search(t):
        return Judgement(ACHIEVED, why="质量等级")  # a bare 较好 or 良好 against a qualitative target without a tier
    return Judgement(None, why="无法判断")


_judge_memo = functools.lru_cache(maxsize=4096)(_judge)  # Judgement is frozen: safe to share


def _is_event(t: str, r: Rules) -> bool:
    return any(w and w in t for w in r.words["event_words"])


def _answer_words(a: str, t: str, r: Rules) -> Judgement | None:
    """是 / 否 answer a 是否… question or a 是 / 否 target only; 无 / 0 alone answer an event target only."""
    question = any(q and q in t for q in r.words["question_markers"])
    event = _is_event(t, r)
    if t in r.words["yes_words"] or t in r.words["no_words"]:
        wanted = "是" if t in r.words["yes_words"] else "否"  # the target is the answer itself
    elif question:
        wanted = "否" if event else "是"  # 是否发生安全事故: 否 is the good answer
    else:
        wanted = None
    answer, rest = _answer_of(a, r)
    if answer is None:
        if a in r.words["none_words"] and not event:
            return Judgement(None, why="“无”只回答事件类目标")
        return None
    if wanted is None:
        if not rest and answer == "是":
            return Judgement(None, why="“是”不回答非“是否”类目标")
        if not rest:
            return Judgement(FAILED, why="否")
        return None  # 是/否 opening a sentence about something else: the sentence is read
    if answer != wanted:
        return Judgement(FAILED, why="是否")
    if rest:  # "是，采购价格低于市场价": the answer, unless the rest takes it back
        # after 是, a negation or partial wording takes it back; after 否 ("否，未发生") a negation
        # repeats the answer, so only a stated flaw does
        said = _facts(rest, t, r) if answer == "否" else (_facts(rest, t, r) or _stated_tier(rest, t, r))
        if said is not None and said.tier != ACHIEVED:
            return said
    return Judgement(ACHIEVED, why="是否")


def _answer_of(a: str, r: Rules) -> tuple[str | None, str]:
    """("是" or "否", what follows) when the actual is or opens with a yes / no answer."""
    if a in r.words["yes_words"]:
        return "是", ""
    if a in r.words["no_words"]:
        return "否", ""
    for words, answer in ((r.words["no_words"], "否"), (r.words["yes_words"], "是")):
        for w in sorted(words, key=len, reverse=True):
            if w and a.startswith(w) and not a.startswith("是否"):
                return answer, a[len(w):]
    return None, ""


def _facts(a: str, t: str, r: Rules) -> Judgement | None:
    """Negative facts (挤占, 挪用, 违规, 超支, 存在……问题): stated, the target was missed (partly,
    with 基本 or 个别); negated (无挤占挪用, 未超出预算), they answer a compliance or budget target."""
    masked_a = r.negated_flaw_re.sub("□", a)
    masked_t = r.negated_flaw_re.sub("□", t)
    stated = len(r.flaw_re.findall(masked_a))
    if stated > len(r.flaw_re.findall(masked_t)):
        over = r.overrun_re.search(masked_a)
        if over is not None and not _more(a, t, r.words["partials"]):
            return Judgement(None, over=1 + float(over.group(1)) / 100, why="超出比例")
        if _more(a, t, r.words["partials"]):
            return Judgement(PARTIAL, why="基本……个别问题")
        return Judgement(FAILED, why="负面事实")
    # a target about compliance or the budget, or one that names a flaw to keep away (严禁截留资金)
    compliance = any(w and w in t for w in r.words["compliance_targets"]) or r.flaw_re.search(t) is not None
    if not compliance or _negations(masked_a, r) > _negations(masked_t, r) or _more(a, t, r.words["partials"]):
        return None
    if masked_a != a:
        return Judgement(ACHIEVED, why="未发生负面事实")
    if "预算" in t and any(w and w in a for w in r.words["within_budget"]):
        return Judgement(ACHIEVED, why="预算内")
    share = r.share_re.search(a) if "预算" in t and any(w and w in t for w in r.words["ceiling_markers"]) else None
    if share is not None:  # 预算执行率98% against 不超过预算
        value = float(share.group(1)) / 100
        return Judgement(ACHIEVED, why="预算内") if value <= 1 else Judgement(None, over=value, why="超出比例")
    return None


def _events(a: str, t: str, r: Rules) -> Judgement | None:
    """Targets about events to avoid (投诉, 事故…): 无 / 0 / 未发生 is achievement, a count is not."""
    if not _is_event(t, r):
        return None
    if _POSITIVE_COUNT.search(a):
        return Judgement(FAILED, why="发生事件")
    if a in r.words["none_words"] or any(w and len(w) > 1 and w in a for w in r.words["none_words"]) or a.startswith(("无", "零", "0")):
        return Judgement(ACHIEVED, why="未发生事件")
    return None


def _stated_tier(a: str, t: str, r: Rules) -> Judgement | None:
    """Negation, partial and failure wording the target itself does not use."""
    ca, ct = _flip_negated(_canonical(a, r), r), _flip_negated(_canonical(t, r), r)
    for x, y in r.antonyms:
        if (x in ct and y in ca and y not in ct) or (y in ct and x in ca and x not in ct):
            return Judgement(FAILED, why=f"反义：{x}/{y}")
    partly = _more(a, t, r.words["partials"])  # 基本……，个别……不全: a flaw after 基本 is partial
    if _negations(a, r) > _negations(t, r):
        if len(r.not_fully_re.findall(a)) > len(r.not_fully_re.findall(t)):
            return Judgement(PARTIAL, why="未完全")
        return Judgement(PARTIAL, why="部分否定") if partly else Judgement(FAILED, why="否定")
    if _more(a, t, r.words["failures"]):
        return Judgement(PARTIAL, why="部分措辞") if partly else Judgement(FAILED, why="未达成措辞")
    if partly:
        return Judgement(PARTIAL, why="部分措辞")
    return None


def _flip_negated(text: str, r: Rules) -> str:
    """不高于 reads as 低于, 不少于 as 多于: a negation exception that negates one word of an
    antonym pair says the other word (so 不高于 / 高于 is a contradiction, 不高于 / 低于 is not)."""
    table = {}
    for x, y in r.antonyms:
        for word, opposite in ((x, y), (y, x)):
            for neg in r.words["negations"]:
                if neg and neg + word in r.words["negation_exceptions"]:
                    table[neg + word] = opposite
    if not table:
        return text
    return re.sub(_alternation(tuple(table)), lambda m: table[m.group(0)], text)


_CLAUSE_END = re.compile(r"[\s,.;:!?，。；：！？、]+")


def _tier_rank(text: str, r: Rules) -> int | None:
    """The rank of the quality word that ends a clause of ``text`` (0 is best), if one does."""
    if not r.tiers:
        return None
    for clause in _CLAUSE_END.split(unicodedata.normalize("NFKC", str(text)).lower()):
        for word, rank in r.tiers:
            if clause.endswith(word):
                return rank
    return None


_DIGIT = re.compile(r"\d")


def _ranked(actual: int | None, target: int | None, target_text: str, r: Rules) -> Judgement | None:
    """Quality words scored by tier: at or above the target's tier is achieved, below it partly,
    the last tier not; against a target without one, the second-to-last tier (一般) is partial."""
    if actual is None:
        return None
    last = max(rank for _, rank in r.tiers)
    if actual == last:
        return Judgement(FAILED, why="质量等级")
    if target is not None:
        return Judgement(ACHIEVED if actual <= target else PARTIAL, why="质量等级")
    if actual == last - 1 and not _DIGIT.search(target_text):
        return Judgement(PARTIAL, why="质量等级")  # 一般 against a qualitative target ("≥90%" asks for a number)
    return None


def _restatement(a: str, t: str, r: Rules) -> Judgement | None:
    """The actual says what the target says: equal or contained after normalising, or similar."""
    if a == t:
        return Judgement(ACHIEVED, why="相同")
    ca, ct = _core(a, r), _core(t, r)
    if not ct:
        return None
    if ca == ct or (len(ct) >= 2 and ct in ca):
        return Judgement(ACHIEVED, why="复述")
    if len(ca) >= 2 and ca in ct and (len(ca) * 2 >= len(ct) or ca in dict(r.canonical).values()):
        return Judgement(ACHIEVED, why="简述")
    return None


def _similar(a: str, t: str, r: Rules) -> Judgement | None:
    """A restatement in other words: similar enough after normalising (the last resort)."""
    ca, ct = _core(a, r), _core(t, r)
    if min(len(ca), len(ct)) >= 2 and _similarity(ca, ct) >= r.threshold:
        return Judgement(ACHIEVED, why="近似复述")
    return None


def _similarity(a: str, b: str) -> float:
    """rapidfuzz's ratio on the texts, and on their characters in any order: Chinese restates a
    target by moving the object before the verb (保障困难群众… / 困难群众…得到保障)."""
    from rapidfuzz import fuzz  # only when a comparison is needed: start-up stays light

    return float(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(" ".join(a), " ".join(b))))


def _rate_in_text(a: str, t: str, r: Rules) -> Judgement | None:
    """A percentage inside the text: a rise or fall the target asks for, else a completion rate."""
    m = _PERCENT_IN_TEXT.search(a)
    if not m:
        return None
    value = float(m.group(1))
    before = _canonical(a[: m.start()], r)
    ct = _canonical(t, r)
    for change in ("提升", "降低"):
        if before.endswith(change) or before.endswith(change + "了"):
            if change in ct and value > 0:
                return Judgement(ACHIEVED, why="变化符合目标")
    if value >= 100:
        return Judgement(ACHIEVED, why="100%")
    return Judgement(None, ratio=value / 100, why="文字中的比率")


def _achievement(a: str, t: str, r: Rules) -> Judgement | None:
    if any(w and w in a for w in r.words["achievements"]):
        return Judgement(ACHIEVED, why="达成措辞")
    return None


def is_event_target(target: str) -> bool:
    """The target is about events one wants to avoid (投诉, 事故…): 无 and 0 are good answers."""
    return _is_event(_norm(target), rules())


def event_rate(name: str) -> bool:
    """An indicator name like 上访率, 投诉率 or 事故发生率: the rate of an event to avoid."""
    r = rules()
    n = _norm(name)
    return any(w and (w + "率" in n or w + "发生率" in n) for w in r.words["event_words"]) or "发生率" in n
