"""upsert: moving staged rows into the tables by key or whole row, and counting what was merged.

Every expected Moved(staged, merged, present) is counted by hand from the rows written in the test:
staged = rows staged; merged = staged rows that repeat another staged row exactly; present = of
the distinct rows, those whose key (or whole row) the table held before.
"""

import pandas as pd

from svc_analysis.engine import upsert
from svc_analysis.engine.upsert import Moved
from svc_analysis.engine.warehouse import STAGED_ROW
from tests.engine.ingest_support import con, stage, tables_seen  # noqa: F401  (con: the shared fixture)

AT = pd.Timestamp("2024-10-08 09:00")


_stage = stage


def test_upsert_with_key_replaces_the_old_version_and_collapses_identical_copies(con):
    con.execute("INSERT INTO inspections VALUES ('I1', 'O1', '2024-10-01', 'mystery', 80, false), "
                "('I2', 'O1', '2024-10-02', 'video', 70, false)")
    row = ["I1", "O1", pd.Timestamp("2024-10-01"), "mystery", 92.0, True]
    _stage(con, "inspections", [row, row, ["I3", "O2", pd.Timestamp("2024-10-03"), "onsite", 60.0, None]])
    # 3 staged; I1 twice identical: 1 merged; I1 was stored (replaced): 1 present; 2 loaded
    moved = upsert.upsert(con, "inspections")
    assert moved == Moved(staged=3, merged=1, present=1) and moved.loaded == 2
    assert con.execute("SELECT inspection_id, score, is_recheck FROM inspections ORDER BY 1").fetchall() == [
        ("I1", 92.0, True), ("I2", 70.0, False), ("I3", 60.0, None)]


def test_upsert_without_replace_only_adds_missing_keys(con):
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                "VALUES ('O1', 'real name', 's', 'b', 'vip_centre')")
    rows = [[o, "profile name", "s", "CFPB", "standard", None, None, None, None, None] for o in ("O1", "O2")]
    _stage(con, "outlets", rows)
    assert upsert.upsert(con, "outlets", replace=False) == Moved(staged=2, merged=0, present=1)  # O1 kept
    assert con.execute("SELECT outlet_id, outlet_name FROM outlets ORDER BY 1").fetchall() == [
        ("O1", "real name"), ("O2", "profile name")]


def test_upsert_whole_row_adds_only_rows_not_present_and_counts_the_merged(con):
    con.execute("INSERT INTO ratings VALUES ('O1', '2024-10-08 09:00', 5, 'S1', NULL)")
    same, other = ["O1", AT, 5, "S1", None], ["O1", AT, 4, "S1", None]
    _stage(con, "ratings", [same, other, other])
    # 3 staged; `other` twice: 1 merged; `same` was stored: 1 present; 2 loaded, 1 of them new
    assert upsert.upsert(con, "ratings") == Moved(staged=3, merged=1, present=1)
    assert con.execute("SELECT score FROM ratings ORDER BY 1").fetchall() == [(4,), (5,)]


def test_ratings_with_rating_id_are_keyed_and_the_others_go_by_the_whole_row(con):
    con.execute("INSERT INTO ratings VALUES ('O1', '2024-10-08 09:00', 5, NULL, 'R1'), "
                "('O1', '2024-10-08 09:00', 5, NULL, NULL)")
    r1_new = ["O1", AT, 4, None, "R1"]  # a corrected R1: replaces the stored version
    r2 = ["O1", AT, 5, None, "R2"]  # the same values as the stored row without id, but its own id: new
    no_id = ["O1", AT, 5, None, None]  # identical to the stored row without id: kept, not added
    _stage(con, "ratings", [r1_new, r1_new, r2, no_id, no_id])
    # 5 staged; r1_new twice and no_id twice: 2 merged; R1 replaced and no_id kept: 2 present
    moved = upsert.upsert(con, "ratings")
    assert moved == Moved(staged=5, merged=2, present=2) and moved.loaded == 3
    assert con.execute("SELECT rating_id, score FROM ratings ORDER BY 1 NULLS LAST").fetchall() == [
        ("R1", 4), ("R2", 5), (None, 5)]
    _stage(con, "ratings", [r1_new, r2, no_id])  # the same rows again: all present, nothing changes
    assert upsert.upsert(con, "ratings") == Moved(staged=3, merged=0, present=3)
    assert con.execute("SELECT count(*) FROM ratings").fetchone() == (3,)


