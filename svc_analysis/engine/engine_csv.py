"""A CSV export as DuckDB reads it on the engine path (svc_analysis.engine.engine_ingest).

- utf8_text: the text DuckDB reads, UTF-8 (the file itself, or a copy streamed 1 MB at a time from
  another encoding), then the original file's SHA-256 and whether its lines are plain: no blank line and
  no bare carriage return, so that DuckDB's records are the rows Excel shows (docs/ingest.md
  section 11; otherwise the file takes the chunked path). Line feeds are counted while the file is
  hashed and compared with DuckDB's records (_LineCount); only a file with more lines than records
  (a blank line, or a line break inside a quoted cell) is read once more for the byte patterns
  (_LineCheck).
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
    None when it does not decode). verdict(records), given the number of records DuckDB read, gives the
    original file's SHA-256 and whether its lines are plain: no blank line and no bare CR, so that
    DuckDB's records are the rows Excel shows.

    For a UTF-8 file that pass runs in a thread while DuckDB reads the file (the caller asks for the
    verdict before trusting DuckDB's rows): hashing and counting cost 1.2 s a GB, which would otherwise
    come before DuckDB starts (hashlib and numpy work without the GIL)."""
    native = codecs.lookup(encoding).name in {codecs.lookup(e).name for e in NATIVE}
    with tempfile.TemporaryDirectory(prefix="svc-ingest-") as folder, ThreadPoolExecutor(1) as pool:
        if native:
            running = pool.submit(_read_through, path)
            yield path, lambda records: _verdict(running.result(), path, records)
            return
        out_path = Path(folder) / "utf8.csv"
        try:
            found = _read_through(path, out_path, codecs.getincrementaldecoder(encoding)(errors="strict"))
        except UnicodeDecodeError:
            yield None, None
            return
        yield out_path, lambda records: _verdict(found, out_path, records)


def _verdict(found: tuple[str, "_LineCount"], text_path: Path, records: int) -> tuple[str, bool]:
    """(SHA-256, plain) from the counts, or from the byte patterns of the text when they do not decide."""
    digest, lines = found
    plain = lines.plain(records)
    if plain is None:
        patterns = _LineCheck()
        with open(text_path, "rb") as fh:
            while block := fh.read(BLOCK):
                patterns.feed(block)
        plain = patterns.plain()
    return digest, plain


def _read_through(path: Path, out_path: Path | None = None, decoder=None) -> tuple[str, "_LineCount"]:
    """(SHA-256 of the file, its text's lines counted), writing the decoded text as UTF-8 to
    ``out_path`` when a decoder is given; UnicodeDecodeError when the text does not decode."""
    digest, lines = hashlib.sha256(), _LineCount()
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
    return digest.hexdigest(), lines


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _LineCount:
    """Line feeds counted, bare carriage returns and a leading line break found, block by block: a
    comparison per byte (0.3 s a GB, where _LineCheck's patterns cost 1.8 s).

    plain(records): False for a bare CR or a leading line break; True when the text has exactly one
    line per DuckDB record plus the header (every record is then one line: a blank line, which DuckDB
    skips, or a line break inside a quoted cell would each add a line); None when it has more lines,
    and _LineCheck decides (a quoted cell holding a line break is plain, a blank line is not)."""

    def __init__(self):
        self.lf = self.cr = self.crlf = 0
        self.first = self.last = b""

    def feed(self, block: bytes) -> None:
        if not block:
            return
        self.first = self.first or block[:1]
        text = np.frombuffer(block, np.uint8)
        self.lf += int(np.count_nonzero(text == 10))
        if b"\r" in block or self.last == b"\r":
            cr = text == 13
            self.cr += int(np.count_nonzero(cr))
            self.crlf += int(np.count_nonzero(cr[:-1] & (text[1:] == 10))) + (self.last == b"\r" and text[0] == 10)
        self.last = block[-1:]

    def plain(self, records: int) -> bool | None:
        if self.first in (b"\n", b"\r") or self.cr != self.crlf:
            return False
        lines = self.lf + (self.last not in (b"\n", b""))  # the last line may lack its line feed
        return True if lines == records + 1 else None


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
