"""The daily watch's list 日监测 (issue 15): every area's alerts of one day, as known at its end.

The areas judge (each offers ``watch_alerts(con, params, scope, day)``, found through
core.areas.hooks: nothing is judged here); this module only

- gives every area the same view of the warehouse, as it stood at the end of the day
  (engine.as_of: events after the day are invisible, replies and closings after it have not happened),
  so no area can look ahead, whatever its queries;
- puts the areas' rows into one list, complaints first, then queues, then satisfaction (then any
  other area offering the hook, by name), each area's rows in its own order, with the day and the
  area's Chinese name (summary.scorecard.AREA_LABELS);
- keeps going when one area fails: the failure is returned (area -> message) and the other areas'
  alerts are listed all the same, as `svc report` publishes a pack with one failed page.

Used by the runner (pack.watch, `svc watch`) and the back-test (summary.watch_backtest).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as registry
from svc_analysis.core.areas import WATCH_ALERT_COLUMNS
from svc_analysis.core.masking import mask_text
from svc_analysis.core.period import Period
from svc_analysis.engine.as_of import as_of
from svc_analysis.engine.scope import Scope
from svc_analysis.summary.scorecard import AREA_LABELS

HOOK = "watch_alerts"
FIRST = ("complaints", "queue", "satisfaction")  # the reading order of the morning list
LIST_COLUMNS = ("day", "area", "area_label", *WATCH_ALERT_COLUMNS)
# what a reader sees, in this order (alerts.csv and the page): 日期 领域 规则 单位 数值 阈值 处理建议
HEADERS = {"day": "日期", "area_label": "领域", "rule": "规则", "unit": "单位", "figure": "数值",
           "threshold": "阈值", "action": "处理建议"}


def watching_areas(only=None) -> list[str]:
    """The areas offering the hook, in reading order; ``only``: a subset (KeyError for one that does not)."""
    offering = registry.hooks(HOOK)
    order = [a for a in FIRST if a in offering] + sorted(a for a in offering if a not in FIRST)
    if only is None:
        return order
    missing = [a for a in only if a not in offering]
    if missing:
        raise KeyError(f"no registered area offers {HOOK}: {', '.join(missing)}")
    return [a for a in order if a in only]


def day_alerts(con, params, scope: Scope, day: Period, *, only=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """(alerts, failures) of ``day``: the list (LIST_COLUMNS) and, per area that raised, its error
    as one masked line. ``con``: an open warehouse connection; ``only``: some areas (the back-test)."""
    if day.kind != "day":
        raise ValueError(f"日监测按天计算，报告期 {day.key} 不是一天 (the watch takes a day, not {day.kind})")
    seen = as_of(con, day.end)
    hooks = registry.hooks(HOOK)
    frames, failures = [], {}
    for area in watching_areas(only):
        try:
            rows = hooks[area](seen, params, scope, day)
        except Exception as exc:  # one area's failure must not hide the others' alerts: reported, exit 1
            failures[area] = mask_text(f"{type(exc).__name__}: {exc}")
            continue
        missing = [c for c in WATCH_ALERT_COLUMNS if c not in rows.columns]
        if missing:
            failures[area] = f"{area}.{HOOK} returned no column {', '.join(missing)}"
            continue
        frames.append(rows[list(WATCH_ALERT_COLUMNS)].assign(day=day.key, area=area,
                                                             area_label=AREA_LABELS.get(area, area)))
    if not frames:
        return pd.DataFrame(columns=list(LIST_COLUMNS)), failures
    return pd.concat(frames, ignore_index=True)[list(LIST_COLUMNS)], failures


def for_reader(alerts: pd.DataFrame) -> pd.DataFrame:
    """The list as the reader sees it: HEADERS' columns under their Chinese names, text only."""
    shown = alerts[list(HEADERS)].astype(object).where(alerts[list(HEADERS)].notna(), "")
    return shown.rename(columns=HEADERS).reset_index(drop=True)


def counts_sentence(alerts: pd.DataFrame, day: Period, scope: Scope) -> str:
    """One Chinese sentence: how many alerts, by area (plain text; the caller escapes it)."""
    if alerts.empty:
        return f"{scope.label}{day.label}没有需要处理的事项。"
    by_area = alerts.groupby("area_label", sort=False).size()
    parts = "、".join(f"{label} {n} 条" for label, n in by_area.items())
    return f"{scope.label}{day.label}共有 {len(alerts)} 条需要处理的事项：{parts}。"
