"""pack_folder and the runner's pack lock: a failed run never replaces a complete pack, leftovers of
swaps are cleaned, two runs of one pack cannot interleave (no kernels: notebook runs are stand-ins)."""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from svc_analysis.engine import locks
from svc_analysis.pack import folder as pack_folder
from svc_analysis.pack import runner
from svc_analysis.core.config import RunSettings
from svc_analysis.pack.execution import NotebookResult
from svc_analysis.pack.runner import run_report

INDEX = "<html><head><title>2026-10</title></head>\n<body class=\"lab\">\n<h1>服务质量月报 2026-10</h1>\n</body></html>"


def _pack(folder: Path, exit_code: int, text: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"exit_code": exit_code}), encoding="utf-8")
    (folder / "index.html").write_text(INDEX.replace("</h1>", f"</h1>{text}"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("content,complete", [
    ('{"exit_code": 0}', True), ('{"exit_code": 1}', False), ("{not json", False), ("[0]", False), (None, False),
])
def test_is_complete_reads_run_json(tmp_path, content, complete):
    if content is not None:
        (tmp_path / "run.json").write_text(content, encoding="utf-8")
    assert pack_folder.is_complete(tmp_path) is complete


def test_a_failed_run_is_published_beside_a_complete_pack(tmp_path):
    good = _pack(tmp_path / "2026-10", 0, "good")
    failed = _pack(tmp_path / ".2026-10.partial-x", 1, "failed")
    where = pack_folder.publish(failed, good, 1, now=datetime(2026, 11, 1, 7, 30, 12))
    assert where == tmp_path / "2026-10.failed-20261101T073012"
    assert sorted(os.listdir(tmp_path)) == ["2026-10", "2026-10.failed-20261101T073012"]
    assert json.loads((good / "run.json").read_text())["exit_code"] == 0  # the good pack is in place
    beside = (where / "index.html").read_text(encoding="utf-8")
    top = '<html><head><title>2026-10</title></head>\n<body class="lab">\n<!-- svc-note:failed --><p class="svc-run-note"'
    assert beside.startswith(top)
    assert '本次运行失败，报告包未替换：完整的报告包仍是 <a href="../2026-10/index.html">2026-10</a>。</p>' in beside
    first = (good / "index.html").read_text(encoding="utf-8")
    assert ('此后 2026-11-01 07:30 的一次运行失败，本报告包未被替换；失败的运行见 '
            '<a href="../2026-10.failed-20261101T073012/index.html">2026-10.failed-20261101T073012</a>') in first
    assert "good" in first
    again = _pack(tmp_path / ".2026-10.partial-y", 1)  # a second failure: the note names the latest one only
    where2 = pack_folder.publish(again, good, 1, now=datetime(2026, 11, 1, 9, 0, 0))
    second = (good / "index.html").read_text(encoding="utf-8")
    assert second.count("svc-run-note") == 1 and where2.name in second and where.name not in second


def test_a_failed_run_replaces_a_failed_or_missing_pack_and_a_good_run_replaces_anything(tmp_path):
    old = _pack(tmp_path / "2026-10", 1, "old failed")
    new = _pack(tmp_path / ".2026-10.partial-a", 1, "new failed")
    assert pack_folder.publish(new, old, 1) == old
    assert "new failed" in (old / "index.html").read_text(encoding="utf-8")
    good = _pack(tmp_path / ".2026-10.partial-b", 0, "new good")
    assert pack_folder.publish(good, old, 0) == old
    assert "new good" in (old / "index.html").read_text(encoding="utf-8")
    fresh = _pack(tmp_path / ".2026-11.partial-c", 1)
    assert pack_folder.publish(fresh, tmp_path / "2026-11", 1) == tmp_path / "2026-11"
    assert sorted(os.listdir(tmp_path)) == ["2026-10", "2026-11"]


def test_old_folders_are_removed_whatever_their_age_and_only_for_the_pack(tmp_path):
    for name in (".2026-10.old-1a2b3c4d", ".2026-10_城东支行.old-99999999", ".2026-10.partial-fresh", "2026-10"):
        (tmp_path / name).mkdir()
    removed = pack_folder.remove_stale_staging(tmp_path, "2026-10")
    assert removed == [tmp_path / ".2026-10.old-1a2b3c4d"]
    assert sorted(os.listdir(tmp_path)) == [".2026-10.partial-fresh", ".2026-10_城东支行.old-99999999", "2026-10"]


# ------------------------------------------------ through run_report

def _settings(tmp_path: Path) -> tuple[RunSettings, Path]:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "00_ok.ipynb").write_text("{}", encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.touch()
    return RunSettings(month="2026-10", warehouse=warehouse, scope=None, params_file=None), notebooks


def _stand_in(status: str):
    def fake(path, pack_dir, parameters, cell_timeout, router):
        return NotebookResult(path=path, title=path.stem, status=status, duration=0.1)
    return fake


def test_run_report_keeps_the_complete_pack_and_cleans_an_old_leftover(tmp_path, monkeypatch):
    settings, notebooks = _settings(tmp_path)
    reports = tmp_path / "reports"
    monkeypatch.setattr(runner, "run_notebook", _stand_in("ok"))
    first = run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert first.exit_code == 0 and first.pack_dir == reports / "2026-10"
    (reports / ".2026-10.old-deadbeef" / "logs").mkdir(parents=True)  # a swap that was killed half way
    monkeypatch.setattr(runner, "run_notebook", _stand_in("error"))
    second = run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert second.exit_code == 1
    assert second.pack_dir.name.startswith("2026-10.failed-")
    assert sorted(os.listdir(reports)) == ["2026-10", second.pack_dir.name]  # no .old-, no lock file
    assert json.loads((reports / "2026-10" / "run.json").read_text(encoding="utf-8"))["exit_code"] == 0
    assert json.loads((second.pack_dir / "run.json").read_text(encoding="utf-8"))["exit_code"] == 1
    assert "本次运行失败" in (second.pack_dir / "index.html").read_text(encoding="utf-8")


HOLD_PACK = ("import sys; from pathlib import Path; from svc_analysis.engine import locks\n"
             "with locks.pack_lock(Path(sys.argv[1]), sys.argv[2], wait=0):\n"
             "    print('held', flush=True); sys.stdin.read()")


def test_run_report_refuses_while_another_run_holds_the_pack(tmp_path, monkeypatch):
    settings, notebooks = _settings(tmp_path)
    reports = tmp_path / "reports"
    reports.mkdir()
    monkeypatch.setattr(runner, "run_notebook", _stand_in("ok"))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_PACK, str(reports), "2026-10"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(locks.PackBusy, match=f"^报告包 2026-10 正由进程 {holder.pid}"):
            run_report(settings, out=reports, notebooks_dir=notebooks, progress=False, wait=0)
        assert os.listdir(reports) == [".2026-10.lock"]  # nothing started: no staging folder
        other = RunSettings(month="2026-09", warehouse=settings.warehouse, scope=None, params_file=None)
        assert run_report(other, out=reports, notebooks_dir=notebooks, progress=False).exit_code == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert run_report(settings, out=reports, notebooks_dir=notebooks, progress=False).exit_code == 0
    assert sorted(os.listdir(reports)) == ["2026-09", "2026-10"]
