"""Ingest with rows set aside, on province data (on demand: `benchmarks/run.py --only cases`).

The sample's big files load with almost nothing set aside; a real month brings a few bad rows, and
what they cost depends on where the engine path finds them (docs/ingest.md section 7). Each case is
`svc ingest` of a changed copy of a province file, against `svc ingest` of the clean file, each into
its own fresh copy of a warehouse holding the small tables (nothing else loaded):
- ratings whose row 1,000,001 names an outlet the warehouse does not hold (reported from the one pass);
- tickets with one line appended that repeats row 2,000,000's key with another business type (a key
  clash: both rows set aside, their cells read again);
- a quarter of the ratings into a warehouse without outlets: every row set aside (more than 100,000,
  so the chunked path writes them), against the same quarter loaded with the outlets there;
- the ratings into a warehouse already holding a quarter of them (not a first load: every row compared
  with the stored ones), and the ratings with every row twice (the export appended to itself: twice
  the rows, half of them merged), each against the clean file into the warehouse of small tables.
The last two ran out of memory at the ingest's limit (then 512MB) until 2026-12-04 (benchmarks/results/
2026-12-04_vm_ingest-first-load.md); now they are measured here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

UNKNOWN_OUTLET = b'"99999999"'
UNKNOWN_ROW = 1_000_001  # spreadsheet row (the header is row 1)
CLASH_ROW = 2_000_000


def _with_unknown_outlet(src: Path, dst: Path) -> Path:
    """A copy of ratings.csv whose row UNKNOWN_ROW names UNKNOWN_OUTLET (its first cell replaced)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for row in range(1, UNKNOWN_ROW + 1):
            line = fin.readline()
            fout.write(UNKNOWN_OUTLET + b"," + line.split(b",", 1)[1] if row == UNKNOWN_ROW else line)
        shutil.copyfileobj(fin, fout, 1 << 20)
    return dst


def _with_key_clash(src: Path, dst: Path) -> Path:
    """A copy of tickets.csv with row CLASH_ROW appended again, its last cell (business type) changed."""
    with open(src, "rb") as fin:
        for _ in range(CLASH_ROW):
            line = fin.readline()
    cells = line.rstrip(b"\r\n").rsplit(b",", 1)
    other = next(t for t in ('"现金存取"'.encode(), '"对公业务"'.encode()) if t != cells[1])
    shutil.copyfile(src, dst)
    with open(dst, "ab") as fout:
        fout.write(cells[0] + b"," + other + b"\n")
    return dst


def _appended_to_itself(src: Path, dst: Path) -> Path:
    """A copy of the file with its rows once more after them (the header once)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fin.seek(-1, 2)
        if fin.read(1) != b"\n":
            fout.write(b"\n")
        fin.seek(0)
        fin.readline()
        shutil.copyfileobj(fin, fout, 1 << 20)
    return dst


def case_steps(files: dict[str, Path], quarter_ratings: Path, work: Path, svc: str,
               measure: Callable[[list[str]], dict]) -> list[tuple[str, dict]]:
    """The five cases, each followed by its clean file (the row the ratio is taken against)."""
    folder = work / "cases"
    folder.mkdir(exist_ok=True)
    outlets = files["outlets"].read_bytes()
    if UNKNOWN_OUTLET.strip(b'"') in outlets:
        raise SystemExit(f"benchmark case: outlet {UNKNOWN_OUTLET!r} exists in {files['outlets']}")
    base = folder / "reference.duckdb"
    others = [str(p) for t, p in files.items() if t not in ("tickets", "ratings")]
    base.unlink(missing_ok=True)
    measure([svc, "ingest", "--quiet", "--warehouse", str(base), *others])

    def ingest(path: Path, start_from: Path | None) -> dict:
        warehouse = folder / "w.duckdb"
        warehouse.unlink(missing_ok=True)
        if start_from is not None:
            shutil.copy(start_from, warehouse)
        return measure([svc, "ingest", "--quiet", "--warehouse", str(warehouse), str(path)])

    unknown = _with_unknown_outlet(files["ratings"], folder / "ratings.csv")
    rows = [(f"ingest ratings, row {UNKNOWN_ROW:,} names an unknown outlet (svc ingest)", ingest(unknown, base)),
            ("ingest ratings, the clean file (svc ingest)", ingest(files["ratings"], base))]
    unknown.unlink()
    clash = _with_key_clash(files["tickets"], folder / "tickets.csv")
    rows += [(f"ingest tickets, row {CLASH_ROW:,}'s key again with another business type (svc ingest)",
              ingest(clash, base)),
             ("ingest tickets, the clean file (svc ingest)", ingest(files["tickets"], base))]
    clash.unlink()
    rows += [("ingest ratings, a quarter, into a warehouse without outlets: every row set aside (svc ingest)",
              ingest(quarter_ratings, None)),
             ("ingest ratings, a quarter, the clean file (svc ingest)", ingest(quarter_ratings, base))]
    holding = folder / "holding_a_quarter.duckdb"
    shutil.copy(base, holding)
    measure([svc, "ingest", "--quiet", "--warehouse", str(holding), str(quarter_ratings)])
    rows += [("ingest ratings into a warehouse already holding a quarter of them (svc ingest)",
              ingest(files["ratings"], holding)),
             ("ingest ratings, the clean file (svc ingest)", ingest(files["ratings"], base))]
    holding.unlink()
    twice = _appended_to_itself(files["ratings"], folder / "ratings.csv")
    rows += [("ingest ratings appended to themselves: twice the rows, half of them repeats (svc ingest)",
              ingest(twice, base)),
             ("ingest ratings, the clean file (svc ingest)", ingest(files["ratings"], base))]
    twice.unlink()
    return rows
