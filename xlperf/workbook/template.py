"""The empty self-evaluation workbook, and a helper that types values into it like a user would.

:func:`build_template` is the one place where openpyxl writes a whole file. Every name it
writes comes from :mod:`xlperf.core.layout`. Cell positions fixed by this module (the reader does
not rely on them; it finds headers by name):

* ``项目信息``: header in row 1, one field per row from row 2 (A 字段 | B 内容 | C 填写说明).
* ``预算执行``: header in row 1, funding sources in rows 2–9, a note in row 11.
* ``绩效指标``: title A1 (merged A1:G1), hint A2:G5 (merged), summary block H1:M5
  (H1 自评结果, H2..H5 the summary labels, I2..M5 computed), header row 7, data rows
  8..207 pre-formatted.
* ``校验结果`` / ``自评报告``: header in row 1.

Computed cells are locked with a grey fill; input cells are unlocked with a yellow fill;
every sheet is protected without a password. No formula is ever written: the program fills
computed cells with values. openpyxl is imported inside the functions so that
``import xlperf`` stays light.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xlperf.core import layout
from xlperf.core.enums import EvaluationType, Style

# --- look -------------------------------------------------------------------------------------

FONT_NAME = "宋体"
FONT_SIZE = 11
INPUT_FILL = "FFFFF2CC"  # light yellow: the officer types here
COMPUTED_FILL = "FFE7E6E6"  # grey: the program writes here
HEADER_FILL = "FFDDEBF7"  # light blue: header rows
HINT_COLOR = "FF7F7F7F"
BORDER_COLOR = "FFA6A6A6"

NUMBER_AMOUNT = "#,##0.00"
NUMBER_RATE = "0.00%"
NUMBER_SCORE = "0.00"
NUMBER_TEXT = "@"

FOOTER = "第 &P 页 共 &N 页"

# --- positions ----------------------------------------------------------------------------------

INDICATOR_FIRST_ROW = layout.INDICATOR_HEADER_ROW + 1  # 8
INDICATOR_TEMPLATE_ROWS = 200
INDICATOR_LAST_ROW = INDICATOR_FIRST_ROW + INDICATOR_TEMPLATE_ROWS - 1  # 207
INDICATOR_LAST_COL = len(layout.INDICATOR_HEADERS)  # M
INDICATOR_INPUTS = tuple(h for h in layout.INDICATOR_HEADERS if h not in layout.INDICATOR_COMPUTED)
BUDGET_INPUTS = tuple(h for h in layout.BUDGET_HEADERS[1:] if h not in layout.BUDGET_COMPUTED)
BUDGET_FIRST_ROW = 2
BUDGET_NOTE_ROW = BUDGET_FIRST_ROW + len(layout.BUDGET_SOURCES) + 1  # 11
BUDGET_NOTE = "金额单位见“项目信息”；结余、到位率、执行率、得分由程序计算。"
SUMMARY_TITLE = "自评结果"
SUMMARY_LAST_ROW = layout.SUMMARY_TOP_ROW + len(layout.SUMMARY_LABELS)  # 5
INDICATOR_TITLE = "绩效指标自评表"
INDICATOR_HINT = (
    "逐行填写三级指标；一级、二级指标可合并单元格或留空（自动沿用上一行）。"
    "标签可写分值小计，如“数量指标（20）”。指标方向可留空，由程序判断。"
    "黄色单元格填写，灰色列由程序计算。"
)
FINDINGS_ROWS = 200  # rows pre-formatted below the header of 校验结果 and 自评报告
NARRATIVE_ROWS = 200
NARRATIVE_NOTE = "在此列修改定稿，重新计算不会覆盖"
LISTS_SHEET = "_lists"  # hidden sheet, created only when a dropdown list is too long
LIST_FORMULA_LIMIT = 255  # Excel's limit on a literal list of a data validation

INFO_DEFAULTS = {
    "评价类型": "项目支出",
    "报告样式": "通用",
    "金额单位": "万元",
    "超额完成阈值": "120%",
    "反向指标计分方法": "比值法",
}
INFO_CHOICES = {
    "评价类型": layout.EVALUATION_TYPES,
    "报告样式": layout.REPORT_STYLES,
    "金额单位": layout.AMOUNT_UNITS,
    "反向指标计分方法": layout.REVERSE_FORMULAS,
}
INFO_LONG_TEXT = (
    "年度总体目标",
    "年度总体目标完成情况",
    "项目概况",
    "主管部门职能",
    "立项依据",
    "资金管理办法",
    "资金分配原则",
    "资金批复文号",
    "实施及管理情况",
    "财务管理情况",
    "主要经验做法",
    "存在问题",
    "改进措施",
    "自评步骤及方法",
)
INFO_LONG_HEIGHT = 48.0
ROW_HEIGHT = 18.0
LINE_HEIGHT = 14.5  # points per wrapped line at 11 pt

INFO_WIDTHS = {"A": 22, "B": 66, "C": 44}
BUDGET_WIDTHS = {"A": 16, "B": 13, "C": 13, "D": 13, "E": 13, "F": 12, "G": 10, "H": 10, "I": 8, "J": 8, "K": 44}
INDICATOR_WIDTHS = {"A": 13, "B": 17, "C": 30, "D": 9, "E": 7, "F": 15, "G": 15, "H": 10, "I": 10, "J": 10, "K": 9, "L": 36, "M": 36}
FINDINGS_WIDTHS = {"A": 8, "B": 18, "C": 24, "D": 80}
NARRATIVE_WIDTHS = {"A": 24, "B": 70, "C": 70}
GUIDE_WIDTH = 100


# --- what the guide says ------------------------------------------------------------------------

GUIDE: tuple[tuple[str, str], ...] = (
    ("title", "项目支出绩效自评表 填写说明"),
    ("h", "一、本工作簿是什么"),
    ("p", "本工作簿用于预算单位年度绩效自评（项目支出或部门整体支出）。填写项目信息、预算执行和绩效指标后，由 xlperf 程序计算完成率、得分、总分和等级，检查表中的问题，并生成自评报告草稿。"),
    ("p", "评分依据财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）：原则上预算执行 10 分、产出指标 50 分、效益指标 30 分、满意度指标 10 分，合计 100 分。等级：优 ≥ 90 分；良 80～90 分；中 60～80 分；差 < 60 分。"),
    ("h", "二、各表怎么填"),
    ("p", "颜色：黄色底色 = 填写；灰色底色 = 自动计算，请勿修改。各表已设保护（无密码），防止误改灰色单元格；可以调整列宽、行高、筛选，“绩效指标”表可以插入、删除行。"),
    ("p", "项目信息：逐项填写 B 列“内容”，C 列是填写说明。项目概况、立项依据、实施及管理情况、存在问题等文字会写进自评报告；“存在问题”留空时，按未达标指标及其原因自动生成。评价类型、报告样式、金额单位、反向指标计分方法请用下拉框选择。"),
    ("p", "预算执行：按资金来源填写年初预算数、全年预算数、实际到位数、全年执行数，单位见“项目信息”中的金额单位。“分值”默认 10 分，填在“年度资金总额”一行。结余、到位率、执行率、得分由程序计算。执行率低于 100% 时，须填写“偏差原因分析及改进措施”。如预算执行已在指标表中计分（例如有“预算执行率”一行），请把本表的分值留空，以免重复计分。"),
    ("p", "绩效指标：照抄批复的绩效目标表，一行一个三级指标，填写分值、年度指标值、实际完成值。一级、二级指标可以合并单元格，也可以留空（自动沿用上一行）；标签可以带分值小计，如“数量指标（20）”“产出指标（50分）”，程序会核对小计。表头上方的“自评结果”显示总分、各一级指标得分和等级。"),
    ("p", "校验结果：程序列出发现的问题，每条注明级别（错误 / 警告 / 提示）、所在单元格（如“绩效指标!G12”）、规则和说明。按说明修改对应单元格后重新计算即可。"),
    ("p", "自评报告：“自动生成”列是程序按报告样式生成的各章节草稿；“定稿”列归您所有，在这里改写最终措辞，重新计算从不覆盖此列。生成 Word 报告时优先采用定稿。"),
    ("h", "三、数值怎么写"),
    ("p", "年度指标值、实际完成值照抄原表即可，下列写法都能识别：≥95%、3626人、39.75万元、≤30天、2021年、一个月内，以及定性的“持续”“提升”“健全”“成效明显”等。"),
    ("p", "这两列按文本保存：输入什么就保存什么，百分数不会被 Excel 改成小数。分值、人工得分请填数字。"),
    ("h", "四、指标方向（可留空）"),
    ("p", "指标方向可选 ≥（正向）、≤（反向）、=、定性、时效。留空时自动判断：目标值带“≤”或属于成本指标的，按反向计分（不超过目标得满分）；年份、日期按时效计分（按期完成得满分，不按年份相除）；文字（持续、提升、健全……）按定性计分；其余数值按正向计分。"),
    ("p", "反向指标超出目标时，默认按比值法计分（分值 × 目标值 ÷ 实际值），可在“项目信息”中改为扣减法。完成率达到“超额完成阈值”（默认 120%）时，须说明原因（目标是否定得过低）。"),
    ("h", "五、人工得分与偏差原因"),
    ("p", "人工得分：需要人工评定时填写，它覆盖计算得分，“得分”列取人工得分。人工得分须在 0 至分值之间，定性指标须符合档次；与计算得分不同时，须在“偏差原因分析及改进措施”中写明理由。"),
    ("p", "偏差原因分析及改进措施：凡未得满分的指标都必须填写；完成率超过阈值、“=”类指标未相等、预算执行率低于 100% 时也必须填写。"),
    ("h", "六、计算、校验和生成报告"),
    ("p", "在 Excel 中：点击功能区“绩效自评”选项卡（Excel 加载项）上的“重新计算”按钮。"),
    ("p", "在命令行中（计算前请先在 Excel 中关闭此文件）："),
    ("code", "xlperf calc 文件.xlsx　　　　　　　　计算并写回得分、总分、等级、校验结果和报告草稿"),
    ("code", "xlperf check 文件.xlsx　　　　　　　只检查、列出问题，不修改文件"),
    ("code", "xlperf report 文件.xlsx -o 报告.docx　生成自评报告（Word）"),
    ("p", "重新计算只改写灰色单元格、“校验结果”表和“自评报告”表的“自动生成”列，您填写的内容和“定稿”列保持不变。"),
)


# --- small helpers ----------------------------------------------------------------------------


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def estimate_row_height(text: str, width: float, *, minimum: float = ROW_HEIGHT) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    per_line = max(int(width) - 2, 4)
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, -(-_display_width(part) // per_line))
    return max(minimum, round(lines * LINE_HEIGHT + 4, 1))


class _Styles:
    """The few styles of the template, created once (openpyxl deduplicates them anyway)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color=BORDER_COLOR)
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=FONT_NAME, size=FONT_SIZE)
        self.bold = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
        self.title = Font(name=FONT_NAME, size=14, bold=True)
        self.hint = Font(name=FONT_NAME, size=10, color=HINT_COLOR)
        self.input_fill = PatternFill(fill_type="solid", fgColor=INPUT_FILL, bgColor=INPUT_FILL)
        self.computed_fill = PatternFill(fill_type="solid", fgColor=COMPUTED_FILL, bgColor=COMPUTED_FILL)
        self.header_fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL, bgColor=HEADER_FILL)
        self.unlocked = Protection(locked=False)
        self.locked = Protection(locked=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.wrap_center = Alignment(wrap_text=True, vertical="center")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.plain = Alignment(vertical="center")

    def header(self, cell) -> None:
        cell.font = self.bold
        cell.fill = self.header_fill
        cell.border = self.border
        cell.alignment = self.center
        cell.protection = self.locked

    def input(self, cell, number_format: str | None = None, *, wrap: bool = False) -> None:
        cell.font = self.font
        cell.fill = self.input_fill
        cell.border = self.border
        cell.protection = self.unlocked
        cell.alignment = self.wrap_center if wrap else self.plain
        if number_format:
            cell.number_format = number_format

    def computed(self, cell, number_format: str | None = None, *, wrap: bool = False) -> None:
        cell.font = self.font
        cell.fill = self.computed_fill
        cell.border = self.border
        cell.protection = self.locked
        cell.alignment = self.wrap_center if wrap else self.plain
        if number_format:
            cell.number_format = number_format

    def label(self, cell, *, wrap: bool = False) -> None:
        cell.font = self.font
        cell.border = self.border
        cell.protection = self.locked
        cell.alignment = self.wrap_center if wrap else self.plain


def _widths(ws, widths: Mapping[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _protect(ws, *, insert_rows: bool = False) -> None:
    """Protect a sheet without a password; formatting, sorting and filtering stay allowed.

    In openpyxl's SheetProtection, True on an action means *forbidden*.
    """
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.sort = False
    p.autoFilter = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    if insert_rows:
        p.insertRows = False
        p.deleteRows = False


def _print_setup(ws, title_rows: str) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_title_rows = title_rows
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = FOOTER
    ws.evenFooter.center.text = FOOTER


def level1_choices(evaluation_type: str = EvaluationType.PROJECT) -> tuple[str, ...]:
    """The 一级指标 dropdown: 预算执行 and the 一级 names of the evaluation type."""
    names = layout.LEVEL1_DEPARTMENT if evaluation_type == EvaluationType.DEPARTMENT else layout.LEVEL1_PROJECT
    return (layout.LEVEL1_BUDGET,) + tuple(names)


def level2_choices() -> tuple[str, ...]:
    """The 二级指标 dropdown: every name of LEVEL2_BY_LEVEL1, deduplicated, '…指标' names first."""
    seen: list[str] = []
    for names in layout.LEVEL2_BY_LEVEL1.values():
        for n in names:
            if n not in seen:
                seen.append(n)
    return tuple([n for n in seen if n.endswith("指标")] + [n for n in seen if not n.endswith("指标")])


def _list_source(wb, name: str, values: Sequence[str]) -> str:
    """A data-validation formula for ``values``: a literal list, or a range on the hidden sheet."""
    literal = ",".join(values)
    if len(literal) <= LIST_FORMULA_LIMIT and not any("," in v or '"' in v for v in values):
        return f'"{literal}"'
    if LISTS_SHEET in wb.sheetnames:
        ws = wb[LISTS_SHEET]
    else:
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True
    col = ws.max_column + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
    letter = _col(col)
    ws.cell(1, col, name)
    for i, v in enumerate(values, start=2):
        ws.cell(i, col, v)
    return f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"


def _dropdown(ws, ref: str, formula: str, *, strict: bool, prompt: str = "", title: str = ""):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.showDropDown = False  # False shows the arrow (the attribute's name is inverted in OOXML)
    dv.showErrorMessage = True
    if strict:
        dv.errorStyle = "stop"
        dv.errorTitle = "请从下拉列表中选择"
        dv.error = "请点击单元格右侧的箭头，从列表中选择。"
    else:
        # Real labels carry subtotals such as 数量指标（15）: accept any text, only inform.
        dv.errorStyle = "information"
        dv.showErrorMessage = False
    if prompt:
        dv.showInputMessage = True
        dv.promptTitle = title[:32] or None
        dv.prompt = prompt[:255]
    ws.add_data_validation(dv)
    dv.add(ref)
    return dv


# --- the sheets ---------------------------------------------------------------------------------


def _guide_sheet(ws, st: _Styles) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = GUIDE_WIDTH
    for r, (kind, text) in enumerate(GUIDE, start=1):
        c = ws.cell(r, 1, text)
        c.protection = st.locked
        if kind == "title":
            c.font = st.title
            c.alignment = Alignment(horizontal="center", vertical="center")
            ws.row_dimensions[r].height = 28
        elif kind == "h":
            c.font = st.bold
            c.fill = st.header_fill
            c.alignment = Alignment(vertical="center")
            ws.row_dimensions[r].height = 22
        elif kind == "code":
            c.font = Font(name=FONT_NAME, size=FONT_SIZE, color="FF1F4E79")
            c.alignment = Alignment(vertical="center", indent=2)
            ws.row_dimensions[r].height = ROW_HEIGHT
        else:
            c.font = st.font
            c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[r].height = estimate_row_height(text, GUIDE_WIDTH)
    ws.freeze_panes = "A2"
    _protect(ws)
    _print_setup(ws, "1:1")
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE


def _info_sheet(wb, ws, st: _Styles, defaults: Mapping[str, Any]) -> None:
    _widths(ws, INFO_WIDTHS)
    for c, name in enumerate(layout.INFO_HEADER, start=1):
        st.header(ws.cell(1, c, name))
    ws.row_dimensions[1].height = 22
    for r, (label, _attr, hint) in enumerate(layout.INFO_FIELDS, start=2):
        long = label in INFO_LONG_TEXT
        st.label(ws.cell(r, 1, label))
        ws.cell(r, 1).font = st.bold
        value = ws.cell(r, 2, defaults.get(label))
        st.input(value, NUMBER_TEXT, wrap=True)
        h = ws.cell(r, 3, hint or None)
        st.label(h, wrap=True)
        h.font = st.hint
        ws.row_dimensions[r].height = INFO_LONG_HEIGHT if long else ROW_HEIGHT
        if label in INFO_CHOICES:
            _dropdown(ws, f"B{r}", _list_source(wb, label, INFO_CHOICES[label]), strict=True, title=label, prompt=hint or "请从列表中选择")
    ws.freeze_panes = "A2"
    _protect(ws)
    _print_setup(ws, "1:1")


def _budget_sheet(ws, st: _Styles) -> None:
    from openpyxl.styles import Font

    _widths(ws, BUDGET_WIDTHS)
    col = {h: i for i, h in enumerate(layout.BUDGET_HEADERS, start=1)}
    for h, c in col.items():
        st.header(ws.cell(1, c, h))
    ws.row_dimensions[1].height = 30
    formats = {
        "年初预算数": NUMBER_AMOUNT,
        "全年预算数": NUMBER_AMOUNT,
        "实际到位数": NUMBER_AMOUNT,
        "全年执行数": NUMBER_AMOUNT,
        "结余": NUMBER_AMOUNT,
        "到位率": NUMBER_RATE,
        "执行率": NUMBER_RATE,
        "分值": "General",
        "得分": NUMBER_SCORE,
    }
    for i, source in enumerate(layout.BUDGET_SOURCES):
        r = BUDGET_FIRST_ROW + i
        label = ws.cell(r, 1, source)
        st.label(label)
        if i == 0:
            label.font = st.bold
        for h, c in col.items():
            if h == "资金来源":
                continue
            cell = ws.cell(r, c)
            if h in layout.BUDGET_COMPUTED:
                st.computed(cell, formats.get(h))
            else:
                st.input(cell, formats.get(h), wrap=h == "偏差原因分析及改进措施")
            if h == "分值":
                cell.alignment = st.center
        ws.row_dimensions[r].height = ROW_HEIGHT * 1.5 if i == 0 else ROW_HEIGHT
    ws.cell(BUDGET_FIRST_ROW, col["分值"]).value = layout.DEFAULT_BUDGET_WEIGHT
    note = ws.cell(BUDGET_NOTE_ROW, 1, BUDGET_NOTE)
    note.font = Font(name=FONT_NAME, size=10, color=HINT_COLOR)
    note.protection = st.locked
    ws.freeze_panes = "B2"
    _protect(ws)
    _print_setup(ws, "1:1")


def _indicator_sheet(wb, ws, st: _Styles, evaluation_type: str) -> None:
    """The 绩效指标 sheet: title and hint, the 自评结果 summary block, the header and the input rows,
    the dropdowns, print setup and protection."""
    from openpyxl.styles import Alignment

    hdr = layout.INDICATOR_HEADER_ROW
    first, last = INDICATOR_FIRST_ROW, INDICATOR_LAST_ROW
    _widths(ws, INDICATOR_WIDTHS)
    left_last = _col(layout.SUMMARY_FIRST_COL - 1)  # G

    # title and hint (left of the summary block)
    t = ws.cell(1, 1, INDICATOR_TITLE)
    t.font = st.title
    t.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{left_last}1")
    hint = ws.cell(2, 1, INDICATOR_HINT)
    hint.font = st.hint
    hint.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{left_last}{SUMMARY_LAST_ROW}")
    ws.row_dimensions[1].height = 26
    for r in range(2, SUMMARY_LAST_ROW + 1):
        ws.row_dimensions[r].height = ROW_HEIGHT

    _summary_block(ws, st)
    _indicator_rows(ws, st)
    _indicator_dropdowns(wb, ws, evaluation_type)
    ws.freeze_panes = f"A{first}"
    ws.auto_filter.ref = f"A{hdr}:{_col(INDICATOR_LAST_COL)}{last}"
    _protect(ws, insert_rows=True)
    _print_setup(ws, f"{hdr}:{hdr}")


def _summary_block(ws, st: _Styles) -> None:
    # summary block H1:M5
    top, c0 = layout.SUMMARY_TOP_ROW, layout.SUMMARY_FIRST_COL
    head = ws.cell(top, c0, SUMMARY_TITLE)
    head.font = st.bold
    head.alignment = st.plain
    for i, label in enumerate(layout.SUMMARY_LABELS, start=1):
        st.header(ws.cell(top + i, c0, label))
        for j in range(1, layout.SUMMARY_SLOTS + 1):
            fmt = NUMBER_SCORE if label in ("分值", "得分") else None
            st.computed(ws.cell(top + i, c0 + j), fmt)
            ws.cell(top + i, c0 + j).alignment = st.center



def _indicator_rows(ws, st: _Styles) -> None:
    hdr = layout.INDICATOR_HEADER_ROW
    first, last = INDICATOR_FIRST_ROW, INDICATOR_LAST_ROW
    # header row and data rows
    for c, name in enumerate(layout.INDICATOR_HEADERS, start=1):
        st.header(ws.cell(hdr, c, name))
    ws.row_dimensions[hdr].height = 30
    formats = {
        "三级指标": NUMBER_TEXT,
        "年度指标值": NUMBER_TEXT,
        "实际完成值": NUMBER_TEXT,
        "完成率": NUMBER_RATE,
        "计算得分": NUMBER_SCORE,
        "得分": NUMBER_SCORE,
    }
    wrapped = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施", "校验提示")
    centered = ("指标方向", "分值", "完成率", "计算得分", "人工得分", "得分")
    for r in range(first, last + 1):
        for c, name in enumerate(layout.INDICATOR_HEADERS, start=1):
            cell = ws.cell(r, c)
            if name in layout.INDICATOR_COMPUTED:
                st.computed(cell, formats.get(name), wrap=name in wrapped)
            else:
                st.input(cell, formats.get(name), wrap=name in wrapped)
            if name in centered:
                cell.alignment = st.center



def _indicator_dropdowns(wb, ws, evaluation_type: str) -> None:
    first, last = INDICATOR_FIRST_ROW, INDICATOR_LAST_ROW
    col = {h: _col(i) for i, h in enumerate(layout.INDICATOR_HEADERS, start=1)}
    rng = lambda h: f"{col[h]}{first}:{col[h]}{last}"  # noqa: E731
    _dropdown(ws, rng("一级指标"), _list_source(wb, "一级指标", level1_choices(evaluation_type)), strict=False)
    _dropdown(ws, rng("二级指标"), _list_source(wb, "二级指标", level2_choices()), strict=False)
    d = _dropdown(
        ws,
        rng("指标方向"),
        _list_source(wb, "指标方向", layout.DIRECTIONS),
        strict=False,
        title="指标方向",
        prompt="可留空：带≤或成本指标按反向；年份、日期按时效；文字按定性；其余按正向（≥）。",
    )
    d.showErrorMessage = True
    d.errorStyle = "warning"
    d.errorTitle = "指标方向"
    d.error = "建议从列表中选择：≥、≤、=、定性、时效。"



BASIC_WIDTHS = {"A": 34, "B": 8, "C": 14, "D": 14, "E": 14, "F": 40}
BASIC_NOTE = layout.BASIC_DATA_NOTE_START + (
    "编制数、实有人数、收入支出和“三公”经费写入自评报告（部门概况、支出结构、三公经费）并作为附件1；金额单位与“单位”列一致。"
    "政府采购金额、预算调整填本年数；厉行节约保障措施写在“说明”列。附件1另列控制率（实有人数÷编制数，本年实际数÷本年预算数），由程序计算。"
)
BASIC_TEXT_ROWS = ("frugality",)
DEPARTMENT_INFO_EXTRA = (("结果应用和公开情况", "自评结果拟应用和公开情况（湖南提纲第七部分）"),)


def _basic_data_sheet(ws, st: _Styles) -> None:
    """部门整体支出: 基础数据 — one row per fact (layout.BASIC_DATA_ROWS), 上年数 / 本年预算数 / 本年实际数."""
    from openpyxl.styles import Font

    _widths(ws, BASIC_WIDTHS)
    for c, name in enumerate(layout.BASIC_DATA_HEADERS, start=1):
        st.header(ws.cell(1, c, name))
    ws.row_dimensions[1].height = 22
    for r, (key, label, unit) in enumerate(layout.BASIC_DATA_ROWS, start=2):
        head = ws.cell(r, 1, label)
        st.label(head)
        if not key:  # a group heading
            head.font = st.bold
            head.fill = st.header_fill
            for c in range(2, len(layout.BASIC_DATA_HEADERS) + 1):
                st.label(ws.cell(r, c))
                ws.cell(r, c).fill = st.header_fill
            continue
        st.label(ws.cell(r, 2, unit))
        ws.cell(r, 2).alignment = st.center
        if key in BASIC_TEXT_ROWS:  # said in words, in the 说明 column
            for c in range(3, len(layout.BASIC_DATA_HEADERS)):
                st.label(ws.cell(r, c))
            st.input(ws.cell(r, len(layout.BASIC_DATA_HEADERS)), wrap=True)
            ws.row_dimensions[r].height = INFO_LONG_HEIGHT
            continue
        for c in range(3, len(layout.BASIC_DATA_HEADERS) + 1):
            st.input(ws.cell(r, c), "0" if unit == "人" else (NUMBER_AMOUNT if c < 6 else None), wrap=c == 6)
    note = ws.cell(len(layout.BASIC_DATA_ROWS) + 3, 1, BASIC_NOTE)
    note.font = Font(name=FONT_NAME, size=10, color=HINT_COLOR)
    note.protection = st.locked
    ws.freeze_panes = "B2"
    _protect(ws)
    _print_setup(ws, "1:1")


FUNCTION_ROWS = 30  # pre-formatted rows of the 功能科目 sheet (more may be inserted)
FUNCTION_NOTE = (
    "功能科目：按部门决算的支出功能分类科目填列本年实际支出（全部资金，金额单位与“基础数据”相同），可直接粘贴决算表的类、款、项；"
    "科目编码是另一行编码开头的行视为小计，不重复计算。报告按科目列出基本支出和项目支出，合计与“基础数据”的基本支出、项目支出核对。不填则报告不写此部分。"
)


def _functions_sheet(ws, st: _Styles) -> None:
    """部门整体支出 (湖南): 功能科目 — the spending by 支出功能分类科目, 基本支出 and 项目支出."""
    from openpyxl.styles import Font

    _widths(ws, {"A": 14, "B": 40, "C": 16, "D": 16})
    for c, name in enumerate(layout.FUNCTION_HEADERS, start=1):
        st.header(ws.cell(1, c, name))
    ws.row_dimensions[1].height = 22
    for r in range(2, FUNCTION_ROWS + 2):
        st.input(ws.cell(r, 1), NUMBER_TEXT)
        st.input(ws.cell(r, 2), wrap=True)
        for c in (3, 4):
            st.input(ws.cell(r, c), NUMBER_AMOUNT)
    note = ws.cell(FUNCTION_ROWS + 3, 1, FUNCTION_NOTE)
    note.font = Font(name=FONT_NAME, size=10, color=HINT_COLOR)
    note.protection = st.locked
    ws.freeze_panes = "A2"
    _protect(ws, insert_rows=True)
    _print_setup(ws, "1:1")


def _findings_sheet(ws, st: _Styles) -> None:
    _widths(ws, FINDINGS_WIDTHS)
    for c, name in enumerate(layout.FINDINGS_HEADERS, start=1):
        st.header(ws.cell(1, c, name))
    for r in range(2, FINDINGS_ROWS + 2):
        for c in range(1, len(layout.FINDINGS_HEADERS) + 1):
            cell = ws.cell(r, c)
            cell.font = st.font
            cell.alignment = st.wrap if c == len(layout.FINDINGS_HEADERS) else st.plain
    ws.freeze_panes = "A2"
    _protect(ws)
    _print_setup(ws, "1:1")


def _narrative_sheet(ws, st: _Styles) -> None:
    from openpyxl.comments import Comment

    _widths(ws, NARRATIVE_WIDTHS)
    for c, name in enumerate(layout.NARRATIVE_HEADERS, start=1):
        st.header(ws.cell(1, c, name))
    final_col = len(layout.NARRATIVE_HEADERS)
    note = Comment(NARRATIVE_NOTE, "xlperf")
    note.width, note.height = 220, 60
    ws.cell(1, final_col).comment = note
    for r in range(2, NARRATIVE_ROWS + 2):
        for c in range(1, final_col + 1):
            cell = ws.cell(r, c)
            if c == final_col:
                st.input(cell, wrap=True)
                cell.alignment = st.wrap
            else:
                cell.font = st.bold if c == 1 else st.font
                cell.alignment = st.wrap
    # the whole column stays editable below the pre-formatted rows too
    dim = ws.column_dimensions[_col(final_col)]
    dim.protection = st.unlocked
    dim.fill = st.input_fill
    dim.alignment = st.wrap
    ws.freeze_panes = "A2"
    _protect(ws)
    _print_setup(ws, "1:1")


# --- public -----------------------------------------------------------------------------------


def build_template(path: str | Path, *, evaluation_type: str = EvaluationType.PROJECT, style: str = Style.GENERAL, unfilled: str = "") -> None:
    """Write a new, empty self-evaluation workbook to ``path``. ``unfilled``: what the total and grade
    cells of the summary block say until the first calculation (``xlperf new``: 待填写)."""
    if evaluation_type not in layout.EVALUATION_TYPES:
        raise ValueError(f"评价类型“{evaluation_type}”无效，应为：{'、'.join(layout.EVALUATION_TYPES)}")
    if style not in layout.REPORT_STYLES:
        raise ValueError(f"报告样式“{style}”无效，应为：{'、'.join(layout.REPORT_STYLES)}")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    # body font of empty cells (style 0) and of the Normal style
    try:
        wb._fonts[0] = Font(name=FONT_NAME, size=FONT_SIZE)  # noqa: SLF001 - openpyxl has no public API
        wb._named_styles["Normal"].font = Font(name=FONT_NAME, size=FONT_SIZE)  # noqa: SLF001
    except Exception:  # pragma: no cover - cosmetic only
        pass
    st = _Styles()
    first = wb.active
    first.title = layout.TEMPLATE_SHEETS[0]
    sheets = {layout.TEMPLATE_SHEETS[0]: first}
    for name in layout.TEMPLATE_SHEETS[1:]:
        sheets[name] = wb.create_sheet(name)

    defaults = dict(INFO_DEFAULTS, 评价类型=evaluation_type, 报告样式=style)
    _guide_sheet(sheets[layout.SHEET_GUIDE], st)
    _info_sheet(wb, sheets[layout.SHEET_INFO], st, defaults)
    _budget_sheet(sheets[layout.SHEET_BUDGET], st)
    _indicator_sheet(wb, sheets[layout.SHEET_INDICATORS], st, evaluation_type)
    if unfilled:
        ws, top, c0 = sheets[layout.SHEET_INDICATORS], layout.SUMMARY_TOP_ROW, layout.SUMMARY_FIRST_COL
        for i, label in enumerate(layout.SUMMARY_LABELS, start=1):
            if label in ("得分", "等级"):
                ws.cell(top + i, c0 + 1).value = unfilled  # the 合计 column
    _findings_sheet(sheets[layout.SHEET_FINDINGS], st)
    _narrative_sheet(sheets[layout.SHEET_NARRATIVE], st)
    if style == Style.SHAANXI:  # the 陕西 outline prints the payments and the evaluation team
        _list_sheet(wb.create_sheet(layout.SHEET_PAYMENTS), st, layout.PAYMENT_HEADERS, {"A": 14, "B": 14, "C": 40, "D": 14})
        _list_sheet(wb.create_sheet(layout.SHEET_TEAM), st, layout.TEAM_HEADERS, {"A": 14, "B": 20, "C": 36})
    if evaluation_type == EvaluationType.DEPARTMENT:
        basic = wb.create_sheet(layout.SHEET_BASIC_DATA, index=wb.sheetnames.index(layout.SHEET_INDICATORS) + 1)
        _basic_data_sheet(basic, st)
        _extra_info_rows(sheets[layout.SHEET_INFO], st, DEPARTMENT_INFO_EXTRA)
        if style == Style.HUNAN:  # its outline states the spending by 功能科目
            _functions_sheet(wb.create_sheet(layout.SHEET_FUNCTIONS, index=wb.sheetnames.index(layout.SHEET_BASIC_DATA) + 1), st)
    # the fields only this style's outline prints, each with its 填写说明
    _extra_info_rows(sheets[layout.SHEET_INFO], st, [(label, hint) for label, _attr, hint in layout.STYLE_INFO_FIELDS.get(style, ())], layout.STYLE_INFO_DEFAULTS.get(style, {}))
    if LISTS_SHEET in wb.sheetnames:  # keep the hidden helper sheet last
        wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))

    wb.properties.title = "项目支出绩效自评表" if evaluation_type == EvaluationType.PROJECT else "部门整体支出绩效自评表"
    wb.properties.creator = "xlperf"
    wb.properties.language = "zh-CN"
    _activate(wb, layout.SHEET_INFO)
    wb.save(str(path))


LIST_ROWS = 50  # pre-formatted rows of the 支付明细 / 自评小组 sheets


def _list_sheet(ws, st: _Styles, headers: Sequence[str], widths: Mapping[str, float]) -> None:
    """A plain list the report prints as a table: a header row and yellow rows to fill."""
    _widths(ws, widths)
    for c, name in enumerate(headers, start=1):
        st.header(ws.cell(1, c, name))
    for r in range(2, LIST_ROWS + 2):
        for c, name in enumerate(headers, start=1):
            fmt = "yyyy\"年\"m\"月\"d\"日\"" if name == "支付日期" else (NUMBER_AMOUNT if name == "支付金额" else None)
            st.input(ws.cell(r, c), fmt, wrap=name in ("用途", "单位"))
    ws.freeze_panes = "A2"
    _protect(ws, insert_rows=True)
    _print_setup(ws, "1:1")


def _extra_info_rows(ws, st: _Styles, rows: Sequence[tuple[str, str]], values: Mapping[str, str] | None = None) -> None:
    """Fields the report reads from 项目信息 that only some evaluations have (read as extra fields);
    ``values``: what some of them start with (the user edits it)."""
    for label, hint in rows:
        r = ws.max_row + 1
        st.label(ws.cell(r, 1, label))
        ws.cell(r, 1).font = st.bold
        st.input(ws.cell(r, 2, (values or {}).get(label)), NUMBER_TEXT, wrap=True)
        h = ws.cell(r, 3, hint)
        st.label(h, wrap=True)
        h.font = st.hint
        ws.row_dimensions[r].height = estimate_row_height((values or {}).get(label) or "", INFO_WIDTHS["B"], minimum=INFO_LONG_HEIGHT)


def _activate(wb, name: str) -> None:
    """Open on ``name``; exactly one tab selected, or Excel opens with grouped sheets."""
    target = wb[name]
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is target
    wb.active = target


# --- typing values into a workbook ---------------------------------------------------------------


def _canonical(name: str, headers: Sequence[str], synonyms: Mapping[str, str], what: str) -> str:
    if name in headers:
        return name
    if name in synonyms and synonyms[name] in headers:
        return synonyms[name]
    raise ValueError(f"未知的{what}“{name}”，应为：{'、'.join(headers)}")


def _copy_style(src, dst) -> None:
    from copy import copy

    dst.font = copy(src.font)
    dst.fill = copy(src.fill)
    dst.border = copy(src.border)
    dst.alignment = copy(src.alignment)
    dst.protection = copy(src.protection)
    dst.number_format = src.number_format


def _fill_info(ws, info: Mapping[str, Any]) -> None:
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    for raw_label, value in info.items():
        label = layout.INFO_SYNONYMS.get(raw_label, raw_label)
        r = rows.get(label)
        if r is None:  # an extra field: a new row, styled like the last one
            r = ws.max_row + 1
            for c in range(1, len(layout.INFO_HEADER) + 1):
                _copy_style(ws.cell(r - 1, c), ws.cell(r, c))
            ws.cell(r, 1, label)
            rows[label] = r
        ws.cell(r, 2).value = value
        if isinstance(value, str) and (label in INFO_LONG_TEXT or len(value) > 30):
            minimum = INFO_LONG_HEIGHT if label in INFO_LONG_TEXT else ROW_HEIGHT
            ws.row_dimensions[r].height = estimate_row_height(value, INFO_WIDTHS["B"], minimum=minimum)


def _fill_budget(ws, budget: Mapping[str, Mapping[str, Any]]) -> None:
    col = {h: i for i, h in enumerate(layout.BUDGET_HEADERS, start=1)}
    rows = {ws.cell(r, 1).value: r for r in range(BUDGET_FIRST_ROW, BUDGET_FIRST_ROW + len(layout.BUDGET_SOURCES))}
    for source, values in budget.items():
        r = rows.get(source) or rows.get(f"其中：{source}")
        if r is None:
            raise ValueError(f"未知的资金来源“{source}”，应为：{'、'.join(layout.BUDGET_SOURCES)}")
        for header, value in values.items():
            h = _canonical(header, layout.BUDGET_HEADERS, layout.BUDGET_HEADER_SYNONYMS, "预算执行列")
            ws.cell(r, col[h]).value = value


def _indicator_row(row: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    if isinstance(row, Mapping):
        out: dict[str, Any] = {}
        for key, value in row.items():
            out[_canonical(key, layout.INDICATOR_HEADERS, layout.INDICATOR_HEADER_SYNONYMS, "指标列")] = value
        return out
    values = list(row)
    if len(values) == len(layout.INDICATOR_HEADERS):
        names: Sequence[str] = layout.INDICATOR_HEADERS
    elif len(values) <= len(INDICATOR_INPUTS):
        names = INDICATOR_INPUTS
    else:
        raise ValueError(f"指标行应有 {len(INDICATOR_INPUTS)} 个（填写列）或 {len(layout.INDICATOR_HEADERS)} 个值，实际 {len(values)} 个")
    return dict(zip(names, values))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _extend_rows(ws, last: int) -> None:
    """Format rows beyond the template's pre-formatted block like its last row."""
    from openpyxl.worksheet.cell_range import CellRange

    if last <= INDICATOR_LAST_ROW:
        return
    for r in range(INDICATOR_LAST_ROW + 1, last + 1):
        for c in range(1, INDICATOR_LAST_COL + 1):
            _copy_style(ws.cell(INDICATOR_LAST_ROW, c), ws.cell(r, c))
    for dv in ws.data_validations.dataValidation:
        for rng in list(dv.sqref.ranges):
            if rng.max_row == INDICATOR_LAST_ROW and rng.min_row == INDICATOR_FIRST_ROW:
                dv.sqref.add(CellRange(min_col=rng.min_col, max_col=rng.max_col, min_row=INDICATOR_LAST_ROW + 1, max_row=last))
    ws.auto_filter.ref = f"A{layout.INDICATOR_HEADER_ROW}:{_col(INDICATOR_LAST_COL)}{last}"


def _merge_levels(ws, rows: list[dict[str, Any]]) -> None:
    """Merge runs of equal (or blank = inherited) 一级 and, inside them, 二级 labels vertically."""
    col = {h: i for i, h in enumerate(layout.INDICATOR_HEADERS, start=1)}
    eff1: list[str | None] = []
    eff2: list[str | None] = []
    l1 = l2 = None
    for row in rows:
        v1, v2 = row.get("一级指标"), row.get("二级指标")
        if not _blank(v1):
            if v1 != l1:
                l2 = None
            l1 = v1
        if not _blank(v2):
            l2 = v2
        eff1.append(l1)
        eff2.append((l1, l2) if l2 is not None else None)

    def runs(keys: list[Any]) -> list[tuple[int, int, Any]]:
        out, start = [], 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                if keys[start] is not None and i - 1 > start:
                    out.append((start, i - 1, keys[start]))
                start = i
        return out

    for name, keys, pick in (("一级指标", eff1, lambda k: k), ("二级指标", eff2, lambda k: k[1])):
        c = col[name]
        for a, b, key in runs(keys):
            top = INDICATOR_FIRST_ROW + a
            ws.cell(top, c).value = pick(key)
            for r in range(top + 1, INDICATOR_FIRST_ROW + b + 1):
                ws.cell(r, c).value = None
            ws.merge_cells(start_row=top, start_column=c, end_row=INDICATOR_FIRST_ROW + b, end_column=c)


def _fill_indicators(ws, indicators: Sequence[Mapping[str, Any] | Sequence[Any]], merge_levels: bool) -> None:
    col = {h: i for i, h in enumerate(layout.INDICATOR_HEADERS, start=1)}
    rows = [_indicator_row(r) for r in indicators]
    _extend_rows(ws, INDICATOR_FIRST_ROW + len(rows) - 1)
    for i, row in enumerate(rows):
        r = INDICATOR_FIRST_ROW + i
        for name, value in row.items():
            ws.cell(r, col[name]).value = value
        height = max(
            (estimate_row_height(v, INDICATOR_WIDTHS[_col(col[name])]) for name, v in row.items() if isinstance(v, str)),
            default=ROW_HEIGHT,
        )
        if height > ROW_HEIGHT:
            ws.row_dimensions[r].height = height
    if merge_levels and rows:
        _merge_levels(ws, rows)


def _fill_basic(ws, basic: Mapping[str, Mapping[str, Any]]) -> None:
    from xlperf.core.basicdata import label_key

    col = {h: i for i, h in enumerate(layout.BASIC_DATA_HEADERS, start=1)}
    rows = {label_key(str(ws.cell(r, 1).value))[0]: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    for label, values in basic.items():
        key = label_key(label)[0]
        if key not in rows:
            raise ValueError(f"未知的基础数据项目“{label}”")
        for header, value in values.items():
            if header not in col:
                raise ValueError(f"未知的基础数据列“{header}”，应为：{'、'.join(layout.BASIC_DATA_HEADERS[2:])}")
            ws.cell(rows[key], col[header]).value = value


def _finding_row(f: Any) -> list[Any]:
    if hasattr(f, "severity") and hasattr(f, "message"):
        location = getattr(f, "location", "")
        return [f.severity, location, getattr(f, "code", ""), f.message]
    if isinstance(f, Mapping):
        return [f.get(h) for h in layout.FINDINGS_HEADERS]
    return list(f)[: len(layout.FINDINGS_HEADERS)]


def fill_workbook(
    path: str | Path,
    *,
    info: Mapping[str, Any] | None = None,
    budget: Mapping[str, Mapping[str, Any]] | None = None,
    indicators: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]] = (),
    findings: Sequence[Any] | None = None,
    merge_levels: bool = False,
    basic: Mapping[str, Mapping[str, Any]] | None = None,
    functions: Sequence[Sequence[Any]] = (),
) -> None:
    """Type values into a workbook made by :func:`build_template`, the way an officer would.

    ``info``: {字段 label: value}. ``budget``: {资金来源: {header: value}}; None clears a cell
    (e.g. the default 分值). ``indicators``: rows from row 8 down, each a dict keyed by header
    name (synonyms accepted) or a list in the order of the input columns (一级指标 … 偏差原因分析
    及改进措施, 9 values) or of all 13 headers. A blank 一级/二级 stays blank (inherited).
    ``merge_levels``: merge runs of equal 一级/二级 vertically, value in the top cell only.
    ``findings``: rows for 校验结果 (Finding objects, dicts by header, or lists).
    ``basic``: 部门整体支出 基础数据 {row label: {上年数|本年预算数|本年实际数|说明: value}}.
    ``functions``: 功能科目 rows from row 2 down, each (科目编码, 科目名称, 基本支出, 项目支出).
    """
    from openpyxl import load_workbook

    wb = load_workbook(str(path))
    if info:
        _fill_info(wb[layout.SHEET_INFO], info)
    if budget:
        _fill_budget(wb[layout.SHEET_BUDGET], budget)
    if indicators:
        _fill_indicators(wb[layout.SHEET_INDICATORS], list(indicators), merge_levels)
    if basic:
        _fill_basic(wb[layout.SHEET_BASIC_DATA], basic)
    for r, values in enumerate(functions, start=2):
        for c, v in enumerate(values, start=1):
            wb[layout.SHEET_FUNCTIONS].cell(r, c).value = v
    if findings:
        ws = wb[layout.SHEET_FINDINGS]
        for i, f in enumerate(findings, start=2):
            for c, v in enumerate(_finding_row(f), start=1):
                ws.cell(i, c).value = v
    wb.save(str(path))
