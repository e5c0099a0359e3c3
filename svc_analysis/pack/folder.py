"""A pack's folder in reports/: staging, the swap into place, a failed run beside a complete pack,
and the leftovers of killed runs. The runner calls these while it holds the pack's lock
(locks.pack_lock), so two runs of one pack never interleave here.

- A run builds its pack in a hidden sibling `.<pack>.partial-*` and renames it into place at the
  end; an older pack is renamed aside to `.<pack>.old-*` first and deleted after.
- A failed run (exit code 1) never replaces a complete pack (its run.json says exit code 0): it is
  published beside it as `<pack>.failed-<YYYYMMDDTHHMMSS>/`, its index saying 本次运行失败 with a
  link to the complete pack, whose index gains a line linking the failed run. A failed run over a
  failed or missing pack takes its place as before (its pages show the errors).
- Leftovers: a `.<pack>.partial-*` untouched for STALE_STAGING_SECONDS belongs to a killed run; a
  `.<pack>.old-*` found while holding the lock always does (the swap deletes it before the lock
  is released). Both are removed at the next run of the pack.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

STAGING_MARK = ".partial-"  # staging folders: .<pack>.partial-XXXX, never mistaken for a pack
OLD_MARK = ".old-"  # a replaced pack between the two renames of a swap: .<pack>.old-XXXX
FAILED_MARK = ".failed-"  # a failed run beside a complete pack: <pack>.failed-20261101T073012
# A staging folder untouched this long belongs to a killed run. A live run touches its folder at
# least at every cell (papermill saves the executed notebook on each cell start and end, logs are
# written per notebook), and the default cell timeout is 10 min; one hour leaves a wide margin, so
# a concurrent run of the same pack never loses its folder. Housekeeping, not a business param.
STALE_STAGING_SECONDS = 3600
_NOTE_STYLE = "margin:0;padding:.8em 1.2em;background:#fdecea;color:#8a1c12;border-bottom:2px solid #e0a09a"


def remove_stale_staging(reports: Path, pack_name: str, now: float | None = None) -> list[Path]:
    """Delete the leftovers of killed runs of `pack_name` in `reports` (module docstring).

    A `.partial-*` folder is stale when nothing in it (the folder itself, any file or subfolder)
    was modified in the last STALE_STAGING_SECONDS; an `.old-*` folder always is (call this only
    while holding the pack's lock). Other packs' folders and fresh staging are left alone.
    Returns the folders actually removed; one that cannot be deleted is left and not listed.
    """
    now = time.time() if now is None else now
    staging, old = f".{pack_name}{STAGING_MARK}", f".{pack_name}{OLD_MARK}"
    removed = []
    for folder in sorted(reports.iterdir()):
        if folder.is_symlink() or not folder.is_dir():
            continue
        if folder.name.startswith(staging):
            last_touched = _last_modified(folder)
            if last_touched is None or now - last_touched <= STALE_STAGING_SECONDS:
                continue
        elif not folder.name.startswith(old):
            continue
        shutil.rmtree(folder, ignore_errors=True)  # housekeeping: a failure must not stop the run
        if not folder.exists():
            removed.append(folder)
    return removed


def _last_modified(folder: Path) -> float | None:
    """The newest mtime in the tree under `folder`; None when it vanished meanwhile (a concurrent
    run renamed its finished pack into place)."""
    try:
        newest = folder.lstat().st_mtime
    except FileNotFoundError:
        return None
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            try:
                newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
            except FileNotFoundError:
                continue
    return newest


def is_complete(pack: Path) -> bool:
    """True when `pack` is a finished run with every part done: its run.json says exit code 0."""
    try:
        return json.loads((pack / "run.json").read_text(encoding="utf-8")).get("exit_code") == 0
    except (OSError, ValueError, AttributeError):
        return False


def publish(staging: Path, final: Path, exit_code: int, now: datetime | None = None) -> Path:
    """Put the finished `staging` folder in place; returns where it went (module docstring)."""
    if exit_code == 0 or not is_complete(final):
        swap_into_place(staging, final)
        return final
    now = now or datetime.now()
    beside = final.with_name(f"{final.name}{FAILED_MARK}{now:%Y%m%dT%H%M%S}")
    while beside.exists():  # two failed runs in one second
        beside = beside.with_name(f"{beside.name}-{uuid.uuid4().hex[:4]}")
    _add_note(staging / "index.html",
              f'本次运行失败，报告包未替换：完整的报告包仍是 <a href="../{quote(final.name)}/index.html">'
              f"{html.escape(final.name)}</a>。", kind="failed")
    os.rename(staging, beside)
    try:  # the failed run is published; the note on the complete pack is a courtesy
        _add_note(final / "index.html",
                  f"此后 {now:%Y-%m-%d %H:%M} 的一次运行失败，本报告包未被替换；失败的运行见 "
                  f'<a href="../{quote(beside.name)}/index.html">{html.escape(beside.name)}</a>。', kind="later-failure")
    except OSError:
        pass
    return beside


def _add_note(index: Path, note_html: str, kind: str) -> None:
    """A red line at the top of an index.html (after <body>), replacing an earlier one of its kind."""
    try:
        page = index.read_text(encoding="utf-8")
    except OSError:
        return  # no index (a crash before it was written): the folder name says it all
    start, end = f"<!-- svc-note:{kind} -->", f"<!-- /svc-note:{kind} -->"
    page = re.sub(re.escape(start) + ".*?" + re.escape(end) + "\n?", "", page, flags=re.S)
    note = f'{start}<p class="svc-run-note" style="{_NOTE_STYLE}">{note_html}</p>{end}\n'
    body = re.search(r"<body[^>]*>\n?", page)
    page = page[:body.end()] + note + page[body.end():] if body else note + page
    tmp = index.with_name(f".{index.name}.{uuid.uuid4().hex[:8]}")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, index)


def swap_into_place(staging: Path, final: Path) -> None:
    """Rename the finished pack into place; an old pack is renamed aside first, then deleted.

    A failure between the renames puts the old pack back; an `.old-*` folder that outlives this
    (a kill between the renames, or a delete that failed) is removed by the next run.
    """
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}{OLD_MARK}{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
