"""The annex 自评表 holds its layout on paper: rendered to PDF by LibreOffice for every style, with
the shipped examples and a long table that spans pages, each page's text read back.

Checked on the pages of the form: the 总分 (四川: 合计) row is on the page of the row above it and
of the signature line; no page is blank; every 一级/二级 label is printed whole on one line (not wrapped, not split
by a page break); every page after the first that holds form rows starts with the indicator
header row; every rate of the form is printed intact and no line of the report holds a lone
``%``. One LibreOffice run converts every report (see report.pdf.render_pdf).

Also here, without LibreOffice: the form's rows never split and its header row repeats (the
Word properties behind the above), the .xlsx form repeats the header row on each printed page,
and a report's document properties are its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from docx import Document
from lxml import etree

from xlperf.report.context import official_form_of
from xlperf.report.job import report_context, write_report
from xlperf.report.official import LAYOUTS
from xlperf.report.pdf import find_soffice, render_pdf
from xlperf.report.word import template_path
from xlperf.workbook.examples import EXAMPLES, build_example
from xlperf.workbook.load import load

STYLES = ("通用", "四川", "山西", "陕西", "湖南")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RATE = re.compile(r"^-?\d[\d,]*(\.\d+)?%$")
LONE_PERCENT = re.compile(r"(^|\s)%(\s|$)")
PAGE_NUMBER = re.compile(r"\s*—\s*\d+\s*—\s*|\s*\d+\s*")  # a footer's page number alone

# (一级, 二级, rows, weight each): 40 rows, 90 points (the budget row has the other 10)
LONG_GROUPS = (("产出指标", "数量指标", 10, 2), ("产出指标", "质量指标", 8, 2.5), ("产出指标", "时效指标", 6, 1.5),
               ("产出指标", "成本指标", 4, 2.75), ("效益指标", "社会效益指标", 6, 2), ("效益指标", "可持续影响指标", 2, 4),
               ("满意度指标", "服务对象满意度指标", 4, 2.5))


LONG_REASON = "受年度资金拨付进度影响，部分服务延至次年一季度完成；已督促承接单位加快进度，按月通报完成情况。"


def long_rows() -> list[dict]:
    """40 indicator rows in seven 二级 groups, rates as targets and results; every ninth row
    falls short, with the unit's reason."""
    rows: list[dict] = []
    for level1, level2, n, weight in LONG_GROUPS:
        for _ in range(n):
            short = len(rows) % 9 == 4
            rows.append({"一级指标": level1, "二级指标": level2, "三级指标": f"指标{len(rows) + 1:02d}{level2[:2]}考核事项覆盖率",
                         "分值": weight, "年度指标值": "≥100%", "实际完成值": "90%" if short else "100%",
                         **({"偏差原因分析及改进措施": LONG_REASON} if short else {})})
    return rows


def build_long(path: Path, name: str = "") -> Path:
    from xlperf.workbook.template import build_template, fill_workbook

    spec = EXAMPLES["盐边残疾人医保"]
    info = {**spec["info"], "项目名称": name} if name else spec["info"]
    build_template(path, evaluation_type=spec["evaluation_type"], style=spec["style"])
    fill_workbook(path, info=info, budget=spec["budget"], indicators=long_rows(), merge_levels=True)
    return path


def render_form_report(book, style: str, target: Path):
    """The report with the official form in ``style``'s layout, and that form. 湖南's outline is
    the 部门整体 one, 四川's template has no annex: there the form goes into the 通用 outline
    (湖南 keeps its own template, 四川 the 通用 one)."""
    outline = style if style in ("通用", "山西", "陕西") else "通用"
    context, _ = report_context(book, outline, form_style=style)
    form = official_form_of(book.evaluation, context["style"])
    template = template_path("通用") if style == "四川" else None
    write_report(context, target, "docx", template, form)
    return form


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout for n in range(1, pages + 1)]


def _columns(form, titles: tuple[str, ...]) -> list[int]:
    return [c.col for c in form.cells if c.row == form.header_row and c.text in titles]


