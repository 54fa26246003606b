"""Build the shipped report templates ``report-<style>.docx`` (GB/T 9704 公文格式).

Run from the repository root after changing anything here, and commit the .docx files::

    python xlperf/report/templates/make_templates.py

python-docx supplies the package (styles part, footers, settings); every style, paragraph,
run and table is then written as explicit WordprocessingML so nothing is left to Word's
defaults: the East Asian font is set on every style and every run (``w:eastAsia``), Latin
letters and digits use Times New Roman. The body is one loop over ``sections`` with docxtpl
tags; see docs/report-templates.md for every variable.

Only the front matter differs between styles: 陕西 starts with a cover page; the others with
the title lines. The outline itself comes from ``xlperf.core.narrative``.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Mm

from xlperf.core.enums import Style

HERE = Path(__file__).resolve().parent
STYLES = tuple(Style)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = f'xmlns:w="{W_NS}"'

# --- fonts and sizes (half-points) -------------------------------------------------------------

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

SZ_TITLE = 44  # 二号 22 pt
SZ_BODY = 32  # 三号 16 pt
SZ_TABLE_TITLE = 36  # 小二 18 pt
SZ_COVER_TITLE = 52  # 一号 26 pt
SZ_PAGE_NO = 28  # 四号 14 pt
SZ_TABLE = 21  # 五号 10.5 pt
SZ_NOTE = 24  # 小四 12 pt

LINE_BODY = 560  # fixed 28 pt
LINE_TITLE = 700  # fixed 35 pt
LINE_TABLE = 300  # fixed 15 pt inside tables
INDENT_2CH = 640  # 2 characters of 16 pt
ROW_H = 397  # table rows at least 7 mm

# A4 and the GB/T 9704 margins
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm

BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'  # 0.5 pt


def rfonts(east: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def mm(v: float) -> int:
    return round(v * 56.6929)


# --- styles ------------------------------------------------------------------------------------


def _style(style_id: str, name: str, *, east: str, size: int, based_on: str | None = "Normal", bold: bool = False,
           jc: str = "both", indent: bool = True, line: int = LINE_BODY, keep_next: bool = False,
           page_break: bool = False, outline: int | None = None, latin: str = LATIN, kind: str = "paragraph",
           before: int = 0, after: int = 0, extra_ppr: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break:
        ppr += "<w:pageBreakBefore/>"
    ppr += "<w:widowControl w:val=\"0\"/>"
    ppr += extra_ppr
    ppr += f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
    if indent:
        ppr += f'<w:ind w:firstLineChars="200" w:firstLine="{INDENT_2CH}"/>'
    else:
        ppr += '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
    ppr += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    rpr = f'{rfonts(east, latin)}{b}<w:color w:val="000000"/><w:kern w:val="2"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    return (
        f'<w:style {NSDECL} w:type="{kind}" w:customStyle="{0 if style_id in BUILTIN else 1}" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based}<w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


BUILTIN = {"Normal", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Footer", "Header"}

PARAGRAPH_STYLES = [
    # style id, name shown in Word, options
    ("Normal", "Normal", dict(east=FANGSONG, size=SZ_BODY, based_on=None)),
    ("Title", "Title", dict(east=XIAOBIAOSONG, size=SZ_TITLE, jc="center", indent=False, line=LINE_TITLE)),
    ("Subtitle", "Subtitle", dict(east=KAITI, size=SZ_BODY, jc="center", indent=False)),
    ("Heading1", "heading 1", dict(east=HEITI, size=SZ_BODY, keep_next=True, outline=0)),
    ("Heading2", "heading 2", dict(east=KAITI, size=SZ_BODY, keep_next=True, outline=1)),
    ("Heading3", "heading 3", dict(east=FANGSONG, size=SZ_BODY, bold=True, keep_next=True, outline=2)),
    ("TitleBreak", "标题（另起一页）", dict(east=XIAOBIAOSONG, size=SZ_TITLE, jc="center", indent=False, line=LINE_TITLE, page_break=True, based_on="Title")),
    ("Annex", "附件标题", dict(east=HEITI, size=SZ_BODY, jc="left", indent=False, keep_next=True, page_break=True, outline=0)),
    ("TableTitle", "表题", dict(east=XIAOBIAOSONG, size=SZ_TABLE_TITLE, jc="center", indent=False, keep_next=True, line=LINE_TITLE, outline=0)),
    ("TableCaption", "表名", dict(east=HEITI, size=SZ_BODY, jc="center", indent=False, keep_next=True)),
    ("TableNote", "表注", dict(east=FANGSONG, size=SZ_NOTE, jc="right", indent=False, keep_next=True, line=360)),
    ("TableText", "表格文字", dict(east=FANGSONG, size=SZ_TABLE, jc="center", indent=False, line=LINE_TABLE)),
    ("TableTextLeft", "表格文字（左对齐）", dict(east=FANGSONG, size=SZ_TABLE, jc="left", indent=False, line=LINE_TABLE, based_on="TableText")),
    ("TableHead", "表格表头", dict(east=FANGSONG, size=SZ_TABLE, jc="center", indent=False, line=LINE_TABLE, bold=True, based_on="TableText")),
    ("FormYear", "自评表年度", dict(east=FANGSONG, size=SZ_NOTE, jc="center", indent=False, keep_next=True, line=360)),
    ("FormSign", "自评表签署", dict(east=FANGSONG, size=SZ_NOTE, jc="left", indent=False, line=360, before=120)),
    ("OfficialForm", "自评表位置", dict(east=FANGSONG, size=SZ_TABLE, jc="left", indent=False, line=240)),
    ("Spacer", "表后空行", dict(east=FANGSONG, size=SZ_TABLE, jc="left", indent=False, line=240)),
    ("SignOff", "负责人签章", dict(east=FANGSONG, size=SZ_BODY, jc="left", indent=False, keep_next=True, before=240)),
    ("SignDate", "签章日期", dict(east=FANGSONG, size=SZ_BODY, jc="right", indent=False)),
    ("CoverTitle", "封面标题", dict(east=XIAOBIAOSONG, size=SZ_COVER_TITLE, jc="center", indent=False, line=800)),
    ("CoverLabel", "封面栏目", dict(east=HEITI, size=SZ_BODY, jc="distribute", indent=False, line=LINE_BODY)),
    ("CoverValue", "封面内容", dict(east=FANGSONG, size=SZ_BODY, jc="left", indent=False, line=LINE_BODY)),
    ("Footer", "footer", dict(east=SONGTI, latin=SONGTI, size=SZ_PAGE_NO, jc="right", indent=False, line=240)),
    ("Header", "header", dict(east=FANGSONG, size=SZ_TABLE, jc="center", indent=False, line=240)),
]

# the style of each run created in a paragraph of that style (east, latin)
RUN_FONTS = {sid: (opts["east"], opts.get("latin", LATIN)) for sid, _, opts in PARAGRAPH_STYLES}


def install_styles(doc) -> None:
    styles = doc.styles.element
    # the document defaults: explicit fonts, no theme fonts
    defaults = styles.find(f"{{{W_NS}}}docDefaults")
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {NSDECL}><w:rPrDefault><w:rPr>{rfonts(FANGSONG)}<w:kern w:val=\"2\"/>"
            f'<w:sz w:val="{SZ_BODY}"/><w:szCs w:val="{SZ_BODY}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    for sid, name, opts in PARAGRAPH_STYLES:
        for old in styles.findall(f"{{{W_NS}}}style"):
            if old.get(f"{{{W_NS}}}styleId") == sid:
                styles.remove(old)
        styles.append(parse_xml(_style(sid, name, **opts)))
    # every other style that names fonts: make the East Asian font explicit
    for rf in styles.iter(f"{{{W_NS}}}rFonts"):
        _explicit_fonts(rf)


def _explicit_fonts(rf, east: str = FANGSONG, latin: str = LATIN) -> None:
    w = f"{{{W_NS}}}"
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rf.attrib.pop(w + theme, None)
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east), ("cs", latin)):
        if rf.get(w + attr) is None:
            rf.set(w + attr, value)


# --- paragraphs and tables -----------------------------------------------------------------------


def run(text: str, style: str, *, bold: bool = False) -> str:
    east, latin = RUN_FONTS[style]
    b = "<w:b/><w:bCs/>" if bold else ""
    return f'<w:r><w:rPr>{rfonts(east, latin)}{b}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str, style: str = "Normal", *, ppr: str = "") -> str:
    body = run(text, style) if text else ""
    mark = f"<w:rPr>{rfonts(*RUN_FONTS[style])}</w:rPr>"
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}{mark}</w:pPr>{body}</w:p>'


def tag(jinja: str) -> str:
    """A paragraph holding only a {%p … %} tag (docxtpl removes the paragraph)."""
    return para(jinja, "Normal")


def cell(text: str, width: int, style: str = "TableText", *, span: int = 1, borders: str = "", valign: str = "center") -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    tcb = f"<w:tcBorders>{borders}</w:tcBorders>" if borders else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{tcb}<w:vAlign w:val="{valign}"/></w:tcPr>'
        f"{para(text, style)}</w:tc>"
    )


def row(cells: str, *, header: bool = False, cant_split: bool = True, height: int = ROW_H) -> str:
    trpr = ("<w:cantSplit/>" if cant_split else "") + (f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else "")
    trpr += "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{cells}</w:tr>"


def tag_row(jinja: str, widths: list[int]) -> str:
    """A row holding only a {%tr … %} tag, one cell across the table (docxtpl removes the row)."""
    return row(cell(jinja, sum(widths), "TableTextLeft", span=len(widths)))


def table(widths: list[int], rows: str, *, caption: str = "", borders: bool = True) -> str:
    total = sum(widths)
    b = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")) if borders else "".join(
        f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    cap = f'<w:tblCaption w:val="{caption}"/>' if caption else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{b}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="34" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="34" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>{cap}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


def widths_mm(*values: float) -> list[int]:
    """Column widths in twips from millimetres, the last one taking the rounding rest of TEXT_W."""
    out = [mm(v) for v in values]
    out[-1] += TEXT_W - sum(out)
    return out


def header_row(labels: list[str], widths: list[int]) -> str:
    return row("".join(cell(label, w, "TableHead") for label, w in zip(labels, widths)), header=True)


def header_row_from(var: str, widths: list[int]) -> str:
    """Header cells whose labels come from the context (``tb.header[i]``) so units can vary."""
    return row("".join(cell(f"{{{{ {var}[{i}] }}}}", w, "TableHead") for i, w in enumerate(widths)), header=True)


def data_row(fields: list[tuple[str, str]], widths: list[int]) -> str:
    return row("".join(cell(f"{{{{ {expr} }}}}", w, style) for (expr, style), w in zip(fields, widths)))


# The tables. ``xlperf:merge=1,2`` in the table's alt-text title (w:tblCaption) tells the
# renderer to merge equal neighbouring cells of columns 1 and 2 (the 一级/二级 indicators); the
# renderer also sizes the columns by their content and removes the caption from the report.

SELF_W = widths_mm(13, 16, 26, 9, 16, 16, 15, 11, 34)
SELF_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "完成率", "得分", "偏差原因分析及改进措施"]


def self_table_xml(var: str) -> str:
    w = SELF_W
    fields = [
        ("r.level1", "TableText"),
        ("r.level2", "TableText"),
        ("r.level3", "TableTextLeft"),
        ("r.weight", "TableText"),
        ("r.target", "TableText"),
        ("r.actual", "TableText"),
        ("r.completion", "TableText"),
        ("r.score", "TableText"),
        ("r.reason", "TableTextLeft"),
    ]
    total = row(
        cell(f"{{{{ {var}.total.label }}}}", w[0] + w[1] + w[2], "TableHead", span=3)
        + cell(f"{{{{ {var}.total.weight }}}}", w[3], "TableHead")
        + cell("", w[4])
        + cell("", w[5])
        + cell("", w[6])
        + cell(f"{{{{ {var}.total.score }}}}", w[7], "TableHead")
        + cell(f"{{{{ {var}.total.note }}}}", w[8], "TableText")
    )
    rows = (
        header_row(SELF_HEADER, w)
        + tag_row(f"{{%tr for r in {var}.rows %}}", w)
        + data_row(fields, w)
        + tag_row("{%tr endfor %}", w)
        + total
    )
    return table(w, rows, caption="xlperf:merge=1,2")


BUDGET_W = widths_mm(24, 20, 20, 20, 20, 20, 16, 16)


def budget_table_xml(var: str) -> str:
    w = BUDGET_W
    fields = [
        ("r.source", "TableTextLeft"),
        ("r.initial", "TableText"),
        ("r.full_year", "TableText"),
        ("r.received", "TableText"),
        ("r.executed", "TableText"),
        ("r.balance", "TableText"),
        ("r.arrival_rate", "TableText"),
        ("r.execution_rate", "TableText"),
    ]
    rows = header_row_from(f"{var}.header", w) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + data_row(fields, w) + tag_row("{%tr endfor %}", w)
    return table(w, rows, caption="xlperf:merge=")


MATRIX_W = widths_mm(26, 19, 14, 14, 14, 14, 14, 14, 14, 13)
MATRIX_KEYS = ("item", "line", "total", "fiscal", "central", "province", "city", "county", "carryover", "other")


def _matrix_cell(text: str, width: int, style: str, *, span: int = 1, vmerge: str = "") -> str:
    """A cell of the 行次 matrix: its paragraph keeps with the next row (the matrix is never split
    across pages); ``vmerge``: restart / continue (a header label spanning both header rows)."""
    tc = cell(text, width, style, span=span)
    if vmerge:
        tc = tc.replace("<w:vAlign", f'<w:vMerge w:val="{vmerge}"/><w:vAlign', 1)
    return tc.replace(f'<w:pStyle w:val="{style}"/>', f'<w:pStyle w:val="{style}"/><w:keepNext/>', 1)


def budget_matrix_table_xml(var: str) -> str:
    """山西 一（二）预算执行情况, the 行次 matrix: two header rows (财政资金 over 小计/中央级/省级/市级/
    县区级, the other labels spanning both rows), then one row per 行次. Widths are fixed (no
    ``xlperf:`` title: nothing to merge, and ten columns fit the page only as planned here)."""
    w = MATRIX_W
    down = (0, 1, 2, 8, 9)  # grid columns whose label spans both header rows (top[0..2], top[4..5])
    labels = iter(range(6))
    first = "".join(
        _matrix_cell(f"{{{{ {var}.top[{next(labels)}] }}}}", w[c], "TableHead", vmerge="restart") if c in down
        else _matrix_cell(f"{{{{ {var}.top[{next(labels)}] }}}}", sum(w[3:8]), "TableHead", span=5) if c == 3
        else ""
        for c in range(10)
    )
    second = "".join(
        _matrix_cell("", w[c], "TableHead", vmerge="continue") if c in down else _matrix_cell(f"{{{{ {var}.sub[{c - 3}] }}}}", w[c], "TableHead")
        for c in range(10)
    )
    body = row("".join(_matrix_cell(f"{{{{ r.{k} }}}}", wc, "TableText") for k, wc in zip(MATRIX_KEYS, w)))
    rows = row(first, header=True) + row(second, header=True) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + body + tag_row("{%tr endfor %}", w)
    return table(w, rows)


IND_W = widths_mm(30, 46, 16, 22, 24, 18)


def indicator_table_xml(var: str) -> str:
    w = IND_W
    fields = [
        ("r.level2", "TableText"),
        ("r.level3", "TableTextLeft"),
        ("r.weight", "TableText"),
        ("r.target", "TableText"),
        ("r.actual", "TableText"),
        ("r.score", "TableText"),
    ]
    member = row("".join(cell(f"{{{{ {expr} }}}}", width, style) for (expr, style), width in zip(fields, w)), height=mm(10))  # room for a signature
    rows = header_row_from(f"{var}.header", w) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + member + tag_row("{%tr endfor %}", w)
    return table(w, rows, caption="xlperf:merge=1")


PAY_W = widths_mm(30, 30, 66, 30)


def payments_table_xml(var: str) -> str:
    w = PAY_W
    fields = [("r.date", "TableText"), ("r.nature", "TableText"), ("r.purpose", "TableTextLeft"), ("r.amount", "TableText")]
    rows = header_row_from(f"{var}.header", w) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + data_row(fields, w) + tag_row("{%tr endfor %}", w)
    return table(w, rows, caption="xlperf:merge=")


TEAM_W = widths_mm(22, 24, 30, 50, 30)


def team_table_xml(var: str) -> str:
    """陕西 五、自评小组: 评价人员 merged down the first column, 签字 left blank for the pen."""
    w = TEAM_W
    fields = [("r.role", "TableText"), ("r.name", "TableText"), ("r.title", "TableText"), ("r.unit", "TableTextLeft"), ("r.sign", "TableText")]
    member = row("".join(cell(f"{{{{ {expr} }}}}", width, style) for (expr, style), width in zip(fields, w)), height=mm(10))  # room for a signature
    rows = header_row_from(f"{var}.header", w) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + member + tag_row("{%tr endfor %}", w)
    return table(w, rows, caption="xlperf:merge=1")


def sign_off_xml(var: str) -> str:
    """陕西: 项目单位（中介机构）负责人（签字并盖章）：, room to sign, then the date on the right."""
    return para(f"{{{{ {var}.label }}}}", "SignOff") + para("", "SignOff") + para("", "SignOff") + para(f"{{{{ {var}.date }}}}", "SignDate")


GOAL_W = widths_mm(19, 20, 19, 28, 23, 23, 24)


def keep_with_next(rows: str) -> str:
    """Every paragraph of these rows keeps with the next: the rows stay together and with the row after them."""
    return re.sub(r'(<w:pStyle w:val="[^"]+"/>)', r"\1<w:keepNext/>", rows)


def goal_table_xml(var: str) -> str:
    """陕西 一（二）项目目标: the 绩效完成表 — a label column (资金金额, 年度目标, 年度绩效指标 merged
    down by the renderer: equal neighbours in column 1) and six columns beside it."""
    w = GOAL_W
    left, right, rest = sum(w[1:4]), sum(w[4:]), sum(w[1:])

    def label(text: str) -> str:
        return cell(text, w[0], "TableHead")

    top = keep_with_next(
        row(label("项目名称") + cell(f"{{{{ {var}.project }}}}", rest, "TableTextLeft", span=6))
        + row(label("主管部门") + cell(f"{{{{ {var}.department }}}}", rest, "TableTextLeft", span=6))
        + tag_row(f"{{%tr for f in {var}.funds %}}", w)
        + row(label("资金金额") + cell("{{ f.label }}", left, "TableTextLeft", span=3) + cell("{{ f.value }}", right, "TableText", span=3))
        + tag_row("{%tr endfor %}", w)
        + row(label("年度目标") + cell("年初设定目标", left, "TableHead", span=3) + cell("全年实际完成情况", right, "TableHead", span=3))
        + row(label("年度目标") + cell(f"{{{{ {var}.goal }}}}", left, "TableTextLeft", span=3) + cell(f"{{{{ {var}.result }}}}", right, "TableTextLeft", span=3))
        + row(label("年度绩效指标") + "".join(cell(f"{{{{ {var}.header[{i}] }}}}", width, "TableHead") for i, width in enumerate(w[1:])))
    )
    indicator = row(label("年度绩效指标") + "".join(cell(f"{{{{ r.{k} }}}}", width, "TableTextLeft" if k in ("level3", "reason") else "TableText")
                                                for k, width in zip(("level1", "level2", "level3", "target", "actual", "reason"), w[1:])))
    rows = (
        top
        + tag_row(f"{{%tr for r in {var}.rows %}}", w)
        + tag_row("{%tr if r.keep %}", w)  # inside a 二级 group: kept with the next row, the label never breaks
        + keep_with_next(indicator)
        + tag_row("{%tr else %}", w)
        + indicator
        + tag_row("{%tr endif %}", w)
        + tag_row("{%tr endfor %}", w)
    )
    return table(w, rows, caption="xlperf:merge=1,2,3;fixed")


SUMMARY_W = widths_mm(10, 48, 22, 22, 19, 17, 18)


def project_summary_table_xml(var: str) -> str:
    """部门整体支出: one row per project (name, budget, spent, rate, score, grade)."""
    w = SUMMARY_W
    fields = [("r.no", "TableText"), ("r.name", "TableTextLeft"), ("r.budget", "TableText"), ("r.executed", "TableText"), ("r.rate", "TableText"), ("r.score", "TableText"), ("r.grade", "TableText")]
    rows = header_row_from(f"{var}.header", w) + tag_row(f"{{%tr for r in {var}.rows %}}", w) + data_row(fields, w) + tag_row("{%tr endfor %}", w)
    return table(w, rows, caption="xlperf:merge=")


BASIC_W = widths_mm(60, 96)


def basic_data_table_xml() -> str:
    """A table with as many columns as the 基础数据 sheet (a {%tc %} loop; the renderer evens the grid)."""
    w = BASIC_W
    head = row(
        cell("{%tc for h in basic_data_header %}", w[0], "TableHead")
        + cell("{{ h }}", w[1], "TableHead")
        + cell("{%tc endfor %}", 1, "TableHead"),
        header=True,
    )
    body = (
        tag_row("{%tr for r in basic_data_rows %}", w)
        + row(cell("{%tc for c in r %}", w[0]) + cell("{{ c }}", w[1]) + cell("{%tc endfor %}", 1))
        + tag_row("{%tr endfor %}", w)
    )
    return table(w, head + body, caption="xlperf:merge=;grid=even")


def official_form_xml() -> str:
    """The official 自评表: its title (unless the section heading already says it), year and unit,
    then a paragraph the renderer replaces with the form's table (real merged cells), then the
    signature line. See xlperf/report/official.py."""
    return (
        tag("{%p if not s.heading.endswith(official_form.title) %}")
        + para("{{ official_form.title }}", "TableCaption")
        + tag("{%p endif %}")
        + para("{{ official_form.year }}", "FormYear")
        + para("金额单位：{{ official_form.unit }}", "TableNote")
        + para("", "OfficialForm")
        + para("{{ official_form.signature }}", "FormSign")
    )


def project_form_xml() -> str:
    """部门整体支出: one project's official form as an annex of its own (附件3-1 …): its number, the
    form's title, year and unit, the anchor numbered as the project (the renderer puts that
    project's form there), the signature line."""
    return (
        para("{{ proj.annex }}", "Annex")
        + para("{{ proj.form.title }}", "TableCaption")
        + para("{{ proj.form.year }}", "FormYear")
        + para("金额单位：{{ proj.form.unit }}", "TableNote")
        + para("{{ loop.index }}", "OfficialForm")
        + para("{{ proj.form.signature }}", "FormSign")
    )


