"""The coded values of the input data contract (../shared/DATA_CONTRACT.md) with the Chinese aliases the
bank's exports write for them: outlet types, staff roles, skill tests, complaint channels, categories
and complexity, inspection kinds. Canonical value -> accepted aliases (the first alias is the one
pages show). core.contract.TABLES names them as columns' allowed values.
"""

from __future__ import annotations

OUTLET_TYPES = {
    "standard": ("综合网点", "普通网点", "网点"),
    "vip_centre": ("贵宾理财中心", "理财中心"),
    "self_service": ("离行式自助银行", "自助银行"),
}
ROLES = {
    "teller": ("柜员", "高柜柜员", "低柜柜员", "非现金柜员"),
    "lobby_manager": ("大堂经理",),
    "customer_manager": ("客户经理",),
    "wealth_manager": ("理财经理",),
    "marketing_manager": ("营销经理",),
    "service_head": ("网点服务主任", "服务主任"),
    "outlet_head": ("网点负责人",),
    "security": ("保安",),
    "other": ("其他",),
}
SKILL_TESTS = {
    "expert": ("业务能手",),
    "english": ("柜台英语",),
    "sign_language": ("手语", "哑语"),
}
CHANNELS = {
    "hotline": ("热线", "客服热线", "95588", "95566", "95580"),
    "comment_book": ("意见簿",),
    "onsite": ("现场", "现场口头", "口头"),
    "media": ("媒体",),
    "regulator": ("监管转办", "监管"),
    "online": ("网络", "线上", "网银", "手机银行", "app"),
    "letter": ("信函", "来信"),
}
CATEGORIES = {
    "attitude": ("服务态度",),
    "skill": ("业务技能",),
    "efficiency": ("服务效率", "排队等候"),
    "product": ("产品",),
    "system": ("系统故障", "系统"),
    "policy": ("政策误解", "政策"),
    "fees": ("收费",),
    "environment": ("环境设施", "环境"),
    "other": ("其他",),
}
COMPLEXITY = {"normal": ("一般",), "complex": ("复杂",), "very_complex": ("特别复杂",)}
INSPECTION_KINDS = {"mystery": ("神秘人", "神秘人检查"), "video": ("视频", "视频检查"), "onsite": ("现场", "现场检查")}
