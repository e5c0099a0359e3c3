"""Queue-system tickets and counter-evaluator ratings for one month, fully vectorised.

Model (per staffed outlet o, day d, opening hour h):
- arrivals ~ Poisson(volume_o x day factor_d x hour weight_h): weekday opening peak at 9:00 and a
  noon peak; weekends about half the customers but far fewer counters open; Spring Festival rush
  and holiday lull, month ends and quarter ends busier, a slow decline year on year;
- counters open = windows_o, fewer at noon (lunch rotation) and at weekends; load rho = arrivals /
  (counters x 60 / mean service minutes); mean wait = 3 + 4 rho / (1 - rho) x (1.4 - 0.8 quality),
  individual waits ~ Gamma(1.5) around it;
- a customer leaves unserved (called_at empty) with a probability rising with the wait;
- service minutes ~ log-normal around the business type's mean (texts.BUSINESS_TYPES);
- about 70 % of served customers press the evaluator; scores mostly 5, lower at worse outlets and
  after long waits.
Scenario 3 (participation collapse) and 6 (overtime) and the bad rows are applied here.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from svc_analysis.core import periods
from svc_analysis.engine.sample import organisation as org
from svc_analysis.engine.sample import scenarios as sc
from svc_analysis.engine.sample import texts

OPEN_HOUR = 9
WEEKDAY_HOURS = np.array([1.6, 1.2, 1.1, 1.15, 0.85, 0.8, 0.85, 0.65])  # 9:00 ... 16:00
WEEKEND_HOURS = np.array([1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.0])  # closes at 16:00
WEEKDAY_FACTOR = np.array([1.10, 1.0, 1.0, 1.0, 1.05, 0.55, 0.45])  # Monday ... Sunday
COUNTERS_WEEKEND, COUNTERS_NOON = 0.4, 0.7
NOON_HOUR_INDEX = 3  # 12:00
WAIT_SHAPE = 1.5
SPRING_FESTIVAL = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
                   2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
                   2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}
TICKET_COLUMNS = ["ticket_id", "outlet_id", "taken_at", "called_at", "finished_at", "business_type"]
RATING_COLUMNS = ["outlet_id", "rated_at", "score"]


def day_factors(days: list[date], window_start: date) -> np.ndarray:
    """Relative customer volume of each day: weekday, festivals, month/quarter ends, trend."""
    out = np.empty(len(days))
    for k, day in enumerate(days):
        f = WEEKDAY_FACTOR[day.weekday()]
        festival = SPRING_FESTIVAL.get(day.year, date(day.year, 2, 1))
        gap = (day - festival).days
        if -14 <= gap < 0:
            f *= 1.3  # cash and transfers before the festival
        elif 0 <= gap < 7:
            f *= 0.35  # festival week: skeleton service
        if day.month == 10 and day.day <= 7:
            f *= 0.5  # National Day holiday
        last = periods.month_end(periods.parse_month(day))
        if (last - day).days < 3:
            f *= 1.25 if day.month % 3 == 0 else 1.15
        out[k] = f * (1.0 - 0.03 * (day - window_start).days / 365.0)
    return out


def month_tables(outlets: pd.DataFrame, plan: sc.Plan, month: str, window_start: date,
                 rng: np.random.Generator) -> tuple[pa.Table, pa.Table, pd.DataFrame]:
    """Tickets and ratings of one month, and per-outlet aggregates (tickets, served, mean wait)."""
    staffed = outlets[outlets["outlet_type"] != org.SELF_SERVICE].reset_index(drop=True)
    first = periods.month_start(month)
    days = [first + timedelta(days=k) for k in range(periods.days_in_month(month))]
    is_open = np.stack([org.open_mask(staffed, d) for d in days], axis=1)  # outlet x day
    weekend = np.array([d.weekday() >= 5 for d in days])
    hours = np.where(weekend[:, None], WEEKEND_HOURS / WEEKEND_HOURS.sum(), WEEKDAY_HOURS / WEEKDAY_HOURS.sum())
    volume = staffed["_volume"].to_numpy()
    lam = volume[:, None, None] * day_factors(days, window_start)[None, :, None] * hours[None] * is_open[:, :, None]
    counters = staffed["_windows"].to_numpy()[:, None, None] * np.where(weekend, COUNTERS_WEEKEND, 1.0)[None, :, None]
    counters = np.repeat(counters, len(WEEKDAY_HOURS), axis=2)
    counters[:, :, NOON_HOUR_INDEX] *= COUNTERS_NOON
    rho = lam / np.maximum(counters * 60.0 / org.MEAN_SERVICE_MINUTES, 1e-9)
    quality = staffed["_quality"].to_numpy()[:, None, None]
    wait_mean = 3.0 + 4.0 * rho / (1.0 - np.minimum(rho, 0.9)) * (1.4 - 0.8 * quality)

    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    o, d, h = np.unravel_index(cell, lam.shape)
    n = cell.size
    day_s = np.array([np.datetime64(x, "s").astype(np.int64) for x in days])
    taken = day_s[d] + (OPEN_HOUR + h) * 3600 + rng.integers(0, 3600, n)
    wait = rng.gamma(WAIT_SHAPE, wait_mean.ravel()[cell] / WAIT_SHAPE)
    ot = np.flatnonzero(staffed["outlet_id"].to_numpy() == plan.overtime_outlet)
    if month in plan.overtime_months and ot.size:
        sel = o == ot[0]
        wait[sel] = rng.gamma(sc.OVERTIME_WAIT_SHAPE, sc.OVERTIME_MEAN_WAIT_MINUTES / sc.OVERTIME_WAIT_SHAPE,
                              int(sel.sum()))
    served = rng.random(n) >= 0.005 + 0.15 * (1.0 - np.exp(-wait / 40.0))
    names, shares, minutes = zip(*texts.BUSINESS_TYPES)
    shares = np.array(shares) / np.sum(shares)
    btype = rng.choice(len(names), size=n, p=shares)
    service = rng.lognormal(np.log(np.array(minutes))[btype] - 0.125, 0.5)
    called = taken + np.round(wait * 60).astype(np.int64)
    finished = called + np.round(service * 60).astype(np.int64)

    # queue numbers restart every day per queue (prefix); then order by outlet and time taken
    vip = (staffed["outlet_type"].to_numpy() == org.VIP)[o]
    prefix = np.where(vip, 2, np.where(np.array(names)[btype] == "对公业务", 1, 0))
    order = np.lexsort((taken, prefix, d, o))
    group = ((o * len(days) + d) * 3 + prefix)[order]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    seq = np.empty(n, dtype=np.int64)
    seq[order] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    order = np.lexsort((taken, o))
    o, d, taken, called, finished, served, wait = (a[order] for a in (o, d, taken, called, finished, served, wait))
    btype, prefix, seq = btype[order], prefix[order], seq[order]

    if month == plan.end_month:
        bad = np.flatnonzero((staffed["outlet_id"].to_numpy()[o] == plan.bad_rows_outlet)
                             & (day_s[d] == np.datetime64(plan.bad_rows_day, "s").astype(np.int64)) & served)
        called[bad[: sc.BAD_TICKETS]] = taken[bad[: sc.BAD_TICKETS]] - sc.BAD_TICKET_SHIFT_MINUTES * 60

    ids = pa.array(staffed["outlet_id"].to_numpy())
    prefixes = pa.array([texts.TICKET_PREFIX_STANDARD, texts.TICKET_PREFIX_CORPORATE, texts.TICKET_PREFIX_VIP])
    ticket_id = pc.binary_join_element_wise(pc.take(prefixes, pa.array(prefix)),
                                            pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 3, "0"), "")
    tickets = pa.table({
        "ticket_id": ticket_id,
        "outlet_id": pc.take(ids, pa.array(o)),
        "taken_at": pa.array(taken.astype("datetime64[s]")),
        "called_at": pa.array(called.astype("datetime64[s]"), mask=~served),
        "finished_at": pa.array(finished.astype("datetime64[s]"), mask=~served),
        "business_type": pc.take(pa.array(list(names)), pa.array(btype)),
    })
    ratings = _ratings(staffed, plan, month, rng, o, finished, served, wait, quality.ravel(), ids)
    aggregates = _aggregates(staffed, month, o, served, wait)
    return tickets, ratings, aggregates


def _ratings(staffed, plan, month, rng, o, finished, served, wait, quality, ids) -> pa.Table:
    n = o.size
    press = staffed["_press"].to_numpy()[o]
    collapsed = np.zeros(n, dtype=bool)
    if month in plan.participation_months:
        collapsed = staffed["outlet_id"].to_numpy()[o] == plan.participation_outlet
        press = np.where(collapsed, sc.PARTICIPATION_COLLAPSED, press)
    rated = served & (rng.random(n) < press)
    bad = (1.0 - quality[o]) + np.minimum(wait, 60.0) / 30.0
    cut = np.cumsum(np.stack([0.004 + 0.01 * bad, 0.006 + 0.02 * bad, 0.02 + 0.06 * bad, 0.12 + 0.05 * bad]), axis=0)
    u = rng.random(n)
    score = 1 + (u[None, :] >= cut).sum(axis=0)  # u below the first cut -> 1, ... above all -> 5
    score = np.where(collapsed, 5, score)
    when = finished + rng.integers(5, 90, n)
    keep = np.flatnonzero(rated)
    table = pa.table({
        "outlet_id": pc.take(ids, pa.array(o[keep])),
        "rated_at": pa.array(when[keep].astype("datetime64[s]")),
        "score": pa.array(score[keep].astype(np.int64)),
    })
    if month == plan.end_month:
        bad_row = pa.table({
            "outlet_id": pa.array([plan.bad_rows_outlet]),
            "rated_at": pa.array([np.datetime64(plan.bad_rows_day, "s") + np.timedelta64(10 * 3600, "s")]),
            "score": pa.array([sc.BAD_RATING_SCORE], type=pa.int64()),
        })
        table = pa.concat_tables([table, bad_row])
    return table


def _aggregates(staffed, month, o, served, wait) -> pd.DataFrame:
    m = len(staffed)
    taken = np.bincount(o, minlength=m)
    n_served = np.bincount(o, weights=served, minlength=m)
    wait_sum = np.bincount(o, weights=np.where(served, wait, 0.0), minlength=m)
    return pd.DataFrame({
        "outlet_id": staffed["outlet_id"].to_numpy(),
        "month": month,
        "tickets": taken,
        "served": n_served.astype(np.int64),
        "mean_wait": np.divide(wait_sum, n_served, out=np.zeros(m), where=n_served > 0),
    })
