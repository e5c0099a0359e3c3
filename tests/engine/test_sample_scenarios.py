"""The planted scenarios are in the tiny sample's files (docs/sample_data.md, "tiny, end month 2026-10").

Expected places are written out by hand from the positional rules in docs/sample_data.md, and every
figure is recomputed from the files with duckdb / pandas, not with the generator's code.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pandas as pd
import pytest

from svc_analysis.engine.sample import generate, plan_for

END = "2026-10"
OUTAGE_WEEK = ("2026-08-10", "2026-08-17")  # second Monday of 2026-08 (1 Aug is a Saturday), 7 days
STAR_BRANCH, EXPERT_BRANCH, OTHER_OF = "宜昌分行", "武汉分行", {"宜昌分行": "武汉分行", "武汉分行": "宜昌分行"}
PARTICIPATION_OUTLET, MYSTERY_OUTLET, OVERTIME_OUTLET = "42010102", "42010201", "42010202"
MONTH_END = "2026-10-31"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    paths = generate("tiny", out_dir=tmp_path_factory.mktemp("tiny"), end_month=END, progress=False)
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def con(files):
    c = duckdb.connect()
    text = "all_varchar=true"
    c.execute(f"create view outlets as select 网点编号 outlet_id, 二级分行 branch, 网点类型 outlet_type, 开业日期 opened_on, "
              f"撤并日期 closed_on from read_csv('{files['outlets.csv']}', {text})")
    c.execute(f"create view staff as select 员工编号 staff_id, 网点编号 outlet_id, 岗位 role, 入行日期::date hired_on, "
              f"离职日期::date left_on from read_csv('{files['staff.csv']}', {text})")
    text_columns = {"star_ratings": "staff_id", "skill_tests": "staff_id", "tickets": "outlet_id",
                    "ratings": "outlet_id", "campaign_actuals": "month", "report_submissions": "month"}
    for name, column in text_columns.items():
        c.execute(f"create view {name} as select * from read_csv('{files[name + '.csv']}', "
                  f"types={{'{column}': 'VARCHAR'}})")
    return c


def test_plan_names_the_documented_places():
    plan = plan_for("tiny", end_month=END)
    assert (str(plan.outage_start), plan.star_branch, plan.expert_branch) == (OUTAGE_WEEK[0], STAR_BRANCH, EXPERT_BRANCH)
    assert (plan.participation_outlet, plan.mystery_outlet, plan.overtime_outlet) == \
        (PARTICIPATION_OUTLET, MYSTERY_OUTLET, OVERTIME_OUTLET)
    assert (plan.offsite_behind_branch, plan.missing_report_branch, plan.missing_report_month) == \
        ("宜昌分行", "宜昌分行", "2026-09")


def test_1_outage_burst_of_system_complaints(files):
    c = pd.read_csv(files["投诉.csv"], dtype=str, keep_default_na=False, encoding="gb18030")
    c["week"] = pd.to_datetime(c["受理时间"]).dt.to_period("W-SUN").dt.start_time.dt.strftime("%Y-%m-%d")
    system = c[c["投诉类别"] == "系统故障"]
    weekly = system.groupby("week").size()
    assert weekly[OUTAGE_WEEK[0]] >= 15
    assert weekly.drop(OUTAGE_WEEK[0]).max(skipna=True) <= 3 or len(weekly) == 1  # tiny: 0-3 a week
    baseline = c[c["week"] != OUTAGE_WEEK[0]].groupby("week").size()
    assert len(baseline) >= 20 and baseline.max() <= 4  # the normal trickle of complaints of every kind
    burst = system[system["week"] == OUTAGE_WEEK[0]]
    assert (burst["产品或系统"] == "手机银行").mean() > 0.9 and (burst["是否责任性投诉"] == "否").all()


def _rates_by_branch(con, has_sql: str) -> dict[str, float]:
    rows = con.execute(f"""
        with tellers as (
            select s.staff_id, o.branch from staff s join outlets o using (outlet_id)
            where s.role = '柜员' and s.hired_on <= DATE '{MONTH_END}'
              and (s.left_on is null or s.left_on > DATE '{MONTH_END}'))
        select branch, avg(case when {has_sql} then 1.0 else 0.0 end) from tellers t group by branch""").fetchall()
    return dict(rows)


def test_2_one_branch_under_the_star_teller_target(con):
    latest = (f"(select arg_max(stars, assessed_on) >= 1 and arg_max(valid_until, assessed_on) >= DATE '{MONTH_END}' "
              f"from star_ratings r where r.staff_id = t.staff_id and r.assessed_on <= DATE '{MONTH_END}')")
    rates = _rates_by_branch(con, f"coalesce({latest}, false)")
    assert rates[STAR_BRANCH] < 0.85 <= rates[OTHER_OF[STAR_BRANCH]]


def test_7_one_branch_under_the_expert_rate(con):
    passed = (f"exists (select 1 from skill_tests x where x.staff_id = t.staff_id and x.test = 'expert' "
              f"and x.passed and x.tested_on <= DATE '{MONTH_END}')")
    rates = _rates_by_branch(con, passed)
    assert rates[EXPERT_BRANCH] < 0.80 <= rates[OTHER_OF[EXPERT_BRANCH]]


def _monthly(con, outlet: str) -> pd.DataFrame:
    return con.execute(f"""
        with t as (select strftime(taken_at, '%Y-%m') m, count(called_at) served,
                          avg(case when epoch(called_at - taken_at) > 20 * 60 then 1.0 else 0.0 end) overtime
                   from tickets where outlet_id = '{outlet}' and called_at is not null group by 1),
             r as (select strftime(rated_at, '%Y-%m') m, count(*) n, min(score) low from ratings
                   where outlet_id = '{outlet}' group by 1)
        select t.m, served, overtime, n / served participation, low from t join r using (m) order by m""").df()


def test_3_evaluator_participation_collapses_with_perfect_scores(con):
    m = _monthly(con, PARTICIPATION_OUTLET).set_index("m")
    last3 = m.loc["2026-08":"2026-10"]
    assert len(last3) == 3 and (last3["participation"] < 0.15).all() and (last3["low"] == 5).all()
    before = m.loc[:"2026-07"]
    assert before["participation"].between(0.55, 0.85).all() and (before["low"] < 5).all()


def test_6_chronic_overtime_waiting(con):
    m = _monthly(con, OVERTIME_OUTLET).set_index("m")
    assert (m.loc["2026-05":"2026-10", "overtime"] > 0.5).all() and len(m.loc["2026-05":"2026-10"]) == 6
    assert (m.loc[:"2026-04", "overtime"] < 0.2).all()
    others = con.execute("""select max(share) from (select outlet_id, avg(case when epoch(called_at - taken_at) > 1200
        then 1.0 else 0.0 end) share from tickets where taken_at >= '2026-05-01' and outlet_id <> ? group by 1)""",
                         [OVERTIME_OUTLET]).fetchone()[0]
    assert others < 0.2


def test_4_campaign_behind_plan(con):
    kpis = dict(con.execute("select kpi_id, count(distinct month) from campaign_actuals group by 1").fetchall())
    assert set(kpis) == {"offsite_self_service_banks", "new_atms", "vip_centres_in_service", "transformed_outlets_share",
                         "marketing_staff_share", "lobby_manager_on_duty", "news_items", "outlet_trainings",
                         "marketing_staff_trained", "smart_outlet_coverage", "emergency_drills"}
    assert set(kpis.values()) == {10}  # January to October 2026
    atms = con.execute("select sum(value) from campaign_actuals where kpi_id = 'new_atms'").fetchone()[0]
    assert 0.4 <= atms / (300 * 10 / 12) <= 0.6  # about half the linear pace
    offsite = dict(con.execute("select unit_id, sum(value) from campaign_actuals "
                               "where kpi_id = 'offsite_self_service_banks' group by 1").fetchall())
    assert offsite["宜昌分行"] <= 0.5 * 25 and offsite["武汉分行"] >= 25  # deadline passed: 50 split in two
    news = con.execute("select sum(value), min(unit_id) from campaign_actuals where kpi_id = 'news_items'").fetchone()
    assert news[1] == "province" and news[0] >= 52 * 10 / 12 * 0.8


def test_5_mystery_shopper_failures_with_rechecks(files):
    rows = list(openpyxl.load_workbook(files["inspections.xlsx"], read_only=True).worksheets[0].iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    mystery = frame[frame["检查方式"] == "神秘人"]
    target = mystery[(mystery["网点编号"] == MYSTERY_OUTLET) & (mystery["检查日期"] >= dt.datetime(2026, 4, 1))]
    first = target[target["是否复查"] == "否"]
    again = target[target["是否复查"] == "是"]
    assert len(first) == 3 and first["得分"].between(78, 84).all()
    assert len(again) == 3 and (again["得分"] < 85).all()
    assert sorted(first["检查日期"].dt.month) == [4, 7, 10]
    others = mystery[(mystery["网点编号"] != MYSTERY_OUTLET) & (mystery["是否复查"] == "否")]["得分"]
    assert others.between(88, 99.5).mean() > 0.8
    # the quarterly round covers >= 60 % of the staffed outlets open then (8 in tiny)
    for quarter_start in ("2025-01-01", "2025-04-01", "2026-07-01", "2026-10-01"):
        start = dt.datetime.fromisoformat(quarter_start)
        in_round = mystery[(mystery["检查日期"] >= start) & (mystery["检查日期"] < start + dt.timedelta(days=31))]
        assert in_round["网点编号"].nunique() >= 0.6 * 8


def test_8_report_submissions(con):
    rows = con.execute("select unit_id, month, submitted_at from report_submissions").df()
    assert not ((rows["unit_id"] == "宜昌分行") & (rows["month"] == "2026-09")).any()
    assert ((rows["unit_id"] == "武汉分行") & (rows["month"] == "2026-09")).any()
    assert len(rows) == 2 * 23 - 1  # reports on 2024-11 ... 2026-09, one missing
    due = rows["month"].map(lambda m: _first_monday_noon(m))
    late = (rows["submitted_at"] > due).mean()
    assert 0 < late < 0.4


def _first_monday_noon(reported: str) -> dt.datetime:
    year, month = map(int, reported.split("-"))
    day = dt.date(year + month // 12, month % 12 + 1, 1)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12))


def test_queue_patterns(con):
    hours = dict(con.execute("select hour(taken_at), count(*) from tickets group by 1").fetchall())
    assert max(hours, key=hours.get) == 9 and hours[12] > hours[14]  # opening peak, noon peak
    per_day = dict(con.execute("""select dayofweek(taken_at) in (0, 6), count(*) / count(distinct (outlet_id, taken_at::date))
        from tickets group by 1""").fetchall())
    assert per_day[True] < 0.7 * per_day[False]
    festival = con.execute("""select
        count(*) filter (where taken_at >= '2026-02-03' and taken_at < '2026-02-17'),
        count(*) filter (where taken_at >= '2026-02-17' and taken_at < '2026-02-24') from tickets""").fetchone()
    assert festival[0] / 14 > 2 * festival[1] / 7  # the rush before Spring Festival, the lull during it
    late = con.execute("select count(*) from tickets where hour(called_at) >= 17").fetchone()[0]
    assert late > 0
