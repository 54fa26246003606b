"""Every number and grade a rendered self-evaluation report states, with what it is about.

Works on the rendered file only (Markdown, HTML, Word, PDF, the .xlsx 自评表), never on the code
that wrote it, so the same reading checks any report, ours or a unit's own: the report oracle of the
tests reads our reports with it, and ``xlperf review`` reads a unit's report with its sentence
patterns. Standard library plus python-docx (only for .docx) and openpyxl (only for .xlsx).

A report is read as a list of blocks in reading order: paragraphs (headings included) and tables
(rows of cell texts). Facts are then found in the prose by the phrases real reports use
(``自评得分84.31分，等级为“良好”``, ``产出指标4项全部完成，得50分（满分50分）``,
``预算执行率93.1%``, ``共设置三级指标7项``…) and in the tables by their headers (a 自评表 annex:
三级指标 · 分值 · 年度指标值 · 实际完成值 · 完成率 · 得分, its 总分/合计 row).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# --- blocks -------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # "p" (paragraph or heading) or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    heading: bool = False


@dataclass
class Document:
    path: str
    blocks: list[Block]
    prose_only: bool = False  # read from a PDF's text: tables are lost and page furniture sits between lines

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "p"]

    @property
    def tables(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "table"]

    def all_text(self) -> str:
        parts = []
        for b in self.blocks:
            parts.append(b.text if b.kind == "p" else "\n".join("\t".join(r) for r in b.rows))
        return "\n".join(parts)


_MD_STRIP = re.compile(r"^\s*(#+\s*|\d+\.\s+(?=\S)|[-*]\s+)")


def load_md(text: str, path: str = "") -> Document:
    blocks: list[Block] = []
    table: list[list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = [html.unescape(c.strip()).replace("<br>", "\n") for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                continue
            if table is None:
                table = []
                blocks.append(Block("table", rows=table))
            table.append(cells)
            continue
        table = None
        if not line or line == "---":
            continue
        heading = line.startswith("#")
        line = re.sub(r"^#+\s*", "", line)
        line = line.replace("**", "")
        blocks.append(Block("p", text=line, heading=heading))
    return Document(path, blocks)


class _Html(HTMLParser):
    _PARA = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.buf: list[str] | None = None
        self.tag = ""
        self.rows: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip += 1
        elif tag == "table":
            self.rows = []
            self.raw: list[list[tuple[str, int, int]]] = []
            self.blocks.append(Block("table", rows=self.rows))
        elif tag == "tr" and self.rows is not None:
            self.row = []
            self.raw.append(self.row)  # type: ignore[arg-type]
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            a = dict(attrs)
            self._span = (_int(a.get("colspan")), _int(a.get("rowspan")))
        elif tag == "br":
            (self.cell if self.cell is not None else self.buf if self.buf is not None else []).append("\n")
        elif tag in self._PARA and self.rows is None:
            self.buf, self.tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.rows is not None:
            self.rows.extend(_grid(self.raw))
            self.rows = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(("".join(self.cell).strip(), *self._span))  # type: ignore[arg-type]
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == self.tag and self.buf is not None:
            text = "".join(self.buf).strip()
            if text:
                self.blocks.append(Block("p", text=text, heading=tag.startswith("h")))
            self.buf, self.tag = None, ""

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.buf is not None:
            self.buf.append(data)


def _int(v: str | None) -> int:
    return int(v) if v and v.isdigit() and int(v) > 0 else 1


def _grid(raw: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Lay out cells with colspan/rowspan as the Markdown table does: the text in the first
    cell of a span, blanks in the cells it covers."""
    taken: dict[tuple[int, int], bool] = {}
    rows: list[list[str]] = []
    for i, cells in enumerate(raw):
        row: list[str] = []
        j = 0
        for text, cs, rs in cells:
            while taken.get((i, j)):
                row.append("")
                j += 1
            row.append(text)
            row.extend([""] * (cs - 1))
            for di in range(rs):
                for dj in range(cs):
                    taken[(i + di, j + dj)] = True
            j += cs
        while taken.get((i, j)):
            row.append("")
            j += 1
        rows.append(row)
    return rows


def load_html(text: str, path: str = "") -> Document:
    p = _Html()
    p.feed(text)
    return Document(path, p.blocks)


def load_docx(path: str | Path) -> Document:
    import docx  # python-docx: only when a Word report is read
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    blocks: list[Block] = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(el, d)
            text = para.text.strip()
            if text:
                style = (para.style.name if para.style is not None else "") or ""
                blocks.append(Block("p", text=text, heading=style.lower().startswith(("heading", "title"))))
        elif tag == "tbl":
            t = Table(el, d)
            rows = []
            for r in t.rows:
                cells, last = [], None
                for c in r.cells:
                    cells.append("" if c._tc is last else c.text.strip())  # a horizontal span repeats its cell
                    last = c._tc
                rows.append(cells)
            blocks.append(Block("table", rows=rows))
    return Document(str(path), blocks)


