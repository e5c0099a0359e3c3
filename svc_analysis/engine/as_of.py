"""The warehouse as it stood at one instant: no look-ahead for the daily watch (issue 15).

``as_of(con, instant)`` is an Ibis backend stand-in whose ``table(name)`` is the contract table as
it was known at ``instant`` (the end of the watched day: the first instant of the next day):

- an event table (one with an event time, core.contract ``Table.event_time``) keeps only the rows
  whose event time is before ``instant``: a complaint received, a ticket taken, a rating given
  after the day is invisible;
- every other date or timestamp column of an event table that lies at or after ``instant`` reads as
  empty (NULL): a complaint replied or closed after the day is still unreplied / open on the day, a
  ticket called after midnight is still waiting;
- reference tables (outlets, staff, ...) are returned as they are: they carry no event time (an
  outlet's opened_on / closed_on are compared with the day by the code that asks, org.open_mask).

Analysis functions take it wherever they take a connection: ``warehouse.engine()`` passes any
object that is not a DuckDB connection through unchanged, and every event-table query of the areas
starts from ``engine(con).table(name)``. It offers nothing else (no SQL, no table listing), so a
query that would go around the cut fails loudly instead of looking ahead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis

from svc_analysis.core import contract, schema
from svc_analysis.engine.warehouse import engine


class AsOf:
    """The warehouse's tables as known at ``instant`` (module docstring)."""

    def __init__(self, con, instant: datetime):
        if isinstance(con, AsOf):  # a view of a view: the earlier cut wins
            instant, con = min(instant, con.instant), con.source
        self.source = con
        self.instant = instant

    def __repr__(self) -> str:
        return f"AsOf({self.instant:%Y-%m-%d %H:%M:%S})"

    def table(self, name: str) -> ibis.Table:
        t = engine(self.source).table(name)
        try:
            spec = contract.table(name)
        except KeyError:
            return t  # bookkeeping tables (_ingest_log, ...): not data about the day
        if not spec.event_time:
            return t
        t = t.filter(t[spec.event_time] < self._cut(spec, spec.event_time))
        later = {}
        for column in spec.columns:
            if column.name != spec.event_time and column.type in (schema.DATE, schema.TIMESTAMP):
                value = t[column.name]
                later[column.name] = ibis.cases((value < self._cut(spec, column.name), value),
                                                else_=ibis.null(value.type()))
        return t.mutate(**later) if later else t

    def _cut(self, spec, column: str):
        """The cut as a literal of the column's type. A DATE value is a whole day: known when that
        day began before the instant (the instant's own day counts unless the instant is midnight)."""
        if spec.column(column).type != schema.DATE:
            return ibis.literal(self.instant, type="timestamp")
        day = self.instant.date()
        if self.instant.time() != datetime.min.time():
            day += timedelta(days=1)
        return ibis.literal(day, type="date")


def as_of(con, instant: datetime | date) -> AsOf:
    """The warehouse behind ``con`` (a DuckDB connection, an Ibis backend or another AsOf) as known
    at ``instant``; a date means its first instant (``Period.bounds[1]`` of a day: the day's end)."""
    if not isinstance(instant, datetime):
        instant = datetime.combine(instant, datetime.min.time())
    return AsOf(con, instant)
