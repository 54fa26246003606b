"""Every XML namespace, relationship type and content type xlperf uses, in one place.

Plain constants: importing this module loads nothing (the report and add-in code use it too).
"""

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_XML = "http://www.w3.org/XML/1998/namespace"
RT_WORKSHEET = NS_REL + "/worksheet"
RT_STYLES = NS_REL + "/styles"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


# WordprocessingML (the report) and the ribbon of the Excel add-in
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_CUSTOMUI = "http://schemas.microsoft.com/office/2006/01/customui"
RT_RIBBON = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RT_RIBBON_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
