"""Checks before a run starts: is there a warehouse, a known scope, data for the period (month or week)?

A run that cannot produce a meaningful pack stops here with one sentence (exit code 2) instead of
publishing a pack of empty pages. What the checks learn (each table's coverage) goes on the index.
"""

from __future__ import annotations

from svc_analysis.core import contract
from svc_analysis.core.config import RunSettings
from svc_analysis.core.period import Period


class PreflightError(RuntimeError):
    """The run cannot start; the message says why and what to do."""


def table_coverage(con, period: Period | str) -> dict[str, dict]:
    """Per contract table: rows in all and exact duplicates merged at ingest (the one count,
    engine.bookkeeping.table_rows, as page 00 shows them), rows in the period (``rows_in_month``: a
    month, or the week of a weekly run; a month may be given as YYYY-MM), first and last date of its
    event time.

    One Ibis aggregate per event table, so a lake on Spark (engine.connection) is checked as a
    DuckDB warehouse is; a lake has no ingest log, so there ``merged`` is None (not known)."""
    import ibis

    from svc_analysis.engine import bookkeeping, connection
    from svc_analysis.engine.warehouse import engine

    start, end = Period.parse(period).bounds
    loaded = bookkeeping.table_rows(con).set_index("table")
    on_spark = connection.is_spark(con)
    ib = engine(con)
    coverage = {}
    for t in contract.TABLES.values():
        in_month, first, last = None, None, None
        if t.event_time:
            table = ib.table(t.name)
            time = table[t.event_time].cast("timestamp")
            inside = (time >= ibis.literal(start, type="timestamp")) & (time < ibis.literal(end, type="timestamp"))
            found = table.aggregate(in_month=table.count(where=inside), first=time.min().date(),
                                    last=time.max().date()).to_pyarrow().to_pylist()[0]
            in_month, first, last = found["in_month"], found["first"], found["last"]
        coverage[t.name] = {"rows": int(loaded.at[t.name, "rows_in_warehouse"]),
                            "merged": None if on_spark else int(loaded.at[t.name, "rows_merged"]),
                            "rows_in_month": in_month, "first": first, "last": last}
    return coverage


def check_can_run(settings: RunSettings, monthly_tables: list[str]) -> dict[str, dict]:
    """Raise PreflightError unless the warehouse can feed a pack for the month; return coverage.

    monthly_tables: the monthly event feeds (params report.monthly_tables); a month in which none of
    them has a row has no data, whatever history tables (star ratings...) reach back to it.
    """
    from svc_analysis.engine import connection, org
    from svc_analysis.engine import warehouse

    path = settings.warehouse
    if settings.engine == connection.DUCKDB:
        if not path.exists():
            raise PreflightError(
                f"数据仓库 {path} 不存在：请先用 svc ingest 文件… 导入数据，或用 svc sample-data 生成样例数据。")
        if warehouse.is_empty(path):
            raise PreflightError(f"数据仓库 {path} 中没有网点：请先导入网点表。")
    try:
        con = connection.open_data(settings)
    except connection.EngineError as exc:
        raise PreflightError(str(exc)) from None
    try:
        tree = org.outlet_tree(con) if settings.scope or connection.is_spark(con) else None
        if tree is not None and tree.empty:
            raise PreflightError(f"数据湖 {settings.lake} 中没有网点：请先导出网点表。")
        if settings.scope:
            try:
                org.resolve_scope(tree, settings.scope)
            except (KeyError, ValueError) as exc:
                raise PreflightError(str(exc).strip("'\"")) from None
        coverage = table_coverage(con, settings.period)
    finally:
        connection.close(con)
    if not any(coverage[name]["rows_in_month"] for name in monthly_tables):
        latest = max((c["last"] for c in coverage.values() if c["last"]), default=None)
        names = "、".join(contract.TABLES[t].zh[0] if t in contract.TABLES else t for t in monthly_tables)
        hint = f"（最新数据为 {latest:%Y-%m-%d}）" if latest else ""
        kind = settings.period.kind
        word, noun = {"month": ("月份", "月"), "week": ("周", "周"), "day": ("日期", "日")}.get(kind, (kind, kind))
        raise PreflightError(f"数据仓库中没有 {settings.period.key} 的{names}数据{hint}："
                             f"请用 --{kind} 选择其他{word}，或先导入该{noun}的导出文件。")
    return coverage
