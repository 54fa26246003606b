"""Self-evaluation forms in the layouts units keep (national, 湖南, 山西, 陕西, 四川), built from the
real values of the reference reports, written as .xlsx (openpyxl), .xls/.ods (LibreOffice) and
Word annex tables (python-docx), with the variations real files show.

A form is a logical grid (rows of values, None = empty) plus merged ranges (0-based, inclusive).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOAL = "医保工作是保民生的重要工作之一，更好的经办机构服务能力能保证参保人员利益，保证医保基金的正常运转，使参保人员满意度提升，维护社会稳定。"
RESULT = "根据实际采购中标价格及采购合同，项目成本为39.75万元，进行征缴服务和医保信息统计维护服务，医保经办业务服务水平持续提升。"
REASON_0 = "服务人员流动性大，缺乏统一专业培训，机构服务能力提升未达预期；将加强对服务企业的考评和人员培训。"

# 临汾购买服务 (linfen-goumai-fuwu-2021): the unit's own scores; total 84.31 良
GOUMAI_ROWS = [
    ("产出指标", "数量指标", "购买服务项目", "3", "3个", 10, 10, None),
    ("产出指标", "质量指标", "项目完成率（%）", "98", "98%", 10, 10, None),
    ("产出指标", "时效指标", "项目计划完成时间", "2021", "2021年", 10, 10, None),
    ("产出指标", "成本指标", "购买服务成本", "40", "39.75万元", 20, 20, "实际合同价格为39.75万元"),
    ("效益指标", "社会效益", "机构服务能力", "提升", "98%", 15, 0, REASON_0),
    ("效益指标", "可持续影响指标", "跟踪管理机制", "健全", "100%", 15, 15, None),
    ("满意度指标", "服务对象满意度指标", "社会满意度", "95", "95%", 10, 10, None),
]
GOUMAI = {"name": "城乡居民购买服务经费配套项目", "department": "某县医疗保障局", "unit": "某县医疗保险中心", "year": "2021", "total": 84.31, "grade": "良", "count": 7}


@dataclass
class Form:
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_cols: list[int] = field(default_factory=list)  # 0-based
    hidden_rows: list[int] = field(default_factory=list)  # 0-based

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)

    def add(self, *values: Any) -> int:
        self.rows.append(list(values))
        return len(self.rows) - 1

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.merges.append((r0, c0, r1, c1))

    def insert_col(self, k: int, values: dict[int, Any] | None = None, hidden: bool = False) -> "Form":
        """A new column at ``k`` (0-based): empty, or with ``values`` {row: value}; a merge across it grows."""
        values = values or {}
        rows = []
        for i, r in enumerate(self.rows):
            r = list(r) + [None] * (self.width - len(r))
            rows.append(r[:k] + [values.get(i)] + r[k:])
        merges = []
        for r0, c0, r1, c1 in self.merges:
            merges.append((r0, c0 + (c0 >= k), r1, c1 + (c1 >= k)))
        hidden_cols = [c + (c >= k) for c in self.hidden_cols] + ([k] if hidden else [])
        return Form(rows, merges, hidden_cols)

    def offset(self, dr: int, dc: int) -> "Form":
        rows = [[None] * self.width for _ in range(dr)] + [[None] * dc + list(r) for r in self.rows]
        return Form(rows, [(a + dr, b + dc, c + dr, d + dc) for a, b, c, d in self.merges], [c + dc for c in self.hidden_cols])

    # -- writers -----------------------------------------------------------------------------------

    def xlsx(self, path: Path, sheet: str = "Sheet1") -> Path:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        wb = Workbook()
        ws = wb.active
        ws.title = sheet
        for i, r in enumerate(self.rows, start=1):
            for j, v in enumerate(r, start=1):
                if v is not None:
                    ws.cell(i, j, v)
        for r0, c0, r1, c1 in self.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for c in self.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
        for r in self.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        wb.save(path)
        return path

    def docx_table(self, doc) -> None:
        t = doc.add_table(rows=len(self.rows), cols=self.width)
        t.style = "Table Grid"
        for i, r in enumerate(self.rows):
            for j, v in enumerate(r):
                if v is not None:
                    t.cell(i, j).text = str(v)
        for r0, c0, r1, c1 in self.merges:
            keep = t.cell(r0, c0).text
            merged = t.cell(r0, c0).merge(t.cell(r1, c1))
            merged.text = keep


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """LibreOffice headless: src.xlsx -> .xls / .ods."""
    soffice = shutil.which("soffice")
    assert soffice
    filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{outdir}/lo-profile", "--convert-to", filt, "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=120)
    out = outdir / (src.stem + "." + fmt)
    assert out.exists()
    return out


# --- the layouts ---------------------------------------------------------------------------------


def _goal_block(f: Form, labels=("预期目标", "实际完成情况"), block="年度总体目标", width=9) -> None:
    a = f.add(block, labels[0], None, None, None, labels[1], None, None, None)
    b = f.add(None, GOAL, None, None, None, RESULT, None, None, None)
    f.merge(a, 0, b, 0)
    f.merge(a, 1, a, 4)
    f.merge(a, 5, a, width - 1)
    f.merge(b, 1, b, 4)
    f.merge(b, 5, b, width - 1)


def _indicator_rows(f: Form, rows, level1_labels=None, level2_labels=None, block_label="绩效指标") -> tuple[int, int]:
    """Indicator rows in the national column order (一级 二级 三级 指标值 完成值 分值 得分 原因) after a
    block label column; 一级 and 二级 merged vertically as units do."""
    first = len(f.rows)
    for l1, l2, l3, target, actual, weight, score, reason in rows:
        f.add(block_label, (level1_labels or {}).get(l1, l1), (level2_labels or {}).get(l2, l2), l3, target, actual, weight, score, reason)
    last = len(f.rows) - 1
    _merge_runs(f, first, last, 1)
    _merge_runs(f, first, last, 2)
    return first, last


def _merge_runs(f: Form, first: int, last: int, col: int) -> None:
    start = first
    for r in range(first + 1, last + 2):
        if r > last or f.rows[r][col] != f.rows[start][col]:
            if r - 1 > start:
                f.merge(start, col, r - 1, col)
                for k in range(start + 1, r):
                    f.rows[k][col] = None
            start = r


def national(*, rows=GOUMAI_ROWS, total: Any = 84.31, total_weight: Any = 100, name_label="项目名称", level1_labels=None, level2_labels=None, title="项目支出绩效自评表") -> Form:
    f = Form([])
    t = f.add(title, *[None] * 8)
    f.merge(t, 0, t, 8)
    y = f.add("（2021年度）", *[None] * 8)
    f.merge(y, 0, y, 8)
    n = f.add(name_label, GOUMAI["name"], None, None, None, None, None, None, None)
    f.merge(n, 1, n, 8)
    d = f.add("主管部门", GOUMAI["department"], None, None, "实施单位", GOUMAI["unit"], None, None, None)
    f.merge(d, 1, d, 3)
    f.merge(d, 5, d, 8)
    h = f.add("项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None)
    f.add(None, "年度资金总额", 40, 40, 37.24, 10, "93.1%", 9.31, None)
    f.add(None, "其中：当年财政拨款", 40, 40, 37.24, "—", "93.1%", "—", None)
    f.add(None, "上年结转资金", None, None, None, "—", None, "—", None)
    e = f.add(None, "其他资金", None, None, None, "—", None, "—", None)
    f.merge(h, 0, e, 0)
    _goal_block(f)
    hdr = f.add("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    first, last = _indicator_rows(f, rows, level1_labels, level2_labels)
    f.merge(hdr, 0, last, 0)
    for r in range(hdr + 1, last + 1):
        f.rows[r][0] = None
    s = f.add("总分", None, None, None, None, None, total_weight, total, None)
    f.merge(s, 0, s, 5)
    f.add("填表人：张某某    联系电话：0357-1234567    填报日期：2022年3月1日", *[None] * 8)
    f.merge(len(f.rows) - 1, 0, len(f.rows) - 1, 8)
    return f


def hunan() -> Form:
    """湖南 附件3-x: 项目支出名称; points in the labels; 满意度 under 效益指标."""
    rows = [r if r[0] != "满意度指标" else ("效益指标",) + r[1:] for r in GOUMAI_ROWS]
    return national(
        rows=rows,
        name_label="项目支出名称",
        level1_labels={"产出指标": "产出指标(50分)", "效益指标": "效益指标(40分)"},
        level2_labels={"数量指标": "数量指标（10）", "成本指标": "成本指标（20）"},
        title="附件3-2\n项目支出绩效自评表",
    )


def shanxi() -> Form:
    """山西 附件1 as in the 临汾 report: no budget block; 预算执行率 is the first indicator row."""
    f = Form([])
    f.add("附件1.项目支出绩效自评表", *[None] * 8)
    f.merge(0, 0, 0, 8)
    f.add("项目名称：" + GOUMAI["name"], None, None, None, None, "评价年度：2021年", None, None, None)
    f.merge(1, 0, 1, 4)
    f.merge(1, 5, 1, 8)
    f.add("一级指标", "二级指标", "目标指标", "权重", "目标值", "业绩值", "完成率", "指标得分", "偏差原因分析及改进措施")
    f.add("预算执行指标", "预算执行指标", "预算执行率", 10, "100%", "93.1%", "93.10%", 9.31, "预算为40万元，实际合同价格为39.75万元")
    first = len(f.rows)
    for l1, l2, l3, target, actual, weight, score, reason in GOUMAI_ROWS:
        f.add(l1, l2, l3, weight, target, actual, None, score, reason)
    _merge_runs(f, first, len(f.rows) - 1, 0)
    return f


def shaanxi() -> Form:
    """陕西: 主管部门及代码; budget without 全年预算数; last column 未完成原因分析."""
    f = national()
    for r in f.rows:
        if r[0] == "主管部门":
            r[0], r[1] = "主管部门及代码", GOUMAI["department"] + "（301001）"
        if r[2] == "年初预算数":
            r[2:8] = ["年初预算数", "全年执行数", "全年执行率", "分值", "执行率", "得分"]
        elif r[1] in ("年度资金总额", "其中：当年财政拨款"):
            r[1] = "其中:财政拨款" if r[1] != "年度资金总额" else r[1]
            r[2:8] = [40, 37.24, "93.1%", 10 if r[1] == "年度资金总额" else "—", "93.1%", 9.31 if r[1] == "年度资金总额" else "—"]
        if r[8] == "偏差原因分析及改进措施":
            r[8] = "未完成原因分析"
    return f


YANBIAN_ROWS = [  # 盐边残疾人医保 with 四川's 指标性质 and 度量单位; all met, total 100 优
    ("产出指标", "数量指标", "资助参保人数", "正向", 5756, "人", 5756, 10),
    ("产出指标", "数量指标", "资助参保金额", "正向", 205.1, "万元", 205.1, 10),
    ("产出指标", "数量指标", "资助标准", "定性", "重残450元/人·年，一般残疾300元/人·年", None, "重残450元/人·年，一般残疾300元/人·年", 10),
    ("产出指标", "质量指标", "残疾人参保率", "正向", 100, "%", 100, 10),
    ("产出指标", "时效指标", "参保资金上解时间", "定性", "在规定时间内按时上解", None, "在规定时间内按时上解", 10),
    ("效益指标", "社会效益指标", "持续保障残疾人参加城乡居民医疗保险", "定性", "持续保障", None, "持续保障", 10),
    ("效益指标", "可持续影响指标", "保障城乡医保基金运行", "定性", "成效明显", None, "成效明显", 10),
    ("效益指标", "可持续影响指标", "持续保障残疾人正常享受医疗待遇", "定性", "持续保障", None, "持续保障", 10),
    ("满意度指标", "服务对象满意度指标", "政策知晓率", "正向", 95, "%", 95, 5),
    ("满意度指标", "服务对象满意度指标", "工作满意度", "正向", 99, "%", 99, 5),
]


def sichuan(*, extra_text=True) -> Form:
    """四川 部门预算项目支出绩效自评表: 项目基本情况, 预算执行情况(10分), 绩效指标(90分), 合计,
    then 评价结论 / 存在问题 / 改进措施 / signatures."""
    W = 12
    f = Form([])

    def row(*v):
        return f.add(*(list(v) + [None] * (W - len(v))))

    t = row("部门预算项目支出绩效自评表")
    f.merge(t, 0, t, W - 1)
    y = row("（2021年度）")
    f.merge(y, 0, y, W - 1)
    n = row("项目名称", "城乡残疾人医疗保险资助金")
    f.merge(n, 1, n, W - 1)
    d = row("主管部门", "盐边县医疗保障局", None, None, None, None, "实施单位", "盐边县医疗保障事务中心")
    f.merge(d, 1, d, 5)
    f.merge(d, 7, d, W - 1)
    a = row("项目基本情况", "项目年度目标", None, None, None, None, "年度目标完成情况")
    b = row(None, "资助县内5756名残疾人参加2021年城乡居民医保。", None, None, None, None, "项目完成资助县内5756名残疾人参加2021年城乡居民医疗保险。")
    f.merge(a, 0, b, 0)
    for r in (a, b):
        f.merge(r, 1, r, 5)
        f.merge(r, 6, r, W - 1)
    h = row("预算执行情况（万元）（10分）", None, "年初预算数", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因")
    row(None, "年度资金总额", 0, 205.1, 205.1, "100%", 10, 10)
    row(None, "其中：财政资金", 0, 205.1, 205.1, "100%")
    row(None, "财政专户管理资金")
    row(None, "单位资金")
    e = row(None, "其他资金")
    f.merge(h, 0, e, 0)
    for r in range(h, e + 1):
        f.merge(r, 8, r, W - 1)
    hdr = row("绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析")
    first = len(f.rows)
    for l1, l2, l3, kind, target, unit, actual, weight in YANBIAN_ROWS:
        row(None, l1, l2, l3, kind, target, unit, actual, weight, weight)
    last = len(f.rows) - 1
    _merge_runs(f, first, last, 1)
    _merge_runs(f, first, last, 2)
    f.merge(hdr, 0, last, 0)
    s = row("合计", None, None, None, None, None, None, None, 100, 100)
    f.merge(s, 0, s, 7)
    if extra_text:
        for label, text in (("评价结论", "该项目全部完成年度目标，自评得分100分，等级为优。"), ("存在问题", "无"), ("改进措施", "继续加强项目管理")):
            r = row(label, text)
            f.merge(r, 1, r, W - 1)
        r = row("项目负责人：王某", None, None, None, "财务负责人：李某", None, None, None, "填表人：赵某")
    return f


def docx_with_annexes(path: Path, forms: list[tuple[str, Form]], intro: str = "某县医疗保障局2021年度部门整体支出绩效自评报告") -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph(intro)
    doc.add_paragraph("一、部门概况")
    for caption, form in forms:
        doc.add_page_break()
        doc.add_paragraph(caption)
        form.docx_table(doc)
    doc.save(path)
    return path


def cut(form: Form, keep_rows: int) -> Form:
    return Form(form.rows[:keep_rows], [m for m in form.merges if m[2] < keep_rows], list(form.hidden_cols))


def docx_split(path: Path, form: Form, at: int) -> Path:
    """One form as Word keeps a table broken across pages: two tables, nothing but a page break
    between them, the second repeating the indicator header row."""
    import docx

    header = next(i for i, r in enumerate(form.rows) if r[1] == "一级指标")
    top = Form(form.rows[:at], [m for m in form.merges if m[2] < at])
    rest_rows = [list(form.rows[header])] + form.rows[at:]
    rest = Form(rest_rows, [(a - at + 1, b, c - at + 1, d) for a, b, c, d in form.merges if a >= at])
    doc = docx.Document()
    doc.add_paragraph("附件1 项目支出绩效自评表")
    top.docx_table(doc)
    doc.add_page_break()
    rest.docx_table(doc)
    doc.save(path)
    return path
