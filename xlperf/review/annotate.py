"""The annotated copy of a reviewed report: each finding a Word comment on the paragraph it concerns.

The reviewer sends the copy back to the unit, who reads it in Word or WPS. So:

- One comment per finding, never one combined comment per paragraph: Word and WPS show each as its
  own balloon, which the unit can answer (reply) or mark 已解决 one by one, and the reviewer can
  delete a finding they disagree with without editing the others' text. Comments on one paragraph
  follow the findings' order (each range ends after the previous one's reference mark, so the
  balloons and the review pane list them in that order).
- A comment spans the paragraph's whole content. Its ends are the paragraph's first and last
  direct runs; where the content starts or ends with something else (a hyperlink, a field, a
  tracked insertion) or the paragraph is empty, an empty run is put there as the end, so the
  range still covers the whole paragraph and the comment still has an anchor.
- A finding with no paragraph (it concerns the whole report, or only a cell of the table) is put on
  the first non-empty paragraph, the title, and its text says so.
- Comment text is ``[code] message（表格：cell）``, in a small plain comment style: without one, Word
  would show it in the report's 正文 style (三号仿宋, indented, at a fixed 28-point line).

The report itself is only read (its bytes once, through the zip guards); the copy is written
atomically beside its target, so a failure leaves neither a half-written copy nor a changed report.
Comments already in the report are kept.

Everything of the comment itself goes through python-docx (``Document.add_comment``); only the
empty anchor runs, the two comment styles a report may lack and a renumbering guard are XML.
"""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from xlperf.core.errors import InputError, OutputError, XCode

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

DEFAULT_AUTHOR = "xlperf 审核"
SUFFIX = ".docx"

# Python-docx names the comment styles by these ids; a report written by Word in Chinese has them
# under other ids (a5, a7 …) with the same built-in names, which are used instead when present.
_TEXT_STYLE = ("CommentText", "annotation text")
_REF_STYLE = ("CommentReference", "annotation reference")

# Characters XML 1.0 cannot hold (a message built from a cell may carry one); tab and newline stay.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_TEXT = re.compile(r"[\s\u3000…\.。,，:：;；、\"'“”‘’「」『』()（）\[\]【】]+")


class ParagraphRef(Protocol):
    index: int  # position in python-docx's ``Document(src).paragraphs``
    number: int
    start: str  # the paragraph's first words, as the finding names it


class AnnotatedFinding(Protocol):
    code: str
    message: str
    paragraph: ParagraphRef | None
    cell: str | None


# --- the comment text ------------------------------------------------------------------------------


def comment_text(finding: AnnotatedFinding) -> str:
    """``[code] message（表格：cell）``; a finding without a paragraph says what it concerns instead."""
    text = f"[{finding.code}] {finding.message}"
    cell = (finding.cell or "").strip()
    if finding.paragraph is not None:
        if cell:
            text += f"（表格：{cell}）"
    elif cell:
        text += f"（表格：{cell}；此条针对自评表的这个单元格，不对应报告中的某一段）"
    else:
        text += "（此条针对整篇报告，不对应某一段）"
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _initials(author: str) -> str:
    """What Word shows in a comment's marker: each word's first character (``xlperf 审核`` → ``X审``)."""
    return "".join(w[0] for w in author.split())[:4].upper()


# --- the report ------------------------------------------------------------------------------------

_NOT_DOCX = "不是 Word 文档（.docx），无法写批注。如是 .doc、.wps 或其他格式，请在 Word/WPS 中另存为 .docx 后重试"