def _form_start(lines: list[list[str]], form, end: int) -> int | None:
    """The page (up to ``end``) where the form's first line (项目名称 and the name) is; a narrow
    label column may break the label between words, and the name is centred beside it."""
    name = next(c.text for c in form.cells if c.row == 0 and c.col == 1)
    label, first_name = _norm(LAYOUTS[form.style].name_label), _norm(name)[:6]
    starts = [n for n in range(end + 1) if any(_norm(ln).startswith(label[:2]) and first_name in _norm("".join(lines[n][i:i + 3]))
                                               for i, ln in enumerate(lines[n]))]
    return starts[-1] if starts else None


def layout_failures(pages: list[str], form) -> list[str]:
    """What is wrong with the form's layout on ``pages`` (each page's -layout text)."""
    lay = LAYOUTS[form.style]
    out: list[str] = []
    lines = [[ln for ln in p.splitlines() if ln.strip()] for p in pages]
    for n, page in enumerate(lines, 1):
        out += [f"第{n}页：单独一个 % 的行：{ln.strip()!r}" for ln in page if LONE_PERCENT.search(ln)]
        if all(PAGE_NUMBER.fullmatch(ln) for ln in page):
            out.append(f"第{n}页是空白页")
    name = next(c.text for c in form.cells if c.row == 0 and c.col == 1)
    sign = [n for n, p in enumerate(pages) if "填表人" in p]
    if not sign:
        return out + ["没有签字行（填表人）"]
    end = sign[-1]
    start = _form_start(lines, form, end)
    if start is None:
        return out + [f"没有找到自评表的第一行（{lay.name_label}{name}）"]
    form_pages = range(start, end + 1)
    form_lines = [(n, _norm(ln)) for n in form_pages for ln in lines[n]]

    # the total row: on the page of the row above it and of the signature line
    total = [(n, i) for n in form_pages for i, ln in enumerate(lines[n]) if _norm(ln).startswith(lay.total_label)]
    if not total:
        out.append(f"没有{lay.total_label}行")
    else:
        n, i = total[-1]
        if n != end:
            out.append(f"{lay.total_label}行在第{n + 1}页，签字行在第{end + 1}页")
        level3 = _columns(form, ("三级指标", "目标指标"))[0]
        total_row = next(c.row for c in form.cells if c.col == 0 and c.text == lay.total_label and c.row > form.header_row)
        above = next(c.text for c in form.cells if c.row == total_row - 1 and c.col == level3)
        if _norm(above)[:5] not in "".join(_norm(ln) for ln in lines[n][:i]):
            out.append(f"{lay.total_label}行（第{n + 1}页）与上一行“{above}”不在同一页")

    # labels whole on one line
    label_cols = set(_columns(form, ("一级指标", "二级指标")))
    total_row = next((c.row for c in form.cells if c.col == 0 and c.text == lay.total_label and c.row > form.header_row), form.nrows)
    for c in form.cells:
        if form.header_row < c.row < total_row and c.col in label_cols and c.text and c.colspan <= 2:
            if not any(_norm(c.text) in ln for _, ln in form_lines):
                out.append(f"标签“{c.text}”被拆开（折行或跨页）")

    # the header row on top of every later page of the form
    head = [_norm(c.text) for c in form.cells if c.row == form.header_row and c.col in label_cols]
    for n in form_pages:
        if n == start:
            continue
        top = "".join(_norm(ln) for ln in lines[n][:4])
        if not all(h in top for h in head):
            out.append(f"第{n + 1}页（自评表续页）的开头不是表头：{lines[n][0].strip()[:40]!r}")

    # rates intact
    for c in form.cells:
        if RATE.match(c.text) and not any(c.text in ln for _, ln in form_lines):
            out.append(f"比率“{c.text}”（第{c.row + 1}行）折行")
    return out


class Rendered(NamedTuple):
    pdf: Path | None
    form: Any  # the official form (None: the 部门整体 report, whose 附件3 holds template tables)
    docx: Path


