"""The queue area's one entry (svc_analysis.queue.area): kpi_rows against the golden figures, the
catalogue entries of every metric it publishes, the registry, and notebook queue's thinness."""

from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.core import areas, catalogue
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import area
from tests.area_golden import assert_area_matches_golden, notebook_code_lines

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "50_queue.ipynb"


def test_kpi_rows_equal_the_golden_tiny_rows(tmp_path):
    assert_area_matches_golden(area, "queue", tmp_path)


def test_every_published_metric_has_a_catalogue_entry(tmp_path):
    golden = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "golden"
                                           / "tiny_2026-10_kpis.csv", encoding="utf-8-sig")
    published = set(golden.loc[golden["area"] == "queue", "metric"])
    assert published == {m.id for m in area.METRICS}
    for metric_id in published:
        entry = catalogue.metric(metric_id)
        assert entry.area == "queue" and entry.name and entry.definition and entry.source
        assert "seed" not in entry.source and ".py" not in entry.source and ".md" not in entry.source
        if entry.target_param:  # the target parameter exists in params
            node = load_params("2026-10")
            for key in entry.target_param.split("."):
                node = getattr(node, key)


def test_registered_as_the_area_entry_point():
    assert areas.area_modules()["queue"] is area
    assert areas.hooks("kpi_rows")["queue"] is area.kpi_rows


def test_a_week_is_refused_until_the_weekly_cadence_exists():
    with pytest.raises(ValueError, match="monthly"):
        area.kpi_rows(None, load_params("2026-10"), Scope(tree=pd.DataFrame()), Period.week("2026-W44"))


def test_notebook_stays_thin():
    assert notebook_code_lines(NOTEBOOK) <= 40
