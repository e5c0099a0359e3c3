"""End to end: `svc report --week 2026-W43` on the tiny sample warehouse, as cron would run the weekly
bulletin (one run, in cron's bare environment): the weekly pack's folder, index, pages and kpis.csv.

2026-W43 is Monday 19 to Sunday 25 October 2026, inside the tiny sample's last month.
"""

from __future__ import annotations

import csv
import json

import nbformat
import pytest

from svc_analysis.core.masking import find_unmasked
from svc_analysis.engine import kpis
from svc_analysis.pack.export import external_fetches
from tests.pack.support import bare_svc
from tests.support import TINY_WEEK, tiny_warehouse

WEEK = TINY_WEEK
pytestmark = pytest.mark.slow
WEEKLY_METRICS = {"complaints_total", "complaints_responsible", "complaint_rate_per_10k", "praises_total",
                  "avg_wait_minutes", "overtime_wait_share", "p90_wait_minutes", "unserved_share", "overtime_outlets"}


@pytest.fixture(scope="module")
def weekly_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = bare_svc("report", "--week", WEEK, "--warehouse", str(tiny_warehouse()), "--out", str(out),
                    home=tmp_path_factory.mktemp("home"))
    return done, out / WEEK


def test_the_weekly_run_exits_zero_with_a_complete_pack(weekly_pack):
    done, folder = weekly_pack
    assert done.returncode == 0, done.stderr
    assert f"生成报告 {WEEK}" in done.stdout and f"首页：{folder / 'index.html'}" in done.stdout
    names = {p.name for p in folder.iterdir()}
    assert names == {"index.html", "kpis.csv", "run.json", "logs", "notebooks", "11_complaints_week.html",
                     "41_checks_week.html", "51_queue_week.html"}  # no monthly page, no monthly workbook
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["exit_code"] == 0 and run["parameters"]["period"] == WEEK
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f"<h1>服务质量周报 {WEEK}（全省）</h1>" in index and "2026年第43周（10月19日至10月25日）" in index
    assert "本周行数" in index and "本周达到目标的指标数" in index
    for page in ("11_complaints_week.html", "41_checks_week.html", "51_queue_week.html"):
        assert page in index


def test_kpis_csv_carries_the_week_under_its_month(weekly_pack):
    _, folder = weekly_pack
    raw = (folder / "kpis.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == kpis.KPI_COLUMNS
    assert {r["period"] for r in rows} == {WEEK}
    assert {r["month"] for r in rows} == {"2026-10"}  # the month holding Sunday 25 October
    assert {r["area"] for r in rows} == {"complaints", "queue"}
    assert {r["metric"] for r in rows} == WEEKLY_METRICS
    assert {r["level"] for r in rows} == set(kpis.LEVELS)


def test_the_weekly_pages_fetch_and_leak_nothing(weekly_pack):
    _, folder = weekly_pack
    for page in folder.glob("*.html"):
        assert external_fetches(page.read_text(encoding="utf-8")) == [], page.name
    for path in (folder / "notebooks").glob("*.ipynb"):  # no error, no warning on stderr in any cell
        outputs = [o for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"], path.name
    leaks = {str(p.relative_to(folder)): find_unmasked(p.read_text(encoding="utf-8", errors="replace"))[:3]
             for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".ipynb", ".csv", ".json", ".log")}
    assert {k: v for k, v in leaks.items() if v} == {}
    queue = (folder / "51_queue_week.html").read_text(encoding="utf-8")
    assert "服务质量周报 · 2026年第43周（10月19日至10月25日） · 全省" in queue
    assert "零超时" in queue and "最拥堵的时段" in queue
    checks = (folder / "41_checks_week.html").read_text(encoding="utf-8")
    assert "没有逐篇的新闻报送记录" in checks
