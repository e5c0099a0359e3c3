"""pack_gate: the last scan of a staged pack masks readable numbers in place or refuses to publish."""

import json
import zipfile

import click
import pytest

from svc_analysis.pack import gate as pack_gate
from svc_analysis.core.masking import find_unmasked

PNG_DIGITS = "iVBORw0KGgo13812345678AAAA"  # base64 image data that happens to hold phone-like digits


def _pack(tmp_path):
    folder = tmp_path / "pack"
    (folder / "logs").mkdir(parents=True)
    (folder / "notebooks").mkdir()
    (folder / "index.html").write_text(
        f'<p>网点 13812345678</p><img src="data:image/png;base64,{PNG_DIGITS}">', encoding="utf-8")
    (folder / "kpis.csv").write_text("unit_id,value\nprovince,0.5\n", encoding="utf-8-sig")
    (folder / "logs" / "10_complaints.log").write_text("KeyError: '110101199003071234'\n", encoding="utf-8")
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [
        {"output_type": "display_data", "data": {"text/plain": "卡 6222021234567890123", "image/png": PNG_DIGITS}}]}]}
    (folder / "notebooks" / "10_complaints.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return folder


def test_check_pack_masks_text_files_in_place_and_leaves_images(tmp_path):
    folder = _pack(tmp_path)
    report = pack_gate.check_pack(folder)
    assert report.masked == {"index.html": 1, "logs/10_complaints.log": 1, "notebooks/10_complaints.ipynb": 1}
    assert report.refused == []
    assert (folder / "index.html").read_text(encoding="utf-8") == (
        f'<p>网点 138****5678</p><img src="data:image/png;base64,{PNG_DIGITS}">')
    assert (folder / "logs" / "10_complaints.log").read_text(encoding="utf-8") == "KeyError: '1101**********1234'\n"
    data = json.loads((folder / "notebooks" / "10_complaints.ipynb").read_text(encoding="utf-8"))["cells"][0]
    assert data["outputs"][0]["data"] == {"text/plain": "卡 6222***********0123", "image/png": PNG_DIGITS}
    assert (folder / "kpis.csv").read_text(encoding="utf-8-sig") == "unit_id,value\nprovince,0.5\n"  # untouched


def test_check_pack_masks_workbook_strings(tmp_path):
    from openpyxl import Workbook, load_workbook

    folder = tmp_path / "pack"
    folder.mkdir()
    book = Workbook()
    book.active.append(["网点13812345678", 0.5])
    book.save(folder / "book.xlsx")
    assert pack_gate.check_pack(folder).masked == {"book.xlsx": 1}
    back = load_workbook(folder / "book.xlsx").active
    assert [c.value for c in back[1]] == ["网点138****5678", 0.5]


def test_guard_logs_what_it_masked_without_the_values(tmp_path, capsys):
    folder = _pack(tmp_path)
    pack_gate.guard(folder)
    log = (folder / "logs" / pack_gate.LOG_NAME).read_text(encoding="utf-8")
    assert "index.html：已遮蔽 1 处号码" in log and "notebooks/10_complaints.ipynb：已遮蔽 1 处号码" in log
    assert find_unmasked(log) == [] and "5678" not in log
    assert "3 个文件含未遮蔽号码，已遮蔽" in capsys.readouterr().err


def test_guard_refuses_a_file_it_cannot_mask(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "chart.bin").write_bytes(b"\xff\xfe 13812345678 \x00")
    with pytest.raises(pack_gate.PackRefused) as refused:
        pack_gate.guard(folder)
    assert refused.value.exit_code == 1 and isinstance(refused.value, click.ClickException)
    assert refused.value.message.startswith("发布前检查发现文件 chart.bin 含未遮蔽的电话、证件或银行卡号码")


def test_a_clean_pack_passes_untouched(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "index.html").write_text("<p>95588 热线，2026-10-31，投诉 12 件</p>", encoding="utf-8")
    report = pack_gate.guard(folder)
    assert report.masked == {} and report.refused == []
    assert not (folder / "logs").exists()


def test_the_zip_stays_a_valid_workbook_when_nothing_is_found(tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "pack"
    folder.mkdir()
    Workbook().save(folder / "book.xlsx")
    before = (folder / "book.xlsx").read_bytes()
    assert pack_gate.check_pack(folder).masked == {}
    assert (folder / "book.xlsx").read_bytes() == before and zipfile.is_zipfile(folder / "book.xlsx")


def test_run_report_refuses_to_publish_and_keeps_the_old_pack(tmp_path, monkeypatch):
    from datetime import datetime

    from svc_analysis.pack import runner
    from svc_analysis.core.config import RunSettings

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "00_x.ipynb").write_text("{}", encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"")
    reports = tmp_path / "reports"
    (reports / "2024-10").mkdir(parents=True)
    (reports / "2024-10" / "index.html").write_text("旧报告", encoding="utf-8")

    def build(staging, *args):  # a finished pack with a binary file the gate cannot mask
        (staging / "chart.bin").write_bytes(b"\xff\xfe 13812345678")
        now = datetime.now().astimezone()
        return runner.RunResult(pack_dir=staging, notebooks=[], started_at=now, finished_at=now)

    monkeypatch.setattr(runner, "_build_pack", build)
    settings = RunSettings(month="2024-10", warehouse=warehouse, scope=None, params_file=None)
    with pytest.raises(pack_gate.PackRefused, match="chart.bin"):
        runner.run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert [p.name for p in reports.iterdir()] == ["2024-10"]  # no staging folder left
    assert (reports / "2024-10" / "index.html").read_text(encoding="utf-8") == "旧报告"
