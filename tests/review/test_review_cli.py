"""``xlperf review`` on the command line: text and JSON, exit codes, -o, bad input in Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.review.conftest import edit_paragraph
from xlperf.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _own(own_reports, name="临汾购买服务", style="通用"):
    return next((wb, r) for n, s, wb, r in own_reports if (n, s) == (name, style))


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_clean_report_exits_0_and_says_so(own_reports):
    _, report = _own(own_reports)
    res = invoke("review", str(report))
    assert res.exit_code == 0, res.output
    assert "未发现问题" in res.output and "报告附件中的自评表" in res.output


def test_findings_exit_1_with_code_paragraph_cell_and_message(own_reports, tmp_path):
    wb, report = _own(own_reports)
    bad = tmp_path / "报告.docx"
    edit_paragraph(report, bad, "84.31分", "86.31分")
    res = invoke("review", str(bad), str(wb))
    assert res.exit_code == 1, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("V101"))
    code, where, cell, message = line.split("\t")
    assert re.fullmatch(r"第\d+段「.+」", where)
    assert cell.startswith("绩效指标!")
    assert "86.31" in message
    assert "发现 1 个问题" in res.output


def test_json_lists_findings_with_kind_and_paragraph(own_reports, tmp_path):
    _, report = _own(own_reports)
    bad = tmp_path / "报告.docx"
    index = edit_paragraph(report, bad, "等级为“良好”", "等级为“优秀”")
    res = invoke("review", str(bad), "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert [f["kind"] for f in data["findings"]] == ["grade_mismatch"]
    f = data["findings"][0]
    assert f["code"] == "V102" and f["paragraph"]["index"] == index and f["cell"]
    assert data["table"]["annex"] is True and data["counts"]["errors"] == 1
    assert any(x["kind"] == "grade" for x in data["facts"])


def test_output_file_text_and_json(own_reports, tmp_path):
    _, report = _own(own_reports)
    out = tmp_path / "结果.json"
    res = invoke("review", str(report), "--format", "json", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["findings"] == []
    txt = tmp_path / "结果.txt"
    assert invoke("review", str(report), "-o", str(txt)).exit_code == 0
    assert "未发现问题" in txt.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["结果.docx", "结果.xlsx"])
def test_output_never_into_a_document_or_workbook(own_reports, tmp_path, name):
    _, report = _own(own_reports)
    res = invoke("review", str(report), "-o", str(tmp_path / name))
    assert res.exit_code == 2 and name in res.output and "Traceback" not in res.output
    assert not (tmp_path / name).exists()


def test_bad_input_exit_2_naming_the_file(tmp_path):
    missing = tmp_path / "没有这个报告.docx"
    res = invoke("review", str(missing))
    assert res.exit_code == 2 and "没有这个报告.docx" in res.output and "Traceback" not in res.output
    junk = tmp_path / "坏报告.docx"
    junk.write_bytes(b"not a zip at all")
    res = invoke("review", str(junk))
    assert res.exit_code == 2 and "坏报告.docx" in res.output and "Traceback" not in res.output
    txt = tmp_path / "报告.txt"
    txt.write_text("总得分90分", encoding="utf-8")
    res = invoke("review", str(txt))
    assert res.exit_code == 2 and "报告.txt" in res.output


def test_debug_shows_the_traceback(tmp_path):
    junk = tmp_path / "坏报告.docx"
    junk.write_bytes(b"not a zip at all")
    res = CliRunner().invoke(cli, ["--debug", "review", str(junk)])
    assert res.exit_code == 2 and "Traceback" in res.output


def test_a_table_file_that_cannot_be_read_exits_2(own_reports, tmp_path):
    _, report = _own(own_reports)
    bad = tmp_path / "自评表.xlsx"
    bad.write_bytes(b"")
    res = invoke("review", str(report), str(bad))
    assert res.exit_code == 2 and "自评表.xlsx" in res.output


def test_review_is_documented_with_every_code():
    from xlperf.review.codes import CODES, KINDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "xlperf review" in readme
    doc = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    for code, c in CODES.items():
        assert re.search(rf"\b{code}\b", doc), f"docs/review.md does not list {code}"
    for kind in KINDS:
        assert f"`{kind}`" in doc, f"docs/review.md does not name the kind {kind}"


@pytest.mark.parametrize("name", ["docx_text", "docx_text_lying", "docx_elements", "docx_entities", "docx_table"])
def test_a_hostile_report_is_refused_quickly_in_chinese(tmp_path, name):
    """Zip bombs, element floods, DOCTYPE entities, huge tables: refused (exit 2) or, for the table
    alone, the annex said unreadable (exit 1); never parsed whole, never a traceback."""
    import time

    from tests.hostile.bombs import BOMBS

    suffix, make = BOMBS[name]
    path = make(tmp_path / f"报告{suffix}")
    started = time.monotonic()
    res = invoke("review", str(path))
    assert time.monotonic() - started < 30
    assert res.exit_code in (1, 2) and "报告.docx" in res.output and "Traceback" not in res.output, res.output
    assert not re.search(r"[A-Za-z]{6,}Error", res.output)


# --- --annotate: the 批注版 copy --------------------------------------------------------------------


def _comments(path: Path) -> list[tuple[str, str]]:
    """(comment text, the text of the paragraph its range starts in), from the copy's XML."""
    import docx

    d = docx.Document(str(path))
    by_id = {str(c.comment_id): c.text for c in d.comments}
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for p in d.paragraphs:
        for start in p._p.iter(W + "commentRangeStart"):
            out.append((by_id[start.get(W + "id")], p.text))
    return out


