"""engine.kpi_history through the summary's KpiSource: stored rows are reused while the inputs are
unchanged (no area call), and an ingest changes the fingerprint so the rows are computed again."""

import shutil

import pandas as pd
import pytest

from svc_analysis.engine import kpi_history
from svc_analysis.summary import registry as reg


@pytest.fixture()
def warehouse_copy(tmp_path):
    from tests.support import tiny_warehouse

    path = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_warehouse(), path)
    return path


def _source(path, read_only=True):
    from svc_analysis.core.params import load_params
    from svc_analysis.engine import org, warehouse
    from tests.support import TINY_MONTH

    con = warehouse.connect(path, read_only=read_only)
    return con, reg.KpiSource.with_history(con, reg.Scope.of(org.outlet_tree(con), None), load_params(TINY_MONTH),
                                           path)


def test_history_file_beside_the_warehouse(tmp_path):
    assert kpi_history.history_path(tmp_path / "w.duckdb") == tmp_path / "w.kpi_history.duckdb"


def test_same_inputs_reuse_stored_rows_without_an_area_call(warehouse_copy, monkeypatch):
    from tests.support import TINY_MONTH

    con, first = _source(warehouse_copy)
    computed = first.rows(TINY_MONTH, areas=["queue", "staff"])
    con.close()
    assert first.calls() == 2 and first.reused() == 0
    assert kpi_history.history_path(warehouse_copy).is_file()

    def no_call(*args):
        pytest.fail("an area function was called")

    real = reg.area_registry.hooks
    monkeypatch.setattr(reg.area_registry, "hooks",
                        lambda name: {**real(name), "queue": no_call, "staff": no_call} if name == "kpi_rows"
                        else real(name))
    con, second = _source(warehouse_copy)
    again = second.rows(TINY_MONTH, areas=["queue", "staff"])
    con.close()
    assert second.calls() == 0 and second.reused() == 2
    pd.testing.assert_frame_equal(again, computed, check_dtype=False)


def test_an_ingest_changes_the_fingerprint_and_rows_are_recomputed(warehouse_copy):
    from svc_analysis.engine.ingest import ingest_files
    from tests.support import TINY_MONTH, _cache

    con, first = _source(warehouse_copy)
    before = first.fingerprint()
    first.rows(TINY_MONTH, areas=["queue"])
    con.close()

    smallest = min(_cache["files"], key=lambda p: p.stat().st_size)
    ingest_files([smallest], warehouse=warehouse_copy, progress=False)

    con, second = _source(warehouse_copy)
    assert second.fingerprint() != before
    second.rows(TINY_MONTH, areas=["queue"])
    con.close()
    assert second.calls() == 1 and second.reused() == 0


def test_no_ingest_log_no_fingerprint(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert kpi_history.fingerprint(con) is None
    history = kpi_history.History(tmp_path / "h.duckdb")
    assert history.load("2026-10", "province:province", "queue", None) is None
    assert not history.store("2026-10", "province:province", "queue", None, pd.DataFrame())
    con.close()


def test_an_empty_set_is_remembered(tmp_path):
    from svc_analysis.engine.kpis import KPI_COLUMNS

    history = kpi_history.History(tmp_path / "h.duckdb")
    assert history.load("2026-10", "province:province", "queue", "fp") is None
    assert history.store("2026-10", "province:province", "queue", "fp", pd.DataFrame(columns=KPI_COLUMNS))
    got = kpi_history.History(tmp_path / "h.duckdb").load("2026-10", "province:province", "queue", "fp")
    assert got is not None and got.empty and list(got.columns) == KPI_COLUMNS
    assert kpi_history.History(tmp_path / "h.duckdb").load("2026-10", "province:province", "queue", "other") is None


def test_data_as_of_is_the_newest_ingest(tmp_path):
    """engine.warehouse.data_as_of (the query pack.notebook used to run itself): the newest
    _ingest_log finish; None without a log; the notebook header falls back to the file's time."""
    import duckdb

    from svc_analysis.engine import warehouse
    from svc_analysis.pack import notebook
    from tests.support import tiny_warehouse

    con = warehouse.connect(tiny_warehouse(), read_only=True)
    latest = con.execute("SELECT max(finished_at) FROM _ingest_log").fetchone()[0]
    assert warehouse.data_as_of(con) == latest is not None
    assert notebook.data_as_of(con, tiny_warehouse()) == latest
    con.close()
    bare = duckdb.connect(str(tmp_path / "bare.duckdb"))
    assert warehouse.data_as_of(bare) is None
    assert notebook.data_as_of(bare, tmp_path / "bare.duckdb") is not None  # the file's mtime
    bare.close()
