"""Session-wide test wiring (rootdir conftest, so it also covers nbval over notebooks/)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# fixture notebooks (some fail on purpose) and generated data are not test modules
collect_ignore_glob = ["tests/fixtures/*", "benchmarks/*", "data/*", "reports/*", ".venv/*"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Pack notebooks under nbval run on the tiny sample warehouse for a fixed month (the weekly ones,
    notebooks/weekly/, for a fixed week of that month).

    tryfirst: the environment must be set before nbval starts the notebook's kernel.
    """
    if ROOT / "notebooks" in Path(str(item.path)).parents:
        from svc_analysis.core import config
        from tests.support import TINY_MONTH, TINY_WEEK, tiny_warehouse

        os.environ[config.ENV_WAREHOUSE] = str(tiny_warehouse())
        os.environ[config.ENV_MONTH] = TINY_MONTH
        os.environ[config.ENV_WEEK] = TINY_WEEK


def pytest_sessionfinish(session, exitstatus):
    """Remember the exit status for pytest_unconfigure."""
    session.config._svc_exitstatus = int(exitstatus)


def pytest_unconfigure(config):
    """End the process right after pytest's summary, without interpreter finalization.

    At finalization duckdb's nanobind bindings print 'leaked instance ...' for DuckDB objects still
    referenced from library caches (ibis keeps some), after pytest's summary line, which must stay the
    run's closing line for CI. Everything of ours is done here: the session's temp data is removed
    explicitly and the streams flushed before the exit with pytest's own status.
    """
    status = getattr(config, "_svc_exitstatus", None)
    if status is None:
        return  # collection-only or an early error: let pytest end normally
    import atexit
    import sys

    atexit._run_exitfuncs()  # our temp folders (tests.support) and pytest's own handlers
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
