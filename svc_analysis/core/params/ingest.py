"""params/ingest.yaml: the plausible date window of ingest."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from svc_analysis.core.params.base import _Section


class Ingest(_Section):
    """The plausible date window of ingest: earlier or later dates and timestamps are set aside."""

    earliest_date: date
    latest_days_ahead: int = Field(ge=0, le=36600)

    def window(self, today: date | None = None) -> tuple[date, date]:
        """(earliest, latest) accepted dates, both included; latest = today + latest_days_ahead."""
        from datetime import timedelta

        return self.earliest_date, (today or date.today()) + timedelta(days=self.latest_days_ahead)
