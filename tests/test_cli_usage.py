"""The command line as users type it: Chinese help and usage errors, -o paths, exit codes."""

from __future__ import annotations

import re

import pytest

from xlperf.cli import cli, main

# English a help page or usage error may show: command and option names, file formats and the
# names of programs and products (they have no Chinese name users would recognise).
ALLOWED_WORDS = {
    # the program and its commands
    "xlperf", "new", "calc", "check", "import", "report", "review", "batch", "addin", "build", "install", "remove", "sendto",
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


# --- -o: one rule for every command -----------------------------------------------------------------

from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "workbooks" / "示例-临汾购买服务.xlsx"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def book(tmp_path):
    p = tmp_path / "示例.xlsx"
    p.write_bytes(EXAMPLE.read_bytes())
    return p


@pytest.mark.parametrize(
    "args, produced",
    [
        (["report", "{book}", "-o", "{tmp}/报告新/"], "报告新/示例-自评报告.docx"),
        (["report", "{book}", "--public", "-o", "{tmp}/公示/"], "公示/示例-自评报告.docx"),
        (["report", "{book}", "--format", "md", "-o", "{tmp}/文/"], "文/示例-自评报告.md"),
        (["report", "{book}", "--format", "xlsx", "-o", "{tmp}/表/"], "表/示例-自评表.xlsx"),
        (["report", "{book}", "-o", "{tmp}/现有"], "现有/示例-自评报告.docx"),  # an existing folder, no slash
        (["report", "{book}", "-o", "{tmp}/无扩展名"], "无扩展名.docx"),
        (["report", "{book}", "-o", "{tmp}/r.html"], "r.html"),  # the format follows the extension
        (["calc", "{book}", "-o", "{tmp}/算/"], "算/示例.xlsx"),
        (["new", "{tmp}/新/"], "新/绩效自评表.xlsx"),
        (["new", "{tmp}/空白"], "空白.xlsx"),
    ],
)
def test_o_names_a_folder_when_it_ends_in_a_separator_or_is_one(tmp_path, book, args, produced):
    (tmp_path / "现有").mkdir()
    before = {p for p in tmp_path.rglob("*")}
    res = invoke(*[a.format(book=book, tmp=tmp_path) for a in args])
    assert res.exit_code in (0, 1), res.output
    made = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and p not in before}
    assert made == {produced}, (made, res.output)
    out = tmp_path / produced
    magic = out.read_bytes()[:4]
    assert (magic == b"PK\x03\x04") == (out.suffix in (".docx", ".xlsx"))
    assert str(Path(produced).name) in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["report", "{book}", "-o", "{tmp}/x.txt"],
        ["report", "{book}", "-o", "{tmp}/x.md", "--format", "docx"],
        ["report", "{book}", "-o", "{tmp}/x.docx", "--format", "xlsx"],
        ["report", "{book}", "-o", "{tmp}/x.pdf", "--public", "--format", "html"],
        ["calc", "{book}", "-o", "{tmp}/x.docx"],
        ["new", "{tmp}/x.docx"],
    ],
)
def test_an_extension_that_disagrees_with_the_format_is_refused(tmp_path, book, args):
    before = sorted(tmp_path.rglob("*"))
    res = invoke(*[a.format(book=book, tmp=tmp_path) for a in args])
    assert res.exit_code == 2, res.output
    assert "扩展名" in res.output and "Traceback" not in res.output
    assert sorted(tmp_path.rglob("*")) == before  # nothing written under a wrong name


@pytest.mark.parametrize(
    "command, bad",
    [(c, b) for c in ("report", "import", "calc") for b in ("missing", "text", "folder") if (c, b) != ("import", "folder")],
)  # import reads a folder of forms
def test_a_failed_input_leaves_no_output_folder_behind(tmp_path, command, bad):
    src = tmp_path / "输入.xlsx"
    if bad == "text":
        src.write_text("这不是工作簿\n", encoding="utf-8")
    elif bad == "folder":
        src.mkdir()
    for out in (tmp_path / "新文件夹", tmp_path / "外层" / "内层"):
        res = invoke(command, src, "-o", f"{out}/")
        assert res.exit_code != 0, res.output
        assert "Traceback" not in res.output
        assert not out.exists() and not (tmp_path / "外层").exists(), res.output


