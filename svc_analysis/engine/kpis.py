"""The KPI output table (DATA_CONTRACT.md "Output"): row shape, roll-up, publication, gathering.

Every outlet-level figure rolls up through sub-branch and branch to the province by adding
numerators and denominators, never by averaging rates (DATA_CONTRACT.md). A ratio with a zero
denominator has no value (empty, shown as 无数据), never 0 or 100%.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from svc_analysis.core import status as st
from svc_analysis.core.period import Period
from svc_analysis.core.periods import parse_month
from svc_analysis.core.safety import neutralise_frame

# DATA_CONTRACT.md's columns, then the project's extensions: ``period`` (the run's period: YYYY-MM,
# YYYY-Www or YYYY-MM-DD; ``month`` is the month holding its last day) and ``status`` (core.status).
CONTRACT_COLUMNS = ["month", "area", "metric", "level", "unit_id", "value",
                    "numerator", "denominator", "target", "meets_target"]
KPI_COLUMNS = ["month", "period", "area", "metric", "level", "unit_id", "value",
               "numerator", "denominator", "target", "meets_target", "status"]
AREAS = ("quality", "complaints", "satisfaction", "staff", "inspections", "queue", "campaign")
LEVELS = ("province", "branch", "subbranch", "outlet")
PROVINCE = "province"
# The tree column that names a unit at each level below the province.
LEVEL_COLUMNS = {"branch": "branch", "subbranch": "subbranch", "outlet": "outlet_id"}


class KpiError(ValueError):
    """KPI rows that break the output contract."""


def meets(value, target, higher_is_better: bool = True):
    """True/False against the target; pd.NA when there is no value or no target."""
    if target is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return pd.NA
    return bool(value >= target) if higher_is_better else bool(value <= target)


def status_of(value, meets_target) -> str:
    """The status a row's own value and meets_target imply: met / missed, no_target, no_data."""
    if value is None or pd.isna(value):
        return st.NO_DATA
    if meets_target is None or pd.isna(meets_target):
        return st.NO_TARGET
    return st.MET if bool(meets_target) else st.MISSED


def _period_keys(period) -> tuple[str, str]:
    """(month, period) of a Period or a month string: a week or a day publishes under its last day's month."""
    if isinstance(period, Period):
        return period.month_key, period.key
    month = parse_month(period)
    return month, month


def small_sample(frame: pd.DataFrame, min_volume: float | None, volume: pd.Series | None = None) -> pd.DataFrame:
    """Rows whose volume (default: the denominator) is below ``min_volume`` keep their value but are not
    judged: meets_target empty, status small_sample (params/volumes.yaml; pages show 样本不足 and never
    rank them). The province row is judged like any unit: the rule is about evidence, not level."""
    if min_volume is None or frame.empty:
        return frame
    volume = frame["denominator"] if volume is None else volume
    small = pd.to_numeric(volume, errors="coerce").fillna(0.0) < float(min_volume)
    small &= frame["value"].notna()
    out = frame.copy()
    out["meets_target"] = out["meets_target"].astype("boolean").mask(small, pd.NA)
    out.loc[small, "status"] = st.SMALL_SAMPLE
    return out


