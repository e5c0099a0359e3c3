"""What notebook 30 (星级柜员与员工技能) shows: tables with Chinese headers, sentences from the data,
the star-distribution chart. No figure is computed here that the KPI rows or the staff modules do
not already hold; this module only words and lays them out. Missing values print 无数据.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.views import plotting
from svc_analysis.views.labels import column_labels, kpi_column_labels
from svc_analysis.core import catalogue
from svc_analysis.staff import area  # noqa: F401  (registers the staff metrics in the catalogue)
from svc_analysis.staff import staff
from svc_analysis.staff import star_moves
from svc_analysis.views.plotting import fmt_pct
from svc_analysis.core.safety import md

# the metrics' Chinese names: the catalogue's (staff.area registers them), never retyped
METRIC_ZH = {metric: catalogue.name(metric) for metric in staff.METRICS}
LEVEL_ZH = LEVEL_LABELS  # the level names of engine.scope, one spelling for every page
# the KPI table's column names (core.contract.KPI_COLUMN_NAMES), the headers of the unit and level columns
KPI_ZH = kpi_column_labels()
# what the shortfall counts for each metric
SHORT_UNIT = {"star_teller_rate": "名柜员评上星级", "expert_rate": "人通过业务能手测试",
              "english_rate": "人通过柜台英语测试", "sign_language_coverage": "个网点配齐会手语的大堂经理"}
# 未评定, 已失效, 0 star: greys and red (no star); 1-5 stars: light to dark blue
STATE_COLORS = ("#d9d9d9", "#a23b3b", "#7d7d7d", "#c6dbef", "#8fb3d9", "#4f81b5", "#1f3b63", "#0b1a33")
# headers: the contract's Chinese column names (outlets, staff, star ratings) and the KPI table's; the
# page's own computed columns named here
LABELS = column_labels(
    "outlets", "staff", "star_ratings", **KPI_ZH, unit=KPI_ZH["unit_id"],
    days_left="剩余天数", anniversary="入行满一年日期", failed_attempts="未通过次数",
    lobby_managers="大堂经理人数", cohort="满一年人数", passed_in_first_year="一年内通过",
    passed_later="一年后才通过", not_passed="尚未通过", share="一年内通过率", total="合计",
    shortfall="缺口", n="网点数", r="相关系数", low="区间下限", high="区间上限", outcome="结果指标",
    **star_moves.MOVE_LABELS,
)


def child_level(scope_level: str) -> str:
    """The level shown under the scope: branches for the province, sub-branches for a branch..."""
    return org.LEVELS[min(org.LEVELS.index(scope_level) + 1, len(org.LEVELS) - 1)]


def middle_levels(scope_level: str) -> list[str]:
    """Levels strictly below the scope and above the outlets (branch and sub-branch for the province)."""
    return [lv for lv in org.LEVELS[org.LEVELS.index(scope_level) + 1:] if lv != "outlet"]


def unit_names(tree: pd.DataFrame) -> dict:
    """unit_id -> display name: outlets by name, branches and sub-branches by themselves."""
    names = dict(zip(tree["outlet_id"], tree["outlet_name"]))
    names[kpis.PROVINCE] = "全省"
    return names


def cell(row) -> str:
    """'82.9%（29/35）✗' for one KPI row; '无数据' with no denominator."""
    if pd.isna(row["value"]):
        return plotting.NO_DATA
    mark = "" if pd.isna(row["meets_target"]) else (" ✓" if bool(row["meets_target"]) else " ✗")
    return f"{fmt_pct(row['value'])}（{row['numerator']:.0f}/{row['denominator']:.0f}）{mark}"


def headline(kpi_rows: pd.DataFrame, scope_level: str, tree: pd.DataFrame) -> pd.DataFrame:
    """The scope's own row and one row per unit of the level below; one column per metric (cell())."""
    names = unit_names(tree)
    levels = [scope_level, child_level(scope_level)]
    part = kpi_rows[kpi_rows["level"].isin(levels)].copy()
    part[KPI_ZH["unit_id"]] = [names.get(u, u) for u in part["unit_id"]]
    part["order"] = part["level"].map(levels.index)
    part["text"] = [cell(r) for _, r in part.iterrows()]
    wide = part.pivot_table(index=["order", KPI_ZH["unit_id"]], columns="metric", values="text", aggfunc="first")
    wide = wide.reindex(columns=list(staff.METRICS)).rename(columns=METRIC_ZH)
    targets = kpi_rows.drop_duplicates("metric").set_index("metric")["target"]
    wide.columns = [f"{zh}（目标 {fmt_pct(targets[m], 0)}）" for m, zh in zip(staff.METRICS, wide.columns)]
    out = wide.reset_index().drop(columns="order")
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def headline_sentence(kpi_rows: pd.DataFrame, scope_level: str, scope_label: str) -> str:
    """One sentence per metric on the scope's own row: value, target, met or the shortfall."""
    top = kpi_rows[kpi_rows["level"] == scope_level].set_index("metric")
    parts = []
    for metric, zh in METRIC_ZH.items():
        row = top.loc[metric]
        if pd.isna(row["value"]):
            parts.append(f"{zh}无数据")
            continue
        text = f"{zh} {fmt_pct(row['value'])}（{row['numerator']:.0f}/{row['denominator']:.0f}）"
        if bool(row["meets_target"]):
            parts.append(f"{text}，达到 {fmt_pct(row['target'], 0)} 的目标")
        else:
            need = staff.shortfall(row["numerator"], row["denominator"], row["target"])
            parts.append(f"{text}，低于 {fmt_pct(row['target'], 0)} 的目标，还需 {need} {SHORT_UNIT[metric]}")
    return f"{md(scope_label)}月末：" + "；".join(parts) + "。"


