"""A corpus of planted mistakes for measuring ``review``: reports xlperf writes itself (every shipped
example × every report style that accepts it), each then edited the way units get reports wrong —
the stated 总分 or 等级 changed, 执行率 given as 预算÷执行, an amount, an indicator's actual or a count
changed, 全部完成 claimed while points are lost, 存在问题 emptied to 无, a required section dropped, the
year changed. Each mutant records the one kind of finding it must raise; the unedited reports must
raise none.

Two splits, fixed before the review code existed: ``dev`` (seeds in dev_seeds.txt) and ``heldout``
(heldout_seeds.txt). They differ not only in seeds but in the edits themselves — other deltas,
other phrasings of 全部完成 / 无, whole sections dropped instead of headings, other count sentences —
so a checker tuned on dev is measured on wordings it has not seen.

The edits change paragraph text only (tables, the annex and the 待完善事项 list are left alone: they
are the truth the prose is checked against) and keep the runs' formatting where the edit falls in one
run.

    python -m tests.review.plant OUT_DIR [dev|heldout]     # writes the corpus and corpus.json
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STYLES = ("通用", "山西", "陕西", "四川", "湖南")
SPLITS = ("dev", "heldout")

KINDS = (
    "total_mismatch", "grade_mismatch", "rate_inverted", "amount_mismatch", "claim_unsupported",
    "no_problems_with_lost_points", "section_missing", "year_mismatch", "indicator_mismatch",
    "count_mismatch",
)


def seeds(split: str) -> list[int]:
    text = (HERE / f"{split}_seeds.txt").read_text(encoding="utf-8")
    return [int(t) for t in re.findall(r"^\s*(\d+)", text, re.M)]


# --- the bases: our own reports -----------------------------------------------------------------


@dataclass
class Base:
    name: str  # "<example>-<style>"
    example: str
    style: str
    report: Path
    table: Path | None  # the 自评表 given beside the report when the report has no annex table
    total: float
    weight: float
    grade: str  # 优 / 良 / 中 / 差
    year: str
    budget: float | None  # 全年预算数, when the budget block is usable
    executed: float | None
    amount_unit: str


def build_bases(out_dir: Path) -> tuple[list[Base], dict[str, str]]:
    """Every example × style as a Word report under out_dir/base/. Returns the bases and, for the
    combinations the report command refuses (湖南 is the 部门整体支出 outline), why."""
    from xlperf.core.errors import InputError
    from xlperf.report.job import render_report
    from xlperf.workbook.examples import EXAMPLES, build_example

    d = out_dir / "base"
    d.mkdir(parents=True, exist_ok=True)
    bases: list[Base] = []
    refused: dict[str, str] = {}
    for i, example in enumerate(EXAMPLES):
        book = d / f"ex{i}.xlsx"
        build_example(book, example)
        for style in STYLES:
            name = f"{example}-{style}"
            report = d / f"ex{i}-{style}.docx"
            try:
                r = render_report(book, report, fmt="docx", style=style)
            except InputError as e:
                refused[name] = str(e)
                continue
            import docx

            table = None
            if not docx.Document(report).tables:  # the 四川 report carries no annex: give the form
                table = d / f"ex{i}-{style}-自评表.xlsx"
                render_report(book, table, fmt="xlsx", style=style)
            ev = r.evaluation
            b = ev.budget
            usable = bool(b.full_year) and b.execution_rate is not None
            bases.append(Base(
                name, example, style, report, table, float(ev.total_score), float(ev.total_weight or 100),
                ev.grade, str(ev.input.info.year), float(b.full_year) if usable else None,
                float(b.executed) if usable else None, ev.input.info.amount_unit or "万元",
            ))
    return bases, refused


# --- editing paragraphs -----------------------------------------------------------------------------

SKIP_STYLES = {"附件标题", "自评表年度", "表注", "表题", "表后空行"}


def prose(doc) -> list[int]:
    """Indices of the paragraphs a mutation may touch: the report's own prose, not the annex title
    lines, the tool's 【…】 prompts or the 待完善事项 list that ends a draft."""
    out = []
    for i, p in enumerate(doc.paragraphs):
        if p.text.startswith("待完善事项"):
            break
        if p.style is not None and p.style.name in SKIP_STYLES:
            continue
        if not p.text.strip() or p.text.lstrip().startswith("【"):
            continue
        out.append(i)
    return out


