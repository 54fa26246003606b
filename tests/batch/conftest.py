"""Fixtures of the batch tests: a bureau's folder of workbooks, good and broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xlperf.workbook.template import build_template, fill_workbook

GOOD_ROWS = [
    {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "补助人数（人）", "分值": 20, "年度指标值": "3626", "实际完成值": "3626人"},
    {"一级指标": "产出指标", "二级指标": "质量指标", "三级指标": "应保尽保率", "分值": 15, "年度指标值": "≥95%", "实际完成值": "96%"},
    {"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "资金拨付时间", "分值": 15, "年度指标值": "2025年", "实际完成值": "2025"},
    {"一级指标": "效益指标", "二级指标": "社会效益指标", "三级指标": "群众看病难问题", "分值": 15, "年度指标值": "持续", "实际完成值": "100%"},
    {"一级指标": "效益指标", "二级指标": "可持续影响指标", "三级指标": "长效机制", "分值": 15, "年度指标值": "健全", "实际完成值": "健全"},
    {"一级指标": "满意度指标", "二级指标": "服务对象满意度指标", "三级指标": "社会满意度", "分值": 10, "年度指标值": "95", "实际完成值": "95%"},
]


def _workbook(path: Path, *, name: str, dept: str, unit: str = "万元", budget=(40, 40), weights_off: bool = False, info_extra=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_template(path)
    rows = [dict(r) for r in GOOD_ROWS]
    if weights_off:
        rows[0]["分值"] = 25  # total 105: E101
    full, executed = budget
    b = {"年度资金总额": {"年初预算数": full, "全年预算数": full, "实际到位数": full, "全年执行数": executed, "分值": 10}}
    if executed < full:
        b["年度资金总额"]["偏差原因分析及改进措施"] = "部分合同款次年支付"
    info = {"项目名称": name, "主管部门": dept, "实施单位": dept + "事务中心", "评价年度": 2025, "金额单位": unit}
    info.update(info_extra or {})
    fill_workbook(path, info=info, budget=b, indicators=rows)
    return path


@pytest.fixture(scope="session")
def bureau_master(tmp_path_factory) -> Path:
    """A bureau's folder: two good workbooks sharing a stem, one with weights ≠ 100, two broken
    files, an .xls, a ~$ lock file and a .txt."""
    root = tmp_path_factory.mktemp("bureau") / "各单位"
    _workbook(root / "县医保局" / "自评表.xlsx", name="城乡居民医保补助项目", dept="县医疗保障局", budget=(40, 40))
    _workbook(root / "县卫健局" / "自评表.xlsx", name="基层医疗能力提升项目", dept="县卫生健康局", unit="元", budget=(2_000_000, 1_800_000))
    _workbook(root / "医保-购买服务.xlsx", name="购买服务经费项目", dept="县医疗保障局", weights_off=True)
    (root / "坏-文本.xlsx").write_text("不是工作簿\n", encoding="utf-8")
    good = (root / "县医保局" / "自评表.xlsx").read_bytes()
    (root / "坏-截断.xlsx").write_bytes(good[: len(good) // 2])
    (root / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (root / "县医保局" / "~$自评表.xlsx").write_bytes(b"\0" * 165)
    (root / "说明.txt").write_text("请各单位于3月底前报送\n", encoding="utf-8")
    return root


@pytest.fixture
def bureau(bureau_master, tmp_path) -> Path:
    dst = tmp_path / "各单位"
    shutil.copytree(bureau_master, dst)
    return dst