def department_report(base: Path) -> Path:
    """A 湖南 部门整体 report whose 附件3 holds the 临汾购买服务 project (a reason) and the long table."""
    from tests.report.oracle.gen import base_departments, write
    from tests.report.oracle.run import render

    projects = base / "项目"
    projects.mkdir()
    shutil.copy(base / "临汾购买服务.xlsx", projects / "p1.xlsx")
    shutil.copy(base / "long.xlsx", projects / "p2.xlsx")
    workbook = write(base_departments()[1], base / "dept.xlsx")
    docx = base / "dept-湖南.docx"
    assert render(workbook, docx, "湖南", "docx", projects=projects) == ""
    return docx


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """{(workbook, style): Rendered}: every example and the long table in every style, and
    ("dept", "湖南"): the 部门整体 report."""
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    base = tmp_path_factory.mktemp("annex")
    books = {}
    for name in EXAMPLES:
        build_example(base / f"{name}.xlsx", name)
        books[name] = load(base / f"{name}.xlsx")
    books["long"] = load(build_long(base / "long.xlsx"))
    docs, forms = [], {}
    for name, book in books.items():
        for style in STYLES:
            docx = base / f"{name}-{style}.docx"
            forms[(name, style)] = (docx, render_form_report(book, style, docx))
            docs.append(docx)
    forms[("dept", "湖南")] = (department_report(base), None)
    docs.append(forms[("dept", "湖南")][0])
    produced = render_pdf(docs, base / "pdf")
    pdfs = {p.stem: p for p in produced if p is not None}
    return {key: Rendered(pdfs.get(docx.stem), form, docx) for key, (docx, form) in forms.items()}


CASES = [(name, style) for name in (*EXAMPLES, "long") for style in STYLES]


@pytest.mark.parametrize("name,style", CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_the_annex_form_holds_on_paper(rendered, name, style):
    pdf, form, _ = rendered[(name, style)]
    assert pdf is not None, "LibreOffice produced no PDF"
    pages = page_texts(pdf)
    assert layout_failures(pages, form) == []


def test_the_long_form_spans_pages(rendered):
    """The long table is the case that matters: its form must really run over a page."""
    for style in STYLES:
        pdf, form, _ = rendered[("long", style)]
        pages = page_texts(pdf)
        holding = [n for n, p in enumerate(pages) if "填表人" in p or any(_norm(c.text) in _norm(p) for c in form.cells if c.text.startswith("指标0"))]
        assert len(holding) >= 2, style


# --- widths: labels broken between words, rates whole, reasons readable, one rule at the joint ---------

CJK_TWIPS, CELL_MARGINS = 210, 68  # a CJK character of the 10.5 pt table text; a cell's side margins
REASON_MIN_CJK = 8  # a reason column holding sentences is at least this many characters wide
JOINERS = set("及和与")  # one-character words a line may hold alone
SENTENCE = re.compile("[，。；]")


def _body(docx: Path):
    import zipfile

    return etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))


def _cell_lines(tc) -> list[str]:
    """The cell's text lines: its paragraphs, and the line breaks inside them."""
    lines = []
    for p in tc.iter(W + "p"):
        line = ""
        for el in p.iter(W + "t", W + "br"):
            if el.tag == W + "br":
                lines.append(line)
                line = ""
            else:
                line += el.text or ""
        lines.append(line)
    return [ln.strip() for ln in lines if ln.strip()]


def _grid(tbl) -> list[int]:
    return [int(g.get(W + "w")) for g in tbl.find(W + "tblGrid").findall(W + "gridCol")]


def _positions(tr):
    """(grid column, tc) of each cell of the row."""
    col = 0
    for tc in tr.findall(W + "tc"):
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        yield col, tc
        col += int(span.get(W + "val")) if span is not None else 1


def form_tables(docx: Path):
    """(project block, indicator table) of the form: the tables around the joining paragraph."""
    for t in _body(docx).iter(W + "tbl"):
        joint = t.getprevious()
        if joint is not None and joint.tag == W + "p" and joint.find(f"{W}pPr/{W}keepNext") is not None and not _cell_lines(joint) \
                and joint.getprevious() is not None and joint.getprevious().tag == W + "tbl":
            return joint.getprevious(), t
    return None, None


def annex3_tables(docx: Path) -> list:
    """The 部门整体 report's 附件3 project tables (after the 附件3 heading, with a 偏差原因 header)."""
    body = _body(docx).find(W + "body")
    out, seen = [], False
    for el in body:
        if el.tag == W + "p" and "".join(t.text or "" for t in el.iter(W + "t")).strip().startswith("附件3"):
            seen = True
        elif seen and el.tag == W + "tbl" and any("原因" in "".join(_cell_lines(tc)) for tc in el.find(W + "tr").findall(W + "tc")):
            out.append(el)
    return out