def test_annotate_marks_each_finding_on_its_paragraph_and_keeps_the_report(own_reports, tmp_path):
    wb, report = _own(own_reports)
    bad = tmp_path / "报告.docx"
    edit_paragraph(report, bad, "84.31分", "86.31分")
    before = bad.read_bytes()
    copy = tmp_path / "批注版.docx"
    res = invoke("review", str(bad), str(wb), "--annotate", str(copy))
    assert res.exit_code == 1, res.output
    assert f"已生成批注版：{copy}（1 条批注）" in res.output
    assert bad.read_bytes() == before
    ((text, paragraph),) = _comments(copy)
    assert text.startswith("[V101]") and "86.31" in text and "86.31分" in paragraph


def test_annotate_writes_nothing_for_a_clean_report(own_reports, tmp_path):
    _, report = _own(own_reports)
    copy = tmp_path / "批注版.docx"
    res = invoke("review", str(report), "--annotate", str(copy))
    assert res.exit_code == 0 and "未生成批注版" in res.output
    assert not copy.exists()


def test_annotate_refuses_the_report_itself_before_reading_it(own_reports, tmp_path):
    _, report = _own(own_reports)
    target = tmp_path / "报告.docx"
    target.write_bytes(report.read_bytes())
    res = invoke("review", str(target), "--annotate", str(target))
    assert res.exit_code != 0 and "Traceback" not in res.output and "批注版不能覆盖" in res.output
    assert target.read_bytes() == report.read_bytes()


def test_annotate_with_json_keeps_stdout_json(own_reports, tmp_path):
    _, report = _own(own_reports)
    bad = tmp_path / "报告.docx"
    edit_paragraph(report, bad, "84.31分", "86.31分")
    import inspect

    apart = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters else {}  # click < 8.2 mixes them
    res = CliRunner(**apart).invoke(cli, ["review", str(bad), "--format", "json", "--annotate", str(tmp_path / "c.docx")])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["findings"] and "已生成批注版" in res.stderr


def test_a_pipe_closed_early_ends_quietly(own_reports, tmp_path):
    """`xlperf review 报告.docx | head -1`: the reader stops after one line; no 内部错误 on stderr."""
    import subprocess
    import sys

    _, report = _own(own_reports)
    code = "import sys; from xlperf.cli import main; sys.argv = ['xlperf', 'review', sys.argv[1]]; main()"
    p = subprocess.Popen([sys.executable, "-c", code, str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    p.stdout.close()  # the reader is gone before the first line is written
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait(timeout=60)
    assert "内部错误" not in err and "Traceback" not in err
    assert p.returncode in (0, 141)
