"""Every area's one entry (issue 13), checked the same way for all seven areas.

For each area registered in core.areas: ``kpi_rows`` on the tiny warehouse (2026-10, province) gives
exactly the area's rows of the golden tiny kpis.csv (published and gathered as a run writes them,
compared as tests/pack/test_figures_unchanged.py compares whole packs); it publishes the metric ids
the data contract and docs/kpis.md name for the area; each has a complete catalogue entry; a week
gives the area's weekly metrics (those its catalogue defines for a week, WEEKLY) or is refused by an
area with monthly metrics only; the area's notebook stays thin.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.core import areas, catalogue
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org, warehouse
from svc_analysis.engine.scope import Scope
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures
from tests.support import TINY_MONTH, tiny_warehouse

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MAX_CODE_LINES = 40
# area -> (its notebook, the metric ids it publishes: DATA_CONTRACT.md and docs/kpis.md; a trailing
# ':' is a family whose members the data names)
PUBLISHED = {
    "quality": ("00_data_quality", {"outlet_day_coverage:"}),
    "complaints": ("10_complaints", {"complaints_total", "complaints_responsible", "complaint_rate_per_10k",
                                     "complaint_rate_reduction", "comment_book_on_time_rate",
                                     "complaints_closed_on_time_rate", "complaints_overdue_open", "praises_total",
                                     "complaint_penalty_yuan", "praise_reward_yuan"}),
    "satisfaction": ("20_satisfaction", {"satisfaction_rate", "evaluator_participation_rate", "survey_csat", "nps"}),
    "staff": ("30_staff", {"star_teller_rate", "expert_rate", "english_rate", "sign_language_coverage"}),
    "inspections": ("40_inspections", {"mystery_score_avg", "mystery_score_latest_round", "mystery_score_quarter",
                                       "inspection_coverage_quarter", "inspection_coverage_year",
                                       "outlets_below_85", "penalty_yuan", "reward_yuan",
                                       "inspection_check_coverage_month"}),
    "queue": ("50_queue", {"avg_wait_minutes", "overtime_wait_share", "p90_wait_minutes", "unserved_share",
                           "overtime_outlets"}),
    "campaign": ("60_campaign", {"campaign_progress:", "report_on_time"}),
}
AREAS = sorted(PUBLISHED)
# area -> the metric ids a week publishes: counts by their own time stamp and ratios of such counts
# (complaints: not the year-to-date reduction, the deadlines falling in the month, the month-end stock)
WEEKLY = {
    "complaints": {"complaints_total", "complaints_responsible", "complaint_rate_per_10k", "praises_total"},
    "queue": PUBLISHED["queue"][1],
}


@pytest.fixture(scope="module")
def tiny():
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, load_params(month=TINY_MONTH), Scope.of(org.outlet_tree(con), None), Period.month(TINY_MONTH)
    con.close()


def _family(metric_id: str) -> str:
    return metric_id.split(":", 1)[0] + ":" if ":" in metric_id else metric_id


def test_every_area_is_registered_with_its_entry():
    assert sorted(areas.hooks("kpi_rows")) == AREAS
    assert sorted(areas.hooks("METRICS")) == AREAS


@pytest.mark.parametrize("area", AREAS)
def test_kpi_rows_equal_the_golden_tiny_rows(area, tiny, tmp_path):
    rows = areas.hooks("kpi_rows")[area](*tiny)
    assert {_family(m) for m in rows["metric"]} == PUBLISHED[area][1]
    kpis.publish(rows, tmp_path / "kpis", area)
    kpis.gather(tmp_path / "kpis", tmp_path / "kpis.csv")
    lines = (GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv").read_text(encoding="utf-8-sig").splitlines()
    column = next(csv.reader([lines[0]])).index("area")
    mine = [lines[0]] + [line for line in lines[1:] if next(csv.reader([line]))[column] == area]
    assert len(mine) > 1
    (tmp_path / "golden.csv").write_text("\n".join(mine) + "\n", encoding="utf-8-sig")
    assert_same_figures(tmp_path / "kpis.csv", tmp_path / "golden.csv")


@pytest.mark.parametrize("area", AREAS)
def test_catalogue_entries_are_complete(area):
    entries = areas.hooks("METRICS")[area]
    assert {m.id for m in entries} == PUBLISHED[area][1]
    for entry in entries:
        assert catalogue.metric(entry.id) == entry and entry.area == area
        assert entry.name and entry.definition and entry.source
        assert entry.unit in ("count", "share", "balance", "per_10k", "minutes", "score", "yuan")
        assert not any(word in entry.source.lower() for word in (".py", ".md", ".csv", "seed", "种子"))


@pytest.mark.parametrize("area", sorted(set(AREAS) - set(WEEKLY)))
def test_a_week_is_refused_by_an_area_with_monthly_metrics_only(area, tiny):
    con, params, scope, _ = tiny
    with pytest.raises(ValueError, match="month"):
        areas.hooks("kpi_rows")[area](con, params, scope, Period.week("2026-W44"))
    assert not catalogue.metrics(area, cadence="week")


@pytest.mark.parametrize("area", sorted(WEEKLY))
def test_a_week_gives_the_metrics_defined_for_a_week(area, tiny):
    con, params, scope, _ = tiny
    # 2026-W44 runs Monday 26 October to Sunday 1 November: its rows belong to November (its last day)
    rows = areas.hooks("kpi_rows")[area](con, params, scope, Period.week("2026-W44"))
    assert set(rows["metric"]) == WEEKLY[area] == {m.id for m in catalogue.metrics(area, cadence="week")}
    assert set(rows["period"]) == {"2026-W44"} and set(rows["month"]) == {"2026-11"}
    assert set(rows["level"]) == set(kpis.LEVELS)
    kpis.validate(rows)


# what adds up over days: counts (value) and the numerators and denominators of ratios of counts
ADDITIVE = {"complaints": {"complaints_total": ("value",), "complaints_responsible": ("value",),
                           "praises_total": ("value",), "complaint_rate_per_10k": ("numerator", "denominator")},
            "queue": {m: ("numerator", "denominator")
                      for m in ("avg_wait_minutes", "overtime_wait_share", "unserved_share")}}


@pytest.mark.parametrize("area", sorted(ADDITIVE))
def test_weeks_add_up_to_the_month_on_the_tiny_sample(area, tiny):
    # October 2026 (Thursday 1st to Saturday 31st) lies in the ISO weeks W40 (28 Sep - 4 Oct) to W44
    # (26 Oct - 1 Nov): the weeks' sums less their days outside October are October's, at every unit
    con, params, scope, month = tiny
    rows = areas.hooks("kpi_rows")[area]
    weeks = pd.concat([rows(con, params, scope, Period.week(f"2026-W{n}")) for n in range(40, 45)])
    outside = pd.concat([rows(con, params, scope, Period.day(d))
                         for d in ("2026-09-28", "2026-09-29", "2026-09-30", "2026-11-01")])
    monthly = rows(con, params, scope, month)
    key = ["level", "unit_id"]
    for metric, columns in ADDITIVE[area].items():
        for column in columns:
            def total(frame):
                return frame[frame["metric"] == metric].groupby(key)[column].sum()
            want = total(monthly)
            got = total(weeks).sub(total(outside), fill_value=0).reindex(want.index).fillna(0)
            pd.testing.assert_series_equal(got, want.astype("float64"), check_names=False, rtol=1e-12)


@pytest.mark.parametrize("area", AREAS)
def test_notebook_stays_thin_and_judges_nothing_itself(area):
    cells = json.loads((NOTEBOOKS / f"{PUBLISHED[area][0]}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = [line for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_CODE_LINES, len(code)
    source = "\n".join(code)
    assert "kpis.rollup" not in source and "meets(" not in source
    entry = "area.report(" if area == "campaign" else "area.kpi_rows("  # the campaign's report carries them
    assert entry + "ctx.con, ctx.params, ctx.scope, ctx.period)" in source
