"""The input side of the data contract (../shared/DATA_CONTRACT.md; docs/ingest.md for users) as data.

Every table the bank's systems export is described once here: canonical English column names,
their Chinese aliases, types, required or optional, allowed values (core.vocabularies), ranges,
keys and references (the building blocks: core.schema). Readers, validation, the warehouse schema
and the sample-data writer all read these definitions; none of them repeats a column list. The
output side: the KPI table's Chinese column and area names.
"""

from __future__ import annotations

from svc_analysis.core.schema import BOOL, DATE, FLOAT, INT, MONTH, TIMESTAMP, RowRule, Table, _c
from svc_analysis.core.vocabularies import (CATEGORIES, CHANNELS, COMPLEXITY, INSPECTION_KINDS, OUTLET_TYPES,
                                            ROLES, SKILL_TESTS)

OUTLET = "outlets.outlet_id"
STAFF = "staff.staff_id"

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "outlets",
            ("网点", "网点信息", "机构"),
            (
                _c("outlet_id", "网点编号"),
                _c("outlet_name", "网点名称"),
                _c("subbranch", "支行"),
                _c("branch", ("二级分行", "分行")),
                _c("outlet_type", "网点类型", values=OUTLET_TYPES),
                _c("opened_on", "开业日期", DATE, False),
                _c("closed_on", "撤并日期", DATE, False),
                _c("deposits", ("存款余额", "存款余额(亿元)"), FLOAT, False, min=0),
                _c("smart", ("智能化网点",), BOOL, False),
                _c("transformed_on", "转型导入完成日期", DATE, False),
            ),
            primary_key=("outlet_id",),
            rules=(RowRule("closed_after_opened", ("opened_on", "closed_on"), "closed_on >= opened_on",
                           "closed_on is before opened_on"),),
        ),
        Table(
            "staff",
            ("员工", "人员", "员工信息"),
            (
                _c("staff_id", "员工编号"),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("role", "岗位", values=ROLES),
                _c("hired_on", "入行日期", DATE),
                _c("left_on", "离职日期", DATE, False),
            ),
            primary_key=("staff_id",),
            rules=(RowRule("left_after_hired", ("hired_on", "left_on"), "left_on >= hired_on",
                           "left_on is before hired_on"),),
        ),
        Table(
            "star_ratings",
            ("星级评定", "星级柜员"),
            (
                _c("staff_id", "员工编号", references=STAFF),
                _c("assessed_on", "评定日期", DATE),
                _c("stars", "星级", INT, min=0, max=5),
                _c("valid_until", "有效期至", DATE, False),
            ),
            event_time="assessed_on",
            rules=(RowRule("valid_after_assessed", ("assessed_on", "valid_until"), "valid_until >= assessed_on",
                           "valid_until is before assessed_on"),),
        ),
        Table(
            "skill_tests",
            ("技能测试", "业务测试"),
            (
                _c("staff_id", "员工编号", references=STAFF),
                _c("test", "测试项目", values=SKILL_TESTS),
                _c("tested_on", "测试日期", DATE),
                _c("passed", "是否通过", BOOL),
            ),
            event_time="tested_on",
        ),
        Table(
            "complaints",
            ("投诉", "客户投诉"),
            (
                _c("complaint_id", "投诉编号"),
                _c("received_at", "受理时间", TIMESTAMP),
                _c("channel", "渠道", values=CHANNELS),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("category", "投诉类别", values=CATEGORIES),
                _c("responsible", "是否责任性投诉", BOOL),
                _c("staff_id", "员工编号", required=False),
                _c("product", "产品或系统", required=False),
                _c("customer_id", "客户号", required=False, personal=True),
                _c("customer_phone", "联系电话", required=False, personal=True),
                _c("description", "投诉内容", required=False, personal=True),
                _c("replied_at", "答复时间", TIMESTAMP, False),
                _c("closed_at", "办结时间", TIMESTAMP, False),
                _c("complexity", "复杂程度", required=False, values=COMPLEXITY),
            ),
            primary_key=("complaint_id",),
            event_time="received_at",
            rules=(
                RowRule("replied_after_received", ("received_at", "replied_at"), "replied_at >= received_at",
                        "replied_at is before received_at"),
                RowRule("closed_after_received", ("received_at", "closed_at"), "closed_at >= received_at",
                        "closed_at is before received_at"),
            ),
        ),
        Table(
            "praises",
            ("表扬",),
            (
                _c("praise_id", "表扬编号"),
                _c("received_at", "受理时间", TIMESTAMP),
                _c("channel", "渠道", values=CHANNELS),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("staff_id", "员工编号", required=False),
            ),
            primary_key=("praise_id",),
            event_time="received_at",
        ),
        Table(
            "ratings",
            ("评价", "满意度评价", "评价器"),
            (
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("rated_at", "评价时间", TIMESTAMP),
                _c("score", "评价分值", INT, min=1, max=5),
                _c("staff_id", "员工编号", required=False),
                # last: warehouses made before it gained the column at the end (warehouse.ensure_schema)
                _c("rating_id", "评价编号", required=False),
            ),
            event_time="rated_at",
            optional_key=("rating_id",),
        ),
        Table(
            "surveys",
            ("问卷", "满意度问卷"),
            (
                _c("response_id", "问卷编号"),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("answered_on", "答卷日期", DATE),
                _c("overall", "总体满意度", INT, min=1, max=5),
                _c("environment", "环境", INT, False, min=1, max=5),
                _c("attitude", "态度", INT, False, min=1, max=5),
                _c("efficiency", "效率", INT, False, min=1, max=5),
                _c("professionalism", "专业", INT, False, min=1, max=5),
                _c("recommend", "推荐意愿", INT, False, min=0, max=10),
                _c("comment", "意见", required=False, personal=True),
            ),
            primary_key=("response_id",),
            event_time="answered_on",
        ),
        Table(
            "tickets",
            ("排队", "取号", "排队叫号"),
            (
                _c("ticket_id", "排队号"),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("taken_at", "取号时间", TIMESTAMP),
                _c("called_at", "叫号时间", TIMESTAMP, False),
                _c("finished_at", "办结时间", TIMESTAMP, False),
                _c("business_type", "业务类型", required=False),
            ),
            # queue numbers restart every day at every outlet: the key is the number at a time and place
            primary_key=("ticket_id", "outlet_id", "taken_at"),
            event_time="taken_at",
            rules=(
                RowRule("called_after_taken", ("taken_at", "called_at"), "called_at >= taken_at",
                        "called_at is before taken_at"),
                RowRule("finished_after_called", ("called_at", "finished_at"), "finished_at >= called_at",
                        "finished_at is before called_at"),
            ),
        ),
        Table(
            "inspections",
            ("检查", "神秘人检查", "检查结果"),
            (
                _c("inspection_id", "检查编号"),
                _c("outlet_id", "网点编号", references=OUTLET),
                _c("inspected_on", "检查日期", DATE),
                _c("kind", "检查方式", values=INSPECTION_KINDS),
                _c("score", "得分", FLOAT, min=0, max=100),
                _c("is_recheck", "是否复查", BOOL, False),
            ),
            primary_key=("inspection_id",),
            event_time="inspected_on",
        ),
        Table(
            "campaign_actuals",
            ("活动进展", "活动完成情况"),
            (
                _c("kpi_id", "指标编号"),
                _c("unit_id", "单位"),
                _c("month", "月份", MONTH),
                _c("value", "本月完成值", FLOAT),
            ),
            # a corrected figure for the same KPI, unit and month replaces the earlier one
            primary_key=("kpi_id", "unit_id", "month"),
        ),
        Table(
            "report_submissions",
            ("报送记录", "月报报送"),
            (
                _c("unit_id", "单位"),
                _c("month", "月份", MONTH),
                _c("submitted_at", "报送时间", TIMESTAMP),
            ),
            event_time="submitted_at",
        ),
    ]
}

