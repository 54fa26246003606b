"""Our own reports over every shipped example × project style, rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_STYLES = ("通用", "四川", "山西", "陕西")


@pytest.fixture(scope="session")
def own_reports(tmp_path_factory) -> list[tuple[str, str, Path, Path]]:
    """(example, style, workbook, report.docx) for every example × project style."""
    from xlperf.report.job import render_report
    from xlperf.workbook.examples import EXAMPLES, build_example, example_filename

    root = tmp_path_factory.mktemp("own-reports")
    out = []
    for name in EXAMPLES:
        wb = root / example_filename(name)
        build_example(wb, name)
        for style in PROJECT_STYLES:
            docx = root / f"{wb.stem}-{style}.docx"
            render_report(wb, docx, fmt="docx", style=style)
            out.append((name, style, wb, docx))
    return out


def edit_paragraph(src: Path, dst: Path, old: str, new: str) -> int:
    """Copy ``src`` to ``dst`` with ``old`` replaced by ``new`` in the one body paragraph holding
    it; returns that paragraph's index in ``Document.paragraphs``."""
    import docx

    d = docx.Document(str(src))
    hits = [i for i, p in enumerate(d.paragraphs) if old in p.text]
    assert len(hits) == 1, (old, hits)
    p = d.paragraphs[hits[0]]
    text = p.text.replace(old, new)
    runs = p.runs
    runs[0].text = text
    for r in runs[1:]:
        r.text = ""
    d.save(str(dst))
    return hits[0]


def add_paragraph(src: Path, dst: Path, after: str, text: str) -> int:
    """Copy ``src`` to ``dst`` with a paragraph ``text`` inserted after the paragraph starting with
    ``after``; returns the new paragraph's index."""
    import copy

    import docx

    d = docx.Document(str(src))
    i = next(i for i, p in enumerate(d.paragraphs) if p.text.startswith(after))
    anchor = d.paragraphs[i]
    new = copy.deepcopy(anchor._p)
    anchor._p.addnext(new)
    d2 = d.paragraphs[i + 1]
    for r in d2.runs[1:]:
        r._r.getparent().remove(r._r)
    if d2.runs:
        d2.runs[0].text = text
    else:
        d2.add_run(text)
    d.save(str(dst))
    return i + 1
