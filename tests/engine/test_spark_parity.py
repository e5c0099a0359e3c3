"""Issue 16's proof: the whole KPI table (summary.registry.kpi_table: every area's kpi_rows, the rows
the pack's notebooks publish) is the same on DuckDB and on Spark local mode, every row and column.

The tiny sample (tests.support) for 2026-10, the pack's month (every area), and for 2026-08, the
month the complaint tests use (the tiny sample has no complaint in October, so only August
exercises the complaint counts and rates: the complaint rows there). The anchor: the DuckDB table
of 2026-10 equals the golden kpis.csv of the tiny pack (tests/fixtures/golden, compared as
tests/pack/test_figures_unchanged.py compares it), so the in-process table is the pack's table and
the Spark table is too.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.summary import registry
from tests.engine.spark_support import MARKS
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures
from tests.support import TINY_MONTH

pytestmark = MARKS
COMPLAINT_MONTH = "2026-08"
MONTHS = (TINY_MONTH, COMPLAINT_MONTH)
KEY = ["month", "period", "area", "metric", "level", "unit_id"]
NUMBERS = ["value", "numerator", "denominator", "target"]
TOLERANCE = 1e-9  # relative: the engines add floats in different orders


# October: every area; August only for the complaints (the other areas' queries are October's again,
# and each Spark query costs seconds of job start-up on a small machine)
AREAS = {TINY_MONTH: None, COMPLAINT_MONTH: ["complaints"]}


def _table(con, month: str) -> pd.DataFrame:
    """The run's KPI table built as a run builds it: the tree read through ``con``, the province scope."""
    return registry.kpi_table(con, load_params(month), Scope(org.outlet_tree(con)), Period.month(month),
                              areas=AREAS[month])


@pytest.fixture(scope="module")
def tables(duck, sp) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    return {month: (_table(duck, month), _table(sp, month)) for month in MONTHS}


def _same_number(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):  # NaN and NULL are both "no figure": equal only to each other
        return pd.isna(a) and pd.isna(b)
    return math.isclose(float(a), float(b), rel_tol=TOLERANCE, abs_tol=0.0)


def _same_label(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)


def test_the_outlet_tree_is_the_same_on_both_engines(duck, sp):
    pd.testing.assert_frame_equal(org.outlet_tree(duck), org.outlet_tree(sp))


@pytest.mark.parametrize("month", MONTHS)
def test_every_kpi_row_is_the_same_on_duckdb_and_spark(tables, month):
    on_duck, on_spark = tables[month]
    assert list(on_duck.columns) == list(on_spark.columns) == kpis.KPI_COLUMNS
    assert len(on_duck) == len(on_spark)
    # the same keys in the same (kpis.csv) order
    assert on_duck[KEY].values.tolist() == on_spark[KEY].values.tolist()
    differ = [(tuple(d[KEY]), column, d[column], s[column])
              for (_, d), (_, s) in zip(on_duck.iterrows(), on_spark.iterrows())
              for column in kpis.KPI_COLUMNS
              if not (_same_number if column in NUMBERS else _same_label)(d[column], s[column])]
    assert not differ, f"{len(differ)} cells differ, e.g. {differ[:3]}"


def test_the_table_covers_every_area_and_the_complaint_month_has_complaints(tables):
    """The months exercise what they are there for: every area publishes in October; August has
    the tiny sample's 16 complaints (tests/engine/test_spark_engine.py: counts_by_outlet of August)."""
    october, _ = tables[TINY_MONTH]
    assert set(october["area"]) == set(kpis.AREAS)
    august, _ = tables[COMPLAINT_MONTH]
    total = august.query("metric == 'complaints_total' and level == 'province'")["value"].item()
    assert total == 16


def test_the_in_process_table_is_the_packs_kpis_csv(tables, tmp_path):
    """The DuckDB table of October, written as the pack writes kpis.csv (kpis.gather), equals the
    tiny pack's golden kpis.csv: the figures of every row, as the golden test compares them."""
    on_duck, _ = tables[TINY_MONTH]
    kpi_dir = tmp_path / ".kpis"
    kpis.publish(on_duck, kpi_dir, "in_process")
    kpis.gather(kpi_dir, tmp_path / "kpis.csv")
    assert_same_figures(tmp_path / "kpis.csv", GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv")
