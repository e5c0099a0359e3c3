"""Column headers of page tables from the one source: the contract's Chinese column names.

A column a page shows under its contract name (outlet_id, branch, staff_id, assessed_on ...) takes
the first Chinese alias core.contract gives it (outlets.branch -> 二级分行); a KPI table column takes
core.contract.KPI_COLUMN_NAMES (value -> 数值); a level takes engine.scope.LEVEL_LABELS. Only words
the contract does not have (a page's own computed columns) are written by the page.
"""

from __future__ import annotations

from svc_analysis.core import contract


def column_labels(*tables: str, **own: str) -> dict[str, str]:
    """Column headers: the contract's Chinese names of ``tables``' columns (the first table naming a
    column wins), then ``own`` names (which win)."""
    out: dict[str, str] = {}
    for name in tables:
        for column in contract.table(name).columns:
            out.setdefault(column.name, column.zh[0])
    return {**out, **own}


def kpi_column_labels(*columns: str) -> dict[str, str]:
    """The KPI table's Chinese column names (contract.KPI_COLUMN_NAMES) of ``columns`` (all by default)."""
    names = contract.KPI_COLUMN_NAMES
    return {c: names[c] for c in (columns or names)}
