"""The CFPB profile on hand-made files in each layout CFPB has published (current 18-column CSV,
2012-2015 14-column CSV, snake_case open-data/API export): exact accounting and mapped values
worked out by hand from params/profiles/cfpb.yaml."""

import pytest

from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.ingest import IngestError, ingest_files
from svc_analysis.engine.profiles import load_profile

CURRENT = """\
Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,\
Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,\
Company response to consumer,Timely response?,Consumer disputed?,Complaint ID
2019-09-24,Debt collection,I do not know,Attempts to collect debt not owed,Debt is not yours,"Not my debt.
Never was.",,TRANSWORLD SYSTEMS INC,FL,335XX,,Consent provided,Web,2019-09-24,Closed with explanation,Yes,N/A,3384392
2020-01-02,Mortgage,Conventional home mortgage,Struggling to pay mortgage,,,,Acme Bank,TX,75001,Servicemember,\
Consent not provided,Phone,2020-01-03,Closed with monetary relief,Yes,N/A,1001
2020-02-03,Credit card,General-purpose credit card,Fees or interest,Problem with fees,,,Acme Bank,TX,75001,,\
Other,Postal mail,2020-02-05,Untimely response,No,N/A,1002
2020-02-30,Mortgage,,Closing on a mortgage,,,,Acme Bank,TX,75001,,,Web,2020-03-02,Closed,Yes,N/A,1003
"""

OLD_2012_2015 = """\
Date received,Product,Sub-product,Issue,Sub-issue,State,ZIP code,Submitted via,Date sent to company,Company,\
Company response,Timely response?,Consumer disputed?,Complaint ID
3/7/2013,Mortgage,Conventional fixed mortgage,"Loan modification,collection,foreclosure",,CA,90210,Referral,\
3/8/2013,Old Bank,Closed with explanation,Yes,No,300001
12/31/2014,Debt collection,Medical,Communication tactics,Frequent or repeated calls,NY,10001,Web,1/2/2015,Old Bank,\
Closed with non-monetary relief,Yes,Yes,300002
11/5/2015,Credit card,,Billing disputes,,IL,60601,Fax,11/5/2015,Other Card Co,In progress,Yes,,300003
13/1/2015,Credit card,,Billing disputes,,IL,60601,Web,1/14/2015,Old Bank,Closed with explanation,Yes,No,300004
"""

SNAKE_CASE = """\
date_received,product,sub_product,issue,sub_issue,complaint_what_happened,company_public_response,company,state,\
zip_code,tags,consumer_consent_provided,submitted_via,date_sent_to_company,company_response_to_consumer,\
timely_response,consumer_disputed?,complaint_id
2019-05-10T12:00:00-05:00,Checking or savings account,Checking account,Managing an account,\
Deposits and withdrawals,They froze my account.,,API Bank,OH,44101,Older American,Consent provided,Email,\
2019-05-10T12:00:00-05:00,Closed with relief,Yes,N/A,3238000
2019-05-11,Student loan,Private student loan,Dealing with your lender or servicer,,,,API Bank,OH,44101,,,\
Web Referral,2019-05-13,Closed with explanation,Yes,N/A,3238001
2019-06-01T23:30:00,Credit card,Store credit card,Problem with a purchase shown on your statement,,,,\
Shop Card Inc,WA,98101,,,Phone,2019-06-03T12:00:00-04:00,Closed with non-monetary relief,Yes,N/A,3238002
2019-06-02,Credit card,,Getting a credit card,,,,API Bank,OH,44101,,,Carrier pigeon,2019-06-02,Closed,Yes,N/A,3238003
"""

COLUMNS = ("complaint_id, received_at::VARCHAR, channel, outlet_id, category, responsible, description, "
           "replied_at::VARCHAR, closed_at::VARCHAR")