def test_key_conflicts_across_the_staging_table(con):
    a = ["C1", AT, "hotline", "O1", "fees", False] + [None] * 8
    b = a.copy()
    b[5] = True
    _stage(con, "complaints", [a, a, b, ["C2", *a[1:]]])
    conflicts = upsert.key_conflicts(con, "complaints")
    assert conflicts.values.tolist() == [[2, "C1"], [3, "C1"], [4, "C1"]]
    upsert.drop_key_clashes(con, "complaints", [2, 3, 4])
    assert con.execute("SELECT complaint_id FROM _stage_complaints").fetchall() == [("C2",)]


def test_rating_id_conflicts_ignore_ratings_without_an_id(con):
    # R1 with two scores clashes (rows 2, 3); two different ratings without an id have no key
    _stage(con, "ratings", [["O1", AT, 4, None, "R1"], ["O1", AT, 5, None, "R1"],
                            ["O1", AT, 4, None, None], ["O1", AT, 5, None, None]])
    assert upsert.key_conflicts(con, "ratings").values.tolist() == [[2, "R1"], [3, "R1"]]
    assert upsert.key_conflicts(con, "star_ratings").empty  # no key at all


def test_upsert_counts_the_repeated_keys_as_the_stage_holds_them_after_rows_left(con):
    # C1 twice identical (rows 2, 3), C2 twice identical (rows 4, 5); key_conflicts finds no clash
    a = ["C1", AT, "hotline", "O1", "fees", False] + [None] * 8
    c = ["C2", *a[1:]]
    _stage(con, "complaints", [a, a, c, c])
    assert upsert.key_conflicts(con, "complaints").empty
    upsert.drop_staged_rows(con, "complaints", f"{STAGED_ROW} = 5")  # e.g. row 5 names an unknown outlet
    # 3 staged (rows 2, 3, 4): C1 twice: 1 merged; C2 once now: 0 merged (not the 2 counted before the drop)
    assert upsert.upsert(con, "complaints") == Moved(staged=3, merged=1, present=0)
    assert con.execute("SELECT complaint_id FROM complaints ORDER BY 1").fetchall() == [("C1",), ("C2",)]
    # without a drop, the repeated keys key_conflicts counted are taken as they are: C1 and C2 each merged once
    _stage(con, "complaints", [a, a, c, c])
    assert upsert.key_conflicts(con, "complaints").empty
    assert upsert.upsert(con, "complaints") == Moved(staged=4, merged=2, present=2)


def test_dropping_key_clashes_keeps_the_other_repeated_keys_counted(con):
    # C1 in two versions (rows 2, 3 identical, row 4 different): a clash, all three rows leave;
    # C2 twice identical (rows 5, 6): still counted, so upsert merges it without grouping the keys again
    a = ["C1", AT, "hotline", "O1", "fees", False] + [None] * 8
    b = a.copy()
    b[5] = True
    c = ["C2", *a[1:]]
    _stage(con, "complaints", [a, a, b, c, c])
    rows = [int(r) for r in upsert.key_conflicts(con, "complaints")["row_number"]]
    assert rows == [2, 3, 4]
    upsert.drop_key_clashes(con, "complaints", rows)
    assert con.execute("SELECT complaint_id, _n FROM _stage_complaints_repeated").fetchall() == [("C2", 2)]
    # 2 staged (rows 5, 6): C2 twice: 1 merged; 1 loaded
    assert upsert.upsert(con, "complaints") == Moved(staged=2, merged=1, present=0)
    assert con.execute("SELECT complaint_id FROM complaints").fetchall() == [("C2",)]



