"""The early warning's signals kept in the KPI history (KpiSource.derived, engine.history_frames):
an unchanged warehouse reuses a month's stored signals without computing them; an ingest (another
fingerprint) computes them again; the stored signals equal the computed ones."""

import types

import duckdb
import pandas as pd
import pytest

from svc_analysis.engine import kpi_history
from svc_analysis.summary import early_warning as ew
from svc_analysis.summary.registry import KpiSource
from tests.summary.support import EW
from tests.summary.test_early_warning import signals as hand_built

SCOPE = types.SimpleNamespace(level="province", name="province")  # the part of a Scope the history key reads


@pytest.fixture()
def counted(monkeypatch):
    """early_warning's computation replaced by the hand-built signals, every call counted."""
    calls = []

    def compute(source, month):
        calls.append(month)
        return hand_built()

    monkeypatch.setattr(ew, "_signals", compute)
    return calls


def _warehouse(path):
    """A warehouse with only an ingest log: enough for the inputs' fingerprint (engine.kpi_history)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE _ingest_log (table_name VARCHAR, finished_at TIMESTAMP, sha256 VARCHAR)")
    con.execute("INSERT INTO _ingest_log VALUES ('complaints', TIMESTAMP '2026-11-02 08:00:00', 'aa')")
    return con


def _source(con, tmp_path):
    return KpiSource(con, SCOPE, "params", history=kpi_history.History(tmp_path / "w.kpi_history.duckdb"))


def test_unchanged_inputs_reuse_the_stored_signals_and_an_ingest_recomputes(tmp_path, counted):
    con = _warehouse(tmp_path / "w.duckdb")
    first = _source(con, tmp_path)
    computed = ew.signals(first, "2026-09")
    ew.signals(first, "2026-09")  # the same run: its cache
    assert counted == ["2026-09"]

    second = _source(con, tmp_path)  # a later run, nothing ingested in between
    stored = ew.signals(second, "2026-09")
    assert counted == ["2026-09"]  # reused: not computed again
    pd.testing.assert_frame_equal(stored, computed)
    ew.signals(second, "2026-08")  # a month never stored is computed
    assert counted == ["2026-09", "2026-08"]

    con.execute("INSERT INTO _ingest_log VALUES ('ratings', TIMESTAMP '2026-11-03 08:00:00', 'bb')")  # an ingest
    third = _source(con, tmp_path)
    assert third.fingerprint() != second.fingerprint()
    ew.signals(third, "2026-09")
    assert counted == ["2026-09", "2026-08", "2026-09"]
    con.close()


def test_stored_signals_score_as_the_computed_ones(tmp_path, counted):
    # hand-built signals (tests/summary/test_early_warning.py): A 2 + 2 = 4 flagged, B 1 + 1 + 1 = 3 not,
    # C 3 + 2 = 5 flagged, D 0 (its judgments left small_sample); read back, the same scores and the same
    # values down to each missing one (NaN / None) and each True / False
    con = _warehouse(tmp_path / "w.duckdb")
    ew.signals(_source(con, tmp_path), "2026-10")
    stored = ew.signals(_source(con, tmp_path), "2026-10")
    assert counted == ["2026-10"]
    pd.testing.assert_frame_equal(stored, hand_built())
    assert pd.isna(stored.loc[0, "participation_dropped"]) and stored.loc[1, "participation_dropped"] == True  # noqa: E712
    scored = ew.score(stored, EW).set_index("outlet_id")
    assert scored["score"].to_dict() == {"C": 5.0, "A": 4.0, "B": 3.0, "D": 0.0}
    assert scored["flagged"].to_dict() == {"C": True, "A": True, "B": False, "D": False}
    con.close()


def test_no_ingest_log_nothing_is_stored(tmp_path, counted):
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))  # no fingerprint: computed in every run
    ew.signals(_source(con, tmp_path), "2026-10")
    ew.signals(_source(con, tmp_path), "2026-10")
    assert counted == ["2026-10", "2026-10"]
    con.close()


def test_tiny_sample_signals_read_back_equal_the_computed(tmp_path, monkeypatch):
    """The real computation on the tiny sample: the stored month equals it, column by column."""
    import shutil

    from svc_analysis.core.params import load_params
    from svc_analysis.engine import org, warehouse
    from svc_analysis.summary.registry import Scope
    from tests.support import TINY_MONTH, tiny_warehouse

    path = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_warehouse(), path)
    con = warehouse.connect(path, read_only=True)
    scope, params = Scope.of(org.outlet_tree(con), None), load_params(TINY_MONTH)
    computed = ew.signals(KpiSource.with_history(con, scope, params, path), TINY_MONTH)
    monkeypatch.setattr(ew, "_signals", lambda *a: pytest.fail("signals computed again"))
    stored = ew.signals(KpiSource.with_history(con, scope, params, path), TINY_MONTH)
    con.close()
    pd.testing.assert_frame_equal(stored, computed)
