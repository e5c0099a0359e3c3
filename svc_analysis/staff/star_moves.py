"""Star-teller distribution and its dynamic management (星级柜员动态管理, DOMAIN.md §3, seed 002).

A teller's rating state on day d (staff.people_sql): the latest rating assessed on or before d is
'valid' (valid_until empty or >= d: its stars count, 0 = assessed, no star), 'lapsed' (expired,
not re-assessed) or 'none' (never assessed).

Distribution on d: tellers in service by state and stars: 未评定 (none), 已失效 (lapsed), 0 to 5 stars.

Movements between two days (the previous month end or the previous year end, and the month end),
one class per teller in service on either day:
- upgrade / downgrade / unchanged: valid on both days, stars higher / lower / equal;
- lapsed: valid on the first day, not valid on the second (the star is lost until re-assessed);
- rated: not valid on the first day (lapsed or never assessed), valid on the second;
- new_unassessed: hired after the first day and not yet assessed on the second;
- new_rated: hired after the first day and already assessed on the second (valid);
- still_unrated: in service on both days, not valid on either (a long-standing gap);
- left: a teller in service on the first day, not on the second.
Role and outlet are the staff table's current ones (see staff.py on history).

Lapsing soon: tellers in service on d whose valid rating has d <= valid_until < d + N days
[staff.rating_lapse_warning_days]: without re-assessment they lose the rating within N days.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from svc_analysis.staff import staff

NONE, LAPSED, VALID = "none", "lapsed", "valid"
STATES = ("未评定", "已失效", "0星", "1星", "2星", "3星", "4星", "5星")
MOVES = ("upgrade", "downgrade", "unchanged", "lapsed", "rated", "new_rated", "new_unassessed",
         "still_unrated", "left")
MOVE_LABELS = {"upgrade": "升星", "downgrade": "降星", "unchanged": "星级不变", "lapsed": "评定失效",
               "rated": "新评定/恢复", "new_rated": "新入职已评定", "new_unassessed": "新入职未评定",
               "still_unrated": "持续无有效星级", "left": "离岗"}


def tellers(con, day: date, outlets: list[str] | None = None) -> pd.DataFrame:
    """Tellers in service on ``day``: staff.people() rows with role teller, plus ``state`` (STATES)."""
    roster = staff.people(con, day, outlets)
    out = roster[roster["role"] == staff.TELLER].reset_index(drop=True)
    out["state"] = [state_label(s, n) for s, n in zip(out["rating_status"], out["stars"])]
    return out


def state_label(status: str, stars) -> str:
    """'未评定' / '已失效' / 'k星' for a rating status and its stars."""
    if status == NONE:
        return STATES[0]
    if status == LAPSED:
        return STATES[1]
    return f"{int(stars)}星"


def distribution(roster: pd.DataFrame, tree: pd.DataFrame, by: str = "branch") -> pd.DataFrame:
    """Tellers per unit (``by``: a tree column) and state, with a 合计 row and a ``total`` column.

    ``roster`` from tellers(); every STATES column is present (0 where none).
    """
    frame = roster.merge(tree[list(dict.fromkeys(["outlet_id", by]))], on="outlet_id", how="left")
    table = pd.crosstab(frame[by], frame["state"]).reindex(columns=list(STATES), fill_value=0)
    # units without tellers stay in the table with a total of 0 (shown, not dropped)
    table = table.reindex(sorted(set(tree[by].dropna()) | set(table.index)), fill_value=0)
    table.loc["合计"] = table.sum()
    table["total"] = table.sum(axis=1)
    table.index.name = by
    table.columns.name = None
    return table.reset_index()


def classify(before: pd.DataFrame, after: pd.DataFrame, since: date) -> pd.DataFrame:
    """One row per teller in service on either day: staff_id, outlet_id, stars_before, stars_after,
    move (MOVES). ``before``/``after`` from tellers() on ``since`` and on the later day."""
    cols = ["staff_id", "outlet_id", "hired_on", "rating_status", "stars"]
    both = before[cols].merge(after[cols], on="staff_id", how="outer", suffixes=("_before", "_after"))
    moves = []
    for row in both.itertuples(index=False):
        moves.append(_move(row, since))
    out = pd.DataFrame({
        "staff_id": both["staff_id"],
        "outlet_id": both["outlet_id_after"].fillna(both["outlet_id_before"]),
        "stars_before": both["stars_before"].where(both["rating_status_before"] == VALID),
        "stars_after": both["stars_after"].where(both["rating_status_after"] == VALID),
        "move": moves,
    })
    return out.sort_values(["outlet_id", "staff_id"]).reset_index(drop=True)


def _move(row, since: date) -> str:
    was, now = row.rating_status_before, row.rating_status_after
    if pd.isna(now):
        return "left"
    if pd.isna(was):
        # not a teller in service on the first day: a new hire (or a hire dated after `since`)
        return "new_rated" if now == VALID else "new_unassessed"
    if was == VALID and now == VALID:
        if row.stars_after > row.stars_before:
            return "upgrade"
        return "downgrade" if row.stars_after < row.stars_before else "unchanged"
    if was == VALID:
        return "lapsed"
    return "rated" if now == VALID else "still_unrated"


def moves_by_unit(moves: pd.DataFrame, tree: pd.DataFrame, by: str = "branch") -> pd.DataFrame:
    """Counts of each move per unit with a 合计 row; every MOVES column is present."""
    frame = moves.merge(tree[list(dict.fromkeys(["outlet_id", by]))], on="outlet_id", how="left")
    table = pd.crosstab(frame[by], frame["move"]).reindex(columns=list(MOVES), fill_value=0)
    table.loc["合计"] = table.sum()
    table.index.name = by
    table.columns.name = None
    return table.reset_index()


def movements(con, since: date, day: date, tree: pd.DataFrame, outlets: list[str] | None = None,
              by: str = "branch") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-teller moves, counts per unit) between ``since`` and ``day`` (classify, moves_by_unit)."""
    if since >= day:
        raise ValueError(f"movements: the first day {since} must be before {day}")
    moves = classify(tellers(con, since, outlets), tellers(con, day, outlets), since)
    return moves, moves_by_unit(moves, tree, by)


def lapsing_soon(roster: pd.DataFrame, day: date, days: int, tree: pd.DataFrame) -> pd.DataFrame:
    """Tellers whose valid rating lapses within ``days`` of ``day`` (day <= valid_until < day + days).

    days: [staff.rating_lapse_warning_days]. Columns: branch, subbranch, outlet_id, outlet_name,
    staff_id, stars, assessed_on, valid_until, days_left (valid_until - day), sorted by valid_until.
    """
    if days <= 0:
        raise ValueError(f"rating_lapse_warning_days must be > 0, not {days}")
    horizon = day + timedelta(days=days)
    valid = roster[(roster["rating_status"] == VALID) & roster["valid_until"].notna()]
    # a boolean Series, not a list: an empty list would select no columns instead of no rows
    soon = valid[pd.Series([day <= v < horizon for v in valid["valid_until"]], index=valid.index,
                           dtype=bool)].copy()
    soon["days_left"] = [(v - day).days for v in soon["valid_until"]]
    soon["stars"] = soon["stars"].astype("int64")
    out = soon.merge(tree[["outlet_id", "outlet_name", "subbranch", "branch"]], on="outlet_id", how="left")
    cols = ["branch", "subbranch", "outlet_id", "outlet_name", "staff_id", "stars", "assessed_on",
            "valid_until", "days_left"]
    return out[cols].sort_values(["valid_until", "outlet_id", "staff_id"]).reset_index(drop=True)