def _read_report(src: Path) -> bytes:
    """The report's bytes, read once and checked as every Word package we read is (zip guards)."""
    from xlperf.ooxml.files import read_error, stat_input
    from xlperf.ooxml.inspect import check_container
    from xlperf.ooxml.package import OLE_SIGNATURE

    st = stat_input(src)
    if stat.S_ISDIR(st.st_mode):
        raise InputError("这是一个文件夹，不是 Word 报告", path=src, code=XCode.INPUT_EMPTY)
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise read_error(src, exc) from None
    if not data:
        raise InputError("文件是空的（0 字节），可能是下载或复制未完成。请重新获取该文件", path=src, code=XCode.INPUT_EMPTY)
    if data.startswith(OLE_SIGNATURE) and "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(
            "报告设置了打开密码，无法读取。请在 Word/WPS 中打开后清除密码并保存，然后重试", path=src, code=XCode.INPUT_ENCRYPTED
        )
    if not data.startswith(b"PK"):
        raise InputError(_NOT_DOCX, path=src, code=XCode.REPORT_UNREADABLE)
    check_container(src, io.BytesIO(data))
    return data


def _open_document(src: Path, data: bytes) -> DocxDocument:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a package that is no Word document
        from xlperf.ooxml.files import read_error

        if isinstance(exc, OSError):
            raise read_error(src, exc) from None
        raise InputError(_NOT_DOCX, path=src, code=XCode.REPORT_UNREADABLE) from exc


# --- where the copy goes ---------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def annotated_target(src: Path, out: str | os.PathLike[str]) -> Path:
    """The file the copy is written to, checked before anything is read: ``out`` by the rule of
    ``-o`` (a folder gets ``<report>-批注版.docx``; a name without extension gets .docx; another
    extension is refused), never the report itself, never a file Word/WPS has open."""
    from xlperf.core.filenames import safe_name
    from xlperf.ooxml.files import folder_ready, office_lock_file, output_path

    src = Path(src)
    folder = src.parent
    default = safe_name(src.stem, SUFFIX, folder, tail="-批注版") if folder.is_dir() else f"{src.stem}-批注版{SUFFIX}"
    target = output_path(out, default, (SUFFIX,), what="批注版")
    if not folder_ready(target.parent):
        raise OutputError("输出文件夹不存在", path=target.parent, code=XCode.OUT_FOLDER)
    if _same_file(target, src):
        raise OutputError(
            "批注版不能覆盖被审核的报告本身，请给批注版另起一个文件名", path=target, code=XCode.OUT_IS_SOURCE
        )
    lock = office_lock_file(target)
    if lock is not None:
        # Refused even beside no file (``report`` lets that pass): a copy the reviewer may be saving
        # from Word/WPS under this name right now is not replaced; a lock left by a closed program
        # is named, so it can be deleted.
        if target.exists():
            why = f"文件正在 Word/WPS 中打开（发现锁文件 {lock.name}），请先关闭再生成批注版"
        else:
            why = f"发现 Word/WPS 的锁文件 {lock.name}，这个文件名可能正被打开或保存。如并未打开，请删除该锁文件后重试"
        raise OutputError(f"{why}，或给批注版另起一个文件名", path=target, code=XCode.OUT_DENIED)
    return target


# --- anchors ---------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return _NOT_TEXT.sub("", text)


def _words(paragraph: Paragraph) -> str:
    """Every piece of text the paragraph shows (its runs, hyperlinks, fields, insertions), without
    spaces and punctuation: what a finding's first words are looked for in."""
    from docx.oxml.ns import qn

    return _plain("".join(t.text or "" for t in paragraph._p.iter(qn("w:t"))))


def _paragraph_of(paragraphs: list[Paragraph], ref: ParagraphRef, code: str) -> Paragraph:
    """The paragraph a finding names: at ``ref.index``, confirmed by its first words.

    An index that points at a paragraph not starting with those words is a finding about another
    document (or another numbering): the one paragraph that does start with them is taken, else the
    copy is refused rather than a comment put on the wrong paragraph.
    """
    start = _plain(getattr(ref, "start", "") or "")
    index = ref.index
    if 0 <= index < len(paragraphs) and (not start or start in _words(paragraphs[index])):
        return paragraphs[index]
    if start:
        found = [p for p in paragraphs if _words(p).startswith(start)]
        if len(found) == 1:
            return found[0]
    raise ValueError(
        f"finding {code}: paragraph {index} ({ref.start!r}) is not in this report ({len(paragraphs)} paragraphs)"
    )


