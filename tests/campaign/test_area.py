"""The campaign's seam (campaign.area): its KPI rows on the tiny sample equal the golden kpis.csv's
campaign rows; every metric id it publishes has a catalogue entry; the workbook data carries the same
rows; a period that is not a month is refused; notebook 60 stays thin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from svc_analysis.campaign import area
from svc_analysis.core import catalogue
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org, warehouse
from svc_analysis.engine.scope import Scope
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures
from tests.support import TINY_MONTH, tiny_warehouse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny():
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, load_params(month=TINY_MONTH), Scope.of(org.outlet_tree(con), None)
    con.close()


def test_kpi_rows_equal_the_golden_campaign_rows(tiny, tmp_path):
    con, params, scope = tiny
    rows = area.kpi_rows(con, params, scope, Period.month(TINY_MONTH))
    kpis.publish(rows, tmp_path / "kpis", "60_campaign")
    kpis.gather(tmp_path / "kpis", tmp_path / "kpis.csv")
    golden = (GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv").read_text(encoding="utf-8-sig").splitlines()
    header = golden[0].split(",")
    campaign_rows = [line for line in golden[1:] if line.split(",")[header.index("area")] == "campaign"]
    assert campaign_rows  # the tiny sample has campaign rows to compare
    (tmp_path / "golden.csv").write_text("\n".join([golden[0], *campaign_rows]) + "\n", encoding="utf-8-sig")
    assert_same_figures(tmp_path / "kpis.csv", tmp_path / "golden.csv")


def test_workbook_data_and_report_carry_the_same_rows(tiny):
    con, params, scope = tiny
    rows = area.kpi_rows(con, params, scope, Period.month(TINY_MONTH))
    data = area.WORKBOOK_DATA(con, params, scope.tree, TINY_MONTH, scope.level, scope.name)
    assert data["kpi_rows"].equals(rows)
    assert area.report(con, params, scope, Period.month(TINY_MONTH))["kpi_rows"].equals(rows)
    assert {"state", "board", "submissions", "due"} <= set(data)


def test_every_published_metric_has_a_catalogue_entry(tiny):
    con, params, scope = tiny
    rows = area.kpi_rows(con, params, scope, Period.month(TINY_MONTH))
    assert set(rows["metric"].str.split(":").str[0]) == {"campaign_progress", "report_on_time"}
    for metric_id in rows["metric"].unique():
        entry = catalogue.metric(metric_id)
        assert entry.area == "campaign" and entry.name and entry.definition and entry.source
    names = {k.id: k.name for k in params.campaign.kpis}
    first = params.campaign.kpis[0]
    assert catalogue.name("campaign_progress:" + first.id, names) == first.name
    assert catalogue.metric("report_on_time").target_param == "campaign.report_due.on_time_target"


def test_a_period_that_is_not_a_month_is_refused(tiny):
    con, params, scope = tiny
    with pytest.raises(ValueError, match="month"):
        area.kpi_rows(con, params, scope, Period.week("2026-W44"))


def test_notebook_60_code_stays_thin():
    notebook = json.loads((ROOT / "notebooks" / "60_campaign.ipynb").read_text(encoding="utf-8"))
    lines = [line for cell in notebook["cells"] if cell["cell_type"] == "code"
             for line in "".join(cell["source"]).splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert len(lines) <= 40, len(lines)
    assert "area.report(ctx.con, ctx.params, ctx.scope, ctx.period)" in "\n".join(lines)
