"""Ticket measures defined once, as Ibis expressions that give the same figure on every backend.

Customers served 服务客户数 (DATA_CONTRACT.md, tickets): the tickets taken in the period that were
called (called_at set); a ticket with no called_at is a customer who left unserved. It is the
denominator of the complaint rate (complaints per 10,000 customers served), of evaluator
participation (ratings / customers served) and of the queue's wait figures. The caller limits the
tickets to the period by taken_at (and to the scope); ``customers_served`` counts them, ``served``
keeps the served tickets as rows.

Wait minutes: called_at − taken_at in minutes from the two timestamps' epoch seconds (issue 16:
timestamp differences have other types on other engines; epoch seconds of the naive times are the
same on DuckDB and on Spark, spark_engine). The difference is made a double before dividing: Spark
reads a literal such as 60.0 as DECIMAL(3,1), and a BIGINT / DECIMAL quotient keeps 6 decimals only
(a month's wait sum then moves in the 8th digit).
"""

from __future__ import annotations

SECONDS_PER_MINUTE = 60


def customers_served(tickets):
    """The number of customers served among ``tickets`` (module docstring): an Ibis reduction, usable
    in ``aggregate``/``agg`` and per group (0 for a group with no ticket called)."""
    return tickets.called_at.count()


def served(tickets):
    """The served tickets of ``tickets`` (called_at set) as rows: counting them is customers_served."""
    return tickets.filter(tickets.called_at.notnull())


def minutes_between(start, end):
    """``end`` − ``start`` in minutes (a double; NULL when either is NULL), from epoch seconds."""
    seconds = (end.epoch_seconds() - start.epoch_seconds()).cast("float64")
    return seconds / SECONDS_PER_MINUTE


def wait_minutes(tickets):
    """A ticket's wait: called_at − taken_at in minutes (NULL when it was not called)."""
    return minutes_between(tickets.taken_at, tickets.called_at)
