"""summary_registry: the rows are the areas' own (same call as the notebooks), cached per month and
part, limited to the scope."""

import pandas as pd
import pytest

from svc_analysis.summary import registry as reg


@pytest.fixture(scope="module")
def tiny():
    from svc_analysis.engine import org
    from svc_analysis.engine import warehouse
    from svc_analysis.core.params import load_params
    from tests.support import TINY_MONTH, tiny_warehouse

    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, org.outlet_tree(con), load_params(TINY_MONTH)
    con.close()


def test_rows_are_the_area_functions_own(tiny):
    from svc_analysis.staff import staff
    from svc_analysis.core.periods import month_end
    from tests.support import TINY_MONTH

    con, tree, params = tiny
    source = reg.KpiSource(con, reg.Scope.of(tree, None), params)
    got = source.rows(TINY_MONTH, metrics=["star_teller_rate", "expert_rate", "english_rate", "sign_language_coverage"])
    sp, day = params.staff, month_end(TINY_MONTH)  # notebook 30's calls
    counts = staff.outlet_counts(con, day, star_min_stars=sp.star_min_stars, expert_roles=sp.expert_test_roles,
                                 front_line_roles=sp.front_line_roles)
    direct = staff.staff_kpis(counts, staff.units(tree, counts, day), TINY_MONTH, staff.targets_from(sp))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), direct.reset_index(drop=True), check_dtype=False)


def test_cache_calls_each_part_once_per_month(tiny):
    from tests.support import TINY_MONTH

    con, tree, params = tiny
    source = reg.KpiSource(con, reg.Scope.of(tree, None), params)
    source.rows(TINY_MONTH, metrics=["satisfaction_rate"])
    source.rows(TINY_MONTH, metrics=["evaluator_participation_rate", "satisfaction_rate"])
    assert source.calls() == 1
    source.rows("2026-09", areas=["queue"])
    assert source.calls() == 2


def test_scoped_rows_start_at_the_scope(tiny):
    from tests.support import TINY_MONTH

    con, tree, params = tiny
    source = reg.KpiSource(con, reg.Scope.of(tree, "武汉分行"), params)
    rows = source.rows(TINY_MONTH, areas=["complaints", "queue", "inspections"])
    assert set(rows["level"]) == {"branch", "subbranch", "outlet"}
    assert set(rows.loc[rows["level"] == "branch", "unit_id"]) == {"武汉分行"}
    assert set(rows.loc[rows["level"] == "outlet", "unit_id"]) <= set(tree.loc[tree["branch"] == "武汉分行", "outlet_id"])
    assert source.scope.unit_id == "武汉分行" and source.scope.outlets is not None


def test_areas_for_unknown_metric_and_prefix():
    assert reg.areas_for(["campaign_progress:new_atms"]) == ["campaign"]
    assert reg.areas_for(["complaint_rate_reduction"]) == ["complaints"]
    assert reg.areas_for(["satisfaction_rate", "avg_wait_minutes"], areas=["queue"]) == ["queue"]
    with pytest.raises(KeyError, match="no_such_metric"):
        reg.areas_for(["no_such_metric"])


def test_every_area_with_targets_is_served_through_its_hook():
    served = set(reg.builders())
    assert {"complaints", "satisfaction", "staff", "inspections", "queue", "campaign"} <= served


def test_a_kpi_rows_hook_is_called_with_scope_and_period(tiny, monkeypatch):
    """An area's kpi_rows is called as (con, params, scope, period) once per period; a month string
    is parsed into a Period at the edge."""
    from svc_analysis.core import areas
    from svc_analysis.core.period import Period
    from svc_analysis.engine import kpis
    from tests.support import TINY_MONTH

    con, tree, params = tiny
    calls = []

    def kpi_rows(con_, params_, scope, period):
        calls.append((scope, period))
        return pd.DataFrame([[period.month_key, "queue", "avg_wait_minutes", "province", "province", 5.0,
                              None, None, 10.0, True]], columns=kpis.CONTRACT_COLUMNS)

    real = areas.hooks
    monkeypatch.setattr(areas, "hooks", lambda name: {**real(name), "queue": kpi_rows} if name == "kpi_rows"
                        else real(name))
    source = reg.KpiSource(con, reg.Scope.of(tree, None), params)
    got = source.rows(TINY_MONTH, metrics=["avg_wait_minutes"])
    source.rows(Period.month(TINY_MONTH), areas=["queue"])
    assert got["value"].tolist() == [5.0] and len(calls) == 1
    assert calls[0] == (source.scope, Period.month(TINY_MONTH))


def test_a_week_is_refused_by_the_area(tiny):
    con, tree, params = tiny
    source = reg.KpiSource(con, reg.Scope.of(tree, None), params)
    with pytest.raises(ValueError, match="month"):
        source.rows("2026-W44", areas=["staff"])



def test_areas_for_a_cadence_are_those_with_a_metric_defined_for_it():
    """A week's and a day's KPI table (kpi_table's default) come from the areas whose catalogue has a
    metric for that period kind: the complaints' counts and the queue's waits (core.catalogue
    EVERY_PERIOD); every area has monthly metrics."""
    assert reg.areas_for_cadence("week") == reg.areas_for_cadence("day") == ["complaints", "queue"]
    assert reg.areas_for_cadence("month") == sorted(reg.builders())
