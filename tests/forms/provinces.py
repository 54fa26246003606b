"""Provinces' published 项目支出绩效自评表 layouts as fixtures (the SEEN set: a reader may be
developed against these; see provinces_heldout.py for the set it must not be tuned to).

Each fixture names the notice / 表样 whose layout it follows (rebuilt cell by cell from the
province's published blank form: the block order, the header labels and the merged parents, the
total row), is filled with values of the kind real tables carry (the reference reports and the
messy-value list of the domain notes), and states the answer computed by hand from the domain
rules: R2 budget score = 分值 × min(全年执行数 ÷ 全年预算数, 100%) rounded half-up to 2 decimals;
a unit's own 得分 is its manual score (R11); total = budget score + Σ row scores (R8); grade R12
(优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60).
"""

from __future__ import annotations

from tests.forms.tables import NATIONAL_COLUMNS, Expected, Fixture, Money, Placeholder, Row, Shape, Table

# --- 全国: 财预〔2020〕10号 附件1 ------------------------------------------------------------------------

QUANGUO = Fixture(
    Table(
        key="quanguo",
        province="全国",
        source="财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）附件1 项目支出绩效自评表",
        title="项目支出绩效自评表",
        year="2023",
        name="城乡居民参加基本医疗保险县级配套资金",
        department="某县医疗保障局",
        unit="某县医疗保障局",
        goal="确保全县城乡居民医有所保、病有所医，医疗保障全覆盖。",
        result="全县242202名城乡居民按要求参加基本医疗保险，县级配套资金足额到位。",
        budget=(
            Money("年度资金总额", 300, 300, 300, 10, "100%", 10),
            Money("其中：当年财政拨款", 300, 300, 300),
            Money("上年结转资金", None, None, None),
            Money("其他资金", 0, 0, 0),
        ),
        rows=(
            Row("产出指标", "数量指标", "补助涉及范围", "242202 人", "100%", 10, 10),
            Row("产出指标", "质量指标", "城乡居民参加医疗保险率", "100%", "100%", 10, 10),
            Row("产出指标", "质量指标", "城乡居民参加医疗保险县级财政资助率", "100%", "100%", 10, 10),
            Row("产出指标", "时效指标", "城乡居民参保县级补助资金到位及时率", "100%", "100%", 15, 15),
            Row("产出指标", "成本指标", "预算执行数", "300万元", "300万元", 15, 15),
            Row("效益指标", "社会效益指标", "确保全县城乡居民按要求参加医疗保险", "上访率≤1%", "0", 10, 10),
            Row("满意度指标", "服务对象满意度指标", "城乡居民满意度", "95%", "94%", 10, 9, "以后加大政策宣传力度"),
            Row("满意度指标", "服务对象满意度指标", "城乡居民对资助政策知晓度", "99%", "97%", 10, 8, "对群众医保政策宣传不够"),
        ),
        total_score=97,
        expected=Expected(
            count=8, total=97.0, grade="优",
            work="budget 10 × min(300/300, 1) = 10; rows 10+10+10+15+15+10+9+8 = 87; total 97 → 优",
            budget_full_year=300, budget_executed=300, budget_score=10, sources={"财政拨款": 300},
        ),
    ),
    Shape(),
)

# --- 安徽: the template's empty rows kept --------------------------------------------------------------

_ANHUI_ROWS = (
    Row("产出指标", "数量指标", "资助参保人数", "≥3626人", "3626人", 10, 10),
    Row("产出指标", "数量指标", "医疗救助人次", "≥4500人次", "4682人次", 10, 10),
    Row("产出指标", "质量指标", "救助政策落实率", "100%", "100%", 10, 10),
    Row("产出指标", "时效指标", "救助资金发放及时性", "一个月内", "一个月内", 10, 10),
    Row("产出指标", "成本指标", "人均资助标准", "≤280元", "280元", 10, 10),
    Row("效益指标", "社会效益指标", "困难群众就医负担", "有效减轻", "明显减轻", 10, 10),
    Row("效益指标", "可持续影响指标", "医疗救助制度运行", "持续", "持续", 10, 10),
    Row("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥95%", "96%", 10, 10),
    Row("满意度指标", "服务对象满意度指标", "投诉率", "≤1%", "0", 10, 10),
)

