"""Helpers shared by the xlperf.ooxml tests: small books, their parts, and LibreOffice's reading of them."""

from __future__ import annotations

import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import openpyxl

from xlperf import ooxml as xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# Calc is a separate Debian package from Writer: the spreadsheet checks need its library.
HAS_CALC = SOFFICE is not None and (Path(SOFFICE).resolve().parent / "libsclo.so").exists()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def load(path: Path, **kw) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns it would drop the x14 extensions
        return openpyxl.load_workbook(path, **kw)


def sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def simple_book(path: Path, **cells) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def cell_c14n(xml: str, ref: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml.encode())
    (cell,) = root.xpath(f"//*[local-name()='c'][@r='{ref}']")
    return etree.tostring(cell, method="c14n")


def temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(xlsx.TEMP_PREFIX))


def lo_csv(files: list[Path], outdir: Path, profile: Path) -> dict[str, list[list[str]]]:
    """Convert with LibreOffice headless, every sheet to its own CSV: {"stem-sheet": rows}."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    import csv

    out = {}
    for f in outdir.glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            out[f.stem] = list(csv.reader(fh))
    return out


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return path
