"""A Word report as the review reads it: its body paragraphs, each with its place in python-docx's
``Document.paragraphs`` (where a comment is anchored), its number among the non-empty ones (第N段,
what a reader counts) and its heading level; and the text the facts are read from.

Only the body's own paragraphs are read (the tables are the form reader's): a paragraph inside a
table cell is no sentence of the report's prose. Headings are told by the paragraph's style
(标题 1 / Heading 1), its outline level (set on the paragraph or its style), or, for a report typed
without styles, by a short paragraph that starts with an outline number (一、 （一） 1.).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from xlperf.core.errors import InputError, XCode

START_CHARS = 15  # the first characters of a paragraph shown beside its number


@dataclass(frozen=True)
class ParagraphRef:
    """Where a finding sits in the report: ``index`` in ``docx.Document(path).paragraphs`` (the
    anchor of a Word comment), ``number`` 1-based among the non-empty paragraphs (第N段, what a
    reader counts) and ``start``, the paragraph's first characters."""

    index: int
    number: int
    start: str

    def label(self) -> str:
        return f"第{self.number}段「{self.start}{'…' if len(self.start) >= START_CHARS else ''}」"

    def to_json(self) -> dict[str, object]:
        return {"index": self.index, "number": self.number, "start": self.start}


@dataclass
class Paragraph:
    index: int  # position in Document.paragraphs
    number: int  # 1-based among non-empty paragraphs
    text: str  # as Word shows it, stripped
    style: str = ""
    level: int | None = None  # heading level: 1 一、, 2 （一）, 3 1.; None for body text
    outline_number: str = ""  # the number the heading text starts with (一、 （一） 1.), "" when none
    title: bool = False  # the document's title lines (style Title/Subtitle, or before the first heading)

    @property
    def ref(self) -> ParagraphRef:
        return ParagraphRef(self.index, self.number, self.text[:START_CHARS])

    @property
    def plain(self) -> str:
        """The text facts are read from: full-width digits and marks made ASCII, the spaces a
        typist or a PDF conversion puts between Chinese and numbers (执行率 100%) dropped, thousands
        separators removed."""
        return plain_text(self.text)


@dataclass
class ReportDocument:
    path: Path
    paragraphs: list[Paragraph] = field(default_factory=list)  # non-empty body paragraphs, in order

    @property
    def headings(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.level is not None]

    def title_text(self) -> str:
        return " ".join(p.text for p in self.paragraphs if p.title)


_FULL = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_CJK = r"\u3400-\u9fff（），。：；“”、【】％%"


def plain_text(text: str) -> str:
    s = text.translate(_FULL).replace("\u3000", " ").replace("\xa0", " ")
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)
    s = re.sub(rf"(?<=[{_CJK}\d])[ \t]+(?=[{_CJK}\d])", "", s)
    s = re.sub(r"(?<=\d)[ \t]+(?=[.%])|(?<=\.)[ \t]+(?=\d)", "", s)
    return s.strip()


NUMBER_L1 = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")
NUMBER_L2 = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
NUMBER_L3 = re.compile(r"^\d{1,2}\s*[、.．](?!\d)")
HEADING_MAX = 45  # a paragraph told a heading by its number alone is short


def outline_number(text: str) -> tuple[int | None, str]:
    """(level, number) of a heading's leading outline number, or (None, "")."""
    for level, pat in ((1, NUMBER_L1), (2, NUMBER_L2), (3, NUMBER_L3)):
        m = pat.match(text)
        if m:
            return level, m.group(0)
    return None, ""


def _style_level(style_name: str) -> int | None:
    m = re.match(r"(?:heading|标题)\s*(\d)$", style_name.strip(), re.I)
    return int(m.group(1)) if m else None


def _outline_level(p) -> int | None:  # noqa: ANN001 - a python-docx Paragraph
    """The outline level set on the paragraph or its style chain (0-based in Word → 1-based)."""
    from docx.oxml.ns import qn

    def of(ppr) -> int | None:  # noqa: ANN001
        if ppr is None:
            return None
        el = ppr.find(qn("w:outlineLvl"))
        if el is None:
            return None
        try:
            v = int(el.get(qn("w:val")))
        except (TypeError, ValueError):
            return None
        return v + 1 if 0 <= v < 9 else None

    got = of(p._p.pPr)
    if got is not None:
        return got
    style = p.style
    seen = 0
    while style is not None and seen < 10:
        got = of(style.element.pPr)
        if got is not None:
            return got
        style = style.base_style
        seen += 1
    return None


def read_report(path: str | Path) -> ReportDocument:
    """The body paragraphs of the Word report at ``path``. Refuses what is not a readable .docx,
    in Chinese, naming the file."""
    p = Path(path)
    if not p.exists():
        raise InputError("文件不存在，请检查文件路径和文件名", path=p, code=XCode.INPUT_MISSING)
    if p.is_dir():
        raise InputError("这是一个文件夹，不是自评报告文件", path=p, code=XCode.INPUT_EMPTY)
    suffix = p.suffix.lower()
    if suffix == ".doc" or suffix == ".wps":
        raise InputError("这是旧版 Word 文件（.doc/.wps），请在 Word 或 WPS 中另存为 .docx 后再审核", path=p, code=XCode.SAVE_AS)
    if suffix not in (".docx", ".docm"):
        raise InputError("自评报告应为 Word 文件（.docx）", path=p, code=XCode.INPUT_TEXT)
    from xlperf.forms.docx_tables import _ElementCount  # the form reader's cap on one part's XML elements
    from xlperf.ooxml.inspect import checked_part, open_container

    try:
        # the zip guards (sizes, ratios, DOCTYPE) and the form reader's element cap on every XML
        # part before python-docx builds its trees: a bomb is refused, not parsed
        with open(p, "rb") as fp:
            reader = open_container(p, fp)
            if "word/document.xml" not in reader.infos:
                raise InputError("这不是 Word 文档（没有正文部分）", path=p, code=XCode.NOT_A_WORKBOOK)
            for name in reader.infos:
                if name.endswith((".xml", ".rels")):
                    checked_part(reader, name, _ElementCount(p, name))
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", path=p, code=XCode.INPUT_NO_ACCESS) from exc
    import docx

    try:
        d = docx.Document(str(p))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several types for a damaged package
        raise InputError("无法读取 Word 文件（文件损坏，或不是 Word 文档）", path=p, code=XCode.INPUT_CORRUPT) from exc
    doc = ReportDocument(path=p)
    number = 0
    seen_heading = False
    for index, para in enumerate(d.paragraphs):
        text = unicodedata.normalize("NFC", para.text).strip()
        if not text:
            continue
        number += 1
        style = (para.style.name if para.style is not None else "") or ""
        level = _style_level(style)
        if level is None and not style.lower().startswith(("title", "subtitle")):
            ol = _outline_level(para)
            level = ol if ol is not None and ol <= 4 else None
        num_level, num = outline_number(text)
        if level is None and num_level is not None and len(text) <= HEADING_MAX and not re.search(r"[。；;][^。]", text):
            level = num_level
        title = style.lower().startswith(("title", "subtitle")) or (not seen_heading and level is None and number <= 4 and len(text) <= 60)
        if level is not None:
            seen_heading = True
            title = False
        doc.paragraphs.append(Paragraph(index=index, number=number, text=text, style=style, level=level, outline_number=num, title=title))
    return doc
