"""What every params section shares: the error, the strict frozen base model, the share field."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

Share = Field(ge=0, le=1)


class ParamsError(ValueError):
    """Parameters that cannot be used: the message names the key and the files."""


def _duplicates(ids) -> list[str]:
    """Ids that occur more than once, sorted (for the unique-id checks of rule sets and KPIs)."""
    counts = Counter(ids)
    return sorted(i for i, n in counts.items() if n > 1)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