_CJK = r"\u3400-\u9fff（），。：；“”、【】％"


_PAGE_NUMBER = re.compile(r"[—－-]\s*\d+\s*[—－-]")
# a line that starts a block of its own: a heading (一、 （一） 1. 附件) or the form's header row
_BLOCK_START = re.compile(r"^(附件|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．]|一级指标)")


def _line_width(line: str) -> int:
    return sum(2 if "\u2e80" <= ch else 1 for ch in line)


def load_pdf(path: str | Path) -> Document:
    """The prose of a PDF report through poppler's pdftotext (installed with the PDF toolchain).

    Lines are joined into paragraphs at a 。/： line end or a blank line; the spaces pdftotext puts
    between Chinese and digits (``总得分 84.31 分``) and page numbers (``—1—``) are dropped. A
    paragraph the page break cuts goes on across it: the page's last line is as wide as the
    page's widest line (wrapped at the margin), does not end a paragraph, and the next page does
    not start with a heading or the form's header row."""
    import subprocess

    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    return Document(str(path), pdf_blocks(out), prose_only=True)


def pdf_blocks(out: str) -> list[Block]:
    """load_pdf's paragraphs of pdftotext's output ``out`` (pages end with a form feed)."""
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = "".join(buf)
            text = re.sub(rf"(?<=[{_CJK}\d%])\s+(?=[{_CJK}\d])", "", text)
            blocks.append(Block("p", text=text.strip()))
            buf.clear()

    pages = []
    for page in out.split("\f"):
        lines = [ln.strip() for ln in page.splitlines()]
        while lines and (not lines[-1] or _PAGE_NUMBER.fullmatch(lines[-1])):  # the footer and the space around it
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        if lines:
            pages.append(lines)
    for n, lines in enumerate(pages):
        for line in lines:
            if not line or _PAGE_NUMBER.fullmatch(line):
                flush()
                continue
            buf.append(line)
            if line.endswith(("。", "：", "】")):
                flush()
        widest = max(_line_width(ln) for ln in lines)
        cut = bool(buf) and _line_width(lines[-1]) >= 0.8 * widest and n + 1 < len(pages) and not _BLOCK_START.match(pages[n + 1][0])
        if not cut:
            flush()
    flush()
    return blocks


def load(path: str | Path) -> Document:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".docx":
        return load_docx(p)
    if suffix == ".pdf":
        return load_pdf(p)
    if suffix == ".xlsx":
        return load_xlsx(p)
    text = p.read_text(encoding="utf-8")
    if suffix in (".html", ".htm"):
        return load_html(text, str(p))
    return load_md(text, str(p))


# --- facts --------------------------------------------------------------------------------------


@dataclass
class Fact:
    kind: str  # total, grade, budget_rate, budget_score, amount, level1, count, met_count, row, cell_row, grade_count, placeholder, target_listing
    subject: str = ""  # what the number is about: an indicator name, a 一级指标, an amount's label
    value: Any = None
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""  # the sentence (or table row) it was read from
    block: int = -1

    def short(self) -> str:
        return self.sentence if len(self.sentence) <= 160 else self.sentence[:157] + "…"


NUM = r"(-?\d+(?:\.\d+)?)"
GRADE_WORDS = ("优秀", "良好", "优", "良", "中", "差", "合格", "不合格", "较差")
LEVEL1_NAMES = ("投入管理指标", "过程指标", "产出指标", "效益指标", "满意度指标", "预算执行指标", "投入指标", "决策指标", "管理指标")


def to_float(s: str) -> float | None:
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def sentences(text: str) -> list[str]:
    out = [s.strip() for s in re.split(r"(?<=[。！？])|\n", text)]
    return [s for s in out if s]


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # totals
    ("total", re.compile(r"(自评得分|总得分|综合得分|总分|评价得分|得分合计)(?:为)?(?:：|:)?" + NUM + r"分")),
    ("total_pending", re.compile(r"(自评得分|总得分|综合得分|总分)(?:为)?(?:：|:)?待定")),
    # grades
    ("grade", re.compile(r"(?:等级为|等级：|属于|评价为|评定为|评价等级为|自评等级：|自评等级为)[“\"']?(优秀|良好|合格|不合格|优|良|中|差|待定)")),
    ("grade", re.compile(r"[“\"](优秀|良好|优|良|中|差)[”\"]等级")),
    ("grade", re.compile(r"(?<![“\"A-Za-z])(优秀|良好)等级")),
    ("grade_pending", re.compile(r"等级待定")),
    # budget execution
    ("budget_rate", re.compile(r"预算执行率" + NUM + r"%")),
    ("exec_rate", re.compile(r"(?<!预算)执行率" + NUM + r"%")),
    ("arrival_rate", re.compile(r"到位率" + NUM + r"%")),
    ("amount", re.compile(r"(全年预算数|年初预算数|实际到位|全年执行|结余|预算数|下达资金|到位资金|执行数)" + NUM + r"(万元|元)")),
    # counts
    ("count", re.compile(r"共设置三级指标" + r"(\d+)项")),
    ("count", re.compile(r"逐项核对(\d+)项三级指标")),
    ("count", re.compile(r"三级指标共(\d+)项")),
    ("met_count", re.compile(r"(\d+)项达到年度指标值")),
    ("grade_count", re.compile(r"(优秀|良好|优|良|中|差)(\d+)个")),
    ("placeholder", re.compile(r"【(请[^】]*)】")),
]

