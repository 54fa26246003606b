"""The Word report: docxtpl fills a template, then the tables get their merged cells.

One :class:`WordRenderer` per process (:meth:`WordRenderer.shared`) owns what reports of a
template share: the template bytes, the compiled Jinja templates, docxtpl's patched XML, each
template's skeleton (see wordpack), and the compiled XPath queries. Each render builds a fresh
template object from the cached bytes, so renders never share state; only the first render of a
template pays for compiling it. docxtpl's DocxTemplate, made cheap to render again, is
:class:`xlperf.report.wordtemplate.CachedDocxTemplate`, imported on the first render.

docxtpl's own ``{% vm %}`` merges every row of a loop, not rows with equal values, so the
一级/二级 merges are done after rendering: a table whose alt-text title (``w:tblCaption``)
reads ``xlperf:merge=1,2`` gets equal neighbouring cells of grid columns 1 and 2 merged
vertically (column 2 only inside one column-1 group), and a column-1/column-2 pair saying
the same thing (``预算执行 | 预算执行``) merged horizontally. ``grid=even`` evens a table
whose column count comes from the data. A row whose only text is a 【请…】 placeholder spans
the whole table. The official 自评表 (:class:`xlperf.report.official.Form`), given to
:func:`render_docx` explicitly, replaces the template's 自评表位置 paragraph.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from jinja2 import TemplateError

from xlperf.core.enums import Style
from xlperf.core.errors import EnvironmentProblem, InputError, XCode

if TYPE_CHECKING:
    from xlperf.report.official import Form

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STYLES = tuple(Style)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

FORM_ANCHOR_STYLE = "OfficialForm"  # the template's paragraph the form replaces
TEXT_W = 8845  # twips between the margins of the shipped templates (156 mm)
_FORM_FONT = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>'
_FORM_BORDERS = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
_FORM_BORDERS_OPEN = _FORM_BORDERS.replace('<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>', '<w:bottom w:val="nil"/>')


def template_path(style: str) -> Path:
    if style not in STYLES:
        style = Style.GENERAL
    return TEMPLATE_DIR / f"report-{style}.docx"


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


# Tables a template made before them cannot show (a unit's copy of an older shipped template
# would print them as an indicator table of empty cells), and the table such a template shows instead.
NEWER_TABLES = {"budget_matrix": "budget"}


@functools.lru_cache(maxsize=16)
def _unknown_tables(data: bytes) -> frozenset[str]:
    """The NEWER_TABLES the template's body never names (read with the XML markup removed, as
    Word may split a tag across runs)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            name = next((n for n in z.namelist() if n.lower() == "word/document.xml"), None)
            text = re.sub(r"<[^>]*>", "", z.read(name).decode("utf-8", "replace")) if name else ""
    except (zipfile.BadZipFile, KeyError, OSError):
        return frozenset()
    return frozenset(t for t in NEWER_TABLES if t not in text)


def _for_template(context: dict[str, Any], data: bytes) -> dict[str, Any]:
    """``context`` with each table the template does not know replaced by the one it does."""
    unknown = _unknown_tables(data)
    if not unknown or not any(t in unknown for s in context.get("sections", []) for t in s.get("tables", [])):
        return context
    sections = [{**s, "tables": [NEWER_TABLES[t] if t in unknown else t for t in s.get("tables", [])]} for s in context["sections"]]
    return {**context, "sections": sections}


def prepare(src_xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)  # as docxtpl does: error lines point at paragraphs


def has_listing_chars(xml: str) -> bool:
    """``LISTING_CHARS.search(xml)``, four times faster on a long report (substring scans)."""
    return "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml


