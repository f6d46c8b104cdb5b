"""A store that passes the start-up check is copied once a day (seven kept), so a store found
damaged later has a good backup to restore."""

from __future__ import annotations

import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

from fieldcheck.domain import startup_check
from fieldcheck.domain.startup_check import (
    DAILY_PREFIX,
    KEEP_DAILY,
    keep_daily_backup,
    latest_good_backup,
    open_checked,
)
from fieldcheck.store import open_store


def _store(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.set_identity("王建国", "清监字第2026001号")
    store.close()


def _daily(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob(f"{DAILY_PREFIX}*.db"))


def test_a_checked_start_makes_one_private_readable_backup_a_day(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _store(data_dir)
    for _ in range(2):  # the second start of the day adds nothing
        checked = open_checked(data_dir)
        assert not checked.damaged
        checked.store.close()
    [backup] = _daily(data_dir)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT user_name FROM local_identity").fetchone() == ("王建国",)
    assert latest_good_backup(data_dir) == backup


def test_the_newest_seven_are_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _store(data_dir)
    start = datetime(2026, 11, 1, 8, 0)
    made = [keep_daily_backup(data_dir, now=start + timedelta(days=n)) for n in range(10)]
    assert all(made)
    assert keep_daily_backup(data_dir, now=start + timedelta(days=9, hours=3)) is None  # same day
    assert _daily(data_dir) == made[-KEEP_DAILY:]


def test_a_backup_that_cannot_be_written_does_not_stop_the_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _store(data_dir)
    (data_dir / "backups").write_text("not a folder")  # the copy cannot be made
    checked = open_checked(data_dir)
    assert not checked.damaged and not checked.store.read_only
    checked.store.close()
    assert startup_check.keep_daily_backup(data_dir) is None
