"""Complaint bursts (紧急应急机制): complaints from one category or product/system bunching in time.

DOMAIN.md §1 and seed 003: complaints concentrated in time from one product or system start the
emergency mechanism, so the report must find such clusters. Method (why: docs/complaints.md):
a quasi-Poisson upper limit on a sliding window of daily counts, against each series' own baseline.

For each series (a category, and with [clusters.product_series] each product/system) and day t:

- W_t = complaints in the window of the last L = [clusters.window_days] days ending on t
  (7 days: every window holds each weekday once, so the weekly rhythm cancels out);
- baseline = the B = [clusters.baseline_days] days before that window (never days before the
  data begins: those are unknown, not zero); fewer than [clusters.min_baseline_days] days: no
  verdict. mu = max(mean daily count, [clusters.baseline_floor_per_day]); expected E_t = L x mu;
- dispersion phi = max(1, variance / mean of the baseline's daily counts) (quasi-Poisson: busy
  days cluster, so Var = phi x mean); limit U_t = the (1 - [clusters.alpha]) quantile of a negative
  binomial with mean E_t and variance phi x E_t (a Poisson when phi = 1);
- day t alarms when W_t > U_t and W_t - E_t >= [clusters.min_excess] (a burst is several
  complaints, not a statistically odd pair in a quiet series).

Consecutive alarm days form one alarm: start = the first day of the first alarming window with
more complaints than the daily baseline mu, end = the last such day up to the last alarm day;
complaints = the series' complaints from start to end, expected = mu x days, excess = the
difference.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import numpy as np
import pandas as pd
from ibis import _
from scipy import stats

from svc_analysis.complaints.complaints import label, scoped
from svc_analysis.engine.warehouse import engine
from svc_analysis.core.safety import md

ALARM_COLUMNS = ["kind", "key", "series", "start", "end", "days", "complaints", "expected", "excess",
                 "peak_window", "limit", "first_alarm"]
KIND_LABELS = {"category": "投诉类别", "product": "产品或系统"}


def upper_limit(expected, phi, alpha: float) -> np.ndarray:
    """(1 - alpha) quantile of a count with mean ``expected`` and variance phi x expected."""
    expected = np.asarray(expected, dtype="float64")
    phi = np.broadcast_to(np.asarray(phi, dtype="float64"), expected.shape)
    poisson = stats.poisson.ppf(1 - alpha, expected)
    over = phi > 1
    n = np.where(over, expected / np.where(over, phi - 1, 1), 1.0)
    nb = stats.nbinom.ppf(1 - alpha, n, np.where(over, 1 / phi, 0.5))
    return np.where(over, nb, poisson)


def scan(counts, *, window_days: int, baseline_days: int, min_baseline_days: int, alpha: float,
         min_excess: float, baseline_floor_per_day: float) -> pd.DataFrame:
    """Day-by-day verdict for one series of daily counts (index 0 = the first day with data).

    Columns: observed (window sum), mu, expected, phi, limit, alarm; no verdict (NaN, alarm False)
    while the baseline is shorter than min_baseline_days.
    """
    x = np.asarray(counts, dtype="float64")
    if x.ndim != 1 or (x < 0).any() or np.isnan(x).any():
        raise ValueError("counts must be a 1-D series of non-negative daily counts")
    L, B = window_days, baseline_days
    c1 = np.concatenate([[0.0], np.cumsum(x)])
    c2 = np.concatenate([[0.0], np.cumsum(x * x)])
    t = np.arange(x.size)
    w_lo = np.maximum(t - L + 1, 0)
    observed = c1[t + 1] - c1[w_lo]
    b_hi = t - L + 1
    b_lo = np.maximum(b_hi - B, 0)
    nb = np.where(b_hi > 0, b_hi - b_lo, 0)
    valid = nb >= min_baseline_days
    safe_hi, safe_lo = np.maximum(b_hi, 0), b_lo
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (c1[safe_hi] - c1[safe_lo]) / nb
        var = (c2[safe_hi] - c2[safe_lo]) / nb - mean ** 2
        var = var * nb / np.maximum(nb - 1, 1)  # sample variance
        phi = np.where(mean > 0, np.maximum(var / mean, 1.0), 1.0)
    mu = np.maximum(np.nan_to_num(mean), baseline_floor_per_day)
    expected = L * mu
    limit = upper_limit(expected, phi, alpha)
    alarm = valid & (observed > limit) & (observed - expected >= min_excess)
    frame = pd.DataFrame({"observed": observed, "mu": mu, "expected": expected, "phi": phi,
                          "limit": limit, "alarm": alarm})
    frame.loc[~valid, ["mu", "expected", "phi", "limit"]] = np.nan
    return frame


def episodes(counts, verdict: pd.DataFrame, window_days: int) -> list[dict]:
    """Alarms (runs of alarm days) of one series with start/end indices, complaints, expected, excess."""
    x = np.asarray(counts, dtype="float64")
    alarm = verdict["alarm"].to_numpy()
    out = []
    t = 0
    while t < alarm.size:
        if not alarm[t]:
            t += 1
            continue
        first = t
        while t + 1 < alarm.size and alarm[t + 1]:
            t += 1
        last = t
        mu = verdict["mu"].iat[first]
        lo = max(first - window_days + 1, 0)
        above = np.flatnonzero(x[lo:last + 1] > mu) + lo
        start, end = (int(above[0]), int(above[-1])) if above.size else (first, last)
        complaints = float(x[start:end + 1].sum())
        expected = float(mu * (end - start + 1))
        out.append({"start": start, "end": end, "first_alarm": first, "complaints": complaints,
                    "expected": expected, "excess": complaints - expected,
                    "peak_window": float(verdict["observed"].iloc[first:last + 1].max()),
                    "limit": float(verdict["limit"].iat[first])})
        t += 1
    return out


def daily_counts(con, first_day: date, end_day: date, *, product_series: bool, outlets=None) -> pd.DataFrame:
    """Complaints per series and day in [first_day, end_day): kind, key, day, n (days with complaints only)."""
    rows = scoped(con, "complaints", first_day, end_day, outlets)
    daily = (rows.group_by(key=_.category, day=_.received_at.date()).agg(n=_.count())
             .mutate(kind=ibis.literal("category")))
    if product_series:
        products = (rows.filter(_.product.notnull()).group_by(key=_.product, day=_.received_at.date())
                    .agg(n=_.count()).mutate(kind=ibis.literal("product")))
        daily = daily.union(products)
    frame = daily.select("kind", "key", "day", "n").to_pandas()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def data_start(con) -> date | None:
    """First day with any complaint in the warehouse (earlier days are unknown, not quiet)."""
    first = engine(con).table("complaints").received_at.min().date().to_pandas()
    return None if pd.isna(first) else pd.Timestamp(first).date()


def detect(con, first_day: date, end_day: date, *, window_days: int, baseline_days: int,
           min_baseline_days: int, alpha: float, min_excess: float, baseline_floor_per_day: float,
           product_series: bool, outlets=None) -> pd.DataFrame:
    """Alarms whose alarm days fall in [first_day, end_day), every series of the scope (ALARM_COLUMNS).

    Counts are read from the data's first day or first_day - baseline - window, whichever is later.
    """
    begin = data_start(con)
    if begin is None or begin >= end_day:
        return pd.DataFrame(columns=ALARM_COLUMNS)
    begin = max(begin, first_day - timedelta(days=baseline_days + window_days))
    daily = daily_counts(con, begin, end_day, product_series=product_series, outlets=outlets)
    days = pd.date_range(begin, end_day - timedelta(days=1)).date
    rows = []
    for (kind, key), part in daily.groupby(["kind", "key"], sort=True):
        counts = part.groupby("day")["n"].sum().reindex(days, fill_value=0).to_numpy()
        verdict = scan(counts, window_days=window_days, baseline_days=baseline_days,
                       min_baseline_days=min_baseline_days, alpha=alpha, min_excess=min_excess,
                       baseline_floor_per_day=baseline_floor_per_day)
        for ep in episodes(counts, verdict, window_days):
            if days[ep["first_alarm"]] < first_day and days[ep["end"]] < first_day:
                continue
            rows.append({"kind": kind, "key": key,
                         "series": f"{KIND_LABELS[kind]}：{label(kind, key)}",
                         **{k: days[ep[k]] for k in ("start", "end", "first_alarm")},
                         "days": ep["end"] - ep["start"] + 1,
                         **{k: ep[k] for k in ("complaints", "expected", "excess", "peak_window", "limit")}})
    frame = pd.DataFrame(rows, columns=ALARM_COLUMNS)
    return frame.sort_values(["start", "kind", "key"]).reset_index(drop=True) if rows else frame


def sentence(alarms: pd.DataFrame, month_label: str) -> str:
    """One Chinese sentence about the alarms of a period."""
    if alarms.empty:
        return f"{month_label}未发现投诉聚集（各类别、产品或系统的投诉量均在各自基线的正常波动范围内）。"
    parts = [f"{md(r.series)}（{r.start:%m月%d日}至{r.end:%m月%d日}，{r.complaints:.0f}件，"
             f"比基线多{r.excess:.0f}件）" for r in alarms.itertuples()]
    return (f"{month_label}发现{len(alarms)}起投诉聚集，应启动紧急应急机制并查明原因：" + "；".join(parts) + "。")
