"""Every bad file gets a clear answer, and no user data is lost.

Each case of the hostile corpus (tests/hostile/corpus.py) goes through ``check``, ``report``,
``batch`` and ``calc``: the exit code and the Chinese message match, no traceback, no temporary
or half-written output is left behind, and the input is byte-identical afterwards (except that
``calc`` in place rewrites a usable workbook; then every part it does not own is unchanged and
the file still opens).

Also here: user text that looks like a formula stays text in every output; a few cases run as
real subprocesses to show stderr never gets a traceback; two concurrent ``calc`` runs never
interleave.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.hostile.corpus import Case, build_corpus, case_names
from xlperf.core import layout
from xlperf.cli import cli

ROOT = Path(__file__).resolve().parents[1]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TEMP_MARKERS = (".xlperf-tmp", ".~xlperf", ".xlperf-batch-tmp")
ORDER = ("check", "report", "batch", "calc")  # calc last: it may rewrite the file


# --- the commands -------------------------------------------------------------------------------------


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- inspection helpers -------------------------------------------------------------------------------------


def leftovers(*folders: Path) -> list[str]:
    out = []
    for folder in folders:
        if not folder.exists() or not folder.is_dir():
            continue
        for p in folder.rglob("*"):
            if any(p.name.startswith(m) for m in TEMP_MARKERS):
                out.append(str(p))
    return sorted(out)


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def zip_parts_or_none(path: Path) -> dict[str, bytes]:
    try:
        return zip_parts(path)
    except Exception:  # noqa: BLE001 - the hostile inputs are often not readable zips
        return {}


def sheet_text(path: Path, sheet: str) -> str:
    """All cell text of one sheet, read with openpyxl (what a user sees)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True)
    try:
        if sheet not in wb.sheetnames:
            return ""
        return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()


# Parts calc may change: the sheets it writes, styles (cloned number formats), and the workbook
# parts that list sheets when it adds 校验结果/自评报告; calcChain may be dropped.
CALC_MAY_CHANGE = re.compile(r"^xl/worksheets/sheet\d+\.xml$|^xl/styles\.xml$|^xl/workbook\.xml$|^xl/_rels/workbook\.xml\.rels$|^\[Content_Types\]\.xml$|^xl/calcChain\.xml$")


def assert_calc_rewrite_kept_the_rest(before: dict[str, bytes], path: Path) -> None:
    from xlperf.ooxml import read_grids

    after = zip_parts(path)
    for name, data in before.items():
        if CALC_MAY_CHANGE.match(name):
            continue
        assert name in after, f"calc dropped {name}"
        assert after[name] == data, f"calc changed {name}"
    for name in set(after) - set(before):
        assert re.match(r"^xl/worksheets/sheet\d+\.xml$", name), f"calc added {name}"
    names, grids = read_grids(path)
    assert layout.SHEET_FINDINGS in names
    for name in after:
        if name.endswith(".xml") or name.endswith(".rels"):
            etree.fromstring(after[name])  # every XML part still parses


# --- the corpus ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Case]:
    folder = tmp_path_factory.mktemp("hostile")
    cases = build_corpus(folder)
    return {c.name: c for c in cases}


def test_corpus_is_large_enough() -> None:
    assert len(case_names()) >= 40


# Bugs in files this suite does not own, reported with these cases as reproducers. strict: when
# one is fixed the case passes, the xfail fails, and its entry must go.
KNOWN_BUGS: dict[str, str] = {}


def _case_params() -> list:
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[n])) if n in KNOWN_BUGS else n
        for n in case_names()
    ]


