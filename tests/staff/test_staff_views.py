"""staff_views.py: the notebook's tables and sentences from the hand-built warehouse's KPI rows."""

import matplotlib
import pytest

matplotlib.use("Agg")

from svc_analysis.engine import org  # noqa: E402
from svc_analysis.staff import staff
from svc_analysis.staff import views as staff_views
from svc_analysis.staff import star_moves
from tests.staff import support as fx  # noqa: E402
from tests.staff.test_staff import ROLES, TARGETS  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    con = fx.build(tmp_path_factory.mktemp("views") / "w.duckdb")
    tree = org.outlet_tree(con)
    counts = staff.outlet_counts(con, fx.DAY, **ROLES)
    units = staff.units(tree, counts, fx.DAY)
    rows = staff.staff_kpis(counts, units, "2026-10", TARGETS)
    yield con, units, rows
    con.close()


def test_child_level():
    assert [staff_views.child_level(x) for x in org.LEVELS] == ["branch", "subbranch", "outlet", "outlet"]


def test_headline_table(built):
    _, units, rows = built
    table = staff_views.headline(rows, "province", units)
    assert table["单位"].tolist() == ["全省", "B1", "B2"]
    star = table.columns[1]
    assert star == "星级柜员率（目标 85%）"
    assert table.loc[1, star] == "66.7%（8/12） ✗"
    assert table.loc[3, star] == "无数据"  # B2 has no tellers
    assert table.loc[1, table.columns[4]] == "50.0%（1/2） ✗"


def test_headline_sentence(built):
    _, _, rows = built
    text = staff_views.headline_sentence(rows, "province", "全省")
    assert text.startswith("全省月末：星级柜员率 66.7%（8/12），低于 85% 的目标，还需 3 名柜员评上星级")
    assert "业务能手率 41.7%（5/12），低于 80% 的目标，还需 5 人通过业务能手测试" in text


def test_below_table_and_sentence(built):
    _, units, rows = built
    missed = staff.below_target(rows)
    table = staff_views.below_table(missed, units)
    # province, B1, S1 (6/9: 2 short), S2 (2/3: 1), then outlets by star shortfall: O2 (2/4: 2), O1, O3 (1 each)
    assert table["单位"].tolist() == ["全省", "B1", "S1", "S2", "二号网点", "一号网点", "三号网点"]
    assert table.loc[1, "星级柜员率"] == "差 3 人（66.7%）"
    assert table.loc[1, "手语服务网点覆盖率"] == "差 1 个（50.0%）"
    assert table.loc[3, "手语服务网点覆盖率"] == ""               # S1 meets it
    assert table.loc[3, "业务能手率"] == "差 4 人（44.4%）"        # 4/9 -> 7.2 -> 8 needed
    outlets = staff_views.below_table(missed, units, ["outlet"])
    assert outlets["层级"].unique().tolist() == ["网点"] and len(outlets) == 3
    assert staff_views.middle_levels("province") == ["branch", "subbranch"]
    assert staff_views.middle_levels("subbranch") == []
    text = staff_views.below_sentence(missed, "branch")
    assert text == ("星级柜员率未达标的二级分行：B1（66.7%，差 3 人）；业务能手率未达标的二级分行：B1（41.7%，差 5 人）。")


def test_moves_sentence(built):
    con, units, _ = built
    _, month = star_moves.movements(con, fx.DAY.replace(day=30, month=9), fx.DAY, units)
    text = staff_views.moves_sentence(month, month)
    assert text.startswith("与上月末相比：升星 1 人、降星 1 人、评定失效 1 人、新评定或恢复 1 人、新入职未评定 1 人。")


def test_distribution_chart(built):
    import matplotlib.pyplot as plt

    from svc_analysis.views import plotting

    plotting.setup()
    con, units, _ = built
    dist = star_moves.distribution(star_moves.tellers(con, fx.DAY), units)
    fig = staff_views.plot_distribution(dist, "branch", 0.85)
    ax = fig.axes[0]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(0.15)  # the no-star ceiling
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(star_moves.STATES)
    plt.close(fig)


def test_below_table_with_nothing_to_list(built):
    _, units, rows = built
    empty = staff_views.below_table(staff.below_target(rows), units, [])
    assert empty.empty and list(empty.columns) == ["层级", "单位", *staff_views.METRIC_ZH.values()]


@pytest.fixture(scope="module")
def no_staff(tmp_path_factory):
    """The fixture's outlets with no staff rows at all (a bank that loaded only complaints)."""
    con = fx.build(tmp_path_factory.mktemp("views-empty") / "w.duckdb", staff=[], ratings=[], tests=[])
    tree = org.outlet_tree(con)
    counts = staff.outlet_counts(con, fx.DAY, **ROLES)
    yield con, tree, counts
    con.close()


def test_sentences_without_staff_say_no_data(no_staff, built):
    con, tree, counts = no_staff
    _, month = star_moves.movements(con, fx.DAY.replace(day=30, month=9), fx.DAY, tree)
    assert staff_views.moves_sentence(month, month) == ("与上月末相比：两个时点都没有在岗柜员（无数据）。"
                                                        "与上年末相比：两个时点都没有在岗柜员（无数据）。")
    gaps = staff.sign_language_gaps(counts, tree)
    assert gaps.empty
    assert staff_views.sign_language_sentence(gaps, counts) == "月末没有在岗的大堂经理（无数据），无法检查手语服务。"
    # with staff: lobby managers in service L1 (O1, passed sign language) and L2 (O3, failed): O3 is the gap
    full_con, units, _ = built
    full = staff.outlet_counts(full_con, fx.DAY, **ROLES)
    assert staff_views.sign_language_sentence(staff.sign_language_gaps(full, units), full) == "共 1 个网点。"
    covered = full[full["outlet_id"] != "O3"]
    assert (staff_views.sign_language_sentence(staff.sign_language_gaps(covered, units), covered)
            == "所有有大堂经理的网点都至少有一名会手语的大堂经理。")


def test_distribution_chart_without_tellers_is_an_empty_state(no_staff):
    import matplotlib.pyplot as plt

    from svc_analysis.views import plotting

    plotting.setup()
    con, tree, _ = no_staff
    dist = star_moves.distribution(star_moves.tellers(con, fx.DAY), tree)
    fig = staff_views.plot_distribution(dist, "branch", 0.85)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["月末没有在岗柜员（无数据）"] and not ax.patches and not ax.axison
    plt.close(fig)
