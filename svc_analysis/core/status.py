"""The judgment words of the KPI table's ``status`` column (a kpis.csv extension), in one place.

A KPI row carries its judgment twice, and the two never disagree (engine.kpis.validate checks it):
``meets_target`` (true / false / empty, DATA_CONTRACT.md) and ``status``, which also says *why* a row
is not judged:

- met / missed: the value against a fixed target (meets_target true / false);
- on_track / at_risk / behind: a campaign KPI against its expected progress curve (meets_target true for
  on_track, false for at_risk and behind: a row below its expected share is never 正常);
- small_sample: the unit's volume is below the minimum of params/volumes.yaml, so its rate is shown
  but neither judged nor ranked (meets_target empty);
- no_target: a figure without a target (meets_target empty); no_data: no value (e.g. 0 / 0);
- unverified: a campaign KPI whose reported actual differs from its counterpart in the outlets table
  by more than the KPI's tolerance (params campaign.kpis[].master_data): shown, not judged, until the
  units check it (meets_target empty).

Pages, the index, highlights and the workbook print ``LABELS[status]``; none of them judges again, and
they count statuses in the same words (``count_text``).
"""

from __future__ import annotations

MET, MISSED = "met", "missed"
ON_TRACK, AT_RISK, BEHIND = "on_track", "at_risk", "behind"
SMALL_SAMPLE, NO_TARGET, NO_DATA = "small_sample", "no_target", "no_data"
UNVERIFIED = "unverified"

LABELS = {
    MET: "达标", MISSED: "未达标",
    ON_TRACK: "进度正常", AT_RISK: "进度预警", BEHIND: "进度滞后",
    SMALL_SAMPLE: "样本不足", NO_TARGET: "无目标", NO_DATA: "无数据", UNVERIFIED: "待核实",
}
STATUSES = tuple(LABELS)
FIXED_TARGET = (MET, MISSED)  # judged against a fixed target
CAMPAIGN = (ON_TRACK, AT_RISK, BEHIND)  # judged against a campaign KPI's expected progress
# which meets_target each status allows (None = empty)
MEETS = {MET: True, ON_TRACK: True, MISSED: False, AT_RISK: False, BEHIND: False,
         SMALL_SAMPLE: None, NO_TARGET: None, NO_DATA: None, UNVERIFIED: None}
FAILING = frozenset(s for s, m in MEETS.items() if m is False)
# a row with one of these has a value a reader may rank and compare with others
JUDGED = frozenset(s for s, m in MEETS.items() if m is not None)


def label(status: str | None) -> str:
    """The Chinese word a reader sees for a status code (empty for none)."""
    return LABELS.get(status or "", "")


def count_text(statuses, codes=CAMPAIGN, sep: str = "、", also=(UNVERIFIED,)) -> str:
    """How many of ``statuses`` carry each code, in the readers' words: '进度正常 9 项、进度预警 1 项、进度滞后 1 项'
    and, only when some row carries it, each code of ``also`` ('待核实 1 项': a row not judged until its
    actual is checked is counted, not hidden). Every count of campaign judgments (page, workbook, index)
    is this one sentence part."""
    listed = list(statuses)
    shown = [*codes, *(c for c in also if c not in codes and c in listed)]
    return sep.join(f"{label(code)} {listed.count(code)} 项" for code in shown)
