import pytest

from svc_analysis.core import contract, schema


@pytest.mark.parametrize("stem,table", [
    ("complaints", "complaints"), ("complaints_2026-10", "complaints"), ("投诉", "complaints"),
    ("投诉202610", "complaints"), ("star_ratings_2026", "star_ratings"), ("ratings", "ratings"),
    ("Tickets-Oct", "tickets"), ("神秘人检查_三季度", "inspections"), ("网点", "outlets"),
    ("ratingsx", None), ("unknown", None),
])
def test_table_for_filename(stem, table):
    assert contract.table_for_filename(stem) == table


def test_every_reference_points_to_an_earlier_table():
    order = contract.LOAD_ORDER
    for t in contract.TABLES.values():
        for col in t.columns:
            if col.references:
                target, column = col.references.split(".")
                assert order.index(target) < order.index(t.name), (t.name, col.name)
                assert column in contract.table(target).column_names


def test_keys_and_event_times_are_real_columns():
    for t in contract.TABLES.values():
        for name in t.identity:
            t.column(name)
        if t.event_time:
            assert t.column(t.event_time).type in (schema.DATE, schema.TIMESTAMP)


def test_headers_are_unique_within_a_table():
    for t in contract.TABLES.values():
        headers = [h.lower() for c in t.columns for h in c.headers]
        assert len(headers) == len(set(headers)), t.name


def test_values_and_aliases_are_unambiguous():
    for t in contract.TABLES.values():
        for col in t.columns:
            if col.values:
                words = [w.lower() for canon, aliases in col.values.items() for w in (canon, *aliases)]
                assert len(words) == len(set(words)), (t.name, col.name)


def test_contract_matches_the_documented_tables():
    assert set(contract.TABLES) == {
        "outlets", "staff", "star_ratings", "skill_tests", "complaints", "praises", "ratings",
        "surveys", "tickets", "inspections", "campaign_actuals", "report_submissions"}
    assert contract.table("complaints").primary_key == ("complaint_id",)
    # DATA_CONTRACT.md: "rating_id? (评价编号) primary key when present"; without one, the whole row
    ratings = contract.table("ratings")
    assert ratings.primary_key is None and ratings.optional_key == ratings.key == ("rating_id",)
    assert ratings.identity == ("outlet_id", "rated_at", "score", "staff_id", "rating_id")
    assert ratings.column("rating_id").zh == ("评价编号",) and not ratings.column("rating_id").required
    assert contract.table("complaints").key == ("complaint_id",) and contract.table("star_ratings").key is None
    personal = {c.name for c in contract.table("complaints").columns if c.personal}
    assert personal == {"customer_id", "customer_phone", "description"}
    with pytest.raises(KeyError, match="unknown table 'complaint'"):
        contract.table("complaint")