class WordRenderer:
    """Renders Word reports; holds every cache reports of a template share.

    Thread-safe: the caches are read and filled under one lock (a render itself runs outside it,
    on objects of its own). One instance per process: :meth:`shared`.
    """

    LISTING_CHARS = re.compile("[\t\n\a\f]")
    PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing matches them

    prepare = staticmethod(prepare)
    has_listing_chars = staticmethod(has_listing_chars)

    _shared: ClassVar[WordRenderer | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls) -> WordRenderer:
        """The process's renderer (made on first use)."""
        if cls._shared is None:
            with cls._shared_lock:
                if cls._shared is None:
                    cls._shared = cls()
        return cls._shared

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._bytes: dict[Any, bytes] = {}  # style or (path, mtime, size) -> template bytes
        self._compiled: dict[str, Any] = {}  # sha1 of prepared xml -> jinja Template
        self._patched: dict[str, str] = {}  # template part XML -> docxtpl's patch_xml of it
        self._shells: dict[bytes, tuple[str, str] | None] = {}  # template bytes -> document.xml around its body
        self._skeletons: dict[bytes, Any] = {}  # template bytes -> wordpack.Skeleton (None: docxtpl only)
        self._constants: dict[tuple[str, str], str] = {}  # (kind, markup-free source) -> its rendering
        self._env = None
        self._template_class = None
        self._lister = None
        self._parser = None
        self._queries: dict[str, Any] = {}  # compiled XPath questions asked of tables
        # labels and empty cells of the official form repeat in every report
        self.form_cell_xml = functools.lru_cache(maxsize=4096)(_form_cell_xml)

    # --- templates ---------------------------------------------------------------------------------

    def template_bytes(self, style: str | None = None, template: str | Path | None = None) -> bytes:
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
            p = template_path(style or "通用")
            key = p.name
        with self._lock:
            data = self._bytes.get(key)
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
        with self._lock:
            self._bytes[key] = data
        return data

    def warm(self) -> None:
        """Read every shipped template and compile its body once (batch workers call this at start)."""
        for style in STYLES:
            try:
                tpl = self.template(self.template_bytes(style))
                tpl.init_docx()
                self.compiled(prepare(tpl.patch_xml(tpl.get_xml())))
            except Exception:  # noqa: BLE001 - warming is an optimisation only
                continue

    def load(self) -> None:
        """Import docxtpl and make the Jinja environment now rather than in the first report
        (batch workers call this at start); no template is read."""
        self.env, self.template_class  # noqa: B018 - both are made on first use

    @property
    def env(self):
        """The Jinja environment every template part renders in."""
        if self._env is None:
            from jinja2 import ChainableUndefined, Environment

            with self._lock:
                if self._env is None:
                    # autoescape: workbook text may hold < & >; ChainableUndefined: an older or
                    # hand-made template naming a variable we do not provide renders it empty
                    self._env = Environment(autoescape=True, undefined=ChainableUndefined)
        return self._env

    @property
    def template_class(self):
        """:class:`~xlperf.report.wordtemplate.CachedDocxTemplate` (docxtpl loads here, not at import)."""
        if self._template_class is None:
            from xlperf.report.wordtemplate import CachedDocxTemplate

            self._template_class = CachedDocxTemplate
        return self._template_class

    def template(self, data: bytes):
        """A fresh template object of ``data`` (template_bytes' cached object: its hash computed once)."""
        return self.template_class(io.BytesIO(data), renderer=self, shell=self.document_shell(data))

    def patched(self, src_xml: str, patch: Callable[[str], str]) -> str:
        """``patch(src_xml)`` (docxtpl's patch_xml), once per template part XML (bounded)."""
        with self._lock:
            hit = self._patched.get(src_xml)
        if hit is None:
            hit = patch(src_xml)
            with self._lock:
                if len(self._patched) >= 64:
                    self._patched.clear()
                self._patched[src_xml] = hit
        return hit

    def compiled(self, src_xml: str):
        """The Jinja template of ``src_xml``, compiled once per process."""
        key = hashlib.sha1(src_xml.encode("utf-8")).hexdigest()
        with self._lock:
            compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self.env.from_string(src_xml)
            with self._lock:
                if len(self._compiled) > 64:  # many hand-made templates in one process: start over
                    self._compiled.clear()
                self._compiled[key] = compiled
        return compiled

    def compiled_count(self) -> int:
        """How many compiled templates are kept."""
        with self._lock:
            return len(self._compiled)

    def clear_compiled(self) -> None:
        with self._lock:
            self._compiled.clear()

    def render_part(self, src_xml: str, context: dict[str, Any], resolve_listing, compiled=None) -> str:
        """docxtpl's render_xml_part on a prepared part XML, with its compiled template."""
        try:
            dst_xml = (compiled or self.compiled(src_xml)).render(context)
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

    def document_shell(self, data: bytes) -> tuple[str, str] | None:
        """(text before ``<w:body``, text after ``</w:body>``) of the template's document.xml."""
        with self._lock:
            if data in self._shells:
                return self._shells[data]
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
        with self._lock:
            if len(self._shells) > 16:
                self._shells.clear()
            self._shells[data] = shell
        return shell

    # --- table grids -------------------------------------------------------------------------------

    def fix_table_grids(self, body) -> None:
        """docxtpl's ``fix_tables`` on a parsed body: make each table's grid match its widest row.

        The same steps as docxtpl 0.20 (more cells than grid columns: add columns, scaling all to
        keep the table width; fewer: drop the extra columns and share their width); it is repeated
        here only because docxtpl offers it on an XML string, not on a tree (see
        CachedDocxTemplate.fix_tables).
        """
        from lxml import etree

        for t in body.iter(W + "tbl"):
            grid = _child(t, W + "tblGrid")
            if grid is None or self._grid_fits(t, grid):
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

    def _query(self, name: str):
        """A compiled XPath question asked of a whole table at once (no Python object per cell)."""
        q = self._queries.get(name)
        if q is None:
            from lxml import etree

            q = etree.XPath(_QUERIES[name], namespaces={"w": W_NS})
            with self._lock:
                self._queries[name] = q
        return q

    def _grid_fits(self, tbl, grid) -> bool:
        """True when fix_table_grids has nothing to change in ``tbl``: no row has more cells than
        the grid has columns, and some row spans them all. Asked in XPath (no Python object per
        cell: most reports' tables all fit); False also when unsure (then the full steps run)."""
        n = int(self._query("count_columns")(grid))
        if n == 0 or self._query("wider_rows")(tbl, n=n) or self._query("odd_spans")(tbl):
            return False
        return bool(self._query("full_row")(tbl, n=n))

    # --- rendering ---------------------------------------------------------------------------------

    def render_docx(self, context: dict[str, Any], out_path: str | Path, *, template: str | Path | None = None,
                    form: Form | None = None) -> Path:
        """Fill the style's template (or ``template``) with ``context``, place ``form`` (the
        official 自评表, None: none) and save it to ``out_path``."""
        data = self.template_bytes(context.get("style"), template)
        context = _for_template(context, data)
        try:
            blob = self.render(data, context, template, form)
        except TemplateError as exc:
            where = ""
            lines = getattr(exc, "docx_context", None)
            if lines:
                where = "；出错位置附近的文字：" + " ".join(x.strip() for x in lines if x.strip())[:120]
            name = Path(template).name if template is not None else template_path(context.get("style") or "通用").name
            raise InputError(f"报告模板 {name} 中的 {{% %}} / {{{{ }}}} 标记有误（{exc.message or type(exc).__name__}）{where}", path=template, code=XCode.TEMPLATE_MARKUP) from None
        out = Path(out_path)
        with open(out, "wb") as fh:
            fh.write(blob)
        return out

    def render(self, data: bytes, context: dict[str, Any], template: str | Path | None = None, form: Form | None = None) -> bytes:
        """The report's .docx bytes: from the template's skeleton once it has one (see wordpack),
        else the docxtpl way (and the first such report of a template gives it its skeleton)."""
        skeleton = self.skeleton_for(data)
        if skeleton:
            blob = self.render_fast(skeleton, context, form)
            if blob is not None:
                return blob
        blob = self.render_docxtpl(data, context, template, form)
        if skeleton is False:
            self.remember(data, self._proven_skeleton(data, context, form, blob))
        return blob

    def render_docxtpl(self, data: bytes, context: dict[str, Any], template: str | Path | None = None, form: Form | None = None) -> bytes:
        """The report the docxtpl way (docxtpl's render and python-docx's save)."""
        try:
            tpl = self.template(data)
        except Exception as exc:  # noqa: BLE001 - a broken .docx
            raise InputError(f"报告模板无法打开（{type(exc).__name__}）：请确认它是 Word 保存的 .docx 文件", path=template, code=XCode.TEMPLATE_NOT_DOCX) from None
        tpl.render(_with_form(context, form), self.env)
        self.postprocess(tpl.docx.element.body, form=form, forms=project_forms(context))
        buf = io.BytesIO()
        tpl.save(buf)
        return buf.getvalue()

    def skeleton_for(self, data: bytes):
        """The template's skeleton; None when it keeps the docxtpl path; False when not built yet."""
        with self._lock:
            return self._skeletons.get(data, False)  # bytes keep their hash: a lookup costs nothing

    def remember(self, data: bytes, skeleton) -> None:
        with self._lock:
            if len(self._skeletons) > 16:  # many hand-made templates in one process: start over
                self._skeletons.clear()
            self._skeletons[data] = skeleton

    def _proven_skeleton(self, data: bytes, context: dict[str, Any], form: Form | None, reference: bytes):
        """The template's skeleton if a report rendered from it equals ``reference``, else None."""
        import xlperf.report.wordpack as wordpack

        try:
            skeleton = wordpack.build(self.template(data), reference, prepare)
            if skeleton is None:
                return None
            for source in [skeleton.body_source] + [src for src, _ in skeleton.parts.values()]:
                skeleton.compiled[source] = self.compiled(source)  # no hashing of the body per report
            again = self.render_fast(skeleton, context, form)
        except Exception:  # noqa: BLE001 - the skeleton is an optimisation only: docxtpl stays
            return None
        return skeleton if again is not None and wordpack.same_package(reference, again) else None

    def _constant(self, kind: str, source: str, render) -> str:
        """``render()``, once per process for a ``source`` with no Jinja markup (no "{"): its output
        cannot depend on the report (headers, footers and most properties of the shipped templates)."""
        if "{" in source:
            return render()
        key = (kind, source)
        with self._lock:
            hit = self._constants.get(key)
        if hit is None:
            hit = render()
            with self._lock:
                if len(self._constants) > 256:
                    self._constants.clear()
                self._constants[key] = hit
        return hit

    @property
    def parser(self):
        """python-docx's parser settings without its element classes: the fast path needs no
        python-docx proxy, and plain lxml elements are cheaper to create (the serialised bytes are
        the same)."""
        if self._parser is None:
            from lxml import etree

            self._parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
        return self._parser

    def resolve_listing(self, xml: str) -> str:
        """CachedDocxTemplate.resolve_listing, without a template (it reads no template state)."""
        if self._lister is None:
            self._lister = self.template_class(io.BytesIO(b""), renderer=self)
        return self._lister.resolve_listing(xml)

    def render_fast(self, skeleton, context: dict[str, Any], form: Form | None = None) -> bytes | None:
        """The steps of docxtpl's render and python-docx's save that depend on the report (see
        CachedDocxTemplate), on the skeleton's parts. None: the body needs docxtpl's own path."""
        from docx.opc.oxml import serialize_part_xml
        from lxml import etree

        import xlperf.report.wordpack as wordpack

        context = _with_form(context, form)
        resolve = self.resolve_listing
        xml = self.render_part(skeleton.body_source, context, resolve, skeleton.compiled.get(skeleton.body_source))
        try:
            root = etree.fromstring(skeleton.shell[0] + xml + skeleton.shell[1], self.parser)
        except (etree.XMLSyntaxError, ValueError):
            return None
        body = _child(root, W + "body")
        if body is None:
            return None
        self.fix_table_grids(body)
        if "docPr" in xml:  # as docxtpl's fix_docpr_ids
            ids = 1000
            for elt in body.xpath("//wp:docPr", namespaces={"wp": WP_NS}):
                ids += 1
                elt.attrib["id"] = str(ids)
        blobs: dict[str, Any] = {}
        for member, (source, _encoding) in skeleton.parts.items():
            rendered = self._constant("part", source, lambda: self.render_part(source, context, resolve, skeleton.compiled.get(source)))
            blobs[member] = wordpack.part_member(skeleton, member, rendered)
        blobs[skeleton.core_member] = wordpack.core_xml(skeleton, lambda text: self._constant("text", text, lambda: self.compiled(text).render(context)))
        forms = self.postprocess(body, form=form, splice=True, forms=project_forms(context))
        blobs[skeleton.body_member] = splice_forms(serialize_part_xml(root), forms)
        return wordpack.write_package(skeleton, blobs)

    # --- after rendering: merges, widths, the official form ----------------------------------------

    def postprocess(self, body, form: Form | None = None, splice: bool = False, forms: list[Form | None] = ()) -> list[str]:
        """Merges, widths and the official form; the ``xlperf:`` markers are removed once used.

        ``splice``: the forms are left as markers and returned (see place_form); ``forms``: the
        projects' forms (附件3-n), placed at the anchors numbered 1, 2 …"""
        for tbl in list(body.iter(W + "tbl")):
            opts = _options(tbl)
            if opts is None:
                continue
            _drop_caption(tbl)
            if opts.get("grid") == "even":
                _even_grid(tbl)
            cols = [int(c) - 1 for c in opts.get("merge", "").split(",") if c.strip().isdigit()]
            # each row's cells are looked up once: widths change below, spans and cells not until _merge
            spans = self._query("spans")(tbl)
            layouts = [_row(tr, spans) for tr in list(tbl.iterchildren(W + "tr"))]
            # fixed: the template's widths are the form's
            labels = _fit_columns(tbl, layouts, labels=cols) if "cover" not in opts and "fixed" not in opts else []
            rows = [(tr, lay) for tr, header, lay in layouts if not header]
            if cols:
                _merge([lay for _, lay in rows], cols)
            _break_labels(labels)
            if self._query("placeholder")(tbl):  # a cell text holds a 【 (few tables do)
                _span_placeholders(tbl, [tr for tr, _ in rows])
        return self.place_form(body, form, splice, forms)

    def place_form(self, body, form: Form | None, splice: bool = False, forms: list[Form | None] = ()) -> list[str]:
        """Put the official form where the template has its anchor paragraph (or drop the anchor).

        The form is as wide as the national one: it gets a landscape section of its own, from the
        heading above it to its signature line; the pages around it stay portrait.

        ``splice``: each form goes in as a ``<?xlperf-form i?>`` marker and its XML is returned,
        the i-th to replace that marker in the serialised part (see splice_forms): building ~200
        cells as elements costs more than the rest of the report's tables.

        An anchor whose text is a number n (a department's 附件3-n) takes the n-th of ``forms``.
        """
        spliced: list[str] = []
        main = form
        for p in [_anchor_of(style) for style in self._query("anchors")(body)]:
            if p is None:
                continue
            n = _text(p).strip()
            form = main if not n else (forms[int(n) - 1] if n.isdigit() and 0 < int(n) <= len(forms) else None)
            if form is None:
                p.getparent().remove(p)
                continue
            sign = p.getnext()
            sign = sign if sign is not None and sign.tag == W + "p" and _text(sign).strip() == form.signature.strip() and form.signature.strip() else None
            landscape = _landscape_section(body, p)
            width = _section_width(body, landscape) if landscape is not None else _section_width(body)
            xml = self.form_table_xml(form, width, signature=sign is not None)
            if sign is not None:  # its line is the table's last row now; the paragraph only ends the section
                _hairline(sign)
                if _nothing_after(sign):  # the document's end: empty paragraphs there would make a blank page
                    for el in list(sign.itersiblings(W + "p")):
                        if el.find(".//" + W + "sectPr") is None:
                            el.getparent().remove(el)
            if splice and not _UNSAFE_TEXT.search("".join(c.text or "" for c in form.cells)):
                from lxml import etree

                p.addprevious(etree.PI("xlperf-form", str(len(spliced))))
                spliced.append(xml)
            else:
                for el in _parse_form(xml):
                    p.addprevious(el)
            p.getparent().remove(p)
        return spliced

    def form_table_xml(self, form: Form, width: int, signature: bool = False) -> str:
        """form_table's XML, its namespace declared by the document it goes into.

        Laid out to hold across pages: no row splits (cantSplit); the indicator block is a table
        of its own whose header row repeats on each page (Word repeats only a table's first rows,
        and the project block above it is too tall to repeat), joined to the block above by a
        hairline paragraph; a 二级 label's rows keep together (keepNext on every paragraph of a
        row keeps it with the next row) when the group is short enough to fit on a page; the
        row above the total, the total and every row after it keep with the signature line; and
        number columns are never narrower than their longest value (``100.00%`` does not wrap).

        ``signature``: the signature line (单位（盖章）…填报日期) is the last row, without side or
        bottom borders: LibreOffice keeps rows together but not a table's last row with the
        paragraph after the table, so the line would otherwise fall alone onto the next page.
        """
        widths = fit_widths(_form_cells(form), width, whole=_form_labels(form))
        owner = {}
        for c in form.cells:
            if c.rowspan == 1 and c.colspan == 1:  # most cells: no ranges to walk
                owner[(c.row, c.col)] = c
                continue
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    owner[(r, k)] = c
        keep_rows = _kept_rows(form)
        head = form.header_row if 0 < form.header_row < form.nrows else 0
        tail = _kept_tail(keep_rows, form.nrows)
        rows = []
        ncols, cell_xml, get = form.ncols, self.form_cell_xml, owner.get  # locals: ~300 positions a form
        for r in range(form.nrows):
            keep = r in keep_rows
            header = "<w:tblHeader/>" if r == head else ""
            cells, k = [f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="397" w:hRule="atLeast"/>{header}</w:trPr>'], 0
            while k < ncols:
                c = get((r, k))
                if c is None or c.col != k:  # a position no cell covers: an empty cell
                    cells.append(cell_xml(widths[k], 1, "", "", False, "center", keep))
                    k += 1
                    continue
                span = c.colspan
                w = widths[k] if span == 1 else sum(widths[k : k + span])
                if c.row == r:
                    text = c.text
                    if (r == head or (c.bold and r < head)) and text and "\n" not in text:
                        text = "\v".join(label_lines(text, w))  # a header's lines break between words
                    # a label merged down from the repeated header row (绩效指标) stays in it: in
                    # LibreOffice a merge out of a repeated row misdraws the rows below the merge
                    merged = c.rowspan > 1 and not (head and r == head)
                    cells.append(cell_xml(w, span, "restart" if merged else "", text, c.bold, c.align, keep))
                elif head and c.row == head and r == head + 1:  # the rest of that label's column: merged, empty
                    seam = "bottom" if r == tail - 1 else ""
                    cells.append(cell_xml(w, span, "restart" if c.rowspan > 2 else "", "", False, "center", keep, seam))
                elif r == tail:
                    # a merge from above is cut where the rows kept with the total begin: LibreOffice
                    # moves kept rows to the next page only when no merge ties them to rows above;
                    # the empty 绩效指标 column is cut without a line
                    seam = "top" if c.row == head and head else ""
                    cells.append(cell_xml(w, span, "restart" if c.row + c.rowspan - 1 > r else "", "", False, "center", keep, seam))
                else:
                    seam = "bottom" if head and c.row == head and r == tail - 1 else ""
                    cells.append(cell_xml(w, span, "continue", "", False, "center", keep, seam))
                k += span
            cells.append("</w:tr>")
            rows.append("".join(cells))
        if signature:
            rows.append(_signature_row(form, width))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

        def table(part: list[str], borders: str = _FORM_BORDERS) -> str:
            return (
                f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
                f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
                '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="34" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="34" w:type="dxa"/></w:tblCellMar>'
                '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(part)}</w:tbl>"
            )

        if not head:
            return table(rows)
        # one rule at the joint: the project block has no bottom border, the indicator table's
        # top border (which also tops its header row on every page) is the line between them
        return table(rows[:head], _FORM_BORDERS_OPEN) + _FORM_JOINT + table(rows[head:])


def project_forms(context: dict[str, Any]) -> list[Form | None]:
    """The official forms of a department's projects (附件3-n), in the order the template numbers
    their anchors."""
    return [p.get("form") if isinstance(p, dict) else None for p in context.get("projects") or []]


def _with_form(context: dict[str, Any], form: Form | None) -> dict[str, Any]:
    """The variables a template renders: ``context``, and the form's title, year, unit and
    signature as ``official_form`` (the table itself is placed after rendering). It is the form
    the renderer is given, never one riding in ``context``."""
    return {**context, "official_form": form}


# XPath questions the renderer asks of whole tables (compiled once, by WordRenderer._query).
# descendant:: rather than .//, which libxml2 evaluates as a set of every node below; [1]: libxml2
# stops at the first match.
_QUERIES = {
    "count_columns": "count(w:gridCol)",
    "wider_rows": "boolean(descendant::w:tr[count(w:tc) > $n][1])",
    "full_row": "boolean(descendant::w:tr[count(w:tc[not(w:tcPr/w:gridSpan)]) + sum(w:tc/w:tcPr/w:gridSpan/@w:val) >= $n][1])",
    "odd_spans": "boolean(descendant::w:tc/w:tcPr/w:gridSpan[not(string(number(@w:val)) = @w:val)][1])",
    "spans": "boolean(w:tr/w:tc/w:tcPr/w:gridSpan[1])",
    "placeholder": "boolean(w:tr/w:tc/descendant::w:t[contains(., '【')][1])",
    "anchors": f"descendant::w:pStyle[@w:val = '{FORM_ANCHOR_STYLE}']",  # the style elements naming the anchor
}


# --- the module's entry points: the process's renderer -------------------------------------------


def template_bytes(style: str | None = None, template: str | Path | None = None) -> bytes:
    """The bytes of the shipped template for ``style`` or of ``template`` (read once per process)."""
    return WordRenderer.shared().template_bytes(style, template)


def warm() -> None:
    """Read every shipped template and compile its body once (batch workers call this at start)."""
    WordRenderer.shared().warm()


def render_docx(context: dict[str, Any], out_path: str | Path, *, template: str | Path | None = None, form: Form | None = None) -> Path:
    """Fill the style's template (or ``template``) with ``context``, place the official 自评表
    ``form`` (None: the template's 自评表 paragraph is dropped) and save it to ``out_path``."""
    return WordRenderer.shared().render_docx(context, out_path, template=template, form=form)


def postprocess(body, form: Form | None = None, splice: bool = False, forms: list[Form | None] = ()) -> list[str]:
    """Merges, widths and the official form on a rendered body (see WordRenderer.postprocess)."""
    return WordRenderer.shared().postprocess(body, form, splice, forms)


def fix_table_grids(body) -> None:
    """docxtpl's ``fix_tables`` on a parsed body (see WordRenderer.fix_table_grids)."""
    WordRenderer.shared().fix_table_grids(body)


def form_table(form: Form, width: int = TEXT_W):
    """The form as a Word table with real merged cells (gridSpan across, vMerge down).

    Rows do not split across pages; the widths follow ``form.widths`` scaled to ``width``. A form
    with an indicator header below its first row is two tables (see form_table_xml): the first
    element is returned when it is one table, else the list of elements.
    """
    parts = _parse_form(WordRenderer.shared().form_table_xml(form, width))
    return parts[0] if len(parts) == 1 else parts


def splice_forms(blob: bytes, forms: list[str]) -> bytes:
    """The serialised part with each form marker replaced by its table (as lxml would write it)."""
    for i, xml in enumerate(forms):
        blob = blob.replace(f"<?xlperf-form {i}?>".encode(), xml.encode("utf-8"), 1)
    return blob


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


def _drop_caption(tbl) -> None:
    """The option string lives in the alt-text title, which Word shows to readers: remove it."""
    tblpr = _child(tbl, W + "tblPr")
    cap = _child(tblpr, W + "tblCaption") if tblpr is not None else None
    if cap is not None:
        tblpr.remove(cap)


# --- column widths from the content -------------------------------------------------------------------

MIN_CHARS, MAX_CHARS = 4.0, 36.0  # in Latin characters (a CJK character is two)
CHAR_TWIPS = 105  # one Latin character of the 10.5 pt table text


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _chars(text: str) -> float:
    longest = max(text.split("\n"), key=len, default="") if text else ""
    return float(len(longest) + len(_WIDE.findall(longest)))  # a wide (CJK) character counts two


def _fit_columns(tbl, layouts: list[tuple[Any, bool, dict[int, tuple[Any, int]]]], labels: list[int] = ()) -> list[tuple[Any, Any, str]]:
    """Share the table's width among its columns by what they hold (see fit_widths): numbers and
    rates whole, labels broken only between words, texts wide enough to read. Returns the
    header labels and the labels of the ``labels`` columns (一级/二级) as (cell, paragraph,
    text), for _break_labels once the cells are merged."""
    grid = _child(tbl, W + "tblGrid")
    if grid is None:
        return []
    cols = list(grid.iterchildren(W + "gridCol"))
    try:
        total = sum(int(c.get(W + "w")) for c in cols)
    except (TypeError, ValueError):
        return []
    if len(cols) < 2 or total <= 0:
        return []
    n = len(cols)
    cells: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    heads: list[tuple[int, Any, str]] = []
    for _tr, header, lay in layouts:
        for col, (tc, span) in lay.items():
            if span != 1 or col >= n:
                continue
            paras = list(tc.iterchildren(W + "p"))
            text = (_text(paras[0]) if len(paras) == 1 else "\n".join([_text(p) for p in paras])).strip()
            if not text or text.startswith("【"):
                continue  # a placeholder spans the row once merged
            role = "head" if header else "label" if col in labels and "\n" not in text else "body"
            cells[col].append((text, role))
            if role != "body" and len(paras) == 1:
                heads.append((tc, paras[0], text))
    widths = fit_widths(cells, total)
    for c, w in zip(cols, widths):
        c.set(W + "w", str(w))
    for _tr, _header, lay in layouts:
        for col, (tc, span) in lay.items():
            _set_width(tc, widths[col] if span == 1 and 0 <= col < n else sum(widths[col : col + span]))
    return heads


def _break_labels(labels: list[tuple[Any, Any, str]]) -> None:
    """Each label that does not fit its cell (as merged) on one line gets line breaks between
    words (a cell merged into the one above is empty and left alone)."""
    for tc, p, text in labels:
        if tc.getparent() is None or _text(p).strip() != text:
            continue
        lines = label_lines(text, _width(tc))
        if len(lines) > 1:
            _break_paragraph(p, lines)


def _break_paragraph(p, lines: list[str]) -> None:
    """``p``'s text as ``lines`` (line breaks inside the paragraph, the first run's format kept)."""
    import copy

    from lxml import etree

    runs = list(p.iterchildren(W + "r"))
    if not runs:
        return
    rpr = _child(runs[0], W + "rPr")
    for r in runs:
        p.remove(r)
    run = etree.SubElement(p, W + "r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    for i, line in enumerate(lines):
        if i:
            etree.SubElement(run, W + "br")
        t = etree.SubElement(run, W + "t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


# --- column widths from what the cells need -----------------------------------------------------------
#
# As a browser lays out a table: each column has a hard minimum (numbers and rates whole, the
# longest word of a label or a header, the longest number inside a text), a soft minimum (a
# label whole, a header on at most two lines, a text READ_CHARS wide, a reason REASON_CHARS) and
# a preferred width (its longest text, up to MAX_CHARS). fit_widths gives every column its
# preferred width when all fit, else its soft minimum and a share of the rest, else its hard
# minimum and a share of the rest. Words are found by _words (a dictionary segmenter would be
# a large dependency for the few labels of a form).

CELL_PAD = 110  # twips: the cell's side margins (2 × 34) and a little air
READ_CHARS = 12.0  # a text column at least 6 CJK characters wide when it can be
REASON_MIN_CHARS, REASON_CHARS = 16.0, 20.0  # a reason column 8, where it can 10, CJK characters wide: it holds sentences
LABEL_CHARS = 12.0  # a text up to this wide without a sentence's punctuation is a label
_SENTENCE = re.compile("[，。；！？,;]")
_WORD3 = ("满意度", "指标值", "完成值", "预算数", "执行数", "到位数", "执行率", "完成率", "到位率", "可持续", "未完成", "满意率", "知晓率")
_WORD1 = set("及和与或的")
_CLOSING = set("：:，,、。；）)」”")  # punctuation that ends the word before it
_UNBROKEN = re.compile(r"[（(][^）)]{0,8}[）)]|[0-9A-Za-z.,:/%‰≥≤<>=+\-·～~×]+")
# a number with its unit (39.75万元, 5756人, ≥95%, 2025年) is never broken; nor a Latin word
_QUANTITY = re.compile(r"[-+≥≤<>=]*\d[\d.,]*(?:%|‰|[万亿千百]?[元人个次项天年月日户件台所家分岁])?|[A-Za-z]+")
_NUMBER_CELL = re.compile(r"[-+]?[\d,]*\.?\d+%?|—|-|待定")


def _words(text: str) -> list[str]:
    """A label's words: Latin/number runs and brackets whole, Chinese in two-character words
    (three for _WORD3, one for a joining word), punctuation kept with the word before it."""
    out: list[str] = []
    i, line = 0, text.replace("\n", "")
    while i < len(line):
        m = _UNBROKEN.match(line, i)
        if m:
            word = m.group()
        elif line[i:i + 3] in _WORD3:
            word = line[i:i + 3]
        elif line[i] in _WORD1 or line[i] in _CLOSING or not _WIDE.match(line[i]):
            word = line[i]
        else:
            word = line[i:i + 2]
            if len(word) == 2 and (not _WIDE.match(word[1]) or word[1] in _WORD1 or word[1] in _CLOSING or line[i + 1:i + 4] in _WORD3 or _UNBROKEN.match(line, i + 1)):
                word = word[0]
        i += len(word)
        if out and (word in _CLOSING or (len(word) == 1 and not _WIDE.match(word) and not word.isalnum())):
            out[-1] += word  # punctuation stays with its word
        elif out and len(out[-1]) == 1 and _WIDE.match(out[-1]) and out[-1] not in _WORD1 and len(word) == 1 and _WIDE.match(word):
            out[-1] += word
        else:
            out.append(word)
    return out


def _fill(words: list[str], room: float) -> list[str]:
    """Greedy lines of ``words`` each at most ``room`` wide (a word wider than room alone on its line)."""
    lines: list[str] = []
    for w in words:
        if lines and _chars(lines[-1] + w) <= room:
            lines[-1] += w
        else:
            lines.append(w)
    return lines


def label_lines(text: str, width: int) -> list[str]:
    """``text`` in a column ``width`` twips wide: its lines broken between words (one line when it fits)."""
    room = (width - CELL_PAD + 20) / CHAR_TWIPS
    if "\n" in text or _chars(text) <= room:
        return [text]
    lines = _fill(_words(text), room)
    return lines if all(_chars(ln) <= room for ln in lines) else [text]


def _two_lines(text: str) -> float:
    """The narrowest width (in Latin characters) that puts ``text`` on two lines broken between words."""
    words = _words(text)
    longest = max((_chars(w) for w in words), default=0.0)
    whole = _chars(text)
    room = max(longest, whole / 2)
    while room < whole and len(_fill(words, room)) > 2:
        room += 1
    return min(room, whole)


def _is_number(text: str) -> bool:
    return bool(_NUMBER_CELL.fullmatch(text.strip()))


def cell_need(text: str, role: str) -> tuple[float, float, float]:
    """(hard, soft, preferred) width in Latin characters of one cell's text. ``role``: "head"
    (a header or a bold label: on at most two lines), "label" (a 一级/二级 label: on one line,
    a long one on two, where the room allows) or "body"."""
    text = text.strip()
    whole = _chars(text) + (1 if text.endswith("%") else 0)  # a % is as wide as two digits
    if not text:
        return 0.0, 0.0, 0.0
    if _is_number(text):
        return whole, whole, whole
    long_text = "\n" in text or whole > LABEL_CHARS * (2 if role != "body" else 1) or bool(_SENTENCE.search(text))
    if long_text and role == "body":
        atoms = [_chars(m.group()) for m in _QUANTITY.finditer(text)]
        hard = max([MIN_CHARS, *atoms])
        return hard, max(hard, min(whole, READ_CHARS)), max(hard, min(whole, MAX_CHARS))
    hard = max([*(_chars(w) for w in _words(text)), *(_chars(m.group()) for m in _QUANTITY.finditer(text))], default=whole)
    if role == "head":
        soft = whole if whole <= 10 else _two_lines(text)
        return hard, soft, soft
    if role == "label":
        return hard, whole if whole <= LABEL_CHARS else _two_lines(text), whole
    return hard, whole, whole


def fit_widths(cells: list[list[tuple[str, str]]], total: int, whole: list[bool] | None = None) -> list[int]:
    """The columns' widths in twips summing to ``total``: ``cells[c]`` is column c's texts with
    their role (see cell_need); ``whole``: columns whose every text stays whole on one line
    where the room allows (the form's 一级/二级 labels)."""
    n = len(cells)
    hard, soft, pref = [MIN_CHARS] * n, [MIN_CHARS] * n, [MIN_CHARS] * n
    for c, column in enumerate(cells):
        for text, role in column:
            h, s, p = cell_need(text, role)
            hard[c], soft[c], pref[c] = max(hard[c], h), max(soft[c], s), max(pref[c], p)
        heads = [t for t, role in column if role == "head"]
        if any("原因" in t for t in heads) and any(role != "head" and t.strip() for t, role in column):
            hard[c] = max(hard[c], min(pref[c], REASON_MIN_CHARS))  # a reason is read, not glanced at
            soft[c] = max(soft[c], min(pref[c], REASON_CHARS))
            pref[c] = max(pref[c], soft[c])
        if whole is not None and c < len(whole) and whole[c]:
            hard[c] = soft[c] = pref[c] = max(pref[c], *(min(_chars(t), FORM_LABEL_CHARS) for t, _ in column if t))
        soft[c], pref[c] = max(soft[c], hard[c]), max(pref[c], soft[c], hard[c])
    tw = lambda xs: [x * CHAR_TWIPS + CELL_PAD for x in xs]  # noqa: E731
    H, S, P = tw(hard), tw(soft), tw(pref)
    if sum(P) <= total:
        out = [int(total * p / sum(P)) for p in P]
    else:
        low, high = (S, P) if sum(S) <= total else (H, S) if sum(H) <= total else (None, None)
        if low is None:
            out = [int(total * h / sum(H)) for h in H]
        else:
            room, gap = total - sum(low), sum(b - a for a, b in zip(low, high))
            out = [int(a + (b - a) * room / gap) if gap else int(a) for a, b in zip(low, high)]
    out[-1] += total - sum(out)
    return out


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

# what the parser would reject or rewrite (\r becomes \n, then &#13; nowhere): such a form is parsed
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")


def _anchor_of(style):
    """The paragraph ``style`` (a w:pStyle) is the style of (the first w:pStyle of its first w:pPr), or None."""
    ppr = style.getparent()
    p = ppr.getparent() if ppr is not None else None
    if p is None or p.tag != W + "p" or ppr.tag != W + "pPr" or _child(p, W + "pPr") is not ppr or _child(ppr, W + "pStyle") is not style:
        return None
    return p


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
    if not _landscape_end(start.getprevious()):  # right after another form (附件3-1, 3-2 …): no portrait page between
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


def _landscape_end(p) -> bool:
    """``p`` ends a landscape section (the signature line of a form placed before)."""
    if p is None or p.tag != W + "p":
        return False
    ppr = _child(p, W + "pPr")
    sect = _child(ppr, W + "sectPr") if ppr is not None else None
    size = _child(sect, W + "pgSz") if sect is not None else None
    return size is not None and size.get(W + "orient") == "landscape"


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


def _form_cell_xml(width: int, span: int, vmerge: str, text: str, bold: bool, align: str, keep: bool, edge: str = "") -> str:
    """``edge``: a side (top, bottom) drawn without its border."""
    from xml.sax.saxutils import escape

    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else ("<w:vMerge/>" if vmerge else "")
    props += f'<w:tcBorders><w:{edge} w:val="nil"/></w:tcBorders>' if edge else ""
    props += '<w:vAlign w:val="center"/>'
    style = "TableHead" if bold else ("TableTextLeft" if align == "left" else "TableText")
    b = "<w:b/><w:bCs/>" if bold else ""
    paras = []
    for line in (text.split("\n") if text else [""]):
        line = escape(line).replace("\v", '</w:t><w:br/><w:t xml:space="preserve">')  # \v: a line break inside the paragraph
        run = f'<w:r><w:rPr>{_FORM_FONT}{b}</w:rPr><w:t xml:space="preserve">{line}</w:t></w:r>' if line else ""
        keep_next = "<w:keepNext/>" if keep else ""  # the row stays with the next one (see _kept_rows)
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}<w:rPr>{_FORM_FONT}</w:rPr></w:pPr>{run}</w:p>')
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paras)}</w:tc>"


