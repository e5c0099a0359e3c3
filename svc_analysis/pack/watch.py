"""`svc watch`: the daily watch's list (日监测, issue 15) for one day, published like a pack.

The list itself is summary.watch.day_alerts (every area's ``watch_alerts`` hook over the warehouse
as it stood at the end of the day: no look-ahead). This module publishes it:

- ``<out>/watch/<YYYY-MM-DD>/`` (``<YYYY-MM-DD>_<scope>`` for a scoped run, the scope made a safe
  file name as for packs): ``alerts.csv`` (UTF-8 with BOM for Excel; Chinese headers 日期 领域 规则
  单位 数值 阈值 处理建议; every cell masked and neutralised: core.masking, core.safety),
  ``index.html`` (the same list on one offline page: data escaped by Jinja's autoescape, masked,
  the pack pages' Content-Security-Policy with the table tools' script allowed by its hash:
  page_safety.with_policy; nothing fetched) and ``run.json`` (parameters, times, failures, exit code);
- built in a staging folder, checked by the publishing gate (pack.gate.guard: no readable personal
  number leaves), then swapped into place under the day's lock (locks.pack_lock in ``<out>/watch/``),
  as the runner does with a month's pack (pack.folder: a failed run never replaces a complete one).

Exit codes (pack.cli): 0 with or without alerts; 1 when an area failed (the other areas' alerts are
published, the page names the failure) or the gate refused; 2 when the run could not start
(WatchStartError: no warehouse, no outlets, unknown scope; the warehouse or the day's folder held by
another process after ``wait`` seconds; bad params or day).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from svc_analysis.core import config
from svc_analysis.core.contract import KPI_AREA_NAMES
from svc_analysis.core.masking import mask_text
from svc_analysis.core.params import ParamsError
from svc_analysis.core.period import Period, PeriodError
from svc_analysis.core.safety import neutralise_frame, safe_filename
from svc_analysis.engine import locks, org
from svc_analysis.engine.scope import Scope
from svc_analysis.pack import folder as pack_folder
from svc_analysis.pack import page_safety
from svc_analysis.summary import watch as watch_list

CSV_NAME = "alerts.csv"
PAGE_NAME = "index.html"
PAGE_TEMPLATE = "watch.html.j2"  # templates/pack/


class WatchStartError(RuntimeError):
    """The watch could not start (the CLI exits with code 2); the message says why, in Chinese."""


START_ERRORS = (PeriodError, ParamsError, WatchStartError)  # with locks.Busy, WarehouseError: exit 2


@dataclass
class WatchResult:
    """What a run produced: the list, the areas that failed, where it was published."""

    day: Period
    scope: Scope
    alerts: pd.DataFrame
    failures: dict[str, str] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    folder: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def folder_name(day: Period, scope: str | None) -> str:
    return f"{day.key}_{safe_filename(scope)}" if scope else day.key


def collect(day: Period, warehouse=None, scope: str | None = None, params=None, wait: float = 0, *,
            engine: str | None = None, lake=None, spark_master: str | None = None) -> WatchResult:
    """The day's list from the data (read-only, held while the areas query it): the DuckDB
    warehouse, or the Parquet lake on Spark (``engine="spark"``: engine.connection; the day's cut,
    engine.as_of, filters the Ibis tables on either engine)."""
    from svc_analysis.engine import connection

    settings = config.run_settings(month=day.month_key, warehouse=warehouse, engine=engine, lake=lake,
                                   spark_master=spark_master)
    path = settings.warehouse
    if settings.engine == connection.DUCKDB and not path.is_file():
        raise WatchStartError(f"数据仓库 {path} 不存在，请先导入数据（svc ingest 或 svc sample-data）。")
    try:
        con = connection.open_data(settings, wait=wait)
    except connection.EngineError as exc:
        raise WatchStartError(str(exc)) from None
    source = f"数据仓库 {path}" if settings.engine == connection.DUCKDB else f"数据湖 {settings.lake}"
    try:
        tree = org.outlet_tree(con)
        if tree.empty:
            raise WatchStartError(f"{source} 中没有网点，请先导入网点表。")
        try:
            resolved = Scope.of(tree, scope)
        except org.ScopeError as exc:
            raise WatchStartError(str(exc).strip("'\"")) from None
        started = datetime.now().astimezone()
        alerts, failures = watch_list.day_alerts(con, params, resolved, day)
    finally:
        connection.close(con)
    return WatchResult(day=day, scope=resolved, alerts=alerts, failures=failures, started_at=started)


def write_csv(path: Path, alerts: pd.DataFrame) -> Path:
    """alerts.csv: the reader's columns, every cell masked, then neutralised for Excel; UTF-8 with BOM."""
    shown = watch_list.for_reader(alerts).map(mask_text)
    neutralise_frame(shown).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_page(path: Path, result: WatchResult) -> Path:
    """index.html: the list on one offline page (module docstring)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from svc_analysis.pack.export import PAGE_FONT_FAMILY

    env = Environment(loader=FileSystemLoader([config.TEMPLATES_DIR / "pack", config.TEMPLATES_DIR / "offline"]),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    labels = {area: watch_list.AREA_LABELS.get(area, area) for area in result.failures}
    page = env.get_template(PAGE_TEMPLATE).render(
        day=result.day, scope=result.scope, rows=watch_list.for_reader(result.alerts),
        sentence=watch_list.counts_sentence(result.alerts, result.day, result.scope),
        failures=[(labels[a], message) for a, message in result.failures.items()],
        generated=f"{result.finished_at:%Y-%m-%d %H:%M}", page_font_family=PAGE_FONT_FAMILY,
        csp_placeholder=page_safety.CSP_PLACEHOLDER)
    path.write_text(page_safety.with_policy(mask_text(page)), encoding="utf-8")
    return path


def write_run_json(path: Path, result: WatchResult, warehouse, params_file, engine: dict | None = None) -> Path:
    record = {"parameters": {"day": result.day.key, "scope": result.scope.setting,
                             "warehouse": str(config.warehouse_path(warehouse)),
                             "params_file": str(params_file) if params_file else None, **(engine or {})},
              "started_at": result.started_at.isoformat(timespec="seconds"),
              "finished_at": result.finished_at.isoformat(timespec="seconds"),
              "alerts": int(len(result.alerts)),
              "alerts_by_area": {str(k): int(v) for k, v in result.alerts.groupby("area").size().items()},
              "failed_areas": result.failures, "exit_code": result.exit_code}
    path.write_text(mask_text(json.dumps(record, ensure_ascii=False, indent=2)), encoding="utf-8")
    return path


def run_watch(day: Period, warehouse=None, scope: str | None = None, params=None, params_file=None,
              out=None, wait: float = 0, *, engine: str | None = None, lake=None,
              spark_master: str | None = None) -> WatchResult:
    """Collect the day's list and publish it in ``<out>/watch/<name>/`` (module docstring).

    ``params``: core.params.Params (loaded by the caller for the day's month). Raises
    WatchStartError, locks.Busy, warehouse_file.WarehouseError before anything is written, and
    gate.PackRefused when the gate finds a personal number it cannot mask (nothing published)."""
    result = collect(day, warehouse, scope, params, wait, engine=engine, lake=lake, spark_master=spark_master)
    on_spark = config.engine_setting(engine) != "duckdb"
    engine_record = {"engine": config.engine_setting(engine)} | (
        {"lake": str(config.lake_path(lake)), "spark_master": config.spark_master_setting(spark_master)}
        if on_spark else {})
    reports = config.reports_dir(out) / "watch"
    reports.mkdir(parents=True, exist_ok=True)
    name = folder_name(day, result.scope.setting)
    with locks.pack_lock(reports, name, wait):
        pack_folder.remove_stale_staging(reports, name)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}{pack_folder.STAGING_MARK}", dir=reports))
        try:
            mask = os.umask(0)
            os.umask(mask)
            staging.chmod(0o777 & ~mask)  # mkdtemp makes it private; the list is shared like a pack
            result.finished_at = datetime.now().astimezone()
            write_csv(staging / CSV_NAME, result.alerts)
            write_page(staging / PAGE_NAME, result)
            write_run_json(staging / "run.json", result, warehouse, params_file, engine_record)
            from svc_analysis.pack.gate import guard

            guard(staging)
            result.folder = pack_folder.publish(staging, reports / name, result.exit_code)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return result


def run_from_options(day: str | None, warehouse, scope: str | None, params_file, out, wait: float, *,
                     engine: str | None = None, lake=None, spark_master: str | None = None) -> WatchResult:
    """`svc watch`'s options resolved once (the day: yesterday by default; params for its month) and run."""
    from svc_analysis.core.params import load_params

    period = Period.day(day) if day else Period.last_complete("day")
    override = config.params_override_file(params_file)
    return run_watch(period, warehouse, config.scope_setting(scope), load_params(period.month_key, override),
                     override, out, wait, engine=engine, lake=lake, spark_master=spark_master)


def messages(result: WatchResult, quiet: bool) -> list[tuple[str, bool]]:
    """What `svc watch` prints: (line, to stderr): the counts unless quiet, each failed area, the page."""
    lines = []
    if not quiet:
        by_area = result.alerts.groupby("area_label", sort=False).size()
        scoped = f"（范围：{result.scope.setting}）" if result.scope.setting else ""
        lines.append((f"日监测 {result.day.key}{scoped}：{len(result.alerts)} 条提示"
                      + "".join(f"，{label} {n}" for label, n in by_area.items()), False))
    for area in result.failures:  # the developer's reason stays in run.json (failed_areas)
        lines.append((f"错误：{KPI_AREA_NAMES.get(area, area)}的日监测失败（其余领域的提示已发布），"
                      f"原因记在 {result.folder / 'run.json'}", True))
    lines.append((f"清单：{result.folder / PAGE_NAME}", False))
    return lines
