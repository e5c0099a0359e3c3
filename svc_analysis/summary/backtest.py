"""Back-test of the outlet early warning: do outlets flagged in month m do worse in month m+1?

For each report month m of the history ([summary.early_warning.backtest.months] months ending the
month before the report month, so that m+1 is inside the data), the outlets are scored as in the
report (early_warning.signals + score) and split into flagged / not flagged. The outcome is an
outlet-level KPI of month m+1 with numerator and denominator ([backtest.outcome], default
complaint_rate_per_10k, from the same area function as the report: summary_registry.KpiSource).

Figures per group (outlet-months pooled, as every KPI rolls up): rate = Σ numerator / Σ denominator
× the KPI's scale; difference = rate_flagged − rate_other; ratio = rate_flagged / rate_other.
Uncertainty: an outlet's months are not independent (the same outlet is flagged month after month),
so the interval is a cluster bootstrap over outlets (Davison & Hinkley 1997, §3.8): outlets are
resampled with replacement [backtest.bootstrap] times with seed [backtest.seed], and the interval is
the percentile interval at [backtest.level]. A group with no denominator has no rate (无数据).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.summary import early_warning
from svc_analysis.core.periods import add_months, months_back

PAIR_COLUMNS = ["outcome", "month", "outlet_id", "flagged", "score", "numerator", "denominator"]


def tested_months(report_month: str, months: int) -> list[str]:
    """The back-test's months m: ``months`` months ending the month before ``report_month``."""
    return months_back(add_months(report_month, -1), months)


def declare_span(source, report_month: str, months: int | None = None):
    """Tell ``source`` (summary_registry.KpiSource) every month the back-test's signals read the ratings
    of: the first tested month's participation baseline to ``report_month``. The report month's and the
    previous month's signals (notebook 90's warnings) lie inside it, so declared before the first
    early_warning.signals call, the ratings are counted in one pass for all of them (not three).
    ``months``: the back-test's length (default [backtest.months]). Returns ``source``."""
    months = months or source.params.summary.early_warning.backtest.months
    sp = source.params.satisfaction
    first = add_months(tested_months(report_month, months)[0],
                       -(sp.participation_baseline_months + sp.participation_gap_months))
    source.prefetch_satisfaction([first, report_month])
    return source


def pairs(source, report_month: str, months: int, outcomes: list[str]) -> pd.DataFrame:
    """One row per outcome, tested month m and scored outlet: flagged in m, the outcome's numerator
    and denominator in m+1 (0 / 0 when the outlet has no row then). Columns PAIR_COLUMNS.

    Each month is scored once whatever the number of outcomes; the area functions' rows come from
    the source's cache (the report month's own rows are already there from the scorecard)."""
    ew = source.params.summary.early_warning
    tested = tested_months(report_month, months)
    declare_span(source, report_month, months)  # one pass over the ratings for every month
    frames = []
    for month in tested:
        scored = early_warning.score(early_warning.signals(source, month), ew)[["outlet_id", "flagged", "score"]]
        after = source.rows(add_months(month, 1), metrics=list(outcomes))
        after = after[after["level"] == "outlet"].rename(columns={"unit_id": "outlet_id", "metric": "outcome"})
        for outcome in outcomes:
            one = after.loc[after["outcome"] == outcome, ["outlet_id", "numerator", "denominator"]]
            frames.append(scored.merge(one, on="outlet_id", how="left").assign(month=month, outcome=outcome))
    out = pd.concat(frames, ignore_index=True)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("float64").fillna(0.0)
    return out[PAIR_COLUMNS]


def scale_of(rows: pd.DataFrame) -> float:
    """A ratio KPI's scale (value = numerator / denominator × scale: 10,000 for complaint rates)."""
    num, den = pd.to_numeric(rows["numerator"]), pd.to_numeric(rows["denominator"])
    ok = rows[(num > 0) & (den > 0) & rows["value"].notna()]
    if ok.empty:
        return 1.0
    return float(round((ok["value"] * ok["denominator"] / ok["numerator"]).median(), 6))


