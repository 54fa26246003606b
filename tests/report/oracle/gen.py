"""A seeded space of workbooks for the report oracle.

Starts from the shipped examples and the department example, and varies what finance staff get
wrong or leave open: points lost with and without a reason, a blank actual (→ 待定), over-execution
(执行 > 预算), reverse (≤) and deadline (时效) rows met early or late, qualitative rows, a manual 0,
存在问题 = 无, the people of a cover page and a 自评小组 sheet, department types with the budget row
inside 投入管理 (and a 3-point 财政监督管理 row beside it).

Workbooks are made by the public API (``xlperf.api.new_workbook``) and typed with openpyxl, the
way a user fills them.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_STYLES = ("通用", "四川", "山西", "陕西")
DEPT_STYLES = ("湖南",)

KEYS = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "人工得分", "偏差原因分析及改进措施")


@dataclass
class Spec:
    name: str
    style: str  # the style the workbook is made with (its 报告样式)
    evaluation_type: str
    info: dict[str, Any]
    budget: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    team: list[tuple[str, str, str]] = field(default_factory=list)
    projects: list["Spec"] = field(default_factory=list)  # 部门整体: the project workbooks annexed
    variant: str = ""
    basic: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # 部门整体: 基础数据 rows beyond BASIC (label: 上年数, 本年预算数, 本年实际数[, 说明])
    functions: list[tuple[Any, ...]] = field(default_factory=list)  # 部门整体: 功能科目 rows (科目编码, 科目名称, 基本支出, 项目支出)


def _rows(*rows: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{k: v for k, v in zip(KEYS, r) if v is not None} for r in rows]


def base_projects() -> list[Spec]:
    from xlperf.workbook.examples import EXAMPLES

    out = []
    for name, ex in EXAMPLES.items():
        out.append(Spec(name, ex["style"], ex["evaluation_type"], copy.deepcopy(ex["info"]), copy.deepcopy(ex["budget"]), copy.deepcopy(ex["indicators"])))
    out.append(
        Spec(
            "医保补助",
            "通用",
            "项目支出",
            {"项目名称": "城乡居民医保补助项目", "主管部门": "县医疗保障局", "实施单位": "县医疗保障事务中心", "评价年度": 2025, "金额单位": "万元"},
            {"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 40, "分值": 10}},
            _rows(
                ("产出指标", "数量指标", "补助参保人数", 25, "≥100", "102"),
                ("产出指标", "时效指标", "资金拨付时间", 25, "2025年", "2025"),
                ("效益指标", "社会效益指标", "群众负担减轻", 30, "明显", "明显"),
                ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "≥95%", "96%"),
            ),
        )
    )
    return out


DEPT_ROWS = _rows(
    ("投入管理指标", "预算配置", "在职人员控制率", 10, "≤100%", "96%"),
    ("投入管理指标", "预算执行", "预算执行率", 10, "100%", "98.5%", None, "部分政府采购合同尾款次年支付"),
    ("过程指标", "资金管理", "资金使用合规性", 10, "合规", "合规"),
    ("过程指标", "组织实施", "管理制度健全性", 10, "健全", "健全"),
    ("产出指标", "数量指标", "完成年度重点工作数", 15, "≥12项", "12项"),
    ("产出指标", "质量指标", "重点工作完成质量", 15, "≥95%", "97%"),
    ("效益指标", "社会效益", "群众满意度", 20, "≥90%", "93%"),
    ("效益指标", "可持续影响", "长效管理机制", 10, "健全", "健全"),
)

# the 浏阳 reference's 投入管理: eight rows, 30 points, a 3-point 财政监督管理 row about rates
LIUYANG_ROWS = _rows(
    ("投入管理指标", "预算编审管理", "编审合规性、细化、量化", 3, "100%", "70.57%", None, "未对上级补助资金进行预算"),
    ("投入管理指标", "预算执行管理", "预算完成率", 4, "100%", "70.57%", None, "未对上级补助资金进行预算"),
    ("投入管理指标", "部门结转结余资金管理", "结转结余率", 4, "100%", "100%"),
    ("投入管理指标", "预算绩效管理", "绩效目标合理性、明确性、效益性", 5, "100%", "100%"),
    ("投入管理指标", "预决算信息公开管理", "信息公开及时性", 4, "100%", "100%"),
    ("投入管理指标", "财政监督管理", "预算执行率、控制率、完成率", 3, "100%", "100%"),
    ("投入管理指标", "政府采购管理", "政府采购执行率", 3, "100%", "100%"),
    ("投入管理指标", "资产管理", "制度健全性，资产安全性、利用率", 4, "100%", "100%"),
    ("产出指标", "数量指标", "城乡居民医疗保险参保人数", 10, "≥115万人", "119.2万人"),
    ("产出指标", "质量指标", "居民参保率", 10, "≥95%", "100%"),
    ("产出指标", "时效指标", "救助资金结算及时率", 5, "100%", "100%"),
    ("效益指标", "社会效益", "城乡困难人员住院报销比例", 20, "≥85%", "89%"),
    ("效益指标", "可持续影响", "医保基金运行", 10, "平稳运行", "平稳运行"),
    ("效益指标", "满意度", "参保群众满意度", 15, "≥90%", "92%"),
)


def base_departments() -> list[Spec]:
    info = {"项目名称": "县医疗保障局2025年度部门整体支出", "主管部门": "县医疗保障局", "实施单位": "县医疗保障局", "评价年度": 2025, "报告样式": "湖南"}
    budget = {"年度资金总额": {"年初预算数": 800, "全年预算数": 820, "实际到位数": 820, "全年执行数": 808, "分值": None}}
    a = Spec("部门整体", "湖南", "部门整体支出", dict(info), copy.deepcopy(budget), copy.deepcopy(DEPT_ROWS))
    # the 基础数据 rows of the 浏阳 附件1 and a 功能科目 sheet whose items add up to the 基本/项目支出
    # (a 类 subtotal above its 项 among them); 评价依据文件 as `new` writes it
    a.basic = {"其中：基本支出": (300, None, 302.5), "公用经费": (40, 45, 41.2), "其中：项目支出": (480, None, 505.5),
               "政府采购金额": (None, 60, 48), "厉行节约保障措施": (None, None, None, "严格执行公务接待标准")}
    a.functions = [("2080101", "行政运行", 302.5, None), ("210", "卫生健康支出", None, 505.5), ("2101202", "信息化建设", None, 35),
                   ("2101301", "城乡医疗救助", None, 420.5), ("2101501", "医疗保障经办事务", None, 50)]
    b = Spec("部门整体浏阳式", "湖南", "部门整体支出", dict(info, 项目名称="市医疗保障局2020年度部门整体支出", 评价年度=2020), {"年度资金总额": {"年初预算数": 5000, "全年预算数": 7085, "实际到位数": 7085, "全年执行数": 5000, "分值": None}}, copy.deepcopy(LIUYANG_ROWS))
    # 浏阳: the 功能科目 of the 财政拨款 project money only, which is not the whole 项目支出 (the report must say so)
    b.info["评价依据文件"] = "《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）；《湖南省预算绩效管理办法》（湘财绩〔2020〕1号）"
    b.basic = {"其中：基本支出": (None, None, 608.81), "其中：项目支出": (152.13, None, 7645.75), "政府采购金额": (None, None, 0)}
    b.functions = [("2011199", "一般行政管理事务", None, 14.6), ("2101202", "信息化建设", None, 35), ("2101501", "医疗保障经办事务", None, 72.92),
                   ("2101502", "医疗保障政策管理", None, 198.51), ("2101301", "城乡医疗救助", None, 4079.95), ("2296002", "城乡医疗救助的彩票公益金支出", None, 127.7),
                   ("2082001", "困难群众基本生活补助", None, 2550.07)]
    return [a, b]


# --- variations ---------------------------------------------------------------------------------

PEOPLE = [("王建国", "李晓燕", "0812-3456789"), ("张伟", "刘芳", "13812345678"), ("陈志强", "赵敏", "0355-2345678")]
TEAM = [("周立新", "局长", "县医疗保障局"), ("吴海燕", "财务股长", "县医疗保障局"), ("郑光明", "科员", "县医疗保障事务中心")]


def _num(text: Any) -> float | None:
    import re

    m = re.search(r"-?\d+(?:\.\d+)?", str(text or ""))
    return float(m.group()) if m else None


def _quant_rows(spec: Spec) -> list[int]:
    return [i for i, r in enumerate(spec.rows) if _num(r.get("年度指标值")) is not None and _num(r.get("实际完成值")) is not None and "预算执行率" not in r["三级指标"] and not str(r.get("年度指标值", "")).startswith(("≤", "<")) and _num(r.get("年度指标值")) < 1900]


OPS = ("lose", "lose_noreason", "blank", "over", "reverse", "deadline", "qual", "manual0", "nil", "people", "nomethod")


def vary(spec: Spec, rng: random.Random, ops: list[str] | None = None, row: int | None = None) -> Spec:
    """``spec`` with one to three variations (or ``ops``; ``row`` picks the row they change)."""
    s = copy.deepcopy(spec)
    tags = []
    ops = ops or rng.sample(list(OPS), k=rng.randint(1, 3))
    for op in ops:
        q = _quant_rows(s)
        if row is not None and row in q:
            q = [row]
        if op in ("lose", "lose_noreason") and q:
            i = rng.choice(q)
            r = s.rows[i]
            t = _num(r["年度指标值"])
            unit = str(r["实际完成值"]).replace(str(r["实际完成值"]).rstrip("%人个项元万次家年天"), "") if isinstance(r["实际完成值"], str) else ""
            frac = rng.choice([0.5, 0.8, 0.9])
            r["实际完成值"] = f"{round(t * frac, 2):g}{unit}"
            r.pop("人工得分", None)
            if op == "lose":
                r["偏差原因分析及改进措施"] = "受政策调整影响，部分任务顺延至下年度；将加强进度跟踪。"
            else:
                r.pop("偏差原因分析及改进措施", None)
            tags.append(op)
        elif op == "blank" and s.rows:
            i = rng.randrange(len(s.rows))
            s.rows[i].pop("实际完成值", None)
            s.rows[i].pop("人工得分", None)
            tags.append("blank")
        elif op == "over":
            tot = s.budget.get("年度资金总额", {})
            if tot.get("全年预算数"):
                for line in s.budget.values():
                    if line.get("全年预算数"):
                        line["全年执行数"] = round(line["全年预算数"] * 1.05, 2)
                tags.append("over")
        elif op.startswith("reverse") and q:
            i = rng.choice(q)
            r = s.rows[i]
            late = op.endswith("_late") or (op == "reverse" and rng.random() < 0.5)
            r.update({"二级指标": r.get("二级指标", "时效指标"), "三级指标": "业务办结时限", "年度指标值": "≤30天", "实际完成值": "35天" if late else "25天"})
            r.pop("人工得分", None)
            if late:
                r["偏差原因分析及改进措施"] = "材料补正耗时较长；将推行容缺受理。"
            tags.append("reverse_late" if late else "reverse_early")
        elif op.startswith("deadline") and q:
            i = rng.choice(q)
            r = s.rows[i]
            y = int(_num(s.info.get("评价年度")) or 2025)
            late = op.endswith("_late") or (op == "deadline" and rng.random() < 0.4)
            r.update({"三级指标": "资金拨付完成时间", "年度指标值": f"{y}年11月30日前", "实际完成值": f"{y}年12月20日" if late else f"{y}年10月15日"})
            r.pop("人工得分", None)
            tags.append("deadline_late" if late else "deadline_early")
        elif op.startswith("qual") and q:
            i = rng.choice(q)
            r = s.rows[i]
            partial = op.endswith("_partial") or (op == "qual" and rng.random() < 0.5)
            r.update({"三级指标": "经办服务水平", "年度指标值": "明显提升", "实际完成值": "部分提升" if partial else "明显提升"})
            r.pop("人工得分", None)
            if partial:
                r["人工得分"] = round((r.get("分值") or 10) * 0.7, 2)
                r["偏差原因分析及改进措施"] = "窗口人员不足；将加强培训。"
            tags.append("qual_partial" if partial else "qual_met")
        elif op == "manual0" and q:
            i = rng.choice(q)
            r = s.rows[i]
            r["人工得分"] = 0
            r["偏差原因分析及改进措施"] = "经复核该项工作未达预期，酌情不得分。" if rng.random() < 0.7 else None
            if r["偏差原因分析及改进措施"] is None:
                r.pop("偏差原因分析及改进措施")
            tags.append("manual0")
        elif op == "nomethod":
            s.info.pop("自评步骤及方法", None)
            tags.append("nomethod")
        elif op == "nil":
            s.info["存在问题"] = "无"
            s.info["改进措施"] = "无"
            tags.append("nil")
        elif op == "people":
            lead, contact, phone = rng.choice(PEOPLE)
            s.info.update({"项目负责人": lead, "联系人": contact, "联系电话": phone})
            s.team = list(TEAM[: rng.randint(1, 3)])
            tags.append("people")
    s.variant = "+".join(tags) or "base"
    return s


# --- writing ------------------------------------------------------------------------------------


def write(spec: Spec, path: Path) -> Path:
    """Make the workbook with ``xlperf.api.new_workbook`` and type the spec into it."""
    import openpyxl

    from xlperf.api import new_workbook

    new_workbook(path, style=spec.style, evaluation_type=spec.evaluation_type, force=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["项目信息"]
    rows_of = {str(c.value).strip(): c.row for c in ws["A"] if c.value}
    info = dict(spec.info)
    info.setdefault("报告样式", spec.style)
    info.setdefault("评价类型", spec.evaluation_type)
    for label, value in info.items():
        if label in rows_of:
            ws.cell(rows_of[label], 2).value = value
    ws = wb["预算执行"]
    header = [str(c.value).strip() if c.value else "" for c in ws[1]]
    src_row = {str(c.value).strip(): c.row for c in ws["A"] if c.value}
    for source, values in spec.budget.items():
        row = src_row.get(source) or src_row.get(source.replace("其中：", "其中："))
        if row is None:
            continue
        for col_name, v in values.items():
            if col_name in header:
                ws.cell(row, header.index(col_name) + 1).value = v
    ws = wb["绩效指标"]
    hrow = next(r for r in range(1, 20) if ws.cell(r, 1).value == "一级指标")
    header = [str(c.value).strip() if c.value else "" for c in ws[hrow]]
    for i, r in enumerate(spec.rows):
        for k, v in r.items():
            if k in header:
                ws.cell(hrow + 1 + i, header.index(k) + 1).value = v
    if spec.team and "自评小组" in wb.sheetnames:
        t = wb["自评小组"]
        for i, member in enumerate(spec.team):
            for j, v in enumerate(member):
                t.cell(2 + i, 1 + j).value = v
    if spec.evaluation_type == "部门整体支出" and "基础数据" in wb.sheetnames:
        b = wb["基础数据"]
        labels = {str(c.value).strip(): c.row for c in b["A"] if c.value}
        for label, vals in {"编制数": (50, 50, 50), "实有人数": (48, 48, 47), "支出合计（整体支出规模）": (780, 820, 808), "三公经费合计": (12.5, 11, 10.2), **spec.basic}.items():
            if label in labels:
                for j, v in enumerate(vals):
                    b.cell(labels[label], 3 + j).value = v
    if spec.functions and "功能科目" in wb.sheetnames:
        f = wb["功能科目"]
        for i, line in enumerate(spec.functions):
            for j, v in enumerate(line):
                f.cell(2 + i, 1 + j).value = v
    wb.save(path)
    return path


def space(n: int, seed: int = 2026) -> list[Spec]:
    """``n`` workbooks: the bases as shipped first, then seeded variations of them."""
    rng = random.Random(seed)
    projects = base_projects()
    depts = base_departments()
    out: list[Spec] = []
    for p in projects:
        out.append(p)
    for d in depts:
        d = copy.deepcopy(d)
        d.projects = [vary(projects[3], rng), vary(projects[0], rng)]
        out.append(d)
    # each variation once on its own, so that a small sample meets every kind of row
    goumai, liulei, yanbian, plain = projects
    featured = [
        (goumai, ["lose_noreason"], 6, "山西"),  # the only 满意度 row (target 95, actual %) loses points
        (plain, ["reverse_early"], 0, "通用"),
        (plain, ["reverse_late"], 0, "山西"),
        (plain, ["deadline_early"], 0, "四川"),
        (plain, ["deadline_late"], 0, "陕西"),
        (yanbian, ["blank"], None, "四川"),
        (liulei, ["over", "lose"], None, "山西"),
        (plain, ["qual_partial"], 0, "陕西"),
        (yanbian, ["nil"], None, "四川"),
        (goumai, ["people"], None, "陕西"),
        (plain, ["manual0"], 0, "通用"),
        (liulei, ["nomethod"], None, "通用"),
    ]
    for base, ops, row, style in featured:
        v = vary(base, rng, ops, row)
        v.style = style
        v.info["报告样式"] = style
        v.name = f"{base.name}-{v.variant}"
        out.append(v)
    # a department that lost points in 效益指标 (its 满意度 row sits under 效益), with a draft project
    d = vary(depts[1], rng, ["lose_noreason"], 11)
    d.name = f"{depts[1].name}-{d.variant}"
    d.info["评价依据文件"], d.functions = None, []  # no documents to cite, no 功能科目
    d.projects = [vary(plain, rng, ["blank"]), vary(goumai, rng, ["deadline_late"])]
    out.append(d)
    i = 0
    while len(out) < n:
        i += 1
        if i % 5 == 0:
            d = vary(rng.choice(depts), rng)
            d.projects = [vary(rng.choice(projects), rng) for _ in range(rng.randint(1, 3))]
            d.name = f"{d.name}-{i}"
            out.append(d)
        else:
            p = vary(rng.choice(projects), rng)
            p.style = rng.choice(PROJECT_STYLES)  # the workbook's own 报告样式; reports are rendered in every style anyway
            p.info["报告样式"] = p.style
            p.name = f"{p.name}-{i}"
            out.append(p)
    first = len(projects) + len(depts)  # the bases stay as shipped
    return [spread(s, random.Random(f"{seed}-{i}")) if i >= first else s for i, s in enumerate(out[:n])]


SOURCES = ("其中：中央", "其中：省级", "其中：市级", "其中：县级")
SANGONG_PARTS = ("其中：因公出国（境）费", "其中：公务用车购置及运行维护费", "其中：公务接待费")


def spread(spec: Spec, rng: random.Random) -> Spec:
    """Funding sources and 基础数据 figures drawn from their own generator (so the rest of the space
    stays as it was): every other project's budget split over two or three 其中 sources with a bare
    资金批复文号 (四川 writes 下达资金…); each department's staff and 三公 figures, up or down on last year."""
    if spec.evaluation_type == "部门整体支出":
        quota = rng.randint(20, 90)
        actual = quota + rng.choice((-3, -1, 0, 0, 2))
        prior = actual + rng.choice((-2, 0, 1, 3))
        parts = [round(rng.uniform(0, 6), 2) if rng.random() > 0.3 else 0 for _ in SANGONG_PARTS]
        total = round(sum(parts), 2)
        # the spending is the department's 年度资金总额 as executed, split into 基本/项目支出, and its
        # income matches it (the 自评表 prints the 收入 parts under that total)
        whole = spec.budget.get("年度资金总额") or {}
        spend = round(float(whole.get("全年执行数") or rng.uniform(300, 900)), 2)
        basic_ = round(spend * rng.uniform(0.3, 0.8), 2)
        project_ = round(spend - basic_, 2)
        personnel = round(basic_ * rng.uniform(0.6, 0.9), 2)
        fiscal_in = round(spend * rng.uniform(0.8, 1.0), 2)
        other_in = round(spend - fiscal_in, 2)
        spec.basic = {  # over the base's rows (its 政府采购, 厉行节约… stay)
            **spec.basic,
            "编制数": (quota, quota, quota),
            "实有人数": (prior, actual, actual),
            "收入合计": (None, None, round(fiscal_in + other_in, 2)),
            "其中：财政拨款收入": (None, None, fiscal_in),
            "其中：其他收入": (None, None, other_in),
            "支出合计（整体支出规模）": (round(spend * rng.uniform(0.8, 1.1), 2), whole.get("全年预算数") or round(spend * rng.uniform(0.9, 1.1), 2), spend),
            "其中：基本支出": (None, round(basic_ * rng.uniform(0.95, 1.05), 2), basic_),
            "其中：人员经费": (None, None, personnel),
            "公用经费": (None, None, round(basic_ - personnel, 2)),
            "其中：项目支出": (None, round(project_ * rng.uniform(0.9, 1.2), 2), project_),
            "三公经费合计": (round(total * rng.uniform(0.8, 1.3), 2), round(total * rng.uniform(0.9, 1.2), 2), total),
            **{p: (None, None, v) for p, v in zip(SANGONG_PARTS, parts)},
        }
        return spec
    if rng.random() < 0.35:  # two rows with the same 三级指标 name (under different 二级指标, as units do)
        plain = [i for i, r in enumerate(spec.rows) if "预算执行率" not in r["三级指标"]]
        if len(plain) >= 3:
            a, b = sorted(rng.sample(plain, 2))
            spec.rows[b]["三级指标"] = spec.rows[a]["三级指标"]
            spec.variant += "+samename"
    whole = spec.budget.get("年度资金总额") or {}
    if rng.random() < 0.5 or not whole.get("全年预算数"):
        return spec
    names = rng.sample(SOURCES, k=rng.randint(2, 3))
    shares = [rng.uniform(0.2, 1) for _ in names]
    for k in [k for k in spec.budget if k.startswith("其中")]:
        del spec.budget[k]
    fiscal = {}
    for col in ("年初预算数", "全年预算数", "实际到位数", "全年执行数"):
        if whole.get(col) is None:
            continue
        left = float(whole[col])
        fiscal[col] = whole[col]
        for j, name in enumerate(names):
            v = left if j == len(names) - 1 else round(whole[col] * shares[j] / sum(shares), 2)
            left = round(left - v, 2)
            spec.budget.setdefault(name, {})[col] = round(v, 2)
    spec.budget["财政拨款"] = fiscal
    if not str(spec.info.get("资金批复文号") or "").strip():
        spec.info["资金批复文号"] = f"县财预〔2025〕{rng.randint(3, 99)}号"
    return spec
