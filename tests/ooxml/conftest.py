"""Fixtures of the xlperf.ooxml tests: a rich macro workbook and one full of formulas, built per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.richbook import build_formula_workbook, build_rich_workbook


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return build_rich_workbook(tmp_path / "自评表.xlsm")


@pytest.fixture
def formula_book(tmp_path: Path) -> Path:
    return build_formula_workbook(tmp_path / "公式.xlsx")
