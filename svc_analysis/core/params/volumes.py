"""params/volumes.yaml: the minimum volume below which a unit's rate is shown as 样本不足, not judged."""

from __future__ import annotations

from pydantic import Field

from svc_analysis.core.params.base import _Section


class Volumes(_Section):
    """min_denominator: metric id -> the smallest denominator (customers served, ratings, complaints due
    ...) at which a unit's rate is judged against its target and ranked (engine.kpis.small_sample).
    min_events: metric id -> the smallest number of events (complaints) behind a rate at which a unit's
    figure is judged; which events each metric counts is said in params/volumes.yaml (for
    complaint_rate_reduction: the base year's complaints behind the unit's base rate).
    max_interval_width: metric id -> the widest 95% interval (upper − lower, in the value's own scale:
    1.0 = 100 percentage points) a page prints as numbers; a wider one reads 区间过宽 (stats.intervals.too_wide)."""

    min_denominator: dict[str, float] = Field(default_factory=dict)
    min_events: dict[str, float] = Field(default_factory=dict)
    max_interval_width: dict[str, float] = Field(default_factory=dict)

    def minimum(self, metric: str) -> float | None:
        """The minimum volume of ``metric``, or None when every volume is judged."""
        return self.min_denominator.get(metric)

    def events(self, metric: str) -> float | None:
        """The minimum number of events behind ``metric``, or None when any number is judged."""
        return self.min_events.get(metric)

    def max_width(self, metric: str) -> float | None:
        """The widest interval of ``metric`` shown as numbers, or None when every width is shown."""
        return self.max_interval_width.get(metric)
