"""What notebook 40 shows: headline figures, sentences generated from the data, report tables.

The figures come from svc_analysis.inspections.inspections, rules, ranking and inspection_checks; this module
only assembles them for reading (Chinese labels, 无数据 for missing) so the notebook stays thin; the
reward and penalty ledger's tables and sentences are inspections.ledger_views.
Branch rankings compare every branch of the province (a ranking needs its peers); outlet lists are
limited to the run's scope.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.inspections import area
from svc_analysis.inspections import checks as inspection_checks
from svc_analysis.inspections import inspections
from svc_analysis.stats import ranking
from svc_analysis.inspections import rules
from svc_analysis.core.periods import month_end, month_start, months_back, quarter_start, year_start
from svc_analysis.views.plotting import NO_DATA, display_frame, fmt_pct
from svc_analysis.core.safety import md, md_list
from svc_analysis.engine.scope import LEVEL_LABELS


def _score(x) -> str:
    return NO_DATA if pd.isna(x) else f"{x:.1f}"


def headline(con, scope: Scope, period: Period, params) -> dict:
    """The month's and quarter-to-date mean round scores, the target and the coverage figures."""
    scope_tree, month = scope.tree_in_scope, period.month_key
    outlets = scope_tree["outlet_id"].tolist()
    out = {"target": params.stage_target(month)}
    for key, start in (("month", month_start(month)), ("quarter", quarter_start(month))):
        s = inspections.round_scores(con, start, month_end(month), outlets)
        n = int(s["inspections"].sum())
        out[f"{key}_n"], out[f"{key}_mean"] = n, (s["score_sum"].sum() / n if n else float("nan"))
    for key, since in (("cover_quarter", quarter_start(month)), ("cover_year", year_start(month))):
        cover = inspections.coverage(con, scope_tree, month, since)
        den = cover["denominator"].sum()
        out[key] = cover["numerator"].sum() / den if den else float("nan")
        out[f"{key}_n"], out[f"{key}_den"] = int(cover["numerator"].sum()), int(den)
        if key == "cover_quarter":
            out["uncovered_branches"] = inspections.uncovered_branches(cover)
    return out


def headline_sentence(h: dict, params) -> str:
    """Two or three Chinese sentences on the headline figures."""
    target = h["target"]
    month = (f"本月神秘人检查 {h['month_n']} 次，平均 {_score(h['month_mean'])} 分" if h["month_n"]
             else "本月没有神秘人检查（本季度的检查轮次不在本月）")
    verdict = "" if not h["quarter_n"] else ("，达到" if h["quarter_mean"] >= target else "，未达到")
    quarter = (f"本季度至今 {h['quarter_n']} 次，平均 {_score(h['quarter_mean'])} 分{verdict}阶段目标 {target:g} 分"
               if h["quarter_n"] else f"本季度至今尚无检查，阶段目标 {target:g} 分")
    cover = (f"本季度覆盖 {h['cover_quarter_n']}/{h['cover_quarter_den']} 家有人值守网点（{fmt_pct(h['cover_quarter'])}，"
             f"目标 {fmt_pct(params.quarter_coverage_target, 0)}），本年覆盖 {fmt_pct(h['cover_year'])}"
             f"（目标 {fmt_pct(params.year_coverage_target, 0)}）")
    missing = h["uncovered_branches"]
    branches = (f"；本季度尚未检查的二级分行：{md_list(missing)}" if missing
                else "；本季度每家二级分行都已检查" if h["cover_quarter_den"] else "")
    return f"{month}；{quarter}。{cover}{branches}。"


def quarter_title(month: str) -> str:
    """'2026年第4季度神秘人检查得分（至2026-10）'."""
    return f"{month[:4]}年第{(int(month[5:]) - 1) // 3 + 1}季度神秘人检查得分（至{month}）"