def cover_xml() -> str:
    """陕西: the cover page (title, then the fields as label | value rows), then a page break."""
    label_w, value_w = mm(42), mm(98)
    underline = BORDER.format(side="bottom")
    rows = (
        tag_row("{%tr for f in cover.fields %}", [label_w, value_w])
        + row(cell("{{ f.label }}", label_w, "CoverLabel", valign="bottom") + cell("{{ f.value }}", value_w, "CoverValue", borders=underline, valign="bottom"))
        + tag_row("{%tr endfor %}", [label_w, value_w])
    )
    spacer = "".join(para("", "CoverValue") for _ in range(4))
    return (
        spacer
        + para("{{ cover.title }}", "CoverTitle")
        + spacer
        + table([label_w, value_w], rows, caption="xlperf:cover", borders=False)
        + para("", "CoverValue")
        + '<w:p><w:pPr><w:pStyle w:val="CoverValue"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>'
    )


def title_xml() -> str:
    return (
        tag("{%p for line in title_lines %}")
        + para("{{ line }}", "Title")
        + tag("{%p endfor %}")
        + tag("{%p if subtitle %}")
        + para("{{ subtitle }}", "Subtitle")
        + tag("{%p endif %}")
        + para("", "Normal")
    )


def tables_xml() -> str:
    return (
        tag("{%p for t in s.tables %}")
        + tag("{%p set tb = tables[t] %}")
        + tag("{%p if tb.title and not (t == 'self_table' and official_form) %}")
        + para("{{ tb.title }}", "TableCaption")
        + tag("{%p endif %}")
        + tag("{%p if tb.note %}")
        + para("{{ tb.note }}", "TableNote")
        + tag("{%p endif %}")
        + tag("{%p if t == 'budget' %}")
        + budget_table_xml("tb")
        + tag("{%p elif t == 'budget_matrix' %}")
        + budget_matrix_table_xml("tb")
        + tag("{%p elif t == 'self_table' and official_form %}")
        + official_form_xml()
        + tag("{%p elif t == 'self_table' %}")
        + self_table_xml("tb")
        + tag("{%p elif t == 'payments' %}")
        + payments_table_xml("tb")
        + tag("{%p elif t == 'team' %}")
        + team_table_xml("tb")
        + tag("{%p elif t == 'sign_off' %}")
        + sign_off_xml("tb")
        + tag("{%p elif t == 'goal_table' %}")
        + goal_table_xml("tb")
        + tag("{%p elif t == 'project_summary' %}")
        + project_summary_table_xml("tb")
        + tag("{%p elif t == 'basic_data' %}")
        + tag("{%p if basic_data_rows %}")
        + basic_data_table_xml()
        + tag("{%p else %}")
        + para("{{ tb.placeholder }}", "Normal")
        + tag("{%p endif %}")
        + tag("{%p elif t == 'projects' %}")
        + tag("{%p for proj in projects %}")
        + tag("{%p if proj.form %}")
        + project_form_xml()
        + tag("{%p else %}")
        + para("项目支出绩效自评表：{{ proj.name }}", "TableCaption")
        + self_table_xml("proj.self_table")
        + para("", "Spacer")
        + tag("{%p endif %}")
        + tag("{%p else %}")
        + para("{{ tb.placeholder }}", "Normal")
        + tag("{%p endfor %}")
        + tag("{%p elif tb.rows is defined %}")
        + indicator_table_xml("tb")
        + tag("{%p endif %}")
        + para("", "Spacer")
        + tag("{%p endfor %}")
    )


