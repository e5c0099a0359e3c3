"""The planted scenarios and deliberately bad rows: what they are, where they are, how big.

Every generator reads its scenario settings from a ``Plan`` built here, so the documentation
(docs/sample_data.md) and the tests can name the exact outlets, branches, weeks and rows. The
picks depend only on the organisation and end_month (never on random draws), so they are the same
for every seed.

Scenarios (numbers as in docs/sample_data.md):
1. system outage: a burst of ``system`` complaints about OUTAGE_PRODUCT in one week (Monday to
   Sunday) of the month two months before end_month;
2. one tier-1 branch under the star-teller target at end_month (the others meet it);
3. one outlet whose evaluator participation collapses in the last months, all remaining scores 5;
4. campaign behind plan: new_atms at about half the linear pace, one branch behind on
   offsite_self_service_banks;
5. one outlet failing the mystery-shopper stage targets in the latest rounds, with re-checks;
6. one outlet with chronic overtime waiting in the last months;
7. (extra) one tier-1 branch under the 80% business-expert rate at end_month;
8. report_submissions: one branch's report for the month before end_month is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import organisation as org
from svc_analysis.engine.sample import texts

# 1. outage
OUTAGE_MONTHS_BEFORE_END = 2
OUTAGE_DAYS = 7
OUTAGE_BASELINE_MULTIPLE = 10.0  # complaints in the week = this x the normal weekly system count ...
OUTAGE_MIN_COMPLAINTS = 15  # ... and at least this many
# 2. star tellers (share of tellers in service at end_month with a valid rating of >= 1 star)
STAR_BRANCH_RATE = 0.74
STAR_OTHER_MIN_RATE = 0.88
# 3. evaluator participation
PARTICIPATION_MONTHS = 3
PARTICIPATION_COLLAPSED = 0.10
# 4. campaign
NEW_ATMS_PACE = 0.5  # share of the linear pace actually achieved
OFFSITE_BEHIND_PACE = 0.4  # the behind branch's share of its part of offsite_self_service_banks
# 5. mystery shopper
MYSTERY_ROUNDS = 3  # the latest quarterly rounds with failing scores
MYSTERY_SCORE_RANGE = (78.0, 84.0)
# 6. overtime waiting
OVERTIME_MONTHS = 6
OVERTIME_MEAN_WAIT_MINUTES = 32.0
OVERTIME_WAIT_SHAPE = 4.0  # gamma shape: most waits are near the mean, few are short
# 7. expert rate
EXPERT_BRANCH_RATE = 0.70
EXPERT_OTHER_MIN_RATE = 0.84
# bad rows that ingest must set aside
BAD_TICKETS = 3  # called_at 3 minutes before taken_at
BAD_TICKET_SHIFT_MINUTES = 3
BAD_RATING_SCORE = 6
UNKNOWN_OUTLET_ID = "99999999"
BAD_COMPLAINT_ID = "TS-BAD-0001"


@dataclass(frozen=True)
class Plan:
    """Where each scenario is planted for one organisation and end_month."""

    end_month: str
    outage_month: str
    outage_start: date  # a Monday
    outage_product: str
    star_branch: str
    expert_branch: str
    participation_outlet: str
    participation_months: tuple[str, ...]
    mystery_outlet: str
    overtime_outlet: str
    overtime_months: tuple[str, ...]
    offsite_behind_branch: str
    missing_report_branch: str
    missing_report_month: str  # the reported month whose report never arrived
    bad_rows_outlet: str
    bad_rows_day: date  # the day of the bad tickets and the bad rating

    @property
    def outage_end(self) -> date:
        """First day after the outage week."""
        return self.outage_start + timedelta(days=OUTAGE_DAYS)


def make_plan(outlets: pd.DataFrame, window: org.Window) -> Plan:
    """Pick scenario outlets and branches by position (deterministic, independent of the seed).

    Scenario outlets are standard outlets open for the whole window, spread over the list so that
    they are distinct; the first such outlet carries the bad rows.
    """
    stable = outlets[(outlets["outlet_type"] == org.STANDARD) & outlets["_stable"]]
    ids = stable["outlet_id"].tolist()
    if len(ids) < 4:
        raise ValueError("the sample needs at least 4 standard outlets open for the whole window")
    quarter = len(ids) // 4
    branch_list = org.branches(outlets)
    end = window.end_month
    outage_month = periods.add_months(end, -OUTAGE_MONTHS_BEFORE_END)
    first_weekday = periods.month_start(end)
    while first_weekday.weekday() >= 5:
        first_weekday += timedelta(days=1)
    return Plan(
        end_month=end,
        outage_month=outage_month,
        outage_start=outage_start(end),
        outage_product=texts.OUTAGE_PRODUCT,
        star_branch=branch_list[1 % len(branch_list)],
        expert_branch=branch_list[2] if len(branch_list) > 2 else branch_list[0],
        participation_outlet=ids[max(quarter, 1)],
        participation_months=tuple(periods.months_back(end, PARTICIPATION_MONTHS)),
        mystery_outlet=ids[2 * max(quarter, 1)],
        overtime_outlet=ids[3 * max(quarter, 1)],
        overtime_months=tuple(periods.months_back(end, OVERTIME_MONTHS)),
        offsite_behind_branch=branch_list[-1],
        missing_report_branch=branch_list[-1],
        missing_report_month=periods.previous_month(end),
        bad_rows_outlet=ids[0],
        bad_rows_day=first_weekday,
    )


def outage_start(end_month: str) -> date:
    """Scenario 1's Monday: the second Monday of the month OUTAGE_MONTHS_BEFORE_END before end_month
    (the burst runs OUTAGE_DAYS days from it; the back-test of the daily watch asks for it too)."""
    return periods.first_monday(periods.add_months(end_month, -OUTAGE_MONTHS_BEFORE_END)) + timedelta(days=7)


def describe(plan: Plan) -> list[tuple[str, str]]:
    """(scenario, where) pairs for the operator's progress output (Chinese)."""
    return [
        ("1 系统故障", f"{plan.outage_product}，{plan.outage_start} 至 "
                      f"{plan.outage_end - timedelta(days=1)}（{plan.outage_month}）"),
        ("2 星级柜员占比低于目标", f"{plan.star_branch}，{plan.end_month}"),
        ("3 评价器参评率骤降", f"网点 {plan.participation_outlet}，"
                                f"{plan.participation_months[0]} 至 {plan.end_month}"),
        ("4 服务活动进度落后", f"新增自助设备（ATM）只有一半进度；{plan.offsite_behind_branch} "
                               f"离行式自助银行进度落后"),
        ("5 神秘人检查不合格", f"网点 {plan.mystery_outlet}，最近 {MYSTERY_ROUNDS} 轮"),
        ("6 长期超时等候", f"网点 {plan.overtime_outlet}，"
                           f"{plan.overtime_months[0]} 至 {plan.end_month}"),
        ("7 专家级员工占比低于目标", f"{plan.expert_branch}，{plan.end_month}"),
        ("8 未报送进度月报", f"{plan.missing_report_branch}，{plan.missing_report_month} 的月报"),
        ("错误行", f"网点 {plan.bad_rows_outlet} 在 {plan.bad_rows_day} 的排队和评价；"
                   f"网点 {UNKNOWN_OUTLET_ID} 的投诉 {BAD_COMPLAINT_ID}"),
    ]
