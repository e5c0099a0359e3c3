"""Issue 13's rule "no figure changes": kpis.csv of the tiny and small sample packs equals the golden
"before" snapshot in tests/fixtures/golden/ (README there), row by row (sorted, exact strings).

The tiny comparison reuses the end-to-end pack run (tests/pack/conftest.py). The small pack takes
several minutes on the project's 2-core machine, so it is opt-in: SVC_GOLDEN_SMALL=1.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
SVC = str(Path(sys.executable).parent / "svc")
MONTH = "2026-10"
pytestmark = pytest.mark.slow


KEY = 5  # month, area, metric, level, unit_id: one row per key
NUMBERS = ("value", "numerator", "denominator", "target")
REL = 1e-12  # DuckDB sums floats in parallel, in no fixed order: the last digit or two may move between runs


def kpi_lines(path: Path) -> tuple[str, list[str]]:
    """(header, data rows sorted) of a kpis.csv, exact text."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return lines[0], sorted(lines[1:])


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= REL * max(abs(x), abs(y))


def assert_same_figures(path: Path, golden: Path):
    """Same header, same keys; every cell the same text, numbers within REL (float summation order)."""
    header, rows = kpi_lines(path)
    golden_header, golden_rows = kpi_lines(golden)
    assert header == golden_header
    columns = next(csv.reader([header]))
    now = {tuple(next(csv.reader([r]))[:KEY]): next(csv.reader([r])) for r in rows}
    before = {tuple(next(csv.reader([r]))[:KEY]): next(csv.reader([r])) for r in golden_rows}
    assert len(now) == len(rows) and len(before) == len(golden_rows)  # keys are unique
    assert sorted(now) == sorted(before), (sorted(set(before) - set(now))[:3], sorted(set(now) - set(before))[:3])
    differ = [(key, col, before[key][i], now[key][i]) for key in before for i, col in enumerate(columns)
              if not (_same(before[key][i], now[key][i]) if col in NUMBERS else before[key][i] == now[key][i])]
    assert not differ, f"{len(differ)} cells differ, e.g. {differ[:3]}"


def test_tiny_sample_pack_figures_unchanged(tiny_pack):
    done, folder = tiny_pack
    assert done.returncode == 0, done.stderr
    assert_same_figures(folder / "kpis.csv", GOLDEN / f"tiny_{MONTH}_kpis.csv")


@pytest.mark.skipif(not os.environ.get("SVC_GOLDEN_SMALL"), reason="opt-in (minutes): SVC_GOLDEN_SMALL=1")
def test_small_sample_pack_figures_unchanged(tmp_path):
    warehouse = tmp_path / "small" / "warehouse.duckdb"
    for args in (["sample-data", "--scale", "small", "--end-month", MONTH, "--warehouse", str(warehouse)],
                 ["report", "--month", MONTH, "--warehouse", str(warehouse), "--out", str(tmp_path / "out")]):
        done = subprocess.run([SVC, *args, "--quiet"], capture_output=True, text=True, timeout=3600)
        assert done.returncode == 0, done.stdout + done.stderr
    assert_same_figures(tmp_path / "out" / MONTH / "kpis.csv", GOLDEN / f"small_{MONTH}_kpis.csv")
