"""A CSV export as DuckDB reads it on the engine path (svc_analysis.engine.engine_ingest).

- utf8_text: the text DuckDB reads, UTF-8 (the file itself, or a copy streamed 1 MB at a time from
  another encoding), the original file's SHA-256, and whether its lines are plain: no blank line and
  no bare carriage return, so that DuckDB's records are the rows Excel shows (docs/ingest.md
  section 11; otherwise the file takes the chunked path).
- scan: the file's records as text cells c0..cN, every cell VARCHAR, with their spreadsheet row
  (header = row 1, one record one row, a quoted multi-line cell included), numbered in file order
  by row_number() OVER (), which DuckDB keeps in the order of the file (docs: order preservation).
  The read is strict (strict_mode, no null padding): a record with more or fewer cells than the
  header, or a quote left open, raises a DuckDB error and the file takes the chunked path, which
  refuses or loads it with its own sentences.
"""

from __future__ import annotations

import codecs
import hashlib
import tempfile
from contextlib import contextmanager
from pathlib import Path

from svc_analysis.engine.check_sql import lit
from svc_analysis.engine.readers import ROW

__all__ = ["cells", "scan", "utf8_text"]
BLOCK = 1 << 20
NATIVE = {"utf-8", "utf-8-sig", "utf8", "ascii"}


def cells(width: int) -> str:
    """The text cells of a record, c0..c<width - 1>, as a SQL column list."""
    return ", ".join(f"c{i}" for i in range(width))


def scan(path: Path, width: int) -> str:
    """The file's records as text cells c0..cN with their spreadsheet row (header = row 1)."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"SELECT row_number() OVER () + 1 AS \"{ROW}\", {cells(width)} FROM read_csv({lit(str(path))}, "
            f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = false, columns = {{{columns}}})")


@contextmanager
def utf8_text(path: Path, encoding: str):
    """(a UTF-8 path to read, the original file's SHA-256, whether its lines are plain): the file
    itself when UTF-8, else a streamed UTF-8 copy (path None when it does not decode). Plain: no
    blank line and no bare CR, so that DuckDB's records are the rows Excel shows."""
    digest, lines = hashlib.sha256(), _LineCheck()
    native = codecs.lookup(encoding).name in {codecs.lookup(e).name for e in NATIVE}
    with tempfile.TemporaryDirectory(prefix="svc-ingest-") as folder:
        out_path = path if native else Path(folder) / "utf8.csv"
        decoder = None if native else codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with open(path, "rb") as fh, (open(out_path, "wb") if decoder else _Null()) as out:
                while block := fh.read(BLOCK):
                    digest.update(block)
                    if decoder:
                        block = decoder.decode(block).encode("utf-8")
                        out.write(block)
                    lines.feed(block)
                if decoder:
                    out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            yield None, digest.hexdigest(), False
            return
        yield out_path, digest.hexdigest(), lines.plain()


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _LineCheck:
    """Finds blank lines and bare carriage returns in a byte stream, block by block."""

    def __init__(self):
        self.tail, self.pending_cr, self.bad, self.first = b"", False, False, True

    def feed(self, block: bytes) -> None:
        if self.bad or not block:
            return
        if self.pending_cr and not block.startswith(b"\n"):
            self.bad = True
        text = self.tail + block
        if self.first and (block.startswith(b"\n") or block.startswith(b"\r")):
            self.bad = True
        self.first = False
        crs = block.count(b"\r") - (1 if block.endswith(b"\r") else 0)
        if not crs and not self.tail.endswith(b"\r") and not block.endswith(b"\r"):  # no CR: only \n\n
            self.bad = self.bad or b"\n\n" in text  # (each search over a block costs a pass over it)
        else:
            self.bad = self.bad or b"\n\n" in text or b"\n\r\n" in text or crs != block.count(b"\r\n")
        self.pending_cr, self.tail = block.endswith(b"\r"), text[-2:]

    def plain(self) -> bool:
        return not self.bad and not self.pending_cr