def _title(doc: DocxDocument) -> Paragraph:
    """The first paragraph with text (the title); the first paragraph; a new one at the top."""
    paragraphs = doc.paragraphs
    for p in paragraphs:
        if p.text.strip():
            return p
    if paragraphs:
        return paragraphs[0]
    body = doc.element.body
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    p = OxmlElement("w:p")
    body.insert(0, p)
    return Paragraph(p, doc._body)


class _Anchor:
    """The first and last run of a paragraph's comment range: its first and last direct runs, or
    an empty run put before (after) content that does not start (end) with one."""

    def __init__(self, paragraph: Paragraph) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.text.run import Run

        p = paragraph._p
        content = [c for c in p if c.tag != qn("w:pPr")]
        first = content[0] if content and content[0].tag == qn("w:r") else None
        last = content[-1] if content and content[-1].tag == qn("w:r") else None
        if first is None:
            first = OxmlElement("w:r")
            pPr = p.find(qn("w:pPr"))
            if pPr is not None:
                pPr.addnext(first)
            else:
                p.insert(0, first)
        if last is None and not content:  # an empty paragraph: one empty run is the whole range
            last = first
        elif last is None:
            last = OxmlElement("w:r")
            p.append(last)
        self.first = Run(first, paragraph)
        self.last = Run(last, paragraph)


def _end_of(doc: DocxDocument, comment_id: int, paragraph: Paragraph) -> Any:
    """The run holding the reference mark of comment ``comment_id`` in ``paragraph``: the next
    comment on the paragraph ends after it, so the comments keep the findings' order."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    for ref in paragraph._p.iter(qn("w:commentReference")):
        if ref.get(qn("w:id")) == str(comment_id):
            return Run(ref.getparent(), paragraph)
    raise AssertionError(f"comment {comment_id} has no reference mark")


# --- comment styles --------------------------------------------------------------------------------


def _style_ids(doc: DocxDocument) -> tuple[str, str]:
    """The ids of the comment text and reference styles, added when the report has none."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = doc.styles.element

    def find(kind: str, name: str) -> str | None:
        for s in styles.findall(qn("w:style")):
            n = s.find(qn("w:name"))
            if s.get(qn("w:type")) == kind and n is not None and (n.get(qn("w:val")) or "").lower() == name:
                return s.get(qn("w:styleId"))
        return None

    def free(style_id: str) -> str:
        taken = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
        base, n = style_id, 1
        while style_id in taken:
            n += 1
            style_id = f"{base}{n}"
        return style_id

    text_id = find("paragraph", _TEXT_STYLE[1])
    if text_id is None:
        # Word's own 批注文字 is based on 正文; a report's 正文 is 三号 with a first-line indent and a
        # fixed line, so this one stands alone: 五号, left, single spacing, no indent.
        text_id = free(_TEXT_STYLE[0])
        styles.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{text_id}">'
                f'<w:name w:val="{_TEXT_STYLE[1]}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                '<w:pPr><w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
                '<w:ind w:left="0" w:leftChars="0" w:right="0" w:rightChars="0" w:firstLine="0" w:firstLineChars="0"/>'
                '<w:jc w:val="left"/></w:pPr>'
                '<w:rPr><w:b w:val="0"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>'
            )
        )
    ref_id = find("character", _REF_STYLE[1])
    if ref_id is None:
        ref_id = free(_REF_STYLE[0])
        styles.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="character" w:styleId="{ref_id}">'
                f'<w:name w:val="{_REF_STYLE[1]}"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
                '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'
            )
        )
    return text_id, ref_id


def _restyle(comment: Any, reference_run: Any, text_id: str, ref_id: str) -> None:
    """Point a new comment's paragraphs and reference marks at the report's comment styles."""
    from docx.oxml.ns import qn

    for el in comment._comment_elm.iter(qn("w:pStyle")):
        if el.get(qn("w:val")) == _TEXT_STYLE[0]:
            el.set(qn("w:val"), text_id)
    for el in [*comment._comment_elm.iter(qn("w:rStyle")), *reference_run._r.iter(qn("w:rStyle"))]:
        if el.get(qn("w:val")) == _REF_STYLE[0]:
            el.set(qn("w:val"), ref_id)