_LEVEL1 = re.compile(
    r"(" + "|".join(LEVEL1_NAMES) + r")(\d+)项(?:本年度均不适用|[，,]?(全部完成|已完成|均未完全达到年度指标值|完成(\d+)项))?"
    r"(?:[^。]*?(?:已评定部分)?得" + NUM + r"分（满分" + NUM + r"分）)?"
)
_LEVEL1_SX = re.compile(r"(" + "|".join(LEVEL1_NAMES) + r")主要从[^。]*?进行评价，共" + NUM + r"分，(?:已评" + NUM + r"分[^。]*|得" + NUM + r"分)")
_BUDGET_SCORE = re.compile(r"预算执行(?:率" + NUM + r"%，)?得" + NUM + r"分（满分" + NUM + r"分）")
_ROW = re.compile(
    r"([^。：；\n]{2,60}?)：(?:年度指标值([^，。]*)，)?实际完成([^，。]*)，(?:得" + NUM + r"分（满分" + NUM + r"分）|(无法自动判定|得分待定))"
)
_ROW_CAP = re.compile(r"([^。：；\n]{2,60}?)：实际([^，。]*)，未超过([^。]*)。")
_ROW_CTRL = re.compile(r"([^。：；，\n]{2,60}?)控制在([^，。]*?)以内，实际([^，。]*)。")
_ROW_OVER = re.compile(r"([^。：；\n]{2,60}?)实际完成([^，。]*)，为年度指标值([^，。]*)的" + NUM + r"%")
_ROW_UNMET = re.compile(r"([^。；\n]{2,60}?)未达到年度指标值（年度指标值([^，。]*)，实际完成([^）]*)）")
# 部门整体 项目资金绩效情况: 补助参保人数实际完成102（年度指标值≥100）; a name that is a sentence is quoted
_ROW_RESULT = re.compile(
    r"(?:^|[：；])\s*(?:“([^”]+)”|([^，；。：“”]{2,60}?))实际完成(值未填写|[^；。（]*?)（年度指标值([^）]*?)(?:，(?:未达到|得分待定)[^）]*)?）"
)
_LISTING = re.compile(r"(?:数量|质量|时效|成本|社会效益|经济效益|生态效益|可持续影响|服务对象满意度|满意度)?指标(?:包括)?[：:]([^。]*)")