# between the form's project block and its indicator table (see form_table_xml): a paragraph
# 0.1 pt high that keeps with the table below. The block has no bottom border, so the table's
# top border is the one rule there (two borders printed a heavier line, 1 pt apart a double
# one). LibreOffice does not keep a table's last row with the paragraph after it, so what keeps
# the two on one page is a short chain after the joint: the header row and the first row (the
# first 二级 group is not kept together, see _kept_rows).
_FORM_JOINT = (
    '<w:p><w:pPr><w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="2" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
)
FORM_LABEL_CHARS = 26.0  # a 一级/二级 label up to this many Latin characters wide stays on one line
GROUP_ROWS = 12  # a label group of at most this many rows fits on a landscape page: kept together




def _form_labels(form: Form) -> list[bool]:
    """The form's 一级/二级 label columns: their labels stay whole on one line."""
    cols = {c.col for c in form.cells if c.row == form.header_row and c.text in ("一级指标", "二级指标")}
    return [k in cols for k in range(form.ncols)]


def _form_cells(form: Form) -> list[list[tuple[str, str]]]:
    """Each column's single-column texts with their role for fit_widths: the header row and the
    bold labels above it are headers, the rest is body."""
    out: list[list[tuple[str, str]]] = [[] for _ in range(form.ncols)]
    for c in form.cells:
        if c.colspan == 1 and c.text and c.col < form.ncols:
            head = c.row == form.header_row or (c.bold and c.row < form.header_row)
            out[c.col].append((c.text, "head" if head else "body"))
    return out