@pytest.mark.parametrize("name", _case_params())
def test_every_command_answers_clearly_and_loses_nothing(corpus: dict[str, Case], name: str, tmp_path: Path) -> None:
    case = corpus[name]
    path = case.path
    existed = path.exists()
    original = path.read_bytes() if existed else None
    parts_before = zip_parts_or_none(path) if existed else {}
    folder_before = sorted(p.name for p in path.parent.iterdir())
    for command in ORDER:
        out = tmp_path / command
        out.mkdir()
        args = [a.replace("{out}", str(out)) for a in case.args_for(command)]
        res = invoke(command, path, *args)  # how long it takes: benchmarks/bench_hostile.py
        where = f"{name} / {command}: {res.output[-1500:]}"
        assert res.exit_code == case.expect[command], where
        assert "Traceback" not in res.output and "内部错误" not in res.output, where
        text = res.output
        if command == "calc" and res.exit_code in (0, 1):
            target = Path(args[1]) if args[:1] == ["-o"] else path
            text += "\n" + sheet_text(target, layout.SHEET_FINDINGS)
        if command == "batch" and (out / "汇总表.xlsx").exists():
            text += "\n" + sheet_text(out / "汇总表.xlsx", "汇总") + "\n" + sheet_text(out / "汇总表.xlsx", "全部问题")
        assert re.search(case.pattern_for(command), text, re.S), f"{where}\n-- pattern {case.pattern_for(command)!r} not found"
        if res.exit_code >= 2:
            line = res.output.strip().splitlines()[-1]
            assert re.search(r"[\u4e00-\u9fff]", line), where
            if res.exit_code == 2 and command != "batch" and existed:
                assert path.name in res.output, where  # the message names the file
        assert leftovers(path.parent, out) == [], where
        # the input
        if not existed:
            assert not path.exists(), where
        elif command == "calc" and case.rewrites and res.exit_code in (0, 1) and "-o" not in args:
            assert_calc_rewrite_kept_the_rest(parts_before, path)
        else:
            assert path.read_bytes() == original, f"{where}: the input changed"
        # the outputs: complete or absent
        if command == "report":
            produced = sorted(p.name for p in out.iterdir())
            if res.exit_code in (0, 1):
                assert produced == ["自评报告.docx"], where
                with zipfile.ZipFile(out / "自评报告.docx") as z:
                    assert "word/document.xml" in z.namelist()
                    etree.fromstring(z.read("word/document.xml"))
            else:
                assert produced == [], where
        if command == "batch" and case.expect["batch"] == 1 and case.expect["check"] == 2:
            reports = [p.name for p in out.rglob("*-自评报告.*")]
            assert reports == [], where  # a failed workbook gets no (half) report
            assert re.search(r"失败 1", res.output), where
        if command == "calc" and "-o" in args and res.exit_code >= 2:
            assert not Path(args[args.index("-o") + 1]).exists(), where
    # nothing new beside the input (no temp files, no stray outputs), except what calc in place replaced
    assert sorted(p.name for p in path.parent.iterdir()) == folder_before, name


# --- no traceback reaches stderr (real processes) ---------------------------------------------------------------

