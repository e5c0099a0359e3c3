"""params/summary.yaml: the management summary, highlights and early warning."""

from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, model_validator

from svc_analysis.core.params.base import _Section


HighlightKind = Literal["newly_missed", "newly_met", "movement", "status", "count", "signal"]
HighlightSignal = Literal["complaint_cluster", "new_warnings", "evaluator_gaming", "participation_drop",
                          "ratings_too_perfect"]
StatusCode = Literal["met", "missed", "on_track", "at_risk", "behind", "small_sample", "no_target", "no_data"]
# the fields a rule's wording may use, by kind (svc_analysis.summary.alarms fills them, Markdown-safe)
WORDING_FIELDS = {"status": {"scope", "name", "items", "units", "count"},
                  "count": {"scope", "name", "value"},
                  "signal": {"items", "count"},
                  "newly_missed": set(), "newly_met": set(), "movement": set()}


class HighlightRule(_Section):
    """One severity rule of the highlights (params/summary.yaml summary.highlights.rules).

    kind: newly_missed / newly_met / movement (the scorecard's candidates, worded by the code; ``metric``
    limits the rule to one metric), status (KPI rows of ``metric`` at ``level`` whose status is in
    ``status``), count (the own unit's row of ``metric`` with value >= ``at_least``), signal (an alarm of
    an area or the early warning, firing with at least ``at_least`` items). severity: higher ranks first.
    wording: a Chinese sentence with {fields} (WORDING_FIELDS) for status, count and signal rules.
    """

    kind: HighlightKind
    severity: float = Field(ge=0)
    metric: str | None = None
    signal: HighlightSignal | None = None
    level: Literal["own", "below", "outlet"] = "own"
    status: list[StatusCode] = Field(default_factory=list)
    at_least: float = Field(default=1, ge=0)
    wording: str | None = None

    @model_validator(mode="after")
    def _complete(self):
        if self.kind in ("status", "count") and not self.metric:
            raise ValueError(f"a {self.kind} highlight rule needs a metric")
        if self.kind == "status" and not self.status:
            raise ValueError("a status highlight rule needs the statuses that fire (status: [...])")
        if (self.kind == "signal") != (self.signal is not None):
            raise ValueError("signal is set for, and only for, a signal highlight rule")
        if self.kind in ("status", "count", "signal") and not self.wording:
            raise ValueError(f"a {self.kind} highlight rule needs its wording")
        fields = {f for _, f, _, _ in string.Formatter().parse(self.wording or "") if f}
        unknown = sorted(fields - WORDING_FIELDS[self.kind])
        if unknown:
            raise ValueError(f"highlight wording uses unknown fields {', '.join(unknown)} "
                             f"(a {self.kind} rule may use {', '.join(sorted(WORDING_FIELDS[self.kind])) or 'none'})")
        return self


class SummaryHighlights(_Section):
    """Highlights of the month (svc_analysis.summary.highlights; params/summary.yaml): the ``count``
    candidates of highest severity (rules), then strength."""

    count: int = Field(ge=1)
    min_change_share_points: float = Field(gt=0, le=1)
    min_change_relative: float = Field(gt=0)
    rules: list[HighlightRule] = Field(min_length=1)


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

    headline: dict[str, str | list[str]]  # area -> its headline metric, or several shown one under another
    flat_share_points: float = Field(ge=0, lt=1)
    flat_relative: float = Field(ge=0, lt=1)
    highlights: SummaryHighlights
    early_warning: EarlyWarning
