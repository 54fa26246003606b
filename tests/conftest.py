"""Fixtures shared across the test packages.

``example_books``: the three shipped examples (real 2021 self-evaluations typed into the template),
built once per test session. Tests that change a workbook copy it first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = (("goumai", "临汾购买服务"), ("liulei", "临汾六类人群"), ("yanbian", "盐边残疾人医保"))


@pytest.fixture(scope="session")
def example_books(tmp_path_factory) -> dict[str, Path]:
    from xlperf.workbook.examples import build_example

    d = tmp_path_factory.mktemp("examples")
    out = {}
    for key, name in EXAMPLES:
        out[key] = d / f"{key}.xlsx"
        build_example(out[key], name)
    return out