def apply_volumes(frame: pd.DataFrame, minimums: dict[str, float],
                  volumes: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """small_sample for every metric of ``frame`` with a minimum (params volumes.min_denominator).

    The volume is the row's denominator, unless ``volumes`` gives the metric's own (a Series aligned
    with ``frame``: e.g. customers served behind a rate whose denominator is itself a rate)."""
    volumes = volumes or {}
    out = frame.copy()
    out["meets_target"] = out["meets_target"].astype("boolean")
    for metric, minimum in minimums.items():
        rows = out["metric"] == metric
        if rows.any():
            part = small_sample(out[rows], minimum, volumes[metric][rows] if metric in volumes else None)
            out.loc[rows, "meets_target"] = part["meets_target"]
            out.loc[rows, "status"] = part["status"]
    return out


def levels_for_scope(scope_level: str | None) -> list[str]:
    """Levels published for a run: the scope's own level and those below it."""
    start = LEVELS.index(scope_level) if scope_level else 0
    return list(LEVELS[start:])


def rollup(
    per_outlet: pd.DataFrame,
    tree: pd.DataFrame,
    *,
    month: str,
    area: str,
    metric: str,
    kind: str = "ratio",
    scale: float = 1.0,
    target: float | None = None,
    higher_is_better: bool = True,
    scope_level: str | None = None,
    min_volume: float | None = None,
) -> pd.DataFrame:
    """KPI rows for every level from outlet figures.

    per_outlet: one row per outlet_id with ``numerator`` and ``denominator`` (kind "ratio": value =
    numerator / denominator x scale) or ``value`` (kind "count": value = the sum). Outlets in ``tree``
    (outlet_id, subbranch, branch: already limited to the scope and to the outlets that count) with no
    row count as 0 / 0 (no value) or as a count of 0. scope_level: "branch" or "subbranch" for a scoped
    run, so no row is published above the scope. ``month`` may be a Period (a week or a day publishes
    its key in ``period`` and the month of its last day in ``month``). min_volume: below this
    denominator a unit's rate is not judged (small_sample).
    """
    if kind not in ("ratio", "count"):
        raise KpiError(f"kind must be 'ratio' or 'count', not {kind!r}")
    parts = ["numerator", "denominator"] if kind == "ratio" else ["value"]
    missing = [c for c in ["outlet_id", *parts] if c not in per_outlet.columns]
    if missing:
        raise KpiError(f"{metric}: per-outlet frame lacks {', '.join(missing)}")
    unknown = set(per_outlet["outlet_id"]) - set(tree["outlet_id"])
    frame = tree[["outlet_id", "subbranch", "branch"]].merge(
        per_outlet[["outlet_id", *parts]], on="outlet_id", how="left")
    frame[parts] = frame[parts].astype("float64").fillna(0.0)
    if unknown:
        # outside the scope or not an outlet that counts: dropped on purpose, never silently by a typo
        frame = frame[~frame["outlet_id"].isin(unknown)]

    rows = []
    for level in levels_for_scope(scope_level):
        if level == PROVINCE:
            sums = frame[parts].sum().to_frame().T
            sums.insert(0, "unit_id", PROVINCE)
        else:
            sums = frame.groupby(LEVEL_COLUMNS[level], sort=True)[parts].sum().reset_index()
            sums = sums.rename(columns={LEVEL_COLUMNS[level]: "unit_id"})
        sums.insert(0, "level", level)
        rows.append(sums)
    out = pd.concat(rows, ignore_index=True)

    if kind == "ratio":
        den = out["denominator"]
        out["value"] = (out["numerator"] / den.where(den > 0)) * scale
    else:
        out["numerator"] = float("nan")
        out["denominator"] = float("nan")
    out["month"], out["period"] = _period_keys(month)
    out["area"] = area
    out["metric"] = metric
    out["target"] = float("nan") if target is None else float(target)
    out["meets_target"] = pd.array(
        [meets(v, target, higher_is_better) for v in out["value"]], dtype="boolean")
    out["status"] = [status_of(v, m) for v, m in zip(out["value"], out["meets_target"])]
    if kind == "ratio":
        out = small_sample(out, min_volume)
    return out[KPI_COLUMNS]


def kpi_row(month, area: str, metric: str, level: str, unit_id: str, value,
            numerator=None, denominator=None, target=None, higher_is_better: bool = True,
            status: str | None = None) -> dict:
    """One KPI row for a figure that does not roll up (e.g. a campaign KPI of the province).

    ``month``: a month string or a Period. ``status``: a judgment word of core.status when the area
    judges more finely than met / missed (a campaign KPI's on_track / at_risk / behind); it must agree
    with meets_target (validate checks it)."""
    month_key, period_key = _period_keys(month)
    judged = meets(value, target, higher_is_better)
    return {"month": month_key, "period": period_key, "area": area, "metric": metric, "level": level,
            "unit_id": unit_id, "value": value, "numerator": numerator, "denominator": denominator,
            "target": target, "meets_target": judged, "status": status or status_of(value, judged)}


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """KPI_COLUMNS from rows that carry the contract's columns: a missing ``period`` is the month
    (a monthly row), a missing ``status`` the one value and meets_target imply (status_of)."""
    frame = frame.reset_index(drop=True).copy()
    if "period" not in frame.columns:
        frame["period"] = frame["month"]
    frame["meets_target"] = frame["meets_target"].astype("boolean")
    if "status" not in frame.columns:
        frame["status"] = [status_of(v, m) for v, m in zip(frame["value"], frame["meets_target"])]
    else:
        missing = frame["status"].isna()
        frame.loc[missing, "status"] = [status_of(v, m) for v, m in
                                        zip(frame.loc[missing, "value"], frame.loc[missing, "meets_target"])]
    return frame.reindex(columns=KPI_COLUMNS)


def frame_of(rows: list[dict]) -> pd.DataFrame:
    """A KPI frame (KPI_COLUMNS, meets_target boolean) from kpi_row dicts; empty rows give the columns."""
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="boolean" if c == "meets_target" else "object")
                             for c in KPI_COLUMNS})
    return complete(pd.DataFrame(rows))


