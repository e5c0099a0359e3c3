import importlib.util
import warnings
from datetime import date, datetime
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from svc_analysis.pack import notebook  # noqa: E402
from svc_analysis.engine import org

BUILDER = Path(__file__).resolve().parents[1] / "fixtures" / "quality" / "build_warehouse.py"


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("quality_fixture", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    module.build(path).close()
    return path


@pytest.fixture
def ctx_factory(warehouse_file, monkeypatch):
    for var in ("SVC_MONTH", "SVC_SCOPE", "SVC_PARAMS", "SVC_WAREHOUSE", notebook.SESSION_ENV):
        monkeypatch.delenv(var, raising=False)
    made = []

    def make(**kw):
        kw.setdefault("month", "2026-10")
        kw.setdefault("warehouse", str(warehouse_file))
        ctx = notebook.setup(**kw)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


def test_setup_province(ctx_factory, warehouse_file):
    ctx = ctx_factory()
    assert ctx.month == "2026-10"
    assert (ctx.start, ctx.end) == (datetime(2026, 10, 1), datetime(2026, 11, 1))
    assert ctx.month_end == date(2026, 10, 31)
    assert ctx.settings.warehouse == warehouse_file.resolve()
    assert (ctx.scope_level, ctx.scope_name, ctx.scope_label) == ("province", "province", "全省")
    assert ctx.scope_outlets is None and ctx.units is None
    assert ctx.outlets == ["O01", "O02", "O03", "O04", "O05", "O06", "O07"]
    assert ctx.params.quality.gap_tables == ["tickets", "ratings"]
    assert ctx.con.execute("SELECT count(*) FROM tickets").fetchone()[0] == 105
    assert ctx.ib.table("tickets").count().execute() == 105
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert pd.get_option("display.max_columns") == notebook.PANDAS_OPTIONS["display.max_columns"]


def test_setup_scoped(ctx_factory):
    ctx = ctx_factory(scope="东湖支行")
    assert (ctx.scope_level, ctx.scope_name, ctx.scope_label) == ("subbranch", "东湖支行", "东湖支行")
    assert ctx.scope_outlets == ["O01", "O02"]
    assert ctx.units == ["O01", "O02", "东湖支行"]
    assert ctx.scope_tree["outlet_id"].tolist() == ["O01", "O02"]


def test_month_as_int_like_papermill(ctx_factory):
    assert ctx_factory(month=202610).month == "2026-10"


def test_default_month_is_last_complete_month(ctx_factory):
    assert ctx_factory(month=None, today=date(2026, 11, 1)).month == "2026-10"


def test_unknown_scope_lists_names(ctx_factory):
    with pytest.raises(org.ScopeError, match="可选的二级分行有 武汉分行、襄阳分行"):
        ctx_factory(scope="汉口分行")


def test_missing_warehouse(tmp_path, ctx_factory):
    with pytest.raises(FileNotFoundError, match="no warehouse"):
        ctx_factory(warehouse=str(tmp_path / "none.duckdb"))


def test_header_text(ctx_factory):
    ctx = ctx_factory(scope="武汉分行")
    # data as of = newest _ingest_log finish in the fixture
    assert ctx.header_text() == (
        "**报告月份** 2026-10 · **范围** 武汉分行 · **数据更新于** 2026-11-02 08:03")  # no file name on a page
    assert ctx.header().data == ctx.header_text()


def test_deprecations_are_silenced_but_user_warnings_are_not(ctx_factory):
    ctx_factory()
    with warnings.catch_warnings(record=True) as caught:
        notebook.quiet_warnings()
        warnings.warn("old", DeprecationWarning)
        warnings.warn("future", FutureWarning)
        warnings.warn("Glyph missing", UserWarning)
    assert [str(w.message) for w in caught] == ["Glyph missing"]


def _kpi_rows():
    return pd.DataFrame([{"month": "2026-10", "area": "quality", "metric": "m", "level": "province",
                          "unit_id": "province", "value": 0.5, "numerator": 1, "denominator": 2,
                          "target": None, "meets_target": None}])


def test_publish_writes_under_notebook_name(ctx_factory, tmp_path, monkeypatch):
    pytest.importorskip("svc_analysis.engine.kpis")
    monkeypatch.setenv(notebook.SESSION_ENV, "/some/where/00_data_quality.ipynb")
    ctx = ctx_factory(kpi_dir=str(tmp_path / "kpis"))
    assert ctx.notebook == "00_data_quality"
    path = ctx.publish(_kpi_rows())
    assert path == tmp_path / "kpis" / "00_data_quality.csv"
    assert pd.read_csv(path)["metric"].tolist() == ["m"]


def test_publish_interactively_writes_nothing(ctx_factory):
    pytest.importorskip("svc_analysis.engine.kpis")
    assert ctx_factory().publish(_kpi_rows()) is None


def test_publish_without_notebook_name_uses_process_id(ctx_factory, tmp_path):
    import os

    ctx = ctx_factory(kpi_dir=str(tmp_path / "kpis"))
    assert ctx.publish(_kpi_rows()) == tmp_path / "kpis" / f"notebook-{os.getpid()}.csv"


def test_close_is_idempotent(ctx_factory):
    ctx = ctx_factory()
    ctx.close()
    ctx.close()
