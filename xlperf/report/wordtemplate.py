"""docxtpl's DocxTemplate made cheap to render many times: :class:`CachedDocxTemplate`.

Its own module so that docxtpl (and python-docx, lxml, jinja2 behind it) loads only when a Word
report is made: :mod:`xlperf.report.word` imports it on the first render, never at import.
Every cache it uses belongs to the :class:`~xlperf.report.word.WordRenderer` it is given (this module
does not import that one: the renderer imports it).
"""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class CachedDocxTemplate(DocxTemplate):
    """DocxTemplate whose XML parts are compiled once per process (docxtpl compiles on every render).

    ``renderer``: the WordRenderer whose caches and steps it uses. ``shell``: (text before ``<w:body``, text after ``</w:body>``) of the template's document.xml,
    or None: then the rendered body takes docxtpl's own parse-and-move path (see fix_tables).
    """

    def __init__(self, template_file: Any, *, renderer: Any, shell: tuple[str, str] | None = None) -> None:
        super().__init__(template_file)
        self.renderer = renderer
        self.shell = shell
        self.root = None  # the whole rendered document.xml, when parsed at once (fix_tables)

    def patch_xml(self, src_xml):
        # docxtpl runs ~20 regular expressions over the whole template XML on every render; the
        # result depends on that XML alone, the same for every report of a template, so it is kept
        return self.renderer.patched(src_xml, super().patch_xml)

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        return self.renderer.render_part(self.renderer.prepare(src_xml), context, self.resolve_listing)

    def resolve_listing(self, xml):
        # docxtpl turns \n, \t, \a and \f inside text into breaks, tabs and paragraphs by running
        # three nested regular expressions over every paragraph; only the few paragraphs holding
        # one of those characters can change, so only they are passed on.
        renderer = self.renderer
        if not renderer.has_listing_chars(xml):
            return xml
        parent = super().resolve_listing
        return renderer.PARAGRAPH.sub(lambda m: parent(m.group(0)) if renderer.LISTING_CHARS.search(m.group(0)) else m.group(0), xml)

    def fix_tables(self, xml):
        # docxtpl parses the rendered body with a plain parser and then moves it into the
        # document, which re-homes every node (~20 ms of a ~60 ms render here). Parsing the whole
        # document.xml at once with python-docx's own parser gives the same tree with no move;
        # map_tree then swaps the part's root. Any surprise (a template whose rendered XML only
        # the forgiving parser accepts, a python-docx without these attributes) takes docxtpl's
        # own path.
        part = self.docx.part
        if self.shell is None or not hasattr(part, "_element") or not hasattr(self.docx, "_element"):
            return super().fix_tables(xml)
        from docx.oxml.parser import oxml_parser
        from lxml import etree

        try:
            root = etree.fromstring(self.shell[0] + xml + self.shell[1], oxml_parser)
            body = root.find(W + "body")
        except (etree.XMLSyntaxError, ValueError):
            return super().fix_tables(xml)
        if body is None:
            return super().fix_tables(xml)
        self.renderer.fix_table_grids(body)
        self.root = root
        return body

    def fix_docpr_ids(self, tree):
        if self.root is None or tree.getparent() is not self.root:
            return super().fix_docpr_ids(tree)
        # as docxtpl does; python-docx's elements take no namespaces argument (they know wp:)
        for elt in tree.xpath("//wp:docPr"):
            self.docx_ids_index += 1
            elt.attrib["id"] = str(self.docx_ids_index)

    def map_tree(self, tree):
        if self.root is None or tree.getparent() is not self.root:
            return super().map_tree(tree)
        # python-docx offers no public way to give a part a new root element: these are the
        # attributes docxtpl's own map_tree replaces the children of
        self.docx.part._element = self.root
        self.docx._element = self.root
        if hasattr(self.docx, "_Document__body"):
            self.docx._Document__body = None

    def render_properties(self, context, jinja_env=None):
        # as docxtpl does, with each property's template compiled once per process
        props = self.docx.core_properties
        for prop in ("author", "comments", "identifier", "language", "subject", "title"):
            setattr(props, prop, self.renderer.compiled(getattr(props, prop) or "").render(context))