def _load(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    [report] = ingest_files([path], warehouse=warehouse, profile="cfpb", progress=False)
    con = wh.connect(warehouse, read_only=True)
    try:
        rows = con.execute(f"SELECT {COLUMNS} FROM complaints ORDER BY complaint_id").fetchall()
        set_aside = con.execute("SELECT row_number, column_name, value FROM _quarantine").fetchall()
    finally:
        con.close()
    counts = (report.rows_read, report.rows_loaded, report.rows_set_aside, report.outlets_added)
    return counts, rows, set_aside


def test_current_18_column_export(tmp_path):
    counts, rows, set_aside = _load(tmp_path, "current.csv", CURRENT)
    assert counts == (4, 3, 1, 2)  # TRANSWORLD and Acme Bank registered as outlets
    assert rows == [
        ("CFPB-1001", "2020-01-02 00:00:00", "hotline", "Acme Bank", "policy", True,
         "Struggling to pay mortgage", "2020-01-03 00:00:00", "2020-01-03 00:00:00"),
        # untimely: no reply or closing date, so it stays open
        ("CFPB-1002", "2020-02-03 00:00:00", "letter", "Acme Bank", "fees", False,
         "Fees or interest | Problem with fees", None, None),
        ("CFPB-3384392", "2019-09-24 00:00:00", "online", "TRANSWORLD SYSTEMS INC", "system", False,
         "Attempts to collect debt not owed | Debt is not yours | Not my debt.\nNever was.",
         "2019-09-24 00:00:00", "2019-09-24 00:00:00"),
    ]
    # 30 February is no date: set aside at its spreadsheet row (row 2 spans two text lines)
    assert set_aside == [(5, "received_at", "2020-02-30")]


def test_old_2012_2015_export_with_company_response_and_month_first_dates(tmp_path):
    headers = OLD_2012_2015.splitlines()[0].split(",")
    assert load_profile("cfpb").check_headers(headers, "old.csv") == [
        "Sub-product", "State", "ZIP code", "Consumer disputed?"]
    counts, rows, set_aside = _load(tmp_path, "old.csv", OLD_2012_2015)
    assert counts == (4, 3, 1, 2)  # Old Bank, Other Card Co
    assert rows == [
        ("CFPB-300001", "2013-03-07 00:00:00", "regulator", "Old Bank", "other", False,
         "Loan modification,collection,foreclosure", "2013-03-08 00:00:00", "2013-03-08 00:00:00"),
        ("CFPB-300002", "2014-12-31 00:00:00", "online", "Old Bank", "attitude", True,
         "Communication tactics | Frequent or repeated calls", "2015-01-02 00:00:00", "2015-01-02 00:00:00"),
        # in progress: replied on time (dated the day it reached the company), not closed
        ("CFPB-300003", "2015-11-05 00:00:00", "letter", "Other Card Co", "other", False,
         "Billing disputes", "2015-11-05 00:00:00", None),
    ]
    # no month 13: read by none of the profile's formats, so set aside, never guessed day-first
    assert set_aside == [(5, "received_at", "13/1/2015")]


def test_snake_case_api_export_with_iso_times(tmp_path):
    headers = SNAKE_CASE.splitlines()[0].split(",")
    assert load_profile("cfpb").check_headers(headers, "api.csv") == [
        "sub_product", "company_public_response", "state", "zip_code", "tags", "consumer_consent_provided",
        "consumer_disputed?"]
    counts, rows, set_aside = _load(tmp_path, "api.csv", SNAKE_CASE)
    assert counts == (4, 3, 1, 2)  # API Bank, Shop Card Inc
    assert rows == [
        # CFPB's API writes every date as noon with an offset: day_only keeps the day, at midnight
        ("CFPB-3238000", "2019-05-10 00:00:00", "online", "API Bank", "efficiency", True,
         "Managing an account | Deposits and withdrawals | They froze my account.",
         "2019-05-10 00:00:00", "2019-05-10 00:00:00"),
        ("CFPB-3238001", "2019-05-11 00:00:00", "online", "API Bank", "efficiency", False,
         "Dealing with your lender or servicer", "2019-05-13 00:00:00", "2019-05-13 00:00:00"),
        ("CFPB-3238002", "2019-06-01 00:00:00", "hotline", "Shop Card Inc", "product", True,
         "Problem with a purchase shown on your statement", "2019-06-03 00:00:00", "2019-06-03 00:00:00"),
    ]
    assert set_aside == [(5, "channel", "Carrier pigeon")]


@pytest.mark.parametrize("drop, message", [
    (["Company response"], "old.csv 缺少映射配置 cfpb 需要的列：Company response to consumer（或 Company response）。"),
    (["Date received", "Company"], "old.csv 缺少映射配置 cfpb 需要的列：Date received、Company。"),
])
def test_a_required_source_column_missing_refuses_the_file(tmp_path, drop, message):
    headers = [h for h in OLD_2012_2015.splitlines()[0].split(",") if h not in drop]
    path = tmp_path / "old.csv"
    path.write_text(",".join(headers) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest_files([path], warehouse=tmp_path / "w.duckdb", profile="cfpb", progress=False)
    assert str(err.value) == message
    assert not (tmp_path / "w.duckdb").exists()  # refused at the header, before the warehouse opens
