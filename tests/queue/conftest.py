"""The hand-built warehouse of tests/queue/support.py as module fixtures (test modules that build their
own override them)."""

import pytest

from svc_analysis.engine import org
from svc_analysis.queue import queue
from tests.queue.support import MONTH, build


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("queue") / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def tree(con):
    return queue.counting_outlets(con, org.outlet_tree(con), MONTH)
