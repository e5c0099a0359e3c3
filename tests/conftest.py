"""Fixtures shared by the test modules (the root conftest wires the session-wide test data)."""

import pytest

from svc_analysis.engine import org


@pytest.fixture(scope="module")
def tree(con):
    """The outlet tree of the test module's own `con` warehouse."""
    return org.outlet_tree(con)
