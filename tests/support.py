"""Shared test data: one tiny sample warehouse per test session.

Built on first use with `svc sample-data --scale tiny` semantics (generate + ingest) for a fixed
end month, so every figure is deterministic; used by the end-to-end tests and by nbval over the
pack notebooks (the root conftest points $SVC_WAREHOUSE and $SVC_MONTH at it).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

TINY_MONTH = "2026-10"
TINY_WEEK = "2026-W43"  # Monday 19 - Sunday 25 October 2026: a whole week inside TINY_MONTH
TINY_SEED = 20261
_cache: dict[str, object] = {}


def tiny_warehouse() -> Path:
    """Path of the session's tiny sample warehouse (generated and ingested once)."""
    if "warehouse" not in _cache:
        from svc_analysis.engine import sample
        from svc_analysis.engine.ingest import ingest_files

        root = Path(tempfile.mkdtemp(prefix="svc-tiny-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        warehouse = root / "warehouse.duckdb"
        files = sample.generate("tiny", seed=TINY_SEED, out_dir=root / "sample" / "tiny",
                                end_month=TINY_MONTH, progress=False)
        _cache["reports"] = ingest_files(files, warehouse=warehouse, progress=False)
        _cache["files"] = files
        _cache["warehouse"] = warehouse
    return _cache["warehouse"]


def tiny_ingest_reports():
    """The FileReports of the session's tiny sample ingest."""
    tiny_warehouse()
    return _cache["reports"]


def cfpb_sample() -> Path:
    """The real CFPB complaint export in ../shared/real/ beside the repository (as CI lays it out).

    Missing outside that layout: skipped on a developer's machine, a failure in CI (CI is set).
    """
    import os

    import pytest

    path = Path(__file__).resolve().parents[2] / "shared" / "real" / "cfpb_complaints_sample.csv"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the CFPB sample is missing at {path}")
        pytest.skip(f"the CFPB sample is not at {path} (shared/ beside the repository)")
    return path


def kpi_value(rows, metric, level="province", unit="province", column="value"):
    """One cell of the single KPI row (metric, level, unit) of ``rows``; fails unless exactly one."""
    hit = rows[(rows["metric"] == metric) & (rows["level"] == level) & (rows["unit_id"] == unit)]
    assert len(hit) == 1, hit
    return hit.iloc[0][column]