def _facts_in_text(text: str, block: int) -> list[Fact]:
    facts: list[Fact] = []
    for sent in sentences(text):
        for kind, pat in _PATTERNS:
            for m in pat.finditer(sent):
                if kind == "total":
                    facts.append(Fact("total", m.group(1), float(m.group(2)), "分", sentence=sent, block=block))
                elif kind == "total_pending":
                    facts.append(Fact("total", m.group(1), "待定", sentence=sent, block=block))
                elif kind == "grade":
                    facts.append(Fact("grade", "", m.group(1), sentence=sent, block=block))
                elif kind == "grade_pending":
                    facts.append(Fact("grade", "", "待定", sentence=sent, block=block))
                elif kind in ("budget_rate", "exec_rate", "arrival_rate"):
                    facts.append(Fact(kind, "", float(m.group(1)) / 100, "%", sentence=sent, block=block))
                elif kind == "amount":
                    facts.append(Fact("amount", m.group(1), float(m.group(2)), m.group(3), sentence=sent, block=block))
                elif kind in ("count", "met_count"):
                    facts.append(Fact(kind, pat.pattern, int(m.group(1)), "项", sentence=sent, block=block))
                elif kind == "grade_count":
                    facts.append(Fact("grade_count", m.group(1), int(m.group(2)), "个", sentence=sent, block=block))
                elif kind == "placeholder":
                    facts.append(Fact("placeholder", m.group(1), m.group(0), sentence=sent, block=block))
        for m in _BUDGET_SCORE.finditer(sent):
            facts.append(
                Fact("budget_score", "预算执行", float(m.group(2)), "分", extra={"weight": float(m.group(3)), "rate": to_float(m.group(1)) / 100 if m.group(1) else None}, sentence=sent, block=block)
            )
        for m in _LEVEL1.finditer(sent):
            name, n = m.group(1), int(m.group(2))
            status, met, got, weight = m.group(3), m.group(4), m.group(5), m.group(6)
            facts.append(
                Fact(
                    "level1",
                    name,
                    to_float(got) if got else None,
                    "分",
                    extra={"count": n, "weight": to_float(weight) if weight else None, "status": status or "", "met": int(met) if met else None},
                    sentence=sent,
                    block=block,
                )
            )
        for m in _LEVEL1_SX.finditer(sent):
            got = m.group(3) or m.group(4)
            facts.append(Fact("level1", m.group(1), to_float(got), "分", extra={"count": None, "weight": float(m.group(2)), "status": "", "met": None}, sentence=sent, block=block))
        for m in _ROW.finditer(sent):
            facts.append(
                Fact(
                    "row",
                    _subject(m.group(1)),
                    to_float(m.group(4)) if m.group(4) else "待定",
                    "分",
                    extra={"target": m.group(2), "actual": m.group(3), "weight": to_float(m.group(5)) if m.group(5) else None},
                    sentence=sent,
                    block=block,
                )
            )
        for m in _ROW_RESULT.finditer(sent):
            name = (m.group(1) or m.group(2) or "").strip()
            facts.append(Fact("row", _subject(name) if not m.group(1) else name, None, extra={"actual": m.group(3), "target": m.group(4)}, sentence=sent, block=block))
        for m in _ROW_CAP.finditer(sent):
            facts.append(Fact("row", _subject(m.group(1)), None, extra={"actual": m.group(2), "target": m.group(3), "cap": True}, sentence=sent, block=block))
        for m in _ROW_CTRL.finditer(sent):
            facts.append(Fact("row", _subject(m.group(1)), None, extra={"actual": m.group(3), "target": m.group(2), "cap": True}, sentence=sent, block=block))
        for m in _ROW_OVER.finditer(sent):
            facts.append(Fact("row", _subject(m.group(1)), None, extra={"actual": m.group(2), "target": m.group(3), "completion": float(m.group(4)) / 100}, sentence=sent, block=block))
        for m in _ROW_UNMET.finditer(sent):
            facts.append(Fact("row", _subject(m.group(1)), None, extra={"target": m.group(2), "actual": m.group(3)}, sentence=sent, block=block))
        if "指标包括" in sent or re.search(r"^(数量|质量|时效|成本)指标：", sent):
            for m in _LISTING.finditer(sent):
                for item in re.split(r"[；;]|(?=[②③④⑤⑥⑦⑧⑨⑩])", m.group(1)):
                    item = item.strip().lstrip("①②③④⑤⑥⑦⑧⑨⑩")
                    if "，" in item:
                        name, _, target = item.rpartition("，")
                        facts.append(Fact("target_listing", _subject(name), target.strip(), sentence=sent, block=block))
    return facts


def _subject(text: str) -> str:
    """The indicator name at the end of a clause: after the last 。，、 and any leading ordinal."""
    s = re.split(r"[，,。；;]", text)[-1].strip()
    return re.sub(r"^(?:[0-9一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）])", "", s).strip()


# --- tables -------------------------------------------------------------------------------------

_COLS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "目标指标", "绩效指标名称"),
    "weight": ("分值", "权重"),
    "target": ("年度指标值", "目标值", "指标值"),
    "actual": ("实际完成值", "业绩值", "全年完成值", "完成值"),
    "completion": ("完成率",),
    "score": ("得分", "指标得分", "自评得分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因"),
    "unit": ("度量单位",),
}


def _header_map(row: list[str]) -> dict[str, int]:
    got: dict[str, int] = {}
    for i, c in enumerate(row):
        c = re.sub(r"\s+", "", c)
        for key, names in _COLS.items():
            if key not in got and c in names:
                got[key] = i
    return got


# 山西's 行次 matrix: the row labels and the column of the budget table each one is
MATRIX_ROWS = {"全年预算资金": "全年预算数", "实际到位资金": "实际到位数", "全年执行资金": "全年执行数", "预算到位率(%)": "到位率", "预算执行率(%)": "执行率"}


def matrix_facts(rows: list[list[str]], block: int) -> list[Fact]:
    """山西's 行次 matrix (amounts down, sources across): its 年度总金额 column read as the budget
    table's 年度资金总额 row (a rate row, labelled (%), holds bare numbers)."""
    flat = [[re.sub(r"\s+", "", c) for c in r] for r in rows]
    head = next((i for i, r in enumerate(flat) if "行次" in r and "年度总金额" in r), None)
    if head is None:
        return []
    col = flat[head].index("年度总金额")
    extra = {}
    for r in flat[head + 1 :]:
        key = MATRIX_ROWS.get(next((c for c in r if c), ""))
        value = _cell(r, col)
        if key and value:
            extra[key] = value + "%" if key in ("到位率", "执行率") else value
    if not extra:
        return []
    return [Fact("budget_row", "年度资金总额", None, extra=extra, sentence=" | ".join(rows[head]), block=block)]


