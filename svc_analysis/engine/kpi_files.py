"""A run's KPI files: each notebook's rows appended to <kpi_dir>/<notebook>.csv (publish), then
gathered into the pack's kpis.csv (UTF-8 with BOM, formula-like cells neutralised for Excel) in one
order (gather, ordered). The rows themselves, their judgment and their check: engine.kpis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from svc_analysis.core.safety import neutralise_frame
from svc_analysis.engine import kpis


def publish(frame: pd.DataFrame, kpi_dir: str | Path | None, notebook: str) -> Path | None:
    """Hand a notebook's KPI rows to the run: appended to <kpi_dir>/<notebook>.csv.

    Interactively (kpi_dir None) the rows are only validated, nothing is written.
    """
    frame = kpis.validate(frame, source=f"notebook {notebook}")
    if not kpi_dir:
        return None
    path = Path(kpi_dir) / f"{notebook}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, mode="a", header=not path.exists(), index=False, encoding="utf-8")
    return path


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"month": str, "period": str, "unit_id": str, "metric": str,
                                     "status": str}, encoding="utf-8")
    frame["meets_target"] = frame["meets_target"].map(
        {True: True, False: False, "True": True, "False": False, "true": True, "false": False}
    ).astype("boolean")
    return frame


def ordered(table: pd.DataFrame) -> pd.DataFrame:
    """kpis.csv's row order: area (AREAS), metric, level (LEVELS: province first), unit_id."""
    order = {level: i for i, level in enumerate(kpis.LEVELS)}
    return (table.assign(_area=table["area"].map(kpis.AREAS.index), _level=table["level"].map(order))
            .sort_values(["_area", "metric", "_level", "unit_id"], kind="stable")
            .drop(columns=["_area", "_level"]).reset_index(drop=True))


def gather(kpi_dir: str | Path, out_csv: str | Path) -> pd.DataFrame:
    """Collect every notebook's KPI rows into the run's kpis.csv (UTF-8 with BOM for Excel)."""
    files = sorted(Path(kpi_dir).glob("*.csv")) if Path(kpi_dir).is_dir() else []
    frames = [kpis.validate(_read(f), source=f.name) for f in files]
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame({c: pd.Series(dtype="object") for c in kpis.KPI_COLUMNS}))
    table = ordered(kpis.validate(table, source="kpis.csv"))
    out = table.copy()
    out["meets_target"] = out["meets_target"].map({True: "true", False: "false"}).astype("object")
    # Opened in Excel: a unit name such as '=HYPERLINK(...)' is written as text (safety.neutralise_frame);
    # readers of the file take the quote off with safety.restore_cell (summary_figures.read_kpis).
    neutralise_frame(out).to_csv(out_csv, index=False, encoding="utf-8-sig", na_rep="")
    return table
