"""What the first cell of every pack notebook calls: settings, params, warehouse, theme.

    ctx = svc_analysis.pack.notebook.setup(month=month, warehouse=warehouse, scope=scope,
                                      params_file=params_file, kpi_dir=kpi_dir)

A weekly pack notebook (notebooks/weekly/) has ``week`` instead of ``month`` and calls
``setup(week=week, cadence="week", ...)``: its period is that ISO week (None: the last complete one).
The five arguments are the notebook's parameters (docs/architecture.md); None means the default
(config.run_settings: argument > environment variable > default). The returned Context carries
everything a notebook needs, so notebooks only load, call and show.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from svc_analysis.core import config
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.views import plotting
from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_end
from svc_analysis.core.safety import md

PROVINCE_LABEL = "全省"
# JupyterLab sets it to the notebook's path in the kernel; the runner does the same for papermill.
SESSION_ENV = "JPY_SESSION_NAME"

PANDAS_OPTIONS = {
    "display.max_rows": 60,
    "display.max_columns": 30,
    "display.width": 160,
    "display.max_colwidth": 60,
    "display.precision": 3,
}


def quiet_warnings() -> None:
    """Hide library deprecation chatter (pandas, ibis, seaborn...) so no stderr lands in the HTML.

    Only DeprecationWarning, PendingDeprecationWarning and FutureWarning are hidden: they concern
    future library versions, not this month's figures. UserWarnings (e.g. a missing glyph) still show.
    """
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)


def notebook_name(explicit: str | None = None) -> str | None:
    """The running notebook's stem: the argument, else from $JPY_SESSION_NAME, else None."""
    if explicit:
        return Path(explicit).stem
    session = os.environ.get(SESSION_ENV, "").strip()
    return Path(session).stem if session else None


@dataclass
class Context:
    """One notebook session's settings, parameters, connections and scope."""

    settings: config.RunSettings
    params: object  # svc_analysis.core.params.Params
    con: object  # duckdb connection, read-only
    ib: object  # ibis DuckDB backend, read-only
    tree: pd.DataFrame  # the whole outlet tree (org.outlet_tree)
    kpi_dir: Path | None = None
    notebook: str | None = None
    scope_level: str = org.PROVINCE
    scope_name: str = org.PROVINCE
    data_as_of: datetime | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def month(self) -> str:
        return self.settings.month

    @property
    def start(self) -> datetime:
        """First instant of the period (the month, or the week of a weekly run): [start, end)."""
        return self.period.bounds[0]

    @property
    def end(self) -> datetime:
        """First instant after the period: its exclusive end."""
        return self.period.bounds[1]

    @property
    def month_end(self) -> date:
        """The month's last calendar day."""
        return month_end(self.month)

    @property
    def period(self) -> Period:
        """The report period as a value (core.period): what area functions take."""
        return self.settings.period

    @property
    def scope(self) -> Scope:
        """The run's scope as a value (engine.scope): what area functions take."""
        return Scope(tree=self.tree, level=self.scope_level, name=self.scope_name)

    @property
    def scope_setting(self) -> str | None:
        """The scope as the run setting names it (``--scope``): None for the province."""
        return self.settings.scope

    @property
    def scope_label(self) -> str:
        return PROVINCE_LABEL if self.scope_level == org.PROVINCE else self.scope_name

    @property
    def scope_tree(self) -> pd.DataFrame:
        """The outlet tree limited to the scope."""
        return org.scope_tree(self.tree, self.scope_setting)

    @property
    def outlets(self) -> list[str]:
        """Every outlet_id in the scope."""
        return org.outlets_in_scope(self.tree, self.scope_setting)

    @property
    def scope_outlets(self) -> list[str] | None:
        """The scope's outlets as a filter: None for the province (no filter needed)."""
        return None if self.scope_level == org.PROVINCE else self.outlets

    @property
    def units(self) -> list[str] | None:
        """unit_id values in the scope (org.units_in_scope); None for the province."""
        return org.units_in_scope(self.tree, self.scope_setting)

    def publish(self, frame: pd.DataFrame):
        """Hand KPI rows to the run (kpis.publish): <kpi_dir>/<notebook>.csv; interactively only validated.

        Without a known notebook name (papermill run by hand, no $JPY_SESSION_NAME) the file is
        named after the kernel's process id: kpis.gather() reads every file in kpi_dir all the same.
        """
        from svc_analysis.engine import kpis

        return kpis.publish(frame, self.kpi_dir, self.notebook or f"notebook-{os.getpid()}")

    def header_text(self) -> str:
        """One Markdown line for the top of a notebook: month, scope, data as of. The warehouse file is
        the operator's (run.json), not a manager's (issue 14: no file names on a page)."""
        as_of = f"{self.data_as_of:%Y-%m-%d %H:%M}" if self.data_as_of else "未知"
        period = f"**报告月份** {self.month}" if self.period.kind == "month" else f"**报告期** {self.period.label}"
        return f"{period} · **范围** {md(self.scope_label)} · **数据更新于** {as_of}"

    def header(self):
        """header_text() as an IPython Markdown object (it renders when it is a cell's last line)."""
        from IPython.display import Markdown

        return Markdown(self.header_text())

    def kpi_source(self):
        """The summary's KPI source (summary.registry.KpiSource): on DuckDB with the KPI history kept
        beside the warehouse (engine.kpi_history, keyed on the warehouse's ingest log); on Spark
        without one (the lake has no ingest log to key it on: every month is computed)."""
        from svc_analysis.engine import connection
        from svc_analysis.summary.registry import KpiSource

        if connection.is_spark(self.con):
            return KpiSource(self.con, self.scope, self.params)
        return KpiSource.with_history(self.con, self.scope, self.params, self.settings.warehouse)

    def close(self) -> None:
        from svc_analysis.engine import connection

        if not self._closed:
            if not connection.is_spark(self.con):
                self.ib.disconnect()
            connection.close(self.con)
            self._closed = True


