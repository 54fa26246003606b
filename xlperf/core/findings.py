"""The catalogue of findings: a stable code, a severity, the rule it enforces, a message template.

Codes never change meaning once published: E = 错误, W = 警告, I = 提示. The first digit
groups them: 0 reading, 1 weights (R1), 2 budget (R2), 3 values, 4 scores (R9/R11),
5 reasons (R10), 6 units (R14), 7 structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlperf.core.enums import Severity
from xlperf.core.models import Finding, Loc


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    rule: str
    title: str
    template: str
    withholds: bool = False  # the total and grade cannot be final while this finding stands (待定)


_RULES = (
    # reading
    Rule("E002", Severity.ERROR, "读取", "单元格含错误值", "{field}为错误值 {value}，请修正公式或改为直接填写数值"),
    Rule("W003", Severity.WARNING, "读取", "公式无计算结果", "{field}是公式但文件中没有计算结果，请在 Excel 中打开并保存后再计算"),
    Rule("W005", Severity.WARNING, "读取", "缺少工作表", "找不到工作表“{sheet}”{suggestion}"),
    Rule("W006", Severity.WARNING, "读取", "表头重复", "表头“{header}”出现多次，使用第一列（{first}），忽略 {other}"),
    Rule("W007", Severity.WARNING, "读取", "文字过长", "{field}超过 {limit} 个字符，已截断用于计算和报告"),
    Rule("E009", Severity.ERROR, "读取", "没有指标", "{sheet}中没有任何三级指标行，总分待定：请逐行填写三级指标", withholds=True),
    Rule("E010", Severity.ERROR, "读取", "指标行过多", "{sheet}有 {count} 行指标，超过上限 {limit} 行，仅读取前 {limit} 行"),
    Rule("W011", Severity.WARNING, "读取", "无法识别的设置", "{field}“{value}”无法识别，使用默认值 {default}"),
    Rule("I012", Severity.INFO, "读取", "日期序列号", "{field}“{value}”按 Excel 日期序列号理解为 {date}"),
    Rule("I014", Severity.INFO, "读取", "数值带单位", "{field}“{value}”按 {used} 读取{note}"),
    Rule("W013", Severity.WARNING, "读取", "预算表无法识别", "找不到预算执行表的表头（应含“资金来源”“全年预算数”“全年执行数”等列名），预算执行不计分"),
    # R1 weights
    Rule("E101", Severity.ERROR, "R1", "分值合计不等于100", "全部分值合计为 {total}，应为 100（预算执行 {budget} + 绩效指标 {indicators}）", withholds=True),
    Rule("E102", Severity.ERROR, "R1", "小计与明细不符", "“{label}”标注小计 {declared} 分，其下三级指标分值合计为 {actual} 分"),
    Rule("W103", Severity.WARNING, "R1", "一级指标分值结构非默认", "一级指标分值为 {actual}，原则上为 预算执行10、产出50、效益30、满意度10"),
    Rule("E104", Severity.ERROR, "R1", "分值无效", "分值“{value}”{problem}"),
    Rule("E105", Severity.ERROR, "R1", "声明的总分与计算不符", "表中合计行写明总分 {declared}，{detail}", withholds=True),
    Rule("E106", Severity.ERROR, "R1", "缺少分值", "三级指标“{name}”未填写分值，总分待定"),
    Rule("W107", Severity.WARNING, "R1", "声明的分值合计与计算不符", "表中合计行写明分值 {declared}，各行分值合计为 {computed}"),
    # R2 budget
    Rule("E201", Severity.ERROR, "R2", "预算为0却有支出", "全年预算数为 0（或未填），全年执行数却为 {executed}"),
    Rule("W202", Severity.WARNING, "R2", "执行数超过预算数", "全年执行数 {executed} 大于全年预算数 {budget}，预算可能未按调整数填写"),
    Rule("E203", Severity.ERROR, "R2", "执行率倒算", "填写的执行率 {stated} 等于 预算数÷执行数（{inverted}），应为 执行数÷预算数 = {correct}"),
    Rule("W204", Severity.WARNING, "R2", "执行率与金额不符", "填写的执行率 {stated} 与 执行数÷预算数 = {correct} 不符"),
    Rule("W205", Severity.WARNING, "R2", "到位数超过预算数", "实际到位数 {received} 大于全年预算数 {budget}"),
    Rule("W206", Severity.WARNING, "R2", "资金来源合计不符", "{parent} {total} 不等于其组成部分之和 {parts}（{names}）"),
    Rule("E207", Severity.ERROR, "R2", "金额无效", "{field}“{value}”{problem}"),
    # W208 (a blank budget scored 0) is retired: a blank amount the score needs is E213 and withholds the total
    Rule("I209", Severity.INFO, "R2", "预算执行已在指标表中评分", "绩效指标表已有“{name}”行，预算执行表的分值不再重复计入"),
    Rule("E214", Severity.ERROR, "R2", "预算执行得分与规则不符", "预算执行得分填写为 {stated}，按执行率 {rate} 计算应为 {computed}（分值 {weight} × 执行率）：得分与金额不一致，总分待定。请核对全年预算数、全年执行数，或把得分改为 {computed}", withholds=True),
    Rule("W210", Severity.WARNING, "R2", "全年预算数未填", "全年预算数为 {full}，年初预算数却为 {initial}：请填写调整后的全年预算数"),
    # values and scoring
    Rule("E301", Severity.ERROR, "R3", "缺少实际完成值", "三级指标“{name}”未填写实际完成值{effect}"),
    Rule("E302", Severity.ERROR, "R3", "缺少年度指标值", "三级指标“{name}”未填写年度指标值{effect}"),
    Rule("E303", Severity.ERROR, "R6", "定性指标无法自动评分", "“{name}”的实际完成值“{actual}”无法判断是否达成，得分待定：请在人工得分中按档次填写（达成 {high}，部分达成 {mid}，未达成 {low}）", withholds=True),
    Rule("W304", Severity.WARNING, "R4", "目标值为0", "“{name}”的年度指标值为 0：{effect}"),
    Rule("W305", Severity.WARNING, "R7", "时效未达成", "“{name}”实际完成时间 {actual} 晚于目标 {target}"),
    Rule("W306", Severity.WARNING, "R3", "无法比较", "“{name}”的年度指标值“{target}”与实际完成值“{actual}”无法比较，按定性指标处理"),
    Rule("I307", Severity.INFO, "R6", "定性指标档次", "“{name}”判定为“{tier}”，按档次计 {score} 分，可在人工得分中调整（{range}）"),
    Rule("I309", Severity.INFO, "R13", "不适用指标", "“{name}”标为不适用，不计分，其余指标分值按 100 分折算"),
    Rule("W310", Severity.WARNING, "R3", "方向无法识别", "指标方向“{value}”无法识别，应为 ≥、≤、=、定性 或 时效；已按 {used} 处理"),
    # scores (R9, R11)
    Rule("E401", Severity.ERROR, "R9", "得分超出范围", "得分 {score} 超出 0 至 {weight} 的范围"),
    Rule("E402", Severity.ERROR, "R11", "人工得分超出范围", "人工得分 {score} 超出 0 至 {weight} 的范围"),
    Rule("E403", Severity.ERROR, "R11", "人工得分不在档次内", "实际完成值表明“{tier}”，人工得分应在 {range} 之间，填写的是 {score}"),
    Rule("E404", Severity.ERROR, "R11", "人工得分缺少原因", "人工得分 {manual} 与计算得分 {computed} 不同，须在偏差原因分析中说明理由"),
    Rule("E406", Severity.ERROR, "R11", "人工得分无法识别", "人工得分“{value}”不是数字"),
    # reasons (R10)
    Rule("E501", Severity.ERROR, "R10", "未满分缺少原因", "“{name}”得分 {score}，低于分值 {weight}，须填写偏差原因分析及改进措施"),
    Rule("W502", Severity.WARNING, "R10", "超额完成缺少原因", "“{name}”完成率 {completion}，超过 {threshold}，请说明原因（目标是否定得过低）"),
    Rule("E503", Severity.ERROR, "R10", "实际与目标不等缺少原因", "“{name}”实际值 {actual} 与目标值 {target} 不等，须说明原因"),
    Rule("E504", Severity.ERROR, "R10", "执行率不足缺少原因", "预算执行率 {rate} 低于 100%，须填写偏差原因分析及改进措施"),
    Rule("W505", Severity.WARNING, "R10", "执行率不足须说明原因", "预算执行率 {rate} 低于 100%，表中预算部分没有偏差原因栏：请在自评报告中说明原因"),
    # units (R14)
    Rule("W601", Severity.WARNING, "R14", "单位不一致", "“{name}”的年度指标值单位“{target_unit}”与实际完成值单位“{actual_unit}”不一致{effect}"),
    # structure
    Rule("E701", Severity.ERROR, "R1", "二级指标归属错误", "二级指标“{level2}”不属于一级指标“{level1}”（应属于“{expected}”）"),
    Rule("W702", Severity.WARNING, "R1", "未知的一级指标", "一级指标“{level1}”不是常用名称（{known}）"),
    Rule("W703", Severity.WARNING, "R1", "缺少一级/二级指标", "三级指标“{name}”没有{what}，且上方也没有可沿用的值"),
    Rule("W704", Severity.WARNING, "读取", "评价类型未知", "评价类型“{value}”应为 项目支出 或 部门整体支出，按项目支出处理"),
    # what an evaluator would question
    Rule("W405", Severity.WARNING, "R11", "人工得分明显偏低", "“{name}”完成率 {completion}（实际 {actual}，目标 {target}），人工得分却只有 {manual} 分（计算得分 {computed}），请核对"),
    Rule("W211", Severity.WARNING, "R2", "成本超过全年执行数", "“{name}”的实际完成值 {actual} 超过预算执行表的全年执行数 {executed}，请核对单位或金额"),
    Rule("E213", Severity.ERROR, "R2", "缺少预算金额", "{source}的{field}未填写，预算执行得分待定：请填写{field}"),
    Rule("W212", Severity.WARNING, "R2", "结余为负", "{source}的实际到位数 {received} 小于全年执行数 {executed}，结余为 {balance}，请核对"),
    Rule("W705", Severity.WARNING, "R1", "满意度指标列于效益指标下", "二级指标“{level2}”列在一级指标“{level1}”下（湖南等地的表式如此），按满意度指标统计时请留意"),
    Rule("W706", Severity.WARNING, "读取", "缺少项目名称", "没有填写项目名称，报告标题只能显示占位文字，请填写"),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def make(code: str, loc: Loc | tuple[str, str], **params: object) -> Finding:
    """Build a finding from its code. ``loc`` is a Loc or (sheet, cell)."""
    rule = RULES[code]
    if isinstance(loc, Loc):
        sheet, cell = loc.sheet, loc.cell
    else:
        sheet, cell = loc
    message = rule.template.format(**{k: _fmt(v) for k, v in params.items()})
    return Finding(code=code, severity=rule.severity, rule=rule.rule, sheet=sheet, cell=cell, message=message)


def _fmt(value: object) -> object:
    if isinstance(value, float):
        from xlperf.core.values import format_number

        return format_number(value, 2)
    return value

# One-sheet forms (xlperf.forms.oneform): what the reader could not place with certainty. Those that
# could change the total withhold it (待定) until the table is fixed or imported and corrected.
_RULES_FORMS = (
    Rule("E029", Severity.ERROR, "读取", "百分数不明确", "“{name}”的{field}为 {value}，度量单位为 %：是 {value}% 还是 {pct}%？请在原表中写成百分数（如 {pct}%）", withholds=True),
    Rule("E030", Severity.ERROR, "读取", "单位得分无法读取", "“{name}”的得分“{value}”{why}，单位自评得分不明", withholds=True),
    Rule("E031", Severity.ERROR, "读取", "合计行重复", "表中有两行“总分/合计”（{first} 和 {other}），无法确定哪一行是总分", withholds=True),
    Rule("E032", Severity.ERROR, "读取", "无法归属的行", "这一行有{what}“{value}”，却没有三级指标名称，无法确定它属于哪个指标", withholds=True),
    Rule("E033", Severity.ERROR, "读取", "分值无法识别", "“{name}”的分值“{value}”不是数字，无法计分", withholds=True),
    Rule("E034", Severity.ERROR, "读取", "缺少预算执行", "表中找不到预算执行（项目资金）部分，也没有“预算执行率”指标行：预算执行的分值无法计入", withholds=True),
    Rule("E035", Severity.ERROR, "读取", "预算数据缺失", "预算执行部分的“{source}”行没有{what}，预算执行得分无法确定", withholds=True),
    Rule("E036", Severity.ERROR, "读取", "表格可能不完整", "指标表在第 {row} 行结束，没有“总分/合计”行：表格可能被截断或分页不全，请核对", withholds=True),
    Rule("E037", Severity.ERROR, "读取", "合计行之后还有指标", "“总分/合计”行之后还有带分值的行（“{name}”），无法确定表格范围", withholds=True),
    Rule("E039", Severity.ERROR, "读取", "各行分值不明", "“{name}”的分值无法确定：此列是一级指标“{level1}”的权重 {weight}（整组共用），本行自己的分值表中没有写明", withholds=True),
    Rule("E040", Severity.ERROR, "读取", "分值与标注不符", "“{name}”标注 {declared} 分，其下各行“{column}”列（{cells}）合计 {sum} 分，二者不符，各行分值无法确定", withholds=True),
    Rule("I038", Severity.INFO, "读取", "隐藏行列未读取", "{what}是隐藏的，未读取（其中有“{value}”）"),
)
RULES.update({r.code: r for r in _RULES_FORMS})
