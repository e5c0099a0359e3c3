"""The pack's cadences: which notebooks a run executes and how it names its period.

One runner builds every pack (runner.py: execution, export, gate, folder); a cadence only says
- which notebooks: the monthly pack runs ``notebooks/NN_*.ipynb``, the weekly pack (周通报、周汇总)
  ``notebooks/weekly/NN_*.ipynb`` (a folder per cadence: the monthly list is untouched by weekly pages);
- the notebooks' period parameter: ``month`` (YYYY-MM) or ``week`` (YYYY-Www, ISO week);
- the pack's name in Chinese and the word for "this period" on its front page;
- whether the run writes the progress workbook (服务活动进展情况月报表: a monthly report only).

The period itself is a core.period.Period carried by the run settings (config.RunSettings.period);
``of(period)`` picks its cadence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from svc_analysis.core import config
from svc_analysis.core.period import Period


@dataclass(frozen=True)
class Cadence:
    """How a pack of one period kind is built and named."""

    kind: str            # Period.kind: month / week
    notebooks_dir: Path  # the folder whose NN_*.ipynb notebooks make the pack
    parameter: str       # the notebooks' period parameter (papermill)
    pack_label: str      # the pack's name on every page and the index
    period_name: str     # the period's name in the index's run parameters
    period_word: str     # "this period" on the index (本月 / 本周)
    workbook: bool       # write the monthly progress workbook


MONTH = Cadence("month", config.NOTEBOOKS_DIR, "month", "服务质量月度报告", "月份", "本月", True)
WEEK = Cadence("week", config.NOTEBOOKS_DIR / "weekly", "week", "服务质量周报", "报告周", "本周", False)
CADENCES = {c.kind: c for c in (MONTH, WEEK)}


class CadenceError(ValueError):
    """A period kind no pack is built for (a day: the daily watch is not a pack)."""


def of(period: Period) -> Cadence:
    """The cadence of ``period``'s kind."""
    try:
        return CADENCES[period.kind]
    except KeyError:
        raise CadenceError(f"没有按{period.kind}生成的报告包 (no pack is built per {period.kind})") from None


def for_parameters(parameters: dict) -> Cadence:
    """The cadence of an executed notebook, from its papermill parameters (a ``week`` parameter: weekly)."""
    return WEEK if parameters.get(WEEK.parameter) else MONTH


def notebook_parameters(settings: config.RunSettings, kpi_dir: Path) -> dict:
    """The parameters every pack notebook of the run gets (docs/architecture.md "Notebook parameters")."""
    return {of(settings.period).parameter: settings.period.key, "warehouse": str(settings.warehouse),
            "scope": settings.scope, "params_file": str(settings.params_file) if settings.params_file else None,
            "kpi_dir": str(kpi_dir), "engine": settings.engine,
            "lake": str(settings.lake) if settings.lake else None, "spark_master": settings.spark_master}


def headline(metrics: dict[str, str | list[str]], period: Period) -> dict[str, str | list[str]]:
    """The index's headline metrics (params summary.headline: area -> metric or metrics) that the
    period's pack publishes: all for a month; for a week those the catalogue defines for a week
    (Metric.cadences)."""
    if period.kind == "month":
        return metrics
    from svc_analysis.core import areas, catalogue

    areas.hooks("METRICS")  # the areas register their catalogue entries on import

    def defined(metric: str) -> bool:
        return not metric.endswith(":") and period.kind in catalogue.metric(metric).cadences

    out: dict[str, str | list[str]] = {}
    for area, named in metrics.items():
        if isinstance(named, str):
            if defined(named):
                out[area] = named
        elif kept := [m for m in named if defined(m)]:
            out[area] = kept
    return out
