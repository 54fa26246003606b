"""The workbook's interface: sheet names, header names and their synonyms, field names.

This module is the single contract between the template generator, the reader and the
writer. Everything a finance officer sees in the workbook is named here.
"""

from __future__ import annotations

from xlperf.core.enums import EvaluationType, Style

# --- sheets -----------------------------------------------------------------------------

SHEET_GUIDE = "说明"
SHEET_INFO = "项目信息"
SHEET_BUDGET = "预算执行"
SHEET_INDICATORS = "绩效指标"
SHEET_FINDINGS = "校验结果"
SHEET_NARRATIVE = "自评报告"
SHEET_BASIC_DATA = "基础数据"  # department-level evaluations only

# Order of sheets in a new workbook.
TEMPLATE_SHEETS = (
    SHEET_GUIDE,
    SHEET_INFO,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_FINDINGS,
    SHEET_NARRATIVE,
)
REQUIRED_SHEETS = (SHEET_INDICATORS,)

# --- 项目信息 ------------------------------------------------------------------------------

INFO_HEADER = ("字段", "内容", "填写说明")

# the two scoring settings (R3, R4) a unit may change
INFO_THRESHOLD = "超额完成阈值"
INFO_REVERSE_FORMULA = "反向指标计分方法"

# (field label, model attribute, hint shown in the template's third column)
INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("项目名称", "name", "与批复的绩效目标表一致"),
    ("主管部门", "department", ""),
    ("实施单位", "unit", ""),
    ("评价年度", "year", "如：2025"),
    ("评价类型", "evaluation_type", "下拉选择：项目支出 / 部门整体支出"),
    ("报告样式", "style", "下拉选择：通用 / 四川 / 山西 / 陕西 / 湖南"),
    ("金额单位", "amount_unit", "下拉选择：万元 / 元（预算执行表中金额的单位）"),
    ("年度总体目标", "annual_goal", "照抄批复的年度总体目标"),
    ("年度总体目标完成情况", "annual_goal_result", ""),
    ("项目概况", "overview", "项目内容、实施主体、服务对象等"),
    ("主管部门职能", "duties", "主管部门（单位）在该项目管理中的职能"),
    ("立项依据", "basis", "政策文件名称及文号"),
    ("资金管理办法", "fund_rules", "资金管理办法制定情况，支持的条件、范围与方式"),
    ("资金分配原则", "allocation", "资金分配的原则及考虑因素"),
    ("资金批复文号", "approval_docs", "下达资金的文号及金额"),
    ("实施及管理情况", "implementation", "组织架构、实施流程、管理和监管情况"),
    ("财务管理情况", "finance_management", ""),
    ("主要经验做法", "experience", ""),
    ("存在问题", "problems", "留空时报告为草稿，按失分指标及其原因拟写本节"),
    ("改进措施", "measures", ""),
    ("自评步骤及方法", "method", ""),
    ("项目负责人", "leader", ""),
    ("联系人", "contact", ""),
    ("联系电话", "phone", ""),
    ("评价时间", "evaluated_on", "如：2026年3月15日"),
    (INFO_THRESHOLD, "overachievement_threshold", "完成率达到此值须说明原因，默认 120%"),
    (INFO_REVERSE_FORMULA, "reverse_formula", "下拉选择：比值法（默认）/ 扣减法"),
)
INFO_LABEL_TO_ATTR = {label: attr for label, attr, _ in INFO_FIELDS}
INFO_SYNONYMS = {
    "项目单位": "实施单位",
    "单位名称": "实施单位",
    "预算单位": "实施单位",
    "主管单位": "主管部门",
    "年度": "评价年度",
    "绩效目标": "年度总体目标",
    "总体目标": "年度总体目标",
    "项目负责人姓名": "项目负责人",
    "负责人": "项目负责人",
}

