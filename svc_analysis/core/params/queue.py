"""params/queue.yaml: waiting targets and peak views."""

from __future__ import annotations

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section


class QueuePeaks(_Section):
    """Peak periods of the weekday x hour view (hours are the hour a ticket was taken; 0 = Monday)."""

    opening_hours: list[int] = Field(min_length=1)
    noon_hours: list[int] = Field(min_length=1)
    weekend_days: list[int] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_range(self):
        for name in ("opening_hours", "noon_hours"):
            if any(not 0 <= h <= 23 for h in getattr(self, name)):
                raise ValueError(f"{name}: hours are 0-23")
        if any(not 0 <= d <= 6 for d in self.weekend_days):
            raise ValueError("weekend_days: days are 0 (Monday) - 6 (Sunday)")
        return self


class QueueWatch(_Section):
    """The daily watch's queue rules (svc watch, issue 15)."""

    overtime_share: float = Share
    min_served: int = Field(ge=1)
    trading_weeks: int = Field(ge=1)


class Queue(_Section):
    overtime_wait_minutes: float = Field(gt=0)
    overtime_outlet_share: float = Share
    overtime_outlets_target: int = Field(ge=0)
    heatmap_outlets: int = Field(ge=1)
    ranking_top_n: int = Field(ge=1)
    peaks: QueuePeaks
    peak_outlets: list[str] = []
    staffing_service_level: float = Field(gt=0, lt=1)
    staffing_max_windows: int = Field(ge=1)
    complaint_link_months: int = Field(ge=1)
    watch: QueueWatch
