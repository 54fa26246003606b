"""A self-evaluation workbook carrying everything finance staff add to their files.

``build_rich_self_evaluation`` starts from a filled example (our template sheets, so ``calc``
has real work to do) and puts onto the sheet calc patches the most (绩效指标): a comment, a
bar chart, a picture and a text box in the same drawing, a header logo (``&G`` +
``<legacyDrawingHF>``), a form-control button (VML shape + ``<controls>`` + a ctrlProps part),
an x14 dropdown and a sparkline group in ``<extLst>``, the x14ac namespace with
``mc:Ignorable``, a defined name, a formula in a computed cell (so calc drops calcChain) and
one in a cell nobody owns; plus a ribbon (``customUI``) and a ``vbaProject.bin`` (an .xlsm).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tests.hostile.surgery import NS_MAIN, NS_PKG, NS_R, Surgery
from tests.richbook import build_ole, tiny_png

NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
RT_VML = NS_R + "/vmlDrawing"
RT_IMAGE = NS_R + "/image"
RT_CTRL = NS_R + "/ctrlProp"
RT_DRAWING = NS_R + "/drawing"
SHEET = "绩效指标"

BUTTON_VML = (
    '<v:shape xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel" id="_x0000_s2049" type="#_x0000_t201" '
    'style="position:absolute;margin-left:600pt;margin-top:10pt;width:80pt;height:24pt;z-index:2" '
    'o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
    '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
    '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
    '<font face="宋体" size="220" color="auto">重新计算</font></div></v:textbox>'
    '<x:ClientData ObjectType="Button"><x:Anchor>14, 0, 1, 0, 15, 40, 2, 10</x:Anchor>'
    "<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill><x:FmlaMacro>[0]!RunMain</x:FmlaMacro>"
    "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign></x:ClientData></v:shape>"
)

HF_VML = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="3"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t75" coordsize="21600,21600" o:spt="75" o:preferrelative="t" '
    'path="m@4@5l@4@11@9@11@9@5xe" filled="f" stroked="f"><v:stroke joinstyle="miter"/>'
    '<o:lock v:ext="edit" aspectratio="t"/></v:shapetype>'
    '<v:shape id="LH" o:spid="_x0000_s3073" type="#_x0000_t75" style="position:absolute;'
    'margin-left:0;margin-top:0;width:24pt;height:24pt;z-index:1">'
    '<v:imagedata o:relid="rId1" o:title="logo"/><o:lock v:ext="edit" rotation="t"/></v:shape></xml>'
)

CTRL_PROP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>'
)

CUSTOM_UI = (
    '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
    '<tab id="xlperfTab" label="绩效自评"><group id="g1" label="计算">'
    '<button id="calc" label="重新计算" size="large" onAction="RunMain"/></group></tab></tabs></ribbon></customUI>'
)

EXT_LST = (
    f'<extLst xmlns="{NS_MAIN}">'
    '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>说明!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>O8:O20</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>"
    '<ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/><x14:colorNegative rgb="FFD00000"/>'
    '<x14:colorAxis rgb="FF000000"/><x14:colorMarkers rgb="FFD00000"/><x14:colorFirst rgb="FFD00000"/>'
    '<x14:colorLast rgb="FFD00000"/><x14:colorHigh rgb="FFD00000"/><x14:colorLow rgb="FFD00000"/>'
    "<x14:sparklines><x14:sparkline><xm:f>绩效指标!E9:G9</xm:f><xm:sqref>N9</xm:sqref></x14:sparkline></x14:sparklines>"
    "</x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
)

# worksheet children in schema order (the tail that matters here)
_ORDER = (
    "sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
    "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _insert_in_order(root, el) -> None:
    rank = _ORDER.index(_local(el.tag))
    for child in root:
        name = _local(child.tag) if isinstance(child.tag, str) else ""
        if name in _ORDER and _ORDER.index(name) > rank:
            child.addprevious(el)
            return
    root.append(el)


def _rels_of(part: str) -> str:
    d, n = part.rsplit("/", 1)
    return f"{d}/_rels/{n}.rels"


def _target(parts_rels: bytes, rel_type: str) -> str | None:
    for rel in etree.fromstring(parts_rels):
        if rel.get("Type") == rel_type:
            return rel.get("Target")
    return None


def _resolve(base_part: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def build_rich_self_evaluation(path: str | Path, example: str = "临汾购买服务") -> Path:
    """Write the rich .xlsm self-evaluation to ``path`` and return it."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName

    from xlperf.workbook.examples import build_example

    path = Path(path)
    build_example(path, example)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws["C8"].comment = Comment("按批复的绩效目标表填写", "财务科")
    chart = BarChart()
    chart.title = "分值"
    chart.add_data(Reference(ws, min_col=5, min_row=7, max_row=14), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, min_row=8, max_row=14))
    ws.add_chart(chart, "O2")
    wb.defined_names["指标分值"] = DefinedName("指标分值", attr_text=f"{SHEET}!$E$8:$E$14")
    wb.save(path)

    s = Surgery(path)
    part = s.sheets[SHEET]
    rels_part = _rels_of(part)
    root = s.tree(SHEET)

    # x14ac + mc:Ignorable on the sheet (a serializer that drops unused namespaces would break Excel)
    nsmap = dict(root.nsmap)
    nsmap.update({"r": NS_R, "mc": NS_MC, "x14ac": NS_X14AC})
    new_root = etree.Element(root.tag, nsmap=nsmap, attrib=dict(root.attrib))
    new_root.set(f"{{{NS_MC}}}Ignorable", "x14ac")
    for child in list(root):
        new_root.append(child)
    s._trees[part] = root = new_root
    fmt = root.find(f"{{{NS_MAIN}}}sheetFormatPr")
    fmt.set(f"{{{NS_X14AC}}}dyDescent", "0.25")

    # formulas: one in a computed cell (calc overwrites it and must drop calcChain), one nobody owns
    s.set(SHEET, "H8", formula="IFERROR(G8/F8,0)", cached=1)
    s.set(SHEET, "N8", formula="E8*2", cached=20)
    s.parts["xl/calcChain.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<calcChain xmlns="{NS_MAIN}"><c r="H8" i="4"/><c r="N8"/></calcChain>'
    ).encode()
    s.add_rel("xl/_rels/workbook.xml.rels", "rIdCalc", NS_R + "/calcChain", "calcChain.xml")
    s.add_override("/xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")

    # header logo
    hf = root.find(f"{{{NS_MAIN}}}headerFooter")
    hf.find(f"{{{NS_MAIN}}}oddHeader").text = "&L&G&C&A"
    s.add_rel(rels_part, "rIdHF", RT_VML, "/xl/drawings/vmlDrawingHF9.vml")
    s.parts["xl/drawings/vmlDrawingHF9.vml"] = HF_VML.encode()
    s.parts["xl/drawings/_rels/vmlDrawingHF9.vml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{NS_PKG}">'
        f'<Relationship Id="rId1" Type="{RT_IMAGE}" Target="../media/logo9.png"/></Relationships>'
    ).encode()
    s.parts["xl/media/logo9.png"] = tiny_png()
    hf_el = etree.Element(f"{{{NS_MAIN}}}legacyDrawingHF")
    hf_el.set(f"{{{NS_R}}}id", "rIdHF")
    _insert_in_order(root, hf_el)

    # a picture and a text box in the drawing that holds the chart
    drawing_part = _resolve(part, _target(s.parts[rels_part], RT_DRAWING))
    drawing = etree.fromstring(s.parts[drawing_part])
    drawing.append(etree.fromstring(
        f'<xdr:oneCellAnchor xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}" xmlns:r="{NS_R}"><xdr:from><xdr:col>14</xdr:col>'
        "<xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        '<xdr:ext cx="190500" cy="190500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="7" name="公章 7"/><xdr:cNvPicPr/>'
        '</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rIdSeal"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>'
    ))
    drawing.append(etree.fromstring(
        f'<xdr:twoCellAnchor xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}"><xdr:from><xdr:col>14</xdr:col><xdr:colOff>0</xdr:colOff>'
        "<xdr:row>24</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>18</xdr:col><xdr:colOff>0</xdr:colOff>"
        "<xdr:row>28</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro=\"\" textlink=\"\"><xdr:nvSpPr>"
        '<xdr:cNvPr id="8" name="文本框 8"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2438400" cy="762000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
        '<xdr:txBody><a:bodyPr vertOverflow="clip" wrap="square" rtlCol="0" anchor="t"/><a:lstStyle/>'
        '<a:p><a:r><a:rPr lang="zh-CN" altLang="en-US" sz="1100"/><a:t>填表说明：分值合计应为100分</a:t></a:r></a:p>'
        "</xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
    ))
    s.parts[drawing_part] = etree.tostring(drawing, xml_declaration=True, encoding="UTF-8", standalone=True)
    s.add_rel(_rels_of(drawing_part), "rIdSeal", RT_IMAGE, "/xl/media/seal9.png")
    s.parts["xl/media/seal9.png"] = tiny_png()
    s.add_default("png", "image/png")

    # a form-control button: a shape in the sheet's comment VML, <controls>, a ctrlProps part
    vml_part = _resolve(part, _target(s.parts[rels_part], RT_VML))
    vml = s.parts[vml_part].decode("utf-8")
    end = vml.rindex("</xml>")
    s.parts[vml_part] = (vml[:end] + BUTTON_VML + vml[end:]).encode("utf-8")
    s.add_rel(rels_part, "rIdCtl", RT_CTRL, "../ctrlProps/ctrlProp9.xml")
    s.parts["xl/ctrlProps/ctrlProp9.xml"] = CTRL_PROP.encode()
    s.add_override("/xl/ctrlProps/ctrlProp9.xml", "application/vnd.ms-excel.controlproperties+xml")
    controls = etree.fromstring(
        f'<controls xmlns="{NS_MAIN}" xmlns:mc="{NS_MC}" xmlns:r="{NS_R}"><mc:AlternateContent>'
        '<mc:Choice Requires="x14"><control shapeId="2049" r:id="rIdCtl" name="Button 1">'
        '<controlPr defaultSize="0" print="0" autoFill="0" autoPict="0" macro="[0]!RunMain">'
        '<anchor moveWithCells="1"><from><xdr:col xmlns:xdr="' + NS_XDR + '">14</xdr:col><xdr:colOff xmlns:xdr="' + NS_XDR + '">0</xdr:colOff>'
        '<xdr:row xmlns:xdr="' + NS_XDR + '">0</xdr:row><xdr:rowOff xmlns:xdr="' + NS_XDR + '">0</xdr:rowOff></from>'
        '<to><xdr:col xmlns:xdr="' + NS_XDR + '">15</xdr:col><xdr:colOff xmlns:xdr="' + NS_XDR + '">0</xdr:colOff>'
        '<xdr:row xmlns:xdr="' + NS_XDR + '">1</xdr:row><xdr:rowOff xmlns:xdr="' + NS_XDR + '">0</xdr:rowOff></to></anchor>'
        "</controlPr></control></mc:Choice></mc:AlternateContent></controls>"
    )
    _insert_in_order(root, controls)

    # x14 dropdown + sparklines
    root.append(etree.fromstring(EXT_LST))

    # ribbon + VBA: an .xlsm
    s.add_rel("_rels/.rels", "rIdUI", "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility", "customUI/customUI.xml")
    s.parts["customUI/customUI.xml"] = CUSTOM_UI.encode()
    s.add_rel("xl/_rels/workbook.xml.rels", "rIdVBA", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")
    s.parts["xl/vbaProject.bin"] = build_ole({"VBA": b"Attribute VB_Name = \"Module1\"\r\n" * 100, "PROJECT": b'Name="VBAProject"\r\n'})
    s.add_default("bin", "application/vnd.ms-office.vbaProject")

    def macro_enabled(ct) -> None:
        for o in ct:
            if o.get("PartName") == "/xl/workbook.xml":
                o.set("ContentType", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")

    s.edit_xml("[Content_Types].xml", macro_enabled)
    return s.save(path)
