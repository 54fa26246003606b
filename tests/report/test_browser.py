"""The HTML report in a real browser: it renders its tables with CJK text, logs no console error,
and prints on A4 with every column on the page. Skipped only when chromium is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from xlperf.report.job import render_report
from xlperf.workbook.examples import build_example

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

A4 = (595.0, 842.0)


def _print(html: Path, pdf: Path, profile: Path) -> str:
    """Print ``html`` to ``pdf`` in headless chromium; return what it logged (console messages included)."""
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert pdf.is_file() and pdf.stat().st_size > 0, done.stderr[-2000:]
    return done.stderr


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def _pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def _words(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, xMax, word) of every word pdftotext finds."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    out, page = [], 0
    for line in xml.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if m:
            out.append((page, float(m.group(1)), m.group(2)))
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser")
    book = d / "goumai.xlsx"
    build_example(book, "临汾购买服务")
    html = render_report(book, d / "report.html", style="通用").output
    pdf = d / "report.pdf"
    log = _print(html, pdf, d / "profile")
    return pdf, log


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler missing")
def test_the_browser_logs_console_errors_where_we_look_for_them(tmp_path):
    """The check below is only worth something if a page's error does reach the log we scan."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><p>测试</p><script>throw new Error("出错")</script>', encoding="utf-8")
    log = _print(page, tmp_path / "broken.pdf", tmp_path / "profile")
    assert _console_errors(log)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler missing")
def test_html_report_renders_its_tables_with_cjk_text_and_no_console_error(printed):
    pdf, log = printed
    assert _console_errors(log) == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in ("城乡居民购买服务经费配套项目", "项目支出绩效自评表", "三级指标", "购买服务成本", "年度资金总额", "自评等级：良好"):
        assert expected in flat, expected


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler missing")
def test_html_report_prints_on_a4_with_no_column_cut_off(printed):
    pdf, _ = printed
    pages = _pages(pdf)
    assert pages and all(sorted((round(w), round(h))) == [595, 842] for w, h in pages)
    assert (round(pages[0][0]), round(pages[0][1])) == (595, 842)  # the report itself is portrait
    words = _words(pdf)
    for page, x_max, word in words:  # nothing runs past the right edge of its page
        width = pages[page - 1][0]
        assert x_max <= width - 20, (page, word, x_max)
    text = re.sub(r"\s+", "", "".join(w for _, _, w in words))
    # the rightmost columns of the 自评表: their header and a reason in them
    assert "偏差原因分析及改进措施" in text and "实际合同价格为39.75万元" in text
