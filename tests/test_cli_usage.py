"""The command line as users type it: Chinese help and usage errors, -o paths, exit codes."""

from __future__ import annotations

import re

import pytest

from xlperf.cli import cli, main

# English a help page or usage error may show: command and option names, file formats and the
# names of programs and products (they have no Chinese name users would recognise).
ALLOWED_WORDS = {
    # the program and its commands
    "xlperf", "new", "calc", "check", "import", "report", "batch", "addin", "build", "install", "remove", "sendto",
    # formats and file types, as typed in --format and file names
    "xlsx", "xlsm", "xls", "ods", "docx", "pdf", "md", "html", "json", "text", "csv", "xlam", "et", "doc",
    # products and programs the user has or installs
    "Excel", "WPS", "Word", "Python", "PDF", "Markdown", "HTML", "LibreOffice", "AppleScript", "RunPython", "XLSTART",
    "CPU", "UTF", "Windows",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def english_words(text: str) -> list[str]:
    """ASCII words of ``text`` that are not allowed: option names (-o, --format), file and folder
    names with an extension or a slash (docs/report-templates.md, 2025自评.xlsx) are dropped first."""
    text = re.sub(r"(?<![\w-])--?[A-Za-z][a-z-]*", " ", text)
    text = re.sub(r"[\w\-.]*[/\\][\w\-./\\]*|[\w\-]*\.[a-z]{2,4}\b", " ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS and not re.fullmatch(r"XLPERF_[A-Z_]+", w)]


def run_main(monkeypatch, capsys, argv):
    monkeypatch.setattr("sys.argv", ["xlperf", *argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    cap = capsys.readouterr()
    return exit_.value.code, cap.out + cap.err


def command_paths(group=cli, prefix=()):
    yield prefix
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from command_paths(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


USAGE_ERRORS = [
    ([], 0),  # bare xlperf prints the help
    (["addin"], 0),
    (["chek", "a.xlsx"], 2),
    (["check"], 2),  # missing argument
    (["report"], 2),
    (["import"], 2),
    (["new"], 2),
    (["calc"], 2),
    (["batch"], 2),
    (["batch", "a.xlsx"], 2),  # missing required option
    (["check", "a.xlsx", "--foo"], 2),  # no such option
    (["check", "a.xlsx", "--fromat", "json"], 2),  # a near miss: "did you mean"
    (["check", "a.xlsx", "--format", "xml"], 2),  # bad choice
    (["new", "a.xlsx", "--type", "项目"], 2),
    (["report", "a.xlsx", "--style", "广东"], 2),
    (["check", "a.xlsx", "--table", "0"], 2),  # out of range
    (["check", "a.xlsx", "--table", "二"], 2),  # not an integer
    (["batch", "a", "-o", "out", "-j", "x"], 2),
    (["check", "a.xlsx", "--table"], 2),  # option without its value
    (["check", "a.xlsx", "b.xlsx"], 2),  # extra argument
    (["check", "a.xlsx", "--errors-only=yes"], 2),  # a flag given a value
    (["sendto", "open", "a.xlsx"], 2),
    (["addin", "build", "-o", __file__], 2),  # a file where a folder is wanted
    (["new", "a.xlsx", "--from"], 2),
]


def test_every_help_page_and_usage_error_is_chinese(monkeypatch, capsys):
    found: dict[str, list[str]] = {}
    pages = 0
    for path in command_paths():
        for flag in ("--help", "-h"):
            code, text = run_main(monkeypatch, capsys, [*path, flag])
            assert code == 0 and text.startswith("用法：xlperf"), (path, text)
            pages += 1
            if words := english_words(text):
                found[" ".join([*path, flag])] = words
    for argv, expected in USAGE_ERRORS:
        code, text = run_main(monkeypatch, capsys, argv)
        assert code == expected, (argv, code, text)
        assert "Traceback" not in text
        for typed in argv:  # what the user typed is echoed back; it is theirs, not ours
            if not typed.startswith("-"):
                text = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", " ", text)
        if words := english_words(text):
            found[" ".join(argv) or "(bare)"] = words
    assert pages >= 20
    assert found == {}, found  # the count of English words is 0


def test_usage_errors_read_naturally(monkeypatch, capsys):
    code, text = run_main(monkeypatch, capsys, ["batch", "a.xlsx"])
    assert "错误：缺少选项 “-o” / “--output”。" in text
    code, text = run_main(monkeypatch, capsys, ["new", "a.xlsx", "--type", "项目"])
    assert "错误：“--type” 的值“项目”无效，应为 “项目支出”、“部门整体支出” 之一。" in text
    code, text = run_main(monkeypatch, capsys, ["check", "a.xlsx", "--table", "0"])
    assert "错误：“--table” 的值“0”超出范围（应 ≥1）。" in text
    code, text = run_main(monkeypatch, capsys, ["check"])
    assert "错误：缺少参数 “文件”。" in text
    code, text = run_main(monkeypatch, capsys, [])
    assert code == 0 and "命令：" in text and "错误：" not in text


def test_the_scan_finds_english_when_there_is_some():
    assert english_words("Usage: xlperf [OPTIONS] COMMAND") == ["Usage", "OPTIONS", "COMMAND"]
    assert english_words("  --table INTEGER RANGE  [x>=1]  [default: 通用]") == ["INTEGER", "RANGE", "x", "default"]
    assert english_words("xlperf report 2025自评.xlsx -o 报告/ --format pdf，见 docs/report-templates.md") == []
