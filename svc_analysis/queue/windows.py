"""Flexible windows 弹性窗口 (DOMAIN.md §5): how many counters an outlet needs open in each hour to keep
the wait under the overtime threshold, an Erlang-C estimate.

Method (M/M/c queue, the Erlang-C model used for staffing counters and call centres):
- arrivals per hour λ of an outlet, day type (weekday / weekend, [queue.peaks.weekend_days]) and hour =
  tickets taken in that hour (served or not: they are all demand) / the outlet's operating days of
  that day type (days with at least one ticket, as peaks.py);
- service minutes s = the outlet's mean of finished_at − called_at over the month's tickets that have
  both; offered load a = λ·s/60 erlangs (also the average number of busy counters);
- with c counters (c > a) the probability that a customer waits at all is Erlang C
  C(c, a) = c·B(c, a) / (c − a·(1 − B(c, a))), B the Erlang-B loss probability from the stable
  recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); with c ≤ a the queue grows without bound;
- the probability that the wait exceeds t minutes is P(W > t) = C(c, a)·exp(−(c − a)·t/s);
- windows needed = the smallest c with P(W > [queue.overtime_wait_minutes]) ≤ 1 −
  [queue.staffing_service_level]; 0 when no customer comes; None ("more than the cap") above
  [queue.staffing_max_windows].
Assumptions to state with the figures: Poisson arrivals steady within the hour, exponential service
times, customers who never leave, one shared queue (the real queue machine has a few: A, B, V), the
month's average day (month ends and festival rushes need more).
"""

from __future__ import annotations

import math

import ibis
import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.queue.queue import month_tickets

DAY_TYPES = (("weekday", "工作日"), ("weekend", "周末"))


