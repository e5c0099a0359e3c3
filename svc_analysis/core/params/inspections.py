"""params/inspections.yaml: stage targets and the mystery-shopper rule set."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section, _duplicates
from svc_analysis.core.periods import parse_month


class StageTarget(_Section):
    from_month: int = Field(ge=1, le=12)
    to_month: int = Field(ge=1, le=12)
    target: float = Field(ge=0, le=100)


RuleRef = float | Literal["stage_target"]  # a score, or the stage target in force


class RuleWhen(_Section):
    """When a reward/penalty rule applies (every condition given must hold; svc_analysis.inspections.rules)."""

    score_below: RuleRef | None = None
    score_at_least: RuleRef | None = None
    quarters: list[int] | None = None
    months: list[int] | None = None
    rank_top: int | None = Field(default=None, gt=0)
    rank_bottom: int | None = Field(default=None, gt=0)
    outside_top: int | None = Field(default=None, gt=0)
    rank_within: Literal["province", "branch", "subbranch"] = "province"

    @model_validator(mode="after")
    def _valid_periods(self):
        if any(not 1 <= q <= 4 for q in self.quarters or []):
            raise ValueError("quarters must be 1-4")
        if any(not 1 <= m <= 12 for m in self.months or []):
            raise ValueError("months must be 1-12")
        return self


class RuleAmount(_Section):
    """Amount in yuan: base + per_point x points, points = |points_from - score| (0 when not short)."""

    base: float | list[float] = 0.0
    per_point: float = Field(default=0.0, ge=0)
    points_from: RuleRef | None = None


class Rule(_Section):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    effect: Literal["penalty", "reward"]
    when: RuleWhen
    amount: RuleAmount
    group: str | None = None  # of the rules sharing a group, only the first that applies counts

    @model_validator(mode="after")
    def _consistent(self):
        base = self.amount.base
        if isinstance(base, list):
            n = self.when.rank_bottom or self.when.rank_top
            if n is None or len(base) != n:
                raise ValueError(f"rule {self.id}: a list of base amounts needs rank_top or rank_bottom "
                                 f"with as many places ({len(base)})")
            if any(b < 0 for b in base):
                raise ValueError(f"rule {self.id}: base amounts must be >= 0")
        elif base < 0:
            raise ValueError(f"rule {self.id}: base must be >= 0")
        if self.amount.per_point and self.amount.points_from is None:
            raise ValueError(f"rule {self.id}: per_point needs points_from (a score or stage_target)")
        return self


class RuleSet(_Section):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    active: bool  # active sets make the published penalty_yuan / reward_yuan; others are shown for comparison
    source: str
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self):
        duplicated = _duplicates(r.id for r in self.rules)
        if duplicated:
            raise ValueError(f"rule set {self.name}: duplicate rule ids {', '.join(duplicated)}")
        return self


class Inspections(_Section):
    stage_targets: list[StageTarget] = Field(min_length=1)
    recheck_below: float = Field(ge=0, le=100)
    severe_below: float = Field(ge=0, le=100)
    quarter_coverage_target: float = Share
    every_branch_each_quarter: bool
    year_coverage_target: float = Share
    reward_top_n: int = Field(ge=0)
    reward_min_score: float = Field(ge=0, le=100)
    bottom_branches_named: int = Field(ge=0)
    video_checks_per_branch_per_week: int = Field(ge=0)
    weekly_check_kinds: list[Literal["mystery", "video", "onsite"]] = Field(min_length=1)
    monthly_check_kinds: list[Literal["mystery", "video", "onsite"]] = Field(min_length=1)
    monthly_check_coverage_target: float = Share
    interval_level: float = Field(gt=0, lt=1)
    pairwise_alpha: float = Field(gt=0, lt=1)
    ledger_rows_shown: int = Field(gt=0)
    rule_sets: list[RuleSet] = Field(min_length=1)

    @model_validator(mode="after")
    def _stages_cover_the_year(self):
        months = [m for s in self.stage_targets for m in range(s.from_month, s.to_month + 1)]
        if sorted(months) != list(range(1, 13)):
            raise ValueError("stage_targets must cover months 1-12 exactly once (from_month <= to_month)")
        names = [r.name for r in self.rule_sets]
        if len(set(names)) != len(names):
            raise ValueError("rule_sets: names must be unique")
        if self.severe_below > self.recheck_below:
            raise ValueError("severe_below must not be above recheck_below")
        return self

    def stage_target(self, month: str) -> float:
        """The mystery-shopper stage target in force in the report month."""
        number = int(parse_month(month)[5:])
        return next(s.target for s in self.stage_targets if s.from_month <= number <= s.to_month)

    def rule_set(self, name: str) -> RuleSet:
        return next(r for r in self.rule_sets if r.name == name)
