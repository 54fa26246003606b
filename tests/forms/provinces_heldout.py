"""HELD-OUT provinces' 项目支出绩效自评表 fixtures.

FROZEN: written before the form reader was changed to read header bands, placeholder rows and
budget variants, as a corpus the reader is measured on, not developed against. Do not tune the
reader to these tables and do not edit them to fit the reader: a failure here is a finding about
the reader. (Fixtures a reader may be developed against are in provinces.py.)

Same conventions as provinces.py: each fixture names the 表样 it follows and carries the answer
computed by hand from the domain rules (R2 budget score, R8 sum of row scores, R11 the unit's own
得分, R12 grade).
"""

from __future__ import annotations

from tests.forms.tables import NATIONAL_BUDGET, Expected, Fixture, Money, Placeholder, Row, Shape, Table

# --- 浙江: 指标值说明, 评（扣）分标准 and 备注 columns; the table at C4 with a spacer column --------------

ZHEJIANG = Fixture(
    Table(
        key="zhejiang",
        province="浙江",
        source="浙江省财政厅 项目支出绩效自评表（含指标值说明、评（扣）分标准、备注列）",
        title="2021年度项目支出绩效自评表",
        year="2021",
        name="城乡居民基本医疗保险财政补助资金",
        department="某县医疗保障局",
        unit="某县医疗保障局",
        goal="按标准落实城乡居民医保财政补助，户籍人口参保率稳定在99%以上。",
        result="参保45.6万人，户籍人口参保率99.2%，财政补助1485万元到位。",
        budget=(
            Money("年度资金总额", 1500, 1500, 1485, 10, "99%", 9.9),
            Money("其中：当年财政拨款", 1500, 1500, 1485),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "参保人数", "≥45万人", "45.6万人", 15, 15, note="以年末参保统计为准", standard="未达目标按比例扣分"),
            Row("产出指标", "质量指标", "户籍人口参保率", "≥99%", "99.2%", 15, 15, note="户籍人口口径", standard="每低1个百分点扣3分"),
            Row("产出指标", "时效指标", "财政补助资金到位时间", "2021年11月底前", "2021年10月", 10, 10, standard="逾期不得分"),
            Row("产出指标", "成本指标", "人均财政补助标准", "≥610元", "610元", 10, 10, standard="低于标准不得分"),
            Row("效益指标", "社会效益指标", "政策范围内住院报销比例", "≥65%", "63.5%", 10, 9.77, "大病保险二次报销未计入，下年度调整口径", standard="按完成比例计分"),
            Row("效益指标", "可持续影响指标", "医保基金运行", "平稳", "平稳运行", 10, 10, standard="出现穿底不得分"),
            Row("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "92%", 20, 20, note="第三方抽样调查", standard="每低1个百分点扣1分"),
        ),
        total_score=99.67,
        expected=Expected(
            count=7, total=99.67, grade="优",
            work="budget 10 × 1485/1500 = 9.9; rows 15+15+10+10+9.77+10+20 = 89.77 (9.77 = 10 × 63.5/65 rounded); total 99.67 → 优",
            budget_full_year=1500, budget_executed=1485, budget_score=9.9, sources={"财政拨款": 1485},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标",)),
            ("target", ("年度指标值",)),
            ("note", ("指标值说明",)),
            ("actual", ("实际完成值",)),
            ("weight", ("分值",)),
            ("score", ("得分",)),
            ("standard", ("评（扣）分标准",)),
            ("reason", ("偏差原因分析及改进措施",)),
            ("remark", ("备注",)),
        ),
        offset=(3, 2),
        spacer_after="l3",
    ),
)

# --- 江苏: 指标方向 column, 目标值 / 权重, total row with 评价等级 ------------------------------------------

