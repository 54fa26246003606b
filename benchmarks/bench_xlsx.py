"""Speed of the zip-level workbook I/O: patching cells and reading sheet grids.

Run:  python benchmarks/bench_xlsx.py

* a 5-sheet workbook (100 × 4 cells each): patch 10 cells and save; patch a 200 × 6 block with
  a number format and save; read every grid (python-calamine plus our supplement);
* for comparison, the same 10-cell change through openpyxl load + save (what calc avoids: it
  also loses header logos, x14 dropdowns, sparklines and ribbon parts).
Each figure is the median of 20 runs after one warm-up.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl

from bench_report import timed as median_ms  # median of 20 runs after a warm-up

from xlperf.ooxml import XlsxPatcher, read_grids


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t.xlsx"
        wb = openpyxl.Workbook()
        for k in range(5):
            ws = wb.active if k == 0 else wb.create_sheet()
            ws.title = f"表{k}"
            for r in range(1, 101):
                for c in range(1, 5):
                    ws.cell(r, c, r * c if c % 2 else f"文本{r}-{c}")
        wb.save(src)
        out = Path(tmp) / "o.xlsx"

        def ten_cells() -> None:
            p = XlsxPatcher(src)
            p.set_block("表2", 5, 3, [[i, f"说明{i}"] for i in range(5)])
            p.save(out)

        def block() -> None:
            p = XlsxPatcher(src)
            p.set_block("表2", 5, 3, [[r * 1.5, "说明", r, 0.5, None, True] for r in range(200)], number_formats={3: "0.00%"})
            p.save(out)

        def openpyxl_ten_cells() -> None:
            w = openpyxl.load_workbook(src)
            for i in range(5):
                w["表2"].cell(5 + i, 3, i)
                w["表2"].cell(5 + i, 4, f"说明{i}")
            w.save(out)

        print(f"patch 10 cells + save: {median_ms(ten_cells):.1f} ms")
        print(f"patch a 200 x 6 block with a number format + save: {median_ms(block):.1f} ms")
        print(f"read_grids of all 5 sheets: {median_ms(lambda: read_grids(src)):.1f} ms")
        print(f"openpyxl load + 10 cells + save (for comparison): {median_ms(openpyxl_ten_cells):.1f} ms")


if __name__ == "__main__":
    main()