def test_a_new_nested_output_folder_is_made_at_the_write(tmp_path, book):
    res = invoke("report", book, "--format", "md", "-o", f"{tmp_path}/甲/乙/")
    assert res.exit_code in (0, 1), res.output
    assert (tmp_path / "甲" / "乙" / "示例-自评报告.md").is_file()
    res = invoke("import", book, "-o", f"{tmp_path}/丙/")  # our own workbook: nothing to import, so no folder
    assert res.exit_code != 0 and not (tmp_path / "丙").exists(), res.output


@pytest.mark.parametrize("name", ["名.xlsx", "汇总.CSV", "报告.docx", "r.pdf", "说明.md", "页.html"])
def test_batch_refuses_a_new_file_name_as_its_output_folder(tmp_path, book, name):
    before = sorted(tmp_path.rglob("*"))
    res = invoke("batch", book, "-o", tmp_path / name, "-j", "1")
    assert res.exit_code == 2, res.output
    assert "文件夹" in res.output and f"“{Path(name).stem}/”" in res.output and "Traceback" not in res.output
    assert sorted(tmp_path.rglob("*")) == before  # no folder named like a file


@pytest.mark.parametrize("how", ["slash", "existing"])
def test_batch_takes_a_folder_named_like_a_file_when_it_says_so(tmp_path, book, how):
    out = tmp_path / "名.xlsx"
    if how == "existing":
        out.mkdir()
    res = invoke("batch", book, "-o", f"{out}/" if how == "slash" else out, "-j", "1", "--format", "md", "-q")
    assert res.exit_code in (0, 1), res.output
    assert (out / "汇总表.xlsx").is_file() and (out / "示例-自评报告.md").is_file()


def test_a_file_that_exists_exits_2_not_3(tmp_path):
    p = tmp_path / "a.xlsx"
    assert invoke("new", p).exit_code == 0
    res = invoke("new", p)
    assert res.exit_code == 2 and "文件已存在" in res.output


def test_a_folder_import_keeps_every_table(tmp_path):
    from tests.forms import fixtures as F

    src = tmp_path / "收到"
    src.mkdir()
    F.national().xlsx(src / "r.xlsx")
    F.docx_with_annexes(src / "r.docx", [("附件 自评表", F.sichuan())])
    for extra in ([], ["--force"]):
        out = tmp_path / ("导入" + "-".join(extra))
        res = invoke("import", src, "-o", f"{out}/", *extra)
        assert "文件已存在" not in res.output and "失败：" not in res.output and res.exit_code == 0, res.output
        made = sorted(p.name for p in out.iterdir())
        assert made == ["r-docx-导入.xlsx", "r-xlsx-导入.xlsx"], made
        names = {openpyxl_name(out / m) for m in made}
        assert len(names) == 2  # two different projects, neither overwrote the other


def openpyxl_name(p):
    import openpyxl

    from xlperf.core import layout

    ws = openpyxl.load_workbook(p)[layout.SHEET_INFO]
    return next(r[1] for r in ws.iter_rows(values_only=True) if r[0] == "项目名称")


def test_an_import_into_a_new_folder_names_every_table_inside_it(tmp_path):
    from tests.forms import fixtures as F

    doc = F.docx_with_annexes(tmp_path / "d.docx", [("附件2 自评表", F.national()), ("附件3 自评表", F.sichuan()), ("附件4 自评表", F.national())])
    res = invoke("import", doc, "-o", f"{tmp_path}/imp/d/")
    assert "文件已存在" not in res.output, res.output
    made = sorted(p.name for p in (tmp_path / "imp" / "d").iterdir())
    assert len(made) == 3 and len(set(made)) == 3, made
    assert not (tmp_path / "imp" / "d.xlsx").exists()
    res = invoke("import", doc, "-o", tmp_path / "one.xlsx")
    assert res.exit_code == 2 and "--table" in res.output
    res = invoke("import", doc, "--table", "1", "-o", tmp_path / "one.csv")
    assert res.exit_code == 2 and "扩展名" in res.output and not (tmp_path / "one.csv").exists()


# --- report --table, one finding once, --template, 湖南, text files, our own report ----------------------


