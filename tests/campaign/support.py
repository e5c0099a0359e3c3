"""A hand-built warehouse and campaign params shared by the campaign tests (not a test module)."""

from __future__ import annotations

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
