import textwrap
from datetime import date

import pytest

from svc_analysis.core import params as P


@pytest.fixture
def override(tmp_path):
    def write(text):
        path = tmp_path / "override.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return write


def test_defaults_carry_the_domain_targets():
    p = P.load_params("2026-10")
    # DOMAIN.md / DATA_CONTRACT.md figures
    assert p.complaints.reduction_target == 0.40
    assert p.complaints.comment_book_reply_hours == 72
    assert (p.complaints.closing_days.normal, p.complaints.closing_days.complex,
            p.complaints.closing_days.very_complex) == (15, 30, 60)
    assert p.satisfaction.rate_target == 0.90 and p.satisfaction.rate_floor == 0.85
    assert p.staff.star_teller_target == 0.85 and p.staff.expert_target == 0.80
    assert p.staff.english_target == 0.30 and p.staff.expert_test_roles == ["teller"]
    assert p.inspections.quarter_coverage_target == 0.60
    assert p.queue.overtime_wait_minutes == 20
    assert p.campaign.kpi("offsite_self_service_banks").target == 50
    assert p.campaign.kpi("offsite_self_service_banks").deadline == date(2026, 6, 30)


@pytest.mark.parametrize("month,target", [("2026-01", 92), ("2026-04", 92), ("2026-05", 95),
                                          ("2026-08", 95), ("2026-09", 98), ("2026-12", 98)])
def test_stage_target_in_force(month, target):
    assert P.load_params(month).inspections.stage_target(month) == target


def test_override_merges_key_by_key_and_replaces_lists(override):
    path = override("""
        satisfaction:
          rate_target: 0.92
        inspections:
          stage_targets:
            - {from_month: 1, to_month: 12, target: 90}
    """)
    p = P.load_params("2026-10", override=path)
    assert p.satisfaction.rate_target == 0.92
    assert p.satisfaction.rate_floor == 0.85  # untouched sibling survives the merge
    assert p.inspections.stage_target("2026-10") == 90  # plan 1's single target
    assert p.sources[-1] == str(path)


def test_monthly_override_file_applies_to_its_month_only(tmp_path):
    params_dir = tmp_path / "params"
    (params_dir / "months").mkdir(parents=True)
    for path in P.config.PARAMS_DIR.glob("*.yaml"):
        (params_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (params_dir / "months" / "2026-07.yaml").write_text("queue:\n  overtime_wait_minutes: 15\n", encoding="utf-8")
    assert P.load_params("2026-07", params_dir=params_dir).queue.overtime_wait_minutes == 15
    assert P.load_params("2026-08", params_dir=params_dir).queue.overtime_wait_minutes == 20


@pytest.mark.parametrize("text,key", [
    ("satisfaction:\n  rate_target: 1.5\n", "satisfaction.rate_target"),
    ("satisfaction:\n  rate_targte: 0.9\n", "satisfaction.rate_targte"),
    ("complaints:\n  closing_days:\n    complex: -3\n", "complaints.closing_days.complex"),
    ("inspections:\n  stage_targets:\n    - {from_month: 1, to_month: 6, target: 92}\n", "inspections"),
    ("complaint:\n  per_customers: 10000\n", "complaint"),
    ("ingest:\n  latest_days_ahead: -1\n", "ingest.latest_days_ahead"),
    ("ingest:\n  earliest_date: someday\n", "ingest.earliest_date"),
])
def test_invalid_params_fail_fast_naming_the_key(override, text, key):
    with pytest.raises(P.ParamsError) as err:
        P.load_params("2026-10", override=override(text))
    assert key in str(err.value)
    assert "override.yaml" in str(err.value)


def test_campaign_kpi_rules(override):
    bad = """
        campaign:
          kpis:
            - {id: a, name: x, unit_of_measure: 个, target: 1, start: 2026-05-01, deadline: 2026-01-01,
               combine: sum, curve: linear, units: branch}
    """
    with pytest.raises(P.ParamsError, match="deadline is before start"):
        P.load_params(override=override(bad))


def test_unreadable_files_say_which(override, tmp_path):
    with pytest.raises(P.ParamsError, match="does not exist"):
        P.load_params(override=tmp_path / "missing.yaml")
    with pytest.raises(P.ParamsError, match="not valid YAML"):
        P.load_params(override=override("a: [1, 2\n"))


def test_a_binary_params_file_is_one_sentence_naming_it(tmp_path):
    binary = tmp_path / "campaign.xlsx.yaml"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U\x8e\xff")  # an XLSX's first bytes
    with pytest.raises(P.ParamsError) as caught:
        P.load_params(override=binary)
    assert str(caught.value).startswith(f"参数文件 {binary} 不是 UTF-8 文本（第 15 字节起无法解码）")  # 0xb5 is byte 15
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"a: 1\n\x00\x01\x02")  # valid UTF-8, but YAML refuses control characters
    with pytest.raises(P.ParamsError, match=f"^参数文件 {nul} .*不是有效的 YAML"):
        P.load_params(override=nul)


def test_deep_merge_is_pure():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 4}
    merged = P.deep_merge(base, {"a": {"c": [3]}, "e": 5})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 4, "e": 5}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 4}


def test_monthly_tables_must_be_event_tables(override):
    with pytest.raises(P.ParamsError, match="outlets is not a contract table with an event time"):
        P.load_params(override=override("report:\n  monthly_tables: [tickets, outlets]\n"))
