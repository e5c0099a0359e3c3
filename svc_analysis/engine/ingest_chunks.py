"""The chunked ingest path and the set-aside lines both paths write (svc_analysis.engine.ingest).

XLSX files, files read through a profile and the CSVs the engine path hands back are read in chunks
(readers.Source.chunks): each chunk is validated in pandas (validation.validate_chunk), its
references checked against the warehouse (and the outlets a profile registers in the same load),
and its good rows staged; keys staged from different chunks with different values are set aside
once the whole file is staged. Every row set aside goes to the quarantine CSV and the _quarantine
staging table with its file, row, column and reason (docs/ingest.md sections 3-6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.profiles import Profile
from svc_analysis.engine.quarantine import QuarantineFile
from svc_analysis.engine.readers import ROW, Source
from svc_analysis.engine.validation import REJECT_COLUMNS, key_clash_reason, validate_chunk

if TYPE_CHECKING:
    from svc_analysis.engine.bookkeeping import FileReport

__all__ = ["Stage", "check_chunk", "missing_references", "set_aside", "set_aside_conflicts", "stage_outlets"]


@dataclass(frozen=True)
class Stage:
    """The staging tables of one file: its rows, its set-aside lines, outlets a profile registers."""

    table: str
    rows: str
    rejects: str
    outlets: str | None


def check_chunk(con, name: str, mapped: pd.DataFrame, file: str, stage: Stage,
                 window: DateWindow) -> pd.DataFrame:
    """Validate one chunk, check its references, stage the good rows; return the rejects."""
    good, rejects = validate_chunk(name, mapped, file, window)
    missing = missing_references(con, name, good, {"outlets": stage.outlets} if stage.outlets else None)
    if len(missing):
        missing["file"] = file
        good = good.drop(index=missing["row_number"].unique())
        rejects = pd.concat([rejects, missing[REJECT_COLUMNS]], ignore_index=True)
    wh.stage_frame(con, name, good, stage.rows)
    return rejects.sort_values("row_number", kind="stable")


def missing_references(con, name: str, frame: pd.DataFrame,
                       staged: dict[str, str] | None = None) -> pd.DataFrame:
    """(row_number, column, value, reason) for values whose Column.references target is neither in
    the warehouse nor in its staging table (``staged``: table -> staging table, e.g. outlets a
    profile registers in the same load)."""
    found, staged, view = [], staged or {}, f"_refs_{name}"
    con.register(view, frame.reset_index())
    for col in contract.table(name).columns:
        if not col.references:
            continue
        ref_table, ref_col = col.references.split(".")
        sources = [ref_table] + ([staged[ref_table]] if ref_table in staged else [])
        absent = " AND ".join(f'NOT EXISTS (SELECT 1 FROM "{t}" r WHERE r."{ref_col}" = c."{col.name}")'
                              for t in sources)
        rows = wh.run(con, f'SELECT "{ROW}", "{col.name}" FROM "{view}" c WHERE "{col.name}" IS NOT NULL AND {absent}')
        found += [(row, col.name, value, f"{ref_table} 中没有此 {ref_col}") for row, value in rows]
    con.unregister(view)
    return pd.DataFrame(found, columns=["row_number", "column", "value", "reason"])


def set_aside(con, report: FileReport, quarantine: QuarantineFile, raw: pd.DataFrame,
               rejects: pd.DataFrame, stage: Stage, file_key: str) -> None:
    if rejects.empty:
        return
    report.rows_set_aside += rejects["row_number"].nunique()
    quarantine.write(raw, rejects)
    wh.add_quarantine(con, rejects, stage.table, file_key, str(quarantine.path), target=stage.rejects)


def set_aside_conflicts(con, source: Source, report: FileReport, quarantine: QuarantineFile,
                         stage: Stage, file_key: str) -> None:
    """Keys staged from different chunks with different values: set every version aside.

    Conflicts inside one chunk are caught by validation; this finds those across chunks and
    re-reads the file once (only when there are any) to quarantine the raw rows.
    """
    conflicts = merge.key_conflicts(con, stage.table)
    if conflicts.empty:
        return
    key = contract.table(stage.table).key
    rows = [int(r) for r in conflicts["row_number"]]
    merge.drop_key_clashes(con, stage.table, rows)
    rejects = pd.DataFrame({"file": source.path.name, "row_number": rows, "column": ", ".join(key),
                            "value": conflicts["key"].astype(str).to_numpy(),
                            "reason": key_clash_reason(key)})
    for raw in source.chunks():
        chunk_rejects = rejects[rejects["row_number"].isin(raw[ROW])]
        set_aside(con, report, quarantine, raw, chunk_rejects, stage, file_key)


def stage_outlets(con, prof: Profile, raw: pd.DataFrame, file: str, target: str,
                   window: DateWindow) -> list[str]:
    """Stage the outlets a profile derives from this chunk; warn about any it cannot make."""
    rows = prof.outlet_rows(raw)
    good, rejects = validate_chunk("outlets", rows, file, window)
    wh.stage_frame(con, "outlets", good, target)
    return [f"{file}: profile {prof.name} could not register outlet '{rows.at[r.row_number, 'outlet_id']}': "
            f"{r.column} {r.reason}" for r in rejects.itertuples()]
