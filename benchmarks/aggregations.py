"""The three heaviest aggregations of the pack, engine vs plain pandas (run by benchmarks/run.py).

usage: aggregations.py NAME engine|pandas WAREHOUSE TICKETS_CSV RATINGS_CSV

- wait_by_outlet_month: per outlet and month, tickets, served, mean and 90th-percentile wait (50 M rows)
- satisfaction_by_outlet_month: per outlet and month, ratings and satisfied ratings (35 M rows)
- tickets_by_outlet_day: per outlet and day, tickets taken (the data-quality gap check)

The engine side is an Ibis expression executed by DuckDB on the warehouse; the pandas side is what
an analyst would write by hand against the export file: read_csv of the needed columns, groupby.
"""

from __future__ import annotations

import sys

import pandas as pd


def _engine(name: str, warehouse: str) -> pd.DataFrame:
    import ibis

    con = ibis.duckdb.connect(warehouse, read_only=True)
    if name == "satisfaction_by_outlet_month":
        r = con.table("ratings")
        month = r.rated_at.truncate("M")
        return (r.group_by([r.outlet_id, month.name("month")])
                .agg(ratings=r.count(), satisfied=(r.score >= 4).sum()).to_pandas())
    t = con.table("tickets")
    if name == "wait_by_outlet_month":
        wait = (t.called_at.epoch_seconds() - t.taken_at.epoch_seconds()) / 60
        return (t.group_by([t.outlet_id, t.taken_at.truncate("M").name("month")])
                .agg(tickets=t.count(), served=t.called_at.notnull().sum(),
                     mean_wait=wait.mean(), p90_wait=wait.quantile(0.9)).to_pandas())
    return t.group_by([t.outlet_id, t.taken_at.date().name("day")]).agg(tickets=t.count()).to_pandas()


def _read(path: str, columns: list[str], table: str) -> pd.DataFrame:
    """read_csv of the needed columns, whatever alias (English or Chinese) the header uses."""
    from svc_analysis.core.contract import table as contract_table

    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    spec = contract_table(table)
    rename = {h: c for c in columns for h in spec.column(c).headers if h in header}
    frame = pd.read_csv(path, usecols=list(rename), encoding="utf-8-sig")
    return frame.rename(columns=rename)


def _pandas(name: str, tickets_csv: str, ratings_csv: str) -> pd.DataFrame:
    if name == "satisfaction_by_outlet_month":
        r = _read(ratings_csv, ["outlet_id", "rated_at", "score"], "ratings")
        r["month"] = pd.to_datetime(r["rated_at"]).dt.to_period("M")
        r["satisfied"] = r["score"] >= 4
        return r.groupby(["outlet_id", "month"]).agg(ratings=("score", "size"),
                                                     satisfied=("satisfied", "sum")).reset_index()
    if name == "wait_by_outlet_month":
        t = _read(tickets_csv, ["outlet_id", "taken_at", "called_at"], "tickets")
        taken, called = pd.to_datetime(t["taken_at"]), pd.to_datetime(t["called_at"])
        t = pd.DataFrame({"outlet_id": t["outlet_id"], "month": taken.dt.to_period("M"),
                          "wait": (called - taken).dt.total_seconds() / 60, "served": called.notna()})
        g = t.groupby(["outlet_id", "month"])
        return g.agg(tickets=("served", "size"), served=("served", "sum"), mean_wait=("wait", "mean"),
                     p90_wait=("wait", lambda s: s.quantile(0.9))).reset_index()
    t = _read(tickets_csv, ["outlet_id", "taken_at"], "tickets")
    t["day"] = pd.to_datetime(t["taken_at"]).dt.date
    return t.groupby(["outlet_id", "day"]).size().rename("tickets").reset_index()


def main(argv: list[str]) -> None:
    name, engine, warehouse, tickets_csv, ratings_csv = argv
    result = _engine(name, warehouse) if engine == "engine" else _pandas(name, tickets_csv, ratings_csv)
    print(f"{name} {engine}: {len(result)} groups")


if __name__ == "__main__":
    main(sys.argv[1:])