# Fields only some outlines print: a new workbook in that 报告样式 gains these rows below INFO_FIELDS
# (read by label in any workbook; when absent or empty, the report leaves them out).
STYLE_INFO_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    Style.SHANXI: (
        ("设立的必要性", "necessity", "项目设立的必要性（报告“项目概况”中立项依据之后）；不填则不写"),
        ("保证措施", "safeguards", "保证项目实施的措施与制度，如组织领导、资金监管、实施方案；不填时报告写资金管理办法"),
        ("实施期绩效目标", "period_goal", "项目实施期（跨年度）的总体绩效目标；填写后报告分列“实施期绩效目标”和“年度目标”"),
    ),
    Style.SICHUAN: (
        ("资金计划", "fund_plan", "资金的来源和计划用途，如：资金为县级资金，主要用于…（报告“资金计划、到位及使用情况”第1项）"),
        ("资金到位", "fund_arrival", "资金下达的时间和金额，如：2021年2月下达3万元，9月下达9万元（第2项）"),
        ("资金使用", "fund_use", "实际支付的次数、范围、标准和合规性，如：分7次支付，支付合规合法、与预算相符（第3项）"),
    ),
    Style.HUNAN: (
        ("评价依据文件", "evaluation_basis", "报告开头引用的文件，每行一个，如：《……的意见》（中发〔2018〕34号）；按本省本年度文件修改，不填则开头不引用文件"),
        ("年度重点工作计划", "work_plan", "本年度部门重点工作计划（报告“部门概况”第（三）部分）；不填则不写"),
        ("资产管理情况", "assets", "年末资产总额、固定资产构成，资产配置、使用、处置和清查情况；不填则不写"),
        ("公示网址", "public_url", "自评报告公开的网址（报告末尾“公示网址”）；不填则不写"),
    ),
    Style.SHAANXI: (
        ("项目单位法人代码", "unit_code", "统一社会信用代码（18位），印在报告封面；不填则封面不列"),
        ("评价项目类型", "evaluation_kind", "如：项目实施过程评价 项目完成结果评价，印在报告封面；不填时封面写评价类型"),
        ("项目资金调整情况", "fund_adjustment", "预算调整的金额、原因和批复；没有调整时填：本项目无资金调整情况（报告第三部分末尾）"),
        ("主管部门代码", "department_code", "主管部门的预算单位编码，印在自评表“主管部门及代码”一栏（不是项目单位法人代码）；不填则只写名称"),
        ("实施期绩效目标", "period_goal", "项目实施期的总体目标，报告“项目目标”写作“总体目标”；不填则不写"),
        ("实施期资金总额", "period_funds", "项目实施期的资金总额，如：300万元，列入报告“绩效完成表”；不填时该表只列年度资金"),
    ),
}
# what `new` writes into a style's field (the documents the style's reference report cites)
STYLE_INFO_DEFAULTS: dict[str, dict[str, str]] = {
    Style.HUNAN: {
        "评价依据文件": "《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）\n"
        "《中共湖南省委办公厅 湖南省人民政府办公厅关于全面实施预算绩效管理的实施意见》（湘办发〔2019〕10号）",
    },
}
# every field a 项目信息 sheet may name, INFO_FIELDS first; a label two styles share once
_STYLE_ROWS: dict[str, tuple[str, str, str]] = {}
for _rows in STYLE_INFO_FIELDS.values():
    for _row in _rows:
        _STYLE_ROWS.setdefault(_row[0], _row)
ALL_INFO_FIELDS = INFO_FIELDS + tuple(_STYLE_ROWS.values())
INFO_LABEL_TO_ATTR.update({label: attr for label, attr, _ in ALL_INFO_FIELDS})

# Plain strings, in the enums' order: click's Choice would take an Enum member by its (English) name.
EVALUATION_TYPES = tuple(map(str, EvaluationType))
REPORT_STYLES = tuple(map(str, Style))
# The evaluation type each province outline is written for (通用 serves both).
STYLE_TYPES = {Style.SICHUAN: EvaluationType.PROJECT, Style.SHANXI: EvaluationType.PROJECT, Style.SHAANXI: EvaluationType.PROJECT, Style.HUNAN: EvaluationType.DEPARTMENT}
AMOUNT_UNITS = ("万元", "元")
REVERSE_FORMULAS = ("比值法", "扣减法")

