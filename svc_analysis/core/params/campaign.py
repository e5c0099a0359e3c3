"""params/campaign.yaml: the year's service campaign, its KPIs, report due dates and staffing."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section, _duplicates


class StatusThresholds(_Section):
    """A unit at or past its expected progress is on track; below it, at risk while its pace (the share of
    the planned gain achieved) is at least ``at_risk``, else behind."""

    at_risk: float = Field(gt=0, lt=1)


class MasterData(_Section):
    """A campaign KPI's counterpart in the outlets table, counted at the month end to check the reported
    actual: outlets of ``base`` open at the month end (``opened_since_start``: only those opened on or after
    the KPI's start); with ``flag`` the figure is the share of them with the flag (smart: outlets.smart;
    transformed: outlets.transformed_on on or before the month end), else their number. A gap (reported
    minus counted) whose size is at most ``tolerance`` is not flagged."""

    base: Literal["self_service_outlets", "vip_centre_outlets", "staffed_outlets", "all_outlets"]
    opened_since_start: bool = False
    flag: Literal["smart", "transformed"] | None = None
    tolerance: float = Field(default=0.0, ge=0)


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
    kind: Literal["cumulative", "level", "growth"] = "cumulative"
    baseline: float | None = None
    unit_targets: dict[str, float] | None = None
    split: Literal["outlets", "equal", "larger"] | None = None
    start: date
    deadline: date
    combine: Literal["sum", "latest", "ratio"]
    numerator: str | None = None
    denominator: str | None = None
    curve: Literal["linear", "front_loaded", "back_loaded", "monthly"] | None = None
    expected: list[float] | None = None
    direction: Literal["up", "down"] = "up"
    units: Literal["province", "branch", "outlet"]
    adds_up: bool = True  # counts add up to the level above; shares (占比) do not
    master_data: MasterData | None = None
    source: str | None = None

    @property
    def start_value(self) -> float:
        """Where the KPI's path starts: the baseline of a growth share, else 0."""
        return self.baseline or 0.0

    @property
    def baseline_missing(self) -> bool:
        """A growth share whose baseline the office has not reported (``baseline: null`` in params): its
        progress is shown, but there is no path to judge it against (status no_target, 基数未填报)."""
        return self.kind == "growth" and self.baseline is None

    @model_validator(mode="after")
    def _consistent(self):
        if self.deadline < self.start:
            raise ValueError(f"KPI {self.id}: deadline is before start")
        self._kind_consistent()
        self._master_data_consistent()
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
        if self.baseline is not None and self.direction == "up" and self.baseline >= self.target:
            raise ValueError(f"KPI {self.id}: baseline must be below the target")
        return self

    def _kind_consistent(self) -> None:
        """level: no curve, no baseline; growth: a curve and a baseline; a share (adds_up false) is never
        cumulative (judged against a path rising from zero it reads on track while it cannot make the target)."""
        if self.kind == "level":
            if self.curve is not None or self.baseline is not None:
                raise ValueError(f"KPI {self.id}: kind level holds its target at every month end: "
                                 f"no curve and no baseline")
            return
        if self.curve is None:
            raise ValueError(f"KPI {self.id}: kind {self.kind} needs a curve")
        if self.kind == "growth" and "baseline" not in self.model_fields_set:
            raise ValueError(f"KPI {self.id}: kind growth needs the baseline (the value at the KPI's start; "
                             f"`baseline: null` while the office has not reported it: shown, not judged)")
        if self.kind == "cumulative" and self.baseline:
            raise ValueError(f"KPI {self.id}: kind cumulative starts from 0; a baseline is for kind growth")
        if self.kind == "cumulative" and not self.adds_up:
            raise ValueError(f"KPI {self.id}: a share (adds_up false) is kind level (a standing rule) or "
                             f"growth (from its baseline to the target), not cumulative")
        if self.kind == "growth" and self.adds_up:
            raise ValueError(f"KPI {self.id}: kind growth is for a share (adds_up false): one baseline for every unit")

    def _master_data_consistent(self) -> None:
        """A share is checked against a share of outlets (a flag), a count against a number of outlets."""
        if self.master_data and (self.master_data.flag is None) != self.adds_up:
            raise ValueError(f"KPI {self.id}: master_data of a share needs a flag (smart / transformed); "
                             f"a count's master_data counts outlets (no flag)")


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
