"""The annotated copy of a reviewed report (xlperf.review.annotate).

Every copy is reopened with python-docx and read again as XML: each finding is one comment whose
text is ``[code] message（表格：cell）`` and whose range (commentRangeStart … commentRangeEnd, then
its reference mark) lies in the finding's paragraph around all of that paragraph's content; the
report is unchanged byte for byte; comments already there are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xlperf.core.errors import InputError, OutputError, XCode
from xlperf.review.annotate import DEFAULT_AUTHOR, annotate_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARKS = (W + "commentRangeStart", W + "commentRangeEnd")


@dataclass
class Para:
    index: int
    number: int
    start: str


@dataclass
class Finding:
    code: str
    message: str
    paragraph: Para | None = None
    cell: str | None = None


def para(doc_or_path, index: int) -> Para:
    doc = docx.Document(str(doc_or_path)) if isinstance(doc_or_path, Path) else doc_or_path
    return Para(index=index, number=index + 1, start=doc.paragraphs[index].text[:12])


def expected_text(f: Finding) -> str:
    """The comment a finding gives, written out here again rather than taken from the module."""
    text = f"[{f.code}] {f.message}"
    if f.paragraph is not None:
        return text + (f"（表格：{f.cell}）" if f.cell else "")
    if f.cell:
        return text + f"（表格：{f.cell}；此条针对自评表的这个单元格，不对应报告中的某一段）"
    return text + "（此条针对整篇报告，不对应某一段）"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def document_xml(p: Path):
    with zipfile.ZipFile(p) as z:
        return etree.fromstring(z.read("word/document.xml"))


def body_paragraphs(root) -> list:
    """The body's own paragraphs, in the order python-docx lists them (Document.paragraphs)."""
    return root.find(W + "body").findall(W + "p")


def comment_placement(p: Path) -> dict[int, tuple[int, int]]:
    """Comment id → (index of the body paragraph holding its range and reference, the reference's
    position among that paragraph's children); asserts each range is whole inside one paragraph
    and spans every piece of its content (runs with text, hyperlinks, fields, insertions)."""
    placed: dict[int, tuple[int, int]] = {}
    for i, p_el in enumerate(body_paragraphs(document_xml(p))):
        kids = [k for k in p_el if k.tag != W + "pPr"]
        starts = {int(k.get(W + "id")): n for n, k in enumerate(kids) if k.tag == W + "commentRangeStart"}
        ends = {int(k.get(W + "id")): n for n, k in enumerate(kids) if k.tag == W + "commentRangeEnd"}
        refs = {
            int(r.get(W + "id")): n for n, k in enumerate(kids) for r in k.iter(W + "commentReference")
        }
        content = [  # everything but the marks, the reference runs and empty runs
            n for n, k in enumerate(kids)
            if k.tag not in MARKS and not any(True for _ in k.iter(W + "commentReference"))
            and not (k.tag == W + "r" and all(c.tag == W + "rPr" for c in k))
        ]
        for cid in set(starts) | set(ends) | set(refs):
            assert cid in starts and cid in ends and cid in refs, f"comment {cid}: range split across paragraphs"
            assert starts[cid] < ends[cid] < refs[cid]
            assert all(starts[cid] < n < ends[cid] for n in content), f"comment {cid} leaves content of paragraph {i} out"
            assert cid not in placed
            placed[cid] = (i, refs[cid])
    return placed


def check_copy(src: Path, out: Path, findings: list[Finding], before: dict[int, str] | None = None) -> None:
    """The invariants of every annotated copy."""
    before = before or {}
    doc = docx.Document(str(out))
    comments = {c.comment_id: c for c in doc.comments}
    for cid, text in before.items():  # comments the report had are kept, with their ids
        assert comments[cid].text == text
    new = sorted(cid for cid in comments if cid not in before)
    assert len(new) == len(findings)
    placement = comment_placement(out)
    src_doc = docx.Document(str(src))
    title = next(i for i, p in enumerate(src_doc.paragraphs) if p.text.strip())
    assert len(doc.paragraphs) == len(src_doc.paragraphs)
    assert [p.text for p in doc.paragraphs] == [p.text for p in src_doc.paragraphs]
    last_ref: dict[int, int] = {}
    for cid, f in zip(new, findings):  # comments are added in the findings' order
        c = comments[cid]
        assert c.text == expected_text(f)
        assert c.author == DEFAULT_AUTHOR
        stamp = c._comment_elm.get(qn("w:date"))  # local wall-clock time, no zone: what Word shows
        assert stamp and not stamp.endswith("Z") and abs(dt.datetime.fromisoformat(stamp) - dt.datetime.now()) < dt.timedelta(minutes=10)
        where, ref = placement[cid]
        assert where == (f.paragraph.index if f.paragraph is not None else title)
        assert ref > last_ref.get(where, -1), "comments on one paragraph keep the findings' order"
        last_ref[where] = ref


