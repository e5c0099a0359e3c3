"""engine_csv: the line count and check that decide whether DuckDB's records are the rows Excel shows."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from svc_analysis.engine.engine_csv import _LineCheck, _LineCount, _read_through, _verdict, scan

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


# (bytes, records DuckDB reads, what the counts decide): None = one line more than records, the
# byte patterns decide (a blank line, which a file of two columns or more does not give DuckDB as a
# record, or a line break inside a quoted cell)
COUNTED = [
    (b"a,b\n1,2\n", 1, True),
    (b"a,b\r\n1,2\r\n", 1, True),
    (b"a,b\n1,2", 1, True),
    (b"a,b\n", 0, True),
    (b"a,b\n\n1,2\n", 1, None),
    (b"a,b\r\n\r\n1,2\r\n", 1, None),
    (b"a,b\n1,\"x\ny\"\n", 1, None),
    (b"a,b\r\n1,2\r", 1, False),  # a bare CR decides alone
    (b"a,b\r\n1\r2\r\n", 1, False),
    (b"\na,b\n1,2\n", 1, False),
    (b"\r\na,b\n", 0, False),
]


def _counted(data: bytes, cuts: list[int]) -> _LineCount:
    lines, start = _LineCount(), 0
    for cut in sorted(cuts) + [len(data)]:
        lines.feed(data[start:cut])
        start = cut
    return lines


@pytest.mark.parametrize("data, records, decided", COUNTED)
def test_line_count_decides_by_hand_in_any_blocks(data, records, decided):
    for i in range(len(data) + 1):
        for j in range(i, len(data) + 1):
            assert _counted(data, [i, j]).plain(records) is decided, (data, i, j)


def _duckdb_records(con, path: Path, width: int) -> int | None:
    try:
        return con.execute(f"SELECT count(*) FROM ({scan(path, width)})").fetchone()[0]
    except duckdb.Error:
        return None  # such a file takes the chunked path before its lines matter


def test_verdict_with_duckdbs_records_agrees_with_the_byte_patterns(tmp_path):
    # random files of two columns: lines of cells, blank lines, quoted cells with a line break,
    # LF / CRLF / bare CR; wherever DuckDB reads the file, the verdict is the patterns' definition
    rng, path, seen, con = random.Random(23), tmp_path / "t.csv", set(), duckdb.connect()
    pieces = [b"1,2", b"x,", b"", b"\"p\nq\",3", b"\"p\r\nq\",3", b",y"]
    for _ in range(1000):
        ends = [rng.choice([b"\n", b"\n", b"\r\n", b"\n", b"\r"]) for _ in range(4)]
        data = rng.choice([b"", b"\n"]) + b"a,b" + b"".join(e + rng.choice(pieces) for e in ends)
        path.write_bytes(data)
        records = _duckdb_records(con, path, 2)
        if records is None:
            continue
        found = _read_through(path)
        plain = _verdict(found, path, records)[1]
        assert plain is _check(data, []), (data, records)
        seen.add((found[1].plain(records), plain))
    # every way of deciding occurred: by the counts either way, and by the patterns either way
    assert seen == {(True, True), (False, False), (None, True), (None, False)}
