import logging
import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from svc_analysis.views import plotting  # noqa: E402

CHINESE = "投诉率（每万名客户）"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_setup_sets_cjk_font_and_plain_minus():
    font = plotting.setup()
    assert matplotlib.rcParams["font.sans-serif"][0] == font
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["figure.dpi"] == plotting.FIGURE_DPI
    assert "SimHei" not in matplotlib.rcParams["font.sans-serif"]


def test_setup_is_idempotent():
    first = plotting.setup()
    second = plotting.setup()
    assert first == second
    assert matplotlib.rcParams["font.sans-serif"].count(first) == 1


def test_font_used_for_chinese_has_every_glyph():
    plotting.setup()
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    text = CHINESE + "满意度环比同比网点支行分行无数据万"
    missing = [ch for ch in text if ord(ch) not in charmap]
    assert missing == []


def test_chinese_figure_renders_without_missing_glyph_warnings(tmp_path, caplog):
    plotting.setup()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [0.1, -0.2, 0.3], label="满意度")
    ax.bar(["东湖支行", "江汉支行", "武昌支行"], [0.5, 0.6, 0.7], label="星级柜员率")
    ax.set_title(CHINESE)
    ax.set_xlabel("二级分行")
    ax.set_ylabel("占比")
    ax.yaxis.set_major_formatter(plotting.percent_formatter())
    ax.legend(title="指标")
    fig.suptitle("月度汇总")
    # findfont caches its answers: clear them so a font fallback is logged again in this test
    font_manager.fontManager._findfont_cached.cache_clear()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "chart.png")
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "Glyph" in m or "missing from font" in m], messages
    assert not [m for m in messages if "findfont" in m], messages  # e.g. a weight the font lacks
    assert (tmp_path / "chart.png").stat().st_size > 1000


def test_installed_cjk_font_is_preferred(monkeypatch):
    # Pretend DejaVu Sans were a CJK font listed first: the lookup must take it and register nothing.
    plotting.cjk_font.cache_clear()
    monkeypatch.setattr(plotting, "CJK_FONTS", ("No Such Font", "DejaVu Sans"))
    try:
        assert plotting.cjk_font() == "DejaVu Sans"
    finally:
        plotting.cjk_font.cache_clear()


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.853, 1, "85.3%"), (1, 1, "100.0%"), (0, 1, "0.0%"), (0.85333, 2, "85.33%"), (0.5, 0, "50%")],
)
def test_fmt_pct(value, digits, expected):
    assert plotting.fmt_pct(value, digits) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, math.nan])
def test_no_data_is_never_zero(missing):
    assert plotting.fmt_pct(missing) == "无数据"
    assert plotting.fmt_wan(missing) == "无数据"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345, "1.2万"), (20000, "2万"), (15000, "1.5万"), (800, "800"), (9999, "9,999"), (-25000, "-2.5万"),
     (123456789, "12,345.7万"), (7870, "7,870")],  # counts thousands separated on every page (issue 14)
)
def test_fmt_wan(value, expected):
    assert plotting.fmt_wan(value) == expected


def test_axis_formatters():
    pct = plotting.percent_formatter()
    assert pct(0.853, 0) == "85.3%"
    assert plotting.percent_formatter(0)(0.9, 0) == "90%"
    wan = plotting.wan_formatter()
    assert wan(12345, 0) == "1.2万"
    assert wan(5000, 0) == "0.5万"
    assert wan(0, 0) == "0"