def _rates(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def compare(pair_rows: pd.DataFrame, *, scale: float = 1.0, bootstrap: int = 1000, level: float = 0.95,
            seed: int = 0) -> dict:
    """Flagged against not flagged on pair rows (PAIR_COLUMNS): the module docstring's figures.

    Returns outlet_months_flagged / _other, outlets_flagged (ever flagged), rate_flagged, rate_other,
    difference, ratio and diff_low, diff_high, ratio_low, ratio_high (NaN when not estimable).
    """
    if not 0 < level < 1:
        raise ValueError(f"backtest level must be between 0 and 1, not {level}")
    missing = [c for c in ("outlet_id", "flagged", "numerator", "denominator") if c not in pair_rows.columns]
    if missing:
        raise KeyError(f"back-test pairs lack columns {', '.join(missing)}")
    flagged = pair_rows["flagged"].astype(bool)
    part = pair_rows.assign(nf=pair_rows["numerator"].where(flagged, 0.0),
                            df=pair_rows["denominator"].where(flagged, 0.0),
                            no=pair_rows["numerator"].where(~flagged, 0.0),
                            do=pair_rows["denominator"].where(~flagged, 0.0))
    per = part.groupby("outlet_id")[["nf", "df", "no", "do"]].sum().to_numpy(dtype="float64")
    totals = per.sum(axis=0)
    rate_f, rate_o = _rates(totals[[0, 2]], totals[[1, 3]]) * scale
    out = {"outlet_months_flagged": int(flagged.sum()), "outlet_months_other": int((~flagged).sum()),
           "outlets_flagged": int(pair_rows.loc[flagged, "outlet_id"].nunique()),
           "rate_flagged": rate_f, "rate_other": rate_o, "difference": rate_f - rate_o,
           "ratio": rate_f / rate_o if rate_o and not np.isnan(rate_o) else np.nan,
           "diff_low": np.nan, "diff_high": np.nan, "ratio_low": np.nan, "ratio_high": np.nan}
    if len(per) < 2 or np.isnan(rate_f) or np.isnan(rate_o):
        return out
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(per), np.full(len(per), 1 / len(per)), size=bootstrap) @ per
    bf, bo = _rates(draws[:, 0], draws[:, 1]) * scale, _rates(draws[:, 2], draws[:, 3]) * scale
    tail = (1 - level) / 2 * 100
    diff = bf - bo
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(bo > 0, bf / bo, np.nan)
    if np.isfinite(diff).any():
        out["diff_low"], out["diff_high"] = np.nanpercentile(diff, [tail, 100 - tail])
    if np.isfinite(ratio).any():
        out["ratio_low"], out["ratio_high"] = np.nanpercentile(ratio[np.isfinite(ratio)], [tail, 100 - tail])
    return out


def backtest(source, report_month: str, outcomes: list[str] | None = None) -> pd.DataFrame:
    """compare() for each outcome (default [backtest.outcomes_shown]) over the tested months: one row
    per outcome with the months tested (first, last) and the figures."""
    bt = source.params.summary.early_warning.backtest
    outcomes = list(outcomes or bt.outcomes_shown)
    all_pairs = pairs(source, report_month, bt.months, outcomes)
    rows = []
    for outcome in outcomes:
        pr = all_pairs[all_pairs["outcome"] == outcome]
        # every month m+1 is in the source's cache already: the scale from all of them
        scale = scale_of(pd.concat([source.rows(add_months(m, 1), metrics=[outcome])
                                    for m in sorted(pr["month"].unique())], ignore_index=True))
        figures = compare(pr, scale=scale, bootstrap=bt.bootstrap, level=bt.level, seed=bt.seed)
        rows.append({"outcome": outcome, "first": pr["month"].min(), "last": pr["month"].max(), **figures})
    return pd.DataFrame(rows)


def sentence(row, label: str, fmt, higher_is_better: bool, level: float, fmt_diff=None) -> str:
    """One Chinese sentence on one outcome row of backtest(); ``fmt`` formats a rate of the outcome,
    ``fmt_diff`` a difference (default ``fmt``)."""
    fmt_diff = fmt_diff or fmt
    if pd.isna(row["rate_flagged"]) or pd.isna(row["rate_other"]):
        return f"{label}：回测期内预警网点或未预警网点无数据，无法比较。"
    worse = (row["difference"] < 0) if higher_is_better else (row["difference"] > 0)
    band = (f"差值 {fmt_diff(row['difference'])}，{level * 100:.0f}% 区间 {fmt_diff(row['diff_low'])} 至 {fmt_diff(row['diff_high'])}"
            if pd.notna(row["diff_low"]) else "区间无法估计")
    sure = pd.notna(row["diff_low"]) and (row["diff_low"] > 0 or row["diff_high"] < 0)
    return (f"{label}：{row['first']} 至 {row['last']} 各月被预警的网点（{row['outlet_months_flagged']} 个网点月，"
            f"{row['outlets_flagged']} 个网点）次月为 {fmt(row['rate_flagged'])}，未预警的"
            f"（{row['outlet_months_other']} 个网点月）为 {fmt(row['rate_other'])}；{band}"
            f"（区间已计入同一网点连续多月预警的影响）。预警网点次月{'更差' if worse else '并不更差'}"
            f"{'，且区间不含 0' if sure else '，但区间含 0，差异可能只是波动'}。")
