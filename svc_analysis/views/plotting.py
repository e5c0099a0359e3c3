"""The one plotting setup: seaborn theme, Chinese glyphs guaranteed, axis formats.

Chinese text needs a CJK font. A fresh Linux machine has none, so ``setup()`` uses, in order:
a CJK font matplotlib already knows (``CJK_FONTS``), else the OFL font NotoSansSC-Regular.otf that
ships in the pip package ``pylopdf_fonts_zh_cn`` (a declared dependency), registered by path with
``fontManager.addfont``. SimHei is deliberately not used (proprietary licence).

Axis ticks follow the office's habits: shares as percents ('85.3%'), large counts in 万 (ten
thousands: '1.2万'); the same words in sentences and tables come from views.display.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from cycler import cycler
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, MaxNLocator

from svc_analysis.core.masking import mask_text
# The number words and display frames live in views.display; named here too, where pages import them from.
from svc_analysis.views.display import (NO_DATA, NO_DATA_MONTH, YES_NO, display_frame, fmt_pct,  # noqa: F401
                                        fmt_points, fmt_signed, fmt_wan, trim_zeros, yes_no)

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


def percent_formatter(digits: int = 1) -> FuncFormatter:
    """Axis tick formatter for shares: 0.853 -> '85.3%'."""
    return FuncFormatter(lambda x, _pos: f"{x * 100:.{digits}f}%")


def wan_formatter(digits: int = 1) -> FuncFormatter:
    """Axis tick formatter in 万 on the whole axis (one unit for every tick): 12345 -> '1.2万', 0 -> '0'."""

    def fmt(x, _pos):
        if x == 0:
            return "0"
        return trim_zeros(f"{x / 10_000:.{digits}f}") + "万"

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
