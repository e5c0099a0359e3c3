"""engine.history_frames through kpi_history.History: a derived frame read back exactly as stored,
keyed on (kind, period, scope, fingerprint), the newest run's kept, a damaged one not used."""

import duckdb
import numpy as np
import pandas as pd

from svc_analysis.engine import history_frames, kpi_history

NAN = float("nan")


def frame():
    """Each kind of cell a warning-signals frame holds, missing ones of both kinds in one object column."""
    return pd.DataFrame({
        "outlet_id": pd.Series(["A", "B", "C"], dtype="object"),
        "status": pd.Series(["missed", None, NAN], dtype="object"),  # a hook's None beside a merge's NaN
        "dropped": pd.Series([True, None, False], dtype="object"),
        "perfect": [False, True, False],
        "rate": [0.25, NAN, 1.0],
        "count": np.array([3, 0, 7], dtype="int64"),
        "name": pd.Series(["甲网点", "乙网点", "丙网点"]),  # pandas' str dtype
    })


def test_bytes_round_trip_keeps_every_cell_and_dtype():
    back = history_frames.from_bytes(history_frames.to_bytes(frame()))
    pd.testing.assert_frame_equal(back, frame())
    assert back.loc[1, "status"] is None and isinstance(back.loc[2, "status"], float)  # None stays None, NaN NaN
    assert back.loc[1, "dropped"] is None and back.loc[0, "dropped"] is True


def test_stored_frame_read_by_a_later_run_under_the_same_key_only(tmp_path):
    path = tmp_path / "h.duckdb"
    first = kpi_history.History(path, run_id="r1")
    assert first.load_frame("warning_signals", "2026-10", "province:province", "fp") is None
    assert first.store_frame("warning_signals", "2026-10", "province:province", "fp", frame())
    first.close()
    later = kpi_history.History(path, run_id="r2")
    pd.testing.assert_frame_equal(later.load_frame("warning_signals", "2026-10", "province:province", "fp"), frame())
    assert later.load_frame("warning_signals", "2026-10", "province:province", "other fp") is None
    assert later.load_frame("warning_signals", "2026-09", "province:province", "fp") is None
    assert later.load_frame("other kind", "2026-10", "province:province", "fp") is None
    assert later.load_frame("warning_signals", "2026-10", "branch:武汉分行", "fp") is None
    assert not later.store_frame("warning_signals", "2026-10", "province:province", None, frame())  # no fingerprint
    later.close()


def test_newest_run_wins_and_a_damaged_file_is_not_used(tmp_path):
    path = tmp_path / "h.duckdb"
    old = kpi_history.History(path, run_id="r1")
    old.store_frame("warning_signals", "2026-10", "province:province", "fp", frame())
    newer = frame().assign(rate=[0.5, 0.5, 0.5])
    old.store_frame("warning_signals", "2026-10", "province:province", "fp", newer)  # a later store
    old.close()
    got = kpi_history.History(path).load_frame("warning_signals", "2026-10", "province:province", "fp")
    assert got["rate"].tolist() == [0.5, 0.5, 0.5]

    con = duckdb.connect(str(path))
    con.execute(f"UPDATE {history_frames.FRAMES} SET frame = 'not parquet'::BLOB")
    con.close()
    assert kpi_history.History(path).load_frame("warning_signals", "2026-10", "province:province", "fp") is None