def table_facts(rows: list[list[str]], block: int) -> list[Fact]:
    """Indicator rows, the 总分/合计 row and budget rows of one table."""
    facts: list[Fact] = matrix_facts(rows, block)
    if facts:
        return facts
    cols: dict[str, int] = {}
    for r in rows:
        flat = [re.sub(r"\s+", "", c) for c in r]
        h = _header_map(r)
        if "name" in h and "score" in h:
            cols = h
            continue
        if "项目名称" in flat and "等级" in flat:
            cols = {"project": flat.index("项目名称"), "grade": flat.index("等级"), **({"score": flat.index("自评得分")} if "自评得分" in flat else {})}
            continue
        if "project" in cols:
            name = _cell(r, cols["project"])
            if name:
                facts.append(Fact("project_row", name, None, extra={"score": _cell(r, cols.get("score", -1)), "grade": _cell(r, cols["grade"])}, sentence=" | ".join(r), block=block))
            continue
        if "执行率" in flat and ("资金来源" in flat or "全年执行数" in flat):
            cols = {"budget": 1, **{k: flat.index(k) for k in ("全年预算数", "全年执行数", "执行率", "到位率", "实际到位数", "得分", "分值") if k in flat}}
            continue
        if not cols:
            continue
        line = " | ".join(r)
        if "budget" in cols:
            label = next((c for c in flat if c), "")
            if label in ("年度资金总额",) or "年度资金总额" in flat:
                facts.append(Fact("budget_row", "年度资金总额", None, extra={k: _cell(r, i) for k, i in cols.items() if k != "budget"}, sentence=line, block=block))
            continue
        first = next((c for c in flat if c), "")
        if first in ("总分", "合计", "总计") or "总分" in flat[:2] or "合计" in flat[:2]:
            grade = ""
            for c in flat:
                m = re.search(r"(?:自评等级|等级)[：:]?(优秀|良好|合格|不合格|优|良|中|差|待定)", c)
                if m:
                    grade = m.group(1)
            score = _cell(r, cols.get("score", -1))
            facts.append(Fact("cell_total", first, score, extra={"weight": _cell(r, cols.get("weight", -1)), "grade": grade}, sentence=line, block=block))
            continue
        name = _cell(r, cols["name"])
        if not name or name in ("三级指标", "目标指标"):
            continue
        facts.append(
            Fact(
                "cell_row",
                name,
                _cell(r, cols["score"]),
                extra={k: _cell(r, i) for k, i in cols.items()},
                sentence=line,
                block=block,
            )
        )
    return facts


def _cell(r: list[str], i: int) -> str:
    return r[i].strip() if 0 <= i < len(r) else ""


def facts_of(doc: Document) -> list[Fact]:
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind == "p":
            out += _facts_in_text(b.text, i)
        else:
            out += table_facts(b.rows, i)
            for r in b.rows:  # a placeholder or a grade may sit in a table cell too
                for c in r:
                    for m in re.finditer(r"【(请[^】]*)】", c):
                        out.append(Fact("placeholder", m.group(1), m.group(0), sentence=c, block=i))
    return out


def percent_of(text: str) -> float | None:
    """'93.10%' -> 0.931; '' or '—' -> None."""
    m = re.fullmatch(r"\s*" + NUM + r"\s*%\s*", text or "")
    return float(m.group(1)) / 100 if m else None


# The sentence patterns a review reads indicator rows and 一级指标 summaries with (the same as above).
LEVEL1_PATTERN = _LEVEL1
ROW_PATTERN = _ROW  # 名称：年度指标值A，实际完成B，得S分（满分W分）
ROW_CAP_PATTERN = _ROW_CAP  # 名称：实际A，未超过B。
ROW_CONTROL_PATTERN = _ROW_CTRL  # 名称控制在B以内，实际A。
ROW_OVER_PATTERN = _ROW_OVER  # 名称实际完成A，为年度指标值B的N%
ROW_UNMET_PATTERN = _ROW_UNMET  # 名称未达到年度指标值（年度指标值B，实际完成A）
subject_of = _subject


# --- funding sources and 基础数据 (read apart from facts_of: the checker asks for them) ----------

_SOURCES_SENT = re.compile(r"其中((?:[\u4e00-\u9fff]{1,8}?资金" + NUM + r"(?:万元|元)[、，,]?)+)")
_SOURCE_ITEM = re.compile(r"([\u4e00-\u9fff]{1,8}?)资金" + NUM + r"(万元|元)")
_SOURCE_ALL = re.compile(r"资金全部为([\u4e00-\u9fff]{1,8}?)资金")
_APPROVED = re.compile(r"下达资金" + NUM + r"(万元|元)")


