"""A CSV export as DuckDB reads it on the engine path (svc_analysis.engine.engine_ingest).

- utf8_text: the text DuckDB reads, UTF-8 (the file itself, or a copy streamed 1 MB at a time from
  another encoding), then the original file's SHA-256 and whether its lines are plain: no blank line and
  no bare carriage return, so that DuckDB's records are the rows Excel shows (docs/ingest.md
  section 11; otherwise the file takes the chunked path).
- scan: the file's records as text cells c0..cN, every cell VARCHAR, in file order (DuckDB keeps
  the order of the file when it reads in parallel: preserve_insertion_order, on by default). A
  table created from the scan holds record i (0-based) at rowid i, so its spreadsheet row is
  rowid + 2 (header = row 1, one record one row, a quoted multi-line cell included):
  engine_staging numbers the staged rows so. numbered_scan adds the row to each record with
  row_number() OVER (), which DuckDB runs on one thread: only for re-reading a few rows.
  The read is strict (strict_mode, no null padding): a record with more or fewer cells than the
  header, or a quote left open, raises a DuckDB error and the file takes the chunked path, which
  refuses or loads it with its own sentences.
"""

from __future__ import annotations

import codecs
import hashlib
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from svc_analysis.engine.check_sql import lit
from svc_analysis.engine.readers import ROW

__all__ = ["cells", "numbered_scan", "scan", "utf8_text"]
BLOCK = 1 << 20
NATIVE = {"utf-8", "utf-8-sig", "utf8", "ascii"}


def cells(width: int) -> str:
    """The text cells of a record, c0..c<width - 1>, as a SQL column list."""
    return ", ".join(f"c{i}" for i in range(width))


def scan(path: Path, width: int) -> str:
    """The file's records as text cells c0..cN, in file order, read in parallel."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"SELECT {cells(width)} FROM read_csv({lit(str(path))}, header = true, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"columns = {{{columns}}})")


def numbered_scan(path: Path, width: int) -> str:
    """The file's records as text cells c0..cN with their spreadsheet row (header = row 1)."""
    return f"SELECT row_number() OVER () + 1 AS \"{ROW}\", * FROM ({scan(path, width)})"


@contextmanager
def utf8_text(path: Path, encoding: str):
    """(a UTF-8 path to read, verdict): the file itself when UTF-8, else a streamed UTF-8 copy (path
    None when it does not decode). verdict() gives the original file's SHA-256 and whether its lines
    are plain: no blank line and no bare CR, so that DuckDB's records are the rows Excel shows.

    For a UTF-8 file that pass runs in a thread while DuckDB reads the file (the caller asks for the
    verdict before trusting DuckDB's rows): hashing and the line check cost 5 s on a 4 GB export,
    which would otherwise come before DuckDB starts (hashlib and numpy work without the GIL)."""
    native = codecs.lookup(encoding).name in {codecs.lookup(e).name for e in NATIVE}
    with tempfile.TemporaryDirectory(prefix="svc-ingest-") as folder, ThreadPoolExecutor(1) as pool:
        if native:
            yield path, pool.submit(_read_through, path).result
            return
        out_path = Path(folder) / "utf8.csv"
        try:
            found = _read_through(path, out_path, codecs.getincrementaldecoder(encoding)(errors="strict"))
        except UnicodeDecodeError:
            yield None, None
            return
        yield out_path, lambda: found


def _read_through(path: Path, out_path: Path | None = None, decoder=None) -> tuple[str, bool]:
    """(SHA-256 of the file, whether its text's lines are plain), writing the decoded text as UTF-8
    to ``out_path`` when a decoder is given; UnicodeDecodeError when the text does not decode."""
    digest, lines = hashlib.sha256(), _LineCheck()
    with open(path, "rb") as fh, (open(out_path, "wb") if decoder else _Null()) as out:
        while block := fh.read(BLOCK):
            digest.update(block)
            if decoder:
                block = decoder.decode(block).encode("utf-8")
                out.write(block)
            lines.feed(block)
        if decoder:
            block = decoder.decode(b"", final=True).encode("utf-8")
            out.write(block)
            lines.feed(block)
    return digest.hexdigest(), lines.plain()


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _LineCheck:
    """Finds blank lines and bare carriage returns in a byte stream, block by block.

    Plain text: it does not start with a line break, holds no ``\\n\\n`` and no ``\\n\\r\\n`` (a
    blank line), and every CR is followed by LF. Each block is checked with the last two bytes of
    the one before (a pattern across the seam), as numpy arrays: the byte searches of a 4 GB export
    cost 6 s in Python and under 3 s so (benchmarks/results/2026-12-04_vm_ingest-parallel.md)."""

    def __init__(self):
        self.tail, self.bad, self.first = b"", False, True

    def feed(self, block: bytes) -> None:
        if self.bad or not block:
            return
        if self.first and block[:1] in (b"\n", b"\r"):
            self.bad = True
        self.first = False
        text = np.frombuffer(self.tail + block, np.uint8)
        lf = text == 10
        self.bad = self.bad or bool((lf[1:] & lf[:-1]).any())
        cr = text == 13
        if not self.bad and cr.any():
            self.bad = bool((lf[:-2] & cr[1:-1] & lf[2:]).any() or (cr[:-1] & ~lf[1:]).any())
        self.tail = bytes(text[-2:])

    def plain(self) -> bool:
        return not self.bad and not self.tail.endswith(b"\r")
