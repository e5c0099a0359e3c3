"""Issue 13's rule "no figure changes": kpis.csv of the tiny and small sample packs equals the golden
"before" snapshot in tests/fixtures/golden/ (README there), row by row (sorted, exact strings).

The tiny comparison reuses the end-to-end pack run (tests/pack/conftest.py). The small pack takes
several minutes on the project's 2-core machine, so it is opt-in: SVC_GOLDEN_SMALL=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
SVC = str(Path(sys.executable).parent / "svc")
MONTH = "2026-10"
pytestmark = pytest.mark.slow


def kpi_lines(path: Path) -> tuple[str, list[str]]:
    """(header, data rows sorted) of a kpis.csv, exact text."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return lines[0], sorted(lines[1:])


def assert_same_figures(path: Path, golden: Path):
    header, rows = kpi_lines(path)
    golden_header, golden_rows = kpi_lines(golden)
    assert header == golden_header
    gone = sorted(set(golden_rows) - set(rows))
    new = sorted(set(rows) - set(golden_rows))
    assert not gone and not new, f"{len(gone)} golden rows differ, e.g. {gone[:3]}; now {new[:3]}"
    assert rows == golden_rows


@pytest.mark.skipif(not os.environ.get("SVC_GOLDEN_SMALL"), reason="opt-in (minutes): SVC_GOLDEN_SMALL=1")
def test_small_sample_pack_figures_unchanged(tmp_path):
    warehouse = tmp_path / "small" / "warehouse.duckdb"
    for args in (["sample-data", "--scale", "small", "--end-month", MONTH, "--warehouse", str(warehouse)],
                 ["report", "--month", MONTH, "--warehouse", str(warehouse), "--out", str(tmp_path / "out")]):
        done = subprocess.run([SVC, *args, "--quiet"], capture_output=True, text=True, timeout=3600)
        assert done.returncode == 0, done.stdout + done.stderr
    assert_same_figures(tmp_path / "out" / MONTH / "kpis.csv", GOLDEN / f"small_{MONTH}_kpis.csv")