def sections_xml() -> str:
    return (
        tag("{%p for s in sections %}")
        + tag("{%p if s.page_break_before %}")
        + tag("{%p for line in title_lines %}")
        + tag("{%p if loop.first %}")
        + para("{{ line }}", "TitleBreak")
        + tag("{%p else %}")
        + para("{{ line }}", "Title")
        + tag("{%p endif %}")
        + tag("{%p endfor %}")
        + para("", "Normal")
        + tag("{%p endif %}")
        + tag("{%p if s.kind == 'h1' %}")
        + para("{{ s.heading }}", "Heading1")
        + tag("{%p elif s.kind == 'h2' %}")
        + para("{{ s.heading }}", "Heading2")
        + tag("{%p elif s.kind == 'h3' %}")
        + para("{{ s.heading }}", "Heading3")
        + tag("{%p elif s.kind == 'annex' %}")
        + para("{{ s.heading }}", "Annex")
        + tag("{%p elif s.kind == 'table_title' %}")
        + para("{{ s.heading }}", "TableTitle")
        + tag("{%p endif %}")
        + tag("{%p for p in s.paragraphs %}")
        + para("{{ p }}", "Normal")
        + tag("{%p endfor %}")
        + tables_xml()
        + tag("{%p endfor %}")
    )


# --- page setup and footer -------------------------------------------------------------------------


