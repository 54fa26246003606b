"""Regenerate the shipped workbooks: the empty template and the three examples.

Run from anywhere: ``python workbooks/make_workbooks.py``. Writes next to this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xlperf.workbook.examples import EXAMPLES, build_example, example_filename  # noqa: E402
from xlperf.workbook.template import build_template  # noqa: E402

TEMPLATE_NAME = "绩效自评模板.xlsx"


def main() -> None:
    build_template(HERE / TEMPLATE_NAME)
    print(HERE / TEMPLATE_NAME)
    for name in EXAMPLES:
        path = HERE / example_filename(name)
        build_example(path, name)
        print(path)


if __name__ == "__main__":
    main()