def data_as_of(con, warehouse: Path) -> datetime | None:
    """When the warehouse last took data: the newest _ingest_log finish, else the file's mtime."""
    from svc_analysis.engine import connection

    return connection.data_as_of(con, warehouse)


def setup(month=None, warehouse=None, scope=None, params_file=None, kpi_dir=None, *, week=None,
          cadence: str = "month", notebook: str | None = None, today=None, engine=None, lake=None,
          spark_master=None) -> Context:
    """Resolve settings and params, open the data read-only, apply the theme: a Context.

    ``cadence="week"`` (a weekly notebook): the period is ``week`` (YYYY-Www; None: $SVC_WEEK, else
    the last complete ISO week) and the params are those of the month holding its last day.
    ``engine``, ``lake``, ``spark_master``: where the data is read (engine.connection: the DuckDB
    warehouse, or the Parquet lake on Spark); ``ctx.con`` is what connection.open_data gives.

    Raises org.ScopeError for an unknown scope (the message lists the valid names),
    FileNotFoundError when there is no warehouse and connection.EngineError when the engine cannot start.
    """
    from svc_analysis.engine import connection
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.core.params import load_params

    quiet_warnings()
    for key, value in PANDAS_OPTIONS.items():
        pd.set_option(key, value)
    plotting.setup()

    settings = config.run_settings(month=month, warehouse=warehouse, scope=scope, params_file=params_file,
                                   today=today, week=week, cadence=cadence, engine=engine, lake=lake,
                                   spark_master=spark_master)
    params = load_params(month=settings.month, override=settings.params_file)
    limits = {"memory_limit": params.warehouse.memory_limit, "threads": params.warehouse.threads}
    con = connection.open_data(settings, **limits)
    try:
        ib = con if connection.is_spark(con) else wh.ibis_connect(settings.warehouse, read_only=True, **limits)
        tree = org.outlet_tree(con)
        level, name = org.resolve_scope(tree, settings.scope)
        as_of = connection.data_as_of(con, settings.warehouse, settings.lake)
    except Exception:
        connection.close(con)
        raise
    return Context(settings=settings, params=params, con=con, ib=ib, tree=tree,
                   kpi_dir=Path(kpi_dir) if kpi_dir else None, notebook=notebook_name(notebook),
                   scope_level=level, scope_name=name, data_as_of=as_of)
