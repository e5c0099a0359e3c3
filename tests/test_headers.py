"""headers: the normaliser's rule (case, spaces, _, -, trailing punctuation) and alternative lookup."""

import pytest

from svc_analysis.headers import AmbiguousHeader, HeaderIndex, normalise_header


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
