"""The Word report: docxtpl fills a template, then the tables get their merged cells.

Template bytes are read once per process (``_BYTES``); each render builds a fresh
DocxTemplate from a BytesIO, so renders never share state. Compiled Jinja templates are
cached by the patched XML, so only the first render of a template pays for compiling it.

docxtpl's own ``{% vm %}`` merges every row of a loop, not rows with equal values, so the
一级/二级 merges are done after rendering: a table whose alt-text title (``w:tblCaption``)
reads ``xlperf:merge=1,2`` gets equal neighbouring cells of grid columns 1 and 2 merged
vertically (column 2 only inside one column-1 group), and a column-1/column-2 pair saying
the same thing (``预算执行 | 预算执行``) merged horizontally. ``grid=even`` evens a table
whose column count comes from the data. A row whose only text is a 【请…】 placeholder spans
the whole table.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from xlperf.core.enums import Style
from xlperf.core.errors import EnvironmentProblem, InputError, XCode

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STYLES = tuple(Style)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

_LOCK = threading.Lock()
_BYTES: dict[Any, bytes] = {}  # style or (path, mtime, size) -> template bytes
_COMPILED: dict[str, Any] = {}  # sha1 of patched xml -> jinja Template
_PATCHED: dict[str, str] = {}  # template part XML -> docxtpl's patch_xml of it
_ENV = None


def template_path(style: str) -> Path:
    if style not in STYLES:
        style = Style.GENERAL
    return TEMPLATE_DIR / f"report-{style}.docx"


def template_bytes(style: str | None = None, template: str | Path | None = None) -> bytes:
    """The bytes of the shipped template for ``style`` or of ``template`` (read once per process)."""
    if template is not None:
        p = Path(template)
        if not p.exists():
            raise InputError("报告模板文件不存在", path=p, code=XCode.TEMPLATE_MISSING)
        if p.is_dir():
            raise InputError("报告模板应是 .docx 文件，不是文件夹", path=p, code=XCode.TEMPLATE_MISSING)
        st = p.stat()
        key: Any = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    else:
        p = template_path(style or Style.GENERAL)
        key = p.name
    with _LOCK:
        data = _BYTES.get(key)
    if data is not None:
        return data
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise EnvironmentProblem(f"缺少内置报告模板 {p.name}，请重新安装 xlperf", path=p, code=XCode.BUILTIN_TEMPLATE_MISSING) from None
    except OSError as exc:
        raise InputError(f"无法读取报告模板（{exc.strerror or exc}）", path=p, code=XCode.TEMPLATE_MISSING) from None
    if not data.startswith(b"PK"):
        raise InputError("报告模板不是 Word 文档（.docx）；如是 .doc 或 WPS 格式，请在 Word/WPS 中另存为 .docx", path=p, code=XCode.TEMPLATE_NOT_DOCX)
    if template is not None:  # a user's file: docxtpl loads every part whole, so each is checked first
        from xlperf.ooxml.inspect import check_container

        check_container(p, io.BytesIO(data))
        if not _has_tags(data):
            raise InputError(
                "这个 Word 文档中没有模板标记（如 {{ title }}、{%p for s in sections %}），用它生成的报告会是空的。"
                "请复制内置模板修改（见 docs/report-templates.md），或去掉 --template",
                path=p,
                code=XCode.TEMPLATE_MARKUP,
            )
    with _LOCK:
        _BYTES[key] = data
    return data


def _has_tags(data: bytes) -> bool:
    """Whether a .docx holds a Jinja tag in its body, headers or footers (Word may split a tag
    across runs, so the text is read with the XML markup removed)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            text = "".join(re.sub(r"<[^>]*>", "", z.read(n).decode("utf-8", "replace")) for n in parts)
    except (zipfile.BadZipFile, KeyError, OSError):
        return True  # not readable here: docxtpl says what is wrong with it
    return "{{" in text or "{%" in text


def warm() -> None:
    """Read every shipped template and compile its body once (batch workers call this at start)."""
    for style in STYLES:
        try:
            tpl = _make_template(template_bytes(style))
            tpl.init_docx()
            _compiled(_prepare(tpl.patch_xml(tpl.get_xml())))
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            continue


def _env():
    global _ENV
    if _ENV is None:
        from jinja2 import ChainableUndefined, Environment

        # autoescape: workbook text may hold < & >; ChainableUndefined: an older or hand-made
        # template naming a variable we do not provide renders it empty instead of failing
        _ENV = Environment(autoescape=True, undefined=ChainableUndefined)
    return _ENV


def _prepare(src_xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)  # as docxtpl does: error lines point at paragraphs


def _compiled(src_xml: str):
    key = hashlib.sha1(src_xml.encode("utf-8")).hexdigest()
    with _LOCK:
        compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _env().from_string(src_xml)
        with _LOCK:
            if len(_COMPILED) > 64:  # many hand-made templates in one process: start over
                _COMPILED.clear()
            _COMPILED[key] = compiled
    return compiled