def below_table(missed: pd.DataFrame, tree: pd.DataFrame, levels=None) -> pd.DataFrame:
    """One row per unit missing at least one target (staff.below_target rows), one column per metric:
    '差 3 人（73.3%）' (outlets for sign language), blank where the unit meets the target or has no data.

    ``levels``: the levels to list (default all); rows sorted by level, then the star-teller and
    expert shortfalls, largest first.
    """
    names = unit_names(tree)
    frame = missed if levels is None else missed[missed["level"].isin(list(levels))]
    noun = {m: ("个" if m == "sign_language_coverage" else "人") for m in staff.METRICS}
    frame = frame.assign(text=[f"差 {n} {noun[m]}（{fmt_pct(v)}）"
                               for n, m, v in zip(frame["shortfall"], frame["metric"], frame["value"])])
    wide = frame.pivot_table(index=["level", "unit_id"], columns="metric", values="text", aggfunc="first")
    gaps = frame.pivot_table(index=["level", "unit_id"], columns="metric", values="shortfall", aggfunc="first")
    wide = wide.reindex(columns=list(staff.METRICS)).fillna("")
    gaps = gaps.reindex(index=wide.index, columns=list(staff.METRICS)).fillna(0)
    order = pd.DataFrame({"_l": [org.LEVELS.index(level) for level, _ in wide.index],
                          "_s": -gaps["star_teller_rate"].to_numpy(), "_e": -gaps["expert_rate"].to_numpy()},
                         index=wide.index)
    wide = wide.loc[order.sort_values(["_l", "_s", "_e"], kind="stable").index]
    out = pd.DataFrame({KPI_ZH["level"]: [LEVEL_ZH[level] for level, _ in wide.index],
                        KPI_ZH["unit_id"]: [names.get(u, u) for _, u in wide.index]})
    for metric in staff.METRICS:
        out[METRIC_ZH[metric]] = wide[metric].to_numpy()
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def below_sentence(missed: pd.DataFrame, level: str) -> str:
    """Which units of ``level`` miss the star-teller and expert targets, and by how many people."""
    parts = []
    for metric in ("star_teller_rate", "expert_rate"):
        rows = missed[(missed["metric"] == metric) & (missed["level"] == level)]
        if rows.empty:
            parts.append(f"各{LEVEL_ZH[level]}的{METRIC_ZH[metric]}均达标或无数据")
        else:
            units = "、".join(f"{md(u)}（{fmt_pct(v)}，差 {n} 人）"
                             for u, v, n in zip(rows["unit_id"], rows["value"], rows["shortfall"]))
            parts.append(f"{METRIC_ZH[metric]}未达标的{LEVEL_ZH[level]}：{units}")
    return "；".join(parts) + "。"


