"""The one way a KPI row is shown: its value in the catalogue's unit, its interval, its status word.

Every page table of KPI rows and the index use these helpers, so a figure reads the same everywhere
and can be checked against its kpis.csv row (tests/pack/test_consistency.py):

- ``value_text``: the value in the unit of core.catalogue (share 85.3%, balance +65 (NPS), per_10k 12.34, count 1,234,
  minutes and scores 3.2, yuan 1,234); 无数据 without a value. Displayed rounding never contradicts
  the judgment: when rounding would put the value on the other side of its target (0.3995 against
  0.40 shows 40.0% although it missed), more digits are shown (39.95%) until it does not;
- ``interval_text``: the interval an area computed for the row (stats: Wilson for shares of counts,
  exact Poisson for rates per 10,000), in the value's own unit, e.g. 38.2%–41.6%; blank without one;
- ``status_text``: core.status.label of the row's status (达标, 未达标, 样本不足 ...): never judged here;
- ``figure_html`` / ``status_html``: the same texts in a <span> marked with the row's key
  (``data-kpi="metric|level|unit_id"``, ``data-kpi-status="<status>"``; ``data-kpi-label`` on the
  status word), kept by the pages' sanitiser (pack.page_safety allows these attributes on span);
- ``table``: rows as a page table (KpiTable: HTML with the marked spans, plain text elsewhere).
A row whose status is small_sample shows its value with 样本不足 and no interval: it is not judged.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from svc_analysis.core import catalogue, status as st
from svc_analysis.core.masking import mask_text

NO_DATA = "无数据"
DIGITS = {"share": 1, "balance": 0, "per_10k": 2, "count": 0, "minutes": 1, "score": 1, "yuan": 0}
MAX_EXTRA_DIGITS = 4


def _missing(x) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def entry(metric: str) -> catalogue.Metric:
    """The catalogue entry of a metric id (the areas' catalogues are loaded on first use)."""
    try:
        return catalogue.metric(metric)
    except catalogue.CatalogueError:
        from svc_analysis.core import areas

        areas.area_modules()  # importing the registered areas fills the catalogue
        return catalogue.metric(metric)


def unit_of(metric: str) -> str:
    """The catalogue unit of a metric id: how its value is shown."""
    return entry(metric).unit


def name_of(metric: str) -> str:
    """The catalogue's Chinese name of a metric id."""
    entry(metric)
    return catalogue.name(metric)


def _number(unit: str, value: float, digits: int) -> str:
    if unit == "share":
        return f"{value * 100:.{digits}f}%"
    if unit == "balance":  # the net promoter score: promoters' minus detractors' share, ×100, signed
        return f"{value * 100:+.{digits}f}"
    if unit in ("count", "yuan"):
        return f"{value:,.{digits}f}"
    return f"{value:.{digits}f}"


def _shown(unit: str, value: float, digits: int) -> float:
    return round(value * 100, digits) / 100 if unit in ("share", "balance") else round(value, digits)


def digits_for(metric: str, value, target=None) -> int:
    """The digits that show ``value`` in its unit without crossing ``target`` by rounding."""
    unit = unit_of(metric)
    digits = DIGITS.get(unit, 1)
    if _missing(value) or _missing(target):
        return digits
    value, target = float(value), float(target)
    if entry(metric).lower_is_better:  # the judgment compares value <= target, else value >= target
        value, target, sign = -value, -target, -1
    else:
        sign = 1
    for extra in range(MAX_EXTRA_DIGITS + 1):
        if (sign * _shown(unit, sign * value, digits + extra) >= target) == (value >= target):
            return digits + extra
    return digits + MAX_EXTRA_DIGITS


def value_text(metric: str, value, target=None) -> str:
    """The value in the catalogue's unit (module docstring); 无数据 when empty; a negative change
    of a metric with a negative_word as that word and the size (不降反升 89.0%)."""
    if _missing(value):
        return NO_DATA
    word = entry(metric).negative_word
    if word and float(value) < 0:
        return f"{word} {_number(unit_of(metric), -float(value), digits_for(metric, value, target))}"
    return _number(unit_of(metric), float(value), digits_for(metric, value, target))


def interval_text(metric: str, lower, upper, value=None, target=None) -> str:
    """'38.2%–41.6%' in the value's unit and digits; blank when either end is missing."""
    if _missing(lower) or _missing(upper):
        return ""
    unit, digits = unit_of(metric), digits_for(metric, value, target)
    return f"{_number(unit, float(lower), digits)}–{_number(unit, float(upper), digits)}"


def status_text(code) -> str:
    """The row's status word (core.status.label); blank without a status."""
    return "" if _missing(code) else st.label(str(code))


def key(row) -> str:
    """'metric|level|unit_id', the row's key in kpis.csv."""
    return f"{row['metric']}|{row['level']}|{row['unit_id']}"


def _attr(text: str) -> str:
    return escape(mask_text(text), quote=True)


def figure_html(row) -> str:
    """<span data-kpi="metric|level|unit_id" data-kpi-status="...">value</span> (HTML, escaped)."""
    code = "" if _missing(row.get("status")) else str(row["status"])
    text = value_text(row["metric"], row["value"], row.get("target"))
    return f'<span class="kpi" data-kpi="{_attr(key(row))}" data-kpi-status="{_attr(code)}">{escape(text)}</span>'


def status_html(row) -> str:
    """<span data-kpi-label="metric|level|unit_id">未达标</span> (HTML, escaped)."""
    return f'<span class="kpi-status" data-kpi-label="{_attr(key(row))}">{escape(status_text(row.get("status")))}</span>'


class KpiTable:
    """A table of KPI rows for a page: ``frame`` is the plain-text table (for tests and text output);
    the HTML output marks each value and status word with the row's key (figure_html, status_html)."""

    def __init__(self, frame: pd.DataFrame, html: pd.DataFrame):
        self.frame, self._html = frame, html

    def _repr_html_(self) -> str:
        return self._html.to_html(escape=False, border=0, classes="dataframe kpi-table")

    def __repr__(self) -> str:
        return self.frame.to_string()


def target_text(metric: str, target) -> str:
    """'≥ 90.0%' / '≤ 0' by the catalogue's direction; blank without a target."""
    if _missing(target):
        return ""
    sign = {"higher": "≥ ", "lower": "≤ "}.get(entry(metric).direction, "")
    return sign + value_text(metric, target)


def _cell(row, with_interval: bool, quiet=(st.NO_TARGET, st.NO_DATA)) -> tuple[str, str]:
    """(plain, html) of one row in a wide table: value, interval in brackets, status word unless quiet."""
    metric, code = row["metric"], row.get("status")
    value = value_text(metric, row["value"], row.get("target"))
    band = ""
    if with_interval and code != st.SMALL_SAMPLE:
        band = interval_text(metric, row.get("lower"), row.get("upper"), row["value"], row.get("target"))
    word = "" if code in quiet else status_text(code)
    plain = value + (f"（{band}）" if band else "") + (f" {word}" if word else "")
    html = figure_html(row) + (f"（{escape(band)}）" if band else "") + (" " + status_html(row) if word else "")
    return plain, html


def wide(rows: pd.DataFrame, metrics: list[str], *, labels: dict[str, str] | None = None,
         names: dict | None = None, index_name: str = "单位", volumes: dict[str, str] | None = None) -> KpiTable:
    """One row per unit of ``rows``, one column per metric of ``metrics`` (in that order; headers from
    ``labels`` or the catalogue): each cell the value, its interval in brackets when the rows carry
    ``lower``/``upper``, and the status word when the row is judged or small_sample (样本不足). ``volumes``:
    metric -> a header for an extra column with that metric's denominator (e.g. customers served)."""
    labels, names, volumes = labels or {}, names or {}, volumes or {}
    with_interval = "lower" in rows.columns
    units = list(dict.fromkeys(rows["unit_id"]))
    plain, html = [], []
    for unit in units:
        mine = rows[rows["unit_id"] == unit].set_index("metric")
        shown = names.get(unit, "全省" if unit == "province" else str(unit))
        p_row, h_row = {index_name: shown}, {index_name: escape(mask_text(str(shown)))}
        for metric, header in volumes.items():
            den = mine["denominator"].get(metric) if metric in mine.index else None
            p_row[header] = h_row[header] = "" if _missing(den) else f"{float(den):,.0f}"
        for metric in metrics:
            header = labels.get(metric) or name_of(metric)
            if metric not in mine.index:
                p_row[header], h_row[header] = "", ""
                continue
            row = mine.loc[metric].copy()
            row["metric"], row["unit_id"] = metric, unit
            p_row[header], h_row[header] = _cell(row, with_interval)
        plain.append(p_row)
        html.append(h_row)
    index = pd.RangeIndex(1, len(plain) + 1)
    return KpiTable(pd.DataFrame(plain, index=index), pd.DataFrame(html, index=index))


def table(rows: pd.DataFrame, *, labels: dict[str, str] | None = None, level_labels: dict[str, str] | None = None,
          names: dict | None = None, intervals: bool = True, target: bool = True, units: bool = True) -> KpiTable:
    """KPI rows as a page table: 指标, 层级, 单位 (unless ``units`` is False: one unit's rows), 本月,
    区间 (when ``intervals`` and the rows carry ``lower``/``upper``), 目标, 状态. ``labels``: metric id ->
    the name shown (default: the catalogue's); ``level_labels``: level -> its Chinese name; ``names``:
    unit_id -> the unit's name shown (default: the unit_id; the province as 全省)."""
    labels, level_labels, names = labels or {}, level_labels or {}, names or {}
    plain, html = [], []
    for _, row in rows.iterrows():
        metric = row["metric"]
        unit = names.get(row["unit_id"], "全省" if row["unit_id"] == "province" else str(row["unit_id"]))
        small = row.get("status") == st.SMALL_SAMPLE
        cells = {"指标": labels.get(metric) or name_of(metric)}
        if units:
            cells.update({"层级": level_labels.get(row["level"], row["level"]), "单位": unit})
        value = value_text(metric, row["value"], row.get("target"))
        shown = {"本月": value}
        if intervals and "lower" in rows.columns:
            shown["区间"] = "" if small else interval_text(metric, row["lower"], row["upper"], row["value"],
                                                           row.get("target"))
        if target:
            shown["目标"] = target_text(metric, row.get("target"))
        shown["状态"] = status_text(row.get("status"))
        plain.append({**cells, **shown})
        marked = {k: escape(mask_text(str(v))) for k, v in {**cells, **shown}.items()}
        marked["本月"], marked["状态"] = figure_html(row), status_html(row)
        html.append(marked)
    index = pd.RangeIndex(1, len(plain) + 1)
    return KpiTable(pd.DataFrame(plain, index=index), pd.DataFrame(html, index=index))