ANHUI = Fixture(
    Table(
        key="anhui",
        province="安徽",
        source="安徽省财政厅 省级项目支出绩效自评表样（项目支出绩效自评表，每个二级指标下预留“指标1：”“指标2：”“……”空行）",
        title="项目支出绩效自评表",
        year="2021",
        name="城乡困难群众医疗救助资金",
        department="某县医疗保障局",
        unit="某县医疗保障服务中心",
        goal="资助3626名困难群众参加城乡居民医保，对符合条件的救助对象实施住院和门诊救助，减轻困难群众就医负担。",
        result="资助3626人参保，实施医疗救助4682人次，困难群众就医负担明显减轻。",
        budget=(
            Money("年度资金总额", 120, 120, 114, 10, "95%", 9.5),
            Money("其中：当年财政拨款", 120, 120, 114),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=_ANHUI_ROWS,
        placeholders=(
            Placeholder(2, "指标3："),
            Placeholder(3, "指标2:"),
            Placeholder(3, "……"),
            Placeholder(4, "指标2："),
            Placeholder(4, "……"),
            Placeholder(5, "指标2："),
            Placeholder(5, "……"),
            Placeholder(5, "指标1：", "/", l2="经济效益指标"),
            Placeholder(5, "/", "/", l2="经济效益指标"),
            Placeholder(6, "指标2："),
            Placeholder(6, "指标1：", "/", l2="生态效益指标"),
            Placeholder(6, "……", None, l2="生态效益指标"),
            Placeholder(7, "指标2："),
            Placeholder(7, "……"),
            Placeholder(9, "指标3："),
            Placeholder(9, "……"),
            Placeholder(9, None),
            Placeholder(9, "/", "/"),
        ),
        total_score=99.5,
        expected=Expected(
            count=9, total=99.5, grade="优",
            work="budget 10 × 114/120 = 9.5; rows 9 × 10 = 90; total 99.5 → 优; 18 template rows are not indicators",
            budget_full_year=120, budget_executed=114, budget_score=9.5, sources={"财政拨款": 114},
        ),
    ),
    Shape(),
)

# --- 云南: 三级指标 split into 指标内容 / 指标性质 / 指标值 / 度量单位 under a two-row header ------------

YUNNAN = Fixture(
    Table(
        key="yunnan",
        province="云南",
        source="云南省财政厅 项目支出绩效自评表（表样：三级指标分列指标内容、指标性质、指标值、度量单位，末行“其他需要说明事项”与总分）",
        title="项目支出绩效自评表",
        year="2022",
        name="困难残疾人生活补贴和重度残疾人护理补贴",
        department="某县民政局",
        unit="某县民政局",
        goal="按月足额发放两项补贴，保障困难残疾人基本生活和重度残疾人长期照护需求。",
        result="全年为1236名残疾人按月发放两项补贴，资金全部支付。",
        budget=(
            Money("年度资金总额", 86.4, 86.4, 86.4, 10, "100%", 10),
            Money("其中：当年财政拨款", 86.4, 86.4, 86.4),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "补贴发放人数", 1200, 1236, 15, 15, kind="≥", unit="人"),
            Row("产出指标", "数量指标", "补贴标准", 60, 60, 10, 10, kind="﹦", unit="元/人·月"),
            Row("产出指标", "质量指标", "发放准确率", 98, 97, 15, 14, "个别对象信息变更未及时更新，已补发", kind="≥", unit="%"),
            Row("产出指标", "时效指标", "补贴发放时间", "按月发放", "按月足额发放", 10, 10, kind="定性"),
            Row("产出指标", "成本指标", "人均年补贴成本", 720, 720, 10, 10, kind="≤", unit="元"),
            Row("效益指标", "社会效益指标", "残疾人生活质量", "有效改善", "明显改善", 10, 10, kind="定性"),
            Row("效益指标", "可持续影响指标", "补贴制度持续运行", "长期", "长期", 10, 10, kind="定性"),
            Row("满意度指标", "服务对象满意度指标", "受益残疾人满意度", 95, 92, 10, 7, "部分对象反映发放信息告知不及时，将加强告知", kind="≥", unit="%"),
        ),
        total_score=96,
        grade="优",
        expected=Expected(
            count=8, total=96.0, grade="优",
            work="budget 10 × 86.4/86.4 = 10; rows 15+10+14+10+10+10+10+7 = 86; total 96 → 优; the last row "
            "(其他需要说明事项 | 无 | 总分 | 100 | 96 | 优) is the total, not an indicator; 指标性质 (≥ ﹦ ≤ 定性) is the direction, never the target",
            budget_full_year=86.4, budget_executed=86.4, budget_score=10, sources={"财政拨款": 86.4},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标", "指标内容")),
            ("kind", ("三级指标", "指标性质")),
            ("target", ("三级指标", "指标值")),
            ("unit", ("三级指标", "度量单位")),
            ("actual", ("实际完成值",)),
            ("weight", ("分值",)),
            ("score", ("得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
        ),
        total_style="yunnan",
    ),
)

# --- 湖南: 项目支出名称, points in the labels, amounts in 元, 满意度 under 效益指标 -----------------------

HUNAN = Fixture(
    Table(
        key="hunan",
        province="湖南",
        source="湖南省财政厅 部门预算绩效自评通知 附件3 项目支出绩效自评表（项目支出名称；一级、二级指标标注分值）",
        title="附件3\n项目支出绩效自评表",
        year="2020",
        name="城乡医疗救助资金",
        department="某市医疗保障局",
        unit="某市医疗保障事务中心",
        goal="对城乡低保、特困等困难群众实施医疗救助，减轻其医疗费用负担。",
        result="全年实施医疗救助2135人次，支付救助资金49.92万元。",
        budget=(
            Money("年度资金总额", 50, 52, 49.92, 10, "96%", 9.6),
            Money("其中：当年财政拨款", 50, 52, 49.92),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "救助人次", "≥2000人次", "2135人次", 15, 15),
            Row("产出指标", "质量指标", "救助对象认定准确率", "100%", "100%", 10, 10),
            Row("产出指标", "时效指标", "救助资金支付时间", "2020年12月底前", "2020年12月", 10, 10),
            Row("产出指标", "成本指标", "次均救助金额", "≤260元", "233.8元", 15, 15),
            Row("效益指标", "社会效益指标", "困难群众医疗负担", "有效减轻", "有效减轻", 15, 15),
            Row("效益指标", "可持续影响指标", "救助制度长效运行", "长期", "长期", 15, 15),
            Row("效益指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "88%", 10, 9, "个别救助对象对报销进度不满意，将简化流程"),
        ),
        total_score=98.6,
        expected=Expected(
            count=7, total=98.6, grade="优",
            work="budget 10 × 49.92/52 = 9.6; rows 15+10+10+15+15+15+9 = 89; total 98.6 → 优; declared 产出 50 / 效益 40 agree",
            budget_full_year=52, budget_executed=49.92, budget_score=9.6, sources={"财政拨款": 49.92},
        ),
    ),
    Shape(name_label="项目支出名称", budget_in_yuan=True, points=True),
)

# --- 四川: 部门预算项目支出绩效自评表 (指标性质, 度量单位, 合计, 评价结论) ------------------------------

SICHUAN = Fixture(
    Table(
        key="sichuan",
        province="四川",
        source="四川省财政厅 部门预算项目支出绩效自评表（预算执行情况（10分）、绩效指标（90分），指标性质、度量单位列）",
        title="部门预算项目支出绩效自评表",
        year="2021",
        name="对上争取资金奖励",
        department="某县医疗保障局",
        unit="某县医疗保障事务中心",
        goal="开展对上争取资金工作，保障全县医疗救助政策正常实施。",
        result="向上级汇报工作2次，完成年度争取资金目标，工作经费11.4万元。",
        budget=(
            Money("年度资金总额", 12, 12, 11.4, 10, "95%", 9.5),
            Money("其中：财政资金", 12, 12, 11.4),
            Money("财政专户管理资金", None, None, None),
            Money("单位资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "向上级汇报工作次数", 2, 2, 10, 10, kind="正向", unit="次"),
            Row("产出指标", "质量指标", "达到预期争取资金目标", "完成目标", "完成目标", 20, 20, kind="定性"),
            Row("产出指标", "时效指标", "资金使用完成时间", "年度内", "年度内", 10, 10, kind="定性"),
            Row("产出指标", "成本指标", "对上争取资金工作所发生费用", 12, 11.4, 10, 10, kind="反向", unit="万元"),
            Row("效益指标", "社会效益指标", "保障医疗救助政策正常实施", "有效保障", "有效保障", 15, 15, kind="定性"),
            Row("效益指标", "可持续影响指标", "医疗救助资金持续投入", "持续", "持续", 15, 15, kind="定性"),
            Row("满意度指标", "服务对象满意度指标", "救助对象满意度", 95, 96, 10, 10, kind="正向", unit="%"),
        ),
        total_score=99.5,
        tail=(("评价结论", "该项目完成年度绩效目标，自评得分99.5分，等级为优。"), ("存在问题", "无"), ("改进措施", "加强预算执行进度管理")),
        signature="项目负责人：          财务负责人：          填表人：",
        expected=Expected(
            count=7, total=99.5, grade="优",
            work="budget 10 × 11.4/12 = 9.5; rows 10+20+10+10+15+15+10 = 90; total 99.5 → 优; 评价结论/存在问题/改进措施 are text",
            budget_full_year=12, budget_executed=11.4, budget_score=9.5, sources={"财政拨款": 11.4},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("三级指标",)),
            ("kind", ("指标性质",)),
            ("target", ("指标值",)),
            ("unit", ("度量单位",)),
            ("actual", ("完成值",)),
            ("weight", ("权重",)),
            ("score", ("得分",)),
            ("reason", ("未完成原因分析",)),
        ),
        block_label="绩效指标（90分）",
        budget_label="预算执行情况（万元）（10分）",
        budget_columns=(("initial", "年初预算数"), ("full_year", "调整后预算数"), ("executed", "预算执行数"), ("rate", "预算执行率"), ("weight", "权重"), ("score", "得分")),
        goal_block="项目基本情况",
        goal_labels=("项目年度目标", "年度目标完成情况"),
        total_label="合计",
    ),
)

# --- 山西: 附件1, no budget block, 预算执行率 the first indicator row ---------------------------------------

SHANXI = Fixture(
    Table(
        key="shanxi",
        province="山西",
        source="山西省财政厅 项目支出绩效自评表（附件1：目标指标、权重、目标值、业绩值、完成率、指标得分，预算执行率列为首行指标）",
        title="附件1.项目支出绩效自评表",
        year="2021",
        name="困难群众参加城乡居民医保资助资金",
        department="某县医疗保障局",
        unit="某县医疗保险中心",
        goal="资助3626名困难群众参加城乡居民基本医疗保险。",
        result="资助3626人参保，人均资助280元，资金101.53万元全部拨付。",
        rows=(
            Row("预算执行指标", "预算执行指标", "预算执行率", "100%", "96.5%", 10, 9.65, "部分资助对象年中退出，资金结余"),
            Row("产出指标", "数量指标", "资助参保人数", "3626人", "3626人", 10, 10),
            Row("产出指标", "数量指标", "资助标准", "≥280元/人", "280元/人", 10, 10),
            Row("产出指标", "质量指标", "资助参保率", "100%", "100%", 10, 10),
            Row("产出指标", "时效指标", "资金拨付时间", "2021年", "2021年", 10, 10),
            Row("产出指标", "成本指标", "资助资金总额", "≤101.53万元", "101.53万元", 10, 10),
            Row("效益指标", "社会效益指标", "困难群众参保负担", "减轻", "有效减轻", 15, 15),
            Row("效益指标", "可持续影响指标", "参保长效机制", "健全", "健全", 15, 15),
            Row("满意度指标", "服务对象满意度指标", "参保对象满意度", "≥95%", "93%", 10, 9, "部分对象对缴费渠道不熟悉，将加强宣传"),
        ),
        total_score=98.65,
        expected=Expected(
            count=9, total=98.65, grade="优",
            work="no budget block: 预算执行率 row 10 × 96.5% = 9.65; other rows 10×5 + 15 + 15 + 9 = 89; total 98.65 → 优",
        ),
    ),
    Shape(
        columns=(
            ("l1", ("一级指标",)),
            ("l2", ("二级指标",)),
            ("l3", ("目标指标",)),
            ("weight", ("权重",)),
            ("target", ("目标值",)),
            ("actual", ("业绩值",)),
            ("ratio", ("完成率",)),
            ("score", ("指标得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
        ),
        block_label=None,
        year_line="（{year}年度）",
        goal_block="年度总体目标",
        total_label="合计",
    ),
)

# --- 陕西: 主管部门及代码, no 全年预算数, 未完成原因分析 -----------------------------------------------------

SHAANXI = Fixture(
    Table(
        key="shaanxi",
        province="陕西",
        source="陕西省财政厅 项目支出绩效自评表（主管部门及代码；年初预算数、全年执行数、全年执行率、分值、执行率、得分；未完成原因分析）",
        title="项目支出绩效自评表",
        year="2023",
        name="困难群众参保资助资金",
        department="某县医疗保障局（301001）",
        unit="某县医疗保障局",
        goal="资助5756名困难群众参加城乡居民医保，减轻其缴费负担。",
        result="资助5756人参保，资金执行190万元。",
        budget=(
            Money("年度资金总额", 200, None, 190, 10, "95%", 9.5),
            Money("其中:财政拨款", 200, None, 190),
            Money("其他资金", 0, None, 0),
        ),
        rows=(
            Row("产出指标", "数量指标", "资助困难群众参保人数", "≥5756人", "5756人", 15, 15),
            Row("产出指标", "质量指标", "资助对象覆盖率", "100%", "100%", 15, 15),
            Row("产出指标", "时效指标", "资金到位及时率", "100%", "100%", 10, 10),
            Row("产出指标", "成本指标", "人均资助标准", "350元", "350元", 10, 10),
            Row("效益指标", "经济效益指标", "减轻参保群众缴费负担", "≥200万元", "190万元", 10, 9.5, "部分资助对象年中死亡或外迁"),
            Row("效益指标", "社会效益指标", "困难群众基本医疗保障水平", "提高", "有所提高", 10, 10),
            Row("效益指标", "可持续影响指标", "医保基金稳定运行", "长期", "长期", 10, 10),
            Row("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", 10, 10),
        ),
        total_score=99,
        expected=Expected(
            count=8, total=99.0, grade="优",
            work="budget (against 年初预算数, no 全年预算数 column) 10 × 190/200 = 9.5; rows 15+15+10+10+9.5+10+10+10 = 89.5; total 99 → 优",
            budget_full_year=200, budget_executed=190, budget_score=9.5, sources={"财政拨款": 190},
        ),
    ),
    Shape(
        dept_label="主管部门及代码",
        budget_columns=(("initial", "年初预算数"), ("executed", "全年执行数"), ("rate", "全年执行率"), ("weight", "分值"), ("rate", "执行率"), ("score", "得分")),
        columns=NATIONAL_COLUMNS[:-1] + (("reason", ("未完成原因分析",)),),
    ),
)

# --- 广东: a three-row header band (绩效指标 over 一级/二级/三级 and 指标值 over 年度指标值/实际完成值) --------

GUANGDONG = Fixture(
    Table(
        key="guangdong",
        province="广东",
        source="广东省财政厅 项目支出绩效自评表（绩效指标表头三行：绩效指标 / 指标值 / 年度指标值、实际完成值；总分行列明评价等级）",
        title="项目支出绩效自评表",
        year="2021",
        name="基层家庭医生签约服务补助资金",
        department="某市卫生健康局",
        unit="某市基层卫生服务中心",
        goal="做实家庭医生签约服务，重点人群签约率不低于60%。",
        result="签约12.6万人，重点人群签约率62.3%。",
        budget=(
            Money("年度资金总额", 300, 280, 266, 10, "95%", 9.5),
            Money("其中：当年财政拨款", 300, 280, 266),
            Money("上年结转资金", None, None, None),
            Money("其他资金", None, None, None),
        ),
        rows=(
            Row("产出指标", "数量指标", "签约服务人数", "≥12万人", "12.6万人", 15, 15),
            Row("产出指标", "质量指标", "重点人群签约率", "≥60%", "62.3%", 15, 15),
            Row("产出指标", "时效指标", "补助资金拨付时间", "2021年12月31日前", "2021年12月20日", 10, 10),
            Row("产出指标", "成本指标", "人均签约服务补助", "≤25元", "22元", 10, 10),
            Row("效益指标", "社会效益指标", "基层首诊率", "提升", "较上年提升", 10, 10),
            Row("效益指标", "可持续影响指标", "签约服务长效机制", "健全", "健全", 10, 10),
            Row("满意度指标", "服务对象满意度指标", "签约居民满意度", "≥85%", "83%", 20, 19, "服务响应速度有待提高，将增加团队人手"),
        ),
        total_score=98.5,
        grade="优",
        expected=Expected(
            count=7, total=98.5, grade="优",
            work="budget 10 × 266/280 = 9.5; rows 15+15+10+10+10+10+19 = 89; total 98.5 → 优",
            budget_full_year=280, budget_executed=266, budget_score=9.5, sources={"财政拨款": 266},
        ),
    ),
    Shape(
        columns=(
            ("l1", ("绩效指标", "一级指标")),
            ("l2", ("绩效指标", "二级指标")),
            ("l3", ("绩效指标", "三级指标")),
            ("target", ("绩效指标", "指标值", "年度指标值")),
            ("actual", ("绩效指标", "指标值", "实际完成值")),
            ("weight", ("分值",)),
            ("score", ("得分",)),
            ("reason", ("偏差原因分析及改进措施",)),
            ("remark", ("备注",)),
        ),
        block_label=None,
        total_style="grade_column",
    ),
)

SEEN: tuple[Fixture, ...] = (QUANGUO, ANHUI, YUNNAN, HUNAN, SICHUAN, SHANXI, SHAANXI, GUANGDONG)
