"""The figures a report's prose states, each with its subject, read only where the subject is
certain.

Precision before recall: a phrase is read only when the words right before the number say what it
is (总得分99.33分, 等级为“良好”, 全年预算数40万元, 预算执行率93.1%). A rate or an amount of a part
(财政拨款执行率, 其中县级资金…), of another process (政府采购执行率) or in a phrasing not listed here
gives no fact: an unknown sentence is never a finding. Each pattern is listed in the developer
notes of docs/review.md.
"""

from __future__ import annotations

import re

from xlperf.review.document import Paragraph, ReportDocument
from xlperf.review.model import StatedFact

NUM = r"(\d+(?:\.\d+)?)"
LINK = r"(?:为|是|达到|达|共|共计|合计|计|:|：)*"


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph (split after 。！？ and at line breaks)."""
    out = [s.strip() for s in re.split(r"(?<=[。！？!?])|\n", text)]
    return [s for s in out if s]


# --- totals and grades -----------------------------------------------------------------------------

TOTAL = re.compile(r"(自评得分|自评总分|自评总得分|总得分|综合得分|综合评分|总分|评价得分|得分合计|最终得分|自评分数|自评分值)" + LINK + NUM + r"分")
# what makes a 总分 figure a full mark rather than a score
FULL_MARK = re.compile(r"满分|分值|总分值|设置|权重")

GRADE = re.compile(
    r"(?:等级为|等级是|等级：|等级:|评定为|评价为|评价等级为|自评等级为|自评等级：|自评等级:|属于|结果为|等次为|等级评定为|定为|评为|获评|达到)"
    r"[“\"'‘]?(优秀|良好|合格|不合格|优|良|中|差)(?=[”\"'’]|等级|等次|级|[，,。；;、)）\s]|$)"
)
GRADE_QUOTED = re.compile(r"[“\"‘](优秀|良好|优|良|中|差)[”\"’](?:等级|等次|级)")
GRADE_PLAIN = re.compile(r"(?<![“\"‘不])(优秀|良好)(?:等级|等次)")


# what makes a score a part's (一级指标, the budget) rather than the total
PART_SCORE = re.compile(r"指标|项目资金|预算执行|产出|效益|满意度|投入|过程|决策|管理|成本|数量|质量|时效")
TOTAL_WORDS = ("总得分", "总分", "综合得分", "综合评分", "自评总分", "自评总得分", "得分合计")
LAST_YEAR = re.compile(r"上年|去年|上一年|上年度|往年")


def total_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    if LAST_YEAR.search(sent):
        return out
    for m in TOTAL.finditer(sent):
        value = float(m.group(2))
        lead = _clause_before(sent, m.start())
        if _aim(sent, m.start(), m.end()):
            continue
        if m.group(1) not in TOTAL_WORDS and PART_SCORE.search(lead):
            continue  # 产出指标自评得分48分: a part's score
        if FULL_MARK.search(lead) or (m.group(1) == "总分" and value >= 100):
            continue  # 满分100分 / 指标体系总分100分: the full mark, not a score
        out.append(StatedFact("total", m.group(1), value, p.ref, m.group(0), "分", {"shown": m.group(2), "sentence": sent}))
    return out


def grade_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    seen: set[int] = set()
    for pat in (GRADE, GRADE_QUOTED, GRADE_PLAIN):
        for m in pat.finditer(sent):
            if m.start(1) in seen or _aim(sent, m.start(), m.end()):
                continue
            seen.add(m.start(1))
            out.append(StatedFact("grade", "等级", m.group(1), p.ref, m.group(0), "", {"sentence": sent}))
    return out


# --- budget: amounts and rates ---------------------------------------------------------------------

# label -> what it is of the 年度资金总额 row
AMOUNT_LABELS = {
    "全年预算数": "full_year",
    "全年预算资金": "full_year",
    "全年预算": "full_year",
    "调整后预算数": "full_year",
    "预算数": "full_year",
    "预算资金": "full_year",
    "预算总额": "full_year",
    "预算": "full_year",
    "年初预算数": "initial",
    "年初预算资金": "initial",
    "年初预算": "initial",
    "实际到位数": "received",
    "实际到位资金": "received",
    "实际到位": "received",
    "到位资金": "received",
    "到位数": "received",
    "全年执行数": "executed",
    "全年执行资金": "executed",
    "全年执行": "executed",
    "执行数": "executed",
    "实际执行": "executed",
    "资金结余": "balance",
    "结余资金": "balance",
    "结余": "balance",
}
_LABELS = "|".join(sorted(AMOUNT_LABELS, key=len, reverse=True))
AMOUNT = re.compile(r"(" + _LABELS + r")" + LINK + NUM + r"(万元|元)")
# words that make an amount or a rate one part's (a source of funds) or another process's
PART = re.compile(r"(其中|财政拨款|中央|省级|市级|县级|区级|乡镇|本级|上级|上年结转|结转|其他资金|自筹|专项|采购|合同|基本支出|公用|人员|项目[一二三四五六七八九十\d])")
_RATE_OWNER = r"(?:项目资金|资金实际|资金总|预算资金|资金|预算|全年|总体|整体|年度)"
RATE = re.compile(r"(" + _RATE_OWNER + r"?)(执行率|到位率)" + LINK + NUM + r"%")


# a figure that is a target or an aim, not what happened: 力争预算执行率达到95%以上, 目标为…
AIM_BEFORE = re.compile(r"目标|指标值|计划|要求|确保|力争|争取|不低于|不少于|不高于|预计|拟|应达到")
AIM_AFTER = re.compile(r"^(?:以上|以下|左右|及以上|及以下|以内)")


AIM_SENTENCE = re.compile(r"力争|确保|争取|计划|预计|拟|目标是|目标为")  # an aim that spans the sentence


def _aim(sent: str, start: int, end: int) -> bool:
    return bool(AIM_BEFORE.search(_clause_before(sent, start)) or AIM_SENTENCE.search(sent[:start]) or AIM_AFTER.match(sent[end:]))


def _clause_before(sent: str, start: int) -> str:
    """The words of the clause that leads to position ``start`` (after the last ，；： or start)."""
    head = sent[:start]
    cut = max(head.rfind(c) for c in "，,；;。:：（(")
    return head[cut + 1 :]


# a sentence about other money than the project's budget (a department's spending, 三公经费, last year's)
OTHER_MONEY = re.compile(r"三公|公务|支出规模|基本支出|人员经费|公用经费|收入|决算|资产|上年|同比|去年|上一年|占支出合计")
# a sentence about one part of a department's spending (基本支出/项目支出…，占支出合计的N%；预算数…，执行率…%):
# its 预算数 and 执行率 are that part's, not the budget's
DEPT_PART = re.compile(r"基本支出|人员经费|公用经费|占支出合计")


def amount_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    if OTHER_MONEY.search(sent):
        return out
    for m in AMOUNT.finditer(sent):
        label = m.group(1)
        lead = _clause_before(sent, m.start())
        if PART.search(lead) or PART.search(label) or _aim(sent, m.start(), m.end()):
            continue
        nxt = sent[m.end() : m.end() + 1]
        if nxt in ("/", "每"):  # 60元/月: a price, not an amount
            continue
        if label == "预算" and not re.match(r"预算(?:为|是|数)", sent[m.start() :]):
            continue  # bare 预算 only as 预算为…
        out.append(StatedFact("amount", label, float(m.group(2)), p.ref, m.group(0), m.group(3), {"field": AMOUNT_LABELS[label], "shown": m.group(2)}))
    return out


def rate_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    if LAST_YEAR.search(sent) or DEPT_PART.search(sent):
        return out
    for m in RATE.finditer(sent):
        owner, what = m.group(1), m.group(2)
        before = sent[max(0, m.start() - 1) : m.start()]
        if not owner and before and re.match(r"[\u3400-\u9fff]", before):
            continue  # 政府采购执行率, 计划执行率: another rate
        lead = _clause_before(sent, m.start())
        if PART.search(lead) or _aim(sent, m.start(), m.end()):
            continue
        kind = "execution_rate" if what == "执行率" else "arrival_rate"
        out.append(StatedFact(kind, owner + what, float(m.group(3)) / 100, p.ref, m.group(0), "%", {"shown": m.group(3)}))
    return out


# --- counts, 一级指标 summaries, indicator rows ------------------------------------------------------

COUNT = re.compile(
    r"(?:共设置三级指标|三级指标共|共设置了?|设置了?三级指标|共有三级指标|逐项核对)(\d+)(?:项|个)(?:三级指标|绩效指标)?"
)
COUNT_ALL_MET = re.compile(r"(?:三级指标|绩效指标)(?:共)?(\d+)(?:项|个)(?:[，,]?(?:全部|均已|均))(?:完成|达到|达标|实现)")
MET_COUNT = re.compile(r"(\d+)(?:项|个)(?:指标)?(?:已)?达到(?:了)?年度指标值")


def count_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    counted: list[tuple[int, int]] = []
    for m in COUNT.finditer(sent):
        tail = sent[m.start() : m.end() + 6]
        if m.group(0).startswith("共设置") and "三级指标" not in tail and "绩效指标" not in tail:
            continue  # 共设置3个岗位: a count of something else
        counted.append(m.span())
        out.append(StatedFact("count", "三级指标", int(m.group(1)), p.ref, m.group(0), "项"))
    for m in COUNT_ALL_MET.finditer(sent):
        if not any(a < m.end() and m.start() < b for a, b in counted):
            out.append(StatedFact("count", "三级指标", int(m.group(1)), p.ref, m.group(0), "项"))
        out.append(StatedFact("claim", "", "全部完成", p.ref, m.group(0)))
    for m in MET_COUNT.finditer(sent):
        out.append(StatedFact("met_count", "三级指标", int(m.group(1)), p.ref, m.group(0), "项"))
    return out


LEVEL1_SX = re.compile(r"(产出指标|效益指标|满意度指标|投入管理指标|过程指标|决策指标|管理指标)主要从[^。；]*?进行评价，共" + NUM + r"分，(?:自评)?得" + NUM + r"分")


def level1_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    """产出指标4项全部完成，得50分（满分50分） / 效益指标2项，完成1项，得15分（满分30分） /
    产出指标主要从…进行评价，共60分，得60分."""
    from xlperf.review.extract import LEVEL1_PATTERN

    out = []
    for m in LEVEL1_PATTERN.finditer(sent):
        name, n = m.group(1), int(m.group(2))
        status, met, got, weight = m.group(3) or "", m.group(4), m.group(5), m.group(6)
        extra = {"count": n, "status": status, "met": int(met) if met else None, "score": float(got) if got else None, "weight": float(weight) if weight else None}
        extra["shown"] = got or ""
        out.append(StatedFact("level1", name, n, p.ref, m.group(0), "项", extra))
    for m in LEVEL1_SX.finditer(sent):
        got = m.group(3)
        out.append(StatedFact("level1", m.group(1), None, p.ref, m.group(0), "", {"count": None, "status": "", "met": None, "score": float(got), "weight": float(m.group(2)), "shown": got}))
    return out


def indicator_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    """An indicator's row stated in words: 名称：年度指标值A，实际完成B，得S分（满分W分）, and the
    shorter forms of reverse and unmet rows."""
    import xlperf.review.extract as x

    out = []
    for m in x.ROW_PATTERN.finditer(sent):
        score = m.group(4)
        out.append(
            StatedFact(
                "indicator",
                x.subject_of(m.group(1)),
                None,
                p.ref,
                m.group(0),
                "",
                {"target": m.group(2), "actual": m.group(3), "score": float(score) if score else None, "weight": float(m.group(5)) if m.group(5) else None, "shown": score or ""},
            )
        )
    for pat, a, t in ((x.ROW_CAP_PATTERN, 2, 3), (x.ROW_CONTROL_PATTERN, 3, 2), (x.ROW_OVER_PATTERN, 2, 3), (x.ROW_UNMET_PATTERN, 3, 2)):
        for m in pat.finditer(sent):
            out.append(StatedFact("indicator", x.subject_of(m.group(1)), None, p.ref, m.group(0), "", {"target": m.group(t), "actual": m.group(a), "score": None, "weight": None}))
    return out


# --- claims ---------------------------------------------------------------------------------------

CLAIM = re.compile(r"(全部完成|均已完成|均完成|全面完成|均已达到|全部达到|均达到|均已实现|全部实现|圆满完成|均已达成|全部达成)")
CLAIM_EVERY = re.compile(r"(?:达到|完成|实现|达成)了?[^，。；,;]{0,10}各(?:项|个)[^，。；,;]{0,4}(?:绩效)?(?:目标|指标)(?:任务)?")
CLAIM_INTENT = re.compile(r"确保|力争|争取|计划|拟|将|要|目标是|旨在|为了|为确保|如果|若|是否")
CLAIM_SUBJECT = re.compile(r"绩效目标|各项目标|年度目标|目标任务|各项指标|绩效指标|三级指标|各项任务|预期目标|年初设定|指标值|各项绩效")
CLAIM_NOT = re.compile(r"(未|没有|尚未|不能|未能|基本|大部分|部分|大多|多数|未全部|不是)$")
CLAIM_OTHER = re.compile(r"资金|拨付|到位|支付|采购|上解|报账|结算|验收")


def claim_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    """The report says every target or indicator was met."""
    out = []
    for clause in re.split(r"[，,；;。]", sent):
        if not clause or CLAIM_OTHER.search(clause):
            continue
        if CLAIM_INTENT.search(clause):
            continue  # a plan or an aim (确保年度目标任务全面完成), not what happened
        m = CLAIM.search(clause)
        if m and CLAIM_SUBJECT.search(clause[: m.start()]) and not CLAIM_NOT.search(clause[max(0, m.start() - 3) : m.start()]):
            if not re.search(r"(三级指标|绩效指标)(?:共)?\d+(?:项|个)", clause):  # counted claims are read with their count
                out.append(StatedFact("claim", "", m.group(1), p.ref, clause))
            continue
        m = CLAIM_EVERY.search(clause)
        if m and not CLAIM_NOT.search(clause[max(0, m.start() - 3) : m.start()]):
            out.append(StatedFact("claim", "", m.group(0), p.ref, clause))
    return out


READERS = (total_facts, grade_facts, amount_facts, rate_facts, count_facts, level1_facts, indicator_facts, claim_facts)


# --- 存在问题: 无, and the year of the report ---------------------------------------------------------

PROBLEMS_HEADING = re.compile(r"存在(?:的)?(?:主要)?问题")
PROBLEMS_SAID = re.compile(r"^存在(?:的)?(?:主要)?问题(?:及原因分析)?[:：]\s*(.*)$")
NIL = re.compile(r"^(?:无|暂无|没有|无问题|没有问题|暂无问题|不存在问题|未发现问题|无明显问题|本项目无|该项目无)[。.；;]?$")


def _nil(text: str) -> bool:
    return bool(NIL.match(re.sub(r"\s+", "", text)))


def problems_facts(doc: ReportDocument) -> list[StatedFact]:
    """Where the report says it has no problems: a 存在问题 section whose text is only 无, or a
    paragraph 存在问题：无。"""
    out = []
    paras = doc.paragraphs
    for i, p in enumerate(paras):
        for sent in sentences(p.plain):
            m = PROBLEMS_SAID.match(sent)
            if m and _nil(m.group(1)):
                out.append(StatedFact("no_problems", "存在问题", "无", p.ref, sent))
        if p.level is None or not PROBLEMS_HEADING.search(p.text) or re.search(r"经验|措施|建议", p.text):
            continue
        body = []
        for q in paras[i + 1 :]:
            if q.level is not None:
                break
            body.append(q)
        if body and all(_nil(q.plain) for q in body):
            out.append(StatedFact("no_problems", "存在问题", "无", body[0].ref, body[0].text))
    return out


YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # 2021年度, 2021年…报告; not a date (2022年3月15日)
TITLE_WORDS = re.compile(r"年度|报告|自评|绩效|项目")


def year_facts(doc: ReportDocument) -> list[StatedFact]:
    """The year the report's title names (2021年度…绩效自评报告; one year only)."""
    out = []
    for p in doc.paragraphs:
        if not p.title or not TITLE_WORDS.search(p.plain):
            continue
        years = {m.group(1) for m in YEAR.finditer(p.plain)}
        if len(years) == 1:
            out.append(StatedFact("year", "标题", int(years.pop()), p.ref, p.text))
    return out


def stated_facts(doc: ReportDocument, others: list[str] | tuple[str, ...] = ()) -> list[StatedFact]:
    """Every figure of the prose whose subject is certain, in reading order. ``others``: names of
    other projects the report covers (a 部门整体 report's project annexes); a sentence naming one
    is about that project, not the table compared with, and gives no fact."""
    out: list[StatedFact] = []
    for p in doc.paragraphs:
        for sent in sentences(p.plain):
            if any(name and name in sent for name in others):
                continue
            for read in READERS:
                out.extend(read(p, sent))
    out.extend(problems_facts(doc))
    out.extend(year_facts(doc))
    return out
