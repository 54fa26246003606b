"""The Word fast path's shortcuts give what the element-by-element way gives: the official form
spliced in as text, core.xml filled in as text, the column measure."""

from __future__ import annotations

import pytest
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from lxml import etree

from xlperf.report import word, wordpack
from xlperf.report.official import Form, FormCell

W_NS = word.W_NS
W = word.W

ODD_TEXTS = ["A<B & C>D", "第一行\n第二行", "制表\t符", 'quote " \' ]]>', "😀𠀀\u00a0", "", "  空格  ", "&amp; already"]


def _form(texts: list[str]) -> Form:
    cells = [FormCell(row=0, col=0, text="项目名称", bold=True), FormCell(row=0, col=1, text="X", colspan=2)]
    cells.append(FormCell(row=1, col=0, text="跨两行", rowspan=2, align="left"))
    for i, text in enumerate(texts):
        cells.append(FormCell(row=1 + i // 2, col=1 + i % 2, text=text))
    nrows = 1 + (len(texts) + 1) // 2
    return Form(style="通用", title="t", year="y", ncols=3, nrows=max(nrows, 3), cells=cells, widths=[10, 20, 30])


def _document(anchor_count: int = 1) -> etree._Element:
    anchor = f'<w:p><w:pPr><w:pStyle w:val="{word.FORM_ANCHOR_STYLE}"/></w:pPr></w:p>'
    xml = (
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:pPr><w:pStyle w:val="Annex"/></w:pPr><w:r><w:t>附件</w:t></w:r></w:p>'
        + anchor * anchor_count
        + '<w:p><w:r><w:t>单位（盖章）</w:t></w:r></w:p><w:p/>'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"/></w:sectPr>'
        "</w:body></w:document>"
    )
    return etree.fromstring(xml, word.WordRenderer.shared().parser)


@pytest.mark.parametrize("anchors", [1, 2])
@pytest.mark.parametrize("texts", [ODD_TEXTS, ["甲", "乙", "丙"]])
def test_spliced_form_is_the_inserted_table_byte_for_byte(texts, anchors):
    form = _form(texts)
    inserted = _document(anchors)
    word.postprocess(_child(inserted, "body"), form=form)
    spliced = _document(anchors)
    forms = word.postprocess(_child(spliced, "body"), form=form, splice=True)
    assert len(forms) == anchors
    assert word.splice_forms(serialize_part_xml(spliced), forms) == serialize_part_xml(inserted)
    assert b"xlperf-form" not in serialize_part_xml(inserted)


def test_a_form_text_the_parser_rejects_is_not_spliced():
    form = _form(["bad\x01char"])
    doc = _document()
    with pytest.raises(etree.XMLSyntaxError):  # as form_table always did: the parser refuses it
        word.postprocess(_child(doc, "body"), form=form, splice=True)


def test_form_table_keeps_its_last_row_with_the_signature_line_and_a_label_group_together():
    cells = [FormCell(row=0, col=0, text="一级指标"), FormCell(row=0, col=1, text="二级指标"), FormCell(row=0, col=2, text="三级指标"),
             FormCell(row=1, col=0, text="产出指标", rowspan=4), FormCell(row=1, col=1, text="数量指标", rowspan=2),
             FormCell(row=3, col=1, text="质量指标"), FormCell(row=4, col=1, text="时效指标")]
    cells += [FormCell(row=r, col=2, text=f"指标{r}") for r in range(1, 6)]
    cells.append(FormCell(row=5, col=0, text="总分", colspan=2))
    form = Form(style="通用", title="t", year="y", ncols=3, nrows=6, cells=cells, widths=[10, 10, 20], header_row=0)
    tbl = word.form_table(form, 9000)
    rows = tbl.findall(W + "tr")
    kept = [all(p.find(W + "pPr/" + W + "keepNext") is not None for p in r.iter(W + "p")) for r in rows]
    # row 1 starts the two-row 二级 label 数量指标 (keeps with row 2); row 4 is above the total, row 5 the total
    assert kept == [False, True, False, False, True, True]
    assert [r.find(W + "trPr/" + W + "tblHeader") is not None for r in rows] == [True] + [False] * 5


def _child(root, name: str):
    return root.find(W + name)


CORE = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    b"<dc:title>{{ title }}</dc:title><dc:subject>S</dc:subject><dc:creator>xlperf</dc:creator></cp:coreProperties>"
)


def _python_docx_core(render) -> bytes:
    element = parse_xml(CORE)
    props = CoreProperties(element)
    for prop in wordpack.CORE_PROPERTIES:
        setattr(props, prop, render(getattr(props, prop) or ""))
    return serialize_part_xml(element)


@pytest.mark.parametrize("title", ["标题", "A<B & C>D \"q\" 'a'", "第一行\n第二行\t制表", "😀" * 10, "x" * 255, "", "xlperf-core-1"])
def test_core_properties_filled_as_text_equal_python_docx(title):
    skeleton = wordpack.Skeleton(order=[], static={}, body_member="", body_source="", shell=("", ""), core_blob=CORE)
    render = lambda text: title if text == "{{ title }}" else text  # noqa: E731
    assert wordpack.core_xml(skeleton, render) == _python_docx_core(render)
    assert wordpack.core_xml(skeleton, render) == _python_docx_core(render)  # the shape, once made


@pytest.mark.parametrize("title", ["x" * 256, "ctrl\x01", "cr\r"])
def test_core_property_python_docx_refuses_is_refused_the_same_way(title):
    skeleton = wordpack.Skeleton(order=[], static={}, body_member="", body_source="", shell=("", ""), core_blob=CORE)
    render = lambda text: title if text == "{{ title }}" else text  # noqa: E731
    try:
        expected = _python_docx_core(render)
    except ValueError:
        with pytest.raises(ValueError):
            wordpack.core_xml(skeleton, render)
    else:
        assert wordpack.core_xml(skeleton, render) == expected


def test_column_measure_counts_wide_characters_twice():
    def reference(text: str) -> float:
        longest = max(text.split("\n"), key=len, default="") if text else ""
        return sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in longest)

    for text in ["", "abc", "中文", "⺀⹿", "a\n中文中文\nbb", "😀𠀀ａ", "１２３\u3000"]:
        assert word._chars(text) == reference(text)


def test_one_renderer_per_process_and_each_renderer_keeps_its_own_caches():
    import threading

    seen = []
    threads = [threading.Thread(target=lambda: seen.append(word.WordRenderer.shared())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(r is word.WordRenderer.shared() for r in seen)
    fresh = word.WordRenderer()
    assert fresh is not word.WordRenderer.shared()
    data = fresh.template_bytes("通用")
    assert fresh.skeleton_for(data) is False and fresh.compiled_count() == 0
    first = fresh.compiled("<w:p>{{ x }}</w:p>")
    assert fresh.compiled("<w:p>{{ x }}</w:p>") is first and fresh.compiled_count() == 1


def test_importing_the_word_module_loads_no_docxtpl():
    import subprocess
    import sys

    code = "import sys, xlperf.report.word; print(','.join(m for m in ('docxtpl', 'docx', 'lxml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