def source_facts(doc: Document) -> list[Fact]:
    """Amounts per funding source in the prose (其中县级资金12万元、省级资金8万元 / 资金全部为县级资金)
    and 四川's 下达资金N万元."""
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind != "p":
            continue
        for sent in sentences(b.text):
            for m in _SOURCES_SENT.finditer(sent):
                for it in _SOURCE_ITEM.finditer(m.group(1)):
                    out.append(Fact("source_amount", it.group(1), float(it.group(2)), it.group(3), sentence=sent, block=i))
            for m in _SOURCE_ALL.finditer(sent):
                out.append(Fact("source_all", m.group(1), None, sentence=sent, block=i))
            for m in _APPROVED.finditer(sent):
                out.append(Fact("approved_amount", "下达资金", float(m.group(1)), m.group(2), sentence=sent, block=i))
    return out


# 山西's 行次 matrix: its source columns and amount rows, named as the 预算执行 sheet names them
MATRIX_SOURCE_COLS = {"财政资金小计": "财政拨款", "其中：中央级": "中央", "其中：省级": "省级", "其中：市级": "市级", "其中：县区级": "县级", "上年结转资金": "上年结转资金", "其他资金": "其他资金"}
MATRIX_AMOUNT_ROWS = {"年初预算资金": "initial", "全年预算资金": "full_year", "实际到位资金": "received", "全年执行资金": "executed"}


def matrix_source_facts(doc: Document) -> list[Fact]:
    """Each amount cell of 山西's 行次 matrix under a funding-source column (blank cells too)."""
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind != "table":
            continue
        flat = [[re.sub(r"\s+", "", c) for c in r] for r in b.rows]
        head = next((k for k, r in enumerate(flat) if "行次" in r and "年度总金额" in r), None)
        if head is None:
            continue
        cols = {j: MATRIX_SOURCE_COLS[c] for j, c in enumerate(flat[head]) if c in MATRIX_SOURCE_COLS}
        for k, r in enumerate(flat[head + 1 :], head + 1):
            amount = MATRIX_AMOUNT_ROWS.get(next((c for c in r if c), ""))
            if amount is None:
                continue
            for j, src in cols.items():
                out.append(Fact("source_cell", src, _cell(r, j), extra={"amount": amount}, sentence=" | ".join(b.rows[k]) + f"（{flat[head][j]}）", block=i))
    return out


# a budget table by funding source (the reports' 预算执行 table, the 自评表's 预算执行情况 block)
BUDGET_TABLE_COLS = {"年初预算数": "initial", "年初预算": "initial", "全年预算数": "full_year", "调整后预算数": "full_year", "实际到位数": "received", "全年执行数": "executed", "预算执行数": "executed"}
BUDGET_TABLE_ROWS = {
    "年度资金总额": "年度资金总额", "财政拨款": "财政拨款", "其中：财政拨款": "财政拨款", "其中：当年财政拨款": "财政拨款", "当年财政拨款": "财政拨款",
    "其中：中央": "中央", "其中：省级": "省级", "其中：市级": "市级", "其中：县级": "县级", "上年结转资金": "上年结转资金", "其他资金": "其他资金",
}


def budget_table_source_facts(doc: Document) -> list[Fact]:
    """Each amount cell of a budget table laid out by funding source (rows) and amount (columns).
    ``extra["carry_in_other"]``: the table has no 上年结转资金 row, so its 其他资金 may hold it (陕西)."""
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind != "table":
            continue
        cols: dict[int, str] = {}
        rows: list[tuple[int, str]] = []
        for k, r in enumerate(b.rows):
            flat = [re.sub(r"\s+", "", c) for c in r]
            found = {j: BUDGET_TABLE_COLS[c] for j, c in enumerate(flat) if c in BUDGET_TABLE_COLS}
            if len(set(found.values())) >= 2 and "executed" in found.values():
                cols, rows = found, []
                continue
            if not cols:
                continue
            label = next((c for c in flat if c), "")
            src = BUDGET_TABLE_ROWS.get(label)
            if src is None:
                if rows:
                    for kk, s in rows:
                        out += _budget_cells(b.rows[kk], s, cols, i, rows)
                cols, rows = {}, []
                continue
            rows.append((k, src))
        for kk, s in rows:
            out += _budget_cells(b.rows[kk], s, cols, i, rows)
    return out