def labels_of(tables: list, label_cols: int = 0) -> list[list[str]]:
    """The lines of every label to be printed unsplit: header cells (the first row of each
    table, tblHeader rows), bold cells, the first ``label_cols`` columns, short cells of a
    column headed 指标性质, and the last cell of a 总分/合计 row."""
    out = []
    for tbl in tables:
        rows = tbl.findall(W + "tr")
        nature = {c for c, tc in _positions(rows[0]) if "".join(_cell_lines(tc)) == "指标性质"}
        for i, tr in enumerate(rows):
            header = i == 0 or tr.find(f"{W}trPr/{W}tblHeader") is not None
            cells = list(_positions(tr))
            total = cells and "".join(_cell_lines(cells[0][1])) in ("总分", "合计")
            for k, (col, tc) in enumerate(cells):
                lines = _cell_lines(tc)
                text = "".join(lines)
                if not text or len(text) > 12 or SENTENCE.search(text) or "填表人" in text:
                    continue
                bold = tc.find(f".//{W}rPr/{W}b") is not None
                if header or bold or col < label_cols or col in nature or (total and k == len(cells) - 1):
                    out.append(lines)
    return out


def label_failures(labels: list[list[str]], lines: list[str]) -> list[str]:
    """A label whose line is not printed whole on one line, or a line of one character."""
    out = []
    printed = [_norm(ln) for ln in lines]
    for label in labels:
        for part in label:
            if len(part) == 1 and part not in JOINERS and len(label) > 1:
                out.append(f"标签“{''.join(label)}”的一行只有一个字：{part}")
            elif not any(_norm(part) in ln for ln in printed):
                out.append(f"标签“{''.join(label)}”的“{part}”没有印在同一行（被折开）")
    return out


def _form_pages(pages: list[str], form) -> list[str]:
    lines = [[ln for ln in p.splitlines() if ln.strip()] for p in pages]
    end = max(n for n, p in enumerate(pages) if "填表人" in p)
    start = _form_start(lines, form, end)
    return [ln for page in lines[start:end + 1] for ln in page]


def _annex3_pages(pages: list[str]) -> list[str]:
    """The lines from the page whose heading line is 附件3 (or 附件3-1, the first project's form) on."""
    start = min(n for n, p in enumerate(pages) if any(_norm(ln) in ("附件3", "附件3-1") for ln in p.splitlines()))
    return [ln for p in pages[start:] for ln in p.splitlines() if ln.strip()]


@pytest.mark.parametrize("name,style", [*CASES, ("dept", "湖南")], ids=[f"{n}-{s}" for n, s in [*CASES, ("dept", "湖南")]])
def test_labels_break_only_between_words_and_rates_stay_whole(rendered, name, style):
    """Every header and label prints each of its lines whole (the Word lines break between
    words; LibreOffice breaks none further); every rate of the tables is on one line."""
    case = rendered[(name, style)]
    pages = page_texts(case.pdf)
    if case.form is not None:
        tables, label_cols, lines = list(form_tables(case.docx)), 0, _form_pages(pages, case.form)
    else:
        tables, label_cols, lines = annex3_tables(case.docx), 2, _annex3_pages(pages)
        assert len(tables) == 2, "附件3 holds both projects' forms"
    labels = labels_of(tables, label_cols)
    assert len(labels) >= 9
    assert label_failures(labels, lines) == []
    rates = {t for tbl in tables for tc in tbl.iter(W + "tc") for t in ["".join(_cell_lines(tc))] if RATE.match(t)}
    assert rates and [r for r in rates if not any(r in _norm(ln) for ln in lines)] == []
    assert [ln for ln in lines if LONE_PERCENT.search(ln)] == []