def splice(p, start: int, end: int, new: str) -> None:
    """Replace p.text[start:end] with ``new``, editing runs in place."""
    runs = p.runs
    if "".join(r.text for r in runs) != p.text:  # text outside runs (a field, a hyperlink)
        text = p.text
        p.text = text[:start] + new + text[end:]
        return
    if start == end == len(p.text):
        if runs:
            runs[-1].text += new
        else:
            p.add_run(new)
        return
    pos = 0
    placed = False
    for r in runs:
        t = r.text
        a, b = pos, pos + len(t)
        pos = b
        if b <= start or a >= end:
            continue
        s, e = max(start, a) - a, min(end, b) - a
        if not placed:
            r.text = t[:s] + new + t[e:]
            placed = True
        else:
            r.text = t[:s] + t[e:]


def fmt_like(value: float, original: str) -> str:
    decimals = len(original.split(".")[1]) if "." in original else 0
    return f"{value:.{decimals}f}"


def num(s: str) -> float:
    return float(s)


GRADE_BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def grade_of(total: float) -> str:
    return next(g for floor, g in GRADE_BANDS if total >= floor)


# Each mutation: (doc, base, rng, split) -> (paragraph index or None, description) or None when the
# base offers nothing to mutate (or the mutation would be true of this base).

TOTAL = re.compile(r"(总得分|自评得分为?|得分为)\s*(\d+(?:\.\d+)?)\s*分")


def _total_paragraphs(doc, base: Base):
    out = []
    for i in prose(doc):
        for m in TOTAL.finditer(doc.paragraphs[i].text):
            if abs(num(m.group(2)) - base.total) < 0.005:
                out.append((i, m))
    return out


def m_total(doc, base, rng, split):
    cands = _total_paragraphs(doc, base)
    if not cands:
        return None
    i, m = cands[0] if split == "dev" else rng.choice(cands)
    old = m.group(2)
    deltas = [1.0, -1.5, 0.5, -2.0] if split == "dev" else [0.2, -0.3, -2.4, 3.1, -0.01]
    if "." not in old:
        deltas = [d for d in deltas if float(d).is_integer()] or [-1.0]
    for d in rng.sample(deltas, len(deltas)):
        new = base.total + d
        if 0 <= new <= base.weight and grade_of(new) == grade_of(base.total) and fmt_like(new, old) != old:
            break
    else:
        new = base.total - (1 if base.total >= 91 else -1)
    text = fmt_like(new, old)
    splice(doc.paragraphs[i], m.start(2), m.end(2), text)
    return i, f"总分 {old} -> {text}"


GRADE_WORD = re.compile(r"(属于|等级为|评价为)[“\"]?(优秀|良好|中等|合格|较差|优|良|中|差)[”\"]?|(优秀|良好|中等|较差)等级")
LONG = {"优": "优秀", "良": "良好", "中": "中等", "差": "较差"}
SHORT = {v: k for k, v in LONG.items()} | {"合格": "中"}


def m_grade(doc, base, rng, split):
    cands = [(i, m) for i in prose(doc) for m in GRADE_WORD.finditer(doc.paragraphs[i].text)]
    if not cands:
        return None
    i, m = cands[0] if split == "dev" else rng.choice(cands)
    g = 2 if m.group(2) else 3
    old = m.group(g)
    true = SHORT.get(old, old)
    if split == "dev":  # the neighbouring grade, in the same form
        other = {"优": "良", "良": "优", "中": "良", "差": "中"}[true]
        new = LONG[other] if len(old) == 2 else other
    else:  # any other grade, in either form
        other = rng.choice([x for x in "优良中差" if x != true])
        new = LONG[other] if rng.random() < 0.5 else other
    if g == 3:
        new = LONG[other]  # "…等级" takes the two-character form
    splice(doc.paragraphs[i], m.start(g), m.end(g), new)
    return i, f"等级 {old} -> {new}"


RATE = re.compile(r"执行率\s*(\d+(?:\.\d+)?)\s*%")


