"""The outlet tree (province → branch 二级分行 → sub-branch 支行 → outlet 网点) and the run's scope.

The tree is the warehouse's outlets table: about a thousand rows, so it is read whole into pandas.
A scope (``--scope``, the notebook parameter ``scope``) is a branch or sub-branch name; None means
the whole province. Dates follow the contract: an outlet is open on day ``d`` when it opened on or
before ``d`` (or has no opening date) and has no closing date or closed after ``d`` — on its
撤并日期 it no longer counts as open.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

PROVINCE = "province"
LEVELS = (PROVINCE, "branch", "subbranch", "outlet")
TREE_COLUMNS = ("outlet_id", "outlet_name", "subbranch", "branch", "outlet_type", "opened_on", "closed_on")
# Outlet types without counter staff (DATA_CONTRACT.md: "staffed outlets (not self_service)").
UNSTAFFED_TYPES = ("self_service",)
_DATES = ("opened_on", "closed_on")


class ScopeError(ValueError):
    """A scope that names no branch or sub-branch of the tree."""


def outlet_tree(con) -> pd.DataFrame:
    """The outlets table as a small frame (TREE_COLUMNS), sorted by branch, sub-branch, outlet.

    ``con``: a DuckDB connection to the warehouse or an Ibis backend (warehouse.engine: Spark too).
    Sorted here, not in the engine (Spark puts NULLs first, DuckDB last): text by code point, as
    DuckDB's default collation. Dates come back as ``datetime.date`` objects.
    """
    from svc_analysis.engine import warehouse

    tree = warehouse.engine(con).table("outlets").select(*TREE_COLUMNS).to_pandas()
    tree = tree.astype({c: "str" for c in TREE_COLUMNS if c not in _DATES})  # pandas' text type, on both engines
    tree = tree.sort_values(["branch", "subbranch", "outlet_id"], kind="stable", na_position="last")
    tree = tree.reset_index(drop=True)
    for col in _DATES:
        tree[col] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in tree[col]],
                              index=tree.index, dtype=object)
    return tree


def _names(tree: pd.DataFrame, column: str) -> list[str]:
    return sorted(tree[column].dropna().unique().tolist())


def resolve_scope(tree: pd.DataFrame, scope: str | None) -> tuple[str, str]:
    """(level, name) for a scope: ('province', 'province'), ('branch', name) or ('subbranch', name).

    A name used both as a branch and as a sub-branch resolves to the branch. An unknown name raises
    ScopeError listing every valid name.
    """
    name = (scope or "").strip()
    if not name:
        return PROVINCE, PROVINCE
    for level in ("branch", "subbranch"):
        if name in set(tree[level]):
            return level, name
    raise ScopeError(  # read by the operator on the command line (issue 18): in Chinese
        f"未知的范围“{name}”：网点表中没有这个二级分行或支行。"
        f"可选的二级分行有 {'、'.join(_names(tree, 'branch')) or '（无）'}；"
        f"支行有 {'、'.join(_names(tree, 'subbranch')) or '（无）'}。"
    )


def scope_tree(tree: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    """The rows of the tree inside the scope (the whole tree for the province)."""
    level, name = resolve_scope(tree, scope)
    if level == PROVINCE:
        return tree
    return tree[tree[level] == name]


def outlets_in_scope(tree: pd.DataFrame, scope: str | None) -> list[str]:
    """Every outlet_id inside the scope, open or closed, sorted."""
    return sorted(scope_tree(tree, scope)["outlet_id"].tolist())


def units_in_scope(tree: pd.DataFrame, scope: str | None) -> list[str] | None:
    """unit_id values (campaign and report-submission tables) that belong to the scope.

    The scope's own name, the sub-branch names below it and its outlet ids; None for the province
    (no filter: every unit, 'province' included, belongs to it).
    """
    level, name = resolve_scope(tree, scope)
    if level == PROVINCE:
        return None
    inside = scope_tree(tree, scope)
    return sorted({name, *inside["subbranch"].dropna(), *inside["outlet_id"]})


def staffed(tree: pd.DataFrame) -> pd.DataFrame:
    """The outlets with counter staff (every type except UNSTAFFED_TYPES)."""
    return tree[~tree["outlet_type"].isin(UNSTAFFED_TYPES)]


def open_on(expr, day):
    """The open-on-a-day rule as an Ibis predicate over an expression with opened_on/closed_on."""
    return ((expr.opened_on.isnull() | (expr.opened_on <= day))
            & (expr.closed_on.isnull() | (expr.closed_on > day)))


def open_on_sql(day: str) -> str:
    """The open-on-a-day rule as a DuckDB condition over outlets' opened_on/closed_on."""
    return f"(opened_on IS NULL OR opened_on <= {day}) AND (closed_on IS NULL OR closed_on > {day})"


def open_mask(tree: pd.DataFrame, on: date) -> pd.Series:
    """True for the outlets open on day ``on`` (see the module docstring for the rule)."""
    opened = tree["opened_on"].map(lambda d: d is None or pd.isna(d) or d <= on)
    not_closed = tree["closed_on"].map(lambda d: d is None or pd.isna(d) or d > on)
    return (opened & not_closed).astype(bool)


def open_outlets(tree: pd.DataFrame, on: date) -> pd.DataFrame:
    """The outlets open on day ``on``."""
    return tree[open_mask(tree, on)]


def scope_filter(expr, outlets: list[str] | None, column: str = "outlet_id"):
    """An Ibis table expression limited to the scope's outlets (unchanged when ``outlets`` is None)."""
    if outlets is None:
        return expr
    return expr.filter(expr[column].isin(list(outlets)))
