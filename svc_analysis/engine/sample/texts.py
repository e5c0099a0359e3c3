"""Chinese names and phrases the sample data draws from (flavour from /work/shared/seeds).

Only vocabulary lives here: which city has which districts, road names for outlets, business types,
products, complaint descriptions per category, survey comments. Nothing here is a contract value
(enums and headers come from svc_analysis.core.contract).
"""

from __future__ import annotations

PROVINCE = "湖北省分行"

# Tier-1 branches: city, administrative code prefix (used in outlet ids), districts/counties that
# become sub-branches. Order matters: scales take the first n cities and the first m districts.
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("武汉", "4201", ("江汉", "江岸", "硚口", "汉阳", "武昌", "青山", "洪山", "东西湖", "蔡甸", "江夏",
                    "黄陂", "新洲", "汉南", "光谷")),
    ("宜昌", "4205", ("西陵", "伍家岗", "点军", "猇亭", "夷陵", "宜都", "当阳", "枝江", "远安", "秭归")),
    ("襄阳", "4206", ("襄城", "樊城", "襄州", "枣阳", "宜城", "老河口", "南漳", "谷城", "保康")),
    ("荆州", "4210", ("沙市", "荆州", "江陵", "松滋", "公安", "石首", "洪湖", "监利")),
    ("黄石", "4202", ("黄石港", "西塞山", "下陆", "铁山", "大冶", "阳新")),
    ("十堰", "4203", ("茅箭", "张湾", "郧阳", "丹江口", "房县", "竹山", "竹溪", "郧西")),
    ("孝感", "4209", ("孝南", "汉川", "应城", "安陆", "云梦", "大悟", "孝昌")),
    ("荆门", "4208", ("东宝", "掇刀", "京山", "钟祥", "沙洋")),
    ("黄冈", "4211", ("黄州", "麻城", "武穴", "浠水", "蕲春", "黄梅", "罗田", "英山", "红安", "团风")),
    ("咸宁", "4212", ("咸安", "赤壁", "嘉鱼", "通城", "崇阳", "通山")),
    ("鄂州", "4207", ("鄂城", "华容", "梁子湖")),
    ("随州", "4213", ("曾都", "广水", "随县")),
    ("恩施", "4228", ("恩施", "利川", "建始", "巴东", "宣恩", "咸丰", "来凤", "鹤峰")),
)

# Road and place words for outlet names ("<district><place>路网点", "<district><place>分理处").
PLACES: tuple[str, ...] = (
    "解放", "中山", "建设", "人民", "新华", "胜利", "和平", "长江", "汉江", "友谊", "光明", "幸福", "民主",
    "青年", "文化", "学院", "科技", "金融", "东风", "红旗", "滨江", "沿江", "沙湖", "南湖", "东湖", "花园",
    "复兴", "振兴", "发展", "创业", "北京", "上海", "黄河", "珞珈", "晴川", "龟山", "古琴", "知音", "楚河",
    "汉街", "鹦鹉", "首义", "紫阳", "徐东", "积玉", "后湖", "塔子湖", "常青", "唐家墩", "万松", "菱角湖",
    "三阳", "一元", "大智", "六渡桥", "球场", "工农", "车站", "码头", "体育", "公园", "医院", "大学城",
    "开发区", "高新", "工业园", "商贸城", "步行街", "广场", "新城", "老城", "东门", "西门", "南门", "北门",
    "江滩", "桥头", "湖滨", "月湖", "莲花", "桂园", "梅园", "竹林", "松柏", "杨柳", "枫林", "石桥", "凤凰",
    "金沙", "银湖", "宝丰", "永安", "太平", "长丰", "汇通", "新村", "东城", "西城", "城南", "城北",
)
OUTLET_SUFFIXES = ("路网点", "分理处", "网点", "路储蓄所")
VIP_SUFFIX = "贵宾理财中心"
SELF_SERVICE_SUFFIX = "离行式自助银行"
HEAD_OUTLET_SUFFIX = "支行营业部"