def m_rate(doc, base, rng, split):
    if not base.budget or not base.executed or abs(base.budget - base.executed) < 1e-9:
        return None  # no usable budget, or 执行 = 预算 (the inverse is the same figure)
    true = base.executed / base.budget * 100
    cands = [(i, m) for i in prose(doc) for m in RATE.finditer(doc.paragraphs[i].text)
             if abs(num(m.group(1)) - true) < 0.06]
    if not cands:
        return None
    i, m = cands[0] if split == "dev" else rng.choice(cands)
    inverse = base.budget / base.executed * 100
    new = fmt_like(inverse, m.group(1)) if split == "dev" else f"{inverse:.2f}"
    splice(doc.paragraphs[i], m.start(1), m.end(1), new)
    return i, f"执行率 {m.group(1)}% -> {new}%（预算÷执行）"


AMOUNT = re.compile(r"(全年预算数|预算数|实际到位|到位县级财政资金|全年执行|执行数|下达资金|预算为)\s*(\d+(?:\.\d+)?)\s*(万元|元)")


def m_amount(doc, base, rng, split):
    known = {x for x in (base.budget, base.executed) if x}
    cands = [(i, m) for i in prose(doc) for m in AMOUNT.finditer(doc.paragraphs[i].text)
             if any(abs(num(m.group(2)) - k) < 0.005 for k in known)]
    if not cands:
        return None
    i, m = rng.choice(cands)
    old = m.group(2)
    if split == "dev":
        new = fmt_like(num(old) * 1.1, old)
    else:  # a slip of the pen: two neighbouring digits swapped, or the decimal point lost
        pairs = [k for k in range(len(old) - 1) if old[k].isdigit() and old[k + 1].isdigit()
                 and old[k] != old[k + 1] and not (k == 0 and old[1] == "0")]
        if pairs and (rng.random() < 0.6 or "." not in old):
            k = rng.choice(pairs)
            new = old[:k] + old[k + 1] + old[k] + old[k + 2:]
        else:
            new = old.replace(".", "") if "." in old else old + "0"
    if new == old:
        new = fmt_like(num(old) + 1, old)
    splice(doc.paragraphs[i], m.start(2), m.end(2), new)
    return i, f"金额 {old}{m.group(3)} -> {new}{m.group(3)}"


CLAIMS = {
    "dev": ["各项绩效指标全部完成。", "年度绩效目标全部完成。", "本项目绩效目标已全部完成。"],
    "heldout": ["各项指标均已完成。", "各项绩效目标全面完成。", "各项指标均达到年度指标值。",
                "圆满完成了年初设定的各项绩效目标。", "所有绩效指标均已100%完成。"],
}


def _problems_start(doc) -> int:
    for i, p in enumerate(doc.paragraphs):
        if "存在问题" in p.text or "存在的问题" in p.text:
            return i
    return len(doc.paragraphs)


def m_claim(doc, base, rng, split):
    if base.total >= base.weight - 1e-9:
        return None  # every point earned: 全部完成 would be true
    totals = _total_paragraphs(doc, base)
    if split == "dev":
        if not totals:
            return None
        i = totals[0][0]
    else:
        first = min((t[0] for t in totals), default=0)
        stop = _problems_start(doc)
        pool = [i for i in prose(doc) if first <= i < stop
                and (doc.paragraphs[i].style is None or not doc.paragraphs[i].style.name.startswith(("Heading", "Title")))]
        if not pool:
            return None
        i = rng.choice(pool)
    claim = rng.choice(CLAIMS[split])
    p = doc.paragraphs[i]
    splice(p, len(p.text), len(p.text), claim)
    return i, f"追加“{claim}”（总分 {base.total:g}，有失分）"


NONE_TEXT = {"dev": ["无。"], "heldout": ["无", "暂无。", "本项目不存在问题。", "经自评，未发现问题。", "无明显问题。"]}


