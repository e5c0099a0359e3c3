"""End to end: tiny sample data -> ingest -> `svc report`, as the scheduled job runs it.

The report runs in a subprocess with cron's bare environment (no profile, minimal PATH, no
JUPYTER_* variables), so a kernel that only works from an interactive shell fails here.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from svc_analysis.engine import kpis
from svc_analysis.pack.export import external_fetches
from svc_analysis.core.masking import find_unmasked
from svc_analysis.engine.sample import scenarios
from tests.pack.support import SVC, bare_svc as svc  # noqa: F401
from tests.support import TINY_MONTH, tiny_ingest_reports, tiny_warehouse

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pack(tiny_pack):
    return tiny_pack  # the session's one tiny pack run (tests/pack/conftest.py)


def test_sample_ingest_accounts_for_every_row():
    reports = {r.table: r for r in tiny_ingest_reports()}
    assert len(reports) == 12  # every contract table has a sample file
    for r in reports.values():
        assert r.rows_read == r.rows_loaded + r.rows_set_aside + r.rows_merged, r.file
    # the deliberately bad rows of docs/sample_data.md, and nothing else
    set_aside = {t: r.rows_set_aside for t, r in reports.items() if r.rows_set_aside}
    assert set_aside == {"tickets": scenarios.BAD_TICKETS, "ratings": 1, "complaints": 1}
    # without rating_id, ratings of the same outlet, second and score are one row (issue 14): the sample
    # has such exact duplicates, and ingest merges exactly the file's repeated lines, counted, none lost
    import pandas as pd

    merged = {t: r.rows_merged for t, r in reports.items() if r.rows_merged}
    lines = pd.read_csv(reports["ratings"].file, dtype=str, keep_default_na=False)
    assert merged == {"ratings": int(lines.duplicated().sum())} and merged["ratings"] > 0


def test_scheduled_run_exits_zero_with_a_complete_pack(pack):
    done, folder = pack
    assert done.returncode == 0, done.stderr
    assert f"首页：{folder / 'index.html'}" in done.stdout
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "kpis.csv", "run.json", "logs", "notebooks", "00_data_quality.html"} <= names
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp folder left
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert TINY_MONTH in index and "00_data_quality.html" in index
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert json.dumps(run, ensure_ascii=False).count(TINY_MONTH) >= 1


def test_page_00_and_the_index_show_one_count_of_ratings(pack):
    """Issue 14: the index's 总行数 and page 00's 仓库行数 are the rows in the warehouse after merging
    (one function), with the merged duplicates beside them; the sample's only ratings file loaded
    once, so that count is its rows loaded, and read = loaded + set aside + merged."""
    _, folder = pack
    r = {r.table: r for r in tiny_ingest_reports()}["ratings"]
    assert r.rows_in_table == r.rows_loaded == r.rows_read - r.rows_set_aside - r.rows_merged
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<td class="num">{r.rows_in_table:,}</td><td class="num">{r.rows_merged:,}</td></tr>' in index
    page = (folder / "00_data_quality.html").read_text(encoding="utf-8")
    assert f"评价：仓库中 {r.rows_in_table:,} 行，导入时合并了完全相同的重复行 {r.rows_merged:,} 行" in page


def test_kpi_table_follows_the_contract(pack):
    _, folder = pack
    raw = (folder / "kpis.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == kpis.KPI_COLUMNS
    assert {r["month"] for r in rows} == {TINY_MONTH}
    assert {r["level"] for r in rows} == set(kpis.LEVELS)
    assert {r["meets_target"] for r in rows} <= {"true", "false", ""}


def test_nothing_in_the_pack_fetches_or_leaks(pack):
    _, folder = pack
    pages = list(folder.glob("*.html"))
    assert len(pages) >= 2
    for page in pages:
        assert external_fetches(page.read_text(encoding="utf-8")) == [], page.name
    leaks = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".csv", ".json", ".log"):
            found = find_unmasked(path.read_text(encoding="utf-8", errors="replace"))
            if found:
                leaks[str(path.relative_to(folder))] = found[:3]
    assert leaks == {}


def test_a_failing_notebook_fails_the_run_but_not_the_pack(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_data_quality.ipynb", notebooks)
    shutil.copy(ROOT / "tests" / "fixtures" / "notebooks" / "broken.ipynb", notebooks / "50_broken.ipynb")
    done = svc("report", "--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()),
               "--out", str(tmp_path / "out"), "--notebooks", str(notebooks), home=tmp_path / "home")
    assert done.returncode == 1, done.stderr
    folder = tmp_path / "out" / TINY_MONTH
    assert (folder / "00_data_quality.html").exists()
    broken = (folder / "50_broken.html").read_text(encoding="utf-8")
    assert "before the error" in broken  # the page keeps what ran and shows the error
    assert "失败" in done.stdout and "50_broken" in done.stdout


def test_scoped_run_names_its_folder_and_stays_in_scope(tmp_path):
    done = svc("report", "--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()), "--scope", "宜昌分行",
               "--out", str(tmp_path), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader((tmp_path / f"{TINY_MONTH}_宜昌分行" / "kpis.csv")
                               .read_text(encoding="utf-8-sig").splitlines()))
    assert {r["level"] for r in rows} == {"branch", "subbranch", "outlet"}
    assert {r["unit_id"] for r in rows if r["level"] == "branch"} == {"宜昌分行"}
    assert {r["unit_id"] for r in rows if r["level"] == "subbranch"} == {"伍家岗支行", "西陵支行"}


@pytest.mark.parametrize("case,args,message", [
    ("no warehouse", ["--warehouse", "{tmp}/missing.duckdb"], "missing.duckdb 不存在"),
    ("bad params", ["--params", "{tmp}/bad.yaml"], "satisfaction.rate_target"),
    ("unknown scope", ["--scope", "火星分行"], "未知的范围“火星分行”：网点表中没有这个二级分行或支行。可选的二级分行有 宜昌分行、"),
    ("no data for the month", ["--month", "2019-01"], "数据仓库中没有 2019-01 的排队、评价、投诉"),
    ("not a month", ["--month", "2026-13"], "month number 13"),
])
def test_runs_that_cannot_start_exit_two(tmp_path, case, args, message):
    (tmp_path / "bad.yaml").write_text("satisfaction:\n  rate_target: 90\n", encoding="utf-8")
    args = [a.format(tmp=tmp_path) for a in args]
    base = ["--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()), "--out", str(tmp_path / "out")]
    done = svc("report", *base, *args, home=tmp_path / "home")
    assert done.returncode == 2, (case, done.stdout, done.stderr)
    assert message in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


CFPB = Path("/work/shared/real/cfpb_complaints_sample.csv")
CFPB_MONTH = "2019-10"  # 13 complaints with Date received in October 2019 (counted in the CSV)


@pytest.mark.skipif(not CFPB.is_file(), reason="CFPB sample not available")
def test_complaints_only_warehouse_runs_the_whole_pack(tmp_path):
    """A bank that loads only complaints (the real CFPB sample through params/profiles/cfpb.yaml): every
    notebook still runs, sections without data say so, and KPIs without data are published empty."""
    warehouse = tmp_path / "cfpb.duckdb"
    loaded = svc("ingest", "--warehouse", str(warehouse), "--profile", "cfpb", str(CFPB), home=tmp_path / "home")
    assert loaded.returncode == 0, loaded.stderr
    done = svc("report", "--month", CFPB_MONTH, "--warehouse", str(warehouse), "--out", str(tmp_path / "out"),
               home=tmp_path / "home")
    assert done.returncode == 0, (done.stdout, done.stderr)
    folder = tmp_path / "out" / CFPB_MONTH
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    statuses = {n["notebook"]: n["status"] for n in run["notebooks"]}
    assert len(statuses) >= 7 and set(statuses.values()) == {"ok"}, statuses
    rows = list(csv.DictReader((folder / "kpis.csv").read_text(encoding="utf-8-sig").splitlines()))
    rates = [r for r in rows if r["metric"] in ("complaint_rate_per_10k", "complaint_rate_reduction")]
    # no tickets: nobody served, so every rate row is present but empty (无数据), never 0
    assert rates and all(r["value"] == "" and r["meets_target"] == "" for r in rates)
    total = [r for r in rows if r["metric"] == "complaints_total" and r["level"] == "province"]
    assert len(total) == 1 and float(total[0]["value"]) == 13
