"""What a review gives: each finding (code, kind, paragraph, cell, message), where the table came
from, the style the outline was checked against, and the facts read from the prose."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlperf.core.enums import Severity
from xlperf.core.models import SEVERITY_EN
from xlperf.review.codes import CODES
from xlperf.review.document import ParagraphRef

if TYPE_CHECKING:
    from xlperf.core.models import Evaluation


@dataclass(frozen=True)
class ReviewFinding:
    code: str  # V…, a key of codes.CODES
    kind: str  # one of codes.KINDS
    severity: Severity
    message: str  # Chinese
    paragraph: ParagraphRef | None = None  # the paragraph of the report it is about (None: the report as a whole, or the table alone)
    cell: str | None = None  # the table cell it compares with: 自评表!F12, 表4 第5行第7列

    @property
    def title(self) -> str:
        return CODES[self.code].title

    @property
    def where(self) -> str:
        """第N段「first words…」, or "" for a finding about the table or the report as a whole."""
        return self.paragraph.label() if self.paragraph is not None else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "severity": SEVERITY_EN[self.severity],
            "level": self.severity,
            "title": self.title,
            "paragraph": self.paragraph.to_json() if self.paragraph is not None else None,
            "cell": self.cell,
            "message": self.message,
        }


def finding(code: str, message: str, paragraph: ParagraphRef | None = None, cell: str | None = None) -> ReviewFinding:
    c = CODES[code]
    return ReviewFinding(code=code, kind=c.kind, severity=c.severity, message=message, paragraph=paragraph, cell=cell or None)


@dataclass
class TableSource:
    """The table the report was compared with."""

    path: Path  # the file it was read from (the report itself for its annex)
    annex: bool  # True: the report's own annex table; False: a table file given beside it
    name: str  # the sheet, or the Word table (表N) it was read from
    evaluation: Evaluation | None = field(default=None, repr=False)

    def describe(self) -> str:
        if self.annex:
            return f"报告附件中的自评表（{self.name}）"
        return f"{self.path.name}（{self.name}）" if self.name else self.path.name

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "annex": self.annex, "table": self.name}


@dataclass(frozen=True)
class StatedFact:
    """One figure the report states, with what it is about."""

    kind: str  # total, grade, amount, arrival_rate, execution_rate, count, met_count, indicator, year, claim, no_problems
    subject: str  # the amount's label (全年预算数), the indicator's name…
    value: Any
    paragraph: ParagraphRef
    text: str = ""  # the words it was read from
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        value = round(self.value, 6) if isinstance(self.value, float) else self.value
        return {"kind": self.kind, "subject": self.subject, "value": value, "unit": self.unit, "paragraph": self.paragraph.to_json(), "text": self.text}


@dataclass
class Review:
    report: Path
    findings: list[ReviewFinding] = field(default_factory=list)
    table: TableSource | None = None
    style: str | None = None  # the outline checked against: given, or detected from the headings (None: not told)
    style_detected: bool = False
    facts: list[StatedFact] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        ev = self.table.evaluation if self.table is not None else None
        return {
            "report": str(self.report),
            "table": self.table.to_json() if self.table is not None else None,
            "table_total": (ev.total_score if ev.final else None) if ev is not None else None,
            "table_grade": (ev.grade if ev.final else None) if ev is not None else None,
            "style": self.style,
            "style_detected": self.style_detected,
            "findings": [f.to_json() for f in self.findings],
            "facts": [f.to_json() for f in self.facts],
        }
