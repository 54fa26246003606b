"""One reader, every route: check, import --list, import, report, batch and new --from read the same
table the same way, for every layout and file type of a unit's own form."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.forms import fixtures as F
from tests.forms import wild as Wd
from xlperf.api import check_file, evaluation_json, import_forms, list_forms, new_workbook
from xlperf.batch import check_records
from xlperf.core.errors import XlperfError
from xlperf.workbook.load import load

HAS_SOFFICE = shutil.which("soffice") is not None

FORMS = {
    "全国": F.national,
    "湖南": F.hunan,
    "山西": F.shanxi,
    "陕西": F.shaanxi,
    "四川": F.sichuan,
    "安徽-占位行": Wd.anhui,
    "云南-两行表头": Wd.yunnan,
    "云南-三级指标表头": lambda: Wd.yunnan(parent="三级指标"),
    "云南-元": lambda: Wd.yunnan(unit="元", unit_line=True),
    "云南-预算得分": lambda: Wd.yunnan(budget=(100, 100, 99.1, "99.1%", 9), total=("总分", 100, 95, "优")),
}
# converted by LibreOffice (a few seconds each): the layouts a format is most often seen in
CONVERTED = [("云南-两行表头", "xls"), ("安徽-占位行", "xls"), ("全国", "ods")]
WORD = ["云南-两行表头", "全国"]


def _signature(ev) -> tuple:
    info = ev.input.info
    return (ev.final, ev.total_text, ev.grade_text, len(ev.indicators), info.name, info.department, [i.level3 for i in ev.input.indicators])


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("forms")
    out = [FORMS[name]().xlsx(d / f"{name}.xlsx") for name in FORMS]
    if HAS_SOFFICE:
        conv = tmp_path_factory.mktemp("conv")
        for name, fmt in CONVERTED:
            src = FORMS[name]().xlsx(conv / f"{name}-{fmt}.xlsx")
            out.append(F.convert(src, fmt, d))
    import docx

    for name in WORD:
        doc = docx.Document()
        doc.add_paragraph("附件")
        FORMS[name]().docx_table(doc)
        p = d / f"{name}-word.docx"
        doc.save(str(p))
        out.append(p)
    return out


def test_every_route_reads_every_form_alike(files: list[Path], tmp_path: Path) -> None:
    checked = {}
    for p in files:
        ev = check_file(p)
        sig = _signature(ev)
        checked[p.name] = ev
        # report reads through load
        assert _signature(load(p).evaluation) == sig, p.name
        # import --list sees the same single table, read the same way
        listed = list_forms(p)
        assert len(listed) == 1 and listed[0][2] is not None, p.name
        assert _signature(listed[0][2]) == sig, p.name
        # import: the new workbook gives the same final answer, or the import is refused
        try:
            imported = import_forms(p, tmp_path / f"{p.stem}-导入.xlsx")
        except XlperfError:
            imported = []
        for r in imported:
            assert _signature(r.evaluation) == sig, p.name
            again = check_file(r.output)
            if again.final:
                assert ev.final and (again.total_text, again.grade_text, len(again.indicators)) == sig[1:4], p.name
        # new --from: the same indicators carried into next year's workbook
        new = new_workbook(tmp_path / f"{p.stem}-新.xlsx", from_=p)
        assert [i.level3 for i in check_file(new).input.indicators] == sig[-1], p.name
    # batch: each file's 汇总表 row says what check --format json says (a folder's spreadsheets;
    # a Word annex when named)
    folder = files[0].parent
    records = {r.file: r for r in check_records([folder])}
    assert set(records) == {p.name for p in files if p.suffix != ".docx"}
    records.update({r.file: r for r in check_records([p for p in files if p.suffix == ".docx"])})
    for name, ev in checked.items():
        js = evaluation_json(ev, name)
        rec = records[name]
        assert rec.status != "错误", (name, rec.error_message)
        assert (rec.project, rec.total_score, rec.grade) == (js["project"], js["total_score"], js["grade"]), name
        assert rec.department == ev.input.info.department and rec.execution_rate == js["budget"]["execution_rate"], name


def test_the_named_forms_read_right_on_check(files: list[Path]) -> None:
    expect = {"安徽-占位行": (9, "99.31"), "云南-两行表头": (7, "96.00"), "云南-三级指标表头": (7, "96.00"), "云南-元": (7, "96.00")}
    for p in files:
        key = p.stem.removesuffix("-word").removesuffix("-xls").removesuffix("-ods")
        if key in expect:
            ev = check_file(p)
            assert ev.final and (len(ev.indicators), ev.total_text) == expect[key], p.name