def m_no_problems(doc, base, rng, split):
    if base.total >= base.weight - 1e-9:
        return None
    paras = doc.paragraphs
    target = None
    for i in prose(doc):
        t = paras[i].text
        if t.startswith(("存在问题：", "存在的问题：")):
            target, keep = i, t.index("：") + 1
            break
    if target is None:
        for i, p in enumerate(paras):
            if p.style is not None and p.style.name.startswith("Heading") and ("存在问题" in p.text or "存在的问题" in p.text):
                nxt = [j for j in prose(doc) if j > i]
                if nxt and not (paras[nxt[0]].style is not None and paras[nxt[0]].style.name.startswith("Heading")):
                    target, keep = nxt[0], 0
                break
    if target is None:
        return None
    new = rng.choice(NONE_TEXT[split])
    p = paras[target]
    old = p.text[keep:]
    splice(p, keep, len(p.text), new)
    return target, f"存在问题 “{old[:20]}…” -> “{new}”"


def _level1(doc) -> list[int]:
    return [i for i in prose(doc) if doc.paragraphs[i].style is not None and doc.paragraphs[i].style.name == "Heading 1"]


def m_section(doc, base, rng, split):
    heads = _level1(doc)
    if not heads:
        return None
    k = rng.randrange(len(heads))
    i = heads[k]
    title = doc.paragraphs[i].text
    if split == "dev":
        drop = [i]
    else:  # the whole section, to the next top-level heading (or the annex)
        stop = heads[k + 1] if k + 1 < len(heads) else next(
            (j for j, p in enumerate(doc.paragraphs) if j > i and p.style is not None and p.style.name in SKIP_STYLES),
            len(doc.paragraphs))
        drop = list(range(i, stop))
    elems = [doc.paragraphs[j]._element for j in drop]
    for e in elems:
        e.getparent().remove(e)
    return None, f"删除“{title}”" + ("" if split == "dev" else f"及其下 {len(drop) - 1} 段")


YEAR = re.compile(r"(20\d\d)\s*年")


def m_year(doc, base, rng, split):
    titles = [i for i, p in enumerate(doc.paragraphs[:40])
              if p.style is not None and p.style.name in ("Title", "封面标题", "标题（另起一页）", "Subtitle")
              and YEAR.search(p.text) and YEAR.search(p.text).group(1) == base.year]
    body = [i for i in prose(doc) if i not in titles and any(m.group(1) == base.year for m in YEAR.finditer(doc.paragraphs[i].text))
            and not any(w in doc.paragraphs[i].text for w in ("〔", "《", "时效", "时间"))]
    if split == "dev":
        if not titles:
            return None
        i, delta = titles[0], -1
    else:
        pool = titles[1:] + body or titles
        if not pool:
            return None
        i, delta = rng.choice(pool), rng.choice([1, -1, -2])
    p = doc.paragraphs[i]
    m = next(m for m in YEAR.finditer(p.text) if m.group(1) == base.year)
    new = str(int(base.year) + delta)
    splice(p, m.start(1), m.end(1), new)
    return i, f"年度 {base.year} -> {new}"


ACTUAL = re.compile(r"(实际完成|实际|满意度达|完成值为?)(\d+(?:\.\d+)?)(%|万元|元|人|个|家|次)")


def m_indicator(doc, base, rng, split):
    cands = [(i, m) for i in prose(doc) for m in ACTUAL.finditer(doc.paragraphs[i].text)]
    if not cands:
        return None
    i, m = rng.choice(cands)
    old, unit = m.group(2), m.group(3)
    v = num(old)
    if unit == "%":
        d = -3 if split == "dev" else rng.choice([-7, -2, +1])
        new_v = v + d if v + d <= 100 else v - abs(d) - 1
    else:
        new_v = v * (1.1 if split == "dev" else rng.choice([0.8, 0.95, 1.25]))
    new = fmt_like(new_v, old)
    if new == old:
        new = fmt_like(v + 1, old)
    splice(doc.paragraphs[i], m.start(2), m.end(2), new)
    return i, f"实际完成值 {old}{unit} -> {new}{unit}"


COUNT_ALL = re.compile(r"共设置三级指标(\d+)项")
COUNT_LEVEL = re.compile(r"(产出|效益|满意度)指标(\d+)项")
CN = "一二三四五六七八九十"
COUNT_CN = re.compile(r"([一二三四五六七八九])个方面")