@pytest.mark.parametrize("name,style", [*CASES, ("dept", "湖南")], ids=[f"{n}-{s}" for n, s in [*CASES, ("dept", "湖南")]])
def test_a_reason_column_is_wide_enough_to_read(rendered, name, style):
    """Measured in the docx (gridCol and each cell's tcW): a reason column holding sentences is
    at least REASON_MIN_CJK characters wide, an empty one holds its header on two lines."""
    case = rendered[(name, style)]
    tables = [form_tables(case.docx)[1]] if case.form is not None else annex3_tables(case.docx)
    with_reasons = 0
    for tbl in tables:
        head = tbl.find(W + "tr")
        col = next(c for c, tc in _positions(head) if "原因" in "".join(_cell_lines(tc)))
        texts = [(tc, "".join(_cell_lines(tc))) for tr in tbl.findall(W + "tr")[1:] for c, tc in _positions(tr) if c == col]
        reasons = [t for _, t in texts if SENTENCE.search(t)]
        with_reasons += bool(reasons)
        need = (REASON_MIN_CJK if reasons else 6) * CJK_TWIPS + CELL_MARGINS
        assert _grid(tbl)[col] >= need, (name, style, _grid(tbl))
        for tc, _ in texts:
            if tc.find(f"{W}tcPr/{W}gridSpan") is None:
                assert int(tc.find(f"{W}tcPr/{W}tcW").get(W + "w")) >= need
    if name in ("long", "dept", "临汾购买服务"):
        assert with_reasons, "the case holds a reason"


@pytest.mark.parametrize("style", STYLES)
def test_the_joint_prints_one_rule(rendered, style):
    """One rule between the project block and the indicator table: the block has no bottom
    border, the paragraph joining them is 0.1 pt high (two borders printed a heavier line); so
    the PDF must show the block's last page holding the indicator header (the block is never
    left open at a page's foot); a label merged down the project block keeps its rows on one page."""
    for name in (*EXAMPLES, "long"):
        case = rendered[(name, style)]
        block, indicators = form_tables(case.docx)
        assert block.find(f"{W}tblPr/{W}tblBorders/{W}bottom").get(W + "val") == "nil"
        borders = indicators.find(f"{W}tblPr/{W}tblBorders")
        assert [borders.find(W + side).get(W + "val") for side in ("top", "bottom", "insideH")] == ["single"] * 3
        spacing = indicators.getprevious().find(f"{W}pPr/{W}spacing")
        assert spacing.get(W + "lineRule") == "exact" and int(spacing.get(W + "line")) <= 2
        rows = block.findall(W + "tr")
        for i, tr in enumerate(rows):
            for col, tc in _positions(tr):
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                if merge is not None and merge.get(W + "val") == "restart":
                    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(W + "p")), (name, i, col)
        pages = [[ln for ln in p.splitlines() if ln.strip()] for p in page_texts(case.pdf)]
        end = max(n for n, p in enumerate(pages) if "填表人" in "".join(p))
        start = _form_start(pages, case.form, end)
        last_block_text = _norm("".join(_cell_lines(block.findall(W + "tr")[-1])))[:6]
        block_end = max(n for n in range(start, end + 1) if last_block_text in _norm("".join(pages[n])))
        assert "一级指标" in _norm("".join(pages[block_end])), (name, "the project block ends a page without the indicator table")


def test_the_label_checker_sees_a_split_label():
    labels = [["年度", "指标值"], ["正向指标"], ["偏差原因分析", "及改进措施"]]
    good = ["一级指标 年度 偏差原因分析", "指标值 及改进措施", "正向指标 100.00%"]
    assert label_failures(labels, good) == []
    assert label_failures(labels, ["年度 偏差原因分析", "指标 及改进措施", "值", "正向指标"])
    assert label_failures(labels, ["年度", "指标值", "正向指", "标", "偏差原因分析", "及改进措施"])
    assert label_failures([["年度指标", "值"]], ["年度指标", "值"])