def test_bar_panels_one_panel_per_group_with_wan_axis():
    plotting.setup()
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [1, 2, 1, 2], "y": [3, 5, 20000, 40000]})
    fig = plotting.bar_panels(frame, panel="g", x="x", y="y", titles={"a": "投诉"}, ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["投诉", "b"]
    assert len(fig.axes) == 3  # the unused third panel is hidden
    assert visible[1].yaxis.get_major_formatter()(20000, 0) == "2万"
    assert [p.get_height() for p in visible[0].patches] == [3, 5]


def test_display_frame():
    frame = pd.DataFrame({
        "share": [0.853, None], "low": [True, False], "file": ["/home/wang/x/tickets.csv", None],
        "at": pd.to_datetime(["2026-11-02 08:01:05.5", None]), "note": ["a", None], "n": [3, 4]})
    shown = plotting.display_frame(frame, {"share": "占比"}, percent=("share",), flags=("low",), paths=("file",))
    assert list(shown.columns) == ["占比", "low", "file", "at", "note", "n"]
    assert shown.index.tolist() == [1, 2]
    assert shown.loc[1].tolist() == ["85.3%", "⚠", "tickets.csv", "2026-11-02 08:01:05", "a", 3]
    assert shown.loc[2].tolist() == ["无数据", "", "", "", "", 4]
    assert frame["share"].tolist()[0] == 0.853  # the input is not changed


def test_display_frame_shows_true_false_as_shi_fou():
    """Issue 14: 'True' in the escalation table. Every true/false column reads 是 / 否, blank when empty:
    a numpy bool column, a nullable boolean column with a gap, and an object column of Python bools
    (what a frame built from dicts holds). A 0/1 count column stays a number."""
    frame = pd.DataFrame({"responsible": [True, False], "recheck": pd.array([pd.NA, True], dtype="boolean"),
                          "mixed": pd.Series([False, None], dtype=object), "n": [0, 1]})
    shown = plotting.display_frame(frame, {"responsible": "是否责任性投诉"})
    assert shown["是否责任性投诉"].tolist() == ["是", "否"]
    assert shown["recheck"].tolist() == ["", "是"]
    assert shown["mixed"].tolist() == ["否", ""]
    assert shown["n"].tolist() == [0, 1]
    assert "True" not in shown.to_html() and "False" not in shown.to_html()
    assert [plotting.yes_no(v) for v in (True, False, None, pd.NA)] == ["是", "否", "", ""]


@pytest.mark.parametrize(("change", "expected"), [
    (0.012, "+1.2 个百分点"), (-0.2, "-20.0 个百分点"), (0.001, "+0.1 个百分点"),
    (-0.0004, "0.0 个百分点"),   # -0.04 points rounds to 0.0: no '-0.0' (issue 14)
    (-0.00049, "0.0 个百分点"), (0.0004, "0.0 个百分点"), (0.0, "0.0 个百分点"), (-0.0, "0.0 个百分点"),
    (-0.0005001, "-0.1 个百分点"),  # -0.05001 points rounds to -0.1
    (None, "无数据"), (float("nan"), "无数据")])
def test_fmt_points_never_prints_minus_zero(change, expected):
    assert plotting.fmt_points(change) == expected


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (3, 0, "+3"), (-2, 0, "-2"), (-0.4, 0, "0"), (-0.04, 1, "0.0"), (1234.5, 1, "+1,234.5"), (-1234, 0, "-1,234")])
def test_fmt_signed_has_no_sign_on_zero(value, digits, expected):
    assert plotting.fmt_signed(value, digits) == expected


def test_bar_panels_marks_empty_panel_as_no_data():
    plotting.setup()
    frame = pd.DataFrame({"g": ["a", "a"], "x": [1, 2], "y": [0, 0]})
    ax = plotting.bar_panels(frame, panel="g", x="x", y="y").axes[0]
    assert [t.get_text() for t in ax.texts] == ["无数据"]
    assert list(ax.get_yticks()) == []


def test_no_data_panel_shows_the_message_without_axes():
    import matplotlib.pyplot as plt

    plotting.setup()
    fig, (left, right) = plt.subplots(1, 2)
    plotting.no_data(left)
    plotting.no_data(right, plotting.NO_DATA_MONTH)
    assert [t.get_text() for t in left.texts] == ["无数据"] and [t.get_text() for t in right.texts] == ["本月无数据"]
    assert not left.axison and not right.axison
    plt.close(fig)


def test_chart_text_from_the_data_is_masked_and_never_mathtext():
    plotting.setup()
    fig, ax = plt.subplots()
    ax.bar(["网点13812345678", "$x$网点"], [1, 2])
    ax.set_title("客户 13812345678")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["网点138****5678", "$x$网点"]
    assert ax.get_title() == "客户 138****5678"
    plt.close(fig)


def test_display_frame_masks_text_columns():
    frame = pd.DataFrame({"product": ["手机银行 13812345678", None], "n": [1, 2]})
    assert plotting.display_frame(frame)["product"].tolist() == ["手机银行 138****5678", ""]
