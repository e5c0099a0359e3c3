"""known_ids: the referenced ids as ENUM types, the engine path's reference check while it reads a file."""

from __future__ import annotations

import pytest

from svc_analysis.engine import engine_ingest, engine_staging
from svc_analysis.engine.fast_checks import names_known_id
from svc_analysis.engine.known_ids import known_ids
from tests.engine.ingest_support import con  # noqa: F401  (the shared fixture)
from tests.engine.test_engine_checks import MANY, _outcome, _reference_warehouse, reference  # noqa: F401


def _types(con) -> set[str]:
    return {name for (name,) in con.execute("SELECT type_name FROM duckdb_types() WHERE type_name LIKE '_known%'")
            .fetchall()}


def test_only_stored_ids_without_surrounding_spaces_are_known_and_the_types_are_dropped(con):
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) VALUES "
                "('O1', 'a', 's', 'b', 'standard'), (' O3', 'c', 's', 'b', 'standard'), "
                "('O4\u3000', 'd', 's', 'b', 'standard')")
    # ratings: outlet_id references outlets; staff_id references nothing; score is no id
    with known_ids(con, "ratings", {"outlet_id", "score", "staff_id"}) as known:
        assert list(known) == ["outlet_id"]
        cells = ["O1", " O3", "O4\u3000", "O4", "O9", "o1", None]
        tested = con.execute(f"SELECT {names_known_id('c', known['outlet_id'])} FROM unnest(?) t(c)", [cells])
        assert [ok for (ok,) in tested.fetchall()] == [True, False, False, False, False, False, False]
        assert _types(con) == {"_known_ratings_outlet_id"}
    assert _types(con) == set()


def test_a_column_absent_from_the_file_gets_no_type(con):
    with known_ids(con, "ratings", {"rated_at", "score"}) as known:
        assert known == {} and _types(con) == set()


def test_rows_naming_unknown_outlets_keep_the_cells_read_in_the_one_pass(tmp_path, monkeypatch):
    # MANY["missing_outlet"]: rows 3-5 name O009, O008, O007 (no such outlets): they take the full
    # rules with their cells kept, so the file is never read a second time to report them.
    name, text = MANY["missing_outlet"]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    def second_read(*args):
        raise AssertionError("the file was read a second time")

    monkeypatch.setattr(engine_ingest.text, "numbered_scan", second_read)
    got = _outcome(path, tmp_path / "w", True, [])
    assert [(r, c, v) for _, _, r, c, v, _ in got["lines"]] == [
        (3, "outlet_id", "O009"), (4, "outlet_id", "O008"), (5, "outlet_id", "O007")]


@pytest.mark.parametrize("limit, rechecked", [(2, False), (3, True)])
def test_more_unknown_outlets_than_the_limit_go_to_the_chunked_path_before_the_full_rules(
        limit, rechecked, tmp_path, monkeypatch):
    name, text = MANY["missing_outlet"]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(engine_ingest, "MAX_SET_ASIDE", limit)
    calls, real = [], engine_staging.recheck
    monkeypatch.setattr(engine_staging, "recheck", lambda *a, **k: calls.append(1) or real(*a, **k))
    got = _outcome(path, tmp_path / "w", True, [])
    assert bool(calls) == rechecked
    assert got["log"][0][:3] == (4, 1, 3)


def test_an_outlet_written_with_spaces_is_no_certain_miss(tmp_path, monkeypatch):
    # Rows 2-4 write the known outlet O001 with spaces around it (the full rules trim them: loaded),
    # row 5 names O009 (set aside). With a limit of 2, the 4 rows in the full rules are more than the
    # limit, but only row 5 is certainly set aside: the engine path keeps the file.
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,rated_at,score\n" + "".join(f'" O001 ",2026-10-08 09:0{i}:00,4\n' for i in range(3))
                    + "O009,2026-10-08 09:05:00,4\n", encoding="utf-8")
    monkeypatch.setattr(engine_ingest, "MAX_SET_ASIDE", 2)
    taken, real = [], engine_ingest.stage_csv
    monkeypatch.setattr(engine_ingest, "stage_csv", lambda *a, **k: taken.append(real(*a, **k)) or taken[-1])
    got = _outcome(path, tmp_path / "w", True, [])
    assert taken[0] is not None
    assert got["log"][0][:3] == (4, 3, 1)
    assert [(r, c, v) for _, _, r, c, v, _ in got["lines"]] == [(5, "outlet_id", "O009")]
