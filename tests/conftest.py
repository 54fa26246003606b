"""Fixtures and settings shared across the test packages.

``example_books``: the three shipped examples (real 2021 self-evaluations typed into the template),
built once per test session. Tests that change a workbook copy it first.

The ``slow`` marker: an exhaustive test that runs a sample by default and in full when
``XLPERF_FULL_TESTS=1`` (see :mod:`tests.sampling`; CI sets it). ``-m "not slow"`` leaves them out.

Hypothesis runs without its per-example deadline: a unit test asserts behaviour, not how long
an example took on a shared machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.sampling import FULL_TESTS

settings.register_profile("xlperf", deadline=None)
settings.load_profile("xlperf")

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


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow: exhaustive; a smaller sample of every class of case unless XLPERF_FULL_TESTS=1 (tests/sampling.py)"
    )


def pytest_report_header(config) -> str:
    return f"xlperf: {'full runs of the slow tests (XLPERF_FULL_TESTS=1)' if FULL_TESTS else 'slow tests run a sample; XLPERF_FULL_TESTS=1 runs them in full'}"
