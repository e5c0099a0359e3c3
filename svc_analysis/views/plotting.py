"""The one plotting setup: seaborn theme, Chinese glyphs guaranteed, number formats.

Chinese text needs a CJK font. A fresh Linux machine has none, so ``setup()`` uses, in order:
a CJK font matplotlib already knows (``CJK_FONTS``), else the OFL font NotoSansSC-Regular.otf that
ships in the pip package ``pylopdf_fonts_zh_cn`` (a declared dependency), registered by path with
``fontManager.addfont``. SimHei is deliberately not used (proprietary licence).

Numbers in charts and text follow the office's habits: shares as percents ('85.3%'), large counts
in 万 (ten thousands: '1.2万'). No data is written '无数据' and never as 0.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import PurePath

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, MaxNLocator

from svc_analysis.core.masking import mask_text
from svc_analysis.views import formats

NO_DATA = "无数据"
NO_DATA_MONTH = "本月无数据"

# Fonts preferred when already installed (system or user fonts); the first one known wins.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
)
BUNDLED_FONT_PACKAGE = "pylopdf_fonts_zh_cn"
BUNDLED_FONT_FILE = "NotoSansSC-Regular.otf"

# Print-friendly palette ordered so that neighbouring series differ in lightness as well as hue:
# the first three stay apart in black-and-white print (dark navy, mid orange, light grey-blue),
# and line charts also cycle line styles so key series never depend on colour alone.
PALETTE = ("#1f3b63", "#e07b24", "#8fb3d9", "#5b8c3a", "#a23b3b", "#7d7d7d")
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)))
HIGHLIGHT = PALETTE[4]  # a series or bar that misses its target

FIGURE_DPI = 110  # 8 x 4 inch figures come out about 880 px wide: the width of an HTML report column
FIGURE_SIZE = (8.0, 4.0)


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of the CJK font used for Chinese text (registering the bundled one if needed)."""
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    path = resources.files(BUNDLED_FONT_PACKAGE) / BUNDLED_FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"no CJK font installed and {path} is missing: reinstall {BUNDLED_FONT_PACKAGE}")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def setup() -> str:
    """Apply the project theme to matplotlib/seaborn and return the CJK font family in use.

    Idempotent: the font lookup is cached, so later calls only re-apply rcParams (a few ms).
    """
    import seaborn as sns

    font = cjk_font()
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=list(PALETTE),
        rc={
            "font.family": "sans-serif",
            # CJK font first for a uniform look; DejaVu Sans catches any symbol it lacks.
            "font.sans-serif": [font, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "axes.prop_cycle": cycler(color=PALETTE) + cycler(linestyle=LINESTYLES),
            "axes.spines.top": False,
            "axes.spines.right": False,
            # no bold: the bundled font has one weight, and asking for bold logs a findfont warning
            "axes.titleweight": "normal",
            "figure.dpi": FIGURE_DPI,
            "figure.figsize": FIGURE_SIZE,
            "savefig.dpi": FIGURE_DPI,
            "savefig.bbox": "tight",
            "legend.frameon": False,
            # names from the data are drawn as they are: a '$' pair in one is not LaTeX (mathtext)
            "text.parse_math": False,
        },
    )
    mask_chart_text()
    from svc_analysis.views.chart_alt import install  # charts get Chinese alt text from their titles (issue 18)

    install()
    return font


def mask_chart_text() -> None:
    """Every text matplotlib draws from now on is masked (masking.mask_text): a chart is a picture,
    so the pack gate cannot read it, and outlet names or products on axes and in titles come from
    the data. matplotlib has no hook for this; Text.set_text (which every title, label, tick label,
    legend entry and annotation goes through) is wrapped once per process. Idempotent.
    """
    from matplotlib.text import Text

    if getattr(Text.set_text, "masks_personal_data", False):
        return
    original = Text.set_text

    def set_text(self, s):
        return original(self, mask_text(s) if isinstance(s, str) else s)

    set_text.masks_personal_data = True
    Text.set_text = set_text


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(x))
    except TypeError:  # pandas.NA and other non-floats
        try:
            return bool(pd.isna(x))
        except (TypeError, ValueError):
            return False


