"""fast_checks: which cells the engine path's fast lane types itself, and that the lane changes nothing.

The fast lane may only take a row check_sql would pass unchanged; every other row goes through the
full rules. The cells below are canonical-looking traps, each with the reading of parsing.py (the
chunked path) written beside it by hand.
"""

from __future__ import annotations

import datetime as dt
import sys

import duckdb
import pytest

from svc_analysis.core import contract, schema
from svc_analysis.engine import fast_checks
from svc_analysis.engine.check_sql import SPACE_CODES

WINDOW = (dt.date(1950, 1, 1), dt.date(2029, 12, 31))

# (outlet_id, rated_at, score) -> fast lane? (True: typed by fast(); False: check_sql reads it)
RATINGS = [
    (("O001", "2026-10-01 09:23:35", "4"), True),
    (("O001", "2026-10-01 24:00:00", "4"), False),  # DuckDB alone would read the next day's 00:00
    (("O001", "2026-10-1 09:24:00", "4"), False),  # a one-digit day: parsing.py accepts it, slowly
    (("O001", "2026-10-01 09:25:00.5", "4"), False),  # parsing.py drops the fraction, DuckDB would keep it
    (("O001", "0000-01-01 00:00:00", "4"), False),  # year 0: not a timestamp for parsing.py
    (("O001", "2099-01-01 00:00:00", "3"), False),  # parses, but outside the plausible window
    (("O001", "2026-10-01 09:26:00", "04"), False),  # 4 for parsing.py, not written as DuckDB prints it
    (("O001", "2026-10-01 09:27:00", "+4"), False),
    (("O001", "2026-10-01 09:28:00", "4.0"), False),
    (("O001", "2026-10-01 09:29:00", "6"), False),  # outside 1-5
    ((" O001", "2026-10-01 09:30:00", "5"), False),  # a space to strip
    (("O001\u3000", "2026-10-01 09:31:00", "5"), False),  # an ideographic space to strip
    (("\u00a0O001", "2026-10-01 09:31:00", "5"), False),  # a no-break space to strip
    (("网点一", "2026-10-01 09:32:00", "5"), True),  # text that starts and ends with Chinese
    (("O001", "2026-10-01 09:33:00", "2147483648"), False),  # beyond INTEGER
    (("Ö01", "2026-10-01 09:34:00", "5"), True),  # ends not decided by their code points: the regex says clean
    (("O001\u0085", "2026-10-01 09:35:00", "5"), False),  # NEL, a space below U+3000 and beyond ASCII
    (("\U000110bd ", "2026-10-01 09:36:00", "5"), False),  # a sign above U+3000, then a space to strip
]


def test_the_quick_end_test_only_passes_characters_that_are_not_spaces():
    # fast_checks.stripped passes a cell on its end characters' code points alone when they are
    # printable ASCII (33-126) or above U+3000: none of those is a space for str.strip().
    spaces = [c for c in range(0x110000) if chr(c).isspace()]
    assert max(spaces) == 0x3000 and not [c for c in spaces if 33 <= c <= 126]


def _verdicts(table: str, rows: list[tuple]) -> list[tuple]:
    """(fast lane?, fast values) per row, computed by DuckDB from fast_checks' SQL."""
    t = contract.table(table)
    width = len(rows[0])
    cells = {c.name: f"c{i}" for i, c in enumerate(t.columns[:width])}
    quick = ", ".join(f'{fast_checks.fast(c, cells.get(c.name))} AS "{c.name}"' for c in t.columns)
    values = ", ".join("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in r) + ")" for r in rows)
    names = ", ".join(f"c{i}" for i in range(width))
    con = duckdb.connect()
    return con.execute(f"SELECT {fast_checks.row_ok(t, cells, WINDOW)}, * EXCLUDE ({names}) FROM "
                       f"(SELECT *, {quick} FROM (VALUES {values}) v({names}))").fetchall()


def test_only_canonical_ratings_take_the_fast_lane():
    got = _verdicts("ratings", [cells for cells, _ in RATINGS])
    assert [bool(ok) for ok, *_ in got] == [lane for _, lane in RATINGS]
    # the first row's values as written (staff_id and rating_id absent from the file: empty)
    assert got[0][1:] == ("O001", dt.datetime(2026, 10, 1, 9, 23, 35), 4, None, None)


@pytest.mark.parametrize("called, lane", [("2026-10-01 09:10:00", True), ("2026-10-01 08:59:59", False), ("", True)])
def test_row_rules_keep_rows_out_of_the_fast_lane(called, lane):
    # tickets: called_at before taken_at (09:00:00) breaks called_after_taken; an empty optional cell passes
    [(ok, *_)] = _verdicts("tickets", [("A001", "O001", "2026-10-01 09:00:00", called, "", "对公业务")])
    assert bool(ok) is lane


def test_whole_numbers_of_a_short_range_are_looked_up_as_written():
    # surveys.recommend, 0-10, optional: '0', '7' and '10' as DuckDB prints them; '010', '-0', '+7', '7.0',
    # '1e1', ' 7' (each 0, 7 or 10 for parsing.py, so check_sql types them) and '11' (out of range) are
    # left to check_sql; an empty optional cell passes with no value
    recommend = next(c for c in contract.table("surveys").columns if c.name == "recommend")
    cells = ["0", "7", "10", "010", "-0", "+7", "7.0", "1e1", " 7", "11", ""]
    got = duckdb.connect().execute(
        f"SELECT {fast_checks.fast(recommend, 'c')} AS v, {fast_checks._column_ok(recommend, 'c', 'v', WINDOW)} "
        f"FROM (VALUES {', '.join(f'({i}, {chr(39)}{c}{chr(39)})' for i, c in enumerate(cells))}) t(i, c) "
        f"ORDER BY i").fetchall()
    assert got == [(0, True), (7, True), (10, True)] + [(None, False)] * 7 + [(None, True)]
    assert "TRY_CAST" not in fast_checks.fast(recommend, "c")


def test_a_wider_range_is_cast_and_printed_back():
    # 0-100 holds 101 values, more than LOOKED_UP_RANGE: a cast, its print-back and the range
    percent = schema.Column("percent", ("百分比",), schema.INT, min=0, max=100)
    got = duckdb.connect().execute(
        f"SELECT {fast_checks.fast(percent, 'c')} AS v, {fast_checks._column_ok(percent, 'c', 'v', WINDOW)} "
        f"FROM (VALUES ('100'), ('0100'), ('101')) t(c)").fetchall()
    assert got == [(100, True), (100, False), (101, False)]
    assert fast_checks.fast(percent, "c") == "TRY_CAST(c AS INTEGER)"


def test_allowed_values_only_as_written():
    # complaints.channel: 'hotline' and its alias 热线 are typed in the fast lane; 'HOTLINE' (which
    # check_sql also reads as hotline, any case) and ' 热线' are left to check_sql
    channel = next(c for c in contract.table("complaints").columns if c.name == "channel")
    got = duckdb.connect().execute(f"SELECT {fast_checks.fast(channel, 'c')} FROM (VALUES ('hotline'), ('热线'), "
                                   f"('HOTLINE'), (' 热线')) v(c)").fetchall()
    assert got == [("hotline",), ("hotline",), (None,), (None,)]


def test_the_written_out_whitespace_is_every_character_str_strip_removes():
    assert SPACE_CODES == [i for i in range(sys.maxunicode + 1) if chr(i).isspace()]
