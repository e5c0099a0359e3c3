"""source_formats: the header normaliser's rule (case, spaces, _, -, trailing punctuation), lookup of
alternatives, and a profile's date formats (tried in order, offsets dropped, unread text passed on)."""

import pandas as pd
import pytest

from svc_analysis.engine.source_formats import (DEFAULT_DATE_FORMATS, AmbiguousHeader, HeaderIndex, check_format,
                                         normalise_header, to_timestamps)


@pytest.mark.parametrize("header", [
    "Consumer disputed?", "consumer_disputed?", "consumer_disputed", "Consumer-Disputed",
    " CONSUMER DISPUTED ", "Consumer\u2013disputed", "Ｃｏｎｓｕｍｅｒ ｄｉｓｐｕｔｅｄ？", "consumer disputed:",
])
def test_spellings_of_one_header_normalise_alike(header):
    assert normalise_header(header) == "consumerdisputed"


@pytest.mark.parametrize("header, normalised", [
    ("Sub-issue", "subissue"),
    ("sub_issue", "subissue"),
    ("ZIP code", "zipcode"),
    ("Timely response?", "timelyresponse"),
    ("是否责任性投诉？", "是否责任性投诉"),          # full-width ? is trailing punctuation too
    ("存款余额(亿元)", "存款余额(亿元)"),            # a closing bracket is not punctuation to drop
    ("x.1", "x.1"),                                 # inner punctuation stays: a repeated header
    ("Company response to consumer", "companyresponsetoconsumer"),
])
def test_normalised_form(header, normalised):
    assert normalise_header(header) == normalised


@pytest.mark.parametrize("left, right", [
    ("Company response", "Company response to consumer"),   # different words: different columns
    ("Consumer complaint narrative", "complaint_what_happened"),
    ("Date received", "Date sent to company"),
])
def test_different_headers_stay_different(left, right):
    assert normalise_header(left) != normalise_header(right)


def test_find_returns_the_files_own_header_for_the_first_alternative_present():
    index = HeaderIndex(["date_received", "company_response", "company_response_to_consumer", "Tags"])
    assert index.find(["Date received"]) == "date_received"
    # alternatives in order: the first one the file has wins, even if a later one is present too
    assert index.find(["Company response to consumer", "Company response"]) == "company_response_to_consumer"
    assert index.find(["Company response", "Company response to consumer"]) == "company_response"
    assert index.find(["Consumer complaint narrative", "complaint what happened"]) is None


def test_two_headers_matching_one_name_are_ambiguous():
    index = HeaderIndex(["Consumer disputed?", "consumer_disputed", "Company"])
    assert index.find(["Company"]) == "Company"
    with pytest.raises(AmbiguousHeader) as err:
        index.find(["Consumer disputed"])
    assert err.value.headers == ["Consumer disputed?", "consumer_disputed"]


CFPB_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]


def test_each_layouts_dates_read_by_the_first_format_that_fits():
    text = pd.Series(["2019-09-24", "3/7/2013", "12/31/2014", "2019-05-10T12:00:00-05:00",
                      "2019-05-10T23:59:59+08:00", "2019-06-01T07:30:00", "", "13/1/2015", "2019-02-30"])
    assert to_timestamps(text, CFPB_FORMATS).tolist() == [
        "2019-09-24 00:00:00", "2013-03-07 00:00:00", "2014-12-31 00:00:00",
        "2019-05-10 12:00:00",   # the offset is dropped: the time as written, not converted
        "2019-05-10 23:59:59",   # not moved to the previous day (UTC) either
        "2019-06-01 07:30:00",
        "", "13/1/2015", "2019-02-30"]   # empty stays empty; no month 13, no 30 February: passed on


def test_day_only_keeps_midnight_of_the_day_as_written():
    text = pd.Series(["2019-05-10T12:00:00-05:00", "2019-05-10T23:59:59+08:00", "3/7/2013", "x"])
    assert to_timestamps(text, CFPB_FORMATS, day_only=True).tolist() == [
        "2019-05-10 00:00:00", "2019-05-10 00:00:00", "2013-03-07 00:00:00", "x"]


def test_order_decides_between_month_first_and_day_first():
    text = pd.Series(["03/07/2013", "25/07/2013"])
    assert to_timestamps(text, ["%m/%d/%Y", "%d/%m/%Y"]).tolist() == ["2013-03-07 00:00:00", "2013-07-25 00:00:00"]
    assert to_timestamps(text, ["%d/%m/%Y", "%m/%d/%Y"]).tolist() == ["2013-07-03 00:00:00", "2013-07-25 00:00:00"]


def test_default_formats_read_contract_timestamps_and_dates_and_pass_the_rest():
    text = pd.Series(["2019-09-24", "2019/9/4", "2019-09-24 08:15", "2019-09-24 8:05:09", "2019/09/24 08:15",
                      "3/7/2013"])
    assert to_timestamps(text, DEFAULT_DATE_FORMATS).tolist() == [
        "2019-09-24 00:00:00", "2019-09-04 00:00:00", "2019-09-24 08:15:00", "2019-09-24 08:05:09",
        "2019/09/24 08:15",   # not a default format, but a contract timestamp: validation reads it
        "3/7/2013"]


@pytest.mark.parametrize("fmt, message", [
    ("%Y-%m", "does not read a year, a month and a day"),
    ("%H:%M", "does not read a year, a month and a day"),
    ("%Y-%m-%d %Q", "is not a usable date format"),
])
def test_unusable_formats_are_refused(fmt, message):
    with pytest.raises(ValueError, match=message):
        check_format(fmt)
    assert check_format("%m/%d/%Y") == "%m/%d/%Y"
