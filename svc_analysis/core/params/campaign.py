"""params/campaign.yaml: the year's service campaign, its KPIs, report due dates and staffing."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section, _duplicates


class StatusThresholds(_Section):
    """progress / expected-by-now: on track at >= on_track, at risk at >= at_risk, else behind."""

    on_track: float = Field(gt=0)
    at_risk: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.at_risk > self.on_track:
            raise ValueError("status_thresholds: at_risk must not be above on_track")
        return self


class ReportDue(_Section):
    """The monthly progress report 服务活动进展情况月报表 (seed 000): first <weekday> of the month at <hour>."""

    weekday: int = Field(ge=0, le=6)
    hour: int = Field(ge=0, le=23)
    holidays: list[date] = []
    submitters: Literal["branch", "subbranch"] = "branch"
    on_time_target: float = Share


class Staffing(_Section):
    """Staffing standards of seed 000: minimum staff in service by role."""

    vip_centre: dict[str, int]
    deposits_min_yi: float = Field(gt=0)
    deposits_outlet: dict[str, int]


class CampaignKpi(_Section):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    unit_of_measure: str
    target: float = Field(gt=0)
    target_of: Literal["staffed_outlets", "vip_centre_outlets", "all_outlets"] | None = None
    baseline: float = 0.0
    unit_targets: dict[str, float] | None = None
    split: Literal["outlets", "equal", "larger"] | None = None
    start: date
    deadline: date
    combine: Literal["sum", "latest", "ratio"]
    numerator: str | None = None
    denominator: str | None = None
    curve: Literal["linear", "front_loaded", "back_loaded", "monthly", "immediate"]
    expected: list[float] | None = None
    direction: Literal["up", "down"] = "up"
    units: Literal["province", "branch", "outlet"]
    adds_up: bool = True  # counts add up to the level above; shares (占比) do not
    source: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.deadline < self.start:
            raise ValueError(f"KPI {self.id}: deadline is before start")
        if self.combine == "ratio" and not (self.numerator and self.denominator):
            raise ValueError(f"KPI {self.id}: combine ratio needs numerator and denominator KPI ids")
        if self.curve == "monthly":
            months = (self.deadline.year - self.start.year) * 12 + self.deadline.month - self.start.month + 1
            shares = self.expected or []
            if len(shares) != months:
                raise ValueError(f"KPI {self.id}: curve monthly needs `expected` with {months} cumulative "
                                 f"shares (one per month from start to deadline), got {len(shares)}")
            if any(b < a for a, b in zip(shares, shares[1:])) or not 0 <= shares[0] <= shares[-1] == 1:
                raise ValueError(f"KPI {self.id}: `expected` must rise from >= 0 to exactly 1 at the deadline")
        elif self.expected is not None:
            raise ValueError(f"KPI {self.id}: `expected` is only for curve monthly")
        if self.direction == "up" and self.baseline >= self.target:
            raise ValueError(f"KPI {self.id}: baseline must be below the target")
        return self


class Campaign(_Section):
    name: str
    year: int
    status_thresholds: StatusThresholds
    curve_power: float = Field(gt=1)
    forecast_interval: float = Field(gt=0, lt=1)
    target_split: Literal["outlets", "equal", "larger"]
    report_due: ReportDue
    staffing: Staffing
    kpis: list[CampaignKpi] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [k.id for k in self.kpis]
        duplicated = _duplicates(ids)
        if duplicated:
            raise ValueError(f"duplicate KPI ids: {', '.join(duplicated)}")
        for k in self.kpis:
            for other in (k.numerator, k.denominator):
                if other and other not in ids:
                    raise ValueError(f"KPI {k.id}: ratio part {other} is not a KPI id")
        return self

    def kpi(self, kpi_id: str) -> CampaignKpi:
        return next(k for k in self.kpis if k.id == kpi_id)