SUBPROCESS_CASES = ["zip_bomb", "encrypted", "billion_laughs_sheet", "open_in_excel"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_real_process_stderr_has_no_traceback(corpus: dict[str, Case], name: str, tmp_path: Path) -> None:
    case = corpus[name]
    for command in ("check", "report", "batch", "calc"):
        if command == "calc" and case.rewrites:
            continue
        out = tmp_path / command
        out.mkdir()
        args = [a.replace("{out}", str(out)) for a in case.args_for(command)]
        proc = subprocess.run(
            [sys.executable, "-m", "xlperf.cli", command, str(case.path), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8"),
        )
        if proc.returncode == 2 and "No such command" in proc.stderr:
            pytest.skip(f"`xlperf {command}` is not attached to the CLI yet")
        assert proc.returncode == case.expect[command], (name, command, proc.stderr)
        assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
        assert "内部错误" not in proc.stderr
        if proc.returncode >= 2:
            assert proc.stderr.startswith("错误："), proc.stderr
            assert re.search(case.pattern_for(command), proc.stderr, re.S), proc.stderr


# --- text that looks like a formula stays text ---------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@")
EVIL = ('=HYPERLINK("http://evil.example/x","点我")', "+SUM(1,2)", "=1+1", '=IMPORTXML("http://evil.example","//a")', "@SUM(A1:A2)")


def _sheet_xml_of(path: Path, sheet: str) -> bytes:
    from tests.hostile.surgery import read_parts, sheet_parts

    parts = read_parts(path)
    return parts[sheet_parts(parts)[sheet]]


def _assert_cells_are_text(path: Path, sheet: str, *, need: tuple[str, ...]) -> None:
    """In ``sheet``: no formula anywhere; every cell holding user text is a string cell (XML and openpyxl)."""
    import openpyxl

    root = etree.fromstring(_sheet_xml_of(path, sheet))
    assert root.xpath("//m:f", namespaces=NS) == [], f"{sheet}: a formula element"
    seen = set()
    for c in root.xpath("//m:sheetData/m:row/m:c", namespaces=NS):
        text = "".join(c.xpath(".//m:is//m:t/text()", namespaces=NS))
        if c.get("t") == "s":
            continue  # shared string: checked through openpyxl below
        if any(e in text for e in EVIL) or text[:1] in FORMULA_PREFIXES:
            assert c.get("t") == "inlineStr", (sheet, c.get("r"), c.get("t"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path)[sheet]
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if isinstance(v, str) and (v[:1] in FORMULA_PREFIXES or any(e in v for e in EVIL)):
                assert cell.data_type == "s", (sheet, cell.coordinate, v)
                seen.update(e for e in EVIL if e in v)
    for e in need:
        assert e in seen, f"{sheet}: {e!r} not copied here (the test would prove nothing)"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    (case,) = build_corpus(tmp_path / "corpus", only=["formula_injection"])
    book = case.path
    res = invoke("calc", book)
    assert res.exit_code == 1, res.output
    _assert_cells_are_text(book, layout.SHEET_NARRATIVE, need=('=HYPERLINK("http://evil.example/x","点我")', "+SUM(1,2)", "=1+1"))
    _assert_cells_are_text(book, layout.SHEET_FINDINGS, need=('=IMPORTXML("http://evil.example","//a")',))
    _assert_cells_are_text(book, layout.SHEET_INDICATORS, need=("=1+1", "@SUM(A1:A2)"))

    # batch: the 汇总表 (xlsx and CSV)
    out = tmp_path / "batch"
    res = invoke("batch", book, "-o", out, "-j", "1", "-q", "--csv")
    assert res.exit_code == 1, res.output
    _assert_cells_are_text(out / "汇总表.xlsx", "汇总", need=("+SUM(1,2)",))
    _assert_cells_are_text(out / "汇总表.xlsx", "全部问题", need=('=IMPORTXML("http://evil.example","//a")',))
    csv_text = (out / "汇总表.csv").read_text(encoding="utf-8-sig")
    assert "'+SUM(1,2)" in csv_text and ",+SUM(1,2)" not in csv_text

    # report: Word, HTML and Markdown carry the text literally, never as a field or a link
    for fmt in ("docx", "html", "md"):
        target = tmp_path / f"报告.{fmt}"
        res = invoke("report", book, "-o", target)
        assert res.exit_code in (0, 1), res.output
        if fmt == "docx":
            with zipfile.ZipFile(target) as z:
                doc = z.read("word/document.xml").decode("utf-8")
            assert "instrText" not in doc and "fldSimple" not in doc and "evil.example" not in "".join(re.findall(r"<w:hyperlink[^>]*>", doc))
            texts = "".join(etree.fromstring(doc.encode()).itertext())
            assert '=HYPERLINK("http://evil.example/x","点我")' in texts and "+SUM(1,2)" in texts
        elif fmt == "html":
            html = target.read_text(encoding="utf-8")
            assert 'href="http://evil' not in html and "<a " not in html.lower().replace("<a name", "")
            assert "=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;点我&quot;)" in html or '=HYPERLINK("http://evil.example/x","点我")' in html
        else:
            md = target.read_text(encoding="utf-8")
            assert "](http://evil" not in md and "HYPERLINK" in md
