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
met. An area may list several metrics, each its own line (the mystery-shopper month, latest
round and quarter to date). A count with a denominator reads "25 / 48" with the catalogue's Chinese
definition in the note. Campaign rows are counted by their ``status`` (进度正常 x/y, 进度滞后 / 进度预警 by
name) apart from the fixed-target KPIs (服务指标达标 x/y); last, a link to the management summary (notebook 90) when the pack has it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue
from svc_analysis.core import status as st
from svc_analysis.core import status
from svc_analysis.engine import kpis
from svc_analysis.summary import scorecard
from svc_analysis.views import kpi_display
from svc_analysis.views.plotting import NO_DATA
from svc_analysis.core.safety import restore_cell

SUMMARY_PAGE_GLOB = "*_summary.html"


def read_kpis(kpis_csv: str | Path) -> pd.DataFrame:
    """kpis.csv as written by kpi_files.gather (UTF-8 with BOM); meets_target as nullable booleans; unit_id
    as published (the quote that kpi_files.gather puts before a formula-like name for Excel taken off)."""
    frame = pd.read_csv(kpis_csv, dtype={"month": str, "unit_id": str, "metric": str, "meets_target": str,
                                         "status": str}, encoding="utf-8-sig")
    frame["unit_id"] = frame["unit_id"].map(restore_cell, na_action="ignore")
    frame["meets_target"] = frame["meets_target"].str.lower().map({"true": True, "false": False}).astype("boolean")
    return kpis.complete(frame)  # a kpis.csv from before the status column: status from meets_target


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


def _metric_figure(rows: pd.DataFrame, area: str, metric: str, higher: dict[str, bool], period_word: str = "本月",
                   names: dict[str, str] | None = None):
    hit = rows[rows["metric"] == metric]
    label = f"{scorecard.AREA_LABELS.get(area, area)}：{scorecard.label(metric, names)}"
    if hit.empty:
        return label, NO_DATA, f"{period_word}未发布"
    r = hit.iloc[0]
    # the row's own value and status (the area judged once), shown by the pages' one display helper
    code = r.get("status")
    sign = "✓" if code in (status.MET, status.ON_TRACK) else ("✗" if code in status.FAILING else "—")
    note = f"{sign} {kpi_display.status_html(r)}"
    if pd.notna(r["target"]):
        note += f"（目标 {escape(scorecard.target_text(metric, r['target'], higher.get(metric, True)))}）"
    value = kpi_display.figure_html(r)
    counted = _count_of(metric, r)
    if counted:
        value, note = f"{value} / {escape(counted[0])}", f"{note}。{escape(counted[1])}"
    return label, Markup(value), Markup(note)


def _count_of(metric: str, r) -> tuple[str, str] | None:
    """A count with a denominator (overtime outlets of the outlets judged): (the denominator, its definition)."""
    area_registry.area_modules()  # the areas' catalogue entries
    try:
        entry = catalogue.metric(metric)
    except catalogue.CatalogueError:
        return None
    if entry.unit != "count" or pd.isna(r["value"]) or pd.isna(r.get("denominator")):
        return None
    return scorecard.fmt_value(metric, r["denominator"]), entry.definition


def _prefix_figure(rows: pd.DataFrame, area: str, prefix: str, names: dict[str, str]):
    """(label, 'on track/judged', note) of the metrics with ``prefix``, by the rows' own status."""
    hit = rows[rows["metric"].str.startswith(prefix) & rows["status"].isin(st.CAMPAIGN)]
    label = f"{scorecard.AREA_LABELS.get(area, area)}：进度正常的活动指标"
    if hit.empty:
        return label, NO_DATA, "本月没有进行中的活动指标"
    on_track = int(hit["status"].eq(st.ON_TRACK).sum())
    parts = []
    for code in (st.BEHIND, st.AT_RISK):
        named = [scorecard.label(m, names).split("：", 1)[-1] for m in hit.loc[hit["status"] == code, "metric"]]
        if named:
            parts.append(f"{st.count_text([code] * len(named), (code,))}：{'、'.join(named)}")
    note = "✓ 全部进度正常" if not parts else "✗ " + "；".join(parts)
    # a campaign row without a judgment (no_target: a growth share whose baseline is not reported) is
    # not counted above but named, so the index does not hide it (campaign: 基数未填报)
    unjudged = [scorecard.label(m, names).split("：", 1)[-1] for m in
                rows.loc[rows["metric"].str.startswith(prefix) & rows["status"].eq(st.NO_TARGET), "metric"]]
    if unjudged:
        note += f"；基数未填报、未判断 {len(unjudged)} 项：{'、'.join(unjudged)}"
    # nor one whose reported actual the outlets table does not back (campaign.master_data: 待核实)
    unverified = [scorecard.label(m, names).split("：", 1)[-1] for m in
                  rows.loc[rows["metric"].str.startswith(prefix) & rows["status"].eq(st.UNVERIFIED), "metric"]]
    if unverified:
        note += f"；与网点表不符、{st.label(st.UNVERIFIED)} {len(unverified)} 项：{'、'.join(unverified)}"
    return label, f"{on_track}/{len(hit)}", note


def _fixed_target_figure(rows: pd.DataFrame, period_word: str = "本月") -> tuple:
    """The KPIs judged against a fixed target (status met / missed), campaign progress not among them."""
    judged = rows[rows["status"].isin(st.FIXED_TARGET)]
    met = int(judged["status"].eq(st.MET).sum())
    return ("服务指标达标", f"{met}/{len(judged)}",
            f"{period_word}达到目标的指标数 / 有固定目标且有数据的指标数（服务活动进度另计）", None)


def _headline_metrics(headline: dict[str, str | list[str]]) -> list[str]:
    """Every metric id the headline names (an area may name one or several)."""
    return [m for v in headline.values() for m in ([v] if isinstance(v, str) else v)]


def key_figures(kpis_csv: str | Path, *, headline: dict[str, str | list[str]],
                names: dict[str, str] | None = None, period_word: str = "本月") -> list[tuple]:
    """(label, value, note, link) rows for index.html (module docstring); link may be None.

    headline: area -> metric or list of metrics ([summary.headline]); names: scorecard.metric_names(params);
    period_word: the run's "this period" in the notes (本月, 本周 for a weekly pack).
    """
    path = Path(kpis_csv)
    if not path.is_file():
        return []
    rows = own_unit(read_kpis(path))
    if rows.empty:
        return []
    higher = scorecard.higher_is_better()
    figures = [_fixed_target_figure(rows, period_word)]
    if scorecard.CAMPAIGN_PREFIX not in _headline_metrics(headline) and rows["status"].isin(st.CAMPAIGN).any():
        figures.append((*_prefix_figure(rows, "campaign", scorecard.CAMPAIGN_PREFIX, names or {}),
                        page_for(path.parent, "campaign")))
    for area, metrics in headline.items():
        for metric in [metrics] if isinstance(metrics, str) else metrics:
            if metric.endswith(":"):
                figure = _prefix_figure(rows, area, metric, names or {})
            else:
                figure = _metric_figure(rows, area, metric, higher, period_word, names)
            figures.append((*figure, page_for(path.parent, area)))
    summary = sorted(path.parent.glob(SUMMARY_PAGE_GLOB))
    if summary:
        figures.append(("管理摘要与网点预警", "查看", "全部指标记分卡、本月要点、需要关注的网点", summary[0].name))
    return figures
