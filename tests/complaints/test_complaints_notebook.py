"""Notebook 10 on the real CFPB sample (ingested through params/profiles/cfpb.yaml).

Companies stand in for outlets and there are no tickets, so every complaint rate must read 无数据
and publish an empty value, while counts, clocks, clusters, texts and the ledger still run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.support import cfpb_sample

ROOT = Path(__file__).resolve().parents[2]
CFPB_MONTH = "2019-04"  # the sample's busiest month


@pytest.mark.slow
def test_notebook_runs_on_cfpb_with_rates_not_available(tmp_path):
    import papermill as pm

    CFPB = cfpb_sample()

    from svc_analysis.engine.ingest import ingest_files

    warehouse = tmp_path / "cfpb.duckdb"
    reports = ingest_files([CFPB], warehouse=warehouse, profile="cfpb", progress=False)
    assert sum(r.rows_loaded for r in reports) > 0
    kpi_dir = tmp_path / "kpis"
    out = tmp_path / "10.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "10_complaints.ipynb"), str(out), kernel_name="python3",
                        parameters={"month": CFPB_MONTH, "warehouse": str(warehouse), "kpi_dir": str(kpi_dir)},
                        progress_bar=False, cwd=str(ROOT / "notebooks"))
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    text = "\n".join("".join(o.get("data", {}).get("text/plain", "")) + "".join(o.get("text", ""))
                     + "".join(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "万人投诉率无数据" in text and "无法计算投诉率" in text

    rows = pd.read_csv(next(kpi_dir.glob("*.csv")))
    rate = rows[rows["metric"] == "complaint_rate_per_10k"]
    assert len(rate) > 0 and rate["value"].isna().all()
    assert rows[rows["metric"] == "complaint_rate_reduction"]["value"].isna().all()
    total = rows[(rows["metric"] == "complaints_total") & (rows["level"] == "province")]["value"].item()
    assert total == 68  # CFPB complaints received in April 2019 (Date received)
    assert set(rows["metric"]) == {"complaints_total", "complaints_responsible", "complaint_rate_per_10k",
                                   "complaint_rate_reduction", "comment_book_on_time_rate",
                                   "complaints_closed_on_time_rate", "complaints_overdue_open", "praises_total",
                                   "complaint_penalty_yuan", "praise_reward_yuan"}
