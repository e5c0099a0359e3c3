"""Data-quality figures for notebook 00 (数据质量): is the month's data complete enough to report on?

Every figure is aggregated in the engine (event tables through Ibis expressions on warehouse.engine);
the functions return small frames. Scope: ``outlets`` (the scope's outlet ids, None = province) limits
tables with an outlet_id, tables keyed by staff_id via the staff table, and ``units``
(org.units_in_scope) limits tables keyed by unit_id.

Definitions (params in brackets):
- rows in the month: rows whose event time (contract Table.event_time) falls in [month start,
  next month start).
- date coverage: days of the month with at least one row / days in the month; below
  [quality.low_coverage_share] the table is flagged.
- missing day: a day on which a staffed outlet (org.staffed) is open (org.open_on) and has no
  row in one of the gap tables [quality.gap_tables] (default tickets and ratings: every open
  outlet serves customers and has evaluator presses every day it is open).
- rows loaded: the rows in the warehouse table after merging (engine.bookkeeping.table_rows, the
  one count the index and `svc ingest` show too), with the exact duplicates merged at ingest beside it.
- set aside at ingest: rows in _quarantine, per table and reason; per file, _ingest_log must
  balance (rows read = rows loaded + rows set aside + exact duplicates merged).
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import bookkeeping, org
from svc_analysis.engine import warehouse
from svc_analysis.core.masking import mask_value
from svc_analysis.core.periods import days_in_month, month_bounds

EVENT_TABLES = [t.name for t in contract.TABLES.values() if t.event_time]


def _scoped(ib, table: contract.Table, outlets: list[str] | None, units: list[str] | None):
    """An Ibis expression over a contract table limited to the scope."""
    expr = ib.table(table.name)
    if outlets is None:
        return expr
    names = table.column_names
    if "outlet_id" in names:
        return org.scope_filter(expr, outlets)
    if any(c.references == contract.STAFF for c in table.columns):
        staff = org.scope_filter(ib.table("staff"), outlets)
        return expr.filter(expr.staff_id.isin(staff.staff_id))
    if "unit_id" in names:
        return org.scope_filter(expr, units or outlets, "unit_id")
    raise ValueError(f"table {table.name} has no outlet_id, staff_id or unit_id column: it cannot be scoped")


def _as_date(value):
    """A date from the engine's answer (NaT / None: None)."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _event_table(name: str) -> contract.Table:
    table = contract.table(name)
    if not table.event_time:
        raise ValueError(f"table {name} has no event time column: it cannot be counted by day")
    return table


def table_summary(con, month: str, outlets=None, units=None, low_coverage_share: float = 1.0) -> pd.DataFrame:
    """Per event table: rows in the month and overall, first/last date overall, date coverage.

    low_coverage_share: [quality.low_coverage_share]; ``low_coverage`` is True below it.
    ``rows_total`` of the whole province is the one count of rows loaded (table_rows); of a
    scope, the scope's rows of it.
    """
    start, end = month_bounds(month)
    n_days = days_in_month(month)
    ib = warehouse.engine(con)
    rows = []
    for name in EVENT_TABLES:
        table = contract.table(name)
        t = _scoped(ib, table, outlets, units)
        et = t[table.event_time]
        in_month = (et >= start) & (et < end)
        found = t.aggregate(rows_in_month=t.count(where=in_month), rows_total=t.count(),
                            first_date=et.min().cast("date"), last_date=et.max().cast("date"),
                            days_with_data=et.cast("date").nunique(where=in_month)).to_pandas().iloc[0]
        rows.append({"table": name, "table_zh": table.zh[0], "rows_in_month": int(found["rows_in_month"]),
                     "rows_total": int(found["rows_total"]), "first_date": _as_date(found["first_date"]),
                     "last_date": _as_date(found["last_date"]), "days_with_data": int(found["days_with_data"]),
                     "days_in_month": n_days})
    out = pd.DataFrame(rows)
    if outlets is None:
        loaded = bookkeeping.table_rows(con).set_index("table")["rows_in_warehouse"]
        out["rows_total"] = out["table"].map(loaded).astype("int64")
    out["coverage"] = out["days_with_data"] / out["days_in_month"]
    out["low_coverage"] = out["coverage"] < low_coverage_share
    return out


