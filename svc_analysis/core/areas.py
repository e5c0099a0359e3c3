"""The areas' registry: the pack and the summary find the areas here, never by importing them.

Each area package registers one module under the entry-point group ``svc_analysis.areas`` in
pyproject.toml (``[project.entry-points."svc_analysis.areas"]``, read with importlib.metadata from
the installed distribution: after editing that table, reinstall with ``make .venv/.installed-stamp``).
An area's registered module offers hooks as module attributes, for example the campaign's
``WORKBOOK_DATA`` (the progress-report workbook's data). Loading is by name at run time, so the import-linter contracts see no arrow from the pack to any area.

The daily watch (svc watch, issue 15) asks every area offering ``watch_alerts(con, params, scope,
day)`` for the day's alerts: ``con`` is the warehouse as known at the day's end (engine.as_of),
``day`` a one-day core.period.Period; it returns a frame with WATCH_ALERT_COLUMNS, one row per
alert, in the order the area wants them read.
"""

from __future__ import annotations

from importlib import metadata
from types import ModuleType

GROUP = "svc_analysis.areas"
# A watch alert: rule_id (the rule, for programs: the back-test) and subject (what it is about, as
# data: an outlet id, a complaint id, a series) are not shown; rule, unit, figure, threshold and
# action are the reader's Chinese text (规则, 单位, 数值, 阈值, 处理建议), escaped where they are shown.
WATCH_ALERT_COLUMNS = ("rule_id", "subject", "rule", "unit", "figure", "threshold", "action")
_loaded: dict[str, ModuleType] = {}


class AreaRegistryError(LookupError):
    """No area (or more than one) offers a hook, or no area is registered at all."""


def area_modules() -> dict[str, ModuleType]:
    """The registered areas' modules by area name, in name order (loaded once per process)."""
    if not _loaded:
        points = sorted(metadata.entry_points(group=GROUP), key=lambda p: p.name)
        if not points:
            raise AreaRegistryError(f"no area is registered under the entry-point group {GROUP}: "
                                    "reinstall the package (make .venv/.installed-stamp)")
        for point in points:
            _loaded[point.name] = point.load()
    return dict(_loaded)


def hook(name: str):
    """The one registered area's attribute ``name`` (a function or a value)."""
    offering = [module for module in area_modules().values() if hasattr(module, name)]
    if len(offering) != 1:
        raise AreaRegistryError(f"{len(offering)} registered areas offer {name}, need exactly one")
    return getattr(offering[0], name)


def hooks(name: str) -> dict[str, object]:
    """Every registered area's attribute ``name``, by area name (areas without it are left out)."""
    return {area: getattr(module, name) for area, module in area_modules().items() if hasattr(module, name)}