def _kept_rows(form: Form) -> set[int]:
    """Rows whose paragraphs keep with the next row: inside a 二级 label group that fits on a
    page (all but its last row; not the first group, which follows the joint: see _FORM_JOINT),
    inside a label merged down the project block, the row above the total and every row from
    the total down."""
    keep: set[int] = set()
    # 二级 groups only: LibreOffice 7.4 drops the rest of a table whose repeated header row is
    # followed by a kept 一级 group that has to move to the next page (a 一级 label is printed
    # whole where its group breaks: its column fits it on one line)
    level2 = {c.col for c in form.cells if c.row == form.header_row and c.text == "二级指标"}
    for c in form.cells:
        first = form.header_row + (1 if form.header_row > 0 else 0)  # (a form of one table has no joint)
        if c.rowspan > 1 and c.row > first and c.rowspan <= GROUP_ROWS and c.col in level2:
            keep.update(range(c.row, c.row + c.rowspan - 1))
    if 0 < form.header_row < form.nrows:  # a label merged down the project block keeps its rows together
        for c in form.cells:
            if c.rowspan > 1 and c.row + c.rowspan <= form.header_row:
                keep.update(range(c.row, c.row + c.rowspan - 1))
    total = next((c.row for c in form.cells if c.col == 0 and c.colspan > 1 and c.row > form.header_row and c.text in ("总分", "合计")), None)
    start = form.nrows - 1 if total is None else max(total - 1, 0)
    # a short 一级 group the row above the total ends (效益指标 over several 二级 groups) goes with it
    # whole, so its label is not cut (see form_table_xml); never the first group under the header
    level1 = {c.col for c in form.cells if c.row == form.header_row and c.text == "一级指标"}
    for c in form.cells:
        if c.col in level1 and c.row > form.header_row + 1 and c.row < start < c.row + c.rowspan and c.rowspan <= GROUP_ROWS:
            start = c.row
    keep.update(range(start, form.nrows))
    return keep