def m_count(doc, base, rng, split):
    order = [(COUNT_ALL, 1, +1), (COUNT_LEVEL, 2, +1)] if split == "dev" else \
        [(COUNT_LEVEL, 2, -1), (COUNT_ALL, 1, +2), (COUNT_CN, 1, -1)]
    for rx, g, d in order:
        cands = [(i, m) for i in prose(doc) for m in rx.finditer(doc.paragraphs[i].text)]
        if cands:
            break
    else:
        return None
    i, m = cands[0] if split == "dev" else rng.choice(cands)
    old = m.group(g)
    if rx is COUNT_CN:
        n = CN.index(old) + 1
        n = n + d if n + d >= 1 else n + 1
        new = "两" if n == 2 else CN[n - 1]
    else:
        n = int(old)
        new = str(n + d if n + d >= 1 else n + 1)
    splice(doc.paragraphs[i], m.start(g), m.end(g), new)
    return i, f"计数 {m.group(0)} -> {new}"


MUTATIONS = {
    "total_mismatch": m_total,
    "grade_mismatch": m_grade,
    "rate_inverted": m_rate,
    "amount_mismatch": m_amount,
    "claim_unsupported": m_claim,
    "no_problems_with_lost_points": m_no_problems,
    "section_missing": m_section,
    "year_mismatch": m_year,
    "indicator_mismatch": m_indicator,
    "count_mismatch": m_count,
}
assert set(MUTATIONS) == set(KINDS)


# --- the corpus -----------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    split: str
    seed: int | None
    base: str
    style: str
    report: str
    table: str | None
    kind: str | None  # the finding it must raise; None: an unedited report, it must raise nothing
    paragraph: int | None  # index (python-docx Document.paragraphs) of the edited paragraph
    paragraph_start: str | None
    change: str


def mutate(base: Base, kind: str, seed: int, split: str, out: Path) -> Case | None:
    import docx

    doc = docx.Document(base.report)
    rng = random.Random(f"{split}:{seed}:{base.name}:{kind}")
    res = MUTATIONS[kind](doc, base, rng, split)
    if res is None:
        return None
    index, change = res
    cid = f"{split}-{seed}-{base.name}-{kind}"
    path = out / f"{cid}.docx"
    doc.save(path)
    start = doc.paragraphs[index].text[:12] if index is not None else None
    return Case(cid, split, seed, base.name, base.style, str(path), str(base.table) if base.table else None,
                kind, index, start, change)


def build_corpus(out_dir: str | Path, split: str, seed_list: list[int] | None = None,
                 prebuilt: tuple[list[Base], dict[str, str]] | None = None) -> tuple[list[Case], dict]:
    """Write the unedited bases (unless ``prebuilt`` by build_bases) and every applicable mutant for
    each seed of ``split``; return the cases and a summary (bases refused, mutations not applicable)."""
    assert split in SPLITS
    out = Path(out_dir)
    bases, refused = prebuilt or build_bases(out)
    d = out / split
    d.mkdir(parents=True, exist_ok=True)
    cases = [Case(f"clean-{b.name}", split, None, b.name, b.style, str(b.report), str(b.table) if b.table else None,
                  None, None, None, "") for b in bases]
    missing: dict[str, list[str]] = {}
    for seed in seed_list if seed_list is not None else seeds(split):
        for b in bases:
            for kind in KINDS:
                c = mutate(b, kind, seed, split, d)
                if c is None:
                    missing.setdefault(b.name, [])
                    if kind not in missing[b.name]:
                        missing[b.name].append(kind)
                else:
                    cases.append(c)
    summary = {"refused": refused, "not_applicable": missing, "bases": [b.name for b in bases]}
    (out / f"{split}-corpus.json").write_text(
        json.dumps({"cases": [asdict(c) for c in cases], **summary}, ensure_ascii=False, indent=1), encoding="utf-8")
    return cases, summary


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "planted")
    built = build_bases(target)
    for sp in sys.argv[2:] or list(SPLITS):
        cs, summ = build_corpus(target, sp, prebuilt=built)
        kinds = {}
        for c in cs:
            kinds[c.kind or "clean"] = kinds.get(c.kind or "clean", 0) + 1
        print(sp, len(cs), "cases", kinds)
        print(" refused:", {k: v[:40] for k, v in summ["refused"].items()})
        print(" not applicable:", summ["not_applicable"])
