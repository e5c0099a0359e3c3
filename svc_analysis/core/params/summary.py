"""params/summary.yaml: the management summary, highlights and early warning."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import _Section


class SummaryHighlights(_Section):
    """Highlights of the month (svc_analysis.summary.highlights; params/summary.yaml)."""

    count: int = Field(ge=1)
    order: list[Literal["newly_missed", "alarm", "newly_met", "movement"]] = Field(min_length=1)
    min_change_share_points: float = Field(gt=0, le=1)
    min_change_relative: float = Field(gt=0)
    alarm_new_warnings_min: int = Field(ge=1)


class SummaryBacktest(_Section):
    months: int = Field(ge=1)
    outcome: str
    outcomes_shown: list[str] = Field(min_length=1)
    bootstrap: int = Field(ge=100)
    level: float = Field(gt=0, lt=1)
    seed: int


WarningComponent = Literal["complaint_rate", "responsible", "satisfaction_funnel", "participation_drop",
                           "star_shortfall", "overtime", "mystery_low", "recheck_open"]
WARNING_COMPONENTS = WarningComponent.__args__


class EarlyWarning(_Section):
    """Outlet early warning (svc_analysis.summary.early_warning): component weights and thresholds."""

    weights: dict[WarningComponent, float]
    complaint_funnel_classes: list[Literal["above_95", "above_99.8"]] = Field(min_length=1)
    satisfaction_funnel_classes: list[Literal["below_95", "below_99.8"]] = Field(min_length=1)
    responsible_min: int = Field(ge=1)
    star_min_shortfall: int = Field(ge=1)
    mystery_below: float = Field(ge=0, le=100)
    flag_score: float = Field(gt=0)
    top_n: int = Field(ge=1)
    backtest: SummaryBacktest

    @model_validator(mode="after")
    def _weights(self):
        missing = [c for c in WARNING_COMPONENTS if c not in self.weights]
        if missing:
            raise ValueError(f"early_warning.weights lacks {', '.join(missing)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("early_warning.weights must be >= 0")
        if self.flag_score > sum(self.weights.values()):
            raise ValueError("early_warning.flag_score is above the sum of the weights: nothing could be flagged")
        return self


class Summary(_Section):
    """Management summary (notebook 90, index key figures): docs/summary.md."""

    headline: dict[str, str]
    lower_is_better: list[str]
    flat_share_points: float = Field(ge=0, lt=1)
    flat_relative: float = Field(ge=0, lt=1)
    highlights: SummaryHighlights
    early_warning: EarlyWarning