def daily_counts(con, month: str, tables=None, outlets=None, units=None) -> pd.DataFrame:
    """Rows per day of the month per event table (days without rows appear with 0): table, day, rows."""
    start, end = month_bounds(month)
    ib = warehouse.engine(con)
    days = pd.Index(_days(month), name="day")
    frames = []
    for name in tables or EVENT_TABLES:
        table = _event_table(name)
        t = _scoped(ib, table, outlets, units)
        et = t[table.event_time]
        t = t.filter(et >= start, et < end)
        counts = t.group_by(day=et.cast("date")).aggregate(rows=t.count()).to_pandas()
        counts["day"] = pd.to_datetime(counts["day"]).dt.date
        rows = counts.set_index("day")["rows"].reindex(days, fill_value=0)
        frames.append(pd.DataFrame({"table": name, "day": days, "rows": rows.to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    out["rows"] = out["rows"].astype("int64")
    return out


def _days(month: str) -> list[date]:
    """Every day of the month, in order."""
    first = month_bounds(month)[0].date()
    return [first + timedelta(days=k) for k in range(days_in_month(month))]


def date_ranges(days: list[date]) -> str:
    """Sorted days written compactly: [10-05, 10-06, 10-07, 10-20] -> '10-05~10-07, 10-20'."""
    parts, run = [], []
    for day in sorted(days):
        if run and day - run[-1] != timedelta(days=1):
            parts.append(run)
            run = []
        run.append(day)
    if run:
        parts.append(run)
    fmt = "%m-%d"
    return ", ".join(r[0].strftime(fmt) if len(r) == 1 else f"{r[0]:{fmt}}~{r[-1]:{fmt}}" for r in parts)


def outlet_days(con, month: str, tables: list[str], outlets=None) -> pd.DataFrame:
    """Per gap table and staffed outlet open in the month: open days, days with rows, missing days.

    tables: [quality.gap_tables]; each must have outlet_id and an event time. Columns: table,
    outlet_id, outlet_name, subbranch, branch, open_days, days_with_data, missing_days, missing_dates.
    """
    start, end = month_bounds(month)
    ib = warehouse.engine(con)
    o = org.scope_filter(ib.table("outlets"), outlets)
    o = o.filter(~o.outlet_type.isin(list(org.UNSTAFFED_TYPES)))
    days = ibis.memtable(pd.DataFrame({"day": _days(month)}), schema={"day": "date"})
    od = o.cross_join(days)
    od = od.filter(org.open_on(od, od.day))
    od = od.select("outlet_id", "outlet_name", "subbranch", "branch", "day")
    frames = []
    for name in tables:
        table = _event_table(name)
        if "outlet_id" not in table.column_names:
            raise ValueError(f"quality.gap_tables: table {name} has no outlet_id, so it has no per-outlet days")
        t = ib.table(name)
        et = t[table.event_time]
        c = t.filter(et >= start, et < end).select("outlet_id", seen=et.cast("date")).distinct()
        j = od.left_join(c, (od.outlet_id == c.outlet_id) & (od.day == c.seen))
        frame = (j.group_by("outlet_id", "outlet_name", "subbranch", "branch").aggregate(
                     open_days=j.count(), days_with_data=j.seen.count(),
                     # unordered (Spark has no ordered collect): sorted below, on the small result
                     missing=j.day.collect(where=j.seen.isnull()).fill_null(ibis.literal([], type="array<date>")))
                 .order_by(["branch", "subbranch", "outlet_id"]).to_pandas())
        frames.append(frame.assign(table=name)[["table", *frame.columns]])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return pd.DataFrame(columns=["table", "outlet_id", "outlet_name", "subbranch", "branch", "open_days",
                                     "days_with_data", "missing_days", "missing_dates"])
    out["missing_days"] = (out["open_days"] - out["days_with_data"]).astype("int64")
    out["missing_dates"] = out["missing"].map(lambda days: date_ranges(sorted(pd.Timestamp(d).date() for d in days)))
    return out.drop(columns="missing")


def missing_only(days: pd.DataFrame) -> pd.DataFrame:
    """The rows of outlet_days with at least one missing day, most missing days first."""
    order = {name: i for i, name in enumerate(dict.fromkeys(days["table"]))}  # gap_tables order
    gaps = days[days["missing_days"] > 0].assign(_order=lambda f: f["table"].map(order))
    return (gaps.sort_values(["_order", "missing_days", "outlet_id"], ascending=[True, False, True], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def outlets_missing_days(con, month: str, tables: list[str], outlets=None) -> pd.DataFrame:
    """Staffed open outlets with at least one missing day per gap table (see outlet_days)."""
    return missing_only(outlet_days(con, month, tables, outlets))


def day_coverage_kpis(days: pd.DataFrame, tree: pd.DataFrame, month: str, scope_level: str) -> pd.DataFrame:
    """KPI rows ``outlet_day_coverage:<table>`` = open days with rows / open days, rolled up the tree.

    ``days`` from outlet_days; ``tree`` the scope's outlet tree. Only outlets in ``days`` (staffed,
    open in the month) count. No target: the figure tells how far the month's rates can be trusted.
    """
    from svc_analysis.engine import kpis

    frames = []
    for name in days["table"].unique():
        part = days[days["table"] == name].rename(columns={"days_with_data": "numerator",
                                                           "open_days": "denominator"})
        frames.append(kpis.rollup(part, tree[tree["outlet_id"].isin(part["outlet_id"])], month=month,
                                  area="quality", metric=f"outlet_day_coverage:{name}", scope_level=scope_level))
    return pd.concat(frames, ignore_index=True) if frames else kpis.frame_of([])


def set_aside_summary(con) -> pd.DataFrame:
    """Rows set aside at ingest (_quarantine) per table and reason, with one masked example.

    Columns: table, reason, rows (distinct rows: one row may break a rule in two columns), files,
    columns, example_file, example_row, example_value. The
    example value is masked by its column's rule (a quarantined value may be a phone number).
    The query is the engine's (engine.bookkeeping.set_aside).
    """
    out = bookkeeping.set_aside(con)
    out["example_value"] = [mask_value(c, v) for c, v in zip(out["example_column"], out["example_value"])]
    return out.drop(columns="example_column")


def ingest_files(con) -> pd.DataFrame:
    """Files ingested (_ingest_log), newest first, with ``unaccounted`` = read − loaded − set aside
    − merged; ``rows_present``: loaded rows that were already in the warehouse (a re-load).

    A non-zero ``unaccounted`` breaks the contract (rows in = rows loaded + rows set aside + exact
    duplicates merged). The query is the engine's (engine.bookkeeping.ingested_files).
    """
    return bookkeeping.ingested_files(con)


def table_rows(con) -> pd.DataFrame:
    """Rows loaded per table: the rows in the warehouse after merging, with the exact duplicates
    merged, rows set aside and rows read beside it (engine.bookkeeping.table_rows: the one count,
    which the index shows too). Tables with nothing loaded and nothing read are left out."""
    out = bookkeeping.table_rows(con)
    out = out[(out["rows_in_warehouse"] > 0) | (out["rows_read"] > 0)].reset_index(drop=True)
    out.insert(1, "table_zh", [contract.table(t).zh[0] for t in out["table"]])
    out["rows_overlap"] = out["rows_overlap"].astype(object).where(out["rows_overlap"].notna(), None)  # shown blank
    return out
