"""The staff table: positions per outlet, filled by a sequence of people over time.

Each staffed outlet has positions by role (vocabularies.ROLES): tellers by customer volume (most
staff), lobby managers, customer / wealth / marketing managers, a service head, an outlet head and
security guards; a VIP centre is staffed as seed 000 asks (3 wealth managers, 2 lobby managers,
1 marketing manager, 1 service head) plus a teller. Self-service banks have no staff.

A position's first holder was hired before the history window (or just before the outlet opened);
holders leave after an exponential tenure (mean TENURE_YEARS, about 8 % turnover a year) and are
replaced after a vacancy of a few weeks. People who left before the history window are not in the
export (HR exports current and recent staff). When an outlet closes its staff leave that day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from svc_analysis.engine.sample import organisation as org

TENURE_YEARS = 12.0
VACANCY_DAYS = (14, 60)
EARLIEST_HIRE = date(1995, 1, 1)
FIRST_STAFF_ID = 1_000_001
VIP_POSITIONS = {"teller": 1, "lobby_manager": 2, "wealth_manager": 3, "marketing_manager": 1,
                 "service_head": 1, "outlet_head": 1, "security": 1}


def positions(outlet: pd.Series, rng: np.random.Generator) -> list[str]:
    """The roles of one outlet's positions, one entry per position."""
    if outlet["outlet_type"] == org.SELF_SERVICE:
        return []
    if outlet["outlet_type"] == org.VIP:
        counts = VIP_POSITIONS
    else:
        volume = outlet["_volume"]
        counts = {
            "teller": int(np.clip(round(volume / 10.0), 4, 12)),
            "lobby_manager": 1 + int(volume > 100),
            "customer_manager": 1 + int(volume > 70),
            "wealth_manager": 1,
            "marketing_manager": int(rng.random() < 0.6),
            "service_head": 1,
            "outlet_head": 1,
            "security": 1 + int(volume > 90),
        }
    return [role for role, k in counts.items() for _ in range(k)]


def _day(value: date, offset_days: float) -> date:
    return value + timedelta(days=int(offset_days))


def build_staff(outlets: pd.DataFrame, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    """Staff rows (contract columns + hidden ``_branch``), ordered by staff_id."""
    rows = []
    end = window.end
    for _, outlet in outlets.iterrows():
        closed = outlet["closed_on"]
        stop = min(end, closed) if closed is not None else end
        for role in positions(outlet, rng):
            opened = outlet["opened_on"]
            if opened <= window.history_start:
                first = max(opened, EARLIEST_HIRE)
                hired = _day(first, rng.integers(0, max((window.history_start - first).days, 1)))
                leave_from = window.history_start  # tenure memoryless: count it from the history start
            else:
                hired = _day(opened, -int(rng.integers(10, 60)))
                leave_from = hired
            while hired < stop:
                left = _day(leave_from, rng.exponential(TENURE_YEARS * 365.25))
                left_on = left if left < stop else (closed if closed is not None and closed < end else None)
                if left_on is None or left_on >= window.history_start:
                    rows.append((outlet["outlet_id"], role, hired, left_on, outlet["branch"]))
                if left_on is None or left_on >= stop:
                    break
                hired = _day(left_on, rng.integers(*VACANCY_DAYS))
                leave_from = hired
    frame = pd.DataFrame(rows, columns=["outlet_id", "role", "hired_on", "left_on", "_branch"])
    frame.insert(0, "staff_id", [str(FIRST_STAFF_ID + i) for i in range(len(frame))])
    return frame


def in_service(staff: pd.DataFrame, day: date) -> np.ndarray:
    """Staff in service on ``day``: hired on or before it, left_on empty or after it."""
    hired = staff["hired_on"].to_numpy()
    left = staff["left_on"].to_numpy()
    return np.array([h <= day and (lv is None or lv > day) for h, lv in zip(hired, left)], dtype=bool)


def pick_on_duty(staff: pd.DataFrame, outlet_ids: np.ndarray, days: list[date], roles: tuple[str, ...],
                 rng: np.random.Generator) -> list[str | None]:
    """For each (outlet, day), a random staff member of ``roles`` in service there, or None."""
    by_outlet: dict[str, pd.DataFrame] = {
        key: grp for key, grp in staff[staff["role"].isin(roles)].groupby("outlet_id", sort=True)}
    out: list[str | None] = []
    for outlet_id, day in zip(outlet_ids, days):
        grp = by_outlet.get(outlet_id)
        if grp is None:
            out.append(None)
            continue
        ids = grp["staff_id"].to_numpy()[in_service(grp, day)]
        out.append(str(ids[rng.integers(0, ids.size)]) if ids.size else None)
    return out
