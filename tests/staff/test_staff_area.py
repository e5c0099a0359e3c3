"""The staff area's seam (svc_analysis.staff.area): kpi_rows on the tiny warehouse are exactly the area's
rows of the golden tiny kpis.csv; every metric it publishes is in the catalogue; notebook 30_staff stays thin."""

import json
from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.staff import area

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "tiny_2026-10_kpis.csv"
PUBLISHED = ("star_teller_rate", "expert_rate", "english_rate", "sign_language_coverage")


@pytest.fixture(scope="module")
def tiny():
    from svc_analysis.core.params import load_params
    from svc_analysis.core.period import Period
    from svc_analysis.engine import org, warehouse
    from svc_analysis.engine.scope import Scope
    from tests.support import TINY_MONTH, tiny_warehouse

    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, load_params(TINY_MONTH), Scope.of(org.outlet_tree(con), None), Period.month(TINY_MONTH)
    con.close()


def test_kpi_rows_equal_the_golden_tiny_rows(tiny, tmp_path):
    from svc_analysis.engine import kpis
    from tests.pack.test_figures_unchanged import assert_same_figures

    con, params, scope, period = tiny
    rows = area.kpi_rows(con, params, scope, period)
    kpis.publish(rows, tmp_path / "kpis", "30_staff")  # written as a run writes it
    kpis.gather(tmp_path / "kpis", tmp_path / "kpis.csv")
    lines = GOLDEN.read_text(encoding="utf-8-sig").splitlines()
    golden = tmp_path / "golden.csv"
    golden.write_text("\n".join([lines[0], *[l for l in lines[1:] if l.split(",")[1] == "staff"]]) + "\n",
                      encoding="utf-8-sig")
    assert set(rows["metric"]) == set(PUBLISHED)
    assert_same_figures(tmp_path / "kpis.csv", golden)


def test_every_published_metric_is_in_the_catalogue():
    from svc_analysis.core import catalogue

    assert {m.id for m in area.METRICS} == set(PUBLISHED)
    for metric_id in PUBLISHED:
        entry = catalogue.metric(metric_id)
        assert entry.area == "staff" and entry.name and entry.definition and entry.source
        assert ".csv" not in entry.source and "seed" not in entry.source.lower()


def test_the_registry_finds_the_area():
    from svc_analysis.core import areas

    assert areas.hooks("kpi_rows")["staff"] is area.kpi_rows


def test_a_week_is_not_a_month_yet(tiny):
    from svc_analysis.core.period import Period

    con, params, scope, _ = tiny
    with pytest.raises(ValueError, match="month"):
        area.kpi_rows(con, params, scope, Period.week("2026-W44"))


def test_notebook_code_stays_thin():
    cells = json.loads((ROOT / "notebooks" / "30_staff.ipynb").read_text(encoding="utf-8"))["cells"]
    code = [line for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= 40, len(code)
