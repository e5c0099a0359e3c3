"""params/report.yaml: the pack run (report), data quality (quality) and the warehouse."""

from __future__ import annotations

from pydantic import Field, model_validator

from svc_analysis.core.params.base import Share, _Section


class Report(_Section):
    workers: int = Field(ge=1, le=8)
    cell_timeout_seconds: int = Field(gt=0)
    trend_months: int = Field(ge=1)
    title: str
    monthly_tables: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_tables(self):
        from svc_analysis.core.contract import TABLES

        unknown = [t for t in self.monthly_tables if t not in TABLES or not TABLES[t].event_time]
        if unknown:
            raise ValueError(f"monthly_tables: {', '.join(unknown)} is not a contract table with an event time")
        return self


class Quality(_Section):
    gap_tables: list[str]
    low_coverage_share: float = Share


class Warehouse(_Section):
    memory_limit: str
    threads: int = Field(ge=1)