def test_the_checker_sees_a_split_total_a_broken_label_and_a_missing_header():
    """layout_failures itself: pages made by hand with each defect."""
    from xlperf.report.official import Form, FormCell

    cells = [FormCell(row=0, col=0, text="项目名称"), FormCell(row=0, col=1, text="某项目", colspan=3),
             FormCell(row=1, col=0, text="一级指标"), FormCell(row=1, col=1, text="二级指标"), FormCell(row=1, col=2, text="三级指标"),
             FormCell(row=1, col=3, text="完成率"),
             FormCell(row=2, col=0, text="满意度指标", rowspan=2), FormCell(row=2, col=1, text="服务对象满意度指标", rowspan=2),
             FormCell(row=2, col=2, text="满意度甲"), FormCell(row=2, col=3, text="100.00%"),
             FormCell(row=3, col=2, text="满意度乙"), FormCell(row=3, col=3, text="95.00%"),
             FormCell(row=4, col=0, text="总分", colspan=3), FormCell(row=4, col=3, text="100")]
    form = Form(style="山西", title="t", year="y", ncols=4, nrows=5, cells=cells, header_row=1)
    good = ["附件\n项目名称  某项目\n一级指标 二级指标 三级指标 完成率\n满意度指标 服务对象满意度指标 满意度甲 100.00%\n",
            "一级指标 二级指标 三级指标 完成率\n  满意度乙 95.00%\n总分  100\n单位（盖章）： 填表人：\n"]
    assert layout_failures(good, form) == []
    split_total = [good[0] + "  满意度乙 95.00%\n", "总分  100\n单位（盖章）： 填表人：\n"]
    assert any("不在同一页" in f for f in layout_failures(split_total, form))
    broken = [good[0].replace("服务对象满意度指标", "服务对象满意度指") + "  标\n", good[1]]
    assert any("服务对象满意度指标" in f for f in layout_failures(broken, form))
    no_header = [good[0], good[1].split("\n", 1)[1]]
    assert any("不是表头" in f for f in layout_failures(no_header, form))
    wrapped = [good[0].replace("100.00%", "100.00") + "  %\n", good[1]]
    assert len([f for f in layout_failures(wrapped, form) if "%" in f]) == 2  # the lone % and the rate not intact
    assert any("空白页" in f for f in layout_failures([*good, "\n — 3 —\n"], form))
    alone = [good[0], good[1], "总分  100\n单位（盖章）： 填表人：\n"]
    assert any("签字行" in f or "不在同一页" in f for f in layout_failures(alone, form))


# --- without LibreOffice: the properties behind the layout -----------------------------------------

@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    return load(build_long(tmp_path_factory.mktemp("long") / "long.xlsx"))


@pytest.mark.parametrize("style", ("通用", "山西", "陕西", "湖南"))
def test_form_rows_never_split_and_the_indicator_header_repeats(long_book, tmp_path, style):
    docx = tmp_path / "r.docx"
    form = render_form_report(long_book, style, docx)
    body = etree.fromstring(__import__("zipfile").ZipFile(docx).read("word/document.xml"))
    tables = [t for t in body.iter(W + "tbl") if t.getprevious() is not None and t.getprevious().tag == W + "p"
              and t.getprevious().find(f"{W}pPr/{W}keepNext") is not None and t.getprevious().getprevious() is not None
              and t.getprevious().getprevious().tag == W + "tbl"]
    assert len(tables) == 1, "the indicator table follows the project block"
    indicators = tables[0]
    rows = indicators.findall(W + "tr")
    assert len(rows) == form.nrows - form.header_row + 1  # and the signature line
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows] == [True] + [False] * (len(rows) - 1)
    assert "填表人" in "".join(t.text or "" for t in rows[-1].iter(W + "t"))
    # the row above the total and the total keep with what follows (the signature line)
    for tr in rows[-3:-1]:
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(W + "p"))