# Load order: a table only references tables earlier in this list.
LOAD_ORDER = list(TABLES)

# The output side: the KPI table (DATA_CONTRACT.md "Output", engine.kpis.KPI_COLUMNS) as a reader reads
# it, e.g. the workbook's 指标表 sheet: each column's Chinese name and each area's Chinese name.
KPI_COLUMN_NAMES = {
    "month": "月份", "period": "报告期", "area": "领域", "metric": "指标", "level": "层级", "unit_id": "单位",
    "value": "数值", "numerator": "分子", "denominator": "分母", "target": "目标", "meets_target": "是否达标",
    "status": "状态",
}
KPI_AREA_NAMES = {
    "quality": "数据质量", "complaints": "投诉", "satisfaction": "满意度", "staff": "员工资质",
    "inspections": "检查", "queue": "排队效率", "campaign": "服务活动",
}



def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table '{name}': the contract has {', '.join(TABLES)}") from None


def table_for_filename(stem: str) -> str | None:
    """The table a file name points to: 'complaints_2026-10' -> complaints, '投诉' -> complaints.

    The name must start with the table's English name or a Chinese alias; the longest match wins
    so that 'star_ratings' is not read as 'ratings'.
    """
    lowered = stem.strip().lower()
    candidates = []
    for t in TABLES.values():
        for alias in (t.name, *t.zh):
            if lowered.startswith(alias.lower()):
                rest = lowered[len(alias):]
                if not rest or not (rest[0].isascii() and rest[0].isalpha()):
                    candidates.append((len(alias), t.name))
    return max(candidates)[1] if candidates else None