def _render_part(src_xml: str, context: dict[str, Any], resolve_listing, compiled=None) -> str:
    """docxtpl's render_xml_part on a prepared part XML, with its compiled template."""
    try:
        dst_xml = (compiled or _compiled(src_xml)).render(context)
    except TemplateError as exc:
        if getattr(exc, "lineno", None) is not None:
            line = max(exc.lineno - 4, 0)
            exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in src_xml.splitlines()[line : line + 7]]
        raise
    dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # re.sub(r"\n<w:p([ >])", r"<w:p\1") undone
    # as docxtpl: {_{ }_} {_% %_} are escaped markers (each scan of a long report costs, so only
    # when one can be there: no replacement below makes a marker another one looks for)
    opening = "{" in dst_xml and "{_" in dst_xml  # a one-character scan is ten times faster
    closing = "}" in dst_xml and "_}" in dst_xml
    if opening:
        dst_xml = dst_xml.replace("{_{", "{{")
    if closing:
        dst_xml = dst_xml.replace("}_}", "}}")
    if opening:
        dst_xml = dst_xml.replace("{_%", "{%")
    if closing:
        dst_xml = dst_xml.replace("%_}", "%}")
    return resolve_listing(dst_xml)


def _has_listing_chars(xml: str) -> bool:
    """``_LISTING_CHARS.search(xml)``, four times faster on a long report (substring scans)."""
    return "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml


