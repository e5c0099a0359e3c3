from datetime import date
from pathlib import Path

from svc_analysis.core import config


def test_warehouse_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv(config.ENV_WAREHOUSE, raising=False)
    monkeypatch.delenv(config.ENV_DATA_DIR, raising=False)
    assert config.warehouse_path() == config.PROJECT_ROOT / "data" / "warehouse.duckdb"
    monkeypatch.setenv(config.ENV_WAREHOUSE, str(tmp_path / "env.duckdb"))
    assert config.warehouse_path() == tmp_path / "env.duckdb"
    assert config.warehouse_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"
    assert config.quarantine_dir(tmp_path / "arg.duckdb") == tmp_path / "quarantine"
    assert config.sample_dir("tiny", tmp_path / "arg.duckdb") == tmp_path / "sample" / "tiny"


def test_run_settings_defaults_and_pack_name(monkeypatch, tmp_path):
    for name in (config.ENV_MONTH, config.ENV_SCOPE, config.ENV_PARAMS):
        monkeypatch.delenv(name, raising=False)
    settings = config.run_settings(warehouse=tmp_path / "w.duckdb", today=date(2026, 12, 1))
    assert settings.month == "2026-11"
    assert settings.scope is None and settings.params_file is None
    assert settings.pack_name == "2026-11"
    scoped = config.run_settings(month=202609, scope=" 武汉分行 ", warehouse=tmp_path / "w.duckdb")
    assert scoped.month == "2026-09"
    assert scoped.pack_name == "2026-09_武汉分行"


def test_environment_supplies_month_and_scope(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_MONTH, "2026/07")
    monkeypatch.setenv(config.ENV_SCOPE, "宜昌分行")
    settings = config.run_settings(warehouse=tmp_path / "w.duckdb")
    assert (settings.month, settings.scope) == ("2026-07", "宜昌分行")
    # an explicit argument beats the environment
    assert config.run_settings(month="2026-08", warehouse=tmp_path / "w.duckdb").month == "2026-08"


def test_paths_are_inside_the_project():
    assert config.NOTEBOOKS_DIR == config.PROJECT_ROOT / "notebooks"
    assert (config.PARAMS_DIR / "complaints.yaml").exists()
    assert isinstance(config.reports_dir("out"), Path)
