"""Complaints and praises, driven by each outlet's customers served per month.

Complaints arrive at about BASE_RATE_PER_10K per 10,000 customers served, more at worse outlets
and where waits are long (so efficiency complaints follow the overtime scenario). Channels,
categories and complexity follow the mixes below; attitude and skill complaints are mostly
responsible and name a staff member on duty. Handling: comment-book entries are mostly answered
within 72 hours, some late; complaints close within their normal time (15/30/60 days by
complexity, mirroring params complaints.closing_days), some late, some still open at the snapshot.

Scenario 1 adds an outage burst (category system, product OUTAGE_PRODUCT) in one week, and one bad
row names an outlet that does not exist (scenarios.UNKNOWN_OUTLET_ID).
Personal data: customer_phone is a pattern-valid mobile number; some descriptions carry a phone
number or a checksum-valid resident ID number, so masking downstream is exercised.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import scenarios as sc
from svc_analysis.engine.sample import texts
from svc_analysis.engine.sample.staff import pick_on_duty

BASE_RATE_PER_10K = 2.0
PRAISE_RATE_PER_10K = 1.0
CHANNEL_MIX = {"hotline": 0.45, "comment_book": 0.2, "onsite": 0.15, "online": 0.1, "letter": 0.03,
               "regulator": 0.04, "media": 0.03}
CATEGORY_MIX = {"attitude": 0.22, "efficiency": 0.22, "skill": 0.12, "product": 0.12, "system": 0.08,
                "policy": 0.08, "fees": 0.08, "environment": 0.05, "other": 0.03}
RESPONSIBLE_SHARE = {"attitude": 0.75, "skill": 0.7, "efficiency": 0.35}
OTHER_RESPONSIBLE_SHARE = 0.05
COMPLEXITY_MIX = {"normal": 0.8, "complex": 0.15, "very_complex": 0.05}
CLOSING_DAYS = {"normal": 15, "complex": 30, "very_complex": 60}
OUTAGE_CHANNELS = {"hotline": 0.5, "online": 0.35, "onsite": 0.15}
REPEAT_SHARE = 0.10  # complaints made by a customer who complained in the REPEAT_DAYS before
REPEAT_DAYS = 20
PRAISE_CHANNELS = {"letter": 0.3, "hotline": 0.4, "onsite": 0.15, "online": 0.15}
COMPLAINT_COLUMNS = ["complaint_id", "received_at", "channel", "outlet_id", "category", "responsible", "staff_id",
                     "product", "customer_id", "customer_phone", "description", "replied_at", "closed_at",
                     "complexity"]


def _choice(rng, mix: dict, size: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def mobile(rng: np.random.Generator) -> str:
    return f"{texts.MOBILE_PREFIXES[rng.integers(len(texts.MOBILE_PREFIXES))]}{rng.integers(0, 10**8):08d}"


def resident_id(rng: np.random.Generator) -> str:
    """An 18-character resident ID number with a valid GB 11643 check character."""
    born = datetime(1950, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 50)))
    body = f"{texts.ID_REGIONS[rng.integers(len(texts.ID_REGIONS))]}{born:%Y%m%d}{rng.integers(0, 1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def _description(rng, category: str, product: str | None, phone: str | None) -> str:
    who = texts.WHO_FORMS[rng.integers(len(texts.WHO_FORMS))].format(s=texts.SURNAMES[rng.integers(len(texts.SURNAMES))])
    options = texts.DESCRIPTIONS[category]
    text = options[rng.integers(len(options))].format(who=who, product=product or "该业务")
    draw = rng.random()
    if draw < 0.25:
        text += texts.PHONE_NOTE.format(phone=phone or mobile(rng))
    elif draw < 0.33:
        text += texts.ID_NOTE.format(idno=resident_id(rng))
    return text


def _times_in_month(rng, month: str, size: int, office_hours: np.ndarray) -> np.ndarray:
    start = datetime.combine(periods.month_start(month), datetime.min.time())
    day = rng.integers(0, periods.days_in_month(month), size)
    hour = np.where(office_hours, rng.integers(9, 17, size), rng.integers(8, 21, size))
    seconds = day * 86400 + hour * 3600 + rng.integers(0, 3600, size)
    return np.array([start + timedelta(seconds=int(s)) for s in seconds], dtype=object)


def _handling(rng, received: datetime, channel: str, complexity: str, snapshot: datetime):
    if channel == "comment_book":
        draw = rng.random()
        hours = rng.uniform(2, 70) if draw < 0.88 else rng.uniform(73, 150) if draw < 0.97 else None
    else:
        hours = rng.uniform(1, 48) if rng.random() < 0.97 else None
    replied = received + timedelta(hours=hours) if hours is not None else None
    limit = CLOSING_DAYS[complexity]
    draw = rng.random()
    if replied is None or draw >= 0.97:
        closed = None
    else:
        factor = rng.uniform(0.2, 0.95) if draw < 0.9 else rng.uniform(1.05, 1.6)
        closed = max(received + timedelta(days=limit * factor), replied)
    replied, closed = _office_hours(rng, replied), _office_hours(rng, closed)
    if replied is not None and closed is not None:
        closed = max(closed, replied)
    replied = replied if replied is not None and replied < snapshot else None
    closed = closed if closed is not None and closed < snapshot else None
    return replied, closed


def _office_hours(rng, moment: datetime | None) -> datetime | None:
    """Replies and closures are recorded in office hours (8:00-20:00): night times move to the morning."""
    if moment is None or 8 <= moment.hour < 20:
        return moment
    day = moment.date() + timedelta(days=1 if moment.hour >= 20 else 0)
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=int(rng.integers(30, 180)))


def _rows(rng, month, outlet_ids, received, channel, category, staff, snapshot, outage: bool) -> list[tuple]:
    responsible = np.array([rng.random() < RESPONSIBLE_SHARE.get(c, OTHER_RESPONSIBLE_SHARE) for c in category],
                           dtype=bool) & (not outage)
    on_duty = pick_on_duty(staff, outlet_ids, [r.date() for r in received], ("teller", "lobby_manager"), rng)
    complexity = _choice(rng, COMPLEXITY_MIX, len(outlet_ids))
    rows = []
    for k in range(len(outlet_ids)):
        cat = category[k]
        products = texts.PRODUCTS_BY_CATEGORY.get(cat)
        product = texts.OUTAGE_PRODUCT if outage else (products[rng.integers(len(products))] if products else None)
        phone = mobile(rng) if rng.random() < 0.9 else None
        customer = f"{rng.integers(10**9, 10**10)}" if rng.random() < 0.8 else None
        replied, closed = _handling(rng, received[k], channel[k], complexity[k], snapshot)
        rows.append([None, received[k], channel[k], outlet_ids[k], cat, bool(responsible[k]),
                     on_duty[k] if responsible[k] and cat in ("attitude", "skill") else None, product, customer,
                     phone, _description(rng, cat, product, phone), replied, closed, complexity[k]])
    return rows


def complaints(served: pd.DataFrame, outlets: pd.DataFrame, staff: pd.DataFrame, plan: sc.Plan,
               snapshot: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """All complaints of the window; ``served`` has outlet_id, month, served, mean_wait per outlet-month."""
    quality = served["outlet_id"].map(outlets.set_index("outlet_id")["_quality"]).to_numpy()
    rate = BASE_RATE_PER_10K * (1.5 - quality) * (1.0 + np.maximum(served["mean_wait"].to_numpy() - 8.0, 0) / 10.0)
    counts = rng.poisson(rate * served["served"].to_numpy() / 10_000)
    rows: list = []
    for month, idx in served.groupby("month", sort=True).indices.items():
        outlet_ids = np.repeat(served["outlet_id"].to_numpy()[idx], counts[idx])
        n = outlet_ids.size
        channel = _choice(rng, CHANNEL_MIX, n)
        received = _times_in_month(rng, month, n, np.isin(channel, ["comment_book", "onsite"]))
        block = _rows(rng, month, outlet_ids, received, channel, _choice(rng, CATEGORY_MIX, n), staff, snapshot, False)
        if month == plan.outage_month:
            weekly_system = rate[idx] @ served["served"].to_numpy()[idx] / 10_000 * CATEGORY_MIX["system"] * 7 \
                / periods.days_in_month(month)
            m = max(sc.OUTAGE_MIN_COMPLAINTS, int(round(sc.OUTAGE_BASELINE_MULTIPLE * weekly_system)))
            weights = served["served"].to_numpy()[idx].astype(float)
            where = served["outlet_id"].to_numpy()[idx][rng.choice(idx.size, size=m, p=weights / weights.sum())]
            start = datetime.combine(plan.outage_start, datetime.min.time())
            offsets = np.minimum(rng.exponential(2.0, m), sc.OUTAGE_DAYS - 0.01) * 86400  # most in the first days
            received_out = np.array([start + timedelta(seconds=int(s)) for s in offsets], dtype=object)
            block += _rows(rng, month, where, received_out, _choice(rng, OUTAGE_CHANNELS, m),
                           np.array(["system"] * m, dtype=object), staff, snapshot, True)
        if month == plan.end_month:
            bad = _rows(rng, month, np.array([sc.UNKNOWN_OUTLET_ID]),
                        np.array([datetime.combine(plan.bad_rows_day, datetime.min.time()) + timedelta(hours=10)]),
                        np.array(["hotline"]), np.array(["attitude"]), staff, snapshot, False)
            bad[0][0] = sc.BAD_COMPLAINT_ID
            block += bad
        block.sort(key=lambda r: (r[1], r[3]))
        for seq, row in enumerate(block, start=1):
            row[0] = row[0] or f"TS{month.replace('-', '')}{seq:05d}"
        rows += block
    frame = pd.DataFrame(rows, columns=COMPLAINT_COLUMNS)
    return _repeat_customers(frame, rng.spawn(1)[0])


def _repeat_customers(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Repeat complainants: REPEAT_SHARE of complaints take the customer of one made in the REPEAT_DAYS before.

    A child generator (spawn) draws these, so every other column stays as it was without repeats.
    """
    received = frame["received_at"].to_numpy()
    has_customer = frame["customer_id"].notna().to_numpy()
    for k in np.flatnonzero(rng.random(len(frame)) < REPEAT_SHARE):
        earlier = np.flatnonzero(has_customer[:k] & (received[:k] >= received[k] - timedelta(days=REPEAT_DAYS)))
        if earlier.size:
            source = earlier[rng.integers(earlier.size)]
            frame.loc[k, ["customer_id", "customer_phone"]] = frame.loc[source, ["customer_id", "customer_phone"]].to_numpy()
    return frame


def praises(served: pd.DataFrame, staff: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    counts = rng.poisson(PRAISE_RATE_PER_10K * served["served"].to_numpy() / 10_000)
    frames = []
    for month, idx in served.groupby("month", sort=True).indices.items():
        outlet_ids = np.repeat(served["outlet_id"].to_numpy()[idx], counts[idx])
        n = outlet_ids.size
        channel = _choice(rng, PRAISE_CHANNELS, n)
        received = _times_in_month(rng, month, n, channel == "onsite")
        named = pick_on_duty(staff, outlet_ids, [r.date() for r in received],
                             ("teller", "lobby_manager", "wealth_manager", "customer_manager"), rng)
        named = [s if rng.random() < 0.7 else None for s in named]
        frame = pd.DataFrame({"received_at": received, "channel": channel, "outlet_id": outlet_ids, "staff_id": named})
        frame = frame.sort_values(["received_at", "outlet_id"], kind="stable").reset_index(drop=True)
        frame.insert(0, "praise_id", [f"BY{month.replace('-', '')}{k + 1:04d}" for k in range(n)])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
