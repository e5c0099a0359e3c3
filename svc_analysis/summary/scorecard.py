"""The scorecard: every KPI with a target, met or not, and how it moved (notebook 90, issue 9).

For a month and scope the figures are the areas' own KPI rows (summary_registry.KpiSource: no KPI is
computed twice); last month's and the same month last year's come from the same functions for those
months. Definitions:
- change_previous = value − the earlier value its comparison basis names (core.catalogue Basis,
  issue 14): last month's (basis month); the same month of the previous quarter's (basis quarter: a
  quarter-to-date figure or one that follows the quarterly mystery round, so October's round meets
  July's, never September's empty month); none (basis year: a year-to-date figure is compared only
  with last year). change_last_year = value − the same month last year's value. Share points for
  shares, the metric's own unit otherwise; empty when either is empty.
- movement: 'up' / 'down' when the change is at least [summary.flat_share_points] (shares) or
  [summary.flat_relative] × |the earlier value| (other metrics), else 'flat'; None without data.
- better: whether the movement is an improvement: up is better unless the catalogue's direction is
  lower (campaign KPIs: their own direction in params campaign.kpis): metric_text.higher_is_better.
Marks read in black and white: ✓ 达标 / ✗ 未达标 / — 无目标或无数据, ▲ up / ▼ down / ＝ flat, with
向好 / 变差 in words; colour is never the only carrier.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue, contract, periods, status
from svc_analysis.engine import kpis
from svc_analysis.views.plotting import NO_DATA
# A metric's name and its value and change as text (summary.metric_text); also read as scorecard.<name>.
from svc_analysis.summary.metric_text import (CAMPAIGN_PREFIX, fmt_change, fmt_value,  # noqa: F401
                                             higher_is_better, is_share, label, metric_names)

KEYS = ["metric", "level", "unit_id"]
# how the 较上月 column names the earlier value of each comparison basis (compare below)
BASIS_WORDS = {"month": "上月", "quarter": "上季同月"}
MARKS = {True: "✓ 达标", False: "✗ 未达标"}
ARROWS = {"up": "▲", "down": "▼", "flat": "＝"}
AREA_LABELS = contract.KPI_AREA_NAMES  # the areas' Chinese names, one spelling (core.contract)


def movement(metric: str, change, before, flat_share_points: float, flat_relative: float) -> str | None:
    """'up', 'down' or 'flat' (module docstring); None when the change has no value."""
    if change is None or pd.isna(change):
        return None
    limit = flat_share_points if is_share(metric) else flat_relative * abs(float(before))
    if abs(float(change)) <= limit:
        return "flat"
    return "up" if change > 0 else "down"


def bases(metrics) -> dict[str, str]:
    """metric -> its comparison basis (core.catalogue; the areas' catalogue entries loaded first)."""
    area_registry.area_modules()
    return {m: catalogue.basis(m) for m in metrics}


def compare(now: pd.DataFrame, previous: pd.DataFrame, last_year: pd.DataFrame, higher: dict[str, bool],
            flat_share_points: float, flat_relative: float, quarter_before: pd.DataFrame | None = None,
            basis: dict[str, str] | None = None) -> pd.DataFrame:
    """The scorecard rows: KPI rows of ``now`` with a target, joined to the earlier months' rows.

    ``previous``: last month's rows; ``quarter_before``: the same month of the previous quarter's rows
    (for basis-quarter metrics); ``basis``: metric -> month / quarter / year (default: the catalogue's).
    Columns: area, metric, level, unit_id, value, target, meets_target, basis, previous, previous_meets
    (the earlier value the basis names: module docstring), last_year, change_previous, change_last_year,
    higher_is_better, move_previous, move_last_year, better_previous, better_last_year (True / False /
    None when flat or without data).
    """
    columns = ["area", *KEYS, "value", "target", "meets_target"] + (["status"] if "status" in now.columns else [])
    card = now[now["target"].notna()][columns].copy()
    empty = previous.iloc[0:0]
    for name, frame in (("previous", previous), ("quarter", empty if quarter_before is None else quarter_before),
                        ("last_year", last_year)):
        earlier = frame[KEYS + ["value", "meets_target"]].rename(
            columns={"value": name, "meets_target": f"{name}_meets"})
        card = card.merge(earlier, on=KEYS, how="left")
    basis = basis if basis is not None else bases(card["metric"].unique())
    card.insert(card.columns.get_loc("meets_target") + 1, "basis", [basis.get(m, "month") for m in card["metric"]])
    by_quarter, by_year = card["basis"] == "quarter", card["basis"] == "year"
    card["previous"] = card["previous"].where(~by_quarter, card["quarter"]).where(~by_year)
    card["previous_meets"] = (card["previous_meets"].astype("boolean").where(~by_quarter, card["quarter_meets"].astype("boolean"))
                              .where(~by_year))
    card = card.drop(columns=["last_year_meets", "quarter", "quarter_meets"])
    card["higher_is_better"] = [higher.get(m, True) for m in card["metric"]]
    for name in ("previous", "last_year"):
        card[f"change_{name}"] = pd.to_numeric(card["value"], errors="coerce") - pd.to_numeric(card[name], errors="coerce")
        card[f"move_{name}"] = [movement(m, c, b, flat_share_points, flat_relative)
                                for m, c, b in zip(card["metric"], card[f"change_{name}"], card[name])]
        card[f"better_{name}"] = [None if mv in (None, "flat") else bool((mv == "up") == hib)
                                  for mv, hib in zip(card[f"move_{name}"], card["higher_is_better"])]
    order = {lv: i for i, lv in enumerate(kpis.LEVELS)}
    card["_a"] = card["area"].map(lambda a: kpis.AREAS.index(a) if a in kpis.AREAS else len(kpis.AREAS))
    card["_l"] = card["level"].map(order)
    # stable: within a unit the metrics keep the order their area function gives them
    return (card.sort_values(["_a", "_l", "unit_id"], kind="stable")
            .drop(columns=["_a", "_l"]).reset_index(drop=True))


def scorecard(source, month: str, summary, campaign=None, levels: list[str] | None = None) -> pd.DataFrame:
    """compare() for ``month`` from a summary_registry.KpiSource: this month, last month, the same month
    of the previous quarter (only the areas with basis-quarter metrics), last year.

    levels: the levels kept (None: all the scope publishes). Each area function called once per month, cached.
    """
    months = (month, periods.previous_month(month), periods.same_month_last_year(month))
    frames = [source.rows(m) for m in months]
    area_registry.area_modules()  # the catalogue holds every area's entries
    by_quarter = [m.id for m in catalogue.metrics() if m.basis == "quarter" and not m.family]
    quarter = source.rows(periods.add_months(month, -3), metrics=by_quarter) if by_quarter else frames[1].iloc[0:0]
    if levels is not None:
        frames = [f[f["level"].isin(levels)] for f in frames]
        quarter = quarter[quarter["level"].isin(levels)]
    return compare(*frames, higher_is_better(campaign), summary.flat_share_points, summary.flat_relative,
                   quarter_before=quarter)


def mark(meets, code=None) -> str:
    """✓ 达标 / ✗ 未达标 / — (no target or no value); '— 样本不足' for a row whose status is small_sample
    (below the minimum volume: shown, not judged), '— 待核实' for an unverified campaign row; a campaign row in its own words, as the campaign page
    reads it: ✓ 进度正常 / ✗ 进度预警 / ✗ 进度滞后 (never 未达标 beside the page's 进度预警)."""
    if code in (status.SMALL_SAMPLE, status.UNVERIFIED):
        return f"— {status.label(code)}"
    if code in status.CAMPAIGN:
        return f"{'✓' if code == status.ON_TRACK else '✗'} {status.label(code)}"
    return "—" if meets is None or pd.isna(meets) else MARKS[bool(meets)]


def _codes(rows: pd.DataFrame) -> list:
    return list(rows["status"]) if "status" in rows.columns else [None] * len(rows)


def trend_text(metric: str, change, move, better, basis: str = "month") -> str:
    """'▲ +1.2个百分点 向好' / '▼ −3 变差' / '＝ +0.1个百分点 持平' / '无数据'; basis quarter adds
    '（较上季同月）', basis year says the figure is compared with last year only."""
    if basis == "year":
        return "年初至今累计，只与上年同月比"
    if move is None or (isinstance(move, float) and pd.isna(move)):
        return NO_DATA
    word = "持平" if move == "flat" else ("向好" if better else "变差")
    return f"{ARROWS[move]} {fmt_change(metric, change)} {word}" + ("（较上季同月）" if basis == "quarter" else "")


def target_text(metric: str, target, higher_is_better: bool) -> str:
    return f"{'≥' if higher_is_better else '≤'} {fmt_value(metric, target)}"


def unit_card(card: pd.DataFrame, level: str, unit_id: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One unit's scorecard for showing: 领域, 指标, 本月, 目标, 达标, 较上月, 较上年同月 (all text)."""
    rows = card[(card["level"] == level) & (card["unit_id"] == unit_id)]
    return pd.DataFrame({
        "领域": [AREA_LABELS.get(a, a) for a in rows["area"]],
        "指标": [label(m, names) for m in rows["metric"]],
        "本月": [fmt_value(m, v, t, h) for m, v, t, h in zip(rows["metric"], rows["value"], rows["target"],
                                                           rows["higher_is_better"])],
        "目标": [target_text(m, t, h) for m, t, h in zip(rows["metric"], rows["target"], rows["higher_is_better"])],
        "达标": [mark(x, c) for x, c in zip(rows["meets_target"], _codes(rows))],
        "较上月": [trend_text(m, c, mv, b, basis) for m, c, mv, b, basis in zip(
            rows["metric"], rows["change_previous"], rows["move_previous"], rows["better_previous"],
            rows["basis"] if "basis" in rows else ["month"] * len(rows))],
        "较上年同月": [trend_text(m, c, mv, b) for m, c, mv, b in zip(
            rows["metric"], rows["change_last_year"], rows["move_last_year"], rows["better_last_year"])],
    }, index=pd.RangeIndex(1, len(rows) + 1))


def unit_table(card: pd.DataFrame, level: str, metrics: list[str] | None = None,
               names: dict[str, str] | None = None) -> pd.DataFrame:
    """Metrics as rows, the units of ``level`` as columns, each cell 'value ✓' / 'value ✗' (text);
    the first row 达标项 = met / judged per unit."""
    rows = card[card["level"] == level]
    if metrics is not None:
        rows = rows[rows["metric"].isin(metrics)]
    cells = rows.assign(cell=[f"{fmt_value(m, v, t, h)} {mark(x, c)[0] if c != status.SMALL_SAMPLE else mark(x, c)[2:]}"
                              for m, v, t, h, x, c in zip(rows["metric"], rows["value"], rows["target"],
                                                          rows["higher_is_better"], rows["meets_target"], _codes(rows))])
    order = list(dict.fromkeys(rows["metric"]))
    wide = cells.pivot(index="unit_id", columns="metric", values="cell").reindex(columns=order).fillna(NO_DATA)
    met = rows.groupby("unit_id")["meets_target"].apply(lambda s: f"{int(s.eq(True).sum())}/{int(s.notna().sum())}")
    wide.insert(0, "达标项", met.reindex(wide.index))
    wide = wide.rename(columns={m: label(m, names) for m in order}).T
    wide.columns.name = None
    wide.index.name = "指标"
    return wide


def top_level(card: pd.DataFrame) -> tuple[str, str] | None:
    """(level, unit_id) of the run's own scope: the highest level present (one unit there)."""
    for level in kpis.LEVELS:
        units = card.loc[card["level"] == level, "unit_id"]
        if len(units):
            return level, str(units.iloc[0])
    return None
