"""Every way a user reaches a unit's form, as one function each, answering the same question: what
total, grade and indicator count does this route read (or 待定, or refused)?

check (api.check_file) · import --list (api.list_forms) · import (api.import_forms, and check of the
workbook it wrote) · report (the report job's loader) · batch (discovery, then the batch job's
loader) · new --from (api.new_workbook: the new workbook carries the indicator table, not the
actuals, so only its indicator count and project name are compared).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.forms.tables import Answer, answer_of


def _refused(exc: BaseException) -> Answer:
    return Answer(False, None, "", 0, [], [], error=str(getattr(exc, "message", exc)) or type(exc).__name__)


def _guard(fn: Callable[[], Answer]) -> Answer:
    from xlperf.core.errors import XlperfError

    try:
        return fn()
    except XlperfError as exc:
        return _refused(exc)


def check(path: Path, work: Path) -> Answer:
    from xlperf.api import check_file

    return _guard(lambda: answer_of(check_file(path)))


def import_list(path: Path, work: Path) -> Answer:
    from xlperf.api import list_forms

    def run() -> Answer:
        found = list_forms(path)
        if not found:
            return Answer(False, None, "", 0, [], [], error="import --list：没有找到自评表")
        index, where, ev, error = found[0]
        return answer_of(ev) if ev is not None else Answer(False, None, "", 0, [], [], error=error)

    return _guard(run)


def import_(path: Path, work: Path) -> Answer:
    from xlperf.api import import_forms

    def run() -> Answer:
        out = work / "import"
        out.mkdir(exist_ok=True)
        results = import_forms(path, out, force=True)
        r = results[0]
        if r.evaluation is None:
            return Answer(False, None, "", 0, [], [], error=r.error)
        return answer_of(r.evaluation)

    return _guard(run)


def import_then_check(path: Path, work: Path) -> Answer:
    from xlperf.api import check_file, import_forms

    def run() -> Answer:
        out = work / "import-check"
        out.mkdir(exist_ok=True)
        r = import_forms(path, out, force=True)[0]
        if r.output is None:
            return Answer(False, None, "", 0, [], [], error=r.error)
        return answer_of(check_file(r.output))

    return _guard(run)


def report(path: Path, work: Path) -> Answer:
    from xlperf.workbook.load import load

    return _guard(lambda: answer_of(load(path).evaluation))


def batch(path: Path, work: Path) -> Answer:
    from xlperf.batch.discover import discover
    from xlperf.batch.job import UNREAD_SHEETS
    from xlperf.workbook.load import load

    def run() -> Answer:
        found = discover([path])
        if path not in found.workbooks:
            return Answer(False, None, "", 0, [], [], error="batch 不读取这种文件（未列入待处理工作簿）")
        return answer_of(load(path, unread=UNREAD_SHEETS).evaluation)

    return _guard(run)


def new_from(path: Path, work: Path) -> Answer:
    """The indicator count the new workbook carries (its actuals are cleared: total not compared)."""
    from xlperf.api import check_file, new_workbook

    def run() -> Answer:
        out = work / "new-from.xlsx"
        new_workbook(out, from_=path, force=True)
        ev = check_file(out)
        return Answer(False, None, "", len(ev.input.indicators), [], [])

    return _guard(run)


ROUTES: dict[str, Callable[[Path, Path], Answer]] = {
    "check": check,
    "import --list": import_list,
    "import": import_,
    "import→check": import_then_check,
    "report": report,
    "batch": batch,
}


def all_routes(path: Path, work: Path) -> dict[str, Answer]:
    work.mkdir(parents=True, exist_ok=True)
    out = {name: fn(path, work) for name, fn in ROUTES.items()}
    out["new --from"] = new_from(path, work)
    return out


def key(a: Answer) -> tuple:
    """What must agree between routes: refused, or (final, total, grade, indicator count)."""
    if a.error:
        return ("refused",)
    return (a.final, a.total, a.grade, a.count)
