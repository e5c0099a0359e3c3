"""How a metric reads on the summary page (notebook 90) and the index: its Chinese name (the catalogue's
words, campaign KPIs and params-named metrics by their params names) and its value and change for people:
shares as percents with the digits that decide against the target and changes in 个百分点, counts with
thousands separators, scores and minutes with their unit's decimals (views.kpi_display); 无数据 for no
value, never 0 or -0.0. Name, unit and direction come from the metric catalogue (core.catalogue) only,
so the summary cannot name or read a figure differently from its area page.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue
from svc_analysis.views import formats, kpi_display
from svc_analysis.views.plotting import NO_DATA

CAMPAIGN_PREFIX = "campaign_progress:"


def _unit(metric: str) -> str | None:
    """The catalogue unit of ``metric``; None for a figure outside the catalogue."""
    try:
        return kpi_display.unit_of(metric)
    except catalogue.CatalogueError:
        return None


def is_share(metric: str) -> bool:
    """Shares (0-1) print as percents and move in share points; counts, scores, minutes do not
    (the catalogue's unit decides: core.catalogue)."""
    return _unit(metric) == "share"


def higher_is_better(campaign=None) -> dict[str, bool]:
    """metric -> higher is better, from the catalogue's directions; a campaign KPI (a family member)
    by its own ``direction`` in params campaign.kpis (down: a falling value is progress)."""
    area_registry.area_modules()  # the catalogue holds every area's entries
    out = {m.id: not m.lower_is_better for m in catalogue.metrics() if not m.family}
    for kpi in getattr(campaign, "kpis", []) or []:
        out[CAMPAIGN_PREFIX + kpi.id] = kpi.direction == "up"
    return out


def metric_names(params) -> dict[str, str]:
    """The display names ``label`` takes from params: campaign KPI names by kpi_id (params campaign)
    and each area's ``metric_names(params)`` hook by metric id (投诉率较2025年下降)."""
    names = {k.id: k.name for k in params.campaign.kpis}
    for hook in area_registry.hooks("metric_names").values():
        names.update(hook(params))
    return names


def label(metric: str, names: dict[str, str] | None = None) -> str:
    """Chinese name of a metric; campaign KPIs by their params name and metrics named from params
    by ``names`` (metric_names: kpi_id or metric id -> name)."""
    if metric.startswith(CAMPAIGN_PREFIX):
        kpi_id = metric[len(CAMPAIGN_PREFIX):]
        return f"活动进度：{(names or {}).get(kpi_id, kpi_id)}"
    if (names or {}).get(metric):
        return names[metric]
    try:
        return kpi_display.name_of(metric)
    except catalogue.CatalogueError:  # a figure outside the catalogue keeps its id: a test finds it
        return metric


def _negative_word(metric: str) -> str | None:
    try:
        return kpi_display.entry(metric).negative_word
    except catalogue.CatalogueError:  # a figure outside the catalogue (e.g. a share computed here)
        return None


def fmt_value(metric: str, value, target=None, higher_is_better: bool = True) -> str:
    """A KPI value for people: 92.3% / 93.9 / 12 / 无数据; a share against its ``target`` with the
    digits that decide (views.formats: 0.3995 against 40% is 39.95%, never 40.0% beside ✗)."""
    if value is None or pd.isna(value):
        return NO_DATA
    if float(value) < 0 and _negative_word(metric):
        return kpi_display.value_text(metric, value, target)  # 不降反升 89.0%, as the pages read it
    if is_share(metric):
        return formats.share_against_target(value, target, higher_is_better)
    return kpi_display.value_text(metric, value, target)  # its unit's digits: 1,234 / 93.5 / 2.90


def fmt_change(metric: str, change) -> str:
    """A change with its sign: +1.2 个百分点 for shares, +0.8 / −3 otherwise; never -0.0 (views.plotting)."""
    if change is None or pd.isna(change):
        return NO_DATA
    if is_share(metric):
        return formats.points_change(change)  # never -0.0 个百分点
    unit = _unit(metric)
    return formats.signed(change, kpi_display.DIGITS.get(unit, 1), grouping=unit in ("count", "yuan"))
