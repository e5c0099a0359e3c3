"""params/staff.yaml: star tellers, skills and new hires."""

from __future__ import annotations

from pydantic import Field

from svc_analysis.core.params.base import Share, _Section


class Staff(_Section):
    star_teller_target: float = Share
    star_min_stars: int = Field(ge=1, le=5)
    expert_target: float = Share
    expert_test_roles: list[str] = Field(min_length=1)
    expert_within_months: int = Field(gt=0)
    english_target: float = Share
    front_line_roles: list[str] = Field(min_length=1)
    sign_language_coverage_target: float = Share
    rating_lapse_warning_days: int = Field(gt=0)
    anniversary_warning_days: int = Field(gt=0)
    new_hire_cohort_months: int | None = Field(default=None, gt=0)
    outcome_months: int = Field(ge=1, le=24)
    outcome_confidence: float = Field(gt=0, lt=1)
    emergency_drills_per_half_year: int = Field(ge=0)