def _trim(number: str) -> str:
    """'2.0' -> '2', '1.50' -> '1.5': trailing zeros after the point carry no information."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def fmt_pct(x, digits: int = 1) -> str:
    """A share (0-1) as a percent: 0.853 -> '85.3%'; None/NaN -> '无数据'."""
    if _missing(x):
        return NO_DATA
    return f"{float(x) * 100:.{digits}f}%"


def fmt_signed(x, digits: int = 1) -> str:
    """A change with its sign, thousands separated: 1.25 -> '+1.2', a change that rounds to zero has no
    sign ('0.0', never '-0.0'); None/NaN -> '无数据' (views.formats.signed)."""
    return formats.signed(x, digits, grouping=True)


def fmt_points(x, digits: int = 1) -> str:
    """A change of a share (0-1) in percentage points: 0.012 -> '+1.2 个百分点', never '-0.0'
    (views.formats.points_change, the one spelling of a points change on every page)."""
    return formats.points_change(x, digits)


def fmt_wan(x, digits: int = 1) -> str:
    """A count in 万 when it reaches 10,000: 12345 -> '1.2万', 20000 -> '2万', 800 -> '800'.

    None/NaN -> '无数据'. Below 万 the whole number reads better in a sentence, thousands separated as
    every count on a page (views.formats.count): 7870 -> '7,870'; 123456789 -> '12,345.7万'.
    """
    if _missing(x):
        return NO_DATA
    value = float(x)
    if abs(value) < 10_000:
        return formats.count(value)
    return _trim(f"{value / 10_000:,.{digits}f}") + "万"


YES_NO = {True: "是", False: "否"}


def yes_no(value) -> str:
    """A true/false for a reader: 是 / 否; blank when empty (never 'True' / 'False')."""
    return "" if _missing(value) else YES_NO[bool(value)]


def _is_yes_no(column: pd.Series) -> bool:
    """A bool column, or an object column whose values are all bools (numpy or Python) or empty."""
    if pd.api.types.is_bool_dtype(column):
        return True
    if column.dtype != object:
        return False
    present = column.dropna()
    return len(present) > 0 and all(isinstance(v, (bool, np.bool_)) for v in present)


def display_frame(frame, labels: dict | None = None, percent=(), flags=(), paths=(), counts=()):
    """A copy of a small frame for showing in a report.

    ``percent`` columns become '85.3%' (无数据 when empty), ``counts`` columns '1,237,749'
    (views.formats.count; blank when empty), ``flags`` columns '⚠' or blank, other
    true/false columns 是 / 否 (``yes_no``: never 'True' / 'False' on a page), ``paths``
    columns keep only the file name (a folder says nothing to the reader and may name a person's home);
    times are cut to the second, empty text and dates are blank, text is masked (masking.mask_text:
    free text such as a product may hold a phone number), rows are numbered from 1, and columns are
    renamed with ``labels``. HTML escaping is pandas' own (to_html escapes by default).
    """
    out = frame.copy()
    for col in out.columns:
        if col in paths:
            out[col] = out[col].map(lambda p: PurePath(p).name, na_action="ignore")
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M:%S")
        if col in percent:
            out[col] = out[col].map(fmt_pct)
        elif col in counts:
            out[col] = out[col].map(lambda x: "" if _missing(x) else formats.count(x))
        elif col in flags:
            out[col] = out[col].map(lambda flag: "⚠" if not pd.isna(flag) and bool(flag) else "")
        elif _is_yes_no(out[col]):
            out[col] = out[col].astype(object).map(yes_no)
        elif not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].astype(object).where(out[col].notna(), "").map(mask_text)
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out.rename(columns=labels or {})


def percent_formatter(digits: int = 1) -> FuncFormatter:
    """Axis tick formatter for shares: 0.853 -> '85.3%'."""
    return FuncFormatter(lambda x, _pos: f"{x * 100:.{digits}f}%")


def wan_formatter(digits: int = 1) -> FuncFormatter:
    """Axis tick formatter in 万 on the whole axis (one unit for every tick): 12345 -> '1.2万', 0 -> '0'."""

    def fmt(x, _pos):
        if x == 0:
            return "0"
        return _trim(f"{x / 10_000:.{digits}f}") + "万"

    return FuncFormatter(fmt)



def no_data(ax, message: str = NO_DATA) -> None:
    """Turn ``ax`` into an empty-state panel: the message centred, no axes (a chart with no data)."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=PALETTE[5])
    ax.set_axis_off()


def bar_panels(frame, panel: str, x: str, y: str, titles: dict | None = None, xlabel: str = "",
               ylabel: str = "", ncols: int = 3):
    """Small multiples: one bar chart of ``y`` against ``x`` per value of ``panel``, in order of appearance.

    A panel whose values reach 10,000 gets a 万 axis. Returns the figure.
    """
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(frame[panel]))
    nrows = max(1, -(-len(names) // ncols))
    width, height = FIGURE_SIZE
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * 0.6 * nrows), squeeze=False, sharex=True)
    for ax, name in zip(axes.flat, names):
        part = frame[frame[panel] == name]
        ax.bar(part[x], part[y], color=PALETTE[0], width=0.8)
        ax.set_title((titles or {}).get(name, str(name)), fontsize="medium")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        if not part[y].fillna(0).any():  # an empty panel says so instead of drawing a zero line
            ax.set_ylim(0, 1)
            ax.set_yticks([])
            ax.text(0.5, 0.5, NO_DATA, transform=ax.transAxes, ha="center", va="center", color=PALETTE[5])
        elif part[y].max() >= 10_000:
            ax.yaxis.set_major_formatter(wan_formatter())
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    if ylabel:
        fig.supylabel(ylabel)
    fig.tight_layout()
    return fig
