"""locks and warehouse_file: who holds the warehouse or a pack, waiting for them, damaged files, spill.

Another process is a real child process that takes the lock and says so on stdout before the test
goes on: no sleeps, no timing. Waiting itself is tested with a fake clock.
"""

import getpass
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from svc_analysis.engine import locks
from svc_analysis.engine import warehouse_file as wf

HOLD_WAREHOUSE = ("import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
                  "print('held', flush=True); sys.stdin.read()")
HOLD_PACK = ("import sys; from pathlib import Path; from svc_analysis.engine import locks\n"
             "with locks.pack_lock(Path(sys.argv[1]), sys.argv[2], wait=0):\n"
             "    print('held', flush=True); sys.stdin.read()")
REAL_MESSAGE = ('IO Error: Could not set lock on file "/data/w.duckdb": Conflicting lock is held in '
                '/opt/svc/.venv/bin/python3.11 (PID 5147). See also https://duckdb.org/docs/current/connect/concurrency')


class Holder:
    """A child process holding something until the test ends (stdin closed)."""

    def __init__(self, code: str, *args):
        self.proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"
        self.pid = self.proc.pid

    def release(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT range AS a FROM range(10)")
    con.close()
    return path


class FakeClock:
    def __init__(self):
        self.now, self.sleeps = 0.0, 0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.sleeps += 1


def test_holder_pid_from_duckdbs_message():
    assert locks.holder_pid(REAL_MESSAGE) == 5147
    assert locks.holder_pid("IO Error: Could not set lock on file") is None


@pytest.mark.parametrize("command,kind", [
    ("python3.11 -m ipykernel_launcher -f /root/.local/share/jupyter/runtime/kernel-1.json", "Jupyter 内核"),
    ("python3.11 /opt/svc/.venv/bin/jupyter-lab --notebook-dir=notebooks", "JupyterLab"),
    ("python3.11 /opt/svc/.venv/bin/svc ingest --quiet inbox/a.csv", "svc ingest"),
    ("python3.11 /opt/svc/.venv/bin/svc report --month 2026-10", "svc report"),
    ("duckdb -ui", "其他程序"),
])
def test_kind_of_holder(command, kind):
    assert locks._kind(command).startswith(kind)


def test_describe_names_pid_user_and_command():
    # A process whose command line we wrote (the test runner's own varies: pytest, or an xdist worker).
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        text = locks.describe(holder.pid)
    finally:
        holder.kill()
        holder.wait()
    program = os.path.basename(sys.executable)
    assert text == f"进程 {holder.pid}（其他程序，用户 {getpass.getuser()}：{program} -c import time; time.sleep(60)）"
    assert locks.describe(None) == "另一个进程"


def test_retry_until_the_holder_lets_go():
    clock, attempts = FakeClock(), []

    def open_fn():
        attempts.append(clock.now)
        if len(attempts) < 3:
            raise duckdb.IOException(REAL_MESSAGE)
        return "connection"

    assert locks.retry_while_locked(open_fn, Path("/data/w.duckdb"), 5, False, sleep=clock.sleep,
                                    clock=clock) == "connection"
    assert attempts == [0.0, 1.0, 2.0]


def test_retry_gives_up_after_wait_with_a_sentence_naming_the_holder():
    clock, attempts = FakeClock(), []

    def open_fn():
        attempts.append(clock.now)
        raise duckdb.IOException(REAL_MESSAGE)

    with pytest.raises(locks.WarehouseBusy) as caught:
        locks.retry_while_locked(open_fn, Path("/data/w.duckdb"), 2, False, sleep=clock.sleep, clock=clock)
    assert attempts == [0.0, 1.0, 2.0]  # tried at 0, 1 and 2 s: the deadline
    message = str(caught.value)
    assert message.startswith("数据仓库 /data/w.duckdb 正被进程 5147")
    assert "等待 2 秒后仍无法写入" in message


def test_other_errors_are_not_retried():
    clock = FakeClock()

    def open_fn():
        raise duckdb.IOException("IO Error: Cannot open file: Permission denied")

    with pytest.raises(duckdb.IOException, match="Permission denied"):
        locks.retry_while_locked(open_fn, Path("w"), 30, True, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == 0


def test_a_writer_blocks_readers_and_writers_and_is_named(warehouse):
    holder = Holder(HOLD_WAREHOUSE, warehouse, "rw")
    try:
        for read_only, want in ((True, "读取"), (False, "写入")):
            with pytest.raises(locks.WarehouseBusy) as caught:
                wf.connect(warehouse, read_only=read_only, wait=0)
            message = str(caught.value)
            assert message.startswith(f"数据仓库 {warehouse} 正被进程 {holder.pid}（其他程序，用户 ")
            assert f"占用，无法{want}：" in message and f"is held by PID {holder.pid})" in message
    finally:
        holder.release()
    wf.connect(warehouse, wait=0).close()  # free again


def test_readers_share_and_block_only_a_writer(warehouse):
    holder = Holder(HOLD_WAREHOUSE, warehouse, "ro")  # a report kernel or JupyterLab reading
    try:
        con = wf.connect(warehouse, read_only=True, wait=0)
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(10,)]
        con.close()
        with pytest.raises(locks.WarehouseBusy, match=f"正被进程 {holder.pid}"):
            wf.connect(warehouse, read_only=False, wait=0)
    finally:
        holder.release()


def test_a_held_pack_lock_names_its_holder(tmp_path):
    holder = Holder(HOLD_PACK, tmp_path, "2026-10")
    clock = FakeClock()
    try:
        with pytest.raises(locks.PackBusy) as caught:
            with locks.pack_lock(tmp_path, "2026-10", wait=3, sleep=clock.sleep, clock=clock):
                pass
        assert clock.sleeps == 3  # tried at 0, 1, 2 and 3 s
        message = str(caught.value)
        assert message.startswith(f"报告包 2026-10 正由进程 {holder.pid}（其他程序，用户 ")
        assert f"锁文件 {tmp_path / '.2026-10.lock'}），等待 3 秒后仍未结束" in message
        with locks.pack_lock(tmp_path, "2026-11", wait=0):  # another pack is not held
            pass
    finally:
        holder.release()
    with locks.pack_lock(tmp_path, "2026-10", wait=0) as path:
        assert path.read_text() == f"{os.getpid()}\n"
    assert not path.exists()  # no lock file outlives the run


def test_a_waiter_on_a_deleted_lock_file_starts_over(tmp_path, monkeypatch):
    """The holder deleted the file while a waiter held it open: the waiter must not lock the ghost."""
    clock, real_flock, calls = FakeClock(), locks.fcntl.flock, []
    path = locks.lock_path(tmp_path, "2026-10")

    def flock(fd, op):
        calls.append(op)
        real_flock(fd, op)
        if len(calls) == 1:  # as if the holder let go and deleted the file just before we locked it
            os.unlink(path)

    monkeypatch.setattr(locks.fcntl, "flock", flock)
    with locks.pack_lock(tmp_path, "2026-10", wait=0, sleep=clock.sleep, clock=clock) as held:
        assert held.exists() and len(calls) == 2  # locked again, on the current file


def _catalog_in_the_first_half(path: Path) -> None:
    """14 tables, filled one transaction each (as ingest does): the catalog ends up early in the file."""
    con = duckdb.connect(str(path))
    for i in range(14):
        con.execute(f"CREATE TABLE t{i} (a BIGINT, b VARCHAR)")
    con.close()
    for i in range(14):
        con = duckdb.connect(str(path))
        con.execute(f"INSERT INTO t{i} SELECT range, 'x' || range FROM range({20000 * (i + 1)})")
        con.close()


def test_a_warehouse_cut_to_half_is_refused_at_connect(tmp_path):
    path = tmp_path / "w.duckdb"
    _catalog_in_the_first_half(path)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    raw = duckdb.connect(str(path), read_only=True)  # the premise: DuckDB itself opens it ...
    assert raw.execute("SELECT count(*) FROM t13").fetchall() == [(280000,)]  # ... and counts from the catalog
    with pytest.raises(duckdb.IOException, match="Could not read enough bytes"):
        raw.execute("SELECT max(length(b)) FROM t13").fetchall()  # the data is gone
    raw.close()
    for read_only in (True, False):
        with pytest.raises(wf.WarehouseDamaged) as caught:
            wf.connect(path, read_only=read_only)
        assert str(caught.value).startswith(f"数据仓库文件 {path} 不完整（{size // 2:,} 字节，应至少 {size:,} 字节）")


def test_garbage_and_empty_files_are_refused(tmp_path):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(bytes(range(256)) * 400)
    with pytest.raises(wf.WarehouseDamaged, match=f"^数据仓库文件 {garbage} 已损坏或不是 DuckDB 数据库"):
        wf.connect(garbage, read_only=True)
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    with pytest.raises(wf.WarehouseDamaged, match="not a valid DuckDB database file"):
        wf.connect(empty)


def test_spill_falls_back_when_its_folder_cannot_be_made(tmp_path, monkeypatch, warehouse):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("SVC_SPILL_DIR", str(blocker / "spill"))  # under a regular file: mkdir fails, even as root
    fallback = Path(tempfile.gettempdir()) / f"svc-duckdb-spill-{os.getuid()}"
    assert wf.writable_spill_dir(warehouse) == str(fallback)
    con = wf.connect(warehouse, read_only=True)
    assert con.execute("SELECT current_setting('temp_directory')").fetchall() == [(str(fallback),)]
    con.close()
    monkeypatch.setattr(tempfile, "tempdir", str(blocker / "tmp"))  # no temp dir either: no spilling
    assert wf.writable_spill_dir(warehouse) == ""
    con = wf.connect(warehouse, read_only=True)
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(10,)]
    con.close()


def test_a_warehouse_whose_folder_cannot_be_made_or_written_is_one_sentence(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(wf.WarehouseError, match=f"^数据仓库 {blocker / 'sub' / 'w.duckdb'} 的文件夹无法创建"):
        wf.connect(blocker / "sub" / "w.duckdb")


def test_ingest_into_an_unwritable_folder_is_refused_before_duckdb_opens_it(warehouse, monkeypatch):
    """The decision alone (the chattr case in test_faults.py shows it on a genuinely read-only folder):
    DuckDB would open the file read-write there and fail only at the first commit (.wal)."""
    assert wf.can_write_in(warehouse.parent) is True
    assert wf.can_write_in(warehouse / "inside-a-file") is False  # not a folder: nothing can be created
    monkeypatch.setattr(wf, "can_write_in", lambda folder, create=False: False)
    with pytest.raises(wf.WarehouseError, match=f"^数据仓库 {warehouse} 所在文件夹不可写入"):
        wf.connect(warehouse)
    wf.connect(warehouse, read_only=True).close()  # reading needs no write in the folder
