"""One count of rows loaded (issue 14): page 00, the index and `svc ingest` say the same number.

A warehouse is loaded with 5 ratings of which two pairs are exact duplicates (counted by hand: 3
distinct ratings, 2 merged), twice (the re-load must change no figure). Then every function that
states how many ratings were loaded is asked: page 00's table summary and per-table view
(quality.table_summary, quality.table_rows), the index's data coverage (preflight.table_coverage,
rendered by export.write_index) and the ingest report: all say 3, with 2 merged beside it.
"""

from datetime import datetime
from pathlib import Path

import pytest

from svc_analysis.core import config
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.ingest import ingest_files
from svc_analysis.engine.preflight import table_coverage
from svc_analysis.pack.runner import RunResult
from svc_analysis.pack.export import write_index
from svc_analysis.quality import quality

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
MONTH = "2026-10"


@pytest.fixture
def loaded(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("outlet_id,rated_at,score\nO001,2026-10-08 09:00,5\nO001,2026-10-08 09:00,5\n"
                       "O001,2026-10-09 10:00,2\nO001,2026-10-09 10:00,2\nO002,2026-10-10 11:00,4\n", encoding="utf-8")
    ingest_files([FIX / "outlets.csv", ratings], warehouse=warehouse, progress=False)
    [report] = ingest_files([ratings], warehouse=warehouse, progress=False)  # the same file again
    return warehouse, report


def test_page_00_the_index_and_the_ingest_report_count_the_same_rows(loaded, tmp_path):
    warehouse, report = loaded
    assert (report.rows_loaded, report.rows_merged, report.rows_in_table) == (3, 2, 3)
    con = wh.connect(warehouse, read_only=True)
    try:
        summary = quality.table_summary(con, MONTH)
        per_table = quality.table_rows(con)
        coverage = table_coverage(con, MONTH)
    finally:
        con.close()
    page_total = summary.loc[summary["table"] == "ratings", "rows_total"].item()
    page_row = per_table[per_table["table"] == "ratings"].iloc[0]
    assert page_total == page_row.rows_in_warehouse == coverage["ratings"]["rows"] == 3
    assert page_row.rows_merged == coverage["ratings"]["merged"] == 2  # not 4: the re-load is not counted twice
    assert (page_row.rows_read, page_row.rows_set_aside, page_row.rows_overlap) == (5, 0, 0)  # 5 = 3 + 0 + 2 + 0

    settings = config.RunSettings(month=MONTH, warehouse=warehouse, scope=None, params_file=None)
    now = datetime(2026, 11, 2, 8, 0)
    result = RunResult(pack_dir=tmp_path, notebooks=[], started_at=now, finished_at=now)
    html = write_index(tmp_path, result, settings, coverage).read_text(encoding="utf-8")
    assert '<tr><td>评价</td><td>2026-10-08</td><td>2026-10-10</td>\n<td class="num">3</td>' \
           '<td class="num">3</td><td class="num">2</td></tr>' in html