def page_number_paragraph(jc: str, indent: str) -> str:
    """「— 1 —」: 宋体 四号, a PAGE field between two em dashes."""
    f = rfonts(SONGTI, SONGTI)
    r = lambda inner: f"<w:r><w:rPr>{f}</w:rPr>{inner}</w:r>"  # noqa: E731
    return (
        f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="Footer"/><w:ind {indent}/><w:jc w:val="{jc}"/><w:rPr>{f}</w:rPr></w:pPr>'
        + r('<w:t xml:space="preserve">— </w:t>')
        + r('<w:fldChar w:fldCharType="begin"/>')
        + r('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
        + r('<w:fldChar w:fldCharType="separate"/>')
        + r("<w:t>1</w:t>")
        + r('<w:fldChar w:fldCharType="end"/>')
        + r('<w:t xml:space="preserve"> —</w:t>')
        + "</w:p>"
    )


def _set_footer(footer, paragraph_xml: str | None) -> None:
    footer.is_linked_to_previous = False
    el = footer._element
    for child in list(el):
        el.remove(child)
    if paragraph_xml is None:
        el.append(parse_xml(f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="Footer"/><w:rPr>{rfonts(SONGTI, SONGTI)}</w:rPr></w:pPr></w:p>'))
    else:
        el.append(parse_xml(paragraph_xml))


def setup_page(doc, *, cover: bool) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    sect = sec._sectPr
    pg = sect.find(f"{{{W_NS}}}pgSz")
    pg.set(f"{{{W_NS}}}w", str(PAGE_W))
    pg.set(f"{{{W_NS}}}h", str(PAGE_H))
    mar = sect.find(f"{{{W_NS}}}pgMar")
    for side, v in (("top", MARGIN_TOP), ("bottom", MARGIN_BOTTOM), ("left", MARGIN_LEFT), ("right", MARGIN_RIGHT)):
        mar.set(f"{{{W_NS}}}{side}", str(v))
    grid = sect.find(f"{{{W_NS}}}docGrid")
    if grid is not None:
        grid.set(f"{{{W_NS}}}linePitch", str(LINE_BODY))
    # GB/T 9704: odd pages right, even pages left, one character in from the edge
    doc.settings.odd_and_even_pages_header_footer = True
    one_char = SZ_PAGE_NO * 10  # 14 pt in twips
    _set_footer(sec.footer, page_number_paragraph("right", f'w:right="{one_char}"'))
    _set_footer(sec.even_page_footer, page_number_paragraph("left", f'w:left="{one_char}"'))
    if cover:  # no page number on the cover
        sec.different_first_page_header_footer = True
        _set_footer(sec.first_page_footer, None)
    for hdr in (sec.header, sec.even_page_header) + ((sec.first_page_header,) if cover else ()):
        hdr.is_linked_to_previous = False
        for p in hdr._element.findall(f"{{{W_NS}}}p"):
            ppr = p.find(f"{{{W_NS}}}pPr")
            if ppr is None:
                p.insert(0, parse_xml(f'<w:pPr {NSDECL}><w:pStyle w:val="Header"/><w:rPr>{rfonts(FANGSONG)}</w:rPr></w:pPr>'))


# --- the document ------------------------------------------------------------------------------------


def preamble_xml() -> str:
    """The opening paragraph before 一、 (湖南), when the context has one."""
    return tag("{%p if preamble %}") + para("{{ preamble }}", "Normal") + tag("{%p endif %}")


def body_xml(style: str) -> str:
    front = cover_xml() if style == Style.SHAANXI else title_xml()
    return front + (preamble_xml() if style == Style.HUNAN else "") + sections_xml()


# Word looks a missing font up in the font table: the charset (86 = GB2312), the panose class and
# the altName tell it what to use instead (仿宋_GB2312 -> 仿宋 on a Windows without the GB2312 fonts).
FONT_TABLE = (
    (FANGSONG, "仿宋", "02010609030101010101", "modern", "fixed"),
    (KAITI, "楷体", "02010609030101010101", "modern", "fixed"),
    (HEITI, "SimHei", "02010609060101010101", "modern", "fixed"),
    (SONGTI, "SimSun", "02010600030101010101", "auto", "variable"),
    (XIAOBIAOSONG, "方正小标宋_GBK", "02000000000000000000", "auto", "variable"),
)


def fix_package(doc) -> None:
    """Fonts in the font table; no stylesWithEffects part (its theme fonts would name no East Asian font)."""
    part = doc.part
    settings = doc.settings.element
    lang = settings.find(f"{{{W_NS}}}themeFontLang")
    if lang is not None:
        lang.set(f"{{{W_NS}}}eastAsia", "zh-CN")  # python-docx's default document says ja-JP
    for cs in settings.iter(f"{{{W_NS}}}compatSetting"):
        if cs.get(f"{{{W_NS}}}name") == "compatibilityMode":
            cs.set(f"{{{W_NS}}}val", "15")  # Word 2013+ layout
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rid)
        elif rel.reltype.endswith("/fontTable"):
            ft = rel.target_part
            root = parse_xml(ft.blob)
            for name, alt, panose, family, pitch in FONT_TABLE:
                root.append(
                    parse_xml(
                        f'<w:font {NSDECL} w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                        f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
                    )
                )
            from lxml import etree

            ft._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def prune_package(doc) -> None:
    """Leave out what python-docx's default document carries and no report uses.

    Its styles part holds ~150 table and character styles (358 KB of XML) that every render
    parses, writes and compresses again; keep the styles the document, its headers, footers and
    numbering name, what those are based on or link to, and the defaults (Word still offers
    every built-in style through latentStyles). Its blank-page thumbnail is dropped too.
    """
    import re

    w = f"{{{W_NS}}}"
    part = doc.part
    texts = [part.blob.decode("utf-8")]
    for rel in part.rels.values():
        if not rel.is_external and rel.target_part.partname.endswith(".xml") and not rel.reltype.endswith("/styles"):
            texts.append(rel.target_part.blob.decode("utf-8"))
    wanted = {m for t in texts for m in re.findall(r'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"', t)}
    wanted |= {sid for sid, _, _ in PARAGRAPH_STYLES}
    styles = doc.styles.element
    by_id = {el.get(f"{w}styleId"): el for el in styles.findall(f"{w}style")}
    wanted |= {sid for sid, el in by_id.items() if el.get(f"{w}default") in ("1", "true", "on")}
    todo = list(wanted)
    while todo:  # follow basedOn / next / link chains
        el = by_id.get(todo.pop())
        if el is None:
            continue
        for child in el:
            if child.tag in (f"{w}basedOn", f"{w}next", f"{w}link"):
                ref = child.get(f"{w}val")
                if ref not in wanted:
                    wanted.add(ref)
                    todo.append(ref)
    for sid, el in by_id.items():
        if sid not in wanted:
            styles.remove(el)
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.rels.pop(rid)


def build(style: str) -> bytes:
    doc = Document()
    install_styles(doc)
    fix_package(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    setup_page(doc, cover=style == Style.SHAANXI)
    sect = body.find(f"{{{W_NS}}}sectPr")
    fragment = parse_xml(f"<w:body {NSDECL}>{body_xml(style)}</w:body>")
    for child in list(fragment):
        sect.addprevious(child)
    prune_package(doc)
    props = doc.core_properties
    # a report inherits these: its own title, nothing about the template or what made it (how
    # to edit a template is in docs/report-templates.md)
    props.title = "{{ title }}"
    props.subject = "绩效自评报告"
    props.author = ""
    props.comments = ""
    props.keywords = "绩效自评"
    props.language = "zh-CN"
    props.last_modified_by = ""
    props.revision = 1
    from datetime import datetime

    props.created = props.modified = datetime(2026, 1, 1)  # fixed: the built files are reproducible
    buf = io.BytesIO()
    doc.save(buf)
    return _reproducible(buf.getvalue())


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so rebuilding an unchanged template changes no bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def template_path(style: str) -> Path:
    return HERE / f"report-{style}.docx"


def main(argv: list[str]) -> int:
    styles = argv or list(STYLES)
    for style in styles:
        if style not in STYLES:
            print(f"未知样式：{style}（可选：{'、'.join(STYLES)}）", file=sys.stderr)
            return 2
        path = template_path(style)
        path.write_bytes(build(style))
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
