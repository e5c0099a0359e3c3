"""svc_analysis.engine.sample: files, formats, determinism, contract validity, bad rows, plausible sizes.

The tiny sample is generated once per module for END = 2026-10. Every check reads the files back
with pandas / openpyxl / duckdb and the contract definitions, never with the generator's helpers.
Scenario checks live in test_sample_scenarios.py.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from svc_analysis.core import contract, schema, vocabularies
from svc_analysis.engine.sample import generate, plan_for

END = "2026-10"
EXPECTED_FILES = ["outlets.csv", "staff.csv", "star_ratings.csv", "skill_tests.csv", "投诉.csv", "praises.csv",
                  "ratings.csv", "surveys.csv", "tickets.csv", "inspections.xlsx", "campaign_actuals.csv",
                  "report_submissions.csv"]
ENCODINGS = {"outlets.csv": "utf-8-sig", "投诉.csv": "gb18030"}
CHINESE = {"outlets", "staff", "complaints", "inspections"}
PATTERNS = {
    schema.INT: r"-?\d+",
    schema.FLOAT: r"-?\d+(\.\d+)?",
    schema.DATE: r"\d{4}-\d{2}-\d{2}",
    schema.TIMESTAMP: r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
}


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return generate("tiny", out_dir=tmp_path_factory.mktemp("tiny"), end_month=END, progress=False)


def read_table(path) -> pd.DataFrame:
    """A sample file as text, headers mapped to canonical names, plus the spreadsheet row number."""
    name = contract.table_for_filename(path.stem)
    headers = {h.lower(): c.name for c in contract.table(name).columns for h in c.headers}
    if path.suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        cells = [["" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else str(v)
                  for v in row] for row in rows[1:]]
        frame = pd.DataFrame(cells, columns=list(rows[0]), dtype=object)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODINGS.get(path.name, "utf-8"))
    frame = frame.rename(columns=lambda h: headers[h.strip().lower()])
    frame["_row"] = np.arange(2, len(frame) + 2)
    return frame


def violations(paths) -> set[tuple[str, str, str]]:
    """(table, column or rule, offending key) for every value or row that breaks the contract."""
    frames = {contract.table_for_filename(p.stem): read_table(p) for p in paths}
    found: set[tuple[str, str, str]] = set()
    con = duckdb.connect()
    for name, frame in frames.items():
        table = contract.table(name)
        key = frame["_row"].astype(str)
        if table.primary_key:
            key = frame[table.primary_key[0]]
            for part in table.primary_key[1:]:
                key = key + "|" + frame[part]
        typed = pd.DataFrame({"_row": frame["_row"]})
        for col in table.columns:
            if col.name not in frame:
                assert not col.required, f"{name}: required column {col.name} missing"
                continue
            text = frame[col.name].str.strip()
            bad = (text == "") & col.required
            present = text != ""
            if col.type in PATTERNS:
                bad |= present & ~text.str.fullmatch(PATTERNS[col.type])
            if col.type == schema.BOOL:
                bad |= present & ~text.str.lower().isin(schema.TRUE_WORDS + schema.FALSE_WORDS)
            if col.values:
                accepted = {a for canon, aliases in col.values.items() for a in (canon, *aliases)}
                bad |= present & ~text.isin(accepted)
            if col.type in (schema.INT, schema.FLOAT) and (col.min is not None or col.max is not None):
                number = pd.to_numeric(text.where(present & ~bad), errors="coerce")
                bad |= (number < (col.min if col.min is not None else -np.inf)) | \
                       (number > (col.max if col.max is not None else np.inf))
            if col.references:
                ref_table, ref_col = col.references.split(".")
                bad |= present & ~text.isin(set(frames[ref_table][ref_col]))
            found |= {(name, col.name, k) for k in key[bad]}
            if col.type in (schema.DATE, schema.TIMESTAMP):
                fmt = "%Y-%m-%d" if col.type == schema.DATE else "%Y-%m-%d %H:%M:%S"
                typed[col.name] = pd.to_datetime(text.where(present), format=fmt, errors="coerce")
            else:
                typed[col.name] = text
        con.register("x", typed)
        for rule in table.rules:
            rows = con.execute(f"select _row from x where not ({rule.sql})").fetchall()
            found |= {(name, rule.name, k) for k in key[frame["_row"].isin([r[0] for r in rows])]}
    return found


def test_one_file_per_table_in_load_order(paths):
    assert [p.name for p in paths] == EXPECTED_FILES
    assert [contract.table_for_filename(p.stem) for p in paths] == contract.LOAD_ORDER
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_encodings_headers_and_values(paths):
    by_name = {p.name: p for p in paths}
    raw = {name: p.read_bytes() for name, p in by_name.items() if p.suffix == ".csv"}
    assert raw["outlets.csv"].startswith(codecs.BOM_UTF8)
    assert not any(b.startswith(codecs.BOM_UTF8) for n, b in raw.items() if n != "outlets.csv")
    with pytest.raises(UnicodeDecodeError):
        raw["投诉.csv"].decode("utf-8")
    complaints_header = raw["投诉.csv"].decode("gb18030").splitlines()[0].split(",")
    assert complaints_header[:3] == ["投诉编号", "受理时间", "渠道"]
    assert raw["staff.csv"].decode("utf-8").splitlines()[0] == "员工编号,网点编号,岗位,入行日期,离职日期"
    assert raw["tickets.csv"].decode("utf-8").splitlines()[0].replace('"', "") == \
        "ticket_id,outlet_id,taken_at,called_at,finished_at,business_type"
    sheet = openpyxl.load_workbook(by_name["inspections.xlsx"], read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header == ("检查编号", "网点编号", "检查日期", "检查方式", "得分", "是否复查")
    assert isinstance(first[2], dt.datetime) and first[3] in ("神秘人", "视频", "现场") and first[5] in ("是", "否")
    outlets = read_table(by_name["outlets.csv"])
    assert set(outlets["outlet_type"]) == {"综合网点", "贵宾理财中心", "离行式自助银行"}
    assert set(outlets["smart"]) == {"是", "否"}
    assert set(read_table(by_name["staff.csv"])["role"]) <= {z for v in vocabularies.ROLES.values() for z in v[:1]}
    assert set(read_table(by_name["投诉.csv"])["channel"]) <= {v[0] for v in vocabularies.CHANNELS.values()}


def test_same_seed_gives_identical_csv_files(paths, tmp_path):
    again = generate("tiny", out_dir=tmp_path, end_month=END, progress=False)
    for first, second in zip(paths, again):
        if first.suffix == ".csv":
            assert first.read_bytes() == second.read_bytes(), first.name
        else:
            assert read_table(first).equals(read_table(second))


def test_other_seed_differs_but_scenario_places_do_not(paths, tmp_path):
    other = generate("tiny", seed=7, out_dir=tmp_path, end_month=END, progress=False)
    assert other[8].read_bytes() != paths[8].read_bytes()  # tickets
    assert read_table(other[0])["outlet_id"].tolist() == read_table(paths[0])["outlet_id"].tolist()
    assert plan_for("tiny", seed=7, end_month=END) == plan_for("tiny", end_month=END)


def test_only_the_documented_bad_rows_break_the_contract(paths):
    found = violations(paths)
    bad_tickets = {v for v in found if v[0] == "tickets"}
    assert {v[1] for v in bad_tickets} == {"called_after_taken"}
    assert sorted(k.split("|")[0] for _, _, k in bad_tickets) == ["A001", "A002", "A003"]
    assert all(k.split("|")[1] == "42010101" and k.split("|")[2].startswith("2026-10-01 09:") for _, _, k in bad_tickets)
    rating = [v for v in found if v[0] == "ratings"]
    assert len(rating) == 1 and rating[0][1] == "score"
    assert {v for v in found if v[0] == "complaints"} == {("complaints", "outlet_id", "TS-BAD-0001")}
    assert len(found) == 5, sorted(found)
    ratings = read_table(paths[6])
    assert ratings.loc[ratings["score"] == "6", ["outlet_id", "rated_at"]].values.tolist() == \
        [["42010101", "2026-10-01 10:00:00"]]


def test_organisation_shape(paths):
    outlets = read_table(paths[0])
    assert len(outlets) == 10 and outlets["outlet_id"].is_unique
    assert outlets["branch"].nunique() == 2 and outlets["subbranch"].nunique() == 4
    assert (outlets["outlet_type"] == "贵宾理财中心").sum() == 1 and (outlets["outlet_type"] == "离行式自助银行").sum() == 1
    assert outlets["closed_on"].ne("").sum() == 1 and outlets["opened_on"].gt("2024-11-01").sum() == 1
    assert outlets["branch"].str.endswith("分行").all() and outlets["subbranch"].str.endswith("支行").all()
    self_service = set(outlets.loc[outlets["outlet_type"] == "离行式自助银行", "outlet_id"])
    staff = read_table(paths[1])
    assert not set(staff["outlet_id"]) & self_service
    assert staff["role"].value_counts().index[0] == "柜员"  # tellers are the largest group
    assert staff["left_on"].ne("").any() and staff["hired_on"].gt("2024-11-01").any()


def test_volumes_are_plausible(paths):
    con = duckdb.connect()
    t = paths[8]
    days, tickets, served, unserved = con.execute(
        f"select count(distinct (outlet_id, taken_at::date)), count(*), count(called_at), count(*) - count(called_at) "
        f"from read_csv('{t}', types={{'outlet_id': 'VARCHAR'}})").fetchone()
    assert 30 <= tickets / days <= 50  # ~40 tickets per outlet and open day
    assert 0.01 < unserved / tickets < 0.08
    ratings = con.execute(f"select count(*) from read_csv('{paths[6]}')").fetchone()[0]
    assert 0.55 < ratings / served < 0.75  # ~70 % press the evaluator, one outlet collapsed for 3 months
    complaints = read_table(paths[4])
    baseline = complaints[(complaints["category"] != "系统故障") & (complaints["complaint_id"] != "TS-BAD-0001")]
    assert 0.8 <= len(baseline) / served * 10_000 <= 3.0  # 1-3 per 10,000 customers served
    surveys = read_table(paths[7])
    assert 2.0 <= len(surveys) / (8 * 24) <= 4.0  # ~3 per staffed outlet and month


def test_personal_data_is_there_to_be_masked(paths):
    complaints = read_table(paths[4])
    assert complaints["customer_phone"].replace("", np.nan).dropna().str.fullmatch(r"1[3-9]\d{9}").all()
    text = complaints["description"]
    assert text.str.contains(r"1[3-9]\d{9}").any()
    assert text.str.contains(r"客户.某").any() or text.str.contains(r".(先生|女士)").any()
    ids = text.str.extractall(r"(\d{17}[\dX])")[0]
    assert len(ids) >= 1
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for idno in ids:
        assert "10X98765432"[sum(int(c) * w for c, w in zip(idno, weights)) % 11] == idno[-1]


def test_complaint_handling_times(paths):
    c = read_table(paths[4])
    received = pd.to_datetime(c["received_at"])
    replied = pd.to_datetime(c["replied_at"].replace("", None))
    book = c["channel"] == "意见簿"
    hours = (replied - received).dt.total_seconds() / 3600
    assert (hours[book & replied.notna()] <= 72).mean() > 0.7
    assert c["closed_at"].eq("").any() and (c["closed_at"] < "2026-11-01").all()
    assert set(c["complexity"]) <= {"一般", "复杂", "特别复杂"}


@pytest.mark.parametrize("bad", ["huge", ""])
def test_unknown_scale_is_refused(bad, tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        generate(bad, out_dir=tmp_path, end_month=END, progress=False)


def test_bad_end_month_is_refused(tmp_path):
    with pytest.raises(ValueError, match="month"):
        generate("tiny", out_dir=tmp_path, end_month="2026-13", progress=False)


def test_id_patterns(paths):
    staff = read_table(paths[1])
    assert staff["staff_id"].str.fullmatch(r"1\d{6}").all() and staff["staff_id"].is_unique
    assert read_table(paths[4])["complaint_id"].drop_duplicates().size == len(read_table(paths[4]))
    assert re.fullmatch(r"JC\d{12}", read_table(paths[9])["inspection_id"].iat[0])
