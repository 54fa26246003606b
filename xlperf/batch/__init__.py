"""A whole finance bureau at once: check many workbooks, write one report each and a 汇总表.

* :mod:`~xlperf.batch.discover` finds the workbooks (files, folders, globs) and names the reports;
* :mod:`~xlperf.batch.job` is one workbook in a worker process;
* :mod:`~xlperf.batch.run` runs them (:func:`run_batch`, :func:`check_records`);
* :mod:`~xlperf.batch.pdf` converts finished chunks through one LibreOffice;
* :mod:`~xlperf.batch.state` remembers what is done, so a re-run skips unchanged workbooks;
* :mod:`~xlperf.batch.summary` is the 汇总表 (records, xlsx, CSV, DataFrames).

Nothing here prints: progress goes through a callback (:class:`~xlperf.batch.result.Progress`).
The names below load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "run_batch": "run",
    "check_records": "run",
    "summarize": "run",
    "findings_dataframe": "summary",
    "BatchResult": "result",
    "Progress": "result",
    "output_bases": "discover",
    "display_names": "discover",
    "error_text": "job",
    "SummaryRecord": "summary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xlperf.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"xlperf.batch.{module}"), name)
