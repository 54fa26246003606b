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


def total_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    for m in TOTAL.finditer(sent):
        value = float(m.group(2))
        if FULL_MARK.search(_clause_before(sent, m.start())) or (m.group(1) == "总分" and value >= 100):
            continue  # 满分100分 / 指标体系总分100分: the full mark, not a score
        out.append(StatedFact("total", m.group(1), value, p.ref, m.group(0), "分", {"shown": m.group(2)}))
    return out


def grade_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    seen: set[int] = set()
    for pat in (GRADE, GRADE_QUOTED, GRADE_PLAIN):
        for m in pat.finditer(sent):
            if m.start(1) in seen:
                continue
            seen.add(m.start(1))
            out.append(StatedFact("grade", "等级", m.group(1), p.ref, m.group(0)))
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


def _clause_before(sent: str, start: int) -> str:
    """The words of the clause that leads to position ``start`` (after the last ，；： or start)."""
    head = sent[:start]
    cut = max(head.rfind(c) for c in "，,；;。:：（(")
    return head[cut + 1 :]


def amount_facts(p: Paragraph, sent: str) -> list[StatedFact]:
    out = []
    for m in AMOUNT.finditer(sent):
        label = m.group(1)
        lead = _clause_before(sent, m.start())
        if PART.search(lead) or PART.search(label):
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
    for m in RATE.finditer(sent):
        owner, what = m.group(1), m.group(2)
        before = sent[max(0, m.start() - 1) : m.start()]
        if not owner and before and re.match(r"[\u3400-\u9fff]", before):
            continue  # 政府采购执行率, 计划执行率: another rate
        lead = _clause_before(sent, m.start())
        if PART.search(lead):
            continue
        kind = "execution_rate" if what == "执行率" else "arrival_rate"
        out.append(StatedFact(kind, owner + what, float(m.group(3)) / 100, p.ref, m.group(0), "%", {"shown": m.group(3)}))
    return out


READERS = (total_facts, grade_facts, amount_facts, rate_facts)


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
    return out
