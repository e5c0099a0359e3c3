"""params/complaints.yaml: complaint closing days, penalties, bursts and text."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from svc_analysis.core.params.base import Share, _Section


class ClosingDays(_Section):
    normal: int = Field(gt=0)
    complex: int = Field(gt=0)
    very_complex: int = Field(gt=0)


class PenaltyYuan(_Section):
    normal: float = Field(ge=0)
    complex: float = Field(ge=0)
    very_complex: float = Field(ge=0)


class ComplaintClusters(_Section):
    window_days: int = Field(ge=1, le=31)
    baseline_days: int = Field(ge=7)
    min_baseline_days: int = Field(ge=7)
    alpha: float = Field(gt=0, lt=0.5)
    min_excess: float = Field(ge=1)
    baseline_floor_per_day: float = Field(gt=0)
    product_series: bool


class ComplaintText(_Section):
    min_texts: int = Field(ge=1)
    top_n: int = Field(ge=1)
    min_term_texts: int = Field(ge=1)
    min_len: int = Field(ge=1)
    rising_months: int = Field(ge=1)
    rising_min_texts: int = Field(ge=1)
    rising_min_ratio: float = Field(gt=1)
    rising_alpha: float = Field(gt=0, lt=1)
    stop_words: list[str]
    stop_suffixes: list[str]
    user_words: list[str]


class ComplaintWatch(_Section):
    """The daily watch's complaint deadlines (svc watch, issue 15)."""

    reply_due_hours: float = Field(gt=0)
    closing_due_days: int = Field(ge=1)


class Complaints(_Section):
    per_customers: int = Field(gt=0)
    base_year: int = Field(ge=2000, le=2100)
    base_year_rate_per_10k: float | None = Field(default=None, ge=0)
    reduction_target: float = Share
    responsible_target: int = Field(ge=0)
    comment_book_reply_hours: int = Field(gt=0)
    hotline_reply_days: int = Field(gt=0)
    comment_book_on_time_target: float = Share
    closing_days: ClosingDays
    closed_on_time_target: float = Share
    ageing_bands_days: list[int] = Field(min_length=1)
    case_excerpt_chars: int = Field(ge=5)
    repeat_window_days: int = Field(gt=0)
    escalate_channels: list[str]
    penalty_yuan: PenaltyYuan
    praise_reward_yuan: float = Field(ge=0)
    praise_reward_channels: list[str]
    rolling_months: int = Field(ge=1)
    funnel_level: Literal["outlet", "subbranch"]
    funnel_levels: list[float] = Field(min_length=2, max_length=2)
    clusters: ComplaintClusters
    watch: ComplaintWatch
    text: ComplaintText

    @field_validator("ageing_bands_days")
    @classmethod
    def _increasing(cls, edges: list[int]) -> list[int]:
        if any(e <= 0 for e in edges) or any(b <= a for a, b in zip(edges, edges[1:])):
            raise ValueError(f"ageing_bands_days must be positive and increasing, not {edges}")
        return edges
