"""params/satisfaction.yaml: survey targets and funnel settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section


class SatisfactionWatch(_Section):
    """The daily watch's evaluator flags (svc watch, issue 15): participation_drop_ratio and
    perfect_min_share of the month, with a day's volumes and a baseline in days."""

    baseline_days: int = Field(ge=1)
    gap_days: int = Field(ge=0)
    min_served: int = Field(ge=0)
    perfect_min_ratings: int = Field(ge=1)


class Satisfaction(_Section):
    satisfied_min_score: int = Field(ge=1, le=5)
    rate_target: float = Share
    rate_floor: float = Share
    interval_level: float = Field(gt=0, lt=1)
    rise_alpha: float = Field(gt=0, lt=1)
    control_sigma: float = Field(gt=0)
    overdispersion_alpha: float = Field(gt=0, lt=1)
    funnel_levels: list[float] = Field(min_length=2, max_length=2)
    funnel_centre: Literal["target", "average"]
    league_rows: int = Field(ge=1)
    participation_drop_ratio: float = Field(gt=0, lt=1)
    participation_baseline_months: int = Field(ge=1)
    participation_gap_months: int = Field(ge=0)
    participation_min_served: int = Field(ge=0)
    perfect_min_share: float = Field(gt=0, le=1)
    perfect_min_ratings: int = Field(ge=1)
    csat_min_score: int = Field(ge=1, le=5)
    nps_promoter_min: int = Field(ge=0, le=10)
    nps_detractor_max: int = Field(ge=0, le=10)
    survey_window_months: int = Field(ge=1)
    comment_terms: int = Field(ge=1)
    watch: SatisfactionWatch

    @model_validator(mode="after")
    def _consistent(self):
        if not all(0 < level < 1 for level in self.funnel_levels) or self.funnel_levels[0] >= self.funnel_levels[1]:
            raise ValueError("funnel_levels must be two levels between 0 and 1, the inner one first")
        if self.nps_detractor_max >= self.nps_promoter_min:
            raise ValueError("nps_detractor_max must be below nps_promoter_min")
        if self.rate_floor > self.rate_target:
            raise ValueError("rate_floor must not be above rate_target")
        return self