# Queue-system business types with their share of tickets and mean service minutes.
BUSINESS_TYPES: tuple[tuple[str, float, float], ...] = (
    ("现金存取", 0.34, 5.0),
    ("转账汇款", 0.20, 6.0),
    ("开户销户", 0.10, 12.0),
    ("理财咨询", 0.09, 15.0),
    ("银行卡业务", 0.10, 7.0),
    ("对公业务", 0.08, 14.0),
    ("个人贷款", 0.04, 18.0),
    ("外汇业务", 0.02, 10.0),
    ("缴费业务", 0.03, 4.0),
)
# The queue prefix printed on the ticket: corporate business and VIP have their own queues.
TICKET_PREFIX_STANDARD, TICKET_PREFIX_CORPORATE, TICKET_PREFIX_VIP = "A", "B", "V"

PRODUCTS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "product": ("理财产品", "信用卡", "个人贷款", "基金代销", "保险代理", "贵金属"),
    "system": ("手机银行", "网上银行", "核心系统", "ATM", "排队叫号系统", "智能柜员机"),
    "fees": ("账户管理费", "短信通知费", "跨行转账手续费", "信用卡年费"),
}
OUTAGE_PRODUCT = "手机银行"

# Complaint descriptions per category; {who} becomes a customer reference such as 客户张某某.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "attitude": ("{who}反映柜员办理业务时态度冷淡,不耐烦解释", "{who}称大堂经理语气生硬,未主动引导",
                 "{who}投诉柜员在办理业务时玩手机,服务不规范", "{who}反映工作人员对老年客户缺乏耐心"),
    "skill": ("{who}反映柜员业务不熟练,同一笔业务办理了三次", "{who}称理财经理对产品风险解释错误",
              "{who}反映柜员操作失误导致转账延误"),
    "efficiency": ("{who}反映排队等候超过一小时,只开两个窗口", "{who}称网点午间窗口减少,等候时间过长",
                   "{who}投诉取号后长时间未叫号,多次询问无果"),
    "product": ("{who}对所购{product}收益不满,认为销售时未充分揭示风险", "{who}反映{product}办理流程复杂"),
    "system": ("{who}反映{product}无法登录,转账失败", "{who}称{product}故障,业务办理中断",
               "{who}投诉{product}交易显示成功但未到账"),
    "policy": ("{who}对大额取现需提前预约的规定不理解", "{who}对开户需提供证明材料的要求有异议"),
    "fees": ("{who}对被收取{product}有异议,要求退还", "{who}认为{product}收取标准未提前告知"),
    "environment": ("{who}反映网点空调故障,等候区闷热", "{who}称网点无障碍通道被占用",
                    "{who}反映自助设备区卫生差"),
    "other": ("{who}反映停车不便", "{who}建议增加周末营业窗口"),
}
SURNAMES: tuple[str, ...] = ("张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "胡",
                             "朱", "高", "林", "何", "郭", "马", "罗")
# Ways the hotline writes down who complained: masked name, title, or with contact details.
WHO_FORMS: tuple[str, ...] = ("客户{s}某某", "{s}先生", "{s}女士", "客户{s}某")
PHONE_NOTE = "(联系电话{phone})"
ID_NOTE = "(身份证号{idno})"
MOBILE_PREFIXES: tuple[str, ...] = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                                   "151", "152", "155", "156", "157", "158", "159", "166", "176", "177",
                                   "180", "181", "182", "183", "185", "186", "187", "188", "189", "199")
# Region codes of Hubei for fake (checksum-valid) resident ID numbers.
ID_REGIONS: tuple[str, ...] = ("420102", "420103", "420106", "420111", "420502", "420602", "421002",
                               "420202", "420302", "420902")

SURVEY_COMMENTS_GOOD: tuple[str, ...] = ("服务热情周到", "大堂经理引导及时", "环境整洁舒适", "办理速度快",
                                        "柜员专业耐心", "理财经理讲解清楚", "非常满意")
SURVEY_COMMENTS_BAD: tuple[str, ...] = ("排队时间太长", "窗口开得太少", "午间等候久", "自助设备经常故障",
                                       "停车不方便", "希望周末多开窗口", "手机银行不好用")
