"""The metric catalogue: what every KPI id means, in one place, for pages, index, workbook and docs.

Each area declares its metrics as ``Metric`` entries (its own ``METRICS`` tuple) and registers them
here; nothing else spells a metric's Chinese name, unit, direction or target parameter again.
A ``campaign_progress:<kpi_id>`` metric is one family entry (``family=True``) whose rows carry the
campaign KPI's own name (params ``campaign.kpis``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "share", "balance", "per_10k", "minutes", "score", "yuan"]
Direction = Literal["higher", "lower"]
# What a month's figure may be compared with (the summary's 较上月 and highlights, issue 14):
# month: last month; quarter: the same month of the previous quarter (a quarter-to-date figure, or one
# that follows the quarterly mystery round: October's round against July's, never against September);
# year: a year-to-date figure, compared only with the same month last year.
Basis = Literal["month", "quarter", "year"]
EVERY_PERIOD = ("month", "week", "day")  # Metric.cadences of a figure defined over any run of days


@dataclass(frozen=True)
class Metric:
    """One KPI id of kpis.csv.

    id: the metric column's value (a family such as ``campaign_progress:`` ends with ':');
    name: the Chinese name a manager reads (星级柜员率); area: kpis.csv's area;
    unit: how the value is shown (a share 0-1 as a percent, a balance -1..1 of two shares ×100 with
          its sign as the net promoter score is read (+65), per_10k as 每万人次 ...);
    direction: which way is better (None: no direction, e.g. a count shown for information);
    definition: the rule in one or two Chinese sentences (numerator / denominator);
    source: the bank's own plan or rule it comes from (never a file name);
    target_param: the dotted params key of its target (``satisfaction.rate_target``), or None;
    family: True for an id prefix whose members are named by the data (campaign KPIs);
    basis: what a month's figure is compared with (Basis above; default last month).
    negative_word: for a change named by its good direction (投诉率较基年下降), the word a value below
    zero is read with, its size shown without the sign: a reduction of −0.89 reads 不降反升 89.0%,
    never 下降 −89.0%.
    cadences: the period kinds (core.period.Period.kind) the metric is defined for: every metric is
    monthly; an additive count or a ratio of additive counts over the period's days is also defined
    for a week (and a day). Month-end stocks, deadlines falling in the month, year-to-date figures
    stay monthly: a weekly pack publishes only metrics defined for a week.
    """

    id: str
    name: str
    area: str
    unit: Unit
    direction: Direction | None
    definition: str
    source: str = ""
    target_param: str | None = None
    family: bool = False
    basis: Basis = "month"
    cadences: tuple[str, ...] = ("month",)
    negative_word: str | None = None

    def matches(self, metric_id: str) -> bool:
        return metric_id.startswith(self.id) if self.family else metric_id == self.id

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"


_REGISTRY: dict[str, Metric] = {}


class CatalogueError(KeyError):
    """A metric id the catalogue does not know, or one declared twice."""


def register(metrics) -> None:
    """Add an area's ``Metric`` entries; the same id from two places is a defect (CatalogueError)."""
    for metric in metrics:
        known = _REGISTRY.get(metric.id)
        if known is not None and known != metric:
            raise CatalogueError(f"metric {metric.id} is declared twice ({known.area} and {metric.area})")
        _REGISTRY[metric.id] = metric


def metric(metric_id: str) -> Metric:
    """The catalogue entry of ``metric_id`` (a family member finds its family)."""
    if metric_id in _REGISTRY:
        return _REGISTRY[metric_id]
    for entry in _REGISTRY.values():
        if entry.family and entry.matches(metric_id):
            return entry
    raise CatalogueError(f"metric {metric_id} is not in the catalogue (svc_analysis.core.catalogue)")


def metrics(area: str | None = None, cadence: str | None = None) -> list[Metric]:
    """Every registered metric (of ``area``; defined for the period kind ``cadence``), in registration order."""
    return [m for m in _REGISTRY.values()
            if (area is None or m.area == area) and (cadence is None or cadence in m.cadences)]


def name(metric_id: str, family_names: dict[str, str] | None = None) -> str:
    """The Chinese name of a metric id; a family member takes its own name from ``family_names``
    (e.g. campaign KPI names by kpi_id), else the family's name with the member's id."""
    entry = metric(metric_id)
    if not entry.family:
        return entry.name
    member = metric_id[len(entry.id):]
    return (family_names or {}).get(member, f"{entry.name}（{member}）")


def basis(metric_id: str) -> str:
    """What the metric's month figure is compared with (Basis); "month" for an id not in the catalogue."""
    try:
        return metric(metric_id).basis
    except CatalogueError:
        return "month"