def test_repeated_keys_are_grouped_by_hash_in_a_warehouse_table_then_by_value(con, monkeypatch):
    # keys: C1 three times (rows 2, 3, 5), C2 once, C3 twice (rows 6, 7); a row without a key has none
    a = ["C1", AT, "hotline", "O1", "fees", False] + [None] * 8
    _stage(con, "complaints", [a, a, ["C2", *a[1:]], a, ["C3", *a[1:]], ["C3", *a[1:]], [None, *a[1:]]])
    seen = tables_seen(monkeypatch, upsert, ("_stage_complaints_key_hashes",))
    repeated = upsert._repeated_keys(con, "_stage_complaints", ("complaint_id",))
    assert con.execute(f'SELECT complaint_id, _n FROM "{repeated}" ORDER BY 1').fetchall() == [("C1", 3), ("C3", 2)]
    assert seen and not any(temporary for _, temporary in seen)  # not held in memory (TEMP)
    assert "_stage_complaints_key_hashes" not in {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_keys_each_staged_once_are_counted_without_grouping_them(con, monkeypatch):
    # C1, C2, C3 once each: nothing repeats, so the keys are not grouped (no hashes table). The two rows
    # without a key are not counted: with them, 5 rows would hold 4 hashes (both hash the empty key)
    a = ["C1", AT, "hotline", "O1", "fees", False] + [None] * 8
    _stage(con, "complaints", [a, ["C2", *a[1:]], [None, *a[1:]], ["C3", *a[1:]], [None, *a[1:]]])
    seen = tables_seen(monkeypatch, upsert, ("_stage_complaints_key_hashes",))
    repeated = upsert._repeated_keys(con, "_stage_complaints", ("complaint_id",))
    assert con.execute(f'SELECT * FROM "{repeated}"').fetchall() == []
    assert [c for c, *_ in con.execute(f'DESCRIBE "{repeated}"').fetchall()] == ["complaint_id", "_n"]
    assert seen == []
    # a primary key: rows without one are not moved (ingest sets them aside, a required value missing)
    assert upsert.upsert(con, "complaints") == Moved(staged=3, merged=0, present=0)


# A first load: the staging table becomes the table (upsert._adopt). Ratings hold both kinds of
# identity: R1 keyed twice identically, a row without a key twice identically, R2 and another once.
R1 = ["O1", AT, 4, "S1", "R1"]
R2 = ["O1", AT + pd.Timedelta(minutes=5), 2, None, "R2"]
NO_ID = ["O2", AT, 5, None, None]
OTHER = ["O2", AT, 3, None, None]  # NO_ID with another score: not a repeat of it
FIRST = [R1, NO_ID, R1, R2, NO_ID, OTHER]  # 6 staged: the second R1 and the second NO_ID merged, 4 loaded


def _stored(con) -> list[tuple]:
    return con.execute("SELECT * FROM ratings ORDER BY rating_id NULLS LAST, score").fetchall()


def _tables(con) -> set[str]:
    return {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_a_first_load_makes_the_staging_table_the_table_with_the_contracts_columns(con):
    columns = con.execute("DESCRIBE ratings").fetchall()
    _stage(con, "ratings", FIRST)
    assert upsert.upsert(con, "ratings") == Moved(staged=6, merged=2, present=0)
    assert _stored(con) == [("O1", AT, 4, "S1", "R1"), ("O1", AT + pd.Timedelta(minutes=5), 2, None, "R2"),
                            ("O2", AT, 3, None, None), ("O2", AT, 5, None, None)]
    assert con.execute("DESCRIBE ratings").fetchall() == columns  # the same names, types and order
    assert not {t for t in _tables(con) if t.startswith("_stage_ratings")}  # the stage is gone, with its tables


def test_a_first_load_keeps_the_same_rows_and_counts_as_a_load_beside_stored_rows(con):
    earlier = ("O3", AT - pd.Timedelta(days=30), 1, None, "R0")  # a rating of another outlet, a month before
    con.execute("INSERT INTO ratings VALUES (?, ?, ?, ?, ?)", list(earlier))
    _stage(con, "ratings", FIRST)
    # the rows are copied (the table holds one): the same figures, the same four rows beside the stored one
    assert upsert.upsert(con, "ratings") == Moved(staged=6, merged=2, present=0)
    assert sorted(_stored(con), key=str) == sorted([earlier, ("O1", AT, 4, "S1", "R1"),
                                                    ("O1", AT + pd.Timedelta(minutes=5), 2, None, "R2"),
                                                    ("O2", AT, 3, None, None), ("O2", AT, 5, None, None)], key=str)
    assert "_stage_ratings" in _tables(con)  # copied from, left for the caller to drop


def test_a_stage_whose_columns_are_in_another_order_is_copied_not_made_the_table(con):
    columns = con.execute("DESCRIBE ratings").fetchall()
    con.execute('CREATE TABLE "_stage_ratings" AS SELECT outlet_id, rated_at, score::INTEGER AS score, '
                "rating_id, NULL::VARCHAR AS staff_id, NULL::BIGINT AS _row FROM (VALUES ('O1', TIMESTAMP '2024-10-08 09:00', 4, 'R1')) "
                "v(outlet_id, rated_at, score, rating_id)")
    assert upsert.upsert(con, "ratings") == Moved(staged=1, merged=0, present=0)
    assert con.execute("DESCRIBE ratings").fetchall() == columns
    assert _stored(con) == [("O1", AT, 4, None, "R1")]


def test_a_first_load_rolled_back_leaves_the_table_empty_and_the_stage_whole(con):
    _stage(con, "ratings", FIRST)
    con.begin()
    upsert.upsert(con, "ratings")
    con.rollback()
    assert con.execute("SELECT count(*) FROM ratings").fetchone() == (0,)
    assert con.execute('SELECT count(*) FROM "_stage_ratings"').fetchone() == (6,)
