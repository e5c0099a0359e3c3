"""Questionnaire surveys (问卷调查): dimension scores, CSAT (top-2 box), NPS, and their KPI rows.

DOMAIN.md §2: surveys ask environment 环境, attitude 态度, efficiency 效率, professionalism 专业
(DATA_CONTRACT surveys, optional, 1-5) and an overall score (required, 1-5); recommend (optional,
0-10) is the likelihood to recommend. Definitions (params in brackets, params/satisfaction.yaml):

- survey_csat = answers with overall >= [csat_min_score] (4: the top two boxes of five) / answers
  (answered_on in the month).
- nps (Net Promoter Score, Reichheld 2003) = (promoters - detractors) / answers with a recommend
  score; promoters score >= [nps_promoter_min] (9), detractors <= [nps_detractor_max] (6). Published
  as a share from -1 to 1 (numerator = promoters - detractors, so it adds up the tree like any
  ratio); shown x 100 as is usual (NPS 35).
- dimension score: mean and top-2-box share of each dimension over the answers that gave it.
Only answers with a score count for a measure: a missing optional score is not a low one.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import kpis
from svc_analysis.core import periods
from svc_analysis.stats import proportions
from svc_analysis.engine.warehouse import engine

AREA = "satisfaction"
OVERALL, RECOMMEND = "overall", "recommend"
# The 1-5 dimension columns of the contract's surveys table besides overall.
DIMENSIONS = tuple(c.name for c in contract.table("surveys").columns
                   if c.max == 5 and c.name != OVERALL)
DIMENSION_ZH = {c.name: c.zh[0] for c in contract.table("surveys").columns}


def answers(con, months: list[str], outlets=None):
    """The surveys answered in ``months`` (answered_on), in the scope's ``outlets`` (None = the whole
    province): an Ibis expression on the engine (warehouse.engine), for the queries to aggregate."""
    if not months:
        raise ValueError("surveys: no months given")
    start, end = periods.month_bounds(months[0])[0].date(), periods.month_bounds(months[-1])[1].date()
    t = engine(con).table("surveys")
    keep = (t.answered_on >= start) & (t.answered_on < end)
    if outlets is not None:
        keep &= t.outlet_id.isin(list(outlets))
    return t.filter(keep)


def outlet_counts(con, month: str, outlets=None, *, csat_min_score: int, promoter_min: int,
                  detractor_max: int) -> pd.DataFrame:
    """Per outlet with answers in the month: answers, satisfied (overall >= csat_min_score),
    recommend_answers, promoters, detractors, net (promoters - detractors)."""
    if not detractor_max < promoter_min:
        raise ValueError(f"nps_detractor_max ({detractor_max}) must be below nps_promoter_min ({promoter_min})")
    t = answers(con, [month], outlets)
    out = t.group_by("outlet_id").agg(
        answers=t.count(), satisfied=t.count(where=t[OVERALL] >= csat_min_score),
        recommend_answers=t[RECOMMEND].count(), promoters=t.count(where=t[RECOMMEND] >= promoter_min),
        detractors=t.count(where=t[RECOMMEND] <= detractor_max)).order_by("outlet_id").to_pandas()
    out["net"] = out["promoters"] - out["detractors"]
    return out


def kpi_rows(counts: pd.DataFrame, tree: pd.DataFrame, month: str, scope_level: str | None = None) -> pd.DataFrame:
    """KPI rows survey_csat and nps at every level (no targets: the plans set none).

    tree: the outlets that count (as for satisfaction_rate); a unit with no answers has no value.
    """
    csat = kpis.rollup(counts.rename(columns={"satisfied": "numerator", "answers": "denominator"}), tree,
                       month=month, area=AREA, metric="survey_csat", scope_level=scope_level)
    nps = kpis.rollup(counts.rename(columns={"net": "numerator", "recommend_answers": "denominator"}), tree,
                      month=month, area=AREA, metric="nps", scope_level=scope_level)
    return pd.concat([csat, nps], ignore_index=True)


def dimension_scores(con, months: list[str], outlets=None, *, csat_min_score: int,
                     level: float = 0.95) -> pd.DataFrame:
    """Per dimension and overall, over ``months``: answers, mean, top2 (share >= csat_min_score)
    with its Wilson interval. A measure nobody answered has NaN figures (no data)."""
    t = answers(con, months, outlets)
    columns = [*DIMENSIONS, OVERALL]
    metrics = {}
    for c in columns:
        metrics |= {f"{c}__answers": t[c].count(), f"{c}__mean": t[c].mean(),
                    f"{c}__top2": t.count(where=t[c] >= int(csat_min_score))}
    values = t.aggregate(**metrics).to_pandas().iloc[0]
    rows = [{"measure": c, "measure_zh": DIMENSION_ZH[c], "answers": int(values[f"{c}__answers"]),
             "mean": values[f"{c}__mean"], "top2_count": int(values[f"{c}__top2"])} for c in columns]
    out = pd.DataFrame(rows)
    out["mean"] = out["mean"].astype("float64")
    out["top2"] = proportions.share(out["top2_count"], out["answers"])
    out["lower"], out["upper"] = proportions.wilson(out["top2_count"], out["answers"], level)
    return out


def nps_summary(counts: pd.DataFrame) -> dict:
    """Scope totals from outlet_counts: answers, csat, recommend_answers, promoter and detractor
    shares, nps (-1..1); NaN where there is no denominator."""
    s = counts[["answers", "satisfied", "recommend_answers", "promoters", "detractors"]].sum()
    csat, promoters, detractors = proportions.share(
        [s["satisfied"], s["promoters"], s["detractors"]], [s["answers"], s["recommend_answers"], s["recommend_answers"]])
    return {"answers": int(s["answers"]), "csat": float(csat), "recommend_answers": int(s["recommend_answers"]),
            "promoters": float(promoters), "detractors": float(detractors), "nps": float(promoters - detractors)}


def comments(con, months: list[str], outlets=None) -> list[str]:
    """The non-empty comment texts of the period (personal data: mask before showing any)."""
    t = answers(con, months, outlets)
    # removing spaces then comparing with '' is SQL trim(' ') <> '': Ibis strip() would also drop
    # tabs and newlines, a change of behaviour
    kept = t.filter(t.comment.fill_null("").replace(" ", "") != "").order_by(["answered_on", "response_id"])
    return kept.select("comment").to_pandas()["comment"].tolist()


def sentence(summary: dict, scores: pd.DataFrame, month: str, window: tuple[str, str]) -> str:
    """Chinese summary: the month's CSAT and NPS, and the weakest dimension over the window."""
    from svc_analysis.views.plotting import fmt_pct, fmt_signed

    if summary["answers"] == 0:
        head = f"{month} 没有问卷答卷（无数据）。"
    else:
        nps = "无数据" if summary["recommend_answers"] == 0 else fmt_signed(summary["nps"] * 100, 0)
        head = (f"{month} 共收回问卷 {summary['answers']} 份，总体满意（前两档）占比 {fmt_pct(summary['csat'])}，"
                f"净推荐值 NPS {nps}。")
    dims = scores[scores["measure"].isin(DIMENSIONS) & scores["answers"].gt(0)]
    if dims.empty:
        return head + f"{window[0]} 至 {window[1]} 没有分项评分（无数据）。"
    weakest = dims.sort_values("mean", kind="stable").iloc[0]
    return head + (f"{window[0]} 至 {window[1]} 各分项中得分最低的是{weakest.measure_zh}（平均 {weakest['mean']:.2f} 分，"
                   f"前两档占比 {fmt_pct(weakest.top2)}）。")


def for_display(scores: pd.DataFrame) -> pd.DataFrame:
    """dimension_scores for reading: Chinese headers, mean to 2 decimals, shares as percents, 无数据
    where nobody answered."""
    from svc_analysis.views.plotting import NO_DATA, display_frame

    out = scores[["measure_zh", "answers", "mean", "top2", "lower", "upper"]].copy()
    out["mean"] = out["mean"].map(lambda v: NO_DATA if pd.isna(v) else f"{v:.2f}")
    return display_frame(out, labels={"measure_zh": "项目", "answers": "答卷数", "mean": "平均分", "top2": "前两档占比",
                                      "lower": "区间下限", "upper": "区间上限"}, percent=("top2", "lower", "upper"))