def _budget_cells(r: list[str], src: str, cols: dict[int, str], block: int, rows: list[tuple[int, str]]) -> list[Fact]:
    carry = not any(s == "上年结转资金" for _, s in rows)
    return [Fact("source_cell", src, _cell(r, j), extra={"amount": amount, "carry_in_other": carry}, sentence=" | ".join(r), block=block) for j, amount in cols.items()]


_CHANGE = r"(?:比上年(增加|减少)" + NUM + r"(人|万元|元)(?:（(?:增长|下降)" + NUM + r"%）)?|(与上年持平))"
_STAFF = [
    ("staff_quota", re.compile(r"核定编制" + NUM + r"人")),
    ("staff_actual", re.compile(r"年末实有人数" + NUM + r"人")),
]
_STAFF_GAP = re.compile(r"(超编|空编)" + NUM + r"人|(满编)")
_STAFF_CHANGE = re.compile(r"实有人数" + _CHANGE)
_SANGONG = re.compile(r"“三公”经费支出" + NUM + r"(万元|元)(?:，" + _CHANGE + r")?(?:，(控制在预算数|超出预算数)" + NUM + r"(万元|元))?")
_SANGONG_ITEMS = {"因公出国（境）费": "sangong_abroad", "公务用车购置及运行维护费": "sangong_car", "公务接待费": "sangong_reception"}
_SANGONG_ITEM = re.compile(r"(" + "|".join(re.escape(k) for k in _SANGONG_ITEMS) + r")" + NUM + r"(万元|元)")


_PCT = NUM + r"%"
# 收入/支出 sentences of a department: (key, regex, where the value/its share/its budget/its rate are)
_MONEY = [
    ("spend_total", re.compile(r"部门整体支出规模" + NUM + r"(万元|元)(?:，" + _CHANGE + r")?(?:，为预算数" + NUM + r"(?:万元|元)的" + _PCT + ")?")),
    ("income_total", re.compile(r"部门收入合计" + NUM + r"(万元|元)")),
]
_MONEY_PARTS = [  # a part with its share of a total: 财政拨款收入700万元（占85.37%）, 基本支出500万元，占支出合计的61.88%
    ("income_fiscal", "income_total", re.compile(r"财政拨款收入" + NUM + r"(万元|元)（占" + _PCT + "）")),
    ("income_other", "income_total", re.compile(r"其他收入" + NUM + r"(万元|元)（占" + _PCT + "）")),
    ("spend_basic", "spend_total", re.compile(r"(?<![\w])基本支出" + NUM + r"(万元|元)(?:，占支出合计的" + _PCT + r")?(?:[^；。]*?；预算数" + NUM + r"(?:万元|元)，执行率" + _PCT + ")?")),
    ("spend_project", "spend_total", re.compile(r"(?<![\w])项目支出" + NUM + r"(万元|元)(?:，占支出合计的" + _PCT + r")?(?:[^；。]*?；预算数" + NUM + r"(?:万元|元)，执行率" + _PCT + ")?")),
    ("spend_personnel", "", re.compile(r"人员经费" + NUM + r"(万元|元)()")),
    ("spend_public", "", re.compile(r"公用经费" + NUM + r"(万元|元)()")),
]


def money_facts(doc: Document) -> list[Fact]:
    """A department's 收入/支出 figures from the 基础数据 sheet: 部门整体支出规模 with its change and
    its ratio to the 本年预算数, 收入合计 and its parts' shares, 基本支出/项目支出 with their shares,
    their 预算数 and 执行率, 人员经费/公用经费."""
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind != "p":
            continue
        for sent in sentences(b.text):
            for key, pat in _MONEY:
                for m in pat.finditer(sent):
                    out.append(Fact("basic", key, float(m.group(1)), m.group(2), sentence=sent, block=i))
                    if key == "spend_total":
                        ch = _change_extra(m, 3)
                        if ch:
                            out.append(Fact("basic_change", key, None, m.group(2), extra=ch, sentence=sent, block=i))
                        if m.group(8):
                            out.append(Fact("basic_ratio", key, float(m.group(9)) / 100, extra={"budget": float(m.group(8))}, sentence=sent, block=i))
            for key, whole, pat in _MONEY_PARTS:
                for m in pat.finditer(sent):
                    out.append(Fact("basic", key, float(m.group(1)), m.group(2), sentence=sent, block=i))
                    if m.group(3):
                        out.append(Fact("basic_share", key, float(m.group(3)) / 100, extra={"of": whole}, sentence=sent, block=i))
                    if m.lastindex and m.lastindex >= 5 and m.group(4):
                        out.append(Fact("basic_ratio", key, float(m.group(5)) / 100, extra={"budget": float(m.group(4))}, sentence=sent, block=i))
    return out


