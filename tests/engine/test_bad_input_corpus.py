"""The bad-input corpus (tests/engine/ingest_corpus.py) through `svc ingest`, in process with click's CliRunner.

For every case: the exit code; the expected Chinese sentence naming the file, never a traceback;
for a refused file nothing of it in the warehouse; for a loaded one rows read = loaded + set aside +
merged = the data rows really in the file (counted by the corpus from how it wrote the file, as are
the rows that repeat another row of the file exactly), the same figures printed, the expected reason
among the rows set aside, and the quarantine CSV agreeing line for line with the _quarantine table.
"""

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.engine.ingest_corpus import CASES, REFERENCE

from svc_analysis.engine import warehouse as wh
from svc_analysis.pack.cli import main


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """One small warehouse with outlets O001, O002 and staff S001, shared by every case."""
    folder = tmp_path_factory.mktemp("corpus")
    paths = []
    for name, text in REFERENCE.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    result = CliRunner().invoke(main, ["ingest", "--warehouse", str(folder / "w.duckdb"), "--quiet", *paths])
    assert result.exit_code == 0, result.output
    return folder / "w.duckdb"


def _query(warehouse, sql, params=None):
    con = wh.connect(warehouse, read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_corpus_is_big_enough_and_ids_unique():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, warehouse, tmp_path):
    path = case.build(tmp_path)
    result = CliRunner().invoke(main, ["ingest", "--warehouse", str(warehouse), "--quiet", *case.options, str(path)])
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == case.exit_code, output
    file_key = str(path.resolve())
    logged = _query(warehouse, "SELECT rows_read, rows_loaded, rows_set_aside, rows_merged FROM _ingest_log "
                               "WHERE file = ?", [file_key])
    reasons = [r for (r,) in _query(warehouse, "SELECT reason FROM _quarantine WHERE file = ?", [file_key])]
    assert case.sentence in output or any(case.sentence in r for r in reasons), (output, reasons)
    if case.rows is None:
        assert output.startswith("错误：") and (f"{path.name}：" in output or f"{path}：" in output), output
        assert logged == [] and _query(warehouse, "SELECT count(*) FROM _quarantine WHERE file = ?", [file_key]) == [(0,)]
        return
    loaded = case.rows - case.set_aside - case.merged
    assert logged == [(case.rows, loaded, case.set_aside, case.merged)]
    assert f"读取 {case.rows} 行，导入 {loaded} 行，另放 {case.set_aside} 行，合并重复 {case.merged} 行" in output
    lines = _query(warehouse, "SELECT row_number, quarantine_file FROM _quarantine WHERE file = ? ORDER BY 1",
                   [file_key])
    assert len({row for row, _ in lines}) == case.set_aside
    if case.set_aside:
        [quarantine_file] = {q for _, q in lines}
        csv = pd.read_csv(quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert sorted(int(r) for r in csv["_row"]) == [row for row, _ in lines]  # one CSV line per table line
        assert sorted(csv["_reason"]) == sorted(reasons)
