"""Shared fixture of the inspection tests: the hand-built warehouse `con` (outlets O1-O8, their inspections).

Used by test_inspections.py, test_inspection_checks.py and test_inspection_report.py (moved here from
test_inspections.py, issue 13); `tree` comes from tests/conftest.py.
"""

import duckdb
import pytest

from svc_analysis.engine.warehouse import ensure_schema

OUTLETS = [  # outlet_id, branch, subbranch, type, opened_on, closed_on
    ("O1", "B1", "S1", "standard", None, None),
    ("O2", "B1", "S1", "standard", None, None),
    ("O3", "B1", "S1", "self_service", None, None),
    ("O4", "B1", "S2", "vip_centre", None, None),
    ("O5", "B1", "S2", "standard", None, "2026-10-15"),   # closed before month end
    ("O6", "B2", "S3", "standard", None, None),
    ("O7", "B2", "S3", "standard", "2026-11-01", None),   # opens after month end
    ("O8", "B2", "S3", "standard", None, None),
]
INSPECTIONS = [  # outlet_id, day, kind, score, is_recheck
    ("O1", "2026-10-05", "mystery", 84.0, False),
    ("O1", "2026-10-20", "mystery", 86.0, True),    # re-check passes: off the list
    ("O2", "2026-10-06", "mystery", 84.0, False),
    ("O2", "2026-10-12", "mystery", 86.0, True),
    ("O2", "2026-10-25", "mystery", 83.0, False),   # inspected again: the latest counts, the old re-check is stale
    ("O4", "2026-10-07", "mystery", 79.5, False),   # below 80, no re-check yet
    ("O5", "2026-10-08", "mystery", 95.0, False),
    ("O6", "2026-07-10", "mystery", 82.0, False),   # last quarter: not on this quarter's list
    ("O6", "2026-07-22", "mystery", 84.0, True),
    ("O8", "2026-10-10", "mystery", 84.0, False),
    ("O8", "2026-10-10", "mystery", 85.0, True),    # same-day re-check is the later one
    ("O1", "2026-10-05", "video", 90.0, False),
    ("O2", "2026-10-12", "video", 91.0, False),
    ("O1", "2026-10-26", "video", 92.0, False),
    ("O4", "2026-10-27", "onsite", 93.0, False),
    ("O6", "2026-10-04", "video", 90.0, False),     # Sunday: the week of 28 Sep, not an October week
    ("O6", "2026-10-06", "video", 90.0, False),
    ("O6", "2026-10-13", "video", 90.0, False),
    ("O6", "2026-10-20", "video", 90.0, False),
    ("O6", "2026-10-27", "video", 90.0, False),
    ("O6", "2026-11-01", "video", 90.0, False),     # Sunday of the week of 26 Oct
]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    for oid, branch, sub, kind, opened, closed in OUTLETS:
        con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, closed_on)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", [oid, f"网点{oid}", sub, branch, kind, opened, closed])
    for k, (oid, day, kind, score, rc) in enumerate(INSPECTIONS):
        con.execute("INSERT INTO inspections VALUES (?, ?, ?, ?, ?, ?)", [f"J{k:03d}", oid, day, kind, score, rc])
    yield con
    con.close()
