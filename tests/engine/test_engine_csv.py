"""engine_csv: the line check that decides whether DuckDB's records are the rows Excel shows."""

from __future__ import annotations

import random

import pytest

from svc_analysis.engine.engine_csv import _LineCheck

# (bytes, plain?) by hand: a blank line (LF or CRLF), a bare CR, a leading line break are not plain
CASES = [
    (b"a,b\n1,2\n", True),
    (b"a,b\r\n1,2\r\n", True),
    (b"a,b\n1,2", True),
    (b"a,b\n\n1,2\n", False),
    (b"a,b\r\n\r\n1,2\r\n", False),
    (b"a,b\n\r\n1,2\n", False),
    (b"a,b\r1,2\r", False),
    (b"a,b\r\n1,2\r", False),  # ends on a bare CR
    (b"a,b\r\n1\r2\r\n", False),
    (b"\na,b\n1,2\n", False),
    (b"\r\na,b\n", False),
    (b"a,b\n1,\"x\ny\"\n", True),  # a line break inside a quoted cell is not a blank line
]


def _check(data: bytes, cuts: list[int]) -> bool:
    lines, start = _LineCheck(), 0
    for cut in sorted(cuts) + [len(data)]:
        lines.feed(data[start:cut])
        start = cut
    return lines.plain()


@pytest.mark.parametrize("data, plain", CASES)
def test_line_check_by_hand(data, plain):
    assert _check(data, []) is plain


@pytest.mark.parametrize("data, plain", CASES)
def test_line_check_sees_patterns_across_block_seams(data, plain):
    # every way of cutting the text into three blocks (one-byte and empty blocks included)
    for i in range(len(data) + 1):
        for j in range(i, len(data) + 1):
            assert _check(data, [i, j]) is plain, (data, i, j)


def test_line_check_agrees_with_the_definition_on_random_text():
    rng = random.Random(17)
    for _ in range(2000):
        data = bytes(rng.choice(b"ab,\r\n") for _ in range(rng.randint(0, 12)))
        plain = (not data.startswith((b"\n", b"\r")) and b"\n\n" not in data and b"\n\r\n" not in data
                 and data.count(b"\r") == data.count(b"\r\n"))
        cuts = [rng.randint(0, len(data)) for _ in range(rng.randint(0, 3))]
        assert _check(data, cuts) is plain, (data, cuts)