# --- header names --------------------------------------------------------------------------
# The canonical column headers of 预算执行 and 绩效指标, each named once: the header tuples and
# synonym tables below and the code that looks a column up use these names.

H_LEVEL1 = "一级指标"
H_LEVEL2 = "二级指标"
H_LEVEL3 = "三级指标"
H_DIRECTION = "指标方向"
H_WEIGHT = "分值"  # both tables
H_TARGET = "年度指标值"
H_ACTUAL = "实际完成值"
H_COMPLETION = "完成率"
H_COMPUTED = "计算得分"
H_MANUAL = "人工得分"
H_SCORE = "得分"  # both tables
H_REASON = "偏差原因分析及改进措施"  # both tables
H_HINTS = "校验提示"
H_SOURCE = "资金来源"
H_INITIAL = "年初预算数"
H_FULL_YEAR = "全年预算数"
H_RECEIVED = "实际到位数"
H_EXECUTED = "全年执行数"
H_BALANCE = "结余"
H_ARRIVAL_RATE = "到位率"
H_EXECUTION_RATE = "执行率"

# --- 预算执行 ------------------------------------------------------------------------------

BUDGET_HEADERS = (
    H_SOURCE,
    H_INITIAL,
    H_FULL_YEAR,
    H_RECEIVED,
    H_EXECUTED,
    H_BALANCE,
    H_ARRIVAL_RATE,
    H_EXECUTION_RATE,
    H_WEIGHT,
    H_SCORE,
    H_REASON,
)
BUDGET_COMPUTED = (H_BALANCE, H_ARRIVAL_RATE, H_EXECUTION_RATE, H_SCORE)
BUDGET_SOURCES = (
    "年度资金总额",
    "财政拨款",
    "其中：中央",
    "其中：省级",
    "其中：市级",
    "其中：县级",
    "上年结转资金",
    "其他资金",
)
BUDGET_HEADER_SYNONYMS = {
    "项目": H_SOURCE,
    "资金性质": H_SOURCE,
    "年初预算资金": H_INITIAL,
    "全年预算资金": H_FULL_YEAR,
    "全年预算": H_FULL_YEAR,
    "实际到位资金": H_RECEIVED,
    "到位数": H_RECEIVED,
    "全年执行资金": H_EXECUTED,
    "执行数": H_EXECUTED,
    "资金结余": H_BALANCE,
    "预算到位率": H_ARRIVAL_RATE,
    "预算执行率": H_EXECUTION_RATE,
    "权重": H_WEIGHT,
    "偏差原因": H_REASON,
    "未完成原因分析": H_REASON,
}
DEFAULT_BUDGET_WEIGHT = 10.0

# --- 绩效指标 ------------------------------------------------------------------------------

INDICATOR_HEADERS = (
    H_LEVEL1,
    H_LEVEL2,
    H_LEVEL3,
    H_DIRECTION,
    H_WEIGHT,
    H_TARGET,
    H_ACTUAL,
    H_COMPLETION,
    H_COMPUTED,
    H_MANUAL,
    H_SCORE,
    H_REASON,
    H_HINTS,
)
INDICATOR_COMPUTED = (H_COMPLETION, H_COMPUTED, H_SCORE, H_HINTS)
INDICATOR_HEADER_SYNONYMS = {
    "权重": H_WEIGHT,
    "指标分值": H_WEIGHT,
    "目标值": H_TARGET,
    "指标值": H_TARGET,
    "年度目标值": H_TARGET,
    "业绩值": H_ACTUAL,
    "全年完成值": H_ACTUAL,
    "实际值": H_ACTUAL,
    "全年实际值": H_ACTUAL,
    "完成值": H_ACTUAL,
    "指标得分": H_SCORE,
    "自评得分": H_SCORE,
    "未完成原因分析": H_REASON,
    "偏差原因分析": H_REASON,
    "偏差原因": H_REASON,
    "原因分析": H_REASON,
    "目标指标": H_LEVEL3,
    "指标内容": H_LEVEL3,
    "方向": H_DIRECTION,
}
# Headers whose presence identifies the indicator table's header row.
INDICATOR_KEY_HEADERS = (H_LEVEL3, H_WEIGHT, H_TARGET, H_ACTUAL)

