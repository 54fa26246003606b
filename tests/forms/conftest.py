"""The province fixtures written once per session in every format (one LibreOffice run per format
for .xls/.ods)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def province_files(tmp_path_factory):
    """{(fixture key, format): (path, Rendered)} for every fixture of provinces.py and
    provinces_heldout.py."""
    from tests.forms.provinces import SEEN
    from tests.forms.provinces_heldout import HELD_OUT
    from tests.forms.tables import FORMATS, write_many

    d: Path = tmp_path_factory.mktemp("provinces")
    fmts = [f for f in FORMATS if f in ("xlsx", "docx") or shutil.which("soffice")]
    items, out = [], {}
    for fx in SEEN + HELD_OUT:
        r = fx.render()
        for fmt in fmts:
            p = d / f"{fx.key}.{fmt}"
            items.append((r, p))
            out[(fx.key, fmt)] = (p, r)
    write_many(items, d / "lo")
    return out