def erlang_b(c: int, a: float) -> float:
    """Erlang-B blocking probability of c servers under a erlangs (stable recursion)."""
    if c < 0 or a < 0:
        raise ValueError(f"erlang_b needs c >= 0 and a >= 0 (got c={c}, a={a})")
    b = 1.0
    for k in range(1, int(c) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang-C probability that an arrival waits, c servers, a erlangs; 1.0 when c <= a (unstable)."""
    if c <= a:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def prob_wait_over(c: int, a: float, service_minutes: float, t_minutes: float) -> float:
    """P(W > t) in an M/M/c queue: C(c, a)·exp(−(c − a)·t / s); 1.0 when c <= a."""
    if c <= a:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c - a) * t_minutes / service_minutes)


def mean_wait(c: int, a: float, service_minutes: float) -> float:
    """Mean wait in minutes of an M/M/c queue: C(c, a)·s / (c − a); infinite when c <= a."""
    return math.inf if c <= a else erlang_c(c, a) * service_minutes / (c - a)


def windows_needed(arrivals_per_hour: float, service_minutes: float, threshold: float,
                   service_level: float, max_windows: int) -> int | None:
    """Smallest c with P(W > threshold) <= 1 − service_level; 0 without arrivals; None above max_windows.

    Raises ValueError for a negative arrival rate or a non-positive service time (bad input, not a
    figure to estimate from).
    """
    if arrivals_per_hour < 0 or not service_minutes > 0:
        raise ValueError(f"windows_needed: arrivals_per_hour must be >= 0 and service_minutes > 0 "
                         f"(got {arrivals_per_hour}, {service_minutes})")
    if arrivals_per_hour == 0:
        return 0
    a = arrivals_per_hour * service_minutes / 60.0
    for c in range(max(1, math.floor(a) + 1), max_windows + 1):
        if prob_wait_over(c, a, service_minutes, threshold) <= 1.0 - service_level:
            return c
    return None


def hourly_load(con, month: str, outlets: list[str] | None, threshold: float, weekend_days) -> pd.DataFrame:
    """Per outlet, day type and hour: tickets, operating_days, arrivals (λ per hour), service_minutes
    (the outlet's month mean), load (a = λ·s/60, busy counters), mean_wait and overtime_share observed."""
    t = month_tickets(con, month, outlets, threshold)
    weekend = t.day.day_of_week.index().isin([int(d) for d in weekend_days])  # 0 = Monday
    d = t.mutate(day_type=ibis.ifelse(weekend, "weekend", "weekday"))
    days = d.group_by("outlet_id", "day_type").aggregate(operating_days=d.day.nunique())
    done = t.filter(t.finished_at.notnull(), t.called_at.notnull())
    svc = done.group_by("outlet_id").aggregate(
        service_minutes=measures.minutes_between(done.called_at, done.finished_at).mean())
    h = d.group_by("outlet_id", "day_type", hour=d.taken_at.hour().cast("int64")).aggregate(
        tickets=d.count(), mean_wait=d.wait.mean(),
        overtime_share=d.count(where=d.overtime) / measures.customers_served(d).nullif(0))
    joined = h.join(days, ["outlet_id", "day_type"]).left_join(svc, h.outlet_id == svc.outlet_id)
    frame = (joined.select(h.outlet_id, h.day_type, h.hour, h.tickets, "operating_days", "service_minutes",
                           h.mean_wait, h.overtime_share)
             .order_by([h.outlet_id, ibis.desc(h.day_type), h.hour]).to_pandas())
    frame["arrivals"] = frame["tickets"] / frame["operating_days"]
    frame["load"] = frame["arrivals"] * frame["service_minutes"] / 60.0
    return frame


def staffing_plan(load: pd.DataFrame, threshold: float, service_level: float, max_windows: int) -> pd.DataFrame:
    """hourly_load with ``windows_needed`` (Int64; <NA> without a service time or above max_windows)
    and ``over_cap`` (True when even max_windows would not do)."""
    needed, over = [], []
    for lam, s in zip(load["arrivals"], load["service_minutes"]):
        if pd.isna(s) or not s > 0:
            needed.append(pd.NA)
            over.append(False)
            continue
        c = windows_needed(float(lam), float(s), threshold, service_level, max_windows)
        needed.append(pd.NA if c is None else c)
        over.append(c is None)
    return load.assign(windows_needed=pd.array(needed, dtype="Int64"), over_cap=over)


def plan_pivot(plan: pd.DataFrame, outlet_id: str) -> pd.DataFrame:
    """Windows needed for one outlet: rows 工作日 / 周末, columns '9时'...; hours without customers blank."""
    part = plan[plan["outlet_id"] == outlet_id]
    wide = part.pivot(index="day_type", columns="hour", values="windows_needed")
    wide = wide.reindex([d for d, _ in DAY_TYPES if d in set(part["day_type"])])
    wide.index = [dict(DAY_TYPES)[d] for d in wide.index]
    wide.columns = [f"{h}时" for h in wide.columns]
    return wide


def peak_windows(plan: pd.DataFrame, tree: pd.DataFrame, outlets: list[str] | None = None) -> pd.DataFrame:
    """Per outlet: the most windows needed in any weekday hour and in any weekend hour, the hour it
    happens, and the fewest needed (how much the window count should flex). ``outlets``: only these,
    in this order (default: every outlet of the plan, by outlet_id)."""
    if outlets is not None:
        plan = plan[plan["outlet_id"].isin(outlets)]
    rows = []
    for outlet_id, part in plan.groupby("outlet_id", sort=True):
        row = {"outlet_id": outlet_id, "service_minutes": part["service_minutes"].iloc[0]}
        for day_type, _ in DAY_TYPES:
            sub = part[(part["day_type"] == day_type) & part["windows_needed"].notna()]
            top = sub.sort_values(["windows_needed", "hour"], ascending=[False, True]).head(1)
            row[f"{day_type}_max"] = top["windows_needed"].iloc[0] if len(top) else pd.NA
            row[f"{day_type}_peak_hour"] = top["hour"].iloc[0] if len(top) else pd.NA
            row[f"{day_type}_min"] = sub["windows_needed"].min() if len(sub) else pd.NA
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = tree[["outlet_id", "outlet_name"]].merge(out, on="outlet_id")
    order = {o: i for i, o in enumerate(outlets or sorted(out["outlet_id"]))}
    return out.sort_values("outlet_id", key=lambda s: s.map(order)).reset_index(drop=True)