def round_rows(con, scope: Scope, period: Period) -> pd.DataFrame:
    """The quarter's round inspections (re-checks excluded) with outlet name, sub-branch and branch,
    for the whole province (a ranking needs its peers; in_scope keeps the scope's own)."""
    month = period.month_key
    rows = inspections.mystery_rows(con, quarter_start(month), month_end(month))
    return inspections.with_tree(rows, scope.tree)


def branch_ranking(rows: pd.DataFrame, params, scope: Scope | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(branch means with interval and rank, pairwise comparisons, sentence naming the bottom branches).

    Ranked over the whole province (``rows``: round_rows). A scoped run (a branch's own pack, `svc report
    --scope` / `--each`, issue 18) shows only its own branch, with its province rank and place among
    the bottom branches, and only the comparisons it takes part in: no other branch is named."""
    means = ranking.unit_means(rows, "branch", params.interval_level)
    pairs = ranking.pairwise(rows, "branch", params.pairwise_alpha)
    bottom = ranking.bottom_units(means, params.bottom_branches_named)
    if scope is not None and not scope.is_province:
        return _own_ranking(means, pairs, bottom, set(scope.tree_in_scope["branch"]))
    if bottom.empty:
        return means, pairs, "本季度尚无神秘人检查，无法排名。"
    named = "、".join(f"{md(r.branch)}（{r.mean:.1f} 分，{r.n} 次）" for r in bottom.itertuples())
    return means, pairs, f"本季度得分排名最后的 {len(bottom)} 家二级分行（简报会主会场）：{named}。"


def _own_ranking(means, pairs, bottom, own: set) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The scope's branches of a province ranking, their comparisons, and their place in a sentence."""
    shown = means[means["branch"].isin(own)].reset_index(drop=True)
    involved = pairs[pairs["unit_a"].isin(own) | pairs["unit_b"].isin(own)].reset_index(drop=True)
    if shown.empty:
        return shown, involved, "本季度本范围尚无神秘人检查，无法排名。"
    placed = "；".join(
        f"{md(r.branch)}本季度平均分 {r.mean:.1f} 分（{r.n} 次），在全省 {len(means)} 家二级分行中排第 {r.rank} 名"
        + (f"，属排名最后的 {len(bottom)} 家（简报会主会场）" if r.branch in set(bottom["branch"]) else "")
        for r in shown.itertuples())
    return shown, involved, f"{placed}。"


def ranking_display(means: pd.DataFrame, target: float) -> pd.DataFrame:
    shown = means.assign(
        interval=[NO_DATA if pd.isna(lo) else f"{lo:.1f} – {hi:.1f}" for lo, hi in zip(means["lower"], means["upper"])],
        mean=means["mean"].round(1), misses=means["mean"] < target)
    return display_frame(shown[["rank", "branch", "n", "mean", "interval", "misses"]], flags=("misses",), counts=("n",),
                         labels={"rank": "名次", "branch": LEVEL_LABELS["branch"], "n": "检查次数", "mean": "平均分",
                                 "interval": "区间", "misses": "未达阶段目标"})


def top_display(rows: pd.DataFrame, params, outlets=None) -> tuple[pd.DataFrame, str]:
    """The top outlets of the quarter (mean round score, rewards rule of plan 1) and a sentence."""
    scores = rows.groupby(["outlet_id", "outlet_name", "branch"], as_index=False)["score"].mean()
    top = ranking.top_outlets(scores, params.reward_top_n, params.reward_min_score)
    if outlets is not None:
        top = top[top["outlet_id"].isin(outlets)]
    text = (f"本季度得分 {params.reward_min_score:g} 分以上、排名前 {params.reward_top_n} 的网点共 {len(top)} 家。"
            if len(top) else f"本季度没有得分 {params.reward_min_score:g} 分以上的前 {params.reward_top_n} 名网点。")
    table = display_frame(top[["rank", "outlet_id", "outlet_name", "branch", "score"]],
                          labels={"rank": "全省名次", "outlet_id": "网点编号", "outlet_name": LEVEL_LABELS["outlet"],
                                  "branch": LEVEL_LABELS["branch"], "score": "得分"})
    return table, text


def recheck_display(table: pd.DataFrame, tree: pd.DataFrame, params) -> tuple[pd.DataFrame, str]:
    """The re-check list for reading, and a sentence on it."""
    table = inspections.with_tree(table, tree)
    on_list = table[table["on_list"]]
    text = (f"本季度最新一次检查低于 {params.recheck_below:g} 分的网点 {len(on_list)} 家"
            f"（其中低于 {params.severe_below:g} 分 {int(on_list['severe'].sum())} 家）："
            + "、".join(f"{md(r.outlet_name)}（{r.latest_score:g} 分，{r.status}）" for r in on_list.itertuples())
            if len(on_list) else f"本季度没有最新一次检查低于 {params.recheck_below:g} 分的网点。")
    shown = table[["outlet_id", "outlet_name", "branch", "round_on", "round_score", "recheck_on",
                   "recheck_score", "status", "on_list", "severe"]]
    labels = {"outlet_id": "网点编号", "outlet_name": LEVEL_LABELS["outlet"], "branch": LEVEL_LABELS["branch"],
              "round_on": "检查日期",
              "round_score": "检查得分", "recheck_on": "复查日期", "recheck_score": "复查得分", "status": "复查情况",
              "on_list": f"最新低于{params.recheck_below:g}", "severe": f"低于{params.severe_below:g}"}
    return display_frame(shown, flags=("on_list", "severe"), labels=labels), text


def trend(con, scope: Scope, period: Period, params, months: int):
    """(branch means per month with a round over the last ``months`` months, stage target per month)."""
    span = months_back(period.month_key, months)
    means = inspections.branch_month_means(con, scope.tree, span, scope.outlets)
    return means, pd.Series([params.stage_target(m) for m in span], index=span)


def checks_display(table: pd.DataFrame, params) -> pd.DataFrame:
    labels = {"branch": LEVEL_LABELS["branch"], "mystery": "神秘人", "video": "视频(非现场)", "onsite": "现场",
              "weeks": "计入考核的周数", "weeks_met": f"每周≥{params.video_checks_per_branch_per_week}次的周数",
              "weeks_open": "尚未结束的周（不计未达标）",
              "meets": "未达每周要求", "coverage": catalogue.name("inspection_check_coverage_month")}
    return display_frame(table.assign(meets=~table["meets"].astype(bool)), percent=("coverage",),
                         flags=("meets",), labels=labels,
                         counts=("mystery", "video", "onsite", "weeks", "weeks_met", "weeks_open"))


def noise_sentence(rows: pd.DataFrame, alpha: float) -> str:
    """How big a gap between two outlets visited once each must be before it is more than noise."""
    floor = ranking.noise_floor(rows, "branch", alpha)
    if pd.isna(floor["sd"]):
        return "本季度检查次数太少，无法估计单次检查分数的波动。"
    return (f"同一分行内单次检查分数的标准差约 {floor['sd']:.1f} 分：两家各只检查一次的网点，"
            f"分差不超过 {floor['min_gap']:.1f} 分时（显著性水平 {alpha:g}）无法区分优劣，"
            "差一两分的名次先后只是抽样波动。")


def show(*items) -> None:
    """Show a section's items in the notebook: a str as Markdown, anything else as it is."""
    from IPython.display import Markdown, display

    display(*[Markdown(i) if isinstance(i, str) else i for i in items])


def in_scope(rows: pd.DataFrame, outlets: list[str] | None) -> pd.DataFrame:
    """The rows of the scope's outlets (all rows for the province: ``outlets`` None)."""
    return rows if outlets is None else rows[rows["outlet_id"].isin(outlets)]


def recheck_section(con, scope: Scope, period: Period, params) -> tuple[str, pd.DataFrame]:
    """(sentence, table) of the quarter's re-check list in the scope."""
    table, text = recheck_display(inspections.recheck_table(con, period.month_key, params.recheck_below,
                                                            params.severe_below, scope.outlets), scope.tree, params)
    return text, table


def checks_section(con, scope: Scope, period: Period, params) -> pd.DataFrame:
    """Video, on-site and mystery checks per branch of the scope against the weekly and monthly rules."""
    return checks_display(inspection_checks.branch_table(con, scope.tree_in_scope, period.month_key, params), params)


def spread_sentences(rows: pd.DataFrame, means: pd.DataFrame, pairs: pd.DataFrame, params,
                     scope: Scope | None = None) -> list[str]:
    """How noisy one inspection is, and which branches differ beyond the noise. A scoped run
    (branch_ranking's pairs of its own branches) counts its comparisons without naming the others."""
    if scope is None or scope.is_province:
        return [noise_sentence(rows, params.pairwise_alpha),
                ranking.distinguishable_sentence(means, pairs, "branch", params.pairwise_alpha)]
    own = set(scope.tree_in_scope["branch"])
    tested = pairs[pairs["p"].notna()]
    real = tested[tested["distinguishable"]]
    if tested.empty:
        compared = "本范围的二级分行检查次数太少（每家至少需要2次），与其他分行的差别无法检验。"
    else:
        higher, lower = int(real["unit_a"].isin(own).sum()), int(real["unit_b"].isin(own).sum())
        compared = (f"本范围的二级分行与全省其他二级分行的 {len(tested)} 组两两比较中（多重比较校正后，总体显著性水平 "
                    f"{params.pairwise_alpha:g}），{len(real)} 组差异显著（显著高于 {higher} 组、显著低于 {lower} 组）；"
                    "其余名次先后在统计上无法区分。")
    return [noise_sentence(rows, params.pairwise_alpha), compared]


def kpi_rows(con, tree: pd.DataFrame, scope_tree: pd.DataFrame, month: str, params, ledger: pd.DataFrame,
             scope_level: str | None = None) -> pd.DataFrame:
    """The area's KPI rows from loose arguments, for summary.registry's present wiring only: the rows
    are assembled in inspections.area (area.kpi_rows is the entry point; delete this once the
    summary calls core.areas.hooks("kpi_rows"))."""
    return area.rows(con, tree, scope_tree, month, params, ledger, scope_level)


def kpi_display(rows: pd.DataFrame) -> pd.DataFrame:
    """The published rows of the run's top two levels (province and branches, or the scope and the
    units below it), one column per metric; a metric without data reads 无数据."""
    present = [lv for lv in ("province", "branch", "subbranch", "outlet") if lv in set(rows["level"])]
    top = rows[rows["level"].isin(present[:2])]
    units = list(dict.fromkeys(top["unit_id"]))
    wide = top.set_index(["unit_id", "metric"])["value"].unstack("metric").reindex(units)
    order = ["mystery_score_avg", "mystery_score_latest_round", "mystery_score_quarter", "inspection_coverage_quarter", "inspection_coverage_year",
             "inspection_check_coverage_month", "outlets_below_85", "penalty_yuan", "reward_yuan"]
    wide = wide.reindex(columns=order).rename_axis(index="unit_id", columns=None).reset_index()
    for col in ("mystery_score_avg", "mystery_score_latest_round", "mystery_score_quarter"):
        wide[col] = wide[col].map(_score)
    for col in ("outlets_below_85", "penalty_yuan", "reward_yuan"):
        wide[col] = wide[col].map(lambda x: NO_DATA if pd.isna(x) else rules.fmt_number(x))
    wide["unit_id"] = wide["unit_id"].replace({"province": LEVEL_LABELS["province"]})
    return display_frame(wide, percent=("inspection_coverage_quarter", "inspection_coverage_year",
                                        "inspection_check_coverage_month"),
                         labels={"unit_id": "单位", **{m: catalogue.name(m) for m in order}})
