"""What only the campaign's seam has (the rest is tests/test_areas.py, for every area): the workbook's
data and the page's report carry the very rows kpi_rows makes, and campaign KPIs take their own names
in the catalogue's campaign_progress family."""

from __future__ import annotations

import pytest

from svc_analysis.campaign import area
from svc_analysis.core import catalogue
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org, warehouse
from svc_analysis.engine.scope import Scope
from tests.support import TINY_MONTH, tiny_warehouse


@pytest.fixture(scope="module")
def tiny():
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, load_params(month=TINY_MONTH), Scope.of(org.outlet_tree(con), None)
    con.close()


def test_workbook_data_and_report_carry_the_same_rows(tiny):
    con, params, scope = tiny
    rows = area.kpi_rows(con, params, scope, Period.month(TINY_MONTH))
    data = area.WORKBOOK_DATA(con, params, scope.tree, TINY_MONTH, scope.level, scope.name)
    assert data["kpi_rows"].equals(rows)
    assert area.report(con, params, scope, Period.month(TINY_MONTH))["kpi_rows"].equals(rows)
    assert {"state", "board", "submissions", "due"} <= set(data)


def test_campaign_kpis_are_named_by_their_own_params_entry(tiny):
    _, params, _ = tiny
    names = {k.id: k.name for k in params.campaign.kpis}
    first = params.campaign.kpis[0]
    assert catalogue.name("campaign_progress:" + first.id, names) == first.name
    assert catalogue.metric("report_on_time").target_param == "campaign.report_due.on_time_target"
