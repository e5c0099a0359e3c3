"""The quarantine CSV of one source file: the rows set aside as read, plus _row, _column, _reason.

Rules (docs/ingest.md section 4):
- One file per source file: quarantine/<table>/<file stem>-<8 hex of the source's absolute path>.csv.
  The _quarantine table keys its lines on the same absolute path (warehouse.clear_quarantine), so
  the CSV and the table always hold the same lines: two exports with the same name in different
  folders never overwrite each other, and loading the same file again replaces only its own.
- UTF-8 with BOM (Excel opens it); the rows are copied from the export, so every formula-like cell
  is neutralised (safety.neutralise_frame: '=1+1' becomes "'=1+1", plain numbers stay).
- Written to a .part file while the file loads; moved in place only after the warehouse commit,
  removed when the load fails.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from svc_analysis.core import config
from svc_analysis.engine.headers import as_written
from svc_analysis.engine.readers import ROW
from svc_analysis.core.safety import neutralise_frame, safe_filename


def quarantine_path(warehouse, name: str, file_key: str) -> Path:
    """quarantine/<table>/<file stem>-<8 hex of the source's absolute path>.csv: one set-aside file per
    source file, as _quarantine keys its lines on that path (a/complaints.csv and b/complaints.csv
    never overwrite each other; loading the same file again replaces its own)."""
    path = Path(file_key)
    digest = hashlib.sha256(file_key.encode("utf-8")).hexdigest()[:8]
    return config.quarantine_dir(warehouse) / name / f"{safe_filename(path.stem, 'file')}-{digest}.csv"


class QuarantineFile:
    """The set-aside rows as read plus _row, _column, _reason; written to a .part file until commit.

    The rows are copied from the export, so every formula-like cell is neutralised (safety module)."""

    def __init__(self, path: Path, headers: list[str]):
        self.path, self.headers = path, headers
        self.part = path.with_name(path.name + ".part")
        self.used = False

    def write(self, raw: pd.DataFrame, rejects: pd.DataFrame) -> None:
        if rejects.empty:
            return
        lines = rejects.rename(columns={"row_number": "_row", "column": "_column", "reason": "_reason"})
        lines = raw[self.headers + [ROW]].merge(lines[["_row", "_column", "_reason"]], on="_row")
        lines.columns = [as_written(h) for h in self.headers] + [ROW, "_column", "_reason"]  # headers as in the file
        lines = neutralise_frame(lines)
        self.part.parent.mkdir(parents=True, exist_ok=True)
        lines.to_csv(self.part, mode="a" if self.used else "w", header=not self.used, index=False,
                     encoding="utf-8" if self.used else "utf-8-sig")
        self.used = True

    def commit(self) -> Path | None:
        self.path.unlink(missing_ok=True)
        if self.used:
            self.part.replace(self.path)
        return self.path if self.used else None

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
