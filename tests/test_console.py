"""A Chinese Windows console: output redirected to a file or a pipe is GBK (cp936).

Names outside GBK (生僻字 such as 𠮷, emoji such as ✅) must never stop a command: text is written in
the console's encoding with □ for what it cannot hold; JSON is UTF-8 bytes whatever the console.
The commands run as the console script does (``python -m xlperf.cli``) with ``PYTHONIOENCODING`` set,
which is how Python behaves on Windows when stdout is not the console window.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from xlperf.output import CONSOLE_ERRORS, MISSING_CHAR, configure_console, console_replace, print_json

ROOT = Path(__file__).resolve().parent.parent
NAME = "𠮷✅购买服务项目"  # 𠮷 (U+20BB7) and ✅ (U+2705) are outside GBK
FILE = "𠮷✅自评.xlsx"
SHOWN = MISSING_CHAR * 2  # how both look in GBK text


def gbk_stream(errors: str = "strict") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors=errors, newline="\n")


def configured(monkeypatch, *streams: io.TextIOWrapper) -> None:
    out, err = streams
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    configure_console()


def written(stream: io.TextIOWrapper) -> bytes:
    stream.flush()
    return stream.buffer.getvalue()


# --- the stream settings, in process ------------------------------------------------------------------


def test_unencodable_characters_become_the_missing_mark(monkeypatch) -> None:
    out, err = gbk_stream(), gbk_stream("backslashreplace")
    configured(monkeypatch, out, err)
    out.write("项目：𠮷✅️👍🏽测试\n")  # ✅ with its variation selector, 👍 with a skin tone: one mark each
    err.write("错误：𠮷.xlsx\n")
    assert written(out).decode("gbk") == "项目：□□□测试\n"
    assert written(err).decode("gbk") == "错误：□.xlsx\n"


def test_a_non_cjk_code_page_gets_a_question_mark(monkeypatch) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors="strict")
    configured(monkeypatch, out, gbk_stream())
    out.write("Projekt 项目 ok")
    assert written(out).decode("cp1252") == "Projekt ?? ok"


def test_a_stream_that_chose_its_own_handling_and_a_missing_stream_are_left_alone(monkeypatch) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", None)  # pythonw (the 发送到 entry) has no console
    configure_console()
    assert out.errors == "surrogateescape"
    out.write("a\udcffb")
    assert written(out) == b"a\xffb"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("𠮷✅️‍👍🏽项目□")))
def test_any_text_is_written_and_every_encodable_character_kept(text: str) -> None:
    """What GBK can hold comes out unchanged and in order; each visible character it cannot hold is
    one □; invisible marks (joiners, selectors, combining marks, skin tones) it cannot hold vanish."""
    codecs.register_error(CONSOLE_ERRORS, console_replace)  # what configure_console registers
    stream = gbk_stream(errors=CONSOLE_ERRORS)
    stream.write(text)
    back = written(stream).decode("gbk")
    expected = "".join(ch if _gbk(ch) else ("" if _invisible(ch) else MISSING_CHAR) for ch in text)
    assert back == expected


def _gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
        return True
    except UnicodeEncodeError:
        return False


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0x1F3FB <= ord(ch) <= 0x1F3FF


@pytest.mark.parametrize("encoding", ["gbk", "cp936", "utf-8"])
def test_json_is_utf8_bytes_whatever_the_console(monkeypatch, encoding: str) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", newline="\n")
    monkeypatch.setattr(sys, "stdout", out)
    out.write("前面的文字\n")
    print_json({"project": NAME, "file": "a\udcffb.xlsx"})  # a lone surrogate: an undecodable file name
    raw = written(out)
    head, body = raw.split(b"\n", 1)
    assert head.decode(encoding) == "前面的文字"
    data = json.loads(body.decode("utf-8"))  # strict: valid UTF-8
    assert data == {"project": NAME, "file": "a\udcffb.xlsx"}


# --- every command, as on a Chinese Windows PC (subprocesses) ----------------------------------------------


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A folder with a 𠮷/✅ file whose 项目名称 is 𠮷/✅ too, and a folder of such workbooks."""
    import openpyxl

    from xlperf.workbook.examples import build_example

    d = tmp_path_factory.mktemp("console")
    build_example(d / FILE, "临汾购买服务")
    wb = openpyxl.load_workbook(d / FILE)
    wb["项目信息"]["B2"] = NAME
    wb.save(d / FILE)
    (d / "𠮷项目").mkdir()
    for stem in ("✅一", "✅二"):
        (d / "𠮷项目" / f"{stem}.xlsx").write_bytes((d / FILE).read_bytes())
    return d


