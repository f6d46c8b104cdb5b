"""A store that is damaged, too new, shared by two first starts, a folder, read-only or on a
full disk: each said in words naming the file, nothing written to it, no traceback."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldcheck.errors import StoreError
from fieldcheck.store import open_store
from fieldcheck.store.database import DB_NAME, StoreDamaged, StoreTooNew


def fieldcheck(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a person runs it."""
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], capture_output=True,
                          text=True, timeout=180)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "sqlite3." not in result.stderr, result.stderr


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert fieldcheck("demo", "--data-dir", str(data), "--visits", "40").returncode == 0
    return data


def _checkpointed(data: Path) -> Path:
    db = data / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def test_8_kb_of_random_bytes_in_the_middle_are_found_on_open_and_nothing_writes(seeded: Path) -> None:
    db = _checkpointed(seeded)
    data = bytearray(db.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 8192] = random.Random(9).randbytes(8192)
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()

    with pytest.raises(StoreDamaged) as info:
        open_store(seeded)
    assert str(db) in str(info.value)
    for args in (["whoami"], ["demo", "--visits", "5", "--seed", "7"], ["verify", "--quick"]):
        result = fieldcheck(*args, "--data-dir", str(seeded))
        no_traceback(result)
        assert result.returncode in (1, 2) and "损坏" in result.stderr, (args, result.stderr)
    assert db.read_bytes() == damaged  # nothing wrote into it

    export = fieldcheck("export", "--data-dir", str(seeded))  # what can still be read
    no_traceback(export)
    assert export.returncode == 1 and "已损坏" in export.stderr
    assert db.read_bytes() == damaged


def test_a_store_from_a_newer_version_is_refused_with_both_versions_and_nothing_copied(
        seeded: Path) -> None:
    with sqlite3.connect(seeded / DB_NAME) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042'")
        conn.execute("UPDATE local_settings SET value = '\"3.2.0\"' WHERE key = 'app_version'")
    def files() -> list[str]:  # SQLite's own -wal/-shm come and go with connections
        return sorted(p.name for p in seeded.rglob("*") if not p.name.endswith(("-wal", "-shm")))

    before = files()
    with pytest.raises(StoreTooNew) as info:
        open_store(seeded)
    assert "FieldCheck 3.2.0" in str(info.value) and "0042" in str(info.value)
    for _ in range(2):
        result = fieldcheck("whoami", "--data-dir", str(seeded))
        no_traceback(result)
        assert result.returncode == 2 and "3.2.0" in result.stderr and "0.1.0" in result.stderr
    assert not (seeded / "backups").exists() or not any((seeded / "backups").iterdir())
    assert files() == before


OPEN_AT_ONCE = """
import sys, time
from fieldcheck.store import open_store
start = float(sys.argv[2])
while time.time() < start:
    pass
store = open_store(__import__("pathlib").Path(sys.argv[1]))
print(store.identity().device_id)
"""


@pytest.mark.slow
def test_two_first_starts_on_a_new_store_wait_for_each_other(tmp_path: Path) -> None:
    import time

    for run in range(4):
        data = tmp_path / f"new{run}"
        start = str(time.time() + 1.5)
        children = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(data), start],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for _ in range(2)]
        outs = [c.communicate(timeout=120) for c in children]
        assert [c.returncode for c in children] == [0, 0], outs
        assert outs[0][0] == outs[1][0]  # one store, one device id


def test_the_database_path_being_a_folder_is_said_plainly(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).mkdir()
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert "是一个文件夹" in str(info.value)
    result = fieldcheck("demo", "--data-dir", str(tmp_path), "--visits", "2")
    no_traceback(result)
    assert result.returncode == 2 and "是一个文件夹" in result.stderr


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only_copy(seeded: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The store seen through a read-only mount: a write-protected card, a read-only share."""
    _checkpointed(seeded)
    view = tmp_path / "ro"
    view.mkdir()
    if not (_mount("--bind", str(seeded), str(view))
            and _mount("-o", "remount,ro,bind", str(view))):
        subprocess.run(["umount", "-l", str(view)], check=False)
        pytest.skip("cannot make a read-only mount here (needs root)")
    yield view
    subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_read_only_store_still_exports_and_refuses_writes_in_words(
        seeded: Path, read_only_copy: Path) -> None:
    """export works (it only reads); writing says why instead of SQLite's "unable to open
    database file" or "attempt to write a readonly database"."""
    expected = fieldcheck("export", "--data-dir", str(seeded)).stdout
    export = fieldcheck("export", "--data-dir", str(read_only_copy))
    no_traceback(export)
    assert export.returncode == 0, export.stderr
    assert export.stdout == expected
    write = fieldcheck("whoami", "--data-dir", str(read_only_copy), "--name", "李秀英")
    no_traceback(write)
    assert write.returncode == 2 and str(read_only_copy) in write.stderr, write.stderr
    assert "unable to open" not in write.stderr and "readonly" not in write.stderr


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_said_in_words_and_the_store_keeps_what_it_had(tiny_disk: Path) -> None:
    data = tiny_disk / "data"
    assert fieldcheck("demo", "--data-dir", str(data), "--visits", "3").returncode == 0
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:  # unbuffered: nothing left to flush (and fail) at close
        while True:
            os.write(fd, bytes(65536))
    except OSError:
        pass
    finally:
        os.close(fd)
    result = fieldcheck("demo", "--data-dir", str(data), "--visits", "400", "--seed", "3")
    no_traceback(result)
    assert result.returncode == 2 and "磁盘空间已满" in result.stderr, result.stderr
    assert "disk I/O error" not in result.stderr and "database or disk is full" not in result.stderr
    filler.unlink()
    shutil.rmtree(tiny_disk / "unused", ignore_errors=True)
    check = fieldcheck("verify", "--quick", "--data-dir", str(data))
    assert check.returncode == 0, check.stderr


def _reading(db: Path) -> sqlite3.Connection:
    """A connection in a read transaction on a new (rollback-journal) file."""
    reader = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    reader.execute("CREATE TABLE IF NOT EXISTS t (x)")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()
    return reader


def test_switching_a_new_file_to_wal_waits_out_another_connections_read_lock(tmp_path: Path) -> None:
    """The race two first starts hit: both read the new file and both ask for the exclusive
    lock the switch to WAL needs, and SQLite answers one of them "locked" at once, without
    its busy handler (waiting would deadlock). A connection with no busy handler stands in
    for that answer here; the switch waits the reader out."""
    import threading
    import time

    from fieldcheck.store.wal import switch_to_wal

    db = tmp_path / "new.db"
    reader = _reading(db)
    other = sqlite3.connect(db, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("PRAGMA journal_mode=WAL")  # a plain switch fails at once

    timer = threading.Timer(0.3, lambda: reader.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    switch_to_wal(other.cursor(), 5.0)
    timer.join()
    assert time.monotonic() - started >= 0.25  # it waited for the reader
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_switching_to_wal_gives_up_after_its_timeout_with_sqlites_error(tmp_path: Path) -> None:
    from fieldcheck.store.wal import switch_to_wal

    db = tmp_path / "held.db"
    reader = _reading(db)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            switch_to_wal(sqlite3.connect(db, isolation_level=None, timeout=0).cursor(), 0.2)
    finally:
        reader.execute("COMMIT")
