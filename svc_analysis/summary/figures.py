"""The key figures on the pack's front page (index.html): the headline KPI of each area, met or not.

Read from the run's own kpis.csv (what the area notebooks published), so the front page shows exactly
the published figures. The runner calls ``key_figures(kpis_csv)`` after gathering the KPIs (cli.py
binds the params with functools.partial). Per area of [summary.headline], at the run's own unit (the
province, or the scope's branch / sub-branch): label, value and a note with the row's own status word
(core.status.label: ✓ 达标 / ✗ 未达标 / — 样本不足 ...) and the target in words (marks that also read in
black and white), and a link to the area's page (<NN>_<area>.html in the pack). Value and status word
come from views.kpi_display, the helper every page uses, marked with the row's key (data-kpi) so a test
can compare them with kpis.csv. A headline ending in ':' (campaign_progress:) counts how many of its
metrics meet their expected progress. Every ✓/✗ and count is the rows' own judgment (the area judged
once, issue 13): nothing here compares a value with a target. First comes the count of all targeted KPIs
met; last, a link to the management summary (notebook 90) when the pack has it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from svc_analysis.core import status
from svc_analysis.engine import kpis
from svc_analysis.summary import scorecard
from svc_analysis.views import kpi_display
from svc_analysis.views.plotting import NO_DATA
from svc_analysis.core.safety import restore_cell

SUMMARY_PAGE_GLOB = "*_summary.html"


def read_kpis(kpis_csv: str | Path) -> pd.DataFrame:
    """kpis.csv as written by kpis.gather (UTF-8 with BOM); meets_target as nullable booleans; unit_id
    as published (the quote that kpis.gather puts before a formula-like name for Excel taken off)."""
    frame = pd.read_csv(kpis_csv, dtype={"month": str, "unit_id": str, "metric": str, "meets_target": str,
                                         "status": str}, encoding="utf-8-sig")
    frame["unit_id"] = frame["unit_id"].map(restore_cell, na_action="ignore")
    frame["meets_target"] = frame["meets_target"].str.lower().map({"true": True, "false": False}).astype("boolean")
    if "status" not in frame.columns:  # a kpis.csv from before the status column: the status its row implies
        frame["status"] = [kpis.status_of(v, m) for v, m in zip(frame["value"], frame["meets_target"])]
    return frame


def own_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the run's own unit: the highest level present (province, or the scope)."""
    for level in kpis.LEVELS:
        part = frame[frame["level"] == level]
        if len(part):
            return part
    return frame.iloc[0:0]


def page_for(pack_dir: Path, area: str) -> str | None:
    """The area's page in the pack (e.g. 10_complaints.html), None when there is none."""
    found = sorted(pack_dir.glob(f"[0-9][0-9]_{area}.html"))
    return found[0].name if found else None


def _metric_figure(rows: pd.DataFrame, area: str, metric: str, higher: dict[str, bool]):
    hit = rows[rows["metric"] == metric]
    label = f"{scorecard.AREA_LABELS.get(area, area)}：{scorecard.label(metric)}"
    if hit.empty:
        return label, NO_DATA, "本月未发布"
    r = hit.iloc[0]
    # the row's own value and status (the area judged once), shown by the pages' one display helper
    code = r.get("status")
    sign = "✓" if code in (status.MET, status.ON_TRACK) else ("✗" if code in status.FAILING else "—")
    note = f"{sign} {kpi_display.status_html(r)}"
    if pd.notna(r["target"]):
        note += f"（目标 {escape(scorecard.target_text(metric, r['target'], higher.get(metric, True)))}）"
    return label, Markup(kpi_display.figure_html(r)), Markup(note)


def _prefix_figure(rows: pd.DataFrame, area: str, prefix: str, names: dict[str, str]):
    hit = rows[rows["metric"].str.startswith(prefix) & rows["meets_target"].notna()]  # judged by the area
    label = f"{scorecard.AREA_LABELS.get(area, area)}：达到应达进度的指标"
    if hit.empty:
        return label, NO_DATA, "本月没有进行中的活动指标"
    met = hit["meets_target"].eq(True)
    behind = [scorecard.label(m, names).split("：", 1)[-1] for m in hit.loc[hit["meets_target"].eq(False), "metric"]]
    note = "✓ 全部达到" if not behind else f"✗ 落后 {len(behind)} 项：{'、'.join(behind)}"
    return label, f"{int(met.sum())}/{len(hit)}", note


def key_figures(kpis_csv: str | Path, *, headline: dict[str, str], lower_is_better: list[str] = (),
                names: dict[str, str] | None = None) -> list[tuple]:
    """(label, value, note, link) rows for index.html (module docstring); link may be None.

    headline: area -> metric ([summary.headline]); names: campaign kpi_id -> name (params campaign).
    """
    path = Path(kpis_csv)
    if not path.is_file():
        return []
    rows = own_unit(read_kpis(path))
    if rows.empty:
        return []
    higher = {m: False for m in lower_is_better}
    targeted = rows[rows["meets_target"].notna()]  # the rows' own judgments, counted as published
    figures = [("达标指标（有目标且有数据）", f"{int(targeted['meets_target'].sum())}/{len(targeted)}",
                "本月达到目标的指标数 / 有目标且有数据的指标数", None)]
    for area, metric in headline.items():
        if metric.endswith(":"):
            figure = _prefix_figure(rows, area, metric, names or {})
        else:
            figure = _metric_figure(rows, area, metric, higher)
        figures.append((*figure, page_for(path.parent, area)))
    summary = sorted(path.parent.glob(SUMMARY_PAGE_GLOB))
    if summary:
        figures.append(("管理摘要与网点预警", "查看", "全部指标记分卡、本月要点、需要关注的网点", summary[0].name))
    return figures