def _marker_ids(doc: DocxDocument) -> set[int]:
    """Ids on comment marks anywhere in the document's stories (an edited report may keep marks
    whose comment is gone: a new comment must not take their id)."""
    from docx.oxml.ns import qn

    tags = {qn(f"w:{t}") for t in ("commentRangeStart", "commentRangeEnd", "commentReference")}
    ids: set[int] = set()
    parts = [doc.part, *(rel.target_part for rel in doc.part.rels.values() if not rel.is_external)]
    for part in parts:
        element = getattr(part, "element", None)
        if element is None:
            continue
        for el in element.iter(*tags):
            try:
                ids.add(int(el.get(qn("w:id"))))
            except (TypeError, ValueError):
                pass
    return ids


def _reserve_ids(doc: DocxDocument) -> Any:
    """Make the next comment id python-docx gives (the largest in comments.xml + 1) pass every id
    already used by a mark: a placeholder comment with the largest marked id, which the caller
    removes when its comments are added (returned; None when no mark needs it)."""
    from docx.oxml.ns import qn

    orphans = _marker_ids(doc) - {c.comment_id for c in doc.comments}
    if not orphans or max(orphans) < max((c.comment_id for c in doc.comments), default=-1) + 1:
        return None
    placeholder = doc.comments.add_comment()._comment_elm
    placeholder.set(qn("w:id"), str(max(orphans)))
    return placeholder


_DATE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}date"


def _local_time() -> str:
    """The comments' date: the reviewer's wall-clock time, with no zone.

    Word and WPS show a comment's ``w:date`` as written (Word itself writes local time there), so
    the UTC time python-docx writes would show a reviewer in China a time eight hours early.
    """
    import datetime as dt

    return dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")


# --- the copy --------------------------------------------------------------------------------------


def annotate_report(
    src: str | os.PathLike[str],
    findings: Sequence[AnnotatedFinding],
    out: str | os.PathLike[str],
    *,
    author: str = DEFAULT_AUTHOR,
) -> Path:
    """Write a copy of the Word report ``src`` to ``out`` with each finding as a comment on its
    paragraph; returns the path written. ``src`` is never changed; comments already in it are kept.

    Raises InputError when the report cannot be read as a .docx, OutputError when ``out`` is the
    report itself, is open in Word/WPS, or cannot be written; ValueError when a finding names a
    paragraph this report does not have (the findings are of another document).
    """
    src = Path(src)
    target = annotated_target(src, out)
    doc = _open_document(src, _read_report(src))
    paragraphs = doc.paragraphs
    anchors = [(f, _paragraph_of(paragraphs, f.paragraph, f.code) if f.paragraph is not None else None) for f in findings]
    title = None
    text_id, ref_id = _style_ids(doc) if anchors else ("", "")
    placeholder = _reserve_ids(doc) if anchors else None
    opened: dict[int, tuple[_Anchor, Any]] = {}  # id(paragraph element) → (its anchor, the run the last comment ends on)
    initials = _initials(author)
    stamp = _local_time()
    for finding, paragraph in anchors:
        if paragraph is None:
            title = title or _title(doc)
            paragraph = title
        key = id(paragraph._p)
        anchor, end = opened.get(key) or (_Anchor(paragraph), None)
        comment = doc.add_comment([anchor.first, end or anchor.last], text=comment_text(finding), author=author, initials=initials)
        comment._comment_elm.set(_DATE, stamp)
        reference = _end_of(doc, comment.comment_id, paragraph)
        _restyle(comment, reference, text_id, ref_id)
        opened[key] = (anchor, reference)
    if placeholder is not None:
        placeholder.getparent().remove(placeholder)

    from xlperf.ooxml.files import atomic_output

    with atomic_output(target) as tmp:
        doc.save(str(tmp))
    return target