# --- reports to annotate ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_reports(example_books, tmp_path_factory) -> dict[str, Path]:
    """Reports written by ``xlperf report … --format docx`` from the shipped examples (one style each)."""
    from xlperf.cli import cli

    d = tmp_path_factory.mktemp("reports")
    out = {}
    for (key, book), style in zip(sorted(example_books.items()), ("通用", "山西", "四川")):
        target = d / f"{key}-{style}.docx"
        res = CliRunner().invoke(cli, ["report", str(book), "--format", "docx", "--style", style, "-o", str(target)])
        assert res.exit_code in (0, 1) and target.is_file(), res.output  # 1: the example's own findings, listed
        out[f"{key}-{style}"] = target
    return out


def built_report(path: Path) -> Path:
    """A report as a unit writes it: a title, headings, a table, a header and footer, a text box,
    an empty paragraph, a paragraph whose text is all in a hyperlink, and one reviewer comment."""
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "某县医疗保险中心（页眉）"
    doc.sections[0].footer.paragraphs[0].text = "第 1 页"
    doc.add_paragraph("2024年度某某项目支出绩效自评报告", style="Title")  # 0
    doc.add_heading("一、项目基本情况", level=1)  # 1
    p = doc.add_paragraph("项目预算40万元，实际执行37.24万元，执行率为")  # 2
    p.add_run("107.4%").bold = True
    p.add_run("。")
    doc.add_paragraph("")  # 3: empty, no run
    t = doc.add_table(rows=2, cols=3)
    for r, row in enumerate([("指标", "分值", "得分"), ("产出", "50", "48")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    doc.add_paragraph("自评总分为92分，等级为优。")  # 4
    link = doc.add_paragraph()  # 5: only a hyperlink (python-docx lists no run of it)
    link._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} w:anchor="x"><w:r><w:t>详见附件一</w:t></w:r></w:hyperlink>'))
    box = doc.add_paragraph("见右侧说明。")  # 6: holds a text box
    box._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1800000" cy="500000"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/><wp:docPr id="10" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        '<wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框：满意度95%</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:t>文本框：满意度95%</w:t></mc:Fallback></mc:AlternateContent></w:r>'
    ))
    doc.add_paragraph("存在问题：无。")  # 7
    doc.add_comment(doc.paragraphs[4].runs, text="原有批注：请核对总分", author="财政局", initials="财")
    doc.save(str(path))
    return path


@pytest.fixture
def built(tmp_path) -> Path:
    return built_report(tmp_path / "单位报告.docx")


# --- comments on the right paragraphs --------------------------------------------------------------


