"""One reader, every route: check, import --list, import (and check of the workbook it writes), the
report loader, batch (discovery and its loader) and new --from read each province fixture, in each
format, the same way (whether that way is the hand-computed answer is test_provinces.py's question)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.forms.provinces import SEEN
from tests.forms.provinces_heldout import HELD_OUT
from tests.forms.routes import all_routes, key
from tests.forms.tables import FORMATS

ALL = SEEN + HELD_OUT
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
IMPORTS = ("import", "import→check")


def _formats():
    for fmt in FORMATS:
        yield pytest.param(fmt, marks=[needs_soffice] if fmt in ("xls", "ods") else [], id=fmt)


@pytest.mark.parametrize("fmt", list(_formats()))
@pytest.mark.parametrize("fx", ALL, ids=lambda fx: fx.key)
def test_every_route_reads_the_form_the_same_way(province_files, tmp_path: Path, fx, fmt: str) -> None:
    path, _ = province_files[(fx.key, fmt)]
    got = all_routes(path, tmp_path)
    base = got["check"]
    disagree = {}
    for name, a in got.items():
        if name == "new --from":
            if a.error or a.count != fx.table.expected.count:
                disagree[name] = a.label
            continue
        if name in IMPORTS and a.error and base.final is False and not base.error:
            continue  # import refuses a 待定 table (it would come out final): the same reading
        if key(a) != key(base):
            disagree[name] = a.label
    assert not disagree, f"check read {base.label}; other routes: {disagree}"
