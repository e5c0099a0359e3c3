"""profiles: loading and validating mapping profiles, and each derivation on hand-made rows."""

import pandas as pd
import pytest

from svc_analysis.profiles import ColumnSpec, ProfileError, load_profile
from svc_analysis.readers import IngestError

RAW = pd.DataFrame({
    "Date received": ["2019-09-24", "2020-01-02", ""],
    "Submitted via": ["Web", "Referral", "Carrier pigeon"],
    "Issue": ["Communication tactics", "Fraud or scam", "Fees or interest"],
    "Sub-issue": ["Used obscene language", "", ""],
    "Consumer complaint narrative": ["They yelled.", "", "Fee twice."],
    "Company": ["Acme Corp", "acme corp", "9 Lives LLC"],
    "Complaint ID": ["3384392", "1", "2"],
    "Company response to consumer": ["Closed with monetary relief", "In progress", "Untimely response"],
    "Timely response?": ["Yes", "Yes", "No"],
    "Date sent to company": ["2019-09-25", "2020-01-02", "2020-01-03"],
    "Product": ["Debt collection", "Mortgage", "Credit card"],
}, index=[2, 3, 4])


def _write(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cfpb_profile_maps_every_column_by_its_documented_rule():
    profile = load_profile("cfpb")
    assert profile.name == "cfpb" and profile.table == "complaints"
    out = profile.apply(RAW)
    assert out["complaint_id"].tolist() == ["CFPB-3384392", "CFPB-1", "CFPB-2"]
    assert out["received_at"].tolist() == ["2019-09-24 00:00:00", "2020-01-02 00:00:00", ""]
    # no default for channel: an unknown value passes through for validation to set aside
    assert out["channel"].tolist() == ["online", "regulator", "Carrier pigeon"]
    assert out["category"].tolist() == ["attitude", "other", "fees"]
    assert out["responsible"].tolist() == ["true", "false", "false"]
    assert out["description"].tolist() == ["Communication tactics | Used obscene language | They yelled.",
                                           "Fraud or scam", "Fees or interest | Fee twice."]
    # replied: timely and answered; closed: timely and closed
    assert out["replied_at"].tolist() == ["2019-09-25 00:00:00", "2020-01-02 00:00:00", ""]
    assert out["closed_at"].tolist() == ["2019-09-25 00:00:00", "", ""]
    assert out["outlet_id"].tolist() == ["Acme Corp", "acme corp", "9 Lives LLC"]


def test_cfpb_outlets_one_row_per_distinct_company():
    outlets = load_profile("cfpb").outlet_rows(RAW)
    assert outlets.to_dict("records") == [
        {"outlet_id": "Acme Corp", "outlet_name": "Acme Corp", "subbranch": "CFPB-A", "branch": "CFPB",
         "outlet_type": "standard"},
        {"outlet_id": "acme corp", "outlet_name": "acme corp", "subbranch": "CFPB-A", "branch": "CFPB",
         "outlet_type": "standard"},
        {"outlet_id": "9 Lives LLC", "outlet_name": "9 Lives LLC", "subbranch": "CFPB-9", "branch": "CFPB",
         "outlet_type": "standard"},
    ]


def test_spec_map_default_first_letter_and_suffix():
    raw = pd.DataFrame({"a": ["x", "y", "", "_z"]})
    spec = ColumnSpec.model_validate({"from": "a", "map": {"x": "X1"}, "default": "other"})
    assert spec.apply(raw).tolist() == ["X1", "other", "other", "other"]
    spec = ColumnSpec.model_validate({"from": "a", "first_letter": True, "suffix": "!"})
    assert spec.apply(raw).tolist() == ["X!", "Y!", "", "#!"]
    assert ColumnSpec.model_validate({"const": "k"}).apply(raw).tolist() == ["k"] * 4


def test_check_headers_missing_source_column_and_unused_headers():
    profile = load_profile("cfpb")
    headers = list(RAW.columns) + ["State"]
    assert profile.check_headers(headers, "c.csv") == ["State"]
    with pytest.raises(IngestError) as err:
        profile.check_headers([h for h in headers if h != "Company"], "c.csv")
    assert str(err.value) == ("c.csv 缺少映射配置 cfpb 需要的列：Company。"
                              "c.csv: profile 'cfpb' needs column(s) the file lacks: 'Company'.")


@pytest.mark.parametrize("text, message", [
    ("table: complaint\ncolumns: {}\n", "table: unknown table 'complaint'"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b}\n", "columns: required ratings column score is not mapped"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: c, stars: d}\n",
     "columns.stars: not a column of ratings"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: {from: c, const: '5'}}\n",
     "columns.score: Value error, give exactly one of 'from', 'concat' or 'const'"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: {from: c, map: {Yes: '5'}}}\n",
     "columns.score.map: Value error, 'True' must be quoted text"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: {from: c, mapp: {}}}\n",
     "columns.score.mapp: Extra inputs are not permitted"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: c}\noutlets: {outlet_name: a}\n",
     "outlets: required outlets column subbranch is not mapped"),
    ("table: ratings\ncolumns: [\n", "is not valid YAML"),
])
def test_bad_profiles_name_the_key(tmp_path, text, message):
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    assert message in str(err.value) and "p.yaml" in str(err.value)


def test_unknown_profile_name_lists_known_ones():
    with pytest.raises(ProfileError, match=r"no mapping profile 'nope' \(known profiles: .*cfpb"):
        load_profile("nope")
