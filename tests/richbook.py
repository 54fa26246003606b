"""Build test workbooks that carry what finance staff add to their files.

``build_rich_workbook`` writes an .xlsm with openpyxl (values, a comment, a bar chart, a
standard data validation, a header text, a defined name) and then adds at zip level what
openpyxl cannot write or would lose: a picture (without Pillow), a header logo (VML drawing
referenced by ``<legacyDrawingHF>``), an x14 data validation and a sparkline group in the
sheet's ``<extLst>``, the x14ac namespace with ``mc:Ignorable``, a ribbon part
(``customUI/customUI.xml``) and a ``vbaProject.bin``.

``build_formula_workbook`` writes sheet XML directly: shared formulas, error values, formulas
without a cached value and a ``calcChain.xml``.

``build_ole`` crafts a minimal OLE2 compound file (olefile cannot write one).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
RT_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
RT_VML = NS_R + "/vmlDrawing"
RT_IMAGE = NS_R + "/image"

DATA_SHEET = "数据"
OTHER_SHEET = "选项"

# The values the data sheet holds (A1 at [0][0]).
DATA_ROWS = [
    ["资金来源", "全年预算数", "全年执行数", "类别", "备注"],
    ["财政拨款", 100, 90.5, "甲", "按期拨付"],
    ["其中：中央", 60, 55, "乙", None],
    ["其他资金", 40, 35.5, "甲", "自筹"],
]


def tiny_png() -> bytes:
    """A valid 2x2 red PNG made without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def build_ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding the given root streams.

    Streams are padded to 4096 bytes so they live in regular sectors (no mini stream needed).
    """
    ss = 512
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    datas = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    n_dir_sectors = (len(names) + 1 + 3) // 4
    fat: list[int] = [fatsect]  # sector 0: the FAT itself
    dir_start = len(fat)
    for k in range(n_dir_sectors):
        fat.append(dir_start + k + 1 if k < n_dir_sectors - 1 else end)
    starts = []
    for d in datas:
        count = (len(d) + ss - 1) // ss
        start = len(fat)
        starts.append(start)
        for k in range(count):
            fat.append(start + k + 1 if k < count - 1 else end)
    assert len(fat) <= ss // 4, "test OLE builder supports one FAT sector"
    fat += [free] * (ss // 4 - len(fat))

    def entry(name: str, typ: int, child: int, right: int, start: int, size: int) -> bytes:
        enc = name.encode("utf-16-le") + b"\0\0"
        return (
            enc.ljust(64, b"\0")
            + struct.pack("<HBB", len(enc), typ, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    dirs = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, (name, d) in enumerate(zip(names, datas)):
        right = i + 2 if i + 1 < len(names) else free
        dirs.append(entry(name, 2, free, right, starts[i], len(streams[name]) if len(streams[name]) >= 4096 else 4096))
    while len(dirs) % 4:
        dirs.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", free, free, free) + b"\0" * 36 + struct.pack("<IQ", 0, 0))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == 512
    body = struct.pack(f"<{ss // 4}I", *fat) + b"".join(dirs) + b"".join(d.ljust(((len(d) + ss - 1) // ss) * ss, b"\0") for d in datas)
    return header + body


def _rewrite_zip(path: Path, edits: dict[str, bytes], additions: dict[str, bytes]) -> None:
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, edits.get(info.filename, data), compress_type=zipfile.ZIP_DEFLATED)
        for name, data in additions.items():
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def _xml(root: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + etree.tostring(root, encoding="UTF-8")


def build_rich_workbook(path: str | Path) -> Path:
    """Write the rich workbook (use an .xlsm name) and return its path."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    for row in DATA_ROWS:
        ws.append(row)
    ws["B2"].number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 18
    ws["A1"].comment = Comment("资金来源按批复填写", "财务科")
    chart = BarChart()
    chart.title = "预算执行"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=4))
    ws.add_chart(chart, "H2")
    dv = DataValidation(type="list", formula1='"甲,乙,丙"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("D2:D20")
    ws.oddHeader.center.text = "项目支出绩效自评表"
    other = wb.create_sheet(OTHER_SHEET)
    for v in ("甲", "乙", "丙"):
        other.append([v])
    wb.defined_names["预算合计"] = DefinedName("预算合计", attr_text=f"{DATA_SHEET}!$B$2:$B$4")
    wb.save(path)

    z = zipfile.ZipFile(path)
    sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    sheet_rels = etree.fromstring(z.read("xl/worksheets/_rels/sheet1.xml.rels"))
    drawing = etree.fromstring(z.read("xl/drawings/drawing1.xml"))
    drawing_rels = etree.fromstring(z.read("xl/drawings/_rels/drawing1.xml.rels"))
    ct = etree.fromstring(z.read("[Content_Types].xml"))
    root_rels = etree.fromstring(z.read("_rels/.rels"))
    wb_rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    z.close()

    # x14ac + mc:Ignorable on the sheet (ElementTree would drop this namespace)
    nsmap = dict(sheet.nsmap)
    nsmap.update({"r": NS_R, "mc": NS_MC, "x14ac": NS_X14AC})
    new_sheet = etree.Element(sheet.tag, nsmap=nsmap)
    new_sheet.set(f"{{{NS_MC}}}Ignorable", "x14ac")
    for child in sheet:
        new_sheet.append(child)
    sheet = new_sheet
    fmt = sheet.find(f"{{{NS_MAIN}}}sheetFormatPr")
    fmt.set(f"{{{NS_X14AC}}}dyDescent", "0.25")

    # header logo: &G in the header, a VML drawing with the picture, <legacyDrawingHF>
    hf = sheet.find(f"{{{NS_MAIN}}}headerFooter")
    hf.find(f"{{{NS_MAIN}}}oddHeader").text = "&L&G&C项目支出绩效自评表"
    rel = etree.SubElement(sheet_rels, f"{{{NS_PKG}}}Relationship")
    rel.set("Id", "rIdHF")
    rel.set("Type", RT_VML)
    rel.set("Target", "/xl/drawings/vmlDrawingHF1.vml")
    legacy = sheet.find(f"{{{NS_MAIN}}}legacyDrawing")
    hf_el = etree.Element(f"{{{NS_MAIN}}}legacyDrawingHF")
    hf_el.set(f"{{{NS_R}}}id", "rIdHF")
    legacy.addnext(hf_el)
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="2"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t75" coordsize="21600,21600" o:spt="75" o:preferrelative="t" '
        'path="m@4@5l@4@11@9@11@9@5xe" filled="f" stroked="f"><v:stroke joinstyle="miter"/>'
        '<o:lock v:ext="edit" aspectratio="t"/></v:shapetype>'
        '<v:shape id="LH" o:spid="_x0000_s2049" type="#_x0000_t75" style="position:absolute;'
        'margin-left:0;margin-top:0;width:24pt;height:24pt;z-index:1">'
        '<v:imagedata o:relid="rId1" o:title="logo"/><o:lock v:ext="edit" rotation="t"/></v:shape></xml>'
    ).encode()
    vml_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{NS_PKG}">'
        f'<Relationship Id="rId1" Type="{RT_IMAGE}" Target="../media/logo1.png"/></Relationships>'
    ).encode()

    # a picture in the drawing that already holds the chart (openpyxl needs Pillow for that)
    xdr = drawing.nsmap.get(None) or "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    anchor = etree.fromstring(
        f'<oneCellAnchor xmlns="{xdr}" xmlns:a="{a}" xmlns:r="{NS_R}"><from><col>0</col><colOff>0</colOff>'
        "<row>8</row><rowOff>0</rowOff></from><ext cx=\"190500\" cy=\"190500\"/><pic><nvPicPr>"
        '<cNvPr id="3" name="Logo 3"/><cNvPicPr/></nvPicPr><blipFill><a:blip r:embed="rIdImg"/>'
        '<a:stretch><a:fillRect/></a:stretch></blipFill><spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</spPr></pic><clientData/></oneCellAnchor>"
    )
    drawing.append(anchor)
    rel = etree.SubElement(drawing_rels, f"{{{NS_PKG}}}Relationship")
    rel.set("Id", "rIdImg")
    rel.set("Type", RT_IMAGE)
    rel.set("Target", "/xl/media/image1.png")

    # x14 dropdown (list from another sheet) and a sparkline group in <extLst>
    ext = etree.fromstring(
        '<extLst xmlns="' + NS_MAIN + '">'
        '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
        f"<x14:formula1><xm:f>{OTHER_SHEET}!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>E2:E20</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext>"
        '<ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
        '<x14:colorNegative rgb="FFD00000"/><x14:colorAxis rgb="FF000000"/><x14:colorMarkers rgb="FFD00000"/>'
        '<x14:colorFirst rgb="FFD00000"/><x14:colorLast rgb="FFD00000"/><x14:colorHigh rgb="FFD00000"/>'
        '<x14:colorLow rgb="FFD00000"/><x14:sparklines><x14:sparkline>'
        f"<xm:f>{DATA_SHEET}!B2:C2</xm:f><xm:sqref>F2</xm:sqref></x14:sparkline></x14:sparklines>"
        "</x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
    )
    sheet.append(ext)

    # ribbon + VBA project: an .xlsm
    def add_default(ext_: str, ctype: str) -> None:
        if not any(d.get("Extension") == ext_ for d in ct):
            el = etree.Element(f"{{{NS_CT}}}Default")
            el.set("Extension", ext_)
            el.set("ContentType", ctype)
            ct.insert(0, el)

    add_default("png", "image/png")
    add_default("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    add_default("bin", "application/vnd.ms-office.vbaProject")
    for o in ct:
        if o.get("PartName") == "/xl/workbook.xml":
            o.set("ContentType", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    rel = etree.SubElement(root_rels, f"{{{NS_PKG}}}Relationship")
    rel.set("Id", "rIdUI")
    rel.set("Type", RT_UI)
    rel.set("Target", "customUI/customUI.xml")
    rel = etree.SubElement(wb_rels, f"{{{NS_PKG}}}Relationship")
    rel.set("Id", "rIdVBA")
    rel.set("Type", RT_VBA)
    rel.set("Target", "vbaProject.bin")
    custom_ui = (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
        '<tab id="xlperfTab" label="绩效自评"><group id="g1" label="计算">'
        '<button id="calc" label="计算得分" size="large" onAction="RunMain"/></group></tab></tabs></ribbon></customUI>'
    ).encode()
    vba = build_ole({"VBA": b"dummy vba storage " * 300, "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'})

    _rewrite_zip(
        path,
        {
            "xl/worksheets/sheet1.xml": _xml(sheet),
            "xl/worksheets/_rels/sheet1.xml.rels": _xml(sheet_rels),
            "xl/drawings/drawing1.xml": _xml(drawing),
            "xl/drawings/_rels/drawing1.xml.rels": _xml(drawing_rels),
            "[Content_Types].xml": _xml(ct),
            "_rels/.rels": _xml(root_rels),
            "xl/_rels/workbook.xml.rels": _xml(wb_rels),
        },
        {
            "xl/drawings/vmlDrawingHF1.vml": vml,
            "xl/drawings/_rels/vmlDrawingHF1.vml.rels": vml_rels,
            "xl/media/logo1.png": tiny_png(),
            "xl/media/image1.png": tiny_png(),
            "customUI/customUI.xml": custom_ui,
            "xl/vbaProject.bin": vba,
        },
    )
    return path


# --- formulas, errors, calcChain ----------------------------------------------------------------

FORMULA_SHEET_DATA = (
    "<sheetData>"
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B5" si="0">A1*2</f><v>2</v></c>'
    '<c r="C1"><f>SUM(A1:A5)</f><v>15</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    '<c r="E1"><f>A1+1</f></c><c r="F1"><f t="shared" ref="F1:F3" si="1">A1+10</f></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c>'
    '<c r="D2" t="e"><v>#N/A</v></c><c r="E2"><f>A2+1</f><v></v></c><c r="F2"><f t="shared" si="1"/></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c>'
    '<c r="E3" t="str"><f>""</f><v></v></c><c r="F3"><f t="shared" si="1"/><v>13</v></c></row>'
    '<row r="4"><c r="A4"><v>4</v></c><c r="B4"><f t="shared" si="0"/><v>8</v></c></row>'
    '<row r="5"><c r="A5"><v>5</v></c><c r="B5"><f t="shared" si="0"/><v>10</v></c></row>'
    "</sheetData>"
)


def build_formula_workbook(path: str | Path) -> Path:
    """Sheet '公式' with shared formulas (B1:B5 = A*2), SUM, error values, uncached formulas and a calcChain."""
    import openpyxl

    path = Path(path)
    wb = openpyxl.Workbook()
    wb.active.title = "公式"
    wb.active["A1"] = 0
    wb.create_sheet("其他")["A1"] = "x"
    wb.save(path)
    z = zipfile.ZipFile(path)
    sheet = z.read("xl/worksheets/sheet1.xml")
    ct = etree.fromstring(z.read("[Content_Types].xml"))
    wb_rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    z.close()
    sheet = sheet[: sheet.index(b"<sheetData")] + FORMULA_SHEET_DATA.encode() + sheet[sheet.index(b"</sheetData>") + 12 :]
    sheet = sheet.replace(b'<dimension ref="A1"/>', b'<dimension ref="A1:F5"/>')
    o = etree.SubElement(ct, f"{{{NS_CT}}}Override")
    o.set("PartName", "/xl/calcChain.xml")
    o.set("ContentType", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    rel = etree.SubElement(wb_rels, f"{{{NS_PKG}}}Relationship")
    rel.set("Id", "rIdCalc")
    rel.set("Type", NS_R + "/calcChain")
    rel.set("Target", "calcChain.xml")
    calc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<calcChain xmlns="{NS_MAIN}">'
        '<c r="B1" i="1"/><c r="B2"/><c r="B3"/><c r="B4"/><c r="B5"/><c r="C1"/><c r="D1"/></calcChain>'
    ).encode()
    _rewrite_zip(
        path,
        {"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": _xml(ct), "xl/_rels/workbook.xml.rels": _xml(wb_rels)},
        {"xl/calcChain.xml": calc},
    )
    return path
