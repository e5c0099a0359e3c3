"""first_load: a first load's staging table takes the table's place, or its rows are copied.

The figures are counted by hand from the rows each test stages; the vector arithmetic is DuckDB's
(2,048 rows a vector): rowids 10, 2,100 and 2,200 lie in vectors 0 and 1, two vectors.
"""

import pandas as pd
import pytest

from svc_analysis.engine import first_load, upsert
from svc_analysis.engine.upsert import Moved
from tests.engine.ingest_support import con, stage, tables_seen  # noqa: F401  (con: the shared fixture)

AT = pd.Timestamp("2024-10-08 09:00")


def _tables(con) -> set[str]:
    return {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _big_stage(con, rows: int, copies_at: tuple[int, ...]):
    """``rows`` ratings of distinct minutes at outlet O1, in rowid order; the rows at ``copies_at``
    repeat the row before them exactly (a later copy each)."""
    minutes = [i - 1 if i in copies_at else i for i in range(rows)]
    stage(con, "ratings", [["O1", AT + pd.Timedelta(minutes=m), 3, None, None] for m in minutes])


@pytest.mark.parametrize("budget, adopted", [(2, True), (1, False)])
def test_inside_a_transaction_later_copies_in_more_vectors_than_a_batch_are_left_out_by_a_copy(
        con, monkeypatch, budget, adopted):
    _big_stage(con, 5000, (10, 2100, 2200))  # 3 later copies, in vectors 0 and 1
    monkeypatch.setattr(first_load, "VECTORS_A_BATCH", budget)
    # 5,000 staged, 3 merged (each repeats the row before it), 4,997 distinct rows stored either way
    assert upsert.upsert(con, "ratings") == Moved(staged=5000, merged=3, present=0)
    assert con.execute("SELECT count(*), count(DISTINCT rated_at) FROM ratings").fetchone() == (4997, 4997)
    assert ("_stage_ratings" in _tables(con)) is not adopted  # copied: the stage is left to the caller
    assert not {t for t in _tables(con) if t.startswith("_stage_ratings_")}  # its temp tables are gone


def test_prepared_first_load_deletes_in_batches_each_checkpointed(con, monkeypatch):
    _big_stage(con, 5000, (10, 2100, 2200))  # 3 later copies, in vectors 0 and 1
    monkeypatch.setattr(first_load, "VECTORS_A_BATCH", 1)  # one vector a batch: two batches
    statements, run = [], first_load.wh.run
    monkeypatch.setattr(first_load.wh, "run", lambda c, sql, params=None: statements.append(sql) or run(c, sql, params))
    prepared = upsert.prepare_first_load(con, "ratings")
    assert prepared == Moved(staged=5000, merged=3, present=0)
    assert [s.split()[0] for s in statements if s.startswith(("DELETE", "CHECKPOINT"))] == [
        "DELETE", "CHECKPOINT", "DELETE", "CHECKPOINT"]
    assert con.execute('SELECT count(*) FROM "_stage_ratings"').fetchone() == (4997,)  # before the transaction
    con.begin()
    assert upsert.upsert(con, "ratings", prepared=prepared) == prepared
    con.commit()
    assert con.execute("SELECT count(*), count(DISTINCT rated_at) FROM ratings").fetchone() == (4997, 4997)
    assert not {t for t in _tables(con) if t.startswith("_stage_ratings")}


def test_nothing_is_prepared_for_a_table_that_holds_rows(con):
    con.execute("INSERT INTO ratings VALUES ('O1', '2024-10-01 09:00', 5, NULL, NULL)")
    _big_stage(con, 10, (5,))
    assert upsert.prepare_first_load(con, "ratings") is None
    assert con.execute('SELECT count(*) FROM "_stage_ratings"').fetchone() == (10,)  # untouched


def test_adoptable_only_into_a_table_without_rows_and_with_the_same_columns(con):
    stage(con, "ratings", [["O1", AT, 3, None, None]])
    assert first_load.adoptable(con, "ratings", "_stage_ratings")
    con.execute('ALTER TABLE "_stage_ratings" ALTER COLUMN score TYPE BIGINT')  # another type
    assert not first_load.adoptable(con, "ratings", "_stage_ratings")
    stage(con, "ratings", [["O1", AT, 3, None, None]])
    con.execute("INSERT INTO ratings VALUES ('O1', '2024-10-01 09:00', 5, NULL, NULL)")  # the table holds a row
    assert not first_load.adoptable(con, "ratings", "_stage_ratings")


def test_the_scratch_lists_are_tables_of_the_warehouse_dropped_after(con, monkeypatch):
    # not TEMP tables, which DuckDB holds in memory: an export appended to itself lists 33.8 M repeated
    # hashes and rowids, out of memory at the ingest's then 512MB as temp tables (benchmarks/results)
    stage(con, "ratings", [["O1", AT, 3, None, None], ["O1", AT, 3, None, None]])
    seen = tables_seen(monkeypatch, first_load, ("_stage_ratings_later_copies", "_stage_ratings_repeated_hashes"))
    assert upsert.prepare_first_load(con, "ratings") == Moved(staged=2, merged=1, present=0)
    assert {name for name, _ in seen} == {"_stage_ratings_later_copies", "_stage_ratings_repeated_hashes"}
    assert not any(temporary for _, temporary in seen)
    assert not {t for t in _tables(con) if t.startswith("_stage_ratings_")}


def test_later_copies_keep_the_first_row_of_each_repeat(con):
    stage(con, "ratings", [["O1", AT, 3, None, None], ["O2", AT, 4, None, None], ["O1", AT, 3, None, None],
                           ["O1", AT, 3, None, None]])
    with first_load.later_copies(con, "_stage_ratings") as later:
        # rows 0, 2 and 3 are the same rating: 2 and 3 are its later copies; row 1 is another rating
        assert first_load.add_repeated_rows(con, "_stage_ratings", later, "TRUE", [
                                            "outlet_id", "rated_at", "score", "staff_id", "rating_id"]) == 2
        assert sorted(r for (r,) in con.execute(f'SELECT _rowid FROM "{later}"').fetchall()) == [2, 3]
    assert not {t for t in _tables(con) if t.startswith("_stage_ratings_")}


@pytest.mark.parametrize("bits", [1, 32])
def test_rows_sharing_a_hash_by_chance_are_told_apart_by_value(con, monkeypatch, bits):
    # one bit of hash: the six rows share at most two hashes, so nearly all reach the second pass, which
    # must still find only the real copies: rows 3 and 5 repeat rows 0 and 1; 2 and 4 differ by score
    monkeypatch.setattr(first_load, "ROW_HASH_BITS", bits)
    stage(con, "ratings", [["O1", AT, 3, None, None], ["O2", AT, 4, None, None], ["O1", AT, 5, None, None],
                           ["O1", AT, 3, None, None], ["O2", AT, 5, None, None], ["O2", AT, 4, None, None]])
    with first_load.later_copies(con, "_stage_ratings") as later:
        assert first_load.add_repeated_rows(con, "_stage_ratings", later, "TRUE", [
                                            "outlet_id", "rated_at", "score", "staff_id", "rating_id"]) == 2
        assert sorted(r for (r,) in con.execute(f'SELECT _rowid FROM "{later}"').fetchall()) == [3, 5]


def test_columns_without_a_value_are_left_out_of_the_comparison_and_the_others_kept(con, monkeypatch):
    # rating_id is NULL in every row (a file without it) and is not hashed; staff_id has a value in one
    # row, so rows 0 and 1, the same but for it, are two ratings, and only row 2 repeats row 0
    stage(con, "ratings", [["O1", AT, 3, None, None], ["O1", AT, 3, "S1", None], ["O1", AT, 3, None, None]])
    statements, run = [], first_load.wh.run
    monkeypatch.setattr(first_load.wh, "run", lambda c, sql, params=None: statements.append(sql) or run(c, sql, params))
    with first_load.later_copies(con, "_stage_ratings") as later:
        assert first_load.add_repeated_rows(con, "_stage_ratings", later, "TRUE", [
                                            "outlet_id", "rated_at", "score", "staff_id", "rating_id"]) == 1
        assert [r for (r,) in con.execute(f'SELECT _rowid FROM "{later}"').fetchall()] == [2]
    grouping = next(s for s in statements if "_repeated_hashes\" AS" in s)
    assert 'hash("outlet_id", "rated_at", "score", "staff_id") >> 32' in grouping


def test_batches_delete_the_right_rows_when_a_checkpoint_compacts_the_staging_table(con, monkeypatch):
    # 300,000 staged ratings, minute i % 150,000: rows 150,000-299,999 repeat rows 0-149,999 (every later
    # copy in the second half, whole row groups of them). A CHECKPOINT compacts row groups it finds
    # emptied and renumbers the rows after them (DuckDB), so the batches must not rely on a later
    # batch's rowids after an earlier batch's checkpoint.
    con.execute('CREATE TABLE "_stage_ratings" AS SELECT \'O1\' AS outlet_id, '
                "TIMESTAMP '2024-10-08 09:00' + to_minutes(i % 150000) AS rated_at, 3::INTEGER AS score, "
                "NULL::VARCHAR AS staff_id, NULL::VARCHAR AS rating_id, NULL::BIGINT AS _row FROM range(300000) r(i)")
    con.execute("CHECKPOINT")
    monkeypatch.setattr(first_load, "VECTORS_A_BATCH", 8)  # 74 vectors of later copies: 10 batches
    prepared = upsert.prepare_first_load(con, "ratings")
    assert prepared == Moved(staged=300000, merged=150000, present=0)
    con.begin()
    upsert.upsert(con, "ratings", prepared=prepared)
    con.commit()
    # every minute once: had a batch deleted renumbered rows, some minutes would be missing
    assert con.execute("SELECT count(*), count(DISTINCT rated_at), min(rated_at), max(rated_at) FROM ratings"
                       ).fetchone() == (150000, 150000, pd.Timestamp("2024-10-08 09:00"),
                                        pd.Timestamp("2024-10-08 09:00") + pd.Timedelta(minutes=149999))