# In a new workbook: the header row of 绩效指标, and the summary block above it.
INDICATOR_HEADER_ROW = 7
SUMMARY_TOP_ROW = 1  # rows 1..5, columns H..M (the same columns as the computed block)
SUMMARY_FIRST_COL = 8  # H
SUMMARY_LABELS = (H_LEVEL1, H_WEIGHT, H_SCORE, "等级")  # H2..H5
SUMMARY_SLOTS = 5  # I..M: 合计 then up to four 一级指标

DIRECTIONS = ("≥", "≤", "=", "定性", "时效")
DIRECTION_SYNONYMS = {
    ">=": "≥",
    ">": "≥",
    "＞": "≥",
    "正向": "≥",
    "<=": "≤",
    "<": "≤",
    "＜": "≤",
    "反向": "≤",
    "＝": "=",
    "等于": "=",
    "定性指标": "定性",
    "时效指标": "时效",
}

# 一级 → 二级 names a correct table uses. Extra names are accepted with a warning.
LEVEL1_PROJECT = ("产出指标", "效益指标", "满意度指标")
LEVEL1_DEPARTMENT = ("投入管理指标", "过程指标", "产出指标", "效益指标", "满意度指标")
LEVEL1_BUDGET = "预算执行"
LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": (
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "社会效益",
        "经济效益",
        "生态效益",
        "可持续影响",
    ),
    "满意度指标": ("服务对象满意度指标", "服务对象满意度", "满意度"),
    "投入管理指标": ("预算配置", "预算执行", "预算管理", "资产管理", "预算执行效率", "财务管理"),
    "过程指标": ("资金管理", "组织实施", "业务管理", "财务管理"),
}
DEFAULT_LEVEL1_WEIGHTS = {"预算执行": 10.0, "产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}

# --- 校验结果 / 自评报告 --------------------------------------------------------------------

FINDINGS_HEADERS = ("级别", "位置", "规则", "说明")
NARRATIVE_HEADERS = ("章节", "自动生成", "定稿")
# Column widths for these sheets when the program has to add them to a workbook.
ADDED_SHEET_WIDTHS = {
    SHEET_FINDINGS: {1: 8, 2: 18, 3: 24, 4: 80},
    SHEET_NARRATIVE: {1: 30, 2: 70, 3: 70},
}

# --- optional sheets the reports read (陕西: payments and the evaluation team) -------------------

SHEET_PAYMENTS = "支付明细"
SHEET_TEAM = "自评小组"
PAYMENT_HEADERS = ("支付日期", "资金性质", "用途", "支付金额")
PAYMENT_SYNONYMS = {
    "日期": "支付日期",
    "付款日期": "支付日期",
    "拨付日期": "支付日期",
    "资金来源": "资金性质",
    "性质": "资金性质",
    "支出用途": "用途",
    "资金用途": "用途",
    "摘要": "用途",
    "金额": "支付金额",
    "付款金额": "支付金额",
    "拨付金额": "支付金额",
    "支出金额": "支付金额",
}
TEAM_HEADERS = ("姓名", "职务", "单位")
TEAM_SYNONYMS = {"职称": "职务", "职务/职称": "职务", "工作单位": "单位", "所在单位": "单位", "成员": "姓名"}

# --- 基础数据 (部门整体支出) --------------------------------------------------------------------

BASIC_DATA_NOTE_START = "部门整体支出："  # the template's note under the table (not a row of data)
BASIC_DATA_HEADERS = ("项目", "单位", "上年数", "本年预算数", "本年实际数", "说明")
# (key, label in the sheet, unit); a key of "" is a group heading row.
BASIC_DATA_ROWS: tuple[tuple[str, str, str], ...] = (
    ("", "一、人员情况", ""),
    ("staff_quota", "编制数", "人"),
    ("staff_actual", "实有人数", "人"),
    ("", "二、收入情况", ""),
    ("income_total", "收入合计", "万元"),
    ("income_fiscal", "其中：财政拨款收入", "万元"),
    ("income_other", "其中：其他收入", "万元"),
    ("", "三、支出情况", ""),
    ("spend_total", "支出合计（整体支出规模）", "万元"),
    ("spend_basic", "其中：基本支出", "万元"),
    ("spend_personnel", "　　其中：人员经费", "万元"),
    ("spend_public", "　　　　　公用经费", "万元"),
    ("spend_project", "其中：项目支出", "万元"),
    ("", "四、三公经费", ""),
    ("sangong_total", "三公经费合计", "万元"),
    ("sangong_abroad", "其中：因公出国（境）费", "万元"),
    ("sangong_car", "其中：公务用车购置及运行维护费", "万元"),
    ("sangong_reception", "其中：公务接待费", "万元"),
    ("", "五、其他情况", ""),
    ("procurement", "政府采购金额", "万元"),
    ("budget_adjust", "部门整体支出预算调整", "万元"),
    ("frugality", "厉行节约保障措施", ""),  # text: in the 说明 column
)
# Rates the report computes from the rows above and shows in 附件1 after the row they follow:
# (key, label, numerator (key, column), denominator (key, column), the row it follows, how it is computed)
BASIC_DATA_RATES: tuple[tuple[str, str, tuple[str, str], tuple[str, str], str, str], ...] = (
    ("staff_control", "财政供养人员控制率", ("staff_actual", "actual"), ("staff_quota", "actual"), "staff_actual", "实有人数÷编制数"),
    ("sangong_control", "“三公”经费控制率", ("sangong_total", "actual"), ("sangong_total", "budget"), "sangong_reception", "实际数÷预算数"),
    ("public_control", "公用经费控制率", ("spend_public", "actual"), ("spend_public", "budget"), "spend_public", "实际数÷预算数"),
    ("procurement_rate", "政府采购执行率", ("procurement", "actual"), ("procurement", "budget"), "procurement", "实际数÷预算数"),
)
# Other names units give the same rows (compared without spaces, 其中, and a trailing （单位）).
BASIC_DATA_SYNONYMS = {
    "编制人数": "staff_quota",
    "核定编制数": "staff_quota",
    "在职人数": "staff_actual",
    "实有在职人数": "staff_actual",
    "收入总计": "income_total",
    "本年收入合计": "income_total",
    "财政拨款": "income_fiscal",
    "一般公共预算财政拨款收入": "income_fiscal",
    "支出合计": "spend_total",
    "支出总计": "spend_total",
    "本年支出合计": "spend_total",
    "整体支出规模": "spend_total",
    "部门整体支出": "spend_total",
    "三公经费": "sangong_total",
    "三公经费支出": "sangong_total",
    "因公出国(境)费": "sangong_abroad",
    "因公出国（境）费用": "sangong_abroad",
    "因公出国费": "sangong_abroad",
    "公务用车购置和运行维护费": "sangong_car",
    "公务用车购置及运行费": "sangong_car",
    "公务用车费": "sangong_car",
    "公务接待": "sangong_reception",
    "政府采购": "procurement",
    "政府采购金额": "procurement",
    "政府采购支出": "procurement",
    "预算调整": "budget_adjust",
    "部门整体支出预算调整": "budget_adjust",
    "厉行节约": "frugality",
    "厉行节约措施": "frugality",
}
# --- 功能科目 (部门整体支出, 湖南): the department's spending by 支出功能分类科目 -----------------------

SHEET_FUNCTIONS = "功能科目"
FUNCTION_HEADERS = ("科目编码", "科目名称", "基本支出", "项目支出")
FUNCTION_SYNONYMS = {
    "功能分类科目编码": "科目编码",
    "功能科目编码": "科目编码",
    "科目代码": "科目编码",
    "编码": "科目编码",
    "功能分类科目名称": "科目名称",
    "功能分类科目": "科目名称",
    "功能科目": "科目名称",
    "科目": "科目名称",
    "基本支出合计": "基本支出",
    "项目支出合计": "项目支出",
}
FUNCTION_SHEET_SYNONYMS = ("功能科目", "功能科目支出", "支出功能分类", "按功能科目分", "功能分类科目")
FUNCTION_TOTAL_LABELS = ("合计", "总计", "支出合计", "本年支出合计")  # a total row: never an item

BASIC_DATA_COLUMN_SYNONYMS = {
    "上年数": "prior",
    "上年实际数": "prior",
    "上年决算数": "prior",
    "上年": "prior",
    "本年预算数": "budget",
    "预算数": "budget",
    "年初预算数": "budget",
    "本年实际数": "actual",
    "本年决算数": "actual",
    "实际数": "actual",
    "决算数": "actual",
    "本年数": "actual",
    "单位": "unit",
    "说明": "note",
    "备注": "note",
}

# --- limits ----------------------------------------------------------------------------------

MAX_INDICATOR_ROWS = 2000

# --- one-sheet forms units already hold (national, 湖南, 山西, 陕西, 四川; .xls and Word annexes) ---

# label (normalised by grid.header_key) -> ProjectInfo attribute
FORM_INFO_LABELS = {
    "项目名称": "name",
    "项目支出名称": "name",
    "项目名称全称": "name",
    "主管部门": "department",
    "主管部门及代码": "department",
    "主管部门名称": "department",
    "主管单位": "department",
    "实施单位": "unit",
    "实施单位及代码": "unit",
    "项目实施单位": "unit",
    "预算单位": "unit",
    "项目单位": "unit",
    "评价年度": "year",
    "项目负责人": "leader",
    "联系人": "contact",
    "联系电话": "phone",
}
FORM_GOAL_LABELS = ("预期目标", "年度目标", "项目年度目标", "年初设定目标", "年度绩效目标", "总体目标")
FORM_RESULT_LABELS = ("实际完成情况", "年度目标完成情况", "全年实际完成情况", "年度总体目标完成情况", "目标完成情况", "实际完成")
FORM_GOAL_BLOCK = ("年度总体目标", "项目基本情况", "年度总体目标完成情况")
# budget block headers of the forms -> our canonical budget headers
FORM_BUDGET_HEADERS = {
    "年初预算数": H_INITIAL,
    "年初预算": H_INITIAL,
    "年初预算资金": H_INITIAL,
    "全年预算数": H_FULL_YEAR,
    "全年预算": H_FULL_YEAR,
    "调整后预算数": H_FULL_YEAR,
    "调整后预算": H_FULL_YEAR,
    "全年预算数A": H_FULL_YEAR,
    "全年执行数": H_EXECUTED,
    "预算执行数": H_EXECUTED,
    "执行数": H_EXECUTED,
    "实际执行数": H_EXECUTED,
    "全年执行数B": H_EXECUTED,
    "预算数": H_FULL_YEAR,
    "全年预算金额": H_FULL_YEAR,
    "调整预算数": H_FULL_YEAR,
    "执行金额": H_EXECUTED,
    "全年执行金额": H_EXECUTED,
    "实际支出数": H_EXECUTED,
    "实际支出": H_EXECUTED,
    "全年实际支出": H_EXECUTED,
    "实际到位数": H_RECEIVED,
    "到位数": H_RECEIVED,
    "分值": H_WEIGHT,
    "权重": H_WEIGHT,
    "执行率": H_EXECUTION_RATE,
    "预算执行率": H_EXECUTION_RATE,
    "全年执行率": H_EXECUTION_RATE,
    "执行率B/A": H_EXECUTION_RATE,
    "得分": H_SCORE,
    "原因": H_REASON,
    "偏差原因分析及改进措施": H_REASON,
    "未完成原因分析": H_REASON,
    "偏差原因": H_REASON,
}
FORM_BUDGET_AMOUNTS = (H_INITIAL, H_FULL_YEAR, H_EXECUTED, H_RECEIVED)
FORM_SOURCES = {
    "年度资金总额": "年度资金总额",
    "资金总额": "年度资金总额",
    "年度资金总额合计": "年度资金总额",
    "合计": "年度资金总额",
    "总计": "年度资金总额",
    "当年财政拨款": "财政拨款",
    "财政拨款": "财政拨款",
    "财政资金": "财政拨款",
    "上年结转资金": "上年结转资金",
    "上年结转": "上年结转资金",
    "其他资金": "其他资金",
    "其他": "其他资金",
    "财政专户管理资金": "财政专户管理资金",
    "单位资金": "单位资金",
}
# indicator headers the forms use beyond INDICATOR_HEADER_SYNONYMS (度量单位 is a form-only column)
FORM_INDICATOR_SYNONYMS = {
    **INDICATOR_HEADER_SYNONYMS,
    "指标性质": H_DIRECTION,
    "指标属性": H_DIRECTION,
    "度量单位": "度量单位",
    "计量单位": "度量单位",
    "原因": H_REASON,
    "未完成原因": H_REASON,
    "偏差原因分析及改进措施": H_REASON,
    "未完成原因分析及改进措施": H_REASON,
    "年度指标值A": H_TARGET,
    "实际完成值B": H_ACTUAL,
    "得分C": H_SCORE,
    "分值D": H_WEIGHT,
}
FORM_INDICATOR_HEADERS = INDICATOR_HEADERS + ("度量单位",)
# 指标性质 / 指标方向 of a form: every word our own 指标方向 column takes, and what forms print there
FORM_DIRECTIONS = {
    **{d: d for d in DIRECTIONS},
    **DIRECTION_SYNONYMS,
    "正向指标": "≥",
    "反向指标": "≤",
    "定性": "定性",
    "定量": "",
    "定量指标": "",
    # 云南 and others print the comparison itself in 指标性质
    "≧": "≥", "大于等于": "≥", "不低于": "≥",
    "≦": "≤", "小于等于": "≤", "不高于": "≤",
    "═": "=", "〓": "=", "等于等于": "=",
}
# header texts below a parent that name nothing alone: the parent says what they are
FORM_GENERIC_NAMES = ("指标内容", "内容", "指标名称", "名称", "具体指标", "指标")
FORM_GENERIC_VALUES = ("指标值", "值", "数值", "目标", "数量")
# columns real forms carry beside the indicator columns: known, shown, never a target or actual
FORM_EXTRA_COLUMNS = {
    "指标值说明": "指标值说明",
    "指标说明": "指标值说明",
    "指标解释": "指标值说明",
    "评分标准": "评分标准",
    "评扣分标准": "评分标准",
    "扣分标准": "评分标准",
    "评分细则": "评分标准",
    "评分依据": "评分标准",
    "计分方法": "评分标准",
    "评分方法": "评分标准",
    "备注": "备注",
    "说明": "备注",
    "序号": "序号",
    "等级": "等级",
    "评价等级": "等级",
    "自评等级": "等级",
}
FORM_GRADES = ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格", "较差")
# a row whose label is one of these is the declared total, never an indicator
FORM_TOTAL_LABELS = ("总分", "合计", "总计", "得分合计", "总得分", "合计得分", "分值合计", "综合得分", "自评总分", "自评得分合计", "总分值")
# rows below the table that are text, never indicators (matched at the start of the label)
FORM_TEXT_ROWS = (
    "评价结论", "总体评价", "自评结论", "存在问题", "存在的问题", "主要问题", "改进措施", "整改措施", "改进意见", "意见建议",
    "填表人", "负责人", "项目负责人", "财务负责人", "单位负责人", "审核人", "复核人", "联系人", "联系电话",
    "日期", "填报日期", "填表日期", "签字", "盖章", "单位盖章", "单位（盖章）", "备注", "说明", "注", "注：",
    "其他需要说明事项", "其他需要说明的事项", "其他说明事项", "其他说明", "需要说明的事项",
)
# text rows carried into the project information: label start -> attribute
FORM_TEXT_INFO = {"存在问题": "problems", "存在的问题": "problems", "主要问题": "problems", "改进措施": "measures", "整改措施": "measures", "改进意见": "measures"}