def test_report_table_picks_one_table_of_a_file_holding_several(tmp_path):
    from tests.forms import fixtures as F

    doc = F.docx_with_annexes(tmp_path / "部门.docx", [("附件2 自评表", F.national()), ("附件3 自评表", F.sichuan())])
    res = invoke("report", doc, "--format", "md")
    assert res.exit_code == 2 and "--table" in res.output
    for k, name in ((1, "城乡居民购买服务经费配套项目"), (2, "城乡残疾人医疗保险资助金")):
        res = invoke("report", doc, "--table", k, "--format", "md")
        assert res.exit_code in (0, 1), res.output
        out = tmp_path / f"部门-表{k}-自评报告.md"
        assert name in out.read_text(encoding="utf-8")
        data = invoke("check", doc, "--table", k, "--format", "json").output
        import json

        assert json.loads(data)["project"] == name
    res = invoke("report", doc, "--table", 3)
    assert res.exit_code == 2 and "没有第 3 张" in res.output


def test_check_shows_a_negative_balance_once_when_the_only_source_repeats_the_total(tmp_path):
    import json

    p = tmp_path / "六类.xlsx"
    p.write_bytes((EXAMPLE.parent / "示例-临汾六类人群.xlsx").read_bytes())
    data = json.loads(invoke("check", p, "--format", "json").output)
    w212 = [f for f in data["findings"] if f["code"] == "W212"]
    assert len(w212) == 1 and w212[0]["cell"] == "F2"  # the 年度资金总额 row; 财政拨款 repeats it
    keys = [(f["code"], f["message"]) for f in data["findings"]]
    assert len(keys) == len(set(keys))
    res = invoke("check", p)
    assert res.output.count("W212") == 1


def test_a_source_with_its_own_shortfall_keeps_its_own_warning():
    from tests.grids import evaluate_grids

    budget = {
        "年度资金总额": {"全年预算数": 100, "实际到位数": 50, "全年执行数": 80},
        "财政拨款": {"全年预算数": 60, "实际到位数": 20, "全年执行数": 50},
    }
    ev = evaluate_grids(budget=budget, info={"项目名称": "某项目"})
    assert sorted(f.cell for f in ev.findings if f.code == "W212") == ["F2", "F3"]


def test_a_template_without_tags_is_refused(tmp_path, book):
    import docx

    d = docx.Document()
    d.add_paragraph("某县财政局文件")
    d.save(tmp_path / "我局模板.docx")
    res = invoke("report", book, "--template", tmp_path / "我局模板.docx", "-o", tmp_path / "r.docx")
    assert res.exit_code == 2 and "没有模板标记" in res.output and not (tmp_path / "r.docx").exists()


def test_hunan_is_the_department_outline_everywhere_and_its_form_exports(tmp_path, book):
    import openpyxl

    from xlperf.core import layout

    res = invoke("new", tmp_path / "a.xlsx", "--style", "湖南")
    assert res.exit_code == 0 and "部门整体支出" in res.output
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")[layout.SHEET_INFO]
    info = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert info["评价类型"] == "部门整体支出" and info["报告样式"] == "湖南"
    res = invoke("new", tmp_path / "b.xlsx", "--style", "湖南", "--type", "项目支出")
    assert res.exit_code == 2 and "部门整体支出的提纲" in res.output and not (tmp_path / "b.xlsx").exists()
    res = invoke("report", book, "--style", "湖南", "-o", tmp_path / "r.docx")
    assert res.exit_code == 2 and "--format xlsx --style 湖南" in res.output
    res = invoke("report", book, "--format", "xlsx", "--style", "湖南", "-o", tmp_path / "表.xlsx")
    assert res.exit_code == 0, res.output
    cells = [c for r in openpyxl.load_workbook(tmp_path / "表.xlsx").active.iter_rows(values_only=True) for c in r if c]
    assert "项目支出名称" in cells and any("产出指标(" in str(c) or "产出指标（" in str(c) for c in cells)


@pytest.mark.parametrize(
    "name, content, says, not_says",
    [
        ("19-说明.txt", "一、项目基本情况\n本项目由县财政局负责，资金40万元，用于购买服务。\n二、绩效目标\n完成率98%，满意度95%，较好。\n", "文本文件", "CSV"),
        ("说明.xlsx", "本项目资金40万元，用于购买服务，完成较好。\n", "扩展名改成了 .xlsx", "CSV"),
        ("d.xlsx", "项目,分值,得分\n数量,10,10\n质量,10,9\n", "CSV", ".txt"),
        ("d.txt", "项目,分值,得分\n数量,10,10\n质量,10,9\n", "CSV", "扩展名改成了"),
    ],
)
def test_a_text_file_is_named_for_what_it_is(tmp_path, name, content, says, not_says):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    for cmd in ("calc", "check"):
        res = invoke(cmd, p)
        assert res.exit_code == 2 and says in res.output and not_says not in res.output, res.output