def xlperf(cwd: Path, encoding: str, *args: str) -> tuple[int, bytes, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUTF8", "PYTHONIOENCODING")}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING=encoding)
    p = subprocess.run([sys.executable, "-m", "xlperf.cli", *args], cwd=cwd, env=env, capture_output=True, timeout=300)
    err = p.stderr.decode("gbk")  # strict: stderr is GBK text too
    assert "内部错误" not in err and "UnicodeEncodeError" not in err, err
    return p.returncode, p.stdout, err


# (arguments, exit status README documents, text the output shows)
COMMANDS = [
    (["check", FILE], 0, f"{SHOWN}自评.xlsx：总分 84.31"),
    (["calc", FILE, "-o", "𠮷✅已计算.xlsx"], 0, f"已写入：{SHOWN}已计算.xlsx"),
    (["report", FILE, "-o", "𠮷✅报告.md", "--format", "md"], 0, f"{SHOWN}报告.md"),
    (["report", FILE, "-o", "𠮷✅自评表.xlsx", "--format", "xlsx"], 0, "已导出自评表"),
    (["import", "𠮷✅自评表.xlsx", "-o", "𠮷✅导入.xlsx", "--force"], 0, f"项目：{SHOWN}购买服务项目"),
    (["batch", "𠮷项目", "-o", "𠮷✅输出", "--format", "md", "-j", "1", "--force"], 0, "成功 2"),
    (["new", "𠮷✅新建.xlsx", "--force"], 0, f"已新建自评表：{SHOWN}新建.xlsx"),
    (["addin", "build", "-o", "𠮷✅加载项"], 0, f"{SHOWN}加载项"),
    (["sendto", "calc", FILE], 0, f"{SHOWN}自评.xlsx：已计算并保存"),
    (["check", "𠮷✅不存在.xlsx"], 2, f"{SHOWN}不存在.xlsx"),
]


@pytest.mark.parametrize("encoding", ["gbk", "cp936"])
def test_json_from_check_is_utf8(place: Path, encoding: str) -> None:
    code, out, err = xlperf(place, encoding, "check", FILE, "--format", "json")
    assert code == 0, err
    data = json.loads(out.decode("utf-8"))
    assert data["project"] == NAME and data["file"] == FILE and data["total_score"] == 84.31


@pytest.mark.parametrize("encoding", ["gbk", "cp936"])
def test_text_of_check_is_in_the_console_encoding(place: Path, encoding: str) -> None:
    code, out, err = xlperf(place, encoding, "check", FILE)
    assert code == 0, err
    text = out.decode("gbk")  # strict: every byte is GBK
    assert f"{SHOWN}自评.xlsx：总分 84.31，等级：良" in text


@pytest.mark.parametrize("args, code, shows", COMMANDS, ids=["check", "calc", "report-md", "report-xlsx", "import", "batch", "new", "addin", "sendto", "missing-file"])
def test_every_command_under_gbk(place: Path, args: list[str], code: int, shows: str) -> None:
    got, out, err = xlperf(place, "gbk", *args)
    text = out.decode("gbk") + err
    assert got == code, text
    assert shows in text and "Traceback" not in text


def test_debug_traceback_under_gbk(place: Path) -> None:
    code, out, err = xlperf(place, "gbk", "--debug", "check", "𠮷✅不存在.xlsx")
    assert code == 2
    assert "Traceback" in err and f"{SHOWN}不存在.xlsx" in err
