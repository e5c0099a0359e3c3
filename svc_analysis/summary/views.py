"""What notebook 90 shows beyond the tables of scorecard.py: sentences and display frames.

Presentation only: every figure comes from scorecard, early_warning, summary_backtest or highlights.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.summary import early_warning
from svc_analysis.summary import scorecard
from svc_analysis.summary import backtest as summary_backtest
from svc_analysis.views.plotting import NO_DATA
from svc_analysis.core.safety import md
from svc_analysis.engine.scope import LEVEL_LABELS

BELOW = {"province": "branch", "branch": "subbranch", "subbranch": "outlet"}
LEVEL_NAMES = LEVEL_LABELS  # the levels' Chinese names, one spelling (core.vocabularies)
COMPONENT_LABELS = {
    "complaint_rate": "投诉率偏高", "responsible": "责任性投诉", "satisfaction_funnel": "满意率偏低",
    "participation_drop": "评价器异常", "star_shortfall": "星级柜员不足", "overtime": "超时网点",
    "mystery_low": "神秘人检查低分", "recheck_open": "待复查或复查未达标",
}
OUTCOME_LABELS = {"complaint_rate_per_10k": "次月万人投诉率", "satisfaction_rate": "次月满意率",
                  "overtime_wait_share": "次月超时等候占比"}


def card_sentence(card: pd.DataFrame, level: str, unit_id: str, scope_label: str,
                  names: dict[str, str] | None = None) -> str:
    """'全省本月有固定目标且有数据的 16 项指标中 5 项达标，服务活动 11 项指标中进度正常 5 项；与上月相比
    向好 8 项、变差 9 项。' The fixed targets and the campaign's progress are counted apart, as the
    index counts them (summary.figures); ``names``: scorecard.metric_names(params)."""
    rows = card[(card["level"] == level) & (card["unit_id"] == unit_id)]
    judged = rows["meets_target"].notna()
    if not judged.any():
        return f"{md(scope_label)}本月没有可与目标比较的指标（{NO_DATA}）。"
    campaign = rows["metric"].str.startswith(scorecard.CAMPAIGN_PREFIX)
    fixed, progress = judged & ~campaign, judged & campaign
    met = int(rows.loc[fixed, "meets_target"].eq(True).sum())
    on_track = int(rows.loc[progress, "meets_target"].eq(True).sum())
    better = int(rows["better_previous"].eq(True).sum())
    worse = int(rows["better_previous"].eq(False).sum())
    missed = [scorecard.label(m, names) for m in rows.loc[rows["meets_target"].eq(False) & ~campaign, "metric"]]
    text = f"{md(scope_label)}本月有固定目标且有数据的 {int(fixed.sum())} 项指标中 **{met} 项达标**"
    if progress.any():
        text += f"，服务活动 {int(progress.sum())} 项指标中进度正常 {on_track} 项"
    text += f"；与上月相比向好 {better} 项、变差 {worse} 项。"
    return text + (f"未达标的非活动指标：{'、'.join(missed)}。" if missed else "")


def weights_table(ew) -> pd.DataFrame:
    """The early-warning components with their weights (params), for the reader to check the score."""
    return pd.DataFrame({"预警项": [COMPONENT_LABELS[c] for c in early_warning.COMPONENTS],
                         "分值": [f"{ew.weights[c]:g}" for c in early_warning.COMPONENTS]},
                        index=pd.RangeIndex(1, len(early_warning.COMPONENTS) + 1))


def warning_sentence(scored: pd.DataFrame, ew, scope_label: str) -> str:
    n = int(scored["flagged"].sum())
    if n == 0:
        return f"{md(scope_label)}本月没有网点的预警分达到 {ew.flag_score:g} 分（共评估 {len(scored)} 个营业网点）。"
    shown = min(n, ew.top_n)
    return (f"{md(scope_label)}本月评估营业网点 {len(scored)} 个，预警分达到 {ew.flag_score:g} 分的网点 **{n} 个**；"
            f"下表列出分数最高的 {shown} 个，每一分都来自下列原因之一。")


def reasons_markdown(top: pd.DataFrame) -> str:
    """The reasons of the listed outlets as a numbered Markdown list (shown whole, never cut)."""
    if top.empty:
        return ""
    return "\n".join(f"{i}. **{md(r.outlet_name)}**（{md(r.outlet_id)}，{md(r.branch)}，{r.score:g} 分）：{md(r.reasons)}"
                     for i, r in enumerate(top.itertuples(index=False), start=1))


def warning_display(top: pd.DataFrame) -> pd.DataFrame:
    """early_warning.top_list for showing: points per component only where they count (blank = 0);
    the reasons go to reasons_markdown (a table cell would cut them)."""
    out = top.drop(columns="reasons")
    for c in early_warning.COMPONENTS:
        out[f"pts_{c}"] = out[f"pts_{c}"].map(lambda v: "" if v == 0 else f"{v:g}")
    out["score"] = out["score"].map(lambda v: f"{v:g}")
    labels = {"outlet_id": "网点编号", "outlet_name": LEVEL_LABELS["outlet"], "branch": LEVEL_LABELS["branch"],
              "score": "预警分",
              "reasons": "预警原因", **{f"pts_{c}": COMPONENT_LABELS[c] for c in early_warning.COMPONENTS}}
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out.rename(columns=labels)


def _fmt(outcome: str):
    return lambda v: scorecard.fmt_value(outcome, v) if not scorecard.is_share(outcome) else (
        NO_DATA if pd.isna(v) else f"{v * 100:.1f}%")


def backtest_sentences(result: pd.DataFrame, level: float, primary: str) -> str:
    """One sentence per outcome (the primary outcome first), as Markdown paragraphs."""
    rows = sorted(result.itertuples(index=False), key=lambda r: r.outcome != primary)
    higher = scorecard.higher_is_better()
    parts = []
    for r in rows:
        row = r._asdict()
        label = OUTCOME_LABELS.get(r.outcome, scorecard.label(r.outcome))
        parts.append(summary_backtest.sentence(row, label, _fmt(r.outcome), higher.get(r.outcome, True), level,
                                               lambda v, m=r.outcome: scorecard.fmt_change(m, v)))
    return "\n\n".join(parts)


def backtest_display(result: pd.DataFrame) -> pd.DataFrame:
    """The back-test table: one row per outcome, figures formatted (difference in the outcome's unit)."""
    rows = []
    for r in result.itertuples(index=False):
        f = _fmt(r.outcome)
        ratio = NO_DATA if pd.isna(r.ratio) else f"{r.ratio:.2f}"
        band = NO_DATA if pd.isna(r.ratio_low) else f"{r.ratio_low:.2f} – {r.ratio_high:.2f}"
        rows.append({"次月结果": OUTCOME_LABELS.get(r.outcome, r.outcome), "回测月份": f"{r.first} 至 {r.last}",
                     "预警网点月": r.outlet_months_flagged, "未预警网点月": r.outlet_months_other,
                     "预警组": f(r.rate_flagged), "未预警组": f(r.rate_other),
                     "差值": scorecard.fmt_change(r.outcome, r.difference),
                     "差值区间": NO_DATA if pd.isna(r.diff_low) else
                     f"{scorecard.fmt_change(r.outcome, r.diff_low)} 至 {scorecard.fmt_change(r.outcome, r.diff_high)}",
                     "倍数": ratio, "倍数区间": band})
    return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1))
