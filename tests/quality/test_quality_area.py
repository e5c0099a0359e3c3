"""svc_analysis.quality.area: the area's one entry (kpi_rows), its catalogue and its thin notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from svc_analysis.quality import area
from svc_analysis.core import catalogue
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org, warehouse
from svc_analysis.engine.scope import Scope
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures
from tests.support import TINY_MONTH, tiny_warehouse

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "00_data_quality.ipynb"
MAX_CODE_LINES = 40


@pytest.fixture(scope="module")
def tiny_rows():
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    try:
        scope = Scope.of(org.outlet_tree(con), None)
        yield area.kpi_rows(con, load_params(month=TINY_MONTH), scope, Period.month(TINY_MONTH))
    finally:
        con.close()


def test_kpi_rows_equal_the_golden_tiny_rows_of_the_area(tiny_rows, tmp_path):
    """The area's kpi_rows on the tiny warehouse (2026-10, province) are exactly the golden pack's rows
    of area quality, compared as the golden test compares (published, gathered, same text)."""
    kpis.publish(tiny_rows, tmp_path / "kpi", "quality")
    kpis.gather(tmp_path / "kpi", tmp_path / "kpis.csv")
    lines = (GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv").read_text(encoding="utf-8-sig").splitlines()
    mine = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] == "quality"]
    assert len(mine) > 1
    (tmp_path / "golden.csv").write_text("\n".join(mine) + "\n", encoding="utf-8-sig")
    assert_same_figures(tmp_path / "kpis.csv", tmp_path / "golden.csv")


def test_every_published_metric_has_a_catalogue_entry(tiny_rows):
    for metric_id in sorted(set(tiny_rows["metric"])):
        entry = catalogue.metric(metric_id)
        assert entry.area == "quality" and entry.name and entry.definition and entry.source
        assert entry in area.METRICS


def test_catalogue_entries_are_complete():
    for entry in area.METRICS:
        assert entry.unit in ("count", "share", "per_10k", "minutes", "score", "yuan")
        assert ".py" not in entry.source and "seed" not in entry.source.lower()


def test_a_period_that_is_not_a_month_is_refused():
    with pytest.raises(ValueError, match="monthly"):
        area.kpi_rows(None, load_params(month=TINY_MONTH), None, Period.week("2026-W44"))


def test_notebook_code_cells_stay_thin():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [line for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_CODE_LINES, len(code)


def test_notebook_publishes_exactly_the_areas_rows():
    source = "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
    assert "area.kpi_rows(ctx.con, ctx.params, ctx.scope, ctx.period)" in source
    assert "kpis.rollup" not in source and "pd.concat" not in source
