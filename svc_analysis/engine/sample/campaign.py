"""Campaign actuals and progress-report submissions (DOMAIN §6; params/campaign.yaml KPI ids).

campaign_actuals holds each month's own amount from January of end_month's year to end_month:
- sum KPIs by branch (offsite_self_service_banks, new_atms, outlet_trainings,
  marketing_staff_trained, emergency_drills): a normal branch keeps at or above the linear pace
  of the larger of two shares of the province target, an equal split and a split by its number of
  outlets (so it is on track under either rule; emergency_drills: 2 per staffed outlet a year);
  scenario 4: new_atms runs at NEW_ATMS_PACE of the pace in every branch, and the offsite branch
  of the plan builds only OFFSITE_BEHIND_PACE of its share;
- news_items by province, about one a week;
- latest KPIs: vip_centres_in_service by branch (VIP centres brought into service, all by September),
  and by province the shares transformed_outlets_share (from outlets.transformed_on),
  smart_outlet_coverage (rising to the outlets' smart share), marketing_staff_share and
  lobby_manager_on_duty (reported figures).
report_submissions: every branch's report on month M-1 is due on the first Monday of M at 12:00;
most arrive on time, LATE_SHARE late by hours to days, and the plan's branch never sends the one
due in end_month.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import organisation as org
from svc_analysis.engine.sample import scenarios as sc

DEADLINES = {"offsite_self_service_banks": 6}  # month of the deadline when not December
BRANCH_SUM_TARGETS = {"offsite_self_service_banks": 50.0, "new_atms": 300.0, "outlet_trainings": 500.0,
                      "marketing_staff_trained": 500.0}
DRILLS_PER_OUTLET = 2.0
NEWS_PER_MONTH = 52 / 12 * 1.05
VIP_ALL_IN_SERVICE_MONTH = 9
LATE_SHARE = 0.15
PROVINCE = "province"


def campaign_months(end_month: str) -> list[str]:
    return periods.months_between(f"{end_month[:4]}-01", end_month)


def _path(rng, share_target: float, fractions: np.ndarray, pace: float, at_least: bool) -> np.ndarray:
    """Monthly amounts whose running total follows pace x share_target x fraction of the plan."""
    noise = rng.uniform(1.0, 1.12, fractions.size) if at_least else rng.uniform(0.9, 1.1, fractions.size)
    raw = pace * share_target * fractions * noise
    cum = np.ceil(raw) if at_least else np.floor(raw)
    cum = np.maximum.accumulate(cum)
    return np.diff(np.r_[0.0, cum])


def actuals(outlets: pd.DataFrame, plan: sc.Plan, rng: np.random.Generator) -> pd.DataFrame:
    months = campaign_months(plan.end_month)
    numbers = np.array([int(m[5:]) for m in months])
    branch_list = org.branches(outlets)
    counts = outlets.groupby("branch")["outlet_id"].count()
    staffed = outlets[outlets["outlet_type"] != org.SELF_SERVICE]
    staffed_counts = staffed.groupby("branch")["outlet_id"].count()
    rows = []
    for kpi, target in [*BRANCH_SUM_TARGETS.items(), ("emergency_drills", None)]:
        deadline = DEADLINES.get(kpi, 12)
        fractions = np.minimum(numbers, deadline) / deadline
        for branch in branch_list:
            if target is None:
                share = DRILLS_PER_OUTLET * staffed_counts.get(branch, 0)
            else:
                share = max(target / len(branch_list), target * counts[branch] / counts.sum())
            pace, at_least = 1.0, True
            if kpi == "new_atms":
                pace, at_least = sc.NEW_ATMS_PACE, False
            elif kpi == "offsite_self_service_banks" and branch == plan.offsite_behind_branch:
                pace, at_least = sc.OFFSITE_BEHIND_PACE, False
            values = _path(rng, share, fractions, pace, at_least)
            rows += [(kpi, branch, m, float(v)) for m, v in zip(months, values)]
    rows += [("news_items", PROVINCE, m, float(v)) for m, v in zip(months, rng.poisson(NEWS_PER_MONTH, len(months)))]
    vip = outlets[outlets["outlet_type"] == org.VIP].groupby("branch")["outlet_id"].count()
    for branch in branch_list:
        if vip.get(branch, 0):
            share = np.minimum(0.5 + 0.5 * numbers / VIP_ALL_IN_SERVICE_MONTH, 1.0)
            rows += [("vip_centres_in_service", branch, m, float(math.ceil(vip[branch] * s)))
                     for m, s in zip(months, share)]
    final_smart = float(staffed["smart"].mean())
    for k, month in enumerate(months):
        day = periods.month_end(month)
        open_staffed = staffed[org.open_mask(staffed, day)]
        done = open_staffed["transformed_on"].map(lambda d: d is not None and d <= day)
        rows.append(("transformed_outlets_share", PROVINCE, month, round(float(done.mean()), 4)))
        rows.append(("smart_outlet_coverage", PROVINCE, month, round(final_smart - 0.012 * (len(months) - 1 - k), 4)))
        rows.append(("marketing_staff_share", PROVINCE, month, round(0.40 + 0.008 * k + rng.uniform(-0.005, 0.005), 4)))
        rows.append(("lobby_manager_on_duty", PROVINCE, month, round(rng.uniform(0.96, 0.995), 4)))
    return pd.DataFrame(rows, columns=["kpi_id", "unit_id", "month", "value"])


def submissions(outlets: pd.DataFrame, plan: sc.Plan, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    """Each branch's progress report on month M-1, submitted in month M (M in the window but the first)."""
    rows = []
    for month in window.months[1:]:
        due = datetime.combine(periods.first_monday(month), time(12))
        earliest = datetime.combine(periods.month_start(month), time(8))
        for branch in org.branches(outlets):
            reported = periods.previous_month(month)
            if branch == plan.missing_report_branch and reported == plan.missing_report_month:
                continue  # scenario 8: this report never arrives
            late, days = rng.random() < LATE_SHARE, int(rng.integers(0, 4))
            if late:
                start = due + timedelta(days=days) if days else due + timedelta(minutes=10)
                at = start + timedelta(minutes=int(rng.integers(0, 5 * 60)))
            else:
                start = due - timedelta(days=days, hours=3, minutes=30)
                at = max(start + timedelta(minutes=int(rng.integers(0, 3 * 60 + 20))), earliest)
            rows.append((branch, reported, at))
    return pd.DataFrame(rows, columns=["unit_id", "month", "submitted_at"])
