"""The 公示 copy: the people a workbook names (项目负责人, 联系人, 自评小组) and phone and ID numbers
are masked in every part of the report — the prose, the team table, the cover and the official
自评表 given to the renderers beside the context."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlperf.report.job import render_report
from xlperf.workbook.template import build_template, fill_workbook

KEYS = ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "偏差原因分析及改进措施")
LEADER, CONTACT, MEMBERS = "王建国", "赵敏", ("钱学明", "孙丽", "周小川")
MOBILE, LANDLINE, IDNO = "13912345678", "0812-3456789", "510411198001011234"
SECRETS = (LEADER, CONTACT, *MEMBERS, MOBILE, LANDLINE, IDNO)


def _workbook(path: Path, style: str) -> Path:
    build_template(path, style=style)
    rows = [
        ("产出指标", "数量指标", "补助人数", 30, "≥100人", "95人", f"部分对象未按时申报，联系{CONTACT}（{MOBILE}）核实"),
        ("产出指标", "时效指标", "资金拨付时间", 20, "2025年", "2025"),
        ("效益指标", "社会效益指标", "群众负担减轻", 30, "明显", "明显"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "≥95%", "96%", f"复核人身份证号{IDNO}，电话{LANDLINE}"),
    ]
    fill_workbook(
        path,
        info={"项目名称": "城乡居民医保补助项目", "主管部门": "县医疗保障局", "实施单位": "县医疗保障事务中心", "评价年度": 2025,
              "项目负责人": LEADER, "联系人": CONTACT, "联系电话": MOBILE, "报告样式": style},
        budget={"年度资金总额": {"年初预算数": 40, "全年预算数": 40, "实际到位数": 40, "全年执行数": 40, "分值": 10}},
        indicators=[dict(zip(KEYS, r)) for r in rows],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["自评小组"] if "自评小组" in wb.sheetnames else wb.create_sheet("自评小组")
    ws.delete_rows(1, ws.max_row)
    ws.append(["姓名", "职务", "单位"])
    for name in MEMBERS:
        ws.append([name, "科员", "县医疗保障局"])
    wb.save(path)
    return path


@pytest.mark.parametrize("style", ["通用", "四川", "山西", "陕西"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_public_copy_names_no_one_in_any_part(tmp_path, style, fmt):
    wb = _workbook(tmp_path / "p.xlsx", style)
    plain = render_report(wb, tmp_path / f"内部.{fmt}", style=style)
    public = render_report(wb, tmp_path / f"公示.{fmt}", style=style, public=True)
    inside, published = plain.output.read_text(encoding="utf-8"), public.output.read_text(encoding="utf-8")
    assert MOBILE in inside and CONTACT in inside  # the internal copy keeps them
    for secret in SECRETS:
        assert secret not in published, secret
    if style == "陕西":  # the team table and the cover's 负责人
        for name in (LEADER, *MEMBERS):
            assert name in inside and name[:1] + "*" * (len(name) - 1) in published
    masked = "\n".join(public.masked)
    assert MOBILE in masked and CONTACT in masked


def test_the_official_form_is_masked_in_the_xlsx_export(tmp_path):
    wb = _workbook(tmp_path / "p.xlsx", "通用")
    out = render_report(wb, tmp_path / "公示.xlsx", public=True).output
    cells = [str(c.value) for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    assert "部分对象未按时申报" in text  # the reason itself is published
    for secret in (CONTACT, MOBILE, IDNO, LANDLINE):
        assert secret not in text, secret


def test_mask_form_masks_cells_and_leaves_the_form_given_alone(tmp_path):
    from xlperf.report.job import official_form, report_context
    from xlperf.report.public import mask_form, mask_report
    from xlperf.workbook.load import load

    book = load(_workbook(tmp_path / "p.xlsx", "通用"))
    context, _sections = report_context(book, None)
    form = official_form(book.evaluation, context)
    before = [c.text for c in form.cells]
    masked = mask_form(form, context)
    assert [c.text for c in form.cells] == before  # a copy: the caller's form is unchanged
    texts = "\n".join(c.text for c in masked.cells)
    assert all(s not in texts for s in (CONTACT, MOBILE, IDNO, LANDLINE))
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in masked.cells] == [(c.row, c.col, c.rowspan, c.colspan) for c in form.cells]
    ctx, also, seen = mask_report(context, None)
    assert also is None and any(MOBILE in s for s in seen)
