"""The one authority for paths and run settings.

Every other module asks here where things live. A setting comes from, in order: an explicit
argument (CLI flag or notebook parameter), an environment variable, the default below.

Environment variables (all optional):
    SVC_WAREHOUSE   DuckDB warehouse file (default data/warehouse.duckdb)
    SVC_PARAMS      a YAML file merged over params/ (e.g. another year's campaign)
    SVC_SCOPE       a branch or sub-branch name; empty means the whole province
    SVC_MONTH       the report month YYYY-MM; empty means the last complete month
    SVC_WEEK        the report week YYYY-Www of a weekly run; empty means the last complete ISO week
    SVC_DATA_DIR    where sample data and quarantine files go (default data/)
    SVC_REPORTS_DIR where report packs go (default reports/)
    SVC_ENGINE      the data engine: duckdb (default: the warehouse file) or spark (the Parquet lake)
    SVC_LAKE        the Parquet lake folder of --engine spark (`svc lake export`; docs/scale.md)
    SVC_SPARK_MASTER the Spark master of --engine spark (default engine.connection.LOCAL_MASTER)
    SVC_SPILL_DIR   DuckDB's spill folder (default .duckdb_spill beside the warehouse; when it
                    cannot be written, e.g. a warehouse on a read-only share: the system temp dir)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from svc_analysis.core.period import Period

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # svc_analysis/ (this module is svc_analysis/core/config.py)
PROJECT_ROOT = PACKAGE_DIR.parent

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"
PROFILES_DIR = PARAMS_DIR / "profiles"
MONTHLY_PARAMS_DIR = PARAMS_DIR / "months"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
DOCS_DIR = PROJECT_ROOT / "docs"

ENV_WAREHOUSE = "SVC_WAREHOUSE"
ENV_PARAMS = "SVC_PARAMS"
ENV_SCOPE = "SVC_SCOPE"
ENV_MONTH = "SVC_MONTH"
ENV_WEEK = "SVC_WEEK"
ENV_DATA_DIR = "SVC_DATA_DIR"
ENV_REPORTS_DIR = "SVC_REPORTS_DIR"
ENV_SPILL_DIR = "SVC_SPILL_DIR"
ENV_ENGINE = "SVC_ENGINE"
ENV_LAKE = "SVC_LAKE"
ENV_SPARK_MASTER = "SVC_SPARK_MASTER"
ENGINES = ("duckdb", "spark")

WAREHOUSE_FILENAME = "warehouse.duckdb"
KERNEL_NAME = "python3"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Local data folder: warehouse, sample exports, quarantine. Never committed."""
    return _env_path(ENV_DATA_DIR) or PROJECT_ROOT / "data"


def reports_dir(out: str | Path | None = None) -> Path:
    """Where monthly packs are written: reports/<YYYY-MM>[_<scope>]/."""
    if out:
        return Path(out).expanduser()
    return _env_path(ENV_REPORTS_DIR) or PROJECT_ROOT / "reports"


def project_relative(path: str | Path | None) -> str | None:
    """A path as run.json and the logs record it: relative to the project folder when inside it
    ('data/warehouse.duckdb'), else as given; None stays None. Never shown on a manager's page."""
    if path is None:
        return None
    path = Path(path)
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def warehouse_path(warehouse: str | Path | None = None) -> Path:
    """The DuckDB warehouse file: argument, else $SVC_WAREHOUSE, else data/warehouse.duckdb."""
    if warehouse:
        return Path(warehouse).expanduser().resolve()
    return (_env_path(ENV_WAREHOUSE) or data_dir() / WAREHOUSE_FILENAME).resolve()


def quarantine_dir(warehouse: str | Path | None = None) -> Path:
    """Rows set aside at ingest live next to the warehouse they were meant for."""
    return warehouse_path(warehouse).parent / "quarantine"


def sample_dir(scale: str, warehouse: str | Path | None = None) -> Path:
    """Generated contract-format sample exports: <data>/sample/<scale>/."""
    return warehouse_path(warehouse).parent / "sample" / scale


def spill_dir(warehouse: str | Path | None = None) -> Path:
    """DuckDB's temp_directory, for joins and sorts larger than the memory limit: $SVC_SPILL_DIR,
    else .duckdb_spill beside the warehouse (warehouse_file falls back to a temp dir when it
    cannot be written)."""
    return _env_path(ENV_SPILL_DIR) or warehouse_path(warehouse).parent / ".duckdb_spill"


