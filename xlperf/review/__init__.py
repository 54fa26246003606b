"""``xlperf review``: a unit's own report checked against its table.

A report (.docx) is read paragraph by paragraph (:mod:`~xlperf.review.document`); the figures its
prose states with a certain subject are read (:mod:`~xlperf.review.facts`); its table — the annex
inside the report, or a table file given beside it — is read and scored by the same code as
``check`` (:mod:`~xlperf.review.table`); each figure is compared with the table as read and as
recomputed (:mod:`~xlperf.review.compare`). Findings have stable codes (:mod:`~xlperf.review.codes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlperf.review.document import ParagraphRef
    from xlperf.review.model import Review, ReviewFinding, StatedFact, TableSource
    from xlperf.review.run import review_report

__all__ = ["review_report", "Review", "ReviewFinding", "ParagraphRef", "StatedFact", "TableSource"]

_HOMES = {
    "review_report": "xlperf.review.run",
    "Review": "xlperf.review.model",
    "ReviewFinding": "xlperf.review.model",
    "StatedFact": "xlperf.review.model",
    "TableSource": "xlperf.review.model",
    "ParagraphRef": "xlperf.review.document",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(home), name)
