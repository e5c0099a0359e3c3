"""Back-test of the daily watch's cluster rule on data with planted bursts (issue 15 "Operations").

The watch is run day by day over a range of days (summary.watch.day_alerts: each day sees only the
data up to its end), and its complaint_cluster alerts are set against the bursts planted in the
data (the sample generator's outage: ``sample_bursts``):

- a burst is **raised** on the first day the watch lists one of its series (the category and the
  product it is planted in) from the burst's first day on; ``delay`` = that day − the burst's
  first day (0: raised on its first day; the issue asks for 0 or 1);
- an alert on (day, series) is **true** while the series' 7-day window can still hold burst days
  (from the burst's first day to its last day + window_days − 1), **false** otherwise;
- **series-days**: the (series, day) verdicts the detector gave, i.e. for each day the series with
  at least one complaint in the days it reads (clusters.detect: the window and the baseline before
  it); false alarms per 100 series-days = 100 x false alerts / series-days.

``run`` gathers (slow: one watch per day); ``score`` only counts, so it is checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from svc_analysis.core.areas import hook
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine.as_of import as_of
from svc_analysis.engine.sample import scenarios, texts
from svc_analysis.engine.scope import Scope
from svc_analysis.summary.watch import day_alerts

CLUSTER_RULE = "complaint_cluster"


@dataclass(frozen=True)
class Burst:
    """A planted burst: its series (alert subjects, e.g. 'product:手机银行'), first day, length in days."""

    series: tuple[str, ...]
    start: date
    days: int

    def true_until(self, window_days: int) -> date:
        """The last day a window of ``window_days`` ending on it still holds a burst day."""
        return self.start + timedelta(days=self.days + window_days - 2)


def sample_bursts(end_month: str) -> list[Burst]:
    """The sample generator's planted outage (engine.sample.scenarios, scenario 1) for ``end_month``."""
    return [Burst(("category:system", f"product:{texts.OUTAGE_PRODUCT}"), scenarios.outage_start(end_month),
                  scenarios.OUTAGE_DAYS)]


def series_watched(con, params, scope: Scope, day: Period) -> int:
    """How many series the cluster detector judged on ``day``, as of the day (the complaints area's
    ``watch_series`` hook: the summary imports no area)."""
    return int(hook("watch_series")(as_of(con, day.end), params, scope, day))


def run(con, scope: Scope, first: date, last: date, *, only=("complaints",), params_file=None
        ) -> tuple[pd.DataFrame, int]:
    """The watch on every day from ``first`` to ``last``: (every alert, with its day; series-days).
    Raises RuntimeError when an area fails on some day (a back-test must not skip days)."""
    frames, series_days, params = [], 0, {}
    day = Period.day(first)
    while day.start <= last:
        if day.month_key not in params:
            params[day.month_key] = load_params(day.month_key, params_file)
        alerts, failures = day_alerts(con, params[day.month_key], scope, day, only=only)
        if failures:
            raise RuntimeError(f"watch failed on {day.key}: {failures}")
        frames.append(alerts)
        series_days += series_watched(con, params[day.month_key], scope, day)
        day = day.shift(1)
    return pd.concat(frames, ignore_index=True), series_days


@dataclass(frozen=True)
class Score:
    """What the back-test found (module docstring)."""

    raised: pd.DataFrame  # per burst: series, start, first_raised (NaT: never), delay_days, in_time
    false_alarms: int
    series_days: int

    @property
    def false_per_100(self) -> float:
        return 100.0 * self.false_alarms / self.series_days if self.series_days else float("nan")


def score(alerts: pd.DataFrame, series_days: int, bursts: list[Burst], window_days: int,
          in_time_days: int = 1) -> Score:
    """Count raised bursts and false alarms from the cluster rows of ``alerts`` (day, rule_id, subject)."""
    cluster = alerts[alerts["rule_id"] == CLUSTER_RULE][["day", "subject"]].drop_duplicates()
    days = pd.to_datetime(cluster["day"]).dt.date
    true = pd.Series(False, index=cluster.index)
    rows = []
    for burst in bursts:
        mine = cluster["subject"].isin(burst.series) & (days >= burst.start) & (days <= burst.true_until(window_days))
        true |= mine
        first = days[mine].min() if mine.any() else None
        delay = (first - burst.start).days if first else None
        rows.append({"series": "、".join(burst.series), "start": burst.start, "first_raised": first,
                     "delay_days": delay, "in_time": delay is not None and delay <= in_time_days})
    return Score(raised=pd.DataFrame(rows), false_alarms=int((~true).sum()), series_days=series_days)
