"""`svc watch` (pack.watch and its CLI wiring) on the hand-built warehouse of tests/watch_support.py:
the files it publishes (alerts.csv, the page, run.json), what they do with hostile data, exit codes.
The list's rows themselves are checked in tests/<area>/test_<area>_watch_alerts.py and
tests/summary/test_summary_watch.py."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from svc_analysis.core import areas
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.pack import page_safety
from svc_analysis.pack import watch as pack_watch
from svc_analysis.pack.cli import main
from svc_analysis.pack.export import external_fetches
from tests import watch_support as ws
from tests.engine.test_locks import HOLD_PACK, HOLD_WAREHOUSE, Holder

ERROR = "错误："


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    ws.build(path).close()
    return path


def _svc(*args):
    return CliRunner().invoke(main, ["watch", *map(str, args)], catch_exceptions=False)


def test_the_day_is_published_as_csv_page_and_run_record(warehouse, tmp_path):
    done = _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    folder = tmp_path / "out" / "watch" / "2026-10-14"
    assert sorted(p.name for p in folder.iterdir()) == ["alerts.csv", "index.html", "run.json"]
    # 12 alerts: 8 complaints, 2 queue, 2 satisfaction (tests/summary/test_summary_watch.py)
    assert done.output.splitlines()[0] == "日监测 2026-10-14：12 条提示，投诉 8，排队效率 2，满意度 2"
    assert done.output.splitlines()[-1] == f"清单：{folder / 'index.html'}"
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert (record["exit_code"], record["alerts"], record["parameters"]["day"]) == (0, 12, "2026-10-14")
    assert not list((tmp_path / "out" / "watch").glob(".*partial*"))  # staging swapped into place


def test_alerts_csv_bom_chinese_headers_neutralised_and_masked(warehouse, tmp_path):
    _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path)
    raw = (tmp_path / "watch" / "2026-10-14" / "alerts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "领域", "规则", "单位", "数值", "阈值", "处理建议"]
    assert len(rows) == 13
    units = [r[3] for r in rows[1:]]
    # O2's name is a formula: its cells start with a quote (safety.neutralise_cell), never with '='
    assert "'" + ws.O2_NAME + "（O2）" in units and not any(u.startswith("=") for u in units)
    # O1's name holds a phone number: masked (138****5678), nowhere readable
    text = raw.decode("utf-8-sig")
    assert ws.PHONE not in text and "一号网点（联系电话138****5678）（O1）" in units


def test_the_page_escapes_hostile_names_and_fetches_nothing(warehouse, tmp_path):
    _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path)
    page = (tmp_path / "watch" / "2026-10-14" / "index.html").read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;三号网点（O3）" in page
    assert ws.PHONE not in page and "138****5678" in page
    assert external_fetches(page) == []
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    assert policy == page_safety.script_policy(page)  # the table tools' script, allowed by its hash
    assert policy.startswith("default-src 'none';") and "'sha256-" in policy
    assert "<title>服务质量日监测 2026年10月14日（全省）</title>" in page
    assert "全省2026年10月14日共有 12 条需要处理的事项" in page


def test_a_day_without_alerts_exits_0(warehouse, tmp_path):
    # 乙分行 on DAY: O4 closed on 10-01, O5 self-service, no complaint or rating there
    done = _svc("--day", "2026-10-14", "--scope", "乙分行", "--warehouse", warehouse, "--out", tmp_path)
    assert done.exit_code == 0, done.output
    folder = tmp_path / "watch" / "2026-10-14_乙分行"
    assert (folder / "alerts.csv").read_text(encoding="utf-8-sig").splitlines() == ["日期,领域,规则,单位,数值,阈值,处理建议"]
    assert "乙分行2026年10月14日没有需要处理的事项。" in (folder / "index.html").read_text(encoding="utf-8")


def test_the_default_day_is_yesterday(warehouse, tmp_path):
    done = _svc("--warehouse", warehouse, "--out", tmp_path, "--quiet")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "watch" / (date.today() - timedelta(days=1)).isoformat() / "alerts.csv").is_file()


def test_a_failing_area_publishes_the_others_and_exits_1(warehouse, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("排队数据异常")

    hooks = dict(areas.hooks("watch_alerts"), queue=broken)
    monkeypatch.setattr(areas, "hooks", lambda name: hooks)
    done = _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path)
    assert done.exit_code == 1
    folder = tmp_path / "watch" / "2026-10-14"
    assert f"错误：排队效率的日监测失败（其余领域的提示已发布），原因记在 {folder / 'run.json'}" in done.output
    assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["failed_areas"] == {
        "queue": "RuntimeError: 排队数据异常"}
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "排队效率：RuntimeError: 排队数据异常" in page
    assert "全省2026年10月14日共有 10 条需要处理的事项" in page  # 12 less the two queue rows


@pytest.mark.parametrize("args, sentence", [
    (["--day", "2026-13-01"], "日期 '2026-13-01' 不存在"),
    (["--day", "yesterday"], "日期 'yesterday' 无法识别"),
    (["--day", "2026-10-14", "--scope", "丙分行"], "丙分行"),
])
def test_bad_input_exits_2_with_one_sentence(warehouse, tmp_path, args, sentence):
    done = CliRunner().invoke(main, ["watch", *args, "--warehouse", str(warehouse), "--out", str(tmp_path)])
    assert done.exit_code == 2 and done.output.startswith(ERROR) and sentence in done.output, done.output
    assert not (tmp_path / "watch" / "2026-10-14").exists()


def test_no_warehouse_exits_2(tmp_path):
    done = CliRunner().invoke(main, ["watch", "--day", "2026-10-14", "--warehouse", str(tmp_path / "none.duckdb")])
    assert done.exit_code == 2 and "不存在" in done.output


def test_a_held_warehouse_or_day_exits_2(warehouse, tmp_path):
    holder = Holder(HOLD_WAREHOUSE, warehouse, "rw")  # an ingest writing
    try:
        done = _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path, "--wait", 0)
        assert done.exit_code == 2 and f"正被进程 {holder.pid}" in done.output, done.output
    finally:
        holder.release()
    (tmp_path / "watch").mkdir()
    holder = Holder(HOLD_PACK, tmp_path / "watch", "2026-10-14")  # the same day's watch running
    try:
        done = _svc("--day", "2026-10-14", "--warehouse", warehouse, "--out", tmp_path, "--wait", 0)
        assert done.exit_code == 2 and f"正由进程 {holder.pid}" in done.output, done.output
    finally:
        holder.release()


def test_the_gate_masks_what_a_writer_forgot(warehouse, tmp_path, monkeypatch):
    def careless(path, alerts):
        path.write_text(f"日期\n{ws.PHONE}\n", encoding="utf-8-sig")

    monkeypatch.setattr(pack_watch, "write_csv", careless)
    result = pack_watch.run_watch(Period.day(ws.DAY), warehouse=warehouse, params=load_params("2026-10"),
                                  out=tmp_path)
    assert ws.PHONE not in (result.folder / "alerts.csv").read_text(encoding="utf-8-sig")
    assert (result.folder / "logs" / "pack_gate.log").is_file()