_CLASS = None
_LISTING_CHARS = re.compile("[\t\n\a\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing matches them


def _template_class():
    """DocxTemplate whose XML parts are compiled once per process (docxtpl compiles on every render).

    Long because it is a class body: the subclass is defined here, not at module level, so that
    docxtpl (and python-docx, lxml, jinja2 behind it) loads only when a Word report is made."""
    global _CLASS
    if _CLASS is None:
        from docxtpl import DocxTemplate

        class CachedDocxTemplate(DocxTemplate):
            def patch_xml(self, src_xml):
                # docxtpl runs ~20 regular expressions over the whole template XML on every
                # render; the result depends on that XML alone, the same for every report of a
                # template, so it is kept (a handful of parts per template, bounded)
                with _LOCK:
                    hit = _PATCHED.get(src_xml)
                if hit is None:
                    hit = super().patch_xml(src_xml)
                    with _LOCK:
                        if len(_PATCHED) >= 64:
                            _PATCHED.clear()
                        _PATCHED[src_xml] = hit
                return hit

            def render_xml_part(self, src_xml, part, context, jinja_env=None):
                return _render_part(_prepare(src_xml), context, self.resolve_listing)

            def resolve_listing(self, xml):
                # docxtpl turns \n, \t, \a and \f inside text into breaks, tabs and paragraphs by
                # running three nested regular expressions over every paragraph; only the few
                # paragraphs holding one of those characters can change, so only they are passed on.
                if not _has_listing_chars(xml):
                    return xml
                parent = super().resolve_listing
                return _PARAGRAPH.sub(lambda m: parent(m.group(0)) if _LISTING_CHARS.search(m.group(0)) else m.group(0), xml)

            def fix_tables(self, xml):
                # docxtpl parses the rendered body with a plain parser and then moves it into the
                # document, which re-homes every node (~20 ms of a ~60 ms render here). Parsing
                # the whole document.xml at once with python-docx's own parser gives the same
                # tree with no move; map_tree then swaps the part's root. Any surprise (a
                # template whose rendered XML only the forgiving parser accepts, a python-docx
                # without these attributes) takes docxtpl's own path.
                shell = getattr(self, "_xlperf_shell", None)
                part = self.docx.part
                if shell is None or not hasattr(part, "_element") or not hasattr(self.docx, "_element"):
                    return super().fix_tables(xml)
                from docx.oxml.parser import oxml_parser
                from lxml import etree

                try:
                    root = etree.fromstring(shell[0] + xml + shell[1], oxml_parser)
                    body = root.find(W + "body")
                except (etree.XMLSyntaxError, ValueError):
                    return super().fix_tables(xml)
                if body is None:
                    return super().fix_tables(xml)
                fix_table_grids(body)
                self._xlperf_root = root
                return body

            def fix_docpr_ids(self, tree):
                root = getattr(self, "_xlperf_root", None)
                if root is None or tree.getparent() is not root:
                    return super().fix_docpr_ids(tree)
                # as docxtpl does; python-docx's elements take no namespaces argument (they know wp:)
                for elt in tree.xpath("//wp:docPr"):
                    self.docx_ids_index += 1
                    elt.attrib["id"] = str(self.docx_ids_index)

            def map_tree(self, tree):
                root = getattr(self, "_xlperf_root", None)
                if root is None or tree.getparent() is not root:
                    return super().map_tree(tree)
                self.docx.part._element = root
                self.docx._element = root
                if hasattr(self.docx, "_Document__body"):
                    self.docx._Document__body = None

            def render_properties(self, context, jinja_env=None):
                # as docxtpl does, with each property's template compiled once per process
                props = self.docx.core_properties
                for prop in ("author", "comments", "identifier", "language", "subject", "title"):
                    setattr(props, prop, _compiled(getattr(props, prop) or "").render(context))

        _CLASS = CachedDocxTemplate
    return _CLASS


_SHELLS: dict[bytes, tuple[str, str] | None] = {}


def _document_shell(data: bytes) -> tuple[str, str] | None:
    """(text before ``<w:body``, text after ``</w:body>``) of the template's document.xml."""
    with _LOCK:
        if data in _SHELLS:
            return _SHELLS[data]
    shell = None
    try:
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            name = next((n for n in z.namelist() if n.lower() == "word/document.xml"), None)
            text = z.read(name).decode("utf-8") if name else ""
        start, end = text.find("<w:body"), text.rfind("</w:body>")
        if start > 0 and end > start and text.count("<w:body") == 1:
            head = re.sub(r"^\ufeff?<\?xml[^>]*\?>\s*", "", text[:start])
            shell = (head, text[end + len("</w:body>") :])
    except Exception:  # noqa: BLE001 - no shell: docxtpl's own path
        shell = None
    with _LOCK:
        if len(_SHELLS) > 16:
            _SHELLS.clear()
        _SHELLS[data] = shell
    return shell


def fix_table_grids(body) -> None:
    """docxtpl's ``fix_tables`` on a parsed body: make each table's grid match its widest row.

    The same steps as docxtpl 0.20 (more cells than grid columns: add columns, scaling all to
    keep the table width; fewer: drop the extra columns and share their width); it is repeated
    here only because docxtpl offers it on an XML string, not on a tree (see fix_tables above).
    """
    from lxml import etree

    for t in body.iter(W + "tbl"):
        grid = _child(t, W + "tblGrid")
        if grid is None or _grid_fits(t, grid):
            continue
        columns = list(grid.iterchildren(W + "gridCol"))
        to_add = 0
        for r in t.iter(W + "tr"):
            cells = list(r.iterchildren(W + "tc"))
            if len(columns) + to_add < len(cells):
                to_add = len(cells) - len(columns)
        if to_add > 0:
            width = sum(float(c.get(W + "w")) for c in columns if c.get(W + "w") is not None)
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(W + "w", str(int(float(c.get(W + "w")) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, W + "gridCol", {W + "w": str(int(new_average))})
        columns = list(grid.iterchildren(W + "gridCol"))
        widest = 0
        for r in t.iter(W + "tr"):
            n = 0
            for cell in list(r.iterchildren(W + "tc")):
                tc_pr = _child(cell, W + "tcPr")
                span = None if tc_pr is None else _child(tc_pr, W + "gridSpan")
                n += int(span.get(W + "val")) if span is not None else 1
            widest = max(widest, n)
        to_remove = len(columns) - widest
        if to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(W + "w"))
                grid.remove(c)
            left = list(grid.iterchildren(W + "gridCol"))
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(W + "w", str(int(float(c.get(W + "w")) + extra)))


_FITS = None


def _grid_fits(tbl, grid) -> bool:
    """True when fix_table_grids has nothing to change in ``tbl``: no row has more cells than the
    grid has columns, and some row spans them all. Asked in XPath (no Python object per cell:
    most reports' tables all fit); False also when unsure (then the full steps run)."""
    global _FITS
    if _FITS is None:
        from lxml import etree

        ns = {"w": W_NS}
        _FITS = (
            etree.XPath("count(w:gridCol)", namespaces=ns),
            # descendant:: rather than .//, which libxml2 evaluates as a set of every node below;
            # [1]: libxml2 stops at the first match
            etree.XPath("boolean(descendant::w:tr[count(w:tc) > $n][1])", namespaces=ns),
            etree.XPath(
                "boolean(descendant::w:tr[count(w:tc[not(w:tcPr/w:gridSpan)]) + sum(w:tc/w:tcPr/w:gridSpan/@w:val) >= $n][1])",
                namespaces=ns,
            ),
            etree.XPath("boolean(descendant::w:tc/w:tcPr/w:gridSpan[not(string(number(@w:val)) = @w:val)][1])", namespaces=ns),
        )
    count_columns, wider_rows, full_row, odd_spans = _FITS
    n = int(count_columns(grid))
    if n == 0 or wider_rows(tbl, n=n) or odd_spans(tbl):
        return False
    return bool(full_row(tbl, n=n))


def _make_template(data: bytes):
    tpl = _template_class()(io.BytesIO(data))
    # looked up once per template: data is template_bytes' cached object, its hash computed once
    tpl._xlperf_shell = _document_shell(data)
    return tpl


def render_docx(context: dict[str, Any], out_path: str | Path, *, template: str | Path | None = None) -> Path:
    """Fill the style's template (or ``template``) with ``context`` and save it to ``out_path``."""
    data = template_bytes(context.get("style"), template)
    try:
        blob = _render(data, context, template)
    except TemplateError as exc:
        where = ""
        lines = getattr(exc, "docx_context", None)
        if lines:
            where = "；出错位置附近的文字：" + " ".join(x.strip() for x in lines if x.strip())[:120]
        name = Path(template).name if template is not None else template_path(context.get("style") or Style.GENERAL).name
        raise InputError(f"报告模板 {name} 中的 {{% %}} / {{{{ }}}} 标记有误（{exc.message or type(exc).__name__}）{where}", path=template, code=XCode.TEMPLATE_MARKUP) from None
    out = Path(out_path)
    with open(out, "wb") as fh:
        fh.write(blob)
    return out


def _render(data: bytes, context: dict[str, Any], template: str | Path | None) -> bytes:
    """The report's .docx bytes: from the template's skeleton once it has one (see wordpack),
    else the docxtpl way (and the first such report of a template gives it its skeleton)."""
    import xlperf.report.wordpack as wordpack

    skeleton = wordpack.skeleton_for(data)
    if skeleton:
        blob = _render_fast(skeleton, context)
        if blob is not None:
            return blob
    blob = _render_docxtpl(data, context, template)
    if skeleton is False:
        wordpack.remember(data, _proven_skeleton(data, context, blob))
    return blob


def _render_docxtpl(data: bytes, context: dict[str, Any], template: str | Path | None) -> bytes:
    try:
        tpl = _make_template(data)
    except Exception as exc:  # noqa: BLE001 - a broken .docx
        raise InputError(f"报告模板无法打开（{type(exc).__name__}）：请确认它是 Word 保存的 .docx 文件", path=template, code=XCode.TEMPLATE_NOT_DOCX) from None
    tpl.render(context, _env())
    postprocess(tpl.docx.element.body, form=context.get("official_form"))
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _proven_skeleton(data: bytes, context: dict[str, Any], reference: bytes):
    """The template's skeleton if a report rendered from it equals ``reference``, else None."""
    import xlperf.report.wordpack as wordpack

    try:
        skeleton = wordpack.build(_make_template(data), reference, _prepare)
        if skeleton is None:
            return None
        for source in [skeleton.body_source] + [src for src, _ in skeleton.parts.values()]:
            skeleton.compiled[source] = _compiled(source)  # no hashing of the body per report
        again = _render_fast(skeleton, context)
    except Exception:  # noqa: BLE001 - the skeleton is an optimisation only: docxtpl stays
        return None
    return skeleton if again is not None and wordpack.same_package(reference, again) else None


_LISTER = None
_CONSTANTS: dict[tuple[str, str], str] = {}


def _constant(kind: str, source: str, render) -> str:
    """``render()``, once per process for a ``source`` with no Jinja markup (no "{"): its output
    cannot depend on the report (headers, footers and most properties of the shipped templates)."""
    if "{" in source:
        return render()
    key = (kind, source)
    with _LOCK:
        hit = _CONSTANTS.get(key)
    if hit is None:
        hit = render()
        with _LOCK:
            if len(_CONSTANTS) > 256:
                _CONSTANTS.clear()
            _CONSTANTS[key] = hit
    return hit
_PARSER = None
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _plain_parser():
    """python-docx's parser settings without its element classes: the fast path needs no python-docx
    proxy, and plain lxml elements are cheaper to create (the serialised bytes are the same)."""
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return _PARSER


def _resolve_listing(xml: str) -> str:
    global _LISTER
    if _LISTER is None:
        _LISTER = _template_class()(io.BytesIO(b""))  # resolve_listing reads no template state
    return _LISTER.resolve_listing(xml)


def _render_fast(skeleton, context: dict[str, Any]) -> bytes | None:
    """The steps of docxtpl's render and python-docx's save that depend on the report (see
    CachedDocxTemplate above), on the skeleton's parts. None: the body needs docxtpl's own path."""
    from docx.opc.oxml import serialize_part_xml
    from lxml import etree

    import xlperf.report.wordpack as wordpack

    xml = _render_part(skeleton.body_source, context, _resolve_listing, skeleton.compiled.get(skeleton.body_source))
    try:
        root = etree.fromstring(skeleton.shell[0] + xml + skeleton.shell[1], _plain_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    body = _child(root, W + "body")
    if body is None:
        return None
    fix_table_grids(body)
    if "docPr" in xml:  # as docxtpl's fix_docpr_ids
        ids = 1000
        for elt in body.xpath("//wp:docPr", namespaces={"wp": WP_NS}):
            ids += 1
            elt.attrib["id"] = str(ids)
    blobs: dict[str, Any] = {}
    for member, (source, _encoding) in skeleton.parts.items():
        rendered = _constant("part", source, lambda: _render_part(source, context, _resolve_listing, skeleton.compiled.get(source)))
        blobs[member] = wordpack.part_member(skeleton, member, rendered)
    blobs[skeleton.core_member] = wordpack.core_xml(skeleton, lambda text: _constant("text", text, lambda: _compiled(text).render(context)))
    forms = postprocess(body, form=context.get("official_form"), splice=True)
    blobs[skeleton.body_member] = _splice_forms(serialize_part_xml(root), forms)
    return wordpack.write_package(skeleton, blobs)


# --- after rendering: merged cells ------------------------------------------------------------------


def _child(el, tag: str):
    """``el.find(tag)`` for a plain tag, several times faster: find parses its argument as a path;
    the child looked for is most often the first one (w:tcPr, w:tcW, w:pPr, w:trPr)."""
    try:
        first = el[0]
    except IndexError:
        return None
    return first if first.tag == tag else next(el.iterchildren(tag), None)


def _text(el) -> str:
    return "".join([t.text or "" for t in el.iter(W + "t")])


def _span(tc) -> int:
    tcpr = _child(tc, W + "tcPr")
    gs = _child(tcpr, W + "gridSpan") if tcpr is not None else None
    try:
        return int(gs.get(W + "val")) if gs is not None else 1
    except ValueError:
        return 1


def _tcpr(tc):
    tcpr = _child(tc, W + "tcPr")
    if tcpr is None:
        from lxml import etree

        tcpr = etree.SubElement(tc, W + "tcPr")
        tc.remove(tcpr)
        tc.insert(0, tcpr)
    return tcpr


_TCPR_AFTER_VMERGE = ("tcBorders", "shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")
_TCPR_AFTER_GRIDSPAN = ("hMerge", "vMerge") + _TCPR_AFTER_VMERGE


def _set_child(tcpr, name: str, attrs: dict[str, str], after_names: tuple[str, ...]) -> None:
    from lxml import etree

    old = _child(tcpr, W + name)
    if old is not None:
        tcpr.remove(old)
    el = etree.Element(W + name)
    for k, v in attrs.items():
        el.set(W + k, v)
    for child in tcpr:
        tag = child.tag  # its local name as etree.QName(child).localname gives it, without the object
        if (tag.rpartition("}")[2] if isinstance(tag, str) else etree.QName(child).localname) in after_names:
            child.addprevious(el)
            return
    tcpr.append(el)


def _clear(tc) -> None:
    paras = list(tc.iterchildren(W + "p"))
    for p in paras[1:]:
        tc.remove(p)
    if paras:
        for r in list(paras[0]):
            if r.tag != W + "pPr":
                paras[0].remove(r)


def _width(tc) -> int:
    tcpr = _child(tc, W + "tcPr")
    w = _child(tcpr, W + "tcW") if tcpr is not None else None
    try:
        return int(w.get(W + "w")) if w is not None else 0
    except (TypeError, ValueError):
        return 0


def _set_width(tc, width: int) -> None:
    tcpr = _child(tc, W + "tcPr")
    w = _child(tcpr, W + "tcW") if tcpr is not None else None
    if w is None:
        _set_child(_tcpr(tc), "tcW", {"w": str(width), "type": "dxa"}, ("gridSpan",) + _TCPR_AFTER_GRIDSPAN)
    else:
        w.set(W + "w", str(width))
        w.set(W + "type", "dxa")


def _is_header(tr) -> bool:
    trpr = _child(tr, W + "trPr")
    return trpr is not None and _child(trpr, W + "tblHeader") is not None


_XPATHS: dict[str, Any] = {}


def _xpaths() -> dict[str, Any]:
    """Questions asked of a whole table at once (no Python object per cell)."""
    if not _XPATHS:
        from lxml import etree

        ns = {"w": W_NS}
        _XPATHS["spans"] = etree.XPath("boolean(w:tr/w:tc/w:tcPr/w:gridSpan[1])", namespaces=ns)
        _XPATHS["placeholder"] = etree.XPath("boolean(w:tr/w:tc/descendant::w:t[contains(., '【')][1])", namespaces=ns)
    return _XPATHS


def _row(tr, spans: bool = True) -> tuple[Any, bool, dict[int, tuple[Any, int]]]:
    """(tr, whether it is a header row, its _layout); ``spans`` False: no cell of the table has a gridSpan."""
    trpr = _child(tr, W + "trPr")
    return tr, trpr is not None and _child(trpr, W + "tblHeader") is not None, _layout(tr, trpr, spans)


def _layout(tr, trpr=False, spans: bool = True) -> dict[int, tuple[Any, int]]:
    """{0-based grid column: (tc, its gridSpan)} for the cells that start there (``trpr``: the
    row's w:trPr when already looked up)."""
    out: dict[int, tuple[Any, int]] = {}
    col = 0
    if trpr is False:
        trpr = _child(tr, W + "trPr")
    if trpr is not None:
        gb = _child(trpr, W + "gridBefore")
        if gb is not None:
            try:
                col = int(gb.get(W + "val"))
            except (TypeError, ValueError):
                pass
    for tc in list(tr.iterchildren(W + "tc")):
        span = _span(tc) if spans else 1
        out[col] = (tc, span)
        col += span
    return out


def _options(tbl) -> dict[str, str] | None:
    tblpr = _child(tbl, W + "tblPr")
    cap = _child(tblpr, W + "tblCaption") if tblpr is not None else None
    value = (cap.get(W + "val") or "") if cap is not None else ""
    if not value.startswith("xlperf:"):
        return None
    opts: dict[str, str] = {}
    for part in value[len("xlperf:") :].split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            opts[k.strip()] = v.strip()
        elif part.strip():
            opts[part.strip()] = ""
    return opts


def postprocess(body, form=None, splice: bool = False) -> list[str]:
    """Merges, widths and the official form; the ``xlperf:`` markers are removed once used.

    ``splice``: the forms are left as markers and returned (see _place_form)."""
    for tbl in list(body.iter(W + "tbl")):
        opts = _options(tbl)
        if opts is None:
            continue
        _drop_caption(tbl)
        if opts.get("grid") == "even":
            _even_grid(tbl)
        cols = [int(c) - 1 for c in opts.get("merge", "").split(",") if c.strip().isdigit()]
        # each row's cells are looked up once: widths change below, spans and cells not until _merge
        spans = _xpaths()["spans"](tbl)
        layouts = [_row(tr, spans) for tr in list(tbl.iterchildren(W + "tr"))]
        if "cover" not in opts:
            _fit_columns(tbl, layouts)
        rows = [(tr, lay) for tr, header, lay in layouts if not header]
        if cols:
            _merge([lay for _, lay in rows], cols)
        _span_placeholders(tbl, [tr for tr, _ in rows])
    return _place_form(body, form, splice)


def _drop_caption(tbl) -> None:
    """The option string lives in the alt-text title, which Word shows to readers: remove it."""
    tblpr = _child(tbl, W + "tblPr")
    cap = _child(tblpr, W + "tblCaption") if tblpr is not None else None
    if cap is not None:
        tblpr.remove(cap)


# --- column widths from the content -------------------------------------------------------------------

MIN_CHARS, MAX_CHARS, HEADER_CHARS = 4.0, 36.0, 8.0  # in Latin characters (a CJK character is two)
CHAR_TWIPS = 105  # one Latin character of the 10.5 pt table text
SHORT_CHARS = 12.0  # a column needing no more than this keeps all of it


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _chars(text: str) -> float:
    longest = max(text.split("\n"), key=len, default="") if text else ""
    return float(len(longest) + len(_WIDE.findall(longest)))  # a wide (CJK) character counts two


def share_width(demand: list[float], total: int) -> list[int]:
    """Split ``total`` twips among columns wanting ``demand`` characters each.

    When all fit, each gets its share of the room in proportion. Otherwise the short columns
    (numbers, 权重, 得分) keep what they need, so they never wrap, and the long text columns
    share the rest in proportion; if even that does not fit, everything shrinks in proportion.
    """
    need = [d * CHAR_TWIPS + 160 for d in demand]  # 160: the cell margins and a little air
    if sum(need) <= total:
        out = [int(total * n / sum(need)) for n in need]
    else:
        short = [n if d <= SHORT_CHARS else 0.0 for n, d in zip(need, demand)]
        long_need = sum(n for n, d in zip(need, demand) if d > SHORT_CHARS)
        room = total - sum(short)
        if long_need and room >= long_need * 0.3:
            out = [int(n) if d <= SHORT_CHARS else int(room * n / long_need) for n, d in zip(need, demand)]
        else:
            out = [int(total * n / sum(need)) for n in need]
    out[-1] += total - sum(out)
    return out


def _fit_columns(tbl, layouts: list[tuple[Any, bool, dict[int, tuple[Any, int]]]]) -> None:
    """Share the table's width among its columns by what they hold.

    A column's demand is its longest single-column body text (a header may wrap, so it counts
    up to HEADER_CHARS), kept between MIN_CHARS and MAX_CHARS; the width is shared in that
    proportion, so short numbers get narrow columns and texts the room.
    """
    grid = _child(tbl, W + "tblGrid")
    if grid is None:
        return
    cols = list(grid.iterchildren(W + "gridCol"))
    try:
        total = sum(int(c.get(W + "w")) for c in cols)
    except (TypeError, ValueError):
        return
    if len(cols) < 2 or total <= 0:
        return
    n = len(cols)
    demand = [MIN_CHARS] * n
    for _tr, header, lay in layouts:
        for col, (tc, span) in lay.items():
            if span != 1 or col >= n or demand[col] >= (HEADER_CHARS if header else MAX_CHARS):
                continue  # (a header cell's need counts up to HEADER_CHARS, any cell's up to MAX_CHARS)
            paras = list(tc.iterchildren(W + "p"))
            text = (_text(paras[0]) if len(paras) == 1 else "\n".join([_text(p) for p in paras])).strip()
            if text.startswith("【") or 2 * len(text) <= demand[col]:
                continue  # a placeholder spans the row once merged; or this text cannot raise the demand
            need = min(_chars(text), HEADER_CHARS) if header else _chars(text)
            demand[col] = max(demand[col], min(need, MAX_CHARS))
    widths = share_width(demand, total)
    for c, w in zip(cols, widths):
        c.set(W + "w", str(w))
    for _tr, _header, lay in layouts:
        for col, (tc, span) in lay.items():
            _set_width(tc, widths[col] if span == 1 and 0 <= col < n else sum(widths[col : col + span]))


def _merge(layouts: list[dict[int, tuple[Any, int]]], cols: list[int]) -> None:
    run_of: dict[int, list[int | None]] = {}  # column -> run id per row
    runs: dict[int, list[list[int]]] = {}
    for depth, col in enumerate(cols):
        ids: list[int | None] = []
        groups: list[list[int]] = []
        prev_text = None
        for i, lay in enumerate(layouts):
            cell = lay.get(col)
            text = _text(cell[0]).strip() if cell is not None and cell[1] == 1 else None
            same_parent = all(
                i > 0 and run_of[c][i] is not None and run_of[c][i] == run_of[c][i - 1] for c in cols[:depth]
            )
            if text and prev_text == text and same_parent and groups:
                groups[-1].append(i)
            elif text is not None:
                groups.append([i])
            else:
                ids.append(None)
                prev_text = None
                continue
            ids.append(len(groups) - 1)
            prev_text = text
        run_of[col], runs[col] = ids, groups
    # horizontal first decisions (they need the untouched texts), then vertical merges
    horizontal: list[list[int]] = []
    for a, b in zip(cols, cols[1:]):
        if b != a + 1:
            continue
        for group in runs[a]:
            if all(layouts[i].get(b) is not None and layouts[i][b][1] == 1 and _text(layouts[i][b][0]).strip() == _text(layouts[i][a][0]).strip() for i in group) and (
                run_of[b][group[0]] is not None and runs[b][run_of[b][group[0]]] == group
            ):
                horizontal.append([a, b, *group])
    for col in cols:
        for group in runs[col]:
            if len(group) < 2:
                continue
            for n, i in enumerate(group):
                tc = layouts[i][col][0]
                _set_child(_tcpr(tc), "vMerge", {"val": "restart"} if n == 0 else {"val": "continue"}, _TCPR_AFTER_VMERGE)
                if n:
                    _clear(tc)
    for a, b, *group in horizontal:
        for i in group:
            ta, tb = layouts[i][a][0], layouts[i][b][0]
            _set_width(ta, _width(ta) + _width(tb))
            _set_child(_tcpr(ta), "gridSpan", {"val": "2"}, _TCPR_AFTER_GRIDSPAN)
            tb.getparent().remove(tb)


def _span_placeholders(tbl, rows: list[Any]) -> None:
    if not _xpaths()["placeholder"](tbl):
        return  # no cell text holds a 【 (most tables): no row to look at
    ncols = len(_child(tbl, W + "tblGrid").findall(W + "gridCol")) if _child(tbl, W + "tblGrid") is not None else 0
    for tr in rows:
        tcs = list(tr.iterchildren(W + "tc"))
        if len(tcs) < 2:
            continue
        texts = [_text(tc).strip() for tc in tcs]
        filled = [t for t in texts if t]
        if len(filled) != 1 or not filled[0].startswith("【"):
            continue
        keep = tcs[texts.index(filled[0])]
        width = sum(_width(tc) for tc in tcs)
        span = sum(_span(tc) for tc in tcs) or ncols
        for tc in tcs:
            if tc is not keep:
                tr.remove(tc)
        _set_width(keep, width)
        _set_child(_tcpr(keep), "gridSpan", {"val": str(span)}, _TCPR_AFTER_GRIDSPAN)


def _even_grid(tbl) -> None:
    from lxml import etree

    rows = list(tbl.iterchildren(W + "tr"))
    n = max((sum(_span(tc) for tc in list(tr.iterchildren(W + "tc"))) for tr in rows), default=0)
    if n <= 0:
        return
    tblpr = _child(tbl, W + "tblPr")
    tblw = _child(tblpr, W + "tblW") if tblpr is not None else None
    try:
        total = int(tblw.get(W + "w")) if tblw is not None else 0
    except (TypeError, ValueError):
        total = 0
    total = total or 8845
    grid = _child(tbl, W + "tblGrid")
    for gc in list(grid):
        grid.remove(gc)
    # the first column (row labels) gets a little more room
    first = total // n if n == 1 else max(total // n, int(total * 0.3)) if n > 2 else total // 2
    rest = (total - first) // max(n - 1, 1) if n > 1 else 0
    widths = [first] + [rest] * (n - 1)
    widths[-1] += total - sum(widths)
    for w in widths:
        etree.SubElement(grid, W + "gridCol").set(W + "w", str(w))
    for tr in rows:
        col = 0
        for tc in list(tr.iterchildren(W + "tc")):
            span = _span(tc)
            _set_width(tc, sum(widths[col : col + span]))
            col += span


# --- the official 自评表 ---------------------------------------------------------------------------------

FORM_ANCHOR_STYLE = "OfficialForm"  # the template's paragraph the form replaces
TEXT_W = 8845  # twips between the margins of the shipped templates (156 mm)
_FORM_FONT = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>'
_FORM_BORDERS = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


_ANCHORS = None


def _place_form(body, form, splice: bool = False) -> list[str]:
    """Put the official form where the template has its anchor paragraph (or drop the anchor).

    The form is as wide as the national one: it gets a landscape section of its own, from the
    heading above it to its signature line; the pages around it stay portrait.

    ``splice``: each form goes in as a ``<?xlperf-form i?>`` marker and its XML is returned, the
    i-th to replace that marker in the serialised part (see _splice_forms): building ~200 cells as
    elements costs more than the rest of the report's tables.
    """
    global _ANCHORS
    if _ANCHORS is None:
        from lxml import etree

        # the style elements naming the anchor style (no Python object for every paragraph)
        _ANCHORS = etree.XPath(f"descendant::w:pStyle[@w:val = '{FORM_ANCHOR_STYLE}']", namespaces={"w": W_NS})
    spliced: list[str] = []
    for p in [_anchor_of(style) for style in _ANCHORS(body)]:
        if p is None:
            continue
        if form is None:
            p.getparent().remove(p)
            continue
        landscape = _landscape_section(body, p)
        width = _section_width(body, landscape) if landscape is not None else _section_width(body)
        xml = _form_table_xml(form, width)
        if splice and not _UNSAFE_TEXT.search("".join(c.text or "" for c in form.cells)):
            from lxml import etree

            p.addprevious(etree.PI("xlperf-form", str(len(spliced))))
            spliced.append(xml)
        else:
            p.addprevious(_parse_form(xml))
        p.getparent().remove(p)
    return spliced


def _anchor_of(style):
    """The paragraph ``style`` (a w:pStyle) is the style of (the first w:pStyle of its first w:pPr), or None."""
    ppr = style.getparent()
    p = ppr.getparent() if ppr is not None else None
    if p is None or p.tag != W + "p" or ppr.tag != W + "pPr" or _child(p, W + "pPr") is not ppr or _child(ppr, W + "pStyle") is not style:
        return None
    return p


# what the parser would reject or rewrite (\r becomes \n, then &#13; nowhere): such a form is parsed
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")


def _splice_forms(blob: bytes, forms: list[str]) -> bytes:
    """The serialised part with each form marker replaced by its table (as lxml would write it)."""
    for i, xml in enumerate(forms):
        blob = blob.replace(f"<?xlperf-form {i}?>".encode(), xml.encode("utf-8"), 1)
    return blob


LANDSCAPE_MARGINS = {"top": 1134, "bottom": 1134, "left": 1417, "right": 1417}  # 20/20/25/25 mm: the form and its signature line on one page


def _landscape_section(body, anchor):
    """Make the block around ``anchor`` a landscape section; return its sectPr (None: not possible)."""
    import copy

    final = _child(body, W + "sectPr")
    if final is None or anchor.getparent() is not body:
        return None
    styles = ("Annex", "TableTitle", "Heading1")
    start = anchor.getprevious()
    while start is not None and not (start.tag == W + "p" and _pstyle(start) in styles):
        start = start.getprevious()
    end = anchor.getnext()  # the signature paragraph
    if start is None or end is None or end.tag != W + "p":
        return None
    before = copy.deepcopy(final)  # the portrait pages before the form keep the document's setup
    brk = _new_paragraph(start)
    _child(brk, W + "pPr").append(before)
    start.addprevious(brk)
    wide = copy.deepcopy(final)
    size, mar = _child(wide, W + "pgSz"), _child(wide, W + "pgMar")
    w, h = size.get(W + "w"), size.get(W + "h")
    size.set(W + "w", h)
    size.set(W + "h", w)
    size.set(W + "orient", "landscape")
    for side, v in LANDSCAPE_MARGINS.items():
        mar.set(W + side, str(v))
    for el in (wide, final):  # 陕西's cover page has no number; only the first section keeps that
        for tp in list(el.iterchildren(W + "titlePg")):
            el.remove(tp)
    if _nothing_after(end):  # the form ends the document: the last section is the landscape one
        final.getparent().replace(final, wide)
        return wide
    end_ppr = _child(end, W + "pPr")
    if end_ppr is None:
        end_ppr = _new_paragraph(end).find(W + "pPr")
        end.insert(0, end_ppr)
    end_ppr.append(wide)
    _no_break_after(end)
    return wide


def _no_break_after(end) -> None:
    """The section break already starts a new page: drop the empty paragraphs after it and the
    page break of the next heading, which would otherwise leave a blank page."""
    nxt = end.getnext()
    while nxt is not None and nxt.tag == W + "p" and not _text(nxt).strip() and nxt.find(".//" + W + "sectPr") is None \
            and nxt.find(".//" + W + "drawing") is None:
        gone, nxt = nxt, nxt.getnext()
        gone.getparent().remove(gone)
    if nxt is not None and nxt.tag == W + "p" and _pstyle(nxt) in ("TitleBreak", "Annex"):
        from lxml import etree

        ppr = _child(nxt, W + "pPr")
        brk = etree.Element(W + "pageBreakBefore")
        brk.set(W + "val", "0")
        before = [c for c in ppr if c.tag in (W + "pStyle", W + "keepNext", W + "keepLines")]  # the schema's order
        if before:
            before[-1].addnext(brk)
        else:
            ppr.insert(0, brk)


def _nothing_after(p) -> bool:
    for el in p.itersiblings():
        if el.tag == W + "sectPr":
            continue
        if el.tag != W + "p" or _text(el).strip() or el.find(".//" + W + "drawing") is not None:
            return False
    return True


def _pstyle(p) -> str:
    ppr = _child(p, W + "pPr")
    st = _child(ppr, W + "pStyle") if ppr is not None else None
    return st.get(W + "val") if st is not None else ""


def _new_paragraph(like):
    """An empty paragraph of the smallest line (the carrier of a section break)."""
    from docx.oxml import parse_xml

    return parse_xml(
        f'<w:p xmlns:w="{W_NS}"><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>'
    )


def _section_width(body, sect=None) -> int:
    sect = sect if sect is not None else _child(body, W + "sectPr")
    try:
        size, mar = _child(sect, W + "pgSz"), _child(sect, W + "pgMar")
        return int(size.get(W + "w")) - int(mar.get(W + "left")) - int(mar.get(W + "right"))
    except (AttributeError, TypeError, ValueError):
        return TEXT_W


@functools.lru_cache(maxsize=4096)  # labels and empty cells repeat in every report
def _form_cell_xml(width: int, span: int, vmerge: str, text: str, bold: bool, align: str, keep: bool) -> str:
    from xml.sax.saxutils import escape

    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else ("<w:vMerge/>" if vmerge else "")
    props += '<w:vAlign w:val="center"/>'
    style = "TableHead" if bold else ("TableTextLeft" if align == "left" else "TableText")
    b = "<w:b/><w:bCs/>" if bold else ""
    paras = []
    for line in (text.split("\n") if text else [""]):
        run = f'<w:r><w:rPr>{_FORM_FONT}{b}</w:rPr><w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else ""
        keep_next = "<w:keepNext/>" if keep else ""  # the last row stays with the signature line below it
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}<w:rPr>{_FORM_FONT}</w:rPr></w:pPr>{run}</w:p>')
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paras)}</w:tc>"


