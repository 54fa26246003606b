"""The official 自评表 (:class:`xlperf.report.official.Form`) as one print-ready .xlsx sheet.

Title and year above the form, 单位（盖章）/填表人/填报日期 below; every cell of the form bordered,
merged as on the form; A4 landscape, one page wide, the indicator header row repeated on each page.
Numbers are written as numbers (rates as percentages), every text as text — never a formula.
openpyxl is imported inside the function so that ``import xlperf`` stays light.
"""

from __future__ import annotations

import math
from pathlib import Path

from xlperf.report.official import Form, text_width

SHEET = "自评表"
FONT = "宋体"
TITLE_ROWS = 3  # title, year, unit note; the form starts on row 4
LINE_PT = 14.0  # one line of 10.5 pt text


def write_form_xlsx(form: Form, path: str | Path) -> Path:
    """Write ``form`` to ``path`` (atomically: an interrupted write leaves nothing half-written)."""
    from openpyxl import Workbook

    from xlperf.ooxml import atomic_output

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _title(ws, form)
    _cells(ws, form)
    _sizes(ws, form)
    _print_setup(ws, form)
    wb.properties.title = form.title
    wb.properties.creator = "xlperf"
    wb.properties.language = "zh-CN"
    target = Path(path)
    with atomic_output(target) as tmp:
        wb.save(str(tmp))
    return target


def _text_cell(ws, row: int, col: int, text: str):
    c = ws.cell(row=row, column=col)
    c.value = text
    c.data_type = "s"  # a text starting with = stays text
    return c


def _title(ws, form: Form) -> None:
    from openpyxl.styles import Alignment, Font

    last = form.ncols
    for row, text, font, align in (
        (1, form.title, Font(name=FONT, size=18, bold=True), "center"),
        (2, form.year, Font(name=FONT, size=12), "center"),
        (3, f"金额单位：{form.unit}", Font(name=FONT, size=10.5), "right"),
    ):
        c = _text_cell(ws, row, 1, text)
        c.font = font
        c.alignment = Alignment(horizontal=align, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[2].height = 20
    ws.row_dimensions[3].height = 18


def _cells(ws, form: Form) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    side = Side(style="thin", color="FF000000")
    border = Border(left=side, right=side, top=side, bottom=side)
    plain, bold = Font(name=FONT, size=10.5), Font(name=FONT, size=10.5, bold=True)
    aligns = {a: Alignment(horizontal=a, vertical="center", wrap_text=True) for a in ("left", "center")}
    top = TITLE_ROWS + 1
    for r in range(form.nrows):  # every cell bordered, the covered parts of merged ranges too
        for k in range(form.ncols):
            ws.cell(row=top + r, column=1 + k).border = border
    for cell in form.cells:
        r, k = top + cell.row, 1 + cell.col
        if cell.number is not None:
            c = ws.cell(row=r, column=k)
            c.value = cell.number
            if cell.fmt:
                c.number_format = cell.fmt
        else:
            c = _text_cell(ws, r, k, cell.text) if cell.text else ws.cell(row=r, column=k)
        c.font = bold if cell.bold else plain
        c.alignment = aligns.get(cell.align, aligns["center"])
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=r, start_column=k, end_row=r + cell.rowspan - 1, end_column=k + cell.colspan - 1)
    end = top + form.nrows + 1
    c = _text_cell(ws, end, 1, form.signature)
    c.font = plain
    c.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=end, start_column=1, end_row=end, end_column=form.ncols)
    ws.row_dimensions[end].height = 24


def _sizes(ws, form: Form) -> None:
    """Column widths from the content; row heights from the lines each text wraps to.

    Excel does not grow a row for wrapped text in a merged cell, so heights are estimated here.
    """
    from openpyxl.utils import get_column_letter

    for k, w in enumerate(form.widths):
        ws.column_dimensions[get_column_letter(1 + k)].width = w
    lines = [1] * form.nrows
    for cell in form.cells:
        if cell.rowspan > 1 or not cell.text:
            continue
        room = max(sum(form.widths[cell.col : cell.col + cell.colspan]) - 1.5, 2.0)
        need = sum(max(1, math.ceil(text_width(part) / room)) for part in cell.text.split("\n"))
        lines[cell.row] = max(lines[cell.row], need)
    for r, n in enumerate(lines):
        ws.row_dimensions[TITLE_ROWS + 1 + r].height = max(20.0, n * LINE_PT + 6)


def _print_setup(ws, form: Form) -> None:
    from openpyxl.utils import get_column_letter

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # the indicator header row repeats on every page after the one it starts on (a long table
    # runs over pages; the project block above it is printed once)
    header = TITLE_ROWS + 1 + form.header_row
    ws.print_title_rows = f"{header}:{header}"
    last = TITLE_ROWS + form.nrows + 2
    ws.print_area = f"A1:{get_column_letter(form.ncols)}{last}"
    ws.sheet_view.showGridLines = False
