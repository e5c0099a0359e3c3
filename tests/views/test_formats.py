"""svc_analysis.views.formats: shown digits never contradict the judgment; no negative zero (issue 14).

Every expectation is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math

import pytest

from svc_analysis.views import formats


@pytest.mark.parametrize("value, target, higher, shown", [
    # 0.3995 = 39.95%: one decimal rounds it to 40.0% (on the target, which would read as met);
    # two decimals, 39.95%, stay below 40% like the value
    (0.3995, 0.40, True, "39.95%"),
    # exactly on the target: met, and 40.0% says so
    (0.4, 0.40, True, "40.0%"),
    # 39.999%: 40.0% and 40.00% both round up onto the target; 39.999% is the first below it
    (0.39999, 0.40, True, "39.999%"),
    # 40.004% meets the target and 40.0% is on the target: one decimal decides
    (0.40004, 0.40, True, "40.0%"),
    # lower is better: 10.04% against at most 10%: 10.0% would read as met
    (0.1004, 0.10, False, "10.04%"),
    # lower is better and met: 9.99% shows as 10.0%, which is still "at most 10%"
    (0.0999, 0.10, False, "10.0%"),
    # 99.99% against 100%: 100.0% would read as met
    (0.9999, 1.0, True, "99.99%"),
    # far from the target: one decimal
    (0.853, 0.90, True, "85.3%"),
])
def test_share_against_target_shows_the_digits_that_decide(value, target, higher, shown):
    assert formats.share_against_target(value, target, higher) == shown


def test_share_without_target_or_value():
    assert formats.share_against_target(0.853, None) == "85.3%"
    assert formats.share_against_target(float("nan"), 0.4) == "无数据"
    assert formats.share_against_target(None, 0.4) == "无数据"


def test_a_value_closer_to_its_target_than_any_shown_digit_says_its_side():
    # 99.999999999% needs more than MAX_DIGITS (6) decimals to differ from 100%
    assert formats.share_against_target(0.99999999999, 1.0) == "<100.0%"


def test_decisive_digits():
    assert formats.decisive_digits(0.3995, 0.40, True) == 2
    assert formats.decisive_digits(0.4, 0.40, True) == 1


@pytest.mark.parametrize("change, shown", [
    (0.0123, "+1.2 个百分点"),     # 1.23 points
    (-0.012, "-1.2 个百分点"),     # -1.2 points
    (-0.0004, "0.0 个百分点"),     # -0.04 points rounds to zero: no sign at all
    (0.0004, "0.0 个百分点"),
    (-0.0, "0.0 个百分点"),
    (-0.0005, "-0.1 个百分点"),    # -0.05 rounds half away from zero to -0.1
    (float("nan"), "无数据"),
])
def test_points_change_never_shows_negative_zero(change, shown):
    assert formats.points_change(change) == shown


def test_signed_numbers_and_zero_changes():
    assert formats.signed(-0.04) == "0.0"
    assert formats.signed(-0.04, 2) == "-0.04"
    assert formats.signed(3, 0, "件") == "+3件"
    assert formats.is_zero_change(-0.0004) and not formats.is_zero_change(-0.0005)
    assert not formats.is_zero_change(math.nan)


def test_no_negative_zero_over_a_sweep_of_small_changes():
    # every change of -0.0499 … +0.0499 points rounds to zero at one decimal
    for k in range(-499, 500):
        shown = formats.points_change(k / 1_000_000)
        assert shown == "0.0 个百分点", (k, shown)


def test_counts_and_amounts_are_thousands_separated():
    # the one spelling of a count on every page (issue 14): 1,237,749 rows, 4,400 元
    assert formats.count(1237749) == "1,237,749"
    assert formats.count(1237749.0) == "1,237,749"
    assert formats.count(999) == "999" and formats.count(0) == "0"
    assert formats.count(float("nan")) == "无数据"
    assert formats.number(4400.0) == "4,400"
    assert formats.number(80.5) == "80.5" and formats.number(81.0) == "81"
    assert formats.number(-0.0) == "0" and formats.number(-1500) == "-1,500"
    assert formats.number(1234.125) == "1,234.13"  # half-up at two decimals, as a person rounds