def moves_sentence(month_moves: pd.DataFrame, year_moves: pd.DataFrame) -> str:
    """The 合计 rows of star_moves.moves_by_unit for the month and the year, in words; 无数据 for a
    comparison with no teller in service on either day (e.g. no staff export loaded)."""
    def words(table):
        total = table[table.iloc[:, 0] == "合计"].iloc[0]
        if total[list(star_moves.MOVES)].sum() == 0:
            return f"两个时点都没有在岗柜员（{plotting.NO_DATA}）"
        return (f"升星 {total['upgrade']} 人、降星 {total['downgrade']} 人、评定失效 {total['lapsed']} 人、"
                f"新评定或恢复 {total['rated'] + total['new_rated']} 人、新入职未评定 {total['new_unassessed']} 人")
    return f"与上月末相比：{words(month_moves)}。与上年末相比：{words(year_moves)}。"


def sign_language_sentence(gaps: pd.DataFrame, counts: pd.DataFrame) -> str:
    """How many outlets with a lobby manager have none who passed sign language (staff.sign_language_gaps);
    无数据 when no outlet has a lobby manager in service."""
    if not (counts["has_lobby_manager"] == 1).any():
        return f"月末没有在岗的大堂经理（{plotting.NO_DATA}），无法检查手语服务。"
    if len(gaps):
        return f"共 {len(gaps)} 个网点。"
    return "所有有大堂经理的网点都至少有一名会手语的大堂经理。"


def plot_distribution(dist: pd.DataFrame, by: str, target: float | None = None):
    """Horizontal stacked bars: share of tellers in each state per unit (star_moves.distribution).

    With ``target`` (the star-teller target) a dashed line at 1 - target: a unit whose three
    no-star segments (未评定, 已失效, 0星) reach past it misses the target.
    """
    import matplotlib.pyplot as plt

    rows = dist[dist[by] != "合计"].set_index(by)
    shares = rows[list(star_moves.STATES)].div(rows["total"].where(rows["total"] > 0), axis=0).fillna(0)
    fig, ax = plt.subplots(figsize=(plotting.FIGURE_SIZE[0], 0.5 * len(shares) + 1.6))
    if not rows["total"].sum():  # no teller in service: an empty-state panel, not bars of zero width
        plotting.no_data(ax, f"月末没有在岗柜员（{plotting.NO_DATA}）")
        return fig
    left = pd.Series(0.0, index=shares.index)
    for state, color in zip(star_moves.STATES, STATE_COLORS):
        ax.barh(shares.index, shares[state], left=left, color=color, label=state, height=0.6)
        left += shares[state]
    xlabel = "占在岗柜员比例"
    if target is not None:
        ax.axvline(1 - target, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1.2)
        xlabel += f"（虚线：无星级比例上限 {fmt_pct(1 - target, 0)}，超过即未达标）"
    ax.xaxis.set_major_formatter(plotting.percent_formatter(0))
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.legend(ncols=len(star_moves.STATES), loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize="small",
              handlelength=1.0, columnspacing=0.8)
    fig.tight_layout()
    return fig


def show(frame: pd.DataFrame, percent=()) -> pd.DataFrame:
    """A staff frame ready to show: Chinese headers (LABELS), percents, rows numbered from 1."""
    return plotting.display_frame(frame, LABELS, percent=percent)