def _kept_tail(keep: set[int], nrows: int) -> int:
    """The first row of the block kept with the last row (the total and the rows it keeps)."""
    tail = nrows - 1
    while tail - 1 in keep:
        tail -= 1
    return tail


def _signature_row(form: Form, width: int) -> str:
    from xml.sax.saxutils import escape

    return (
        '<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr>'
        f'<w:tcW w:w="{width}" w:type="dxa"/><w:gridSpan w:val="{form.ncols}"/>'
        '<w:tcBorders><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/></w:tcBorders>'
        '<w:tcMar><w:top w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/></w:tcMar></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="FormSign"/><w:rPr>{_FORM_FONT}</w:rPr></w:pPr><w:r><w:rPr>{_FORM_FONT}</w:rPr><w:t xml:space="preserve">{escape(form.signature.strip())}</w:t></w:r></w:p>'
        '</w:tc></w:tr>'
    )


def _hairline(p) -> None:
    """Empty ``p`` down to a 1 pt line: it stays only to carry its section break."""
    from lxml import etree

    for child in list(p):
        if child.tag != W + "pPr":
            p.remove(child)
    ppr = _child(p, W + "pPr")
    if ppr is None:
        ppr = etree.SubElement(p, W + "pPr")
    for tag in ("pStyle", "keepNext", "snapToGrid", "spacing", "rPr"):
        old = _child(ppr, W + tag)
        if old is not None:
            ppr.remove(old)
    spacing = etree.Element(W + "spacing")
    for k, v in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(W + k, v)
    snap = etree.Element(W + "snapToGrid")  # not on the document grid's line pitch
    snap.set(W + "val", "0")
    ppr.insert(0, spacing)  # (pStyle, keepNext … come before these in the schema: all removed)
    ppr.insert(0, snap)
    mark = etree.Element(W + "rPr")  # the paragraph mark at 1 pt
    for tag in ("sz", "szCs"):
        etree.SubElement(mark, W + tag).set(W + "val", "2")
    sect = _child(ppr, W + "sectPr")
    if sect is not None:
        sect.addprevious(mark)
    else:
        ppr.append(mark)


def _parse_form(xml: str):
    """The form's elements (its table, or its two tables and the paragraph joining them)."""
    from docx.oxml import parse_xml

    return list(parse_xml(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
