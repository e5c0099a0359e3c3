"""Targets, thresholds, rules and the campaign: params/*.yaml, merged and validated.

Order of merging (later wins; mappings merge key by key, lists are replaced whole):
    1. every params/*.yaml file: one per area (complaints.yaml ... queue.yaml), report.yaml, campaign.yaml
    2. params/months/<YYYY-MM>.yaml for the report month, when it exists
    3. the override file (``--params FILE`` or $SVC_PARAMS)

The merged mapping is validated by the models below (unknown keys are errors, so a typo fails fast)
and a ParamsError names the key and the files it came from.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from svc_analysis import config
from svc_analysis.periods import parse_month

Share = Field(ge=0, le=1)


class ParamsError(ValueError):
    """Parameters that cannot be used: the message names the key and the files."""


def _duplicates(ids) -> list[str]:
    """Ids that occur more than once, sorted (for the unique-id checks of rule sets and KPIs)."""
    counts = Counter(ids)
    return sorted(i for i, n in counts.items() if n > 1)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    top_n: int = Field(ge=1)
    min_len: int = Field(ge=1)
    rising_months: int = Field(ge=1)
    rising_min_texts: int = Field(ge=1)
    rising_min_ratio: float = Field(gt=1)
    stop_words: list[str]
    stop_suffixes: list[str]
    user_words: list[str]


class Complaints(_Section):
    per_customers: int = Field(gt=0)
    base_year: int = Field(ge=2000, le=2100)
    base_year_rate_per_10k: float | None = Field(default=None, ge=0)
    reduction_target: float = Share
    responsible_target: int = Field(ge=0)
    comment_book_reply_hours: int = Field(gt=0)
    comment_book_on_time_target: float = Share
    closing_days: ClosingDays
    closed_on_time_target: float = Share
    repeat_window_days: int = Field(gt=0)
    escalate_channels: list[str]
    penalty_yuan: PenaltyYuan
    praise_reward_yuan: float = Field(ge=0)
    praise_reward_channels: list[str]
    rolling_months: int = Field(ge=1)
    funnel_level: Literal["outlet", "subbranch"]
    funnel_levels: list[float] = Field(min_length=2, max_length=2)
    clusters: ComplaintClusters
    text: ComplaintText


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

    @model_validator(mode="after")
    def _consistent(self):
        if not all(0 < level < 1 for level in self.funnel_levels) or self.funnel_levels[0] >= self.funnel_levels[1]:
            raise ValueError("funnel_levels must be two levels between 0 and 1, the inner one first")
        if self.nps_detractor_max >= self.nps_promoter_min:
            raise ValueError("nps_detractor_max must be below nps_promoter_min")
        if self.rate_floor > self.rate_target:
            raise ValueError("rate_floor must not be above rate_target")
        return self


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


class StageTarget(_Section):
    from_month: int = Field(ge=1, le=12)
    to_month: int = Field(ge=1, le=12)
    target: float = Field(ge=0, le=100)


RuleRef = float | Literal["stage_target"]  # a score, or the stage target in force


class RuleWhen(_Section):
    """When a reward/penalty rule applies (every condition given must hold; svc_analysis.rules)."""

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


class Report(_Section):
    workers: int = Field(ge=1, le=8)
    cell_timeout_seconds: int = Field(gt=0)
    trend_months: int = Field(ge=1)
    title: str
    monthly_tables: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_tables(self):
        from svc_analysis.contract import TABLES

        unknown = [t for t in self.monthly_tables if t not in TABLES or not TABLES[t].event_time]
        if unknown:
            raise ValueError(f"monthly_tables: {', '.join(unknown)} is not a contract table with an event time")
        return self


class Quality(_Section):
    gap_tables: list[str]
    low_coverage_share: float = Share


class Ingest(_Section):
    """The plausible date window of ingest: earlier or later dates and timestamps are set aside."""

    earliest_date: date
    latest_days_ahead: int = Field(ge=0, le=36600)

    def window(self, today: date | None = None) -> tuple[date, date]:
        """(earliest, latest) accepted dates, both included; latest = today + latest_days_ahead."""
        from datetime import timedelta

        return self.earliest_date, (today or date.today()) + timedelta(days=self.latest_days_ahead)


class Warehouse(_Section):
    memory_limit: str
    threads: int = Field(ge=1)


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


class SummaryHighlights(_Section):
    """Highlights of the month (svc_analysis.highlights; params/summary.yaml)."""

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
    """Outlet early warning (svc_analysis.early_warning): component weights and thresholds."""

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


class Params(_Section):
    complaints: Complaints
    satisfaction: Satisfaction
    staff: Staff
    inspections: Inspections
    queue: Queue
    report: Report
    quality: Quality
    ingest: Ingest
    warehouse: Warehouse
    campaign: Campaign
    summary: Summary
    sources: tuple[str, ...] = ()  # the files merged, in order (for run.json and error messages)


def deep_merge(base: dict, over: dict) -> dict:
    """Merge ``over`` into a copy of ``base``: mappings key by key, everything else replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict:
    """One params file as a mapping; every way it can be unreadable is one ParamsError sentence."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"参数文件 {path} 不存在 (params file {path} does not exist)") from None
    except UnicodeDecodeError as exc:
        raise ParamsError(f"参数文件 {path} 不是 UTF-8 文本（第 {exc.start + 1} 字节起无法解码），请确认它是 YAML 文本文件 "
                          f"(params file {path} is not UTF-8 text: a binary file?)") from None
    except OSError as exc:
        raise ParamsError(f"参数文件 {path} 无法读取：{exc.strerror or exc} "
                          f"(params file {path} cannot be read)") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"第 {where.line + 1} 行" if where is not None else ""
        raise ParamsError(f"参数文件 {path} {line}不是有效的 YAML：{getattr(exc, 'problem', None) or exc} "
                          f"(params file {path} is not valid YAML: {exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"参数文件 {path} 顶层必须是按节组织的映射 "
                          f"(params file {path} must hold a mapping of sections at the top level)")
    return data


def param_files(month: str | None, override: Path | None, params_dir: Path | None = None) -> list[Path]:
    """The files merged for a month, in merge order."""
    params_dir = params_dir or config.PARAMS_DIR
    files = sorted(params_dir.glob("*.yaml"))
    if month:
        monthly = params_dir / "months" / f"{parse_month(month)}.yaml"
        if monthly.exists():
            files.append(monthly)
    if override:
        files.append(Path(override))
    return files


def load_params(month: str | None = None, override: str | Path | None = None,
                params_dir: Path | None = None) -> Params:
    """Merged, validated parameters for a report month (see the module docstring for the order)."""
    files = param_files(month, config.params_override_file(override), params_dir)
    merged: dict = {}
    for path in files:
        merged = deep_merge(merged, _read_yaml(path))
    try:
        return Params(**merged, sources=tuple(str(p) for p in files))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            problems.append(f"{key}: {err['msg']}")
        names = ", ".join(p.name for p in files)
        raise ParamsError(f"invalid params ({names}): " + "; ".join(problems)) from None
