"""profiles: loading and validating mapping profiles, and each derivation on hand-made rows."""

import pandas as pd
import pytest

from svc_analysis.engine.profiles import ColumnSpec, ProfileError, load_profile
from svc_analysis.engine.readers import IngestError

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
    assert str(err.value) == "c.csv 缺少映射配置 cfpb 需要的列：Company。"


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
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: {from: c, optional: true}}\n",
     "columns.score: a required ratings column cannot be optional"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: {from: b, day_only: true}, score: c}\n",
     "columns.rated_at: Value error, day_only applies to a to_timestamp value only"),
    ("table: ratings\ndate_formats: ['%d.%m']\ncolumns: {outlet_id: a, rated_at: b, score: c}\n",
     "date_formats.0: Value error, '%d.%m' does not read a year, a month and a day"),
    ("table: ratings\ncolumns: {outlet_id: a, rated_at: b, score: {from: []}}\n",
     "columns.score.from: Value should have at least 1 item"),
])
def test_bad_profiles_name_the_key(tmp_path, text, message):
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    assert message in str(err.value) and "p.yaml" in str(err.value)


def test_unknown_profile_name_lists_known_ones():
    with pytest.raises(ProfileError, match=r"no mapping profile 'nope' \(known profiles: .*cfpb"):
        load_profile("nope")


def test_source_names_a_header_or_alternatives_matched_loosely():
    raw = pd.DataFrame({"company_response": ["Closed", "Closed with relief"], "TIMELY RESPONSE": ["No", "Yes"],
                        "_row": [2, 3]}, index=[2, 3])
    # {from: header} as before (matched ignoring case, spaces, _ and -) or {from: [alternatives]}
    for spec in ({"from": "Company Response"}, {"from": "company-response"},
                 {"from": ["Company response to consumer", "Company response"]}):
        assert ColumnSpec.model_validate(spec).apply(raw).tolist() == ["Closed", "Closed with relief"]
    gated = ColumnSpec.model_validate({"from": ["Company response to consumer", "Company response"],
                                       "only_if": [{"column": "Timely response?", "in": ["Yes"]}]})
    assert gated.apply(raw).tolist() == ["", "Closed with relief"]
    with pytest.raises(KeyError, match="no source column Consumer complaint narrative"):
        ColumnSpec.model_validate({"from": "Consumer complaint narrative"}).apply(raw)


def test_optional_spec_reads_an_absent_column_as_empty():
    raw = pd.DataFrame({"Issue": ["Fees", ""], "Sub-issue": ["Twice", "Lost card"]}, index=[2, 3])
    spec = ColumnSpec.model_validate({"concat": ["Issue", "Sub-issue", ["Consumer complaint narrative", "what"]],
                                      "sep": " | ", "optional": True})
    assert spec.apply(raw).tolist() == ["Fees | Twice", "Lost card"]
    assert ColumnSpec.model_validate({"from": "Tags", "optional": True, "prefix": "T-"}).apply(raw).tolist() == ["", ""]
    # an absent only_if column reads as empty too: 'in' fails, 'not_in' holds
    spec = ColumnSpec.model_validate({"from": "Issue", "optional": True,
                                      "only_if": [{"column": "Tags", "not_in": ["x"]}]})
    assert spec.apply(raw).tolist() == ["Fees", ""]


def test_check_headers_optional_absent_passes_required_absent_names_all_alternatives(tmp_path):
    profile = load_profile(_write(tmp_path, """
table: ratings
date_formats: ["%d.%m.%Y"]
columns:
  outlet_id: [Branch code, Outlet]
  rated_at: {from: [Rated on, Date], to_timestamp: true}
  score: Score
  staff_id: {from: Teller, optional: true}
"""))
    assert profile.date_formats == ["%d.%m.%Y"]
    assert profile.check_headers(["OUTLET", "rated_on", "score", "Remark"], "r.csv") == ["Remark"]
    with pytest.raises(IngestError) as err:
        profile.check_headers(["Score", "Teller"], "r.csv")
    assert str(err.value) == "r.csv 缺少映射配置 p 需要的列：Branch code（或 Outlet）、Rated on（或 Date）。"
    with pytest.raises(IngestError) as err:
        profile.check_headers(["Outlet", "Date", "Score", "score?"], "r.csv")
    assert str(err.value) == "r.csv 中 Score、score? 都对应映射配置 p 的列 Score，请只保留一列。"
    out = profile.apply(pd.DataFrame({"Outlet": ["O1"], "Date": ["7.3.2013"], "Score": ["5"], "_row": [2]}))
    assert out.to_dict("records") == [{"outlet_id": "O1", "rated_at": "2013-03-07 00:00:00", "score": "5",
                                       "staff_id": ""}]


def test_the_docs_example_profile_loads_and_reads_an_old_layout_row(tmp_path):
    from svc_analysis.core import config

    text = (config.DOCS_DIR / "ingest.md").read_text(encoding="utf-8")
    example = text.split("## 8. Mapping profiles")[1].split("```yaml\n")[1].split("```")[0]
    profile = load_profile(_write(tmp_path, example))
    raw = pd.DataFrame({"Complaint ID": ["7"], "Date received": ["3/7/2013"], "Submitted via": ["Phone"],
                        "Company": ["Old Bank"], "Company response": ["Closed with monetary relief"],
                        "Issue": ["Billing disputes"], "Sub-issue": [""], "Date sent to company": ["3/8/2013"],
                        "Timely response?": ["Yes"]})
    assert profile.check_headers(list(raw.columns), "old.csv") == []
    assert profile.apply(raw).to_dict("records") == [{
        "outlet_id": "Old Bank", "complaint_id": "CFPB-7", "received_at": "2013-03-07 00:00:00",
        "channel": "hotline", "category": "other", "responsible": "true", "description": "Billing disputes",
        "closed_at": "2013-03-08 00:00:00"}]
