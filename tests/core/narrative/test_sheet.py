"""The 自评报告 sheet: the officer's 定稿 wins, a section longer than a cell is cut only in the sheet."""

from __future__ import annotations

from xlperf.core.narrative import apply_final, generate, read_finals

from tests.grids import evaluate_grids, row


def test_final_text_wins():
    ev = evaluate_grids()
    sections = generate(ev, "四川")
    target = sections[3]
    finals = read_finals([["章节", "自动生成", "定稿"], [target.path, "旧", "我的定稿"]])
    out = apply_final(sections, finals)
    assert out[3].text == "我的定稿" and not out[3].generated
    assert all(s.generated for i, s in enumerate(out) if i != 3)


def test_a_section_longer_than_a_cell_is_cut_in_the_sheet_but_whole_in_the_report():
    from xlperf.core import layout
    from xlperf.core.narrative import CUT_NOTE, narrative_block

    names = [f"第{i}项服务对象补助发放人数统计" for i in range(1500)]
    rows = [row("产出指标", "数量指标", n, 0.06, "100人", "50人", reason="资金下达较晚") for n in names]
    ev = evaluate_grids(rows)
    full = {s.path: s.text for s in generate(ev) if s.has_body}
    assert max(len(t) for t in full.values()) > 32767  # the case this test is about
    sheet, _, _, block, _ = narrative_block(ev, [layout.SHEET_NARRATIVE], {})
    for path, text, _final in block[1:]:
        if path is None:
            continue
        assert len(text) <= 32767
        if len(full[path]) > 32767:
            assert text.endswith(CUT_NOTE) and full[path].startswith(text[: -len(CUT_NOTE)])
        else:
            assert text == full[path]
