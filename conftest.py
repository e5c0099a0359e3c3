"""Session-wide test wiring (rootdir conftest, so it also covers nbval over notebooks/)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# fixture notebooks (some fail on purpose) and generated data are not test modules
collect_ignore_glob = ["tests/fixtures/*", "benchmarks/*", "data/*", "reports/*", ".venv/*"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Pack notebooks under nbval run on the tiny sample warehouse for a fixed month.

    tryfirst: the environment must be set before nbval starts the notebook's kernel.
    """
    if ROOT / "notebooks" in Path(str(item.path)).parents:
        from svc_analysis import config
        from tests.support import TINY_MONTH, tiny_warehouse

        os.environ[config.ENV_WAREHOUSE] = str(tiny_warehouse())
        os.environ[config.ENV_MONTH] = TINY_MONTH


def pytest_sessionfinish(session, exitstatus):
    """Free DuckDB objects held in reference cycles before the interpreter tears down its modules.

    Otherwise duckdb's nanobind bindings may print 'leaked instance' lines after pytest's summary,
    and the summary would no longer be the run's closing line.
    """
    import gc

    gc.collect()
