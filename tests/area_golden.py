"""One area's kpi_rows on the tiny sample warehouse against the area's rows of the golden tiny kpis.csv
(tests/fixtures/golden/tiny_2026-10_kpis.csv, month 2026-10, province scope), compared as
tests/pack/test_figures_unchanged.py compares whole packs: the rows go through engine.kpis.publish and
gather, exactly as a pack run writes them, then cell by cell (numbers within a relative 1e-12)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org, warehouse
from svc_analysis.engine.scope import Scope
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures
from tests.support import TINY_MONTH, tiny_warehouse


def golden_rows(area: str, out: Path) -> Path:
    """The golden tiny kpis.csv limited to ``area``'s rows (same header, same text)."""
    lines = (GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv").read_text(encoding="utf-8-sig").splitlines()
    area_col = next(csv.reader([lines[0]])).index("area")
    keep = [lines[0]] + [line for line in lines[1:] if next(csv.reader([line]))[area_col] == area]
    out.write_text("\n".join(keep) + "\n", encoding="utf-8-sig")
    return out


def assert_area_matches_golden(area_module, area: str, tmp_path: Path) -> None:
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    try:
        scope = Scope.of(org.outlet_tree(con), None)
        rows = area_module.kpi_rows(con, load_params(TINY_MONTH), scope, Period.month(TINY_MONTH))
    finally:
        con.close()
    kpi_dir = tmp_path / "kpis"
    kpis.publish(rows, kpi_dir, area)
    kpis.gather(kpi_dir, tmp_path / "kpis.csv")
    assert_same_figures(tmp_path / "kpis.csv", golden_rows(area, tmp_path / "golden.csv"))


def notebook_code_lines(path: Path) -> int:
    """Non-blank, non-comment lines of a notebook's code cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
               if line.strip() and not line.strip().startswith("#"))