@pytest.mark.parametrize("style", STYLES)
def test_the_xlsx_form_repeats_its_header_row_and_fits_the_width(long_book, tmp_path, style):
    import openpyxl

    from xlperf.report.official_xlsx import TITLE_ROWS, write_form_xlsx

    form = official_form_of(long_book.evaluation, style)
    path = write_form_xlsx(form, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(path).active
    header = TITLE_ROWS + 1 + form.header_row
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.orientation == "landscape"


@pytest.mark.parametrize("style", ("通用", "山西", "陕西", "四川"))
def test_a_reports_document_properties_are_its_own(long_book, tmp_path, style):
    docx = tmp_path / "r.docx"
    context, _ = report_context(long_book, style)
    write_report(context, docx, "docx", None, official_form_of(long_book.evaluation, context["style"]))
    props = Document(str(docx)).core_properties
    assert props.title == context["title"]
    assert "模板" not in (props.comments or "") and "{" not in (props.comments or "")
    assert "xlperf" not in " ".join(filter(None, (props.author, props.last_modified_by, props.comments)))


# --- the department report: one 附件3-n form per project, each on landscape pages of its own ------------


LONG_NAME = "残疾人医疗保险资助长表项目"


@pytest.fixture(scope="module")
def department_rendered(tmp_path_factory):
    """A 湖南 部门整体 report (docx → PDF) with three projects — the long table, 临汾购买服务 and one whose
    total is 待定 — : (pdf, the projects in annex order, each with its form)."""
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    import random

    from tests.report.oracle.gen import base_departments, base_projects, vary, write
    from xlperf.department import department_report

    base = tmp_path_factory.mktemp("dept-annex")
    projects = base / "项目"
    projects.mkdir()
    build_long(projects / "long.xlsx", LONG_NAME)
    build_example(projects / "临汾购买服务.xlsx", "临汾购买服务")
    # a project with an actual left blank: its total reads 待定（1处待填写）, a taller 总分 row
    write(vary(base_projects()[3], random.Random(3), ["blank"]), projects / "待定.xlsx")
    dept = write(base_departments()[0], base / "部门.xlsx")
    result = department_report(dept, projects, base / "部门报告.docx")
    produced = render_pdf([result.out], base / "pdf")
    assert produced and produced[0] is not None, "LibreOffice produced no PDF"
    return produced[0], result.projects


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out, re.M)]


def test_each_project_form_of_a_department_report_holds_on_paper(department_rendered):
    pdf, projects = department_rendered
    pages = page_texts(pdf)
    sizes = _page_sizes(pdf)
    assert len(projects) == 3 and len(sizes) == len(pages)
    # each annex's heading is a line of its own (the prose points at them too: 详见附件3-1)
    starts = [next(n for n, p in enumerate(pages) if any(_norm(ln) == f"附件3-{i}" for ln in p.splitlines())) for i in range(1, len(projects) + 1)]
    assert starts == sorted(starts), "附件3-1, 3-2, 3-3 in order"
    ends = starts[1:] + [next((n for n, p in enumerate(pages) if "待完善事项" in p and n > starts[-1]), len(pages))]
    failures = []
    for i, (entry, start, end) in enumerate(zip(projects, starts, ends), 1):
        assert entry.form is not None and entry.form.style == "湖南"
        failures += [f"附件3-{i}：{f}" for f in layout_failures(pages[start:end], entry.form)]
        failures += [f"附件3-{i} 第{n + 1}页不是横向" for n in range(start, end) if sizes[n][0] < sizes[n][1]]
        if entry.name == LONG_NAME:
            assert end - start >= 2, "the long form runs over a page"
    failures += [f"第{n + 1}页是空白页" for n, p in enumerate(pages) if all(PAGE_NUMBER.fullmatch(ln) for ln in p.splitlines() if ln.strip())]
    assert failures == []


def test_the_oracle_reads_a_paragraph_the_page_break_cuts():
    """The fact oracle's PDF reading: a paragraph wrapped at the page's end goes on after the
    page number; a short last line, a heading or the form's header on the next page starts anew."""
    from tests.report.oracle.extract import pdf_blocks

    cut = "（一）项目基本情况。\n项目完成指标包括数量指标：资金拨付完成时间，2025 年\n—1—\n\n\f11 月 30 日前。时效指标：资金拨付时间。\n—2—\n\n\f"
    assert [b.text for b in pdf_blocks(cut)] == ["（一）项目基本情况。", "项目完成指标包括数量指标：资金拨付完成时间，2025年11月30日前。时效指标：资金拨付时间。"]
    short = "项目完成指标包括数量指标：资金拨付完成时间，2025 年 11 月\n年初预算数\n—1—\n\f40\n—2—\n"
    assert [b.text for b in pdf_blocks(short)] == ["项目完成指标包括数量指标：资金拨付完成时间，2025年11月年初预算数", "40"]
    heading = cut.replace("\f11 月 30 日前。", "\f二、项目绩效。")
    assert [b.text for b in pdf_blocks(heading)][1] == "项目完成指标包括数量指标：资金拨付完成时间，2025年"
