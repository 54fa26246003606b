"""预算执行 prose: the amounts, the 预算执行率's score and the reason for what it lost."""

from __future__ import annotations

from xlperf.core.narrative import generate

from tests.grids import evaluate_grids, standard_rows


def test_numbers_are_formatted_as_reports_write_them():
    ev = evaluate_grids(standard_rows(), budget={"年度资金总额": {"全年预算数": 300, "实际到位数": 300, "全年执行数": 279.96, "分值": 10, "偏差原因分析及改进措施": "结余"}})
    text = "\n".join(s.text for s in generate(ev, "通用"))
    assert "预算执行率93.32%，得9.33分（满分10分），扣0.67分，原因：结余。" in text
    assert f"自评得分{ev.total_score:g}分，等级为“优秀”" in text
    sichuan = "\n".join(s.text for s in generate(ev, "四川"))  # no table there: the amounts are written out
    assert "全年预算数300万元，实际到位300万元，全年执行279.96万元，执行率93.32%，结余20.04万元。" in sichuan


def _section(ev, style: str, key: str) -> str:
    return next(s.text for s in generate(ev, style) if s.key == key)


def test_a_budget_that_cannot_be_right_is_said_instead_of_a_rate():
    ev = evaluate_grids(budget={"年度资金总额": {"全年预算数": 0, "全年执行数": 5, "分值": 10}})
    text = _section(ev, "通用", "g1.3")
    assert text.startswith("【请核对“预算执行”表：全年预算数为0万元，全年执行数却为5万元")
    assert "执行率" not in text.replace("执行率无法成立", "")
    assert _section(ev, "四川", "s2.2") == text  # the amounts are not printed either


def test_the_sources_say_where_the_money_came_from():
    full = {"年度资金总额": {"全年预算数": 300, "实际到位数": 300, "全年执行数": 300, "分值": 10}}
    ev = evaluate_grids(budget={**full, "其中：中央": {"全年预算数": 300}})
    assert "资金全部为中央资金。" in _section(ev, "通用", "g1.3")
    ev = evaluate_grids(budget={**full, "其中：中央": {"全年预算数": 200}, "其中：省级": {"全年预算数": 100}})
    assert "其中中央资金200万元、省级资金100万元。" in _section(ev, "通用", "g1.3")


def test_a_rate_row_in_the_indicator_table_is_the_one_stated():
    rows = standard_rows()
    rows.append({"一级指标": "预算执行", "二级指标": "预算执行", "三级指标": "预算执行率", "分值": 10, "年度指标值": "100%", "实际完成值": "93%", "偏差原因分析及改进措施": "项目尾款次年支付"})
    ev = evaluate_grids(rows, budget={"年度资金总额": {"全年预算数": 100, "全年执行数": 93}})
    text = _section(ev, "通用", "g1.3")
    assert text.startswith("预算执行率93%，得9.3分（满分10分），扣0.7分，原因：项目尾款次年支付。")