def test_import_of_our_own_report_finds_only_the_real_table(tmp_path, book):
    res = invoke("report", book, "-o", tmp_path / "r.docx")
    assert res.exit_code in (0, 1)
    res = invoke("import", tmp_path / "r.docx", "--list")
    lines = [ln for ln in res.output.splitlines() if ln[:1].isdigit()]
    assert len(lines) == 1 and "城乡居民购买服务经费配套项目" in lines[0] and "84.31" in lines[0], res.output
    res = invoke("import", tmp_path / "r.docx", "-o", tmp_path / "回.xlsx")
    assert res.exit_code == 0 and "84.31" in res.output


def test_the_readme_demo_line_writes_beside_the_checkout_not_into_it(tmp_path, monkeypatch):
    import shlex

    readme = (EXAMPLE.parent.parent / "README.md").read_text(encoding="utf-8")
    line = readme.split("```", 2)[1].strip().splitlines()[0]
    commands = [shlex.split(part) for part in line.split("&&")[1:]]
    assert commands and all(c[0] == "xlperf" for c in commands)
    checkout = tmp_path / "checkout"
    (checkout / "workbooks").mkdir(parents=True)
    (checkout / "workbooks" / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(checkout)
    for argv in commands:
        res = invoke(*argv[1:])
        assert res.exit_code == 0, (argv, res.output)
    assert [p.relative_to(checkout).as_posix() for p in checkout.rglob("*") if p.is_file()] == [f"workbooks/{EXAMPLE.name}"]
    made = sorted(p.name for p in (tmp_path / "xlperf示例").iterdir())
    assert made == ["示例-临汾购买服务-自评报告.docx", "示例-临汾购买服务.xlsx"]
    assert "xlperf示例" in readme.split("```", 2)[2][:400]  # the text after the block says where they are


# --- exit codes, as README states them: 0 no errors; 1 错误 findings or a 待定 total; 2 the input or
# the request is unusable (an existing output without --force included); 3 the environment ---------------

SIX = EXAMPLE.parent / "示例-临汾六类人群.xlsx"  # has 错误 findings


def _exit_cases():
    from tests.forms import fixtures as F

    yield "new ok", lambda d: ["new", d / "n.xlsx"], 0
    yield "new exists", lambda d: (["new", d / "a.xlsx"]), 2
    yield "new bad extension", lambda d: ["new", d / "n.docx"], 2
    yield "new missing folder", lambda d: ["new", d / "无此文件夹" / "n.xlsx"], 3
    yield "calc ok", lambda d: ["calc", d / "a.xlsx", "-o", d / "c.xlsx"], 0
    yield "calc errors", lambda d: ["calc", d / "six.xlsx", "-o", d / "c.xlsx"], 1
    yield "calc not a workbook", lambda d: ["calc", d / "说明.txt"], 2
    yield "calc open in Excel", lambda d: (d.joinpath("~$a.xlsx").write_bytes(b"x"), ["calc", d / "a.xlsx"])[1], 3
    yield "check ok", lambda d: ["check", d / "a.xlsx"], 0
    yield "check errors", lambda d: ["check", d / "six.xlsx"], 1
    yield "check missing file", lambda d: ["check", d / "无.xlsx"], 2
    yield "check usage", lambda d: ["check", d / "a.xlsx", "--format", "xml"], 2
    yield "report ok", lambda d: ["report", d / "a.xlsx", "-o", d / "r.md"], 0
    yield "report errors", lambda d: ["report", d / "six.xlsx", "-o", d / "r.md"], 1
    yield "report bad extension", lambda d: ["report", d / "a.xlsx", "-o", d / "r.txt"], 2
    yield "report open in Word", lambda d: (d.joinpath("r.docx").write_bytes(b"x"), d.joinpath("~$r.docx").write_bytes(b"x"), ["report", d / "a.xlsx", "-o", d / "r.docx"])[2], 3
    yield "import ok", lambda d: ["import", F.national().xlsx(d / "表.xlsx"), "-o", d / "i.xlsx"], 0
    yield "import withheld", lambda d: ["import", F.cut(F.national(), 17).xlsx(d / "表.xlsx"), "-o", d / "i.xlsx"], 1
    yield "import our own", lambda d: ["import", d / "a.xlsx"], 2
    yield "import exists", lambda d: ["import", F.national().xlsx(d / "表.xlsx"), "-o", d / "a.xlsx"], 2
    yield "batch ok", lambda d: ["batch", d / "a.xlsx", "-o", d / "b", "-j", "1", "-q", "--format", "md"], 0
    yield "batch errors", lambda d: ["batch", d / "six.xlsx", "-o", d / "b", "-j", "1", "-q", "--format", "md"], 1
    yield "batch bad format", lambda d: ["batch", d / "a.xlsx", "-o", d / "b", "--format", "doc"], 2
    yield "batch output is a file", lambda d: ["batch", d / "six.xlsx", "-o", d / "a.xlsx"], 3


@pytest.mark.parametrize("name, argv, code", list(_exit_cases()), ids=[c[0] for c in _exit_cases()])
def test_each_command_exits_as_the_readme_says(tmp_path, name, argv, code):
    (tmp_path / "a.xlsx").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "six.xlsx").write_bytes(SIX.read_bytes())
    (tmp_path / "说明.txt").write_text("本项目资金40万元，用于购买服务，完成较好。\n", encoding="utf-8")
    res = invoke(*argv(tmp_path))
    assert res.exit_code == code, (name, res.output)
    assert "Traceback" not in res.output and "内部错误" not in res.output