def form_table(form, width: int = TEXT_W):
    """The form as a Word table with real merged cells (gridSpan across, vMerge down).

    Rows do not split across pages; the widths follow ``form.widths`` scaled to ``width``.
    """
    return _parse_form(_form_table_xml(form, width))


def _parse_form(xml: str):
    from docx.oxml import parse_xml

    return parse_xml(xml.replace("<w:tbl>", f'<w:tbl xmlns:w="{W_NS}">', 1))


def _form_table_xml(form, width: int) -> str:
    """form_table's XML, its namespace declared by the document it goes into."""
    widths = share_width([max(w - 2, MIN_CHARS) for w in form.widths], width)
    owner = {}
    for c in form.cells:
        if c.rowspan == 1 and c.colspan == 1:  # most cells: no ranges to walk
            owner[(c.row, c.col)] = c
            continue
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                owner[(r, k)] = c
    rows = []
    ncols, last, cell_xml, get = form.ncols, form.nrows - 1, _form_cell_xml, owner.get  # locals: ~300 positions a form
    for r in range(form.nrows):
        cells, k, keep = ['<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="397" w:hRule="atLeast"/></w:trPr>'], 0, r == last
        while k < ncols:
            c = get((r, k))
            if c is None or c.col != k:  # a position no cell covers: an empty cell
                cells.append(cell_xml(widths[k], 1, "", "", False, "center", keep))
                k += 1
                continue
            span = c.colspan
            w = widths[k] if span == 1 else sum(widths[k : k + span])
            if c.row == r:
                cells.append(cell_xml(w, span, "restart" if c.rowspan > 1 else "", c.text, c.bold, c.align, keep))
            else:
                cells.append(cell_xml(w, span, "continue", "", False, "center", keep))
            k += span
        cells.append("</w:tr>")
        rows.append("".join(cells))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_FORM_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="34" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="34" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