def test_each_finding_is_a_comment_on_its_paragraph_of_a_real_report(real_reports, tmp_path):
    for name, src in real_reports.items():
        doc = docx.Document(str(src))
        texts = [p.text for p in doc.paragraphs]
        written = [i for i, t in enumerate(texts) if t.strip()]
        empty = [i for i, t in enumerate(texts) if not t.strip()]
        assert written and empty, name  # the real reports have both (the blank line after a table)
        findings = [
            Finding("R01", "报告所述总分与自评表不一致", para(doc, written[-1]), "H20"),
            Finding("R02", "执行率应为执行数÷预算数", para(doc, written[len(written) // 2])),
            Finding("R03", "同一段的第二条问题", para(doc, written[len(written) // 2]), "C7"),
            Finding("R04", "缺少“存在问题”一节"),
            Finding("R05", "表格合计与各行之和不符", None, "G9"),
            Finding("R06", "空段上的问题", para(doc, empty[0])),
        ]
        before = sha(src)
        out = annotate_report(src, findings, tmp_path / f"{name}-批注版.docx")
        assert out == tmp_path / f"{name}-批注版.docx"
        assert sha(src) == before
        check_copy(src, out, findings)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_set_of_findings_lands_where_it_says(real_reports, tmp_path, data):
    src = real_reports[data.draw(st.sampled_from(sorted(real_reports)))]
    doc = docx.Document(str(src))
    n = len(doc.paragraphs)
    codes = st.text("ERW0123456789", min_size=1, max_size=4)
    messages = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
    findings = data.draw(st.lists(st.builds(
        Finding,
        codes,
        messages,
        st.one_of(st.none(), st.integers(0, n - 1).map(lambda i: para(doc, i))),
        st.one_of(st.none(), st.from_regex(r"[A-L][1-9][0-9]?", fullmatch=True)),
    ), max_size=8))
    out = tmp_path / f"copy-{random.getrandbits(32)}.docx"
    before = sha(src)
    annotate_report(src, findings, out)
    assert sha(src) == before
    check_copy(src, out, findings)


def test_a_built_report_with_table_header_text_box_and_a_comment(built, tmp_path):
    src_doc = docx.Document(str(built))
    old = {c.comment_id: c.text for c in src_doc.comments}
    assert list(old.values()) == ["原有批注：请核对总分"]
    findings = [
        Finding("E1", "执行率应为执行÷预算，约93.1%", para(src_doc, 2), "H5"),
        Finding("E2", "报告总分92与自评表84.31不符", para(src_doc, 4), "H20"),  # beside the existing comment
        Finding("E3", "空段", para(src_doc, 3)),
        Finding("E4", "超链接段", para(src_doc, 5)),
        Finding("E5", "文本框段", para(src_doc, 6)),
        Finding("E6", "存在问题写“无”，但有扣分", para(src_doc, 7), "I12"),
        Finding("E7", "缺少“绩效目标”一节"),
    ]
    before = sha(built)
    out = annotate_report(built, findings, tmp_path / "批注版.docx")
    assert sha(built) == before
    check_copy(built, out, findings, before=old)
    copy_doc = docx.Document(str(out))
    assert copy_doc.sections[0].header.paragraphs[0].text == "某县医疗保险中心（页眉）"
    assert copy_doc.sections[0].footer.paragraphs[0].text == "第 1 页"
    assert [[c.text for c in r.cells] for r in copy_doc.tables[0].rows] == [["指标", "分值", "得分"], ["产出", "50", "48"]]
    root = document_xml(out)
    assert "文本框：满意度95%" in "".join(root.find(W + "body").itertext())
    # the existing comment keeps its range on paragraph 4, now beside the new one
    placement = comment_placement(out)
    assert placement[next(iter(old))][0] == 4
    # the hyperlink is inside E4's range
    p5 = body_paragraphs(root)[5]
    kids = list(p5)
    start = next(i for i, k in enumerate(kids) if k.tag == W + "commentRangeStart")
    end = next(i for i, k in enumerate(kids) if k.tag == W + "commentRangeEnd")
    link = next(i for i, k in enumerate(kids) if k.tag == W + "hyperlink")
    assert start < link < end


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def word_made(built: Path, path: Path) -> Path:
    """The built report as Word 2013+ saves a commented one: the comment's paragraph carries a
    w14:paraId, and commentsExtended.xml (reply threads, 已解决) refers to it."""
    with zipfile.ZipFile(built) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    comments = etree.fromstring(parts["word/comments.xml"])
    for p in comments.iter(W + "p"):
        p.set(f"{{{W14}}}paraId", "1A2B3C4D")
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/commentsExtended.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:commentsEx xmlns:w15="{W15}">'
        '<w15:commentEx w15:paraId="1A2B3C4D" w15:done="1"/></w15:commentsEx>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/commentsExtended.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>',
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX15" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended" '
        b'Target="commentsExtended.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_word_made_report_keeps_its_comment_threads(built, tmp_path):
    src = word_made(built, tmp_path / "Word保存.docx")
    doc = docx.Document(str(src))
    out = annotate_report(src, [Finding("E2", "报告总分与自评表不符", para(doc, 4), "H20")], tmp_path / "out.docx")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert b.read("word/commentsExtended.xml") == a.read("word/commentsExtended.xml")
        kept = etree.fromstring(b.read("word/comments.xml"))
    old = next(c for c in kept.iter(W + "comment") if c.get(W + "author") == "财政局")
    assert old.find(W + "p").get(f"{{{W14}}}paraId") == "1A2B3C4D"
    check_copy(src, out, [Finding("E2", "报告总分与自评表不符", para(doc, 4), "H20")], before={0: "原有批注：请核对总分"})


def test_comment_ids_pass_marks_left_without_their_comment(built, tmp_path):
    # A report edited by hand may keep a comment's marks after the comment itself is gone.
    src = tmp_path / "孤立批注标记.docx"
    doc = docx.Document(str(built))
    p = doc.paragraphs[7]._p
    p.insert(1, parse_xml(f'<w:commentRangeStart {nsdecls("w")} w:id="41"/>'))
    p.append(parse_xml(f'<w:commentRangeEnd {nsdecls("w")} w:id="41"/>'))
    doc.save(str(src))
    out = annotate_report(src, [Finding("E1", "问题", para(doc, 2)), Finding("E2", "问题二")], tmp_path / "out.docx")
    ids = [c.comment_id for c in docx.Document(str(out)).comments]
    assert len(ids) == len(set(ids)) == 3 and min(ids[1:]) > 41
    assert 41 not in ids


def test_comment_text_drops_what_xml_cannot_hold_and_keeps_lines(built, tmp_path):
    doc = docx.Document(str(built))
    f = Finding("E9", "第一行\x07\r\n第二行", para(doc, 2), "B3")
    out = annotate_report(built, [f], tmp_path / "out.docx")
    new = [c for c in docx.Document(str(out)).comments if c.author == DEFAULT_AUTHOR]
    assert [c.text for c in new] == ["[E9] 第一行\n第二行（表格：B3）"]


def test_comments_use_the_report_own_comment_style_or_a_small_one(built, tmp_path):
    doc = docx.Document(str(built))
    out = annotate_report(built, [Finding("E1", "问题", para(doc, 2))], tmp_path / "a.docx")
    styles = docx.Document(str(out)).styles
    text_style = next(s for s in styles if s.name == "annotation text")
    assert text_style.font.size is not None and text_style.font.size.pt <= 11
    # a report written by Chinese Word names the built-in style by its own id: that one is used
    renamed = tmp_path / "中文Word.docx"
    d = docx.Document(str(built))
    assert not [s for s in d.styles if s.name == "annotation text"]
    d.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="a7"><w:name w:val="annotation text"/>'
        '<w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="18"/></w:rPr></w:style>'
    ))
    for ps in d.comments._comments_elm.iter(qn("w:pStyle")):
        ps.set(qn("w:val"), "a7")
    d.save(str(renamed))
    out2 = annotate_report(renamed, [Finding("E1", "问题", para(d, 2))], tmp_path / "b.docx")
    d2 = docx.Document(str(out2))
    assert [s.style_id for s in d2.styles if s.name == "annotation text"] == ["a7"]
    new = next(c for c in d2.comments if c.author == DEFAULT_AUTHOR)
    assert {p.style.style_id for p in new.paragraphs} == {"a7"}


def test_no_findings_gives_a_plain_copy(built, tmp_path):
    out = annotate_report(built, [], tmp_path / "out.docx")
    assert [c.text for c in docx.Document(str(out)).comments] == ["原有批注：请核对总分"]


def test_a_folder_or_a_bare_name_for_out(built, tmp_path):
    folder = tmp_path / "批注"
    folder.mkdir()
    assert annotate_report(built, [], folder) == folder / "单位报告-批注版.docx"
    assert annotate_report(built, [], tmp_path / "退回") == tmp_path / "退回.docx"
    assert (tmp_path / "退回.docx").is_file()


def test_a_report_without_a_written_paragraph_still_takes_its_general_findings(tmp_path):
    only_table = tmp_path / "只有表格.docx"
    doc = docx.Document()
    assert doc.paragraphs == []  # python-docx's own blank document: a body without paragraphs
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "总分"
    doc.save(str(only_table))
    out = annotate_report(only_table, [Finding("E1", "整篇报告的问题")], tmp_path / "a.docx")
    copy_doc = docx.Document(str(out))
    assert [c.text for c in copy_doc.comments] == [expected_text(Finding("E1", "整篇报告的问题"))]
    assert comment_placement(out) == {0: (0, 3)}  # a new first paragraph: start, an empty run, end, reference
    assert copy_doc.tables[0].cell(0, 0).text == "总分"

    blank = tmp_path / "空白.docx"
    doc = docx.Document()
    doc.add_paragraph("")
    doc.add_paragraph("   ")
    doc.save(str(blank))
    out = annotate_report(blank, [Finding("E1", "问题", None, "B2")], tmp_path / "b.docx")
    assert [where for where, _ in comment_placement(out).values()] == [0]


# --- what is refused -------------------------------------------------------------------------------


def test_a_finding_of_another_document_is_refused_not_misplaced(built, tmp_path):
    out = tmp_path / "out.docx"
    with pytest.raises(ValueError):
        annotate_report(built, [Finding("E1", "问题", Para(2, 3, "这一段不在报告里"))], out)
    with pytest.raises(ValueError):
        annotate_report(built, [Finding("E1", "问题", Para(99, 100, ""))], out)
    assert not out.exists()
    # an index off by some paragraphs, whose first words name one paragraph, finds it
    doc = docx.Document(str(built))
    f = Finding("E1", "问题", Para(0, 1, doc.paragraphs[7].text[:5]))
    annotate_report(built, [f], out)
    assert comment_placement(out)[max(c.comment_id for c in docx.Document(str(out)).comments)][0] == 7


def test_the_report_itself_is_never_the_output(built, tmp_path):
    before = sha(built)
    for out in (built, tmp_path / "." / built.name):
        with pytest.raises(OutputError) as e:
            annotate_report(built, [Finding("E1", "问题")], out)
        assert e.value.code == XCode.OUT_IS_SOURCE and "报告" in e.value.message
    link = tmp_path / "链接.docx"
    link.symlink_to(built)
    with pytest.raises(OutputError) as e:
        annotate_report(built, [Finding("E1", "问题")], link)
    assert e.value.code == XCode.OUT_IS_SOURCE
    assert sha(built) == before


@pytest.mark.parametrize("lock", ["~$批注版.docx", ".~lock.批注版.docx#", ".~批注版.docx"])
def test_an_output_open_in_word_or_wps_is_refused(built, tmp_path, lock):
    out = tmp_path / "批注版.docx"
    out.write_bytes(b"the reviewer's earlier copy")
    (tmp_path / lock).write_bytes(b"owner")
    with pytest.raises(OutputError) as e:
        annotate_report(built, [Finding("E1", "问题")], out)
    assert e.value.code == XCode.OUT_DENIED and lock in e.value.message
    assert out.read_bytes() == b"the reviewer's earlier copy"
    out.unlink()  # a lock beside no file (being saved, or left behind) is named too, nothing written
    with pytest.raises(OutputError) as e:
        annotate_report(built, [Finding("E1", "问题")], out)
    assert e.value.code == XCode.OUT_DENIED and lock in e.value.message and "删除" in e.value.message
    assert not out.exists()


def test_a_failure_while_writing_leaves_no_half_written_copy(built, tmp_path, monkeypatch):
    out = tmp_path / "批注版.docx"
    out.write_bytes(b"earlier copy")

    def broken_save(self, path):
        Path(path).write_bytes(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("docx.document.Document.save", broken_save)
    with pytest.raises(OutputError) as e:
        annotate_report(built, [Finding("E1", "问题")], out)
    assert e.value.code == XCode.OUT_WRITE and "磁盘空间不足" in e.value.message
    assert out.read_bytes() == b"earlier copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["单位报告.docx", "批注版.docx"])


def test_wrong_extension_for_the_copy(built, tmp_path):
    with pytest.raises(InputError) as e:
        annotate_report(built, [], tmp_path / "批注版.pdf")
    assert e.value.code == XCode.BAD_OUT_NAME
    assert not (tmp_path / "批注版.pdf").exists()


def test_missing_output_folder(built, tmp_path):
    with pytest.raises(OutputError) as e:
        annotate_report(built, [], tmp_path / "没有" / "批注版.docx")
    assert e.value.code == XCode.OUT_FOLDER


def _xlsx(p: Path) -> None:
    import openpyxl

    openpyxl.Workbook().save(p)


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda p: p.write_bytes(b""), XCode.INPUT_EMPTY),
        (lambda p: p.write_text("总分 90 分", encoding="utf-8"), XCode.REPORT_UNREADABLE),
        (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), XCode.REPORT_UNREADABLE),  # a .doc
        (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")), XCode.INPUT_ENCRYPTED),
        (lambda p: p.write_bytes(b"PK\x03\x04 broken"), XCode.INPUT_CORRUPT),
        (_xlsx, XCode.REPORT_UNREADABLE),
        (lambda p: p.mkdir(), XCode.INPUT_EMPTY),
    ],
    ids=["empty", "text", "doc", "encrypted", "broken-zip", "xlsx", "folder"],
)
def test_a_report_that_is_no_docx_is_named_in_chinese(tmp_path, make, code):
    src = tmp_path / "报告.docx"
    make(src)
    with pytest.raises(InputError) as e:
        annotate_report(src, [Finding("E1", "问题")], tmp_path / "out.docx")
    assert e.value.code == code
    assert "报告.docx" in str(e.value) and any("\u4e00" <= ch <= "\u9fff" for ch in e.value.message)
    assert not (tmp_path / "out.docx").exists()


def test_a_missing_report(tmp_path):
    with pytest.raises(InputError) as e:
        annotate_report(tmp_path / "无.docx", [], tmp_path / "out.docx")
    assert e.value.code == XCode.INPUT_MISSING


def test_a_zip_bomb_is_refused_before_python_docx_loads_it(built, tmp_path):
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(built) as z, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, z.read(info.filename))
        out.writestr("word/media/pad.bin", b"\0" * (110 * 1024 * 1024))
    with pytest.raises(InputError) as e:
        annotate_report(bomb, [], tmp_path / "out.docx")
    assert e.value.code == XCode.INPUT_TOO_LARGE


# --- LibreOffice opens the copy --------------------------------------------------------------------


def _soffice():
    from xlperf.report.pdf import find_soffice

    return find_soffice()


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_annotated_copies(real_reports, built, tmp_path):
    from xlperf.report.pdf import render_pdf

    copies = []
    for name, src in [*real_reports.items(), ("built", built), ("word", word_made(built, tmp_path / "Word保存.docx"))]:
        doc = docx.Document(str(src))
        findings = [Finding("R01", "报告所述总分与自评表不一致", para(doc, i), "H20") for i in range(0, len(doc.paragraphs), 5)]
        findings.append(Finding("R04", "缺少“存在问题”一节"))
        copies.append(annotate_report(src, findings, tmp_path / f"{name}-批注版.docx"))
    pdfs = render_pdf(copies, tmp_path / "pdf")
    assert [p.stem for p in pdfs] == [c.stem for c in copies]
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def _pdf_notes(pdf: Path) -> list[str]:
    """The text of every note (comment) annotation LibreOffice wrote into ``pdf``."""
    import re

    out = []
    for m in re.finditer(rb"/Subtype\s*/Text\b.*?/Contents\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", pdf.read_bytes(), re.S):
        raw = m.group(1)
        if raw.startswith(b"<"):
            data = bytes.fromhex(raw[1:-1].decode())
            out.append(data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1"))
        else:
            out.append(raw[1:-1].decode("latin-1"))
    return out


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_every_comment_of_the_copy(real_reports, built, tmp_path):
    import subprocess

    old = {c.text for c in docx.Document(str(built)).comments}
    copies = []
    for name, src in [("built", built), *list(real_reports.items())[:1]]:
        doc = docx.Document(str(src))
        findings = [Finding(f"R{i:02d}", f"第{i}段的问题", para(doc, i), "H20" if i % 2 else None) for i in range(0, len(doc.paragraphs), 3)]
        findings += [Finding("R90", "缺少“存在问题”一节"), Finding("R91", "表格合计不符", None, "G9")]
        copies.append((annotate_report(src, findings, tmp_path / f"{name}-批注版.docx"), findings))
    notes = '{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", f"pdf:writer_pdf_Export:{notes}", "--outdir", str(tmp_path / "pdf"), *[str(c) for c, _ in copies]],
        check=True, capture_output=True, timeout=240,
    )
    for (copy_path, findings), extra in zip(copies, (old, set())):
        pdf = tmp_path / "pdf" / f"{copy_path.stem}.pdf"
        assert sorted(_pdf_notes(pdf)) == sorted([expected_text(f) for f in findings] + list(extra))