def validate(frame: pd.DataFrame, source: str = "KPI rows") -> pd.DataFrame:
    """Check rows against the output contract; the error names the source, row and column."""
    missing = [c for c in CONTRACT_COLUMNS if c not in frame.columns]
    if missing:
        raise KpiError(f"{source}: missing columns {', '.join(missing)}")
    frame = complete(frame)
    checks = [
        ("area", ~frame["area"].isin(AREAS), f"area must be one of {', '.join(AREAS)}"),
        ("level", ~frame["level"].isin(LEVELS), f"level must be one of {', '.join(LEVELS)}"),
        ("month", ~frame["month"].astype(str).str.fullmatch(r"\d{4}-\d{2}"), "month must be YYYY-MM"),
        ("metric", frame["metric"].isna() | (frame["metric"].astype(str) == ""), "metric is empty"),
        ("unit_id", frame["unit_id"].isna() | (frame["unit_id"].astype(str) == ""), "unit_id is empty"),
        ("period", ~frame["period"].astype(str).str.fullmatch(r"\d{4}-(\d{2}|W\d{2}|\d{2}-\d{2})"),
         "period must be YYYY-MM, YYYY-Www or YYYY-MM-DD"),
        ("status", ~frame["status"].isin(st.STATUSES), f"status must be one of {', '.join(st.STATUSES)}"),
        ("status", pd.Series([_disagrees(s, m) for s, m in zip(frame["status"], frame["meets_target"])],
                             index=frame.index, dtype=bool),
         "status disagrees with meets_target"),
    ]
    for column, bad, message in checks:
        if bad.any():
            row = int(bad.idxmax())
            raise KpiError(f"{source}: row {row + 1}, column {column}: {message} "
                           f"(got {frame.at[row, column]!r})")
    for column in ("value", "numerator", "denominator", "target"):
        frame[column] = pd.to_numeric(frame[column], errors="raise")
    keys = ["month", "period", "metric", "level", "unit_id"]
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        row = int(dup.idxmax())
        raise KpiError(f"{source}: row {row + 1}: {frame.at[row, 'metric']} for "
                       f"{frame.at[row, 'level']} {frame.at[row, 'unit_id']} is published twice")
    return frame


def _disagrees(status: str, meets_target) -> bool:
    if status not in st.MEETS:
        return False  # reported by the vocabulary check
    expected = st.MEETS[status]
    actual = None if meets_target is None or pd.isna(meets_target) else bool(meets_target)
    return expected != actual


def publish(frame: pd.DataFrame, kpi_dir: str | Path | None, notebook: str) -> Path | None:
    """Hand a notebook's KPI rows to the run: appended to <kpi_dir>/<notebook>.csv.

    Interactively (kpi_dir None) the rows are only validated, nothing is written.
    """
    frame = validate(frame, source=f"notebook {notebook}")
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
    order = {level: i for i, level in enumerate(LEVELS)}
    return (table.assign(_area=table["area"].map(AREAS.index), _level=table["level"].map(order))
            .sort_values(["_area", "metric", "_level", "unit_id"], kind="stable")
            .drop(columns=["_area", "_level"]).reset_index(drop=True))


def gather(kpi_dir: str | Path, out_csv: str | Path) -> pd.DataFrame:
    """Collect every notebook's KPI rows into the run's kpis.csv (UTF-8 with BOM for Excel)."""
    files = sorted(Path(kpi_dir).glob("*.csv")) if Path(kpi_dir).is_dir() else []
    frames = [validate(_read(f), source=f.name) for f in files]
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame({c: pd.Series(dtype="object") for c in KPI_COLUMNS}))
    table = ordered(validate(table, source="kpis.csv"))
    out = table.copy()
    out["meets_target"] = out["meets_target"].map({True: "true", False: "false"}).astype("object")
    # Opened in Excel: a unit name such as '=HYPERLINK(...)' is written as text (safety.neutralise_frame);
    # readers of the file take the quote off with safety.restore_cell (summary_figures.read_kpis).
    neutralise_frame(out).to_csv(out_csv, index=False, encoding="utf-8-sig", na_rep="")
    return table
