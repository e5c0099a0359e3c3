from datetime import date

import duckdb
import pytest

from svc_analysis.core import contract, schema
from svc_analysis.engine import org


@pytest.fixture(scope="module")
def tree():
    con = duckdb.connect()
    cols = ", ".join(f"{c.name} {schema.DUCKDB_TYPES[c.type]}" for c in contract.table("outlets").columns)
    con.execute(f"CREATE TABLE outlets ({cols})")
    con.execute(
        "INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, closed_on) VALUES "
        "('O02', '光谷网点', '东湖支行', '武汉分行', 'standard', '2026-10-11', NULL),"
        "('O01', '东湖网点', '东湖支行', '武汉分行', 'standard', '2015-01-01', NULL),"
        "('O03', '江汉路网点', '江汉支行', '武汉分行', 'standard', NULL, '2026-10-21'),"
        "('O04', '汉街自助银行', '江汉支行', '武汉分行', 'self_service', '2018-01-01', NULL),"
        "('O05', '襄城网点', '襄城支行', '襄阳分行', 'standard', NULL, NULL)"
    )
    yield org.outlet_tree(con)
    con.close()


def test_outlet_tree_columns_order_and_dates(tree):
    assert list(tree.columns) == list(org.TREE_COLUMNS)
    assert tree["outlet_id"].tolist() == ["O01", "O02", "O03", "O04", "O05"]
    assert tree.loc[tree["outlet_id"] == "O02", "opened_on"].item() == date(2026, 10, 11)
    assert tree.loc[tree["outlet_id"] == "O01", "closed_on"].item() is None


@pytest.mark.parametrize(
    ("scope", "expected"),
    [(None, ("province", "province")), ("", ("province", "province")), ("  ", ("province", "province")),
     ("武汉分行", ("branch", "武汉分行")), (" 江汉支行 ", ("subbranch", "江汉支行"))],
)
def test_resolve_scope(tree, scope, expected):
    assert org.resolve_scope(tree, scope) == expected


def test_unknown_scope_lists_valid_names(tree):
    with pytest.raises(org.ScopeError) as err:
        org.resolve_scope(tree, "汉口分行")
    message = str(err.value)
    # in Chinese for the operator (issue 18): the unknown name and every valid one, branches then sub-branches
    assert message.startswith("未知的范围“汉口分行”：网点表中没有这个二级分行或支行。")
    assert "可选的二级分行有 武汉分行、襄阳分行；" in message
    assert "支行有 东湖支行、江汉支行、襄城支行。" in message


def test_scope_error_is_a_value_error(tree):
    # preflight catches ValueError
    with pytest.raises(ValueError):
        org.resolve_scope(tree, "nowhere")


def test_outlets_in_scope(tree):
    assert org.outlets_in_scope(tree, None) == ["O01", "O02", "O03", "O04", "O05"]
    assert org.outlets_in_scope(tree, "武汉分行") == ["O01", "O02", "O03", "O04"]
    assert org.outlets_in_scope(tree, "东湖支行") == ["O01", "O02"]
    assert org.outlets_in_scope(tree, "襄城支行") == ["O05"]


def test_units_in_scope(tree):
    assert org.units_in_scope(tree, None) is None
    assert org.units_in_scope(tree, "东湖支行") == ["O01", "O02", "东湖支行"]
    assert org.units_in_scope(tree, "武汉分行") == ["O01", "O02", "O03", "O04", "东湖支行", "武汉分行", "江汉支行"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 10), ["O01", "O03", "O04", "O05"]),  # O02 opens the next day
        (date(2026, 10, 11), ["O01", "O02", "O03", "O04", "O05"]),  # opening day counts
        (date(2026, 10, 20), ["O01", "O02", "O03", "O04", "O05"]),
        (date(2026, 10, 21), ["O01", "O02", "O04", "O05"]),  # closing day does not
    ],
)
def test_open_outlets(tree, day, expected):
    assert org.open_outlets(tree, day)["outlet_id"].tolist() == expected


def test_open_on_sql_matches_open_mask(tree):
    con = duckdb.connect()
    con.register("outlets_df", tree)
    for day in (date(2026, 10, 10), date(2026, 10, 11), date(2026, 10, 21)):
        sql = f"SELECT outlet_id FROM outlets_df WHERE {org.open_on_sql('?::DATE')} ORDER BY 1"
        ids = [r[0] for r in con.execute(sql, [day, day]).fetchall()]
        assert ids == org.open_outlets(tree, day)["outlet_id"].tolist()


def test_staffed_excludes_self_service(tree):
    assert org.staffed(tree)["outlet_id"].tolist() == ["O01", "O02", "O03", "O05"]


def test_scope_filter_on_ibis_table(tree):
    import ibis

    t = ibis.memtable(tree[["outlet_id", "branch"]])
    assert org.scope_filter(t, None) is t
    assert sorted(org.scope_filter(t, ["O01", "O05"]).execute()["outlet_id"]) == ["O01", "O05"]
