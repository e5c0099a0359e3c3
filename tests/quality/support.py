"""The committed data-quality fixture warehouse (tests/fixtures/quality/), shared by the quality tests."""

import importlib.util
from pathlib import Path

BUILDER = Path(__file__).resolve().parents[1] / "fixtures" / "quality" / "build_warehouse.py"
MONTH = "2026-10"


def build():
    """A DuckDB connection on the fixture warehouse (README.md there lists the planted facts)."""
    spec = importlib.util.spec_from_file_location("quality_fixture", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build()
