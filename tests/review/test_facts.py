"""The phrases the review reads a figure from, and the look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from xlperf.review.document import Paragraph, ReportDocument, outline_number, plain_text
from xlperf.review.facts import stated_facts


def facts(text: str, others=()):
    doc = ReportDocument(path=None, paragraphs=[Paragraph(index=0, number=1, text=text)])  # type: ignore[arg-type]
    return [(f.kind, round(f.value, 6) if isinstance(f.value, float) else f.value) for f in stated_facts(doc, others)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("最终评分结果：某项目绩效自评价结果为:总得分99.33分，属于\"优秀\"。", [("total", 99.33), ("grade", "优秀")]),
        ("自评得分84.31分，等级为“良好”。", [("total", 84.31), ("grade", "良好")]),
        ("项目自评总分为 92.5 分，评价等级为优。", [("total", 92.5), ("grade", "优")]),
        ("综合得分：８８．５分", [("total", 88.5)]),
        ("绩效自评满分 100 分，自评得分为 97 分，优秀等级。", [("total", 97.0), ("grade", "优秀")]),
        ("资金实际执行率 100%。", [("execution_rate", 1.0)]),
        ("预算执行率93.1%，得9.31分（满分10分）。", [("execution_rate", 0.931)]),
        ("资金到位率为100%", [("arrival_rate", 1.0)]),
        ("全年预算数40万元，实际到位40万元，全年执行37.24万元，结余2.76万元。", [("amount", 40.0), ("amount", 40.0), ("amount", 37.24), ("amount", 2.76)]),
        ("全年预算数1,234,500元", [("amount", 1234500.0)]),
        ("经自评，本项目各项绩效目标均已完成。", [("claim", "均已完成")]),
        ("我单位达到了年初设定的各项绩效目标，取得了一定的效益。", [("claim", "达到了年初设定的各项绩效目标")]),
        ("对照项目绩效指标，都很好地完成了各项绩效指标。", [("claim", "完成了各项绩效指标")]),
        ("共设置三级指标7项，6项达到年度指标值。", [("count", 7), ("met_count", 6)]),
        ("三级指标共10项，全部完成。", [("count", 10), ("claim", "全部完成")]),
        ("绩效指标12项全部完成。", [("count", 12), ("claim", "全部完成")]),
        ("产出指标4项全部完成，得50分（满分50分）。", [("level1", 4)]),
        ("满意度指标主要从服务对象满意度指标方面进行评价，共 20 分，自评得 17 分。", [("level1", None)]),
        ("存在问题：无。", [("no_problems", "无")]),
    ],
)
def test_read(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "政府采购执行率100%。",  # another process's rate
        "其中财政拨款执行率95%。",  # a part's rate
        "财政拨款执行数30万元。",
        "其中县级资金预算数20万元。",
        "满分100分，总分100分，其中产出指标50分。",  # the full mark
        "该项目属于中央转移支付项目。",  # 属于中… is no grade
        "租赁费标准，60元/月。",
        "部门整体支出规模808万元，比上年增加28万元（增长3.59%），为预算数820万元的98.54%。",
        "“三公”经费支出10.2万元，控制在预算数11万元以内。",
        "基本支出383.73万元，占支出合计的80.08%，其中人员经费310.73万元；预算数378.04万元，执行率101.51%。",  # a part of a department's spending
        "项目支出95.47万元，占支出合计的19.92%；预算数106.25万元，执行率89.85%。",
        "项目总体运行情况良好。",  # 良好 without 等级 is no grade
        "评价指标体系总分100分。",
        "上年度自评等级不合格率为0。",
        "产出指标自评得分48分。",  # a part's score
        "上年度自评得分88分，预算执行率90%。",  # last year's figures
        "圆满完成了各项工作任务。",
        "确保年度目标任务全面完成。",  # an aim
        "年度目标：预算执行率达到95%以上。",
        "力争预算执行率达到100%，自评等级为优秀。",
        "预算执行率不低于90%。",
        "自评得分应达到90分以上。",
        "力争各项指标均达到年度目标。",
        "资金已全部到位并均已完成拨付。",
        "存在问题：人员流动性大，无统一培训。",
    ],
)
def test_left_alone(text):
    assert facts(text) == []


def test_a_sentence_naming_another_project_gives_no_fact():
    assert facts("健康扶贫项目自评得分95分。", others=["健康扶贫项目"]) == []
    assert facts("本部门自评得分95分。", others=["健康扶贫项目"]) == [("total", 95.0)]


def test_plain_text_and_outline_numbers():
    assert plain_text("执行率 100 %，共 1,200 万元") == "执行率100%，共1200万元"
    assert outline_number("一、项目概况") == (1, "一、")
    assert outline_number("（二）项目绩效目标。") == (2, "（二）")
    assert outline_number("3.资金管理办法") == (3, "3.")
    assert outline_number("3.5万元已到位") == (None, "")


def test_year_of_the_title_not_of_a_date():
    doc = ReportDocument(
        path=None,  # type: ignore[arg-type]
        paragraphs=[
            Paragraph(index=0, number=1, text="2021年度城乡居民医保补助项目", title=True),
            Paragraph(index=1, number=2, text="（2022年3月15日）", title=True),
            Paragraph(index=2, number=3, text="2021年度至2022年度绩效自评报告", title=True),
            Paragraph(index=3, number=4, text="一、项目概况", level=1),
            Paragraph(index=4, number=5, text="2020年度项目资金已全部拨付。"),
        ],
    )
    assert [(f.kind, f.value, f.paragraph.index) for f in stated_facts(doc) if f.kind == "year"] == [("year", 2021, 0)]