def params_override_file(params_file: str | Path | None = None) -> Path | None:
    """An optional YAML merged over params/: argument, else $SVC_PARAMS."""
    if params_file:
        return Path(params_file).expanduser().resolve()
    return _env_path(ENV_PARAMS)


def scope_setting(scope: str | None = None) -> str | None:
    """A branch or sub-branch name, or None for the whole province."""
    value = scope if scope is not None else os.environ.get(ENV_SCOPE, "")
    value = (value or "").strip()
    return value or None


def month_setting(month: str | None = None) -> str | None:
    value = month if month is not None else os.environ.get(ENV_MONTH, "")
    value = (str(value) if value is not None else "").strip()
    return value or None


def week_setting(week: str | None = None) -> str | None:
    """The report week of a weekly run: the argument, else $SVC_WEEK; None: the last complete week."""
    value = week if week is not None else os.environ.get(ENV_WEEK, "")
    value = (str(value) if value is not None else "").strip()
    return value or None


def engine_setting(engine: str | None = None) -> str:
    """The data engine: the argument, else $SVC_ENGINE, else duckdb (checked by engine.connection)."""
    value = engine if engine is not None else os.environ.get(ENV_ENGINE, "")
    return (value or "").strip().lower() or "duckdb"


def lake_path(lake: str | Path | None = None) -> Path | None:
    """The Parquet lake of the spark engine: the argument, else $SVC_LAKE, else None."""
    if lake:
        return Path(lake).expanduser().resolve()
    found = _env_path(ENV_LAKE)
    return found.resolve() if found else None


def spark_master_setting(master: str | None = None) -> str | None:
    """The Spark master URL: the argument, else $SVC_SPARK_MASTER, else None (local mode)."""
    value = master if master is not None else os.environ.get(ENV_SPARK_MASTER, "")
    return (value or "").strip() or None


@dataclass(frozen=True)
class RunSettings:
    """What one report run (or one interactive notebook session) works on.

    ``period``: the report period (a month, or an ISO week for a weekly run); ``month`` is the month
    holding its last day (the month itself for a monthly run: kpis.csv's ``month``, the params month).
    Left out, ``period`` is the month. ``engine`` says where the data is read (engine.connection):
    ``duckdb``, the warehouse file; ``spark``, the Parquet lake ``lake`` on ``spark_master``."""

    month: str
    warehouse: Path
    scope: str | None
    params_file: Path | None
    period: Period | None = None
    engine: str = "duckdb"
    lake: Path | None = None
    spark_master: str | None = None

    def __post_init__(self):
        if self.period is None:
            object.__setattr__(self, "period", Period.month(self.month))

    @property
    def pack_name(self) -> str:
        """Folder name of the pack: the period's key (2026-10, 2026-W43), with the scope appended when scoped.

        The scope is a name from the data: made one safe path component ('宜昌/城区' -> '宜昌_城区').
        """
        from svc_analysis.core.safety import safe_filename

        key = self.period.key
        return f"{key}_{safe_filename(self.scope)}" if self.scope else key


def run_settings(
    month: str | None = None,
    warehouse: str | Path | None = None,
    scope: str | None = None,
    params_file: str | Path | None = None,
    today=None,
    *,
    week: str | None = None,
    cadence: str = "month",
    engine: str | None = None,
    lake: str | Path | None = None,
    spark_master: str | None = None,
) -> RunSettings:
    """Resolve every run setting once, in the documented order of precedence.

    cadence "week" (or a ``week`` given): the period is that ISO week (argument, else $SVC_WEEK,
    else the last complete week before ``today``) and ``month`` the month holding its last day."""
    from svc_analysis.core.periods import last_complete_month, parse_month

    if cadence == "week" or week is not None:
        chosen = week_setting(week)
        period = Period.week(chosen) if chosen else Period.last_complete("week", today)
    else:
        chosen = month_setting(month)
        period = Period.month(parse_month(chosen) if chosen else last_complete_month(today))
    return RunSettings(
        month=period.month_key,
        warehouse=warehouse_path(warehouse),
        scope=scope_setting(scope),
        params_file=params_override_file(params_file),
        period=period,
        engine=engine_setting(engine),
        lake=lake_path(lake),
        spark_master=spark_master_setting(spark_master),
    )
