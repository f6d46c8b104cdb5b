"""Switching a SQLite file to WAL, shared by the laptop's store and the server's SQLite."""

from __future__ import annotations

import sqlite3
import time


def switch_to_wal(cursor: sqlite3.Cursor, timeout_s: float) -> None:
    """On a new file, two first connections can both hold a read lock while each asks for
    the exclusive one the switch to WAL needs; SQLite then answers "locked" at once, without
    the busy handler (waiting would deadlock). Try again until `timeout_s`: the other side's
    switch takes milliseconds, after which this one finds WAL already on."""
    deadline = time.monotonic() + timeout_s
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
