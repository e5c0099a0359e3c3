"""Fixtures of the pack tests: the session's one `svc report` run on the tiny sample warehouse."""

import pytest

from tests.pack.support import bare_svc
from tests.support import TINY_MONTH, tiny_warehouse


@pytest.fixture(scope="session")
def tiny_pack(tmp_path_factory):
    """(completed `svc report`, pack folder) of the tiny sample month, run once per session as cron runs it."""
    out = tmp_path_factory.mktemp("reports")
    done = bare_svc("report", "--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()), "--out", str(out),
                    home=tmp_path_factory.mktemp("home"))
    return done, out / TINY_MONTH
