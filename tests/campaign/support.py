"""A hand-built warehouse, campaign params and a progress board shared by the campaign tests (not a test
module)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from svc_analysis.core import params as P
from svc_analysis.engine import warehouse

STAFFING = {"vip_centre": {"wealth_manager": 3, "lobby_manager": 2, "marketing_manager": 1, "service_head": 1},
            "deposits_min_yi": 1.0, "deposits_outlet": {"lobby_manager": 1}}


def kpi(id, target, combine="sum", units="branch", start="2026-01-01", deadline="2026-12-31", curve="linear",
        **extra):
    """A KPI entry of params campaign.kpis; a level KPI (kind level) has no curve."""
    curve = None if extra.get("kind") == "level" else curve
    return {"id": id, "name": id.upper(), "unit_of_measure": extra.pop("unit_of_measure", "个"), "target": target,
            "start": start, "deadline": deadline, "combine": combine, "curve": curve, "units": units, **extra}


def make_campaign(kpis, **over) -> P.Campaign:
    base = {"name": "测试活动", "year": 2026, "status_thresholds": {"at_risk": 0.80},
            "curve_power": 2.0, "forecast_interval": 0.80, "target_split": "equal",
            "report_due": {"weekday": 0, "hour": 12, "on_time_target": 1.0}, "staffing": STAFFING, "kpis": kpis}
    return P.Campaign(**{**base, **over})


def build(path, actuals=(), submissions=(), staff=()):
    """Branch BA: A1, A2 standard, A3 VIP centre; branch BB: B1 standard, B2 self-service."""
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    con.execute("""INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, deposits) VALUES
        ('A1', 'a1', 'SA', 'BA', 'standard', 2.5), ('A2', 'a2', 'SA2', 'BA', 'standard', 0.4),
        ('A3', 'a3', 'SA', 'BA', 'vip_centre', 30.0), ('B1', 'b1', 'SB', 'BB', 'standard', NULL),
        ('B2', 'b2', 'SB', 'BB', 'self_service', NULL)""")
    if actuals:
        con.executemany("INSERT INTO campaign_actuals VALUES (?, ?, ?, ?)", list(actuals))
    if submissions:
        con.executemany("INSERT INTO report_submissions VALUES (?, ?, ?)", list(submissions))
    if staff:
        con.executemany("INSERT INTO staff VALUES (?, ?, ?, ?, ?)", list(staff))
    return con


def board_frame():
    """A hand-made progress board (campaign.progress_board's columns): 甲 behind at the province and in B1,
    乙 (a share) on track."""
    base = {"unit_of_measure": "个", "start": date(2026, 1, 1), "deadline": date(2026, 12, 31), "month_value": 1.0,
            "deadline_passed": False, "forecast_low": 0.0, "forecast_high": 0.0}
    rows = [
        {**base, "kpi_id": "a", "name": "甲", "level": "province", "unit_id": "province", "target": 100, "actual": 40,
         "progress": 0.4, "expected": 0.8, "pace": 0.5, "status": "behind", "forecast": 60, "forecast_meets": False},
        {**base, "kpi_id": "b", "name": "乙", "level": "province", "unit_id": "province", "target": 0.5,
         "unit_of_measure": "占比", "actual": 0.45, "progress": 0.9, "expected": 0.8, "pace": 1.125,
         "status": "on_track", "forecast": 0.55, "forecast_meets": True},
        {**base, "kpi_id": "a", "name": "甲", "level": "branch", "unit_id": "B1", "target": 50, "actual": 20,
         "progress": 0.4, "expected": 0.8, "pace": 0.5, "status": "behind", "forecast": 30, "forecast_meets": False},
    ]
    return pd.DataFrame(rows)