def test_the_readme_states_these_exit_codes():
    readme = (EXAMPLE.parent.parent / "README.md").read_text(encoding="utf-8")
    para = next(p for p in readme.split("\n\n") if p.startswith("**退出码**"))
    assert "0 没有错误" in para and "1 工作簿中有“错误”级别的问题或总分待定" in para
    assert "2 输入或参数无法使用" in para and "输出文件已存在而未加 `--force`" in para and "3 环境问题" in para


# --- Chinese line breaking in help pages --------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from xlperf.cli import CLOSING, OPENING, _columns, _wrap_wide  # noqa: E402


def help_pages(width):
    for path in command_paths():
        res = CliRunner().invoke(cli, [*path, "--help"], terminal_width=width, max_content_width=width)
        assert res.exit_code == 0, res.output
        yield " ".join(path), res.output


@pytest.mark.parametrize("width", [60, 80, 100])
def test_no_help_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(width):
    bad = []
    pages = 0
    for name, text in help_pages(width):
        pages += 1
        for line in text.splitlines():
            body = line.strip()
            if body and (body[0] in CLOSING or body[-1] in OPENING):
                bad.append((name, line))
            if width >= 80 and _columns(line) > width:  # at 60 only an example command line may not fit
                bad.append((name, line))
    assert pages >= 10
    assert bad == []


def test_the_top_help_at_80_columns_keeps_words_and_punctuation_together():
    text = dict(help_pages(80))[""]
    lines = [line.strip() for line in text.splitlines()]
    assert not any(line.startswith(("）", "。")) for line in lines)
    assert "稿。" in lines or any(line.endswith("草稿。") for line in lines)  # 。 took 稿 down with it
    assert all(_columns(line) <= 80 for line in text.splitlines())


TEXT = st.lists(
    st.sampled_from(list("自评表报告得分总等级预算执行") + list("（）「」、。，；：？！…—“”") + ["xlsx", "2025", "a.b", "(1)"]),
    min_size=1,
    max_size=80,
).map("".join)  # a Chinese paragraph: no spaces, so the only breaks are the wrapper's own


@settings(max_examples=300, deadline=None)
@given(text=TEXT, width=st.integers(min_value=16, max_value=100))
def test_the_wrap_keeps_every_character_and_breaks_only_where_chinese_allows(text, width):
    from hypothesis import assume

    from xlperf.cli import _break_chunks

    assume(all(_columns(piece) <= width for piece in _break_chunks(text)))  # else a piece must be cut anywhere
    lines = _wrap_wide(text, width).split("\n")
    assert "".join(lines) == text  # nothing lost, nothing added
    assert all(_columns(line) <= width for line in lines)
    assert not any(line[0] in CLOSING for line in lines[1:]), lines
    assert not any(line[-1] in OPENING for line in lines[:-1]), lines
    # greedy: the next line's first piece would not have fitted on the line before
    for before, after in zip(lines, lines[1:]):
        assert _columns(before) + _columns(_break_chunks(after)[0]) > width, (before, after)