JIANGSU = Fixture(
    Table(
        key="jiangsu",
        province="江苏",
        source="江苏省财政厅 项目支出绩效自评表（指标方向列，权重，总分行注明评价等级）",
        title="项目支出绩效自评表",
        year="2022",
        name="城乡医疗救助补助资金",
        department="某区医疗保障局",
        unit="某区医疗保障基金结算中心",
        goal="落实医疗救助政策，资助困难群众参保并实施住院、门诊救助。",
        result="全年救助19230人次，救助资金支付738万元。",
        budget=(
            Money("年度资金总额", 800, 820, 738, 10, "90%", 9),
            Money("其中：本年财政拨款", 800, 820, 738),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "医疗救助人次", "≥18000人次", "19230人次", 15, 15, kind="正向"),
            Row("产出指标", "质量指标", "救助政策落实到位率", "100%", "100%", 15, 15, kind="正向"),
            Row("产出指标", "时效指标", "救助资金结算时限", "≤30天", "15天", 10, 10, kind="反向"),
            Row("产出指标", "成本指标", "住院救助次均费用", "≤1500元", "1380元", 10, 10, kind="反向"),
            Row("效益指标", "社会效益指标", "因病致贫返贫发生率", "≤1%", "0.5%", 10, 10, kind="反向"),
            Row("效益指标", "可持续影响指标", "救助制度持续运行", "持续", "持续", 10, 10, kind="定性"),
            Row("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "85%", 20, 18.89, "部分对象对救助进度不满意，将压缩结算时间", kind="正向"),
        ),
        total_score=97.89,
        grade="优",
        expected=Expected(
            count=7, total=97.89, grade="优",
            work="budget 10 × 738/820 = 9 (rate 90%); rows 15+15+10+10+10+10+18.89 = 88.89 (18.89 = 20 × 85/90 rounded); total 97.89 → 优",
            budget_full_year=820, budget_executed=738, budget_score=9.0, sources={"财政拨款": 738},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标",)),
            ("kind", ("指标方向",)),
            ("target", ("目标值",)),
            ("actual", ("实际完成值",)),
            ("weight", ("权重",)),
            ("score", ("得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
            ("remark", ("备注",)),
        ),
        total_style="grade_column",
    ),
)

# --- 山东: amounts in 元 (unit line), ≧ ═ ≦ signs, a printed budget 得分 that differs from the rule ----------

SHANDONG = Fixture(
    Table(
        key="shandong",
        province="山东",
        source="山东省财政厅 项目支出绩效自评表（表头上方“单位：元”，预算执行得分由单位填列）",
        title="项目支出绩效自评表",
        year="2022",
        name="家庭医生签约服务经费",
        department="某县卫生健康局",
        unit="某县基层医疗卫生机构",
        goal="家庭医生签约人数不少于3万人，履约率不低于90%。",
        result="签约31250人，履约率88%。",
        budget=(
            Money("年度资金总额", 320, 320, 317.12, 10, "99.1%", 9),
            Money("其中：当年财政拨款", 320, 320, 317.12),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "家庭医生签约人数", "≧30000人", "31250人", 15, 15),
            Row("产出指标", "质量指标", "签约服务履约率", "≧90%", "88%", 15, 14, "部分签约居民外出务工，随访未全覆盖"),
            Row("产出指标", "时效指标", "资金拨付时限", "≦30天", "25天", 10, 10),
            Row("产出指标", "成本指标", "人均签约服务费", "═100元", "100元", 10, 10),
            Row("效益指标", "社会效益指标", "慢病规范管理率", "≧60%", "55%", 10, 8, "高血压患者随访不规范，将加强督导"),
            Row("效益指标", "可持续影响指标", "签约服务机制", "长期", "长期", 10, 10),
            Row("满意度指标", "服务对象满意度指标", "签约居民满意度", "≧90%", "86%", 20, 17, "服务内容单一，将增加个性化服务包"),
        ),
        total_score=93,
        expected=Expected(
            count=7, total=93.0, grade="优",
            work="rule: budget 10 × 317.12/320 = 9.91, the unit printed 9; the unit's rows 15+14+10+10+8+10+17 = 84 and its total 93 = 9 + 84. "
            "The printed 9 is the unit's own score (like a manual score): 93 优 with a finding naming 9 and 9.91, or 待定 at the budget 得分 "
            "cell — never 93.91",
            budget_full_year=320, budget_executed=317.12, budget_score=None, sources={"财政拨款": 317.12},
            pending=("budget_score", ""), or_pending=True, never=93.91,
        ),
    ),
    Shape(unit_line="单位：元", budget_label="项目资金", budget_in_yuan=True),
)

# --- 河南: 其中:本年财政拨款, 指标性质 column, placeholder rows of “-” and empty 三级指标, 其他需要说明事项 ----------

HENAN = Fixture(
    Table(
        key="henan",
        province="河南",
        source="河南省财政厅 项目支出绩效自评表（指标性质列；空行以“-”填列；其他需要说明事项行）",
        title="项目支出绩效自评表",
        year="2021",
        name="医保经办人员业务培训经费",
        department="某市医疗保障局",
        unit="某市医疗保障服务中心",
        goal="开展医保经办人员业务培训不少于300人次，提升经办服务规范化水平。",
        result="培训326人次，考核合格率97%。",
        budget=(
            Money("年度资金总额", 60, 60, 57.6, 10, "96%", 9.6),
            Money("其中:本年财政拨款", 60, 60, 57.6),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "培训医保经办人员", "≥300人次", "326人次", 20, 20, kind="正向"),
            Row("产出指标", "质量指标", "培训考核合格率", "≥95%", "97%", 10, 10, kind="正向"),
            Row("产出指标", "时效指标", "培训完成时间", "2021年10月底前", "2021年9月", 10, 10, kind="定性"),
            Row("产出指标", "成本指标", "人均培训成本", "≤200元", "184元", 10, 10, kind="反向"),
            Row("效益指标", "社会效益指标", "经办服务规范化水平", "提升", "明显提升", 15, 15, kind="定性"),
            Row("效益指标", "可持续影响指标", "经办人员业务能力", "持续提升", "持续提升", 15, 15, kind="定性"),
            Row("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "87%", 10, 9.67, "培训时间安排偏紧，将分批次开展", kind="正向"),
        ),
        placeholders=(
            Placeholder(1, "-", "-"),
            Placeholder(4, None, None),
            Placeholder(5, "-", "-", l2="经济效益指标"),
            Placeholder(5, None, "-", l2="生态效益指标"),
            Placeholder(7, None, None),
        ),
        total_score=99.27,
        tail=(("其他需要说明事项", "无"),),
        expected=Expected(
            count=7, total=99.27, grade="优",
            work="budget 10 × 57.6/60 = 9.6; rows 20+10+10+10+15+15+9.67 = 89.67 (9.67 = 10 × 87/90 rounded); total 99.27 → 优; "
            "the “-” and empty rows are template rows, not indicators; 其中:本年财政拨款 is 财政拨款",
            budget_full_year=60, budget_executed=57.6, budget_score=9.6, sources={"财政拨款": 57.6},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标",)),
            ("kind", ("指标性质",)),
            ("target", ("年度指标值",)),
            ("actual", ("实际完成值",)),
            ("weight", ("分值",)),
            ("score", ("得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
        ),
        tail_before_total=True,
        budget_columns=NATIONAL_BUDGET,
    ),
)

# --- 甘肃: 指标值 over 年度指标值 / 实际完成值 (two-row header), a 完成率 column, a 得分 that is not a number --

GANSU = Fixture(
    Table(
        key="gansu",
        province="甘肃",
        source="甘肃省财政厅 项目支出绩效自评表（指标值分年度指标值、实际完成值两栏，含完成率）",
        title="项目支出绩效自评表",
        year="2022",
        name="药品集中带量采购工作经费",
        department="某市医疗保障局",
        unit="某市医药采购服务中心",
        goal="落实国家和省级药品集中带量采购，中选药品使用率不低于90%。",
        result="执行集采药品112个品种，中选药品使用率93%。",
        budget=(
            Money("年度资金总额", 45, 45, 45, 10, "100%", 10),
            Money("其中：当年财政拨款", 45, 45, 45),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "药品集中带量采购品种", "≥100个", "112个", 15, 15),
            Row("产出指标", "质量指标", "中选药品使用率", "≥90%", "93%", 15, 15),
            Row("产出指标", "时效指标", "采购结算及时率", "100%", "100%", 10, 10),
            Row("产出指标", "成本指标", "采购经费控制", "控制在年度预算内", "控制在年度预算内", 10, 10),
            Row("效益指标", "社会效益指标", "药品价格平均降幅", "≥50%", "53%", 10, 10),
            Row("效益指标", "可持续影响指标", "集采常态化机制", "建立", "部分完成，制度尚在修订", 10, "见备注", "配套制度尚在修订"),
            Row("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", "91%", 20, 20),
        ),
        total_score=None,
        expected=Expected(
            count=7, total=None, grade="",
            work="集采常态化机制: the unit's 得分 reads 见备注 (not a number) and its actual 部分完成 puts the row in the 部分达成 tier "
            "[6, 8): the unit's score is unknown, so the total and grade are 待定 naming that 得分 cell (R11: a manual score that "
            "cannot be read is never replaced by a guess); the other rows and the budget give 10 + 80 = 90",
            budget_full_year=45, budget_executed=45, budget_score=10, sources={"财政拨款": 45},
            pending=("score", "集采常态化机制"),
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标",)),
            ("target", ("指标值", "年度指标值")),
            ("actual", ("指标值", "实际完成值")),
            ("ratio", ("完成率",)),
            ("weight", ("分值",)),
            ("score", ("得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
        ),
    ),
)

HELD_OUT: tuple[Fixture, ...] = (ZHEJIANG, JIANGSU, SHANDONG, HENAN, GANSU)