def _change_extra(m: re.Match[str], first: int) -> dict[str, Any]:
    """The groups of _CHANGE starting at group ``first``: direction, amount, unit, rate, 持平."""
    word, amount, unit, rate, flat = (m.group(first + k) for k in range(5))
    if flat:
        return {"change": 0.0, "change_rate": None}
    if not word:
        return {}
    sign = 1 if word == "增加" else -1
    return {"change": sign * float(amount), "change_unit": unit, "change_rate": sign * float(rate) / 100 if rate else None}


def basic_facts(doc: Document) -> list[Fact]:
    """The department's 基础数据 figures: 编制数, 实有人数, 超编/空编, the 三公 total with its change and
    its budget, the 三公 parts; and the cells of a 基础数据 table (项目 | 单位 | 上年数 | 本年预算数 | 本年实际数)."""
    out: list[Fact] = []
    for i, b in enumerate(doc.blocks):
        if b.kind == "p":
            for sent in sentences(b.text):
                for key, pat in _STAFF:
                    for m in pat.finditer(sent):
                        out.append(Fact("basic", key, float(m.group(1)), "人", sentence=sent, block=i))
                for m in _STAFF_GAP.finditer(sent):
                    gap = 0.0 if m.group(3) else (1 if m.group(1) == "超编" else -1) * float(m.group(2))
                    out.append(Fact("basic_gap", "staff", gap, "人", sentence=sent, block=i))
                for m in _STAFF_CHANGE.finditer(sent):
                    out.append(Fact("basic_change", "staff_actual", None, "人", extra=_change_extra(m, 1), sentence=sent, block=i))
                for m in _SANGONG.finditer(sent):
                    out.append(Fact("basic", "sangong_total", float(m.group(1)), m.group(2), sentence=sent, block=i))
                    ch = _change_extra(m, 3)
                    if ch:
                        out.append(Fact("basic_change", "sangong_total", None, m.group(2), extra=ch, sentence=sent, block=i))
                    if m.group(8):
                        out.append(Fact("basic_budget", "sangong_total", float(m.group(9)), m.group(10), extra={"within": m.group(8) == "控制在预算数"}, sentence=sent, block=i))
                if "三公" in b.text:
                    for m in _SANGONG_ITEM.finditer(sent):
                        out.append(Fact("basic", _SANGONG_ITEMS[m.group(1)], float(m.group(2)), m.group(3), sentence=sent, block=i))
                    for m in re.finditer(r"未发生([^。；]*)", sent):  # 未发生因公出国（境）费、公务接待费: each is 0
                        for label, key in _SANGONG_ITEMS.items():
                            if label in m.group(1):
                                out.append(Fact("basic", key, 0.0, "", sentence=sent, block=i))
        else:
            cols: dict[str, int] = {}
            for r in b.rows:
                flat = [re.sub(r"\s+", "", c) for c in r]
                if "上年数" in flat and "本年实际数" in flat:
                    cols = {k: flat.index(v) for k, v in (("prior", "上年数"), ("budget", "本年预算数"), ("actual", "本年实际数")) if v in flat}
                    continue
                if cols and r and r[0].strip():
                    cells = {k: _cell(r, j) for k, j in cols.items()}
                    if any(cells.values()):
                        out.append(Fact("basic_cell", r[0].strip(), None, extra=cells, sentence=" | ".join(r), block=i))
    return out


# --- the official 自评表 as .xlsx (``report --format xlsx``) ------------------------------------


def _xlsx_text(cell: Any) -> str:
    """A cell as it prints: a number in a percent format as N%, other numbers trimmed, text as is."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if "%" in (cell.number_format or ""):
            return f"{round(v * 100, 4):g}%"
        return f"{round(float(v), 6):g}"
    return str(v).strip()


def load_xlsx(path: str | Path) -> Document:
    """The form's sheet as one table (merged cells: value in the top-left cell only, as on paper),
    its 预算执行 rows renamed to the budget table's headers, and the 评价结论 text as a paragraph.
    Read with ``prose_only`` set: the form carries only some of the workbook's fields, so the
    every-field and repeated-paragraph checks of a report do not apply."""
    import openpyxl

    wb = openpyxl.load_workbook(str(path))
    ws = wb.worksheets[0]
    rows = [[_xlsx_text(c) for c in r] for r in ws.iter_rows()]
    renamed = {"调整后预算数": "全年预算数", "预算执行数": "全年执行数", "预算执行率": "执行率"}
    title = [Block("p", r[0]) for r in rows[:2] if r and r[0]]
    table: list[list[str]] = []
    after: list[Block] = []
    for r in rows:
        flat = [re.sub(r"\s+", "", c) for c in r]
        if "资金来源" in flat and "预算执行率" in flat:
            r = [renamed.get(c, c) for c in flat]
        table.append(r)
        if flat and flat[0] == "评价结论":
            after.append(Block("p", next((c for c in r[1:] if c), "")))
    blocks = title + [Block("table", rows=table)] + after
    return Document(str(path), blocks, prose_only=True)
