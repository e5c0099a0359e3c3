"""A small rules engine for mystery-shopper rewards and penalties (奖惩), driven by params.

Seed 003 gives two plans; params/inspections.yaml ``inspections.rule_sets`` expresses both so an office
can write its own. A rule applies to an outlet's mystery score of the month (the mean of the month's
mystery inspections, re-checks excluded: the round score, DATA_CONTRACT mystery_score_avg) when every
condition of its ``when`` holds:

=================  ==========================================================================
score_below X      score < X            (X a number or ``stage_target``, the target in force)
score_at_least X   score >= X           (seed: "98分以上" includes 98; "98分以下(不含98分)" excludes it)
quarters, months   the report month's calendar quarter / month number is listed
rank_top N         rank <= N by score, best first, within ``rank_within``
rank_bottom N      rank <= N by score, worst first, within ``rank_within``, in a unit of more
                   than N scored outlets (in a unit of N or fewer everyone would be "bottom N")
outside_top N      rank by score, best first, in the province > N (seed: 全省前200名网点不考核)
=================  ==========================================================================

Ranks use the competition rule (ties share the better place: 95, 95, 90 rank 1, 1, 3) among the
outlets with a score that month in the same province / branch / sub-branch. The amount is

    base + per_point x points,  points = max(points_from - score, 0)

where ``base`` may be a list by place (rank_top/rank_bottom place 1, 2, ...). The default plan 2
penalty is 1000 + (stage target - score) x 200 yuan. Of rules sharing a ``group``, only the first
that applies to an outlet counts (plan 1: below 80 replaces below 85). Every ledger line carries the
formula with the numbers filled in, so an outlet head can check the amount by hand.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core.periods import parse_month
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.views import formats

SCORE_COLUMNS = ("outlet_id", "branch", "subbranch", "score")
LEDGER_COLUMNS = ["rule_set", "rule_id", "label", "effect", "outlet_id", "branch", "subbranch",
                  "score", "target", "place", "amount", "formula"]
PLACE_WORDS = {"rank_top": "第{}名", "rank_bottom": "倒数第{}名"}
LEVEL_WORDS = {"province": LEVEL_LABELS["province"], "branch": "本分行", "subbranch": "本支行"}


class RuleError(ValueError):
    """Scores the rules cannot be applied to (the message names the row and column)."""


def fmt_number(x: float) -> str:
    """81.0 -> '81', 80.5 -> '80.5', 4400.0 -> '4,400': a figure as an outlet head would write it
    (views.formats.number, the pages' one number spelling)."""
    return formats.number(float(x))


def check_scores(scores: pd.DataFrame, source: str = "scores") -> pd.DataFrame:
    """The score frame with one row per outlet and a score in 0-100, or RuleError naming the row."""
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise RuleError(f"{source}: missing columns {', '.join(missing)}")
    frame = scores.reset_index(drop=True)
    numeric = pd.to_numeric(frame["score"], errors="coerce")
    bad = numeric.isna() | (numeric < 0) | (numeric > 100)
    if bad.any():
        row = int(bad.idxmax())
        raise RuleError(f"{source}: row {row + 1}, column score: must be a number 0-100 "
                        f"(got {frame.at[row, 'score']!r} for outlet {frame.at[row, 'outlet_id']})")
    dup = frame["outlet_id"].duplicated()
    if dup.any():
        row = int(dup.idxmax())
        raise RuleError(f"{source}: row {row + 1}, column outlet_id: outlet {frame.at[row, 'outlet_id']} "
                        f"appears twice (one score per outlet and month)")
    return frame.assign(score=numeric.astype("float64"))


def ranks(scores: pd.DataFrame) -> pd.DataFrame:
    """Competition ranks (ties share the better place) best-first and worst-first at each level,
    and the number of scored outlets in the outlet's unit (size_<level>)."""
    out = scores.copy()
    for level in ("province", "branch", "subbranch"):
        groups = out.assign(_all="province")["_all" if level == "province" else level]
        by = out["score"].groupby(groups)
        out[f"top_{level}"] = by.rank(ascending=False, method="min").astype("int64")
        out[f"bottom_{level}"] = by.rank(ascending=True, method="min").astype("int64")
        out[f"size_{level}"] = by.transform("size").astype("int64")
    return out


def _ref(value, stage_target: float) -> float:
    return float(stage_target) if value == "stage_target" else float(value)


def _applies(rule, ranked: pd.DataFrame, month_number: int, stage_target: float) -> pd.Series:
    w = rule.when
    mask = pd.Series(True, index=ranked.index)
    if w.score_below is not None:
        mask &= ranked["score"] < _ref(w.score_below, stage_target)
    if w.score_at_least is not None:
        mask &= ranked["score"] >= _ref(w.score_at_least, stage_target)
    if w.quarters is not None and (month_number - 1) // 3 + 1 not in w.quarters:
        mask &= False
    if w.months is not None and month_number not in w.months:
        mask &= False
    if w.rank_top is not None:
        mask &= ranked[f"top_{w.rank_within}"] <= w.rank_top
    if w.rank_bottom is not None:
        within = w.rank_within
        mask &= (ranked[f"bottom_{within}"] <= w.rank_bottom) & (ranked[f"size_{within}"] > w.rank_bottom)
    if w.outside_top is not None:
        mask &= ranked["top_province"] > w.outside_top
    return mask


def _place(rule, row) -> tuple[int | None, str]:
    """The outlet's place for a rank rule (index into a list of base amounts) and its wording."""
    w = rule.when
    for key in ("rank_bottom", "rank_top"):
        if getattr(w, key) is not None:
            place = int(row[f"{key.split('_')[1]}_{w.rank_within}"])
            return place, LEVEL_WORDS[w.rank_within] + PLACE_WORDS[key].format(place)
    return None, ""


def _line(rule, row, stage_target: float) -> tuple[float, str, str]:
    """(amount, formula with the numbers filled in, place wording) of one rule for one outlet."""
    place, where = _place(rule, row)
    base = rule.amount.base
    base = float(base[place - 1]) if isinstance(base, list) else float(base)
    amount, parts = base, [fmt_number(base)]
    if rule.amount.per_point:
        ref = _ref(rule.amount.points_from, stage_target)
        points = max(ref - float(row["score"]), 0.0)
        amount += points * rule.amount.per_point
        parts.append(f"({fmt_number(ref)} − {fmt_number(row['score'])}) × {fmt_number(rule.amount.per_point)}"
                     if points else f"0 × {fmt_number(rule.amount.per_point)}")
    formula = " + ".join(parts) + f" = {fmt_number(amount)}" if len(parts) > 1 else fmt_number(amount)
    return amount, formula, where


def evaluate(scores: pd.DataFrame, rule_set, *, month: str, stage_target: float) -> pd.DataFrame:
    """Ledger lines (LEDGER_COLUMNS) of one rule set for the month's outlet scores.

    scores: one row per outlet inspected in the month, with outlet_id, branch, subbranch and score
    (mean of the month's mystery inspections, re-checks excluded), for the whole province so that
    ranks are right even when the caller shows one branch. rule_set: a params RuleSet.
    stage_target: params inspections.stage_target(month). Amounts are in yuan and positive for
    rewards and penalties alike (``effect`` tells them apart).
    """
    month_number = int(parse_month(month)[5:])
    ranked = ranks(check_scores(scores))
    taken: dict[str, set] = {}
    lines = []
    for rule in rule_set.rules:
        hit = ranked[_applies(rule, ranked, month_number, stage_target)]
        if rule.group:
            done = taken.setdefault(rule.group, set())
            hit = hit[~hit["outlet_id"].isin(done)]
            done.update(hit["outlet_id"])
        for _, row in hit.iterrows():
            amount, formula, where = _line(rule, row, stage_target)
            lines.append({"rule_set": rule_set.name, "rule_id": rule.id, "label": rule.label,
                          "effect": rule.effect, "outlet_id": row["outlet_id"], "branch": row["branch"],
                          "subbranch": row["subbranch"], "score": row["score"],
                          "target": float(stage_target), "place": where, "amount": amount, "formula": formula})
    ledger = pd.DataFrame(lines, columns=LEDGER_COLUMNS)
    ledger["amount"] = ledger["amount"].astype("float64")
    return ledger.sort_values(["branch", "outlet_id", "effect", "rule_id"], kind="stable").reset_index(drop=True)


def evaluate_all(scores: pd.DataFrame, rule_sets, *, month: str, stage_target: float) -> pd.DataFrame:
    """Ledger lines of every rule set (active or not), one after the other."""
    frames = [evaluate(scores, rs, month=month, stage_target=stage_target) for rs in rule_sets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LEDGER_COLUMNS)


def totals(ledger: pd.DataFrame, by: str = "outlet_id") -> pd.DataFrame:
    """Penalty and reward yuan per ``by`` (outlet_id, subbranch or branch), and the net (reward - penalty)."""
    if by not in ("outlet_id", "subbranch", "branch"):
        raise RuleError(f"totals by outlet_id, subbranch or branch, not {by!r}")
    table = (ledger.pivot_table(index=by, columns="effect", values="amount", aggfunc="sum", fill_value=0.0)
             .reindex(columns=["penalty", "reward"], fill_value=0.0).reset_index())
    table.columns.name = None
    table["net"] = table["reward"] - table["penalty"]
    return table.sort_values(["net", by]).reset_index(drop=True)


def per_outlet_yuan(ledger: pd.DataFrame, effect: str) -> pd.DataFrame:
    """outlet_id, value: the yuan of one effect per outlet (for kpis.rollup kind 'count')."""
    part = ledger[ledger["effect"] == effect]
    return part.groupby("outlet_id", as_index=False)["amount"].sum().rename(columns={"amount": "value"})

