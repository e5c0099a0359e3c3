"""The sample organisation: scales, the data window and the outlet tree (outlets table).

A province branch (texts.PROVINCE) has tier-1 branches named after its cities (武汉分行 ...),
sub-branches named after districts (江汉支行), and outlets of three types (vocabularies.OUTLET_TYPES):
standard outlets (the sub-branch's 营业部 and 网点/分理处), VIP wealth centres and off-site
self-service banks (no staff, no tickets). A few standard outlets open or close inside the window.

Besides the contract columns the outlet frame carries hidden columns (prefixed ``_``) that drive
the other generators: ``_volume`` (mean weekday tickets), ``_quality`` (0-1, better service),
``_windows`` (weekday counters open), ``_press`` (evaluator participation), ``_stable`` (open for
the whole window). The writer drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import texts

WINDOW_MONTHS = 24  # the data covers the 24 months ending at end_month
HISTORY_YEARS = 3  # staff, ratings and tests reach this far before the window (for valid_until etc.)
STANDARD, VIP, SELF_SERVICE = "standard", "vip_centre", "self_service"
MEAN_SERVICE_MINUTES = 8.0  # used to size counters so that weekday utilisation is about TARGET_LOAD
TARGET_LOAD = 0.55


@dataclass(frozen=True)
class Scale:
    """How big a sample is. ``outlets_total`` (province) fills up with self-service banks."""

    name: str
    branches: int
    subbranches: int  # per branch (capped by the city's district list)
    standard_per_subbranch: tuple[int, int]  # inclusive range
    vip_centres: int  # in all, spread round-robin over the branches' first sub-branches
    self_service: int  # in all, spread the same way
    tickets_per_day: float  # mean weekday tickets of a standard outlet
    opened_in_window: int
    closed_in_window: int
    outlets_total: int | None = None


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 2, 2, (2, 2), 1, 1, 48.0, 1, 1),
    "small": Scale("small", 5, 3, (3, 3), 5, 10, 60.0, 2, 2),
    "province": Scale("province", 13, 14, (6, 10), 40, 250, 90.0, 15, 10, outlets_total=1000),
}


@dataclass(frozen=True)
class Window:
    """The months the sample covers and the moment the exports were taken (snapshot)."""

    end_month: str

    @cached_property
    def months(self) -> list[str]:
        return periods.months_back(self.end_month, WINDOW_MONTHS)

    @cached_property
    def start(self) -> date:
        return periods.month_start(self.months[0])

    @cached_property
    def end(self) -> date:
        """First day after the window: nothing happens on or after it."""
        return periods.next_month_start(self.end_month)

    @cached_property
    def snapshot(self) -> datetime:
        return datetime.combine(self.end, datetime.min.time())

    @cached_property
    def history_start(self) -> date:
        return date(self.start.year - HISTORY_YEARS, self.start.month, 1)


def scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale '{name}': choose one of {', '.join(SCALES)}") from None


def _random_day(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers(0, max((last - first).days, 1))))


def build_outlets(sc: Scale, window: Window, rng: np.random.Generator) -> pd.DataFrame:
    """The outlets frame (contract columns + hidden drivers), ordered by outlet_id."""
    rows = []
    places = list(texts.PLACES)
    cities = texts.CITIES[: sc.branches]
    n_sub = sum(min(len(districts), sc.subbranches) for _, _, districts in cities)
    for b, (city, code, districts) in enumerate(cities):
        for s, district in enumerate(districts[: sc.subbranches]):
            k = s * len(cities) + b if s < sc.subbranches else n_sub  # round-robin position
            lo, hi = sc.standard_per_subbranch
            n_std = int(rng.integers(lo, hi + 1)) + (2 if b == 0 and sc.name == "province" else 0)
            picks = rng.permutation(len(places))
            for n in range(n_std):
                name = (f"{district}{texts.HEAD_OUTLET_SUFFIX}" if n == 0 else
                        f"{district}{places[picks[n]]}{texts.OUTLET_SUFFIXES[n % len(texts.OUTLET_SUFFIXES)]}")
                rows.append((f"{code}{s + 1:02d}{n + 1:02d}", name, district, city, STANDARD))
            if k < sc.vip_centres:
                rows.append((f"{code}{s + 1:02d}80", f"{city}{district}{texts.VIP_SUFFIX}", district, city, VIP))
            n_self = sc.self_service // n_sub + (k < sc.self_service % n_sub)
            for j in range(min(n_self, 9)):
                place = places[picks[-1 - j]]
                rows.append((f"{code}{s + 1:02d}{90 + j}", f"{district}{place}{texts.SELF_SERVICE_SUFFIX}",
                             district, city, SELF_SERVICE))
    frame = pd.DataFrame(rows, columns=["outlet_id", "outlet_name", "_district", "_city", "outlet_type"])
    if sc.outlets_total:
        frame = _trim_self_service(frame, sc.outlets_total)
    frame = frame.sort_values("outlet_id", kind="stable").reset_index(drop=True)
    frame["subbranch"] = frame["_district"] + "支行"
    frame["branch"] = frame["_city"] + "分行"
    return _attributes(frame, sc, window, rng)


def _trim_self_service(frame: pd.DataFrame, total: int) -> pd.DataFrame:
    """Drop surplus self-service banks from the end so that the province has exactly ``total`` outlets."""
    surplus = len(frame) - total
    if surplus <= 0:
        return frame
    drop = frame.index[frame["outlet_type"] == SELF_SERVICE][-surplus:]
    return frame.drop(index=drop)


def _attributes(frame: pd.DataFrame, sc: Scale, window: Window, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    kind = frame["outlet_type"].to_numpy()
    staffed = kind != SELF_SERVICE
    opened = [_random_day(rng, date(1992, 1, 1), date(window.start.year - 2, 12, 31)) for _ in range(n)]
    closed: list[date | None] = [None] * n
    stable = np.ones(n, dtype=bool)
    # outlets that open or close inside the window are taken from the end of the standard list so
    # that the first standard outlets (used by the planted scenarios) stay open throughout
    # (never a sub-branch's head outlet 营业部, whose number ends in 01)
    std_idx = np.flatnonzero((kind == STANDARD) & ~frame["outlet_id"].str.endswith("01").to_numpy())
    movers = std_idx[::-1][: sc.opened_in_window + sc.closed_in_window]
    for k, i in enumerate(movers):
        stable[i] = False
        if k < sc.opened_in_window:
            opened[i] = _random_day(rng, window.start + timedelta(days=120), window.end - timedelta(days=200))
        else:
            closed[i] = _random_day(rng, window.start + timedelta(days=150), window.end - timedelta(days=120))
    volume = np.where(kind == VIP, 0.35, 1.0) * sc.tickets_per_day * rng.lognormal(0.0, 0.3, n)
    quality = rng.beta(6.0, 2.0, n)
    windows = np.maximum(2, np.ceil(volume / 8.0 * MEAN_SERVICE_MINUTES / 60.0 / TARGET_LOAD))
    deposits = np.round(np.where(kind == VIP, rng.uniform(20, 60, n), rng.lognormal(2.0, 0.6, n)), 2)
    smart = staffed & (rng.random(n) < 0.6)
    year_start = periods.year_start(window.end_month)
    transformed: list[date | None] = [None] * n
    draw = rng.random(n)
    for i in np.flatnonzero(staffed):
        if draw[i] < 0.10:
            transformed[i] = _random_day(rng, year_start - timedelta(days=700), year_start - timedelta(days=30))
        elif draw[i] < 0.30:
            day = _random_day(rng, year_start, year_start + timedelta(days=330))
            transformed[i] = day if day < window.end else None
        if transformed[i] is not None and transformed[i] < opened[i]:
            transformed[i] = None  # an outlet opened after the programme started was built to the new standard
    frame["opened_on"] = opened
    frame["closed_on"] = closed
    frame["deposits"] = np.where(staffed, deposits, np.nan)
    frame["smart"] = smart
    frame["transformed_on"] = transformed
    frame["_volume"] = np.where(staffed, volume, 0.0)
    frame["_quality"] = quality
    frame["_windows"] = np.where(staffed, windows, 0.0)
    frame["_press"] = np.clip(rng.normal(0.70, 0.05, n), 0.55, 0.85)
    frame["_stable"] = stable
    frame["_code"] = frame["outlet_id"].str[:4]
    return frame


def open_mask(outlets: pd.DataFrame, day: date) -> np.ndarray:
    """Outlets open on ``day`` (opened on or before it, not closed on or before it)."""
    opened = outlets["opened_on"].to_numpy()
    closed = outlets["closed_on"].to_numpy()
    return np.array([o <= day and (c is None or c > day) for o, c in zip(opened, closed)], dtype=bool)


def open_on(outlets: pd.DataFrame, index: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Vectorised open check: is outlet ``outlets.iloc[index[k]]`` open on ``days[k]`` (datetime64[D])?"""
    opened = pd.to_datetime(outlets["opened_on"]).to_numpy().astype("datetime64[D]")
    closed = pd.to_datetime(outlets["closed_on"]).to_numpy().astype("datetime64[D]")
    closed = np.where(np.isnat(closed), np.datetime64("9999-12-31"), closed)
    return (opened[index] <= days) & (closed[index] > days)


def branches(outlets: pd.DataFrame) -> list[str]:
    """Branch names in organisation order (the order of texts.CITIES)."""
    present = set(outlets["branch"])
    return [f"{city}分行" for city, _, _ in texts.CITIES if f"{city}分行" in present]
